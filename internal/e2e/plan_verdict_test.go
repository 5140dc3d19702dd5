package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// The plan-time checks through the real terraform binary: one exact verdict per plan, whatever order Terraform
// plans the resources in.

const budgetSummary = "Error: CloudWatch Logs resource policy would exceed its size limit"

// onlyReads fails when the sandbox served anything but reads (and the IAM simulation).
func onlyReads(t *testing.T, srv *sandbox.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		a := r.Action
		if !strings.HasPrefix(a, "Describe") && !strings.HasPrefix(a, "Get") && !strings.HasPrefix(a, "List") && !strings.HasPrefix(a, "Simulate") {
			t.Errorf("the sandbox served %s:%s, a write, although the plan failed", r.Service, a)
		}
	}
}

// identicalFailingPlans runs terraform plan n times in dir: each must fail, write nothing, and print exactly what the
// first printed. check runs after each plan, with the sandbox's counters of that plan. It returns the output.
func identicalFailingPlans(t *testing.T, srv *sandbox.Server, dir string, n int, check func(i int)) string {
	t.Helper()
	var first string
	for i := range n {
		srv.ResetStats()
		out, code := terraform(t, dir, sandboxEnv(srv), "plan")
		if code == 0 {
			t.Fatalf("plan %d succeeded:\n%s", i, out)
		}
		if i == 0 {
			first = out
		} else if out != first {
			t.Fatalf("plan %d differs from plan 0:\n--- plan 0\n%s\n--- plan %d\n%s", i, first, i, out)
		}
		check(i)
		onlyReads(t, srv)
	}
	return first
}

func storedPolicySize(t *testing.T, srv *sandbox.Server) int {
	t.Helper()
	p, ok := srv.Logs().AccountPolicy("AWSLogDeliveryWrite20150319")
	if !ok {
		t.Fatal("the sandbox has no delivery policy")
	}
	return utf8.RuneCountInString(p.Document)
}

