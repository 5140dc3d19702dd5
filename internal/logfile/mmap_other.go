//go:build !(linux || darwin || freebsd)

package logfile

import "os"

// mapFile does not map files where the platform has no mmap: ranges are read with pread.
func mapFile(*os.File, int64) (data []byte, unmap func()) { return nil, nil }

// dropPages has nothing to do where files are not mapped.
func dropPages([]byte, int64, int64) {}
