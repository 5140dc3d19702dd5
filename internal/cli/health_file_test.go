package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

const (
	fileVPN, fileIP = "vpn-0123456789abcdef0", "203.0.113.10"
)

var fileT0 = time.Date(2025, 11, 8, 5, 0, 0, 0, time.UTC)

// fileLines are a tunnel's events over an hour: healthy, then a DPD timeout and half-open IKE SAs, and the BGP
// session dropping with it.
func fileLines() []string {
	tun := func(s int, p1, p2, details string) string {
		at := fileT0.Add(time.Duration(s) * time.Second)
		return fmt.Sprintf(`{"event_timestamp":%d,"timestamp":%q,"dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":%q,"ike_phase2_state":%q,"details":%q}`,
			at.Unix(), at.Format("2006-01-02 15:04:05.000Z"), p1, p2, details)
	}
	bgp := func(s int, status, details string) string {
		at := fileT0.Add(time.Duration(s) * time.Second)
		return fmt.Sprintf(`{"resource_id":"%s_%s","event_timestamp":%d,"timestamp":%q,"type":"BGPStatus","status":%q,"message":{"details":%q}}`,
			fileVPN, fileIP, at.UnixMilli(), at.Format("2006-01-02 15:04:05.000Z"), status, details)
	}
	out := []string{
		tun(0, "established", "established", "AWS tunnel processed request (id=1) for CREATE_CHILD_SA"),
		bgp(5, "UP", "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.10.2"),
		bgp(1800, "DOWN", "AWS-side peer sent a Hold Timer Expired notification to neighbor 169.254.10.2"),
		tun(1810, "down", "down", "AWS tunnel DPD timed out after 3 retransmits"),
	}
	for s := 1840; s < 3600; s += 30 {
		out = append(out, tun(s, "negotiating", "down", "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: 198.51.100.7"))
	}
	return out
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func gzipData(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		panic(err) // writing to memory
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// runHealthFileCLI runs health with stdin as the standard input, through Execute with no AWS settings at all (--file
// reads no AWS API), and returns the exit code and outputs. A JSON output is validated against its schema.
func runHealthFileCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Execute(context.Background(), "test", append([]string{"health"}, args...), &out, &errOut, WithStdin(strings.NewReader(stdin)),
		WithAWSConfig(func(c *awsconfig.Config) { c.EndpointURL = "http://127.0.0.1:1" })) // any AWS call would fail
	if slices.Contains(args, "json") && out.Len() > 0 {
		validateJSON(t, "health", out.String())
	}
	return code, out.String(), errOut.String()
}

type fileHealthOut struct {
	Tunnels []struct {
		healthTunnelOut
		Streams []string `json:"streams"`
	} `json:"tunnels"`
	Input struct {
		Now   string `json:"now"`
		Files []struct {
			Path, Form, Error string
			Gzip              bool
			Lines             int64
		} `json:"files"`
		Events       int64 `json:"events"`
		OutOfRange   int64 `json:"out_of_range"`
		OtherTunnels int64 `json:"other_tunnels"`
		Passes       int   `json:"passes"`
	} `json:"input"`
}

func parseFileHealth(t *testing.T, s string) fileHealthOut {
	t.Helper()
	var h fileHealthOut
	if err := json.Unmarshal([]byte(s), &h); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return h
}

// An S3 export read with --file: the tunnel its stream names, its health, and what was read; exit 2 (down).
func TestHealthFile_exportJSON(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i, l := range fileLines() {
		at := fileT0.Add(time.Duration(i) * time.Second) // the export's own timestamps; the events carry theirs
		b.WriteString(at.Format("2006-01-02T15:04:05.000Z") + " " + l + "\n")
	}
	stream := fileVPN + "-" + fileIP
	obj := writeTemp(t, filepath.Join("export", "task", stream, "000000.gz"), gzipData([]byte(b.String())))
	dir := filepath.Dir(filepath.Dir(filepath.Dir(obj)))
	code, stdout, stderr := runHealthFileCLI(t, "", "--file", dir, "--output", "json")
	if code != exitProblems {
		t.Fatalf("exit %d, want %d: %s", code, exitProblems, stderr)
	}
	h := parseFileHealth(t, stdout)
	if len(h.Tunnels) != 1 {
		t.Fatalf("%d tunnels: %s", len(h.Tunnels), stdout)
	}
	tu := h.Tunnels[0]
	if tu.VPNConnectionID != fileVPN || tu.OutsideIP != fileIP || tu.Status != "down" || tu.QueryMode != "file" ||
		len(tu.Streams) != 1 || tu.Streams[0] != stream || tu.EventsRead != len(fileLines()) {
		t.Errorf("tunnel %+v", tu)
	}
	if !strings.Contains(tu.StatusReason, "IKE phase 2 is down: AWS tunnel DPD timed out") {
		t.Errorf("status reason %q", tu.StatusReason)
	}
	if f := h.Input.Files; len(f) != 1 || f[0].Form != "S3 export" || !f[0].Gzip || f[0].Lines != int64(len(fileLines())) {
		t.Errorf("input files %+v", f)
	}
	if h.Input.Now != "2025-11-08T05:59:40.000Z" || h.Input.Passes != 1 {
		t.Errorf("input %+v: want the health as of the latest event, in one pass", h.Input)
	}
}

// Event lines from the standard input, with --tunnel naming the activity log's events, and the text report.
func TestHealthFile_stdinText(t *testing.T) {
	t.Parallel()
	in := strings.Join(fileLines(), "\n") + "\n\nnot a log line\n"
	code, stdout, stderr := runHealthFileCLI(t, in, "--file", "-", "--tunnel", fileIP, "--now", "2025-11-08T06:00:00Z")
	if code != exitProblems {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		fileVPN + " tunnel " + fileIP + ": DOWN",
		"IKE phase 2 is down: AWS tunnel DPD timed out after 3 retransmits (ike.dpd_timeout, once)",
		fmt.Sprintf("events     %d read (1 unrecognized), last at 2025-11-08T05:59:40.000Z; from files (no stream names)", len(fileLines())+1),
		"health as of 2025-11-08T06:00:00.000Z; 1 blank line(s) skipped",
		"- (event lines)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}

	// Without --tunnel, the activity log's JSON names no tunnel: it is reported apart from the BGP log's.
	_, stdout, _ = runHealthFileCLI(t, in, "--file", "-")
	if !strings.Contains(stdout, "(VPN connection not named) tunnel (address not named): DOWN") || !strings.Contains(stdout, fileVPN+" tunnel "+fileIP+": DOWN") {
		t.Errorf("output:\n%s", stdout)
	}
}

// --since, --until and --lookback keep the events of their range.
func TestHealthFile_timeRange(t *testing.T) {
	t.Parallel()
	path := writeTemp(t, "events.jsonl", []byte(strings.Join(fileLines(), "\n")))
	code, stdout, stderr := runHealthFileCLI(t, "", "--file", path, "--until", "2025-11-08T05:20:00Z", "--output", "json")
	h := parseFileHealth(t, stdout)
	if code != 0 || h.Input.OutOfRange != int64(len(fileLines())-2) || h.Input.Now != "2025-11-08T05:20:00.000Z" {
		t.Errorf("--until: exit %d (%s), input %+v", code, stderr, h.Input)
	}
	_, stdout, _ = runHealthFileCLI(t, "", "--file", path, "--now", "2025-11-08T06:00:00Z", "--lookback", "15m", "--output", "json")
	if h := parseFileHealth(t, stdout); h.Input.Events-h.Input.OutOfRange != 30 {
		t.Errorf("--lookback 15m: %d events kept of %d, want 30", h.Input.Events-h.Input.OutOfRange, h.Input.Events)
	}
	_, stdout, _ = runHealthFileCLI(t, "", path, "--since", "2025-11-08T05:59:00Z", "--file", path, "--output", "json")
	if h := parseFileHealth(t, stdout); len(h.Input.Files) != 2 || h.Input.Events-h.Input.OutOfRange != 4 {
		t.Errorf("two paths, --since: %+v", h.Input)
	}
}

// A truncated gzip stream: the report of what came before, the byte where it broke, exit 1.
func TestHealthFile_truncatedGzip(t *testing.T) {
	t.Parallel()
	data := gzipData([]byte(strings.Repeat(strings.Join(fileLines(), "\n")+"\n", 40)))
	path := writeTemp(t, "events.jsonl.gz", data[:len(data)-200])
	code, stdout, stderr := runHealthFileCLI(t, "", "--file", path)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := fmt.Sprintf("the gzip stream is truncated: it ends at byte %d of %d", len(data)-200, len(data)-200)
	if !strings.Contains(stderr, want) || !strings.Contains(stdout, want) {
		t.Errorf("want %q in both outputs:\nstdout %s\nstderr %s", want, stdout, stderr)
	}
	if !strings.Contains(stdout, fileVPN+" tunnel "+fileIP) {
		t.Errorf("no report of the events read before the break:\n%s", stdout)
	}
}

func TestHealthFile_noEvents(t *testing.T) {
	t.Parallel()
	path := writeTemp(t, "empty.log", []byte("\n\n"))
	code, stdout, stderr := runHealthFileCLI(t, "", "--file", path)
	if code != exitUndecided || !strings.Contains(stderr, "no Site-to-Site VPN log event in the input") || !strings.Contains(stdout, "input: 0 events from 1 file") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

func TestHealthFile_flags(t *testing.T) {
	t.Parallel()
	path := writeTemp(t, "events.jsonl", []byte(strings.Join(fileLines(), "\n")))
	missing := filepath.Join(t.TempDir(), "missing")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--file", path, "--all", "--tunnel", fileIP}, "--all reads every tunnel the files hold"},
		{[]string{"--file", path, "--tag", "env=prod"}, "--tag selects connections by their tags in AWS"},
		{[]string{"--file", path, "--tunnel", fileIP, "--tunnel", "203.0.113.11"}, "name one connection or tunnel"},
		{[]string{"--file", path, "--vpn-connection-id", "vpn-1"}, `--vpn-connection-id "vpn-1" is not a VPN connection ID`},
		{[]string{"--file", path, "--query-mode", "insights"}, "--query-mode chooses how CloudWatch Logs is read"},
		{[]string{"--file", path, "--lookback", "2h"}, "--lookback counts back from now: with --file, give --now (or --until)"},
		{[]string{"--file", path, "--since", "yesterday"}, `--since: "yesterday" is not an RFC 3339 time`},
		{[]string{"--file", path, "--since", "2025-11-08T06:00:00Z", "--until", "2025-11-08T05:00:00Z"}, "--until is before --since"},
		{[]string{"--file", path, "--tunnel", "tunnel-1"}, `--tunnel: "tunnel-1" is not an IP address`},
		{[]string{"--file", path, "--output", "yaml"}, `--output: "yaml" is not text or json`},
		{[]string{"--file", missing}, "Error: " + missing + ": no such file or directory"},
		{[]string{"--file", "-", "--file", "-"}, "the standard input (-) can be read only once"},
		{[]string{path}, `unexpected argument "` + path + `": the files to read follow --file`},
		{[]string{"--vpn-connection-id", fileVPN, "--now", "2025-11-08T06:00:00Z"}, "--since, --until and --now apply to the logs read with --file"},
	} {
		code, _, stderr := runHealthFileCLI(t, "", c.args...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}
