package iampolicy

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// fakeAWS answers GetCallerIdentity, GetRole and SimulatePrincipalPolicy from tables.
type fakeAWS struct {
	caller    string
	callerErr error

	roles      map[string]string // name → ARN
	getRoleErr error

	// decide gives the decision for an action on a resource; nil: allowed.
	decide      func(action, resource string) iamtypes.PolicyEvaluationDecisionType
	simErr      error
	pageSize    int  // results per page; 0: all
	oldShape    bool // one result per action and resource, no ResourceSpecificResults
	principals  map[string]bool
	simRequests []*iam.SimulatePrincipalPolicyInput
	stsCalls    int
}

func (f *fakeAWS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	f.stsCalls++
	if f.callerErr != nil {
		return nil, f.callerErr
	}
	return &sts.GetCallerIdentityOutput{Arn: aws.String(f.caller), Account: aws.String("123456789012")}, nil
}

func (f *fakeAWS) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if f.getRoleErr != nil {
		return nil, f.getRoleErr
	}
	a, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchEntity", Message: "The role with name " + aws.ToString(in.RoleName) + " cannot be found."}
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{Arn: aws.String(a), RoleName: in.RoleName}}, nil
}

func (f *fakeAWS) SimulatePrincipalPolicy(_ context.Context, in *iam.SimulatePrincipalPolicyInput, _ ...func(*iam.Options)) (*iam.SimulatePrincipalPolicyOutput, error) {
	cp := *in
	f.simRequests = append(f.simRequests, &cp)
	if f.simErr != nil {
		return nil, f.simErr
	}
	if f.principals != nil && !f.principals[aws.ToString(in.PolicySourceArn)] {
		return nil, &smithy.GenericAPIError{Code: "NoSuchEntity", Message: "no such principal"}
	}
	resources := in.ResourceArns
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	decide := func(a, r string) iamtypes.PolicyEvaluationDecisionType {
		if f.decide == nil {
			return iamtypes.PolicyEvaluationDecisionTypeAllowed
		}
		return f.decide(a, r)
	}
	var all []iamtypes.EvaluationResult
	for _, a := range in.ActionNames {
		if f.oldShape {
			for _, r := range resources {
				all = append(all, iamtypes.EvaluationResult{EvalActionName: aws.String(a), EvalResourceName: aws.String(r), EvalDecision: decide(a, r)})
			}
			continue
		}
		er := iamtypes.EvaluationResult{EvalActionName: aws.String(a), EvalResourceName: aws.String("*")}
		agg := ""
		for _, r := range resources {
			d := decide(a, r)
			agg = mostRestrictive(agg, string(d))
			if len(in.ResourceArns) > 0 {
				er.ResourceSpecificResults = append(er.ResourceSpecificResults, iamtypes.ResourceSpecificResult{EvalResourceName: aws.String(r), EvalResourceDecision: d})
			}
		}
		er.EvalDecision = iamtypes.PolicyEvaluationDecisionType(agg)
		all = append(all, er)
	}
	start := 0
	if in.Marker != nil {
		start, _ = strconv.Atoi(*in.Marker)
	}
	end := len(all)
	if f.pageSize > 0 && start+f.pageSize < end {
		end = start + f.pageSize
	}
	out := &iam.SimulatePrincipalPolicyOutput{EvaluationResults: all[start:end]}
	if end < len(all) {
		out.IsTruncated, out.Marker = true, aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func denyActions(implicit []string, explicit ...string) func(string, string) iamtypes.PolicyEvaluationDecisionType {
	return func(a, _ string) iamtypes.PolicyEvaluationDecisionType {
		for _, e := range explicit {
			if strings.EqualFold(e, a) {
				return iamtypes.PolicyEvaluationDecisionTypeExplicitDeny
			}
		}
		for _, i := range implicit {
			if strings.EqualFold(i, a) {
				return iamtypes.PolicyEvaluationDecisionTypeImplicitDeny
			}
		}
		return iamtypes.PolicyEvaluationDecisionTypeAllowed
	}
}

func accessDenied(action string) error {
	return &smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized to perform: " + action}
}

func clientsFor(f *fakeAWS, scope Scope) Clients {
	return Clients{STS: f, IAM: f, Scope: scope}
}

const sessionARN = "arn:aws:sts::123456789012:assumed-role/vpn-admin/s1"

func TestCheck_allAllowed_defaultsToCallerAndRequiredActions(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{caller: sessionARN, roles: map[string]string{"vpn-admin": "arn:aws:iam::123456789012:role/vpn-admin"}}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", nil)
	if !res.Evaluated || !res.Allowed || len(res.Missing) != 0 || len(res.ExplicitlyDenied) != 0 {
		t.Fatalf("result %+v", res)
	}
	if res.PrincipalARN != "arn:aws:iam::123456789012:role/vpn-admin" || res.CallerARN != sessionARN {
		t.Fatalf("principal %q caller %q", res.PrincipalARN, res.CallerARN)
	}
	if !reflect.DeepEqual(res.Actions, RequiredActions) {
		t.Fatalf("actions %v", res.Actions)
	}
	if len(f.simRequests) != 1 || !reflect.DeepEqual(f.simRequests[0].ActionNames, RequiredActions) || f.simRequests[0].ResourceArns != nil {
		t.Fatalf("requests %+v", f.simRequests)
	}
	if !strings.Contains(res.Reason, "may perform all 10 checked actions") {
		t.Fatalf("reason %q", res.Reason)
	}
}

func TestCheck_knownCallerSkipsSTS(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{roles: map[string]string{"vpn-admin": "arn:aws:iam::123456789012:role/vpn-admin"}}
	c := clientsFor(f, Scope{})
	c.CallerARN = sessionARN
	res := Check(context.Background(), c, "", nil)
	if !res.Allowed || f.stsCalls != 0 {
		t.Fatalf("result %+v, sts calls %d", res, f.stsCalls)
	}
}

func TestCheck_implicitAndExplicitDeny(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{caller: "arn:aws:iam::123456789012:user/alice",
		decide: denyActions([]string{"logs:CreateLogDelivery", "logs:PutResourcePolicy"}, "ec2:ModifyVpnTunnelOptions")}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", nil)
	if !res.Evaluated || res.Allowed {
		t.Fatalf("result %+v", res)
	}
	if want := []string{"logs:CreateLogDelivery", "logs:PutResourcePolicy"}; !reflect.DeepEqual(res.Missing, want) {
		t.Fatalf("missing %v, want %v", res.Missing, want)
	}
	if want := []string{"ec2:ModifyVpnTunnelOptions"}; !reflect.DeepEqual(res.ExplicitlyDenied, want) {
		t.Fatalf("explicitly denied %v, want %v", res.ExplicitlyDenied, want)
	}
	if res.PrincipalARN != "arn:aws:iam::123456789012:user/alice" {
		t.Fatalf("principal %q", res.PrincipalARN)
	}
	for _, s := range []string{"may not perform 3 of 10", "no policy allows logs:CreateLogDelivery, logs:PutResourcePolicy", "explicit Deny", "ec2:ModifyVpnTunnelOptions"} {
		if !strings.Contains(res.Reason, s) {
			t.Errorf("reason %q lacks %q", res.Reason, s)
		}
	}
}

func TestCheck_rolePathFromGetRole(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{caller: sessionARN,
		roles:      map[string]string{"vpn-admin": "arn:aws:iam::123456789012:role/team/network/vpn-admin"},
		principals: map[string]bool{"arn:aws:iam::123456789012:role/team/network/vpn-admin": true}}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", nil)
	if !res.Allowed || res.PrincipalARN != "arn:aws:iam::123456789012:role/team/network/vpn-admin" {
		t.Fatalf("result %+v", res)
	}
	if got := aws.ToString(f.simRequests[0].PolicySourceArn); got != res.PrincipalARN {
		t.Fatalf("simulated %q", got)
	}
}

func TestCheck_explicitSessionARNMapsToRole(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{roles: map[string]string{"ops": "arn:aws-cn:iam::123456789012:role/x/ops"}}
	res := Check(context.Background(), clientsFor(f, Scope{}), "arn:aws-cn:sts::123456789012:assumed-role/ops/sess", nil)
	if !res.Allowed || res.PrincipalARN != "arn:aws-cn:iam::123456789012:role/x/ops" || f.stsCalls != 0 || res.CallerARN != "" {
		t.Fatalf("result %+v (sts %d)", res, f.stsCalls)
	}
}

func TestCheck_getRoleDeniedFallsBackToPathlessARN(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{caller: sessionARN, getRoleErr: accessDenied("iam:GetRole")}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", nil)
	if !res.Evaluated || !res.Allowed || res.PrincipalARN != "arn:aws:iam::123456789012:role/vpn-admin" {
		t.Fatalf("result %+v", res)
	}
	for _, s := range []string{"path could not be read", "iam:GetRole", "arn:aws:iam::123456789012:role/vpn-admin", "principal_arn"} {
		if !strings.Contains(res.Reason, s) {
			t.Errorf("reason %q lacks %q", res.Reason, s)
		}
	}
}

func TestCheck_getRoleDeniedAndRoleHasPath(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{caller: sessionARN, getRoleErr: accessDenied("iam:GetRole"),
		principals: map[string]bool{"arn:aws:iam::123456789012:role/team/vpn-admin": true}}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", nil)
	if res.Evaluated || res.Allowed {
		t.Fatalf("result %+v", res)
	}
	for _, s := range []string{"NoSuchEntity", "path", "full ARN", "Not checked: ec2:DescribeVpnConnections"} {
		if !strings.Contains(res.Reason, s) {
			t.Errorf("reason %q lacks %q", res.Reason, s)
		}
	}
}

func TestCheck_simulationDenied(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{caller: "arn:aws:iam::123456789012:user/alice", simErr: accessDenied("iam:SimulatePrincipalPolicy")}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", []string{"logs:CreateLogDelivery"})
	if res.Evaluated || res.Allowed || res.PrincipalARN != "arn:aws:iam::123456789012:user/alice" {
		t.Fatalf("result %+v", res)
	}
	for _, s := range []string{"not simulated", "iam:SimulatePrincipalPolicy", "AccessDenied", "Not checked: logs:CreateLogDelivery."} {
		if !strings.Contains(res.Reason, s) {
			t.Errorf("reason %q lacks %q", res.Reason, s)
		}
	}
}

func TestCheck_unsimulatablePrincipals(t *testing.T) {
	t.Parallel()
	for _, arn := range []string{"arn:aws:iam::123456789012:root", "arn:aws:sts::123456789012:federated-user/bob", "not-an-arn"} {
		f := &fakeAWS{caller: arn}
		res := Check(context.Background(), clientsFor(f, Scope{}), "", nil)
		if res.Evaluated || res.Allowed || len(f.simRequests) != 0 {
			t.Errorf("%s: result %+v, %d simulations", arn, res, len(f.simRequests))
		}
		if !strings.Contains(res.Reason, "principal_arn") || !strings.Contains(res.Reason, "Not checked") {
			t.Errorf("%s: reason %q", arn, res.Reason)
		}
	}
}

func TestCheck_callerUnknown(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{callerErr: errors.New("no network")}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", nil)
	if res.Evaluated || !strings.Contains(res.Reason, "sts:GetCallerIdentity failed") || !strings.Contains(res.Reason, "no network") {
		t.Fatalf("result %+v", res)
	}
}

func TestCheck_invalidAction(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{caller: "arn:aws:iam::123456789012:user/alice"}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", []string{"CreateLogDelivery"})
	if res.Evaluated || !strings.Contains(res.Reason, "not an IAM action name") || len(f.simRequests) != 0 {
		t.Fatalf("result %+v", res)
	}
}

// A principal holding exactly the scoped document: ModifyVpnTunnelOptions is allowed only on the account's VPN
// connections and the read actions only on log groups, so simulating them on "*" would deny them.
func scopedPolicyDecisions(action, resource string) iamtypes.PolicyEvaluationDecisionType {
	switch strings.ToLower(action) {
	case "ec2:modifyvpntunneloptions":
		if resource == "arn:aws:ec2:us-east-1:123456789012:vpn-connection/*" {
			return iamtypes.PolicyEvaluationDecisionTypeAllowed
		}
		return iamtypes.PolicyEvaluationDecisionTypeImplicitDeny
	case "logs:filterlogevents":
		if resource == "arn:aws:logs:us-east-1:123456789012:log-group:*" {
			return iamtypes.PolicyEvaluationDecisionTypeAllowed
		}
		return iamtypes.PolicyEvaluationDecisionTypeImplicitDeny
	}
	return iamtypes.PolicyEvaluationDecisionTypeAllowed
}

func TestCheck_scopedPolicyIsAllowed(t *testing.T) {
	t.Parallel()
	scope := Scope{Partition: "aws", Region: "us-east-1", AccountID: "123456789012"}
	actions := append(append([]string{}, RequiredActions...), "logs:FilterLogEvents")
	for _, old := range []bool{false, true} {
		f := &fakeAWS{caller: "arn:aws:iam::123456789012:user/alice", decide: scopedPolicyDecisions, oldShape: old}
		res := Check(context.Background(), clientsFor(f, scope), "", actions)
		if !res.Allowed {
			t.Fatalf("old shape %v: result %+v", old, res)
		}
		want := []string{"*", "arn:aws:ec2:us-east-1:123456789012:vpn-connection/*", "arn:aws:logs:us-east-1:123456789012:log-group:*"}
		if len(f.simRequests) != 1 || !reflect.DeepEqual(f.simRequests[0].ResourceArns, want) {
			t.Fatalf("requests %+v", f.simRequests)
		}
	}
	// Without the scope, the same principal lacks ModifyVpnTunnelOptions on "*": the check must say so, not pass.
	f := &fakeAWS{caller: "arn:aws:iam::123456789012:user/alice", decide: scopedPolicyDecisions}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", nil)
	if res.Allowed || !reflect.DeepEqual(res.Missing, []string{"ec2:ModifyVpnTunnelOptions"}) {
		t.Fatalf("unscoped: %+v", res)
	}
}

func TestCheck_paginatesAndChunks(t *testing.T) {
	t.Parallel()
	var actions []string
	for i := range 150 {
		actions = append(actions, "svc:Action"+strconv.Itoa(1000+i))
	}
	f := &fakeAWS{caller: "arn:aws:iam::123456789012:user/alice", pageSize: 7, decide: denyActions([]string{"svc:Action1149"})}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", actions)
	if !res.Evaluated || res.Allowed || !reflect.DeepEqual(res.Missing, []string{"svc:Action1149"}) {
		t.Fatalf("result %+v", res)
	}
	// 150 actions: two requests of at most 100 actions, 100/7 → 15 pages and 50/7 → 8 pages.
	if len(f.simRequests) != 15+8 {
		t.Fatalf("%d requests", len(f.simRequests))
	}
	if n := len(f.simRequests[0].ActionNames); n != 100 {
		t.Fatalf("first chunk has %d actions", n)
	}
}

func TestCheck_actionsNormalized(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{caller: "arn:aws:iam::123456789012:user/alice"}
	res := Check(context.Background(), clientsFor(f, Scope{}), "", []string{" logs:PutResourcePolicy", "ec2:DescribeVpnConnections", "LOGS:putresourcepolicy", ""})
	if want := []string{"ec2:DescribeVpnConnections", "logs:PutResourcePolicy"}; !reflect.DeepEqual(res.Actions, want) || !res.Allowed {
		t.Fatalf("result %+v", res)
	}
}

func TestCheck_explicitPrincipalMessagesNameTheCaller(t *testing.T) {
	t.Parallel()
	f := &fakeAWS{getRoleErr: accessDenied("iam:GetRole"), simErr: accessDenied("iam:SimulatePrincipalPolicy")}
	c := clientsFor(f, Scope{})
	c.CallerARN = "arn:aws:iam::123456789012:user/ci"
	res := Check(context.Background(), c, "arn:aws:sts::123456789012:assumed-role/vpn-admin/s1", nil)
	if res.Evaluated || res.CallerARN != "" {
		t.Fatalf("result %+v", res)
	}
	for _, s := range []string{
		"arn:aws:iam::123456789012:user/ci may not call iam:GetRole on role vpn-admin",
		"arn:aws:iam::123456789012:user/ci may not call iam:SimulatePrincipalPolicy",
		"Allow iam:SimulatePrincipalPolicy on arn:aws:iam::123456789012:role/vpn-admin",
	} {
		if !strings.Contains(res.Reason, s) {
			t.Errorf("reason %q lacks %q", res.Reason, s)
		}
	}
}

// Fix words the remedy once for the provider and the setup tool; each passes how its users get the policy.
func TestResultFix(t *testing.T) {
	t.Parallel()
	const who = "arn:aws:iam::123456789012:role/r"
	for _, tc := range []struct {
		res  Result
		want string
	}{
		{Result{PrincipalARN: who, Allowed: true, Evaluated: true}, ""},
		{Result{PrincipalARN: who, Evaluated: true, Missing: []string{"logs:CreateLogDelivery", "logs:PutResourcePolicy"}},
			"Attach to " + who + " the policy P (it grants logs:CreateLogDelivery, logs:PutResourcePolicy)."},
		{Result{PrincipalARN: who, Evaluated: true, Missing: []string{"logs:CreateLogDelivery"}, ExplicitlyDenied: []string{"ec2:ModifyVpnTunnelOptions"}},
			"Attach to " + who + " the policy P (it grants logs:CreateLogDelivery). Remove or narrow the explicit Deny of " +
				"ec2:ModifyVpnTunnelOptions (an identity policy, a permissions boundary or a service control policy): an Allow " +
				"does not override it."},
	} {
		if got := tc.res.Fix("the policy P"); got != tc.want {
			t.Errorf("Fix = %q\nwant  %q", got, tc.want)
		}
	}
}
