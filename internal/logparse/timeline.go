package logparse

import (
	"slices"
	"time"
)

// timeline is what Health needs to know about the order of events: when
// each layer was last established, when the tunnel was last seen healthy,
// and the tunnel-activity flaps. It is computed from the observations sorted
// by time and, on equal times, by content, so it does not depend on the
// order in which the events were added.
type timeline struct {
	// est is the latest establishment of each layer (zero if none): for IKE
	// phase 1 (phase 2), an event that reports phase 1 (both phases) up with
	// no warning or error of that layer, when the previous such report was
	// not (or when it is the first); for BGP, a transition into Established.
	est [LayerRoute]time.Time
	// top is the layer whose health is the tunnel's: BGP when a BGP event
	// was read, else IKE phase 2.
	top Layer
	// topEst are the establishments of the top layer and cleanTop the times
	// of the events that report it up with no warning or error, both sorted,
	// from the observations the top's sequence kept; those it folded are
	// before frontier, and foldedClean is the latest clean one of them.
	topEst, cleanTop []time.Time
	folded           bool
	frontier         time.Time
	foldedClean      time.Time
	// lastUp is the latest clean report of the top layer.
	lastUp time.Time

	tunnelFlaps    int
	lastTunnelFlap time.Time
}

// tunnelFold walks the tunnel-activity observations in time order. Its zero
// value is the start of the walk.
type tunnelFold struct {
	up1, up2     bool // the previous report of phase 1 (of both phases) said up, with no warning or error of it
	prevUp       bool // the previous report that was not Negotiating only said both phases up
	est1, est2   instant
	lastClean    instant
	flaps        int
	lastFlap     instant
	ests, cleans []instant // kept: the phase 2 establishments and the clean reports
}

func (f *tunnelFold) step(o obs, keep bool) {
	p1, p2, trouble := tunnelStateOf(o.st)
	at := o.at()
	if p1 != IKEStateUnknown {
		up := p1.up() && trouble != LayerPhase1
		if up && !f.up1 {
			f.est1 = at
		}
		f.up1 = up
	}
	if p1 != IKEStateUnknown && p2 != IKEStateUnknown {
		up := cleanTunnel(o.st)
		if up && !f.up2 {
			f.est2 = at
			if keep {
				f.ests = append(f.ests, at)
			}
		}
		if up {
			f.lastClean = at
			if keep {
				f.cleans = append(f.cleans, at)
			}
		}
		f.up2 = up
	}
	// Flaps: a down report right after an up one; Negotiating-only reports are skipped.
	switch down := p1 == IKEStateDown || p2 == IKEStateDown; {
	case down && f.prevUp:
		f.flaps++
		f.lastFlap = at
		f.prevUp = false
	case down:
		f.prevUp = false
	case p1.up() && p2.up():
		f.prevUp = true
	}
}

// late cannot take an observation out of order: what follows it depends on it.
func (f *tunnelFold) late(obs) bool { return false }

// bgpFold gathers the BGP status observations; nothing in it depends on their
// order.
type bgpFold struct {
	est, lastUp instant
	ests, ups   []instant // kept: the establishments and the clean reports
}

func (f *bgpFold) step(o obs, keep bool) {
	at := o.at()
	if o.st&bgpStEst != 0 {
		f.est = maxInstant(f.est, at)
		if keep {
			f.ests = append(f.ests, at)
		}
	}
	if o.st&bgpStUp != 0 {
		f.lastUp = maxInstant(f.lastUp, at)
		if keep {
			f.ups = append(f.ups, at)
		}
	}
}

func (f *bgpFold) late(o obs) bool { f.step(o, false); return true }

// timeline computes the timeline of the events added so far.
func (a *Accumulator) timeline() *timeline {
	a.configure()
	tf, bf := a.tunnel.walked(), a.bgp.walked()
	tl := &timeline{top: LayerPhase2, tunnelFlaps: tf.flaps, lastTunnelFlap: tf.lastFlap.time()}
	tl.est[LayerPhase1], tl.est[LayerPhase2], tl.est[LayerBGP] = tf.est1.time(), tf.est2.time(), bf.est.time()
	if a.bgpSeen {
		tl.top = LayerBGP
		tl.topEst, tl.cleanTop, tl.lastUp = asTimes(bf.ests), asTimes(bf.ups), bf.lastUp.time()
		tl.folded, tl.frontier, tl.foldedClean = a.bgp.folded, a.bgp.frontier.time(), a.bgp.fold.lastUp.time()
	} else {
		tl.topEst, tl.cleanTop, tl.lastUp = asTimes(tf.ests), asTimes(tf.cleans), tf.lastClean.time()
		tl.folded, tl.frontier, tl.foldedClean = a.tunnel.folded, a.tunnel.frontier.time(), a.tunnel.fold.lastClean.time()
	}
	return tl
}

// asTimes converts instants into times.
func asTimes(is []instant) []time.Time {
	out := make([]time.Time, len(is))
	for i, t := range is {
		out[i] = t.time()
	}
	return out
}

// knows reports whether the queries below are exact for t: the top layer's
// observations before t were not folded away.
func (tl *timeline) knows(t time.Time) bool { return !tl.folded || !t.Before(tl.frontier) }

// lastCleanBefore returns the latest report of the top layer up with no
// warning or error before t (zero if none).
func (tl *timeline) lastCleanBefore(t time.Time) time.Time {
	i, _ := slices.BinarySearchFunc(tl.cleanTop, t, time.Time.Compare)
	if i > 0 {
		return tl.cleanTop[i-1]
	}
	return tl.foldedClean // before the frontier, so before t when t is known
}

// superseded is when an issue of the layer was last superseded: the latest
// establishment of the layer or of one above it (zero if none).
func (tl *timeline) superseded(l Layer) time.Time {
	var t time.Time
	for ; l >= LayerPhase1 && l <= LayerBGP; l++ {
		if tl.est[l].After(t) {
			t = tl.est[l]
		}
	}
	return t
}

// resolved reports whether an issue no longer holds: an establishment of its
// layer or of one above it came after its last event (for a route denial: no
// prefix is denied for that reason any more). Unrecognised events never
// resolve.
func (tl *timeline) resolved(is *issueAcc, deniedCodes map[string]bool) bool {
	switch {
	case is.entry == nil:
		return false
	case is.entry.cause.layer == LayerRoute:
		return !deniedCodes[is.Code]
	}
	return tl.superseded(is.entry.cause.layer).After(is.LastSeen)
}

// firstAfter returns the first time in sorted ts after t (the kept establishments:
// those folded away are before the frontier, so before t when t is known).
func firstAfter(ts []time.Time, t time.Time) (time.Time, bool) {
	i, _ := slices.BinarySearchFunc(ts, t, time.Time.Compare)
	for i < len(ts) && !ts[i].After(t) {
		i++
	}
	if i == len(ts) {
		return time.Time{}, false
	}
	return ts[i], true
}
