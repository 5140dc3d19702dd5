package awsconfig

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// closedPort returns a loopback URL where nothing listens any more.
func closedPort(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// An endpoint where nothing listens fails at once (no retries of a dead socket, whatever max_retries says), names
// the URL and the setting it came from, in the words of the tool that loads the configuration.
func TestLoad_unreachableEndpoint(t *testing.T) {
	isolate(t)
	dead := closedPort(t)
	cli := func(attr string) string {
		return map[string]string{"endpoint_url": "--endpoint-url", "region": "--region"}[attr]
	}
	cases := map[string]struct {
		cfg     Config
		env     map[string]string
		attr    string
		phrases []string
	}{
		"provider block endpoint": {
			cfg:     Config{Endpoints: map[string]string{ServiceSTS: dead}},
			attr:    "endpoints.sts",
			phrases: []string{"Calling sts:GetCallerIdentity at " + dead + "/ failed: connection refused", "The STS endpoint is set by endpoints.sts."},
		},
		"CLI flag": {
			cfg:     Config{EndpointURL: dead, SettingName: cli},
			attr:    "endpoint_url",
			phrases: []string{"connection refused", "The STS endpoint is set by --endpoint-url."},
		},
		"service variable": {
			env:     map[string]string{"AWS_ENDPOINT_URL_STS": dead},
			phrases: []string{"The STS endpoint is set by the environment variable AWS_ENDPOINT_URL_STS."},
		},
		"global variable": {
			env:     map[string]string{"AWS_ENDPOINT_URL": dead},
			phrases: []string{"The STS endpoint is set by the environment variable AWS_ENDPOINT_URL."},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg := tc.cfg
			cfg.Region, cfg.AccessKey, cfg.SecretKey, cfg.MaxRetries = "us-east-1", "a", "b", aws.Int(25)
			start := time.Now()
			_, err := Load(context.Background(), cfg)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("failing took %s: the dead endpoint was retried", d)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Summary != "AWS endpoint unreachable" || ce.Attribute != tc.attr {
				t.Fatalf("got %#v (%v), want an endpoint error on %q", ce, err, tc.attr)
			}
			for _, p := range tc.phrases {
				if !strings.Contains(ce.Detail, p) {
					t.Errorf("detail lacks %q:\n%s", p, ce.Detail)
				}
			}
			if strings.Contains(ce.Detail, "credentials") {
				t.Errorf("an unreachable endpoint is not a credentials problem:\n%s", ce.Detail)
			}
		})
	}
}

// A TLS handshake that fails is an unreachable endpoint too, named as such.
func TestLoad_tlsFailures(t *testing.T) {
	isolate(t)
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	selfSigned := httptest.NewTLSServer(http.NotFoundHandler())
	defer selfSigned.Close()
	for name, tc := range map[string]struct{ url, want string }{
		"https to an http server": {strings.Replace(plain.URL, "http://", "https://", 1), "the TLS handshake failed"},
		"untrusted certificate":   {selfSigned.URL, "the TLS certificate is not accepted"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(context.Background(), Config{Region: "us-east-1", AccessKey: "a", SecretKey: "b", EndpointURL: tc.url, MaxRetries: aws.Int(3)})
			var ce *Error
			if !errors.As(err, &ce) || ce.Summary != "AWS endpoint unreachable" || !strings.Contains(ce.Detail, tc.want) {
				t.Fatalf("got %v, want an endpoint error saying %q", err, tc.want)
			}
		})
	}
}

func TestAsUnreachable(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://sts.example/", Err: err}
	}
	cases := map[string]struct {
		err  error
		ok   bool
		want string
	}{
		"DNS":         {wrap(&net.DNSError{Err: "no such host", Name: "sts.example", IsNotFound: true}), true, "the host name sts.example does not resolve"},
		"timeout":     {wrap(&net.OpError{Op: "read", Err: errors.New("i/o timeout")}), false, ""},
		"API error":   {errors.New("InternalFailure"), false, ""},
		"wrapped nil": {wrap(io.ErrUnexpectedEOF), false, ""},
	}
	for name, tc := range cases {
		u, ok := AsUnreachable(tc.err)
		if ok != tc.ok || (ok && (u.Reason != tc.want || u.URL != "https://sts.example/")) {
			t.Errorf("%s: AsUnreachable = %+v, %v", name, u, ok)
		}
	}
}

// An invalid region names the region and where it came from; a missing one says where to set it, in the tool's words.
func TestLoad_region(t *testing.T) {
	isolate(t)
	_, err := Load(context.Background(), Config{Region: "not a region", AccessKey: "a", SecretKey: "b"})
	var ce *Error
	if !errors.As(err, &ce) || ce.Summary != "Invalid AWS region" || ce.Attribute != "region" || !strings.Contains(ce.Detail, `"not a region" is not a region name`) {
		t.Fatalf("setting: got %v", err)
	}
	t.Setenv("AWS_REGION", "us east")
	_, err = Load(context.Background(), Config{AccessKey: "a", SecretKey: "b"})
	if !errors.As(err, &ce) || ce.Attribute != "" || !strings.Contains(ce.Detail, `"us east", set by the environment variable AWS_REGION, is not a region name`) {
		t.Fatalf("environment: got %v", err)
	}
	t.Setenv("AWS_REGION", "")
	_, err = Load(context.Background(), Config{AccessKey: "a", SecretKey: "b", SettingName: func(a string) string {
		return map[string]string{"region": "--region"}[a]
	}})
	if !errors.As(err, &ce) || ce.Summary != "No AWS region" || !strings.Contains(ce.Detail, "Set --region, the AWS_REGION environment variable") {
		t.Fatalf("missing: got %v", err)
	}
	if err := ValidateRegion("eusc-de-east-1"); err != nil {
		t.Errorf("a region of a new partition: %v", err)
	}
}

// Only credentials AWS rejects are called invalid credentials; another failure says the credentials were not
// rejected, and offers skip_credentials_validation only where the tool has it.
func TestLoad_identityFailureThatIsNotCredentials(t *testing.T) {
	isolate(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(501)
		_, _ = io.WriteString(w, `<ErrorResponse><Error><Type>Receiver</Type><Code>NotImplemented</Code><Message>no STS here</Message></Error></ErrorResponse>`)
	}))
	defer srv.Close()
	base := Config{Region: "us-east-1", AccessKey: "a", SecretKey: "b", EndpointURL: srv.URL, MaxRetries: aws.Int(0)}
	_, err := Load(context.Background(), base)
	var ce *Error
	if !errors.As(err, &ce) || ce.Summary != "Could not validate the AWS credentials" || !strings.Contains(ce.Detail, "set skip_credentials_validation = true") ||
		!strings.Contains(ce.Detail, "The credentials themselves were not rejected") {
		t.Fatalf("provider: got %v", err)
	}
	base.SettingName = func(a string) string { return map[string]string{"endpoint_url": "--endpoint-url"}[a] }
	_, err = Load(context.Background(), base)
	if !errors.As(err, &ce) || strings.Contains(ce.Detail, "skip_credentials_validation") || !strings.Contains(ce.Detail, "set by --endpoint-url") {
		t.Fatalf("CLI: got %v", err)
	}
}
