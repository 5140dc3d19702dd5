package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
)

var _ datasource.DataSourceWithConfigure = (*iamPolicyDocumentDataSource)(nil)

// NewIAMPolicyDocumentDataSource returns the vpnlogs_iam_policy_document data source.
func NewIAMPolicyDocumentDataSource() datasource.DataSource { return &iamPolicyDocumentDataSource{} }

type iamPolicyDocumentDataSource struct{ dataSourceWithConfigure }

type iamPolicyDocumentModel struct {
	AccountID           types.String `tfsdk:"account_id"`
	Actions             types.List   `tfsdk:"actions"`
	IncludeRead         types.Bool   `tfsdk:"include_read"`
	IncludeTunnelModify types.Bool   `tfsdk:"include_tunnel_modify"`
	JSON                types.String `tfsdk:"json"`
	Partition           types.String `tfsdk:"partition"`
	Region              types.String `tfsdk:"region"`
}

func (d *iamPolicyDocumentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iam_policy_document"
}

func backticked(list []string) string { return "`" + strings.Join(list, "`, `") + "`" }

// backtickedAnd is backticked with "and" before the last item.
func backtickedAnd(list []string) string {
	if len(list) < 2 {
		return backticked(list)
	}
	return backticked(list[:len(list)-1]) + " and `" + list[len(list)-1] + "`"
}

func (d *iamPolicyDocumentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The least-privilege IAM policy for enabling Site-to-Site VPN tunnel logging to CloudWatch Logs, " +
			"as a JSON document to attach to the role or user that runs Terraform (for example with `aws_iam_policy` in the " +
			"AWS provider). It is computed locally: no AWS call is made. The setup tool prints the same document " +
			"(`terraform-provider-vpnlogs policy`).\n\n" +
			"Statements, in this order:\n\n" +
			"* `" + iampolicy.SidDelivery + "`: " + statementActions(iampolicy.SidDelivery) + " on `*`.\n" +
			"* `" + iampolicy.SidDeliveryCWL + "`: " + statementActions(iampolicy.SidDeliveryCWL) + " on `*`.\n" +
			"  These two are the statements AWS's Site-to-Site VPN documentation requires of the principal that enables " +
			"logging, unchanged. The first are permission-only actions of log delivery; the second let AWS create or extend " +
			"the CloudWatch Logs resource policy that admits `delivery.logs.amazonaws.com` to the log group, and AWS asks " +
			"for a `*` resource on them.\n" +
			"* `" + iampolicy.SidTunnelModify + "`: " + statementActions(iampolicy.SidTunnelModify) + ", scoped to " +
			"`arn:PARTITION:ec2:REGION:ACCOUNT:vpn-connection/*` when `region` or `account_id` is set.\n" +
			"* `" + iampolicy.SidDescribeVPN + "`: " + statementActions(iampolicy.SidDescribeVPN) + " on `*` (EC2 " +
			"`Describe*` actions are not scoped to resources).\n" +
			"  Both with `include_tunnel_modify` (the default): what `vpnlogs_tunnel_logging` calls.\n" +
			"* `" + iampolicy.SidLogsRead + "`: " + statementActions(iampolicy.SidLogsRead) + ", scoped to " +
			"`arn:PARTITION:logs:REGION:ACCOUNT:log-group:*` when `region` or `account_id` is set.\n" +
			"* `" + iampolicy.SidLogsQueryResults + "`: " + statementActions(iampolicy.SidLogsQueryResults) + " on `*` " +
			"(it addresses a query, not a log group).\n" +
			"  Both with `include_read`: reading the delivered logs (tunnel health, the setup tool's read commands); " +
			"`logs:DescribeLogGroups` is already granted by `" + iampolicy.SidDeliveryCWL + "`.\n\n" +
			"When only one of `region` and `account_id` is set, the other is `*` in the scoped ARNs.\n\n" +
			"The default document (no arguments) is:\n\n```json\n" + policyPretty(iampolicy.Options{}) + "\n```\n\n" +
			"Not included: managing log groups (`vpnlogs_log_group` calls " + backtickedAnd(iampolicy.LogGroupActions) +
			"; grant them where log groups are managed), and the " +
			"provider's own preflight (`iam:SimulatePrincipalPolicy`, and `iam:GetRole` for a role session, on the principal; " +
			"without them the preflight is skipped with a warning).",
		Attributes: map[string]schema.Attribute{
			"account_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "12-digit account ID to scope resource ARNs to. Omitted: any account (`*` in the ARNs, or " +
					"unscoped `*` resources when `region` is omitted too).",
				Validators: []validator.String{stringvalidator.RegexMatches(awsconfig.AccountIDPattern, "must be a 12-digit AWS account ID")},
			},
			"actions": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Every action the document allows, sorted, without duplicates.",
			},
			"include_read": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Add what reading the delivered logs needs: " + backticked(iampolicy.ReadActions) +
					". Defaults to `false`.",
			},
			"include_tunnel_modify": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Add `ec2:ModifyVpnTunnelOptions` and `ec2:DescribeVpnConnections`, which " +
					"`vpnlogs_tunnel_logging` needs. Defaults to `true`; set `false` when another principal changes the tunnels.",
			},
			"json": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The policy document: minified JSON with a stable statement order and key order " +
					"(`Version`, `Statement` with `Sid`, `Effect`, `Action` (sorted), `Resource`).",
			},
			"partition": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Partition of the resource ARNs (`aws`, `aws-cn`, `aws-us-gov`, ...). Defaults to the " +
					"partition of `region`, else the provider's partition, else `aws`.",
				Validators: []validator.String{stringvalidator.RegexMatches(awsconfig.PartitionPattern, "must be an AWS partition such as aws, aws-cn or aws-us-gov")},
			},
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region to scope resource ARNs to, for example `us-east-1`. Omitted: any region " +
					"(`*` in the ARNs, or unscoped `*` resources when `account_id` is omitted too). It is not taken from the provider.",
				Validators: []validator.String{stringvalidator.RegexMatches(awsconfig.RegionPattern, "must be an AWS region name such as us-east-1")},
			},
		},
	}
}

