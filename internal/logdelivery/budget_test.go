package logdelivery

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	tPrefix  = "arn:aws:logs:us-east-1:123456789012:"
	tAccount = "123456789012"
)

var tScope = Scope{Partition: "aws", Region: "us-east-1", AccountID: tAccount}

func tGroup(t *testing.T, name string) LogGroupARN {
	t.Helper()
	a, err := ParseLogGroupARN(tPrefix + "log-group:" + name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func tEntry(name string) string { return tPrefix + "log-group:" + name + ":log-stream:*" }

// The documented form (docs/design/aws-behaviour.md §3.4), minified, written out by hand so the test does not share code with
// DocumentedPolicy.
const documentedOneGroup = `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite20150319","Effect":"Allow",` +
	`"Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
	`"Resource":["arn:aws:logs:us-east-1:123456789012:log-group:vpn-a:log-stream:*"],` +
	`"Condition":{"StringEquals":{"aws:SourceAccount":["123456789012"]},"ArnLike":{"aws:SourceArn":["arn:aws:logs:us-east-1:123456789012:*"]}}}]}`

// The observed variant (aws/aws-cdk#28577): Sid AWSLogDeliveryWrite, Principal.Service a string, no Condition,
// with the vendedlogs wildcard.
const observedWithWildcard = `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite","Effect":"Allow",` +
	`"Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
	`"Resource":["arn:aws:logs:us-east-1:123456789012:log-group:vpn-a:log-stream:*","arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/*"]}]}`

// Observed variant with Resource as a string.
const observedResourceString = `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite","Effect":"Allow",` +
	`"Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
	`"Resource":"arn:aws:logs:us-east-1:123456789012:log-group:vpn-a:log-stream:*"}]}`

const prettyPrinted = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AWSLogDeliveryWrite",
      "Effect": "Allow",
      "Principal": { "Service": [ "delivery.logs.amazonaws.com" ] },
      "Action": [ "logs:CreateLogStream", "logs:PutLogEvents" ],
      "Resource": [
        "arn:aws:logs:us-east-1:123456789012:log-group:vpn-a:log-stream:*"
      ]
    }
  ]
}`

// A policy with multi-byte characters (a Sid and a condition value outside ASCII).
const multiByte = `{"Version":"2012-10-17","Statement":[{"Sid":"Zustellung-für-VPN-日本","Effect":"Allow",` +
	`"Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":"logs:*",` +
	`"Resource":["arn:aws:logs:us-east-1:123456789012:log-group:vpn-a:log-stream:*"],` +
	`"Condition":{"StringEquals":{"aws:PrincipalTag/équipe":["réseau"]}}}]}`

const unrelated = `{"Version":"2012-10-17","Statement":[{"Sid":"Route53","Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},` +
	`"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/*"}]}`

func TestCharacters(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"documented": documentedOneGroup, "observed": observedWithWildcard, "pretty": prettyPrinted, "multi-byte": multiByte,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := Characters(doc)
			if want := utf8.RuneCountInString(doc); got != want {
				t.Errorf("Characters = %d, want %d code points", got, want)
			}
			if name == "multi-byte" && got == len(doc) {
				t.Errorf("Characters = %d counts bytes, not code points", got)
			}
		})
	}
}

func TestDocumentedPolicyMatchesReference(t *testing.T) {
	t.Parallel()
	got := DocumentedPolicy(tScope, []string{tEntry("vpn-a")})
	if got != documentedOneGroup {
		t.Errorf("DocumentedPolicy =\n%s\nwant\n%s", got, documentedOneGroup)
	}
}

// insertBeforeResourceEnd inserts text just before the closing bracket of the (single) Resource list that ends
// with lastEntry; it is how the test states, independently of Project, what AWS would store.
func insertAfter(t *testing.T, doc, anchor, text string) string {
	t.Helper()
	i := strings.Index(doc, anchor)
	if i < 0 {
		t.Fatalf("anchor %q not in document", anchor)
	}
	out := doc[:i+len(anchor)] + text + doc[i+len(anchor):]
	if !json.Valid([]byte(out)) {
		t.Fatalf("expected document is not JSON: %s", out)
	}
	return out
}

