// Package health reads Site-to-Site VPN tunnels' log events from CloudWatch Logs and folds them, with logparse,
// into each tunnel's health. The provider's vpnlogs_tunnel_health and vpnlogs_fleet_health data sources and the
// setup tool's health command are thin adapters over a Session (Session.Read for one tunnel, Session.ReadFleet for
// many); Reader.Read is a Session used once.
//
// # Which events belong to a tunnel
//
// AWS says only that a stream name "uses VpnConnectionID and TunnelOutsideIPAddress" (docs/design/aws-behaviour.md
// §5.1). A stream belongs to the tunnel when its name contains the VPN connection ID and the tunnel's outside IP
// address, each as a whole token (vpn-1234abcd does not match vpn-1234abcd0…, 10.0.0.1 does not match 10.0.0.10).
//
// UNCONFIRMED: the stream naming (separator, BGP suffix; docs/design/aws-behaviour.md §5.1, §5.7, §8 item 9). AWS's
// own monitoring sample parses vpn-<id>-<outside-ip>, and the BGP record's resource_id is vpn-<id>_<outside-ip>, so
// the reader first asks for streams whose name starts with the VPN ID (logStreamNamePrefix) and keeps the events
// of streams that also contain the outside IP. Only when that finds nothing of the tunnel does it list every
// stream of the group (DescribeLogStreams) to find names that contain both tokens in another arrangement.
//
// # Filter mode: the read of one tunnel and its cost
//
// When no other VPN connection reads the same group and window in the Session (see "Shared reads"), for each log
// group (the tunnel activity log's and the BGP log's; one read when they are the same group):
//
//  1. FilterLogEvents(logStreamNamePrefix = VPN ID, startTime = now − lookback, endTime = now), following
//     nextToken until it is absent. Events of other streams (the connection's other tunnel) are dropped.
//  2. Only if the window held no event of the tunnel, or none of one of the logs the group carries: one
//     newest-first FilterLogEvents (startFromHead = false, endTime just before the window, limit PreWindowLimit)
//     for the latest events before the window, so that the current state is known even for a quiet tunnel.
//     AWS accepts startFromHead = false only with startTime on or after 2024-01-01; startTime is the window start
//     minus PreWindowReach, raised to that date (and the read is skipped when the window ends before it).
//  3. Only if neither found any event of the tunnel: the stream-discovery fallback (below).
//
// Cost per group, without the fallback: a page holds at most 10,000 events (PageEvents), so step 1 takes
// ceil(N / 10,000) calls for N events in the window (one call when N = 0), and step 2 at most one more, which is
// ≤ ceil(N / 10,000) + 2. Two conditions on that bound: a page is also cut at 1 MiB, so with events larger than
// about 78 bytes (1 MiB / 10,000 − 26 bytes of per-event overhead) the page count is ceil(bytes / 1 MiB) instead;
// and "N" counts the events of every stream under the VPN ID prefix, so when both tunnels of a connection log to
// the same group the other tunnel's events are paged through too. AWS may also return partial or empty pages with
// a nextToken (docs/design/aws-behaviour.md §6); the sandbox does not. The two tunnels of a connection share these
// reads: step 1 and step 2 cover the connection's streams, and each tunnel keeps its own.
//
// The fallback costs ceil(S / 50) DescribeLogStreams calls for S streams in the group, then steps 1 and 2 again
// with logStreamNames: it only runs when the prefix read found nothing, so it is the price of an unexpected
// stream naming or of a tunnel that never logged.
//
// # Shared reads: a fleet
//
// A Session anchors the window once (every read in it ends at the same instant, for AnchorTTL) and shares reads
// among its tunnels. When tunnels of two or more VPN connections read the same group and window, the group is read
// once for all of them, whatever the number of tunnels:
//
//  1. FilterLogEvents over the whole group (startTime, endTime, no stream selection), following nextToken: each
//     tunnel takes its own streams' events, in the order CloudWatch returned them, exactly as its own read above
//     would have. The read costs ceil(bytes / 1 MiB) pages (ceil(N / 10,000) while events are small).
//  2. Only if some tunnel lacks a log in the window: one newest-first FilterLogEvents over the whole group before
//     the window (limit 10,000). A tunnel takes from it what its own step 2 would have read (the newest 50 events of
//     its connection's streams); only a tunnel whose latest events lie beyond that page reads them on its own.
//  3. The stream listing of the fallback is read at most once per group.
//
// So a group costs at most ceil(bytes / 1 MiB) + 1 calls for the fleet, plus one step-2 call per connection whose
// latest events before the window are not all in that page, and the stream-discovery fallback for tunnels whose
// streams are not named from the VPN ID. The price of sharing: two connections of a group that carries a large
// fleet's logs read the whole group (ceil(bytes / 1 MiB) calls) where their own reads would page only their
// streams. Session.Read gathers for GatherDelay before deciding (Terraform reads the data sources of a plan
// concurrently, at most -parallelism at a time), so that the first reads of a plan already share; a single tunnel
// keeps the bound of its own read. A read that arrives after the gather, when its group has so far been read for
// one connection only, makes the group shared from then on: the connection-scoped read already made is the price
// (one or two calls under a heavily loaded machine), which keeps a plan within ceil(bytes / 1 MiB) + 2. The reads run at the pace the CloudWatch Logs client allows: this package makes
// no more calls than the bounds above, and awsconfig paces them at AWS's quotas.
//
// # Insights mode
//
// When the lookback exceeds InsightsThreshold (mode "auto") or the mode is "insights", the reader pushes the work
// to CloudWatch Logs Insights instead of downloading every event (see InsightsQueries for the exact text):
//
//   - the tail query returns the newest QueryRowLimit events of the tunnel's streams in the window as raw rows,
//     which are parsed exactly like downloaded events. When it returns fewer rows than the limit, that is the
//     whole window and nothing else is asked.
//   - otherwise the summary query aggregates the older rest of the window (events at or before the oldest tail
//     row) with stats count(*), the first and last timestamp and the earliest and latest raw message, by type,
//     status, the IKE states, DPD, NAT-T, the route prefix and the message text. Each row is fed to logparse
//     as its earliest and its latest event, and the latest again for the remaining count, so that issue counts,
//     first and last seen, route counters, BGP flaps, events read and the latest state are those of download
//     mode. Tunnel-activity flaps (counted only when no BGP event was read) are exact in the tail and a lower
//     bound in the summarised part.
//
// Each query costs one StartQuery and one GetQueryResults per poll (and per 10,000-row page): two calls when
// CloudWatch answers the first poll with Complete, as the sandbox does; four with the summary query, which only
// runs when the window holds more than 10,000 events, so the bound above holds in the sandbox. The exception is a
// window without events: the query finds nothing and the newest-first FilterLogEvents of step 2 follows, three
// calls where the bound allows two (auto mode uses Insights only above InsightsThreshold, so this is a tunnel silent
// for that long). On AWS a query needs a few polls while it runs (first poll after PollMinDelay, then doubling up
// to PollMaxDelay), each one a call.
//
// Shared, a Session sends one query per batch of up to 50 log groups (StartQuery's limit) for every tunnel reading
// them, aggregated by log group and stream (batchTailQueryFmt, batchSummaryQueryFmt), with a row limit of BatchRowLimit paged in 10,000
// rows, instead of one query per tunnel; each tunnel takes its streams' rows. Logs Insights charges by the bytes a
// query scans, and a query scans its groups whatever its stream condition, so this also divides the cost of a
// fleet's read by its number of tunnels. The read before the window is shared as in filter mode.
//
// # Permissions
//
// logs:FilterLogEvents and logs:DescribeLogStreams for the filter mode; logs:StartQuery and logs:GetQueryResults
// for the Insights mode (plus logs:FilterLogEvents for the read before the window). A missing group or a denied
// call is an *Error naming the group and the permission.
package health

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/duration"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

