# sandbox: --seed-demo
#
# Inputs are checked before anything is read or changed, with a message that says what to do; a selection that
# matches nothing warns.

run "needs_a_selection" {
  command         = plan
  expect_failures = [var.tags]
}

run "refuses_both_selections" {
  command = plan
  variables {
    tags               = { env = "prod" }
    vpn_connection_ids = ["vpn-0123456789abcdef0"]
  }
  expect_failures = [var.tags]
}

run "refuses_empty_tags_which_would_select_everything" {
  command = plan
  variables {
    tags = {}
  }
  expect_failures = [var.tags]
}

run "refuses_a_malformed_connection_id" {
  command = plan
  variables {
    vpn_connection_ids = ["vpn-0123456789abcdef0", "vpn-prod"]
  }
  expect_failures = [var.vpn_connection_ids]
}

run "refuses_a_group_outside_vendedlogs" {
  command = plan
  variables {
    tags           = { env = "prod" }
    log_group_name = "/vpn/prod"
  }
  expect_failures = [var.log_group_name]
}

run "refuses_a_retention_cloudwatch_logs_does_not_offer" {
  command = plan
  variables {
    tags                        = { env = "prod" }
    log_group_retention_in_days = 10
  }
  expect_failures = [var.log_group_retention_in_days]
}

run "refuses_an_unknown_status_and_a_bad_lookback" {
  command = plan
  variables {
    tags             = { env = "prod" }
    warn_on_statuses = ["down", "broken"]
    health_lookback  = "1 hour"
  }
  expect_failures = [var.warn_on_statuses, var.health_lookback]
}

run "warns_when_the_selection_matches_nothing" {
  command = plan
  variables {
    tags = { env = "nowhere" }
  }
  expect_failures = [check.vpn_connections_selected]

  assert {
    condition     = length(output.tunnel_ids) == 0
    error_message = "Expected no tunnel, got ${jsonencode(output.tunnel_ids)}."
  }
}
