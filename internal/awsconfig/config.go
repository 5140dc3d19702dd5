// Package awsconfig turns the provider's and the setup tool's AWS settings into SDK clients.
//
// It is the one place that knows how region, profile, shared files, static credentials, assume_role,
// endpoints, retries and the standard AWS_* environment variables combine. The provider and the CLI
// are thin adapters over it: both build a Config, call Load, and render the *Error values it returns
// in their own vocabulary (attribute paths for Terraform, flags for the CLI).
package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// Retry modes accepted by retry_mode / AWS_RETRY_MODE.
const (
	RetryModeStandard = "standard"
	RetryModeAdaptive = "adaptive"
)

// RetryModes lists the accepted retry modes, for validators and documentation.
var RetryModes = []string{RetryModeStandard, RetryModeAdaptive}

// DefaultMaxRetries matches the AWS provider's default: large fleets hit EC2's request-rate buckets.
const DefaultMaxRetries = 25

// Services that accept an endpoint override, in the order they are documented.
const (
	ServiceEC2  = "ec2"
	ServiceLogs = "logs"
	ServiceSTS  = "sts"
	ServiceIAM  = "iam"
)

// Services lists the keys of Endpoints.
var Services = []string{ServiceEC2, ServiceLogs, ServiceSTS, ServiceIAM}

// EndpointEnvVars names the service-specific endpoint variables the SDK honours, per service key.
var EndpointEnvVars = map[string]string{
	ServiceEC2:  "AWS_ENDPOINT_URL_EC2",
	ServiceLogs: "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
	ServiceSTS:  "AWS_ENDPOINT_URL_STS",
	ServiceIAM:  "AWS_ENDPOINT_URL_IAM",
}

// AssumeRole configures an stscreds role assumption on top of the base credentials.
type AssumeRole struct {
	RoleARN     string
	SessionName string
	ExternalID  string
	Duration    time.Duration
}

// Config is everything a user can set. Zero values mean "not set": the SDK's defaults and the
// standard environment variables then apply.
type Config struct {
	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	AccessKey              string
	SecretKey              string //nolint:gosec // a field name, not a credential
	Token                  string
	AssumeRole             *AssumeRole
	// Endpoints maps a service key (ServiceEC2, ...) to a base URL.
	Endpoints map[string]string
	// EndpointURL applies to every service that has no entry in Endpoints (the CLI's --endpoint-url).
	EndpointURL string
	// MaxRetries is the number of retries after the first attempt; nil means DefaultMaxRetries
	// unless AWS_MAX_ATTEMPTS is set.
	MaxRetries *int
	RetryMode  string
	// LogsRateLimits overrides DefaultLogsRateLimits: requests per second per CloudWatch Logs operation (0: not paced).
	LogsRateLimits map[string]float64

	SkipCredentialsValidation bool
	SkipRequestingAccountID   bool
	SkipMetadataAPICheck      bool

	// UserAgent is appended to the SDK's user agent, e.g. "terraform-provider-vpnlogs/1.2.3".
	UserAgent string
	// APIOptions are added to every client's middleware stack (the provider's call logging).
	APIOptions []func(*middleware.Stack) error
	// HTTPClient overrides the transport (tests); nil uses the SDK's default.
	HTTPClient *http.Client
	// SettingName names a setting, given by its provider attribute name ("region", "endpoints.sts",
	// "skip_credentials_validation"), in the words of the tool that loads the configuration (a flag for the CLI), so
	// that messages give advice the user can follow there; "" when the tool has no such setting. nil: attribute names.
	SettingName func(attribute string) string
}

// Error is a configuration problem that names the setting it concerns, says what is wrong and how to
// fix it. Attribute is the provider attribute path ("region", "endpoints.ec2", "assume_role.role_arn");
// the CLI maps it to its flags.
type Error struct {
	Attribute string
	Summary   string
	Detail    string
	Err       error
}

func (e *Error) Error() string {
	if e.Attribute != "" {
		return fmt.Sprintf("%s: %s: %s", e.Attribute, e.Summary, e.Detail)
	}
	return e.Summary + ": " + e.Detail
}

func (e *Error) Unwrap() error { return e.Err }

