package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// Shared by the doctor, enable and generate tests.

// setupSandbox isolates the test from the machine's AWS settings, starts a sandbox (mutate adjusts its options) and
// points the standard AWS variables at it, as `sandbox` tells users to. Tests that call it cannot run in parallel.
func setupSandbox(t *testing.T, mutate func(*sandbox.Options)) *sandbox.Server {
	t.Helper()
	isolatePolicyEnv(t)
	srv := acctest.StartSandbox(t, mutate)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_REGION", acctest.Region)
	old := tunnelChangeVPNOptions
	tunnelChangeVPNOptions = vpn.Options{PollMinDelay: 20 * time.Millisecond, PollMaxDelay: 100 * time.Millisecond}
	t.Cleanup(func() { tunnelChangeVPNOptions = old })
	return srv
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
		if !strings.HasPrefix(a, "Describe") && !strings.HasPrefix(a, "Get") && !strings.HasPrefix(a, "List") && !strings.HasPrefix(a, "Simulate") {
			out = append(out, r.Service+":"+a)
		}
	}
	return out
}

func TestWriteCheckLines(t *testing.T) {
	var b strings.Builder
	err := writeCheckLines(&b, []setupCheck{
		{Section: "a", Name: "one", Status: checkOK, Message: "fine", Fix: "not shown"},
		{Section: "a", Name: "three", Status: checkWarn, Message: "hm\nsecond line", Fix: "do this"},
		{Section: "b", Name: "two", Status: checkFail, Message: "broken", Fix: "do that"},
	}, map[string]string{"a": "Section A", "b": "Section B"})
	if err != nil {
		t.Fatal(err)
	}
	want := `Section A
  ok    one    fine
  warn  three  hm
               second line
               fix: do this

Section B
  FAIL  two    broken
               fix: do that
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	if s := summarizeChecks([]setupCheck{{Status: checkOK}, {Status: checkWarn}, {Status: checkWarn}}); s.status() != checkWarn || s.String() != "1 ok, 2 warnings, 0 failures" {
		t.Fatalf("summary %+v %q", s, s.String())
	}
}
