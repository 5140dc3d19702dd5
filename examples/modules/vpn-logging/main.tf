# vpn-logging: tunnel and BGP logging on every tunnel of a set of Site-to-Site VPN connections, into one
# /aws/vendedlogs/ log group, with the resource-policy budget and the caller's permissions checked at plan time, and
# each tunnel's health, with its root cause, as outputs and as a check that warns.

data "vpnlogs_account" "current" {}

# The selected connections and their tunnels, read with one DescribeVpnConnections call shared with every vpnlogs
# resource of the run. Connections being deleted are left out.
data "vpnlogs_vpn_connections" "selected" {
  ids  = var.vpn_connection_ids == null ? null : sort(var.vpn_connection_ids)
  tags = var.tags
}

locals {
  # Built from the account rather than taken from vpnlogs_log_group.this, so that the data sources below that use it
  # are read during plan even when the group is created in the same run.
  log_group_arn = "arn:${data.vpnlogs_account.current.partition}:logs:${data.vpnlogs_account.current.region}:${data.vpnlogs_account.current.account_id}:log-group:${var.log_group_name}"

  tunnel_ids     = toset(data.vpnlogs_vpn_connections.selected.tunnel_ids)
  connection_ids = [for c in data.vpnlogs_vpn_connections.selected.connections : c.id]
}

resource "vpnlogs_log_group" "this" {
  count = var.create_log_group ? 1 : 0

  name              = var.log_group_name
  retention_in_days = var.log_group_retention_in_days
  tags              = var.log_group_tags
}

# What enabling delivery to the group would do to the account's CloudWatch Logs resource policy, read during plan.
# When it does not fit, the plan fails here, once, before any tunnel is planned. (The provider makes the same check
# for every change of a plan together, and would fail the plan on the tunnels, listing every group that grows the
# policy; this one names the module's group and lets a test expect the failure.)
data "vpnlogs_resource_policy_budget" "preflight" {
  log_group_arns = [local.log_group_arn]

  lifecycle {
    postcondition {
      condition     = self.fits || length(self.uncovered_log_group_arns) == 0
      error_message = "Delivering logs to ${var.log_group_name} does not fit the CloudWatch Logs resource-policy budget: ${self.model == "account" ? "the account-level policy ${coalesce(self.delivery_policy_name, "AWSLogDeliveryWrite20150319, which AWS would create,")} would grow to ${self.projected_characters} characters, ${- self.remaining_characters} over its limit of ${self.limit}${self.policy_count >= self.max_policies && self.delivery_policy_name == null ? ", and the region already has ${self.policy_count} of ${self.max_policies} account-level policies" : ""}" : "the group's own resource policy would exceed ${self.log_group_policy_limit} bytes"}. AWS would refuse the change at apply time. ${self.model_evidence} See the provider's guide \"The CloudWatch Logs resource-policy limit\" for how to make room."
    }
  }
}

# The caller's permissions for enabling delivery, simulated during plan.
data "vpnlogs_permissions_check" "caller" {
  count = var.check_permissions ? 1 : 0
}

# One resource per tunnel, keyed <vpn_connection_id>/<outside IP address>. A tunnel that already delivers both logs
# to the group, in this format, is adopted without a change (adopted = true) and is not interrupted; the others
# change one tunnel per connection at a time, so each connection keeps a tunnel up.
resource "vpnlogs_tunnel_logging" "this" {
  for_each = local.tunnel_ids

  vpn_connection_id         = split("/", each.value)[0]
  tunnel_outside_ip_address = split("/", each.value)[1]

  tunnel_log = {
    log_group_arn = var.create_log_group ? vpnlogs_log_group.this[0].arn : local.log_group_arn
    output_format = var.output_format
  }
  bgp_log = var.bgp_log ? {
    log_group_arn = var.create_log_group ? vpnlogs_log_group.this[0].arn : local.log_group_arn
    output_format = var.output_format
  } : null

  # Planned only once the budget check above passed, so that a budget that does not fit gives one error.
  depends_on = [data.vpnlogs_resource_policy_budget.preflight]
}

# The budget as the run leaves it, for the outputs: read during apply when the logging changes, so that the next plan
# reads the same and shows no change.
data "vpnlogs_resource_policy_budget" "this" {
  log_group_arns = [local.log_group_arn]

  depends_on = [vpnlogs_tunnel_logging.this]
}

# Every tunnel's health, read from its logs once per log group for the whole fleet. Outside any check block, and
# depending on the logging only, it is read during plan when the logging does not change, so that a plan with
# nothing to change stays empty (terraform plan -detailed-exitcode exits 0).
data "vpnlogs_fleet_health" "this" {
  vpn_connection_ids = local.connection_ids
  lookback           = var.health_lookback

  depends_on = [vpnlogs_tunnel_logging.this]
}

locals {
  health = {
    for id, t in data.vpnlogs_fleet_health.this.tunnels : id => {
      status        = t.status
      status_reason = t.status_reason
      cause         = try(t.diagnosis.code, null)
      remediation   = try(t.diagnosis.remediation, null)
      since         = try(t.diagnosis.since, null)
      evidence      = [for e in try(t.diagnosis.evidence, []) : { code = e.code, count = e.count }]
    }
  }
  alerting = { for id, h in local.health : id => h if contains(var.warn_on_statuses, h.status) }
}

# A failing check is a warning on every plan and apply: it names each tunnel with a status of warn_on_statuses, its
# root cause and the fix, and never blocks a run.
check "vpn_tunnels_healthy" {
  assert {
    condition = length(local.alerting) == 0
    error_message = join("\n", [
      for id, h in local.alerting : "${id} is ${h.status}: ${h.status_reason}${h.remediation == null ? "" : " Fix: ${h.remediation}"}"
    ])
  }
}

# A selection that matches nothing is not an error (the tags may be applied later), but nothing logs: say so.
check "vpn_connections_selected" {
  assert {
    condition     = length(local.connection_ids) > 0
    error_message = "No VPN connection matches ${var.tags != null ? "the tags ${jsonencode(var.tags)}" : "vpn_connection_ids"} (connections being deleted are left out): no tunnel logs."
  }
}

check "vpn_logging_permissions" {
  assert {
    condition     = !var.check_permissions || try(data.vpnlogs_permissions_check.caller[0].allowed || !data.vpnlogs_permissions_check.caller[0].evaluated, true)
    error_message = try(data.vpnlogs_permissions_check.caller[0].reason, "")
  }
}
