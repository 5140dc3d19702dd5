package sandbox

import (
	"sort"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/ec2"
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
	ScenarioRecovered              = "recovered"
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
func (s *Server) scenarioOf(c *ec2.Connection, t *ec2.Tunnel) string {
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

// tunnelStatus is what vgwTelemetry reports of a tunnel: its scenario's steady state (ec2.Options.Status).
// Caller holds s.mu.
func (s *Server) tunnelStatus(c *ec2.Connection, t *ec2.Tunnel) ec2.TunnelStatus {
	sc := scenarioByName(s.scenarioOf(c, t))
	return ec2.TunnelStatus{IPsecUp: sc.ipsecUp, BGPUp: sc.bgpUp, AcceptedRoutes: sc.acceptedRoutes}
}
