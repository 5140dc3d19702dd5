package ec2

import (
	"encoding/xml"
	"strconv"
	"time"
)

// EC2 XML shapes. Element names follow aws-sdk-go-v2 service/ec2 deserializers.go (the SDK matches
// them case-insensitively; AWS spells them as here). Lists are <item> elements.

// xList is an EC2 list: <name><item>…</item>…</name>.
type xList[T any] struct {
	Items []T `xml:"item"`
}

// xValue is an item of the tunnel option sets: <item><value>…</value></item>.
type xValue struct {
	Value string `xml:"value"`
}

func values(vs []string) xList[xValue] {
	out := xList[xValue]{}
	for _, v := range vs {
		out.Items = append(out.Items, xValue{Value: v})
	}
	return out
}

type xTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func xTags(t TagMap) *xList[xTag] {
	if len(t) == 0 {
		return nil
	}
	out := &xList[xTag]{}
	for _, tg := range t.sorted() {
		out.Items = append(out.Items, xTag{Key: tg.Key, Value: tg.Value})
	}
	return out
}

// ec2Time formats a timestamp like EC2 does (ISO 8601, milliseconds, UTC).
func ec2Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

type xCustomerGateway struct {
	CustomerGatewayID string       `xml:"customerGatewayId"`
	State             string       `xml:"state"`
	Type              string       `xml:"type"`
	IPAddress         string       `xml:"ipAddress,omitempty"`
	BGPASN            string       `xml:"bgpAsn"`
	BGPASNExtended    string       `xml:"bgpAsnExtended,omitempty"`
	CertificateARN    string       `xml:"certificateArn,omitempty"`
	DeviceName        string       `xml:"deviceName,omitempty"`
	TagSet            *xList[xTag] `xml:"tagSet,omitempty"`
}

func (s *Service) xCustomerGateway(g *CustomerGateway) xCustomerGateway {
	x := xCustomerGateway{
		CustomerGatewayID: g.ID, State: g.State, Type: g.Type, IPAddress: g.IPAddress,
		BGPASN: strconv.FormatInt(g.BGPASN, 10), CertificateARN: g.CertificateARN, DeviceName: g.DeviceName, TagSet: xTags(g.Tags),
	}
	if g.BGPASN > 2147483647 {
		x.BGPASNExtended = x.BGPASN
	}
	return x
}

type xVpnGateway struct {
	VpnGatewayID     string                `xml:"vpnGatewayId"`
	State            string                `xml:"state"`
	Type             string                `xml:"type"`
	AvailabilityZone string                `xml:"availabilityZone,omitempty"`
	Attachments      xList[xVpcAttachment] `xml:"attachments"`
	AmazonSideASN    int64                 `xml:"amazonSideAsn"`
	TagSet           *xList[xTag]          `xml:"tagSet,omitempty"`
}

type xVpcAttachment struct {
	VpcID string `xml:"vpcId"`
	State string `xml:"state"`
}

func xVpnGatewayOf(g *VpnGateway) xVpnGateway {
	return xVpnGateway{VpnGatewayID: g.ID, State: g.State, Type: g.Type, AvailabilityZone: g.AvailabilityZone, AmazonSideASN: g.AmazonSideASN, TagSet: xTags(g.Tags)}
}

type xVpnConnection struct {
	VpnConnectionID              string            `xml:"vpnConnectionId"`
	State                        string            `xml:"state"`
	CustomerGatewayConfiguration string            `xml:"customerGatewayConfiguration,omitempty"`
	Type                         string            `xml:"type"`
	CustomerGatewayID            string            `xml:"customerGatewayId"`
	VpnGatewayID                 string            `xml:"vpnGatewayId,omitempty"`
	TransitGatewayID             string            `xml:"transitGatewayId,omitempty"`
	Category                     string            `xml:"category"`
	GatewayAssociationState      string            `xml:"gatewayAssociationState"`
	Options                      xVpnOptions       `xml:"options"`
	Routes                       xList[xRoute]     `xml:"routes"`
	VgwTelemetry                 xList[xTelemetry] `xml:"vgwTelemetry"`
	TagSet                       *xList[xTag]      `xml:"tagSet,omitempty"`
}

