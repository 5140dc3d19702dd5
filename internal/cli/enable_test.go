package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

func modifies(srv *sandbox.Server) int {
	return acctest.CallCount(srv, "ec2", "ModifyVpnTunnelOptions")
}

// noInvalidState fails when AWS refused a modification because the connection was busy.
func noInvalidState(t *testing.T, srv *sandbox.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if strings.Contains(r.ErrorCode, "InvalidState") || strings.Contains(r.ErrorCode, "IncorrectState") {
			t.Errorf("%s:%s failed with %s", r.Service, r.Action, r.ErrorCode)
		}
	}
}

// Both tunnels, one at a time: exactly two ModifyVpnTunnelOptions, no InvalidState, and AWS reports both logs on
// each tunnel, found by outside IP address.
func TestEnable_bothTunnels(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{"Name": "paris"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/enable")
	srv.ResetStats()
	// AWS takes minutes, the sandbox 200ms: print progress often enough to see it.
	old := tunnelChangeProgressInterval
	tunnelChangeProgressInterval = 50 * time.Millisecond
	t.Cleanup(func() { tunnelChangeProgressInterval = old })
	code, out, errOut := runCLI(t, "enable", "--vpn-connection-id", id, "--log-group-arn", arn+":*", "--bgp-format", "text", "--yes")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if n := modifies(srv); n != 2 {
		t.Errorf("%d ModifyVpnTunnelOptions, want 2", n)
	}
	noInvalidState(t, srv)
	api := describeLogOptions(t, srv, id)
	for _, ip := range ips {
		want := apiLogOptions{logEnabled: true, logGroup: arn, logFormat: "json", bgpEnabled: true, bgpGroup: arn, bgpFormat: "text"}
		if got := api[ip]; got != want {
			t.Errorf("tunnel %s: %+v, want %+v", ip, got, want)
		}
	}
	for _, want := range []string{
		"Enabling logging on VPN connection " + id + " (paris) in us-east-1:",
		"tunnel log: disabled -> to " + arn + " (json)", "BGP log: disabled -> to " + arn + " (text)",
		"ok permissions", "ok projection AWS would create the delivery policy AWSLogDeliveryWrite20150319",
		"WARNING: This change interrupts 2 tunnels of 1 VPN connection, one at a time per connection: AWS interrupts connectivity over each tunnel for up to several minutes",
		"[1/2] ", "[2/2] ", ": still waiting (", ": done in ", "Done: logging enabled on 2 tunnels of " + id,
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(out), "preshared") || strings.Contains(strings.ToLower(out), "pre-shared") {
		t.Errorf("output mentions a pre-shared key")
	}

	// Again: nothing to change, nothing sent.
	srv.ResetStats()
	code, out, _ = runCLI(t, "enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--bgp-format", "text", "--yes")
	if code != 0 || !strings.Contains(out, "Nothing to change") || modifies(srv) != 0 {
		t.Fatalf("second run: exit %d, %d modifies\n%s", code, modifies(srv), out)
	}
	if t.Failed() {
		t.Log(out)
	}
}

// One tunnel, tunnel log only, in text: only that tunnel changes.
func TestEnable_oneTunnelNoBGP(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/one")
	srv.ResetStats()
	code, out, errOut := runCLI(t, "enable", "--vpn-connection-id", id, "--tunnel", ips[1], "--log-group-arn", arn, "--format", "text", "--no-bgp", "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	api := describeLogOptions(t, srv, id)
	if got, want := api[ips[1]], (apiLogOptions{logEnabled: true, logGroup: arn, logFormat: "text"}); got.logEnabled != want.logEnabled ||
		got.logGroup != want.logGroup || got.logFormat != want.logFormat || got.bgpEnabled {
		t.Errorf("tunnel %s: %+v", ips[1], got)
	}
	if api[ips[0]].logEnabled || api[ips[0]].bgpEnabled {
		t.Errorf("tunnel %s changed: %+v", ips[0], api[ips[0]])
	}
	if n := modifies(srv); n != 1 {
		t.Errorf("%d modifies", n)
	}
}

// Without --yes nothing changes; --dry-run prints the plan and changes nothing either.
func TestEnable_confirmationAndDryRun(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/confirm")
	srv.ResetStats()
	code, out, errOut := runCLI(t, "enable", "--vpn-connection-id", id, "--log-group-arn", arn)
	if code != 1 || !strings.Contains(errOut, "nothing was changed") || !strings.Contains(errOut, "add --yes to proceed") ||
		!strings.Contains(out, "WARNING: This change interrupts 2 tunnels") {
		t.Fatalf("without --yes: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--dry-run")
	if code != 0 || !strings.Contains(out, "Dry run: nothing was changed.") || !strings.Contains(out, ips[0]) || !strings.Contains(out, ips[1]) {
		t.Fatalf("--dry-run: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if w := writes(srv); len(w) > 0 {
		t.Errorf("writes: %v", w)
	}
}

// A delivery policy too full for the group: refused with the numbers and the /aws/vendedlogs/ fix, before any
// modification, even with --yes.
func TestEnable_budgetOverflowRefusedBeforeModify(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, _ := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/vpn/full")
	const size = 5100
	seedDeliveryPolicy(t, srv, size)
	code, out, errOut := runCLI(t, "enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--yes")
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	// One entry for the group, however many tunnels and logs deliver to it.
	projected := size + testEntryCost("/vpn/full")
	for _, want := range []string{
		fmt.Sprintf("FAIL projection Enabling delivery would grow the account-level CloudWatch Logs resource policy AWSLogDeliveryWrite20150319 "+
			"from %d to %d characters; the limit is 5120 (--policy-size-limit), %d over", size, projected, projected-5120),
		"/vpn/full -> /aws/vendedlogs/vpn/full",
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "pre-check(s) failed") || !strings.Contains(errOut, "nothing was changed") {
		t.Errorf("stderr %q", errOut)
	}
	if n := modifies(srv); n != 0 {
		t.Errorf("%d ModifyVpnTunnelOptions", n)
	}
}

// A log group ARN in another region, an unknown tunnel and a missing permission are refused before any change.
func TestEnable_refusals(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/refuse")

	code, _, errOut := runCLI(t, "enable", "--vpn-connection-id", id, "--yes",
		"--log-group-arn", "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/vpn/refuse")
	if code != 1 || !strings.Contains(errOut, "--log-group-arn") || !strings.Contains(errOut, "is in region eu-west-1, but the AWS settings select us-east-1") {
		t.Errorf("other region: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "enable", "--vpn-connection-id", id, "--yes", "--log-group-arn", "arn:aws:logs:us-east-1:999999999999:log-group:/x")
	if code != 1 || !strings.Contains(errOut, "is in account 999999999999, but the credentials are for account 123456789012") {
		t.Errorf("other account: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "enable", "--vpn-connection-id", id, "--yes", "--log-group-arn", "log-group:/x")
	if code != 1 || !strings.Contains(errOut, "is not a CloudWatch Logs log group ARN") {
		t.Errorf("malformed: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "enable", "--vpn-connection-id", id, "--yes", "--log-group-arn", arn, "--tunnel", "192.0.2.77")
	if code != 1 || !strings.Contains(errOut, "--tunnel: VPN connection "+id+" has no tunnel with outside IP address 192.0.2.77. Its tunnels are ") ||
		!strings.Contains(errOut, ips[0]) || !strings.Contains(errOut, ips[1]) {
		t.Errorf("unknown tunnel: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "enable", "--vpn-connection-id", "vpn-0000000000000dead", "--yes", "--log-group-arn", arn)
	if code != 1 || !strings.Contains(errOut, "--vpn-connection-id") || !strings.Contains(errOut, "vpn-0000000000000dead") {
		t.Errorf("unknown connection: exit %d, stderr %q", code, errOut)
	}
	srv.SetDenyActions(nil, []string{"ec2:ModifyVpnTunnelOptions"})
	code, out, errOut := runCLI(t, "enable", "--vpn-connection-id", id, "--yes", "--log-group-arn", arn)
	if code != 1 || !strings.Contains(squash(out), "FAIL permissions") || !strings.Contains(out, "ec2:ModifyVpnTunnelOptions") ||
		!strings.Contains(out, "Remove or narrow the explicit Deny") {
		t.Errorf("denied: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := modifies(srv); n != 0 {
		t.Errorf("%d ModifyVpnTunnelOptions", n)
	}
}

// disable turns both logs off on both tunnels, one at a time.
func TestDisable_bothTunnels(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/disable")
	for _, ip := range ips {
		deliverOutOfBand(t, srv, id, ip, arn, "json")
	}
	srv.ResetStats()
	code, out, errOut := runCLI(t, "disable", "--vpn-connection-id", id, "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	api := describeLogOptions(t, srv, id)
	for _, ip := range ips {
		if a := api[ip]; a.logEnabled || a.bgpEnabled {
			t.Errorf("tunnel %s still logs: %+v", ip, a)
		}
	}
	if n := modifies(srv); n != 2 {
		t.Errorf("%d ModifyVpnTunnelOptions, want 2", n)
	}
	noInvalidState(t, srv)
	if !strings.Contains(out, "Disabling logging on VPN connection "+id) || !strings.Contains(out, "Done: logging disabled on 2 tunnels") {
		t.Errorf("output:\n%s", out)
	}
}

// A log group that does not exist fails the pre-checks (with --dry-run too: "ok log groups" was printed before),
// with the same explanation the provider gives at plan time, in the setup tool's words; nothing is written. The
// groups are read in one call.
func TestEnable_missingLogGroup(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, _ := acctest.CreateVPNConnection(t, srv, nil)
	bgp := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/bgp")
	srv.ResetStats()
	for _, extra := range [][]string{{"--dry-run"}, {"--yes"}} {
		args := append([]string{"enable", "--vpn-connection-id", id, "--log-group-arn", acctest.LogGroupARN("/aws/vendedlogs/vpn/missing"),
			"--bgp-log-group-arn", bgp}, extra...)
		code, out, errOut := runCLI(t, args...)
		if code != 1 || !strings.Contains(errOut, "pre-check(s) failed") {
			t.Fatalf("%v: exit %d\n%s\n%s", extra, code, out, errOut)
		}
		for _, want := range []string{
			"FAIL log groups The log group /aws/vendedlogs/vpn/missing does not exist in 123456789012/us-east-1, so AWS would refuse to deliver logs to it.",
			"fix: Create the group with the vpnlogs_log_group resource or `aws logs create-log-group --log-group-name /aws/vendedlogs/vpn/missing`.",
			"Or give an existing log group with --log-group-arn.",
		} {
			if !strings.Contains(squash(out), want) {
				t.Errorf("%v: output lacks %q:\n%s", extra, want, out)
			}
		}
		if strings.Contains(out, "ok    log groups   /aws/vendedlogs") {
			t.Errorf("%v: the groups were reported ok:\n%s", extra, out)
		}
	}
	if n := modifies(srv); n != 0 {
		t.Errorf("%d ModifyVpnTunnelOptions", n)
	}
	if n := acctest.CallCount(srv, "logs", "DescribeLogGroups"); n != 2 {
		t.Errorf("%d DescribeLogGroups calls for two runs of two groups, want 2 (one per run)", n)
	}
}
