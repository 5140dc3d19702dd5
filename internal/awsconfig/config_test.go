package awsconfig

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

func isolate(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k) //nolint:usetesting // restored by the t.Setenv above
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestValidate(t *testing.T) {
	isolate(t)
	neg := -1
	cases := map[string]struct {
		cfg   Config
		env   map[string]string
		attrs []string // attributes named by the errors, in order
	}{
		"empty is fine":                   {cfg: Config{}},
		"good retry mode":                 {cfg: Config{RetryMode: "adaptive"}},
		"bad retry mode":                  {cfg: Config{RetryMode: "legacy"}, attrs: []string{"retry_mode"}},
		"negative retries":                {cfg: Config{MaxRetries: &neg}, attrs: []string{"max_retries"}},
		"endpoint without scheme":         {cfg: Config{Endpoints: map[string]string{ServiceLogs: "localhost:4599"}}, attrs: []string{"endpoints.logs"}},
		"endpoint ftp":                    {cfg: Config{Endpoints: map[string]string{ServiceIAM: "ftp://x"}}, attrs: []string{"endpoints.iam"}},
		"endpoint without host":           {cfg: Config{Endpoints: map[string]string{ServiceEC2: "http://"}}, attrs: []string{"endpoints.ec2"}},
		"global endpoint":                 {cfg: Config{EndpointURL: "127.0.0.1:4599"}, attrs: []string{"endpoint_url"}},
		"bad env endpoint":                {env: map[string]string{"AWS_ENDPOINT_URL_STS": "sts"}, attrs: []string{"endpoints.sts"}},
		"bad env retry mode":              {env: map[string]string{"AWS_RETRY_MODE": "fast"}, attrs: []string{"retry_mode"}},
		"env retry mode ignored when set": {cfg: Config{RetryMode: "standard"}, env: map[string]string{"AWS_RETRY_MODE": "fast"}},
		"role without ARN":                {cfg: Config{AssumeRole: &AssumeRole{}}, attrs: []string{"assume_role.role_arn"}},
		"role ARN of a user":              {cfg: Config{AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::123456789012:user/bob"}}, attrs: []string{"assume_role.role_arn"}},
		"role duration too long":          {cfg: Config{AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/r", Duration: 13 * time.Hour}}, attrs: []string{"assume_role.duration"}},
		"secret without key":              {cfg: Config{SecretKey: "s"}, attrs: []string{"access_key"}},
		"key without secret":              {cfg: Config{AccessKey: "a"}, attrs: []string{"secret_key"}},
		"several at once":                 {cfg: Config{RetryMode: "x", AccessKey: "a"}, attrs: []string{"retry_mode", "secret_key"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			errs := tc.cfg.Validate()
			var got []string
			for _, e := range errs {
				got = append(got, e.Attribute)
				if e.Summary == "" || e.Detail == "" {
					t.Errorf("error on %s lacks a summary or detail: %+v", e.Attribute, e)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.attrs, ",") {
				t.Errorf("errors name %v, want %v", got, tc.attrs)
			}
		})
	}
}

func TestPartitionForRegion(t *testing.T) {
	t.Parallel()
	for region, want := range map[string]string{
		"us-east-1": "aws", "eu-west-3": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso",
		"us-isob-east-1": "aws-iso-b",
	} {
		if got := PartitionForRegion(region); got != want {
			t.Errorf("PartitionForRegion(%s) = %s, want %s", region, got, want)
		}
	}
}

// Load with a region but no credentials anywhere fails with a diagnostic that says where credentials come from.
func TestLoad_noCredentials(t *testing.T) {
	isolate(t)
	_, err := Load(context.Background(), Config{Region: "us-east-1", SkipMetadataAPICheck: true})
	var ce *Error
	if !errors.As(err, &ce) || ce.Summary != "No valid AWS credentials" || !strings.Contains(ce.Detail, "AWS_ACCESS_KEY_ID") {
		t.Fatalf("got %v", err)
	}
}

// skip_requesting_account_id makes no STS call; the partition then comes from the region.
func TestLoad_skipRequestingAccountID(t *testing.T) {
	isolate(t)
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { calls++; w.WriteHeader(500) }))
	defer srv.Close()
	c, err := Load(context.Background(), Config{Region: "cn-north-1", AccessKey: "a", SecretKey: "b", EndpointURL: srv.URL, SkipRequestingAccountID: true})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 0 || c.AccountID != "" || c.Partition != "aws-cn" {
		t.Errorf("calls=%d account=%q partition=%q", calls, c.AccountID, c.Partition)
	}
}

// A failing STS call is an error, or only a warning with skip_credentials_validation.
func TestLoad_credentialsValidation(t *testing.T) {
	isolate(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(403)
		_, _ = io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>`)
	}))
	defer srv.Close()
	base := Config{Region: "us-east-1", AccessKey: "a", SecretKey: "b", Endpoints: map[string]string{ServiceSTS: srv.URL}, MaxRetries: aws.Int(0)}

	_, err := Load(context.Background(), base)
	var ce *Error
	if !errors.As(err, &ce) || ce.Summary != "Invalid AWS credentials" || !strings.Contains(ce.Detail, "InvalidClientTokenId") {
		t.Fatalf("validation on: got %v", err)
	}
	base.SkipCredentialsValidation = true
	c, err := Load(context.Background(), base)
	if err != nil {
		t.Fatalf("validation off: %v", err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "InvalidClientTokenId") {
		t.Errorf("warnings = %v", c.Warnings)
	}
}

// The buffered client sends the whole body from its own copy and closes the original.
func TestBufferedBodyClient(t *testing.T) {
	t.Parallel()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
	}))
	defer srv.Close()
	orig := &closeTracking{Reader: strings.NewReader("Action=DescribeVpnConnections&Version=2016-11-15")}
	req, err := http.NewRequest(http.MethodPost, srv.URL, orig)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := NewHTTPClient(http.DefaultClient).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != "Action=DescribeVpnConnections&Version=2016-11-15" {
		t.Errorf("server read %q", got)
	}
	if !orig.closed {
		t.Error("the original body was not closed")
	}
}

type closeTracking struct {
	io.Reader
	closed bool
}

func (c *closeTracking) Close() error { c.closed = true; return nil }

// assume_role reaches STS where every other call goes: an endpoint given only by AWS_ENDPOINT_URL (as the sandbox
// tells users to export) applies to the AssumeRole call too.
func TestLoad_assumeRoleHonoursEndpointEnv(t *testing.T) {
	isolate(t)
	srv := sandbox.New(sandbox.Options{AccountID: "123456789012", SeedDemo: true})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	c, err := Load(context.Background(), Config{Region: "us-east-1", AccessKey: "test", SecretKey: "test",
		AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::123456789012:role/vpn-logging", SessionName: "terraform"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:sts::123456789012:assumed-role/vpn-logging/terraform"; c.CallerARN != want {
		t.Errorf("caller %q, want %q", c.CallerARN, want)
	}
	if n := srv.Stats()["sts"]["AssumeRole"]; n != 1 {
		t.Errorf("the sandbox served %d AssumeRole calls, want 1", n)
	}
}
