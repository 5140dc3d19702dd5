package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

func init() { register(newHealthCommand) }

// Exit codes of `health`.
const (
	exitUnhealthy = 2 // some tunnel is degraded or down
	exitUnknown   = 3 // none is degraded or down, but some tunnel's health is unknown
)

// healthConcurrency is how many tunnels are read at once with --all: CloudWatch Logs' FilterLogEvents quota was
// 5 requests per second per account and region (docs/design/aws-behaviour.md §6).
const healthConcurrency = 4

// maxTextIssues is how many issues the text output shows per tunnel.
const maxTextIssues = 5

type healthFlags struct {
	vpnID     string
	tunnel    string
	all       bool
	lookback  string
	queryMode string
	output    string
	file      fileFlags // health --file (health_file.go)
}

func newHealthCommand(g *globalOptions) *cobra.Command {
	f := &healthFlags{}
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Read Site-to-Site VPN tunnel health from the tunnel and BGP logs in CloudWatch Logs",
		Long: `health reads each tunnel's activity log and BGP log from CloudWatch Logs (the groups the tunnel
delivers to now), recognises every message AWS documents, and prints the tunnel's status with
its cause, the IKE and BGP states, AWS's telemetry and the top issues with what to do about them.
It is what the provider's vpnlogs_tunnel_health data source reads.

Status: healthy; degraded (negotiating, a recent error, a flap, a prefix-limit message, a denied
route); down (IKE phase 1 or 2 down, or BGP down); unknown (logging disabled, no events). "Recent"
is the last hour, or the lookback if shorter.

Up to a lookback of ` + health.FormatDuration(health.InsightsThreshold) + `, events are downloaded with logs:FilterLogEvents; above it (or with
--query-mode insights) CloudWatch Logs Insights aggregates them (logs:StartQuery, logs:GetQueryResults).
Either way a log group costs at most ceil(events / 10,000) + 2 calls while events are small.

Exit status: 0 every tunnel healthy; 2 at least one tunnel degraded or down; 3 none degraded or
down but at least one unknown; 1 an error (flags, AWS, a log group that cannot be read).`,
		Example: `  terraform-provider-vpnlogs health --vpn-connection-id vpn-0123456789abcdef0
  terraform-provider-vpnlogs health --vpn-connection-id vpn-0123456789abcdef0 --tunnel 203.0.113.10 --lookback 24h
  terraform-provider-vpnlogs health --all --output json | jq '.tunnels[] | select(.status != "healthy")'
  terraform-provider-vpnlogs health --file exportedlogs/ --now 2025-11-08T06:00:00Z   # saved logs, offline`,
		Args: cobra.ArbitraryArgs, // files after --file
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(f.file.paths) > 0 || len(args) > 0 {
				return runHealthFile(cmd, f, args)
			}
			if err := f.file.liveOnly(); err != nil {
				return err
			}
			return runHealth(cmd.Context(), cmd.OutOrStdout(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.vpnID, "vpn-connection-id", "", "the VPN connection to read (vpn-...)")
	fl.StringVar(&f.tunnel, "tunnel", "", "only the tunnel with this outside IP address (default: both tunnels)")
	fl.BoolVar(&f.all, "all", false, "every VPN connection of the region")
	fl.StringVar(&f.lookback, "lookback", "1h", fmt.Sprintf("how far back to read, a Go duration between %s and %s",
		health.FormatDuration(health.MinLookback), health.FormatDuration(health.MaxLookback)))
	fl.StringVar(&f.queryMode, "query-mode", health.ModeAuto, strings.Join(health.Modes, ", ")+
		" (auto: download up to "+health.FormatDuration(health.InsightsThreshold)+", Logs Insights above)")
	fl.StringVar(&f.output, "output", "text", "text or json")
	f.file.register(fl)
	return cmd
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
	Issues             []issueReport       `json:"issues"`
	Routes             routesReport        `json:"routes"`
	DeniedRoutes       []deniedRouteReport `json:"denied_routes"`
	PrefixLimit        *prefixLimitReport  `json:"prefix_limit"`
	Flaps              int                 `json:"flaps"`
	EventsRead         int                 `json:"events_read"`
	EventsUnrecognized int                 `json:"events_unrecognized"`
	QueryMode          string              `json:"query_mode,omitempty"`
	LogGroups          []logGroupReport    `json:"log_groups"`
	Streams            []string            `json:"streams,omitempty"` // --file: the streams the events came from
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
	Group              string         `json:"group"`
	Logs               []string       `json:"logs"`
	Streams            []string       `json:"streams"`
	Calls              map[string]int `json:"calls"`
	EventsInWindow     int            `json:"events_in_window"`
	EventsBeforeWindow int            `json:"events_before_window"`
	Notes              []string       `json:"notes,omitempty"`
}

// healthTime is RFC 3339 with milliseconds, as in the data source.
const healthTime = "2006-01-02T15:04:05.000Z07:00"

func runHealth(ctx context.Context, out io.Writer, g *globalOptions, f *healthFlags) error {
	switch {
	case f.all && (f.vpnID != "" || f.tunnel != ""):
		return errors.New("--all reads every connection: leave out --vpn-connection-id and --tunnel")
	case !f.all && f.vpnID == "":
		return errors.New("--vpn-connection-id is required (or --all for every connection)")
	case f.output != "text" && f.output != "json":
		return fmt.Errorf("--output: %q is not text or json", f.output)
	}
	lookback, err := health.ParseLookback(f.lookback)
	if err != nil {
		return fmt.Errorf("--lookback: %w", err)
	}
	if !slices.Contains(health.Modes, f.queryMode) {
		return fmt.Errorf("--query-mode: %q is not one of %s", f.queryMode, strings.Join(health.Modes, ", "))
	}

	clients, err := g.clients(ctx)
	if err != nil {
		return err
	}
	svc := vpn.NewService(clients.EC2, vpn.Options{})
	var conns []vpn.Connection
	if f.all {
		all, err := svc.List(ctx, vpn.Filter{})
		if err != nil {
			return fmt.Errorf("listing VPN connections: %w", err)
		}
		for _, c := range all {
			if !c.Terminal() {
				conns = append(conns, c)
			}
		}
	} else {
		c, err := svc.Get(ctx, f.vpnID)
		if errors.Is(err, vpn.ErrNotFound) {
			return fmt.Errorf("--vpn-connection-id: %w (check the ID and the region, %s)", err, clients.Region)
		}
		if err != nil {
			return fmt.Errorf("reading VPN connection %s: %w", f.vpnID, err)
		}
		conns = []vpn.Connection{*c}
	}

	type job struct {
		conn   *vpn.Connection
		tunnel vpn.Tunnel
	}
	var jobs []job
	for i := range conns {
		c := &conns[i]
		if f.tunnel != "" {
			t, ok := c.Tunnel(f.tunnel)
			if !ok {
				return fmt.Errorf("--tunnel: VPN connection %s has no tunnel with outside IP address %s; its tunnels are %s",
					c.ID, f.tunnel, tunnelList(c))
			}
			jobs = append(jobs, job{c, *t})
			continue
		}
		for _, t := range c.Tunnels {
			jobs = append(jobs, job{c, t})
		}
	}

	reader := &health.Reader{Logs: clients.Logs}
	reports := make([]tunnelReport, len(jobs))
	sem := make(chan struct{}, healthConcurrency)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			reports[i] = readTunnel(ctx, reader, j.conn.ID, j.tunnel, lookback, f.queryMode)
		}()
	}
	wg.Wait()

	if f.output == "json" {
		if reports == nil {
			reports = []tunnelReport{}
		}
		if err := writeJSON(out, struct {
			Tunnels []tunnelReport `json:"tunnels"`
		}{reports}); err != nil {
			return err
		}
	} else if err := printHealth(out, reports); err != nil {
		return err
	}
	return healthExit(reports)
}

