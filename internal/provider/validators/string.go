package validators

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/duration"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// stringValidator adapts a check of a known string value to validator.String. check returns the summary and detail
// of the error, or "" when the value is fine.
type stringValidator struct {
	description
	check func(path, value string) (summary, detail string)
}

var _ validator.String = stringValidator{}

// description is what a validator accepts, as the framework asks for it.
type description string

func (d description) Description(context.Context) string         { return string(d) }
func (d description) MarkdownDescription(context.Context) string { return string(d) }

func (v stringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if summary, detail := v.check(req.Path.String(), req.ConfigValue.ValueString()); summary != "" {
		resp.Diagnostics.AddAttributeError(req.Path, summary, detail)
	}
}

// checked adapts a domain check that words its own error: the detail is the attribute's path, then that error.
func checked(accepts, summary string, check func(string) error) validator.String {
	return stringValidator{description: description(accepts), check: func(p, s string) (string, string) {
		if err := check(s); err != nil {
			return summary, fmt.Sprintf("%s: %s.", p, err)
		}
		return "", ""
	}}
}

// EndpointURL accepts an absolute http or https URL (awsconfig.ValidateEndpointURL).
func EndpointURL() validator.String {
	return stringValidator{description: description("value must be an absolute http or https URL"), check: func(p, u string) (string, string) {
		err := awsconfig.ValidateEndpointURL(u)
		if err == nil {
			return "", ""
		}
		svc := p[strings.LastIndex(p, ".")+1:]
		return "Malformed endpoint URL", fmt.Sprintf("%s is %q: %s. Give an absolute URL such as \"https://%s.us-east-1.amazonaws.com\" "+
			"or \"http://127.0.0.1:4599\".", p, u, err, svc)
	}}
}

// Region accepts a name the SDK can use as a region (awsconfig.ValidateRegion).
func Region() validator.String {
	return stringValidator{description: description("value must be an AWS region name such as us-east-1"), check: func(p, r string) (string, string) {
		if err := awsconfig.ValidateRegion(r); err != nil {
			return "Invalid AWS region", fmt.Sprintf("%s is %s. Set it to the region of the VPN connections.", p, err)
		}
		return "", ""
	}}
}

// Duration accepts a Go duration between lo and hi; what is the thing bounded ("AWS accepts", for a session).
func Duration(lo, hi time.Duration, what string) validator.String {
	return stringValidator{
		description: description(fmt.Sprintf("value must be a Go duration between %s and %s", duration.Format(lo), duration.Format(hi))),
		check: func(p, s string) (string, string) {
			d, err := duration.Parse(s)
			switch {
			case err != nil:
				return "Invalid duration", fmt.Sprintf("%s is %s.", p, err)
			case d < lo || d > hi:
				return "Duration out of range", fmt.Sprintf("%s is %s; %s %s to %s. Use %q.", p, duration.Format(d), what,
					duration.Format(lo), duration.Format(hi), duration.Format(duration.Clamp(d, lo, hi)))
			}
			return "", ""
		},
	}
}

// Lookback accepts a health window (health.ParseLookback).
func Lookback() validator.String {
	return stringValidator{
		description: description(fmt.Sprintf("value must be a Go duration between %s and %s", health.FormatDuration(health.MinLookback), health.FormatDuration(health.MaxLookback))),
		check: func(p, s string) (string, string) {
			d, err := health.ParseLookback(s)
			switch {
			case err == nil:
				return "", ""
			case d != 0: // parsed, out of range
				return "Invalid lookback", fmt.Sprintf("%s: %s. Use %q.", p, err, health.FormatDuration(duration.Clamp(d, health.MinLookback, health.MaxLookback)))
			}
			return "Invalid lookback", fmt.Sprintf("%s: %s.", p, err)
		},
	}
}

// LogGroupARN accepts a CloudWatch Logs log group ARN, with or without ":*" (logdelivery.ParseLogGroupARN). Its
// account and region are compared with the provider's at plan time, when the provider is configured.
func LogGroupARN() validator.String {
	return checked("value must be a CloudWatch Logs log group ARN", "Invalid log group ARN", func(s string) error {
		_, err := logdelivery.ParseLogGroupARN(s)
		return err
	})
}

// LogGroupName accepts a name CreateLogGroup accepts (logdelivery.ValidateNewLogGroupName).
func LogGroupName() validator.String {
	return checked("value must be a valid CloudWatch Logs log group name", "Invalid log group name", logdelivery.ValidateNewLogGroupName)
}

// ResourcePolicyModel accepts a resource-policy model setting (logdelivery.ParseModel, which words the fix).
func ResourcePolicyModel() validator.String {
	return stringValidator{
		description: description("value must be one of " + strings.Join(logdelivery.Models(), ", ")),
		check: func(p, s string) (string, string) {
			if _, err := logdelivery.ParseModel(s); err != nil {
				return "Invalid resource-policy model", fmt.Sprintf("%s is %s.", p, err)
			}
			return "", ""
		},
	}
}

// VPNConnectionID accepts a VPN connection ID (vpn.CheckConnectionID).
func VPNConnectionID() validator.String {
	return checked("value must be a VPN connection ID such as vpn-0123456789abcdef0", "Invalid VPN connection ID", vpn.CheckConnectionID)
}

// IPAddress accepts a tunnel outside IP address in the form AWS reports it (vpn.CheckOutsideIP, which words the fix).
func IPAddress() validator.String {
	return stringValidator{description: description("value must be an IP address as AWS reports it"), check: func(p, s string) (string, string) {
		var e *vpn.OutsideIPError
		if err := vpn.CheckOutsideIP(s); errors.As(err, &e) {
			if e.Canonical != "" {
				return "Non-canonical IP address", fmt.Sprintf("%s: %s.", p, e)
			}
			return "Invalid IP address", fmt.Sprintf("%s: %s.", p, e)
		}
		return "", ""
	}}
}
