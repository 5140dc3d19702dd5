package logdelivery

import (
	"context"
	"reflect"
	"testing"
)

func TestVendedAlternative(t *testing.T) {
	t.Parallel()
	const wildcard = tPrefix + "log-group:/aws/vendedlogs/*"
	delivery := func(doc string) []Policy { return []Policy{{Name: DeliveryPolicyName, Document: doc}} }
	// documentedOneGroup has 421 characters; the wildcard costs 66 in its Resource list (63, two quotes, a comma). A new
	// policy holds it as its first entry (65, no comma) in a skeleton of 355 characters.
	cases := []struct {
		name     string
		policies []Policy
		limit    int
		groups   []string
		ok       bool
		want     VendedAlternative // Groups compared by ARN only
		renamed  []string
	}{
		{
			name: "only vendedlogs groups grow the policy: nothing to rename", policies: delivery(documentedOneGroup),
			groups: []string{"/aws/vendedlogs/vpn/x"},
		},
		{
			name: "ordinary groups, sorted by ARN; the wildcard is appended to the list", policies: delivery(documentedOneGroup),
			groups: []string{"vpn-c", "vpn-b"}, ok: true, renamed: []string{"vpn-b", "vpn-c"},
			want: VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, Growth: 66, FitsSize: true, FitsCount: true}},
		},
		{
			name: "a vendedlogs group of the same projection adds the wildcard already", policies: delivery(documentedOneGroup),
			groups: []string{"vpn-b", "/aws/vendedlogs/vpn/x"}, ok: true, renamed: []string{"vpn-b"},
			want: VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, Growth: 66, FitsSize: true, FitsCount: true}, InProjection: true},
		},
		{
			name: "the policy covers every vendedlogs group already", policies: delivery(observedWithWildcard),
			groups: []string{"vpn-b"}, ok: true, renamed: []string{"vpn-b"},
			want: VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, CoveredBy: DeliveryPolicyName, FitsSize: true, FitsCount: true}},
		},
		{
			name: "an entry for one vendedlogs group does not cover them all",
			policies: delivery(`{"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite","Effect":"Allow",` +
				`"Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],` +
				`"Resource":["` + tPrefix + `log-group:/aws/vendedlogs/vpn-b:log-stream:*"]}]}`),
			groups: []string{"vpn-b"}, ok: true, renamed: []string{"vpn-b"},
			want: VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, Growth: 66, FitsSize: true, FitsCount: true}},
		},
		{
			name: "a Resource string becomes a list: two brackets more", policies: delivery(observedResourceString),
			groups: []string{"vpn-b"}, ok: true, renamed: []string{"vpn-b"},
			want: VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, Growth: 66, Skeleton: 2, FitsSize: true, FitsCount: true}},
		},
		{
			name: "no delivery policy: the whole documented policy with the wildcard", groups: []string{"vpn-b"}, ok: true,
			renamed: []string{"vpn-b"},
			want:    VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, Growth: 65, Skeleton: 355, FitsSize: true, FitsCount: true}},
		},
		{
			name: "no delivery policy and a limit too small for it", limit: 419, groups: []string{"vpn-b"}, ok: true,
			renamed: []string{"vpn-b"},
			want:    VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, Growth: 65, Skeleton: 355, FitsCount: true}},
		},
		{
			name: "one character short of the wildcard", policies: delivery(documentedOneGroup), limit: 421 + 65,
			groups: []string{"vpn-b"}, ok: true, renamed: []string{"vpn-b"},
			want: VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, Growth: 66, FitsCount: true}},
		},
		{
			name: "exactly room for the wildcard", policies: delivery(documentedOneGroup), limit: 421 + 66,
			groups: []string{"vpn-b"}, ok: true, renamed: []string{"vpn-b"},
			want: VendedAlternative{VendedCoverage: VendedCoverage{Entry: wildcard, Growth: 66, FitsSize: true, FitsCount: true}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := NewBudget(tScope, tc.limit, tc.policies)
			var groups []LogGroupARN
			for _, g := range tc.groups {
				groups = append(groups, tGroup(t, g))
			}
			got, ok := b.VendedAlternative(b.Project(groups, ProjectOptions{}))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tc.ok, got)
			}
			var renamed []string
			for _, g := range got.Groups {
				renamed = append(renamed, g.Name)
			}
			if !reflect.DeepEqual(renamed, tc.renamed) {
				t.Errorf("groups %q, want %q", renamed, tc.renamed)
			}
			if !ok {
				return
			}
			got.Groups = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("VendedAlternative = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPolicyNames(t *testing.T) {
	t.Parallel()
	b := NewBudget(tScope, 0, []Policy{
		{Name: "zeta", Document: unrelated},
		{Name: DeliveryPolicyName, Document: documentedOneGroup},
		{Name: "alpha", Document: unrelated},
		{Name: "own", Scope: ScopeResource, Document: unrelated, ResourceARN: tPrefix + "log-group:x"},
	})
	if got, want := b.PolicyNames(), []string{DeliveryPolicyName, "alpha", "zeta"}; !reflect.DeepEqual(got, want) {
		t.Errorf("PolicyNames = %q, want %q", got, want)
	}
	if got := NewBudget(tScope, 0, nil).PolicyNames(); got == nil || len(got) != 0 {
		t.Errorf("PolicyNames of an account without policies = %#v, want empty", got)
	}
}

