package health_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

const vendedGroup = "/aws/vendedlogs/vpn/health"

// tunnelFixture is a sandbox tunnel whose logs are delivered.
type tunnelFixture struct {
	srv                 *sandbox.Server
	id, ip              string
	group, arn          string
	activity, bgpStream string
	tunnelGroup, bgpGrp string // the groups as given to the reader (ARNs)
	otherIP             string // the connection's other tunnel
}

// newTunnel starts a sandbox, creates a connection with the scenario and turns on both logs of its first tunnel
// towards one /aws/vendedlogs/ group (as the console does: the sandbox writes ~60 minutes of history at once).
func newTunnel(t *testing.T, scenario, format string) tunnelFixture {
	t.Helper()
	srv := acctest.StartSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: scenario})
	arn := acctest.CreateLogGroup(t, srv, vendedGroup)
	if err := srv.SetTunnelLogOptionsOutOfBand(id, ips[0], sandbox.TunnelLogOptions{
		LogEnabled: true, LogGroupARN: arn, LogOutputFormat: format,
		BGPLogEnabled: true, BGPLogGroupARN: arn, BGPLogOutputFormat: format,
	}); err != nil {
		t.Fatal(err)
	}
	f := tunnelFixture{srv: srv, id: id, ip: ips[0], otherIP: ips[1], group: vendedGroup, arn: arn, tunnelGroup: arn, bgpGrp: arn}
	info, _ := srv.VPNConnection(id)
	for _, tu := range info.Tunnels {
		if tu.OutsideIPAddress == f.ip {
			f.activity, f.bgpStream = tu.ActivityStream, tu.BGPStream
		}
	}
	if f.activity == "" || f.bgpStream == "" {
		t.Fatalf("the sandbox reports no streams for %s/%s: %+v", id, f.ip, info.Tunnels)
	}
	srv.Logs() // settle: streams and history are written
	return f
}

func (f tunnelFixture) reader(now time.Time) *health.Reader {
	return &health.Reader{Logs: acctest.Logs(f.srv), Now: func() time.Time { return now }, PollMinDelay: -1}
}

func (f tunnelFixture) request(mode string, lookback time.Duration) health.Request {
	return health.Request{VPNConnectionID: f.id, OutsideIP: f.ip, TunnelLogGroup: f.tunnelGroup, BGPLogGroup: f.bgpGrp, Mode: mode, Lookback: lookback}
}

// read reads with a fresh sandbox counter and checks that the reader's own call count is the sandbox's.
func (f tunnelFixture) read(t *testing.T, now time.Time, req health.Request) *health.Result {
	t.Helper()
	f.srv.ResetStats()
	res, err := f.reader(now).Read(context.Background(), req)
	if err != nil {
		t.Fatalf("Read(%+v): %v", req, err)
	}
	got := map[string]int{}
	for _, g := range res.Groups {
		for op, n := range g.Calls {
			got[op] += n
		}
	}
	if want := logsStats(f.srv); !reflect.DeepEqual(got, want) {
		t.Errorf("the reader counted %v calls, the sandbox served %v", got, want)
	}
	return res
}

// logsStats returns the sandbox's CloudWatch Logs counts. The sandbox records each request before writing its
// response, so once the reader has its answers the counts are final.
func logsStats(srv *sandbox.Server) map[string]int {
	got := srv.Stats()["logs"]
	if got == nil {
		got = map[string]int{}
	}
	return got
}

// windowEvents counts, through the sandbox's CloudWatch Logs API, the events of the tunnel's streams in the
// reader's window: the "N" of the call bound.
func (f tunnelFixture) windowEvents(t *testing.T, group string, streams []string, start, end time.Time) (n, bytes int) {
	t.Helper()
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(group), LogStreamNames: streams,
		StartTime: aws.Int64(start.UnixMilli()), EndTime: aws.Int64(end.UnixMilli()),
	}
	p := cloudwatchlogs.NewFilterLogEventsPaginator(acctest.Logs(f.srv), in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			n++
			bytes += len(aws.ToString(e.Message)) + cwlogs.EventOverheadBytes
		}
	}
	return n, bytes
}

