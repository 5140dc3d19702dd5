package sandbox_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

func TestGetCallerIdentityAndAssumeRole(t *testing.T) {
	e := start(t, fastTestOptions())
	id := must[*sts.GetCallerIdentityOutput](t)(e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if *id.Arn != "arn:aws:sts::123456789012:assumed-role/vpnlogs-sandbox/sandbox-session" || *id.Account != "123456789012" ||
		!strings.HasPrefix(*id.UserId, "AROA") || !strings.HasSuffix(*id.UserId, ":sandbox-session") {
		t.Fatalf("default identity: %+v", id)
	}
	role := must[*iam.GetRoleOutput](t)(e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("vpnlogs-sandbox")}))
	if *role.Role.Path != "/" || !strings.HasPrefix(*id.UserId, *role.Role.RoleId+":") {
		t.Fatalf("the default caller's role: %+v", role.Role)
	}

	e.srv.AddRole("deployer", "/ci/", sandbox.WithExternalID("ext-42"), sandbox.WithMaxSessionDuration(2*time.Hour))
	roleARN := "arn:aws:iam::123456789012:role/ci/deployer"
	_, err := e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1")})
	wantCode(t, err, "AccessDenied") // ExternalId missing
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/nobody"), RoleSessionName: aws.String("s1")})
	wantCode(t, err, "AccessDenied")
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1"), ExternalId: aws.String("ext-42"), DurationSeconds: aws.Int32(600)})
	wantCode(t, err, "ValidationError")
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("s1"), ExternalId: aws.String("ext-42"), DurationSeconds: aws.Int32(7200)})
	wantCode(t, err, "ValidationError") // role chaining: the default caller is itself a role session
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("x")})
	wantCode(t, err, "ValidationError") // session name too short

	before := time.Now()
	ar := must[*sts.AssumeRoleOutput](t)(e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: aws.String("build-7"), ExternalId: aws.String("ext-42"), DurationSeconds: aws.Int32(1800)}))
	cr := ar.Credentials
	if !strings.HasPrefix(*cr.AccessKeyId, "ASIA") || *cr.SecretAccessKey == "" || *cr.SessionToken == "" {
		t.Fatalf("credentials: %+v", cr)
	}
	if d := cr.Expiration.Sub(before); d < 29*time.Minute || d > 31*time.Minute {
		t.Errorf("expiration in %v, want 30m", d)
	}
	if *ar.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/deployer/build-7" || !strings.HasSuffix(*ar.AssumedRoleUser.AssumedRoleId, ":build-7") {
		t.Fatalf("assumed role user: %+v", ar.AssumedRoleUser)
	}

	// The issued key is that session from now on.
	as := clientsFor(t, e.srv, *cr.AccessKeyId, nil)
	who := must[*sts.GetCallerIdentityOutput](t)(as.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if *who.Arn != *ar.AssumedRoleUser.Arn || *who.UserId != *ar.AssumedRoleUser.AssumedRoleId {
		t.Fatalf("identity with assumed credentials: %+v", who)
	}
	// GetRole recovers the path the session ARN drops.
	got := must[*iam.GetRoleOutput](t)(as.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")}))
	if *got.Role.Arn != roleARN || *got.Role.MaxSessionDuration != 7200 {
		t.Fatalf("role: %+v", got.Role)
	}
	doc, err := url.QueryUnescape(*got.Role.AssumeRolePolicyDocument)
	if err != nil || !strings.HasPrefix(doc, `{"Version":"2012-10-17"`) {
		t.Fatalf("trust policy must be URL-encoded JSON: %q", *got.Role.AssumeRolePolicyDocument)
	}
	_, err = e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ghost")})
	wantCode(t, err, "NoSuchEntity")

	// Deny lists apply to the session's role.
	e.srv.SetPrincipalDenyActions(roleARN, []string{"ec2:Describe*"}, nil)
	_, err = as.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
	wantCode(t, err, "UnauthorizedOperation")
	must[*ec2.DescribeVpnConnectionsOutput](t)(e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{}))
	e.srv.ClearPrincipalDenyActions(roleARN)
	must[*ec2.DescribeVpnConnectionsOutput](t)(as.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{}))

	// A configured caller ARN (an IAM user) is reflected and its principal exists.
	e.srv.SetCallerARN("arn:aws:iam::123456789012:user/ops/alice")
	who = must[*sts.GetCallerIdentityOutput](t)(e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if *who.Arn != "arn:aws:iam::123456789012:user/ops/alice" || !strings.HasPrefix(*who.UserId, "AIDA") {
		t.Fatalf("user identity: %+v", who)
	}
	sim := must[*iam.SimulatePrincipalPolicyOutput](t)(e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: who.Arn, ActionNames: []string{"ec2:DescribeVpnConnections"},
	}))
	if sim.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("user simulation: %+v", sim.EvaluationResults)
	}
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	opts := fastTestOptions()
	opts.DenyActions = []string{"logs:*"}
	opts.ExplicitDenyActions = []string{"ec2:ModifyVpnTunnelOptions"}
	e := start(t, opts)
	roleARN := "arn:aws:iam::123456789012:role/vpnlogs-sandbox"
	out := must[*iam.SimulatePrincipalPolicyOutput](t)(e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: &roleARN,
		ActionNames:     []string{"ec2:DescribeVpnConnections", "ec2:ModifyVpnTunnelOptions", "logs:CreateLogDelivery", "LOGS:PutResourcePolicy"},
	}))
	want := []iamtypes.PolicyEvaluationDecisionType{"allowed", "explicitDeny", "implicitDeny", "implicitDeny"}
	if len(out.EvaluationResults) != 4 || out.IsTruncated {
		t.Fatalf("results: %+v", out)
	}
	for i, r := range out.EvaluationResults {
		if r.EvalDecision != want[i] || *r.EvalResourceName != "*" {
			t.Errorf("%s: %s on %s, want %s", *r.EvalActionName, r.EvalDecision, *r.EvalResourceName, want[i])
		}
	}
	// Per-principal override.
	e.srv.AddRole("reader", "/")
	e.srv.SetPrincipalDenyActions("arn:aws:iam::123456789012:role/reader", nil, []string{"iam:*"})
	r := must[*iam.SimulatePrincipalPolicyOutput](t)(e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::123456789012:role/reader"), ActionNames: []string{"logs:CreateLogDelivery", "iam:GetRole"},
		ResourceArns: []string{"arn:aws:logs:us-east-1:123456789012:log-group:x"},
	}))
	if r.EvaluationResults[0].EvalDecision != "allowed" || r.EvaluationResults[1].EvalDecision != "explicitDeny" || *r.EvaluationResults[0].EvalResourceName != "arn:aws:logs:us-east-1:123456789012:log-group:x" {
		t.Fatalf("override: %+v", r.EvaluationResults)
	}
	_, err := e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:sts::123456789012:assumed-role/vpnlogs-sandbox/sandbox-session"), ActionNames: []string{"ec2:DescribeVpnConnections"},
	})
	wantCode(t, err, "InvalidInput")
	_, err = e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::123456789012:role/ghost"), ActionNames: []string{"ec2:DescribeVpnConnections"},
	})
	wantCode(t, err, "NoSuchEntity")
	_, err = e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::123456789012:role/other-path/vpnlogs-sandbox"), ActionNames: []string{"ec2:DescribeVpnConnections"},
	})
	wantCode(t, err, "NoSuchEntity")
}

