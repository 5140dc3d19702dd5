package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

const healthAddr = "data.vpnlogs_tunnel_health.t"

// CloudWatch Logs operations that read events: the ones the call bound counts.
var readOps = []string{"FilterLogEvents", "DescribeLogStreams", "GetLogEvents"}

// issueCodes checks that an issues list holds issues with these codes.
type issueCodes []string

func (c issueCodes) CheckValue(v any) error {
	items, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected a list of issues, got %T", v)
	}
	var got []string
	for _, it := range items {
		m, _ := it.(map[string]any)
		s, _ := m["code"].(string)
		got = append(got, s)
	}
	for _, want := range c {
		if !slices.Contains(got, want) {
			return fmt.Errorf("issue %s missing, got %v", want, got)
		}
	}
	return nil
}

func (c issueCodes) String() string { return "issues with codes " + strings.Join(c, ", ") }

// recoveredFrom checks that an issues list holds the issue with this code, resolved, and that every error in it is
// resolved: a tunnel that recovered.
type recoveredFrom string

func (c recoveredFrom) CheckValue(v any) error {
	items, _ := v.([]any)
	found := false
	for _, it := range items {
		m, _ := it.(map[string]any)
		if m["code"] == string(c) {
			found = true
			if m["resolved"] != true {
				return fmt.Errorf("issue %s is not resolved: %v", c, m)
			}
		}
		if m["severity"] == "error" && m["resolved"] != true {
			return fmt.Errorf("unresolved error %v", m)
		}
	}
	if !found {
		return fmt.Errorf("issue %s missing from %v", c, items)
	}
	return nil
}

func (c recoveredFrom) String() string {
	return "issues with " + string(c) + " resolved and no unresolved error"
}

// noWarnings checks that an issues list holds no warning or error.
type noWarnings struct{}

func (noWarnings) CheckValue(v any) error {
	items, _ := v.([]any)
	for _, it := range items {
		if m, _ := it.(map[string]any); m["severity"] != "info" {
			return fmt.Errorf("unexpected issue %v", m)
		}
	}
	return nil
}

func (noWarnings) String() string { return "no warning or error issues" }

// atLeast checks a number.
type atLeast int64

func (n atLeast) CheckValue(v any) error {
	num, ok := v.(json.Number)
	if !ok {
		return fmt.Errorf("expected a number, got %T", v)
	}
	i, err := num.Int64()
	if err != nil || i < int64(n) {
		return fmt.Errorf("%v is not at least %d", v, n)
	}
	return nil
}

func (n atLeast) String() string { return fmt.Sprintf("at least %d", n) }

// healthLoggingConfig enables both logs of a tunnel towards one group, then reads its health (after the change:
// the data source refers to the resource).
func healthLoggingConfig(srv *sandbox.Server, id, ip, groupARN, format, dataArgs string) string {
	return sandboxProviderConfig(srv, fmt.Sprintf(`
resource "vpnlogs_tunnel_logging" "t" {
  vpn_connection_id         = %[1]q
  tunnel_outside_ip_address = %[2]q
  tunnel_log                = { log_group_arn = %[3]q, output_format = %[4]q }
  bgp_log                   = { log_group_arn = %[3]q, output_format = %[4]q }
}

data "vpnlogs_tunnel_health" "t" {
  vpn_connection_id         = vpnlogs_tunnel_logging.t.vpn_connection_id
  tunnel_outside_ip_address = vpnlogs_tunnel_logging.t.tunnel_outside_ip_address
%[5]s
}
`, id, ip, groupARN, format, dataArgs))
}

// readCalls is a Check that the data source's read of the step made at most `max` event-reading calls and at
// least one (the step's apply reads the data source once before Check runs).
func readCalls(srv *sandbox.Server, maxCalls int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n := 0
		for _, op := range readOps {
			n += callCount(srv, "logs", op)
		}
		if n < 1 || n > maxCalls {
			return fmt.Errorf("the health read made %d CloudWatch Logs read calls (%v), want 1..%d", n, srv.Stats()["logs"], maxCalls)
		}
		return nil
	}
}

