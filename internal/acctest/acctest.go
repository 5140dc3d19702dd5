// Package acctest holds the fixtures that tests of every layer share: an in-process sandbox with test-friendly
// settings, SDK clients pointed at it, and setup done through the real AWS APIs (never through sandbox internals,
// so setup exercises the same wire protocol users hit).
package acctest

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// Settings of the sandboxes tests start.
const (
	Region       = "us-east-1"
	AccountID    = "123456789012"
	AccessKeyID  = "AKIDSANDBOXTEST"
	SecretKey    = "sandbox-secret"
	ModifyDelay  = 200 * time.Millisecond
	PendingDelay = 50 * time.Millisecond
	// ConnectionsPerGateway is AWS's quota of VPN connections per virtual private gateway, which the sandbox
	// enforces (as it does 50 per Region and 5 gateways per Region).
	ConnectionsPerGateway = 10
)

// StartSandbox runs an in-process sandbox on a free loopback port for the test's lifetime, with short delays and
// no request-rate buckets; mutate, if given, adjusts the options first.
func StartSandbox(t testing.TB, mutate func(*sandbox.Options)) *sandbox.Server {
	t.Helper()
	opts := sandbox.Options{
		Region:       Region,
		AccountID:    AccountID,
		ModifyDelay:  ModifyDelay,
		PendingDelay: PendingDelay,
		Seed:         1,
	}
	if mutate != nil {
		mutate(&opts)
	}
	srv := sandbox.New(opts)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("starting sandbox: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// AWSConfig is an SDK configuration for test code that talks to srv directly.
func AWSConfig(srv *sandbox.Server) aws.Config {
	return aws.Config{
		HTTPClient:   awsconfig.NewHTTPClient(nil),
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretKey, ""),
		BaseEndpoint: aws.String(srv.URL()),
	}
}

// EC2 is an EC2 client for srv.
func EC2(srv *sandbox.Server) *ec2.Client { return ec2.NewFromConfig(AWSConfig(srv)) }

// Logs is a CloudWatch Logs client for srv.
func Logs(srv *sandbox.Server) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(AWSConfig(srv))
}

// LogGroupARN is the ARN of a group in the sandbox's account and region.
func LogGroupARN(name string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", Region, AccountID, name)
}

// CreateLogGroup creates a log group through the CloudWatch Logs API and returns its ARN (without ":*").
func CreateLogGroup(t testing.TB, srv *sandbox.Server, name string) string {
	t.Helper()
	_, err := Logs(srv).CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)})
	if err != nil {
		t.Fatalf("creating log group %s: %v", name, err)
	}
	return LogGroupARN(name)
}

// PutLogGroupPolicy gives a log group (by ARN) its own resource policy through the API, as AWS takes one: by
// resourceArn alone, without a policy name.
func PutLogGroupPolicy(t testing.TB, srv *sandbox.Server, groupARN, doc string) {
	t.Helper()
	_, err := Logs(srv).PutResourcePolicy(context.Background(), &cloudwatchlogs.PutResourcePolicyInput{
		PolicyDocument: aws.String(doc), ResourceArn: aws.String(groupARN),
	})
	if err != nil {
		t.Fatalf("putting the resource policy of %s: %v", groupARN, err)
	}
}

// CreateVPNConnection creates a customer gateway, a virtual private gateway and a VPN connection through the EC2
// API, waits until it is available, and returns its ID and its tunnels' outside IP addresses in AWS's order.
func CreateVPNConnection(t testing.TB, srv *sandbox.Server, tags map[string]string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	c := EC2(srv)
	// One customer gateway per connection (each site has its own device), virtual private gateways shared (a VGW
	// carries up to 10 connections, and AWS allows only 5 VGWs per region; the sandbox enforces both): the first
	// one with room, else a new one.
	gws, err := c.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{})
	if err != nil {
		t.Fatalf("DescribeVpnGateways: %v", err)
	}
	var vgwID *string
	for _, g := range gws.VpnGateways {
		if g.State != ec2types.VpnStateAvailable {
			continue
		}
		conns, err := c.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{Filters: []ec2types.Filter{
			{Name: aws.String("vpn-gateway-id"), Values: []string{aws.ToString(g.VpnGatewayId)}},
		}})
		if err != nil {
			t.Fatalf("DescribeVpnConnections: %v", err)
		}
		live := 0
		for _, v := range conns.VpnConnections {
			if v.State != ec2types.VpnStateDeleting && v.State != ec2types.VpnStateDeleted {
				live++
			}
		}
		if live < ConnectionsPerGateway {
			vgwID = g.VpnGatewayId
			break
		}
	}
	if vgwID == nil {
		vgw, err := c.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: "ipsec.1"})
		if err != nil {
			t.Fatalf("CreateVpnGateway: %v", err)
		}
		vgwID = vgw.VpnGateway.VpnGatewayId
	}
	cgws, err := c.DescribeCustomerGateways(ctx, &ec2.DescribeCustomerGatewaysInput{})
	if err != nil {
		t.Fatalf("DescribeCustomerGateways: %v", err)
	}
	cgw, err := c.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
		BgpAsn: aws.Int32(65000), IpAddress: aws.String(fmt.Sprintf("198.51.100.%d", len(cgws.CustomerGateways)+1)), Type: "ipsec.1",
	})
	if err != nil {
		t.Fatalf("CreateCustomerGateway: %v", err)
	}
	in := &ec2.CreateVpnConnectionInput{
		CustomerGatewayId: cgw.CustomerGateway.CustomerGatewayId,
		VpnGatewayId:      vgwID,
		Type:              aws.String("ipsec.1"),
	}
	if len(tags) > 0 {
		spec := ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeVpnConnection}
		for k, v := range tags {
			spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		in.TagSpecifications = []ec2types.TagSpecification{spec}
	}
	out, err := c.CreateVpnConnection(ctx, in)
	if err != nil {
		t.Fatalf("CreateVpnConnection: %v", err)
	}
	id := aws.ToString(out.VpnConnection.VpnConnectionId)
	desc := WaitAvailable(t, srv, id)
	var ips []string
	for _, o := range desc.Options.TunnelOptions {
		ips = append(ips, aws.ToString(o.OutsideIpAddress))
	}
	return id, ips
}

