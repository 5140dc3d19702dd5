package logparse

import (
	"fmt"
	"testing"
	"time"
)

// Realistic mixes: most tunnel events are negotiation messages or state
// reports without a message.
var (
	benchTunnelJSON = [][]byte{
		[]byte(`{"event_timestamp":1762580429,"timestamp":"2025-11-08 05:40:29.641Z","dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":"established","ike_phase2_state":"established","details":"AWS tunnel processed request (id=12) for CREATE_CHILD_SA"}`),
		[]byte(`{"event_timestamp":1762580430,"timestamp":"2025-11-08 05:40:30.002Z","dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":"established","ike_phase2_state":"rekeying","details":"AWS tunnel is sending response (id=12) for CREATE_CHILD_SA"}`),
		[]byte(`{"event_timestamp":1762580431,"timestamp":"2025-11-08 05:40:31.100Z","dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":"established","ike_phase2_state":"established","details":""}`),
		[]byte(`{"event_timestamp":1762580432,"timestamp":"2025-11-08 05:40:32.000Z","dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":"down","ike_phase2_state":"down","details":"AWS tunnel DPD timed out after 3 retransmits"}`),
	}
	benchBGPJSON = [][]byte{
		[]byte(`{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":1762580429641,"timestamp":"2025-11-08 05:40:29.641Z","type":"BGPStatus","status":"UP","message":{"details":"AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.50.85"}}`),
		[]byte(`{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":1762579573243,"timestamp":"2025-11-08 05:26:13.243Z","type":"RouteStatus","status":"UPDATED","message":{"prefix":"172.31.0.0/16","asPath":"64512","localPref":100,"med":100,"nextHopIp":"169.254.50.85","weight":32768,"details":"DENIED due to: as-path contains our own AS"}}`),
		[]byte(`{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":1762579573243,"timestamp":"2025-11-08 05:26:13.243Z","type":"RouteStatus","status":"ADVERTISED","message":{"prefix":"10.0.0.0/16","asPath":"65000 65001","localPref":100,"med":0,"nextHopIp":"169.254.50.85","weight":32768}}`),
		[]byte(`{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":1762580429641,"timestamp":"2025-11-08 05:40:29.641Z","type":"BGPStatus","status":"UP","message":{"details":"AWS-side peer is reporting a maximum prefix limit warning • received 95 prefixes from neighbor 169.254.50.85, limit is 100"}}`),
	}
	benchText = [][]byte{
		[]byte(`2025-11-08 05:40:29.641Z ike_phase1_state=established ike_phase2_state=established dpd_enabled=true nat_t_detected=false AWS tunnel processed request (id=12) for CREATE_CHILD_SA`),
		[]byte(`2025-11-08 05:40:29.641Z resource_id=vpn-1234abcd_1.2.3.4 type=BGPStatus status=UP AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.50.85`),
		[]byte(`2025-11-08 05:40:32.000Z ike_phase1_state=down ike_phase2_state=down dpd_enabled=true nat_t_detected=false AWS tunnel DPD timed out after 3 retransmits`),
		[]byte(`2025-11-08 05:26:13.243Z type=RouteStatus status=UPDATED prefix=172.31.0.0/16 as_path=64512 DENIED due to: as-path contains our own AS`),
	}
)

