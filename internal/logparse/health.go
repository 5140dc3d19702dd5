package logparse

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Health statuses.
const (
	HealthHealthy  = "healthy"
	HealthDegraded = "degraded"
	HealthDown     = "down"
	HealthUnknown  = "unknown"
)

// CodeUnknown is the issue code grouping unrecognised events.
const CodeUnknown = "unknown"

// DefaultWindow is how far back from "now" an issue, a flap or a prefix-limit
// message still counts as recent, unless Accumulator.Window says otherwise.
const DefaultWindow = time.Hour

// Health is a tunnel's health as its log events tell it.
type Health struct {
	Status       string // HealthHealthy, HealthDegraded, HealthDown or HealthUnknown
	StatusReason string // one sentence naming the main cause

	// Latest tunnel-activity state; "" (nil) when no event reported it.
	IKEPhase1, IKEPhase2     string // Established, Rekeying, Negotiating, Down
	DPDEnabled, NATTDetected *bool

	BGPStatus       string // UP, DOWN, or "" when no BGP status was read
	BGPSessionState string // FSM state after the latest transition, "" if none

	LastEventAt time.Time // latest event time

	Routes       RouteCounts
	DeniedRoutes []DeniedRoute // prefixes whose latest route event was a denial, by prefix
	PrefixLimit  *PrefixLimit  // latest prefix-limit warning or violation, nil if none
	Flaps        int           // see the package documentation
	LastFlapAt   time.Time

	Issues             []Issue
	EventsRead         int
	EventsUnrecognized int // events for which Event.Unrecognized is true

	// Diagnosis names the root cause of what is wrong now: nil when the
	// status is healthy, or unknown because no event was read. StatusReason
	// is its Summary.
	Diagnosis *Diagnosis
}

// RouteCounts counts RouteStatus events by status; Denied counts those whose
// message is a catalogued denial (they also count under their status).
type RouteCounts struct {
	Advertised, Updated, Withdrawn, Denied int
}

// DeniedRoute is a prefix AWS refused.
type DeniedRoute struct {
	Prefix netip.Prefix
	Code   string // route.denied.*
	Reason string // the message as logged
	At     time.Time
}

// PrefixLimit is the prefix count of the latest prefix-limit message.
type PrefixLimit struct {
	Received, Limit int
	Exceeded        bool // bgp.prefix_limit_exceeded rather than the warning
	At              time.Time
}

// Issue groups the events of one catalogue code, or of CodeUnknown.
type Issue struct {
	Code     string
	Kind     Kind // "" for CodeUnknown
	Severity Severity
	// Message is the text of the latest event (by time; ties: last added).
	Message             string
	Count               int
	FirstSeen, LastSeen time.Time
	Explanation         string
	Remediation         string
	// Resolved is true when the issue no longer holds: a later successful
	// establishment superseded it (for a route denial: the prefix is no
	// longer denied). See the package documentation.
	Resolved bool
}

// Accumulator folds events into Health. The zero value is ready to use. It is
// not safe for concurrent use; accumulators of parts of an input can be
// folded in parallel and merged (Merge).
type Accumulator struct {
	// Window is how far back from "now" issues, flaps and prefix-limit
	// messages count as recent. Zero means DefaultWindow.
	Window time.Duration
	// Bounds, when set, keeps the accumulator's memory independent of the
	// number of events (see Bounds and Exact). Set it before the first Add.
	Bounds *Bounds

	read, unrecognized int
	lastAt             time.Time

	phase1, phase2 latest[IKEState]
	dpd, natt      latest[bool]
	bgpStatus      latest[string]
	bgpState       latest[BGPState]
	prefixLimit    latest[PrefixLimit]

	bgpSeen     bool
	bgpFlaps    int
	lastBGPFlap time.Time
	tunnel      sequence[tunnelFold, *tunnelFold] // tunnel-activity events that report an IKE state (tunnelState)
	bgp         sequence[bgpFold, *bgpFold]       // BGP status events with an UP or DOWN status (bgpStEst, bgpStUp)

	routes   RouteCounts
	byPrefix map[netip.Prefix]latest[DeniedRoute] // Code "" when not denied
	issues   map[string]*issueAcc

	// needed is how far before the latest event the last Health had to know
	// observations that were folded away (see Exact); zero if it did not.
	needed time.Duration

	configured bool
	seqCfg     seqConfig
}

