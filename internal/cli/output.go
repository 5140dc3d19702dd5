package cli

import (
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
// commands share (log group ARN against the caller's account and region, the IAM permissions; the resource-policy
// budget is in budget.go). The rules behind them live in logdelivery and iampolicy; this file only words their results.

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

// indentLines indents every line but the first; empty lines stay empty.
func indentLines(s, indent string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
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
		return a, &setupCheck{Section: "arguments", Name: flag, Status: checkFail, Message: err.Error(), LogGroupARN: arn,
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
