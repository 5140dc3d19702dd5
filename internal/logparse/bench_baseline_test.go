package logparse

import (
	"encoding/json"
	"testing"
)

// BenchmarkBaselineEncodingJSON decodes the same tunnel events with encoding/json (reflection) into a struct, doing
// nothing else: the approach the hand-written scanner replaces. BenchmarkParseTunnelJSON also classifies the
// message and extracts its fields, so the ratio of the two understates the scanner's advantage.
func BenchmarkBaselineEncodingJSON(b *testing.B) {
	type tunnelEvent struct {
		EventTimestamp json.Number `json:"event_timestamp"`
		Timestamp      string      `json:"timestamp"`
		DPDEnabled     any         `json:"dpd_enabled"`
		NATTDetected   any         `json:"nat_t_detected"`
		Phase1         string      `json:"ike_phase1_state"`
		Phase2         string      `json:"ike_phase2_state"`
		Details        string      `json:"details"`
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var e tunnelEvent
		if err := json.Unmarshal(benchTunnelJSON[i%len(benchTunnelJSON)], &e); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
