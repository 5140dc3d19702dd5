// Package sandbox is a local AWS-compatible server for offline tests and demos. It speaks the real
// wire protocols — EC2 query, awsQuery (STS, IAM) and AWS JSON 1.1 (CloudWatch Logs) — on one port,
// so the unmodified aws-sdk-go-v2, the AWS CLI and terraform with this provider work against it.
//
// # Layout
//
// Each AWS service is modelled by its own sub-package: ec2 (Site-to-Site VPN: gateways, VPN
// connections, tunnels, tags, quotas), cwlogs (CloudWatch Logs and the log delivery VPN sets up),
// iam (principals, GetRole, SimulatePrincipalPolicy, the deny lists) and sts (GetCallerIdentity,
// AssumeRole); awsapi holds what they share on the wire (errors, Query parameters, XML envelopes,
// ARNs and partitions). This package is the server core that wires them: the listener and request
// limits, routing by protocol and SigV4 scope, the permission check, injected faults and request-rate
// buckets, statistics, the /_sandbox/ admin endpoints, the log scenarios and the traffic they write,
// the demo fleet, and the Go API tests use (New, Options, CreateVPNConnection, ...).
//
// It is an independent model of AWS: it imports none of the product's domain packages, so tests of
// the product against it check the product's rules against a separate statement of AWS behaviour.
// Where AWS has a limit, an error code, a delay or a side effect that matters, the sandbox has it;
// where AWS behaviour is not documented, the code says so in a comment starting "UNCONFIRMED:" and
// states the choice made.
//
// # Using it
//
// In tests: New(Options{...}), Start("127.0.0.1:0"), point SDK clients at URL() (any credentials),
// Close when done. Keep ModifyDelay and PendingDelay small; Options.Now takes a fake clock for the
// lifecycle (pending → available, modifying → available, deleting → deleted → gone after an hour),
// rate-limit refills and timestamps. The Go methods (CreateVPNConnection, SetTunnelOrderReversed,
// SetTunnelLogOptionsOutOfBand, DeleteVPNConnectionOutOfBand, SetDenyActions, SetFaults, Stats,
// Logs, ...) set up and inspect state without counting as AWS calls.
//
// Routing: POST or GET on any path except /_sandbox/. X-Amz-Target "Logs_20140328.<Op>" goes to
// CloudWatch Logs; otherwise the Query "Action" is served by the service named in the SigV4
// credential scope (ec2, sts, iam), or, for unsigned requests, the service that has the action.
// Signatures are not verified. Access keys issued by sts:AssumeRole act as that role session; any
// other key is Options.CallerARN.
//
// Every AWS call, in order: latency, request-rate buckets (EC2, when Options.RateLimits), injected
// throttling and 5xx errors, the permission check against the deny lists (all actions except
// sts:GetCallerIdentity), then the service. Each is counted in Stats and written to RequestLog,
// failures included.
//
// Log delivery's permission: enabling a tunnel log (ModifyVpnTunnelOptions, CreateVpnConnection)
// makes CloudWatch Logs grant delivery.logs.amazonaws.com write access to the log group, either
// in the account-level policy AWSLogDeliveryWrite20150319 (Options.DeliveryPolicyModel "account",
// the default) or in the log group's own RESOURCE-scope policy ("log-group"), as AWS documents
// both; a refusal (policy full, group missing) fails the EC2 call and changes nothing. See
// cwlogs.EnableDelivery.
//
// Log traffic: when a tunnel's log delivery becomes active (its connection is available after the
// enabling modification), the sandbox creates the stream(s) and writes about an hour of history
// from the tunnel's scenario (tag "vpnlogs:scenario" or "vpnlogs:scenario:<outside-ip>" on the VPN
// connection, else Options.Scenario); with TrafficInterval > 0 a goroutine appends fresh events.
//
// Admin endpoints (not AWS calls): GET /_sandbox/health, GET /_sandbox/stats, POST
// /_sandbox/reset-stats, GET /_sandbox/requests, GET|POST /_sandbox/faults, POST /_sandbox/deny,
// POST /_sandbox/caller.
package sandbox
