package logdelivery

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// The explanations of the log-group-level model (ModelLogGroup): the one wording, as in explain.go, of what a run's
// deliveries do to the log groups' own resource policies.

// Summaries of the log-group-level explanations.
const (
	SummaryGroupOverLimit = "CloudWatch Logs log group resource policy would exceed its size limit"
	SummaryGroupNearLimit = "CloudWatch Logs log group resource policy close to its size limit"
)

// explainGroups is Explain under the log-group-level model: an error for the groups whose own policy would exceed its
// limit, else a warning for those that would come close to it; and a warning for the groups whose own policy could
// not be read.
func (r RunResult) explainGroups(opts ExplainOptions, incomplete bool) []Explanation {
	var over, near, unread []GroupPolicyProjection
	for _, g := range r.GroupPolicies {
		switch {
		case g.ReadErr != nil:
			unread = append(unread, g)
		case !g.Fits() && g.Grows():
			over = append(over, g)
		case g.NearLimit():
			near = append(near, g)
		}
	}
	var out []Explanation
	switch {
	case len(over) > 0:
		out = append(out, r.explainGroupSize(opts, over, incomplete, false))
	case len(near) > 0:
		out = append(out, r.explainGroupSize(opts, near, incomplete, true))
	}
	if len(unread) > 0 {
		out = append(out, r.groupsNotChecked(opts, unread))
	}
	return out
}

func (r RunResult) explainGroupSize(opts ExplainOptions, groups []GroupPolicyProjection, incomplete, near bool) Explanation {
	var sb strings.Builder
	n := len(groups)
	e := Explanation{Severity: SeverityError, Summary: SummaryGroupOverLimit}
	if near {
		e = Explanation{Severity: SeverityWarning, Summary: SummaryGroupNearLimit}
		fmt.Fprintf(&sb, "Enabling %s would bring the own CloudWatch Logs resource policy of %d log %s (the log-group-level "+
			"policy, not the account-level one) close to its limit of %d bytes:\n", opts.change(), n, plural(n, "group", "groups"),
			GroupPolicySizeLimit)
	} else {
		fmt.Fprintf(&sb, "Enabling %s would grow the own CloudWatch Logs resource policy of %d log %s (the log-group-level "+
			"policy, not the account-level one) past its limit of %d bytes. AWS would reject the change%s.\n\n"+
			"What grows, in bytes of each group's minified policy:\n", opts.change(), n, plural(n, "group", "groups"),
			GroupPolicySizeLimit, opts.when())
	}
	for _, g := range groups {
		fmt.Fprintf(&sb, "  - %s: ", g.LogGroupARN)
		switch {
		case g.NewPolicy:
			fmt.Fprintf(&sb, "a new policy of %d bytes", g.ProjectedBytes)
		default:
			fmt.Fprintf(&sb, "%s from %d to %d bytes", policyLabel(g.PolicyName), g.CurrentBytes, g.ProjectedBytes)
		}
		if near {
			fmt.Fprintf(&sb, ", %.0f%% of the limit; %d bytes would remain", 100*float64(g.ProjectedBytes)/float64(g.Limit), g.Remaining())
		} else {
			fmt.Fprintf(&sb, ", %d over (+%d for %s)", -g.Remaining(), g.Growth, g.Entry)
		}
		if src := r.sources(g.LogGroupARN); len(src) > 0 {
			fmt.Fprintf(&sb, " (%s)", strings.Join(src, ", "))
		}
		sb.WriteString("\n")
	}
	out := strings.TrimRight(sb.String(), "\n")
	if incomplete {
		out += "\n\nMore changes were still being planned when this was checked; they are checked as they are planned."
	}
	e.Detail = out + "\n\n" + r.Model.Reason(opts)
	e.Fix = r.groupFix(opts, groups, near) + "\n\n" + r.Model.Alternative(opts)
	return e
}

// groupFix is the fix for log groups whose own policy would overflow (or come close): room made in the policy, or
// groups under /aws/vendedlogs/, for which AWS creates no policy of their own once an account-level policy grants
// delivery on /aws/vendedlogs/* (as AWS's own account-level delivery policy does once it has added that wildcard).
func (r RunResult) groupFix(opts ExplainOptions, groups []GroupPolicyProjection, near bool) string {
	var sb strings.Builder
	if near {
		sb.WriteString("To keep room, remove")
	} else {
		sb.WriteString("Remove")
	}
	sb.WriteString(" from each group's policy the statements it no longer needs (logs:PutResourcePolicy with the group's ARN and " +
		"the policy's revisionId as expectedRevisionId)")
	var outside []GroupPolicyProjection
	for _, g := range groups {
		if !IsVended(g.Name) {
			outside = append(outside, g)
		}
	}
	if len(outside) == 0 {
		sb.WriteString(".")
		return sb.String()
	}
	wildcard := VendedLogsWildcard(r.Budget.Scope)
	sb.WriteString(", or deliver to log groups whose names start with " + VendedLogsPrefix + ": ")
	if r.Budget.VendedLogsCovered {
		by, _ := r.Budget.coveredBy(r.Budget.Scope.LogGroupARN(VendedLogsPrefix + vendedProbes[0]))
		fmt.Fprintf(&sb, "the account-level policy %s already grants delivery on all of them, so AWS creates no policy of their own.", by)
	} else {
		fmt.Fprintf(&sb, "AWS creates no policy of their own once an account-level policy grants %s logs:CreateLogStream and "+
			"logs:PutLogEvents on %s (logs:PutResourcePolicy without a resource ARN); until then each of them gets its own "+
			"policy, like any other group.", DeliveryPrincipal, wildcard)
	}
	if opts.CreateGroup != nil {
		sb.WriteString(" " + opts.CreateGroup(VendedName(outside[0].Name)))
	}
	sb.WriteString("\n\nNames to use instead:")
	for _, g := range outside {
		fmt.Fprintf(&sb, "\n  %s -> %s", g.Name, VendedName(g.Name))
	}
	return sb.String()
}

// groupsNotChecked says which log groups' own policies could not be read, so were not checked.
func (r RunResult) groupsNotChecked(opts ExplainOptions, groups []GroupPolicyProjection) Explanation {
	arns := make([]string, len(groups))
	for i, g := range groups {
		arns[i] = g.LogGroupARN
	}
	sort.Strings(arns)
	err := groups[0].ReadErr
	why := "failed"
	if awsconfig.IsAccessDenied(err) {
		why = "was denied (access denied)"
	}
	return Explanation{
		Severity: SeverityWarning,
		Summary:  SummaryNotChecked,
		Detail: fmt.Sprintf("Reading the log-group-level resource policies of %d log %s (logs:DescribeResourcePolicies with policy scope "+
			"RESOURCE, in %s) %s, so whether enabling %s fits their limit of %d bytes was not checked: %s. If it does not fit, "+
			"AWS rejects the change%s.\n\nError: %s\n\n%s",
			len(arns), plural(len(arns), "group", "groups"), r.Budget.Scope.Region, why, opts.change(), GroupPolicySizeLimit,
			strings.Join(arns, ", "), opts.when(), err, r.Model.Reason(opts)),
		Fix: "To have it checked, allow logs:DescribeResourcePolicies for the identity that makes the change.\n\n" +
			r.Model.Alternative(opts),
	}
}
