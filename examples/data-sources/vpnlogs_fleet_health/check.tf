# One check for the whole fleet, reported on every plan and apply: it names each tunnel that is down or degraded.
# A failing check block is a warning: it never blocks a run, and its data source is read last.
check "vpn_fleet_healthy" {
  data "vpnlogs_fleet_health" "prod" {
    tags     = { env = "prod" }
    lookback = "30m"
  }

  assert {
    condition = data.vpnlogs_fleet_health.prod.summary.down + data.vpnlogs_fleet_health.prod.summary.degraded == 0
    error_message = join("\n", [
      for id, t in data.vpnlogs_fleet_health.prod.tunnels : "${id} is ${t.status}: ${t.status_reason}"
      if t.status == "down" || t.status == "degraded"
    ])
  }
}
