package logparse

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// catCase is one documented message. doc is the message exactly as
// docs/design/aws-behaviour.md §5.5 prints it; text is the same message with concrete
// placeholder values; fields are the values expected from text, by hand.
type catCase struct {
	code      string
	kind      Kind
	severity  Severity
	bgpStatus string
	doc       string
	text      string
	fields    MessageFields
}

var (
	nbr  = netip.MustParseAddr("169.254.50.85")
	cgw1 = netip.MustParseAddr("198.51.100.7")
	cgw2 = netip.MustParseAddr("203.0.113.9")
)

func transition(from, to BGPState) MessageFields {
	return MessageFields{Set: FieldFromState | FieldToState | FieldNeighbor, FromState: from, ToState: to, Neighbor: nbr}
}

func notification(sub int) MessageFields {
	return MessageFields{Set: FieldNotification | FieldNeighbor, NotificationCode: 6, NotificationSubcode: sub, Neighbor: nbr}
}

var catCases = []catCase{
	// IKEv1 errors.
	{
		code: "ikev1.peer_dead", kind: KindIKEv1Error, severity: SeverityError,
		doc:  "Peer is not responsive - Declaring peer dead",
		text: "Peer is not responsive - Declaring peer dead",
	},
	{
		code: "ikev1.psk_invalid", kind: KindIKEv1Error, severity: SeverityError,
		doc:  "AWS tunnel payload decryption was unsuccessful due to invalid Pre-shared Key",
		text: "AWS tunnel payload decryption was unsuccessful due to invalid Pre-shared Key",
	},
	// In both tables.
	{
		code: "ike.no_proposal_match", kind: KindIKEError, severity: SeverityError,
		doc:  "No Proposal Match Found by AWS",
		text: "No Proposal Match Found by AWS",
	},
	{
		code: "ike.no_proposal_chosen", kind: KindIKEError, severity: SeverityError,
		doc:  `No Proposal Match Found. Notifying with "No proposal chosen"`,
		text: `No Proposal Match Found. Notifying with "No proposal chosen"`,
	},
	{
		code: "ike.delete_child_sa", kind: KindIKEError, severity: SeverityWarning,
		doc:    "AWS tunnel received DELETE for Phase 2 SA with SPI: xxxx",
		text:   "AWS tunnel received DELETE for Phase 2 SA with SPI: C1a2B3d4",
		fields: MessageFields{Set: FieldSPI, SPI: "C1a2B3d4"},
	},
	{
		code: "ike.delete_ike_sa", kind: KindIKEError, severity: SeverityWarning,
		doc:  "AWS tunnel received DELETE for IKE_SA from CGW",
		text: "AWS tunnel received DELETE for IKE_SA from CGW",
	},
	// IKEv2 errors.
	{
		code: "ike.dpd_timeout", kind: KindIKEv2Error, severity: SeverityError,
		doc:    "AWS tunnel DPD timed out after {retry_count} retransmits",
		text:   "AWS tunnel DPD timed out after 3 retransmits",
		fields: MessageFields{Set: FieldRetryCount, RetryCount: 3},
	},
	{
		code: "ike.child_rekey_collision", kind: KindIKEv2Error, severity: SeverityWarning,
		doc:  "AWS tunnel detected a (CHILD_REKEY) collision as CHILD_DELETE",
		text: "AWS tunnel detected a (CHILD_REKEY) collision as CHILD_DELETE",
	},
	{
		code: "ike.redundant_sa_deleted", kind: KindIKEv2Error, severity: SeverityWarning,
		doc:  "AWS tunnel (CHILD_SA) redundant SA is being deleted due to detected collision",
		text: "AWS tunnel (CHILD_SA) redundant SA is being deleted due to detected collision",
	},
	{
		code: "ike.phase2_failed", kind: KindIKEv2Error, severity: SeverityError,
		doc:  "AWS tunnel Phase 2 was unable to establish while keeping Phase 1",
		text: "AWS tunnel Phase 2 was unable to establish while keeping Phase 1",
	},
	{
		code: "ike.ts_unacceptable", kind: KindIKEv2Error, severity: SeverityError,
		doc:  "AWS: Traffic Selector: TS_UNACCEPTABLE: received from responder",
		text: "AWS: Traffic Selector: TS_UNACCEPTABLE: received from responder",
	},
	{
		code: "ike.authentication_failed", kind: KindIKEv2Error, severity: SeverityError,
		doc:  "AWS tunnel is sending AUTHENTICATION_FAILED as the response",
		text: "AWS tunnel is sending AUTHENTICATION_FAILED as the response",
	},
	{
		code: "ike.psk_mismatch", kind: KindIKEv2Error, severity: SeverityError,
		doc:    "AWS tunnel detected a pre-shared key mismatch with cgw: xxxx",
		text:   "AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7",
		fields: MessageFields{Set: FieldCGW, CGW: cgw1},
	},
	{
		code: "ike.phase1_timeout", kind: KindIKEv2Error, severity: SeverityError,
		doc:    "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: xxxx",
		text:   "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: 203.0.113.9",
		fields: MessageFields{Set: FieldCGW, CGW: cgw2},
	},
	// IKEv2 negotiation.
	{
		code: "ike.create_child_sa.request_processed", kind: KindIKEv2Negotiation, severity: SeverityInfo,
		doc:    "AWS tunnel processed request (id=xxx) for CREATE_CHILD_SA",
		text:   "AWS tunnel processed request (id=12) for CREATE_CHILD_SA",
		fields: MessageFields{Set: FieldRequestID, RequestID: 12},
	},
	{
		code: "ike.create_child_sa.response_sent", kind: KindIKEv2Negotiation, severity: SeverityInfo,
		doc:    "AWS tunnel is sending response (id=xxx) for CREATE_CHILD_SA",
		text:   "AWS tunnel is sending response (id=13) for CREATE_CHILD_SA",
		fields: MessageFields{Set: FieldRequestID, RequestID: 13},
	},
	{
		code: "ike.create_child_sa.request_sent", kind: KindIKEv2Negotiation, severity: SeverityInfo,
		doc:    "AWS tunnel is sending request (id=xxx) for CREATE_CHILD_SA",
		text:   "AWS tunnel is sending request (id=0) for CREATE_CHILD_SA",
		fields: MessageFields{Set: FieldRequestID, RequestID: 0},
	},
	{
		code: "ike.create_child_sa.response_processed", kind: KindIKEv2Negotiation, severity: SeverityInfo,
		doc:    "AWS tunnel processed response (id=xxx) for CREATE_CHILD_SA",
		text:   "AWS tunnel processed response (id=4294967) for CREATE_CHILD_SA",
		fields: MessageFields{Set: FieldRequestID, RequestID: 4294967},
	},
	// BGP transitions.
	{
		code: "bgp.state.idle_to_connect", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "DOWN",
		doc:    "AWS-side peer BGP session state has changed from Idle to Connect with neighbor {ip: xxx}",
		text:   "AWS-side peer BGP session state has changed from Idle to Connect with neighbor 169.254.50.85",
		fields: transition(BGPStateIdle, BGPStateConnect),
	},
	{
		code: "bgp.state.connect_to_opensent", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "DOWN",
		doc:    "AWS-side peer BGP session state has changed from Connect to OpenSent with neighbor {ip: xxx}",
		text:   "AWS-side peer BGP session state has changed from Connect to OpenSent with neighbor 169.254.50.85",
		fields: transition(BGPStateConnect, BGPStateOpenSent),
	},
	{
		code: "bgp.state.opensent_to_openconfirm", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "DOWN",
		doc:    "AWS-side peer BGP session state has changed from OpenSent to OpenConfirm with neighbor {ip: xxx}",
		text:   "AWS-side peer BGP session state has changed from OpenSent to OpenConfirm with neighbor 169.254.50.85",
		fields: transition(BGPStateOpenSent, BGPStateOpenConfirm),
	},
	{
		code: "bgp.state.openconfirm_to_established", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "UP",
		doc:    "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor {ip: xxx}",
		text:   "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.50.85",
		fields: transition(BGPStateOpenConfirm, BGPStateEstablished),
	},
	{
		code: "bgp.state.established_to_idle", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "DOWN",
		doc:    "AWS-side peer BGP session state has changed from Established to Idle with neighbor {ip: xxx}",
		text:   "AWS-side peer BGP session state has changed from Established to Idle with neighbor 169.254.50.85",
		fields: transition(BGPStateEstablished, BGPStateIdle),
	},
	{
		code: "bgp.state.connect_to_active", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "DOWN",
		doc:    "AWS-side peer BGP session state has changed from Connect to Active with neighbor {ip: xxx}",
		text:   "AWS-side peer BGP session state has changed from Connect to Active with neighbor 169.254.50.85",
		fields: transition(BGPStateConnect, BGPStateActive),
	},
	// Prefix limits.
	{
		code: "bgp.prefix_limit_warning", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "UP",
		doc:    "AWS-side peer is reporting a maximum prefix limit warning • received {prefixes (count): xxx} prefixes from neighbor {ip: xxx}, limit is {limit (numeric): xxx}",
		text:   "AWS-side peer is reporting a maximum prefix limit warning • received 95 prefixes from neighbor 169.254.50.85, limit is 100",
		fields: MessageFields{Set: FieldPrefixCount | FieldNeighbor | FieldPrefixLimit, PrefixCount: 95, Neighbor: nbr, PrefixLimit: 100},
	},
	{
		code: "bgp.prefix_limit_exceeded", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer detected the maximum prefix limit was exceeded • received {prefixes (count): xxx} prefixes from neighbor {ip: xxx}, limit is {limit (numeric): xxx}",
		text:   "AWS-side peer detected the maximum prefix limit was exceeded • received 120 prefixes from neighbor 169.254.50.85, limit is 100",
		fields: MessageFields{Set: FieldPrefixCount | FieldNeighbor | FieldPrefixLimit, PrefixCount: 120, Neighbor: nbr, PrefixLimit: 100},
	},
	// Cease notifications.
	{
		code: "bgp.notification_sent.cease_max_prefixes", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent a notification 6/1 (Cease/Maximum Number of Prefixes Reached) to neighbor {ip: xxx}",
		text:   "AWS-side peer sent a notification 6/1 (Cease/Maximum Number of Prefixes Reached) to neighbor 169.254.50.85",
		fields: notification(1),
	},
	{
		code: "bgp.notification_received.cease_max_prefixes", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer received notification 6/1 (Cease/Maximum Number of Prefixes Reached) from neighbor {ip: xxx}",
		text:   "AWS-side peer received notification 6/1 (Cease/Maximum Number of Prefixes Reached) from neighbor 169.254.50.85",
		fields: notification(1),
	},
	{
		code: "bgp.notification_sent.cease_admin_shutdown", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent a notification 6/2 (Cease/Administrative Shutdown) to neighbor {ip: xxx}",
		text:   "AWS-side peer sent a notification 6/2 (Cease/Administrative Shutdown) to neighbor 169.254.50.85",
		fields: notification(2),
	},
	{
		code: "bgp.notification_received.cease_admin_shutdown", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "DOWN",
		doc:    "AWS-side peer received notification 6/2 (Cease/Administrative Shutdown) from neighbor {ip: xxx}",
		text:   "AWS-side peer received notification 6/2 (Cease/Administrative Shutdown) from neighbor 169.254.50.85",
		fields: notification(2),
	},
	{
		code: "bgp.notification_sent.cease_peer_unconfigured", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent a notification 6/3 (Cease/Peer Unconfigured) to neighbor {ip: xxx}",
		text:   "AWS-side peer sent a notification 6/3 (Cease/Peer Unconfigured) to neighbor 169.254.50.85",
		fields: notification(3),
	},
	{
		code: "bgp.notification_received.cease_peer_unconfigured", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer received notification 6/3 (Cease/Peer Unconfigured) from neighbor {ip: xxx}",
		text:   "AWS-side peer received notification 6/3 (Cease/Peer Unconfigured) from neighbor 169.254.50.85",
		fields: notification(3),
	},
	{
		code: "bgp.notification_sent.cease_admin_reset", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent a notification 6/4 (Cease/Administrative Reset) to neighbor {ip: xxx}",
		text:   "AWS-side peer sent a notification 6/4 (Cease/Administrative Reset) to neighbor 169.254.50.85",
		fields: notification(4),
	},
	{
		code: "bgp.notification_received.cease_admin_reset", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "DOWN",
		doc:    "AWS-side peer received notification 6/4 (Cease/Administrative Reset) from neighbor {ip: xxx}",
		text:   "AWS-side peer received notification 6/4 (Cease/Administrative Reset) from neighbor 169.254.50.85",
		fields: notification(4),
	},
	{
		code: "bgp.notification_sent.cease_connection_rejected", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent a notification 6/5 (Cease/Connection Rejected) to neighbor {ip: xxx}",
		text:   "AWS-side peer sent a notification 6/5 (Cease/Connection Rejected) to neighbor 169.254.50.85",
		fields: notification(5),
	},
	{
		code: "bgp.notification_received.cease_connection_rejected", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer received notification 6/5 (Cease/Connection Rejected) from neighbor {ip: xxx}",
		text:   "AWS-side peer received notification 6/5 (Cease/Connection Rejected) from neighbor 169.254.50.85",
		fields: notification(5),
	},
	{
		code: "bgp.notification_sent.cease_config_change", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent a notification 6/6 (Cease/Other Configuration Change) to neighbor {ip: xxx}",
		text:   "AWS-side peer sent a notification 6/6 (Cease/Other Configuration Change) to neighbor 169.254.50.85",
		fields: notification(6),
	},
	{
		code: "bgp.notification_received.cease_config_change", kind: KindBGPStatus, severity: SeverityWarning, bgpStatus: "DOWN",
		doc:    "AWS-side peer received notification 6/6 (Cease/Other Configuration Change) from neighbor {ip: xxx}",
		text:   "AWS-side peer received notification 6/6 (Cease/Other Configuration Change) from neighbor 169.254.50.85",
		fields: notification(6),
	},
	{
		code: "bgp.notification_sent.cease_collision_resolution", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent a notification 6/7 (Cease/Connection Collision Resolution) to neighbor {ip: xxx}",
		text:   "AWS-side peer sent a notification 6/7 (Cease/Connection Collision Resolution) to neighbor 169.254.50.85",
		fields: notification(7),
	},
	{
		code: "bgp.notification_received.cease_collision_resolution", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "DOWN",
		doc:    "AWS-side peer received notification 6/7 (Cease/Connection Collision Resolution) from neighbor {ip: xxx}",
		text:   "AWS-side peer received notification 6/7 (Cease/Connection Collision Resolution) from neighbor 169.254.50.85",
		fields: notification(7),
	},
	// Other BGP status messages.
	{
		code: "bgp.hold_timer_expired", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent a Hold Timer Expired notification to neighbor {ip: xxx}",
		text:   "AWS-side peer sent a Hold Timer Expired notification to neighbor 169.254.50.85",
		fields: MessageFields{Set: FieldNeighbor, Neighbor: nbr},
	},
	{
		code: "bgp.bad_open", kind: KindBGPStatus, severity: SeverityError, bgpStatus: "DOWN",
		doc:    "AWS-side peer detected a bad OPEN message from neighbor {ip: xxx} • remote AS is {asn: xxx}, expected {asn: xxx}",
		text:   "AWS-side peer detected a bad OPEN message from neighbor 169.254.50.85 • remote AS is 65001, expected 65000",
		fields: MessageFields{Set: FieldNeighbor | FieldASN | FieldExpectedASN, Neighbor: nbr, ASN: 65001, ExpectedASN: 65000},
	},
	{
		code: "bgp.open_received", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "DOWN",
		doc: "AWS-side peer received an OPEN message from neighbor {ip: xxx} • version 4, AS {asn: xxx}, holdtime {holdtime (seconds): xxx}, router-id {id: xxx}}",
		// Substituted like the others, so the documentation's stray brace stays.
		text:   "AWS-side peer received an OPEN message from neighbor 169.254.50.85 • version 4, AS 4200000001, holdtime 90, router-id 192.0.2.1}",
		fields: MessageFields{Set: FieldNeighbor | FieldASN | FieldHoldTime | FieldRouterID, Neighbor: nbr, ASN: 4200000001, HoldTime: 90, RouterID: "192.0.2.1"},
	},
	{
		code: "bgp.open_sent", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "DOWN",
		doc:    "AWS-side peer sent an OPEN message to neighbor {ip: xxx} • version 4, AS {asn: xxx}, holdtime {holdtime (seconds): xxx}, router-id {id: xxx}",
		text:   "AWS-side peer sent an OPEN message to neighbor 169.254.50.85 • version 4, AS 64512, holdtime 30, router-id 169.254.50.86",
		fields: MessageFields{Set: FieldNeighbor | FieldASN | FieldHoldTime | FieldRouterID, Neighbor: nbr, ASN: 64512, HoldTime: 30, RouterID: "169.254.50.86"},
	},
	{
		code: "bgp.connect", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "DOWN",
		doc:    "AWS-side peer is initiating a connection (via Connect) to neighbor {ip: xxx}",
		text:   "AWS-side peer is initiating a connection (via Connect) to neighbor 169.254.50.85",
		fields: MessageFields{Set: FieldNeighbor, Neighbor: nbr},
	},
	{
		code: "bgp.end_of_rib_sent", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "UP",
		doc:    "AWS-side peer sent an End-of-RIB message to neighbor {ip: xxx}",
		text:   "AWS-side peer sent an End-of-RIB message to neighbor 169.254.50.85",
		fields: MessageFields{Set: FieldNeighbor, Neighbor: nbr},
	},
	{
		code: "bgp.update_received", kind: KindBGPStatus, severity: SeverityInfo, bgpStatus: "UP",
		doc:    "AWS-side peer received update with attributes from neighbor {ip: xxx} • AS path: {aspath (list): xxx xxx xxx}",
		text:   "AWS-side peer received update with attributes from neighbor 169.254.50.85 • AS path: 65000 65010 65020",
		fields: MessageFields{Set: FieldNeighbor | FieldASPath, Neighbor: nbr, ASPath: []uint32{65000, 65010, 65020}},
	},
	// Route status.
	{
		code: "route.denied.own_as", kind: KindRouteStatus, severity: SeverityWarning,
		doc:  "DENIED due to: as-path contains our own AS",
		text: "DENIED due to: as-path contains our own AS",
	},
	{
		code: "route.denied.nonconnected_next_hop", kind: KindRouteStatus, severity: SeverityWarning,
		doc:  "DENIED due to: non-connected next-hop",
		text: "DENIED due to: non-connected next-hop",
	},
}

