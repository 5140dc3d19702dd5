package provider

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

const fleetAddr = "data.vpnlogs_fleet_health.all"

// fleetConnection is a connection of a test fleet and the logs its tunnels deliver.
type fleetConnection struct {
	scenario string
	tags     map[string]string
	logging  bool
}

// startFleet starts a sandbox (with AWS's request-rate limits when rateLimits is set, and room for 50 connections on
// one virtual private gateway), creates the connections and turns on both logs of their tunnels towards one group.
// It returns the sandbox, the group's name and the connections' IDs.
func startFleet(t *testing.T, rateLimits bool, conns []fleetConnection) (*sandbox.Server, string, []string) {
	t.Helper()
	srv := startSandbox(t, func(o *sandbox.Options) {
		o.RateLimits = rateLimits
		o.Quotas = map[string]int{sandbox.QuotaVPNConnectionsPerGateway: 50}
	})
	group := vendedGroupPrefix + "fleet"
	arn := createLogGroup(t, srv, group)
	var ids []string
	for _, c := range conns {
		tags := map[string]string{sandbox.ScenarioTag: c.scenario}
		maps.Copy(tags, c.tags)
		id, ips := createVPNConnection(t, srv, tags)
		if c.logging {
			for _, ip := range ips {
				enableLoggingOutOfBand(t, srv, id, ip, arn)
			}
		}
		ids = append(ids, id)
	}
	srv.Logs() // settle: streams and history are written
	return srv, group, ids
}

// fleetOf is n connections with the sandbox's scenarios in turn, all logging.
func fleetOf(n int) []fleetConnection {
	var out []fleetConnection
	for i := range n {
		out = append(out, fleetConnection{scenario: sandbox.Scenarios()[i%len(sandbox.Scenarios())], logging: true})
	}
	return out
}

// groupPages is how many FilterLogEvents pages the group's last hour takes, and its bytes.
func groupPages(t *testing.T, srv *sandbox.Server, group string) (pages, bytes int) {
	t.Helper()
	now := time.Now()
	pages, _, bytes = acctest.WindowPages(t, srv, group, "", now.Add(-time.Hour), now)
	return pages, bytes
}

// perTunnelAndFleet reads every tunnel with its own vpnlogs_tunnel_health and the whole fleet with
// vpnlogs_fleet_health.
const perTunnelAndFleet = `
data "vpnlogs_vpn_connections" "all" {}

# count rather than for_each: terraform-plugin-testing's state shim does not take for_each on data sources.
data "vpnlogs_tunnel_health" "t" {
  count                     = length(data.vpnlogs_vpn_connections.all.tunnel_ids)
  vpn_connection_id         = split("/", data.vpnlogs_vpn_connections.all.tunnel_ids[count.index])[0]
  tunnel_outside_ip_address = split("/", data.vpnlogs_vpn_connections.all.tunnel_ids[count.index])[1]
}

data "vpnlogs_fleet_health" "all" {}
`

// sameHealth checks that the fleet data source holds, for each of `tunnels` tunnels, the health object its own
// vpnlogs_tunnel_health returned, and that its summary counts their statuses.
func sameHealth(tunnels int) statecheck.StateCheck { return sameHealthCheck(tunnels) }

type sameHealthCheck int

