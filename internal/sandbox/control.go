package sandbox

import (
	"maps"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/ec2"
)

// Go-side control of the model, for tests and the demo. None of it is an AWS call: nothing is
// counted, logged or faulted, and no permission applies. The EC2 model (internal/sandbox/ec2) does the work; these
// methods lock the sandbox and speak its vocabulary (scenarios, info snapshots without secrets).

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
var ErrNotFound = ec2.ErrNotFound

// CreateVPNConnection creates a VPN connection (and, if needed, its gateways) through the same code
// as the EC2 API, so the same validation applies.
func (s *Server) CreateVPNConnection(spec VPNConnectionSpec) (VPNConnectionInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tags := maps.Clone(spec.Tags)
	if spec.Scenario != "" {
		if tags == nil {
			tags = map[string]string{}
		}
		tags[ScenarioTag] = spec.Scenario
	}
	c, err := s.ec2.CreateConnection(s.iam.PrincipalFor(s.callerARN).PolicyARN, ec2.ConnectionSpec{
		CustomerGatewayID: spec.CustomerGatewayID, CustomerGatewayIP: spec.CustomerGatewayIP, BGPASN: spec.BGPASN,
		VpnGatewayID: spec.VpnGatewayID, TransitGatewayID: spec.TransitGatewayID, StaticRoutesOnly: spec.StaticRoutesOnly,
		Tags: tags, Available: spec.Available,
	})
	if err != nil {
		return VPNConnectionInfo{}, err
	}
	return s.infoLocked(c), nil
}

// AddTransitGateway registers a transit gateway id (the sandbox does not emulate transit gateways
// beyond their existence) and returns it.
func (s *Server) AddTransitGateway() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ec2.AddTransitGateway()
}

// VPNConnection returns a snapshot of a connection (deleted ones included while visible).
func (s *Server) VPNConnection(id string) (VPNConnectionInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	c, ok := s.ec2.Connection(id)
	if !ok {
		return VPNConnectionInfo{}, false
	}
	return s.infoLocked(c), true
}

func (s *Server) infoLocked(c *ec2.Connection) VPNConnectionInfo {
	info := VPNConnectionInfo{
		ID: c.ID, State: c.State(s.now()), Type: c.Type, CustomerGatewayID: c.CustomerGatewayID,
		VpnGatewayID: c.VpnGatewayID, TransitGateway: c.TransitGatewayID, StaticRoutesOnly: c.StaticRoutesOnly,
		Tags: c.Tags.Copy(),
	}
	for _, t := range c.Tunnels {
		ti := TunnelInfo{
			OutsideIPAddress: t.OutsideIP, InsideCIDR: t.InsideCIDR, Scenario: s.scenarioOf(c, t),
			Log: TunnelLogOptions{
				LogEnabled: t.Log.Enabled, LogGroupARN: t.Log.GroupARN, LogOutputFormat: t.Log.Format,
				BGPLogEnabled: t.Log.BGPEnabled, BGPLogGroupARN: t.Log.BGPGroupARN, BGPLogOutputFormat: t.Log.BGPFormat,
			},
		}
		if t.Activity != nil {
			ti.ActivityStream = t.Activity.Stream
		}
		if t.BGP != nil {
			ti.BGPStream = t.BGP.Stream
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
	return s.ec2.SetTunnelOrderReversed(vpnID, reversed)
}

// DeleteVPNConnectionOutOfBand deletes a connection as if someone did it outside the code under test:
// it is "deleted" at once (no "deleting" phase) and stays visible like any deleted connection.
func (s *Server) DeleteVPNConnectionOutOfBand(vpnID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ec2.DeleteOutOfBand(vpnID)
}

// SetTunnelLogOptionsOutOfBand changes a tunnel's log options as a console user would: the same
// validation and CloudWatch Logs delivery setup as ModifyVpnTunnelOptions (a *cwlogs.DeliveryError
// refusal is returned as an error and changes nothing), but no permission check, no "modifying"
// phase and no request counted. Options are replaced as a whole.
func (s *Server) SetTunnelLogOptionsOutOfBand(vpnID, outsideIP string, o TunnelLogOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ec2.SetTunnelLogOptionsOutOfBand(vpnID, outsideIP, ec2.LogOptions{
		Enabled: o.LogEnabled, GroupARN: o.LogGroupARN, Format: o.LogOutputFormat,
		BGPEnabled: o.BGPLogEnabled, BGPGroupARN: o.BGPLogGroupARN, BGPFormat: o.BGPLogOutputFormat,
	}); err != nil {
		return err
	}
	s.settleLocked()
	return nil
}
