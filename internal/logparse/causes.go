package logparse

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// The causal model: for every catalogue entry, the layer of the tunnel it
// concerns, its stage in the order a tunnel comes up, and the entries it
// can bring about. The diagnosis (diagnosis.go) uses it to tell a root
// cause from its consequences; docs/design/diagnosis.md explains it with
// one example per cascade. Every link is argued from AWS's explanation of the entries it
// joins (the catalogue, docs/design/aws-behaviour.md §5.5) and from what
// the protocols do (RFC 7296 for IKEv2, RFC 4271 for BGP).

// Layer is the part of the tunnel a catalogue entry concerns. Phase 1 carries
// phase 2, which carries the BGP session, which carries the routes: an issue
// is superseded by a later establishment of its own layer or of a layer that
// needs it (see Health).
type Layer uint8

// Layers, bottom up.
const (
	LayerNone   Layer = iota // CodeUnknown
	LayerPhase1              // the IKE SA (phase 1), its authentication and its liveness (DPD)
	LayerPhase2              // the IPsec SAs (CHILD_SA, phase 2)
	LayerBGP                 // the BGP session
	LayerRoute               // a route the BGP session carries
)

var layerNames = [...]string{"none", "ike_phase1", "ike_phase2", "bgp", "route"}

func (l Layer) String() string {
	if int(l) < len(layerNames) {
		return layerNames[l]
	}
	return fmt.Sprintf("Layer(%d)", uint8(l))
}

// Stage orders independent root causes: when the events since the tunnel
// last left a healthy state hold two causes that do not explain each other,
// the diagnosis names the one of higher severity and, on equal severity, of
// the earlier stage. Stages follow the order in which a tunnel comes up
// (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, BGP OPEN, route exchange), then
// the actions of either side, then failures that only say that something
// stopped answering, then the pure consequences.
type Stage uint8

// Stages, earliest first.
const (
	StageProposal    Stage = iota // phase 1 proposals (IKE_SA_INIT)
	StageAuth                     // authentication (IKE_AUTH)
	StageChildConfig              // phase 2 proposals and traffic selectors (CREATE_CHILD_SA)
	StageBGPConfig                // the BGP neighbor configuration (OPEN, peer, connection)
	StagePrefixes                 // prefix limits
	StagePeerAction               // the customer gateway deleted an SA or ended the BGP session
	StageAWSAction                // AWS ended the BGP session
	StageTransport                // TCP port 179 between the inside addresses
	StageLiveness                 // a peer stopped answering: DPD, half-open IKE SAs, BGP hold timer
	StageRekey                    // rekey collisions
	StageConsequence              // messages that only report that something else failed
	StageRoute                    // route denials
	StageInfo                     // informational messages: never a cause
)

// CausalEntry is the causal model's entry for one catalogue code.
type CausalEntry struct {
	Code  string
	Layer Layer
	Stage Stage
	// Causes are the codes this one can bring about directly; CausedBy the
	// codes that can bring this one about directly (the inverse relation).
	Causes, CausedBy []string
	// Why argues the links to Causes from AWS's explanations.
	Why string
}

// CausalModel returns the causal model, one entry per catalogue code, in
// catalogue order.
func CausalModel() []CausalEntry {
	out := make([]CausalEntry, len(catalogue))
	for i := range catalogue {
		out[i] = causalOf(catalogue[i].Code)
	}
	return out
}

func causalOf(code string) CausalEntry {
	m := causalByCode[code]
	e := CausalEntry{Code: code, Layer: m.layer, Stage: m.stage, Causes: slices.Clone(m.causes), Why: m.why}
	for i := range catalogue {
		if slices.Contains(causalByCode[catalogue[i].Code].causes, code) {
			e.CausedBy = append(e.CausedBy, catalogue[i].Code)
		}
	}
	return e
}

// causal is one row of the model.
type causal struct {
	code   string
	layer  Layer
	stage  Stage
	causes []string
	why    string
}

