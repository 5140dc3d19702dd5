package provider

// Acceptance tests against real AWS: `make testacc` (TF_ACC=1). Each skips with its reason when credentials or
// its variables are missing. They use the standard AWS_* environment (profile, keys, region) and never an endpoint
// override, so they exercise exactly what users run.
//
// Variables:
//   VPNLOGS_ACC_VPN_CONNECTION_ID        an existing VPN connection the tests may change logging on (its tunnels are
//                                        interrupted for several minutes per change; use a test connection)
//   VPNLOGS_ACC_TUNNEL_OUTSIDE_IP        one of its tunnels' outside IP addresses
//
// Log groups the tests create are named /aws/vendedlogs/vpnlogs-acc/<random> and deleted afterwards.

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

const (
	accEnvVPNConnectionID = "VPNLOGS_ACC_VPN_CONNECTION_ID"
	accEnvTunnelIP        = "VPNLOGS_ACC_TUNNEL_OUTSIDE_IP"
)

// testAccPreCheck skips unless TF_ACC is set and the environment yields working AWS credentials and a region.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test against real AWS: set TF_ACC=1 (make testacc) and AWS credentials to run it")
	}
	if _, err := awsconfig.Load(context.Background(), awsconfig.Config{}); err != nil {
		t.Skipf("acceptance test against real AWS: no usable AWS configuration in the environment: %v", err)
	}
}

// testAccTunnel returns the connection and tunnel the tests may change, or skips naming the missing variables.
func testAccTunnel(t *testing.T) (string, string) {
	t.Helper()
	id, ip := os.Getenv(accEnvVPNConnectionID), os.Getenv(accEnvTunnelIP)
	if id == "" || ip == "" {
		t.Skipf("acceptance test needs %s and %s: a test VPN connection and one of its tunnels' outside IP "+
			"(changing its logging interrupts that tunnel for several minutes)", accEnvVPNConnectionID, accEnvTunnelIP)
	}
	return id, ip
}

func TestAccAccount_basic(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "vpnlogs_account" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.vpnlogs_account.this", tfjsonpath.New("account_id"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{12}$`))),
				statecheck.ExpectKnownValue("data.vpnlogs_account.this", tfjsonpath.New("caller_arn"), knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws`))),
			},
		}},
	})
}

func TestAccResourcePolicyBudget_basic(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "vpnlogs_resource_policy_budget" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.vpnlogs_resource_policy_budget.this", tfjsonpath.New("max_policies"), knownvalue.Int64Exact(10)),
				statecheck.ExpectKnownValue("data.vpnlogs_resource_policy_budget.this", tfjsonpath.New("used_characters"), knownvalue.NotNull()),
			},
		}},
	})
}

func TestAccPermissionsCheck_basic(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "vpnlogs_permissions_check" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.vpnlogs_permissions_check.this", tfjsonpath.New("principal_arn"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.vpnlogs_permissions_check.this", tfjsonpath.New("evaluated"), knownvalue.NotNull()),
			},
		}},
	})
}

func TestAccLogGroup_basic(t *testing.T) {
	name := "/aws/vendedlogs/vpnlogs-acc/" + acctest.RandString(10)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`resource "vpnlogs_log_group" "test" {
  name              = %q
  retention_in_days = 1
  tags              = { purpose = "vpnlogs acceptance test" }
}`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("vpnlogs_log_group.test", tfjsonpath.New("arn"), knownvalue.StringRegexp(regexp.MustCompile(`:log-group:`+regexp.QuoteMeta(name)+`$`))),
				},
			},
			{ResourceName: "vpnlogs_log_group.test", ImportState: true, ImportStateId: name, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"allow_outside_vendedlogs", "skip_destroy"}},
		},
	})
}

// Changes real tunnel logging: both logs to a new /aws/vendedlogs/ group, the BGP log off, import, then destroy
// (both logs off). Then reads the tunnel's health.
func TestAccTunnelLogging_basic(t *testing.T) {
	id, ip := testAccTunnel(t)
	name := "/aws/vendedlogs/vpnlogs-acc/" + acctest.RandString(10)
	config := func(bgp bool) string {
		bgpBlock := ""
		if bgp {
			bgpBlock = "bgp_log = { log_group_arn = vpnlogs_log_group.test.arn }"
		}
		return fmt.Sprintf(`resource "vpnlogs_log_group" "test" {
  name              = %q
  retention_in_days = 1
}
resource "vpnlogs_tunnel_logging" "test" {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  tunnel_log                = { log_group_arn = vpnlogs_log_group.test.arn }
  %s
}
data "vpnlogs_tunnel_health" "test" {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  depends_on                = [vpnlogs_tunnel_logging.test]
}`, name, id, ip, bgpBlock, id, ip)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("vpnlogs_tunnel_logging.test", tfjsonpath.New("id"), knownvalue.StringExact(id+"/"+ip)),
					statecheck.ExpectKnownValue("data.vpnlogs_tunnel_health.test", tfjsonpath.New("status"), knownvalue.NotNull()),
				},
			},
			{
				Config: config(false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("vpnlogs_tunnel_logging.test", tfjsonpath.New("bgp_log"), knownvalue.Null()),
				},
			},
			{ResourceName: "vpnlogs_tunnel_logging.test", ImportState: true, ImportStateId: id + "/" + ip, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}