// bound is the call bound of the issue: ceil(N / 10,000) + 2.
func bound(n int) int { return (n+health.PageEvents-1)/health.PageEvents + 2 }

func codes(h logparse.Health) []string {
	var out []string
	for _, is := range h.Issues {
		out = append(out, is.Code)
	}
	slices.Sort(out)
	return out
}

// Hand-written from the catalogue (docs/design/aws-behaviour.md §5.5) and the scenario scripts: the status and the codes that
// define each scenario.
var scenarioExpectations = map[string]struct {
	status string
	codes  []string
}{
	sandbox.ScenarioHealthy:                {logparse.HealthHealthy, nil},
	sandbox.ScenarioPSKMismatch:            {logparse.HealthDown, []string{"ike.psk_mismatch", "ike.authentication_failed", "ike.phase1_timeout"}},
	sandbox.ScenarioDPDTimeout:             {logparse.HealthDown, []string{"ike.dpd_timeout", "bgp.hold_timer_expired"}},
	sandbox.ScenarioPhase2ProposalMismatch: {logparse.HealthDown, []string{"ike.no_proposal_chosen", "ike.phase2_failed"}},
	sandbox.ScenarioTSUnacceptable:         {logparse.HealthDown, []string{"ike.ts_unacceptable", "ike.phase2_failed"}},
	sandbox.ScenarioBGPFlap:                {logparse.HealthDegraded, []string{"bgp.hold_timer_expired", "bgp.notification_received.cease_admin_reset", "bgp.state.established_to_idle"}},
	sandbox.ScenarioBGPPrefixLimit:         {logparse.HealthDown, []string{"bgp.prefix_limit_exceeded", "bgp.notification_sent.cease_max_prefixes", "bgp.prefix_limit_warning"}},
	sandbox.ScenarioRouteDenied:            {logparse.HealthDegraded, []string{"route.denied.own_as", "route.denied.nonconnected_next_hop"}},
	sandbox.ScenarioIdleDown:               {logparse.HealthDown, []string{"ike.delete_child_sa", "bgp.state.established_to_idle"}},
	sandbox.ScenarioRecovered:              {logparse.HealthHealthy, []string{"ike.psk_mismatch", "ike.authentication_failed"}},
}

// Every scenario, in both log formats and both modes: the expected status and codes, Insights equal to the
// download, and the call bound.
func TestRead_scenarios(t *testing.T) {
	t.Parallel()
	if len(scenarioExpectations) != len(sandbox.Scenarios()) {
		t.Fatalf("expectations for %d scenarios, the sandbox has %d", len(scenarioExpectations), len(sandbox.Scenarios()))
	}
	for _, sc := range sandbox.Scenarios() {
		for _, format := range []string{"json", "text"} {
			t.Run(sc+"/"+format, func(t *testing.T) {
				t.Parallel()
				want := scenarioExpectations[sc]
				f := newTunnel(t, sc, format)
				now := time.Now()
				filter := f.read(t, now, f.request(health.ModeFilter, time.Hour))
				insights := f.read(t, now, f.request(health.ModeInsights, time.Hour))

				if filter.Status != want.status {
					t.Errorf("status %q (%s), want %q", filter.Status, filter.StatusReason, want.status)
				}
				got := codes(filter.Health)
				for _, c := range want.codes {
					if !slices.Contains(got, c) {
						t.Errorf("issue %s missing: %v", c, got)
					}
				}
				if want.status == logparse.HealthHealthy {
					for _, is := range filter.Issues {
						if is.Severity > logparse.SeverityInfo && !is.Resolved {
							t.Errorf("healthy tunnel with issue %+v", is)
						}
					}
				}
				if !reflect.DeepEqual(filter.Health, insights.Health) {
					t.Errorf("insights and download disagree:\nfilter:   %+v\ninsights: %+v", filter.Health, insights.Health)
				}
				if filter.Mode != health.ModeFilter || insights.Mode != health.ModeInsights {
					t.Errorf("modes %s/%s", filter.Mode, insights.Mode)
				}
				// Both logs in one group: read once; every event of the window in one page.
				if len(filter.Groups) != 1 || !reflect.DeepEqual(filter.Groups[0].Logs, []string{health.LogTunnel, health.LogBGP}) {
					t.Fatalf("groups read: %+v", filter.Groups)
				}
				n, _ := f.windowEvents(t, f.group, []string{f.activity, f.bgpStream}, filter.Start, filter.End)
				if filter.EventsRead != n || filter.Groups[0].EventsInWindow != n {
					t.Errorf("events read %d (in window %d), the window holds %d", filter.EventsRead, filter.Groups[0].EventsInWindow, n)
				}
				if c := filter.Groups[0].TotalCalls(); c > bound(n) || filter.Groups[0].Calls["FilterLogEvents"] != 1 {
					t.Errorf("download: %v for %d events, bound %d", filter.Groups[0].Calls, n, bound(n))
				}
				if c := insights.Groups[0].Calls; c["StartQuery"] != 1 || c["GetQueryResults"] != 1 || len(c) != 2 {
					t.Errorf("insights: %v for %d events (want one query, one poll)", c, n)
				}
				if !reflect.DeepEqual(filter.Groups[0].Streams, sortedStrings(f.activity, f.bgpStream)) {
					t.Errorf("streams read %v, want %s and %s", filter.Groups[0].Streams, f.activity, f.bgpStream)
				}
			})
		}
	}
}

