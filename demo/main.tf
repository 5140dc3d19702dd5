# The `make demo` configuration: enable tunnel and BGP logging on every tunnel of a fleet, and read each tunnel's
# health back from the logs. It runs against the sandbox (scripts/demo.sh exports its endpoint) and works against
# AWS unchanged.
terraform {
  required_providers {
    vpnlogs = {
      source = "vpnlogs/vpnlogs"
    }
  }
}

# Region, credentials and endpoints come from the environment (AWS_REGION, AWS_ENDPOINT_URL, ...).
provider "vpnlogs" {
  resource_policy_size_limit = var.resource_policy_size_limit
}

variable "resource_policy_size_limit" {
  description = "The account-level CloudWatch Logs resource policy limit the plan checks against (AWS documents 5,120)."
  type        = number
  default     = 5120
}

variable "per_tunnel_log_groups" {
  description = "Give every tunnel its own log group outside /aws/vendedlogs/ (the way that overflows the account's resource policy)."
  type        = bool
  default     = false
}

# Every available connection and its tunnels.
data "vpnlogs_vpn_connections" "fleet" {
  states = ["available"]
}

locals {
  tunnels = toset(data.vpnlogs_vpn_connections.fleet.tunnel_ids)
}

# The right way: one group under /aws/vendedlogs/, which never grows the account's resource policy.
resource "vpnlogs_log_group" "fleet" {
  count             = var.per_tunnel_log_groups ? 0 : 1
  name              = "/aws/vendedlogs/vpn/fleet"
  retention_in_days = 30
  tags              = { purpose = "site-to-site-vpn-logs" }
}

# The way that hits the wall: one group per tunnel, outside /aws/vendedlogs/.
resource "vpnlogs_log_group" "per_tunnel" {
  for_each                 = var.per_tunnel_log_groups ? local.tunnels : toset([])
  name                     = "/vpn/${replace(each.value, "/", "-")}"
  allow_outside_vendedlogs = true
}

resource "vpnlogs_tunnel_logging" "fleet" {
  for_each = local.tunnels

  vpn_connection_id         = split("/", each.value)[0]
  tunnel_outside_ip_address = split("/", each.value)[1]

  tunnel_log = {
    log_group_arn = var.per_tunnel_log_groups ? vpnlogs_log_group.per_tunnel[each.value].arn : vpnlogs_log_group.fleet[0].arn
  }
  bgp_log = {
    log_group_arn = var.per_tunnel_log_groups ? vpnlogs_log_group.per_tunnel[each.value].arn : vpnlogs_log_group.fleet[0].arn
  }
}

# Health of every tunnel, read from its logs once logging is on.
data "vpnlogs_tunnel_health" "fleet" {
  for_each = local.tunnels

  vpn_connection_id         = split("/", each.value)[0]
  tunnel_outside_ip_address = split("/", each.value)[1]
  lookback                  = "1h"

  depends_on = [vpnlogs_tunnel_logging.fleet]
}

data "vpnlogs_resource_policy_budget" "account" {
  depends_on = [vpnlogs_tunnel_logging.fleet]
}

output "tunnel_health" {
  description = "Status and reason per tunnel."
  value       = { for k, h in data.vpnlogs_tunnel_health.fleet : k => "${h.status}: ${h.status_reason}" }
}

output "top_issue_remediation" {
  description = "The first issue of each unhealthy tunnel, with what to do about it."
  value = {
    for k, h in data.vpnlogs_tunnel_health.fleet : k => "${h.issues[0].code} — ${h.issues[0].remediation}"
    if h.status != "healthy" && length(h.issues) > 0
  }
}

output "resource_policy_budget" {
  value = "${data.vpnlogs_resource_policy_budget.account.used_characters} of ${data.vpnlogs_resource_policy_budget.account.limit} characters used; /aws/vendedlogs/* covered: ${data.vpnlogs_resource_policy_budget.account.vendedlogs_covered}"
}

# A failing check is a warning: the apply goes on, and the plan output says which tunnels need attention.
check "fleet_healthy" {
  assert {
    condition     = alltrue([for h in data.vpnlogs_tunnel_health.fleet : h.status == "healthy"])
    error_message = "Unhealthy tunnels: ${join(", ", [for k, h in data.vpnlogs_tunnel_health.fleet : "${k} (${h.status})" if h.status != "healthy"])}."
  }
}
