package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// The two resource-policy models (docs/design/aws-behaviour.md §3.6): the same account, the same configuration, and
// the check follows the model the provider is told, or finds.

// groupPolicyDoc is the documented policy AWS writes for one log group (docs/design/aws-behaviour.md §3.4), minified and
// written out here so that the expectations share no code with the projection under test.
func groupPolicyDoc(name string) string {
	return fmt.Sprintf(seedDocHead, "AWSLogDeliveryWrite20150319") + fmt.Sprintf("%q", testLogGroupARN(name)+":log-stream:*") + seedDocTail
}

// modelConfig is budgetConfig (no size limit) with resource_policy_model set, unless model is empty.
func modelConfig(srv *sandbox.Server, model, extra string) string {
	cfg := budgetConfig(srv, 0, extra)
	if model == "" {
		return cfg
	}
	return strings.Replace(cfg, "provider \"vpnlogs\" {\n", fmt.Sprintf("provider \"vpnlogs\" {\n  resource_policy_model = %q\n", model), 1)
}

// nearlyFullAccount seeds an account-level delivery policy one character short of room for the plain group name.
func nearlyFullAccount(t *testing.T, srv *sandbox.Server, name string) string {
	t.Helper()
	return seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", 5120-deliveryEntryCost(name)+1)
}

// Done when: the same configuration (a plain group, the account-level policy nearly full) fails at plan under the
// account-level model and plans and applies under the log-group-level model, which creates the group's own policy
// and leaves the account-level one alone. The plan reads the account-level policies once and the group's own policy
// once: the budget data source reads it under both models (under the account-level model a group whose own policy
// grants delivery needs no account-level entry), and the plan-time check under the log-group model shares that read.
func TestModel_sameConfigurationBothModels(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		model       string
		reads       int
		expectError string
	}{
		{model: cwlogs.DeliveryModelAccount, reads: 2, expectError: "CloudWatch Logs resource policy would exceed its size limit"},
		{model: cwlogs.DeliveryModelLogGroup, reads: 2},
	} {
		t.Run(tc.model, func(t *testing.T) {
			t.Parallel()
			srv := startSandbox(t, func(o *sandbox.Options) { o.DeliveryPolicyModel = tc.model })
			id, ips := createVPNConnection(t, srv, nil)
			group := createLogGroup(t, srv, "/vpn/plain")
			seeded := nearlyFullAccount(t, srv, "/vpn/plain")
			config := modelConfig(srv, tc.model, tunnelLog("t", id, ips[0], fmt.Sprintf("%q", group))+budgetDataSource(group))
			addr := "data.vpnlogs_resource_policy_budget.test"
			step := resource.TestStep{
				PreConfig: srv.ResetStats,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectCallCount{srv: srv, service: "logs", action: "DescribeResourcePolicies", want: tc.reads},
					expectCallCount{srv: srv, service: "ec2", action: "ModifyVpnTunnelOptions", want: 0},
				}},
			}
			if tc.expectError != "" {
				step.ExpectError = expectDiag(tc.expectError, group+": +",
					`This assumes the account-level model, as resource_policy_model = "account" sets.`,
					`set resource_policy_model = "log-group": each group's own policy is then checked against its limit of 51200 bytes.`)
				resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
				if n := callCount(srv, "logs", "DescribeResourcePolicies"); n != tc.reads {
					t.Errorf("the failing plan made %d DescribeResourcePolicies calls, want %d", n, tc.reads)
				}
				if err := onlyReads(srv); err != nil {
					t.Error(err)
				}
				return
			}
			step.ConfigStateChecks = []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("model"), knownvalue.StringExact("log-group")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("model_evidence"),
					knownvalue.StringExact(`This assumes the log-group-level model, as resource_policy_model = "log-group" sets.`)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("fits"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("projected_characters"), knownvalue.Int64Exact(int64(len(seeded)))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("log_group_policies").AtSliceIndex(0).AtMapKey("new_policy"), knownvalue.Bool(true)),
			}
			step.Check = resource.ComposeAggregateTestCheckFunc(
				checkTunnelLogs(t, srv, id, ips[0], tunnelLogs{LogEnabled: true, LogGroupARN: group, LogFormat: "json"}),
				func(s *terraform.State) error {
					own := srv.Logs().ResourcePolicies(group)
					if len(own) != 1 || own[0].Document != groupPolicyDoc("/vpn/plain") {
						return fmt.Errorf("the group's own policies after the apply: %+v, want the documented policy for it", own)
					}
					if got := s.RootModule().Resources[addr].Primary.Attributes["log_group_policies.0.projected_bytes"]; got != fmt.Sprint(len(own[0].Document)) {
						return fmt.Errorf("the data source projected %s bytes; AWS (the sandbox) stored %d", got, len(own[0].Document))
					}
					if p, _ := srv.Logs().AccountPolicy(deliveryPolicyName); p.Document != seeded {
						return errors.New("the account-level policy changed under the log-group-level model")
					}
					return nil
				},
			)
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
		})
	}
}

