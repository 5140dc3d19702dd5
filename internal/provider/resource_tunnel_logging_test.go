package provider

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// tunnelLogs is what the EC2 API reports for one tunnel, found by outside IP.
type tunnelLogs struct {
	LogEnabled, BGPEnabled   bool
	LogGroupARN, BGPGroupARN string
	LogFormat, BGPFormat     string
}

// describeTunnelLogs reads a tunnel's log options straight from the sandbox's EC2 API.
func describeTunnelLogs(t *testing.T, srv *sandbox.Server, id, ip string) tunnelLogs {
	t.Helper()
	out, err := sandboxEC2(srv).DescribeVpnConnections(context.Background(), &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeVpnConnections(%s): %v", id, err)
	}
	for _, o := range out.VpnConnections[0].Options.TunnelOptions {
		if aws.ToString(o.OutsideIpAddress) != ip {
			continue
		}
		cw := o.LogOptions.CloudWatchLogOptions
		return tunnelLogs{
			LogEnabled: aws.ToBool(cw.LogEnabled), LogGroupARN: aws.ToString(cw.LogGroupArn), LogFormat: aws.ToString(cw.LogOutputFormat),
			BGPEnabled: aws.ToBool(cw.BgpLogEnabled), BGPGroupARN: aws.ToString(cw.BgpLogGroupArn), BGPFormat: aws.ToString(cw.BgpLogOutputFormat),
		}
	}
	t.Fatalf("connection %s has no tunnel %s", id, ip)
	return tunnelLogs{}
}

// checkTunnelLogs asserts the API-side effect of a step.
func checkTunnelLogs(t *testing.T, srv *sandbox.Server, id, ip string, want tunnelLogs) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := describeTunnelLogs(t, srv, id, ip)
		// ARN and format of a disabled log carry no meaning; compare them only when enabled.
		if !got.LogEnabled {
			got.LogGroupARN, got.LogFormat = "", ""
		}
		if !got.BGPEnabled {
			got.BGPGroupARN, got.BGPFormat = "", ""
		}
		if got != want {
			return fmt.Errorf("tunnel %s of %s: AWS reports %+v, want %+v", ip, id, got, want)
		}
		return nil
	}
}

// modifyOutOfBand changes a tunnel's logging through the EC2 API, as the console or the CLI would, and waits.
func modifyOutOfBand(t *testing.T, srv *sandbox.Server, id, ip string, cw *ec2types.CloudWatchLogOptionsSpecification) {
	t.Helper()
	c := sandboxEC2(srv)
	_, err := c.ModifyVpnTunnelOptions(context.Background(), &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: aws.String(id), VpnTunnelOutsideIpAddress: aws.String(ip),
		TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{LogOptions: &ec2types.VpnTunnelLogOptionsSpecification{CloudWatchLogOptions: cw}},
	})
	if err != nil {
		t.Fatalf("ModifyVpnTunnelOptions: %v", err)
	}
	w := ec2.NewVpnConnectionAvailableWaiter(c, func(o *ec2.VpnConnectionAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(context.Background(), &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}}, 30*time.Second); err != nil {
		t.Fatalf("waiting for %s: %v", id, err)
	}
}

func tunnelLoggingConfig(srv *sandbox.Server, id, ip, blocks string) string {
	return sandboxProviderConfig(srv, fmt.Sprintf(`
resource "vpnlogs_tunnel_logging" "test" {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
%s
}
`, id, ip, blocks))
}

