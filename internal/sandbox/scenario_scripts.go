package sandbox

import (
	"sort"
	"time"
)

// The scenarios' scripts. A failing scenario tells its failure as AWS logs it: the tunnel is up,
// something changes, the consequences follow in the order the protocols' timers produce them (which
// is often not the order of cause and effect: BGP's hold timer expires before DPD gives up on a dead
// peer), then the failure repeats with each retry. docs/design/diagnosis.md reads each cascade back
// to its root cause.

// Catalogue messages (docs/design/aws-behaviour.md §5.5, verbatim; placeholders in braces are filled
// per tunnel).
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

// The timers that space a cascade.
//
// UNCONFIRMED: AWS publishes none of them except the DPD timeout's default. The sandbox uses: BGP
// hold time 30 s (the holdtime of the OPEN messages above, as in AWS's downloadable customer gateway
// configurations); DPD timeout 40 s (DPDTimeoutSeconds' default, docs/design/aws-behaviour.md §2.2);
// a customer gateway retrying IKE every 30 s; an IKE SA left half-open deleted after 30 s (strongSwan's
// default); BGP's ConnectRetry timer 120 s (RFC 4271 §10's suggested value).
const (
	holdTime     = 30 * time.Second
	dpdTimeout   = 40 * time.Second
	ikeRetry     = 30 * time.Second
	halfOpen     = 30 * time.Second
	connectRetry = 2 * time.Minute
)

// recoveredAgo is how long before logging was enabled the recovered scenario's failure was fixed.
const recoveredAgo = 25 * time.Minute

