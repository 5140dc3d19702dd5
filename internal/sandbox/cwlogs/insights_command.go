package cwlogs

import (
	"sort"
	"strings"
)

// Logs Insights commands. The parser turns each command of a query into one of the types
// below; runQuery applies them in order to a queryRun.

// qcmd is one command of a query.
type qcmd interface {
	apply(q *queryRun)
}

// queryRun is what a query's commands transform, one after the other.
type queryRun struct {
	recs      []*record
	visible   []string // output fields, in order
	projected bool     // a fields, display or stats command chose the output fields
	statsDone bool     // stats replaced the events with its rows (which have no @ptr)
	matchedOK bool     // stats.RecordsMatched is final
	stats     queryStats
}

// show adds name to the output fields unless it is there already.
func (q *queryRun) show(name string) {
	for _, v := range q.visible {
		if v == name {
			return
		}
	}
	q.visible = append(q.visible, name)
}

// countMatched fixes recordsMatched at the records that reached the first limit, dedup
// or stats command.
func (q *queryRun) countMatched() {
	if !q.matchedOK {
		q.stats.RecordsMatched, q.matchedOK = float64(len(q.recs)), true
	}
}

// fieldsCmd is "fields" or, with display set, "display" (which replaces the output fields).
type fieldsCmd struct {
	items   []namedExpr
	display bool
}

func (c fieldsCmd) apply(q *queryRun) {
	if c.display {
		q.visible = nil
	}
	for _, it := range c.items {
		if fr, ok := it.e.(fieldRef); !ok || fr.name != it.name {
			for _, r := range q.recs {
				v, ok := it.e.eval(r)
				r.assign(it.name, v, ok)
			}
		}
		q.show(it.name)
	}
	q.projected = true
}

type filterCmd struct{ cond qexpr }

func (c filterCmd) apply(q *queryRun) {
	kept := q.recs[:0]
	for _, r := range q.recs {
		if v, ok := c.cond.eval(r); ok && v.truthy() {
			kept = append(kept, r)
		}
	}
	q.recs = kept
}

type sortKey struct {
	e    qexpr
	desc bool
}

type sortCmd struct{ keys []sortKey }

func (c sortCmd) apply(q *queryRun) {
	recs := q.recs
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
}

type limitCmd struct{ n int }

func (c limitCmd) apply(q *queryRun) {
	q.countMatched()
	if len(q.recs) > c.n {
		q.recs = q.recs[:c.n]
	}
}

type dedupCmd struct{ fields []qexpr }

func (c dedupCmd) apply(q *queryRun) {
	q.countMatched()
	seen := map[string]bool{}
	kept := q.recs[:0]
	for _, r := range q.recs {
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
	q.recs = kept
}

type aggSpec struct {
	name string
	fn   string // lower-case aggregate name
	arg  qexpr  // nil for count(*)
	pct  float64
}

type statsCmd struct {
	aggs []aggSpec
	by   []namedExpr
}

func (c statsCmd) apply(q *queryRun) {
	q.countMatched()
	q.recs = runStats(c, q.recs)
	q.visible = nil
	for _, b := range c.by {
		q.show(b.name)
	}
	for _, a := range c.aggs {
		q.show(a.name)
	}
	q.projected, q.statsDone = true, true
}