func TestProject(t *testing.T) {
	t.Parallel()
	q := func(s string) string { return `"` + s + `"` }
	type want struct {
		expectedDoc  func(t *testing.T) string // the document AWS would store; nil: no change
		text         string
		newPolicy    bool
		fitsCount    bool
		policyName   string
		growing      []string
		uncovered    []string
		vendedCover  bool
		coveredNames []string
	}
	cases := map[string]struct {
		policies []Policy
		groups   []string
		opts     ProjectOptions
		want     want
	}{
		"documented form, new ordinary group": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}},
			groups:   []string{"vpn-b"},
			want: want{
				expectedDoc: func(t *testing.T) string {
					return insertAfter(t, documentedOneGroup, q(tEntry("vpn-a")), ","+q(tEntry("vpn-b")))
				},
				text: "," + q(tEntry("vpn-b")), fitsCount: true, policyName: DeliveryPolicyName,
				growing: []string{"vpn-b"}, uncovered: []string{"vpn-b"}, coveredNames: []string{"vpn-a"},
			},
		},
		"documented form, group already covered": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}},
			groups:   []string{"vpn-a"},
			want:     want{fitsCount: true, policyName: DeliveryPolicyName, coveredNames: []string{"vpn-a"}},
		},
		"documented form, two vendedlogs groups add one wildcard": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}},
			groups:   []string{"/aws/vendedlogs/vpn/a", "/aws/vendedlogs/vpn/b"},
			want: want{
				expectedDoc: func(t *testing.T) string {
					return insertAfter(t, documentedOneGroup, q(tEntry("vpn-a")), ","+q(tPrefix+"log-group:/aws/vendedlogs/*"))
				},
				text: "," + q(tPrefix+"log-group:/aws/vendedlogs/*"), fitsCount: true, policyName: DeliveryPolicyName,
				growing: []string{"/aws/vendedlogs/vpn/a"}, uncovered: []string{"/aws/vendedlogs/vpn/a", "/aws/vendedlogs/vpn/b"},
				coveredNames: []string{"vpn-a"},
			},
		},
		"observed variant with wildcard covers vendedlogs": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: observedWithWildcard}},
			groups:   []string{"/aws/vendedlogs/vpn/a", "vpn-b", "vpn-b"},
			want: want{
				expectedDoc: func(t *testing.T) string {
					return insertAfter(t, observedWithWildcard, q(tPrefix+"log-group:/aws/vendedlogs/*"), ","+q(tEntry("vpn-b")))
				},
				text: "," + q(tEntry("vpn-b")), fitsCount: true, policyName: DeliveryPolicyName,
				growing: []string{"vpn-b"}, uncovered: []string{"vpn-b"}, vendedCover: true, coveredNames: []string{"vpn-a"},
			},
		},
		"observed variant with Resource as a string": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: observedResourceString}},
			groups:   []string{"vpn-b"},
			want: want{
				expectedDoc: func(t *testing.T) string {
					return strings.Replace(observedResourceString, `"Resource":`+q(tEntry("vpn-a")),
						`"Resource":[`+q(tEntry("vpn-a"))+","+q(tEntry("vpn-b"))+"]", 1)
				},
				text: "[" + q(tEntry("vpn-a")) + "," + q(tEntry("vpn-b")) + "]", fitsCount: true, policyName: DeliveryPolicyName,
				growing: []string{"vpn-b"}, uncovered: []string{"vpn-b"}, coveredNames: []string{"vpn-a"},
			},
		},
		"pretty-printed keeps its whitespace": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: prettyPrinted}},
			groups:   []string{"vpn-b"},
			want: want{
				expectedDoc: func(t *testing.T) string {
					return insertAfter(t, prettyPrinted, q(tEntry("vpn-a")), ","+q(tEntry("vpn-b")))
				},
				text: "," + q(tEntry("vpn-b")), fitsCount: true, policyName: DeliveryPolicyName,
				growing: []string{"vpn-b"}, uncovered: []string{"vpn-b"}, coveredNames: []string{"vpn-a"},
			},
		},
		"multi-byte characters, policy found by its statement": {
			policies: []Policy{{Name: "my-delivery", Document: multiByte}, {Name: "route53", Document: unrelated}},
			groups:   []string{"vpn-b"},
			want: want{
				expectedDoc: func(t *testing.T) string {
					return insertAfter(t, multiByte, q(tEntry("vpn-a")), ","+q(tEntry("vpn-b")))
				},
				text: "," + q(tEntry("vpn-b")), fitsCount: true, policyName: "my-delivery",
				growing: []string{"vpn-b"}, uncovered: []string{"vpn-b"}, coveredNames: []string{"vpn-a"},
			},
		},
		"no delivery policy: AWS creates the documented one": {
			policies: []Policy{{Name: "route53", Document: unrelated}},
			groups:   []string{"vpn-a"},
			want: want{
				expectedDoc: func(*testing.T) string { return documentedOneGroup },
				text:        documentedOneGroup, newPolicy: true, fitsCount: true, policyName: DeliveryPolicyName,
				growing: []string{"vpn-a"}, uncovered: []string{"vpn-a"},
			},
		},
		"no delivery policy and ten others: the new one would be the 11th": {
			policies: tenUnrelated(),
			groups:   []string{"/aws/vendedlogs/vpn/a"},
			want: want{
				expectedDoc: func(*testing.T) string {
					return strings.Replace(documentedOneGroup, tEntry("vpn-a"), tPrefix+"log-group:/aws/vendedlogs/*", 1)
				},
				text:      strings.Replace(documentedOneGroup, tEntry("vpn-a"), tPrefix+"log-group:/aws/vendedlogs/*", 1),
				newPolicy: true, fitsCount: false, policyName: DeliveryPolicyName,
				growing: []string{"/aws/vendedlogs/vpn/a"}, uncovered: []string{"/aws/vendedlogs/vpn/a"},
			},
		},
		"policy named for delivery without a delivery statement gets the statement": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: unrelated}},
			groups:   []string{"vpn-a"},
			want: want{
				expectedDoc: func(t *testing.T) string {
					stmt := documentedOneGroup[strings.Index(documentedOneGroup, `{"Sid"`) : len(documentedOneGroup)-2]
					return strings.Replace(unrelated, `"Statement":[`, `"Statement":[`+stmt+",", 1)
				},
				text:      "," + documentedOneGroup[strings.Index(documentedOneGroup, `{"Sid"`):len(documentedOneGroup)-2],
				fitsCount: true, policyName: DeliveryPolicyName, growing: []string{"vpn-a"}, uncovered: []string{"vpn-a"},
			},
		},
		"group covered by its own log-group-level policy": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}},
			groups:   []string{"vpn-b"},
			opts: ProjectOptions{ResourcePolicies: []Policy{{
				Name: "AWSLogDeliveryWrite-vpn-b", Scope: ScopeResource, ResourceARN: tPrefix + "log-group:vpn-b",
				Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},` +
					`"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"` + tPrefix + `log-group:vpn-b:*"}]}`,
			}}},
			want: want{fitsCount: true, policyName: DeliveryPolicyName, coveredNames: []string{"vpn-a"}},
		},
		"account-wide wildcard covers everything": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: strings.Replace(documentedOneGroup, tEntry("vpn-a"), tPrefix+"log-group:*", 1)}},
			groups:   []string{"vpn-b", "/aws/vendedlogs/x"},
			want:     want{fitsCount: true, policyName: DeliveryPolicyName, vendedCover: true},
		},
		"empty Resource list": {
			policies: []Policy{{Name: DeliveryPolicyName, Document: strings.Replace(documentedOneGroup, q(tEntry("vpn-a")), "", 1)}},
			groups:   []string{"vpn-b", "vpn-c"},
			want: want{
				expectedDoc: func(*testing.T) string {
					return strings.Replace(documentedOneGroup, q(tEntry("vpn-a")), q(tEntry("vpn-b"))+","+q(tEntry("vpn-c")), 1)
				},
				text: q(tEntry("vpn-b")) + "," + q(tEntry("vpn-c")), fitsCount: true, policyName: DeliveryPolicyName,
				growing: []string{"vpn-b", "vpn-c"}, uncovered: []string{"vpn-b", "vpn-c"},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := NewBudget(tScope, 5120, tc.policies)
			var groups []LogGroupARN
			for _, n := range tc.groups {
				groups = append(groups, tGroup(t, n))
			}
			p := b.Project(groups, tc.opts)
			w := tc.want
			cur := 0
			if dp, ok := b.DeliveryPolicy(); ok {
				cur = utf8.RuneCountInString(dp.Document)
			}
			if p.CurrentCharacters != cur || b.UsedCharacters() != cur {
				t.Errorf("CurrentCharacters = %d, UsedCharacters = %d, want %d", p.CurrentCharacters, b.UsedCharacters(), cur)
			}
			wantProjected := cur
			if w.expectedDoc != nil {
				wantProjected = utf8.RuneCountInString(w.expectedDoc(t))
			}
			if p.ProjectedCharacters != wantProjected {
				t.Errorf("ProjectedCharacters = %d, want %d", p.ProjectedCharacters, wantProjected)
			}
			if p.Text != w.text {
				t.Errorf("Text = %s\nwant %s", p.Text, w.text)
			}
			if p.NewPolicy != w.newPolicy || p.FitsCount() != w.fitsCount || p.PolicyName != w.policyName {
				t.Errorf("NewPolicy %v FitsCount %v PolicyName %q; want %v %v %q", p.NewPolicy, p.FitsCount(), p.PolicyName, w.newPolicy, w.fitsCount, w.policyName)
			}
			sum := 0
			var growing []string
			for _, g := range p.Growing() {
				growing = append(growing, g.Name)
				sum += g.Growth
			}
			if strings.Join(growing, ",") != strings.Join(w.growing, ",") {
				t.Errorf("growing = %v, want %v", growing, w.growing)
			}
			// Each entry's growth plus what AWS adds around the entries is the whole growth; a new policy starts from 0.
			if cur+p.Skeleton+sum != p.ProjectedCharacters {
				t.Errorf("per-group growth %d and skeleton %d do not add up: %d + %d + %d != %d", sum, p.Skeleton, cur, p.Skeleton, sum, p.ProjectedCharacters)
			}
			if (p.Skeleton == 0) != (p.SkeletonWhat == "") {
				t.Errorf("Skeleton %d described as %q", p.Skeleton, p.SkeletonWhat)
			}
			for _, g := range p.Growing() {
				// An entry adds itself quoted, and a comma unless it is the first entry of a list.
				if q := Characters(jsonString(g.Entry)); g.Growth != q && g.Growth != q+1 {
					t.Errorf("%s grows the policy by %d, want %d or %d (its quoted entry, with a comma)", g.Name, g.Growth, q, q+1)
				}
			}
			var uncovered []string
			for _, u := range p.Uncovered() {
				a, _ := ParseLogGroupARN(u)
				uncovered = append(uncovered, a.Name)
			}
			if strings.Join(uncovered, ",") != strings.Join(w.uncovered, ",") {
				t.Errorf("uncovered = %v, want %v", uncovered, w.uncovered)
			}
			if b.VendedLogsCovered != w.vendedCover {
				t.Errorf("VendedLogsCovered = %v, want %v", b.VendedLogsCovered, w.vendedCover)
			}
			var covered []string
			for _, c := range b.CoveredLogGroupARNs {
				a, _ := ParseLogGroupARN(c)
				covered = append(covered, a.Name)
			}
			if strings.Join(covered, ",") != strings.Join(w.coveredNames, ",") {
				t.Errorf("CoveredLogGroupARNs = %v, want %v", covered, w.coveredNames)
			}
		})
	}
}

