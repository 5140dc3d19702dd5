package health

import (
	"context"
	"fmt"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// TimeFormat is how health times are written: RFC 3339 in UTC with milliseconds, the precision of CloudWatch Logs
// timestamps.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// FormatTime writes a health time in TimeFormat.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// TunnelRequest is the request that reads a tunnel's logs from the groups it delivers them to now; ok is false when
// neither log is delivered.
func TunnelRequest(connID string, t vpn.Tunnel, lookback time.Duration, mode string) (req Request, ok bool) {
	req = Request{VPNConnectionID: connID, OutsideIP: t.OutsideIP, Lookback: lookback, Mode: mode}
	if d := t.Logging.Activity; d.Enabled {
		req.TunnelLogGroup = d.LogGroupARN
	}
	if d := t.Logging.BGP; d.Enabled {
		req.BGPLogGroup = d.LogGroupARN
	}
	return req, req.TunnelLogGroup != "" || req.BGPLogGroup != ""
}

// EnableAdvice words, in the adapter's vocabulary, how to turn logging on for one tunnel: a noun phrase that
// completes "Enable it with ..." (logparse.LoggingDisabled).
type EnableAdvice func(connID, outsideIP string) string

// TunnelHealth is one tunnel's health in a fleet read.
type TunnelHealth struct {
	VPNConnectionID string
	Tunnel          vpn.Tunnel
	// Request is what was read; its groups are empty when logging is disabled.
	Request Request
	// Result is the read (nil when logging is disabled); on an error, what was read before it.
	Result *Result
	// Health is the result's health, or unknown with the reason when logging is disabled or the read failed.
	Health logparse.Health
	// Err is the read's error.
	Err error
}

// ID is the tunnel's ID, vpn-…/outside-ip.
func (t TunnelHealth) ID() string { return vpn.TunnelID(t.VPNConnectionID, t.Tunnel.OutsideIP) }

// ReadFleet reads every tunnel of the connections from the groups each delivers to now, sharing reads (see
// ReadAll). Tunnels whose logging is disabled are unknown, with a diagnosis that says how to enable it (enable).
// The result is in the connections' order, tunnels in each connection's order.
func (s *Session) ReadFleet(ctx context.Context, conns []vpn.Connection, lookback time.Duration, mode string, enable EnableAdvice) []TunnelHealth {
	var out []TunnelHealth
	var reqs []Request
	var at []int
	for _, c := range conns {
		for _, t := range c.Tunnels {
			th := TunnelHealth{VPNConnectionID: c.ID, Tunnel: t}
			req, ok := TunnelRequest(c.ID, t, lookback, mode)
			th.Request = req
			if ok {
				reqs, at = append(reqs, req), append(at, len(out))
			} else {
				th.Health = logparse.LoggingDisabled(c.ID, t.OutsideIP, enable(c.ID, t.OutsideIP))
			}
			out = append(out, th)
		}
	}
	results, errs := s.ReadAll(ctx, reqs)
	for i, j := range at {
		th := &out[j]
		th.Result, th.Err = results[i], errs[i]
		switch {
		case th.Err != nil:
			th.Health = logparse.Health{
				Status:       logparse.HealthUnknown,
				StatusReason: fmt.Sprintf("The logs of tunnel %s of %s could not be read: %v", th.Tunnel.OutsideIP, th.VPNConnectionID, th.Err),
			}
		default:
			th.Health = th.Result.Health
		}
	}
	return out
}

// Summary counts a fleet's tunnels by status.
type Summary struct {
	Healthy, Degraded, Down, Unknown int
}

// Summarize counts tunnels by status; a tunnel whose read failed is unknown.
func Summarize(tunnels []TunnelHealth) Summary {
	var s Summary
	for _, t := range tunnels {
		switch t.Health.Status {
		case logparse.HealthHealthy:
			s.Healthy++
		case logparse.HealthDegraded:
			s.Degraded++
		case logparse.HealthDown:
			s.Down++
		default:
			s.Unknown++
		}
	}
	return s
}
