package provider

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

const (
	testRegion        = acctest.Region
	testAccountID     = acctest.AccountID
	testAccessKeyID   = acctest.AccessKeyID
	testSecretKey     = acctest.SecretKey
	vendedGroupPrefix = "/aws/vendedlogs/vpn/"
)

// The fixtures live in internal/acctest, shared with the end-to-end tests; these names keep provider tests short.

func startSandbox(t *testing.T, mutate func(*sandbox.Options)) *sandbox.Server {
	return acctest.StartSandbox(t, mutate)
}

func sandboxEC2(srv *sandbox.Server) *ec2.Client             { return acctest.EC2(srv) }
func sandboxLogs(srv *sandbox.Server) *cloudwatchlogs.Client { return acctest.Logs(srv) }
func testLogGroupARN(name string) string                     { return acctest.LogGroupARN(name) }
func callCount(srv *sandbox.Server, service, action string) int {
	return acctest.CallCount(srv, service, action)
}

func createLogGroup(t *testing.T, srv *sandbox.Server, name string) string {
	return acctest.CreateLogGroup(t, srv, name)
}

func createVPNConnection(t *testing.T, srv *sandbox.Server, tags map[string]string) (string, []string) {
	return acctest.CreateVPNConnection(t, srv, tags)
}

// sandboxProviderConfig is a provider block pointing every service at srv, followed by extra configuration.
func sandboxProviderConfig(srv *sandbox.Server, extra string) string {
	return sandboxProviderConfigWith(srv, "max_retries = 5", extra)
}

// sandboxProviderConfigWith is sandboxProviderConfig with other provider arguments than max_retries = 5.
func sandboxProviderConfigWith(srv *sandbox.Server, providerArgs, extra string) string {
	return fmt.Sprintf(`
provider "vpnlogs" {
  region                  = %[2]q
  access_key              = %[3]q
  secret_key              = %[4]q
  skip_metadata_api_check = true
  %[6]s
  endpoints {
    ec2  = %[1]q
    logs = %[1]q
    sts  = %[1]q
    iam  = %[1]q
  }
}
%[5]s
`, srv.URL(), testRegion, acctest.AccessKeyID, acctest.SecretKey, extra, providerArgs)
}
