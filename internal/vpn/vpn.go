// Package vpn reads Site-to-Site VPN connections and changes their tunnels' log options.
//
// Three rules hold everywhere in it:
//
//   - A tunnel is identified by its outside IP address, on read and on write, never by its position in
//     tunnelOptionSet or vgwTelemetry (the lesson of terraform-provider-aws #19079 and #26876).
//   - Secrets never leave the package: DescribeVpnConnections returns each tunnel's pre-shared key and the
//     customer gateway configuration in clear text. The types here have no field for them, and SDK output is
//     converted field by field right after each call, so nothing downstream can store, log or return them.
//   - Reads are shared: every caller in a process is served from one coalesced DescribeVpnConnections
//     snapshot, refreshed after a short TTL and per connection after each modification.
package vpn

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

// Output formats AWS accepts for tunnel and BGP logs.
const (
	FormatJSON = "json"
	FormatText = "text"
)

// Formats lists the accepted output formats.
var Formats = []string{FormatJSON, FormatText}

// States of a VPN connection. AWS's enum lacks "modifying", but AWS returns it while a tunnel change is applied.
const (
	StatePending   = "pending"
	StateAvailable = "available"
	StateModifying = "modifying"
	StateDeleting  = "deleting"
	StateDeleted   = "deleted"
)

// ErrNotFound is wrapped by every "does not exist" error of this package (connection deleted, never existed, or
// tunnel not part of the connection), so callers can turn it into removal from state.
var ErrNotFound = errors.New("not found")

// NotFoundError says what was not found.
type NotFoundError struct {
	ConnectionID string
	OutsideIP    string // set when the connection exists but has no tunnel with this address
	State        string // set when the connection exists in a terminal state
}

func (e *NotFoundError) Error() string {
	switch {
	case e.OutsideIP != "":
		return fmt.Sprintf("VPN connection %s has no tunnel with outside IP address %s", e.ConnectionID, e.OutsideIP)
	case e.State != "":
		return fmt.Sprintf("VPN connection %s is %s", e.ConnectionID, e.State)
	}
	return fmt.Sprintf("VPN connection %s does not exist", e.ConnectionID)
}

func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// Connection is a VPN connection without its secrets.
type Connection struct {
	ID                string
	State             string
	Type              string
	Category          string
	CustomerGatewayID string
	VPNGatewayID      string
	TransitGatewayID  string
	Tags              map[string]string
	// Tunnels are sorted by outside IP address so that output is stable whatever order AWS used.
	Tunnels []Tunnel
}

// Tunnel is one IPsec tunnel of a connection.
type Tunnel struct {
	OutsideIP  string
	InsideCIDR string
	Logging    Logging
	// Telemetry is nil when AWS reported none for this outside IP.
	Telemetry *Telemetry
}

// Logging is a tunnel's CloudWatch Logs delivery: the tunnel activity log and the BGP log.
type Logging struct {
	Activity LogDestination
	BGP      LogDestination
}

// LogDestination is one log's delivery. LogGroupARN and OutputFormat are meaningful only when Enabled.
type LogDestination struct {
	Enabled      bool
	LogGroupARN  string
	OutputFormat string
}

// Telemetry statuses of a tunnel, as vgwTelemetry reports them.
const (
	TelemetryUp   = "UP"
	TelemetryDown = "DOWN"
)

// Telemetry is AWS's view of a tunnel (vgwTelemetry).
type Telemetry struct {
	// Status is TelemetryUp or TelemetryDown.
	Status             string
	StatusMessage      string
	LastStatusChange   time.Time
	AcceptedRouteCount int
}

// StatusChangedAt is LastStatusChange as the provider and the setup tool write it: RFC 3339 in UTC, to the second
// (event times from the logs have milliseconds, health.FormatTime; this is AWS's own record of a state change, and
// both adapters have always written it to the second). ok is false when AWS reported no time.
func (t *Telemetry) StatusChangedAt() (s string, ok bool) {
	if t == nil || t.LastStatusChange.IsZero() {
		return "", false
	}
	return t.LastStatusChange.UTC().Format(time.RFC3339), true
}

