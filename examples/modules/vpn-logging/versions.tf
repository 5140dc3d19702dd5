terraform {
  # 1.9 for input validations that refer to other variables.
  required_version = ">= 1.9"

  required_providers {
    vpnlogs = {
      source = "vpnlogs/vpnlogs"
    }
  }
}
