package sandbox

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/ec2"
)

// historySpan is how far back the history written at activation reaches, so that readers find data
// at once.
const historySpan = 60 * time.Minute

// settleLocked does the work due by now: deleted connections past their retention disappear, and
// connections that became available get the log streams and history of their tunnels' new delivery
// targets. It runs before every request, so state follows time without goroutines. Caller holds s.mu.
func (s *Server) settleLocked() {
	now := s.now()
	s.ec2.Settle(now)
	for _, c := range s.ec2.Connections() {
		if c.State(now) == "available" {
			for _, t := range c.Tunnels {
				s.activateLogs(c, t, now)
			}
		}
	}
}

// activateLogs creates the streams of a tunnel's new delivery targets and writes their history.
// Caller holds s.mu; the connection is available.
func (s *Server) activateLogs(c *ec2.Connection, t *ec2.Tunnel, now time.Time) {
	for _, tg := range []*ec2.LogTarget{t.Activity, t.BGP} {
		if tg == nil || tg.Activated {
			continue
		}
		tg.Activated = true
		// A group deleted since logging was enabled receives nothing, as on AWS.
		if err := s.logs.EnsureStream(tg.Group, tg.Stream); err != nil {
			continue
		}
		sc := scenarioByName(s.scenarioOf(c, t))
		events := s.history(c, t, tg, sc, now)
		_ = s.logs.AppendEvents(tg.Group, tg.Stream, events)
		t.Traffic.LastMillis = max(t.Traffic.LastMillis, now.UnixMilli())
	}
}

// history lays the scenario out over the historySpan before end: intro once, then the loop every
// period, whole loops only, so that the history ends in the scenario's steady state. The events of
// one target (activity or BGP) are returned in time order.
func (s *Server) history(c *ec2.Connection, t *ec2.Tunnel, tg *ec2.LogTarget, sc *scenario, end time.Time) []cwlogs.InputEvent {
	start := end.Add(-historySpan)
	var out []cwlogs.InputEvent
	emit := func(base time.Time, steps []step) {
		for _, st := range steps {
			ts := base.Add(st.at)
			if ts.After(end) {
				return
			}
			if msg, ok := s.render(c, t, tg, st, ts); ok {
				out = append(out, cwlogs.InputEvent{TimestampMillis: ts.UnixMilli(), Message: msg})
			}
		}
	}
	emit(start, sc.intro)
	for base := start.Add(sc.introSpan); !base.Add(span(sc.loop)).After(end); base = base.Add(sc.period) {
		emit(base, sc.loop)
	}
	return out
}

// trafficLoop appends fresh events every interval until the server stops.
func (s *Server) trafficLoop(interval time.Duration) {
	defer s.wg.Done()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
			s.mu.Lock()
			s.settleLocked()
			s.freshTrafficLocked(interval)
			s.mu.Unlock()
		}
	}
}

// freshTrafficLocked appends one loop of each active tunnel's scenario, spread over the last
// interval. Connections being modified, pending or deleted write nothing. Caller holds s.mu.
func (s *Server) freshTrafficLocked(interval time.Duration) {
	now := s.now()
	for _, c := range s.ec2.Connections() {
		if c.State(now) != "available" {
			continue
		}
		for _, t := range c.Tunnels {
			s.freshTunnelTraffic(c, t, interval, now)
		}
	}
}

func (s *Server) freshTunnelTraffic(c *ec2.Connection, t *ec2.Tunnel, interval time.Duration, now time.Time) {
	targets := []*ec2.LogTarget{}
	for _, tg := range []*ec2.LogTarget{t.Activity, t.BGP} {
		if tg != nil && tg.Activated {
			targets = append(targets, tg)
		}
	}
	if len(targets) == 0 {
		return
	}
	sc := scenarioByName(s.scenarioOf(c, t))
	from := max(t.Traffic.LastMillis, now.Add(-interval).UnixMilli())
	span := now.UnixMilli() - from
	if span <= 0 {
		return
	}
	n := int64(len(sc.loop))
	batches := map[*ec2.LogTarget][]cwlogs.InputEvent{}
	for i, st := range sc.loop {
		ms := from + (int64(i)+1)*span/(n+1)
		for _, tg := range targets {
			if msg, ok := s.render(c, t, tg, st, time.UnixMilli(ms)); ok {
				batches[tg] = append(batches[tg], cwlogs.InputEvent{TimestampMillis: ms, Message: msg})
			}
		}
	}
	for _, tg := range targets {
		if len(batches[tg]) > 0 {
			_ = s.logs.AppendEvents(tg.Group, tg.Stream, batches[tg])
		}
	}
	t.Traffic.LastMillis = now.UnixMilli()
}

