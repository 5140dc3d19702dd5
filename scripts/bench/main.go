// Command bench is `make bench`: it generates Site-to-Site VPN logs in each form `health --file` reads, then times
// `health --file` on them beside its baselines, all in one run: `wc -l` on the same input (the speed of the disk)
// and, on the tunnel-activity JSON lines, the algorithm of AWS's own monitoring sample in Python
// (sample_baseline.py). It prints one table: wall time (median of the runs), throughput, peak RSS, and the ratios.
//
// usage: go run ./scripts/bench -bin bin/terraform-provider-vpnlogs [-events 1000000] [-runs 3] [-dir DIR] [-big=false]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/terraform-provider-vpnlogs", "the binary to measure")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "vpnlogs-bench"), "where the generated logs are kept (reused when present)")
	events := flag.Int("events", 1000000, "events in each input")
	runs := flag.Int("runs", 3, "runs of each measurement; the table shows the median")
	big := flag.Bool("big", true, "also measure a tunnel-activity JSON input of about 1 GB (peak RSS)")
	flag.Parse()
	if err := run(*bin, *dir, *events, *runs, *big); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// row is one input and what is measured on it.
type row struct {
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

// result is the median of a row's measurements.
type result struct {
	vpnlogs, cpu, wc, sample time.Duration
	rssKB                    int64
	size                     int64
}

func run(bin, dir string, n, runs int, big bool) error {
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%w (build it with make build)", err)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		return errors.New("python3 is needed for the monitoring sample's baseline")
	}
	sample := filepath.Join(filepath.Dir(os.Args[0]), "sample_baseline.py")
	if _, err := os.Stat(sample); err != nil {
		sample = filepath.Join("scripts", "bench", "sample_baseline.py")
	}
	inputs, err := generate(dir, n, big)
	if err != nil {
		return err
	}
	wcl := func(p string) []string { return []string{"wc", "-l", p} }
	rows := []row{
		{label: "tunnel activity, JSON lines", path: inputs.tunnelJSON, events: n, lines: wcl(inputs.tunnelJSON), sample: true},
		{label: "  same, on 1 core (GOMAXPROCS=1)", path: inputs.tunnelJSON, events: n, lines: wcl(inputs.tunnelJSON), env: []string{"GOMAXPROCS=1"}},
		{label: "tunnel activity, text lines", path: inputs.tunnelText, events: n, lines: wcl(inputs.tunnelText)},
		{label: "BGP log, JSON lines", path: inputs.bgpJSON, events: n, lines: wcl(inputs.bgpJSON)},
		{label: "tunnel activity, S3 export (gzip)", path: inputs.export, events: n,
			lines: []string{"sh", "-c", "find " + inputs.export + " -name '*.gz' -print0 | sort -z | xargs -0 gzip -dc | wc -l"}},
		{label: "tunnel activity, aws logs filter-log-events", path: inputs.cli, events: n, lines: wcl(inputs.cli)},
	}
	if big {
		rows = append(rows, row{label: "tunnel activity, JSON lines, ~1 GB", path: inputs.bigJSON, events: inputs.bigEvents, lines: wcl(inputs.bigJSON)})
	}
	for _, r := range rows { // warm the page cache, as for every later run
		if _, err := measure(r.lines...); err != nil {
			return err
		}
	}

	loadBefore := loadAverage()
	results := make([]result, len(rows))
	samples := make([][4][]time.Duration, len(rows))
	rss := make([][]int64, len(rows))
	for range runs {
		for i, r := range rows {
			now := end(r.events).Format(time.RFC3339)
			d, cpu, kb, err := measureHealth(bin, r, now)
			if err != nil {
				return fmt.Errorf("%s: %w", r.label, err)
			}
			samples[i][0] = append(samples[i][0], d)
			samples[i][3] = append(samples[i][3], cpu)
			rss[i] = append(rss[i], kb)
			if d, err = measure(r.lines...); err != nil {
				return err
			}
			samples[i][1] = append(samples[i][1], d)
			if r.sample {
				if d, err = measure(python, sample, r.path); err != nil {
					return err
				}
				samples[i][2] = append(samples[i][2], d)
			}
		}
	}
	for i, r := range rows {
		results[i] = result{vpnlogs: median(samples[i][0]), cpu: median(samples[i][3]), wc: median(samples[i][1]), sample: median(samples[i][2]),
			rssKB: slices.Max(rss[i]), size: size(r.path)}
	}
	printTable(os.Stdout, rows, results, runs, loadBefore, loadAverage())
	return nil
}

// measureHealth runs health --file on the row's input, checks that it read every event, and returns its wall time,
// its CPU time (user and system) and its peak RSS (KiB).
func measureHealth(bin string, r row, now string) (time.Duration, time.Duration, int64, error) {
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
func measure(argv ...string) (time.Duration, error) {
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

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func size(path string) int64 {
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

func printTable(w *os.File, rows []row, res []result, runs int, loadBefore, loadAfter string) {
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
	fmt.Fprintln(w, "\ngoals (issue 14): ≥ 10× faster than the sample, within 5× of wc -l, peak RSS < 64 MB and independent of the input size")
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }

// inputs are the generated files.
type inputs struct {
	tunnelJSON, tunnelText, bgpJSON, export, cli, bigJSON string
	bigEvents                                             int
}

// generate writes the inputs under dir, unless a previous run left them there for the same event count.
func generate(dir string, n int, big bool) (inputs, error) {
	d := filepath.Join(dir, fmt.Sprintf("%d", n))
	in := inputs{
		tunnelJSON: filepath.Join(d, "tunnel.jsonl"), tunnelText: filepath.Join(d, "tunnel.txt"), bgpJSON: filepath.Join(d, "bgp.jsonl"),
		export: filepath.Join(d, "export"), cli: filepath.Join(d, "filter-log-events.json"),
		bigJSON: filepath.Join(d, "tunnel-1gb.jsonl"), bigEvents: 4 * n,
	}
	type step struct {
		path string
		gen  func(path string) error
	}
	steps := []step{
		{in.tunnelJSON, func(p string) error { return writeLines(p, n, tunnelJSON) }},
		{in.tunnelText, func(p string) error { return writeLines(p, n, tunnelText) }},
		{in.bgpJSON, func(p string) error { return writeLines(p, n, bgpJSON) }},
		{in.export, func(p string) error { return writeExport(p, n) }},
		{in.cli, func(p string) error { return writeCLI(p, n) }},
	}
	if big {
		steps = append(steps, step{in.bigJSON, func(p string) error { return writeLines(p, in.bigEvents, tunnelJSON) }})
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