func TestTunnelLogging_lifecycle(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	ip := ips[0]
	activity := createLogGroup(t, srv, vendedGroupPrefix+"activity")
	bgp := createLogGroup(t, srv, vendedGroupPrefix+"bgp")
	addr := "vpnlogs_tunnel_logging.test"

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{ // create, with the ARN spelled with ":*": state keeps the user's spelling, no perpetual diff
				Config: tunnelLoggingConfig(srv, id, ip, fmt.Sprintf(`  tunnel_log = { log_group_arn = "%s:*" }`, activity)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id+"/"+ip)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tunnel_log").AtMapKey("log_group_arn"), knownvalue.StringExact(activity+":*")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tunnel_log").AtMapKey("output_format"), knownvalue.StringExact("json")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bgp_log"), knownvalue.Null()),
				},
				Check: checkTunnelLogs(t, srv, id, ip, tunnelLogs{LogEnabled: true, LogGroupARN: activity + ":*", LogFormat: "json"}),
			},
			{ // spelling the same ARN without ":*" changes nothing at AWS
				Config: tunnelLoggingConfig(srv, id, ip, fmt.Sprintf(`  tunnel_log = { log_group_arn = %q }`, activity)),
				PreConfig: func() {
					srv.ResetStats()
				},
				Check: func(s *terraform.State) error {
					if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
						return fmt.Errorf("a spelling-only change sent %d ModifyVpnTunnelOptions", n)
					}
					return nil
				},
			},
			{ // change format: in place
				Config: tunnelLoggingConfig(srv, id, ip, fmt.Sprintf(`  tunnel_log = { log_group_arn = %q, output_format = "text" }`, activity)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tunnel_log").AtMapKey("output_format"), knownvalue.StringExact("text")),
				},
				Check: checkTunnelLogs(t, srv, id, ip, tunnelLogs{LogEnabled: true, LogGroupARN: activity, LogFormat: "text"}),
			},
			{ // enable BGP
				Config: tunnelLoggingConfig(srv, id, ip, fmt.Sprintf(`  tunnel_log = { log_group_arn = %q, output_format = "text" }
  bgp_log    = { log_group_arn = %q }`, activity, bgp)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bgp_log").AtMapKey("log_group_arn"), knownvalue.StringExact(bgp)),
				},
				Check: checkTunnelLogs(t, srv, id, ip, tunnelLogs{LogEnabled: true, LogGroupARN: activity, LogFormat: "text",
					BGPEnabled: true, BGPGroupARN: bgp, BGPFormat: "json"}),
			},
			{ // disable BGP by removing its block; the activity log is untouched
				Config: tunnelLoggingConfig(srv, id, ip, fmt.Sprintf(`  tunnel_log = { log_group_arn = %q, output_format = "text" }`, activity)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bgp_log"), knownvalue.Null()),
				},
				Check: checkTunnelLogs(t, srv, id, ip, tunnelLogs{LogEnabled: true, LogGroupARN: activity, LogFormat: "text"}),
			},
			{ // remove the last block: both logs off, the resource stays
				Config: tunnelLoggingConfig(srv, id, ip, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tunnel_log"), knownvalue.Null()),
				},
				Check: checkTunnelLogs(t, srv, id, ip, tunnelLogs{}),
			},
			{ // back on, then import by "<vpn id>/<outside ip>"
				Config: tunnelLoggingConfig(srv, id, ip, fmt.Sprintf(`  bgp_log = { log_group_arn = %q, output_format = "text" }`, bgp)),
				Check:  checkTunnelLogs(t, srv, id, ip, tunnelLogs{BGPEnabled: true, BGPGroupARN: bgp, BGPFormat: "text"}),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           id + "/" + ip,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			got := describeTunnelLogs(t, srv, id, ip)
			if got.LogEnabled || got.BGPEnabled {
				return fmt.Errorf("destroy left logging on: %+v", got)
			}
			return nil
		},
	})
}

func TestTunnelLogging_importBadID(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        tunnelLoggingConfig(srv, "vpn-0123456789abcdef0", "203.0.113.10", ""),
			ResourceName:  "vpnlogs_tunnel_logging.test",
			ImportState:   true,
			ImportStateId: "vpn-0123456789abcdef0:203.0.113.10",
			ExpectError:   expectDiag("Invalid import ID", "Expected <vpn_connection_id>/<tunnel_outside_ip_address>"),
		}},
	})
}

// A change made outside Terraform shows as drift, and apply puts it back.
func TestTunnelLogging_drift(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	ip := ips[1]
	group := createLogGroup(t, srv, vendedGroupPrefix+"drift")
	other := createLogGroup(t, srv, vendedGroupPrefix+"elsewhere")
	addr := "vpnlogs_tunnel_logging.test"
	config := tunnelLoggingConfig(srv, id, ip, fmt.Sprintf(`  tunnel_log = { log_group_arn = %q }`, group))

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					modifyOutOfBand(t, srv, id, ip, &ec2types.CloudWatchLogOptionsSpecification{
						LogEnabled: aws.Bool(true), LogGroupArn: aws.String(other), LogOutputFormat: aws.String("text"),
						BgpLogEnabled: aws.Bool(true), BgpLogGroupArn: aws.String(other),
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("tunnel_log").AtMapKey("log_group_arn"), knownvalue.StringExact(group)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("bgp_log"), knownvalue.Null()),
				}},
				Check: checkTunnelLogs(t, srv, id, ip, tunnelLogs{LogEnabled: true, LogGroupARN: group, LogFormat: "json"}),
			},
		},
	})
}

