package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress reports a fleet change while it runs, on standard error. On a terminal it keeps one live line per
// connection in flight (the tunnel being changed and for how long, redrawn every second: the heartbeat while AWS
// modifies), with finished tunnels printed above them. Elsewhere (a pipe, a CI log) it prints plain lines: one when a
// tunnel starts and one when it ends, and every heartbeat one line naming the tunnels still waiting.
type progress struct {
	w         io.Writer
	st        style
	width     int // of the terminal, for live lines
	heartbeat time.Duration

	mu       sync.Mutex
	inflight []*inFlight
	drawn    int // live lines on screen
	frame    int
	stop     chan struct{}
	stopped  chan struct{}
}

// inFlight is a tunnel being changed.
type inFlight struct {
	label    string // the connection, "vpn-0abc (paris)"
	ip       string
	n, total int // the tunnel's rank among the connection's changes
	since    time.Time
}

func (f *inFlight) String() string {
	return fmt.Sprintf("%s %s [%d/%d]", f.label, f.ip, f.n, f.total)
}

// newProgress starts reporting on w.
func newProgress(w io.Writer, st style, heartbeat time.Duration) *progress {
	p := &progress{w: w, st: st, width: 100, heartbeat: heartbeat, stop: make(chan struct{}), stopped: make(chan struct{})}
	if f, ok := w.(*os.File); ok && st.live {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 20 { //nolint:gosec // a file descriptor fits an int
			p.width = width
		}
	}
	tick := heartbeat
	if st.live {
		tick = min(time.Second, heartbeat)
	}
	go p.run(max(tick, time.Millisecond))
	return p
}

func (p *progress) run(tick time.Duration) {
	defer close(p.stopped)
	t := time.NewTicker(tick)
	defer t.Stop()
	lastBeat := time.Now()
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			p.mu.Lock()
			if p.st.live {
				p.frame++
				p.redrawLocked()
			} else if now.Sub(lastBeat) >= p.heartbeat && len(p.inflight) > 0 {
				lastBeat = now
				var waiting []string
				for _, f := range p.inflight {
					waiting = append(waiting, fmt.Sprintf("%s %s (%s)", f.label, f.ip, elapsed(f.since)))
				}
				fmt.Fprintf(p.w, "still waiting for AWS: %s\n", strings.Join(waiting, ", "))
			}
			p.mu.Unlock()
		}
	}
}

// printf prints a permanent line (above the live lines on a terminal).
func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	fmt.Fprintf(p.w, format+"\n", args...)
	p.drawLocked()
}

// started reports a tunnel whose change was sent.
func (p *progress) started(f *inFlight) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight = append(p.inflight, f)
	if p.st.live {
		p.redrawLocked()
		return
	}
	fmt.Fprintf(p.w, "%s: changing the log options; AWS interrupts the tunnel while it applies them\n", f)
}

// finished reports the end of a tunnel's change: ok, or what went wrong.
func (p *progress) finished(f *inFlight, ok bool, outcome string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight = slices.DeleteFunc(p.inflight, func(x *inFlight) bool { return x == f })
	p.clearLocked()
	mark := f.String() + ": "
	if ok {
		mark = p.st.paint(ansiGreen, mark)
	} else {
		mark = p.st.paint(ansiRed, mark)
	}
	fmt.Fprintf(p.w, "%s%s\n", mark, outcome)
	p.drawLocked()
}

// close stops the heartbeat and removes the live lines.
func (p *progress) close() {
	close(p.stop)
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
}

// spinner frames of the live lines.
var spinner = []string{"|", "/", "-", "\\"}

func (p *progress) redrawLocked() {
	p.clearLocked()
	p.drawLocked()
}

// clearLocked moves the cursor up over the live lines and clears the screen from there.
func (p *progress) clearLocked() {
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\033[%dA\r\033[J", p.drawn)
		p.drawn = 0
	}
}

// drawLocked writes one live line per tunnel in flight, cut to the terminal's width.
func (p *progress) drawLocked() {
	if !p.st.live {
		return
	}
	for _, f := range p.inflight {
		line := fmt.Sprintf("%s %s: AWS is applying the change, %s", spinner[p.frame%len(spinner)], f, elapsed(f.since))
		if len(line) > p.width-1 {
			line = line[:p.width-1]
		}
		fmt.Fprintln(p.w, line)
	}
	p.drawn = len(p.inflight)
}

// elapsed is a duration since t, rounded for people.
func elapsed(t time.Time) time.Duration {
	d := time.Since(t)
	if d < time.Minute {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
