package awsconfig

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// DefaultLogsRateLimits are the request rates, per second, at which this process calls each CloudWatch Logs read
// operation: AWS's quotas per account and region (docs/design/aws-behaviour.md §6). CloudWatch Logs answers calls
// beyond its quota with ThrottlingException; pacing the calls on our side keeps a fleet's reads from being throttled
// at all, instead of discovering the quota by failing and backing off.
//
// UNCONFIRMED: current values. FilterLogEvents 5, GetLogEvents 10 and DescribeLogGroups 5 are the last published
// figures; DescribeLogStreams 25 is in the operation's API documentation. AWS publishes no rate for StartQuery and
// GetQueryResults: 5 and 10 are our conservative choice (one Insights query serves up to 50 log groups, so they
// are rarely the bottleneck). Config.LogsRateLimits overrides any of them (0 turns the limiter off for that
// operation); other operations are not paced.
var DefaultLogsRateLimits = map[string]float64{
	"DescribeLogGroups":  5,
	"DescribeLogStreams": 25,
	"FilterLogEvents":    5,
	"GetLogEvents":       10,
	"GetQueryResults":    10,
	"StartQuery":         5,
}

// LogsRateLimitOperations lists the operations LogsRateLimits accepts, sorted.
func LogsRateLimitOperations() []string {
	return slices.Sorted(maps.Keys(DefaultLogsRateLimits))
}

// validateLogsRateLimits checks Config.LogsRateLimits.
func validateLogsRateLimits(limits map[string]float64) []*Error {
	var errs []*Error
	for _, op := range slices.Sorted(maps.Keys(limits)) {
		v := limits[op]
		if _, ok := DefaultLogsRateLimits[op]; !ok {
			errs = append(errs, &Error{Attribute: "logs_rate_limits", Summary: "Unknown CloudWatch Logs operation",
				Detail: fmt.Sprintf("logs_rate_limits has the key %q, which is not an operation this provider paces. Use one of %s.",
					op, strings.Join(LogsRateLimitOperations(), ", "))})
			continue
		}
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			errs = append(errs, &Error{Attribute: "logs_rate_limits", Summary: "Invalid request rate",
				Detail: fmt.Sprintf("logs_rate_limits.%s is %v; give requests per second, greater than 0 (or 0 to not pace %s).", op, v, op)})
		}
	}
	return errs
}

// logsRateLimiter paces CloudWatch Logs calls per operation. One is shared by every call of one Clients value, that
// is one provider configuration or one CLI run.
type logsRateLimiter struct {
	limiters map[string]*rate.Limiter
}

// newLogsRateLimiter builds the limiters from the defaults and the overrides.
func newLogsRateLimiter(overrides map[string]float64) *logsRateLimiter {
	l := &logsRateLimiter{limiters: map[string]*rate.Limiter{}}
	for op, r := range DefaultLogsRateLimits {
		if v, ok := overrides[op]; ok {
			r = v
		}
		if r <= 0 {
			continue
		}
		// A token bucket like AWS's, refilled at the quota, holding one request less than one second's worth (AWS
		// refills its bucket at the quota and, we assume, holds one second's worth): a short burst goes out at once,
		// a long run settles at the rate, and AWS's bucket keeps one token to spare, so that a request that the
		// network delivers a little sooner than the one before it is not throttled.
		// UNCONFIRMED: AWS's bucket capacity for CloudWatch Logs (not published; the sandbox holds one second's worth).
		l.limiters[op] = rate.NewLimiter(rate.Limit(r), max(1, int(math.Ceil(r))-1))
	}
	return l
}

// addTo is an SDK API option: it waits for a token before every attempt of a paced operation. It sits after the
// retry middleware, so that retries are paced too: the service counts each attempt against its quota.
func (l *logsRateLimiter) addTo(stack *middleware.Stack) error {
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("vpnlogs.LogsRateLimit",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if lim := l.limiters[awsmiddleware.GetOperationName(ctx)]; lim != nil {
				if err := lim.Wait(ctx); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
			}
			return next.HandleFinalize(ctx, in)
		}), "Retry", middleware.After)
}
