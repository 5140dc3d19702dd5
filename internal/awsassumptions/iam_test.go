package awsassumptions

import (
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
)

// §8.14: iam:SimulatePrincipalPolicy evaluates the permission-only action logs:CreateLogDelivery like any other
// action, and refuses an assumed-role session ARN as PolicySourceArn with InvalidInput.
func TestAccItem14_SimulatorEvaluatesCreateLogDelivery(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		caller, err := iampolicy.ParsePrincipal(tg.CallerARN)
		if err != nil {
			t.Fatalf("caller %s: %v", tg.CallerARN, err)
		}
		source := os.Getenv(envPrincipalARN)
		if !tg.real() || source == "" {
			switch caller.Kind {
			case iampolicy.KindUser, iampolicy.KindRole:
				source = caller.ARN
			case iampolicy.KindAssumedRole:
				role, err := tg.IAM.GetRole(tg.ctx, &iam.GetRoleInput{RoleName: aws.String(caller.Name)})
				if err != nil {
					t.Fatalf("iam:GetRole %s: %v", caller.Name, err)
				}
				source = aws.ToString(role.Role.Arn)
			default:
				t.Skipf("the caller %s cannot be simulated; set %s to an IAM user or role", tg.CallerARN, envPrincipalARN)
			}
		}

		const action = "logs:CreateLogDelivery"
		out, err := tg.IAM.SimulatePrincipalPolicy(tg.ctx, &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String(source), ActionNames: []string{action}})
		if err != nil {
			t.Fatalf("simulating %s for %s failed (%s): §8.14 assumes the simulator evaluates it: %v", action, source, awserr.Code(err), err)
		}
		if len(out.EvaluationResults) != 1 {
			t.Fatalf("%d evaluation results, want 1", len(out.EvaluationResults))
		}
		r := out.EvaluationResults[0]
		if aws.ToString(r.EvalActionName) != action || !slices.Contains([]string{"allowed", "implicitDeny", "explicitDeny"}, string(r.EvalDecision)) {
			t.Errorf("result for %s: %s, want one of allowed, implicitDeny, explicitDeny", aws.ToString(r.EvalActionName), r.EvalDecision)
		}
		t.Logf("%s for %s: %s", action, source, r.EvalDecision)

		if caller.Kind != iampolicy.KindAssumedRole {
			return
		}
		_, err = tg.IAM.SimulatePrincipalPolicy(tg.ctx, &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String(caller.ARN), ActionNames: []string{action}})
		if code := awserr.Code(err); code != "InvalidInput" {
			t.Errorf("simulating the session ARN %s gave %s (%v), §8.14 assumes InvalidInput", caller.ARN, code, err)
		}
	})
}
