package logparse

import (
	"cmp"
	"slices"
	"time"
)

// The observations the timeline needs (IKE state reports, BGP status events), in bounded memory.
//
// The timeline walks its observations sorted by time and, on equal times, by state, so it does not depend on the
// order in which events were added. Keeping every observation costs memory in proportion to the events. But what
// the timeline keeps of observations older than the recency window (when the layers were last established, the
// flaps, the latest report of the tunnel up) is a handful of values, because the diagnosis asks about other times
// only within the window before now, and now is not before the latest event. So with Bounds a sequence keeps
// observations as they come while they are within the keep span (the window, or the horizon if longer) of the
// latest one, and walks older ones, in order, into a fold. That is exact as long as no observation comes after
// its time was walked, that is more than the keep span out of time order; one that does is counted as late and
// dropped, and Accumulator.Exact says so, with the horizon with which folding the same events again is exact.

// obs is one observation: when (an instant, flattened to keep obs small), and a state whose value also orders
// observations of equal time.
type obs struct {
	sec  int64
	nsec int32
	st   uint16
}

func (o obs) at() instant { return instant{sec: o.sec, nsec: o.nsec} }

func compareObs(x, y obs) int { return cmp.Or(x.at().compare(y.at()), cmp.Compare(x.st, y.st)) }

// folder is the timeline's walk through one kind of observation: step takes the next observation in order (keep
// says whether the timeline will query its time: false once it is folded away), late one that came after its time
// was walked, reporting whether the walk could take it exactly.
type folder[F any] interface {
	*F
	step(o obs, keep bool)
	late(o obs) bool
}

// sequence keeps one kind of observation. Without a limit it keeps them all.
type sequence[F any, P folder[F]] struct {
	pending []obs // observations at or after frontier, as added (an exact repeat of the previous one is dropped)
	// unsorted is true when pending is not in order.
	unsorted bool
	fold     F // the walk through the observations before frontier
	// folded is true once observations were walked; frontier is then the time before which they all were.
	folded   bool
	frontier instant
	// seen is true once an observation was added; latest is the latest time.
	seen   bool
	latest instant
	// lateness is how far behind the latest time an observation came, at most; late counts those dropped.
	lateness time.Duration
	late     int
	// limit is the pending count that triggers a fold (0: never fold); it doubles while the keep span holds more.
	limit int
}

// seqConfig is how a sequence keeps its observations.
type seqConfig struct {
	keep  time.Duration // observations within keep of the latest are kept as they come
	limit int
}

func (s *sequence[F, P]) add(o obs, c *seqConfig) {
	at := o.at()
	switch {
	case !s.seen:
		s.seen, s.latest, s.limit = true, at, c.limit
	case at.after(s.latest):
		s.latest = at
	default:
		s.lateness = max(s.lateness, s.latest.sub(at))
	}
	if s.folded && at.before(s.frontier) {
		if !P(&s.fold).late(o) {
			s.late++
		}
		return
	}
	if n := len(s.pending); n > 0 {
		switch c := compareObs(s.pending[n-1], o); {
		case c == 0:
			return // walking an observation twice in a row changes nothing
		case c > 0:
			s.unsorted = true
		}
	}
	s.pending = append(s.pending, o)
	if s.limit > 0 && len(s.pending) >= s.limit {
		s.walk(s.latest.add(-c.keep))
	}
}

// walk sorts the pending observations and walks those before cutoff into the fold.
func (s *sequence[F, P]) walk(cutoff instant) {
	s.sortPending()
	i, _ := slices.BinarySearchFunc(s.pending, cutoff, func(o obs, t instant) int { return o.at().compare(t) })
	if i > 0 {
		for _, o := range s.pending[:i] {
			P(&s.fold).step(o, false)
		}
		s.pending = append(s.pending[:0], s.pending[i:]...)
		s.folded, s.frontier = true, cutoff
	}
	if len(s.pending) > s.limit/2 { // the keep span is dense: fold less often
		s.limit *= 2
	}
}

// emptied is an empty sequence that reuses s's memory for pending observations. The fold's slices are not
// reused: a merge may have taken them.
func (s *sequence[F, P]) emptied() sequence[F, P] {
	return sequence[F, P]{pending: s.pending[:0]}
}

func (s *sequence[F, P]) sortPending() {
	if s.unsorted {
		slices.SortFunc(s.pending, compareObs)
		s.pending = slices.Compact(s.pending)
		s.unsorted = false
	}
}

// merge adds the observations of o after s's own. Observations o walked can only follow s's walk when s has none.
func (s *sequence[F, P]) merge(o *sequence[F, P], c *seqConfig) {
	if !o.seen {
		return
	}
	s.late += o.late
	s.lateness = max(s.lateness, o.lateness)
	if o.folded {
		if s.seen {
			s.late++ // o's walk started without s's observations before it
		} else {
			s.fold, s.folded, s.frontier = o.fold, true, o.frontier
			s.seen, s.latest, s.limit = true, o.latest, c.limit
		}
	}
	if len(o.pending) > 0 && !o.unsorted && (!s.seen || o.pending[0].at().after(s.latest)) {
		// In order, and all after s's: at once (add would do the same, one by one).
		if !s.seen {
			s.seen, s.limit = true, c.limit
		}
		s.pending = append(s.pending, o.pending...)
		s.latest = maxInstant(s.latest, o.latest)
		if s.limit > 0 && len(s.pending) >= s.limit {
			s.walk(s.latest.add(-c.keep))
		}
		return
	}
	for _, x := range o.pending {
		s.add(x, c)
	}
}

// walked returns the fold continued over the pending observations, which it keeps: the walk through them all.
func (s *sequence[F, P]) walked() F {
	f := s.fold
	pending := s.pending
	if s.unsorted {
		pending = slices.Clone(pending)
		slices.SortFunc(pending, compareObs)
		pending = slices.Compact(pending)
	}
	for _, o := range pending {
		P(&f).step(o, true)
	}
	return f
}

func maxInstant(a, b instant) instant {
	if b.after(a) {
		return b
	}
	return a
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
