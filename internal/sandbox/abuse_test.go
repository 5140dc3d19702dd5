package sandbox_test

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

const (
	ec2Auth  = "AWS4-HMAC-SHA256 Credential=AKID/20251108/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x"
	iamAuth  = "AWS4-HMAC-SHA256 Credential=AKID/20251108/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x"
	formType = "application/x-www-form-urlencoded; charset=utf-8"
	jsonType = "application/x-amz-json-1.1"
)

// answer is an error response decoded from whichever shape it has.
type answer struct {
	status      int
	contentType string
	shape       string // "json", "ec2" or "query"
	code, msg   string
	size        int
}

func decodeAnswer(t *testing.T, status int, contentType string, body []byte) answer {
	t.Helper()
	a := answer{status: status, contentType: contentType, size: len(body)}
	if strings.Contains(contentType, "json") {
		var m struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("JSON error body %q: %v", body, err)
		}
		a.shape, a.code, a.msg = "json", m.Type, m.Message
		return a
	}
	var x struct {
		XMLName xml.Name
		EC2     string `xml:"Errors>Error>Code"`
		EC2Msg  string `xml:"Errors>Error>Message"`
		Query   string `xml:"Error>Code"`
		QMsg    string `xml:"Error>Message"`
	}
	if err := xml.Unmarshal(body, &x); err != nil {
		t.Fatalf("XML error body %q: %v", body, err)
	}
	switch x.XMLName.Local {
	case "Response":
		a.shape, a.code, a.msg = "ec2", x.EC2, x.EC2Msg
	case "ErrorResponse":
		a.shape, a.code, a.msg = "query", x.Query, x.QMsg
	default:
		t.Fatalf("not an AWS error shape: %s", body)
	}
	return a
}

// serve sends one request straight to the handler.
func serve(t *testing.T, srv *sandbox.Server, target, auth, ctype, query string, body io.Reader, length int64) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://sandbox/?"+query, body)
	req.ContentLength = length
	for k, v := range map[string]string{"X-Amz-Target": target, "Authorization": auth, "Content-Type": ctype} {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return decodeAnswer(t, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
}

// Every malformed request gets its own service's error shape and AWS's error code, and nothing hostile is echoed
// back at length.
func TestAbuse_malformedRequestsGetTheServiceErrorShape(t *testing.T) {
	t.Parallel()
	srv := sandbox.New(sandbox.Options{Seed: 1})
	t.Cleanup(func() { _ = srv.Close() })
	huge := strings.Repeat("A", 20<<10)
	str := func(s string) io.Reader { return strings.NewReader(s) }
	cases := []struct {
		name                       string
		target, auth, ctype, query string
		body                       string
		shape, code, msgPart       string
		maxSize                    int
	}{
		{name: "Logs request without SigV4 or X-Amz-Target", ctype: jsonType, body: `{"logGroupNamePrefix":"/aws"}`,
			shape: "json", code: "UnknownOperationException", msgPart: "X-Amz-Target"},
		{name: "unknown Logs operation of 20 KB", target: "Logs_20140328." + huge, ctype: jsonType, body: `{}`,
			shape: "json", code: "UnknownOperationException", maxSize: 2 << 10},
		{name: "Logs body that is not JSON", target: "Logs_20140328.DescribeLogGroups", ctype: jsonType, body: `not json`,
			shape: "json", code: "SerializationException"},
		{name: "Logs limit out of range", target: "Logs_20140328.DescribeLogGroups", ctype: jsonType, body: `{"limit":-1}`,
			shape: "json", code: "InvalidParameterException", msgPart: "between 1 and 50"},
		{name: "EC2 MaxResults on an action that does not page", auth: ec2Auth, ctype: formType,
			body: "Action=DescribeVpnConnections&Version=2016-11-15&MaxResults=-1", shape: "ec2", code: "UnknownParameter", msgPart: "MaxResults"},
		{name: "EC2 unknown parameter of 20 KB", auth: ec2Auth, ctype: formType,
			body: "Action=DescribeVpnGateways&Version=2016-11-15&" + huge + "=1", shape: "ec2", code: "UnknownParameter", maxSize: 2 << 10},
		{name: "EC2 unknown action", auth: ec2Auth, ctype: formType, body: "Action=" + huge + "&Version=2016-11-15",
			shape: "ec2", code: "InvalidAction", maxSize: 2 << 10},
		{name: "IAM MaxItems below range", auth: iamAuth, ctype: formType,
			body:  "Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn:aws:iam::123456789012:role/vpnlogs-sandbox&ActionNames.member.1=logs:*&MaxItems=-1",
			shape: "query", code: "ValidationError", msgPart: "greater than or equal to 1"},
		{name: "IAM MaxItems above range", auth: iamAuth, ctype: formType,
			body:  "Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn:aws:iam::123456789012:role/vpnlogs-sandbox&ActionNames.member.1=logs:*&MaxItems=1001",
			shape: "query", code: "ValidationError", msgPart: "less than or equal to 1000"},
		{name: "query request without an action", auth: iamAuth, ctype: formType, body: "Version=2010-05-08",
			shape: "query", code: "MissingAction"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := serve(t, srv, tc.target, tc.auth, tc.ctype, tc.query, str(tc.body), int64(len(tc.body)))
			if a.shape != tc.shape || a.code != tc.code || !strings.Contains(a.msg, tc.msgPart) || a.status < 400 {
				t.Errorf("got %d %s %s %q, want the %s shape with %s mentioning %q", a.status, a.shape, a.code, a.msg, tc.shape, tc.code, tc.msgPart)
			}
			if tc.maxSize > 0 && a.size > tc.maxSize {
				t.Errorf("the answer is %d bytes: the hostile input was echoed back", a.size)
			}
		})
	}
}