// What the loss of the IPsec tunnel does to the BGP session running inside
// it: keepalives stop, so the hold timer expires and the session drops from
// Established to Idle ("The BGP hold timer expired and a notification was
// sent by the AWS side to the CGW"), and every new attempt fails to open
// TCP port 179 ("transitioned from Connect to Active").
var tunnelLoss = []string{"bgp.hold_timer_expired", "bgp.state.established_to_idle", "bgp.state.connect_to_active"}

// What the end of a BGP session does: it drops to Idle, and a peer that
// refuses new connections leaves AWS's attempts in Active.
var sessionEnd = []string{"bgp.state.established_to_idle", "bgp.state.connect_to_active"}

// consequencesOf lists codes followed by the tunnelLoss codes.
func consequencesOf(codes ...string) []string { return append(codes, tunnelLoss...) }

const (
	whyTunnelLoss = " Without the tunnel the BGP session inside it loses its keepalives: its hold timer expires, it drops to Idle, and " +
		"its attempts to reconnect fail (Connect to Active)."
	whySessionEnd = " A notification ends the session: it drops from Established to Idle, and while the cause remains, new " +
		"connections fail (Connect to Active)."
)

// model is the causal model, one row per catalogue code (checked at init).
var model = [...]causal{
	// Phase 1.
	{code: "ike.no_proposal_match", layer: LayerPhase1, stage: StageProposal,
		causes: consequencesOf("ike.no_proposal_chosen", "ike.phase1_timeout", "ike.phase2_failed"),
		why: `"Proposed Attributes for Phase 1 or Phase 2 ... are not supported by AWS VPN Endpoint": AWS then notifies the peer ` +
			`with "No proposal chosen", the negotiation it started stays half-open until it times out, and for phase 2 "Phase 2 was ` +
			`unable to establish".` + whyTunnelLoss},
	{code: "ike.psk_mismatch", layer: LayerPhase1, stage: StageAuth,
		causes: consequencesOf("ike.authentication_failed", "ike.phase1_timeout", "ike.dpd_timeout", "ikev1.peer_dead"),
		why: `"Same Pre-Shared key needs to be configured on both IKE Peers": AWS cannot verify the peer's IKE_AUTH and answers ` +
			`AUTHENTICATION_FAILED ("unable to Authenticate the Peer by verifying IKE_AUTH message's contents"); the attempts the ` +
			`peer abandons are deleted half-open ("peer has not proceeded with negotiations"); a peer that changed its key no ` +
			`longer answers on the SAs it had, so DPD declares it dead.` + whyTunnelLoss},
	{code: "ikev1.psk_invalid", layer: LayerPhase1, stage: StageAuth,
		causes: consequencesOf("ike.authentication_failed", "ike.phase1_timeout", "ike.dpd_timeout", "ikev1.peer_dead"),
		why: `IKEv1's form of the key mismatch ("Same Pre-Shared key needs to be configured on both IKE Peers"), with the same ` +
			`consequences as ike.psk_mismatch.` + whyTunnelLoss},
	{code: "ike.authentication_failed", layer: LayerPhase1, stage: StageAuth,
		causes: consequencesOf("ike.phase1_timeout", "ike.dpd_timeout", "ikev1.peer_dead"),
		why: `"Peer is unable to Authenticate the Peer by verifying IKE_AUTH message's contents": the IKE SA never completes, so ` +
			`attempts are left half-open and the SAs the peer replaced stop answering DPD. A key mismatch explains it.` + whyTunnelLoss},
	{code: "ike.delete_ike_sa", layer: LayerPhase1, stage: StagePeerAction,
		causes: consequencesOf("ike.delete_child_sa"),
		why:    `"Peer has sent the Delete_SA message for Parent/IKE_SA": the IPsec SAs negotiated under it go with it.` + whyTunnelLoss},
	{code: "ike.dpd_timeout", layer: LayerPhase1, stage: StageLiveness,
		causes: consequencesOf("ike.phase1_timeout"),
		why: `"Peer has not responded to DPD Messages, enforcing DPD time-out action": the peer or the path to it is gone, so ` +
			`AWS's attempts to negotiate again (DPD action Restart) are left half-open.` + whyTunnelLoss},
	{code: "ikev1.peer_dead", layer: LayerPhase1, stage: StageLiveness,
		causes: consequencesOf("ike.phase1_timeout"),
		why:    `IKEv1's form of the DPD timeout ("Peer has not responded to DPD Messages"), with the same consequences as ike.dpd_timeout.` + whyTunnelLoss},
	{code: "ike.phase1_timeout", layer: LayerPhase1, stage: StageLiveness,
		causes: tunnelLoss,
		why:    `"Deleting the half-opened IKE_SA as peer has not proceeded with negotiations": no IKE SA, no tunnel.` + whyTunnelLoss},

	// Phase 2.
	{code: "ike.no_proposal_chosen", layer: LayerPhase2, stage: StageChildConfig,
		causes: consequencesOf("ike.phase2_failed", "ike.delete_child_sa"),
		why: `"correct Proposals must be configured on IKE Peers": the CHILD_SA is refused ("Peer was unable to establish CHILD_SA ` +
			`due to negotiation error — for example, incorrect proposal"), and when a rekey is refused the old SA expires and is ` +
			`deleted.` + whyTunnelLoss},
	{code: "ike.ts_unacceptable", layer: LayerPhase2, stage: StageChildConfig,
		causes: consequencesOf("ike.phase2_failed", "ike.delete_child_sa"),
		why: `"Peer has proposed Incorrect Traffic Selectors/Encryption Domain": the CHILD_SA is refused ("Phase 2 was unable to ` +
			`establish"), and when a rekey is refused the old SA expires and is deleted.` + whyTunnelLoss},
	{code: "ike.phase2_failed", layer: LayerPhase2, stage: StageConsequence,
		causes: tunnelLoss,
		why: `"Peer was unable to establish CHILD_SA due to negotiation error": a report that a proposal or traffic-selector ` +
			`refusal names better; without a CHILD_SA nothing passes.` + whyTunnelLoss},
	{code: "ike.delete_child_sa", layer: LayerPhase2, stage: StagePeerAction,
		causes: tunnelLoss,
		why:    `"Peer has sent the Delete_SA message for CHILD_SA": until a new one is negotiated, nothing passes.` + whyTunnelLoss},
	{code: "ike.child_rekey_collision", layer: LayerPhase2, stage: StageRekey,
		causes: []string{"ike.redundant_sa_deleted"},
		why: `"CGW has sent the Delete_SA message for the Active SA, which is being rekeyed": both peers rekeyed at once, and ` +
			`"Peers will close redundant SA after matching the nonce values".`},
	{code: "ike.redundant_sa_deleted", layer: LayerPhase2, stage: StageRekey,
		why: `"Due to Collision, If redundant SAs are generated, Peers will close redundant SA": the end of a rekey collision.`},
	{code: "ike.create_child_sa.request_processed", layer: LayerPhase2, stage: StageInfo, why: "Normal negotiation."},
	{code: "ike.create_child_sa.response_sent", layer: LayerPhase2, stage: StageInfo, why: "Normal negotiation."},
	{code: "ike.create_child_sa.request_sent", layer: LayerPhase2, stage: StageInfo, why: "Normal negotiation."},
	{code: "ike.create_child_sa.response_processed", layer: LayerPhase2, stage: StageInfo, why: "Normal negotiation."},

	// BGP.
	{code: "bgp.bad_open", layer: LayerBGP, stage: StageBGPConfig, causes: sessionEnd,
		why: `"a bad OPEN message was received from the CGW peer which is indicative of a configuration mismatch": the session ` +
			`cannot establish while it lasts.` + whySessionEnd},
	{code: "bgp.notification_sent.cease_peer_unconfigured", layer: LayerBGP, stage: StageBGPConfig, causes: sessionEnd,
		why: `"the peer is not configured or has been removed from configuration".` + whySessionEnd},
	{code: "bgp.notification_received.cease_peer_unconfigured", layer: LayerBGP, stage: StageBGPConfig, causes: sessionEnd,
		why: `"the peer is not configured or has been removed from configuration" (on the customer gateway).` + whySessionEnd},
	{code: "bgp.notification_sent.cease_connection_rejected", layer: LayerBGP, stage: StageBGPConfig, causes: sessionEnd,
		why: `"the BGP session was rejected".` + whySessionEnd},
	{code: "bgp.notification_received.cease_connection_rejected", layer: LayerBGP, stage: StageBGPConfig, causes: sessionEnd,
		why: `"the BGP session was rejected" (by the customer gateway).` + whySessionEnd},
	{code: "bgp.prefix_limit_exceeded", layer: LayerBGP, stage: StagePrefixes,
		causes: append([]string{"bgp.notification_sent.cease_max_prefixes"}, sessionEnd...),
		why: `"the number of prefixes received from the CGW exceeded the allowed limit": AWS ends the session with a Cease ` +
			`("terminated due to a prefix limit violation").` + whySessionEnd},
	{code: "bgp.notification_sent.cease_max_prefixes", layer: LayerBGP, stage: StagePrefixes, causes: sessionEnd,
		why: `"the BGP session was terminated due to a prefix limit violation"; the violation itself is logged as ` +
			`bgp.prefix_limit_exceeded, which explains it.` + whySessionEnd},
	{code: "bgp.notification_received.cease_max_prefixes", layer: LayerBGP, stage: StagePrefixes, causes: sessionEnd,
		why: `The customer gateway ended the session because AWS sent more prefixes than its limit ("terminated due to a prefix ` +
			`limit violation").` + whySessionEnd},
	{code: "bgp.prefix_limit_warning", layer: LayerBGP, stage: StagePrefixes,
		why: `"the number of prefixes received from the CGW nears the allowed limit": a warning while the session is up, not a ` +
			`cause of its end (the violation is logged as bgp.prefix_limit_exceeded).`},
	{code: "bgp.notification_received.cease_admin_shutdown", layer: LayerBGP, stage: StagePeerAction, causes: sessionEnd,
		why: `The customer gateway "terminated" the session.` + whySessionEnd},
	{code: "bgp.notification_received.cease_admin_reset", layer: LayerBGP, stage: StagePeerAction, causes: sessionEnd,
		why: `The customer gateway "reset" the session.` + whySessionEnd},
	{code: "bgp.notification_received.cease_config_change", layer: LayerBGP, stage: StagePeerAction, causes: sessionEnd,
		why: `"a BGP session configuration change took place" on the customer gateway.` + whySessionEnd},
	{code: "bgp.notification_sent.cease_admin_shutdown", layer: LayerBGP, stage: StageAWSAction, causes: sessionEnd,
		why: `AWS "terminated" the session.` + whySessionEnd},
	{code: "bgp.notification_sent.cease_admin_reset", layer: LayerBGP, stage: StageAWSAction, causes: sessionEnd,
		why: `AWS "reset" the session.` + whySessionEnd},
	{code: "bgp.notification_sent.cease_config_change", layer: LayerBGP, stage: StageAWSAction, causes: sessionEnd,
		why: `"a BGP session configuration change took place" on the AWS side.` + whySessionEnd},
	{code: "bgp.hold_timer_expired", layer: LayerBGP, stage: StageLiveness, causes: sessionEnd,
		why: `"The BGP hold timer expired and a notification was sent by the AWS side to the CGW": the session ends, and while ` +
			`the peer stays unreachable, new connections fail. A lost tunnel explains it.` + whySessionEnd},
	{code: "bgp.state.connect_to_active", layer: LayerBGP, stage: StageTransport,
		why: `"Check TCP port 179 availability on CGW if BGP session is stuck in Connect state": the TCP connection failed; a ` +
			`tunnel that is down, or a session the peer refuses, explains it.`},
	{code: "bgp.state.established_to_idle", layer: LayerBGP, stage: StageConsequence,
		why: `"BGP Connection state on the AWS side has been updated to Idle": the session dropped; the notification or hold ` +
			`timer logged with it, or a lost tunnel, says why.`},
	{code: "bgp.state.idle_to_connect", layer: LayerBGP, stage: StageInfo, why: "Session start-up."},
	{code: "bgp.state.connect_to_opensent", layer: LayerBGP, stage: StageInfo, why: "Session start-up."},
	{code: "bgp.state.opensent_to_openconfirm", layer: LayerBGP, stage: StageInfo, why: "Session start-up."},
	{code: "bgp.state.openconfirm_to_established", layer: LayerBGP, stage: StageInfo, why: "The session is up."},
	{code: "bgp.notification_sent.cease_collision_resolution", layer: LayerBGP, stage: StageInfo,
		why: "Both peers connected at once; one connection is kept."},
	{code: "bgp.notification_received.cease_collision_resolution", layer: LayerBGP, stage: StageInfo,
		why: "Both peers connected at once; one connection is kept."},
	{code: "bgp.open_received", layer: LayerBGP, stage: StageInfo, why: "Session start-up."},
	{code: "bgp.open_sent", layer: LayerBGP, stage: StageInfo, why: "Session start-up."},
	{code: "bgp.connect", layer: LayerBGP, stage: StageInfo, why: "Session start-up."},
	{code: "bgp.end_of_rib_sent", layer: LayerBGP, stage: StageInfo, why: "The session is up."},
	{code: "bgp.update_received", layer: LayerBGP, stage: StageInfo, why: "The session is up."},

	// Routes.
	{code: "route.denied.own_as", layer: LayerRoute, stage: StageRoute,
		why: `"denied by AWS due to the route containing the AWS-side peers own AS": one route is refused; the session stays up.`},
	{code: "route.denied.nonconnected_next_hop", layer: LayerRoute, stage: StageRoute,
		why: `"a non-connected next-hop validation failure": one route is refused; the session stays up.`},
}

