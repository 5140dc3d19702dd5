# The health of every tunnel of the production connections over the last hour. Each log group is read once for the
# whole fleet, however many tunnels log to it.
data "vpnlogs_fleet_health" "prod" {
  tags = { env = "prod" }
}

output "fleet_summary" {
  value = data.vpnlogs_fleet_health.prod.summary # { healthy = 96, degraded = 2, down = 1, unknown = 1 }
}

# Every tunnel that is not healthy, with the reason and the fix of its worst issue.
output "unhealthy_tunnels" {
  value = {
    for id, t in data.vpnlogs_fleet_health.prod.tunnels : id => {
      status = t.status
      reason = t.status_reason
      fix    = try(t.issues[0].remediation, null)
    } if t.status != "healthy"
  }
}
