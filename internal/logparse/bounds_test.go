package logparse

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// foldAll folds events, in order, into an accumulator with the given window and bounds (nil: none).
func foldAll(events []Event, window time.Duration, b *Bounds) *Accumulator {
	a := &Accumulator{Window: window, Bounds: b}
	for _, e := range events {
		a.Add(&e)
	}
	return a
}

// healthRetry is the health of a bounded fold, folding again with the bounds Exact asks for when the first was not
// exact; it fails when the second is not exact either.
func healthRetry(t *testing.T, events []Event, window time.Duration, b Bounds, now time.Time) (h Health, retried bool) {
	t.Helper()
	a := foldAll(events, window, &b)
	h = a.Health(now)
	exact, retry := a.Exact()
	if exact {
		return h, false
	}
	a = foldAll(events, window, &retry)
	h = a.Health(now)
	if exact, again := a.Exact(); !exact {
		t.Fatalf("not exact with the bounds asked for (%+v), which ask for %+v", retry, again)
	}
	return h, true
}

func byTime(events []Event) []Event {
	s := slices.Clone(events)
	slices.SortStableFunc(s, func(x, y Event) int { return x.Time.Compare(y.Time) })
	return s
}

var testWindows = []time.Duration{time.Minute, 10 * time.Minute, time.Hour}

// Events in time order: a bounded fold keeps a few observations and gives the health of an unbounded one, exactly,
// for every window.
func TestBounds_inOrderIsExact(t *testing.T) {
	for _, c := range cascadeCases {
		for _, format := range []Format{FormatJSON, FormatText} {
			events := byTime(parseLines(c.lines, format))
			last := events[len(events)-1].Time
			for _, now := range []time.Time{t0.Add(time.Duration(c.now) * time.Second), last} {
				if now.Before(last) {
					now = last
				}
				for _, w := range testWindows {
					want := foldAll(events, w, nil).Health(now)
					for _, limit := range []int{2, 5, 64} {
						a := foldAll(events, w, &Bounds{limit: limit})
						got := a.Health(now)
						if exact, retry := a.Exact(); !exact {
							t.Errorf("%s %s window %s limit %d: not exact (retry %+v)", c.name, format, w, limit, retry)
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s %s window %s limit %d:\n got %s %q\nwant %s %q", c.name, format, w, limit,
								got.Status, got.StatusReason, want.Status, want.StatusReason)
						}
					}
				}
			}
		}
	}
}

// Any order, and now before the latest event: the first fold may not be exact, and says so; folding again with the
// bounds it asks for is exact.
func TestBounds_outOfOrderRetries(t *testing.T) {
	retries := 0
	for _, c := range cascadeCases {
		events := parseLines(c.lines, FormatJSON)
		now := t0.Add(time.Duration(c.now) * time.Second)
		for name, order := range orders(len(events)) {
			in := make([]Event, len(events))
			for i, j := range order {
				in[i] = events[j]
			}
			for _, w := range testWindows {
				want := foldAll(in, w, nil).Health(now)
				got, retried := healthRetry(t, in, w, Bounds{limit: 3}, now)
				if retried {
					retries++
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s window %s:\n got %s %q\nwant %s %q", c.name, name, w, got.Status, got.StatusReason, want.Status, want.StatusReason)
				}
			}
		}
	}
	if retries == 0 {
		t.Error("no fold needed a retry: the test does not exercise late events")
	}
}

// Merging the accumulators of consecutive parts, however the input is cut, gives the accumulator of the whole.
func TestMerge_anySplit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for _, c := range cascadeCases {
		for _, format := range []Format{FormatJSON, FormatText} {
			events := parseLines(c.lines, format) // as written: not always in time order
			now := t0.Add(time.Duration(c.now) * time.Second)
			want := Compute(events, now)
			wantBounded, _ := healthRetry(t, events, 0, Bounds{limit: 4}, now)
			for k := range 12 {
				cuts := []int{0}
				for i := 1; i < len(events); i++ {
					if k == 0 || r.IntN(k+2) == 0 {
						cuts = append(cuts, i)
					}
				}
				cuts = append(cuts, len(events))
				whole, bounded := &Accumulator{}, &Accumulator{Bounds: &Bounds{limit: 4}}
				for i := 1; i < len(cuts); i++ {
					part := foldAll(events[cuts[i-1]:cuts[i]], 0, nil)
					whole.Merge(part)
					bounded.Merge(foldAll(events[cuts[i-1]:cuts[i]], 0, nil))
				}
				if got := whole.Health(now); !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s, %d parts: %s %q, want %s %q", c.name, format, len(cuts)-1, got.Status, got.StatusReason, want.Status, want.StatusReason)
				}
				got := bounded.Health(now)
				if exact, retry := bounded.Exact(); exact && !reflect.DeepEqual(got, wantBounded) {
					t.Errorf("%s %s, %d parts into a bounded accumulator: %s %q, want %s %q", c.name, format, len(cuts)-1,
						got.Status, got.StatusReason, wantBounded.Status, wantBounded.StatusReason)
				} else if !exact {
					// The parts came out of time order: folding them again with the bounds asked for is exact.
					again := &Accumulator{Bounds: &retry}
					for i := 1; i < len(cuts); i++ {
						again.Merge(foldAll(events[cuts[i-1]:cuts[i]], 0, nil))
					}
					if got := again.Health(now); !reflect.DeepEqual(got, want) {
						t.Errorf("%s %s, %d parts, again with %+v: %s %q, want %s %q", c.name, format, len(cuts)-1, retry,
							got.Status, got.StatusReason, want.Status, want.StatusReason)
					}
				}
			}
		}
	}
}

