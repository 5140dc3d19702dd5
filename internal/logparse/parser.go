package logparse

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// ParseEvent parses one CloudWatch Logs event message of a Site-to-Site VPN
// log. cloudWatchTimestampMillis is the event's CloudWatch timestamp, used
// when the message has none. It never fails: input it cannot read yields an
// EventUnknown whose Details is the raw text.
//
// A message whose first non-space byte is '{' is read as JSON. Anything else,
// and JSON that is not a well-formed object, is read as text: the catalogue
// message is found wherever it is on the line, and key=value or key: value
// pairs with known keys (the JSON keys, in any case, with or without '_')
// are read where present. The text Details is the line without its leading
// timestamp and without those pairs (or the value of a details key).
//
// UNCONFIRMED: AWS publishes no example of the TEXT output format. The
// canonical text rendering assumed here (and suggested to anything that
// writes one) is a leading timestamp, key=value pairs, then the message:
//
//	2025-11-08 05:40:29.641Z ike_phase1_state=established ike_phase2_state=established dpd_enabled=true nat_t_detected=false AWS tunnel processed request (id=12) for CREATE_CHILD_SA
//	2025-11-08 05:40:29.641Z resource_id=vpn-1234abcd_1.2.3.4 type=BGPStatus status=UP AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor 169.254.50.85
func ParseEvent(message []byte, cloudWatchTimestampMillis int64) Event {
	return ParseEventString(string(message), cloudWatchTimestampMillis)
}

// ParseEventString is ParseEvent for a message held as a string, as the
// CloudWatch Logs API returns it. String fields of the event share the
// message's memory.
func ParseEventString(message string, cloudWatchTimestampMillis int64) Event {
	p, ok := parsers.Get().(*Parser)
	if !ok {
		p = new(Parser)
	}
	e := *p.Parse(message, cloudWatchTimestampMillis)
	parsers.Put(p)
	e.own()
	return e
}

// parsers are the Parsers of ParseEventString.
var parsers = sync.Pool{New: func() any { return new(Parser) }}

// Parser parses events one after the other, as ParseEventString does, reusing
// its memory from one to the next: the lower-cased copy of a message that
// classification reads, the route and AS paths it extracts, and the last
// human-readable time it read (consecutive events share the date and minute).
// Parsing a stream of events with one allocates nothing in the steady state.
// The zero value is ready to use; a Parser is not safe for concurrent use.
type Parser struct {
	b     builder // b.ev is the event of the last Parse
	lower []byte  // the lower-cased message (classify)
	route Route
	// routePath and fieldPath hold the AS paths of the route and of the
	// message's fields.
	routePath, fieldPath []uint32
	clock                clock
}

// Parse parses message as ParseEventString does, into an event of the
// parser's that the next Parse reuses. The event's string fields share
// message's memory.
func (p *Parser) Parse(message string, cloudWatchTimestampMillis int64) *Event {
	b := &p.b
	*b = builder{p: p, raw: message}
	format := FormatText
	if t := message[scanWhile(message, 0, isSpace):]; t != "" && t[0] == '{' && parseJSON(t, b) {
		format = FormatJSON
	} else {
		*b = builder{p: p, raw: message}
		parseText(message, b)
	}
	b.finish(format, cloudWatchTimestampMillis)
	return &b.ev
}

// own gives the event memory of its own for what it shares with its parser.
func (e *Event) own() {
	if e.Route != nil {
		r := *e.Route
		r.ASPath = slices.Clone(r.ASPath)
		e.Route = &r
	}
	e.Fields.ASPath = slices.Clone(e.Fields.ASPath)
}

// builder collects the values of one event's keys, from either format.
type builder struct {
	p          *Parser
	ev         Event
	raw        string
	epoch      time.Time // from event_timestamp
	human      string    // the human timestamp, parsed only if needed
	leading    time.Time // text: the timestamp the line starts with
	typ        EventType // from the type key
	tunnelKeys bool      // a tunnel-activity key was present
	bgpKeys    bool      // resource_id or status was present
	details    string
	routeKeys  bool // a route key was present: the parser's route is the event's
}

// route is the route being read, emptied at the event's first route key.
func (b *builder) route() *Route {
	r := &b.p.route
	if !b.routeKeys {
		b.routeKeys = true
		*r = Route{}
	}
	return r
}

// valueKind is the JSON type of a value; text values are all strings.
type valueKind uint8

const (
	kindString valueKind = iota
	kindNumber
	kindBool
	kindNull
)

