package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader in different goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var (
	endpointLine = regexp.MustCompile(`export AWS_ENDPOINT_URL=(http://127\.0\.0\.1:\d+)\n`)
	jsonEndpoint = regexp.MustCompile(`^\{"schema_version":1,"endpoint":"(http://127\.0\.0\.1:\d+)".*\}\n`)
)

// runSandboxCLI starts the sandbox subcommand in-process and returns its endpoint, its standard output and error,
// and a channel with its exit code.
func runSandboxCLI(t *testing.T, ctx context.Context, args ...string) (string, *lockedBuffer, *lockedBuffer, <-chan int) {
	t.Helper()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() { done <- Execute(ctx, "test", append([]string{"sandbox"}, args...), &stdout, &stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := endpointLine.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], &stdout, &stderr, done
		}
		if m := jsonEndpoint.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], &stdout, &stderr, done
		}
		select {
		case code := <-done:
			t.Fatalf("sandbox exited with %d before serving:\n%s\n%s", code, stdout.String(), stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sandbox did not print its endpoint:\n%s", stdout.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func waitExit(t *testing.T, done <-chan int) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop")
		return -1
	}
}

func TestSandboxCommandServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, out, errOut, done := runSandboxCLI(t, ctx, "--listen", "127.0.0.1:0", "--region", "eu-west-1", "--seed-demo",
		"--traffic-interval", "0", "--caller-arn", "arn:aws:iam::123456789012:user/cli-test")
	for _, want := range []string{"export AWS_REGION=eu-west-1", "export AWS_DEFAULT_REGION=eu-west-1", "export AWS_ACCESS_KEY_ID=test",
		"export AWS_SECRET_ACCESS_KEY=test", "export AWS_EC2_METADATA_DISABLED=true", "demo fleet", "VPN connection vpn-"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	client := sts.NewFromConfig(aws.Config{
		Region: "eu-west-1", BaseEndpoint: &url, Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	who, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *who.Arn != "arn:aws:iam::123456789012:user/cli-test" {
		t.Errorf("caller %s", *who.Arn)
	}
	resp, err := http.Get(url + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"GetCallerIdentity": 1`) {
		t.Errorf("stats: %s", body)
	}
	cancel()
	if code := waitExit(t, done); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if !strings.Contains(errOut.String(), "sandbox stopped") {
		t.Errorf("no clean-stop message:\n%s", errOut.String())
	}
	if _, err := http.Get(url + "/_sandbox/health"); err == nil {
		t.Error("still serving after stop")
	}
}

func TestSandboxCommandStopsOnSIGTERM(t *testing.T) {
	url, _, _, done := runSandboxCLI(t, context.Background(), "--listen", "127.0.0.1:0", "--traffic-interval", "0")
	resp, err := http.Get(url + "/_sandbox/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The command registered its signal handler before printing the endpoint, so the signal goes to
	// it and not to the test process's default handler.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, done); code != 0 {
		t.Fatalf("exit code %d after SIGTERM", code)
	}
}

func TestSandboxCommandRefusesBadSettings(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "0.0.0.0:0"}, "--allow-remote"},
		{[]string{"--listen", "192.0.2.1:4599"}, "not a loopback address"},
		{[]string{"--scenario", "sunny"}, "healthy"},
		{[]string{"--delivery-policy-model", "group"}, `--delivery-policy-model "group" is not a model; choose one of account, log-group`},
		{[]string{"--throttle-rate", "1.5"}, "--throttle-rate"},
		{[]string{"--account-id", "42"}, "--account-id"},
	} {
		var stdout, stderr bytes.Buffer
		code := Execute(context.Background(), "test", append([]string{"sandbox"}, tc.args...), &stdout, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q (want it to mention %q)", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// With --output json the sandbox prints one line, which follows docs/cli/sandbox.schema.json, when it serves.
func TestSandboxCommandJSON(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, out, _, done := runSandboxCLI(t, ctx, "--listen", "127.0.0.1:0", "--seed-demo", "--traffic-interval", "0", "--output", "json")
	validateJSON(t, "sandbox", out.String())
	if !strings.Contains(out.String(), `"AWS_ENDPOINT_URL":"`+url+`"`) || !strings.Contains(out.String(), `"id":"vpn-0123456789abcdef0"`) {
		t.Errorf("line %s", out.String())
	}
	cancel()
	if code := waitExit(t, done); code != 0 || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}
