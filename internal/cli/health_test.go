package cli

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// healthCLI starts a sandbox (mutate adjusts its options) and returns it with a CLI pointed at it that retries each
// call once, as health meets CloudWatch Logs' rate limits.
func healthCLI(t *testing.T, mutate func(*sandbox.Options)) (*sandbox.Server, *cli) {
	t.Helper()
	srv := acctest.StartSandbox(t, mutate)
	return srv, newCLI(t, srv, 1)
}

// health runs the health command.
func (c *cli) health(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	return c.run(append([]string{"health"}, args...)...)
}

// scenarioConnection creates a connection with a scenario and turns on both logs of the listed tunnels (by index)
// in the given output format.
func scenarioConnection(t *testing.T, srv *sandbox.Server, scenario, format string, logged ...int) (string, []string) {
	t.Helper()
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: scenario})
	name := "/aws/vendedlogs/vpn/" + id
	arn := acctest.CreateLogGroup(t, srv, name)
	for _, i := range logged {
		if err := srv.SetTunnelLogOptionsOutOfBand(id, ips[i], sandbox.TunnelLogOptions{
			LogEnabled: true, LogGroupARN: arn, LogOutputFormat: format, BGPLogEnabled: true, BGPLogGroupARN: arn, BGPLogOutputFormat: format,
		}); err != nil {
			t.Fatal(err)
		}
	}
	return id, ips
}

type healthOut struct {
	Tunnels []healthTunnelOut `json:"tunnels"`
}

type healthTunnelOut struct {
	VPNConnectionID string  `json:"vpn_connection_id"`
	OutsideIP       string  `json:"tunnel_outside_ip_address"`
	Status          string  `json:"status"`
	StatusReason    string  `json:"status_reason"`
	IKEPhase1State  *string `json:"ike_phase1_state"`
	BGPStatus       *string `json:"bgp_status"`
	Telemetry       *struct {
		Status string `json:"status"`
	} `json:"telemetry"`
	Diagnosis *struct {
		Code        string  `json:"code"`
		Summary     string  `json:"summary"`
		Remediation string  `json:"remediation"`
		Since       *string `json:"since"`
		Evidence    []struct {
			Code      string `json:"code"`
			Count     int    `json:"count"`
			FirstSeen string `json:"first_seen"`
			LastSeen  string `json:"last_seen"`
		} `json:"evidence"`
	} `json:"diagnosis"`
	Issues []struct {
		Code        string `json:"code"`
		Severity    string `json:"severity"`
		Count       int    `json:"count"`
		Remediation string `json:"remediation"`
		Resolved    bool   `json:"resolved"`
	} `json:"issues"`
	DeniedRoutes []struct {
		Prefix string `json:"prefix"`
	} `json:"denied_routes"`
	EventsRead int    `json:"events_read"`
	QueryMode  string `json:"query_mode"`
	LogGroups  []struct {
		Group string         `json:"group"`
		Calls map[string]int `json:"calls"`
	} `json:"log_groups"`
	Error string `json:"error"`
}

func (tu healthTunnelOut) codes() []string {
	var out []string
	for _, is := range tu.Issues {
		out = append(out, is.Code)
	}
	slices.Sort(out)
	return out
}

func parseHealth(t *testing.T, s string) healthOut {
	t.Helper()
	var h healthOut
	if err := json.Unmarshal([]byte(s), &h); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return h
}

