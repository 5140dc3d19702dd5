package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/provider/validators"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

var _ datasource.DataSourceWithConfigure = (*vpnConnectionsDataSource)(nil)

// NewVPNConnectionsDataSource returns the vpnlogs_vpn_connections data source.
func NewVPNConnectionsDataSource() datasource.DataSource { return &vpnConnectionsDataSource{} }

type vpnConnectionsDataSource struct{ dataSourceWithConfigure }

type vpnConnectionsModel struct {
	Connections []vpnConnectionModel `tfsdk:"connections"`
	IDs         types.List           `tfsdk:"ids"`
	States      types.List           `tfsdk:"states"`
	Tags        types.Map            `tfsdk:"tags"`
	TunnelIDs   types.List           `tfsdk:"tunnel_ids"`
}

type vpnConnectionModel struct {
	CustomerGatewayID types.String     `tfsdk:"customer_gateway_id"`
	ID                types.String     `tfsdk:"id"`
	State             types.String     `tfsdk:"state"`
	Tags              types.Map        `tfsdk:"tags"`
	TransitGatewayID  types.String     `tfsdk:"transit_gateway_id"`
	Tunnels           []vpnTunnelModel `tfsdk:"tunnels"`
	Type              types.String     `tfsdk:"type"`
	VPNGatewayID      types.String     `tfsdk:"vpn_gateway_id"`
}

type vpnTunnelModel struct {
	BGPLog           logStatusModel  `tfsdk:"bgp_log"`
	OutsideIPAddress types.String    `tfsdk:"outside_ip_address"`
	Telemetry        *telemetryModel `tfsdk:"telemetry"`
	TunnelLog        logStatusModel  `tfsdk:"tunnel_log"`
}

type logStatusModel struct {
	Enabled      types.Bool   `tfsdk:"enabled"`
	LogGroupARN  types.String `tfsdk:"log_group_arn"`
	OutputFormat types.String `tfsdk:"output_format"`
}

type telemetryModel struct {
	AcceptedRouteCount types.Int64  `tfsdk:"accepted_route_count"`
	LastStatusChange   types.String `tfsdk:"last_status_change"`
	Status             types.String `tfsdk:"status"`
	StatusMessage      types.String `tfsdk:"status_message"`
}

func (d *vpnConnectionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vpn_connections"
}

func logStatusSchema(what string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: "Delivery of the tunnel's " + what + ".",
		Attributes: map[string]schema.Attribute{
			"enabled":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the log is delivered."},
			"log_group_arn": schema.StringAttribute{Computed: true, MarkdownDescription: "Log group ARN as AWS reports it; null when disabled."},
			"output_format": schema.StringAttribute{Computed: true, MarkdownDescription: "`json` or `text`; null when disabled."},
		},
	}
}

// telemetryAttributes is shared with the tunnel health data source.
func telemetryAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"accepted_route_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "BGP routes AWS accepted from the customer gateway."},
		"last_status_change":   schema.StringAttribute{Computed: true, MarkdownDescription: "When the status last changed (RFC 3339)."},
		"status":               schema.StringAttribute{Computed: true, MarkdownDescription: "`" + vpn.TelemetryUp + "` or `" + vpn.TelemetryDown + "`."},
		"status_message":       schema.StringAttribute{Computed: true, MarkdownDescription: "AWS's message, such as `IPSEC IS UP` or `2 BGP ROUTES`."},
	}
}

