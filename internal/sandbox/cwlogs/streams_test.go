package cwlogs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func TestLogStreams(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "g")
	for _, n := range []string{"vpn-b", "vpn-a", "other", "vpn-c"} {
		_, err := e.cl.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(n)})
		wantOK(t, err)
	}
	_, err := e.cl.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("vpn-a")})
	wantCode(t, err, CodeResourceAlreadyExists)
	for _, bad := range []string{"a:b", "a*", "", strings.Repeat("s", 513)} {
		_, err = e.cl.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(bad)})
		wantCode(t, err, CodeInvalidParameter)
	}
	_, err = e.cl.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
	wantCode(t, err, CodeResourceNotFound)

	base := testNow.Add(-time.Hour).UnixMilli()
	wantOK(t, e.svc.AppendEvents("g", "vpn-a", []InputEvent{{base + 300, "a"}}))
	wantOK(t, e.svc.AppendEvents("g", "vpn-b", []InputEvent{{base + 100, "b"}}))
	wantOK(t, e.svc.AppendEvents("g", "vpn-c", []InputEvent{{base + 200, "c"}}))

	// by name, paged 2 at a time, with prefix; identifier as ARN
	var names []string
	var tok *string
	for {
		out, err := e.cl.DescribeLogStreams(e.ctx, &cwl.DescribeLogStreamsInput{LogGroupIdentifier: aws.String(e.arn("g")), LogStreamNamePrefix: aws.String("vpn-"), Limit: aws.Int32(2), NextToken: tok})
		wantOK(t, err)
		for _, s := range out.LogStreams {
			names = append(names, *s.LogStreamName)
		}
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if strings.Join(names, ",") != "vpn-a,vpn-b,vpn-c" {
		t.Fatalf("by name: %v", names)
	}
	out, err := e.cl.DescribeLogStreams(e.ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)})
	wantOK(t, err)
	names = nil
	for _, s := range out.LogStreams {
		names = append(names, *s.LogStreamName)
	}
	if strings.Join(names, ",") != "vpn-a,vpn-c,vpn-b,other" {
		t.Fatalf("by last event time desc: %v", names)
	}
	a := out.LogStreams[0]
	if *a.LastEventTimestamp != base+300 || *a.FirstEventTimestamp != base+300 || *a.Arn != e.arn("g")+":log-stream:vpn-a" || out.LogStreams[3].LastEventTimestamp != nil {
		t.Fatalf("stream fields: %+v", a)
	}
	_, err = e.cl.DescribeLogStreams(e.ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("vpn")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.DescribeLogStreams(e.ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), LogGroupIdentifier: aws.String("g")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.DescribeLogStreams(e.ctx, &cwl.DescribeLogStreamsInput{})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.DescribeLogStreams(e.ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), Limit: aws.Int32(51)})
	wantCode(t, err, CodeInvalidParameter)
	if got := e.svc.Streams("g"); len(got) != 4 {
		t.Fatalf("Streams: %v", got)
	}
}

func ev(ts int64, msg string) types.InputLogEvent {
	return types.InputLogEvent{Timestamp: aws.Int64(ts), Message: aws.String(msg)}
}

