// Package logdelivery holds the CloudWatch Logs side of VPN log delivery: log group names and ARNs, retention
// values, the account's resource policies, and the policy budget with its projection.
package logdelivery

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// VendedLogsPrefix is the log group name prefix that CloudWatch Logs covers with one wildcard entry in the
// delivery resource policy, so groups under it do not grow the policy.
const VendedLogsPrefix = "/aws/vendedlogs/"

// LogGroupARN is a parsed CloudWatch Logs log group ARN.
type LogGroupARN struct {
	Partition string
	Region    string
	AccountID string
	Name      string
}

// String renders the normalised form: without the ":*" suffix, as vpnlogs_log_group.arn and
// LogGroup.logGroupArn do.
func (a LogGroupARN) String() string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", a.Partition, a.Region, a.AccountID, a.Name)
}

// Vended reports whether the group is under /aws/vendedlogs/.
func (a LogGroupARN) Vended() bool { return IsVended(a.Name) }

// IsVended reports whether a log group name is under /aws/vendedlogs/.
func IsVended(name string) bool { return strings.HasPrefix(name, VendedLogsPrefix) }

// logGroupNameRE is compiled on first use: its counted repetition makes it cost half a millisecond, which every
// start of the binary would pay.
var logGroupNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`) })

// TrimARNSuffix removes the ":*" that CloudWatch Logs appends to log group ARNs in some APIs.
func TrimARNSuffix(arn string) string {
	return strings.TrimSuffix(arn, ":*")
}

// ParseLogGroupARN parses a log group ARN with or without the trailing ":*".
func ParseLogGroupARN(s string) (LogGroupARN, error) {
	const example = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn"
	parts := strings.SplitN(TrimARNSuffix(s), ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" {
		return LogGroupARN{}, fmt.Errorf("%q is not a CloudWatch Logs log group ARN; expected the form %s (a trailing \":*\" is accepted)", s, example)
	}
	a := LogGroupARN{Partition: parts[1], Region: parts[3], AccountID: parts[4], Name: parts[6]}
	switch {
	case a.Partition == "":
		return a, fmt.Errorf("%q has no partition; expected the form %s", s, example)
	case !awsconfig.RegionPattern.MatchString(a.Region):
		return a, fmt.Errorf("%q has no valid region (%q); expected the form %s", s, a.Region, example)
	case !awsconfig.AccountIDPattern.MatchString(a.AccountID):
		return a, fmt.Errorf("%q has no valid 12-digit account ID (%q); expected the form %s", s, a.AccountID, example)
	}
	if err := ValidateLogGroupName(a.Name); err != nil {
		return a, fmt.Errorf("%q: %w", s, err)
	}
	return a, nil
}

// ValidateLogGroupName applies CloudWatch Logs' naming rules: 1 to 512 characters from a-z, A-Z, 0-9, '_', '-',
// '/', '.' and '#'.
func ValidateLogGroupName(name string) error {
	if !logGroupNameRE().MatchString(name) {
		return fmt.Errorf("log group name %q is not valid: CloudWatch Logs accepts 1 to 512 characters from a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'", name)
	}
	return nil
}

// RetentionDays are the only retention periods CloudWatch Logs accepts (PutRetentionPolicy).
var RetentionDays = []int64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
