package sandbox_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

func TestCustomerAndVpnGateways(t *testing.T) {
	e := start(t, fastTestOptions())
	cgw := must[*ec2.CreateCustomerGatewayOutput](t)(e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
		Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.1"), BgpAsn: aws.Int32(65001),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeCustomerGateway, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("hq")}}}},
	}))
	g := cgw.CustomerGateway
	if !strings.HasPrefix(*g.CustomerGatewayId, "cgw-") || *g.State != "available" || *g.BgpAsn != "65001" || *g.IpAddress != "198.51.100.1" {
		t.Fatalf("customer gateway: %+v", g)
	}
	// Same type, IP and ASN: AWS returns the existing gateway.
	again := must[*ec2.CreateCustomerGatewayOutput](t)(e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
		Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.1"), BgpAsn: aws.Int32(65001),
	}))
	if *again.CustomerGateway.CustomerGatewayId != *g.CustomerGatewayId {
		t.Fatalf("idempotent create returned %s, want %s", *again.CustomerGateway.CustomerGatewayId, *g.CustomerGatewayId)
	}
	must[*ec2.CreateCustomerGatewayOutput](t)(e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
		Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("198.51.100.2"),
	}))
	byTag := must[*ec2.DescribeCustomerGatewaysOutput](t)(e.ec2.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{
		Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{"h*"}}},
	}))
	if len(byTag.CustomerGateways) != 1 || *byTag.CustomerGateways[0].CustomerGatewayId != *g.CustomerGatewayId {
		t.Fatalf("tag filter: %+v", byTag.CustomerGateways)
	}
	all := must[*ec2.DescribeCustomerGatewaysOutput](t)(e.ec2.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{}))
	if len(all.CustomerGateways) != 2 || *all.CustomerGateways[1].BgpAsn != "65000" {
		t.Fatalf("all gateways (default ASN 65000): %+v", all.CustomerGateways)
	}
	_, err := e.ec2.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{CustomerGatewayIds: []string{"cgw-0000000000000dead"}})
	wantCode(t, err, "InvalidCustomerGatewayID.NotFound")
	if !strings.Contains(err.Error(), "cgw-0000000000000dead") {
		t.Errorf("not-found message does not name the id: %v", err)
	}
	_, err = e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{Type: "ipsec.2", IpAddress: aws.String("198.51.100.3")})
	wantCode(t, err, "InvalidParameterValue")
	_, err = e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String("not-an-ip")})
	wantCode(t, err, "InvalidParameterValue")

	vgw := must[*ec2.CreateVpnGatewayOutput](t)(e.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1, AmazonSideAsn: aws.Int64(64600)}))
	if *vgw.VpnGateway.AmazonSideAsn != 64600 || vgw.VpnGateway.State != ec2types.VpnStateAvailable {
		t.Fatalf("vpn gateway: %+v", vgw.VpnGateway)
	}
	vgws := must[*ec2.DescribeVpnGatewaysOutput](t)(e.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{
		Filters: []ec2types.Filter{{Name: aws.String("amazon-side-asn"), Values: []string{"64600"}}},
	}))
	if len(vgws.VpnGateways) != 1 {
		t.Fatalf("vgw filter: %+v", vgws.VpnGateways)
	}
	_, err = e.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{VpnGatewayIds: []string{"vgw-0000000000000dead"}})
	wantCode(t, err, "InvalidVpnGatewayID.NotFound")
	_, err = e.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1, AmazonSideAsn: aws.Int64(100)})
	wantCode(t, err, "InvalidParameterValue")
	for range 4 { // quota: 5 virtual private gateways per Region
		must[*ec2.CreateVpnGatewayOutput](t)(e.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1}))
	}
	_, err = e.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1})
	wantCode(t, err, "VpnGatewayLimitExceeded")
}

