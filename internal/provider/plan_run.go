package provider

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// One verdict per plan.
//
// Terraform plans resources concurrently (up to -parallelism, default 10, at once) and never tells a provider that
// planning is over. The checks that concern the whole plan (the CloudWatch Logs resource-policy budget, the IAM
// preflight, the tunnels the plan interrupts) are therefore decided by one planning call, the run's carrier, once the
// planning calls of the run have settled:
//
//   - Every vpnlogs_tunnel_logging and vpnlogs_log_group planning call counts as in flight from the moment ModifyPlan
//     starts until it returns. A call that plans a change registers it when it is done.
//   - Of the registered calls not yet covered by a verdict, the one with the smallest key carries the verdict (the
//     resource of the first log group by ARN that grows the policy, ordinary groups before /aws/vendedlogs/ ones,
//     else the first changed tunnel by connection and address, else the first log group by name). It
//     waits; every other call returns at once, so Terraform keeps planning the rest of the configuration in the other
//     -parallelism slots. A call with a smaller key takes over, and the one it replaces returns without a verdict.
//   - The carrier answers once no other call is in flight and none has started or ended for planSettle, or after
//     planMaxWait, whichever comes first. Its verdict covers every change registered until then, so identical
//     configurations give identical diagnostics on the same resource, whatever order Terraform planned them in.
//   - A change registered after a verdict (a resource that waited for another provider's planning longer than
//     planSettle, or one planned after planMaxWait) starts a new round. A verdict given while calls were still in
//     flight says "at least", and later rounds only add what has not been said: an error after a warning, tunnels not
//     listed yet.
//
// During apply, Terraform plans each resource again just before changing it and gives no sign that it does. Once a
// Create, Update or Delete has started in a run, the run is an apply: verdicts then add errors only (AWS would
// refuse the change) and no warning, which the plan showed already.
const (
	planSettle  = 300 * time.Millisecond
	planMaxWait = 10 * time.Second
)

// planRun coordinates the planning calls of one provider run (one Configure); the zero value is not ready, use
// newPlanRun.
type planRun struct {
	settle, maxWait time.Duration
	// verdict renders a verdict onto the carrier's diagnostics.
	verdict func(ctx context.Context, v planVerdict, diags *diag.Diagnostics)

	mu       sync.Mutex
	active   int           // planning calls in progress, not counting those waiting for the run to settle
	last     time.Time     // when a planning call last started or ended
	wake     chan struct{} // closed and replaced whenever waiters should look again
	applying bool          // a Create, Update or Delete has started: this run applies a plan
	failed   bool          // a planning call of the run failed
	carrier  *planCall     // the call that will give the next verdict, while it waits
	pending  []*planCall   // registered calls not yet covered by a verdict
	// groups are the log group names that vpnlogs_log_group resources of this run plan to create.
	groups map[string]bool
	// erredByVerdict is set once a verdict has given an error: the plan fails.
	erredByVerdict bool
	// announced are the tunnels (vpn.TunnelID) whose interruption a verdict has announced.
	announced map[string]bool
}

// planVerdict is what a carrier decides on: the calls registered since the last verdict.
type planVerdict struct {
	// calls are sorted by key.
	calls []*planCall
	// incomplete is set when other planning calls were still in flight: more changes may follow.
	incomplete bool
	// applying is set during apply (see planRun).
	applying bool
	// failed is set when a planning call of the run failed: the plan fails.
	failed bool
}

// planCall is one planning call (one ModifyPlan) of a run.
type planCall struct {
	run *planRun
	// key orders the calls for carrying the verdict (see planRun).
	key string
	// interruption are the tunnel changes the call plans that interrupt a tunnel.
	interruption []vpn.TunnelChange
	// deliveries are the log groups the change starts delivering to.
	deliveries []logdelivery.Planned
	// changes is set when applying the call's plan calls AWS (the IAM preflight concerns it).
	changes bool
	done    bool
}

func newPlanRun(settle, maxWait time.Duration, verdict func(context.Context, planVerdict, *diag.Diagnostics)) *planRun {
	return &planRun{settle: settle, maxWait: maxWait, verdict: verdict, wake: make(chan struct{}), groups: map[string]bool{},
		announced: map[string]bool{}}
}

// begin starts a planning call.
func (r *planRun) begin() *planCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active++
	r.touch()
	return &planCall{run: r}
}

