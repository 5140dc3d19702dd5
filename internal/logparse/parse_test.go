package logparse

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	tSec    = time.Date(2025, 11, 8, 5, 40, 29, 0, time.UTC)
	tMilli  = time.Date(2025, 11, 8, 5, 40, 29, 641e6, time.UTC)
	tCW     = time.Date(2025, 11, 8, 6, 0, 0, 0, time.UTC)
	cwMilli = tCW.UnixMilli()
	outside = netip.MustParseAddr("1.2.3.4")
)

// q renders s as a JSON string (encoding/json is fine in tests).
func q(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func entry(code string) *CatalogEntry {
	e, ok := byCode[code]
	if !ok {
		panic("no entry " + code)
	}
	return e
}

func checkEvent(t *testing.T, in string, got, want Event) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseEvent(%q):\n got %+v\nwant %+v", in, got, want)
		if got.Entry != nil {
			t.Logf("got entry %s", got.Entry.Code)
		}
	}
}

// catalogueJSON renders a catalogue message in the JSON record the
// documentation describes for its log, and returns the event expected.
func catalogueJSON(c catCase) (string, Event) {
	want := Event{Format: FormatJSON, Details: c.text, Entry: entry(c.code), Fields: c.fields}
	switch c.kind {
	case KindBGPStatus:
		want.Type, want.Time, want.Status = EventBGPStatus, tMilli, c.bgpStatus
		want.ResourceID, want.VPNConnectionID, want.TunnelOutsideIP = "vpn-1234abcd_1.2.3.4", "vpn-1234abcd", outside
		return `{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":1762580429641,"timestamp":"2025-11-08 05:40:29.641Z",` +
			`"type":"BGPStatus","status":"` + c.bgpStatus + `","message":{"details":` + q(c.text) + `}}`, want
	case KindRouteStatus:
		want.Type, want.Status = EventRouteStatus, "UPDATED"
		want.Time = time.Date(2025, 11, 8, 5, 26, 13, 243e6, time.UTC)
		want.ResourceID, want.VPNConnectionID, want.TunnelOutsideIP = "vpn-1234abcd_1.2.3.4", "vpn-1234abcd", outside
		want.Route = &Route{
			Prefix: netip.MustParsePrefix("172.31.0.0/16"), ASPath: []uint32{64512},
			LocalPref: OptInt{100, true}, MED: OptInt{100, true}, NextHop: nbr, Weight: OptInt{32768, true},
		}
		return `{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":1762579573243,"timestamp":"2025-11-08 05:26:13.243Z","type":"RouteStatus","status":"UPDATED",` +
			`"message":{"prefix":"172.31.0.0/16","asPath":"64512","localPref":100,"med":100,"nextHopIp":"169.254.50.85","weight":32768,"details":` + q(c.text) + `}}`, want
	default:
		want.Type, want.Time = EventTunnelActivity, tSec
		want.Phase1, want.Phase2, want.DPDEnabled, want.NATTDetected = IKEStateEstablished, IKEStateDown, OptTrue, OptFalse
		return `{"event_timestamp":1762580429,"timestamp":"2025-11-08 05:40:29.641Z","dpd_enabled":true,"nat_t_detected":false,` +
			`"ike_phase1_state":"established","ike_phase2_state":"down","details":` + q(c.text) + `}`, want
	}
}

// TestCatalogueJSON parses every catalogue message in its JSON record.
func TestCatalogueJSON(t *testing.T) {
	for _, c := range catCases {
		t.Run(c.code, func(t *testing.T) {
			in, want := catalogueJSON(c)
			checkEvent(t, in, ParseEvent([]byte(in), cwMilli), want)
		})
	}
}

