package sandbox_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

func logOpts(o ec2types.CloudWatchLogOptionsSpecification) *ec2types.ModifyVpnTunnelOptionsSpecification {
	return &ec2types.ModifyVpnTunnelOptionsSpecification{LogOptions: &ec2types.VpnTunnelLogOptionsSpecification{CloudWatchLogOptions: &o}}
}

func TestModifyVpnTunnelOptions(t *testing.T) {
	e := start(t, fastTestOptions())
	e.createLogGroup(t, "/aws/vendedlogs/vpn")
	e.createLogGroup(t, "/vpn/bgp")
	c := e.vpn(t, nil)
	id := *c.VpnConnectionId
	ip := *c.Options.TunnelOptions[0].OutsideIpAddress
	other := *c.Options.TunnelOptions[1].OutsideIpAddress
	activityARN := logGroupARN(e, "/aws/vendedlogs/vpn") + ":*" // stored and returned as sent
	bgpARN := logGroupARN(e, "/vpn/bgp")

	out := must[*ec2.ModifyVpnTunnelOptionsOutput](t)(e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip,
		TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &activityARN, LogOutputFormat: aws.String("text")}),
	}))
	if out.VpnConnection.State != "modifying" {
		t.Fatalf("state after modify %s, want modifying", out.VpnConnection.State)
	}
	lo := tunnelByIP(t, *out.VpnConnection, ip).LogOptions.CloudWatchLogOptions
	if !*lo.LogEnabled || *lo.LogGroupArn != activityARN || *lo.LogOutputFormat != "text" {
		t.Fatalf("response log options: %+v", lo)
	}

	// A second modification while modifying is refused, then accepted once available.
	bgpOnly := &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip,
		TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{BgpLogEnabled: aws.Bool(true), BgpLogGroupArn: &bgpARN}),
	}
	_, err := e.ec2.ModifyVpnTunnelOptions(ctx, bgpOnly)
	wantCode(t, err, "InvalidVpnConnection.InvalidState")
	if !strings.Contains(err.Error(), "must be in the available state") {
		t.Errorf("message: %v", err)
	}
	e.waitAvailable(t, id)
	must[*ec2.ModifyVpnTunnelOptionsOutput](t)(e.ec2.ModifyVpnTunnelOptions(ctx, bgpOnly))
	got := tunnelByIP(t, *e.waitAvailable(t, id), ip).LogOptions.CloudWatchLogOptions
	// Only the sent options change: the BGP-only request kept the tunnel-activity log.
	if !*got.LogEnabled || *got.LogGroupArn != activityARN || *got.LogOutputFormat != "text" ||
		!*got.BgpLogEnabled || *got.BgpLogGroupArn != bgpARN || *got.BgpLogOutputFormat != "json" {
		t.Fatalf("after BGP-only modify: %+v", got)
	}
	// And a non-log option keeps the log options; the other tunnel is untouched.
	must[*ec2.ModifyVpnTunnelOptionsOutput](t)(e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip, TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{DPDTimeoutSeconds: aws.Int32(45)},
	}))
	after := e.waitAvailable(t, id)
	t0 := tunnelByIP(t, *after, ip)
	if *t0.DpdTimeoutSeconds != 45 || !*t0.LogOptions.CloudWatchLogOptions.LogEnabled || !*t0.LogOptions.CloudWatchLogOptions.BgpLogEnabled {
		t.Fatalf("after DPD modify: %+v", t0)
	}
	if *tunnelByIP(t, *after, other).LogOptions.CloudWatchLogOptions.LogEnabled {
		t.Fatal("the other tunnel changed")
	}

	// Once available, the tunnel's log streams exist (named with the VPN id and the outside IP).
	streams := e.srv.Logs().Streams("/aws/vendedlogs/vpn")
	if len(streams) != 1 || !strings.Contains(streams[0], id) || !strings.Contains(streams[0], ip) {
		t.Fatalf("activity streams %v", streams)
	}
	bgpStreams := e.srv.Logs().Streams("/vpn/bgp")
	if len(bgpStreams) != 1 || !strings.Contains(bgpStreams[0], id) || !strings.Contains(bgpStreams[0], ip) {
		t.Fatalf("BGP streams %v", bgpStreams)
	}

	// Disabling forgets ARN and format.
	must[*ec2.ModifyVpnTunnelOptionsOutput](t)(e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip, TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(false)}),
	}))
	off := tunnelByIP(t, *e.waitAvailable(t, id), ip).LogOptions.CloudWatchLogOptions
	if *off.LogEnabled || off.LogGroupArn != nil || off.LogOutputFormat != nil || !*off.BgpLogEnabled {
		t.Fatalf("after disabling the activity log: %+v", off)
	}

	// Errors.
	for _, tc := range []struct {
		name string
		in   *ec2.ModifyVpnTunnelOptionsInput
		code string
	}{
		{"unknown tunnel IP", &ec2.ModifyVpnTunnelOptionsInput{VpnConnectionId: &id, VpnTunnelOutsideIpAddress: aws.String("192.0.2.1"), TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{}}, "InvalidParameterValue"},
		{"unknown connection", &ec2.ModifyVpnTunnelOptionsInput{VpnConnectionId: aws.String("vpn-0000000000000dead"), VpnTunnelOutsideIpAddress: &ip, TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{}}, "InvalidVpnConnectionID.NotFound"},
		{"enabled without ARN", &ec2.ModifyVpnTunnelOptionsInput{VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip, TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true)})}, "InvalidParameterValue"},
		{"bad format", &ec2.ModifyVpnTunnelOptionsInput{VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip, TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &bgpARN, LogOutputFormat: aws.String("xml")})}, "InvalidParameterValue"},
		{"not an ARN", &ec2.ModifyVpnTunnelOptionsInput{VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip, TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: aws.String("/vpn/bgp")})}, "InvalidParameterValue"},
		{"DPD too short", &ec2.ModifyVpnTunnelOptionsInput{VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip, TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{DPDTimeoutSeconds: aws.Int32(10)}}, "InvalidParameterValue"},
		{"3DES", &ec2.ModifyVpnTunnelOptionsInput{VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip, TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{Phase1EncryptionAlgorithms: []ec2types.Phase1EncryptionAlgorithmsRequestListValue{{Value: aws.String("3DES")}}}}, "InvalidParameterValue"},
	} {
		e.waitAvailable(t, id)
		_, err := e.ec2.ModifyVpnTunnelOptions(ctx, tc.in)
		if apiCode(err) != tc.code {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.code)
		}
	}

	// Pending connections cannot be modified either.
	c2, _ := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{})
	_, err = e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{VpnConnectionId: &c2.ID, VpnTunnelOutsideIpAddress: &c2.Tunnels[0].OutsideIPAddress, TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{}})
	wantCode(t, err, "InvalidVpnConnection.InvalidState")
}

