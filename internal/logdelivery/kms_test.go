package logdelivery

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

type fakeKMSKeys struct {
	assoc    []cloudwatchlogs.AssociateKmsKeyInput
	disassoc []cloudwatchlogs.DisassociateKmsKeyInput
	err      error
}

func (f *fakeKMSKeys) AssociateKmsKey(_ context.Context, in *cloudwatchlogs.AssociateKmsKeyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.AssociateKmsKeyOutput, error) {
	f.assoc = append(f.assoc, *in)
	if f.err != nil {
		return nil, f.err
	}
	return &cloudwatchlogs.AssociateKmsKeyOutput{}, nil
}

func (f *fakeKMSKeys) DisassociateKmsKey(_ context.Context, in *cloudwatchlogs.DisassociateKmsKeyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DisassociateKmsKeyOutput, error) {
	f.disassoc = append(f.disassoc, *in)
	if f.err != nil {
		return nil, f.err
	}
	return &cloudwatchlogs.DisassociateKmsKeyOutput{}, nil
}

func TestAssociateDisassociateKMSKey(t *testing.T) {
	ctx := context.Background()
	const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	f := &fakeKMSKeys{}
	if err := AssociateKMSKey(ctx, f, "/aws/vendedlogs/vpn", key); err != nil {
		t.Fatal(err)
	}
	if err := DisassociateKMSKey(ctx, f, "/aws/vendedlogs/vpn"); err != nil {
		t.Fatal(err)
	}
	// By name, never by resourceIdentifier.
	if len(f.assoc) != 1 || aws.ToString(f.assoc[0].LogGroupName) != "/aws/vendedlogs/vpn" || aws.ToString(f.assoc[0].KmsKeyId) != key || f.assoc[0].ResourceIdentifier != nil {
		t.Fatalf("AssociateKmsKey inputs: %+v", f.assoc)
	}
	if len(f.disassoc) != 1 || aws.ToString(f.disassoc[0].LogGroupName) != "/aws/vendedlogs/vpn" || f.disassoc[0].ResourceIdentifier != nil {
		t.Fatalf("DisassociateKmsKey inputs: %+v", f.disassoc)
	}

	// A rejected key says what the key must be, and keeps the AWS error.
	f.err = &cwltypes.InvalidParameterException{Message: aws.String("The specified KMS key does not exist.")}
	err := AssociateKMSKey(ctx, f, "/aws/vendedlogs/vpn", key)
	var ip *cwltypes.InvalidParameterException
	if !errors.As(err, &ip) || !strings.Contains(err.Error(), "logs.<region>.amazonaws.com") || !strings.Contains(err.Error(), key) {
		t.Fatalf("rejected key: %v", err)
	}
	// Other errors pass through as they are.
	f.err = &cwltypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	if err := AssociateKMSKey(ctx, f, "/x", key); !IsNotFound(err) || strings.Contains(err.Error(), "key policy") {
		t.Fatalf("missing group on associate: %v", err)
	}
	if err := DisassociateKMSKey(ctx, f, "/x"); !IsNotFound(err) {
		t.Fatalf("missing group on disassociate: %v", err)
	}
}