// Errors splits an error of Load into the problems it joins, each an *Error or another error, so that each adapter
// renders every one on its own setting.
func Errors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Clients holds the service clients and the identity resolved once per provider instance or CLI run.
type Clients struct {
	Config    aws.Config
	EC2       *ec2.Client
	Logs      *cloudwatchlogs.Client
	STS       *sts.Client
	IAM       *iam.Client
	Region    string
	AccountID string
	Partition string
	// CallerARN is the STS caller identity; empty when skip_requesting_account_id is set.
	CallerARN string
	// Warnings are non-fatal notes (for example: account ID could not be read but validation was skipped).
	Warnings []string
}

// Validate checks the settings that can be checked without talking to AWS or reading files.
func (c Config) Validate() []*Error {
	var errs []*Error
	if c.RetryMode != "" && !isRetryMode(c.RetryMode) {
		errs = append(errs, &Error{
			Attribute: "retry_mode",
			Summary:   "Unknown retry mode",
			Detail: fmt.Sprintf("retry_mode is %q, which is not a retry mode the AWS SDK knows. Use %q (the default) or %q.",
				c.RetryMode, RetryModeStandard, RetryModeAdaptive),
		})
	}
	if c.MaxRetries != nil && *c.MaxRetries < 0 {
		errs = append(errs, &Error{
			Attribute: "max_retries",
			Summary:   "Invalid max_retries",
			Detail:    fmt.Sprintf("max_retries is %d; it must be 0 or more (0 disables retries).", *c.MaxRetries),
		})
	}
	for _, svc := range Services {
		if u, ok := c.Endpoints[svc]; ok && u != "" {
			if err := ValidateEndpointURL(u); err != nil {
				errs = append(errs, &Error{
					Attribute: "endpoints." + svc,
					Summary:   "Malformed endpoint URL",
					Detail:    fmt.Sprintf("endpoints.%s is %q: %s. Give an absolute URL such as \"https://%s.us-east-1.amazonaws.com\" or \"http://127.0.0.1:4599\".", svc, u, err, svc),
				})
			}
		}
	}
	if c.EndpointURL != "" {
		if err := ValidateEndpointURL(c.EndpointURL); err != nil {
			errs = append(errs, &Error{
				Attribute: "endpoint_url",
				Summary:   "Malformed endpoint URL",
				Detail:    fmt.Sprintf("the endpoint URL %q is not usable: %s. Give an absolute URL such as \"http://127.0.0.1:4599\".", c.EndpointURL, err),
			})
		}
	}
	// The SDK reads these variables itself; a bad value would otherwise surface as an opaque load error.
	for _, env := range append([]string{"AWS_ENDPOINT_URL"}, sortedEnvVars()...) {
		if v := os.Getenv(env); v != "" {
			if err := ValidateEndpointURL(v); err != nil {
				errs = append(errs, &Error{
					Attribute: endpointAttrForEnv(env),
					Summary:   "Malformed endpoint URL",
					Detail:    fmt.Sprintf("The environment variable %s is %q: %s. Fix or unset it.", env, v, err),
				})
			}
		}
	}
	if v := os.Getenv("AWS_RETRY_MODE"); v != "" && c.RetryMode == "" && !isRetryMode(v) {
		errs = append(errs, &Error{
			Attribute: "retry_mode",
			Summary:   "Unknown retry mode",
			Detail: fmt.Sprintf("The environment variable AWS_RETRY_MODE is %q, which is not a retry mode the AWS SDK knows. Set it to %q or %q, or set retry_mode.",
				v, RetryModeStandard, RetryModeAdaptive),
		})
	}
	errs = append(errs, validateLogsRateLimits(c.LogsRateLimits)...)
	if c.AssumeRole != nil {
		if c.AssumeRole.RoleARN == "" {
			errs = append(errs, &Error{Attribute: "assume_role.role_arn", Summary: "Missing role ARN",
				Detail: "assume_role needs role_arn, for example \"arn:aws:iam::123456789012:role/vpn-logging\"."})
		} else if !strings.HasPrefix(c.AssumeRole.RoleARN, "arn:") || !strings.Contains(c.AssumeRole.RoleARN, ":role/") {
			errs = append(errs, &Error{Attribute: "assume_role.role_arn", Summary: "Malformed role ARN",
				Detail: fmt.Sprintf("assume_role.role_arn is %q; expected an IAM role ARN such as \"arn:aws:iam::123456789012:role/vpn-logging\".", c.AssumeRole.RoleARN)})
		}
		if d := c.AssumeRole.Duration; d != 0 && (d < 15*time.Minute || d > 12*time.Hour) {
			errs = append(errs, &Error{Attribute: "assume_role.duration", Summary: "Invalid session duration",
				Detail: fmt.Sprintf("assume_role.duration is %s; AWS accepts 15m to 12h (and at most the role's maximum session duration).", d)})
		}
	}
	if (c.AccessKey == "") != (c.SecretKey == "") {
		attr, other := "secret_key", "access_key"
		if c.AccessKey == "" {
			attr, other = "access_key", "secret_key"
		}
		errs = append(errs, &Error{Attribute: attr, Summary: "Incomplete static credentials",
			Detail: fmt.Sprintf("%s is set but %s is not. Set both, or neither to use the environment, a profile or an instance role.", other, attr)})
	}
	return errs
}

