package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

func init() { register(newGenerateCommand) }

// Labels of the generated configuration.
const (
	genLogGroupLabel   = "vpn"
	genDefaultLogGroup = logdelivery.VendedLogsPrefix + "vpn/site-to-site"
	// genTerraformVersion is what import and check blocks need.
	genTerraformVersion = ">= 1.5.0"
)

type generateFlags struct {
	tags                   []string
	vpnIDs                 []string
	logGroupName           string
	allowOutsideVendedlogs bool
	format                 string
	noBGP                  bool
	withHealth             bool
	importExisting         bool
	out                    string
	force                  bool
}

func newGenerateCommand(g *globalOptions) *cobra.Command {
	f := &generateFlags{}
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write a ready-to-apply Terraform configuration that enables logging on a fleet of VPN tunnels",
		Long: `generate reads the VPN connections of the region (all of them, those with every --tag, or those given
with --vpn-connection-id) and writes a Terraform configuration, formatted as terraform fmt would, that
delivers the tunnel log and the BGP log of each of their tunnels to one log group:

  - a terraform block with required_providers (source vpnlogs/vpnlogs) and a provider block for the
    region;
  - a vpnlogs_log_group for --log-group-name (default ` + genDefaultLogGroup + `). A name outside
    ` + logdelivery.VendedLogsPrefix + ` is refused unless --allow-outside-vendedlogs: such a group grows the account's
    CloudWatch Logs resource policy, ` + logdelivery.DeliveryPolicyName + `;
  - one vpnlogs_tunnel_logging per tunnel, named after the connection's Name tag (or its ID) and the
    tunnel's outside IP address, e.g. branch_paris_203_0_113_10, with tunnel_log and bgp_log blocks
    pointing at the group (--no-bgp: tunnel_log only; --format: json or text);
  - with --with-health, per tunnel a check block with a vpnlogs_tunnel_health data source that
    warns when the tunnel is not healthy (Terraform reads such data sources again at every apply,
    so terraform plan -detailed-exitcode then returns 2 even when nothing changes);
  - with --import, Terraform 1.5+ import blocks for the tunnels that already deliver a log (and for
    the log group if it exists). Those tunnels are written as they deliver now (same groups, same
    formats), so that adopting them changes nothing and interrupts no tunnel; the group is written
    with its current retention, class, key and tags. Without --import every tunnel is written to
    deliver to the group, and a tunnel already delivering elsewhere is moved there on apply.

The output is deterministic: connections sorted by ID, tunnels by outside IP address. Applying it
interrupts each tunnel whose logging changes for up to several minutes (one tunnel of a connection
at a time); the plan shows which. Terraform is not needed to generate.

Exit status: 0 when the configuration was written; 1 on a usage error, when no VPN connection
matches, or when AWS could not be read.`,
		Example: `  terraform-provider-vpnlogs generate --tag env=prod --log-group-name /aws/vendedlogs/vpn/prod --out vpn-logging.tf
  terraform-provider-vpnlogs generate --vpn-connection-id vpn-0123456789abcdef0 --import --with-health > main.tf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGenerate(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.tags, "tag", nil, "select connections with this tag, KEY=VALUE (repeatable: every tag must match)")
	fl.StringSliceVar(&f.vpnIDs, "vpn-connection-id", nil, "select these connections (repeatable or comma-separated)")
	fl.StringVar(&f.logGroupName, "log-group-name", genDefaultLogGroup, "name of the log group every tunnel delivers to")
	fl.BoolVar(&f.allowOutsideVendedlogs, "allow-outside-vendedlogs", false, "accept a --log-group-name outside "+logdelivery.VendedLogsPrefix)
	fl.StringVar(&f.format, "format", vpn.FormatJSON, "output format of both logs: "+strings.Join(vpn.Formats, " or "))
	fl.BoolVar(&f.noBGP, "no-bgp", false, "deliver the tunnel log only")
	fl.BoolVar(&f.withHealth, "with-health", false, "add a check block with a vpnlogs_tunnel_health data source per tunnel")
	fl.BoolVar(&f.importExisting, "import", false, "adopt tunnels that already deliver logs (and an existing log group) with import blocks")
	fl.StringVar(&f.out, "out", "", "write to this file instead of standard output")
	fl.BoolVar(&f.force, "force", false, "overwrite the --out file if it exists")
	requireNonEmpty(fl, "tag", "vpn-connection-id")
	return cmd
}

func (f *generateFlags) validate() (map[string]string, error) {
	var errs []error
	tags, err := parseTagFlags(f.tags)
	if err != nil {
		errs = append(errs, err)
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
	return tags, errors.Join(errs...)
}

// genTunnel is one tunnel of the generated configuration.
type genTunnel struct {
	conn *vpn.Connection
	t    vpn.Tunnel
	name string // resource name
}

// delivering reports whether the tunnel already delivers a log.
func (t genTunnel) delivering() bool { return t.t.Logging.Activity.Enabled || t.t.Logging.BGP.Enabled }

func runGenerate(ctx context.Context, stdout, stderr io.Writer, g *globalOptions, f *generateFlags) error {
	tags, err := f.validate()
	if err != nil {
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

	svc := vpn.NewService(clients.EC2, vpn.Options{})
	all, err := svc.List(ctx, vpn.Filter{IDs: f.vpnIDs, Tags: tags})
	if errors.Is(err, vpn.ErrNotFound) {
		return fmt.Errorf("--vpn-connection-id: %w (check the ID and that %s is the connection's region)", err, clients.Region)
	}
	if err != nil {
		return fmt.Errorf("listing VPN connections: %w", err)
	}
	var conns []vpn.Connection
	for _, c := range all {
		if !c.Terminal() {
			conns = append(conns, c)
		}
	}
	if len(conns) == 0 {
		if len(f.vpnIDs) == 0 && len(tags) == 0 {
			return fmt.Errorf("there is no VPN connection in %s (check --region)", clients.Region)
		}
		return fmt.Errorf("no VPN connection in %s matches %s", clients.Region, generateSelection(f, tags))
	}
	sort.Slice(conns, func(i, j int) bool { return conns[i].ID < conns[j].ID })
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

	cfg := generateConfig(g.version, clients, f, tags, tunnels, group, groupARN)
	text := renderHCL(cfg)

	imports, delivering := 0, 0
	for _, t := range tunnels {
		if t.delivering() {
			delivering++
		}
	}
	if f.importExisting {
		imports = delivering
		if group != nil {
			imports++
		}
	}
	if f.out == "" {
		if _, err := io.WriteString(stdout, text); err != nil {
			return err
		}
	} else if err := os.WriteFile(f.out, []byte(text), 0o644); err != nil { //nolint:gosec // a configuration file, not a secret
		return fmt.Errorf("--out: %w", err)
	}
	where := "standard output"
	if f.out != "" {
		where = f.out
	}
	fmt.Fprintf(stderr, "Wrote %s: %d VPN %s, %d %s, %d import %s.\n", where, len(conns), plural(len(conns), "connection", "connections"),
		len(tunnels), plural(len(tunnels), "tunnel", "tunnels"), imports, plural(imports, "block", "blocks"))
	if !f.importExisting && (delivering > 0 || group != nil) {
		var what []string
		if group != nil {
			what = append(what, "the log group "+f.logGroupName+" exists (creating it would fail)")
		}
		if delivering > 0 {
			what = append(what, fmt.Sprintf("%d %s already %s logs (applying moves them to the group, interrupting them)",
				delivering, plural(delivering, "tunnel", "tunnels"), plural(delivering, "delivers", "deliver")))
		}
		fmt.Fprintf(stderr, "Note: %s. Add --import to adopt them as they are.\n", strings.Join(what, "; "))
	}
	return nil
}

// generateSelection describes the selection for messages.
func generateSelection(f *generateFlags, tags map[string]string) string {
	var parts []string
	if len(f.vpnIDs) > 0 {
		parts = append(parts, "--vpn-connection-id "+strings.Join(f.vpnIDs, ","))
	}
	for _, k := range sortedKeys(tags) {
		parts = append(parts, "--tag "+k+"="+tags[k])
	}
	if len(parts) == 0 {
		return "every connection"
	}
	return strings.Join(parts, " ")
}

// nameTunnels gives every tunnel a resource name: the connection's Name tag (or its ID) and the outside IP address,
// as a Terraform identifier. Connections whose Name tags collide use their IDs; what still collides gets a suffix.
func nameTunnels(conns []vpn.Connection) []genTunnel {
	byName := map[string][]string{}
	for _, c := range conns {
		if n := hclIdentifier(connectionName(&c)); n != "" {
			byName[n] = append(byName[n], c.ID)
		}
	}
	var out []genTunnel
	used := map[string]bool{}
	for i := range conns {
		c := &conns[i]
		base := hclIdentifier(connectionName(c))
		if base == "" || len(byName[base]) > 1 {
			base = hclIdentifier(c.ID)
		}
		for _, t := range c.Tunnels {
			name := base + "_" + hclIdentifier(t.OutsideIP)
			if name[0] >= '0' && name[0] <= '9' {
				name = "tunnel_" + name
			}
			unique := name
			for n := 2; used[unique]; n++ {
				unique = fmt.Sprintf("%s_%d", name, n)
			}
			used[unique] = true
			out = append(out, genTunnel{conn: c, t: t, name: unique})
		}
	}
	return out
}

// hclIdentifier turns s into lower-case letters, digits and single underscores.
func hclIdentifier(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// generateConfig builds the configuration.
func generateConfig(version string, c *awsconfig.Clients, f *generateFlags, tags map[string]string, tunnels []genTunnel,
	group *logdelivery.LogGroup, groupARN string) []hclItem {
	conns := 0
	for i, t := range tunnels {
		if i == 0 || t.conn != tunnels[i-1].conn {
			conns++
		}
	}
	var items []hclItem
	items = append(items,
		hclComment(fmt.Sprintf("Generated by terraform-provider-vpnlogs %s `generate` for %d VPN %s (%d %s) in %s, selection: %s.",
			version, conns, plural(conns, "connection", "connections"), len(tunnels), plural(len(tunnels), "tunnel", "tunnels"),
			c.Region, generateSelection(f, tags))),
		hclComment("Review it, then run terraform plan: AWS interrupts each tunnel whose logging changes for up to several minutes,"),
		hclComment("one tunnel of a connection at a time."),
	)
	needs15 := f.withHealth || f.importExisting
	var tf []hclItem
	if needs15 {
		tf = append(tf, hclAttr{"required_version", hclString(genTerraformVersion)}, hclBlank{})
	}
	tf = append(tf, hclBlock{"required_providers", []hclItem{hclAttr{"vpnlogs", `{ source = "vpnlogs/vpnlogs" }`}}})
	items = append(items, hclBlock{"terraform", tf}, hclBlank{},
		hclBlock{`provider "vpnlogs"`, []hclItem{hclAttr{"region", hclString(c.Region)}}}, hclBlank{})

	// The log group.
	adoptGroup := f.importExisting && group != nil
	groupRef := "vpnlogs_log_group." + genLogGroupLabel
	if logdelivery.IsVended(f.logGroupName) {
		items = append(items, hclComment("Under "+logdelivery.VendedLogsPrefix+", the group does not grow the account's CloudWatch Logs resource policy."))
	} else {
		items = append(items, hclComment("Outside "+logdelivery.VendedLogsPrefix+": the group takes its own entry in the account's CloudWatch Logs resource"),
			hclComment("policy "+logdelivery.DeliveryPolicyName+", which is limited in size."))
	}
	if adoptGroup {
		items = append(items, hclComment("It exists: imported with its current settings. Add skip_destroy = true to keep it and its logs on destroy."))
	}
	gb := []hclItem{hclAttr{"name", hclString(f.logGroupName)}}
	if !logdelivery.IsVended(f.logGroupName) {
		gb = append(gb, hclAttr{"allow_outside_vendedlogs", "true"})
	}
	if adoptGroup {
		if group.RetentionInDays != 0 {
			gb = append(gb, hclAttr{"retention_in_days", fmt.Sprint(group.RetentionInDays)})
		}
		if group.Class != "" && group.Class != logdelivery.ClassStandard {
			gb = append(gb, hclAttr{"log_group_class", hclString(group.Class)})
		}
		if group.KMSKeyID != "" {
			gb = append(gb, hclAttr{"kms_key_id", hclString(group.KMSKeyID)})
		}
		if len(group.Tags) > 0 {
			var ta []hclItem
			for _, k := range sortedKeys(group.Tags) {
				ta = append(ta, hclAttr{hclString(k), hclString(group.Tags[k])})
			}
			gb = append(gb, hclBlank{}, hclObject{"tags", ta})
		}
	}
	items = append(items, hclBlock{`resource "vpnlogs_log_group" ` + hclString(genLogGroupLabel), gb})
	if adoptGroup {
		items = append(items, hclBlank{}, importBlock(groupRef, f.logGroupName))
	}

	// The tunnels.
	for _, t := range tunnels {
		addr := "vpnlogs_tunnel_logging." + t.name
		adopt := f.importExisting && t.delivering()
		items = append(items, hclBlank{}, hclComment(fmt.Sprintf("%s, tunnel %s", commentText(connectionLabel(t.conn)), t.t.OutsideIP)))
		body := []hclItem{
			hclAttr{"vpn_connection_id", hclString(t.conn.ID)},
			hclAttr{"tunnel_outside_ip_address", hclString(t.t.OutsideIP)},
			hclBlank{},
		}
		want := vpn.Logging{Activity: vpn.LogDestination{Enabled: true, LogGroupARN: groupARN, OutputFormat: f.format}}
		if !f.noBGP {
			want.BGP = want.Activity
		}
		if adopt {
			want = t.t.Logging
			moved := false
			for _, d := range []vpn.LogDestination{want.Activity, want.BGP} {
				if d.Enabled && logdelivery.TrimARNSuffix(d.LogGroupARN) != groupARN {
					moved = true
				}
			}
			note := "Already delivers logs: imported as it is, so adopting it changes nothing."
			if moved {
				note = "Already delivers logs to another group: imported as it is. To move it, set log_group_arn = " + groupRef +
					".arn (applying that interrupts the tunnel)."
			}
			items = append(items, hclComment(note))
		}
		for _, l := range []struct {
			attr string
			d    vpn.LogDestination
		}{{"tunnel_log", want.Activity}, {"bgp_log", want.BGP}} {
			if !l.d.Enabled {
				continue
			}
			arn := hclString(logdelivery.TrimARNSuffix(l.d.LogGroupARN))
			if logdelivery.TrimARNSuffix(l.d.LogGroupARN) == groupARN {
				arn = groupRef + ".arn"
			}
			body = append(body, hclObject{l.attr, []hclItem{hclAttr{"log_group_arn", arn}, hclAttr{"output_format", hclString(l.d.OutputFormat)}}})
		}
		items = append(items, hclBlock{`resource "vpnlogs_tunnel_logging" ` + hclString(t.name), body})
		if adopt {
			items = append(items, hclBlank{}, importBlock(addr, vpn.TunnelID(t.conn.ID, t.t.OutsideIP)))
		}
		if f.withHealth {
			data := "data.vpnlogs_tunnel_health." + t.name
			msg := `"` + hclEscape(fmt.Sprintf("Tunnel %s of %s is ", t.t.OutsideIP, t.conn.ID)) +
				"${" + data + ".status}: ${" + data + ".status_reason}" + `"`
			items = append(items, hclBlank{}, hclBlock{`check ` + hclString(t.name+"_healthy"), []hclItem{
				hclBlock{`data "vpnlogs_tunnel_health" ` + hclString(t.name), []hclItem{
					hclAttr{"vpn_connection_id", addr + ".vpn_connection_id"},
					hclAttr{"tunnel_outside_ip_address", addr + ".tunnel_outside_ip_address"},
				}},
				hclBlank{},
				hclBlock{"assert", []hclItem{
					hclAttr{"condition", data + `.status == "healthy"`},
					hclAttr{"error_message", msg},
				}},
			}})
		}
	}
	return items
}

