package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// ModifyPlan checks what can only be checked with the provider configured, before any change: the log group ARNs
// against the provider's account and region, that the tunnel exists, that the log groups exist. It compares the
// plan with the tunnel's log options as AWS reports them, so that a tunnel that already logs as planned is adopted
// (adopted = true) without a change, an interruption or any growth of the resource policy. What the plan as a whole
// does (the policy budget, the IAM preflight, the tunnels it interrupts) is decided once per plan (plan_run.go).
func (r *tunnelLoggingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.configured() {
		return
	}
	call := r.data.plan.begin()
	defer call.finish(ctx, &resp.Diagnostics)

	var state *tunnelLoggingModel
	if !req.State.Raw.IsNull() {
		state = &tunnelLoggingModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if req.Plan.Raw.IsNull() { // destroy
		if state != nil {
			r.planTurnOff(ctx, call, state.VPNConnectionID.ValueString(), state.TunnelOutsideIPAddress.ValueString())
		}
		return
	}

	var plan tunnelLoggingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned, known := r.plannedLogging(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	connID, ip := plan.VPNConnectionID.ValueString(), plan.TunnelOutsideIPAddress.ValueString()
	call.key = "2|" + vpn.TunnelID(connID, ip)
	create, replace := state == nil, false
	if state != nil {
		replace = !plan.VPNConnectionID.Equal(state.VPNConnectionID) || !plan.TunnelOutsideIPAddress.Equal(state.TunnelOutsideIPAddress)
		if !replace {
			prior, _ := r.plannedLogging(ctx, *state, &resp.Diagnostics)
			if known && planned.Equal(prior) {
				return // a change of spelling or timeouts only: nothing is sent to AWS
			}
		}
	}
	if create && plan.Adopted.IsUnknown() {
		plan.Adopted = types.BoolValue(false)
	}
	if !create && plan.Adopted.IsUnknown() {
		// State written before the attribute existed: those resources were created with a change.
		plan.Adopted = types.BoolValue(false)
	}
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...) }()

	if replace {
		// The old tunnel's logging is turned off first.
		r.planTurnOff(ctx, call, state.VPNConnectionID.ValueString(), state.TunnelOutsideIPAddress.ValueString())
	}
	call.changes = true
	if plan.VPNConnectionID.IsUnknown() || plan.TunnelOutsideIPAddress.IsUnknown() {
		return // the tunnel is known only at apply
	}

	current, found := r.currentLogging(ctx, connID, ip, &resp.Diagnostics)
	if !found {
		return
	}
	r.checkGroupsExist(ctx, call, plan, &resp.Diagnostics)
	if known && current.Equal(planned) {
		// The tunnel already logs as planned: a create adopts it, an update only records it. No change is sent.
		if create {
			plan.Adopted = types.BoolValue(true)
		}
		call.changes = false
		return
	}
	call.interruption = append(call.interruption, vpn.TunnelChange{ConnectionID: connID, OutsideIP: ip, From: current, To: planned})
	for _, d := range planned.StartedDeliveries(current) {
		a, err := logdelivery.ParseLogGroupARN(d.LogGroupARN)
		if err != nil {
			continue // the attribute validator reports it
		}
		call.deliveries = append(call.deliveries, logdelivery.Planned{Group: a, Source: vpn.TunnelID(connID, ip) + " " + d.Log})
	}
	r.data.keyDeliveries(ctx, call)
}

// planTurnOff registers turning off the logging of a tunnel (destroy, or the old tunnel of a replacement). A tunnel
// that no longer exists, or whose logging is off already, is not changed, so it is not interrupted either.
func (r *tunnelLoggingResource) planTurnOff(ctx context.Context, call *planCall, connID, ip string) {
	call.changes = true
	_, t, err := r.data.vpn.FindTunnel(ctx, connID, ip)
	switch {
	case errors.Is(err, vpn.ErrNotFound):
		return // nothing logs any more: destroying only forgets the resource
	case err != nil:
		tflog.Warn(ctx, "could not read the tunnel before turning its logging off", map[string]any{"error": err.Error()})
		return
	case !t.Logging.Activity.Enabled && !t.Logging.BGP.Enabled:
		return
	}
	call.interruption = append(call.interruption, vpn.TunnelChange{ConnectionID: connID, OutsideIP: ip, From: t.Logging})
	if call.key == "" {
		call.key = "2|" + vpn.TunnelID(connID, ip)
	}
}

