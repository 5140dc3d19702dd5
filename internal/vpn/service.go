package vpn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"golang.org/x/sync/singleflight"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

// EC2 is the part of the EC2 client this package uses.
type EC2 interface {
	ec2.DescribeVpnConnectionsAPIClient
	ModifyVpnTunnelOptions(ctx context.Context, in *ec2.ModifyVpnTunnelOptionsInput, optFns ...func(*ec2.Options)) (*ec2.ModifyVpnTunnelOptionsOutput, error)
}

// Error codes EC2 returns that this package acts on.
const (
	errCodeConnectionNotFound = "InvalidVpnConnectionID.NotFound"
	errCodeConnectionID       = "InvalidVpnConnectionID"
	errCodeInvalidState       = "InvalidVpnConnection.InvalidState"
	errCodeIncorrectState     = "IncorrectState"
)

// Options tune the service; zero values take the defaults.
type Options struct {
	// SnapshotTTL is how long one DescribeVpnConnections snapshot serves reads. Default 60s: long enough for one
	// Terraform refresh walk, short enough that a second run sees changes made meanwhile.
	SnapshotTTL time.Duration
	// PollMinDelay and PollMaxDelay bound the interval of the shared poller's ticks (see poll.go), which is a tenth
	// of the learned time AWS takes to apply a change. Defaults 250ms and 15s: one call per tick for the whole
	// process stays far inside EC2's DescribeVpnConnections rate bucket (20/s) even at the minimum, which only
	// modifications much faster than AWS's minutes reach.
	PollMinDelay, PollMaxDelay time.Duration
	// OnPollTick, when set, is called after each tick of the shared poller (the provider logs it).
	OnPollTick func(context.Context, PollTick)
	// Now is the clock (tests).
	Now func() time.Time
}

// Service reads VPN connections and changes tunnel log options. One Service per provider process or CLI run:
// its snapshot and its per-connection locks are what make reads shared and modifications serialized.
type Service struct {
	ec2  EC2
	opts Options

	mu         sync.Mutex
	snapshot   map[string]Connection // by connection ID, includes terminal states; replaced, never mutated
	snapshotAt time.Time
	stale      map[string]bool // connections modified since the snapshot: read them individually
	flight     singleflight.Group

	locksMu sync.Mutex
	locks   map[string]*sync.Mutex

	poll *poller
}

// NewService returns a Service over the given EC2 client.
func NewService(client EC2, opts Options) *Service {
	if opts.SnapshotTTL == 0 {
		opts.SnapshotTTL = 60 * time.Second
	}
	if opts.PollMinDelay == 0 {
		opts.PollMinDelay = 250 * time.Millisecond
	}
	if opts.PollMaxDelay == 0 {
		opts.PollMaxDelay = 15 * time.Second
	}
	opts.PollMaxDelay = max(opts.PollMaxDelay, opts.PollMinDelay)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{ec2: client, opts: opts, stale: map[string]bool{}, locks: map[string]*sync.Mutex{}}
	s.poll = newPoller(s)
	return s
}

// Get returns one connection. A connection that does not exist or is deleting/deleted gives a *NotFoundError.
//
// Reads are coalesced: the first Get in a TTL window loads every connection with one DescribeVpnConnections call
// (AWS does not paginate it), and concurrent callers share that call. A connection missing from the snapshot or
// modified since is read on its own, so one that was just created or changed is never reported from stale data.
func (s *Service) Get(ctx context.Context, id string) (*Connection, error) {
	snap, err := s.loadSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	c, ok := snap[id]
	stale := s.stale[id]
	s.mu.Unlock()
	if !ok || stale {
		got, err := s.refresh(ctx, id)
		if err != nil {
			return nil, err
		}
		c = *got
	}
	if c.Terminal() {
		return nil, &NotFoundError{ConnectionID: id, State: c.State}
	}
	return &c, nil
}

// FindTunnel returns a connection and its tunnel with the given outside IP address.
func (s *Service) FindTunnel(ctx context.Context, id, outsideIP string) (*Connection, *Tunnel, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	t, ok := c.Tunnel(outsideIP)
	if !ok {
		return c, nil, &NotFoundError{ConnectionID: id, OutsideIP: outsideIP}
	}
	return c, t, nil
}

// Filter selects connections for List. Empty fields match everything.
type Filter struct {
	IDs    []string
	Tags   map[string]string
	States []string
}

// List returns the connections matching f, sorted by ID, from the shared snapshot. Without a state filter,
// connections being deleted or deleted (which AWS keeps listing for a while) are left out: their tunnels can no
// longer deliver logs. Unknown IDs give a *NotFoundError, as DescribeVpnConnections does.
func (s *Service) List(ctx context.Context, f Filter) ([]Connection, error) {
	snap, err := s.loadSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	var out []Connection
	if len(f.IDs) > 0 {
		for _, id := range f.IDs {
			c, ok := snap[id]
			if !ok || s.isStale(id) {
				got, err := s.refresh(ctx, id)
				if err != nil {
					return nil, err
				}
				c = *got
			}
			out = append(out, c)
		}
	} else {
		for id, c := range snap {
			if s.isStale(id) {
				got, err := s.refresh(ctx, id)
				if errors.Is(err, ErrNotFound) {
					continue
				} else if err != nil {
					return nil, err
				}
				c = *got
			}
			out = append(out, c)
		}
	}
	filtered := out[:0]
	for _, c := range out {
		if f.matches(c) {
			filtered = append(filtered, c)
		}
	}
	sort.Slice(filtered, func(i, j int) bool { return filtered[i].ID < filtered[j].ID })
	return filtered, nil
}