// Query modes.
const (
	ModeAuto     = "auto"
	ModeFilter   = "filter"
	ModeInsights = "insights"
)

// Modes lists the accepted query modes, the default first.
var Modes = []string{ModeAuto, ModeFilter, ModeInsights}

// Limits and defaults.
const (
	// DefaultLookback is the window read when none is given.
	DefaultLookback = time.Hour
	// MinLookback and MaxLookback bound the window: Insights works in whole seconds, and a window longer than
	// 90 days is better served by a dashboard than by a plan.
	MinLookback = time.Minute
	MaxLookback = 90 * 24 * time.Hour
	// InsightsThreshold is the lookback above which mode "auto" uses Logs Insights: six hours of a busy tunnel
	// is still a few pages, beyond that the download grows with the window while the query result does not.
	InsightsThreshold = 6 * time.Hour
	// PageEvents is the most events one FilterLogEvents page returns.
	PageEvents = 10000
	// PreWindowLimit is the page size of the newest-first read before the window: enough for the latest state of
	// both logs of a tunnel and its neighbour, small enough to be cheap.
	PreWindowLimit = 50
	// PreWindowReach is how far before the window the newest-first read looks.
	PreWindowReach = 30 * 24 * time.Hour
	// QueryRowLimit is the row limit of each Insights query.
	QueryRowLimit = 10000
)

