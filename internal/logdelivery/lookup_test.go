package logdelivery

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// Against the sandbox: concurrent callers share the calls, each group is read once per run, and 120 distinct groups
// take ceil(120/50) = 3 DescribeLogGroups calls.
func TestGroupLookupSharesCalls(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, nil)
	var names []string
	for i := range 120 {
		name := fmt.Sprintf("/vpn/group-%03d", i)
		names = append(names, name)
		if i%2 == 0 { // every other group exists
			acctest.CreateLogGroup(t, srv, name)
		}
	}
	srv.ResetStats()
	l := NewGroupLookup(acctest.Logs(srv), 20*time.Millisecond)

	// 40 concurrent callers each ask for 30 groups: every group is asked for by 10 callers.
	var wg sync.WaitGroup
	results := make([][]string, 40)
	errs := make([]error, 40)
	for c := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []string
			for i := range 30 {
				mine = append(mine, names[(c*3+i)%120])
			}
			results[c], errs[c] = l.Missing(context.Background(), mine)
		}()
	}
	wg.Wait()
	for c := range 40 {
		if errs[c] != nil {
			t.Fatalf("caller %d: %v", c, errs[c])
		}
		for _, m := range results[c] {
			var i int
			_, _ = fmt.Sscanf(m, "/vpn/group-%03d", &i)
			if i%2 == 0 {
				t.Errorf("caller %d: %s reported missing but it exists", c, m)
			}
		}
		if len(results[c]) != 15 {
			t.Errorf("caller %d: %d missing of 30, want 15", c, len(results[c]))
		}
	}
	// Every group was asked for by 10 callers at once; each was read once, at most 50 per call: the callers that
	// arrived within the window share the first calls, the few that came later the next.
	calls := acctest.CallCount(srv, "logs", "DescribeLogGroups")
	if calls < 3 || calls > 4 {
		t.Errorf("%d DescribeLogGroups calls for 120 distinct groups, want 3 (4 when a caller came after the window)", calls)
	}
	// Asking again reads nothing.
	missing, err := l.Missing(context.Background(), names[:5])
	if err != nil || !reflect.DeepEqual(missing, []string{names[1], names[3]}) {
		t.Errorf("Missing(first 5) = %v, %v", missing, err)
	}
	if again := acctest.CallCount(srv, "logs", "DescribeLogGroups"); again != calls {
		t.Errorf("a second lookup of known groups made %d more calls", again-calls)
	}
}

// A failed call is remembered for its groups and reported to every caller that asks for them.
func TestGroupLookupRemembersFailure(t *testing.T) {
	t.Parallel()
	srv := acctest.StartSandbox(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:DescribeLogGroups"} })
	l := NewGroupLookup(acctest.Logs(srv), 0)
	for range 3 {
		missing, err := l.Missing(context.Background(), []string{"/vpn/a", "/vpn/b"})
		if err == nil || len(missing) != 0 {
			t.Fatalf("Missing = %v, %v; want an error and no missing group", missing, err)
		}
		if !strings.Contains(err.Error(), "AccessDeniedException") || !strings.Contains(err.Error(), "/vpn/a") {
			t.Errorf("error %q does not say what failed", err)
		}
	}
	if n := acctest.CallCount(srv, "logs", "DescribeLogGroups"); n != 1 {
		t.Errorf("%d calls, want 1 (a failure is remembered)", n)
	}
}
