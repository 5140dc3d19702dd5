package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// generateSchemaVersion is the version of generate's JSON report (docs/cli/generate.schema.json).
const generateSchemaVersion = 1

type generateFlags struct {
	sel                    connectionSelection
	logGroupName           string
	allowOutsideVendedlogs bool
	format                 string
	noBGP                  bool
	withHealth             bool
	importExisting         bool
	out                    string
	force                  bool
	output                 outputFlag
}

func newGenerateCommand(g *globalOptions) *cobra.Command {
	f := &generateFlags{sel: connectionSelection{readAll: true}}
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write a ready-to-apply Terraform configuration that enables logging on a fleet of VPN tunnels",
		Long: `generate reads the selected VPN connections (--vpn-connection-id, --tag, --all; default: every
connection of the region) and writes a Terraform configuration, formatted as terraform fmt would,
that delivers the tunnel log and the BGP log of each of their tunnels to one log group:

  - a terraform block with required_providers (source vpnlogs/vpnlogs) and a provider block for the
    region;
  - a vpnlogs_log_group for --log-group-name (default ` + defaultVendedGroup + `). A name outside
    ` + logdelivery.VendedLogsPrefix + ` is refused unless --allow-outside-vendedlogs: such a group grows the account's
    CloudWatch Logs resource policy, ` + logdelivery.DeliveryPolicyName + `;
  - one vpnlogs_tunnel_logging per tunnel, named after the connection's Name tag (or its ID) and the
    tunnel's outside IP address, e.g. branch_paris_203_0_113_10, with tunnel_log and bgp_log
    pointing at the group (--no-bgp: tunnel_log only; --format: json or text);
  - with --with-health, per tunnel a vpnlogs_tunnel_health data source and a check block that warns
    when the tunnel is not healthy, with its status reason. The data source sits outside the check
    block, so Terraform reads it during plan and a plan with nothing to change stays empty:
    terraform plan -detailed-exitcode exits 0, and a drift check in CI keeps working;
  - with --import, Terraform 1.5+ import blocks for the tunnels that already deliver a log (and for
    the log group if it exists). Those tunnels are written as they deliver now (same groups, same
    formats), so that adopting them changes nothing and interrupts no tunnel; the group is written
    with its current retention, class, key and tags. Without --import every tunnel is written to
    deliver to the group, and a tunnel already delivering elsewhere is moved there on apply.

The output is deterministic: connections sorted by ID, tunnels by outside IP address. Applying it
interrupts each tunnel whose logging changes for up to several minutes (one tunnel of a connection
at a time); the plan shows which. Terraform is not needed to generate.

The configuration goes to --out, or to standard output; what was written is summarised on standard
error. With --output json, that summary is a JSON object on standard output
(docs/cli/generate.schema.json, schema_version ` + fmt.Sprint(generateSchemaVersion) + `), and the configuration needs --out.

Exit status (the table of terraform-provider-vpnlogs --help): 0 when the configuration was written;
1 on a usage error, when no VPN connection matches, or when AWS could not be read.`,
		Example: `  terraform-provider-vpnlogs generate --tag env=prod --log-group-name /aws/vendedlogs/vpn/prod --out vpn-logging.tf
  terraform-provider-vpnlogs generate --vpn-connection-id vpn-0123456789abcdef0 --import --with-health > main.tf
  terraform-provider-vpnlogs generate --all --import --out main.tf --output json | jq .import_blocks`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGenerate(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), g, f)
		},
	}
	fl := cmd.Flags()
	f.sel.addFlags(fl, "generate for")
	fl.StringVar(&f.logGroupName, "log-group-name", defaultVendedGroup, "name of the log group every tunnel delivers to")
	fl.BoolVar(&f.allowOutsideVendedlogs, "allow-outside-vendedlogs", false, "accept a --log-group-name outside "+logdelivery.VendedLogsPrefix)
	fl.StringVar(&f.format, "format", vpn.FormatJSON, "output format of both logs: "+strings.Join(vpn.Formats, " or "))
	fl.BoolVar(&f.noBGP, "no-bgp", false, "deliver the tunnel log only")
	fl.BoolVar(&f.withHealth, "with-health", false, "add a vpnlogs_tunnel_health data source and a check block per tunnel")
	fl.BoolVar(&f.importExisting, "import", false, "adopt tunnels that already deliver logs (and an existing log group) with import blocks")
	fl.StringVar(&f.out, "out", "", "write to this file instead of standard output")
	fl.BoolVar(&f.force, "force", false, "overwrite the --out file if it exists")
	f.output.add(fl, outputText, "text (a summary on standard error) or json (a report on standard output; needs --out)")
	return cmd
}

func (f *generateFlags) validate() error {
	var errs []error
	if err := f.sel.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := f.output.check(); err != nil {
		errs = append(errs, err)
	} else if f.output.json() && f.out == "" {
		errs = append(errs, errors.New("--output json writes a report to standard output: give the configuration a file with --out"))
	}
	if err := logdelivery.ValidateNewLogGroupName(f.logGroupName); err != nil {
		errs = append(errs, fmt.Errorf("--log-group-name: %w", err))
	}
	if !slices.Contains(vpn.Formats, f.format) {
		errs = append(errs, fmt.Errorf("--format: %q is not %s", f.format, strings.Join(vpn.Formats, " or ")))
	}
	if f.out != "" && !f.force {
		if _, err := os.Stat(f.out); err == nil {
			errs = append(errs, fmt.Errorf("--out %s exists: choose another file, or add --force to overwrite it", f.out))
		}
	}
	return errors.Join(errs...)
}

