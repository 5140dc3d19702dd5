# Connections tagged env=prod that are available.
data "vpnlogs_vpn_connections" "prod" {
  tags   = { env = "prod" }
  states = ["available"]
}

# Tunnels that do not deliver their activity log yet.
output "tunnels_without_logging" {
  value = flatten([
    for c in data.vpnlogs_vpn_connections.prod.connections : [
      for t in c.tunnels : "${c.id}/${t.outside_ip_address}" if !t.tunnel_log.enabled
    ]
  ])
}

# Tunnels AWS reports down.
output "tunnels_down" {
  value = flatten([
    for c in data.vpnlogs_vpn_connections.prod.connections : [
      for t in c.tunnels : "${c.id}/${t.outside_ip_address}" if try(t.telemetry.status, "") == "DOWN"
    ]
  ])
}
