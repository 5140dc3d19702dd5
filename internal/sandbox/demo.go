package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DemoFleet is what Options.SeedDemo creates: a small estate with logging not yet enabled, so a
// demo can enable it.
type DemoFleet struct {
	CustomerGatewayIDs []string
	VpnGatewayID       string
	VPNConnections     []DemoVPN
	LogGroups          []string // one under /aws/vendedlogs/, one not
}

// DemoVPN is one demo connection.
type DemoVPN struct {
	ID, Name, Env string
	Tunnels       []DemoTunnel
}

// DemoTunnel is a demo tunnel and the scenario its logs will tell once logging is enabled.
type DemoTunnel struct {
	OutsideIPAddress, Scenario string
}

// Demo returns the demo fleet (empty unless Options.SeedDemo).
func (s *Server) Demo() DemoFleet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.demo
}

// String lists the fleet for humans.
func (f DemoFleet) String() string {
	if f.VpnGatewayID == "" {
		return "no demo fleet\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "virtual private gateway %s\n", f.VpnGatewayID)
	fmt.Fprintf(&b, "customer gateways %s\n", strings.Join(f.CustomerGatewayIDs, ", "))
	for _, v := range f.VPNConnections {
		fmt.Fprintf(&b, "VPN connection %s (Name=%s, env=%s)\n", v.ID, v.Name, v.Env)
		for _, t := range v.Tunnels {
			fmt.Fprintf(&b, "  tunnel %-15s scenario %s\n", t.OutsideIPAddress, t.Scenario)
		}
	}
	fmt.Fprintf(&b, "log groups %s\n", strings.Join(f.LogGroups, ", "))
	return b.String()
}

// seedDemo creates the demo fleet. Called from New, before serving.
func (s *Server) seedDemo() {
	type conn struct {
		name, env, cgwIP string
		asn              int64
		scenario         string // both tunnels
		secondTunnel     string // scenario of the second tunnel, if different
	}
	conns := []conn{
		{"demo-prod", "prod", "203.0.113.10", 65010, ScenarioHealthy, ""},
		{"demo-staging", "staging", "203.0.113.20", 65020, ScenarioPSKMismatch, ""},
		{"demo-dev", "dev", "203.0.113.30", 65030, ScenarioBGPFlap, ScenarioDPDTimeout},
	}
	var fleet DemoFleet
	for _, c := range conns {
		info, err := s.CreateVPNConnection(VPNConnectionSpec{
			CustomerGatewayIP: c.cgwIP, BGPASN: c.asn, Scenario: c.scenario, Available: true,
			Tags: map[string]string{"Name": c.name, "env": c.env},
		})
		if err != nil {
			panic("sandbox: demo fleet: " + err.Error()) // a fresh model always has room
		}
		s.mu.Lock()
		if c.secondTunnel != "" {
			s.ec2.vpns[info.ID].Tags[ScenarioTunnelPrefix+info.Tunnels[1].OutsideIPAddress] = c.secondTunnel
		}
		if fleet.VpnGatewayID == "" {
			fleet.VpnGatewayID = info.VpnGatewayID
			s.ec2.vgws[info.VpnGatewayID].Tags["Name"] = "demo-vgw"
		}
		s.ec2.cgws[info.CustomerGatewayID].Tags["Name"] = c.name + "-cgw"
		info = s.infoLocked(s.ec2.vpns[info.ID])
		s.mu.Unlock()
		fleet.CustomerGatewayIDs = append(fleet.CustomerGatewayIDs, info.CustomerGatewayID)
		v := DemoVPN{ID: info.ID, Name: c.name, Env: c.env}
		for _, t := range info.Tunnels {
			v.Tunnels = append(v.Tunnels, DemoTunnel{OutsideIPAddress: t.OutsideIPAddress, Scenario: t.Scenario})
		}
		fleet.VPNConnections = append(fleet.VPNConnections, v)
	}
	for _, g := range []string{"/aws/vendedlogs/vpn/demo", "/vpn/demo-legacy"} {
		body, _ := json.Marshal(map[string]string{"logGroupName": g})
		if status, resp, _ := s.logs.Handle("CreateLogGroup", body); status != 200 {
			panic("sandbox: demo log group: " + string(resp))
		}
		fleet.LogGroups = append(fleet.LogGroups, g)
	}
	s.mu.Lock()
	s.demo = fleet
	s.mu.Unlock()
}
