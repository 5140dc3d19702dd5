package logdelivery

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// PolicyReader reads the account-level resource policies (ReadAccountPolicies bound to a client).
type PolicyReader func(ctx context.Context) ([]Policy, error)

// GroupPolicyReader reads the RESOURCE-scope policies of one log group, given its normalised ARN
// (ReadResourcePolicies bound to a client).
type GroupPolicyReader func(ctx context.Context, logGroupARN string) ([]Policy, error)

// DeliveringReader lists the log groups VPN tunnels deliver to now (vpn.Service.DeliveredLogGroups): where ModelAuto
// looks for evidence.
type DeliveringReader func(ctx context.Context) ([]LogGroupARN, error)

// Planned is a log group a planned change would start delivering to.
type Planned struct {
	Group LogGroupARN
	// Source describes what plans it, for messages (e.g. "vpn-0abc/203.0.113.10 tunnel log").
	Source string
}

// RunConfig configures a RunProjection.
type RunConfig struct {
	// Scope is the partition, region and account the run works in.
	Scope Scope
	// Limit is the account-level size limit in characters (0: DefaultPolicySizeLimit).
	Limit int
	// Model is the model setting; "" is ModelAuto.
	Model Model
	// ReadAccount reads the account-level policies.
	ReadAccount PolicyReader
	// ReadGroup reads a log group's own policies; needed unless Model is ModelAccount.
	ReadGroup GroupPolicyReader
	// Delivering lists the log groups VPN tunnels deliver to, for ModelAuto; nil: none.
	Delivering DeliveringReader
}

// groupReadConcurrency is how many log groups' own policies a run reads at once.
const groupReadConcurrency = 4

// RunProjection is one run's projection of the delivery policy: every planned delivery of the run is added to it,
// so that changes that fit one by one but not together are caught. It reads the account-level policies at most once
// until Invalidate (the first caller reads, concurrent callers wait for that read), and each log group's own policy
// at most once too (under the log-group-level model, or as ModelAuto's evidence); it remembers a failed read instead
// of retrying it, decides the model once per run, and is safe for concurrent use.
type RunProjection struct {
	cfg RunConfig

	readMu   sync.Mutex // held while reading, so concurrent callers share one read
	haveRead bool       // budget/err hold the result of a read
	budget   *Budget
	err      error

	modelMu sync.Mutex // held while deciding the model
	choice  *ModelChoice

	groupMu    sync.Mutex
	groupReads map[string]*groupRead // by normalised ARN

	mu      sync.Mutex
	groups  []LogGroupARN
	sources map[string][]string // normalised ARN -> sources, in the order added
}

// groupRead is one read of a log group's own policies; done is closed when it is over.
type groupRead struct {
	done     chan struct{}
	policies []Policy
	err      error
}

// NewRunProjection returns an empty projection under the account-level model; nothing is read until it is used.
func NewRunProjection(scope Scope, limit int, read PolicyReader) *RunProjection {
	return NewRun(RunConfig{Scope: scope, Limit: limit, Model: ModelAccount, ReadAccount: read})
}

// NewRun returns an empty projection; nothing is read until it is used.
func NewRun(cfg RunConfig) *RunProjection {
	cfg.Model = ModelOrAuto(string(cfg.Model))
	return &RunProjection{cfg: cfg, sources: map[string][]string{}, groupReads: map[string]*groupRead{}}
}

// Budget returns the account's budget, reading the policies on first use. A failed read is returned again on
// every later call.
func (r *RunProjection) Budget(ctx context.Context) (*Budget, error) {
	r.readMu.Lock()
	defer r.readMu.Unlock()
	if !r.haveRead {
		policies, err := r.cfg.ReadAccount(ctx)
		r.budget, r.err, r.haveRead = nil, err, true
		if err == nil {
			r.budget = NewBudget(r.cfg.Scope, r.cfg.Limit, policies)
		}
	}
	return r.budget, r.err
}

// Invalidate makes the next use read the policies again: call it after a change that makes AWS grow them (a tunnel
// log enabled), so that later checks and reads in the same run see the policies as they are now. Groups already
// added stay in the projection; those the change covered now add nothing. The model decided stays.
func (r *RunProjection) Invalidate() {
	r.readMu.Lock()
	r.haveRead, r.budget, r.err = false, nil, nil
	r.readMu.Unlock()
	r.groupMu.Lock()
	r.groupReads = map[string]*groupRead{}
	r.groupMu.Unlock()
}

