package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// The documented delivery policy (docs/design/aws-behaviour.md §3.4), minified, written out here so that seeding shares no code with
// the projection under test.
const (
	seedDocHead = `{"Version":"2012-10-17","Statement":[{"Sid":%q,"Effect":"Allow",` +
		`"Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":[`
	seedDocTail = `],"Condition":{"StringEquals":{"aws:SourceAccount":["123456789012"]},` +
		`"ArnLike":{"aws:SourceArn":["arn:aws:logs:us-east-1:123456789012:*"]}}}]}`
	deliveryPolicyName = "AWSLogDeliveryWrite20150319"
	// unrelatedPolicy is an account-level policy for another service, with characters outside ASCII.
	unrelatedPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Route53Abfragen-für-日本","Effect":"Allow",` +
		`"Principal":{"Service":"route53.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
		`"Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/*"}]}`
)

// deliveryEntryCost is what AWS adds to a minified Resource list for one ordinary group: the entry, two quotes
// and a comma.
func deliveryEntryCost(name string) int { return len(testLogGroupARN(name)+":log-stream:*") + 3 }

// vendedWildcardCost is what the one /aws/vendedlogs/* entry adds.
var vendedWildcardCost = len(testLogGroupARN("/aws/vendedlogs/*")) + 3

func seedDocument(sid string, names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", testLogGroupARN(n)+":log-stream:*")
	}
	return fmt.Sprintf(seedDocHead, sid) + strings.Join(q, ",") + seedDocTail
}

// seedDeliveryPolicyOfSize stores a documented delivery policy covering groups /seed/NNNN (the last one padded)
// whose document is exactly size characters, and returns the document.
func seedDeliveryPolicyOfSize(t *testing.T, srv *sandbox.Server, sid string, size int) string {
	t.Helper()
	names := []string{"/seed/0000"}
	for i := 1; utf8.RuneCountInString(seedDocument(sid, names))+deliveryEntryCost("/seed/0000")+deliveryEntryCost("/seed/0000") <= size; i++ {
		names = append(names, fmt.Sprintf("/seed/%04d", i))
	}
	pad := size - utf8.RuneCountInString(seedDocument(sid, names))
	if pad < 0 {
		t.Fatalf("cannot seed a policy of %d characters", size)
	}
	names[len(names)-1] += strings.Repeat("x", pad)
	doc := seedDocument(sid, names)
	if n := utf8.RuneCountInString(doc); n != size {
		t.Fatalf("seeded %d characters, want %d", n, size)
	}
	srv.Logs().SeedAccountPolicy(deliveryPolicyName, doc)
	return doc
}

// storedDeliveryPolicySize is the length of the delivery policy as the sandbox stores and enforces it.
func storedDeliveryPolicySize(t *testing.T, srv *sandbox.Server) int {
	t.Helper()
	p, ok := srv.Logs().AccountPolicy(deliveryPolicyName)
	if !ok {
		t.Fatalf("the sandbox has no %s", deliveryPolicyName)
	}
	return utf8.RuneCountInString(p.Document)
}

// budgetConfig is sandboxProviderConfig with the IAM preflight off (these tests are about the policy budget) and,
// if limit > 0, resource_policy_size_limit set.
func budgetConfig(srv *sandbox.Server, limit int, extra string) string {
	settings := "  preflight_permissions = false\n"
	if limit > 0 {
		settings += fmt.Sprintf("  resource_policy_size_limit = %d\n", limit)
	}
	return strings.Replace(sandboxProviderConfig(srv, extra), "provider \"vpnlogs\" {\n", "provider \"vpnlogs\" {\n"+settings, 1)
}

// tunnelLog is one vpnlogs_tunnel_logging resource delivering the activity log to arnExpr (an HCL expression).
func tunnelLog(name, id, ip, arnExpr string) string {
	return fmt.Sprintf(`
