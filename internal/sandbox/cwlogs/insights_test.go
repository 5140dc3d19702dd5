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

const vpnGroup = "/aws/vpn/logs"

// seedVPN writes tunnel-activity and BGP events; base is 2025-11-08 05:30:00 UTC.
func seedVPN(t *testing.T, e *env) int64 {
	t.Helper()
	e.mkGroup(t, vpnGroup)
	base := testNow.Add(-30 * time.Minute).UnixMilli()
	tunnel := func(p1, p2, details string) string {
		return fmt.Sprintf(`{"event_timestamp":1762580429,"timestamp":"2025-11-08 05:40:29.641Z","dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":%q,"ike_phase2_state":%q,"details":%q}`, p1, p2, details)
	}
	bgp := func(status, details string) string {
		return fmt.Sprintf(`{"resource_id":"vpn-1_1.1.1.1","event_timestamp":1762580429641,"timestamp":"2025-11-08 05:40:29.641Z","type":"BGPStatus","status":%q,"message":{"details":%q}}`, status, details)
	}
	wantOK(t, e.svc.AppendEvents(vpnGroup, "vpn-1-1.1.1.1", []InputEvent{
		{base + 1000, tunnel("down", "down", "Peer is not responsive - Declaring peer dead")},
		{base + 2000, tunnel("established", "down", "IKE SA established")},
		{base + 3000, tunnel("established", "established", "CHILD_SA established")},
	}))
	wantOK(t, e.svc.AppendEvents(vpnGroup, "vpn-1-2.2.2.2", []InputEvent{
		{base + 1500, tunnel("down", "down", "Peer is not responsive - Declaring peer dead")},
		{base + 2500, tunnel("down", "down", "Peer is not responsive - Declaring peer dead")},
	}))
	wantOK(t, e.svc.AppendEvents(vpnGroup, "vpn-2-3.3.3.3", []InputEvent{
		{base + 4000, tunnel("established", "established", "CHILD_SA established")},
		{base + 60*60*1000, "plain text line outside the window"},
	}))
	wantOK(t, e.svc.AppendEvents(vpnGroup, "vpn-1_1.1.1.1", []InputEvent{
		{base + 1200, bgp("DOWN", "BGP session went down")},
		{base + 3500, bgp("UP", "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.50.85")},
		{base + 3600, `{"resource_id":"vpn-1_1.1.1.1","type":"RouteStatus","status":"ADVERTISED","message":{"prefix":"10.0.0.0/16","asPath":"64512","localPref":100}}`},
	}))
	return base
}

type qrow map[string]string

func (e *env) query(t *testing.T, q string, start, end int64) ([]qrow, [][]string, *cwl.GetQueryResultsOutput) {
	t.Helper()
	st, err := e.cl.StartQuery(e.ctx, &cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String(q), StartTime: aws.Int64(start), EndTime: aws.Int64(end)})
	wantOK(t, err)
	out, err := e.cl.GetQueryResults(e.ctx, &cwl.GetQueryResultsInput{QueryId: st.QueryId})
	wantOK(t, err)
	if out.Status != types.QueryStatusComplete {
		t.Fatalf("status %s", out.Status)
	}
	var rows []qrow
	var order [][]string
	for _, r := range out.Results {
		row := qrow{}
		var names []string
		for _, f := range r {
			row[*f.Field] = *f.Value
			names = append(names, *f.Field)
		}
		rows = append(rows, row)
		order = append(order, names)
	}
	return rows, order, out
}