func (c sameHealthCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	var per []map[string]any
	var fleet map[string]any
	for _, r := range req.State.Values.RootModule.Resources {
		switch r.Type {
		case "vpnlogs_tunnel_health":
			per = append(per, r.AttributeValues)
		case "vpnlogs_fleet_health":
			fleet = r.AttributeValues
		}
	}
	entries, _ := fleet["tunnels"].(map[string]any)
	if len(per) != int(c) || len(entries) != int(c) {
		resp.Error = fmt.Errorf("%d tunnel health data sources and %d fleet entries, want %d", len(per), len(entries), int(c))
		return
	}
	counts := map[string]int{"healthy": 0, "degraded": 0, "down": 0, "unknown": 0}
	for _, t := range per {
		id := fmt.Sprintf("%v/%v", t["vpn_connection_id"], t["tunnel_outside_ip_address"])
		entry, _ := entries[id].(map[string]any)
		for attr := range healthAttributes() {
			if !reflect.DeepEqual(t[attr], entry[attr]) {
				resp.Error = fmt.Errorf("%s %s: vpnlogs_tunnel_health has %v, vpnlogs_fleet_health %v", id, attr, t[attr], entry[attr])
				return
			}
		}
		counts[fmt.Sprint(t["status"])]++
	}
	summary, _ := fleet["summary"].(map[string]any)
	for status, n := range counts {
		if fmt.Sprint(summary[status]) != fmt.Sprint(n) {
			resp.Error = fmt.Errorf("summary %v, the tunnels' statuses count %v", summary, counts)
			return
		}
	}
}

// readOnce is the step of a fleet's plan under the sandbox's default rate limits: every data source reads, and
// agrees with the others (sameHealth), and the whole plan reads the group once: at most the group's pages plus two
// (the bound, ceil(bytes / 1 MiB) + 2), which the sandbox counts, throttled attempts included, and nothing
// else.
func readOnce(t *testing.T, srv *sandbox.Server, group string, tunnels int) resource.TestStep {
	pages, bytes := groupPages(t, srv, group)
	return resource.TestStep{
		PreConfig:         srv.ResetStats,
		Config:            sandboxProviderConfigWith(srv, "", perTunnelAndFleet),
		ConfigStateChecks: []statecheck.StateCheck{sameHealth(tunnels)},
		Check: func(*terraform.State) error {
			st := srv.Stats()["logs"]
			// The group's pages, plus at most two connection-scoped reads made before the group was known to be
			// shared (health.Session's gather window, which a loaded machine can outrun): the bound.
			bound := min(pages+2, bytes/cwlogs.MaxPageBytes+1+2)
			if st["FilterLogEvents"] < 1 || st["FilterLogEvents"] > bound || len(st) != 1 {
				return fmt.Errorf("%d tunnel health data sources and a fleet data source: CloudWatch Logs calls %v, want at most "+
					"%d FilterLogEvents (the group's %d pages + 2, ceil(bytes / 1 MiB) + 2) and nothing else",
					tunnels, st, bound, pages)
			}
			t.Logf("%d tunnels: %v (group of %d bytes, %d pages)", tunnels, st, bytes, pages)
			return nil
		},
	}
}

// The plan: a vpnlogs_tunnel_health per tunnel for 100 tunnels (50 connections, one vendedlogs group), and
// the fleet data source beside them, with max_retries at its default.
func TestFleetHealthDataSource_sharedWithTunnelHealth(t *testing.T) {
	t.Parallel()
	srv, group, _ := startFleet(t, true, fleetOf(50))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{readOnce(t, srv, group, 100)},
	})
}

// AWS_MAX_ATTEMPTS=3 in the environment (two retries) with 10 health data sources: the reads are paced, so none is
// throttled and none fails.
func TestTunnelHealthDataSource_awsMaxAttempts(t *testing.T) {
	t.Setenv("AWS_MAX_ATTEMPTS", "3")
	srv, group, _ := startFleet(t, true, fleetOf(5))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{readOnce(t, srv, group, 10)},
	})
}

