package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

const terraformBinary = "/usr/local/bin/terraform"

// terraformFmtClean fails unless terraform fmt leaves the configuration as it is: `terraform fmt -check` on a file,
// and `terraform fmt -` returning it unchanged.
func terraformFmtClean(t *testing.T, config string) {
	t.Helper()
	if _, err := os.Stat(terraformBinary); err != nil {
		t.Skipf("no terraform at %s", terraformBinary)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(file, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "none.tfrc"))
	check := exec.Command(terraformBinary, "fmt", "-check", "-diff", "-no-color", file)
	check.Env = env
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("terraform fmt -check: %v\n%s", err, out)
	}
	stdin := exec.Command(terraformBinary, "fmt", "-no-color", "-")
	stdin.Env = env
	stdin.Stdin = strings.NewReader(config)
	out, err := stdin.Output()
	if err != nil {
		t.Fatalf("terraform fmt -: %v", err)
	}
	if string(out) != config {
		t.Fatalf("terraform fmt changed the configuration:\n%s", out)
	}
}

var (
	tunnelResourceRE = regexp.MustCompile(`(?m)^resource "vpnlogs_tunnel_logging" "([a-z0-9_]+)" \{\n  vpn_connection_id         = "(vpn-[0-9a-f]+)"\n  tunnel_outside_ip_address = "([0-9.]+)"\n`)
	importIDRE       = regexp.MustCompile(`(?m)^  id = "([^"]+)"$`)
)

