// Package awsassumptions holds the executable form of the AWS behaviour vpnlogs assumes but AWS does not document:
// the UNCONFIRMED items of docs/design/aws-behaviour.md §8. It has no code of its own, only tests, in the manner of
// gofakes3's internal/s3assumer.
//
// Each test checks one assumption and is named after the §8 item it checks (TestAccItem03_... checks §8.3). It runs
// the same check against two targets:
//
//   - sandbox: an in-process sandbox, in every `make test`. It proves that the sandbox encodes the assumption as §8
//     states it, so the sandbox and the document cannot drift apart unnoticed.
//   - aws: real AWS, with TF_ACC=1 and AWS credentials in the environment (`make testacc`). It checks the assumption
//     itself. Without them, or without the variables a test needs, the subtest skips and says what to set.
//
// A failing aws subtest is news about AWS: update §8, the sandbox and, if the product depends on the point, the
// product, together.
//
// # Variables (aws target)
//
//	VPNLOGS_ACC_VPN_CONNECTION_ID   a VPN connection whose tunnel logging the tests may change; each change
//	VPNLOGS_ACC_TUNNEL_OUTSIDE_IP   interrupts that tunnel for up to several minutes (use a test connection).
//	                                The tests restore the tunnel's logging at the end.
//	VPNLOGS_ACC_DENIED_PROFILE      an AWS profile allowed ec2:ModifyVpnTunnelOptions and ec2:DescribeVpnConnections
//	                                but not logs:CreateLogDelivery (§8.4).
//	VPNLOGS_ACC_ALLOW_POLICY_CHANGES=1
//	                                allow tests that make AWS add entries to the account's
//	                                AWSLogDeliveryWrite20150319 resource policy; AWS never removes them (§8.6).
//	VPNLOGS_ACC_ALLOW_POLICY_FILL=1 allow the test that pads that policy to its limit for a moment and restores it
//	                                afterwards (§8.7); use a throwaway account.
//	VPNLOGS_ACC_POLICY_SIZE_LIMIT   the account-level policy limit to assume (default 5120, §8.6).
//	VPNLOGS_ACC_LOG_WAIT            how long to wait for a tunnel to log something (default 20m); a tunnel that
//	                                logs nothing meanwhile makes the test skip as inconclusive.
//	VPNLOGS_ACC_PRINCIPAL_ARN       the IAM user or role to simulate (§8.14); default: the caller's.
//
// Log groups the tests create are named /aws/vendedlogs/vpnlogs-acc/<random> (or /vpnlogs-acc/<random> where a test
// needs a group outside /aws/vendedlogs/) and deleted afterwards; policies they create are named vpnlogs-acc-<random>.
package awsassumptions