func importBlock(to, id string) hclItem {
	return hclBlock{"import", []hclItem{hclAttr{"to", to}, hclAttr{"id", hclString(id)}}}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// A small HCL writer whose output is what terraform fmt makes of it: two-space indentation, the "=" of consecutive
// one-line attributes aligned, and a multi-line attribute or a block ending such a run.

type hclItem interface{ isHCLItem() }

// hclAttr is a one-line attribute; expr is HCL (quote literals with hclString).
type hclAttr struct{ name, expr string }

// hclObject is an attribute whose value is an object written over several lines.
type hclObject struct {
	name  string
	attrs []hclItem
}

// hclBlock is a block; header is its type and labels, e.g. `resource "a" "b"`.
type hclBlock struct {
	header string
	body   []hclItem
}

type hclComment string

type hclBlank struct{}

func (hclAttr) isHCLItem()    {}
func (hclObject) isHCLItem()  {}
func (hclBlock) isHCLItem()   {}
func (hclComment) isHCLItem() {}
func (hclBlank) isHCLItem()   {}

func renderHCL(items []hclItem) string {
	var b strings.Builder
	writeHCLBody(&b, items, "")
	return b.String()
}

func writeHCLBody(b *strings.Builder, items []hclItem, indent string) {
	for i := 0; i < len(items); i++ {
		switch it := items[i].(type) {
		case hclAttr:
			// The run of one-line attributes this one starts, aligned on the longest name.
			j := i
			width := 0
			for ; j < len(items); j++ {
				a, ok := items[j].(hclAttr)
				if !ok {
					break
				}
				width = max(width, len(a.name))
			}
			for _, x := range items[i:j] {
				a := x.(hclAttr) //nolint:forcetypeassert // the loop above checked it
				fmt.Fprintf(b, "%s%-*s = %s\n", indent, width, a.name, a.expr)
			}
			i = j - 1
		case hclObject:
			fmt.Fprintf(b, "%s%s = {\n", indent, it.name)
			writeHCLBody(b, it.attrs, indent+"  ")
			fmt.Fprintf(b, "%s}\n", indent)
		case hclBlock:
			fmt.Fprintf(b, "%s%s {\n", indent, it.header)
			writeHCLBody(b, it.body, indent+"  ")
			fmt.Fprintf(b, "%s}\n", indent)
		case hclComment:
			fmt.Fprintf(b, "%s# %s\n", indent, string(it))
		case hclBlank:
			b.WriteString("\n")
		}
	}
}

// hclString quotes s as an HCL string literal.
func hclString(s string) string { return `"` + hclEscape(s) + `"` }

// hclEscape escapes s for an HCL string literal: quotes, backslashes and control characters, and "${" and "%{"
// doubled so that nothing is interpolated.
func hclEscape(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && i+1 < len(rs) && rs[i+1] == '{':
			b.WriteRune(r)
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// commentText keeps a value (such as a Name tag) on one comment line.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
