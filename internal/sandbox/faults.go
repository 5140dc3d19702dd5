package sandbox

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/ec2"
)

// Faults are injected into AWS calls (never into the /_sandbox/ admin endpoints): ThrottleRate and
// ErrorRate are fractions of requests (0..1) answered with the service's throttling error and with a
// 5xx error respectively; Latency is added to every request.
type Faults struct {
	ThrottleRate float64       `json:"throttle_rate"`
	ErrorRate    float64       `json:"error_rate"`
	Latency      time.Duration `json:"latency"`
}

// faultInjector decides, per request, whether it fails before reaching the service. Its random
// source is seeded (Options.Seed), so a given request sequence fails the same way on every run.
type faultInjector struct {
	mu         sync.Mutex
	faults     Faults
	rnd        *rand.Rand
	rateLimits bool
	buckets    map[string]*tokenBucket
	now        func() time.Time
}

func newFaultInjector(f Faults, seed int64, rateLimits bool, now func() time.Time) *faultInjector {
	return &faultInjector{
		faults:     f,
		rnd:        rand.New(rand.NewPCG(uint64(seed), 0x5eed_fa17)),
		rateLimits: rateLimits,
		buckets:    map[string]*tokenBucket{},
		now:        now,
	}
}

func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.faults = f
}

func (fi *faultInjector) get() Faults {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.faults
}

// inject returns the error a request fails with before reaching its service, or nil.
func (fi *faultInjector) inject(service, action string) *awsapi.Error {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.rateLimits && service == "ec2" {
		if !fi.bucket(action).take(fi.now()) {
			return throttleError(service)
		}
	}
	if fi.faults.ThrottleRate > 0 && fi.rnd.Float64() < fi.faults.ThrottleRate {
		return throttleError(service)
	}
	if fi.faults.ErrorRate > 0 && fi.rnd.Float64() < fi.faults.ErrorRate {
		return serverError(service, fi.rnd.IntN(2) == 0)
	}
	return nil
}

// bucket returns the EC2 request-rate bucket of an API. Documented (docs/design/aws-behaviour.md §1.6):
// token buckets per account, Region and API; mutating actions hold 50 tokens refilled at 5/s,
// non-mutating ones (Describe*, Get*, List*, Search*) 100 refilled at 20/s.
func (fi *faultInjector) bucket(action string) *tokenBucket {
	b, ok := fi.buckets[action]
	if !ok {
		capacity, refill := 50.0, 5.0
		for _, p := range []string{"Describe", "Get", "List", "Search"} {
			if strings.HasPrefix(action, p) {
				capacity, refill = 100, 20
			}
		}
		b = &tokenBucket{capacity: capacity, refill: refill, tokens: capacity, last: fi.now()}
		fi.buckets[action] = b
	}
	return b
}

type tokenBucket struct {
	capacity, refill, tokens float64
	last                     time.Time
}

func (b *tokenBucket) take(now time.Time) bool {
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.capacity, b.tokens+el*b.refill)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// throttleError is each service's own throttling error.
func throttleError(service string) *awsapi.Error {
	switch service {
	case "ec2":
		return awsapi.NewError(http.StatusServiceUnavailable, ec2.CodeRequestLimitExceeded, "Request limit exceeded.")
	case "logs":
		// UNCONFIRMED: the message (docs/design/aws-behaviour.md §6 "Throttling error"); the code is confirmed.
		return awsapi.NewError(0, cwlogs.CodeThrottling, "Rate exceeded")
	default: // sts, iam
		return awsapi.NewError(0, awsapi.CodeThrottling, "Rate exceeded")
	}
}

// serverError is each service's 5xx error; EC2 has two (alt picks Unavailable).
func serverError(service string, alt bool) *awsapi.Error {
	switch service {
	case "ec2":
		if alt {
			return awsapi.NewError(http.StatusServiceUnavailable, ec2.CodeUnavailable, "The server is overloaded and can't handle the request.")
		}
		return awsapi.NewError(http.StatusInternalServerError, ec2.CodeInternalError, "An internal error has occurred.")
	case "logs":
		return awsapi.NewError(http.StatusInternalServerError, cwlogs.CodeServiceUnavailable, "The service cannot complete the request.")
	default:
		return awsapi.NewError(http.StatusInternalServerError, awsapi.CodeServiceFailure, "The request processing has failed because of an unknown error, exception or failure.")
	}
}