func sortedStrings(s ...string) []string { slices.Sort(s); return s }

// The defining details of some scenarios, beyond status and codes.
func TestRead_scenarioDetails(t *testing.T) {
	t.Parallel()
	t.Run("route-denied", func(t *testing.T) {
		t.Parallel()
		f := newTunnel(t, sandbox.ScenarioRouteDenied, "json")
		res := f.read(t, time.Now(), f.request("", 0))
		var denied []string
		for _, d := range res.DeniedRoutes {
			denied = append(denied, d.Prefix.String()+" "+d.Code)
		}
		want := []string{"10.99.0.0/16 route.denied.nonconnected_next_hop", "172.31.0.0/16 route.denied.own_as"}
		if !reflect.DeepEqual(denied, want) || res.Routes.Denied == 0 || res.BGPStatus != "UP" {
			t.Errorf("denied %v routes %+v bgp %s, want %v", denied, res.Routes, res.BGPStatus, want)
		}
	})
	t.Run("bgp-prefix-limit", func(t *testing.T) {
		t.Parallel()
		f := newTunnel(t, sandbox.ScenarioBGPPrefixLimit, "json")
		res := f.read(t, time.Now(), f.request("", 0))
		if pl := res.PrefixLimit; pl == nil || pl.Received != 101 || pl.Limit != 100 || !pl.Exceeded {
			t.Errorf("prefix limit %+v, want 101 over 100", pl)
		}
		if res.BGPStatus != "DOWN" || res.BGPSessionState != "Idle" {
			t.Errorf("bgp %s/%s", res.BGPStatus, res.BGPSessionState)
		}
	})
	t.Run("bgp-flap", func(t *testing.T) {
		t.Parallel()
		f := newTunnel(t, sandbox.ScenarioBGPFlap, "json")
		res := f.read(t, time.Now(), f.request("", 0))
		if res.Flaps < 2 || res.BGPSessionState != "Established" || res.IKEPhase1 != "Established" {
			t.Errorf("flaps %d, bgp %s, ike %s", res.Flaps, res.BGPSessionState, res.IKEPhase1)
		}
	})
}

