package health_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// fleetFixture is a sandbox with many tunnels logging to one group, or with their tunnel activity logs in one
// group and their BGP logs in another.
type fleetFixture struct {
	srv    *sandbox.Server
	groups []string // names: the tunnel activity log's group, then the BGP log's when it is another
	reqs   []health.Request
	now    time.Time
}

// fleetQuotas lets one virtual private gateway carry the fleets of these tests (AWS's default is 10 connections).
func fleetQuotas(o *sandbox.Options) {
	o.Quotas = map[string]int{sandbox.QuotaVPNConnectionsPerGateway: 50}
}

// newFleet creates ceil(tunnels / 2) connections, with the sandbox's scenarios in turn, and turns on both logs of
// `tunnels` of their tunnels.
func newFleet(t *testing.T, tunnels int, twoGroups bool, mutate func(*sandbox.Options)) *fleetFixture {
	t.Helper()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) {
		fleetQuotas(o)
		if mutate != nil {
			mutate(o)
		}
	})
	f := &fleetFixture{srv: srv, groups: []string{"/aws/vendedlogs/vpn/fleet"}}
	if twoGroups {
		f.groups = append(f.groups, "/aws/vendedlogs/vpn/fleet-bgp")
	}
	var arns []string
	for _, g := range f.groups {
		arns = append(arns, acctest.CreateLogGroup(t, srv, g))
	}
	bgpARN := arns[len(arns)-1]
	scenarios := sandbox.Scenarios()
	for i := 0; len(f.reqs) < tunnels; i++ {
		id, ips := acctest.CreateVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: scenarios[i%len(scenarios)]})
		for _, ip := range ips[:min(2, tunnels-len(f.reqs))] {
			if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{
				LogEnabled: true, LogGroupARN: arns[0], BGPLogEnabled: true, BGPLogGroupARN: bgpARN,
			}); err != nil {
				t.Fatal(err)
			}
			f.reqs = append(f.reqs, health.Request{VPNConnectionID: id, OutsideIP: ip, TunnelLogGroup: arns[0], BGPLogGroup: bgpARN + ":*"})
		}
	}
	srv.Logs() // settle: streams and history are written
	f.now = time.Now()
	return f
}

func (f *fleetFixture) reader() *health.Reader {
	return &health.Reader{Logs: acctest.Logs(f.srv), Now: func() time.Time { return f.now }, PollMinDelay: -1}
}

// pages is acctest.WindowPages: what a read of the group (under a prefix, when given) costs.
func pages(t *testing.T, srv *sandbox.Server, group, prefix string, start, end time.Time) (n, events, bytes int) {
	t.Helper()
	return acctest.WindowPages(t, srv, group, prefix, start, end)
}

// aloneHealth reads each tunnel on its own, as a single data source would: the reference for shared reads.
func (f *fleetFixture) aloneHealth(t *testing.T, mode string) []logparse.Health {
	t.Helper()
	var out []logparse.Health
	for _, req := range f.reqs {
		req.Mode = mode
		res, err := f.reader().Read(context.Background(), req)
		if err != nil {
			t.Fatalf("%s/%s alone: %v", req.VPNConnectionID, req.OutsideIP, err)
		}
		out = append(out, res.Health)
	}
	return out
}

// The call counts of the issue, from the sandbox's counters: 1, 10 and 100 tunnels on one group and on two. A
// single tunnel reads its connection's streams (today's bound); a fleet reads each group once, whatever its number
// of tunnels: as many FilterLogEvents pages as the whole group's window takes, and nothing else. Every tunnel's
// health is the one its own read gives.
func TestSession_callCounts(t *testing.T) {
	t.Parallel()
	for _, tunnels := range []int{1, 10, 100} {
		for _, twoGroups := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d tunnels, %d groups", tunnels, map[bool]int{false: 1, true: 2}[twoGroups]), func(t *testing.T) {
				t.Parallel()
				f := newFleet(t, tunnels, twoGroups, nil)
				start, end := f.now.Add(-time.Hour), f.now
				want, groupBytes := 0, 0
				for _, g := range f.groups {
					prefix := ""
					if tunnels == 1 {
						prefix = f.reqs[0].VPNConnectionID
					}
					n, _, b := pages(t, f.srv, g, prefix, start, end)
					want += n
					groupBytes += b
				}

				f.srv.ResetStats()
				s := f.reader().NewSession()
				results, errs := s.ReadAll(context.Background(), f.reqs)
				for i, err := range errs {
					if err != nil {
						t.Fatalf("tunnel %d: %v", i, err)
					}
				}
				got := logsStats(f.srv)
				if got["FilterLogEvents"] != want || len(got) != 1 {
					t.Errorf("%d tunnels: CloudWatch Logs calls %v, want %d FilterLogEvents (the groups' pages) and nothing else", tunnels, got, want)
				}
				if !reflect.DeepEqual(s.Stats().Calls, got) {
					t.Errorf("the session counted %v, the sandbox served %v", s.Stats().Calls, got)
				}
				// The bound: ceil(bytes / 1 MiB) + 2 per group.
				if bound := len(f.groups) * (groupBytes/cwlogs.MaxPageBytes + 1 + 2); got["FilterLogEvents"] > bound {
					t.Errorf("%d FilterLogEvents for %d bytes in %d groups: over the bound %d", got["FilterLogEvents"], groupBytes, len(f.groups), bound)
				}
				for _, gs := range s.Stats().Groups {
					if gs.Tunnels != tunnels || gs.Shared != (tunnels > 2) {
						t.Errorf("group stats %+v for %d tunnels", gs, tunnels)
					}
				}
				t.Logf("%d tunnels, %d groups: %v for %d bytes", tunnels, len(f.groups), got, groupBytes)

				alone := f.aloneHealth(t, health.ModeFilter)
				for i, res := range results {
					if !reflect.DeepEqual(res.Health, alone[i]) {
						t.Errorf("%s/%s: the shared read differs from its own:\nshared: %+v\nalone:  %+v",
							f.reqs[i].VPNConnectionID, f.reqs[i].OutsideIP, res.Health, alone[i])
					}
					if len(res.Groups) != len(f.groups) || res.Groups[0].Shared != (tunnels > 2) {
						t.Errorf("groups read %+v", res.Groups)
					}
				}
			})
		}
	}
}

