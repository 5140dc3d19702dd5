package logfile

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

// batch is a piece of one input for a worker: whole lines, or the events of aws logs JSON.
type batch struct {
	seq  int
	src  int // index of the input
	form Form
	// stream is the input's stream (an export object's), "" if it has none.
	stream string
	data   []byte
	events []cliRecord // FormAWSCLI: the events, their messages in data
	buf    *[]byte     // returned to the pool once the batch is parsed
	// file is set for a range of a file that the worker reads itself (ranges.go): the lines that start in
	// [off, end).
	file     *rangeFile
	off, end int64
}

// cliRecord is an event of aws logs JSON: its stream (interned), CloudWatch timestamp, and raw message in the
// batch's data.
type cliRecord struct {
	stream   string
	ts       int64
	off, end int
	escaped  bool
}

// InputRead describes the read of one input.
type InputRead struct {
	Path string
	Form Form
	// Bytes is how much of the file was read (compressed, when it is); Lines the lines (FormLines, FormExport)
	// or events (FormAWSCLI) handed to the parser.
	Bytes, Lines int64
	Gzip         bool
	// Err is why the input could not be read to its end; what was read before it counts.
	Err error
}

// producer reads the inputs in order and cuts them into batches.
type producer struct {
	inputs     []input
	stdin      io.Reader
	batchBytes int
	noMap      bool
	rangeBytes int
	out        chan<- *batch
	pool       *buffers
	seq        int
	reads      []InputRead
}

func (p *producer) run(ctx context.Context) {
	defer close(p.out)
	for i, in := range p.inputs {
		rd := InputRead{Path: in.path}
		o, err := open(in, p.stdin)
		if err != nil {
			rd.Err = err
			p.reads = append(p.reads, rd)
			continue
		}
		rd.Gzip = o.gzipped
		if o.file != nil && !o.gzipped && o.fileSize > 0 { // a size of 0 may be a file that does not say its size (/proc)
			head := make([]byte, min(rangeHead, o.fileSize))
			n, _ := o.file.ReadAt(head, 0)
			if rd.Form = detect(head[:n]); rd.Form != FormAWSCLI {
				rd.Bytes = o.fileSize
				o.closer = nil // the ranges close it
				if err := p.ranges(ctx, i, o, rd.Form, p.rangeBytes); err != nil && ctx.Err() == nil {
					rd.Err = err
				}
				p.reads = append(p.reads, rd)
				if ctx.Err() != nil {
					return
				}
				continue
			}
		}
		err = p.read(ctx, i, o, &rd)
		rd.Bytes = o.raw.n
		if o.gzipped && o.fileSize > rd.Bytes && err == nil {
			rd.Bytes = o.fileSize
		}
		o.close()
		if err != nil && ctx.Err() == nil {
			rd.Err = err
		}
		p.reads = append(p.reads, rd)
		if ctx.Err() != nil {
			return
		}
	}
}

func (p *producer) buffer(size int) *[]byte {
	b := p.pool.get()
	if cap(*b) < size {
		*b = make([]byte, 0, size)
	}
	*b = (*b)[:0]
	return b
}

// buffers is a free list of batch buffers. Unlike a sync.Pool, which drops its content at each garbage collection,
// it keeps them: a buffer the kernel has already mapped costs no page faults when a read fills it again.
type buffers chan *[]byte

func newBuffers(n int) *buffers { b := make(buffers, n); return &b }

// bufferCount is how many buffers the free list keeps for each worker: those in flight to it, being parsed by it,
// and being filled for it.
const bufferCount = 4

func (b *buffers) get() *[]byte {
	select {
	case buf := <-*b:
		return buf
	default:
		return new([]byte)
	}
}

func (b *buffers) put(buf *[]byte) {
	select {
	case *b <- buf:
	default:
	}
}

