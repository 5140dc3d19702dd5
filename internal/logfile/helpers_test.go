package logfile

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

// rec is one CloudWatch Logs event: its stream, timestamp and message.
type rec struct {
	stream string
	ms     int64
	msg    string
}

var t0 = time.Date(2025, 11, 8, 5, 0, 0, 0, time.UTC)

// tunnelLogs are n events of a tunnel's two logs, in time order, as the sandbox names and writes them
// (docs/design/aws-behaviour.md §5): CHILD_SA negotiation, an outage with its BGP consequences every 400 events and
// a recovery, routes coming and going. text renders the activity log in the TEXT format. seed shifts the messages
// and times, so that two tunnels differ.
func tunnelLogs(vpn, ip string, n, seed int, text bool) []rec {
	activity, bgp := vpn+"-"+ip, vpn+"_"+ip+"-bgp"
	var out []rec
	at := t0.Add(time.Duration(seed) * 1300 * time.Millisecond)
	tun := func(p1, p2, details string) {
		msg := fmt.Sprintf(`{"event_timestamp":%d,"timestamp":%q,"dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":%q,"ike_phase2_state":%q,"details":%s}`,
			at.Unix(), at.Format("2006-01-02 15:04:05.000Z"), p1, p2, strconv.Quote(details))
		if text {
			msg = fmt.Sprintf("%s %s %s ike_phase1_state=%s ike_phase2_state=%s dpd_enabled=true nat_t_detected=false details=%s",
				at.Format("2006-01-02 15:04:05.000Z"), vpn, ip, p1, p2, strconv.Quote(details))
		}
		out = append(out, rec{activity, at.UnixMilli(), msg})
	}
	bgpStatus := func(status, details string) {
		out = append(out, rec{bgp, at.UnixMilli(), fmt.Sprintf(`{"resource_id":"%s_%s","event_timestamp":%d,"timestamp":%q,"type":"BGPStatus","status":%q,"message":{"details":%s}}`,
			vpn, ip, at.UnixMilli(), at.Format("2006-01-02 15:04:05.000Z"), status, strconv.Quote(details))})
	}
	route := func(status, prefix, details string) {
		d := ""
		if details != "" {
			d = `,"details":` + strconv.Quote(details)
		}
		out = append(out, rec{bgp, at.UnixMilli(), fmt.Sprintf(`{"resource_id":"%s_%s","event_timestamp":%d,"timestamp":%q,"type":"RouteStatus","status":%q,"message":{"prefix":%q,"asPath":"65000","localPref":100,"med":100,"nextHopIp":"169.254.10.2","weight":32768%s}}`,
			vpn, ip, at.UnixMilli(), at.Format("2006-01-02 15:04:05.000Z"), status, prefix, d)})
	}
	nb := "169.254.10.2"
	for i := 0; len(out) < n; i++ {
		at = at.Add(time.Duration(7+(i+seed)%5) * time.Second)
		switch k := (i + seed) % 400; {
		case k == 390:
			bgpStatus("DOWN", "AWS-side peer sent a Hold Timer Expired notification to neighbor "+nb)
		case k == 391:
			tun("down", "down", "AWS tunnel DPD timed out after 3 retransmits")
		case k == 392:
			bgpStatus("DOWN", "AWS-side peer BGP session state has changed from Established to Idle with neighbor "+nb)
		case k > 392 && k < 396:
			tun("negotiating", "down", "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: 198.51.100.7")
		case k == 396:
			tun("established", "negotiating", fmt.Sprintf("AWS tunnel processed request (id=%d) for CREATE_CHILD_SA", i))
		case k == 397:
			tun("established", "established", fmt.Sprintf("AWS tunnel is sending response (id=%d) for CREATE_CHILD_SA", i))
		case k == 398:
			bgpStatus("DOWN", "AWS-side peer BGP session state has changed from OpenSent to OpenConfirm with neighbor "+nb)
		case k == 399:
			bgpStatus("UP", "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor "+nb)
		case k%7 == 3:
			route([...]string{"ADVERTISED", "UPDATED", "WITHDRAWN"}[k%3], fmt.Sprintf("10.%d.0.0/16", k%11), "")
		case k == 200:
			route("UPDATED", "172.31.0.0/16", "DENIED due to: as-path contains our own AS")
		case k%2 == 0:
			tun("established", "rekeying", fmt.Sprintf("AWS tunnel is sending request (id=%d) for CREATE_CHILD_SA", i))
		default:
			tun("established", "established", fmt.Sprintf("AWS tunnel processed response (id=%d) for CREATE_CHILD_SA", i))
		}
	}
	return out
}

// interleave merges record lists by timestamp (stable), as filter-log-events returns a group's streams.
func interleave(lists ...[]rec) []rec {
	var out []rec
	idx := make([]int, len(lists))
	for {
		best := -1
		for i, l := range lists {
			if idx[i] < len(l) && (best < 0 || l[idx[i]].ms < lists[best][idx[best]].ms) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, lists[best][idx[best]])
		idx[best]++
	}
}

