package cli

import (
	"context"
	"fmt"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

// The resource-policy budget as doctor and enable show it: logdelivery words the findings (the provider shows the
// same ones at plan time); this file passes the setup tool's words and turns them into check lines.

// budgetExplainOptions are the setup tool's words for logdelivery's explanations.
var budgetExplainOptions = logdelivery.ExplainOptions{
	LimitSetting: "--policy-size-limit",
	Change:       "delivery",
	CreateGroup: func(name string) string {
		return fmt.Sprintf("Create the group with the vpnlogs_log_group resource or `aws logs create-log-group --log-group-name %s`.", name)
	},
	UseExisting: "Or give an existing log group with --log-group-arn.",
}

// explanationCheck is a finding as a check line.
func explanationCheck(name string, e logdelivery.Explanation) setupCheck {
	status := checkWarn
	if e.Severity == logdelivery.SeverityError {
		status = checkFail
	}
	return setupCheck{Section: sectionBudget, Name: name, Status: status, Message: e.Detail, Fix: e.Fix}
}

// budgetReadCheck words a failed read of the account's resource policies (logdelivery.NotCheckedExplanation): the
// check could not run, so the budget is not known.
func budgetReadCheck(c *awsconfig.Clients, limit int, groups []string, err error) setupCheck {
	chk := explanationCheck("resource policies", logdelivery.NotCheckedExplanation(logdelivery.ScopeOf(c), limit, groups, err, budgetExplainOptions))
	chk.Status = checkUnknown
	return chk
}

// projectionChecks words a projection of the delivery policy once delivery to new groups starts: the findings of
// logdelivery (the size, and the number of policies when AWS would have to create the delivery policy), or one ok
// line that gives the numbers.
func projectionChecks(res logdelivery.RunResult) []setupCheck {
	var out []setupCheck
	sized := false
	for _, e := range res.Explain(budgetExplainOptions, false) {
		name := "projection"
		if e.Summary == logdelivery.SummaryTooManyPolicies {
			name = "policy count"
		} else {
			sized = true
		}
		out = append(out, explanationCheck(name, e))
	}
	if sized {
		return out
	}
	ok := setupCheck{Section: sectionBudget, Name: "projection", Status: checkOK}
	pct := 100 * float64(res.ProjectedCharacters) / float64(max(res.Limit, 1))
	switch {
	case len(res.Growing()) == 0:
		ok.Message = fmt.Sprintf("The log groups to deliver to are already covered by the delivery policy: %s stays at %d of %d characters.",
			res.PolicyName, res.ProjectedCharacters, res.Limit)
	case res.NewPolicy:
		ok.Message = fmt.Sprintf("AWS would create the delivery policy %s with %d of %d characters (%.0f%%, --policy-size-limit).",
			res.PolicyName, res.ProjectedCharacters, res.Limit, pct)
	default:
		ok.Message = fmt.Sprintf("%s would grow from %d to %d of %d characters (%.0f%%, --policy-size-limit), %d remaining.",
			res.PolicyName, res.CurrentCharacters, res.ProjectedCharacters, res.Limit, pct, res.Remaining())
	}
	return append([]setupCheck{ok}, out...)
}

// budgetPreCheck is enable's budget pre-check: the projection with the log groups that would start receiving logs.
// The projection reads the account's policies once; a budget that cannot be read is not known (checkUnknown), and the
// change goes ahead, as at plan time.
func budgetPreCheck(ctx context.Context, clients *awsconfig.Clients, limit int, planned []logdelivery.Planned) []setupCheck {
	if len(planned) == 0 {
		return []setupCheck{{Section: sectionBudget, Name: "projection", Status: checkOK,
			Message: "No log group starts receiving logs: the account's resource policy does not grow."}}
	}
	res, err := logdelivery.NewAccountRunProjection(clients, limit).Add(ctx, planned)
	if err != nil {
		var groups []string
		for _, p := range planned {
			groups = append(groups, p.Group.String())
		}
		return []setupCheck{budgetReadCheck(clients, limit, groups, err)}
	}
	return projectionChecks(res)
}
