package sandbox_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// readStream returns a stream's messages, oldest first, through the CloudWatch Logs API.
func (e *env) readStream(t *testing.T, group, stream string) []string {
	t.Helper()
	var out []string
	var token *string
	for {
		page := must[*cloudwatchlogs.GetLogEventsOutput](t)(e.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: &group, LogStreamName: &stream, StartFromHead: aws.Bool(true), NextToken: token,
		}))
		for _, ev := range page.Events {
			out = append(out, *ev.Message)
		}
		if len(page.Events) == 0 || page.NextForwardToken == nil || (token != nil && *page.NextForwardToken == *token) {
			return out
		}
		token = page.NextForwardToken
	}
}

type scenarioExpectation struct {
	activity, bgp        []string // substrings that must appear
	absentBGP            string   // substring that must not appear in the BGP log
	lastPhase1           string   // last tunnel-activity states
	lastPhase2           string
	lastBGPStatus        string // last BGPStatus status
	minEstablishedToIdle int
}

var expectations = map[string]scenarioExpectation{
	sandbox.ScenarioHealthy: {
		activity:   []string{"AWS tunnel processed request (id=", "AWS tunnel is sending response (id=", ") for CREATE_CHILD_SA"},
		bgp:        []string{"from OpenConfirm to Established with neighbor 169.254.", "End-of-RIB", `"ADVERTISED"|status=ADVERTISED`},
		lastPhase1: "established", lastPhase2: "established", lastBGPStatus: "UP",
	},
	sandbox.ScenarioPSKMismatch: {
		activity: []string{"AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.", "AWS tunnel is sending AUTHENTICATION_FAILED as the response",
			"AWS tunnel DPD timed out after 3 retransmits", "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: 198.51.100."},
		bgp:        []string{"Hold Timer Expired notification", "from Established to Idle", "from Idle to Connect", "from Connect to Active"},
		lastPhase1: "down", lastPhase2: "down", lastBGPStatus: "DOWN", minEstablishedToIdle: 1,
	},
	sandbox.ScenarioDPDTimeout: {
		activity:   []string{"AWS tunnel DPD timed out after 3 retransmits", "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA"},
		bgp:        []string{"Hold Timer Expired notification", "from Established to Idle", "from Connect to Active"},
		lastPhase1: "down", lastPhase2: "down", lastBGPStatus: "DOWN", minEstablishedToIdle: 1,
	},
	sandbox.ScenarioPhase2ProposalMismatch: {
		activity: []string{"No Proposal Match Found. Notifying with", "No proposal chosen", "AWS tunnel Phase 2 was unable to establish while keeping Phase 1",
			"AWS tunnel received DELETE for Phase 2 SA with SPI: "},
		bgp:        []string{"Hold Timer Expired notification", "from Connect to Active"},
		lastPhase1: "established", lastPhase2: "down", lastBGPStatus: "DOWN", minEstablishedToIdle: 1,
	},
	sandbox.ScenarioTSUnacceptable: {
		activity:   []string{"AWS: Traffic Selector: TS_UNACCEPTABLE: received from responder", "AWS tunnel Phase 2 was unable to establish while keeping Phase 1"},
		bgp:        []string{"Hold Timer Expired notification", "from Connect to Active"},
		lastPhase1: "established", lastPhase2: "down", lastBGPStatus: "DOWN", minEstablishedToIdle: 1,
	},
	sandbox.ScenarioBGPFlap: {
		bgp:        []string{"Hold Timer Expired notification", "received notification 6/4 (Cease/Administrative Reset)", "from OpenConfirm to Established"},
		lastPhase1: "established", lastPhase2: "established", lastBGPStatus: "UP", minEstablishedToIdle: 2,
	},
	sandbox.ScenarioBGPPrefixLimit: {
		bgp: []string{"maximum prefix limit warning", "received 90 prefixes from neighbor", "the maximum prefix limit was exceeded",
			"sent a notification 6/1 (Cease/Maximum Number of Prefixes Reached)"},
		lastPhase1: "established", lastPhase2: "established", lastBGPStatus: "DOWN",
	},
	sandbox.ScenarioRouteDenied: {
		bgp:        []string{"DENIED due to: as-path contains our own AS", "DENIED due to: non-connected next-hop", "RouteStatus", "UPDATED"},
		lastPhase1: "established", lastPhase2: "established", lastBGPStatus: "UP",
	},
	sandbox.ScenarioRecovered: {
		activity:   []string{"AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.", ") for CREATE_CHILD_SA"},
		bgp:        []string{"from Connect to Active", "from OpenConfirm to Established with neighbor 169.254.", "End-of-RIB"},
		absentBGP:  "from Established to Idle",
		lastPhase1: "established", lastPhase2: "established", lastBGPStatus: "UP",
	},
	sandbox.ScenarioIdleDown: {
		activity:   []string{"AWS tunnel received DELETE for Phase 2 SA with SPI: "},
		bgp:        []string{"from Established to Idle"},
		lastPhase1: "established", lastPhase2: "down", lastBGPStatus: "DOWN",
	},
}