func isRetryMode(s string) bool {
	return s == RetryModeStandard || s == RetryModeAdaptive
}

func sortedEnvVars() []string {
	out := make([]string, 0, len(Services))
	for _, s := range Services {
		out = append(out, EndpointEnvVars[s])
	}
	return out
}

func endpointAttrForEnv(env string) string {
	for svc, e := range EndpointEnvVars {
		if e == env {
			return "endpoints." + svc
		}
	}
	return "endpoints"
}

// ValidateEndpointURL reports why u cannot be used as a service endpoint, or nil.
func ValidateEndpointURL(u string) error {
	if !strings.Contains(u, "://") {
		return errors.New("it has no scheme: the scheme must be http or https")
	}
	p, err := url.Parse(u)
	if err != nil {
		return errors.New("it does not parse as a URL")
	}
	if p.Scheme != "http" && p.Scheme != "https" {
		return errors.New("the scheme must be http or https")
	}
	if p.Host == "" {
		return errors.New("it has no host")
	}
	return nil
}

// Load resolves the configuration into clients. It returns *Error values for problems the user can fix.
func Load(ctx context.Context, c Config) (*Clients, error) {
	if errs := c.Validate(); len(errs) > 0 {
		return nil, errors.Join(asErrors(errs)...)
	}

	opts := []func(*config.LoadOptions) error{}
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	if len(c.SharedConfigFiles) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(expandHome(c.SharedConfigFiles)))
	}
	if len(c.SharedCredentialsFiles) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(expandHome(c.SharedCredentialsFiles)))
	}
	if c.AccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, c.Token)))
	}
	if c.SkipMetadataAPICheck {
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	if c.RetryMode != "" {
		mode, _ := aws.ParseRetryMode(c.RetryMode)
		opts = append(opts, config.WithRetryMode(mode))
	}
	if c.MaxRetries != nil {
		opts = append(opts, config.WithRetryMaxAttempts(*c.MaxRetries+1))
	} else if os.Getenv("AWS_MAX_ATTEMPTS") == "" {
		opts = append(opts, config.WithRetryMaxAttempts(DefaultMaxRetries+1))
	}
	if c.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(c.HTTPClient))
	}
	apiOptions := append([]func(*middleware.Stack) error{}, c.APIOptions...)
	if c.UserAgent != "" {
		name, version, _ := strings.Cut(c.UserAgent, "/")
		apiOptions = append(apiOptions, awsmiddleware.AddUserAgentKeyValue(name, version))
	}
	if len(apiOptions) > 0 {
		opts = append(opts, config.WithAPIOptions(apiOptions))
	}

	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, classifyLoadError(c, err)
	}
	// Wrapped after loading: the SDK applies AWS_CA_BUNDLE only to its own *BuildableClient.
	cfg.HTTPClient = NewHTTPClient(cfg.HTTPClient)
	cfg.Retryer = newRetryer(cfg.RetryMode)
	cfg.Retryer = failFast(cfg)
	if err := regionError(c, cfg.Region); err != nil {
		return nil, err
	}

	endpoint := func(svc string) *string {
		if u := c.Endpoints[svc]; u != "" {
			return aws.String(u)
		}
		if c.EndpointURL != "" {
			return aws.String(c.EndpointURL)
		}
		return nil // the SDK applies AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL itself
	}

	if c.AssumeRole != nil {
		// As for every client: an explicit endpoint first, else what the SDK resolved (AWS_ENDPOINT_URL_STS,
		// AWS_ENDPOINT_URL), never nothing.
		stsForRole := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = firstNonNil(endpoint(ServiceSTS), o.BaseEndpoint) })
		ar := c.AssumeRole
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsForRole, ar.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = ar.SessionName
			if o.RoleSessionName == "" {
				o.RoleSessionName = "terraform-provider-vpnlogs"
			}
			if ar.ExternalID != "" {
				o.ExternalID = aws.String(ar.ExternalID)
			}
			if ar.Duration > 0 {
				o.Duration = ar.Duration
			}
		}))
	}

	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, credentialsError(c, cfg, err)
	}

	cl := &Clients{
		Config: cfg,
		EC2:    ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.BaseEndpoint = firstNonNil(endpoint(ServiceEC2), o.BaseEndpoint) }),
		Logs: cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
			o.BaseEndpoint = firstNonNil(endpoint(ServiceLogs), o.BaseEndpoint)
			o.APIOptions = append(o.APIOptions, newLogsRateLimiter(c.LogsRateLimits).addTo)
		}),
		STS:       sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = firstNonNil(endpoint(ServiceSTS), o.BaseEndpoint) }),
		IAM:       iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = firstNonNil(endpoint(ServiceIAM), o.BaseEndpoint) }),
		Region:    cfg.Region,
		Partition: PartitionForRegion(cfg.Region),
	}

	if !c.SkipRequestingAccountID {
		out, err := cl.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		switch {
		case err == nil:
			cl.AccountID = aws.ToString(out.Account)
			cl.CallerARN = aws.ToString(out.Arn)
			if p := partitionFromARN(cl.CallerARN); p != "" {
				cl.Partition = p
			}
		case c.SkipCredentialsValidation:
			cl.Warnings = append(cl.Warnings, "Could not read the account ID with sts:GetCallerIdentity ("+err.Error()+
				"); checks that compare log group ARNs with the provider's account are skipped.")
		default:
			return nil, identityError(c, cfg, err)
		}
	}
	return cl, nil
}