// healthExit turns the statuses into the documented exit code.
func healthExit(reports []tunnelReport) error {
	var failed, bad, unknown []string
	for _, r := range reports {
		name := vpn.TunnelID(orUnnamed(r.VPNConnectionID, "VPN connection"), orUnnamed(r.OutsideIP, "address"))
		switch {
		case r.Error != "":
			failed = append(failed, name)
		case r.Status == logparse.HealthDegraded || r.Status == logparse.HealthDown:
			bad = append(bad, name+" "+r.Status)
		case r.Status == logparse.HealthUnknown:
			unknown = append(unknown, name)
		}
	}
	switch {
	case len(failed) > 0:
		return fmt.Errorf("the health of %s could not be read (see above)", strings.Join(failed, ", "))
	case len(bad) > 0:
		return &exitError{code: exitUnhealthy, err: fmt.Errorf("%d of %d tunnels unhealthy: %s", len(bad), len(reports), strings.Join(bad, ", "))}
	case len(unknown) > 0:
		return &exitError{code: exitUnknown, err: fmt.Errorf("the health of %d of %d tunnels is unknown: %s", len(unknown), len(reports), strings.Join(unknown, ", "))}
	}
	return nil
}

// readTunnel reads one tunnel's health from the groups it delivers to now.
func readTunnel(ctx context.Context, reader *health.Reader, connID string, t vpn.Tunnel, lookback time.Duration, mode string) tunnelReport {
	r := tunnelReport{VPNConnectionID: connID, OutsideIP: t.OutsideIP, Issues: []issueReport{}, DeniedRoutes: []deniedRouteReport{}, LogGroups: []logGroupReport{}}
	if tel := t.Telemetry; tel != nil {
		r.Telemetry = &telemetryReport{Status: tel.Status, StatusMessage: tel.StatusMessage, AcceptedRouteCount: tel.AcceptedRouteCount}
		if !tel.LastStatusChange.IsZero() {
			s := tel.LastStatusChange.UTC().Format(time.RFC3339)
			r.Telemetry.LastStatusChange = &s
		}
	}
	req := health.Request{VPNConnectionID: connID, OutsideIP: t.OutsideIP, Lookback: lookback, Mode: mode}
	if d := t.Logging.Activity; d.Enabled {
		req.TunnelLogGroup = d.LogGroupARN
	}
	if d := t.Logging.BGP; d.Enabled {
		req.BGPLogGroup = d.LogGroupARN
	}
	if req.TunnelLogGroup == "" && req.BGPLogGroup == "" {
		r.Status = logparse.HealthUnknown
		r.StatusReason = fmt.Sprintf("Logging is disabled on tunnel %s of %s: neither its activity log nor its BGP log is delivered to "+
			"CloudWatch Logs. Enable it with the vpnlogs_tunnel_logging resource (tunnel_log and bgp_log blocks).", t.OutsideIP, connID)
		return r
	}
	res, err := reader.Read(ctx, req)
	if res != nil {
		r.QueryMode = res.Mode
		for _, g := range res.Groups {
			r.LogGroups = append(r.LogGroups, logGroupReport{
				Group: g.Group, Logs: g.Logs, Streams: nonNil(g.Streams), Calls: g.Calls,
				EventsInWindow: g.EventsInWindow, EventsBeforeWindow: g.EventsBeforeWindow, Notes: g.Notes,
			})
		}
	}
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.setHealth(res.Health)
	return r
}

