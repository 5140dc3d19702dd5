package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// fleetChange makes a planned change across connections: up to concurrency connections at once, the tunnels of a
// connection one at a time (vpn.Service.SetLogging also serializes them, and waits until the connection is available
// again before returning). It records every tunnel's result in the report as it happens.
//
// Interruption: the command's context ending (Ctrl-C; main cancels it on the first SIGINT or SIGTERM) stops starting
// tunnels; the ones in flight are waited for, each up to timeout, because AWS applies a change it accepted whatever
// the caller does. A second signal stops waiting: those tunnels are reported as still being applied.
type fleetChange struct {
	svc         *vpn.Service
	interrupts  <-chan os.Signal // nil: SIGINT and SIGTERM
	want        vpn.Logging
	timeout     time.Duration
	concurrency int
	progress    *progress

	mu  sync.Mutex // guards rep's tunnels
	rep *changeReport
}

// run changes the connections and returns the outcome: done, interrupted or failed.
func (fc *fleetChange) run(ctx context.Context, conns []vpn.Connection) string {
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()
	waitCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()

	// Signals: the first stops starting tunnels (as the context ending does), the second stops waiting.
	sig := fc.interrupts
	if sig == nil {
		ch := make(chan os.Signal, 2)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(ch)
		sig = ch
	}
	done := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			select {
			case <-sig:
				if n == 1 {
					stop()
				} else {
					abort()
					fc.progress.printf("Interrupted again: no longer waiting. AWS still applies the changes it accepted.")
				}
			case <-done:
				return
			}
		}
	}()
	go func() {
		select {
		case <-stopCtx.Done():
			fc.progress.printf("Interrupted: no new tunnel will be started; waiting for those in flight " +
				"(Ctrl-C again to stop waiting).")
		case <-done:
		}
	}()

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(fc.concurrency, len(conns)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fc.connection(stopCtx, waitCtx, i, &conns[i])
			}
		}()
	}
	for i := range conns {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	interrupted := stopCtx.Err() != nil
	close(done)

	fc.rep.summarize()
	switch s := fc.rep.Summary; {
	case interrupted && s.NotStarted+s.Pending > 0:
		return outcomeInterrupted
	case s.Failed+s.Pending+s.NotStarted > 0:
		return outcomeFailed
	}
	return outcomeDone
}

// connection changes the tunnels of one connection that need it, one at a time. After a tunnel that failed or is
// still being applied, the connection's other tunnels are not started: AWS would refuse them while it is busy, and
// what went wrong deserves a look first.
func (fc *fleetChange) connection(stopCtx, waitCtx context.Context, i int, c *vpn.Connection) {
	var todo []int
	for j, t := range c.Tunnels {
		if !t.Logging.Equal(fc.want) {
			todo = append(todo, j)
		}
	}
	for k, j := range todo {
		if stopCtx.Err() != nil {
			fc.notStarted(i, todo[k:])
			return
		}
		t := c.Tunnels[j]
		f := &inFlight{label: connectionLabel(c), ip: t.OutsideIP, n: k + 1, total: len(todo), since: time.Now()}
		fc.progress.started(f)
		tctx, cancel := context.WithTimeout(waitCtx, fc.timeout)
		applied, err := fc.svc.SetLogging(tctx, c.ID, t.OutsideIP, fc.want)
		cancel()
		took := time.Since(f.since)
		var pending *vpn.PendingError
		switch {
		case errors.As(err, &pending):
			fc.set(i, j, resultPending, "", took)
			fc.progress.finished(f, false, fmt.Sprintf("AWS accepted the change; stopped waiting after %s, AWS is still applying it", elapsed(f.since)))
		case err != nil:
			fc.set(i, j, resultFailed, err.Error(), took)
			fc.progress.finished(f, false, fmt.Sprintf("FAILED after %s: %s", elapsed(f.since), err))
		case !applied.Modified:
			fc.set(i, j, resultAdopted, "", took)
			fc.progress.finished(f, true, "already as requested (changed meanwhile): not touched")
			continue
		default:
			fc.set(i, j, resultChanged, "", took)
			fc.progress.finished(f, true, fmt.Sprintf("done in %s", elapsed(f.since)))
			continue
		}
		fc.notStarted(i, todo[k+1:])
		return
	}
}

func (fc *fleetChange) set(i, j int, result, errText string, took time.Duration) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	t := &fc.rep.Connections[i].Tunnels[j]
	t.Result, t.Error = result, errText
	secs := took.Seconds()
	t.Seconds = &secs
}

func (fc *fleetChange) notStarted(i int, tunnels []int) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	for _, j := range tunnels {
		fc.rep.Connections[i].Tunnels[j].Result = resultNotStarted
	}
}
