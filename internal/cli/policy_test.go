package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// isolatePolicyEnv clears the machine's AWS settings (no AWS_* variables, no shared files, no instance metadata)
// and sets the sandbox's credentials. Tests that call it cannot run in parallel (t.Setenv).
func isolatePolicyEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k) //nolint:usetesting // t.Setenv above restores it; the SDK treats "" differently from unset
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", acctest.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", acctest.SecretKey)
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Execute(context.Background(), "test", args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// Hand-written action sets (not taken from iampolicy).
var (
	cliDelivery = []string{
		"logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
		"logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
	}
	cliTunnel = []string{"ec2:DescribeVpnConnections", "ec2:ModifyVpnTunnelOptions"}
	cliRead   = []string{"logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:GetQueryResults", "logs:StartQuery"}
)

func joined(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Strings(out)
	return out
}

type cliPolicy struct {
	Version   string
	Statement []struct {
		Sid      string
		Effect   string
		Action   []string
		Resource []string
	}
}

func parsePolicy(t *testing.T, s string) (cliPolicy, []string, map[string]string) {
	t.Helper()
	var p cliPolicy
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		t.Fatalf("output does not parse as JSON: %v\n%s", err, s)
	}
	var actions []string
	resources := map[string]string{}
	for _, st := range p.Statement {
		actions = append(actions, st.Action...)
		resources[st.Sid] = strings.Join(st.Resource, ",")
	}
	sort.Strings(actions)
	return p, actions, resources
}

func TestPolicyCommand_document(t *testing.T) {
	isolatePolicyEnv(t)
	for _, tc := range []struct {
		name          string
		args          []string
		wantActions   []string
		wantResources map[string]string
		pretty        bool
	}{
		{"default", []string{"policy"}, joined(cliDelivery, cliTunnel), map[string]string{
			"S2SVPNLogging": "*", "S2SVPNLoggingCWL": "*", "S2SVPNTunnelModify": "*", "S2SVPNDescribeConnections": "*",
		}, false},
		{"scoped with read", []string{"--region", "eu-west-1", "policy", "--account-id", "111122223333", "--include-read", "--pretty"},
			joined(cliDelivery, cliTunnel, cliRead), map[string]string{
				"S2SVPNLogging": "*", "S2SVPNLoggingCWL": "*",
				"S2SVPNTunnelModify":        "arn:aws:ec2:eu-west-1:111122223333:vpn-connection/*",
				"S2SVPNDescribeConnections": "*",
				"S2SVPNLogsRead":            "arn:aws:logs:eu-west-1:111122223333:log-group:*",
				"S2SVPNLogsQueryResults":    "*",
			}, true},
		{"no tunnel modify", []string{"policy", "--no-tunnel-modify"}, cliDelivery, map[string]string{
			"S2SVPNLogging": "*", "S2SVPNLoggingCWL": "*",
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			p, actions, resources := parsePolicy(t, out)
			if p.Version != "2012-10-17" || !reflect.DeepEqual(actions, tc.wantActions) || !reflect.DeepEqual(resources, tc.wantResources) {
				t.Fatalf("policy %s\nactions %v, want %v\nresources %v, want %v", out, actions, tc.wantActions, resources, tc.wantResources)
			}
			if pretty := strings.Count(out, "\n") > 1; pretty != tc.pretty {
				t.Fatalf("pretty = %v, want %v:\n%s", pretty, tc.pretty, out)
			}
		})
	}
}

func TestPolicyCommand_regionFromEnvironment(t *testing.T) {
	isolatePolicyEnv(t)
	t.Setenv("AWS_REGION", "cn-north-1")
	code, out, errOut := runCLI(t, "policy", "--account-id", "123456789012")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, _, res := parsePolicy(t, out); res["S2SVPNTunnelModify"] != "arn:aws-cn:ec2:cn-north-1:123456789012:vpn-connection/*" {
		t.Fatalf("resources %v", res)
	}
}