// setHealth renders a tunnel's health into its report.
func (r *tunnelReport) setHealth(h logparse.Health) {
	r.Status, r.StatusReason = h.Status, h.StatusReason
	r.IKEPhase1State, r.IKEPhase2State = optStr(h.IKEPhase1), optStr(h.IKEPhase2)
	r.DPDEnabled, r.NATTDetected = h.DPDEnabled, h.NATTDetected
	r.BGPStatus, r.BGPSessionState = optStr(h.BGPStatus), optStr(h.BGPSessionState)
	if !h.LastEventAt.IsZero() {
		s := h.LastEventAt.UTC().Format(healthTime)
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
			FirstSeen: is.FirstSeen.UTC().Format(healthTime), LastSeen: is.LastSeen.UTC().Format(healthTime),
			Explanation: is.Explanation, Remediation: is.Remediation,
		})
	}
}

// printHealth writes one block per tunnel.
func printHealth(w io.Writer, reports []tunnelReport) error {
	var b strings.Builder
	if len(reports) == 0 {
		b.WriteString("No VPN connection found.\n")
	}
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
				groups = append(groups, g.Group)
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
			fmt.Fprintf(&b, "    %-8s %s, %d time(s), last at %s\n", is.Severity, is.Code, is.Count, is.LastSeen)
			fmt.Fprintf(&b, "             %s\n", is.Message)
			fmt.Fprintf(&b, "             fix: %s\n", is.Remediation)
		}
		if more := countIssues(r.Issues) - shown; more > 0 {
			fmt.Fprintf(&b, "    ... and %d more (--output json lists them all)\n", more)
		}
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

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