// catalogueText renders a catalogue message in the canonical text
// rendering, and returns the event expected.
func catalogueText(c catCase) (string, Event) {
	want := Event{Format: FormatText, Time: tMilli, Details: c.text, Entry: entry(c.code), Fields: c.fields}
	switch c.kind {
	case KindBGPStatus:
		want.Type, want.Status = EventBGPStatus, c.bgpStatus
		want.ResourceID, want.VPNConnectionID, want.TunnelOutsideIP = "vpn-1234abcd_1.2.3.4", "vpn-1234abcd", outside
		return "2025-11-08 05:40:29.641Z resource_id=vpn-1234abcd_1.2.3.4 type=BGPStatus status=" + c.bgpStatus + " " + c.text, want
	case KindRouteStatus:
		want.Type, want.Status = EventRouteStatus, "ADVERTISED"
		want.Route = &Route{Prefix: netip.MustParsePrefix("10.0.0.0/16"), ASPath: []uint32{65000, 65001}}
		return "2025-11-08 05:40:29.641Z type=RouteStatus status=ADVERTISED prefix=10.0.0.0/16 as_path=65000 65001 " + c.text, want
	default:
		want.Type = EventTunnelActivity
		want.Phase1, want.Phase2, want.DPDEnabled, want.NATTDetected = IKEStateEstablished, IKEStateRekeying, OptTrue, OptFalse
		return "2025-11-08 05:40:29.641Z ike_phase1_state=established ike_phase2_state=Rekeying dpd_enabled=true nat_t_detected=false " + c.text, want
	}
}

// TestCatalogueText parses every catalogue message in the canonical text
// rendering, and embedded mid-line with no pairs at all.
func TestCatalogueText(t *testing.T) {
	for _, c := range catCases {
		t.Run(c.code, func(t *testing.T) {
			in, want := catalogueText(c)
			checkEvent(t, in, ParseEvent([]byte(in), cwMilli), want)

			// Embedded mid-line, no pairs: the type comes from the message,
			// the BGP status from the catalogue, the time from CloudWatch.
			in = "monitor[42]: vpn-1234abcd tunnel 1.2.3.4 says " + c.text + " (forwarded)"
			want = Event{Format: FormatText, Time: tCW, Details: in, Entry: entry(c.code), Fields: c.fields, Status: c.bgpStatus}
			switch c.kind {
			case KindBGPStatus:
				want.Type = EventBGPStatus
			case KindRouteStatus:
				want.Type = EventRouteStatus
			default:
				want.Type = EventTunnelActivity
			}
			checkEvent(t, in, ParseEvent([]byte(in), cwMilli), want)
		})
	}
}

// TestCatalogueCaseInsensitive parses every message upper- and lower-cased.
func TestCatalogueCaseInsensitive(t *testing.T) {
	for _, c := range catCases {
		for _, text := range []string{strings.ToUpper(c.text), strings.ToLower(c.text)} {
			e := ParseEventString(text, 0)
			if e.Entry == nil || e.Entry.Code != c.code {
				t.Errorf("%q: entry %v, want %s", text, e.Entry, c.code)
				continue
			}
			want := c.fields
			if want.Has(FieldSPI) { // the SPI is kept as printed
				want.SPI = text[len(text)-len(want.SPI):]
			}
			if want.Has(FieldRouterID) {
				want.RouterID = strings.ToLower(want.RouterID)
			}
			if !reflect.DeepEqual(e.Fields, want) {
				t.Errorf("%q: fields %+v, want %+v", text, e.Fields, want)
			}
		}
	}
}

