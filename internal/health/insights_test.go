package health

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// scriptedLogs answers GetQueryResults from a script; the other operations find nothing.
type scriptedLogs struct {
	polls   []cloudwatchlogs.GetQueryResultsOutput
	calls   int
	queries []string
	tokens  []string
}

func (s *scriptedLogs) FilterLogEvents(context.Context, *cloudwatchlogs.FilterLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	return &cloudwatchlogs.FilterLogEventsOutput{}, nil
}

func (s *scriptedLogs) DescribeLogStreams(context.Context, *cloudwatchlogs.DescribeLogStreamsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogStreamsOutput, error) {
	return &cloudwatchlogs.DescribeLogStreamsOutput{}, nil
}

func (s *scriptedLogs) StartQuery(_ context.Context, in *cloudwatchlogs.StartQueryInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StartQueryOutput, error) {
	s.queries = append(s.queries, aws.ToString(in.QueryString))
	return &cloudwatchlogs.StartQueryOutput{QueryId: aws.String("q1")}, nil
}

func (s *scriptedLogs) GetQueryResults(_ context.Context, in *cloudwatchlogs.GetQueryResultsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetQueryResultsOutput, error) {
	s.tokens = append(s.tokens, aws.ToString(in.NextToken))
	out := s.polls[min(s.calls, len(s.polls)-1)]
	s.calls++
	return &out, nil
}

func row(kv ...string) []types.ResultField {
	var r []types.ResultField
	for i := 0; i+1 < len(kv); i += 2 {
		r = append(r, types.ResultField{Field: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return r
}

func TestQuery_pollsAndPages(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	ts := now.Add(-time.Minute).UnixMilli()
	msg := `{"ike_phase1_state":"down","ike_phase2_state":"down","details":"AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7"}`
	stream := "vpn-0a1b2c3d4e5f60718-203.0.113.10"
	l := &scriptedLogs{polls: []cloudwatchlogs.GetQueryResultsOutput{
		{Status: types.QueryStatusScheduled},
		{Status: types.QueryStatusRunning, Results: [][]types.ResultField{row("ts", "1", "@logStream", stream, "@message", "partial")}},
		{Status: types.QueryStatusComplete, NextToken: aws.String("p2"), Results: [][]types.ResultField{row("ts", itoa(ts), "@logStream", stream, "@message", msg)}},
		{Status: types.QueryStatusComplete, Results: [][]types.ResultField{row("ts", itoa(ts+1000), "@logStream", stream, "@message", msg)}},
	}}
	r := &Reader{Logs: l, Now: func() time.Time { return now }, PollMinDelay: time.Millisecond, PollMaxDelay: 2 * time.Millisecond}
	res, err := r.Read(context.Background(), Request{VPNConnectionID: "vpn-0a1b2c3d4e5f60718", OutsideIP: "203.0.113.10", TunnelLogGroup: "/vpn/x", Mode: ModeInsights})
	if err != nil {
		t.Fatal(err)
	}
	if res.EventsRead != 2 || res.Status != "down" || res.Groups[0].Calls["GetQueryResults"] != 4 {
		t.Errorf("read %d, status %s, calls %v", res.EventsRead, res.Status, res.Groups[0].Calls)
	}
	if strings.Join(l.tokens, ",") != ",,,p2" {
		t.Errorf("tokens sent %q", l.tokens)
	}
	if len(l.queries) != 1 || !strings.Contains(l.queries[0], "| sort @timestamp desc") {
		t.Errorf("queries %q", l.queries)
	}
}

func TestQuery_failedAndTimeout(t *testing.T) {
	t.Parallel()
	req := Request{VPNConnectionID: "vpn-0a1b2c3d4e5f60718", OutsideIP: "203.0.113.10", TunnelLogGroup: "/vpn/x", Mode: ModeInsights}
	for _, st := range []types.QueryStatus{types.QueryStatusFailed, types.QueryStatusCancelled, types.QueryStatusTimeout} {
		r := &Reader{Logs: &scriptedLogs{polls: []cloudwatchlogs.GetQueryResultsOutput{{Status: st}}}, PollMinDelay: -1}
		_, err := r.Read(context.Background(), req)
		if err == nil || !strings.Contains(err.Error(), "Insights query on log group /vpn/x ended with status "+string(st)) {
			t.Errorf("%s: %v", st, err)
		}
	}
	r := &Reader{Logs: &scriptedLogs{polls: []cloudwatchlogs.GetQueryResultsOutput{{Status: types.QueryStatusRunning}}},
		PollMinDelay: time.Millisecond, PollMaxDelay: time.Millisecond, QueryTimeout: 30 * time.Millisecond}
	_, err := r.Read(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "did not complete within 30ms") || !strings.Contains(err.Error(), "/vpn/x") {
		t.Errorf("timeout: %v", err)
	}
}

func TestInsightsQueries(t *testing.T) {
	t.Parallel()
	start := time.UnixMilli(1762580000000)
	tail, summary := InsightsQueries("vpn-0a1b2c3d4e5f60718", "203.0.113.10", start, start.Add(time.Hour))
	for _, want := range []string{
		`filter @logStream like /(^|[^0-9A-Za-z])vpn-0a1b2c3d4e5f60718($|[^0-9A-Za-z])/ and @logStream like /`,
		`toMillis(@timestamp) >= 1762580000000 and toMillis(@timestamp) <= 1762583600000`,
		"| fields toMillis(@timestamp) as ts, @logStream, @message\n| sort @timestamp desc\n| limit 10000",
	} {
		if !strings.Contains(tail, want) {
			t.Errorf("tail query lacks %q:\n%s", want, tail)
		}
	}
	if !strings.Contains(summary, "| stats count(*) as n, min(toMillis(@timestamp)) as first_ts") ||
		!strings.Contains(summary, "by type, status, ike_phase1_state, ike_phase2_state, dpd_enabled, nat_t_detected, message.prefix, text") {
		t.Errorf("summary query:\n%s", summary)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