func containsAny(msgs []string, alternatives string) bool {
	for _, alt := range strings.Split(alternatives, "|") {
		for _, m := range msgs {
			if strings.Contains(m, alt) {
				return true
			}
		}
	}
	return false
}

var (
	textTunnelLine = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z vpn-[0-9a-f]{17} [0-9.]+ ike_phase1_state=(\w+) ike_phase2_state=(\w+) dpd_enabled=(true|false) nat_t_detected=(true|false) details=".*"$`)
	textBGPLine    = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z vpn-[0-9a-f]{17}_[0-9.]+ type=(BGPStatus|RouteStatus) status=(\w+)( .*)?$`)
)

func TestScenarioTraffic(t *testing.T) {
	if len(expectations) != len(sandbox.Scenarios()) {
		t.Fatalf("expectations for %d scenarios, the sandbox has %d", len(expectations), len(sandbox.Scenarios()))
	}
	e := start(t, fastTestOptions())
	e.createLogGroup(t, "/aws/vendedlogs/traffic")
	group := logGroupARN(e, "/aws/vendedlogs/traffic")
	tgw := e.srv.AddTransitGateway() // more connections than a virtual private gateway takes (10)
	for _, name := range sandbox.Scenarios() {
		for _, format := range []string{"json", "text"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				want := expectations[name]
				c, err := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Scenario: name, Available: true, CustomerGatewayIP: "198.51.100.50", TransitGatewayID: tgw})
				if err != nil {
					t.Fatal(err)
				}
				ip := c.Tunnels[0].OutsideIPAddress
				if err := e.srv.SetTunnelLogOptionsOutOfBand(c.ID, ip, sandbox.TunnelLogOptions{
					LogEnabled: true, LogGroupARN: group, LogOutputFormat: format, BGPLogEnabled: true, BGPLogGroupARN: group, BGPLogOutputFormat: format,
				}); err != nil {
					t.Fatal(err)
				}
				info, _ := e.srv.VPNConnection(c.ID)
				ti := info.Tunnels[0]
				if ti.Scenario != name || !strings.Contains(ti.ActivityStream, c.ID) || !strings.Contains(ti.BGPStream, ip) || ti.ActivityStream == ti.BGPStream {
					t.Fatalf("tunnel info %+v", ti)
				}
				activity := e.readStream(t, "/aws/vendedlogs/traffic", ti.ActivityStream)
				bgp := e.readStream(t, "/aws/vendedlogs/traffic", ti.BGPStream)
				if len(activity) < 3 || len(bgp) < 3 || len(activity)+len(bgp) < 20 {
					t.Fatalf("history too short: %d activity, %d BGP events", len(activity), len(bgp))
				}
				for _, s := range want.activity {
					if !containsAny(activity, s) {
						t.Errorf("activity log lacks %q", s)
					}
				}
				for _, s := range want.bgp {
					if !containsAny(bgp, s) {
						t.Errorf("BGP log lacks %q", s)
					}
				}
				if want.absentBGP != "" && containsAny(bgp, want.absentBGP) {
					t.Errorf("BGP log has %q", want.absentBGP)
				}
				idle := 0
				for _, m := range bgp {
					if strings.Contains(m, "from Established to Idle") {
						idle++
					}
				}
				if idle < want.minEstablishedToIdle {
					t.Errorf("%d Established→Idle transitions, want ≥ %d", idle, want.minEstablishedToIdle)
				}
				var p1, p2, lastBGP string
				if format == "json" {
					p1, p2 = checkJSONActivity(t, activity)
					lastBGP = checkJSONBGP(t, bgp, c.ID+"_"+ip)
				} else {
					p1, p2 = checkTextActivity(t, activity)
					lastBGP = checkTextBGP(t, bgp)
				}
				if p1 != want.lastPhase1 || p2 != want.lastPhase2 || lastBGP != want.lastBGPStatus {
					t.Errorf("final state phase1=%s phase2=%s bgp=%s, want %s/%s/%s", p1, p2, lastBGP, want.lastPhase1, want.lastPhase2, want.lastBGPStatus)
				}
			})
		}
	}
}

