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
	"github.com/aws/smithy-go"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

func modifies(srv *sandbox.Server) int {
	return acctest.CallCount(srv, "ec2", "ModifyVpnTunnelOptions")
}

// deliverOutOfBand makes a tunnel log as logTo(arn) says, as a console user would (no request counted).
func deliverOutOfBand(t *testing.T, srv *sandbox.Server, id, ip, arn string) {
	t.Helper()
	if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{
		LogEnabled: true, LogGroupARN: arn, BGPLogEnabled: true, BGPLogGroupARN: arn, BGPLogOutputFormat: "text",
	}); err != nil {
		t.Fatal(err)
	}
}

// apiLogging is what DescribeVpnConnections reports for one tunnel, read straight from the sandbox.
func apiLogging(t *testing.T, srv *sandbox.Server, id, ip string) vpn.Logging {
	t.Helper()
	svc := vpn.NewService(acctest.EC2(srv), fastPolls)
	_, tun, err := svc.FindTunnel(context.Background(), id, ip)
	if err != nil {
		t.Fatal(err)
	}
	return tun.Logging
}

// A tunnel that already logs as wanted is adopted: no ModifyVpnTunnelOptions, no interruption. When the connection
// is busy applying that very configuration, the call waits for it and still sends nothing.
func TestService_setLoggingAdoptsWithoutModifying(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.ModifyDelay = 400 * time.Millisecond })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/adopt")
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	deliverOutOfBand(t, srv, id, ips[0], arn+":*") // AWS echoes the ARN as sent: ":*" is the same group
	svc := vpn.NewService(acctest.EC2(srv), fastPolls)
	srv.ResetStats()

	got, err := svc.SetLogging(context.Background(), id, ips[0], logTo(arn))
	if err != nil {
		t.Fatal(err)
	}
	if got.Modified || !got.Tunnel.Logging.Equal(logTo(arn)) {
		t.Errorf("adopting: modified %v, logging %s", got.Modified, got.Tunnel.Logging)
	}
	if n := modifies(srv); n != 0 {
		t.Errorf("adopting sent %d ModifyVpnTunnelOptions, want 0", n)
	}

	// The second tunnel is being changed to the wanted logging by someone else: wait, adopt, send nothing.
	_, err = acctest.EC2(srv).ModifyVpnTunnelOptions(context.Background(), &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: aws.String(id), VpnTunnelOutsideIpAddress: aws.String(ips[1]),
		TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{LogOptions: &ec2types.VpnTunnelLogOptionsSpecification{
			CloudWatchLogOptions: &ec2types.CloudWatchLogOptionsSpecification{
				LogEnabled: aws.Bool(true), LogGroupArn: aws.String(arn), BgpLogEnabled: aws.Bool(true), BgpLogGroupArn: aws.String(arn),
				BgpLogOutputFormat: aws.String("text"),
			}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetStats()
	svc = vpn.NewService(acctest.EC2(srv), fastPolls)
	got, err = svc.SetLogging(context.Background(), id, ips[1], logTo(arn))
	if err != nil {
		t.Fatal(err)
	}
	if got.Modified || modifies(srv) != 0 {
		t.Errorf("adopting a change in progress: modified %v, %d modifies sent", got.Modified, modifies(srv))
	}
	if c, err := vpn.NewService(acctest.EC2(srv), fastPolls).Get(context.Background(), id); err != nil || c.State != vpn.StateAvailable {
		t.Errorf("returned while the connection is %v (%v), before the change in progress was applied", c, err)
	}
}

// A fleet waiting at once costs one DescribeVpnConnections per poll tick, whatever the number of connections; the
// tick interval follows the modification time the poller learns.
func TestService_fleetWaitsShareOneDescribePerTick(t *testing.T) {
	t.Parallel()
	const delay = 500 * time.Millisecond
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.ModifyDelay = delay })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/fleet")
	type job struct{ id, ip string }
	var jobs []job
	for range 10 {
		id, ips := acctest.CreateVPNConnection(t, srv, nil)
		jobs = append(jobs, job{id, ips[0]}, job{id, ips[1]})
	}
	var (
		mu    sync.Mutex
		ticks []vpn.PollTick
	)
	opts := vpn.Options{PollMinDelay: 20 * time.Millisecond, PollMaxDelay: time.Second, OnPollTick: func(_ context.Context, tk vpn.PollTick) {
		mu.Lock()
		ticks = append(ticks, tk)
		mu.Unlock()
	}}
	svc := vpn.NewService(acctest.EC2(srv), opts)
	srv.ResetStats()

	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.SetLogging(context.Background(), j.id, j.ip, logTo(arn)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	describes := acctest.CallCount(srv, "ec2", "DescribeVpnConnections")
	if len(ticks) == 0 {
		t.Fatal("no poll tick")
	}
	// One call loaded the snapshot the modifications started from; every other call was a tick.
	if describes > len(ticks)+1 {
		t.Errorf("%d DescribeVpnConnections for %d poll ticks: waits are not shared", describes, len(ticks))
	}
	widest := 0
	for _, tk := range ticks {
		if tk.Calls != 1 || tk.Err != nil {
			t.Errorf("tick %d: %d calls, error %v", tk.N, tk.Calls, tk.Err)
		}
		widest = max(widest, len(tk.Connections))
	}
	if widest < 5 {
		t.Errorf("the widest tick asked for %d connections; 10 were waited on at once", widest)
	}
	if n := modifies(srv); n != len(jobs) {
		t.Errorf("%d modifies, want %d", n, len(jobs))
	}
	// Each tunnel took about the modification time: the learned estimate is close to it, and the interval a tenth.
	last := ticks[len(ticks)-1]
	if last.Estimate < delay || last.Estimate > 3*delay {
		t.Errorf("learned estimate %v, modifications take %v", last.Estimate, delay)
	}
	if want := max(last.Estimate/10, opts.PollMinDelay); last.Interval != want {
		t.Errorf("tick interval %v, want a tenth of the estimate %v", last.Interval, last.Estimate)
	}
}

// cancelOnModify cancels the caller's context as the modify is sent (Ctrl-C mid-request), and can answer a server
// error after the request was carried out, or instead of carrying it out.
type cancelOnModify struct {
	*ec2.Client
	cancel    context.CancelFunc
	failAfter bool // carry the request out, then answer InternalError
	failOnly  bool // answer InternalError without carrying it out
	calls     atomic.Int32
}

func (c *cancelOnModify) ModifyVpnTunnelOptions(ctx context.Context, in *ec2.ModifyVpnTunnelOptionsInput, opts ...func(*ec2.Options)) (*ec2.ModifyVpnTunnelOptionsOutput, error) {
	c.calls.Add(1)
	if c.cancel != nil {
		c.cancel()
	}
	serverError := &smithy.GenericAPIError{Code: "InternalError", Message: "An internal error has occurred."}
	if c.failOnly {
		return nil, serverError
	}
	out, err := c.Client.ModifyVpnTunnelOptions(ctx, in, opts...)
	if err == nil && c.failAfter {
		return nil, serverError
	}
	return out, err
}

// Once sent, a modify is seen through even if the caller gives up: the caller learns that AWS accepted it
// (*PendingError with the logging AWS is applying) instead of an error that would leave the change unrecorded.
func TestService_interruptedWaitReportsTheAcceptedChange(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.ModifyDelay = 2 * time.Second })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/pending")
	id, ips := acctest.CreateVPNConnection(t, srv, nil)

	ctx, cancel := context.WithCancel(context.Background())
	client := &cancelOnModify{Client: acctest.EC2(srv), cancel: cancel}
	_, err := vpn.NewService(client, fastPolls).SetLogging(ctx, id, ips[0], logTo(arn))
	var pe *vpn.PendingError
	if !errors.As(err, &pe) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while the modify was in flight: %v, want a *PendingError wrapping context.Canceled", err)
	}
	if pe.ConnectionID != id || pe.OutsideIP != ips[0] || !pe.Want.Equal(logTo(arn)) {
		t.Errorf("PendingError %+v", pe)
	}
	if got := apiLogging(t, srv, id, ips[0]); !got.Equal(logTo(arn)) {
		t.Errorf("AWS reports %s: the modify was abandoned", got)
	}

	// Cancelled before anything is sent: nothing is sent, and the error is not a PendingError.
	if _, err := vpn.NewService(client, fastPolls).SetLogging(ctx, id, ips[1], logTo(arn)); err == nil || errors.As(err, &pe) {
		t.Errorf("with a context already cancelled: %v", err)
	}
	if n := client.calls.Load(); n != 1 {
		t.Errorf("%d modifies sent, want 1", n)
	}
}

