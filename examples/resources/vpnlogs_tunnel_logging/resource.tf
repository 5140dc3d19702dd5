# A log group under /aws/vendedlogs/ does not grow the account's CloudWatch Logs resource policy.
resource "vpnlogs_log_group" "vpn" {
  name              = "/aws/vendedlogs/vpn/prod"
  retention_in_days = 30
}

# One tunnel, chosen by its outside IP address: activity log as JSON, BGP log as text.
resource "vpnlogs_tunnel_logging" "tunnel1" {
  vpn_connection_id         = "vpn-0123456789abcdef0"
  tunnel_outside_ip_address = "203.0.113.10"

  tunnel_log = {
    log_group_arn = vpnlogs_log_group.vpn.arn
  }
  bgp_log = {
    log_group_arn = vpnlogs_log_group.vpn.arn
    output_format = "text"
  }
}

# Every tunnel of every staging connection, from the discovery data source. (A tunnel must be managed by one
# resource only: this set must not include the tunnel above.)
data "vpnlogs_vpn_connections" "staging" {
  tags = { env = "staging" }
}

resource "vpnlogs_tunnel_logging" "fleet" {
  for_each = toset(data.vpnlogs_vpn_connections.staging.tunnel_ids)

  vpn_connection_id         = split("/", each.value)[0]
  tunnel_outside_ip_address = split("/", each.value)[1]

  tunnel_log = { log_group_arn = vpnlogs_log_group.vpn.arn }
  bgp_log    = { log_group_arn = vpnlogs_log_group.vpn.arn }

  timeouts {
    create = "45m"
  }
}
