package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/ec2"
)

// DemoFleet is what Options.SeedDemo creates: a small estate with logging not yet enabled, so a
// demo can enable it. Its ids and addresses are fixed (see demoConnections): the same whatever
// Options.Seed and whatever happens after start, so examples, guides and users' own tests can name
// them. examples/README.md lists them.
type DemoFleet struct {
	VpnGatewayID   string
	VPNConnections []DemoVPN
	RoleARN        string   // a role the caller may assume (sts:AssumeRole), as a provider's assume_role would
	LogGroups      []string // one under /aws/vendedlogs/, one not
}

// DemoVPN is one demo connection.
type DemoVPN struct {
	ID, Name, Env     string
	CustomerGatewayID string
	CustomerGatewayIP string
	BGPASN            int64
	Tunnels           []DemoTunnel
}

// DemoTunnel is a demo tunnel and the scenario its logs will tell once logging is enabled.
type DemoTunnel struct {
	OutsideIPAddress, InsideCIDR, Scenario string
}

// The demo fleet's fixed values. Addresses are from the documentation ranges (RFC 5737): customer
// gateways in 192.0.2.0/24, AWS tunnel endpoints in 203.0.113.0/24.
const (
	demoVpnGatewayID = "vgw-0123456789abcdef0"
	demoRoleName     = "vpn-logging"
)

var (
	demoLogGroups   = []string{"/aws/vendedlogs/vpn/demo", "/vpn/demo-legacy"}
	demoConnections = []DemoVPN{
		{ID: "vpn-0123456789abcdef0", Name: "demo-prod", Env: "prod", CustomerGatewayID: "cgw-0123456789abcdef0", CustomerGatewayIP: "192.0.2.10", BGPASN: 65010,
			Tunnels: []DemoTunnel{{"203.0.113.10", "169.254.10.0/30", ScenarioHealthy}, {"203.0.113.11", "169.254.10.4/30", ScenarioHealthy}}},
		{ID: "vpn-0123456789abcdef1", Name: "demo-staging", Env: "staging", CustomerGatewayID: "cgw-0123456789abcdef1", CustomerGatewayIP: "192.0.2.20", BGPASN: 65020,
			Tunnels: []DemoTunnel{{"203.0.113.20", "169.254.20.0/30", ScenarioPSKMismatch}, {"203.0.113.21", "169.254.20.4/30", ScenarioPSKMismatch}}},
		{ID: "vpn-0123456789abcdef2", Name: "demo-dev", Env: "dev", CustomerGatewayID: "cgw-0123456789abcdef2", CustomerGatewayIP: "192.0.2.30", BGPASN: 65030,
			Tunnels: []DemoTunnel{{"203.0.113.30", "169.254.30.0/30", ScenarioBGPFlap}, {"203.0.113.31", "169.254.30.4/30", ScenarioDPDTimeout}}},
	}
)

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
	fmt.Fprintf(&b, "virtual private gateway %s (Name=demo-vgw)\n", f.VpnGatewayID)
	for _, v := range f.VPNConnections {
		fmt.Fprintf(&b, "VPN connection %s (Name=%s, env=%s), customer gateway %s at %s, BGP ASN %d\n",
			v.ID, v.Name, v.Env, v.CustomerGatewayID, v.CustomerGatewayIP, v.BGPASN)
		for _, t := range v.Tunnels {
			fmt.Fprintf(&b, "  tunnel %-13s inside %-16s scenario %s\n", t.OutsideIPAddress, t.InsideCIDR, t.Scenario)
		}
	}
	fmt.Fprintf(&b, "IAM role %s\n", f.RoleARN)
	fmt.Fprintf(&b, "log groups %s\n", strings.Join(f.LogGroups, ", "))
	return b.String()
}

// seedDemo creates the demo fleet through the same code as the API. Called from New, before serving.
// The fleet's ids and addresses are pinned, so the seeded source is not drawn from: with or without
// the fleet, the same Options.Seed gives the same ids to what is created later.
func (s *Server) seedDemo() {
	fleet := DemoFleet{VpnGatewayID: demoVpnGatewayID}
	for _, want := range demoConnections {
		pins := map[string][]string{"vgw": {demoVpnGatewayID}, "cgw": {want.CustomerGatewayID}, "vpn": {want.ID}}
		tags := map[string]string{"Name": want.Name, "env": want.Env}
		for i, t := range want.Tunnels {
			pins[ec2.PinOutsideIP] = append(pins[ec2.PinOutsideIP], t.OutsideIPAddress)
			pins[ec2.PinInsideCIDR] = append(pins[ec2.PinInsideCIDR], t.InsideCIDR)
			if i > 0 && t.Scenario != want.Tunnels[0].Scenario {
				tags[ScenarioTunnelPrefix+t.OutsideIPAddress] = t.Scenario
			}
		}
		s.mu.Lock()
		s.ec2.Pin(pins)
		s.mu.Unlock()
		info, err := s.CreateVPNConnection(VPNConnectionSpec{
			CustomerGatewayIP: want.CustomerGatewayIP, BGPASN: want.BGPASN, Scenario: want.Tunnels[0].Scenario,
			Available: true, Tags: tags,
		})
		if err != nil {
			panic("sandbox: demo fleet: " + err.Error()) // a fresh model always has room
		}
		s.mu.Lock()
		err = errors.Join(s.ec2.SetTag(info.VpnGatewayID, "Name", "demo-vgw"), s.ec2.SetTag(info.CustomerGatewayID, "Name", want.Name+"-cgw"))
		s.ec2.Pin(nil)
		s.mu.Unlock()
		if err != nil {
			panic("sandbox: demo fleet: " + err.Error())
		}
		got := DemoVPN{ID: info.ID, Name: want.Name, Env: want.Env, CustomerGatewayID: info.CustomerGatewayID,
			CustomerGatewayIP: want.CustomerGatewayIP, BGPASN: want.BGPASN}
		for _, t := range info.Tunnels {
			got.Tunnels = append(got.Tunnels, DemoTunnel{OutsideIPAddress: t.OutsideIPAddress, InsideCIDR: t.InsideCIDR, Scenario: t.Scenario})
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || info.VpnGatewayID != demoVpnGatewayID {
			panic(fmt.Sprintf("sandbox: demo fleet: created %+v on %s, want %+v on %s", got, info.VpnGatewayID, want, demoVpnGatewayID))
		}
		fleet.VPNConnections = append(fleet.VPNConnections, got)
	}
	for _, g := range demoLogGroups {
		body, _ := json.Marshal(map[string]string{"logGroupName": g})
		if status, resp, _ := s.logs.Handle("CreateLogGroup", body); status != 200 {
			panic("sandbox: demo log group: " + string(resp))
		}
		fleet.LogGroups = append(fleet.LogGroups, g)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iam.AddRole(demoRoleName, "/")
	r, _ := s.iam.Role(demoRoleName)
	fleet.RoleARN = s.iam.RoleARN(r)
	s.demo = fleet
}
