package sandbox

import "github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/ec2"

// Site-to-Site VPN quotas the sandbox enforces, by the names Options.Quotas and the sandbox command's --quota flag
// use (see internal/sandbox/ec2).
const (
	QuotaCustomerGatewaysPerRegion = ec2.QuotaCustomerGatewaysPerRegion
	QuotaVPNConnectionsPerGateway  = ec2.QuotaVPNConnectionsPerGateway
	QuotaVPNConnectionsPerRegion   = ec2.QuotaVPNConnectionsPerRegion
	QuotaVPNGatewaysPerRegion      = ec2.QuotaVPNGatewaysPerRegion
)

// DefaultQuotas returns the quota names and AWS's default values.
func DefaultQuotas() map[string]int { return ec2.DefaultQuotas() }

// ValidateQuotas checks quota overrides: known names, positive values.
func ValidateQuotas(q map[string]int) error { return ec2.ValidateQuotas(q) }
