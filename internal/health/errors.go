package health

import (
	"errors"
	"fmt"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

// codeResourceNotFound is the CloudWatch Logs error code of a log group that does not exist.
const codeResourceNotFound = "ResourceNotFoundException"

// Error is a failed read of a log group. It names the group, the operation and, for a denied call, the IAM
// permission that is missing.
type Error struct {
	Group     string // log group name
	Operation string // CloudWatch Logs operation, e.g. "FilterLogEvents"
	Code      string // AWS error code, or the Insights query status ("Failed", "Timeout", ...)
	Err       error
}

func (e *Error) Error() string {
	switch {
	case e.Code == codeResourceNotFound:
		return fmt.Sprintf("log group %s does not exist (%s: %s). Check the log group ARN (a typo, another region or "+
			"account, or a group deleted since logging was enabled; AWS does not recreate it)", e.Group, e.Operation, e.Code)
	case awsconfig.IsAccessDenied(e.Err):
		return fmt.Sprintf("access denied reading log group %s: the caller needs the IAM permission logs:%s on "+
			"arn:<partition>:logs:<region>:<account>:log-group:%s:* (%s). Reading tunnel health needs logs:FilterLogEvents "+
			"and logs:DescribeLogStreams, and logs:StartQuery and logs:GetQueryResults for long lookbacks or the insights "+
			"query mode; `terraform-provider-vpnlogs policy --include-read` prints a policy with all of them",
			e.Group, e.Operation, e.Group, e.Err)
	case e.Operation == "GetQueryResults" && e.Err == nil:
		return fmt.Sprintf("the CloudWatch Logs Insights query on log group %s ended with status %s; retry, or use "+
			"query_mode \"filter\" (download mode) for this window", e.Group, e.Code)
	}
	return fmt.Sprintf("reading log group %s (%s): %v", e.Group, e.Operation, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// IsNotFound reports whether err says a log group does not exist.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == codeResourceNotFound
}

func wrapErr(group, op string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Group: group, Operation: op, Code: awserr.Code(err), Err: err}
}