// The documentation's examples with the sandbox's fleet: the outputs, and the check block failing for the production
// fleet (a tunnel is down) and passing for the staging one.
func TestFleetHealthDataSource_examples(t *testing.T) {
	t.Parallel()
	prod, staging := map[string]string{"env": "prod"}, map[string]string{"env": "staging"}
	srv, _, ids := startFleet(t, false, []fleetConnection{
		{scenario: sandbox.ScenarioHealthy, tags: prod, logging: true},
		{scenario: sandbox.ScenarioHealthy, tags: prod, logging: true},
		{scenario: sandbox.ScenarioPSKMismatch, tags: prod, logging: true},
		{scenario: sandbox.ScenarioHealthy, tags: prod, logging: false},
		{scenario: sandbox.ScenarioHealthy, tags: staging, logging: true},
		{scenario: sandbox.ScenarioDPDTimeout, logging: true}, // untagged: in neither fleet
	})
	check := readExample(t, "data-sources/vpnlogs_fleet_health/check.tf")
	// The same check block for the staging fleet, under other names.
	stagingCheck := strings.NewReplacer(`"prod"`, `"staging"`, "vpn_fleet_healthy", "staging_fleet_healthy", ".prod.", ".staging.").Replace(check)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sandboxProviderConfig(srv, readExample(t, "data-sources/vpnlogs_fleet_health/data-source.tf")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("fleet_summary", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"healthy": knownvalue.Int64Exact(4), "degraded": knownvalue.Int64Exact(0),
						"down": knownvalue.Int64Exact(2), "unknown": knownvalue.Int64Exact(2),
					})),
					statecheck.ExpectKnownOutputValue("unhealthy_tunnels", unhealthyOf(ids[2], ids[3])),
					statecheck.ExpectKnownValue("data.vpnlogs_fleet_health.fleet", tfjsonpath.New("tunnels"), tunnelKeysOf(ids[:4]...)),
				},
			},
			{
				Config: sandboxProviderConfig(srv, check+stagingCheck),
				ConfigStateChecks: []statecheck.StateCheck{
					checkStatus("check.vpn_fleet_healthy", "fail"),
					checkStatus("check.staging_fleet_healthy", "pass"),
				},
			},
		},
	})
}

// unhealthyOf checks the unhealthy_tunnels output: exactly the tunnels of two connections, those of the first down
// with the key mismatch as their root cause and its fix, those of the second unknown because logging is disabled,
// with the resource that enables it as the fix.
func unhealthyOf(down, disabled string) knownvalue.Check { return unhealthy{down, disabled} }

type unhealthy struct{ down, disabled string }

func (u unhealthy) CheckValue(v any) error {
	if err := tunnelKeysOf(u.down, u.disabled).CheckValue(v); err != nil {
		return err
	}
	m, _ := v.(map[string]any) // tunnelKeysOf checked it
	for key, e := range m {
		entry, _ := e.(map[string]any)
		id, _, _ := strings.Cut(key, "/")
		switch reason := fmt.Sprint(entry["reason"]); {
		case id == u.down && (entry["status"] != "down" || entry["cause"] != "ike.psk_mismatch" || entry["fix"] == nil ||
			!strings.Contains(reason, "IKE phase 1 is down")):
			return fmt.Errorf("%s: %v, want down, caused by ike.psk_mismatch, with a fix", key, entry)
		case id == u.disabled && (entry["status"] != "unknown" || entry["cause"] != "logging.disabled" ||
			!strings.Contains(fmt.Sprint(entry["fix"]), "vpnlogs_tunnel_logging") || !strings.HasPrefix(reason, "Logging is disabled")):
			return fmt.Errorf("%s: %v, want unknown (logging disabled) with the resource that enables it as the fix", key, entry)
		}
	}
	return nil
}

func (u unhealthy) String() string {
	return "the tunnels of " + u.down + " down and of " + u.disabled + " unknown"
}

// tunnelKeysOf checks that a tunnels map holds the tunnels of exactly these connections, two each.
type tunnelKeys []string

func tunnelKeysOf(ids ...string) tunnelKeys { return ids }

