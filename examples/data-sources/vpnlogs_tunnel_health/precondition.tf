# Refuse a change that needs the tunnel (here a terraform_data standing for, say, a cut-over) while the tunnel is
# down. A failing precondition is an error: the apply stops before the change.
data "vpnlogs_tunnel_health" "cutover_path" {
  vpn_connection_id         = "vpn-0123456789abcdef0"
  tunnel_outside_ip_address = "203.0.113.10"
}

resource "terraform_data" "vpn_dependent_change" {
  input = "cut-over to the on-premises database"

  lifecycle {
    precondition {
      condition     = data.vpnlogs_tunnel_health.cutover_path.status != "down"
      error_message = "Tunnel 203.0.113.10 is down: ${data.vpnlogs_tunnel_health.cutover_path.status_reason}"
    }
  }
}