resource "vpnlogs_tunnel_logging" %q {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  tunnel_log                = { log_group_arn = %s }
}
`, name, id, ip, arnExpr)
}

// onlyReads fails when the sandbox served anything but reads (and the IAM simulation).
func onlyReads(srv *sandbox.Server) error {
	for _, r := range srv.Requests() {
		a := r.Action
		if !strings.HasPrefix(a, "Describe") && !strings.HasPrefix(a, "Get") && !strings.HasPrefix(a, "List") && !strings.HasPrefix(a, "Simulate") {
			return fmt.Errorf("the sandbox served %s:%s, a write, although the plan failed", r.Service, a)
		}
	}
	return nil
}

// Done when: a delivery policy seeded near the limit makes the plan of a tunnel logging to a non-vendedlogs group
// fail before any write, while a vendedlogs group (vpnlogs_log_group in the same configuration) plans and applies.
func TestBudget_nearLimitFailsBeforeAnyWrite(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	overflow := createLogGroup(t, srv, "/vpn/overflow")
	// Adding /vpn/overflow needs one character more than is left; the wildcard still fits.
	size := 5120 - deliveryEntryCost("/vpn/overflow") + 1
	if size+vendedWildcardCost > 5120 {
		t.Fatal("test setup: the wildcard must fit")
	}
	seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", size)
	srv.ResetStats()

	logGroup := `
resource "vpnlogs_log_group" "ok" {
  name = "/aws/vendedlogs/vpn/ok"
}
`
	good := tunnelLog("good", id, ips[1], "vpnlogs_log_group.ok.arn")
	bad := tunnelLog("bad", id, ips[0], fmt.Sprintf("%q", overflow))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: budgetConfig(srv, 0, logGroup+good+bad),
				ExpectError: expectDiag("CloudWatch Logs resource policy would exceed its size limit",
					fmt.Sprintf("AWSLogDeliveryWrite20150319 from %d to", size),
					"the limit is 5120 (the provider's resource_policy_size_limit)",
					overflow+": +"+fmt.Sprint(deliveryEntryCost("/vpn/overflow"))+" characters ("+id+"/"+ips[0]+" tunnel log)",
					`name = "/aws/vendedlogs/vpn/overflow"`,
					"/vpn/overflow -> /aws/vendedlogs/vpn/overflow"),
			},
			{
				PreConfig: func() {
					if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
						t.Errorf("ModifyVpnTunnelOptions was called %d times; the plan must fail before any write", n)
					}
					if err := onlyReads(srv); err != nil {
						t.Error(err)
					}
					if got := storedDeliveryPolicySize(t, srv); got != size {
						t.Errorf("the policy changed from %d to %d characters although the plan failed", size, got)
					}
				},
				// The vendedlogs group alone plans and applies: one wildcard, which fits.
				Config: budgetConfig(srv, 0, logGroup+good),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTunnelLogs(t, srv, id, ips[1], tunnelLogs{LogEnabled: true, LogGroupARN: testLogGroupARN("/aws/vendedlogs/vpn/ok"), LogFormat: "json"}),
					func(*terraform.State) error {
						if got, want := storedDeliveryPolicySize(t, srv), size+vendedWildcardCost; got != want {
							return fmt.Errorf("the policy has %d characters after adding the wildcard, want %d", got, want)
						}
						return nil
					},
				),
			},
		},
	})
}

// Done when: several resources that each fit alone but overflow together fail together, with one error listing
// all their groups; the plan reads the policies once, also with the budget data source in the configuration.
func TestBudget_overflowTogether(t *testing.T) {
	t.Parallel()
	// The sandbox must not add the /aws/vendedlogs/* wildcard on its own (at 80% of the limit by default: an
	// UNCONFIRMED threshold the projection does not model), so that step 2 can check the exact size.
	srv := startSandbox(t, func(o *sandbox.Options) { o.VendedLogsThreshold = 100 })
	id1, ips1 := createVPNConnection(t, srv, nil)
	id2, ips2 := createVPNConnection(t, srv, nil)
	a, b, c := createLogGroup(t, srv, "/vpn/a"), createLogGroup(t, srv, "/vpn/b"), createLogGroup(t, srv, "/vpn/c")
	cost := deliveryEntryCost("/vpn/a")
	// Any two fit, all three need one character more than the limit.
	size := 5120 - 3*cost + 1
	seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", size)
	srv.ResetStats()

	tunnels := tunnelLog("a", id1, ips1[0], fmt.Sprintf("%q", a)) +
		tunnelLog("b", id1, ips1[1], fmt.Sprintf("%q", b)) +
		tunnelLog("c", id2, ips2[0], fmt.Sprintf("%q", c+":*"))
	budget := `
