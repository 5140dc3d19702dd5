package sandbox_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// demoTunnel is one row of the documented demo fleet (examples/README.md): connection, its tags, its customer
// gateway, and one tunnel.
type demoTunnel struct {
	vpnID, name, env, cgwID, cgwIP, outsideIP, insideCIDR, scenario string
}

// documentedDemoFleet is the fleet as examples/README.md documents it; examples and guides name these values.
var documentedDemoFleet = []demoTunnel{
	{"vpn-0123456789abcdef0", "demo-prod", "prod", "cgw-0123456789abcdef0", "192.0.2.10", "203.0.113.10", "169.254.10.0/30", "healthy"},
	{"vpn-0123456789abcdef0", "demo-prod", "prod", "cgw-0123456789abcdef0", "192.0.2.10", "203.0.113.11", "169.254.10.4/30", "healthy"},
	{"vpn-0123456789abcdef1", "demo-staging", "staging", "cgw-0123456789abcdef1", "192.0.2.20", "203.0.113.20", "169.254.20.0/30", "psk-mismatch"},
	{"vpn-0123456789abcdef1", "demo-staging", "staging", "cgw-0123456789abcdef1", "192.0.2.20", "203.0.113.21", "169.254.20.4/30", "psk-mismatch"},
	{"vpn-0123456789abcdef2", "demo-dev", "dev", "cgw-0123456789abcdef2", "192.0.2.30", "203.0.113.30", "169.254.30.0/30", "bgp-flap"},
	{"vpn-0123456789abcdef2", "demo-dev", "dev", "cgw-0123456789abcdef2", "192.0.2.30", "203.0.113.31", "169.254.30.4/30", "dpd-timeout"},
}

// The seeded fleet is the documented one, read back through the EC2 API, whatever the seed and the other options.
func TestSeedDemo_documentedFleetWhateverTheSeed(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{0, 7, 424242} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			opts := fastTestOptions()
			opts.Seed, opts.SeedDemo, opts.Scenario = seed, true, sandbox.ScenarioIdleDown
			e := start(t, opts)

			out := must[*ec2.DescribeVpnConnectionsOutput](t)(e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{}))
			var got []demoTunnel
			for _, c := range out.VpnConnections {
				if c.State != ec2types.VpnStateAvailable || aws.ToString(c.VpnGatewayId) != "vgw-0123456789abcdef0" {
					t.Errorf("%s: state %s, gateway %s", aws.ToString(c.VpnConnectionId), c.State, aws.ToString(c.VpnGatewayId))
				}
				tags := map[string]string{}
				for _, tg := range c.Tags {
					tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
				}
				cgws := must[*ec2.DescribeCustomerGatewaysOutput](t)(e.ec2.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{CustomerGatewayIds: []string{aws.ToString(c.CustomerGatewayId)}}))
				for _, to := range c.Options.TunnelOptions {
					if *to.LogOptions.CloudWatchLogOptions.LogEnabled || *to.LogOptions.CloudWatchLogOptions.BgpLogEnabled {
						t.Errorf("%s: demo logging must start disabled", aws.ToString(to.OutsideIpAddress))
					}
					scenario := tags["vpnlogs:scenario:"+aws.ToString(to.OutsideIpAddress)]
					if scenario == "" {
						scenario = tags["vpnlogs:scenario"]
					}
					got = append(got, demoTunnel{aws.ToString(c.VpnConnectionId), tags["Name"], tags["env"], aws.ToString(c.CustomerGatewayId),
						aws.ToString(cgws.CustomerGateways[0].IpAddress), aws.ToString(to.OutsideIpAddress), aws.ToString(to.TunnelInsideCidr), scenario})
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(documentedDemoFleet) {
				t.Errorf("fleet\n got %v\nwant %v", got, documentedDemoFleet)
			}

			groups := e.srv.Logs().LogGroupNames()
			slices.Sort(groups)
			if want := []string{"/aws/vendedlogs/vpn/demo", "/vpn/demo-legacy"}; !slices.Equal(groups, want) {
				t.Errorf("log groups %v, want %v", groups, want)
			}

			// The role is assumable, as a provider block's assume_role would do.
			as, err := e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/vpn-logging"), RoleSessionName: aws.String("terraform")})
			if err != nil {
				t.Fatalf("AssumeRole: %v", err)
			}
			if got := aws.ToString(as.AssumedRoleUser.Arn); got != "arn:aws:sts::123456789012:assumed-role/vpn-logging/terraform" {
				t.Errorf("assumed %s", got)
			}

			listing := e.srv.Demo().String()
			for _, want := range []string{"vgw-0123456789abcdef0", "vpn-0123456789abcdef2 (Name=demo-dev, env=dev), customer gateway cgw-0123456789abcdef2 at 192.0.2.30",
				"tunnel 203.0.113.31", "169.254.30.4/30", "scenario dpd-timeout", "IAM role arn:aws:iam::123456789012:role/vpn-logging",
				"log groups /aws/vendedlogs/vpn/demo, /vpn/demo-legacy"} {
				if !strings.Contains(listing, want) {
					t.Errorf("fleet listing lacks %q:\n%s", want, listing)
				}
			}
		})
	}
}

// The demo fleet draws nothing from the seeded source: what is created after it gets the ids and addresses the same
// seed gives without the fleet, and none collides with the fleet's.
func TestSeedDemo_laterResourcesAsWithoutTheFleet(t *testing.T) {
	t.Parallel()
	create := func(seedDemo bool) (string, []string) {
		opts := fastTestOptions()
		opts.SeedDemo = seedDemo
		e := start(t, opts)
		vgw := must[*ec2.CreateVpnGatewayOutput](t)(e.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1}))
		info, err := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{
			CustomerGatewayIP: "198.51.100.77", VpnGatewayID: aws.ToString(vgw.VpnGateway.VpnGatewayId), Available: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		ips := []string{aws.ToString(vgw.VpnGateway.VpnGatewayId), info.CustomerGatewayID}
		for _, tn := range info.Tunnels {
			ips = append(ips, tn.OutsideIPAddress, tn.InsideCIDR)
		}
		return info.ID, ips
	}
	withID, withAddrs := create(true)
	withoutID, withoutAddrs := create(false)
	if withID != withoutID || !slices.Equal(withAddrs, withoutAddrs) {
		t.Errorf("with the demo fleet %s %v, without %s %v", withID, withAddrs, withoutID, withoutAddrs)
	}
	if strings.HasPrefix(withID, "vpn-0123456789abcdef") || slices.Contains(withAddrs, "203.0.113.10") {
		t.Errorf("a later connection took a demo value: %s %v", withID, withAddrs)
	}
}
