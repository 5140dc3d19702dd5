package logparse

import (
	"fmt"
	"slices"
)

// Kind says which of AWS's message tables documents a catalogue entry.
type Kind string

// Kinds. KindIKEError is for the four messages whose text AWS prints, with
// different explanations, in both the IKEv1 and the IKEv2 error tables.
const (
	KindIKEv1Error       Kind = "ikev1_error"
	KindIKEv2Error       Kind = "ikev2_error"
	KindIKEError         Kind = "ike_error"
	KindIKEv2Negotiation Kind = "ikev2_negotiation"
	KindBGPStatus        Kind = "bgp_status"
	KindRouteStatus      Kind = "route_status"
)

// eventType is the log record type a message of this kind appears in.
func (k Kind) eventType() EventType {
	switch k {
	case KindBGPStatus:
		return EventBGPStatus
	case KindRouteStatus:
		return EventRouteStatus
	default:
		return EventTunnelActivity
	}
}

// isIKE reports whether the kind is one of the tunnel-activity (IKE) kinds.
func (k Kind) isIKE() bool {
	switch k {
	case KindIKEv1Error, KindIKEv2Error, KindIKEError, KindIKEv2Negotiation:
		return true
	}
	return false
}

// Severity ranks catalogue entries and issues. The zero value is SeverityInfo;
// larger is worse.
type Severity int

// Severities.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Field is a bit set naming the typed placeholders of a message (see
// MessageFields).
type Field uint32

// Placeholder fields.
const (
	FieldSPI          Field = 1 << iota // MessageFields.SPI
	FieldCGW                            // MessageFields.CGW
	FieldRetryCount                     // MessageFields.RetryCount
	FieldRequestID                      // MessageFields.RequestID
	FieldNeighbor                       // MessageFields.Neighbor
	FieldFromState                      // MessageFields.FromState
	FieldToState                        // MessageFields.ToState
	FieldNotification                   // MessageFields.NotificationCode and NotificationSubcode
	FieldPrefixCount                    // MessageFields.PrefixCount
	FieldPrefixLimit                    // MessageFields.PrefixLimit
	FieldASN                            // MessageFields.ASN
	FieldExpectedASN                    // MessageFields.ExpectedASN
	FieldHoldTime                       // MessageFields.HoldTime
	FieldRouterID                       // MessageFields.RouterID
	FieldASPath                         // MessageFields.ASPath
)

// CatalogEntry is one documented AWS Site-to-Site VPN log message.
type CatalogEntry struct {
	Code     string // stable identifier, see the package documentation
	Kind     Kind
	Severity Severity
	// BGPStatus is the status AWS documents for a BGP status message: "UP",
	// "DOWN", or "" for other kinds.
	BGPStatus string
	// Message is the documented text, placeholders as AWS prints them.
	Message string
	// Explanation is AWS's explanation, verbatim. For KindIKEError it is the
	// IKEv2 table's text; IKEv1Explanation then holds the IKEv1 table's.
	Explanation      string
	IKEv1Explanation string
	// Remediation says what to check on the customer gateway or in the VPN
	// configuration.
	Remediation string
	// Fields are the placeholders the message carries.
	Fields Field

	// patterns recognise the message; see match.go.
	patterns []pattern
	// cause is the entry's row of the causal model, index its position in
	// the catalogue (see causes.go).
	cause *causal
	index int
}

// Catalogue returns a copy of the message catalogue, in table order.
func Catalogue() []CatalogEntry { return slices.Clone(catalogue[:]) }

// LookupCode returns the catalogue entry with the given code.
func LookupCode(code string) (CatalogEntry, bool) {
	e, ok := byCode[code]
	if !ok {
		return CatalogEntry{}, false
	}
	return *e, true
}

var byCode = func() map[string]*CatalogEntry {
	m := make(map[string]*CatalogEntry, len(catalogue))
	for i := range catalogue {
		e := &catalogue[i]
		if _, dup := m[e.Code]; dup {
			panic("logparse: duplicate catalogue code " + e.Code)
		}
		m[e.Code] = e
	}
	return m
}()

// Remediation shared by the informational BGP FSM steps of session start-up.
const bgpStartupRemediation = "No action needed while the session is starting; if it does not reach Established, " +
	"check that the customer gateway's BGP neighbor uses the AWS inside tunnel IP and that TCP port 179 is open between the inside addresses."

