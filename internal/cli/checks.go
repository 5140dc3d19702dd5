package cli

import (
	"fmt"
	"io"
	"strings"
)

// The outcome of one check and how checks are printed: doctor's checks and the pre-checks of enable and disable.

// Outcomes of a check.
const (
	checkOK   = "ok"
	checkWarn = "warn"
	checkFail = "fail"
	// checkUnknown: the check could not run (a permission to read is missing, a read failed); the reason says what
	// was not checked.
	checkUnknown = "unknown"
)

// Sections of the checks, in the order doctor runs them; enable and disable use arguments, permissions, budget and
// tunnels.
const (
	sectionConfiguration = "configuration"
	sectionArguments     = "arguments"
	sectionPermissions   = "permissions"
	sectionBudget        = "budget"
	sectionVPN           = "vpn"
	sectionTunnels       = "tunnels"
)

// sectionTitles are the sections' headings in doctor's text output.
var sectionTitles = map[string]string{
	sectionConfiguration: "Configuration and credentials",
	sectionArguments:     "Arguments",
	sectionPermissions:   "IAM permissions",
	sectionBudget:        "CloudWatch Logs resource-policy budget",
	sectionVPN:           "VPN connections",
}

// setupCheck is one check of doctor, or one pre-check of enable and disable. Its JSON form is part of the documented
// output of both (docs/cli/*.schema.json): keep field names stable.
type setupCheck struct {
	// Section is one of the section constants.
	Section string `json:"section"`
	// Name says what was checked, e.g. "region", "logging off", "permissions".
	Name string `json:"name"`
	// Status is ok, warn, fail or unknown.
	Status string `json:"status"`
	// Message is what was found; for warn, fail and unknown, what is wrong and why.
	Message string `json:"message"`
	// Fix is what to do about a warn, fail or unknown.
	Fix string `json:"fix,omitempty"`

	VPNConnectionID string `json:"vpn_connection_id,omitempty"`
	TunnelOutsideIP string `json:"tunnel_outside_ip_address,omitempty"`
	LogGroupARN     string `json:"log_group_arn,omitempty"`
	// Tunnels are the tunnels a grouped finding concerns, as vpn-…/outside-ip.
	Tunnels []string `json:"tunnels,omitempty"`
	Actions []string `json:"actions,omitempty"`
}

// checkSummary counts checks by status.
type checkSummary struct {
	OK      int `json:"ok"`
	Warn    int `json:"warn"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

func summarizeChecks(checks []setupCheck) checkSummary {
	var s checkSummary
	for _, c := range checks {
		switch c.Status {
		case checkOK:
			s.OK++
		case checkWarn:
			s.Warn++
		case checkUnknown:
			s.Unknown++
		default:
			s.Fail++
		}
	}
	return s
}

// status is the worst status of the checks: fail, then unknown, then warn.
func (s checkSummary) status() string {
	switch {
	case s.Fail > 0:
		return checkFail
	case s.Unknown > 0:
		return checkUnknown
	case s.Warn > 0:
		return checkWarn
	}
	return checkOK
}

func (s checkSummary) String() string {
	out := fmt.Sprintf("%d ok, %d %s, %d %s", s.OK, s.Warn, plural(s.Warn, "warning", "warnings"), s.Fail, plural(s.Fail, "failure", "failures"))
	if s.Unknown > 0 {
		out += fmt.Sprintf(", %d not checked", s.Unknown)
	}
	return out
}

// verdict is the exit verdict of the checks (exitCodeTable): a failure is a problem found, a check that could not
// run leaves the answer undecided, warnings change nothing. what names the command in the message.
func (s checkSummary) verdict(what string) error {
	switch {
	case s.Fail > 0:
		return foundProblems("%s found %d %s (see above)", what, s.Fail, plural(s.Fail, "problem", "problems"))
	case s.Unknown > 0:
		return undecided("%s could not run %d %s (see above)", what, s.Unknown, plural(s.Unknown, "check", "checks"))
	}
	return nil
}

// statusLabel is the status as printed: FAIL in capitals so it stands out.
func statusLabel(status string) string {
	if status == checkFail {
		return "FAIL"
	}
	return status
}

// statusWidth is the width of the printed status column ("unknown").
const statusWidth = len(checkUnknown)

// writeCheckLines prints one line per check, "STATUS  NAME  MESSAGE", and under each check that is not ok its fix. A
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
		indent := strings.Repeat(" ", 2+statusWidth+2+width+2)
		fmt.Fprintf(&b, "  %-*s  %-*s  %s\n", statusWidth, statusLabel(c.Status), width, c.Name, indentLines(c.Message, indent))
		if c.Status != checkOK && c.Fix != "" {
			fmt.Fprintf(&b, "%sfix: %s\n", indent, indentLines(c.Fix, indent+"     "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
