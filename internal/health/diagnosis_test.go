package health_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// rootCauses is the root cause each sandbox scenario's cascade must be read back to ("" for a tunnel that is
// healthy now), with the status and, for a recovered tunnel, the issue that must be listed as resolved.
var rootCauses = map[string]struct {
	status, root, resolved string
}{
	sandbox.ScenarioHealthy:                {status: logparse.HealthHealthy},
	sandbox.ScenarioPSKMismatch:            {status: logparse.HealthDown, root: "ike.psk_mismatch"},
	sandbox.ScenarioDPDTimeout:             {status: logparse.HealthDown, root: "ike.dpd_timeout"},
	sandbox.ScenarioPhase2ProposalMismatch: {status: logparse.HealthDown, root: "ike.no_proposal_chosen"},
	sandbox.ScenarioTSUnacceptable:         {status: logparse.HealthDown, root: "ike.ts_unacceptable"},
	sandbox.ScenarioBGPFlap:                {status: logparse.HealthDegraded, root: "bgp.hold_timer_expired"},
	sandbox.ScenarioBGPPrefixLimit:         {status: logparse.HealthDown, root: "bgp.prefix_limit_exceeded"},
	sandbox.ScenarioRouteDenied:            {status: logparse.HealthDegraded, root: "route.denied.nonconnected_next_hop"},
	sandbox.ScenarioIdleDown:               {status: logparse.HealthDown, root: "ike.delete_child_sa"},
	sandbox.ScenarioRecovered:              {status: logparse.HealthHealthy, resolved: "ike.psk_mismatch"},
}

// Every sandbox scenario, in both log formats, read through the Reader in filter and in Insights mode, yields
// its root cause, and the same diagnosis in both modes.
func TestRead_rootCauses(t *testing.T) {
	t.Parallel()
	if len(rootCauses) != len(sandbox.Scenarios()) {
		t.Fatalf("root causes for %d scenarios, the sandbox has %d", len(rootCauses), len(sandbox.Scenarios()))
	}
	for _, sc := range sandbox.Scenarios() {
		for _, format := range []string{"json", "text"} {
			t.Run(sc+"/"+format, func(t *testing.T) {
				t.Parallel()
				want := rootCauses[sc]
				f := newTunnel(t, sc, format)
				now := time.Now()
				filter := f.read(t, now, f.request(health.ModeFilter, time.Hour))
				insights := f.read(t, now, f.request(health.ModeInsights, time.Hour))
				t.Logf("%s: %s", filter.Status, filter.StatusReason)
				if filter.Status != want.status {
					t.Errorf("status %s (%s), want %s", filter.Status, filter.StatusReason, want.status)
				}
				checkDiagnosis(t, filter.Health, want.root)
				if !reflect.DeepEqual(filter.Diagnosis, insights.Diagnosis) || filter.StatusReason != insights.StatusReason {
					t.Errorf("Insights and filter mode disagree:\nfilter:   %s %+v\ninsights: %s %+v",
						filter.StatusReason, filter.Diagnosis, insights.StatusReason, insights.Diagnosis)
				}
				if want.resolved != "" {
					checkRecovered(t, filter.Health, want.resolved, now)
				}
			})
		}
	}
}

// checkDiagnosis checks the diagnosis of a health against its expected root cause ("" for none).
func checkDiagnosis(t *testing.T, h logparse.Health, root string) {
	t.Helper()
	d := h.Diagnosis
	if root == "" {
		if d != nil {
			t.Errorf("diagnosis %+v, want none", d)
		}
		return
	}
	if d == nil {
		t.Fatalf("no diagnosis (%s: %s), want %s", h.Status, h.StatusReason, root)
	}
	entry, _ := logparse.LookupCode(root)
	if d.Code != root || d.Remediation != entry.Remediation || h.StatusReason != d.Summary {
		t.Errorf("diagnosis %s (%q), remediation %q, status reason %q; want %s with its remediation", d.Code, d.Summary, d.Remediation, h.StatusReason, root)
	}
	if len(d.Evidence) == 0 || d.Evidence[0].Code != root || d.Since.IsZero() {
		t.Fatalf("evidence %+v since %v: want %s first", d.Evidence, d.Since, root)
	}
	for _, ev := range d.Evidence {
		is := issueOf(h, ev.Code)
		if is == nil || ev.Count != is.Count || !ev.FirstSeen.Equal(is.FirstSeen) || !ev.LastSeen.Equal(is.LastSeen) || ev.LastSeen.Before(d.Since) {
			t.Errorf("evidence %+v: want the issue's counts (%+v), seen since %v", ev, is, d.Since)
		}
	}
}

func issueOf(h logparse.Health, code string) *logparse.Issue {
	for i := range h.Issues {
		if h.Issues[i].Code == code {
			return &h.Issues[i]
		}
	}
	return nil
}