func benchParse(b *testing.B, msgs [][]byte) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ParseEvent(msgs[i%len(msgs)], 1762580429641)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// benchParser parses with one Parser, as health --file's workers do.
func benchParser(b *testing.B, msgs [][]byte) {
	strs := make([]string, len(msgs))
	for i, m := range msgs {
		strs[i] = string(m)
	}
	var p Parser
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p.Parse(strs[i%len(strs)], 1762580429641)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkParserTunnelJSON(b *testing.B) { benchParser(b, benchTunnelJSON) }
func BenchmarkParserBGPJSON(b *testing.B)    { benchParser(b, benchBGPJSON) }
func BenchmarkParserText(b *testing.B)       { benchParser(b, benchText) }

func BenchmarkParseTunnelJSON(b *testing.B) { benchParse(b, benchTunnelJSON) }
func BenchmarkParseBGPJSON(b *testing.B)    { benchParse(b, benchBGPJSON) }
func BenchmarkParseText(b *testing.B)       { benchParse(b, benchText) }

// BenchmarkParseTunnelJSONString is the CloudWatch path: the SDK hands
// messages over as strings, which the parser does not copy.
func BenchmarkParseTunnelJSONString(b *testing.B) {
	msgs := make([]string, len(benchTunnelJSON))
	for i, m := range benchTunnelJSON {
		msgs[i] = string(m)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ParseEventString(msgs[i%len(msgs)], 1762580429641)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkAccumulatorAdd(b *testing.B) {
	var events []Event
	for _, m := range append(append([][]byte{}, benchTunnelJSON...), benchBGPJSON...) {
		events = append(events, ParseEvent(m, 0))
	}
	var a Accumulator
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a.Add(&events[i%len(events)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkHealth folds a read of 10,000 events (a healthy start, then a key mismatch cascade retrying every 30
// seconds, both logs) and computes the health and its diagnosis, as one data source read does: ns/op is per read.
func BenchmarkHealth(b *testing.B) {
	start := time.Date(2025, 11, 8, 5, 0, 0, 0, time.UTC)
	tunnel := func(at time.Time, p1, p2, details string) Event {
		return ParseEventString(fmt.Sprintf(`{"event_timestamp":%d,"dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":%q,"ike_phase2_state":%q,"details":%q}`,
			at.Unix(), p1, p2, details), 0)
	}
	bgp := func(at time.Time, status, details string) Event {
		return ParseEventString(fmt.Sprintf(`{"resource_id":"vpn-1234abcd_1.2.3.4","event_timestamp":%d,"type":"BGPStatus","status":%q,"message":{"details":%q}}`,
			at.UnixMilli(), status, details), 0)
	}
	events := []Event{
		tunnel(start, "established", "established", "AWS tunnel processed request (id=1) for CREATE_CHILD_SA"),
		bgp(start.Add(time.Second), "UP", "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.50.85"),
		bgp(start.Add(time.Minute), "DOWN", "AWS-side peer sent a Hold Timer Expired notification to neighbor 169.254.50.85"),
		tunnel(start.Add(time.Minute+10*time.Second), "down", "down", "AWS tunnel DPD timed out after 3 retransmits"),
	}
	for at := start.Add(2 * time.Minute); len(events) < 10000; at = at.Add(30 * time.Second) {
		events = append(events,
			tunnel(at, "down", "down", "AWS tunnel detected a pre-shared key mismatch with cgw: 198.51.100.7"),
			tunnel(at.Add(time.Second), "down", "down", "AWS tunnel is sending AUTHENTICATION_FAILED as the response"),
			bgp(at.Add(5*time.Second), "DOWN", "AWS-side peer BGP session state has changed from Connect to Active with neighbor 169.254.50.85"))
	}
	now := events[len(events)-1].Time
	b.ReportAllocs()
	for b.Loop() {
		Compute(events, now)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(events)), "ns/event")
}

// BenchmarkAccumulatorAddBounded is BenchmarkAccumulatorAdd with Bounds, as health --file folds events: the
// observations of the last hour are kept, older ones folded.
func BenchmarkAccumulatorAddBounded(b *testing.B) {
	var events []Event
	for _, m := range append(append([][]byte{}, benchTunnelJSON...), benchBGPJSON...) {
		events = append(events, ParseEvent(m, 0))
	}
	a := Accumulator{Bounds: &Bounds{}}
	b.ReportAllocs()
	i := 0
	start := events[0].Time
	for b.Loop() {
		e := events[i%len(events)]
		e.Time = start.Add(time.Duration(i) * time.Second)
		a.Add(&e)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
