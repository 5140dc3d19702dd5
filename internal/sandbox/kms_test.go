package sandbox_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// AssociateKmsKey and DisassociateKmsKey go through the sandbox core like every CloudWatch Logs call: routed,
// counted, and subject to the deny lists.
func TestLogGroupKmsKeyThroughServer(t *testing.T) {
	e := start(t, fastTestOptions())
	name := "/aws/vendedlogs/enc"
	e.createLogGroup(t, name)
	o := e.srv.Options()
	key := "arn:aws:kms:" + o.Region + ":" + o.AccountID + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	describedKey := func() string {
		t.Helper()
		out := must[*cloudwatchlogs.DescribeLogGroupsOutput](t)(e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)}))
		if len(out.LogGroups) != 1 {
			t.Fatalf("DescribeLogGroups: %d groups", len(out.LogGroups))
		}
		return aws.ToString(out.LogGroups[0].KmsKeyId)
	}

	must[*cloudwatchlogs.AssociateKmsKeyOutput](t)(e.logs.AssociateKmsKey(ctx, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String(name), KmsKeyId: aws.String(key)}))
	if k := describedKey(); k != key {
		t.Fatalf("kmsKeyId %q, want %q", k, key)
	}

	e.srv.SetDenyActions([]string{"logs:DisassociateKmsKey"}, nil)
	_, err := e.logs.DisassociateKmsKey(ctx, &cloudwatchlogs.DisassociateKmsKeyInput{LogGroupName: aws.String(name)})
	wantCode(t, err, "AccessDeniedException")
	if k := describedKey(); k != key {
		t.Fatalf("a denied DisassociateKmsKey changed the key to %q", k)
	}
	e.srv.SetDenyActions(nil, nil)
	must[*cloudwatchlogs.DisassociateKmsKeyOutput](t)(e.logs.DisassociateKmsKey(ctx, &cloudwatchlogs.DisassociateKmsKeyInput{LogGroupName: aws.String(name)}))
	if k := describedKey(); k != "" {
		t.Fatalf("after DisassociateKmsKey: kmsKeyId %q", k)
	}

	if st := e.srv.Stats()["logs"]; st["AssociateKmsKey"] != 1 || st["DisassociateKmsKey"] != 2 {
		t.Fatalf("stats: %v", st)
	}
}