// Done when: auto picks log-group when the evidence exists (a group a tunnel delivers to has its own policy granting
// delivery) and account otherwise; the budget data source reports model and evidence.
func TestModel_autoDecidesFromEvidence(t *testing.T) {
	t.Parallel()
	t.Run("evidence: log-group", func(t *testing.T) {
		t.Parallel()
		srv := startSandbox(t, func(o *sandbox.Options) { o.DeliveryPolicyModel = cwlogs.DeliveryModelLogGroup })
		id, ips := createVPNConnection(t, srv, nil)
		first := createLogGroup(t, srv, "/vpn/first")
		second := createLogGroup(t, srv, "/vpn/second")
		nearlyFullAccount(t, srv, "/vpn/second")
		// A tunnel delivers to /vpn/first already: AWS (the sandbox) gave that group its own policy.
		if err := srv.SetTunnelLogOptionsOutOfBand(id, ips[0], sandbox.TunnelLogOptions{LogEnabled: true, LogGroupARN: first}); err != nil {
			t.Fatal(err)
		}
		if len(srv.Logs().ResourcePolicies(first)) != 1 {
			t.Fatal("test setup: the sandbox did not give /vpn/first its own policy")
		}
		addr := "data.vpnlogs_resource_policy_budget.test"
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				PreConfig: srv.ResetStats,
				Config:    modelConfig(srv, "", tunnelLog("t", id, ips[1], fmt.Sprintf("%q", second))+budgetDataSource(second)),
				// The account-level policies, /vpn/first's own policy (the evidence) and /vpn/second's (the projection).
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectCallCount{srv: srv, service: "logs", action: "DescribeResourcePolicies", want: 3},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("model"), knownvalue.StringExact("log-group")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("model_evidence"), knownvalue.StringExact(
						`This assumes the log-group-level model, which resource_policy_model = "auto" chose: the own resource policy (`+
							deliveryPolicyName+`) of `+first+`, a log group that VPN tunnels deliver to, grants delivery.logs.amazonaws.com.`)),
				},
				Check: func(*terraform.State) error {
					if len(srv.Logs().ResourcePolicies(second)) != 1 {
						return errors.New("the apply did not give /vpn/second its own policy")
					}
					return nil
				},
			}},
		})
	})
	t.Run("no evidence: account", func(t *testing.T) {
		t.Parallel()
		srv := startSandbox(t, func(o *sandbox.Options) { o.DeliveryPolicyModel = cwlogs.DeliveryModelLogGroup })
		id, ips := createVPNConnection(t, srv, nil)
		second := createLogGroup(t, srv, "/vpn/second")
		nearlyFullAccount(t, srv, "/vpn/second")
		srv.ResetStats()
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: modelConfig(srv, "", tunnelLog("t", id, ips[1], fmt.Sprintf("%q", second))),
				ExpectError: expectDiag("CloudWatch Logs resource policy would exceed its size limit",
					`This assumes the account-level model, which resource_policy_model = "auto" chose: no VPN tunnel of the account and region delivers logs yet`,
					`set resource_policy_model = "log-group"`),
			}},
		})
		if n := callCount(srv, "logs", "DescribeResourcePolicies"); n != 1 {
			t.Errorf("auto without candidates made %d DescribeResourcePolicies calls, want 1", n)
		}
	})
	t.Run("account-model account: evidence costs nothing", func(t *testing.T) {
		t.Parallel()
		srv := startSandbox(t, nil)
		id, ips := createVPNConnection(t, srv, nil)
		old := createLogGroup(t, srv, "/vpn/old")
		if err := srv.SetTunnelLogOptionsOutOfBand(id, ips[0], sandbox.TunnelLogOptions{LogEnabled: true, LogGroupARN: old}); err != nil {
			t.Fatal(err)
		}
		addr := "data.vpnlogs_resource_policy_budget.test"
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				PreConfig: srv.ResetStats,
				Config:    modelConfig(srv, "", budgetDataSource()),
				// The account-level policies only: the one delivered group is in them, so no log-group-level read.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectCallCount{srv: srv, service: "logs", action: "DescribeResourcePolicies", want: 1},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("model"), knownvalue.StringExact("account")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("model_evidence"), knownvalue.StringExact(
						`This assumes the account-level model, which resource_policy_model = "auto" chose: the account-level policies `+
							`cover the one log group that VPN tunnels deliver to, as they do when AWS adds each group to them.`)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("log_group_policies"), knownvalue.ListSizeExact(0)),
				},
			}},
		})
	})
}

