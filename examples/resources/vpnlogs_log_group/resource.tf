# The recommended form: a group under /aws/vendedlogs/. However many tunnels deliver to groups like it, the
# account's CloudWatch Logs resource policy grows only once, by one wildcard entry.
resource "vpnlogs_log_group" "vpn" {
  name              = "/aws/vendedlogs/vpn/prod"
  retention_in_days = 30

  tags = {
    team = "network"
  }
}

resource "vpnlogs_tunnel_logging" "tunnel1" {
  vpn_connection_id         = "vpn-0123456789abcdef0"
  tunnel_outside_ip_address = "203.0.113.10"

  # Known at plan time, so the plan checks the resource-policy budget for this tunnel.
  tunnel_log = { log_group_arn = vpnlogs_log_group.vpn.arn }
}

# A group that must keep a name outside /aws/vendedlogs/ (other tools read it, say): allowed only with the opt-in
# (each such group adds about 70 characters to the account-wide policy), and kept, with its logs, when the resource
# is destroyed.
resource "vpnlogs_log_group" "legacy" {
  name                     = "/vpn/legacy"
  allow_outside_vendedlogs = true
  skip_destroy             = true
}
