package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// maxDemoLines is the most lines `make demo` may print: a person reads it.
const maxDemoLines = 250

// `make demo` on a copy of the repository's demo files: it succeeds, stays short, prints no escape codes when its
// output is not a terminal, and every act has a heading, a command and a line saying what it proved, with the facts
// the story rests on (about 15 seconds).
func TestDemo_shortPlainAndEveryActProvesSomething(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"jq", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the demo needs %s on PATH (.ci/run installs it): %v", tool, err)
		}
	}
	root := copyDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "demo.sh"), binary)
	cmd.Env = cleanEnv()
	start := time.Now()
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	t.Logf("demo: %d lines in %s", strings.Count(out, "\n"), time.Since(start).Round(time.Second))

	if n := strings.Count(out, "\n"); n > maxDemoLines {
		t.Errorf("the demo printed %d lines, more than %d", n, maxDemoLines)
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("the demo printed escape codes although its output is not a terminal")
	}

	// Each act: "N. heading", maybe a note in parentheses, a command line, output, and "-> what it proved".
	acts := regexp.MustCompile(`(?m)^(\d+)\. .+\n\n(?:\(.+\)\n)?(.*\$ .+)\n`).FindAllStringSubmatch(out, -1)
	if len(acts) != 8 {
		t.Fatalf("found %d acts with a heading and a command, want 8:\n%s", len(acts), out)
	}
	if n := len(regexp.MustCompile(`(?m)^-> \S`).FindAllString(out, -1)); n != len(acts) {
		t.Errorf("%d acts, %d lines saying what they proved", len(acts), n)
	}

	mustContain(t, "the demo", out,
		// Permissions first: the missing action, before any change.
		"Error: Missing IAM permissions for VPN log delivery", "logs:CreateLogDelivery: not allowed by any policy",
		"with the policy to attach; ModifyVpnTunnelOptions calls: 0.",
		// The wall: one verdict, before any change.
		"1 error for the plan's 6 log groups and 6 tunnels, exact per group, before any change; ModifyVpnTunnelOptions calls: 0.",
		// Adoption: prod's tunnels, already logging, are not changed.
		"adopted without a change: vpn-0123456789abcdef0/203.0.113.10, vpn-0123456789abcdef0/203.0.113.11",
		"Six tunnels in the plan, 4 changed",
		// Health with root causes.
		"vpn-0123456789abcdef1/203.0.113.20 down ike.psk_mismatch",
		"vpn-0123456789abcdef2/203.0.113.31 down ike.dpd_timeout",
		// Doctor, drift check, cost.
		"down: ike.psk_mismatch", "No changes.", "exit code 0",
		"ModifyVpnTunnelOptions 4 6", "FilterLogEvents 1 12",
	)
	if n := strings.Count(out, "Error: CloudWatch Logs resource policy would exceed its size limit"); n != 1 {
		t.Errorf("the wall's verdict appears %d times, want once", n)
	}
}

// copyDemo copies what `make demo` runs (scripts/, demo/ and the module) into a new directory with the repository's
// layout, so that the test writes no state into the repository and can run beside a `make demo`.
func copyDemo(t *testing.T) string {
	t.Helper()
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, dir := range []string{"scripts", "demo", "examples/modules"} {
		dst := filepath.Join(root, dir)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(dst, os.DirFS(filepath.Join(repo, dir))); err != nil {
			t.Fatal(err)
		}
	}
	for _, leftover := range []string{"demo/.work", "demo/fleet/.terraform", "demo/fleet/terraform.tfstate"} {
		_ = os.RemoveAll(filepath.Join(root, leftover))
	}
	return root
}
