package logparse

import (
	"cmp"
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
	// topEst are the establishments of the top layer, sorted.
	topEst []time.Time
	// top is the layer whose health is the tunnel's: BGP when a BGP event
	// was read, else IKE phase 2.
	top Layer
	// cleanTop are the times of the events that report the top layer up
	// with no warning or error (sorted); lastUp is the latest of them.
	cleanTop []time.Time
	lastUp   time.Time

	tunnelFlaps    int
	lastTunnelFlap time.Time
}

// timeline computes the timeline of the events added so far.
func (a *Accumulator) timeline() *timeline {
	tl := &timeline{top: LayerPhase2}
	if a.bgpSeen {
		tl.top = LayerBGP
	}
	obs := slices.Clone(a.tunnel)
	slices.SortFunc(obs, func(x, y tunnelObs) int {
		// On equal times an up report sorts first, so a tie reads as "went down".
		return cmp.Or(x.at.Compare(y.at), boolCmp(!bothUp(x), !bothUp(y)), cmp.Compare(x.p1, y.p1), cmp.Compare(x.p2, y.p2), cmp.Compare(x.trouble, y.trouble))
	})
	bad1, bad2, prevUp := true, true, false
	for _, o := range obs {
		if o.p1 != IKEStateUnknown {
			bad := !o.p1.up() || o.trouble == LayerPhase1
			if !bad && bad1 {
				tl.est[LayerPhase1] = o.at
			}
			bad1 = bad
		}
		if o.p1 != IKEStateUnknown && o.p2 != IKEStateUnknown {
			bad := !bothUp(o) || o.trouble == LayerPhase1 || o.trouble == LayerPhase2
			if !bad && bad2 {
				tl.est[LayerPhase2] = o.at
				if tl.top == LayerPhase2 {
					tl.topEst = append(tl.topEst, o.at)
				}
			}
			if !bad && tl.top == LayerPhase2 {
				tl.cleanTop = append(tl.cleanTop, o.at)
			}
			bad2 = bad
		}
		// Flaps: a down report right after an up one; Negotiating-only reports are skipped.
		switch down := o.p1 == IKEStateDown || o.p2 == IKEStateDown; {
		case down && prevUp:
			tl.tunnelFlaps++
			tl.lastTunnelFlap = o.at
			prevUp = false
		case down:
			prevUp = false
		case bothUp(o):
			prevUp = true
		}
	}
	for _, o := range a.bgp {
		if o.est {
			if o.at.After(tl.est[LayerBGP]) {
				tl.est[LayerBGP] = o.at
			}
			if tl.top == LayerBGP {
				tl.topEst = append(tl.topEst, o.at)
			}
		}
		if o.up && tl.top == LayerBGP {
			tl.cleanTop = append(tl.cleanTop, o.at)
		}
	}
	slices.SortFunc(tl.topEst, time.Time.Compare)
	slices.SortFunc(tl.cleanTop, time.Time.Compare)
	if n := len(tl.cleanTop); n > 0 {
		tl.lastUp = tl.cleanTop[n-1]
	}
	return tl
}

func bothUp(o tunnelObs) bool { return o.p1.up() && o.p2.up() }

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

// firstAfter returns the first time in sorted ts after t.
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

// lastBefore returns the last time in sorted ts before t.
func lastBefore(ts []time.Time, t time.Time) (time.Time, bool) {
	i, _ := slices.BinarySearchFunc(ts, t, time.Time.Compare)
	if i == 0 {
		return time.Time{}, false
	}
	return ts[i-1], true
}
