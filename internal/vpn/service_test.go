package vpn_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

var fastPolls = vpn.Options{PollMinDelay: 20 * time.Millisecond, PollMaxDelay: 100 * time.Millisecond}

func logTo(arn string) vpn.Logging {
	return vpn.Logging{Activity: vpn.LogDestination{Enabled: true, LogGroupARN: arn}, BGP: vpn.LogDestination{Enabled: true, LogGroupARN: arn, OutputFormat: "text"}}
}

// Concurrent reads of many connections share one DescribeVpnConnections; a connection changed since is read again
// on its own.
func TestService_readsAreCoalesced(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, nil)
	var ids []string
	for range 8 {
		id, _ := acctest.CreateVPNConnection(t, srv, map[string]string{"fleet": "a"})
		ids = append(ids, id)
	}
	svc := vpn.NewService(acctest.EC2(srv), fastPolls)
	srv.ResetStats()

	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Get(context.Background(), ids[i%len(ids)]); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	list, err := svc.List(context.Background(), vpn.Filter{Tags: map[string]string{"fleet": "a"}})
	if err != nil || len(list) != len(ids) {
		t.Fatalf("List: %d connections, err %v", len(list), err)
	}
	if n := acctest.CallCount(srv, "ec2", "DescribeVpnConnections"); n != 1 {
		t.Fatalf("40 reads and a list cost %d DescribeVpnConnections, want 1", n)
	}

	svc.Invalidate(ids[3])
	for range 5 {
		if _, err := svc.Get(context.Background(), ids[3]); err != nil {
			t.Fatal(err)
		}
	}
	if n := acctest.CallCount(srv, "ec2", "DescribeVpnConnections"); n != 2 {
		t.Fatalf("after Invalidate: %d calls, want 2 (one read of the changed connection)", n)
	}
}

func TestService_listFiltersAndNotFound(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, nil)
	a, _ := acctest.CreateVPNConnection(t, srv, map[string]string{"env": "prod"})
	b, _ := acctest.CreateVPNConnection(t, srv, map[string]string{"env": "dev"})
	if _, err := acctest.EC2(srv).DeleteVpnConnection(context.Background(), &ec2.DeleteVpnConnectionInput{VpnConnectionId: aws.String(b)}); err != nil {
		t.Fatal(err)
	}
	svc := vpn.NewService(acctest.EC2(srv), fastPolls)
	ctx := context.Background()

	got, err := svc.List(ctx, vpn.Filter{})
	if err != nil || len(got) != 1 || got[0].ID != a {
		t.Errorf("default list (no deleted ones): %v, %v", ids(got), err)
	}
	got, err = svc.List(ctx, vpn.Filter{Tags: map[string]string{"env": "prod"}, States: []string{vpn.StateAvailable}})
	if err != nil || len(got) != 1 || got[0].ID != a {
		t.Errorf("tag and state filter: %v, %v", ids(got), err)
	}
	got, err = svc.List(ctx, vpn.Filter{States: []string{vpn.StateDeleting, vpn.StateDeleted}})
	if err != nil || len(got) != 1 || got[0].ID != b {
		t.Errorf("deleted ones on request: %v, %v", ids(got), err)
	}
	if _, err := svc.List(ctx, vpn.Filter{IDs: []string{"vpn-0000000000000000f"}}); !errors.Is(err, vpn.ErrNotFound) {
		t.Errorf("unknown ID: %v, want ErrNotFound", err)
	}
	if _, err := svc.Get(ctx, b); !errors.Is(err, vpn.ErrNotFound) {
		t.Errorf("Get of a deleted connection: %v, want ErrNotFound", err)
	}
	_, _, err = svc.FindTunnel(ctx, a, "192.0.2.1")
	var nf *vpn.NotFoundError
	if !errors.As(err, &nf) || nf.OutsideIP != "192.0.2.1" {
		t.Errorf("unknown tunnel: %v", err)
	}
}

