package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/provider/validators"
)

var _ datasource.DataSourceWithConfigure = (*resourcePolicyBudgetDataSource)(nil)

// NewResourcePolicyBudgetDataSource returns the vpnlogs_resource_policy_budget data source.
func NewResourcePolicyBudgetDataSource() datasource.DataSource {
	return &resourcePolicyBudgetDataSource{}
}

type resourcePolicyBudgetDataSource struct{ dataSourceWithConfigure }

type resourcePolicyBudgetModel struct {
	DeliveryPolicyName    types.String        `tfsdk:"delivery_policy_name"`
	Fits                  types.Bool          `tfsdk:"fits"`
	Limit                 types.Int64         `tfsdk:"limit"`
	LogGroupARNs          types.List          `tfsdk:"log_group_arns"`
	LogGroupPolicies      []groupPolicyModel  `tfsdk:"log_group_policies"`
	LogGroupPolicyLimit   types.Int64         `tfsdk:"log_group_policy_limit"`
	MaxPolicies           types.Int64         `tfsdk:"max_policies"`
	Model                 types.String        `tfsdk:"model"`
	ModelEvidence         types.String        `tfsdk:"model_evidence"`
	Policies              []budgetPolicyModel `tfsdk:"policies"`
	PolicyCount           types.Int64         `tfsdk:"policy_count"`
	ProjectedCharacters   types.Int64         `tfsdk:"projected_characters"`
	RemainingCharacters   types.Int64         `tfsdk:"remaining_characters"`
	UncoveredLogGroupARNs types.List          `tfsdk:"uncovered_log_group_arns"`
	UsedCharacters        types.Int64         `tfsdk:"used_characters"`
	VendedlogsCovered     types.Bool          `tfsdk:"vendedlogs_covered"`
}

type groupPolicyModel struct {
	CoveredBy      types.String `tfsdk:"covered_by"`
	CurrentBytes   types.Int64  `tfsdk:"current_bytes"`
	Fits           types.Bool   `tfsdk:"fits"`
	LogGroupARN    types.String `tfsdk:"log_group_arn"`
	NewPolicy      types.Bool   `tfsdk:"new_policy"`
	PolicyName     types.String `tfsdk:"policy_name"`
	ProjectedBytes types.Int64  `tfsdk:"projected_bytes"`
}

type budgetPolicyModel struct {
	Characters  types.Int64  `tfsdk:"characters"`
	Name        types.String `tfsdk:"name"`
	ResourceARN types.String `tfsdk:"resource_arn"`
	Scope       types.String `tfsdk:"scope"`
}

func (d *resourcePolicyBudgetDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource_policy_budget"
}