// expected is the health of each tunnel as the live read folds the events (one accumulator per tunnel, no bounds,
// in the given order). A tunnel is the one the stream names when streams is true, else the one the event names.
func expected(t *testing.T, recs []rec, streams bool, window time.Duration, now time.Time) map[Tunnel]logparse.Health {
	t.Helper()
	accs := map[Tunnel]*logparse.Accumulator{}
	for _, r := range recs {
		e := logparse.ParseEventString(r.msg, r.ms)
		k := eventTunnel(&e)
		if streams {
			k = streamTunnel(r.stream).complete(k)
		}
		if accs[k] == nil {
			accs[k] = &logparse.Accumulator{Window: window}
		}
		accs[k].Add(&e)
	}
	out := map[Tunnel]logparse.Health{}
	for k, a := range accs {
		out[k] = a.Health(now)
	}
	return out
}

// checkHealth compares a result with the expected health of each tunnel.
func checkHealth(t *testing.T, what string, res *Result, want map[Tunnel]logparse.Health) {
	t.Helper()
	if len(res.Tunnels) != len(want) {
		names := []string{}
		for _, th := range res.Tunnels {
			names = append(names, fmt.Sprint(th.Tunnel))
		}
		t.Fatalf("%s: %d tunnels %v, want %d", what, len(res.Tunnels), names, len(want))
	}
	for _, th := range res.Tunnels {
		w, ok := want[th.Tunnel]
		if !ok {
			t.Errorf("%s: unexpected tunnel %v", what, th.Tunnel)
			continue
		}
		if !reflect.DeepEqual(th.Health, w) {
			t.Errorf("%s, tunnel %v:\n got %s %q (%d events)\nwant %s %q (%d events)", what, th.Tunnel, th.Status, th.StatusReason,
				th.EventsRead, w.Status, w.StatusReason, w.EventsRead)
		}
	}
}

// Writers of the input forms.

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// eventLines is one message per line.
func eventLines(recs []rec) []byte {
	var b bytes.Buffer
	for _, r := range recs {
		b.WriteString(r.msg)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// cliPages is the output of aws logs filter-log-events (withStreams) or get-log-events, pages of n events one after
// the other, indented as the CLI indents (four spaces), or compact.
func cliPages(recs []rec, n int, withStreams, compact bool) []byte {
	type event struct {
		LogStreamName string `json:"logStreamName,omitempty"`
		Timestamp     int64  `json:"timestamp"`
		Message       string `json:"message"`
		IngestionTime int64  `json:"ingestionTime"`
		EventID       string `json:"eventId,omitempty"`
	}
	var b bytes.Buffer
	for p := 0; p == 0 || p*n < len(recs); p++ {
		page := map[string]any{}
		var evs []event
		for i := p * n; i < min(len(recs), (p+1)*n); i++ {
			e := event{Timestamp: recs[i].ms, Message: recs[i].msg, IngestionTime: recs[i].ms + 300}
			if withStreams {
				e.LogStreamName, e.EventID = recs[i].stream, fmt.Sprintf("%056d", i)
			}
			evs = append(evs, e)
		}
		page["events"] = evs
		if withStreams {
			page["searchedLogStreams"] = []any{}
			if (p+1)*n < len(recs) {
				page["nextToken"] = fmt.Sprintf("token-%d", p+1)
			}
		} else {
			page["nextForwardToken"], page["nextBackwardToken"] = fmt.Sprintf("f/%d", p+1), fmt.Sprintf("b/%d", p)
		}
		var out []byte
		if compact {
			out, _ = json.Marshal(page)
		} else {
			out, _ = json.MarshalIndent(page, "", "    ")
		}
		b.Write(out)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// exportObjects writes records as a CloudWatch Logs export to S3 lays them out: under dir/<task id>/<stream>/,
// gzip objects of at most n lines "<ISO 8601 time> <message>", and the write test at dir's top. It returns dir.
func exportObjects(t testing.TB, dir string, recs []rec, n int) string {
	t.Helper()
	byStream := map[string][]rec{}
	var order []string
	for _, r := range recs {
		if byStream[r.stream] == nil {
			order = append(order, r.stream)
		}
		byStream[r.stream] = append(byStream[r.stream], r)
	}
	writeFile(t, filepath.Join(dir, "aws-logs-write-test"), []byte("Permission Check Successful"))
	for _, s := range order {
		rs := byStream[s]
		for obj := 0; obj*n < len(rs); obj++ {
			var b bytes.Buffer
			for _, r := range rs[obj*n : min(len(rs), (obj+1)*n)] {
				b.WriteString(time.UnixMilli(r.ms).UTC().Format("2006-01-02T15:04:05.000Z"))
				b.WriteByte(' ')
				b.WriteString(r.msg)
				b.WriteByte('\n')
			}
			writeFile(t, filepath.Join(dir, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", s, fmt.Sprintf("%06d.gz", obj)), gzipped(b.Bytes()))
		}
	}
	return dir
}

func gzipped(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		panic(err) // writing to memory
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