// newestFirstEarliest is the earliest startTime for which FilterLogEvents accepts startFromHead=false.
var newestFirstEarliest = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// LogsAPI is the part of the CloudWatch Logs client the reader uses.
type LogsAPI interface {
	FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
	DescribeLogStreams(ctx context.Context, in *cloudwatchlogs.DescribeLogStreamsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogStreamsOutput, error)
	StartQuery(ctx context.Context, in *cloudwatchlogs.StartQueryInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StartQueryOutput, error)
	GetQueryResults(ctx context.Context, in *cloudwatchlogs.GetQueryResultsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetQueryResultsOutput, error)
}

// Reader reads tunnel health. The zero value of every field but Logs takes its default.
type Reader struct {
	Logs LogsAPI
	// Now is the clock; default time.Now.
	Now func() time.Time
	// PollMinDelay is the wait before the first GetQueryResults of an Insights query (default 100ms); the wait
	// doubles up to PollMaxDelay (default 2s) while the query runs. Negative means no wait (tests).
	PollMinDelay, PollMaxDelay time.Duration
	// QueryTimeout bounds one Insights query, polls included (default 5 minutes; the caller's context may be
	// shorter).
	QueryTimeout time.Duration
	// GatherDelay is how long Session.Read waits, on the first read of a group and window, for the reads of other
	// tunnels of the same group and window before deciding whether to read the group once for all (default 250ms;
	// negative: no wait).
	GatherDelay time.Duration
	// AnchorTTL is how long a Session's window end serves later reads (default 5 minutes): reads within it share
	// one window, later ones read up to their own now.
	AnchorTTL time.Duration
}

// Request says which tunnel to read and where its logs are.
type Request struct {
	VPNConnectionID string
	// OutsideIP is the tunnel's outside IP address as AWS spells it (it is matched in stream names).
	OutsideIP string
	// TunnelLogGroup and BGPLogGroup are the groups receiving the tunnel activity log and the BGP log, as a name
	// or an ARN (a trailing ":*" is accepted); "" when that log is not read.
	TunnelLogGroup, BGPLogGroup string
	// Lookback is the window; 0 means DefaultLookback.
	Lookback time.Duration
	// Mode is ModeAuto (""), ModeFilter or ModeInsights.
	Mode string
}

// Result is a tunnel's health and how it was read.
type Result struct {
	logparse.Health
	// Mode is the mode used: ModeFilter or ModeInsights.
	Mode string
	// Start and End bound the window read.
	Start, End time.Time
	// Groups describes the read of each distinct log group, tunnel activity log's first.
	Groups []GroupRead
}

// GroupRead describes the read of one log group.
type GroupRead struct {
	Group string // log group name
	Logs  []string
	// Streams are the names of the tunnel's streams that events were read from, sorted.
	Streams []string
	// EventsInWindow counts the tunnel's events in the window, EventsBeforeWindow those of the newest-first
	// read before it.
	EventsInWindow, EventsBeforeWindow int
	// Calls counts the CloudWatch Logs calls made for this tunnel, by operation: its own reads, and the reads of
	// its connection's streams when it was the first of the connection's tunnels to need them. Calls of a
	// group-wide read are not in it (see Shared and Session.Stats).
	Calls map[string]int
	// Shared is true when the tunnel's events came from a read of the whole group, shared with the tunnels of
	// other connections.
	Shared bool
	// StreamDiscovery is true when the DescribeLogStreams fallback ran.
	StreamDiscovery bool
	// Notes are remarks on the completeness of the read (an Insights result cut at its row limit).
	Notes []string
}

