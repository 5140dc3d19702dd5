// Package ec2 is the sandbox's model of the Amazon EC2 API for Site-to-Site VPN (2016-11-15, EC2 query protocol):
// customer gateways, virtual private gateways, transit gateways as far as connections attach to them, VPN
// connections and their tunnels' options, tags, filters, the connection lifecycle (pending → available, modifying →
// available, deleting → deleted → gone), the Site-to-Site VPN quotas, and the side effect that matters most to the
// product: enabling a tunnel log sets up delivery to CloudWatch Logs (cwlogs.EnableDelivery), all or nothing.
//
// What the tunnels' logs say, and their vgwTelemetry, come from the sandbox core (its scenarios) through
// Options.Status; the core also writes the log traffic into the delivery targets this package keeps per tunnel.
//
// A Service is not safe for concurrent use: the sandbox calls it under its one lock. Like the rest of the sandbox it
// imports no package of the product; AWS behaviour it relies on is recorded in docs/design/aws-behaviour.md, and
// where AWS does not document it a comment starting "UNCONFIRMED:" states the choice made.
package ec2

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// Options configure a Service. Every field is required but Quotas and Status.
type Options struct {
	Now  func() time.Time // clock
	Rand *rand.Rand       // the sandbox's seeded source: ids and addresses

	// PendingDelay is how long a new connection stays "pending", and a deleted one "deleting"; ModifyDelay how long
	// a connection stays "modifying" after ModifyVpnTunnelOptions.
	PendingDelay, ModifyDelay time.Duration

	// Quotas overrides DefaultQuotas, by name.
	Quotas map[string]int

	// Logs is the CloudWatch Logs that tunnel logs are delivered to.
	Logs *cwlogs.Service
	// Allowed reports whether the IAM principal policyARN may perform action ("service:Action"): enabling a tunnel
	// log asks it about logs:CreateLogDelivery.
	Allowed func(policyARN, action string) bool
	// Status is the state of a tunnel's IPsec and BGP sessions, for vgwTelemetry; nil: every tunnel is down.
	Status func(c *Connection, t *Tunnel) TunnelStatus
}

// TunnelStatus is what vgwTelemetry reports of a tunnel that is up to date (its connection available).
type TunnelStatus struct {
	IPsecUp, BGPUp bool
	AcceptedRoutes int
}

// Service is the EC2 model of the sandbox's one account and Region.
type Service struct {
	opts     Options
	cgws     map[string]*CustomerGateway
	cgwOrder []string
	vgws     map[string]*VpnGateway
	vgwOrder []string
	tgws     map[string]bool
	vpns     map[string]*Connection
	vpnOrder []string
	usedIPs  map[string]bool // AWS outside addresses ever handed out: never reused
	ids      map[string]bool
	// pinned are values the next allocations of a kind (an id prefix, PinOutsideIP, PinInsideCIDR) take
	// before drawing from the seeded source: how the demo fleet gets its documented ids and addresses
	// whatever the seed (see Pin).
	pinned map[string][]string
}

// New returns an empty EC2 model.
func New(opts Options) *Service {
	return &Service{
		opts: opts,
		cgws: map[string]*CustomerGateway{}, vgws: map[string]*VpnGateway{}, tgws: map[string]bool{},
		vpns: map[string]*Connection{}, usedIPs: map[string]bool{}, ids: map[string]bool{}, pinned: map[string][]string{},
	}
}

func (s *Service) now() time.Time { return s.opts.Now() }

// handler serves one EC2 action, after the permission check and DryRun. caller is the ARN of the IAM principal whose
// policies apply.
type handler func(s *Service, caller string, p awsapi.Params) (any, *awsapi.Error)

