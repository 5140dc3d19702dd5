package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// The checks doctor, enable and disable share: the configuration, a log group ARN against the caller's account and
// region, whether the log groups exist, and the IAM permissions (the resource-policy budget is in budget.go). The rules
// behind them live in awsconfig, logdelivery and iampolicy; this file only words their results.

// regionSetting names, in the setup tool's words, where the region comes from.
const regionSetting = "--region (or AWS_REGION)"

// configurationFailure is the check for an awsconfig.Load error, rendered as every subcommand renders it.
func configurationFailure(err error) setupCheck {
	fix := "Correct the setting named above: the global flags --region, --profile and --endpoint-url, or the standard " +
		"AWS_* environment variables and shared config files, as for the AWS CLI."
	var ce *awsconfig.Error
	if !errors.As(err, &ce) {
		fix = "Check the AWS settings (--region, --profile, --endpoint-url, AWS_* environment variables) and that the endpoint is reachable."
	}
	return setupCheck{Section: sectionConfiguration, Name: "configuration", Status: checkFail, Message: renderError(err), Fix: fix}
}

// exampleScope is logGroupScope for examples in messages: an unknown account reads ACCOUNT.
func exampleScope(c *awsconfig.Clients) logdelivery.Scope {
	s := logdelivery.ScopeOf(c)
	s.AccountID = accountOr(s.AccountID)
	return s
}

// checkLogGroupARN parses a log group ARN given with a flag and compares it with the clients' partition, region
// and account (logdelivery.LogGroupARN.CheckDeliverable, the comparison the provider makes at plan time for
// vpnlogs_tunnel_logging's log_group_arn).
func checkLogGroupARN(flag, arn string, c *awsconfig.Clients) (logdelivery.LogGroupARN, *setupCheck) {
	a, err := logdelivery.ParseLogGroupARN(arn)
	if err != nil {
		return a, &setupCheck{Section: sectionArguments, Name: flag, Status: checkFail, Message: err.Error(), LogGroupARN: arn,
			Fix: fmt.Sprintf("Give %s as the ARN of a log group in %s, e.g. %s.", flag, c.Region,
				exampleScope(c).LogGroupARN("/aws/vendedlogs/vpn/prod"))}
	}
	var problems []string
	for _, m := range a.CheckDeliverable(logdelivery.ScopeOf(c)) {
		setBy := "the AWS settings select"
		if m.Field == logdelivery.FieldAccount {
			setBy = "the credentials are for"
		}
		problem := m.Describe(arn, setBy)
		if m.Reason != "" {
			problem += ". " + m.Reason
		}
		problems = append(problems, problem)
	}
	if len(problems) > 0 {
		want := exampleScope(c).LogGroupARN(a.Name)
		return a, &setupCheck{Section: sectionArguments, Name: flag, Status: checkFail, LogGroupARN: arn,
			Message: strings.Join(problems, ". ") + ".",
			Fix: fmt.Sprintf("Use a log group in account %s, region %s, e.g. %s (or select the group's region with --region).",
				accountOr(c.AccountID), c.Region, want)}
	}
	return a, nil
}

func accountOr(id string) string {
	if id == "" {
		return "ACCOUNT"
	}
	return id
}

// groupsExistChecks fail for each log group to deliver to that does not exist: AWS would refuse the change (one
// DescribeLogGroups call for all of them, logdelivery.GroupLookup).
func groupsExistChecks(ctx context.Context, clients *awsconfig.Clients, want vpn.Logging) []setupCheck {
	var groups []logdelivery.LogGroupARN
	var names []string
	for _, d := range []vpn.LogDestination{want.Activity, want.BGP} {
		if a, err := logdelivery.ParseLogGroupARN(d.LogGroupARN); d.Enabled && err == nil && !slices.Contains(names, a.Name) {
			groups = append(groups, a)
			names = append(names, a.Name)
		}
	}
	missing, err := logdelivery.NewGroupLookup(clients.Logs, 0).Missing(ctx, names)
	if err != nil {
		return []setupCheck{{Section: sectionArguments, Name: "log groups", Status: checkUnknown,
			Message: fmt.Sprintf("Whether the log groups exist could not be checked: %s", err),
			Fix:     "Allow logs:DescribeLogGroups to the caller so that this is checked."}}
	}
	var out []setupCheck
	for _, a := range groups {
		if slices.Contains(missing, a.Name) {
			e := logdelivery.MissingGroupExplanation(a, budgetExplainOptions)
			out = append(out, setupCheck{Section: sectionArguments, Name: "log groups", Status: checkFail, LogGroupARN: a.String(), Message: e.Detail, Fix: e.Fix})
		}
	}
	if len(out) > 0 {
		return out
	}
	return []setupCheck{{Section: sectionArguments, Name: "log groups", Status: checkOK,
		Message: fmt.Sprintf("%s %s.", strings.Join(names, " and "), plural(len(names), "exists", "exist"))}}
}

// permissionsCheck words an iampolicy.Check result: missing or explicitly denied actions fail, a simulation that
// could not run is unknown (the reason says what was not checked).
func permissionsCheck(res iampolicy.Result, c *awsconfig.Clients) setupCheck {
	chk := setupCheck{Section: sectionPermissions, Name: "permissions", Status: checkOK, Message: res.Reason}
	switch {
	case !res.Evaluated:
		chk.Status = checkUnknown
		chk.Fix = "Allow iam:SimulatePrincipalPolicy (and iam:GetRole for assumed roles) to the caller so that this is checked, or check " +
			"an IAM user or role with `terraform-provider-vpnlogs policy check --principal-arn ARN`. The actions needed are those of " +
			"`terraform-provider-vpnlogs policy`."
	case !res.Allowed:
		chk.Status = checkFail
		chk.Actions = append(append([]string{}, res.Missing...), res.ExplicitlyDenied...)
		sort.Strings(chk.Actions)
		chk.Fix = res.Fix(fmt.Sprintf("the policy that `terraform-provider-vpnlogs policy --pretty --region %s --account-id %s` prints",
			c.Region, accountOr(c.AccountID)))
	}
	return chk
}
