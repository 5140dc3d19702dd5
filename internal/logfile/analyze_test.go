package logfile

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

const (
	vpnA, ipA = "vpn-0a1b2c3d4e5f60718", "203.0.113.10"
	vpnB, ipB = "vpn-0fedcba987654321f", "198.51.100.20"
)

// twoTunnels are both logs of two tunnels, as one log group holds them, in time order.
func twoTunnels(n int) []rec {
	return interleave(tunnelLogs(vpnA, ipA, n, 0, false), tunnelLogs(vpnB, ipB, n, 3, false))
}

func analyze(t *testing.T, paths []string, opts Options) *Result {
	t.Helper()
	res, err := Analyze(context.Background(), paths, opts)
	if err != nil {
		t.Fatalf("Analyze(%v): %v", paths, err)
	}
	if err := res.Err(); err != nil {
		t.Fatalf("Analyze(%v): %v", paths, err)
	}
	return res
}

// latestOf is the latest time of the events (their own, which may be coarser than CloudWatch's timestamp).
func latestOf(recs []rec) time.Time {
	var latest time.Time
	for _, r := range recs {
		if at := logparse.ParseEventString(r.msg, r.ms).Time; at.After(latest) {
			latest = at
		}
	}
	return latest
}

// Every form gives each tunnel the health of the live read's fold, told apart by stream name where the form has
// it, by the names events carry otherwise.
func TestAnalyze_forms(t *testing.T) {
	t.Parallel()
	recs := twoTunnels(3000)
	now := latestOf(recs)
	dir := t.TempDir()
	byStream := expected(t, recs, true, time.Hour, now)
	byEvent := expected(t, recs, false, time.Hour, now)
	textRecs := interleave(tunnelLogs(vpnA, ipA, 3000, 0, true), tunnelLogs(vpnB, ipB, 3000, 3, true))
	for _, c := range []struct {
		name  string
		paths []string
		form  Form
		want  map[Tunnel]logparse.Health
	}{
		{"JSON event lines", []string{writeFile(t, filepath.Join(dir, "events.jsonl"), eventLines(recs))}, FormLines, byEvent},
		{"text event lines", []string{writeFile(t, filepath.Join(dir, "events.txt"), eventLines(textRecs))}, FormLines,
			expected(t, textRecs, false, time.Hour, latestOf(textRecs))},
		{"event lines, gzip", []string{writeFile(t, filepath.Join(dir, "events.jsonl.gz"), gzipped(eventLines(recs)))}, FormLines, byEvent},
		{"filter-log-events, pages", []string{writeFile(t, filepath.Join(dir, "filter.json"), cliPages(recs, 500, true, false))}, FormAWSCLI, byStream},
		{"filter-log-events, compact", []string{writeFile(t, filepath.Join(dir, "filter-compact.json"), cliPages(recs, 700, true, true))}, FormAWSCLI, byStream},
		{"filter-log-events, gzip", []string{writeFile(t, filepath.Join(dir, "filter.json.gz"), gzipped(cliPages(recs, 10000, true, false)))}, FormAWSCLI, byStream},
		{"get-log-events, pages", []string{writeFile(t, filepath.Join(dir, "get.json"), cliPages(recs, 333, false, false))}, FormAWSCLI, byEvent},
		{"S3 export directory", []string{exportObjects(t, filepath.Join(dir, "export"), recs, 900)}, FormExport, byStream},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := analyze(t, c.paths, Options{Window: time.Hour})
			for _, in := range res.Inputs {
				if in.Form != c.form {
					t.Errorf("%s read as %s, want %s", in.Path, in.Form, c.form)
				}
			}
			checkHealth(t, c.name, res, c.want)
			if res.Passes != 1 {
				t.Errorf("%d passes for events in time order", res.Passes)
			}
			if c.form != FormLines && !res.Now.Equal(now) {
				t.Errorf("now %v, want the latest event %v", res.Now, now)
			}
			for _, th := range res.Tunnels {
				if streamsWanted := c.form == FormExport || c.name[:6] == "filter"; streamsWanted && len(th.Streams) != 2 {
					t.Errorf("tunnel %v: streams %v, want its two", th.Tunnel, th.Streams)
				}
			}
		})
	}
}