func tenUnrelated() []Policy {
	var out []Policy
	for i := range 10 {
		out = append(out, Policy{Name: "other-" + string(rune('a'+i)), Scope: ScopeAccount, Document: unrelated})
	}
	return out
}

func TestProjectGrowthPerGroup(t *testing.T) {
	t.Parallel()
	b := NewBudget(tScope, 0, []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}})
	if b.Limit != DefaultPolicySizeLimit {
		t.Fatalf("default limit = %d", b.Limit)
	}
	g := tGroup(t, "/vpn/prod-1")
	p := b.Project([]LogGroupARN{g}, ProjectOptions{})
	if want := len(DeliveryEntry(g)) + 3; p.Groups[0].Growth != want {
		t.Errorf("growth = %d, want len(entry)+3 = %d", p.Groups[0].Growth, want)
	}
}

func TestProjectFitsAndNearLimit(t *testing.T) {
	t.Parallel()
	cur := Characters(documentedOneGroup)
	g := tGroup(t, "vpn-b")
	growth := len(DeliveryEntry(g)) + 3
	cases := []struct {
		limit      int
		fits, near bool
	}{
		{limit: cur + growth, fits: true, near: true},
		{limit: cur + growth - 1, fits: false, near: true},
		{limit: int(float64(cur+growth)/0.9) + 1, fits: true, near: false},
		{limit: int(float64(cur+growth) / 0.9), fits: true, near: true},
	}
	for _, tc := range cases {
		p := NewBudget(tScope, tc.limit, []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}}).Project([]LogGroupARN{g}, ProjectOptions{})
		if p.Fits() != tc.fits || p.NearLimit() != tc.near {
			t.Errorf("limit %d: projected %d, Fits %v NearLimit %v; want %v %v", tc.limit, p.ProjectedCharacters, p.Fits(), p.NearLimit(), tc.fits, tc.near)
		}
		if p.Remaining() != tc.limit-p.ProjectedCharacters {
			t.Errorf("Remaining = %d", p.Remaining())
		}
	}
}