data "vpnlogs_resource_policy_budget" "now" {}
output "used" {
  value = data.vpnlogs_resource_policy_budget.now.used_characters
}
`
	const summary = "CloudWatch Logs resource policy would exceed its size limit"
	want := expectDiag(summary,
		fmt.Sprintf("from %d to %d characters; the limit is 5120", size, size+3*cost), "1 over",
		"What grows the policy, in characters of its minified document (3 log groups):", a+": +", b+": +", c+": +", "/vpn/a -> /aws/vendedlogs/vpn/a",
		"/vpn/b -> /aws/vendedlogs/vpn/b", "/vpn/c -> /aws/vendedlogs/vpn/c")
	var planErr error
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// ErrorCheck sees the whole error text of the first step. Pairs fit: only the resource planned last fails,
		// and its one error lists all three groups.
		ErrorCheck: func(err error) error {
			if planErr != nil {
				return err // only the first step may fail
			}
			planErr = err
			if n := strings.Count(err.Error(), summary); n != 1 {
				return fmt.Errorf("the budget error appears %d times, want once: %w", n, err)
			}
			if !want.MatchString(err.Error()) {
				return fmt.Errorf("the error does not match %s: %w", want, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: budgetConfig(srv, 0, budget+tunnels),
			},
			{
				PreConfig: func() {
					if planErr == nil {
						t.Error("the plan of all three did not fail")
					}
					if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
						t.Errorf("ModifyVpnTunnelOptions was called %d times; the plan must fail before any write", n)
					}
					if n := callCount(srv, "logs", "DescribeResourcePolicies"); n != 1 {
						t.Errorf("one plan of three tunnels and the budget data source made %d DescribeResourcePolicies calls, want 1", n)
					}
					if err := onlyReads(srv); err != nil {
						t.Error(err)
					}
				},
				// Each one alone fits.
				Config: budgetConfig(srv, 0, tunnelLog("c", id2, ips2[0], fmt.Sprintf("%q", c+":*"))),
				Check: func(*terraform.State) error {
					if got := storedDeliveryPolicySize(t, srv); got != size+cost {
						return fmt.Errorf("the policy has %d characters, want %d", got, size+cost)
					}
					return nil
				},
			},
		},
	})
}

// Done when: the 11th-policy case. Ten unrelated account-level policies and no delivery policy: AWS would have to
// create an 11th, which it refuses; the plan fails before any write, and the sandbox agrees it would refuse.
func TestBudget_eleventhPolicy(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"eleventh")
	for i := range 10 {
		srv.Logs().SeedAccountPolicy(fmt.Sprintf("other-%02d", i), unrelatedPolicy)
	}
	srv.ResetStats()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: budgetConfig(srv, 0, tunnelLog("t", id, ips[0], fmt.Sprintf("%q", group))),
			ExpectError: expectDiag("Too many CloudWatch Logs resource policies",
				"AWSLogDeliveryWrite20150319, which does not exist yet", "policy number 11", "at most 10",
				"us-east-1 already has 10: other-00,", group, "Fix: Delete an account-level resource policy that is no longer needed"),
		}},
	})
	if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
		t.Errorf("ModifyVpnTunnelOptions was called %d times; the plan must fail before any write", n)
	}
	// The independent model agrees: enabling delivery now fails for lack of a policy slot.
	var de *cwlogs.DeliveryError
	if err := srv.Logs().EnableDelivery([]string{group}); !errors.As(err, &de) || de.Code != cwlogs.DeliveryCodeResourceLimitExceeded {
		t.Errorf("the sandbox's EnableDelivery returned %v, want %s", err, cwlogs.DeliveryCodeResourceLimitExceeded)
	}
}

// Done when: access denied gives the warning and the plan continues (here: through apply).
func TestBudget_accessDeniedPlanContinues(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"denied")
	srv.SetDenyActions([]string{"logs:DescribeResourcePolicies"}, nil)
	srv.ResetStats()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: budgetConfig(srv, 0, tunnelLog("t", id, ips[0], fmt.Sprintf("%q", group))),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkTunnelLogs(t, srv, id, ips[0], tunnelLogs{LogEnabled: true, LogGroupARN: group, LogFormat: "json"}),
				func(*terraform.State) error {
					denied := 0
					for _, r := range srv.Requests() {
						if r.Action == "DescribeResourcePolicies" && r.ErrorCode == "AccessDeniedException" {
							denied++
						}
					}
					if denied == 0 {
						return errors.New("the plan never tried DescribeResourcePolicies")
					}
					return nil
				},
			),
		}},
	})
}

// budgetTestProviderData configures provider data against the sandbox, as Configure does, with the given policy
// size limit, the default model (auto) and a short settle time for the plan's verdict.
func budgetTestProviderData(t *testing.T, srv *sandbox.Server, limit int) *providerData {
	t.Helper()
	return budgetTestProviderDataWith(t, srv, budgetSettings{limit: limit, model: logdelivery.ModelAuto})
}

// budgetTestProviderDataWith is budgetTestProviderData with the given budget settings.
func budgetTestProviderDataWith(t *testing.T, srv *sandbox.Server, settings budgetSettings) *providerData {
	t.Helper()
	retries := 0
	c, err := awsconfig.Load(context.Background(), awsconfig.Config{
		Region: testRegion, AccessKey: acctest.AccessKeyID, SecretKey: acctest.SecretKey, EndpointURL: srv.URL(),
		SkipMetadataAPICheck: true, MaxRetries: &retries,
	})
	if err != nil {
		t.Fatal(err)
	}
	return newProviderData(c, settings, false, WithVPNOptions(testVPNOptions), withPlanTiming(30*time.Millisecond, 5*time.Second))
}

// planDeliveries is one planning call of d's run that starts delivering to the named groups, as ModifyPlan makes
// it; it returns the diagnostics the call gets (the verdict, when it carries it).
func planDeliveries(d *providerData, source string, names ...string) diag.Diagnostics {
	call := d.plan.begin()
	call.key, call.changes = "2|"+source, true
	for _, n := range names {
		a, _ := logdelivery.ParseLogGroupARN(testLogGroupARN(n))
		call.deliveries = append(call.deliveries, logdelivery.Planned{Group: a, Source: source})
	}
	d.keyDeliveries(context.Background(), call)
	var diags diag.Diagnostics
	call.finish(context.Background(), &diags)
	return diags
}

// Eight resources planned at once, the policies unreadable: one warning, on the resource of the first group by
// ARN, naming every group; one read.
func TestBudget_checkAccessDeniedWarnsOnce(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:DescribeResourcePolicies"} })
	d := budgetTestProviderData(t, srv, 5120)
	all := make([]diag.Diagnostics, 8)
	var wg sync.WaitGroup
	for i := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			all[i] = planDeliveries(d, fmt.Sprintf("r%d", i), fmt.Sprintf("/vpn/%d", i))
		}()
	}
	wg.Wait()
	for i, ds := range all {
		if ds.HasError() {
			t.Errorf("r%d: errors: %v", i, ds.Errors())
		}
		if i > 0 && len(ds) > 0 {
			t.Errorf("r%d got %v; only r0 (the first group by ARN) carries the verdict", i, ds)
		}
	}
	if len(all[0]) != 1 {
		t.Fatalf("r0 got %d diagnostics, want the one warning: %v", len(all[0]), all[0])
	}
	w := all[0][0]
	if w.Summary() != "CloudWatch Logs resource policy budget not checked" || w.Severity() != diag.SeverityWarning {
		t.Errorf("diagnostic %s: %q", w.Severity(), w.Summary())
	}
	for _, phrase := range []string{
		"logs:DescribeResourcePolicies in us-east-1) was denied (access denied)",
		"whether enabling the log delivery planned in this run fits the log delivery resource policy AWSLogDeliveryWrite20150319 (limit 5120 characters",
		"or the limit of 10 account-level resource policies was not checked",
		"This applies to " + testLogGroupARN("/vpn/0") + ", " + testLogGroupARN("/vpn/1"), testLogGroupARN("/vpn/7") + ".",
		"allow logs:DescribeResourcePolicies", "AccessDeniedException",
	} {
		if !strings.Contains(w.Detail(), phrase) {
			t.Errorf("warning detail lacks %q:\n%s", phrase, w.Detail())
		}
	}
	if n := callCount(srv, "logs", "DescribeResourcePolicies"); n != 1 {
		t.Errorf("%d DescribeResourcePolicies calls, want 1 (a failure is remembered)", n)
	}
	// A later round of the same run does not repeat it.
	if again := planDeliveries(d, "late", "/vpn/late"); len(again) != 0 {
		t.Errorf("a later round repeated the warning: %v", again)
	}
}

func TestBudget_checkNearLimitWarning(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	cost := deliveryEntryCost("/vpn/near")
	size := 4700 // 4700 + cost is over 90% of 5120 and within it
	seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", size)
	d := budgetTestProviderData(t, srv, 5120)

	diags := planDeliveries(d, "vpn-1/203.0.113.1 tunnel log", "/vpn/near")
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	w := diags.Warnings()[0]
	pct := 100 * float64(size+cost) / 5120
	for _, phrase := range []string{
		fmt.Sprintf("from %d to %d characters, %.0f%% of the limit of 5120 (the provider's resource_policy_size_limit)", size, size+cost, pct),
		fmt.Sprintf("%d characters would remain", 5120-size-cost),
		testLogGroupARN("/vpn/near") + fmt.Sprintf(": +%d characters (vpn-1/203.0.113.1 tunnel log)", cost),
		"To keep room, deliver to log groups whose names start with /aws/vendedlogs/",
		"/vpn/near -> /aws/vendedlogs/vpn/near",
	} {
		if !strings.Contains(w.Detail(), phrase) {
			t.Errorf("warning lacks %q:\n%s", phrase, w.Detail())
		}
	}
	if w.Summary() != "CloudWatch Logs resource policy close to its size limit" {
		t.Errorf("summary %q", w.Summary())
	}

	// A group that is already covered adds nothing and says nothing.
	if diags := planDeliveries(d, "x", "/seed/0000"); len(diags) != 0 {
		t.Errorf("covered group: %v", diags)
	}
	if n := callCount(srv, "logs", "DescribeResourcePolicies"); n != 1 {
		t.Errorf("%d DescribeResourcePolicies calls in one run, want 1", n)
	}
}

// Rounds of one run aggregate: each round's verdict covers every group of the run, a warning is given once, and the
// error of the round that overflows lists every group; a later run reads again.
func TestBudget_checkAggregatesAcrossCalls(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	limit := 1000
	doc := seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", 700)
	d := budgetTestProviderData(t, srv, limit)

	if first := planDeliveries(d, "one", "/vpn/first"); first.HasError() {
		t.Fatalf("the first group fits: %v", first)
	}
	// 700 + 2 × ~76 is still under 1000: add groups until it overflows.
	var last diag.Diagnostics
	names := []string{"/vpn/first"}
	warnings := 0
	for i := 0; !last.HasError() && i < 10; i++ {
		names = append(names, fmt.Sprintf("/vpn/more-%d", i))
		last = planDeliveries(d, fmt.Sprintf("r%d", i), names[len(names)-1])
		warnings += last.WarningsCount()
	}
	if !last.HasError() {
		t.Fatalf("no error after %d groups", len(names))
	}
	if warnings != 1 {
		t.Errorf("%d near-limit warnings over the rounds, want 1", warnings)
	}
	detail := last.Errors()[0].Detail()
	want := utf8.RuneCountInString(doc)
	for _, n := range names {
		want += deliveryEntryCost(n)
	}
	if !strings.Contains(detail, fmt.Sprintf("from 700 to %d characters; the limit is %d", want, limit)) {
		t.Errorf("detail:\n%s", detail)
	}
	for _, n := range names {
		if !strings.Contains(detail, testLogGroupARN(n)+": +") {
			t.Errorf("the error does not list %s:\n%s", n, detail)
		}
	}
	if again := planDeliveries(d, "after", "/vpn/after"); again.HasError() {
		t.Errorf("a round after the error repeated it: %v", again)
	}
	if n := callCount(srv, "logs", "DescribeResourcePolicies"); n != 1 {
		t.Errorf("%d DescribeResourcePolicies calls in one run, want 1", n)
	}
	// A new run (a new Configure) starts from the account again.
	d2 := budgetTestProviderData(t, srv, limit)
	if fresh := planDeliveries(d2, "one", "/vpn/first"); fresh.HasError() || callCount(srv, "logs", "DescribeResourcePolicies") != 2 {
		t.Errorf("second run: %v", fresh)
	}
}

// The projection and the sandbox's independent model of AWS agree on the size of the policy after delivery is
// enabled, and on whether it fits.
func TestBudget_projectionMatchesSandbox(t *testing.T) {
	t.Parallel()
	type scenario struct {
		seed      func(t *testing.T, srv *sandbox.Server)
		groups    []string
		threshold float64 // the sandbox's VendedLogsThreshold; 0 = never adds the wildcard on its own
	}
	cases := map[string]scenario{
		"no policy yet, ordinary group": {groups: []string{"/vpn/x"}},
		"no policy yet, vendedlogs groups": {
			groups: []string{"/aws/vendedlogs/vpn/a", "/aws/vendedlogs/vpn/b"},
		},
		"documented policy, mixed groups": {
			seed: func(t *testing.T, srv *sandbox.Server) {
				seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", 1500)
			},
			groups: []string{"/vpn/x", "/aws/vendedlogs/vpn/a", "/vpn/y", "/seed/0000", "/aws/vendedlogs/vpn/b"},
		},
		"multi-byte Sid": {
			seed: func(t *testing.T, srv *sandbox.Server) {
				seedDeliveryPolicyOfSize(t, srv, "Protokollzustellung-für-VPN-日本", 2000)
			},
			groups: []string{"/vpn/x", "/vpn/y"},
		},
		"observed variant with a string Resource": {
			seed: func(_ *testing.T, srv *sandbox.Server) {
				srv.Logs().SeedAccountPolicy(deliveryPolicyName, `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite",`+
					`"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],`+
					`"Resource":"`+testLogGroupARN("/old")+`:log-stream:*"}]}`)
			},
			groups: []string{"/vpn/x", "/vpn/y"},
		},
		"over the limit": {
			seed: func(t *testing.T, srv *sandbox.Server) {
				seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", 5100)
			},
			groups: []string{"/vpn/x"},
		},
		"exactly the limit": {
			seed: func(t *testing.T, srv *sandbox.Server) {
				seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", 5120-deliveryEntryCost("/vpn/x"))
			},
			groups: []string{"/vpn/x"},
		},
		// UNCONFIRMED threshold: past it the sandbox (like AWS, at an undocumented point) adds the /aws/vendedlogs/*
		// wildcard on its own. The projection does not model that, so the stored policy is one wildcard longer; the
		// decision whether the change fits is the same.
		"the sandbox adds the wildcard on its own": {
			seed: func(t *testing.T, srv *sandbox.Server) {
				seedDeliveryPolicyOfSize(t, srv, "AWSLogDeliveryWrite20150319", 4200)
			},
			groups:    []string{"/vpn/x"},
			threshold: 0.8,
		},
		"eleventh policy": {
			seed: func(_ *testing.T, srv *sandbox.Server) {
				for i := range 10 {
					srv.Logs().SeedAccountPolicy(fmt.Sprintf("other-%02d", i), unrelatedPolicy)
				}
			},
			groups: []string{"/aws/vendedlogs/vpn/a"},
		},
	}
	for name, sc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startSandbox(t, func(o *sandbox.Options) {
				o.VendedLogsThreshold = sc.threshold
				if sc.threshold == 0 {
					o.VendedLogsThreshold = 100 // never
				}
			})
			if sc.seed != nil {
				sc.seed(t, srv)
			}
			var arns []string
			for _, g := range sc.groups {
				createLogGroup(t, srv, g)
				arns = append(arns, testLogGroupARN(g))
			}
			d := budgetTestProviderData(t, srv, 5120)
			diags := planDeliveries(d, "test", sc.groups...)
			res, err := d.budgetRun().Add(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}

			enableErr := srv.Logs().EnableDelivery(arns)
			if res.Fits() != (enableErr == nil) {
				t.Fatalf("projection fits = %v (projected %d, %d policies), sandbox: %v", res.Fits(), res.ProjectedCharacters, res.ProjectedPolicyCount, enableErr)
			}
			if diags.HasError() == res.Fits() {
				t.Errorf("diagnostics %v do not match fits = %v", diags, res.Fits())
			}
			if enableErr != nil {
				return
			}
			want := res.ProjectedCharacters
			if sc.threshold > 0 && float64(want) >= sc.threshold*5120 {
				want += vendedWildcardCost
			}
			if got := storedDeliveryPolicySize(t, srv); got != want {
				p, _ := srv.Logs().AccountPolicy(deliveryPolicyName)
				t.Errorf("the sandbox stored %d characters, want %d (projected %d); stored:\n%s\nprojected text: %s", got, want, res.ProjectedCharacters, p.Document, res.Text)
			}
		})
	}
}