// currentLogging reads the tunnel's log options as AWS reports them (from the run's shared snapshot). A tunnel that
// does not exist is an error on the attribute that names it; found is false then. When the read fails for another
// reason, the plan says it could not check the tunnel and goes on as if the tunnel logged nothing.
func (r *tunnelLoggingResource) currentLogging(ctx context.Context, connID, ip string, diags *diag.Diagnostics) (vpn.Logging, bool) {
	c, t, err := r.data.vpn.FindTunnel(ctx, connID, ip)
	if err == nil {
		return t.Logging, true
	}
	if r.data.addNotFound(diags, err, c, path.Root("vpn_connection_id"), path.Root("tunnel_outside_ip_address"),
		"Remove this resource from the configuration, or point it at an existing connection.") {
		return vpn.Logging{}, false
	}
	diags.AddWarning(fmt.Sprintf("reading EC2 VPN connection (%s) tunnel (%s) log options", connID, ip),
		fmt.Sprintf("%s\n\nThe plan could not check that the tunnel exists or what it logs now, and goes on as if it logged nothing.", err))
	return vpn.Logging{}, true
}

// checkGroupsExist reports, on the attribute that names it, each log group of the plan that does not exist in the
// provider's account and region and that no vpnlogs_log_group of the run plans to create. The groups are looked up
// once per run, many at a time (logdelivery.GroupLookup).
func (r *tunnelLoggingResource) checkGroupsExist(ctx context.Context, call *planCall, m tunnelLoggingModel, diags *diag.Diagnostics) {
	type target struct {
		path  path.Path
		group logdelivery.LogGroupARN
	}
	var targets []target
	var names []string
	for _, b := range []struct {
		attr string
		obj  types.Object
	}{{"tunnel_log", m.TunnelLog}, {"bgp_log", m.BGPLog}} {
		if b.obj.IsNull() || b.obj.IsUnknown() {
			continue
		}
		var d logDestinationModel
		if ds := b.obj.As(ctx, &d, basetypes.ObjectAsOptions{}); ds.HasError() || d.LogGroupARN.IsUnknown() {
			continue
		}
		a, err := logdelivery.ParseLogGroupARN(d.LogGroupARN.ValueString())
		if err != nil || len(a.CheckDeliverable(r.data.scope())) > 0 {
			continue // reported by the validator and by plannedLogging
		}
		targets = append(targets, target{path.Root(b.attr).AtName("log_group_arn"), a})
		names = append(names, a.Name)
	}
	if len(names) == 0 {
		return
	}
	missing, err := r.data.groups.Missing(ctx, names)
	if err != nil {
		tflog.Warn(ctx, "could not check that the log groups exist", map[string]any{"error": err.Error()})
	}
	var absent []string
	for _, n := range missing {
		if !r.data.plan.plansGroup(n) {
			absent = append(absent, n)
		}
	}
	if len(absent) == 0 {
		return
	}
	// A vpnlogs_log_group that creates the group may still be planned: wait until the run settles.
	call.awaitSettled(ctx)
	gone := map[string]bool{}
	for _, n := range absent {
		gone[n] = !r.data.plan.plansGroup(n)
	}
	for _, t := range targets {
		if gone[t.group.Name] {
			e := logdelivery.MissingGroupExplanation(t.group, r.data.explainOptions())
			diags.AddAttributeError(t.path, e.Summary, t.path.String()+": "+e.Text())
		}
	}
}
