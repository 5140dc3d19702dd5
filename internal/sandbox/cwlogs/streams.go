package cwlogs

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PutLogEvents / read-page limits.
const (
	MaxBatchEvents     = 10000   // events per PutLogEvents call
	MaxBatchBytes      = 1048576 // bytes per PutLogEvents call, counting len(message)+EventOverheadBytes
	EventOverheadBytes = 26      // per-event overhead counted by AWS
	MaxPageBytes       = 1048576 // response page cut for GetLogEvents / FilterLogEvents
	MaxPageEvents      = 10000   // events per GetLogEvents / FilterLogEvents page
	maxEventAge        = 14 * 24 * time.Hour
	maxEventFuture     = 2 * time.Hour
	maxBatchSpan       = 24 * time.Hour
	maxEventBytes      = 1048576 - EventOverheadBytes
)

type event struct {
	ts     int64 // event timestamp (ms)
	ingest int64 // ingestion time (ms)
	seq    int64 // global ingestion sequence; orders events with equal timestamps
	msg    string
}

type evKey struct{ ts, seq int64 }

func (e *event) key() evKey { return evKey{e.ts, e.seq} }

func keyLess(a, b evKey) bool {
	if a.ts != b.ts {
		return a.ts < b.ts
	}
	return a.seq < b.seq
}

// eventBytes is the size AWS counts for an event: UTF-8 bytes of the message plus 26.
func eventBytes(msg string) int { return len(msg) + EventOverheadBytes }

type logStream struct {
	name        string
	created     int64
	events      []event // sorted by (ts, seq)
	lastIngest  int64
	storedBytes int64
	uploadToken int64
}

// insert keeps events sorted by timestamp, then ingestion order.
func (st *logStream) insert(e event) {
	n := len(st.events)
	if n == 0 || st.events[n-1].ts <= e.ts {
		st.events = append(st.events, e)
	} else {
		i := sort.Search(n, func(i int) bool { return st.events[i].ts > e.ts })
		st.events = append(st.events, event{})
		copy(st.events[i+1:], st.events[i:])
		st.events[i] = e
	}
	if e.ingest > st.lastIngest {
		st.lastIngest = e.ingest
	}
	st.storedBytes += int64(len(e.msg))
}

