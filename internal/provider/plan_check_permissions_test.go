package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// expectCallCount is a plan check: when the plan is made, the sandbox has served service:action exactly want times.
type expectCallCount struct {
	srv             *sandbox.Server
	service, action string
	want            int
}

func (e expectCallCount) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if got := callCount(e.srv, e.service, e.action); got != e.want {
		resp.Error = fmt.Errorf("%s:%s was called %d times during the plan, want %d", e.service, e.action, got, e.want)
	}
}

// twoTunnelsConfig enables the activity log on both tunnels of a connection.
func twoTunnelsConfig(srv *sandbox.Server, id string, ips []string, group, providerExtra string) string {
	cfg := sandboxProviderConfig(srv, fmt.Sprintf(`
resource "vpnlogs_tunnel_logging" "a" {
  vpn_connection_id         = %[1]q
  tunnel_outside_ip_address = %[2]q
  tunnel_log                = { log_group_arn = %[4]q }
}

resource "vpnlogs_tunnel_logging" "b" {
  vpn_connection_id         = %[1]q
  tunnel_outside_ip_address = %[3]q
  tunnel_log                = { log_group_arn = %[4]q }
}
`, id, ips[0], ips[1], group))
	if providerExtra != "" {
		cfg = strings.Replace(cfg, "provider \"vpnlogs\" {\n", "provider \"vpnlogs\" {\n"+providerExtra+"\n", 1)
	}
	return cfg
}

// preflightFailure runs one plan of two tunnels that must fail with the permissions error exactly once, before
// any change, after one simulation.
func preflightFailure(t *testing.T, implicit, explicit []string, phrases ...string) {
	t.Helper()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"preflight")
	// Deny only after the setup above, which the test does with the same (default) caller.
	srv.SetDenyActions(implicit, explicit)
	srv.ResetStats()

	var planErr error
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// ErrorCheck sees the whole error text: the plan must fail once, not once per tunnel.
		ErrorCheck: func(err error) error {
			planErr = err
			if n := strings.Count(err.Error(), "Missing IAM permissions for VPN log delivery"); n != 1 {
				return fmt.Errorf("the permissions error appears %d times, want once: %w", n, err)
			}
			if !expectDiag(phrases...).MatchString(err.Error()) {
				return fmt.Errorf("the error does not match %s: %w", expectDiag(phrases...), err)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: twoTunnelsConfig(srv, id, ips, group, "")}},
	})
	if planErr == nil {
		t.Fatal("the plan did not fail")
	}
	t.Logf("plan error:\n%s", planErr)
	if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 0 {
		t.Errorf("ModifyVpnTunnelOptions was called %d times; the plan must fail before any change", n)
	}
	if n := callCount(srv, "iam", "SimulatePrincipalPolicy"); n != 1 {
		t.Errorf("SimulatePrincipalPolicy was called %d times for one plan of two tunnels, want 1", n)
	}
}

func TestPreflight_missingActionFailsPlan(t *testing.T) {
	t.Parallel()
	preflightFailure(t, []string{"logs:CreateLogDelivery", "logs:PutResourcePolicy"}, nil,
		"Missing IAM permissions for VPN log delivery",
		"arn:aws:iam::123456789012:role/vpnlogs-sandbox",
		"logs:CreateLogDelivery: not allowed by any policy",
		"logs:PutResourcePolicy: not allowed by any policy",
		"Attach to arn:aws:iam::123456789012:role/vpnlogs-sandbox the policy below",
		`"Sid": "S2SVPNLogging"`, `"logs:CreateLogDelivery"`,
		`"Sid": "S2SVPNTunnelModify"`, `"arn:aws:ec2:us-east-1:123456789012:vpn-connection/*"`,
		"preflight_permissions = false")
}

func TestPreflight_explicitDenyFailsPlan(t *testing.T) {
	t.Parallel()
	preflightFailure(t, nil, []string{"ec2:ModifyVpnTunnelOptions"},
		"Missing IAM permissions for VPN log delivery",
		"ec2:ModifyVpnTunnelOptions: explicitly denied",
		"Remove or narrow the explicit Deny of ec2:ModifyVpnTunnelOptions", "an Allow does not override it")
}

func TestPreflight_twoTunnelsOneSimulation(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"preflight")
	srv.ResetStats()

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: twoTunnelsConfig(srv, id, ips, group, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("vpnlogs_tunnel_logging.a", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("vpnlogs_tunnel_logging.b", plancheck.ResourceActionCreate),
				expectCallCount{srv: srv, service: "iam", action: "SimulatePrincipalPolicy", want: 1},
				expectCallCount{srv: srv, service: "ec2", action: "ModifyVpnTunnelOptions", want: 0},
			}},
		}},
	})
	// Two enables, then the test's destroy turns both logs off.
	if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 4 {
		t.Errorf("ModifyVpnTunnelOptions was called %d times, want 4 (two creates, two destroys)", n)
	}
}

func TestPreflight_simulationDeniedWarnsAndPlanContinues(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"iam:SimulatePrincipalPolicy"} })
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"preflight")
	srv.ResetStats()

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: twoTunnelsConfig(srv, id, ips, group, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("vpnlogs_tunnel_logging.a", plancheck.ResourceActionCreate),
				expectCallCount{srv: srv, service: "iam", action: "SimulatePrincipalPolicy", want: 1},
			}},
		}},
	})
	// Two enables, then the test's destroy turns both logs off.
	if n := callCount(srv, "ec2", "ModifyVpnTunnelOptions"); n != 4 {
		t.Errorf("ModifyVpnTunnelOptions was called %d times, want 4 (two creates, two destroys): the plan must continue", n)
	}
}

