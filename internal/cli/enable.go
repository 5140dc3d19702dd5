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

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

func init() {
	register(newEnableCommand)
	register(newDisableCommand)
}

// tunnelChangeVPNOptions tune the VPN service of enable and disable; tests shorten the waiters' polling.
var tunnelChangeVPNOptions vpn.Options

// tunnelChangeProgressInterval is how often a "still waiting" line is printed while AWS applies a change.
var tunnelChangeProgressInterval = 30 * time.Second

// defaultTunnelChangeTimeout matches the provider's default create/update/delete timeout.
const defaultTunnelChangeTimeout = 30 * time.Minute

type tunnelChangeFlags struct {
	disable         bool
	vpnID           string
	tunnels         []string
	logGroupARN     string
	bgpLogGroupARN  string
	format          string
	bgpFormat       string
	noBGP           bool
	dryRun          bool
	yes             bool
	policySizeLimit int
	model           string
	timeout         time.Duration
}

const tunnelChangeExitStatus = `Exit status: 0 when the change was made, when nothing needed to change, and after --dry-run; 1 when a
pre-check failed (nothing was changed), without --yes (nothing was changed), on a usage error, or
when AWS refused or did not finish a change (the tunnels already changed are listed).`

func newEnableCommand(g *globalOptions) *cobra.Command {
	f := &tunnelChangeFlags{}
	cmd := &cobra.Command{
		Use:   "enable",
		Short: "Enable a VPN connection's tunnel and BGP logs to CloudWatch Logs, after the provider's pre-checks",
		Long: `enable turns on CloudWatch Logs delivery of the tunnel activity log and the BGP log on the tunnels
of a VPN connection, chosen by outside IP address with --tunnel (default: every tunnel). Each
tunnel's logging becomes exactly what the flags say: with --no-bgp, its BGP log is turned off.

Before changing anything it runs the checks the provider runs at plan time, and stops if one fails:
  - the log group ARNs are well formed and in the caller's account and region (delivery is
    same-account, same-region);
  - the VPN connection and each --tunnel exist (the connection's tunnels are listed when not);
  - the account's CloudWatch Logs resource policy ` + logdelivery.DeliveryPolicyName + ` still fits its
    limit (--policy-size-limit) once the log groups that would start receiving logs are added, and
    a new policy would not be the 11th; log groups under ` + logdelivery.VendedLogsPrefix + ` avoid the growth.
    Under the log-group model (--resource-policy-model), each group's own policy fits its limit instead;
  - the caller may perform the actions enabling logging needs (iam:SimulatePrincipalPolicy); a
    simulation that cannot run is a warning.

AWS interrupts each tunnel for up to several minutes while its logging changes. The tunnels of the
connection are changed one at a time, each with one ec2:ModifyVpnTunnelOptions that carries only the
log options, waiting until the connection is available again before the next, so the other tunnel
keeps carrying traffic. Tunnels whose logging is already as requested are not touched. Because of
the interruption, enable changes nothing without --yes; --dry-run prints the plan and the checks only.

` + tunnelChangeExitStatus,
		Example: `  terraform-provider-vpnlogs enable --vpn-connection-id vpn-0123456789abcdef0 \
    --log-group-arn arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/prod --dry-run
  terraform-provider-vpnlogs enable --vpn-connection-id vpn-0123456789abcdef0 --tunnel 203.0.113.10 \
    --log-group-arn arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/prod --bgp-format text --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTunnelChange(cmd.Context(), cmd.OutOrStdout(), g, f)
		},
	}
	fl := cmd.Flags()
	addTunnelSelectionFlags(cmd, f)
	fl.StringVar(&f.logGroupARN, "log-group-arn", "", "log group for the tunnel log (and the BGP log unless --bgp-log-group-arn); required")
	fl.StringVar(&f.bgpLogGroupARN, "bgp-log-group-arn", "", "log group for the BGP log (default: --log-group-arn)")
	fl.StringVar(&f.format, "format", vpn.FormatJSON, "output format of the tunnel log: "+strings.Join(vpn.Formats, " or "))
	fl.StringVar(&f.bgpFormat, "bgp-format", "", "output format of the BGP log (default: --format)")
	fl.BoolVar(&f.noBGP, "no-bgp", false, "do not deliver the BGP log (turns it off where it is on)")
	fl.IntVar(&f.policySizeLimit, "policy-size-limit", logdelivery.DefaultPolicySizeLimit, "size limit of an account-level CloudWatch Logs resource policy, in characters (the provider's resource_policy_size_limit)")
	addModelFlag(fl, &f.model)
	return cmd
}

func newDisableCommand(g *globalOptions) *cobra.Command {
	f := &tunnelChangeFlags{disable: true}
	cmd := &cobra.Command{
		Use:   "disable",
		Short: "Turn off a VPN connection's tunnel and BGP logs",
		Long: `disable turns off CloudWatch Logs delivery of both the tunnel activity log and the BGP log on the
tunnels of a VPN connection, chosen by outside IP address with --tunnel (default: every tunnel). It
changes nothing else, and leaves the log groups and their events in place.

It checks first that the connection and each --tunnel exist and that the caller may make the change
(iam:SimulatePrincipalPolicy; a simulation that cannot run is a warning).

AWS interrupts each tunnel for up to several minutes while its logging changes; the tunnels are
changed one at a time. disable changes nothing without --yes; --dry-run prints the plan only.

` + tunnelChangeExitStatus,
		Example: `  terraform-provider-vpnlogs disable --vpn-connection-id vpn-0123456789abcdef0 --tunnel 203.0.113.10 --yes`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTunnelChange(cmd.Context(), cmd.OutOrStdout(), g, f)
		},
	}
	addTunnelSelectionFlags(cmd, f)
	return cmd
}

func addTunnelSelectionFlags(cmd *cobra.Command, f *tunnelChangeFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.vpnID, "vpn-connection-id", "", "the VPN connection (vpn-...); required")
	fl.StringSliceVar(&f.tunnels, "tunnel", nil, "outside IP address of a tunnel to change (repeatable; default: every tunnel of the connection)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan and the checks, change nothing")
	fl.BoolVar(&f.yes, "yes", false, "make the change (each tunnel is interrupted for up to several minutes)")
	fl.DurationVar(&f.timeout, "timeout", defaultTunnelChangeTimeout, "give up after this long (AWS takes minutes per tunnel)")
	requireNonEmpty(fl, "vpn-connection-id", "tunnel")
}

// tunnelChange is one tunnel's logging before and after.
type tunnelChange struct {
	outsideIP string
	from, to  vpn.Logging
}

func (f *tunnelChangeFlags) validate() error {
	var errs []error
	if f.vpnID == "" {
		errs = append(errs, errors.New("--vpn-connection-id is required"))
	} else if !vpn.ConnectionIDPattern.MatchString(f.vpnID) {
		errs = append(errs, fmt.Errorf("--vpn-connection-id %q is not a VPN connection ID such as vpn-0123456789abcdef0", f.vpnID))
	}
	for _, ip := range f.tunnels {
		if err := vpn.CheckOutsideIP(ip); err != nil {
			errs = append(errs, fmt.Errorf("--tunnel: %w", err))
		}
	}
	if f.timeout <= 0 {
		errs = append(errs, fmt.Errorf("--timeout %s must be positive", f.timeout))
	}
	if f.disable {
		return errors.Join(errs...)
	}
	if f.logGroupARN == "" {
		errs = append(errs, errors.New("--log-group-arn is required: the ARN of the log group to deliver to, e.g. "+
			"arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/prod"))
	} else if _, err := logdelivery.ParseLogGroupARN(f.logGroupARN); err != nil {
		errs = append(errs, fmt.Errorf("--log-group-arn: %w", err))
	}
	if f.bgpLogGroupARN != "" {
		if _, err := logdelivery.ParseLogGroupARN(f.bgpLogGroupARN); err != nil {
			errs = append(errs, fmt.Errorf("--bgp-log-group-arn: %w", err))
		}
	}
	for flag, v := range map[string]string{"--format": f.format, "--bgp-format": f.bgpFormat} {
		if v != "" && !slices.Contains(vpn.Formats, v) {
			errs = append(errs, fmt.Errorf("%s: %q is not %s", flag, v, strings.Join(vpn.Formats, " or ")))
		}
	}
	if f.policySizeLimit < 1 {
		errs = append(errs, fmt.Errorf("--policy-size-limit %d must be positive", f.policySizeLimit))
	}
	if err := checkModelFlag(f.model); err != nil {
		errs = append(errs, err)
	}
	if f.noBGP && (f.bgpLogGroupARN != "" || f.bgpFormat != "") {
		errs = append(errs, errors.New("--no-bgp turns the BGP log off: leave out --bgp-log-group-arn and --bgp-format"))
	}
	return errors.Join(errs...)
}

// want is the logging the flags ask for.
func (f *tunnelChangeFlags) want() vpn.Logging {
	if f.disable {
		return vpn.Logging{}
	}
	arn, _ := logdelivery.ParseLogGroupARN(f.logGroupARN)
	l := vpn.Logging{Activity: vpn.LogDestination{Enabled: true, LogGroupARN: arn.String(), OutputFormat: f.format}}
	if !f.noBGP {
		bgp := arn
		if f.bgpLogGroupARN != "" {
			bgp, _ = logdelivery.ParseLogGroupARN(f.bgpLogGroupARN)
		}
		format := f.bgpFormat
		if format == "" {
			format = f.format
		}
		l.BGP = vpn.LogDestination{Enabled: true, LogGroupARN: bgp.String(), OutputFormat: format}
	}
	return l
}

func runTunnelChange(ctx context.Context, out io.Writer, g *globalOptions, f *tunnelChangeFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	clients, err := g.clients(ctx)
	if err != nil {
		return err
	}

	// 1. The log group ARNs against the caller's account and region.
	var checks []setupCheck
	if !f.disable {
		flags := [][2]string{{"--log-group-arn", f.logGroupARN}}
		if f.bgpLogGroupARN != "" && !f.noBGP {
			flags = append(flags, [2]string{"--bgp-log-group-arn", f.bgpLogGroupARN})
		}
		var outside []logdelivery.LogGroupARN
		for _, fa := range flags {
			a, bad := checkLogGroupARN(fa[0], fa[1], clients)
			if bad != nil {
				return fmt.Errorf("%s: %s %s", fa[0], bad.Message, bad.Fix)
			}
			if !a.Vended() && !slices.Contains(outside, a) {
				outside = append(outside, a)
			}
		}
		checks = append(checks, setupCheck{Section: "arguments", Name: "log group ARNs", Status: checkOK,
			Message: fmt.Sprintf("in account %s and region %s, as delivery requires.", accountOr(clients.AccountID), clients.Region)})
		for _, a := range outside {
			checks = append(checks, setupCheck{Section: "arguments", Name: "log groups", Status: checkWarn, LogGroupARN: a.String(),
				Message: fmt.Sprintf("%s is outside %s: it takes its own entry in the account's CloudWatch Logs resource policy %s, "+
					"which is limited in size.", a.Name, logdelivery.VendedLogsPrefix, logdelivery.DeliveryPolicyName),
				Fix: fmt.Sprintf("Prefer %s (groups under %s share one entry).", logdelivery.VendedName(a.Name), logdelivery.VendedLogsPrefix)})
		}
	}

	// 2. The connection and the tunnels, by outside IP address.
	svc := vpn.NewService(clients.EC2, tunnelChangeVPNOptions)
	conn, err := svc.Get(ctx, f.vpnID)
	var nf *vpn.NotFoundError
	if errors.As(err, &nf) {
		return fmt.Errorf("--vpn-connection-id: %s", nf.Explain(nil, clients.Region, regionSetting))
	}
	if err != nil {
		return fmt.Errorf("reading VPN connection %s: %w", f.vpnID, err)
	}
	tunnels := conn.Tunnels
	if len(f.tunnels) > 0 {
		tunnels = nil
		seen := map[string]bool{}
		for _, ip := range f.tunnels {
			c, t, err := svc.FindTunnel(ctx, f.vpnID, ip)
			switch {
			case errors.As(err, &nf):
				return fmt.Errorf("--tunnel: %s", nf.Explain(c, clients.Region, regionSetting))
			case err != nil:
				return fmt.Errorf("--tunnel %s: %w", ip, err)
			}
			if !seen[t.OutsideIP] {
				seen[t.OutsideIP] = true
				tunnels = append(tunnels, *t)
			}
		}
	}
	want := f.want()
	var plan, changing []tunnelChange
	for _, t := range tunnels {
		ch := tunnelChange{outsideIP: t.OutsideIP, from: t.Logging, to: want}
		plan = append(plan, ch)
		if !t.Logging.Equal(want) {
			changing = append(changing, ch)
		}
	}
	var ips []string
	for _, t := range tunnels {
		ips = append(ips, t.OutsideIP)
	}
	checks = append(checks, setupCheck{Section: "tunnels", Name: "tunnels", Status: checkOK,
		Message: fmt.Sprintf("%s: %s, tunnel(s) %s found.", connectionLabel(conn), conn.State, strings.Join(ips, ", "))})

	// 3. The log groups exist, 4. the resource-policy budget for the groups that would start receiving logs, and
	// 5. the permissions.
	if len(changing) > 0 {
		if !f.disable {
			checks = append(checks, groupsExistChecks(ctx, clients, want)...)
			var planned []logdelivery.Planned
			for _, ch := range changing {
				for _, d := range ch.to.StartedDeliveries(ch.from) {
					if a, err := logdelivery.ParseLogGroupARN(d.LogGroupARN); err == nil { // validated before
						planned = append(planned, logdelivery.Planned{Group: a, Source: vpn.TunnelID(conn.ID, ch.outsideIP) + " " + d.Log})
					}
				}
			}
			budget, model := budgetPreCheck(ctx, clients, f.policySizeLimit, logdelivery.Model(f.model), svc.DeliveredLogGroups, planned)
			if model == logdelivery.ModelLogGroup { // the groups outside /aws/vendedlogs/ do not grow the account-level policy
				checks = slices.DeleteFunc(checks, func(c setupCheck) bool {
					return c.Section == "arguments" && c.Status == checkWarn && c.LogGroupARN != ""
				})
			}
			checks = append(checks, budget...)
		}
		checks = append(checks, permissionsCheck(iampolicy.Check(ctx, iampolicy.ClientsFrom(clients), "", nil), clients))
	}

	verb, past := "Enabling", "enabled"
	if f.disable {
		verb, past = "Disabling", "disabled"
	}
	if err := writeTunnelPlan(out, verb, clients.Region, conn, plan, checks); err != nil {
		return err
	}
	if s := summarizeChecks(checks); s.Fail > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d pre-check(s) failed (see above): nothing was changed", s.Fail)}
	}
	if len(changing) == 0 {
		_, err := fmt.Fprintf(out, "\nNothing to change: the logging of %s is already as requested.\n", plural(len(plan), "the tunnel", "every tunnel"))
		return err
	}
	var interrupted []vpn.TunnelChange
	for _, ch := range changing {
		interrupted = append(interrupted, vpn.TunnelChange{ConnectionID: conn.ID, OutsideIP: ch.outsideIP, From: ch.from, To: ch.to})
	}
	fmt.Fprintf(out, "\nWARNING: %s\n", indentLines(vpn.DescribeInterruption(interrupted, "This change"), "  "))
	if f.dryRun {
		_, err := fmt.Fprintln(out, "\nDry run: nothing was changed. Run again with --yes instead of --dry-run to make the change.")
		return err
	}
	if !f.yes {
		return fmt.Errorf("nothing was changed: %s logging interrupts %d %s; add --yes to proceed (or --dry-run to print the plan only)",
			strings.ToLower(verb), len(changing), plural(len(changing), "tunnel", "tunnels"))
	}

	fmt.Fprintln(out)
	start := time.Now()
	var done []string
	for i, ch := range changing {
		if err := applyTunnelChange(ctx, out, svc, conn.ID, ch, i+1, len(changing)); err != nil {
			var pending *vpn.PendingError
			if errors.As(err, &pending) {
				done = append(done, ch.outsideIP+" (still being applied)")
				i++
			}
			left := make([]string, 0, len(changing)-i)
			for _, c := range changing[i:] {
				left = append(left, c.outsideIP)
			}
			return fmt.Errorf("%w\nchanged: %s; not changed: %s", err, listOrNone(done), listOrNone(left))
		}
		done = append(done, ch.outsideIP)
	}
	_, err = fmt.Fprintf(out, "\nDone: logging %s on %d %s of %s in %s. Check it with `terraform-provider-vpnlogs doctor --vpn-connection-id %s`.\n",
		past, len(done), plural(len(done), "tunnel", "tunnels"), conn.ID, time.Since(start).Round(100*time.Millisecond), conn.ID)
	return err
}

// writeTunnelPlan prints what would change, then the pre-checks.
func writeTunnelPlan(out io.Writer, verb, region string, conn *vpn.Connection, plan []tunnelChange, checks []setupCheck) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s logging on VPN connection %s in %s:\n", verb, connectionLabel(conn), region)
	width := 0
	for _, ch := range plan {
		width = max(width, len(ch.outsideIP))
	}
	for _, ch := range plan {
		if ch.from.Equal(ch.to) {
			fmt.Fprintf(&b, "  %-*s  unchanged (tunnel log %s, BGP log %s)\n", width, ch.outsideIP, ch.from.Activity, ch.from.BGP)
			continue
		}
		fmt.Fprintf(&b, "  %-*s  tunnel log: %s -> %s\n", width, ch.outsideIP, ch.from.Activity, ch.to.Activity)
		fmt.Fprintf(&b, "  %-*s  BGP log:    %s -> %s\n", width, "", ch.from.BGP, ch.to.BGP)
	}
	b.WriteString("\nPre-checks:\n")
	if _, err := io.WriteString(out, b.String()); err != nil {
		return err
	}
	return writeCheckLines(out, checks, nil)
}

// applyTunnelChange changes one tunnel with vpn.Service.SetLogging (one ModifyVpnTunnelOptions, then a wait until the
// connection is available), printing progress while AWS applies it.
func applyTunnelChange(ctx context.Context, out io.Writer, svc *vpn.Service, connID string, ch tunnelChange, n, total int) error {
	start := time.Now()
	fmt.Fprintf(out, "[%d/%d] %s: changing the log options; waiting until %s is available again...\n", n, total, ch.outsideIP, connID)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(tunnelChangeProgressInterval)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				fmt.Fprintf(out, "[%d/%d] %s: still waiting (%s)\n", n, total, ch.outsideIP, time.Since(start).Round(time.Second))
			}
		}
	}()
	applied, err := svc.SetLogging(ctx, connID, ch.outsideIP, ch.to)
	close(stop)
	wg.Wait()
	var pending *vpn.PendingError
	switch {
	case errors.As(err, &pending):
		fmt.Fprintf(out, "[%d/%d] %s: AWS accepted the change; stopped waiting after %s, AWS is still applying it\n", n, total, ch.outsideIP,
			time.Since(start).Round(100*time.Millisecond))
		return err
	case err != nil:
		fmt.Fprintf(out, "[%d/%d] %s: FAILED after %s\n", n, total, ch.outsideIP, time.Since(start).Round(100*time.Millisecond))
		return err
	}
	_, err = fmt.Fprintf(out, "[%d/%d] %s: done in %s: tunnel log %s, BGP log %s\n", n, total, ch.outsideIP,
		time.Since(start).Round(100*time.Millisecond), applied.Tunnel.Logging.Activity, applied.Tunnel.Logging.BGP)
	return err
}

// regionSetting names, in the setup tool's words, where the region comes from.
const regionSetting = "--region (or AWS_REGION)"

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
		return []setupCheck{{Section: "arguments", Name: "log groups", Status: checkWarn,
			Message: fmt.Sprintf("Whether the log groups exist could not be checked: %s", err),
			Fix:     "Allow logs:DescribeLogGroups to the caller so that this is checked."}}
	}
	var out []setupCheck
	for _, a := range groups {
		if slices.Contains(missing, a.Name) {
			e := logdelivery.MissingGroupExplanation(a, budgetExplainOptions)
			out = append(out, setupCheck{Section: "arguments", Name: "log groups", Status: checkFail, LogGroupARN: a.String(), Message: e.Detail, Fix: e.Fix})
		}
	}
	if len(out) > 0 {
		return out
	}
	return []setupCheck{{Section: "arguments", Name: "log groups", Status: checkOK,
		Message: fmt.Sprintf("%s %s.", strings.Join(names, " and "), plural(len(names), "exists", "exist"))}}
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