// Bounds keep an accumulator's memory independent of the number of events it
// folds. The timeline (establishments, flaps, when the tunnel was last
// healthy) walks the IKE state reports and BGP status events in time order,
// and the diagnosis asks about times other than the latest only within the
// window before now, which is not before the latest event. With Bounds, the
// observations within the window (or Horizon, if longer) of the latest one
// are kept as they come, and older ones are walked, in order, into a few
// values: memory grows with the events of one window, not with the events
// read. The health is the same as without Bounds when events come in time
// order to within that span, as each CloudWatch Logs stream, export object
// and read delivers them, and when Health is asked as of a time not before
// the latest event; Exact tells when it is not, and with which Bounds folding
// the same events again gives the exact health.
type Bounds struct {
	// Horizon is how far out of time order an event may come, when more
	// than the window.
	Horizon time.Duration

	limit int // kept observations that trigger a fold; zero means foldLimit
}

// foldLimit is how many observations a bounded sequence keeps before walking
// the old ones; it doubles while more than half of them are within the span.
const foldLimit = 1024

// latest keeps the value of the latest event; on equal times the later Add
// wins.
type latest[T any] struct {
	v  T
	at instant
	ok bool
}

func (l *latest[T]) offer(v T, at instant) {
	if !l.ok || !at.before(l.at) {
		l.v, l.at, l.ok = v, at, true
	}
}

// merge offers o's value, as if o's events were added after l's.
func (l *latest[T]) merge(o latest[T]) {
	if o.ok {
		l.offer(o.v, o.at)
	}
}

// tunnelState is the state of a tunnel-activity event that reports an IKE
// state: the phases and the layer of its warning or error message (LayerNone
// if none). Its value orders events of equal time as the timeline reads them:
// reports of both phases up first, then by phase 1, phase 2 and layer.
func tunnelState(p1, p2 IKEState, trouble Layer) uint16 {
	var s uint16
	if !p1.up() || !p2.up() {
		s = 1 << 9
	}
	return s | uint16(p1)<<6 | uint16(p2)<<3 | uint16(trouble)
}

func tunnelStateOf(s uint16) (p1, p2 IKEState, trouble Layer) {
	return IKEState(s >> 6 & 7), IKEState(s >> 3 & 7), Layer(s & 7)
}

// cleanTunnel reports whether a tunnel-activity state reports both phases up
// with no IKE warning or error.
func cleanTunnel(s uint16) bool {
	p1, p2, trouble := tunnelStateOf(s)
	return p1.up() && p2.up() && trouble != LayerPhase1 && trouble != LayerPhase2
}

// The bits of a BGP status event's state: a transition into Established, and
// a report of the session up with no warning or error.
const (
	bgpStEst uint16 = 1 << iota
	bgpStUp
)

// configure settles, once, how the sequences keep their observations.
// Reset empties the accumulator for another fold with the same Window and
// Bounds, keeping the memory its observations took: a reader that folds
// many batches into accumulators it then merges away allocates nothing for
// them in the steady state. What Merge took from it stays valid.
func (a *Accumulator) Reset() {
	*a = Accumulator{Window: a.Window, Bounds: a.Bounds,
		tunnel: a.tunnel.emptied(), bgp: a.bgp.emptied()}
}

func (a *Accumulator) configure() {
	if a.configured {
		return
	}
	a.configured = true
	if b := a.Bounds; b != nil {
		a.seqCfg = seqConfig{keep: max(a.window(), b.Horizon), limit: b.limit}
		if a.seqCfg.limit <= 0 {
			a.seqCfg.limit = foldLimit
		}
	}
}

func (a *Accumulator) window() time.Duration {
	if a.Window <= 0 {
		return DefaultWindow
	}
	return a.Window
}

// needKeep records that the diagnosis needed observations at t, which were
// folded away.
func (a *Accumulator) needKeep(t time.Time) {
	a.needed = max(a.needed, maxInstant(a.tunnel.latest, a.bgp.latest).sub(instantOf(t)))
}

