package e2e

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"
)

// BenchmarkHealthFile is `make bench` (issue 14): it generates Site-to-Site VPN logs in each form `health --file`
// reads (bench_file_gen_test.go), then times the built binary's `health --file` on them beside its baselines, all in
// one run: `wc -l` on the same input (the speed of the disk) and, on the tunnel-activity JSON lines, the algorithm of
// AWS's own monitoring sample in Python (testdata/sample_baseline.py). It prints one table (wall time, the median of
// the runs; CPU; throughput; peak RSS; the ratios) and reports the headline row's ratios as metrics.
//
// The environment sets it: BENCH_EVENTS (events per input, default 1,000,000), BENCH_RUNS (runs of each
// measurement, default 3), BENCH_DIR (where the generated logs are kept and reused, default $TMPDIR/vpnlogs-bench),
// BENCH_BIG=0 (leave out the ~1 GB input that shows peak RSS independent of the input size).
func BenchmarkHealthFile(b *testing.B) {
	n, runs := benchEnvInt(b, "BENCH_EVENTS", 1000000), benchEnvInt(b, "BENCH_RUNS", 3)
	dir := cmp.Or(os.Getenv("BENCH_DIR"), filepath.Join(os.TempDir(), "vpnlogs-bench"))
	var (
		rows    []fileRow
		results []fileResult
		load    [2]string
	)
	for range b.N {
		var err error
		if rows, results, load, err = runFileBench(binary, dir, n, runs, os.Getenv("BENCH_BIG") != "0"); err != nil {
			b.Fatal(err)
		}
	}
	printFileTable(os.Stdout, rows, results, runs, load[0], load[1])
	head := results[0] // tunnel activity, JSON lines: the row the goals are set on
	b.ReportMetric(head.vpnlogs.Seconds()/head.wc.Seconds(), "x-wc-l")
	b.ReportMetric(head.sample.Seconds()/head.vpnlogs.Seconds(), "x-faster-than-sample")
	b.ReportMetric(float64(slices.MaxFunc(results, func(x, y fileResult) int { return cmp.Compare(x.rssKB, y.rssKB) }).rssKB)/1024, "peak-RSS-MiB")
}

func benchEnvInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// fileRow is one input and what is measured on it.
type fileRow struct {
	label  string
	path   string // file or directory
	events int
	// lines counts the input's lines as fast as the machine can: wc -l, after gzip -dc for compressed input.
	lines []string
	// sample runs the monitoring sample's algorithm on the input (tunnel JSON lines only).
	sample bool
	// env is added to the environment of the measured command.
	env []string
}

// fileResult is the median of a row's measurements.
type fileResult struct {
	vpnlogs, cpu, wc, sample time.Duration
	rssKB                    int64
	size                     int64
}

