# Report an unhealthy tunnel on every plan and apply. A failing check block is a warning: it never blocks a run,
# and its data source is read last, after every change of the run.
check "vpn_tunnel_healthy" {
  data "vpnlogs_tunnel_health" "primary" {
    vpn_connection_id         = "vpn-0123456789abcdef0"
    tunnel_outside_ip_address = "203.0.113.10"
    lookback                  = "30m"
  }

  assert {
    condition     = data.vpnlogs_tunnel_health.primary.status == "healthy"
    error_message = "Tunnel 203.0.113.10 of vpn-0123456789abcdef0 is ${data.vpnlogs_tunnel_health.primary.status}: ${data.vpnlogs_tunnel_health.primary.status_reason}"
  }
}
