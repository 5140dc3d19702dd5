package awsconfig

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// The SDK's standard retryer takes 5 tokens of a 500-token quota per retry of a throttled call and refuses retries
// once it is empty; ours never refuses, in either retry mode, and Load installs it.
func TestRetryer_noRetryQuota(t *testing.T) {
	throttled := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	refusals := func(r aws.Retryer) int {
		r2, ok := r.(aws.RetryerV2)
		if !ok {
			t.Fatalf("%T is not an aws.RetryerV2", r)
		}
		n := 0
		for range 300 {
			if _, err := r2.GetRetryToken(context.Background(), throttled); err != nil {
				n++
			}
		}
		return n
	}
	if n := refusals(retry.NewStandard()); n == 0 {
		t.Fatal("the SDK's default retryer refused no retry: the test does not exercise its quota")
	}
	for _, mode := range []aws.RetryMode{aws.RetryModeStandard, aws.RetryModeAdaptive} {
		if n := refusals(newRetryer(mode)()); n != 0 {
			t.Errorf("%s: %d of 300 retries refused", mode, n)
		}
	}

	isolate(t)
	c, err := Load(context.Background(), Config{Region: "us-east-1", AccessKey: "a", SecretKey: "b", SkipRequestingAccountID: true, RetryMode: "adaptive"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Config.Retryer == nil {
		t.Fatal("Load left the SDK's default retryer")
	}
	r := c.Config.Retryer()
	inner := r
	if ff, ok := r.(failFastRetryer); ok { // unreachable endpoints fail at once (classify.go)
		inner = ff.RetryerV2
	}
	if _, ok := inner.(*retry.AdaptiveMode); !ok {
		t.Errorf("retry_mode adaptive gave a %T", inner)
	}
	if n := refusals(r); n != 0 {
		t.Errorf("Load's retryer refused %d of 300 retries", n)
	}
}