func TestModifyLogDeliveryRejected(t *testing.T) {
	opts := fastTestOptions()
	opts.PolicySizeLimit = 500
	e := start(t, opts)
	e.createLogGroup(t, "/vpn/first")
	e.createLogGroup(t, "/vpn/a-second-group-with-a-rather-long-name-that-does-not-fit-in-the-policy-any-more")
	c := e.vpn(t, nil)
	id, ip := *c.VpnConnectionId, *c.Options.TunnelOptions[0].OutsideIpAddress
	enable := func(group string) error {
		arn := logGroupARN(e, group)
		_, err := e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
			VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip,
			TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &arn}),
		})
		return err
	}
	if err := enable("/vpn/first"); err != nil {
		t.Fatal(err)
	}
	e.waitAvailable(t, id)
	before := describeOne(t, e, id)
	policies := e.srv.Logs().AccountPolicies()
	if len(policies) != 1 || !strings.Contains(policies[0].Document, "log-group:/vpn/first") {
		t.Fatalf("delivery policy after the first enable: %+v", policies)
	}

	for _, tc := range []struct{ group, code string }{
		{"/vpn/a-second-group-with-a-rather-long-name-that-does-not-fit-in-the-policy-any-more", "InvalidParameterValue"}, // policy full
		{"/vpn/missing", "InvalidParameterValue"}, // no such group
	} {
		err := enable(tc.group)
		wantCode(t, err, tc.code)
		after := describeOne(t, e, id)
		if after.State != ec2types.VpnStateAvailable {
			t.Errorf("%s: a refused modification left the connection %s", tc.group, after.State)
		}
		if *tunnelByIP(t, after, ip).LogOptions.CloudWatchLogOptions.LogGroupArn != *tunnelByIP(t, before, ip).LogOptions.CloudWatchLogOptions.LogGroupArn {
			t.Errorf("%s: a refused modification changed the tunnel", tc.group)
		}
		if got := e.srv.Logs().AccountPolicies(); len(got) != 1 || got[0].Document != policies[0].Document {
			t.Errorf("%s: a refused modification changed the policy", tc.group)
		}
	}

	// Another Region's group is refused too.
	wrong := strings.Replace(logGroupARN(e, "/vpn/first"), "us-east-1", "eu-west-1", 1)
	_, err := e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: &id, VpnTunnelOutsideIpAddress: aws.String(*c.Options.TunnelOptions[1].OutsideIpAddress),
		TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &wrong}),
	})
	wantCode(t, err, "InvalidParameterValue")
}

func TestModifyRejectedWhenPolicyCountFull(t *testing.T) {
	e := start(t, fastTestOptions())
	e.createLogGroup(t, "/vpn/x")
	for i := range 10 {
		e.srv.Logs().SeedAccountPolicy("other-"+string(rune('a'+i)), `{"Version":"2012-10-17","Statement":[]}`)
	}
	c := e.vpn(t, nil)
	arn := logGroupARN(e, "/vpn/x")
	_, err := e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: c.VpnConnectionId, VpnTunnelOutsideIpAddress: c.Options.TunnelOptions[0].OutsideIpAddress,
		TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &arn}),
	})
	if err == nil {
		t.Fatal("an 11th account-level policy was accepted")
	}
	if apiCode(err) == "" || describeOne(t, e, *c.VpnConnectionId).State != ec2types.VpnStateAvailable {
		t.Fatalf("error %v; state must stay available", err)
	}
}

