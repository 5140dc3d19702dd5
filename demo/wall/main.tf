# The way that hits the wall: a log group per tunnel, outside /aws/vendedlogs/. Every group adds its own entry to
# the account-wide CloudWatch Logs resource policy; `make demo` plans it against a sandbox whose policy limit is 700
# characters (AWS's is 5,120: about 60 such groups), and the plan fails before anything changes.
terraform {
  required_providers {
    vpnlogs = { source = "vpnlogs/vpnlogs" }
  }
}

provider "vpnlogs" {
  resource_policy_size_limit = var.resource_policy_size_limit
}

variable "resource_policy_size_limit" {
  description = "The account-level CloudWatch Logs resource policy limit the plan checks against: the sandbox's --policy-size-limit."
  type        = number
  default     = 5120
}

data "vpnlogs_vpn_connections" "fleet" {}

resource "vpnlogs_log_group" "per_tunnel" {
  for_each                 = toset(data.vpnlogs_vpn_connections.fleet.tunnel_ids)
  name                     = "/vpn/${replace(each.value, "/", "-")}"
  allow_outside_vendedlogs = true
}

resource "vpnlogs_tunnel_logging" "per_tunnel" {
  for_each                  = toset(data.vpnlogs_vpn_connections.fleet.tunnel_ids)
  vpn_connection_id         = split("/", each.value)[0]
  tunnel_outside_ip_address = split("/", each.value)[1]
  tunnel_log                = { log_group_arn = vpnlogs_log_group.per_tunnel[each.value].arn }
  bgp_log                   = { log_group_arn = vpnlogs_log_group.per_tunnel[each.value].arn }
}