// Four tunnels of two connections, each delivering to its own ordinary log group, overflow a small limit: ten
// identical plans give byte-identical output with exactly one budget error, on the same resource, naming every
// group with the characters its entry adds, which are the characters the sandbox's own model of AWS stores when
// delivery to the group is enabled. No warning contradicts it, the plan reads the policies and the log groups once
// or twice and writes nothing.
func TestBinary_budgetVerdictIsStable(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	// An existing delivery policy (AWS's own, with the /aws/vendedlogs/* wildcard): 420 characters.
	vended := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/existing")
	if err := srv.Logs().EnableDelivery([]string{vended}); err != nil {
		t.Fatal(err)
	}
	before := storedPolicySize(t, srv)
	id1, ips1 := acctest.CreateVPNConnection(t, srv, nil)
	id2, ips2 := acctest.CreateVPNConnection(t, srv, nil)
	tunnels := map[string][2]string{"a": {id1, ips1[0]}, "b": {id1, ips1[1]}, "c": {id2, ips2[0]}, "d": {id2, ips2[1]}}
	groups := map[string]string{}
	var hcl strings.Builder
	hcl.WriteString("provider \"vpnlogs\" {\n  resource_policy_size_limit = 600\n}\n")
	for _, k := range []string{"a", "b", "c", "d"} {
		groups[k] = acctest.CreateLogGroup(t, srv, "/vpn/"+k)
		fmt.Fprintf(&hcl, `resource "vpnlogs_tunnel_logging" %q {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  tunnel_log                = { log_group_arn = %q }
}
`, k, tunnels[k][0], tunnels[k][1], groups[k])
	}
	dir := writeConfig(t, hcl.String())

	first := identicalFailingPlans(t, srv, dir, 10, func(i int) {
		if n := acctest.CallCount(srv, "logs", "DescribeResourcePolicies"); n != 1 {
			t.Errorf("plan %d: %d DescribeResourcePolicies calls, want 1", i, n)
		}
		if n := acctest.CallCount(srv, "logs", "DescribeLogGroups"); n < 1 || n > 2 {
			t.Errorf("plan %d: %d DescribeLogGroups calls for 4 groups, want 1 or 2 (shared by the run)", i, n)
		}
		if n := acctest.CallCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
			t.Errorf("plan %d sent %d ModifyVpnTunnelOptions", i, n)
		}
	})
	if n := strings.Count(first, budgetSummary); n != 1 {
		t.Fatalf("%d budget errors, want exactly 1:\n%s", n, first)
	}
	for _, bad := range []string{"Warning: CloudWatch Logs resource policy close to its size limit", "Tunnel interruption", "similar"} {
		if strings.Contains(first, bad) {
			t.Errorf("the failing plan shows %q:\n%s", bad, first)
		}
	}
	// The first growing group by ARN carries it.
	mustContain(t, "plan", first, budgetSummary+" with vpnlogs_tunnel_logging.a,")

	// Each group's line gives its entry's size; the total is the projection.
	sizes := map[string]int{}
	total := before
	for _, k := range []string{"a", "b", "c", "d"} {
		m := regexp.MustCompile(regexp.QuoteMeta(groups[k]) + `: \+(\d+) characters \(` + regexp.QuoteMeta(tunnels[k][0]+"/"+tunnels[k][1]) + ` tunnel log\)`).FindStringSubmatch(first)
		if m == nil {
			t.Fatalf("the error does not list %s with its size and tunnel:\n%s", groups[k], first)
		}
		sizes[k], _ = strconv.Atoi(m[1])
		total += sizes[k]
	}
	mustContain(t, "plan", first, fmt.Sprintf("from %d to %d characters; the limit is 600 (the provider's resource_policy_size_limit), %d over",
		before, total, total-600))

	// The sandbox's independent model stores exactly those sizes, entry by entry.
	for _, k := range []string{"d", "b", "a", "c"} { // another order than the plan's list: sizes do not depend on it
		was := storedPolicySize(t, srv)
		if err := srv.Logs().EnableDelivery([]string{groups[k]}); err != nil {
			t.Fatal(err)
		}
		if grew := storedPolicySize(t, srv) - was; grew != sizes[k] {
			t.Errorf("enabling delivery to %s grew the stored policy by %d characters; the plan said %d", groups[k], grew, sizes[k])
		}
	}
}

// A log group that does not exist fails the plan, on the attribute that names it, before any write.
func TestBinary_missingLogGroupFailsPlan(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	dir := writeConfig(t, fmt.Sprintf(`provider "vpnlogs" {}
resource "vpnlogs_tunnel_logging" "t" {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  bgp_log = { log_group_arn = %q }
}
`, id, ips[0], acctest.LogGroupARN("/aws/vendedlogs/vpn/missing")))
	srv.ResetStats()
	out, code := terraform(t, dir, sandboxEnv(srv), "plan")
	if code == 0 {
		t.Fatalf("plan succeeded:\n%s", out)
	}
	mustContain(t, "plan", out, "Error: Log group does not exist",
		"bgp_log.log_group_arn: The log group /aws/vendedlogs/vpn/missing does not exist in 123456789012/us-east-1",
		"Create the group with vpnlogs_log_group", `name = "/aws/vendedlogs/vpn/missing"`)
	if strings.Contains(out, "Tunnel interruption") {
		t.Errorf("a failed plan warns of an interruption:\n%s", out)
	}
	onlyReads(t, srv)
}