// TestSeparators renders the documentation's "•" every plausible way.
func TestSeparators(t *testing.T) {
	messages := []struct {
		code, before, after string
		fields              MessageFields
	}{
		{"ikev1.peer_dead", "Peer is not responsive", "Declaring peer dead", MessageFields{}},
		{"bgp.prefix_limit_warning", "AWS-side peer is reporting a maximum prefix limit warning", "received 95 prefixes from neighbor 169.254.50.85, limit is 100",
			MessageFields{Set: FieldPrefixCount | FieldNeighbor | FieldPrefixLimit, PrefixCount: 95, Neighbor: nbr, PrefixLimit: 100}},
		{"bgp.prefix_limit_exceeded", "AWS-side peer detected the maximum prefix limit was exceeded", "received 120 prefixes from neighbor 169.254.50.85, limit is 100",
			MessageFields{Set: FieldPrefixCount | FieldNeighbor | FieldPrefixLimit, PrefixCount: 120, Neighbor: nbr, PrefixLimit: 100}},
		{"bgp.bad_open", "AWS-side peer detected a bad OPEN message from neighbor 169.254.50.85", "remote AS is 65001, expected 65000",
			MessageFields{Set: FieldNeighbor | FieldASN | FieldExpectedASN, Neighbor: nbr, ASN: 65001, ExpectedASN: 65000}},
		{"bgp.open_sent", "AWS-side peer sent an OPEN message to neighbor 169.254.50.85", "version 4, AS 64512, holdtime 30, router-id 169.254.50.86",
			MessageFields{Set: FieldNeighbor | FieldASN | FieldHoldTime | FieldRouterID, Neighbor: nbr, ASN: 64512, HoldTime: 30, RouterID: "169.254.50.86"}},
		{"bgp.update_received", "AWS-side peer received update with attributes from neighbor 169.254.50.85", "AS path: 65000 65010",
			MessageFields{Set: FieldNeighbor | FieldASPath, Neighbor: nbr, ASPath: []uint32{65000, 65010}}},
	}
	for _, m := range messages {
		for _, sep := range []string{" - ", "•", " • ", "\n", "\r\n• ", " ", ""} {
			for _, format := range []string{"text", "json"} {
				msg := m.before + sep + m.after
				in := msg
				if format == "json" {
					in = `{"details":` + q(msg) + `}`
				}
				e := ParseEventString(in, 0)
				if e.Entry == nil || e.Entry.Code != m.code {
					t.Errorf("%s %q: entry %v, want %s", format, in, e.Entry, m.code)
					continue
				}
				if !reflect.DeepEqual(e.Fields, m.fields) {
					t.Errorf("%s %q: fields %+v, want %+v", format, in, e.Fields, m.fields)
				}
			}
		}
	}
}

// TestMonitoringSampleFragments: the shorter substrings AWS's monitoring
// sample matches on map onto documented entries.
func TestMonitoringSampleFragments(t *testing.T) {
	for fragment, code := range map[string]string{
		"Peer is not responsive":                                  "ikev1.peer_dead",
		"No Proposal Match Found by AWS":                          "ike.no_proposal_match",
		"No proposal chosen":                                      "ike.no_proposal_chosen",
		"invalid Pre-shared Key":                                  "ikev1.psk_invalid",
		"AWS tunnel received DELETE for Phase 2 SA":               "ike.delete_child_sa",
		"AWS tunnel received DELETE for IKE_SA from CGW":          "ike.delete_ike_sa",
		"DPD timed out":                                           "ike.dpd_timeout",
		"(CHILD_REKEY) collision as CHILD_DELETE":                 "ike.child_rekey_collision",
		"redundant SA is being deleted due to detected collision": "ike.redundant_sa_deleted",
		"Phase 2 was unable to establish while keeping Phase 1":   "ike.phase2_failed",
		"TS_UNACCEPTABLE":                                         "ike.ts_unacceptable",
		"AUTHENTICATION_FAILED":                                   "ike.authentication_failed",
		"pre-shared key mismatch":                                 "ike.psk_mismatch",
		"deleting un-established Phase 1 IKE_SA with cgw":         "ike.phase1_timeout",
	} {
		e := ParseEventString("ike_phase1_state=down "+fragment, 0)
		if e.Entry == nil || e.Entry.Code != code {
			t.Errorf("%q: entry %v, want %s", fragment, e.Entry, code)
		}
		if e.Fields.Set != 0 {
			t.Errorf("%q: fields %+v, want none (no placeholder value present)", fragment, e.Fields)
		}
	}
}

