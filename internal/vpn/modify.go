package vpn

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

// modifyCallTimeout bounds one ModifyVpnTunnelOptions call, the SDK's retries included. The call runs to its answer
// even when the caller's context ends meanwhile: a request AWS may have accepted is never abandoned, so the caller
// always learns whether the tunnel changed (see SetLogging).
const modifyCallTimeout = 2 * time.Minute

// Applied is the outcome of SetLogging.
type Applied struct {
	// Tunnel is the tunnel as AWS reports it once the connection is available again.
	Tunnel Tunnel
	// Modified is true when a ModifyVpnTunnelOptions was accepted; false when the tunnel already logged as wanted
	// and was adopted without interrupting it.
	Modified bool
}

// PendingError is returned when AWS accepted the change but the wait until the connection was available again ended
// first (the caller's context was cancelled or timed out, or reads kept failing). The tunnel's log options are
// Want: AWS is applying them. Callers record them as the tunnel's state rather than fail, so that a later run sees
// the change (and a destroy undoes it).
type PendingError struct {
	ConnectionID, OutsideIP string
	Want                    Logging
	Err                     error
}

func (e *PendingError) Error() string {
	return fmt.Sprintf("AWS accepted the log options change of EC2 VPN connection (%s) tunnel (%s), but waiting for the connection "+
		"to be available again stopped: %v", e.ConnectionID, e.OutsideIP, e.Err)
}

func (e *PendingError) Unwrap() error { return e.Err }

// SetLogging makes a tunnel's log delivery equal to want and reports the tunnel as AWS has it afterwards.
//
// A tunnel that already logs as wanted is adopted: no ModifyVpnTunnelOptions, no interruption (only a wait if the
// connection is busy). Otherwise it sends one ModifyVpnTunnelOptions for the tunnel chosen by its outside IP
// address, carrying only log options, and waits with the shared poller until the connection is available again.
// AWS modifies one tunnel of a connection at a time, so calls for the same connection are serialized within the
// process while different connections proceed in parallel. A connection busy with a change made elsewhere
// (InvalidVpnConnection.InvalidState) is waited for, checked again (it may now log as wanted) and the call retried,
// within ctx's deadline. Throttling and server errors are retried by the SDK's retryer.
//
// Nothing AWS accepted goes unreported: once the request is sent, SetLogging waits for its answer even if ctx ends,
// and an answer that is not a clear refusal is checked against what AWS then reports. If the change was accepted
// but the wait for "available" ends early, the error is a *PendingError.
func (s *Service) SetLogging(ctx context.Context, id, outsideIP string, want Logging) (*Applied, error) {
	unlock, err := s.lockConnection(ctx, id)
	if err != nil {
		return nil, err
	}
	defer unlock()

	c, err := s.Get(ctx, id)
	for attempt := 0; ; attempt++ {
		if err != nil {
			return nil, err
		}
		t, ok := c.Tunnel(outsideIP)
		if !ok {
			return nil, &NotFoundError{ConnectionID: id, OutsideIP: outsideIP}
		}
		if t.Logging.Equal(want) {
			if c.State == StateAvailable {
				return &Applied{Tunnel: *t}, nil
			}
			// Already logging as wanted, by a change still being applied: wait for it, then look again.
			c, err = s.await(ctx, id, nil, false)
			continue
		}
		if c.State != StateAvailable {
			// Busy (a change from elsewhere, or pending): modifying now would be refused.
			c, err = s.await(ctx, id, nil, false)
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("modifying EC2 VPN connection (%s) tunnel (%s) log options: %w", id, outsideIP, err)
		}

		accepted, merr := s.modify(ctx, id, t.OutsideIP, want)
		if accepted {
			break
		}
		if !errors.Is(merr, errBusy) {
			return nil, merr
		}
		// Changed elsewhere meanwhile (console, another tool): wait for it, back off a little so that two writers
		// do not collide again, and look again.
		if c, err = s.await(ctx, id, nil, false); err == nil {
			if serr := sleep(ctx, backoff(attempt, s.opts.PollMinDelay)); serr != nil {
				return nil, fmt.Errorf("modifying EC2 VPN connection (%s) tunnel (%s) log options: connection stayed busy: %w", id, outsideIP, serr)
			}
		}
	}
	s.Invalidate(id)

	settled := func(c *Connection) bool {
		t, ok := c.Tunnel(outsideIP)
		return ok && t.Logging.Equal(want)
	}
	c, err = s.await(ctx, id, settled, true)
	var nf *NotFoundError
	switch {
	case errors.As(err, &nf):
		return nil, err
	case err != nil:
		return nil, &PendingError{ConnectionID: id, OutsideIP: outsideIP, Want: want, Err: err}
	}
	t, ok := c.Tunnel(outsideIP)
	if !ok {
		return nil, &NotFoundError{ConnectionID: id, OutsideIP: outsideIP}
	}
	if !t.Logging.Equal(want) {
		return &Applied{Tunnel: *t, Modified: true}, fmt.Errorf(
			"EC2 VPN connection (%s) tunnel (%s): AWS accepted the log options change but reports %s instead of %s",
			id, outsideIP, t.Logging, want)
	}
	return &Applied{Tunnel: *t, Modified: true}, nil
}

