package awsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

// This file classifies what goes wrong while the configuration is loaded and checked, so that each failure names its
// real cause in the words of the tool that shows it (Config.SettingName): an endpoint nothing answers at, a region
// that is not one, credentials AWS rejects, a call that failed for another reason.

// settingName is how the tool that loads c refers to the setting attr ("" when it has none).
func (c Config) settingName(attr string) string {
	if c.SettingName != nil {
		return c.SettingName(attr)
	}
	return attr
}

// ValidateRegion reports why region cannot be used, or nil: the SDK puts a region into host names, so it must be a
// DNS label (letters, digits and hyphens, at most 63, not starting or ending with a hyphen). Whether AWS knows the
// region is not checked here: a new region, or a sandbox's, may be any such name.
func ValidateRegion(region string) error {
	if !regionLabelRE.MatchString(region) {
		return fmt.Errorf("%q is not a region name: %s", region, regionRule)
	}
	return nil
}

const regionRule = "a region is a name such as us-east-1, of letters, digits and hyphens"

var regionLabelRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// regionError checks the region the SDK resolved, and says where it came from when it is missing or invalid.
func regionError(c Config, region string) error {
	if region == "" {
		where := "the AWS_REGION environment variable, or region in the shared config profile (for example region = \"us-east-1\")"
		if n := c.settingName("region"); n != "" {
			where = n + ", " + where
		}
		return &Error{Attribute: "region", Summary: "No AWS region", Detail: "No region is set. Set " + where + "."}
	}
	err := ValidateRegion(region)
	if err == nil {
		return nil
	}
	e := &Error{Summary: "Invalid AWS region", Err: err}
	var from string
	switch {
	case c.Region != "":
		e.Attribute = "region"
	case os.Getenv("AWS_REGION") != "":
		from = "the environment variable AWS_REGION"
	case os.Getenv("AWS_DEFAULT_REGION") != "":
		from = "the environment variable AWS_DEFAULT_REGION"
	default:
		from = "the shared config profile " + quoteOr(firstNonEmpty(c.Profile, os.Getenv("AWS_PROFILE")), "default")
	}
	e.Detail = fmt.Sprintf("The region %q, set by %s, is not a region name: %s. Set it to the region of the VPN connections.",
		region, from, regionRule)
	if e.Attribute != "" { // the diagnostic names the setting
		e.Detail = fmt.Sprintf("The region %q is not a region name: %s. Set it to the region of the VPN connections.", region, regionRule)
	}
	return e
}

func quoteOr(s, def string) string {
	if s == "" {
		s = def
	}
	return fmt.Sprintf("%q", s)
}

// Unreachable describes a call that never reached the service: nothing listens at the endpoint, its host name does
// not resolve, or the TLS handshake fails. Retrying such a call only delays the answer.
type Unreachable struct {
	// URL is the address that was called.
	URL string
	// Reason says what failed, e.g. "connection refused".
	Reason string
}

// AsUnreachable reports whether err is (or wraps) a failure to reach the endpoint at all.
func AsUnreachable(err error) (Unreachable, bool) {
	var u Unreachable
	var ue *url.Error
	if errors.As(err, &ue) {
		u.URL = ue.URL
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		u.Reason = "connection refused: nothing listens there"
	case errors.As(err, &dnsErr):
		u.Reason = fmt.Sprintf("the host name %s does not resolve", dnsErr.Name)
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &invalidCert):
		u.Reason = "the TLS certificate is not accepted: " + rootMessage(err)
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http replaces the tls.RecordHeaderError of an HTTP answer to a TLS hello with an untyped error.
		u.Reason = "the TLS handshake failed (is it an http:// endpoint called with https://?): " + rootMessage(err)
	default:
		return u, false
	}
	return u, true
}

