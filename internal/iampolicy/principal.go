package iampolicy

import (
	"fmt"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// PrincipalKind says what an ARN identifies, as far as the simulator is concerned.
type PrincipalKind string

// Principal kinds.
const (
	KindUser          PrincipalKind = "user"           // arn:P:iam::A:user/PATH/NAME: simulated as is
	KindRole          PrincipalKind = "role"           // arn:P:iam::A:role/PATH/NAME: simulated as is
	KindGroup         PrincipalKind = "group"          // arn:P:iam::A:group/PATH/NAME: simulated as is
	KindAssumedRole   PrincipalKind = "assumed-role"   // arn:P:sts::A:assumed-role/ROLE/SESSION: its role is simulated
	KindFederatedUser PrincipalKind = "federated-user" // arn:P:sts::A:federated-user/NAME: cannot be simulated
	KindRoot          PrincipalKind = "root"           // arn:P:iam::A:root: cannot be simulated
)

// Principal is a parsed IAM or STS principal ARN.
type Principal struct {
	ARN       string
	Kind      PrincipalKind
	Partition string
	AccountID string
	// Name is the user, role, group or federated user name; for an assumed-role session, the role's name.
	Name string
	// Path is the IAM path ("/" or "/team/network/") of users, roles and groups. Session ARNs do not carry it.
	Path string
	// Session is the session name of an assumed-role session.
	Session string
}

// ParsePrincipal parses the ARN of an IAM user, role, group or root user, or of an STS assumed-role or
// federated-user session, in any partition.
func ParsePrincipal(arn string) (Principal, error) {
	const examples = "for example arn:aws:iam::123456789012:role/vpn-admin or arn:aws:sts::123456789012:assumed-role/vpn-admin/session"
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" {
		return Principal{}, fmt.Errorf("%q is not an ARN; expected the ARN of an IAM user or role, %s", arn, examples)
	}
	p := Principal{ARN: arn, Partition: parts[1], AccountID: parts[4]}
	service, region, res := parts[2], parts[3], parts[5]
	if region != "" || !awsconfig.AccountIDPattern.MatchString(p.AccountID) {
		return Principal{}, fmt.Errorf("%q is not an IAM or STS principal ARN (IAM ARNs have no region and a 12-digit account ID), %s", arn, examples)
	}
	typ, rest, _ := strings.Cut(res, "/")
	switch {
	case service == "iam" && res == "root":
		p.Kind = KindRoot
		return p, nil
	case service == "iam" && (typ == "user" || typ == "role" || typ == "group") && rest != "":
		p.Kind = PrincipalKind(typ)
		if i := strings.LastIndexByte(rest, '/'); i >= 0 {
			p.Path, p.Name = "/"+rest[:i+1], rest[i+1:]
		} else {
			p.Path, p.Name = "/", rest
		}
		if p.Name == "" {
			break
		}
		return p, nil
	case service == "sts" && typ == "assumed-role":
		// Role names cannot contain "/"; session names can contain "@", "=", "," and "." but not "/".
		role, session, ok := strings.Cut(rest, "/")
		if !ok || role == "" || session == "" {
			break
		}
		p.Kind, p.Name, p.Session = KindAssumedRole, role, session
		return p, nil
	case service == "sts" && typ == "federated-user" && rest != "":
		p.Kind, p.Name = KindFederatedUser, rest
		return p, nil
	}
	return Principal{}, fmt.Errorf("%q is not the ARN of an IAM user, role, group or root user, or of an assumed-role or federated-user session; %s", arn, examples)
}

// RoleARN is, for an assumed-role session, the ARN of its role without the role's path (session ARNs drop it:
// recover it with iam:GetRole). For other kinds it is empty.
func (p Principal) RoleARN() string {
	if p.Kind != KindAssumedRole {
		return ""
	}
	return "arn:" + p.Partition + ":iam::" + p.AccountID + ":role/" + p.Name
}

// Simulatable reports whether iam:SimulatePrincipalPolicy accepts the principal (directly, or through its role
// for a session); when not, the error says why and what to do.
//
// UNCONFIRMED (docs/design/aws-behaviour.md §4.3, §8 item 14): the exact error AWS returns for a federated user or the root
// user as PolicySourceArn; choice: do not call the simulator for them at all.
func (p Principal) Simulatable() error {
	switch p.Kind {
	case KindRoot:
		return fmt.Errorf("%s is the account's root user, which iam:SimulatePrincipalPolicy cannot simulate (and which has every permission unless an SCP denies it). "+
			"Run as an IAM user or role, or give principal_arn (--principal-arn) as the IAM user or role that will apply the changes", p.ARN)
	case KindFederatedUser:
		return fmt.Errorf("%s is a federated user (sts:GetFederationToken), which iam:SimulatePrincipalPolicy cannot simulate: its permissions are the "+
			"intersection of the IAM user that created it and its session policy. Give principal_arn (--principal-arn) as that IAM user's ARN", p.ARN)
	}
	return nil
}