func (d *resourcePolicyBudgetDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The account's CloudWatch Logs resource-policy budget for log delivery, and what enabling delivery to " +
			"some log groups would do to it, under the resource-policy model the provider assumes (`model`, chosen by the " +
			"provider's `resource_policy_model`).\n\n" +
			"Under the `account` model, when a tunnel starts delivering logs to a log group, AWS adds the group to the " +
			"account-level resource policy `AWSLogDeliveryWrite20150319` (creating it if needed). That policy may hold only " +
			"`limit` characters (the provider's `resource_policy_size_limit`), and an account may have only 10 account-level " +
			"policies per region. Groups under `/aws/vendedlogs/` are covered by one wildcard entry and do not grow the policy.\n\n" +
			"Under the `log-group` model, AWS gives each log group that no account-level policy covers a resource policy of " +
			"its own, of at most `log_group_policy_limit` bytes, and the account-level policies do not grow: " +
			"`log_group_policies` projects each group's own policy.\n\n" +
			"The account-level policies are read with one `logs:DescribeResourcePolicies` call (shared with the plan-time " +
			"check of the same run); for each group in `log_group_arns` that the account-level policies do not cover, its " +
			"own log-group-level policy is read too (policy scope `RESOURCE`, once per group and run): under the `account` " +
			"model a group whose own policy already grants delivery does not grow the account-level one. With " +
			"`resource_policy_model = \"auto\"` the model is decided once per run from the own policies of at most 10 log " +
			"groups that VPN tunnels deliver to outside the account-level policies (`model_evidence` says what was found).",
		Attributes: map[string]schema.Attribute{
			"delivery_policy_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Name of the account-level policy log delivery grows (normally `AWSLogDeliveryWrite20150319`); " +
					"null when the account has none yet.",
			},
			"fits": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether enabling delivery to `log_group_arns` fits: under the `account` model, " +
					"`projected_characters` is within `limit` and, when AWS would have to create the delivery policy, the account " +
					"has fewer than `max_policies` policies; under the `log-group` model, every group's own policy fits " +
					"`log_group_policy_limit`.",
			},
			"limit": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Size limit of an account-level policy, in characters (the provider's `resource_policy_size_limit`).",
			},
			"log_group_arns": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Log groups to project delivery to, as ARNs (a trailing `:*` is accepted). Unset or empty: " +
					"the projection equals the current state.",
				Validators: []validator.List{listvalidator.ValueStringsAre(validators.LogGroupARN())},
			},
			"log_group_policies": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Under the `log-group` model, what enabling delivery does to the own policy of each group of " +
					"`log_group_arns`, sorted by ARN; empty under the `account` model.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"covered_by": schema.StringAttribute{
							Computed: true,
							MarkdownDescription: "The policy that already lets log delivery write to the group (an account-level " +
								"policy, so AWS creates no policy for the group, or the group's own); null when AWS would create or " +
								"extend the group's own policy.",
						},
						"current_bytes":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Size of the group's own policy now, in bytes; 0 without one."},
						"fits":            schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether `projected_bytes` is within `log_group_policy_limit`."},
						"log_group_arn":   schema.StringAttribute{Computed: true, MarkdownDescription: "The log group (normalised ARN, without `:*`)."},
						"new_policy":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether AWS would create the group's own policy."},
						"policy_name":     schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the group's own policy; null when it has none or it has no name."},
						"projected_bytes": schema.Int64Attribute{Computed: true, MarkdownDescription: "Size of the group's own policy once delivery to it is enabled, in bytes."},
					},
				},
			},
			"log_group_policy_limit": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: fmt.Sprintf("Size limit of a log group's own resource policy, in bytes (%d, as AWS documents it).", logdelivery.GroupPolicySizeLimit),
			},
			"max_policies": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: fmt.Sprintf("Account-level resource policies allowed per account and region (%d; AWS does not raise it).", logdelivery.MaxAccountPolicies),
			},
			"model": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The resource-policy model the projection assumes: `account` (AWS grows the account-level policy) " +
					"or `log-group` (AWS gives each log group a policy of its own). The provider's `resource_policy_model`, or, " +
					"when that is `auto`, what the evidence in the account says.",
			},
			"model_evidence": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Why `model` was assumed: the setting, or what `auto` found (the log groups whose own policy " +
					"grants `delivery.logs.amazonaws.com`, or why there was none to go by).",
			},
			"policies": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The account-level policies, sorted by name, followed by the log-group-level policies read for " +
					"`log_group_arns`.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"characters": schema.Int64Attribute{Computed: true, MarkdownDescription: "Stored size in characters (Unicode code points, whitespace included), as AWS counts it against the limit."},
						"name":       schema.StringAttribute{Computed: true, MarkdownDescription: "Policy name; null for a log-group-level policy created without one."},
						"resource_arn": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "The log group a `RESOURCE`-scope policy belongs to; null for account-level policies.",
						},
						"scope": schema.StringAttribute{Computed: true, MarkdownDescription: "`ACCOUNT` or `RESOURCE`."},
					},
				},
			},
			"policy_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of account-level resource policies (log-group-level policies do not count).",
			},
			"projected_characters": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "Size of the delivery policy after delivery to `log_group_arns` is enabled (under the `log-group` " +
					"model it does not grow: `used_characters`). Under the `account` model each uncovered group " +
					"outside `/aws/vendedlogs/` adds `\"arn:…:log-group:NAME:log-stream:*\"` and a comma, the first uncovered " +
					"`/aws/vendedlogs/` group adds the wildcard once, and without a delivery policy it is the size of the policy " +
					"AWS would create. AWS may add the `/aws/vendedlogs/*` wildcard on its own when the policy gets close to " +
					"the limit; that is not projected.",
			},
			"remaining_characters": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "`limit` minus `projected_characters`; negative when the projection does not fit.",
			},
			"uncovered_log_group_arns": schema.ListAttribute{
				ElementType: types.StringType,
				Computed:    true,
				MarkdownDescription: "Those of `log_group_arns` (normalised, without `:*`) that no policy lets log delivery write to " +
					"yet: enabling delivery to them changes the delivery policy.",
			},
			"used_characters": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Stored size of the delivery policy in characters; 0 when there is none.",
			},
			"vendedlogs_covered": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the account-level policies already cover every `/aws/vendedlogs/` log group of the provider's account and region.",
			},
		},
	}
}