// errBusy: AWS refused the change because the connection is not available (a change in progress).
var errBusy = errors.New("connection busy")

// modify sends one ModifyVpnTunnelOptions and reports whether AWS accepted it. The call is not tied to ctx's
// cancellation (only bounded by modifyCallTimeout): once sent, its answer is awaited. An answer that is neither
// success nor a refusal this package understands (after the SDK's retries: a server error, a timeout, a broken
// connection) leaves it unknown whether AWS applied the change, so the tunnel is read again to find out.
func (s *Service) modify(ctx context.Context, id, outsideIP string, want Logging) (bool, error) {
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), modifyCallTimeout)
	defer cancel()
	_, err := s.ec2.ModifyVpnTunnelOptions(callCtx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId:           aws.String(id),
		VpnTunnelOutsideIpAddress: aws.String(outsideIP),
		TunnelOptions:             want.toSDK(),
	}, withCappedBackoff(maxModifyRetryBackoff))
	switch {
	case err == nil:
		return true, nil
	case awserr.IsA(err, errCodeConnectionNotFound, errCodeConnectionID):
		return false, &NotFoundError{ConnectionID: id}
	case awserr.IsA(err, errCodeInvalidState, errCodeIncorrectState):
		return false, errBusy
	}
	wrapped := fmt.Errorf("modifying EC2 VPN connection (%s) tunnel (%s) log options: %w", id, outsideIP, err)
	if awserr.Code(err) != "" && !awserr.IsA(err, serverErrorCodes...) {
		return false, wrapped // a refusal: AWS changed nothing
	}
	s.Invalidate(id)
	c, rerr := s.describeOne(callCtx, id)
	if rerr != nil {
		return false, fmt.Errorf("%w (and reading the tunnel afterwards to learn whether AWS applied it failed: %v)", wrapped, rerr)
	}
	if t, ok := c.Tunnel(outsideIP); ok && t.Logging.Equal(want) {
		return true, nil
	}
	return false, wrapped
}

// serverErrorCodes are EC2's answers that do not say whether the request was carried out (server errors and
// throttling, the last of possibly several attempts).
var serverErrorCodes = []string{"InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "RequestLimitExceeded"}

// String describes a logging configuration for messages.
func (l Logging) String() string {
	return fmt.Sprintf("tunnel log %s, BGP log %s", l.Activity, l.BGP)
}

func (d LogDestination) String() string {
	if !d.Enabled {
		return "disabled"
	}
	return fmt.Sprintf("to %s (%s)", d.LogGroupARN, formatOrDefault(&d.OutputFormat))
}

// lockConnection serializes modifications of one connection within the process. It gives up when ctx ends.
func (s *Service) lockConnection(ctx context.Context, id string) (func(), error) {
	s.locksMu.Lock()
	m, ok := s.locks[id]
	if !ok {
		m = &sync.Mutex{}
		s.locks[id] = m
	}
	s.locksMu.Unlock()

	acquired := make(chan struct{})
	go func() {
		m.Lock()
		close(acquired)
	}()
	select {
	case <-acquired:
		return m.Unlock, nil
	case <-ctx.Done():
		// Release the lock as soon as the goroutine gets it, so later callers are not blocked forever.
		go func() { <-acquired; m.Unlock() }()
		return nil, fmt.Errorf("waiting for another change to EC2 VPN connection (%s) to finish: %w", id, ctx.Err())
	}
}

func backoff(attempt int, base time.Duration) time.Duration {
	d := base << min(attempt, 4)
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter, not security
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
