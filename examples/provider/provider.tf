terraform {
  required_providers {
    vpnlogs = {
      source = "vpnlogs/vpnlogs"
    }
  }
}

# Credentials and region come from the usual places, as with the AWS provider:
# AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_REGION, shared config files, or an assumed role.
provider "vpnlogs" {
  region = "us-east-1"

  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/vpn-logging"
    session_name = "terraform"
  }
}

# Who Terraform runs as: here the session of the assumed role.
data "vpnlogs_account" "current" {}

output "caller_arn" {
  value = data.vpnlogs_account.current.caller_arn # arn:aws:sts::123456789012:assumed-role/vpn-logging/terraform
}

# Against the local sandbox: `terraform-provider-vpnlogs sandbox --seed-demo` has the role above, so this file runs
# unchanged once what the sandbox prints is exported (AWS_ENDPOINT_URL=http://127.0.0.1:4599, ...). Or point every
# service at it in the provider block:
#
# provider "vpnlogs" {
#   region     = "us-east-1"
#   access_key = "test"
#   secret_key = "test"
#   endpoints {
#     ec2  = "http://127.0.0.1:4599"
#     logs = "http://127.0.0.1:4599"
#     sts  = "http://127.0.0.1:4599"
#     iam  = "http://127.0.0.1:4599"
#   }
# }
