package health

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// The Logs Insights queries. %[1]s is the stream condition (streamMatcher.queryFilter), %[2]d and %[3]d the
// first and last millisecond read (StartQuery takes whole seconds, so the exact bounds are filtered in the query,
// which keeps the window identical to the download mode's), %[4]d the row limit.
//
// The tail query returns the newest events as raw rows. The summary query aggregates the rest of the window: one
// row per distinct (type, status, IKE states, DPD, NAT-T, route prefix, message text), with the count, the first
// and last timestamp and the earliest and latest raw message. The message text is the JSON details (tunnel
// activity), message.details (BGP), the route prefix (a route record without details) or, for TEXT-format events
// that have no JSON fields, the whole line, which makes each TEXT event its own row.
//
// UNCONFIRMED: Insights' grouping of events that lack a "by" field (the sandbox groups them together, as null);
// JSON field discovery of message.details and message.prefix; that toMillis(@timestamp)
// compares numerically in a filter and min/max of it stay numbers; the regular-expression dialect of "like /re/"
// (the conditions use only anchors, classes and escaped dots, common to RE2 and Java). The sandbox implements these
// as chosen here; AWS's results for them are not verified (docs/design/aws-behaviour.md §6, §8).
const (
	tailQueryFmt = `filter %[1]s and toMillis(@timestamp) >= %[2]d and toMillis(@timestamp) <= %[3]d
| fields toMillis(@timestamp) as ts, @logStream, @message
| sort @timestamp desc
| limit %[4]d`

	summaryQueryFmt = `filter %[1]s and toMillis(@timestamp) >= %[2]d and toMillis(@timestamp) <= %[3]d
| fields coalesce(details, message.details, message.prefix, @message) as text
| stats count(*) as n, min(toMillis(@timestamp)) as first_ts, max(toMillis(@timestamp)) as last_ts, earliest(@message) as first_message, latest(@message) as last_message by type, status, ike_phase1_state, ike_phase2_state, dpd_enabled, nat_t_detected, message.prefix, text
| limit %[4]d`
)

// InsightsQueries returns the two queries Read sends in Insights mode for a tunnel and a window (the summary
// query's upper bound is, in a real read, the oldest timestamp of the tail query's result). For documentation
// and tests.
func InsightsQueries(vpnID, outsideIP string, start, end time.Time) (tail, summary string) {
	f := newStreamMatcher(vpnID, outsideIP).queryFilter()
	return fmt.Sprintf(tailQueryFmt, f, start.UnixMilli(), end.UnixMilli(), QueryRowLimit),
		fmt.Sprintf(summaryQueryFmt, f, start.UnixMilli(), end.UnixMilli(), QueryRowLimit)
}

// insightsGroup reads one log group with Logs Insights (see the package documentation): with the tunnel's own
// queries, or from the query its group shares with the Session's other tunnels.
func (s *Session) insightsGroup(ctx context.Context, st *state, g *groupSpec, k groupKey, gr *GroupRead, src source) error {
	sk := newSink(st, gr)
	if src.shared() {
		part, err := s.insightsPart(ctx, k, g)
		if err != nil {
			return err
		}
		part.feed(st, sk)
		gr.Notes = append(gr.Notes, part.notes...)
	} else if err := s.insightsAlone(ctx, st, g, gr, sk); err != nil {
		return err
	}
	want := expectedKinds(g.logs)
	gr.EventsInWindow = sk.n
	if sk.n > 0 && sk.seen&want == want {
		return nil
	}

	// The window did not show every log: the latest events before it, as in download mode. The query's stream
	// condition matches tokens anywhere in the name, so when the prefix finds nothing the fallback lists streams.
	prefix := selection{prefix: st.req.VPNConnectionID}
	if err := beforeWindow(ctx, gr, sk, want, src, prefix); err != nil || sk.n > 0 {
		return err
	}
	names, err := discoverStreams(ctx, st, gr, src)
	if err != nil {
		return err
	}
	return beforeWindowIn(ctx, gr, sk, want, src, names)
}

// insightsAlone runs the tunnel's own queries: the tail, and the summary of the rest when the tail was cut.
func (s *Session) insightsAlone(ctx context.Context, st *state, g *groupSpec, gr *GroupRead, sk *sink) error {
	filter := st.matcher.queryFilter()
	target := queryTarget{label: g.name, single: g}
	rows, err := s.query(ctx, target, gr, fmt.Sprintf(tailQueryFmt, filter, st.startMs, st.endMs, QueryRowLimit), st.startMs, st.endMs, QueryRowLimit)
	if err != nil {
		return err
	}
	complete, cut := tailCut(rows)
	for _, row := range rows {
		ts, ok := millis(field(row, "ts"))
		stream := field(row, "@logStream")
		if !ok || (!complete && ts <= cut) || !st.ours(stream) {
			continue
		}
		sk.add(stream, field(row, "@message"), ts)
	}
	if complete {
		return nil
	}
	rows, err = s.query(ctx, target, gr, fmt.Sprintf(summaryQueryFmt, filter, st.startMs, cut, QueryRowLimit), st.startMs, cut, QueryRowLimit)
	if err != nil {
		return err
	}
	for _, row := range rows {
		sk.addSummary(row)
	}
	if len(rows) >= QueryRowLimit {
		gr.Notes = append(gr.Notes, summaryCutNote(g.name, QueryRowLimit, cut))
	}
	return nil
}

