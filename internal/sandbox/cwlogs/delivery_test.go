package cwlogs

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

const acctPrefix = "arn:aws:logs:us-east-1:111122223333:"

func deliveryDoc(t *testing.T, s *Service) string {
	t.Helper()
	p, ok := s.AccountPolicy(DeliveryPolicyName)
	if !ok {
		t.Fatalf("no %s policy", DeliveryPolicyName)
	}
	return p.Document
}

// documentedPolicyFor is the policy AWS documents for log delivery to one group (minified), in the
// test account.
func documentedPolicyFor(group string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite20150319","Effect":"Allow",` +
		`"Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
		`"Resource":["` + acctPrefix + `log-group:` + group + `:log-stream:*"],` +
		`"Condition":{"StringEquals":{"aws:SourceAccount":["111122223333"]},"ArnLike":{"aws:SourceArn":["` + acctPrefix + `*"]}}}]}`
}

func wantDeliveryErr(t *testing.T, err error, code string, contains ...string) {
	t.Helper()
	var de *DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("want *DeliveryError %s, got %v", code, err)
	}
	if de.Code != code {
		t.Fatalf("code %q, want %q (%s)", de.Code, code, de.Message)
	}
	for _, c := range contains {
		if !strings.Contains(de.Message, c) {
			t.Fatalf("message %q does not contain %q", de.Message, c)
		}
	}
}

func TestEnableDeliveryCreatesDocumentedPolicy(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "/vpn/a")
	e.mkGroup(t, "/vpn/b")
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/a") + ":*"}))
	want := documentedPolicyFor("/vpn/a")
	doc := deliveryDoc(t, e.svc)
	if doc != want {
		t.Fatalf("policy:\n%s\nwant\n%s", doc, want)
	}
	// What the API returns is exactly what is stored.
	out, err := e.cl.DescribeResourcePolicies(e.ctx, &cwl.DescribeResourcePoliciesInput{})
	wantOK(t, err)
	if len(out.ResourcePolicies) != 1 || *out.ResourcePolicies[0].PolicyName != DeliveryPolicyName || *out.ResourcePolicies[0].PolicyDocument != want {
		t.Fatalf("described: %+v", out.ResourcePolicies)
	}

	// Second group: grows by exactly len(entry)+3, appended last.
	e.clock.Advance(time.Minute)
	entry := acctPrefix + "log-group:/vpn/b:log-stream:*"
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/b")}))
	doc2 := deliveryDoc(t, e.svc)
	if runeLen(doc2) != runeLen(want)+len(entry)+3 || !strings.Contains(doc2, `log-stream:*","`+entry+`"],"Condition"`) {
		t.Fatalf("grown policy: %s", doc2)
	}
	p, _ := e.svc.AccountPolicy(DeliveryPolicyName)
	if !p.LastUpdated.Equal(testNow.Add(time.Minute)) {
		t.Fatalf("lastUpdated %v", p.LastUpdated)
	}
	// Already covered (both ARN forms): nothing changes, not even the timestamp.
	e.clock.Advance(time.Minute)
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/a"), e.arn("/vpn/b") + ":*"}))
	p2, _ := e.svc.AccountPolicy(DeliveryPolicyName)
	if p2.Document != doc2 || !p2.LastUpdated.Equal(p.LastUpdated) {
		t.Fatal("covered groups changed the policy")
	}
}