// A fleet of three connections selected by tag: one vpnlogs_tunnel_logging per tunnel with the right address and
// name, terraform-fmt clean, deterministic, and import blocks only for the tunnels already delivering.
func TestGenerate_fleet(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	var ids []string
	ips := map[string][]string{}
	for _, name := range []string{"Branch Paris", "branch-lyon", ""} {
		tags := map[string]string{"env": "prod"}
		if name != "" {
			tags["Name"] = name
		}
		id, tips := acctest.CreateVPNConnection(t, srv, tags)
		ids = append(ids, id)
		ips[id] = tips
	}
	other, _ := acctest.CreateVPNConnection(t, srv, map[string]string{"env": "dev", "Name": "dev"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/prod")
	// Paris delivers both logs of both tunnels already; Lyon one tunnel's, in text.
	for _, ip := range ips[ids[0]] {
		deliverOutOfBand(t, srv, ids[0], ip, arn, "json")
	}
	deliverOutOfBand(t, srv, ids[1], ips[ids[1]][0], arn, "text")
	srv.ResetStats()

	args := []string{"generate", "--tag", "env=prod", "--log-group-name", "/aws/vendedlogs/vpn/prod", "--import", "--with-health"}
	code, out, errOut := cli.run(args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	terraformFmtClean(t, out)
	if code, again, _ := cli.run(args...); code != 0 || again != out {
		t.Fatalf("a second run differs:\n%s", again)
	}

	wantNames := map[string]string{ids[0]: "branch_paris", ids[1]: "branch_lyon", ids[2]: strings.ReplaceAll(ids[2], "-", "_")}
	var got, want []string
	for _, m := range tunnelResourceRE.FindAllStringSubmatch(out, -1) {
		got = append(got, m[2]+"/"+m[3]+" "+m[1])
	}
	for _, id := range ids {
		for _, ip := range ips[id] {
			want = append(want, id+"/"+ip+" "+wantNames[id]+"_"+strings.ReplaceAll(ip, ".", "_"))
		}
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tunnel resources\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := strings.Count(out, `resource "vpnlogs_tunnel_logging"`); n != 6 {
		t.Errorf("%d vpnlogs_tunnel_logging, want 6", n)
	}
	if strings.Contains(out, other) {
		t.Errorf("the env=dev connection %s is in the configuration", other)
	}

	var imports []string
	for _, m := range importIDRE.FindAllStringSubmatch(out, -1) {
		imports = append(imports, m[1])
	}
	sort.Strings(imports)
	wantImports := []string{"/aws/vendedlogs/vpn/prod", ids[0] + "/" + ips[ids[0]][0], ids[0] + "/" + ips[ids[0]][1], ids[1] + "/" + ips[ids[1]][0]}
	sort.Strings(wantImports)
	if strings.Join(imports, " ") != strings.Join(wantImports, " ") {
		t.Errorf("imports %v, want %v", imports, wantImports)
	}
	if n := strings.Count(out, "\ncheck \""); n != 6 {
		t.Errorf("%d check blocks, want 6", n)
	}
	for _, s := range []string{
		"terraform {\n  required_version = \">= 1.5.0\"\n\n  required_providers {\n    vpnlogs = { source = \"vpnlogs/vpnlogs\" }\n  }\n}\n",
		"provider \"vpnlogs\" {\n  region = \"us-east-1\"\n}\n",
		"resource \"vpnlogs_log_group\" \"vpn\" {\n  name = \"/aws/vendedlogs/vpn/prod\"\n}\n",
		"  bgp_log = {\n    log_group_arn = vpnlogs_log_group.vpn.arn\n    output_format = \"text\"\n  }\n}\n", // Lyon's adopted tunnel
		"    condition     = data.vpnlogs_tunnel_health.branch_paris_",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("configuration lacks %q", s)
		}
	}
	if !strings.Contains(errOut, "Wrote standard output: 3 VPN connections, 6 tunnels, 4 import blocks.") {
		t.Errorf("stderr %q", errOut)
	}
	if w := writes(srv); len(w) > 0 {
		t.Errorf("generate wrote: %v", w)
	}
	if t.Failed() {
		t.Log(out)
	}
}

// Without --import every tunnel delivers to the group in the chosen format, and the note says what --import would
// adopt; --out writes a file and refuses to overwrite it without --force.
func TestGenerate_noImportAndOut(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/x")
	deliverOutOfBand(t, srv, id, ips[0], arn, "json")
	file := filepath.Join(t.TempDir(), "vpn.tf")
	code, out, errOut := cli.run("generate", "--vpn-connection-id", id, "--format", "text", "--no-bgp", "--out", file)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q\n%s", code, out, errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	config := string(b)
	terraformFmtClean(t, config)
	if strings.Contains(config, "import {") || strings.Contains(config, "bgp_log") || strings.Contains(config, "required_version") ||
		strings.Count(config, `output_format = "text"`) != 2 || !strings.Contains(config, `name = "/aws/vendedlogs/vpn/site-to-site"`) {
		t.Errorf("configuration:\n%s", config)
	}
	if !strings.Contains(errOut, "Note: 1 tunnel already delivers logs") || !strings.Contains(errOut, "Add --import") {
		t.Errorf("stderr %q", errOut)
	}
	code, _, errOut = cli.run("generate", "--vpn-connection-id", id, "--out", file)
	if code != 1 || !strings.Contains(errOut, "--force") {
		t.Errorf("overwrite: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut = cli.run("generate", "--vpn-connection-id", id, "--out", file, "--force"); code != 0 {
		t.Errorf("--force: exit %d, stderr %q", code, errOut)
	}
}

// A group outside /aws/vendedlogs/ is refused with the provider's explanation unless --allow-outside-vendedlogs.
func TestGenerate_outsideVendedlogs(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	id, _ := acctest.CreateVPNConnection(t, srv, nil)
	code, out, errOut := cli.run("generate", "--log-group-name", "/vpn/prod")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{
		`The log group name "/vpn/prod" does not start with /aws/vendedlogs/`,
		`"arn:aws:logs:us-east-1:123456789012:log-group:/vpn/prod:log-stream:*"`, "AWSLogDeliveryWrite20150319",
		"Fix: use --log-group-name /aws/vendedlogs/vpn/prod instead, or add --allow-outside-vendedlogs",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q: %s", want, errOut)
		}
	}
	code, out, errOut = cli.run("generate", "--log-group-name", "/vpn/prod", "--allow-outside-vendedlogs")
	if code != 0 || !strings.Contains(out, "  allow_outside_vendedlogs = true\n") || !strings.Contains(out, id) {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	terraformFmtClean(t, out)

	code, _, errOut = cli.run("generate", "--log-group-name", "aws/vendedlogs/x")
	if code != 1 || !strings.Contains(errOut, "--log-group-name") || !strings.Contains(errOut, `did you mean "/aws/vendedlogs/x"`) {
		t.Errorf("invalid name: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli.run("generate", "--tag", "env=none")
	if code != 1 || !strings.Contains(errOut, "no VPN connection in us-east-1 matches --tag env=none") {
		t.Errorf("no match: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli.run("generate", "--tag", "env")
	if code != 1 || !strings.Contains(errOut, "want KEY=VALUE") {
		t.Errorf("bad tag: exit %d, stderr %q", code, errOut)
	}
}

// An adopted log group keeps its settings, so importing it plans no change.
func TestGenerate_adoptedGroupSettings(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	acctest.CreateVPNConnection(t, srv, nil)
	acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/kept")
	ctx := t.Context()
	logs := acctest.Logs(srv)
	if _, err := logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
		LogGroupName: aws.String("/aws/vendedlogs/vpn/kept"), RetentionInDays: aws.Int32(30),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := logs.TagResource(ctx, &cloudwatchlogs.TagResourceInput{
		ResourceArn: aws.String(acctest.LogGroupARN("/aws/vendedlogs/vpn/kept")), Tags: map[string]string{"team": "net", "cost:centre": "a/b=c+d"},
	}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli.run("generate", "--log-group-name", "/aws/vendedlogs/vpn/kept", "--import")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	terraformFmtClean(t, out)
	want := "resource \"vpnlogs_log_group\" \"vpn\" {\n  name              = \"/aws/vendedlogs/vpn/kept\"\n  retention_in_days = 30\n\n" +
		"  tags = {\n    \"cost:centre\" = \"a/b=c+d\"\n    team          = \"net\"\n  }\n}\n\nimport {\n  to = vpnlogs_log_group.vpn\n  id = \"/aws/vendedlogs/vpn/kept\"\n}\n"
	if !strings.Contains(out, want) {
		t.Errorf("configuration lacks\n%s\n%s", want, out)
	}
}

func TestNameTunnels(t *testing.T) {
	conns := []vpn.Connection{
		{ID: "vpn-01", Tags: map[string]string{"Name": "Site A"}, Tunnels: []vpn.Tunnel{{OutsideIP: "198.51.100.1"}, {OutsideIP: "198.51.100.2"}}},
		{ID: "vpn-02", Tags: map[string]string{"Name": "site-a"}, Tunnels: []vpn.Tunnel{{OutsideIP: "198.51.100.3"}}},
		{ID: "vpn-03", Tags: map[string]string{"Name": "42 ---"}, Tunnels: []vpn.Tunnel{{OutsideIP: "2001:db8::1"}}},
		{ID: "vpn-04", Tags: map[string]string{"Name": "---"}, Tunnels: []vpn.Tunnel{{OutsideIP: "198.51.100.4"}}},
	}
	var got []string
	for _, tun := range nameTunnels(conns) {
		got = append(got, tun.name)
	}
	want := []string{"vpn_01_198_51_100_1", "vpn_01_198_51_100_2", "vpn_02_198_51_100_3", "tunnel_42_2001_db8_1", "vpn_04_198_51_100_4"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("names %v, want %v", got, want)
	}
}

// Values from AWS (tags, Name tags) are literals in the configuration, whatever they hold: quotes, backslashes,
// control characters and template sequences are escaped, and a Name tag stays on its comment line.
func TestGenerateConfig_escapesValues(t *testing.T) {
	t.Parallel()
	conn := vpn.Connection{ID: "vpn-0123456789abcdef0", Tags: map[string]string{"Name": "evil\n\"${var.x}\" %{if}"},
		Tunnels: []vpn.Tunnel{{OutsideIP: "203.0.113.10"}}}
	tags := map[string]string{"a${b}": "c\\d\"e\tf", "plain": "%{x}"}
	config := generateConfig(genInput{version: "test", region: "us-east-1", selection: "--all",
		flags:   &generateFlags{logGroupName: "/aws/vendedlogs/vpn/x", format: "json", importExisting: true, withHealth: true},
		tunnels: nameTunnels([]vpn.Connection{conn}), group: &logdelivery.LogGroup{Name: "/aws/vendedlogs/vpn/x", Tags: tags},
		groupARN: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/x"})
	file, diags := hclsyntax.ParseConfig(config, "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%v\n%s", diags, config)
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("body %T", file.Body)
	}
	attrs, _ := body.Blocks[2].Body.JustAttributes() // resource "vpnlogs_log_group"
	v, diags := attrs["tags"].Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("tags are not a literal: %v", diags)
	}
	for k, want := range tags {
		if got := v.GetAttr(k).AsString(); got != want {
			t.Errorf("tag %q = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(string(config), "# vpn-0123456789abcdef0 (evil \"${var.x}\" %{if}), tunnel 203.0.113.10\n") {
		t.Errorf("the Name tag's comment:\n%s", config)
	}
	terraformFmtClean(t, string(config))
}
