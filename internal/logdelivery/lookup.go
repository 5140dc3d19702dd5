package logdelivery

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// maxIdentifiers is the most log groups one DescribeLogGroups call takes in logGroupIdentifiers.
const maxIdentifiers = 50

// GroupLookup tells whether log groups exist, for one run: each group is looked up at most once, and the groups asked
// for within a short window, or while a lookup is in flight, are looked up together in one call. One DescribeLogGroups call with
// logGroupIdentifiers answers for up to 50 groups (docs/design/aws-behaviour.md §6: outside a cross-account monitoring
// account it takes log group names of the caller's account; the call needs logs:DescribeLogGroups only). A failed
// call is remembered for its groups, not retried. It is safe for concurrent use.
type GroupLookup struct {
	api DescribeGroupsAPI
	// window is how long a lookup waits for more groups to be asked for before it calls.
	window time.Duration

	mu      sync.Mutex
	known   map[string]lookupResult // by name
	queued  []string                // names waiting for the next call
	reading bool
	changed chan struct{} // closed and replaced whenever results are recorded
}

type lookupResult struct {
	exists bool
	err    error
}

// NewGroupLookup returns a lookup that reads with api. window is how long a lookup waits for more groups before it
// calls: Terraform plans many resources at once, and their lookups arrive within milliseconds of each other (0: no
// wait, for callers that ask for all their groups at once).
func NewGroupLookup(api DescribeGroupsAPI, window time.Duration) *GroupLookup {
	return &GroupLookup{api: api, window: window, known: map[string]lookupResult{}, changed: make(chan struct{})}
}

// Missing returns those of the groups (by name) that do not exist, in the order given. The error is the first failed
// lookup among them; the groups it concerns are not in missing.
func (l *GroupLookup) Missing(ctx context.Context, names []string) (missing []string, err error) {
	l.mu.Lock()
	inQueue := map[string]bool{}
	for _, n := range l.queued {
		inQueue[n] = true
	}
	for _, n := range names {
		if _, ok := l.known[n]; !ok && !inQueue[n] {
			inQueue[n] = true
			l.queued = append(l.queued, n)
		}
	}
	for !l.answered(names) {
		if !l.reading {
			l.read(ctx)
			continue
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		l.mu.Lock()
	}
	defer l.mu.Unlock()
	seen := map[string]bool{}
	for _, n := range names {
		r := l.known[n]
		switch {
		case seen[n]:
		case r.err != nil:
			if err == nil {
				err = r.err
			}
		case !r.exists:
			missing = append(missing, n)
		}
		seen[n] = true
	}
	return missing, err
}

// answered reports whether every name has a result. The caller holds l.mu.
func (l *GroupLookup) answered(names []string) bool {
	for _, n := range names {
		if _, ok := l.known[n]; !ok {
			return false
		}
	}
	return true
}

// read looks the queued names up, up to maxIdentifiers per call, until the queue is empty. The caller holds l.mu;
// read releases it during each call.
func (l *GroupLookup) read(ctx context.Context) {
	l.reading = true
	if l.window > 0 {
		l.mu.Unlock()
		t := time.NewTimer(l.window)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		l.mu.Lock()
	}
	for len(l.queued) > 0 {
		n := min(len(l.queued), maxIdentifiers)
		batch := l.queued[:n:n]
		l.queued = l.queued[n:]
		l.mu.Unlock()
		found, err := describeGroups(ctx, l.api, batch)
		l.mu.Lock()
		for _, name := range batch {
			l.known[name] = lookupResult{exists: found[name], err: err}
		}
		close(l.changed)
		l.changed = make(chan struct{})
	}
	l.reading = false
}

// describeGroups returns which of the names (at most maxIdentifiers) exist.
func describeGroups(ctx context.Context, api DescribeGroupsAPI, names []string) (map[string]bool, error) {
	ids := append([]string(nil), names...)
	sort.Strings(ids)
	in := &cloudwatchlogs.DescribeLogGroupsInput{LogGroupIdentifiers: ids}
	found := map[string]bool{}
	for page := 0; ; page++ {
		out, err := api.DescribeLogGroups(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("describing log groups %v: %w", ids, err)
		}
		for _, g := range out.LogGroups {
			found[aws.ToString(g.LogGroupName)] = true
		}
		next := aws.ToString(out.NextToken)
		if next == "" || page >= maxPages {
			return found, nil
		}
		in.NextToken = aws.String(next)
	}
}
