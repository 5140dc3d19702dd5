package logparse

import (
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 11, 8, 5, 0, 0, 0, time.UTC)

// at returns t0 plus m minutes.
func at(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

func ptr(b bool) *bool { return &b }

// tun is a tunnel-activity JSON event.
func tun(t time.Time, p1, p2, details string) Event {
	return ParseEventString(fmt.Sprintf(`{"event_timestamp":%d,"dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":%q,"ike_phase2_state":%q,"details":%s}`,
		t.Unix(), p1, p2, q(details)), 0)
}

// up is a tunnel event with both phases established and no message.
func up(t time.Time) Event { return tun(t, "established", "established", "") }

// bgpEv is a BGPStatus JSON event.
func bgpEv(t time.Time, status, details string) Event {
	return ParseEventString(fmt.Sprintf(`{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":%d,"type":"BGPStatus","status":%q,"message":{"details":%s}}`,
		t.UnixMilli(), status, q(details)), 0)
}

// trans is a BGP FSM transition event.
func trans(t time.Time, from, to string) Event {
	status := "DOWN"
	if to == "Established" {
		status = "UP"
	}
	return bgpEv(t, status, fmt.Sprintf("AWS-side peer BGP session state has changed from %s to %s with neighbor 169.254.50.85", from, to))
}

// bgpUp is the transitions of a session coming up, one minute apart from m.
func bgpUp(m int) []Event {
	return []Event{
		trans(at(m), "Idle", "Connect"), trans(at(m+1), "Connect", "OpenSent"),
		trans(at(m+2), "OpenSent", "OpenConfirm"), trans(at(m+3), "OpenConfirm", "Established"),
	}
}

// routeEv is a RouteStatus JSON event; details may be empty.
func routeEv(t time.Time, status, prefix, details string) Event {
	d := ""
	if details != "" {
		d = `,"details":` + q(details)
	}
	return ParseEventString(fmt.Sprintf(`{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":%d,"type":"RouteStatus","status":%q,`+
		`"message":{"prefix":%q,"asPath":"65000","localPref":100,"med":0,"nextHopIp":"169.254.50.85","weight":32768%s}}`, t.UnixMilli(), status, prefix, d), 0)
}

// issue is the expected issue for a catalogue code.
func issue(code, msg string, count int, first, last time.Time) Issue {
	e := entry(code)
	return Issue{Code: code, Kind: e.Kind, Severity: e.Severity, Message: msg, Count: count, FirstSeen: first, LastSeen: last,
		Explanation: e.Explanation, Remediation: e.Remediation}
}

// resolved is issue marked resolved.
func resolved(is Issue) Issue {
	is.Resolved = true
	return is
}

// ev is an Evidence.
func ev(code string, count int, first, last time.Time) Evidence {
	return Evidence{Code: code, Count: count, FirstSeen: first, LastSeen: last}
}

// diagnosed is want with the diagnosis its status reason summarises: code's remediation, since, evidence.
func diagnosed(want Health, code string, since time.Time, evidence ...Evidence) Health {
	d := &Diagnosis{Code: code, Summary: want.StatusReason, Since: since, Evidence: evidence}
	if e, ok := byCode[code]; ok {
		d.Remediation = e.Remediation
	}
	if d.Evidence == nil {
		d.Evidence = []Evidence{}
	}
	want.Diagnosis = d
	return want
}

func concat(parts ...[]Event) []Event {
	var all []Event
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

func checkHealth(t *testing.T, got, want Health) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Health:\n got %+v\nwant %+v", got, want)
		if got.StatusReason != want.StatusReason {
			t.Errorf("reason:\n got %q\nwant %q", got.StatusReason, want.StatusReason)
		}
		if !reflect.DeepEqual(got.Diagnosis, want.Diagnosis) {
			t.Errorf("diagnosis:\n got %+v\nwant %+v", got.Diagnosis, want.Diagnosis)
		}
		for i := range max(len(got.Issues), len(want.Issues)) {
			var g, w Issue
			if i < len(got.Issues) {
				g = got.Issues[i]
			}
			if i < len(want.Issues) {
				w = want.Issues[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("issue %d:\n got %+v\nwant %+v", i, g, w)
			}
		}
	}
}

const (
	pskText    = "AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7"
	chosenText = `No Proposal Match Found. Notifying with "No proposal chosen"`
	tsText     = "AWS: Traffic Selector: TS_UNACCEPTABLE: received from responder"
	idleText   = "AWS-side peer BGP session state has changed from Established to Idle with neighbor 169.254.50.85"
	holdText   = "AWS-side peer sent a Hold Timer Expired notification to neighbor 169.254.50.85"
	warnText   = "AWS-side peer is reporting a maximum prefix limit warning • received 95 prefixes from neighbor 169.254.50.85, limit is 100"
	overText   = "AWS-side peer detected the maximum prefix limit was exceeded • received 120 prefixes from neighbor 169.254.50.85, limit is 100"
	cease1Text = "AWS-side peer sent a notification 6/1 (Cease/Maximum Number of Prefixes Reached) to neighbor 169.254.50.85"
	ownASText  = "DENIED due to: as-path contains our own AS"
	nextHop    = "DENIED due to: non-connected next-hop"
)

func TestHealthNoEvents(t *testing.T) {
	checkHealth(t, Compute(nil, at(0)), Health{Status: HealthUnknown, StatusReason: "No log events were read."})
}

func TestHealthHealthy(t *testing.T) {
	events := concat(
		[]Event{
			tun(at(0), "established", "established", "AWS tunnel processed request (id=1) for CREATE_CHILD_SA"),
			tun(at(1), "Established", "Rekeying", "AWS tunnel is sending response (id=1) for CREATE_CHILD_SA"),
			tun(at(2), "ESTABLISHED", "established", ""),
		},
		bgpUp(3),
		[]Event{
			bgpEv(at(7), "UP", "AWS-side peer sent an End-of-RIB message to neighbor 169.254.50.85"),
			routeEv(at(8), "ADVERTISED", "10.0.0.0/16", ""),
		},
	)
	checkHealth(t, Compute(events, at(30)), Health{
		Status:       HealthHealthy,
		StatusReason: "IKE phase 1 is Established, IKE phase 2 is Established and the BGP session is UP with no recent errors",
		IKEPhase1:    "Established", IKEPhase2: "Established", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		BGPStatus: "UP", BGPSessionState: "Established", LastEventAt: at(8),
		Routes:     RouteCounts{Advertised: 1},
		EventsRead: 9,
	})
}

func TestHealthPSKMismatchDown(t *testing.T) {
	var events []Event
	for m := range 12 {
		events = append(events, tun(at(m), "down", "down", pskText))
	}
	checkHealth(t, Compute(events, at(15)), diagnosed(Health{
		Status:       HealthDown,
		StatusReason: "IKE phase 1 is down: AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7 (ike.psk_mismatch, 12 times)",
		IKEPhase1:    "Down", IKEPhase2: "Down", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		LastEventAt: at(11),
		Issues:      []Issue{issue("ike.psk_mismatch", pskText, 12, at(0), at(11))},
		EventsRead:  12,
	}, "ike.psk_mismatch", at(0), ev("ike.psk_mismatch", 12, at(0), at(11))))
}

func TestHealthDPDTimeout(t *testing.T) {
	dpd := tun(at(10), "down", "down", dpdText)
	events := []Event{up(at(0)), dpd}
	want := diagnosed(Health{
		Status:       HealthDown,
		StatusReason: "IKE phase 1 is down: AWS tunnel DPD timed out after 3 retransmits (ike.dpd_timeout, once)",
		IKEPhase1:    "Down", IKEPhase2: "Down", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		LastEventAt: at(10), Flaps: 1, LastFlapAt: at(10),
		Issues:     []Issue{issue("ike.dpd_timeout", dpdText, 1, at(10), at(10))},
		EventsRead: 2,
	}, "ike.dpd_timeout", at(10), ev("ike.dpd_timeout", 1, at(10), at(10)))
	checkHealth(t, Compute(events, at(15)), want)

	// Back up: the error is resolved; the flap keeps the tunnel degraded while it is recent, healthy after.
	events = append(events, up(at(12)))
	want.Status = HealthDegraded
	want.StatusReason = "The tunnel went down after being up once, last at 2025-11-08T05:10:00Z: AWS tunnel DPD timed out after 3 retransmits (ike.dpd_timeout, once)"
	want.IKEPhase1, want.IKEPhase2, want.LastEventAt, want.EventsRead = "Established", "Established", at(12), 3
	want.Issues = []Issue{resolved(want.Issues[0])}
	want = diagnosed(want, "ike.dpd_timeout", at(10), ev("ike.dpd_timeout", 1, at(10), at(10)))
	checkHealth(t, Compute(events, at(15)), want)

	want.Status, want.Diagnosis = HealthHealthy, nil
	want.StatusReason = "IKE phase 1 is Established and IKE phase 2 is Established with no recent errors"
	checkHealth(t, Compute(events, at(71)), want)

	// A longer window keeps it recent.
	a := Accumulator{Window: 3 * time.Hour}
	for _, e := range events {
		a.Add(&e)
	}
	if h := a.Health(at(71)); h.Status != HealthDegraded || h.Diagnosis == nil || h.Diagnosis.Code != "ike.dpd_timeout" {
		t.Errorf("3h window: status %s (%s), want degraded by ike.dpd_timeout", h.Status, h.StatusReason)
	}
}

func TestHealthPhase2ProposalMismatch(t *testing.T) {
	events := []Event{
		tun(at(0), "established", "down", chosenText),
		tun(at(1), "established", "down", chosenText),
		tun(at(2), "established", "down", chosenText),
	}
	checkHealth(t, Compute(events, at(5)), diagnosed(Health{
		Status:       HealthDown,
		StatusReason: `IKE phase 2 is down: No Proposal Match Found. Notifying with "No proposal chosen" (ike.no_proposal_chosen, 3 times)`,
		IKEPhase1:    "Established", IKEPhase2: "Down", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		LastEventAt: at(2),
		Issues:      []Issue{issue("ike.no_proposal_chosen", chosenText, 3, at(0), at(2))},
		EventsRead:  3,
	}, "ike.no_proposal_chosen", at(0), ev("ike.no_proposal_chosen", 3, at(0), at(2))))
}

func TestHealthTSUnacceptable(t *testing.T) {
	events := []Event{
		tun(at(1), "established", "negotiating", tsText),
		tun(at(0), "established", "negotiating", tsText),
	}
	checkHealth(t, Compute(events, at(5)), diagnosed(Health{
		Status:       HealthDegraded,
		StatusReason: "IKE phase 2 is negotiating: AWS: Traffic Selector: TS_UNACCEPTABLE: received from responder (ike.ts_unacceptable, 2 times)",
		IKEPhase1:    "Established", IKEPhase2: "Negotiating", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		LastEventAt: at(1),
		Issues:      []Issue{issue("ike.ts_unacceptable", tsText, 2, at(0), at(1))},
		EventsRead:  2,
	}, "ike.ts_unacceptable", at(0), ev("ike.ts_unacceptable", 2, at(0), at(1))))
}

func TestHealthBGPFlap(t *testing.T) {
	events := concat([]Event{up(at(0))}, bgpUp(1), []Event{trans(at(10), "Established", "Idle")}, bgpUp(11))
	want := diagnosed(Health{
		Status: HealthDegraded,
		StatusReason: "The BGP session dropped out of Established once, last at 2025-11-08T05:10:00Z: " +
			idleText + " (bgp.state.established_to_idle, once)",
		IKEPhase1: "Established", IKEPhase2: "Established", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		BGPStatus: "UP", BGPSessionState: "Established", LastEventAt: at(14),
		Flaps: 1, LastFlapAt: at(10),
		Issues:     []Issue{resolved(issue("bgp.state.established_to_idle", idleText, 1, at(10), at(10)))},
		EventsRead: 10,
	}, "bgp.state.established_to_idle", at(10), ev("bgp.state.established_to_idle", 1, at(10), at(10)))
	checkHealth(t, Compute(events, at(20)), want)

	want.Status, want.StatusReason = HealthHealthy, "IKE phase 1 is Established, IKE phase 2 is Established and the BGP session is UP with no recent errors"
	want.Diagnosis = nil
	checkHealth(t, Compute(events, at(80)), want)
}

func TestHealthBGPIdleDown(t *testing.T) {
	events := concat([]Event{up(at(0))}, bgpUp(1), []Event{
		bgpEv(at(5), "DOWN", holdText),
		trans(at(5), "Established", "Idle"),
	})
	checkHealth(t, Compute(events, at(6)), diagnosed(Health{
		Status:       HealthDown,
		StatusReason: "The BGP session is down (Idle): AWS-side peer sent a Hold Timer Expired notification to neighbor 169.254.50.85 (bgp.hold_timer_expired, once)",
		IKEPhase1:    "Established", IKEPhase2: "Established", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		BGPStatus: "DOWN", BGPSessionState: "Idle", LastEventAt: at(5),
		Flaps: 1, LastFlapAt: at(5),
		Issues: []Issue{
			issue("bgp.hold_timer_expired", holdText, 1, at(5), at(5)),
			issue("bgp.state.established_to_idle", idleText, 1, at(5), at(5)),
		},
		EventsRead: 7,
	}, "bgp.hold_timer_expired", at(5), ev("bgp.hold_timer_expired", 1, at(5), at(5)), ev("bgp.state.established_to_idle", 1, at(5), at(5))))
}

func TestHealthPrefixLimit(t *testing.T) {
	base := concat([]Event{up(at(0))}, bgpUp(1), []Event{bgpEv(at(5), "UP", warnText)})
	warnIssue := issue("bgp.prefix_limit_warning", warnText, 1, at(5), at(5))
	want := diagnosed(Health{
		Status:       HealthDegraded,
		StatusReason: "AWS received 95 prefixes from the customer gateway, near the limit of 100",
		IKEPhase1:    "Established", IKEPhase2: "Established", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		BGPStatus: "UP", BGPSessionState: "Established", LastEventAt: at(5),
		PrefixLimit: &PrefixLimit{Received: 95, Limit: 100, At: at(5)},
		Issues:      []Issue{warnIssue},
		EventsRead:  6,
	}, "bgp.prefix_limit_warning", at(5), ev("bgp.prefix_limit_warning", 1, at(5), at(5)))
	checkHealth(t, Compute(base, at(10)), want)

	over := append(base,
		bgpEv(at(6), "DOWN", overText),
		bgpEv(at(6).Add(time.Second), "DOWN", cease1Text),
		bgpEv(at(6).Add(2*time.Second), "DOWN", idleText),
	)
	t6, t61, t62 := at(6), at(6).Add(time.Second), at(6).Add(2*time.Second)
	// The violation explains the Cease and the drop; the earlier warning does not.
	checkHealth(t, Compute(over, at(10)), diagnosed(Health{
		Status:       HealthDown,
		StatusReason: "The BGP session is down (Idle): " + overText + " (bgp.prefix_limit_exceeded, once)",
		IKEPhase1:    "Established", IKEPhase2: "Established", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		BGPStatus: "DOWN", BGPSessionState: "Idle", LastEventAt: t62,
		PrefixLimit: &PrefixLimit{Received: 120, Limit: 100, Exceeded: true, At: t6},
		Flaps:       1, LastFlapAt: t62,
		Issues: []Issue{
			issue("bgp.notification_sent.cease_max_prefixes", cease1Text, 1, t61, t61),
			issue("bgp.prefix_limit_exceeded", overText, 1, t6, t6),
			issue("bgp.state.established_to_idle", idleText, 1, t62, t62),
			warnIssue,
		},
		EventsRead: 9,
	}, "bgp.prefix_limit_exceeded", at(5), ev("bgp.prefix_limit_exceeded", 1, t6, t6), ev("bgp.prefix_limit_warning", 1, at(5), at(5)),
		ev("bgp.notification_sent.cease_max_prefixes", 1, t61, t61), ev("bgp.state.established_to_idle", 1, t62, t62)))

	// Back up after the violation: the violation no longer degrades the tunnel, the drop does (a flap).
	back := append(slices.Clone(over), bgpUp(8)...)
	h := Compute(back, at(20))
	if h.Status != HealthDegraded || h.Diagnosis == nil || h.Diagnosis.Code != "bgp.prefix_limit_exceeded" || !strings.HasPrefix(h.StatusReason, "The BGP session dropped out of Established once") {
		t.Errorf("back up: %s %q %+v", h.Status, h.StatusReason, h.Diagnosis)
	}
	if h := Compute(back, at(6+61)); h.Status != HealthHealthy {
		t.Errorf("an hour after: %s %q", h.Status, h.StatusReason)
	}
}

func TestHealthRoutesDenied(t *testing.T) {
	events := concat([]Event{up(at(0))}, bgpUp(1), []Event{
		routeEv(at(5), "UPDATED", "172.31.0.0/16", ownASText),
		routeEv(at(6), "ADVERTISED", "10.1.0.0/16", nextHop),
		routeEv(at(7), "ADVERTISED", "192.168.0.0/24", ""),
	})
	own := DeniedRoute{Prefix: mustPrefix("172.31.0.0/16"), Code: "route.denied.own_as", Reason: ownASText, At: at(5)}
	nh := DeniedRoute{Prefix: mustPrefix("10.1.0.0/16"), Code: "route.denied.nonconnected_next_hop", Reason: nextHop, At: at(6)}
	want := diagnosed(Health{
		Status:       HealthDegraded,
		StatusReason: "AWS denies 2 routes: 10.1.0.0/16 (route.denied.nonconnected_next_hop), 172.31.0.0/16 (route.denied.own_as)",
		IKEPhase1:    "Established", IKEPhase2: "Established", DPDEnabled: ptr(true), NATTDetected: ptr(false),
		BGPStatus: "UP", BGPSessionState: "Established", LastEventAt: at(7),
		Routes:       RouteCounts{Advertised: 2, Updated: 1, Denied: 2},
		DeniedRoutes: []DeniedRoute{nh, own},
		Issues: []Issue{
			issue("route.denied.nonconnected_next_hop", nextHop, 1, at(6), at(6)),
			issue("route.denied.own_as", ownASText, 1, at(5), at(5)),
		},
		EventsRead: 8,
	}, "route.denied.nonconnected_next_hop", at(5), ev("route.denied.nonconnected_next_hop", 1, at(6), at(6)), ev("route.denied.own_as", 1, at(5), at(5)))
	checkHealth(t, Compute(events, at(10)), want)

	// Re-advertised without error: no longer denied; an older denial added
	// later does not bring it back.
	events = append(events, routeEv(at(8), "ADVERTISED", "172.31.0.0/16", ""), routeEv(at(4), "UPDATED", "172.31.0.0/16", ownASText))
	want.StatusReason = "AWS denies 1 route: 10.1.0.0/16 (route.denied.nonconnected_next_hop)"
	want.LastEventAt, want.EventsRead = at(8), 10
	want.Routes = RouteCounts{Advertised: 3, Updated: 2, Denied: 3}
	want.DeniedRoutes = []DeniedRoute{nh}
	want.Issues[1].Count, want.Issues[1].FirstSeen, want.Issues[1].Resolved = 2, at(4), true
	want = diagnosed(want, "route.denied.nonconnected_next_hop", at(6), ev("route.denied.nonconnected_next_hop", 1, at(6), at(6)))
	checkHealth(t, Compute(events, at(10)), want)
}

func TestHealthOutOfOrder(t *testing.T) {
	// In time order: up, down, up, down, up — two flaps.
	obs := []Event{up(at(1)), tun(at(2), "down", "down", ""), up(at(3)), tun(at(4), "established", "down", ""), tun(at(5), "rekeying", "established", "")}
	var perm func(k int)
	n := 0
	perm = func(k int) {
		if k == len(obs) {
			n++
			h := Compute(obs, at(6))
			if h.Flaps != 2 || h.LastFlapAt != at(4) || h.IKEPhase1 != "Rekeying" || h.IKEPhase2 != "Established" || h.LastEventAt != at(5) {
				t.Fatalf("order %v: flaps %d at %v, phases %s/%s, last %v", times5(obs), h.Flaps, h.LastFlapAt, h.IKEPhase1, h.IKEPhase2, h.LastEventAt)
			}
			return
		}
		for i := k; i < len(obs); i++ {
			obs[k], obs[i] = obs[i], obs[k]
			perm(k + 1)
			obs[k], obs[i] = obs[i], obs[k]
		}
	}
	perm(0)
	if n != 120 {
		t.Fatalf("%d permutations", n)
	}

	// Equal times: the later Add wins.
	if h := Compute([]Event{tun(at(1), "down", "down", ""), up(at(1))}, at(2)); h.IKEPhase1 != "Established" {
		t.Errorf("tie: phase 1 %s, want Established", h.IKEPhase1)
	}
	if h := Compute([]Event{up(at(1)), tun(at(1), "down", "down", "")}, at(2)); h.IKEPhase1 != "Down" || h.Flaps != 1 {
		t.Errorf("tie: phase 1 %s, flaps %d, want Down, 1", h.IKEPhase1, h.Flaps)
	}

	// BGP: the latest status wins whatever the order.
	h := Compute([]Event{trans(at(10), "OpenConfirm", "Established"), bgpEv(at(5), "DOWN", holdText), trans(at(5), "Established", "Idle")}, at(11))
	if h.BGPStatus != "UP" || h.BGPSessionState != "Established" || h.Status != HealthDegraded {
		t.Errorf("bgp out of order: %s/%s %s (%s)", h.BGPStatus, h.BGPSessionState, h.Status, h.StatusReason)
	}
}

func times5(es []Event) []string {
	var s []string
	for _, e := range es {
		s = append(s, e.Time.Format("04"))
	}
	return s
}

func TestHealthUnknownMessages(t *testing.T) {
	events := []Event{
		ParseEventString("garbage", at(1).UnixMilli()),
		ParseEventString("{}", at(3).UnixMilli()),
		ParseEventString(`{"ike_phase1_state":"established","ike_phase2_state":"established","details":"AWS tunnel did something new"}`, at(2).UnixMilli()),
	}
	unknown := unknownIssue
	unknown.Message, unknown.Count, unknown.FirstSeen, unknown.LastSeen = "{}", 3, at(1), at(3)
	checkHealth(t, Compute(events, at(4)), Health{
		Status:       HealthHealthy,
		StatusReason: "IKE phase 1 is Established and IKE phase 2 is Established with no recent errors",
		IKEPhase1:    "Established", IKEPhase2: "Established", LastEventAt: at(3),
		Issues:     []Issue{unknown},
		EventsRead: 3, EventsUnrecognized: 3,
	})

	// Unknown only: no state.
	h := Compute(events[:2], at(4))
	if h.Status != HealthUnknown || h.StatusReason != "None of the 2 events read reports IKE or BGP state" || h.EventsUnrecognized != 2 ||
		h.Diagnosis == nil || h.Diagnosis.Code != CodeUnknown || !strings.Contains(h.Diagnosis.Remediation, "JSON output format") {
		t.Errorf("got %s %q %d %+v", h.Status, h.StatusReason, h.EventsUnrecognized, h.Diagnosis)
	}
	// A catalogued message without state, as a text line may be.
	h = Compute([]Event{ParseEventString(pskText, at(1).UnixMilli())}, at(4))
	if want := "None of the 1 events read reports IKE or BGP state: " + pskText + " (ike.psk_mismatch, once)"; h.Status != HealthUnknown || h.StatusReason != want ||
		h.Diagnosis.Code != "ike.psk_mismatch" {
		t.Errorf("got %s %q, want unknown %q", h.Status, h.StatusReason, want)
	}
}

// An FSM transition missing from the catalogue still moves the session
// state and counts a flap.
func TestHealthUncataloguedTransition(t *testing.T) {
	events := concat([]Event{up(at(0))}, bgpUp(1), []Event{
		ParseEventString("AWS-side peer BGP session state has changed from Established to Active with neighbor 169.254.50.85", at(9).UnixMilli()),
	})
	h := Compute(events, at(10))
	if h.Status != HealthDown || h.BGPStatus != "DOWN" || h.BGPSessionState != "Active" || h.Flaps != 1 || h.EventsUnrecognized != 1 {
		t.Errorf("got %s %q bgp %s/%s flaps %d unrecognized %d", h.Status, h.StatusReason, h.BGPStatus, h.BGPSessionState, h.Flaps, h.EventsUnrecognized)
	}
}

func TestHealthIsAPureView(t *testing.T) {
	var a Accumulator
	e := up(at(0))
	a.Add(&e)
	h1 := a.Health(at(1))
	*h1.DPDEnabled = false
	h2 := a.Health(at(1))
	if !*h2.DPDEnabled || !reflect.DeepEqual(a.Health(at(1)), h2) {
		t.Error("Health shares state with its result or changes between calls")
	}
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
