package cli

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// fleet creates n connections with the tags and returns their IDs and tunnels by ID.
func fleet(t *testing.T, srv *sandbox.Server, n int, tags func(i int) map[string]string) ([]string, map[string][]string) {
	t.Helper()
	var ids []string
	ips := map[string][]string{}
	for i := range n {
		id, tips := acctest.CreateVPNConnection(t, srv, tags(i))
		ids = append(ids, id)
		ips[id] = tips
	}
	return ids, ips
}

// maxOverlap is the largest number of ModifyVpnTunnelOptions whose modifying windows (each as long as the sandbox's
// modify delay) overlap: how many tunnels AWS was applying changes to at once.
func maxOverlap(srv *sandbox.Server, delay time.Duration) int {
	var starts []time.Time
	for _, r := range srv.Requests() {
		if r.Action == "ModifyVpnTunnelOptions" && r.ErrorCode == "" {
			starts = append(starts, r.Time)
		}
	}
	best := 0
	for _, s := range starts {
		n := 0
		for _, o := range starts {
			if !o.After(s) && o.Add(delay).After(s) {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// The run: enable --all on 10 connections, tunnel and BGP logs, with --concurrency 10. The connections change
// in parallel (the sandbox applies up to 10 changes at once) and the tunnels of each one at a time (no InvalidState),
// so the whole fleet takes about what one connection takes (2 tunnels x the modify delay), far less than the 20
// changes one after the other. A second run changes nothing. The JSON report follows its schema.
func TestEnableFleet_allConnectionsInParallel(t *testing.T) {
	t.Parallel()
	const delay = 500 * time.Millisecond
	srv, cli := sandboxCLI(t, func(o *sandbox.Options) { o.ModifyDelay = delay })
	ids, ips := fleet(t, srv, 10, func(int) map[string]string { return nil })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/fleet")
	srv.ResetStats()

	start := time.Now()
	code, out, errOut := cli.run("enable", "--all", "--log-group-arn", arn, "--concurrency", "10", "--yes", "--output", "json")
	wall := time.Since(start)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	validateJSON(t, "enable", out)
	var rep changeReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != "done" || rep.Summary.Connections != 10 || rep.Summary.Changed != 20 {
		t.Fatalf("report %+v", rep.Summary)
	}
	if n := modifies(srv); n != 20 {
		t.Errorf("%d ModifyVpnTunnelOptions, want 20", n)
	}
	noInvalidState(t, srv)
	for _, id := range ids {
		api := describeLogOptions(t, srv, id)
		for _, ip := range ips[id] {
			if a := api[ip]; !a.logEnabled || !a.bgpEnabled || a.logGroup != arn || a.bgpGroup != arn {
				t.Errorf("%s %s: %+v", id, ip, a)
			}
		}
	}
	perConnection := 2 * delay
	serial := 20 * delay
	overlap := maxOverlap(srv, delay)
	t.Logf("enable --all, 10 connections x 2 tunnels, modify delay %s: wall %s; per-connection bound %s, serial %s; up to %d changes at once; %d DescribeVpnConnections",
		delay, wall.Round(time.Millisecond), perConnection, serial, overlap, acctest.CallCount(srv, "ec2", "DescribeVpnConnections"))
	// Loosely: well under the serial time, within a few times the per-connection bound (2 cores, shared).
	if wall > 3*perConnection || wall > serial/3 {
		t.Errorf("wall %s: the connections did not change in parallel (per-connection bound %s, serial %s)", wall, perConnection, serial)
	}
	if overlap < 6 {
		t.Errorf("at most %d changes at once, want most of the 10 connections in parallel", overlap)
	}

	// Again: nothing to change, nothing sent.
	srv.ResetStats()
	code, out, _ = cli.run("enable", "--all", "--log-group-arn", arn, "--yes")
	if code != exitOK || !strings.Contains(out, "Nothing to change: the logging of every tunnel is already as requested.") || modifies(srv) != 0 {
		t.Fatalf("second run: exit %d, %d modifies\n%s", code, modifies(srv), out)
	}
}

// Ctrl-C (the command's context ending) stops starting tunnels and waits for those in flight; the report says
// exactly what changed and what did not, and AWS agrees. Run again, the command changes only what was not started,
// and a third time nothing. Never more than --concurrency connections change at once.
func TestEnableFleet_interruptedRunResumes(t *testing.T) {
	t.Parallel()
	const delay = 300 * time.Millisecond
	srv, cli := sandboxCLI(t, func(o *sandbox.Options) { o.ModifyDelay = delay })
	ids, ips := fleet(t, srv, 6, func(int) map[string]string { return map[string]string{"env": "prod"} })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/resume")
	srv.ResetStats()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for modifies(srv) < 3 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	args := []string{"enable", "--tag", "env=prod", "--log-group-arn", arn, "--concurrency", "3", "--yes", "--output", "json"}
	code, out, errOut := cli.runContext(ctx, args...)
	if code != exitError || !strings.Contains(errOut, "interrupted: ") || !strings.Contains(errOut, "Interrupted: no new tunnel will be started") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	validateJSON(t, "enable", out)
	var rep changeReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	if rep.Outcome != "interrupted" || s.Changed < 3 || s.NotStarted == 0 || s.Changed+s.NotStarted != 12 || s.Pending+s.Failed != 0 {
		t.Fatalf("summary %+v", s)
	}
	if n := modifies(srv); n != s.Changed {
		t.Errorf("%d ModifyVpnTunnelOptions, the report says %d changed", n, s.Changed)
	}
	if o := maxOverlap(srv, delay); o > 3 {
		t.Errorf("%d changes at once with --concurrency 3", o)
	}
	// AWS agrees with the report, tunnel by tunnel.
	for _, c := range rep.Connections {
		api := describeLogOptions(t, srv, c.ID)
		for _, tu := range c.Tunnels {
			if on := api[tu.OutsideIPAddress].logEnabled; on != (tu.Result == resultChanged) {
				t.Errorf("%s %s: reported %s, AWS says logging on = %v", c.ID, tu.OutsideIPAddress, tu.Result, on)
			}
		}
	}
	noInvalidState(t, srv)

	// Resumed: only what was not started is changed.
	srv.ResetStats()
	code, out, errOut = cli.run(args...)
	if code != exitOK {
		t.Fatalf("resumed: exit %d\n%s\n%s", code, out, errOut)
	}
	var again changeReport
	if err := json.Unmarshal([]byte(out), &again); err != nil {
		t.Fatal(err)
	}
	if n := modifies(srv); n != s.NotStarted || again.Summary.Changed != s.NotStarted || again.Summary.Unchanged != s.Changed {
		t.Errorf("resumed: %d modifies, %+v; want %d changes", n, again.Summary, s.NotStarted)
	}
	for _, id := range ids {
		api := describeLogOptions(t, srv, id)
		for _, ip := range ips[id] {
			if !api[ip].logEnabled || !api[ip].bgpEnabled {
				t.Errorf("%s %s still off after the resumed run", id, ip)
			}
		}
	}
	srv.ResetStats()
	if code, _, _ = cli.run(args...); code != exitOK || modifies(srv) != 0 {
		t.Errorf("third run: exit %d, %d modifies", code, modifies(srv))
	}
}

// --tag selects the connections with every given tag; the others are not touched, and disable takes the same
// selection.
func TestEnableFleet_tagSelects(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, nil)
	ids, _ := fleet(t, srv, 4, func(i int) map[string]string {
		return map[string]string{"site": []string{"a", "b"}[i%2], "env": []string{"prod", "prod", "dev", "dev"}[i]}
	})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/tags")
	code, out, errOut := cli.run("enable", "--tag", "site=a", "--tag", "env=prod", "--log-group-arn", arn, "--yes")
	if code != exitOK || !strings.Contains(out, "1 VPN connection, 2 tunnels found (--tag site=a --tag env=prod)") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var on []string
	for _, id := range ids {
		for _, a := range describeLogOptions(t, srv, id) {
			if a.logEnabled && !slices.Contains(on, id) {
				on = append(on, id)
			}
		}
	}
	if len(on) != 1 || on[0] != ids[0] {
		t.Errorf("logging on %v, want only %s (site=a, env=prod)", on, ids[0])
	}
	code, out, errOut = cli.run("disable", "--tag", "site=a", "--yes")
	if code != exitOK || !strings.Contains(out, "2 VPN connections, 4 tunnels found (--tag site=a)") || !strings.Contains(out, "logging disabled on 2 tunnels") {
		t.Fatalf("disable: exit %d\n%s\n%s", code, out, errOut)
	}
}

// On a terminal, progress keeps a live line per connection in flight (cursor movement), in colour unless NO_COLOR
// is set.
func TestEnableFleet_liveProgressOnATerminal(t *testing.T) {
	t.Parallel()
	srv, base := sandboxCLI(t, func(o *sandbox.Options) { o.ModifyDelay = 300 * time.Millisecond })
	id, _ := acctest.CreateVPNConnection(t, srv, map[string]string{"Name": "live"})
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/live")
	for _, c := range []struct {
		env   map[string]string
		color bool
	}{{map[string]string{}, true}, {map[string]string{"NO_COLOR": "1"}, false}} {
		cli := base.with(WithTerminal(true), WithEnv(func(k string) string { return c.env[k] }))
		code, out, errOut := cli.run("disable", "--vpn-connection-id", id, "--yes")
		if code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		if code, out, errOut = cli.run("enable", "--vpn-connection-id", id, "--log-group-arn", arn, "--yes"); code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		if !strings.Contains(errOut, id+" (live) ") || !strings.Contains(errOut, ": AWS is applying the change, ") || !strings.Contains(errOut, "\033[1A\r\033[J") {
			t.Errorf("no live line:\n%q", errOut)
		}
		if got := strings.Contains(errOut, ansiGreen); got != c.color {
			t.Errorf("env %v: colour %v, want %v:\n%q", c.env, got, c.color, errOut)
		}
		if strings.Contains(out, "\033[") {
			t.Errorf("escape sequences on standard output:\n%q", out)
		}
	}
}

// A second Ctrl-C stops waiting: the tunnels in flight are reported as still being applied by AWS (which finishes
// them), the others as not started; the next run adopts the first without sending anything for them and changes the
// rest.
func TestEnableFleet_secondInterruptStopsWaiting(t *testing.T) {
	t.Parallel()
	const delay = 2 * time.Second
	srv, base := sandboxCLI(t, func(o *sandbox.Options) { o.ModifyDelay = delay })
	fleet(t, srv, 2, func(int) map[string]string { return map[string]string{"env": "twice"} })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/twice")
	srv.ResetStats()
	interrupts := make(chan os.Signal, 2)
	cli := base.with(WithInterrupts(interrupts))
	go func() {
		for modifies(srv) < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		interrupts <- os.Interrupt
		time.Sleep(50 * time.Millisecond)
		interrupts <- os.Interrupt
	}()
	args := []string{"enable", "--tag", "env=twice", "--log-group-arn", arn, "--yes", "--output", "json"}
	start := time.Now()
	code, out, errOut := cli.run(args...)
	if code != exitError || time.Since(start) > delay || !strings.Contains(errOut, "Interrupted again: no longer waiting") {
		t.Fatalf("exit %d after %s\n%s\n%s", code, time.Since(start), out, errOut)
	}
	validateJSON(t, "enable", out)
	var rep changeReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if s := rep.Summary; rep.Outcome != "interrupted" || s.Pending != 2 || s.NotStarted != 2 || s.Changed != 0 {
		t.Fatalf("summary %s %+v", rep.Outcome, s)
	}
	time.Sleep(delay) // AWS finishes what it accepted
	srv.ResetStats()
	code, out, errOut = base.run(args...)
	var again changeReport
	if err := json.Unmarshal([]byte(out), &again); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s", code, err, errOut)
	}
	if s := again.Summary; modifies(srv) != 2 || s.Changed != 2 || s.Unchanged != 2 {
		t.Errorf("resumed: %d modifies, %+v", modifies(srv), s)
	}
	noInvalidState(t, srv)
}