// Model returns the model the run assumes, deciding it on first use: the setting when it names one; for ModelAuto,
// ModelLogGroup when a log group that VPN tunnels deliver to, that no account-level policy covers, has a policy of its
// own granting delivery (at most MaxModelProbes such groups are read, by ARN), else ModelAccount. The decision
// depends only on the account as the run finds it, not on what the run plans, so that identical plans decide alike,
// and an apply decides as its plan did; it is made once per run. The error is that of the account-level read, which
// ModelAuto needs (Model is then empty).
func (r *RunProjection) Model(ctx context.Context) (ModelChoice, error) {
	b, err := r.Budget(ctx)
	r.modelMu.Lock()
	defer r.modelMu.Unlock()
	if r.choice != nil {
		return *r.choice, nil
	}
	c := ModelChoice{Setting: r.cfg.Model}
	switch {
	case r.cfg.Model != ModelAuto:
		c.Model = r.cfg.Model
	case err != nil:
		return c, err
	default:
		c = r.probe(ctx, b)
	}
	r.choice = &c
	return c, err
}

// probe is ModelAuto's look for evidence.
func (r *RunProjection) probe(ctx context.Context, b *Budget) ModelChoice {
	c := ModelChoice{Setting: ModelAuto, Model: ModelAccount}
	var delivering []LogGroupARN
	if r.cfg.Delivering != nil {
		delivering, c.DeliveringErr = r.cfg.Delivering(ctx)
	}
	byARN := map[string]LogGroupARN{}
	for _, g := range delivering {
		if g.Partition != b.Scope.Partition || g.Region != b.Scope.Region || (b.Scope.AccountID != "" && g.AccountID != b.Scope.AccountID) {
			continue
		}
		if _, seen := byARN[g.String()]; seen {
			continue
		}
		byARN[g.String()] = g
		c.Delivering++
		if !b.Covers(g) {
			c.Candidates = append(c.Candidates, g.String())
		}
	}
	sort.Strings(c.Candidates)
	c.Probed = c.Candidates[:min(len(c.Candidates), MaxModelProbes)]
	reads := r.readGroups(ctx, c.Probed)
	for _, arn := range c.Probed {
		rd := reads[arn]
		if rd.err != nil {
			if c.ProbeErr == nil {
				c.ProbeErr = rd.err
			}
			continue
		}
		if e, ok := grantsOwnGroup(byARN[arn], rd.policies); ok {
			c.Evidence = append(c.Evidence, e)
		}
	}
	if len(c.Evidence) > 0 {
		c.Model = ModelLogGroup
	}
	return c
}

// readGroups reads the own policies of the log groups (normalised ARNs), each at most once per run (until
// Invalidate), up to groupReadConcurrency at a time; groups being read by another caller are waited for.
func (r *RunProjection) readGroups(ctx context.Context, arns []string) map[string]groupRead {
	out := make(map[string]groupRead, len(arns))
	if len(arns) == 0 {
		return out
	}
	if r.cfg.ReadGroup == nil {
		for _, a := range arns {
			out[a] = groupRead{err: errors.New("reading log-group-level policies is not configured")}
		}
		return out
	}
	pending := map[string]*groupRead{}
	var todo []string
	r.groupMu.Lock()
	for _, a := range arns {
		rd := r.groupReads[a]
		if rd == nil {
			rd = &groupRead{done: make(chan struct{})}
			r.groupReads[a] = rd
			todo = append(todo, a)
		}
		pending[a] = rd
	}
	r.groupMu.Unlock()
	sem := make(chan struct{}, groupReadConcurrency)
	for _, a := range todo {
		rd := pending[a]
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			rd.policies, rd.err = r.cfg.ReadGroup(ctx, a)
			close(rd.done)
		}()
	}
	for a, rd := range pending {
		select {
		case <-rd.done:
			out[a] = groupRead{policies: rd.policies, err: rd.err}
		case <-ctx.Done():
			out[a] = groupRead{err: ctx.Err()}
		}
	}
	return out
}

// RunResult is the run's projection after an Add.
type RunResult struct {
	// Projection is the account-level delivery policy's projection; under the log-group-level model nothing grows
	// it.
	Projection
	// Model is the model the projection assumes, and why.
	Model ModelChoice
	// GroupPolicies are, under the log-group-level model, the projections of the run's log groups' own policies,
	// sorted by ARN; nil under the account-level model.
	GroupPolicies []GroupPolicyProjection
	// Budget is the budget the projection was made from (a later read of the run may differ).
	Budget *Budget
	// Sources maps each projected group (normalised ARN) to the changes that deliver to it.
	Sources map[string][]string
	// Added are the normalised ARNs of the groups of this Add call.
	Added []string
}

