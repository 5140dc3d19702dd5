package cwlogs

import (
	"math"
	"regexp"
	"strings"
)

// Logs Insights expressions: each kind of expression evaluates itself against a record.

type qexpr interface {
	eval(r *record) (qval, bool)
}

type namedExpr struct {
	name string
	e    qexpr
}

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
