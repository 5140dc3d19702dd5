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
)

// defaultWait bounds waits when the caller's context has no deadline (AWS's own modify timeout in the AWS
// provider is 30 minutes).
const defaultWait = 30 * time.Minute

// SetLogging makes a tunnel's log delivery equal to want and returns the tunnel as AWS reports it afterwards.
//
// It sends one ModifyVpnTunnelOptions for the tunnel chosen by its outside IP address, carrying only log options,
// then waits until the connection is available again. AWS modifies one tunnel of a connection at a time, so
// calls for the same connection are serialized within the process while different connections proceed in
// parallel. A connection busy with a change made elsewhere (InvalidVpnConnection.InvalidState) is waited for and
// the call retried, within ctx's deadline. Throttling is retried by the SDK's retryer.
func (s *Service) SetLogging(ctx context.Context, id, outsideIP string, want Logging) (*Tunnel, error) {
	unlock, err := s.lockConnection(ctx, id)
	if err != nil {
		return nil, err
	}
	defer unlock()

	// Let any change in progress finish first, and make sure the tunnel exists before asking AWS to change it.
	c, err := s.waitAvailable(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, ok := c.Tunnel(outsideIP); !ok {
		return nil, &NotFoundError{ConnectionID: id, OutsideIP: outsideIP}
	}

	in := &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId:           aws.String(id),
		VpnTunnelOutsideIpAddress: aws.String(outsideIP),
		TunnelOptions:             want.toSDK(),
	}
	for attempt := 0; ; attempt++ {
		_, err := s.ec2.ModifyVpnTunnelOptions(ctx, in)
		if err == nil {
			break
		}
		if errorCodeIs(err, errCodeConnectionNotFound, errCodeConnectionID) {
			return nil, &NotFoundError{ConnectionID: id}
		}
		if !errorCodeIs(err, errCodeInvalidState, errCodeIncorrectState) {
			return nil, fmt.Errorf("modifying EC2 VPN connection (%s) tunnel (%s) log options: %w", id, outsideIP, err)
		}
		// Changed elsewhere meanwhile (console, another tool): wait for it, back off a little so that two
		// writers do not collide again, and retry.
		if _, err := s.waitAvailable(ctx, id); err != nil {
			return nil, err
		}
		if err := sleep(ctx, backoff(attempt, s.opts.PollMinDelay)); err != nil {
			return nil, fmt.Errorf("modifying EC2 VPN connection (%s) tunnel (%s) log options: connection stayed busy: %w", id, outsideIP, err)
		}
	}
	s.Invalidate(id)

	c, err = s.waitAvailable(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("waiting for EC2 VPN connection (%s) tunnel (%s) log options update: %w", id, outsideIP, err)
	}
	t, ok := c.Tunnel(outsideIP)
	if !ok {
		return nil, &NotFoundError{ConnectionID: id, OutsideIP: outsideIP}
	}
	if !t.Logging.Equal(want) {
		return t, fmt.Errorf("EC2 VPN connection (%s) tunnel (%s): AWS accepted the log options change but reports %s instead of %s",
			id, outsideIP, t.Logging, want)
	}
	return t, nil
}

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

// waitAvailable polls with the SDK's VpnConnectionAvailable waiter until the connection is available, and
// returns it. Deleting or deleted connections give a *NotFoundError.
func (s *Service) waitAvailable(ctx context.Context, id string) (*Connection, error) {
	maxWait := defaultWait
	if dl, ok := ctx.Deadline(); ok {
		maxWait = time.Until(dl)
	}
	if maxWait <= 0 {
		return nil, context.DeadlineExceeded
	}
	var notFound bool
	w := ec2.NewVpnConnectionAvailableWaiter(s.ec2, func(o *ec2.VpnConnectionAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = s.opts.PollMinDelay, s.opts.PollMaxDelay
		next := o.Retryable
		o.Retryable = func(ctx context.Context, in *ec2.DescribeVpnConnectionsInput, out *ec2.DescribeVpnConnectionsOutput, err error) (bool, error) {
			if errorCodeIs(err, errCodeConnectionNotFound, errCodeConnectionID) {
				notFound = true
				return false, err
			}
			if err == nil && len(out.VpnConnections) == 0 {
				notFound = true
				return false, errors.New("no VPN connection returned")
			}
			if err == nil {
				if st := string(out.VpnConnections[0].State); st == StateDeleting || st == StateDeleted {
					notFound = true
				}
			}
			return next(ctx, in, out, err)
		}
	})
	out, err := w.WaitForOutput(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}}, maxWait)
	if notFound {
		return nil, &NotFoundError{ConnectionID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("waiting for EC2 VPN connection (%s) to become available: %w", id, err)
	}
	c := fromSDK(&out.VpnConnections[0])
	return &c, nil
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