func (k tunnelKeys) CheckValue(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("expected a map, got %T", v)
	}
	per := map[string]int{}
	for key := range m {
		id, _, _ := strings.Cut(key, "/")
		per[id]++
	}
	for _, id := range k {
		if per[id] != 2 {
			return fmt.Errorf("%d tunnels of %s in %v", per[id], id, slices.Collect(maps.Keys(m)))
		}
	}
	if len(per) != len(k) {
		return fmt.Errorf("tunnels of %d connections, want %d: %v", len(per), len(k), slices.Collect(maps.Keys(m)))
	}
	return nil
}

func (k tunnelKeys) String() string { return "the tunnels of " + strings.Join(k, ", ") }

// Selection: IDs and tags together, an empty set, an unknown ID; a group that cannot be read leaves its tunnels
// unknown with the reason and a warning, the rest of the fleet read.
func TestFleetHealthDataSource_selectionAndErrors(t *testing.T) {
	t.Parallel()
	srv, group, ids := startFleet(t, false, []fleetConnection{
		{scenario: sandbox.ScenarioHealthy, tags: map[string]string{"site": "a"}, logging: true},
		{scenario: sandbox.ScenarioBGPFlap, tags: map[string]string{"site": "b"}, logging: true},
	})
	// The second connection's logs go to a group that is then deleted.
	gone := createLogGroup(t, srv, vendedGroupPrefix+"gone")
	info, _ := srv.VPNConnection(ids[1])
	for _, tu := range info.Tunnels {
		enableLoggingOutOfBand(t, srv, ids[1], tu.OutsideIPAddress, gone)
	}
	if _, err := sandboxLogs(srv).DeleteLogGroup(context.Background(), &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(vendedGroupPrefix + "gone")}); err != nil {
		t.Fatal(err)
	}
	_ = group
	fleet := func(args string) string {
		return sandboxProviderConfig(srv, fmt.Sprintf("data \"vpnlogs_fleet_health\" \"all\" {\n%s\n}\n", args))
	}
	summary := func(healthy, degraded, down, unknown int64) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(fleetAddr, tfjsonpath.New("summary"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"healthy": knownvalue.Int64Exact(healthy), "degraded": knownvalue.Int64Exact(degraded),
			"down": knownvalue.Int64Exact(down), "unknown": knownvalue.Int64Exact(unknown),
		}))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      fleet(`  vpn_connection_ids = ["vpn-0123456789abcdef0"]`),
				ExpectError: expectDiag("No such VPN connection", "vpn-0123456789abcdef0", "Check the ID"),
			},
			{
				Config:      fleet(`  vpn_connection_ids = ["vgw-0123456789abcdef0"]`),
				ExpectError: expectDiag("Invalid VPN connection ID", `"vgw-0123456789abcdef0" is not a VPN connection ID`),
			},
			{
				Config: fleet(fmt.Sprintf("  vpn_connection_ids = [%q, %q]\n  tags = { site = \"a\" }", ids[0], ids[1])),
				ConfigStateChecks: []statecheck.StateCheck{
					summary(2, 0, 0, 0),
					statecheck.ExpectKnownValue(fleetAddr, tfjsonpath.New("tunnels"), tunnelKeysOf(ids[0])),
				},
			},
			{
				Config: fleet("  vpn_connection_ids = []"),
				ConfigStateChecks: []statecheck.StateCheck{
					summary(0, 0, 0, 0),
					statecheck.ExpectKnownValue(fleetAddr, tfjsonpath.New("tunnels"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
			{
				// The whole region: the deleted group's tunnels are unknown, saying why; the others are read.
				Config: fleet(""),
				ConfigStateChecks: []statecheck.StateCheck{
					summary(2, 0, 0, 2),
					statecheck.ExpectKnownValue(fleetAddr, tfjsonpath.New("tunnels").AtMapKey(ids[1]+"/"+info.Tunnels[0].OutsideIPAddress).AtMapKey("status_reason"),
						knownvalue.StringRegexp(regexp.MustCompile(`could not be read: log group /aws/vendedlogs/vpn/gone does not exist`))),
				},
			},
		},
	})
}
