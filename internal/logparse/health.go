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
// not safe for concurrent use.
type Accumulator struct {
	// Window is how far back from "now" issues, flaps and prefix-limit
	// messages count as recent. Zero means DefaultWindow.
	Window time.Duration

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
	tunnel      []tunnelObs // tunnel-activity events with an IKE state, in Add order
	bgp         []bgpObs    // BGP status events that say the session is up or established, in Add order

	routes   RouteCounts
	byPrefix map[netip.Prefix]latest[DeniedRoute] // Code "" when not denied
	issues   map[string]*issueAcc
}

// latest keeps the value of the latest event; on equal times the later Add
// wins.
type latest[T any] struct {
	v  T
	at time.Time
	ok bool
}

func (l *latest[T]) offer(v T, at time.Time) {
	if !l.ok || !at.Before(l.at) {
		*l = latest[T]{v: v, at: at, ok: true}
	}
}

// tunnelObs is a tunnel-activity event that reports an IKE state. trouble is
// the layer of its warning or error message, LayerNone if it has none.
type tunnelObs struct {
	at      time.Time
	p1, p2  IKEState
	trouble Layer
}

// bgpObs is a BGP status event that is a transition into Established (est)
// or reports the session up without a warning or an error (up).
type bgpObs struct {
	at      time.Time
	est, up bool
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
		a.Add(events[i])
	}
	return a.Health(now)
}

// Add folds in one event. Events may come in any order.
func (a *Accumulator) Add(e Event) {
	a.read++
	t := e.Time
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
		a.addTunnel(e, trouble)
	case EventBGPStatus:
		a.bgpSeen = true
		if e.Status == StatusUp || e.Status == StatusDown {
			a.bgpStatus.offer(e.Status, t)
			o := bgpObs{at: t, up: e.Status == StatusUp && trouble == LayerNone,
				est: e.Fields.Has(FieldToState) && e.Fields.ToState == BGPStateEstablished && e.Fields.FromState != BGPStateEstablished}
			if o.up || o.est {
				a.bgp = append(a.bgp, o)
			}
		}
	case EventRouteStatus:
		a.bgpSeen = true
		a.addRoute(e)
	}

	// Text events may lack a type, so BGP facts come from the message.
	f := &e.Fields
	if f.Has(FieldToState) {
		a.bgpState.offer(f.ToState, t)
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
		}, t)
	}
}

func (a *Accumulator) addTunnel(e Event, trouble Layer) {
	t := e.Time
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
		a.tunnel = append(a.tunnel, tunnelObs{at: t, p1: e.Phase1, p2: e.Phase2, trouble: trouble})
	}
}

func (a *Accumulator) addRoute(e Event) {
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
	if a.byPrefix == nil {
		a.byPrefix = make(map[netip.Prefix]latest[DeniedRoute])
	}
	l := a.byPrefix[d.Prefix]
	l.offer(d, e.Time)
	a.byPrefix[d.Prefix] = l
}

func (a *Accumulator) addIssue(code string, entry *CatalogEntry, e Event) {
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
		is.FirstSeen, is.LastSeen, is.Message = e.Time, e.Time, e.Details
		a.issues[code] = is
	}
	is.Count++
	if e.Time.Before(is.FirstSeen) {
		is.FirstSeen = e.Time
	}
	if !e.Time.Before(is.LastSeen) {
		is.LastSeen, is.Message = e.Time, e.Details
	}
}

// Health returns the health as of now; now only decides what is recent.
func (a *Accumulator) Health(now time.Time) Health {
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
	d := diagnoser{a: a, h: &h, tl: tl, now: now, window: a.Window}
	if d.window <= 0 {
		d.window = DefaultWindow
	}
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