func TestCreateVpnConnection(t *testing.T) {
	e := start(t, fastTestOptions())
	cgw, vgw := e.gateways(t, "198.51.100.7")
	out := must[*ec2.CreateVpnConnectionOutput](t)(e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: &vgw,
		Options: &ec2types.VpnConnectionOptionsSpecification{
			TunnelOptions: []ec2types.VpnTunnelOptionsSpecification{{TunnelInsideCidr: aws.String("169.254.44.0/30"), DPDTimeoutSeconds: aws.Int32(60)}},
		},
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpnConnection, Tags: []ec2types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}},
	}))
	c := out.VpnConnection
	if c.State != ec2types.VpnStatePending {
		t.Fatalf("new connection state %s, want pending", c.State)
	}
	if len(c.Options.TunnelOptions) != 2 || len(c.VgwTelemetry) != 2 {
		t.Fatalf("want 2 tunnels and 2 telemetry items: %+v", c.Options)
	}
	t1, t2 := c.Options.TunnelOptions[0], c.Options.TunnelOptions[1]
	if *t1.OutsideIpAddress == *t2.OutsideIpAddress {
		t.Fatal("tunnels share an outside IP")
	}
	if *t1.TunnelInsideCidr != "169.254.44.0/30" || *t1.DpdTimeoutSeconds != 60 {
		t.Errorf("sent tunnel options not honoured: %s %d", *t1.TunnelInsideCidr, *t1.DpdTimeoutSeconds)
	}
	for _, to := range c.Options.TunnelOptions {
		pfx := netip.MustParsePrefix(*to.TunnelInsideCidr)
		if pfx.Bits() != 30 || !netip.MustParsePrefix("169.254.0.0/16").Contains(pfx.Addr()) {
			t.Errorf("inside CIDR %s", pfx)
		}
		psk := aws.ToString(to.PreSharedKey)
		if len(psk) != 32 || strings.Trim(psk, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._") != "" || psk[0] == '0' {
			t.Errorf("pre-shared key %q does not look like AWS's", psk)
		}
		if !strings.Contains(*c.CustomerGatewayConfiguration, psk) {
			t.Error("customer gateway configuration does not embed the pre-shared key")
		}
		if *to.Phase1LifetimeSeconds != 28800 || *to.Phase2LifetimeSeconds != 3600 || *to.RekeyMarginTimeSeconds != 270 ||
			*to.RekeyFuzzPercentage != 100 || *to.ReplayWindowSize != 1024 || *to.StartupAction != "add" || len(to.IkeVersions) != 2 ||
			len(to.Phase1EncryptionAlgorithms) != 4 || len(to.Phase2DHGroupNumbers) != 13 {
			t.Errorf("defaults: %+v", to)
		}
		if to.LogOptions == nil || to.LogOptions.CloudWatchLogOptions == nil || aws.ToBool(to.LogOptions.CloudWatchLogOptions.LogEnabled) ||
			to.LogOptions.CloudWatchLogOptions.LogGroupArn != nil || to.LogOptions.CloudWatchLogOptions.LogOutputFormat != nil {
			t.Errorf("disabled log options: %+v", to.LogOptions)
		}
	}
	if *t2.DpdTimeoutSeconds != 40 {
		t.Errorf("second tunnel DPD %d, want default 40", *t2.DpdTimeoutSeconds)
	}
	if len(c.Tags) != 1 || *c.Tags[0].Key != "env" {
		t.Errorf("tags: %+v", c.Tags)
	}
	avail := e.waitAvailable(t, *c.VpnConnectionId)
	if avail.VgwTelemetry[0].Status != ec2types.TelemetryStatusUp || *avail.VgwTelemetry[0].StatusMessage != "2 BGP ROUTES" {
		t.Errorf("telemetry of a healthy tunnel: %+v", avail.VgwTelemetry[0])
	}

	// The gateway's inside CIDRs are in use; the gateways must exist.
	_, err := e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: &vgw,
		Options: &ec2types.VpnConnectionOptionsSpecification{TunnelOptions: []ec2types.VpnTunnelOptionsSpecification{{TunnelInsideCidr: aws.String("169.254.44.0/30")}}},
	})
	wantCode(t, err, "InvalidCidr.InUse")
	_, err = e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{Type: aws.String("ipsec.1"), CustomerGatewayId: aws.String("cgw-0000000000000dead"), VpnGatewayId: &vgw})
	wantCode(t, err, "InvalidCustomerGatewayID.NotFound")
	_, err = e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: aws.String("vgw-0000000000000dead")})
	wantCode(t, err, "InvalidVpnGatewayID.NotFound")
	_, err = e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, TransitGatewayId: aws.String("tgw-0000000000000dead")})
	wantCode(t, err, "InvalidTransitGatewayID.NotFound")
	tgw := e.srv.AddTransitGateway()
	viaTGW := must[*ec2.CreateVpnConnectionOutput](t)(e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, TransitGatewayId: &tgw}))
	if *viaTGW.VpnConnection.TransitGatewayId != tgw {
		t.Errorf("transit gateway id %v", viaTGW.VpnConnection.TransitGatewayId)
	}
	_, err = e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: &vgw,
		Options: &ec2types.VpnConnectionOptionsSpecification{TunnelOptions: []ec2types.VpnTunnelOptionsSpecification{{PreSharedKey: aws.String("0short")}}},
	})
	wantCode(t, err, "InvalidParameterValue")
	if strings.Contains(err.Error(), "0short") {
		t.Error("an invalid pre-shared key is echoed in the error")
	}

	// Outside IPs are never reused, across connections.
	seen := map[string]bool{}
	for range 3 {
		c := e.vpn(t, nil)
		for _, to := range c.Options.TunnelOptions {
			if seen[*to.OutsideIpAddress] {
				t.Fatalf("outside IP %s reused", *to.OutsideIpAddress)
			}
			seen[*to.OutsideIpAddress] = true
		}
	}
}

