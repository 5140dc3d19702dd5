package health

import (
	"context"
	"slices"
	"strings"
)

// maxStreamNames is how many names one FilterLogEvents call takes in logStreamNames.
const maxStreamNames = 100

// filterGroup reads one log group in download mode (see the package documentation for the steps and their cost).
func filterGroup(ctx context.Context, st *state, g *groupSpec, gr *GroupRead, src source) error {
	s := newSink(st, gr)
	want := expectedKinds(g.logs)
	prefix := selection{prefix: st.req.VPNConnectionID}

	// 1. The window, by stream name prefix.
	evs, err := src.window(ctx, gr, prefix)
	if err != nil {
		return err
	}
	s.addOurs(evs)
	gr.EventsInWindow = s.n
	if s.n > 0 && s.seen&want == want {
		return nil
	}
	// 2. The latest events before the window, for the logs the window did not show.
	if err := beforeWindow(ctx, gr, s, want, src, prefix); err != nil || s.n > 0 {
		return err
	}

	// 3. Nothing of the tunnel under the prefix: find streams named another way.
	names, err := discoverStreams(ctx, st, gr, src)
	if err != nil || len(names) == 0 {
		return err
	}
	for chunk := range slices.Chunk(names, maxStreamNames) {
		evs, err := src.window(ctx, gr, selection{names: chunk})
		if err != nil {
			return err
		}
		s.addOurs(evs)
	}
	gr.EventsInWindow = s.n
	if s.n > 0 && s.seen&want == want {
		return nil
	}
	return beforeWindowIn(ctx, gr, s, want, src, names)
}

// beforeWindowIn is beforeWindow over discovered streams, as many names per call as FilterLogEvents takes.
func beforeWindowIn(ctx context.Context, gr *GroupRead, s *sink, want logKinds, src source, names []string) error {
	for chunk := range slices.Chunk(names, maxStreamNames) {
		if err := beforeWindow(ctx, gr, s, want, src, selection{names: chunk}); err != nil {
			return err
		}
	}
	return nil
}

// beforeWindow feeds the latest events before the window: of the logs in want that the window did not show.
func beforeWindow(ctx context.Context, gr *GroupRead, s *sink, want logKinds, src source, sel selection) error {
	missing := want &^ s.seen
	if s.n == 0 || missing == 0 {
		missing = want
	}
	evs, err := src.before(ctx, gr, sel)
	if err != nil {
		return err
	}
	before := s.n
	s.only = missing
	s.addOurs(evs)
	s.only = 0
	gr.EventsBeforeWindow += s.n - before
	return nil
}

// discoverStreams lists the group's streams and returns the tunnel's that the VPN ID prefix did not cover.
func discoverStreams(ctx context.Context, st *state, gr *GroupRead, src source) ([]string, error) {
	gr.StreamDiscovery = true
	all, err := src.streams(ctx, gr)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range all {
		if st.ours(n) && !strings.HasPrefix(n, st.req.VPNConnectionID) {
			names = append(names, n)
		}
	}
	return names, nil
}
