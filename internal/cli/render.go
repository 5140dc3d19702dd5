package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// The output contract every command shares: --output text|json, results on standard output, diagnostics and progress
// on standard error, JSON documents with a schema_version (described in docs/cli/), colour and live lines only on a
// terminal and never with NO_COLOR.

// Output formats.
const (
	outputText = "text"
	outputJSON = "json"
)

// outputFlag is the --output flag of a command.
type outputFlag struct{ format string }

// add declares --output with its default.
func (o *outputFlag) add(fl *pflag.FlagSet, def, help string) {
	fl.StringVar(&o.format, "output", def, help)
}

// check refuses a format other than text and json.
func (o *outputFlag) check() error {
	if o.format != outputText && o.format != outputJSON {
		return fmt.Errorf("--output: %q is not text or json", o.format)
	}
	return nil
}

func (o *outputFlag) json() bool { return o.format == outputJSON }

// writeJSON writes v indented.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// style is how a writer is decorated: live lines (cursor movement) on a terminal, colour there unless NO_COLOR is set
// (https://no-color.org), and nothing at all otherwise.
type style struct {
	live, color bool
}

// styleFor decides the style of w: a terminal unless settings say otherwise, and TERM=dumb is not one.
func styleFor(w io.Writer, s settings) style {
	live := false
	if s.terminal != nil {
		live = *s.terminal
	} else if f, ok := w.(*os.File); ok {
		live = term.IsTerminal(int(f.Fd())) && s.getenv("TERM") != "dumb" //nolint:gosec // a file descriptor fits an int
	}
	return style{live: live, color: live && s.getenv("NO_COLOR") == ""}
}

// ANSI sequences of the styles.
const (
	ansiBold  = "\033[1m"
	ansiRed   = "\033[31m"
	ansiGreen = "\033[32m"
	ansiReset = "\033[0m"
)

// paint wraps s in an ANSI sequence when the style has colour.
func (st style) paint(code, s string) string {
	if !st.color {
		return s
	}
	return code + s + ansiReset
}

// indentLines indents every line but the first; empty lines stay empty.
func indentLines(s, indent string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// count is "1 tunnel", "3 tunnels".
func count(n int, one, many string) string { return fmt.Sprintf("%d %s", n, plural(n, one, many)) }

// wrapWords breaks s into lines of at most width characters (longer words stay whole), joined by sep.
func wrapWords(s string, width int, sep string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, sep)
}

// nonNilSlice is s, or an empty slice for nil: JSON output writes [] rather than null.
func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// connectionName is the Name tag, for messages and generated names.
func connectionName(c *vpn.Connection) string { return c.Tags["Name"] }

// connectionLabel is "vpn-0abc (branch-paris)" or "vpn-0abc".
func connectionLabel(c *vpn.Connection) string {
	if n := connectionName(c); n != "" {
		return fmt.Sprintf("%s (%s)", c.ID, n)
	}
	return c.ID
}