// A bounded accumulator merged into an empty one keeps its fold; merged after other events, it cannot place its
// folded observations and says so.
func TestMerge_foldedParts(t *testing.T) {
	events := byTime(parseLines(pskCascade, FormatJSON))
	now := events[len(events)-1].Time
	want := Compute(events, now)
	mid := len(events) / 2

	first := foldAll(events[:mid], time.Minute, &Bounds{limit: 2})
	whole := &Accumulator{Window: time.Minute, Bounds: &Bounds{limit: 2}}
	whole.Merge(first)
	for _, e := range events[mid:] {
		whole.Add(&e)
	}
	wantW := foldAll(events, time.Minute, nil).Health(now)
	if got := whole.Health(now); !reflect.DeepEqual(got, wantW) {
		t.Errorf("folded first part merged into an empty accumulator: %s %q, want %s %q", got.Status, got.StatusReason, wantW.Status, wantW.StatusReason)
	}
	if exact, _ := whole.Exact(); !exact {
		t.Error("not exact")
	}

	a := foldAll(events[:mid], 0, nil)
	a.Merge(foldAll(events[mid:], time.Minute, &Bounds{limit: 2}))
	if got := a.Health(now); !reflect.DeepEqual(got.Issues, want.Issues) || got.EventsRead != want.EventsRead {
		t.Errorf("issues %+v, want %+v", got.Issues, want.Issues)
	}
	if exact, _ := a.Exact(); exact {
		t.Error("a folded part merged after other events: exact")
	}
}

// A long in-order read keeps a bounded number of observations and still gives the exact health.
func TestBounds_memory(t *testing.T) {
	base := []line{
		tl(0, est, neg, mReqIn), tl(1, est, est, mRespOut), tl(2, est, "rekeying", mReqOut), tl(3, est, est, ""),
	}
	var events []Event
	const n = 60000
	for i := 0; len(events) < n; i++ {
		for _, l := range base {
			l.at += 8 * i
			events = append(events, ParseEventString(l.render(FormatJSON), 0))
		}
		if i%500 == 499 { // an outage and a recovery now and then
			for k, msg := range []string{mDPD, mHalfOpen, ""} {
				l := tl(8*i+4+k, dn, dn, msg)
				events = append(events, ParseEventString(l.render(FormatJSON), 0))
			}
		}
	}
	now := events[len(events)-1].Time
	a := &Accumulator{Window: 10 * time.Minute, Bounds: &Bounds{}}
	peak := 0
	for _, e := range events {
		a.Add(&e)
		peak = max(peak, cap(a.tunnel.pending))
	}
	// Ten minutes hold 300 observations here; the limit doubles at most once past that.
	if peak > 4*foldLimit {
		t.Errorf("kept up to %d observations of %d", peak, len(events))
	}
	want := foldAll(events, 10*time.Minute, nil).Health(now)
	if got := a.Health(now); !reflect.DeepEqual(got, want) {
		t.Errorf("got %s %q, want %s %q", got.Status, got.StatusReason, want.Status, want.StatusReason)
	}
	if exact, _ := a.Exact(); !exact {
		t.Error("not exact")
	}
}