// TestClassifyDeterministic: messages sharing words classify one way only.
func TestClassifyDeterministic(t *testing.T) {
	for text, code := range map[string]string{
		"No Proposal Match Found by AWS":                               "ike.no_proposal_match",
		`No Proposal Match Found. Notifying with "No proposal chosen"`: "ike.no_proposal_chosen",
		"No Proposal Match Found. Notifying":                           "ike.no_proposal_chosen",
		"AWS tunnel received DELETE for IKE_SA from CGW":               "ike.delete_ike_sa",
		"AWS tunnel received DELETE for Phase 2 SA with SPI: 1":        "ike.delete_child_sa",
		"AWS tunnel is sending AUTHENTICATION_FAILED as the response":  "ike.authentication_failed",
		"AWS tunnel is sending request (id=1) for CREATE_CHILD_SA":     "ike.create_child_sa.request_sent",
		// The first message on the line wins.
		"AWS tunnel DPD timed out after 3 retransmits; AWS tunnel received DELETE for IKE_SA from CGW": "ike.dpd_timeout",
	} {
		for range 3 {
			e := ParseEventString(text, 0)
			if e.Entry == nil || e.Entry.Code != code {
				t.Errorf("%q: entry %v, want %s", text, e.Entry, code)
			}
		}
	}
	// Near misses are not catalogue messages.
	for _, text := range []string{
		"AWS tunnel processed request (id=5) for INFORMATIONAL",
		"AWS tunnel is sending request",
		"DENIED due to: something else",
		"AWS-side peer sent a notification",
		"proposal",
		"aws-side",
	} {
		if e := ParseEventString(text, 0); e.Entry != nil {
			t.Errorf("%q: entry %s, want none", text, e.Entry.Code)
		}
	}
}

// TestUncataloguedBGPMessages: a transition or notification the catalogue
// lacks keeps its fields, has no entry and counts as unrecognised.
func TestUncataloguedBGPMessages(t *testing.T) {
	tests := []struct {
		in   string
		want Event
	}{
		{
			in: "AWS-side peer BGP session state has changed from Established to Active with neighbor 169.254.50.85",
			want: Event{Type: EventBGPStatus, Format: FormatText, Status: "DOWN",
				Details: "AWS-side peer BGP session state has changed from Established to Active with neighbor 169.254.50.85",
				Fields:  MessageFields{Set: FieldFromState | FieldToState | FieldNeighbor, FromState: BGPStateEstablished, ToState: BGPStateActive, Neighbor: nbr}},
		},
		{
			in: `{"type":"BGPStatus","message":{"details":"AWS-side peer BGP session state has changed from Active to OpenSent with neighbor 169.254.50.85"}}`,
			want: Event{Type: EventBGPStatus, Format: FormatJSON, Status: "DOWN",
				Details: "AWS-side peer BGP session state has changed from Active to OpenSent with neighbor 169.254.50.85",
				Fields:  MessageFields{Set: FieldFromState | FieldToState | FieldNeighbor, FromState: BGPStateActive, ToState: BGPStateOpenSent, Neighbor: nbr}},
		},
		{
			in: "AWS-side peer sent a notification 2/2 (OPEN Message Error/Bad Peer AS) to neighbor 169.254.50.85",
			want: Event{Type: EventBGPStatus, Format: FormatText,
				Details: "AWS-side peer sent a notification 2/2 (OPEN Message Error/Bad Peer AS) to neighbor 169.254.50.85",
				Fields:  MessageFields{Set: FieldNotification | FieldNeighbor, NotificationCode: 2, NotificationSubcode: 2, Neighbor: nbr}},
		},
		{
			in: "AWS-side peer received notification 6/8 (Cease/Out of Resources) from neighbor 169.254.50.85",
			want: Event{Type: EventBGPStatus, Format: FormatText,
				Details: "AWS-side peer received notification 6/8 (Cease/Out of Resources) from neighbor 169.254.50.85",
				Fields:  MessageFields{Set: FieldNotification | FieldNeighbor, NotificationCode: 6, NotificationSubcode: 8, Neighbor: nbr}},
		},
		{
			in: "AWS-side peer sent a keepalive to neighbor 169.254.50.85",
			want: Event{Type: EventBGPStatus, Format: FormatText, Details: "AWS-side peer sent a keepalive to neighbor 169.254.50.85",
				Fields: MessageFields{Set: FieldNeighbor, Neighbor: nbr}},
		},
		{
			in:   "AWS tunnel did something new",
			want: Event{Type: EventTunnelActivity, Format: FormatText, Details: "AWS tunnel did something new"},
		},
	}
	for _, tt := range tests {
		got := ParseEventString(tt.in, 0)
		checkEvent(t, tt.in, got, tt.want)
		if !got.Unrecognized() {
			t.Errorf("%q: Unrecognized() = false", tt.in)
		}
	}
}
