package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// fleetGroup is the log group every tunnel of a fleet test delivers both logs to.
const fleetGroup = "/aws/vendedlogs/vpn/fleet"

// fleetConfig declares one vpnlogs_tunnel_logging per tunnel, keyed by tunnel ID, as a user's for_each would.
func fleetConfig(tunnels []acctest.Tunnel) string {
	var b strings.Builder
	b.WriteString("provider \"vpnlogs\" {}\n\nlocals {\n  tunnels = {\n")
	for _, tun := range tunnels {
		fmt.Fprintf(&b, "    %q = { vpn = %q, ip = %q }\n", tun.ID(), tun.ConnectionID, tun.OutsideIP)
	}
	fmt.Fprintf(&b, `  }
}

resource "vpnlogs_tunnel_logging" "fleet" {
  for_each                  = local.tunnels
  vpn_connection_id         = each.value.vpn
  tunnel_outside_ip_address = each.value.ip
  tunnel_log = { log_group_arn = %[1]q }
  bgp_log    = { log_group_arn = %[1]q }
}
`, acctest.LogGroupARN(fleetGroup))
	return b.String()
}

// logging renders a tunnel's two logs for comparison: "off" or "<group ARN without :*> (<format>)" each.
func logging(activityOn bool, activityARN, activityFormat string, bgpOn bool, bgpARN, bgpFormat string) string {
	one := func(on bool, arn, format string) string {
		if !on {
			return "off"
		}
		if format == "" {
			format = "json"
		}
		return strings.TrimSuffix(arn, ":*") + " (" + format + ")"
	}
	return "tunnel log " + one(activityOn, activityARN, activityFormat) + ", BGP log " + one(bgpOn, bgpARN, bgpFormat)
}

// offLogging is logging() of a tunnel that delivers nothing.
var offLogging = logging(false, "", "", false, "", "")

// awsLogging is every tunnel's logging as DescribeVpnConnections reports it, by tunnel ID.
func awsLogging(t testing.TB, srv *sandbox.Server) map[string]string {
	t.Helper()
	out, err := acctest.EC2(srv).DescribeVpnConnections(context.Background(), &ec2.DescribeVpnConnectionsInput{})
	if err != nil {
		t.Fatalf("DescribeVpnConnections: %v", err)
	}
	m := map[string]string{}
	for _, c := range out.VpnConnections {
		for _, o := range c.Options.TunnelOptions {
			id := aws.ToString(c.VpnConnectionId) + "/" + aws.ToString(o.OutsideIpAddress)
			m[id] = offLogging
			if lo := o.LogOptions; lo != nil && lo.CloudWatchLogOptions != nil {
				cw := lo.CloudWatchLogOptions
				m[id] = logging(aws.ToBool(cw.LogEnabled), aws.ToString(cw.LogGroupArn), aws.ToString(cw.LogOutputFormat),
					aws.ToBool(cw.BgpLogEnabled), aws.ToString(cw.BgpLogGroupArn), aws.ToString(cw.BgpLogOutputFormat))
			}
		}
	}
	return m
}

// stateTunnel is one vpnlogs_tunnel_logging instance of a state file.
type stateTunnel struct {
	logging string
	tainted bool
}

