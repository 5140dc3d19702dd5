package cli

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logfile"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// health --file: the same report as the live read, through the same rendering (health_report.go), from logs saved to
// files (internal/logfile).

// queryModeFile is the query mode of a report read from files.
const queryModeFile = "file"

// fileFlags are the flags of health --file.
type fileFlags struct {
	paths             []string
	since, until, now string
}

func (f *fileFlags) register(fl *pflag.FlagSet) {
	fl.StringArrayVar(&f.paths, "file", nil, "read saved logs from `PATH` instead of CloudWatch Logs: event lines (JSON or text), "+
		"the JSON of aws logs filter-log-events or get-log-events, S3 export objects (gzip) or a directory of them; \"-\" is "+
		"the standard input. Repeat it, or list more paths after it")
	fl.StringVar(&f.since, "since", "", "with --file: only the events at or after this time (RFC 3339)")
	fl.StringVar(&f.until, "until", "", "with --file: only the events at or before this time (RFC 3339)")
	fl.StringVar(&f.now, "now", "", "with --file: the time the health is as of, for a reproducible report; events after it "+
		"are left out (RFC 3339; default: --until, else the latest event read)")
}

// liveOnly rejects the flags that only --file reads.
func (f *fileFlags) liveOnly() error {
	if f.since != "" || f.until != "" || f.now != "" {
		return errors.New("--since, --until and --now apply to the logs read with --file; the read from CloudWatch Logs " +
			"covers the --lookback before now")
	}
	return nil
}

// fileInputReport is what health --file read, in the JSON output (docs/cli/health.schema.json, input).
type fileInputReport struct {
	Now          string           `json:"now"`
	Files        []fileReadReport `json:"files"`
	Events       int64            `json:"events"`
	BlankLines   int64            `json:"blank_lines"`
	OutOfRange   int64            `json:"out_of_range"`
	OtherTunnels int64            `json:"other_tunnels"`
	Passes       int              `json:"passes"`
	Approximate  bool             `json:"approximate"`
}

type fileReadReport struct {
	Path  string `json:"path"`
	Form  string `json:"form"`
	Gzip  bool   `json:"gzip"`
	Bytes int64  `json:"bytes"`
	Lines int64  `json:"lines"`
	Error string `json:"error,omitempty"`
}

// runHealthFile is health --file.
func runHealthFile(cmd *cobra.Command, f *healthFlags, args []string) error {
	ff := &f.file
	if len(ff.paths) == 0 {
		return fmt.Errorf("unexpected argument %q: the files to read follow --file", args[0])
	}
	if cmd.Flags().Changed("query-mode") {
		return errors.New("--query-mode chooses how CloudWatch Logs is read; it does not apply to --file")
	}
	if err := f.output.check(); err != nil {
		return err
	}
	opts := logfile.Options{Window: logparse.DefaultWindow, Stdin: cmd.InOrStdin()}
	var err error
	if opts.Tunnel, err = fileTunnel(&f.sel); err != nil {
		return err
	}
	for _, t := range []struct {
		flag, value string
		to          *time.Time
	}{{"since", ff.since, &opts.Since}, {"until", ff.until, &opts.Until}, {"now", ff.now, &opts.Now}} {
		if t.value == "" {
			continue
		}
		if *t.to, err = time.Parse(time.RFC3339Nano, t.value); err != nil {
			return fmt.Errorf("--%s: %q is not an RFC 3339 time such as 2025-11-08T05:40:00Z", t.flag, t.value)
		}
	}
	if cmd.Flags().Changed("lookback") {
		lookback, err := health.ParseLookback(f.lookback)
		if err != nil {
			return fmt.Errorf("--lookback: %w", err)
		}
		ref := opts.Now
		if ref.IsZero() {
			ref = opts.Until
		}
		if ref.IsZero() {
			return errors.New("--lookback counts back from now: with --file, give --now (or --until), or bound the events with --since")
		}
		if since := ref.Add(-lookback); since.After(opts.Since) {
			opts.Since = since
		}
		opts.Window = health.RecencyWindow(lookback)
	}
	if !opts.Since.IsZero() && !opts.Until.IsZero() && opts.Until.Before(opts.Since) {
		return errors.New("--until is before --since: no event can be in between")
	}

	res, err := logfile.Analyze(cmd.Context(), append(slices.Clone(ff.paths), args...), opts)
	if err != nil {
		return err
	}
	tunnels := make([]health.TunnelHealth, len(res.Tunnels))
	reports := make([]tunnelReport, len(res.Tunnels))
	for i, t := range res.Tunnels {
		tunnels[i] = health.TunnelHealth{
			VPNConnectionID: t.Tunnel.VPNConnectionID, Tunnel: vpn.Tunnel{OutsideIP: t.Tunnel.IP()},
			Result: &health.Result{Health: t.Health, Mode: queryModeFile}, Health: t.Health,
		}
		reports[i] = reportFor(tunnels[i])
		reports[i].Streams = nonNilSlice(t.Streams)
	}
	sum := health.Summarize(tunnels)
	summary := summaryReport{Healthy: sum.Healthy, Degraded: sum.Degraded, Down: sum.Down, Unknown: sum.Unknown}
	in := fileInput(res)
	out := cmd.OutOrStdout()
	if f.output.json() {
		err = writeJSON(out, healthReport{SchemaVersion: healthSchemaVersion, Tunnels: reports, Summary: summary,
			Reads: readsReport{Calls: map[string]int{}, LogGroups: []groupReadReport{}}, Input: &in})
	} else {
		err = printHealthFile(out, reports, summary, in)
	}
	if err != nil {
		return err
	}
	if res.Approximate {
		fmt.Fprintln(cmd.ErrOrStderr(), "Warning: events came far out of time order and the standard input cannot be read again: "+
			"the timeline (establishments, flaps, recovery) may be approximate. Save the input to a file and read that for an exact report.")
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("the input could not be read to its end (the report covers what came before):\n%w", err)
	}
	if len(reports) == 0 {
		return undecided("no Site-to-Site VPN log event in the input")
	}
	return healthExit(reports)
}