func checkJSONActivity(t *testing.T, msgs []string) (phase1, phase2 string) {
	t.Helper()
	var last int64
	for _, m := range msgs {
		var rec map[string]any
		if err := json.Unmarshal([]byte(m), &rec); err != nil {
			t.Fatalf("activity event is not JSON: %q", m)
		}
		keys := make([]string, 0, len(rec))
		for k := range rec {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if strings.Join(keys, ",") != "details,dpd_enabled,event_timestamp,ike_phase1_state,ike_phase2_state,nat_t_detected,timestamp" {
			t.Fatalf("activity keys %v", keys)
		}
		ts, ok := rec["event_timestamp"].(float64)
		if !ok || ts >= 1e11 || int64(ts) < last {
			t.Fatalf("event_timestamp %v (want epoch seconds, ascending)", rec["event_timestamp"])
		}
		last = int64(ts)
		stamp, ok := rec["timestamp"].(string)
		if !ok {
			t.Fatalf("timestamp %v (want a string)", rec["timestamp"])
		}
		if _, err := time.Parse("2006-01-02 15:04:05.000Z", stamp); err != nil {
			t.Fatalf("timestamp %v", rec["timestamp"])
		}
		if _, ok := rec["dpd_enabled"].(bool); !ok {
			t.Fatalf("dpd_enabled %v", rec["dpd_enabled"])
		}
		var ok1, ok2 bool
		phase1, ok1 = rec["ike_phase1_state"].(string)
		phase2, ok2 = rec["ike_phase2_state"].(string)
		if !ok1 || !ok2 {
			t.Fatalf("states %v, %v (want strings)", rec["ike_phase1_state"], rec["ike_phase2_state"])
		}
		if phase1 != strings.ToLower(phase1) {
			t.Fatalf("state %q not lower-case", phase1)
		}
	}
	return phase1, phase2
}

func checkJSONBGP(t *testing.T, msgs []string, resourceID string) (lastStatus string) {
	t.Helper()
	for _, m := range msgs {
		var rec struct {
			ResourceID     string         `json:"resource_id"`
			EventTimestamp int64          `json:"event_timestamp"`
			Timestamp      string         `json:"timestamp"`
			Type           string         `json:"type"`
			Status         string         `json:"status"`
			Message        map[string]any `json:"message"`
		}
		if err := json.Unmarshal([]byte(m), &rec); err != nil {
			t.Fatalf("BGP event is not JSON: %q", m)
		}
		if rec.ResourceID != resourceID || rec.EventTimestamp < 1e11 || rec.Message == nil {
			t.Fatalf("BGP record %q", m)
		}
		switch rec.Type {
		case "BGPStatus":
			if rec.Status != "UP" && rec.Status != "DOWN" || rec.Message["details"] == "" {
				t.Fatalf("BGPStatus record %q", m)
			}
			lastStatus = rec.Status
		case "RouteStatus":
			if _, ok := rec.Message["localPref"].(float64); !ok || rec.Message["prefix"] == nil || rec.Message["asPath"] == nil {
				t.Fatalf("RouteStatus record %q", m)
			}
		default:
			t.Fatalf("type %q", rec.Type)
		}
	}
	return lastStatus
}

func checkTextActivity(t *testing.T, msgs []string) (phase1, phase2 string) {
	t.Helper()
	for _, m := range msgs {
		g := textTunnelLine.FindStringSubmatch(m)
		if g == nil {
			t.Fatalf("text activity line %q", m)
		}
		phase1, phase2 = g[1], g[2]
	}
	return phase1, phase2
}

func checkTextBGP(t *testing.T, msgs []string) (lastStatus string) {
	t.Helper()
	for _, m := range msgs {
		g := textBGPLine.FindStringSubmatch(m)
		if g == nil {
			t.Fatalf("text BGP line %q", m)
		}
		if g[1] == "BGPStatus" {
			lastStatus = g[2]
		}
	}
	return lastStatus
}

func TestScenarioPerTunnelTagAndTelemetry(t *testing.T) {
	e := start(t, fastTestOptions())
	c, _ := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Available: true, Scenario: sandbox.ScenarioHealthy})
	second := c.Tunnels[1].OutsideIPAddress
	must[*ec2.CreateTagsOutput](t)(e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{c.ID}, Tags: []ec2types.Tag{{Key: aws.String("vpnlogs:scenario:" + second), Value: aws.String("psk-mismatch")}}}))
	info, _ := e.srv.VPNConnection(c.ID)
	if info.Tunnels[0].Scenario != "healthy" || info.Tunnels[1].Scenario != "psk-mismatch" {
		t.Fatalf("scenarios %s / %s", info.Tunnels[0].Scenario, info.Tunnels[1].Scenario)
	}
	d := describeOne(t, e, c.ID)
	for _, tel := range d.VgwTelemetry {
		want := ec2types.TelemetryStatusUp
		if *tel.OutsideIpAddress == second {
			want = ec2types.TelemetryStatusDown
		}
		if tel.Status != want {
			t.Errorf("telemetry of %s: %s, want %s", *tel.OutsideIpAddress, tel.Status, want)
		}
	}
	// Options.Scenario is the default; an unknown tag value falls back to it.
	opts := fastTestOptions()
	opts.Scenario = sandbox.ScenarioDPDTimeout
	e2 := start(t, opts)
	c2, _ := e2.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Available: true, Scenario: "no-such-scenario"})
	if got := c2.Tunnels[0].Scenario; got != sandbox.ScenarioDPDTimeout {
		t.Errorf("scenario %s, want the default %s", got, sandbox.ScenarioDPDTimeout)
	}
}

