package logparse

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

const dpdText = "AWS tunnel DPD timed out after 3 retransmits"

var dpdFields = MessageFields{Set: FieldRetryCount, RetryCount: 3}

// tunnelEvent is the expected event for the DPD message with the given
// states, flags, time and format.
func tunnelEvent(f Format, at time.Time, p1, p2 IKEState, dpd, natt OptBool) Event {
	return Event{
		Type: EventTunnelActivity, Format: f, Time: at, Phase1: p1, Phase2: p2, DPDEnabled: dpd, NATTDetected: natt,
		Details: dpdText, Entry: entry("ike.dpd_timeout"), Fields: dpdFields,
	}
}

func TestJSONVariants(t *testing.T) {
	tests := []struct {
		name, in string
		want     Event
	}{
		{
			name: "pretty-printed",
			in: "{\n  \"event_timestamp\": 1762580429,\n  \"timestamp\": \"2025-11-08 05:40:29.641Z\",\n  \"dpd_enabled\": true,\n" +
				"  \"nat_t_detected\": false,\n  \"ike_phase1_state\": \"Established\",\n  \"ike_phase2_state\": \"Established\",\n" +
				"  \"details\": \"" + dpdText + "\"\n}\n",
			want: tunnelEvent(FormatJSON, tSec, IKEStateEstablished, IKEStateEstablished, OptTrue, OptFalse),
		},
		{
			name: "leading white space, string booleans, upper-case states",
			in:   ` 	{"event_timestamp":1762580429,"dpd_enabled":"True","nat_t_detected":"false","ike_phase1_state":"ESTABLISHED","ike_phase2_state":"DOWN","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tSec, IKEStateEstablished, IKEStateDown, OptTrue, OptFalse),
		},
		{
			name: "other boolean spellings, lower-case states",
			in:   `{"event_timestamp":1762580429,"dpd_enabled":"TRUE","nat_t_detected":"yes","ike_phase1_state":"rekeying","ike_phase2_state":"negotiating","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tSec, IKEStateRekeying, IKEStateNegotiating, OptTrue, OptTrue),
		},
		{
			name: "unparsable boolean and state are unset",
			in:   `{"event_timestamp":1762580429,"dpd_enabled":"maybe","nat_t_detected":0,"ike_phase1_state":"UP","ike_phase2_state":"","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tSec, IKEStateUnknown, IKEStateUnknown, OptUnset, OptFalse),
		},
		{
			name: "milliseconds",
			in:   `{"event_timestamp":1762580429641,"ike_phase1_state":"down","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tMilli, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset),
		},
		{
			name: "microseconds as a numeric string",
			in:   `{"event_timestamp":"1762580429641000","ike_phase1_state":"down","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tMilli, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset),
		},
		{
			name: "fractional seconds",
			in:   `{"event_timestamp":1762580429.641,"ike_phase1_state":"down","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tMilli, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset),
		},
		{
			name: "exponent milliseconds",
			in:   `{"event_timestamp":1.762580429641e12,"ike_phase1_state":"down","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tMilli, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset),
		},
		{
			name: "human timestamp when event_timestamp is missing",
			in:   `{"timestamp":"2025-11-08 05:40:29.641Z","ike_phase1_state":"down","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tMilli, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset),
		},
		{
			name: "human timestamp with an offset when event_timestamp is bad",
			in:   `{"event_timestamp":"soon","timestamp":"2025-11-08T07:40:29.641+02:00","ike_phase1_state":"down","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tMilli, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset),
		},
		{
			name: "CloudWatch timestamp when both are missing or bad",
			in:   `{"event_timestamp":0,"timestamp":"yesterday","ike_phase1_state":"down","details":"` + dpdText + `"}`,
			want: tunnelEvent(FormatJSON, tCW, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset),
		},
		{
			name: "key spellings, extra keys, nested values, the 2022 identity keys",
			in: `{"IKE_Phase1_State":"established","TunnelIKEPhase2State":"established","extra":{"a":[1,{"b":"}"}],"c":null},"list":[true,false,"x\"y"],` +
				`"VpnConnectionId":"vpn-0abc","TunnelOutsideIPAddress":"203.0.113.20","EventTimestamp":1762580429,"VpnLogDetail":"` + dpdText + `","n":-1.5e3}`,
			want: func() Event {
				e := tunnelEvent(FormatJSON, tSec, IKEStateEstablished, IKEStateEstablished, OptUnset, OptUnset)
				e.VPNConnectionID, e.TunnelOutsideIP = "vpn-0abc", netip.MustParseAddr("203.0.113.20")
				return e
			}(),
		},
		{
			name: "escapes in details",
			in:   `{"ike_phase1_state":"down","details":"\u0041WS tunnel DPD timed out after 3 retransmits \u2022 \"quoted\" \/ \ud83d\ude00 \ud800 \x"}`,
			want: func() Event {
				e := tunnelEvent(FormatJSON, tCW, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset)
				e.Details = "AWS tunnel DPD timed out after 3 retransmits • \"quoted\" / 😀 \uFFFD \\x"
				return e
			}(),
		},
		{
			name: "no details",
			in:   `{"event_timestamp":1762580429,"ike_phase1_state":"established","ike_phase2_state":"established","details":null}`,
			want: Event{Type: EventTunnelActivity, Format: FormatJSON, Time: tSec, Phase1: IKEStateEstablished, Phase2: IKEStateEstablished},
		},
		{
			name: "BGP, resource_id with a hyphen, lower-case status and type, message as a string",
			in:   `{"resource_id":"vpn-1234abcd-1.2.3.4","event_timestamp":1762580429641,"type":"bgpstatus","status":"down","message":"AWS-side peer sent a Hold Timer Expired notification to neighbor 169.254.50.85"}`,
			want: Event{
				Type: EventBGPStatus, Format: FormatJSON, Time: tMilli, Status: "DOWN",
				ResourceID: "vpn-1234abcd-1.2.3.4", VPNConnectionID: "vpn-1234abcd", TunnelOutsideIP: outside,
				Details: "AWS-side peer sent a Hold Timer Expired notification to neighbor 169.254.50.85",
				Entry:   entry("bgp.hold_timer_expired"), Fields: MessageFields{Set: FieldNeighbor, Neighbor: nbr},
			},
		},
		{
			name: "BGP with message null and no status",
			in:   `{"resource_id":"vpn-1234abcd_1.2.3.4","type":"BGPStatus","message":null}`,
			want: Event{Type: EventBGPStatus, Format: FormatJSON, Time: tCW, ResourceID: "vpn-1234abcd_1.2.3.4", VPNConnectionID: "vpn-1234abcd", TunnelOutsideIP: outside},
		},
		{
			name: "route without details, numbers as strings, AS path as an array, IPv6",
			in: `{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":1762580429641,"type":"RouteStatus","status":"Advertised",` +
				`"message":{"prefix":"2001:db8::\/32","asPath":[65000,"65001"],"localPref":"100","med":"0","nextHopIp":"fd00::1","weight":"32768"}}`,
			want: Event{
				Type: EventRouteStatus, Format: FormatJSON, Time: tMilli, Status: "ADVERTISED",
				ResourceID: "vpn-1234abcd_1.2.3.4", VPNConnectionID: "vpn-1234abcd", TunnelOutsideIP: outside,
				Route: &Route{
					Prefix: netip.MustParsePrefix("2001:db8::/32"), ASPath: []uint32{65000, 65001},
					LocalPref: OptInt{100, true}, MED: OptInt{0, true}, NextHop: netip.MustParseAddr("fd00::1"), Weight: OptInt{32768, true},
				},
			},
		},
		{
			name: "route without a type key, withdrawn, bare address prefix, AS_SET",
			in:   `{"status":"WITHDRAWN","message":{"prefix":"10.9.8.7","asPath":"65000 {65001,65002}","localPref":null}}`,
			want: Event{
				Type: EventRouteStatus, Format: FormatJSON, Time: tCW, Status: "WITHDRAWN",
				Route: &Route{Prefix: netip.MustParsePrefix("10.9.8.7/32"), ASPath: []uint32{65000, 65001, 65002}},
			},
		},
		{
			name: "details only: the message gives the type",
			in:   `{"details":"` + dpdText + `"}`,
			want: Event{Type: EventTunnelActivity, Format: FormatJSON, Time: tCW, Details: dpdText, Entry: entry("ike.dpd_timeout"), Fields: dpdFields},
		},
		{
			name: "empty object",
			in:   `{}`,
			want: Event{Type: EventUnknown, Format: FormatJSON, Time: tCW, Details: "{}"},
		},
		{
			name: "unknown keys only",
			in:   ` {"hello":"world"} `,
			want: Event{Type: EventUnknown, Format: FormatJSON, Time: tCW, Details: `{"hello":"world"}`},
		},
		{
			name: "broken JSON falls back to the text reader",
			in:   `{"ike_phase1_state":"down","details":"` + dpdText + `"`,
			want: tunnelEvent(FormatText, tCW, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset),
		},
		{
			name: "a JSON array is not a record",
			in:   `[1,2,3]`,
			want: Event{Type: EventUnknown, Format: FormatText, Time: tCW, Details: `[1,2,3]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvent(t, tt.in, ParseEventString(tt.in, cwMilli), tt.want)
		})
	}
}

func TestTextVariants(t *testing.T) {
	tests := []struct {
		name, in string
		want     Event
	}{
		{
			name: "key: value pairs with commas, details key",
			in:   "timestamp: 2025-11-08 05:40:29.641Z, ike_phase1_state: Established, ike_phase2_state: Down, dpd_enabled: True, nat_t_detected: False, details: " + dpdText,
			want: tunnelEvent(FormatText, tMilli, IKEStateEstablished, IKEStateDown, OptTrue, OptFalse),
		},
		{
			name: "quoted values, pairs after the message, epoch key",
			in:   `"` + dpdText + `" ike_phase1_state="down" event_timestamp=1762580429 dpd_enabled='false'`,
			want: func() Event {
				e := tunnelEvent(FormatText, tSec, IKEStateDown, IKEStateUnknown, OptFalse, OptUnset)
				e.Details = `"` + dpdText + `"`
				return e
			}(),
		},
		{
			name: "details quoted with escapes",
			in:   `ike_phase1_state=down details="AWS tunnel DPD timed out after 3 retransmits \u2022 \"x\""`,
			want: func() Event {
				e := tunnelEvent(FormatText, tCW, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset)
				e.Details = "AWS tunnel DPD timed out after 3 retransmits • \"x\""
				return e
			}(),
		},
		{
			name: "ISO leading timestamp with offset, message mid-line",
			in:   "2025-11-08T06:40:29.641+01:00 [vpn-1] ike_phase1_state=down something happened: " + dpdText + " (retrying)",
			want: func() Event {
				e := tunnelEvent(FormatText, tMilli, IKEStateDown, IKEStateUnknown, OptUnset, OptUnset)
				e.Details = "[vpn-1] ike_phase1_state=down something happened: " + dpdText + " (retrying)"
				return e
			}(),
		},
		{
			name: "multi-line event, CRLF",
			in:   "ike_phase1_state=down\r\nike_phase2_state=down\r\n" + dpdText + "\r\n",
			want: tunnelEvent(FormatText, tCW, IKEStateDown, IKEStateDown, OptUnset, OptUnset),
		},
		{
			name: "BGP: type and status in other cases, key: value",
			in:   "type: bgpstatus status: up resource_id: vpn-1234abcd_1.2.3.4 AWS-side peer sent an End-of-RIB message to neighbor 169.254.50.85",
			want: Event{
				Type: EventBGPStatus, Format: FormatText, Time: tCW, Status: "UP",
				ResourceID: "vpn-1234abcd_1.2.3.4", VPNConnectionID: "vpn-1234abcd", TunnelOutsideIP: outside,
				Details: "AWS-side peer sent an End-of-RIB message to neighbor 169.254.50.85",
				Entry:   entry("bgp.end_of_rib_sent"), Fields: MessageFields{Set: FieldNeighbor, Neighbor: nbr},
			},
		},
		{
			name: "route in text with every route key",
			in:   "2025-11-08 05:40:29.641Z type=RouteStatus status=UPDATED prefix=172.31.0.0/16 asPath=64512 localPref=100 med=50 nextHopIp=169.254.50.85 weight=32768 DENIED due to: non-connected next-hop",
			want: Event{
				Type: EventRouteStatus, Format: FormatText, Time: tMilli, Status: "UPDATED",
				Route: &Route{
					Prefix: netip.MustParsePrefix("172.31.0.0/16"), ASPath: []uint32{64512},
					LocalPref: OptInt{100, true}, MED: OptInt{50, true}, NextHop: nbr, Weight: OptInt{32768, true},
				},
				Details: "DENIED due to: non-connected next-hop", Entry: entry("route.denied.nonconnected_next_hop"),
			},
		},
		{
			name: "pairs only, no message",
			in:   "ike_phase1_state=established ike_phase2_state=established dpd_enabled=true",
			want: Event{Type: EventTunnelActivity, Format: FormatText, Time: tCW, Phase1: IKEStateEstablished, Phase2: IKEStateEstablished, DPDEnabled: OptTrue},
		},
		{
			name: "unknown text",
			in:   "  the quick brown fox  ",
			want: Event{Type: EventUnknown, Format: FormatText, Time: tCW, Details: "the quick brown fox"},
		},
		{
			name: "empty",
			in:   "",
			want: Event{Type: EventUnknown, Format: FormatText, Time: tCW},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkEvent(t, tt.in, ParseEventString(tt.in, cwMilli), tt.want)
		})
	}
}

func TestUnknownDetailsTruncated(t *testing.T) {
	in := strings.Repeat("é", MaxRawDetails) // 2 bytes each
	e := ParseEventString(in, 0)
	if e.Type != EventUnknown || len(e.Details) != MaxRawDetails || e.Details != in[:MaxRawDetails] {
		t.Fatalf("got type %v, %d bytes", e.Type, len(e.Details))
	}
	e = ParseEventString("x"+in, 0) // the cut falls inside a rune and moves back
	if len(e.Details) != MaxRawDetails-1 || e.Details != "x"+in[:MaxRawDetails-2] {
		t.Fatalf("cut at %d bytes: %q", len(e.Details), e.Details[len(e.Details)-4:])
	}
}

func TestParseEventNoAllocsBeyondTheMessage(t *testing.T) {
	in := `{"event_timestamp":1762580429,"timestamp":"2025-11-08 05:40:29.641Z","dpd_enabled":true,"nat_t_detected":false,` +
		`"ike_phase1_state":"established","ike_phase2_state":"established","details":"AWS tunnel processed request (id=12) for CREATE_CHILD_SA"}`
	if n := testing.AllocsPerRun(100, func() { ParseEventString(in, 0) }); n != 0 {
		t.Errorf("ParseEventString allocates %v times per tunnel event, want 0", n)
	}
	b := []byte(in)
	if n := testing.AllocsPerRun(100, func() { ParseEvent(b, 0) }); n != 1 {
		t.Errorf("ParseEvent allocates %v times per tunnel event, want 1 (the message string)", n)
	}
}

// TestLinearTime guards against inputs that make the parser quadratic (a key
// word repeated many times once searched the rest of the text each time).
func TestLinearTime(t *testing.T) {
	for _, unit := range []string{
		"processed request ", "sending response ", "denied due to ", "aws-side peer ",
		"AWS-side peer BGP session state has changed from ", "details=", `"status":`, "a=", "1 ", `\u`, "[",
		"AWS-side peer received update with attributes AS path: ",
	} {
		s := strings.Repeat(unit, 400_000/len(unit))
		start := time.Now()
		ParseEventString(s, 0)
		ParseEventString(`{"details":"`+s+`"}`, 0)
		ParseEventString("{"+s, 0)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%d × %q: %v", len(s)/len(unit), unit, d)
		}
	}
}
