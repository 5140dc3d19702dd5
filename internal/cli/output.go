package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// Shared by doctor, enable and disable: the outcome of one check, how it is printed, and the checks that the
// commands share (log group ARN against the caller's account and region, the resource-policy budget, the IAM
// permissions). The rules behind them live in logdelivery and iampolicy; this file only words their results.

// Outcomes of a check.
const (
	checkOK   = "ok"
	checkWarn = "warn"
	checkFail = "fail"
)

// setupCheck is one check of doctor, or one pre-check of enable and disable. Its JSON form is part of doctor's
// documented output: keep field names stable.
type setupCheck struct {
	// Section is configuration, permissions, budget or vpn (enable adds tunnels).
	Section string `json:"section"`
	// Name says what was checked, e.g. "region", "tunnel log", "telemetry".
	Name string `json:"name"`
	// Status is ok, warn or fail.
	Status string `json:"status"`
	// Message is what was found; for warn and fail, what is wrong and why.
	Message string `json:"message"`
	// Fix is what to do about a warn or fail.
	Fix string `json:"fix,omitempty"`

	VPNConnectionID string   `json:"vpn_connection_id,omitempty"`
	TunnelOutsideIP string   `json:"tunnel_outside_ip_address,omitempty"`
	LogGroupARN     string   `json:"log_group_arn,omitempty"`
	Actions         []string `json:"actions,omitempty"`
}

