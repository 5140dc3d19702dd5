package cwlogs

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
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

// ---- filter patterns ----

type matcher func(msg string) bool

func badPattern(format string, args ...any) *APIError {
	return invalidParam("Invalid filter pattern: "+format, args...)
}

// compileFilterPattern supports: empty (all events); terms (every term must appear,
// case-sensitive), "quoted phrases", ?term OR groups and -term exclusions; %regex%;
// JSON patterns { $.a.b = "v" } with = != < > <= >=, IS TRUE/FALSE/NULL, NOT EXISTS,
// && || and parentheses; and space-delimited patterns [a, b=x, ...].
func compileFilterPattern(p string) (matcher, *APIError) {
	t := strings.TrimSpace(p)
	switch {
	case t == "":
		return func(string) bool { return true }, nil
	case strings.HasPrefix(t, "{"):
		return compileJSONPattern(t)
	case strings.HasPrefix(t, "["):
		return compileSpacePattern(t)
	case len(t) >= 2 && t[0] == '%' && t[len(t)-1] == '%':
		re, err := regexp.Compile(t[1 : len(t)-1])
		if err != nil {
			return nil, badPattern("regular expression %s: %v", t, err)
		}
		return re.MatchString, nil
	}
	return compileTermPattern(t)
}

type term struct {
	text string
	mode byte // 0: must contain; '?': any of; '-': must not contain
}

// readQuoted reads a "..." string starting at s[i]=='"'; it returns the decoded text
// and the index after the closing quote.
func readQuoted(s string, i int) (string, int, bool) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) {
				j++
				b.WriteByte(s[j])
			}
		case '"':
			return b.String(), j + 1, true
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, false
}

// UNCONFIRMED: a term matches as a case-sensitive substring of the message; plain
// terms must all appear, at least one ?term must appear when any is given, and no
// -term may appear.
func compileTermPattern(p string) (matcher, *APIError) {
	var terms []term
	for i := 0; i < len(p); {
		if isSpaceByte(p[i]) {
			i++
			continue
		}
		var mode byte
		if (p[i] == '?' || p[i] == '-') && i+1 < len(p) && !isSpaceByte(p[i+1]) {
			mode = p[i]
			i++
		}
		if p[i] == '"' {
			txt, j, ok := readQuoted(p, i)
			if !ok {
				return nil, badPattern("unterminated quoted term in %q", p)
			}
			terms = append(terms, term{txt, mode})
			i = j
			continue
		}
		j := i
		for j < len(p) && !isSpaceByte(p[j]) {
			if p[j] == '"' {
				return nil, badPattern("unexpected '\"' in term of %q", p)
			}
			j++
		}
		terms = append(terms, term{p[i:j], mode})
		i = j
	}
	return func(msg string) bool {
		anyOr, orHit := false, false
		for _, t := range terms {
			has := strings.Contains(msg, t.text)
			switch t.mode {
			case 0:
				if !has {
					return false
				}
			case '-':
				if has {
					return false
				}
			case '?':
				anyOr = true
				orHit = orHit || has
			}
		}
		return !anyOr || orHit
	}, nil
}

// isSpaceByte reports ASCII whitespace (bytes of multi-byte characters are never spaces).
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// globMatch matches s against a pattern in which '*' matches any run of characters.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		k := strings.Index(s, parts[i])
		if k < 0 {
			return false
		}
		s = s[k+len(parts[i]):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// ---- JSON filter patterns ----

type jsonPatternParser struct {
	src string
	pos int
}

type jsonCond func(doc any) bool

func compileJSONPattern(p string) (matcher, *APIError) {
	ps := &jsonPatternParser{src: p}
	ps.skip()
	if !ps.eat("{") {
		return nil, badPattern("expected '{' in %q", p)
	}
	cond, err := ps.parseOr()
	if err != nil {
		return nil, err
	}
	ps.skip()
	if !ps.eat("}") {
		return nil, badPattern("expected '}' at offset %d of %q", ps.pos, p)
	}
	ps.skip()
	if ps.pos != len(ps.src) {
		return nil, badPattern("unexpected text after '}' in %q", p)
	}
	return func(msg string) bool {
		t := strings.TrimSpace(msg)
		if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
			return false
		}
		dec := json.NewDecoder(strings.NewReader(t))
		dec.UseNumber()
		var doc any
		if dec.Decode(&doc) != nil {
			return false
		}
		return cond(doc)
	}, nil
}

func (ps *jsonPatternParser) skip() {
	for ps.pos < len(ps.src) && isSpaceByte(ps.src[ps.pos]) {
		ps.pos++
	}
}

func (ps *jsonPatternParser) eat(tok string) bool {
	if strings.HasPrefix(ps.src[ps.pos:], tok) {
		ps.pos += len(tok)
		return true
	}
	return false
}