// Fits reports whether AWS can apply the change under the model assumed: the account-level projection fits, or, under
// the log-group-level model, every group's own policy does.
func (r RunResult) Fits() bool {
	if r.Model.Model != ModelLogGroup {
		return r.Projection.Fits()
	}
	for _, g := range r.GroupPolicies {
		if !g.Fits() {
			return false
		}
	}
	return true
}

// Add adds the planned deliveries to the run and returns the projection of everything added so far, under the
// run's model. When the account-level policies cannot be read, the groups are still recorded and the read error is
// returned. Under the log-group-level model, each group no account-level policy covers has its own policy read
// (once per run); a failed read is the group's ReadErr.
func (r *RunProjection) Add(ctx context.Context, planned []Planned) (RunResult, error) {
	choice, err := r.Model(ctx)
	b, berr := r.Budget(ctx)
	if err == nil {
		err = berr
	}
	r.mu.Lock()
	res := RunResult{Model: choice}
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
	groups := append([]LogGroupARN(nil), r.groups...)
	res.Sources = make(map[string][]string, len(r.sources))
	for k, v := range r.sources {
		res.Sources[k] = append([]string(nil), v...)
	}
	r.mu.Unlock()
	if err != nil {
		return res, err
	}
	res.Budget = b
	if choice.Model != ModelLogGroup {
		res.Projection = b.Project(groups, ProjectOptions{})
		return res, nil
	}
	res.Projection = b.Project(nil, ProjectOptions{})
	res.GroupPolicies = r.projectGroups(ctx, b, groups)
	return res, nil
}

// projectGroups projects the own policies of the groups (ProjectGroupPolicy), reading those no account-level policy
// covers; the result is sorted by ARN, without duplicates.
func (r *RunProjection) projectGroups(ctx context.Context, b *Budget, groups []LogGroupARN) []GroupPolicyProjection {
	byARN := map[string]LogGroupARN{}
	var need []string
	for _, g := range groups {
		key := g.String()
		if _, seen := byARN[key]; seen {
			continue
		}
		byARN[key] = g
		if !b.Covers(g) {
			need = append(need, key)
		}
	}
	reads := r.readGroups(ctx, need)
	keys := make([]string, 0, len(byARN))
	for k := range byARN {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]GroupPolicyProjection, 0, len(keys))
	for _, k := range keys {
		rd, read := reads[k]
		if read && rd.err != nil {
			out = append(out, GroupPolicyProjection{LogGroupARN: k, Name: byARN[k].Name, Limit: GroupPolicySizeLimit, ReadErr: rd.err})
			continue
		}
		out = append(out, b.ProjectGroupPolicy(byARN[k], rd.policies))
	}
	return out
}

// GroupPolicies projects, under the log-group-level model, the own policies of the groups without adding them to
// the run (the budget data source), reading each group's policy at most once per run.
func (r *RunProjection) GroupPolicies(ctx context.Context, b *Budget, groups []LogGroupARN) []GroupPolicyProjection {
	return r.projectGroups(ctx, b, groups)
}

// ReadGroupPolicies returns the own policies of the groups (normalised ARNs), as the run read or reads them, in the
// order given; the error is the first failed read.
func (r *RunProjection) ReadGroupPolicies(ctx context.Context, arns []string) ([]Policy, error) {
	reads := r.readGroups(ctx, arns)
	var out []Policy
	for _, a := range arns {
		rd := reads[a]
		if rd.err != nil {
			return nil, rd.err
		}
		out = append(out, rd.policies...)
	}
	return out, nil
}

// ScopeOf is the partition, region and account the clients work in.
func ScopeOf(c *awsconfig.Clients) Scope {
	return Scope{Partition: c.Partition, Region: c.Region, AccountID: c.AccountID}
}

// NewAccountRunProjection is a run's projection of the resource policies of the clients' account and region (the
// provider's and the setup tool's run), reading them with the clients' CloudWatch Logs client: the account-level
// policies with one call, a log group's own policies with one call per group. limit is the account-level size limit;
// model the model setting; delivering lists the log groups VPN tunnels deliver to (ModelAuto's evidence).
func NewAccountRunProjection(c *awsconfig.Clients, limit int, model Model, delivering DeliveringReader) *RunProjection {
	return NewRun(RunConfig{
		Scope: ScopeOf(c), Limit: limit, Model: model, Delivering: delivering,
		ReadAccount: func(ctx context.Context) ([]Policy, error) { return ReadAccountPolicies(ctx, c.Logs) },
		ReadGroup: func(ctx context.Context, arn string) ([]Policy, error) {
			return ReadResourcePolicies(ctx, c.Logs, arn)
		},
	})
}
