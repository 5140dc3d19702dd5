package cwlogs

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Logs Insights values: what a field or an expression evaluates to, and how values compare.

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
