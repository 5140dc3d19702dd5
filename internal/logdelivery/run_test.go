package logdelivery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

type fakePolicies struct {
	calls  atomic.Int32
	pages  [][]cwltypes.ResourcePolicy
	err    error
	inputs []cloudwatchlogs.DescribeResourcePoliciesInput
	mu     sync.Mutex
}

func (f *fakePolicies) DescribeResourcePolicies(_ context.Context, in *cloudwatchlogs.DescribeResourcePoliciesInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeResourcePoliciesOutput, error) {
	f.calls.Add(1)
	f.mu.Lock()
	f.inputs = append(f.inputs, *in)
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	page := 0
	if in.NextToken != nil {
		_, _ = fmt.Sscanf(*in.NextToken, "page%d", &page)
	}
	out := &cloudwatchlogs.DescribeResourcePoliciesOutput{ResourcePolicies: f.pages[page]}
	if page+1 < len(f.pages) {
		out.NextToken = aws.String(fmt.Sprintf("page%d", page+1))
	}
	return out, nil
}

func rp(name, doc string) cwltypes.ResourcePolicy {
	return cwltypes.ResourcePolicy{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}
}

func TestReadAccountPolicies(t *testing.T) {
	t.Parallel()
	t.Run("one call without nextToken", func(t *testing.T) {
		t.Parallel()
		f := &fakePolicies{pages: [][]cwltypes.ResourcePolicy{{rp(DeliveryPolicyName, documentedOneGroup), rp("other", unrelated)}}}
		got, err := ReadAccountPolicies(context.Background(), f)
		if err != nil || len(got) != 2 || f.calls.Load() != 1 {
			t.Fatalf("got %v, %v after %d calls", got, err, f.calls.Load())
		}
		if got[0].Scope != ScopeAccount || f.inputs[0].PolicyScope != cwltypes.PolicyScopeAccount || f.inputs[0].ResourceArn != nil {
			t.Errorf("scope %q, input %+v", got[0].Scope, f.inputs[0])
		}
	})
	t.Run("pages when AWS returns a nextToken", func(t *testing.T) {
		t.Parallel()
		f := &fakePolicies{pages: [][]cwltypes.ResourcePolicy{{rp("a", unrelated)}, {rp("b", unrelated)}, {rp("c", unrelated)}}}
		got, err := ReadAccountPolicies(context.Background(), f)
		if err != nil || len(got) != 3 || f.calls.Load() != 3 {
			t.Fatalf("got %v, %v after %d calls", got, err, f.calls.Load())
		}
	})
	t.Run("access denied", func(t *testing.T) {
		t.Parallel()
		f := &fakePolicies{err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}}
		_, err := ReadAccountPolicies(context.Background(), f)
		var re *ReadError
		if !errors.As(err, &re) || !awsconfig.IsAccessDenied(err) || re.Scope != ScopeAccount {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("resource scope, a log group that does not exist", func(t *testing.T) {
		t.Parallel()
		f := &fakePolicies{err: &cwltypes.ResourceNotFoundException{Message: aws.String("no such log group")}}
		if ps, err := ReadResourcePolicies(context.Background(), f, tPrefix+"log-group:x"); err != nil || ps != nil {
			t.Fatalf("got %v, %v; want no policy and no error", ps, err)
		}
	})
	t.Run("resource scope", func(t *testing.T) {
		t.Parallel()
		f := &fakePolicies{pages: [][]cwltypes.ResourcePolicy{{}}}
		if _, err := ReadResourcePolicies(context.Background(), f, tPrefix+"log-group:x:*"); err != nil {
			t.Fatal(err)
		}
		in := f.inputs[0]
		if in.PolicyScope != cwltypes.PolicyScopeResource || aws.ToString(in.ResourceArn) != tPrefix+"log-group:x" {
			t.Errorf("input %+v", in)
		}
	})
}

func TestRunProjectionReadsOnceAndAggregates(t *testing.T) {
	t.Parallel()
	f := &fakePolicies{pages: [][]cwltypes.ResourcePolicy{{rp(DeliveryPolicyName, documentedOneGroup)}}}
	run := NewRunProjection(tScope, 5120, func(ctx context.Context) ([]Policy, error) { return ReadAccountPolicies(ctx, f) })
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := tGroup(t, fmt.Sprintf("vpn-%02d", i))
			if _, err := run.Add(context.Background(), []Planned{{Group: g, Source: fmt.Sprintf("r%d", i)}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if f.calls.Load() != 1 {
		t.Fatalf("DescribeResourcePolicies called %d times, want 1", f.calls.Load())
	}
	res, err := run.Add(context.Background(), []Planned{{Group: tGroup(t, "vpn-00"), Source: "again"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Growing()) != 20 {
		t.Errorf("growing = %d groups, want 20", len(res.Growing()))
	}
	if got := res.Sources[tGroup(t, "vpn-00").String()]; len(got) != 2 || got[1] != "again" {
		t.Errorf("sources = %v", got)
	}
	if !contributes(res) {
		t.Error("vpn-00 grows the policy, so the call contributes")
	}
	res, _ = run.Add(context.Background(), []Planned{{Group: tGroup(t, "vpn-a")}})
	if contributes(res) {
		t.Error("vpn-a is already covered and must not contribute")
	}
	want := Characters(documentedOneGroup)
	for i := range 20 {
		want += len(DeliveryEntry(tGroup(t, fmt.Sprintf("vpn-%02d", i)))) + 3
	}
	if res.ProjectedCharacters != want {
		t.Errorf("projected %d, want %d", res.ProjectedCharacters, want)
	}
}

func TestRunProjectionRemembersFailure(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	run := NewRunProjection(tScope, 5120, func(context.Context) ([]Policy, error) {
		calls.Add(1)
		return nil, errors.New("boom")
	})
	for range 3 {
		if _, err := run.Add(context.Background(), []Planned{{Group: tGroup(t, "x")}}); err == nil {
			t.Fatal("want the read error")
		}
	}
	if _, err := run.Budget(context.Background()); err == nil || calls.Load() != 1 {
		t.Fatalf("err %v after %d reads", err, calls.Load())
	}
}

// After Invalidate the next use reads again and sees what a change did: a group AWS has added no longer grows the
// projection, while concurrent users still share one read.
func TestRunProjectionInvalidate(t *testing.T) {
	t.Parallel()
	f := &fakePolicies{pages: [][]cwltypes.ResourcePolicy{{}}}
	run := NewRunProjection(tScope, 5120, func(ctx context.Context) ([]Policy, error) { return ReadAccountPolicies(ctx, f) })
	a := tGroup(t, "vpn-a")
	res, err := run.Add(context.Background(), []Planned{{Group: a, Source: "t1"}})
	if err != nil || !res.NewPolicy || !contributes(res) {
		t.Fatalf("before: err=%v new=%v contributes=%v", err, res.NewPolicy, contributes(res))
	}
	// AWS created the delivery policy for vpn-a (the documented form covering exactly that group).
	f.pages = [][]cwltypes.ResourcePolicy{{rp(DeliveryPolicyName, documentedOneGroup)}}
	if _, err := run.Budget(context.Background()); err != nil || f.calls.Load() != 1 {
		t.Fatalf("without Invalidate the read must be reused: calls=%d err=%v", f.calls.Load(), err)
	}
	run.Invalidate()
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = run.Budget(context.Background()) }()
	}
	wg.Wait()
	if f.calls.Load() != 2 {
		t.Fatalf("DescribeResourcePolicies called %d times, want 2 (one before, one shared after Invalidate)", f.calls.Load())
	}
	b, _ := run.Budget(context.Background())
	if b.UsedCharacters() != len([]rune(documentedOneGroup)) {
		t.Errorf("used = %d, want %d", b.UsedCharacters(), len([]rune(documentedOneGroup)))
	}
	res, err = run.Add(context.Background(), []Planned{{Group: a, Source: "t1 again"}})
	if err != nil || res.NewPolicy || contributes(res) {
		t.Errorf("after: err=%v new=%v contributes=%v: a covered group must add nothing", err, res.NewPolicy, contributes(res))
	}
}

// contributes reports whether a group of the Add call that gave res adds characters to the account-level projection.
func contributes(res RunResult) bool {
	for _, g := range res.Growing() {
		if slices.Contains(res.Added, g.LogGroupARN) {
			return true
		}
	}
	return false
}