func TestCatalogueCasesCoverEveryEntry(t *testing.T) {
	var want []string
	for _, c := range catCases {
		want = append(want, c.code)
	}
	var got []string
	for _, e := range Catalogue() {
		got = append(got, e.Code)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("catalogue codes differ from the test cases:\n got %q\nwant %q", got, want)
	}
	if len(got) != 49 {
		t.Errorf("catalogue has %d entries, want 49 (2 IKEv1-only, 4 shared, 8 IKEv2-only, 4 negotiation, 29 BGP, 2 route)", len(got))
	}
}

func TestCatalogueEntries(t *testing.T) {
	codeRE := regexp.MustCompile(`^(ike|ikev1|bgp|route)(\.[a-z0-9]+(_[a-z0-9]+)*)+$`)
	for _, c := range catCases {
		e, ok := LookupCode(c.code)
		if !ok {
			t.Errorf("LookupCode(%q) not found", c.code)
			continue
		}
		if !codeRE.MatchString(e.Code) {
			t.Errorf("%s: code does not follow the scheme", e.Code)
		}
		if e.Kind != c.kind || e.Severity != c.severity || e.BGPStatus != c.bgpStatus {
			t.Errorf("%s: kind/severity/status = %s/%s/%q, want %s/%s/%q", c.code, e.Kind, e.Severity, e.BGPStatus, c.kind, c.severity, c.bgpStatus)
		}
		// The documentation prints "router-id {id: xxx}}"; the catalogue drops the stray brace.
		if wantMsg := strings.Replace(c.doc, "}}", "}", 1); e.Message != wantMsg {
			t.Errorf("%s: Message = %q, want %q", c.code, e.Message, wantMsg)
		}
		if e.Fields != c.fields.Set {
			t.Errorf("%s: Fields = %b, want %b", c.code, e.Fields, c.fields.Set)
		}
		if e.Explanation == "" || e.Remediation == "" {
			t.Errorf("%s: missing explanation or remediation", c.code)
		}
		if (e.Kind == KindIKEError) != (e.IKEv1Explanation != "") {
			t.Errorf("%s: IKEv1Explanation must be set exactly for KindIKEError", c.code)
		}
	}
	if _, ok := LookupCode("nope"); ok {
		t.Error("LookupCode(nope) found an entry")
	}
	if _, ok := LookupCode(CodeUnknown); ok {
		t.Error("CodeUnknown must not be a catalogue code")
	}
}