// Building blocks.
var (
	childSAIn  = []tunnelEvent{tun(established, negotiating, msgChildReqIn), tun(established, established, msgChildRespOut)}
	childSAOut = []tunnelEvent{tun(established, rekeying, msgChildReqOut), tun(established, established, msgChildRespIn)}
	bgpBringUp = []bgpEvent{
		bgpDown(msgIdleConnect), bgpDown(msgInitiating), bgpDown(msgConnectOpenSent), bgpDown(msgOpenSent),
		bgpDown(msgOpenReceived), bgpDown(msgOpenSentConfirm), bgpUp(msgEstablished), bgpUp(msgEndOfRIB),
	}
	// bgpStuck is one ConnectRetry cycle of a session whose TCP connection cannot open.
	bgpStuck = []bgpEvent{bgpDown(msgIdleConnect), bgpDown(msgInitiating), bgpDown(msgConnectActive)}
	// bgpHoldExpiry is the session dropping when its peer's keepalives stop.
	bgpHoldExpiry = []bgpEvent{bgpDown(msgHoldTimerExpired), bgpDown(msgEstablishedIdle)}
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

// repeat lays a loop out every period from start for as long as whole loops end before until.
func repeat(loop []step, period, start, until time.Duration) []step {
	var out []step
	for base := start; base+span(loop) < until; base += period {
		for _, st := range loop {
			st.at += base
			out = append(out, st)
		}
	}
	return out
}

// span is the offset of a script's last step.
func span(steps []step) time.Duration {
	if len(steps) == 0 {
		return 0
	}
	return steps[len(steps)-1].at
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

// healthyLoop is a healthy tunnel's routine: a CHILD_SA rekey and a route update.
var healthyLoop = join(seq(0, childSAOut...), seq(2*time.Second, bgpUp(msgUpdateAttrs)))

// pskLoop is a customer gateway whose pre-shared key differs from the tunnel's: every IKE_AUTH it
// sends fails ("pre-shared key mismatch", answered with AUTHENTICATION_FAILED) and it retries every
// ikeRetry; one attempt in three it abandons after IKE_SA_INIT, and AWS deletes it half-open
// halfOpen later. BGP cannot open its TCP connection through the missing tunnel.
var pskLoop = join(
	seq(0, tun(down, down, msgPSKMismatch), tun(down, down, msgAuthFailed)),
	seq(ikeRetry, tun(down, down, msgPSKMismatch), tun(down, down, msgAuthFailed)),
	seq(2*ikeRetry+halfOpen, tun(down, down, msgHalfOpenTimeout)),
	seq(5*time.Second, bgpStuck...),
)

// pskBreak is at what offset the psk-mismatch scenario's customer gateway takes another key.
const pskBreak = 15 * time.Minute

// childRefusedLoop is a CHILD_SA that cannot be negotiated: an attempt every ikeRetry, each refused
// with refusal and reported as a phase 2 failure, while BGP cannot reconnect.
func childRefusedLoop(attempt, refusal string) []step {
	try := []tunnelEvent{tun(established, negotiating, attempt), tun(established, down, refusal), tun(established, down, msgPhase2Failed)}
	return join(seq(0, try...), seq(2*ikeRetry, try...), seq(10*time.Second, bgpStuck...))
}

// childRefusedIntro is a healthy tunnel whose next CHILD_SA rekey (attempt) is refused (refusal):
// the old SA carries traffic until it expires a minute later (deleted by the customer gateway, whose
// lifetime runs out first, when cgwDeletes), then BGP's hold timer expires.
func childRefusedIntro(attempt, refusal string, cgwDeletes bool) []step {
	const rekeyAt, expiry = 20 * time.Minute, 21 * time.Minute
	try := []tunnelEvent{tun(established, rekeying, attempt), tun(established, rekeying, refusal), tun(established, rekeying, msgPhase2Failed)}
	gone := tun(established, down, "")
	if cgwDeletes {
		gone = tun(established, down, msgDeletePhase2)
	}
	return join(
		healthyStart(),
		seq(10*time.Minute, childSAOut...),
		seq(rekeyAt, try...), seq(rekeyAt+ikeRetry, try...),
		seq(expiry, gone),
		seq(expiry+holdTime, bgpHoldExpiry...),
	)
}

var scenarios = map[string]*scenario{
	ScenarioHealthy: {
		ipsecUp: true, bgpUp: true, acceptedRoutes: 2,
		intro: healthyStart(), introSpan: 4 * time.Minute,
		loop: healthyLoop, period: 5 * time.Minute,
	},
	// The customer gateway is reconfigured with another key and reloads without deleting its SAs: its
	// BGP keepalives stop (the hold timer expires holdTime later), DPD declares it dead dpdTimeout
	// later, and from then on each of its attempts fails authentication.
	ScenarioPSKMismatch: {
		intro: join(
			healthyStart(),
			seq(8*time.Minute, childSAOut...),
			seq(pskBreak+holdTime, bgpHoldExpiry...),
			seq(pskBreak+dpdTimeout, tun(down, down, msgDPDTimeout)),
		),
		introSpan: pskBreak + dpdTimeout + 5*time.Second,
		loop:      pskLoop, period: connectRetry,
	},
	// The customer gateway dies: BGP's hold timer expires first, DPD gives up dpdTimeout after the last
	// answer, then AWS's attempts to negotiate again (DPD action Restart) are left half-open and BGP
	// loops through Idle, Connect and Active.
	ScenarioDPDTimeout: {
		intro: join(
			healthyStart(),
			seq(20*time.Minute, childSAOut...),
			seq(44*time.Minute+holdTime, bgpHoldExpiry...),
			seq(44*time.Minute+dpdTimeout, tun(down, down, msgDPDTimeout)),
		),
		introSpan: 45 * time.Minute,
		loop:      join(seq(0, bgpStuck...), seq(halfOpen, tun(down, down, msgHalfOpenTimeout))),
		period:    connectRetry,
	},
	// The customer gateway's phase 2 proposal changes: AWS refuses its rekey ("No proposal chosen"),
	// the old CHILD_SA expires and the gateway deletes it, BGP drops, and every new attempt is refused.
	ScenarioPhase2ProposalMismatch: {
		intro:     childRefusedIntro(msgChildReqIn, msgNoProposal, true),
		introSpan: 22 * time.Minute,
		loop:      childRefusedLoop(msgChildReqIn, msgNoProposal),
		period:    connectRetry,
	},
	// The customer gateway's traffic selectors change: it refuses AWS's rekey (TS_UNACCEPTABLE), AWS's
	// old CHILD_SA expires, BGP drops, and every new attempt is refused.
	ScenarioTSUnacceptable: {
		intro:     childRefusedIntro(msgChildReqOut, msgTSUnacceptable, false),
		introSpan: 22 * time.Minute,
		loop:      childRefusedLoop(msgChildReqOut, msgTSUnacceptable),
		period:    connectRetry,
	},
	ScenarioBGPFlap: {
		ipsecUp: true, bgpUp: true, acceptedRoutes: 2,
		intro: healthyStart(), introSpan: 4 * time.Minute,
		loop: join(
			seq(0, bgpHoldExpiry...),
			seq(30*time.Second, bgpBringUp...),
			seq(2*time.Minute, childSAOut...),
			seq(5*time.Minute, bgpDown(msgAdminResetIn), bgpDown(msgEstablishedIdle)),
			seq(5*time.Minute+30*time.Second, bgpBringUp...),
		),
		period: 10 * time.Minute,
	},
	// The customer gateway advertises more and more prefixes: a warning near the limit, then the
	// violation, AWS's Cease 6/1 and Idle; each time the session comes back, the full table arrives
	// again and the session ends again.
	//
	// UNCONFIRMED: that AWS restarts the session after a prefix-limit Cease (some BGP implementations
	// wait for an operator); the sandbox retries every period.
	ScenarioBGPPrefixLimit: {
		ipsecUp: true,
		intro: join(
			healthyStart(),
			seq(15*time.Minute, bgpUp(msgPrefixWarning)),
			seq(30*time.Minute, bgpUp(msgPrefixWarning), bgpDown(msgPrefixExceeded), bgpDown(msgPrefixCeaseSent), bgpDown(msgEstablishedIdle)),
		),
		introSpan: 35 * time.Minute,
		loop: join(
			seq(0, childSAOut...),
			seq(30*time.Second, bgpBringUp[:len(bgpBringUp)-1]...),
			seq(37*time.Second, bgpDown(msgPrefixExceeded), bgpDown(msgPrefixCeaseSent), bgpDown(msgEstablishedIdle)),
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
	// The customer gateway deletes the CHILD_SA: BGP's hold timer expires, and each new CHILD_SA is
	// deleted again right after it is negotiated.
	ScenarioIdleDown: {
		intro: join(
			healthyStart(),
			seq(29*time.Minute, tun(established, down, msgDeletePhase2)),
			seq(29*time.Minute+holdTime, bgpHoldExpiry...),
		),
		introSpan: 30 * time.Minute,
		loop:      seq(0, tun(established, negotiating, msgChildReqIn), tun(established, established, msgChildRespOut), tun(established, down, msgDeletePhase2)),
		period:    6 * time.Minute,
	},
	// The psk-mismatch loop from the start of the history until its key was fixed recoveredAgo before
	// logging was enabled; established and healthy since.
	ScenarioRecovered: {
		ipsecUp: true, bgpUp: true, acceptedRoutes: 2,
		intro: join(
			repeat(pskLoop, connectRetry, 0, historySpan-recoveredAgo),
			shift(healthyStart(), historySpan-recoveredAgo),
		),
		introSpan: historySpan - recoveredAgo + time.Minute,
		loop:      healthyLoop, period: 5 * time.Minute,
	},
}

// shift moves a script by d.
func shift(steps []step, d time.Duration) []step {
	out := make([]step, len(steps))
	for i, st := range steps {
		st.at += d
		out[i] = st
	}
	return out
}