func ids(cs []vpn.Connection) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// Both tunnels of a connection changed at once are serialized (AWS answers InvalidState otherwise); tunnels of
// different connections change in parallel.
func TestService_setLoggingSerializesPerConnection(t *testing.T) {
	t.Parallel()
	const delay = 600 * time.Millisecond
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.ModifyDelay = delay })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/serial")
	c1, ips1 := acctest.CreateVPNConnection(t, srv, nil)
	c2, ips2 := acctest.CreateVPNConnection(t, srv, nil)
	svc := vpn.NewService(acctest.EC2(srv), fastPolls)

	run := func(want vpn.Logging, jobs [][2]string) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tun, err := svc.SetLogging(context.Background(), j[0], j[1], want)
				if err != nil {
					t.Error(err)
					return
				}
				if !tun.Tunnel.Logging.Equal(want) || tun.Tunnel.OutsideIP != j[1] || !tun.Modified {
					t.Errorf("%s/%s reports %s (modified: %v)", j[0], j[1], tun.Tunnel.Logging, tun.Modified)
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}

	same := run(logTo(arn), [][2]string{{c1, ips1[0]}, {c1, ips1[1]}})
	if same < 2*delay {
		t.Errorf("two tunnels of one connection took %v: not serialized (each change keeps it modifying for %v)", same, delay)
	}
	parallel := run(vpn.Logging{BGP: logTo(arn).BGP}, [][2]string{{c2, ips2[0]}, {c1, ips1[0]}})
	if parallel >= 2*delay {
		t.Errorf("tunnels of two connections took %v: serialized across connections", parallel)
	}
	for _, r := range srv.Requests() {
		if r.ErrorCode != "" {
			t.Errorf("the sandbox answered %s with %s", r.Action, r.ErrorCode)
		}
	}
}

// busyOnce makes the connection busy (a change from elsewhere) just before the service's first modify, so that
// modify meets InvalidVpnConnection.InvalidState: the service must wait and retry.
type busyOnce struct {
	*ec2.Client
	other func()
	once  sync.Once
	calls atomic.Int32
}

func (b *busyOnce) ModifyVpnTunnelOptions(ctx context.Context, in *ec2.ModifyVpnTunnelOptionsInput, opts ...func(*ec2.Options)) (*ec2.ModifyVpnTunnelOptionsOutput, error) {
	b.once.Do(b.other)
	b.calls.Add(1)
	return b.Client.ModifyVpnTunnelOptions(ctx, in, opts...)
}

func TestService_setLoggingRetriesInvalidState(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/retry")
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	client := acctest.EC2(srv)
	b := &busyOnce{Client: client, other: func() {
		_, err := client.ModifyVpnTunnelOptions(context.Background(), &ec2.ModifyVpnTunnelOptionsInput{
			VpnConnectionId: aws.String(id), VpnTunnelOutsideIpAddress: aws.String(ips[1]),
			TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{LogOptions: &ec2types.VpnTunnelLogOptionsSpecification{
				CloudWatchLogOptions: &ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(false)}}},
		})
		if err != nil {
			t.Errorf("the change from elsewhere failed: %v", err)
		}
	}}
	svc := vpn.NewService(b, fastPolls)

	tun, err := svc.SetLogging(context.Background(), id, ips[0], logTo(arn))
	if err != nil {
		t.Fatal(err)
	}
	if !tun.Tunnel.Logging.Equal(logTo(arn)) {
		t.Errorf("logging = %s", tun.Tunnel.Logging)
	}
	if b.calls.Load() != 2 {
		t.Errorf("the service sent %d modifies, want 2 (refused while busy, then accepted)", b.calls.Load())
	}
	var refused bool
	for _, r := range srv.Requests() {
		refused = refused || r.ErrorCode == "InvalidVpnConnection.InvalidState"
	}
	if !refused {
		t.Error("the sandbox never answered InvalidState: the test did not exercise the retry")
	}
}

func TestService_setLoggingNotFoundAndDeadline(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.ModifyDelay = 2 * time.Second })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/nf")
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	svc := vpn.NewService(acctest.EC2(srv), fastPolls)
	ctx := context.Background()

	if _, err := svc.SetLogging(ctx, id, "192.0.2.1", logTo(arn)); !errors.Is(err, vpn.ErrNotFound) {
		t.Errorf("unknown tunnel: %v", err)
	}
	if _, err := svc.SetLogging(ctx, "vpn-0000000000000000f", ips[0], logTo(arn)); !errors.Is(err, vpn.ErrNotFound) {
		t.Errorf("unknown connection: %v", err)
	}
	if n := acctest.CallCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
		t.Errorf("%d modifies sent for tunnels that do not exist", n)
	}

	// A change in progress holds the connection; a second caller whose deadline passes gives up with a clear error.
	done := make(chan error, 1)
	go func() { _, err := svc.SetLogging(ctx, id, ips[0], logTo(arn)); done <- err }()
	time.Sleep(200 * time.Millisecond)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := svc.SetLogging(short, id, ips[1], logTo(arn)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second caller past its deadline: %v, want context.DeadlineExceeded", err)
	}
	if err := <-done; err != nil {
		t.Errorf("first caller: %v", err)
	}
	// The abandoned wait must not keep the connection locked.
	if _, err := svc.SetLogging(ctx, id, ips[1], vpn.Logging{}); err != nil {
		t.Errorf("a later caller is blocked: %v", err)
	}
}
