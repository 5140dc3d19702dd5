package logfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The lines of a range are those that start in it, whatever the range: mapped or read with pread, every cut of a
// file gives each line to exactly one range, whole.
func TestRanges_everyLineOnce(t *testing.T) {
	t.Parallel()
	data := []byte("a\nbb\n\nccc\r\ndddd\neeeee")
	path := writeFile(t, filepath.Join(t.TempDir(), "lines"), data)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size := int64(len(data))
	for size1 := int64(1); size1 <= size; size1++ {
		var mapped, pread []string
		w := &worker{}
		for off := int64(0); off < size; off += size1 {
			end := min(off+size1, size)
			mapped = append(mapped, string(mappedRange(data, off, end)))
			got, err := w.readRange(&batch{file: &rangeFile{f: f, size: size}, off: off, end: end})
			if err != nil {
				t.Fatal(err)
			}
			pread = append(pread, string(got))
		}
		if strings.Join(mapped, "") != string(data) || strings.Join(pread, "") != string(data) {
			t.Errorf("ranges of %d bytes: mapped %q, pread %q: want the file, each line once", size1, mapped, pread)
		}
		for i := range mapped {
			if mapped[i] != pread[i] {
				t.Errorf("ranges of %d bytes, range %d: mapped %q, pread %q", size1, i, mapped[i], pread[i])
			}
		}
	}
}

// A file that shrinks while it is read is an error that says so, with the byte where reading failed: read with
// pread, and mapped into memory, where touching a page past the new end is a fault, not a crash.
func TestRanges_fileShrinksWhileRead(t *testing.T) {
	t.Parallel()
	for _, mapped := range []bool{true, false} {
		path := writeFile(t, filepath.Join(t.TempDir(), "events.jsonl"), eventLines(twoTunnels(2000)))
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		rf := &rangeFile{f: f, size: fi.Size()}
		if mapped {
			rf.data, rf.unmap = mapFile(f, rf.size) // nil where files are not mapped: then pread again
		}
		rf.refs.Store(1)
		if err := os.Truncate(path, 0); err != nil {
			t.Fatal(err)
		}
		w := &worker{opts: &Options{Window: time.Hour}, parts: &parts{}, streams: map[string]Tunnel{}}
		p := w.do(&batch{form: FormLines, file: rf, off: 8192, end: rf.size})
		if p.err == nil || !strings.Contains(p.err.Error(), "reading at byte") || !strings.Contains(p.err.Error(), "changed while it was read") {
			t.Errorf("mapped %v: error %v, want the file changed while it was read", mapped, p.err)
		}
		if p.counts.Events > 0 && !mapped {
			t.Errorf("pread: %d events parsed from a range that could not be read", p.counts.Events)
		}
	}
}

// A regular file that says its size is 0 although it has content (the files of /proc) is read as a stream, not cut
// into no ranges at all.
func TestRanges_fileWithoutASize(t *testing.T) {
	t.Parallel()
	const path = "/proc/self/limits"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s: %v (a Linux file; the case needs a regular file that reports size 0)", path, err)
	}
	res := analyze(t, []string{path}, Options{Window: time.Hour})
	if res.Counts.Events == 0 || len(res.Inputs) != 1 || res.Inputs[0].Lines == 0 {
		t.Errorf("%s read as %+v, %+v: want its lines, as unrecognised events", path, res.Counts, res.Inputs)
	}
}
