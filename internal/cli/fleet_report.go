package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// The plan and the outcome of enable and disable: the JSON document (docs/cli/enable.schema.json) and its text.

// changeSchemaVersion is the version of enable's and disable's JSON output; it changes only when a field changes
// meaning or goes away (new fields may be added).
const changeSchemaVersion = 1

// Outcomes of a run (changeReport.Outcome).
const (
	outcomeRefused     = "refused"           // a check failed: nothing was changed
	outcomeNothing     = "nothing_to_change" // every tunnel is as requested
	outcomePlanned     = "planned"           // --dry-run
	outcomeUnconfirmed = "unconfirmed"       // no --yes: nothing was changed
	outcomeDone        = "done"              // every change made
	outcomeInterrupted = "interrupted"       // Ctrl-C: some tunnels not started
	outcomeFailed      = "failed"            // some change refused or not finished
)

// Results of a tunnel (changeTunnel.Result).
const (
	resultUnchanged  = "unchanged"   // already as requested: not touched
	resultPlanned    = "planned"     // to change (plan only)
	resultChanged    = "changed"     // AWS applied the change
	resultAdopted    = "adopted"     // already as requested by the time its turn came: not touched
	resultPending    = "pending"     // AWS accepted the change and is still applying it
	resultFailed     = "failed"      // AWS refused it, or it could not be made
	resultNotStarted = "not_started" // not sent (interrupted, or an earlier tunnel of the connection failed)
)

// changeReport is enable's and disable's JSON output.
type changeReport struct {
	SchemaVersion  int                `json:"schema_version"`
	Command        string             `json:"command"`
	Region         string             `json:"region"`
	DryRun         bool               `json:"dry_run"`
	Outcome        string             `json:"outcome"`
	Want           changeLogging      `json:"want"`
	Checks         []setupCheck       `json:"checks"`
	Summary        changeSummary      `json:"summary"`
	Connections    []changeConnection `json:"connections"`
	ElapsedSeconds float64            `json:"elapsed_seconds"`
}

// changeSummary counts the tunnels by result.
type changeSummary struct {
	Connections int `json:"connections"`
	Tunnels     int `json:"tunnels"`
	ToChange    int `json:"to_change"`
	Unchanged   int `json:"unchanged"`
	Changed     int `json:"changed"`
	Adopted     int `json:"adopted"`
	Pending     int `json:"pending"`
	Failed      int `json:"failed"`
	NotStarted  int `json:"not_started"`
}

type changeConnection struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	State   string         `json:"state"`
	Tunnels []changeTunnel `json:"tunnels"`
}

type changeTunnel struct {
	OutsideIPAddress string        `json:"outside_ip_address"`
	From             changeLogging `json:"from"`
	// Action is enable, change, disable or none.
	Action  string   `json:"action"`
	Result  string   `json:"result"`
	Error   string   `json:"error,omitempty"`
	Seconds *float64 `json:"seconds"`
}

type changeLogging struct {
	TunnelLog changeDestination `json:"tunnel_log"`
	BGPLog    changeDestination `json:"bgp_log"`
}

type changeDestination struct {
	Enabled      bool   `json:"enabled"`
	LogGroupARN  string `json:"log_group_arn"`
	OutputFormat string `json:"output_format"`
}

func loggingOf(l vpn.Logging) changeLogging {
	d := func(x vpn.LogDestination) changeDestination {
		if !x.Enabled {
			return changeDestination{}
		}
		return changeDestination{Enabled: true, LogGroupARN: x.LogGroupARN, OutputFormat: x.OutputFormat}
	}
	return changeLogging{TunnelLog: d(l.Activity), BGPLog: d(l.BGP)}
}

// actionOf names what a change does: enable, disable or change (vpn.TunnelChange.Action's words), none.
func actionOf(from, to vpn.Logging) string {
	if from.Equal(to) {
		return "none"
	}
	switch (vpn.TunnelChange{From: from, To: to}).Action() {
	case "enabling logging":
		return "enable"
	case "turning off logging":
		return "disable"
	}
	return "change"
}

