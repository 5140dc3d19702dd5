package health

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// Shared Insights reads: one query per batch of log groups for every tunnel that reads them.
const (
	// BatchRowLimit is the row limit of a shared query: AWS's maximum, which GetQueryResults returns in pages of
	// 10,000 rows.
	BatchRowLimit = 100000
	// MaxBatchGroups is how many log groups one query reads (StartQuery's limit).
	MaxBatchGroups = 50
)

// The shared queries are the tunnel queries without a stream condition (every tunnel takes its own streams' rows,
// which carry @log and @logStream) and with the summary aggregated by group and stream as well. %[1]d and %[2]d
// are the first and last millisecond read. They have no limit command: StartQuery's limit (BatchRowLimit) bounds
// them.
//
// UNCONFIRMED: that a query without a limit command returns up to StartQuery's limit (AWS documents 10,000 rows
// for a query without one, and 100,000 as the limit parameter's maximum); the sandbox does so. Were AWS to stop at
// 10,000, the tail would look cut and the summary query would cover the rest, with the same result.
const (
	batchTailQueryFmt = `filter toMillis(@timestamp) >= %[1]d and toMillis(@timestamp) <= %[2]d
| fields toMillis(@timestamp) as ts, @log, @logStream, @message
| sort @timestamp desc`

	batchSummaryQueryFmt = `filter toMillis(@timestamp) >= %[1]d and toMillis(@timestamp) <= %[2]d
| fields coalesce(details, message.details, message.prefix, @message) as text
| stats count(*) as n, min(toMillis(@timestamp)) as first_ts, max(toMillis(@timestamp)) as last_ts, earliest(@message) as first_message, latest(@message) as last_message by @log, @logStream, type, status, ike_phase1_state, ike_phase2_state, dpd_enabled, nat_t_detected, message.prefix, text`
)

// insightsPart is one group's share of a batch query's result.
type insightsPart struct {
	tail     []rawEvent            // newest first
	summary  [][]types.ResultField // rows of events at or before cut
	complete bool                  // the tail holds the whole window
	cut      int64                 // when not complete: the oldest tail timestamp
	notes    []string
}

// feed gives the tunnel its streams' rows: as its own queries would, the tail after the cut and the summary of the
// rest.
func (p *insightsPart) feed(st *state, sk *sink) {
	for _, e := range p.tail {
		if (!p.complete && e.ts <= p.cut) || !st.ours(e.stream) {
			continue
		}
		sk.add(e.stream, e.message, e.ts)
	}
	for _, row := range p.summary {
		if st.ours(field(row, "@logStream")) {
			sk.addSummary(row)
		}
	}
}

// insightsBatch is a batch of shared groups read by one query.
type insightsBatch struct {
	keys    []groupKey
	specs   []*groupSpec
	flights []*flight
}

func partKey(k groupKey) string {
	return fmt.Sprintf("insights\x00%s\x00%d\x00%d", k.id, k.start, k.end)
}

// insightsPart returns the group's share of its batch query. The first tunnel to need one runs the queries of every
// shared group of its window that is ready (its gathering is over), up to MaxBatchGroups per query, and waits for
// all of them: the other tunnels wait for their group's.
func (s *Session) insightsPart(ctx context.Context, k groupKey, g *groupSpec) (*insightsPart, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.mu.Lock()
		f := s.flights[partKey(k)]
		if f == nil {
			batches := s.planBatchesLocked(k, g)
			s.mu.Unlock()
			s.runBatches(ctx, batches)
			continue
		}
		s.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.abandoned {
			continue
		}
		part, _ := f.val.(*insightsPart)
		return part, f.err
	}
}