// A deleted connection removes the resource from state: the next plan treats it as a new resource, which the
// plan-time check then rejects with a clear error (the existence check runs only for resources not in state).
func TestTunnelLogging_disappears(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"gone")
	config := tunnelLoggingConfig(srv, id, ips[0], fmt.Sprintf(`  tunnel_log = { log_group_arn = %q }`, group))

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if _, err := sandboxEC2(srv).DeleteVpnConnection(context.Background(), &ec2.DeleteVpnConnectionInput{VpnConnectionId: aws.String(id)}); err != nil {
						t.Fatalf("DeleteVpnConnection: %v", err)
					}
					srv.ResetStats()
				},
				Config:      config,
				ExpectError: expectDiag("No such VPN connection", "VPN connection "+id+" is delet", "Remove this resource from the configuration"),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// Nothing was left to destroy: the resource had been removed from state, so no modify was attempted.
			if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
				return fmt.Errorf("%d ModifyVpnTunnelOptions after the connection was deleted", n)
			}
			return nil
		},
	})
}

// Both tunnels of one connection in one apply: the provider serializes them, so AWS never sees a modify while the
// connection is modifying. The sandbox's request log would show InvalidVpnConnection.InvalidState otherwise.
func TestTunnelLogging_bothTunnelsOneApply(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"both")
	config := sandboxProviderConfig(srv, fmt.Sprintf(`
resource "vpnlogs_tunnel_logging" "t1" {
  vpn_connection_id         = %[1]q
  tunnel_outside_ip_address = %[2]q
  tunnel_log = { log_group_arn = %[4]q }
  bgp_log    = { log_group_arn = %[4]q }
}
resource "vpnlogs_tunnel_logging" "t2" {
  vpn_connection_id         = %[1]q
  tunnel_outside_ip_address = %[3]q
  tunnel_log = { log_group_arn = %[4]q }
  bgp_log    = { log_group_arn = %[4]q }
}
`, id, ips[0], ips[1], group))

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkTunnelLogs(t, srv, id, ips[0], tunnelLogs{LogEnabled: true, LogGroupARN: group, LogFormat: "json", BGPEnabled: true, BGPGroupARN: group, BGPFormat: "json"}),
				checkTunnelLogs(t, srv, id, ips[1], tunnelLogs{LogEnabled: true, LogGroupARN: group, LogFormat: "json", BGPEnabled: true, BGPGroupARN: group, BGPFormat: "json"}),
				func(*terraform.State) error {
					for _, r := range srv.Requests() {
						if r.ErrorCode != "" {
							return fmt.Errorf("the sandbox answered %s:%s with %s", r.Service, r.Action, r.ErrorCode)
						}
					}
					if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 2 {
						return fmt.Errorf("ModifyVpnTunnelOptions called %d times, want 2", n)
					}
					return nil
				},
			),
		}},
	})
}