func TestPutLogEvents(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "g")
	_, err := e.cl.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	wantOK(t, err)
	now := testNow.UnixMilli()
	put := func(evs ...types.InputLogEvent) (*cwl.PutLogEventsOutput, error) {
		return e.cl.PutLogEvents(e.ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: evs, SequenceToken: aws.String("ignored")})
	}
	out, err := put(ev(now-2, "one"), ev(now-1, "two"))
	wantOK(t, err)
	if out.NextSequenceToken == nil || out.RejectedLogEventsInfo != nil {
		t.Fatalf("put: %+v", out)
	}
	_, err = put(ev(now, "b"), ev(now-1, "a"))
	wantCode(t, err, CodeInvalidParameter)
	_, err = put(ev(now-25*3600*1000, "a"), ev(now, "b"))
	wantCode(t, err, CodeInvalidParameter) // spans > 24 h
	if _, _, code := e.svc.Handle("PutLogEvents", []byte(`{"logGroupName":"g","logStreamName":"s","logEvents":[]}`)); code != CodeInvalidParameter {
		t.Fatalf("empty batch: %q", code)
	}
	_, err = put(ev(now, ""))
	wantCode(t, err, CodeInvalidParameter)

	// 10,000 events OK, 10,001 rejected.
	evs := make([]types.InputLogEvent, MaxBatchEvents+1)
	for i := range evs {
		evs[i] = ev(now, "x")
	}
	_, err = put(evs[:MaxBatchEvents]...)
	wantOK(t, err)
	_, err = put(evs...)
	wantCode(t, err, CodeInvalidParameter)

	// 1,048,576 bytes counting len(message)+26: exactly at the limit OK, one more byte rejected.
	msg := strings.Repeat("m", MaxBatchBytes/4-EventOverheadBytes)
	four := []types.InputLogEvent{ev(now, msg), ev(now, msg), ev(now, msg), ev(now, msg)}
	_, err = put(four...)
	wantOK(t, err)
	four[3] = ev(now, msg+"y")
	_, err = put(four...)
	wantCode(t, err, CodeInvalidParameter)

	before := e.svc.EventCount("g", "s")
	day := int64(24 * 3600 * 1000)
	out, err = put(ev(now-14*day-3600000, "old"), ev(now-14*day-1, "old2"), ev(now-14*day+3600000, "ok"))
	wantOK(t, err)
	if r := out.RejectedLogEventsInfo; r == nil || r.TooOldLogEventEndIndex == nil || *r.TooOldLogEventEndIndex != 1 || r.TooNewLogEventStartIndex != nil {
		t.Fatalf("too old: %+v", r)
	}
	out, err = put(ev(now, "ok"), ev(now+2*3600*1000, "edge"), ev(now+2*3600*1000+1, "new"), ev(now+3*3600*1000, "newer"))
	wantOK(t, err)
	if r := out.RejectedLogEventsInfo; r == nil || r.TooNewLogEventStartIndex == nil || *r.TooNewLogEventStartIndex != 2 || r.TooOldLogEventEndIndex != nil {
		t.Fatalf("too new: %+v", r)
	}
	if e.svc.EventCount("g", "s") != before+3 {
		t.Fatalf("only the in-range events must be stored: %d", e.svc.EventCount("g", "s")-before)
	}
	_, err = e.cl.PutRetentionPolicy(e.ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(1)})
	wantOK(t, err)
	out, err = put(ev(now-day-3600000, "expired"), ev(now-3600000, "ok"))
	wantOK(t, err)
	if r := out.RejectedLogEventsInfo; r == nil || r.ExpiredLogEventEndIndex == nil || *r.ExpiredLogEventEndIndex != 0 || r.TooOldLogEventEndIndex != nil {
		t.Fatalf("expired: %+v", r)
	}
	_, err = e.cl.PutLogEvents(e.ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("missing"), LogEvents: []types.InputLogEvent{ev(now, "x")}})
	wantCode(t, err, CodeResourceNotFound)
}