func TestAccessDeniedPerService(t *testing.T) {
	opts := fastTestOptions()
	opts.DenyActions = []string{"ec2:DescribeVpnConnections", "logs:DescribeResourcePolicies", "iam:SimulatePrincipalPolicy"}
	opts.ExplicitDenyActions = []string{"sts:*"}
	e := start(t, opts)
	_, err := e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
	wantCode(t, err, "UnauthorizedOperation")
	_, err = e.logs.DescribeResourcePolicies(ctx, &cloudwatchlogs.DescribeResourcePoliciesInput{})
	wantCode(t, err, "AccessDeniedException")
	_, err = e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::123456789012:role/vpnlogs-sandbox"), ActionNames: []string{"a:b"}})
	wantCode(t, err, "AccessDenied")
	if !strings.Contains(err.Error(), "is not authorized to perform: iam:SimulatePrincipalPolicy on resource: arn:aws:iam::123456789012:role/vpnlogs-sandbox") {
		t.Errorf("IAM message: %v", err)
	}
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/vpnlogs-sandbox"), RoleSessionName: aws.String("xx")})
	wantCode(t, err, "AccessDenied")
	// GetCallerIdentity needs no permission.
	must[*sts.GetCallerIdentityOutput](t)(e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	// Not denied: fine.
	must[*cloudwatchlogs.DescribeLogGroupsOutput](t)(e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{}))

	// Enabling tunnel logs needs logs:CreateLogDelivery.
	e.srv.SetDenyActions([]string{"logs:CreateLogDelivery"}, nil)
	e.createLogGroup(t, "/vpn/denied")
	c, _ := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Available: true})
	arn := logGroupARN(e, "/vpn/denied")
	_, err = e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: &c.ID, VpnTunnelOutsideIpAddress: &c.Tunnels[0].OutsideIPAddress,
		TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &arn}),
	})
	wantCode(t, err, "UnauthorizedOperation")
	if len(e.srv.Logs().AccountPolicies()) != 0 || describeOne(t, e, c.ID).State != ec2types.VpnStateAvailable {
		t.Fatal("a denied enable changed something")
	}
}
