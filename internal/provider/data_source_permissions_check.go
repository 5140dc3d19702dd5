package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
)

var _ datasource.DataSourceWithConfigure = (*permissionsCheckDataSource)(nil)

var (
	actionNameRE   = regexp.MustCompile(`^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$`)
	principalARNRE = regexp.MustCompile(`^arn:[a-z0-9-]+:(iam|sts)::\d{12}:\S+$`)
)

// NewPermissionsCheckDataSource returns the vpnlogs_permissions_check data source.
func NewPermissionsCheckDataSource() datasource.DataSource { return &permissionsCheckDataSource{} }

type permissionsCheckDataSource struct{ dataSourceWithConfigure }

type permissionsCheckModel struct {
	Actions                 types.List   `tfsdk:"actions"`
	Allowed                 types.Bool   `tfsdk:"allowed"`
	Evaluated               types.Bool   `tfsdk:"evaluated"`
	ExplicitlyDeniedActions types.List   `tfsdk:"explicitly_denied_actions"`
	MissingActions          types.List   `tfsdk:"missing_actions"`
	PrincipalARN            types.String `tfsdk:"principal_arn"`
	Reason                  types.String `tfsdk:"reason"`
}

func (d *permissionsCheckDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permissions_check"
}

func (d *permissionsCheckDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks with `iam:SimulatePrincipalPolicy` whether a principal may perform the actions VPN log " +
			"delivery needs, without changing anything. Use it in a `check` block or a `postcondition` to fail early, or " +
			"output `reason`.\n\n" +
			"The principal defaults to the provider's caller. An assumed-role session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) " +
			"stands for its role; session ARNs drop the role's path, so it is read with `iam:GetRole` (when that is denied, the " +
			"role ARN without a path is simulated and `reason` says so). IAM users and roles are simulated as given. Federated " +
			"users and the root user cannot be simulated: `evaluated` is then `false`.\n\n" +
			"Each action is simulated on the resource `vpnlogs_iam_policy_document` grants it on in the provider's region and " +
			"account, so a principal holding exactly that document is allowed. The simulator evaluates identity-based policies, " +
			"permissions boundaries and service control policies; session policies are not part of the simulation.\n\n" +
			"The caller needs `iam:SimulatePrincipalPolicy` on the principal (and `iam:GetRole` for sessions); without it " +
			"`evaluated` is `false` and `reason` says what was not checked. A result is read once per principal and action set " +
			"per provider run and shared with the provider's plan-time preflight (`preflight_permissions`).",
		Attributes: map[string]schema.Attribute{
			"actions": schema.ListAttribute{
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Actions to check, as `service:Action`. Defaults to what enabling tunnel logging needs: " +
					backticked(iampolicy.RequiredActions) + ". The result holds them sorted, without duplicates.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(actionNameRE, "must be an IAM action such as logs:CreateLogDelivery")),
				},
			},
			"allowed": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "`true` when the simulation ran and allowed every action.",
			},
			"evaluated": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "`false` when the simulation could not run: no `iam:SimulatePrincipalPolicy` permission, a root " +
					"or federated principal, an unknown principal. `allowed` is then `false` and `reason` says why.",
			},
			"explicitly_denied_actions": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Actions a `Deny` statement, permissions boundary or service control policy denies (`explicitDeny`), sorted.",
			},
			"missing_actions": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Actions no policy allows (`implicitDeny`), sorted. Attach `vpnlogs_iam_policy_document` to grant them.",
			},
			"principal_arn": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "IAM user, role or assumed-role session ARN to check. Defaults to the provider's caller. " +
					"The result is the principal simulated: for a session, its role's ARN, with the path.",
				Validators: []validator.String{stringvalidator.RegexMatches(principalARNRE,
					"must be an IAM or STS principal ARN such as arn:aws:iam::123456789012:role/vpn-admin")},
			},
			"reason": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "What the check found, or why it could not run and what was not checked, in sentences.",
			},
		},
	}
}

func (d *permissionsCheckDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireConfigured(&resp.Diagnostics) {
		return
	}
	var m permissionsCheckModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var actions []string
	if !m.Actions.IsNull() {
		resp.Diagnostics.Append(m.Actions.ElementsAs(ctx, &actions, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	actions = iampolicy.NormalizeActions(actions)
	given := m.PrincipalARN.ValueString()
	res := d.data.simulatePermissions(ctx, given, actions)

	switch {
	case res.PrincipalARN != "":
		m.PrincipalARN = types.StringValue(res.PrincipalARN)
	case given != "":
		m.PrincipalARN = types.StringValue(given)
	default:
		m.PrincipalARN = types.StringNull()
	}
	m.Allowed = types.BoolValue(res.Allowed)
	m.Evaluated = types.BoolValue(res.Evaluated)
	m.Reason = types.StringValue(res.Reason)
	for _, l := range []struct {
		dst *types.List
		src []string
	}{{&m.Actions, res.Actions}, {&m.MissingActions, res.Missing}, {&m.ExplicitlyDeniedActions, res.ExplicitlyDenied}} {
		v, diags := types.ListValueFrom(ctx, types.StringType, append([]string{}, l.src...))
		resp.Diagnostics.Append(diags...)
		*l.dst = v
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
