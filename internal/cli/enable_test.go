package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

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

// Both tunnels of one connection, one at a time: exactly two ModifyVpnTunnelOptions, no InvalidState, and AWS reports
// both logs on each tunnel, found by outside IP address. The plan and the outcome go to standard output, the progress
// (with its heartbeat while AWS applies the change) to standard error.
func TestEnable_bothTunnels(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{"Name": "paris"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/enable")
	srv.ResetStats()
	code, out, errOut := cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn+":*", "--bgp-format", "text", "--yes")
	if code != exitOK {
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
		"Enabling logging on 1 VPN connection in us-east-1: 2 tunnels, 2 to change, 0 already as requested.",
		"tunnel log to " + arn + " (json)", "BGP log to " + arn + " (text)",
		ips[0] + " enabling logging, now tunnel log disabled, BGP log disabled", ips[1] + " enabling logging, now tunnel log disabled, BGP log disabled",
		"ok permissions", "ok projection AWS would create the delivery policy AWSLogDeliveryWrite20150319",
		"WARNING: This change interrupts 2 tunnels of 1 VPN connection, one at a time per connection: AWS interrupts connectivity over each tunnel for up to several minutes",
		"Done in ", "s: logging enabled on 2 tunnels of 1 connection.", "Check it with `terraform-provider-vpnlogs doctor --vpn-connection-id " + id + "`.",
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	for _, want := range []string{
		"Enabling logging on 2 tunnels of 1 connection, up to 1 connection at a time.",
		" [1/2]: changing the log options", " [1/2]: done in ", " [2/2]: changing the log options", " [2/2]: done in ", id + " (paris) " + ips[0],
		"still waiting for AWS: " + id + " (paris) ",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.Contains(errOut, "\033[") || strings.Contains(out, "\033[") {
		t.Errorf("escape sequences outside a terminal")
	}
	if s := strings.ToLower(out + errOut); strings.Contains(s, "preshared") || strings.Contains(s, "pre-shared") {
		t.Errorf("output mentions a pre-shared key")
	}

	// Again: nothing to change, nothing sent.
	srv.ResetStats()
	code, out, _ = cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--bgp-format", "text", "--yes")
	if code != exitOK || !strings.Contains(out, "Nothing to change") || modifies(srv) != 0 {
		t.Fatalf("second run: exit %d, %d modifies\n%s", code, modifies(srv), out)
	}
	if t.Failed() {
		t.Log(out, errOut)
	}
}

// One tunnel, tunnel log only, in text: only that tunnel changes.
func TestEnable_oneTunnelNoBGP(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/one")
	srv.ResetStats()
	code, out, errOut := cli.run("enable", "--vpn-connection-id", id, "--tunnel", ips[1], "--log-group-arn", arn, "--format", "text", "--no-bgp", "--yes")
	if code != exitOK {
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
	if strings.Contains(out, ips[0]) {
		t.Errorf("the plan lists the tunnel not selected:\n%s", out)
	}
}

// Without --yes nothing changes (exit 1); --dry-run prints the plan for the whole selection, changes nothing, and
// exits 2 while some tunnel is not as requested (drift), 0 once every one is.
func TestEnable_confirmationAndDryRun(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/confirm")
	srv.ResetStats()
	code, out, errOut := cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn)
	if code != exitError || !strings.Contains(errOut, "nothing was changed") || !strings.Contains(errOut, "add --yes to proceed") ||
		!strings.Contains(out, "WARNING: This change interrupts 2 tunnels") {
		t.Fatalf("without --yes: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut = cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--dry-run")
	if code != exitProblems || !strings.Contains(out, "Dry run: nothing was changed.") || !strings.Contains(out, ips[0]) || !strings.Contains(out, ips[1]) ||
		!strings.Contains(errOut, "2 tunnels not as requested (drift): nothing was changed") {
		t.Fatalf("--dry-run: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, _, errOut = cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--dry-run", "--yes")
	if code != exitError || !strings.Contains(errOut, "give one of them") {
		t.Errorf("--dry-run --yes: exit %d, stderr %q", code, errOut)
	}
	if w := writes(srv); len(w) > 0 {
		t.Errorf("writes: %v", w)
	}
	for _, ip := range ips {
		deliverOutOfBand(t, srv, id, ip, arn, "json")
	}
	if code, out, errOut = cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--dry-run"); code != exitOK || !strings.Contains(out, "Nothing to change") {
		t.Errorf("--dry-run without drift: exit %d\n%s\n%s", code, out, errOut)
	}
}

// A delivery policy too full for the group: refused with the numbers and the /aws/vendedlogs/ fix, before any
// modification, even with --yes; exit status 2.
func TestEnable_budgetOverflowRefusedBeforeModify(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, _ := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/vpn/full")
	const size = 5100
	seedDeliveryPolicy(t, srv, size)
	code, out, errOut := cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--yes")
	if code != exitProblems {
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
	if !strings.Contains(errOut, "1 check failed") || !strings.Contains(errOut, "nothing was changed") {
		t.Errorf("stderr %q", errOut)
	}
	if n := modifies(srv); n != 0 {
		t.Errorf("%d ModifyVpnTunnelOptions", n)
	}
}

// A log group ARN in another region, an unknown tunnel or connection are usage errors (exit 1); a missing permission
// fails the checks (exit 2); all before any change.
func TestEnable_refusals(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/refuse")

	code, _, errOut := cli.run("enable", "--vpn-connection-id", id, "--yes",
		"--log-group-arn", "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/vpn/refuse")
	if code != exitError || !strings.Contains(errOut, "--log-group-arn") || !strings.Contains(errOut, "is in region eu-west-1, but the AWS settings select us-east-1") {
		t.Errorf("other region: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli.run("enable", "--vpn-connection-id", id, "--yes", "--log-group-arn", "arn:aws:logs:us-east-1:999999999999:log-group:/x")
	if code != exitError || !strings.Contains(errOut, "is in account 999999999999, but the credentials are for account 123456789012") {
		t.Errorf("other account: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli.run("enable", "--vpn-connection-id", id, "--yes", "--log-group-arn", "log-group:/x")
	if code != exitError || !strings.Contains(errOut, "is not a CloudWatch Logs log group ARN") {
		t.Errorf("malformed: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli.run("enable", "--vpn-connection-id", id, "--yes", "--log-group-arn", arn, "--tunnel", "192.0.2.77")
	if code != exitError || !strings.Contains(errOut, "--tunnel: VPN connection "+id+" has no tunnel with outside IP address 192.0.2.77. Its tunnels are ") ||
		!strings.Contains(errOut, ips[0]) || !strings.Contains(errOut, ips[1]) {
		t.Errorf("unknown tunnel: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli.run("enable", "--vpn-connection-id", "vpn-0000000000000dead", "--yes", "--log-group-arn", arn)
	if code != exitError || !strings.Contains(errOut, "--vpn-connection-id: VPN connection vpn-0000000000000dead does not exist in us-east-1. "+
		"Check the ID, and that --region (or AWS_REGION) (us-east-1) is the connection's region.") {
		t.Errorf("unknown connection: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli.run("enable", "--yes", "--log-group-arn", arn)
	if code != exitError || !strings.Contains(errOut, "choose the connections: --vpn-connection-id (repeatable), --tag KEY=VALUE (repeatable) or --all") {
		t.Errorf("no selection (enable never defaults to the whole region): exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli.run("enable", "--tag", "env=none", "--yes", "--log-group-arn", arn)
	if code != exitError || !strings.Contains(errOut, "no VPN connection in us-east-1 matches --tag env=none") {
		t.Errorf("no match: exit %d, stderr %q", code, errOut)
	}
	srv.SetDenyActions(nil, []string{"ec2:ModifyVpnTunnelOptions"})
	code, out, errOut := cli.run("enable", "--vpn-connection-id", id, "--yes", "--log-group-arn", arn)
	if code != exitProblems || !strings.Contains(squash(out), "FAIL permissions") || !strings.Contains(out, "ec2:ModifyVpnTunnelOptions") ||
		!strings.Contains(out, "Remove or narrow the explicit Deny") {
		t.Errorf("denied: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := modifies(srv); n != 0 {
		t.Errorf("%d ModifyVpnTunnelOptions", n)
	}
}

// disable turns both logs off on both tunnels, one at a time.
func TestDisable_bothTunnels(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/disable")
	for _, ip := range ips {
		deliverOutOfBand(t, srv, id, ip, arn, "json")
	}
	srv.ResetStats()
	code, out, errOut := cli.run("disable", "--vpn-connection-id", id, "--yes")
	if code != exitOK {
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
	if !strings.Contains(out, "Disabling logging on 1 VPN connection in us-east-1") || !strings.Contains(out, "logging disabled on 2 tunnels") ||
		!strings.Contains(squash(out), ips[0]+" turning off logging, now tunnel log to "+arn+" (json)") {
		t.Errorf("output:\n%s", out)
	}
}

// A log group that does not exist fails the checks (with --dry-run too), with the same explanation the provider gives
// at plan time, in the setup tool's words; nothing is written. The groups are read in one call.
func TestEnable_missingLogGroup(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, _ := acctest.CreateVPNConnection(t, srv, nil)
	bgp := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/bgp")
	srv.ResetStats()
	for _, extra := range [][]string{{"--dry-run"}, {"--yes"}} {
		args := append([]string{"enable", "--vpn-connection-id", id, "--log-group-arn", acctest.LogGroupARN("/aws/vendedlogs/vpn/missing"),
			"--bgp-log-group-arn", bgp}, extra...)
		code, out, errOut := cli.run(args...)
		if code != exitProblems || !strings.Contains(errOut, "1 check failed") {
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
		if strings.Contains(squash(out), "ok log groups /aws/vendedlogs") {
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

// --output json prints one document that follows docs/cli/enable.schema.json, for a dry run and for a change; the
// progress stays on standard error.
func TestEnable_json(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{"Name": "json"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/json")
	deliverOutOfBand(t, srv, id, ips[0], arn, "json")
	code, out, errOut := cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--dry-run", "--output", "json")
	if code != exitProblems {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	validateJSON(t, "enable", out)
	var plan changeReport
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	byIP := func(r changeReport) map[string]changeTunnel {
		m := map[string]changeTunnel{}
		for _, tu := range r.Connections[0].Tunnels {
			m[tu.OutsideIPAddress] = tu
		}
		return m
	}
	tunnels := byIP(plan)
	if plan.Outcome != "planned" || !plan.DryRun || plan.Summary.ToChange != 1 || plan.Summary.Unchanged != 1 || len(tunnels) != 2 ||
		tunnels[ips[0]].Action != "none" || tunnels[ips[0]].Result != "unchanged" || tunnels[ips[1]].Action != "enable" || tunnels[ips[1]].Result != "planned" {
		t.Errorf("plan %+v", plan)
	}
	code, out, errOut = cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--yes", "--output", "json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	validateJSON(t, "enable", out)
	var done changeReport
	if err := json.Unmarshal([]byte(out), &done); err != nil {
		t.Fatal(err)
	}
	if tu := byIP(done)[ips[1]]; done.Outcome != "done" || done.Summary.Changed != 1 || tu.Result != "changed" || tu.Seconds == nil ||
		!strings.Contains(errOut, "done in") {
		t.Errorf("outcome %+v\nstderr %s", done, errOut)
	}
	code, out, _ = cli.run("disable", "--vpn-connection-id", id, "--tunnel", ips[0], "--dry-run", "--output", "json")
	validateJSON(t, "enable", out)
	if code != exitProblems || !strings.Contains(out, `"command": "disable"`) {
		t.Errorf("disable --dry-run: exit %d\n%s", code, out)
	}
}
