package provider

import (
	"fmt"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

func budgetDataSource(arns ...string) string {
	list := ""
	for _, a := range arns {
		list += fmt.Sprintf("%q, ", a)
	}
	return fmt.Sprintf(`
data "vpnlogs_resource_policy_budget" "test" {
  log_group_arns = [%s]
}
`, list)
}

// capture is a knownvalue check that records an int64 for a later step.
func capture(dst *int64) knownvalue.Check {
	return knownvalue.Int64Func(func(v int64) error {
		*dst = v
		return nil
	})
}

// Done when: used_characters equals the stored policy length the sandbox enforces, and after an apply the sandbox's
// new policy has exactly the projected length. The seeded delivery policy has multi-byte characters (counted as
// code points), and an unrelated policy is listed with its own size.
func TestResourcePolicyBudget_matchesSandbox(t *testing.T) {
	t.Parallel()
	// No automatic /aws/vendedlogs/* at the sandbox's (UNCONFIRMED) threshold: the test compares exact sizes.
	srv := startSandbox(t, func(o *sandbox.Options) { o.VendedLogsThreshold = 100 })
	id, ips := createVPNConnection(t, srv, nil)
	ordinary := createLogGroup(t, srv, "/vpn/budget")
	vended := createLogGroup(t, srv, vendedGroupPrefix+"budget")
	doc := seedDeliveryPolicyOfSize(t, srv, "Protokollzustellung-für-VPN-日本", 2500)
	srv.Logs().SeedAccountPolicy("route53-query-logging", unrelatedPolicy)
	stored := storedDeliveryPolicySize(t, srv)
	if stored == len(doc) {
		t.Fatal("test setup: the seeded policy must have multi-byte characters")
	}
	wantProjected := stored + deliveryEntryCost("/vpn/budget") + vendedWildcardCost
	addr := "data.vpnlogs_resource_policy_budget.test"

	var projected int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: budgetConfig(srv, 0, budgetDataSource(ordinary+":*", vended, ordinary)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("used_characters"), knownvalue.Int64Exact(int64(stored))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("projected_characters"), capture(&projected)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("projected_characters"), knownvalue.Int64Exact(int64(wantProjected))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("remaining_characters"), knownvalue.Int64Exact(int64(5120-wantProjected))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit"), knownvalue.Int64Exact(5120)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("fits"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("policy_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("max_policies"), knownvalue.Int64Exact(10)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("delivery_policy_name"), knownvalue.StringExact(deliveryPolicyName)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vendedlogs_covered"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("uncovered_log_group_arns"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(ordinary), knownvalue.StringExact(vended)})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("policies"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact(deliveryPolicyName), "scope": knownvalue.StringExact("ACCOUNT"),
							"characters": knownvalue.Int64Exact(int64(stored)), "resource_arn": knownvalue.Null(),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("route53-query-logging"), "scope": knownvalue.StringExact("ACCOUNT"),
							"characters": knownvalue.Int64Exact(int64(utf8.RuneCountInString(unrelatedPolicy))), "resource_arn": knownvalue.Null(),
						}),
					})),
				},
			},
			{
				// Enable delivery to both groups; the stored policy then has exactly the projected length.
				Config: budgetConfig(srv, 0, tunnelLog("ordinary", id, ips[0], fmt.Sprintf("%q", ordinary))+
					tunnelLog("vended", id, ips[1], fmt.Sprintf("%q", vended))),
				Check: func(*terraform.State) error {
					if got := storedDeliveryPolicySize(t, srv); int64(got) != projected {
						p, _ := srv.Logs().AccountPolicy(deliveryPolicyName)
						return fmt.Errorf("the sandbox stores %d characters after the apply; the data source projected %d:\n%s", got, projected, p.Document)
					}
					return nil
				},
			},
			{
				// Read again: both groups covered now, /aws/vendedlogs/ too.
				Config: budgetConfig(srv, 0, budgetDataSource(ordinary, vended, testLogGroupARN(vendedGroupPrefix+"other"))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("used_characters"), knownvalue.Int64Exact(int64(wantProjected))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("projected_characters"), knownvalue.Int64Exact(int64(wantProjected))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("vendedlogs_covered"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("uncovered_log_group_arns"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// Without a delivery policy, the projection is the policy AWS would create; the sandbox creates one of that length.
func TestResourcePolicyBudget_newPolicyMatchesSandbox(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.VendedLogsThreshold = 100 })
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, "/vpn/first")
	addr := "data.vpnlogs_resource_policy_budget.test"
	var projected int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: budgetConfig(srv, 0, budgetDataSource(group)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("delivery_policy_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("used_characters"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("policy_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("policies"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("fits"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("projected_characters"), capture(&projected)),
				},
			},
			{
				Config: budgetConfig(srv, 0, tunnelLog("t", id, ips[0], fmt.Sprintf("%q", group))),
				Check: func(*terraform.State) error {
					if got := storedDeliveryPolicySize(t, srv); int64(got) != projected {
						p, _ := srv.Logs().AccountPolicy(deliveryPolicyName)
						return fmt.Errorf("the sandbox created a policy of %d characters; the data source projected %d:\n%s", got, projected, p.Document)
					}
					return nil
				},
			},
		},
	})
}

