package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// Under the log-group-level model the verdict is still one per plan, stable across identical plans: four tunnels
// deliver to four plain groups of an account whose account-level policy is full; two groups' own policies have no
// room for their entry. Five identical plans give byte-identical output with exactly one error, on the resource of
// the first such group, naming both, and the plan reads the account-level policies once and each group's own policy
// once.
func TestBinary_groupBudgetVerdictIsStable(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.DeliveryPolicyModel = cwlogs.DeliveryModelLogGroup })
	id1, ips1 := acctest.CreateVPNConnection(t, srv, nil)
	id2, ips2 := acctest.CreateVPNConnection(t, srv, nil)
	tunnels := map[string][2]string{"a": {id1, ips1[0]}, "b": {id1, ips1[1]}, "c": {id2, ips2[0]}, "d": {id2, ips2[1]}}
	// A full account-level policy: under the account-level model every one of these plans would fail on it.
	srv.Logs().SeedAccountPolicy("AWSLogDeliveryWrite20150319", `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite",`+
		`"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],`+
		`"Resource":["`+acctest.LogGroupARN("/seed/"+strings.Repeat("x", 4900))+`:log-stream:*"]}]}`)
	var hcl strings.Builder
	hcl.WriteString("provider \"vpnlogs\" {\n  resource_policy_model = \"log-group\"\n}\n")
	for _, k := range []string{"a", "b", "c", "d"} {
		group := acctest.CreateLogGroup(t, srv, "/vpn/"+k)
		if k == "a" || k == "c" {
			// Another tool's grant in the group's own policy, padded so that the group's entry is one byte too many.
			entry := len(group+":log-stream:*") + 3
			doc := `{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Allow","Principal":{"Service":` +
				`"delivery.logs.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":["` + acctest.LogGroupARN("/other") + `:*"]}]}`
			doc = strings.Replace(doc, `"Other"`, `"Other`+strings.Repeat("x", 51200-entry+1-len(doc))+`"`, 1)
			acctest.PutLogGroupPolicy(t, srv, group, doc)
		}
		fmt.Fprintf(&hcl, `resource "vpnlogs_tunnel_logging" %q {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  tunnel_log                = { log_group_arn = %q }
}
`, k, tunnels[k][0], tunnels[k][1], group)
	}
	dir := writeConfig(t, hcl.String())

	const summary = "Error: CloudWatch Logs log group resource policy would exceed its size limit"
	first := identicalFailingPlans(t, srv, dir, 5, func(i int) {
		if n := acctest.CallCount(srv, "logs", "DescribeResourcePolicies"); n != 5 {
			t.Errorf("plan %d: %d DescribeResourcePolicies calls, want 5 (the account once, each of 4 groups once)", i, n)
		}
	})
	if n := strings.Count(first, summary); n != 1 {
		t.Fatalf("%d budget errors, want exactly 1:\n%s", n, first)
	}
	mustContain(t, "plan", first, summary+" with vpnlogs_tunnel_logging.a,", "past its limit of 51200 bytes",
		acctest.LogGroupARN("/vpn/a")+": the unnamed policy from", acctest.LogGroupARN("/vpn/c")+": the unnamed policy from",
		`resource_policy_model = "log-group" sets`)
	for _, fine := range []string{"/vpn/b", "/vpn/d"} {
		if strings.Contains(first, acctest.LogGroupARN(fine)+":") {
			t.Errorf("the error lists %s, whose policy fits:\n%s", fine, first)
		}
	}
	if strings.Contains(first, "Warning: CloudWatch Logs") {
		t.Errorf("a budget warning stands beside the error:\n%s", first)
	}
}
