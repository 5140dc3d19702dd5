package repo

import (
	"maps"
	"testing"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// The product (awsconfig) and the sandbox (awsapi) each know which partition a region belongs to: the sandbox may
// not import the product, so that tests check one statement of AWS against another. The two tables must say the
// same thing; they once drifted (the sandbox did not know aws-eusc).
func TestPartitionTablesAgree(t *testing.T) {
	t.Parallel()
	product, sandbox := awsconfig.PartitionPrefixes(), awsapi.PartitionPrefixes()
	if !maps.Equal(product, sandbox) {
		t.Fatalf("region prefixes → partitions differ:\nawsconfig: %v\nsandbox:   %v", product, sandbox)
	}
	regions := []string{"us-east-1", "eu-west-3", "ap-southeast-7", "mx-central-1"}
	for prefix := range product {
		regions = append(regions, prefix+"west-1")
	}
	for _, r := range regions {
		if p, s := awsconfig.PartitionForRegion(r), awsapi.Partition(r); p != s {
			t.Errorf("region %s: awsconfig says partition %s, the sandbox %s", r, p, s)
		}
	}
	for prefix, want := range product {
		if got := awsapi.Partition(prefix + "west-1"); got != want {
			t.Errorf("region %swest-1: partition %s, want %s", prefix, got, want)
		}
	}
	if got := awsapi.Partition("us-east-1"); got != "aws" {
		t.Errorf("us-east-1: partition %s, want aws", got)
	}
}
