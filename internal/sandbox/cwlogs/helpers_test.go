package cwlogs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	smithy "github.com/aws/smithy-go"
)

const (
	testRegion  = "us-east-1"
	testAccount = "111122223333"
)

// testNow is 2025-11-08 06:00:00 UTC.
var testNow = time.Date(2025, 11, 8, 6, 0, 0, 0, time.UTC)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// handlerFor is the test-only HTTP front end: it does what the sandbox core does for
// CloudWatch Logs (route on X-Amz-Target, write the JSON 1.1 response).
func handlerFor(svc *Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "Logs_20140328.")
		if !ok || r.Method != http.MethodPost {
			http.Error(w, "not a CloudWatch Logs request", http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		status, resp, _ := svc.Handle(op, body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		_, _ = w.Write(resp)
	})
}

type env struct {
	svc   *Service
	cl    *cloudwatchlogs.Client
	clock *fakeClock
	ctx   context.Context
}

func newEnv(t *testing.T, mod func(*Options)) *env {
	t.Helper()
	clock := &fakeClock{t: testNow}
	o := Options{Region: testRegion, AccountID: testAccount, Now: clock.Now}
	if mod != nil {
		mod(&o)
	}
	svc := New(o)
	srv := httptest.NewServer(handlerFor(svc))
	t.Cleanup(srv.Close)
	cl := cloudwatchlogs.New(cloudwatchlogs.Options{
		HTTPClient:   &http.Client{Transport: bufferedBodyTransport{http.DefaultTransport}},
		Region:       testRegion,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
	})
	return &env{svc: svc, cl: cl, clock: clock, ctx: context.Background()}
}

// bufferedBodyTransport hands net/http its own in-memory copy of the request body, as the
// sandbox package's tests do. aws-sdk-go-v2 closes the body it built as soon as response headers
// arrive; against a local server that can race net/http's post-body read in the connection's
// write loop, which then closes the connection under the response being read ("use of closed
// network connection", aws/aws-sdk-go-v2#2737; the SDK retries it, these clients do not retry).
type bufferedBodyTransport struct{ base http.RoundTripper }

func (t bufferedBodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return t.base.RoundTrip(r)
}

// errCode returns the AWS error code of err ("" for nil).
func errCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	return ae.ErrorCode()
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := errCode(t, err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

func wantOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func (e *env) mkGroup(t *testing.T, name string) {
	t.Helper()
	_, err := e.cl.CreateLogGroup(e.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)})
	wantOK(t, err)
}

func (e *env) arn(name string) string {
	return "arn:aws:logs:" + testRegion + ":" + testAccount + ":log-group:" + name
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