// readState reads the vpnlogs_tunnel_logging instances of dir's terraform.tfstate, by tunnel ID.
func readState(t testing.TB, dir string) map[string]stateTunnel {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return map[string]stateTunnel{}
	}
	if err != nil {
		t.Fatal(err)
	}
	type dest struct {
		LogGroupARN  string `json:"log_group_arn"`
		OutputFormat string `json:"output_format"`
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Status     string `json:"status"`
				Attributes struct {
					ID        string `json:"id"`
					TunnelLog *dest  `json:"tunnel_log"`
					BGPLog    *dest  `json:"bgp_log"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	m := map[string]stateTunnel{}
	for _, r := range st.Resources {
		if r.Type != "vpnlogs_tunnel_logging" {
			continue
		}
		for _, in := range r.Instances {
			a := in.Attributes
			var tl, bl dest
			if a.TunnelLog != nil {
				tl = *a.TunnelLog
			}
			if a.BGPLog != nil {
				bl = *a.BGPLog
			}
			m[a.ID] = stateTunnel{
				logging: logging(a.TunnelLog != nil, tl.LogGroupARN, tl.OutputFormat, a.BGPLog != nil, bl.LogGroupARN, bl.OutputFormat),
				tainted: in.Status == "tainted",
			}
		}
	}
	return m
}

// checkAgreement asserts that state and AWS agree: every tunnel in state logs in AWS as state says, none is
// tainted, and (unless outsideAllowed) no tunnel logs in AWS without being in state. It returns the tunnels that log
// outside state.
func checkAgreement(t testing.TB, srv *sandbox.Server, dir, when string, outsideAllowed bool) []string {
	t.Helper()
	state, api := readState(t, dir), awsLogging(t, srv)
	for id, st := range state {
		if st.tainted {
			t.Errorf("%s: %s is tainted in state (a replacement would interrupt it twice)", when, id)
		}
		if got := api[id]; got != st.logging {
			t.Errorf("%s: %s: state says %s, AWS reports %s", when, id, st.logging, got)
		}
	}
	var outside []string
	for id, l := range api {
		if _, ok := state[id]; !ok && l != offLogging {
			outside = append(outside, id)
		}
	}
	sort.Strings(outside)
	if len(outside) > 0 && !outsideAllowed {
		t.Errorf("%s: %d tunnels log without being in state: %s", when, len(outside), strings.Join(outside, ", "))
	}
	return outside
}

// loggingTunnels counts the tunnels AWS reports delivering a log.
func loggingTunnels(api map[string]string) int {
	n := 0
	for _, l := range api {
		if l != offLogging {
			n++
		}
	}
	return n
}

// checkReplanEmpty asserts that terraform plan has nothing to do.
func checkReplanEmpty(t testing.TB, dir string, env []string, when string) {
	t.Helper()
	out, code := terraform(t, dir, env, "plan", "-detailed-exitcode")
	if code != 0 {
		t.Errorf("%s: plan is not empty (exit %d):\n%s", when, code, tail(out, 40))
	}
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// startFleet starts a sandbox enforcing EC2's request-rate buckets, with the given modification delay and seed,
// creates a fleet of connections (two tunnels each) and the fleet's log group, and writes fleetConfig into a new
// directory.
func startFleet(t testing.TB, connections int, modifyDelay time.Duration, seed int64) (*sandbox.Server, []acctest.Tunnel, string) {
	t.Helper()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) {
		o.ModifyDelay, o.RateLimits, o.Seed = modifyDelay, true, seed
	})
	tunnels := acctest.CreateFleet(t, srv, connections)
	acctest.CreateLogGroup(t, srv, fleetGroup)
	return srv, tunnels, writeConfig(t, fleetConfig(tunnels))
}

// fleetScenario is the fault-injected fleet apply of issue 11: tunnels on connections (two each) under EC2
// throttling, server errors and latency, each modification keeping its connection busy for modifyDelay.
type fleetScenario struct {
	connections       int
	parallelism       int
	modifyDelay       time.Duration
	throttle, errRate float64
	latency           time.Duration
	seed              int64
}

// defaultFleet is the scenario issue 11 measured: 100 tunnels on 50 connections, 20% throttling, 5% 5xx, 50 ms
// latency, a 2 s modify delay, -parallelism=10.
var defaultFleet = fleetScenario{connections: 50, parallelism: 10, modifyDelay: 2 * time.Second,
	throttle: 0.2, errRate: 0.05, latency: 50 * time.Millisecond, seed: 11}

// fleetResult is what one fleet apply measured.
type fleetResult struct {
	tunnels, modifies           int
	elapsed, bound              time.Duration
	ticks, tickCalls            int // poll ticks and the describes they made (provider log)
	describes, describeRequests int // DescribeVpnConnections answered, and requests with the SDK's retries (sandbox)
	srv                         *sandbox.Server
	dir                         string
	env                         []string
}

func (r fleetResult) ratio() float64 { return r.elapsed.Seconds() / r.bound.Seconds() }

// describesPerTick is the DescribeVpnConnections calls of the poll ticks (each call's retries are the SDK's) per tick.
func (r fleetResult) describesPerTick() float64 {
	if r.ticks == 0 {
		return 0
	}
	return float64(r.tickCalls) / float64(r.ticks)
}

func (r fleetResult) String() string {
	return fmt.Sprintf("fleet apply of %d tunnels on %d connections: %.1fs against the per-connection bound of %.1fs: ratio %.2f (goal ≤ 2)\n"+
		"poll ticks %d with %d DescribeVpnConnections calls: %.2f per tick (goal ≤ 1); %d calls outside ticks (the snapshot "+
		"each provider process reads once); %d requests with the SDK's retries; ModifyVpnTunnelOptions %d calls",
		r.tunnels, r.tunnels/2, r.elapsed.Seconds(), r.bound.Seconds(), r.ratio(),
		r.ticks, r.tickCalls, r.describesPerTick(), r.describes-r.tickCalls, r.describeRequests, r.modifies)
}

// runFleetApply builds the scenario's fleet in a fresh sandbox, applies fleetConfig with the real terraform at the
// scenario's -parallelism, and measures it. The bound is what one modification at a time per connection allows:
// tunnels × modifyDelay / parallelism (or a connection's tunnels × modifyDelay when larger).
func runFleetApply(t testing.TB, sc fleetScenario) fleetResult {
	t.Helper()
	srv, tunnels, dir := startFleet(t, sc.connections, sc.modifyDelay, sc.seed)
	logPath := filepath.Join(dir, "terraform.log")
	env := append(sandboxEnv(srv), "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logPath)
	srv.SetFaults(sandbox.Faults{ThrottleRate: sc.throttle, ErrorRate: sc.errRate, Latency: sc.latency})
	srv.ResetStats()

	start := time.Now()
	out, code := terraform(t, dir, env, "apply", "-auto-approve", fmt.Sprintf("-parallelism=%d", sc.parallelism))
	elapsed := time.Since(start)
	if code != 0 {
		t.Fatalf("fleet apply failed (exit %d) after %v:\n%s", code, elapsed, tail(out, 60))
	}
	mustContain(t, "apply output", out, fmt.Sprintf("Apply complete! Resources: %d added, 0 changed, 0 destroyed.", len(tunnels)))

	r := fleetResult{tunnels: len(tunnels), elapsed: elapsed, srv: srv, dir: dir, env: env}
	perConn := time.Duration(len(tunnels)/sc.connections) * sc.modifyDelay
	r.bound = max(time.Duration(len(tunnels))*sc.modifyDelay/time.Duration(sc.parallelism), perConn)
	for _, rec := range srv.Requests() {
		if rec.Service != "ec2" {
			continue
		}
		switch rec.Action {
		case "DescribeVpnConnections":
			r.describeRequests++
			if rec.Status == 200 {
				r.describes++
			}
		case "ModifyVpnTunnelOptions":
			if rec.Status == 200 {
				r.modifies++
			}
		}
	}
	r.ticks, r.tickCalls = pollTicks(t, logPath)
	return r
}

// pollTicks reads the provider's poll-tick lines from a Terraform log: how many ticks, and the DescribeVpnConnections
// calls they made.
func pollTicks(t testing.TB, path string) (ticks, calls int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("reading the Terraform log: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, "polled EC2 VPN connections") {
			continue
		}
		ticks++
		_, after, ok := strings.Cut(line, " describe_calls=")
		n, err := strconv.Atoi(strings.Fields(after + " ")[0])
		if !ok || err != nil {
			t.Fatalf("poll-tick line without describe_calls: %s", line)
		}
		calls += n
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ticks, calls
}

// checkFleet asserts a fleet apply's outcome: every tunnel logs as planned, state and AWS agree, the next plan is
// empty, one modify per tunnel, one describe per poll tick, and (with timed) the apply within 2× its bound.
func checkFleet(t testing.TB, r fleetResult, timed bool) {
	t.Helper()
	checkAgreement(t, r.srv, r.dir, "after the fleet apply", false)
	if got := loggingTunnels(awsLogging(t, r.srv)); got != r.tunnels {
		t.Errorf("%d of %d tunnels log after the fleet apply", got, r.tunnels)
	}
	if r.modifies != r.tunnels {
		t.Errorf("%d ModifyVpnTunnelOptions accepted for %d tunnels", r.modifies, r.tunnels)
	}
	if timed && r.ratio() > 2 {
		t.Errorf("fleet apply took %.2f× the per-connection bound, goal ≤ 2", r.ratio())
	}
	if r.ticks == 0 || r.describesPerTick() > 1 {
		t.Errorf("%d DescribeVpnConnections for %d poll ticks", r.tickCalls, r.ticks)
	}
	// Outside ticks, each provider process (plan, apply) reads the snapshot once.
	if outside := r.describes - r.tickCalls; outside > 2 {
		t.Errorf("%d DescribeVpnConnections outside poll ticks, want at most 2 (one snapshot per provider process)", outside)
	}
	checkReplanEmpty(t, r.dir, r.env, "after the fleet apply")
}

// BenchmarkFleetApply is issue 11's fleet apply: 100 tunnels on 50 connections (five gateways) against the sandbox
// with 20% throttling, 5% server errors, 50 ms latency and a 2 s modify delay, terraform apply -parallelism=10. It
// prints the apply time beside the per-connection bound and the DescribeVpnConnections calls per poll tick
// (make bench-fleet).
func BenchmarkFleetApply(b *testing.B) {
	for range b.N {
		r := runFleetApply(b, defaultFleet)
		b.Log("\n" + r.String())
		checkFleet(b, r, true)
		b.ReportMetric(r.ratio(), "x-bound")
		b.ReportMetric(r.describesPerTick(), "describes/tick")
		b.ReportMetric(r.elapsed.Seconds(), "s-apply")
	}
}
