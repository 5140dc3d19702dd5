package provider

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// The diagnostics of validation and planning, through the provider's protocol server (what Terraform calls), with
// the attribute path each one is attached to: Terraform shows a nested attribute's diagnostic at the resource, so
// the path (and the detail, which names it) is how users learn which value is wrong.

// tfValue builds a value of type typ from Go values: nil is null, unknownValue is unknown, maps are objects or maps,
// slices are lists or sets, strings, numbers (int, float64) and bools are themselves.
func tfValue(t *testing.T, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	if v == nil {
		return tftypes.NewValue(typ, nil)
	}
	if v == unknownValue {
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	switch ty := typ.(type) {
	case tftypes.Object:
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v is not an object", v)
		}
		vals := map[string]tftypes.Value{}
		for name, at := range ty.AttributeTypes {
			vals[name] = tfValue(t, at, m[name])
			delete(m, name)
		}
		if len(m) > 0 {
			t.Fatalf("attributes %v are not in the schema", m)
		}
		return tftypes.NewValue(ty, vals)
	case tftypes.List, tftypes.Set:
		l, ok := v.([]any)
		if !ok {
			t.Fatalf("%v is not a list or set", v)
		}
		var elem tftypes.Type
		switch c := ty.(type) {
		case tftypes.List:
			elem = c.ElementType
		case tftypes.Set:
			elem = c.ElementType
		}
		var vals []tftypes.Value
		for _, e := range l {
			vals = append(vals, tfValue(t, elem, e))
		}
		return tftypes.NewValue(ty, vals)
	case tftypes.Map:
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v is not a map", v)
		}
		vals := map[string]tftypes.Value{}
		for k, e := range m {
			vals[k] = tfValue(t, ty.ElementType, e)
		}
		return tftypes.NewValue(ty, vals)
	}
	switch x := v.(type) {
	case int:
		return tftypes.NewValue(typ, big.NewFloat(float64(x)))
	case float64:
		return tftypes.NewValue(typ, big.NewFloat(x))
	}
	return tftypes.NewValue(typ, v)
}

type unknownMarker struct{}

var unknownValue any = unknownMarker{}

// diagnosticLine is a diagnostic as the tests compare it: severity, summary, attribute path.
func diagnosticLine(d *tfprotov6.Diagnostic) string {
	var p strings.Builder
	if d.Attribute != nil {
		for _, step := range d.Attribute.Steps() {
			switch s := step.(type) {
			case tftypes.AttributeName:
				if p.Len() > 0 {
					p.WriteString(".")
				}
				p.WriteString(string(s))
			case tftypes.ElementKeyInt:
				fmt.Fprintf(&p, "[%d]", int64(s))
			case tftypes.ElementKeyString:
				fmt.Fprintf(&p, "[%q]", string(s))
			}
		}
	}
	return fmt.Sprintf("%s|%s|%s", strings.ToLower(d.Severity.String()), d.Summary, p.String())
}

// protoRun is one provider server configured against a sandbox.
type protoRun struct {
	t      *testing.T
	server tfprotov6.ProviderServer
	schema *tfprotov6.GetProviderSchemaResponse
}

// newUnconfiguredProtoRun is a provider server that has given its schema and nothing else.
func newUnconfiguredProtoRun(t *testing.T) *protoRun {
	t.Helper()
	server := providerserver.NewProtocol6(New("test")())()
	sch, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return &protoRun{t: t, server: server, schema: sch}
}

func newProtoRun(t *testing.T, providerConfig map[string]any) (*protoRun, []*tfprotov6.Diagnostic) {
	t.Helper()
	r := newUnconfiguredProtoRun(t)
	server, ctx := r.server, context.Background()
	cfg := r.dynamic(r.schema.Provider, providerConfig)
	vresp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if hasError(vresp.Diagnostics) {
		return r, vresp.Diagnostics
	}
	cresp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return r, append(vresp.Diagnostics, cresp.Diagnostics...)
}

