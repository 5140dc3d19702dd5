package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// health's output: the JSON document (docs/cli/health.schema.json; the tunnel objects are the data source's) and the
// text blocks.

// healthSchemaVersion is the version of health's JSON output; it changes only when a field changes meaning or goes
// away (new fields may be added).
const healthSchemaVersion = 1

// healthReport is health's JSON output.
type healthReport struct {
	SchemaVersion int            `json:"schema_version"`
	Tunnels       []tunnelReport `json:"tunnels"`
	Summary       summaryReport  `json:"summary"`
	Reads         readsReport    `json:"reads"`
	// Input is what health --file read; absent for a read from CloudWatch Logs.
	Input *fileInputReport `json:"input,omitempty"`
}

// tunnelReport is one tunnel's health as the CLI prints it; the JSON names are the data source's.
type tunnelReport struct {
	VPNConnectionID    string              `json:"vpn_connection_id"`
	OutsideIP          string              `json:"tunnel_outside_ip_address"`
	Status             string              `json:"status"`
	StatusReason       string              `json:"status_reason"`
	IKEPhase1State     *string             `json:"ike_phase1_state"`
	IKEPhase2State     *string             `json:"ike_phase2_state"`
	DPDEnabled         *bool               `json:"dpd_enabled"`
	NATTDetected       *bool               `json:"nat_t_detected"`
	BGPStatus          *string             `json:"bgp_status"`
	BGPSessionState    *string             `json:"bgp_session_state"`
	LastEventAt        *string             `json:"last_event_at"`
	Telemetry          *telemetryReport    `json:"telemetry"`
	Diagnosis          *diagnosisReport    `json:"diagnosis"`
	Issues             []issueReport       `json:"issues"`
	Routes             routesReport        `json:"routes"`
	DeniedRoutes       []deniedRouteReport `json:"denied_routes"`
	PrefixLimit        *prefixLimitReport  `json:"prefix_limit"`
	Flaps              int                 `json:"flaps"`
	EventsRead         int                 `json:"events_read"`
	EventsUnrecognized int                 `json:"events_unrecognized"`
	QueryMode          string              `json:"query_mode,omitempty"`
	LogGroups          []logGroupReport    `json:"log_groups"`
	Streams            []string            `json:"streams,omitempty"` // health --file: the streams the events came from
	Error              string              `json:"error,omitempty"`
}

type telemetryReport struct {
	Status             string  `json:"status"`
	StatusMessage      string  `json:"status_message"`
	LastStatusChange   *string `json:"last_status_change"`
	AcceptedRouteCount int     `json:"accepted_route_count"`
}

type issueReport struct {
	Code        string `json:"code"`
	Severity    string `json:"severity"`
	Message     string `json:"message"`
	Count       int    `json:"count"`
	FirstSeen   string `json:"first_seen"`
	LastSeen    string `json:"last_seen"`
	Explanation string `json:"explanation"`
	Remediation string `json:"remediation"`
	Resolved    bool   `json:"resolved"`
}

// diagnosisReport is logparse.Diagnosis with the report's time format.
type diagnosisReport struct {
	Code        string           `json:"code"`
	Summary     string           `json:"summary"`
	Remediation string           `json:"remediation"`
	Since       *string          `json:"since"`
	Evidence    []evidenceReport `json:"evidence"`
}

type evidenceReport struct {
	Code      string `json:"code"`
	Count     int    `json:"count"`
	FirstSeen string `json:"first_seen"`
	LastSeen  string `json:"last_seen"`
}

type routesReport struct {
	Advertised int `json:"advertised"`
	Updated    int `json:"updated"`
	Withdrawn  int `json:"withdrawn"`
	Denied     int `json:"denied"`
}

type deniedRouteReport struct {
	Prefix string `json:"prefix"`
	Reason string `json:"reason"`
}

type prefixLimitReport struct {
	Received int `json:"received"`
	Limit    int `json:"limit"`
}

type logGroupReport struct {
	Group   string   `json:"group"`
	Logs    []string `json:"logs"`
	Streams []string `json:"streams"`
	// Calls are the calls made for this tunnel alone; Shared says the group was read once for the whole fleet
	// (those calls are in the run's reads).
	Calls              map[string]int `json:"calls"`
	Shared             bool           `json:"shared"`
	EventsInWindow     int            `json:"events_in_window"`
	EventsBeforeWindow int            `json:"events_before_window"`
	Notes              []string       `json:"notes,omitempty"`
}

// summaryReport counts the tunnels by status.
type summaryReport struct {
	Healthy  int `json:"healthy"`
	Degraded int `json:"degraded"`
	Down     int `json:"down"`
	Unknown  int `json:"unknown"`
}

// readsReport is the run's CloudWatch Logs reads.
type readsReport struct {
	Calls     map[string]int    `json:"calls"`
	LogGroups []groupReadReport `json:"log_groups"`
}

type groupReadReport struct {
	Group   string `json:"group"`
	Tunnels int    `json:"tunnels"`
	Shared  bool   `json:"shared"`
}

