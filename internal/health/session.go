package health

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// Defaults of the Session settings of Reader.
const (
	DefaultGatherDelay = 250 * time.Millisecond
	DefaultAnchorTTL   = 5 * time.Minute
)

// fleetConcurrency is how many tunnels ReadAll assembles at once. The CloudWatch Logs client paces the calls; this
// only bounds the goroutines and the memory of reads in flight.
const fleetConcurrency = 8

// Session is one run's reads (a provider process's plan, a CLI command): its window is anchored once, and tunnels
// that read the same log group and window share the reads (see the package documentation). It is safe for
// concurrent use; create it with Reader.NewSession.
type Session struct {
	r         *Reader
	gather    time.Duration
	anchorTTL time.Duration

	mu       sync.Mutex
	anchor   time.Time // the end of every window; zero before the first read
	anchored time.Time // the clock's reading when anchor was taken
	groups   map[groupKey]*groupState
	flights  map[string]*flight
	calls    map[string]int
	tunnels  map[string]map[string]bool // by group name: the tunnels that read it
	shared   map[string]bool            // by group name: whether a group-wide read served them
}

// groupKey is one log group read over one window in one mode.
type groupKey struct {
	id         string
	start, end int64 // epoch milliseconds
	mode       string
}

// groupState is what the Session knows of a group key: the connections reading it, and until when the first reads
// wait for others.
type groupState struct {
	spec     *groupSpec
	conns    map[string]bool
	deadline time.Time
}

// NewSession returns a Session over the reader's client and settings.
func (r *Reader) NewSession() *Session { return r.newSession(true) }

func (r *Reader) newSession(gather bool) *Session {
	s := &Session{
		r: r, gather: r.GatherDelay, anchorTTL: r.AnchorTTL,
		groups: map[groupKey]*groupState{}, flights: map[string]*flight{}, calls: map[string]int{},
		tunnels: map[string]map[string]bool{}, shared: map[string]bool{},
	}
	if s.gather == 0 {
		s.gather = DefaultGatherDelay
	}
	if !gather || s.gather < 0 {
		s.gather = 0
	}
	if s.anchorTTL <= 0 {
		s.anchorTTL = DefaultAnchorTTL
	}
	return s
}

func (r *Reader) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// window is the window of a lookback: it ends at the Session's anchor, taken at the first read and kept for
// AnchorTTL, so that reads of one run ask for the same window and can share it.
func (s *Session) window(lookback time.Duration) (start, end time.Time) {
	now := s.r.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.anchor.IsZero() || now.Sub(s.anchored) > s.anchorTTL || now.Before(s.anchored) {
		s.anchor, s.anchored = now.UTC(), now
	}
	return s.anchor.Add(-lookback), s.anchor
}

// tunnelPlan is one tunnel's read, prepared.
type tunnelPlan struct {
	req        Request
	groups     []*groupSpec
	keys       []groupKey
	start, end time.Time
	mode       string
}

// plan validates a request, anchors its window and registers its connection for each of its groups. With wait,
// a group seen for the first time gathers other reads for the gather delay; the returned deadline is the latest
// among the tunnel's groups.
func (s *Session) plan(req Request, wait bool) (*tunnelPlan, time.Time, error) {
	if s.r.Logs == nil {
		return nil, time.Time{}, errors.New("health: Reader.Logs is nil")
	}
	groups, err := req.normalize()
	if err != nil {
		return nil, time.Time{}, err
	}
	p := &tunnelPlan{req: req, groups: groups, mode: ModeFor(req.Mode, req.Lookback)}
	p.start, p.end = s.window(req.Lookback)
	var deadline time.Time
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range groups {
		k := groupKey{id: g.id, start: p.start.UnixMilli(), end: p.end.UnixMilli(), mode: p.mode}
		p.keys = append(p.keys, k)
		gs := s.groups[k]
		if gs == nil {
			gs = &groupState{spec: g, conns: map[string]bool{}, deadline: time.Now()}
			if wait {
				gs.deadline = gs.deadline.Add(s.gather)
			}
			s.groups[k] = gs
		}
		gs.conns[req.VPNConnectionID] = true
		if gs.deadline.After(deadline) {
			deadline = gs.deadline
		}
	}
	return p, deadline, nil
}

// isShared reports whether a group key is read once for all: tunnels of two or more connections read it.
func (s *Session) isShared(k groupKey) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.groups[k].conns) >= 2
}

// Read reads one tunnel's events and computes its health, sharing reads with the Session's other tunnels. On the
// first read of a group and window it waits up to the gather delay for other tunnels' reads.
func (s *Session) Read(ctx context.Context, req Request) (*Result, error) {
	p, deadline, err := s.plan(req, s.gather > 0)
	if err != nil {
		return nil, err
	}
	if d := time.Until(deadline); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	return s.readTunnel(ctx, p)
}

