# Runs against `terraform-provider-vpnlogs sandbox --seed-demo`, with what it prints exported
# (AWS_ENDPOINT_URL=http://127.0.0.1:4599, ...), and dev_overrides: `terraform test`, no `terraform init`.

run "logs_every_tunnel_of_the_prod_connection" {
  assert {
    condition     = output.tunnel_ids == tolist(["vpn-0123456789abcdef0/203.0.113.10", "vpn-0123456789abcdef0/203.0.113.11"])
    error_message = "Expected both tunnels of the seeded prod connection, got ${jsonencode(output.tunnel_ids)}."
  }

  assert {
    condition     = alltrue([for t in vpnlogs_tunnel_logging.tunnel : t.tunnel_log.log_group_arn == vpnlogs_log_group.vpn.arn])
    error_message = "Every tunnel must deliver its activity log to the module's group."
  }
}

run "selects_connections_by_tag" {
  command = plan # what would change, without applying it

  variables {
    tags = { env = "staging" }
  }

  assert {
    condition     = output.tunnel_ids == tolist(["vpn-0123456789abcdef1/203.0.113.20", "vpn-0123456789abcdef1/203.0.113.21"])
    error_message = "Expected both tunnels of the seeded staging connection, got ${jsonencode(output.tunnel_ids)}."
  }
}

run "refuses_a_group_outside_vendedlogs" {
  command = plan

  variables {
    log_group_name = "/vpn/prod"
  }

  expect_failures = [var.log_group_name]
}
