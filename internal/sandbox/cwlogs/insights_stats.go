package cwlogs

import (
	"math"
	"sort"
	"strings"
)

// Logs Insights stats: grouping by the "by" expressions and the aggregate functions.

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