// checkRecovered checks a healthy tunnel that recovered from code: the issue is resolved and the status reason
// says when the tunnel recovered and from what.
func checkRecovered(t *testing.T, h logparse.Health, code string, now time.Time) {
	t.Helper()
	var found *logparse.Issue
	for i := range h.Issues {
		is := &h.Issues[i]
		if is.Code == code {
			found = is
		}
		if is.Severity >= logparse.SeverityWarning && !is.Resolved {
			t.Errorf("unresolved issue %s on a recovered tunnel", is.Code)
		}
	}
	if found == nil || !found.Resolved || found.LastSeen.IsZero() {
		t.Fatalf("issue %s: %+v, want it resolved with its last event", code, found)
	}
	if age := now.Sub(found.LastSeen); age < 20*time.Minute || age > 30*time.Minute {
		t.Errorf("the %s issue was last seen %s before now, want about 25 minutes", code, age)
	}
	if !strings.Contains(h.StatusReason, "when the tunnel recovered from: ") || !strings.Contains(h.StatusReason, "("+code+", ") {
		t.Errorf("status reason %q does not say that the tunnel recovered from %s", h.StatusReason, code)
	}
}

// A window of more than QueryRowLimit events: filter mode pages through it, Insights summarises the older part;
// both name the same root cause, whatever page the cause fell on.
func TestRead_rootCauseSummarisedAndPaged(t *testing.T) {
	t.Parallel()
	srv, arn := plainGroup(t, "/vpn/cascade")
	now := time.Now().Truncate(time.Second)
	start := now.Add(-50 * time.Minute)
	stream := testVPN + "-" + testIP
	var evs []cwlogs.InputEvent
	add := func(at time.Time, msg string) {
		evs = append(evs, cwlogs.InputEvent{TimestampMillis: at.UnixMilli(), Message: msg})
	}
	tunnel := func(p1, p2, details string) string {
		return fmt.Sprintf(`{"ike_phase1_state":%q,"ike_phase2_state":%q,"details":%q}`, p1, p2, details)
	}
	// Healthy, then the key changes: DPD gives up; then 12,000 attempts fail, mostly as half-open timeouts
	// and authentication failures, with the key mismatch itself only in the first, oldest page.
	add(start, tunnel("established", "established", "AWS tunnel processed response (id=1) for CREATE_CHILD_SA"))
	add(start.Add(time.Minute), tunnel("down", "down", "AWS tunnel DPD timed out after 3 retransmits"))
	for i := range 12000 {
		at := start.Add(2*time.Minute + time.Duration(i)*200*time.Millisecond)
		switch {
		case i < 50:
			add(at, tunnel("down", "down", "AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7"))
		case i%2 == 0:
			add(at, tunnel("down", "down", "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: 198.51.100.7"))
		default:
			add(at, tunnel("down", "down", "AWS tunnel is sending AUTHENTICATION_FAILED as the response"))
		}
	}
	if err := srv.Logs().AppendEvents("/vpn/cascade", stream, evs); err != nil {
		t.Fatal(err)
	}
	req := health.Request{VPNConnectionID: testVPN, OutsideIP: testIP, TunnelLogGroup: arn, Lookback: time.Hour}
	req.Mode = health.ModeFilter
	filter := readPlain(t, srv, now, req)
	req.Mode = health.ModeInsights
	insights := readPlain(t, srv, now, req)
	if filter.Groups[0].Calls["FilterLogEvents"] < 2 || insights.Groups[0].Calls["StartQuery"] != 2 {
		t.Fatalf("not paged or not summarised: filter %v, insights %v", filter.Groups[0].Calls, insights.Groups[0].Calls)
	}
	for _, res := range []*health.Result{filter, insights} {
		if res.Status != logparse.HealthDown {
			t.Errorf("%s: status %s (%s)", res.Mode, res.Status, res.StatusReason)
		}
		checkDiagnosis(t, res.Health, "ike.psk_mismatch")
		if ev := res.Diagnosis.Evidence[0]; ev.Count != 50 || !ev.FirstSeen.Equal(start.Add(2*time.Minute)) || !res.Diagnosis.Since.Equal(start.Add(time.Minute)) {
			t.Errorf("%s: evidence %+v since %v, want the 50 key mismatches since the DPD timeout", res.Mode, ev, res.Diagnosis.Since)
		}
	}
	if !reflect.DeepEqual(filter.Diagnosis, insights.Diagnosis) || filter.StatusReason != insights.StatusReason {
		t.Errorf("filter %q %+v, insights %q %+v", filter.StatusReason, filter.Diagnosis, insights.StatusReason, insights.Diagnosis)
	}
}
