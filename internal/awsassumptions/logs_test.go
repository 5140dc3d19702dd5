package awsassumptions

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// streams returns the names of the group's log streams that hold events.
func (tg *target) streams(t *testing.T, group string) []string {
	t.Helper()
	var names []string
	for _, e := range tg.events(t, group) {
		if n := aws.ToString(e.LogStreamName); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// §8.9: the tunnel activity stream is vpn-<id>-<outside-ip> and the BGP stream vpn-<id>_<outside-ip>-bgp.
func TestAccItem09_StreamNames(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		activity, activityARN := tg.logGroup(t, vendedPrefix)
		bgp, bgpARN := tg.logGroup(t, vendedPrefix)
		tg.setLogs(t, tr, logsTo(activityARN, bgpARN, "json"))

		want := tr.id + "-" + tr.ip
		if got := tg.streams(t, activity); !slices.Equal(got, []string{want}) {
			t.Errorf("tunnel activity streams %q, §8.9 assumes [%q]", got, want)
		}
		want = tr.id + "_" + tr.ip + "-bgp"
		if got := tg.streams(t, bgp); !slices.Equal(got, []string{want}) {
			t.Errorf("BGP log streams %q, §8.9 assumes [%q]", got, want)
		}
	})
}

// §8.10: a tunnel activity record has only the documented keys, event_timestamp in epoch seconds, JSON booleans
// and lower-case states.
func TestAccItem10_TunnelRecordShape(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		group, arn := tg.logGroup(t, vendedPrefix)
		tg.setLogs(t, tr, logsTo(arn, "", "json"))
		ev := tg.events(t, group)[0]
		msg := aws.ToString(ev.Message)
		t.Logf("tunnel activity record: %s", msg)

		dec := json.NewDecoder(strings.NewReader(msg))
		dec.UseNumber()
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("the record is not a JSON object: %v", err)
		}
		documented := []string{"event_timestamp", "timestamp", "dpd_enabled", "nat_t_detected", "ike_phase1_state", "ike_phase2_state", "details"}
		for k := range rec {
			if !slices.Contains(documented, k) {
				t.Errorf("key %q is not among the documented keys %v (§5.2, §8.10)", k, documented)
			}
		}
		if n, ok := rec["event_timestamp"].(json.Number); !ok {
			t.Errorf("event_timestamp is %T, want a number", rec["event_timestamp"])
		} else if v, err := n.Int64(); err != nil || v <= 0 || v >= 1e11 {
			t.Errorf("event_timestamp %s is not in epoch seconds, as §8.10 assumes", n)
		}
		for _, k := range []string{"dpd_enabled", "nat_t_detected"} {
			if _, ok := rec[k].(bool); !ok {
				t.Errorf("%s is %T (%v), §8.10 assumes a JSON boolean", k, rec[k], rec[k])
			}
		}
		for _, k := range []string{"ike_phase1_state", "ike_phase2_state"} {
			if s, ok := rec[k].(string); !ok || s != strings.ToLower(s) {
				t.Errorf("%s is %v, §8.10 assumes a lower-case string", k, rec[k])
			}
		}
	})
}

// §8.11: lines in TEXT format are read by the product's parser: the tunnel activity line gives its IKE states, the
// BGP line its type and status.
func TestAccItem11_TextFormatParses(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		activity, activityARN := tg.logGroup(t, vendedPrefix)
		bgp, bgpARN := tg.logGroup(t, vendedPrefix)
		tg.setLogs(t, tr, logsTo(activityARN, bgpARN, "text"))

		ev := tg.events(t, activity)[0]
		t.Logf("tunnel activity line: %s", aws.ToString(ev.Message))
		e := logparse.ParseEventString(aws.ToString(ev.Message), aws.ToInt64(ev.Timestamp))
		if e.Format != logparse.FormatText || e.Type != logparse.EventTunnelActivity ||
			e.Phase1 == logparse.IKEStateUnknown || e.Phase2 == logparse.IKEStateUnknown {
			t.Errorf("parsed as %s %s, phase 1 %s, phase 2 %s: want a Text TunnelActivity event with both IKE states", e.Format, e.Type, e.Phase1, e.Phase2)
		}

		ev = tg.events(t, bgp)[0]
		t.Logf("BGP line: %s", aws.ToString(ev.Message))
		e = logparse.ParseEventString(aws.ToString(ev.Message), aws.ToInt64(ev.Timestamp))
		if e.Format != logparse.FormatText || (e.Type != logparse.EventBGPStatus && e.Type != logparse.EventRouteStatus) || e.Status == "" {
			t.Errorf("parsed as %s %s with status %q: want a Text BGPStatus or RouteStatus event with a status", e.Format, e.Type, e.Status)
		}
	})
}