// Terraform reads the data sources of a plan concurrently, one Session.Read each: the first reads gather, and the
// whole fleet shares one read of the group.
func TestSession_concurrentReadsShare(t *testing.T) {
	t.Parallel()
	f := newFleet(t, 10, false, nil)
	want, _, _ := pages(t, f.srv, f.groups[0], "", f.now.Add(-time.Hour), f.now)
	f.srv.ResetStats()
	s := f.reader().NewSession()
	results := make([]*health.Result, len(f.reqs))
	var wg sync.WaitGroup
	for i, req := range f.reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if results[i], err = s.Read(context.Background(), req); err != nil {
				t.Errorf("%s: %v", req.OutsideIP, err)
			}
		}()
	}
	wg.Wait()
	if got := logsStats(f.srv); got["FilterLogEvents"] != want || len(got) != 1 {
		t.Errorf("10 concurrent reads: %v, want %d FilterLogEvents", got, want)
	}
	// A later read of the same window in the run is served from the shared read: no call.
	f.srv.ResetStats()
	again, err := s.Read(context.Background(), f.reqs[3])
	if err != nil || len(logsStats(f.srv)) != 0 || !reflect.DeepEqual(again.Health, results[3].Health) {
		t.Errorf("a read after the others: %v, calls %v", err, logsStats(f.srv))
	}
}

// Concurrent reads in Insights mode gather too: one query for both groups of the fleet.
func TestSession_concurrentInsightsReadsShare(t *testing.T) {
	t.Parallel()
	f := newFleet(t, 10, true, nil)
	f.srv.ResetStats()
	s := f.reader().NewSession()
	var wg sync.WaitGroup
	for _, req := range f.reqs {
		req.Mode = health.ModeInsights
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res, err := s.Read(context.Background(), req); err != nil || !res.Groups[0].Shared || res.EventsRead == 0 {
				t.Errorf("%s: %v", req.OutsideIP, err)
			}
		}()
	}
	wg.Wait()
	if got := logsStats(f.srv); got["StartQuery"] != 1 || got["FilterLogEvents"] != 0 {
		t.Errorf("10 concurrent Insights reads of 2 groups: %v, want 1 StartQuery", got)
	}
}

// Insights: one query for the groups of the whole fleet (both groups in one batch), paged in 10,000 rows; every
// tunnel's health is the download's.
func TestSession_insightsBatch(t *testing.T) {
	t.Parallel()
	f := newFleet(t, 100, true, nil)
	rows := 0
	for _, g := range f.groups {
		_, n, _ := pages(t, f.srv, g, "", f.now.Add(-time.Hour), f.now)
		rows += n
	}
	for i := range f.reqs {
		f.reqs[i].Mode = health.ModeInsights
	}
	f.srv.ResetStats()
	s := f.reader().NewSession()
	results, errs := s.ReadAll(context.Background(), f.reqs)
	got := logsStats(f.srv)
	if want := map[string]int{"StartQuery": 1, "GetQueryResults": (rows + health.QueryRowLimit - 1) / health.QueryRowLimit}; !reflect.DeepEqual(got, want) {
		t.Errorf("%d rows in 2 groups: calls %v, want %v", rows, got, want)
	}
	alone := f.aloneHealth(t, health.ModeFilter)
	for i, res := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if res.Mode != health.ModeInsights || !reflect.DeepEqual(res.Health, alone[i]) {
			t.Errorf("%s/%s: insights (shared) and download (alone) differ:\ninsights: %+v\nfilter:   %+v",
				f.reqs[i].VPNConnectionID, f.reqs[i].OutsideIP, res.Health, alone[i])
		}
	}
}