func hasError(ds []*tfprotov6.Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func (r *protoRun) dynamic(s *tfprotov6.Schema, v map[string]any) *tfprotov6.DynamicValue {
	r.t.Helper()
	typ := s.ValueType()
	dv, err := tfprotov6.NewDynamicValue(typ, tfValue(r.t, typ, v))
	if err != nil {
		r.t.Fatal(err)
	}
	return &dv
}

// planCreate validates the configuration of a new resource and, when it is valid, plans its creation.
func (r *protoRun) planCreate(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	r.t.Helper()
	ctx := context.Background()
	s := r.schema.ResourceSchemas[typeName]
	cfg := r.dynamic(s, config)
	vresp, err := r.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: cfg})
	if err != nil {
		r.t.Fatal(err)
	}
	if hasError(vresp.Diagnostics) {
		return vresp.Diagnostics
	}
	prior, err := tfprotov6.NewDynamicValue(s.ValueType(), tftypes.NewValue(s.ValueType(), nil))
	if err != nil {
		r.t.Fatal(err)
	}
	presp, err := r.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, Config: cfg, ProposedNewState: cfg, PriorState: &prior,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return append(vresp.Diagnostics, presp.Diagnostics...)
}

// readDataSource validates and reads a data source.
func (r *protoRun) readDataSource(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	r.t.Helper()
	ctx := context.Background()
	cfg := r.dynamic(r.schema.DataSourceSchemas[typeName], config)
	vresp, err := r.server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName, Config: cfg})
	if err != nil {
		r.t.Fatal(err)
	}
	if hasError(vresp.Diagnostics) {
		return vresp.Diagnostics
	}
	rresp, err := r.server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: cfg})
	if err != nil {
		r.t.Fatal(err)
	}
	return append(vresp.Diagnostics, rresp.Diagnostics...)
}

// importState imports a resource by ID.
func (r *protoRun) importState(typeName, id string) []*tfprotov6.Diagnostic {
	r.t.Helper()
	resp, err := r.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: typeName, ID: id})
	if err != nil {
		r.t.Fatal(err)
	}
	return resp.Diagnostics
}

