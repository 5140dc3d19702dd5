package awsconfig

import (
	"regexp"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

// The shapes of the AWS identifiers every package checks: one definition, so that the provider's validators, the
// setup tool's flags and the domain packages accept the same values.
var (
	// AccountIDPattern matches a 12-digit AWS account ID.
	AccountIDPattern = regexp.MustCompile(`^\d{12}$`)
	// RegionPattern matches a region name such as us-east-1 or us-gov-west-1.
	RegionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	// PartitionPattern matches a partition name such as aws, aws-cn or aws-us-gov.
	PartitionPattern = regexp.MustCompile(`^aws(-[a-z]+)*$`)
)

// accessDeniedCodes are the error codes with which AWS services refuse a call for lack of permission: IAM and STS
// (AccessDenied), JSON services such as CloudWatch Logs (AccessDeniedException), EC2 (UnauthorizedOperation), and
// the rarer UnauthorizedAccess and UnauthorizedException.
var accessDeniedCodes = []string{"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "UnauthorizedException"}

// IsAccessDenied reports whether err is (or wraps) an AWS API error that refuses the call for lack of permission.
func IsAccessDenied(err error) bool { return awserr.IsA(err, accessDeniedCodes...) }
