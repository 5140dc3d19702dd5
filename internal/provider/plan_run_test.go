package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// verdicts records the verdicts of a planRun.
type verdicts struct {
	mu  sync.Mutex
	got []planVerdict
}

func (v *verdicts) record(_ context.Context, pv planVerdict, diags *diag.Diagnostics) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.got = append(v.got, pv)
	diags.AddWarning("verdict", fmt.Sprint(len(pv.calls)))
}

func keys(v planVerdict) []string {
	var out []string
	for _, c := range v.calls {
		out = append(out, c.key)
	}
	return out
}

// Calls that arrive in any order, a few at a time as Terraform's -parallelism lets them: one verdict, carried by the
// smallest key, covering every call; the others return at once.
func TestPlanRun_oneVerdictWhateverTheOrder(t *testing.T) {
	t.Parallel()
	for seed := range 5 {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			var v verdicts
			r := newPlanRun(50*time.Millisecond, 5*time.Second, v.record)
			order := rand.New(rand.NewPCG(uint64(seed), 1)).Perm(12)
			slots := make(chan struct{}, 3) // -parallelism=3
			results := make([]diag.Diagnostics, 12)
			var wg sync.WaitGroup
			for _, i := range order {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { <-slots }()
					c := r.begin()
					time.Sleep(time.Duration(i%3) * time.Millisecond) // some planning work
					c.key, c.changes = fmt.Sprintf("k%02d", i), true
					c.finish(context.Background(), &results[i])
				}()
			}
			wg.Wait()
			if len(v.got) != 1 {
				t.Fatalf("%d verdicts, want 1", len(v.got))
			}
			if n := len(v.got[0].calls); n != 12 || v.got[0].incomplete {
				t.Errorf("the verdict covers %d calls (incomplete %v), want all 12: %v", n, v.got[0].incomplete, keys(v.got[0]))
			}
			for i, ds := range results {
				if (i == 0) != (len(ds) == 1) {
					t.Errorf("call k%02d got %v; only k00 carries the verdict", i, ds)
				}
			}
		})
	}
}

// A failed call never carries the verdict and marks the run failed; a call with nothing to say returns at once.
func TestPlanRun_failedAndQuietCalls(t *testing.T) {
	t.Parallel()
	var v verdicts
	r := newPlanRun(20*time.Millisecond, time.Second, v.record)
	var failed diag.Diagnostics
	failed.AddError("x", "y")
	c := r.begin()
	c.key, c.changes = "a", true
	c.finish(context.Background(), &failed)
	quiet := r.begin()
	var none diag.Diagnostics
	quiet.finish(context.Background(), &none)
	ok := r.begin()
	ok.key, ok.changes = "b", true
	var got diag.Diagnostics
	ok.finish(context.Background(), &got)
	if len(v.got) != 1 || !v.got[0].failed || len(v.got[0].calls) != 1 || v.got[0].calls[0].key != "b" {
		t.Fatalf("verdicts %+v", v.got)
	}
	if len(none) != 0 || len(failed) != 1 {
		t.Errorf("quiet %v, failed %v", none, failed)
	}
}

// A call in flight longer than the maximum wait: the verdict is given without it, marked incomplete; the late call
// starts a second round.
func TestPlanRun_maxWaitIsIncomplete(t *testing.T) {
	t.Parallel()
	var v verdicts
	r := newPlanRun(20*time.Millisecond, 150*time.Millisecond, v.record)
	slow := r.begin()
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(400 * time.Millisecond)
		slow.key, slow.changes = "a-slow", true
		var d diag.Diagnostics
		slow.finish(context.Background(), &d)
	}()
	c := r.begin()
	c.key, c.changes = "b", true
	start := time.Now()
	var d diag.Diagnostics
	c.finish(context.Background(), &d)
	if took := time.Since(start); took < 150*time.Millisecond || took > 350*time.Millisecond {
		t.Errorf("the carrier waited %s, want about the maximum wait", took)
	}
	<-done
	if len(v.got) != 2 || !v.got[0].incomplete || v.got[1].incomplete || keys(v.got[1])[0] != "a-slow" {
		t.Fatalf("verdicts %+v", v.got)
	}
}

// Once a Create, Update or Delete has started (the apply walk), the carrier stops waiting and the verdict says so.
func TestPlanRun_applying(t *testing.T) {
	t.Parallel()
	var v verdicts
	r := newPlanRun(time.Hour, time.Hour, v.record)
	other := r.begin() // in flight: the carrier would wait for it
	go func() {
		time.Sleep(50 * time.Millisecond)
		r.applyStarted()
	}()
	c := r.begin()
	c.key, c.changes = "a", true
	var d diag.Diagnostics
	c.finish(context.Background(), &d)
	other.end()
	if len(v.got) != 1 || !v.got[0].applying {
		t.Fatalf("verdicts %+v", v.got)
	}
}
