package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// The documented policy AWS writes for one log group (docs/design/aws-behaviour.md §3.4), minified, written out here.
func testGroupPolicy(name string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite20150319","Effect":"Allow",` +
		`"Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
		`"Resource":["` + acctest.LogGroupARN(name) + `:log-stream:*"],` +
		`"Condition":{"StringEquals":{"aws:SourceAccount":["123456789012"]},"ArnLike":{"aws:SourceArn":["arn:aws:logs:us-east-1:123456789012:*"]}}}]}`
}

// logGroupAccount is a sandbox under the log-group-level model whose account-level delivery policy has no room for
// /vpn/second, where a tunnel delivers to /vpn/first already (so /vpn/first has its own policy: the evidence), and
// /vpn/busy's own policy has one byte too few for its entry.
func logGroupAccount(t *testing.T) (srv *sandbox.Server, c *cli, id string, busyPolicy string) {
	t.Helper()
	srv, c = sandboxCLI(t, func(o *sandbox.Options) { o.DeliveryPolicyModel = cwlogs.DeliveryModelLogGroup })
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	first := acctest.CreateLogGroup(t, srv, "/vpn/first")
	acctest.CreateLogGroup(t, srv, "/vpn/second")
	busy := acctest.CreateLogGroup(t, srv, "/vpn/busy")
	seedDeliveryPolicy(t, srv, 5120-testEntryCost("/vpn/second")+1)
	deliverOutOfBand(t, srv, id, ips[0], first, "json")
	other := testGroupPolicy("/vpn/neighbour")
	pad := 51200 - testEntryCost("/vpn/busy") + 1 - len(other)
	busyPolicy = strings.Replace(other, `"Sid":"AWSLogDeliveryWrite20150319"`, `"Sid":"AWSLogDeliveryWrite20150319`+strings.Repeat("x", pad)+`"`, 1)
	acctest.PutLogGroupPolicy(t, srv, busy, busyPolicy)
	srv.ResetStats()
	return srv, c, id, busyPolicy
}

// doctor reports the model it assumed and why, in text and JSON; under the log-group-level model it projects each
// group's own policy, and a group near its own limit fails.
func TestDoctor_resourcePolicyModel(t *testing.T) {
	srv, c, _, busyPolicy := logGroupAccount(t)
	first, second, busy := acctest.LogGroupARN("/vpn/first"), acctest.LogGroupARN("/vpn/second"), acctest.LogGroupARN("/vpn/busy")

	code, out, errOut := c.run("doctor", "--output", "json", "--log-group-arn", second, "--log-group-arn", busy)
	if code != 2 {
		t.Fatalf("exit %d, want 2 (a check fails: the busy group)\n%s\n%s", code, out, errOut)
	}
	var r struct {
		Checks []struct{ Section, Name, Status, Message, Fix string }
		Budget struct {
			Model         string
			ModelSetting  string   `json:"model_setting"`
			ModelEvidence string   `json:"model_evidence"`
			EvidenceARNs  []string `json:"model_evidence_log_group_arns"`
			Projection    *struct {
				Fits      bool
				Uncovered []string `json:"uncovered_log_group_arns"`
				Groups    []struct {
					ARN       string `json:"log_group_arn"`
					NewPolicy bool   `json:"new_policy"`
					Current   int    `json:"current_bytes"`
					Projected int    `json:"projected_bytes"`
					Limit     int    `json:"limit_bytes"`
					Fits      bool
				} `json:"log_group_policies"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	b := r.Budget
	if b.Model != "log-group" || b.ModelSetting != "auto" || len(b.EvidenceARNs) != 1 || b.EvidenceARNs[0] != first ||
		!strings.Contains(b.ModelEvidence, "which --resource-policy-model auto chose: the own resource policy (AWSLogDeliveryWrite20150319) of "+first) {
		t.Errorf("budget model %+v", b)
	}
	p := b.Projection
	if p == nil || p.Fits || len(p.Groups) != 2 || len(p.Uncovered) != 2 {
		t.Fatalf("projection %+v", p)
	}
	// Sorted by ARN: /vpn/busy, then /vpn/second.
	if g := p.Groups[0]; g.ARN != busy || g.Fits || g.Current != len(busyPolicy) || g.Projected != len(busyPolicy)+testEntryCost("/vpn/busy") || g.Limit != 51200 {
		t.Errorf("busy %+v", g)
	}
	if g := p.Groups[1]; g.ARN != second || !g.NewPolicy || g.Projected != len(testGroupPolicy("/vpn/second")) || !g.Fits {
		t.Errorf("second %+v", g)
	}
	var sawModel, sawFail bool
	for _, c := range r.Checks {
		switch {
		case c.Section == "budget" && c.Name == "model":
			sawModel = c.Status == "ok" && c.Message == b.ModelEvidence
		case c.Section == "budget" && c.Status == "fail":
			sawFail = strings.Contains(c.Message, "past its limit of 51200 bytes") && strings.Contains(c.Fix, "set --resource-policy-model account")
		case c.Status != "ok" && strings.Contains(c.Message, "outside /aws/vendedlogs/"):
			t.Errorf("under the log-group-level model doctor still warns that a group takes an entry in the account-level policy: %+v", c)
		}
	}
	if !sawModel || !sawFail {
		t.Errorf("model line %v, group failure %v:\n%s", sawModel, sawFail, out)
	}
	// The account-level policies once, the evidence (/vpn/first) once, each planned group's own policy once.
	if n := acctest.CallCount(srv, "logs", "DescribeResourcePolicies"); n != 4 {
		t.Errorf("%d DescribeResourcePolicies calls, want 4", n)
	}

	// Told the account-level model, the same account fails on the account-level policy, and says how to choose the other.
	code, out, _ = c.run("doctor", "--resource-policy-model", "account", "--log-group-arn", second)
	if code != 2 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"ok model This assumes the account-level model, as --resource-policy-model account sets.",
		"FAIL projection Enabling delivery would grow the account-level CloudWatch Logs resource policy AWSLogDeliveryWrite20150319",
		"set --resource-policy-model log-group: each group's own policy is then checked against its limit of 51200 bytes.",
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	code, _, errOut = c.run("doctor", "--resource-policy-model", "log_group")
	if code == 0 || !strings.Contains(errOut, `--resource-policy-model: "log_group" is not a resource-policy model`) || !strings.Contains(errOut, `did you mean "log-group"?`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// enable's pre-check follows the model: the same plain group is refused under the account-level model and enabled
// under the log-group-level one, where AWS gives the group its own policy.
func TestEnable_resourcePolicyModel(t *testing.T) {
	srv, c, id, _ := logGroupAccount(t)
	second := acctest.LogGroupARN("/vpn/second")
	code, out, _ := c.run("enable", "--vpn-connection-id", id, "--log-group-arn", second, "--no-bgp", "--resource-policy-model", "account", "--dry-run")
	if code != 2 || !strings.Contains(squash(out), "This assumes the account-level model, as --resource-policy-model account sets.") {
		t.Fatalf("account: exit %d\n%s", code, out)
	}
	code, out, errOut := c.run("enable", "--vpn-connection-id", id, "--log-group-arn", second, "--no-bgp", "--resource-policy-model", "log-group", "--yes")
	if code != 0 {
		t.Fatalf("log-group: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"ok model This assumes the log-group-level model, as --resource-policy-model log-group sets.",
		fmt.Sprintf("ok projection %s: AWS would create its own policy with %d of 51200 bytes.", second, len(testGroupPolicy("/vpn/second"))),
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "is outside /aws/vendedlogs/") {
		t.Errorf("under the log-group-level model enable still warns about the account-level policy:\n%s", out)
	}
	if own := srv.Logs().ResourcePolicies(second); len(own) != 1 || own[0].Document != testGroupPolicy("/vpn/second") {
		t.Errorf("the group's own policy after enable: %+v", own)
	}
}
