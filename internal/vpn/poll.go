package vpn

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Polling shares one DescribeVpnConnections per tick among everyone in the process who waits for a connection to be
// available again, whatever the number of connections: a fleet apply of 100 tunnels on 50 connections costs one
// call per tick, not one per waiting tunnel.
//
// Cadence. AWS applies a tunnel change in "several minutes" (docs/design/aws-behaviour.md §1.3) and the time varies,
// so the poller learns it: every modification it sees through to "available" updates an estimate of how long one
// takes, and the tick interval is a tenth of the estimate, so a waiting tunnel overstays by about 5% on average.
// Until a first modification has been seen, the interval grows with each waiter's own wait (a fifth of it), as the
// SDK's waiters back off. PollMinDelay and PollMaxDelay bound the interval: with batching the call rate is one per
// tick, far below EC2's DescribeVpnConnections bucket (20 per second) even at the minimum.

const (
	// filterValueLimit is how many values EC2 accepts in one filter. Connections beyond it (the default quota is 50
	// per Region) are asked for in further calls of the same tick.
	filterValueLimit = 200
	// pollCallTimeout bounds one tick's call, retries included; the poller runs for whoever waits, not for one
	// caller, so no caller's context bounds it.
	pollCallTimeout = 2 * time.Minute
	// pollFailureLimit is how many ticks in a row may fail (after the SDK's retries) before waiters get the error.
	pollFailureLimit = 3
	// mismatchLimit is how many ticks a connection may report "available" without the change just made before the
	// waiter is given what AWS reports (AWS may show the previous options for a moment after accepting a change).
	mismatchLimit = 3
)

// PollTick describes one tick of the shared poller, for logs (Options.OnPollTick).
type PollTick struct {
	// N counts the ticks of the Service, from 1.
	N int
	// Connections are the connections asked for, in one DescribeVpnConnections (one per 200 connections).
	Connections []string
	// Waiters is how many callers were waiting on them.
	Waiters int
	// Calls is the number of DescribeVpnConnections calls the tick made.
	Calls int
	// Interval is the tick interval the poller aimed at; Estimate its estimate of a modification's duration
	// (0 while none has been seen).
	Interval, Estimate time.Duration
	Err                error
}

// waiter is one caller waiting for a connection to be available.
type waiter struct {
	id     string
	since  time.Time // when the wait started
	polled time.Time // last tick that asked for the connection
	// settled, when set, must also hold of the available connection (the change just made is visible); after
	// mismatchLimit ticks the waiter gets the connection anyway.
	settled  func(*Connection) bool
	mismatch int
	// observe: the wait follows a modification made by this Service; its duration teaches the estimate.
	observe bool
	// anyState: deliver the connection from the next tick whatever its state (a read joining the ticks).
	anyState bool
	result   chan waitResult // buffered: delivery never blocks
}

type waitResult struct {
	conn *Connection
	err  error
}

type poller struct {
	s *Service

	mu       sync.Mutex
	waiters  map[*waiter]bool
	running  bool
	wake     chan struct{}
	lastTick time.Time
	estimate time.Duration
	failures int
	ticks    int
}

func newPoller(s *Service) *poller {
	return &poller{s: s, waiters: map[*waiter]bool{}, wake: make(chan struct{}, 1)}
}

// await waits until connection id is available (and settled holds, if given) and returns it. Deleting or deleted
// connections give a *NotFoundError. observe marks a wait that follows a modification made by this Service.
func (s *Service) await(ctx context.Context, id string, settled func(*Connection) bool, observe bool) (*Connection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.opts.Now()
	w := &waiter{id: id, since: now, polled: now, settled: settled, observe: observe, result: make(chan waitResult, 1)}
	p := s.poll
	p.mu.Lock()
	p.waiters[w] = true
	if !p.running {
		p.running = true
		// The loop outlives this caller: keep the context's values (loggers), not its cancellation.
		go p.run(context.WithoutCancel(ctx))
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}

	select {
	case r := <-w.result:
		return r.conn, r.err
	case <-ctx.Done():
		p.mu.Lock()
		delete(p.waiters, w)
		p.mu.Unlock()
		select {
		case r := <-w.result: // delivered meanwhile
			return r.conn, r.err
		default:
		}
		return nil, ctx.Err()
	}
}