// A window without events: one read of the window and one newest-first page before it serve the whole fleet; a
// tunnel whose latest events that page does not reach reads them on its own. Either way, each tunnel's health is
// the one its own read gives.
func TestSession_beforeWindowShared(t *testing.T) {
	t.Parallel()
	// The sandbox's clock is two hours behind: the history it writes ends two hours before the reader's now.
	f := newFleet(t, 10, false, func(o *sandbox.Options) { o.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) } })
	check := func(t *testing.T, wantCalls int) {
		t.Helper()
		f.srv.ResetStats()
		results, errs := f.reader().NewSession().ReadAll(context.Background(), f.reqs)
		if got := logsStats(f.srv); got["FilterLogEvents"] != wantCalls || len(got) != 1 {
			t.Errorf("calls %v, want %d FilterLogEvents", got, wantCalls)
		}
		alone := f.aloneHealth(t, "")
		for i, res := range results {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if res.EventsRead == 0 || !reflect.DeepEqual(res.Health, alone[i]) {
				t.Errorf("%s: shared %+v\nalone %+v", f.reqs[i].OutsideIP, res.Health, alone[i])
			}
		}
	}
	t.Run("the page reaches every tunnel", func(t *testing.T) { check(t, 2) })

	// 12,000 newer events of another connection fill the page before the window: the 5 connections read their own.
	end := f.now.Add(-time.Hour - 10*time.Minute) // newer than the history, older than the window
	evs := make([]cwlogs.InputEvent, 12000)
	for i := range evs {
		evs[i] = cwlogs.InputEvent{TimestampMillis: end.UnixMilli() + int64(i), Message: `{"ike_phase1_state":"established","ike_phase2_state":"established"}`}
	}
	if err := f.srv.Logs().AppendEvents(f.groups[0], "vpn-0ffffffffffffffff-192.0.2.1", evs); err != nil {
		t.Fatal(err)
	}
	t.Run("a cut page", func(t *testing.T) { check(t, 2+5) })
}

// Tunnels whose streams are not named from their VPN ID are found by listing the group once for the fleet; a group
// that does not exist fails only its own tunnels, in either mode.
func TestSession_discoveryAndErrors(t *testing.T) {
	t.Parallel()
	f := newFleet(t, 4, false, nil)
	other := "vpn-0b1b2c3d4e5f60718"
	for _, vpnID := range []string{testVPN, other} {
		appendAt(t, f.srv, f.groups[0], "tunnel/"+testIP+"/"+vpnID, f.now.Add(-20*time.Minute), pskDown, pskDown)
		appendAt(t, f.srv, f.groups[0], testIP+"_"+vpnID+"-bgp", f.now.Add(-20*time.Minute), bgpUp)
	}
	missing := acctest.LogGroupARN("/aws/vendedlogs/vpn/missing")
	reqs := append([]health.Request{}, f.reqs...)
	for _, vpnID := range []string{testVPN, other} {
		reqs = append(reqs,
			health.Request{VPNConnectionID: vpnID, OutsideIP: testIP, TunnelLogGroup: f.reqs[0].TunnelLogGroup, BGPLogGroup: f.reqs[0].TunnelLogGroup},
			health.Request{VPNConnectionID: vpnID, OutsideIP: testIP, TunnelLogGroup: missing})
	}
	for _, mode := range []string{health.ModeFilter, health.ModeInsights} {
		t.Run(mode, func(t *testing.T) {
			for i := range reqs {
				reqs[i].Mode = mode
			}
			f.srv.ResetStats()
			results, errs := f.reader().NewSession().ReadAll(context.Background(), reqs)
			// Filter: the listing, once, for the renamed streams. Insights matches the tokens anywhere in the stream
			// names, so it lists nothing; its query over both groups fails for the missing one, and each group is
			// queried alone.
			got := logsStats(f.srv)
			if mode == health.ModeFilter && got["DescribeLogStreams"] != 1 {
				t.Errorf("filter: calls %v, want 1 DescribeLogStreams", got)
			}
			if mode == health.ModeInsights && (got["StartQuery"] != 3 || got["DescribeLogStreams"] != 0) {
				t.Errorf("insights: calls %v, want 3 StartQuery (a batch of both groups, then each alone)", got)
			}
			for i, req := range reqs {
				if req.TunnelLogGroup == missing {
					if !health.IsNotFound(errs[i]) {
						t.Errorf("%s in a missing group: %v", req.VPNConnectionID, errs[i])
					}
					continue
				}
				if errs[i] != nil {
					t.Fatalf("%s: %v", req.VPNConnectionID, errs[i])
				}
				alone, err := f.reader().Read(context.Background(), req)
				if err != nil || !reflect.DeepEqual(results[i].Health, alone.Health) {
					t.Errorf("%s/%s: shared %+v\nalone %+v (%v)", req.VPNConnectionID, req.OutsideIP, results[i].Health, alone, err)
				}
				if req.VPNConnectionID == testVPN && (results[i].Status != logparse.HealthDown || results[i].EventsRead != 3) {
					t.Errorf("renamed streams: %s, %d events", results[i].Status, results[i].EventsRead)
				}
			}
		})
	}
}
