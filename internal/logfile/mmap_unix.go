//go:build linux || darwin || freebsd

package logfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps a regular file read-only into memory, so that workers parse its ranges where the page cache holds
// them instead of copying them into buffers first (the copy cost a fifth of the CPU of a read). It returns nil when
// the file cannot be mapped; the ranges are then read with pread.
func mapFile(f *os.File, size int64) (data []byte, unmap func()) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	// The file is read once from start to end, by ranges in order: read-ahead helps, pages once read may go.
	_ = unix.Madvise(data, unix.MADV_SEQUENTIAL)
	return data, func() { _ = unix.Munmap(data) }
}

// dropPages takes the pages around data[off:end] out of the process's memory once a range is parsed: the page cache
// keeps them, but the mapping no longer counts them, so the peak resident size is that of the ranges in flight and
// not that of the file. A fault maps the pages around the one read too (the kernel's fault-around, 64 KiB by
// default), and a range reads a little of each neighbour (the byte before it, the end of its last line), so the
// pages dropped reach dropMargin past both ends: a neighbour still being parsed faults them back in.
func dropPages(data []byte, off, end int64) {
	from := max(0, (off-dropMargin)/dropMargin*dropMargin)
	to := min(int64(len(data)), (end+2*dropMargin-1)/dropMargin*dropMargin)
	if from < to {
		_ = unix.Madvise(data[from:to], unix.MADV_DONTNEED)
	}
}

// dropMargin is beyond the kernel's fault-around window and a multiple of any page size.
const dropMargin = 256 << 10