// checkSummary counts checks by status.
type checkSummary struct {
	OK   int `json:"ok"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
}

func summarizeChecks(checks []setupCheck) checkSummary {
	var s checkSummary
	for _, c := range checks {
		switch c.Status {
		case checkOK:
			s.OK++
		case checkWarn:
			s.Warn++
		default:
			s.Fail++
		}
	}
	return s
}

// status is the worst status of the checks.
func (s checkSummary) status() string {
	switch {
	case s.Fail > 0:
		return checkFail
	case s.Warn > 0:
		return checkWarn
	}
	return checkOK
}

func (s checkSummary) String() string {
	return fmt.Sprintf("%d ok, %d %s, %d %s", s.OK, s.Warn, plural(s.Warn, "warning", "warnings"), s.Fail, plural(s.Fail, "failure", "failures"))
}

// statusLabel is the status as printed: FAIL in capitals so it stands out.
func statusLabel(status string) string {
	if status == checkFail {
		return "FAIL"
	}
	return status
}

// writeCheckLines prints one line per check, "STATUS  NAME  MESSAGE", and under each warn or fail its fix. A
// section title is printed whenever the section changes, when titles names it.
func writeCheckLines(w io.Writer, checks []setupCheck, titles map[string]string) error {
	width := 0
	for _, c := range checks {
		width = max(width, len(c.Name))
	}
	var b strings.Builder
	section := ""
	for i, c := range checks {
		if title, ok := titles[c.Section]; ok && (i == 0 || c.Section != section) {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(title + "\n")
		}
		section = c.Section
		indent := strings.Repeat(" ", 2+4+2+width+2)
		fmt.Fprintf(&b, "  %-4s  %-*s  %s\n", statusLabel(c.Status), width, c.Name, indentLines(c.Message, indent))
		if c.Status != checkOK && c.Fix != "" {
			fmt.Fprintf(&b, "%sfix: %s\n", indent, indentLines(c.Fix, indent+"     "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// indentLines indents every line but the first.
func indentLines(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// writeJSON writes v indented, as doctor's --output json does.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// configurationFailure is the check for an awsconfig.Load error, rendered as every subcommand renders it.
func configurationFailure(err error) setupCheck {
	fix := "Correct the setting named above: the global flags --region, --profile and --endpoint-url, or the standard " +
		"AWS_* environment variables and shared config files, as for the AWS CLI."
	var ce *awsconfig.Error
	if !errors.As(err, &ce) {
		fix = "Check the AWS settings (--region, --profile, --endpoint-url, AWS_* environment variables) and that the endpoint is reachable."
	}
	return setupCheck{Section: "configuration", Name: "configuration", Status: checkFail, Message: renderError(err), Fix: fix}
}

// logGroupScope is the partition, region and account the clients work in, as logdelivery states scopes.
func logGroupScope(c *awsconfig.Clients) logdelivery.Scope {
	return logdelivery.Scope{Partition: c.Partition, Region: c.Region, AccountID: c.AccountID}
}

// exampleScope is logGroupScope for examples in messages: an unknown account reads ACCOUNT.
func exampleScope(c *awsconfig.Clients) logdelivery.Scope {
	s := logGroupScope(c)
	s.AccountID = accountOr(s.AccountID)
	return s
}

// checkLogGroupARN parses a log group ARN given with a flag and compares it with the clients' partition, region
// and account (logdelivery.LogGroupARN.CheckDeliverable, the comparison the provider makes at plan time for
// vpnlogs_tunnel_logging's log_group_arn).
func checkLogGroupARN(flag, arn string, c *awsconfig.Clients) (logdelivery.LogGroupARN, *setupCheck) {
	a, err := logdelivery.ParseLogGroupARN(arn)
	if err != nil {
		return a, &setupCheck{Section: "arguments", Name: flag, Status: checkFail, Message: err.Error(), LogGroupARN: arn,
			Fix: fmt.Sprintf("Give %s as the ARN of a log group in %s, e.g. %s.", flag, c.Region,
				exampleScope(c).LogGroupARN("/aws/vendedlogs/vpn/prod"))}
	}
	var problems []string
	for _, m := range a.CheckDeliverable(logGroupScope(c)) {
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
		return a, &setupCheck{Section: "arguments", Name: flag, Status: checkFail, LogGroupARN: arn,
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

// permissionsCheck words an iampolicy.Check result: missing or explicitly denied actions fail, a simulation that
// could not run warns (the reason says what was not checked).
func permissionsCheck(res iampolicy.Result, c *awsconfig.Clients) setupCheck {
	chk := setupCheck{Section: "permissions", Name: "permissions", Status: checkOK, Message: res.Reason}
	switch {
	case !res.Evaluated:
		chk.Status = checkWarn
		chk.Fix = "Allow iam:SimulatePrincipalPolicy (and iam:GetRole for assumed roles) to the caller so that this is checked, or check " +
			"an IAM user or role with `terraform-provider-vpnlogs policy check --principal-arn ARN`. The actions needed are those of " +
			"`terraform-provider-vpnlogs policy`."
	case !res.Allowed:
		chk.Status = checkFail
		chk.Actions = append(append([]string{}, res.Missing...), res.ExplicitlyDenied...)
		sort.Strings(chk.Actions)
		var fixes []string
		if len(res.Missing) > 0 {
			fixes = append(fixes, fmt.Sprintf("Attach to %s the policy that `terraform-provider-vpnlogs policy --pretty --region %s --account-id %s` "+
				"prints (it grants %s).", res.PrincipalARN, c.Region, accountOr(c.AccountID), strings.Join(res.Missing, ", ")))
		}
		if len(res.ExplicitlyDenied) > 0 {
			fixes = append(fixes, fmt.Sprintf("Remove or narrow the explicit Deny of %s (an identity policy, a permissions boundary or a "+
				"service control policy): an Allow does not override it.", strings.Join(res.ExplicitlyDenied, ", ")))
		}
		chk.Fix = strings.Join(fixes, " ")
	}
	return chk
}

// newBudgetRun is the run's projection of the account's log-delivery resource policy, read at most once.
func newBudgetRun(c *awsconfig.Clients, limit int) *logdelivery.RunProjection {
	return logdelivery.NewRunProjection(logGroupScope(c), limit, func(ctx context.Context) ([]logdelivery.Policy, error) {
		return logdelivery.ReadAccountPolicies(ctx, c.Logs)
	})
}

// budgetReadCheck words a failed read of the account's resource policies: access denied is a warning (nothing
// else is wrong, the budget is just not known), anything else a failure.
func budgetReadCheck(err error, what string) setupCheck {
	chk := setupCheck{Section: "budget", Name: "resource policies", Status: checkFail,
		Message: fmt.Sprintf("%s, so %s was not checked.", err, what),
		Fix:     "Check the CloudWatch Logs endpoint and the network, then run the command again."}
	if awsconfig.IsAccessDenied(err) {
		chk.Status = checkWarn
		chk.Fix = "Allow logs:DescribeResourcePolicies for the caller so that the budget is checked. If it does not fit, AWS " +
			"refuses the change only when it is made. Log groups under " + logdelivery.VendedLogsPrefix + " do not grow the policy."
	}
	return chk
}

// projectionChecks words a projection of the delivery policy after delivery to new groups starts: one check for the
// policy size and, when AWS would have to create the delivery policy, one for the number of policies.
func projectionChecks(res logdelivery.RunResult, limitFlag string) []setupCheck {
	var out []setupCheck
	groups := res.Growing()
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].LogGroupARN < groups[j].LogGroupARN })
	var growth []string
	for _, g := range groups {
		s := fmt.Sprintf("%s +%d characters", g.LogGroupARN, g.Growth)
		if src := res.Sources[g.LogGroupARN]; len(src) > 0 {
			s += " (" + strings.Join(src, ", ") + ")"
		}
		growth = append(growth, s)
	}
	pct := 0.0
	if res.Limit > 0 {
		pct = 100 * float64(res.ProjectedCharacters) / float64(res.Limit)
	}
	size := setupCheck{Section: "budget", Name: "projection", Status: checkOK}
	switch {
	case len(groups) == 0:
		size.Message = fmt.Sprintf("The log groups to deliver to are already covered by the delivery policy: %s stays at %d of %d characters.",
			res.PolicyName, res.ProjectedCharacters, res.Limit)
	case res.NewPolicy:
		size.Message = fmt.Sprintf("AWS would create the delivery policy %s with %d of %d characters (%.0f%%, %s).",
			res.PolicyName, res.ProjectedCharacters, res.Limit, pct, limitFlag)
	default:
		size.Message = fmt.Sprintf("%s would grow from %d to %d of %d characters (%.0f%%, %s), %d remaining.",
			res.PolicyName, res.CurrentCharacters, res.ProjectedCharacters, res.Limit, pct, limitFlag, res.Remaining())
	}
	if len(growth) > 0 {
		size.Message += " Growth: " + strings.Join(growth, "; ") + "."
	}
	switch {
	case !res.FitsSize():
		size.Status = checkFail
		size.Message = fmt.Sprintf("Enabling delivery would grow the account-level CloudWatch Logs resource policy %s from %d to %d "+
			"characters; the limit is %d (%s), %d over, so AWS would refuse the change. Growth: %s.",
			res.PolicyName, res.CurrentCharacters, res.ProjectedCharacters, res.Limit, limitFlag, -res.Remaining(), strings.Join(growth, "; "))
		size.Fix = vendedlogsFix(res, false)
	case res.NearLimit() && len(groups) > 0:
		size.Status = checkWarn
		size.Fix = vendedlogsFix(res, true)
	}
	out = append(out, size)

	if !res.FitsCount() {
		names := res.Budget.PolicyNames()
		out = append(out, setupCheck{Section: "budget", Name: "policy count", Status: checkFail,
			Message: fmt.Sprintf("Delivery needs the account-level resource policy %s, which does not exist yet: AWS would have to create it as "+
				"policy number %d, but an account can have at most %d per region (not adjustable); there are %d: %s.",
				res.PolicyName, res.ProjectedPolicyCount, res.MaxPolicies, res.PolicyCount, strings.Join(names, ", ")),
			Fix: "Delete an account-level resource policy that is no longer needed (aws logs delete-resource-policy --policy-name NAME). " +
				"Log groups under " + logdelivery.VendedLogsPrefix + " do not avoid this: they need the delivery policy too."})
	}
	return out
}

// vendedlogsFix is the fix for a policy that would overflow (or come close): the same groups under
// /aws/vendedlogs/, which the policy covers with one entry (logdelivery.Budget.VendedAlternative).
func vendedlogsFix(res logdelivery.RunResult, near bool) string {
	alt, ok := res.Budget.VendedAlternative(res.Projection)
	if !ok {
		return fmt.Sprintf("Free room in %s: remove the entries of log groups that no longer receive logs (logs:PutResourcePolicy), "+
			"or raise the limit if AWS enforces a larger one in your account.", res.PolicyName)
	}
	var sb strings.Builder
	if near {
		sb.WriteString("To keep room, deliver to log groups under " + logdelivery.VendedLogsPrefix + " instead: ")
	} else {
		sb.WriteString("Deliver to log groups under " + logdelivery.VendedLogsPrefix + " instead: ")
	}
	var renames []string
	for _, g := range alt.Groups {
		renames = append(renames, g.Name+" -> "+logdelivery.VendedName(g.Name))
	}
	sb.WriteString(strings.Join(renames, ", ") + ". ")
	switch {
	case alt.CoveredBy != "":
		fmt.Fprintf(&sb, "%s already covers every such group (%s), so they add nothing.", res.PolicyName, alt.CoveredBy)
	case alt.FitsSize && alt.FitsCount:
		fmt.Fprintf(&sb, "All of them share the single entry %s (%d characters, added once).", alt.Entry, alt.Growth)
	default:
		fmt.Fprintf(&sb, "All of them share the single entry %s, but even its %d characters do not fit (%d remaining): first remove "+
			"from %s the entries of log groups that no longer receive logs, or raise the limit if AWS enforces a larger one.",
			alt.Entry, alt.Growth, res.Limit-res.CurrentCharacters, res.PolicyName)
	}
	sb.WriteString(" Create the group with the vpnlogs_log_group resource or `aws logs create-log-group --log-group-name " +
		logdelivery.VendedName(alt.Groups[0].Name) + "`.")
	return sb.String()
}

// tunnelList names a connection's tunnels for messages: "203.0.113.10 and 203.0.113.11".
func tunnelList(c *vpn.Connection) string {
	ips := c.OutsideIPs()
	if len(ips) == 0 {
		return "none"
	}
	return strings.Join(ips, " and ")
}

// connectionName is the Name tag, for messages and generated names.
func connectionName(c *vpn.Connection) string { return c.Tags["Name"] }

// connectionLabel is "vpn-0abc (branch-paris)" or "vpn-0abc".
func connectionLabel(c *vpn.Connection) string {
	if n := connectionName(c); n != "" {
		return fmt.Sprintf("%s (%s)", c.ID, n)
	}
	return c.ID
}

// nonNilSlice is s, or an empty slice for nil: JSON output writes [] rather than null.
func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
