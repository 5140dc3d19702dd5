package cwlogs

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

const (
	testKey1 = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	testKey2 = "arn:aws:kms:us-east-1:444455556666:key/mrk-5678abcd12ab34cd56ef1234567890ab" // another account's key
)

// describedKey is the kmsKeyId DescribeLogGroups reports for a group ("" when it has none).
func (e *env) describedKey(t *testing.T, name string) string {
	t.Helper()
	out, err := e.cl.DescribeLogGroups(e.ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	wantOK(t, err)
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) == name {
			return aws.ToString(g.KmsKeyId)
		}
	}
	t.Fatalf("DescribeLogGroups: no group %s", name)
	return ""
}

func TestAssociateDisassociateKmsKey(t *testing.T) {
	e := newEnv(t, nil)
	const g = "/aws/vendedlogs/vpn"
	e.mkGroup(t, g)
	if k := e.describedKey(t, g); k != "" {
		t.Fatalf("new group has key %q", k)
	}

	_, err := e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{LogGroupName: aws.String(g), KmsKeyId: aws.String(testKey1)})
	wantOK(t, err)
	if k := e.describedKey(t, g); k != testKey1 {
		t.Fatalf("after AssociateKmsKey: kmsKeyId %q, want %q", k, testKey1)
	}
	// A new association replaces the old one; the key may be another account's.
	_, err = e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{LogGroupName: aws.String(g), KmsKeyId: aws.String(testKey2)})
	wantOK(t, err)
	if k := e.describedKey(t, g); k != testKey2 {
		t.Fatalf("after the second AssociateKmsKey: kmsKeyId %q, want %q", k, testKey2)
	}

	_, err = e.cl.DisassociateKmsKey(e.ctx, &cwl.DisassociateKmsKeyInput{LogGroupName: aws.String(g)})
	wantOK(t, err)
	out, err := e.cl.DescribeLogGroups(e.ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(g)})
	wantOK(t, err)
	if len(out.LogGroups) != 1 || out.LogGroups[0].KmsKeyId != nil {
		t.Fatalf("after DisassociateKmsKey: %+v", out.LogGroups)
	}
	// Disassociating a group without a key changes nothing and succeeds.
	_, err = e.cl.DisassociateKmsKey(e.ctx, &cwl.DisassociateKmsKeyInput{LogGroupName: aws.String(g)})
	wantOK(t, err)

	// The log group ARN works as resourceIdentifier, with or without ":*".
	_, err = e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{ResourceIdentifier: aws.String(e.arn(g)), KmsKeyId: aws.String(testKey1)})
	wantOK(t, err)
	if k := e.describedKey(t, g); k != testKey1 {
		t.Fatalf("after AssociateKmsKey by ARN: kmsKeyId %q", k)
	}
	_, err = e.cl.DisassociateKmsKey(e.ctx, &cwl.DisassociateKmsKeyInput{ResourceIdentifier: aws.String(e.arn(g) + ":*")})
	wantOK(t, err)
	if k := e.describedKey(t, g); k != "" {
		t.Fatalf("after DisassociateKmsKey by ARN: kmsKeyId %q", k)
	}

	// A key given at creation is the group's key until it is disassociated.
	_, err = e.cl.CreateLogGroup(e.ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/enc"), KmsKeyId: aws.String(testKey1)})
	wantOK(t, err)
	_, err = e.cl.DisassociateKmsKey(e.ctx, &cwl.DisassociateKmsKeyInput{LogGroupName: aws.String("/enc")})
	wantOK(t, err)
	if k := e.describedKey(t, "/enc"); k != "" {
		t.Fatalf("created with a key, then disassociated: kmsKeyId %q", k)
	}
}

