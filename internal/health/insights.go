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

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
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
// JSON field discovery of message.details and message.prefix (docs/design/aws-behaviour.md §6); that toMillis(@timestamp)
// compares numerically in a filter and min/max of it stay numbers; the regular-expression dialect of "like /re/"
// (the conditions use only anchors, classes and escaped dots, common to RE2 and Java). The sandbox implements these
// as chosen here; AWS's results for them are not verified.
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

// insightsGroup reads one log group with Logs Insights (see the package documentation).
func (r *Reader) insightsGroup(ctx context.Context, st *state, g *groupSpec, gr *GroupRead) error {
	s := newSink(st, gr)
	want := expectedKinds(g.logs)
	filter := st.matcher.queryFilter()

	rows, err := r.query(ctx, g, gr, fmt.Sprintf(tailQueryFmt, filter, st.startMs, st.endMs, QueryRowLimit), st.startMs, st.endMs)
	if err != nil {
		return err
	}
	complete := len(rows) < QueryRowLimit
	cut := int64(math.MaxInt64)
	if !complete {
		// The limit cut the result: keep the rows after the oldest timestamp, whose events are all there, and
		// summarise everything at or before it.
		for _, row := range rows {
			if ts, ok := millis(field(row, "ts")); ok && ts < cut {
				cut = ts
			}
		}
	}
	for _, row := range rows {
		ts, ok := millis(field(row, "ts"))
		stream := field(row, "@logStream")
		if !ok || (!complete && ts <= cut) || !st.ours(stream) {
			continue
		}
		s.add(stream, field(row, "@message"), ts)
	}
	if !complete {
		rows, err := r.query(ctx, g, gr, fmt.Sprintf(summaryQueryFmt, filter, st.startMs, cut, QueryRowLimit), st.startMs, cut)
		if err != nil {
			return err
		}
		for _, row := range rows {
			s.addSummary(row)
		}
		if len(rows) >= QueryRowLimit {
			gr.Notes = append(gr.Notes, fmt.Sprintf("The Logs Insights summary of log group %s was cut at %d rows: counts "+
				"before %s are incomplete (TEXT-format events are summarised one row each; JSON output aggregates).",
				g.name, QueryRowLimit, time.UnixMilli(cut).UTC().Format(time.RFC3339)))
		}
	}
	gr.EventsInWindow = s.n
	if s.n > 0 && s.seen&want == want {
		return nil
	}

	// The window did not show every log: the latest events before it, as in download mode. The query's stream
	// condition matches tokens anywhere in the name, so when the prefix finds nothing the fallback lists streams.
	prefix := st.req.VPNConnectionID
	if err := r.beforeWindow(ctx, st, g, gr, s, want, func(in *cloudwatchlogs.FilterLogEventsInput) {
		in.LogStreamNamePrefix = aws.String(prefix)
	}); err != nil || s.n > 0 {
		return err
	}
	names, err := r.discoverStreams(ctx, st, g, gr)
	if err != nil {
		return err
	}
	return r.beforeWindowIn(ctx, st, g, gr, s, want, names)
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
	e := logparse.ParseEventString(m1, t1)
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

// query runs one Insights query over [fromMs, toMs] and returns its rows. StartQuery takes whole seconds
// (inclusive), so the range asked is widened to whole seconds; the query itself filters the exact bounds.
func (r *Reader) query(ctx context.Context, g *groupSpec, gr *GroupRead, q string, fromMs, toMs int64) ([][]types.ResultField, error) {
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
		Limit:       aws.Int32(QueryRowLimit),
	}
	if g.arn {
		in.LogGroupIdentifiers = []string{g.id}
	} else {
		in.LogGroupName = aws.String(g.id)
	}
	started, err := r.Logs.StartQuery(ctx, in)
	gr.Calls["StartQuery"]++
	if err != nil {
		return nil, wrapErr(g.name, "StartQuery", err)
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
				return nil, queryCtxErr(ctx, g, timeout)
			case <-t.C:
			}
		}
		out, err := r.Logs.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: started.QueryId, NextToken: token})
		gr.Calls["GetQueryResults"]++
		if err != nil {
			if ctx.Err() != nil {
				return nil, queryCtxErr(ctx, g, timeout)
			}
			return nil, wrapErr(g.name, "GetQueryResults", err)
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
			return nil, &Error{Group: g.name, Operation: "GetQueryResults", Code: string(out.Status)}
		}
	}
}

func queryCtxErr(ctx context.Context, g *groupSpec, timeout time.Duration) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("the query did not complete within %s (or before the caller's deadline): %w", timeout, err)
	}
	return &Error{Group: g.name, Operation: "GetQueryResults", Code: "Timeout", Err: err}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
