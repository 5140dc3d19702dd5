package sandbox

import (
	"net/netip"
	"strconv"
	"time"
)

type customerGateway struct {
	ID, IPAddress, Type, State, DeviceName, CertificateARN string
	BGPASN                                                 int64
	Tags                                                   tagMap
	Created                                                time.Time
}

type vpnGateway struct {
	ID, Type, State, AvailabilityZone string
	AmazonSideASN                     int64
	Tags                              tagMap
}

func (g *customerGateway) attr(name string) ([]string, bool) {
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

func (g *vpnGateway) attr(name string) ([]string, bool) {
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

func requireIPSec1(p params) *apiError {
	t, ok := p.str("Type")
	if !ok {
		return errMissingParameter("Type")
	}
	if t != "ipsec.1" {
		return errInvalidParameterValue("Invalid value '%s' for Type. Valid values: ipsec.1", clip(t, 32))
	}
	return nil
}

func (s *Server) createCustomerGateway(_ principal, p params) (any, *apiError) {
	if e := requireIPSec1(p); e != nil {
		return nil, e
	}
	ip, ok := p.str("IpAddress")
	if !ok {
		ip, ok = p.str("PublicIp")
	}
	certARN := p.get("CertificateArn")
	if !ok && certARN == "" {
		return nil, errMissingParameter("IpAddress")
	}
	if ok {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() {
			return nil, errInvalidParameterValue("Value (%s) for parameter ipAddress is invalid. Invalid Format.", clip(ip, 64))
		}
	}
	asn := int64(65000) // AWS default when BgpAsn is omitted
	if v, err := p.integer("BgpAsn"); err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	} else if v != nil {
		if *v < 1 || *v > 2147483647 {
			return nil, errInvalidParameterValue("Value (%d) for parameter BgpAsn is invalid. Valid range: 1-2147483647.", *v)
		}
		asn = *v
	}
	if v, err := p.integer("BgpAsnExtended"); err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	} else if v != nil {
		if _, sent := p.str("BgpAsn"); sent {
			return nil, newError(0, "InvalidParameterCombination", "BgpAsn and BgpAsnExtended are mutually exclusive.")
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
	for _, id := range s.ec2.cgwOrder {
		g := s.ec2.cgws[id]
		if g.State == "available" && g.IPAddress == ip && g.BGPASN == asn && g.Type == "ipsec.1" && ip != "" {
			return &createCustomerGatewayResponse{CustomerGateway: s.xCustomerGateway(g)}, nil
		}
	}
	if n := s.quota(QuotaCustomerGatewaysPerRegion); len(s.ec2.cgws) >= n {
		return nil, newError(0, "CustomerGatewayLimitExceeded", "You have reached the maximum number of customer gateways (%d) for this Region.", n)
	}
	g := &customerGateway{
		ID: s.newID("cgw"), IPAddress: ip, Type: "ipsec.1", State: "available", DeviceName: p.get("DeviceName"),
		CertificateARN: certARN, BGPASN: asn, Tags: tagMap{}, Created: s.now(),
	}
	if e := g.Tags.applyTags(tags); e != nil {
		return nil, e
	}
	s.ec2.cgws[g.ID] = g
	s.ec2.cgwOrder = append(s.ec2.cgwOrder, g.ID)
	return &createCustomerGatewayResponse{CustomerGateway: s.xCustomerGateway(g)}, nil
}

func (s *Server) describeCustomerGateways(_ principal, p params) (any, *apiError) {
	ids := p.list("CustomerGatewayId")
	fs := p.filters()
	if e := validateFilterNames(fs, (&customerGateway{}).attr); e != nil {
		return nil, e
	}
	var missing []string
	for _, id := range ids {
		if _, ok := s.ec2.cgws[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, notFoundError("InvalidCustomerGatewayID.NotFound", "customerGateway", missing)
	}
	out := &describeCustomerGatewaysResponse{}
	for _, id := range pick(ids, s.ec2.cgwOrder) {
		g := s.ec2.cgws[id]
		if ok, e := matchFilters(fs, g.attr); e != nil {
			return nil, e
		} else if ok {
			out.CustomerGateways.Items = append(out.CustomerGateways.Items, s.xCustomerGateway(g))
		}
	}
	return out, nil
}

func (s *Server) createVpnGateway(_ principal, p params) (any, *apiError) {
	if e := requireIPSec1(p); e != nil {
		return nil, e
	}
	asn := int64(64512) // AWS default Amazon-side ASN
	if v, err := p.integer("AmazonSideAsn"); err != nil {
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
	if len(s.ec2.vgws) >= s.quota(QuotaVPNGatewaysPerRegion) {
		return nil, newError(0, "VpnGatewayLimitExceeded", "The maximum number of virtual private gateways has been reached.")
	}
	g := &vpnGateway{ID: s.newID("vgw"), Type: "ipsec.1", State: "available", AvailabilityZone: p.get("AvailabilityZone"), AmazonSideASN: asn, Tags: tagMap{}}
	if e := g.Tags.applyTags(tags); e != nil {
		return nil, e
	}
	s.ec2.vgws[g.ID] = g
	s.ec2.vgwOrder = append(s.ec2.vgwOrder, g.ID)
	return &createVpnGatewayResponse{VpnGateway: xVpnGatewayOf(g)}, nil
}

func (s *Server) describeVpnGateways(_ principal, p params) (any, *apiError) {
	ids := p.list("VpnGatewayId")
	fs := p.filters()
	if e := validateFilterNames(fs, (&vpnGateway{}).attr); e != nil {
		return nil, e
	}
	var missing []string
	for _, id := range ids {
		if _, ok := s.ec2.vgws[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, notFoundError("InvalidVpnGatewayID.NotFound", "vpnGateway", missing)
	}
	out := &describeVpnGatewaysResponse{}
	for _, id := range pick(ids, s.ec2.vgwOrder) {
		g := s.ec2.vgws[id]
		if ok, e := matchFilters(fs, g.attr); e != nil {
			return nil, e
		} else if ok {
			out.VpnGateways.Items = append(out.VpnGateways.Items, xVpnGatewayOf(g))
		}
	}
	return out, nil
}

// pick returns the requested ids (deduplicated, in creation order) or, when none were requested, all.
func pick(requested, order []string) []string {
	if len(requested) == 0 {
		return order
	}
	want := map[string]bool{}
	for _, id := range requested {
		want[id] = true
	}
	var out []string
	for _, id := range order {
		if want[id] {
			out = append(out, id)
		}
	}
	return out
}

// notFoundError names the missing ids the way EC2 does: "The vpnConnection ID 'vpn-1' does not
// exist" / "The vpnConnection IDs 'vpn-1, vpn-2' do not exist".
func notFoundError(code, noun string, ids []string) *apiError {
	for i := range ids {
		ids[i] = clip(ids[i], 64)
	}
	if len(ids) == 1 {
		return newError(0, code, "The %s ID '%s' does not exist", noun, ids[0])
	}
	joined := ""
	for i, id := range ids {
		if i > 0 {
			joined += ", "
		}
		joined += id
	}
	return newError(0, code, "The %s IDs '%s' do not exist", noun, joined)
}
