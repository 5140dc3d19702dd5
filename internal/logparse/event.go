package logparse

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"
)

// EventType is the kind of log record. The zero value is EventUnknown.
type EventType uint8

// Event types.
const (
	EventUnknown        EventType = iota // not recognised; Details holds the raw text
	EventTunnelActivity                  // tunnel activity log (IKE/IPsec/DPD)
	EventBGPStatus                       // BGP log, type BGPStatus
	EventRouteStatus                     // BGP log, type RouteStatus
)

func (t EventType) String() string {
	switch t {
	case EventUnknown:
		return "Unknown"
	case EventTunnelActivity:
		return "TunnelActivity"
	case EventBGPStatus:
		return "BGPStatus"
	case EventRouteStatus:
		return "RouteStatus"
	}
	return fmt.Sprintf("EventType(%d)", uint8(t))
}

// Format is the log output format an event was read as.
type Format uint8

// Formats. The zero value means "not parsed".
const (
	FormatJSON Format = iota + 1
	FormatText
)

func (f Format) String() string {
	switch f {
	case FormatJSON:
		return "JSON"
	case FormatText:
		return "Text"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// IKEState is an IKE phase state from the tunnel activity log.
type IKEState uint8

// IKE phase states (AWS: "Established | Rekeying | Negotiating | Down").
const (
	IKEStateUnknown IKEState = iota // absent or not one of the documented values
	IKEStateDown
	IKEStateNegotiating
	IKEStateRekeying
	IKEStateEstablished
)

var ikeStateNames = [...]string{"Unknown", "Down", "Negotiating", "Rekeying", "Established"}

func (s IKEState) String() string {
	if int(s) < len(ikeStateNames) {
		return ikeStateNames[s]
	}
	return fmt.Sprintf("IKEState(%d)", uint8(s))
}

// up reports whether the phase carries traffic (Established or Rekeying).
func (s IKEState) up() bool { return s == IKEStateEstablished || s == IKEStateRekeying }

// parseIKEState reads a state in any letter case.
//
// UNCONFIRMED: the casing of state values (the documentation capitalises
// them, AWS's monitoring sample compares with "down").
func parseIKEState(v string) IKEState {
	switch v { // the usual spellings, at once
	case "established", "Established":
		return IKEStateEstablished
	case "down", "Down":
		return IKEStateDown
	case "negotiating", "Negotiating":
		return IKEStateNegotiating
	case "rekeying", "Rekeying":
		return IKEStateRekeying
	}
	v = strings.TrimSpace(v)
	var s IKEState
	switch len(v) {
	case len("Down"):
		s = IKEStateDown
	case len("Rekeying"):
		s = IKEStateRekeying
	case len("Established"): // = len("Negotiating")
		s = IKEStateEstablished
		if v[0]|0x20 == 'n' {
			s = IKEStateNegotiating
		}
	}
	if s == IKEStateUnknown || !strings.EqualFold(v, ikeStateNames[s]) {
		return IKEStateUnknown
	}
	return s
}

// BGPState is a BGP finite-state-machine state (RFC 4271 §8.2.2).
type BGPState uint8

// BGP FSM states.
const (
	BGPStateUnknown BGPState = iota
	BGPStateIdle
	BGPStateConnect
	BGPStateActive
	BGPStateOpenSent
	BGPStateOpenConfirm
	BGPStateEstablished
)

var bgpStateNames = [...]string{"Unknown", "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established"}

func (s BGPState) String() string {
	if int(s) < len(bgpStateNames) {
		return bgpStateNames[s]
	}
	return fmt.Sprintf("BGPState(%d)", uint8(s))
}

// parseBGPState reads a state name in any letter case.
func parseBGPState(v string) BGPState {
	for s := BGPStateIdle; s <= BGPStateEstablished; s++ {
		if strings.EqualFold(v, bgpStateNames[s]) {
			return s
		}
	}
	return BGPStateUnknown
}

// OptBool is a boolean that may be absent. The zero value is OptUnset.
type OptBool uint8

// OptBool values.
const (
	OptUnset OptBool = iota
	OptFalse
	OptTrue
)

// Get returns the value and whether it is set.
func (o OptBool) Get() (value, ok bool) { return o == OptTrue, o != OptUnset }

// OptInt is an integer that may be absent.
type OptInt struct {
	Value int64
	Valid bool
}

// Route is the route carried by a RouteStatus record's message.
type Route struct {
	Prefix    netip.Prefix
	ASPath    []uint32 // asPath; AS_SET members are flattened in printed order
	LocalPref OptInt
	MED       OptInt
	NextHop   netip.Addr // nextHopIp
	Weight    OptInt
}

// MessageFields holds the typed placeholder values of a message. Set says
// which fields were found; a field absent from Set is the zero value.
type MessageFields struct {
	Set                 Field
	SPI                 string     // "with SPI: xxxx", as printed
	CGW                 netip.Addr // "with cgw: xxxx"
	RetryCount          int        // "DPD timed out after {retry_count} retransmits"
	RequestID           int        // "(id=xxx)"
	Neighbor            netip.Addr // "neighbor {ip: xxx}"
	FromState, ToState  BGPState   // "changed from X to Y"
	NotificationCode    int        // "notification 6/1": 6
	NotificationSubcode int        // "notification 6/1": 1
	PrefixCount         int        // "received {prefixes (count): xxx} prefixes"
	PrefixLimit         int        // "limit is {limit (numeric): xxx}"
	// ASN is the AS number the message reports: the remote AS of a bad OPEN,
	// the AS of an OPEN (the customer gateway's when received, AWS's when sent).
	ASN         uint32
	ExpectedASN uint32   // bad OPEN: "expected {asn: xxx}"
	HoldTime    int      // OPEN: "holdtime {holdtime (seconds): xxx}", seconds
	RouterID    string   // OPEN: "router-id {id: xxx}", as printed
	ASPath      []uint32 // update: "AS path: {aspath (list): xxx xxx xxx}"
}

// Has reports whether all the fields in x were found.
func (f MessageFields) Has(x Field) bool { return f.Set&x == x }

// Event is one parsed CloudWatch Logs event of a Site-to-Site VPN log.
type Event struct {
	Type   EventType
	Format Format
	// Time is when AWS logged the event: event_timestamp (epoch seconds,
	// milliseconds, microseconds or nanoseconds by magnitude), else the human
	// timestamp, else the CloudWatch event timestamp; UTC. Zero if none.
	Time time.Time

	// Tunnel activity.
	Phase1, Phase2           IKEState
	DPDEnabled, NATTDetected OptBool

	// Identity: resource_id as printed, and the VPN connection and tunnel
	// outside IP from the VpnConnectionId and TunnelOutsideIPAddress keys or,
	// failing those, from resource_id ("vpn-1234abcd_1.2.3.4").
	ResourceID      string
	VPNConnectionID string
	TunnelOutsideIP netip.Addr

	// Status is the BGP log's status, upper-cased: UP or DOWN (BGPStatus),
	// ADVERTISED, UPDATED or WITHDRAWN (RouteStatus). A BGPStatus event
	// without one gets the status the catalogue documents for its message
	// (for an FSM transition the catalogue lacks: UP into Established, else
	// DOWN).
	Status string
	Route  *Route // RouteStatus route, nil if the record has no route keys

	// Details is the message text (JSON: details, message.details or a
	// string message; text: see ParseEvent). For EventUnknown it is the raw
	// input, cut to MaxRawDetails bytes.
	Details string
	// Entry is the catalogue entry Details matched, nil if none. It points
	// into the package's catalogue and must not be modified.
	Entry *CatalogEntry
	// Fields are the placeholder values extracted from Details. They may be
	// set even when Entry is nil, for a BGP transition or notification that
	// the catalogue does not list.
	Fields MessageFields
}

// Unrecognized reports whether the event carries text the parser could not
// attribute: the event type is unknown, or it has a message that matches no
// catalogue entry.
func (e Event) Unrecognized() bool {
	return e.Type == EventUnknown || e.Entry == nil && e.Details != ""
}

// MaxRawDetails bounds Details for an unrecognised event.
const MaxRawDetails = 1024

// parseRecordType reads the BGP log's type key.
func parseRecordType(v string) EventType {
	switch k := strings.TrimSpace(v); {
	case strings.EqualFold(k, "BGPStatus"), strings.EqualFold(k, "BGP_Status"):
		return EventBGPStatus
	case strings.EqualFold(k, "RouteStatus"), strings.EqualFold(k, "Route_Status"):
		return EventRouteStatus
	}
	return EventUnknown
}

// Statuses of the BGP log.
const (
	StatusUp         = "UP"
	StatusDown       = "DOWN"
	StatusAdvertised = "ADVERTISED"
	StatusUpdated    = "UPDATED"
	StatusWithdrawn  = "WITHDRAWN"
)

// normStatus upper-cases a status, without allocating for the known ones.
func normStatus(v string) string {
	v = strings.TrimSpace(v)
	for _, s := range [...]string{StatusUp, StatusDown, StatusAdvertised, StatusUpdated, StatusWithdrawn} {
		if strings.EqualFold(v, s) {
			return s
		}
	}
	return strings.ToUpper(v)
}

// statusType infers the record type from a status.
func statusType(status string) EventType {
	switch status {
	case StatusAdvertised, StatusUpdated, StatusWithdrawn:
		return EventRouteStatus
	}
	return EventBGPStatus
}

// parseOptBool reads a JSON boolean, or true/false, yes/no, 1/0 in any case.
//
// UNCONFIRMED: whether dpd_enabled and nat_t_detected are JSON booleans or
// strings ("True"/"False" in the documentation); both are accepted.
func parseOptBool(v value) OptBool {
	if v.kind == kindBool {
		if v.b {
			return OptTrue
		}
		return OptFalse
	}
	s := strings.TrimSpace(v.s)
	switch {
	case strings.EqualFold(s, "true"), strings.EqualFold(s, "yes"), s == "1":
		return OptTrue
	case strings.EqualFold(s, "false"), strings.EqualFold(s, "no"), s == "0":
		return OptFalse
	}
	return OptUnset
}

// parseOptInt reads an integer given as a JSON number or a numeric string.
func parseOptInt(s string) OptInt {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	j := scanWhile(s, 0, isDigit)
	if j == 0 || j > 18 || j < len(s) && s[j] != '.' {
		return OptInt{}
	}
	var n int64
	for i := 0; i < j; i++ {
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return OptInt{Value: n, Valid: true}
}

// parsePrefix reads a CIDR prefix; a bare address is its own host prefix.
func parsePrefix(s string) netip.Prefix {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen())
	}
	return netip.Prefix{}
}

// splitResourceID splits "vpn-1234abcd_1.2.3.4" into the VPN connection ID
// and the tunnel outside IP.
//
// UNCONFIRMED: the documentation's example uses '_'; stream names use '-'.
// '-', ':', '/' and a space are accepted as well.
func splitResourceID(id string) (vpn string, ip netip.Addr) {
	id = strings.TrimSpace(id)
	if len(id) < 5 || !strings.EqualFold(id[:4], "vpn-") {
		return "", netip.Addr{}
	}
	j := scanWhile(id, 4, isAlnum)
	if j == 4 {
		return "", netip.Addr{}
	}
	vpn = id[:j]
	if j < len(id) && strings.IndexByte("_-:/ ", id[j]) >= 0 {
		ip, _ = addrAt(id, j+1)
	}
	return vpn, ip
}

// truncate cuts s to at most n bytes on a UTF-8 boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
