output "log_group_arn" {
  description = "ARN of the log group every tunnel delivers to (without `:*`)."
  value       = var.create_log_group ? vpnlogs_log_group.this[0].arn : local.log_group_arn
}

output "tunnel_ids" {
  description = "The tunnels that deliver their logs, as `<vpn_connection_id>/<outside IP address>`, sorted."
  value       = sort(keys(vpnlogs_tunnel_logging.this))
}

output "adopted_tunnel_ids" {
  description = "The tunnels that already delivered their logs as configured when the module took them over: adopted without a change, so they were not interrupted."
  value       = sort([for id, t in vpnlogs_tunnel_logging.this : id if t.adopted])
}

output "resource_policy_budget" {
  description = "The CloudWatch Logs resource-policy budget once the group receives logs: `model` it assumes (`account` or `log-group`; the provider's `resource_policy_model` decides), whether delivery `fits`, and, under the account model, the delivery policy's `used_characters`, `projected_characters` (equal once the group is covered), `limit` and `remaining_characters`."
  value = {
    model                = data.vpnlogs_resource_policy_budget.this.model
    fits                 = data.vpnlogs_resource_policy_budget.this.fits
    used_characters      = data.vpnlogs_resource_policy_budget.this.used_characters
    projected_characters = data.vpnlogs_resource_policy_budget.this.projected_characters
    limit                = data.vpnlogs_resource_policy_budget.this.limit
    remaining_characters = data.vpnlogs_resource_policy_budget.this.remaining_characters
  }
}

output "permissions" {
  description = "The caller's permissions for enabling delivery: `evaluated` (false when the simulation could not run), `allowed`, `missing_actions`, `explicitly_denied_actions` and `reason`; `null` when `check_permissions` is `false`."
  value = var.check_permissions ? {
    evaluated                 = data.vpnlogs_permissions_check.caller[0].evaluated
    allowed                   = data.vpnlogs_permissions_check.caller[0].allowed
    missing_actions           = data.vpnlogs_permissions_check.caller[0].missing_actions
    explicitly_denied_actions = data.vpnlogs_permissions_check.caller[0].explicitly_denied_actions
    reason                    = data.vpnlogs_permissions_check.caller[0].reason
  } : null
}

output "health_summary" {
  description = "How many tunnels are `healthy`, `degraded`, `down` and `unknown`."
  value       = data.vpnlogs_fleet_health.this.summary
}

output "tunnel_health" {
  description = "Each tunnel's health, by tunnel ID: `status`, `status_reason` (one line naming the root cause), and, unless healthy, the root cause's `cause` code (such as `ike.psk_mismatch`), its `remediation`, `since` when the trouble began, and the `evidence` weighed to choose it (`code` and `count` of each issue, the root cause first)."
  value       = local.health
}

output "unhealthy_tunnel_ids" {
  description = "The tunnels whose status is one of `warn_on_statuses`, sorted: those the `vpn_tunnels_healthy` check warns about."
  value       = sort(keys(local.alerting))
}