// rootMessage is the message of the innermost wrapped error.
func rootMessage(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// failFast makes the retryer give up at once on a call that never reached the service (AsUnreachable): the SDK
// retries refused connections, which turns a wrong or dead endpoint into minutes of silence. Without a retryer of
// the configuration's own, it wraps the one the SDK's clients would build (the retry mode's, whose attempts the
// clients still cap with the configured maximum).
func failFast(cfg aws.Config) func() aws.Retryer {
	newRetryer := cfg.Retryer
	if newRetryer == nil {
		newRetryer = func() aws.Retryer {
			if cfg.RetryMode == aws.RetryModeAdaptive {
				return retry.NewAdaptiveMode()
			}
			return retry.NewStandard()
		}
	}
	return func() aws.Retryer {
		r := newRetryer()
		if v2, ok := r.(aws.RetryerV2); ok {
			return failFastRetryer{v2}
		}
		return r
	}
}

type failFastRetryer struct{ aws.RetryerV2 }

func (r failFastRetryer) IsErrorRetryable(err error) bool {
	if _, ok := AsUnreachable(err); ok {
		return false
	}
	return r.RetryerV2.IsErrorRetryable(err)
}

// endpointSource says which setting chose the endpoint of service svc: its attribute when it is one of the tool's
// settings, and in words.
func endpointSource(c Config, cfg aws.Config, svc string) (attr, words string) {
	if c.Endpoints[svc] != "" {
		return "endpoints." + svc, c.settingName("endpoints." + svc)
	}
	if c.EndpointURL != "" {
		return "endpoint_url", c.settingName("endpoint_url")
	}
	if env := EndpointEnvVars[svc]; os.Getenv(env) != "" {
		return "", "the environment variable " + env
	}
	if os.Getenv("AWS_ENDPOINT_URL") != "" {
		return "", "the environment variable AWS_ENDPOINT_URL"
	}
	if cfg.BaseEndpoint != nil {
		return "", "endpoint_url in the shared config profile " + quoteOr(firstNonEmpty(c.Profile, os.Getenv("AWS_PROFILE")), "default")
	}
	return "", fmt.Sprintf("the AWS default for region %s (is the region right?)", cfg.Region)
}

// unreachableError words a call to svc's operation that never reached the service.
func unreachableError(c Config, cfg aws.Config, svc, operation string, u Unreachable, err error) *Error {
	attr, from := endpointSource(c, cfg, svc)
	at := ""
	if u.URL != "" {
		at = " at " + u.URL
	}
	return &Error{
		Attribute: attr,
		Summary:   "AWS endpoint unreachable",
		Detail: fmt.Sprintf("Calling %s%s failed: %s. The %s endpoint is set by %s. Check the URL, and that the service (or the "+
			"sandbox) is running and reachable from here.", operation, at, u.Reason, strings.ToUpper(svc), from),
		Err: err,
	}
}

// credentialsCodes are the error codes with which AWS rejects the credentials themselves (not a permission).
var credentialsCodes = []string{
	"InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "ExpiredToken", "ExpiredTokenException",
	"InvalidAccessKeyId", "UnrecognizedClientException", "MissingAuthenticationToken", "InvalidToken",
}

// IsCredentialsError reports whether err is (or wraps) an AWS API error that rejects the credentials.
func IsCredentialsError(err error) bool { return awserr.IsA(err, credentialsCodes...) }

// identityError words a failed sts:GetCallerIdentity: an endpoint that cannot be reached, credentials AWS rejects,
// or a call that failed for another reason. skip names the way to go on without the check, in the tool's words.
func identityError(c Config, cfg aws.Config, err error) error {
	if u, ok := AsUnreachable(err); ok {
		return unreachableError(c, cfg, ServiceSTS, "sts:GetCallerIdentity", u, err)
	}
	_, from := endpointSource(c, cfg, ServiceSTS)
	skip := ""
	if n := c.settingName("skip_credentials_validation"); n != "" {
		skip = " If the endpoint has no STS, set " + n + " = true to go on without this check."
	}
	if IsCredentialsError(err) {
		return &Error{Summary: "Invalid AWS credentials", Err: err,
			Detail: "AWS rejected the credentials: sts:GetCallerIdentity failed with " + err.Error() + "\n\nCheck the access key, " +
				"secret key and session token (or the profile or role they come from), and that they have not expired."}
	}
	return &Error{Summary: "Could not validate the AWS credentials", Err: err,
		Detail: fmt.Sprintf("sts:GetCallerIdentity, at the STS endpoint set by %s, failed: %s\n\nThe credentials themselves were "+
			"not rejected.%s", from, err, skip)}
}

// credentialsError words a failure to obtain credentials: none configured, a role that cannot be assumed, or an STS
// endpoint that cannot be reached for the role.
func credentialsError(c Config, cfg aws.Config, err error) error {
	if u, ok := AsUnreachable(err); ok {
		return unreachableError(c, cfg, ServiceSTS, "sts:AssumeRole", u, err)
	}
	if c.AssumeRole != nil {
		return &Error{Attribute: "assume_role.role_arn", Summary: "No valid AWS credentials", Err: err,
			Detail: fmt.Sprintf("Assuming the role %q failed. Check that the base credentials may call sts:AssumeRole on it, "+
				"that its trust policy admits them, and that external_id matches.\n\nOriginal error: %s", c.AssumeRole.RoleARN, err)}
	}
	where := "the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables, a profile with credentials"
	if c.settingName("access_key") != "" {
		where = c.settingName("access_key") + " and " + c.settingName("secret_key") + ", " + where
	}
	if c.settingName("assume_role") != "" {
		where += ", or " + c.settingName("assume_role") + " on top of one of these"
	}
	return &Error{Summary: "No valid AWS credentials", Err: err,
		Detail: "No AWS credentials were found. Set " + where + ".\n\nOriginal error: " + err.Error()}
}
