# sandbox: --seed-demo --policy-size-limit 480
#
# An account whose CloudWatch Logs resource policy is nearly full: a tunnel already delivers to a group outside
# /aws/vendedlogs/, and the limit (the sandbox's --policy-size-limit, with the provider's resource_policy_size_limit
# to match) leaves no room for the /aws/vendedlogs/* entry the module's group needs. The plan fails once, on the
# budget check, before any tunnel is planned.

provider "vpnlogs" {
  resource_policy_size_limit = 480
}

provider "vpnlogs" {
  alias                 = "log_group_model"
  resource_policy_model = "log-group"
}

run "setup_a_nearly_full_policy" {
  module {
    source = "./tests/setup/legacy-delivery"
  }

  assert {
    condition     = output.policy_characters > 480 - 66 && output.policy_characters <= 480
    error_message = "The fixture should leave less room than the /aws/vendedlogs/* entry takes (66 characters in us-east-1, with its comma); the policy holds ${output.policy_characters} characters."
  }
}

run "fails_the_plan_before_any_change" {
  command = plan

  variables {
    tags = { env = "prod" }
  }

  expect_failures = [data.vpnlogs_resource_policy_budget.preflight]

  assert {
    condition     = !data.vpnlogs_resource_policy_budget.preflight.fits && data.vpnlogs_resource_policy_budget.preflight.model == "account"
    error_message = "Expected a projection that does not fit under the account model, got ${jsonencode(data.vpnlogs_resource_policy_budget.preflight)}."
  }

  assert {
    condition     = data.vpnlogs_resource_policy_budget.preflight.projected_characters == data.vpnlogs_resource_policy_budget.preflight.used_characters + 66
    error_message = "The projection should add the /aws/vendedlogs/* entry once (66 characters in us-east-1, with its comma), got ${jsonencode(data.vpnlogs_resource_policy_budget.preflight)}."
  }
}

run "fits_once_the_group_is_covered" {
  # Under the log-group model, AWS gives the group a policy of its own, and the full account-level policy is no
  # obstacle: the same selection plans.
  command = plan

  providers = {
    vpnlogs = vpnlogs.log_group_model
  }

  plan_options {
    target = [data.vpnlogs_resource_policy_budget.preflight]
  }

  variables {
    tags = { env = "prod" }
  }

  assert {
    condition     = data.vpnlogs_resource_policy_budget.preflight.fits && data.vpnlogs_resource_policy_budget.preflight.model == "log-group"
    error_message = "Expected the projection to fit under the log-group model, got ${jsonencode(data.vpnlogs_resource_policy_budget.preflight)}."
  }
}