func TestInsightsQueries(t *testing.T) {
	e := newEnv(t, nil)
	base := seedVPN(t, e)
	start, end := base/1000, base/1000+59

	rows, order, out := e.query(t, `fields @timestamp, @message | filter @logStream like /vpn-1/ | sort @timestamp desc | limit 20`, start, end)
	if len(rows) != 8 {
		t.Fatalf("vpn-1 events: %d", len(rows))
	}
	if rows[0]["@timestamp"] != "2025-11-08 05:30:03.600" || rows[7]["@timestamp"] != "2025-11-08 05:30:01.000" {
		t.Fatalf("order/rendering: %v .. %v", rows[0]["@timestamp"], rows[7]["@timestamp"])
	}
	if strings.Join(order[0], ",") != "@timestamp,@message,@ptr" || rows[0]["@ptr"] == "" {
		t.Fatalf("fields: %v", order[0])
	}
	if out.Statistics == nil || out.Statistics.RecordsScanned != 9 || out.Statistics.RecordsMatched != 8 || out.Statistics.BytesScanned <= 0 {
		t.Fatalf("statistics: %+v", out.Statistics)
	}

	rows, order, _ = e.query(t, `stats count(*) as n, max(@timestamp) as last by details`, start, end)
	got := map[string]string{}
	for _, r := range rows {
		got[r["details"]] = r["n"] + "@" + r["last"]
	}
	if got["Peer is not responsive - Declaring peer dead"] != "3@2025-11-08 05:30:02.500" || got["CHILD_SA established"] != "2@2025-11-08 05:30:04.000" || got["IKE SA established"] != "1@2025-11-08 05:30:02.000" {
		t.Fatalf("stats by details: %v", got)
	}
	if strings.Join(order[0], ",") != "details,n,last" {
		t.Fatalf("stats columns: %v", order[0])
	}
	// Events without the "by" field form their own group, listed last, without the field.
	if last := rows[len(rows)-1]; len(rows) != 4 || last["n"] != "3" || strings.Join(order[len(order)-1], ",") != "n,last" {
		t.Fatalf("null group: %v", rows)
	}

	rows, _, _ = e.query(t, `filter type = "BGPStatus" | stats latest(status) as bgp, latest(message.details) as last_msg, max(@timestamp) as at by @logStream`, start, end)
	if len(rows) != 1 || rows[0]["@logStream"] != "vpn-1_1.1.1.1" || rows[0]["bgp"] != "UP" ||
		!strings.HasPrefix(rows[0]["last_msg"], "AWS-side peer BGP session state has changed") || rows[0]["at"] != "2025-11-08 05:30:03.500" {
		t.Fatalf("bgp: %v", rows)
	}

	rows, order, _ = e.query(t, `fields @timestamp, @logStream, ike_phase1_state, ike_phase2_state, details | sort @timestamp desc | dedup @logStream`, start, end)
	byStream := map[string]qrow{}
	for _, r := range rows {
		byStream[r["@logStream"]] = r
	}
	if len(rows) != 4 || byStream["vpn-1-1.1.1.1"]["ike_phase2_state"] != "established" || byStream["vpn-1-2.2.2.2"]["details"] != "Peer is not responsive - Declaring peer dead" ||
		byStream["vpn-1-2.2.2.2"]["@timestamp"] != "2025-11-08 05:30:02.500" {
		t.Fatalf("dedup: %v", rows)
	}
	if _, ok := byStream["vpn-1_1.1.1.1"]["ike_phase1_state"]; ok {
		t.Fatal("missing fields must be omitted from a row")
	}
	// Columns follow the fields list, without the ones a row lacks, and @ptr comes last.
	for i, r := range rows {
		want := "@timestamp,@logStream,ike_phase1_state,ike_phase2_state,details,@ptr"
		if r["@logStream"] == "vpn-1_1.1.1.1" {
			want = "@timestamp,@logStream,@ptr"
		}
		if got := strings.Join(order[i], ","); got != want {
			t.Fatalf("dedup columns of %s: %s, want %s", r["@logStream"], got, want)
		}
	}

	// Booleans are 1/0; in, and/or/not, ispresent, !=, numbers.
	rows, _, _ = e.query(t, `filter dpd_enabled = 1 and nat_t_detected = 0 and ike_phase1_state in ["down", "Down"] | stats count(*) as n`, start, end)
	if rows[0]["n"] != "3" {
		t.Fatalf("bool/in: %v", rows)
	}
	rows, _, _ = e.query(t, `fields dpd_enabled | filter ispresent(dpd_enabled) | limit 1`, start, end)
	if rows[0]["dpd_enabled"] != "1" {
		t.Fatalf("bool rendering: %v", rows)
	}
	rows, _, _ = e.query(t, `filter (status = "UP" or status = "DOWN") and not ispresent(ike_phase1_state) and @message not like /RouteStatus/ | sort @timestamp asc | display status`, start, end)
	if len(rows) != 2 || rows[0]["status"] != "DOWN" || rows[1]["status"] != "UP" || len(rows[0]) != 2 {
		t.Fatalf("logic: %v", rows)
	}
	rows, _, _ = e.query(t, `filter message.localPref >= 100 and message.asPath != "1" | fields message.prefix as prefix, message.localPref + 1 as lp`, start, end)
	if len(rows) != 1 || rows[0]["prefix"] != "10.0.0.0/16" || rows[0]["lp"] != "101" {
		t.Fatalf("numbers/aliases: %v", rows)
	}
	rows, _, _ = e.query(t, `stats count(*) as n, count_distinct(@logStream) as streams, min(@timestamp) as first, earliest(details) as d by bin(1h)`, start, end)
	if len(rows) != 1 || rows[0]["bin(1h)"] != "2025-11-08 05:00:00.000" || rows[0]["n"] != "9" || rows[0]["streams"] != "4" ||
		rows[0]["first"] != "2025-11-08 05:30:01.000" || rows[0]["d"] != "Peer is not responsive - Declaring peer dead" {
		t.Fatalf("bin: %v", rows)
	}
	// Default projection without fields/stats: system fields plus @ptr.
	rows, order, _ = e.query(t, `filter @message like "plain text"`, start, base/1000+3600)
	if len(rows) != 1 || strings.Join(order[0], ",") != "@timestamp,@message,@logStream,@log,@ptr" || rows[0]["@log"] != testAccount+":"+vpnGroup {
		t.Fatalf("default fields: %v %v", rows, order)
	}
	// Time range: seconds, inclusive at both ends.
	rows, _, _ = e.query(t, `stats count(*) as n`, start+2, start+3)
	if rows[0]["n"] != "5" { // events at 2.000, 2.500, 3.000, 3.500, 3.600
		t.Fatalf("time range: %v", rows)
	}
	// Natural sort order: non-numbers before numbers; limit after sort.
	rows, _, _ = e.query(t, `fields details | filter ispresent(details) | sort details desc | limit 1`, start, end)
	if rows[0]["details"] != "Peer is not responsive - Declaring peer dead" {
		t.Fatalf("sort desc: %v", rows)
	}
}