// handlers are the emulated EC2 actions.
var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"CreateCustomerGateway":    (*Service).createCustomerGateway,
		"DescribeCustomerGateways": (*Service).describeCustomerGateways,
		"CreateVpnGateway":         (*Service).createVpnGateway,
		"DescribeVpnGateways":      (*Service).describeVpnGateways,
		"CreateVpnConnection":      (*Service).createVpnConnection,
		"DescribeVpnConnections":   (*Service).describeVpnConnections,
		"DeleteVpnConnection":      (*Service).deleteVpnConnection,
		"ModifyVpnTunnelOptions":   (*Service).modifyVpnTunnelOptions,
		"CreateTags":               (*Service).createTags,
		"DeleteTags":               (*Service).deleteTags,
	}
}

// HasAction reports whether the sandbox emulates the EC2 action.
func HasAction(action string) bool { return handlers[action] != nil }

// actionParams are the top-level request parameters of each action (the part of a key before its first "."), as
// aws-sdk-go-v2's EC2 serializers and botocore's model name them. EC2 refuses any other with UnknownParameter; in
// particular none of the Describe actions emulated here pages, so MaxResults and NextToken are unknown to them.
var actionParams = map[string][]string{
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

// checkParams refuses parameters the action does not have, as EC2 does. Action, Version, DryRun and the
// SigV4 query parameters of presigned requests (X-Amz-*) belong to every request.
func checkParams(action string, p awsapi.Params) *awsapi.Error {
	for key := range p {
		top, _, _ := strings.Cut(key, ".")
		if top == "Action" || top == "Version" || top == "DryRun" || strings.HasPrefix(top, "X-Amz-") || slices.Contains(actionParams[action], top) {
			continue
		}
		// UNCONFIRMED: the message wording; the code is EC2's documented UnknownParameter.
		return awsapi.NewError(0, CodeUnknownParameter, "The parameter %s is not recognized", awsapi.Clip(key, 64))
	}
	return nil
}

// Serve runs an action HasAction knows for the IAM principal caller (an ARN), whose permission to call it was
// checked: its parameters, DryRun, then the action.
func (s *Service) Serve(caller, action string, p awsapi.Params, requestID string) (*awsapi.Response, *awsapi.Error) {
	h := handlers[action]
	if e := checkParams(action, p); e != nil {
		return nil, e
	}
	dry, err := p.Boolean("DryRun")
	if err != nil {
		return nil, errInvalidParameterValue("%s", err.Error())
	}
	if dry != nil && *dry {
		// Permissions were checked before: a denied caller got UnauthorizedOperation.
		return nil, awsapi.NewError(http.StatusPreconditionFailed, CodeDryRunOperation, "Request would have succeeded, but DryRun flag is set.")
	}
	payload, e := h(s, caller, p)
	if e != nil {
		return nil, e
	}
	return response(action, requestID, payload), nil
}

// Kinds of pinned values besides id prefixes.
const (
	PinOutsideIP  = "outside-ip"
	PinInsideCIDR = "inside-cidr"
)

// Pin replaces the pinned values: the next allocations of each kind (an id prefix such as "vpn", PinOutsideIP,
// PinInsideCIDR) take them, in order, while they are free, before drawing from the seeded source. Pin(nil) clears
// them.
func (s *Service) Pin(values map[string][]string) {
	s.pinned = map[string][]string{}
	for k, v := range values {
		s.pinned[k] = slices.Clone(v)
	}
}

// takePinned removes and returns the next pinned value of kind, if any.
func (s *Service) takePinned(kind string) (string, bool) {
	q := s.pinned[kind]
	if len(q) == 0 {
		return "", false
	}
	s.pinned[kind] = q[1:]
	return q[0], true
}

// newID returns a fresh resource id such as vpn-0a1b2c3d4e5f67890 (17 hex digits): the next pinned id
// of the prefix if there is one and it is free, else a seeded random one.
func (s *Service) newID(prefix string) string {
	if id, ok := s.takePinned(prefix); ok && !s.ids[id] {
		s.ids[id] = true
		return id
	}
	for {
		id := fmt.Sprintf("%s-0%016x", prefix, s.opts.Rand.Uint64())
		if !s.ids[id] {
			s.ids[id] = true
			return id
		}
	}
}
