data "vpnlogs_account" "current" {}

# Build a log group ARN in the provider's account and region.
locals {
  vpn_log_group_arn = "arn:${data.vpnlogs_account.current.partition}:logs:${data.vpnlogs_account.current.region}:${data.vpnlogs_account.current.account_id}:log-group:/aws/vendedlogs/vpn/prod"
}

output "caller" {
  value = data.vpnlogs_account.current.caller_arn
}
