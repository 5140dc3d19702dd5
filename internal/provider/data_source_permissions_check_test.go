package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// requiredActionsByHand is iampolicy.RequiredActions written out: delivery plus tunnel modify.
var requiredActionsByHand = sortedConcat(docDeliveryActions, docTunnelActions)

const permissionsCheckAddr = "data.vpnlogs_permissions_check.test"

type permissionsWant struct {
	principal        string
	allowed          bool
	evaluated        bool
	missing          []string
	explicitlyDenied []string
	actions          []string
	reason           []string // phrases, in order
}

func permissionsChecks(w permissionsWant) []statecheck.StateCheck {
	at := func(attr string) tfjsonpath.Path { return tfjsonpath.New(attr) }
	actions := w.actions
	if actions == nil {
		actions = requiredActionsByHand
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(permissionsCheckAddr, at("allowed"), knownvalue.Bool(w.allowed)),
		statecheck.ExpectKnownValue(permissionsCheckAddr, at("evaluated"), knownvalue.Bool(w.evaluated)),
		statecheck.ExpectKnownValue(permissionsCheckAddr, at("missing_actions"), stringListExact(w.missing)),
		statecheck.ExpectKnownValue(permissionsCheckAddr, at("explicitly_denied_actions"), stringListExact(w.explicitlyDenied)),
		statecheck.ExpectKnownValue(permissionsCheckAddr, at("actions"), stringListExact(actions)),
		statecheck.ExpectKnownValue(permissionsCheckAddr, at("principal_arn"), knownvalue.StringExact(w.principal)),
	}
	if len(w.reason) > 0 {
		checks = append(checks, statecheck.ExpectKnownValue(permissionsCheckAddr, at("reason"), knownvalue.StringRegexp(expectDiag(w.reason...))))
	}
	return checks
}

const defaultCallerRole = "arn:aws:iam::123456789012:role/vpnlogs-sandbox"

func runPermissionsCheck(t *testing.T, mutate func(*sandbox.Options), setup func(*sandbox.Server), hcl string, w permissionsWant) *sandbox.Server {
	t.Helper()
	srv := startSandbox(t, mutate)
	if setup != nil {
		setup(srv)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            sandboxProviderConfig(srv, hcl),
			ConfigStateChecks: permissionsChecks(w),
		}},
	})
	return srv
}

func TestPermissionsCheckDataSource_allAllowed(t *testing.T) {
	t.Parallel()
	srv := runPermissionsCheck(t, nil, nil, `data "vpnlogs_permissions_check" "test" {}`, permissionsWant{
		principal: defaultCallerRole, allowed: true, evaluated: true,
		reason: []string{defaultCallerRole, "may perform all 10 checked actions"},
	})
	// A Terraform step reads the data source in several commands (plan, apply, refresh); each is one provider
	// run and simulates once, with every action in one request.
	if n, runs := callCount(srv, "iam", "SimulatePrincipalPolicy"), callCount(srv, "sts", "GetCallerIdentity"); n == 0 || n > runs {
		t.Errorf("%d SimulatePrincipalPolicy calls for %d provider runs", n, runs)
	}
}

func TestPermissionsCheckDataSource_implicitDeny(t *testing.T) {
	t.Parallel()
	runPermissionsCheck(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:CreateLogDelivery"} }, nil,
		`data "vpnlogs_permissions_check" "test" {}`, permissionsWant{
			principal: defaultCallerRole, allowed: false, evaluated: true,
			missing: []string{"logs:CreateLogDelivery"}, explicitlyDenied: []string{},
			reason: []string{"may not perform 1 of 10 checked actions", "no policy allows logs:CreateLogDelivery"},
		})
}

func TestPermissionsCheckDataSource_explicitDeny(t *testing.T) {
	t.Parallel()
	runPermissionsCheck(t, func(o *sandbox.Options) { o.ExplicitDenyActions = []string{"ec2:ModifyVpnTunnelOptions"} }, nil,
		`data "vpnlogs_permissions_check" "test" {}`, permissionsWant{
			principal: defaultCallerRole, allowed: false, evaluated: true,
			missing: []string{}, explicitlyDenied: []string{"ec2:ModifyVpnTunnelOptions"},
			reason: []string{"explicit Deny", "ec2:ModifyVpnTunnelOptions"},
		})
}

func TestPermissionsCheckDataSource_assumedRoleWithPath(t *testing.T) {
	t.Parallel()
	runPermissionsCheck(t, nil, func(srv *sandbox.Server) {
		srv.AddRole("vpn-admin", "/team/network/")
		srv.SetCallerARN("arn:aws:sts::123456789012:assumed-role/vpn-admin/s1")
		srv.SetPrincipalDenyActions("arn:aws:iam::123456789012:role/team/network/vpn-admin", []string{"logs:PutResourcePolicy"}, nil)
	}, `data "vpnlogs_permissions_check" "test" {}`, permissionsWant{
		principal: "arn:aws:iam::123456789012:role/team/network/vpn-admin", allowed: false, evaluated: true,
		missing: []string{"logs:PutResourcePolicy"}, explicitlyDenied: []string{},
	})
}

