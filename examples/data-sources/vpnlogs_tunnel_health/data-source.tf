# The health of one tunnel over the last hour, from its CloudWatch Logs and AWS's telemetry.
data "vpnlogs_tunnel_health" "tunnel1" {
  vpn_connection_id         = "vpn-0123456789abcdef0"
  tunnel_outside_ip_address = "203.0.113.10"
}

output "tunnel_health" {
  value = {
    status    = data.vpnlogs_tunnel_health.tunnel1.status        # healthy, degraded, down or unknown
    reason    = data.vpnlogs_tunnel_health.tunnel1.status_reason # e.g. "IKE phase 1 is down: AWS tunnel detected a pre-shared key mismatch ..."
    ike       = "${coalesce(data.vpnlogs_tunnel_health.tunnel1.ike_phase1_state, "?")}/${coalesce(data.vpnlogs_tunnel_health.tunnel1.ike_phase2_state, "?")}"
    bgp       = data.vpnlogs_tunnel_health.tunnel1.bgp_status
    telemetry = data.vpnlogs_tunnel_health.tunnel1.telemetry.status
    # The root cause of the state (not the latest symptom), with what to do about it.
    root_cause = try(data.vpnlogs_tunnel_health.tunnel1.diagnosis.code, null) # e.g. "ike.psk_mismatch"
    fix        = try(data.vpnlogs_tunnel_health.tunnel1.diagnosis.remediation, null)
  }
}

# A day of history: above six hours the data source lets CloudWatch Logs Insights aggregate instead of
# downloading every event.
data "vpnlogs_tunnel_health" "tunnel1_24h" {
  vpn_connection_id         = "vpn-0123456789abcdef0"
  tunnel_outside_ip_address = "203.0.113.10"
  lookback                  = "24h"
}

output "tunnel_errors_24h" {
  value = { for i in data.vpnlogs_tunnel_health.tunnel1_24h.issues : i.code => i.count if i.severity == "error" }
}
