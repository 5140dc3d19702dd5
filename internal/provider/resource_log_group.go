package provider

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/provider/validators"
)

var (
	_ resource.ResourceWithConfigure   = (*logGroupResource)(nil)
	_ resource.ResourceWithImportState = (*logGroupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*logGroupResource)(nil)
)

// kmsKeyARNRE is the form the kmsKeyId of CreateLogGroup and AssociateKmsKey takes: a KMS key ARN (not an alias or a
// bare key ID).
var kmsKeyARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$`)

// NewLogGroupResource returns the vpnlogs_log_group resource.
func NewLogGroupResource() resource.Resource { return &logGroupResource{} }

type logGroupResource struct{ resourceWithConfigure }

type logGroupModel struct {
	AllowOutsideVendedlogs types.Bool   `tfsdk:"allow_outside_vendedlogs"`
	ARN                    types.String `tfsdk:"arn"`
	ID                     types.String `tfsdk:"id"`
	KMSKeyID               types.String `tfsdk:"kms_key_id"`
	LogGroupClass          types.String `tfsdk:"log_group_class"`
	Name                   types.String `tfsdk:"name"`
	RetentionInDays        types.Number `tfsdk:"retention_in_days"`
	SkipDestroy            types.Bool   `tfsdk:"skip_destroy"`
	Tags                   types.Map    `tfsdk:"tags"`
}

func (r *logGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_log_group"
}

func retentionDaysList() string {
	s := make([]string, len(logdelivery.RetentionDays))
	for i, d := range logdelivery.RetentionDays {
		s[i] = strconv.FormatInt(d, 10)
	}
	return strings.Join(s, ", ")
}

func (r *logGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A CloudWatch Logs log group for Site-to-Site VPN logs, by default under `/aws/vendedlogs/`.\n\n" +
			"When a tunnel starts delivering logs to a group, AWS adds the group to the account-wide CloudWatch Logs resource " +
			"policy `AWSLogDeliveryWrite20150319`, which is limited to 5,120 characters (the provider's " +
			"`resource_policy_size_limit`). Each group outside `/aws/vendedlogs/` adds an entry of about 60 characters plus the " +
			"length of its name; " +
			"all groups under `/aws/vendedlogs/` share one wildcard entry. A name outside `/aws/vendedlogs/` is therefore a " +
			"plan error unless `allow_outside_vendedlogs = true`, or the provider's `resource_policy_model = \"log-group\"` (AWS then " +
			"gives such a group a resource policy of its own instead, and the account-level policy does not grow).\n\n" +
			"`arn` is known at plan time, so a `vpnlogs_tunnel_logging` that uses it is checked against the policy budget " +
			"during the same plan.",
		Attributes: map[string]schema.Attribute{
			"allow_outside_vendedlogs": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Allow a `name` outside `/aws/vendedlogs/`. Defaults to `false`: such a name is a plan error, " +
					"because log delivery to the group would grow the account-wide CloudWatch Logs resource policy by about 60 " +
					"characters plus the length of the name, of its 5,120. Set it for a group that must keep an existing name. Not " +
					"needed when the provider's `resource_policy_model` is `\"log-group\"`.",
			},
			"arn": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "ARN of the log group, without the trailing `:*` (the form `vpnlogs_tunnel_logging` and " +
					"IAM policies for tagging use). Known at plan time from `name` and the provider's partition, region and account.",
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The log group name.",
			},
			"kms_key_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "ARN of the KMS key that encrypts the group's log data, for example " +
					"`arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`: a symmetric key in the " +
					"provider's region whose key policy lets `logs.<region>.amazonaws.com` use it. Setting or changing it " +
					"associates the key with the existing group (`AssociateKmsKey`), and removing it disassociates the key " +
					"(`DisassociateKmsKey`); the group is not replaced. Either change applies to events ingested afterwards only " +
					"(AWS can take up to 5 minutes to apply it): events stored before stay encrypted with the key they were " +
					"written with, so CloudWatch Logs needs that key, enabled and usable, to read them.",
				Validators: []validator.String{stringvalidator.RegexMatches(kmsKeyARNRE,
					"must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")},
			},
			"log_group_class": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(logdelivery.ClassStandard),
				MarkdownDescription: "Log class: `" + strings.Join(logdelivery.LogGroupClasses, "`, `") + "`. Defaults to `STANDARD`, " +
					"which supports every CloudWatch Logs feature. `INFREQUENT_ACCESS` costs less and supports a subset; `DELIVERY` " +
					"keeps events for one day only and cannot be queried (AWS meant it for Lambda logs delivered on to S3 or " +
					"Firehose). Changing it replaces the log group.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.OneOf(logdelivery.LogGroupClasses...)},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Name of the log group, for example `/aws/vendedlogs/vpn/prod`. 1 to 512 characters from " +
					"`a-z`, `A-Z`, `0-9`, `_`, `-`, `/`, `.` and `#`, not starting with `aws/`. Changing it replaces the log group.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{validators.LogGroupName()},
			},
			"retention_in_days": schema.NumberAttribute{
				Optional:            true,
				MarkdownDescription: "Days to keep log events: one of " + retentionDaysList() + ". Unset means the events never expire.",
				Validators:          []validator.Number{validators.OneOf(logdelivery.RetentionDays, "numbers of days CloudWatch Logs keeps events for")},
			},
			"skip_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Keep the log group and its logs when the resource is destroyed: destroying then only removes " +
					"it from the Terraform state. Defaults to `false`.",
			},
			"tags": schema.MapAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Tags of the log group (at most 50; keys must not start with `aws:`).",
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(50),
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 128), stringvalidator.RegexMatches(
						regexp.MustCompile(`^[^a]|^a[^w]|^aw[^s]|^aws[^:]|^.{0,3}$`), "must not start with aws:")),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(256)),
				},
			},
		},
	}
}