type xVpnOptions struct {
	EnableAcceleration    bool                 `xml:"enableAcceleration"`
	StaticRoutesOnly      bool                 `xml:"staticRoutesOnly"`
	LocalIPv4NetworkCIDR  string               `xml:"localIpv4NetworkCidr"`
	RemoteIPv4NetworkCIDR string               `xml:"remoteIpv4NetworkCidr"`
	OutsideIPAddressType  string               `xml:"outsideIpAddressType"`
	TunnelInsideIPVersion string               `xml:"tunnelInsideIpVersion"`
	TunnelBandwidth       string               `xml:"tunnelBandwidth"`
	TunnelOptionSet       xList[xTunnelOption] `xml:"tunnelOptionSet"`
}

type xTunnelOption struct {
	OutsideIPAddress             string          `xml:"outsideIpAddress"`
	TunnelInsideCIDR             string          `xml:"tunnelInsideCidr"`
	TunnelInsideIPv6CIDR         string          `xml:"tunnelInsideIpv6Cidr,omitempty"`
	PreSharedKey                 string          `xml:"preSharedKey"`
	Phase1LifetimeSeconds        int64           `xml:"phase1LifetimeSeconds"`
	Phase2LifetimeSeconds        int64           `xml:"phase2LifetimeSeconds"`
	RekeyMarginTimeSeconds       int64           `xml:"rekeyMarginTimeSeconds"`
	RekeyFuzzPercentage          int64           `xml:"rekeyFuzzPercentage"`
	ReplayWindowSize             int64           `xml:"replayWindowSize"`
	DPDTimeoutSeconds            int64           `xml:"dpdTimeoutSeconds"`
	DPDTimeoutAction             string          `xml:"dpdTimeoutAction"`
	Phase1EncryptionAlgorithmSet xList[xValue]   `xml:"phase1EncryptionAlgorithmSet"`
	Phase2EncryptionAlgorithmSet xList[xValue]   `xml:"phase2EncryptionAlgorithmSet"`
	Phase1IntegrityAlgorithmSet  xList[xValue]   `xml:"phase1IntegrityAlgorithmSet"`
	Phase2IntegrityAlgorithmSet  xList[xValue]   `xml:"phase2IntegrityAlgorithmSet"`
	Phase1DHGroupNumberSet       xList[xValue]   `xml:"phase1DHGroupNumberSet"`
	Phase2DHGroupNumberSet       xList[xValue]   `xml:"phase2DHGroupNumberSet"`
	IKEVersionSet                xList[xValue]   `xml:"ikeVersionSet"`
	StartupAction                string          `xml:"startupAction"`
	LogOptions                   xCloudWatchLogs `xml:"logOptions>cloudWatchLogOptions"`
	EnableTunnelLifecycleControl bool            `xml:"enableTunnelLifecycleControl"`
}

// xCloudWatchLogs: a disabled log returns only its *Enabled=false element.
//
// UNCONFIRMED: presence rules when disabled (docs/design/aws-behaviour.md §2.1/§8 item 5): Terraform's tests expect
// logEnabled=false to be returned; ARN and format are omitted because Terraform sends "no ARN or
// format if not enabled" and the reconstructed sample shows none.
type xCloudWatchLogs struct {
	LogEnabled         bool   `xml:"logEnabled"`
	LogGroupARN        string `xml:"logGroupArn,omitempty"`
	LogOutputFormat    string `xml:"logOutputFormat,omitempty"`
	BGPLogEnabled      bool   `xml:"bgpLogEnabled"`
	BGPLogGroupARN     string `xml:"bgpLogGroupArn,omitempty"`
	BGPLogOutputFormat string `xml:"bgpLogOutputFormat,omitempty"`
}

