package sandbox_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

// nearlyFullDeliveryPolicy is an account-level AWSLogDeliveryWrite20150319 exactly room characters
// short of the default 5,120-character limit, already granting /aws/vendedlogs/*.
func nearlyFullDeliveryPolicy(e *env, room int) string {
	prefix := strings.TrimSuffix(logGroupARN(e, ""), "log-group:")
	res := []string{`"` + prefix + `log-group:/aws/vendedlogs/*"`}
	sid := "AWSLogDeliveryWrite"
	doc := func() string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},` +
			`"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":[` + strings.Join(res, ",") + `]}]}`
	}
	for i := 0; len(doc()) <= 5120-room; i++ {
		res = append(res, fmt.Sprintf(`"%slog-group:/old/g%03d:log-stream:*"`, prefix, i))
	}
	res = res[:len(res)-1]
	sid += strings.Repeat("x", 5120-room-len(doc()))
	return doc()
}

// groupPolicies is what `aws logs describe-resource-policies --policy-scope RESOURCE --resource-arn ARN`
// shows for a log group.
func (e *env) groupPolicies(t *testing.T, group string) []cwltypes.ResourcePolicy {
	t.Helper()
	return must[*cloudwatchlogs.DescribeResourcePoliciesOutput](t)(e.logs.DescribeResourcePolicies(ctx, &cloudwatchlogs.DescribeResourcePoliciesInput{
		PolicyScope: cwltypes.PolicyScopeResource, ResourceArn: aws.String(logGroupARN(e, group)),
	})).ResourcePolicies
}

func (e *env) accountPolicies(t *testing.T) []cwltypes.ResourcePolicy {
	t.Helper()
	return must[*cloudwatchlogs.DescribeResourcePoliciesOutput](t)(e.logs.DescribeResourcePolicies(ctx, &cloudwatchlogs.DescribeResourcePoliciesInput{})).ResourcePolicies
}

// The same account in both models: the account-level policy has room for less than one more group.
// Enabling a tunnel's activity log to a plain group and its BGP log to a /aws/vendedlogs/ group fails
// under the account model and succeeds under the log-group model, where the plain group gets its own
// policy and the account-level policy stays as it was.
func TestDeliveryPolicyModelsSameAccount(t *testing.T) {
	for _, model := range []string{"", cwlogs.DeliveryModelAccount, cwlogs.DeliveryModelLogGroup} {
		t.Run("model="+model, func(t *testing.T) {
			opts := fastTestOptions()
			opts.DeliveryPolicyModel = model
			e := start(t, opts)
			if model == "" && e.srv.Options().DeliveryPolicyModel != cwlogs.DeliveryModelAccount {
				t.Fatalf("default model %q", e.srv.Options().DeliveryPolicyModel)
			}
			e.createLogGroup(t, "/vpn/plain")
			e.createLogGroup(t, "/aws/vendedlogs/vpn/bgp")
			seed := nearlyFullDeliveryPolicy(e, 50)
			e.srv.Logs().SeedAccountPolicy(cwlogs.DeliveryPolicyName, seed)
			c := e.vpn(t, nil)
			id, ip := *c.VpnConnectionId, *c.Options.TunnelOptions[0].OutsideIpAddress
			_, err := e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
				VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip,
				TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{
					LogEnabled: aws.Bool(true), LogGroupArn: aws.String(logGroupARN(e, "/vpn/plain")),
					BgpLogEnabled: aws.Bool(true), BgpLogGroupArn: aws.String(logGroupARN(e, "/aws/vendedlogs/vpn/bgp")),
				}),
			})
			if acct := e.accountPolicies(t); len(acct) != 1 || *acct[0].PolicyDocument != seed {
				t.Fatalf("the account-level policies changed: %+v", acct)
			}
			if got := e.groupPolicies(t, "/aws/vendedlogs/vpn/bgp"); len(got) != 0 {
				t.Fatalf("a group covered by the account-level wildcard got a policy: %+v", got)
			}
			plain := e.groupPolicies(t, "/vpn/plain")
			tunnel := tunnelByIP(t, *e.waitAvailable(t, id), ip).LogOptions.CloudWatchLogOptions

			if model != cwlogs.DeliveryModelLogGroup {
				wantCode(t, err, "InvalidParameterValue")
				if !strings.Contains(err.Error(), "over the limit of 5120") || !strings.Contains(err.Error(), "/aws/vendedlogs/") {
					t.Errorf("refusal: %v", err)
				}
				if *tunnel.LogEnabled || *tunnel.BgpLogEnabled || len(plain) != 0 {
					t.Fatalf("the refused change took effect: tunnel %+v, group policies %+v", tunnel, plain)
				}
				return
			}
			if err != nil {
				t.Fatalf("the log-group model refused: %v", err)
			}
			if !*tunnel.LogEnabled || !*tunnel.BgpLogEnabled {
				t.Fatalf("tunnel log options %+v", tunnel)
			}
			if len(plain) != 1 || plain[0].PolicyScope != cwltypes.PolicyScopeResource || *plain[0].ResourceArn != logGroupARN(e, "/vpn/plain") ||
				*plain[0].RevisionId != "1" || *plain[0].PolicyName != cwlogs.DeliveryPolicyName ||
				!strings.Contains(*plain[0].PolicyDocument, `"Principal":{"Service":["delivery.logs.amazonaws.com"]}`) ||
				!strings.Contains(*plain[0].PolicyDocument, `"Resource":["`+logGroupARN(e, "/vpn/plain")+`:log-stream:*"]`) {
				t.Fatalf("the plain group's policy: %+v", plain)
			}
			// Delivery works: the tunnel's stream exists in the plain group.
			if streams := e.srv.Logs().Streams("/vpn/plain"); len(streams) != 1 || !strings.Contains(streams[0], ip) {
				t.Fatalf("streams %v", streams)
			}
		})
	}
}

// Under the log-group model a group whose own policy is nearly 51,200 bytes refuses delivery like a full
// account-level policy does under the account model: the tunnel and the policy stay as they were.
func TestLogGroupModelRefusesAFullGroupPolicy(t *testing.T) {
	opts := fastTestOptions()
	opts.DeliveryPolicyModel = cwlogs.DeliveryModelLogGroup
	e := start(t, opts)
	e.createLogGroup(t, "/vpn/crowded")
	arn := logGroupARN(e, "/vpn/crowded")
	big := `{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":["` +
		strings.Repeat(arn+`:log-stream:x","`, 700)
	big = big[:51200-100-len(`"]}]}`)] + `"]}]}`
	rev := must[*cloudwatchlogs.PutResourcePolicyOutput](t)(e.logs.PutResourcePolicy(ctx, &cloudwatchlogs.PutResourcePolicyInput{
		PolicyDocument: aws.String(big), ResourceArn: aws.String(arn),
	})).RevisionId
	c := e.vpn(t, nil)
	id, ip := *c.VpnConnectionId, *c.Options.TunnelOptions[1].OutsideIpAddress
	_, err := e.ec2.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId: &id, VpnTunnelOutsideIpAddress: &ip,
		TunnelOptions: logOpts(ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(true), LogGroupArn: &arn}),
	})
	wantCode(t, err, "InvalidParameterValue")
	if !strings.Contains(err.Error(), "over the limit of 51200 bytes") {
		t.Errorf("refusal: %v", err)
	}
	after := describeOne(t, e, id)
	if after.State != ec2types.VpnStateAvailable || *tunnelByIP(t, after, ip).LogOptions.CloudWatchLogOptions.LogEnabled {
		t.Fatalf("the refused change took effect: %s", after.State)
	}
	if got := e.groupPolicies(t, "/vpn/crowded"); len(got) != 1 || *got[0].PolicyDocument != big || *got[0].RevisionId != *rev {
		t.Fatal("the refused change modified the group's policy")
	}
	if len(e.accountPolicies(t)) != 0 {
		t.Fatal("the log-group model created an account-level policy")
	}
}

// Creating a connection with logging on sets delivery up the same way.
func TestLogGroupModelOnCreate(t *testing.T) {
	e := start(t, sandbox.Options{DeliveryPolicyModel: cwlogs.DeliveryModelLogGroup, PendingDelay: 1, ModifyDelay: 1})
	e.createLogGroup(t, "/vpn/created")
	cgw, vgw := e.gateways(t, "198.51.100.11")
	arn := logGroupARN(e, "/vpn/created")
	must[*ec2.CreateVpnConnectionOutput](t)(e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
		Type: aws.String("ipsec.1"), CustomerGatewayId: &cgw, VpnGatewayId: &vgw,
		Options: &ec2types.VpnConnectionOptionsSpecification{TunnelOptions: []ec2types.VpnTunnelOptionsSpecification{{
			LogOptions: &ec2types.VpnTunnelLogOptionsSpecification{CloudWatchLogOptions: &ec2types.CloudWatchLogOptionsSpecification{BgpLogEnabled: aws.Bool(true), BgpLogGroupArn: &arn}},
		}}},
	}))
	if got := e.groupPolicies(t, "/vpn/created"); len(got) != 1 || !strings.Contains(*got[0].PolicyDocument, arn+":log-stream:*") {
		t.Fatalf("group policies %+v", got)
	}
	if len(e.accountPolicies(t)) != 0 {
		t.Fatal("the log-group model created an account-level policy")
	}
}
