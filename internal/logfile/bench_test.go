package logfile

import (
	"context"
	"io/fs"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkAnalyze reads 200,000 events of one tunnel's activity log (and, for the BGP input, its BGP log) in each
// form, from files in the page cache, as health --file does: ns/event is the wall time per event with every CPU
// (Workers 0) or one (Workers 1), and MB/s the input's bytes per second.
func BenchmarkAnalyze(b *testing.B) {
	const n = 200000
	all := tunnelLogs(vpnA, ipA, 2*n, 0, false)
	var activity, bgp []rec
	for _, r := range all {
		if r.stream == vpnA+"-"+ipA {
			activity = append(activity, r)
		} else {
			bgp = append(bgp, r)
		}
	}
	activity = activity[:n]
	dir := b.TempDir()
	inputs := []struct {
		name string
		path string
		n    int
	}{
		{"tunnelJSON", writeFile(b, filepath.Join(dir, "tunnel.jsonl"), eventLines(activity)), n},
		{"tunnelText", writeFile(b, filepath.Join(dir, "tunnel.txt"), eventLines(tunnelLogs(vpnA, ipA, n, 0, true))), n},
		{"bgpJSON", writeFile(b, filepath.Join(dir, "bgp.jsonl"), eventLines(bgp)), len(bgp)},
		{"cliJSON", writeFile(b, filepath.Join(dir, "filter.json"), cliPages(activity, 10000, true, false)), n},
		{"exportGzip", exportObjects(b, filepath.Join(dir, "export"), activity, 50000), n},
	}
	for _, in := range inputs {
		for _, workers := range []int{0, 1} {
			name := in.name + "/workers=all"
			if workers == 1 {
				name = in.name + "/workers=1"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(dirSize(b, in.path))
				b.ReportAllocs()
				for b.Loop() {
					res, err := Analyze(context.Background(), []string{in.path}, Options{Workers: workers})
					if err != nil {
						b.Fatal(err)
					}
					if got := res.Counts.Events; got != int64(in.n) {
						b.Fatalf("%d events, want %d", got, in.n)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(in.n), "ns/event")
				if workers == 0 {
					b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cpus")
				}
			})
		}
	}
}

// dirSize is the size of a file, or of the files under a directory.
func dirSize(b *testing.B, path string) int64 {
	b.Helper()
	var n int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		n += fi.Size()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
