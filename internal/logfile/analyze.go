// Package logfile reads Site-to-Site VPN logs saved to files and folds them into each tunnel's health, as the live
// read (internal/health) does from CloudWatch Logs: the same parser, the same accumulator, the same diagnosis.
//
// # Inputs
//
// A path is a file, a directory (the files under it, in path order, hidden ones and an export's write test left
// out) or "-" for the standard input. Each file may be gzip-compressed (concatenated members included); its form
// is told from its first bytes:
//
//   - event lines (FormLines): one event per line, JSON or text, as the log holds it; blank lines are skipped;
//   - an S3 export (FormExport): "<ISO 8601 time> <event>" per line, the time the event's CloudWatch timestamp;
//   - aws logs JSON (FormAWSCLI): what `aws logs filter-log-events` and `aws logs get-log-events` print, pages
//     one after the other included.
//
// A line or message that is not a log event is an event all the same, unrecognised, as in the live read. An input
// that breaks (a truncated gzip stream, malformed aws logs JSON) is reported with the byte where it broke, and
// what came before counts.
//
// # Tunnels
//
// An event belongs to the tunnel its stream names (aws logs JSON from filter-log-events, an export object's
// directory), else to the one it names itself (a BGP record's resource_id, a text line's VPN ID and address),
// else to none. Options.Tunnel restricts the read to one tunnel and gathers under it the events that name none.
//
// # Speed and memory
//
// One goroutine reads and cuts the inputs into batches of whole lines or events; workers (one per CPU) parse them,
// each batch into accumulators of its own; the batches' accumulators are merged in input order
// (logparse.Accumulator.Merge), so the result is the same however the input is cut. A regular file of event lines
// or an uncompressed export is not read by that goroutine: it is cut into ranges that the workers parse where the
// page cache holds them (mapped into memory, ranges.go), giving each range's pages back once parsed, so no byte is
// copied and the resident size is that of the ranges in flight. The batches' accumulators are recycled once merged. The accumulators of the whole
// read are bounded (logparse.Bounds): memory depends on the events of one recency window, not on the size of the
// input. When events came so far out of time order that the bounded fold is not exact, the inputs are read again
// with the bounds the fold asks for; the standard input cannot be, and its result is then marked approximate.
package logfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

// Options say what to read and how.
type Options struct {
	// Since and Until keep only the events of that time range, both included (zero: no bound). Events without a
	// time are kept.
	Since, Until time.Time
	// Now is the time the health is as of; zero means Until, else the latest event read. Events after it are left
	// out (Until defaults to it), as a read at that time would not have seen them.
	Now time.Time
	// Window is how far back from now issues, flaps and prefix-limit messages are recent (logparse.Accumulator).
	Window time.Duration
	// Tunnel, when not zero, keeps only the events of this tunnel (those naming a tunnel it can be): with an
	// outside IP address, one tunnel, which the events that name none are gathered under; with a VPN connection ID
	// only, that connection's tunnels, each apart.
	Tunnel Tunnel
	// Stdin is read for the path "-"; nil means none.
	Stdin io.Reader
	// Workers is how many batches are parsed at once; zero means one per CPU.
	Workers int

	batchBytes int  // the size of a batch; zero means defaultBatchBytes
	noMap      bool // read regular files with pread even where they could be mapped (tests of both paths)
}

// ranged reports whether Since or Until bound the events.
func (o *Options) ranged() bool { return !o.Since.IsZero() || !o.Until.IsZero() }

// defaultBatchBytes is the size of a batch: large enough that the work of a batch dwarfs handing it over, small
// enough that the batches in flight hold a few megabytes.
const defaultBatchBytes = 512 << 10

// rangeBatches is the size of a range of a file that workers read themselves (ranges.go), in batches: a worker holds
// one range at a time, and merging a range's partial costs less than parsing it.
const rangeBatches = 4

// Result is the health of each tunnel the inputs hold.
type Result struct {
	// Now is the time the health is as of.
	Now     time.Time
	Tunnels []TunnelHealth
	Inputs  []InputRead
	Counts  Counts
	// Passes is 2 when the inputs were read again for an exact timeline.
	Passes int
	// Approximate is true when events came too far out of time order for the bounded fold and the input could not
	// be read again (the standard input): the timeline of some tunnel may then be approximate.
	Approximate bool
}

// TunnelHealth is one tunnel's health.
type TunnelHealth struct {
	Tunnel Tunnel
	// Streams are the CloudWatch Logs streams its events came from, when the input names them, sorted.
	Streams []string
	logparse.Health
}

// Err returns the inputs' read errors, joined.
func (r *Result) Err() error {
	var errs []error
	for _, in := range r.Inputs {
		if in.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", in.Path, in.Err))
		}
	}
	return errors.Join(errs...)
}