// Remediation shared by the BGP Cease notifications that need no action.
const collisionRemediation = "No action needed: when both peers open a TCP connection at the same time, BGP keeps one and closes the other (RFC 4271 §6.8)."

// catalogue is the message table: every message documented on AWS's
// "Site-to-Site VPN logs" page (docs/design/aws-behaviour.md §5.5), one entry each.
// Messages and explanations are AWS's text, minus Markdown code marks
// (`3DES`). Patterns are lower-case (matching is case-insensitive); see
// pattern.
var catalogue = [...]CatalogEntry{
	// IKEv1 error messages (only in the IKEv1 table).
	{
		Code: "ikev1.peer_dead", Kind: KindIKEv1Error, Severity: SeverityError,
		Message:     "Peer is not responsive - Declaring peer dead",
		Explanation: "Peer has not responded to DPD Messages, enforcing DPD time-out action.",
		Remediation: "Check that the customer gateway is up and answers DPD: UDP 500 and 4500 (or ESP) must pass between it and the AWS outside IP, and DPD must be enabled on it; " +
			"a DPD timeout action of Restart on the tunnel makes AWS re-initiate.",
		// The "nothing" rendering of the separator glues "responsive" to "Declaring".
		patterns: []pattern{{key: "responsive", match: "peer is not responsive"}, {key: "dead", match: "declaring peer dead"}},
	},
	{
		Code: "ikev1.psk_invalid", Kind: KindIKEv1Error, Severity: SeverityError,
		Message:     "AWS tunnel payload decryption was unsuccessful due to invalid Pre-shared Key",
		Explanation: "Same Pre-Shared key needs to be configured on both IKE Peers.",
		Remediation: "Configure the customer gateway with exactly the pre-shared key of this tunnel (case and trailing characters matter), then restart IKE on it.",
		// "invalid Pre-shared Key" is the substring AWS's monitoring sample matches.
		patterns: []pattern{{key: "pre-shared", match: "invalid pre-shared key"}, {key: "decryption", match: "payload decryption was unsuccessful"}},
	},

	// Messages printed in both the IKEv1 and the IKEv2 error tables.
	{
		Code: "ike.no_proposal_match", Kind: KindIKEError, Severity: SeverityError,
		Message:          "No Proposal Match Found by AWS",
		Explanation:      "Proposed Attributes for Phase 1 or Phase 2 (Encryption, Hashing and DH Group) are not supported by AWS VPN Endpoint— for example, 3DES.",
		IKEv1Explanation: "Proposed Attributes for Phase 1 (Encryption, Hashing and DH Group) are not supported by AWS VPN Endpoint— for example, 3DES.",
		Remediation: "Make the customer gateway propose an encryption algorithm, integrity algorithm and DH group that the tunnel allows " +
			"(tunnel options Phase1/Phase2 EncryptionAlgorithms, IntegrityAlgorithms and DHGroupNumbers); 3DES is not supported.",
		patterns: []pattern{{key: "proposal", match: "no proposal match found by aws"}},
	},
	{
		Code: "ike.no_proposal_chosen", Kind: KindIKEError, Severity: SeverityError,
		Message:          `No Proposal Match Found. Notifying with "No proposal chosen"`,
		Explanation:      "No Proposal Chosen error message is exchanged between Peers to inform that correct Proposals must be configured on IKE Peers.",
		IKEv1Explanation: "No Proposal Chosen error message is exchanged between Peers to inform that correct Proposals/Policies must be configured for phase 2 on IKE Peers.",
		Remediation: "Align the customer gateway's phase 2 (IPsec) proposal with the tunnel: encryption, integrity and PFS DH group must be among the tunnel's " +
			"Phase2EncryptionAlgorithms, Phase2IntegrityAlgorithms and Phase2DHGroupNumbers, and PFS must be enabled on the customer gateway.",
		patterns: []pattern{{key: "proposal", match: "no proposal chosen"}, {key: "proposal", match: "no proposal match found. notifying"}},
	},
	{
		Code: "ike.delete_child_sa", Kind: KindIKEError, Severity: SeverityWarning,
		Message:          "AWS tunnel received DELETE for Phase 2 SA with SPI: xxxx",
		Explanation:      "Peer has sent the Delete_SA message for CHILD_SA.",
		IKEv1Explanation: "CGW has sent the Delete_SA message for Phase 2.",
		Remediation: "A delete during a rekey, a restart or a configuration change needs no action; if it repeats, read the customer gateway's log for why it closes the SA " +
			"(idle timeout, lifetime shorter than the tunnel's Phase2LifetimeSeconds, policy change).",
		Fields:   FieldSPI,
		patterns: []pattern{{key: "delete", match: "received delete for phase 2 sa"}},
	},
	{
		Code: "ike.delete_ike_sa", Kind: KindIKEError, Severity: SeverityWarning,
		Message:          "AWS tunnel received DELETE for IKE_SA from CGW",
		Explanation:      "Peer has sent the Delete_SA message for Parent/IKE_SA.",
		IKEv1Explanation: "CGW has sent the Delete_SA message for Phase 1.",
		Remediation: "If the customer gateway was not restarted or reconfigured on purpose, read its log for why it closed the IKE SA " +
			"(lifetime shorter than the tunnel's Phase1LifetimeSeconds, DPD on its side, policy change).",
		patterns: []pattern{{key: "delete", match: "received delete for ike_sa"}},
	},

	// IKEv2 error messages (only in the IKEv2 table).
	{
		Code: "ike.dpd_timeout", Kind: KindIKEv2Error, Severity: SeverityError,
		Message:     "AWS tunnel DPD timed out after {retry_count} retransmits",
		Explanation: "Peer has not responded to DPD Messages, enforcing DPD time-out action.",
		Remediation: "Check that the customer gateway is up and answers DPD: UDP 500 and 4500 must pass between it and the AWS outside IP and DPD must be enabled on it; " +
			"a DPD timeout action of Restart on the tunnel makes AWS re-initiate.",
		Fields:   FieldRetryCount,
		patterns: []pattern{{key: "dpd", match: "dpd timed out"}},
	},
	{
		Code: "ike.child_rekey_collision", Kind: KindIKEv2Error, Severity: SeverityWarning,
		Message:     "AWS tunnel detected a (CHILD_REKEY) collision as CHILD_DELETE",
		Explanation: "CGW has sent the Delete_SA message for the Active SA, which is being rekeyed.",
		Remediation: "If it repeats, stop both peers rekeying the CHILD_SA at the same moment: give the customer gateway a phase 2 lifetime different from the tunnel's " +
			"Phase2LifetimeSeconds, or let only one side initiate rekeys.",
		patterns: []pattern{{key: "child_rekey", match: "(child_rekey) collision as child_delete"}},
	},
	{
		Code: "ike.redundant_sa_deleted", Kind: KindIKEv2Error, Severity: SeverityWarning,
		Message:     "AWS tunnel (CHILD_SA) redundant SA is being deleted due to detected collision",
		Explanation: "Due to Collision, If redundant SAs are generated, Peers will close redundant SA after matching the nonce values as per RFC.",
		Remediation: "An occasional collision needs no action; if it repeats, stop both peers rekeying at the same moment " +
			"(different phase 2 lifetimes on the customer gateway and the tunnel, or rekeys initiated by one side only).",
		patterns: []pattern{{key: "redundant", match: "redundant sa is being deleted due to detected collision"}},
	},
	{
		Code: "ike.phase2_failed", Kind: KindIKEv2Error, Severity: SeverityError,
		Message:     "AWS tunnel Phase 2 was unable to establish while keeping Phase 1",
		Explanation: "Peer was unable to establish CHILD_SA due to negotiation error — for example, incorrect proposal.",
		Remediation: "Compare the customer gateway's phase 2 settings with the tunnel's: proposals (encryption, integrity, PFS DH group) and traffic selectors; " +
			"the customer gateway's log names the value it rejected.",
		patterns: []pattern{{key: "unable", match: "phase 2 was unable to establish while keeping phase 1"}},
	},
	{
		Code: "ike.ts_unacceptable", Kind: KindIKEv2Error, Severity: SeverityError,
		Message:     "AWS: Traffic Selector: TS_UNACCEPTABLE: received from responder",
		Explanation: "Peer has proposed Incorrect Traffic Selectors/Encryption Domain. Peers should be configured with identical and correct CIDRs.",
		Remediation: "Configure the customer gateway's traffic selectors (encryption domain) to match the VPN connection's LocalIpv4NetworkCidr and RemoteIpv4NetworkCidr " +
			"(0.0.0.0/0 on both sides unless they were set).",
		patterns: []pattern{{key: "ts_unacceptable", match: "ts_unacceptable"}},
	},
	{
		Code: "ike.authentication_failed", Kind: KindIKEv2Error, Severity: SeverityError,
		Message:     "AWS tunnel is sending AUTHENTICATION_FAILED as the response",
		Explanation: "Peer is unable to Authenticate the Peer by verifying IKE_AUTH message's contents",
		Remediation: "Check the customer gateway's IKE authentication: the pre-shared key (or certificate) and the IKE identity it sends must match the tunnel's configuration.",
		patterns:    []pattern{{key: "authentication_failed", match: "authentication_failed"}},
	},
	{
		Code: "ike.psk_mismatch", Kind: KindIKEv2Error, Severity: SeverityError,
		Message:     "AWS tunnel detected a pre-shared key mismatch with cgw: xxxx",
		Explanation: "Same Pre-Shared key needs to be configured on both IKE Peers.",
		Remediation: "Configure the customer gateway at the logged address with exactly the pre-shared key of this tunnel (case and trailing characters matter), then restart IKE on it.",
		Fields:      FieldCGW,
		patterns:    []pattern{{key: "pre-shared", match: "pre-shared key mismatch"}},
	},
	{
		Code: "ike.phase1_timeout", Kind: KindIKEv2Error, Severity: SeverityError,
		Message:     "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: xxxx",
		Explanation: "Deleting the half-opened IKE_SA as peer has not proceeded with negotiations",
		Remediation: "The customer gateway started IKE but did not finish it: check that UDP 500 and 4500 pass both ways (including fragmented IKE_AUTH packets) " +
			"and read its log for why it stopped negotiating.",
		Fields:   FieldCGW,
		patterns: []pattern{{key: "un-established", match: "deleting un-established phase 1"}},
	},

	// IKEv2 negotiation messages.
	{
		Code: "ike.create_child_sa.request_processed", Kind: KindIKEv2Negotiation, Severity: SeverityInfo,
		Message:     "AWS tunnel processed request (id=xxx) for CREATE_CHILD_SA",
		Explanation: "AWS has received the CREATE_CHILD_SA request from CGW.",
		Remediation: "No action needed: normal CHILD_SA negotiation or rekey.",
		Fields:      FieldRequestID,
		patterns:    []pattern{{key: "processed", match: "processed request", then: "create_child_sa"}},
	},
	{
		Code: "ike.create_child_sa.response_sent", Kind: KindIKEv2Negotiation, Severity: SeverityInfo,
		Message:     "AWS tunnel is sending response (id=xxx) for CREATE_CHILD_SA",
		Explanation: "AWS is sending CREATE_CHILD_SA response to CGW.",
		Remediation: "No action needed: normal CHILD_SA negotiation or rekey.",
		Fields:      FieldRequestID,
		patterns:    []pattern{{key: "sending", match: "sending response", then: "create_child_sa"}},
	},
	{
		Code: "ike.create_child_sa.request_sent", Kind: KindIKEv2Negotiation, Severity: SeverityInfo,
		Message:     "AWS tunnel is sending request (id=xxx) for CREATE_CHILD_SA",
		Explanation: "AWS is sending CREATE_CHILD_SA request to CGW.",
		Remediation: "No action needed: normal CHILD_SA negotiation or rekey.",
		Fields:      FieldRequestID,
		patterns:    []pattern{{key: "sending", match: "sending request", then: "create_child_sa"}},
	},
	{
		Code: "ike.create_child_sa.response_processed", Kind: KindIKEv2Negotiation, Severity: SeverityInfo,
		Message:     "AWS tunnel processed response (id=xxx) for CREATE_CHILD_SA",
		Explanation: "AWS has received CREATE_CHILD_SA response form CGW.",
		Remediation: "No action needed: normal CHILD_SA negotiation or rekey.",
		Fields:      FieldRequestID,
		patterns:    []pattern{{key: "processed", match: "processed response", then: "create_child_sa"}},
	},

	// BGP status messages: FSM transitions.
	{
		Code: "bgp.state.idle_to_connect", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "DOWN",
		Message:     "AWS-side peer BGP session state has changed from Idle to Connect with neighbor {ip: xxx}",
		Explanation: "BGP Connection state on the AWS side has been updated to Connect.",
		Remediation: bgpStartupRemediation,
		Fields:      FieldFromState | FieldToState | FieldNeighbor,
		patterns:    []pattern{{key: "bgp", match: "aws-side peer bgp session state has changed from idle to connect"}},
	},
	{
		Code: "bgp.state.connect_to_opensent", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "DOWN",
		Message:     "AWS-side peer BGP session state has changed from Connect to OpenSent with neighbor {ip: xxx}",
		Explanation: "BGP Connection state on the AWS side has been updated to OpenSent.",
		Remediation: bgpStartupRemediation,
		Fields:      FieldFromState | FieldToState | FieldNeighbor,
		patterns:    []pattern{{key: "bgp", match: "aws-side peer bgp session state has changed from connect to opensent"}},
	},
	{
		Code: "bgp.state.opensent_to_openconfirm", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "DOWN",
		Message:     "AWS-side peer BGP session state has changed from OpenSent to OpenConfirm with neighbor {ip: xxx}",
		Explanation: "BGP Connection state on the AWS side has been updated to OpenConfirm.",
		Remediation: bgpStartupRemediation,
		Fields:      FieldFromState | FieldToState | FieldNeighbor,
		patterns:    []pattern{{key: "bgp", match: "aws-side peer bgp session state has changed from opensent to openconfirm"}},
	},
	{
		Code: "bgp.state.openconfirm_to_established", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "UP",
		Message:     "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor {ip: xxx}",
		Explanation: "BGP Connection state on the AWS side has been updated to Established.",
		Remediation: "No action needed: the BGP session is up.",
		Fields:      FieldFromState | FieldToState | FieldNeighbor,
		patterns:    []pattern{{key: "bgp", match: "aws-side peer bgp session state has changed from openconfirm to established"}},
	},
	{
		// A warning, not an error: the drop is counted as a flap, and its cause
		// (hold timer, notification) carries its own severity.
		Code: "bgp.state.established_to_idle", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "DOWN",
		Message:     "AWS-side peer BGP session state has changed from Established to Idle with neighbor {ip: xxx}",
		Explanation: "BGP Connection state on the AWS side has been updated to Idle.",
		Remediation: "Find why the session dropped: look for the notification or hold-timer message logged just before, check that the IPsec tunnel stayed up, " +
			"and that the customer gateway's BGP process and keepalive/hold timers are healthy.",
		Fields:   FieldFromState | FieldToState | FieldNeighbor,
		patterns: []pattern{{key: "bgp", match: "aws-side peer bgp session state has changed from established to idle"}},
	},
	{
		Code: "bgp.state.connect_to_active", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "DOWN",
		Message:     "AWS-side peer BGP session state has changed from Connect to Active with neighbor {ip: xxx}",
		Explanation: "BGP Connection state on the AWS side transitioned from Connect to Active. Check TCP port 179 availability on CGW if BGP session is stuck in Connect state.",
		Remediation: "The TCP connection to the customer gateway failed: allow TCP port 179 on its inside tunnel address and configure its BGP neighbor with the AWS inside tunnel IP.",
		Fields:      FieldFromState | FieldToState | FieldNeighbor,
		patterns:    []pattern{{key: "bgp", match: "aws-side peer bgp session state has changed from connect to active"}},
	},

	// BGP status messages: prefix limits.
	{
		Code: "bgp.prefix_limit_warning", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "UP",
		Message:     "AWS-side peer is reporting a maximum prefix limit warning • received {prefixes (count): xxx} prefixes from neighbor {ip: xxx}, limit is {limit (numeric): xxx}",
		Explanation: "The AWS side periodically generates a log message when the number of prefixes received from the CGW nears the allowed limit.",
		Remediation: "Aggregate or filter the routes the customer gateway advertises to stay well below the logged limit; exceeding it tears the session down.",
		Fields:      FieldPrefixCount | FieldNeighbor | FieldPrefixLimit,
		patterns:    []pattern{{key: "reporting", match: "aws-side peer is reporting a maximum prefix limit warning"}},
	},
	{
		Code: "bgp.prefix_limit_exceeded", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer detected the maximum prefix limit was exceeded • received {prefixes (count): xxx} prefixes from neighbor {ip: xxx}, limit is {limit (numeric): xxx}",
		Explanation: "The AWS side generates a log message when the number of prefixes received from the CGW exceeded the allowed limit.",
		Remediation: "Reduce the prefixes the customer gateway advertises below the logged limit (aggregate them or add an outbound prefix filter); the session stays down until it is.",
		Fields:      FieldPrefixCount | FieldNeighbor | FieldPrefixLimit,
		// Not keyed on "exceeded": a missing separator glues it to "received".
		patterns: []pattern{{key: "detected", match: "aws-side peer detected the maximum prefix limit was exceeded"}},
	},

	// BGP status messages: Cease notifications (RFC 4486 subcodes), sent then received.
	{
		Code: "bgp.notification_sent.cease_max_prefixes", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent a notification 6/1 (Cease/Maximum Number of Prefixes Reached) to neighbor {ip: xxx}",
		Explanation: "The AWS side sent a notification to the CGW BGP peer to indicate that the BGP session was terminated due to a prefix limit violation.",
		Remediation: "Reduce the prefixes the customer gateway advertises below the limit (aggregate them or add an outbound prefix filter); the session comes back once it is.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer sent a notification 6/1"}},
	},
	{
		Code: "bgp.notification_sent.cease_admin_shutdown", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent a notification 6/2 (Cease/Administrative Shutdown) to neighbor {ip: xxx}",
		Explanation: "The AWS side sent a notification to the CGW BGP peer to indicate that the BGP session was terminated.",
		Remediation: "AWS shut the session down, for example for tunnel maintenance or an endpoint replacement; if it does not come back, check the tunnel's status and recent tunnel option changes.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer sent a notification 6/2"}},
	},
	{
		Code: "bgp.notification_sent.cease_peer_unconfigured", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent a notification 6/3 (Cease/Peer Unconfigured) to neighbor {ip: xxx}",
		Explanation: "The AWS side sent a notification to the CGW peer to indicate that the peer is not configured or has been removed from configuration.",
		Remediation: "Make the customer gateway peer from its inside tunnel IP with the BGP ASN of the customer gateway resource, as in the VPN connection's downloaded configuration.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer sent a notification 6/3"}},
	},
	{
		Code: "bgp.notification_sent.cease_admin_reset", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent a notification 6/4 (Cease/Administrative Reset) to neighbor {ip: xxx}",
		Explanation: "The AWS side sent a notification to the CGW BGP peer to indicate that the BGP session was reset.",
		Remediation: "AWS reset the session and it should re-establish; if resets repeat, look for tunnel option changes or endpoint replacements on the connection.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer sent a notification 6/4"}},
	},
	{
		Code: "bgp.notification_sent.cease_connection_rejected", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent a notification 6/5 (Cease/Connection Rejected) to neighbor {ip: xxx}",
		Explanation: "The AWS side sent a notification to the CGW BGP peer to indicate that the BGP session was rejected.",
		Remediation: "Make the customer gateway connect from its inside tunnel IP with the BGP ASN of the customer gateway resource, over this tunnel only.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer sent a notification 6/5"}},
	},
	{
		Code: "bgp.notification_sent.cease_config_change", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent a notification 6/6 (Cease/Other Configuration Change) to neighbor {ip: xxx}",
		Explanation: "The AWS side sent a notification to the CGW BGP peer to indicate that a BGP session configuration change took place.",
		Remediation: "A configuration change on the AWS side reset the session and it should re-establish; if it does not, check the tunnel's status and recent option changes.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer sent a notification 6/6"}},
	},
	{
		Code: "bgp.notification_sent.cease_collision_resolution", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent a notification 6/7 (Cease/Connection Collision Resolution) to neighbor {ip: xxx}",
		Explanation: "The AWS side sent a notification to the CGW peer to resolve a connection collision when both peers attempt to establish a connection simultaneously.",
		Remediation: collisionRemediation,
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer sent a notification 6/7"}},
	},
	{
		Code: "bgp.notification_received.cease_max_prefixes", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer received notification 6/1 (Cease/Maximum Number of Prefixes Reached) from neighbor {ip: xxx}",
		Explanation: "The AWS side received a notification from the CGW peer to indicate that the BGP session was terminated due to a prefix limit violation.",
		Remediation: "The customer gateway received more prefixes from AWS than its maximum-prefix setting: raise that limit or reduce the routes propagated to the VPN.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer received notification 6/1"}},
	},
	{
		Code: "bgp.notification_received.cease_admin_shutdown", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "DOWN",
		Message:     "AWS-side peer received notification 6/2 (Cease/Administrative Shutdown) from neighbor {ip: xxx}",
		Explanation: "The AWS side received a notification from the CGW peer to indicate that the BGP session was terminated.",
		Remediation: "The customer gateway shut the session down: if that was not intended, remove the neighbor shutdown from its BGP configuration.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer received notification 6/2"}},
	},
	{
		Code: "bgp.notification_received.cease_peer_unconfigured", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer received notification 6/3 (Cease/Peer Unconfigured) from neighbor {ip: xxx}",
		Explanation: "The AWS side received a notification from the CGW peer to indicate that the peer is not configured or has been removed from configuration.",
		Remediation: "Configure a BGP neighbor on the customer gateway for the AWS inside tunnel IP with the AWS-side ASN, as in the VPN connection's downloaded configuration.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer received notification 6/3"}},
	},
	{
		Code: "bgp.notification_received.cease_admin_reset", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "DOWN",
		Message:     "AWS-side peer received notification 6/4 (Cease/Administrative Reset) from neighbor {ip: xxx}",
		Explanation: "The AWS side received a notification from the CGW peer to indicate that the BGP session was reset.",
		Remediation: "The customer gateway reset the session (for example a clear of the BGP neighbor); if nobody did, check its log and automation.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer received notification 6/4"}},
	},
	{
		Code: "bgp.notification_received.cease_connection_rejected", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer received notification 6/5 (Cease/Connection Rejected) from neighbor {ip: xxx}",
		Explanation: "The AWS side received a notification from the CGW peer to indicate that the BGP session was rejected.",
		Remediation: "The customer gateway refused the connection: check its neighbor configuration (AWS inside tunnel IP, AWS-side ASN) and any filter on TCP port 179.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer received notification 6/5"}},
	},
	{
		Code: "bgp.notification_received.cease_config_change", Kind: KindBGPStatus, Severity: SeverityWarning, BGPStatus: "DOWN",
		Message:     "AWS-side peer received notification 6/6 (Cease/Other Configuration Change) from neighbor {ip: xxx}",
		Explanation: "The AWS side received a notification from the CGW peer which indicates that a BGP session configuration change took place.",
		Remediation: "A configuration change on the customer gateway reset the session; confirm the change was intended and that the session re-establishes.",
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer received notification 6/6"}},
	},
	{
		Code: "bgp.notification_received.cease_collision_resolution", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "DOWN",
		Message:     "AWS-side peer received notification 6/7 (Cease/Connection Collision Resolution) from neighbor {ip: xxx}",
		Explanation: "The AWS side received a notification from the CGW peer indicating resolution of a connection collision when both peers attempt to establish a connection simultaneously.",
		Remediation: collisionRemediation,
		Fields:      FieldNotification | FieldNeighbor,
		patterns:    []pattern{{key: "notification", match: "aws-side peer received notification 6/7"}},
	},

	// BGP status messages: other.
	{
		Code: "bgp.hold_timer_expired", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent a Hold Timer Expired notification to neighbor {ip: xxx}",
		Explanation: "The BGP hold timer expired and a notification was sent by the AWS side to the CGW.",
		Remediation: "AWS stopped receiving keepalives from the customer gateway: check that the IPsec tunnel stays up, that the customer gateway's keepalive interval " +
			"is well below the negotiated hold time, and that its BGP process is not overloaded.",
		Fields:   FieldNeighbor,
		patterns: []pattern{{key: "hold", match: "aws-side peer sent a hold timer expired notification"}},
	},
	{
		Code: "bgp.bad_open", Kind: KindBGPStatus, Severity: SeverityError, BGPStatus: "DOWN",
		Message:     "AWS-side peer detected a bad OPEN message from neighbor {ip: xxx} • remote AS is {asn: xxx}, expected {asn: xxx}",
		Explanation: "The AWS side detected a bad OPEN message was received from the CGW peer which is indicative of a configuration mismatch.",
		Remediation: "Make the customer gateway's local AS equal the expected AS in the message, which is the BGP ASN of the customer gateway resource " +
			"(or recreate the customer gateway resource with the ASN the device uses).",
		Fields:   FieldNeighbor | FieldASN | FieldExpectedASN,
		patterns: []pattern{{key: "bad", match: "aws-side peer detected a bad open message"}},
	},
	{
		Code: "bgp.open_received", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "DOWN",
		// The source prints "router-id {id: xxx}}"; the stray brace is dropped here.
		Message:     "AWS-side peer received an OPEN message from neighbor {ip: xxx} • version 4, AS {asn: xxx}, holdtime {holdtime (seconds): xxx}, router-id {id: xxx}",
		Explanation: "The AWS side received a BGP open message to initiate a BGP session with the CGW peer.",
		Remediation: "No action needed; if the session does not establish, check that the AS and hold time the customer gateway announces match the VPN connection's configuration.",
		Fields:      FieldNeighbor | FieldASN | FieldHoldTime | FieldRouterID,
		patterns:    []pattern{{key: "open", match: "aws-side peer received an open message"}},
	},
	{
		Code: "bgp.open_sent", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "DOWN",
		Message:     "AWS-side peer sent an OPEN message to neighbor {ip: xxx} • version 4, AS {asn: xxx}, holdtime {holdtime (seconds): xxx}, router-id {id: xxx}",
		Explanation: "The CGW peer sent a BGP open message to initiate a BGP session with the AWS side BGP peer.",
		Remediation: "No action needed; the AS in this message is the one the customer gateway must configure as the remote AS of its AWS neighbor.",
		Fields:      FieldNeighbor | FieldASN | FieldHoldTime | FieldRouterID,
		patterns:    []pattern{{key: "open", match: "aws-side peer sent an open message"}},
	},
	{
		Code: "bgp.connect", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "DOWN",
		Message:     "AWS-side peer is initiating a connection (via Connect) to neighbor {ip: xxx}",
		Explanation: "The AWS side is attempting to connect with the CGW BGP neighbor.",
		Remediation: bgpStartupRemediation,
		Fields:      FieldNeighbor,
		patterns:    []pattern{{key: "initiating", match: "aws-side peer is initiating a connection"}},
	},
	{
		Code: "bgp.end_of_rib_sent", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "UP",
		Message:     "AWS-side peer sent an End-of-RIB message to neighbor {ip: xxx}",
		Explanation: "The AWS side has finished transmitting routes to the CGW after BGP session establishment.",
		Remediation: "No action needed: AWS has advertised all its routes to the customer gateway.",
		Fields:      FieldNeighbor,
		patterns:    []pattern{{key: "end-of-rib", match: "aws-side peer sent an end-of-rib message"}},
	},
	{
		Code: "bgp.update_received", Kind: KindBGPStatus, Severity: SeverityInfo, BGPStatus: "UP",
		Message:     "AWS-side peer received update with attributes from neighbor {ip: xxx} • AS path: {aspath (list): xxx xxx xxx}",
		Explanation: "The AWS side received a BGP session attribute update from the neighbor.",
		Remediation: "No action needed: the customer gateway updated a route's attributes.",
		Fields:      FieldNeighbor | FieldASPath,
		patterns:    []pattern{{key: "update", match: "aws-side peer received update with attributes"}},
	},

	// Route status messages (message.details of RouteStatus records).
	{
		Code: "route.denied.own_as", Kind: KindRouteStatus, Severity: SeverityWarning,
		Message:     "DENIED due to: as-path contains our own AS",
		Explanation: "BGP update messages for a new prefix from CGW was denied by AWS due to the route containing the AWS-side peers own AS.",
		Remediation: "The customer gateway advertised a route that already carries the AWS-side ASN (a loop, often a route learned from AWS or another VPN): " +
			"filter such routes from its advertisements.",
		patterns: []pattern{{key: "denied", match: "denied due to", then: "own as"}},
	},
	{
		Code: "route.denied.nonconnected_next_hop", Kind: KindRouteStatus, Severity: SeverityWarning,
		Message:     "DENIED due to: non-connected next-hop",
		Explanation: "AWS rejected a BGP route advertisement for the prefix from the CGW due to a non-connected next-hop validation failure. Ensure the route is reachable on the CGW side.",
		Remediation: "Advertise the prefix with the customer gateway's inside tunnel IP as next hop (next-hop-self) and make sure the route is reachable on the customer gateway.",
		patterns:    []pattern{{key: "denied", match: "denied due to", then: "non-connected next-hop"}},
	},
}