func firstNonNil(a, b *string) *string {
	if a != nil {
		return a
	}
	return b
}

func asErrors(in []*Error) []error {
	out := make([]error, len(in))
	for i, e := range in {
		out[i] = e
	}
	return out
}

func expandHome(paths []string) []string {
	home, err := os.UserHomeDir()
	out := make([]string, len(paths))
	for i, p := range paths {
		if err == nil && (p == "~" || strings.HasPrefix(p, "~/")) {
			p = home + p[1:]
		}
		out[i] = p
	}
	return out
}

func classifyLoadError(c Config, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to get shared config profile") || strings.Contains(msg, "SharedConfigProfileNotExist"):
		return &Error{Attribute: "profile", Summary: "Unknown AWS profile", Err: err,
			Detail: fmt.Sprintf("The profile %q was not found in the shared config or credentials files (%s). Check the name, or set shared_config_files / shared_credentials_files.",
				firstNonEmpty(c.Profile, os.Getenv("AWS_PROFILE")), msg)}
	case strings.Contains(strings.ToLower(msg), "retry mode"):
		return &Error{Attribute: "retry_mode", Summary: "Unknown retry mode", Err: err,
			Detail: msg + ". Use \"standard\" or \"adaptive\"."}
	}
	return &Error{Summary: "Unable to load AWS configuration", Detail: msg, Err: err}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// regionPartitions maps the name prefix of a region outside the aws partition to its partition.
var regionPartitions = map[string]string{
	"cn-":      "aws-cn",
	"us-gov-":  "aws-us-gov",
	"us-iso-":  "aws-iso",
	"us-isob-": "aws-iso-b",
	"eusc-":    "aws-eusc",
}

// PartitionForRegion gives the partition a region belongs to: aws unless the region's name has the prefix of
// another partition.
func PartitionForRegion(region string) string {
	for prefix, partition := range regionPartitions {
		if strings.HasPrefix(region, prefix) {
			return partition
		}
	}
	return "aws"
}

// PartitionPrefixes returns the region name prefixes PartitionForRegion knows and their partitions. The sandbox keeps
// its own table, as an independent model of AWS; internal/repo's tests hold the two equal.
func PartitionPrefixes() map[string]string { return maps.Clone(regionPartitions) }

func partitionFromARN(a string) string {
	parts := strings.SplitN(a, ":", 3)
	if len(parts) >= 2 && parts[0] == "arn" {
		return parts[1]
	}
	return ""
}