// Explanations quoted verbatim from docs/design/aws-behaviour.md §5.5 for a sample of
// entries, including both texts of a shared message.
func TestCatalogueExplanationsVerbatim(t *testing.T) {
	for code, want := range map[string][2]string{
		"ike.delete_ike_sa":                  {"Peer has sent the Delete_SA message for Parent/IKE_SA.", "CGW has sent the Delete_SA message for Phase 1."},
		"ike.no_proposal_match":              {"Proposed Attributes for Phase 1 or Phase 2 (Encryption, Hashing and DH Group) are not supported by AWS VPN Endpoint— for example, 3DES.", "Proposed Attributes for Phase 1 (Encryption, Hashing and DH Group) are not supported by AWS VPN Endpoint— for example, 3DES."},
		"ike.psk_mismatch":                   {"Same Pre-Shared key needs to be configured on both IKE Peers.", ""},
		"bgp.state.connect_to_active":        {"BGP Connection state on the AWS side transitioned from Connect to Active. Check TCP port 179 availability on CGW if BGP session is stuck in Connect state.", ""},
		"route.denied.nonconnected_next_hop": {"AWS rejected a BGP route advertisement for the prefix from the CGW due to a non-connected next-hop validation failure. Ensure the route is reachable on the CGW side.", ""},
	} {
		e, _ := LookupCode(code)
		if e.Explanation != want[0] || e.IKEv1Explanation != want[1] {
			t.Errorf("%s: explanations = %q / %q, want %q / %q", code, e.Explanation, e.IKEv1Explanation, want[0], want[1])
		}
	}
}

func TestCatalogueIsACopy(t *testing.T) {
	c := Catalogue()
	c[0].Code = "mutated"
	if Catalogue()[0].Code == "mutated" {
		t.Fatal("Catalogue returned the package's table")
	}
}
