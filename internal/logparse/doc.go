// Package logparse reads AWS Site-to-Site VPN logs — the tunnel activity log
// and the tunnel BGP log, in JSON or TEXT output format — and turns them into
// a tunnel's health. It is pure: standard library only, no AWS SDK, no
// Terraform, no clock (time enters only as an argument).
//
// It has four parts:
//
//   - the catalogue (Catalogue, LookupCode): every message AWS documents,
//     one table entry each, with a stable code, kind, severity, the BGP
//     status AWS documents, AWS's explanation verbatim and a remediation;
//   - the causal model (CausalModel), next to it: for each
//     entry, the layer of the tunnel it concerns, what it can cause and
//     what can cause it (docs/design/diagnosis.md);
//   - the parser (ParseEvent, ParseEventString): one CloudWatch Logs event
//     in, one Event out, never an error;
//   - the health model (Accumulator, Compute): events in any order in,
//     Health out, with a Diagnosis that names the root cause.
//
// # Codes
//
// A code is lower-case, dot-separated: a family, a subject, and sometimes a
// qualifier; words inside a segment are joined by '_'. Codes never change
// once published.
//
//   - ike.*: tunnel-activity messages listed in AWS's IKEv2 tables
//     (ike.psk_mismatch, ike.dpd_timeout, ike.create_child_sa.request_sent).
//     A log line does not say which IKE version produced it, so the four
//     messages AWS prints with the same text in both the IKEv1 and the IKEv2
//     error table (DELETE for IKE_SA, DELETE for Phase 2 SA, "No Proposal
//     Match Found by AWS", "No proposal chosen") are one entry each, in this
//     family, with Kind KindIKEError and both explanations.
//   - ikev1.*: messages listed only in the IKEv1 table (ikev1.peer_dead,
//     ikev1.psk_invalid).
//   - bgp.*: BGP status messages. FSM transitions are
//     bgp.state.<from>_to_<to>; Cease notifications are
//     bgp.notification_sent.<reason> and bgp.notification_received.<reason>
//     (cease_max_prefixes 6/1, cease_admin_shutdown 6/2,
//     cease_peer_unconfigured 6/3, cease_admin_reset 6/4,
//     cease_connection_rejected 6/5, cease_config_change 6/6,
//     cease_collision_resolution 6/7); then bgp.hold_timer_expired,
//     bgp.bad_open, bgp.open_received, bgp.open_sent, bgp.connect,
//     bgp.end_of_rib_sent, bgp.update_received, bgp.prefix_limit_warning,
//     bgp.prefix_limit_exceeded.
//   - route.*: route status messages (route.denied.own_as,
//     route.denied.nonconnected_next_hop).
//
// CodeUnknown ("unknown") is not a catalogue code: it groups unrecognised
// events in Health.Issues.
//
// # Recognising messages
//
// A message is recognised wherever it sits in the text, in any letter case,
// whatever the "•" separator of the documentation is rendered as (" - ",
// "•", a line break, or nothing). Each entry has a few lower-case patterns,
// each anchored on a distinctive key word; the classifier walks the words of
// the text once and checks only the patterns of the key words it meets. The
// shorter substrings AWS's own monitoring sample matches on ("invalid
// Pre-shared Key", "DPD timed out", "TS_UNACCEPTABLE", ...) are such patterns
// too, since each maps onto one documented entry. Placeholders become typed
// MessageFields, scanned by hand after the match; a stray '}' after a value
// (the documentation prints "router-id {id: xxx}}") is ignored. A BGP FSM
// transition or Cease notification the table lacks still yields its fields,
// with no Entry.
//
// # Parsing
//
// JSON is read by a small hand-written scanner (no reflection) that accepts:
// state values in any case; booleans as JSON booleans or strings; an
// event_timestamp in seconds, milliseconds, microseconds or nanoseconds
// (below 1e11 is seconds, below 1e14 milliseconds, ...) as a number or a
// numeric string, else the human timestamp ("2025-11-08 05:40:29.641Z"),
// else the CloudWatch event timestamp; pretty-printed input; unknown keys;
// missing keys; keys in any case with or without '_'; resource_id with '_'
// or '-' before the outside IP; message as an object, a string or null;
// localPref, med and weight as numbers or numeric strings. Unknown input is
// never an error: it becomes an EventUnknown whose Details is the raw text.
// See ParseEvent for the text format.
//
// UNCONFIRMED: AWS documents neither real tunnel-activity events, nor the
// event_timestamp unit, nor boolean/state value types and casing, nor the
// TEXT format, nor the BGP separator behind "•" (docs/design/aws-behaviour.md
// §5, §8 items 9–12). Every variant listed above is accepted; ParseEvent states the
// text rendering assumed as canonical.
//
// # Health
//
// State fields (IKE phases, DPD, NAT-T, BGP status, BGP session state, the
// latest prefix-limit message, each prefix's route status) come from the
// latest event by Time that carries them; on equal times the one added
// later wins. Issues group warning- and error-severity catalogue events by
// code (count, first and last seen, latest text), sorted unresolved first,
// then by severity (worst first), then last seen (latest first), then code.
// Info-severity entries only update state. Unrecognised events
// (Event.Unrecognized) are counted in EventsUnrecognized and grouped in one
// info-severity issue, CodeUnknown, so their text is kept.
//
// Flaps count how often the tunnel left its up state, as AWS's TunnelState
// metric defines "up" (docs/design/aws-behaviour.md §7): when any BGP event
// was read, the BGP session's transitions out of Established (a message
// "changed from Established to X", X not Established); otherwise,
// tunnel-activity events that report the tunnel down (phase 1 or 2 Down)
// right after, in time order, one that reported it up (both phases
// Established or Rekeying); Negotiating-only events are skipped in that
// sequence. Counting BGP drops only, when BGP is in use, avoids counting one
// outage twice.
//
// # Parts, order and memory
//
// Accumulators of consecutive parts of an input, folded apart (in parallel),
// merge in order into the accumulator of the whole (Accumulator.Merge): the
// counters add up, the latest values and issue messages follow the rule
// above, and the timeline reads its observations in time order whatever the
// parts. Without Bounds an accumulator keeps every IKE state report and BGP
// status event; with Bounds it keeps those of the recent window (the window
// before the latest event, or a longer horizon) and walks older ones, in time
// order, into the few values the timeline needs of them, so that memory does
// not grow with the events read. That is exact when events come in time
// order to within the span kept; Accumulator.Exact reports when they did not,
// and with which Bounds folding the same events again is exact.
//
// # Status describes now
//
// Each catalogue entry concerns a layer: IKE phase 1, IKE phase 2 (which
// needs phase 1), the BGP session (which needs phase 2), or a route. An
// issue is resolved (Issue.Resolved) when an establishment of its layer or
// of a layer above it came after its last event, and a resolved issue does
// not degrade the status. Establishments are: for phase 1, an event that
// reports phase 1 Established or Rekeying with no phase 1 warning or error,
// when the previous event reporting phase 1 (in time order; on equal times,
// up reports first) did not, or when there is none; for phase 2 the same
// with both phases and their warnings and errors; for BGP, a transition into
// Established. A state report that only repeats "up" is not
// an establishment. A route denial is resolved when no prefix is denied for
// that reason any more.
//
// Status rules, first match wins ("recent" means within Accumulator.Window,
// default one hour, before now):
//
//  1. unknown: no events.
//  2. down: the latest IKE phase 1 state is Down, or else phase 2's.
//  3. down: the latest BGP status (UP/DOWN) is DOWN, or, with no status
//     read, the latest BGP FSM state is not Established.
//  4. unknown: no event reported an IKE phase, a BGP status or an FSM state.
//  5. degraded: an IKE phase is Negotiating.
//  6. degraded: an unresolved error-severity issue was seen recently.
//  7. degraded: a flap happened recently.
//  8. degraded: a prefix-limit warning or violation was logged recently and
//     no BGP establishment came after it.
//  9. degraded: a prefix is currently denied (its latest route event was a
//     denial).
//  10. healthy.
//
// # Diagnosis
//
// Every status but healthy (and unknown without events) has a Diagnosis;
// StatusReason is its Summary, "<state>: <root cause's latest message>
// (<code>, <N> times)". The root cause is chosen among the issues that
// explain the rule that matched:
//
//   - rules 2 to 6: the unresolved issues seen since the tunnel was last
//     reported healthy (the latest event reporting its top layer up with no
//     warning or error: BGP when a BGP event was read, else both IKE
//     phases), or all the unresolved issues when none was;
//   - rule 7: the issues seen in the window, resolved or not;
//   - rules 8 and 9: the prefix-limit issue, the route denials.
//
// Among them, the candidates are the issues of the failing layer and below
// (phase 1 for rule 2's phase 1, phases 1 and 2 for phase 2, every layer for
// BGP), or all of them when there are none; the root cause is a candidate
// that no other candidate can cause (CausalModel, transitively), of the
// highest severity, then the earliest Stage, then the smallest code. The
// choice uses only each issue's code, resolution and last event and the
// latest establishments, so it does not depend on the order or the paging of
// the events; Logs Insights' summary rows (which keep each group's count,
// first and last event) give the same diagnosis as the events themselves,
// except that an IKE establishment inside a summarised group is placed at
// the group's last event. Evidence lists the candidates' issues, root cause
// first, with their counts over the whole read.
//
// A healthy tunnel whose errors were resolved within the window says so:
// StatusReason reads "<up state> since <time>, when the tunnel recovered
// from: <root cause>", the time being the first establishment of its top
// layer after the last resolved error.
package logparse
