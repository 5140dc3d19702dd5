package vpn

import (
	"strings"
	"testing"
)

func TestTunnelID(t *testing.T) {
	if got := TunnelID("vpn-0123456789abcdef0", "203.0.113.10"); got != "vpn-0123456789abcdef0/203.0.113.10" {
		t.Errorf("TunnelID = %q", got)
	}
}

func TestParseTunnelID(t *testing.T) {
	cases := []struct {
		id           string
		conn, ip     string
		errSubstring string
	}{
		{id: "vpn-0123456789abcdef0/203.0.113.10", conn: "vpn-0123456789abcdef0", ip: "203.0.113.10"},
		{id: "vpn-12345678/2001:db8::1", conn: "vpn-12345678", ip: "2001:db8::1"},
		{id: "vpn-0123456789abcdef0/203.0.113.010", errSubstring: "does not end with an IP address"},
		{id: "vpn-0123456789abcdef0", errSubstring: `has no "/"`},
		{id: "vpn-0123456789abcdef0/", errSubstring: "does not end with an IP address"},
		{id: "vpn-0123456789abcdef0/tunnel1", errSubstring: "does not end with an IP address"},
		{id: "vpc-0123456789abcdef0/203.0.113.10", errSubstring: "does not start with a VPN connection ID"},
		{id: "vpn-0123/203.0.113.10", errSubstring: "does not start with a VPN connection ID"},
		{id: "vpn-0123456789ABCDEF0/203.0.113.10", errSubstring: "does not start with a VPN connection ID"},
		{id: "/203.0.113.10", errSubstring: "does not start with a VPN connection ID"},
		{id: "", errSubstring: `has no "/"`},
	}
	for _, tc := range cases {
		conn, ip, err := ParseTunnelID(tc.id)
		if tc.errSubstring != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errSubstring) || conn != "" || ip != "" {
				t.Errorf("ParseTunnelID(%q) = %q, %q, %v; want an error containing %q", tc.id, conn, ip, err, tc.errSubstring)
			}
			continue
		}
		if err != nil || conn != tc.conn || ip != tc.ip {
			t.Errorf("ParseTunnelID(%q) = %q, %q, %v; want %q, %q", tc.id, conn, ip, err, tc.conn, tc.ip)
		}
	}
}

func TestConnectionIDPattern(t *testing.T) {
	for id, want := range map[string]bool{
		"vpn-12345678":           true,
		"vpn-0123456789abcdef0":  true,
		"vpn-1234567":            false, // too short
		"vpn-0123456789abcdef01": false, // too long
		"vpn-0123456789ABCDEF0":  false,
		"vpc-0123456789abcdef0":  false,
		" vpn-0123456789abcdef0": false,
	} {
		if got := ConnectionIDPattern.MatchString(id); got != want {
			t.Errorf("ConnectionIDPattern(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestTelemetryUp(t *testing.T) {
	cases := []struct {
		t    *Telemetry
		want bool
	}{
		{&Telemetry{Status: "UP"}, true},
		{&Telemetry{Status: "up"}, true},
		{&Telemetry{Status: "DOWN"}, false},
		{&Telemetry{}, false},
		{nil, false},
	}
	for _, tc := range cases {
		if got := tc.t.Up(); got != tc.want {
			t.Errorf("%+v.Up() = %v, want %v", tc.t, got, tc.want)
		}
	}
}

func TestOutsideIPs(t *testing.T) {
	c := &Connection{Tunnels: []Tunnel{{OutsideIP: "203.0.113.10"}, {OutsideIP: "203.0.113.11"}}}
	if got := strings.Join(c.OutsideIPs(), ","); got != "203.0.113.10,203.0.113.11" {
		t.Errorf("OutsideIPs = %q", got)
	}
	if got := (&Connection{}).OutsideIPs(); got == nil || len(got) != 0 {
		t.Errorf("OutsideIPs of a connection without tunnels = %#v, want empty", got)
	}
}