// ModifyPlan rejects names outside /aws/vendedlogs/ without the opt-in and computes arn at plan time. A change joins
// the plan's verdict (plan_run.go), which runs the IAM preflight; a group the plan creates is recorded, so that a
// vpnlogs_tunnel_logging of the same plan may deliver to it although it does not exist yet.
func (r *logGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.configured() {
		return
	}
	call := r.data.plan.begin()
	defer call.finish(ctx, &resp.Diagnostics)
	var state *logGroupModel
	if !req.State.Raw.IsNull() {
		state = &logGroupModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if req.Plan.Raw.IsNull() { // destroy
		if state != nil && !state.SkipDestroy.ValueBool() {
			call.changes, call.key = true, "3|"+state.Name.ValueString()
		}
		return
	}
	var plan logGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if !plan.Name.IsUnknown() {
		name := plan.Name.ValueString()
		// Under the log-group-level model a group outside /aws/vendedlogs/ does not grow the account-level policy.
		if !logdelivery.IsVended(name) && !plan.AllowOutsideVendedlogs.IsUnknown() && !plan.AllowOutsideVendedlogs.ValueBool() &&
			r.data.policy.model != logdelivery.ModelLogGroup {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Log group outside /aws/vendedlogs/", r.outsideVendedlogsDetail(name))
		}
		plan.ID = types.StringValue(name)
		switch {
		case r.data.clients.AccountID != "":
			plan.ARN = types.StringValue(r.data.scope().LogGroupARN(name).String())
		case state != nil && state.Name.ValueString() == name:
			plan.ARN = state.ARN
		default:
			plan.ARN = types.StringUnknown()
		}
		if state == nil || state.Name.ValueString() != name {
			r.data.plan.planGroup(name)
		}
	}

	changed := state == nil || !plan.Name.Equal(state.Name) || !plan.RetentionInDays.Equal(state.RetentionInDays) ||
		!plan.KMSKeyID.Equal(state.KMSKeyID) || !plan.LogGroupClass.Equal(state.LogGroupClass) || !plan.Tags.Equal(state.Tags)
	if changed {
		call.changes, call.key = true, "3|"+plan.Name.ValueString()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// outsideVendedlogsDetail explains why a name outside /aws/vendedlogs/ needs the opt-in, with this group's cost
// (logdelivery.OutsideVendedLogsExplanation), and the fix in the resource's attributes.
func (r *logGroupResource) outsideVendedlogsDetail(name string) string {
	return logdelivery.OutsideVendedLogsExplanation(r.data.scope(), name, r.data.policy.limit, logdelivery.ExplainOptions{
		LimitSetting: "the provider's resource_policy_size_limit", When: "at apply time", ModelSetting: modelSetting,
	}) + fmt.Sprintf("\n\nFix: use name = %q instead, or set allow_outside_vendedlogs = true if the group must have this name.",
		logdelivery.VendedName(name))
}

func (r *logGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	r.data.plan.applyStarted()
	var plan logGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	tags, diags := tagsFromModel(ctx, plan.Tags)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	logs := r.data.clients.Logs
	tflog.Info(ctx, "creating log group", map[string]any{
		"name": name, "log_group_class": plan.LogGroupClass.ValueString(), "kms_key_id": plan.KMSKeyID.ValueString(),
		"retention_in_days": validators.Int64(plan.RetentionInDays.ValueBigFloat()), "tags": len(tags),
	})
	err := logdelivery.CreateLogGroup(ctx, logs, logdelivery.CreateLogGroupInput{
		Name: name, KMSKeyID: plan.KMSKeyID.ValueString(), Class: plan.LogGroupClass.ValueString(), Tags: tags,
	})
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("creating CloudWatch Logs log group (%s)", name), err.Error())
		return
	}
	if plan.ARN.IsUnknown() {
		g, err := logdelivery.DescribeLogGroup(ctx, logs, name)
		if err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("reading CloudWatch Logs log group (%s) after creating it", name), err.Error())
			return
		}
		plan.ARN = types.StringValue(g.ARN)
	}
	plan.ID = types.StringValue(name)
	if days := validators.Int64(plan.RetentionInDays.ValueBigFloat()); days != 0 {
		if err := logdelivery.SetRetention(ctx, logs, name, days); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("setting CloudWatch Logs log group (%s) retention", name), err.Error())
			// The group exists: record it (Terraform marks it tainted) instead of losing track of it.
			plan.RetentionInDays = types.NumberNull()
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *logGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	var state logGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	logs := r.data.clients.Logs
	g, err := logdelivery.DescribeLogGroup(ctx, logs, name)
	if err == nil {
		g.Tags, err = logdelivery.ListLogGroupTags(ctx, logs, g.ARN)
	}
	if logdelivery.IsNotFound(err) {
		tflog.Warn(ctx, "log group not found, removing vpnlogs_log_group from state", map[string]any{"name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("reading CloudWatch Logs log group (%s)", name), err.Error())
		return
	}
	resp.Diagnostics.Append(flattenLogGroup(ctx, &state, g)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// flattenLogGroup writes AWS's view of the group into the model. Settings that exist only in Terraform keep their
// value; after an import they get their defaults (allow_outside_vendedlogs is true for a group that is outside
// /aws/vendedlogs/ already, so importing it plans no change).
func flattenLogGroup(ctx context.Context, m *logGroupModel, g *logdelivery.LogGroup) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(g.Name)
	m.Name = types.StringValue(g.Name)
	m.ARN = types.StringValue(g.ARN)
	m.LogGroupClass = types.StringValue(g.Class)
	m.KMSKeyID = types.StringNull()
	if g.KMSKeyID != "" {
		m.KMSKeyID = types.StringValue(g.KMSKeyID)
	}
	m.RetentionInDays = types.NumberNull()
	if g.RetentionInDays != 0 {
		m.RetentionInDays = types.NumberValue(new(big.Float).SetInt64(g.RetentionInDays))
	}
	if len(g.Tags) == 0 && m.Tags.IsNull() {
		m.Tags = types.MapNull(types.StringType)
	} else {
		v, d := types.MapValueFrom(ctx, types.StringType, g.Tags)
		diags.Append(d...)
		m.Tags = v
	}
	if m.SkipDestroy.IsNull() || m.SkipDestroy.IsUnknown() {
		m.SkipDestroy = types.BoolValue(false)
	}
	if m.AllowOutsideVendedlogs.IsNull() || m.AllowOutsideVendedlogs.IsUnknown() {
		m.AllowOutsideVendedlogs = types.BoolValue(!logdelivery.IsVended(g.Name))
	}
	return diags
}

func (r *logGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	r.data.plan.applyStarted()
	var plan, state logGroupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	logs := r.data.clients.Logs
	if !plan.RetentionInDays.Equal(state.RetentionInDays) {
		days := validators.Int64(plan.RetentionInDays.ValueBigFloat()) // 0 when unset: events never expire
		tflog.Info(ctx, "changing log group retention", map[string]any{"name": name, "retention_in_days": days})
		if err := logdelivery.SetRetention(ctx, logs, name, days); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("updating CloudWatch Logs log group (%s) retention", name), err.Error())
			return
		}
	}
	if !plan.KMSKeyID.Equal(state.KMSKeyID) {
		if key := plan.KMSKeyID.ValueString(); key != "" {
			tflog.Info(ctx, "associating KMS key with log group", map[string]any{"name": name, "kms_key_id": key})
			if err := logdelivery.AssociateKMSKey(ctx, logs, name, key); err != nil {
				resp.Diagnostics.AddError(fmt.Sprintf("associating CloudWatch Logs log group (%s) KMS key", name), err.Error())
				return
			}
		} else {
			tflog.Info(ctx, "disassociating KMS key from log group", map[string]any{"name": name, "kms_key_id": state.KMSKeyID.ValueString()})
			if err := logdelivery.DisassociateKMSKey(ctx, logs, name); err != nil {
				resp.Diagnostics.AddError(fmt.Sprintf("disassociating CloudWatch Logs log group (%s) KMS key", name), err.Error())
				return
			}
		}
	}
	if !plan.Tags.Equal(state.Tags) {
		oldTags, d1 := tagsFromModel(ctx, state.Tags)
		newTags, d2 := tagsFromModel(ctx, plan.Tags)
		resp.Diagnostics.Append(d1...)
		resp.Diagnostics.Append(d2...)
		if resp.Diagnostics.HasError() {
			return
		}
		arn := plan.ARN.ValueString()
		if plan.ARN.IsUnknown() || arn == "" {
			arn = state.ARN.ValueString()
		}
		tflog.Info(ctx, "changing log group tags", map[string]any{"name": name, "tags": len(newTags)})
		if err := logdelivery.UpdateTags(ctx, logs, arn, oldTags, newTags); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("updating CloudWatch Logs log group (%s) tags", name), err.Error())
			return
		}
	}
	if plan.ARN.IsUnknown() {
		plan.ARN = state.ARN
	}
	plan.ID = types.StringValue(name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *logGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	r.data.plan.applyStarted()
	var state logGroupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	if state.SkipDestroy.ValueBool() {
		tflog.Info(ctx, "skip_destroy is set: keeping the log group, removing it from state only", map[string]any{"name": name})
		return
	}
	tflog.Info(ctx, "deleting log group", map[string]any{"name": name})
	if err := logdelivery.DeleteLogGroup(ctx, r.data.clients.Logs, name); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("deleting CloudWatch Logs log group (%s)", name), err.Error())
	}
}

// ImportState accepts the log group name.
func (r *logGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := logdelivery.ValidateLogGroupName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected a log group name such as /aws/vendedlogs/vpn/prod: %s.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

func tagsFromModel(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out, nil
	}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}
