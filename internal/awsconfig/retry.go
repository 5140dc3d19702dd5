package awsconfig

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// newRetryer is the SDK's retryer for the retry mode, without its client-side retry quota.
//
// The SDK's standard retryer spends tokens from a quota of 500 on every retry (5 per throttled or failed attempt,
// 10 per timeout) and stops retrying when the quota is empty. Concurrent reads that CloudWatch Logs throttles drain
// it in a few seconds, after which every throttled call fails at once ("failed to get rate limit token, retry quota
// exceeded") however large max_retries is. terraform-provider-aws removes the quota for the same reason (its
// aws-sdk-go-base sets ratelimit.None unless a token bucket capacity is configured); so do we. What remains is the
// SDK's exponential backoff with full jitter (at most 20 s between attempts) up to the configured number of
// attempts, which the service clients apply on top of this retryer (RetryMaxAttempts), and the per-operation rate
// limits of CloudWatch Logs (LogsRateLimits), which keep throttling rare in the first place.
func newRetryer(mode aws.RetryMode) func() aws.Retryer {
	noQuota := func(o *retry.StandardOptions) { o.RateLimiter = ratelimit.None }
	return func() aws.Retryer {
		if mode == aws.RetryModeAdaptive {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, noQuota)
			})
		}
		return retry.NewStandard(noQuota)
	}
}