func (ps *jsonPatternParser) eatWord(w string) bool {
	ps.skip()
	rest := ps.src[ps.pos:]
	if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
		if len(rest) == len(w) || !isWordByte(rest[len(w)]) {
			ps.pos += len(w)
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c == '*' || c == ':' || c == '/' || c == '@' || c >= 0x80 ||
		(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func (ps *jsonPatternParser) parseOr() (jsonCond, *APIError) {
	left, err := ps.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		ps.skip()
		if !ps.eat("||") {
			return left, nil
		}
		right, err := ps.parseAnd()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(d any) bool { return l(d) || right(d) }
	}
}

func (ps *jsonPatternParser) parseAnd() (jsonCond, *APIError) {
	left, err := ps.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		ps.skip()
		if !ps.eat("&&") {
			return left, nil
		}
		right, err := ps.parseUnary()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(d any) bool { return l(d) && right(d) }
	}
}

func (ps *jsonPatternParser) parseUnary() (jsonCond, *APIError) {
	ps.skip()
	if ps.eat("(") {
		c, err := ps.parseOr()
		if err != nil {
			return nil, err
		}
		ps.skip()
		if !ps.eat(")") {
			return nil, badPattern("expected ')' at offset %d of %q", ps.pos, ps.src)
		}
		return c, nil
	}
	return ps.parseComparison()
}

type selStep struct {
	key   string
	index int // -1 for object keys
}

func (ps *jsonPatternParser) parseSelector() ([]selStep, *APIError) {
	ps.skip()
	if !ps.eat("$") {
		return nil, badPattern("expected a selector starting with '$' at offset %d of %q", ps.pos, ps.src)
	}
	var steps []selStep
	for ps.pos < len(ps.src) {
		switch ps.src[ps.pos] {
		case '.':
			ps.pos++
			st := ps.pos
			for ps.pos < len(ps.src) && (isWordByte(ps.src[ps.pos]) && ps.src[ps.pos] != '.' && ps.src[ps.pos] != '*' || ps.src[ps.pos] == '$') {
				ps.pos++
			}
			if ps.pos == st {
				return nil, badPattern("empty field name in selector at offset %d of %q", st, ps.src)
			}
			steps = append(steps, selStep{key: ps.src[st:ps.pos], index: -1})
		case '[':
			ps.pos++
			st := ps.pos
			for ps.pos < len(ps.src) && ps.src[ps.pos] >= '0' && ps.src[ps.pos] <= '9' {
				ps.pos++
			}
			n, err := strconv.Atoi(ps.src[st:ps.pos])
			if err != nil || !ps.eat("]") {
				return nil, badPattern("bad array index in selector at offset %d of %q", st, ps.src)
			}
			steps = append(steps, selStep{index: n})
		default:
			if len(steps) == 0 {
				return nil, badPattern("selector '$' must name a field at offset %d of %q", ps.pos, ps.src)
			}
			return steps, nil
		}
	}
	if len(steps) == 0 {
		return nil, badPattern("selector '$' must name a field in %q", ps.src)
	}
	return steps, nil
}

func selectPath(doc any, steps []selStep) (any, bool) {
	cur := doc
	for _, st := range steps {
		if st.index >= 0 {
			arr, ok := cur.([]any)
			if !ok || st.index >= len(arr) {
				return nil, false
			}
			cur = arr[st.index]
			continue
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok := obj[st.key]
		if !ok {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

func (ps *jsonPatternParser) parseComparison() (jsonCond, *APIError) {
	steps, err := ps.parseSelector()
	if err != nil {
		return nil, err
	}
	ps.skip()
	if ps.eatWord("IS") {
		switch {
		case ps.eatWord("TRUE"):
			return func(d any) bool { v, ok := selectPath(d, steps); b, isB := v.(bool); return ok && isB && b }, nil
		case ps.eatWord("FALSE"):
			return func(d any) bool { v, ok := selectPath(d, steps); b, isB := v.(bool); return ok && isB && !b }, nil
		case ps.eatWord("NULL"):
			return func(d any) bool { v, ok := selectPath(d, steps); return ok && v == nil }, nil
		}
		return nil, badPattern("expected TRUE, FALSE or NULL after IS at offset %d of %q", ps.pos, ps.src)
	}
	if ps.eatWord("NOT") {
		if !ps.eatWord("EXISTS") {
			return nil, badPattern("expected EXISTS after NOT at offset %d of %q", ps.pos, ps.src)
		}
		return func(d any) bool { _, ok := selectPath(d, steps); return !ok }, nil
	}
	var op string
	for _, o := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if ps.eat(o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, badPattern("expected a comparison operator at offset %d of %q", ps.pos, ps.src)
	}
	ps.skip()
	var lit string
	quoted := false
	if ps.pos < len(ps.src) && ps.src[ps.pos] == '"' {
		txt, j, ok := readQuoted(ps.src, ps.pos)
		if !ok {
			return nil, badPattern("unterminated string at offset %d of %q", ps.pos, ps.src)
		}
		lit, quoted, ps.pos = txt, true, j
	} else {
		st := ps.pos
		for ps.pos < len(ps.src) && (isWordByte(ps.src[ps.pos]) || ps.src[ps.pos] == '+') {
			ps.pos++
		}
		if ps.pos == st {
			return nil, badPattern("expected a value at offset %d of %q", st, ps.src)
		}
		lit = ps.src[st:ps.pos]
	}
	num, numErr := strconv.ParseFloat(lit, 64)
	isNum := !quoted && numErr == nil
	if op != "=" && op != "!=" && !isNum {
		return nil, badPattern("operator %s needs a numeric value at offset %d of %q", op, ps.pos, ps.src)
	}
	return func(d any) bool {
		v, ok := selectPath(d, steps)
		if !ok {
			return false
		}
		if isNum {
			n, ok := v.(json.Number)
			if !ok {
				return false
			}
			f, err := n.Float64()
			if err != nil {
				return false
			}
			switch op {
			case "=":
				return f == num
			case "!=":
				return f != num
			case "<":
				return f < num
			case "<=":
				return f <= num
			case ">":
				return f > num
			default:
				return f >= num
			}
		}
		str, ok := v.(string)
		if !ok {
			return false
		}
		eq := globMatch(lit, str)
		if op == "=" {
			return eq
		}
		return !eq
	}, nil
}

// ---- space-delimited filter patterns ----

type spaceField struct {
	ellipsis bool
	op       string // "" = any value
	value    string
	isNum    bool
	num      float64
}

func compileSpacePattern(p string) (matcher, *APIError) {
	if !strings.HasSuffix(p, "]") {
		return nil, badPattern("expected ']' at the end of %q", p)
	}
	inner := p[1 : len(p)-1]
	var fields []spaceField
	for _, raw := range splitTopLevelCommas(inner) {
		f := strings.TrimSpace(raw)
		if f == "" {
			return nil, badPattern("empty field in %q", p)
		}
		if f == "..." {
			fields = append(fields, spaceField{ellipsis: true})
			continue
		}
		sf := spaceField{}
		for _, o := range []string{"!=", "<=", ">=", "=", "<", ">"} {
			if i := strings.Index(f, o); i > 0 {
				sf.op = o
				v := strings.TrimSpace(f[i+len(o):])
				if strings.HasPrefix(v, "\"") {
					txt, j, ok := readQuoted(v, 0)
					if !ok || j != len(v) {
						return nil, badPattern("bad quoted value in %q", p)
					}
					v = txt
				} else if n, err := strconv.ParseFloat(v, 64); err == nil {
					sf.isNum, sf.num = true, n
				}
				if sf.op != "=" && sf.op != "!=" && !sf.isNum {
					return nil, badPattern("operator %s needs a numeric value in %q", o, p)
				}
				sf.value = v
				break
			}
		}
		fields = append(fields, sf)
	}
	return func(msg string) bool { return matchSpaceFields(fields, splitSpaceDelimited(msg)) }, nil
}

func splitTopLevelCommas(s string) []string {
	var out []string
	inQ, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inQ = !inQ
		case ',':
			if !inQ {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// splitSpaceDelimited splits a log line on spaces; "quoted" and [bracketed] runs are one field.
func splitSpaceDelimited(msg string) []string {
	var out []string
	for i := 0; i < len(msg); {
		if msg[i] == ' ' {
			i++
			continue
		}
		var closer byte
		switch msg[i] {
		case '"':
			closer = '"'
		case '[':
			closer = ']'
		}
		if closer != 0 {
			if j := strings.IndexByte(msg[i+1:], closer); j >= 0 {
				out = append(out, msg[i+1:i+1+j])
				i += j + 2
				continue
			}
		}
		j := strings.IndexByte(msg[i:], ' ')
		if j < 0 {
			j = len(msg) - i
		}
		out = append(out, msg[i:i+j])
		i += j
	}
	return out
}

// matchSpaceFields reports whether the fields match the tokens; "..." matches any
// number of tokens. Dynamic programming keeps several ellipses linear in the tokens.
func matchSpaceFields(fields []spaceField, toks []string) bool {
	nf, nt := len(fields), len(toks)
	next := make([]bool, nt+1) // row i+1
	cur := make([]bool, nt+1)
	next[nt] = true
	for i := nf - 1; i >= 0; i-- {
		f := fields[i]
		for j := nt; j >= 0; j-- {
			if f.ellipsis {
				cur[j] = next[j] || (j < nt && cur[j+1])
			} else {
				cur[j] = j < nt && next[j+1] && f.matches(toks[j])
			}
		}
		next, cur = cur, next
	}
	return next[0]
}

func (f spaceField) matches(tok string) bool {
	switch {
	case f.op == "":
		return true
	case f.isNum:
		n, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return false
		}
		switch f.op {
		case "=":
			return n == f.num
		case "!=":
			return n != f.num
		case "<":
			return n < f.num
		case "<=":
			return n <= f.num
		case ">":
			return n > f.num
		}
		return n >= f.num
	case f.op == "=":
		return globMatch(f.value, tok)
	}
	return !globMatch(f.value, tok)
}