func TestEnableDeliveryVendedLogs(t *testing.T) {
	e := newEnv(t, nil)
	for _, n := range []string{"/vpn/a", "/aws/vendedlogs/vpn/1", "/aws/vendedlogs/vpn/2"} {
		e.mkGroup(t, n)
	}
	wildcard := acctPrefix + "log-group:/aws/vendedlogs/*"
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/a")}))
	before := deliveryDoc(t, e.svc)
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/aws/vendedlogs/vpn/1")}))
	after := deliveryDoc(t, e.svc)
	if runeLen(after) != runeLen(before)+len(wildcard)+3 || !strings.Contains(after, `"`+wildcard+`"]`) || strings.Contains(after, "vendedlogs/vpn/1") {
		t.Fatalf("vendedlogs policy: %s", after)
	}
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/aws/vendedlogs/vpn/2")}))
	if deliveryDoc(t, e.svc) != after {
		t.Fatal("a second vendedlogs group must not change the policy")
	}
	// A first-ever vendedlogs group creates the policy with only the wildcard.
	e2 := newEnv(t, nil)
	e2.mkGroup(t, "/aws/vendedlogs/x")
	wantOK(t, e2.svc.EnableDelivery([]string{e2.arn("/aws/vendedlogs/x")}))
	if d := deliveryDoc(t, e2.svc); d != e2.svc.DocumentedDeliveryPolicy(wildcard) {
		t.Fatalf("fresh vendedlogs policy: %s", d)
	}
}

func TestEnableDeliveryThresholdAddsWildcard(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.PolicySizeLimit = 1000 })
	wildcard := acctPrefix + "log-group:/aws/vendedlogs/*"
	for i := 0; i < 20; i++ {
		e.mkGroup(t, fmt.Sprintf("/vpn/group-%02d", i))
	}
	e.mkGroup(t, "/aws/vendedlogs/late")
	prev := ""
	added := -1
	for i := 0; i < 20; i++ {
		err := e.svc.EnableDelivery([]string{e.arn(fmt.Sprintf("/vpn/group-%02d", i))})
		if err != nil {
			wantDeliveryErr(t, err, DeliveryCodeInvalidParameterValue, "over the limit of 1000", "/aws/vendedlogs/")
			if deliveryDoc(t, e.svc) != prev {
				t.Fatal("failed delivery changed the policy")
			}
			break
		}
		doc := deliveryDoc(t, e.svc)
		entry := acctPrefix + fmt.Sprintf("log-group:/vpn/group-%02d:log-stream:*", i)
		if strings.Contains(doc, wildcard) && added < 0 {
			added = i
			// The step that reached 80 % added the group's entry and then the wildcard.
			withoutWildcard := runeLen(prev) + len(entry) + 3
			if withoutWildcard < 800 || runeLen(doc) != withoutWildcard+len(wildcard)+3 {
				t.Fatalf("wildcard added at %d chars (before: %d)", runeLen(doc), runeLen(prev))
			}
		} else if i > 0 && runeLen(doc) != runeLen(prev)+len(entry)+3 {
			t.Fatalf("step %d grew by %d", i, runeLen(doc)-runeLen(prev))
		}
		if added < 0 && runeLen(doc) >= 800 {
			t.Fatalf("at %d chars without the wildcard", runeLen(doc))
		}
		prev = doc
	}
	if added < 0 {
		t.Fatal("wildcard never added")
	}
	if strings.Count(prev, wildcard) != 1 {
		t.Fatal("wildcard must appear once")
	}
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/aws/vendedlogs/late")}))
	if deliveryDoc(t, e.svc) != prev {
		t.Fatal("vendedlogs group after the threshold must already be covered")
	}
}

