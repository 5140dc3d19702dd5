package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// filterLogEventsRate is the sandbox's FilterLogEvents quota (AWS's): 5 per second, with a bucket of 5.
const filterLogEventsRate = 5

// benchRow is one measured read of a fleet.
type benchRow struct {
	tunnels int
	read    string
	calls   int // FilterLogEvents the sandbox served, throttled attempts included
	errors  int // tunnels whose health could not be read
	wall    time.Duration
	shared  bool // a read that must stay within the bound
	paced   bool // made through the paced clients: every call is served, so the quota sets a floor
}

// floor is the least time the quota allows for the calls: the bucket's 5 at once, then 5 per second.
func (r benchRow) floor() time.Duration {
	return time.Duration(float64(max(0, r.calls-filterLogEventsRate)) / filterLogEventsRate * float64(time.Second))
}

// BenchmarkFleetHealth measures the issue-12 target, on the sandbox with its default rate limits: 100 and 500 tunnels
// logging to one group, a 1 h window, read per tunnel (each its own read, as before shared reads: with the SDK's
// default retryer, and paced) and shared (terraform with a vpnlogs_tunnel_health per tunnel, terraform with
// vpnlogs_fleet_health, and `health --all`). Shared reads must make no error and at most ceil(bytes / 1 MiB) + 2
// FilterLogEvents calls whatever the number of tunnels. It prints one table; run it with `make bench-health`.
func BenchmarkFleetHealth(b *testing.B) {
	var rows []benchRow
	bounds := map[int]int{}
	for range b.N {
		rows = nil
		for _, tunnels := range []int{100, 500} {
			srv, group := benchFleet(b, tunnels)
			now := time.Now()
			pages, _, bytes := acctest.WindowPages(b, srv, group, "", now.Add(-time.Hour), now)
			bounds[tunnels] = int(math.Ceil(float64(bytes)/float64(cwlogs.MaxPageBytes))) + 2
			b.Logf("%d tunnels: %d bytes in the group's last hour, %d pages", tunnels, bytes, pages)
			rows = append(rows, benchReads(b, srv, tunnels)...)
		}
	}

	var out strings.Builder
	w := tabwriter.NewWriter(&out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "tunnels\tread\tFilterLogEvents\tbound\terrors\twall\tfloor at 5/s\t")
	for _, r := range rows {
		bound := "-"
		if r.shared {
			bound = fmt.Sprint(bounds[r.tunnels])
			if r.errors > 0 || r.calls > bounds[r.tunnels] {
				b.Errorf("%d tunnels, %s: %d errors, %d FilterLogEvents (bound %d)", r.tunnels, r.read, r.errors, r.calls, bounds[r.tunnels])
			}
		}
		floor := "-" // throttled attempts count among the calls but take no token: no floor to compare with
		if r.paced {
			floor = fmt.Sprintf("%.1fs", r.floor().Seconds())
		}
		fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%d\t%.1fs\t%s\t\n", r.tunnels, r.read, r.calls, bound, r.errors, r.wall.Seconds(), floor)
	}
	_ = w.Flush()
	b.Logf("CloudWatch Logs reads of a fleet, sandbox with its default rate limits (FilterLogEvents: 5/s), 1 h window:\n%s", out.String())
}

