package logfile

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

// partial is what a worker made of one batch: an accumulator per tunnel, and counts.
type partial struct {
	seq     int
	src     int // the input
	tunnels map[Tunnel]*part
	counts  Counts
	latest  time.Time // the latest event time kept
	// lines counts the lines of event lines and exports; err is why a range could not be read (its events are
	// then not in the partial).
	lines int64
	err   error
}

// part is one tunnel's share of a batch, or of the whole input.
type part struct {
	acc     logparse.Accumulator
	streams map[string]bool
	// named are the tunnels the events named, when a --tunnel filter gathers them under its own name.
	named map[Tunnel]bool
}

// parts recycles the parts of batches once merged: each batch's parts would otherwise be garbage in proportion to
// its events, which the collector would spend a tenth of a read's CPU on.
type parts struct{ pool sync.Pool }

func (ps *parts) get(window time.Duration) *part {
	if tp, ok := ps.pool.Get().(*part); ok {
		tp.acc.Window = window
		return tp
	}
	return &part{acc: logparse.Accumulator{Window: window}}
}

// put takes back a part merged away: its maps were copied, its accumulator's memory is reused.
func (ps *parts) put(tp *part) {
	tp.acc.Reset()
	clear(tp.streams)
	clear(tp.named)
	ps.pool.Put(tp)
}

// Counts count the lines and events of a read.
type Counts struct {
	// Events were parsed (one per line that is not blank, or per aws logs event); Blank lines were skipped.
	Events, Blank int64
	// OutOfRange events fell outside Since and Until; OtherTunnels named a tunnel other than the one asked for.
	OutOfRange, OtherTunnels int64
}

func (c *Counts) add(o Counts) {
	c.Events += o.Events
	c.Blank += o.Blank
	c.OutOfRange += o.OutOfRange
	c.OtherTunnels += o.OtherTunnels
}

// worker parses batches.
type worker struct {
	opts    *Options
	parts   *parts
	pool    *buffers
	parser  logparse.Parser
	scratch []byte
	// rangeBuf holds the range being parsed (ranges.go).
	rangeBuf []byte
	streams  map[string]Tunnel
	// The tunnel and stream of the previous event, and its part: consecutive events are mostly of one tunnel.
	lastKey    Tunnel
	lastStream string
	lastPart   *part
}

// do parses a batch into a partial, and gives the batch's buffer back.
func (w *worker) do(b *batch) *partial {
	p := &partial{seq: b.seq, src: b.src, tunnels: map[Tunnel]*part{}}
	w.lastPart = nil
	switch {
	case b.file != nil:
		defer b.file.release()
		p.err = w.fileRange(p, b)
		return p
	case b.form == FormAWSCLI:
		for _, r := range b.events {
			msg := b.data[r.off:r.end]
			if r.escaped {
				w.scratch = logparse.AppendUnescaped(w.scratch[:0], unsafeString(msg))
				msg = w.scratch
			}
			w.add(p, r.stream, w.parser.Parse(unsafeString(msg), r.ts))
		}
	default:
		w.lines(p, b, b.data)
	}
	w.pool.put(b.buf)
	return p
}

// fileRange parses the lines of a range of a file. On a mapped file it parses them in steps of dropStep bytes and
// takes each step's pages out of memory once parsed (dropPages), and it turns a fault on a file that shrank while it
// was read (the kernel signals an access past its new end) into an error, as pread reports it, instead of a crash.
func (w *worker) fileRange(p *partial, b *batch) (err error) {
	base := b.file.data
	if base == nil {
		data, err := w.readRange(b)
		if err == nil {
			w.lines(p, b, data)
		}
		return err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			// Only a fault inside the mapping is the file's doing; anything else is a bug, and crashes as one.
			fault, ok := r.(interface{ Addr() uintptr })
			at := int64(0)
			if ok {
				at = int64(fault.Addr() - uintptr(unsafe.Pointer(unsafe.SliceData(base))))
			}
			if !ok || at < 0 || at >= int64(len(base)) {
				panic(r)
			}
			err = fmt.Errorf("reading at byte %d: the file is shorter than when it was opened (%d bytes): it changed while it was read",
				at, b.file.size)
		}
	}()
	data, off := mappedRange(base, b.off, b.end), b.off
	for len(data) > 0 {
		step := data
		if len(step) > dropStep {
			if i := bytes.IndexByte(data[dropStep:], '\n'); i >= 0 {
				step = data[:dropStep+i+1]
			}
		}
		w.lines(p, b, step)
		data = data[len(step):]
		end := min(off+int64(len(step)), b.end)
		dropPages(base, off, end)
		off = end
	}
	return nil
}

// dropStep is how much of a mapped range is parsed before its pages are taken out of memory.
const dropStep = 256 << 10

// lines parses lines of event lines or of an export.
func (w *worker) lines(p *partial, b *batch, data []byte) {
	for len(data) > 0 {
		p.lines++
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if isBlank(line) {
			p.counts.Blank++
			continue
		}
		var prefix []byte
		if b.form == FormExport {
			if n := exportPrefix(line); n > 0 {
				prefix, line = line[:n], line[n:]
			}
		}
		e := w.parser.Parse(unsafeString(line), 0)
		if e.Time.IsZero() && prefix != nil {
			if ms := exportTime(unsafeString(prefix)); ms > 0 {
				e.Time = time.UnixMilli(ms).UTC()
			}
		}
		w.add(p, b.stream, e)
	}
}

// add folds an event into its tunnel's part, unless the time range or the tunnel asked for leaves it out.
func (w *worker) add(p *partial, stream string, e *logparse.Event) {
	p.counts.Events++
	o := w.opts
	if o.ranged() {
		if t := e.Time; !t.IsZero() && (!o.Since.IsZero() && t.Before(o.Since) || !o.Until.IsZero() && t.After(o.Until)) {
			p.counts.OutOfRange++
			return
		}
	}
	var named Tunnel
	if stream != "" {
		t, ok := w.streams[stream]
		if !ok {
			t = streamTunnel(stream)
			w.streams[stream] = t
		}
		named = t
	}
	if e.VPNConnectionID != "" || e.TunnelOutsideIP.IsValid() {
		named = named.complete(eventTunnel(e))
	}
	key := named
	switch f := o.Tunnel; {
	case f.IsZero():
	case !f.matches(named):
		p.counts.OtherTunnels++
		return
	case f.OutsideIP.IsValid():
		key = f // one tunnel: every event it can be is its
	default:
		key = named.complete(f) // a connection: its tunnels apart, events naming none under its name
	}
	tp := w.lastPart
	if tp == nil || key != w.lastKey {
		// The key's strings may share the batch's memory: the map keeps copies.
		key.VPNConnectionID = strings.Clone(key.VPNConnectionID)
		if tp = p.tunnels[key]; tp == nil {
			tp = w.parts.get(o.Window)
			p.tunnels[key] = tp
		}
		w.lastKey, w.lastPart, w.lastStream = key, tp, ""
	}
	tp.acc.Add(e)
	if stream != w.lastStream {
		if tp.streams == nil {
			tp.streams = map[string]bool{}
		}
		tp.streams[stream] = true
		w.lastStream = stream
	}
	if key != named && !named.IsZero() && !tp.named[named] {
		if tp.named == nil {
			tp.named = map[Tunnel]bool{}
		}
		named.VPNConnectionID = strings.Clone(named.VPNConnectionID)
		tp.named[named] = true
	}
	if e.Time.After(p.latest) {
		p.latest = e.Time
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// unsafeString is b as a string, without a copy. The parser's event shares that memory until the batch is done;
// the accumulator copies what it keeps.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
