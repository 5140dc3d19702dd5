package ec2

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// deletedRetention is how long a deleted connection stays visible with state "deleted".
//
// UNCONFIRMED: AWS keeps deleted VPN connections visible for a while; the duration is not
// published (about an hour is commonly observed).
const deletedRetention = time.Hour

// Connection is a Site-to-Site VPN connection. Its state is computed from timestamps on read;
// nothing runs in the background to move it along.
type Connection struct {
	ID, Type, CustomerGatewayID, VpnGatewayID, TransitGatewayID string
	StaticRoutesOnly, EnableAcceleration                        bool
	LocalIPv4CIDR, RemoteIPv4CIDR, OutsideIPType                string
	TunnelInsideIPVersion, TunnelBandwidth                      string
	Tunnels                                                     []*Tunnel // creation order
	Tags                                                        TagMap    // scenario tags included
	Created                                                     time.Time
	AvailableAt                                                 time.Time // end of "pending"
	ModifyingUntil                                              time.Time // end of the last "modifying"
	DeleteRequested                                             time.Time // zero unless deleted
	DeletedAt                                                   time.Time // end of "deleting"
	Reversed                                                    bool      // tunnelOptionSet in reverse order (SetTunnelOrderReversed)
}

// State is the connection's state at now: pending, available, modifying, deleting or deleted.
func (c *Connection) State(now time.Time) string {
	switch {
	case !c.DeleteRequested.IsZero() && now.Before(c.DeletedAt):
		return "deleting"
	case !c.DeleteRequested.IsZero():
		return "deleted"
	case now.Before(c.AvailableAt):
		return "pending"
	case now.Before(c.ModifyingUntil):
		// UNCONFIRMED: "modifying" is not in the SDK's VpnState enum, but AWS returns it and
		// Terraform's AWS provider waits on it (docs/design/aws-behaviour.md §1.3).
		return "modifying"
	}
	return "available"
}

// lastStatusChange is when the connection last became available (for vgwTelemetry).
func (c *Connection) lastStatusChange() time.Time {
	if c.ModifyingUntil.After(c.AvailableAt) {
		return c.ModifyingUntil
	}
	return c.AvailableAt
}

// Tunnel is the connection's tunnel with the outside IP address, or nil.
func (c *Connection) Tunnel(outsideIP string) *Tunnel {
	for _, t := range c.Tunnels {
		if t.OutsideIP == outsideIP {
			return t
		}
	}
	return nil
}

// vpnAttr answers DescribeVpnConnections filters.
func (s *Service) vpnAttr(c *Connection, now time.Time) attrFunc {
	return func(name string) ([]string, bool) {
		switch name {
		case "vpn-connection-id":
			return []string{c.ID}, true
		case "state":
			return []string{c.State(now)}, true
		case "type":
			return []string{c.Type}, true
		case "customer-gateway-id":
			return []string{c.CustomerGatewayID}, true
		case "vpn-gateway-id":
			return []string{c.VpnGatewayID}, true
		case "transit-gateway-id":
			return []string{c.TransitGatewayID}, true
		case "option.static-routes-only":
			return []string{strconv.FormatBool(c.StaticRoutesOnly)}, true
		case "route.destination-cidr-block":
			return nil, true // static routes are not emulated
		case "bgp-asn":
			if g := s.cgws[c.CustomerGatewayID]; g != nil {
				return []string{strconv.FormatInt(g.BGPASN, 10)}, true
			}
			return nil, true
		case "customer-gateway-configuration":
			return []string{s.customerGatewayConfiguration(c)}, true
		}
		return tagAttr(c.Tags, name)
	}
}

// insideCIDRsInUse are the inside CIDRs of the live connections on the same gateway.
func (s *Service) insideCIDRsInUse(vgw, tgw string, except *Connection) map[string]bool {
	inUse := map[string]bool{}
	for _, c := range s.vpns {
		if c == except || !c.DeleteRequested.IsZero() || c.VpnGatewayID != vgw || c.TransitGatewayID != tgw {
			continue
		}
		for _, t := range c.Tunnels {
			inUse[t.InsideCIDR] = true
		}
	}
	return inUse
}

