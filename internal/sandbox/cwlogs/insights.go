package cwlogs

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
)

// Logs Insights API: StartQuery, GetQueryResults and StopQuery. The engine behind them, one
// concern per file: insights_lex.go and insights_parse.go turn the query text into commands
// (insights_command.go, each with its apply), which insights_exec.go applies in order to the
// records of the queried groups (insights_record.go); expressions (insights_expr.go,
// insights_funcs.go) evaluate to values (insights_value.go); stats aggregates in
// insights_stats.go.

// MaxConcurrentQueries is the number of Insights queries that may run at once.
const MaxConcurrentQueries = 100

type query struct {
	id      string
	status  string
	results [][]resultField
	stats   queryStats
}

func (s *Service) newQueryID() string {
	s.querySeq++
	h := fnv.New64a()
	fmt.Fprintf(h, "query/%d", s.querySeq)
	x := h.Sum64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(x>>32), uint16(x>>16), uint16(x), uint16(s.querySeq>>48), s.querySeq&0xffffffffffff)
}

func (s *Service) startQuery(body []byte) (any, *APIError) {
	var req struct {
		QueryLanguage       *string  `json:"queryLanguage"`
		LogGroupName        *string  `json:"logGroupName"`
		LogGroupNames       []string `json:"logGroupNames"`
		LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
		StartTime           *int64   `json:"startTime"`
		EndTime             *int64   `json:"endTime"`
		QueryString         *string  `json:"queryString"`
		Limit               *int64   `json:"limit"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.QueryLanguage != nil && *req.QueryLanguage != "CWLI" {
		if *req.QueryLanguage != "SQL" && *req.QueryLanguage != "PPL" {
			return nil, invalidParam("1 validation error detected: Value '%s' at 'queryLanguage' failed to satisfy constraint: Member must satisfy enum value set: [CWLI, SQL, PPL]", *req.QueryLanguage)
		}
		return nil, invalidParam("The vpnlogs CloudWatch Logs sandbox implements only the Logs Insights query language (CWLI), not %s.", *req.QueryLanguage)
	}
	if req.StartTime == nil || req.EndTime == nil {
		return nil, invalidParam("1 validation error detected: Value null at 'startTime'/'endTime' failed to satisfy constraint: Member must not be null")
	}
	if *req.StartTime < 0 || *req.EndTime < 0 || *req.StartTime > math.MaxInt64/1000-1 || *req.EndTime > math.MaxInt64/1000-1 {
		return nil, invalidParam("startTime and endTime must be epoch seconds between 0 and %d.", int64(math.MaxInt64/1000-1))
	}
	if *req.EndTime < *req.StartTime {
		return nil, invalidParam("End time should not be before the start time.")
	}
	if req.QueryString == nil || *req.QueryString == "" {
		return nil, invalidParam("1 validation error detected: Value null at 'queryString' failed to satisfy constraint: Member must not be null")
	}
	if runeLen(*req.QueryString) > 10000 {
		return nil, invalidParam("1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length less than or equal to 10000")
	}
	maxRows, apiErr := checkLimit("limit", req.Limit, 100000, 10000)
	if apiErr != nil {
		return nil, apiErr
	}
	given := 0
	if req.LogGroupName != nil {
		given++
	}
	if req.LogGroupNames != nil {
		given++
	}
	if req.LogGroupIdentifiers != nil {
		given++
	}
	if given != 1 {
		return nil, invalidParam("A StartQuery operation must include exactly one of the following parameters: logGroupName, logGroupNames, or logGroupIdentifiers.")
	}
	var names []string
	switch {
	case req.LogGroupName != nil:
		if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
			return nil, err
		}
		names = []string{*req.LogGroupName}
	case req.LogGroupNames != nil:
		if len(req.LogGroupNames) < 1 || len(req.LogGroupNames) > 50 {
			return nil, invalidParam("1 validation error detected: Value at 'logGroupNames' failed to satisfy constraint: Member must have length between 1 and 50")
		}
		for i := range req.LogGroupNames {
			if err := validateGroupName("logGroupNames", &req.LogGroupNames[i]); err != nil {
				return nil, err
			}
		}
		names = req.LogGroupNames
	default:
		if len(req.LogGroupIdentifiers) < 1 || len(req.LogGroupIdentifiers) > 50 {
			return nil, invalidParam("1 validation error detected: Value at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length between 1 and 50")
		}
		names = req.LogGroupIdentifiers
	}
	cmds, m := parseQuery(*req.QueryString)
	if m != nil {
		return nil, m.apiError()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var groups []*logGroup
	seen := map[string]bool{}
	for _, n := range names {
		var g *logGroup
		if strings.HasPrefix(n, "arn:") {
			if strings.HasSuffix(n, "*") {
				return nil, invalidParam("Log group ARN %q must not end with '*': use arn:aws:logs:REGION:ACCOUNT:log-group:NAME.", n)
			}
			var apiErr *APIError
			if g, apiErr = s.groupFromARN("logGroupIdentifiers", n); apiErr != nil {
				return nil, apiErr
			}
		} else if g = s.groups[n]; g == nil {
			return nil, notFound("Log group '%s' does not exist for account ID '%s'", n, s.opt.AccountID)
		}
		if !seen[g.name] {
			seen[g.name] = true
			groups = append(groups, g)
		}
	}
	running := 0
	for _, q := range s.queries {
		if q.status == "Running" || q.status == "Scheduled" {
			running++
		}
	}
	if running >= MaxConcurrentQueries {
		// UNCONFIRMED: exact message.
		return nil, newErr(CodeLimitExceeded, "Account maximum query concurrency limit of [%d] reached.", MaxConcurrentQueries)
	}
	rows, stats := s.runQuery(cmds, groups, *req.StartTime*1000, *req.EndTime*1000+999, maxRows)
	q := &query{id: s.newQueryID(), status: "Running", results: rows, stats: stats}
	s.queries[q.id] = q
	return struct {
		QueryID string `json:"queryId"`
	}{q.id}, nil
}

func (s *Service) getQueryResults(body []byte) (any, *APIError) {
	var req struct {
		QueryID   *string `json:"queryId"`
		NextToken *string `json:"nextToken"`
		MaxItems  *int64  `json:"maxItems"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.QueryID == nil || *req.QueryID == "" {
		return nil, invalidParam("1 validation error detected: Value null at 'queryId' failed to satisfy constraint: Member must not be null")
	}
	maxItems, apiErr := checkLimit("maxItems", req.MaxItems, 10000, 10000)
	if apiErr != nil {
		return nil, apiErr
	}
	off := 0
	if req.NextToken != nil {
		k, ok := decodeToken("qr", *req.NextToken)
		n, err := strconv.Atoi(k)
		if !ok || err != nil || n < 0 {
			return nil, invalidToken()
		}
		off = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queries[*req.QueryID]
	if q == nil {
		return nil, notFound("Query %s does not exist.", *req.QueryID)
	}
	// The query ran at StartQuery; it reports Complete from the first poll on
	// (Scheduled and Running are never observed).
	if q.status == "Running" || q.status == "Scheduled" {
		q.status = "Complete"
	}
	out := struct {
		QueryLanguage string          `json:"queryLanguage"`
		Results       [][]resultField `json:"results"`
		Statistics    queryStats      `json:"statistics"`
		Status        string          `json:"status"`
		NextToken     *string         `json:"nextToken,omitempty"`
	}{QueryLanguage: "CWLI", Results: [][]resultField{}, Statistics: q.stats, Status: q.status}
	if q.status == "Complete" && off < len(q.results) {
		end := off + maxItems
		if end >= len(q.results) {
			end = len(q.results)
		} else {
			tok := encodeToken("qr", strconv.Itoa(end))
			out.NextToken = &tok
		}
		out.Results = q.results[off:end]
	}
	return out, nil
}

func (s *Service) stopQuery(body []byte) (any, *APIError) {
	var req struct {
		QueryID *string `json:"queryId"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.QueryID == nil || *req.QueryID == "" {
		return nil, invalidParam("1 validation error detected: Value null at 'queryId' failed to satisfy constraint: Member must not be null")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queries[*req.QueryID]
	if q == nil {
		return nil, notFound("Query %s does not exist.", *req.QueryID)
	}
	// UNCONFIRMED: stopping a query that is no longer running returns success=false.
	ok := q.status == "Running" || q.status == "Scheduled"
	if ok {
		q.status = "Cancelled"
		q.results = nil
	}
	return struct {
		Success bool `json:"success"`
	}{ok}, nil
}
