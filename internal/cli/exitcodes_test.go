package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// The exit-code table of --help holds for every command, and every command's --output json follows its documented
// schema: one fleet of three connections (healthy and logging, failing and logging, not logging) and the sandbox's
// deny list give each command each code it can return.
func TestExitCodeTableAndSchemas(t *testing.T) {
	t.Parallel()
	srv, cli := healthCLI(t, nil)
	group := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/table")
	conn := func(env, scenario string, logging bool) {
		id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{"env": env, sandbox.ScenarioTag: scenario})
		for _, ip := range ips {
			if logging {
				deliverOutOfBand(t, srv, id, ip, group, "json")
			}
		}
	}
	conn("ok", sandbox.ScenarioHealthy, true)
	conn("bad", sandbox.ScenarioPSKMismatch, true)
	conn("off", sandbox.ScenarioHealthy, false)
	missing := acctest.LogGroupARN("/aws/vendedlogs/vpn/missing")
	out := filepath.Join(t.TempDir(), "main.tf")
	deny := func(actions ...string) func() { return func() { srv.SetDenyActions(actions, nil) } }

	for _, c := range []struct {
		args   []string
		before func() // adjusts the sandbox first (the deny list is reset after each case)
		code   int
		schema string // validates standard output when set
	}{
		{[]string{"doctor", "--tag", "env=ok", "--output", "json"}, nil, exitOK, "doctor"},
		{[]string{"doctor", "--output", "yaml"}, nil, exitError, ""},
		{[]string{"doctor", "--vpn-connection-id", "vpn-0000000000000dead", "--output", "json"}, nil, exitProblems, "doctor"},
		{[]string{"doctor", "--tag", "env=ok", "--output", "json"}, deny("iam:SimulatePrincipalPolicy"), exitUndecided, "doctor"},

		{[]string{"enable", "--tag", "env=ok", "--log-group-arn", group, "--yes", "--output", "json"}, nil, exitOK, "enable"},
		{[]string{"enable", "--tag", "env=off", "--log-group-arn", group}, nil, exitError, ""},
		{[]string{"enable", "--tag", "env=off", "--log-group-arn", group, "--dry-run", "--output", "json"}, nil, exitProblems, "enable"},
		{[]string{"enable", "--tag", "env=off", "--log-group-arn", missing, "--yes", "--output", "json"}, nil, exitProblems, "enable"},
		{[]string{"enable", "--tag", "env=off", "--log-group-arn", group, "--dry-run", "--output", "json"}, deny("iam:SimulatePrincipalPolicy"), exitProblems, "enable"},

		{[]string{"disable", "--tag", "env=off", "--yes", "--output", "json"}, nil, exitOK, "enable"},
		{[]string{"disable", "--yes"}, nil, exitError, ""},
		{[]string{"disable", "--tag", "env=ok", "--dry-run", "--output", "json"}, nil, exitProblems, "enable"},
		{[]string{"disable", "--tag", "env=ok", "--yes"}, deny("ec2:ModifyVpnTunnelOptions"), exitProblems, ""},

		{[]string{"health", "--tag", "env=ok", "--output", "json"}, nil, exitOK, "health"},
		{[]string{"health", "--output", "yaml"}, nil, exitError, ""},
		{[]string{"health", "--tag", "env=bad", "--output", "json"}, nil, exitProblems, "health"},
		{[]string{"health", "--tag", "env=off", "--output", "json"}, nil, exitUndecided, "health"},
		{[]string{"health", "--tag", "env=ok", "--output", "json"}, deny("logs:FilterLogEvents"), exitError, "health"},

		{[]string{"generate", "--all", "--import", "--with-health", "--out", out, "--output", "json"}, nil, exitOK, "generate"},
		{[]string{"generate", "--tag", "env=none"}, nil, exitError, ""},
		{[]string{"generate", "--all", "--output", "json"}, nil, exitError, ""},

		{[]string{"policy"}, nil, exitOK, "policy"},
		{[]string{"policy", "--include-read", "--output", "text"}, nil, exitOK, ""},
		{[]string{"policy", "--account-id", "12"}, nil, exitError, ""},

		{[]string{"policy", "check", "--output", "json"}, nil, exitOK, "policy-check"},
		{[]string{"policy", "check", "--output", "yaml"}, nil, exitError, ""},
		{[]string{"policy", "check", "--include-read", "--output", "json"}, deny("logs:FilterLogEvents"), exitProblems, "policy-check"},
		{[]string{"policy", "check", "--output", "json"}, deny("iam:SimulatePrincipalPolicy"), exitUndecided, "policy-check"},

		{[]string{"version", "--output", "json"}, nil, exitOK, "version"},
		{[]string{"version", "--output", "yaml"}, nil, exitError, ""},
		{[]string{"sandbox", "--scenario", "nope"}, nil, exitError, ""},
		{[]string{"no-such-command"}, nil, exitError, ""},
	} {
		name := strings.Join(c.args, " ")
		if c.before != nil {
			c.before()
		}
		code, stdout, stderr := cli.run(c.args...)
		srv.SetDenyActions(nil, nil)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", name, code, c.code, stdout, stderr)
			continue
		}
		if c.schema != "" {
			t.Run(name, func(t *testing.T) { validateJSON(t, c.schema, stdout) })
		}
		if code != exitOK && !strings.Contains(c.args[0], "sandbox") && stderr == "" {
			t.Errorf("%s: exit %d without a word on standard error", name, code)
		}
	}

	// The table is in --help.
	_, help, _ := cli.run("--help")
	for _, want := range []string{"Exit status, the same for every command:", "0  ok:", "1  error:", "2  a check found problems:", "3  could not decide:"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

// policy check --include-read checks what reading the delivered logs needs as well.
func TestPolicyCheckCommand_includeRead(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	code, out, errOut := cli.run("policy", "check", "--include-read")
	if code != exitOK || !strings.Contains(out, "may perform all 15 checked actions") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, a := range cliRead {
		if !strings.Contains(out, "allowed                  "+a) {
			t.Errorf("output lacks %s:\n%s", a, out)
		}
	}
	srv.SetDenyActions([]string{"logs:StartQuery"}, nil)
	code, out, _ = cli.run("policy", "check", "--include-read", "--actions", "ec2:DescribeVpnConnections")
	if code != exitProblems || !strings.Contains(out, "MISSING                  logs:StartQuery") || !strings.Contains(out, "ec2:DescribeVpnConnections") ||
		strings.Contains(out, "logs:CreateLogDelivery") {
		t.Errorf("--actions with --include-read: exit %d\n%s", code, out)
	}
}

// The schemas are strict: a document with a field they do not describe, a wrong schema_version or a missing field is
// refused, so that the tests above fail when the output and its documentation part.
func TestSchemas_refuseWhatTheyDoNotDescribe(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"version":      `{"schema_version":1,"version":"1","go":"go1.26","platform":"linux/amd64","extra":true}`,
		"doctor":       `{"schema_version":1,"status":"ok","summary":{"ok":0,"warn":0,"fail":0,"unknown":0},"checks":[],"identity":null,"permissions":null,"budget":null,"connections":[]}`,
		"enable":       `{"schema_version":1,"command":"enable"}`,
		"health":       `{"schema_version":1,"tunnels":[{"status":"fine"}],"summary":{"healthy":0,"degraded":0,"down":0,"unknown":0},"reads":{"calls":null,"log_groups":[]}}`,
		"policy":       `{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Deny","Action":["s3:*"],"Resource":["*"]}]}`,
		"policy-check": `{"schema_version":1,"actions":[{"action":"a","decision":"maybe"}]}`,
		"generate":     `{"schema_version":2}`,
		"sandbox":      `{"schema_version":1,"endpoint":"ftp://x"}`,
	} {
		if err := schemaError(t, name, doc); err == nil {
			t.Errorf("%s.schema.json accepts %s", name, doc)
		}
	}
	if err := schemaError(t, "version", `{"schema_version":1,"version":"1","go":"go1.26","platform":"linux/amd64"}`); err != nil {
		t.Errorf("a valid version document is refused: %v", err)
	}
}
