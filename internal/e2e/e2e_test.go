// Package e2e drives the built terraform-provider-vpnlogs binary the way users do: the setup tool from a shell,
// and the provider through the terraform CLI with a dev_overrides CLI configuration, against the sandbox.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

var (
	binDir string // holds terraform-provider-vpnlogs
	binary string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vpnlogs-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	binary = filepath.Join(dir, "terraform-provider-vpnlogs")
	build := exec.Command("go", "build", "-o", binary, "github.com/vpnlogs/terraform-provider-vpnlogs")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the provider binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run executes the binary with args and returns stdout, stderr and the exit code.
func run(t testing.TB, env []string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(cleanEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

// cleanEnv is the test process's environment without AWS_* or TF_* settings, so the machine's own configuration
// cannot leak into a test.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "TF_PLUGIN_MAGIC_COOKIE") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "CHECKPOINT_DISABLE=1")
}

// terraform runs the terraform CLI in dir with a dev_overrides configuration pointing at the built binary.
func terraform(t testing.TB, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := terraformCmd(ctx, t, dir, env, args...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("terraform %v: %v", args, err)
	}
	return string(out), code
}

// terraformCmd prepares a terraform command in dir, with a dev_overrides CLI configuration pointing at the built
// binary, for the caller to run.
func terraformCmd(ctx context.Context, t testing.TB, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	rc := filepath.Join(dir, "dev.tfrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "vpnlogs/vpnlogs" = %q
  }
  direct {}
}
`, binDir)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "terraform", append(args, "-no-color")...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), append([]string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1"}, env...)...)
	return cmd
}

// writeConfig writes main.tf into a new directory.
func writeConfig(t testing.TB, hcl string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`terraform {
  required_providers {
    vpnlogs = { source = "vpnlogs/vpnlogs" }
  }
}
`+hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startSandbox runs an in-process sandbox; the binary reaches it over loopback.
func startSandbox(t *testing.T) *sandbox.Server { return acctest.StartSandbox(t, nil) }

// sandboxEnv points the standard AWS variables at srv, as the sandbox subcommand tells users to.
func sandboxEnv(srv *sandbox.Server) []string {
	return []string{
		"AWS_ENDPOINT_URL=" + srv.URL(), "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true",
	}
}

func mustContain(t testing.TB, what, got string, wants ...string) {
	t.Helper()
	norm := strings.Join(strings.Fields(got), " ")
	for _, w := range wants {
		if !strings.Contains(norm, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

func TestBinary_versionHelpAndBareRun(t *testing.T) {
	t.Parallel()
	out, _, code := run(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "terraform-provider-vpnlogs dev ") {
		t.Errorf("version: exit %d, output %q", code, out)
	}
	out, _, code = run(t, nil, "--help")
	if code != 0 {
		t.Errorf("--help exit %d", code)
	}
	mustContain(t, "--help", out, "Available Commands:", "version", "sandbox", "--region", "--profile", "--endpoint-url")

	out, stderr, code := run(t, nil)
	if code != 0 || strings.Contains(out+stderr, "This binary is a plugin") {
		t.Errorf("bare run: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	mustContain(t, "bare run", out, "Usage:", "terraform-provider-vpnlogs [command]")
}

// Terraform 1.11 with dev_overrides plans a configuration holding only the provider block against a local endpoint.
func TestBinary_devOverridesProviderOnly(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	dir := writeConfig(t, fmt.Sprintf(`provider "vpnlogs" {
  region = "us-east-1"
  endpoints {
    ec2  = %[1]q
    logs = %[1]q
    sts  = %[1]q
    iam  = %[1]q
  }
}
`, srv.URL()))
	out, code := terraform(t, dir, []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test"}, "plan")
	if code != 0 {
		t.Fatalf("plan failed (exit %d):\n%s", code, out)
	}
	mustContain(t, "plan", out, "No changes.")
}

// Each bad provider setting gives a diagnostic that names it, through the real terraform binary. (Terraform skips
// a provider that nothing uses, so the configuration reads vpnlogs_account.)
func TestBinary_devOverridesDiagnostics(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	cases := map[string]struct {
		provider string
		env      []string
		want     []string
	}{
		"no region": {`access_key = "a"
  secret_key = "b"`, nil, []string{"Error: No AWS region", "Set region, the AWS_REGION environment variable"}},
		"no credentials": {`region = "us-east-1"
  skip_metadata_api_check = true`, nil, []string{"Error: No valid AWS credentials", "AWS_ACCESS_KEY_ID"}},
		"malformed endpoint": {`region = "us-east-1"
  endpoints { sts = "127.0.0.1:4599" }`, nil, []string{"Error: Malformed endpoint URL", "endpoints[0].sts", "http or https"}},
		"unknown retry mode": {`region = "us-east-1"
  retry_mode = "legacy"`, nil, []string{"retry_mode", `value must be one of: ["standard" "adaptive"]`}},
		"good settings": {`region = "us-east-1"`, append(sandboxEnv(srv), "AWS_REGION="), []string{"caller_arn", "assumed-role/vpnlogs-sandbox"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := writeConfig(t, fmt.Sprintf(`provider "vpnlogs" {
  %s
}
data "vpnlogs_account" "this" {}
output "caller_arn" { value = data.vpnlogs_account.this.caller_arn }
`, tc.provider))
			out, code := terraform(t, dir, tc.env, "plan")
			if name == "good settings" {
				if code != 0 {
					t.Fatalf("plan failed:\n%s", out)
				}
			} else if code == 0 {
				t.Fatalf("plan succeeded, want an error:\n%s", out)
			}
			mustContain(t, "plan output", out, tc.want...)
		})
	}
}

// The plan shows that AWS interrupts the tunnel while its logging changes.
func TestBinary_tunnelInterruptionWarning(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	group := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/e2e")
	dir := writeConfig(t, fmt.Sprintf(`provider "vpnlogs" {}
resource "vpnlogs_tunnel_logging" "t" {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
  tunnel_log = { log_group_arn = %q }
}
`, id, ips[0], group))
	out, code := terraform(t, dir, sandboxEnv(srv), "plan")
	if code != 0 {
		t.Fatalf("plan failed:\n%s", out)
	}
	mustContain(t, "plan output", out, "Warning: Tunnel interruption", "Enabling logging on tunnel "+ips[0]+" of "+id,
		"AWS interrupts connectivity over this tunnel for up to several minutes")
	if n := srv.Stats()["ec2"]["ModifyVpnTunnelOptions"]; n != 0 {
		t.Errorf("plan sent %d ModifyVpnTunnelOptions", n)
	}
}
