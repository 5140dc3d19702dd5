package provider

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// budgetState is the run's projection of the resource policies; the zero value is ready to use.
//
// Terraform starts one provider process (and configures one providerData) per plan or apply walk, so the
// projection aggregates every delivery planned by the walk, and the account's policies are read at most once per
// walk: the first check reads them with one DescribeResourcePolicies call, checks planned concurrently wait for
// that read, and a failed read is remembered, not retried. The resource-policy model is decided once per walk too
// (logdelivery.RunProjection.Model): with resource_policy_model = "auto", from the own policies of at most
// logdelivery.MaxModelProbes log groups that the region's VPN tunnels deliver to outside the account-level policies
// (none in an account where AWS grows the account-level policy); under the log-group-level model each log group the
// walk starts delivering to, outside the account-level policies, has its own policy read once.
type budgetState struct {
	once sync.Once
	run  *logdelivery.RunProjection

	mu sync.Mutex
	// said is the most severe budget finding a verdict of this run has given (0: none), so that a later round of
	// the same run adds only what is worse.
	said logdelivery.Severity
	// notCheckedSaid is set once the "not checked" warning has been given.
	notCheckedSaid bool
}

// budgetRun returns the run's projection, creating it on first use.
func (d *providerData) budgetRun() *logdelivery.RunProjection {
	d.budget.once.Do(func() {
		d.budget.run = logdelivery.NewAccountRunProjection(d.clients, d.policy.limit, d.policy.model, d.vpn.DeliveredLogGroups)
	})
	return d.budget.run
}

// deliveryChanged is called after a change that may have made AWS grow the account's resource policy: later
// checks and budget reads in this run read the policies again instead of reusing the read from before the change.
func (d *providerData) deliveryChanged() {
	if d != nil && d.clients != nil {
		d.budgetRun().Invalidate()
	}
}

// explainOptions are the provider's words for logdelivery's explanations.
func (d *providerData) explainOptions() logdelivery.ExplainOptions {
	return logdelivery.ExplainOptions{
		LimitSetting: "the provider's resource_policy_size_limit",
		When:         "at apply time, after other changes of the apply may already have been made",
		Change:       "the log delivery planned in this run",
		CreateGroup: func(name string) string {
			optIn := ""
			if !logdelivery.IsVended(name) {
				optIn = "\n    allow_outside_vendedlogs = true"
			}
			return fmt.Sprintf("Create the group with vpnlogs_log_group and use its arn as log_group_arn:\n\n"+
				"  resource \"vpnlogs_log_group\" \"vpn\" {\n    name = %q%s\n  }", name, optIn)
		},
		UseExisting:  "Or set log_group_arn to the ARN of an existing log group.",
		ModelSetting: modelSetting,
	}
}

// modelSetting is the provider setting that chooses a resource-policy model, as the explanations quote it.
func modelSetting(m logdelivery.Model) string { return fmt.Sprintf("resource_policy_model = %q", m) }

// keyDeliveries gives a call that starts delivering to a log group the policy does not cover yet the key that lets
// it carry the verdict: the first such group by ARN (an ordinary group before the /aws/vendedlogs/ ones, since the
// fix is about them), then the change's description. Without the account's policies (the read failed), every group
// counts.
func (d *providerData) keyDeliveries(ctx context.Context, call *planCall) {
	b, err := d.budgetRun().Budget(ctx)
	best := ""
	for _, p := range call.deliveries {
		if err == nil && b.Covers(p.Group) {
			continue
		}
		k := "0|" + p.Group.String() + "|" + p.Source
		if p.Group.Vended() {
			k = "1" + k[1:]
		}
		if best == "" || k < best {
			best = k
		}
	}
	if best != "" {
		call.key = best
	}
}

// giveVerdict renders the verdict of a round (plan_run.go) onto the carrier's diagnostics: the IAM preflight, the
// policy budget, and, when the plan does not fail, the tunnels it interrupts.
func (d *providerData) giveVerdict(ctx context.Context, v planVerdict, diags *diag.Diagnostics) {
	var planned []logdelivery.Planned
	var changes []vpn.TunnelChange
	anyChange := false
	for _, c := range v.calls {
		planned = append(planned, c.deliveries...)
		changes = append(changes, c.interruption...)
		anyChange = anyChange || c.changes
	}
	errorsBefore := diags.ErrorsCount()
	if anyChange {
		var pd diag.Diagnostics
		d.checkPermissions(ctx, &pd)
		appendVerdict(diags, pd, v.applying)
	}
	if len(planned) > 0 {
		d.budgetVerdict(ctx, v, planned, diags)
	}
	if diags.ErrorsCount() > errorsBefore {
		d.plan.markErred()
	}
	if v.applying || v.failed || d.plan.erred() {
		return
	}
	if text := vpn.DescribeInterruption(d.plan.unannounced(changes), "This plan"); text != "" {
		diags.AddWarning(vpn.SummaryInterruption, text)
	}
}

// appendVerdict adds the diagnostics of a verdict; during apply only errors (the plan showed the warnings).
func appendVerdict(diags *diag.Diagnostics, add diag.Diagnostics, applying bool) {
	for _, x := range add {
		if applying && x.Severity() != diag.SeverityError {
			continue
		}
		diags.Append(x)
	}
}

// budgetVerdict projects the resource policies with every delivery of the run, under the run's model, and adds what
// logdelivery says about it, once per finding and run: an error when AWS would refuse the change, else a warning when
// a policy comes close to its limit. Under the account-level model only the account-level policies are read (one
// call per run); under the log-group-level model also the own policy of each log group the run starts delivering to
// that no account-level policy covers (one call per group and run).
func (d *providerData) budgetVerdict(ctx context.Context, v planVerdict, planned []logdelivery.Planned, diags *diag.Diagnostics) {
	res, err := d.budgetRun().Add(ctx, planned)
	if err != nil {
		tflog.Warn(ctx, "delivery budget not checked", map[string]any{"error": err.Error()})
		d.budget.mu.Lock()
		first := !d.budget.notCheckedSaid
		d.budget.notCheckedSaid = true
		d.budget.mu.Unlock()
		if first && !v.applying {
			var groups []string
			for _, p := range planned {
				groups = append(groups, p.Group.String())
			}
			e := logdelivery.NotCheckedExplanation(d.scope(), d.policy.limit, uniqueSorted(groups), err, res.Model, d.explainOptions())
			diags.AddWarning(e.Summary, e.Text())
		}
		return
	}
	tflog.Debug(ctx, "projected log delivery resource policy", map[string]any{
		"model": string(res.Model.Model), "model_setting": string(res.Model.Setting), "model_evidence": res.Model.EvidenceARNs(),
		"policy": res.PolicyName, "new_policy": res.NewPolicy, "current_characters": res.CurrentCharacters,
		"projected_characters": res.ProjectedCharacters, "limit": res.Limit, "policy_count": res.PolicyCount,
		"groups": len(res.Groups), "growing": len(res.Growing()), "group_policies": len(res.GroupPolicies), "incomplete": v.incomplete,
	})
	findings := res.Explain(d.explainOptions(), v.incomplete)
	d.budget.mu.Lock()
	defer d.budget.mu.Unlock()
	said := d.budget.said
	for _, e := range findings {
		d.budget.said = max(d.budget.said, e.Severity)
		if e.Severity <= said || (v.applying && e.Severity != logdelivery.SeverityError) {
			continue
		}
		if e.Severity == logdelivery.SeverityError {
			diags.AddError(e.Summary, e.Text())
		} else {
			diags.AddWarning(e.Summary, e.Text())
		}
	}
}

func uniqueSorted(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}
