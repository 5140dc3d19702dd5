package cwlogs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

func TestFilterLogEventsPaging(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "g")
	base := testNow.Add(-10 * time.Hour).UnixMilli()
	const n = 25000
	for s := 0; s < 2; s++ { // two interleaved streams
		var in []InputEvent
		for i := s; i < n; i += 2 {
			in = append(in, InputEvent{base + int64(i), fmt.Sprintf("event %05d", i)})
		}
		wantOK(t, e.svc.AppendEvents("g", fmt.Sprintf("s%d", s), in))
	}
	var sizes []int
	next := 0
	var tok *string
	for {
		out, err := e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), NextToken: tok})
		wantOK(t, err)
		sizes = append(sizes, len(out.Events))
		if out.SearchedLogStreams == nil || len(out.SearchedLogStreams) != 0 {
			t.Fatalf("searchedLogStreams must be an empty list")
		}
		for _, ev := range out.Events {
			if *ev.Message != fmt.Sprintf("event %05d", next) || *ev.LogStreamName != fmt.Sprintf("s%d", next%2) || *ev.EventId == "" || *ev.IngestionTime != testNow.UnixMilli() {
				t.Fatalf("event %d: %+v", next, ev)
			}
			next++
		}
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if fmt.Sprint(sizes) != "[10000 10000 5000]" || next != n {
		t.Fatalf("pages %v, %d events", sizes, next)
	}
	// limit, and time bounds inclusive at both ends
	out, err := e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), StartTime: aws.Int64(base + 10), EndTime: aws.Int64(base + 20), Limit: aws.Int32(5)})
	wantOK(t, err)
	if len(out.Events) != 5 || *out.Events[0].Timestamp != base+10 || out.NextToken == nil {
		t.Fatalf("limited: %d", len(out.Events))
	}
	out, err = e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), StartTime: aws.Int64(base + 10), EndTime: aws.Int64(base + 20), NextToken: out.NextToken})
	wantOK(t, err)
	if len(out.Events) != 6 || *out.Events[5].Timestamp != base+20 || out.NextToken != nil {
		t.Fatalf("second page: %d", len(out.Events))
	}
}

func TestFilterLogEventsPageBytes(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "g")
	big := strings.Repeat("b", 200*1024)
	var in []InputEvent
	for i := 0; i < 12; i++ {
		in = append(in, InputEvent{testNow.UnixMilli() - 100 + int64(i), fmt.Sprintf("%02d%s", i, big)})
	}
	wantOK(t, e.svc.AppendEvents("g", "s", in))
	var sizes []int
	var tok *string
	for {
		out, err := e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), NextToken: tok})
		wantOK(t, err)
		sizes = append(sizes, len(out.Events))
		bytes := 0
		for _, ev := range out.Events {
			bytes += len(*ev.Message) + EventOverheadBytes
		}
		if bytes > MaxPageBytes {
			t.Fatalf("page of %d bytes", bytes)
		}
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if fmt.Sprint(sizes) != "[5 5 2]" { // 5 × (204802+26) ≤ 1 MiB < 6 × …
		t.Fatalf("pages %v", sizes)
	}
}

func TestFilterLogEventsNewestFirst(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "g")
	base := testNow.Add(-time.Hour).UnixMilli()
	var in []InputEvent
	for i := 0; i < 10; i++ {
		in = append(in, InputEvent{base + int64(i), fmt.Sprint(i)})
	}
	wantOK(t, e.svc.AppendEvents("g", "s", in))
	_, err := e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), StartFromHead: aws.Bool(false)})
	wantCode(t, err, CodeInvalidParameter) // no startTime
	_, err = e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), StartFromHead: aws.Bool(false),
		StartTime: aws.Int64(time.Date(2023, 12, 31, 23, 59, 59, 0, time.UTC).UnixMilli())})
	wantCode(t, err, CodeInvalidParameter)
	out, err := e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), StartFromHead: aws.Bool(false),
		StartTime: aws.Int64(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()), Limit: aws.Int32(4)})
	wantOK(t, err)
	got := ""
	for _, ev := range out.Events {
		got += *ev.Message
	}
	// The token keeps the direction even though the next call says startFromHead=true.
	out, err = e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), StartFromHead: aws.Bool(true), NextToken: out.NextToken, Limit: aws.Int32(4)})
	wantOK(t, err)
	for _, ev := range out.Events {
		got += *ev.Message
	}
	if got != "98765432" {
		t.Fatalf("newest first: %q", got)
	}
}

