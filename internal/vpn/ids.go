package vpn

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// ConnectionIDPattern matches a VPN connection ID such as vpn-0123456789abcdef0.
var ConnectionIDPattern = regexp.MustCompile(`^vpn-[0-9a-f]{8,17}$`)

// TunnelID identifies a tunnel as "<vpn_connection_id>/<outside_ip_address>": the ID and import ID of
// vpnlogs_tunnel_logging, and how messages name a tunnel.
func TunnelID(connectionID, outsideIP string) string { return connectionID + "/" + outsideIP }

// ParseTunnelID splits a TunnelID into the connection ID and the outside IP address, which must be a VPN connection
// ID and an IP address. The address is returned as given.
func ParseTunnelID(id string) (connectionID, outsideIP string, err error) {
	connectionID, outsideIP, ok := strings.Cut(id, "/")
	switch {
	case !ok:
		return "", "", fmt.Errorf("%q has no \"/\" between the VPN connection ID and the outside IP address", id)
	case !ConnectionIDPattern.MatchString(connectionID):
		return "", "", fmt.Errorf("%q does not start with a VPN connection ID such as vpn-0123456789abcdef0", id)
	}
	if _, err := netip.ParseAddr(outsideIP); err != nil {
		return "", "", fmt.Errorf("%q does not end with an IP address", id)
	}
	return connectionID, outsideIP, nil
}
