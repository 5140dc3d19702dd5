package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
)

// checkPermissions is the plan-time IAM preflight. The first planned vpnlogs_tunnel_logging or vpnlogs_log_group
// change of a run simulates the caller's permissions for iampolicy.RequiredActions with one
// iam:SimulatePrincipalPolicy request; resources planned at the same time wait for that simulation, and a
// vpnlogs_permissions_check with the same (default) principal and actions shares it.
//
// Once per run: the first resource whose plan asks receives the diagnostics, every later call adds
// nothing. An error on one resource's plan already fails the whole plan, so repeating it on every tunnel would
// print the same error (and the whole policy) N times without changing the outcome. Missing or explicitly denied
// actions are an error that lists them and shows the policy to attach (scoped to the provider's region and
// account); a simulation that cannot run is a warning that says what was not checked, and the plan continues.
// With preflight_permissions = false nothing is called.
func (d *providerData) checkPermissions(ctx context.Context, diags *diag.Diagnostics) {
	if d == nil || !d.preflightPermissions || d.clients == nil {
		return
	}
	res := d.simulatePermissions(ctx, "", iampolicy.RequiredActions)
	if !d.preflight.reported.CompareAndSwap(false, true) {
		return // an earlier resource of this run reported the result
	}
	tflog.Debug(ctx, "IAM permissions simulated", map[string]any{
		"principal": res.PrincipalARN, "evaluated": res.Evaluated, "allowed": res.Allowed,
		"missing": res.Missing, "explicitly_denied": res.ExplicitlyDenied, "reason": res.Reason,
	})
	switch {
	case !res.Evaluated:
		diags.AddWarning("IAM permissions not checked",
			res.Reason+"\n\nThe plan continues without this check: if the actions are not allowed, apply fails when AWS refuses "+
				"the first tunnel change. Set preflight_permissions = false in the provider block to skip the check.")
	case !res.Allowed:
		diags.AddError("Missing IAM permissions for VPN log delivery", d.permissionsErrorDetail(res))
	}
}

// simulatePermissions runs iampolicy.Check at most once per principal and action set per provider process.
func (d *providerData) simulatePermissions(ctx context.Context, principal string, actions []string) iampolicy.Result {
	return d.preflight.simulate(ctx, principal, actions, func(ctx context.Context) iampolicy.Result {
		tflog.Debug(ctx, "simulating IAM permissions", map[string]any{"principal": principal, "actions": actions})
		return iampolicy.Check(ctx, iampolicy.ClientsFrom(d.clients), principal, actions)
	})
}

// permissionsErrorDetail lists what is missing and shows the policy to attach.
func (d *providerData) permissionsErrorDetail(res iampolicy.Result) string {
	var b strings.Builder
	who := res.PrincipalARN
	if res.CallerARN != "" && res.CallerARN != res.PrincipalARN {
		who = fmt.Sprintf("%s (the provider's caller, %s)", res.PrincipalARN, res.CallerARN)
	}
	fmt.Fprintf(&b, "iam:SimulatePrincipalPolicy shows that %s may not perform actions that enabling VPN log delivery needs, "+
		"so applying this plan would fail:\n\n", who)
	for _, a := range res.Missing {
		fmt.Fprintf(&b, "  - %s: not allowed by any policy (implicit deny)\n", a)
	}
	for _, a := range res.ExplicitlyDenied {
		fmt.Fprintf(&b, "  - %s: explicitly denied\n", a)
	}
	b.WriteString("\n" + res.Fix("the policy below (the vpnlogs_iam_policy_document data source and `terraform-provider-vpnlogs policy` "+
		"print the same document)") + "\n")
	if len(res.Missing) > 0 {
		scope := iampolicy.Scope{Partition: d.clients.Partition, Region: d.clients.Region, AccountID: d.clients.AccountID}
		if p, err := iampolicy.Document(iampolicy.Options{Scope: scope}); err == nil {
			b.WriteString("\n")
			for _, line := range strings.Split(p.PrettyJSON(), "\n") {
				b.WriteString("  " + line + "\n")
			}
		}
	}
	b.WriteString("\nTo plan without this check, set preflight_permissions = false in the provider block.")
	return b.String()
}

// preflightState remembers the run's simulations, at most one per principal and action set per provider
// process, shared by the preflight and vpnlogs_permissions_check; the zero value is ready to use.
type preflightState struct {
	mu   sync.Mutex
	runs map[string]*preflightRun
	// reported is set by the one preflight call that reports the result.
	reported atomic.Bool
}

type preflightRun struct {
	once   sync.Once
	result iampolicy.Result
}

// simulate returns the result for principal ("" is the caller) and actions, running check only for the first
// call with that key; concurrent callers wait for that run to finish.
func (s *preflightState) simulate(ctx context.Context, principal string, actions []string, check func(context.Context) iampolicy.Result) iampolicy.Result {
	key := principal + "\x00" + strings.Join(actions, ",")
	s.mu.Lock()
	if s.runs == nil {
		s.runs = map[string]*preflightRun{}
	}
	r, ok := s.runs[key]
	if !ok {
		r = &preflightRun{}
		s.runs[key] = r
	}
	s.mu.Unlock()

	r.once.Do(func() { r.result = check(ctx) })
	return r.result
}