type xRoute struct {
	DestinationCIDRBlock string `xml:"destinationCidrBlock"`
	Source               string `xml:"source"`
	State                string `xml:"state"`
}

type xTelemetry struct {
	OutsideIPAddress   string `xml:"outsideIpAddress"`
	Status             string `xml:"status"`
	LastStatusChange   string `xml:"lastStatusChange"`
	StatusMessage      string `xml:"statusMessage"`
	AcceptedRouteCount int    `xml:"acceptedRouteCount"`
}

func xTunnel(t *Tunnel) xTunnelOption {
	return xTunnelOption{
		OutsideIPAddress: t.OutsideIP, TunnelInsideCIDR: t.InsideCIDR, TunnelInsideIPv6CIDR: t.InsideIPv6CIDR,
		PreSharedKey: t.PreSharedKey, Phase1LifetimeSeconds: t.Phase1Lifetime, Phase2LifetimeSeconds: t.Phase2Lifetime,
		RekeyMarginTimeSeconds: t.RekeyMargin, RekeyFuzzPercentage: t.RekeyFuzz, ReplayWindowSize: t.ReplayWindow,
		DPDTimeoutSeconds: t.DPDTimeoutSeconds, DPDTimeoutAction: t.DPDTimeoutAction,
		Phase1EncryptionAlgorithmSet: values(t.Phase1Encryption), Phase2EncryptionAlgorithmSet: values(t.Phase2Encryption),
		Phase1IntegrityAlgorithmSet: values(t.Phase1Integrity), Phase2IntegrityAlgorithmSet: values(t.Phase2Integrity),
		Phase1DHGroupNumberSet: values(t.Phase1DHGroups), Phase2DHGroupNumberSet: values(t.Phase2DHGroups),
		IKEVersionSet: values(t.IKEVersions), StartupAction: t.StartupAction,
		LogOptions: xCloudWatchLogs{
			LogEnabled: t.Log.Enabled, LogGroupARN: t.Log.GroupARN, LogOutputFormat: t.Log.Format,
			BGPLogEnabled: t.Log.BGPEnabled, BGPLogGroupARN: t.Log.BGPGroupARN, BGPLogOutputFormat: t.Log.BGPFormat,
		},
		EnableTunnelLifecycleControl: t.EnableLifecycle,
	}
}

// xVpnConnection renders a connection at now. With Reversed set, tunnelOptionSet comes in reverse
// order while vgwTelemetry keeps the original one — code that pairs them by position breaks.
func (s *Service) xVpnConnection(c *Connection, now time.Time) xVpnConnection {
	st := c.State(now)
	x := xVpnConnection{
		VpnConnectionID: c.ID, State: st, Type: c.Type, CustomerGatewayID: c.CustomerGatewayID,
		VpnGatewayID: c.VpnGatewayID, TransitGatewayID: c.TransitGatewayID, Category: "VPN",
		GatewayAssociationState: "associated",
		Options: xVpnOptions{
			EnableAcceleration: c.EnableAcceleration, StaticRoutesOnly: c.StaticRoutesOnly,
			LocalIPv4NetworkCIDR: c.LocalIPv4CIDR, RemoteIPv4NetworkCIDR: c.RemoteIPv4CIDR,
			OutsideIPAddressType: c.OutsideIPType, TunnelInsideIPVersion: c.TunnelInsideIPVersion, TunnelBandwidth: c.TunnelBandwidth,
		},
		TagSet: xTags(c.Tags),
	}
	if st == "deleting" || st == "deleted" {
		x.GatewayAssociationState = "not-associated"
	}
	// "present in the DescribeVpnConnections response only if the VPN connection is in the pending
	// or available state" (EC2 API reference).
	// UNCONFIRMED: whether it is present while "modifying"; the sandbox includes it.
	if st == "pending" || st == "available" || st == "modifying" {
		x.CustomerGatewayConfiguration = s.customerGatewayConfiguration(c)
	}
	n := len(c.Tunnels)
	for i := range c.Tunnels {
		t := c.Tunnels[i]
		if c.Reversed {
			t = c.Tunnels[n-1-i]
		}
		x.Options.TunnelOptionSet.Items = append(x.Options.TunnelOptionSet.Items, xTunnel(t))
	}
	for _, t := range c.Tunnels {
		x.VgwTelemetry.Items = append(x.VgwTelemetry.Items, s.telemetry(c, t, st))
	}
	return x
}

