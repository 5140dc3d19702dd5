package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/provider/validators"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

var _ datasource.DataSourceWithConfigure = (*tunnelHealthDataSource)(nil)

// NewTunnelHealthDataSource returns the vpnlogs_tunnel_health data source.
func NewTunnelHealthDataSource() datasource.DataSource { return &tunnelHealthDataSource{} }

type tunnelHealthDataSource struct{ dataSourceWithConfigure }

type tunnelHealthModel struct {
	healthModel

	BGPLogGroupARN         types.String `tfsdk:"bgp_log_group_arn"`
	Lookback               types.String `tfsdk:"lookback"`
	QueryMode              types.String `tfsdk:"query_mode"`
	TunnelLogGroupARN      types.String `tfsdk:"tunnel_log_group_arn"`
	TunnelOutsideIPAddress types.String `tfsdk:"tunnel_outside_ip_address"`
	VPNConnectionID        types.String `tfsdk:"vpn_connection_id"`
}

func (d *tunnelHealthDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tunnel_health"
}

// tunnelHealthDescription explains statuses, the reading and its cost; the documentation template repeats it.
var tunnelHealthDescription = "A Site-to-Site VPN tunnel's health, read from its CloudWatch Logs tunnel activity log and BGP log " +
	"and from AWS's telemetry, for outputs, `check` blocks, preconditions and runbooks. Every documented AWS log message " +
	"is recognised (IKEv1 and IKEv2 errors, IKEv2 negotiation, BGP status, route status), in JSON and TEXT output format.\n\n" +
	healthStatusDescription + "\n\n" +
	"The tunnel's streams are those whose name contains the VPN connection ID and the outside IP address. Within " +
	"`lookback`, events are downloaded with `FilterLogEvents` (paginated), or, for a lookback above " +
	health.FormatDuration(health.InsightsThreshold) + " or with `query_mode = \"insights\"`, aggregated by CloudWatch Logs Insights " +
	"(`StartQuery`/`GetQueryResults`). When the window holds no event, the state comes from the latest events before it " +
	"(one newest-first read). CloudWatch Logs calls per log group stay at or below ceil(events in the window / 10,000) + 2 " +
	"while events average under about 78 bytes (a page is also cut at 1 MiB) and the streams are named from the VPN ID. " +
	"`telemetry` comes from the run's shared `DescribeVpnConnections` snapshot, at no extra cost.\n\n" +
	"Reads are shared within a run: when the data sources of a plan read tunnels of two or more connections from the " +
	"same log group and window, the group is read once for all of them (ceil(bytes / 1 MiB) `FilterLogEvents` calls, or " +
	"one Logs Insights query per 50 groups), and each tunnel takes its own streams, with the same result as its own " +
	"read. The provider paces its CloudWatch Logs calls at AWS's quotas (`logs_rate_limits`), so a fleet's reads wait " +
	"their turn instead of failing. `vpnlogs_fleet_health` reads a whole fleet in one data source.\n\n" +
	"Permissions: `logs:FilterLogEvents`, `logs:DescribeLogStreams`, and `logs:StartQuery` with `logs:GetQueryResults` " +
	"for the Insights mode (`vpnlogs_iam_policy_document` with `include_read = true` has them all)."

func (d *tunnelHealthDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := healthAttributes()
	attrs["bgp_log_group_arn"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Log group of the BGP log, an ARN (a trailing `:*` is accepted). Default: the group the tunnel's " +
			"BGP log is delivered to now; when that log is disabled and this is not set, the BGP log is not read. May be " +
			"the same group as `tunnel_log_group_arn`: it is then read once.",
		Validators: []validator.String{validators.LogGroupARN()},
	}
	attrs["lookback"] = lookbackAttribute()
	attrs["query_mode"] = queryModeAttribute()
	attrs["tunnel_log_group_arn"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Log group of the tunnel activity log, an ARN (a trailing `:*` is accepted). Default: the group " +
			"the tunnel's activity log is delivered to now; when that log is disabled and this is not set, it is not read.",
		Validators: []validator.String{validators.LogGroupARN()},
	}
	attrs["tunnel_outside_ip_address"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "Outside (public) IP address of the AWS end of the tunnel, as in `vpnlogs_vpn_connections`.",
		Validators:          []validator.String{validators.IPAddress()},
	}
	attrs["vpn_connection_id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "ID of the VPN connection, for example `vpn-0123456789abcdef0`.",
		Validators:          []validator.String{validators.VPNConnectionID()},
	}
	resp.Schema = schema.Schema{MarkdownDescription: tunnelHealthDescription, Attributes: attrs}
}

