package ec2

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Site-to-Site VPN quotas the sandbox enforces, by the names Options.Quotas and the sandbox command's --quota flag
// use. AWS's defaults (Site-to-Site VPN quotas page) are adjustable through Service Quotas; raise them here to model
// an account whose quotas were raised, for example a 500-tunnel fleet.
const (
	QuotaCustomerGatewaysPerRegion = "customer-gateways-per-region"
	QuotaVPNConnectionsPerGateway  = "vpn-connections-per-gateway"
	QuotaVPNConnectionsPerRegion   = "vpn-connections-per-region"
	QuotaVPNGatewaysPerRegion      = "vpn-gateways-per-region"
)

// defaultQuotas are AWS's default values.
var defaultQuotas = map[string]int{
	QuotaCustomerGatewaysPerRegion: 50,
	QuotaVPNConnectionsPerGateway:  10,
	QuotaVPNConnectionsPerRegion:   50,
	QuotaVPNGatewaysPerRegion:      5,
}

// DefaultQuotas returns the quota names and AWS's default values.
func DefaultQuotas() map[string]int { return maps.Clone(defaultQuotas) }

// ValidateQuotas checks quota overrides: known names, positive values.
func ValidateQuotas(q map[string]int) error {
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if _, ok := defaultQuotas[name]; !ok {
			return fmt.Errorf("quota %q is not one the sandbox enforces; use one of %s", name,
				strings.Join(slices.Sorted(maps.Keys(defaultQuotas)), ", "))
		}
		if q[name] < 1 {
			return fmt.Errorf("quota %s=%d must be at least 1", name, q[name])
		}
	}
	return nil
}

// quota is the value of a quota: the override, else AWS's default.
func (s *Service) quota(name string) int {
	if v, ok := s.opts.Quotas[name]; ok {
		return v
	}
	return defaultQuotas[name]
}