// window returns the index range [lo, hi) of events with start <= ts < end.
func (st *logStream) window(start, end int64) (int, int) {
	lo := sort.Search(len(st.events), func(i int) bool { return st.events[i].ts >= start })
	hi := sort.Search(len(st.events), func(i int) bool { return st.events[i].ts >= end })
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

func (s *Service) nextSeq() int64 {
	s.seq++
	return s.seq
}

func (s *Service) sequenceToken(st *logStream) string {
	s.tokenSeq++
	st.uploadToken = s.tokenSeq
	// Shaped like AWS's 56-digit tokens; AWS no longer checks them.
	return fmt.Sprintf("4959%052d", st.uploadToken)
}

// ---- internal writer API ----

// EnsureStream creates the stream if it does not exist. The log group must exist.
func (s *Service) EnsureStream(logGroupName, streamName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.ensureStream(logGroupName, streamName)
	if err != nil {
		return err
	}
	return nil
}

func (s *Service) ensureStream(groupName, streamName string) (*logStream, *APIError) {
	g, gerr := s.groupLocked(groupName)
	if gerr != nil {
		return nil, gerr
	}
	if err := validateStreamName("logStreamName", &streamName); err != nil {
		return nil, err
	}
	st := g.streams[streamName]
	if st == nil {
		st = &logStream{name: streamName, created: s.nowMillis()}
		g.streams[streamName] = st
	}
	return st, nil
}

// InputEvent is one event for AppendEvents.
type InputEvent struct {
	TimestampMillis int64
	Message         string
}

// AppendEvents is the internal writer for scenario traffic (what VPN log delivery
// writes): no PutLogEvents limits, creates the stream if missing (the group must
// exist), keeps the stream sorted by time. Ingestion time is Now.
func (s *Service) AppendEvents(logGroupName, streamName string, events []InputEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.ensureStream(logGroupName, streamName)
	if err != nil {
		return err
	}
	now := s.nowMillis()
	for _, e := range events {
		st.insert(event{ts: e.TimestampMillis, ingest: now, seq: s.nextSeq(), msg: e.Message})
	}
	return nil
}

// Streams returns the stream names of a log group, sorted (nil if the group does not exist).
func (s *Service) Streams(logGroupName string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[logGroupName]
	if g == nil {
		return nil
	}
	out := make([]string, 0, len(g.streams))
	for n := range g.streams {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// EventCount returns the number of stored events in a stream (0 if it does not exist).
func (s *Service) EventCount(logGroupName, streamName string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[logGroupName]
	if g == nil || g.streams[streamName] == nil {
		return 0
	}
	return len(g.streams[streamName].events)
}

// ---- operations ----

func (s *Service) createLogStream(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName  *string `json:"logGroupName"`
		LogStreamName *string `json:"logStreamName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateStreamName("logStreamName", req.LogStreamName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	if g.streams[*req.LogStreamName] != nil {
		return nil, newErr(CodeResourceAlreadyExists, "The specified log stream already exists")
	}
	g.streams[*req.LogStreamName] = &logStream{name: *req.LogStreamName, created: s.nowMillis()}
	return struct{}{}, nil
}

func (s *Service) deleteLogStream(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName  *string `json:"logGroupName"`
		LogStreamName *string `json:"logStreamName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateStreamName("logStreamName", req.LogStreamName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	if g.streams[*req.LogStreamName] == nil {
		return nil, notFound("The specified log stream does not exist.")
	}
	delete(g.streams, *req.LogStreamName)
	return struct{}{}, nil
}

type logStreamOut struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken,omitempty"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

func streamSortKey(st *logStream, byTime bool) string {
	if !byTime {
		return st.name
	}
	var last int64
	if n := len(st.events); n > 0 {
		last = st.events[n-1].ts
	}
	return fmt.Sprintf("%020d|%s", uint64(last)^(1<<63), st.name)
}

func (s *Service) describeLogStreams(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName        *string `json:"logGroupName"`
		LogGroupIdentifier  *string `json:"logGroupIdentifier"`
		LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
		OrderBy             *string `json:"orderBy"`
		Descending          *bool   `json:"descending"`
		NextToken           *string `json:"nextToken"`
		Limit               *int64  `json:"limit"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	limit, err := checkLimit("limit", req.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	byTime := false
	if req.OrderBy != nil {
		switch *req.OrderBy {
		case "LogStreamName":
		case "LastEventTime":
			byTime = true
		default:
			return nil, invalidParam("1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", *req.OrderBy)
		}
	}
	if req.LogStreamNamePrefix != nil {
		if err := validateStreamName("logStreamNamePrefix", req.LogStreamNamePrefix); err != nil {
			return nil, err
		}
		if byTime {
			return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	}
	desc := req.Descending != nil && *req.Descending
	tokKind := "ls"
	if byTime {
		tokKind = "lt"
	}
	if desc {
		tokKind += "d"
	}
	after, hasAfter := "", false
	if req.NextToken != nil {
		k, ok := decodeToken(tokKind, *req.NextToken)
		if !ok {
			return nil, invalidToken()
		}
		after, hasAfter = k, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, apiErr := s.resolveGroup(req.LogGroupName, req.LogGroupIdentifier)
	if apiErr != nil {
		return nil, apiErr
	}
	type item struct {
		key string
		st  *logStream
	}
	items := make([]item, 0, len(g.streams))
	for _, st := range g.streams {
		if req.LogStreamNamePrefix != nil && !strings.HasPrefix(st.name, *req.LogStreamNamePrefix) {
			continue
		}
		items = append(items, item{streamSortKey(st, byTime), st})
	}
	sort.Slice(items, func(i, j int) bool {
		if desc {
			return items[i].key > items[j].key
		}
		return items[i].key < items[j].key
	})
	out := []logStreamOut{}
	var next *string
	lastKey := ""
	for _, it := range items {
		if hasAfter && ((!desc && it.key <= after) || (desc && it.key >= after)) {
			continue
		}
		if len(out) == limit {
			tok := encodeToken(tokKind, lastKey)
			next = &tok
			break
		}
		out = append(out, s.describeStream(g, it.st))
		lastKey = it.key
	}
	return struct {
		LogStreams []logStreamOut `json:"logStreams"`
		NextToken  *string        `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Service) describeStream(g *logGroup, st *logStream) logStreamOut {
	o := logStreamOut{
		LogStreamName: st.name,
		CreationTime:  st.created,
		Arn:           s.streamARN(g.name, st.name),
		// "As of June 17, 2019, this parameter is no longer supported for log streams,
		// and is always reported as zero."
		StoredBytes: 0,
	}
	if n := len(st.events); n > 0 {
		first, last, ing := st.events[0].ts, st.events[n-1].ts, st.lastIngest
		o.FirstEventTimestamp, o.LastEventTimestamp, o.LastIngestionTime = &first, &last, &ing
	}
	if st.uploadToken > 0 {
		o.UploadSequenceToken = fmt.Sprintf("4959%052d", st.uploadToken)
	}
	return o
}

type inputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type rejectedInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

func (s *Service) putLogEvents(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName  *string         `json:"logGroupName"`
		LogStreamName *string         `json:"logStreamName"`
		LogEvents     []inputLogEvent `json:"logEvents"`
		SequenceToken *string         `json:"sequenceToken"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateStreamName("logStreamName", req.LogStreamName); err != nil {
		return nil, err
	}
	if len(req.LogEvents) < 1 {
		return nil, invalidParam("1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if len(req.LogEvents) > MaxBatchEvents {
		return nil, invalidParam("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to %d", MaxBatchEvents)
	}
	total := 0
	for i, e := range req.LogEvents {
		if e.Timestamp == nil {
			return nil, invalidParam("1 validation error detected: Value null at 'logEvents.%d.member.timestamp' failed to satisfy constraint: Member must not be null", i+1)
		}
		if e.Message == nil {
			return nil, invalidParam("1 validation error detected: Value null at 'logEvents.%d.member.message' failed to satisfy constraint: Member must not be null", i+1)
		}
		if *e.Message == "" {
			return nil, invalidParam("1 validation error detected: Value '' at 'logEvents.%d.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1", i+1)
		}
		if *e.Timestamp < 0 {
			return nil, invalidParam("1 validation error detected: Value '%d' at 'logEvents.%d.member.timestamp' failed to satisfy constraint: Member must have value greater than or equal to 0", *e.Timestamp, i+1)
		}
		total += eventBytes(*e.Message)
	}
	if total > MaxBatchBytes {
		return nil, invalidParam("Upload too large: %d bytes exceeds limit of %d", total, MaxBatchBytes)
	}
	for i := 1; i < len(req.LogEvents); i++ {
		if *req.LogEvents[i].Timestamp < *req.LogEvents[i-1].Timestamp {
			return nil, invalidParam("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	first, last := *req.LogEvents[0].Timestamp, *req.LogEvents[len(req.LogEvents)-1].Timestamp
	if time.Duration(last-first)*time.Millisecond > maxBatchSpan {
		return nil, invalidParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	st := g.streams[*req.LogStreamName]
	if st == nil {
		return nil, notFound("The specified log stream does not exist.")
	}
	now := s.now()
	nowMs := now.UnixMilli()
	oldest := now.Add(-maxEventAge).UnixMilli()
	newest := now.Add(maxEventFuture).UnixMilli()
	expiredBefore := int64(math.MinInt64)
	if g.retention > 0 {
		expiredBefore = now.Add(-time.Duration(g.retention) * 24 * time.Hour).UnixMilli()
	}
	var rej rejectedInfo
	for i, e := range req.LogEvents {
		ts := *e.Timestamp
		switch {
		case ts < oldest || ts < expiredBefore:
			if ts < oldest {
				idx := i
				rej.TooOldLogEventEndIndex = &idx
			}
			if ts < expiredBefore {
				idx := i
				rej.ExpiredLogEventEndIndex = &idx
			}
			continue
		case ts > newest:
			if rej.TooNewLogEventStartIndex == nil {
				idx := i
				rej.TooNewLogEventStartIndex = &idx
			}
			continue
		}
		st.insert(event{ts: ts, ingest: nowMs, seq: s.nextSeq(), msg: *e.Message})
	}
	out := struct {
		NextSequenceToken     string        `json:"nextSequenceToken"`
		RejectedLogEventsInfo *rejectedInfo `json:"rejectedLogEventsInfo,omitempty"`
	}{NextSequenceToken: s.sequenceToken(st)}
	if rej != (rejectedInfo{}) {
		out.RejectedLogEventsInfo = &rej
	}
	return out, nil
}

// ---- GetLogEvents ----

var (
	minKey = evKey{math.MinInt64, 0}
	maxKey = evKey{math.MaxInt64, math.MaxInt64}
)

// posToken renders "f/<digits>" or "b/<digits>" (the observed AWS form): 20 digits of
// the order-preserving timestamp, 19 digits of the ingestion sequence.
func posToken(dir byte, k evKey) string {
	return fmt.Sprintf("%c/%020d%019d", dir, uint64(k.ts)^(1<<63), k.seq)
}

func parsePosToken(tok string) (byte, evKey, bool) {
	t := strings.TrimSuffix(tok, "/s")
	if len(t) != 2+39 || (t[0] != 'f' && t[0] != 'b') || t[1] != '/' {
		return 0, evKey{}, false
	}
	u, err1 := strconv.ParseUint(t[2:22], 10, 64)
	q, err2 := strconv.ParseInt(t[22:], 10, 64)
	if err1 != nil || err2 != nil || q < 0 {
		return 0, evKey{}, false
	}
	return t[0], evKey{int64(u ^ (1 << 63)), q}, true
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

func (s *Service) getLogEvents(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName       *string `json:"logGroupName"`
		LogGroupIdentifier *string `json:"logGroupIdentifier"`
		LogStreamName      *string `json:"logStreamName"`
		StartTime          *int64  `json:"startTime"`
		EndTime            *int64  `json:"endTime"`
		NextToken          *string `json:"nextToken"`
		Limit              *int64  `json:"limit"`
		StartFromHead      *bool   `json:"startFromHead"`
		Unmask             *bool   `json:"unmask"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateStreamName("logStreamName", req.LogStreamName); err != nil {
		return nil, err
	}
	limit, apiErr := checkLimit("limit", req.Limit, MaxPageEvents, MaxPageEvents)
	if apiErr != nil {
		return nil, apiErr
	}
	start, end := int64(math.MinInt64), int64(math.MaxInt64)
	if req.StartTime != nil {
		start = *req.StartTime
	}
	if req.EndTime != nil {
		end = *req.EndTime // exclusive
	}
	var dir byte = 'b'
	if req.StartFromHead != nil && *req.StartFromHead {
		dir = 'f'
	}
	var tokKey evKey
	hasTok := false
	if req.NextToken != nil {
		d, k, ok := parsePosToken(*req.NextToken)
		if !ok {
			return nil, invalidToken()
		}
		// The token's direction wins over startFromHead.
		dir, tokKey, hasTok = d, k, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, apiErr := s.resolveGroup(req.LogGroupName, req.LogGroupIdentifier)
	if apiErr != nil {
		return nil, apiErr
	}
	st := g.streams[*req.LogStreamName]
	if st == nil {
		return nil, notFound("The specified log stream does not exist.")
	}
	lo, hi := st.window(start, end)
	evs := st.events[lo:hi]
	var page []event
	if dir == 'f' {
		i := 0
		if hasTok {
			i = sort.Search(len(evs), func(i int) bool { return keyLess(tokKey, evs[i].key()) })
		}
		bytes := 0
		for ; i < len(evs) && len(page) < limit; i++ {
			b := eventBytes(evs[i].msg)
			if len(page) > 0 && bytes+b > MaxPageBytes {
				break
			}
			bytes += b
			page = append(page, evs[i])
		}
	} else {
		j := len(evs)
		if hasTok {
			j = sort.Search(len(evs), func(i int) bool { return !keyLess(evs[i].key(), tokKey) })
		}
		bytes, i := 0, j
		for i > 0 && j-i < limit {
			b := eventBytes(evs[i-1].msg)
			if j-i > 0 && bytes+b > MaxPageBytes {
				break
			}
			bytes += b
			i--
		}
		page = evs[i:j]
	}
	out := struct {
		Events            []outputLogEvent `json:"events"`
		NextForwardToken  string           `json:"nextForwardToken"`
		NextBackwardToken string           `json:"nextBackwardToken"`
	}{Events: make([]outputLogEvent, 0, len(page))}
	// UNCONFIRMED: order of events inside a page when reading backwards; the sandbox
	// always returns a page in ascending time order.
	for _, e := range page {
		out.Events = append(out.Events, outputLogEvent{Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest})
	}
	switch {
	case len(page) > 0:
		out.NextForwardToken = posToken('f', page[len(page)-1].key())
		out.NextBackwardToken = posToken('b', page[0].key())
	case hasTok && dir == 'f':
		// At the end of the stream AWS returns the token that was passed in.
		out.NextForwardToken = *req.NextToken
		out.NextBackwardToken = posToken('b', tokKey)
	case hasTok:
		out.NextBackwardToken = *req.NextToken
		out.NextForwardToken = posToken('f', tokKey)
	default:
		out.NextForwardToken = posToken('f', minKey)
		out.NextBackwardToken = posToken('b', maxKey)
	}
	return out, nil
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
