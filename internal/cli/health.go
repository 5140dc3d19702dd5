package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// maxTextIssues is how many issues the text output shows per tunnel.
const maxTextIssues = 5

type healthFlags struct {
	sel       connectionSelection
	lookback  string
	queryMode string
	output    outputFlag
	file      fileFlags // health --file (health_file.go)
}

func newHealthCommand(g *globalOptions) *cobra.Command {
	f := &healthFlags{sel: connectionSelection{readAll: true}}
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Read Site-to-Site VPN tunnel health from the tunnel and BGP logs in CloudWatch Logs",
		Long: `health reads each tunnel's activity log and BGP log from CloudWatch Logs (the groups the tunnel
delivers to now), recognises every message AWS documents, and prints the tunnel's status with
its cause, the IKE and BGP states, AWS's telemetry and the top issues with what to do about them.
It reads as the provider's vpnlogs_tunnel_health and vpnlogs_fleet_health data sources do, through
the same code.

Choose the connections with --vpn-connection-id (repeatable), --tag KEY=VALUE (repeatable) or
--all (the default), and tunnels of one connection with --tunnel. Each log group is read once for
all the tunnels that log to it, whatever their number, and the calls are paced at CloudWatch Logs'
quotas (FilterLogEvents: 5 per second), so a large fleet takes longer instead of failing.

Status: healthy; degraded (negotiating, a recent error, a flap, a prefix-limit message, a denied
route); down (IKE phase 1 or 2 down, or BGP down); unknown (logging disabled, no events). "Recent"
is the last hour, or the lookback if shorter.

Up to a lookback of ` + health.FormatDuration(health.InsightsThreshold) + `, events are downloaded with logs:FilterLogEvents; above it (or with
--query-mode insights) CloudWatch Logs Insights aggregates them (logs:StartQuery, logs:GetQueryResults).
A log group costs about ceil(bytes in the window / 1 MiB) calls for the whole fleet; for a single
connection, at most ceil(events / 10,000) + 2 calls while events are small.

With --output json, one object (docs/cli/health.schema.json, schema_version ` + fmt.Sprint(healthSchemaVersion) + `): tunnels (the
data source's attributes per tunnel), summary (tunnels by status) and reads (the CloudWatch Logs
calls of the run).

With --file, the same report from logs saved to files instead of CloudWatch Logs, offline: event
lines (JSON or text), the JSON of aws logs filter-log-events or get-log-events, S3 export objects
(gzip) or directories of them, "-" for the standard input. Tunnels are told apart by the stream
names the input holds, else by the names the events carry (a BGP record's resource_id); events that
name none are given to --tunnel and --vpn-connection-id when set. --since and --until keep the events
of a time range, --now fixes the time the health is as of (default: --until, else the latest event),
and --lookback counts back from it. The JSON adds input (what was read) and each tunnel's streams.

Exit status (the table of terraform-provider-vpnlogs --help): 0 every tunnel healthy; 2 at least one
tunnel degraded or down; 3 none degraded or down but at least one unknown; 1 an error (flags, AWS,
a log group that cannot be read).`,
		Example: `  terraform-provider-vpnlogs health --vpn-connection-id vpn-0123456789abcdef0
  terraform-provider-vpnlogs health --vpn-connection-id vpn-0123456789abcdef0 --tunnel 203.0.113.10 --lookback 24h
  terraform-provider-vpnlogs health --tag env=prod
  terraform-provider-vpnlogs health --all --output json | jq '.tunnels[] | select(.status != "healthy")'
  terraform-provider-vpnlogs health --file exportedlogs/ --now 2025-11-08T06:00:00Z`,
		Args: cobra.ArbitraryArgs, // more files after --file
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
	f.sel.addFlags(fl, "read")
	fl.StringVar(&f.lookback, "lookback", "1h", fmt.Sprintf("how far back to read, a Go duration between %s and %s",
		health.FormatDuration(health.MinLookback), health.FormatDuration(health.MaxLookback)))
	fl.StringVar(&f.queryMode, "query-mode", health.ModeAuto, strings.Join(health.Modes, ", ")+
		" (auto: download up to "+health.FormatDuration(health.InsightsThreshold)+", Logs Insights above)")
	f.output.add(fl, outputText, "text or json")
	f.file.register(fl)
	return cmd
}

func runHealth(ctx context.Context, out io.Writer, g *globalOptions, f *healthFlags) error {
	if err := f.sel.validate(); err != nil {
		return err
	}
	if err := f.output.check(); err != nil {
		return err
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
	conns, err := f.sel.connections(ctx, vpn.NewService(clients.EC2, vpn.Options{}), clients.Region)
	if err != nil {
		return err
	}
	if len(conns) == 0 {
		return f.sel.emptyError(clients.Region)
	}

	session := (&health.Reader{Logs: clients.Logs}).NewSession()
	tunnels := session.ReadFleet(ctx, conns, lookback, f.queryMode, enableAdvice(clients))
	reports := make([]tunnelReport, len(tunnels))
	for i, th := range tunnels {
		reports[i] = reportFor(th)
	}
	sum := health.Summarize(tunnels)
	summary := summaryReport{Healthy: sum.Healthy, Degraded: sum.Degraded, Down: sum.Down, Unknown: sum.Unknown}
	stats := session.Stats()

	if f.output.json() {
		if err := writeJSON(out, healthReport{SchemaVersion: healthSchemaVersion, Tunnels: reports, Summary: summary, Reads: readsOf(stats)}); err != nil {
			return err
		}
	} else if err := printHealth(out, reports, summary, stats); err != nil {
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
		return foundProblems("%d of %d tunnels unhealthy: %s", len(bad), len(reports), strings.Join(bad, ", "))
	case len(unknown) > 0:
		return undecided("the health of %d of %d tunnels is unknown: %s", len(unknown), len(reports), strings.Join(unknown, ", "))
	}
	return nil
}
