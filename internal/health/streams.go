package health

import (
	"regexp"
	"strings"
)

// streamMatcher decides whether a log stream belongs to a tunnel: its name contains the VPN connection ID and the
// outside IP address, each as a whole token.
//
// UNCONFIRMED: AWS's stream naming (docs/design/aws-behaviour.md §5.1, §8 item 9). Tokens, not one exact form, are matched:
// vpn-<id>-<ip> (AWS's monitoring sample), vpn-<id>_<ip>-bgp (the sandbox), <ip>_<vpn-id>-bgp, ... The address is
// matched as DescribeVpnConnections spells it; how AWS spells an IPv6 outside address in a stream name is not
// documented either.
type streamMatcher struct {
	vpnID, ip string
	ipv6      bool
}

func newStreamMatcher(vpnID, ip string) streamMatcher {
	return streamMatcher{vpnID: vpnID, ip: ip, ipv6: strings.Contains(ip, ":")}
}

func (m streamMatcher) match(stream string) bool {
	return containsToken(stream, m.vpnID, isIDChar) && containsToken(stream, m.ip, m.ipChar())
}

func (m streamMatcher) ipChar() func(s string, i, dir int) bool {
	if m.ipv6 {
		return func(s string, i, _ int) bool { return isHex(s[i]) || s[i] == ':' }
	}
	// An IPv4 address continues with a digit, or with a '.' followed by a digit ("10.0.0.1" in "10.0.0.1.5");
	// a '.' before a suffix ("1.2.3.4.log") does not continue it.
	return func(s string, i, dir int) bool {
		if isDigit(s[i]) {
			return true
		}
		j := i + dir
		return s[i] == '.' && j >= 0 && j < len(s) && isDigit(s[j])
	}
}

func isIDChar(s string, i, _ int) bool { c := s[i]; return isDigit(c) || isLetter(c) }

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }
func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// containsToken reports whether tok occurs in s with no token character right before or after it. part(s, i, dir)
// says whether s[i], met walking in direction dir (-1 before the token, +1 after it), continues the token.
func containsToken(s, tok string, part func(s string, i, dir int) bool) bool {
	if tok == "" {
		return false
	}
	for from := 0; from <= len(s)-len(tok); {
		j := strings.Index(s[from:], tok)
		if j < 0 {
			return false
		}
		j += from
		k := j + len(tok)
		if (j == 0 || !part(s, j-1, -1)) && (k == len(s) || !part(s, k, 1)) {
			return true
		}
		from = j + 1
	}
	return false
}

// queryFilter is the Logs Insights condition equivalent to match, for queries that aggregate without returning
// the stream name.
func (m streamMatcher) queryFilter() string {
	id := `(^|[^0-9A-Za-z])` + regexp.QuoteMeta(m.vpnID) + `($|[^0-9A-Za-z])`
	var ip string
	if m.ipv6 {
		ip = `(^|[^0-9A-Fa-f:])` + regexp.QuoteMeta(m.ip) + `($|[^0-9A-Fa-f:])`
	} else {
		ip = `(^|^\.|[^0-9.]|[^0-9]\.)` + regexp.QuoteMeta(m.ip) + `($|[^0-9.]|\.[^0-9]|\.$)`
	}
	return "@logStream like /" + id + "/ and @logStream like /" + ip + "/"
}