func (d *resourcePolicyBudgetDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireConfigured(&resp.Diagnostics) {
		return
	}
	var m resourcePolicyBudgetModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var groups []logdelivery.LogGroupARN
	if !m.LogGroupARNs.IsNull() && !m.LogGroupARNs.IsUnknown() {
		var arns []string
		resp.Diagnostics.Append(m.LogGroupARNs.ElementsAs(ctx, &arns, false)...)
		for i, a := range arns {
			g, err := logdelivery.ParseLogGroupARN(a)
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("log_group_arns").AtListIndex(i), "Invalid log group ARN", err.Error()+".")
				continue
			}
			groups = append(groups, g)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	run := d.data.budgetRun()
	budget, err := run.Budget(ctx)
	if err != nil {
		resp.Diagnostics.AddError("reading CloudWatch Logs resource policies", err.Error())
		return
	}
	choice, _ := run.Model(ctx) // its only error is the account-level read's, which succeeded
	// The own policies of the groups the account-level policies do not cover (docs/design/aws-behaviour.md §3.6),
	// each read once per run.
	var uncoveredARNs []string
	for _, g := range groups {
		if !budget.Covers(g) && !slices.Contains(uncoveredARNs, g.String()) {
			uncoveredARNs = append(uncoveredARNs, g.String())
		}
	}
	resourcePolicies, err := run.ReadGroupPolicies(ctx, uncoveredARNs)
	if err != nil {
		var re *logdelivery.ReadError
		arn := ""
		if errors.As(err, &re) {
			arn = re.ResourceARN
		}
		resp.Diagnostics.AddError(fmt.Sprintf("reading CloudWatch Logs log group (%s) resource policy", arn), err.Error())
		return
	}
	m.Model = types.StringValue(string(choice.Model))
	m.ModelEvidence = types.StringValue(choice.Reason(d.data.explainOptions()))
	m.LogGroupPolicyLimit = types.Int64Value(logdelivery.GroupPolicySizeLimit)
	m.LogGroupPolicies = []groupPolicyModel{}
	var p logdelivery.Projection
	var uncovered []string
	fits := true
	if choice.Model == logdelivery.ModelLogGroup {
		p = budget.Project(nil, logdelivery.ProjectOptions{})
		for _, gp := range run.GroupPolicies(ctx, budget, groups) {
			fits = fits && gp.Fits()
			if gp.Grows() {
				uncovered = append(uncovered, gp.LogGroupARN)
			}
			m.LogGroupPolicies = append(m.LogGroupPolicies, groupPolicyModel{
				CoveredBy: stringOrNull(gp.CoveredBy), CurrentBytes: types.Int64Value(int64(gp.CurrentBytes)), Fits: types.BoolValue(gp.Fits()),
				LogGroupARN: types.StringValue(gp.LogGroupARN), NewPolicy: types.BoolValue(gp.NewPolicy),
				PolicyName: stringOrNull(gp.PolicyName), ProjectedBytes: types.Int64Value(int64(gp.ProjectedBytes)),
			})
		}
	} else {
		p = budget.Project(groups, logdelivery.ProjectOptions{ResourcePolicies: resourcePolicies})
		fits, uncovered = p.Fits(), p.Uncovered()
	}
	tflog.Debug(ctx, "projected log delivery resource policy", map[string]any{
		"model": string(choice.Model), "policy": p.PolicyName, "used_characters": p.CurrentCharacters,
		"projected_characters": p.ProjectedCharacters, "limit": p.Limit, "policy_count": p.PolicyCount, "groups": len(groups),
		"resource_policies": len(resourcePolicies),
	})

	m.Limit = types.Int64Value(int64(budget.Limit))
	m.MaxPolicies = types.Int64Value(int64(budget.MaxPolicies))
	m.PolicyCount = types.Int64Value(int64(budget.PolicyCount()))
	m.UsedCharacters = types.Int64Value(int64(budget.UsedCharacters()))
	m.ProjectedCharacters = types.Int64Value(int64(p.ProjectedCharacters))
	m.RemainingCharacters = types.Int64Value(int64(p.Remaining()))
	m.Fits = types.BoolValue(fits)
	m.VendedlogsCovered = types.BoolValue(budget.VendedLogsCovered)
	m.DeliveryPolicyName = types.StringNull()
	if dp, ok := budget.DeliveryPolicy(); ok {
		m.DeliveryPolicyName = types.StringValue(dp.Name)
	}
	vals := make([]attr.Value, len(uncovered))
	for i, u := range uncovered {
		vals[i] = types.StringValue(u)
	}
	m.UncoveredLogGroupARNs = types.ListValueMust(types.StringType, vals)
	m.Policies = []budgetPolicyModel{}
	for _, pi := range budget.Policies {
		m.Policies = append(m.Policies, budgetPolicyModel{
			Characters: types.Int64Value(int64(pi.Characters)), Name: types.StringValue(pi.Name),
			ResourceARN: types.StringNull(), Scope: types.StringValue(logdelivery.ScopeAccount),
		})
	}
	for _, rp := range resourcePolicies {
		m.Policies = append(m.Policies, budgetPolicyModel{
			Characters: types.Int64Value(int64(rp.Characters())), Name: stringOrNull(rp.Name),
			ResourceARN: types.StringValue(rp.ResourceARN), Scope: types.StringValue(logdelivery.ScopeResource),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// stringOrNull is s, or null when s is empty.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