// runFileBench generates the inputs (or reuses them) and measures every row runs times, the rows one after the other
// in each round so that a change of the machine's load touches them all alike. It returns the medians and the load
// average before and after.
func runFileBench(bin, dir string, n, runs int, big bool) ([]fileRow, []fileResult, [2]string, error) {
	var load [2]string
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil, nil, load, errors.New("python3 is needed for the monitoring sample's baseline")
	}
	sample, err := filepath.Abs(filepath.Join("testdata", "sample_baseline.py"))
	if err != nil {
		return nil, nil, load, err
	}
	in, err := generateBenchInputs(dir, n, big)
	if err != nil {
		return nil, nil, load, err
	}
	wcl := func(p string) []string { return []string{"wc", "-l", p} }
	rows := []fileRow{
		{label: "tunnel activity, JSON lines", path: in.tunnelJSON, events: n, lines: wcl(in.tunnelJSON), sample: true},
		{label: "  same, on 1 core (GOMAXPROCS=1)", path: in.tunnelJSON, events: n, lines: wcl(in.tunnelJSON), env: []string{"GOMAXPROCS=1"}},
		{label: "tunnel activity, text lines", path: in.tunnelText, events: n, lines: wcl(in.tunnelText)},
		{label: "BGP log, JSON lines", path: in.bgpJSON, events: n, lines: wcl(in.bgpJSON)},
		{label: "tunnel activity, S3 export (gzip)", path: in.export, events: n,
			lines: []string{"sh", "-c", "find " + in.export + " -name '*.gz' -print0 | sort -z | xargs -0 gzip -dc | wc -l"}},
		{label: "tunnel activity, aws logs filter-log-events", path: in.cli, events: n, lines: wcl(in.cli)},
	}
	if big {
		rows = append(rows, fileRow{label: "tunnel activity, JSON lines, ~1 GB", path: in.bigJSON, events: in.bigEvents, lines: wcl(in.bigJSON)})
	}
	for _, r := range rows { // warm the page cache, as for every later run
		if _, err := measureCmd(r.lines...); err != nil {
			return nil, nil, load, err
		}
	}

	load[0] = loadAverage()
	results := make([]fileResult, len(rows))
	samples := make([][4][]time.Duration, len(rows))
	rss := make([][]int64, len(rows))
	for range runs {
		for i, r := range rows {
			now := genEnd(r.events).Format(time.RFC3339)
			d, cpu, kb, err := measureHealth(bin, r, now)
			if err != nil {
				return nil, nil, load, fmt.Errorf("%s: %w", r.label, err)
			}
			samples[i][0] = append(samples[i][0], d)
			samples[i][3] = append(samples[i][3], cpu)
			rss[i] = append(rss[i], kb)
			if d, err = measureCmd(r.lines...); err != nil {
				return nil, nil, load, err
			}
			samples[i][1] = append(samples[i][1], d)
			if r.sample {
				if d, err = measureCmd(python, sample, r.path); err != nil {
					return nil, nil, load, err
				}
				samples[i][2] = append(samples[i][2], d)
			}
		}
	}
	for i, r := range rows {
		results[i] = fileResult{vpnlogs: medianDuration(samples[i][0]), cpu: medianDuration(samples[i][3]), wc: medianDuration(samples[i][1]), sample: medianDuration(samples[i][2]),
			rssKB: slices.Max(rss[i]), size: pathSize(r.path)}
	}
	load[1] = loadAverage()
	return rows, results, load, nil
}