// Bodies over the per-request limit are refused in the service's shape, whether their length is declared (not
// read at all) or not (read only up to the limit).
func TestAbuse_oversizedBodiesAreRefusedInTheServiceShape(t *testing.T) {
	t.Parallel()
	srv := sandbox.New(sandbox.Options{Seed: 1, MaxBodyBytes: 64 << 10})
	t.Cleanup(func() { _ = srv.Close() })
	big := strings.Repeat("x", 64<<10+1)
	for _, tc := range []struct {
		name, target, auth, ctype, shape string
	}{
		{"logs", "Logs_20140328.PutLogEvents", "", jsonType, "json"},
		{"ec2", "", ec2Auth, formType, "ec2"},
	} {
		for _, length := range []int64{int64(len(big)), -1} {
			a := serve(t, srv, tc.target, tc.auth, tc.ctype, "", strings.NewReader(big), length)
			if a.status != http.StatusRequestEntityTooLarge || a.shape != tc.shape || a.code != "RequestEntityTooLarge" {
				t.Errorf("%s, length %d: %d %s %s", tc.name, length, a.status, a.shape, a.code)
			}
		}
		// Exactly at the limit is fine (the action itself then decides).
		a := serve(t, srv, tc.target, tc.auth, tc.ctype, "", strings.NewReader(big[1:]), -1)
		if a.code == "RequestEntityTooLarge" {
			t.Errorf("%s: a body of exactly the limit was refused", tc.name)
		}
	}
}

// endless is an io.Reader of n bytes that allocates nothing.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n)
	for i := range p[:k] {
		p[i] = 'a'
	}
	e.n -= k
	return int(k), nil
}

