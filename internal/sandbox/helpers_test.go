package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// env is a running sandbox and real SDK clients pointed at it.
type env struct {
	srv  *sandbox.Server
	cfg  aws.Config
	ec2  *ec2.Client
	sts  *sts.Client
	iam  *iam.Client
	logs *cloudwatchlogs.Client
}

// fastTestOptions are small delays so that lifecycle tests stay quick.
func fastTestOptions() sandbox.Options {
	return sandbox.Options{ModifyDelay: 150 * time.Millisecond, PendingDelay: 50 * time.Millisecond, Seed: 7}
}

// start runs a sandbox on a free loopback port with clients that never retry (errors surface as
// they are).
func start(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	srv := sandbox.New(opts)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return clientsFor(t, srv, "test", func() aws.Retryer { return aws.NopRetryer{} })
}

func clientsFor(t *testing.T, srv *sandbox.Server, accessKey string, retryer func() aws.Retryer) *env {
	t.Helper()
	url := srv.URL()
	cfg := aws.Config{
		HTTPClient:   &http.Client{Transport: bufferedBodyTransport{http.DefaultTransport}},
		Region:       srv.Options().Region,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, "test", ""),
		BaseEndpoint: &url,
		Retryer:      retryer,
	}
	return &env{srv: srv, cfg: cfg, ec2: ec2.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg)}
}

// bufferedBodyTransport hands net/http its own in-memory copy of the request body. aws-sdk-go-v2
// closes the body it built as soon as response headers arrive; against a server as fast as the
// sandbox that can race net/http's post-body WriteTo and break the connection (see defaultMinServiceTime
// in route.go). With a copy, the SDK's early Close touches nothing net/http still uses.
type bufferedBodyTransport struct{ base http.RoundTripper }

func (t bufferedBodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return t.base.RoundTrip(r)
}

// fastRetryer retries up to 10 times with a 1ms backoff and no client-side retry quota.
func fastRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 10
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
		o.RateLimiter = ratelimit.None
	})
}

// apiCode returns the AWS error code of err ("" if none).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %s, got success", code)
	}
	if got := apiCode(err); got != code {
		t.Fatalf("want error %s, got %s (%v)", code, got, err)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

var ctx = context.Background()

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 11, 8, 5, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// gateways creates a customer gateway and a virtual private gateway through the API.
func (e *env) gateways(t *testing.T, cgwIP string) (cgwID, vgwID string) {
	t.Helper()
	cgw := must[*ec2.CreateCustomerGatewayOutput](t)(e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
		Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String(cgwIP), BgpAsn: aws.Int32(65010),
	}))
	vgws := must[*ec2.DescribeVpnGatewaysOutput](t)(e.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{}))
	if len(vgws.VpnGateways) > 0 {
		return *cgw.CustomerGateway.CustomerGatewayId, *vgws.VpnGateways[0].VpnGatewayId
	}
	vgw := must[*ec2.CreateVpnGatewayOutput](t)(e.ec2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1}))
	return *cgw.CustomerGateway.CustomerGatewayId, *vgw.VpnGateway.VpnGatewayId
}

// vpn creates a VPN connection through the API and waits until it is available.
func (e *env) vpn(t *testing.T, tags map[string]string) *ec2types.VpnConnection {
	t.Helper()
	cgw, vgw := e.gateways(t, "198.51.100.7")
	in := &ec2.CreateVpnConnectionInput{Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: &vgw}
	if len(tags) > 0 {
		ts := ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeVpnConnection}
		for k, v := range tags {
			ts.Tags = append(ts.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		in.TagSpecifications = []ec2types.TagSpecification{ts}
	}
	out := must[*ec2.CreateVpnConnectionOutput](t)(e.ec2.CreateVpnConnection(ctx, in))
	return e.waitAvailable(t, *out.VpnConnection.VpnConnectionId)
}

// waitAvailable polls DescribeVpnConnections until the connection is available.
func (e *env) waitAvailable(t *testing.T, id string) *ec2types.VpnConnection {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out := must[*ec2.DescribeVpnConnectionsOutput](t)(e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}}))
		c := out.VpnConnections[0]
		if c.State == ec2types.VpnStateAvailable {
			return &c
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: state %s, want %s", id, c.State, ec2types.VpnStateAvailable)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func describeOne(t *testing.T, e *env, id string) ec2types.VpnConnection {
	t.Helper()
	out := must[*ec2.DescribeVpnConnectionsOutput](t)(e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}}))
	if len(out.VpnConnections) != 1 {
		t.Fatalf("describe %s: %d connections", id, len(out.VpnConnections))
	}
	return out.VpnConnections[0]
}

func tunnelByIP(t *testing.T, c ec2types.VpnConnection, ip string) ec2types.TunnelOption {
	t.Helper()
	for _, to := range c.Options.TunnelOptions {
		if aws.ToString(to.OutsideIpAddress) == ip {
			return to
		}
	}
	t.Fatalf("no tunnel %s", ip)
	return ec2types.TunnelOption{}
}

func logGroupARN(e *env, name string) string {
	o := e.srv.Options()
	return "arn:aws:logs:" + o.Region + ":" + o.AccountID + ":log-group:" + name
}

func (e *env) createLogGroup(t *testing.T, name string) {
	t.Helper()
	if _, err := e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &name}); err != nil {
		t.Fatal(err)
	}
}