// issueAcc is an Issue being accumulated, with its catalogue entry (nil for
// CodeUnknown).
type issueAcc struct {
	Issue
	entry *CatalogEntry
}

var (
	entryPrefixLimitExceeded = byCode["bgp.prefix_limit_exceeded"]
	unknownIssue             = Issue{
		Code:        CodeUnknown,
		Severity:    SeverityInfo,
		Explanation: "The message is not in AWS's documented Site-to-Site VPN log message catalogue, or the event could not be read.",
		Remediation: "Nothing is implied by the message itself; if it recurs, compare it with AWS's Site-to-Site VPN log documentation and report it so it can be catalogued.",
	}
)

// Compute folds events, in any order, into Health as of now.
func Compute(events []Event, now time.Time) Health {
	var a Accumulator
	for i := range events {
		a.Add(&events[i])
	}
	return a.Health(now)
}

// Add folds in one event. Events may come in any order. Add copies what it
// keeps of the event: the event and the memory its strings share may be
// reused afterwards.
func (a *Accumulator) Add(e *Event) {
	a.configure()
	a.read++
	t, at := e.Time, instantOf(e.Time)
	if t.After(a.lastAt) {
		a.lastAt = t
	}
	trouble := LayerNone
	if e.Unrecognized() {
		a.unrecognized++
		a.addIssue(CodeUnknown, nil, e)
	} else if e.Entry != nil && e.Entry.Severity >= SeverityWarning {
		trouble = e.Entry.cause.layer
		a.addIssue(e.Entry.Code, e.Entry, e)
	}

	switch e.Type {
	case EventTunnelActivity:
		a.addTunnel(e, at, trouble)
	case EventBGPStatus:
		a.bgpSeen = true
		if e.Status == StatusUp || e.Status == StatusDown {
			a.bgpStatus.offer(e.Status, at)
			var st uint16
			if e.Fields.Has(FieldToState) && e.Fields.ToState == BGPStateEstablished && e.Fields.FromState != BGPStateEstablished {
				st |= bgpStEst
			}
			if e.Status == StatusUp && trouble == LayerNone {
				st |= bgpStUp
			}
			a.bgp.add(obs{sec: at.sec, nsec: at.nsec, st: st}, &a.seqCfg)
		}
	case EventRouteStatus:
		a.bgpSeen = true
		a.addRoute(e)
	}

	// Text events may lack a type, so BGP facts come from the message.
	f := &e.Fields
	if f.Has(FieldToState) {
		a.bgpState.offer(f.ToState, at)
	}
	if f.Has(FieldFromState) && f.FromState == BGPStateEstablished && (!f.Has(FieldToState) || f.ToState != BGPStateEstablished) {
		a.bgpFlaps++
		if t.After(a.lastBGPFlap) {
			a.lastBGPFlap = t
		}
	}
	if e.Entry != nil && f.Has(FieldPrefixCount|FieldPrefixLimit) {
		a.prefixLimit.offer(PrefixLimit{
			Received: f.PrefixCount, Limit: f.PrefixLimit, Exceeded: e.Entry == entryPrefixLimitExceeded, At: t,
		}, at)
	}
}

func (a *Accumulator) addTunnel(e *Event, t instant, trouble Layer) {
	if e.Phase1 != IKEStateUnknown {
		a.phase1.offer(e.Phase1, t)
	}
	if e.Phase2 != IKEStateUnknown {
		a.phase2.offer(e.Phase2, t)
	}
	if v, ok := e.DPDEnabled.Get(); ok {
		a.dpd.offer(v, t)
	}
	if v, ok := e.NATTDetected.Get(); ok {
		a.natt.offer(v, t)
	}
	if e.Phase1 != IKEStateUnknown || e.Phase2 != IKEStateUnknown {
		a.tunnel.add(obs{sec: t.sec, nsec: t.nsec, st: tunnelState(e.Phase1, e.Phase2, trouble)}, &a.seqCfg)
	}
}