func TestPolicyCommand_invalidAccount(t *testing.T) {
	isolatePolicyEnv(t)
	code, out, errOut := runCLI(t, "policy", "--account-id", "1234")
	if code != 1 || out != "" || !strings.Contains(errOut, "--account-id") || !strings.Contains(errOut, "12 digits") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func checkArgs(srv *sandbox.Server, extra ...string) []string {
	return append([]string{"--endpoint-url", srv.URL(), "--region", acctest.Region, "policy", "check"}, extra...)
}

func TestPolicyCheckCommand_allowed(t *testing.T) {
	isolatePolicyEnv(t)
	srv := acctest.StartSandbox(t, nil)
	code, out, errOut := runCLI(t, checkArgs(srv)...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	for _, s := range []string{
		"Principal: arn:aws:iam::123456789012:role/vpnlogs-sandbox (caller arn:aws:sts::123456789012:assumed-role/vpnlogs-sandbox/sandbox-session)",
		"Result:    allowed", "allowed                  logs:CreateLogDelivery", "may perform all 10 checked actions",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	if n := acctest.CallCount(srv, "iam", "SimulatePrincipalPolicy"); n != 1 {
		t.Errorf("%d simulations", n)
	}
}

func TestPolicyCheckCommand_notAllowed(t *testing.T) {
	isolatePolicyEnv(t)
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) {
		o.DenyActions = []string{"logs:CreateLogDelivery"}
		o.ExplicitDenyActions = []string{"ec2:ModifyVpnTunnelOptions"}
	})
	code, out, errOut := runCLI(t, checkArgs(srv)...)
	if code != 2 {
		t.Fatalf("exit %d, want 2\nstdout %s\nstderr %s", code, out, errOut)
	}
	for _, s := range []string{"Result:    NOT ALLOWED", "MISSING                  logs:CreateLogDelivery",
		"DENIED (explicit deny)   ec2:ModifyVpnTunnelOptions", "allowed                  logs:PutResourcePolicy", "terraform-provider-vpnlogs policy --pretty"} {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	if !strings.Contains(errOut, "may not perform 2 of the 10 checked actions") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestPolicyCheckCommand_assumedRoleWithPathAndActions(t *testing.T) {
	isolatePolicyEnv(t)
	srv := acctest.StartSandbox(t, nil)
	srv.AddRole("vpn-admin", "/team/network/")
	srv.SetCallerARN("arn:aws:sts::123456789012:assumed-role/vpn-admin/s1")
	code, out, errOut := runCLI(t, checkArgs(srv, "--actions", "logs:StartQuery,logs:FilterLogEvents")...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if !strings.Contains(out, "Principal: arn:aws:iam::123456789012:role/team/network/vpn-admin (caller arn:aws:sts::123456789012:assumed-role/vpn-admin/s1)") ||
		!strings.Contains(out, "logs:FilterLogEvents") || strings.Contains(out, "logs:CreateLogDelivery") {
		t.Errorf("stdout:\n%s", out)
	}
}

func TestPolicyCheckCommand_notEvaluated(t *testing.T) {
	isolatePolicyEnv(t)
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"iam:SimulatePrincipalPolicy"} })
	code, out, errOut := runCLI(t, checkArgs(srv)...)
	if code != 3 {
		t.Fatalf("exit %d, want 3\nstdout %s\nstderr %s", code, out, errOut)
	}
	for _, s := range []string{"Result:    NOT EVALUATED", "not checked              logs:CreateLogDelivery", "may not call iam:SimulatePrincipalPolicy"} {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
}

func TestPolicyCheckCommand_rootPrincipal(t *testing.T) {
	isolatePolicyEnv(t)
	srv := acctest.StartSandbox(t, nil)
	code, out, _ := runCLI(t, checkArgs(srv, "--principal-arn", "arn:aws:iam::123456789012:root")...)
	if code != 3 || !strings.Contains(out, "root user") || !strings.Contains(out, "--principal-arn") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if n := acctest.CallCount(srv, "iam", "SimulatePrincipalPolicy"); n != 0 {
		t.Errorf("%d simulations of the root user", n)
	}
}

func TestPolicyCheckCommand_endpointFromEnvironment(t *testing.T) {
	isolatePolicyEnv(t)
	srv := acctest.StartSandbox(t, nil)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_REGION", acctest.Region)
	code, out, errOut := runCLI(t, "policy", "check")
	if code != 0 || !strings.Contains(out, "Result:    allowed") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}
