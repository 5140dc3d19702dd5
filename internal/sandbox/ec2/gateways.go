package ec2

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

type CustomerGateway struct {
	ID, IPAddress, Type, State, DeviceName, CertificateARN string
	BGPASN                                                 int64
	Tags                                                   TagMap
	Created                                                time.Time
}

type VpnGateway struct {
	ID, Type, State, AvailabilityZone string
	AmazonSideASN                     int64
	Tags                              TagMap
}

func (g *CustomerGateway) attr(name string) ([]string, bool) {
	switch name {
	case "customer-gateway-id":
		return []string{g.ID}, true
	case "bgp-asn":
		return []string{strconv.FormatInt(g.BGPASN, 10)}, true
	case "ip-address":
		return []string{g.IPAddress}, true
	case "state":
		return []string{g.State}, true
	case "type":
		return []string{g.Type}, true
	}
	return tagAttr(g.Tags, name)
}

func (g *VpnGateway) attr(name string) ([]string, bool) {
	switch name {
	case "vpn-gateway-id":
		return []string{g.ID}, true
	case "state":
		return []string{g.State}, true
	case "type":
		return []string{g.Type}, true
	case "amazon-side-asn":
		return []string{strconv.FormatInt(g.AmazonSideASN, 10)}, true
	case "availability-zone":
		return []string{g.AvailabilityZone}, true
	case "attachment.state", "attachment.vpc-id":
		return nil, true // the sandbox has no VPCs: gateways are never attached
	}
	return tagAttr(g.Tags, name)
}

func requireIPSec1(p awsapi.Params) *awsapi.Error {
	t, ok := p.Str("Type")
	if !ok {
		return errMissingParameter("Type")
	}
	if t != "ipsec.1" {
		return errInvalidParameterValue("Invalid value '%s' for Type. Valid values: ipsec.1", awsapi.Clip(t, 32))
	}
	return nil
}

func (s *Service) createCustomerGateway(_ string, p awsapi.Params) (any, *awsapi.Error) {
	if e := requireIPSec1(p); e != nil {
		return nil, e
	}
	ip, ok := p.Str("IpAddress")
	if !ok {
		ip, ok = p.Str("PublicIp")
	}
	certARN := p.Get("CertificateArn")
	if !ok && certARN == "" {
		return nil, errMissingParameter("IpAddress")
	}
	if ok {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() {
			return nil, errInvalidParameterValue("Value (%s) for parameter ipAddress is invalid. Invalid Format.", awsapi.Clip(ip, 64))
		}
	}
	asn := int64(65000) // AWS default when BgpAsn is omitted
	if v, err := p.Integer("BgpAsn"); err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	} else if v != nil {
		if *v < 1 || *v > 2147483647 {
			return nil, errInvalidParameterValue("Value (%d) for parameter BgpAsn is invalid. Valid range: 1-2147483647.", *v)
		}
		asn = *v
	}
	if v, err := p.Integer("BgpAsnExtended"); err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	} else if v != nil {
		if _, sent := p.Str("BgpAsn"); sent {
			return nil, awsapi.NewError(0, CodeInvalidParameterCombination, "BgpAsn and BgpAsnExtended are mutually exclusive.")
		}
		if *v < 2147483648 || *v > 4294967294 {
			return nil, errInvalidParameterValue("Value (%d) for parameter BgpAsnExtended is invalid. Valid range: 2147483648-4294967294.", *v)
		}
		asn = *v
	}
	tags, e := tagSpecTags(p, "customer-gateway")
	if e != nil {
		return nil, e
	}
	// Documented idempotency: creating a customer gateway with the same type, IP address and BGP
	// ASN as an existing one returns the existing gateway.
	for _, id := range s.cgwOrder {
		g := s.cgws[id]
		if g.State == "available" && g.IPAddress == ip && g.BGPASN == asn && g.Type == "ipsec.1" && ip != "" {
			return &createCustomerGatewayResponse{CustomerGateway: s.xCustomerGateway(g)}, nil
		}
	}
	if n := s.quota(QuotaCustomerGatewaysPerRegion); len(s.cgws) >= n {
		return nil, awsapi.NewError(0, CodeCustomerGatewayLimitExceeded, "You have reached the maximum number of customer gateways (%d) for this Region.", n)
	}
	g := &CustomerGateway{
		ID: s.newID("cgw"), IPAddress: ip, Type: "ipsec.1", State: "available", DeviceName: p.Get("DeviceName"),
		CertificateARN: certARN, BGPASN: asn, Tags: TagMap{}, Created: s.now(),
	}
	if e := g.Tags.applyTags(tags); e != nil {
		return nil, e
	}
	s.cgws[g.ID] = g
	s.cgwOrder = append(s.cgwOrder, g.ID)
	return &createCustomerGatewayResponse{CustomerGateway: s.xCustomerGateway(g)}, nil
}

func (s *Service) describeCustomerGateways(_ string, p awsapi.Params) (any, *awsapi.Error) {
	gs, e := describe(p, "CustomerGatewayId", s.cgws, s.cgwOrder, CodeCustomerGatewayNotFound, "customerGateway",
		func(g *CustomerGateway) attrFunc { return g.attr }, &CustomerGateway{})
	if e != nil {
		return nil, e
	}
	out := &describeCustomerGatewaysResponse{}
	for _, g := range gs {
		out.CustomerGateways.Items = append(out.CustomerGateways.Items, s.xCustomerGateway(g))
	}
	return out, nil
}

func (s *Service) createVpnGateway(_ string, p awsapi.Params) (any, *awsapi.Error) {
	if e := requireIPSec1(p); e != nil {
		return nil, e
	}
	asn := int64(64512) // AWS default Amazon-side ASN
	if v, err := p.Integer("AmazonSideAsn"); err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	} else if v != nil {
		if (*v < 64512 || *v > 65534) && (*v < 4200000000 || *v > 4294967294) {
			return nil, errInvalidParameterValue("Invalid value '%d' for amazonSideAsn. The private ASN must be in the 64512 to 65534 or 4200000000 to 4294967294 range.", *v)
		}
		asn = *v
	}
	tags, e := tagSpecTags(p, "vpn-gateway")
	if e != nil {
		return nil, e
	}
	if len(s.vgws) >= s.quota(QuotaVPNGatewaysPerRegion) {
		return nil, awsapi.NewError(0, CodeVpnGatewayLimitExceeded, "The maximum number of virtual private gateways has been reached.")
	}
	g := &VpnGateway{ID: s.newID("vgw"), Type: "ipsec.1", State: "available", AvailabilityZone: p.Get("AvailabilityZone"), AmazonSideASN: asn, Tags: TagMap{}}
	if e := g.Tags.applyTags(tags); e != nil {
		return nil, e
	}
	s.vgws[g.ID] = g
	s.vgwOrder = append(s.vgwOrder, g.ID)
	return &createVpnGatewayResponse{VpnGateway: xVpnGatewayOf(g)}, nil
}

func (s *Service) describeVpnGateways(_ string, p awsapi.Params) (any, *awsapi.Error) {
	gs, e := describe(p, "VpnGatewayId", s.vgws, s.vgwOrder, CodeVpnGatewayNotFound, "vpnGateway",
		func(g *VpnGateway) attrFunc { return g.attr }, &VpnGateway{})
	if e != nil {
		return nil, e
	}
	out := &describeVpnGatewaysResponse{}
	for _, g := range gs {
		out.VpnGateways.Items = append(out.VpnGateways.Items, xVpnGatewayOf(g))
	}
	return out, nil
}
