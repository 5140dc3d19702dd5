package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// unreachableEndpoint refuses connections at once: a service sent there fails the test if it is used.
const unreachableEndpoint = "http://127.0.0.1:1"

const accountDataSourceHCL = `
data "vpnlogs_account" "this" {}
`

func accountChecks(callerARN string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.vpnlogs_account.this", tfjsonpath.New("account_id"), knownvalue.StringExact(testAccountID)),
		statecheck.ExpectKnownValue("data.vpnlogs_account.this", tfjsonpath.New("region"), knownvalue.StringExact(testRegion)),
		statecheck.ExpectKnownValue("data.vpnlogs_account.this", tfjsonpath.New("partition"), knownvalue.StringExact("aws")),
		statecheck.ExpectKnownValue("data.vpnlogs_account.this", tfjsonpath.New("caller_arn"), knownvalue.StringExact(callerARN)),
	}
}

const defaultCallerARN = "arn:aws:sts::123456789012:assumed-role/vpnlogs-sandbox/sandbox-session"

// The standard AWS_* variables alone configure the provider, as with the AWS provider and CLI.
func TestProviderConfig_environmentOnly(t *testing.T) {
	isolateAWSEnv(t)
	srv := startSandbox(t, nil)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_REGION", testRegion)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            `provider "vpnlogs" {}` + accountDataSourceHCL + `data "vpnlogs_vpn_connections" "all" {}`,
			ConfigStateChecks: accountChecks(defaultCallerARN),
		}},
	})
	if callCount(srv, "sts", "GetCallerIdentity") == 0 || callCount(srv, "ec2", "DescribeVpnConnections") == 0 {
		t.Errorf("the sandbox did not serve the provider's calls: %v", srv.Stats())
	}
}

// AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL, and the endpoints block wins over both.
func TestProviderConfig_endpointPrecedence(t *testing.T) {
	isolateAWSEnv(t)
	srv := startSandbox(t, nil)
	t.Setenv("AWS_REGION", testRegion)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
	t.Setenv("AWS_ENDPOINT_URL", unreachableEndpoint)
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL())           // STS from its own variable
	t.Setenv("AWS_ENDPOINT_URL_EC2", unreachableEndpoint) // EC2 overridden again by the block below

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "vpnlogs" {
  max_retries = 0
  endpoints {
    ec2 = %q
  }
}
data "vpnlogs_vpn_connections" "all" {}
`, srv.URL()) + accountDataSourceHCL,
			ConfigStateChecks: accountChecks(defaultCallerARN),
		}},
	})
	if callCount(srv, "ec2", "DescribeVpnConnections") == 0 {
		t.Errorf("EC2 calls did not reach the endpoints block's URL: %v", srv.Stats())
	}
}

// assume_role assumes the role through the configured STS endpoint, once per provider instance, and every later
// call runs as the role session.
func TestProviderConfig_assumeRole(t *testing.T) {
	isolateAWSEnv(t)
	srv := startSandbox(t, func(o *sandbox.Options) {})
	srv.AddRole("vpn-logging", "/network/", sandbox.WithExternalID("ext-42"))
	roleARN := "arn:aws:iam::123456789012:role/network/vpn-logging"

	config := func(externalID string) string {
		return sandboxProviderConfig(srv, "") + fmt.Sprintf(`
provider "vpnlogs" {
  alias                   = "role"
  region                  = %q
  access_key              = "AKIDBASE"
  secret_key              = "base-secret"
  skip_metadata_api_check = true
  endpoints {
    ec2 = %[2]q
    logs = %[2]q
    sts = %[2]q
    iam = %[2]q
  }
  assume_role {
    role_arn     = %[3]q
    session_name = "terraform-test"
    external_id  = %[4]q
    duration     = "1h"
  }
}
data "vpnlogs_account" "this" {
  provider = vpnlogs.role
}
`, testRegion, srv.URL(), roleARN, externalID)
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("wrong"),
				ExpectError: expectDiag("No valid AWS credentials", `Assuming the role "`+roleARN+`" failed`, "external_id matches"),
			},
			{
				Config:            config("ext-42"),
				ConfigStateChecks: accountChecks("arn:aws:sts::123456789012:assumed-role/vpn-logging/terraform-test"),
				Check: func(*terraform.State) error {
					if n := callCount(srv, "sts", "AssumeRole"); n < 1 {
						return fmt.Errorf("sts:AssumeRole was not called")
					}
					return nil
				},
			},
		},
	})
}

// A named profile from explicit shared config and credentials files.
func TestProviderConfig_profileAndSharedFiles(t *testing.T) {
	isolateAWSEnv(t)
	srv := startSandbox(t, nil)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("[profile sandbox]\nregion = %s\nendpoint_url = %s\n", testRegion, srv.URL())), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(creds, []byte("[sandbox]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "vpnlogs" {
  profile                  = "sandbox"
  shared_config_files      = [%q]
  shared_credentials_files = [%q]
  skip_metadata_api_check  = true
}`, cfg, creds) + accountDataSourceHCL,
			ConfigStateChecks: accountChecks(defaultCallerARN),
		}},
	})
}

// max_retries reaches the SDK's retryer: with every request throttled, max_retries = 2 makes exactly 3 attempts
// and the error carries the service's own throttling code.
func TestProviderConfig_maxRetries(t *testing.T) {
	isolateAWSEnv(t)
	srv := startSandbox(t, func(o *sandbox.Options) { o.ThrottleRate = 1 })
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "vpnlogs" {
  region      = %q
  access_key  = "a"
  secret_key  = "b"
  max_retries = 2
  retry_mode  = "standard"
  endpoints {
    sts = %q
  }
}`, testRegion, srv.URL()) + accountDataSourceHCL,
			ExpectError: expectDiag("Could not validate the AWS credentials", "Throttling", "The credentials themselves were not rejected"),
		}},
	})
	// terraform-plugin-testing plans more than once per step; each plan configures the provider once.
	n := callCount(srv, "sts", "GetCallerIdentity")
	if n == 0 || n%3 != 0 {
		t.Errorf("GetCallerIdentity attempts = %d, want a multiple of 3 (1 attempt + 2 retries per configuration)", n)
	}
}
