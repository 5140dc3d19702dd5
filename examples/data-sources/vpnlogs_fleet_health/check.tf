# One check for the whole fleet, reported on every plan and apply: it names each tunnel that is down or degraded,
# with the root cause. A failing check block is a warning: it never blocks a run. The data source is read at plan
# time, outside the check block, so a plan with nothing to change stays empty (`terraform plan -detailed-exitcode`
# exits 0) and drift checks in CI keep working.
data "vpnlogs_fleet_health" "prod" {
  tags     = { env = "prod" }
  lookback = "30m"
}

check "vpn_fleet_healthy" {
  assert {
    condition = data.vpnlogs_fleet_health.prod.summary.down + data.vpnlogs_fleet_health.prod.summary.degraded == 0
    error_message = join("\n", [
      for id, t in data.vpnlogs_fleet_health.prod.tunnels : "${id} is ${t.status}: ${t.status_reason}"
      if t.status == "down" || t.status == "degraded"
    ])
  }
}
