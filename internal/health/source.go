package health

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// rawEvent is one log event as FilterLogEvents returned it.
type rawEvent struct {
	stream, message string
	ts              int64
}

// selection picks a group's streams the way FilterLogEvents does: by name prefix, or by names (at most 100).
type selection struct {
	prefix string
	names  []string
}

func (sel selection) key() string {
	if sel.names != nil {
		return "names:" + strings.Join(sel.names, "\x00")
	}
	return "prefix:" + sel.prefix
}

func (sel selection) match(stream string) bool {
	if sel.names != nil {
		return slices.Contains(sel.names, stream)
	}
	return strings.HasPrefix(stream, sel.prefix)
}

func (sel selection) apply(in *cloudwatchlogs.FilterLogEventsInput) {
	if sel.names != nil {
		in.LogStreamNames = sel.names
	} else {
		in.LogStreamNamePrefix = aws.String(sel.prefix)
	}
}

// source answers a tunnel's questions about one log group and window: its events in the window, the latest before
// it, and the group's streams. aloneSource asks CloudWatch Logs for exactly that; groupSource answers from reads of
// the whole group, shared with other connections, and asks on its own only what those reads cannot tell. The
// tunnel's algorithm (filterGroup, insightsGroup) is the same over both, so a tunnel's health does not depend on
// whether its read was shared.
type source interface {
	shared() bool
	// window returns the selected streams' events in the window, in CloudWatch's order.
	window(ctx context.Context, gr *GroupRead, sel selection) ([]rawEvent, error)
	// before returns the newest PreWindowLimit events of the selected streams before the window (within
	// PreWindowReach and from 2024 on), newest first.
	before(ctx context.Context, gr *GroupRead, sel selection) ([]rawEvent, error)
	// streams lists the names of the group's streams.
	streams(ctx context.Context, gr *GroupRead) ([]string, error)
}

func (s *Session) source(k groupKey, g *groupSpec) source {
	a := &aloneSource{s: s, g: g, k: k}
	if s.isShared(k) {
		return &groupSource{aloneSource: a}
	}
	return a
}

// aloneSource reads what a tunnel asks for. Its reads are kept for the Session, so the tunnels of one connection,
// which ask the same questions, read once.
type aloneSource struct {
	s *Session
	g *groupSpec
	k groupKey
}

func (a *aloneSource) shared() bool { return false }

func (a *aloneSource) key(kind, sel string) string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%s", kind, a.g.id, a.k.start, a.k.end, sel)
}

func (a *aloneSource) window(ctx context.Context, gr *GroupRead, sel selection) ([]rawEvent, error) {
	evs, _, err := once(ctx, a.s, a.key("window", sel.key()), func(ctx context.Context) ([]rawEvent, error) {
		in := &cloudwatchlogs.FilterLogEventsInput{StartTime: aws.Int64(a.k.start), EndTime: aws.Int64(a.k.end)}
		a.g.setGroup(&in.LogGroupName, &in.LogGroupIdentifier)
		sel.apply(in)
		return a.s.filterPages(ctx, a.g, gr, in)
	})
	return evs, err
}

func (a *aloneSource) before(ctx context.Context, gr *GroupRead, sel selection) ([]rawEvent, error) {
	evs, _, err := once(ctx, a.s, a.key("before", sel.key()), func(ctx context.Context) ([]rawEvent, error) {
		in := a.beforeInput(PreWindowLimit)
		if in == nil {
			return nil, nil
		}
		sel.apply(in)
		evs, _, err := a.s.filterPage(ctx, a.g, gr, in)
		return evs, err
	})
	return evs, err
}

// beforeInput is the newest-first read of the latest events before the window; nil when there is nothing to read
// (AWS reads newest first only from 2024-01-01 on).
func (a *aloneSource) beforeInput(limit int32) *cloudwatchlogs.FilterLogEventsInput {
	from := a.k.start - PreWindowReach.Milliseconds()
	if earliest := newestFirstEarliest.UnixMilli(); from < earliest {
		from = earliest
	}
	to := a.k.start - 1 // endTime is inclusive; the window starts at start
	if to < from {
		return nil
	}
	in := &cloudwatchlogs.FilterLogEventsInput{
		StartTime: aws.Int64(from), EndTime: aws.Int64(to), StartFromHead: aws.Bool(false), Limit: aws.Int32(limit),
	}
	a.g.setGroup(&in.LogGroupName, &in.LogGroupIdentifier)
	return in
}

