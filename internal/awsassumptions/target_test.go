package awsassumptions

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// Variables of the aws target (see the package documentation).
const (
	envVPNConnectionID    = "VPNLOGS_ACC_VPN_CONNECTION_ID"
	envTunnelIP           = "VPNLOGS_ACC_TUNNEL_OUTSIDE_IP"
	envDeniedProfile      = "VPNLOGS_ACC_DENIED_PROFILE"
	envAllowPolicyChanges = "VPNLOGS_ACC_ALLOW_POLICY_CHANGES"
	envAllowPolicyFill    = "VPNLOGS_ACC_ALLOW_POLICY_FILL"
	envPolicySizeLimit    = "VPNLOGS_ACC_POLICY_SIZE_LIMIT"
	envLogWait            = "VPNLOGS_ACC_LOG_WAIT"
	envPrincipalARN       = "VPNLOGS_ACC_PRINCIPAL_ARN"
)

// Names AWS gives the log delivery policy and its entries (docs/design/aws-behaviour.md §3.4), written out here so
// that the checks share nothing with the code they judge.
const (
	deliveryPolicyName = "AWSLogDeliveryWrite20150319"
	documentedLimit    = 5120
)

// target is what an assumption is checked against: the sandbox or real AWS.
type target struct {
	*awsconfig.Clients
	srv *sandbox.Server // nil for real AWS
	who string          // "the sandbox" or "AWS", for messages
	ctx context.Context

	poll    time.Duration // the VPN connection waiter's least delay
	observe time.Duration // how often to look at something that should change soon
	logWait time.Duration // how long to wait for a tunnel to log something
}

func (tg *target) real() bool { return tg.srv == nil }

// check runs fn against an in-process sandbox (adjusted by sandboxOptions, if given) and against real AWS. Checks run
// in parallel, each with its own sandbox, unless real AWS is in play: there they share one tunnel.
func check(t *testing.T, sandboxOptions func(*sandbox.Options), fn func(t *testing.T, tg *target)) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Parallel()
	}
	t.Run("sandbox", func(t *testing.T) { fn(t, sandboxTarget(t, sandboxOptions)) })
	t.Run("aws", func(t *testing.T) { fn(t, awsTarget(t)) })
}

// unpaced turns off the product's client-side pacing of CloudWatch Logs calls (awsconfig.DefaultLogsRateLimits):
// these checks observe the quotas the other side enforces, which pacing would hide.
func unpaced() map[string]float64 {
	m := map[string]float64{}
	for op := range awsconfig.DefaultLogsRateLimits {
		m[op] = 0
	}
	return m
}

func sandboxTarget(t *testing.T, mutate func(*sandbox.Options)) *target {
	srv := acctest.StartSandbox(t, mutate)
	cl, err := awsconfig.Load(t.Context(), awsconfig.Config{
		Region: acctest.Region, AccessKey: acctest.AccessKeyID, SecretKey: acctest.SecretKey, EndpointURL: srv.URL(),
		LogsRateLimits: unpaced(),
	})
	if err != nil {
		t.Fatalf("clients for the sandbox: %v", err)
	}
	return &target{Clients: cl, srv: srv, who: "the sandbox", ctx: t.Context(), poll: 20 * time.Millisecond, observe: 20 * time.Millisecond, logWait: 10 * time.Second}
}

func awsTarget(t *testing.T) *target {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("checks the assumption against real AWS: set TF_ACC=1 and AWS credentials (make testacc)")
	}
	cl, err := awsconfig.Load(t.Context(), awsconfig.Config{LogsRateLimits: unpaced()})
	if err != nil {
		t.Skipf("checks the assumption against real AWS: no usable AWS configuration in the environment: %v", err)
	}
	wait := 20 * time.Minute
	if v := os.Getenv(envLogWait); v != "" {
		if wait, err = time.ParseDuration(v); err != nil {
			t.Fatalf("%s=%q: %v", envLogWait, v, err)
		}
	}
	return &target{Clients: cl, who: "AWS", ctx: t.Context(), poll: 10 * time.Second, observe: time.Second, logWait: wait}
}

// allow skips on real AWS unless env is 1; why says what the test would change.
func (tg *target) allow(t *testing.T, env, why string) {
	t.Helper()
	if tg.real() && os.Getenv(env) != "1" {
		t.Skipf("this check %s: set %s=1 to allow it", why, env)
	}
}

