package logparse

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A cascade is written as lines, each one log event at an offset in seconds: a tunnel-activity record (p1 and
// p2 set) or a BGPStatus record (status set). The tests render each line in JSON and in TEXT, as the sandbox
// does, and parse it back.
type line struct {
	at          int
	p1, p2      string
	status, msg string
}

func tl(at int, p1, p2, msg string) line { return line{at: at, p1: p1, p2: p2, msg: msg} }
func bl(at int, status, msg string) line { return line{at: at, status: status, msg: msg} }

func (l line) time() time.Time { return t0.Add(time.Duration(l.at) * time.Second) }

func (l line) render(format Format) string {
	ts := l.time()
	stamp := ts.Format("2006-01-02 15:04:05.000Z")
	switch {
	case l.status == "" && format == FormatJSON:
		return fmt.Sprintf(`{"event_timestamp":%d,"timestamp":%q,"dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":%q,"ike_phase2_state":%q,"details":%s}`,
			ts.Unix(), stamp, l.p1, l.p2, q(l.msg))
	case l.status == "":
		return fmt.Sprintf("%s vpn-0123456789abcdef0 203.0.113.10 ike_phase1_state=%s ike_phase2_state=%s dpd_enabled=true nat_t_detected=false details=%s",
			stamp, l.p1, l.p2, strconv.Quote(l.msg))
	case format == FormatJSON:
		return fmt.Sprintf(`{"resource_id":"vpn-0123456789abcdef0_203.0.113.10","event_timestamp":%d,"timestamp":%q,"type":"BGPStatus","status":%q,"message":{"details":%s}}`,
			ts.UnixMilli(), stamp, l.status, q(l.msg))
	}
	return fmt.Sprintf("%s vpn-0123456789abcdef0_203.0.113.10 type=BGPStatus status=%s details=%s", stamp, l.status, strconv.Quote(l.msg))
}

func parseLines(lines []line, format Format) []Event {
	out := make([]Event, len(lines))
	for i, l := range lines {
		out[i] = ParseEventString(l.render(format), 0)
		if out[i].Entry == nil && l.msg != "" {
			panic("uncatalogued test message: " + l.msg)
		}
	}
	return out
}

// Messages of the cascades, as AWS documents them.
const (
	mReqIn      = "AWS tunnel processed request (id=7) for CREATE_CHILD_SA"
	mRespOut    = "AWS tunnel is sending response (id=7) for CREATE_CHILD_SA"
	mReqOut     = "AWS tunnel is sending request (id=8) for CREATE_CHILD_SA"
	mPSK        = pskText
	mAuth       = "AWS tunnel is sending AUTHENTICATION_FAILED as the response"
	mHalfOpen   = "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: 198.51.100.7"
	mDPD        = dpdText
	mPeerDead   = "Peer is not responsive - Declaring peer dead"
	mPSKv1      = "AWS tunnel payload decryption was unsuccessful due to invalid Pre-shared Key"
	mNoMatch    = "No Proposal Match Found by AWS"
	mChosen     = chosenText
	mP2Failed   = "AWS tunnel Phase 2 was unable to establish while keeping Phase 1"
	mTS         = tsText
	mDeleteP2   = "AWS tunnel received DELETE for Phase 2 SA with SPI: c0ffee01"
	mIdleConn   = "AWS-side peer BGP session state has changed from Idle to Connect with neighbor 169.254.50.85"
	mConnOpen   = "AWS-side peer BGP session state has changed from Connect to OpenSent with neighbor 169.254.50.85"
	mOpenConf   = "AWS-side peer BGP session state has changed from OpenSent to OpenConfirm with neighbor 169.254.50.85"
	mEstab      = "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.50.85"
	mEndOfRIB   = "AWS-side peer sent an End-of-RIB message to neighbor 169.254.50.85"
	mConnActive = "AWS-side peer BGP session state has changed from Connect to Active with neighbor 169.254.50.85"
	mIdle       = idleText
	mHold       = holdText
	mResetIn    = "AWS-side peer received notification 6/4 (Cease/Administrative Reset) from neighbor 169.254.50.85"
	mWarn       = warnText
	mOver       = overText
	mCease1     = cease1Text
	mBadOpen    = "AWS-side peer detected a bad OPEN message from neighbor 169.254.50.85 - remote AS is 65001, expected 65000"
)

const (
	est, neg, rek, dn = "established", "negotiating", "rekeying", "down"
)

// healthyUp brings a tunnel and its BGP session up from offset at.
func healthyUp(at int) []line {
	return []line{
		tl(at, est, neg, mReqIn), tl(at+1, est, est, mRespOut),
		bl(at+10, "DOWN", mIdleConn), bl(at+12, "DOWN", mConnOpen), bl(at+14, "DOWN", mOpenConf), bl(at+16, "UP", mEstab), bl(at+17, "UP", mEndOfRIB),
	}
}

// every lays lines out n times, period seconds apart, from offset from.
func every(from, period, n int, lines ...line) []line {
	var out []line
	for k := range n {
		for _, l := range lines {
			l.at += from + k*period
			out = append(out, l)
		}
	}
	return out
}

func cat(parts ...[]line) []line {
	var out []line
	for _, p := range parts {
		out = append(out, p...)
	}
	slices.SortStableFunc(out, func(x, y line) int { return x.at - y.at })
	return out
}

// The psk-mismatch cascade: the gateway takes another key at 900 s; BGP's hold timer expires 30 s later, DPD
// gives up 40 s later, then every attempt fails authentication and one in three is left half-open.
var pskCascade = cat(
	healthyUp(0),
	[]line{bl(930, "DOWN", mHold), bl(931, "DOWN", mIdle), tl(940, dn, dn, mDPD)},
	every(945, 30, 12, tl(0, dn, dn, mPSK), tl(1, dn, dn, mAuth)),
	every(950, 120, 3, bl(0, "DOWN", mIdleConn), bl(2, "DOWN", mConnActive)),
	every(1005, 120, 3, tl(0, dn, dn, mHalfOpen)),
)

// pskLoopLines is the psk-mismatch retry loop alone, for n minutes from offset from.
func pskLoopLines(from, n int) []line {
	return cat(
		every(from, 60, n, tl(0, dn, dn, mPSK), tl(1, dn, dn, mAuth)),
		every(from+5, 120, n/2, bl(0, "DOWN", mIdleConn), bl(2, "DOWN", mConnActive)),
		every(from+40, 120, n/2, tl(0, dn, dn, mHalfOpen)),
	)
}

// childRefused is a phase 2 rekey refused with refusal at 1200 s, the old SA gone at 1260 s (deleted by the
// gateway when deleted is true), BGP's hold timer 30 s later, then a new attempt every minute.
func childRefused(attempt, refusal string, deleted bool) []line {
	gone := tl(1260, est, dn, "")
	if deleted {
		gone = tl(1260, est, dn, mDeleteP2)
	}
	return cat(
		healthyUp(0),
		every(1200, 30, 2, tl(0, est, rek, attempt), tl(1, est, rek, refusal), tl(2, est, rek, mP2Failed)),
		[]line{gone, bl(1290, "DOWN", mHold), bl(1291, "DOWN", mIdle)},
		every(1320, 60, 8, tl(0, est, neg, attempt), tl(1, est, dn, refusal), tl(2, est, dn, mP2Failed)),
		every(1330, 120, 4, bl(0, "DOWN", mIdleConn), bl(2, "DOWN", mConnActive)),
	)
}

type cascadeCase struct {
	name   string
	lines  []line
	now    int // seconds
	status string
	root   string // "" for none
	// evidence are the codes the diagnosis weighs, root first (nil: not checked); since is Diagnosis.Since in
	// seconds (-1: not checked).
	evidence []string
	since    int
	reason   string // a substring of the status reason
}

var cascadeCases = []cascadeCase{
	{
		name: "psk mismatch after a healthy start", lines: pskCascade, now: 1400, status: HealthDown, root: "ike.psk_mismatch",
		evidence: []string{"ike.psk_mismatch", "bgp.hold_timer_expired", "bgp.state.established_to_idle", "ike.dpd_timeout",
			"ike.authentication_failed", "bgp.state.connect_to_active", "ike.phase1_timeout"},
		since: 930, reason: "IKE phase 1 is down: " + mPSK + " (ike.psk_mismatch, 12 times)",
	},
	{
		name: "dpd loss, hold timer first", now: 3300, status: HealthDown, root: "ike.dpd_timeout",
		lines: cat(healthyUp(0), []line{bl(2670, "DOWN", mHold), bl(2671, "DOWN", mIdle), tl(2680, dn, dn, mDPD)},
			every(2700, 120, 4, bl(0, "DOWN", mIdleConn), bl(2, "DOWN", mConnActive)), every(2730, 120, 4, tl(0, dn, dn, mHalfOpen))),
		evidence: []string{"ike.dpd_timeout", "bgp.hold_timer_expired", "bgp.state.established_to_idle", "bgp.state.connect_to_active", "ike.phase1_timeout"},
		since:    2670, reason: "IKE phase 1 is down: " + mDPD + " (ike.dpd_timeout, once)",
	},
	{
		name: "prefix limit, Cease and Idle in a loop", now: 3000, status: HealthDown, root: "bgp.prefix_limit_exceeded",
		lines: cat(healthyUp(0), []line{bl(900, "UP", mWarn), bl(1800, "UP", mWarn), bl(1801, "DOWN", mOver), bl(1802, "DOWN", mCease1), bl(1803, "DOWN", mIdle)},
			every(2100, 300, 3, bl(0, "DOWN", mIdleConn), bl(2, "DOWN", mConnOpen), bl(4, "DOWN", mOpenConf), bl(6, "UP", mEstab),
				bl(7, "DOWN", mOver), bl(8, "DOWN", mCease1), bl(9, "DOWN", mIdle))),
		evidence: []string{"bgp.prefix_limit_exceeded", "bgp.notification_sent.cease_max_prefixes", "bgp.state.established_to_idle"},
		since:    2706, reason: "The BGP session is down (Idle): " + mOver + " (bgp.prefix_limit_exceeded, 4 times)",
	},
	{
		name: "phase 2 proposal refused", lines: childRefused(mReqIn, mChosen, true), now: 1900, status: HealthDown, root: "ike.no_proposal_chosen",
		evidence: []string{"ike.no_proposal_chosen", "ike.phase2_failed", "ike.delete_child_sa", "bgp.hold_timer_expired",
			"bgp.state.established_to_idle", "bgp.state.connect_to_active"},
		since: 1201, reason: "IKE phase 2 is down: " + mChosen + " (ike.no_proposal_chosen, 10 times)",
	},
	{
		name: "traffic selectors refused", lines: childRefused(mReqOut, mTS, false), now: 1900, status: HealthDown, root: "ike.ts_unacceptable",
		evidence: []string{"ike.ts_unacceptable", "ike.phase2_failed", "bgp.hold_timer_expired", "bgp.state.established_to_idle", "bgp.state.connect_to_active"},
		since:    1201, reason: "IKE phase 2 is down: " + mTS + " (ike.ts_unacceptable, 10 times)",
	},
	{
		name: "recovered 25 minutes ago", now: 2101 + 25*60, status: HealthHealthy,
		lines:  cat(pskLoopLines(0, 35), healthyUp(2100)),
		reason: "the BGP session is UP since 2025-11-08T05:35:16Z, when the tunnel recovered from: " + mPSK + " (ike.psk_mismatch, 35 times)",
	},
	{
		name: "flapping", now: 1000, status: HealthDegraded, root: "bgp.hold_timer_expired",
		lines: cat(healthyUp(0), []line{bl(600, "DOWN", mHold), bl(601, "DOWN", mIdle)}, healthyUp(620)[2:],
			[]line{bl(900, "DOWN", mResetIn), bl(901, "DOWN", mIdle)}, healthyUp(920)[2:]),
		evidence: []string{"bgp.hold_timer_expired", "bgp.state.established_to_idle", "bgp.notification_received.cease_admin_reset"},
		since:    600, reason: "The BGP session dropped out of Established 2 times, last at 2025-11-08T05:15:01Z: " + mHold + " (bgp.hold_timer_expired, once)",
	},
	{
		name: "IKEv1 key mismatch and dead peer", now: 1000, status: HealthDown, root: "ikev1.psk_invalid",
		lines:    cat(healthyUp(0)[:2], []line{tl(600, dn, dn, mPeerDead)}, every(630, 30, 5, tl(0, dn, dn, mPSKv1))),
		evidence: []string{"ikev1.psk_invalid", "ikev1.peer_dead"}, since: 600,
	},
	{
		name: "phase 1 proposal", now: 400, status: HealthDown, root: "ike.no_proposal_match",
		lines:    every(0, 60, 5, tl(0, dn, dn, mNoMatch), tl(1, dn, dn, mChosen), tl(31, dn, dn, mHalfOpen)),
		evidence: []string{"ike.no_proposal_match", "ike.no_proposal_chosen", "ike.phase1_timeout"}, since: 0,
	},
	{
		name: "bad OPEN", now: 600, status: HealthDown, root: "bgp.bad_open",
		lines: cat(healthyUp(0)[:2], every(10, 120, 4, bl(0, "DOWN", mIdleConn), bl(2, "DOWN", mConnOpen), bl(3, "DOWN", mBadOpen),
			bl(60, "DOWN", mIdleConn), bl(62, "DOWN", mConnActive))),
		evidence: []string{"bgp.bad_open", "bgp.state.connect_to_active"}, since: 13,
	},
	{
		// The BGP configuration error came first and its stage precedes DPD's, but it cannot explain phase 1
		// being down: the diagnosis looks at phase 1 first.
		name: "the failing layer first", now: 800, status: HealthDown, root: "ike.dpd_timeout",
		lines:    cat(healthyUp(0), []line{bl(600, "DOWN", mBadOpen), bl(601, "DOWN", mIdle), tl(700, dn, dn, mDPD), tl(730, dn, dn, mHalfOpen)}),
		evidence: []string{"ike.dpd_timeout", "bgp.bad_open", "bgp.state.established_to_idle", "ike.phase1_timeout"}, since: 600,
	},
	{
		// The key was fixed (phase 1 comes up) but the traffic selectors are wrong: the key mismatch is resolved.
		name: "partly fixed", now: 1000, status: HealthDown, root: "ike.ts_unacceptable",
		lines: cat(every(0, 30, 20, tl(0, dn, dn, mPSK), tl(1, dn, dn, mAuth)),
			every(650, 60, 5, tl(0, est, neg, mReqOut), tl(1, est, dn, mTS), tl(2, est, dn, mP2Failed))),
		evidence: []string{"ike.ts_unacceptable", "ike.phase2_failed"}, since: 651,
		reason: "IKE phase 2 is down: " + mTS + " (ike.ts_unacceptable, 5 times)",
	},
	{
		name: "down and nothing says why", now: 300, status: HealthDown, root: CodeUnknown,
		lines:    cat(healthyUp(0)[:2], every(100, 30, 5, tl(0, dn, dn, ""))),
		evidence: []string{}, since: -1, reason: "IKE phase 1 is down; no logged message explains it",
	},
}

func TestDiagnosisCascades(t *testing.T) {
	for _, c := range cascadeCases {
		t.Run(c.name, func(t *testing.T) {
			now := t0.Add(time.Duration(c.now) * time.Second)
			var first Health
			for _, format := range []Format{FormatJSON, FormatText} {
				events := parseLines(c.lines, format)
				h := Compute(events, now)
				if format == FormatJSON {
					first = h
					checkCascade(t, c, h)
				} else if !reflect.DeepEqual(h, first) {
					t.Errorf("TEXT and JSON disagree:\nTEXT %s %q %+v\nJSON %s %q %+v", h.Status, h.StatusReason, h.Diagnosis, first.Status, first.StatusReason, first.Diagnosis)
				}
				for name, order := range orders(len(events)) {
					if got := computeIn(events, order, now); !reflect.DeepEqual(got, first) {
						t.Errorf("%s, %s order: %s %q %+v", format, name, got.Status, got.StatusReason, got.Diagnosis)
					}
				}
				// As Logs Insights summarises: each group of events with the same content as its earliest event
				// once and its latest for the rest of the count.
				if got := Compute(summarised(events), now); got.Status != first.Status || got.StatusReason != first.StatusReason ||
					!reflect.DeepEqual(got.Diagnosis, first.Diagnosis) {
					t.Errorf("%s, summarised: %s %q %+v", format, got.Status, got.StatusReason, got.Diagnosis)
				}
			}
		})
	}
}

func checkCascade(t *testing.T, c cascadeCase, h Health) {
	t.Helper()
	if h.Status != c.status {
		t.Errorf("status %s (%s), want %s", h.Status, h.StatusReason, c.status)
	}
	if c.reason != "" && !strings.Contains(h.StatusReason, c.reason) {
		t.Errorf("status reason\n %q\ndoes not contain\n %q", h.StatusReason, c.reason)
	}
	d := h.Diagnosis
	if c.root == "" {
		if d != nil {
			t.Errorf("diagnosis %+v, want none", d)
		}
		for _, is := range h.Issues {
			if is.Severity > SeverityInfo && !is.Resolved {
				t.Errorf("unresolved %s", is.Code)
			}
		}
		return
	}
	if d == nil {
		t.Fatalf("no diagnosis: %s %q", h.Status, h.StatusReason)
	}
	if d.Code != c.root || d.Summary != h.StatusReason {
		t.Errorf("diagnosis %s %q, want %s", d.Code, d.Summary, c.root)
	}
	if e, ok := LookupCode(c.root); ok && d.Remediation != e.Remediation || !ok && d.Remediation == "" {
		t.Errorf("remediation %q", d.Remediation)
	}
	var codes []string
	for _, ev := range d.Evidence {
		codes = append(codes, ev.Code)
		var is *Issue
		for i := range h.Issues {
			if h.Issues[i].Code == ev.Code {
				is = &h.Issues[i]
			}
		}
		if is == nil || ev != (Evidence{Code: is.Code, Count: is.Count, FirstSeen: is.FirstSeen, LastSeen: is.LastSeen}) {
			t.Errorf("evidence %+v is not the issue %+v", ev, is)
		}
	}
	if c.evidence != nil && !slices.Equal(codes, c.evidence) {
		t.Errorf("evidence %v\n    want %v", codes, c.evidence)
	}
	if c.since >= 0 && !d.Since.Equal(t0.Add(time.Duration(c.since)*time.Second)) {
		t.Errorf("since %v, want %v", d.Since, t0.Add(time.Duration(c.since)*time.Second))
	}
}

// orders returns event orders by name: reversed, shuffled (seeded) and as pages read out of order.
func orders(n int) map[string][]int {
	in := make([]int, n)
	for i := range in {
		in[i] = i
	}
	out := map[string][]int{}
	rev := slices.Clone(in)
	slices.Reverse(rev)
	out["reversed"] = rev
	r := rand.New(rand.NewPCG(13, 17))
	for k := range 10 {
		s := slices.Clone(in)
		r.Shuffle(n, func(i, j int) { s[i], s[j] = s[j], s[i] })
		out[fmt.Sprintf("shuffled#%d", k)] = s
	}
	// Pages of 7 events, the last page first, then the others from the first.
	var pages [][]int
	for p := range slices.Chunk(in, 7) {
		pages = append(pages, p)
	}
	paged := slices.Clone(pages[len(pages)-1])
	for _, p := range pages[:len(pages)-1] {
		paged = append(paged, p...)
	}
	out["paged"] = paged
	return out
}

func computeIn(events []Event, order []int, now time.Time) Health {
	var a Accumulator
	for _, i := range order {
		a.Add(&events[i])
	}
	return a.Health(now)
}

// summarised feeds events as a Logs Insights summary row does: per group of identical content, the earliest
// event once, then the latest for the rest of the count.
func summarised(events []Event) []Event {
	type group struct {
		first, last Event
		n           int
	}
	var keys []string
	groups := map[string]*group{}
	for _, e := range events {
		k := fmt.Sprint(e.Type, e.Phase1, e.Phase2, e.Status, e.Details)
		g := groups[k]
		if g == nil {
			g = &group{first: e, last: e}
			groups[k] = g
			keys = append(keys, k)
		}
		g.n++
		if e.Time.Before(g.first.Time) {
			g.first = e
		}
		if !e.Time.Before(g.last.Time) {
			g.last = e
		}
	}
	var out []Event
	for _, k := range keys {
		g := groups[k]
		out = append(out, g.first)
		for range g.n - 1 {
			out = append(out, g.last)
		}
	}
	return out
}

// The causal model covers the catalogue, links only catalogue codes, is acyclic (init checks) and consistent.
func TestCausalModel(t *testing.T) {
	m := CausalModel()
	byCause := map[string]CausalEntry{}
	for _, c := range m {
		byCause[c.Code] = c
	}
	if len(m) != len(Catalogue()) {
		t.Fatalf("%d model entries for %d catalogue entries", len(m), len(Catalogue()))
	}
	for i, c := range m {
		e := Catalogue()[i]
		if c.Code != e.Code || c.Why == "" {
			t.Errorf("%d: %+v for %s", i, c, e.Code)
		}
		if (e.Severity == SeverityInfo) != (c.Stage == StageInfo) || e.Severity == SeverityInfo && len(c.Causes) > 0 {
			t.Errorf("%s: severity %s, stage %d, causes %v: only informational entries have the info stage, and cause nothing", c.Code, e.Severity, c.Stage, c.Causes)
		}
		for _, x := range c.Causes {
			other, ok := byCause[x]
			if !ok || !slices.Contains(other.CausedBy, c.Code) || x == c.Code {
				t.Errorf("%s causes %s, whose CausedBy is %v", c.Code, x, other.CausedBy)
			}
			if other.Layer < c.Layer {
				t.Errorf("%s (%s) causes %s of a lower layer (%s)", c.Code, c.Layer, x, other.Layer)
			}
		}
		if (e.Kind == KindRouteStatus) != (c.Layer == LayerRoute) || e.Kind == KindBGPStatus && c.Layer != LayerBGP || e.Kind.isIKE() && c.Layer > LayerPhase2 {
			t.Errorf("%s: kind %s, layer %s", c.Code, e.Kind, c.Layer)
		}
	}
	// The cascades of the issue, as links (transitive).
	for _, link := range [][2]string{
		{"ike.psk_mismatch", "ike.authentication_failed"}, {"ike.psk_mismatch", "ike.phase1_timeout"}, {"ike.psk_mismatch", "ike.dpd_timeout"},
		{"ike.psk_mismatch", "bgp.hold_timer_expired"}, {"ike.psk_mismatch", "bgp.state.established_to_idle"},
		{"ike.dpd_timeout", "bgp.hold_timer_expired"}, {"ike.dpd_timeout", "bgp.state.connect_to_active"},
		{"bgp.prefix_limit_exceeded", "bgp.notification_sent.cease_max_prefixes"}, {"bgp.prefix_limit_exceeded", "bgp.state.established_to_idle"},
		{"ike.no_proposal_chosen", "ike.phase2_failed"}, {"ike.ts_unacceptable", "ike.phase2_failed"},
		{"ike.ts_unacceptable", "bgp.hold_timer_expired"},
	} {
		if !explains(byCode[link[0]], byCode[link[1]]) || explains(byCode[link[1]], byCode[link[0]]) {
			t.Errorf("%s should explain %s, and not the reverse", link[0], link[1])
		}
	}
}

func TestLoggingDisabled(t *testing.T) {
	for _, enable := range []string{"the vpnlogs_tunnel_logging resource", "`vpnlogs enable --vpn-connection-id vpn-1 --tunnel 203.0.113.10`"} {
		h := LoggingDisabled("vpn-1", "203.0.113.10", enable)
		d := h.Diagnosis
		if h.Status != HealthUnknown || d == nil || d.Code != CodeLoggingDisabled || h.StatusReason != d.Summary || d.Evidence == nil ||
			!strings.HasPrefix(d.Summary, "Logging is disabled on tunnel 203.0.113.10 of vpn-1: ") || !strings.HasSuffix(d.Summary, " Enable it with "+enable+".") ||
			!strings.HasPrefix(d.Remediation, "Enable it with "+enable+".") {
			t.Errorf("%s: %+v %+v", enable, h, d)
		}
	}
}

// The JSON form the CLI prints and the adapters mirror: snake_case keys that do not change.
func TestDiagnosisJSON(t *testing.T) {
	d := Diagnosis{Code: "ike.psk_mismatch", Summary: "s", Remediation: "r", Since: at(1),
		Evidence: []Evidence{{Code: "ike.psk_mismatch", Count: 2, FirstSeen: at(1), LastSeen: at(2)}}}
	b, err := json.Marshal(d)
	want := `{"code":"ike.psk_mismatch","summary":"s","remediation":"r","since":"2025-11-08T05:01:00Z",` +
		`"evidence":[{"code":"ike.psk_mismatch","count":2,"first_seen":"2025-11-08T05:01:00Z","last_seen":"2025-11-08T05:02:00Z"}]}`
	if err != nil || string(b) != want {
		t.Errorf("got %s, %v\nwant %s", b, err, want)
	}
	b, _ = json.Marshal(Diagnosis{Code: CodeUnknown, Evidence: []Evidence{}})
	if want := `{"code":"unknown","summary":"","remediation":"","evidence":[]}`; string(b) != want {
		t.Errorf("without since: %s, want %s", b, want)
	}
}

// An error with no state (as a line of a custom format may be) is not resolved by later reports of the tunnel up,
// which are not establishments: it is the recent error that degrades the tunnel, and the diagnosis names it even
// though a warning came after the last healthy report.
func TestDiagnosisRecentError(t *testing.T) {
	stateless := func(m int, msg string) Event {
		return ParseEventString(`{"details":`+q(msg)+`}`, at(m).UnixMilli())
	}
	redundant := "AWS tunnel (CHILD_SA) redundant SA is being deleted due to detected collision"
	h := Compute([]Event{up(at(0)), stateless(1, dpdText), up(at(2)), stateless(3, redundant)}, at(5))
	want := diagnosed(Health{StatusReason: "Recent error: " + dpdText + " (ike.dpd_timeout, once)"}, "ike.dpd_timeout", at(2),
		ev("ike.dpd_timeout", 1, at(1), at(1)), ev("ike.redundant_sa_deleted", 1, at(3), at(3)))
	if h.Status != HealthDegraded || h.StatusReason != want.StatusReason || !reflect.DeepEqual(h.Diagnosis, want.Diagnosis) {
		t.Errorf("got %s %q\n%+v\nwant %+v", h.Status, h.StatusReason, h.Diagnosis, want.Diagnosis)
	}
}