// DeliveredLogGroups returns the log groups the region's VPN tunnels deliver logs to now (tunnel and BGP logs of
// connections not being deleted), by ARN, from the shared snapshot; ARNs that do not parse are left out. This is
// where logdelivery's ModelAuto looks for evidence of the resource-policy model (logdelivery.DeliveringReader).
func (s *Service) DeliveredLogGroups(ctx context.Context) ([]logdelivery.LogGroupARN, error) {
	conns, err := s.List(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []logdelivery.LogGroupARN
	for _, c := range conns {
		for _, t := range c.Tunnels {
			for _, d := range t.Logging.StartedDeliveries(Logging{}) {
				a, err := logdelivery.ParseLogGroupARN(d.LogGroupARN)
				if err != nil || seen[a.String()] {
					continue
				}
				seen[a.String()] = true
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

func (f Filter) matches(c Connection) bool {
	if len(f.States) == 0 {
		if c.Terminal() {
			return false
		}
	} else if !slices.Contains(f.States, c.State) {
		return false
	}
	for k, v := range f.Tags {
		if got, ok := c.Tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func (s *Service) isStale(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stale[id]
}

// Invalidate makes the next read of a connection go to AWS (after a change made through this process).
func (s *Service) Invalidate(id string) {
	s.mu.Lock()
	s.stale[id] = true
	s.mu.Unlock()
}

func (s *Service) loadSnapshot(ctx context.Context) (map[string]Connection, error) {
	s.mu.Lock()
	if s.snapshot != nil && s.opts.Now().Sub(s.snapshotAt) < s.opts.SnapshotTTL {
		snap := s.snapshot
		s.mu.Unlock()
		return snap, nil
	}
	s.mu.Unlock()

	v, err, _ := s.flight.Do("all", func() (any, error) {
		out, err := s.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
		if err != nil {
			return nil, fmt.Errorf("describing EC2 VPN connections: %w", err)
		}
		snap := make(map[string]Connection, len(out.VpnConnections))
		for i := range out.VpnConnections {
			c := fromSDK(&out.VpnConnections[i])
			snap[c.ID] = c
		}
		s.mu.Lock()
		s.snapshot, s.snapshotAt, s.stale = snap, s.opts.Now(), map[string]bool{}
		s.mu.Unlock()
		return snap, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]Connection), nil //nolint:forcetypeassert // the flight function returns only this type
}

// refresh reads one connection again: from the shared poller's next tick when it is asking for that connection
// anyway (it is being changed), else with describeOne.
func (s *Service) refresh(ctx context.Context, id string) (*Connection, error) {
	if c, ok, err := s.joinNextTick(ctx, id); ok {
		return c, err
	}
	return s.describeOne(ctx, id)
}

// describeOne reads one connection by ID, coalescing concurrent reads of the same ID, and refreshes it in the
// snapshot.
func (s *Service) describeOne(ctx context.Context, id string) (*Connection, error) {
	v, err, _ := s.flight.Do("id:"+id, func() (any, error) {
		c, err := describeByID(ctx, s.ec2, id)
		if err != nil {
			return nil, err
		}
		s.store(map[string]Connection{id: *c})
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	c := *v.(*Connection) //nolint:forcetypeassert // the flight function returns only this type
	return &c, nil
}

// store puts connections just read into the snapshot (when there is one) and marks them fresh.
func (s *Service) store(conns map[string]Connection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snapshot != nil {
		// Copy on write: callers may be iterating the previous snapshot without the lock.
		next := make(map[string]Connection, len(s.snapshot)+len(conns))
		for k, v := range s.snapshot {
			next[k] = v
		}
		for k, v := range conns {
			next[k] = v
		}
		s.snapshot = next
	}
	for k := range conns {
		delete(s.stale, k)
	}
}

// describeByID calls DescribeVpnConnections for one ID and turns AWS's not-found answers into *NotFoundError.
func describeByID(ctx context.Context, client EC2, id string) (*Connection, error) {
	out, err := client.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}})
	if awserr.IsA(err, errCodeConnectionNotFound, errCodeConnectionID) {
		return nil, &NotFoundError{ConnectionID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("describing EC2 VPN connection (%s): %w", id, err)
	}
	for i := range out.VpnConnections {
		// Eventual consistency check, as terraform-provider-aws does: trust only the ID that was asked for.
		if aws.ToString(out.VpnConnections[i].VpnConnectionId) == id {
			c := fromSDK(&out.VpnConnections[i])
			return &c, nil
		}
	}
	return nil, &NotFoundError{ConnectionID: id}
}