func (s *Service) createVpnConnection(caller string, p awsapi.Params) (any, *awsapi.Error) {
	if e := requireIPSec1(p); e != nil {
		return nil, e
	}
	cgwID, ok := p.Str("CustomerGatewayId")
	if !ok {
		return nil, errMissingParameter("CustomerGatewayId")
	}
	vgwID, tgwID := p.Get("VpnGatewayId"), p.Get("TransitGatewayId")
	switch {
	case vgwID == "" && tgwID == "":
		return nil, awsapi.NewError(0, CodeInvalidParameterCombination, "You must specify either a VpnGatewayId or a TransitGatewayId.")
	case vgwID != "" && tgwID != "":
		return nil, awsapi.NewError(0, CodeInvalidParameterCombination, "You cannot specify both a VpnGatewayId and a TransitGatewayId.")
	}
	if _, ok := s.cgws[cgwID]; !ok {
		return nil, notFoundError(CodeCustomerGatewayNotFound, "customerGateway", []string{cgwID})
	}
	if vgwID != "" {
		if _, ok := s.vgws[vgwID]; !ok {
			return nil, notFoundError(CodeVpnGatewayNotFound, "vpnGateway", []string{vgwID})
		}
	} else if !s.tgws[tgwID] {
		return nil, notFoundError(CodeTransitGatewayNotFound, "transitGateway", []string{tgwID})
	}
	live, onGateway := 0, 0
	for _, c := range s.vpns {
		if c.DeleteRequested.IsZero() {
			live++
			if vgwID != "" && c.VpnGatewayID == vgwID {
				onGateway++
			}
		}
	}
	if live >= s.quota(QuotaVPNConnectionsPerRegion) || onGateway >= s.quota(QuotaVPNConnectionsPerGateway) {
		return nil, awsapi.NewError(0, CodeVpnConnectionLimitExceeded, "You've reached the limit on the number of VPN connections that you can create.")
	}

	c := &Connection{
		Type: "ipsec.1", CustomerGatewayID: cgwID, VpnGatewayID: vgwID, TransitGatewayID: tgwID,
		LocalIPv4CIDR: "0.0.0.0/0", RemoteIPv4CIDR: "0.0.0.0/0", OutsideIPType: "PublicIpv4",
		TunnelInsideIPVersion: "ipv4", TunnelBandwidth: "standard", Tags: TagMap{},
	}
	const op = "Options."
	for key, dst := range map[string]*bool{"StaticRoutesOnly": &c.StaticRoutesOnly, "EnableAcceleration": &c.EnableAcceleration} {
		v, err := p.Boolean(op + key)
		if err != nil {
			return nil, errInvalidParameterValue("%s", err.Error())
		}
		if v != nil {
			*dst = *v
		}
	}
	if c.EnableAcceleration && tgwID == "" {
		return nil, awsapi.NewError(0, CodeInvalidParameterCombination, "Acceleration is only supported for VPN connections attached to a transit gateway.")
	}
	for key, dst := range map[string]*string{
		"LocalIpv4NetworkCidr": &c.LocalIPv4CIDR, "RemoteIpv4NetworkCidr": &c.RemoteIPv4CIDR,
		"OutsideIpAddressType": &c.OutsideIPType, "TunnelInsideIpVersion": &c.TunnelInsideIPVersion, "TunnelBandwidth": &c.TunnelBandwidth,
	} {
		if v, ok := p.Str(op + key); ok {
			*dst = v
		}
	}
	if c.TunnelInsideIPVersion != "ipv4" && c.TunnelInsideIPVersion != "ipv6" {
		return nil, errInvalidParameterValue("Invalid value '%s' for TunnelInsideIpVersion. Valid values: ipv4, ipv6.", awsapi.Clip(c.TunnelInsideIPVersion, 32))
	}
	if c.TunnelBandwidth != "standard" && c.TunnelBandwidth != "large" {
		return nil, errInvalidParameterValue("Invalid value '%s' for TunnelBandwidth. Valid values: standard, large.", awsapi.Clip(c.TunnelBandwidth, 32))
	}
	if idx := p.Indexes(op + "TunnelOptions"); len(idx) > 2 || (len(idx) > 0 && idx[len(idx)-1] > 2) {
		return nil, errInvalidParameterValue("A VPN connection has two tunnels: specify at most two TunnelOptions.")
	}
	tags, e := tagSpecTags(p, "vpn-connection")
	if e != nil {
		return nil, e
	}
	if e := c.Tags.applyTags(tags); e != nil {
		return nil, e
	}

	inUse := s.insideCIDRsInUse(vgwID, tgwID, nil)
	specs := make([]*tunnelSpec, 2)
	for i := range specs {
		sp, e := parseTunnelSpec(p, fmt.Sprintf("%sTunnelOptions.%d.", op, i+1))
		if e != nil {
			return nil, e
		}
		specs[i] = sp
		if sp.InsideCIDR != nil {
			if e := validateInsideCIDR(*sp.InsideCIDR); e != nil {
				return nil, e
			}
			if inUse[*sp.InsideCIDR] {
				return nil, awsapi.NewError(0, CodeCidrInUse, "The specified inside tunnel CIDR %s is already in use by another VPN tunnel for the gateway.", *sp.InsideCIDR)
			}
			inUse[*sp.InsideCIDR] = true
		}
	}
	var deliver []string
	for _, sp := range specs {
		t := defaultTunnel()
		t.PreSharedKey = newPSK()
		if sp.InsideCIDR == nil {
			t.InsideCIDR = s.allocInsideCIDR(inUse)
		}
		nt, e := sp.apply(t)
		if e != nil {
			return nil, e
		}
		deliver = append(deliver, newlyEnabledGroups(LogOptions{}, nt.Log)...)
		c.Tunnels = append(c.Tunnels, nt)
	}
	if e := s.enableDelivery(caller, deliver); e != nil {
		return nil, e
	}
	// Everything is valid: only now consume ids and addresses.
	c.ID = s.newID("vpn")
	for _, t := range c.Tunnels {
		t.OutsideIP = s.allocOutsideIP()
		t.retarget(c.ID)
	}
	now := s.now()
	c.Created, c.AvailableAt = now, now.Add(s.opts.PendingDelay)
	s.vpns[c.ID] = c
	s.vpnOrder = append(s.vpnOrder, c.ID)
	return &vpnConnectionResponse{VpnConnection: s.xVpnConnection(c, now)}, nil
}