// policyPretty is a document for the documentation.
func policyPretty(opts iampolicy.Options) string {
	p, err := iampolicy.Document(opts)
	if err != nil {
		return err.Error()
	}
	return p.PrettyJSON()
}

// statementActions lists a statement's actions in backticks, for the documentation.
func statementActions(sid string) string {
	p, _ := iampolicy.Document(iampolicy.Options{IncludeRead: true})
	for _, s := range p.Statement {
		if s.Sid == sid {
			return backticked(s.Action)
		}
	}
	return ""
}

// Read needs no AWS call, so it works before the provider is configured too (the one data source that does); the
// provider's partition is used only when it is known.
func (d *iamPolicyDocumentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m iamPolicyDocumentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := iampolicy.Options{
		Scope: iampolicy.Scope{
			Partition: m.Partition.ValueString(),
			Region:    m.Region.ValueString(),
			AccountID: m.AccountID.ValueString(),
		},
		IncludeRead:         m.IncludeRead.ValueBool(),
		ExcludeTunnelModify: !m.IncludeTunnelModify.IsNull() && !m.IncludeTunnelModify.ValueBool(),
	}
	// The provider's partition is known without an AWS call; use it when neither partition nor region says.
	if opts.Partition == "" && opts.Region == "" && opts.AccountID != "" && d.configured() && d.data.clients != nil {
		opts.Partition = d.data.clients.Partition
	}
	p, err := iampolicy.Document(opts)
	if err != nil {
		var fe *iampolicy.FieldError
		if errors.As(err, &fe) {
			resp.Diagnostics.AddAttributeError(path.Root(fe.Field), "Invalid policy scope", fe.Msg+".")
		} else {
			resp.Diagnostics.AddError("Invalid policy scope", err.Error())
		}
		return
	}
	actions, diags := types.ListValueFrom(ctx, types.StringType, p.Actions())
	resp.Diagnostics.Append(diags...)
	m.Actions = actions
	m.JSON = types.StringValue(p.JSON())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