// measureHealth runs health --file on the row's input, checks that it read every event, and returns its wall time,
// its CPU time (user and system) and its peak RSS (KiB).
func measureHealth(bin string, r fileRow, now string) (time.Duration, time.Duration, int64, error) {
	cmd := exec.Command(bin, "health", "--file", r.path, "--now", now, "--output", "json")
	cmd.Env = append(os.Environ(), r.env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	began := time.Now()
	err := cmd.Run()
	took := time.Since(began)
	var exit *exec.ExitError
	// Exit 2 and 3 are verdicts on the tunnels (unhealthy, unknown), not failures.
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 2 && exit.ExitCode() != 3) {
		return 0, 0, 0, fmt.Errorf("%v: %s", err, errOut.String())
	}
	var rep struct {
		Tunnels []struct {
			EventsRead int `json:"events_read"`
		} `json:"tunnels"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return 0, 0, 0, fmt.Errorf("health output is not JSON: %v", err)
	}
	read := 0
	for _, t := range rep.Tunnels {
		read += t.EventsRead
	}
	if read != r.events {
		return 0, 0, 0, fmt.Errorf("health read %d events, want %d", read, r.events)
	}
	return took, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), maxRSS(cmd), nil
}

// measure runs a baseline command and returns its wall time.
func measureCmd(argv ...string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	began := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, errOut.String())
	}
	return time.Since(began), nil
}

func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss // KiB on Linux
	}
	return 0
}

func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func pathSize(path string) int64 {
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// loadAverage is the machine's one-minute load average, "" where /proc/loadavg is not.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Fields(string(b))[0]
}

func printFileTable(w io.Writer, rows []fileRow, res []fileResult, runs int, loadBefore, loadAfter string) {
	fmt.Fprintf(w, "health --file, median of %d runs; baselines measured in the same run on the same input", runs)
	if loadBefore != "" {
		fmt.Fprintf(w, "; load average %s before, %s after (other work on the machine slows the two cores health uses)", loadBefore, loadAfter)
	}
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "input\tsize\tevents\thealth --file\tits CPU\tthroughput\tpeak RSS\twc -l\t÷ wc -l\tsample (Python)\tsample ÷ health\t")
	for i, r := range rows {
		x := res[i]
		mb := float64(x.size) / 1e6
		sampleCol, speedup := "", ""
		if r.sample {
			sampleCol = secs(x.sample)
			speedup = fmt.Sprintf("%.1f×", x.sample.Seconds()/x.vpnlogs.Seconds())
		}
		fmt.Fprintf(tw, "%s\t%.0f MB\t%.2fM\t%s\t%s\t%.0f MB/s\t%.0f MB\t%s\t%.1f×\t%s\t%s\t\n", r.label, mb, float64(r.events)/1e6,
			secs(x.vpnlogs), secs(x.cpu), mb/x.vpnlogs.Seconds(), float64(x.rssKB)/1024, secs(x.wc), x.vpnlogs.Seconds()/x.wc.Seconds(), sampleCol, speedup)
	}
	tw.Flush()
	head, peak := res[0], slices.MaxFunc(res, func(x, y fileResult) int { return cmp.Compare(x.rssKB, y.rssKB) }).rssKB
	speedup, ofWC, peakMB := head.sample.Seconds()/head.vpnlogs.Seconds(), head.vpnlogs.Seconds()/head.wc.Seconds(), float64(peak)/1024
	fmt.Fprintf(w, "\ngoals (issue 14), on the first row: at least 10× faster than the sample: %.1f× (%s); within 5× of wc -l: %.1f× (%s); "+
		"peak RSS under 64 MB on every row, whatever the input size: %.0f MB at most (%s)\n",
		speedup, met(speedup >= 10), ofWC, met(ofWC <= 5), peakMB, met(peakMB < 64))
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }

// inputs are the generated files.
type benchInputs struct {
	tunnelJSON, tunnelText, bgpJSON, export, cli, bigJSON string
	bigEvents                                             int
}

// generate writes the inputs under dir, unless a previous run left them there for the same event count.
func generateBenchInputs(dir string, n int, big bool) (benchInputs, error) {
	d := filepath.Join(dir, fmt.Sprintf("%d", n))
	in := benchInputs{
		tunnelJSON: filepath.Join(d, "tunnel.jsonl"), tunnelText: filepath.Join(d, "tunnel.txt"), bgpJSON: filepath.Join(d, "bgp.jsonl"),
		export: filepath.Join(d, "export"), cli: filepath.Join(d, "filter-log-events.json"),
		bigJSON: filepath.Join(d, "tunnel-1gb.jsonl"), bigEvents: 4 * n,
	}
	type genJob struct {
		path string
		gen  func(path string) error
	}
	steps := []genJob{
		{in.tunnelJSON, func(p string) error { return genLines(p, n, genTunnelJSON) }},
		{in.tunnelText, func(p string) error { return genLines(p, n, genTunnelText) }},
		{in.bgpJSON, func(p string) error { return genLines(p, n, genBGPJSON) }},
		{in.export, func(p string) error { return genExport(p, n) }},
		{in.cli, func(p string) error { return genCLI(p, n) }},
	}
	if big {
		steps = append(steps, genJob{in.bigJSON, func(p string) error { return genLines(p, in.bigEvents, genTunnelJSON) }})
	}
	for _, s := range steps {
		if _, err := os.Stat(s.path); err == nil {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return in, err
		}
		fmt.Fprintf(os.Stderr, "generating %s\n", s.path)
		// Written aside and renamed, so that an interrupted run leaves nothing a later one would reuse.
		tmp := s.path + ".partial"
		_ = os.RemoveAll(tmp)
		if err := s.gen(tmp); err != nil {
			return in, err
		}
		if err := os.Rename(tmp, s.path); err != nil {
			return in, err
		}
	}
	return in, nil
}
