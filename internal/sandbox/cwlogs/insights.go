package cwlogs

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ---- values ----

// qval is an Insights value. Results are strings; numbers keep their source text.
type qval struct {
	s      string
	n      float64
	num    bool // n is valid
	isTime bool // rendered as an Insights timestamp
	isBool bool
	b      bool
}

func strVal(s string) qval { return qval{s: s} }

func numVal(f float64) qval { return qval{s: strconv.FormatFloat(f, 'f', -1, 64), n: f, num: true} }

func timeVal(ms int64) qval {
	return qval{s: fmtInsightsTime(ms), n: float64(ms), num: true, isTime: true}
}

// Booleans from JSON are 1/0 in Insights ("BOOL fields are converted to 1 for true, and
// 0 for false"; aws-powertools/powertools-lambda-dotnet#667).
func boolVal(b bool) qval {
	v := qval{isBool: true, b: b, s: "0", num: true}
	if b {
		v.s, v.n = "1", 1
	}
	return v
}

// fmtInsightsTime renders like Insights: "2025-11-08 05:40:29.641" (UTC).
func fmtInsightsTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000")
}

func (v qval) number() (float64, bool) {
	if v.num {
		return v.n, true
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func (v qval) truthy() bool {
	switch {
	case v.isBool:
		return v.b
	case v.num:
		return v.n != 0
	}
	return v.s != ""
}

// compareNatural orders values like Insights' sort: non-number values before number
// values; numbers numerically; other strings chunk by chunk (digit runs by length then
// value, other runs by Unicode order).
func compareNatural(a, b qval) int {
	an, aok := a.number()
	bn, bok := b.number()
	switch {
	case aok && bok:
		switch {
		case an < bn:
			return -1
		case an > bn:
			return 1
		}
		return 0
	case aok:
		return 1
	case bok:
		return -1
	}
	ca, cb := chunks(a.s), chunks(b.s)
	for i := 0; i < len(ca) && i < len(cb); i++ {
		x, y := ca[i], cb[i]
		xd, yd := x != "" && isDigit(x[0]), y != "" && isDigit(y[0])
		if xd && yd {
			if len(x) != len(y) {
				if len(x) < len(y) {
					return -1
				}
				return 1
			}
		}
		if c := strings.Compare(x, y); c != 0 {
			return c
		}
	}
	switch {
	case len(ca) < len(cb):
		return -1
	case len(ca) > len(cb):
		return 1
	}
	return 0
}

func chunks(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := i + 1
		d := isDigit(s[i])
		for j < len(s) && isDigit(s[j]) == d {
			j++
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

// ---- records ----

type record struct {
	ev     *event
	stream string
	logID  string // "account:group" (@log)
	set    map[string]qval
	disc   map[string]qval
	parsed bool
	row    bool // a stats output row: only set fields
}

func (r *record) get(name string) (qval, bool) {
	if v, ok := r.set[name]; ok {
		return v, true
	}
	if r.row || r.ev == nil {
		return qval{}, false
	}
	switch name {
	case "@timestamp":
		return timeVal(r.ev.ts), true
	case "@message":
		return strVal(r.ev.msg), true
	case "@logStream":
		return strVal(r.stream), true
	case "@log":
		return strVal(r.logID), true
	case "@ingestionTime":
		return timeVal(r.ev.ingest), true
	case "@ptr":
		return strVal(r.ptr()), true
	}
	if !r.parsed {
		r.parsed = true
		r.disc = discoverJSON(r.ev.msg)
	}
	v, ok := r.disc[name]
	return v, ok
}

func (r *record) ptr() string {
	return base64.RawStdEncoding.EncodeToString([]byte(fmt.Sprintf("%s\x00%s\x00%d\x00%d", r.logID, r.stream, r.ev.ts, r.ev.seq)))
}

func (r *record) assign(name string, v qval, ok bool) {
	if r.set == nil {
		r.set = map[string]qval{}
	}
	if ok {
		r.set[name] = v
	} else {
		delete(r.set, name)
	}
}

// discoverJSON implements Insights JSON field discovery for messages that are JSON
// objects: leaf values by dotted path (message.details), arrays by index (a.0).
// Objects and arrays themselves are not fields; null is absent.
// UNCONFIRMED: the exact discovery rules (limits, arrays) beyond dot access.
func discoverJSON(msg string) map[string]qval {
	t := strings.TrimSpace(msg)
	if !strings.HasPrefix(t, "{") {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	var doc map[string]any
	if dec.Decode(&doc) != nil {
		return nil
	}
	out := map[string]qval{}
	flattenJSON("", doc, out, 0)
	return out
}

func flattenJSON(prefix string, v any, out map[string]qval, depth int) {
	if depth > 64 {
		return
	}
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			flattenJSON(join(k), x, out, depth+1)
		}
	case []any:
		for i, x := range t {
			flattenJSON(join(strconv.Itoa(i)), x, out, depth+1)
		}
	case string:
		out[prefix] = strVal(t)
	case json.Number:
		f, err := t.Float64()
		out[prefix] = qval{s: string(t), n: f, num: err == nil}
	case bool:
		out[prefix] = boolVal(t)
	}
}

// ---- expressions ----

type fieldRef struct{ name string }

func (f fieldRef) eval(r *record) (qval, bool) { return r.get(f.name) }

type literal struct{ v qval }

func (l literal) eval(*record) (qval, bool) { return l.v, true }

type logicExpr struct {
	or   bool
	l, r qexpr
}

func (e logicExpr) eval(r *record) (qval, bool) {
	lv, lok := e.l.eval(r)
	lt := lok && lv.truthy()
	if e.or && lt {
		return boolVal(true), true
	}
	if !e.or && !lt {
		return boolVal(false), true
	}
	rv, rok := e.r.eval(r)
	return boolVal(rok && rv.truthy()), true
}

type notExpr struct{ e qexpr }

func (e notExpr) eval(r *record) (qval, bool) {
	v, ok := e.e.eval(r)
	return boolVal(!ok || !v.truthy()), true
}

// valuesEqual: numerically when both sides are numbers, else as strings.
func valuesEqual(a, b qval) bool {
	an, aok := a.number()
	bn, bok := b.number()
	if aok && bok {
		return an == bn
	}
	return a.s == b.s
}

type cmpExpr struct {
	op   string
	l, r qexpr
}

// UNCONFIRMED: a comparison with a missing field is false (also for !=).
func (e cmpExpr) eval(r *record) (qval, bool) {
	lv, lok := e.l.eval(r)
	rv, rok := e.r.eval(r)
	if !lok || !rok {
		return boolVal(false), true
	}
	switch e.op {
	case "=":
		return boolVal(valuesEqual(lv, rv)), true
	case "!=":
		return boolVal(!valuesEqual(lv, rv)), true
	}
	var c int
	an, aok := lv.number()
	bn, bok := rv.number()
	switch {
	case aok && bok:
		c = 0
		if an < bn {
			c = -1
		} else if an > bn {
			c = 1
		}
	default:
		c = strings.Compare(lv.s, rv.s)
	}
	switch e.op {
	case "<":
		return boolVal(c < 0), true
	case "<=":
		return boolVal(c <= 0), true
	case ">":
		return boolVal(c > 0), true
	}
	return boolVal(c >= 0), true
}

type likeExpr struct {
	e      qexpr
	re     *regexp.Regexp
	negate bool
}

func (e likeExpr) eval(r *record) (qval, bool) {
	v, ok := e.e.eval(r)
	if !ok {
		return boolVal(false), true
	}
	return boolVal(e.re.MatchString(v.s) != e.negate), true
}

type inExpr struct {
	e      qexpr
	items  []qexpr
	negate bool
}

func (e inExpr) eval(r *record) (qval, bool) {
	v, ok := e.e.eval(r)
	if !ok {
		return boolVal(false), true
	}
	for _, it := range e.items {
		if iv, iok := it.eval(r); iok && valuesEqual(v, iv) {
			return boolVal(!e.negate), true
		}
	}
	return boolVal(e.negate), true
}

type arithExpr struct {
	op   byte
	l, r qexpr
}

func (e arithExpr) eval(r *record) (qval, bool) {
	lv, lok := e.l.eval(r)
	rv, rok := e.r.eval(r)
	if !lok || !rok {
		return qval{}, false
	}
	a, aok := lv.number()
	b, bok := rv.number()
	if !aok || !bok {
		return qval{}, false
	}
	var f float64
	switch e.op {
	case '+':
		f = a + b
	case '-':
		f = a - b
	case '*':
		f = a * b
	case '/':
		if b == 0 {
			return qval{}, false
		}
		f = a / b
	case '%':
		if b == 0 {
			return qval{}, false
		}
		f = math.Mod(a, b)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return qval{}, false
	}
	return numVal(f), true
}

type binExpr struct{ periodMs int64 }

func (e binExpr) eval(r *record) (qval, bool) {
	v, ok := r.get("@timestamp")
	if !ok {
		return qval{}, false
	}
	ms := int64(v.n)
	b := ms - ((ms%e.periodMs)+e.periodMs)%e.periodMs
	return timeVal(b), true
}

type callExpr struct {
	fn   func(vs []qval, oks []bool) (qval, bool)
	args []qexpr
}

func (e callExpr) eval(r *record) (qval, bool) {
	vs := make([]qval, len(e.args))
	oks := make([]bool, len(e.args))
	for i, a := range e.args {
		vs[i], oks[i] = a.eval(r)
	}
	return e.fn(vs, oks)
}

type scalarFunc struct {
	fn               func(vs []qval, oks []bool) (qval, bool)
	minArgs, maxArgs int // maxArgs -1: variadic
}

func strFunc(f func(string) string) scalarFunc {
	return scalarFunc{fn: func(vs []qval, oks []bool) (qval, bool) {
		if !oks[0] {
			return qval{}, false
		}
		return strVal(f(vs[0].s)), true
	}, minArgs: 1, maxArgs: 1}
}

func numFunc(f func(float64) float64) scalarFunc {
	return scalarFunc{fn: func(vs []qval, oks []bool) (qval, bool) {
		n, ok := vs[0].number()
		if !oks[0] || !ok {
			return qval{}, false
		}
		return numVal(f(n)), true
	}, minArgs: 1, maxArgs: 1}
}

var scalarFuncs map[string]scalarFunc

func init() {
	scalarFuncs = map[string]scalarFunc{
		"ispresent": {fn: func(_ []qval, oks []bool) (qval, bool) { return boolVal(oks[0]), true }, minArgs: 1, maxArgs: 1},
		"isempty": {fn: func(vs []qval, oks []bool) (qval, bool) {
			return boolVal(!oks[0] || vs[0].s == ""), true
		}, minArgs: 1, maxArgs: 1},
		"isblank": {fn: func(vs []qval, oks []bool) (qval, bool) {
			return boolVal(!oks[0] || strings.TrimSpace(vs[0].s) == ""), true
		}, minArgs: 1, maxArgs: 1},
		"tolower": strFunc(strings.ToLower),
		"toupper": strFunc(strings.ToUpper),
		"trim":    strFunc(strings.TrimSpace),
		"ltrim":   strFunc(func(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) }),
		"rtrim":   strFunc(func(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) }),
		"strlen": {fn: func(vs []qval, oks []bool) (qval, bool) {
			if !oks[0] {
				return qval{}, false
			}
			return numVal(float64(runeLen(vs[0].s))), true
		}, minArgs: 1, maxArgs: 1},
		"concat": {fn: func(vs []qval, oks []bool) (qval, bool) {
			var b strings.Builder
			for i, v := range vs {
				if oks[i] {
					b.WriteString(v.s)
				}
			}
			return strVal(b.String()), true
		}, minArgs: 1, maxArgs: -1},
		"coalesce": {fn: func(vs []qval, oks []bool) (qval, bool) {
			for i, v := range vs {
				if oks[i] && v.s != "" {
					return v, true
				}
			}
			return qval{}, false
		}, minArgs: 1, maxArgs: -1},
		"strcontains": {fn: func(vs []qval, oks []bool) (qval, bool) {
			return boolVal(oks[0] && oks[1] && strings.Contains(vs[0].s, vs[1].s)), true
		}, minArgs: 2, maxArgs: 2},
		"substr": {fn: func(vs []qval, oks []bool) (qval, bool) {
			if !oks[0] || !oks[1] {
				return qval{}, false
			}
			rs := []rune(vs[0].s)
			st, ok := vs[1].number()
			if !ok {
				return qval{}, false
			}
			from := clampInt(int(st), 0, len(rs))
			to := len(rs)
			if len(vs) > 2 && oks[2] {
				if n, ok := vs[2].number(); ok {
					to = clampInt(from+int(n), from, len(rs))
				}
			}
			return strVal(string(rs[from:to])), true
		}, minArgs: 2, maxArgs: 3},
		"replace": {fn: func(vs []qval, oks []bool) (qval, bool) {
			if !oks[0] || !oks[1] || !oks[2] || vs[1].s == "" {
				return vs[0], oks[0]
			}
			return strVal(strings.ReplaceAll(vs[0].s, vs[1].s, vs[2].s)), true
		}, minArgs: 3, maxArgs: 3},
		"abs":   numFunc(math.Abs),
		"ceil":  numFunc(math.Ceil),
		"floor": numFunc(math.Floor),
		"frommillis": {fn: func(vs []qval, oks []bool) (qval, bool) {
			n, ok := vs[0].number()
			if !oks[0] || !ok || math.Abs(n) > 1e15 {
				return qval{}, false
			}
			return timeVal(int64(n)), true
		}, minArgs: 1, maxArgs: 1},
		"tomillis": {fn: func(vs []qval, oks []bool) (qval, bool) {
			n, ok := vs[0].number()
			if !oks[0] || !ok {
				return qval{}, false
			}
			return numVal(n), true
		}, minArgs: 1, maxArgs: 1},
		"greatest": {fn: func(vs []qval, oks []bool) (qval, bool) { return pickBest(vs, oks, 1) }, minArgs: 1, maxArgs: -1},
		"least":    {fn: func(vs []qval, oks []bool) (qval, bool) { return pickBest(vs, oks, -1) }, minArgs: 1, maxArgs: -1},
	}
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func pickBest(vs []qval, oks []bool, sign int) (qval, bool) {
	var best qval
	found := false
	for i, v := range vs {
		if !oks[i] {
			continue
		}
		if !found || compareNatural(v, best)*sign > 0 {
			best, found = v, true
		}
	}
	return best, found
}

// ---- execution ----

type resultField struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

type queryStats struct {
	RecordsMatched          float64 `json:"recordsMatched"`
	RecordsScanned          float64 `json:"recordsScanned"`
	EstimatedRecordsSkipped float64 `json:"estimatedRecordsSkipped"`
	BytesScanned            float64 `json:"bytesScanned"`
	EstimatedBytesSkipped   float64 `json:"estimatedBytesSkipped"`
	LogGroupsScanned        float64 `json:"logGroupsScanned"`
}

// Default output fields when a query has no fields/display/stats command.
// UNCONFIRMED: AWS's exact default projection; the five system fields are returned.
var defaultFields = []string{"@timestamp", "@message", "@logStream", "@log"}

func (s *Service) runQuery(cmds []qcmd, groups []*logGroup, startMs, endMs int64, maxRows int) ([][]resultField, queryStats) {
	var st queryStats
	st.LogGroupsScanned = float64(len(groups))
	var recs []*record
	for _, g := range groups {
		logID := s.opt.AccountID + ":" + g.name
		for _, ls := range g.streams {
			lo, hi := ls.window(startMs, endMs+1)
			for i := lo; i < hi; i++ {
				e := &ls.events[i]
				st.RecordsScanned++
				st.BytesScanned += float64(len(e.msg))
				recs = append(recs, &record{ev: e, stream: ls.name, logID: logID})
			}
		}
	}
	// Without a sort command, events come newest first (dedup's documented default).
	sort.SliceStable(recs, func(i, j int) bool { return keyLess(recs[j].ev.key(), recs[i].ev.key()) })

	var visible []string
	projected, statsDone, matchedSet := false, false, false
	addVisible := func(name string) {
		for _, v := range visible {
			if v == name {
				return
			}
		}
		visible = append(visible, name)
	}
	for _, c := range cmds {
		switch c := c.(type) {
		case fieldsCmd:
			if c.display {
				visible = nil
			}
			for _, it := range c.items {
				if fr, ok := it.e.(fieldRef); !ok || fr.name != it.name {
					for _, r := range recs {
						v, ok := it.e.eval(r)
						r.assign(it.name, v, ok)
					}
				}
				addVisible(it.name)
			}
			projected = true
		case filterCmd:
			kept := recs[:0]
			for _, r := range recs {
				if v, ok := c.cond.eval(r); ok && v.truthy() {
					kept = append(kept, r)
				}
			}
			recs = kept
		case sortCmd:
			sort.SliceStable(recs, func(i, j int) bool {
				for _, k := range c.keys {
					a, aok := k.e.eval(recs[i])
					b, bok := k.e.eval(recs[j])
					// UNCONFIRMED: records without the sort field go last in both directions.
					if aok != bok {
						return aok
					}
					if !aok {
						continue
					}
					cmp := compareNatural(a, b)
					if k.desc {
						cmp = -cmp
					}
					if cmp != 0 {
						return cmp < 0
					}
				}
				return false
			})
		case limitCmd:
			if !matchedSet {
				st.RecordsMatched, matchedSet = float64(len(recs)), true
			}
			if len(recs) > c.n {
				recs = recs[:c.n]
			}
		case dedupCmd:
			if !matchedSet {
				st.RecordsMatched, matchedSet = float64(len(recs)), true
			}
			seen := map[string]bool{}
			kept := recs[:0]
			for _, r := range recs {
				var key strings.Builder
				null := false
				for _, f := range c.fields {
					v, ok := f.eval(r)
					if !ok {
						null = true
						break
					}
					key.WriteString(v.s)
					key.WriteByte(0)
				}
				// "Log events with null values for any of the specified fields are retained."
				if null || !seen[key.String()] {
					if !null {
						seen[key.String()] = true
					}
					kept = append(kept, r)
				}
			}
			recs = kept
		case statsCmd:
			if !matchedSet {
				st.RecordsMatched, matchedSet = float64(len(recs)), true
			}
			recs = runStats(c, recs)
			visible = nil
			for _, b := range c.by {
				addVisible(b.name)
			}
			for _, a := range c.aggs {
				addVisible(a.name)
			}
			projected, statsDone = true, true
		}
	}
	if !matchedSet {
		st.RecordsMatched = float64(len(recs))
	}
	if !projected {
		visible = defaultFields
	}
	if len(recs) > maxRows {
		recs = recs[:maxRows]
	}
	ptrVisible := false
	for _, f := range visible {
		ptrVisible = ptrVisible || f == "@ptr"
	}
	rows := make([][]resultField, 0, len(recs))
	for _, r := range recs {
		row := []resultField{}
		for _, f := range visible {
			if v, ok := r.get(f); ok {
				row = append(row, resultField{Field: f, Value: v.s})
			}
		}
		if !statsDone && r.ev != nil && !ptrVisible {
			// "@ptr always returned" for log-event results.
			row = append(row, resultField{Field: "@ptr", Value: r.ptr()})
		}
		rows = append(rows, row)
	}
	return rows, st
}

type aggState struct {
	count    int
	distinct map[string]bool
	sum      float64
	nums     []float64
	best     qval
	bestOK   bool
	bestTS   evKey
}

func recordKey(r *record) evKey {
	if r.ev != nil {
		return r.ev.key()
	}
	if v, ok := r.get("@timestamp"); ok {
		return evKey{int64(v.n), 0}
	}
	return evKey{math.MinInt64, 0}
}

func runStats(c statsCmd, recs []*record) []*record {
	type group struct {
		byVals []qval
		byOK   []bool
		aggs   []*aggState
	}
	// UNCONFIRMED: events without a "by" field form their own group (the field is
	// omitted from that row), listed after the others.
	var order []string
	groups := map[string]*group{}
	for _, r := range recs {
		var key strings.Builder
		vals := make([]qval, len(c.by))
		oks := make([]bool, len(c.by))
		for i, b := range c.by {
			vals[i], oks[i] = b.e.eval(r)
			if oks[i] {
				key.WriteString("1")
				key.WriteString(vals[i].s)
			} else {
				key.WriteString("0")
			}
			key.WriteByte(0)
		}
		g := groups[key.String()]
		if g == nil {
			g = &group{byVals: vals, byOK: oks}
			for range c.aggs {
				g.aggs = append(g.aggs, &aggState{})
			}
			groups[key.String()] = g
			order = append(order, key.String())
		}
		for i, a := range c.aggs {
			accumulate(g.aggs[i], a, r)
		}
	}
	// UNCONFIRMED: stats without "by" returns one row even when nothing matched
	// (count 0); rows are ordered by the "by" values ascending.
	if len(c.by) == 0 && len(groups) == 0 {
		g := &group{}
		for range c.aggs {
			g.aggs = append(g.aggs, &aggState{})
		}
		groups[""] = g
		order = append(order, "")
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := groups[order[i]], groups[order[j]]
		for k := range c.by {
			if a.byOK[k] != b.byOK[k] {
				return a.byOK[k]
			}
			if cmp := compareNatural(a.byVals[k], b.byVals[k]); cmp != 0 {
				return cmp < 0
			}
		}
		return false
	})
	out := make([]*record, 0, len(order))
	for _, k := range order {
		g := groups[k]
		row := &record{row: true, set: map[string]qval{}}
		for i, b := range c.by {
			if g.byOK[i] {
				row.set[b.name] = g.byVals[i]
			}
		}
		for i, a := range c.aggs {
			if v, ok := finish(g.aggs[i], a); ok {
				row.set[a.name] = v
			}
		}
		out = append(out, row)
	}
	return out
}

func accumulate(st *aggState, a aggSpec, r *record) {
	if a.arg == nil { // count(*)
		st.count++
		return
	}
	v, ok := a.arg.eval(r)
	if !ok {
		return
	}
	st.count++
	switch a.fn {
	case "count_distinct":
		if st.distinct == nil {
			st.distinct = map[string]bool{}
		}
		st.distinct[v.s] = true
	case "sum", "avg", "pct":
		if n, ok := v.number(); ok {
			st.sum += n
			st.nums = append(st.nums, n)
		}
	case "min", "sortsfirst":
		if !st.bestOK || compareNatural(v, st.best) < 0 {
			st.best, st.bestOK = v, true
		}
	case "max", "sortslast":
		if !st.bestOK || compareNatural(v, st.best) > 0 {
			st.best, st.bestOK = v, true
		}
	case "latest", "earliest":
		// UNCONFIRMED: only events that have the field are considered.
		k := recordKey(r)
		if !st.bestOK || (a.fn == "latest" && keyLess(st.bestTS, k)) || (a.fn == "earliest" && keyLess(k, st.bestTS)) {
			st.best, st.bestOK, st.bestTS = v, true, k
		}
	}
}

func finish(st *aggState, a aggSpec) (qval, bool) {
	switch a.fn {
	case "count":
		return numVal(float64(st.count)), true
	case "count_distinct":
		return numVal(float64(len(st.distinct))), true
	case "sum":
		if len(st.nums) == 0 {
			return qval{}, false
		}
		return numVal(st.sum), true
	case "avg":
		if len(st.nums) == 0 {
			return qval{}, false
		}
		return numVal(st.sum / float64(len(st.nums))), true
	case "pct":
		if len(st.nums) == 0 {
			return qval{}, false
		}
		ns := append([]float64(nil), st.nums...)
		sort.Float64s(ns)
		i := int(math.Ceil(a.pct/100*float64(len(ns)))) - 1
		return numVal(ns[clampInt(i, 0, len(ns)-1)]), true
	}
	return st.best, st.bestOK
}

// ---- API ----

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
