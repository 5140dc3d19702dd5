package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// enable and disable: their flags and help. The change itself, for the whole selection, is in fleet_change.go.

// defaultTunnelTimeout bounds one tunnel's change, as the provider's default create/update/delete timeout does.
const defaultTunnelTimeout = 30 * time.Minute

// defaultConcurrency is how many connections change at once.
const defaultConcurrency = 4

type tunnelChangeFlags struct {
	disable         bool
	sel             connectionSelection
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
	concurrency     int
	output          outputFlag
}

// tunnelChangeHelp is what enable and disable share in their help: how the fleet is changed, the output, the exit
// status.
var tunnelChangeHelp = `Choose the connections with --vpn-connection-id (repeatable or comma-separated), --tag KEY=VALUE
(repeatable: every tag must match) or --all, and tunnels of a single connection with --tunnel
(default: every tunnel). The checks run once for the whole selection before anything changes.

AWS interrupts each tunnel for up to several minutes while its logging changes. The connections
change in parallel (--concurrency, default 4) and the tunnels of a connection one at a time, each
with one ec2:ModifyVpnTunnelOptions that carries only the log options, waiting until the connection
is available again before the next, so that its other tunnel keeps carrying traffic. Tunnels whose
logging is already as requested are not touched, so running the command again after an
interruption finishes the job. Because of the interruption nothing changes without --yes;
--dry-run prints the plan for the whole selection and the checks only.

While it runs, progress goes to standard error: on a terminal one live line per connection in flight
(redrawn every second while AWS applies the change), elsewhere plain lines. Ctrl-C stops starting
new tunnels and waits for those in flight (a second Ctrl-C stops waiting: AWS still applies what it
accepted); the summary says exactly what changed, what AWS is still applying and what was not
started.

With --output json, one object on standard output (docs/cli/enable.schema.json, schema_version ` +
	fmt.Sprint(changeSchemaVersion) + `):
the plan or the outcome of every tunnel, the checks and a summary.

Exit status (the table of terraform-provider-vpnlogs --help): 0 when the change was made, when
nothing needed to change, and after --dry-run when every tunnel is already as requested; 2 when a
check failed (nothing was changed), or after --dry-run when some tunnel is not as requested
(drift); 1 on a usage error, without --yes (nothing was changed), when AWS refused or did not finish
a change, and after an interruption (the summary lists what changed).`

func newEnableCommand(g *globalOptions) *cobra.Command {
	f := &tunnelChangeFlags{}
	cmd := &cobra.Command{
		Use:   "enable",
		Short: "Enable the tunnel and BGP logs of a fleet's VPN tunnels to CloudWatch Logs, after the provider's checks",
		Long: `enable turns on CloudWatch Logs delivery of the tunnel activity log and the BGP log on the tunnels
of the selected VPN connections. Each tunnel's logging becomes exactly what the flags say: with
--no-bgp, its BGP log is turned off.

Before changing anything it runs the checks the provider runs at plan time, and stops if one fails:
  - the log group ARNs are well formed and in the caller's account and region (delivery is
    same-account, same-region), and the log groups exist;
  - the VPN connections and each --tunnel exist;
  - the account's CloudWatch Logs resource policy ` + logdelivery.DeliveryPolicyName + ` still fits its
    limit (--policy-size-limit) once every log group that would start receiving logs is added, and
    a new policy would not be the 11th; log groups under ` + logdelivery.VendedLogsPrefix + ` avoid the growth.
    Under the log-group model (--resource-policy-model), each group's own policy fits its limit instead;
  - the caller may perform the actions enabling logging needs (iam:SimulatePrincipalPolicy); a
    simulation that cannot run is reported and does not stop the change.

` + tunnelChangeHelp,
		Example: `  terraform-provider-vpnlogs enable --tag env=prod \
    --log-group-arn arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/prod --dry-run
  terraform-provider-vpnlogs enable --all \
    --log-group-arn arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/prod --yes
  terraform-provider-vpnlogs enable --vpn-connection-id vpn-0123456789abcdef0 --tunnel 203.0.113.10 \
    --log-group-arn arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/prod --bgp-format text --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTunnelChange(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), g, f)
		},
	}
	fl := cmd.Flags()
	addTunnelChangeFlags(cmd, f)
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
		Short: "Turn off the tunnel and BGP logs of a fleet's VPN tunnels",
		Long: `disable turns off CloudWatch Logs delivery of both the tunnel activity log and the BGP log on the
tunnels of the selected VPN connections. It changes nothing else, and leaves the log groups and
their events in place.

It checks first that the connections and each --tunnel exist and that the caller may make the
change (iam:SimulatePrincipalPolicy; a simulation that cannot run is reported and does not stop
the change).

` + tunnelChangeHelp,
		Example: `  terraform-provider-vpnlogs disable --tag env=lab --dry-run
  terraform-provider-vpnlogs disable --vpn-connection-id vpn-0123456789abcdef0 --tunnel 203.0.113.10 --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTunnelChange(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), g, f)
		},
	}
	addTunnelChangeFlags(cmd, f)
	return cmd
}

func addTunnelChangeFlags(cmd *cobra.Command, f *tunnelChangeFlags) {
	fl := cmd.Flags()
	verb := "enable logging on"
	if f.disable {
		verb = "disable logging on"
	}
	f.sel.addFlags(fl, verb)
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan for the whole selection and the checks, change nothing")
	fl.BoolVar(&f.yes, "yes", false, "make the change (each tunnel is interrupted for up to several minutes)")
	fl.IntVar(&f.concurrency, "concurrency", defaultConcurrency, "how many connections change at once (the tunnels of a connection always change one at a time)")
	fl.DurationVar(&f.timeout, "timeout", defaultTunnelTimeout, "give up waiting for one tunnel's change after this long (AWS takes minutes per tunnel)")
	f.output.add(fl, outputText, "text or json")
}

func (f *tunnelChangeFlags) validate() error {
	var errs []error
	if err := f.sel.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := f.output.check(); err != nil {
		errs = append(errs, err)
	}
	if f.timeout <= 0 {
		errs = append(errs, fmt.Errorf("--timeout %s must be positive", f.timeout))
	}
	if f.concurrency < 1 {
		errs = append(errs, fmt.Errorf("--concurrency %d must be at least 1", f.concurrency))
	}
	if f.dryRun && f.yes {
		errs = append(errs, errors.New("--dry-run changes nothing and --yes makes the change: give one of them"))
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
	for _, fv := range [][2]string{{"--format", f.format}, {"--bgp-format", f.bgpFormat}} {
		if v := fv[1]; v != "" && !slices.Contains(vpn.Formats, v) {
			errs = append(errs, fmt.Errorf("%s: %q is not %s", fv[0], v, strings.Join(vpn.Formats, " or ")))
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

// command is the command's name.
func (f *tunnelChangeFlags) command() string {
	if f.disable {
		return "disable"
	}
	return "enable"
}
