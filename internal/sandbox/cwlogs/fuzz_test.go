package cwlogs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// fuzzService is a seeded service whose panics surface (Options.SurfacePanics), so that the fuzzers see them.
func fuzzService() *Service {
	clock := &fakeClock{t: testNow}
	s := New(Options{Region: testRegion, AccountID: testAccount, Now: clock.Now, PolicySizeLimit: 2000, SurfacePanics: true})
	_ = s.CreateLogGroup("/aws/vpn/logs")
	_ = s.CreateLogGroup("/aws/vendedlogs/vpn")
	base := testNow.Add(-time.Minute).UnixMilli()
	_ = s.AppendEvents("/aws/vpn/logs", "vpn-1-1.1.1.1", []InputEvent{
		{base, `{"ike_phase1_state":"down","details":"Peer is not responsive","dpd_enabled":true,"n":5,"a":[1,{"b":null}]}`},
		{base + 1, `{"type":"BGPStatus","status":"UP","message":{"details":"up"}}`},
		{base + 2, `ERROR plain text 404 12`},
	})
	s.SeedAccountPolicy("other", `{"Version":"2012-10-17","Statement":[]}`)
	return s
}

var fuzzSeeds = []struct{ op, body string }{
	{"CreateLogGroup", `{"logGroupName":"x","tags":{"a":"b"},"logGroupClass":"STANDARD","kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/abc"}`},
	{"DeleteLogGroup", `{"logGroupName":"/aws/vpn/logs"}`},
	{"DescribeLogGroups", `{"limit":1,"logGroupNamePrefix":"/aws"}`},
	{"DescribeLogGroups", `{"nextToken":"bGcAL2F3cw","logGroupNamePattern":"vpn"}`},
	{"PutRetentionPolicy", `{"logGroupName":"/aws/vpn/logs","retentionInDays":7}`},
	{"DeleteRetentionPolicy", `{"logGroupName":"/aws/vpn/logs"}`},
	{"TagResource", `{"resourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/vpn/logs:*","tags":{"k":"v"}}`},
	{"UntagResource", `{"resourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/vpn/logs","tagKeys":["k"]}`},
	{"ListTagsForResource", `{"resourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/vpn/logs"}`},
	{"CreateLogStream", `{"logGroupName":"/aws/vpn/logs","logStreamName":"s"}`},
	{"DescribeLogStreams", `{"logGroupIdentifier":"/aws/vpn/logs","orderBy":"LastEventTime","descending":true,"limit":1}`},
	{"PutLogEvents", `{"logGroupName":"/aws/vpn/logs","logStreamName":"vpn-1-1.1.1.1","logEvents":[{"timestamp":1762581600000,"message":"m"}]}`},
	{"GetLogEvents", `{"logGroupName":"/aws/vpn/logs","logStreamName":"vpn-1-1.1.1.1","startFromHead":true,"limit":1}`},
	{"GetLogEvents", `{"logGroupName":"/aws/vpn/logs","logStreamName":"vpn-1-1.1.1.1","nextToken":"b/092233720368547758070000000000000000001"}`},
	{"FilterLogEvents", `{"logGroupName":"/aws/vpn/logs","filterPattern":"{ $.n > 3 && $.details = \"Peer*\" }","limit":1}`},
	{"FilterLogEvents", `{"logGroupName":"/aws/vpn/logs","filterPattern":"[a, b=plain, ..., c>10]","startFromHead":false,"startTime":1704067200000}`},
	{"FilterLogEvents", `{"logGroupName":"/aws/vpn/logs","filterPattern":"?ERROR ?\"not resp\" -x"}`},
	{"PutResourcePolicy", `{"policyName":"p","policyDocument":"{}"}`},
	{"PutResourcePolicy", `{"policyName":"p","policyDocument":"{}","resourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/vpn/logs","expectedRevisionId":"x"}`},
	{"DescribeResourcePolicies", `{"policyScope":"RESOURCE","resourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/vpn/logs"}`},
	{"DeleteResourcePolicy", `{"policyName":"other"}`},
	{"StartQuery", `{"logGroupName":"/aws/vpn/logs","startTime":0,"endTime":1862581600,"queryString":"filter type = \"BGPStatus\" | stats latest(status) as bgp, latest(message.details) as m, max(@timestamp) as at by @logStream"}`},
	{"StartQuery", `{"logGroupNames":["/aws/vpn/logs"],"startTime":0,"endTime":1862581600,"queryString":"fields @timestamp, a.1.b, n * 2 as d | sort @timestamp desc | dedup @logStream | limit 3"}`},
	{"GetQueryResults", `{"queryId":"x","maxItems":1}`},
	{"StopQuery", `{"queryId":"x"}`},
	{"AssociateKmsKey", `{"logGroupName":"/aws/vpn/logs","kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/abc"}`},
	{"AssociateKmsKey", `{"resourceIdentifier":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/vpn/logs:*","kmsKeyId":"arn:aws:kms:eu-west-1:111122223333:key/abc"}`},
	{"DisassociateKmsKey", `{"logGroupName":"/aws/vpn/logs"}`},
	{"DisassociateKmsKey", `{"resourceIdentifier":"arn:aws:logs:us-east-1:111122223333:query-result:*"}`},
	{"Nope", `{}`},
	{"CreateLogGroup", `{"logGroupName":`},
}

