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

type tunnelHealthDataSource struct{ data *providerData }

type tunnelHealthModel struct {
	BGPLogGroupARN         types.String       `tfsdk:"bgp_log_group_arn"`
	BGPSessionState        types.String       `tfsdk:"bgp_session_state"`
	BGPStatus              types.String       `tfsdk:"bgp_status"`
	DeniedRoutes           []deniedRouteModel `tfsdk:"denied_routes"`
	DPDEnabled             types.Bool         `tfsdk:"dpd_enabled"`
	EventsRead             types.Int64        `tfsdk:"events_read"`
	EventsUnrecognized     types.Int64        `tfsdk:"events_unrecognized"`
	Flaps                  types.Int64        `tfsdk:"flaps"`
	IKEPhase1State         types.String       `tfsdk:"ike_phase1_state"`
	IKEPhase2State         types.String       `tfsdk:"ike_phase2_state"`
	Issues                 []healthIssueModel `tfsdk:"issues"`
	LastEventAt            types.String       `tfsdk:"last_event_at"`
	Lookback               types.String       `tfsdk:"lookback"`
	NATTDetected           types.Bool         `tfsdk:"nat_t_detected"`
	PrefixLimit            *prefixLimitModel  `tfsdk:"prefix_limit"`
	QueryMode              types.String       `tfsdk:"query_mode"`
	Routes                 *routeCountsModel  `tfsdk:"routes"`
	Status                 types.String       `tfsdk:"status"`
	StatusReason           types.String       `tfsdk:"status_reason"`
	Telemetry              *telemetryModel    `tfsdk:"telemetry"`
	TunnelLogGroupARN      types.String       `tfsdk:"tunnel_log_group_arn"`
	TunnelOutsideIPAddress types.String       `tfsdk:"tunnel_outside_ip_address"`
	VPNConnectionID        types.String       `tfsdk:"vpn_connection_id"`
}

type healthIssueModel struct {
	Code        types.String `tfsdk:"code"`
	Count       types.Int64  `tfsdk:"count"`
	Explanation types.String `tfsdk:"explanation"`
	FirstSeen   types.String `tfsdk:"first_seen"`
	LastSeen    types.String `tfsdk:"last_seen"`
	Message     types.String `tfsdk:"message"`
	Remediation types.String `tfsdk:"remediation"`
	Severity    types.String `tfsdk:"severity"`
}

type deniedRouteModel struct {
	Prefix types.String `tfsdk:"prefix"`
	Reason types.String `tfsdk:"reason"`
}

type prefixLimitModel struct {
	Limit    types.Int64 `tfsdk:"limit"`
	Received types.Int64 `tfsdk:"received"`
}

type routeCountsModel struct {
	Advertised types.Int64 `tfsdk:"advertised"`
	Denied     types.Int64 `tfsdk:"denied"`
	Updated    types.Int64 `tfsdk:"updated"`
	Withdrawn  types.Int64 `tfsdk:"withdrawn"`
}

// healthTimeFormat is RFC 3339 with milliseconds, the precision of CloudWatch Logs timestamps.
const healthTimeFormat = "2006-01-02T15:04:05.000Z07:00"

func (d *tunnelHealthDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tunnel_health"
}

