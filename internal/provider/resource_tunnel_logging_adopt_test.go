package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// fleetConfig declares one vpnlogs_tunnel_logging per tunnel ("<vpn id>/<ip>"), each delivering both logs to group.
func fleetConfig(srv *sandbox.Server, tunnels []string, group string) string {
	return sandboxProviderConfig(srv, fmt.Sprintf(`
locals {
  tunnels = [%s]
}
resource "vpnlogs_tunnel_logging" "fleet" {
  count                     = length(local.tunnels)
  vpn_connection_id         = split("/", local.tunnels[count.index])[0]
  tunnel_outside_ip_address = split("/", local.tunnels[count.index])[1]
  tunnel_log = { log_group_arn = %[2]q }
  bgp_log    = { log_group_arn = %[2]q }
}
`, `"`+strings.Join(tunnels, `", "`)+`"`, group))
}

// Re-creating 50 tunnels that already log as planned (after an interrupted apply, or configuration written for
// logging set up by hand) adopts them: zero ModifyVpnTunnelOptions, so zero interruptions, and state equals AWS.
// Destroying tunnels whose logging is already off sends nothing either.
func TestTunnelLogging_createAdoptsTunnelsAlreadyLogging(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"adopt")
	var tunnels []string
	for range 25 {
		id, ips := createVPNConnection(t, srv, nil)
		for _, ip := range ips {
			tunnels = append(tunnels, id+"/"+ip)
			if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{
				LogEnabled: true, LogGroupARN: group, BGPLogEnabled: true, BGPLogGroupARN: group,
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv.ResetStats()
	addr := "vpnlogs_tunnel_logging.fleet"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fleetConfig(srv, tunnels, group),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr+"[0]", tfjsonpath.New("bgp_log").AtMapKey("log_group_arn"), knownvalue.StringExact(group)),
					statecheck.ExpectKnownValue(addr+"[49]", tfjsonpath.New("id"), knownvalue.StringExact(tunnels[49])),
				},
				Check: func(s *terraform.State) error {
					if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
						return fmt.Errorf("creating 50 tunnels that already log as planned sent %d ModifyVpnTunnelOptions, want 0", n)
					}
					if n := len(s.RootModule().Resources); n != 50 {
						return fmt.Errorf("%d resources in state, want 50", n)
					}
					return nil
				},
			},
			{
				// Turned off by hand meanwhile: refresh sees it; destroying them sends nothing.
				PreConfig: func() {
					for _, tun := range tunnels {
						id, ip, _ := strings.Cut(tun, "/")
						if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{}); err != nil {
							t.Fatal(err)
						}
					}
					srv.ResetStats()
				},
				Config:  fleetConfig(srv, tunnels, group),
				Destroy: true,
				Check: func(*terraform.State) error {
					if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
						return fmt.Errorf("destroying 50 tunnels already off sent %d ModifyVpnTunnelOptions, want 0", n)
					}
					return nil
				},
			},
		},
	})
}

// A change AWS accepted is recorded even when the wait for it ends first (here the create timeout, shorter than the
// modification): the apply succeeds with a warning, state holds the new log options, the next plan is empty, and
// destroy turns logging off.
func TestTunnelLogging_acceptedChangeIsRecordedWhenTheWaitEnds(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.ModifyDelay = 3 * time.Second })
	group := createLogGroup(t, srv, vendedGroupPrefix+"pending")
	id, ips := createVPNConnection(t, srv, nil)
	addr := "vpnlogs_tunnel_logging.test"
	config := tunnelLoggingConfig(srv, id, ips[0], fmt.Sprintf(`  tunnel_log = { log_group_arn = %q }
  timeouts {
    create = "1s"
  }`, group))

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := describeTunnelLogs(t, srv, id, ips[0]); got.LogEnabled || got.BGPEnabled {
				return fmt.Errorf("after destroy AWS reports %+v", got)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("tunnel_log").AtMapKey("log_group_arn"), knownvalue.StringExact(group)),
			},
			Check: resource.ComposeTestCheckFunc(
				checkTunnelLogs(t, srv, id, ips[0], tunnelLogs{LogEnabled: true, LogGroupARN: group, LogFormat: "json"}),
				func(*terraform.State) error {
					if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 1 {
						return fmt.Errorf("%d ModifyVpnTunnelOptions, want 1", n)
					}
					return nil
				},
			),
		}},
	})
}

// Outside addresses are checked in the form AWS reports them, before anything reaches AWS: an IPv4-mapped IPv6
// address (which an address comparison would accept and AWS would then refuse), leading zeros and spaces fail the
// plan with the spelling to use.
func TestTunnelLogging_outsideAddressMustBeCanonical(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := testLogGroupARN(vendedGroupPrefix + "canonical")
	t.Cleanup(func() { // after the parallel subtests
		if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
			t.Errorf("invalid addresses sent %d ModifyVpnTunnelOptions", n)
		}
	})
	octets := strings.Split(ips[0], ".")
	cases := map[string]struct {
		ip   string
		want []string
	}{
		"IPv4-mapped IPv6": {"::ffff:" + ips[0], []string{"Non-canonical IP address", `"::ffff:` + ips[0] + `" is an IPv4-mapped IPv6 address: write "` + ips[0] + `"`}},
		"leading zeros": {strings.Join(append(octets[:3:3], "0"+octets[3]), "."),
			[]string{"Non-canonical IP address", "has leading zeros", `write "` + ips[0] + `"`}},
		"spaces":          {" " + ips[0], []string{"Non-canonical IP address", "has spaces around it", `write "` + ips[0] + `"`}},
		"upper-case IPv6": {"2001:DB8::1", []string{"Non-canonical IP address", `write "2001:db8::1"`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tunnelLoggingConfig(srv, id, tc.ip, fmt.Sprintf(`  tunnel_log = { log_group_arn = %q }`, group)),
					ExpectError: expectDiag(tc.want...),
				}},
			})
		})
	}
	t.Run("import", func(t *testing.T) {
		t.Parallel()
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:        tunnelLoggingConfig(srv, id, ips[0], ""),
				ResourceName:  "vpnlogs_tunnel_logging.test",
				ImportState:   true,
				ImportStateId: id + "/::ffff:" + ips[0],
				ExpectError:   expectDiag("Invalid import ID"),
			}},
		})
	})
}
