package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The documented action sets, written out by hand (not taken from iampolicy), so that a change to the policy
// shows up here.
var (
	docDeliveryActions = []string{
		"logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
		"logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
	}
	docTunnelActions = []string{"ec2:DescribeVpnConnections", "ec2:ModifyVpnTunnelOptions"}
	docReadActions   = []string{"logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:GetQueryResults", "logs:StartQuery"}
)

func sortedConcat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Strings(out)
	return out
}

func stringListExact(values []string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

type parsedPolicy struct {
	Version   string
	Statement []struct {
		Sid      string
		Effect   string
		Action   []string
		Resource []string
	}
}

// policyJSONCheck parses the json attribute with encoding/json and checks that its actions are exactly want, and
// the resource of each statement.
func policyJSONCheck(wantActions []string, wantResources map[string]string) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		var p parsedPolicy
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return fmt.Errorf("json does not parse: %w", err)
		}
		if p.Version != "2012-10-17" {
			return fmt.Errorf("Version %q", p.Version)
		}
		var actions []string
		resources := map[string]string{}
		for _, s := range p.Statement {
			if s.Effect != "Allow" || len(s.Resource) != 1 {
				return fmt.Errorf("statement %s: Effect %q, Resource %v", s.Sid, s.Effect, s.Resource)
			}
			if !sort.StringsAreSorted(s.Action) {
				return fmt.Errorf("statement %s: actions not sorted: %v", s.Sid, s.Action)
			}
			actions = append(actions, s.Action...)
			resources[s.Sid] = s.Resource[0]
		}
		sort.Strings(actions)
		if !reflect.DeepEqual(actions, wantActions) {
			return fmt.Errorf("actions %v, want exactly %v", actions, wantActions)
		}
		if !reflect.DeepEqual(resources, wantResources) {
			return fmt.Errorf("resources %v, want %v", resources, wantResources)
		}
		return nil
	})
}

func TestIAMPolicyDocumentDataSource(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	addr := "data.vpnlogs_iam_policy_document.test"
	unscoped := map[string]string{
		"S2SVPNLogging": "*", "S2SVPNLoggingCWL": "*", "S2SVPNTunnelModify": "*", "S2SVPNDescribeConnections": "*",
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{ // defaults: the two documented statements (docs/design/aws-behaviour.md §4.1) plus the tunnel statements, unscoped
				Config: sandboxProviderConfig(srv, `data "vpnlogs_iam_policy_document" "test" {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("json"), policyJSONCheck(sortedConcat(docDeliveryActions, docTunnelActions), unscoped)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("json"), knownvalue.StringExact(
						`{"Version":"2012-10-17","Statement":[`+
							`{"Sid":"S2SVPNLogging","Effect":"Allow","Action":["logs:CreateLogDelivery","logs:DeleteLogDelivery","logs:GetLogDelivery","logs:ListLogDeliveries","logs:UpdateLogDelivery"],"Resource":["*"]},`+
							`{"Sid":"S2SVPNLoggingCWL","Effect":"Allow","Action":["logs:DescribeLogGroups","logs:DescribeResourcePolicies","logs:PutResourcePolicy"],"Resource":["*"]},`+
							`{"Sid":"S2SVPNTunnelModify","Effect":"Allow","Action":["ec2:ModifyVpnTunnelOptions"],"Resource":["*"]},`+
							`{"Sid":"S2SVPNDescribeConnections","Effect":"Allow","Action":["ec2:DescribeVpnConnections"],"Resource":["*"]}]}`)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("actions"), stringListExact(sortedConcat(docDeliveryActions, docTunnelActions))),
				},
			},
			{ // read actions, scoped to a region and account
				Config: sandboxProviderConfig(srv, `
data "vpnlogs_iam_policy_document" "test" {
  region       = "eu-west-1"
  account_id   = "111122223333"
  include_read = true
}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("json"), policyJSONCheck(
						sortedConcat(docDeliveryActions, docTunnelActions, docReadActions),
						map[string]string{
							"S2SVPNLogging": "*", "S2SVPNLoggingCWL": "*",
							"S2SVPNTunnelModify":        "arn:aws:ec2:eu-west-1:111122223333:vpn-connection/*",
							"S2SVPNDescribeConnections": "*",
							"S2SVPNLogsRead":            "arn:aws:logs:eu-west-1:111122223333:log-group:*",
							"S2SVPNLogsQueryResults":    "*",
						})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("actions"), stringListExact(sortedConcat(docDeliveryActions, docTunnelActions, docReadActions))),
				},
			},
			{ // without the tunnel statements; partition from the region
				Config: sandboxProviderConfig(srv, `
data "vpnlogs_iam_policy_document" "test" {
  region                = "cn-north-1"
  include_read          = true
  include_tunnel_modify = false
}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("json"), policyJSONCheck(
						sortedConcat(docDeliveryActions, docReadActions),
						map[string]string{
							"S2SVPNLogging": "*", "S2SVPNLoggingCWL": "*",
							"S2SVPNLogsRead":         "arn:aws-cn:logs:cn-north-1:*:log-group:*",
							"S2SVPNLogsQueryResults": "*",
						})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("actions"), stringListExact(sortedConcat(docDeliveryActions, docReadActions))),
				},
			},
			{
				Config:      sandboxProviderConfig(srv, `data "vpnlogs_iam_policy_document" "test" { account_id = "12345" }`),
				ExpectError: expectDiag("account_id", "12-digit"),
			},
			{
				Config: sandboxProviderConfig(srv, `
data "vpnlogs_iam_policy_document" "test" {
  region    = "us-east-1"
  partition = "aws-cn"
}`),
				ExpectError: expectDiag("Invalid policy scope", "region us-east-1 is in partition aws, not aws-cn"),
			},
		},
	})

	// The document is computed locally: no IAM, EC2 or CloudWatch Logs call.
	for _, svc := range []string{"iam", "ec2", "logs"} {
		if n := len(srv.Stats()[svc]); n != 0 {
			t.Errorf("the policy document called %s: %v", svc, srv.Stats()[svc])
		}
	}
}

// readExample returns an example configuration from examples/, which the documentation shows.
func readExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIAMPolicyDocumentDataSource_example(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sandboxProviderConfig(srv, readExample(t, "data-sources/vpnlogs_iam_policy_document/data-source.tf")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("vpn_logs_policy", policyJSONCheck(
					sortedConcat(docDeliveryActions, docTunnelActions, docReadActions),
					map[string]string{
						"S2SVPNLogging": "*", "S2SVPNLoggingCWL": "*",
						"S2SVPNTunnelModify":        "arn:aws:ec2:us-east-1:123456789012:vpn-connection/*",
						"S2SVPNDescribeConnections": "*",
						"S2SVPNLogsRead":            "arn:aws:logs:us-east-1:123456789012:log-group:*",
						"S2SVPNLogsQueryResults":    "*",
					})),
				statecheck.ExpectKnownOutputValue("vpn_logs_actions", stringListExact(sortedConcat(docDeliveryActions, docTunnelActions, docReadActions))),
				statecheck.ExpectKnownValue("data.vpnlogs_iam_policy_document.delivery_only", tfjsonpath.New("actions"), stringListExact(docDeliveryActions)),
			},
		}},
	})
}