func sandboxProviderMap(srv *sandbox.Server, extra map[string]any) map[string]any {
	m := map[string]any{
		"region": testRegion, "access_key": testAccessKeyID, "secret_key": testSecretKey, "skip_metadata_api_check": true,
		"max_retries": 0, "preflight_permissions": false,
		"endpoints": []any{map[string]any{"ec2": srv.URL(), "logs": srv.URL(), "sts": srv.URL(), "iam": srv.URL()}},
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// TestDiagnostics_attributePaths: every diagnostic of the plan-time checks, with the attribute it points at and
// the words its detail must hold (the path of a nested value, what is accepted, the suggestion), and the form of its
// summary (summaryStyleProblem): a finding in sentence case, an operation that failed as a lower-case gerund.
func TestDiagnostics_attributePaths(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	// AWS refuses the reads here: the operations that fail, and what the plan says about a tunnel it cannot read.
	denied := startSandbox(t, func(o *sandbox.Options) {
		o.DenyActions = []string{"ec2:DescribeVpnConnections", "logs:DescribeResourcePolicies"}
	})
	deniedGroup := createLogGroup(t, denied, vendedGroupPrefix+"denied")
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"diag")
	ordinary := createLogGroup(t, srv, "/vpn/diag")
	arn := func(region, account, name string) string {
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, account, name)
	}
	tunnel := func(conn, ip string, tunnelLog, bgpLog any) map[string]any {
		return map[string]any{"vpn_connection_id": conn, "tunnel_outside_ip_address": ip, "tunnel_log": tunnelLog, "bgp_log": bgpLog}
	}
	dest := func(arn string) map[string]any { return map[string]any{"log_group_arn": arn} }
	deadPort := acctest.ClosedPortURL(t)

	type diagWant struct {
		line   string   // severity|summary|path
		detail []string // phrases of the detail
	}
	cases := map[string]struct {
		provider map[string]any // nil: the sandbox provider
		resource string         // resource type planned; "" for data source or provider only
		data     string         // data source read
		importID string         // with resource: the ID imported instead of planning
		config   map[string]any
		want     []diagWant
	}{
		"tunnel_log ARN that is not one": {
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, ips[0], dest("/aws/vendedlogs/x"), nil),
			want: []diagWant{{"error|Invalid log group ARN|tunnel_log.log_group_arn", []string{"tunnel_log.log_group_arn:", "is not a CloudWatch Logs log group ARN"}}},
		},
		"bgp_log output format": {
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, ips[0], nil, map[string]any{"log_group_arn": group, "output_format": "xml"}),
			want: []diagWant{{"error|Invalid Attribute Value Match|bgp_log.output_format", []string{"bgp_log.output_format", `"json" "text"`}}},
		},
		"tunnel_log group in another region": {
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, ips[0], dest(arn("eu-west-1", testAccountID, "/aws/vendedlogs/x")), nil),
			want: []diagWant{{"error|Log group in another region|tunnel_log.log_group_arn", []string{"tunnel_log.log_group_arn:", "is in region eu-west-1, but the provider works in us-east-1"}}},
		},
		"bgp_log group in another account": {
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, ips[0], nil, dest(arn(testRegion, "210987654321", "/aws/vendedlogs/x"))),
			want: []diagWant{{"error|Log group in another account|bgp_log.log_group_arn", []string{"bgp_log.log_group_arn:", "is in account 210987654321"}}},
		},
		"bgp_log group that does not exist": {
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, ips[0], dest(group), dest(arn(testRegion, testAccountID, "/aws/vendedlogs/vpn/x"))),
			want: []diagWant{{"error|Log group does not exist|bgp_log.log_group_arn", []string{
				"bgp_log.log_group_arn:", "The log group /aws/vendedlogs/vpn/x does not exist in 123456789012/us-east-1",
				"Create the group with vpnlogs_log_group", `name = "/aws/vendedlogs/vpn/x"`, "Or set log_group_arn to the ARN of an existing log group."}}},
		},
		"no such tunnel": {
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, "192.0.2.1", dest(group), nil),
			want: []diagWant{{"error|No such tunnel|tunnel_outside_ip_address", []string{"has no tunnel with outside IP address 192.0.2.1", "Its tunnels are ", ips[0], ips[1]}}},
		},
		"no such connection": {
			resource: "vpnlogs_tunnel_logging", config: tunnel("vpn-00000000000000000", ips[0], dest(group), nil),
			want: []diagWant{{"error|No such VPN connection|vpn_connection_id", []string{"does not exist in us-east-1", "the provider's region (us-east-1) is the connection's region"}}},
		},
		"budget over the limit, on the resource": {
			provider: sandboxProviderMap(srv, map[string]any{"resource_policy_size_limit": 400}),
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, ips[1], dest(ordinary), nil),
			want: []diagWant{{"error|CloudWatch Logs resource policy would exceed its size limit|", []string{
				"would make AWS create the account-level CloudWatch Logs resource policy AWSLogDeliveryWrite20150319 with",
				"the policy AWSLogDeliveryWrite20150319 itself, which AWS creates: +355 characters", ordinary + ": +", "/vpn/diag -> /aws/vendedlogs/vpn/diag"}}},
		},
		"tunnel interruption, on the resource": {
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, ips[0], dest(group), nil),
			want: []diagWant{{"warning|Tunnel interruption|", []string{"Enabling logging on tunnel " + ips[0] + " of " + id}}},
		},
		"no such tunnel, on the health data source": {
			data: "vpnlogs_tunnel_health", config: map[string]any{"vpn_connection_id": id, "tunnel_outside_ip_address": "192.0.2.1"},
			want: []diagWant{{"error|No such tunnel|tunnel_outside_ip_address", []string{"has no tunnel with outside IP address 192.0.2.1", "Its tunnels are "}}},
		},
		"no such connection, on the connections data source": {
			data: "vpnlogs_vpn_connections", config: map[string]any{"ids": []any{"vpn-00000000000000000"}},
			want: []diagWant{{"error|No such VPN connection|ids", []string{"vpn-00000000000000000 does not exist in us-east-1", "Check the ID, and that the provider's region"}}},
		},
		"no such connection, on the fleet data source": {
			data: "vpnlogs_fleet_health", config: map[string]any{"vpn_connection_ids": []any{"vpn-00000000000000000"}},
			want: []diagWant{{"error|No such VPN connection|vpn_connection_ids", []string{"vpn-00000000000000000 does not exist in us-east-1", "Check the ID"}}},
		},
		"connection ID that is not one": {
			data: "vpnlogs_vpn_connections", config: map[string]any{"ids": []any{id, "vgw-0123456789abcdef0"}},
			want: []diagWant{{"error|Invalid VPN connection ID|ids[1]", []string{`ids[1]: "vgw-0123456789abcdef0" is not a VPN connection ID such as vpn-0123456789abcdef0`}}},
		},
		"import ID": {
			importID: "vpn-0123456789abcdef0:203.0.113.10", resource: "vpnlogs_tunnel_logging",
			want: []diagWant{{"error|Invalid import ID|", []string{"Expected <vpn_connection_id>/<tunnel_outside_ip_address>", `got "vpn-0123456789abcdef0:203.0.113.10"`}}},
		},
		"tunnel that cannot be read, on the resource": {
			provider: sandboxProviderMap(denied, nil),
			resource: "vpnlogs_tunnel_logging", config: tunnel("vpn-0123456789abcdef0", "203.0.113.10", dest(deniedGroup), nil),
			want: []diagWant{
				{"warning|reading EC2 VPN connection (vpn-0123456789abcdef0) tunnel (203.0.113.10) log options|", []string{
					"UnauthorizedOperation", "The plan could not check that the tunnel exists or what it logs now"}},
				{"warning|CloudWatch Logs resource policy budget not checked|", []string{"AccessDeniedException"}},
				{"warning|Tunnel interruption|", []string{"Enabling logging on tunnel 203.0.113.10 of vpn-0123456789abcdef0"}},
			},
		},
		"connections that cannot be read": {
			provider: sandboxProviderMap(denied, nil), data: "vpnlogs_vpn_connections", config: map[string]any{},
			want: []diagWant{{"error|reading EC2 VPN connections|", []string{"UnauthorizedOperation"}}},
		},
		"resource policies that cannot be read": {
			provider: sandboxProviderMap(denied, nil), data: "vpnlogs_resource_policy_budget", config: map[string]any{},
			want: []diagWant{{"error|reading CloudWatch Logs resource policies|", []string{"AccessDeniedException"}}},
		},
		"IP address": {
			resource: "vpnlogs_tunnel_logging", config: tunnel(id, "tunnel1", dest(group), nil),
			want: []diagWant{{"error|Invalid IP address|tunnel_outside_ip_address", []string{`"tunnel1" is not an IP address`}}},
		},
		"retention that is a fraction": {
			resource: "vpnlogs_log_group", config: map[string]any{"name": "/aws/vendedlogs/vpn/r", "retention_in_days": 1.5},
			want: []diagWant{{"error|Value not accepted|retention_in_days", []string{"retention_in_days is 1.5, which is not one of", "Use 1 or 3."}}},
		},
		"log group name": {
			resource: "vpnlogs_log_group", config: map[string]any{"name": "aws/x"},
			want: []diagWant{{"error|Invalid log group name|name", []string{"name:", `did you mean "/aws/x"`}}},
		},
		"log group outside vendedlogs": {
			resource: "vpnlogs_log_group", config: map[string]any{"name": "/vpn/x"},
			want: []diagWant{{"error|Log group outside /aws/vendedlogs/|name", []string{`use name = "/aws/vendedlogs/vpn/x"`}}},
		},
		"lookback in days": {
			data: "vpnlogs_tunnel_health", config: map[string]any{"vpn_connection_id": id, "tunnel_outside_ip_address": ips[0], "lookback": "1d"},
			want: []diagWant{{"error|Invalid lookback|lookback", []string{`lookback: lookback "1d" is not a Go duration: use "24h"`}}},
		},
		"lookback too long": {
			data: "vpnlogs_tunnel_health", config: map[string]any{"vpn_connection_id": id, "tunnel_outside_ip_address": ips[0], "lookback": "2400h"},
			want: []diagWant{{"error|Invalid lookback|lookback", []string{"out of range", `Use "2160h".`}}},
		},
		"region": {
			provider: sandboxProviderMap(srv, map[string]any{"region": "not a region"}),
			want:     []diagWant{{"error|Invalid AWS region|region", []string{`region is "not a region" is not a region name`}}},
		},
		"max_retries that is a fraction": {
			provider: sandboxProviderMap(srv, map[string]any{"max_retries": 2.5}),
			want:     []diagWant{{"error|Not a whole number|max_retries", []string{"max_retries is 2.5; it must be a whole number 0 or more. Use 2 or 3."}}},
		},
		"resource_policy_size_limit out of range": {
			provider: sandboxProviderMap(srv, map[string]any{"resource_policy_size_limit": 50}),
			want:     []diagWant{{"error|Value out of range|resource_policy_size_limit", []string{"between 100 and 1000000. Use 100."}}},
		},
		"assume_role duration in days": {
			provider: sandboxProviderMap(srv, map[string]any{"assume_role": []any{map[string]any{"role_arn": "arn:aws:iam::123456789012:role/r", "duration": "1d"}}}),
			want:     []diagWant{{"error|Invalid duration|assume_role[0].duration", []string{`assume_role[0].duration is "1d" is not a Go duration: use "24h"`}}},
		},
		"malformed endpoint": {
			provider: sandboxProviderMap(srv, map[string]any{"endpoints": []any{map[string]any{"sts": "127.0.0.1:4599"}}}),
			want:     []diagWant{{"error|Malformed endpoint URL|endpoints[0].sts", []string{"it has no scheme"}}},
		},
		"unreachable endpoint": {
			provider: sandboxProviderMap(srv, map[string]any{"endpoints": []any{map[string]any{"ec2": srv.URL(), "logs": srv.URL(), "iam": srv.URL(), "sts": deadPort}}}),
			want:     []diagWant{{"error|AWS endpoint unreachable|endpoints[0].sts", []string{"Calling sts:GetCallerIdentity at " + deadPort, "connection refused", "set by endpoints.sts"}}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pc := tc.provider
			if pc == nil {
				pc = sandboxProviderMap(srv, nil)
			}
			r, got := newProtoRun(t, pc)
			switch {
			case tc.importID != "":
				got = append(got, r.importState(tc.resource, tc.importID)...)
			case tc.resource != "":
				got = append(got, r.planCreate(tc.resource, tc.config)...)
			case tc.data != "":
				got = append(got, r.readDataSource(tc.data, tc.config)...)
			}
			var lines []string
			for _, d := range got {
				lines = append(lines, diagnosticLine(d))
				if p := summaryStyleProblem(d.Summary); p != "" && !frameworkSummaries[d.Summary] {
					t.Errorf("%s: %s", diagnosticLine(d), p)
				}
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, w.line)
			}
			sort.Strings(lines)
			sort.Strings(want)
			if strings.Join(lines, "\n") != strings.Join(want, "\n") {
				t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
			for _, w := range tc.want {
				for _, d := range got {
					if diagnosticLine(d) != w.line {
						continue
					}
					for _, p := range w.detail {
						if !strings.Contains(d.Detail, p) {
							t.Errorf("%s: detail lacks %q:\n%s", w.line, p, d.Detail)
						}
					}
				}
			}
		})
	}
}

