package repo

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxGoFileLines is the most lines a Go file may have: past it, split the file by concern.
const maxGoFileLines = 700

// longFileExceptions are Go files allowed past maxGoFileLines for now, each at most at the length it had when it was
// listed (it may shrink, not grow), with the reason. Remove an entry once its file is split.
var longFileExceptions = map[string]struct {
	lines  int
	reason string
}{}

// repoRoot is the directory of go.mod, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}

// goFileLines counts the lines of every Go file of the repository (hidden directories aside), by path from the root
// with forward slashes.
func goFileLines(t *testing.T, root string) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n := bytes.Count(b, []byte("\n"))
		if len(b) > 0 && b[len(b)-1] != '\n' {
			n++
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGoFilesAreShort(t *testing.T) {
	t.Parallel()
	files := goFileLines(t, repoRoot(t))
	if len(files) < 100 {
		t.Fatalf("found only %d Go files: is the walk rooted at the repository?", len(files))
	}
	for path, n := range files {
		ex, listed := longFileExceptions[path]
		switch {
		case listed && n > ex.lines:
			t.Errorf("%s has %d lines, more than the %d it was allowed while %s: split it by concern, do not grow it", path, n, ex.lines, ex.reason)
		case listed && n <= maxGoFileLines:
			t.Logf("%s has %d lines now: remove it from longFileExceptions", path, n)
		case !listed && n > maxGoFileLines:
			t.Errorf("%s has %d lines, more than %d: split it by concern (one file per concern a reader can hold in their head)", path, n, maxGoFileLines)
		}
	}
	for path := range longFileExceptions {
		if _, ok := files[path]; !ok {
			t.Logf("%s is listed in longFileExceptions but does not exist: remove the entry", path)
		}
	}
}