// appendCompact writes n small tunnel-activity events (each under the ~78 bytes for which 10,000 fit in a 1 MiB
// page) over the minute before end: one in 50 is a DPD timeout, the rest alternate established/rekeying.
func appendCompact(t *testing.T, srv *sandbox.Server, group, stream string, n int, end time.Time) {
	t.Helper()
	evs := make([]cwlogs.InputEvent, n)
	from := end.Add(-time.Minute).UnixMilli()
	for i := range evs {
		msg := `{"ike_phase1_state":"established","ike_phase2_state":"established"}`
		switch {
		case i%50 == 0:
			msg = `{"details":"AWS tunnel DPD timed out after 3 retransmits"}`
		case i%2 == 1:
			msg = `{"ike_phase1_state":"established","ike_phase2_state":"rekeying"}`
		}
		evs[i] = cwlogs.InputEvent{TimestampMillis: from + int64(i)*60000/int64(n), Message: msg}
	}
	if err := srv.Logs().AppendEvents(group, stream, evs); err != nil {
		t.Fatal(err)
	}
}

// More than 10,000 events in the window: the download pages within the bound, and Insights, which then needs its
// summary query, agrees with it.
func TestRead_manyEvents(t *testing.T) {
	t.Parallel()
	f := newTunnel(t, sandbox.ScenarioHealthy, "json")
	now := time.Now()
	appendCompact(t, f.srv, f.group, f.activity, 25000, now)

	filter := f.read(t, now, f.request(health.ModeFilter, time.Hour))
	n, bytes := f.windowEvents(t, f.group, []string{f.activity, f.bgpStream}, filter.Start, filter.End)
	if n < 25000 || filter.EventsRead != n {
		t.Fatalf("read %d events, the window holds %d", filter.EventsRead, n)
	}
	if bytes > 3*cwlogs.MaxPageBytes {
		t.Fatalf("the test's events are too large for 10,000 per page: %d bytes", bytes)
	}
	calls := filter.Groups[0].Calls
	if total := filter.Groups[0].TotalCalls(); total > bound(n) || calls["FilterLogEvents"] != (n+9999)/10000 {
		t.Errorf("download: %v for %d events, bound %d", calls, n, bound(n))
	}

	insights := f.read(t, now, f.request(health.ModeInsights, time.Hour))
	ic := insights.Groups[0].Calls
	if ic["StartQuery"] != 2 || ic["GetQueryResults"] != 2 || insights.Groups[0].TotalCalls() > bound(n) {
		t.Errorf("insights: %v for %d events (want tail and summary queries), bound %d", ic, n, bound(n))
	}
	if !reflect.DeepEqual(filter.Health, insights.Health) {
		t.Errorf("insights and download disagree:\nfilter:   %+v\ninsights: %+v", filter.Health, insights.Health)
	}
	if filter.Status != logparse.HealthDegraded || !slices.Contains(codes(filter.Health), "ike.dpd_timeout") {
		t.Errorf("status %s (%s), codes %v", filter.Status, filter.StatusReason, codes(filter.Health))
	}
	for _, is := range insights.Issues {
		if is.Code == "ike.dpd_timeout" && is.Count != 500 {
			t.Errorf("ike.dpd_timeout counted %d times, want 500", is.Count)
		}
	}

	// Auto mode: a lookback above the threshold goes to Insights.
	auto := f.read(t, now, f.request(health.ModeAuto, 12*time.Hour))
	if st := logsStats(f.srv); auto.Mode != health.ModeInsights || st["StartQuery"] == 0 || st["FilterLogEvents"] != 0 {
		t.Errorf("auto with 12h: mode %s, calls %v", auto.Mode, st)
	}
	if auto.Status != filter.Status || !reflect.DeepEqual(codes(auto.Health), codes(filter.Health)) {
		t.Errorf("auto 12h: %s %v, download 1h: %s %v", auto.Status, codes(auto.Health), filter.Status, codes(filter.Health))
	}
}

