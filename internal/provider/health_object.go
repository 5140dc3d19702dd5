package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// The health object: a tunnel's health as vpnlogs_tunnel_health returns it and as each entry of
// vpnlogs_fleet_health's tunnels map holds it. Its schema (healthAttributes), its model (healthModel) and its
// flattening (healthModel.set) live here only, so that both data sources always return the same object.

// healthModel is the health object. Data source models embed it (by value, as the framework requires).
type healthModel struct {
	BGPSessionState    types.String       `tfsdk:"bgp_session_state"`
	BGPStatus          types.String       `tfsdk:"bgp_status"`
	DeniedRoutes       []deniedRouteModel `tfsdk:"denied_routes"`
	Diagnosis          *diagnosisModel    `tfsdk:"diagnosis"`
	DPDEnabled         types.Bool         `tfsdk:"dpd_enabled"`
	EventsRead         types.Int64        `tfsdk:"events_read"`
	EventsUnrecognized types.Int64        `tfsdk:"events_unrecognized"`
	Flaps              types.Int64        `tfsdk:"flaps"`
	IKEPhase1State     types.String       `tfsdk:"ike_phase1_state"`
	IKEPhase2State     types.String       `tfsdk:"ike_phase2_state"`
	Issues             []healthIssueModel `tfsdk:"issues"`
	LastEventAt        types.String       `tfsdk:"last_event_at"`
	NATTDetected       types.Bool         `tfsdk:"nat_t_detected"`
	PrefixLimit        *prefixLimitModel  `tfsdk:"prefix_limit"`
	Routes             *routeCountsModel  `tfsdk:"routes"`
	Status             types.String       `tfsdk:"status"`
	StatusReason       types.String       `tfsdk:"status_reason"`
	Telemetry          *telemetryModel    `tfsdk:"telemetry"`
}

type healthIssueModel struct {
	Code        types.String `tfsdk:"code"`
	Count       types.Int64  `tfsdk:"count"`
	Explanation types.String `tfsdk:"explanation"`
	FirstSeen   types.String `tfsdk:"first_seen"`
	LastSeen    types.String `tfsdk:"last_seen"`
	Message     types.String `tfsdk:"message"`
	Remediation types.String `tfsdk:"remediation"`
	Resolved    types.Bool   `tfsdk:"resolved"`
	Severity    types.String `tfsdk:"severity"`
}

type diagnosisModel struct {
	Code        types.String    `tfsdk:"code"`
	Evidence    []evidenceModel `tfsdk:"evidence"`
	Remediation types.String    `tfsdk:"remediation"`
	Since       types.String    `tfsdk:"since"`
	Summary     types.String    `tfsdk:"summary"`
}