// summarize counts the tunnels by result.
func (r *changeReport) summarize() {
	s := changeSummary{Connections: len(r.Connections)}
	for _, c := range r.Connections {
		for _, t := range c.Tunnels {
			s.Tunnels++
			if t.Action != "none" {
				s.ToChange++
			}
			switch t.Result {
			case resultUnchanged:
				s.Unchanged++
			case resultChanged:
				s.Changed++
			case resultAdopted:
				s.Adopted++
			case resultPending:
				s.Pending++
			case resultFailed:
				s.Failed++
			case resultNotStarted:
				s.NotStarted++
			}
		}
	}
	r.Summary = s
}

// writePlan prints what would change, one line per tunnel of conns (the selection), then the checks.
func (r *changeReport) writePlan(w io.Writer, verb string, conns []vpn.Connection, want vpn.Logging) error {
	var b strings.Builder
	s := r.Summary
	fmt.Fprintf(&b, "%s logging on %s in %s: %s, %d to change, %d already as requested.\n", verb,
		count(s.Connections, "VPN connection", "VPN connections"), r.Region, count(s.Tunnels, "tunnel", "tunnels"), s.ToChange, s.Unchanged)
	if verb != "Disabling" {
		fmt.Fprintf(&b, "  tunnel log  %s\n  BGP log     %s\n", destinationText(r.Want.TunnelLog), destinationText(r.Want.BGPLog))
	}
	b.WriteByte('\n')
	var rows [][]string
	for i, c := range r.Connections {
		label := connectionLabel(&conns[i])
		if c.State != vpn.StateAvailable {
			label += ", " + c.State
		}
		for j, t := range c.Tunnels {
			if j > 0 {
				label = ""
			}
			what := "unchanged"
			if from := conns[i].Tunnels[j].Logging; !from.Equal(want) {
				what = (vpn.TunnelChange{From: from, To: want}).Action() + ", now " + from.String()
			}
			rows = append(rows, []string{label, t.OutsideIPAddress, what})
		}
	}
	writeTable(&b, rows, "  ")
	b.WriteString("\nChecks:\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return writeCheckLines(w, r.Checks, nil)
}

func destinationText(d changeDestination) string {
	if !d.Enabled {
		return "off"
	}
	return fmt.Sprintf("to %s (%s)", d.LogGroupARN, d.OutputFormat)
}

// writeOutcome prints what the run changed: one sentence, then, unless everything went as planned, the tunnels by
// result.
func (r *changeReport) writeOutcome(w io.Writer, past string) error {
	var b strings.Builder
	s := r.Summary
	head := map[string]string{outcomeDone: "Done", outcomeInterrupted: "Interrupted", outcomeFailed: "Not finished"}[r.Outcome]
	fmt.Fprintf(&b, "\n%s in %.1fs: logging %s on %s of %s", head, r.ElapsedSeconds, past,
		count(s.Changed, "tunnel", "tunnels"), count(s.Connections, "connection", "connections"))
	if s.Unchanged+s.Adopted > 0 {
		fmt.Fprintf(&b, "; %s already as requested", count(s.Unchanged+s.Adopted, "tunnel", "tunnels"))
	}
	b.WriteString(".\n")
	if r.Outcome != outcomeDone {
		for _, g := range []struct{ result, title string }{
			{resultChanged, "changed"},
			{resultPending, "being applied (AWS accepted the change and is applying it)"},
			{resultFailed, "failed"},
			{resultNotStarted, "not started"},
		} {
			if lines := r.tunnelsWith(g.result); len(lines) > 0 {
				fmt.Fprintf(&b, "  %s:\n    %s\n", g.title, strings.Join(lines, "\n    "))
			}
		}
		b.WriteString("Run the same command again to finish: tunnels already as requested are skipped.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tunnelsWith lists, per connection, the tunnels with a result: "vpn-a 203.0.113.10, 203.0.113.11".
func (r *changeReport) tunnelsWith(result string) []string {
	var out []string
	for _, c := range r.Connections {
		var ips []string
		for _, t := range c.Tunnels {
			if t.Result == result {
				ip := t.OutsideIPAddress
				if t.Error != "" {
					ip += " (" + t.Error + ")"
				}
				ips = append(ips, ip)
			}
		}
		if len(ips) > 0 {
			out = append(out, c.ID+" "+strings.Join(ips, ", "))
		}
	}
	return out
}