// deniedClients are clients for VPNLOGS_ACC_DENIED_PROFILE, a principal without logs:CreateLogDelivery (real AWS).
func (tg *target) deniedClients(t *testing.T) *awsconfig.Clients {
	t.Helper()
	profile := os.Getenv(envDeniedProfile)
	if profile == "" {
		t.Skipf("needs %s: an AWS profile allowed ec2:ModifyVpnTunnelOptions and ec2:DescribeVpnConnections but not logs:CreateLogDelivery", envDeniedProfile)
	}
	cl, err := awsconfig.Load(tg.ctx, awsconfig.Config{Profile: profile, Region: tg.Region})
	if err != nil {
		t.Fatalf("%s=%s: %v", envDeniedProfile, profile, err)
	}
	return cl
}

func randomSuffix() string { return fmt.Sprintf("%08x", rand.Uint32()) }

// ---- log groups ----

func (tg *target) groupARN(name string) string {
	return "arn:" + tg.Partition + ":logs:" + tg.Region + ":" + tg.AccountID + ":log-group:" + name
}

// logGroup creates a log group named prefix + a random suffix, deleted when the test ends, and returns its name and
// ARN (without ":*").
func (tg *target) logGroup(t *testing.T, prefix string) (string, string) {
	t.Helper()
	name := prefix + randomSuffix()
	if _, err := tg.Logs.CreateLogGroup(tg.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
		t.Fatalf("creating log group %s: %v", name, err)
	}
	t.Cleanup(func() {
		_, err := tg.Logs.DeleteLogGroup(context.Background(), &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
		if err != nil && awserr.Code(err) != "ResourceNotFoundException" {
			t.Errorf("deleting log group %s: %v", name, err)
		}
	})
	return name, tg.groupARN(name)
}

// events waits until the group holds an event and returns its events (one FilterLogEvents page). On real AWS a
// tunnel that logs nothing within logWait makes the test skip as inconclusive.
func (tg *target) events(t *testing.T, group string) []cwltypes.FilteredLogEvent {
	t.Helper()
	deadline := time.Now().Add(tg.logWait)
	for {
		out, err := tg.Logs.FilterLogEvents(tg.ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
		if err != nil {
			t.Fatalf("FilterLogEvents %s: %v", group, err)
		}
		if len(out.Events) > 0 {
			return out.Events
		}
		if time.Now().After(deadline) {
			if tg.real() {
				t.Skipf("no event reached %s within %s (%s): the tunnel logged nothing, so the check is inconclusive", group, tg.logWait, envLogWait)
			}
			t.Fatalf("no event reached %s within %s", group, tg.logWait)
		}
		interval := tg.observe
		if tg.real() {
			interval = 15 * time.Second
		}
		sleep(t, tg.ctx, interval)
	}
}

func sleep(t *testing.T, ctx context.Context, d time.Duration) {
	t.Helper()
	select {
	case <-ctx.Done():
		t.Fatalf("interrupted: %v", ctx.Err())
	case <-time.After(d):
	}
}

// ---- account-level resource policies ----

// accountPolicies returns the account-level resource policies by name.
func (tg *target) accountPolicies(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	in := &cloudwatchlogs.DescribeResourcePoliciesInput{}
	for {
		page, err := tg.Logs.DescribeResourcePolicies(tg.ctx, in)
		if err != nil {
			t.Fatalf("DescribeResourcePolicies: %v", err)
		}
		for _, p := range page.ResourcePolicies {
			out[aws.ToString(p.PolicyName)] = aws.ToString(p.PolicyDocument)
		}
		if page.NextToken == nil {
			return out
		}
		in.NextToken = page.NextToken
	}
}

// deliveryPolicy is the document of AWSLogDeliveryWrite20150319, if the account has it.
func (tg *target) deliveryPolicy(t *testing.T) (string, bool) {
	t.Helper()
	doc, ok := tg.accountPolicies(t)[deliveryPolicyName]
	return doc, ok
}

// policySizeLimit is the account-level limit the checks assume: the sandbox's (the documented 5,120), or on AWS
// VPNLOGS_ACC_POLICY_SIZE_LIMIT, default 5,120.
func (tg *target) policySizeLimit(t *testing.T) int {
	t.Helper()
	if v := os.Getenv(envPolicySizeLimit); tg.real() && v != "" {
		var n int
		if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
			t.Fatalf("%s=%q: want a positive number", envPolicySizeLimit, v)
		}
		return n
	}
	return documentedLimit
}

// deliveryEntry is the Resource entry log delivery adds for an ordinary group (§3.4).
func (tg *target) deliveryEntry(groupName string) string {
	return tg.groupARN(groupName) + ":log-stream:*"
}

// vendedWildcard is the one entry that covers every /aws/vendedlogs/ group (§3.4: no ":log-stream:*").
func (tg *target) vendedWildcard() string { return tg.groupARN("/aws/vendedlogs/*") }

// documentedPolicy is the policy CloudWatch Logs documents for V1 delivery (§3.4), minified, with these entries.
func (tg *target) documentedPolicy(entries ...string) string {
	head, tail := tg.documentedParts()
	return head + quoteJoin(entries) + tail
}

func (tg *target) documentedParts() (string, string) {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite20150319","Effect":"Allow",` +
			`"Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":[`,
		`],"Condition":{"StringEquals":{"aws:SourceAccount":["` + tg.AccountID + `"]},` +
			`"ArnLike":{"aws:SourceArn":["arn:` + tg.Partition + `:logs:` + tg.Region + `:` + tg.AccountID + `:*"]}}}]}`
}

func quoteJoin(entries []string) string {
	q := make([]string, len(entries))
	for i, e := range entries {
		q[i] = `"` + e + `"`
	}
	return strings.Join(q, ",")
}

// padded returns head + a list of quoted entries + tail of exactly n characters (ASCII). entry(i, pad) is the i-th
// entry with pad extra characters; the last entry is padded to reach n.
func padded(t *testing.T, head, tail string, n int, entry func(i, pad int) string) string {
	t.Helper()
	var entries []string
	size := func() int { return len(head) + len(tail) + len(quoteJoin(entries)) }
	for i := 0; ; i++ {
		next := len(entry(i, 0)) + 2
		if len(entries) > 0 {
			next++
		}
		if size()+next > n {
			break
		}
		entries = append(entries, entry(i, 0))
	}
	if len(entries) == 0 {
		t.Fatalf("cannot build a policy of %d characters", n)
	}
	last := len(entries) - 1
	entries[last] = entry(last, n-size())
	doc := head + quoteJoin(entries) + tail
	if len(doc) != n {
		t.Fatalf("padded policy has %d characters, want %d", len(doc), n)
	}
	return doc
}

// ---- tunnels ----

type tunnelRef struct{ id, ip string }

// tunnel returns a tunnel whose logging the test may change: on the sandbox a new VPN connection's first tunnel, on
// AWS the one the variables name. Its logging is restored when the test ends.
func (tg *target) tunnel(t *testing.T) tunnelRef {
	t.Helper()
	var tr tunnelRef
	if tg.real() {
		tr = tunnelRef{os.Getenv(envVPNConnectionID), os.Getenv(envTunnelIP)}
		if tr.id == "" || tr.ip == "" {
			t.Skipf("needs %s and %s: a test VPN connection and one of its tunnels' outside IP address (each change "+
				"interrupts that tunnel for up to several minutes)", envVPNConnectionID, envTunnelIP)
		}
	} else {
		id, ips := acctest.CreateVPNConnection(t, tg.srv, nil)
		tr = tunnelRef{id, ips[0]}
	}
	initial := tg.waitAvailable(t, tr).LogOptions.CloudWatchLogOptions
	t.Cleanup(func() { tg.restore(t, tr, initial) })
	return tr
}

// waitAvailable waits with the SDK's waiter until the connection is available and returns the tunnel.
func (tg *target) waitAvailable(t *testing.T, tr tunnelRef) ec2types.TunnelOption {
	t.Helper()
	opt, err := tg.waitAvailableCtx(tg.ctx, tr)
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

func (tg *target) waitAvailableCtx(ctx context.Context, tr tunnelRef) (ec2types.TunnelOption, error) {
	w := ec2.NewVpnConnectionAvailableWaiter(tg.EC2, func(o *ec2.VpnConnectionAvailableWaiterOptions) {
		o.MinDelay, o.MaxDelay = tg.poll, 3*tg.poll
	})
	out, err := w.WaitForOutput(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{tr.id}}, 30*time.Minute)
	if err != nil {
		return ec2types.TunnelOption{}, fmt.Errorf("waiting for %s to be available: %w", tr.id, err)
	}
	return tunnelIn(out.VpnConnections, tr)
}

// describeTunnel reads the connection's state and the tunnel once.
func (tg *target) describeTunnel(t *testing.T, tr tunnelRef) (string, ec2types.TunnelOption) {
	t.Helper()
	out, err := tg.EC2.DescribeVpnConnections(tg.ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{tr.id}})
	if err != nil {
		t.Fatalf("DescribeVpnConnections %s: %v", tr.id, err)
	}
	opt, err := tunnelIn(out.VpnConnections, tr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out.VpnConnections[0].State), opt
}

