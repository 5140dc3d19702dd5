package sandbox_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// calls makes one representative call per service and returns their errors.
func (e *env) calls() map[string]error {
	_, ec2Err := e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
	_, logsErr := e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	_, stsErr := e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	_, iamErr := e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("vpnlogs-sandbox")})
	return map[string]error{"ec2": ec2Err, "logs": logsErr, "sts": stsErr, "iam": iamErr}
}

func TestThrottlingPerService(t *testing.T) {
	opts := fastTestOptions()
	opts.ThrottleRate = 1
	e := start(t, opts)
	want := map[string]string{"ec2": "RequestLimitExceeded", "logs": "ThrottlingException", "sts": "Throttling", "iam": "Throttling"}
	for svc, err := range e.calls() {
		if apiCode(err) != want[svc] {
			t.Errorf("%s: %v, want %s", svc, err, want[svc])
		}
	}
	// Every attempt counts, throttled ones included.
	if st := e.srv.Stats(); st["ec2"]["DescribeVpnConnections"] != 1 || st["logs"]["DescribeLogGroups"] != 1 {
		t.Errorf("stats: %v", st)
	}

	// With the SDK's retryer, a partly throttled sandbox still answers.
	e.srv.SetFaults(sandbox.Faults{ThrottleRate: 0.5})
	retrying := clientsFor(t, e.srv, "test", fastRetryer)
	for range 5 {
		for svc, err := range retrying.calls() {
			if err != nil {
				t.Fatalf("%s with retries: %v", svc, err)
			}
		}
	}
	throttled := 0
	for _, r := range e.srv.Requests() {
		if r.ErrorCode != "" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("no request was throttled at rate 0.5")
	}
}

func TestServerErrorsPerService(t *testing.T) {
	opts := fastTestOptions()
	opts.ErrorRate = 1
	e := start(t, opts)
	for svc, err := range e.calls() {
		code := apiCode(err)
		ok := map[string]bool{
			"ec2":  code == "InternalError" || code == "Unavailable",
			"logs": code == "ServiceUnavailableException",
			"sts":  code == "ServiceFailure",
			"iam":  code == "ServiceFailure",
		}[svc]
		if !ok {
			t.Errorf("%s: %v", svc, err)
		}
	}
	for _, r := range e.srv.Requests() {
		if r.Status < 500 {
			t.Errorf("%s %s: status %d, want 5xx", r.Service, r.Action, r.Status)
		}
	}
}

func TestFaultsAreReproducible(t *testing.T) {
	run := func() []string {
		opts := fastTestOptions()
		opts.ThrottleRate, opts.Seed = 0.3, 99
		e := start(t, opts)
		var codes []string
		for range 30 {
			_, err := e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			codes = append(codes, apiCode(err))
		}
		return codes
	}
	a, b := run(), run()
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
}