func (a *aloneSource) streams(ctx context.Context, gr *GroupRead) ([]string, error) {
	names, _, err := once(ctx, a.s, "streams\x00"+a.g.id, func(ctx context.Context) ([]string, error) {
		in := &cloudwatchlogs.DescribeLogStreamsInput{Limit: aws.Int32(50)}
		a.g.setGroup(&in.LogGroupName, &in.LogGroupIdentifier)
		var names []string
		for {
			out, err := a.s.r.Logs.DescribeLogStreams(ctx, in)
			a.s.count("DescribeLogStreams", gr)
			if err != nil {
				return nil, wrapErr(a.g.name, "DescribeLogStreams", err)
			}
			for _, ls := range out.LogStreams {
				names = append(names, aws.ToString(ls.LogStreamName))
			}
			next := aws.ToString(out.NextToken)
			if next == "" || (in.NextToken != nil && *in.NextToken == next) {
				return names, nil
			}
			in.NextToken = &next
		}
	})
	return names, err
}

// groupSource answers from reads of the whole group, made once for every tunnel of the Session.
type groupSource struct{ *aloneSource }

func (g *groupSource) shared() bool { return true }

// groupEvents is the whole group's window, in CloudWatch's order, indexed by stream.
type groupEvents struct {
	events   []rawEvent
	byStream map[string][]int
}

func (g *groupSource) window(ctx context.Context, _ *GroupRead, sel selection) ([]rawEvent, error) {
	all, _, err := once(ctx, g.s, g.key("group-window", ""), func(ctx context.Context) (*groupEvents, error) {
		in := &cloudwatchlogs.FilterLogEventsInput{StartTime: aws.Int64(g.k.start), EndTime: aws.Int64(g.k.end)}
		g.g.setGroup(&in.LogGroupName, &in.LogGroupIdentifier)
		evs, err := g.s.filterPages(ctx, g.g, nil, in)
		if err != nil {
			return nil, err
		}
		ge := &groupEvents{events: evs, byStream: map[string][]int{}}
		for i, e := range evs {
			ge.byStream[e.stream] = append(ge.byStream[e.stream], i)
		}
		return ge, nil
	})
	if err != nil {
		return nil, err
	}
	var idx []int
	for stream, is := range all.byStream {
		if sel.match(stream) {
			idx = append(idx, is...)
		}
	}
	slices.Sort(idx)
	out := make([]rawEvent, len(idx))
	for i, j := range idx {
		out[i] = all.events[j]
	}
	return out, nil
}

// beforePage is the newest page of the whole group before the window.
type beforePage struct {
	events   []rawEvent // newest first
	complete bool       // the page holds every event of the range
}

// before takes from the group's newest page before the window what the tunnel's own read would return: the
// newest PreWindowLimit events of its selection. When the page holds fewer than that and was cut, the tunnel's own
// read goes further back.
func (g *groupSource) before(ctx context.Context, gr *GroupRead, sel selection) ([]rawEvent, error) {
	page, _, err := once(ctx, g.s, g.key("group-before", ""), func(ctx context.Context) (*beforePage, error) {
		in := g.beforeInput(PageEvents)
		if in == nil {
			return &beforePage{complete: true}, nil
		}
		evs, next, err := g.s.filterPage(ctx, g.g, nil, in)
		if err != nil {
			return nil, err
		}
		return &beforePage{events: evs, complete: next == ""}, nil
	})
	if err != nil {
		return nil, err
	}
	var out []rawEvent
	for _, e := range page.events {
		if sel.match(e.stream) {
			out = append(out, e)
			if len(out) == PreWindowLimit {
				return out, nil
			}
		}
	}
	if page.complete {
		return out, nil
	}
	return g.aloneSource.before(ctx, gr, sel)
}

// filterPages follows nextToken to the end.
func (s *Session) filterPages(ctx context.Context, g *groupSpec, gr *GroupRead, in *cloudwatchlogs.FilterLogEventsInput) ([]rawEvent, error) {
	var all []rawEvent
	for {
		evs, next, err := s.filterPage(ctx, g, gr, in)
		if err != nil {
			return nil, err
		}
		all = append(all, evs...)
		if next == "" || (in.NextToken != nil && *in.NextToken == next) {
			return all, nil
		}
		in.NextToken = &next
	}
}

// filterPage makes one FilterLogEvents call and counts it.
func (s *Session) filterPage(ctx context.Context, g *groupSpec, gr *GroupRead, in *cloudwatchlogs.FilterLogEventsInput) ([]rawEvent, string, error) {
	out, err := s.r.Logs.FilterLogEvents(ctx, in)
	s.count("FilterLogEvents", gr)
	if err != nil {
		return nil, "", wrapErr(g.name, "FilterLogEvents", err)
	}
	evs := make([]rawEvent, 0, len(out.Events))
	for i := range out.Events {
		ev := &out.Events[i]
		if ev.Message == nil || ev.LogStreamName == nil {
			continue
		}
		evs = append(evs, rawEvent{stream: *ev.LogStreamName, message: *ev.Message, ts: aws.ToInt64(ev.Timestamp)})
	}
	return evs, aws.ToString(out.NextToken), nil
}

// setGroup names the group in a request: by name, or by ARN when it was given as one.
func (g *groupSpec) setGroup(name, identifier **string) {
	if g.arn {
		*identifier = aws.String(g.id)
	} else {
		*name = aws.String(g.id)
	}
}