// However the input is cut into batches, and however many workers parse them, the result is the same.
func TestAnalyze_anySplit(t *testing.T) {
	t.Parallel()
	recs := twoTunnels(4000)
	dir := t.TempDir()
	inputs := map[string][]string{
		"lines":  {writeFile(t, filepath.Join(dir, "events.jsonl"), eventLines(recs))},
		"cli":    {writeFile(t, filepath.Join(dir, "filter.json"), cliPages(recs, 1000, true, false))},
		"export": {exportObjects(t, filepath.Join(dir, "export"), recs, 1500)},
	}
	for name, paths := range inputs {
		var first *Result
		for _, bb := range []int{1 << 20, 4096, 1000, 97} {
			for _, workers := range []int{1, 2, 5} {
				for _, noMap := range []bool{false, true} { // files mapped into memory, and read with pread
					res := analyze(t, paths, Options{Window: 30 * time.Minute, Workers: workers, batchBytes: bb, noMap: noMap})
					if first == nil {
						first = res
						continue
					}
					if !reflect.DeepEqual(res.Tunnels, first.Tunnels) || res.Counts != first.Counts || !res.Now.Equal(first.Now) {
						t.Errorf("%s, batches of %d bytes, %d workers, pread %v: the result differs from the first", name, bb, workers, noMap)
					}
				}
			}
		}
	}
}

// Events far out of time order (an export's chunks in any order) are read again, exactly; from the standard
// input, which cannot be, the result says it may be approximate.
func TestAnalyze_outOfOrder(t *testing.T) {
	t.Parallel()
	recs := tunnelLogs(vpnA, ipA, 6000, 0, false)
	// Chunks of 700 events in a shuffled order, as an export may hold them.
	var chunks [][]rec
	for i := 0; i < len(recs); i += 700 {
		chunks = append(chunks, recs[i:min(len(recs), i+700)])
	}
	r := rand.New(rand.NewPCG(7, 7))
	r.Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
	var shuffled []rec
	for _, c := range chunks {
		shuffled = append(shuffled, c...)
	}
	now := latestOf(recs)
	want := expected(t, shuffled, true, 10*time.Minute, now)
	path := exportObjects(t, t.TempDir(), shuffled, 100000)
	res := analyze(t, []string{path}, Options{Window: 10 * time.Minute, batchBytes: 8192})
	if res.Passes != 2 || res.Approximate {
		t.Errorf("passes %d, approximate %v: want a second, exact pass", res.Passes, res.Approximate)
	}
	checkHealth(t, "shuffled export", res, want)

	data := eventLines(shuffled)
	res = analyze(t, []string{Stdin}, Options{Window: 10 * time.Minute, batchBytes: 8192, Stdin: bytes.NewReader(data)})
	if res.Passes != 1 || !res.Approximate {
		t.Errorf("standard input: passes %d, approximate %v: want one pass, approximate", res.Passes, res.Approximate)
	}
	if len(res.Tunnels) != 2 || res.Tunnels[0].EventsRead+res.Tunnels[1].EventsRead != len(recs) {
		t.Errorf("standard input: %+v", res.Tunnels)
	}
}

// A line that is not a log event is an unrecognised event, as in the live read; blank lines are skipped.
func TestAnalyze_malformed(t *testing.T) {
	t.Parallel()
	recs := tunnelLogs(vpnA, ipA, 50, 0, false)
	var b strings.Builder
	for i, r := range recs {
		b.WriteString(r.msg + "\n")
		switch i {
		case 10:
			b.WriteString("garbage that is no log line\n")
		case 20:
			b.WriteString(`{"event_timestamp":17625804` + "\n") // cut short
		case 30:
			b.WriteString("   \n\r\n\n")
		case 40:
			b.WriteString(`{"ike_phase1_state":"established","details":"AWS tunnel said something new"}` + "\r\n")
		}
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "events.log"), []byte(b.String()))
	res := analyze(t, []string{path}, Options{})
	if len(res.Tunnels) != 2 { // the activity lines name no tunnel, the BGP ones do
		t.Fatalf("tunnels %+v", res.Tunnels)
	}
	unnamed := res.Tunnels[0]
	if !unnamed.Tunnel.IsZero() || unnamed.EventsUnrecognized != 3 {
		t.Errorf("unnamed tunnel %v: %d unrecognised, want 3", unnamed.Tunnel, unnamed.EventsUnrecognized)
	}
	if res.Counts.Blank != 3 || res.Counts.Events != int64(len(recs)+3) {
		t.Errorf("counts %+v: want 3 blank lines and %d events", res.Counts, len(recs)+3)
	}
	var msgs []string
	for _, is := range unnamed.Issues {
		if is.Code == logparse.CodeUnknown {
			msgs = append(msgs, is.Message)
		}
	}
	if len(msgs) != 1 || msgs[0] != "garbage that is no log line" && !strings.HasPrefix(msgs[0], "{") {
		t.Errorf("unknown issue messages %q", msgs)
	}
}

