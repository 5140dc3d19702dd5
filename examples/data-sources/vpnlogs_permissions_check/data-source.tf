# Fail the plan early when the provider's caller may not do what enabling tunnel logging needs.
# (The provider's preflight_permissions does the same for planned vpnlogs_tunnel_logging changes; this
# also works in configurations that only read.)
data "vpnlogs_permissions_check" "caller" {
  lifecycle {
    postcondition {
      # When the simulation cannot run (no iam:SimulatePrincipalPolicy), `reason` says why; let it pass.
      condition     = self.allowed || !self.evaluated
      error_message = "The caller cannot enable VPN log delivery: ${self.reason}"
    }
  }
}

# Warn, without failing, when the caller cannot read the delivered logs.
data "vpnlogs_permissions_check" "readers" {
  actions = ["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetQueryResults", "logs:StartQuery"]
}

check "vpn_log_readers" {
  assert {
    condition     = data.vpnlogs_permissions_check.readers.allowed
    error_message = data.vpnlogs_permissions_check.readers.reason
  }
}

output "principal" {
  value = data.vpnlogs_permissions_check.caller.principal_arn
}

output "missing_actions" {
  value = data.vpnlogs_permissions_check.caller.missing_actions
}