// §8.12: a real tunnel activity line (JSON) is read by the product's parser; the test logs it for the record.
func TestAccItem12_RealTunnelLineParses(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		group, arn := tg.logGroup(t, vendedPrefix)
		tg.setLogs(t, tr, logsTo(arn, "", "json"))
		evs := tg.events(t, group)
		for _, ev := range evs[:min(len(evs), 5)] {
			t.Logf("line: %s", aws.ToString(ev.Message))
			e := logparse.ParseEventString(aws.ToString(ev.Message), aws.ToInt64(ev.Timestamp))
			if e.Format != logparse.FormatJSON || e.Type != logparse.EventTunnelActivity || e.Time.IsZero() ||
				e.Phase1 == logparse.IKEStateUnknown || e.Phase2 == logparse.IKEStateUnknown {
				t.Errorf("parsed as %s %s at %v, phase 1 %s, phase 2 %s: want a JSON TunnelActivity event with a time and both IKE states",
					e.Format, e.Type, e.Time, e.Phase1, e.Phase2)
			}
			if e.Entry == nil && e.Details != "" {
				t.Logf("details not in the catalogue (§5.5): %q", e.Details)
			}
		}
	})
}

// §8.13: FilterLogEvents is limited to 5 requests per second; a burst beyond that fails with ThrottlingException
// "Rate exceeded".
func TestAccItem13_FilterLogEventsThrottling(t *testing.T) {
	check(t, func(o *sandbox.Options) { o.RateLimits = true }, func(t *testing.T, tg *target) {
		group, _ := tg.logGroup(t, vendedPrefix)
		const calls = 12
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			throttled int
			messages  []string
			others    []error
		)
		start := time.Now()
		for range calls {
			wg.Go(func() {
				_, err := tg.Logs.FilterLogEvents(tg.ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)},
					func(o *cloudwatchlogs.Options) { o.Retryer = aws.NopRetryer{} })
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
				case awserr.IsA(err, "ThrottlingException"):
					throttled++
					messages = append(messages, awserr.Message(err))
				default:
					others = append(others, err)
				}
			})
		}
		wg.Wait()
		if len(others) > 0 {
			t.Fatalf("unexpected errors: %v", others)
		}
		if throttled == 0 {
			t.Errorf("%d FilterLogEvents calls within %s were all served: §8.13 assumes 5 per second", calls, time.Since(start).Round(time.Millisecond))
		}
		for _, m := range messages {
			if m != "Rate exceeded" {
				t.Errorf("ThrottlingException message %q, §8.13 assumes %q", m, "Rate exceeded")
				break
			}
		}
	})
}

// §8.15: GetLogEvents with startFromHead=false returns the newest events, oldest first within the page.
func TestAccItem15_GetLogEventsBackwardPageOrder(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		group, _ := tg.logGroup(t, vendedPrefix)
		stream := "s"
		if _, err := tg.Logs.CreateLogStream(tg.ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
			t.Fatalf("CreateLogStream: %v", err)
		}
		base := time.Now().Add(-10 * time.Minute).UnixMilli()
		var in []cwltypes.InputLogEvent
		for i := range int64(5) {
			in = append(in, cwltypes.InputLogEvent{Timestamp: aws.Int64(base + i*1000), Message: aws.String("event " + string(rune('0'+i)))})
		}
		if _, err := tg.Logs.PutLogEvents(tg.ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: in}); err != nil {
			t.Fatalf("PutLogEvents: %v", err)
		}
		get := func(fromHead bool, limit int32) []int64 {
			out, err := tg.Logs.GetLogEvents(tg.ctx, &cloudwatchlogs.GetLogEventsInput{
				LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(fromHead), Limit: aws.Int32(limit)})
			if err != nil {
				t.Fatalf("GetLogEvents: %v", err)
			}
			var ts []int64
			for _, e := range out.Events {
				ts = append(ts, aws.ToInt64(e.Timestamp))
			}
			return ts
		}
		// Ingestion is eventually consistent on AWS: wait until all five are readable.
		for deadline := time.Now().Add(2 * time.Minute); len(get(true, 10)) < 5; {
			if time.Now().After(deadline) {
				t.Fatal("the five events did not become readable within 2 minutes")
			}
			sleep(t, tg.ctx, tg.observe)
		}
		want := []int64{base + 2000, base + 3000, base + 4000}
		if got := get(false, 3); !slices.Equal(got, want) {
			t.Errorf("startFromHead=false, limit 3 returned timestamps %v; §8.15 assumes the newest three oldest first %v", got, want)
		}
	})
}
