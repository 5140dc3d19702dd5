package vpn

import (
	"errors"
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
		{id: "vpn-0123456789abcdef0/203.0.113.010", errSubstring: `write "203.0.113.10"`},
		{id: "vpn-0123456789abcdef0/::ffff:203.0.113.10", errSubstring: "IPv4-mapped"},
		{id: "vpn-0123456789abcdef0", errSubstring: `has no "/"`},
		{id: "vpn-0123456789abcdef0/", errSubstring: "does not end with an outside IP address"},
		{id: "vpn-0123456789abcdef0/tunnel1", errSubstring: "does not end with an outside IP address"},
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

func TestCheckOutsideIP(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, problem, canonical string
	}{
		{in: "203.0.113.10"},
		{in: "2001:db8::1"},
		{in: "::ffff:3.18.236.87", problem: "is an IPv4-mapped IPv6 address", canonical: "3.18.236.87"},
		{in: "203.0.113.010", problem: "has leading zeros", canonical: "203.0.113.10"},
		{in: "203.000.113.10", problem: "has leading zeros", canonical: "203.0.113.10"},
		{in: " 3.18.236.87", problem: "has spaces around it", canonical: "3.18.236.87"},
		{in: "3.18.236.87\n", problem: "has spaces around it", canonical: "3.18.236.87"},
		{in: " ::ffff:3.18.236.87 ", problem: "has spaces around it"},
		{in: "2001:DB8::1", problem: "is not in canonical form", canonical: "2001:db8::1"},
		{in: "2001:db8:0:0::1", problem: "is not in canonical form", canonical: "2001:db8::1"},
		{in: "fe80::1%eth0", problem: "has an IPv6 zone"},
		{in: "", problem: "is not an IP address"},
		{in: "tunnel1", problem: "is not an IP address"},
		{in: "203.0.113.256", problem: "is not an IP address"},
		{in: "203.0.113.0010", problem: "has leading zeros", canonical: "203.0.113.10"},
		{in: "203.0.113.0256", problem: "is not an IP address"},
	}
	for _, tc := range cases {
		err := CheckOutsideIP(tc.in)
		if tc.problem == "" {
			if err != nil {
				t.Errorf("CheckOutsideIP(%q) = %v, want nil", tc.in, err)
			}
			continue
		}
		var e *OutsideIPError
		if !errors.As(err, &e) {
			t.Errorf("CheckOutsideIP(%q) = %v, want an *OutsideIPError", tc.in, err)
			continue
		}
		if !strings.Contains(e.Problem, tc.problem) || e.Canonical != tc.canonical || e.Value != tc.in {
			t.Errorf("CheckOutsideIP(%q) = %+v, want problem %q, canonical %q", tc.in, *e, tc.problem, tc.canonical)
		}
		// The message carries the fix: the form to write, or what to use instead.
		if tc.canonical != "" && !strings.Contains(err.Error(), `write "`+tc.canonical+`"`) {
			t.Errorf("CheckOutsideIP(%q) message %q lacks the fix", tc.in, err)
		}
		if tc.canonical == "" && !strings.Contains(err.Error(), "as DescribeVpnConnections reports it") {
			t.Errorf("CheckOutsideIP(%q) message %q lacks the fix", tc.in, err)
		}
	}
}