// telemetry is a tunnel's vgwTelemetry, derived from its status (Options.Status).
//
// UNCONFIRMED: the statusMessage variants beyond the observed "IPSEC IS UP", "IPSEC IS DOWN" and
// "N BGP ROUTES", and that a tunnel being modified keeps reporting its previous status.
func (s *Service) telemetry(c *Connection, t *Tunnel, st string) xTelemetry {
	x := xTelemetry{OutsideIPAddress: t.OutsideIP, Status: "DOWN", StatusMessage: "IPSEC IS DOWN", LastStatusChange: ec2Time(c.Created)}
	if st != "available" && st != "modifying" {
		return x
	}
	x.LastStatusChange = ec2Time(c.lastStatusChange())
	var ts TunnelStatus
	if s.opts.Status != nil {
		ts = s.opts.Status(c, t)
	}
	switch {
	case !ts.IPsecUp:
	case c.StaticRoutesOnly:
		x.Status, x.StatusMessage = "UP", "IPSEC IS UP"
	case ts.BGPUp:
		x.Status, x.AcceptedRouteCount = "UP", ts.AcceptedRoutes
		x.StatusMessage = strconv.Itoa(ts.AcceptedRoutes) + " BGP ROUTES"
	default:
		// IPsec up but BGP down: AWS reports a BGP VPN tunnel as DOWN (TunnelState "1 indicates
		// ESTABLISHED and 0 is used for all other states").
		x.StatusMessage = "IPSEC IS UP"
	}
	return x
}

// Response shapes.

type createCustomerGatewayResponse struct {
	RequestID       string           `xml:"requestId"`
	CustomerGateway xCustomerGateway `xml:"customerGateway"`
}

type describeCustomerGatewaysResponse struct {
	RequestID        string                  `xml:"requestId"`
	CustomerGateways xList[xCustomerGateway] `xml:"customerGatewaySet"`
}

type createVpnGatewayResponse struct {
	RequestID  string      `xml:"requestId"`
	VpnGateway xVpnGateway `xml:"vpnGateway"`
}

type describeVpnGatewaysResponse struct {
	RequestID   string             `xml:"requestId"`
	VpnGateways xList[xVpnGateway] `xml:"vpnGatewaySet"`
}

// vpnConnectionResponse serves CreateVpnConnection and ModifyVpnTunnelOptions.
type vpnConnectionResponse struct {
	RequestID     string         `xml:"requestId"`
	VpnConnection xVpnConnection `xml:"vpnConnection"`
}

type describeVpnConnectionsResponse struct {
	RequestID      string                `xml:"requestId"`
	VpnConnections xList[xVpnConnection] `xml:"vpnConnectionSet"`
}

// Customer gateway configuration: the device configuration document AWS generates (its generic
// XML form), with the pre-shared keys in clear text — which is why the product must never log it.

type cgwConfig struct {
	XMLName xml.Name          `xml:"vpn_connection"`
	ID      string            `xml:"id,attr"`
	CGWID   string            `xml:"customer_gateway_id"`
	VGWID   string            `xml:"vpn_gateway_id"`
	Type    string            `xml:"vpn_connection_type"`
	Tunnels []cgwConfigTunnel `xml:"ipsec_tunnel"`
}

type cgwConfigTunnel struct {
	CustomerGateway cgwConfigEnd   `xml:"customer_gateway"`
	VpnGateway      cgwConfigEnd   `xml:"vpn_gateway"`
	IKE             cgwConfigIKE   `xml:"ike"`
	IPSec           cgwConfigIPSec `xml:"ipsec"`
}