func readsOf(st health.Stats) readsReport {
	r := readsReport{Calls: st.Calls, LogGroups: []groupReadReport{}}
	for _, g := range st.Groups {
		r.LogGroups = append(r.LogGroups, groupReadReport{Group: g.Group, Tunnels: g.Tunnels, Shared: g.Shared})
	}
	return r
}

// reportFor is one tunnel's health as the CLI prints it.
func reportFor(th health.TunnelHealth) tunnelReport {
	r := tunnelReport{VPNConnectionID: th.VPNConnectionID, OutsideIP: th.Tunnel.OutsideIP, Issues: []issueReport{},
		DeniedRoutes: []deniedRouteReport{}, LogGroups: []logGroupReport{}}
	r.Telemetry = telemetryOf(th.Tunnel.Telemetry)
	if res := th.Result; res != nil {
		r.QueryMode = res.Mode
		for _, g := range res.Groups {
			r.LogGroups = append(r.LogGroups, logGroupReport{
				Group: g.Group, Logs: g.Logs, Streams: nonNilSlice(g.Streams), Calls: g.Calls, Shared: g.Shared,
				EventsInWindow: g.EventsInWindow, EventsBeforeWindow: g.EventsBeforeWindow, Notes: g.Notes,
			})
		}
	}
	h := th.Health
	r.Status, r.StatusReason = h.Status, h.StatusReason
	if th.Err != nil {
		r.Error = th.Err.Error()
		return r
	}
	r.setHealth(h)
	return r
}

// setHealth renders a health that was read into its report.
func (r *tunnelReport) setHealth(h logparse.Health) {
	r.Status, r.StatusReason = h.Status, h.StatusReason
	r.IKEPhase1State, r.IKEPhase2State = optStr(h.IKEPhase1), optStr(h.IKEPhase2)
	r.DPDEnabled, r.NATTDetected = h.DPDEnabled, h.NATTDetected
	r.BGPStatus, r.BGPSessionState = optStr(h.BGPStatus), optStr(h.BGPSessionState)
	if !h.LastEventAt.IsZero() {
		s := health.FormatTime(h.LastEventAt)
		r.LastEventAt = &s
	}
	r.Routes = routesReport{Advertised: h.Routes.Advertised, Updated: h.Routes.Updated, Withdrawn: h.Routes.Withdrawn, Denied: h.Routes.Denied}
	for _, d := range h.DeniedRoutes {
		r.DeniedRoutes = append(r.DeniedRoutes, deniedRouteReport{Prefix: d.Prefix.String(), Reason: d.Reason})
	}
	if pl := h.PrefixLimit; pl != nil {
		r.PrefixLimit = &prefixLimitReport{Received: pl.Received, Limit: pl.Limit}
	}
	r.Flaps, r.EventsRead, r.EventsUnrecognized = h.Flaps, h.EventsRead, h.EventsUnrecognized
	for _, is := range h.Issues {
		r.Issues = append(r.Issues, issueReport{
			Code: is.Code, Severity: is.Severity.String(), Message: is.Message, Count: is.Count,
			FirstSeen: health.FormatTime(is.FirstSeen), LastSeen: health.FormatTime(is.LastSeen),
			Explanation: is.Explanation, Remediation: is.Remediation, Resolved: is.Resolved,
		})
	}
	r.Diagnosis = diagnosisOf(h.Diagnosis)
}

// telemetryOf is AWS's view of a tunnel as health and doctor print it; nil when AWS reports none.
func telemetryOf(tel *vpn.Telemetry) *telemetryReport {
	if tel == nil {
		return nil
	}
	r := &telemetryReport{Status: tel.Status, StatusMessage: tel.StatusMessage, AcceptedRouteCount: tel.AcceptedRouteCount}
	if at, ok := tel.StatusChangedAt(); ok {
		r.LastStatusChange = &at
	}
	return r
}

// diagnosisOf is a diagnosis as health and doctor print it; nil for none.
func diagnosisOf(d *logparse.Diagnosis) *diagnosisReport {
	if d == nil {
		return nil
	}
	r := &diagnosisReport{Code: d.Code, Summary: d.Summary, Remediation: d.Remediation, Evidence: []evidenceReport{}}
	if !d.Since.IsZero() {
		s := health.FormatTime(d.Since)
		r.Since = &s
	}
	for _, e := range d.Evidence {
		r.Evidence = append(r.Evidence, evidenceReport{
			Code: e.Code, Count: e.Count, FirstSeen: health.FormatTime(e.FirstSeen), LastSeen: health.FormatTime(e.LastSeen),
		})
	}
	return r
}