func TestFilterLogEventsSelectorsAndPatterns(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "/aws/vpn")
	ts := testNow.Add(-time.Minute).UnixMilli()
	wantOK(t, e.svc.AppendEvents("/aws/vpn", "vpn-1-1.2.3.4", []InputEvent{
		{ts, `{"ike_phase1_state":"down","details":"Peer is not responsive - Declaring peer dead","event_timestamp":1762580429}`},
		{ts + 1, `{"ike_phase1_state":"established","details":"IKE SA established","dpd_enabled":true,"event_timestamp":1762580430}`},
		{ts + 2, `ERROR timeout while negotiating`},
	}))
	wantOK(t, e.svc.AppendEvents("/aws/vpn", "vpn-2-5.6.7.8", []InputEvent{
		{ts + 3, `{"type":"BGPStatus","status":"UP","message":{"details":"AWS-side peer BGP session state has changed"}}`},
		{ts + 4, `WARN slow`},
		{ts + 5, `127.0.0.1 GET /index 404 1200`},
	}))
	filter := func(in *cwl.FilterLogEventsInput) ([]string, error) {
		if in.LogGroupName == nil && in.LogGroupIdentifier == nil {
			in.LogGroupName = aws.String("/aws/vpn")
		}
		out, err := e.cl.FilterLogEvents(e.ctx, in)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, ev := range out.Events {
			ids = append(ids, fmt.Sprint(*ev.Timestamp-ts))
		}
		return ids, nil
	}
	cases := []struct{ pattern, want string }{
		{"", "0 1 2 3 4 5"},
		{"ERROR", "2"},
		{"error", ""}, // case-sensitive
		{"ERROR timeout", "2"},
		{"ERROR slow", ""},
		{`"not responsive"`, "0"},
		{`"responsive not"`, ""},
		{"?ERROR ?WARN", "2 4"},
		{"established -SA", ""},
		{"%ERR(OR)? [a-z]+%", "2"},
		{`{ $.ike_phase1_state = "down" }`, "0"},
		{`{ $.ike_phase1_state != "down" }`, "1"},
		{`{ $.ike_phase1_state = "est*" }`, "1"},
		{`{ $.message.details = "AWS-side*" && $.status = UP }`, "3"},
		{`{ ($.type = "BGPStatus") || ($.event_timestamp > 1762580429) }`, "1 3"},
		{`{ $.event_timestamp >= 1762580429 }`, "0 1"},
		{`{ $.dpd_enabled IS TRUE }`, "1"},
		{`{ $.status NOT EXISTS }`, "0 1"},
		{`[ip, method = GET, path, status = 404, size > 1000]`, "5"},
		{`[..., status = 5*, size]`, ""},
	}
	for _, c := range cases {
		got, err := filter(&cwl.FilterLogEventsInput{FilterPattern: aws.String(c.pattern)})
		if err != nil {
			t.Errorf("pattern %q: %v", c.pattern, err)
			continue
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("pattern %q: got %v, want %q", c.pattern, got, c.want)
		}
	}
	for _, bad := range []string{`{ $.a = }`, `"unterminated`, `%(%`, strings.Repeat("a", 1025)} {
		_, err := filter(&cwl.FilterLogEventsInput{FilterPattern: aws.String(bad)})
		wantCode(t, err, CodeInvalidParameter)
	}
	// stream selectors
	got, err := filter(&cwl.FilterLogEventsInput{LogStreamNamePrefix: aws.String("vpn-2")})
	wantOK(t, err)
	if strings.Join(got, " ") != "3 4 5" {
		t.Fatalf("prefix: %v", got)
	}
	got, err = filter(&cwl.FilterLogEventsInput{LogGroupIdentifier: aws.String(e.arn("/aws/vpn") + ":*"), LogStreamNames: []string{"vpn-1-1.2.3.4", "missing"}})
	wantOK(t, err)
	if strings.Join(got, " ") != "0 1 2" {
		t.Fatalf("names: %v", got)
	}
	_, err = filter(&cwl.FilterLogEventsInput{LogStreamNames: []string{"a"}, LogStreamNamePrefix: aws.String("a")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = filter(&cwl.FilterLogEventsInput{LogStreamNames: []string{}})
	wantCode(t, err, CodeInvalidParameter)
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprint("s", i)
	}
	_, err = filter(&cwl.FilterLogEventsInput{LogStreamNames: many})
	wantCode(t, err, CodeInvalidParameter)
	_, err = filter(&cwl.FilterLogEventsInput{LogGroupName: aws.String("/aws/vpn"), LogGroupIdentifier: aws.String("/aws/vpn")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = filter(&cwl.FilterLogEventsInput{LogGroupName: aws.String("/aws/none")})
	wantCode(t, err, CodeResourceNotFound)
	for _, l := range []int32{0, 10001} {
		_, err = filter(&cwl.FilterLogEventsInput{Limit: aws.Int32(l)})
		wantCode(t, err, CodeInvalidParameter)
	}
	_, err = filter(&cwl.FilterLogEventsInput{NextToken: aws.String("bogus")})
	wantCode(t, err, CodeInvalidParameter)
}
