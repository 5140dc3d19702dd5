package logdelivery

import (
	"reflect"
	"testing"
)

func TestCheckDeliverable(t *testing.T) {
	t.Parallel()
	const (
		regionReason  = "Site-to-Site VPN delivers logs only to a log group in the connection's own region"
		accountReason = "Site-to-Site VPN log delivery is same-account"
	)
	group := func(partition, region, account string) LogGroupARN {
		return LogGroupARN{Partition: partition, Region: region, AccountID: account, Name: "/aws/vendedlogs/vpn"}
	}
	cases := []struct {
		name  string
		group LogGroupARN
		scope Scope
		want  []Mismatch
	}{
		{name: "same account and region", group: group("aws", "us-east-1", tAccount), scope: tScope},
		{
			name: "another region", group: group("aws", "eu-west-1", tAccount), scope: tScope,
			want: []Mismatch{{Field: "region", Got: "eu-west-1", Want: "us-east-1", Reason: regionReason}},
		},
		{
			name: "another account", group: group("aws", "us-east-1", "210987654321"), scope: tScope,
			want: []Mismatch{{Field: "account", Got: "210987654321", Want: tAccount, Reason: accountReason}},
		},
		{
			name: "another partition", group: group("aws-cn", "us-east-1", tAccount), scope: tScope,
			want: []Mismatch{{Field: "partition", Got: "aws-cn", Want: "aws"}},
		},
		{
			name: "everything differs, in the order region, account, partition", group: group("aws-cn", "cn-north-1", "210987654321"),
			scope: tScope,
			want: []Mismatch{
				{Field: "region", Got: "cn-north-1", Want: "us-east-1", Reason: regionReason},
				{Field: "account", Got: "210987654321", Want: tAccount, Reason: accountReason},
				{Field: "partition", Got: "aws-cn", Want: "aws"},
			},
		},
		{
			name: "an unknown account is not compared", group: group("aws", "us-east-1", "210987654321"),
			scope: Scope{Partition: "aws", Region: "us-east-1"},
		},
		{
			name: "an unknown partition is not compared", group: group("aws-cn", "us-east-1", tAccount),
			scope: Scope{Region: "us-east-1", AccountID: tAccount},
		},
	}
	for _, tc := range cases {
		if got := tc.group.CheckDeliverable(tc.scope); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: CheckDeliverable = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestMismatchDescribe(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:logs:eu-west-1:210987654321:log-group:/x:*"
	cases := []struct {
		m     Mismatch
		setBy string
		want  string
	}{
		{Mismatch{Field: FieldRegion, Got: "eu-west-1", Want: "us-east-1"}, "the provider works in",
			arn + " is in region eu-west-1, but the provider works in us-east-1"},
		{Mismatch{Field: FieldAccount, Got: "210987654321", Want: "123456789012"}, "the credentials are for",
			arn + " is in account 210987654321, but the credentials are for account 123456789012"},
		{Mismatch{Field: FieldPartition, Got: "aws-cn", Want: "aws"}, "the AWS settings select",
			arn + " is in partition aws-cn, but the AWS settings select aws"},
	}
	for _, tc := range cases {
		if got := tc.m.Describe(arn, tc.setBy); got != tc.want {
			t.Errorf("Describe(%+v) =\n%s\nwant\n%s", tc.m, got, tc.want)
		}
	}
}

func TestOutsideVendedLogsExplanation(t *testing.T) {
	t.Parallel()
	// The entry is 68 characters, 71 with its quotes and comma; the documented policy without entries has 355, so
	// 5120 characters hold (5120-355)/71 = 67 such groups and 2000 hold 23.
	const entry = `"arn:aws:logs:us-east-1:123456789012:log-group:/vpn/prod:log-stream:*"`
	cases := []struct {
		name  string
		scope Scope
		limit int
		opts  ExplainOptions
		want  string
	}{
		{
			name: "the provider's wording", scope: tScope, limit: 5120,
			opts: ExplainOptions{LimitSetting: "the provider's resource_policy_size_limit", When: "at apply time"},
			want: `The log group name "/vpn/prod" does not start with /aws/vendedlogs/. When a VPN tunnel starts delivering logs ` +
				`to it, AWS adds the entry ` + entry + ` to the account-wide CloudWatch Logs resource policy ` +
				`AWSLogDeliveryWrite20150319: 71 more characters for this group alone. That one policy serves every log ` +
				`delivery of the account in us-east-1 and is limited to 5120 characters (the provider's ` +
				`resource_policy_size_limit), room for at most 67 such groups; once it is full, enabling logs fails at apply ` +
				`time. All groups under /aws/vendedlogs/ share a single wildcard entry and do not grow it.`,
		},
		{
			name: "no setting, no time; an unknown account counts as 12 digits", scope: Scope{Partition: "aws", Region: "us-east-1"},
			limit: 2000,
			want: `The log group name "/vpn/prod" does not start with /aws/vendedlogs/. When a VPN tunnel starts delivering logs ` +
				`to it, AWS adds the entry ` + entry + ` to the account-wide CloudWatch Logs resource policy ` +
				`AWSLogDeliveryWrite20150319: 71 more characters for this group alone. That one policy serves every log ` +
				`delivery of the account in us-east-1 and is limited to 2000 characters, room for at most 23 such groups; ` +
				`once it is full, enabling logs fails. All groups under /aws/vendedlogs/ share a single wildcard entry and ` +
				`do not grow it.`,
		},
		{
			name: "a limit below the empty policy leaves no room", scope: tScope, limit: 300,
			want: `The log group name "/vpn/prod" does not start with /aws/vendedlogs/. When a VPN tunnel starts delivering logs ` +
				`to it, AWS adds the entry ` + entry + ` to the account-wide CloudWatch Logs resource policy ` +
				`AWSLogDeliveryWrite20150319: 71 more characters for this group alone. That one policy serves every log ` +
				`delivery of the account in us-east-1 and is limited to 300 characters, room for at most 0 such groups; ` +
				`once it is full, enabling logs fails. All groups under /aws/vendedlogs/ share a single wildcard entry and ` +
				`do not grow it.`,
		},
	}
	for _, tc := range cases {
		if got := OutsideVendedLogsExplanation(tc.scope, "/vpn/prod", tc.limit, tc.opts); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestScopeLogGroupARN(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scope Scope
		name  string
		want  string
	}{
		{tScope, "/aws/vendedlogs/vpn", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn"},
		{Scope{Partition: "aws-cn", Region: "cn-north-1", AccountID: "210987654321"}, "vpn", "arn:aws-cn:logs:cn-north-1:210987654321:log-group:vpn"},
	}
	for _, tc := range cases {
		if got := tc.scope.LogGroupARN(tc.name).String(); got != tc.want {
			t.Errorf("%+v.LogGroupARN(%q) = %s, want %s", tc.scope, tc.name, got, tc.want)
		}
	}
}