func TestBudgetIgnoresResourceScopeAndInfersAccount(t *testing.T) {
	t.Parallel()
	b := NewBudget(Scope{Partition: "aws", Region: "us-east-1"}, 5120, []Policy{
		{Name: DeliveryPolicyName, Scope: ScopeAccount, Document: observedWithWildcard},
		{Name: "per-group", Scope: ScopeResource, ResourceARN: tPrefix + "log-group:x", Document: unrelated},
	})
	if b.PolicyCount() != 1 {
		t.Errorf("PolicyCount = %d, want 1 (RESOURCE scope is not counted)", b.PolicyCount())
	}
	if b.Scope.AccountID != tAccount || !b.VendedLogsCovered {
		t.Errorf("Scope = %+v, VendedLogsCovered = %v", b.Scope, b.VendedLogsCovered)
	}
	if strings.Join(b.Wildcards, ",") != tPrefix+"log-group:/aws/vendedlogs/*" {
		t.Errorf("Wildcards = %v", b.Wildcards)
	}
}

func TestParsePolicyVariants(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		doc      string
		delivery bool
		parseErr bool
	}{
		"documented":           {doc: documentedOneGroup, delivery: true},
		"observed":             {doc: observedWithWildcard, delivery: true},
		"pretty":               {doc: prettyPrinted, delivery: true},
		"logs:* action":        {doc: multiByte, delivery: true},
		"other principal":      {doc: unrelated},
		"statement object":     {doc: `{"Statement":{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}}`, delivery: true},
		"deny":                 {doc: `{"Statement":[{"Effect":"Deny","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}`},
		"NotResource":          {doc: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"logs:PutLogEvents","NotResource":"x"}]}`},
		"principal star":       {doc: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"logs:PutLogEvents","Resource":"*"}]}`},
		"other action":         {doc: `{"Statement":[{"Effect":"Allow","Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":"logs:DeleteLogGroup","Resource":"*"}]}`},
		"case-insensitive":     {doc: `{"Statement":[{"Effect":"Allow","Principal":{"Service":["Delivery.Logs.AmazonAWS.com"]},"Action":"LOGS:putlogevents","Resource":"*"}]}`, delivery: true},
		"not JSON":             {doc: `{"Statement":[`, parseErr: true},
		"not an object":        {doc: `[]`, parseErr: true},
		"trailing data":        {doc: `{} {}`, parseErr: true},
		"statement not a list": {doc: `{"Statement":"x"}`, parseErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			info := analyzePolicy(Policy{Name: "p", Scope: ScopeAccount, Document: tc.doc})
			if (info.ParseError != nil) != tc.parseErr {
				t.Fatalf("ParseError = %v, want error %v", info.ParseError, tc.parseErr)
			}
			if info.GrantsDelivery != tc.delivery {
				t.Errorf("GrantsDelivery = %v, want %v", info.GrantsDelivery, tc.delivery)
			}
		})
	}
}