// newlyEnabledGroups are the log group ARNs a change starts delivering to: logs switched on, or
// pointed at another group.
func newlyEnabledGroups(before, after LogOptions) []string {
	var out []string
	if after.Enabled && (!before.Enabled || !sameGroup(before.GroupARN, after.GroupARN)) {
		out = append(out, after.GroupARN)
	}
	if after.BGPEnabled && (!before.BGPEnabled || !sameGroup(before.BGPGroupARN, after.BGPGroupARN)) {
		out = append(out, after.BGPGroupARN)
	}
	return out
}

func sameGroup(a, b string) bool {
	na, _ := logGroupNameOf(a)
	nb, _ := logGroupNameOf(b)
	return na == nb && na != ""
}

// enableDelivery sets up log delivery to groups on behalf of caller (an IAM principal's ARN), as the VPN service does
// through CloudWatch Logs' V1 vended delivery: the caller needs logs:CreateLogDelivery, and
// CloudWatch Logs must accept (resource policy room, group exists, same Region and account). It is
// all or nothing and changes nothing on failure.
func (s *Service) enableDelivery(caller string, groups []string) *awsapi.Error {
	if len(groups) == 0 {
		return nil
	}
	// UNCONFIRMED: the error AWS returns when the caller may not create the log delivery (docs/design/aws-behaviour.md
	// §1.4 / §8 item 4). The sandbox answers EC2's own UnauthorizedOperation.
	if !s.opts.Allowed(caller, "logs:CreateLogDelivery") {
		return awsapi.NewError(http.StatusForbidden, CodeUnauthorizedOperation,
			"You are not authorized to perform this operation. Enabling tunnel logs requires logs:CreateLogDelivery.")
	}
	if err := s.opts.Logs.EnableDelivery(uniqueStrings(groups)); err != nil {
		var de *cwlogs.DeliveryError
		if errors.As(err, &de) {
			return awsapi.NewError(0, de.Code, "%s", de.Message)
		}
		return awsapi.NewError(http.StatusInternalServerError, CodeInternalError, "An internal error has occurred.")
	}
	return nil
}

