package sandbox

import (
	"errors"
	"fmt"
	"strconv"
)

// Go-side control of the model, for tests and the demo. None of it is an AWS call: nothing is
// counted, logged or faulted, and no permission applies.

// TunnelLogOptions are a tunnel's CloudWatch Logs options.
type TunnelLogOptions struct {
	LogEnabled         bool
	LogGroupARN        string
	LogOutputFormat    string // json | text; "" means json
	BGPLogEnabled      bool
	BGPLogGroupARN     string
	BGPLogOutputFormat string
}

// TunnelInfo describes a tunnel. It has no field for the pre-shared key.
type TunnelInfo struct {
	OutsideIPAddress string
	InsideCIDR       string
	Log              TunnelLogOptions
	Scenario         string // effective log scenario
	ActivityStream   string // log stream names while delivery is active, else ""
	BGPStream        string
}

// VPNConnectionInfo is a snapshot of a VPN connection. It has no field for pre-shared keys or the
// customer gateway configuration.
type VPNConnectionInfo struct {
	ID, State, Type                                 string
	CustomerGatewayID, VpnGatewayID, TransitGateway string
	StaticRoutesOnly                                bool
	Tags                                            map[string]string
	Tunnels                                         []TunnelInfo // creation order, whatever SetTunnelOrderReversed says
}

// VPNConnectionSpec is the input of CreateVPNConnection. Zero values pick defaults: a customer
// gateway at a fresh 198.51.100.x address (ASN 65000) and the first virtual private gateway (created
// if there is none).
type VPNConnectionSpec struct {
	CustomerGatewayID string
	CustomerGatewayIP string
	BGPASN            int64
	VpnGatewayID      string
	TransitGatewayID  string
	StaticRoutesOnly  bool
	Tags              map[string]string
	Scenario          string // sets the vpnlogs:scenario tag
	Available         bool   // skip "pending": available at once
}

// ErrNotFound is returned by control methods for an unknown VPN connection or tunnel.
var ErrNotFound = errors.New("sandbox: not found")

// CreateVPNConnection creates a VPN connection (and, if needed, its gateways) through the same code
// as the EC2 API, so the same validation applies.
func (s *Server) CreateVPNConnection(spec VPNConnectionSpec) (VPNConnectionInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	caller := s.principalFor(s.callerARN)
	cgwID := spec.CustomerGatewayID
	if cgwID == "" {
		ip := spec.CustomerGatewayIP
		if ip == "" {
			ip = "198.51.100." + strconv.Itoa(10+len(s.ec2.cgws)%240)
		}
		p := params{"Type": {"ipsec.1"}, "IpAddress": {ip}}
		if spec.BGPASN != 0 {
			p["BgpAsn"] = []string{strconv.FormatInt(spec.BGPASN, 10)}
		}
		out, e := s.createCustomerGateway(caller, p)
		if e != nil {
			return VPNConnectionInfo{}, e
		}
		cgw, ok := out.(*createCustomerGatewayResponse)
		if !ok {
			return VPNConnectionInfo{}, fmt.Errorf("sandbox: CreateCustomerGateway returned %T", out)
		}
		cgwID = cgw.CustomerGateway.CustomerGatewayID
	}
	p := params{"Type": {"ipsec.1"}, "CustomerGatewayId": {cgwID}}
	switch {
	case spec.TransitGatewayID != "":
		p["TransitGatewayId"] = []string{spec.TransitGatewayID}
	case spec.VpnGatewayID != "":
		p["VpnGatewayId"] = []string{spec.VpnGatewayID}
	case len(s.ec2.vgwOrder) > 0:
		p["VpnGatewayId"] = []string{s.ec2.vgwOrder[0]}
	default:
		out, e := s.createVpnGateway(caller, params{"Type": {"ipsec.1"}})
		if e != nil {
			return VPNConnectionInfo{}, e
		}
		vgw, ok := out.(*createVpnGatewayResponse)
		if !ok {
			return VPNConnectionInfo{}, fmt.Errorf("sandbox: CreateVpnGateway returned %T", out)
		}
		p["VpnGatewayId"] = []string{vgw.VpnGateway.VpnGatewayID}
	}
	if spec.StaticRoutesOnly {
		p["Options.StaticRoutesOnly"] = []string{"true"}
	}
	n := 0
	addTag := func(k, v string) {
		n++
		p[fmt.Sprintf("TagSpecification.1.Tag.%d.Key", n)] = []string{k}
		p[fmt.Sprintf("TagSpecification.1.Tag.%d.Value", n)] = []string{v}
	}
	for k, v := range spec.Tags {
		addTag(k, v)
	}
	if spec.Scenario != "" {
		addTag(ScenarioTag, spec.Scenario)
	}
	if n > 0 {
		p["TagSpecification.1.ResourceType"] = []string{"vpn-connection"}
	}
	out, e := s.createVpnConnection(caller, p)
	if e != nil {
		return VPNConnectionInfo{}, e
	}
	vc, ok := out.(*vpnConnectionResponse)
	if !ok {
		return VPNConnectionInfo{}, fmt.Errorf("sandbox: CreateVpnConnection returned %T", out)
	}
	c := s.ec2.vpns[vc.VpnConnection.VpnConnectionID]
	if spec.Available {
		c.AvailableAt = c.Created
	}
	return s.infoLocked(c), nil
}

