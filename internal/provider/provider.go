// Package provider is the vpnlogs Terraform provider: a thin adapter from Terraform's plugin framework
// to the domain packages in internal/ (awsconfig, vpn, logdelivery, logparse, ...).
package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aws/smithy-go/middleware"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/provider/validators"
)

var _ provider.Provider = (*vpnlogsProvider)(nil)

// New returns the provider factory; version is "dev" for local builds and "test" in tests.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		return &vpnlogsProvider{version: version, opts: opts}
	}
}

type vpnlogsProvider struct {
	version string
	opts    []Option
}

type providerModel struct {
	AccessKey                 types.String      `tfsdk:"access_key"`
	AssumeRole                []assumeRoleModel `tfsdk:"assume_role"`
	Endpoints                 []endpointsModel  `tfsdk:"endpoints"`
	LogsRateLimits            types.Map         `tfsdk:"logs_rate_limits"`
	MaxRetries                types.Number      `tfsdk:"max_retries"`
	PreflightPermissions      types.Bool        `tfsdk:"preflight_permissions"`
	Profile                   types.String      `tfsdk:"profile"`
	Region                    types.String      `tfsdk:"region"`
	ResourcePolicyModel       types.String      `tfsdk:"resource_policy_model"`
	ResourcePolicySizeLimit   types.Number      `tfsdk:"resource_policy_size_limit"`
	RetryMode                 types.String      `tfsdk:"retry_mode"`
	SecretKey                 types.String      `tfsdk:"secret_key"`
	SharedConfigFiles         types.List        `tfsdk:"shared_config_files"`
	SharedCredentialsFiles    types.List        `tfsdk:"shared_credentials_files"`
	SkipCredentialsValidation types.Bool        `tfsdk:"skip_credentials_validation"`
	SkipMetadataAPICheck      types.Bool        `tfsdk:"skip_metadata_api_check"`
	SkipRequestingAccountID   types.Bool        `tfsdk:"skip_requesting_account_id"`
	Token                     types.String      `tfsdk:"token"`
}

type assumeRoleModel struct {
	Duration    types.String `tfsdk:"duration"`
	ExternalID  types.String `tfsdk:"external_id"`
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
}

type endpointsModel struct {
	EC2  types.String `tfsdk:"ec2"`
	IAM  types.String `tfsdk:"iam"`
	Logs types.String `tfsdk:"logs"`
	STS  types.String `tfsdk:"sts"`
}

func (p *vpnlogsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vpnlogs"
	resp.Version = p.version
}