// A server error leaves it unknown whether AWS applied the change: the tunnel is read again, and what AWS reports
// decides.
func TestService_serverErrorIsCheckedAgainstAWS(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/5xx")
	id, ips := acctest.CreateVPNConnection(t, srv, nil)

	applied := &cancelOnModify{Client: acctest.EC2(srv), failAfter: true}
	got, err := vpn.NewService(applied, fastPolls).SetLogging(context.Background(), id, ips[0], logTo(arn))
	if err != nil || !got.Modified || !got.Tunnel.Logging.Equal(logTo(arn)) {
		t.Errorf("applied, then InternalError: %+v, %v; want the change reported as made", got, err)
	}

	lost := &cancelOnModify{Client: acctest.EC2(srv), failOnly: true}
	_, err = vpn.NewService(lost, fastPolls).SetLogging(context.Background(), id, ips[1], logTo(arn))
	if awserr.Code(err) != "InternalError" {
		t.Errorf("not applied, InternalError: %v, want that error", err)
	}
	if got := apiLogging(t, srv, id, ips[1]); got.Equal(logTo(arn)) {
		t.Error("the failed change shows in AWS")
	}
	if applied.calls.Load() != 1 || lost.calls.Load() != 1 {
		t.Errorf("modifies sent: %d and %d, want 1 each (the retryer, not the service, retries)", applied.calls.Load(), lost.calls.Load())
	}
}

