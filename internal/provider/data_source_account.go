package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*accountDataSource)(nil)

// NewAccountDataSource returns the vpnlogs_account data source.
func NewAccountDataSource() datasource.DataSource { return &accountDataSource{} }

type accountDataSource struct{ dataSourceWithConfigure }

type accountModel struct {
	AccountID types.String `tfsdk:"account_id"`
	CallerARN types.String `tfsdk:"caller_arn"`
	ID        types.String `tfsdk:"id"`
	Partition types.String `tfsdk:"partition"`
	Region    types.String `tfsdk:"region"`
}

func (d *accountDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (d *accountDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The account, partition, region and caller the provider is configured for, as resolved once " +
			"per provider instance with `sts:GetCallerIdentity`. Use it to build log group ARNs " +
			"(`arn:${partition}:logs:${region}:${account_id}:log-group:NAME`) and to check which principal a run uses.",
		Attributes: map[string]schema.Attribute{
			"account_id": schema.StringAttribute{Computed: true, MarkdownDescription: "AWS account ID. Empty when `skip_requesting_account_id` is set."},
			"caller_arn": schema.StringAttribute{Computed: true, MarkdownDescription: "ARN of the calling identity (an assumed-role session ARN when a role is assumed)."},
			"id":         schema.StringAttribute{Computed: true, MarkdownDescription: "`<partition>:<region>:<account_id>`."},
			"partition":  schema.StringAttribute{Computed: true, MarkdownDescription: "AWS partition, for example `aws`."},
			"region":     schema.StringAttribute{Computed: true, MarkdownDescription: "Region the provider works in."},
		},
	}
}

func (d *accountDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireConfigured(&resp.Diagnostics) {
		return
	}
	c := d.data.clients
	m := accountModel{
		AccountID: types.StringValue(c.AccountID),
		CallerARN: types.StringValue(c.CallerARN),
		ID:        types.StringValue(c.Partition + ":" + c.Region + ":" + c.AccountID),
		Partition: types.StringValue(c.Partition),
		Region:    types.StringValue(c.Region),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