func TestInsightsAPIErrors(t *testing.T) {
	e := newEnv(t, nil)
	base := seedVPN(t, e)
	start := func(in *cwl.StartQueryInput) (*cwl.StartQueryOutput, error) {
		if in.StartTime == nil {
			in.StartTime, in.EndTime = aws.Int64(base/1000), aws.Int64(base/1000+60)
		}
		return e.cl.StartQuery(e.ctx, in)
	}
	for _, q := range []string{
		"fields @timestamp |",
		"filter x = ",
		"stats nosuch(x)",
		"parse @message '* *' as a, b",
		"fields a | dedup a | sort a",
		"filter @message like /(unclosed/",
		`filter x = "unterminated`,
		"limit 0",
		"bogus",
	} {
		_, err := start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String(q)})
		var mq *types.MalformedQueryException
		if !asErr(err, &mq) || mq.QueryCompileError == nil || mq.QueryCompileError.Location == nil || *mq.Message == "" {
			t.Errorf("query %q: %v", q, err)
		}
	}
	_, err := start(&cwl.StartQueryInput{QueryString: aws.String("fields @message")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), LogGroupNames: []string{vpnGroup}, QueryString: aws.String("fields @message")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = start(&cwl.StartQueryInput{LogGroupNames: []string{"/nope"}, QueryString: aws.String("fields @message")})
	wantCode(t, err, CodeResourceNotFound)
	_, err = start(&cwl.StartQueryInput{LogGroupIdentifiers: []string{e.arn(vpnGroup) + ":*"}, QueryString: aws.String("fields @message")})
	wantCode(t, err, CodeInvalidParameter)
	_, err = start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String(strings.Repeat(" ", 10001))})
	wantCode(t, err, CodeInvalidParameter)
	_, err = start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String("fields @message"), StartTime: aws.Int64(100), EndTime: aws.Int64(99)})
	wantCode(t, err, CodeInvalidParameter)
	_, err = start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String("fields @message"), QueryLanguage: types.QueryLanguageSql})
	wantCode(t, err, CodeInvalidParameter)
	_, err = e.cl.GetQueryResults(e.ctx, &cwl.GetQueryResultsInput{QueryId: aws.String("00000000-0000-0000-0000-000000000000")})
	wantCode(t, err, CodeResourceNotFound)

	// identifiers by ARN; paging of results with maxItems
	st, err := start(&cwl.StartQueryInput{LogGroupIdentifiers: []string{e.arn(vpnGroup)}, QueryString: aws.String("fields @message | sort @timestamp asc")})
	wantOK(t, err)
	var n int
	var tok *string
	for {
		out, err := e.cl.GetQueryResults(e.ctx, &cwl.GetQueryResultsInput{QueryId: st.QueryId, MaxItems: aws.Int32(4), NextToken: tok})
		wantOK(t, err)
		n += len(out.Results)
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	if n != 9 {
		t.Fatalf("paged results: %d", n)
	}

	// StopQuery; concurrency cap of 100 running (unpolled) queries.
	st, err = start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String("fields @message")})
	wantOK(t, err)
	so, err := e.cl.StopQuery(e.ctx, &cwl.StopQueryInput{QueryId: st.QueryId})
	wantOK(t, err)
	gr, _ := e.cl.GetQueryResults(e.ctx, &cwl.GetQueryResultsInput{QueryId: st.QueryId})
	if !so.Success || gr.Status != types.QueryStatusCancelled {
		t.Fatalf("stop: %v %s", so.Success, gr.Status)
	}
	var ids []*string
	for i := 0; i < MaxConcurrentQueries; i++ {
		st, err := start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String("stats count(*)")})
		wantOK(t, err)
		ids = append(ids, st.QueryId)
	}
	_, err = start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String("stats count(*)")})
	wantCode(t, err, CodeLimitExceeded)
	_, err = e.cl.GetQueryResults(e.ctx, &cwl.GetQueryResultsInput{QueryId: ids[0]})
	wantOK(t, err) // completes one
	_, err = start(&cwl.StartQueryInput{LogGroupName: aws.String(vpnGroup), QueryString: aws.String("stats count(*)")})
	wantOK(t, err)
}

