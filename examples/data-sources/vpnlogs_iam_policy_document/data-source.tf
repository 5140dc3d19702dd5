data "vpnlogs_account" "current" {}

# The policy the principal that runs Terraform needs to enable tunnel logging, scoped to the provider's
# region and account, plus what reading the delivered logs needs.
data "vpnlogs_iam_policy_document" "vpn_logs" {
  region       = data.vpnlogs_account.current.region
  account_id   = data.vpnlogs_account.current.account_id
  include_read = true
}

# Attach `json` to the role or user, for example as the `policy` of an `aws_iam_role_policy` in the AWS
# provider, or hand it to whoever manages IAM:
output "vpn_logs_policy" {
  value = data.vpnlogs_iam_policy_document.vpn_logs.json
}

output "vpn_logs_actions" {
  value = data.vpnlogs_iam_policy_document.vpn_logs.actions
}

# Only the delivery permissions, for a principal that does not change tunnels itself.
data "vpnlogs_iam_policy_document" "delivery_only" {
  include_tunnel_modify = false
}