func (d *vpnConnectionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Site-to-Site VPN connections with each tunnel's outside IP address, log delivery and AWS " +
			"telemetry, and never their secrets (pre-shared keys and the customer gateway configuration are not read). " +
			"A module uses it with `for_each` to enable logging on every tunnel of a fleet. All `vpnlogs` resources and data " +
			"sources in a run share one `DescribeVpnConnections` call.",
		Attributes: map[string]schema.Attribute{
			"connections": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Matching connections, sorted by ID.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"customer_gateway_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Customer gateway ID."},
					"id":                  schema.StringAttribute{Computed: true, MarkdownDescription: "VPN connection ID."},
					"state":               schema.StringAttribute{Computed: true, MarkdownDescription: "`pending`, `available`, `modifying`, `deleting` or `deleted`."},
					"tags":                schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Tags."},
					"transit_gateway_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "Transit gateway ID, if attached to one."},
					"tunnels": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "The connection's tunnels, sorted by outside IP address.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"bgp_log":            logStatusSchema("BGP log"),
							"outside_ip_address": schema.StringAttribute{Computed: true, MarkdownDescription: "Outside IP address of the AWS end: the tunnel's identity."},
							"telemetry": schema.SingleNestedAttribute{
								Computed:            true,
								MarkdownDescription: "AWS's telemetry for the tunnel (`vgwTelemetry`); null when AWS reports none.",
								Attributes:          telemetryAttributes(),
							},
							"tunnel_log": logStatusSchema("activity log"),
						}},
					},
					"type":           schema.StringAttribute{Computed: true, MarkdownDescription: "Connection type, `ipsec.1`."},
					"vpn_gateway_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Virtual private gateway ID, if attached to one."},
				}},
			},
			"ids": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only these connections. An ID that does not exist is an error, as in `DescribeVpnConnections`.",
				Validators:          []validator.List{listvalidator.ValueStringsAre(validators.VPNConnectionID())},
			},
			"states": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Only connections in these states. Without it, every connection except those `deleting` or " +
					"`deleted` (which AWS keeps listing for a while, and whose tunnels can no longer deliver logs) is returned.",
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf(
					vpn.StatePending, vpn.StateAvailable, vpn.StateModifying, vpn.StateDeleting, vpn.StateDeleted))},
			},
			"tags": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only connections that carry all of these tags with these values.",
			},
			"tunnel_ids": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Every tunnel of the matching connections as `<vpn_connection_id>/<outside_ip_address>`, the " +
					"import ID of `vpnlogs_tunnel_logging`. Convenient as a `for_each` set.",
			},
		},
	}
}

func (d *vpnConnectionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireConfigured(&resp.Diagnostics) {
		return
	}
	var m vpnConnectionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var f vpn.Filter
	resp.Diagnostics.Append(m.IDs.ElementsAs(ctx, &f.IDs, false)...)
	resp.Diagnostics.Append(m.States.ElementsAs(ctx, &f.States, false)...)
	resp.Diagnostics.Append(m.Tags.ElementsAs(ctx, &f.Tags, false)...)
	if resp.Diagnostics.HasError() {
		return
	}

	conns, err := d.data.vpn.List(ctx, f)
	if err != nil {
		if !d.data.addNotFound(&resp.Diagnostics, err, nil, path.Root("ids"), path.Root("ids"), "") {
			resp.Diagnostics.AddError("reading EC2 VPN connections", err.Error())
		}
		return
	}

	m.Connections = make([]vpnConnectionModel, 0, len(conns))
	tunnelIDs := []string{}
	for _, c := range conns {
		cm := vpnConnectionModel{
			CustomerGatewayID: types.StringValue(c.CustomerGatewayID),
			ID:                types.StringValue(c.ID),
			State:             types.StringValue(c.State),
			TransitGatewayID:  optionalString(c.TransitGatewayID),
			Type:              types.StringValue(c.Type),
			VPNGatewayID:      optionalString(c.VPNGatewayID),
			Tunnels:           make([]vpnTunnelModel, 0, len(c.Tunnels)),
		}
		tags, diags := types.MapValueFrom(ctx, types.StringType, c.Tags)
		resp.Diagnostics.Append(diags...)
		cm.Tags = tags
		for _, t := range c.Tunnels {
			cm.Tunnels = append(cm.Tunnels, vpnTunnelModel{
				OutsideIPAddress: types.StringValue(t.OutsideIP),
				TunnelLog:        logStatus(t.Logging.Activity),
				BGPLog:           logStatus(t.Logging.BGP),
				Telemetry:        telemetry(t.Telemetry),
			})
			tunnelIDs = append(tunnelIDs, vpn.TunnelID(c.ID, t.OutsideIP))
		}
		m.Connections = append(m.Connections, cm)
	}
	ids, diags := types.ListValueFrom(ctx, types.StringType, tunnelIDs)
	resp.Diagnostics.Append(diags...)
	m.TunnelIDs = ids
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func logStatus(d vpn.LogDestination) logStatusModel {
	if !d.Enabled {
		return logStatusModel{Enabled: types.BoolValue(false), LogGroupARN: types.StringNull(), OutputFormat: types.StringNull()}
	}
	return logStatusModel{Enabled: types.BoolValue(true), LogGroupARN: types.StringValue(d.LogGroupARN), OutputFormat: types.StringValue(d.OutputFormat)}
}

func telemetry(t *vpn.Telemetry) *telemetryModel {
	if t == nil {
		return nil
	}
	changed := types.StringNull()
	if at, ok := t.StatusChangedAt(); ok {
		changed = types.StringValue(at)
	}
	return &telemetryModel{
		AcceptedRouteCount: types.Int64Value(int64(t.AcceptedRouteCount)),
		LastStatusChange:   changed,
		Status:             types.StringValue(t.Status),
		StatusMessage:      types.StringValue(t.StatusMessage),
	}
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
