# sandbox: --seed-demo
#
# The dev connection of the demo fleet: tunnel 203.0.113.30 has a flapping BGP session (degraded), and the
# customer gateway of 203.0.113.31 stopped answering (down). The check warns about the down tunnel with its root
# cause: the dead peer, not the BGP hold timer that expired first.

run "warns_about_the_down_tunnel_with_its_root_cause" {
  variables {
    tags = { env = "dev" }
  }

  expect_failures = [check.vpn_tunnels_healthy]

  assert {
    condition     = output.unhealthy_tunnel_ids == tolist(["vpn-0123456789abcdef2/203.0.113.31"])
    error_message = "Expected only the down tunnel to be reported, got ${jsonencode(output.unhealthy_tunnel_ids)}."
  }

  assert {
    condition     = output.tunnel_health["vpn-0123456789abcdef2/203.0.113.31"].status == "down" && output.tunnel_health["vpn-0123456789abcdef2/203.0.113.31"].cause == "ike.dpd_timeout"
    error_message = "Expected 203.0.113.31 down from a DPD timeout, got ${jsonencode(output.tunnel_health["vpn-0123456789abcdef2/203.0.113.31"])}."
  }

  assert {
    condition     = output.tunnel_health["vpn-0123456789abcdef2/203.0.113.30"].status == "degraded"
    error_message = "Expected 203.0.113.30 degraded by its flapping BGP session, got ${jsonencode(output.tunnel_health["vpn-0123456789abcdef2/203.0.113.30"])}."
  }
}

run "warns_about_degraded_tunnels_when_asked" {
  command = plan

  variables {
    tags             = { env = "dev" }
    warn_on_statuses = ["down", "degraded"]
  }

  expect_failures = [check.vpn_tunnels_healthy]

  assert {
    condition     = output.unhealthy_tunnel_ids == tolist(["vpn-0123456789abcdef2/203.0.113.30", "vpn-0123456789abcdef2/203.0.113.31"])
    error_message = "Expected both dev tunnels to be reported, got ${jsonencode(output.unhealthy_tunnel_ids)}."
  }

  assert {
    condition     = output.tunnel_health["vpn-0123456789abcdef2/203.0.113.30"].cause == "bgp.hold_timer_expired"
    error_message = "Expected the flaps to be blamed on the expiring hold timer, got ${jsonencode(output.tunnel_health["vpn-0123456789abcdef2/203.0.113.30"])}."
  }
}

run "says_the_key_is_wrong_not_that_the_peer_timed_out" {
  # The staging connection's customer gateway has the wrong pre-shared key. Its logs end with half-open IKE_SA
  # timeouts and are full of authentication failures; the root cause is the key.
  variables {
    vpn_connection_ids = ["vpn-0123456789abcdef1"]
  }

  expect_failures = [check.vpn_tunnels_healthy]

  assert {
    condition     = alltrue([for h in output.tunnel_health : h.status == "down" && h.cause == "ike.psk_mismatch"])
    error_message = "Expected both staging tunnels down from a pre-shared key mismatch, got ${jsonencode(output.tunnel_health)}."
  }
}