// joinNextTick reads connection id from the next tick when the poller is already asking for it (someone waits on
// it), so that a read of a connection being changed costs no call of its own. ok is false when nobody waits on it.
func (s *Service) joinNextTick(ctx context.Context, id string) (c *Connection, ok bool, err error) {
	p := s.poll
	now := s.opts.Now()
	w := &waiter{id: id, since: now, polled: now, anyState: true, result: make(chan waitResult, 1)}
	p.mu.Lock()
	for o := range p.waiters {
		if o.id == id && !o.anyState {
			ok = true
			// Due with the waiters already there: do not make the tick earlier.
			w.since, w.polled = o.since, o.polled
			break
		}
	}
	if ok {
		p.waiters[w] = true
	}
	p.mu.Unlock()
	if !ok {
		return nil, false, nil
	}
	select {
	case r := <-w.result:
		return r.conn, true, r.err
	case <-ctx.Done():
		p.mu.Lock()
		delete(p.waiters, w)
		p.mu.Unlock()
		return nil, true, ctx.Err()
	}
}

// run ticks while anyone waits.
func (p *poller) run(ctx context.Context) {
	for {
		p.mu.Lock()
		if len(p.waiters) == 0 {
			p.running = false
			p.mu.Unlock()
			return
		}
		due, _ := p.dueLocked(p.s.opts.Now())
		p.mu.Unlock()
		if d := time.Until(due); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-p.wake: // a new waiter may be due sooner
				t.Stop()
				continue
			}
		}
		p.tick(ctx)
	}
}

// dueLocked is when the next tick should happen, and the interval it aims at: each waiter is due one interval
// after it was last asked for, and ticks are at least PollMinDelay apart.
func (p *poller) dueLocked(now time.Time) (time.Time, time.Duration) {
	o := p.s.opts
	var due time.Time
	aim := o.PollMaxDelay
	for w := range p.waiters {
		iv := p.estimate / 10
		if p.estimate == 0 {
			iv = now.Sub(w.since) / 5
		}
		iv = min(max(iv, o.PollMinDelay), o.PollMaxDelay)
		aim = min(aim, iv)
		if at := w.polled.Add(iv); due.IsZero() || at.Before(due) {
			due = at
		}
	}
	if earliest := p.lastTick.Add(o.PollMinDelay); due.Before(earliest) {
		due = earliest
	}
	return due, aim
}

// tick asks for every connection someone waits on and hands each waiter its answer.
func (p *poller) tick(ctx context.Context) {
	now := p.s.opts.Now()
	p.mu.Lock()
	_, aim := p.dueLocked(now)
	p.lastTick = now
	p.ticks++
	batch := make([]*waiter, 0, len(p.waiters))
	var ids []string
	for w := range p.waiters {
		batch = append(batch, w)
		if !slices.Contains(ids, w.id) {
			ids = append(ids, w.id)
		}
	}
	n, estimate := p.ticks, p.estimate
	p.mu.Unlock()
	slices.Sort(ids)

	callCtx, cancel := context.WithTimeout(ctx, pollCallTimeout)
	conns, calls, err := p.s.describeBatch(callCtx, ids)
	cancel()
	if hook := p.s.opts.OnPollTick; hook != nil {
		hook(ctx, PollTick{N: n, Connections: ids, Waiters: len(batch), Calls: calls, Interval: aim, Estimate: estimate, Err: err})
	}
	if err == nil {
		p.s.store(conns)
	}

	done := p.s.opts.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.failures++
		if p.failures < pollFailureLimit {
			return
		}
		for _, w := range batch {
			p.deliverLocked(w, nil, fmt.Errorf("waiting for EC2 VPN connection (%s) to become available: %w", w.id, err))
		}
		return
	}
	p.failures = 0
	for _, w := range batch {
		if !p.waiters[w] {
			continue // gave up meanwhile
		}
		w.polled = now
		c, ok := conns[w.id]
		switch {
		case ok && w.anyState:
			p.deliverLocked(w, &c, nil)
		case !ok:
			p.deliverLocked(w, nil, &NotFoundError{ConnectionID: w.id})
		case c.Terminal():
			p.deliverLocked(w, nil, &NotFoundError{ConnectionID: w.id, State: c.State})
		case c.State != StateAvailable:
		case w.settled != nil && !w.settled(&c) && w.mismatch+1 < mismatchLimit:
			w.mismatch++
		default:
			if w.observe && (w.settled == nil || w.settled(&c)) {
				p.learnLocked(done.Sub(w.since))
			}
			p.deliverLocked(w, &c, nil)
		}
	}
}

