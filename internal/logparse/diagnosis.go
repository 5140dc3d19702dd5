package logparse

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Diagnosis names the root cause of what is wrong with a tunnel now, the
// events that show it, and what to do. See the package documentation for
// how the root cause is chosen.
type Diagnosis struct {
	// Code is the root cause's catalogue code; CodeUnknown when no logged
	// message explains the state, CodeLoggingDisabled when nothing is logged.
	Code string `json:"code"`
	// Summary is the one-line form, the Health's StatusReason.
	Summary string `json:"summary"`
	// Remediation is the root cause's.
	Remediation string `json:"remediation"`
	// Since is when the trouble began: the first event of the issues the
	// diagnosis weighed, but not before the tunnel was last reported
	// healthy (for flaps: not before the window); zero if unknown.
	Since time.Time `json:"since,omitzero"`
	// Evidence are the warning and error issues the diagnosis weighed, the
	// root cause first, then by first event.
	Evidence []Evidence `json:"evidence"`
}

// Evidence is an issue a diagnosis weighed, with its events in the read
// (as in Health.Issues).
type Evidence struct {
	Code      string    `json:"code"`
	Count     int       `json:"count"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// CodeLoggingDisabled is the diagnosis code of a tunnel whose logs are not
// delivered (see LoggingDisabled).
const CodeLoggingDisabled = "logging.disabled"

// LoggingDisabled is the health of a tunnel that delivers neither of its
// logs to CloudWatch Logs: unknown, with a diagnosis that says how to turn
// logging on. enable is that fix in the adapter's vocabulary, a noun phrase
// completing "Enable it with ...", e.g. "the vpnlogs_tunnel_logging resource
// (tunnel_log and bgp_log blocks)" or "`vpnlogs enable --vpn-connection-id
// vpn-1234 --tunnel 203.0.113.10`".
func LoggingDisabled(vpnConnectionID, outsideIP, enable string) Health {
	d := &Diagnosis{
		Code: CodeLoggingDisabled,
		Summary: fmt.Sprintf("Logging is disabled on tunnel %s of %s: neither its activity log nor its BGP log is delivered to "+
			"CloudWatch Logs, so there are no events to read. Enable it with %s.", outsideIP, vpnConnectionID, enable),
		Remediation: "Enable it with " + enable + ". AWS logs only what happens after that.",
		Evidence:    []Evidence{},
	}
	return Health{Status: HealthUnknown, StatusReason: d.Summary, Diagnosis: d}
}

// Remediations for states no logged message explains.
const (
	unexplainedPhase1 = "No logged message says why: check that the customer gateway is up and reachable from the tunnel's outside IP " +
		"(UDP 500 and 4500 both ways), that it initiates IKE or the tunnel's startup action is Start, and read its IKE log for the failing exchange."
	unexplainedPhase2 = "No logged message says why: compare the customer gateway's phase 2 (IPsec) proposals and traffic selectors with the " +
		"tunnel's, and read its IKE log for the refused CREATE_CHILD_SA."
	unexplainedBGP = "No logged message says why: check that the customer gateway's BGP neighbor is the AWS inside tunnel IP with the " +
		"AWS-side ASN, that it peers from its own inside tunnel IP with the customer gateway's ASN, and that TCP port 179 is open between them."
	unexplainedState = "Check that the log group receives this tunnel's Site-to-Site VPN logs; the JSON output format carries the IKE states."
	unexplainedFlaps = "Read the customer gateway's log around the times of the drops: interface or ISP outages, CPU load and rekeys are " +
		"common causes of drops no AWS-side message explains."
)

// diagnoser applies the status rules of the package documentation to one
// Health.
type diagnoser struct {
	a      *Accumulator
	h      *Health
	tl     *timeline
	now    time.Time
	window time.Duration
}

func (d *diagnoser) recent(t time.Time) bool { return !t.Before(d.now.Add(-d.window)) }

// status returns the status, its diagnosis (nil when healthy or when no
// event was read) and, without a diagnosis, the status reason.
func (d *diagnoser) status() (string, *Diagnosis, string) {
	a, h := d.a, d.h
	switch {
	case a.read == 0:
		return HealthUnknown, nil, "No log events were read."
	case a.phase1.ok && a.phase1.v == IKEStateDown:
		return HealthDown, d.current("IKE phase 1 is down", LayerPhase1, unexplainedPhase1), ""
	case a.phase2.ok && a.phase2.v == IKEStateDown:
		return HealthDown, d.current("IKE phase 2 is down", LayerPhase2, unexplainedPhase2), ""
	case a.bgpStatus.ok && a.bgpStatus.v == StatusDown, !a.bgpStatus.ok && a.bgpState.ok && a.bgpState.v != BGPStateEstablished:
		state := ""
		if a.bgpState.ok {
			state = " (" + a.bgpState.v.String() + ")"
		}
		return HealthDown, d.current("The BGP session is down"+state, LayerBGP, unexplainedBGP), ""
	case !a.phase1.ok && !a.phase2.ok && !a.bgpStatus.ok && !a.bgpState.ok:
		return HealthUnknown, d.current(fmt.Sprintf("None of the %d events read reports IKE or BGP state", a.read), LayerBGP, unexplainedState), ""
	case a.phase1.ok && a.phase1.v == IKEStateNegotiating:
		return HealthDegraded, d.current("IKE phase 1 is negotiating", LayerPhase1, unexplainedPhase1), ""
	case a.phase2.ok && a.phase2.v == IKEStateNegotiating:
		return HealthDegraded, d.current("IKE phase 2 is negotiating", LayerPhase2, unexplainedPhase2), ""
	}
	for _, is := range h.Issues {
		if !is.Resolved && is.Severity == SeverityError && d.recent(is.LastSeen) {
			return HealthDegraded, d.current("Recent error", LayerBGP, unexplainedBGP), ""
		}
	}
	if h.Flaps > 0 && d.recent(h.LastFlapAt) {
		return HealthDegraded, d.flaps(), ""
	}
	if pl := h.PrefixLimit; pl != nil && d.recent(pl.At) && !d.tl.est[LayerBGP].After(pl.At) {
		return HealthDegraded, d.prefixLimit(pl), ""
	}
	if len(h.DeniedRoutes) > 0 {
		return HealthDegraded, d.deniedRoutes(), ""
	}
	return HealthHealthy, nil, d.healthyReason()
}

// pick returns the warning and error issues that keep accepts: route
// denials only when routes is true, never unrecognised events.
func (d *diagnoser) pick(routes bool, keep func(*issueAcc) bool) []*issueAcc {
	var out []*issueAcc
	for _, is := range d.a.issues {
		if is.entry != nil && is.Severity >= SeverityWarning && (is.entry.cause.layer == LayerRoute) == routes && keep(is) {
			out = append(out, is)
		}
	}
	return out
}

// root orders issues root cause first, then by first event and code. The
// root cause is chosen among the issues of layer ceiling or below (all
// issues when there are none): those no other candidate explains, then the
// first by precedence (severity, stage, code).
func root(items []*issueAcc, ceiling Layer) {
	if len(items) == 0 {
		return
	}
	slices.SortFunc(items, func(x, y *issueAcc) int {
		return cmp.Or(x.FirstSeen.Compare(y.FirstSeen), strings.Compare(x.Code, y.Code))
	})
	var cands []*CatalogEntry
	for _, it := range items {
		if it.entry.cause.layer <= ceiling {
			cands = append(cands, it.entry)
		}
	}
	if len(cands) == 0 {
		for _, it := range items {
			cands = append(cands, it.entry)
		}
	}
	var best *CatalogEntry
	for _, c := range cands {
		explained := false
		for _, o := range cands {
			if o != c && explains(o, c) {
				explained = true
				break
			}
		}
		if !explained && (best == nil || precedes(c, best) < 0) {
			best = c
		}
	}
	i := slices.IndexFunc(items, func(it *issueAcc) bool { return it.entry == best })
	r := items[i]
	copy(items[1:i+1], items[:i])
	items[0] = r
}

// diagnosis builds a Diagnosis from ordered issues: "<what>: <root cause>",
// or, without issues, "<what>; no logged message explains it".
func diagnosis(what string, items []*issueAcc, since time.Time, unexplained string) *Diagnosis {
	dg := &Diagnosis{Since: since, Evidence: make([]Evidence, 0, len(items))}
	for _, it := range items {
		dg.Evidence = append(dg.Evidence, Evidence{Code: it.Code, Count: it.Count, FirstSeen: it.FirstSeen, LastSeen: it.LastSeen})
	}
	if len(items) == 0 {
		dg.Code, dg.Summary, dg.Remediation = CodeUnknown, what, unexplained
		if unexplained != unexplainedState {
			dg.Summary += "; no logged message explains it"
		}
		return dg
	}
	r := items[0]
	dg.Code, dg.Remediation = r.Code, r.Remediation
	dg.Summary = what + ": " + describe(r.Message, r.Code, r.Count)
	return dg
}

// sinceOf is when the issues began, but not before from: the earliest of
// their first events, each raised to from.
func sinceOf(items []*issueAcc, from time.Time) time.Time {
	var since time.Time
	for _, it := range items {
		t := it.FirstSeen
		if from.After(t) {
			t = from
		}
		if since.IsZero() || t.Before(since) {
			since = t
		}
	}
	return since
}

// current diagnoses what is wrong now: the unresolved issues seen since the
// tunnel was last reported healthy (the latest event that reported its top
// layer up with no warning or error) and the unresolved recent errors, or
// all the unresolved issues when there are none. ceiling is the failing
// layer: the root cause is chosen among the issues of that layer and below
// first.
func (d *diagnoser) current(what string, ceiling Layer, unexplained string) *Diagnosis {
	up := d.tl.lastUp
	items := d.pick(false, func(is *issueAcc) bool {
		return !is.Resolved && (is.LastSeen.After(up) || is.Severity == SeverityError && d.recent(is.LastSeen))
	})
	if len(items) == 0 {
		items = d.pick(false, func(is *issueAcc) bool { return !is.Resolved })
	}
	root(items, ceiling)
	return diagnosis(what, items, sinceOf(items, up), unexplained)
}

// flaps diagnoses a tunnel that went down and came back within the window:
// the root cause among the issues of the window, resolved or not.
func (d *diagnoser) flaps() *Diagnosis {
	h := d.h
	what := "The tunnel went down after being up"
	if d.a.bgpSeen {
		what = "The BGP session dropped out of Established"
	}
	what = fmt.Sprintf("%s %s, last at %s", what, times(h.Flaps), h.LastFlapAt.Format(time.RFC3339))
	items := d.pick(false, func(is *issueAcc) bool { return d.recent(is.LastSeen) })
	root(items, LayerBGP)
	return diagnosis(what, items, sinceOf(items, d.now.Add(-d.window)), unexplainedFlaps)
}

// prefixLimit diagnoses a prefix count near or over the limit that no
// establishment has superseded.
func (d *diagnoser) prefixLimit(pl *PrefixLimit) *Diagnosis {
	rel, code := "near", "bgp.prefix_limit_warning"
	if pl.Exceeded {
		rel, code = "over", entryPrefixLimitExceeded.Code
	}
	items := d.pick(false, func(is *issueAcc) bool { return is.Code == code })
	dg := diagnosis("", items, sinceOf(items, d.tl.est[LayerBGP]), unexplainedBGP)
	dg.Summary = fmt.Sprintf("AWS received %d prefixes from the customer gateway, %s the limit of %d", pl.Received, rel, pl.Limit)
	return dg
}

// deniedRoutes diagnoses prefixes AWS denies now.
func (d *diagnoser) deniedRoutes() *Diagnosis {
	routes := d.h.DeniedRoutes
	items := d.pick(true, func(is *issueAcc) bool { return !is.Resolved })
	root(items, LayerRoute)
	dg := diagnosis("", items, sinceOf(items, time.Time{}), "")
	var b strings.Builder
	fmt.Fprintf(&b, "AWS denies %d route", len(routes))
	if len(routes) > 1 {
		b.WriteByte('s')
	}
	for i, r := range routes[:min(len(routes), 3)] {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%s (%s)", sep, r.Prefix, r.Code)
	}
	if len(routes) > 3 {
		fmt.Fprintf(&b, " and %d more", len(routes)-3)
	}
	dg.Summary = b.String()
	return dg
}

// healthyReason says the tunnel is up and, when an error of the window was
// resolved, when it recovered and from what.
func (d *diagnoser) healthyReason() string {
	up := upSummary(d.h)
	var last time.Time // the last event of a resolved error
	for _, is := range d.a.issues {
		if is.Resolved && is.entry != nil && is.Severity == SeverityError && d.recent(is.LastSeen) && is.LastSeen.After(last) {
			last = is.LastSeen
		}
	}
	if last.IsZero() {
		return up + " with no recent errors"
	}
	tl := d.tl
	if !tl.knows(last) {
		d.a.needKeep(last)
	}
	recovered, ok := firstAfter(tl.topEst, last)
	if !ok {
		return up + " with no unresolved errors"
	}
	from := tl.lastCleanBefore(last)
	items := d.pick(false, func(is *issueAcc) bool { return is.Resolved && is.LastSeen.After(from) })
	root(items, tl.top)
	r := items[0]
	return fmt.Sprintf("%s since %s, when the tunnel recovered from: %s", up, recovered.Format(time.RFC3339), describe(r.Message, r.Code, r.Count))
}
