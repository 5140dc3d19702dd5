package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ec2Handler serves one EC2 action. It runs with s.mu held, after the permission check and DryRun.
type ec2Handler func(s *Server, caller principal, p params) (any, *apiError)

// ec2Actions are the emulated EC2 actions (Version 2016-11-15, EC2 query protocol).
var ec2Actions map[string]ec2Handler

func init() {
	ec2Actions = map[string]ec2Handler{
		"CreateCustomerGateway":    (*Server).createCustomerGateway,
		"DescribeCustomerGateways": (*Server).describeCustomerGateways,
		"CreateVpnGateway":         (*Server).createVpnGateway,
		"DescribeVpnGateways":      (*Server).describeVpnGateways,
		"CreateVpnConnection":      (*Server).createVpnConnection,
		"DescribeVpnConnections":   (*Server).describeVpnConnections,
		"DeleteVpnConnection":      (*Server).deleteVpnConnection,
		"ModifyVpnTunnelOptions":   (*Server).modifyVpnTunnelOptions,
		"CreateTags":               (*Server).createTags,
		"DeleteTags":               (*Server).deleteTags,
	}
}

// ec2Params are the top-level request parameters of each action (the part of a key before its first "."), as
// aws-sdk-go-v2's EC2 serializers and botocore's model name them. EC2 refuses any other with UnknownParameter; in
// particular none of the Describe actions emulated here pages, so MaxResults and NextToken are unknown to them.
var ec2Params = map[string][]string{
	"CreateCustomerGateway":    {"BgpAsn", "BgpAsnExtended", "CertificateArn", "DeviceName", "IpAddress", "PublicIp", "TagSpecification", "Type"},
	"DescribeCustomerGateways": {"CustomerGatewayId", "Filter"},
	"CreateVpnGateway":         {"AmazonSideAsn", "AvailabilityZone", "TagSpecification", "Type"},
	"DescribeVpnGateways":      {"Filter", "VpnGatewayId"},
	"CreateVpnConnection": {"CustomerGatewayId", "Options", "PreSharedKeyStorage", "TagSpecification", "TransitGatewayId", "Type",
		"VpnConcentratorId", "VpnGatewayId"},
	"DescribeVpnConnections": {"Filter", "VpnConnectionId"},
	"DeleteVpnConnection":    {"VpnConnectionId"},
	"ModifyVpnTunnelOptions": {"PreSharedKeyStorage", "SkipTunnelReplacement", "TunnelOptions", "VpnConnectionId", "VpnTunnelOutsideIpAddress"},
	"CreateTags":             {"ResourceId", "Tag"},
	"DeleteTags":             {"ResourceId", "Tag"},
}

// checkEC2Params refuses parameters the action does not have, as EC2 does. Action, Version, DryRun and the
// SigV4 query parameters of presigned requests (X-Amz-*) belong to every request.
func checkEC2Params(action string, p params) *apiError {
	for key := range p {
		top, _, _ := strings.Cut(key, ".")
		if top == "Action" || top == "Version" || top == "DryRun" || strings.HasPrefix(top, "X-Amz-") || slices.Contains(ec2Params[action], top) {
			continue
		}
		// UNCONFIRMED: the message wording; the code is EC2's documented UnknownParameter.
		return newError(0, "UnknownParameter", "The parameter %s is not recognized", clip(key, 64))
	}
	return nil
}

// ec2State is the EC2 model: gateways and VPN connections of the sandbox's one Region.
type ec2State struct {
	cgws     map[string]*customerGateway
	cgwOrder []string
	vgws     map[string]*vpnGateway
	vgwOrder []string
	tgws     map[string]bool
	vpns     map[string]*vpnConnection
	vpnOrder []string
	usedIPs  map[string]bool // AWS outside addresses ever handed out: never reused
	ids      map[string]bool
	// pinned are values the next allocations of a kind (an id prefix, pinOutsideIP, pinInsideCIDR) take
	// before drawing from the seeded source: how the demo fleet gets its documented ids and addresses
	// whatever the seed (see seedDemo).
	pinned map[string][]string
}

// Kinds of pinned values besides id prefixes.
const (
	pinOutsideIP  = "outside-ip"
	pinInsideCIDR = "inside-cidr"
)

func newEC2State() *ec2State {
	return &ec2State{
		cgws: map[string]*customerGateway{}, vgws: map[string]*vpnGateway{}, tgws: map[string]bool{},
		vpns: map[string]*vpnConnection{}, usedIPs: map[string]bool{}, ids: map[string]bool{}, pinned: map[string][]string{},
	}
}

// takePinned removes and returns the next pinned value of kind, if any. Caller holds s.mu.
func (s *Server) takePinned(kind string) (string, bool) {
	q := s.ec2.pinned[kind]
	if len(q) == 0 {
		return "", false
	}
	s.ec2.pinned[kind] = q[1:]
	return q[0], true
}

// newID returns a fresh resource id such as vpn-0a1b2c3d4e5f67890 (17 hex digits): the next pinned id
// of the prefix if there is one and it is free, else a seeded random one. Caller holds s.mu.
func (s *Server) newID(prefix string) string {
	if id, ok := s.takePinned(prefix); ok && !s.ec2.ids[id] {
		s.ec2.ids[id] = true
		return id
	}
	for {
		id := fmt.Sprintf("%s-0%016x", prefix, s.rnd.Uint64())
		if !s.ec2.ids[id] {
			s.ec2.ids[id] = true
			return id
		}
	}
}

// serveEC2 applies DryRun and runs the action.
func (s *Server) serveEC2(caller principal, req *awsRequest, requestID string) (*response, *apiError) {
	h := ec2Actions[req.action]
	if e := checkEC2Params(req.action, req.params); e != nil {
		return nil, e
	}
	dry, err := req.params.boolean("DryRun")
	if err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	}
	if dry != nil && *dry {
		// Permissions were checked before: a denied caller got UnauthorizedOperation.
		return nil, newError(http.StatusPreconditionFailed, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	payload, e := h(s, caller, req.params)
	if e != nil {
		return nil, e
	}
	return ec2Response(req.action, requestID, payload), nil
}