// AWS returns tunnelOptionSet in no guaranteed order; the sandbox reverses it (and not vgwTelemetry). Each tunnel
// must still get its own configuration, on write and on read.
func TestTunnelLogging_reversedTunnelOrder(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	if err := srv.SetTunnelOrderReversed(id, true); err != nil {
		t.Fatal(err)
	}
	groupA := createLogGroup(t, srv, vendedGroupPrefix+"a")
	groupB := createLogGroup(t, srv, vendedGroupPrefix+"b")
	config := sandboxProviderConfig(srv, fmt.Sprintf(`
resource "vpnlogs_tunnel_logging" "a" {
  vpn_connection_id         = %[1]q
  tunnel_outside_ip_address = %[2]q
  tunnel_log = { log_group_arn = %[4]q }
}
resource "vpnlogs_tunnel_logging" "b" {
  vpn_connection_id         = %[1]q
  tunnel_outside_ip_address = %[3]q
  tunnel_log = { log_group_arn = %[5]q, output_format = "text" }
}
data "vpnlogs_vpn_connections" "all" {
  ids        = [%[1]q]
  depends_on = [vpnlogs_tunnel_logging.a, vpnlogs_tunnel_logging.b]
}
`, id, ips[0], ips[1], groupA, groupB))

	// The data source lists tunnels sorted by address; find which of ips is first.
	first, second, firstGroup, secondGroup := ips[0], ips[1], groupA, groupB
	if ipLessString(ips[1], ips[0]) {
		first, second, firstGroup, secondGroup = ips[1], ips[0], groupB, groupA
	}
	tunnelPath := func(i int) tfjsonpath.Path {
		return tfjsonpath.New("connections").AtSliceIndex(0).AtMapKey("tunnels").AtSliceIndex(i)
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("vpnlogs_tunnel_logging.a", tfjsonpath.New("tunnel_log").AtMapKey("log_group_arn"), knownvalue.StringExact(groupA)),
					statecheck.ExpectKnownValue("vpnlogs_tunnel_logging.b", tfjsonpath.New("tunnel_log").AtMapKey("log_group_arn"), knownvalue.StringExact(groupB)),
					statecheck.ExpectKnownValue("data.vpnlogs_vpn_connections.all", tunnelPath(0).AtMapKey("outside_ip_address"), knownvalue.StringExact(first)),
					statecheck.ExpectKnownValue("data.vpnlogs_vpn_connections.all", tunnelPath(0).AtMapKey("tunnel_log").AtMapKey("log_group_arn"), knownvalue.StringExact(firstGroup)),
					statecheck.ExpectKnownValue("data.vpnlogs_vpn_connections.all", tunnelPath(1).AtMapKey("outside_ip_address"), knownvalue.StringExact(second)),
					statecheck.ExpectKnownValue("data.vpnlogs_vpn_connections.all", tunnelPath(1).AtMapKey("tunnel_log").AtMapKey("log_group_arn"), knownvalue.StringExact(secondGroup)),
					statecheck.ExpectKnownValue("data.vpnlogs_vpn_connections.all", tunnelPath(0).AtMapKey("telemetry").AtMapKey("status"), knownvalue.NotNull()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTunnelLogs(t, srv, id, ips[0], tunnelLogs{LogEnabled: true, LogGroupARN: groupA, LogFormat: "json"}),
					checkTunnelLogs(t, srv, id, ips[1], tunnelLogs{LogEnabled: true, LogGroupARN: groupB, LogFormat: "text"}),
				),
			},
			{
				ResourceName:            "vpnlogs_tunnel_logging.b",
				ImportState:             true,
				ImportStateId:           id + "/" + ips[1],
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

func ipLessString(a, b string) bool {
	return netip.MustParseAddr(a).Less(netip.MustParseAddr(b))
}

// Refreshing 20 tunnels (10 connections) plus the data source costs at most 3 DescribeVpnConnections calls.
func TestTunnelLogging_refreshIsCoalesced(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"fleet")
	var tunnels []string
	for i := 0; i < 10; i++ {
		id, ips := createVPNConnection(t, srv, map[string]string{"fleet": "coalesce"})
		for _, ip := range ips {
			tunnels = append(tunnels, id+"/"+ip)
		}
	}
	config := sandboxProviderConfig(srv, fmt.Sprintf(`
data "vpnlogs_vpn_connections" "fleet" {
  tags = { fleet = "coalesce" }
}
locals {
  tunnels = [%s]
}
# count rather than for_each: terraform-plugin-testing's RefreshState step cannot index string keys.
resource "vpnlogs_tunnel_logging" "fleet" {
  count                     = length(local.tunnels)
  vpn_connection_id         = split("/", local.tunnels[count.index])[0]
  tunnel_outside_ip_address = split("/", local.tunnels[count.index])[1]
  tunnel_log = { log_group_arn = %q }
}
output "tunnel_count" {
  value = length(data.vpnlogs_vpn_connections.fleet.tunnel_ids)
}
`, `"`+strings.Join(tunnels, `", "`)+`"`, group))

	var refreshCalls int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("tunnel_count", knownvalue.Int64Exact(20)),
				},
			},
			{
				PreConfig:    srv.ResetStats,
				RefreshState: true,
				Check: func(*terraform.State) error {
					refreshCalls = callCount(srv, "ec2", "DescribeVpnConnections")
					if refreshCalls > 3 {
						return fmt.Errorf("refreshing 20 tunnels and the data source cost %d DescribeVpnConnections calls, want at most 3", refreshCalls)
					}
					if refreshCalls == 0 {
						return fmt.Errorf("refresh made no DescribeVpnConnections call: the test measured nothing")
					}
					return nil
				},
			},
		},
	})
	t.Logf("refresh of 20 tunnels + data source: %d DescribeVpnConnections", refreshCalls)
}