// Analyze reads the inputs and computes the health of each tunnel they hold. It returns an error only when no
// input can be opened or the context ends; errors while reading an input are in Result.Inputs.
func Analyze(ctx context.Context, paths []string, opts Options) (*Result, error) {
	inputs, err := expand(paths, opts.Stdin != nil)
	if err != nil {
		return nil, err
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.batchBytes <= 0 {
		opts.batchBytes = defaultBatchBytes
	}
	if opts.Until.IsZero() {
		opts.Until = opts.Now
	}
	bounds := logparse.Bounds{}
	res := &Result{Passes: 1}
	rd, err := read(ctx, inputs, &opts, bounds)
	if err != nil {
		return nil, err
	}
	res.Inputs, res.Counts = rd.inputs, rd.counts
	res.Now = opts.Now
	switch {
	case !res.Now.IsZero():
	case !opts.Until.IsZero():
		res.Now = opts.Until
	default:
		res.Now = rd.latest
	}
	exact, retry := rd.health(res.Now)
	if !exact {
		if slices.ContainsFunc(inputs, func(in input) bool { return in.path == Stdin }) {
			res.Approximate = true
		} else {
			res.Passes = 2
			if rd, err = read(ctx, inputs, &opts, retry); err != nil {
				return nil, err
			}
			if exact, _ = rd.health(res.Now); !exact {
				res.Approximate = true
			}
		}
	}
	res.Tunnels = rd.tunnels()
	return res, nil
}

// reading is one read of the inputs: the merged accumulators.
type reading struct {
	totals  map[Tunnel]*part
	healths map[Tunnel]logparse.Health
	inputs  []InputRead
	counts  Counts
	latest  time.Time
	// lines count each input's lines, from the partials; errs are the errors of its ranges (the first, after which
	// its later ranges are left out).
	lines []int64
	errs  []error
	// parts are the batches' parts, given back to the workers once merged.
	parts parts
}

// read reads the inputs once: a producer, workers, and the merge of their partials in input order.
func read(ctx context.Context, inputs []input, opts *Options, bounds logparse.Bounds) (*reading, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pool := newBuffers(bufferCount * (opts.Workers + 1))
	work := make(chan *batch, opts.Workers)
	done := make(chan *partial, opts.Workers)
	p := &producer{inputs: inputs, stdin: opts.Stdin, batchBytes: opts.batchBytes, rangeBytes: rangeBatches * opts.batchBytes, noMap: opts.noMap,
		out: work, pool: pool}
	rd := &reading{totals: map[Tunnel]*part{}, lines: make([]int64, len(inputs)), errs: make([]error, len(inputs))}
	var producing sync.WaitGroup
	producing.Go(func() { p.run(ctx) })
	var working sync.WaitGroup
	for range opts.Workers {
		working.Go(func() {
			w := &worker{opts: opts, pool: pool, parts: &rd.parts, streams: map[string]Tunnel{}}
			for b := range work {
				select {
				case done <- w.do(b):
				case <-ctx.Done():
				}
			}
		})
	}
	go func() { working.Wait(); close(done) }()

	waiting := map[int]*partial{}
	next := 0
	for pt := range done {
		waiting[pt.seq] = pt
		for pt := waiting[next]; pt != nil; pt = waiting[next] {
			delete(waiting, next)
			next++
			rd.merge(pt, opts, bounds)
		}
	}
	producing.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rd.inputs = p.reads
	for i := range rd.inputs {
		rd.inputs[i].Lines += rd.lines[i]
		if rd.inputs[i].Err == nil {
			rd.inputs[i].Err = rd.errs[i]
		}
	}
	return rd, nil
}

// merge folds a batch's partial into the totals.
func (rd *reading) merge(pt *partial, opts *Options, bounds logparse.Bounds) {
	switch {
	case rd.errs[pt.src] != nil:
		return
	case pt.err != nil:
		rd.errs[pt.src] = pt.err
		return
	}
	rd.lines[pt.src] += pt.lines
	rd.counts.add(pt.counts)
	if pt.latest.After(rd.latest) {
		rd.latest = pt.latest
	}
	for t, tp := range pt.tunnels {
		total := rd.totals[t]
		if total == nil {
			b := bounds
			total = &part{acc: logparse.Accumulator{Window: opts.Window, Bounds: &b}}
			rd.totals[t] = total
		}
		total.acc.Merge(&tp.acc)
		for s := range tp.streams {
			if total.streams == nil {
				total.streams = map[string]bool{}
			}
			total.streams[s] = true
		}
		for n := range tp.named {
			if total.named == nil {
				total.named = map[Tunnel]bool{}
			}
			total.named[n] = true
		}
		rd.parts.put(tp)
	}
}

// health computes each tunnel's health as of now, and reports whether all are exact and with which bounds
// another read would make them so.
func (rd *reading) health(now time.Time) (exact bool, retry logparse.Bounds) {
	exact = true
	rd.healths = map[Tunnel]logparse.Health{}
	for t, total := range rd.totals {
		rd.healths[t] = total.acc.Health(now)
		ok, r := total.acc.Exact()
		exact = exact && ok
		retry.Horizon = max(retry.Horizon, r.Horizon)
	}
	return exact, retry
}

// tunnels returns the tunnels' health, sorted by tunnel. A tunnel gathered under Options.Tunnel takes the parts
// of its name the events agree on.
func (rd *reading) tunnels() []TunnelHealth {
	out := make([]TunnelHealth, 0, len(rd.totals))
	for t, total := range rd.totals {
		th := TunnelHealth{Tunnel: t, Health: rd.healths[t]}
		vpns, ips := map[string]bool{}, map[netip.Addr]bool{}
		for n := range total.named {
			if n.VPNConnectionID != "" {
				vpns[n.VPNConnectionID] = true
			}
			if n.OutsideIP.IsValid() {
				ips[n.OutsideIP] = true
			}
		}
		if len(vpns) == 1 && th.Tunnel.VPNConnectionID == "" {
			for v := range vpns {
				th.Tunnel.VPNConnectionID = v
			}
		}
		if len(ips) == 1 && !th.Tunnel.OutsideIP.IsValid() {
			for a := range ips {
				th.Tunnel.OutsideIP = a
			}
		}
		for s := range total.streams {
			th.Streams = append(th.Streams, s)
		}
		sort.Strings(th.Streams)
		out = append(out, th)
	}
	slices.SortFunc(out, func(x, y TunnelHealth) int { return compareTunnels(x.Tunnel, y.Tunnel) })
	return out
}