func (a *Accumulator) addRoute(e *Event) {
	switch e.Status {
	case StatusAdvertised:
		a.routes.Advertised++
	case StatusUpdated:
		a.routes.Updated++
	case StatusWithdrawn:
		a.routes.Withdrawn++
	}
	denied := e.Entry != nil && e.Entry.Kind == KindRouteStatus
	if denied {
		a.routes.Denied++
	}
	if e.Route == nil || !e.Route.Prefix.IsValid() {
		return
	}
	d := DeniedRoute{Prefix: e.Route.Prefix, At: e.Time}
	if denied {
		d.Code, d.Reason = e.Entry.Code, e.Details
	}
	l, ok := a.byPrefix[d.Prefix]
	if ok && l.at.after(instantOf(e.Time)) {
		return // an older event: nothing to keep
	}
	d.Reason = strings.Clone(d.Reason)
	if a.byPrefix == nil {
		a.byPrefix = make(map[netip.Prefix]latest[DeniedRoute])
	}
	l.offer(d, instantOf(e.Time))
	a.byPrefix[d.Prefix] = l
}

func (a *Accumulator) addIssue(code string, entry *CatalogEntry, e *Event) {
	if a.issues == nil {
		a.issues = make(map[string]*issueAcc)
	}
	is := a.issues[code]
	if is == nil {
		is = &issueAcc{entry: entry}
		if entry == nil {
			is.Issue = unknownIssue
		} else {
			is.Issue = Issue{Code: code, Kind: entry.Kind, Severity: entry.Severity, Explanation: entry.Explanation, Remediation: entry.Remediation}
		}
		is.FirstSeen, is.LastSeen = e.Time, e.Time
		a.issues[code] = is
	}
	is.Count++
	if e.Time.Before(is.FirstSeen) {
		is.FirstSeen = e.Time
	}
	if !e.Time.Before(is.LastSeen) {
		is.LastSeen = e.Time
		if is.Message != e.Details || is.Count == 1 {
			is.Message = strings.Clone(e.Details)
		}
	}
}

// Merge folds in the events added to b, as if they had been added to a after
// a's own: on equal times, b's latest state, route and issue message win.
// Merging the accumulators of consecutive parts of an input, in order, gives
// the accumulator of the whole input, wherever the parts were cut (with
// Bounds, see Exact). b must not be used afterwards.
func (a *Accumulator) Merge(b *Accumulator) {
	a.configure()
	b.configure()
	a.read += b.read
	a.unrecognized += b.unrecognized
	a.lastAt = maxTime(a.lastAt, b.lastAt)
	a.phase1.merge(b.phase1)
	a.phase2.merge(b.phase2)
	a.dpd.merge(b.dpd)
	a.natt.merge(b.natt)
	a.bgpStatus.merge(b.bgpStatus)
	a.bgpState.merge(b.bgpState)
	a.prefixLimit.merge(b.prefixLimit)
	a.bgpSeen = a.bgpSeen || b.bgpSeen
	a.bgpFlaps += b.bgpFlaps
	a.lastBGPFlap = maxTime(a.lastBGPFlap, b.lastBGPFlap)
	a.tunnel.merge(&b.tunnel, &a.seqCfg)
	a.bgp.merge(&b.bgp, &a.seqCfg)
	a.routes.Advertised += b.routes.Advertised
	a.routes.Updated += b.routes.Updated
	a.routes.Withdrawn += b.routes.Withdrawn
	a.routes.Denied += b.routes.Denied
	for p, l := range b.byPrefix {
		if a.byPrefix == nil {
			a.byPrefix = make(map[netip.Prefix]latest[DeniedRoute], len(b.byPrefix))
		}
		al := a.byPrefix[p]
		al.merge(l)
		a.byPrefix[p] = al
	}
	for code, bi := range b.issues {
		if a.issues == nil {
			a.issues = make(map[string]*issueAcc, len(b.issues))
		}
		ai := a.issues[code]
		if ai == nil {
			a.issues[code] = bi
			continue
		}
		ai.Count += bi.Count
		ai.FirstSeen = minTime(ai.FirstSeen, bi.FirstSeen)
		if !bi.LastSeen.Before(ai.LastSeen) {
			ai.LastSeen, ai.Message = bi.LastSeen, bi.Message
		}
	}
}

