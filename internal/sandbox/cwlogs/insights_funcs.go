package cwlogs

import (
	"math"
	"strings"
	"unicode"
)

// Logs Insights scalar functions (callExpr), by name.

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
