package sandbox_test

import (
	"slices"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// cascade is a tunnel's two logs as catalogue codes in time order.
type cascade []logparse.Event

// times returns when code was logged, in order.
func (c cascade) times(code string) []time.Time {
	var out []time.Time
	for _, e := range c {
		if e.Entry != nil && e.Entry.Code == code {
			out = append(out, e.Time)
		}
	}
	return out
}

// first returns the first time code was logged at or after t.
func (c cascade) first(t *testing.T, code string, after time.Time) time.Time {
	t.Helper()
	for _, at := range c.times(code) {
		if !at.Before(after) {
			return at
		}
	}
	t.Fatalf("no %s at or after %v", code, after)
	return time.Time{}
}

func readCascade(t *testing.T, scenario string) cascade {
	t.Helper()
	e := start(t, fastTestOptions())
	e.createLogGroup(t, "/aws/vendedlogs/cascade")
	group := logGroupARN(e, "/aws/vendedlogs/cascade")
	c, err := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Scenario: scenario, Available: true, CustomerGatewayIP: "198.51.100.50"})
	if err != nil {
		t.Fatal(err)
	}
	ip := c.Tunnels[0].OutsideIPAddress
	if err := e.srv.SetTunnelLogOptionsOutOfBand(c.ID, ip, sandbox.TunnelLogOptions{LogEnabled: true, LogGroupARN: group, BGPLogEnabled: true, BGPLogGroupARN: group}); err != nil {
		t.Fatal(err)
	}
	info, _ := e.srv.VPNConnection(c.ID)
	var out cascade
	for _, stream := range []string{info.Tunnels[0].ActivityStream, info.Tunnels[0].BGPStream} {
		for _, m := range e.readStream(t, "/aws/vendedlogs/cascade", stream) {
			out = append(out, logparse.ParseEventString(m, 0))
		}
	}
	slices.SortStableFunc(out, func(x, y logparse.Event) int { return x.Time.Compare(y.Time) })
	return out
}

// gaps checks that consecutive times are at least min apart.
func gaps(t *testing.T, what string, ts []time.Time, minGap time.Duration) {
	t.Helper()
	for i := 1; i < len(ts); i++ {
		if d := ts[i].Sub(ts[i-1]); d < minGap {
			t.Errorf("%s %s apart at %v, want at least %s", what, d, ts[i], minGap)
		}
	}
}

// tenSeconds reports whether DPD gave up 10 s after the hold timer expired (hold time 30 s, DPD timeout 40 s):
// the tunnel log's event_timestamp is in whole seconds, the BGP log's in milliseconds.
func tenSeconds(d time.Duration) bool { return d > 9*time.Second && d <= 10*time.Second }

// The failing scenarios cascade as AWS's timers make them: the consequences in timer order, then the
// failure repeating with realistic retry intervals.
func TestScenarioCascades(t *testing.T) {
	const (
		psk, auth, halfOpen, dpd = "ike.psk_mismatch", "ike.authentication_failed", "ike.phase1_timeout", "ike.dpd_timeout"
		hold, drop, active, up   = "bgp.hold_timer_expired", "bgp.state.established_to_idle", "bgp.state.connect_to_active", "bgp.state.openconfirm_to_established"
	)
	t.Run("psk-mismatch", func(t *testing.T) {
		c := readCascade(t, sandbox.ScenarioPSKMismatch)
		established := c.first(t, up, time.Time{})
		h := c.first(t, hold, established)
		if d := c.first(t, dpd, h); !tenSeconds(d.Sub(h)) {
			t.Errorf("DPD gave up %s after the hold timer, want 10s (hold time 30s, DPD timeout 40s)", d.Sub(h))
		}
		if m := c.first(t, psk, time.Time{}); !m.After(c.first(t, dpd, h)) || c.first(t, drop, h).Sub(h) > time.Second {
			t.Errorf("the key mismatch at %v, the drop at %v: want the mismatch after DPD and the drop with the hold timer", m, c.first(t, drop, h))
		}
		gaps(t, "key mismatches", c.times(psk), 30*time.Second)
		gaps(t, "half-open timeouts", c.times(halfOpen), 2*time.Minute)
		gaps(t, "BGP connection failures", c.times(active), 2*time.Minute)
		if n, m := len(c.times(psk)), len(c.times(auth)); n < 20 || n != m {
			t.Errorf("%d key mismatches, %d authentication failures", n, m)
		}
	})
	t.Run("dpd-timeout", func(t *testing.T) {
		c := readCascade(t, sandbox.ScenarioDPDTimeout)
		h := c.first(t, hold, time.Time{})
		if d := c.first(t, dpd, time.Time{}); !tenSeconds(d.Sub(h)) {
			t.Errorf("DPD gave up %s after the hold timer, want 10s", d.Sub(h))
		}
		if a := c.first(t, active, time.Time{}); !a.After(h) {
			t.Errorf("Connect to Active at %v, before the hold timer %v", a, h)
		}
		gaps(t, "half-open timeouts", c.times(halfOpen), 2*time.Minute)
	})
	t.Run("bgp-prefix-limit", func(t *testing.T) {
		c := readCascade(t, sandbox.ScenarioBGPPrefixLimit)
		over := c.times("bgp.prefix_limit_exceeded")
		if len(over) < 3 {
			t.Fatalf("%d violations", len(over))
		}
		for _, o := range over[1:] {
			var last time.Time
			for _, u := range c.times(up) {
				if u.Before(o) {
					last = u
				}
			}
			cease, idle := c.first(t, "bgp.notification_sent.cease_max_prefixes", o), c.first(t, drop, o)
			if o.Sub(last) > 2*time.Second || cease.Sub(o) > 2*time.Second || idle.Sub(cease) > 2*time.Second {
				t.Errorf("established %v, exceeded %v, Cease %v, Idle %v: want each within 2s of the one before", last, o, cease, idle)
			}
		}
	})
	for _, sc := range []struct{ name, refusal string }{
		{sandbox.ScenarioPhase2ProposalMismatch, "ike.no_proposal_chosen"}, {sandbox.ScenarioTSUnacceptable, "ike.ts_unacceptable"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			c := readCascade(t, sc.name)
			r := c.first(t, sc.refusal, time.Time{})
			h := c.first(t, hold, r)
			if h.Sub(r) < time.Minute || c.first(t, "ike.phase2_failed", r).Sub(r) > time.Second {
				t.Errorf("refused at %v, phase 2 failed at %v, hold timer at %v: want the failure at once, the hold timer after the old SA expires",
					r, c.first(t, "ike.phase2_failed", r), h)
			}
			gaps(t, "refusals", c.times(sc.refusal), 30*time.Second)
		})
	}
	t.Run("recovered", func(t *testing.T) {
		c := readCascade(t, sandbox.ScenarioRecovered)
		mismatches := c.times(psk)
		last := mismatches[len(mismatches)-1]
		ups := c.times(up)
		if len(ups) != 1 || ups[0].Before(last) || len(c.times(drop)) != 0 || len(mismatches) < 15 {
			t.Fatalf("%d mismatches until %v, established at %v, drops %v: want one establishment after them and no drop", len(mismatches), last, ups, c.times(drop))
		}
		// The history ends when logging was enabled, now.
		if ago := time.Since(ups[0]); ago < 24*time.Minute || ago > 26*time.Minute {
			t.Errorf("established %s ago, want 25 minutes", ago)
		}
	})
}
