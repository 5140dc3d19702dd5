package awsconfig

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func TestPatterns(t *testing.T) {
	cases := []struct {
		value                      string
		account, region, partition bool
	}{
		{value: "123456789012", account: true},
		{value: "12345678901"},
		{value: "1234567890123"},
		{value: "12345678901a"},
		{value: "us-east-1", region: true},
		{value: "us-gov-west-1", region: true},
		{value: "cn-northwest-1", region: true},
		{value: "us-east"},
		{value: "US-EAST-1"},
		{value: "aws", partition: true},
		{value: "aws-cn", partition: true},
		{value: "aws-us-gov", partition: true},
		{value: "aws-"},
		{value: "azure"},
		{value: ""},
	}
	for _, tc := range cases {
		if got := AccountIDPattern.MatchString(tc.value); got != tc.account {
			t.Errorf("AccountIDPattern(%q) = %v, want %v", tc.value, got, tc.account)
		}
		if got := RegionPattern.MatchString(tc.value); got != tc.region {
			t.Errorf("RegionPattern(%q) = %v, want %v", tc.value, got, tc.region)
		}
		if got := PartitionPattern.MatchString(tc.value); got != tc.partition {
			t.Errorf("PartitionPattern(%q) = %v, want %v", tc.value, got, tc.partition)
		}
	}
}

func TestIsAccessDenied(t *testing.T) {
	api := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: "m"} }
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"IAM and STS", api("AccessDenied"), true},
		{"JSON services", api("AccessDeniedException"), true},
		{"EC2", api("UnauthorizedOperation"), true},
		{"UnauthorizedAccess", api("UnauthorizedAccess"), true},
		{"UnauthorizedException", api("UnauthorizedException"), true},
		{"wrapped", fmt.Errorf("reading: %w", api("AccessDeniedException")), true},
		{"not found", api("ResourceNotFoundException"), false},
		{"throttled", api("ThrottlingException"), false},
		{"not an API error", errors.New("AccessDenied"), false},
		{"nil", nil, false},
	}
	for _, tc := range cases {
		if got := IsAccessDenied(tc.err); got != tc.want {
			t.Errorf("%s: IsAccessDenied(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