func (p *vpnlogsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	endpointAttrs := map[string]schema.Attribute{}
	for _, svc := range awsconfig.Services {
		endpointAttrs[svc] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Base URL for %s API calls, for example the sandbox's `http://127.0.0.1:4599`. "+
				"Also set by `%s` or, for every service, `AWS_ENDPOINT_URL`.", strings.ToUpper(svc), awsconfig.EndpointEnvVars[svc]),
			Validators: []validator.String{validators.EndpointURL()},
		}
	}

	resp.Schema = schema.Schema{
		MarkdownDescription: "The `vpnlogs` provider manages AWS Site-to-Site VPN tunnel log delivery to CloudWatch Logs: " +
			"per-tunnel logging, `/aws/vendedlogs/` log groups, plan-time checks of the CloudWatch Logs resource-policy " +
			"budget and of IAM permissions, and tunnel health read from the logs. Its AWS settings work as in the AWS provider.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "AWS access key ID. Also `AWS_ACCESS_KEY_ID`. Must be set together with `secret_key`.",
			},
			"logs_rate_limits": schema.MapAttribute{
				ElementType: types.Float64Type,
				Optional:    true,
				MarkdownDescription: "Requests per second at which the provider calls each CloudWatch Logs read operation, by operation " +
					"name. The defaults are AWS's quotas per account and region (" + logsRateLimitDefaults() + "), so that a fleet's " +
					"health reads wait their turn instead of being throttled. Raise one when AWS has raised your quota; `0` stops " +
					"pacing that operation. Calls beyond the quota that AWS still throttles (other clients share it) are retried " +
					"with backoff up to `max_retries`.",
			},
			"max_retries": schema.NumberAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Maximum number of times a throttled or failed API call is retried. Defaults to %d, "+
					"or `AWS_MAX_ATTEMPTS` minus one when that variable is set.", awsconfig.DefaultMaxRetries),
				Validators: []validator.Number{validators.WholeNumber(0, math.MaxInt64)},
			},
			"preflight_permissions": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Before the first tunnel logging or log group change of a plan, simulate the caller's IAM permissions " +
					"(`iam:SimulatePrincipalPolicy`) and fail the plan when an action log delivery needs is missing or denied. Defaults to `true`. " +
					"When the simulation itself cannot run, the plan shows a warning and continues.",
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Named profile in the shared config and credentials files. Also `AWS_PROFILE`.",
			},
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "AWS region of the VPN connections and log groups. Also `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's `region`.",
				Validators:          []validator.String{validators.Region()},
			},
			"resource_policy_model": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Where AWS grants log delivery write access to a log group in your account, which "+
					"decides what the plan-time budget check projects; AWS documents two behaviours. `account`: AWS adds each log "+
					"group to the account-level policy `%[1]s`, limited to `resource_policy_size_limit` characters (what the "+
					"Site-to-Site VPN guide describes). `log-group`: AWS gives each log group that no account-level policy covers "+
					"a resource policy of its own, limited to %[2]d bytes, and leaves the account-level policies alone (what "+
					"CloudWatch Logs documents \"for newly created subscriptions\"). `auto` (the default): `log-group` when a log "+
					"group your VPN tunnels deliver to, outside the account-level policies, has its own policy granting "+
					"`delivery.logs.amazonaws.com`, else `account`; it reads at most %[3]d such policies, once per run (none "+
					"where AWS grows the account-level policy). Every budget diagnostic names the model it assumed. Set the "+
					"model when you know how your account behaves; see the resource-policy guide.",
					logdelivery.DeliveryPolicyName, logdelivery.GroupPolicySizeLimit, logdelivery.MaxModelProbes),
				Validators: []validator.String{validators.ResourcePolicyModel()},
			},
			"resource_policy_size_limit": schema.NumberAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Size limit, in characters, of an account-level CloudWatch Logs resource policy, used by the "+
					"plan-time budget check under the account-level model (`resource_policy_model`). Defaults to %d, the limit AWS "+
					"documents; AWS is raising it, so it is a setting.", logdelivery.DefaultPolicySizeLimit),
				Validators: []validator.Number{validators.WholeNumber(100, 1_000_000)},
			},
			"retry_mode": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How the SDK retries: `" + strings.Join(awsconfig.RetryModes, "` or `") +
					"`. Also `AWS_RETRY_MODE`. Defaults to `standard`.",
				Validators: []validator.String{stringvalidator.OneOf(awsconfig.RetryModes...)},
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "AWS secret access key. Also `AWS_SECRET_ACCESS_KEY`. Must be set together with `access_key`.",
			},
			"shared_config_files": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Shared config files to read instead of `~/.aws/config`. Also `AWS_CONFIG_FILE`.",
			},
			"shared_credentials_files": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Shared credentials files to read instead of `~/.aws/credentials`. Also `AWS_SHARED_CREDENTIALS_FILE`.",
			},
			"skip_credentials_validation": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Do not fail when `sts:GetCallerIdentity` cannot validate the credentials (useful with " +
					"endpoints that have no STS). Checks that need the account ID are then skipped with a warning.",
			},
			"skip_metadata_api_check": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Do not ask the EC2 instance metadata service for credentials or region. Also `AWS_EC2_METADATA_DISABLED`.",
			},
			"skip_requesting_account_id": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Do not call `sts:GetCallerIdentity` to learn the account ID and partition. Log group ARNs " +
					"are then not checked against the provider's account.",
			},
			"token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Session token for temporary credentials. Also `AWS_SESSION_TOKEN`.",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.ListNestedBlock{
				MarkdownDescription: "Assume an IAM role on top of the base credentials (at most one block).",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"duration": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "Session duration as a Go duration (`1h`, `90m`), between 15m and 12h. Defaults to the SDK's 15m.",
							Validators:          []validator.String{validators.Duration(15*time.Minute, 12*time.Hour, "AWS accepts")},
						},
						"external_id": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "External ID the role's trust policy requires.",
						},
						"role_arn": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "ARN of the role to assume, for example `arn:aws:iam::123456789012:role/vpn-logging`.",
						},
						"session_name": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "Session name. Defaults to `terraform-provider-vpnlogs`.",
						},
					},
				},
			},
			"endpoints": schema.ListNestedBlock{
				MarkdownDescription: "Per-service endpoint overrides (at most one block), for the sandbox or private endpoints.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject:        schema.NestedBlockObject{Attributes: endpointAttrs},
			},
		},
	}
}

