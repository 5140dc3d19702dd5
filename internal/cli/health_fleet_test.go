package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// fleetReads is the part of health's JSON output about the fleet.
type fleetReads struct {
	Tunnels []healthTunnelOut `json:"tunnels"`
	Summary map[string]int    `json:"summary"`
	Reads   struct {
		Calls     map[string]int `json:"calls"`
		LogGroups []struct {
			Group   string `json:"group"`
			Tunnels int    `json:"tunnels"`
			Shared  bool   `json:"shared"`
		} `json:"log_groups"`
	} `json:"reads"`
}

// The run: health --all on 50 tunnels (25 connections, one log group) under the sandbox's default rate
// limits, with AWS_MAX_ATTEMPTS=2: every tunnel is read, the group once (as many FilterLogEvents as its pages,
// which the sandbox counts, throttled attempts included). --tag and several --vpn-connection-id read through the
// same code.
func TestHealthCommand_fleet(t *testing.T) {
	t.Parallel()
	srv, cli := healthCLI(t, func(o *sandbox.Options) {
		o.RateLimits = true
		o.Quotas = map[string]int{sandbox.QuotaVPNConnectionsPerGateway: 25}
	})
	group := "/aws/vendedlogs/vpn/fleet"
	arn := acctest.CreateLogGroup(t, srv, group)
	var ids []string
	for i := range 25 {
		site := map[bool]string{true: "a", false: "b"}[i%5 == 0]
		id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: sandbox.Scenarios()[i%len(sandbox.Scenarios())], "site": site})
		for _, ip := range ips {
			if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{LogEnabled: true, LogGroupARN: arn, BGPLogEnabled: true, BGPLogGroupARN: arn}); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, id)
	}
	now := time.Now()
	pages, _, _ := acctest.WindowPages(t, srv, group, "", now.Add(-time.Hour), now)
	time.Sleep(time.Second) // let the sandbox's FilterLogEvents bucket fill again

	srv.ResetStats()
	code, out, errOut := cli.health("--all", "--output", "json")
	var h fleetReads
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != exitProblems || strings.Contains(errOut, "could not be read") || len(h.Tunnels) != 50 {
		t.Fatalf("--all: exit %d, stderr %q, %d tunnels", code, errOut, len(h.Tunnels))
	}
	st := srv.Stats()["logs"]
	if st["FilterLogEvents"] < 1 || st["FilterLogEvents"] > pages || len(st) != 1 || h.Reads.Calls["FilterLogEvents"] != st["FilterLogEvents"] {
		t.Errorf("--all on 50 tunnels: the sandbox served %v, the output says %v; want at most %d FilterLogEvents (the group's pages)",
			st, h.Reads.Calls, pages)
	}
	if len(h.Reads.LogGroups) != 1 || h.Reads.LogGroups[0].Tunnels != 50 || !h.Reads.LogGroups[0].Shared {
		t.Errorf("reads %+v", h.Reads.LogGroups)
	}
	total := 0
	for _, n := range h.Summary {
		total += n
	}
	if total != 50 || h.Summary["unknown"] != 0 || h.Summary["healthy"] == 0 || h.Summary["down"] == 0 {
		t.Errorf("summary %v", h.Summary)
	}
	byTunnel := map[string]string{}
	for _, tu := range h.Tunnels {
		byTunnel[tu.VPNConnectionID+"/"+tu.OutsideIP] = tu.Status + " " + tu.StatusReason
	}

	// --tag, and several --vpn-connection-id: the same tunnels, the same health.
	for _, args := range [][]string{
		{"--tag", "site=a"},
		{"--vpn-connection-id", ids[0] + "," + ids[5], "--vpn-connection-id", ids[10], "--vpn-connection-id", ids[15] + "," + ids[20]},
	} {
		// Each run is a new process with its own pacing: let the sandbox's FilterLogEvents bucket, which the previous
		// run drew on, fill again (with AWS_MAX_ATTEMPTS=2 a throttled call has one retry only).
		time.Sleep(time.Second)
		_, out, errOut := cli.health(append(args, "--output", "json")...)
		var sub fleetReads
		if err := json.Unmarshal([]byte(out), &sub); err != nil {
			t.Fatalf("%v: %v (%s)", args, err, errOut)
		}
		if len(sub.Tunnels) != 10 {
			t.Errorf("%v: %d tunnels, want the 10 of site a", args, len(sub.Tunnels))
		}
		for _, tu := range sub.Tunnels {
			if id := tu.VPNConnectionID + "/" + tu.OutsideIP; byTunnel[id] != tu.Status+" "+tu.StatusReason {
				t.Errorf("%v: %s is %q (error %q), with --all %q", args, id, tu.Status+" "+tu.StatusReason, tu.Error, byTunnel[id])
			}
		}
	}

	// The text output ends with the fleet's summary and its reads.
	_, text, _ := cli.health("--tag", "site=a")
	for _, want := range []string{"\n10 tunnels: ", "CloudWatch Logs: ", "on 1 log group(s), 1 of them read once for all their tunnels\n", "(read once for all its tunnels)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
}