// TotalCalls is the number of CloudWatch Logs calls made for the group.
func (g GroupRead) TotalCalls() int {
	n := 0
	for _, c := range g.Calls {
		n += c
	}
	return n
}

// Log names, as in GroupRead.Logs.
const (
	LogTunnel = "tunnel"
	LogBGP    = "bgp"
)

// ValidateLookback checks a lookback.
func ValidateLookback(d time.Duration) error {
	if d < MinLookback || d > MaxLookback {
		return fmt.Errorf("lookback %s is out of range: it must be between %s and %s (%d days)",
			FormatDuration(d), FormatDuration(MinLookback), FormatDuration(MaxLookback), int(MaxLookback/(24*time.Hour)))
	}
	return nil
}

// FormatDuration prints a duration without zero minutes and seconds: "6h", "90m", "1h30m".
func FormatDuration(d time.Duration) string { return duration.Format(d) }

// ParseLookback parses a Go duration string ("1h", "90m", "24h") and validates it.
func ParseLookback(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("lookback %w", err)
	}
	return d, ValidateLookback(d)
}

// ModeFor is the mode Read uses for a request's mode and lookback.
func ModeFor(mode string, lookback time.Duration) string {
	switch mode {
	case ModeFilter, ModeInsights:
		return mode
	}
	if lookback > InsightsThreshold {
		return ModeInsights
	}
	return ModeFilter
}

// RecencyWindow is how far back from now an issue, a flap or a prefix-limit message still makes the tunnel
// degraded: the lookback, at most logparse.DefaultWindow. Older events in a long window still count in issues and
// counters, but the status reflects the last hour.
func RecencyWindow(lookback time.Duration) time.Duration {
	return min(lookback, logparse.DefaultWindow)
}

// groupSpec is one distinct log group to read.
type groupSpec struct {
	id   string // what the API is given: the name, or the ARN without ":*"
	name string
	arn  bool
	logs []string
}

// groupName is the name of a group given by name or ARN, and the identifier to send.
func groupName(s string) (id, name string, arn bool, err error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "arn:") {
		a, err := logdelivery.ParseLogGroupARN(s)
		if err != nil {
			return "", "", false, err
		}
		return a.String(), a.Name, true, nil
	}
	if err := logdelivery.ValidateLogGroupName(s); err != nil {
		return "", "", false, err
	}
	return s, s, false, nil
}

// normalize checks a request, fills in the default lookback, and returns its distinct log groups, the tunnel
// activity log's first.
func (req *Request) normalize() ([]*groupSpec, error) {
	if req.VPNConnectionID == "" || req.OutsideIP == "" {
		return nil, errors.New("health: the VPN connection ID and the tunnel outside IP address are required")
	}
	if req.Lookback == 0 {
		req.Lookback = DefaultLookback
	}
	if err := ValidateLookback(req.Lookback); err != nil {
		return nil, err
	}
	switch req.Mode {
	case "", ModeAuto, ModeFilter, ModeInsights:
	default:
		return nil, fmt.Errorf("query mode %q is not one of %s", req.Mode, strings.Join(Modes, ", "))
	}
	var groups []*groupSpec
	for _, g := range []struct{ log, group string }{{LogTunnel, req.TunnelLogGroup}, {LogBGP, req.BGPLogGroup}} {
		if g.group == "" {
			continue
		}
		id, name, isARN, err := groupName(g.group)
		if err != nil {
			return nil, fmt.Errorf("the %s log group: %w", g.log, err)
		}
		var found *groupSpec
		for _, s := range groups {
			if s.name == name {
				found = s
			}
		}
		if found == nil {
			found = &groupSpec{id: id, name: name, arn: isARN}
			groups = append(groups, found)
		}
		found.logs = append(found.logs, g.log)
	}
	if len(groups) == 0 {
		return nil, errors.New("health: no log group to read: neither the tunnel activity log nor the BGP log is delivered to CloudWatch Logs")
	}
	return groups, nil
}

// state is one tunnel's read in progress.
type state struct {
	req      Request
	acc      logparse.Accumulator
	start    time.Time
	end      time.Time
	startMs  int64
	endMs    int64
	matcher  streamMatcher
	streamOK map[string]bool
}