// Done when: a group near its own 51,200-byte limit fails at plan under the log-group-level model, before any write;
// the sandbox agrees that AWS would refuse the change.
func TestModel_groupNearItsOwnLimitFailsAtPlan(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.DeliveryPolicyModel = cwlogs.DeliveryModelLogGroup })
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, "/vpn/busy")
	// The group's own policy, as another tool wrote it: a grant for another group's streams, padded so that the
	// entry for /vpn/busy (its ARN, quotes and comma) is one byte too many.
	cost := deliveryEntryCost("/vpn/busy")
	other := groupPolicyDoc("/vpn/neighbour")
	pad := logdelivery.GroupPolicySizeLimit - cost + 1 - len(other)
	doc := strings.Replace(other, `"Sid":"AWSLogDeliveryWrite20150319"`, `"Sid":"AWSLogDeliveryWrite20150319`+strings.Repeat("x", pad)+`"`, 1)
	acctest.PutLogGroupPolicy(t, srv, group, doc)
	srv.ResetStats()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: modelConfig(srv, "log-group", tunnelLog("t", id, ips[0], fmt.Sprintf("%q", group))),
			ExpectError: expectDiag("CloudWatch Logs log group resource policy would exceed its size limit",
				"past its limit of 51200 bytes",
				fmt.Sprintf("%s: the unnamed policy from %d to %d bytes, 1 over (+%d for %s:log-stream:*) (%s/%s tunnel log)",
					group, len(doc), len(doc)+cost, cost, group, id, ips[0]),
				`This assumes the log-group-level model, as resource_policy_model = "log-group" sets.`,
				"Remove from each group's policy the statements it no longer needs",
				"/vpn/busy -> /aws/vendedlogs/vpn/busy",
				`set resource_policy_model = "account"`),
		}},
	})
	if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
		t.Errorf("ModifyVpnTunnelOptions was called %d times; the plan must fail before any write", n)
	}
	if err := onlyReads(srv); err != nil {
		t.Error(err)
	}
	var de *cwlogs.DeliveryError
	if err := srv.Logs().EnableDelivery([]string{group}); !errors.As(err, &de) || de.Code != cwlogs.DeliveryCodeInvalidParameterValue {
		t.Errorf("the sandbox's EnableDelivery returned %v, want %s", err, cwlogs.DeliveryCodeInvalidParameterValue)
	}
}