func TestAssociateKmsKeyErrors(t *testing.T) {
	e := newEnv(t, nil)
	const g = "/aws/vendedlogs/vpn"
	e.mkGroup(t, g)

	for _, bad := range []string{
		"1234abcd-12ab-34cd-56ef-1234567890ab",                                    // a key ID
		"alias/vpn",                                                               // an alias
		"arn:aws:kms:us-east-1:111122223333:alias/vpn",                            // an alias ARN
		"arn:aws:kms:eu-west-1:111122223333:key/1234abcd",                         // another Region
		"arn:aws-cn:kms:us-east-1:111122223333:key/1234abcd",                      // another partition
		"arn:aws:kms:us-east-1:1111:key/1234abcd",                                 // a short account
		"arn:aws:kms:us-east-1:111122223333:key/" + strings.Repeat("a", 256-39+1), // 257 characters
	} {
		_, err := e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{LogGroupName: aws.String(g), KmsKeyId: aws.String(bad)})
		wantCode(t, err, CodeInvalidParameter)
		// CreateLogGroup applies the same rule.
		_, err = e.cl.CreateLogGroup(e.ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/new"), KmsKeyId: aws.String(bad)})
		wantCode(t, err, CodeInvalidParameter)
	}
	_, err := e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{LogGroupName: aws.String(g), KmsKeyId: aws.String("arn:aws:kms:eu-west-1:111122223333:key/1234abcd")})
	var ip *types.InvalidParameterException
	if !asErr(err, &ip) || !strings.Contains(aws.ToString(ip.Message), "us-east-1") {
		t.Fatalf("another Region: %v (the message must name the Region the key must be in)", err)
	}
	if k := e.describedKey(t, g); k != "" {
		t.Fatalf("failed calls changed the key: %q", k)
	}
	if slices.Contains(e.svc.LogGroupNames(), "/new") {
		t.Fatal("CreateLogGroup with a bad key created the group")
	}

	// Unknown groups, by name and by ARN.
	_, err = e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{LogGroupName: aws.String("/missing"), KmsKeyId: aws.String(testKey1)})
	var nf *types.ResourceNotFoundException
	if !asErr(err, &nf) {
		t.Fatalf("AssociateKmsKey on a missing group: %v", err)
	}
	_, err = e.cl.DisassociateKmsKey(e.ctx, &cwl.DisassociateKmsKeyInput{LogGroupName: aws.String("/missing")})
	wantCode(t, err, CodeResourceNotFound)
	_, err = e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{ResourceIdentifier: aws.String(e.arn("/missing")), KmsKeyId: aws.String(testKey1)})
	wantCode(t, err, CodeResourceNotFound)

	// Exactly one of logGroupName and resourceIdentifier.
	_, err = e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{KmsKeyId: aws.String(testKey1)})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.DisassociateKmsKey(e.ctx, &cwl.DisassociateKmsKeyInput{LogGroupName: aws.String(g), ResourceIdentifier: aws.String(e.arn(g))})
	wantCode(t, err, CodeInvalidParameter)
	// Bad names and identifiers; query-result keys are not modelled.
	_, err = e.cl.DisassociateKmsKey(e.ctx, &cwl.DisassociateKmsKeyInput{LogGroupName: aws.String("has space")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.DisassociateKmsKey(e.ctx, &cwl.DisassociateKmsKeyInput{ResourceIdentifier: aws.String("not-an-arn")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{ResourceIdentifier: aws.String("arn:aws:logs:us-east-1:111122223333:query-result:*"), KmsKeyId: aws.String(testKey1)})
	wantCode(t, err, CodeInvalidParameter)

	// kmsKeyId is required; the SDK checks that before sending, the service checks it too.
	status, _, code := e.svc.Handle("AssociateKmsKey", []byte(`{"logGroupName":"`+g+`"}`))
	if status != 400 || code != CodeInvalidParameter {
		t.Fatalf("AssociateKmsKey without kmsKeyId: %d %s", status, code)
	}
	status, _, code = e.svc.Handle("AssociateKmsKey", []byte(`{"logGroupName":"`+g+`","kmsKeyId":5}`))
	if status != 400 || code != CodeSerialization {
		t.Fatalf("AssociateKmsKey with a number as kmsKeyId: %d %s", status, code)
	}
}

func TestKmsKeyOperationsAreListed(t *testing.T) {
	ops := Operations()
	for _, op := range []string{"AssociateKmsKey", "DisassociateKmsKey"} {
		if !slices.Contains(ops, op) {
			t.Errorf("Operations() lacks %s: %v", op, ops)
		}
		if RateLimit(op) != defaultRateLimit {
			t.Errorf("RateLimit(%s) = %v, want %v", op, RateLimit(op), float64(defaultRateLimit))
		}
	}
}

// A region other than us-east-1 takes keys of its own Region and partition only.
func TestKmsKeyRegionAndPartition(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Region = "cn-north-1" })
	e.mkGroup(t, "g")
	_, err := e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{LogGroupName: aws.String("g"), KmsKeyId: aws.String(testKey1)})
	wantCode(t, err, CodeInvalidParameter)
	key := "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	_, err = e.cl.AssociateKmsKey(e.ctx, &cwl.AssociateKmsKeyInput{LogGroupName: aws.String("g"), KmsKeyId: aws.String(key)})
	wantOK(t, err)
	if k := e.describedKey(t, "g"); k != key {
		t.Fatalf("kmsKeyId %q, want %q", k, key)
	}
}
