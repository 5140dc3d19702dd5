# Test fixture: logging that someone enabled before the module took over, on one tunnel of the prod connection,
# into a /aws/vendedlogs/ group of its own.
terraform {
  required_providers {
    vpnlogs = { source = "vpnlogs/vpnlogs" }
  }
}

resource "vpnlogs_log_group" "by_hand" {
  name = "/aws/vendedlogs/vpn/by-hand"
}

resource "vpnlogs_tunnel_logging" "by_hand" {
  vpn_connection_id         = "vpn-0123456789abcdef0"
  tunnel_outside_ip_address = "203.0.113.10"
  tunnel_log                = { log_group_arn = vpnlogs_log_group.by_hand.arn }
  bgp_log                   = { log_group_arn = vpnlogs_log_group.by_hand.arn }
}
