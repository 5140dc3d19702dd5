package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// serveAdmin answers the /_sandbox/ endpoints. They are not AWS calls: not counted, not logged, no
// faults.
//
//	GET  /_sandbox/health        {"status":"ok",...}
//	GET  /_sandbox/stats         {"ec2":{"DescribeVpnConnections":3},...}
//	POST /_sandbox/reset-stats   clears counts and request history
//	GET  /_sandbox/requests      [RequestRecord...]
//	GET  /_sandbox/faults        current faults
//	POST /_sandbox/faults        {"throttle_rate":0.2,"error_rate":0,"latency":"150ms"} (fields sent change)
//	POST /_sandbox/deny          {"deny_actions":["logs:*"],"explicit_deny_actions":[]} (replaces both lists)
//	POST /_sandbox/caller        {"caller_arn":"arn:aws:iam::123456789012:user/alice"}
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	route := r.Method + " " + r.URL.Path
	switch route {
	case "GET /_sandbox/health":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "region": s.opts.Region, "account_id": s.opts.AccountID})
	case "GET /_sandbox/stats":
		writeJSON(w, http.StatusOK, s.Stats())
	case "POST /_sandbox/reset-stats":
		s.ResetStats()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case "GET /_sandbox/requests":
		recs := s.Requests()
		if recs == nil {
			recs = []RequestRecord{}
		}
		writeJSON(w, http.StatusOK, recs)
	case "GET /_sandbox/faults":
		writeJSON(w, http.StatusOK, faultsJSON(s.faults.get()))
	case "POST /_sandbox/faults":
		var in struct {
			ThrottleRate *float64        `json:"throttle_rate"`
			ErrorRate    *float64        `json:"error_rate"`
			Latency      json.RawMessage `json:"latency"`
		}
		if err := decodeJSON(r, &in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		f := s.faults.get()
		if in.ThrottleRate != nil {
			f.ThrottleRate = *in.ThrottleRate
		}
		if in.ErrorRate != nil {
			f.ErrorRate = *in.ErrorRate
		}
		if len(in.Latency) > 0 {
			d, err := parseLatency(in.Latency)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			f.Latency = d
		}
		if f.ThrottleRate < 0 || f.ThrottleRate > 1 || f.ErrorRate < 0 || f.ErrorRate > 1 || f.Latency < 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "rates must be within 0..1 and latency must not be negative"})
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, faultsJSON(f))
	case "POST /_sandbox/deny":
		var in struct {
			Deny     []string `json:"deny_actions"`
			Explicit []string `json:"explicit_deny_actions"`
		}
		if err := decodeJSON(r, &in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		for _, a := range append(slices.Clone(in.Deny), in.Explicit...) {
			if err := CheckActionPattern(a); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
		}
		s.SetDenyActions(in.Deny, in.Explicit)
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case "POST /_sandbox/caller":
		var in struct {
			CallerARN string `json:"caller_arn"`
		}
		if err := decodeJSON(r, &in); err != nil || in.CallerARN == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "expected {\"caller_arn\": \"arn:...\"}"})
			return
		}
		if err := CheckCallerARN(in.CallerARN); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "caller_arn: " + err.Error()})
			return
		}
		s.SetCallerARN(in.CallerARN)
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such sandbox endpoint: " + awsapi.Clip(route, 100)})
	}
}

func faultsJSON(f Faults) map[string]any {
	return map[string]any{"throttle_rate": f.ThrottleRate, "error_rate": f.ErrorRate, "latency": f.Latency.String()}
}

// parseLatency accepts a Go duration string ("150ms") or a number of milliseconds.
func parseLatency(raw json.RawMessage) (time.Duration, error) {
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		return time.ParseDuration(str)
	}
	var ms float64
	if err := json.Unmarshal(raw, &ms); err != nil {
		return 0, fmt.Errorf("latency: want a duration string or milliseconds")
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