// generateReport is generate's JSON output.
type generateReport struct {
	SchemaVersion int                 `json:"schema_version"`
	File          string              `json:"file"`
	Region        string              `json:"region"`
	Selection     string              `json:"selection"`
	LogGroup      generateGroupReport `json:"log_group"`
	Connections   int                 `json:"connections"`
	Tunnels       []generateTunnel    `json:"tunnels"`
	ImportBlocks  int                 `json:"import_blocks"`
	WithHealth    bool                `json:"with_health"`
}

type generateGroupReport struct {
	Name     string `json:"name"`
	ARN      string `json:"arn"`
	Exists   bool   `json:"exists"`
	Imported bool   `json:"imported"`
}

type generateTunnel struct {
	VPNConnectionID  string `json:"vpn_connection_id"`
	OutsideIPAddress string `json:"outside_ip_address"`
	Address          string `json:"address"`
	Delivering       bool   `json:"delivering"`
	Imported         bool   `json:"imported"`
}

func runGenerate(ctx context.Context, stdout, stderr io.Writer, g *globalOptions, f *generateFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	clients, err := g.clients(ctx)
	if err != nil {
		return err
	}
	if !logdelivery.IsVended(f.logGroupName) && !f.allowOutsideVendedlogs {
		return fmt.Errorf("--log-group-name: log group outside %s: %s Fix: use --log-group-name %s instead, or add "+
			"--allow-outside-vendedlogs if the group must have this name.", logdelivery.VendedLogsPrefix,
			logdelivery.OutsideVendedLogsExplanation(logdelivery.ScopeOf(clients), f.logGroupName, logdelivery.DefaultPolicySizeLimit, logdelivery.ExplainOptions{}),
			logdelivery.VendedName(f.logGroupName))
	}
	conns, err := f.sel.connections(ctx, vpn.NewService(clients.EC2, vpn.Options{}), clients.Region)
	if err != nil {
		return err
	}
	if len(conns) == 0 {
		return f.sel.emptyError(clients.Region)
	}
	tunnels := nameTunnels(conns)

	// Whether the group exists needs logs:DescribeLogGroups only; its tags are read when it is adopted.
	group, err := logdelivery.DescribeLogGroup(ctx, clients.Logs, f.logGroupName)
	if err == nil && f.importExisting {
		group.Tags, err = logdelivery.ListLogGroupTags(ctx, clients.Logs, group.ARN)
	}
	switch {
	case logdelivery.IsNotFound(err):
		group = nil
	case err != nil:
		return fmt.Errorf("reading log group %s: %w", f.logGroupName, err)
	}
	groupARN := logdelivery.ScopeOf(clients).LogGroupARN(f.logGroupName).String()
	config := generateConfig(genInput{version: g.version, region: clients.Region, selection: f.sel.String(), flags: f,
		tunnels: tunnels, group: group, groupARN: groupARN})

	rep := generateReport{SchemaVersion: generateSchemaVersion, File: f.out, Region: clients.Region, Selection: f.sel.String(),
		LogGroup:    generateGroupReport{Name: f.logGroupName, ARN: groupARN, Exists: group != nil, Imported: f.importExisting && group != nil},
		Connections: len(conns), Tunnels: []generateTunnel{}, WithHealth: f.withHealth}
	delivering := 0
	for _, t := range tunnels {
		gt := generateTunnel{VPNConnectionID: t.conn.ID, OutsideIPAddress: t.t.OutsideIP, Address: "vpnlogs_tunnel_logging." + t.name,
			Delivering: t.delivering(), Imported: f.importExisting && t.delivering()}
		if gt.Delivering {
			delivering++
		}
		if gt.Imported {
			rep.ImportBlocks++
		}
		rep.Tunnels = append(rep.Tunnels, gt)
	}
	if rep.LogGroup.Imported {
		rep.ImportBlocks++
	}

	if f.out == "" {
		if _, err := stdout.Write(config); err != nil {
			return err
		}
	} else if err := os.WriteFile(f.out, config, 0o644); err != nil { //nolint:gosec // a configuration file, not a secret
		return fmt.Errorf("--out: %w", err)
	}
	if f.output.json() {
		return writeJSON(stdout, rep)
	}
	where := "standard output"
	if f.out != "" {
		where = f.out
	}
	fmt.Fprintf(stderr, "Wrote %s: %s, %s, %s.\n", where, count(len(conns), "VPN connection", "VPN connections"),
		count(len(tunnels), "tunnel", "tunnels"), count(rep.ImportBlocks, "import block", "import blocks"))
	if !f.importExisting && (delivering > 0 || group != nil) {
		var what []string
		if group != nil {
			what = append(what, "the log group "+f.logGroupName+" exists (creating it would fail)")
		}
		if delivering > 0 {
			what = append(what, fmt.Sprintf("%s already %s logs (applying moves them to the group, interrupting them)",
				count(delivering, "tunnel", "tunnels"), plural(delivering, "delivers", "deliver")))
		}
		fmt.Fprintf(stderr, "Note: %s. Add --import to adopt them as they are.\n", strings.Join(what, "; "))
	}
	return nil
}
