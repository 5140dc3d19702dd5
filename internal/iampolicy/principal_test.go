package iampolicy

import (
	"strings"
	"testing"
)

func TestParsePrincipal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		arn          string
		kind         PrincipalKind
		name, path   string
		roleARN      string
		simulatable  bool
		wantErrMatch string
	}{
		{arn: "arn:aws:sts::123456789012:assumed-role/vpn-admin/s1", kind: KindAssumedRole, name: "vpn-admin",
			roleARN: "arn:aws:iam::123456789012:role/vpn-admin", simulatable: true},
		{arn: "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123abcd/jane.doe@example.com", kind: KindAssumedRole,
			name: "AWSReservedSSO_Admin_0123abcd", roleARN: "arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_0123abcd", simulatable: true},
		{arn: "arn:aws-cn:sts::123456789012:assumed-role/ops/i-0abc", kind: KindAssumedRole, name: "ops",
			roleARN: "arn:aws-cn:iam::123456789012:role/ops", simulatable: true},
		{arn: "arn:aws-us-gov:sts::123456789012:assumed-role/ops/session", kind: KindAssumedRole, name: "ops",
			roleARN: "arn:aws-us-gov:iam::123456789012:role/ops", simulatable: true},
		{arn: "arn:aws:iam::123456789012:user/alice", kind: KindUser, name: "alice", path: "/", simulatable: true},
		{arn: "arn:aws:iam::123456789012:user/division/alice", kind: KindUser, name: "alice", path: "/division/", simulatable: true},
		{arn: "arn:aws:iam::123456789012:role/team/network/vpn-admin", kind: KindRole, name: "vpn-admin", path: "/team/network/", simulatable: true},
		{arn: "arn:aws-cn:iam::123456789012:role/vpn-admin", kind: KindRole, name: "vpn-admin", path: "/", simulatable: true},
		{arn: "arn:aws-us-gov:iam::123456789012:group/admins", kind: KindGroup, name: "admins", path: "/", simulatable: true},
		{arn: "arn:aws:sts::123456789012:federated-user/bob", kind: KindFederatedUser, name: "bob"},
		{arn: "arn:aws-cn:sts::123456789012:federated-user/bob", kind: KindFederatedUser, name: "bob"},
		{arn: "arn:aws:iam::123456789012:root", kind: KindRoot},
		{arn: "arn:aws-us-gov:iam::123456789012:root", kind: KindRoot},
		{arn: "vpn-admin", wantErrMatch: "not an ARN"},
		{arn: "arn:aws:s3:::bucket", wantErrMatch: "not an IAM or STS principal ARN"},
		{arn: "arn:aws:iam:us-east-1:123456789012:role/x", wantErrMatch: "no region"},
		{arn: "arn:aws:sts::123456789012:assumed-role/only-role", wantErrMatch: "not the ARN of an IAM user"},
		{arn: "arn:aws:iam::123456789012:role/", wantErrMatch: "not the ARN of an IAM user"},
		{arn: "arn:aws:iam::123456789012:policy/p", wantErrMatch: "not the ARN of an IAM user"},
	} {
		p, err := ParsePrincipal(tc.arn)
		if tc.wantErrMatch != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErrMatch) {
				t.Errorf("%s: error %v, want one containing %q", tc.arn, err, tc.wantErrMatch)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.arn, err)
			continue
		}
		if p.Kind != tc.kind || p.Name != tc.name || p.Path != tc.path || p.RoleARN() != tc.roleARN || p.AccountID != "123456789012" {
			t.Errorf("%s: got %+v (role %q)", tc.arn, p, p.RoleARN())
		}
		if err := p.Simulatable(); (err == nil) != tc.simulatable {
			t.Errorf("%s: Simulatable() = %v, want simulatable %v", tc.arn, err, tc.simulatable)
		} else if err != nil && !strings.Contains(err.Error(), "principal_arn") {
			t.Errorf("%s: the error does not say to give principal_arn: %v", tc.arn, err)
		}
	}
}

func TestParsePrincipal_partitionCarriedOver(t *testing.T) {
	t.Parallel()
	for _, part := range []string{"aws", "aws-cn", "aws-us-gov"} {
		p, err := ParsePrincipal("arn:" + part + ":sts::210987654321:assumed-role/r/s")
		if err != nil {
			t.Fatal(err)
		}
		if want := "arn:" + part + ":iam::210987654321:role/r"; p.RoleARN() != want {
			t.Errorf("%s: RoleARN %q, want %q", part, p.RoleARN(), want)
		}
	}
}