func TestEnableDeliveryOverflowAndCap(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "/vpn/new")
	e.mkGroup(t, "/vpn/other")
	// Observed variant, padded close to the limit, wildcard already present (so the
	// threshold rule does not apply).
	var res []string
	res = append(res, `"`+acctPrefix+`log-group:/aws/vendedlogs/*"`)
	for i := 0; len(strings.Join(res, ",")) < 4950; i++ {
		res = append(res, fmt.Sprintf(`"%slog-group:/old/g%03d:log-stream:*"`, acctPrefix, i))
	}
	seed := `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":[` + strings.Join(res, ",") + `]}]}`
	e.svc.SeedAccountPolicy(DeliveryPolicyName, seed)
	entry := acctPrefix + "log-group:/vpn/new:log-stream:*"
	n := runeLen(seed) + len(entry) + 3
	if n <= 5120 {
		t.Fatalf("seed too small: %d", n)
	}
	err := e.svc.EnableDelivery([]string{e.arn("/vpn/new")})
	wantDeliveryErr(t, err, DeliveryCodeInvalidParameterValue, fmt.Sprintf("would be %d characters, over the limit of 5120", n), "AWSLogDeliveryWrite20150319")
	if deliveryDoc(t, e.svc) != seed {
		t.Fatal("policy changed on overflow")
	}
	// Covered groups still work with a full policy.
	e.mkGroup(t, "/old/g000")
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/old/g000")}))

	// 11th policy: no delivery policy yet and 10 others.
	e2 := newEnv(t, nil)
	e2.mkGroup(t, "/vpn/a")
	for i := 0; i < 10; i++ {
		e2.svc.SeedAccountPolicy(fmt.Sprintf("other-%d", i), `{}`)
	}
	err = e2.svc.EnableDelivery([]string{e2.arn("/vpn/a")})
	wantDeliveryErr(t, err, DeliveryCodeResourceLimitExceeded, "10")
	if _, ok := e2.svc.AccountPolicy(DeliveryPolicyName); ok || len(e2.svc.AccountPolicies()) != 10 {
		t.Fatal("policy created despite the cap")
	}
	// With the delivery policy among the 10, delivery can still grow it.
	e2.svc.SeedAccountPolicy(DeliveryPolicyName, e2.svc.DocumentedDeliveryPolicy(acctPrefix+"log-group:/x:log-stream:*"))
	_, err = e2.cl.DeleteResourcePolicy(e2.ctx, &cwl.DeleteResourcePolicyInput{PolicyName: aws.String("other-0")})
	wantOK(t, err)
	wantOK(t, e2.svc.EnableDelivery([]string{e2.arn("/vpn/a")}))
}

func TestEnableDeliveryBadTargetsAndAtomicity(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "/vpn/a")
	cases := []struct{ arn, contains string }{
		{"arn:aws:logs:eu-west-1:111122223333:log-group:/vpn/a", "us-east-1"},
		{"arn:aws:logs:us-east-1:444455556666:log-group:/vpn/a:*", "111122223333"},
		{e.arn("/vpn/missing"), "does not exist"},
		{"not-an-arn", "not valid"},
		{"arn:aws:logs:us-east-1:111122223333:log-group:/vpn/a:log-stream:x", "not valid"},
	}
	for _, c := range cases {
		err := e.svc.EnableDelivery([]string{c.arn})
		wantDeliveryErr(t, err, DeliveryCodeInvalidParameterValue, c.contains)
	}
	// All-or-nothing: a good ARN followed by a bad one changes nothing.
	err := e.svc.EnableDelivery([]string{e.arn("/vpn/a"), e.arn("/vpn/missing")})
	wantDeliveryErr(t, err, DeliveryCodeInvalidParameterValue)
	if len(e.svc.AccountPolicies()) != 0 {
		t.Fatal("partial change")
	}
	// Two ARNs whose combined growth overflows: neither is added.
	e2 := newEnv(t, func(o *Options) { o.PolicySizeLimit = 560; o.VendedLogsThreshold = 0.99 })
	e2.mkGroup(t, "/vpn/one")
	e2.mkGroup(t, "/vpn/two")
	e2.mkGroup(t, "/vpn/three")
	wantOK(t, e2.svc.EnableDelivery([]string{e2.arn("/vpn/one")}))
	before := deliveryDoc(t, e2.svc)
	if runeLen(before)+2*(len(acctPrefix+"log-group:/vpn/two:log-stream:*")+3) <= 560 || runeLen(before)+len(acctPrefix+"log-group:/vpn/two:log-stream:*")+3 > 560 {
		t.Fatalf("test sizing: %d", runeLen(before))
	}
	err = e2.svc.EnableDelivery([]string{e2.arn("/vpn/two"), e2.arn("/vpn/three")})
	wantDeliveryErr(t, err, DeliveryCodeInvalidParameterValue, "over the limit of 560")
	if deliveryDoc(t, e2.svc) != before {
		t.Fatal("first ARN applied although the second failed")
	}
	wantOK(t, e2.svc.EnableDelivery(nil))
}