// tunnelHealthDescription explains statuses, the reading and its cost; the documentation template repeats it.
var tunnelHealthDescription = "A Site-to-Site VPN tunnel's health, read from its CloudWatch Logs tunnel activity log and BGP log " +
	"and from AWS's telemetry, for outputs, `check` blocks, preconditions and runbooks. Every documented AWS log message " +
	"is recognised (IKEv1 and IKEv2 errors, IKEv2 negotiation, BGP status, route status), in JSON and TEXT output format.\n\n" +
	"`status` is, first match wins (\"recent\" means within the last hour, or the lookback if shorter):\n\n" +
	"* `unknown`: logging is disabled, or no event was found, or no event reports an IKE or BGP state;\n" +
	"* `down`: the latest IKE phase 1 or phase 2 state is `Down`, or the BGP session is `DOWN` (not `Established`);\n" +
	"* `degraded`: an IKE phase is negotiating, an error was logged recently, the tunnel or the BGP session flapped " +
	"recently, a prefix-limit warning or violation was logged recently, or a route is currently denied;\n" +
	"* `healthy`: otherwise.\n\n" +
	"The tunnel's streams are those whose name contains the VPN connection ID and the outside IP address. Within " +
	"`lookback`, events are downloaded with `FilterLogEvents` (paginated), or, for a lookback above " +
	health.FormatDuration(health.InsightsThreshold) + " or with `query_mode = \"insights\"`, aggregated by CloudWatch Logs Insights " +
	"(`StartQuery`/`GetQueryResults`). When the window holds no event, the state comes from the latest events before it " +
	"(one newest-first read). CloudWatch Logs calls per log group stay at or below ceil(events in the window / 10,000) + 2 " +
	"while events average under about 78 bytes (a page is also cut at 1 MiB) and the streams are named from the VPN ID. " +
	"`telemetry` comes from the run's shared `DescribeVpnConnections` snapshot, at no extra cost.\n\n" +
	"Permissions: `logs:FilterLogEvents`, `logs:DescribeLogStreams`, and `logs:StartQuery` with `logs:GetQueryResults` " +
	"for the Insights mode (`vpnlogs_iam_policy_document` with `include_read = true` has them all)."

