package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// tableRow matches a tunnel's row of doctor's table: its address, then LOGS, FORMAT, LOG GROUP and HEALTH.
func tableRow(out, ip string) string {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 5 && strings.Contains(" "+squash(l)+" ", " "+ip+" ") && !strings.HasPrefix(strings.TrimSpace(l), "warn") {
			return squash(strings.TrimSpace(l[strings.Index(l, ip):]))
		}
	}
	return ""
}

// A connection whose tunnels deliver both logs to an existing /aws/vendedlogs/ group: every check is ok, one row
// per tunnel says so with its health, and the reads are one per kind.
func TestDoctor_allOK(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{"Name": "branch-paris"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/doctor")
	for _, ip := range ips {
		deliverOutOfBand(t, srv, id, ip, arn, "json")
	}
	srv.ResetStats()
	code, out, errOut := cli.run("doctor")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	lines := checkLines(out)
	if len(lines["warn"]) > 0 || len(lines["FAIL"]) > 0 || len(lines["unknown"]) > 0 {
		t.Fatalf("not all ok:\n%s", out)
	}
	for _, want := range []string{
		"Configuration and credentials", "us-east-1 (partition aws)", "caller arn:aws:sts::123456789012:assumed-role/vpnlogs-sandbox/sandbox-session",
		"may perform all 10 checked actions", "AWSLogDeliveryWrite20150319 uses", "Log groups under /aws/vendedlogs/ are covered",
		"1 of 10 account-level resource policies", "VPN connections (1 connection, 2 tunnels; health from the last 1h of logs)",
		"CONNECTION", id + " (branch-paris)",
		"ok tunnels 2 tunnels of 1 connection deliver both logs to existing groups under /aws/vendedlogs/; 2 healthy.",
		"0 warnings, 0 failures.",
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, ip := range ips {
		if row, want := tableRow(out, ip), ip+" tunnel+BGP json /aws/vendedlogs/vpn/doctor healthy"; row != want {
			t.Errorf("row %q, want %q", row, want)
		}
	}
	// One DescribeLogGroups for the group both tunnels deliver to, one simulation, one policy read, one read of the
	// group's events for both tunnels.
	for _, c := range []struct {
		svc, action string
		want        int
	}{{"logs", "DescribeLogGroups", 1}, {"iam", "SimulatePrincipalPolicy", 1}, {"logs", "DescribeResourcePolicies", 1}, {"logs", "FilterLogEvents", 1}} {
		if n := acctest.CallCount(srv, c.svc, c.action); n != c.want {
			t.Errorf("%s:%s called %d times, want %d", c.svc, c.action, n, c.want)
		}
	}
	if w := writes(srv); len(w) > 0 {
		t.Errorf("doctor wrote: %v", w)
	}
	if t.Failed() {
		t.Log(out)
	}
}

// Six tunnels with logging off, on three connections selected by tag: one row each, and one finding for all of them
// whose fix is the enable command for the whole selection (a dry run first), to the group the fleet already uses.
func TestDoctor_loggingOffGroupedWithOneFix(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/fleet")
	var ids []string
	for range 3 {
		id, _ := acctest.CreateVPNConnection(t, srv, map[string]string{"env": "prod"})
		ids = append(ids, id)
	}
	other, otherIPs := acctest.CreateVPNConnection(t, srv, map[string]string{"env": "dev"})
	for _, ip := range otherIPs {
		deliverOutOfBand(t, srv, other, ip, arn, "json")
	}
	code, out, errOut := cli.run("doctor", "--tag", "env=prod")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, other) {
		t.Errorf("the env=dev connection is checked:\n%s", out)
	}
	warns := checkLines(out)["warn"]
	if len(warns) != 1 || !strings.HasPrefix(warns[0], "logging off: 6 tunnels of 3 connections do not deliver every log") {
		t.Fatalf("want one logging-off warning for the 6 tunnels, got %q:\n%s", warns, out)
	}
	for _, id := range ids {
		if !strings.Contains(out, id) {
			t.Errorf("output lacks %s", id)
		}
	}
	// The group no tunnel of the selection delivers to yet: the default, which must be created first.
	want := "fix: Create the group with the vpnlogs_log_group resource or `aws logs create-log-group --log-group-name " +
		"/aws/vendedlogs/vpn/site-to-site`. Plan the change for all of them with `terraform-provider-vpnlogs enable --tag env=prod " +
		"--log-group-arn arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/site-to-site --dry-run`, then run it with --yes"
	if !strings.Contains(squash(out), want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if strings.Count(out, "terraform-provider-vpnlogs enable") != 1 {
		t.Errorf("want one enable command:\n%s", out)
	}
	// Once a connection of the selection delivers both logs, the fix covers only the others, to the group it uses.
	for _, ip := range describeIPs(t, srv, ids[0]) {
		deliverOutOfBand(t, srv, ids[0], ip, arn, "json")
	}
	_, out, _ = cli.run("doctor", "--tag", "env=prod")
	want = "fix: Plan the change for all of them with `terraform-provider-vpnlogs enable --vpn-connection-id " + ids[1] + "," + ids[2] +
		" --log-group-arn " + arn + " --dry-run`"
	if !strings.Contains(squash(out), want) || !strings.Contains(out, "logging off  4 tunnels of 2 connections") {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// describeIPs are a connection's tunnels' outside addresses.
func describeIPs(t *testing.T, srv *sandbox.Server, id string) []string {
	t.Helper()
	var ips []string
	for ip := range describeLogOptions(t, srv, id) {
		ips = append(ips, ip)
	}
	return ips
}

// A tunnel whose logs show a failure: its row names the root cause, and one finding per root cause gives each
// tunnel's diagnosis line and the fix (issue 13: one story across commands).
func TestDoctor_unhealthyTunnelDiagnosis(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: sandbox.ScenarioPSKMismatch})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/psk")
	for _, ip := range ips {
		deliverOutOfBand(t, srv, id, ip, arn, "json")
	}
	code, out, errOut := cli.run("doctor", "--vpn-connection-id", id)
	if code != exitOK {
		t.Fatalf("exit %d (an unhealthy tunnel is a warning: health judges tunnels)\n%s\n%s", code, out, errOut)
	}
	for _, ip := range ips {
		if row := tableRow(out, ip); !strings.HasSuffix(row, "down: ike.psk_mismatch") {
			t.Errorf("row %q", row)
		}
	}
	warns := checkLines(out)["warn"]
	if len(warns) != 1 || !strings.HasPrefix(warns[0], "unhealthy: 2 tunnels, root cause ike.psk_mismatch:") {
		t.Fatalf("warnings %q\n%s", warns, out)
	}
	for _, want := range []string{
		id + " " + ips[0] + " down since ", ": IKE phase 1 is down: AWS tunnel detected a pre-shared key mismatch",
		"fix: Configure the customer gateway at the logged address with exactly the pre-shared key of this tunnel",
		"The evidence: `terraform-provider-vpnlogs health --vpn-connection-id " + id + "`.",
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The JSON carries each tunnel's health with its diagnosis, as documented.
	_, js, _ := cli.run("doctor", "--vpn-connection-id", id, "--output", "json")
	validateJSON(t, "doctor", js)
	var r struct {
		Connections []struct {
			Tunnels []struct {
				Health struct {
					Status    string
					Diagnosis struct{ Code, Remediation string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	for _, tu := range r.Connections[0].Tunnels {
		if tu.Health.Status != "down" || tu.Health.Diagnosis.Code != "ike.psk_mismatch" || tu.Health.Diagnosis.Remediation == "" {
			t.Errorf("health %+v", tu.Health)
		}
	}
}

// A denied action: the permissions line fails and names it; exit status 2.
func TestDoctor_deniedAction(t *testing.T) {
	t.Parallel()
	_, cli := sandboxCLI(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:CreateLogDelivery"} })
	code, out, errOut := cli.run("doctor")
	if code != exitProblems {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, out, errOut)
	}
	fails := checkLines(out)["FAIL"]
	if len(fails) != 1 || !strings.HasPrefix(fails[0], "permissions: ") || !strings.Contains(fails[0], "logs:CreateLogDelivery") {
		t.Fatalf("FAIL lines %q\n%s", fails, out)
	}
	if !strings.Contains(out, "fix: Attach to arn:aws:iam::123456789012:role/vpnlogs-sandbox the policy that "+
		"`terraform-provider-vpnlogs policy --pretty --region us-east-1 --account-id 123456789012` prints") {
		t.Errorf("no fix:\n%s", out)
	}
	if !strings.Contains(errOut, "doctor found 1 problem") {
		t.Errorf("stderr %q", errOut)
	}
}

// A simulation that cannot run leaves the permissions undecided: unknown with the reason, exit status 3.
func TestDoctor_permissionsNotEvaluated(t *testing.T) {
	t.Parallel()
	_, cli := sandboxCLI(t, func(o *sandbox.Options) { o.DenyActions = []string{"iam:SimulatePrincipalPolicy"} })
	code, out, errOut := cli.run("doctor")
	if code != exitUndecided {
		t.Fatalf("exit %d, want 3\n%s\n%s", code, out, errOut)
	}
	unknown := checkLines(out)["unknown"]
	if len(unknown) != 1 || !strings.HasPrefix(unknown[0], "permissions: ") || !strings.Contains(unknown[0], "iam:SimulatePrincipalPolicy") ||
		!strings.Contains(out, "fix: Allow iam:SimulatePrincipalPolicy") || !strings.Contains(errOut, "doctor could not run 1 check") {
		t.Fatalf("unknown %q\n%s\n%s", unknown, out, errOut)
	}
}

// A delivery policy seeded near the limit and a planned group outside /aws/vendedlogs/: the projection fails with
// the numbers and the /aws/vendedlogs/ fix; exit status 2.
func TestDoctor_budgetOverflow(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	// Full enough that the group's own entry does not fit, while the /aws/vendedlogs/* entry would.
	const size = 5050
	seedDeliveryPolicy(t, srv, size)
	group := acctest.LogGroupARN("/vpn/overflow")
	code, out, errOut := cli.run("doctor", "--log-group-arn", group)
	if code != exitProblems {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, out, errOut)
	}
	projected := size + testEntryCost("/vpn/overflow")
	for _, want := range []string{
		fmt.Sprintf("warn policy size AWSLogDeliveryWrite20150319 uses %d of 5120 characters (99%%, --policy-size-limit), %d remaining.", size, 5120-size),
		fmt.Sprintf("FAIL projection Enabling delivery would grow the account-level CloudWatch Logs resource policy "+
			"AWSLogDeliveryWrite20150319 from %d to %d characters; the limit is 5120 (--policy-size-limit), %d over", size, projected, projected-5120),
		fmt.Sprintf("- %s: +%d characters (--log-group-arn)", group, testEntryCost("/vpn/overflow")),
		"fix: Deliver to log groups whose names start with /aws/vendedlogs/. AWS covers all of them with the single entry " +
			"arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/* (66 characters, added once)",
		"/vpn/overflow -> /aws/vendedlogs/vpn/overflow",
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// Tunnels delivering to a log group that was deleted afterwards: one FAIL for the group, listing them; exit 2.
func TestDoctor_missingGroup(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/gone")
	for _, ip := range ips {
		deliverOutOfBand(t, srv, id, ip, arn, "text")
	}
	if _, err := acctest.Logs(srv).DeleteLogGroup(context.Background(), &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/vendedlogs/vpn/gone")}); err != nil {
		t.Fatal(err)
	}
	code, out, _ := cli.run("doctor", "--vpn-connection-id", id)
	if code != exitProblems {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	fails := checkLines(out)["FAIL"]
	if len(fails) != 1 || !strings.HasPrefix(fails[0], "log group missing: 2 tunnels deliver to the log group /aws/vendedlogs/vpn/gone, which does not exist") {
		t.Fatalf("want one FAIL for the group:\n%s", out)
	}
	for _, ip := range ips {
		if row := tableRow(out, ip); row != ip+" tunnel+BGP text /aws/vendedlogs/vpn/gone (missing) not read" {
			t.Errorf("row %q", row)
		}
	}
	if !strings.Contains(squash(out), "fix: Create the group with the vpnlogs_log_group resource or `aws logs create-log-group --log-group-name /aws/vendedlogs/vpn/gone`. Or deliver to an existing group") {
		t.Errorf("no fix:\n%s", out)
	}
	if len(checkLines(out)["unknown"]) > 0 {
		t.Errorf("the unreadable health of the tunnels is reported besides the missing group:\n%s", out)
	}
}

// A group outside /aws/vendedlogs/ is a warning that suggests the vendedlogs name; an unknown connection fails and
// the others are still checked.
func TestDoctor_outsideVendedlogsAndUnknownConnection(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/vpn/legacy")
	deliverOutOfBand(t, srv, id, ips[0], arn, "json")
	code, out, _ := cli.run("doctor", "--vpn-connection-id", id+",vpn-0000000000000dead")
	if code != exitProblems {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	for _, want := range []string{
		"outside vendedlogs 1 tunnel deliver to /vpn/legacy, outside /aws/vendedlogs/",
		"fix: Deliver to /aws/vendedlogs/vpn/legacy instead",
		"FAIL connection VPN connection vpn-0000000000000dead does not exist in us-east-1.",
		ips[0] + " tunnel+BGP json /vpn/legacy healthy",
	} {
		if !strings.Contains(squash(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// No region: the configuration check fails as every subcommand renders the error, nothing else runs, exit 1 (an
// error of the settings, not a finding).
func TestDoctor_configurationFailure(t *testing.T) {
	isolatePolicyEnv(t)
	code, out, errOut := runCLI(t, "doctor")
	if code != exitError {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(squash(out), "FAIL configuration No AWS region (--region): No region is set.") || strings.Contains(out, "IAM permissions") ||
		!strings.Contains(errOut, "nothing else was checked") {
		t.Fatalf("output:\n%s\n%s", out, errOut)
	}
}

// The JSON output follows its schema and agrees with the checks.
func TestDoctor_json(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{"Name": "json"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/json")
	deliverOutOfBand(t, srv, id, ips[0], arn, "text")
	code, out, errOut := cli.run("doctor", "--output", "json", "--log-group-arn", acctest.LogGroupARN("/aws/vendedlogs/vpn/other"))
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	validateJSON(t, "doctor", out)
	var r struct {
		SchemaVersion int    `json:"schema_version"`
		Status        string `json:"status"`
		Summary       struct{ OK, Warn, Fail, Unknown int }
		Checks        []struct {
			Section, Name, Status, Message, Fix string
			Tunnels                             []string
		}
		Identity struct {
			Region    string
			AccountID string `json:"account_id"`
		}
		Budget struct {
			Used       int `json:"used_characters"`
			Projection *struct {
				Projected int `json:"projected_characters"`
				Fits      bool
			}
		}
		Connections []struct {
			ID, Name string
			Tunnels  []struct {
				OutsideIP string `json:"outside_ip_address"`
				TunnelLog struct {
					Enabled      bool
					LogGroupARN  string `json:"log_group_arn"`
					OutputFormat string `json:"output_format"`
					Exists       *bool  `json:"log_group_exists"`
				} `json:"tunnel_log"`
				Telemetry *struct{ Status string }
				Health    *struct{ Status string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.SchemaVersion != 2 || r.Status != "warn" || r.Summary.Fail != 0 || r.Summary.Warn != 1 || r.Summary.OK+r.Summary.Warn != len(r.Checks) {
		t.Errorf("status %q summary %+v, %d checks", r.Status, r.Summary, len(r.Checks))
	}
	if r.Identity.Region != "us-east-1" || r.Identity.AccountID != acctest.AccountID {
		t.Errorf("identity %+v", r.Identity)
	}
	if r.Budget.Used == 0 || r.Budget.Projection == nil || !r.Budget.Projection.Fits || r.Budget.Projection.Projected != r.Budget.Used {
		t.Errorf("budget %+v", r.Budget)
	}
	if len(r.Connections) != 1 || r.Connections[0].ID != id || r.Connections[0].Name != "json" || len(r.Connections[0].Tunnels) != 2 {
		t.Fatalf("connections %+v", r.Connections)
	}
	for _, tun := range r.Connections[0].Tunnels {
		l := tun.TunnelLog
		if tun.OutsideIP == ips[0] {
			if !l.Enabled || l.LogGroupARN != arn || l.OutputFormat != "text" || l.Exists == nil || !*l.Exists || tun.Health == nil || tun.Health.Status != "healthy" {
				t.Errorf("tunnel %s: %+v %+v", tun.OutsideIP, l, tun.Health)
			}
		} else if l.Enabled || l.Exists != nil || tun.Health == nil || tun.Health.Status != "unknown" {
			t.Errorf("tunnel %s: %+v %+v", tun.OutsideIP, l, tun.Health)
		}
		if tun.Telemetry == nil || tun.Telemetry.Status != "UP" {
			t.Errorf("telemetry %+v", tun.Telemetry)
		}
	}
	for _, c := range r.Checks {
		if c.Status != "ok" && (c.Name != "logging off" || len(c.Tunnels) != 1 || c.Tunnels[0] != id+"/"+ips[1] || c.Fix == "") {
			t.Errorf("check %+v", c)
		}
	}
}
