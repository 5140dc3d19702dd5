package health

import (
	"regexp"
	"strings"
	"testing"
)

func TestStreamMatcher(t *testing.T) {
	t.Parallel()
	const id = "vpn-0a1b2c3d4e5f60718"
	cases := []struct {
		ip, stream string
		want       bool
	}{
		{"203.0.113.10", id + "-203.0.113.10", true},          // AWS's monitoring sample
		{"203.0.113.10", id + "_203.0.113.10-bgp", true},      // the sandbox's BGP stream
		{"203.0.113.10", "203.0.113.10_" + id + "-bgp", true}, // IP first
		{"203.0.113.10", "tunnel/203.0.113.10/" + id, true},
		{"203.0.113.10", id + "-203.0.113.10.log", true}, // a suffix after a dot
		{"203.0.113.1", id + "-203.0.113.10", false},     // a longer IP
		{"3.0.113.10", id + "-203.0.113.10", false},      // a longer IP, the other way
		{"203.0.113.10", id + "-203.0.113.10.5", false},  // not an IPv4 address boundary
		{"203.0.113.10", id + "0-203.0.113.10", false},   // a longer VPN ID
		{"203.0.113.10", "x" + id + "-203.0.113.10", false},
		{"203.0.113.10", "vpn-0a1b2c3d-203.0.113.10", false},
		{"203.0.113.10", id, false},
		{"203.0.113.10", "203.0.113.10", false},
		{"2001:db8::1", id + "-2001:db8::1", true},
		{"2001:db8::1", id + "-2001:db8::10", false},
		{"2001:db8::1", id + "-2001:db8::1-bgp", true},
	}
	for _, c := range cases {
		m := newStreamMatcher(id, c.ip)
		if got := m.match(c.stream); got != c.want {
			t.Errorf("match(%q, ip %s) = %v, want %v", c.stream, c.ip, got, c.want)
		}
		// The Insights condition selects the same streams (checked with Go's regexp, as the sandbox does).
		if got := queryMatches(t, m.queryFilter(), c.stream); got != c.want {
			t.Errorf("query filter on %q (ip %s) = %v, want %v: %s", c.stream, c.ip, got, c.want, m.queryFilter())
		}
	}
}

// queryMatches evaluates "@logStream like /a/ and @logStream like /b/" on a stream name.
func queryMatches(t *testing.T, filter, stream string) bool {
	t.Helper()
	parts := strings.Split(filter, " and ")
	for _, p := range parts {
		re := strings.TrimSuffix(strings.TrimPrefix(p, "@logStream like /"), "/")
		if !regexp.MustCompile(re).MatchString(stream) {
			return false
		}
	}
	return true
}

func TestMillis(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"1762580429641":           1762580429641,
		"1.762580429641e+12":      1762580429641,
		"2025-11-08 05:40:29.641": 1762580429641,
	} {
		if got, ok := millis(in); !ok || got != want {
			t.Errorf("millis(%q) = %d, %v", in, got, ok)
		}
	}
	if _, ok := millis("yesterday"); ok {
		t.Error("millis accepted text")
	}
}