func TestThrottling(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RateLimits = true })
	e.mkGroup(t, "g")
	for i := 0; i < 5; i++ {
		_, err := e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
		wantOK(t, err)
	}
	_, err := e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	var te *types.ThrottlingException
	if !asErr(err, &te) || *te.Message != "Rate exceeded" {
		t.Fatalf("6th call: %v", err)
	}
	// Other operations have their own buckets.
	_, err = e.cl.GetLogEvents(e.ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	wantCode(t, err, CodeResourceNotFound)
	e.clock.Advance(200 * time.Millisecond) // refills one token at 5/s
	_, err = e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	wantOK(t, err)
	_, err = e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	wantCode(t, err, CodeThrottling)
	e.clock.Advance(time.Hour) // burst is capped at the rate
	for i := 0; i < 5; i++ {
		_, err = e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
		wantOK(t, err)
	}
	_, err = e.cl.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	wantCode(t, err, CodeThrottling)
	if RateLimit("DescribeLogStreams") != 25 || RateLimit("GetLogEvents") != 10 || RateLimit("PutLogEvents") != 5000 || RateLimit("StartQuery") != 50 {
		t.Fatal("rate table")
	}
}

func TestConcurrentUse(t *testing.T) {
	s := New(Options{Region: testRegion, AccountID: testAccount})
	if err := s.CreateLogGroup("g"); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	done := make(chan struct{})
	for w := 0; w < 4; w++ {
		go func(w int) {
			defer func() { done <- struct{}{} }()
			stream := fmt.Sprintf("s%d", w)
			s.Handle("CreateLogStream", []byte(`{"logGroupName":"g","logStreamName":"`+stream+`"}`))
			for i := 0; i < 50; i++ {
				body := fmt.Sprintf(`{"logGroupName":"g","logStreamName":%q,"logEvents":[{"timestamp":%d,"message":"m%d"}]}`, stream, now, i)
				if st, resp, _ := s.Handle("PutLogEvents", []byte(body)); st != 200 {
					t.Errorf("put: %s", resp)
				}
				s.Handle("FilterLogEvents", []byte(`{"logGroupName":"g","limit":5}`))
				s.Handle("StartQuery", []byte(fmt.Sprintf(`{"logGroupName":"g","startTime":0,"endTime":%d,"queryString":"stats count(*)"}`, now/1000+10)))
				_ = s.EnableDelivery([]string{s.GroupARN("g")})
				_ = s.AppendEvents("g", stream, []InputEvent{{now, "x"}})
			}
		}(w)
	}
	for w := 0; w < 4; w++ {
		<-done
	}
	total := 0
	for _, st := range s.Streams("g") {
		total += s.EventCount("g", st)
	}
	if total != 400 {
		t.Fatalf("events: %d", total)
	}
}