// Every sandbox scenario through Terraform: enable logging with vpnlogs_tunnel_logging, read the health, check
// the status, the defining issues and the telemetry. TEXT output for two scenarios.
func TestTunnelHealthDataSource_scenarios(t *testing.T) {
	t.Parallel()
	type tc struct {
		scenario, format string
		status           string
		root             string // diagnosis.code: the root cause, "" when healthy (diagnosis null)
		codes            issueCodes
		telemetry        string
		checks           []statecheck.StateCheck
	}
	path := func(name string) tfjsonpath.Path { return tfjsonpath.New(name) }
	cases := []tc{
		{scenario: sandbox.ScenarioHealthy, format: "json", status: "healthy", telemetry: "UP", checks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(healthAddr, path("issues"), knownvalue.ListExact(nil)),
			statecheck.ExpectKnownValue(healthAddr, path("ike_phase1_state"), knownvalue.StringExact("Established")),
			statecheck.ExpectKnownValue(healthAddr, path("bgp_status"), knownvalue.StringExact("UP")),
			statecheck.ExpectKnownValue(healthAddr, path("dpd_enabled"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(healthAddr, path("nat_t_detected"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(healthAddr, path("prefix_limit"), knownvalue.Null()),
			statecheck.ExpectKnownValue(healthAddr, path("events_unrecognized"), knownvalue.Int64Exact(0)),
			statecheck.ExpectKnownValue(healthAddr, path("telemetry"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"status_message": knownvalue.StringExact("2 BGP ROUTES"), "accepted_route_count": knownvalue.Int64Exact(2),
			})),
		}},
		{scenario: sandbox.ScenarioPSKMismatch, format: "json", root: "ike.psk_mismatch", status: "down", telemetry: "DOWN",
			codes: issueCodes{"ike.psk_mismatch", "ike.authentication_failed", "ike.phase1_timeout"}, checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, path("ike_phase1_state"), knownvalue.StringExact("Down")),
				statecheck.ExpectKnownValue(healthAddr, path("status_reason"), knownvalue.StringRegexp(
					regexp.MustCompile(`^IKE phase 1 is down: .*\(ike\.\w+, \d+ times\)$`))),
			}},
		{scenario: sandbox.ScenarioPSKMismatch, format: "text", root: "ike.psk_mismatch", status: "down", telemetry: "DOWN",
			codes: issueCodes{"ike.psk_mismatch", "ike.authentication_failed"}},
		{scenario: sandbox.ScenarioDPDTimeout, format: "json", root: "ike.dpd_timeout", status: "down", telemetry: "DOWN",
			codes: issueCodes{"ike.dpd_timeout", "bgp.hold_timer_expired"}, checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, path("ike_phase2_state"), knownvalue.StringExact("Down")),
			}},
		{scenario: sandbox.ScenarioPhase2ProposalMismatch, format: "json", root: "ike.no_proposal_chosen", status: "down", telemetry: "DOWN",
			codes: issueCodes{"ike.no_proposal_chosen", "ike.phase2_failed"}, checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, path("ike_phase1_state"), knownvalue.StringExact("Established")),
				statecheck.ExpectKnownValue(healthAddr, path("ike_phase2_state"), knownvalue.StringExact("Down")),
			}},
		{scenario: sandbox.ScenarioTSUnacceptable, format: "json", root: "ike.ts_unacceptable", status: "down", telemetry: "DOWN",
			codes: issueCodes{"ike.ts_unacceptable", "ike.phase2_failed"}},
		{scenario: sandbox.ScenarioBGPFlap, format: "json", root: "bgp.hold_timer_expired", status: "degraded", telemetry: "UP",
			codes: issueCodes{"bgp.hold_timer_expired", "bgp.notification_received.cease_admin_reset", "bgp.state.established_to_idle"},
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, path("flaps"), atLeast(2)),
				statecheck.ExpectKnownValue(healthAddr, path("bgp_session_state"), knownvalue.StringExact("Established")),
			}},
		{scenario: sandbox.ScenarioBGPPrefixLimit, format: "json", root: "bgp.prefix_limit_exceeded", status: "down", telemetry: "DOWN",
			codes: issueCodes{"bgp.prefix_limit_exceeded", "bgp.notification_sent.cease_max_prefixes", "bgp.prefix_limit_warning"},
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, path("prefix_limit"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"received": knownvalue.Int64Exact(101), "limit": knownvalue.Int64Exact(100),
				})),
				statecheck.ExpectKnownValue(healthAddr, path("bgp_status"), knownvalue.StringExact("DOWN")),
			}},
		{scenario: sandbox.ScenarioRouteDenied, format: "json", root: "route.denied.nonconnected_next_hop", status: "degraded", telemetry: "UP",
			codes: issueCodes{"route.denied.own_as", "route.denied.nonconnected_next_hop"}, checks: deniedRouteChecks()},
		{scenario: sandbox.ScenarioRouteDenied, format: "text", root: "route.denied.nonconnected_next_hop", status: "degraded", telemetry: "UP",
			codes: issueCodes{"route.denied.own_as", "route.denied.nonconnected_next_hop"}, checks: deniedRouteChecks()},
		{scenario: sandbox.ScenarioIdleDown, format: "json", root: "ike.delete_child_sa", status: "down", telemetry: "DOWN",
			codes: issueCodes{"ike.delete_child_sa", "bgp.state.established_to_idle"}, checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, path("ike_phase2_state"), knownvalue.StringExact("Down")),
			}},
		{scenario: sandbox.ScenarioRecovered, format: "json", status: "healthy", telemetry: "UP",
			codes: issueCodes{"ike.psk_mismatch", "ike.authentication_failed"}, checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, path("status_reason"), knownvalue.StringRegexp(
					regexp.MustCompile(`since \S+, when the tunnel recovered from: .*\(ike\.psk_mismatch, \d+ times\)$`))),
				statecheck.ExpectKnownValue(healthAddr, path("issues"), recoveredFrom("ike.psk_mismatch")),
			}},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.scenario] = true
	}
	for _, s := range sandbox.Scenarios() {
		if !covered[s] {
			t.Errorf("scenario %s has no case", s)
		}
	}
	for _, c := range cases {
		t.Run(c.scenario+"/"+c.format, func(t *testing.T) {
			t.Parallel()
			srv := startSandbox(t, nil)
			id, ips := createVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: c.scenario})
			group := createLogGroup(t, srv, vendedGroupPrefix+"health")
			checks := []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, path("status"), knownvalue.StringExact(c.status)),
				statecheck.ExpectKnownValue(healthAddr, path("status_reason"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(healthAddr, path("telemetry").AtMapKey("status"), knownvalue.StringExact(c.telemetry)),
				statecheck.ExpectKnownValue(healthAddr, path("events_read"), atLeast(10)),
				statecheck.ExpectKnownValue(healthAddr, path("last_event_at"), knownvalue.StringRegexp(
					regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`))),
			}
			if c.root != "" {
				checks = append(checks,
					statecheck.ExpectKnownValue(healthAddr, path("diagnosis").AtMapKey("code"), knownvalue.StringExact(c.root)),
					statecheck.ExpectKnownValue(healthAddr, path("diagnosis").AtMapKey("evidence").AtSliceIndex(0).AtMapKey("code"),
						knownvalue.StringExact(c.root)),
					statecheck.CompareValuePairs(healthAddr, path("diagnosis").AtMapKey("summary"), healthAddr, path("status_reason"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(healthAddr, path("diagnosis").AtMapKey("remediation"), knownvalue.NotNull()))
			} else {
				checks = append(checks, statecheck.ExpectKnownValue(healthAddr, path("diagnosis"), knownvalue.Null()))
			}
			if c.status == "healthy" && c.codes == nil {
				checks = append(checks, statecheck.ExpectKnownValue(healthAddr, path("issues"), noWarnings{}))
			} else {
				checks = append(checks, statecheck.ExpectKnownValue(healthAddr, path("issues"), c.codes),
					statecheck.ExpectKnownValue(healthAddr, path("issues").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"remediation": knownvalue.NotNull(), "explanation": knownvalue.NotNull(), "count": atLeast(1),
						"first_seen": knownvalue.NotNull(), "last_seen": knownvalue.NotNull(),
					})))
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            healthLoggingConfig(srv, id, ips[0], group, c.format, ""),
					ConfigStateChecks: append(checks, c.checks...),
					// One group, both logs, under 10,000 events: one FilterLogEvents (the bound is 3).
					Check: readCalls(srv, 1),
				}},
			})
		})
	}
}

func deniedRouteChecks() []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("denied_routes"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"prefix": knownvalue.StringExact("10.99.0.0/16"), "reason": knownvalue.StringExact("DENIED due to: non-connected next-hop"),
			}),
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"prefix": knownvalue.StringExact("172.31.0.0/16"), "reason": knownvalue.StringExact("DENIED due to: as-path contains our own AS"),
			}),
		})),
		statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("routes").AtMapKey("denied"), atLeast(2)),
	}
}

// enableLoggingOutOfBand turns on both logs of a tunnel as the console would, without Terraform.
func enableLoggingOutOfBand(t *testing.T, srv *sandbox.Server, id, ip, groupARN string) {
	t.Helper()
	if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{
		LogEnabled: true, LogGroupARN: groupARN, BGPLogEnabled: true, BGPLogGroupARN: groupARN,
	}); err != nil {
		t.Fatal(err)
	}
}

func healthDataConfig(srv *sandbox.Server, blocks string) string {
	return sandboxProviderConfig(srv, blocks)
}

func healthData(name, id, ip, args string) string {
	return fmt.Sprintf(`
data "vpnlogs_tunnel_health" %q {
  vpn_connection_id         = %q
  tunnel_outside_ip_address = %q
%s
}
`, name, id, ip, args)
}

// Insights and the download agree on the same tunnel; a long lookback in auto mode uses Insights.
func TestTunnelHealthDataSource_insightsAgrees(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: sandbox.ScenarioBGPFlap})
	enableLoggingOutOfBand(t, srv, id, ips[0], createLogGroup(t, srv, vendedGroupPrefix+"insights"))
	codes := issueCodes{"bgp.hold_timer_expired", "bgp.notification_received.cease_admin_reset", "bgp.state.established_to_idle"}
	var checks []statecheck.StateCheck
	for _, n := range []string{"filter", "insights", "auto_long"} {
		addr := "data.vpnlogs_tunnel_health." + n
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("degraded")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("issues"), codes),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("bgp_session_state"), knownvalue.StringExact("Established")))
	}
	checks = append(checks, sameIssueCodes("data.vpnlogs_tunnel_health.filter", "data.vpnlogs_tunnel_health.insights"),
		sameIssueCodes("data.vpnlogs_tunnel_health.filter", "data.vpnlogs_tunnel_health.auto_long"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetStats,
			Config: healthDataConfig(srv, healthData("filter", id, ips[0], `  query_mode = "filter"`)+
				healthData("insights", id, ips[0], `  query_mode = "insights"`)+
				healthData("auto_long", id, ips[0], `  lookback = "12h"`)),
			ConfigStateChecks: checks,
			Check: func(*terraform.State) error {
				// Each read once so far: one download, two Insights queries (one poll each).
				st := srv.Stats()["logs"]
				if st["StartQuery"] != 2 || st["GetQueryResults"] != 2 || st["FilterLogEvents"] != 1 {
					return fmt.Errorf("calls %v: want 2 StartQuery (insights, 12h auto), 2 GetQueryResults, 1 FilterLogEvents", st)
				}
				return nil
			},
		}},
	})
}

// sameIssueCodes compares the sets of issue codes of two health data sources.
func sameIssueCodes(a, b string) statecheck.StateCheck { return issueCodesEqual{a, b} }

type issueCodesEqual struct{ a, b string }

func (c issueCodesEqual) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	codesOf := func(addr string) ([]string, bool) {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address != addr {
				continue
			}
			items, _ := r.AttributeValues["issues"].([]any)
			var out []string
			for _, it := range items {
				m, _ := it.(map[string]any)
				s, _ := m["code"].(string)
				out = append(out, s)
			}
			slices.Sort(out)
			return out, true
		}
		return nil, false
	}
	ca, oka := codesOf(c.a)
	cb, okb := codesOf(c.b)
	if !oka || !okb || !slices.Equal(ca, cb) {
		resp.Error = fmt.Errorf("issue codes differ: %s %v, %s %v", c.a, ca, c.b, cb)
	}
}

// More than 10,000 events in the window: the call bound from the sandbox's counters.
func TestTunnelHealthDataSource_callBound(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: sandbox.ScenarioHealthy})
	groupName := vendedGroupPrefix + "busy"
	enableLoggingOutOfBand(t, srv, id, ips[0], createLogGroup(t, srv, groupName))
	info, _ := srv.VPNConnection(id)
	var stream string
	for _, tu := range info.Tunnels {
		if tu.OutsideIPAddress == ips[0] {
			stream = tu.ActivityStream
		}
	}
	// 25,000 small events (10,000 fit a 1 MiB page) over the last minute; one in 50 a DPD timeout.
	now := time.Now()
	evs := make([]cwlogs.InputEvent, 25000)
	for i := range evs {
		msg := `{"ike_phase1_state":"established","ike_phase2_state":"established"}`
		if i%50 == 0 {
			msg = `{"details":"AWS tunnel DPD timed out after 3 retransmits"}`
		}
		evs[i] = cwlogs.InputEvent{TimestampMillis: now.Add(-time.Minute).UnixMilli() + int64(i*2), Message: msg}
	}
	if err := srv.Logs().AppendEvents(groupName, stream, evs); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range srv.Logs().Streams(groupName) {
		total += srv.Logs().EventCount(groupName, s)
	}
	bound := (total+9999)/10000 + 2
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetStats,
			Config:    healthDataConfig(srv, healthData("t", id, ips[0], `  query_mode = "filter"`)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("events_read"), atLeast(25000)),
				statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("status"), knownvalue.StringExact("degraded")),
				statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("issues"), issueCodes{"ike.dpd_timeout"}),
				statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("issues").AtSliceIndex(0).AtMapKey("count"), knownvalue.Int64Exact(500)),
			},
			Check: func(s *terraform.State) error {
				if n := callCount(srv, "logs", "FilterLogEvents"); n != 3 || n > bound {
					return fmt.Errorf("%d FilterLogEvents for %d events, want 3 (bound %d)", n, total, bound)
				}
				return readCalls(srv, bound)(s)
			},
		}},
	})
}

// A window without events: the state comes from the latest events before it, within the bound for N = 0.
func TestTunnelHealthDataSource_emptyWindow(t *testing.T) {
	t.Parallel()
	// The sandbox's clock is two hours behind: the history it writes ends two hours before the provider's now.
	srv := startSandbox(t, func(o *sandbox.Options) { o.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) } })
	id, ips := createVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: sandbox.ScenarioPSKMismatch})
	enableLoggingOutOfBand(t, srv, id, ips[0], createLogGroup(t, srv, vendedGroupPrefix+"quiet"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: srv.ResetStats,
			Config:    healthDataConfig(srv, healthData("t", id, ips[0], `  lookback = "1h"`)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("status"), knownvalue.StringExact("down")),
				statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("ike_phase1_state"), knownvalue.StringExact("Down")),
				statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("issues"), issueCodes{"ike.psk_mismatch"}),
				statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("events_read"), atLeast(1)),
			},
			Check: func(s *terraform.State) error {
				if n := callCount(srv, "logs", "FilterLogEvents"); n != 2 {
					return fmt.Errorf("%d FilterLogEvents for an empty window, want 2 (the window, then the latest events before it)", n)
				}
				return readCalls(srv, 2)(s)
			},
		}},
	})
}

// Logging disabled: unknown, telemetry filled, no CloudWatch Logs call at all.
func TestTunnelHealthDataSource_loggingDisabled(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"empty")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: srv.ResetStats,
				Config:    healthDataConfig(srv, healthData("t", id, ips[1], "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("status"), knownvalue.StringExact("unknown")),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("status_reason"), knownvalue.StringRegexp(
						regexp.MustCompile(`^Logging is disabled on tunnel .* Enable it with a vpnlogs_tunnel_logging resource`))),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("telemetry"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"status": knownvalue.StringExact("UP"), "status_message": knownvalue.StringExact("2 BGP ROUTES"),
						"accepted_route_count": knownvalue.Int64Exact(2), "last_status_change": knownvalue.NotNull(),
					})),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("diagnosis"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"code":        knownvalue.StringExact("logging.disabled"),
						"remediation": knownvalue.StringRegexp(regexp.MustCompile(`^Enable it with a vpnlogs_tunnel_logging resource`)),
						"evidence":    knownvalue.ListExact(nil),
					})),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("issues"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("denied_routes"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("events_read"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("ike_phase1_state"), knownvalue.Null()),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("last_event_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("prefix_limit"), knownvalue.Null()),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("routes"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"advertised": knownvalue.Int64Exact(0), "updated": knownvalue.Int64Exact(0),
						"withdrawn": knownvalue.Int64Exact(0), "denied": knownvalue.Int64Exact(0),
					})),
				},
				Check: func(*terraform.State) error {
					if calls := srv.Stats()["logs"]; len(calls) != 0 {
						return fmt.Errorf("logging disabled, yet CloudWatch Logs was called: %v", calls)
					}
					return nil
				},
			},
			{ // a group given explicitly is read even with logging off: no stream there yet
				Config: healthDataConfig(srv, healthData("t", id, ips[1], fmt.Sprintf("  tunnel_log_group_arn = %q", group+":*"))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("status"), knownvalue.StringExact("unknown")),
					statecheck.ExpectKnownValue(healthAddr, tfjsonpath.New("status_reason"), knownvalue.StringRegexp(
						regexp.MustCompile(`^No log stream of tunnel \S+ of vpn-\w+ was found in log group /aws/vendedlogs/vpn/empty`))),
				},
			},
		},
	})
}

// Wrong inputs and unreadable groups are errors that name the attribute, the group and the permission.
func TestTunnelHealthDataSource_errors(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"denied")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      healthDataConfig(srv, healthData("t", "vpn-0123456789abcdef0", "203.0.113.10", "")),
				ExpectError: expectDiag("No such VPN connection", "vpn-0123456789abcdef0", "Check the ID"),
			},
			{
				Config:      healthDataConfig(srv, healthData("t", id, "203.0.113.99", "")),
				ExpectError: expectDiag("No such tunnel", "203.0.113.99"),
			},
			{
				Config:      healthDataConfig(srv, healthData("t", id, ips[0], `  lookback = "1d"`)),
				ExpectError: expectDiag("Invalid lookback", `"1d" is not a Go duration`),
			},
			{
				Config:      healthDataConfig(srv, healthData("t", id, ips[0], `  lookback = "2200h"`)),
				ExpectError: expectDiag("Invalid lookback", "between 1m and 2160h"),
			},
			{
				Config:      healthDataConfig(srv, healthData("t", id, ips[0], `  query_mode = "sql"`)),
				ExpectError: expectDiag("Invalid Attribute Value Match"),
			},
			{
				Config: healthDataConfig(srv, healthData("t", id, ips[0], fmt.Sprintf("  tunnel_log_group_arn = %q",
					testLogGroupARN(vendedGroupPrefix+"missing")))),
				ExpectError: expectDiag(`with data.vpnlogs_tunnel_health.t`, "tunnel_log_group_arn", "log group /aws/vendedlogs/vpn/missing does not exist"),
			},
			{
				PreConfig: func() { srv.SetDenyActions([]string{"logs:FilterLogEvents"}, nil) },
				Config:    healthDataConfig(srv, healthData("t", id, ips[0], fmt.Sprintf("  bgp_log_group_arn = %q", group))),
				ExpectError: expectDiag("access denied reading log group /aws/vendedlogs/vpn/denied",
					"needs the IAM permission logs:FilterLogEvents"),
			},
		},
	})
}

// The documentation's examples, with the sandbox's IDs: the output, a check block (a failing check warns and the
// apply goes on) and a precondition (a failing one stops the apply).
func TestTunnelHealthDataSource_examples(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	okID, okIPs := createVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: sandbox.ScenarioHealthy})
	badID, badIPs := createVPNConnection(t, srv, map[string]string{sandbox.ScenarioTag: sandbox.ScenarioPSKMismatch})
	group := createLogGroup(t, srv, vendedGroupPrefix+"examples")
	enableLoggingOutOfBand(t, srv, okID, okIPs[0], group)
	enableLoggingOutOfBand(t, srv, badID, badIPs[0], group)
	example := func(file, id, ip string) string {
		s := readExample(t, "data-sources/vpnlogs_tunnel_health/"+file)
		if !strings.Contains(s, exampleVPN) || !strings.Contains(s, exampleIP) {
			t.Fatalf("%s does not use %s and %s", file, exampleVPN, exampleIP)
		}
		return strings.NewReplacer(exampleVPN, id, exampleIP, ip).Replace(s)
	}
	// The check block of check.tf, a second time under other names for the unhealthy tunnel.
	failing := strings.NewReplacer(`"vpn_tunnel_healthy"`, `"other_tunnel_healthy"`, `"primary"`, `"other"`,
		".primary.", ".other.").Replace(example("check.tf", badID, badIPs[0]))

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sandboxProviderConfig(srv, example("data-source.tf", okID, okIPs[0])),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("tunnel_health", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"status": knownvalue.StringExact("healthy"), "telemetry": knownvalue.StringExact("UP"),
						"root_cause": knownvalue.Null(), "fix": knownvalue.Null(),
					})),
				},
			},
			{
				Config: sandboxProviderConfig(srv, example("check.tf", okID, okIPs[0])+failing),
				ConfigStateChecks: []statecheck.StateCheck{
					checkStatus("check.vpn_tunnel_healthy", "pass"),
					checkStatus("check.other_tunnel_healthy", "fail"),
				},
			},
			{
				Config: sandboxProviderConfig(srv, example("precondition.tf", okID, okIPs[0])),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.vpn_dependent_change", tfjsonpath.New("input"), knownvalue.NotNull()),
				},
			},
			{
				Config:      sandboxProviderConfig(srv, example("precondition.tf", badID, badIPs[0])),
				ExpectError: expectDiag("Resource precondition failed", "is down", "IKE phase 1 is down"),
			},
		},
	})
}

// The placeholders the examples use.
const (
	exampleVPN = "vpn-0123456789abcdef0"
	exampleIP  = "203.0.113.10"
)

// checkStatus asserts the result of a check block from the state's check results.
func checkStatus(addr, want string) statecheck.StateCheck { return checkResult{addr, want} }

type checkResult struct{ addr, want string }

func (c checkResult) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	var seen []string
	for _, r := range req.State.Checks {
		seen = append(seen, r.Address.ToDisplay+"="+string(r.Status))
		if r.Address.ToDisplay == c.addr {
			if string(r.Status) != c.want {
				resp.Error = fmt.Errorf("%s is %s, want %s", c.addr, r.Status, c.want)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("no check result for %s (have %v)", c.addr, seen)
}
