package logparse

import (
	"net/netip"
	"testing"
)

// A text line may name its tunnel with bare tokens before the message; those are identity, not message text.
func TestParseText_leadingIdentityTokens(t *testing.T) {
	t.Parallel()
	cases := []struct {
		line         string
		typ          EventType
		vpn, ip      string
		details      string
		unrecognized bool
	}{
		{`2025-11-08 05:40:29.641Z vpn-1234abcd_1.2.3.4 type=RouteStatus status=ADVERTISED prefix=10.20.0.0/16 asPath="65000" localPref=100 med=100 nextHopIp=169.254.10.2 weight=32768`,
			EventRouteStatus, "vpn-1234abcd", "1.2.3.4", "", false},
		{`2025-11-08 05:40:29.641Z vpn-0abc1234 203.0.113.10 ike_phase1_state=established ike_phase2_state=established dpd_enabled=true nat_t_detected=false details="AWS tunnel processed request (id=12) for CREATE_CHILD_SA"`,
			EventTunnelActivity, "vpn-0abc1234", "203.0.113.10", "AWS tunnel processed request (id=12) for CREATE_CHILD_SA", false},
		// An address inside the message stays in the message (and becomes the CGW field).
		{`2025-11-08 05:40:29.641Z ike_phase1_state=down AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7`,
			EventTunnelActivity, "", "", "AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7", false},
		// A word starting "vpn-" that is not an ID stays message text.
		{`2025-11-08 05:40:29.641Z vpn-tunnel is flapping`, EventUnknown, "", "", "2025-11-08 05:40:29.641Z vpn-tunnel is flapping", true},
	}
	for _, tc := range cases {
		e := ParseEventString(tc.line, 0)
		if e.Type != tc.typ || e.VPNConnectionID != tc.vpn || e.Details != tc.details || e.Unrecognized() != tc.unrecognized {
			t.Errorf("%q:\n got type=%v vpn=%q details=%q unrecognized=%v\nwant type=%v vpn=%q details=%q unrecognized=%v",
				tc.line, e.Type, e.VPNConnectionID, e.Details, e.Unrecognized(), tc.typ, tc.vpn, tc.details, tc.unrecognized)
		}
		if tc.ip != "" && e.TunnelOutsideIP != netip.MustParseAddr(tc.ip) {
			t.Errorf("%q: outside IP %v, want %s", tc.line, e.TunnelOutsideIP, tc.ip)
		}
	}
	psk := ParseEventString(cases[2].line, 0)
	if !psk.Fields.Has(FieldCGW) || psk.Fields.CGW != netip.MustParseAddr("198.51.100.7") {
		t.Errorf("the CGW address in the message was lost: %+v", psk.Fields)
	}
}