func (p *poller) deliverLocked(w *waiter, c *Connection, err error) {
	delete(p.waiters, w)
	w.result <- waitResult{conn: c, err: err}
}

// learnLocked folds one observed modification time into the estimate (an exponentially weighted mean: recent
// modifications count most, one outlier does not swing the cadence).
func (p *poller) learnLocked(d time.Duration) {
	if p.estimate == 0 {
		p.estimate = d
		return
	}
	p.estimate = (3*p.estimate + d) / 4
}

// describeBatch reads the connections with the given IDs: one DescribeVpnConnections per filterValueLimit IDs,
// filtered by vpn-connection-id rather than listing VpnConnectionIds, so that one deleted connection does not fail
// the call for all (it is simply absent from the answer). It returns the connections by ID and the calls made.
func (s *Service) describeBatch(ctx context.Context, ids []string) (map[string]Connection, int, error) {
	out := make(map[string]Connection, len(ids))
	calls := 0
	for chunk := range slices.Chunk(ids, filterValueLimit) {
		calls++
		resp, err := s.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{
			Filters: []types.Filter{{Name: aws.String("vpn-connection-id"), Values: chunk}},
		}, withCappedBackoff(s.opts.PollMinDelay))
		if err != nil {
			return nil, calls, fmt.Errorf("describing EC2 VPN connections: %w", err)
		}
		for i := range resp.VpnConnections {
			c := fromSDK(&resp.VpnConnections[i])
			if slices.Contains(chunk, c.ID) {
				out[c.ID] = c
			}
		}
	}
	return out, calls, nil
}

// Calls a fleet apply waits on (each tick's describe, each modify) cap the SDK retryer's wait between attempts. The
// standard retryer backs off exponentially up to 20 seconds, right for a lone call but not on a tick, which holds up
// every waiting tunnel: under throttling, a few failures in a row would delay the whole fleet by seconds each time.
// Capped, retries keep the SDK's jitter and its retry quota (the client-wide circuit breaker) and wait at most about
// a poll interval (a tick) or a second (a modify, whose rate bucket refills at 5 per second).
const maxModifyRetryBackoff = time.Second

// cappedRetryer is the client's retryer with its backoff capped.
type cappedRetryer struct {
	aws.RetryerV2
	max time.Duration
}

func (r cappedRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	d, derr := r.RetryerV2.RetryDelay(attempt, err)
	return min(d, r.max), derr
}

// withCappedBackoff is a per-call option capping the client's retryer's backoff at limit.
func withCappedBackoff(limit time.Duration) func(*ec2.Options) {
	return func(o *ec2.Options) {
		if r, ok := o.Retryer.(aws.RetryerV2); ok {
			o.Retryer = cappedRetryer{RetryerV2: r, max: limit}
		} else if o.Retryer != nil {
			o.Retryer = retry.AddWithMaxBackoffDelay(o.Retryer, limit)
		}
	}
}