// render formats a step for a target, or reports false when the step belongs to the other log.
func (s *Server) render(c *ec2.Connection, t *ec2.Tunnel, tg *ec2.LogTarget, st step, ts time.Time) (string, bool) {
	isBGP := tg == t.BGP
	switch {
	case st.tun != nil && !isBGP:
		return s.renderTunnel(c, t, tg.Format, *st.tun, ts), true
	case st.bgp != nil && isBGP:
		return s.renderBGP(c, t, tg.Format, *st.bgp, ts), true
	}
	return "", false
}

// readableTime is the human-readable "timestamp" field, as in the documentation's example
// ("2025-11-08 05:40:29.641Z").
func readableTime(ts time.Time) string { return ts.UTC().Format("2006-01-02 15:04:05.000Z") }

// tunnelRecord is the tunnel-activity JSON record, keys as documented (docs/design/aws-behaviour.md §5.2).
//
// UNCONFIRMED: value types. event_timestamp is epoch seconds (AWS's monitoring sample compares it
// with a frequency in seconds, while the BGP example uses milliseconds); dpd_enabled and
// nat_t_detected are JSON booleans (the documentation says "True/False"). No VpnConnectionId or
// TunnelOutsideIPAddress keys (the current key table lists none).
type tunnelRecord struct {
	EventTimestamp int64  `json:"event_timestamp"`
	Timestamp      string `json:"timestamp"`
	DPDEnabled     bool   `json:"dpd_enabled"`
	NATTDetected   bool   `json:"nat_t_detected"`
	Phase1         string `json:"ike_phase1_state"`
	Phase2         string `json:"ike_phase2_state"`
	Details        string `json:"details"`
}

// bgpRecord is the BGP-log JSON record (docs/design/aws-behaviour.md §5.3; matches the documented examples).
type bgpRecord struct {
	ResourceID     string     `json:"resource_id"`
	EventTimestamp int64      `json:"event_timestamp"`
	Timestamp      string     `json:"timestamp"`
	Type           string     `json:"type"`
	Status         string     `json:"status"`
	Message        bgpMessage `json:"message"`
}

type bgpMessage struct {
	Prefix    string `json:"prefix,omitempty"`
	ASPath    string `json:"asPath,omitempty"`
	LocalPref *int   `json:"localPref,omitempty"`
	MED       *int   `json:"med,omitempty"`
	NextHopIP string `json:"nextHopIp,omitempty"`
	Weight    *int   `json:"weight,omitempty"`
	Details   string `json:"details,omitempty"`
}

func (s *Server) renderTunnel(c *ec2.Connection, t *ec2.Tunnel, format string, ev tunnelEvent, ts time.Time) string {
	rec := tunnelRecord{
		EventTimestamp: ts.Unix(), Timestamp: readableTime(ts),
		DPDEnabled: t.DPDTimeoutAction != "none", NATTDetected: false,
		Phase1: ev.phase1, Phase2: ev.phase2, Details: s.expand(c, t, ev.details),
	}
	if format == "text" {
		// UNCONFIRMED: AWS publishes no TEXT example (docs/design/aws-behaviour.md §5.4). The sandbox writes one
		// readable line: time, VPN id, outside IP, then key=value pairs with details last, quoted.
		return fmt.Sprintf("%s %s %s ike_phase1_state=%s ike_phase2_state=%s dpd_enabled=%t nat_t_detected=%t details=%s",
			rec.Timestamp, c.ID, t.OutsideIP, rec.Phase1, rec.Phase2, rec.DPDEnabled, rec.NATTDetected, strconv.Quote(rec.Details))
	}
	b, _ := json.Marshal(rec)
	return string(b)
}

