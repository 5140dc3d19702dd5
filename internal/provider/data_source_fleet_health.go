package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/provider/validators"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

var _ datasource.DataSourceWithConfigure = (*fleetHealthDataSource)(nil)

// NewFleetHealthDataSource returns the vpnlogs_fleet_health data source.
func NewFleetHealthDataSource() datasource.DataSource { return &fleetHealthDataSource{} }

type fleetHealthDataSource struct{ dataSourceWithConfigure }

type fleetHealthModel struct {
	Lookback         types.String                `tfsdk:"lookback"`
	QueryMode        types.String                `tfsdk:"query_mode"`
	Summary          *fleetSummaryModel          `tfsdk:"summary"`
	Tags             types.Map                   `tfsdk:"tags"`
	Tunnels          map[string]fleetTunnelModel `tfsdk:"tunnels"`
	VPNConnectionIDs types.Set                   `tfsdk:"vpn_connection_ids"`
}

// fleetTunnelModel is one entry of tunnels: the health object, and which tunnel and groups it is.
type fleetTunnelModel struct {
	healthModel

	BGPLogGroupARN         types.String `tfsdk:"bgp_log_group_arn"`
	TunnelLogGroupARN      types.String `tfsdk:"tunnel_log_group_arn"`
	TunnelOutsideIPAddress types.String `tfsdk:"tunnel_outside_ip_address"`
	VPNConnectionID        types.String `tfsdk:"vpn_connection_id"`
}

type fleetSummaryModel struct {
	Degraded types.Int64 `tfsdk:"degraded"`
	Down     types.Int64 `tfsdk:"down"`
	Healthy  types.Int64 `tfsdk:"healthy"`
	Unknown  types.Int64 `tfsdk:"unknown"`
}

func (d *fleetHealthDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_fleet_health"
}

var fleetHealthDescription = "The health of every tunnel of a fleet of Site-to-Site VPN connections, read at once, for " +
	"one output, one `check` block or one alert over the whole fleet. Each tunnel's entry is the object " +
	"`vpnlogs_tunnel_health` returns, read from the groups the tunnel delivers its logs to now.\n\n" +
	healthStatusDescription + "\n\n" +
	"Each log group is read once for the whole fleet and window, whatever the number of tunnels: `FilterLogEvents` " +
	"over the group (ceil(bytes in the window / 1 MiB) calls), plus one newest-first page before the window when some " +
	"tunnel logged nothing in it; above a lookback of " + health.FormatDuration(health.InsightsThreshold) + " (or with " +
	"`query_mode = \"insights\"`), one CloudWatch Logs Insights query per 50 groups. Each tunnel takes its own " +
	"streams, with the same result as `vpnlogs_tunnel_health`. The provider paces its calls at AWS's quotas " +
	"(`logs_rate_limits`), so a large fleet's read takes longer rather than failing; `vpnlogs_tunnel_health` data " +
	"sources of the same plan share the same reads.\n\n" +
	"A tunnel whose logs cannot be read (a deleted log group, a missing permission) is `unknown`, its `status_reason` " +
	"says why, and the read warns: one unreadable group does not hide the rest of the fleet. A tunnel whose logging " +
	"is disabled is `unknown` too.\n\n" +
	"Permissions: `ec2:DescribeVpnConnections`, `logs:FilterLogEvents`, `logs:DescribeLogStreams`, and `logs:StartQuery` " +
	"with `logs:GetQueryResults` for the Insights mode (`vpnlogs_iam_policy_document` with `include_read = true` has them all)."

func (d *fleetHealthDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	tunnel := healthAttributes()
	tunnel["bgp_log_group_arn"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "Log group the tunnel's BGP log was read from (where it is delivered now); null when that log is disabled.",
	}
	tunnel["tunnel_log_group_arn"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "Log group the tunnel's activity log was read from (where it is delivered now); null when that log is disabled.",
	}
	tunnel["tunnel_outside_ip_address"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Outside IP address of the tunnel."}
	tunnel["vpn_connection_id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the tunnel's VPN connection."}
	count := func(what string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: "Tunnels " + what + "."}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fleetHealthDescription,
		Attributes: map[string]schema.Attribute{
			"lookback":   lookbackAttribute(),
			"query_mode": queryModeAttribute(),
			"summary": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "How many tunnels have each status.",
				Attributes: map[string]schema.Attribute{
					"degraded": count("`degraded`"),
					"down":     count("`down`"),
					"healthy":  count("`healthy`"),
					"unknown":  count("`unknown` (logging disabled, no events, or logs that could not be read)"),
				},
			},
			"tags": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only connections that carry all of these tags with these values.",
			},
			"tunnels": schema.MapNestedAttribute{
				Computed: true,
				MarkdownDescription: "Every tunnel of the selected connections, keyed `<vpn_connection_id>/<outside_ip_address>` " +
					"(the IDs of `vpnlogs_vpn_connections`' `tunnel_ids`): the same health object as `vpnlogs_tunnel_health`.",
				NestedObject: schema.NestedAttributeObject{Attributes: tunnel},
			},
			"vpn_connection_ids": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Only these connections (an empty set selects none). An ID that does not exist is an error. " +
					"Without it and without `tags`, every connection of the region that is not being deleted.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(validators.VPNConnectionID())},
			},
		},
	}
}

