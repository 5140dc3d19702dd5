# Test fixture: an account whose CloudWatch Logs resource policy is nearly full, because a tunnel of the dev
# connection already delivers to a group outside /aws/vendedlogs/ (the demo fleet's /vpn/demo-legacy).
terraform {
  required_providers {
    vpnlogs = { source = "vpnlogs/vpnlogs" }
  }
}

data "vpnlogs_account" "current" {}

resource "vpnlogs_tunnel_logging" "legacy" {
  vpn_connection_id         = "vpn-0123456789abcdef2"
  tunnel_outside_ip_address = "203.0.113.30"
  tunnel_log = {
    log_group_arn = "arn:${data.vpnlogs_account.current.partition}:logs:${data.vpnlogs_account.current.region}:${data.vpnlogs_account.current.account_id}:log-group:/vpn/demo-legacy"
  }
}

output "policy_characters" {
  value = data.vpnlogs_resource_policy_budget.after.used_characters
}

data "vpnlogs_resource_policy_budget" "after" {
  depends_on = [vpnlogs_tunnel_logging.legacy]
}
