package health

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// maxStreamNames is how many names one FilterLogEvents call takes in logStreamNames.
const maxStreamNames = 100

// filterGroup reads one log group in download mode (see the package documentation for the steps and their cost).
func (r *Reader) filterGroup(ctx context.Context, st *state, g *groupSpec, gr *GroupRead) error {
	s := newSink(st, gr)
	want := expectedKinds(g.logs)
	prefix := st.req.VPNConnectionID

	// 1. The window, by stream name prefix.
	if err := r.filterPages(ctx, st, g, gr, s, st.filterInput(g, func(in *cloudwatchlogs.FilterLogEventsInput) {
		in.LogStreamNamePrefix = aws.String(prefix)
	})); err != nil {
		return err
	}
	gr.EventsInWindow = s.n
	if s.n > 0 && s.seen&want == want {
		return nil
	}
	// 2. The latest events before the window, for the logs the window did not show.
	if err := r.beforeWindow(ctx, st, g, gr, s, want, func(in *cloudwatchlogs.FilterLogEventsInput) {
		in.LogStreamNamePrefix = aws.String(prefix)
	}); err != nil || s.n > 0 {
		return err
	}

	// 3. Nothing of the tunnel under the prefix: find streams named another way.
	names, err := r.discoverStreams(ctx, st, g, gr)
	if err != nil || len(names) == 0 {
		return err
	}
	for chunk := range slices.Chunk(names, maxStreamNames) {
		if err := r.filterPages(ctx, st, g, gr, s, st.filterInput(g, func(in *cloudwatchlogs.FilterLogEventsInput) {
			in.LogStreamNames = chunk
		})); err != nil {
			return err
		}
	}
	gr.EventsInWindow = s.n
	if s.n > 0 && s.seen&want == want {
		return nil
	}
	return r.beforeWindowIn(ctx, st, g, gr, s, want, names)
}

// beforeWindowIn is beforeWindow over discovered streams, as many names per call as FilterLogEvents takes.
func (r *Reader) beforeWindowIn(ctx context.Context, st *state, g *groupSpec, gr *GroupRead, s *sink, want logKinds, names []string) error {
	for chunk := range slices.Chunk(names, maxStreamNames) {
		if err := r.beforeWindow(ctx, st, g, gr, s, want, func(in *cloudwatchlogs.FilterLogEventsInput) {
			in.LogStreamNames = chunk
		}); err != nil {
			return err
		}
	}
	return nil
}

// filterInput is a window read of the group; set adds the stream selection.
func (st *state) filterInput(g *groupSpec, set func(*cloudwatchlogs.FilterLogEventsInput)) *cloudwatchlogs.FilterLogEventsInput {
	in := &cloudwatchlogs.FilterLogEventsInput{StartTime: aws.Int64(st.startMs), EndTime: aws.Int64(st.endMs)}
	g.setGroup(&in.LogGroupName, &in.LogGroupIdentifier)
	set(in)
	return in
}

// setGroup names the group in a request: by name, or by ARN when it was given as one.
func (g *groupSpec) setGroup(name, identifier **string) {
	if g.arn {
		*identifier = aws.String(g.id)
	} else {
		*name = aws.String(g.id)
	}
}

// filterPages follows nextToken to the end and feeds the tunnel's events into s.
func (r *Reader) filterPages(ctx context.Context, st *state, g *groupSpec, gr *GroupRead, s *sink, in *cloudwatchlogs.FilterLogEventsInput) error {
	for {
		out, err := r.filterPage(ctx, st, g, gr, s, in)
		if err != nil {
			return err
		}
		next := aws.ToString(out.NextToken)
		if next == "" || (in.NextToken != nil && *in.NextToken == next) {
			return nil
		}
		in.NextToken = &next
	}
}

// filterPage makes one FilterLogEvents call, counts it, and feeds the tunnel's events into s.
func (r *Reader) filterPage(ctx context.Context, st *state, g *groupSpec, gr *GroupRead, s *sink, in *cloudwatchlogs.FilterLogEventsInput) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	out, err := r.Logs.FilterLogEvents(ctx, in)
	gr.Calls["FilterLogEvents"]++
	if err != nil {
		return nil, wrapErr(g.name, "FilterLogEvents", err)
	}
	for i := range out.Events {
		ev := &out.Events[i]
		if ev.Message == nil || ev.LogStreamName == nil || !st.ours(*ev.LogStreamName) {
			continue
		}
		s.add(*ev.LogStreamName, *ev.Message, aws.ToInt64(ev.Timestamp))
	}
	return out, nil
}

// ours is streamMatcher.match, remembered per stream name (a page holds events of a few streams).
func (st *state) ours(stream string) bool {
	if v, ok := st.streamOK[stream]; ok {
		return v
	}
	if st.streamOK == nil {
		st.streamOK = map[string]bool{}
	}
	v := st.matcher.match(stream)
	st.streamOK[stream] = v
	return v
}

// beforeWindow is the one newest-first read of the latest events before the window; it keeps the events of the
// logs in want that the window did not show.
func (r *Reader) beforeWindow(ctx context.Context, st *state, g *groupSpec, gr *GroupRead, s *sink, want logKinds, set func(*cloudwatchlogs.FilterLogEventsInput)) error {
	from := st.start.Add(-PreWindowReach)
	if from.Before(newestFirstEarliest) {
		from = newestFirstEarliest
	}
	to := st.startMs - 1 // endTime is inclusive; the window starts at startMs
	if to < from.UnixMilli() {
		return nil // AWS reads newest first only from 2024-01-01 on
	}
	in := &cloudwatchlogs.FilterLogEventsInput{
		StartTime: aws.Int64(from.UnixMilli()), EndTime: aws.Int64(to),
		StartFromHead: aws.Bool(false), Limit: aws.Int32(PreWindowLimit),
	}
	g.setGroup(&in.LogGroupName, &in.LogGroupIdentifier)
	set(in)
	missing := want &^ s.seen
	if s.n == 0 || missing == 0 {
		missing = want
	}
	before := s.n
	s.only = missing
	defer func() { s.only = 0 }()
	if _, err := r.filterPage(ctx, st, g, gr, s, in); err != nil {
		return err
	}
	gr.EventsBeforeWindow += s.n - before
	return nil
}

// discoverStreams lists the group's streams and returns the tunnel's that the VPN ID prefix did not cover.
func (r *Reader) discoverStreams(ctx context.Context, st *state, g *groupSpec, gr *GroupRead) ([]string, error) {
	gr.StreamDiscovery = true
	in := &cloudwatchlogs.DescribeLogStreamsInput{Limit: aws.Int32(50)}
	g.setGroup(&in.LogGroupName, &in.LogGroupIdentifier)
	var names []string
	for {
		out, err := r.Logs.DescribeLogStreams(ctx, in)
		gr.Calls["DescribeLogStreams"]++
		if err != nil {
			return nil, wrapErr(g.name, "DescribeLogStreams", err)
		}
		for _, ls := range out.LogStreams {
			n := aws.ToString(ls.LogStreamName)
			if st.ours(n) && !strings.HasPrefix(n, st.req.VPNConnectionID) {
				names = append(names, n)
			}
		}
		next := aws.ToString(out.NextToken)
		if next == "" || (in.NextToken != nil && *in.NextToken == next) {
			return names, nil
		}
		in.NextToken = &next
	}
}
