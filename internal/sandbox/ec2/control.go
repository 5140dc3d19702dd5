package ec2

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// Go-side control of the model, for the sandbox's tests and demo. None of it is an AWS call: the sandbox counts,
// logs and faults none of it, and no permission applies.

// ErrNotFound is returned by control methods for an unknown VPN connection or tunnel.
var ErrNotFound = errors.New("sandbox: not found")

// ConnectionSpec is the input of CreateConnection. Zero values pick defaults: a customer gateway at a fresh
// 198.51.100.x address (ASN 65000) and the first virtual private gateway (created if there is none).
type ConnectionSpec struct {
	CustomerGatewayID string
	CustomerGatewayIP string
	BGPASN            int64
	VpnGatewayID      string
	TransitGatewayID  string
	StaticRoutesOnly  bool
	Tags              map[string]string
	Available         bool // skip "pending": available at once
}

// CreateConnection creates a VPN connection (and, if needed, its gateways) through the same code as the EC2 API, so
// the same validation applies. caller is the IAM principal (an ARN) it is created for.
func (s *Service) CreateConnection(caller string, spec ConnectionSpec) (*Connection, error) {
	cgwID := spec.CustomerGatewayID
	if cgwID == "" {
		ip := spec.CustomerGatewayIP
		if ip == "" {
			ip = "198.51.100." + strconv.Itoa(10+len(s.cgws)%240)
		}
		p := awsapi.Params{"Type": {"ipsec.1"}, "IpAddress": {ip}}
		if spec.BGPASN != 0 {
			p["BgpAsn"] = []string{strconv.FormatInt(spec.BGPASN, 10)}
		}
		out, e := s.createCustomerGateway(caller, p)
		if e != nil {
			return nil, e
		}
		cgw, ok := out.(*createCustomerGatewayResponse)
		if !ok {
			return nil, fmt.Errorf("sandbox: CreateCustomerGateway returned %T", out)
		}
		cgwID = cgw.CustomerGateway.CustomerGatewayID
	}
	p := awsapi.Params{"Type": {"ipsec.1"}, "CustomerGatewayId": {cgwID}}
	switch {
	case spec.TransitGatewayID != "":
		p["TransitGatewayId"] = []string{spec.TransitGatewayID}
	case spec.VpnGatewayID != "":
		p["VpnGatewayId"] = []string{spec.VpnGatewayID}
	case len(s.vgwOrder) > 0:
		p["VpnGatewayId"] = []string{s.vgwOrder[0]}
	default:
		out, e := s.createVpnGateway(caller, awsapi.Params{"Type": {"ipsec.1"}})
		if e != nil {
			return nil, e
		}
		vgw, ok := out.(*createVpnGatewayResponse)
		if !ok {
			return nil, fmt.Errorf("sandbox: CreateVpnGateway returned %T", out)
		}
		p["VpnGatewayId"] = []string{vgw.VpnGateway.VpnGatewayID}
	}
	if spec.StaticRoutesOnly {
		p["Options.StaticRoutesOnly"] = []string{"true"}
	}
	n := 0
	for k, v := range spec.Tags {
		n++
		p[fmt.Sprintf("TagSpecification.1.Tag.%d.Key", n)] = []string{k}
		p[fmt.Sprintf("TagSpecification.1.Tag.%d.Value", n)] = []string{v}
	}
	if n > 0 {
		p["TagSpecification.1.ResourceType"] = []string{"vpn-connection"}
	}
	out, e := s.createVpnConnection(caller, p)
	if e != nil {
		return nil, e
	}
	vc, ok := out.(*vpnConnectionResponse)
	if !ok {
		return nil, fmt.Errorf("sandbox: CreateVpnConnection returned %T", out)
	}
	c := s.vpns[vc.VpnConnection.VpnConnectionID]
	if spec.Available {
		c.AvailableAt = c.Created
	}
	return c, nil
}

// AddTransitGateway registers a transit gateway id (the sandbox does not emulate transit gateways
// beyond their existence) and returns it.
func (s *Service) AddTransitGateway() string {
	id := s.newID("tgw")
	s.tgws[id] = true
	return id
}

// Connection returns a connection (deleted ones included while visible).
func (s *Service) Connection(id string) (*Connection, bool) {
	c, ok := s.vpns[id]
	return c, ok
}

// CustomerGateway returns a customer gateway, or nil.
func (s *Service) CustomerGateway(id string) *CustomerGateway { return s.cgws[id] }

// VpnGateway returns a virtual private gateway, or nil.
func (s *Service) VpnGateway(id string) *VpnGateway { return s.vgws[id] }

// SetTag sets a tag of a VPN connection or gateway, bypassing the validation of CreateTags.
func (s *Service) SetTag(resourceID, key, value string) error {
	t, e := s.resourceTags(resourceID)
	if e != nil {
		return e
	}
	t[key] = value
	return nil
}

// SetTunnelOrderReversed makes DescribeVpnConnections list the connection's tunnelOptionSet in
// reverse order while vgwTelemetry keeps the original order, so that code pairing tunnels by
// position breaks (tunnels must be matched by outside IP address).
func (s *Service) SetTunnelOrderReversed(vpnID string, reversed bool) error {
	c, ok := s.vpns[vpnID]
	if !ok {
		return fmt.Errorf("%w: VPN connection %s", ErrNotFound, vpnID)
	}
	c.Reversed = reversed
	return nil
}

// DeleteOutOfBand deletes a connection as if someone did it outside the code under test:
// it is "deleted" at once (no "deleting" phase) and stays visible like any deleted connection.
func (s *Service) DeleteOutOfBand(vpnID string) error {
	c, ok := s.vpns[vpnID]
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
// refusal is returned as an error and changes nothing), but no permission check and no "modifying"
// phase. Options are replaced as a whole.
func (s *Service) SetTunnelLogOptionsOutOfBand(vpnID, outsideIP string, o LogOptions) error {
	c, ok := s.vpns[vpnID]
	if !ok {
		return fmt.Errorf("%w: VPN connection %s", ErrNotFound, vpnID)
	}
	t := c.Tunnel(outsideIP)
	if t == nil {
		return fmt.Errorf("%w: tunnel %s of %s", ErrNotFound, outsideIP, vpnID)
	}
	sp := &tunnelSpec{LogEnabled: &o.Enabled, BGPLogEnabled: &o.BGPEnabled}
	if o.Enabled {
		sp.LogGroupARN, sp.LogFormat = &o.GroupARN, nonEmpty(o.Format)
	}
	if o.BGPEnabled {
		sp.BGPLogGroupARN, sp.BGPLogFormat = &o.BGPGroupARN, nonEmpty(o.BGPFormat)
	}
	next, e := sp.apply(t)
	if e != nil {
		return e
	}
	// The console user is allowed everything: skip the permission check, keep the delivery rules.
	if groups := newlyEnabledGroups(t.Log, next.Log); len(groups) > 0 {
		if err := s.opts.Logs.EnableDelivery(uniqueStrings(groups)); err != nil {
			return err
		}
	}
	*t = *next
	t.retarget(c.ID)
	return nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
