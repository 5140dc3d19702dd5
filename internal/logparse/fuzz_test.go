package logparse

import (
	"reflect"
	"strings"
	"testing"
)

const allFields = FieldSPI | FieldCGW | FieldRetryCount | FieldRequestID | FieldNeighbor | FieldFromState | FieldToState |
	FieldNotification | FieldPrefixCount | FieldPrefixLimit | FieldASN | FieldExpectedASN | FieldHoldTime | FieldRouterID | FieldASPath

func FuzzParseJSON(f *testing.F) {
	for _, c := range catCases {
		in, _ := catalogueJSON(c)
		f.Add(in)
	}
	for _, m := range append(append([][]byte{}, benchTunnelJSON...), benchBGPJSON...) {
		f.Add(string(m))
	}
	f.Add(`{"message":{"asPath":[1,[2,{"x":"\ud83d\ude00"}]],"prefix":"::/0"},"details":"\u00"}`)
	f.Add(`{"event_timestamp":"1.5e300","timestamp":"2025-13-40 99:99:99.9999999999Z","dpd_enabled":1}`)
	f.Fuzz(checkInvariants)
}

func FuzzParseText(f *testing.F) {
	for _, c := range catCases {
		in, _ := catalogueText(c)
		f.Add(in)
		f.Add(c.doc)
	}
	for _, m := range benchText {
		f.Add(string(m))
	}
	f.Add("details=\"unterminated \\u12 status: 'x type=RouteStatus as_path=1 2 3 4294967296")
	f.Add("2025-11-08T05:40:29.641-0530 AWS-side peer received update with attributes from neighbor ::ffff:1.2.3.4 • AS path: {1,2} [3]")
	f.Fuzz(checkInvariants)
}

// checkInvariants parses s and checks what must hold for any input.
func checkInvariants(t *testing.T, s string) {
	e := ParseEventString(s, 1762580429641)
	if e.Type > EventRouteStatus {
		t.Fatalf("invalid type %d", e.Type)
	}
	switch e.Format {
	case FormatJSON:
		if !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "{") {
			t.Fatalf("JSON format for input not starting with '{'")
		}
	case FormatText:
	default:
		t.Fatalf("invalid format %d", e.Format)
	}
	if e.Entry != nil && byCode[e.Entry.Code] != e.Entry {
		t.Fatalf("entry %q is not a catalogue entry", e.Entry.Code)
	}
	if e.Fields.Set&^allFields != 0 {
		t.Fatalf("unknown field bits %b", e.Fields.Set)
	}
	if e.Fields.Set == 0 && !reflect.DeepEqual(e.Fields, MessageFields{}) {
		t.Fatalf("fields set without their bit: %+v", e.Fields)
	}
	if e.Type == EventUnknown && (len(e.Details) > MaxRawDetails || !strings.HasPrefix(strings.TrimSpace(s), e.Details)) {
		t.Fatalf("unknown event details %q are not a bounded prefix of the input", e.Details)
	}
	if e.Time.IsZero() || e.Time.Location().String() != "UTC" {
		t.Fatalf("time %v: want a UTC time (the CloudWatch timestamp at worst)", e.Time)
	}
	if again := ParseEvent([]byte(s), 1762580429641); !reflect.DeepEqual(again, e) {
		t.Fatalf("ParseEvent and ParseEventString disagree or are not deterministic:\n%+v\n%+v", again, e)
	}
	// A Parser reuses memory from one Parse to the next (the lower-cased copy, the route and AS path, the last
	// time it read): after any other event, it parses this one as a fresh parse does.
	for _, prev := range [][]byte{benchTunnelJSON[0], benchBGPJSON[len(benchBGPJSON)-1], benchText[len(benchText)/2], []byte(s + s)} {
		var p Parser
		p.Parse(string(prev), 1762580429641)
		if got := *p.Parse(s, 1762580429641); !reflect.DeepEqual(got, e) {
			t.Fatalf("a Parser that parsed %q before parses differently:\n%+v\n%+v", prev, got, e)
		}
	}

	h := Compute([]Event{e, e}, e.Time)
	switch h.Status {
	case HealthHealthy, HealthDegraded, HealthDown, HealthUnknown:
	default:
		t.Fatalf("invalid health status %q", h.Status)
	}
	if h.StatusReason == "" || h.EventsRead != 2 {
		t.Fatalf("health %+v", h)
	}
	if want := map[bool]int{true: 2, false: 0}[e.Unrecognized()]; h.EventsUnrecognized != want {
		t.Fatalf("EventsUnrecognized = %d, want %d", h.EventsUnrecognized, want)
	}
}