// benchFleet starts a sandbox with AWS's request-rate limits and quotas raised for the fleet, creates tunnels/2
// connections through the EC2 API (the scenarios in turn), and turns on both logs of every tunnel towards one
// vendedlogs group (the sandbox writes an hour of history).
func benchFleet(b *testing.B, tunnels int) (*sandbox.Server, string) {
	b.Helper()
	conns := tunnels / 2
	srv := acctest.StartSandbox(b, func(o *sandbox.Options) {
		o.RateLimits = true
		o.Quotas = map[string]int{
			sandbox.QuotaVPNConnectionsPerRegion: conns, sandbox.QuotaVPNConnectionsPerGateway: conns,
			sandbox.QuotaCustomerGatewaysPerRegion: conns,
		}
	})
	ctx := context.Background()
	clients := benchClients(b, srv)
	group := "/aws/vendedlogs/vpn/fleet"
	if _, err := clients.Logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		b.Fatal(err)
	}
	arn := acctest.LogGroupARN(group)
	vgw, err := clients.EC2.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1})
	if err != nil {
		b.Fatal(err)
	}
	// The EC2 API's own buckets (50, then 5 per second, per action) pace the creation; the retryer waits them out.
	ids := make([]string, conns)
	var firstErr atomic.Value
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cgw, err := clients.EC2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
				Type: ec2types.GatewayTypeIpsec1, BgpAsn: aws.Int32(65000), IpAddress: aws.String(fmt.Sprintf("198.51.%d.%d", 100+i/250, 1+i%250)),
			})
			if err != nil {
				firstErr.CompareAndSwap(nil, err)
				return
			}
			out, err := clients.EC2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
				Type: aws.String("ipsec.1"), CustomerGatewayId: cgw.CustomerGateway.CustomerGatewayId, VpnGatewayId: vgw.VpnGateway.VpnGatewayId,
				TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpnConnection, Tags: []ec2types.Tag{{
					Key: aws.String(sandbox.ScenarioTag), Value: aws.String(sandbox.Scenarios()[i%len(sandbox.Scenarios())]),
				}}}},
			})
			if err != nil {
				firstErr.CompareAndSwap(nil, err)
				return
			}
			ids[i] = aws.ToString(out.VpnConnection.VpnConnectionId)
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		b.Fatalf("creating the fleet: %v", err)
	}
	for _, id := range ids {
		c := acctest.WaitAvailable(b, srv, id)
		for _, o := range c.Options.TunnelOptions {
			if err := srv.SetTunnelLogOptionsOutOfBand(id, aws.ToString(o.OutsideIpAddress), sandbox.TunnelLogOptions{
				LogEnabled: true, LogGroupARN: arn, BGPLogEnabled: true, BGPLogGroupARN: arn,
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	srv.Logs() // settle: streams and history are written
	return srv, group
}

// benchClients are the clients the provider and the CLI build (paced, without the SDK's retry quota).
func benchClients(b *testing.B, srv *sandbox.Server) *awsconfig.Clients {
	b.Helper()
	c, err := awsconfig.Load(context.Background(), awsconfig.Config{
		Region: acctest.Region, AccessKey: acctest.AccessKeyID, SecretKey: acctest.SecretKey, EndpointURL: srv.URL(),
		SkipMetadataAPICheck: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// sdkDefaultsRead is the row of per-tunnel reads with the SDK's default client: no pacing, the retry quota on.
const sdkDefaultsRead = "per tunnel, SDK default retryer (before)"

// benchReads measures each way of reading the fleet's health, one after the other.
func benchReads(b *testing.B, srv *sandbox.Server, tunnels int) []benchRow {
	b.Helper()
	ctx := context.Background()
	var reqs []health.Request
	conns, err := benchClients(b, srv).EC2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range conns.VpnConnections {
		for _, o := range c.Options.TunnelOptions {
			reqs = append(reqs, health.Request{VPNConnectionID: aws.ToString(c.VpnConnectionId), OutsideIP: aws.ToString(o.OutsideIpAddress),
				TunnelLogGroup: acctest.LogGroupARN("/aws/vendedlogs/vpn/fleet"), BGPLogGroup: acctest.LogGroupARN("/aws/vendedlogs/vpn/fleet")})
		}
	}
	measure := func(read string, shared bool, f func() int) benchRow {
		paced := read != sdkDefaultsRead
		time.Sleep(1500 * time.Millisecond) // let the sandbox's bucket fill again after the previous read
		srv.ResetStats()
		start := time.Now()
		errs := f()
		row := benchRow{tunnels: tunnels, read: read, errors: errs, wall: time.Since(start), shared: shared, paced: paced,
			calls: srv.Stats()["logs"]["FilterLogEvents"]}
		b.Logf("%d tunnels, %s: %d FilterLogEvents, %d errors, %s", tunnels, read, row.calls, row.errors, row.wall.Round(100*time.Millisecond))
		return row
	}
	// Each tunnel its own read, 10 at a time (Terraform's default parallelism), as data sources read before #12.
	perTunnel := func(logs health.LogsAPI) func() int {
		return func() int {
			var failed atomic.Int32
			var wg sync.WaitGroup
			sem := make(chan struct{}, 10)
			for _, req := range reqs {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					if _, err := (&health.Reader{Logs: logs}).Read(ctx, req); err != nil {
						failed.Add(1)
					}
				}()
			}
			wg.Wait()
			return int(failed.Load())
		}
	}
	sdkDefaults := cloudwatchlogs.NewFromConfig(acctest.AWSConfig(srv), func(o *cloudwatchlogs.Options) {
		o.RetryMaxAttempts = awsconfig.DefaultMaxRetries + 1
	})
	provider := fmt.Sprintf(`provider "vpnlogs" {
  region                  = %[2]q
  access_key              = %[3]q
  secret_key              = %[4]q
  skip_metadata_api_check = true
  endpoints {
    ec2  = %[1]q
    logs = %[1]q
    sts  = %[1]q
    iam  = %[1]q
  }
}
`, srv.URL(), acctest.Region, acctest.AccessKeyID, acctest.SecretKey)
	plan := func(hcl string) func() int {
		dir := writeConfig(b, provider+hcl)
		return func() int {
			out, code := terraform(b, dir, nil, "plan")
			if code != 0 {
				b.Logf("terraform plan failed:\n%s", out)
				return max(1, strings.Count(out, "Error: "))
			}
			return 0
		}
	}
	return []benchRow{
		measure(sdkDefaultsRead, false, perTunnel(sdkDefaults)),
		measure("per tunnel, paced", false, perTunnel(benchClients(b, srv).Logs)),
		measure(fmt.Sprintf("terraform: %d vpnlogs_tunnel_health", tunnels), true, plan(`
data "vpnlogs_vpn_connections" "all" {}
data "vpnlogs_tunnel_health" "t" {
  for_each                  = toset(data.vpnlogs_vpn_connections.all.tunnel_ids)
  vpn_connection_id         = split("/", each.key)[0]
  tunnel_outside_ip_address = split("/", each.key)[1]
}
`)),
		measure("terraform: vpnlogs_fleet_health", true, plan(`
data "vpnlogs_fleet_health" "all" {}
output "summary" { value = data.vpnlogs_fleet_health.all.summary }
`)),
		measure("health --all", true, func() int {
			out, stderr, code := run(b, sandboxEnv(srv), "health", "--all", "--output", "json")
			var h struct {
				Tunnels []struct {
					Error string `json:"error"`
				} `json:"tunnels"`
			}
			if err := json.Unmarshal([]byte(out), &h); err != nil || len(h.Tunnels) != tunnels {
				b.Logf("health --all: exit %d, %v, %d tunnels\n%s", code, err, len(h.Tunnels), stderr)
				return tunnels
			}
			failed := 0
			for _, t := range h.Tunnels {
				if t.Error != "" {
					failed++
				}
			}
			return failed
		}),
	}
}