func (d *fleetHealthDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireConfigured(&resp.Diagnostics) {
		return
	}
	var m fleetHealthModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lookback := lookbackOf(m.Lookback, &resp.Diagnostics)
	var f vpn.Filter
	resp.Diagnostics.Append(m.VPNConnectionIDs.ElementsAs(ctx, &f.IDs, false)...)
	resp.Diagnostics.Append(m.Tags.ElementsAs(ctx, &f.Tags, false)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var conns []vpn.Connection
	if m.VPNConnectionIDs.IsNull() || len(f.IDs) > 0 {
		var err error
		conns, err = d.data.vpn.List(ctx, f)
		if err != nil {
			p := path.Root("vpn_connection_ids")
			if !d.data.addNotFound(&resp.Diagnostics, err, nil, p, p, "") {
				resp.Diagnostics.AddError("reading EC2 VPN connections", err.Error())
			}
			return
		}
	}

	tunnels := d.data.health.ReadFleet(ctx, conns, lookback, m.QueryMode.ValueString(),
		func(string, string) string { return enableAdvice })
	m.Tunnels = make(map[string]fleetTunnelModel, len(tunnels))
	for _, th := range tunnels {
		tm := fleetTunnelModel{
			VPNConnectionID:        types.StringValue(th.VPNConnectionID),
			TunnelOutsideIPAddress: types.StringValue(th.Tunnel.OutsideIP),
			TunnelLogGroupARN:      optionalString(th.Request.TunnelLogGroup),
			BGPLogGroupARN:         optionalString(th.Request.BGPLogGroup),
		}
		tm.set(th.Health, th.Tunnel.Telemetry)
		m.Tunnels[th.ID()] = tm
	}
	sum := health.Summarize(tunnels)
	m.Summary = &fleetSummaryModel{
		Healthy: types.Int64Value(int64(sum.Healthy)), Degraded: types.Int64Value(int64(sum.Degraded)),
		Down: types.Int64Value(int64(sum.Down)), Unknown: types.Int64Value(int64(sum.Unknown)),
	}
	fleetWarnings(tunnels, &resp.Diagnostics)
	st := d.data.health.Stats()
	tflog.Debug(ctx, "read fleet health", map[string]any{
		"connections": len(conns), "tunnels": len(tunnels), "healthy": sum.Healthy, "degraded": sum.Degraded, "down": sum.Down,
		"unknown": sum.Unknown, "run_calls": st.Calls,
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fleetWarnings reports the tunnels whose logs could not be read, one warning per error (a deleted group or a
// missing permission fails every tunnel that reads it), and the reads that are incomplete.
func fleetWarnings(tunnels []health.TunnelHealth, diags *diag.Diagnostics) {
	failed := map[string][]string{}
	var errs, notes []string
	for _, th := range tunnels {
		if th.Err != nil {
			msg := th.Err.Error()
			if failed[msg] == nil {
				errs = append(errs, msg)
			}
			failed[msg] = append(failed[msg], th.ID())
		}
		if th.Result != nil {
			for _, g := range th.Result.Groups {
				for _, n := range g.Notes {
					if !slices.Contains(notes, n) {
						notes = append(notes, n)
					}
				}
			}
		}
	}
	for _, msg := range errs {
		ids := failed[msg]
		diags.AddWarning("reading CloudWatch Logs for EC2 VPN connection tunnel health",
			fmt.Sprintf("%s\n\nThe status of %d tunnel(s) is unknown: %s.", msg, len(ids), strings.Join(ids, ", ")))
	}
	for _, n := range notes {
		diags.AddWarning("Tunnel health read incompletely", n)
	}
}
