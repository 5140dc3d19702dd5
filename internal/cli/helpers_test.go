package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// Shared by the tests of every command.

// cli runs the command tree against one sandbox through options, not the environment, so tests that use it run in
// parallel.
type cli struct {
	t    *testing.T
	opts []Option
}

// sandboxCLI starts a sandbox (mutate adjusts its options) and returns it with a CLI pointed at it: static
// credentials, the sandbox's region and endpoint, no shared config files, no instance metadata, no retries, and fast
// polling for tunnel changes.
func sandboxCLI(t *testing.T, mutate func(*sandbox.Options)) (*sandbox.Server, *cli) {
	t.Helper()
	srv := acctest.StartSandbox(t, mutate)
	return srv, newCLI(t, srv, 0)
}

// newCLI is a CLI pointed at srv; retries is the number of retries of each AWS call after the first attempt.
func newCLI(t *testing.T, srv *sandbox.Server, retries int, opts ...Option) *cli {
	t.Helper()
	dir := t.TempDir()
	base := []Option{
		WithAWSConfig(func(c *awsconfig.Config) {
			if c.Region == "" {
				c.Region = acctest.Region
			}
			if c.EndpointURL == "" {
				c.EndpointURL = srv.URL()
			}
			c.AccessKey, c.SecretKey = acctest.AccessKeyID, acctest.SecretKey
			c.SharedConfigFiles = []string{filepath.Join(dir, "config")}
			c.SharedCredentialsFiles = []string{filepath.Join(dir, "credentials")}
			c.SkipMetadataAPICheck = true
			c.MaxRetries = intPtr(retries)
		}),
		WithVPNOptions(vpn.Options{PollMinDelay: 20 * time.Millisecond, PollMaxDelay: 100 * time.Millisecond}),
		WithHeartbeat(50 * time.Millisecond),
	}
	return &cli{t: t, opts: append(base, opts...)}
}

// with is c with more options.
func (c *cli) with(opts ...Option) *cli {
	return &cli{t: c.t, opts: append(append([]Option{}, c.opts...), opts...)}
}

// run executes the command line and returns the exit code, standard output and standard error.
func (c *cli) run(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	return c.runContext(context.Background(), args...)
}

func (c *cli) runContext(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	code = Execute(ctx, "test", args, &out, &errOut, c.opts...)
	return code, out.String(), errOut.String()
}

// validateJSON fails unless doc is valid against the documented schema docs/cli/<name>.schema.json.
func validateJSON(t *testing.T, name, doc string) {
	t.Helper()
	if err := schemaError(t, name, doc); err != nil {
		t.Fatalf("output does not follow docs/cli/%s.schema.json: %v\n%s", name, err, doc)
	}
}

// schemaError validates doc against docs/cli/<name>.schema.json.
func schemaError(t *testing.T, name, doc string) error {
	t.Helper()
	schema, err := jsonschema.NewCompiler().Compile(filepath.Join("..", "..", "docs", "cli", name+".schema.json"))
	if err != nil {
		t.Fatalf("compiling the schema %s: %v", name, err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return schema.Validate(v)
}

// deliverOutOfBand turns on both logs of a tunnel as a console user would (no request counted).
func deliverOutOfBand(t *testing.T, srv *sandbox.Server, id, ip, arn, format string) {
	t.Helper()
	if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{
		LogEnabled: true, LogGroupARN: arn, LogOutputFormat: format,
		BGPLogEnabled: true, BGPLogGroupARN: arn, BGPLogOutputFormat: format,
	}); err != nil {
		t.Fatal(err)
	}
}

// apiLogOptions is a tunnel's log options as DescribeVpnConnections returns them, found by outside IP address.
type apiLogOptions struct {
	logEnabled, bgpEnabled bool
	logGroup, bgpGroup     string
	logFormat, bgpFormat   string
}

func describeLogOptions(t *testing.T, srv *sandbox.Server, id string) map[string]apiLogOptions {
	t.Helper()
	out, err := acctest.EC2(srv).DescribeVpnConnections(context.Background(), &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]apiLogOptions{}
	for _, o := range out.VpnConnections[0].Options.TunnelOptions {
		var a apiLogOptions
		if lo := o.LogOptions; lo != nil && lo.CloudWatchLogOptions != nil {
			cw := lo.CloudWatchLogOptions
			a = apiLogOptions{
				logEnabled: aws.ToBool(cw.LogEnabled), logGroup: aws.ToString(cw.LogGroupArn), logFormat: aws.ToString(cw.LogOutputFormat),
				bgpEnabled: aws.ToBool(cw.BgpLogEnabled), bgpGroup: aws.ToString(cw.BgpLogGroupArn), bgpFormat: aws.ToString(cw.BgpLogOutputFormat),
			}
		}
		m[aws.ToString(o.OutsideIpAddress)] = a
	}
	return m
}

// The documented delivery policy (docs/design/aws-behaviour.md §3.4), minified and written out here, so that seeding shares no code
// with the projection under test.
const (
	testSeedHead = `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite20150319","Effect":"Allow",` +
		`"Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":[`
	testSeedTail = `],"Condition":{"StringEquals":{"aws:SourceAccount":["123456789012"]},` +
		`"ArnLike":{"aws:SourceArn":["arn:aws:logs:us-east-1:123456789012:*"]}}}]}`
)

// testEntryCost is what AWS adds to a minified Resource list for one ordinary group: the entry, two quotes, a comma.
func testEntryCost(name string) int { return len(acctest.LogGroupARN(name)+":log-stream:*") + 3 }

// seedDeliveryPolicy stores a delivery policy of exactly size characters covering groups /seed/NNNN.
func seedDeliveryPolicy(t *testing.T, srv *sandbox.Server, size int) {
	t.Helper()
	doc := func(names []string) string {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = fmt.Sprintf("%q", acctest.LogGroupARN(n)+":log-stream:*")
		}
		return testSeedHead + strings.Join(q, ",") + testSeedTail
	}
	names := []string{"/seed/0000"}
	for i := 1; utf8.RuneCountInString(doc(names))+2*testEntryCost("/seed/0000") <= size; i++ {
		names = append(names, fmt.Sprintf("/seed/%04d", i))
	}
	names[len(names)-1] += strings.Repeat("x", size-utf8.RuneCountInString(doc(names)))
	d := doc(names)
	if n := utf8.RuneCountInString(d); n != size {
		t.Fatalf("seeded %d characters, want %d", n, size)
	}
	srv.Logs().SeedAccountPolicy("AWSLogDeliveryWrite20150319", d)
}

// writes are the sandbox's requests that change something.
func writes(srv *sandbox.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		a := r.Action
		if !strings.HasPrefix(a, "Describe") && !strings.HasPrefix(a, "Get") && !strings.HasPrefix(a, "List") && !strings.HasPrefix(a, "Simulate") &&
			!strings.HasPrefix(a, "Filter") && a != "StartQuery" {
			out = append(out, r.Service+":"+a)
		}
	}
	return out
}

// squash collapses runs of spaces, so that assertions do not depend on column widths.
func squash(s string) string { return regexp.MustCompile(` +`).ReplaceAllString(s, " ") }

// statusLine matches a printed check: status, name, message.
var statusLine = regexp.MustCompile(`(?m)^  (ok|warn|FAIL|unknown)  +(\S.*?)  +(.*)$`)

// checkLines returns the printed checks by status.
func checkLines(out string) map[string][]string {
	m := map[string][]string{}
	for _, l := range statusLine.FindAllStringSubmatch(out, -1) {
		m[l[1]] = append(m[l[1]], l[2]+": "+l[3])
	}
	return m
}
