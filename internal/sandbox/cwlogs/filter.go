package cwlogs

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// newestFirstEarliest is the earliest startTime for which FilterLogEvents accepts
// startFromHead=false (2024-01-01T00:00:00Z).
var newestFirstEarliest = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

const maxFilterPatternLen = 1024

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

func eventID(e *event) string {
	return fmt.Sprintf("%037d%019d", uint64(e.ts)^(1<<63), e.seq)
}

type streamEvent struct {
	stream string
	ev     *event
}

func (s *Service) filterLogEvents(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName        *string  `json:"logGroupName"`
		LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
		StartTime           *int64   `json:"startTime"`
		EndTime             *int64   `json:"endTime"`
		FilterPattern       *string  `json:"filterPattern"`
		NextToken           *string  `json:"nextToken"`
		Limit               *int64   `json:"limit"`
		StartFromHead       *bool    `json:"startFromHead"`
		Interleaved         *bool    `json:"interleaved"`
		Unmask              *bool    `json:"unmask"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.LogStreamNames != nil && req.LogStreamNamePrefix != nil {
		return nil, invalidParam("You cannot specify both logStreamNames and logStreamNamePrefix.")
	}
	if req.LogStreamNames != nil {
		if len(req.LogStreamNames) < 1 || len(req.LogStreamNames) > 100 {
			return nil, invalidParam("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length between 1 and 100")
		}
		for i := range req.LogStreamNames {
			if err := validateStreamName("logStreamNames", &req.LogStreamNames[i]); err != nil {
				return nil, err
			}
		}
	}
	if req.LogStreamNamePrefix != nil {
		if err := validateStreamName("logStreamNamePrefix", req.LogStreamNamePrefix); err != nil {
			return nil, err
		}
	}
	limit, apiErr := checkLimit("limit", req.Limit, MaxPageEvents, MaxPageEvents)
	if apiErr != nil {
		return nil, apiErr
	}
	for _, t := range []struct {
		name string
		v    *int64
	}{{"startTime", req.StartTime}, {"endTime", req.EndTime}} {
		if t.v != nil && *t.v < 0 {
			return nil, invalidParam("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to 0", *t.v, t.name)
		}
	}
	pattern := ""
	if req.FilterPattern != nil {
		pattern = *req.FilterPattern
		if runeLen(pattern) > maxFilterPatternLen {
			return nil, invalidParam("1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to %d", maxFilterPatternLen)
		}
	}
	match, apiErr := compileFilterPattern(pattern)
	if apiErr != nil {
		return nil, apiErr
	}
	start, end := int64(math.MinInt64), int64(math.MaxInt64)
	if req.StartTime != nil {
		start = *req.StartTime
	}
	if req.EndTime != nil {
		end = *req.EndTime // inclusive: "Events with a timestamp later than this time are not returned."
	}
	// The direction is fixed by the first call and carried in the token.
	desc := false
	var after evKey
	hasTok := false
	if req.NextToken != nil {
		k, ok := decodeToken("fe", *req.NextToken)
		if !ok || len(k) < 1 || (k[0] != 'a' && k[0] != 'd') {
			return nil, invalidToken()
		}
		tsStr, seqStr, ok := strings.Cut(k[1:], ":")
		ts, err1 := strconv.ParseInt(tsStr, 10, 64)
		seq, err2 := strconv.ParseInt(seqStr, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, invalidToken()
		}
		desc, after, hasTok = k[0] == 'd', evKey{ts, seq}, true
	} else if req.StartFromHead != nil && !*req.StartFromHead {
		if req.StartTime == nil || *req.StartTime < newestFirstEarliest {
			return nil, invalidParam("startFromHead=false (newest events first) is only supported when startTime is on or after 2024-01-01T00:00:00Z (%d).", newestFirstEarliest)
		}
		desc = true
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	g, apiErr := s.resolveGroup(req.LogGroupName, req.LogGroupIdentifier)
	if apiErr != nil {
		return nil, apiErr
	}
	var streams []*logStream
	if req.LogStreamNames != nil {
		seen := map[string]bool{}
		for _, n := range req.LogStreamNames {
			// UNCONFIRMED: names of streams that do not exist are ignored (not an error).
			if st := g.streams[n]; st != nil && !seen[n] {
				seen[n] = true
				streams = append(streams, st)
			}
		}
	} else {
		for _, st := range g.streams {
			if req.LogStreamNamePrefix == nil || strings.HasPrefix(st.name, *req.LogStreamNamePrefix) {
				streams = append(streams, st)
			}
		}
	}
	var cands []streamEvent
	for _, st := range streams {
		lo, hi := 0, len(st.events)
		if end != math.MaxInt64 {
			lo, hi = st.window(start, end+1)
		} else if start != math.MinInt64 {
			lo, _ = st.window(start, start)
		}
		for i := lo; i < hi; i++ {
			e := &st.events[i]
			if hasTok {
				if !desc && !keyLess(after, e.key()) {
					continue
				}
				if desc && !keyLess(e.key(), after) {
					continue
				}
			}
			cands = append(cands, streamEvent{st.name, e})
		}
	}
	// Sorted by event timestamp, then ingestion order.
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i].ev.key(), cands[j].ev.key()
		if desc {
			return keyLess(b, a)
		}
		return keyLess(a, b)
	})
	out := struct {
		Events             []filteredEvent `json:"events"`
		SearchedLogStreams []struct{}      `json:"searchedLogStreams"`
		NextToken          *string         `json:"nextToken,omitempty"`
	}{Events: []filteredEvent{}, SearchedLogStreams: []struct{}{}}
	bytes := 0
	var last *event
	more := false
	for _, c := range cands {
		if !match(c.ev.msg) {
			continue
		}
		b := eventBytes(c.ev.msg)
		if len(out.Events) == limit || (len(out.Events) > 0 && bytes+b > MaxPageBytes) {
			more = true
			break
		}
		bytes += b
		last = c.ev
		out.Events = append(out.Events, filteredEvent{
			LogStreamName: c.stream, Timestamp: c.ev.ts, Message: c.ev.msg,
			IngestionTime: c.ev.ingest, EventID: eventID(c.ev),
		})
	}
	if more && last != nil {
		d := byte('a')
		if desc {
			d = 'd'
		}
		tok := encodeToken("fe", fmt.Sprintf("%c%d:%d", d, last.ts, last.seq))
		out.NextToken = &tok
	}
	return out, nil
}
