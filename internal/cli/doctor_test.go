package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// squash collapses runs of spaces, so that assertions do not depend on column widths.
func squash(s string) string { return regexp.MustCompile(` +`).ReplaceAllString(s, " ") }

// statusLine matches a printed check: status, name, message.
var statusLine = regexp.MustCompile(`(?m)^  (ok|warn|FAIL)  +(\S.*?)  +(.*)$`)

// checkLines returns the printed checks by status.
func checkLines(out string) map[string][]string {
	m := map[string][]string{}
	for _, l := range statusLine.FindAllStringSubmatch(out, -1) {
		m[l[1]] = append(m[l[1]], l[2]+": "+l[3])
	}
	return m
}

// A connection whose tunnels deliver both logs to an existing /aws/vendedlogs/ group: every check is ok.
func TestDoctor_allOK(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{"Name": "branch-paris"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/doctor")
	for _, ip := range ips {
		deliverOutOfBand(t, srv, id, ip, arn, "json")
	}
	srv.ResetStats()
	code, out, errOut := runCLI(t, "doctor")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	lines := checkLines(out)
	if len(lines["warn"]) > 0 || len(lines["FAIL"]) > 0 {
		t.Fatalf("not all ok:\n%s", out)
	}
	for _, want := range []string{
		"Configuration and credentials", "us-east-1 (partition aws)", "caller arn:aws:sts::123456789012:assumed-role/vpnlogs-sandbox/sandbox-session",
		"may perform all 10 checked actions", "AWSLogDeliveryWrite20150319 uses", "Log groups under /aws/vendedlogs/ are covered",
		"1 of 10 account-level resource policies", id + " (branch-paris): available, tunnels ",
		id + " " + ips[0] + ": the tunnel log is delivered to " + arn + " (json), an existing group under /aws/vendedlogs/.",
		id + " " + ips[1] + ": the BGP log is delivered to " + arn + " (json)", id + " " + ips[1] + ": UP",
		"0 warnings, 0 failures.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// One DescribeLogGroups for the group both tunnels deliver to, one simulation, one policy read.
	for _, c := range []struct {
		svc, action string
		want        int
	}{{"logs", "DescribeLogGroups", 1}, {"iam", "SimulatePrincipalPolicy", 1}, {"logs", "DescribeResourcePolicies", 1}} {
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

// Logging not enabled yet: warnings with the fix, exit status 0.
func TestDoctor_warningsExitZero(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	code, out, errOut := runCLI(t, "doctor", "--vpn-connection-id", id)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	lines := checkLines(out)
	if len(lines["warn"]) != 4 || len(lines["FAIL"]) != 0 {
		t.Fatalf("want 4 warnings (2 logs x 2 tunnels):\n%s", out)
	}
	for _, want := range []string{
		id + " " + ips[0] + ": the tunnel log is not delivered to CloudWatch Logs.",
		"fix: Enable it with the vpnlogs_tunnel_logging resource, or `terraform-provider-vpnlogs enable --vpn-connection-id " + id + " --tunnel " + ips[0],
		"No log-delivery policy yet", "4 warnings, 0 failures.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A denied action: the permissions line fails and names it.
func TestDoctor_deniedAction(t *testing.T) {
	setupSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:CreateLogDelivery"} })
	code, out, errOut := runCLI(t, "doctor")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	fails := checkLines(out)["FAIL"]
	if len(fails) != 1 || !strings.HasPrefix(fails[0], "permissions: ") || !strings.Contains(fails[0], "logs:CreateLogDelivery") {
		t.Fatalf("FAIL lines %q\n%s", fails, out)
	}
	if !strings.Contains(out, "fix: Attach to arn:aws:iam::123456789012:role/vpnlogs-sandbox the policy that "+
		"`terraform-provider-vpnlogs policy --pretty --region us-east-1 --account-id 123456789012` prints") {
		t.Errorf("no fix:\n%s", out)
	}
	if !strings.Contains(errOut, "doctor found 1 failure") {
		t.Errorf("stderr %q", errOut)
	}
}

// A simulation that cannot run is a warning with the reason, not a failure.
func TestDoctor_permissionsNotEvaluated(t *testing.T) {
	setupSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"iam:SimulatePrincipalPolicy"} })
	code, out, errOut := runCLI(t, "doctor")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errOut)
	}
	warns := checkLines(out)["warn"]
	if len(warns) != 1 || !strings.HasPrefix(warns[0], "permissions: ") || !strings.Contains(warns[0], "iam:SimulatePrincipalPolicy") ||
		!strings.Contains(out, "fix: Allow iam:SimulatePrincipalPolicy") {
		t.Fatalf("warnings %q\n%s", warns, out)
	}
}

// A delivery policy seeded near the limit and a planned group outside /aws/vendedlogs/: the projection fails with
// the numbers and the /aws/vendedlogs/ fix.
func TestDoctor_budgetOverflow(t *testing.T) {
	srv := setupSandbox(t, nil)
	// Full enough that the group's own entry does not fit, while the /aws/vendedlogs/* entry would.
	const size = 5050
	seedDeliveryPolicy(t, srv, size)
	group := acctest.LogGroupARN("/vpn/overflow")
	code, out, errOut := runCLI(t, "doctor", "--log-group-arn", group)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
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

// A tunnel delivering to a log group that was deleted afterwards: FAIL.
func TestDoctor_missingGroup(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/gone")
	deliverOutOfBand(t, srv, id, ips[1], arn, "text")
	if _, err := acctest.Logs(srv).DeleteLogGroup(context.Background(), &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/vendedlogs/vpn/gone")}); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "doctor", "--vpn-connection-id", id)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	fails := checkLines(out)["FAIL"]
	if len(fails) != 2 {
		t.Fatalf("want 2 FAIL lines (tunnel and BGP log of %s):\n%s", ips[1], out)
	}
	for _, f := range fails {
		if !strings.Contains(f, id+" "+ips[1]) || !strings.Contains(f, "the log group /aws/vendedlogs/vpn/gone does not exist") {
			t.Errorf("FAIL line %q", f)
		}
	}
	if !strings.Contains(out, "fix: Create the group (the vpnlogs_log_group resource, or `aws logs create-log-group --log-group-name /aws/vendedlogs/vpn/gone`)") {
		t.Errorf("no fix:\n%s", out)
	}
}

// A group outside /aws/vendedlogs/ is a warning that suggests the vendedlogs name; an unknown connection fails.
func TestDoctor_outsideVendedlogsAndUnknownConnection(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/vpn/legacy")
	deliverOutOfBand(t, srv, id, ips[0], arn, "json")
	code, out, _ := runCLI(t, "doctor", "--vpn-connection-id", id+",vpn-0000000000000dead")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		id + " " + ips[0] + ": the tunnel log is delivered to " + arn + " (json); the group is outside /aws/vendedlogs/",
		"fix: Deliver to /aws/vendedlogs/vpn/legacy instead",
		"FAIL  connection",
		"vpn-0000000000000dead",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// No region: the configuration check fails as every subcommand renders the error, and nothing else runs.
func TestDoctor_configurationFailure(t *testing.T) {
	setupSandbox(t, nil)
	t.Setenv("AWS_REGION", "")
	code, out, _ := runCLI(t, "doctor")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out, "FAIL  configuration  No AWS region (--region): No region is set.") || strings.Contains(out, "IAM permissions") {
		t.Fatalf("output:\n%s", out)
	}
}

// The JSON output parses, follows the documented shape and agrees with the checks.
func TestDoctor_json(t *testing.T) {
	srv := setupSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{"Name": "json"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/json")
	deliverOutOfBand(t, srv, id, ips[0], arn, "text")
	code, out, errOut := runCLI(t, "doctor", "--output", "json", "--log-group-arn", acctest.LogGroupARN("/aws/vendedlogs/vpn/other"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var r struct {
		SchemaVersion int    `json:"schema_version"`
		Status        string `json:"status"`
		Summary       struct{ OK, Warn, Fail int }
		Checks        []struct {
			Section, Name, Status, Message, Fix string
			VPNConnectionID                     string `json:"vpn_connection_id"`
			TunnelOutsideIP                     string `json:"tunnel_outside_ip_address"`
		}
		Identity struct {
			Region, Partition string
			AccountID         string `json:"account_id"`
			CallerARN         string `json:"caller_arn"`
		}
		Permissions struct {
			Evaluated, Allowed bool
			Missing            []string `json:"missing_actions"`
		}
		Budget struct {
			Limit             int
			Used              int  `json:"used_characters"`
			VendedlogsCovered bool `json:"vendedlogs_covered"`
			PolicyCount       int  `json:"policy_count"`
			Projection        *struct {
				ARNs      []string `json:"log_group_arns"`
				Projected int      `json:"projected_characters"`
				Fits      bool
			}
		}
		Connections []struct {
			ID, Name, State string
			Tunnels         []struct {
				OutsideIP string `json:"outside_ip_address"`
				TunnelLog struct {
					Enabled      bool
					LogGroupARN  string `json:"log_group_arn"`
					OutputFormat string `json:"output_format"`
					Exists       *bool  `json:"log_group_exists"`
					Vendedlogs   bool
				} `json:"tunnel_log"`
				Telemetry *struct{ Status string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.SchemaVersion != 1 || r.Status != "warn" || r.Summary.Fail != 0 || r.Summary.Warn != 2 || r.Summary.OK+r.Summary.Warn != len(r.Checks) {
		t.Errorf("status %q summary %+v, %d checks", r.Status, r.Summary, len(r.Checks))
	}
	if r.Identity.Region != "us-east-1" || r.Identity.AccountID != acctest.AccountID || r.Identity.Partition != "aws" || r.Identity.CallerARN == "" {
		t.Errorf("identity %+v", r.Identity)
	}
	if !r.Permissions.Evaluated || !r.Permissions.Allowed || r.Permissions.Missing == nil {
		t.Errorf("permissions %+v", r.Permissions)
	}
	if r.Budget.Limit != 5120 || r.Budget.Used == 0 || !r.Budget.VendedlogsCovered || r.Budget.Projection == nil ||
		!r.Budget.Projection.Fits || r.Budget.Projection.Projected != r.Budget.Used {
		t.Errorf("budget %+v", r.Budget)
	}
	if len(r.Connections) != 1 || r.Connections[0].ID != id || r.Connections[0].Name != "json" || len(r.Connections[0].Tunnels) != 2 {
		t.Fatalf("connections %+v", r.Connections)
	}
	for _, tun := range r.Connections[0].Tunnels {
		l := tun.TunnelLog
		if tun.OutsideIP == ips[0] {
			if !l.Enabled || l.LogGroupARN != arn || l.OutputFormat != "text" || l.Exists == nil || !*l.Exists || !l.Vendedlogs {
				t.Errorf("tunnel %s: %+v", tun.OutsideIP, l)
			}
		} else if l.Enabled || l.Exists != nil {
			t.Errorf("tunnel %s: %+v", tun.OutsideIP, l)
		}
		if tun.Telemetry == nil || tun.Telemetry.Status != "UP" {
			t.Errorf("telemetry %+v", tun.Telemetry)
		}
	}
	for _, c := range r.Checks {
		if c.Status != "ok" && (c.Fix == "" || c.VPNConnectionID != id || c.TunnelOutsideIP != ips[1]) {
			t.Errorf("check %+v", c)
		}
	}
}
