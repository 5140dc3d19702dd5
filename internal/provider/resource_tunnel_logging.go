package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/provider/validators"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

var (
	_ resource.ResourceWithConfigure   = (*tunnelLoggingResource)(nil)
	_ resource.ResourceWithImportState = (*tunnelLoggingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*tunnelLoggingResource)(nil)
)

// defaultTunnelTimeout matches the AWS provider's VPN connection update and delete timeouts.
const defaultTunnelTimeout = 30 * time.Minute

// NewTunnelLoggingResource returns the vpnlogs_tunnel_logging resource.
func NewTunnelLoggingResource() resource.Resource { return &tunnelLoggingResource{} }

type tunnelLoggingResource struct{ resourceWithConfigure }

type tunnelLoggingModel struct {
	Adopted                types.Bool     `tfsdk:"adopted"`
	BGPLog                 types.Object   `tfsdk:"bgp_log"`
	ID                     types.String   `tfsdk:"id"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
	TunnelLog              types.Object   `tfsdk:"tunnel_log"`
	TunnelOutsideIPAddress types.String   `tfsdk:"tunnel_outside_ip_address"`
	VPNConnectionID        types.String   `tfsdk:"vpn_connection_id"`
}

type logDestinationModel struct {
	LogGroupARN  logGroupARNValue `tfsdk:"log_group_arn"`
	OutputFormat types.String     `tfsdk:"output_format"`
}

var logDestinationAttrTypes = map[string]attr.Type{
	"log_group_arn": logGroupARNType{},
	"output_format": types.StringType,
}

func (r *tunnelLoggingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tunnel_logging"
}

func logDestinationSchema(what string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Deliver the tunnel's %s to CloudWatch Logs. Absent means disabled: removing the block "+
			"turns the log off.", what),
		Attributes: map[string]schema.Attribute{
			"log_group_arn": schema.StringAttribute{
				CustomType: logGroupARNType{},
				Required:   true,
				MarkdownDescription: "ARN of the log group, in the provider's account and region (delivery is same-account, " +
					"same-region). A trailing `:*` is accepted and ignored when comparing. Prefer a group under `/aws/vendedlogs/` " +
					"(see `vpnlogs_log_group`): it does not grow the account's CloudWatch Logs resource policy.",
				Validators: []validator.String{validators.LogGroupARN()},
			},
			"output_format": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(vpn.FormatJSON),
				MarkdownDescription: "`" + strings.Join(vpn.Formats, "` or `") + "`. Defaults to `json`, which the health data source reads best.",
				Validators:          []validator.String{stringvalidator.OneOf(vpn.Formats...)},
			},
		},
	}
}

func (r *tunnelLoggingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Delivers one Site-to-Site VPN tunnel's activity log and BGP log to CloudWatch Logs, without owning " +
			"the VPN connection. The tunnel is chosen by its outside IP address, never by its position.\n\n" +
			"Each change sends one `ModifyVpnTunnelOptions` carrying only log options and waits until the connection is " +
			"`available` again. **AWS interrupts the tunnel for up to several minutes while its logging changes**; the two " +
			"tunnels of a connection are changed one after the other, never together, so the other tunnel carries traffic. " +
			"Destroying the resource turns both logs off and changes nothing else.\n\n" +
			"During plan, the provider compares the planned log options with those AWS reports for the tunnel: a tunnel that " +
			"already logs as planned is adopted (`adopted`) without a change or an interruption. It checks that the log " +
			"groups exist, and projects the growth of the account's CloudWatch Logs resource policy for every group that " +
			"would start receiving logs, failing the plan if it would exceed the limit (see the provider's " +
			"`resource_policy_size_limit`). What concerns the whole plan (the policy budget, the IAM preflight, the tunnels " +
			"interrupted) is reported once, on one resource, the same way every time; the README explains how, and what " +
			"holds beyond `-parallelism`.",
		Attributes: map[string]schema.Attribute{
			"adopted": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "`true` when this resource was created by adopting log options that were already configured on " +
					"the tunnel, without sending a change (the plan says so, and shows no interruption for the tunnel); `false` " +
					"when creating it changed the tunnel's logging, when the plan could not tell (a log group ARN known only at " +
					"apply), and after an import. Set when the resource is created and kept afterwards.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"bgp_log": logDestinationSchema("BGP log (session state changes, route updates)"),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<vpn_connection_id>/<tunnel_outside_ip_address>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tunnel_log": logDestinationSchema("activity log (IKE phase 1 and 2, DPD, NAT-T)"),
			"tunnel_outside_ip_address": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Outside (public) IP address of the AWS end of the tunnel, as in `vpnlogs_vpn_connections`. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{validators.IPAddress()},
			},
			"vpn_connection_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the VPN connection, for example `vpn-0123456789abcdef0`. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{validators.VPNConnectionID()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// plannedLogging converts the model's blocks into the domain's view and validates ARNs against the provider's
// account and region. known is false when an ARN is not known yet.
func (r *tunnelLoggingResource) plannedLogging(ctx context.Context, m tunnelLoggingModel, diags *diag.Diagnostics) (vpn.Logging, bool) {
	var l vpn.Logging
	known := true
	for _, b := range []struct {
		attr string
		obj  types.Object
		dst  *vpn.LogDestination
	}{{"tunnel_log", m.TunnelLog, &l.Activity}, {"bgp_log", m.BGPLog, &l.BGP}} {
		if b.obj.IsUnknown() {
			known = false
			continue
		}
		if b.obj.IsNull() {
			continue
		}
		var d logDestinationModel
		diags.Append(b.obj.As(ctx, &d, basetypes.ObjectAsOptions{})...)
		if d.LogGroupARN.IsUnknown() || d.OutputFormat.IsUnknown() {
			known = false
		}
		*b.dst = vpn.LogDestination{Enabled: true, LogGroupARN: d.LogGroupARN.ValueString(), OutputFormat: d.OutputFormat.ValueString()}
		if !d.LogGroupARN.IsUnknown() && r.configured() {
			r.checkSameAccountAndRegion(path.Root(b.attr).AtName("log_group_arn"), d.LogGroupARN.ValueString(), diags)
		}
	}
	return l, known
}

// checkSameAccountAndRegion reports, on the attribute, each way the group is outside the provider's partition,
// region and account (logdelivery.LogGroupARN.CheckDeliverable).
func (r *tunnelLoggingResource) checkSameAccountAndRegion(p path.Path, arn string, diags *diag.Diagnostics) {
	a, err := logdelivery.ParseLogGroupARN(arn)
	if err != nil {
		return // the attribute validator reports shape errors
	}
	for _, m := range a.CheckDeliverable(r.data.scope()) {
		detail := p.String() + ": " + m.Describe(arn, "the provider works in")
		if m.Reason != "" {
			detail += ". " + m.Reason + ": use a group in " + m.Want
		}
		diags.AddAttributeError(p, "Log group in another "+m.Field, detail+".")
	}
}

func (r *tunnelLoggingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	r.data.plan.applyStarted()
	var plan tunnelLoggingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTunnelTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	plan.ID = types.StringValue(vpn.TunnelID(plan.VPNConnectionID.ValueString(), plan.TunnelOutsideIPAddress.ValueString()))
	// The whole plan model is recorded (with AWS's view of the logs), so that every planned value reaches state.
	if r.apply(ctx, &plan, "creating", &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *tunnelLoggingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	var state tunnelLoggingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	connID, ip := state.VPNConnectionID.ValueString(), state.TunnelOutsideIPAddress.ValueString()
	_, t, err := r.data.vpn.FindTunnel(ctx, connID, ip)
	if errors.Is(err, vpn.ErrNotFound) {
		tflog.Warn(ctx, "tunnel not found, removing vpnlogs_tunnel_logging from state", map[string]any{"id": state.ID.ValueString(), "reason": err.Error()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading EC2 VPN connection (%s) tunnel (%s) log options", connID, ip), err.Error())
		return
	}
	state.ID = types.StringValue(vpn.TunnelID(connID, ip))
	resp.Diagnostics.Append(setLoggingModel(&state, t.Logging)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *tunnelLoggingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	r.data.plan.applyStarted()
	var plan, state tunnelLoggingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultTunnelTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	want, _ := r.plannedLogging(ctx, plan, &resp.Diagnostics)
	have, _ := r.plannedLogging(ctx, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// A change of spelling only (an ARN with or without ":*", or timeouts) must not interrupt the tunnel.
	if !want.Equal(have) && !r.apply(ctx, &plan, "updating", &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *tunnelLoggingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	r.data.plan.applyStarted()
	var state tunnelLoggingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultTunnelTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	connID, ip := state.VPNConnectionID.ValueString(), state.TunnelOutsideIPAddress.ValueString()
	_, err := r.data.vpn.SetLogging(ctx, connID, ip, vpn.Logging{})
	var pending *vpn.PendingError
	switch {
	case errors.Is(err, vpn.ErrNotFound):
		// The connection or the tunnel is gone: nothing is logging any more.
	case errors.As(err, &pending):
		// AWS is turning both logs off: the resource is gone as far as Terraform is concerned.
		resp.Diagnostics.AddWarning("Tunnel logging change still in progress", pendingDetail(pending, "Both logs are being turned off"))
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("deleting EC2 VPN connection (%s) tunnel (%s) log options", connID, ip), err.Error())
	}
}

// ImportState accepts "<vpn_connection_id>/<tunnel_outside_ip_address>" (vpn.ParseTunnelID).
func (r *tunnelLoggingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	connID, ip, err := vpn.ParseTunnelID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected <vpn_connection_id>/<tunnel_outside_ip_address>, for example vpn-0123456789abcdef0/203.0.113.10, got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), vpn.TunnelID(connID, ip))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("vpn_connection_id"), connID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tunnel_outside_ip_address"), ip)...)
	// adopted says how the resource was created; an imported one was not created by this provider.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("adopted"), false)...)
}

// apply makes the tunnel log as planned and writes into plan what AWS then reports. It returns whether plan should
// be recorded as the resource's state: always once AWS accepted a change, even when waiting for it to be applied
// did not finish (Ctrl-C, the timeout): AWS goes on applying it, and a state that did not record it would leave the
// tunnel logging outside Terraform's knowledge (a later destroy would not turn it off). Such a state carries the
// planned values with a warning, not an error, so the resource is not tainted: a tainted one would be replaced,
// which turns logging off and on again, two more interruptions of the tunnel. A tunnel that already logs as planned
// is adopted without a change (see vpn.Service.SetLogging).
func (r *tunnelLoggingResource) apply(ctx context.Context, plan *tunnelLoggingModel, verb string, diags *diag.Diagnostics) bool {
	want, _ := r.plannedLogging(ctx, *plan, diags)
	if diags.HasError() {
		return false
	}
	connID, ip := plan.VPNConnectionID.ValueString(), plan.TunnelOutsideIPAddress.ValueString()
	tflog.Info(ctx, "changing tunnel log options", map[string]any{
		"vpn_connection_id": connID, "tunnel_outside_ip_address": ip,
		"tunnel_log": want.Activity.String(), "bgp_log": want.BGP.String(),
	})
	applied, err := r.data.vpn.SetLogging(ctx, connID, ip, want)
	r.data.deliveryChanged()
	summary := fmt.Sprintf("%s EC2 VPN connection (%s) tunnel (%s) log options", verb, connID, ip)
	var pending *vpn.PendingError
	switch {
	case errors.As(err, &pending):
		diags.AddWarning("Tunnel logging change still in progress", pendingDetail(pending, "Terraform records the new log options in state"))
		diags.Append(setLoggingModel(plan, pending.Want)...)
		return true
	case err != nil && applied != nil:
		// AWS took the change but reports other options: record what it has, as an error.
		diags.AddError(summary, err.Error())
		diags.Append(setLoggingModel(plan, applied.Tunnel.Logging)...)
		return true
	case err != nil:
		diags.AddError(summary, err.Error())
		return false
	}
	if !applied.Modified {
		tflog.Info(ctx, "tunnel already logs as planned: adopted without ModifyVpnTunnelOptions", map[string]any{
			"vpn_connection_id": connID, "tunnel_outside_ip_address": ip,
		})
	}
	diags.Append(setLoggingModel(plan, applied.Tunnel.Logging)...)
	return !diags.HasError()
}

// pendingDetail explains a change AWS accepted but that was not seen through to the end.
func pendingDetail(e *vpn.PendingError, recorded string) string {
	return fmt.Sprintf("AWS accepted the change of tunnel %s of %s (%s), but waiting until the connection is available again "+
		"stopped: %v. AWS finishes applying it by itself; the tunnel is interrupted meanwhile. %s; the next plan reads the "+
		"tunnel again, and the next change to this connection waits for this one to finish.",
		e.OutsideIP, e.ConnectionID, e.Want, e.Err, recorded)
}

// setLoggingModel writes AWS's view of the tunnel's logging into the model. ARNs keep the model's spelling when
// they are semantically equal (the framework does that for the custom type on Read; here for Create/Update).
func setLoggingModel(m *tunnelLoggingModel, l vpn.Logging) diag.Diagnostics {
	var diags diag.Diagnostics
	set := func(obj *types.Object, d vpn.LogDestination) {
		if !d.Enabled {
			*obj = types.ObjectNull(logDestinationAttrTypes)
			return
		}
		arn := d.LogGroupARN
		if !obj.IsNull() && !obj.IsUnknown() {
			if v, ok := obj.Attributes()["log_group_arn"].(logGroupARNValue); ok &&
				logdelivery.TrimARNSuffix(v.ValueString()) == logdelivery.TrimARNSuffix(arn) {
				arn = v.ValueString()
			}
		}
		o, ds := types.ObjectValue(logDestinationAttrTypes, map[string]attr.Value{
			"log_group_arn": newLogGroupARNValue(arn),
			"output_format": types.StringValue(d.OutputFormat),
		})
		diags.Append(ds...)
		*obj = o
	}
	set(&m.TunnelLog, l.Activity)
	set(&m.BGPLog, l.BGP)
	return diags
}
