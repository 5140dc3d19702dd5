# The health of every tunnel of the production connections over the last hour. Each log group is read once for the
# whole fleet, however many tunnels log to it.
data "vpnlogs_fleet_health" "fleet" {
  tags = { env = "prod" }
}

output "fleet_summary" {
  value = data.vpnlogs_fleet_health.fleet.summary # { healthy = 96, degraded = 2, down = 1, unknown = 1 }
}

# Every tunnel that is not healthy, with the root cause of its state and what to do about it.
output "unhealthy_tunnels" {
  value = {
    for id, t in data.vpnlogs_fleet_health.fleet.tunnels : id => {
      status = t.status
      reason = t.status_reason
      cause  = try(t.diagnosis.code, null) # e.g. "ike.psk_mismatch", or "logging.disabled"
      fix    = try(t.diagnosis.remediation, null)
    } if t.status != "healthy"
  }
}