func TestUnparseableDeliveryPolicyAssumesListAppend(t *testing.T) {
	t.Parallel()
	b := NewBudget(tScope, 5120, []Policy{{Name: DeliveryPolicyName, Document: "not json"}})
	p := b.Project([]LogGroupARN{tGroup(t, "vpn-b")}, ProjectOptions{})
	if want := Characters("not json") + len(tEntry("vpn-b")) + 3; p.ProjectedCharacters != want || p.NewPolicy {
		t.Errorf("projected %d (new %v), want %d", p.ProjectedCharacters, p.NewPolicy, want)
	}
}

func TestVendedName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/vpn/prod":            "/aws/vendedlogs/vpn/prod",
		"vpn-prod":             "/aws/vendedlogs/vpn-prod",
		"//x":                  "/aws/vendedlogs/x",
		"/aws/vendedlogs/vpn":  "/aws/vendedlogs/vpn",
		"/aws/vendedlogsx/vpn": "/aws/vendedlogs/aws/vendedlogsx/vpn",
	} {
		if got := VendedName(in); got != want {
			t.Errorf("VendedName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "anything", true},
		{"a*c", "abbbc", true},
		{"a?c", "abc", true},
		{"a?c", "abbc", false},
		{tPrefix + "log-group:/aws/vendedlogs/*", tEntry("/aws/vendedlogs/x/y"), true},
		{tPrefix + "log-group:/aws/vendedlogs/*", tEntry("/aws/other"), false},
		{tEntry("vpn-a"), tEntry("vpn-a"), true},
		{tEntry("vpn-a"), tEntry("vpn-ab"), false},
		{tPrefix + "log-group:vpn-a", tEntry("vpn-a"), false},
	} {
		if got := globMatch(tc.p, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

func TestValidateNewLogGroupName(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"/aws/vendedlogs/vpn": true, "vpn_prod.1#a": true, "aws/vpn": false, "": false, "a b": false,
		strings.Repeat("a", 512): true, strings.Repeat("a", 513): false,
	} {
		if err := ValidateNewLogGroupName(name); (err == nil) != ok {
			t.Errorf("ValidateNewLogGroupName(%q) = %v", name, err)
		}
	}
}