func TestDescribeVpnConnectionsFilters(t *testing.T) {
	e := start(t, fastTestOptions())
	a := e.vpn(t, map[string]string{"env": "prod", "Name": "a"})
	b := e.vpn(t, map[string]string{"env": "dev"})
	ids := func(f ...ec2types.Filter) []string {
		t.Helper()
		out := must[*ec2.DescribeVpnConnectionsOutput](t)(e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{Filters: f}))
		var ids []string
		for _, c := range out.VpnConnections {
			ids = append(ids, *c.VpnConnectionId)
		}
		return ids
	}
	f := func(name string, vals ...string) ec2types.Filter {
		return ec2types.Filter{Name: aws.String(name), Values: vals}
	}
	A, B := *a.VpnConnectionId, *b.VpnConnectionId
	for _, tc := range []struct {
		filters []ec2types.Filter
		want    []string
	}{
		{nil, []string{A, B}},
		{[]ec2types.Filter{f("tag:env", "prod")}, []string{A}},
		{[]ec2types.Filter{f("tag:env", "prod", "dev")}, []string{A, B}},
		{[]ec2types.Filter{f("tag-key", "Name")}, []string{A}},
		{[]ec2types.Filter{f("state", "available")}, []string{A, B}},
		{[]ec2types.Filter{f("state", "pending")}, nil},
		{[]ec2types.Filter{f("vpn-connection-id", B)}, []string{B}},
		{[]ec2types.Filter{f("customer-gateway-id", *a.CustomerGatewayId)}, []string{A, B}},
		{[]ec2types.Filter{f("vpn-gateway-id", *a.VpnGatewayId), f("tag:env", "d*")}, []string{B}},
		{[]ec2types.Filter{f("transit-gateway-id", "tgw-*")}, nil},
		{[]ec2types.Filter{f("type", "ipsec.1")}, []string{A, B}},
		{[]ec2types.Filter{f("bgp-asn", "65010")}, []string{A, B}},
	} {
		if got := ids(tc.filters...); !slices.Equal(got, tc.want) {
			t.Errorf("filters %v: got %v, want %v", tc.filters, got, tc.want)
		}
	}
	_, err := e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{Filters: []ec2types.Filter{f("colour", "blue")}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{A, "vpn-0000000000000dead"}})
	wantCode(t, err, "InvalidVpnConnectionID.NotFound")
	if !strings.Contains(err.Error(), "vpn-0000000000000dead") || strings.Contains(err.Error(), A) {
		t.Errorf("not-found message should name only the missing id: %v", err)
	}
}

func TestDeleteVpnConnectionLifecycle(t *testing.T) {
	clk := newFakeClock()
	opts := fastTestOptions()
	opts.Now = clk.Now
	e := start(t, opts)
	c, err := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{})
	if err != nil {
		t.Fatal(err)
	}
	if got := describeOne(t, e, c.ID).State; got != ec2types.VpnStatePending {
		t.Fatalf("state %s, want pending", got)
	}
	clk.Advance(opts.PendingDelay)
	if got := describeOne(t, e, c.ID).State; got != ec2types.VpnStateAvailable {
		t.Fatalf("state %s, want available", got)
	}
	must[*ec2.DeleteVpnConnectionOutput](t)(e.ec2.DeleteVpnConnection(ctx, &ec2.DeleteVpnConnectionInput{VpnConnectionId: &c.ID}))
	d := describeOne(t, e, c.ID)
	if d.State != ec2types.VpnStateDeleting || d.CustomerGatewayConfiguration != nil {
		t.Fatalf("after delete: state %s, configuration present %v", d.State, d.CustomerGatewayConfiguration != nil)
	}
	clk.Advance(opts.PendingDelay)
	if got := describeOne(t, e, c.ID).State; got != ec2types.VpnStateDeleted {
		t.Fatalf("state %s, want deleted", got)
	}
	// Deleted connections stay visible for a while, in unfiltered listings too, then disappear.
	clk.Advance(59 * time.Minute)
	all := must[*ec2.DescribeVpnConnectionsOutput](t)(e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{}))
	if len(all.VpnConnections) != 1 {
		t.Fatalf("deleted connection not listed after 59 minutes")
	}
	clk.Advance(2 * time.Minute)
	_, err = e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{c.ID}})
	wantCode(t, err, "InvalidVpnConnectionID.NotFound")
	_, err = e.ec2.DeleteVpnConnection(ctx, &ec2.DeleteVpnConnectionInput{VpnConnectionId: aws.String("vpn-0000000000000dead")})
	wantCode(t, err, "InvalidVpnConnectionID.NotFound")

	// Out of band: deleted at once.
	c2, _ := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Available: true})
	if err := e.srv.DeleteVPNConnectionOutOfBand(c2.ID); err != nil {
		t.Fatal(err)
	}
	if got := describeOne(t, e, c2.ID).State; got != ec2types.VpnStateDeleted {
		t.Fatalf("out-of-band delete: state %s", got)
	}
}