func tunnelIn(conns []ec2types.VpnConnection, tr tunnelRef) (ec2types.TunnelOption, error) {
	for _, c := range conns {
		if c.Options == nil {
			continue
		}
		for _, o := range c.Options.TunnelOptions {
			if aws.ToString(o.OutsideIpAddress) == tr.ip {
				if o.LogOptions == nil || o.LogOptions.CloudWatchLogOptions == nil {
					o.LogOptions = &ec2types.VpnTunnelLogOptions{CloudWatchLogOptions: &ec2types.CloudWatchLogOptions{}}
				}
				return o, nil
			}
		}
	}
	return ec2types.TunnelOption{}, fmt.Errorf("VPN connection %s has no tunnel %s", tr.id, tr.ip)
}

// modify sends one ModifyVpnTunnelOptions carrying only these log options, through client.
func (tg *target) modify(client *ec2.Client, tr tunnelRef, o ec2types.CloudWatchLogOptionsSpecification) (*ec2.ModifyVpnTunnelOptionsOutput, error) {
	return modifyCtx(tg.ctx, client, tr, o)
}

func modifyCtx(ctx context.Context, client *ec2.Client, tr tunnelRef, o ec2types.CloudWatchLogOptionsSpecification) (*ec2.ModifyVpnTunnelOptionsOutput, error) {
	return client.ModifyVpnTunnelOptions(ctx, &ec2.ModifyVpnTunnelOptionsInput{
		VpnConnectionId:           aws.String(tr.id),
		VpnTunnelOutsideIpAddress: aws.String(tr.ip),
		TunnelOptions: &ec2types.ModifyVpnTunnelOptionsSpecification{
			LogOptions: &ec2types.VpnTunnelLogOptionsSpecification{CloudWatchLogOptions: &o},
		},
	})
}

