# Report an unhealthy tunnel on every plan and apply: a failing check block is a warning that never blocks a run.
# The data source is read at plan time, outside the check block, so a plan with nothing to change stays empty
# (`terraform plan -detailed-exitcode` exits 0) and drift checks in CI keep working.
data "vpnlogs_tunnel_health" "primary" {
  vpn_connection_id         = "vpn-0123456789abcdef0"
  tunnel_outside_ip_address = "203.0.113.10"
  lookback                  = "30m"
}

check "vpn_tunnel_healthy" {
  assert {
    condition     = data.vpnlogs_tunnel_health.primary.status == "healthy"
    error_message = "Tunnel 203.0.113.10 of vpn-0123456789abcdef0 is ${data.vpnlogs_tunnel_health.primary.status}: ${data.vpnlogs_tunnel_health.primary.status_reason}"
  }
}