func TestHealthCommand_jsonBothTunnels(t *testing.T) {
	t.Parallel()
	srv, cli := healthCLI(t, nil)
	id, ips := scenarioConnection(t, srv, sandbox.ScenarioPSKMismatch, "json", 0)
	code, out, errOut := cli.health("--vpn-connection-id", id, "--output", "json")
	if code != exitProblems || !strings.Contains(errOut, "1 of 2 tunnels unhealthy: "+id+"/"+ips[0]+" down") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	h := parseHealth(t, out)
	if len(h.Tunnels) != 2 {
		t.Fatalf("tunnels %+v", h.Tunnels)
	}
	byIP := map[string]int{h.Tunnels[0].OutsideIP: 0, h.Tunnels[1].OutsideIP: 1}
	down, off := h.Tunnels[byIP[ips[0]]], h.Tunnels[byIP[ips[1]]]
	if down.Status != "down" || !slices.Contains(down.codes(), "ike.psk_mismatch") || down.IKEPhase1State == nil || *down.IKEPhase1State != "Down" ||
		down.Telemetry == nil || down.Telemetry.Status != "DOWN" || down.QueryMode != "filter" || down.EventsRead == 0 {
		t.Errorf("logged tunnel: %+v", down)
	}
	if len(down.LogGroups) != 1 || down.LogGroups[0].Calls["FilterLogEvents"] != 1 {
		t.Errorf("log groups %+v", down.LogGroups)
	}
	if off.Status != "unknown" || !strings.Contains(off.StatusReason, "Logging is disabled") || off.Telemetry == nil || len(off.LogGroups) != 0 {
		t.Errorf("tunnel without logging: %+v", off)
	}
	// The diagnosis names the root cause, the key mismatch, with its fix; not a symptom such as a phase 1 timeout.
	if d := down.Diagnosis; d == nil || d.Code != "ike.psk_mismatch" || d.Summary != down.StatusReason || d.Since == nil ||
		!strings.Contains(strings.ToLower(d.Remediation), "pre-shared key") || len(d.Evidence) == 0 || d.Evidence[0].Code != "ike.psk_mismatch" ||
		d.Evidence[0].Count == 0 || d.Evidence[0].FirstSeen == "" {
		t.Errorf("diagnosis of the logged tunnel: %+v", d)
	}
	// Logging off: the CLI recommends its own enable command for that tunnel, not a Terraform resource.
	wantCmd := "terraform-provider-vpnlogs enable --vpn-connection-id " + id + " --tunnel " + ips[1] + " --log-group-arn "
	if d := off.Diagnosis; d == nil || d.Code != "logging.disabled" || !strings.Contains(d.Remediation, wantCmd) ||
		strings.Contains(d.Remediation, "vpnlogs_tunnel_logging") || !strings.Contains(off.StatusReason, wantCmd) {
		t.Errorf("diagnosis of the tunnel without logging: %+v", d)
	}
}