func TestGetLogEvents(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "g")
	base := testNow.Add(-time.Hour).UnixMilli()
	var in []InputEvent
	for i := 24; i >= 0; i-- { // appended newest first: the store keeps time order
		in = append(in, InputEvent{base + int64(i)*1000, fmt.Sprintf("e%02d", i)})
	}
	wantOK(t, e.svc.AppendEvents("g", "s", in))
	get := func(in *cwl.GetLogEventsInput) *cwl.GetLogEventsOutput {
		t.Helper()
		in.LogGroupName, in.LogStreamName = aws.String("g"), aws.String("s")
		out, err := e.cl.GetLogEvents(e.ctx, in)
		wantOK(t, err)
		return out
	}
	msgs := func(out *cwl.GetLogEventsOutput) string {
		var b []string
		for _, e := range out.Events {
			b = append(b, *e.Message)
		}
		return strings.Join(b, ",")
	}
	// Default: startFromHead=false => the last events.
	out := get(&cwl.GetLogEventsInput{Limit: aws.Int32(3)})
	if msgs(out) != "e22,e23,e24" || !strings.HasPrefix(*out.NextForwardToken, "f/") || !strings.HasPrefix(*out.NextBackwardToken, "b/") {
		t.Fatalf("tail: %s %s %s", msgs(out), *out.NextForwardToken, *out.NextBackwardToken)
	}
	back := get(&cwl.GetLogEventsInput{Limit: aws.Int32(3), NextToken: out.NextBackwardToken})
	if msgs(back) != "e19,e20,e21" {
		t.Fatalf("backward page: %s", msgs(back))
	}
	// Forward from the head, following tokens to the end: the same token comes back.
	var all []string
	tok := (*string)(nil)
	calls := 0
	for {
		out := get(&cwl.GetLogEventsInput{StartFromHead: aws.Bool(true), Limit: aws.Int32(10), NextToken: tok})
		calls++
		if len(out.Events) == 0 {
			if tok == nil || *out.NextForwardToken != *tok {
				t.Fatalf("end of stream must return the same token: %v vs %v", out.NextForwardToken, tok)
			}
			break
		}
		all = append(all, msgs(out))
		tok = out.NextForwardToken
	}
	if calls != 4 || strings.Join(all, "|") != "e00,e01,e02,e03,e04,e05,e06,e07,e08,e09|e10,e11,e12,e13,e14,e15,e16,e17,e18,e19|e20,e21,e22,e23,e24" {
		t.Fatalf("forward pages (%d calls): %v", calls, all)
	}
	// New events after the end are picked up with the end token.
	wantOK(t, e.svc.AppendEvents("g", "s", []InputEvent{{base + 30000, "late"}}))
	if m := msgs(get(&cwl.GetLogEventsInput{NextToken: tok})); m != "late" {
		t.Fatalf("after end: %q", m)
	}
	// startTime inclusive, endTime exclusive.
	out = get(&cwl.GetLogEventsInput{StartFromHead: aws.Bool(true), StartTime: aws.Int64(base + 5000), EndTime: aws.Int64(base + 8000)})
	if msgs(out) != "e05,e06,e07" {
		t.Fatalf("window: %s", msgs(out))
	}
	// Empty window: tokens are never null.
	out = get(&cwl.GetLogEventsInput{StartTime: aws.Int64(base - 10000), EndTime: aws.Int64(base - 5000)})
	if len(out.Events) != 0 || out.NextForwardToken == nil || out.NextBackwardToken == nil {
		t.Fatalf("empty window: %+v", out)
	}
	for _, bad := range []*cwl.GetLogEventsInput{{Limit: aws.Int32(10001)}, {Limit: aws.Int32(0)}, {NextToken: aws.String("x/123")}} {
		bad.LogGroupName, bad.LogStreamName = aws.String("g"), aws.String("s")
		_, err := e.cl.GetLogEvents(e.ctx, bad)
		wantCode(t, err, CodeInvalidParameter)
	}
	_, err := e.cl.GetLogEvents(e.ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope")})
	wantCode(t, err, CodeResourceNotFound)
}

func TestGetLogEventsPageBytes(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "g")
	big := strings.Repeat("z", 300*1024)
	var in []InputEvent
	for i := 0; i < 5; i++ {
		in = append(in, InputEvent{testNow.UnixMilli() - 5000 + int64(i), big})
	}
	wantOK(t, e.svc.AppendEvents("g", "s", in))
	out, err := e.cl.GetLogEvents(e.ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	wantOK(t, err)
	if len(out.Events) != 3 { // 3 × (307200+26) ≤ 1 MiB < 4 × …
		t.Fatalf("page of %d events", len(out.Events))
	}
}