// printHealth writes one block per tunnel, then the fleet's summary and reads.
func printHealth(w io.Writer, reports []tunnelReport, sum summaryReport, stats health.Stats) error {
	var b strings.Builder
	for i, r := range reports {
		if i > 0 {
			b.WriteByte('\n')
		}
		status := strings.ToUpper(r.Status)
		if r.Error != "" {
			status = "ERROR"
		}
		fmt.Fprintf(&b, "%s tunnel %s: %s\n", orUnnamed(r.VPNConnectionID, "VPN connection"), orUnnamed(r.OutsideIP, "address"), status)
		line := func(label, format string, args ...any) {
			fmt.Fprintf(&b, "  %-10s %s\n", label, fmt.Sprintf(format, args...))
		}
		if r.Error != "" {
			line("error", "%s", r.Error)
		} else {
			line("reason", "%s", r.StatusReason)
		}
		if d := r.Diagnosis; d != nil && d.Code != logparse.CodeLoggingDisabled {
			since := ""
			if d.Since != nil {
				since = ", since " + *d.Since
			}
			line("cause", "%s%s", d.Code, since)
			line("fix", "%s", d.Remediation)
		} else if d != nil {
			line("fix", "%s", d.Remediation)
		}
		if r.Error == "" && r.QueryMode != "" {
			line("IKE", "phase 1 %s, phase 2 %s, DPD %s, NAT-T %s", orDash(r.IKEPhase1State), orDash(r.IKEPhase2State),
				onOff(r.DPDEnabled, "enabled", "disabled"), onOff(r.NATTDetected, "detected", "not detected"))
			bgp := orDash(r.BGPStatus)
			if r.BGPSessionState != nil {
				bgp += " (" + *r.BGPSessionState + ")"
			}
			line("BGP", "%s, %d flap(s)", bgp, r.Flaps)
			line("routes", "advertised %d, updated %d, withdrawn %d, denied %d", r.Routes.Advertised, r.Routes.Updated, r.Routes.Withdrawn, r.Routes.Denied)
			for _, d := range r.DeniedRoutes {
				line("", "denied %s: %s", d.Prefix, d.Reason)
			}
			if pl := r.PrefixLimit; pl != nil {
				line("prefixes", "%d received, limit %d", pl.Received, pl.Limit)
			}
		}
		if t := r.Telemetry; t != nil {
			since := ""
			if t.LastStatusChange != nil {
				since = ", since " + *t.LastStatusChange
			}
			line("telemetry", "%s, %q, %d accepted route(s)%s", t.Status, t.StatusMessage, t.AcceptedRouteCount, since)
		}
		if r.QueryMode != "" {
			var groups []string
			calls := 0
			for _, g := range r.LogGroups {
				name := g.Group
				if g.Shared {
					name += " (read once for all its tunnels)"
				}
				groups = append(groups, name)
				for _, n := range g.Calls {
					calls += n
				}
			}
			last := ""
			if r.LastEventAt != nil {
				last = ", last at " + *r.LastEventAt
			}
			if r.QueryMode == queryModeFile {
				line("events", "%d read (%d unrecognized)%s; from %s", r.EventsRead, r.EventsUnrecognized, last, fileSource(r))
			} else {
				line("events", "%d read (%d unrecognized)%s; %s mode, %d call(s) on %s", r.EventsRead, r.EventsUnrecognized, last,
					r.QueryMode, calls, strings.Join(groups, ", "))
			}
			for _, g := range r.LogGroups {
				for _, n := range g.Notes {
					line("note", "%s", n)
				}
			}
		}
		shown := 0
		for _, is := range r.Issues {
			if is.Severity == logparse.SeverityInfo.String() || shown == maxTextIssues {
				continue
			}
			if shown == 0 {
				b.WriteString("  issues\n")
			}
			shown++
			resolved := ""
			if is.Resolved {
				resolved = " (resolved)"
			}
			fmt.Fprintf(&b, "    %-8s %s, %d time(s), last at %s%s\n", is.Severity, is.Code, is.Count, is.LastSeen, resolved)
			fmt.Fprintf(&b, "             %s\n", is.Message)
			fmt.Fprintf(&b, "             fix: %s\n", is.Remediation)
		}
		if more := countIssues(r.Issues) - shown; more > 0 {
			fmt.Fprintf(&b, "    ... and %d more (--output json lists them all)\n", more)
		}
	}
	if len(reports) > 1 {
		fmt.Fprintf(&b, "\n%d tunnels: %d healthy, %d degraded, %d down, %d unknown\n", len(reports), sum.Healthy, sum.Degraded, sum.Down, sum.Unknown)
	}
	if n := stats.TotalCalls(); n > 0 {
		var ops []string
		for _, op := range slices.Sorted(maps.Keys(stats.Calls)) {
			ops = append(ops, fmt.Sprintf("%s %d", op, stats.Calls[op]))
		}
		shared := 0
		for _, g := range stats.Groups {
			if g.Shared {
				shared++
			}
		}
		fmt.Fprintf(&b, "CloudWatch Logs: %d call(s) (%s) on %d log group(s), %d of them read once for all their tunnels\n",
			n, strings.Join(ops, ", "), len(stats.Groups), shared)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func countIssues(issues []issueReport) int {
	n := 0
	for _, is := range issues {
		if is.Severity != logparse.SeverityInfo.String() {
			n++
		}
	}
	return n
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func orDash(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func onOff(b *bool, yes, no string) string {
	switch {
	case b == nil:
		return "-"
	case *b:
		return yes
	}
	return no
}