// lookbackAttribute is the lookback input of the health data sources.
func lookbackAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("How far back to read, as a Go duration (`30m`, `1h`, `24h`), between %s and %s. "+
			"Defaults to `1h`. Above %s, mode `auto` uses Logs Insights.", health.FormatDuration(health.MinLookback),
			health.FormatDuration(health.MaxLookback), health.FormatDuration(health.InsightsThreshold)),
		Validators: []validator.String{validators.Lookback()},
	}
}

// queryModeAttribute is the query_mode input of the health data sources.
func queryModeAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "`auto` (the default: download up to a lookback of " + health.FormatDuration(health.InsightsThreshold) +
			", Logs Insights above), `filter` (always download with `FilterLogEvents`) or `insights` (always aggregate with " +
			"CloudWatch Logs Insights). Both give the same status and issues.",
		Validators: []validator.String{stringvalidator.OneOf(health.Modes...)},
	}
}

// lookbackOf is the configured lookback (the attribute's validator checked it), or the default.
func lookbackOf(v types.String, diags *diag.Diagnostics) time.Duration {
	if v.ValueString() == "" {
		return health.DefaultLookback
	}
	d, err := health.ParseLookback(v.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("lookback"), "Invalid lookback", err.Error()+".")
	}
	return d
}

func (d *tunnelHealthDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireConfigured(&resp.Diagnostics) {
		return
	}
	var m tunnelHealthModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lookback := lookbackOf(m.Lookback, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	connID, ip := m.VPNConnectionID.ValueString(), m.TunnelOutsideIPAddress.ValueString()
	conn, tun, err := d.data.vpn.FindTunnel(ctx, connID, ip)
	if err != nil {
		if !d.data.addNotFound(&resp.Diagnostics, err, conn, path.Root("vpn_connection_id"), path.Root("tunnel_outside_ip_address"), "") {
			resp.Diagnostics.AddError(fmt.Sprintf("reading EC2 VPN connection (%s) tunnel (%s)", connID, ip), err.Error())
		}
		return
	}

	hreq := health.Request{VPNConnectionID: connID, OutsideIP: tun.OutsideIP, Lookback: lookback, Mode: m.QueryMode.ValueString()}
	groupAttr := map[string]path.Path{}
	for _, g := range []struct {
		attr   string
		given  types.String
		logged vpn.LogDestination
		dst    *string
	}{
		{"tunnel_log_group_arn", m.TunnelLogGroupARN, tun.Logging.Activity, &hreq.TunnelLogGroup},
		{"bgp_log_group_arn", m.BGPLogGroupARN, tun.Logging.BGP, &hreq.BGPLogGroup},
	} {
		switch {
		case g.given.ValueString() != "":
			*g.dst = g.given.ValueString()
			if a, err := logdelivery.ParseLogGroupARN(*g.dst); err == nil { // the attribute's validator checked it
				groupAttr[a.Name] = path.Root(g.attr)
			}
		case g.logged.Enabled && g.logged.LogGroupARN != "":
			*g.dst = g.logged.LogGroupARN
		}
	}

	if hreq.TunnelLogGroup == "" && hreq.BGPLogGroup == "" {
		m.set(logparse.LoggingDisabled(connID, ip, enableAdvice+
			", or set tunnel_log_group_arn or bgp_log_group_arn to read a group the logs went to before"), tun.Telemetry)
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}

	res, err := d.data.health.Read(ctx, hreq)
	if err != nil {
		summary := fmt.Sprintf("reading CloudWatch Logs for EC2 VPN connection (%s) tunnel (%s) health", connID, ip)
		var he *health.Error
		if errors.As(err, &he) {
			if p, ok := groupAttr[he.Group]; ok {
				resp.Diagnostics.AddAttributeError(p, summary, err.Error())
				return
			}
		}
		resp.Diagnostics.AddError(summary, err.Error())
		return
	}
	for _, g := range res.Groups {
		tflog.Debug(ctx, "read tunnel health", map[string]any{
			"vpn_connection_id": connID, "tunnel_outside_ip_address": ip, "log_group": g.Group, "logs": g.Logs,
			"mode": res.Mode, "calls": g.Calls, "events_in_window": g.EventsInWindow, "events_before_window": g.EventsBeforeWindow,
			"streams": g.Streams, "stream_discovery": g.StreamDiscovery, "shared": g.Shared,
		})
		for _, n := range g.Notes {
			resp.Diagnostics.AddWarning("Tunnel health read incompletely", n)
		}
	}
	m.set(res.Health, tun.Telemetry)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// enableAdvice is how Terraform turns a tunnel's logging on, completing logparse.LoggingDisabled's "Enable it with".
const enableAdvice = "a vpnlogs_tunnel_logging resource (tunnel_log and bgp_log blocks)"