func (p *vpnlogsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, diags := m.awsConfig(p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	tflog.Debug(ctx, "configuring vpnlogs provider", map[string]any{
		"region": cfg.Region, "profile": cfg.Profile, "assume_role": cfg.AssumeRole != nil,
		"static_credentials": cfg.AccessKey != "", "endpoints": cfg.Endpoints,
	})
	clients, err := awsconfig.Load(ctx, cfg)
	if err != nil {
		addConfigErrors(&resp.Diagnostics, err)
		return
	}
	for _, w := range clients.Warnings {
		resp.Diagnostics.AddWarning("Account details not available", w)
	}
	tflog.Debug(ctx, "vpnlogs provider configured", map[string]any{
		"region": clients.Region, "account_id": clients.AccountID, "partition": clients.Partition,
	})

	limit := logdelivery.DefaultPolicySizeLimit
	if !m.ResourcePolicySizeLimit.IsNull() && !m.ResourcePolicySizeLimit.IsUnknown() {
		limit = int(validators.Int64(m.ResourcePolicySizeLimit.ValueBigFloat()))
	}
	preflight := m.PreflightPermissions.IsNull() || m.PreflightPermissions.ValueBool()
	model := logdelivery.ModelOrAuto(m.ResourcePolicyModel.ValueString())
	data := newProviderData(clients, budgetSettings{limit: limit, model: model}, preflight, p.opts...)
	resp.ResourceData = data
	resp.DataSourceData = data
}

// awsConfig converts the model; unknown values (from resources not yet created) are errors because the
// provider cannot be configured without them.
func (m providerModel) awsConfig(version string) (awsconfig.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	str := func(v types.String, attr path.Path) string {
		if v.IsUnknown() {
			diags.AddAttributeError(attr, "Unknown provider configuration value",
				"The value of "+attr.String()+" is not known until apply. Configure the provider with values known at plan time, "+
					"or use the corresponding AWS_* environment variable.")
		}
		return v.ValueString()
	}
	cfg := awsconfig.Config{
		AccessKey:                 str(m.AccessKey, path.Root("access_key")),
		SecretKey:                 str(m.SecretKey, path.Root("secret_key")),
		Token:                     str(m.Token, path.Root("token")),
		Profile:                   str(m.Profile, path.Root("profile")),
		Region:                    str(m.Region, path.Root("region")),
		RetryMode:                 str(m.RetryMode, path.Root("retry_mode")),
		SkipCredentialsValidation: m.SkipCredentialsValidation.ValueBool(),
		SkipMetadataAPICheck:      m.SkipMetadataAPICheck.ValueBool(),
		SkipRequestingAccountID:   m.SkipRequestingAccountID.ValueBool(),
		UserAgent:                 "terraform-provider-vpnlogs/" + version,
		APIOptions:                []func(*middleware.Stack) error{logAPICalls},
	}
	if !m.MaxRetries.IsNull() && !m.MaxRetries.IsUnknown() {
		n := int(validators.Int64(m.MaxRetries.ValueBigFloat()))
		cfg.MaxRetries = &n
	}
	cfg.LogsRateLimits = float64Map(m.LogsRateLimits)
	cfg.SharedConfigFiles = stringList(m.SharedConfigFiles)
	cfg.SharedCredentialsFiles = stringList(m.SharedCredentialsFiles)
	if len(m.AssumeRole) > 0 {
		ar := m.AssumeRole[0]
		cfg.AssumeRole = &awsconfig.AssumeRole{
			RoleARN:     str(ar.RoleARN, path.Root("assume_role").AtListIndex(0).AtName("role_arn")),
			SessionName: str(ar.SessionName, path.Root("assume_role").AtListIndex(0).AtName("session_name")),
			ExternalID:  str(ar.ExternalID, path.Root("assume_role").AtListIndex(0).AtName("external_id")),
		}
		if d := ar.Duration.ValueString(); d != "" {
			dur, err := time.ParseDuration(d)
			if err == nil {
				cfg.AssumeRole.Duration = dur
			}
		}
	}
	if len(m.Endpoints) > 0 {
		e := m.Endpoints[0]
		base := path.Root("endpoints").AtListIndex(0)
		cfg.Endpoints = map[string]string{}
		for svc, v := range map[string]types.String{
			awsconfig.ServiceEC2: e.EC2, awsconfig.ServiceLogs: e.Logs, awsconfig.ServiceSTS: e.STS, awsconfig.ServiceIAM: e.IAM,
		} {
			if s := str(v, base.AtName(svc)); s != "" {
				cfg.Endpoints[svc] = s
			}
		}
	}
	return cfg, diags
}

func float64Map(m types.Map) map[string]float64 {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]float64{}
	for k, e := range m.Elements() {
		if f, ok := e.(types.Float64); ok && !f.IsNull() && !f.IsUnknown() {
			out[k] = f.ValueFloat64()
		}
	}
	return out
}