func uniqueStrings(in []string) []string {
	var out []string
	for _, v := range in {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Log stream names.
//
// UNCONFIRMED: AWS says only that the stream name "uses VpnConnectionID and TunnelOutsideIPAddress"
// (docs/design/aws-behaviour.md §5.1). The sandbox names the tunnel-activity stream vpn-<id>-<outside-ip> (the form
// AWS's monitoring sample parses) and the BGP stream vpn-<id>_<outside-ip>-bgp (the BGP record's
// resource_id plus a suffix, so both logs can share a group). Both contain the VPN id and the
// outside IP: readers must match on that, not on an exact name.
func activityStreamName(vpnID, outsideIP string) string { return vpnID + "-" + outsideIP }
func bgpStreamName(vpnID, outsideIP string) string      { return vpnID + "_" + outsideIP + "-bgp" }

// retarget derives the delivery targets from the log options, keeping a target that did not change
// (its stream and history exist already) and scheduling new ones for activation.
func (t *Tunnel) retarget(vpnID string) {
	next := func(cur *LogTarget, enabled bool, groupARN, format, stream string) *LogTarget {
		if !enabled {
			return nil
		}
		group, _ := logGroupNameOf(groupARN)
		if cur != nil && cur.Group == group && cur.Format == format && cur.Stream == stream {
			return cur
		}
		return &LogTarget{Group: group, Stream: stream, Format: format}
	}
	t.Activity = next(t.Activity, t.Log.Enabled, t.Log.GroupARN, t.Log.Format, activityStreamName(vpnID, t.OutsideIP))
	t.BGP = next(t.BGP, t.Log.BGPEnabled, t.Log.BGPGroupARN, t.Log.BGPFormat, bgpStreamName(vpnID, t.OutsideIP))
}

func (s *Service) describeVpnConnections(_ string, p awsapi.Params) (any, *awsapi.Error) {
	now := s.now()
	cs, e := describe(p, "VpnConnectionId", s.vpns, s.vpnOrder, CodeVpnConnectionNotFound, "vpnConnection",
		func(c *Connection) attrFunc { return s.vpnAttr(c, now) }, &Connection{Tags: TagMap{}})
	if e != nil {
		return nil, e
	}
	out := &describeVpnConnectionsResponse{}
	for _, c := range cs {
		out.VpnConnections.Items = append(out.VpnConnections.Items, s.xVpnConnection(c, now))
	}
	return out, nil
}

func (s *Service) lookupVpn(p awsapi.Params) (*Connection, *awsapi.Error) {
	id, ok := p.Str("VpnConnectionId")
	if !ok {
		return nil, errMissingParameter("VpnConnectionId")
	}
	c, ok := s.vpns[id]
	if !ok {
		return nil, notFoundError(CodeVpnConnectionNotFound, "vpnConnection", []string{id})
	}
	return c, nil
}

func (s *Service) deleteVpnConnection(_ string, p awsapi.Params) (any, *awsapi.Error) {
	c, e := s.lookupVpn(p)
	if e != nil {
		return nil, e
	}
	// UNCONFIRMED: deleting a connection that is already deleting or deleted succeeds again, like
	// most EC2 delete actions.
	if c.DeleteRequested.IsZero() {
		s.markDeleted(c, s.now(), s.opts.PendingDelay)
	}
	return &returnResponse{Return: true}, nil
}

// markDeleted starts the deletion: "deleting" for delay, then "deleted". Log delivery stops.
func (s *Service) markDeleted(c *Connection, now time.Time, delay time.Duration) {
	c.DeleteRequested, c.DeletedAt = now, now.Add(delay)
	for _, t := range c.Tunnels {
		t.Activity, t.BGP = nil, nil
	}
}

func (s *Service) modifyVpnTunnelOptions(caller string, p awsapi.Params) (any, *awsapi.Error) {
	c, e := s.lookupVpn(p)
	if e != nil {
		return nil, e
	}
	ip, ok := p.Str("VpnTunnelOutsideIpAddress")
	if !ok {
		return nil, errMissingParameter("VpnTunnelOutsideIpAddress")
	}
	sp, e := parseTunnelSpec(p, "TunnelOptions.")
	if e != nil {
		return nil, e
	}
	if v, ok := p.Str("PreSharedKeyStorage"); ok && v != "Standard" && v != "SecretsManager" {
		return nil, errInvalidParameterValue("Invalid value '%s' for PreSharedKeyStorage. Valid values: Standard, SecretsManager.", awsapi.Clip(v, 32))
	}
	if _, err := p.Boolean("SkipTunnelReplacement"); err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	}
	now := s.now()
	// UNCONFIRMED: the error for a connection that is not available (e.g. still "modifying" from
	// the previous call) — the documented code that matches is InvalidVpnConnection.InvalidState
	// (docs/design/aws-behaviour.md §1.4 / §8 item 3).
	if st := c.State(now); st != "available" {
		return nil, awsapi.NewError(0, CodeVpnConnectionState, "The VPN connection must be in the available state to complete the request.")
	}
	t := c.Tunnel(ip)
	if t == nil {
		// UNCONFIRMED: message wording; the code is EC2's generic InvalidParameterValue.
		return nil, errInvalidParameterValue("The tunnel outside IP address %s does not belong to VPN connection %s.", awsapi.Clip(ip, 64), c.ID)
	}
	next, e := sp.apply(t)
	if e != nil {
		return nil, e
	}
	if next.InsideCIDR != t.InsideCIDR {
		inUse := s.insideCIDRsInUse(c.VpnGatewayID, c.TransitGatewayID, c)
		for _, o := range c.Tunnels {
			if o != t {
				inUse[o.InsideCIDR] = true
			}
		}
		if inUse[next.InsideCIDR] {
			return nil, awsapi.NewError(0, CodeCidrInUse, "The specified inside tunnel CIDR %s is already in use by another VPN tunnel for the gateway.", next.InsideCIDR)
		}
	}
	// Delivery first: if CloudWatch Logs refuses, nothing changes.
	if e := s.enableDelivery(caller, newlyEnabledGroups(t.Log, next.Log)); e != nil {
		return nil, e
	}
	*t = *next
	t.retarget(c.ID)
	// UNCONFIRMED: a log-options-only change interrupts the tunnel like any other modification
	// ("several minutes"; docs/design/aws-behaviour.md §1.2): the whole connection is "modifying" for ModifyDelay.
	c.ModifyingUntil = now.Add(s.opts.ModifyDelay)
	return &vpnConnectionResponse{VpnConnection: s.xVpnConnection(c, now)}, nil
}

// Settle makes the connections deleted longer than deletedRetention before now disappear. The sandbox runs it before
// every request (and then activates the delivery of connections that became available), so state follows time
// without goroutines.
func (s *Service) Settle(now time.Time) {
	kept := s.vpnOrder[:0]
	for _, id := range s.vpnOrder {
		if c := s.vpns[id]; c.State(now) == "deleted" && now.Sub(c.DeletedAt) > deletedRetention {
			delete(s.vpns, id)
			continue
		}
		kept = append(kept, id)
	}
	s.vpnOrder = kept
}

// Connections are the connections, deleted ones included while visible, in creation order.
func (s *Service) Connections() []*Connection {
	out := make([]*Connection, 0, len(s.vpnOrder))
	for _, id := range s.vpnOrder {
		out = append(out, s.vpns[id])
	}
	return out
}
