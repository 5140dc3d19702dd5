package cwlogs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func logGroupModel(o *Options) { o.DeliveryPolicyModel = DeliveryModelLogGroup }

// groupPolicy reads a log group's RESOURCE-scope policy the way a client does: through the API.
// ok is false when the group has none.
func (e *env) groupPolicy(t *testing.T, name string) (p types.ResourcePolicy, ok bool) {
	t.Helper()
	out, err := e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{
		PolicyScope: types.PolicyScopeResource, ResourceArn: aws.String(e.arn(name)),
	})
	wantOK(t, err)
	switch len(out.ResourcePolicies) {
	case 0:
		return types.ResourcePolicy{}, false
	case 1:
		return out.ResourcePolicies[0], true
	}
	t.Fatalf("%s has %d resource policies", name, len(out.ResourcePolicies))
	return types.ResourcePolicy{}, false
}

// putGroupPolicy creates a log group's policy through the API, without a name, and returns its revisionId.
func (e *env) putGroupPolicy(t *testing.T, name, doc string) string {
	t.Helper()
	out, err := e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyDocument: aws.String(doc), ResourceArn: aws.String(e.arn(name))})
	wantOK(t, err)
	return *out.RevisionId
}

func TestLogGroupModelCreatesTheGroupsPolicy(t *testing.T) {
	e := newEnv(t, logGroupModel)
	e.mkGroup(t, "/vpn/a")
	e.mkGroup(t, "/vpn/b")
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/a") + ":*"}))

	want := documentedPolicyFor("/vpn/a")
	p, ok := e.groupPolicy(t, "/vpn/a")
	if !ok {
		t.Fatal("no log-group-level policy created")
	}
	if *p.PolicyDocument != want || *p.PolicyName != "AWSLogDeliveryWrite20150319" || p.PolicyScope != types.PolicyScopeResource ||
		*p.ResourceArn != e.arn("/vpn/a") || *p.RevisionId != "1" || *p.LastUpdatedTime != testNow.UnixMilli() {
		t.Fatalf("policy: name %v scope %s arn %v rev %v at %v\n%s\nwant\n%s", aws.ToString(p.PolicyName), p.PolicyScope,
			aws.ToString(p.ResourceArn), aws.ToString(p.RevisionId), aws.ToInt64(p.LastUpdatedTime), aws.ToString(p.PolicyDocument), want)
	}
	// The account level is untouched: no AWSLogDeliveryWrite20150319 there.
	out, err := e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{})
	wantOK(t, err)
	if len(out.ResourcePolicies) != 0 {
		t.Fatalf("account-level policies: %+v", out.ResourcePolicies)
	}
	if _, ok := e.groupPolicy(t, "/vpn/b"); ok {
		t.Fatal("another group got a policy")
	}

	// Enabling it again (both ARN forms, twice in one call) changes nothing: same revision, same time.
	e.clock.Advance(time.Minute)
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/a"), e.arn("/vpn/a") + ":*"}))
	if again, _ := e.groupPolicy(t, "/vpn/a"); *again.RevisionId != "1" || *again.LastUpdatedTime != testNow.UnixMilli() || *again.PolicyDocument != want {
		t.Fatalf("covered group changed its policy: %+v", again)
	}
	// A second group gets its own policy, the first keeps its own.
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/b")}))
	pb, ok := e.groupPolicy(t, "/vpn/b")
	if !ok || !strings.Contains(*pb.PolicyDocument, `"Resource":["`+acctPrefix+`log-group:/vpn/b:log-stream:*"]`) || *pb.RevisionId != "1" {
		t.Fatalf("second group's policy: %+v", pb)
	}
	if pa, _ := e.groupPolicy(t, "/vpn/a"); *pa.PolicyDocument != want {
		t.Fatal("the second group changed the first group's policy")
	}
}