// logsRateLimitDefaults lists awsconfig's default CloudWatch Logs request rates: "`FilterLogEvents` 5/s, ...".
func logsRateLimitDefaults() string {
	var parts []string
	for _, op := range awsconfig.LogsRateLimitOperations() {
		parts = append(parts, fmt.Sprintf("`%s` %g/s", op, awsconfig.DefaultLogsRateLimits[op]))
	}
	return strings.Join(parts, ", ")
}

func stringList(l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	for _, e := range l.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// addConfigErrors renders awsconfig errors as diagnostics on the attribute they name.
func addConfigErrors(diags *diag.Diagnostics, err error) {
	for _, e := range awsconfig.Errors(err) {
		var ce *awsconfig.Error
		if !errors.As(e, &ce) {
			diags.AddError("configuring vpnlogs provider", e.Error())
			continue
		}
		if p, ok := attributePath(ce.Attribute); ok {
			diags.AddAttributeError(p, ce.Summary, ce.Detail)
		} else {
			diags.AddError(ce.Summary, ce.Detail)
		}
	}
}

// attributePath maps awsconfig's dotted attribute names onto the schema (blocks are single-item lists).
func attributePath(attr string) (path.Path, bool) {
	if attr == "" || attr == "endpoint_url" {
		return path.Empty(), false
	}
	block, name, nested := strings.Cut(attr, ".")
	if !nested {
		return path.Root(attr), true
	}
	return path.Root(block).AtListIndex(0).AtName(name), true
}

func (p *vpnlogsProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewTunnelLoggingResource,
		NewLogGroupResource,
	}
}

func (p *vpnlogsProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAccountDataSource,
		NewVPNConnectionsDataSource,
		NewIAMPolicyDocumentDataSource,
		NewPermissionsCheckDataSource,
		NewResourcePolicyBudgetDataSource,
		NewTunnelHealthDataSource,
		NewFleetHealthDataSource,
	}
}
