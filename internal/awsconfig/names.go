package awsconfig

import (
	"errors"
	"regexp"

	"github.com/aws/smithy-go"
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
var accessDeniedCodes = map[string]bool{
	"AccessDenied":          true,
	"AccessDeniedException": true,
	"UnauthorizedOperation": true,
	"UnauthorizedAccess":    true,
	"UnauthorizedException": true,
}

// IsAccessDenied reports whether err is (or wraps) an AWS API error that refuses the call for lack of permission.
func IsAccessDenied(err error) bool { return hasErrorCode(err, accessDeniedCodes) }

// hasErrorCode reports whether err is (or wraps) an AWS API error whose code is in codes.
func hasErrorCode(err error, codes map[string]bool) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && codes[ae.ErrorCode()]
}
