package logdelivery

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

// KMSKeyAPI is the part of the CloudWatch Logs client that changes a log group's KMS key.
type KMSKeyAPI interface {
	AssociateKmsKey(ctx context.Context, in *cloudwatchlogs.AssociateKmsKeyInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.AssociateKmsKeyOutput, error)
	DisassociateKmsKey(ctx context.Context, in *cloudwatchlogs.DisassociateKmsKeyInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DisassociateKmsKeyOutput, error)
}

// AssociateKMSKey makes keyARN the key that encrypts the events the group ingests from now on, replacing any
// earlier key; events already stored stay encrypted with the key they were written with. AWS documents that the
// change can take up to 5 minutes to take effect.
func AssociateKMSKey(ctx context.Context, api KMSKeyAPI, name, keyARN string) error {
	_, err := api.AssociateKmsKey(ctx, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String(name), KmsKeyId: aws.String(keyARN)})
	if awserr.IsA(err, codeInvalidParameter) {
		return fmt.Errorf("CloudWatch Logs rejected the KMS key %s: %w.\n\nThe key must be an enabled symmetric KMS key in the "+
			"log group's region, and its key policy must allow the service principal logs.<region>.amazonaws.com to use it "+
			"(kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*)", keyARN, err)
	}
	return err
}

// DisassociateKMSKey stops encrypting the group's new events with its KMS key; they are encrypted the default
// CloudWatch Logs way instead. Events stored while the key was associated stay encrypted with it, so CloudWatch Logs
// still needs the key to read them.
func DisassociateKMSKey(ctx context.Context, api KMSKeyAPI, name string) error {
	_, err := api.DisassociateKmsKey(ctx, &cloudwatchlogs.DisassociateKmsKeyInput{LogGroupName: aws.String(name)})
	return err
}