func TestHealthCommand_textAndInsights(t *testing.T) {
	t.Parallel()
	srv, cli := healthCLI(t, nil)
	id, ips := scenarioConnection(t, srv, sandbox.ScenarioRouteDenied, "text", 0, 1)

	code, out, errOut := cli.health("--vpn-connection-id", id, "--tunnel", ips[1])
	if code != exitProblems {
		t.Fatalf("exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, want := range []string{
		id + " tunnel " + ips[1] + ": DEGRADED\n",
		"  reason     AWS denies 2 routes: 10.99.0.0/16 (route.denied.nonconnected_next_hop), 172.31.0.0/16 (route.denied.own_as)\n",
		"  IKE        phase 1 Established, phase 2 Established, DPD enabled, NAT-T not detected\n",
		"  BGP        UP (Established), 0 flap(s)\n",
		"             denied 172.31.0.0/16: DENIED due to: as-path contains our own AS\n",
		"  telemetry  UP, \"1 BGP ROUTES\", 1 accepted route(s), since ",
		"; filter mode, 1 call(s) on /aws/vendedlogs/vpn/" + id + "\n",
		"  issues\n    warning  route.denied.",
		"             fix: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, ips[0]) {
		t.Errorf("--tunnel %s also printed %s:\n%s", ips[1], ips[0], out)
	}

	// Insights gives the same status and issues.
	_, jsonFilter, _ := cli.health("--vpn-connection-id", id, "--tunnel", ips[1], "--output", "json", "--query-mode", "filter")
	code, jsonInsights, errOut := cli.health("--vpn-connection-id", id, "--tunnel", ips[1], "--output", "json", "--query-mode", "insights")
	f, i := parseHealth(t, jsonFilter).Tunnels[0], parseHealth(t, jsonInsights).Tunnels[0]
	if code != exitProblems || i.QueryMode != "insights" || i.Status != f.Status || !slices.Equal(f.codes(), i.codes()) ||
		len(i.DeniedRoutes) != 2 || i.LogGroups[0].Calls["StartQuery"] != 1 {
		t.Errorf("exit %d (%s); filter %s %v; insights %s %v %+v", code, errOut, f.Status, f.codes(), i.Status, i.codes(), i.LogGroups)
	}
}

func TestHealthCommand_allAndExitCodes(t *testing.T) {
	t.Parallel()
	srv, cli := healthCLI(t, nil)
	okID, _ := scenarioConnection(t, srv, sandbox.ScenarioHealthy, "json", 0, 1)

	code, out, errOut := cli.health("--vpn-connection-id", okID)
	if code != 0 || strings.Count(out, ": HEALTHY\n") != 2 || errOut != "" {
		t.Errorf("healthy connection: exit %d, stderr %q\n%s", code, errOut, out)
	}

	offID, _ := scenarioConnection(t, srv, sandbox.ScenarioHealthy, "json")
	code, out, errOut = cli.health("--vpn-connection-id", offID)
	if code != exitUndecided || strings.Count(out, ": UNKNOWN\n") != 2 || !strings.Contains(errOut, "the health of 2 of 2 tunnels is unknown") {
		t.Errorf("connection without logging: exit %d, stderr %q\n%s", code, errOut, out)
	}

	badID, _ := scenarioConnection(t, srv, sandbox.ScenarioDPDTimeout, "json", 1)
	code, out, errOut = cli.health("--all", "--output", "json")
	h := parseHealth(t, out)
	seen := map[string]int{}
	for _, tu := range h.Tunnels {
		seen[tu.VPNConnectionID]++
	}
	if code != exitProblems || len(h.Tunnels) != 6 || seen[okID] != 2 || seen[offID] != 2 || seen[badID] != 2 {
		t.Errorf("--all: exit %d, stderr %q, tunnels %v", code, errOut, seen)
	}

	// A 12h lookback goes to Logs Insights in auto mode.
	srv.ResetStats()
	code, out, _ = cli.health("--vpn-connection-id", okID, "--lookback", "12h", "--output", "json")
	if h := parseHealth(t, out); code != 0 || h.Tunnels[0].QueryMode != "insights" || acctest.CallCount(srv, "logs", "StartQuery") != 2 {
		t.Errorf("12h: exit %d, mode %s, calls %v", code, h.Tunnels[0].QueryMode, srv.Stats()["logs"])
	}
}

func TestHealthCommand_errors(t *testing.T) {
	t.Parallel()
	srv, cli := healthCLI(t, nil)
	id, ips := scenarioConnection(t, srv, sandbox.ScenarioHealthy, "json", 0)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--all", "--vpn-connection-id", id}, "--all selects every connection: leave out --vpn-connection-id and --tag"},
		{[]string{"--tag", "env"}, `--tag "env": want KEY=VALUE`},
		{[]string{"--vpn-connection-id", "vgw-0123"}, `--vpn-connection-id "vgw-0123" is not a VPN connection ID`},
		{[]string{"--all", "--tunnel", ips[0]}, "--tunnel picks tunnels of one connection"},
		{[]string{"--vpn-connection-id", id + ",vpn-0123456789abcdef0", "--tunnel", ips[0]}, "--tunnel picks tunnels of one connection"},
		{[]string{"--vpn-connection-id", id, "--lookback", "1d"}, `--lookback: lookback "1d" is not a Go duration`},
		{[]string{"--vpn-connection-id", id, "--lookback", "10s"}, "--lookback: lookback 10s is out of range: it must be between 1m and 2160h"},
		{[]string{"--vpn-connection-id", id, "--query-mode", "sql"}, `--query-mode: "sql" is not one of auto, filter, insights`},
		{[]string{"--vpn-connection-id", id, "--output", "yaml"}, `--output: "yaml" is not text or json`},
		{[]string{"--vpn-connection-id", "vpn-0123456789abcdef0"}, "--vpn-connection-id: "},
		{[]string{"--vpn-connection-id", id, "--tunnel", "203.0.113.99"}, "--tunnel: VPN connection " + id + " has no tunnel with outside IP address 203.0.113.99. Its tunnels are "},
	} {
		code, _, errOut := cli.health(c.args...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.want)
		}
	}

	// A log group that cannot be read: exit 1, the block says why.
	srv.SetDenyActions([]string{"logs:FilterLogEvents"}, nil)
	code, out, errOut := cli.health("--vpn-connection-id", id, "--tunnel", ips[0])
	if code != 1 || !strings.Contains(out, ": ERROR\n") || !strings.Contains(out, "needs the IAM permission logs:FilterLogEvents") ||
		!strings.Contains(errOut, "could not be read") {
		t.Errorf("denied: exit %d, stderr %q\n%s", code, errOut, out)
	}
}