func checkResponse(t *testing.T, op string, status int, resp []byte, code string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(resp, &m); err != nil {
		t.Fatalf("%s: response is not a JSON object: %q", op, resp)
	}
	if code == "" {
		if status != 200 {
			t.Fatalf("%s: status %d without an error code", op, status)
		}
		if _, has := m["__type"]; has {
			t.Fatalf("%s: success with __type", op)
		}
		return
	}
	if status != 400 && status != 500 {
		t.Fatalf("%s: error %s with status %d", op, code, status)
	}
	if m["__type"] != code {
		t.Fatalf("%s: __type %v, errCode %q", op, m["__type"], code)
	}
	if msg, ok := m["message"].(string); !ok || msg == "" {
		t.Fatalf("%s: error without message: %s", op, resp)
	}
	if code == CodeInternalServer {
		t.Fatalf("%s: internal error: %s", op, resp)
	}
}

func FuzzHandle(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.op, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		s := fuzzService()
		status, resp, code := s.Handle(op, body)
		checkResponse(t, op, status, resp, code)
		if op == "StartQuery" && code == "" {
			var out struct{ QueryID string }
			_ = json.Unmarshal(resp, &out)
			b, _ := json.Marshal(map[string]any{"queryId": out.QueryID})
			status, resp, code = s.Handle("GetQueryResults", b)
			checkResponse(t, "GetQueryResults", status, resp, code)
		}
	})
}

func FuzzInsightsQuery(f *testing.F) {
	for _, q := range []string{
		`fields @timestamp, @message | filter @logStream like /vpn-1/ | sort @timestamp desc | limit 20`,
		`stats count(*) as n, max(@timestamp) as last by details`,
		`filter type = "BGPStatus" | stats latest(status) as bgp, latest(message.details) as last_msg, max(@timestamp) as at by @logStream`,
		`fields @timestamp, @logStream, ike_phase1_state | sort @timestamp desc | dedup @logStream`,
		`filter x in ["a", 1] and not ispresent(y) or strlen(concat(a, "b")) > -2 | stats pct(n, 50), avg(n), sum(n) by bin(5m)`,
		"# comment\nfields `odd name`, substr(details, 1, 3) as s | display s",
	} {
		f.Add(q)
	}
	s := fuzzService()
	f.Fuzz(func(t *testing.T, q string) {
		cmds, m := parseQuery(q)
		if m != nil {
			if m.msg == "" || m.start < 0 || m.end < m.start {
				t.Fatalf("bad malformed report %+v", m)
			}
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.runQuery(cmds, []*logGroup{s.groups["/aws/vpn/logs"]}, 0, 1<<50, 100)
	})
}

func FuzzFilterPattern(f *testing.F) {
	for _, p := range []string{"ERROR", `"a b" ?c -d`, `{ $.a.b[0] = "x*" || ($.n >= 3 && $.c IS TRUE) }`, `[a, b != x, ..., c <= 5]`, `%ab+c%`} {
		f.Add(p, `{"a":{"b":["xy"]},"n":4,"c":true}`)
	}
	f.Fuzz(func(t *testing.T, p, msg string) {
		m, err := compileFilterPattern(p)
		if err != nil {
			if err.Code != CodeInvalidParameter {
				t.Fatalf("code %s", err.Code)
			}
			return
		}
		m(msg)
	})
}

func FuzzEnableDelivery(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:PutLogEvents"],"Resource":"x"}]}`, "/vpn/a")
	f.Add(`{"Statement":{"Effect":"Allow","Principal":{"Service":["delivery.logs.amazonaws.com"]},"Resource":[]}}`, "/aws/vendedlogs/a")
	f.Add(`[1,2]`, "g")
	f.Fuzz(func(t *testing.T, doc, group string) {
		s := fuzzService()
		_ = s.CreateLogGroup(group)
		s.SeedAccountPolicy(DeliveryPolicyName, doc)
		err := s.EnableDelivery([]string{s.groupARN(group)})
		p, _ := s.AccountPolicy(DeliveryPolicyName)
		if err != nil {
			if p.Document != doc {
				t.Fatalf("failed delivery changed the policy")
			}
			return
		}
		if p.Document != doc {
			if runeLen(p.Document) > 2000 || !json.Valid([]byte(p.Document)) {
				t.Fatalf("bad edited policy (%d chars): %s", runeLen(p.Document), p.Document)
			}
			if !strings.Contains(p.Document, "delivery.logs.amazonaws.com") {
				t.Fatalf("edited policy lacks the principal")
			}
		}
	})
}