// tailCut says whether a tail query's rows are the whole window (fewer than the limit) and, when not, the oldest
// timestamp among them: the rows after it hold all their events, the events at or before it are summarised.
func tailCut(rows [][]types.ResultField) (complete bool, cut int64) {
	return tailCutAt(rows, QueryRowLimit)
}

func tailCutAt(rows [][]types.ResultField, limit int) (complete bool, cut int64) {
	cut = math.MaxInt64
	if len(rows) < limit {
		return true, cut
	}
	for _, row := range rows {
		if ts, ok := millis(field(row, "ts")); ok && ts < cut {
			cut = ts
		}
	}
	return false, cut
}

func summaryCutNote(groups string, limit int, cut int64) string {
	return fmt.Sprintf("The Logs Insights summary of log group %s was cut at %d rows: counts before %s are incomplete "+
		"(TEXT-format events are summarised one row each; JSON output aggregates).",
		groups, limit, time.UnixMilli(cut).UTC().Format(time.RFC3339))
}

// addSummary feeds one summary row: its earliest event, its latest, and the latest again for the rest of its
// count, so that counts, first and last seen and the latest state are those of the events it stands for.
func (s *sink) addSummary(row []types.ResultField) {
	n, err := strconv.ParseFloat(field(row, "n"), 64)
	if err != nil || n < 1 {
		return
	}
	t0, ok0 := millis(field(row, "first_ts"))
	t1, ok1 := millis(field(row, "last_ts"))
	m0, m1 := field(row, "first_message"), field(row, "last_message")
	if !ok0 || !ok1 || m1 == "" {
		return
	}
	if n == 1 || m0 == "" {
		m0, t0 = m1, t1
	}
	s.add("", m0, t0)
	if n < 2 {
		return
	}
	e := s.parser.Parse(m1, t1)
	for i := 1; i < int(n); i++ {
		s.addEvent("", e)
	}
}

// field is the value of a result field, "" if absent.
func field(row []types.ResultField, name string) string {
	for _, f := range row {
		if aws.ToString(f.Field) == name {
			return aws.ToString(f.Value)
		}
	}
	return ""
}

// insightsTime is how Insights renders timestamps ("2025-11-08 05:40:29.641", UTC).
const insightsTime = "2006-01-02 15:04:05.000"

// millis reads an epoch-milliseconds value (a number, possibly in float notation) or an Insights timestamp.
func millis(v string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return int64(math.Round(f)), true
	}
	if t, err := time.Parse(insightsTime, strings.TrimSpace(v)); err == nil {
		return t.UnixMilli(), true
	}
	return 0, false
}

// queryTarget is the log groups a query reads: one group as the tunnel's read names it, or a batch by identifier.
type queryTarget struct {
	label  string     // for errors: the group name, or the batch's names
	single *groupSpec // one group, named as given
	ids    []string   // a batch: names or ARNs
}

// query runs one Insights query over [fromMs, toMs] and returns its rows. StartQuery takes whole seconds
// (inclusive), so the range asked is widened to whole seconds; the query itself filters the exact bounds.
func (s *Session) query(ctx context.Context, target queryTarget, gr *GroupRead, q string, fromMs, toMs int64, limit int) ([][]types.ResultField, error) {
	r := s.r
	timeout := r.QueryTimeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	in := &cloudwatchlogs.StartQueryInput{
		QueryString: aws.String(q),
		StartTime:   aws.Int64(floorDiv(fromMs, 1000)),
		EndTime:     aws.Int64(floorDiv(toMs, 1000)),
		Limit:       aws.Int32(int32(limit)), //nolint:gosec // at most BatchRowLimit
	}
	switch g := target.single; {
	case g == nil:
		in.LogGroupIdentifiers = target.ids
	case g.arn:
		in.LogGroupIdentifiers = []string{g.id}
	default:
		in.LogGroupName = aws.String(g.id)
	}
	started, err := r.Logs.StartQuery(ctx, in)
	s.count("StartQuery", gr)
	if err != nil {
		return nil, wrapErr(target.label, "StartQuery", err)
	}

	delay := r.PollMinDelay
	if delay == 0 {
		delay = 100 * time.Millisecond
	}
	maxDelay := r.PollMaxDelay
	if maxDelay <= 0 {
		maxDelay = 2 * time.Second
	}
	var rows [][]types.ResultField
	var token *string
	for {
		if token == nil && delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, queryCtxErr(ctx, target.label, timeout)
			case <-t.C:
			}
		}
		out, err := r.Logs.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: started.QueryId, NextToken: token})
		s.count("GetQueryResults", gr)
		if err != nil {
			if ctx.Err() != nil {
				return nil, queryCtxErr(ctx, target.label, timeout)
			}
			return nil, wrapErr(target.label, "GetQueryResults", err)
		}
		switch out.Status {
		case types.QueryStatusComplete:
			rows = append(rows, out.Results...)
			next := aws.ToString(out.NextToken)
			if next == "" || (token != nil && *token == next) {
				return rows, nil
			}
			token = &next
		case types.QueryStatusScheduled, types.QueryStatusRunning, "":
			// Results while Running are partial: wait for Complete.
			delay = min(max(2*delay, 50*time.Millisecond), maxDelay)
		default: // Failed, Cancelled, Timeout, Unknown
			return nil, &Error{Group: target.label, Operation: "GetQueryResults", Code: string(out.Status)}
		}
	}
}

func queryCtxErr(ctx context.Context, label string, timeout time.Duration) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("the query did not complete within %s (or before the caller's deadline): %w", timeout, err)
	}
	return &Error{Group: label, Operation: "GetQueryResults", Code: "Timeout", Err: err}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