type evidenceModel struct {
	Code      types.String `tfsdk:"code"`
	Count     types.Int64  `tfsdk:"count"`
	FirstSeen types.String `tfsdk:"first_seen"`
	LastSeen  types.String `tfsdk:"last_seen"`
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

// healthStatusDescription says what each status means; both data sources' descriptions include it.
const healthStatusDescription = "`status` describes the tunnel now. It is, first match wins (\"recent\" means within the last " +
	"hour, or the lookback if shorter):\n\n" +
	"* `unknown`: logging is disabled, or no event was found, or no event reports an IKE or BGP state;\n" +
	"* `down`: the latest IKE phase 1 or phase 2 state is `Down`, or the BGP session is `DOWN` (not `Established`);\n" +
	"* `degraded`: an IKE phase is negotiating, an unresolved error was logged recently, the tunnel or the BGP session " +
	"flapped recently, a prefix-limit warning or violation was logged recently and the session has not been " +
	"established since, or a route is currently denied;\n" +
	"* `healthy`: otherwise.\n\n" +
	"An error is *resolved* when the layer it concerns (IKE phase 1, phase 2, the BGP session) or a layer above it was " +
	"established after the error's last event: it stays in `issues` with `resolved = true` and does not degrade " +
	"`status`, so a tunnel that recovered is `healthy` and its `status_reason` says since when and from what.\n\n" +
	"`diagnosis` names the root cause, not the latest symptom: among the unresolved issues since the tunnel was last " +
	"reported healthy, the failing layer's first, without those another candidate explains (a pre-shared key " +
	"mismatch explains authentication failures, half-open IKE_SA timeouts, a dead peer and the BGP session that " +
	"dropped after it), then by severity and stage. It is the same whatever the order, paging or query mode the " +
	"events were read in."

// healthAttributes is the schema of the health object, every attribute computed.
func healthAttributes() map[string]schema.Attribute {
	rfc := " (RFC 3339, UTC, milliseconds)"
	return map[string]schema.Attribute{
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
		"diagnosis": schema.SingleNestedAttribute{
			Computed: true,
			MarkdownDescription: "The root cause of the tunnel's state (see above); null when the tunnel is healthy, or unknown " +
				"because nothing was read. `status_reason` is its one-line form.",
			Attributes: map[string]schema.Attribute{
				"code": schema.StringAttribute{Computed: true, MarkdownDescription: "The root cause's code, for example " +
					"`ike.psk_mismatch`; `" + logparse.CodeUnknown + "` when no logged message explains the state, `" +
					logparse.CodeLoggingDisabled + "` when the tunnel delivers no log."},
				"evidence": schema.ListNestedAttribute{
					Computed:            true,
					MarkdownDescription: "The issues the diagnosis weighed, the root cause first, then by first event.",
					NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"code":       schema.StringAttribute{Computed: true, MarkdownDescription: "The issue's code."},
						"count":      schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of events."},
						"first_seen": schema.StringAttribute{Computed: true, MarkdownDescription: "First event" + rfc + "."},
						"last_seen":  schema.StringAttribute{Computed: true, MarkdownDescription: "Latest event" + rfc + "."},
					}},
				},
				"remediation": schema.StringAttribute{Computed: true, MarkdownDescription: "What to check or change: the root cause's remediation."},
				"since":       schema.StringAttribute{Computed: true, MarkdownDescription: "When the trouble began" + rfc + ", not before the tunnel was last reported healthy; null when unknown."},
				"summary":     schema.StringAttribute{Computed: true, MarkdownDescription: "One line: the state, the root cause's latest message, its code and count (the `status_reason`)."},
			},
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
			MarkdownDescription: "Warning and error messages grouped by code, unresolved first, then worst first, then latest " +
				"first (plus the info-level `unknown` group of unrecognised events).",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"code":        schema.StringAttribute{Computed: true, MarkdownDescription: "Stable code, for example `ike.psk_mismatch` or `bgp.notification_sent.cease_max_prefixes`."},
				"count":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of events."},
				"explanation": schema.StringAttribute{Computed: true, MarkdownDescription: "AWS's explanation of the message."},
				"first_seen":  schema.StringAttribute{Computed: true, MarkdownDescription: "First event" + rfc + "."},
				"last_seen":   schema.StringAttribute{Computed: true, MarkdownDescription: "Latest event" + rfc + "."},
				"message":     schema.StringAttribute{Computed: true, MarkdownDescription: "Text of the latest event."},
				"remediation": schema.StringAttribute{Computed: true, MarkdownDescription: "What to check or change."},
				"resolved": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether a later establishment of the " +
					"layer the issue concerns (or of a layer above it) superseded it; a resolved issue does not degrade `status`."},
				"severity": schema.StringAttribute{Computed: true, MarkdownDescription: "`error`, `warning` or `info`."},
			}},
		},
		"last_event_at": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Time of the latest event read" + rfc + "; null when none.",
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
			Computed: true,
			MarkdownDescription: "One sentence naming the root cause (`diagnosis.summary`), or, for a healthy tunnel, since " +
				"when it has been up and what it recovered from.",
		},
		"telemetry": schema.SingleNestedAttribute{
			Computed:            true,
			MarkdownDescription: "AWS's telemetry for the tunnel (`vgwTelemetry` of `DescribeVpnConnections`); null when AWS reports none.",
			Attributes:          telemetryAttributes(),
		},
	}
}

// set writes a tunnel's health and telemetry into the object: unknown states are null, counts and lists are always
// set.
func (m *healthModel) set(h logparse.Health, tel *vpn.Telemetry) {
	m.Telemetry = telemetry(tel)
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
			Resolved:    types.BoolValue(is.Resolved),
		})
	}
	m.Diagnosis = nil
	if d := h.Diagnosis; d != nil {
		m.Diagnosis = &diagnosisModel{
			Code:        types.StringValue(d.Code),
			Summary:     types.StringValue(d.Summary),
			Remediation: types.StringValue(d.Remediation),
			Since:       optionalTime(d.Since),
			Evidence:    make([]evidenceModel, 0, len(d.Evidence)),
		}
		for _, e := range d.Evidence {
			m.Diagnosis.Evidence = append(m.Diagnosis.Evidence, evidenceModel{
				Code: types.StringValue(e.Code), Count: types.Int64Value(int64(e.Count)),
				FirstSeen: optionalTime(e.FirstSeen), LastSeen: optionalTime(e.LastSeen),
			})
		}
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
	return types.StringValue(health.FormatTime(t))
}
