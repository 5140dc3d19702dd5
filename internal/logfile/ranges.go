package logfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// A regular file of event lines or an S3 export object that is not compressed is not read by the producer: it is cut
// into byte ranges, and each worker parses the lines that start in its range: in place where the file could be
// mapped into memory (mmap_unix.go), else read with pread. So every core reads and parses, and no byte is copied
// more than once. The lines of a range are those that start in it: a range skips
// the end of the line its first byte belongs to (unless a line starts there), and reads past its end to the end of
// its last line. The partials of the ranges are merged in order, as those of batches are.

// rangeFile is a file read by ranges: closed when its last range is done.
type rangeFile struct {
	f    *os.File
	size int64
	refs atomic.Int64
	// data is the file mapped into memory, nil when it is read with pread; unmap undoes the mapping.
	data  []byte
	unmap func()
}

func (r *rangeFile) release() {
	if r.refs.Add(-1) == 0 {
		if r.unmap != nil {
			r.unmap()
		}
		r.f.Close()
	}
}

// rangeHead is how much of a file is read to tell its form: more than any line that opens a file of events.
const rangeHead = 64 << 10

// ranges hands the ranges of a regular file over to the workers. The file is theirs from then on.
func (p *producer) ranges(ctx context.Context, src int, o *opened, form Form, size int) error {
	rf := &rangeFile{f: o.file, size: o.fileSize}
	if !p.noMap {
		rf.data, rf.unmap = mapFile(o.file, o.fileSize)
	}
	rf.refs.Store(1) // the producer's, while it sends
	defer rf.release()
	for off := int64(0); off < rf.size; off += int64(size) {
		rf.refs.Add(1)
		b := &batch{src: src, form: form, stream: o.in.stream, file: rf, off: off, end: min(off+int64(size), rf.size)}
		if !p.send(ctx, b) {
			rf.release()
			return ctx.Err()
		}
	}
	return nil
}

// readRange reads the lines that start in the batch's range into w.rangeBuf and returns them.
func (w *worker) readRange(b *batch) ([]byte, error) {
	from := b.off
	if from > 0 {
		from-- // the byte before the range says whether a line starts at its first byte
	}
	n := int(b.end - from)
	if cap(w.rangeBuf) < n {
		w.rangeBuf = make([]byte, n, n+n/4)
	}
	buf := w.rangeBuf[:n]
	if err := w.readAt(b.file, buf, from); err != nil {
		return nil, err
	}
	start := 0
	if b.off > 0 {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 || i == len(buf)-1 {
			return nil, nil // no line starts in the range
		}
		start = i + 1
	}
	// The last line, to its end.
	for at := b.end; buf[len(buf)-1] != '\n' && at < b.file.size; {
		more := min(int64(max(4096, len(buf)/4)), b.file.size-at)
		buf = growLen(buf, int(more))
		chunk := buf[len(buf)-int(more):]
		if err := w.readAt(b.file, chunk, at); err != nil {
			return nil, err
		}
		if i := bytes.IndexByte(chunk, '\n'); i >= 0 {
			buf = buf[:len(buf)-int(more)+i+1]
			break
		}
		at += more
	}
	w.rangeBuf = buf[:0]
	return buf[start:], nil
}

// mappedRange is the lines that start in [off, end) of a mapped file.
func mappedRange(data []byte, off, end int64) []byte {
	start := off
	if off > 0 {
		i := bytes.IndexByte(data[off-1:end], '\n')
		if i < 0 {
			return nil // no line starts in the range
		}
		start = off + int64(i)
	}
	stop := end
	if data[end-1] != '\n' {
		if i := bytes.IndexByte(data[end:], '\n'); i >= 0 {
			stop = end + int64(i) + 1
		} else {
			stop = int64(len(data))
		}
	}
	if start >= stop {
		return nil
	}
	return data[start:stop]
}

// readAt fills buf from the file at off; a file shorter than it was when it was opened is an error.
func (w *worker) readAt(rf *rangeFile, buf []byte, off int64) error {
	n, err := rf.f.ReadAt(buf, off)
	switch {
	case n == len(buf):
		return nil
	case errors.Is(err, io.EOF):
		return fmt.Errorf("reading at byte %d: the file is shorter than when it was opened (%d bytes): it changed while it was read",
			off+int64(n), rf.size)
	}
	return fmt.Errorf("reading at byte %d: %w", off+int64(n), err)
}

// growLen extends b by n bytes, keeping its content.
func growLen(b []byte, n int) []byte {
	if len(b)+n <= cap(b) {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, 2*(len(b)+n))
	copy(nb, b)
	return nb
}