// setLogs changes the tunnel's log options, waits until the change is applied and returns the tunnel.
func (tg *target) setLogs(t *testing.T, tr tunnelRef, o ec2types.CloudWatchLogOptionsSpecification) ec2types.TunnelOption {
	t.Helper()
	tg.waitAvailable(t, tr)
	if _, err := tg.modify(tg.EC2, tr, o); err != nil {
		t.Fatalf("ModifyVpnTunnelOptions %s %s: %v", tr.id, tr.ip, err)
	}
	return tg.waitAvailable(t, tr)
}

// restore puts the tunnel's log options back to o (if they changed), stating both logs in full.
func (tg *target) restore(t *testing.T, tr tunnelRef, o *ec2types.CloudWatchLogOptions) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
	defer cancel()
	cur, err := tg.waitAvailableCtx(ctx, tr)
	if err != nil {
		t.Errorf("restoring the log options of %s %s: %v", tr.id, tr.ip, err)
		return
	}
	if sameLogs(cur.LogOptions.CloudWatchLogOptions, o) {
		return
	}
	spec := ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(aws.ToBool(o.LogEnabled)), BgpLogEnabled: aws.Bool(aws.ToBool(o.BgpLogEnabled))}
	if aws.ToBool(o.LogEnabled) {
		spec.LogGroupArn, spec.LogOutputFormat = o.LogGroupArn, o.LogOutputFormat
	}
	if aws.ToBool(o.BgpLogEnabled) {
		spec.BgpLogGroupArn, spec.BgpLogOutputFormat = o.BgpLogGroupArn, o.BgpLogOutputFormat
	}
	if _, err := modifyCtx(ctx, tg.EC2, tr, spec); err != nil {
		t.Errorf("restoring the log options of %s %s: %v", tr.id, tr.ip, err)
		return
	}
	if _, err := tg.waitAvailableCtx(ctx, tr); err != nil {
		t.Errorf("restoring the log options of %s %s: %v", tr.id, tr.ip, err)
	}
}

func sameLogs(a, b *ec2types.CloudWatchLogOptions) bool {
	half := func(en *bool, arn, format *string) string {
		if !aws.ToBool(en) {
			return "off"
		}
		return aws.ToString(arn) + " " + aws.ToString(format)
	}
	return half(a.LogEnabled, a.LogGroupArn, a.LogOutputFormat) == half(b.LogEnabled, b.LogGroupArn, b.LogOutputFormat) &&
		half(a.BgpLogEnabled, a.BgpLogGroupArn, a.BgpLogOutputFormat) == half(b.BgpLogEnabled, b.BgpLogGroupArn, b.BgpLogOutputFormat)
}

// logsTo is a complete log specification: the tunnel log to activityARN and the BGP log to bgpARN ("" = off), in
// format.
func logsTo(activityARN, bgpARN, format string) ec2types.CloudWatchLogOptionsSpecification {
	o := ec2types.CloudWatchLogOptionsSpecification{LogEnabled: aws.Bool(activityARN != ""), BgpLogEnabled: aws.Bool(bgpARN != "")}
	if activityARN != "" {
		o.LogGroupArn, o.LogOutputFormat = aws.String(activityARN), aws.String(format)
	}
	if bgpARN != "" {
		o.BgpLogGroupArn, o.BgpLogOutputFormat = aws.String(bgpARN), aws.String(format)
	}
	return o
}
