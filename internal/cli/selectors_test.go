package cli

import (
	"strings"
	"testing"
)

// A selector or ID given an empty value (an unset shell variable) is an error, never "every tunnel" or "every
// connection"; an outside address must be written as AWS reports it. Both are refused before any AWS call.
func TestSelectors_emptyAndNonCanonicalValuesAreRefused(t *testing.T) {
	t.Parallel()
	const vpnID = "vpn-0123456789abcdef0"
	arn := "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/x"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"disable", "--vpn-connection-id", vpnID, "--tunnel", "", "--yes"}, "--tunnel was given an empty value"},
		{[]string{"disable", "--vpn-connection-id", vpnID, "--tunnel=", "--yes"}, "--tunnel was given an empty value"},
		{[]string{"disable", "--vpn-connection-id", vpnID, "--tunnel", "203.0.113.10,", "--yes"}, "--tunnel was given an empty value"},
		{[]string{"disable", "--vpn-connection-id", "", "--yes"}, "--vpn-connection-id was given an empty value"},
		{[]string{"enable", "--vpn-connection-id", vpnID, "--tunnel", " ", "--log-group-arn", arn}, "--tunnel was given an empty value"},
		{[]string{"enable", "--vpn-connection-id", vpnID, "--tunnel", "::ffff:3.18.236.87", "--log-group-arn", arn},
			`--tunnel: "::ffff:3.18.236.87" is an IPv4-mapped IPv6 address: write "3.18.236.87"`},
		{[]string{"enable", "--vpn-connection-id", vpnID, "--tunnel", "3.18.236.087", "--log-group-arn", arn},
			`--tunnel: "3.18.236.087" has leading zeros, which some tools read as octal: write "3.18.236.87"`},
		{[]string{"enable", "--vpn-connection-id", "vpc-0123456789abcdef0", "--log-group-arn", arn}, "is not a VPN connection ID"},
		{[]string{"health", "--vpn-connection-id", vpnID, "--tunnel", ""}, "--tunnel was given an empty value"},
		{[]string{"health", "--vpn-connection-id", vpnID, "--tunnel", "::ffff:3.18.236.87"}, "is an IPv4-mapped IPv6 address"},
		{[]string{"health", "--vpn-connection-id", ""}, "--vpn-connection-id was given an empty value"},
		{[]string{"doctor", "--vpn-connection-id", ""}, "--vpn-connection-id was given an empty value"},
		{[]string{"doctor", "--log-group-arn", ""}, "--log-group-arn was given an empty value"},
		{[]string{"generate", "--vpn-connection-id", ""}, "--vpn-connection-id was given an empty value"},
		{[]string{"generate", "--tag", ""}, "--tag was given an empty value"},
		{[]string{"policy", "--account-id", ""}, "--account-id was given an empty value"},
		{[]string{"policy", "check", "--principal-arn", ""}, "--principal-arn was given an empty value"},
		{[]string{"policy", "check", "--actions", ""}, "--actions was given an empty value"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			// No endpoint reachable: a command that got past validation would fail differently.
			code, out, errOut := runCLI(t, append(tc.args, "--endpoint-url", "http://127.0.0.1:1")...)
			if code != 1 || !strings.Contains(squash(errOut), tc.want) {
				t.Errorf("exit %d, stderr %q, want exit 1 and %q (stdout %q)", code, errOut, tc.want, out)
			}
		})
	}
}

// The sandbox refuses, before serving, a caller ARN and deny-list entries that could not work.
func TestSandboxFlags_callerAndActionsAreChecked(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, "sandbox", "--listen", "127.0.0.1:0", "--caller-arn", "bad", "--deny-actions", "foo,logs:Put*",
		"--explicit-deny-actions", "iam:*,x")
	for _, want := range []string{
		`--caller-arn: "bad" is not the ARN of an IAM user or role`,
		`--deny-actions: "foo" is not an IAM action: write service:Action`,
		`--explicit-deny-actions: "x" is not an IAM action`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != 1 || strings.Contains(out, "listening") {
		t.Errorf("exit %d, stdout %q: the sandbox started", code, out)
	}
}
