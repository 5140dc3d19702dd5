package vpn

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// ConnectionIDPattern matches a VPN connection ID such as vpn-0123456789abcdef0.
var ConnectionIDPattern = regexp.MustCompile(`^vpn-[0-9a-f]{8,17}$`)

// CheckConnectionID says why id is not a VPN connection ID; nil when it is one.
func CheckConnectionID(id string) error {
	if !ConnectionIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not a VPN connection ID such as vpn-0123456789abcdef0", id)
	}
	return nil
}

// TunnelID identifies a tunnel as "<vpn_connection_id>/<outside_ip_address>": the ID and import ID of
// vpnlogs_tunnel_logging, and how messages name a tunnel.
func TunnelID(connectionID, outsideIP string) string { return connectionID + "/" + outsideIP }

// ParseTunnelID splits a TunnelID into the connection ID and the outside IP address, which must be a VPN connection
// ID and an outside IP address in the form AWS reports (CheckOutsideIP).
func ParseTunnelID(id string) (connectionID, outsideIP string, err error) {
	connectionID, outsideIP, ok := strings.Cut(id, "/")
	switch {
	case !ok:
		return "", "", fmt.Errorf("%q has no \"/\" between the VPN connection ID and the outside IP address", id)
	case !ConnectionIDPattern.MatchString(connectionID):
		return "", "", fmt.Errorf("%q does not start with a VPN connection ID such as vpn-0123456789abcdef0", id)
	}
	if err := CheckOutsideIP(outsideIP); err != nil {
		return "", "", fmt.Errorf("%q does not end with an outside IP address: %w", id, err)
	}
	return connectionID, outsideIP, nil
}

// OutsideIPError says why a string is not a tunnel outside IP address in the form AWS reports, and the form to write
// when there is one.
type OutsideIPError struct {
	Value string
	// Problem completes "<value> ...", e.g. "is an IPv4-mapped IPv6 address".
	Problem string
	// Canonical is the spelling to use instead; empty when the value is not an address at all.
	Canonical string
}

func (e *OutsideIPError) Error() string {
	if e.Canonical != "" {
		return fmt.Sprintf("%q %s: write %q, the form AWS reports", e.Value, e.Problem, e.Canonical)
	}
	return fmt.Sprintf("%q %s: use the tunnel's outside IP address as DescribeVpnConnections reports it, for example \"203.0.113.10\"",
		e.Value, e.Problem)
}

// CheckOutsideIP checks that s is a tunnel outside IP address written exactly as AWS reports it: dotted-decimal IPv4
// without leading zeros or surrounding space (AWS's default PublicIpv4 and PrivateIpv4 outside addresses), or IPv6 in
// its canonical RFC 5952 form (connections created with OutsideIpAddressType Ipv6). AWS compares the address of
// ModifyVpnTunnelOptions as a string, and the address is part of the resource ID, so any other spelling of the same
// address (IPv4-mapped IPv6 such as ::ffff:203.0.113.10, upper-case or uncompressed IPv6) would pass a check that
// compares addresses and then fail or mismatch later. The error gives the form to write.
func CheckOutsideIP(s string) error {
	if t := strings.TrimSpace(s); t != s {
		e := &OutsideIPError{Value: s, Problem: "has spaces around it"}
		if CheckOutsideIP(t) == nil {
			e.Canonical = t
		}
		return e
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		if c, ok := withoutLeadingZeros(s); ok {
			return &OutsideIPError{Value: s, Problem: "has leading zeros, which some tools read as octal", Canonical: c}
		}
		return &OutsideIPError{Value: s, Problem: "is not an IP address"}
	}
	switch {
	case a.Zone() != "":
		return &OutsideIPError{Value: s, Problem: "has an IPv6 zone, which no AWS outside address has"}
	case a.Is4In6():
		return &OutsideIPError{Value: s, Problem: "is an IPv4-mapped IPv6 address", Canonical: a.Unmap().String()}
	case a.String() != s:
		return &OutsideIPError{Value: s, Problem: "is not in canonical form", Canonical: a.String()}
	}
	return nil
}

// withoutLeadingZeros reads a dotted-quad IPv4 address whose parts have leading zeros as decimal ("203.0.113.010"
// becomes "203.0.113.10"), to suggest a spelling; the value itself stays rejected because it is ambiguous.
func withoutLeadingZeros(s string) (string, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return "", false
	}
	for i, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return "", false
		}
		if t := strings.TrimLeft(p, "0"); t != "" {
			parts[i] = t
		} else {
			parts[i] = "0"
		}
	}
	c := strings.Join(parts, ".")
	if a, err := netip.ParseAddr(c); err != nil || !a.Is4() {
		return "", false
	}
	return c, true
}