func (s *Server) renderBGP(c *ec2.Connection, t *ec2.Tunnel, format string, ev bgpEvent, ts time.Time) string {
	rec := bgpRecord{
		ResourceID: c.ID + "_" + t.OutsideIP, EventTimestamp: ts.UnixMilli(), Timestamp: readableTime(ts),
		Type: ev.typ, Status: ev.status, Message: bgpMessage{Details: s.expand(c, t, ev.details)},
	}
	if r := ev.route; r != nil {
		localPref, med, weight := 100, 100, 32768
		rec.Message.Prefix, rec.Message.ASPath, rec.Message.NextHopIP = r.prefix, s.expand(c, t, r.asPath), s.expand(c, t, r.nextHop)
		rec.Message.LocalPref, rec.Message.MED, rec.Message.Weight = &localPref, &med, &weight
	}
	if format == "text" {
		// UNCONFIRMED: no published TEXT example (docs/design/aws-behaviour.md §5.4); same layout as the tunnel log.
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s type=%s status=%s", rec.Timestamp, rec.ResourceID, rec.Type, rec.Status)
		if m := rec.Message; ev.route != nil {
			fmt.Fprintf(&b, " prefix=%s asPath=%s localPref=%d med=%d nextHopIp=%s weight=%d", m.Prefix, strconv.Quote(m.ASPath), *m.LocalPref, *m.MED, m.NextHopIP, *m.Weight)
		}
		if rec.Message.Details != "" {
			fmt.Fprintf(&b, " details=%s", strconv.Quote(rec.Message.Details))
		}
		return b.String()
	}
	b, _ := json.Marshal(rec)
	return string(b)
}

// UNCONFIRMED: which address "neighbor {ip}" names in BGP messages. The sandbox uses the customer
// gateway's inside address (the BGP peer seen from the AWS side); the documentation's example
// shows 169.254.50.85 for a 169.254.50.84/30 tunnel, which would be the AWS side's own address.

// expand fills a message's placeholders for a tunnel: {cgw} customer gateway outside IP,
// {neighbor} its inside (BGP peer) address, {awsinside} the AWS inside address, {asn} / {awsasn}
// the customer / Amazon side ASN, {nextid} / {id} the next / current IKE message id, {nextspi} a
// new SPI. Caller holds s.mu.
func (s *Server) expand(c *ec2.Connection, t *ec2.Tunnel, msg string) string {
	if !strings.Contains(msg, "{") {
		return msg
	}
	awsInside, cgwInside := t.InsideIPs()
	cgwIP, asn, awsASN := "", "65000", "64512"
	if g := s.ec2.CustomerGateway(c.CustomerGatewayID); g != nil {
		cgwIP, asn = g.IPAddress, strconv.FormatInt(g.BGPASN, 10)
	}
	if g := s.ec2.VpnGateway(c.VpnGatewayID); g != nil {
		awsASN = strconv.FormatInt(g.AmazonSideASN, 10)
	}
	if strings.Contains(msg, "{nextid}") {
		t.Traffic.Seq++
	}
	spi := ""
	if strings.Contains(msg, "{nextspi}") {
		t.Traffic.SPISeq++
		h := fnv.New32a()
		fmt.Fprintf(h, "%d/%s/%s/%d", s.opts.Seed, c.ID, t.OutsideIP, t.Traffic.SPISeq)
		spi = fmt.Sprintf("%08x", h.Sum32()|0x80000000)
	}
	return strings.NewReplacer(
		"{cgw}", cgwIP, "{neighbor}", cgwInside, "{awsinside}", awsInside, "{asn}", asn, "{awsasn}", awsASN,
		"{nextid}", strconv.Itoa(t.Traffic.Seq), "{id}", strconv.Itoa(t.Traffic.Seq), "{nextspi}", spi,
	).Replace(msg)
}
