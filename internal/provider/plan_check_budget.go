package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

// plannedDelivery is one log group that a planned change would start delivering to.
type plannedDelivery struct {
	// Resource describes the source in messages, e.g. "vpn-0abc/203.0.113.10 tunnel log".
	Resource string
	// LogGroupARN is the normalised ARN (no ":*").
	LogGroupARN string
}

// budgetState is the run's projection of the delivery policy; the zero value is ready to use.
//
// Terraform starts one provider process (and configures one providerData) per plan or apply walk, so the
// projection aggregates every delivery planned by the walk, and the account's policies are read at most once per
// walk: the first check reads them with one DescribeResourcePolicies call, checks planned concurrently wait for
// that read, and a failed read is remembered, not retried.
type budgetState struct {
	once sync.Once
	run  *logdelivery.RunProjection
	// readWarned is set once the "not checked" warning has been given.
	readWarned atomic.Bool
}

// budgetRun returns the run's projection, creating it on first use.
func (d *providerData) budgetRun() *logdelivery.RunProjection {
	d.budget.once.Do(func() {
		c := d.clients
		d.budget.run = logdelivery.NewRunProjection(d.scope(), d.resourcePolicySizeLimit, func(ctx context.Context) ([]logdelivery.Policy, error) {
			tflog.Debug(ctx, "reading CloudWatch Logs resource policies for the delivery budget", map[string]any{"region": c.Region})
			return logdelivery.ReadAccountPolicies(ctx, c.Logs)
		})
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

// checkDeliveryBudget adds the groups to the run's projection of the account's log-delivery resource policy and
// reports, on diags, when the projection no longer fits (error) or is close to the limit (warning).
//
// Only the account-level policies are read. UNCONFIRMED (docs/design/aws-behaviour.md §3.6): AWS now documents log-group-level
// (RESOURCE-scope) policies "for newly created subscriptions"; whether Site-to-Site VPN's V1 delivery still grows the
// account-level policy, and since when, is not documented. The check assumes it does (the premise and the
// safe side) and does not read each group's own policy, which would cost one more call per group and break the
// one-read-per-plan rule; a group that has its own policy granting delivery is therefore still projected. The
// vpnlogs_resource_policy_budget data source does read them.
//
// The diagnostics go to the resources whose groups grow the policy: when several resources fit one by one but not
// together, the ones planned after the projection crosses the limit fail, and each error lists every group of the
// run that grows the policy. Groups that are already covered (or a second /aws/vendedlogs/ group) add nothing and
// get no diagnostic.
func (d *providerData) checkDeliveryBudget(ctx context.Context, groups []plannedDelivery, diags *diag.Diagnostics) {
	if d == nil || d.clients == nil || len(groups) == 0 {
		return
	}
	var planned []logdelivery.Planned
	for _, g := range groups {
		a, err := logdelivery.ParseLogGroupARN(g.LogGroupARN)
		if err != nil {
			continue // the attribute validator reports malformed ARNs
		}
		planned = append(planned, logdelivery.Planned{Group: a, Source: g.Resource})
	}
	if len(planned) == 0 {
		return
	}
	run := d.budgetRun()
	res, err := run.Add(ctx, planned)
	if err != nil {
		tflog.Warn(ctx, "delivery budget not checked", map[string]any{"error": err.Error()})
		if d.budget.readWarned.CompareAndSwap(false, true) {
			diags.AddWarning("CloudWatch Logs resource policy budget not checked", d.budgetNotCheckedDetail(planned, err))
		}
		return
	}
	tflog.Debug(ctx, "projected log delivery resource policy", map[string]any{
		"policy": res.PolicyName, "new_policy": res.NewPolicy, "current_characters": res.CurrentCharacters,
		"projected_characters": res.ProjectedCharacters, "limit": res.Limit, "policy_count": res.PolicyCount,
		"groups": len(res.Groups), "growing": len(res.Growing()),
	})
	if !res.Contributes() {
		return
	}
	if !res.FitsCount() {
		diags.AddError("Too many CloudWatch Logs resource policies", tooManyPoliciesDetail(res, d.clients.Region))
	}
	switch {
	case !res.FitsSize():
		diags.AddError("CloudWatch Logs resource policy would exceed its size limit", budgetDetail(res, false))
	case res.NearLimit():
		diags.AddWarning("CloudWatch Logs resource policy close to its size limit", budgetDetail(res, true))
	}
}

// budgetNotCheckedDetail says what the plan did not check when the policies could not be read.
func (d *providerData) budgetNotCheckedDetail(planned []logdelivery.Planned, err error) string {
	why := "failed"
	if awsconfig.IsAccessDenied(err) {
		why = "was denied (access denied)"
	}
	var names []string
	for _, p := range planned {
		names = append(names, p.Group.String())
	}
	return fmt.Sprintf("Reading the account's CloudWatch Logs resource policies (logs:DescribeResourcePolicies in %s) %s, so this plan did "+
		"not check whether enabling log delivery fits the log delivery resource policy %s (limit %d characters, the "+
		"provider's resource_policy_size_limit) or the limit of %d account-level resource policies. This applies to %s "+
		"and to every other log group this plan starts delivering to. If it does not fit, AWS rejects the change at "+
		"apply time.\n\nTo have it checked, allow logs:DescribeResourcePolicies for the identity that runs the plan. Log "+
		"groups whose names start with %s do not grow the policy.\n\nError: %s",
		d.clients.Region, why, logdelivery.DeliveryPolicyName, d.resourcePolicySizeLimit, logdelivery.MaxAccountPolicies,
		strings.Join(names, ", "), logdelivery.VendedLogsPrefix, err)
}

// budgetDetail renders the size error (or, near is true, the warning) with the numbers, every group of the run
// that grows the policy, and the fix (logdelivery.Budget.VendedAlternative).
func budgetDetail(res logdelivery.RunResult, near bool) string {
	var sb strings.Builder
	verb := "grow"
	if res.NewPolicy {
		verb = "create"
	}
	if res.NewPolicy {
		fmt.Fprintf(&sb, "Enabling the log delivery planned in this run would make AWS create the account-level CloudWatch Logs "+
			"resource policy %s with %d characters", res.PolicyName, res.ProjectedCharacters)
	} else {
		fmt.Fprintf(&sb, "Enabling the log delivery planned in this run would %s the account-level CloudWatch Logs resource policy "+
			"%s from %d to %d characters", verb, res.PolicyName, res.CurrentCharacters, res.ProjectedCharacters)
	}
	pct := 100 * float64(res.ProjectedCharacters) / float64(res.Limit)
	if near {
		fmt.Fprintf(&sb, ", %.0f%% of the limit of %d (the provider's resource_policy_size_limit). %d characters would remain.",
			pct, res.Limit, res.Remaining())
	} else {
		fmt.Fprintf(&sb, "; the limit is %d (the provider's resource_policy_size_limit), %d over. AWS would reject the "+
			"change at apply time, after other changes of the apply may already have been made.", res.Limit, -res.Remaining())
	}
	growing := res.Growing()
	sort.SliceStable(growing, func(i, j int) bool { return growing[i].LogGroupARN < growing[j].LogGroupARN })
	fmt.Fprintf(&sb, "\n\nLog groups planned in this run that grow the policy (%d):\n", len(growing))
	for _, g := range growing {
		fmt.Fprintf(&sb, "  - %s: +%d characters", g.LogGroupARN, g.Growth)
		if src := res.Sources[g.LogGroupARN]; len(src) > 0 {
			fmt.Fprintf(&sb, " (%s)", strings.Join(src, ", "))
		}
		sb.WriteString("\n")
	}

	// The fix: the same groups under /aws/vendedlogs/.
	alt, ok := res.Budget.VendedAlternative(res.Projection)
	if !ok {
		return sb.String()
	}
	fix := "\nFix: deliver to log groups whose names start with " + logdelivery.VendedLogsPrefix + ". "
	if near {
		fix = "\nTo keep room, deliver to log groups whose names start with " + logdelivery.VendedLogsPrefix + ". "
	}
	sb.WriteString(fix)
	switch {
	case alt.CoveredBy != "":
		fmt.Fprintf(&sb, "The policy already covers all of them with the entry %s, so they add nothing.", alt.Entry)
	case alt.InProjection:
		fmt.Fprintf(&sb, "AWS covers all of them with the single entry %s, which this run adds already (it is in the list "+
			"above), so further ones add nothing.", alt.Entry)
	default:
		fmt.Fprintf(&sb, "AWS covers all of them with the single entry %s (%d characters, added once), so they do not grow "+
			"the policy one by one.", alt.Entry, alt.Growth)
		if !alt.FitsSize && !res.NewPolicy {
			fmt.Fprintf(&sb, " The policy has only %d characters left, too few even for that entry: first remove from %s the "+
				"entries of log groups that no longer receive logs (logs:PutResourcePolicy), or raise the limit if AWS "+
				"enforces a larger one in your account.", res.Limit-res.CurrentCharacters, res.PolicyName)
		}
	}
	first := alt.Groups[0].Name
	fmt.Fprintf(&sb, " For example, create the group with vpnlogs_log_group and use its arn as log_group_arn:\n\n"+
		"  resource \"vpnlogs_log_group\" \"vpn\" {\n    name = %q\n  }\n\nNames to use instead:\n", logdelivery.VendedName(first))
	for _, g := range alt.Groups {
		fmt.Fprintf(&sb, "  %s -> %s\n", g.Name, logdelivery.VendedName(g.Name))
	}
	return strings.TrimRight(sb.String(), "\n")
}

// tooManyPoliciesDetail explains the 11th-policy case.
func tooManyPoliciesDetail(res logdelivery.RunResult, region string) string {
	names := res.Budget.PolicyNames()
	var groups []string
	for _, g := range res.Growing() {
		groups = append(groups, g.LogGroupARN)
	}
	return fmt.Sprintf("Enabling the log delivery planned in this run needs the account-level CloudWatch Logs resource policy %s, "+
		"which does not exist yet. AWS would have to create it as policy number %d, but an account can have at most %d "+
		"account-level resource policies per Region (a quota that cannot be raised), and %s already has %d: %s. AWS would "+
		"reject the change at apply time.\n\nLog groups planned in this run that need the policy: %s.\n\nFix: delete an "+
		"account-level resource policy that is no longer needed (aws logs delete-resource-policy --policy-name NAME --region %s). "+
		"Log groups under %s do not avoid this: they, too, need the delivery policy.",
		res.PolicyName, res.ProjectedPolicyCount, res.MaxPolicies, region, res.PolicyCount, strings.Join(names, ", "),
		strings.Join(groups, ", "), region, logdelivery.VendedLogsPrefix)
}