// A page is also cut at 1 MiB: with events of realistic size (a tunnel-activity JSON record is 200–300 bytes) the
// download takes ceil(bytes / 1 MiB) pages, more than ceil(N / 10,000). This pins that arithmetic.
func TestRead_pagesCutAtOneMiB(t *testing.T) {
	t.Parallel()
	f := newTunnel(t, sandbox.ScenarioHealthy, "json")
	now := time.Now()
	msg := `{"event_timestamp":1762580429,"timestamp":"2025-11-08 05:40:29.641Z","dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":"established","ike_phase2_state":"established","details":"AWS tunnel processed request (id=12) for CREATE_CHILD_SA"}`
	evs := make([]cwlogs.InputEvent, 20000)
	for i := range evs {
		evs[i] = cwlogs.InputEvent{TimestampMillis: now.Add(-time.Minute).UnixMilli() + int64(i), Message: msg}
	}
	if err := f.srv.Logs().AppendEvents(f.group, f.activity, evs); err != nil {
		t.Fatal(err)
	}
	res := f.read(t, now, f.request(health.ModeFilter, time.Hour))
	n, bytes := f.windowEvents(t, f.group, []string{f.activity, f.bgpStream}, res.Start, res.End)
	pages := res.Groups[0].Calls["FilterLogEvents"]
	minPages := int(math.Ceil(float64(bytes) / float64(cwlogs.MaxPageBytes)))
	if res.EventsRead != n || pages < minPages || pages > minPages+1 {
		t.Errorf("%d events, %d bytes: %d pages, want %d or %d", n, bytes, pages, minPages, minPages+1)
	}
	t.Logf("%d events of %d bytes: %d pages (issue bound %d)", n, bytes, pages, bound(n))
}

// appendAt writes events with given messages at given times.
func appendAt(t *testing.T, srv *sandbox.Server, group, stream string, at time.Time, msgs ...string) {
	t.Helper()
	evs := make([]cwlogs.InputEvent, len(msgs))
	for i, m := range msgs {
		evs[i] = cwlogs.InputEvent{TimestampMillis: at.Add(time.Duration(i) * time.Second).UnixMilli(), Message: m}
	}
	if err := srv.Logs().AppendEvents(group, stream, evs); err != nil {
		t.Fatal(err)
	}
}

const (
	testVPN  = "vpn-0a1b2c3d4e5f60718"
	testIP   = "203.0.113.10"
	pskDown  = `{"ike_phase1_state":"down","ike_phase2_state":"down","details":"AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7"}`
	tunUp    = `{"ike_phase1_state":"established","ike_phase2_state":"established","details":"AWS tunnel processed response (id=3) for CREATE_CHILD_SA"}`
	bgpDown  = `{"resource_id":"vpn-0a1b2c3d4e5f60718_203.0.113.10","type":"BGPStatus","status":"DOWN","message":{"details":"AWS-side peer BGP session state has changed from Established to Idle with neighbor 169.254.10.2"}}`
	bgpUp    = `{"resource_id":"vpn-0a1b2c3d4e5f60718_203.0.113.10","type":"BGPStatus","status":"UP","message":{"details":"AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.10.2"}}`
	decoyMsg = `{"ike_phase1_state":"established","ike_phase2_state":"established","details":"AWS tunnel processed request (id=1) for CREATE_CHILD_SA"}`
)

// plainGroup is a sandbox with one empty log group, for hand-written streams.
func plainGroup(t *testing.T, name string) (*sandbox.Server, string) {
	t.Helper()
	srv := acctest.StartSandbox(t, nil)
	return srv, acctest.CreateLogGroup(t, srv, name)
}

func readPlain(t *testing.T, srv *sandbox.Server, now time.Time, req health.Request) *health.Result {
	t.Helper()
	f := tunnelFixture{srv: srv}
	return f.read(t, now, req)
}

