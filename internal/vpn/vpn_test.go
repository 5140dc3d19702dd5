package vpn

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const (
	arnA = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/a"
	arnB = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/b"
)

func sdkTunnel(ip, psk string, cw *types.CloudWatchLogOptions) types.TunnelOption {
	return types.TunnelOption{
		OutsideIpAddress: aws.String(ip),
		PreSharedKey:     aws.String(psk),
		TunnelInsideCidr: aws.String("169.254.10.0/30"),
		LogOptions:       &types.VpnTunnelLogOptions{CloudWatchLogOptions: cw},
	}
}

func TestFromSDK_mapsTunnelsByOutsideIP(t *testing.T) {
	t.Parallel()
	changed := time.Date(2025, 11, 8, 5, 40, 29, 0, time.UTC)
	tunnelA := sdkTunnel("203.0.113.10", "pskAAAAAAAAAAAAAAAAAAAAAAAAA", &types.CloudWatchLogOptions{
		LogEnabled: aws.Bool(true), LogGroupArn: aws.String(arnA + ":*"), LogOutputFormat: aws.String("text"),
		BgpLogEnabled: aws.Bool(false), BgpLogGroupArn: aws.String(arnB), BgpLogOutputFormat: aws.String("json"),
	})
	tunnelB := sdkTunnel("198.51.100.7", "pskBBBBBBBBBBBBBBBBBBBBBBBBB", &types.CloudWatchLogOptions{
		LogEnabled: aws.Bool(false), BgpLogEnabled: aws.Bool(true), BgpLogGroupArn: aws.String(arnB),
	})
	telA := types.VgwTelemetry{OutsideIpAddress: aws.String("203.0.113.10"), Status: "UP", StatusMessage: aws.String("1 BGP ROUTES"),
		AcceptedRouteCount: aws.Int32(1), LastStatusChange: aws.Time(changed)}
	telB := types.VgwTelemetry{OutsideIpAddress: aws.String("198.51.100.7"), Status: "DOWN", StatusMessage: aws.String("IPSEC IS DOWN"),
		AcceptedRouteCount: aws.Int32(0), LastStatusChange: aws.Time(changed)}

	wantA := Tunnel{OutsideIP: "203.0.113.10", InsideCIDR: "169.254.10.0/30",
		Logging:   Logging{Activity: LogDestination{Enabled: true, LogGroupARN: arnA + ":*", OutputFormat: "text"}},
		Telemetry: &Telemetry{Status: "UP", StatusMessage: "1 BGP ROUTES", AcceptedRouteCount: 1, LastStatusChange: changed}}
	wantB := Tunnel{OutsideIP: "198.51.100.7", InsideCIDR: "169.254.10.0/30",
		Logging:   Logging{BGP: LogDestination{Enabled: true, LogGroupARN: arnB, OutputFormat: "json"}},
		Telemetry: &Telemetry{Status: "DOWN", StatusMessage: "IPSEC IS DOWN", LastStatusChange: changed}}

	cases := map[string]struct {
		tunnels   []types.TunnelOption
		telemetry []types.VgwTelemetry
	}{
		"same order":                    {[]types.TunnelOption{tunnelA, tunnelB}, []types.VgwTelemetry{telA, telB}},
		"tunnels reversed":              {[]types.TunnelOption{tunnelB, tunnelA}, []types.VgwTelemetry{telA, telB}},
		"telemetry reversed":            {[]types.TunnelOption{tunnelA, tunnelB}, []types.VgwTelemetry{telB, telA}},
		"both reversed":                 {[]types.TunnelOption{tunnelB, tunnelA}, []types.VgwTelemetry{telB, telA}},
		"telemetry for one tunnel only": {[]types.TunnelOption{tunnelA, tunnelB}, []types.VgwTelemetry{telB}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := fromSDK(&types.VpnConnection{
				VpnConnectionId:              aws.String("vpn-0123456789abcdef0"),
				State:                        "available",
				CustomerGatewayConfiguration: aws.String("<vpn_connection><pre_shared_key>pskAAAAAAAAAAAAAAAAAAAAAAAAA</pre_shared_key></vpn_connection>"),
				Options:                      &types.VpnConnectionOptions{TunnelOptions: tc.tunnels},
				VgwTelemetry:                 tc.telemetry,
				Tags:                         []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}},
			})
			a, ok := got.Tunnel("203.0.113.10")
			if !ok {
				t.Fatal("tunnel 203.0.113.10 not found")
			}
			b, ok := got.Tunnel("198.51.100.7")
			if !ok {
				t.Fatal("tunnel 198.51.100.7 not found")
			}
			wantTelA := wantA
			if len(tc.telemetry) == 1 {
				wantTelA.Telemetry = nil
			}
			if !reflect.DeepEqual(*a, wantTelA) {
				t.Errorf("tunnel A = %+v, want %+v", *a, wantTelA)
			}
			if !reflect.DeepEqual(*b, wantB) {
				t.Errorf("tunnel B = %+v, want %+v", *b, wantB)
			}
			// Output order is by address, whatever AWS's order was.
			if got.Tunnels[0].OutsideIP != "198.51.100.7" || got.Tunnels[1].OutsideIP != "203.0.113.10" {
				t.Errorf("tunnels not sorted by address: %s, %s", got.Tunnels[0].OutsideIP, got.Tunnels[1].OutsideIP)
			}
			if got.Tags["env"] != "prod" {
				t.Errorf("tags = %v", got.Tags)
			}
			if s := strings.Join([]string{got.Tunnels[0].OutsideIP, got.Tunnels[1].OutsideIP}, " ") + " " + fmtAll(got); strings.Contains(s, "psk") {
				t.Errorf("converted connection carries a pre-shared key: %s", s)
			}
		})
	}
}

