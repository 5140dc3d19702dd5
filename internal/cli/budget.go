package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

// The resource-policy budget as doctor and enable show it: logdelivery words the findings (the provider shows the
// same ones at plan time); this file passes the setup tool's words and turns them into check lines.

// budgetExplainOptions are the setup tool's words for logdelivery's explanations; its CreateGroup is also the tool's one
// wording of how to create a log group (doctor, enable).
var budgetExplainOptions = logdelivery.ExplainOptions{
	LimitSetting: "--policy-size-limit",
	Change:       "delivery",
	CreateGroup: func(name string) string {
		return fmt.Sprintf("Create the group with the vpnlogs_log_group resource or `aws logs create-log-group --log-group-name %s`.", name)
	},
	UseExisting: "Or give an existing log group with --log-group-arn.",
	ModelSetting: func(m logdelivery.Model) string {
		return "--resource-policy-model " + string(m)
	},
}

// addModelFlag adds --resource-policy-model, the provider's resource_policy_model.
func addModelFlag(fl *pflag.FlagSet, p *string) {
	fl.StringVar(p, "resource-policy-model", string(logdelivery.ModelAuto), "where AWS grants log delivery write access: "+
		"\"account\" (the account-level policy "+logdelivery.DeliveryPolicyName+" grows), \"log-group\" (each log group gets "+
		"a policy of its own) or \"auto\" (decided from the account; the provider's resource_policy_model)")
}

// checkModelFlag validates --resource-policy-model.
func checkModelFlag(v string) error {
	if _, err := logdelivery.ParseModel(v); err != nil {
		return fmt.Errorf("--resource-policy-model: %w", err)
	}
	return nil
}

// modelCheck reports the model the budget checks assume, and why.
func modelCheck(c logdelivery.ModelChoice) setupCheck {
	return setupCheck{Section: sectionBudget, Name: "model", Status: checkOK, Message: c.Reason(budgetExplainOptions)}
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
func budgetReadCheck(c *awsconfig.Clients, limit int, groups []string, err error, model logdelivery.ModelChoice) setupCheck {
	chk := explanationCheck("resource policies", logdelivery.NotCheckedExplanation(logdelivery.ScopeOf(c), limit, groups, err, model, budgetExplainOptions))
	chk.Status = checkUnknown
	return chk
}

// projectionChecks words a projection of the resource policies once delivery to new groups starts, under the run's
// model: the findings of logdelivery (the size, and the number of policies when AWS would have to create the delivery
// policy), or one ok line that gives the numbers.
func projectionChecks(res logdelivery.RunResult) []setupCheck {
	var out []setupCheck
	sized := false
	for _, e := range res.Explain(budgetExplainOptions, false) {
		name := "projection"
		switch e.Summary {
		case logdelivery.SummaryTooManyPolicies:
			name = "policy count"
		case logdelivery.SummaryNotChecked:
			name = "log group policies"
		default:
			sized = true
		}
		out = append(out, explanationCheck(name, e))
	}
	if sized {
		return out
	}
	if res.Model.Model == logdelivery.ModelLogGroup {
		return append([]setupCheck{groupProjectionCheck(res)}, out...)
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

// groupProjectionCheck is the ok line of a projection under the log-group-level model: what happens to each group's
// own policy.
func groupProjectionCheck(res logdelivery.RunResult) setupCheck {
	var lines []string
	for _, g := range res.GroupPolicies {
		switch {
		case g.ReadErr != nil:
			continue
		case g.CoveredByAccount:
			lines = append(lines, fmt.Sprintf("%s: covered by the account-level policy %s, so AWS creates no policy for it.", g.LogGroupARN, g.CoveredBy))
		case g.CoveredBy != "":
			lines = append(lines, fmt.Sprintf("%s: its own policy already grants delivery (%d of %d bytes).", g.LogGroupARN, g.CurrentBytes, g.Limit))
		case g.NewPolicy:
			lines = append(lines, fmt.Sprintf("%s: AWS would create its own policy with %d of %d bytes.", g.LogGroupARN, g.ProjectedBytes, g.Limit))
		default:
			lines = append(lines, fmt.Sprintf("%s: its own policy would grow from %d to %d of %d bytes.", g.LogGroupARN, g.CurrentBytes,
				g.ProjectedBytes, g.Limit))
		}
	}
	return setupCheck{Section: sectionBudget, Name: "projection", Status: checkOK, Message: strings.Join(lines, "\n")}
}

// logGroupModelChecks are doctor's lines about the account-level policies under the log-group-level model, where new
// deliveries do not grow them: their size and number for the record, and whether they cover /aws/vendedlogs/.
func logGroupModelChecks(b *logdelivery.Budget) []setupCheck {
	size := setupCheck{Section: sectionBudget, Name: "policy size", Status: checkOK,
		Message: "No account-level log-delivery policy: under the log-group-level model AWS does not create one."}
	if p, ok := b.DeliveryPolicy(); ok {
		size.Message = fmt.Sprintf("%s uses %d of %d characters (--policy-size-limit); under the log-group-level model new "+
			"deliveries do not grow it.", p.Name, p.Characters, b.Limit)
	}
	vended := setupCheck{Section: sectionBudget, Name: "vendedlogs", Status: checkOK,
		Message: fmt.Sprintf("Log groups under %s are covered by the account-level policies: AWS creates no policy of their own "+
			"for them.", logdelivery.VendedLogsPrefix)}
	if !b.VendedLogsCovered {
		vended.Message = fmt.Sprintf("Log groups under %s are not covered by an account-level policy: under the log-group-level "+
			"model each gets a policy of its own, like any other group.", logdelivery.VendedLogsPrefix)
	}
	count := setupCheck{Section: sectionBudget, Name: "policy count", Status: checkOK,
		Message: fmt.Sprintf("%d of %d account-level resource policies; log groups' own policies do not count.", b.PolicyCount(), b.MaxPolicies)}
	return []setupCheck{size, vended, count}
}

// budgetPreCheck is enable's budget pre-check: the model, and the projection with the log groups that would start
// receiving logs. The projection reads the account-level policies once (and, under the log-group-level model, each
// group's own policy once); a budget that cannot be read is a warning, and the change goes ahead, as at plan time. It
// returns the model assumed ("" when none was decided).
func budgetPreCheck(ctx context.Context, clients *awsconfig.Clients, limit int, model logdelivery.Model,
	delivering logdelivery.DeliveringReader, planned []logdelivery.Planned) ([]setupCheck, logdelivery.Model) {
	if len(planned) == 0 {
		return []setupCheck{{Section: sectionBudget, Name: "projection", Status: checkOK,
			Message: "No log group starts receiving logs: no resource policy grows."}}, ""
	}
	res, err := logdelivery.NewAccountRunProjection(clients, limit, model, delivering).Add(ctx, planned)
	if err != nil {
		var groups []string
		for _, p := range planned {
			groups = append(groups, p.Group.String())
		}
		return []setupCheck{budgetReadCheck(clients, limit, groups, err, res.Model)}, res.Model.Model
	}
	return append([]setupCheck{modelCheck(res.Model)}, projectionChecks(res)...), res.Model.Model
}
