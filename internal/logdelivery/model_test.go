package logdelivery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go"
)

// groupPolicies is a fake GroupPolicyReader: the own policies of log groups by normalised ARN, with the reads it
// served.
type groupPolicies struct {
	mu       sync.Mutex
	policies map[string][]Policy
	fail     map[string]error
	reads    map[string]int
}

func (f *groupPolicies) read(_ context.Context, arn string) ([]Policy, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reads == nil {
		f.reads = map[string]int{}
	}
	f.reads[arn]++
	if err := f.fail[arn]; err != nil {
		return nil, err
	}
	return f.policies[arn], nil
}

func (f *groupPolicies) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.reads {
		n += c
	}
	return n
}

// ownGrant is a log group's own policy in the form the sandbox writes (the documented statement), for one group.
func ownGrant(name string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite20150319","Effect":"Allow",` +
		`"Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
		`"Resource":["` + tEntry(name) + `"],` +
		`"Condition":{"StringEquals":{"aws:SourceAccount":["123456789012"]},"ArnLike":{"aws:SourceArn":["arn:aws:logs:us-east-1:123456789012:*"]}}}]}`
}

func modelRun(t *testing.T, setting Model, account []Policy, own *groupPolicies, delivering []string) *RunProjection {
	t.Helper()
	var groups []LogGroupARN
	for _, d := range delivering {
		a, err := ParseLogGroupARN(d)
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, a)
	}
	return NewRun(RunConfig{
		Scope: tScope, Model: setting,
		ReadAccount: func(context.Context) ([]Policy, error) { return account, nil },
		ReadGroup:   own.read,
		Delivering:  func(context.Context) ([]LogGroupARN, error) { return groups, nil },
	})
}

func TestModelAuto(t *testing.T) {
	t.Parallel()
	arn := func(name string) string { return tPrefix + "log-group:" + name }
	account := []Policy{{Name: DeliveryPolicyName, Document: observedWithWildcard}} // covers vpn-a and /aws/vendedlogs/*

	t.Run("no tunnel delivers: account, nothing read", func(t *testing.T) {
		t.Parallel()
		own := &groupPolicies{}
		c, err := modelRun(t, ModelAuto, account, own, nil).Model(context.Background())
		if err != nil || c.Model != ModelAccount || own.total() != 0 {
			t.Fatalf("choice %+v, err %v, %d reads", c, err, own.total())
		}
		if r := c.Reason(ExplainOptions{}); !strings.Contains(r, `"auto" chose: no VPN tunnel of the account and region delivers logs yet`) {
			t.Errorf("reason: %s", r)
		}
	})
	t.Run("every delivered group is in the account-level policy: account, nothing read", func(t *testing.T) {
		t.Parallel()
		own := &groupPolicies{}
		c, _ := modelRun(t, ModelAuto, account, own, []string{arn("vpn-a"), arn("/aws/vendedlogs/vpn/x")}).Model(context.Background())
		if c.Model != ModelAccount || own.total() != 0 || c.Delivering != 2 || len(c.Candidates) != 0 {
			t.Fatalf("choice %+v, %d reads", c, own.total())
		}
		if r := c.Reason(ExplainOptions{}); !strings.Contains(r, "the account-level policies cover all 2 log groups that VPN tunnels deliver to") {
			t.Errorf("reason: %s", r)
		}
	})
	t.Run("a delivered group outside them has its own grant: log-group", func(t *testing.T) {
		t.Parallel()
		own := &groupPolicies{policies: map[string][]Policy{arn("/vpn/new"): {{Document: ownGrant("/vpn/new"), ResourceARN: arn("/vpn/new")}}}}
		run := modelRun(t, ModelAuto, account, own, []string{arn("vpn-a"), arn("/vpn/new"), arn("/vpn/other")})
		c, _ := run.Model(context.Background())
		if c.Model != ModelLogGroup || len(c.Evidence) != 1 || c.Evidence[0].LogGroupARN != arn("/vpn/new") || own.total() != 2 {
			t.Fatalf("choice %+v, reads %v", c, own.reads)
		}
		if r := c.Reason(ExplainOptions{ModelSetting: func(m Model) string { return "model=" + string(m) }}); !strings.Contains(r,
			"This assumes the log-group-level model, which model=auto chose: the own resource policy of "+arn("/vpn/new")+
				", a log group that VPN tunnels deliver to, grants delivery.logs.amazonaws.com.") {
			t.Errorf("reason: %s", r)
		}
		// Decided once: no more reads, the same answer.
		if again, _ := run.Model(context.Background()); again.Model != ModelLogGroup || own.total() != 2 {
			t.Errorf("second decision %+v after %d reads", again, own.total())
		}
	})
	t.Run("bounded: at most MaxModelProbes reads, by ARN", func(t *testing.T) {
		t.Parallel()
		own := &groupPolicies{}
		var delivering []string
		for i := 15; i > 0; i-- {
			delivering = append(delivering, arn(fmt.Sprintf("/vpn/g%02d", i)))
		}
		delivering = append(delivering, "arn:aws:logs:eu-west-1:123456789012:log-group:/vpn/elsewhere", "arn:aws:logs:us-east-1:999999999999:log-group:/vpn/other-account")
		c, _ := modelRun(t, ModelAuto, account, own, delivering).Model(context.Background())
		if c.Model != ModelAccount || own.total() != MaxModelProbes || len(c.Candidates) != 15 || c.Probed[0] != arn("/vpn/g01") {
			t.Fatalf("choice %+v, %d reads", c, own.total())
		}
		if own.reads[arn("/vpn/g11")] != 0 {
			t.Error("read a group beyond the bound")
		}
		r := c.Reason(ExplainOptions{})
		for _, want := range []string{"the own resource policies of the 10 log groups that VPN tunnels deliver to outside the account-level policies (" + arn("/vpn/g01"), "; 5 more not read) do not grant delivery.logs.amazonaws.com."} {
			if !strings.Contains(r, want) {
				t.Errorf("reason lacks %q: %s", want, r)
			}
		}
	})
	t.Run("a failed read is no evidence, and is said", func(t *testing.T) {
		t.Parallel()
		own := &groupPolicies{fail: map[string]error{arn("/vpn/x"): errors.New("AccessDeniedException: no")}}
		c, _ := modelRun(t, ModelAuto, account, own, []string{arn("/vpn/x")}).Model(context.Background())
		if c.Model != ModelAccount || c.ProbeErr == nil || !strings.Contains(c.Reason(ExplainOptions{}), "as far as they could be read (AccessDeniedException: no)") {
			t.Fatalf("choice %+v: %s", c, c.Reason(ExplainOptions{}))
		}
	})
	t.Run("an explicit setting reads nothing", func(t *testing.T) {
		t.Parallel()
		for _, m := range []Model{ModelAccount, ModelLogGroup} {
			own := &groupPolicies{policies: map[string][]Policy{arn("/vpn/new"): {{Document: ownGrant("/vpn/new")}}}}
			c, _ := modelRun(t, m, account, own, []string{arn("/vpn/new")}).Model(context.Background())
			if c.Model != m || c.Setting != m || own.total() != 0 {
				t.Errorf("%s: choice %+v, %d reads", m, c, own.total())
			}
			if r := c.Reason(ExplainOptions{}); !strings.Contains(r, fmt.Sprintf("This assumes the %s model, as %q sets.", m.label(), m)) {
				t.Errorf("%s: reason %s", m, r)
			}
		}
	})
	t.Run("the account-level read fails: not decided", func(t *testing.T) {
		t.Parallel()
		run := NewRun(RunConfig{Scope: tScope, ReadAccount: func(context.Context) ([]Policy, error) { return nil, errors.New("boom") }})
		c, err := run.Model(context.Background())
		if err == nil || c.Model != "" || c.Setting != ModelAuto {
			t.Fatalf("choice %+v, err %v", c, err)
		}
		if !strings.Contains(c.Alternative(ExplainOptions{}), `set "account" or "log-group"`) {
			t.Errorf("alternative: %s", c.Alternative(ExplainOptions{}))
		}
	})
}

func TestProjectGroupPolicy(t *testing.T) {
	t.Parallel()
	b := NewBudget(tScope, 0, []Policy{{Name: DeliveryPolicyName, Document: observedWithWildcard}})
	entryCost := func(name string) int { return len(tEntry(name)) + 3 } // quoted, with a comma
	cases := []struct {
		name, group string
		own         []Policy
		covered     string
		new         bool
		growth      int
	}{
		{name: "account-level entry", group: "vpn-a", covered: DeliveryPolicyName},
		{name: "account-level wildcard", group: "/aws/vendedlogs/vpn/x", covered: DeliveryPolicyName},
		// The documented policy, written out in ownGrant, for one group.
		{name: "no policy yet", group: "/vpn/b", new: true, growth: len(ownGrant("/vpn/b"))},
		{name: "own grant", group: "/vpn/b", own: []Policy{{Document: ownGrant("/vpn/b")}}, covered: "the unnamed policy (its own policy)"},
		{name: "own policy for another entry", group: "/vpn/b", own: []Policy{{Name: "p", Document: ownGrant("/vpn/c")}}, growth: entryCost("/vpn/b")},
		{name: "own policy with a string Resource", group: "/vpn/b", own: []Policy{{Name: "p", Document: observedResourceString}}, growth: entryCost("/vpn/b") + 2},
		{name: "own policy for another service", group: "/vpn/b", own: []Policy{{Name: "p", Document: unrelated}},
			growth: len(ownGrant("/vpn/b")) - len(`{"Version":"2012-10-17","Statement":[]}`) + 1},
		{name: "a vendedlogs group is not special", group: "/aws/vendedlogs/vpn/y", new: true, growth: len(ownGrant("/aws/vendedlogs/vpn/y"))},
	}
	for _, tc := range cases {
		g := tGroup(t, tc.group)
		bb := b
		if strings.HasPrefix(tc.name, "a vendedlogs") {
			bb = NewBudget(tScope, 0, []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}})
		}
		got := bb.ProjectGroupPolicy(g, tc.own)
		if got.CoveredBy != tc.covered || got.NewPolicy != tc.new || got.Growth != tc.growth || got.Limit != GroupPolicySizeLimit {
			t.Errorf("%s: %+v; want covered %q, new %v, growth %d", tc.name, got, tc.covered, tc.new, tc.growth)
		}
		cur := 0
		if len(tc.own) > 0 {
			cur = len(tc.own[0].Document)
		}
		if tc.covered == "" && (got.CurrentBytes != cur || got.ProjectedBytes != cur+tc.growth || got.Entry != tEntry(tc.group)) {
			t.Errorf("%s: sizes %d -> %d, entry %q", tc.name, got.CurrentBytes, got.ProjectedBytes, got.Entry)
		}
		if tc.new && got.Text != ownGrant(tc.group) {
			t.Errorf("%s: new policy\n%s\nwant\n%s", tc.name, got.Text, ownGrant(tc.group))
		}
	}
}

// A policy padded to size bytes, granting delivery on another group's entry, so that enabling delivery to a group
// appends to it.
func paddedOwnPolicy(size int) string {
	doc := ownGrant("/vpn/pad")
	return strings.Replace(doc, `"Sid":"AWSLogDeliveryWrite20150319"`, `"Sid":"AWSLogDeliveryWrite20150319`+strings.Repeat("x", size-len(doc))+`"`, 1)
}

func TestRunUnderLogGroupModel(t *testing.T) {
	t.Parallel()
	arn := func(name string) string { return tPrefix + "log-group:" + name }
	full := paddedOwnPolicy(GroupPolicySizeLimit - 50)
	near := paddedOwnPolicy(47000)
	own := &groupPolicies{policies: map[string][]Policy{
		arn("/vpn/full"): {{Name: "busy", Document: full}},
		arn("/vpn/near"): {{Name: "busy", Document: near}},
	}, fail: map[string]error{arn("/vpn/denied"): &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not allowed"}}}
	run := modelRun(t, ModelLogGroup, []Policy{{Name: DeliveryPolicyName, Document: observedWithWildcard}}, own, nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = run.Add(context.Background(), []Planned{{Group: tGroup(t, "/vpn/fresh"), Source: fmt.Sprintf("r%d", i)}})
		}()
	}
	wg.Wait()
	if own.reads[arn("/vpn/fresh")] != 1 {
		t.Fatalf("the own policy of /vpn/fresh was read %d times by 20 concurrent calls, want once", own.reads[arn("/vpn/fresh")])
	}
	res, err := run.Add(context.Background(), []Planned{{Group: tGroup(t, "vpn-a")}, {Group: tGroup(t, "/vpn/near"), Source: "t-near"}})
	if err != nil || !res.Fits() || res.ProjectedCharacters != res.CurrentCharacters {
		t.Fatalf("err %v, fits %v, account-level %d -> %d", err, res.Fits(), res.CurrentCharacters, res.ProjectedCharacters)
	}
	if own.reads[arn("vpn-a")] != 0 {
		t.Error("read the own policy of a group the account-level policy covers")
	}
	findings := res.Explain(ExplainOptions{Change: "the change"}, false)
	if len(findings) != 1 || findings[0].Summary != SummaryGroupNearLimit || findings[0].Severity != SeverityWarning {
		t.Fatalf("findings %+v", findings)
	}
	for _, want := range []string{
		"would bring the own CloudWatch Logs resource policy of 1 log group (the log-group-level policy, not the account-level one) close to its limit of 51200 bytes",
		fmt.Sprintf("%s: busy from 47000 to %d bytes, 92%% of the limit; %d bytes would remain (t-near)", arn("/vpn/near"), 47000+len(tEntry("/vpn/near"))+3, GroupPolicySizeLimit-47000-len(tEntry("/vpn/near"))-3),
		`This assumes the log-group-level model, as "log-group" sets.`,
	} {
		if !strings.Contains(findings[0].Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, findings[0].Detail)
		}
	}

	res, _ = run.Add(context.Background(), []Planned{{Group: tGroup(t, "/vpn/full"), Source: "t-full"}, {Group: tGroup(t, "/vpn/denied")}})
	if res.Fits() {
		t.Error("a full group's policy fits")
	}
	findings = res.Explain(ExplainOptions{Change: "the change", When: "at apply time", ModelSetting: func(m Model) string { return "--m " + string(m) }}, false)
	if len(findings) != 2 || findings[0].Summary != SummaryGroupOverLimit || findings[1].Summary != SummaryNotChecked {
		t.Fatalf("findings %+v", findings)
	}
	over := findings[0]
	grown := len(full) + len(tEntry("/vpn/full")) + 3
	for _, want := range []string{
		"past its limit of 51200 bytes. AWS would reject the change at apply time.",
		fmt.Sprintf("%s: busy from %d to %d bytes, %d over (+%d for %s) (t-full)", arn("/vpn/full"), len(full), grown, grown-GroupPolicySizeLimit, grown-len(full), tEntry("/vpn/full")),
	} {
		if !strings.Contains(over.Detail, want) {
			t.Errorf("error lacks %q:\n%s", want, over.Detail)
		}
	}
	for _, want := range []string{
		"Remove from each group's policy the statements it no longer needs",
		"deliver to log groups whose names start with /aws/vendedlogs/: the account-level policy AWSLogDeliveryWrite20150319 already grants delivery on all of them",
		"/vpn/full -> /aws/vendedlogs/vpn/full",
		"as the Site-to-Site VPN guide describes, set --m account.",
	} {
		if !strings.Contains(over.Fix, want) {
			t.Errorf("fix lacks %q:\n%s", want, over.Fix)
		}
	}
	if d := findings[1].Detail; !strings.Contains(d, "(logs:DescribeResourcePolicies with policy scope RESOURCE, in us-east-1) was denied (access denied)") ||
		!strings.Contains(d, arn("/vpn/denied")) {
		t.Errorf("not-checked detail:\n%s", d)
	}

	// After Invalidate the groups' own policies are read again; the model stays.
	before := own.total()
	run.Invalidate()
	if _, err := run.Add(context.Background(), nil); err != nil || own.total() <= before {
		t.Errorf("after Invalidate: err %v, reads %d -> %d", err, before, own.total())
	}
}

// Without an account-level wildcard, the vendedlogs advice says what it takes for AWS to create no group policy.
func TestGroupFixWithoutWildcard(t *testing.T) {
	t.Parallel()
	own := &groupPolicies{policies: map[string][]Policy{
		tPrefix + "log-group:/vpn/full": {{Name: "busy", Document: paddedOwnPolicy(GroupPolicySizeLimit - 10)}},
	}}
	run := modelRun(t, ModelLogGroup, []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}}, own, nil)
	res, _ := run.Add(context.Background(), []Planned{{Group: tGroup(t, "/vpn/full")}})
	f := res.Explain(ExplainOptions{}, false)
	if len(f) != 1 || !strings.Contains(f[0].Fix, "AWS creates no policy of their own once an account-level policy grants delivery.logs.amazonaws.com "+
		"logs:CreateLogStream and logs:PutLogEvents on "+tPrefix+"log-group:/aws/vendedlogs/*") {
		t.Errorf("findings %+v", f)
	}
}

func TestParseModel(t *testing.T) {
	t.Parallel()
	for _, ok := range Models() {
		if m, err := ParseModel(ok); err != nil || string(m) != ok {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for in, guess := range map[string]string{"LOG_GROUP": "log-group", "loggroup": "log-group", "Account": "account", "Auto": "auto", "v2": ""} {
		_, err := ParseModel(in)
		if err == nil {
			t.Errorf("%s accepted", in)
			continue
		}
		if hint := fmt.Sprintf("did you mean %q?", guess); (guess != "") != strings.Contains(err.Error(), hint) {
			t.Errorf("%s: %v", in, err)
		}
	}
}
