package sandbox

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// RequestRecord describes one AWS request the sandbox answered.
type RequestRecord struct {
	Time       time.Time `json:"time"`
	Service    string    `json:"service"`
	Action     string    `json:"action"`
	Status     int       `json:"status"`
	ErrorCode  string    `json:"error_code,omitempty"`
	DurationMS float64   `json:"duration_ms"`
	Caller     string    `json:"caller,omitempty"`
}

// maxRecords bounds the in-memory request history (the oldest records are dropped first).
const maxRecords = 10000

// recorder counts and remembers AWS requests, and writes the request log.
type recorder struct {
	mu      sync.Mutex
	counts  map[string]map[string]int
	records []RequestRecord
	log     io.Writer
}

func newRecorder(log io.Writer) *recorder {
	return &recorder{counts: map[string]map[string]int{}, log: log}
}

func (r *recorder) record(rec RequestRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.counts[rec.Service]
	if m == nil {
		m = map[string]int{}
		r.counts[rec.Service] = m
	}
	m[rec.Action]++
	if len(r.records) == maxRecords {
		copy(r.records, r.records[1:])
		r.records = r.records[:maxRecords-1]
	}
	r.records = append(r.records, rec)
	if r.log != nil {
		line, _ := json.Marshal(struct {
			Time       string  `json:"time"`
			Service    string  `json:"service"`
			Action     string  `json:"action"`
			Status     int     `json:"status"`
			ErrorCode  string  `json:"error_code"`
			DurationMS float64 `json:"duration_ms"`
		}{rec.Time.UTC().Format(time.RFC3339Nano), rec.Service, rec.Action, rec.Status, rec.ErrorCode, rec.DurationMS})
		_, _ = r.log.Write(append(line, '\n'))
	}
}

func (r *recorder) stats() map[string]map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]map[string]int, len(r.counts))
	for svc, m := range r.counts {
		c := make(map[string]int, len(m))
		for a, n := range m {
			c[a] = n
		}
		out[svc] = c
	}
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts = map[string]map[string]int{}
	r.records = nil
}

func (r *recorder) requests() []RequestRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RequestRecord(nil), r.records...)
}