// AddTransitGateway registers a transit gateway id (the sandbox does not emulate transit gateways
// beyond their existence) and returns it.
func (s *Server) AddTransitGateway() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID("tgw")
	s.ec2.tgws[id] = true
	return id
}

// VPNConnection returns a snapshot of a connection (deleted ones included while visible).
func (s *Server) VPNConnection(id string) (VPNConnectionInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	c, ok := s.ec2.vpns[id]
	if !ok {
		return VPNConnectionInfo{}, false
	}
	return s.infoLocked(c), true
}

func (s *Server) infoLocked(c *vpnConnection) VPNConnectionInfo {
	info := VPNConnectionInfo{
		ID: c.ID, State: c.state(s.now()), Type: c.Type, CustomerGatewayID: c.CustomerGatewayID,
		VpnGatewayID: c.VpnGatewayID, TransitGateway: c.TransitGatewayID, StaticRoutesOnly: c.StaticRoutesOnly,
		Tags: c.Tags.copy(),
	}
	for _, t := range c.Tunnels {
		ti := TunnelInfo{
			OutsideIPAddress: t.OutsideIP, InsideCIDR: t.InsideCIDR, Scenario: s.scenarioOf(c, t),
			Log: TunnelLogOptions{
				LogEnabled: t.Log.Enabled, LogGroupARN: t.Log.GroupARN, LogOutputFormat: t.Log.Format,
				BGPLogEnabled: t.Log.BGPEnabled, BGPLogGroupARN: t.Log.BGPGroupARN, BGPLogOutputFormat: t.Log.BGPFormat,
			},
		}
		if t.activity != nil {
			ti.ActivityStream = t.activity.Stream
		}
		if t.bgp != nil {
			ti.BGPStream = t.bgp.Stream
		}
		info.Tunnels = append(info.Tunnels, ti)
	}
	return info
}

// SetTunnelOrderReversed makes DescribeVpnConnections list the connection's tunnelOptionSet in
// reverse order while vgwTelemetry keeps the original order, so that code pairing tunnels by
// position breaks (tunnels must be matched by outside IP address).
func (s *Server) SetTunnelOrderReversed(vpnID string, reversed bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.ec2.vpns[vpnID]
	if !ok {
		return fmt.Errorf("%w: VPN connection %s", ErrNotFound, vpnID)
	}
	c.Reversed = reversed
	return nil
}

// DeleteVPNConnectionOutOfBand deletes a connection as if someone did it outside the code under test:
// it is "deleted" at once (no "deleting" phase) and stays visible like any deleted connection.
func (s *Server) DeleteVPNConnectionOutOfBand(vpnID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.ec2.vpns[vpnID]
	if !ok {
		return fmt.Errorf("%w: VPN connection %s", ErrNotFound, vpnID)
	}
	if c.DeleteRequested.IsZero() {
		s.markDeleted(c, s.now(), 0)
	}
	return nil
}

// SetTunnelLogOptionsOutOfBand changes a tunnel's log options as a console user would: the same
// validation and CloudWatch Logs delivery setup as ModifyVpnTunnelOptions (a *cwlogs.DeliveryError
// refusal is returned as an error and changes nothing), but no permission check, no "modifying"
// phase and no request counted. Options are replaced as a whole.
func (s *Server) SetTunnelLogOptionsOutOfBand(vpnID, outsideIP string, o TunnelLogOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.ec2.vpns[vpnID]
	if !ok {
		return fmt.Errorf("%w: VPN connection %s", ErrNotFound, vpnID)
	}
	t := c.tunnel(outsideIP)
	if t == nil {
		return fmt.Errorf("%w: tunnel %s of %s", ErrNotFound, outsideIP, vpnID)
	}
	sp := &tunnelSpec{LogEnabled: &o.LogEnabled, BGPLogEnabled: &o.BGPLogEnabled}
	if o.LogEnabled {
		sp.LogGroupARN, sp.LogFormat = &o.LogGroupARN, nonEmpty(o.LogOutputFormat)
	}
	if o.BGPLogEnabled {
		sp.BGPLogGroupARN, sp.BGPLogFormat = &o.BGPLogGroupARN, nonEmpty(o.BGPLogOutputFormat)
	}
	next, e := sp.apply(t)
	if e != nil {
		return e
	}
	// The console user is allowed everything: skip the permission check, keep the delivery rules.
	if groups := newlyEnabledGroups(t.Log, next.Log); len(groups) > 0 {
		if err := s.logs.EnableDelivery(uniqueStrings(groups)); err != nil {
			return err
		}
	}
	*t = *next
	t.retarget(c.ID)
	s.settleLocked()
	return nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
