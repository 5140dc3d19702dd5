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
	tunnel      []tunnelObs // up/down observations, in Add order

	routes   RouteCounts
	byPrefix map[netip.Prefix]latest[DeniedRoute] // Code "" when not denied
	issues   map[string]*Issue
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

// tunnelObs is a tunnel-activity event that says the tunnel is up (both
// phases Established or Rekeying) or down (a phase Down).
type tunnelObs struct {
	at time.Time
	up bool
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
	if e.Unrecognized() {
		a.unrecognized++
		a.addIssue(&unknownIssue, e)
	} else if e.Entry != nil && e.Entry.Severity >= SeverityWarning {
		a.addIssue(&Issue{
			Code: e.Entry.Code, Kind: e.Entry.Kind, Severity: e.Entry.Severity,
			Explanation: e.Entry.Explanation, Remediation: e.Entry.Remediation,
		}, e)
	}

	switch e.Type {
	case EventTunnelActivity:
		a.addTunnel(e)
	case EventBGPStatus:
		a.bgpSeen = true
		if e.Status == StatusUp || e.Status == StatusDown {
			a.bgpStatus.offer(e.Status, t)
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

func (a *Accumulator) addTunnel(e Event) {
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
	switch {
	case e.Phase1 == IKEStateDown || e.Phase2 == IKEStateDown:
		a.tunnel = append(a.tunnel, tunnelObs{at: t})
	case e.Phase1.up() && e.Phase2.up():
		a.tunnel = append(a.tunnel, tunnelObs{at: t, up: true})
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

func (a *Accumulator) addIssue(proto *Issue, e Event) {
	if a.issues == nil {
		a.issues = make(map[string]*Issue)
	}
	is := a.issues[proto.Code]
	if is == nil {
		is = new(Issue)
		*is = *proto
		is.FirstSeen, is.LastSeen, is.Message = e.Time, e.Time, e.Details
		a.issues[proto.Code] = is
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
	for _, l := range a.byPrefix {
		if l.v.Code != "" {
			h.DeniedRoutes = append(h.DeniedRoutes, l.v)
		}
	}
	slices.SortFunc(h.DeniedRoutes, func(x, y DeniedRoute) int {
		return cmp.Or(x.Prefix.Addr().Compare(y.Prefix.Addr()), cmp.Compare(x.Prefix.Bits(), y.Prefix.Bits()))
	})
	if a.bgpSeen {
		h.Flaps, h.LastFlapAt = a.bgpFlaps, a.lastBGPFlap
	} else {
		h.Flaps, h.LastFlapAt = a.tunnelFlaps()
	}
	for _, is := range a.issues {
		h.Issues = append(h.Issues, *is)
	}
	slices.SortFunc(h.Issues, func(x, y Issue) int {
		return cmp.Or(cmp.Compare(y.Severity, x.Severity), y.LastSeen.Compare(x.LastSeen), strings.Compare(x.Code, y.Code))
	})
	h.Status, h.StatusReason = a.status(&h, now)
	return h
}

// tunnelFlaps counts down observations that directly follow, in time order
// (ties in Add order), an up observation.
func (a *Accumulator) tunnelFlaps() (n int, last time.Time) {
	obs := slices.Clone(a.tunnel)
	slices.SortStableFunc(obs, func(x, y tunnelObs) int { return x.at.Compare(y.at) })
	prevUp := false
	for _, o := range obs {
		if prevUp && !o.up {
			n++
			last = o.at
		}
		prevUp = o.up
	}
	return n, last
}

// status applies the status rules of the package documentation, in order.
func (a *Accumulator) status(h *Health, now time.Time) (string, string) {
	window := a.Window
	if window <= 0 {
		window = DefaultWindow
	}
	recent := func(t time.Time) bool { return !t.Before(now.Add(-window)) }
	ike := Kind.isIKE
	bgp := func(k Kind) bool { return k == KindBGPStatus }

	switch {
	case a.read == 0:
		return HealthUnknown, "No log events were read."
	case a.phase1.ok && a.phase1.v == IKEStateDown:
		return HealthDown, "IKE phase 1 is down" + cause(h.Issues, ike)
	case a.phase2.ok && a.phase2.v == IKEStateDown:
		return HealthDown, "IKE phase 2 is down" + cause(h.Issues, ike)
	case a.bgpStatus.ok && a.bgpStatus.v == StatusDown, !a.bgpStatus.ok && a.bgpState.ok && a.bgpState.v != BGPStateEstablished:
		state := ""
		if a.bgpState.ok {
			state = " (" + a.bgpState.v.String() + ")"
		}
		return HealthDown, "The BGP session is down" + state + cause(h.Issues, bgp)
	case !a.phase1.ok && !a.phase2.ok && !a.bgpStatus.ok && !a.bgpState.ok:
		return HealthUnknown, fmt.Sprintf("None of the %d events read reports IKE or BGP state", a.read) +
			cause(h.Issues, func(Kind) bool { return true })
	case a.phase1.ok && a.phase1.v == IKEStateNegotiating:
		return HealthDegraded, "IKE phase 1 is negotiating" + cause(h.Issues, ike)
	case a.phase2.ok && a.phase2.v == IKEStateNegotiating:
		return HealthDegraded, "IKE phase 2 is negotiating" + cause(h.Issues, ike)
	}
	for _, is := range h.Issues {
		if is.Severity == SeverityError && recent(is.LastSeen) {
			return HealthDegraded, "Recent error: " + describe(is)
		}
	}
	if h.Flaps > 0 && recent(h.LastFlapAt) {
		what := "The tunnel went down after being up"
		if a.bgpSeen {
			what = "The BGP session dropped out of Established"
		}
		return HealthDegraded, fmt.Sprintf("%s %s, last at %s", what, times(h.Flaps), h.LastFlapAt.Format(time.RFC3339))
	}
	if pl := h.PrefixLimit; pl != nil && recent(pl.At) {
		rel := "near"
		if pl.Exceeded {
			rel = "over"
		}
		return HealthDegraded, fmt.Sprintf("AWS received %d prefixes from the customer gateway, %s the limit of %d", pl.Received, rel, pl.Limit)
	}
	if n := len(h.DeniedRoutes); n > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "AWS denies %d route", n)
		if n > 1 {
			b.WriteByte('s')
		}
		for i, d := range h.DeniedRoutes[:min(n, 3)] {
			sep := ", "
			if i == 0 {
				sep = ": "
			}
			fmt.Fprintf(&b, "%s%s (%s)", sep, d.Prefix, d.Code)
		}
		if n > 3 {
			fmt.Fprintf(&b, " and %d more", n-3)
		}
		return HealthDegraded, b.String()
	}
	return HealthHealthy, upSummary(h) + " with no recent errors"
}

// cause names the most important warning or error issue whose kind passes
// keep, as ": <message> (<code>, N times)", or "" if there is none.
func cause(issues []Issue, keep func(Kind) bool) string {
	for _, is := range issues { // sorted, most important first
		if is.Severity >= SeverityWarning && keep(is.Kind) {
			return ": " + describe(is)
		}
	}
	return ""
}

func describe(is Issue) string {
	return fmt.Sprintf("%s (%s, %s)", is.Message, is.Code, times(is.Count))
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
