# A small module to test offline: tunnel and BGP logging on every tunnel of the VPN connections with the given tags,
# into one log group under /aws/vendedlogs/.
terraform {
  required_providers {
    vpnlogs = { source = "vpnlogs/vpnlogs" }
  }
}

variable "tags" {
  description = "Tags that select the VPN connections (every tag must match)."
  type        = map(string)
  default     = { env = "prod" }
}

variable "log_group_name" {
  description = "The log group every tunnel delivers to."
  type        = string
  default     = "/aws/vendedlogs/vpn/offline-test"

  validation {
    condition     = startswith(var.log_group_name, "/aws/vendedlogs/")
    error_message = "The log group must be under /aws/vendedlogs/, so that it does not grow the account's CloudWatch Logs resource policy."
  }
}

data "vpnlogs_vpn_connections" "selected" {
  tags = var.tags
}

resource "vpnlogs_log_group" "vpn" {
  name = var.log_group_name
}

resource "vpnlogs_tunnel_logging" "tunnel" {
  for_each = toset(data.vpnlogs_vpn_connections.selected.tunnel_ids)

  vpn_connection_id         = split("/", each.value)[0]
  tunnel_outside_ip_address = split("/", each.value)[1]

  tunnel_log = { log_group_arn = vpnlogs_log_group.vpn.arn }
  bgp_log    = { log_group_arn = vpnlogs_log_group.vpn.arn }
}

output "tunnel_ids" {
  description = "The tunnels that deliver their logs, as <vpn_connection_id>/<outside IP address>."
  value       = sort(keys(vpnlogs_tunnel_logging.tunnel))
}