// An empty window: the state comes from the latest events before it, in two calls (the bound for N = 0).
func TestRead_emptyWindow(t *testing.T) {
	t.Parallel()
	srv, arn := plainGroup(t, "/vpn/quiet")
	now := time.Now()
	appendAt(t, srv, "/vpn/quiet", testVPN+"-"+testIP, now.Add(-3*time.Hour), tunUp, pskDown, pskDown)
	appendAt(t, srv, "/vpn/quiet", testVPN+"_"+testIP+"-bgp", now.Add(-3*time.Hour), bgpUp, bgpDown)

	res := readPlain(t, srv, now, health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn, BGPLogGroup: arn + ":*"})
	g := res.Groups[0]
	if g.EventsInWindow != 0 || g.EventsBeforeWindow != 5 || res.EventsRead != 5 {
		t.Errorf("in window %d, before %d, read %d", g.EventsInWindow, g.EventsBeforeWindow, res.EventsRead)
	}
	if c := g.TotalCalls(); c != 2 || c > bound(0) || g.StreamDiscovery {
		t.Errorf("calls %v (discovery %v), bound %d", g.Calls, g.StreamDiscovery, bound(0))
	}
	if res.Status != logparse.HealthDown || res.IKEPhase1 != "Down" || res.BGPSessionState != "Idle" {
		t.Errorf("status %s (%s), ike %s, bgp %s", res.Status, res.StatusReason, res.IKEPhase1, res.BGPSessionState)
	}
	// Three hours old: listed, but not recent.
	if !slices.Contains(codes(res.Health), "ike.psk_mismatch") {
		t.Errorf("codes %v", codes(res.Health))
	}

	// Insights: the query finds nothing, the same newest-first read follows.
	ins := readPlain(t, srv, now, health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn, BGPLogGroup: arn, Mode: health.ModeInsights})
	if ins.Status != res.Status || !reflect.DeepEqual(codes(ins.Health), codes(res.Health)) || ins.EventsRead != 5 {
		t.Errorf("insights %s %v read %d", ins.Status, codes(ins.Health), ins.EventsRead)
	}
	if c := ins.Groups[0].Calls; c["StartQuery"] != 1 || c["FilterLogEvents"] != 1 {
		t.Errorf("insights calls %v", c)
	}
}

// The window shows only the tunnel log: the BGP state comes from before it, with one more call.
func TestRead_bgpQuietInWindow(t *testing.T) {
	t.Parallel()
	srv, arn := plainGroup(t, "/vpn/half")
	now := time.Now()
	appendAt(t, srv, "/vpn/half", testVPN+"_"+testIP+"-bgp", now.Add(-2*time.Hour), bgpUp, bgpDown)
	appendAt(t, srv, "/vpn/half", testVPN+"-"+testIP, now.Add(-10*time.Minute), tunUp, tunUp)

	res := readPlain(t, srv, now, health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn, BGPLogGroup: arn})
	g := res.Groups[0]
	if g.EventsInWindow != 2 || g.EventsBeforeWindow != 2 || g.Calls["FilterLogEvents"] != 2 || g.TotalCalls() > bound(2) {
		t.Errorf("in window %d, before %d, calls %v", g.EventsInWindow, g.EventsBeforeWindow, g.Calls)
	}
	if res.Status != logparse.HealthDown || res.BGPStatus != "DOWN" {
		t.Errorf("status %s (%s), bgp %s", res.Status, res.StatusReason, res.BGPStatus)
	}

	// With the BGP log not read, only the tunnel log counts.
	res = readPlain(t, srv, now, health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn})
	if res.Status != logparse.HealthHealthy || res.Groups[0].Calls["FilterLogEvents"] != 1 {
		t.Errorf("tunnel log only: %s (%s), calls %v", res.Status, res.StatusReason, res.Groups[0].Calls)
	}
}

