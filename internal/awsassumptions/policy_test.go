package awsassumptions

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

const ordinaryPrefix = "/vpnlogs-acc/"

// testPolicy reserves an account-level policy name for the test (skipping when all 10 slots are taken) and deletes
// the policy when the test ends.
func (tg *target) testPolicy(t *testing.T) string {
	t.Helper()
	if n := len(tg.accountPolicies(t)); n >= 10 {
		t.Skipf("the account already has %d account-level resource policies, the maximum: no room for a test policy", n)
	}
	name := "vpnlogs-acc-" + randomSuffix()
	t.Cleanup(func() {
		_, err := tg.Logs.DeleteResourcePolicy(context.Background(), &cloudwatchlogs.DeleteResourcePolicyInput{PolicyName: aws.String(name)})
		if err != nil && awserr.Code(err) != "ResourceNotFoundException" {
			t.Errorf("deleting resource policy %s: %v", name, err)
		}
	})
	return name
}

// paddingPolicy is an account-level policy of exactly n characters that lets Route 53 write to groups that do not
// exist (it grants nothing that matters).
func (tg *target) paddingPolicy(t *testing.T, n int) string {
	t.Helper()
	head := `{"Version":"2012-10-17","Statement":[{"Sid":"VpnlogsAccPadding","Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":[`
	return padded(t, head, `]}]}`, n, func(i, pad int) string {
		return tg.groupARN(fmt.Sprintf("%spad-%03d-%s", ordinaryPrefix, i, strings.Repeat("x", pad))) + ":*"
	})
}

func (tg *target) putPolicy(name, doc string) error {
	_, err := tg.Logs.PutResourcePolicy(tg.ctx, &cloudwatchlogs.PutResourcePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
	return err
}

// §8.6: an account-level policy document may hold 5,120 characters (the documented limit) and no more.
func TestAccItem06_AccountPolicyLengthLimit(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		limit := tg.policySizeLimit(t)
		name := tg.testPolicy(t)
		if err := tg.putPolicy(name, tg.paddingPolicy(t, limit)); err != nil {
			t.Fatalf("a policy of exactly %d characters was refused: %v", limit, err)
		}
		err := tg.putPolicy(name, tg.paddingPolicy(t, limit+1))
		if err == nil {
			t.Fatalf("a policy of %d characters was accepted: the enforced limit is above %d (§8.6; set %s to check another value)",
				limit+1, limit, envPolicySizeLimit)
		}
		if code := awserr.Code(err); code != "InvalidParameterException" {
			t.Errorf("a policy over the limit failed with %s (%v), not InvalidParameterException", code, err)
		}
	})
}

// §8.6: DescribeResourcePolicies with policy scope RESOURCE answers for one log group, given its resourceArn, and
// refuses to list every log group's policy at once. So the resource-policy model's evidence costs one call per log
// group (resource_policy_model = "auto" reads at most 10); if AWS accepted this call, one would do.
func TestAccItem06_ResourceScopeNeedsResourceARN(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		_, err := tg.Logs.DescribeResourcePolicies(tg.ctx, &cloudwatchlogs.DescribeResourcePoliciesInput{PolicyScope: cwltypes.PolicyScopeResource})
		if err == nil {
			t.Fatalf("%s lists RESOURCE-scope policies without a resourceArn: §8.6 assumes it refuses, and vpnlogs reads one "+
				"log group's policy per call", tg.who)
		}
		if code := awserr.Code(err); code != "InvalidParameterException" {
			t.Errorf("without a resourceArn the call failed with %s (%v), not InvalidParameterException", code, err)
		}
	})
}

// §8.6: an account-level policy is stored and returned exactly as sent, whitespace included, so its size is the
// size of what was sent.
func TestAccItem06_PolicyStoredAsSent(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		name := tg.testPolicy(t)
		doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"VpnlogsAccWhitespace\",\n" +
			"      \"Effect\": \"Allow\",\n      \"Principal\": { \"Service\": \"route53.amazonaws.com\" },\n" +
			"      \"Action\": \"logs:PutLogEvents\",\n      \"Resource\": \"" + tg.groupARN(ordinaryPrefix+"whitespace") + ":*\"\n    }\n  ]\n}"
		if err := tg.putPolicy(name, doc); err != nil {
			t.Fatalf("PutResourcePolicy: %v", err)
		}
		got := tg.accountPolicies(t)[name]
		if got != doc {
			t.Errorf("the policy reads back as %d characters, sent %d: §8.6 assumes it is stored as sent\nsent: %q\ngot:  %q",
				utf8.RuneCountInString(got), utf8.RuneCountInString(doc), doc, got)
		}
	})
}

// §8.6: enabling delivery to a new ordinary log group creates the documented policy, or appends exactly
// ,"arn:…:log-group:NAME:log-stream:*" to the existing one.
func TestAccItem06_DeliveryEntryGrowth(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tg.allow(t, envAllowPolicyChanges, "makes AWS add two log groups to the account's "+deliveryPolicyName+" policy for good")
		tr := tg.tunnel(t)
		name1, arn1 := tg.logGroup(t, ordinaryPrefix)
		name2, arn2 := tg.logGroup(t, ordinaryPrefix)

		before, had := tg.deliveryPolicy(t)
		tg.setLogs(t, tr, logsTo(arn1, "", "json"))
		after1, ok := tg.deliveryPolicy(t)
		switch {
		case !ok:
			t.Fatalf("enabling delivery to %s left no %s policy", name1, deliveryPolicyName)
		case !had && after1 != tg.documentedPolicy(tg.deliveryEntry(name1)):
			t.Errorf("%s created %s as\n%s\n§8.6 assumes the documented form\n%s", tg.who, deliveryPolicyName, after1, tg.documentedPolicy(tg.deliveryEntry(name1)))
		case had:
			checkAppended(t, before, after1, tg.deliveryEntry(name1))
		}

		tg.setLogs(t, tr, logsTo(arn2, "", "json"))
		after2, _ := tg.deliveryPolicy(t)
		checkAppended(t, after1, after2, tg.deliveryEntry(name2))
	})
}

