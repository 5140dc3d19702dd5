package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// endpointURLValidator rejects endpoint overrides the SDK could not use, at validate time.
type endpointURLValidator struct{}

var _ validator.String = endpointURLValidator{}

func (endpointURLValidator) Description(context.Context) string {
	return "value must be an absolute http or https URL"
}

func (v endpointURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (endpointURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u := req.ConfigValue.ValueString()
	if err := awsconfig.ValidateEndpointURL(u); err != nil {
		last, _ := req.Path.Steps().LastStep()
		svc := strings.TrimPrefix(last.String(), ".")
		resp.Diagnostics.AddAttributeError(req.Path, "Malformed endpoint URL",
			fmt.Sprintf("%s is %q: %s. Give an absolute URL such as \"https://%s.us-east-1.amazonaws.com\" or \"http://127.0.0.1:4599\".",
				req.Path, u, err, svc))
	}
}

// durationValidator checks assume_role.duration parses and lies in STS's accepted range.
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(context.Context) string {
	return "value must be a Go duration between 15m and 12h"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s is %q, which is not a duration. Use a value such as \"1h\" or \"90m\".", req.Path, s))
	case d < 15*time.Minute || d > 12*time.Hour:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid session duration",
			fmt.Sprintf("%s is %s; AWS accepts 15m to 12h (and at most the role's maximum session duration).", req.Path, d))
	}
}

// logGroupARNValidator checks the shape of a log group ARN (with or without ":*"). Region and account are
// checked against the provider's at plan time, when the provider is configured.
type logGroupARNValidator struct{}

var _ validator.String = logGroupARNValidator{}

func (logGroupARNValidator) Description(context.Context) string {
	return "value must be a CloudWatch Logs log group ARN"
}

func (v logGroupARNValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (logGroupARNValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := logdelivery.ParseLogGroupARN(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid log group ARN", err.Error()+".")
	}
}

// ipAddressValidator checks a tunnel outside IP address with vpn.CheckOutsideIP, which words the fix.
type ipAddressValidator struct{}

var _ validator.String = ipAddressValidator{}

func (ipAddressValidator) Description(context.Context) string {
	return "value must be an IP address as AWS reports it"
}

func (v ipAddressValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (ipAddressValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var e *vpn.OutsideIPError
	if err := vpn.CheckOutsideIP(req.ConfigValue.ValueString()); errors.As(err, &e) {
		summary := "Invalid IP address"
		if e.Canonical != "" {
			summary = "Non-canonical IP address"
		}
		resp.Diagnostics.AddAttributeError(req.Path, summary, fmt.Sprintf("%s is %s.", req.Path, e))
	}
}