// fileTunnel reads the selection flags as health --file uses them: --vpn-connection-id and --tunnel name the tunnel
// (or the connection) whose events are read, and the events that name no tunnel are given to it.
func fileTunnel(s *connectionSelection) (logfile.Tunnel, error) {
	var t logfile.Tunnel
	ids, ips := s.uniqueIDs(), slices.Compact(slices.Sorted(slices.Values(s.tunnels)))
	switch {
	case len(s.tags) > 0:
		return t, errors.New("--tag selects connections by their tags in AWS, which saved logs do not hold: with --file, " +
			"name the connection with --vpn-connection-id")
	case s.all && (len(ids) > 0 || len(ips) > 0):
		return t, errors.New("--all reads every tunnel the files hold (the default with --file): leave out --vpn-connection-id and --tunnel")
	case len(ids) > 1 || len(ips) > 1:
		return t, errors.New("with --file, --vpn-connection-id and --tunnel name one connection or tunnel, which the events " +
			"that name none are given to: give each at most once (every tunnel the files hold is read without them)")
	}
	if len(ids) == 1 {
		if err := vpn.CheckConnectionID(ids[0]); err != nil {
			return t, fmt.Errorf("--vpn-connection-id %w", err)
		}
		t.VPNConnectionID = ids[0]
	}
	if len(ips) == 1 {
		if err := vpn.CheckOutsideIP(ips[0]); err != nil {
			return t, fmt.Errorf("--tunnel: %w", err)
		}
		t.OutsideIP = netip.MustParseAddr(ips[0]) // checked above
	}
	return t, nil
}

func fileInput(res *logfile.Result) fileInputReport {
	in := fileInputReport{Files: []fileReadReport{}, Events: res.Counts.Events, BlankLines: res.Counts.Blank,
		OutOfRange: res.Counts.OutOfRange, OtherTunnels: res.Counts.OtherTunnels, Passes: res.Passes, Approximate: res.Approximate}
	if !res.Now.IsZero() {
		in.Now = health.FormatTime(res.Now)
	}
	for _, r := range res.Inputs {
		fr := fileReadReport{Path: r.Path, Form: r.Form.String(), Gzip: r.Gzip, Bytes: r.Bytes, Lines: r.Lines}
		if r.Err != nil {
			fr.Error = r.Err.Error()
		}
		in.Files = append(in.Files, fr)
	}
	return in
}

// printHealthFile is printHealth, then what was read.
func printHealthFile(w io.Writer, reports []tunnelReport, sum summaryReport, in fileInputReport) error {
	if len(reports) > 0 {
		if err := printHealth(w, reports, sum, health.Stats{}); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "input: %s from %s", count(int(in.Events), "event", "events"), count(len(in.Files), "file", "files"))
	if in.Now != "" {
		fmt.Fprintf(&b, ", health as of %s", in.Now)
	}
	for _, c := range []struct {
		n    int64
		what string
	}{{in.OutOfRange, "outside --since/--until"}, {in.OtherTunnels, "of other tunnels"}, {in.BlankLines, "blank line(s) skipped"}} {
		if c.n > 0 {
			fmt.Fprintf(&b, "; %d %s", c.n, c.what)
		}
	}
	b.WriteByte('\n')
	for _, f := range in.Files {
		form := f.Form
		if f.Gzip {
			form += ", gzip"
		}
		fmt.Fprintf(&b, "  %s (%s): %s\n", f.Path, form, count(int(f.Lines), "line", "lines"))
		if f.Error != "" {
			fmt.Fprintf(&b, "    error: %s\n", f.Error)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fileSource says where a tunnel's events came from, for the text output.
func fileSource(r tunnelReport) string {
	if len(r.Streams) == 0 {
		return "files (no stream names)"
	}
	return plural(len(r.Streams), "stream ", "streams ") + strings.Join(r.Streams, ", ")
}

// orUnnamed is s, or what stands for it when the input did not name it.
func orUnnamed(s, what string) string {
	if s == "" {
		return "(" + what + " not named)"
	}
	return s
}