// An endpoint where nothing listens fails the plan within seconds, naming the URL and the setting; an invalid
// region names the region.
func TestBinary_unreachableEndpointAndInvalidRegion(t *testing.T) {
	t.Parallel()
	dead := acctest.ClosedPortURL(t)
	for name, tc := range map[string]struct {
		provider string
		env      []string
		want     []string
	}{
		"closed port in the provider block": {fmt.Sprintf(`endpoints {
    sts = %q
  }`, dead), nil, []string{"Error: AWS endpoint unreachable", "Calling sts:GetCallerIdentity at " + dead + "/ failed: connection refused", "set by endpoints.sts"}},
		"closed port in the environment": {"", []string{"AWS_ENDPOINT_URL=" + dead}, []string{"Error: AWS endpoint unreachable", "set by the environment variable AWS_ENDPOINT_URL"}},
		"invalid region":                 {`region = "not a region"`, nil, []string{"Error: Invalid AWS region", `"not a region" is not a region name`}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := writeConfig(t, fmt.Sprintf(`provider "vpnlogs" {
  %s
}
data "vpnlogs_account" "this" {}
`, tc.provider))
			env := append([]string{"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true"}, tc.env...)
			start := time.Now()
			out, code := terraform(t, dir, env, "plan")
			if took := time.Since(start); took > 15*time.Second {
				t.Errorf("the plan took %s to fail, want under 15 s", took)
			}
			if code == 0 {
				t.Fatalf("plan succeeded:\n%s", out)
			}
			mustContain(t, "plan", out, tc.want...)
			if strings.Contains(out, "credentials") {
				t.Errorf("the error blames the credentials:\n%s", out)
			}
		})
	}
}

// The tunnels a plan interrupts are announced once, in one warning that lists them, and not again at apply.
func TestBinary_interruptionAnnouncedOnce(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	id1, ips1 := acctest.CreateVPNConnection(t, srv, nil)
	id2, ips2 := acctest.CreateVPNConnection(t, srv, nil)
	group := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/once")
	tunnels := func(n int) string {
		var hcl strings.Builder
		hcl.WriteString("provider \"vpnlogs\" {}\n")
		for i, tun := range [][2]string{{id1, ips1[0]}, {id1, ips1[1]}, {id2, ips2[0]}}[:n] {
			fmt.Fprintf(&hcl, `resource "vpnlogs_tunnel_logging" "t%d" {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  tunnel_log                = { log_group_arn = %q }
}
`, i, tun[0], tun[1], group)
		}
		return hcl.String()
	}
	dir := writeConfig(t, tunnels(3))
	out, code := terraform(t, dir, sandboxEnv(srv), "apply", "-auto-approve")
	if code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if n := strings.Count(out, "Warning: Tunnel interruption"); n != 1 || strings.Contains(out, "similar warning") {
		t.Fatalf("%d interruption warnings (plan and apply together), want 1:\n%s", n, out)
	}
	mustContain(t, "apply", out, "This plan interrupts 3 tunnels of 2 VPN connections, one at a time per connection",
		id1+": ", id2+": "+ips2[0]+" (enabling logging)")

	// A plan that only forgets a tunnel (removed, destroy = false) changes nothing on it: no warning.
	forget := tunnels(2) + `removed {
  from = vpnlogs_tunnel_logging.t2
  lifecycle {
    destroy = false
  }
}
`
	forgetDir := writeConfig(t, forget)
	if err := copyFile(dir+"/terraform.tfstate", forgetDir+"/terraform.tfstate"); err != nil {
		t.Fatal(err)
	}
	out, code = terraform(t, forgetDir, sandboxEnv(srv), "plan")
	if code != 0 || strings.Contains(out, "Tunnel interruption") || !strings.Contains(out, "will no longer be managed by Terraform") {
		t.Fatalf("forgetting a tunnel: exit %d\n%s", code, out)
	}

	// Destroying turns logging off: announced once too, as turning off.
	out, code = terraform(t, dir, sandboxEnv(srv), "destroy", "-auto-approve")
	if code != 0 {
		t.Fatalf("destroy failed:\n%s", out)
	}
	if n := strings.Count(out, "Warning: Tunnel interruption"); n != 1 {
		t.Fatalf("%d interruption warnings at destroy, want 1:\n%s", n, out)
	}
	mustContain(t, "destroy", out, "(turning off logging)")
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}
