package awsconfig_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// load builds clients for the sandbox, as the provider and the CLI do.
func load(t *testing.T, srv *sandbox.Server, cfg awsconfig.Config) *awsconfig.Clients {
	t.Helper()
	cfg.Region, cfg.AccessKey, cfg.SecretKey, cfg.EndpointURL = acctest.Region, acctest.AccessKeyID, acctest.SecretKey, srv.URL()
	cfg.SkipMetadataAPICheck = true
	c, err := awsconfig.Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// concurrently runs n calls at once and returns their errors.
func concurrently(n int, call func() error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = call() }()
	}
	wg.Wait()
	return errs
}

func filterCall(c *cloudwatchlogs.Client, group string) func() error {
	return func() error {
		_, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
		return err
	}
}

// Quotas respected, not discovered: against the sandbox's request-rate buckets (FilterLogEvents: 5 per second), 20
// concurrent calls with no retries at all all succeed, paced at the quota; without the limiter some are throttled.
func TestLogsRateLimits(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.RateLimits = true })
	acctest.CreateLogGroup(t, srv, "/vpn/paced")
	zero := 0

	paced := load(t, srv, awsconfig.Config{MaxRetries: &zero})
	start := time.Now()
	for i, err := range concurrently(20, filterCall(paced.Logs, "/vpn/paced")) {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	// 4 at once (the bucket starts full, one request short of AWS's), then 5 per second: 16 more take 3.2 seconds.
	if el := time.Since(start); el < 3*time.Second {
		t.Errorf("20 calls in %s: not paced at 5 per second", el)
	}
	if n := acctest.CallCount(srv, "logs", "FilterLogEvents"); n != 20 {
		t.Errorf("the sandbox served %d FilterLogEvents, want 20 (none throttled, none retried)", n)
	}

	time.Sleep(1100 * time.Millisecond) // let the sandbox's bucket fill again
	unpaced := load(t, srv, awsconfig.Config{MaxRetries: &zero, LogsRateLimits: map[string]float64{"FilterLogEvents": 0}})
	throttled := 0
	for _, err := range concurrently(20, filterCall(unpaced.Logs, "/vpn/paced")) {
		if err != nil && strings.Contains(err.Error(), "ThrottlingException") {
			throttled++
		}
	}
	if throttled == 0 {
		t.Error("with the limiter off, no call was throttled: the test does not exercise the quota")
	}
}

func TestValidateLogsRateLimits(t *testing.T) {
	t.Parallel()
	for limits, want := range map[*map[string]float64]string{
		{"FilterLogEvents": 10, "StartQuery": 0}: "",
		{"FilterLogEvent": 10}:                   "Unknown CloudWatch Logs operation",
		{"GetQueryResults": -1}:                  "Invalid request rate",
	} {
		errs := awsconfig.Config{LogsRateLimits: *limits}.Validate()
		switch {
		case want == "" && len(errs) > 0:
			t.Errorf("%v: %v", *limits, errs)
		case want != "" && (len(errs) != 1 || errs[0].Summary != want || errs[0].Attribute != "logs_rate_limits"):
			t.Errorf("%v: %v, want %q", *limits, errs, want)
		}
	}
}