func (d *tunnelHealthDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	rfc := " (RFC 3339, UTC, milliseconds)"
	resp.Schema = schema.Schema{
		MarkdownDescription: tunnelHealthDescription,
		Attributes: map[string]schema.Attribute{
			"bgp_log_group_arn": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Log group of the BGP log, an ARN (a trailing `:*` is accepted). Default: the group the tunnel's " +
					"BGP log is delivered to now; when that log is disabled and this is not set, the BGP log is not read. May be " +
					"the same group as `tunnel_log_group_arn`: it is then read once.",
				Validators: []validator.String{validators.LogGroupARN()},
			},
			"bgp_session_state": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "BGP finite-state-machine state after the latest transition logged: `Idle`, `Connect`, `Active`, " +
					"`OpenSent`, `OpenConfirm` or `Established`; null when none was logged.",
			},
			"bgp_status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Latest BGP status of the BGP log, `" + logparse.StatusUp + "` or `" + logparse.StatusDown + "`; null when none was read.",
			},
			"denied_routes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Prefixes whose latest route event was a denial, sorted by prefix.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"prefix": schema.StringAttribute{Computed: true, MarkdownDescription: "The prefix, for example `172.31.0.0/16`."},
					"reason": schema.StringAttribute{Computed: true, MarkdownDescription: "AWS's message, for example `DENIED due to: as-path contains our own AS`."},
				}},
			},
			"dpd_enabled": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether Dead Peer Detection is enabled, from the latest tunnel activity event; null when unknown.",
			},
			"events_read": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "Events folded into the health: those of the window, or, when the window held none of a log, " +
					"the latest events of that log before it.",
			},
			"events_unrecognized": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Events whose message is not in AWS's documented catalogue (kept as the `unknown` issue).",
			},
			"flaps": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "How often the tunnel left its up state: the BGP session's drops out of `Established` when a " +
					"BGP event was read, else tunnel activity events reporting it down right after up.",
			},
			"ike_phase1_state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Latest IKE phase 1 state: `Established`, `Rekeying`, `Negotiating` or `Down`; null when unknown.",
			},
			"ike_phase2_state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Latest IKE phase 2 state: `Established`, `Rekeying`, `Negotiating` or `Down`; null when unknown.",
			},
			"issues": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Warning and error messages grouped by code, worst first, then latest first (plus the info-level " +
					"`unknown` group of unrecognised events).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"code":        schema.StringAttribute{Computed: true, MarkdownDescription: "Stable code, for example `ike.psk_mismatch` or `bgp.notification_sent.cease_max_prefixes`."},
					"count":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of events."},
					"explanation": schema.StringAttribute{Computed: true, MarkdownDescription: "AWS's explanation of the message."},
					"first_seen":  schema.StringAttribute{Computed: true, MarkdownDescription: "First event" + rfc + "."},
					"last_seen":   schema.StringAttribute{Computed: true, MarkdownDescription: "Latest event" + rfc + "."},
					"message":     schema.StringAttribute{Computed: true, MarkdownDescription: "Text of the latest event."},
					"remediation": schema.StringAttribute{Computed: true, MarkdownDescription: "What to check or change."},
					"severity":    schema.StringAttribute{Computed: true, MarkdownDescription: "`error`, `warning` or `info`."},
				}},
			},
			"last_event_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Time of the latest event read" + rfc + "; null when none.",
			},
			"lookback": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How far back to read, as a Go duration (`30m`, `1h`, `24h`), between %s and %s. "+
					"Defaults to `1h`. Above %s, mode `auto` uses Logs Insights.", health.FormatDuration(health.MinLookback),
					health.FormatDuration(health.MaxLookback), health.FormatDuration(health.InsightsThreshold)),
				Validators: []validator.String{validators.Lookback()},
			},
			"nat_t_detected": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether NAT traversal was detected on the customer gateway, from the latest tunnel activity event; null when unknown.",
			},
			"prefix_limit": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Prefix count of the latest prefix-limit warning or violation; null when none was logged.",
				Attributes: map[string]schema.Attribute{
					"limit":    schema.Int64Attribute{Computed: true, MarkdownDescription: "The limit."},
					"received": schema.Int64Attribute{Computed: true, MarkdownDescription: "Prefixes received from the customer gateway."},
				},
			},
			"query_mode": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`auto` (the default: download up to a lookback of " + health.FormatDuration(health.InsightsThreshold) +
					", Logs Insights above), `filter` (always download with `FilterLogEvents`) or `insights` (always aggregate with " +
					"CloudWatch Logs Insights). Both give the same status and issues.",
				Validators: []validator.String{stringvalidator.OneOf(health.Modes...)},
			},
			"routes": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Route status events read, by status; `denied` counts those AWS refused (they also count under their status).",
				Attributes: map[string]schema.Attribute{
					"advertised": schema.Int64Attribute{Computed: true, MarkdownDescription: "`ADVERTISED` events."},
					"denied":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Denials (`DENIED due to: …`)."},
					"updated":    schema.Int64Attribute{Computed: true, MarkdownDescription: "`UPDATED` events."},
					"withdrawn":  schema.Int64Attribute{Computed: true, MarkdownDescription: "`WITHDRAWN` events."},
				},
			},
			"status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`healthy`, `degraded`, `down` or `unknown` (see above).",
			},
			"status_reason": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "One sentence naming the main cause, with the latest message and its code.",
			},
			"telemetry": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "AWS's telemetry for the tunnel (`vgwTelemetry` of `DescribeVpnConnections`); null when AWS reports none.",
				Attributes:          telemetryAttributes(),
			},
			"tunnel_log_group_arn": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Log group of the tunnel activity log, an ARN (a trailing `:*` is accepted). Default: the group " +
					"the tunnel's activity log is delivered to now; when that log is disabled and this is not set, it is not read.",
				Validators: []validator.String{validators.LogGroupARN()},
			},
			"tunnel_outside_ip_address": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Outside (public) IP address of the AWS end of the tunnel, as in `vpnlogs_vpn_connections`.",
				Validators:          []validator.String{validators.IPAddress()},
			},
			"vpn_connection_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the VPN connection, for example `vpn-0123456789abcdef0`.",
				Validators: []validator.String{stringvalidator.RegexMatches(vpn.ConnectionIDPattern,
					"must be a VPN connection ID such as vpn-0123456789abcdef0")},
			},
		},
	}
}

func (d *tunnelHealthDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *tunnelHealthDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tunnelHealthModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lookback := health.DefaultLookback
	if s := m.Lookback.ValueString(); s != "" {
		var err error
		if lookback, err = health.ParseLookback(s); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("lookback"), "Invalid lookback", err.Error()+".")
			return
		}
	}
	connID, ip := m.VPNConnectionID.ValueString(), m.TunnelOutsideIPAddress.ValueString()
	conn, tun, err := d.data.vpn.FindTunnel(ctx, connID, ip)
	if err != nil {
		d.tunnelError(conn, connID, ip, err, &resp.Diagnostics)
		return
	}
	m.Telemetry = telemetry(tun.Telemetry)

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
		setHealth(&m, logparse.Health{
			Status: logparse.HealthUnknown,
			StatusReason: fmt.Sprintf("Logging is disabled on tunnel %s of %s: neither its activity log nor its BGP log is delivered "+
				"to CloudWatch Logs, so there are no events to read. Enable it with a vpnlogs_tunnel_logging resource (tunnel_log "+
				"and bgp_log blocks), or set tunnel_log_group_arn or bgp_log_group_arn to read a group the logs went to before.", ip, connID),
		})
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}

	reader := &health.Reader{Logs: d.data.clients.Logs}
	res, err := reader.Read(ctx, hreq)
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
			"streams": g.Streams, "stream_discovery": g.StreamDiscovery,
		})
		for _, n := range g.Notes {
			resp.Diagnostics.AddWarning("Tunnel health read incompletely", n)
		}
	}
	setHealth(&m, res.Health)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// tunnelError turns a failed tunnel lookup into an attribute error (vpn.NotFoundError words it).