func newState(req Request, start, end time.Time) *state {
	st := &state{
		req: req, start: start, end: end, startMs: start.UnixMilli(), endMs: end.UnixMilli(),
		matcher: newStreamMatcher(req.VPNConnectionID, req.OutsideIP),
	}
	st.acc.Window = RecencyWindow(req.Lookback)
	return st
}

// ours is streamMatcher.match, remembered per stream name (a page holds events of a few streams).
func (st *state) ours(stream string) bool {
	if v, ok := st.streamOK[stream]; ok {
		return v
	}
	if st.streamOK == nil {
		st.streamOK = map[string]bool{}
	}
	v := st.matcher.match(stream)
	st.streamOK[stream] = v
	return v
}

// Read reads one tunnel's events and computes its health: a Session used once, so the window ends now.
func (r *Reader) Read(ctx context.Context, req Request) (*Result, error) {
	if r.Logs == nil {
		return nil, errors.New("health: Reader.Logs is nil")
	}
	return r.newSession(false).Read(ctx, req)
}

func noEventsReason(req Request, res *Result) string {
	var names []string
	streams := 0
	for _, g := range res.Groups {
		names = append(names, g.Group)
		streams += len(g.Streams)
	}
	where := "log group " + names[0]
	if len(names) > 1 {
		where = "log groups " + strings.Join(names, " and ")
	}
	if streams == 0 {
		return fmt.Sprintf("No log stream of tunnel %s of %s was found in %s: AWS creates the streams with the tunnel's first "+
			"log event after logging is enabled, and logs only what happens after that.", req.OutsideIP, req.VPNConnectionID, where)
	}
	return fmt.Sprintf("No log events of tunnel %s of %s were found in %s, in the last %s or before it.",
		req.OutsideIP, req.VPNConnectionID, where, FormatDuration(req.Lookback))
}

// logKinds is a bit set of the logs an event or a read covers.
type logKinds uint8

const (
	kindTunnel logKinds = 1 << iota
	kindBGP
)

func expectedKinds(logs []string) logKinds {
	var k logKinds
	for _, l := range logs {
		switch l {
		case LogTunnel:
			k |= kindTunnel
		case LogBGP:
			k |= kindBGP
		}
	}
	return k
}

// eventKind says which log an event comes from; 0 when it cannot tell (an unrecognised event).
func eventKind(e *logparse.Event) logKinds {
	switch e.Type {
	case logparse.EventTunnelActivity:
		return kindTunnel
	case logparse.EventBGPStatus, logparse.EventRouteStatus:
		return kindBGP
	}
	if e.Entry != nil {
		switch e.Entry.Kind {
		case logparse.KindBGPStatus, logparse.KindRouteStatus:
			return kindBGP
		default:
			return kindTunnel
		}
	}
	return 0
}

// sink feeds the events of one group into the accumulator and tracks what was seen.
type sink struct {
	st      *state
	gr      *GroupRead
	seen    logKinds
	streams map[string]bool
	// only, when non-zero, keeps only events of these logs (the read before the window).
	only logKinds
	n    int
	// parser parses the sink's events one after the other, reusing its memory (Accumulator.Add copies what it keeps).
	parser logparse.Parser
}

func newSink(st *state, gr *GroupRead) *sink {
	s := &sink{st: st, gr: gr, streams: map[string]bool{}}
	for _, n := range gr.Streams {
		s.streams[n] = true
	}
	return s
}

// addOurs feeds the events of the tunnel's streams and skips the others (the connection's other tunnel, other
// connections).
func (s *sink) addOurs(evs []rawEvent) {
	for _, e := range evs {
		if s.st.ours(e.stream) {
			s.add(e.stream, e.message, e.ts)
		}
	}
}

// add parses and folds one event of a stream already known to be the tunnel's, as health --file's workers do: with
// one Parser, nothing copied but what the accumulator keeps.
func (s *sink) add(stream, message string, tsMillis int64) {
	s.addEvent(stream, s.parser.Parse(message, tsMillis))
}

func (s *sink) addEvent(stream string, e *logparse.Event) {
	k := eventKind(e)
	if s.only != 0 && k&s.only == 0 {
		return
	}
	s.seen |= k
	s.n++
	s.st.acc.Add(e)
	if stream != "" && !s.streams[stream] {
		s.streams[stream] = true
		s.gr.Streams = append(s.gr.Streams, stream)
	}
}
