data "vpnlogs_account" "current" {}

locals {
  logs_arn_prefix = "arn:${data.vpnlogs_account.current.partition}:logs:${data.vpnlogs_account.current.region}:${data.vpnlogs_account.current.account_id}:log-group:"
}

# How full is the delivery policy, and what would delivering to these two groups do to it?
data "vpnlogs_resource_policy_budget" "this" {
  log_group_arns = [
    "${local.logs_arn_prefix}/aws/vendedlogs/vpn/prod", # all /aws/vendedlogs/ groups: one wildcard entry, once
    "${local.logs_arn_prefix}/vpn/legacy",              # its own entry, about 70 characters
  ]
}

output "resource_policy_budget" {
  value = {
    model      = data.vpnlogs_resource_policy_budget.this.model # "account" or "log-group", and model_evidence says why
    policy     = data.vpnlogs_resource_policy_budget.this.delivery_policy_name
    used       = data.vpnlogs_resource_policy_budget.this.used_characters
    projected  = data.vpnlogs_resource_policy_budget.this.projected_characters
    limit      = data.vpnlogs_resource_policy_budget.this.limit
    remaining  = data.vpnlogs_resource_policy_budget.this.remaining_characters
    policies   = "${data.vpnlogs_resource_policy_budget.this.policy_count} of ${data.vpnlogs_resource_policy_budget.this.max_policies}"
    uncovered  = data.vpnlogs_resource_policy_budget.this.uncovered_log_group_arns
    vendedlogs = data.vpnlogs_resource_policy_budget.this.vendedlogs_covered
  }
}

# Warn on every plan once less than 10% of the policy is left.
check "resource_policy_budget" {
  assert {
    condition     = data.vpnlogs_resource_policy_budget.this.remaining_characters >= data.vpnlogs_resource_policy_budget.this.limit / 10
    error_message = "The CloudWatch Logs delivery policy has only ${data.vpnlogs_resource_policy_budget.this.remaining_characters} characters left: move log groups under /aws/vendedlogs/."
  }
}