// Streams named another way are found by listing the group; lookalike streams are not taken.
func TestRead_streamDiscovery(t *testing.T) {
	t.Parallel()
	srv, arn := plainGroup(t, "/vpn/renamed")
	now := time.Now()
	g := "/vpn/renamed"
	appendAt(t, srv, g, testIP+"_"+testVPN+"-bgp", now.Add(-20*time.Minute), bgpUp)
	appendAt(t, srv, g, "tunnel/"+testIP+"/"+testVPN, now.Add(-20*time.Minute), pskDown, pskDown)
	// Lookalikes: another tunnel under the VPN prefix, a longer IP, a longer VPN ID, another VPN.
	appendAt(t, srv, g, testVPN+"-203.0.113.11", now.Add(-15*time.Minute), decoyMsg)
	appendAt(t, srv, g, "203.0.113.100_"+testVPN+"-bgp", now.Add(-15*time.Minute), decoyMsg)
	appendAt(t, srv, g, testIP+"_"+testVPN+"9-bgp", now.Add(-15*time.Minute), decoyMsg)
	appendAt(t, srv, g, "1"+testIP+"_"+testVPN, now.Add(-15*time.Minute), decoyMsg)
	for i := range 60 { // more than one DescribeLogStreams page
		appendAt(t, srv, g, fmt.Sprintf("vpn-%017x-198.51.100.%d", i, i), now.Add(-15*time.Minute), decoyMsg)
	}

	res := readPlain(t, srv, now, health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn, BGPLogGroup: arn})
	gr := res.Groups[0]
	want := sortedStrings(testIP+"_"+testVPN+"-bgp", "tunnel/"+testIP+"/"+testVPN)
	if !reflect.DeepEqual(gr.Streams, want) || res.EventsRead != 3 || !gr.StreamDiscovery {
		t.Errorf("streams %v (discovery %v), read %d; want %v", gr.Streams, gr.StreamDiscovery, res.EventsRead, want)
	}
	// prefix window read + read before the window (both find only the other tunnel) + 2 DescribeLogStreams pages
	// (66 streams) + the window read of the discovered names.
	if want := map[string]int{"FilterLogEvents": 3, "DescribeLogStreams": 2}; !reflect.DeepEqual(gr.Calls, want) {
		t.Errorf("calls %v, want %v", gr.Calls, want)
	}
	if res.Status != logparse.HealthDown || res.BGPStatus != "UP" {
		t.Errorf("status %s (%s)", res.Status, res.StatusReason)
	}

	// Insights matches tokens anywhere in the name: no discovery needed.
	ins := readPlain(t, srv, now, health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn, BGPLogGroup: arn, Mode: health.ModeInsights})
	if !reflect.DeepEqual(ins.Groups[0].Streams, want) || ins.EventsRead != 3 || ins.Groups[0].StreamDiscovery {
		t.Errorf("insights: streams %v, read %d, discovery %v", ins.Groups[0].Streams, ins.EventsRead, ins.Groups[0].StreamDiscovery)
	}
	if !reflect.DeepEqual(ins.Health, res.Health) {
		t.Errorf("insights and download disagree:\nfilter:   %+v\ninsights: %+v", res.Health, ins.Health)
	}

	// No stream at all: unknown, with a reason that says so.
	none := readPlain(t, srv, now, health.Request{VPNConnectionID: "vpn-00000000000000001", OutsideIP: testIP, TunnelLogGroup: arn})
	if none.Status != logparse.HealthUnknown || !strings.Contains(none.StatusReason, "No log stream of tunnel 203.0.113.10 of vpn-00000000000000001 was found in log group /vpn/renamed") {
		t.Errorf("no stream: %s (%s)", none.Status, none.StatusReason)
	}
}

// The tunnel log and the BGP log in different groups: each is read, with its own bound.
func TestRead_twoGroups(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, nil)
	ta := acctest.CreateLogGroup(t, srv, "/vpn/tunnel")
	ba := acctest.CreateLogGroup(t, srv, "/vpn/bgp")
	now := time.Now()
	appendAt(t, srv, "/vpn/tunnel", testVPN+"-"+testIP, now.Add(-5*time.Minute), tunUp)
	appendAt(t, srv, "/vpn/bgp", testVPN+"-"+testIP, now.Add(-5*time.Minute), bgpDown, bgpUp)
	res := readPlain(t, srv, now, health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: ta, BGPLogGroup: "/vpn/bgp"})
	if len(res.Groups) != 2 || res.Groups[0].Group != "/vpn/tunnel" || res.Groups[1].Group != "/vpn/bgp" {
		t.Fatalf("groups %+v", res.Groups)
	}
	for _, g := range res.Groups {
		if g.TotalCalls() != 1 {
			t.Errorf("%s: calls %v", g.Group, g.Calls)
		}
	}
	if res.Status != logparse.HealthDegraded || res.Flaps != 1 || res.BGPStatus != "UP" {
		t.Errorf("status %s (%s), flaps %d", res.Status, res.StatusReason, res.Flaps)
	}
	_ = ba
}