// touch records activity and wakes the waiters. The caller holds r.mu.
func (r *planRun) touch() {
	r.last = time.Now()
	close(r.wake)
	r.wake = make(chan struct{})
}

// applyStarted records that a Create, Update or Delete has started: the run applies a plan.
func (r *planRun) applyStarted() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.applying {
		r.applying = true
		r.touch()
	}
}

// planGroup records that a vpnlogs_log_group of the run plans to create the log group name.
func (r *planRun) planGroup(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.groups[name] = true
}

// plansGroup reports whether a vpnlogs_log_group of the run plans to create the log group name.
func (r *planRun) plansGroup(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.groups[name]
}

// markErred records that a verdict has given an error.
func (r *planRun) markErred() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.erredByVerdict = true
}

// erred reports whether a verdict of the run has given an error.
func (r *planRun) erred() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.erredByVerdict
}

// unannounced returns the changes of tunnels whose interruption no verdict of the run has announced yet, and marks
// them announced.
func (r *planRun) unannounced(changes []vpn.TunnelChange) []vpn.TunnelChange {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []vpn.TunnelChange
	for _, c := range changes {
		id := vpn.TunnelID(c.ConnectionID, c.OutsideIP)
		if !r.announced[id] {
			r.announced[id] = true
			out = append(out, c)
		}
	}
	return out
}

// settled reports whether the run has settled for a waiter that started waiting at start. The caller holds r.mu.
func (r *planRun) settled(start time.Time) (bool, time.Duration) {
	now := time.Now()
	if r.applying || now.Sub(start) >= r.maxWait {
		return true, 0
	}
	next := start.Add(r.maxWait).Sub(now)
	if r.active == 0 {
		quiet := now.Sub(r.last)
		if quiet >= r.settle {
			return true, 0
		}
		next = min(next, r.settle-quiet)
	}
	return false, next
}

// wait blocks until the run has settled (or ctx ends, or stop returns true). The caller holds r.mu; wait releases it
// while it blocks and does not count the waiting call as in flight.
func (r *planRun) wait(ctx context.Context, stop func() bool) {
	start := time.Now()
	r.active--
	defer func() { r.active++ }()
	for {
		done, next := r.settled(start)
		if done || stop() || ctx.Err() != nil {
			return
		}
		ch := r.wake
		r.mu.Unlock()
		t := time.NewTimer(next)
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
		r.mu.Lock()
	}
}

// awaitSettled blocks until the run has settled, for a call that needs to know what the rest of the run plans (a log
// group that does not exist yet may be planned by a vpnlogs_log_group that has not been planned yet).
func (c *planCall) awaitSettled(ctx context.Context) {
	r := c.run
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wait(ctx, func() bool { return false })
}

// contributes reports whether the call has something for a verdict.
func (c *planCall) contributes() bool {
	return len(c.interruption) > 0 || len(c.deliveries) > 0 || c.changes
}

// finish ends the planning call: a failed call (diags holds an error) only marks the run failed; a call that plans a
// change registers it, and if it carries the verdict, waits for the run to settle and adds the verdict to diags.
func (c *planCall) finish(ctx context.Context, diags *diag.Diagnostics) {
	r := c.run
	r.mu.Lock()
	if c.done {
		r.mu.Unlock()
		return
	}
	c.done = true
	failed := diags.HasError()
	if failed {
		r.failed = true
	}
	if failed || !c.contributes() {
		r.active--
		r.touch()
		r.mu.Unlock()
		return
	}
	r.pending = append(r.pending, c)
	if r.carrier != nil && r.carrier.key <= c.key {
		r.active--
		r.touch()
		r.mu.Unlock()
		return
	}
	r.carrier = c
	r.touch() // the carrier this call replaces returns
	r.wait(ctx, func() bool { return r.carrier != c })
	r.active--
	r.touch()
	if r.carrier != c {
		r.mu.Unlock()
		return
	}
	v := planVerdict{calls: r.pending, incomplete: r.active > 0, applying: r.applying, failed: r.failed}
	r.pending, r.carrier = nil, nil
	r.mu.Unlock()
	sort.Slice(v.calls, func(i, j int) bool { return v.calls[i].key < v.calls[j].key })
	r.verdict(ctx, v, diags)
}

// end ends a planning call that has nothing to register (the resource plans no change, or the call returns early).
func (c *planCall) end() {
	r := c.run
	r.mu.Lock()
	defer r.mu.Unlock()
	if !c.done {
		c.done = true
		r.active--
		r.touch()
	}
}