// Up reports whether AWS reports the tunnel up (the status compared without regard to case).
func (t *Telemetry) Up() bool { return t != nil && strings.EqualFold(t.Status, TelemetryUp) }

// Tunnel returns the tunnel with the given outside IP address. Addresses are compared as IPs, so IPv6 spellings
// ("2001:DB8::1", "2001:db8:0:0::1") match; an IPv4-mapped IPv6 address is a different address and does not match an
// IPv4 one (AWS would not accept it either: inputs are checked with CheckOutsideIP).
func (c *Connection) Tunnel(outsideIP string) (*Tunnel, bool) {
	want := canonicalIP(outsideIP)
	for i := range c.Tunnels {
		if canonicalIP(c.Tunnels[i].OutsideIP) == want {
			return &c.Tunnels[i], true
		}
	}
	return nil, false
}

// OutsideIPs lists the outside IP addresses of the connection's tunnels, in the order of Tunnels.
func (c *Connection) OutsideIPs() []string {
	ips := make([]string, 0, len(c.Tunnels))
	for _, t := range c.Tunnels {
		ips = append(ips, t.OutsideIP)
	}
	return ips
}

// Terminal reports whether the connection is being or has been deleted.
func (c *Connection) Terminal() bool {
	return c.State == StateDeleting || c.State == StateDeleted
}

func canonicalIP(s string) string {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String()
	}
	return s
}

// fromSDK converts an SDK VPN connection, copying only fields that are not secret. PreSharedKey,
// PreSharedKeyArn and CustomerGatewayConfiguration are deliberately never read.
func fromSDK(v *types.VpnConnection) Connection {
	c := Connection{
		ID:                aws.ToString(v.VpnConnectionId),
		State:             string(v.State),
		Type:              string(v.Type),
		Category:          aws.ToString(v.Category),
		CustomerGatewayID: aws.ToString(v.CustomerGatewayId),
		VPNGatewayID:      aws.ToString(v.VpnGatewayId),
		TransitGatewayID:  aws.ToString(v.TransitGatewayId),
		Tags:              make(map[string]string, len(v.Tags)),
	}
	for _, t := range v.Tags {
		c.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}

	// Telemetry is matched to tunnels by outside IP: AWS returns it as a set with no stable order.
	telemetry := make(map[string]*Telemetry, len(v.VgwTelemetry))
	for _, t := range v.VgwTelemetry {
		telemetry[canonicalIP(aws.ToString(t.OutsideIpAddress))] = &Telemetry{
			Status:             string(t.Status),
			StatusMessage:      aws.ToString(t.StatusMessage),
			LastStatusChange:   aws.ToTime(t.LastStatusChange),
			AcceptedRouteCount: int(aws.ToInt32(t.AcceptedRouteCount)),
		}
	}
	if v.Options != nil {
		for _, o := range v.Options.TunnelOptions {
			ip := aws.ToString(o.OutsideIpAddress)
			t := Tunnel{
				OutsideIP:  ip,
				InsideCIDR: aws.ToString(o.TunnelInsideCidr),
				Telemetry:  telemetry[canonicalIP(ip)],
			}
			if o.LogOptions != nil && o.LogOptions.CloudWatchLogOptions != nil {
				t.Logging = loggingFromSDK(o.LogOptions.CloudWatchLogOptions)
			}
			c.Tunnels = append(c.Tunnels, t)
		}
	}
	sort.Slice(c.Tunnels, func(i, j int) bool { return ipLess(c.Tunnels[i].OutsideIP, c.Tunnels[j].OutsideIP) })
	return c
}

func ipLess(a, b string) bool {
	pa, ea := netip.ParseAddr(a)
	pb, eb := netip.ParseAddr(b)
	if ea == nil && eb == nil {
		return pa.Less(pb)
	}
	return a < b
}

