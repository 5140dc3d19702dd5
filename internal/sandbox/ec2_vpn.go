package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// deletedRetention is how long a deleted connection stays visible with state "deleted".
//
// UNCONFIRMED: AWS keeps deleted VPN connections visible for a while; the duration is not
// published (about an hour is commonly observed).
const deletedRetention = time.Hour

// vpnConnection is a Site-to-Site VPN connection. Its state is computed from timestamps on read;
// nothing runs in the background to move it along.
type vpnConnection struct {
	ID, Type, CustomerGatewayID, VpnGatewayID, TransitGatewayID string
	StaticRoutesOnly, EnableAcceleration                        bool
	LocalIPv4CIDR, RemoteIPv4CIDR, OutsideIPType                string
	TunnelInsideIPVersion, TunnelBandwidth                      string
	Tunnels                                                     []*tunnel // creation order
	Tags                                                        tagMap
	Created                                                     time.Time
	AvailableAt                                                 time.Time // end of "pending"
	ModifyingUntil                                              time.Time // end of the last "modifying"
	DeleteRequested                                             time.Time // zero unless deleted
	DeletedAt                                                   time.Time // end of "deleting"
	Reversed                                                    bool      // tunnelOptionSet in reverse order (SetTunnelOrderReversed)
}

// state is the connection's state at now.
func (c *vpnConnection) state(now time.Time) string {
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
func (c *vpnConnection) lastStatusChange() time.Time {
	if c.ModifyingUntil.After(c.AvailableAt) {
		return c.ModifyingUntil
	}
	return c.AvailableAt
}

func (c *vpnConnection) tunnel(outsideIP string) *tunnel {
	for _, t := range c.Tunnels {
		if t.OutsideIP == outsideIP {
			return t
		}
	}
	return nil
}

// attr answers DescribeVpnConnections filters. cgw is the connection's customer gateway.
func (s *Server) vpnAttr(c *vpnConnection, now time.Time) attrFunc {
	return func(name string) ([]string, bool) {
		switch name {
		case "vpn-connection-id":
			return []string{c.ID}, true
		case "state":
			return []string{c.state(now)}, true
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
			if g := s.ec2.cgws[c.CustomerGatewayID]; g != nil {
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
func (s *Server) insideCIDRsInUse(vgw, tgw string, except *vpnConnection) map[string]bool {
	inUse := map[string]bool{}
	for _, c := range s.ec2.vpns {
		if c == except || !c.DeleteRequested.IsZero() || c.VpnGatewayID != vgw || c.TransitGatewayID != tgw {
			continue
		}
		for _, t := range c.Tunnels {
			inUse[t.InsideCIDR] = true
		}
	}
	return inUse
}

func (s *Server) createVpnConnection(caller principal, p params) (any, *apiError) {
	if e := requireIPSec1(p); e != nil {
		return nil, e
	}
	cgwID, ok := p.str("CustomerGatewayId")
	if !ok {
		return nil, errMissingParameter("CustomerGatewayId")
	}
	vgwID, tgwID := p.get("VpnGatewayId"), p.get("TransitGatewayId")
	switch {
	case vgwID == "" && tgwID == "":
		return nil, newError(0, "InvalidParameterCombination", "You must specify either a VpnGatewayId or a TransitGatewayId.")
	case vgwID != "" && tgwID != "":
		return nil, newError(0, "InvalidParameterCombination", "You cannot specify both a VpnGatewayId and a TransitGatewayId.")
	}
	if _, ok := s.ec2.cgws[cgwID]; !ok {
		return nil, notFoundError("InvalidCustomerGatewayID.NotFound", "customerGateway", []string{cgwID})
	}
	if vgwID != "" {
		if _, ok := s.ec2.vgws[vgwID]; !ok {
			return nil, notFoundError("InvalidVpnGatewayID.NotFound", "vpnGateway", []string{vgwID})
		}
	} else if !s.ec2.tgws[tgwID] {
		return nil, notFoundError("InvalidTransitGatewayID.NotFound", "transitGateway", []string{tgwID})
	}
	live, onGateway := 0, 0
	for _, c := range s.ec2.vpns {
		if c.DeleteRequested.IsZero() {
			live++
			if vgwID != "" && c.VpnGatewayID == vgwID {
				onGateway++
			}
		}
	}
	if live >= s.quota(QuotaVPNConnectionsPerRegion) || onGateway >= s.quota(QuotaVPNConnectionsPerGateway) {
		return nil, newError(0, "VpnConnectionLimitExceeded", "You've reached the limit on the number of VPN connections that you can create.")
	}

	c := &vpnConnection{
		Type: "ipsec.1", CustomerGatewayID: cgwID, VpnGatewayID: vgwID, TransitGatewayID: tgwID,
		LocalIPv4CIDR: "0.0.0.0/0", RemoteIPv4CIDR: "0.0.0.0/0", OutsideIPType: "PublicIpv4",
		TunnelInsideIPVersion: "ipv4", TunnelBandwidth: "standard", Tags: tagMap{},
	}
	const op = "Options."
	for key, dst := range map[string]*bool{"StaticRoutesOnly": &c.StaticRoutesOnly, "EnableAcceleration": &c.EnableAcceleration} {
		v, err := p.boolean(op + key)
		if err != nil {
			return nil, errInvalidParameterValue("%s", err.Error())
		}
		if v != nil {
			*dst = *v
		}
	}
	if c.EnableAcceleration && tgwID == "" {
		return nil, newError(0, "InvalidParameterCombination", "Acceleration is only supported for VPN connections attached to a transit gateway.")
	}
	for key, dst := range map[string]*string{
		"LocalIpv4NetworkCidr": &c.LocalIPv4CIDR, "RemoteIpv4NetworkCidr": &c.RemoteIPv4CIDR,
		"OutsideIpAddressType": &c.OutsideIPType, "TunnelInsideIpVersion": &c.TunnelInsideIPVersion, "TunnelBandwidth": &c.TunnelBandwidth,
	} {
		if v, ok := p.str(op + key); ok {
			*dst = v
		}
	}
	if c.TunnelInsideIPVersion != "ipv4" && c.TunnelInsideIPVersion != "ipv6" {
		return nil, errInvalidParameterValue("Invalid value '%s' for TunnelInsideIpVersion. Valid values: ipv4, ipv6.", clip(c.TunnelInsideIPVersion, 32))
	}
	if c.TunnelBandwidth != "standard" && c.TunnelBandwidth != "large" {
		return nil, errInvalidParameterValue("Invalid value '%s' for TunnelBandwidth. Valid values: standard, large.", clip(c.TunnelBandwidth, 32))
	}
	if idx := p.indexes(op + "TunnelOptions"); len(idx) > 2 || (len(idx) > 0 && idx[len(idx)-1] > 2) {
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
				return nil, newError(0, "InvalidCidr.InUse", "The specified inside tunnel CIDR %s is already in use by another VPN tunnel for the gateway.", *sp.InsideCIDR)
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
		deliver = append(deliver, newlyEnabledGroups(logOptions{}, nt.Log)...)
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
	s.ec2.vpns[c.ID] = c
	s.ec2.vpnOrder = append(s.ec2.vpnOrder, c.ID)
	return &vpnConnectionResponse{VpnConnection: s.xVpnConnection(c, now)}, nil
}

// newlyEnabledGroups are the log group ARNs a change starts delivering to: logs switched on, or
// pointed at another group.
func newlyEnabledGroups(before, after logOptions) []string {
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

// enableDelivery sets up log delivery to groups on behalf of caller, as the VPN service does
// through CloudWatch Logs' V1 vended delivery: the caller needs logs:CreateLogDelivery, and
// CloudWatch Logs must accept (resource policy room, group exists, same Region and account). It is
// all or nothing and changes nothing on failure.
func (s *Server) enableDelivery(caller principal, groups []string) *apiError {
	if len(groups) == 0 {
		return nil
	}
	// UNCONFIRMED: the error AWS returns when the caller may not create the log delivery (docs/design/aws-behaviour.md
	// §1.4 / §8 item 4). The sandbox answers EC2's own UnauthorizedOperation.
	if s.decide(caller.PolicyARN, "logs:CreateLogDelivery") != decisionAllowed {
		return newError(http.StatusForbidden, "UnauthorizedOperation",
			"You are not authorized to perform this operation. Enabling tunnel logs requires logs:CreateLogDelivery.")
	}
	if err := s.logs.EnableDelivery(uniqueStrings(groups)); err != nil {
		var de *cwlogs.DeliveryError
		if errors.As(err, &de) {
			return newError(0, de.Code, "%s", de.Message)
		}
		return newError(http.StatusInternalServerError, "InternalError", "An internal error has occurred.")
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

// retarget derives the delivery targets from the log options, keeping a target that did not change
// (its stream and history exist already) and scheduling new ones for activation.
func (t *tunnel) retarget(vpnID string) {
	next := func(cur *logTarget, enabled bool, groupARN, format, stream string) *logTarget {
		if !enabled {
			return nil
		}
		group, _ := logGroupNameOf(groupARN)
		if cur != nil && cur.Group == group && cur.Format == format && cur.Stream == stream {
			return cur
		}
		return &logTarget{Group: group, Stream: stream, Format: format}
	}
	t.activity = next(t.activity, t.Log.Enabled, t.Log.GroupARN, t.Log.Format, activityStreamName(vpnID, t.OutsideIP))
	t.bgp = next(t.bgp, t.Log.BGPEnabled, t.Log.BGPGroupARN, t.Log.BGPFormat, bgpStreamName(vpnID, t.OutsideIP))
}

func (s *Server) describeVpnConnections(_ principal, p params) (any, *apiError) {
	now := s.now()
	ids := p.list("VpnConnectionId")
	fs := p.filters()
	if e := validateFilterNames(fs, s.vpnAttr(&vpnConnection{Tags: tagMap{}}, now)); e != nil {
		return nil, e
	}
	var missing []string
	for _, id := range ids {
		if _, ok := s.ec2.vpns[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, notFoundError("InvalidVpnConnectionID.NotFound", "vpnConnection", missing)
	}
	out := &describeVpnConnectionsResponse{}
	for _, id := range pick(ids, s.ec2.vpnOrder) {
		c := s.ec2.vpns[id]
		if ok, e := matchFilters(fs, s.vpnAttr(c, now)); e != nil {
			return nil, e
		} else if ok {
			out.VpnConnections.Items = append(out.VpnConnections.Items, s.xVpnConnection(c, now))
		}
	}
	return out, nil
}

func (s *Server) lookupVpn(p params) (*vpnConnection, *apiError) {
	id, ok := p.str("VpnConnectionId")
	if !ok {
		return nil, errMissingParameter("VpnConnectionId")
	}
	c, ok := s.ec2.vpns[id]
	if !ok {
		return nil, notFoundError("InvalidVpnConnectionID.NotFound", "vpnConnection", []string{id})
	}
	return c, nil
}

func (s *Server) deleteVpnConnection(_ principal, p params) (any, *apiError) {
	c, e := s.lookupVpn(p)
	if e != nil {
		return nil, e
	}
	// UNCONFIRMED: deleting a connection that is already deleting or deleted succeeds again, like
	// most EC2 delete actions.
	if c.DeleteRequested.IsZero() {
		s.markDeleted(c, s.now(), s.opts.PendingDelay)
	}
	return &ec2Return{Return: true}, nil
}

// markDeleted starts the deletion: "deleting" for delay, then "deleted". Log delivery stops.
func (s *Server) markDeleted(c *vpnConnection, now time.Time, delay time.Duration) {
	c.DeleteRequested, c.DeletedAt = now, now.Add(delay)
	for _, t := range c.Tunnels {
		t.activity, t.bgp = nil, nil
	}
}

func (s *Server) modifyVpnTunnelOptions(caller principal, p params) (any, *apiError) {
	c, e := s.lookupVpn(p)
	if e != nil {
		return nil, e
	}
	ip, ok := p.str("VpnTunnelOutsideIpAddress")
	if !ok {
		return nil, errMissingParameter("VpnTunnelOutsideIpAddress")
	}
	sp, e := parseTunnelSpec(p, "TunnelOptions.")
	if e != nil {
		return nil, e
	}
	if v, ok := p.str("PreSharedKeyStorage"); ok && v != "Standard" && v != "SecretsManager" {
		return nil, errInvalidParameterValue("Invalid value '%s' for PreSharedKeyStorage. Valid values: Standard, SecretsManager.", clip(v, 32))
	}
	if _, err := p.boolean("SkipTunnelReplacement"); err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	}
	now := s.now()
	// UNCONFIRMED: the error for a connection that is not available (e.g. still "modifying" from
	// the previous call) — the documented code that matches is InvalidVpnConnection.InvalidState
	// (docs/design/aws-behaviour.md §1.4 / §8 item 3).
	if st := c.state(now); st != "available" {
		return nil, newError(0, "InvalidVpnConnection.InvalidState", "The VPN connection must be in the available state to complete the request.")
	}
	t := c.tunnel(ip)
	if t == nil {
		// UNCONFIRMED: message wording; the code is EC2's generic InvalidParameterValue.
		return nil, errInvalidParameterValue("The tunnel outside IP address %s does not belong to VPN connection %s.", clip(ip, 64), c.ID)
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
			return nil, newError(0, "InvalidCidr.InUse", "The specified inside tunnel CIDR %s is already in use by another VPN tunnel for the gateway.", next.InsideCIDR)
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

// settleLocked does the work due by now: connections that became available get their log streams
// and history, and deleted connections past their retention disappear. It runs before every
// request, so state follows time without goroutines. Caller holds s.mu.
func (s *Server) settleLocked() {
	now := s.now()
	kept := s.ec2.vpnOrder[:0]
	for _, id := range s.ec2.vpnOrder {
		c := s.ec2.vpns[id]
		st := c.state(now)
		if st == "deleted" && now.Sub(c.DeletedAt) > deletedRetention {
			delete(s.ec2.vpns, id)
			continue
		}
		kept = append(kept, id)
		if st == "available" {
			for _, t := range c.Tunnels {
				s.activateLogs(c, t, now)
			}
		}
	}
	s.ec2.vpnOrder = kept
}