func TestEnableDeliveryObservedVariants(t *testing.T) {
	e := newEnv(t, nil)
	e.mkGroup(t, "/vpn/a")
	e.mkGroup(t, "/vpn/b")
	// Pretty-printed, Sid AWSLogDeliveryWrite, Principal as a string, Resource as a string.
	pretty := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"AWSLogDeliveryWrite\",\n" +
		"      \"Effect\": \"Allow\",\n      \"Principal\": {\"Service\": \"delivery.logs.amazonaws.com\"},\n" +
		"      \"Action\": [\"logs:CreateLogStream\", \"logs:PutLogEvents\"],\n" +
		"      \"Resource\": \"" + acctPrefix + "log-group:/vpn/a:*\"\n    }\n  ]\n}"
	e.svc.SeedAccountPolicy(DeliveryPolicyName, pretty)
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/a")})) // covered by log-group:/vpn/a:*
	if deliveryDoc(t, e.svc) != pretty {
		t.Fatal("covered group must leave the policy untouched")
	}
	wantOK(t, e.svc.EnableDelivery([]string{e.arn("/vpn/b")}))
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},` +
		`"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["` + acctPrefix + `log-group:/vpn/a:*","` + acctPrefix + `log-group:/vpn/b:log-stream:*"]}]}`
	if got := deliveryDoc(t, e.svc); got != want {
		t.Fatalf("edited variant:\n%s\nwant\n%s", got, want)
	}

	// A policy of that name without a delivery statement gets the documented statement appended.
	e2 := newEnv(t, nil)
	e2.mkGroup(t, "/vpn/a")
	other := `{"Version":"2012-10-17","Statement":{"Sid":"Other","Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}}`
	e2.svc.SeedAccountPolicy(DeliveryPolicyName, other)
	wantOK(t, e2.svc.EnableDelivery([]string{e2.arn("/vpn/a")}))
	got := deliveryDoc(t, e2.svc)
	if !strings.HasPrefix(got, `{"Version":"2012-10-17","Statement":[{"Sid":"Other"`) || !strings.Contains(got, `},{"Sid":"AWSLogDeliveryWrite20150319"`) {
		t.Fatalf("appended statement: %s", got)
	}

	// Wildcard resources cover every group.
	e3 := newEnv(t, nil)
	e3.mkGroup(t, "/vpn/a")
	star := `{"Statement":[{"Effect":"Allow","Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":"logs:*","Resource":"` + acctPrefix + `log-group:*"}]}`
	e3.svc.SeedAccountPolicy(DeliveryPolicyName, star)
	wantOK(t, e3.svc.EnableDelivery([]string{e3.arn("/vpn/a")}))
	if deliveryDoc(t, e3.svc) != star {
		t.Fatal("log-group:* must cover")
	}
}

func TestIAMGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "anything", true},
		{"a*c", "abbbc", true},
		{"a?c", "abc", true},
		{"a?c", "abbc", false},
		{acctPrefix + "log-group:/aws/vendedlogs/*", acctPrefix + "log-group:/aws/vendedlogs/x:log-stream:*", true},
		{acctPrefix + "log-group:/aws/vendedlogs/*", acctPrefix + "log-group:/aws/vendedlogsx:log-stream:*", false},
		{acctPrefix + "log-group:g:log-stream:*", acctPrefix + "log-group:g:log-stream:*", true},
		{acctPrefix + "log-group:g:log-stream:*", acctPrefix + "log-group:gg:log-stream:*", false},
	}
	for _, c := range cases {
		if got := awsapi.WildcardMatch(c.p, c.s, false); got != c.want {
			t.Errorf("WildcardMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}
