# sandbox: --seed-demo
#
# The prod connection of the demo fleet (two healthy tunnels), one of whose tunnels someone already set up by hand:
# the module adopts that tunnel without a change, enables the other, reports both healthy, and a second plan reads
# the health during plan.

run "setup_one_tunnel_logging_by_hand" {
  module {
    source = "./tests/setup/enabled-by-hand"
  }
}

run "enables_logging_on_every_tunnel_and_adopts_what_already_logs" {
  variables {
    tags             = { env = "prod" }
    create_log_group = false
    log_group_name   = "/aws/vendedlogs/vpn/by-hand"
  }

  assert {
    condition     = output.tunnel_ids == tolist(["vpn-0123456789abcdef0/203.0.113.10", "vpn-0123456789abcdef0/203.0.113.11"])
    error_message = "Expected both tunnels of the prod connection, got ${jsonencode(output.tunnel_ids)}."
  }

  assert {
    condition     = output.adopted_tunnel_ids == tolist(["vpn-0123456789abcdef0/203.0.113.10"])
    error_message = "Expected the tunnel set up by hand to be adopted, and only it; got ${jsonencode(output.adopted_tunnel_ids)}."
  }

  assert {
    condition = alltrue([
      for t in vpnlogs_tunnel_logging.this :
      t.tunnel_log.log_group_arn == output.log_group_arn && t.bgp_log.log_group_arn == output.log_group_arn
    ])
    error_message = "Every tunnel must deliver both logs to ${output.log_group_arn}."
  }

  assert {
    condition     = output.resource_policy_budget.fits && output.resource_policy_budget.model == "account" && output.resource_policy_budget.projected_characters == output.resource_policy_budget.used_characters
    error_message = "Expected the budget, read after the apply, to fit under the account model with the group covered, got ${jsonencode(output.resource_policy_budget)}."
  }

  assert {
    condition     = output.permissions.evaluated && output.permissions.allowed
    error_message = "Expected the sandbox's caller to be allowed everything: ${output.permissions.reason}"
  }

  assert {
    condition     = output.health_summary.healthy == 2 && length(output.unhealthy_tunnel_ids) == 0
    error_message = "Expected two healthy tunnels, got ${jsonencode(output.tunnel_health)}."
  }
}

run "creates_its_own_group" {
  variables {
    vpn_connection_ids = ["vpn-0123456789abcdef0"]
  }

  assert {
    condition     = output.log_group_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/site-to-site" && vpnlogs_log_group.this[0].retention_in_days == 30
    error_message = "Expected the module to create /aws/vendedlogs/vpn/site-to-site with 30 days of retention, got ${output.log_group_arn}."
  }

  assert {
    condition     = alltrue([for t in vpnlogs_tunnel_logging.this : t.tunnel_log.log_group_arn == output.log_group_arn])
    error_message = "Every tunnel must have moved to the module's group."
  }
}

run "plans_no_change_and_reads_health_during_plan" {
  command = plan

  variables {
    vpn_connection_ids = ["vpn-0123456789abcdef0"]
  }

  # Known during plan only because nothing changes: the health data source sits outside the check block and
  # depends on the logging alone, so this plan is empty.
  assert {
    condition     = output.health_summary.healthy == 2
    error_message = "Expected the health to be read during plan, got ${jsonencode(output.health_summary)}."
  }
}
