package logfile

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Stdin is the path that names the standard input.
const Stdin = "-"

// exportWriteTest is the object a CloudWatch Logs export writes at the top of its prefix to check that it may write
// to the bucket (docs/design/aws-behaviour.md §6): it holds no log event.
const exportWriteTest = "aws-logs-write-test"

// input is one file to read, in the order of the command line and, within a directory, of its sorted paths.
type input struct {
	path string
	// stream is the CloudWatch Logs stream an export object belongs to: the name of its directory
	// (<prefix>/<task id>/<stream>/000000.gz); "" for other files.
	stream string
}

// expand turns the paths given into the files to read: a directory stands for the files under it, sorted by path
// (so an export's objects come in order), without hidden files and export write tests.
func expand(paths []string, stdin bool) ([]input, error) {
	var out []input
	for _, p := range paths {
		if p == Stdin {
			if !stdin {
				return nil, errors.New("the standard input (-) can be read only once")
			}
			stdin = false
			out = append(out, input{path: Stdin})
			continue
		}
		fi, err := os.Stat(p)
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %w", p, pe.Err) // the path, not the system call
		} else if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, input{path: p, stream: exportStream(p)})
			continue
		}
		n := len(out)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if path != p && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && name != exportWriteTest {
				out = append(out, input{path: path, stream: exportStream(path)})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no file in the directory", p)
		}
	}
	return out, nil
}

// exportStream is the stream of an export object: the name of its directory, when the object is named as an
// export names them (six digits, .gz).
func exportStream(path string) string {
	base := filepath.Base(path)
	if len(base) != len("000000.gz") || !strings.HasSuffix(base, ".gz") || strings.Trim(base[:6], "0123456789") != "" {
		return ""
	}
	dir := filepath.Base(filepath.Dir(path))
	if dir == "." || dir == string(filepath.Separator) {
		return ""
	}
	return dir
}

// counter counts the bytes read through it: the offset in the file, compressed or not.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// opened is an input being read: its decompressed content, and where in the file the reading is.
type opened struct {
	in       input
	r        io.Reader // the content, decompressed
	raw      *counter  // the file's bytes read so far
	gzipped  bool
	closer   io.Closer
	fileSize int64 // -1 when unknown (standard input)
	// file is the input when it is a regular file.
	file *os.File
}

// open opens an input and, when its content starts with the gzip magic number, decompresses it. Concatenated
// gzip members are read as one stream.
func open(in input, stdin io.Reader) (*opened, error) {
	o := &opened{in: in, fileSize: -1}
	var src io.Reader
	if in.path == Stdin {
		src = stdin
	} else {
		f, err := os.Open(in.path)
		if err != nil {
			return nil, err
		}
		if fi, err := f.Stat(); err == nil {
			o.fileSize = fi.Size()
			if fi.Mode().IsRegular() {
				o.file = f
			}
		}
		src, o.closer = f, f
	}
	o.raw = &counter{r: src}
	br := bufio.NewReaderSize(o.raw, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			o.close()
			return nil, o.gzipError(err, 0)
		}
		o.r, o.gzipped = zr, true
		return o, nil
	}
	o.r = br
	return o, nil
}

func (o *opened) close() {
	if o.closer != nil {
		o.closer.Close()
	}
}

// readError describes an error met reading the input, after `decoded` bytes of content.
func (o *opened) readError(err error, decoded int64) error {
	if o.gzipped {
		return o.gzipError(err, decoded)
	}
	return fmt.Errorf("reading at byte %d: %w", o.raw.n, err)
}

// gzipError says where a gzip stream broke: the offset in the compressed file, and how much it had given.
func (o *opened) gzipError(err error, decoded int64) error {
	// The file's bytes read so far, less what the decompressor's buffer holds unread, is not known exactly: the
	// offset given is that of the bytes read from the file, which for a truncated stream is its size.
	at := o.raw.n
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		size := ""
		if o.fileSize >= 0 {
			size = fmt.Sprintf(" of %d", o.fileSize)
		}
		return fmt.Errorf("the gzip stream is truncated: it ends at byte %d%s before its end, after %d bytes of content", at, size, decoded)
	case errors.As(err, &corrupt):
		return fmt.Errorf("the gzip stream is corrupt at byte %d of its compressed data (read up to byte %d), after %d bytes of content",
			int64(corrupt), at, decoded)
	case errors.Is(err, gzip.ErrChecksum):
		return fmt.Errorf("the gzip stream fails its checksum at byte %d, after %d bytes of content: the content may be damaged", at, decoded)
	case errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("the gzip stream has an invalid header at byte %d, after %d bytes of content", at, decoded)
	}
	return fmt.Errorf("reading the gzip stream at byte %d, after %d bytes of content: %w", at, decoded, err)
}