// A run's result carries the budget it was projected from, even after Invalidate makes the run read again.
func TestRunResultBudget(t *testing.T) {
	t.Parallel()
	docs := []string{documentedOneGroup, observedWithWildcard}
	reads := 0
	run := NewRunProjection(tScope, 5120, func(context.Context) ([]Policy, error) {
		reads++
		return []Policy{{Name: DeliveryPolicyName, Document: docs[reads-1]}}, nil
	})
	res, err := run.Add(context.Background(), []Planned{{Group: tGroup(t, "vpn-b")}})
	if err != nil {
		t.Fatal(err)
	}
	run.Invalidate()
	later, err := run.Budget(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Budget == nil || res.Budget == later || res.Budget.UsedCharacters() != 421 || later.UsedCharacters() == 421 {
		t.Errorf("the result's budget %+v is not the one read before Invalidate", res.Budget)
	}
}

func TestVendedCoverage(t *testing.T) {
	t.Parallel()
	euWest := Scope{Partition: "aws", Region: "eu-west-1", AccountID: tAccount}
	cases := []struct {
		name     string
		policies []Policy
		limit    int
		scope    Scope
		want     VendedCoverage
	}{
		{
			name: "not covered: the wildcard joins the Resource list", scope: tScope,
			policies: []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}},
			want:     VendedCoverage{Entry: tPrefix + "log-group:/aws/vendedlogs/*", Growth: 66, FitsSize: true, FitsCount: true},
		},
		{
			name: "covered", scope: tScope, policies: []Policy{{Name: "custom", Document: observedWithWildcard}},
			want: VendedCoverage{Entry: tPrefix + "log-group:/aws/vendedlogs/*", CoveredBy: "custom", FitsSize: true, FitsCount: true},
		},
		{
			name: "the wildcard of another region does not count", scope: euWest,
			policies: []Policy{{Name: DeliveryPolicyName, Document: observedWithWildcard}},
			want:     VendedCoverage{Entry: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/*", Growth: 66, FitsSize: true, FitsCount: true},
		},
		{
			name: "no delivery policy: the documented one is created", scope: tScope,
			want: VendedCoverage{Entry: tPrefix + "log-group:/aws/vendedlogs/*", Growth: 65, Skeleton: 355, FitsSize: true, FitsCount: true},
		},
		{
			name: "no delivery policy and no room for one: ten other policies", scope: tScope, policies: tenUnrelated(),
			want: VendedCoverage{Entry: tPrefix + "log-group:/aws/vendedlogs/*", Growth: 65, Skeleton: 355, FitsSize: true},
		},
		{
			name: "no room", scope: tScope, limit: 421 + 65,
			policies: []Policy{{Name: DeliveryPolicyName, Document: documentedOneGroup}},
			want:     VendedCoverage{Entry: tPrefix + "log-group:/aws/vendedlogs/*", Growth: 66, FitsCount: true},
		},
	}
	for _, tc := range cases {
		if got := NewBudget(tScope, tc.limit, tc.policies).VendedCoverage(tc.scope); got != tc.want {
			t.Errorf("%s: VendedCoverage = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