// A read of a connection being changed (the apply-time plan of its other tunnel, a data source) joins the poller's
// next tick instead of calling DescribeVpnConnections on its own, and sees the change.
func TestService_readsOfAChangingConnectionJoinTheTicks(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.ModifyDelay = 600 * time.Millisecond })
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/join")
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	var ticks atomic.Int32
	svc := vpn.NewService(acctest.EC2(srv), vpn.Options{PollMinDelay: 50 * time.Millisecond, PollMaxDelay: 100 * time.Millisecond,
		OnPollTick: func(context.Context, vpn.PollTick) { ticks.Add(1) }})
	if _, err := svc.Get(context.Background(), id); err != nil { // the snapshot
		t.Fatal(err)
	}
	srv.ResetStats()
	done := make(chan error, 1)
	go func() { _, err := svc.SetLogging(context.Background(), id, ips[0], logTo(arn)); done <- err }()
	for ticks.Load() == 0 { // the modify was accepted and the service waits for it
		time.Sleep(5 * time.Millisecond)
	}
	c, err := svc.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if tun, _ := c.Tunnel(ips[0]); !tun.Logging.Equal(logTo(arn)) {
		t.Errorf("the read during the change reports %s", tun.Logging)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, tk := acctest.CallCount(srv, "ec2", "DescribeVpnConnections"), int(ticks.Load()); n != tk {
		t.Errorf("%d DescribeVpnConnections for %d ticks: the read made its own call", n, tk)
	}
}