// planBatchesLocked claims k and every other shared Insights group of its window that no query covers yet, in
// batches, k's first. Caller holds s.mu.
func (s *Session) planBatchesLocked(k groupKey, g *groupSpec) []*insightsBatch {
	now := time.Now()
	var keys []groupKey
	for other, gs := range s.groups {
		if other == k || other.mode != ModeInsights || other.start != k.start || other.end != k.end ||
			len(gs.conns) < 2 || gs.deadline.After(now) || s.flights[partKey(other)] != nil {
			continue
		}
		keys = append(keys, other)
	}
	slices.SortFunc(keys, func(a, b groupKey) int { return strings.Compare(a.id, b.id) })
	keys = append([]groupKey{k}, keys...)
	var batches []*insightsBatch
	names := map[string]bool{}
	for _, key := range keys {
		spec := g
		if key != k {
			spec = s.groups[key].spec
		}
		// A batch holds at most MaxBatchGroups groups, and one group of each name: rows name their group by name.
		if len(batches) == 0 || len(batches[len(batches)-1].keys) == MaxBatchGroups || names[spec.name] {
			batches = append(batches, &insightsBatch{})
			clear(names)
		}
		b := batches[len(batches)-1]
		f := &flight{done: make(chan struct{})}
		s.flights[partKey(key)] = f
		b.keys, b.specs, b.flights = append(b.keys, key), append(b.specs, spec), append(b.flights, f)
		names[spec.name] = true
	}
	return batches
}

// runBatches runs the batches at once and settles their groups' flights. A batch of several groups that fails
// (a group deleted, a permission denied on one group) is run again one group per query, so that only the tunnels of
// the group at fault get its error.
func (s *Session) runBatches(ctx context.Context, batches []*insightsBatch) {
	var wg sync.WaitGroup
	for _, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts, err := s.batchQuery(ctx, b.keys[0].start, b.keys[0].end, b.specs)
			if err != nil && len(b.specs) > 1 && ctx.Err() == nil {
				var singles []*insightsBatch
				for i := range b.keys {
					singles = append(singles, &insightsBatch{keys: b.keys[i : i+1], specs: b.specs[i : i+1], flights: b.flights[i : i+1]})
				}
				s.runBatches(ctx, singles)
				return
			}
			for i, key := range b.keys {
				var part *insightsPart
				if err == nil {
					part = parts[b.specs[i].name]
				}
				s.settle(partKey(key), b.flights[i], part, err, ctx)
			}
		}()
	}
	wg.Wait()
}

// batchQuery reads groups with the shared queries and splits the rows by group.
func (s *Session) batchQuery(ctx context.Context, startMs, endMs int64, specs []*groupSpec) (map[string]*insightsPart, error) {
	target := queryTarget{}
	parts := map[string]*insightsPart{}
	var names []string
	for _, g := range specs {
		target.ids = append(target.ids, g.id)
		names = append(names, g.name)
		parts[g.name] = &insightsPart{}
	}
	target.label = strings.Join(names, ", ")
	if len(specs) == 1 {
		target.single = specs[0]
	}
	rows, err := s.query(ctx, target, nil, fmt.Sprintf(batchTailQueryFmt, startMs, endMs), startMs, endMs, BatchRowLimit)
	if err != nil {
		return nil, err
	}
	complete, cut := tailCutAt(rows, BatchRowLimit)
	for _, row := range rows {
		ts, ok := millis(field(row, "ts"))
		if p := parts[groupOfRow(row)]; p != nil && ok {
			p.tail = append(p.tail, rawEvent{stream: field(row, "@logStream"), message: field(row, "@message"), ts: ts})
		}
	}
	var notes []string
	if !complete {
		rows, err := s.query(ctx, target, nil, fmt.Sprintf(batchSummaryQueryFmt, startMs, cut), startMs, cut, BatchRowLimit)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			if p := parts[groupOfRow(row)]; p != nil {
				p.summary = append(p.summary, row)
			}
		}
		if len(rows) >= BatchRowLimit {
			notes = append(notes, summaryCutNote(target.label, BatchRowLimit, cut))
		}
	}
	for _, p := range parts {
		p.complete, p.cut, p.notes = complete, cut, notes
	}
	return parts, nil
}

// groupOfRow is the name of the group a row comes from: @log is "<account>:<group name>" (names have no colon).
func groupOfRow(row []types.ResultField) string {
	v := field(row, "@log")
	if _, name, ok := strings.Cut(v, ":"); ok {
		return name
	}
	return v
}