// Add copies what it keeps: the event (a Parser's, reused by its next Parse) and the memory of its strings may be
// reused at once.
func TestAdd_copiesWhatItKeeps(t *testing.T) {
	buf := make([]byte, 0, 512)
	var a Accumulator
	var p Parser
	for i, l := range []line{tl(0, dn, dn, mDPD), tl(30, dn, dn, mHalfOpen), bl(31, "DOWN", mHold)} {
		buf = append(buf[:0], l.render(FormatJSON)...)
		a.Add(p.Parse(unsafe.String(unsafe.SliceData(buf), len(buf)), 0))
		for j := range buf {
			buf[j] = 'x'
		}
		_ = i
	}
	buf = append(buf[:0], "garbage that is not a log line"...)
	a.Add(p.Parse(unsafe.String(unsafe.SliceData(buf), len(buf)), 0))
	for j := range buf {
		buf[j] = 'y'
	}
	h := a.Health(at(10))
	for _, is := range h.Issues {
		want := map[string]string{"ike.dpd_timeout": mDPD, "ike.phase1_timeout": mHalfOpen, "bgp.hold_timer_expired": mHold,
			CodeUnknown: "garbage that is not a log line"}[is.Code]
		if is.Message != want {
			t.Errorf("%s: message %q, want %q", is.Code, is.Message, want)
		}
	}
	if len(h.Issues) != 4 {
		t.Errorf("issues %+v", h.Issues)
	}
}

func ExampleAccumulator_Merge() {
	msgs := []string{
		`{"event_timestamp":1762578000,"ike_phase1_state":"established","ike_phase2_state":"established","details":""}`,
		`{"event_timestamp":1762578600,"ike_phase1_state":"down","ike_phase2_state":"down","details":"AWS tunnel DPD timed out after 3 retransmits"}`,
	}
	// Two parts of an input, folded apart (in parallel, say), merged in the order of the input.
	var first, second Accumulator
	var p Parser
	first.Add(p.Parse(msgs[0], 0))
	second.Add(p.Parse(msgs[1], 0))
	first.Merge(&second)
	h := first.Health(time.Unix(1762578660, 0))
	fmt.Println(h.Status, h.EventsRead, h.Flaps)
	// Output: down 2 1
}

// The tunnel was healthy before the window, failed for half an hour, and recovered: the status reason names the
// failure and when the tunnel recovered, although its last healthy report before the failure was folded away.
func TestBounds_recoveredAfterFoldedHealth(t *testing.T) {
	lines := cat(every(0, 30, 20, tl(0, est, est, "")), every(630, 30, 60, tl(0, dn, dn, mPSK)), every(2430, 30, 64, tl(0, est, est, "")))
	events := parseLines(lines, FormatJSON)
	now := events[len(events)-1].Time
	want := foldAll(events, time.Hour, nil).Health(now)
	if want.Status != HealthHealthy || !strings.Contains(want.StatusReason, "recovered from") {
		t.Fatalf("unexpected health %s %q", want.Status, want.StatusReason)
	}
	a := foldAll(events, time.Hour, &Bounds{limit: 4})
	a.tunnel.walk(a.tunnel.latest.add(-a.seqCfg.keep)) // as the next fold would
	if !a.tunnel.fold.lastClean.time().Equal(t0.Add(570 * time.Second)) {
		t.Fatalf("the healthy start was not folded (frontier %v)", a.tunnel.frontier)
	}
	got := a.Health(now)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s %q, want %s %q", got.Status, got.StatusReason, want.Status, want.StatusReason)
	}
	if exact, _ := a.Exact(); !exact {
		t.Error("not exact")
	}
}

// Health asked as of a time before the latest event may need what was folded: Exact says so, and with which
// horizon a second fold keeps it.
func TestBounds_nowBeforeLatest(t *testing.T) {
	lines := cat(every(0, 30, 20, tl(0, est, est, "")), every(630, 30, 60, tl(0, dn, dn, mPSK)), every(2430, 30, 60, tl(0, est, est, "")),
		every(4*3600, 30, 10, tl(0, est, est, "")))
	events := parseLines(lines, FormatJSON)
	now := t0.Add(4300 * time.Second)
	want := foldAll(events, time.Hour, nil).Health(now)
	if want.Status != HealthHealthy || want.Diagnosis != nil || !slices.ContainsFunc(want.Issues, func(is Issue) bool { return is.Resolved }) {
		t.Fatalf("unexpected health %s %q", want.Status, want.StatusReason)
	}
	a := foldAll(events, time.Hour, &Bounds{limit: 4})
	a.tunnel.walk(a.tunnel.latest.add(-a.seqCfg.keep)) // as the next fold would
	a.Health(now)
	exact, retry := a.Exact()
	if exact || retry.Horizon <= time.Hour {
		t.Fatalf("exact %v, retry %+v: want a longer horizon", exact, retry)
	}
	a = foldAll(events, time.Hour, &retry)
	a.tunnel.walk(a.tunnel.latest.add(-a.seqCfg.keep))
	if got := a.Health(now); !reflect.DeepEqual(got, want) {
		t.Errorf("got %s %q, want %s %q", got.Status, got.StatusReason, want.Status, want.StatusReason)
	}
}
