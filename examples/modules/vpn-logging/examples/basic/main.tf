# Tunnel and BGP logging on every tunnel of the production VPN connections, into one /aws/vendedlogs/ log group,
# with each tunnel's health as outputs and a check that warns, with the root cause, when a tunnel is down.
terraform {
  required_providers {
    vpnlogs = { source = "vpnlogs/vpnlogs" }
  }
}

# Region, credentials and endpoints come from the environment, as with the AWS provider.
provider "vpnlogs" {}

module "vpn_logging" {
  source = "../.."

  tags           = { env = "prod" }
  log_group_name = "/aws/vendedlogs/vpn/prod"

  # Warn about degraded tunnels too, not only those that are down.
  warn_on_statuses = ["down", "degraded"]
}

output "health_summary" {
  value = module.vpn_logging.health_summary # { healthy = 2, degraded = 0, down = 0, unknown = 0 }
}

output "unhealthy_tunnels" {
  value = { for id in module.vpn_logging.unhealthy_tunnel_ids : id => module.vpn_logging.tunnel_health[id] }
}

output "resource_policy_budget" {
  value = module.vpn_logging.resource_policy_budget
}
