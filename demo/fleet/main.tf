# The right way, with the vpn-logging module: every tunnel of the fleet delivers both logs to one /aws/vendedlogs/
# group, the budget and the permissions are checked during plan, and each tunnel's health comes back with its root
# cause. `make demo` applies it against the sandbox's demo fleet; it works against AWS unchanged.
terraform {
  required_providers {
    vpnlogs = { source = "vpnlogs/vpnlogs" }
  }
}

# Region, credentials and endpoints come from the environment (AWS_REGION, AWS_ENDPOINT_URL, ...).
provider "vpnlogs" {
  resource_policy_size_limit = var.resource_policy_size_limit
}

variable "resource_policy_size_limit" {
  description = "The account-level CloudWatch Logs resource policy limit the plan checks against: the sandbox's --policy-size-limit."
  type        = number
  default     = 5120
}

module "vpn_logging" {
  source = "../../examples/modules/vpn-logging"

  vpn_connection_ids = ["vpn-0123456789abcdef0", "vpn-0123456789abcdef1", "vpn-0123456789abcdef2"]

  # The demo fleet's existing group, where the prod connection already delivers.
  create_log_group = false
  log_group_name   = "/aws/vendedlogs/vpn/demo"

  warn_on_statuses = ["down", "degraded"]
}

output "adopted_tunnel_ids" {
  value = module.vpn_logging.adopted_tunnel_ids
}

output "health_summary" {
  value = module.vpn_logging.health_summary
}

output "tunnel_health" {
  value = module.vpn_logging.tunnel_health
}

output "resource_policy_budget" {
  value = module.vpn_logging.resource_policy_budget
}