func TestFreshTraffic(t *testing.T) {
	opts := fastTestOptions()
	opts.TrafficInterval = 40 * time.Millisecond
	e := start(t, opts)
	e.createLogGroup(t, "/vpn/live")
	c, _ := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Available: true})
	ip := c.Tunnels[0].OutsideIPAddress
	if err := e.srv.SetTunnelLogOptionsOutOfBand(c.ID, ip, sandbox.TunnelLogOptions{LogEnabled: true, LogGroupARN: logGroupARN(e, "/vpn/live")}); err != nil {
		t.Fatal(err)
	}
	info, _ := e.srv.VPNConnection(c.ID)
	stream := info.Tunnels[0].ActivityStream
	first := e.srv.Logs().EventCount("/vpn/live", stream)
	deadline := time.Now().Add(3 * time.Second)
	for e.srv.Logs().EventCount("/vpn/live", stream) < first+4 {
		if time.Now().After(deadline) {
			t.Fatalf("no fresh events: %d → %d", first, e.srv.Logs().EventCount("/vpn/live", stream))
		}
		time.Sleep(20 * time.Millisecond)
	}
	msgs := e.readStream(t, "/vpn/live", stream)
	var prev float64
	for _, m := range msgs {
		var rec map[string]any
		if err := json.Unmarshal([]byte(m), &rec); err != nil {
			t.Fatalf("event %q: %v", m, err)
		}
		ts, ok := rec["event_timestamp"].(float64)
		if !ok {
			t.Fatalf("event_timestamp %v (want a number)", rec["event_timestamp"])
		}
		if ts < prev {
			t.Fatalf("events out of order")
		}
		prev = ts
	}
	if now := float64(time.Now().Unix()); prev < now-5 || prev > now+1 {
		t.Fatalf("newest event at %v, now %v", prev, now)
	}
	// Deleting the connection stops delivery.
	if err := e.srv.DeleteVPNConnectionOutOfBand(c.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	n := e.srv.Logs().EventCount("/vpn/live", stream)
	time.Sleep(120 * time.Millisecond)
	if got := e.srv.Logs().EventCount("/vpn/live", stream); got != n {
		t.Fatalf("a deleted connection still logs: %d → %d", n, got)
	}
}
