package logdelivery

import (
	"context"
	"slices"
	"sync"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// PolicyReader reads the account-level resource policies (ReadAccountPolicies bound to a client).
type PolicyReader func(ctx context.Context) ([]Policy, error)

// Planned is a log group a planned change would start delivering to.
type Planned struct {
	Group LogGroupARN
	// Source describes what plans it, for messages (e.g. "vpn-0abc/203.0.113.10 tunnel log").
	Source string
}

// RunProjection is one run's projection of the delivery policy: every planned delivery of the run is added to it,
// so that changes that fit one by one but not together are caught. It reads the policies at most once until
// Invalidate (the first caller reads, concurrent callers wait for that read), remembers a failed read instead of
// retrying it, and is safe for concurrent use.
type RunProjection struct {
	scope Scope
	limit int
	read  PolicyReader

	readMu   sync.Mutex // held while reading, so concurrent callers share one read
	haveRead bool       // budget/err hold the result of a read
	budget   *Budget
	err      error

	mu      sync.Mutex
	groups  []LogGroupARN
	sources map[string][]string // normalised ARN -> sources, in the order added
}

// NewRunProjection returns an empty projection; nothing is read until it is used.
func NewRunProjection(scope Scope, limit int, read PolicyReader) *RunProjection {
	return &RunProjection{scope: scope, limit: limit, read: read, sources: map[string][]string{}}
}

// Budget returns the account's budget, reading the policies on first use. A failed read is returned again on
// every later call.
func (r *RunProjection) Budget(ctx context.Context) (*Budget, error) {
	r.readMu.Lock()
	defer r.readMu.Unlock()
	if !r.haveRead {
		policies, err := r.read(ctx)
		r.budget, r.err, r.haveRead = nil, err, true
		if err == nil {
			r.budget = NewBudget(r.scope, r.limit, policies)
		}
	}
	return r.budget, r.err
}

// Invalidate makes the next use read the policies again: call it after a change that makes AWS grow them (a tunnel
// log enabled), so that later checks and reads in the same run see the policy as it is now. Groups already added
// stay in the projection; those the change covered now add nothing.
func (r *RunProjection) Invalidate() {
	r.readMu.Lock()
	r.haveRead, r.budget, r.err = false, nil, nil
	r.readMu.Unlock()
}

// RunResult is the run's projection after an Add.
type RunResult struct {
	Projection
	// Budget is the budget the projection was made from (a later read of the run may differ).
	Budget *Budget
	// Sources maps each projected group (normalised ARN) to the changes that deliver to it.
	Sources map[string][]string
	// Added are the normalised ARNs of the groups of this Add call.
	Added []string
}

// Contributes reports whether a group of this Add call adds characters to the projection (or makes AWS create the
// policy).
func (r RunResult) Contributes() bool {
	added := map[string]bool{}
	for _, a := range r.Added {
		added[a] = true
	}
	for _, g := range r.Projection.Growing() {
		if added[g.LogGroupARN] {
			return true
		}
	}
	return false
}

// Add adds the planned deliveries to the run and returns the projection of everything added so far. When the
// policies cannot be read, the groups are still recorded and the read error is returned.
func (r *RunProjection) Add(ctx context.Context, planned []Planned) (RunResult, error) {
	b, err := r.Budget(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	res := RunResult{}
	for _, p := range planned {
		key := p.Group.String()
		if _, ok := r.sources[key]; !ok {
			r.groups = append(r.groups, p.Group)
			r.sources[key] = nil
		}
		if p.Source != "" && !slices.Contains(r.sources[key], p.Source) {
			r.sources[key] = append(r.sources[key], p.Source)
		}
		res.Added = append(res.Added, key)
	}
	if err != nil {
		return res, err
	}
	res.Projection, res.Budget = b.Project(r.groups, ProjectOptions{}), b
	res.Sources = make(map[string][]string, len(r.sources))
	for k, v := range r.sources {
		res.Sources[k] = append([]string(nil), v...)
	}
	return res, nil
}

// ScopeOf is the partition, region and account the clients work in.
func ScopeOf(c *awsconfig.Clients) Scope {
	return Scope{Partition: c.Partition, Region: c.Region, AccountID: c.AccountID}
}

// NewAccountRunProjection is a run's projection of the delivery policy of the clients' account and region, reading
// the account-level policies with the clients' CloudWatch Logs client (the provider's and the setup tool's run).
func NewAccountRunProjection(c *awsconfig.Clients, limit int) *RunProjection {
	return NewRunProjection(ScopeOf(c), limit, func(ctx context.Context) ([]Policy, error) {
		return ReadAccountPolicies(ctx, c.Logs)
	})
}
