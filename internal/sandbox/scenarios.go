package sandbox

import (
	"sort"
	"time"
)

// Scenario names: what the tunnel-activity and BGP logs of a tunnel tell. A tunnel's scenario comes
// from the tag "vpnlogs:scenario:<outside-ip>" on its VPN connection, else "vpnlogs:scenario", else
// Options.Scenario, else healthy. Unknown names fall back to healthy.
const (
	ScenarioHealthy                = "healthy"
	ScenarioPSKMismatch            = "psk-mismatch"
	ScenarioDPDTimeout             = "dpd-timeout"
	ScenarioPhase2ProposalMismatch = "phase2-proposal-mismatch"
	ScenarioTSUnacceptable         = "ts-unacceptable"
	ScenarioBGPFlap                = "bgp-flap"
	ScenarioBGPPrefixLimit         = "bgp-prefix-limit"
	ScenarioRouteDenied            = "route-denied"
	ScenarioIdleDown               = "idle-down"
)

// Tag keys that choose scenarios.
const (
	ScenarioTag          = "vpnlogs:scenario"
	ScenarioTunnelPrefix = "vpnlogs:scenario:" // + outside IP
)

// Scenarios lists the scenario names.
func Scenarios() []string {
	out := make([]string, 0, len(scenarios))
	for n := range scenarios {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ValidScenario reports whether name is a scenario.
func ValidScenario(name string) bool { _, ok := scenarios[name]; return ok }

// scenario is a script of log events. intro plays once from the start of the history; loop repeats
// every period after intro's span, and is what fresh traffic appends. Every script ends — after
// intro and after each loop — in the scenario's steady state, which ipsecUp/bgpUp describe for
// vgwTelemetry.
type scenario struct {
	name           string
	ipsecUp, bgpUp bool
	acceptedRoutes int
	intro          []step
	introSpan      time.Duration
	loop           []step
	period         time.Duration
}

// step is one log event at an offset. Exactly one of tun and bgp is set.
type step struct {
	at  time.Duration
	tun *tunnelEvent
	bgp *bgpEvent
}

// tunnelEvent is a tunnel-activity record. details may hold placeholders (see expand).
//
// UNCONFIRMED: state values are lower-case ("established", "down", …). The documentation
// capitalises them, but AWS's own monitoring sample compares $.ike_phase1_state = "down"
// (docs/design/aws-behaviour.md §5.7).
type tunnelEvent struct {
	phase1, phase2, details string
}

// bgpEvent is a BGP-log record: BGPStatus (status UP/DOWN, details) or RouteStatus (status
// ADVERTISED/UPDATED/WITHDRAWN, route fields, details only when the route has an error).
type bgpEvent struct {
	typ, status, details string
	route                *routeFields
}

type routeFields struct {
	prefix, asPath, nextHop string
}

const (
	established = "established"
	negotiating = "negotiating"
	rekeying    = "rekeying"
	down        = "down"
)

func at(d time.Duration, ev any) step {
	switch e := ev.(type) {
	case tunnelEvent:
		return step{at: d, tun: &e}
	case bgpEvent:
		return step{at: d, bgp: &e}
	}
	panic("sandbox: bad step")
}

func tun(p1, p2, details string) tunnelEvent { return tunnelEvent{p1, p2, details} }
func bgpUp(details string) bgpEvent {
	return bgpEvent{typ: "BGPStatus", status: "UP", details: details}
}
func bgpDown(details string) bgpEvent {
	return bgpEvent{typ: "BGPStatus", status: "DOWN", details: details}
}
func route(status, prefix, asPath, nextHop, details string) bgpEvent {
	return bgpEvent{typ: "RouteStatus", status: status, details: details, route: &routeFields{prefix, asPath, nextHop}}
}

// Catalogue messages (docs/design/aws-behaviour.md §5.5, verbatim; placeholders in braces are filled per tunnel).
//
// UNCONFIRMED: the separator behind the "•" the documentation prints inside some BGP messages; the
// sandbox writes " - ", as the 2022 documentation printed the same bullet in an IKEv1 message.
const (
	msgChildReqIn      = "AWS tunnel processed request (id={nextid}) for CREATE_CHILD_SA"
	msgChildRespOut    = "AWS tunnel is sending response (id={id}) for CREATE_CHILD_SA"
	msgChildReqOut     = "AWS tunnel is sending request (id={nextid}) for CREATE_CHILD_SA"
	msgChildRespIn     = "AWS tunnel processed response (id={id}) for CREATE_CHILD_SA"
	msgPSKMismatch     = "AWS tunnel detected a pre-shared key mismatch with cgw: {cgw}"
	msgAuthFailed      = "AWS tunnel is sending AUTHENTICATION_FAILED as the response"
	msgHalfOpenTimeout = "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: {cgw}"
	msgDPDTimeout      = "AWS tunnel DPD timed out after 3 retransmits"
	msgNoProposal      = `No Proposal Match Found. Notifying with "No proposal chosen"`
	msgPhase2Failed    = "AWS tunnel Phase 2 was unable to establish while keeping Phase 1"
	msgTSUnacceptable  = "AWS: Traffic Selector: TS_UNACCEPTABLE: received from responder"
	msgDeletePhase2    = "AWS tunnel received DELETE for Phase 2 SA with SPI: {nextspi}"

	msgIdleConnect      = "AWS-side peer BGP session state has changed from Idle to Connect with neighbor {neighbor}"
	msgInitiating       = "AWS-side peer is initiating a connection (via Connect) to neighbor {neighbor}"
	msgConnectActive    = "AWS-side peer BGP session state has changed from Connect to Active with neighbor {neighbor}"
	msgConnectOpenSent  = "AWS-side peer BGP session state has changed from Connect to OpenSent with neighbor {neighbor}"
	msgOpenSent         = "AWS-side peer sent an OPEN message to neighbor {neighbor} - version 4, AS {awsasn}, holdtime 30, router-id {awsinside}"
	msgOpenReceived     = "AWS-side peer received an OPEN message from neighbor {neighbor} - version 4, AS {asn}, holdtime 30, router-id {neighbor}"
	msgOpenSentConfirm  = "AWS-side peer BGP session state has changed from OpenSent to OpenConfirm with neighbor {neighbor}"
	msgEstablished      = "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor {neighbor}"
	msgEndOfRIB         = "AWS-side peer sent an End-of-RIB message to neighbor {neighbor}"
	msgUpdateAttrs      = "AWS-side peer received update with attributes from neighbor {neighbor} - AS path: {asn}"
	msgEstablishedIdle  = "AWS-side peer BGP session state has changed from Established to Idle with neighbor {neighbor}"
	msgHoldTimerExpired = "AWS-side peer sent a Hold Timer Expired notification to neighbor {neighbor}"
	msgAdminResetIn     = "AWS-side peer received notification 6/4 (Cease/Administrative Reset) from neighbor {neighbor}"
	msgPrefixWarning    = "AWS-side peer is reporting a maximum prefix limit warning - received 90 prefixes from neighbor {neighbor}, limit is 100"
	msgPrefixExceeded   = "AWS-side peer detected the maximum prefix limit was exceeded - received 101 prefixes from neighbor {neighbor}, limit is 100"
	msgPrefixCeaseSent  = "AWS-side peer sent a notification 6/1 (Cease/Maximum Number of Prefixes Reached) to neighbor {neighbor}"
	msgDeniedOwnAS      = "DENIED due to: as-path contains our own AS"
	msgDeniedNextHop    = "DENIED due to: non-connected next-hop"
)

// Building blocks.
var (
	childSAIn  = []tunnelEvent{tun(established, negotiating, msgChildReqIn), tun(established, established, msgChildRespOut)}
	childSAOut = []tunnelEvent{tun(established, rekeying, msgChildReqOut), tun(established, established, msgChildRespIn)}
	bgpBringUp = []bgpEvent{
		bgpDown(msgIdleConnect), bgpDown(msgInitiating), bgpDown(msgConnectOpenSent), bgpDown(msgOpenSent),
		bgpDown(msgOpenReceived), bgpDown(msgOpenSentConfirm), bgpUp(msgEstablished), bgpUp(msgEndOfRIB),
	}
	bgpStuck = []bgpEvent{bgpDown(msgIdleConnect), bgpDown(msgConnectActive)}
)

// seq lays events out one second apart from start.
func seq[E tunnelEvent | bgpEvent](start time.Duration, evs ...E) []step {
	out := make([]step, 0, len(evs))
	for i, e := range evs {
		out = append(out, at(start+time.Duration(i)*time.Second, any(e)))
	}
	return out
}

func join(parts ...[]step) []step {
	var out []step
	for _, p := range parts {
		out = append(out, p...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at < out[j].at })
	return out
}

// healthyStart brings a tunnel and its BGP session up and advertises the customer's routes.
func healthyStart() []step {
	return join(
		seq(0, childSAIn...),
		seq(10*time.Second, bgpBringUp...),
		seq(20*time.Second,
			route("ADVERTISED", "10.20.0.0/16", "{asn}", "{neighbor}", ""),
			route("ADVERTISED", "10.30.0.0/16", "{asn}", "{neighbor}", "")),
	)
}

var scenarios = map[string]*scenario{
	ScenarioHealthy: {
		ipsecUp: true, bgpUp: true, acceptedRoutes: 2,
		intro: healthyStart(), introSpan: 4 * time.Minute,
		loop:   join(seq(0, childSAOut...), seq(2*time.Second, bgpUp(msgUpdateAttrs))),
		period: 5 * time.Minute,
	},
	ScenarioPSKMismatch: {
		loop: join(
			seq(0, tun(down, down, msgPSKMismatch), tun(down, down, msgAuthFailed)),
			seq(30*time.Second, tun(down, down, msgHalfOpenTimeout)),
			seq(35*time.Second, bgpStuck...),
		),
		period: 4 * time.Minute,
	},
	ScenarioDPDTimeout: {
		intro: join(
			healthyStart(),
			seq(20*time.Minute, childSAOut...),
			seq(44*time.Minute, tun(down, down, msgDPDTimeout)),
			seq(44*time.Minute+30*time.Second, bgpDown(msgHoldTimerExpired), bgpDown(msgEstablishedIdle)),
		),
		introSpan: 45 * time.Minute,
		loop:      join(seq(0, tun(down, down, msgHalfOpenTimeout)), seq(5*time.Second, bgpStuck...)),
		period:    5 * time.Minute,
	},
	ScenarioPhase2ProposalMismatch: {
		loop: join(
			seq(0, tun(established, negotiating, msgChildReqIn), tun(established, down, msgNoProposal), tun(established, down, msgPhase2Failed)),
			seq(10*time.Second, bgpStuck...),
		),
		period: 3 * time.Minute,
	},
	ScenarioTSUnacceptable: {
		loop: join(
			seq(0, tun(established, negotiating, msgChildReqOut), tun(established, down, msgTSUnacceptable), tun(established, down, msgPhase2Failed)),
			seq(10*time.Second, bgpStuck...),
		),
		period: 3 * time.Minute,
	},
	ScenarioBGPFlap: {
		ipsecUp: true, bgpUp: true, acceptedRoutes: 2,
		intro: healthyStart(), introSpan: 4 * time.Minute,
		loop: join(
			seq(0, bgpDown(msgHoldTimerExpired), bgpDown(msgEstablishedIdle)),
			seq(30*time.Second, bgpBringUp...),
			seq(2*time.Minute, childSAOut...),
			seq(5*time.Minute, bgpDown(msgAdminResetIn), bgpDown(msgEstablishedIdle)),
			seq(5*time.Minute+30*time.Second, bgpBringUp...),
		),
		period: 10 * time.Minute,
	},
	ScenarioBGPPrefixLimit: {
		ipsecUp: true,
		intro: join(
			healthyStart(),
			seq(15*time.Minute, bgpUp(msgPrefixWarning)),
			seq(30*time.Minute, bgpDown(msgPrefixExceeded), bgpDown(msgPrefixCeaseSent), bgpDown(msgEstablishedIdle)),
		),
		introSpan: 35 * time.Minute,
		loop: join(
			seq(0, childSAOut...),
			seq(30*time.Second, bgpBringUp[:len(bgpBringUp)-1]...),
			seq(40*time.Second, bgpDown(msgPrefixExceeded), bgpDown(msgPrefixCeaseSent), bgpDown(msgEstablishedIdle)),
		),
		period: 5 * time.Minute,
	},
	ScenarioRouteDenied: {
		ipsecUp: true, bgpUp: true, acceptedRoutes: 1,
		intro: join(
			healthyStart()[:len(healthyStart())-1], // only 10.20.0.0/16 is accepted
			seq(5*time.Minute,
				route("UPDATED", "172.31.0.0/16", "{awsasn}", "{neighbor}", msgDeniedOwnAS),
				route("ADVERTISED", "10.99.0.0/16", "{asn}", "10.255.255.1", msgDeniedNextHop)),
		),
		introSpan: 6 * time.Minute,
		loop: join(
			seq(0, childSAOut...),
			seq(5*time.Second,
				route("UPDATED", "172.31.0.0/16", "{awsasn}", "{neighbor}", msgDeniedOwnAS),
				route("ADVERTISED", "10.99.0.0/16", "{asn}", "10.255.255.1", msgDeniedNextHop)),
		),
		period: 6 * time.Minute,
	},
	ScenarioIdleDown: {
		intro: join(
			healthyStart(),
			seq(29*time.Minute, tun(established, down, msgDeletePhase2)),
			seq(29*time.Minute+30*time.Second, bgpDown(msgHoldTimerExpired), bgpDown(msgEstablishedIdle)),
		),
		introSpan: 30 * time.Minute,
		loop:      seq(0, tun(established, negotiating, msgChildReqIn), tun(established, established, msgChildRespOut), tun(established, down, msgDeletePhase2)),
		period:    6 * time.Minute,
	},
}

func init() {
	for n, sc := range scenarios {
		sc.name = n
	}
}

func scenarioByName(name string) *scenario {
	if sc, ok := scenarios[name]; ok {
		return sc
	}
	return scenarios[ScenarioHealthy]
}

// scenarioOf is the effective scenario of a tunnel. Caller holds s.mu.
func (s *Server) scenarioOf(c *vpnConnection, t *tunnel) string {
	if v, ok := c.Tags[ScenarioTunnelPrefix+t.OutsideIP]; ok && ValidScenario(v) {
		return v
	}
	if v, ok := c.Tags[ScenarioTag]; ok && ValidScenario(v) {
		return v
	}
	if ValidScenario(s.opts.Scenario) {
		return s.opts.Scenario
	}
	return ScenarioHealthy
}