func TestPreflight_disabledMakesNoCall(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	id, ips := createVPNConnection(t, srv, nil)
	group := createLogGroup(t, srv, vendedGroupPrefix+"preflight")
	srv.SetDenyActions([]string{"logs:CreateLogDelivery"}, nil) // the preflight would fail the plan
	srv.ResetStats()

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             twoTunnelsConfig(srv, id, ips, group, "  preflight_permissions = false"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	for _, a := range []string{"SimulatePrincipalPolicy", "GetRole"} {
		if n := callCount(srv, "iam", a); n != 0 {
			t.Errorf("iam:%s was called %d times with preflight_permissions = false", a, n)
		}
	}
}

// newTestProviderData configures provider data against the sandbox, as Configure does.
func newTestProviderData(t *testing.T, srv *sandbox.Server, preflight bool) *providerData {
	t.Helper()
	retries := 0
	c, err := awsconfig.Load(context.Background(), awsconfig.Config{
		Region: testRegion, AccessKey: acctest.AccessKeyID, SecretKey: acctest.SecretKey, EndpointURL: srv.URL(),
		SkipMetadataAPICheck: true, MaxRetries: &retries,
	})
	if err != nil {
		t.Fatal(err)
	}
	return newProviderData(c, budgetSettings{limit: logdelivery.DefaultPolicySizeLimit, model: logdelivery.ModelAuto}, preflight, WithVPNOptions(testVPNOptions))
}

func TestPreflight_checkPermissionsOncePerRun(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:UpdateLogDelivery"} })
	d := newTestProviderData(t, srv, true)

	// Ten resources plan concurrently: one simulation, one error, on exactly one of them.
	all := make([]diag.Diagnostics, 10)
	var wg sync.WaitGroup
	for i := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.checkPermissions(context.Background(), &all[i])
		}()
	}
	wg.Wait()
	errs, other := 0, 0
	for _, diags := range all {
		errs += diags.ErrorsCount()
		other += diags.WarningsCount()
		for _, e := range diags.Errors() {
			if !strings.Contains(e.Detail(), "logs:UpdateLogDelivery: not allowed by any policy") {
				t.Errorf("error detail %q", e.Detail())
			}
		}
	}
	if errs != 1 || other != 0 {
		t.Errorf("%d errors and %d warnings over 10 resources, want 1 error", errs, other)
	}
	if n := callCount(srv, "iam", "SimulatePrincipalPolicy"); n != 1 {
		t.Errorf("%d simulations, want 1", n)
	}

	// A second run (a new Configure) checks again.
	d2 := newTestProviderData(t, srv, true)
	var diags diag.Diagnostics
	d2.checkPermissions(context.Background(), &diags)
	if diags.ErrorsCount() != 1 || callCount(srv, "iam", "SimulatePrincipalPolicy") != 2 {
		t.Errorf("second run: %v, %d simulations", diags, callCount(srv, "iam", "SimulatePrincipalPolicy"))
	}
}

func TestPreflight_checkPermissionsWarningText(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"iam:SimulatePrincipalPolicy"} })
	d := newTestProviderData(t, srv, true)
	var diags diag.Diagnostics
	d.checkPermissions(context.Background(), &diags)
	if diags.ErrorsCount() != 0 || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	w := diags.Warnings()[0]
	text := w.Summary() + "\n" + w.Detail()
	if !expectDiag("IAM permissions not checked", "arn:aws:iam::123456789012:role/vpnlogs-sandbox were not simulated",
		"may not call iam:SimulatePrincipalPolicy", "Allow iam:SimulatePrincipalPolicy",
		"Not checked: ec2:DescribeVpnConnections, ec2:ModifyVpnTunnelOptions, logs:CreateLogDelivery",
		"The plan continues", "preflight_permissions = false").MatchString(text) {
		t.Errorf("warning text:\n%s", text)
	}
	var again diag.Diagnostics
	d.checkPermissions(context.Background(), &again)
	if len(again) != 0 {
		t.Errorf("second call in the run re-emitted %v", again)
	}
}

func TestPreflight_checkPermissionsDisabled(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:CreateLogDelivery"} })
	d := newTestProviderData(t, srv, false)
	srv.ResetStats()
	var diags diag.Diagnostics
	d.checkPermissions(context.Background(), &diags)
	if len(diags) != 0 || len(srv.Stats()["iam"]) != 0 || len(srv.Stats()["sts"]) != 0 {
		t.Errorf("disabled preflight: diagnostics %v, calls %v", diags, srv.Stats())
	}
}

func TestPreflight_sharedWithPermissionsCheck(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, nil)
	d := newTestProviderData(t, srv, true)
	// The data source (default principal and actions) reads first; the preflight reuses its result and still
	// reports (nothing, here: all allowed).
	res := d.simulatePermissions(context.Background(), "", requiredActionsByHand)
	var diags diag.Diagnostics
	d.checkPermissions(context.Background(), &diags)
	if !res.Allowed || len(diags) != 0 || callCount(srv, "iam", "SimulatePrincipalPolicy") != 1 {
		t.Errorf("result %+v, diagnostics %v, %d simulations", res, diags, callCount(srv, "iam", "SimulatePrincipalPolicy"))
	}
}