func TestTunnelOrderReversed(t *testing.T) {
	e := start(t, fastTestOptions())
	c := e.vpn(t, nil)
	id := *c.VpnConnectionId
	first, second := *c.Options.TunnelOptions[0].OutsideIpAddress, *c.Options.TunnelOptions[1].OutsideIpAddress
	if err := e.srv.SetTunnelOrderReversed(id, true); err != nil {
		t.Fatal(err)
	}
	r := describeOne(t, e, id)
	if *r.Options.TunnelOptions[0].OutsideIpAddress != second || *r.Options.TunnelOptions[1].OutsideIpAddress != first {
		t.Fatal("tunnelOptionSet not reversed")
	}
	if *r.VgwTelemetry[0].OutsideIpAddress != first || *r.VgwTelemetry[1].OutsideIpAddress != second {
		t.Fatal("vgwTelemetry must keep the original order")
	}
	info, _ := e.srv.VPNConnection(id)
	if info.Tunnels[0].OutsideIPAddress != first {
		t.Error("VPNConnection snapshot should keep creation order")
	}
	if err := e.srv.SetTunnelOrderReversed("vpn-0000000000000dead", true); err == nil {
		t.Error("unknown id accepted")
	}
}

func TestTags(t *testing.T) {
	e := start(t, fastTestOptions())
	c := e.vpn(t, map[string]string{"keep": "1"})
	id := *c.VpnConnectionId
	tag := func(k, v string) ec2types.Tag { return ec2types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	must[*ec2.CreateTagsOutput](t)(e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id, *c.CustomerGatewayId, *c.VpnGatewayId}, Tags: []ec2types.Tag{tag("a", "1"), tag("b", "2")}}))
	tags := func(id string) map[string]string {
		m := map[string]string{}
		for _, tg := range describeOne(t, e, id).Tags {
			m[*tg.Key] = *tg.Value
		}
		return m
	}
	if got := tags(id); len(got) != 3 || got["a"] != "1" {
		t.Fatalf("tags after create: %v", got)
	}
	cg := must[*ec2.DescribeCustomerGatewaysOutput](t)(e.ec2.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{CustomerGatewayIds: []string{*c.CustomerGatewayId}}))
	if len(cg.CustomerGateways[0].Tags) != 2 {
		t.Errorf("customer gateway tags: %+v", cg.CustomerGateways[0].Tags)
	}
	// Value given: delete only if it matches; no value: delete whatever it is.
	must[*ec2.DeleteTagsOutput](t)(e.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{tag("a", "wrong"), {Key: aws.String("b")}}}))
	if got := tags(id); len(got) != 2 || got["a"] != "1" || got["keep"] != "1" {
		t.Fatalf("tags after delete: %v", got)
	}
	_, err := e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{tag("aws:reserved", "x")}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"vpn-0000000000000dead"}, Tags: []ec2types.Tag{tag("a", "b")}})
	wantCode(t, err, "InvalidVpnConnectionID.NotFound")
	_, err = e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"i-0123"}, Tags: []ec2types.Tag{tag("a", "b")}})
	wantCode(t, err, "InvalidID")
	many := []ec2types.Tag{}
	for i := range 49 {
		many = append(many, tag("k"+string(rune('A'+i%26))+string(rune('a'+i/26)), "v"))
	}
	_, err = e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: many})
	wantCode(t, err, "TagLimitExceeded")
	must[*ec2.DeleteTagsOutput](t)(e.ec2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}}))
	if got := tags(id); len(got) != 0 {
		t.Fatalf("DeleteTags without tags should remove all: %v", got)
	}
}

func TestDryRun(t *testing.T) {
	e := start(t, fastTestOptions())
	_, err := e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{DryRun: aws.Bool(true)})
	wantCode(t, err, "DryRunOperation")
	e.srv.SetDenyActions([]string{"ec2:DescribeVpn*"}, nil)
	_, err = e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{DryRun: aws.Bool(true)})
	wantCode(t, err, "UnauthorizedOperation")
}
