package logfile

import (
	"bytes"
	"strings"
	"time"
	"unsafe"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

// partial is what a worker made of one batch: an accumulator per tunnel, and counts.
type partial struct {
	seq     int
	tunnels map[Tunnel]*part
	counts  Counts
	latest  time.Time // the latest event time kept
}

// part is one tunnel's share of a batch, or of the whole input.
type part struct {
	acc     logparse.Accumulator
	streams map[string]bool
	// named are the tunnels the events named, when a --tunnel filter gathers them under its own name.
	named map[Tunnel]bool
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
	pool    *buffers
	scratch []byte
	streams map[string]Tunnel
	// The tunnel and stream of the previous event, and its part: consecutive events are mostly of one tunnel.
	lastKey    Tunnel
	lastStream string
	lastPart   *part
}

// do parses a batch into a partial, and gives the batch's buffer back.
func (w *worker) do(b *batch) *partial {
	p := &partial{seq: b.seq, tunnels: map[Tunnel]*part{}}
	w.lastPart = nil
	switch b.form {
	case FormAWSCLI:
		for _, r := range b.events {
			msg := b.data[r.off:r.end]
			if r.escaped {
				w.scratch = logparse.AppendUnescaped(w.scratch[:0], unsafeString(msg))
				msg = w.scratch
			}
			e := logparse.ParseEventString(unsafeString(msg), r.ts)
			w.add(p, r.stream, &e)
		}
	default:
		for data := b.data; len(data) > 0; {
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
			e := logparse.ParseEventString(unsafeString(line), 0)
			if e.Time.IsZero() && prefix != nil {
				if ms := exportTime(unsafeString(prefix)); ms > 0 {
					e.Time = time.UnixMilli(ms).UTC()
				}
			}
			w.add(p, b.stream, &e)
		}
	}
	w.pool.put(b.buf)
	return p
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
			tp = &part{acc: logparse.Accumulator{Window: o.Window}}
			p.tunnels[key] = tp
		}
		w.lastKey, w.lastPart, w.lastStream = key, tp, ""
	}
	tp.acc.Add(*e)
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