// fmtAll renders every field, so that a secret copied into any of them would show.
func fmtAll(c Connection) string {
	var b strings.Builder
	b.WriteString(strings.Join([]string{c.ID, c.State, c.Type, c.Category, c.CustomerGatewayID, c.VPNGatewayID, c.TransitGatewayID}, " "))
	for _, t := range c.Tunnels {
		b.WriteString(" " + t.OutsideIP + " " + t.InsideCIDR + " " + t.Logging.String())
	}
	return b.String()
}

func TestConnectionTunnel_canonicalAddresses(t *testing.T) {
	t.Parallel()
	c := Connection{Tunnels: []Tunnel{{OutsideIP: "2001:db8::1"}, {OutsideIP: "203.0.113.10"}}}
	for _, ip := range []string{"2001:db8:0:0::1", "2001:DB8::1", "203.0.113.10"} {
		if _, ok := c.Tunnel(ip); !ok {
			t.Errorf("Tunnel(%q) not found", ip)
		}
	}
	// A mapped address is another address to AWS: matching it would send a string AWS rejects.
	for _, ip := range []string{"203.0.113.11", "::ffff:203.0.113.10"} {
		if _, ok := c.Tunnel(ip); ok {
			t.Errorf("Tunnel(%q) found a tunnel", ip)
		}
	}
}

func TestLoggingToSDK_statesBothLogsAndOnlyLogOptions(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		in   Logging
		want types.CloudWatchLogOptionsSpecification
	}{
		"both disabled (delete)": {
			in:   Logging{},
			want: types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(false), BgpLogEnabled: aws.Bool(false)},
		},
		"activity only, default format": {
			in: Logging{Activity: LogDestination{Enabled: true, LogGroupARN: arnA}},
			want: types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: aws.String(arnA), LogOutputFormat: aws.String("json"),
				BgpLogEnabled: aws.Bool(false)},
		},
		"both, text BGP": {
			in: Logging{Activity: LogDestination{Enabled: true, LogGroupARN: arnA, OutputFormat: "json"},
				BGP: LogDestination{Enabled: true, LogGroupARN: arnB, OutputFormat: "text"}},
			want: types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: aws.String(arnA), LogOutputFormat: aws.String("json"),
				BgpLogEnabled: aws.Bool(true), BgpLogGroupArn: aws.String(arnB), BgpLogOutputFormat: aws.String("text")},
		},
		"disabled log sends no ARN even if one is set": {
			in:   Logging{BGP: LogDestination{Enabled: false, LogGroupARN: arnB, OutputFormat: "text"}},
			want: types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(false), BgpLogEnabled: aws.Bool(false)},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := tc.in.toSDK()
			if !reflect.DeepEqual(*spec.LogOptions.CloudWatchLogOptions, tc.want) {
				t.Errorf("got %+v, want %+v", *spec.LogOptions.CloudWatchLogOptions, tc.want)
			}
			// Nothing but log options: other tunnel options must stay as the owner of the connection set them.
			spec.LogOptions = nil
			if !reflect.DeepEqual(*spec, types.ModifyVpnTunnelOptionsSpecification{}) {
				t.Errorf("request carries options other than log options: %+v", *spec)
			}
		})
	}
}

func TestLoggingEqual(t *testing.T) {
	t.Parallel()
	on := func(arn, format string) LogDestination {
		return LogDestination{Enabled: true, LogGroupARN: arn, OutputFormat: format}
	}
	cases := []struct {
		a, b Logging
		want bool
	}{
		{Logging{Activity: on(arnA, "json")}, Logging{Activity: on(arnA+":*", "")}, true},
		{Logging{Activity: on(arnA, "json")}, Logging{Activity: on(arnA, "text")}, false},
		{Logging{Activity: on(arnA, "json")}, Logging{Activity: on(arnB, "json")}, false},
		{Logging{BGP: LogDestination{LogGroupARN: arnA}}, Logging{}, true},
		{Logging{BGP: on(arnA, "json")}, Logging{}, false},
	}
	for i, tc := range cases {
		if got := tc.a.Equal(tc.b); got != tc.want {
			t.Errorf("case %d: %v.Equal(%v) = %v, want %v", i, tc.a, tc.b, got, tc.want)
		}
	}
}

// The time of a telemetry status change is written in UTC to the second, by the provider and the setup tool alike.
func TestTelemetry_StatusChangedAt(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 30, 5, 250*int(time.Millisecond), time.FixedZone("CET", 3600))
	if s, ok := (&Telemetry{LastStatusChange: at}).StatusChangedAt(); !ok || s != "2026-03-01T11:30:05Z" {
		t.Errorf("StatusChangedAt = %q, %v; want 2026-03-01T11:30:05Z", s, ok)
	}
	for _, tel := range []*Telemetry{nil, {Status: TelemetryUp}} {
		if s, ok := tel.StatusChangedAt(); ok || s != "" {
			t.Errorf("%+v: StatusChangedAt = %q, %v; want none", tel, s, ok)
		}
	}
}