// causalByCode indexes model; reach[i] is the set of catalogue indexes that
// catalogue[i] can bring about, directly or through other entries.
var (
	causalByCode = map[string]*causal{}
	reach        [len(catalogue)]codeSet
)

// codeSet is a set of catalogue indexes.
type codeSet [(len(catalogue) + 63) / 64]uint64

func (s *codeSet) add(i int)      { s[i/64] |= 1 << (i % 64) }
func (s *codeSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }
func (s *codeSet) union(o *codeSet) {
	for k := range s {
		s[k] |= o[k]
	}
}
func (s *codeSet) size() (n int) {
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

func init() {
	for i := range model {
		m := &model[i]
		if _, ok := byCode[m.code]; !ok {
			panic("logparse: causal model entry for unknown code " + m.code)
		}
		if causalByCode[m.code] != nil {
			panic("logparse: duplicate causal model entry " + m.code)
		}
		causalByCode[m.code] = m
	}
	index := map[string]int{}
	for i := range catalogue {
		c := catalogue[i].Code
		if causalByCode[c] == nil {
			panic("logparse: no causal model entry for " + c)
		}
		index[c] = i
		catalogue[i].cause = causalByCode[c]
		catalogue[i].index = i
	}
	// Direct links, then the transitive closure; a cycle is a bug in the table.
	for i := range catalogue {
		for _, c := range catalogue[i].cause.causes {
			j, ok := index[c]
			if !ok {
				panic(fmt.Sprintf("logparse: %s causes unknown code %s", catalogue[i].Code, c))
			}
			reach[i].add(j)
		}
	}
	for changed := true; changed; {
		changed = false
		for i := range reach {
			before := reach[i].size()
			for j := range catalogue {
				if reach[i].has(j) {
					reach[i].union(&reach[j])
				}
			}
			changed = changed || reach[i].size() != before
		}
	}
	for i := range reach {
		if reach[i].has(i) {
			panic("logparse: the causal model has a cycle through " + catalogue[i].Code)
		}
	}
}

// explains reports whether entry a can bring about entry b, directly or not.
func explains(a, b *CatalogEntry) bool { return reach[a.index].has(b.index) }

// precedes orders root causes: higher severity first, then earlier stage,
// then code.
func precedes(a, b *CatalogEntry) int {
	if a.Severity != b.Severity {
		return int(b.Severity) - int(a.Severity)
	}
	if a.cause.stage != b.cause.stage {
		return int(a.cause.stage) - int(b.cause.stage)
	}
	return strings.Compare(a.Code, b.Code)
}
