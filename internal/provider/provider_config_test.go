package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Configuration errors that need no endpoint: each must name the attribute, say what is wrong and how
// to fix it. The configs use vpnlogs_account because Terraform never configures (or even validates) a
// provider that no resource, data source or function uses.
func TestProviderConfig_diagnosticsWithoutEndpoint(t *testing.T) {
	cases := map[string]struct {
		config string
		env    map[string]string
		want   *regexp.Regexp
	}{
		"unknown retry mode": {
			config: `provider "vpnlogs" {
  region     = "us-east-1"
  retry_mode = "aggressive"
}`,
			want: expectDiag(`retry_mode`, `value must be one of: ["standard" "adaptive"], got: "aggressive"`),
		},
		"unknown retry mode from the environment": {
			config: `provider "vpnlogs" {
  region     = "us-east-1"
  access_key = "AKIDEXAMPLE"
  secret_key = "secret"
}`,
			env:  map[string]string{"AWS_RETRY_MODE": "fast"},
			want: expectDiag(`Unknown retry mode`, `AWS_RETRY_MODE is "fast"`, `"standard" or "adaptive"`),
		},
		"unknown CloudWatch Logs operation in logs_rate_limits": {
			config: `provider "vpnlogs" {
  region           = "us-east-1"
  logs_rate_limits = { FilterLogEvent = 10 }
}`,
			want: expectDiag(`Unknown CloudWatch Logs operation`, `logs_rate_limits = { FilterLogEvent = 10 }`, `has the key "FilterLogEvent"`, `Use one of DescribeLogGroups`),
		},
		"negative rate in logs_rate_limits": {
			config: `provider "vpnlogs" {
  region           = "us-east-1"
  logs_rate_limits = { FilterLogEvents = -1 }
}`,
			want: expectDiag(`Invalid request rate`, `logs_rate_limits.FilterLogEvents is -1`),
		},
		"malformed endpoint URL": {
			config: `provider "vpnlogs" {
  region = "us-east-1"
  endpoints {
    ec2 = "localhost:4599"
  }
}`,
			want: expectDiag(`Malformed endpoint URL`, `endpoints[0].ec2 is "localhost:4599": it has no scheme: the scheme must be http or https`, `"http://127.0.0.1:4599"`),
		},
		"malformed endpoint URL from the environment": {
			config: `provider "vpnlogs" {
  region     = "us-east-1"
  access_key = "AKIDEXAMPLE"
  secret_key = "secret"
}`,
			env:  map[string]string{"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": "ftp://logs.example"},
			want: expectDiag(`Malformed endpoint URL`, `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS is "ftp://logs.example"`, `Fix or unset it`),
		},
		"no region": {
			config: `provider "vpnlogs" {
  access_key = "AKIDEXAMPLE"
  secret_key = "secret"
}`,
			want: expectDiag(`No AWS region`, `Set region, the AWS_REGION environment variable`),
		},
		"no credentials": {
			config: `provider "vpnlogs" {
  region                  = "us-east-1"
  skip_metadata_api_check = true
}`,
			want: expectDiag(`No valid AWS credentials`, `Set access_key and secret_key, the AWS_ACCESS_KEY_ID`),
		},
		"half of a static key pair": {
			config: `provider "vpnlogs" {
  region     = "us-east-1"
  access_key = "AKIDEXAMPLE"
}`,
			want: expectDiag(`Incomplete static credentials`, `access_key is set but secret_key is not`),
		},
		"assume_role duration out of range": {
			config: `provider "vpnlogs" {
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::123456789012:role/vpn"
    duration = "5m"
  }
}`,
			want: expectDiag(`Duration out of range`, `assume_role[0].duration is 5m; AWS accepts 15m to 12h. Use "15m".`),
		},
		"assume_role malformed role ARN": {
			config: `provider "vpnlogs" {
  region     = "us-east-1"
  access_key = "AKIDEXAMPLE"
  secret_key = "secret"
  assume_role {
    role_arn = "vpn-logging"
  }
}`,
			want: expectDiag(`Malformed role ARN`, `assume_role.role_arn is "vpn-logging"; expected an IAM role ARN`),
		},
		"unknown profile": {
			config: `provider "vpnlogs" {
  region  = "us-east-1"
  profile = "nope"
}`,
			want: expectDiag(`Unknown AWS profile`, `The profile "nope" was not found`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			isolateAWSEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config + "\ndata \"vpnlogs_account\" \"this\" {}\n",
					ExpectError: tc.want,
				}},
			})
		})
	}
}