// A truncated or corrupt gzip object is reported with the byte where it broke; the events before it count.
func TestAnalyze_brokenGzip(t *testing.T) {
	t.Parallel()
	recs := tunnelLogs(vpnA, ipA, 4000, 0, false)
	dir := exportObjects(t, t.TempDir(), recs, 100000)
	var obj string
	if err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if strings.HasSuffix(p, ".gz") {
			obj = p
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(obj)
	cut := len(data) * 2 / 3
	truncated := writeFile(t, filepath.Join(filepath.Dir(obj), "000001.gz"), data[:cut])
	corrupt := append([]byte(nil), data...)
	for i := len(corrupt) / 2; i < len(corrupt)/2+64; i++ {
		corrupt[i] ^= 0x5a
	}
	corruptPath := writeFile(t, filepath.Join(t.TempDir(), "corrupt", "000000.gz"), corrupt)

	res, err := Analyze(context.Background(), []string{truncated}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr := res.Inputs[0]
	if tr.Err == nil || !strings.Contains(tr.Err.Error(), "truncated") || !strings.Contains(tr.Err.Error(), fmt.Sprintf("byte %d of %d", cut, cut)) {
		t.Errorf("truncated object: %v", tr.Err)
	}
	if tr.Lines == 0 || tr.Lines >= int64(len(recs)) {
		t.Errorf("truncated object: %d lines read, want some of %d", tr.Lines, len(recs))
	}
	read := 0
	for _, th := range res.Tunnels {
		read += th.EventsRead
		if th.EventsUnrecognized != 0 {
			t.Errorf("%v: %d unrecognised events: the cut line was read", th.Tunnel, th.EventsUnrecognized)
		}
	}
	if int64(read) != tr.Lines {
		t.Errorf("%d events read, %d lines handed over", read, tr.Lines)
	}
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), truncated) {
		t.Errorf("Err() = %v", err)
	}

	// Corrupt data may decode to garbage before the checksum fails: those lines are unrecognised events, and the
	// input says it is damaged.
	res, err = Analyze(context.Background(), []string{corruptPath}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if co := res.Inputs[0]; co.Err == nil || !strings.Contains(co.Err.Error(), "corrupt") && !strings.Contains(co.Err.Error(), "checksum") {
		t.Errorf("corrupt object: %v", co.Err)
	}
}

// Malformed aws logs JSON is reported with the byte where it breaks; the events before it count.
func TestAnalyze_malformedCLI(t *testing.T) {
	t.Parallel()
	recs := tunnelLogs(vpnA, ipA, 300, 0, false)
	good := cliPages(recs, 100, true, false)
	// The first event of the last page.
	i := bytes.Index(good[bytes.LastIndex(good, []byte(`"events"`)):], []byte(`"message"`)) + bytes.LastIndex(good, []byte(`"events"`))
	bad := append(append([]byte(nil), good[:i]...), []byte(`"message": oops, "timestamp": 1}]}`)...)
	path := writeFile(t, filepath.Join(t.TempDir(), "filter.json"), bad)
	res, err := Analyze(context.Background(), []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := res.Inputs[0]
	if in.Err == nil || !strings.Contains(in.Err.Error(), fmt.Sprintf("byte %d", i+len(`"message": `))) {
		t.Errorf("error %v, want one at byte %d", in.Err, i+len(`"message": `))
	}
	if in.Lines != 200 || res.Counts.Events != 200 {
		t.Errorf("%d events handed over, %d read: want the first two pages' 200", in.Lines, res.Counts.Events)
	}
	for _, c := range []struct{ name, data, err string }{
		{"empty object", "{}", ""},
		{"truncated", `{"events": [{"message": "x"`, "ends inside a page"},
		{"not a page", `{"events": [1]}`, "expected an event"},
		{"a message cut in its null", `{"events": [{"message": nu`, "ends inside a page"},
		{"two pages, no events", `{"events": []}` + "\n" + `{"events": [], "nextToken": null}`, ""},
	} {
		path := writeFile(t, filepath.Join(t.TempDir(), "x.json"), []byte(c.data))
		res, _ := Analyze(context.Background(), []string{path}, Options{})
		if got := res.Inputs[0].Err; (c.err == "") != (got == nil) || got != nil && !strings.Contains(got.Error(), c.err) {
			t.Errorf("%s: error %v, want %q", c.name, got, c.err)
		}
	}
}

// Several tunnels in one input are told apart; --tunnel keeps one, and gathers under it the events naming none.
func TestAnalyze_mixedTunnels(t *testing.T) {
	t.Parallel()
	recs := twoTunnels(2000)
	dir := t.TempDir()
	cli := writeFile(t, filepath.Join(dir, "filter.json"), cliPages(recs, 1000, true, false))
	res := analyze(t, []string{cli}, Options{})
	names := []Tunnel{res.Tunnels[0].Tunnel, res.Tunnels[1].Tunnel}
	if want := []Tunnel{{vpnA, mustAddr(ipA)}, {vpnB, mustAddr(ipB)}}; !reflect.DeepEqual(names, want) {
		t.Errorf("tunnels %v, want %v", names, want)
	}

	// A connection: its tunnels apart, the other connection's left out.
	res = analyze(t, []string{cli}, Options{Tunnel: Tunnel{VPNConnectionID: vpnB}})
	if len(res.Tunnels) != 1 || res.Tunnels[0].Tunnel != (Tunnel{vpnB, mustAddr(ipB)}) || res.Counts.OtherTunnels != 2000 {
		t.Errorf("--vpn-connection-id %s: %d tunnels %+v, %d events of others", vpnB, len(res.Tunnels), res.Tunnels, res.Counts.OtherTunnels)
	}
	twoOfA := interleave(tunnelLogs(vpnA, ipA, 500, 0, false), tunnelLogs(vpnA, ipB, 500, 1, false))
	res = analyze(t, []string{writeFile(t, filepath.Join(dir, "a2.json"), cliPages(twoOfA, 300, true, false))}, Options{Tunnel: Tunnel{VPNConnectionID: vpnA}})
	if len(res.Tunnels) != 2 {
		t.Errorf("--vpn-connection-id of a connection with two tunnels: %d tunnels", len(res.Tunnels))
	}

	// Raw lines: the activity events name no tunnel; with --tunnel they are the tunnel's, the other tunnel's left out.
	var onlyA []rec
	for _, r := range recs {
		if strings.Contains(r.stream, ipA) {
			onlyA = append(onlyA, r)
		}
	}
	var bgpB []rec
	for _, r := range recs {
		if strings.Contains(r.stream, ipB) && strings.HasSuffix(r.stream, "-bgp") {
			bgpB = append(bgpB, r)
		}
	}
	lines := writeFile(t, filepath.Join(dir, "a.jsonl"), eventLines(interleave(onlyA, bgpB)))
	res = analyze(t, []string{lines}, Options{Tunnel: Tunnel{OutsideIP: mustAddr(ipA)}})
	if len(res.Tunnels) != 1 || res.Tunnels[0].Tunnel != (Tunnel{vpnA, mustAddr(ipA)}) {
		t.Fatalf("tunnels %+v, want %s/%s named by its BGP records", res.Tunnels, vpnA, ipA)
	}
	if res.Counts.OtherTunnels != int64(len(bgpB)) {
		t.Errorf("%d events of other tunnels, want %d", res.Counts.OtherTunnels, len(bgpB))
	}
	merged := logparse.Accumulator{Window: time.Hour}
	for _, r := range onlyA {
		e := logparse.ParseEventString(r.msg, r.ms)
		merged.Add(&e)
	}
	if !res.Now.Equal(latestOf(onlyA)) {
		t.Errorf("now %v, want the latest event of the tunnel %v", res.Now, latestOf(onlyA))
	}
	if got, w := res.Tunnels[0].Health, merged.Health(res.Now); !reflect.DeepEqual(got, w) {
		t.Errorf("--tunnel: %s %q, want %s %q", got.Status, got.StatusReason, w.Status, w.StatusReason)
	}
}

// Since and Until keep the events of their range; Now defaults to Until, else to the latest event kept.
func TestAnalyze_timeRange(t *testing.T) {
	t.Parallel()
	recs := tunnelLogs(vpnA, ipA, 3000, 0, false)
	path := writeFile(t, filepath.Join(t.TempDir(), "filter.json"), cliPages(recs, 1000, true, false))
	since, until := time.UnixMilli(recs[1000].ms).UTC(), time.UnixMilli(recs[2000].ms).UTC()
	var kept []rec
	for _, r := range recs {
		if at := time.UnixMilli(r.ms); !at.Before(since) && !at.After(until) {
			kept = append(kept, r)
		}
	}
	res := analyze(t, []string{path}, Options{Since: since, Until: until})
	if !res.Now.Equal(until) || res.Counts.OutOfRange != int64(len(recs)-len(kept)) {
		t.Errorf("now %v (want %v), %d out of range (want %d)", res.Now, until, res.Counts.OutOfRange, len(recs)-len(kept))
	}
	checkHealth(t, "since/until", res, expected(t, kept, true, time.Hour, until))
	now := until.Add(3 * time.Hour)
	res = analyze(t, []string{path}, Options{Until: until, Now: now})
	if !res.Now.Equal(now) {
		t.Errorf("now %v, want %v", res.Now, now)
	}
}

func TestStreamTunnel(t *testing.T) {
	for name, want := range map[string]Tunnel{
		"vpn-0a1b2c3d4e5f60718-203.0.113.10":       {vpnA, mustAddr(ipA)},
		"vpn-0a1b2c3d4e5f60718_203.0.113.10-bgp":   {vpnA, mustAddr(ipA)},
		"203.0.113.10_VPN-0A1B2C3D4E5F60718":       {vpnA, mustAddr(ipA)},
		"vpn-0a1b2c3d4e5f60718-2001:db8::1":        {vpnA, mustAddr("2001:db8::1")},
		"vpn-0a1b2c3d-10.0.0.1.log":                {"vpn-0a1b2c3d", mustAddr("10.0.0.1")},
		"manual":                                   {},
		"vpn-short-1.2.3.4":                        {OutsideIP: mustAddr("1.2.3.4")},
		"xvpn-0a1b2c3d4e5f60718":                   {},
		"2024/01/01/[$LATEST]0a1b2c3d4e5f60718abc": {},
	} {
		if got := streamTunnel(name); got != want {
			t.Errorf("streamTunnel(%q) = %+v, want %+v", name, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]Form{
		`{"event_timestamp":1,"details":"x"}`:              FormLines,
		"  \n{\n    \"events\": [\n":                       FormAWSCLI,
		"\xef\xbb\xbf{\"nextForwardToken\": \"f/1\"}":      FormAWSCLI,
		"2025-11-08T05:40:29.641Z {\"a\":1}\n":             FormExport,
		"2025-11-08T05:40:29Z hello\n":                     FormExport,
		"2025-11-08 05:40:29.641Z ike_phase1_state=down\n": FormLines,
		"2025-11-08T99:40:29.641Z not a time\n":            FormLines,
		"":                                                 FormLines,
	} {
		if got := detect([]byte(in)); got != want {
			t.Errorf("detect(%q) = %s, want %s", in, got, want)
		}
	}
}

// A directory stands for its files in path order, without hidden files and the export's write test.
func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b/000001.gz", "b/000000.gz", "a.log", ".hidden", ".git/x", "aws-logs-write-test"} {
		writeFile(t, filepath.Join(dir, p), []byte("x"))
	}
	got, err := expand([]string{dir, Stdin}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []input{{path: filepath.Join(dir, "a.log")}, {path: filepath.Join(dir, "b/000000.gz"), stream: "b"},
		{path: filepath.Join(dir, "b/000001.gz"), stream: "b"}, {path: Stdin}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("expand = %+v, want %+v", got, want)
	}
	if _, err := expand([]string{Stdin, Stdin}, true); err == nil {
		t.Error("the standard input twice: no error")
	}
	if _, err := expand([]string{filepath.Join(dir, "missing")}, false); err == nil {
		t.Error("a missing path: no error")
	}
	if _, err := expand([]string{filepath.Join(dir, ".git")}, false); err != nil {
		t.Errorf("a hidden directory named explicitly: %v", err)
	}
}