// The log-group-level projection and the sandbox's independent model of AWS agree on the size of each group's own
// policy after delivery is enabled, and on whether it fits.
func TestModel_groupProjectionMatchesSandbox(t *testing.T) {
	t.Parallel()
	putOwn := func(doc string) func(*testing.T, *sandbox.Server, string) {
		return func(t *testing.T, srv *sandbox.Server, group string) { acctest.PutLogGroupPolicy(t, srv, group, doc) }
	}
	exactFit := groupPolicyDoc("/vpn/neighbour")
	exactFit = strings.Replace(exactFit, `"Sid":"AWSLogDeliveryWrite20150319"`, `"Sid":"AWSLogDeliveryWrite20150319`+
		strings.Repeat("x", logdelivery.GroupPolicySizeLimit-deliveryEntryCost("/vpn/x")-len(exactFit))+`"`, 1)
	cases := map[string]struct {
		group string
		seed  func(*testing.T, *sandbox.Server, string)
	}{
		"no policy yet":                   {group: "/vpn/x"},
		"a vendedlogs group, no wildcard": {group: "/aws/vendedlogs/vpn/x"},
		"a grant for another group":       {group: "/vpn/x", seed: putOwn(groupPolicyDoc("/vpn/neighbour"))},
		"a string Resource": {group: "/vpn/x", seed: putOwn(`{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite",` +
			`"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
			`"Resource":"` + testLogGroupARN("/old") + `:log-stream:*"}]}`)},
		"another service's policy": {group: "/vpn/x", seed: putOwn(unrelatedPolicy)},
		"exactly the limit":        {group: "/vpn/x", seed: putOwn(exactFit)},
		"already granted":          {group: "/vpn/x", seed: putOwn(groupPolicyDoc("/vpn/x"))},
	}
	for name, sc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startSandbox(t, func(o *sandbox.Options) { o.DeliveryPolicyModel = cwlogs.DeliveryModelLogGroup })
			arn := createLogGroup(t, srv, sc.group)
			if sc.seed != nil {
				sc.seed(t, srv, arn)
			}
			d := budgetTestProviderDataWith(t, srv, budgetSettings{limit: 5120, model: logdelivery.ModelLogGroup})
			diags := planDeliveries(d, "test", sc.group)
			res, err := d.budgetRun().Add(context.Background(), nil)
			if err != nil || len(res.GroupPolicies) != 1 {
				t.Fatalf("err %v, group policies %+v", err, res.GroupPolicies)
			}
			gp := res.GroupPolicies[0]
			enableErr := srv.Logs().EnableDelivery([]string{arn})
			if gp.Fits() != (enableErr == nil) || diags.HasError() == gp.Fits() {
				t.Fatalf("projection fits = %v (%d bytes), diagnostics %v, sandbox: %v", gp.Fits(), gp.ProjectedBytes, diags, enableErr)
			}
			own := srv.Logs().ResourcePolicies(arn)
			if len(own) != 1 || len(own[0].Document) != gp.ProjectedBytes {
				t.Errorf("the sandbox stores %+v; projected %d bytes (%s)", own, gp.ProjectedBytes, gp.TextReplaces)
			}
			if len(srv.Logs().AccountPolicies()) != 0 {
				t.Error("the sandbox wrote an account-level policy under the log-group-level model")
			}
		})
	}
}

// Under the log-group-level model a log group outside /aws/vendedlogs/ does not grow the account-level policy, so it
// needs no opt-in; under the others the error says how to choose that model.
func TestModel_logGroupOptIn(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	group := `
resource "vpnlogs_log_group" "plain" {
  name = "/vpn/plain-by-model"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: modelConfig(srv, "", group),
				ExpectError: expectDiag("Log group outside /aws/vendedlogs/",
					`set resource_policy_model = "log-group": a name outside /aws/vendedlogs/ then costs the account-level policy nothing`),
			},
			{
				Config: modelConfig(srv, "log-group", group),
				Check:  resource.TestCheckResourceAttr("vpnlogs_log_group.plain", "arn", testLogGroupARN("/vpn/plain-by-model")),
			},
		},
	})
}

// Under the log-group-level model, a plain log group created by the same plan (no opt-in needed) plans, although it
// does not exist yet when its own policy is read, and the apply gives it its own policy.
func TestModel_groupCreatedInTheSamePlan(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.DeliveryPolicyModel = cwlogs.DeliveryModelLogGroup })
	id, ips := createVPNConnection(t, srv, nil)
	nearlyFullAccount(t, srv, "/vpn/created")
	config := modelConfig(srv, "log-group", `
resource "vpnlogs_log_group" "new" {
  name = "/vpn/created"
}
`+tunnelLog("t", id, ips[0], "vpnlogs_log_group.new.arn"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				own := srv.Logs().ResourcePolicies(testLogGroupARN("/vpn/created"))
				if len(own) != 1 || own[0].Document != groupPolicyDoc("/vpn/created") {
					return fmt.Errorf("the new group's own policy: %+v", own)
				}
				return nil
			},
		}},
	})
}