func TestLatency(t *testing.T) {
	opts := fastTestOptions()
	opts.Latency = 80 * time.Millisecond
	e := start(t, opts)
	t0 := time.Now()
	must[*sts.GetCallerIdentityOutput](t)(e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if d := time.Since(t0); d < 80*time.Millisecond {
		t.Fatalf("call took %v, want ≥ 80ms", d)
	}
	// Admin endpoints are not AWS calls: no latency.
	t0 = time.Now()
	resp, err := http.Get(e.srv.URL() + "/_sandbox/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(t0); d > 60*time.Millisecond {
		t.Errorf("admin call took %v", d)
	}
}

func TestEC2RateLimits(t *testing.T) {
	clk := newFakeClock()
	opts := fastTestOptions()
	opts.Now, opts.RateLimits = clk.Now, true
	e := start(t, opts)
	c, _ := e.srv.CreateVPNConnection(sandbox.VPNConnectionSpec{Available: true})
	tagOnce := func() error {
		_, err := e.ec2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{c.ID}, Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		return err
	}
	// Mutating: a bucket of 50.
	for i := range 50 {
		if err := tagOnce(); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	wantCode(t, tagOnce(), "RequestLimitExceeded")
	// Buckets are per API: describing still works (non-mutating bucket of 100).
	for i := range 100 {
		if _, err := e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{}); err != nil {
			t.Fatalf("describe %d: %v", i+1, err)
		}
	}
	_, err := e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
	wantCode(t, err, "RequestLimitExceeded")
	// Refill: 5 tokens a second for mutating actions.
	clk.Advance(time.Second)
	for i := range 5 {
		if err := tagOnce(); err != nil {
			t.Fatalf("refilled call %d: %v", i+1, err)
		}
	}
	wantCode(t, tagOnce(), "RequestLimitExceeded")
}

// syncBuffer is a goroutine-safe bytes.Buffer.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestStatsRequestLogAndAdmin(t *testing.T) {
	var log syncBuffer
	opts := fastTestOptions()
	opts.RequestLog = &log
	opts.DenyActions = []string{"iam:GetRole"}
	e := start(t, opts)
	e.calls()
	_, _ = e.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{VpnConnectionIds: []string{"vpn-0000000000000dead"}})

	st := e.srv.Stats()
	if st["ec2"]["DescribeVpnConnections"] != 2 || st["logs"]["DescribeLogGroups"] != 1 || st["sts"]["GetCallerIdentity"] != 1 || st["iam"]["GetRole"] != 1 {
		t.Fatalf("stats: %v", st)
	}
	type line struct {
		Time       string  `json:"time"`
		Service    string  `json:"service"`
		Action     string  `json:"action"`
		Status     int     `json:"status"`
		ErrorCode  string  `json:"error_code"`
		DurationMS float64 `json:"duration_ms"`
	}
	var lines []line
	sc := bufio.NewScanner(strings.NewReader(log.String()))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("request log line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 5 {
		t.Fatalf("%d request log lines, want 5:\n%s", len(lines), log.String())
	}
	byAction := map[string]line{}
	for _, l := range lines {
		if _, err := time.Parse(time.RFC3339Nano, l.Time); err != nil || l.DurationMS <= 0 {
			t.Errorf("line %+v", l)
		}
		byAction[l.Service+":"+l.Action+":"+l.ErrorCode] = l
	}
	if l, ok := byAction["iam:GetRole:AccessDenied"]; !ok || l.Status != 403 {
		t.Errorf("denied GetRole not logged as 403 AccessDenied: %v", lines)
	}
	if l, ok := byAction["ec2:DescribeVpnConnections:InvalidVpnConnectionID.NotFound"]; !ok || l.Status != 400 {
		t.Errorf("not-found describe not logged: %v", lines)
	}

	// Admin endpoints: JSON, not counted.
	get := func(path string, v any) {
		t.Helper()
		resp, err := http.Get(e.srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	post := func(path, body string) int {
		t.Helper()
		resp, err := http.Post(e.srv.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	var health map[string]string
	get("/_sandbox/health", &health)
	if health["status"] != "ok" {
		t.Errorf("health: %v", health)
	}
	var stats map[string]map[string]int
	get("/_sandbox/stats", &stats)
	if stats["ec2"]["DescribeVpnConnections"] != 2 || len(stats) != 4 {
		t.Errorf("admin stats: %v", stats)
	}
	var recs []sandbox.RequestRecord
	get("/_sandbox/requests", &recs)
	if len(recs) != 5 || recs[0].Service != "ec2" || recs[0].Caller == "" {
		t.Errorf("admin requests: %+v", recs)
	}
	if code := post("/_sandbox/faults", `{"throttle_rate": 1, "latency": "1ms"}`); code != 200 {
		t.Fatalf("faults: %d", code)
	}
	_, err := e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "Throttling")
	if code := post("/_sandbox/faults", `{"throttle_rate": 0}`); code != 200 {
		t.Fatalf("faults: %d", code)
	}
	if code := post("/_sandbox/faults", `{"throttle_rate": 2}`); code != 400 {
		t.Errorf("invalid faults accepted: %d", code)
	}
	if code := post("/_sandbox/deny", `{"deny_actions": ["sts:AssumeRole"]}`); code != 200 {
		t.Fatalf("deny: %d", code)
	}
	must[*iam.GetRoleOutput](t)(e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("vpnlogs-sandbox")}))
	if code := post("/_sandbox/caller", `{"caller_arn": "arn:aws:iam::123456789012:user/bob"}`); code != 200 {
		t.Fatalf("caller: %d", code)
	}
	who := must[*sts.GetCallerIdentityOutput](t)(e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if *who.Arn != "arn:aws:iam::123456789012:user/bob" {
		t.Errorf("caller: %s", *who.Arn)
	}
	if code := post("/_sandbox/reset-stats", ``); code != 200 {
		t.Fatalf("reset: %d", code)
	}
	if st := e.srv.Stats(); len(st) != 0 || len(e.srv.Requests()) != 0 {
		t.Errorf("after reset: %v", st)
	}
	if resp, _ := http.Get(e.srv.URL() + "/_sandbox/nope"); resp.StatusCode != 404 {
		t.Errorf("unknown admin path: %d", resp.StatusCode)
	}
}