type value struct {
	kind valueKind
	s    string // the string, the number's text, or the array's text
	b    bool
}

// set records the value of a known key.
func (b *builder) set(k keyID, v value) {
	if v.kind == kindNull {
		return
	}
	e := &b.ev
	switch k {
	case keyEventTimestamp:
		if t, ok := parseEpoch(v.s); ok {
			b.epoch = t
		}
	case keyTimestamp:
		if len(v.s) > 4 && v.s[4] == '-' { // the documented form, "2025-11-08 05:40:29.641Z"
			b.human = v.s
		} else if t, ok := parseEpoch(v.s); ok {
			b.epoch = t
		} else {
			b.human = v.s
		}
	case keyDPD:
		b.tunnelKeys = true
		e.DPDEnabled = parseOptBool(v)
	case keyNATT:
		b.tunnelKeys = true
		e.NATTDetected = parseOptBool(v)
	case keyPhase1:
		b.tunnelKeys = true
		e.Phase1 = parseIKEState(v.s)
	case keyPhase2:
		b.tunnelKeys = true
		e.Phase2 = parseIKEState(v.s)
	case keyDetails, keyMessage:
		if v.kind == kindString {
			b.details = v.s
		}
	case keyResourceID:
		b.bgpKeys = true
		e.ResourceID = v.s
	case keyType:
		b.typ = parseRecordType(v.s)
	case keyStatus:
		b.bgpKeys = true
		e.Status = normStatus(v.s)
	case keyVPNConnectionID:
		e.VPNConnectionID = strings.TrimSpace(v.s)
	case keyOutsideIP:
		if a, ok := addrAt(v.s, skipSep(v.s, 0)); ok {
			e.TunnelOutsideIP = a
		}
	case keyPrefix:
		b.route().Prefix = parsePrefix(v.s)
	case keyASPath:
		r := b.route()
		b.p.routePath = appendASPath(b.p.routePath[:0], v.s)
		r.ASPath = nonEmpty(b.p.routePath)
	case keyLocalPref:
		b.route().LocalPref = parseOptInt(v.s)
	case keyMED:
		b.route().MED = parseOptInt(v.s)
	case keyNextHop:
		r := b.route()
		if a, ok := addrAt(v.s, skipSep(v.s, 0)); ok {
			r.NextHop = a
		}
	case keyWeight:
		b.route().Weight = parseOptInt(v.s)
	}
}

// finish classifies the message and settles the type, status and time of
// the event it builds.
func (b *builder) finish(format Format, cloudWatchMillis int64) {
	e := &b.ev
	e.Format = format
	e.Details = b.details
	var family EventType
	if b.details != "" {
		e.Entry, family = b.p.classify(b.details, &e.Fields)
	}
	switch {
	case b.typ != EventUnknown:
		e.Type = b.typ
	case b.tunnelKeys:
		e.Type = EventTunnelActivity
	case family != EventUnknown:
		e.Type = family
	case b.routeKeys:
		e.Type = EventRouteStatus
	case b.bgpKeys:
		e.Type = statusType(e.Status)
	}
	if e.Type == EventUnknown {
		e.Details = truncate(strings.TrimSpace(b.raw), MaxRawDetails)
	}
	if b.routeKeys {
		e.Route = &b.p.route
	}
	if e.Type == EventBGPStatus && e.Status == "" {
		switch {
		case e.Entry != nil:
			e.Status = e.Entry.BGPStatus
		case e.Fields.Has(FieldToState): // an FSM transition the catalogue lacks
			e.Status = StatusDown
			if e.Fields.ToState == BGPStateEstablished {
				e.Status = StatusUp
			}
		}
	}

	switch {
	case !b.epoch.IsZero():
		e.Time = b.epoch
	case b.human != "":
		if t, _, ok := b.p.clock.parse(strings.TrimSpace(b.human)); ok {
			e.Time = t
		}
	}
	if e.Time.IsZero() {
		e.Time = b.leading
	}
	if e.Time.IsZero() && cloudWatchMillis > 0 {
		e.Time = time.UnixMilli(cloudWatchMillis).UTC()
	}

	if e.ResourceID != "" && (e.VPNConnectionID == "" || !e.TunnelOutsideIP.IsValid()) {
		vpn, ip := splitResourceID(e.ResourceID)
		if e.VPNConnectionID == "" {
			e.VPNConnectionID = vpn
		}
		if !e.TunnelOutsideIP.IsValid() {
			e.TunnelOutsideIP = ip
		}
	}
}

// nonEmpty is s, or nil when s is empty.
func nonEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