func (d *tunnelHealthDataSource) tunnelError(conn *vpn.Connection, connID, ip string, err error, diags *diag.Diagnostics) {
	var nf *vpn.NotFoundError
	switch {
	case errors.As(err, &nf) && nf.OutsideIP != "":
		diags.AddAttributeError(path.Root("tunnel_outside_ip_address"), "No such tunnel", nf.Explain(conn, d.data.clients.Region, "the provider's region"))
	case errors.As(err, &nf):
		diags.AddAttributeError(path.Root("vpn_connection_id"), "No such VPN connection", nf.Explain(conn, d.data.clients.Region, "the provider's region"))
	default:
		diags.AddError(fmt.Sprintf("reading EC2 VPN connection (%s) tunnel (%s)", connID, ip), err.Error())
	}
}

// setHealth writes a Health into the model: unknown states are null, counts and lists are always set.
func setHealth(m *tunnelHealthModel, h logparse.Health) {
	m.Status = types.StringValue(h.Status)
	m.StatusReason = types.StringValue(h.StatusReason)
	m.IKEPhase1State = optionalString(h.IKEPhase1)
	m.IKEPhase2State = optionalString(h.IKEPhase2)
	m.DPDEnabled = optionalBool(h.DPDEnabled)
	m.NATTDetected = optionalBool(h.NATTDetected)
	m.BGPStatus = optionalString(h.BGPStatus)
	m.BGPSessionState = optionalString(h.BGPSessionState)
	m.LastEventAt = optionalTime(h.LastEventAt)
	m.Flaps = types.Int64Value(int64(h.Flaps))
	m.EventsRead = types.Int64Value(int64(h.EventsRead))
	m.EventsUnrecognized = types.Int64Value(int64(h.EventsUnrecognized))
	m.Routes = &routeCountsModel{
		Advertised: types.Int64Value(int64(h.Routes.Advertised)),
		Updated:    types.Int64Value(int64(h.Routes.Updated)),
		Withdrawn:  types.Int64Value(int64(h.Routes.Withdrawn)),
		Denied:     types.Int64Value(int64(h.Routes.Denied)),
	}
	m.PrefixLimit = nil
	if pl := h.PrefixLimit; pl != nil {
		m.PrefixLimit = &prefixLimitModel{Received: types.Int64Value(int64(pl.Received)), Limit: types.Int64Value(int64(pl.Limit))}
	}
	m.DeniedRoutes = make([]deniedRouteModel, 0, len(h.DeniedRoutes))
	for _, dr := range h.DeniedRoutes {
		m.DeniedRoutes = append(m.DeniedRoutes, deniedRouteModel{Prefix: types.StringValue(dr.Prefix.String()), Reason: types.StringValue(dr.Reason)})
	}
	m.Issues = make([]healthIssueModel, 0, len(h.Issues))
	for _, is := range h.Issues {
		m.Issues = append(m.Issues, healthIssueModel{
			Code:        types.StringValue(is.Code),
			Severity:    types.StringValue(is.Severity.String()),
			Message:     types.StringValue(is.Message),
			Count:       types.Int64Value(int64(is.Count)),
			FirstSeen:   optionalTime(is.FirstSeen),
			LastSeen:    optionalTime(is.LastSeen),
			Explanation: types.StringValue(is.Explanation),
			Remediation: types.StringValue(is.Remediation),
		})
	}
}

func optionalBool(b *bool) types.Bool {
	if b == nil {
		return types.BoolNull()
	}
	return types.BoolValue(*b)
}

func optionalTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(healthTimeFormat))
}