func (p *producer) send(ctx context.Context, b *batch) bool {
	b.seq = p.seq
	p.seq++
	select {
	case p.out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// fill reads into buf until it is full or the reader fails; err is the reader's error (io.EOF at the end).
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// read cuts one input into batches of its form.
func (p *producer) read(ctx context.Context, src int, o *opened, rd *InputRead) error {
	buf := p.buffer(p.batchBytes)
	n, err := fill(o.r, (*buf)[:cap(*buf)])
	*buf = (*buf)[:n]
	decoded := int64(n)
	rd.Form = detect(*buf)
	if rd.Form == FormAWSCLI {
		return p.readCLI(ctx, src, o, buf, err, decoded, rd)
	}
	for {
		data := *buf
		var cut int
		switch err {
		case nil:
			if cut = bytes.LastIndexByte(data, '\n') + 1; cut == 0 { // one line fills the buffer: a larger one
				bigger := p.buffer(2 * cap(data))
				*bigger = append(*bigger, data...)
				p.pool.put(buf)
				buf = bigger
			}
		case io.EOF:
			cut = len(data) // the last line, with or without its line break
		default:
			// A broken input: its last line is cut short. It is not an event: the error says where the input broke.
			cut = bytes.LastIndexByte(data, '\n') + 1
		}
		if cut > 0 {
			next := p.buffer(p.batchBytes)
			*next = append(*next, data[cut:]...)
			if !p.send(ctx, &batch{src: src, form: rd.Form, stream: o.in.stream, data: data[:cut], buf: buf}) {
				p.pool.put(next)
				return ctx.Err()
			}
			buf = next
		}
		if err != nil {
			p.pool.put(buf)
			if err == io.EOF {
				return nil
			}
			return o.readError(err, decoded)
		}
		m, rerr := fill(o.r, (*buf)[len(*buf):cap(*buf)])
		*buf = (*buf)[:len(*buf)+m]
		decoded += int64(m)
		err = rerr
	}
}

// readCLI cuts aws logs JSON into batches of events. A batch takes the buffer its events were read into, whole;
// the unit the buffer ends inside is copied to the next one.
func (p *producer) readCLI(ctx context.Context, src int, o *opened, buf *[]byte, err error, decoded int64, rd *InputRead) error {
	var sc cliScanner
	streams := map[string]string{} // interned stream names
	var events []cliRecord
	var consumed int64 // content bytes before buf
	pos := 0
	defer func() { p.pool.put(buf) }()
	// flush hands the events read from buf over with it, and reports whether buf is theirs now.
	flush := func() bool {
		if len(events) == 0 {
			return false
		}
		b := &batch{src: src, form: FormAWSCLI, stream: o.in.stream, data: *buf, events: events, buf: buf}
		events = nil
		p.send(ctx, b)
		return true
	}
	for {
		s := (*buf)[pos:]
		n, ev, st, serr := sc.step(s, err != nil)
		if serr != nil {
			if flush() {
				buf = p.buffer(0)
			}
			if err != nil && err != io.EOF {
				return o.readError(err, decoded)
			}
			at := consumed + int64(pos)
			if e, ok := serr.(*errCLI); ok {
				at += int64(e.at)
			}
			return fmt.Errorf("reading aws logs JSON at byte %d of the content: %w", at, serr)
		}
		switch st {
		case scanDone:
			if flush() {
				buf = p.buffer(0)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if err != io.EOF {
				return o.readError(err, decoded)
			}
			return nil
		case scanMore:
			// Read more after the unit's start, in a buffer of its own (larger, if the unit fills this one).
			size := p.batchBytes
			if len(s) > size/2 {
				size = 2 * len(s)
			}
			next := p.buffer(size)
			*next = append(*next, s...)
			if !flush() {
				p.pool.put(buf)
			}
			if err := ctx.Err(); err != nil {
				p.pool.put(next)
				buf = p.buffer(0)
				return err
			}
			consumed += int64(pos)
			buf, pos = next, 0
			m, rerr := fill(o.r, (*buf)[len(*buf):cap(*buf)])
			*buf = (*buf)[:len(*buf)+m]
			decoded += int64(m)
			err = rerr
			continue
		}
		if ev != nil {
			rd.Lines++
			r := cliRecord{ts: ev.timestamp, escaped: ev.msgEsc}
			if len(ev.stream) > 0 {
				name, ok := streams[string(ev.stream)]
				if !ok {
					name = string(ev.stream)
					if ev.streamEsc {
						name = string(logparse.AppendUnescaped(nil, name))
					}
					streams[string(ev.stream)] = name
				}
				r.stream = name
			}
			// The message is a slice of s: its place in buf.
			r.off = pos + cap(s) - cap(ev.message)
			r.end = r.off + len(ev.message)
			events = append(events, r)
		}
		pos += n
	}
}