func TestLogGroupModelAccountGrantsCover(t *testing.T) {
	e := newEnv(t, logGroupModel)
	for _, n := range []string{"/aws/vendedlogs/vpn/bgp", "/vpn/plain", "/vpn/listed", "/vpn/denied"} {
		e.mkGroup(t, n)
	}
	// A user's own account-level policy with the vendedlogs wildcard (any name), the delivery policy left
	// over from the account model with one explicit entry, and statements that do not grant delivery.
	wildcard := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},` +
		`"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"` + acctPrefix + `log-group:/aws/vendedlogs/*"}]}`
	legacy := e.svc.DocumentedDeliveryPolicy(acctPrefix + "log-group:/vpn/listed:log-stream:*")
	notDelivery := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Deny","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"logs:*","Resource":"*"},` +
		`{"Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":"logs:*","Resource":"*"}]}`
	for name, doc := range map[string]string{"vendedlogs-wildcard": wildcard, DeliveryPolicyName: legacy, "others": notDelivery} {
		_, err := e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
		wantOK(t, err)
	}
	before := e.svc.AccountPolicies()

	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/aws/vendedlogs/vpn/bgp"), e.arn("/vpn/listed"), e.arn("/vpn/denied"), e.arn("/vpn/plain")}))
	for group, wantPolicy := range map[string]bool{"/aws/vendedlogs/vpn/bgp": false, "/vpn/listed": false, "/vpn/denied": true, "/vpn/plain": true} {
		if _, got := e.groupPolicy(t, group); got != wantPolicy {
			t.Errorf("%s: has a log-group-level policy = %v, want %v", group, got, wantPolicy)
		}
	}
	after := e.svc.AccountPolicies()
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("account-level policies changed:\n%v\n%v", before, after)
	}

	// Without the wildcard, a /aws/vendedlogs/ group is a group like any other.
	e2 := newEnv(t, logGroupModel)
	e2.mkGroup(t, "/aws/vendedlogs/vpn/bgp")
	wantOK(t, e2.svc.EnableDelivery([]string{e2.arn("/aws/vendedlogs/vpn/bgp")}))
	if p, ok := e2.groupPolicy(t, "/aws/vendedlogs/vpn/bgp"); !ok || !strings.Contains(*p.PolicyDocument, "log-group:/aws/vendedlogs/vpn/bgp:log-stream:*") {
		t.Fatalf("vendedlogs group without a wildcard: %+v", p)
	}
	if len(e2.svc.AccountPolicies()) != 0 {
		t.Fatal("the log-group model created an account-level policy")
	}
}

func TestLogGroupModelExtendsAnExistingPolicy(t *testing.T) {
	e := newEnv(t, logGroupModel)
	e.mkGroup(t, "/vpn/shared")
	e.mkGroup(t, "/vpn/granted")
	// The group already has a policy for another service, created without a name.
	route53 := `{"Version":"2012-10-17","Statement":{"Sid":"Route53","Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},` +
		`"Action":"logs:PutLogEvents","Resource":"*"}}`
	rev := e.putGroupPolicy(t, "/vpn/shared", route53)
	if rev != "1" {
		t.Fatalf("first revision %q", rev)
	}
	e.clock.Advance(time.Minute)
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/shared")}))
	p, _ := e.groupPolicy(t, "/vpn/shared")
	doc := *p.PolicyDocument
	if !strings.HasPrefix(doc, `{"Version":"2012-10-17","Statement":[{"Sid":"Route53"`) ||
		!strings.Contains(doc, `},{"Sid":"AWSLogDeliveryWrite20150319","Effect":"Allow"`) ||
		!strings.Contains(doc, `"Resource":["`+acctPrefix+`log-group:/vpn/shared:log-stream:*"]`) {
		t.Fatalf("extended policy: %s", doc)
	}
	if p.PolicyName != nil || *p.RevisionId != "2" || *p.LastUpdatedTime != testNow.Add(time.Minute).UnixMilli() {
		t.Fatalf("extended policy: name %v, revision %v, updated %v", aws.ToString(p.PolicyName), aws.ToString(p.RevisionId), aws.ToInt64(p.LastUpdatedTime))
	}
	// The user's next write with the revision they last saw is a concurrent modification now.
	_, err := e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyDocument: aws.String(route53), ResourceArn: aws.String(e.arn("/vpn/shared")), ExpectedRevisionId: aws.String("1")})
	wantCode(t, err, CodeOperationAborted)

	// A policy whose delivery statement names other resources gets the group's entry appended to it.
	other := `{"Version":"2012-10-17","Statement":[{"Sid":"Mine","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},` +
		`"Action":"logs:PutLogEvents","Resource":"` + acctPrefix + `log-group:/vpn/elsewhere:*"}]}`
	e.putGroupPolicy(t, "/vpn/granted", other)
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/granted")}))
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"Mine","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},` +
		`"Action":"logs:PutLogEvents","Resource":["` + acctPrefix + `log-group:/vpn/elsewhere:*","` + acctPrefix + `log-group:/vpn/granted:log-stream:*"]}]}`
	if p, _ := e.groupPolicy(t, "/vpn/granted"); *p.PolicyDocument != want || *p.RevisionId != "2" {
		t.Fatalf("extended delivery statement:\n%s\nwant\n%s", *p.PolicyDocument, want)
	}
}

func TestLogGroupModelRefusesAFullPolicy(t *testing.T) {
	e := newEnv(t, logGroupModel)
	e.mkGroup(t, "/vpn/full")
	e.mkGroup(t, "/vpn/fine")
	// A policy 200 bytes short of 51,200: the documented statement (about 380 bytes) does not fit.
	full := docOfLen(51200-200, "x")
	e.putGroupPolicy(t, "/vpn/full", full)
	// The documented statement goes into the empty Statement list.
	grown := len(full) + len(e.svc.DocumentedDeliveryPolicy(acctPrefix+"log-group:/vpn/full:log-stream:*")) - len(`{"Version":"2012-10-17","Statement":[]}`)
	err := e.svc.EnableDelivery([]string{e.arn("/vpn/fine"), e.arn("/vpn/full")})
	wantDeliveryErr(t, err, DeliveryCodeInvalidParameterValue,
		"the resource policy of CloudWatch Logs log group /vpn/full would be "+fmt.Sprint(grown)+" bytes, over the limit of 51200 bytes",
		"/aws/vendedlogs/")
	if p, _ := e.groupPolicy(t, "/vpn/full"); *p.PolicyDocument != full || *p.RevisionId != "1" {
		t.Fatal("the refused delivery changed the full policy")
	}
	if _, ok := e.groupPolicy(t, "/vpn/fine"); ok {
		t.Fatal("all or nothing: the group listed before the full one got a policy")
	}
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/fine")}))

	// The limit is in bytes: a document that fits in characters but not in bytes is refused too.
	e.mkGroup(t, "/vpn/multibyte")
	_, err = e.cl.PutResourcePolicy(e.ctx, &cwl.PutResourcePolicyInput{PolicyDocument: aws.String(docOfLen(40000, "é")), ResourceArn: aws.String(e.arn("/vpn/multibyte"))})
	if errCode(t, err) != CodeInvalidParameter || !strings.Contains(err.Error(), "either < 1 or > 51200") {
		t.Fatalf("a 40,000-character, %d-byte document: %v", len(docOfLen(40000, "é")), err)
	}
	// A group policy that is valid JSON but not a policy object cannot be edited.
	e.mkGroup(t, "/vpn/odd")
	e.putGroupPolicy(t, "/vpn/odd", `[1,2]`)
	wantDeliveryErr(t, e.svc.EnableDelivery([]string{e.arn("/vpn/odd")}), DeliveryCodeInternalError, "log group /vpn/odd is not a valid JSON policy document")
}

func TestAccountModelCreatesNoGroupPolicy(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "/vpn/a")
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/a")}))
	if _, ok := e.groupPolicy(t, "/vpn/a"); ok {
		t.Fatal("the account model created a log-group-level policy")
	}
	if _, ok := e.svc.AccountPolicy(DeliveryPolicyName); !ok {
		t.Fatal("the account model did not grow the account-level policy")
	}
}

func TestDeliveryPolicyModelOption(t *testing.T) {
	if got := New(Options{}).opt.DeliveryPolicyModel; got != DeliveryModelAccount {
		t.Fatalf("default model %q", got)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `"group" is not one of [account log-group]`) {
			t.Fatalf("an unknown model: recovered %v", r)
		}
	}()
	New(Options{DeliveryPolicyModel: "group"})
}

func FuzzEnableLogGroupDelivery(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Resource":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/vendedlogs/*"}]}`, "/vpn/a")
	f.Add(`{"Statement":{"Effect":"Allow","Principal":{"Service":["delivery.logs.amazonaws.com"]},"Resource":[]}}`, `{}`, "/aws/vendedlogs/a")
	f.Add(`[1,2]`, `"x"`, "g")
	f.Fuzz(func(t *testing.T, groupDoc, accountDoc, group string) {
		clock := &fakeClock{t: testNow}
		s := New(Options{Region: testRegion, AccountID: testAccount, Now: clock.Now, ResourcePolicySizeLimit: 2000, DeliveryPolicyModel: DeliveryModelLogGroup})
		if s.CreateLogGroup(group) != nil {
			return
		}
		arn := s.groupARN(group)
		s.SeedAccountPolicy("seeded", accountDoc)
		body, _ := json.Marshal(map[string]string{"policyDocument": groupDoc, "resourceArn": arn})
		s.Handle("PutResourcePolicy", body)
		before := s.ResourcePolicies(arn)
		account := s.AccountPolicies()
		err := s.EnableDelivery([]string{arn})
		after := s.ResourcePolicies(arn)
		if fmt.Sprint(s.AccountPolicies()) != fmt.Sprint(account) {
			t.Fatal("the log-group model changed an account-level policy")
		}
		if err != nil || len(after) == 0 || (len(before) == 1 && after[0].Document == before[0].Document) {
			// Refused, covered at the account level, or covered by the group's own policy.
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("delivery that changed nothing (err %v) touched the group's policy", err)
			}
			return
		}
		p := after[0]
		if len(p.Document) > 2000 || !json.Valid([]byte(p.Document)) || !strings.Contains(p.Document, deliveryPrincipal) {
			t.Fatalf("bad edited policy (%d bytes): %s", len(p.Document), p.Document)
		}
		want := "1"
		if len(before) == 1 {
			n, _ := strconv.Atoi(before[0].RevisionID)
			want = strconv.Itoa(n + 1)
		}
		if p.RevisionID != want {
			t.Fatalf("revision %q after %v, want %q", p.RevisionID, before, want)
		}
		// Delivery is idempotent.
		wantOK(t, s.EnableDelivery([]string{arn + ":*"}))
		if again := s.ResourcePolicies(arn); fmt.Sprint(again) != fmt.Sprint(after) {
			t.Fatal("enabling a covered group again changed its policy")
		}
	})
}