// loggingFromSDK reads log options. ARN and format are kept only for an enabled log: AWS's presence rules for a
// disabled log's ARN and format are UNCONFIRMED (docs/design/aws-behaviour.md §8 item 5), and they mean nothing then.
func loggingFromSDK(o *types.CloudWatchLogOptions) Logging {
	var l Logging
	if aws.ToBool(o.LogEnabled) {
		l.Activity = LogDestination{Enabled: true, LogGroupARN: aws.ToString(o.LogGroupArn), OutputFormat: formatOrDefault(o.LogOutputFormat)}
	}
	if aws.ToBool(o.BgpLogEnabled) {
		l.BGP = LogDestination{Enabled: true, LogGroupARN: aws.ToString(o.BgpLogGroupArn), OutputFormat: formatOrDefault(o.BgpLogOutputFormat)}
	}
	return l
}

// formatOrDefault applies AWS's documented default output format ("json") when AWS omits it.
func formatOrDefault(f *string) string {
	if s := aws.ToString(f); s != "" {
		return s
	}
	return FormatJSON
}

// toSDK builds the log options of a ModifyVpnTunnelOptions request. It always states both logs completely:
// whether AWS keeps log settings that a request leaves out is UNCONFIRMED (docs/design/aws-behaviour.md §1.2), so the provider never
// relies on it. As terraform-provider-aws does, ARN and format are sent only for an enabled log.
func (l Logging) toSDK() *types.ModifyVpnTunnelOptionsSpecification {
	cw := &types.CloudWatchLogOptionsSpecification{
		LogEnabled:    aws.Bool(l.Activity.Enabled),
		BgpLogEnabled: aws.Bool(l.BGP.Enabled),
	}
	if l.Activity.Enabled {
		cw.LogGroupArn = aws.String(l.Activity.LogGroupARN)
		cw.LogOutputFormat = aws.String(formatOrDefault(&l.Activity.OutputFormat))
	}
	if l.BGP.Enabled {
		cw.BgpLogGroupArn = aws.String(l.BGP.LogGroupARN)
		cw.BgpLogOutputFormat = aws.String(formatOrDefault(&l.BGP.OutputFormat))
	}
	return &types.ModifyVpnTunnelOptionsSpecification{
		LogOptions: &types.VpnTunnelLogOptionsSpecification{CloudWatchLogOptions: cw},
	}
}

// Equal reports whether two logging configurations deliver the same logs to the same places. ARNs are compared
// without a trailing ":*", which AWS accepts and may echo back.
func (l Logging) Equal(o Logging) bool {
	return l.Activity.equal(o.Activity) && l.BGP.equal(o.BGP)
}

// Names of a tunnel's two logs, as messages name them.
const (
	LogTunnel = "tunnel log"
	LogBGP    = "BGP log"
)

// Delivery is one log of a tunnel delivered to a log group.
type Delivery struct {
	// Log is LogTunnel or LogBGP.
	Log string
	// LogGroupARN is the group's ARN without a trailing ":*".
	LogGroupARN string
}

// StartedDeliveries returns the deliveries that changing a tunnel's logging from prior to l starts, the tunnel log
// first: a log turned on, or moved to another log group (ARNs compared without ":*"). Only such a change can make AWS
// add a log group to the account's CloudWatch Logs resource policy; turning a log off, changing its output format or
// the spelling of its ARN starts nothing. An enabled log whose ARN is not known yet (empty) is left out.
func (l Logging) StartedDeliveries(prior Logging) []Delivery {
	var out []Delivery
	for _, d := range []struct {
		log      string
		now, was LogDestination
	}{{LogTunnel, l.Activity, prior.Activity}, {LogBGP, l.BGP, prior.BGP}} {
		arn := logdelivery.TrimARNSuffix(d.now.LogGroupARN)
		if !d.now.Enabled || arn == "" || (d.was.Enabled && logdelivery.TrimARNSuffix(d.was.LogGroupARN) == arn) {
			continue
		}
		out = append(out, Delivery{Log: d.log, LogGroupARN: arn})
	}
	return out
}

func (d LogDestination) equal(o LogDestination) bool {
	if d.Enabled != o.Enabled {
		return false
	}
	if !d.Enabled {
		return true
	}
	return logdelivery.TrimARNSuffix(d.LogGroupARN) == logdelivery.TrimARNSuffix(o.LogGroupARN) &&
		formatOrDefault(&d.OutputFormat) == formatOrDefault(&o.OutputFormat)
}