// Pre-shared keys come back from DescribeVpnConnections in clear text. They must appear nowhere in state or in
// the provider's logs.
func TestTunnelLogging_noSecretsInStateOrLogs(t *testing.T) {
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"secrets")

	out, err := sandboxEC2(srv).DescribeVpnConnections(context.Background(), &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	var psks []string
	for _, o := range out.VpnConnections[0].Options.TunnelOptions {
		if k := aws.ToString(o.PreSharedKey); k != "" {
			psks = append(psks, k)
		}
	}
	if len(psks) != 2 {
		t.Fatalf("the sandbox returned %d pre-shared keys, want 2: the test would prove nothing", len(psks))
	}

	logPath := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sandboxProviderConfig(srv, fmt.Sprintf(`
resource "vpnlogs_tunnel_logging" "test" {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  tunnel_log = { log_group_arn = %q }
}
data "vpnlogs_vpn_connections" "all" {}
`, id, ips[0], group)),
			Check: func(s *terraform.State) error {
				for addr, r := range s.RootModule().Resources {
					for k, v := range r.Primary.Attributes {
						for _, psk := range psks {
							if strings.Contains(v, psk) {
								return fmt.Errorf("%s.%s holds a pre-shared key", addr, k)
							}
						}
					}
				}
				return nil
			},
		}},
	})

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the Terraform log: %v", err)
	}
	for _, want := range []string{"changing tunnel log options", "AWS API call", "aws.operation=DescribeVpnConnections", "aws.operation=ModifyVpnTunnelOptions"} {
		if !strings.Contains(string(logs), want) {
			t.Fatalf("the log at %s does not hold %q: the test would prove nothing", logPath, want)
		}
	}
	for _, psk := range psks {
		if strings.Contains(string(logs), psk) {
			t.Errorf("the Terraform/provider log holds a pre-shared key")
		}
	}
}

func TestTunnelLogging_planTimeValidation(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	cases := map[string]struct {
		id, ip, blocks string
		want           []string
	}{
		"other region": {id, ips[0], `  tunnel_log = { log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/x" }`,
			[]string{"Log group in another region", "is in region eu-west-1, but the provider works in us-east-1"}},
		"other account": {id, ips[0], `  tunnel_log = { log_group_arn = "arn:aws:logs:us-east-1:210987654321:log-group:/aws/vendedlogs/x" }`,
			[]string{"Log group in another account", "is in account 210987654321, but the provider works in account 123456789012"}},
		"not an ARN": {id, ips[0], `  bgp_log = { log_group_arn = "/aws/vendedlogs/x" }`,
			[]string{"Invalid log group ARN", "is not a CloudWatch Logs log group ARN"}},
		"bad format": {id, ips[0], `  bgp_log = { log_group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:x", output_format = "xml" }`,
			[]string{`value must be one of: ["json" "text"]`}},
		"no such tunnel": {id, "192.0.2.1", `  tunnel_log = { log_group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/x" }`,
			[]string{"No such tunnel", "has no tunnel with outside IP address 192.0.2.1", "Its tunnels are"}},
		"no such connection": {"vpn-00000000000000000", ips[0], ``,
			[]string{"No such VPN connection", "vpn-00000000000000000 does not exist"}},
		"bad connection ID": {"vpc-123", ips[0], ``, []string{"Invalid VPN connection ID", `"vpc-123" is not a VPN connection ID`}},
		"bad IP":            {id, "tunnel1", ``, []string{"Invalid IP address", `"tunnel1" is not an IP address`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tunnelLoggingConfig(srv, tc.id, tc.ip, tc.blocks),
					ExpectError: expectDiag(tc.want...),
				}},
			})
		})
	}
	if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
		t.Errorf("invalid configurations sent %d ModifyVpnTunnelOptions", n)
	}
}