// A group with its own log-group-level policy granting delivery (docs/design/aws-behaviour.md §3.6) does not grow the account-level
// policy; that policy is read with policyScope RESOURCE and listed. It is put as AWS takes a log group's policy: by
// resourceArn alone (PutResourcePolicy takes either a policy name or a resource ARN), so it has no name.
func TestResourcePolicyBudget_logGroupLevelPolicy(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	group := createLogGroup(t, srv, "/vpn/own-policy")
	other := createLogGroup(t, srv, "/vpn/no-policy")
	seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", 1000)
	own := `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite","Effect":"Allow",` +
		`"Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
		`"Resource":"` + group + `:*"}]}`
	acctest.PutLogGroupPolicy(t, srv, group, own)
	srv.ResetStats()
	addr := "data.vpnlogs_resource_policy_budget.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: budgetConfig(srv, 0, budgetDataSource(group, other)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("model"), knownvalue.StringExact("account")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("used_characters"), knownvalue.Int64Exact(1000)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("projected_characters"), knownvalue.Int64Exact(int64(1000+deliveryEntryCost("/vpn/no-policy")))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("uncovered_log_group_arns"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(other)})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("policy_count"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("policies").AtSliceIndex(1), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.Null(), "scope": knownvalue.StringExact("RESOURCE"),
					"characters": knownvalue.Int64Exact(int64(len(own))), "resource_arn": knownvalue.StringExact(group),
				})),
			},
		}},
	})
}

func TestResourcePolicyBudget_overLimitAndErrors(t *testing.T) {
	t.Parallel()
	t.Run("does not fit", func(t *testing.T) {
		t.Parallel()
		srv := startSandbox(t, nil)
		seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", 2000)
		addr := "data.vpnlogs_resource_policy_budget.test"
		want := 2000 + deliveryEntryCost("/vpn/x")
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				// The data source uses the provider's limit.
				Config: budgetConfig(srv, 2040, budgetDataSource(testLogGroupARN("/vpn/x"))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit"), knownvalue.Int64Exact(2040)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("projected_characters"), knownvalue.Int64Exact(int64(want))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("remaining_characters"), knownvalue.Int64Exact(int64(2040-want))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("fits"), knownvalue.Bool(false)),
				},
			}},
		})
	})
	t.Run("invalid ARN", func(t *testing.T) {
		t.Parallel()
		srv := startSandbox(t, nil)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      budgetConfig(srv, 0, budgetDataSource("/vpn/x")),
				ExpectError: expectDiag("Invalid log group ARN", "is not a CloudWatch Logs log group ARN"),
			}},
		})
	})
	t.Run("access denied", func(t *testing.T) {
		t.Parallel()
		srv := startSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:DescribeResourcePolicies"} })
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      budgetConfig(srv, 0, budgetDataSource()),
				ExpectError: expectDiag("reading CloudWatch Logs resource policies", "AccessDeniedException"),
			}},
		})
	})
}

// A budget read that depends on tunnel changes of the same apply sees the policy those changes grew: the run's
// shared read is invalidated by each change, not reused from before it.
func TestResourcePolicyBudget_readAfterChangeInSameRun(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.VendedLogsThreshold = 100 })
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, "/vpn/same-run")
	addr := "data.vpnlogs_resource_policy_budget.after"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: budgetConfig(srv, 0, tunnelLog("t", id, ips[0], fmt.Sprintf("%q", group))+`
data "vpnlogs_resource_policy_budget" "after" {
  depends_on = [vpnlogs_tunnel_logging.t]
}
`),
			Check: func(s *terraform.State) error {
				got := s.RootModule().Resources[addr].Primary.Attributes["used_characters"]
				if want := fmt.Sprint(storedDeliveryPolicySize(t, srv)); got != want {
					return fmt.Errorf("used_characters = %s after the apply, but the sandbox stores %s", got, want)
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("delivery_policy_name"), knownvalue.StringExact(deliveryPolicyName)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("policy_count"), knownvalue.Int64Exact(1)),
			},
		}},
	})
}