// 100 clients sending 9 MB bodies at once (half with their length declared, half chunked) do not grow the
// sandbox's memory past the documented bound: request bodies hold at most BodyMemoryBytes (32 MiB by default)
// together. Before the bound, the same load took the sandbox to 443 MB.
func TestAbuse_concurrentOversizedBodiesKeepMemoryBounded(t *testing.T) {
	// Not parallel: it measures the process's heap. A low GC target keeps the heap close to what is live.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	e := start(t, sandbox.Options{Seed: 1})
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)

	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
		}
	}()

	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, DisableKeepAlives: true}, Timeout: time.Minute}
	const clients, size = 100, 9 << 20
	var wg sync.WaitGroup
	var refused, throttled, cut atomic.Int32
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL()+"/", io.NopCloser(&endless{n: size}))
			req.Header.Set("X-Amz-Target", "Logs_20140328.PutLogEvents")
			req.Header.Set("Content-Type", jsonType)
			if i%2 == 0 {
				req.ContentLength = size
			} else {
				req.ContentLength = -1 // chunked: the sandbox only learns the size by reading
			}
			resp, err := client.Do(req)
			if err != nil {
				cut.Add(1) // the sandbox answered and closed before the client finished sending
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			switch a := decodeAnswer(t, resp.StatusCode, resp.Header.Get("Content-Type"), body); a.code {
			case "RequestEntityTooLarge":
				refused.Add(1)
			case "ThrottlingException":
				throttled.Add(1)
			default:
				t.Errorf("a 9 MB body got %d %s", a.status, a.code)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled

	growth := int64(peak.Load()) - int64(base.HeapAlloc)
	bound := int64(sandbox.DefaultBodyMemoryBytes) * 3 / 2 // the bodies, plus what the GC has not collected yet
	t.Logf("%d clients × 9 MB: %d refused as too large, %d throttled, %d cut off while sending; heap growth %.1f MiB (bound %d MiB)",
		clients, refused.Load(), throttled.Load(), cut.Load(), float64(growth)/(1<<20), bound>>20)
	if growth > bound {
		t.Errorf("heap grew by %.1f MiB under %d concurrent 9 MB bodies, bound %d MiB", float64(growth)/(1<<20), clients, bound>>20)
	}
	if refused.Load() == 0 {
		t.Error("no body was refused as too large: the test measured nothing")
	}
	// The sandbox still serves.
	if _, err := e.sts.GetCallerIdentity(t.Context(), nil); err != nil {
		t.Errorf("after the load: %v", err)
	}
}

// A client that trickles its body or goes idle is cut off after the timeouts, not held forever.
func TestAbuse_slowAndIdleClientsAreCutOff(t *testing.T) {
	t.Parallel()
	e := start(t, sandbox.Options{Seed: 1, ReadTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
	addr := strings.TrimPrefix(e.srv.URL(), "http://")

	closedWithin := func(conn net.Conn, d time.Duration) bool {
		_ = conn.SetReadDeadline(time.Now().Add(d))
		_, err := io.Copy(io.Discard, conn) // until the server closes (nil) or the deadline (error)
		return err == nil
	}
	send := func(raw string) net.Conn {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		if _, err := io.WriteString(conn, raw); err != nil {
			t.Fatal(err)
		}
		return conn
	}

	// A body announced as 100 bytes of which 10 arrive.
	slow := send("POST / HTTP/1.1\r\nHost: sandbox\r\nX-Amz-Target: Logs_20140328.DescribeLogGroups\r\nContent-Type: " + jsonType +
		"\r\nContent-Length: 100\r\n\r\n{\"limit\":")
	if !closedWithin(slow, 3*time.Second) {
		t.Error("a connection trickling its body was still open after 3s (ReadTimeout 300ms)")
	}
	// Headers that never end.
	if !closedWithin(send("POST / HTTP/1.1\r\nHost: sandbox\r\n"), 3*time.Second) {
		t.Error("a connection that never finished its headers was still open after 3s")
	}
	// An idle keep-alive connection after one answered request.
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	idle := send(fmt.Sprintf("POST / HTTP/1.1\r\nHost: sandbox\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", formType, len(body), body))
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the request before going idle: %v %v", resp, err)
	}
	resp.Body.Close()
	if !closedWithin(idle, 3*time.Second) {
		t.Error("an idle keep-alive connection was still open after 3s (IdleTimeout 300ms)")
	}
}

// Flags and admin endpoints refuse caller ARNs and action names that could not work, instead of starting a
// sandbox that silently denies nothing or has no identity.
func TestAbuse_callerARNsAndActionNamesAreChecked(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		"arn:aws:sts::123456789012:assumed-role/vpnlogs-sandbox/sandbox-session", "arn:aws:iam::123456789012:user/alice",
		"arn:aws:iam::123456789012:role/service-role/deployer", "arn:aws-us-gov:iam::123456789012:root",
		"arn:aws:sts::123456789012:federated-user/bob",
	} {
		if err := sandbox.CheckCallerARN(ok); err != nil {
			t.Errorf("CheckCallerARN(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"bad", "", "arn:aws:s3:::bucket", "arn:aws:iam::12345:user/alice", "arn:aws:sts::123456789012:assumed-role/only-role",
		"arn:aws:iam::123456789012:group/admins"} {
		if err := sandbox.CheckCallerARN(bad); err == nil || !strings.Contains(err.Error(), "for example arn:aws:sts::") {
			t.Errorf("CheckCallerARN(%q) = %v, want an error with an example", bad, err)
		}
	}
	for _, ok := range []string{"logs:DescribeResourcePolicies", "iam:*", "logs:Put*", "ec2:Describe?pn*", "*"} {
		if err := sandbox.CheckActionPattern(ok); err != nil {
			t.Errorf("CheckActionPattern(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"foo", "", "logs:", ":Put", "logs DescribeLogGroups", "Logs:Put*", "logs:Put/*"} {
		if err := sandbox.CheckActionPattern(bad); err == nil || !strings.Contains(err.Error(), "write service:Action") {
			t.Errorf("CheckActionPattern(%q) = %v, want an error saying how to write it", bad, err)
		}
	}

	e := start(t, sandbox.Options{Seed: 1})
	for path, body := range map[string]string{
		"/_sandbox/deny":   `{"deny_actions":["logs:*","foo"]}`,
		"/_sandbox/caller": `{"caller_arn":"arn:aws:s3:::bucket"}`,
	} {
		resp, err := http.Post(e.srv.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %s %s: %d %s, want 400", path, body, resp.StatusCode, msg)
		}
	}
}