// Exact reports whether the last Health is the one an accumulator without
// Bounds computes from the same events, added one by one. It can only differ
// with Bounds (its own or those of an accumulator merged into it): when an
// event came more than the keep span out of time order, or when Health was
// asked as of a time before the latest event. retry is then the Bounds with
// which folding the same events again, in the same order, gives that health.
func (a *Accumulator) Exact() (exact bool, retry Bounds) {
	exact = a.needed == 0 && a.tunnel.late == 0 && a.bgp.late == 0
	if a.Bounds != nil {
		retry = *a.Bounds
	}
	if need := max(a.needed, a.tunnel.lateness, a.bgp.lateness); need > a.seqCfg.keep {
		retry.Horizon = need
	}
	return exact, retry
}

// Health returns the health as of now; now only decides what is recent.
func (a *Accumulator) Health(now time.Time) Health {
	a.needed = 0
	h := Health{
		EventsRead:         a.read,
		EventsUnrecognized: a.unrecognized,
		LastEventAt:        a.lastAt,
		Routes:             a.routes,
	}
	if a.phase1.ok {
		h.IKEPhase1 = a.phase1.v.String()
	}
	if a.phase2.ok {
		h.IKEPhase2 = a.phase2.v.String()
	}
	if a.dpd.ok {
		v := a.dpd.v
		h.DPDEnabled = &v
	}
	if a.natt.ok {
		v := a.natt.v
		h.NATTDetected = &v
	}
	h.BGPStatus = a.bgpStatus.v
	if a.bgpState.ok {
		h.BGPSessionState = a.bgpState.v.String()
	}
	if a.prefixLimit.ok {
		pl := a.prefixLimit.v
		h.PrefixLimit = &pl
	}
	denied := map[string]bool{}
	for _, l := range a.byPrefix {
		if l.v.Code != "" {
			h.DeniedRoutes = append(h.DeniedRoutes, l.v)
			denied[l.v.Code] = true
		}
	}
	slices.SortFunc(h.DeniedRoutes, func(x, y DeniedRoute) int {
		return cmp.Or(x.Prefix.Addr().Compare(y.Prefix.Addr()), cmp.Compare(x.Prefix.Bits(), y.Prefix.Bits()))
	})
	tl := a.timeline()
	if a.bgpSeen {
		h.Flaps, h.LastFlapAt = a.bgpFlaps, a.lastBGPFlap
	} else {
		h.Flaps, h.LastFlapAt = tl.tunnelFlaps, tl.lastTunnelFlap
	}
	for _, is := range a.issues {
		is.Resolved = tl.resolved(is, denied)
		h.Issues = append(h.Issues, is.Issue)
	}
	slices.SortFunc(h.Issues, func(x, y Issue) int {
		return cmp.Or(boolCmp(x.Resolved, y.Resolved), cmp.Compare(y.Severity, x.Severity), y.LastSeen.Compare(x.LastSeen), strings.Compare(x.Code, y.Code))
	})
	d := diagnoser{a: a, h: &h, tl: tl, now: now, window: a.window()}
	h.Status, h.Diagnosis, h.StatusReason = d.status()
	if h.Diagnosis != nil {
		h.StatusReason = h.Diagnosis.Summary
	}
	return h
}

// boolCmp orders false before true.
func boolCmp(x, y bool) int {
	switch {
	case x == y:
		return 0
	case !x:
		return -1
	}
	return 1
}

func describe(message, code string, count int) string {
	return fmt.Sprintf("%s (%s, %s)", message, code, times(count))
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// upSummary describes the known up state, e.g. "IKE phase 1 is Established,
// IKE phase 2 is Rekeying and the BGP session is UP".
func upSummary(h *Health) string {
	var parts []string
	if h.IKEPhase1 != "" {
		parts = append(parts, "IKE phase 1 is "+h.IKEPhase1)
	}
	if h.IKEPhase2 != "" {
		parts = append(parts, "IKE phase 2 is "+h.IKEPhase2)
	}
	switch {
	case h.BGPStatus != "":
		parts = append(parts, "the BGP session is "+h.BGPStatus)
	case h.BGPSessionState != "":
		parts = append(parts, "the BGP session is "+h.BGPSessionState)
	}
	switch len(parts) {
	case 0:
		return "The tunnel is up"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
