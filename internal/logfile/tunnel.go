package logfile

import (
	"cmp"
	"net/netip"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

// Tunnel names a tunnel: its VPN connection and its outside IP address, either of which may be unknown (zero).
type Tunnel struct {
	VPNConnectionID string
	OutsideIP       netip.Addr
}

// IsZero reports whether nothing names the tunnel.
func (t Tunnel) IsZero() bool { return t.VPNConnectionID == "" && !t.OutsideIP.IsValid() }

// IP is the outside IP address as text, "" when unknown.
func (t Tunnel) IP() string {
	if !t.OutsideIP.IsValid() {
		return ""
	}
	return t.OutsideIP.String()
}

// matches reports whether the tunnel can be t: every part t names is the same.
func (t Tunnel) matches(named Tunnel) bool {
	return (t.VPNConnectionID == "" || named.VPNConnectionID == "" || strings.EqualFold(t.VPNConnectionID, named.VPNConnectionID)) &&
		(!t.OutsideIP.IsValid() || !named.OutsideIP.IsValid() || t.OutsideIP == named.OutsideIP)
}

// complete fills the parts t lacks from o.
func (t Tunnel) complete(o Tunnel) Tunnel {
	if t.VPNConnectionID == "" {
		t.VPNConnectionID = o.VPNConnectionID
	}
	if !t.OutsideIP.IsValid() {
		t.OutsideIP = o.OutsideIP
	}
	return t
}

func compareTunnels(x, y Tunnel) int {
	return cmp.Or(strings.Compare(x.VPNConnectionID, y.VPNConnectionID), x.OutsideIP.Compare(y.OutsideIP))
}

// eventTunnel is the tunnel an event names itself: a BGP record's resource_id, a text line's identity tokens.
func eventTunnel(e *logparse.Event) Tunnel {
	return Tunnel{VPNConnectionID: e.VPNConnectionID, OutsideIP: e.TunnelOutsideIP}
}

// streamTunnel reads the tunnel a CloudWatch Logs stream name names: the VPN connection ID ("vpn-" and its
// hexadecimal digits) and the first IP address among the name's other tokens.
//
// UNCONFIRMED: AWS says only that a stream name "uses VpnConnectionID and TunnelOutsideIPAddress"
// (docs/design/aws-behaviour.md §5.1, §8 item 9); both are looked for anywhere in the name, as the live read
// matches streams (internal/health), so vpn-<id>-<ip>, vpn-<id>_<ip>-bgp and <ip>_vpn-<id> all read the same.
func streamTunnel(name string) Tunnel {
	var t Tunnel
	lower := strings.ToLower(name)
	vpnAt, vpnEnd := -1, -1
	for from := 0; from < len(lower); {
		i := strings.Index(lower[from:], "vpn-")
		if i < 0 {
			break
		}
		i += from
		j := i + 4
		for j < len(lower) && isHex(lower[j]) {
			j++
		}
		if (i == 0 || !isAlnum(lower[i-1])) && j-i-4 >= 8 && j-i-4 <= 17 && (j == len(lower) || !isAlnum(lower[j])) {
			t.VPNConnectionID, vpnAt, vpnEnd = lower[i:j], i, j
			break
		}
		from = i + 1
	}
	for i := 0; i < len(name); {
		if i == vpnAt {
			i = vpnEnd
			continue
		}
		if !isAddrByte(name[i]) || i > 0 && isAddrByte(name[i-1]) && i != vpnEnd {
			i++
			continue
		}
		j := i
		for j < len(name) && isAddrByte(name[j]) && (vpnAt < 0 || j < vpnAt || j >= vpnEnd) {
			j++
		}
		tok := strings.Trim(name[i:j], ".:")
		if a, err := netip.ParseAddr(tok); err == nil {
			t.OutsideIP = a.Unmap()
			break
		}
		i = j
	}
	return t
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }
func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
func isAddrByte(c byte) bool { return isHex(c|0x20) || c == '.' || c == ':' }