type cgwConfigEnd struct {
	OutsideAddress string        `xml:"tunnel_outside_address>ip_address"`
	InsideAddress  string        `xml:"tunnel_inside_address>ip_address"`
	InsideMask     string        `xml:"tunnel_inside_address>network_mask"`
	InsideCIDR     int           `xml:"tunnel_inside_address>network_cidr"`
	BGP            *cgwConfigBGP `xml:"bgp,omitempty"`
}

type cgwConfigBGP struct {
	ASN      int64 `xml:"asn"`
	HoldTime int   `xml:"hold_time"`
}

type cgwConfigIKE struct {
	Authentication string `xml:"authentication_protocol"`
	Encryption     string `xml:"encryption_protocol"`
	Lifetime       int64  `xml:"lifetime"`
	PFS            string `xml:"perfect_forward_secrecy"`
	Mode           string `xml:"mode"`
	PreSharedKey   string `xml:"pre_shared_key"`
}

type cgwConfigIPSec struct {
	Protocol       string `xml:"protocol"`
	Authentication string `xml:"authentication_protocol"`
	Encryption     string `xml:"encryption_protocol"`
	Lifetime       int64  `xml:"lifetime"`
	PFS            string `xml:"perfect_forward_secrecy"`
	Mode           string `xml:"mode"`
	ClearDFBit     bool   `xml:"clear_df_bit"`
	FragmentBefore bool   `xml:"fragmentation_before_encryption"`
	TCPMSS         int    `xml:"tcp_mss_adjustment"`
	DPDDelay       int    `xml:"dead_peer_detection>delay"`
	DPDRetries     int    `xml:"dead_peer_detection>retries"`
}

func (s *Service) customerGatewayConfiguration(c *Connection) string {
	doc := cgwConfig{ID: c.ID, CGWID: c.CustomerGatewayID, VGWID: c.VpnGatewayID, Type: c.Type}
	cgw := s.cgws[c.CustomerGatewayID]
	var cgwIP string
	var cgwASN int64
	if cgw != nil {
		cgwIP, cgwASN = cgw.IPAddress, cgw.BGPASN
	}
	var awsASN int64 = 64512
	if g := s.vgws[c.VpnGatewayID]; g != nil {
		awsASN = g.AmazonSideASN
	}
	for _, t := range c.Tunnels {
		awsInside, cgwInside := t.InsideIPs()
		ct := cgwConfigTunnel{
			CustomerGateway: cgwConfigEnd{OutsideAddress: cgwIP, InsideAddress: cgwInside, InsideMask: "255.255.255.252", InsideCIDR: 30},
			VpnGateway:      cgwConfigEnd{OutsideAddress: t.OutsideIP, InsideAddress: awsInside, InsideMask: "255.255.255.252", InsideCIDR: 30},
			IKE: cgwConfigIKE{Authentication: "sha1", Encryption: "aes-128-cbc", Lifetime: t.Phase1Lifetime,
				PFS: "group2", Mode: "main", PreSharedKey: t.PreSharedKey},
			IPSec: cgwConfigIPSec{Protocol: "esp", Authentication: "hmac-sha1-96", Encryption: "aes-128-cbc",
				Lifetime: t.Phase2Lifetime, PFS: "group2", Mode: "tunnel", ClearDFBit: true, FragmentBefore: true,
				TCPMSS: 1379, DPDDelay: 10, DPDRetries: 3},
		}
		if !c.StaticRoutesOnly {
			ct.CustomerGateway.BGP = &cgwConfigBGP{ASN: cgwASN, HoldTime: 30}
			ct.VpnGateway.BGP = &cgwConfigBGP{ASN: awsASN, HoldTime: 30}
		}
		doc.Tunnels = append(doc.Tunnels, ct)
	}
	out, err := xml.Marshal(doc)
	if err != nil {
		panic("sandbox: customer gateway configuration: " + err.Error())
	}
	return xml.Header + string(out)
}