// WaitAvailable waits with the SDK's waiter until the connection is available and returns it.
func WaitAvailable(t testing.TB, srv *sandbox.Server, id string) ec2types.VpnConnection {
	t.Helper()
	w := ec2.NewVpnConnectionAvailableWaiter(EC2(srv), func(o *ec2.VpnConnectionAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 100*time.Millisecond
	})
	out, err := w.WaitForOutput(context.Background(), &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}}, 30*time.Second)
	if err != nil {
		t.Fatalf("waiting for %s: %v", id, err)
	}
	return out.VpnConnections[0]
}

// CallCount is how many times the sandbox served service:action.
func CallCount(srv *sandbox.Server, service, action string) int {
	return srv.Stats()[service][action]
}

// WindowPages reads a group's events in [start, end] through the CloudWatch Logs API, as a whole-group read does
// (only the streams whose name starts with prefix, when given), and returns how many FilterLogEvents pages that
// takes, the events and their bytes as CloudWatch counts them for its 1 MiB pages: what a test expects a read of
// the group to cost, measured on the data before the read under test.
func WindowPages(t testing.TB, srv *sandbox.Server, group, prefix string, start, end time.Time) (pages, events, bytes int) {
	t.Helper()
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), StartTime: aws.Int64(start.UnixMilli()), EndTime: aws.Int64(end.UnixMilli())}
	if prefix != "" {
		in.LogStreamNamePrefix = aws.String(prefix)
	}
	p := cloudwatchlogs.NewFilterLogEventsPaginator(Logs(srv), in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("reading log group %s: %v", group, err)
		}
		pages++
		events += len(out.Events)
		for _, e := range out.Events {
			bytes += len(aws.ToString(e.Message)) + cwlogs.EventOverheadBytes
		}
	}
	return pages, events, bytes
}

// ClosedPortURL is an http URL on loopback where nothing listens: calls to it are refused.
func ClosedPortURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// Tunnel is one tunnel of a fleet: its connection and outside IP address.
type Tunnel struct{ ConnectionID, OutsideIP string }

// ID is the tunnel's "<vpn_connection_id>/<outside_ip_address>", the resource ID of vpnlogs_tunnel_logging.
func (t Tunnel) ID() string { return t.ConnectionID + "/" + t.OutsideIP }

// CreateFleet creates n VPN connections on as few new virtual private gateways as AWS's quota allows
// (ConnectionsPerGateway each), each with its own customer gateway, waits until all are available, and returns their
// tunnels in creation order. It makes one create call per gateway and connection and only a few reads, so it fits
// EC2's request-rate buckets when the sandbox enforces them.
func CreateFleet(t testing.TB, srv *sandbox.Server, n int) []Tunnel {
	t.Helper()
	ctx := context.Background()
	c := EC2(srv)
	var vgw *string
	var ids []string
	for i := range n {
		if i%ConnectionsPerGateway == 0 {
			out, err := c.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: "ipsec.1"})
			if err != nil {
				t.Fatalf("CreateVpnGateway: %v", err)
			}
			vgw = out.VpnGateway.VpnGatewayId
		}
		cgw, err := c.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
			BgpAsn: aws.Int32(65000), IpAddress: aws.String(fmt.Sprintf("198.51.%d.%d", 100+i/250, 1+i%250)), Type: "ipsec.1",
		})
		if err != nil {
			t.Fatalf("CreateCustomerGateway: %v", err)
		}
		out, err := c.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
			CustomerGatewayId: cgw.CustomerGateway.CustomerGatewayId, VpnGatewayId: vgw, Type: aws.String("ipsec.1"),
		})
		if err != nil {
			t.Fatalf("CreateVpnConnection %d of %d: %v", i+1, n, err)
		}
		ids = append(ids, aws.ToString(out.VpnConnection.VpnConnectionId))
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: ids})
		if err != nil {
			t.Fatalf("DescribeVpnConnections: %v", err)
		}
		byID := map[string]ec2types.VpnConnection{}
		for _, v := range out.VpnConnections {
			if v.State == ec2types.VpnStateAvailable {
				byID[aws.ToString(v.VpnConnectionId)] = v
			}
		}
		if len(byID) == len(ids) {
			var tunnels []Tunnel
			for _, id := range ids {
				for _, o := range byID[id].Options.TunnelOptions {
					tunnels = append(tunnels, Tunnel{ConnectionID: id, OutsideIP: aws.ToString(o.OutsideIpAddress)})
				}
			}
			return tunnels
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d connections available after 30s", len(byID), len(ids))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