func TestCreateVpnConnectionWithLogOptions(t *testing.T) {
	e := start(t, fastTestOptions())
	e.createLogGroup(t, "/aws/vendedlogs/create")
	cgw, vgw := e.gateways(t, "198.51.100.9")
	arn := logGroupARN(e, "/aws/vendedlogs/create")
	out := must[*ec2.CreateVpnConnectionOutput](t)(e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: &vgw,
		Options: &ec2types.VpnConnectionOptionsSpecification{TunnelOptions: []ec2types.VpnTunnelOptionsSpecification{{
			LogOptions: &ec2types.VpnTunnelLogOptionsSpecification{CloudWatchLogOptions: &ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &arn}},
		}}},
	}))
	id := *out.VpnConnection.VpnConnectionId
	if len(e.srv.Logs().AccountPolicies()) != 1 {
		t.Fatal("creating with logging enabled did not set up delivery")
	}
	e.waitAvailable(t, id)
	streams := e.srv.Logs().Streams("/aws/vendedlogs/create")
	if len(streams) != 1 || !strings.Contains(streams[0], *out.VpnConnection.Options.TunnelOptions[0].OutsideIpAddress) {
		t.Fatalf("streams %v", streams)
	}
	// Missing group: the create fails and no connection exists.
	missing := logGroupARN(e, "/nope")
	_, err := e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: &vgw,
		Options: &ec2types.VpnConnectionOptionsSpecification{TunnelOptions: []ec2types.VpnTunnelOptionsSpecification{{
			LogOptions: &ec2types.VpnTunnelLogOptionsSpecification{CloudWatchLogOptions: &ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &missing}},
		}}},
	})
	wantCode(t, err, "InvalidParameterValue")
	all := must[*ec2.DescribeVpnConnectionsOutput](t)(e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{}))
	if len(all.VpnConnections) != 1 {
		t.Fatalf("a failed create left %d connections", len(all.VpnConnections))
	}
}

func TestOutOfBandLogOptions(t *testing.T) {
	e := start(t, fastTestOptions())
	e.createLogGroup(t, "/aws/vendedlogs/console")
	c, err := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Available: true})
	if err != nil {
		t.Fatal(err)
	}
	ip := c.Tunnels[1].OutsideIPAddress
	arn := logGroupARN(e, "/aws/vendedlogs/console")
	if err := e.srv.SetTunnelLogOptionsOutOfBand(c.ID, ip, sandbox.TunnelLogOptions{LogEnabled: true, LogGroupARN: arn}); err != nil {
		t.Fatal(err)
	}
	d := describeOne(t, e, c.ID)
	if d.State != ec2types.VpnStateAvailable || !*tunnelByIP(t, d, ip).LogOptions.CloudWatchLogOptions.LogEnabled {
		t.Fatalf("out-of-band change not visible: %s", d.State)
	}
	info, _ := e.srv.VPNConnection(c.ID)
	if info.Tunnels[1].ActivityStream == "" || e.srv.Logs().EventCount("/aws/vendedlogs/console", info.Tunnels[1].ActivityStream) == 0 {
		t.Fatal("no history written for an out-of-band enable")
	}
	if err := e.srv.SetTunnelLogOptionsOutOfBand(c.ID, ip, sandbox.TunnelLogOptions{LogEnabled: true, LogGroupARN: logGroupARN(e, "/none")}); err == nil {
		t.Fatal("a missing group was accepted")
	}
	if !slices.Equal(e.srv.Logs().Streams("/aws/vendedlogs/console"), []string{info.Tunnels[1].ActivityStream}) {
		t.Fatal("unexpected streams")
	}
	if e.srv.Stats()["ec2"]["ModifyVpnTunnelOptions"] != 0 {
		t.Fatal("out-of-band changes must not count as requests")
	}
}

func TestModifyDelayFollowsClock(t *testing.T) {
	clk := newFakeClock()
	opts := fastTestOptions()
	opts.Now, opts.ModifyDelay = clk.Now, 5*time.Minute
	e := start(t, opts)
	c, _ := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Available: true})
	must[*ec2.ModifyVpnTunnelOptionsOutput](t)(e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: &c.ID, VpnTunnelOutsideIpAddress: &c.Tunnels[0].OutsideIPAddress, TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{StartupAction: aws.String("start")},
	}))
	clk.Advance(4 * time.Minute)
	if s := describeOne(t, e, c.ID).State; s != "modifying" {
		t.Fatalf("state %s after 4 of 5 minutes", s)
	}
	clk.Advance(time.Minute)
	if s := describeOne(t, e, c.ID).State; s != ec2types.VpnStateAvailable {
		t.Fatalf("state %s after 5 minutes", s)
	}
}