// Errors name the group and the permission.
func TestRead_errors(t *testing.T) {
	t.Parallel()
	srv, arn := plainGroup(t, "/vpn/exists")
	ctx := context.Background()
	r := &health.Reader{Logs: acctest.Logs(srv), PollMinDelay: -1}
	req := health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: acctest.LogGroupARN("/vpn/missing")}

	_, err := r.Read(ctx, req)
	var he *health.Error
	if !errors.As(err, &he) || !health.IsNotFound(err) || !strings.Contains(err.Error(), "log group /vpn/missing does not exist (FilterLogEvents: ResourceNotFoundException)") {
		t.Errorf("missing group: %v", err)
	}

	srv.SetDenyActions([]string{"logs:FilterLogEvents", "logs:StartQuery"}, nil)
	req.TunnelLogGroup = arn
	for mode, perm := range map[string]string{health.ModeFilter: "logs:FilterLogEvents", health.ModeInsights: "logs:StartQuery"} {
		req.Mode = mode
		_, err = r.Read(ctx, req)
		if !awsconfig.IsAccessDenied(err) || !strings.Contains(err.Error(), "access denied reading log group /vpn/exists: the caller needs the IAM permission "+perm) ||
			!strings.Contains(err.Error(), "policy --include-read") {
			t.Errorf("%s denied: %v", mode, err)
		}
	}

	for _, bad := range []health.Request{
		{VPNConnectionID: testVPN, OutsideIP: testIP},
		{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn, Lookback: time.Second},
		{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn, Mode: "sql"},
		{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: "arn:aws:logs:us-east-1:1:log-group:x"},
	} {
		if _, err := r.Read(ctx, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// Throttling is the SDK's business: with retries, a throttled read gives the same health.
func TestRead_throttled(t *testing.T) {
	t.Parallel()
	f := newTunnel(t, sandbox.ScenarioPSKMismatch, "json")
	now := time.Now()
	clean := f.read(t, now, f.request(health.ModeFilter, time.Hour))
	f.srv.SetFaults(sandbox.Faults{ThrottleRate: 0.5})
	logs := cloudwatchlogs.NewFromConfig(acctest.AWSConfig(f.srv), func(o *cloudwatchlogs.Options) {
		o.RetryMaxAttempts = 20
	})
	for _, mode := range []string{health.ModeFilter, health.ModeInsights} {
		res, err := (&health.Reader{Logs: logs, Now: func() time.Time { return now }, PollMinDelay: -1}).Read(context.Background(), f.request(mode, time.Hour))
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if !reflect.DeepEqual(res.Health, clean.Health) {
			t.Errorf("%s throttled: %+v, clean %+v", mode, res.Health, clean.Health)
		}
	}
	if f.srv.Stats()["logs"]["FilterLogEvents"] < 2 {
		t.Errorf("no throttling happened: %v", f.srv.Stats()["logs"])
	}
}

func TestParseLookback(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{"1h": true, "90m": true, "1m": true, "2160h": true, "59s": false, "2161h": false, "1d": false, "": false, "-1h": false} {
		if _, err := health.ParseLookback(s); (err == nil) != ok {
			t.Errorf("ParseLookback(%q): %v", s, err)
		}
	}
	for _, c := range []struct {
		mode string
		d    time.Duration
		want string
	}{{"", time.Hour, "filter"}, {"auto", 6 * time.Hour, "filter"}, {"auto", 6*time.Hour + time.Second, "insights"}, {"filter", 48 * time.Hour, "filter"}, {"insights", time.Minute, "insights"}} {
		if got := health.ModeFor(c.mode, c.d); got != c.want {
			t.Errorf("ModeFor(%q, %s) = %s, want %s", c.mode, c.d, got, c.want)
		}
	}
}