// checkAppended checks that after is before with ,"entry" inserted once (no other change, no re-serialization).
func checkAppended(t *testing.T, before, after, entry string) {
	t.Helper()
	add := `,"` + entry + `"`
	grown := utf8.RuneCountInString(after) - utf8.RuneCountInString(before)
	if grown != utf8.RuneCountInString(add) || strings.Count(after, add) != 1 || strings.Replace(after, add, "", 1) != before {
		t.Errorf("the delivery policy grew by %d characters, want exactly %q (%d): §8.6\nbefore: %s\nafter:  %s",
			grown, add, utf8.RuneCountInString(add), before, after)
	}
}

// §8.6: a /aws/vendedlogs/ group is covered by one arn:…:log-group:/aws/vendedlogs/* entry, never by its own.
func TestAccItem06_VendedLogsGroupUsesWildcard(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tg.allow(t, envAllowPolicyChanges, "may make AWS add the /aws/vendedlogs/* entry to the account's "+deliveryPolicyName+" policy for good")
		tr := tg.tunnel(t)
		name, arn := tg.logGroup(t, vendedPrefix)
		before, had := tg.deliveryPolicy(t)
		tg.setLogs(t, tr, logsTo(arn, "", "json"))
		after, _ := tg.deliveryPolicy(t)
		wildcard := `"` + tg.vendedWildcard() + `"`
		switch {
		case strings.Contains(after, `"`+tg.deliveryEntry(name)+`"`):
			t.Errorf("%s added %s's own entry for a /aws/vendedlogs/ group: §8.6 assumes the wildcard %s", tg.who, name, wildcard)
		case !strings.Contains(after, wildcard):
			t.Errorf("after enabling delivery to %s the policy has no %s entry:\n%s", name, wildcard, after)
		case had && strings.Contains(before, wildcard) && after != before:
			t.Errorf("a group the wildcard already covered changed the policy:\nbefore: %s\nafter:  %s", before, after)
		case !had && after != tg.documentedPolicy(tg.vendedWildcard()):
			t.Errorf("%s created %s as\n%s\n§8.6 assumes the documented form\n%s", tg.who, deliveryPolicyName, after, tg.documentedPolicy(tg.vendedWildcard()))
		}
	})
}

// §8.7: when the delivery policy has no room for a new group, ModifyVpnTunnelOptions fails with
// InvalidParameterValue and nothing changes.
func TestAccItem07_FullPolicyError(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tg.allow(t, envAllowPolicyFill, "replaces the account's "+deliveryPolicyName+" policy by a padded one for a few minutes "+
			"(log delivery to groups it does not cover fails meanwhile)")
		tr := tg.tunnel(t)
		name, arn := tg.logGroup(t, ordinaryPrefix)
		limit := tg.policySizeLimit(t)

		orig, had := tg.deliveryPolicy(t)
		t.Cleanup(func() {
			var err error
			if had {
				_, err = tg.Logs.PutResourcePolicy(context.Background(), &cloudwatchlogs.PutResourcePolicyInput{
					PolicyName: aws.String(deliveryPolicyName), PolicyDocument: aws.String(orig)})
			} else {
				_, err = tg.Logs.DeleteResourcePolicy(context.Background(), &cloudwatchlogs.DeleteResourcePolicyInput{PolicyName: aws.String(deliveryPolicyName)})
			}
			if err != nil {
				t.Errorf("restoring %s: %v", deliveryPolicyName, err)
			}
		})
		// One character short of the room the group's entry needs.
		head, tail := tg.documentedParts()
		full := padded(t, head, tail, limit-utf8.RuneCountInString(`,"`+tg.deliveryEntry(name)+`"`)+1, func(i, pad int) string {
			return tg.deliveryEntry(fmt.Sprintf("%spad-%03d-%s", ordinaryPrefix, i, strings.Repeat("x", pad)))
		})
		if err := tg.putPolicy(deliveryPolicyName, full); err != nil {
			t.Fatalf("storing the padded %s: %v", deliveryPolicyName, err)
		}

		tg.waitAvailable(t, tr)
		_, err := tg.modify(tg.EC2, tr, logsTo(arn, "", "json"))
		tg.waitAvailable(t, tr)
		if err == nil {
			t.Fatalf("enabling delivery to %s was accepted although %s had no room for it within %d characters "+
				"(the enforced limit is higher, §8.6)", name, deliveryPolicyName, limit)
		}
		if code := awserr.Code(err); code != "InvalidParameterValue" {
			t.Errorf("enabling delivery with the policy full failed with %s (%v), not InvalidParameterValue: record it in §8.7", code, err)
		}
		if now, _ := tg.deliveryPolicy(t); now != full {
			t.Errorf("the refused change altered %s", deliveryPolicyName)
		}
	})
}