// ReadAll reads many tunnels at once: every connection is registered before the first read, so groups read by
// two or more connections are read once for all of them. It returns a result and an error per request, in order.
func (s *Session) ReadAll(ctx context.Context, reqs []Request) ([]*Result, []error) {
	results, errs := make([]*Result, len(reqs)), make([]error, len(reqs))
	plans := make([]*tunnelPlan, len(reqs))
	for i, req := range reqs {
		plans[i], _, errs[i] = s.plan(req, false)
	}
	sem := make(chan struct{}, fleetConcurrency)
	var wg sync.WaitGroup
	for i, p := range plans {
		if p == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i], errs[i] = s.readTunnel(ctx, p)
		}()
	}
	wg.Wait()
	return results, errs
}

// readTunnel reads a planned tunnel, group by group.
func (s *Session) readTunnel(ctx context.Context, p *tunnelPlan) (*Result, error) {
	st := newState(p.req, p.start, p.end)
	res := &Result{Mode: p.mode, Start: p.start, End: p.end}
	for i, g := range p.groups {
		gr := GroupRead{Group: g.name, Logs: g.logs, Calls: map[string]int{}}
		src := s.source(p.keys[i], g)
		gr.Shared = src.shared()
		var err error
		if p.mode == ModeInsights {
			err = s.insightsGroup(ctx, st, g, p.keys[i], &gr, src)
		} else {
			err = filterGroup(ctx, st, g, &gr, src)
		}
		sort.Strings(gr.Streams)
		res.Groups = append(res.Groups, gr)
		s.noteTunnel(g.name, vpn.TunnelID(p.req.VPNConnectionID, p.req.OutsideIP), gr.Shared)
		if err != nil {
			return res, err
		}
	}
	res.Health = st.acc.Health(p.end)
	if res.EventsRead == 0 {
		res.StatusReason = noEventsReason(p.req, res)
	}
	return res, nil
}

// count records one CloudWatch Logs call for the Session and, when gr is not nil, for the tunnel that made it.
func (s *Session) count(op string, gr *GroupRead) {
	s.mu.Lock()
	s.calls[op]++
	s.mu.Unlock()
	if gr != nil {
		gr.Calls[op]++
	}
}

func (s *Session) noteTunnel(group, tunnel string, shared bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tunnels[group] == nil {
		s.tunnels[group] = map[string]bool{}
	}
	s.tunnels[group][tunnel] = true
	if shared {
		s.shared[group] = true
	}
}

// Stats are the CloudWatch Logs reads of a Session so far.
type Stats struct {
	// Calls counts every CloudWatch Logs call of the Session, by operation.
	Calls map[string]int
	// Groups lists the groups read, by name.
	Groups []GroupStats
}

// GroupStats describes the reads of one log group in a Session.
type GroupStats struct {
	Group string
	// Tunnels is the number of tunnels that read the group.
	Tunnels int
	// Shared is true when a read of the whole group served tunnels of several connections.
	Shared bool
}

// TotalCalls is the number of calls of the Session.
func (st Stats) TotalCalls() int {
	n := 0
	for _, c := range st.Calls {
		n += c
	}
	return n
}

// Stats returns the Session's reads so far.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{Calls: map[string]int{}}
	for op, n := range s.calls {
		out.Calls[op] = n
	}
	for g, t := range s.tunnels {
		out.Groups = append(out.Groups, GroupStats{Group: g, Tunnels: len(t), Shared: s.shared[g]})
	}
	slices.SortFunc(out.Groups, func(a, b GroupStats) int { return strings.Compare(a.Group, b.Group) })
	return out
}

// flight is a read that the Session runs once and whose result it keeps for the run.
type flight struct {
	done chan struct{}
	val  any
	err  error
	// abandoned is set when the read failed because its caller's context ended: the next caller runs it again.
	abandoned bool
}

// once returns the result of the read named key, running fn if no caller has run it yet (and waiting for it if one
// is running). leader is true for the caller that ran fn.
func once[T any](ctx context.Context, s *Session, key string, fn func(context.Context) (T, error)) (val T, leader bool, err error) {
	for {
		s.mu.Lock()
		f := s.flights[key]
		if f == nil {
			f = &flight{done: make(chan struct{})}
			s.flights[key] = f
			s.mu.Unlock()
			v, err := fn(ctx)
			s.settle(key, f, v, err, ctx)
			return v, true, err
		}
		s.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			var zero T
			return zero, false, ctx.Err()
		}
		if f.abandoned {
			continue
		}
		v, _ := f.val.(T)
		return v, false, f.err
	}
}

// settle completes a flight; a failure caused by the leader's ended context is forgotten.
func (s *Session) settle(key string, f *flight, v any, err error, ctx context.Context) { //nolint:revive // ctx last: it is only inspected
	f.val, f.err = v, err
	if err != nil && ctx.Err() != nil {
		f.abandoned = true
		s.mu.Lock()
		if s.flights[key] == f {
			delete(s.flights, key)
		}
		s.mu.Unlock()
	}
	close(f.done)
}