func TestPermissionsCheckDataSource_explicitSessionPrincipal(t *testing.T) {
	t.Parallel()
	// principal_arn given as a session ARN: the result is the role, with its path; actions come back sorted.
	runPermissionsCheck(t, nil, func(srv *sandbox.Server) { srv.AddRole("auditor", "/ops/") }, `
data "vpnlogs_permissions_check" "test" {
  principal_arn = "arn:aws:sts::123456789012:assumed-role/auditor/jane"
  actions       = ["logs:StartQuery", "logs:FilterLogEvents"]
}`, permissionsWant{
		principal: "arn:aws:iam::123456789012:role/ops/auditor", allowed: true, evaluated: true,
		missing: []string{}, explicitlyDenied: []string{},
		actions: []string{"logs:FilterLogEvents", "logs:StartQuery"},
	})
}

func TestPermissionsCheckDataSource_simulationDenied(t *testing.T) {
	t.Parallel()
	runPermissionsCheck(t, func(o *sandbox.Options) { o.DenyActions = []string{"iam:SimulatePrincipalPolicy"} }, nil,
		`data "vpnlogs_permissions_check" "test" {}`, permissionsWant{
			principal: defaultCallerRole, allowed: false, evaluated: false,
			missing: []string{}, explicitlyDenied: []string{},
			reason: []string{"were not simulated", "may not call iam:SimulatePrincipalPolicy", "Not checked: ec2:DescribeVpnConnections"},
		})
}

func TestPermissionsCheckDataSource_getRoleDenied(t *testing.T) {
	t.Parallel()
	// The role has the root path: the pathless ARN is right, the simulation runs, and reason notes the fallback.
	runPermissionsCheck(t, func(o *sandbox.Options) { o.DenyActions = []string{"iam:GetRole"} }, nil,
		`data "vpnlogs_permissions_check" "test" {}`, permissionsWant{
			principal: defaultCallerRole, allowed: true, evaluated: true,
			missing: []string{}, explicitlyDenied: []string{},
			reason: []string{"path could not be read", "iam:GetRole", "without a path", defaultCallerRole},
		})
}

func TestPermissionsCheckDataSource_getRoleDeniedRoleWithPath(t *testing.T) {
	t.Parallel()
	runPermissionsCheck(t, func(o *sandbox.Options) { o.DenyActions = []string{"iam:GetRole"} }, func(srv *sandbox.Server) {
		srv.AddRole("vpn-admin", "/team/network/")
		srv.SetCallerARN("arn:aws:sts::123456789012:assumed-role/vpn-admin/s1")
	}, `data "vpnlogs_permissions_check" "test" {}`, permissionsWant{
		principal: "arn:aws:iam::123456789012:role/vpn-admin", allowed: false, evaluated: false,
		missing: []string{}, explicitlyDenied: []string{},
		reason: []string{"path could not be read", "NoSuchEntity", "full ARN"},
	})
}

func TestPermissionsCheckDataSource_unsimulatablePrincipals(t *testing.T) {
	t.Parallel()
	for _, arn := range []string{"arn:aws:iam::123456789012:root", "arn:aws:sts::123456789012:federated-user/bob"} {
		t.Run(arn, func(t *testing.T) {
			t.Parallel()
			srv := runPermissionsCheck(t, nil, nil, `
data "vpnlogs_permissions_check" "test" {
  principal_arn = "`+arn+`"
}`, permissionsWant{
				principal: arn, allowed: false, evaluated: false, missing: []string{}, explicitlyDenied: []string{},
				reason: []string{"cannot simulate", "principal_arn"},
			})
			if n := callCount(srv, "iam", "SimulatePrincipalPolicy"); n != 0 {
				t.Errorf("%d simulations of an unsimulatable principal", n)
			}
		})
	}
}

func TestPermissionsCheckDataSource_example(t *testing.T) {
	t.Parallel()
	example := readExample(t, "data-sources/vpnlogs_permissions_check/data-source.tf")
	srv := startSandbox(t, nil)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sandboxProviderConfig(srv, example),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("principal", knownvalue.StringExact(defaultCallerRole)),
					statecheck.ExpectKnownOutputValue("missing_actions", stringListExact([]string{})),
				},
			},
			{ // the postcondition fails the plan when an action is missing
				PreConfig:   func() { srv.SetDenyActions([]string{"logs:CreateLogDelivery"}, nil) },
				Config:      sandboxProviderConfig(srv, example),
				ExpectError: expectDiag("The caller cannot enable VPN log delivery", "no policy allows logs:CreateLogDelivery"),
			},
		},
	})
}
