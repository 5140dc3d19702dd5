package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// tunnelLogging is a tunnel's log options as DescribeVpnConnections reports them, by outside IP address.
func tunnelLogging(t *testing.T, srv *sandbox.Server, id string) map[string]string {
	t.Helper()
	out, err := acctest.EC2(srv).DescribeVpnConnections(context.Background(), &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, o := range out.VpnConnections[0].Options.TunnelOptions {
		s := "off"
		if lo := o.LogOptions; lo != nil && lo.CloudWatchLogOptions != nil {
			cw := lo.CloudWatchLogOptions
			s = strings.Join([]string{
				aws.ToString(cw.LogGroupArn), aws.ToString(cw.LogOutputFormat), aws.ToString(cw.BgpLogGroupArn), aws.ToString(cw.BgpLogOutputFormat),
			}, " ")
			if !aws.ToBool(cw.LogEnabled) || !aws.ToBool(cw.BgpLogEnabled) {
				s = "partly off: " + s
			}
		}
		m[aws.ToString(o.OutsideIpAddress)] = s
	}
	return m
}

// The setup tool's generate writes a configuration that the real terraform formats as is, plans and applies through
// dev_overrides against the sandbox: tunnels already delivering are imported with no change and without touching
// them, the others are enabled, and the next plan is empty. Generated again afterwards, the whole fleet is adopted by
// imports alone.
func TestBinary_generatedConfigurationPlansAndApplies(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	env := sandboxEnv(srv)
	var ids []string
	ips := map[string][]string{}
	for _, name := range []string{"branch-paris", "branch-lyon", "branch-nice"} {
		id, tips := acctest.CreateVPNConnection(t, srv, map[string]string{"env": "prod", "Name": name})
		ids = append(ids, id)
		ips[id] = tips
	}
	dev, _ := acctest.CreateVPNConnection(t, srv, map[string]string{"env": "dev"})
	group := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/prod")
	deliver := func(id, ip, format string) {
		if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{
			LogEnabled: true, LogGroupARN: group, LogOutputFormat: format, BGPLogEnabled: true, BGPLogGroupARN: group, BGPLogOutputFormat: format,
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Paris delivers both tunnels' logs already, Lyon one tunnel's in text, Nice nothing.
	deliver(ids[0], ips[ids[0]][0], "json")
	deliver(ids[0], ips[ids[0]][1], "json")
	deliver(ids[1], ips[ids[1]][0], "text")

	dir := t.TempDir()
	generate := []string{"generate", "--tag", "env=prod", "--log-group-name", "/aws/vendedlogs/vpn/prod", "--import", "--with-health"}
	stdout, stderr, code := run(t, env, append(generate, "--out", filepath.Join(dir, "main.tf"))...)
	if code != 0 {
		t.Fatalf("generate: exit %d\n%s\n%s", code, stdout, stderr)
	}
	mustContain(t, "generate stderr", stderr, "Wrote "+filepath.Join(dir, "main.tf")+": 3 VPN connections, 6 tunnels, 4 import blocks.")
	config, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(config), dev) {
		t.Errorf("the env=dev connection is in the configuration")
	}
	if out, code := terraform(t, dir, nil, "fmt", "-check", "-diff"); code != 0 {
		t.Fatalf("terraform fmt -check: exit %d\n%s", code, out)
	}

	// Plan: the group and the three delivering tunnels are imported, unchanged; three tunnels are added.
	srv.ResetStats()
	out, code := terraform(t, dir, env, "plan")
	if code != 0 {
		t.Fatalf("plan failed (exit %d):\n%s\n%s", code, out, config)
	}
	mustContain(t, "plan", out, "Plan: 4 to import, 3 to add, 0 to change, 0 to destroy.",
		"vpnlogs_tunnel_logging.branch_paris_"+strings.ReplaceAll(ips[ids[0]][0], ".", "_")+": Preparing import... [id="+ids[0]+"/"+ips[ids[0]][0]+"]",
		"vpnlogs_log_group.vpn: Preparing import... [id=/aws/vendedlogs/vpn/prod]")
	if strings.Contains(out, "Error:") {
		t.Errorf("plan has errors:\n%s", out)
	}
	if n := srv.Stats()["ec2"]["ModifyVpnTunnelOptions"]; n != 0 {
		t.Fatalf("plan sent %d ModifyVpnTunnelOptions", n)
	}

	// Apply: only the three new tunnels are modified; the adopted ones are not touched.
	out, code = terraform(t, dir, env, "apply", "-auto-approve")
	if code != 0 {
		t.Fatalf("apply failed (exit %d):\n%s", code, out)
	}
	mustContain(t, "apply", out, "Apply complete! Resources: 4 imported, 3 added, 0 changed, 0 destroyed.")
	if n := srv.Stats()["ec2"]["ModifyVpnTunnelOptions"]; n != 3 {
		t.Errorf("apply sent %d ModifyVpnTunnelOptions, want 3 (the adopted tunnels must not be touched)", n)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.ErrorCode, "InvalidState") || strings.Contains(r.ErrorCode, "IncorrectState") {
			t.Errorf("%s:%s failed with %s", r.Service, r.Action, r.ErrorCode)
		}
	}
	json, text := group+" json "+group+" json", group+" text "+group+" text"
	for i, id := range ids {
		got := tunnelLogging(t, srv, id)
		for j, ip := range ips[id] {
			want := json
			if i == 1 && j == 0 {
				want = text // adopted as it was
			}
			if got[ip] != want {
				t.Errorf("%s %s: %s, want %s", id, ip, got[ip], want)
			}
		}
	}
	// Nothing drifted: the health data sources sit outside their check blocks, so Terraform reads them during plan and
	// the plan is empty. terraform plan -detailed-exitcode exits 0, as a drift check in CI needs; the checks still
	// report each tunnel's health.
	out, code = terraform(t, dir, env, "plan", "-detailed-exitcode")
	if code != 0 {
		t.Fatalf("plan -detailed-exitcode after apply: exit %d, want 0 (no changes)\n%s", code, out)
	}
	mustContain(t, "plan after apply", out, "No changes. Your infrastructure matches the configuration.")
	if strings.Contains(out, "will be read during apply") {
		t.Errorf("plan after apply defers a health read:\n%s", out)
	}
	// Drift (a tunnel's logging turned off outside Terraform) makes the same command exit 2 and name the tunnel.
	if err := srv.SetTunnelLogOptionsOutOfBand(ids[2], ips[ids[2]][0], sandbox.TunnelLogOptions{}); err != nil {
		t.Fatal(err)
	}
	out, code = terraform(t, dir, env, "plan", "-detailed-exitcode")
	if code != 2 {
		t.Fatalf("plan -detailed-exitcode after drift: exit %d, want 2\n%s", code, out)
	}
	mustContain(t, "plan after drift", out, "Plan: 0 to add, 1 to change, 0 to destroy.", ips[ids[2]][0])
	deliver(ids[2], ips[ids[2]][0], "json")

	// Generated again with every tunnel delivering: adopting the fleet is imports only.
	dir2 := t.TempDir()
	if stdout, stderr, code := run(t, env, append(generate, "--out", filepath.Join(dir2, "main.tf"))...); code != 0 {
		t.Fatalf("generate: exit %d\n%s\n%s", code, stdout, stderr)
	}
	srv.ResetStats()
	out, code = terraform(t, dir2, env, "plan")
	if code != 0 {
		t.Fatalf("plan failed (exit %d):\n%s", code, out)
	}
	mustContain(t, "plan of the adopted fleet", out, "Plan: 7 to import, 0 to add, 0 to change, 0 to destroy.")
	if n := srv.Stats()["ec2"]["ModifyVpnTunnelOptions"]; n != 0 {
		t.Errorf("plan sent %d ModifyVpnTunnelOptions", n)
	}
}