// TestDiagnostics_unconfiguredProvider drives every resource and data source through the protocol server of a
// provider that was never configured (Terraform validates, and may plan, before it configures the provider; a provider
// whose configuration failed is never configured): validation and planning check nothing and say nothing, and every
// operation that needs AWS fails with "Provider not configured" instead of panicking. vpnlogs_iam_policy_document
// needs no AWS and works.
func TestDiagnostics_unconfiguredProvider(t *testing.T) {
	t.Parallel()
	arn := testLogGroupARN("/aws/vendedlogs/vpn/x")
	// configs are built afresh for each use: tfValue consumes the maps it reads.
	configs := func() map[string]map[string]any {
		return map[string]map[string]any{
			"vpnlogs_tunnel_logging": {"vpn_connection_id": "vpn-0123456789abcdef0", "tunnel_outside_ip_address": "203.0.113.10",
				"tunnel_log": map[string]any{"log_group_arn": arn, "output_format": "json"}},
			"vpnlogs_log_group":              {"name": "/aws/vendedlogs/vpn/x"},
			"vpnlogs_account":                {},
			"vpnlogs_fleet_health":           {},
			"vpnlogs_iam_policy_document":    {},
			"vpnlogs_permissions_check":      {},
			"vpnlogs_resource_policy_budget": {},
			"vpnlogs_tunnel_health":          {"vpn_connection_id": "vpn-0123456789abcdef0", "tunnel_outside_ip_address": "203.0.113.10"},
			"vpnlogs_vpn_connections":        {},
		}
	}
	r := newUnconfiguredProtoRun(t)
	server, sch, ctx := r.server, r.schema, context.Background()
	notConfigured := func(what string, ds []*tfprotov6.Diagnostic) {
		t.Helper()
		if len(ds) != 1 || ds[0].Severity != tfprotov6.DiagnosticSeverityError || ds[0].Summary != "Provider not configured" ||
			!strings.Contains(ds[0].Detail, "The vpnlogs provider was not configured") {
			t.Errorf("%s: diagnostics %s, want the one error Provider not configured", what, lines(ds))
		}
	}
	silent := func(what string, ds []*tfprotov6.Diagnostic) {
		t.Helper()
		if len(ds) > 0 {
			t.Errorf("%s: diagnostics %s, want none", what, lines(ds))
		}
	}

	for typeName, s := range sch.ResourceSchemas {
		config, ok := configs()[typeName]
		if !ok {
			t.Errorf("%s: no configuration in this test", typeName)
			continue
		}
		cfg := r.dynamic(s, config)
		silent(typeName+" plan", r.planCreate(typeName, configs()[typeName]))
		null, err := tfprotov6.NewDynamicValue(s.ValueType(), tftypes.NewValue(s.ValueType(), nil))
		if err != nil {
			t.Fatal(err)
		}
		apply := func(planned, prior *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
				TypeName: typeName, Config: cfg, PlannedState: planned, PriorState: prior})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Diagnostics
		}
		notConfigured(typeName+" create", apply(cfg, &null))
		notConfigured(typeName+" update", apply(cfg, cfg))
		notConfigured(typeName+" delete", apply(&null, cfg))
		resp, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: cfg})
		if err != nil {
			t.Fatal(err)
		}
		notConfigured(typeName+" read", resp.Diagnostics)
	}
	for typeName := range sch.DataSourceSchemas {
		config, ok := configs()[typeName]
		if !ok {
			t.Errorf("%s: no configuration in this test", typeName)
			continue
		}
		ds := r.readDataSource(typeName, config)
		if typeName == "vpnlogs_iam_policy_document" {
			silent(typeName+" read", ds)
			continue
		}
		notConfigured(typeName+" read", ds)
	}
}

func lines(ds []*tfprotov6.Diagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, diagnosticLine(d)+": "+d.Detail)
	}
	return "[" + strings.Join(out, "; ") + "]"
}
