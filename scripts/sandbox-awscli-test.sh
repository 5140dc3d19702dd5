#!/usr/bin/env bash
# Drives the sandbox with the AWS CLI, a client nobody here wrote, and asserts on its parsed JSON output:
# VPN connection lifecycle, tunnel and BGP logging on one tunnel, resource-policy growth and rejection at the
# limit, the 11th account policy, a log events round trip, IAM simulation with a denied action, and throttling
# surfacing as each service's own error code.
#
# usage: scripts/sandbox-awscli-test.sh path/to/terraform-provider-vpnlogs
set -euo pipefail

BIN="${1:?usage: $0 path/to/terraform-provider-vpnlogs}"
for tool in aws jq curl; do
  command -v "$tool" >/dev/null || { echo "sandbox-awscli-test: $tool is required (.ci/run installs aws and jq)"; exit 1; }
done

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

steps=0
pass() { steps=$((steps + 1)); printf '  ok   %s\n' "$*"; }
fail() { printf '  FAIL %s\n' "$*" >&2; [ -f "$work/sandbox.out" ] && sed 's/^/       sandbox: /' "$work/sandbox.out" | tail -5 >&2; exit 1; }
# expect DESCRIPTION JQ-FILTER JSON: the filter must yield true.
expect() {
  local got
  got="$(jq -e "$2" <<<"$3" 2>/dev/null)" || fail "$1 (jq '$2' gave ${got:-nothing})"
  pass "$1"
}
# expect_error DESCRIPTION CODE COMMAND...: the AWS CLI must fail with this error code.
expect_error() {
  local desc="$1" code="$2"; shift 2
  if "$@" >"$work/out" 2>"$work/err"; then fail "$desc: succeeded, expected $code"; fi
  grep -q "($code)" "$work/err" || fail "$desc: expected ($code), got: $(cat "$work/err")"
  pass "$desc"
}
wait_available() {
  local state
  for _ in $(seq 1 100); do
    state="$(aws ec2 describe-vpn-connections --vpn-connection-ids "$1" | jq -r '.VpnConnections[0].State')"
    [ "$state" = available ] && return 0
    sleep 0.2
  done
  fail "$1 did not become available (last state $state)"
}

echo "--- starting the sandbox"
"$BIN" sandbox --listen 127.0.0.1:0 --modify-delay 8s --pending-delay 300ms --policy-size-limit 2000 \
  --deny-actions logs:DeleteLogDelivery --no-rate-limits --traffic-interval 0 --seed 42 --request-log "${REQUEST_LOG:-/dev/null}" >"$work/sandbox.out" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do grep -q '^export AWS_ENDPOINT_URL=' "$work/sandbox.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^export AWS_ENDPOINT_URL=' "$work/sandbox.out" || fail "the sandbox did not print its environment"
eval "$(grep '^export ' "$work/sandbox.out")"
export AWS_PAGER="" AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=3 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
endpoint="$AWS_ENDPOINT_URL"
account=123456789012
arn() { echo "arn:aws:logs:$AWS_REGION:$account:log-group:$1"; }
echo "    endpoint $endpoint, $(aws --version 2>&1)"

echo "--- EC2: a VPN connection with two tunnels"
cgw="$(aws ec2 create-customer-gateway --type ipsec.1 --public-ip 198.51.100.7 --bgp-asn 65000 | jq -r .CustomerGateway.CustomerGatewayId)"
vgw="$(aws ec2 create-vpn-gateway --type ipsec.1 | jq -r .VpnGateway.VpnGatewayId)"
out="$(aws ec2 create-vpn-connection --type ipsec.1 --customer-gateway-id "$cgw" --vpn-gateway-id "$vgw" \
  --tag-specifications 'ResourceType=vpn-connection,Tags=[{Key=env,Value=cli}]')"
expect "create-vpn-connection starts pending" '.VpnConnection.State == "pending"' "$out"
vpn="$(jq -r .VpnConnection.VpnConnectionId <<<"$out")"
wait_available "$vpn"
out="$(aws ec2 describe-vpn-connections --filters Name=tag:env,Values=cli)"
expect "describe by tag finds it, available" "[.VpnConnections[] | select(.VpnConnectionId == \"$vpn\" and .State == \"available\")] | length == 1" "$out"
expect "two tunnels with distinct public outside IPs" '.VpnConnections[0].Options.TunnelOptions | map(.OutsideIpAddress) | unique | length == 2' "$out"
expect "inside CIDRs in 169.254.0.0/16" '.VpnConnections[0].Options.TunnelOptions | all(.TunnelInsideCidr | startswith("169.254."))' "$out"
expect "telemetry per tunnel" '.VpnConnections[0].VgwTelemetry | length == 2' "$out"
ip1="$(jq -r '.VpnConnections[0].Options.TunnelOptions[0].OutsideIpAddress' <<<"$out")"
ip2="$(jq -r '.VpnConnections[0].Options.TunnelOptions[1].OutsideIpAddress' <<<"$out")"
expect_error "unknown connection id" InvalidVpnConnectionID.NotFound aws ec2 describe-vpn-connections --vpn-connection-ids vpn-0000000000000000f

echo "--- CloudWatch Logs: log groups"
aws logs create-log-group --log-group-name /vpn/cli/activity
aws logs create-log-group --log-group-name /aws/vendedlogs/vpn/cli-bgp
expect_error "retention outside AWS's values" InvalidParameterException aws logs put-retention-policy --log-group-name /vpn/cli/activity --retention-in-days 10
aws logs put-retention-policy --log-group-name /vpn/cli/activity --retention-in-days 30
out="$(aws logs describe-log-groups --log-group-name-prefix /vpn/cli)"
expect "retention stored, ARN with :*" '.logGroups[0].retentionInDays == 30 and (.logGroups[0].arn | endswith(":*"))' "$out"

echo "--- tunnel and BGP logging on one tunnel"
opts="$(jq -cn --arg a "$(arn /vpn/cli/activity)" --arg b "$(arn /aws/vendedlogs/vpn/cli-bgp)" \
  '{LogOptions:{CloudWatchLogOptions:{LogEnabled:true,LogGroupArn:$a,LogOutputFormat:"json",BgpLogEnabled:true,BgpLogGroupArn:$b,BgpLogOutputFormat:"text"}}}')"
out="$(aws ec2 modify-vpn-tunnel-options --vpn-connection-id "$vpn" --vpn-tunnel-outside-ip-address "$ip1" --tunnel-options "$opts")"
expect "modify answers with the connection" ".VpnConnection.VpnConnectionId == \"$vpn\"" "$out"
out="$(aws ec2 describe-vpn-connections --vpn-connection-ids "$vpn")"
expect "connection is modifying" '.VpnConnections[0].State == "modifying"' "$out"
expect_error "a second modify while modifying" InvalidVpnConnection.InvalidState \
  aws ec2 modify-vpn-tunnel-options --vpn-connection-id "$vpn" --vpn-tunnel-outside-ip-address "$ip2" --tunnel-options "$opts"
wait_available "$vpn"
out="$(aws ec2 describe-vpn-connections --vpn-connection-ids "$vpn")"
t1=".VpnConnections[0].Options.TunnelOptions[] | select(.OutsideIpAddress == \"$ip1\") | .LogOptions.CloudWatchLogOptions"
t2=".VpnConnections[0].Options.TunnelOptions[] | select(.OutsideIpAddress == \"$ip2\") | .LogOptions.CloudWatchLogOptions"
expect "tunnel 1: activity log on, json" "$t1 | .LogEnabled == true and .LogGroupArn == \"$(arn /vpn/cli/activity)\" and .LogOutputFormat == \"json\"" "$out"
expect "tunnel 1: BGP log on, text" "$t1 | .BgpLogEnabled == true and .BgpLogOutputFormat == \"text\"" "$out"
expect "tunnel 2 untouched" "$t2 | .LogEnabled == false and .BgpLogEnabled == false" "$out"
expect_error "unknown outside IP" InvalidParameterValue \
  aws ec2 modify-vpn-tunnel-options --vpn-connection-id "$vpn" --vpn-tunnel-outside-ip-address 192.0.2.99 --tunnel-options "$opts"

echo "--- the delivery resource policy grows, then refuses at the limit"
policy() { aws logs describe-resource-policies | jq -c '.resourcePolicies[] | select(.policyName == "AWSLogDeliveryWrite20150319")'; }
p1="$(policy)"
expect "delivery policy created, grants the activity group" \
  ".policyDocument | fromjson | .Statement[0].Resource | index(\"$(arn /vpn/cli/activity):log-stream:*\") != null" "$p1"
expect "delivery policy covers /aws/vendedlogs/* (the BGP group)" \
  ".policyDocument | fromjson | .Statement[0].Resource | index(\"$(arn '/aws/vendedlogs/*')\") != null" "$p1"
len1="$(jq -r '.policyDocument | length' <<<"$p1")"
aws logs create-log-group --log-group-name /vpn/cli/second
aws ec2 modify-vpn-tunnel-options --vpn-connection-id "$vpn" --vpn-tunnel-outside-ip-address "$ip2" --tunnel-options \
  "$(jq -cn --arg a "$(arn /vpn/cli/second)" '{LogOptions:{CloudWatchLogOptions:{LogEnabled:true,LogGroupArn:$a}}}')" >/dev/null
wait_available "$vpn"
p2="$(policy)"
entry="$(arn /vpn/cli/second):log-stream:*"
expect "policy grew by exactly the new entry (+3 characters of JSON)" \
  "(.policyDocument | length) == ($len1 + $(( ${#entry} + 3 )))" "$p2"
# Fill the delivery policy close to its 2000-character limit, then ask for one more group.
padded="$(jq -c --arg r "arn:aws:logs:$AWS_REGION:$account:log-group:/pad/" \
  '.policyDocument | fromjson | .Statement[0].Resource += [range(0; 100) | "\($r)\(.):log-stream:*"] | .' <<<"$p2")"
while [ "$(jq -c . <<<"$padded" | wc -c)" -gt 1990 ]; do padded="$(jq -c '.Statement[0].Resource |= .[:-1]' <<<"$padded")"; done
aws logs put-resource-policy --policy-name AWSLogDeliveryWrite20150319 --policy-document "$(jq -c . <<<"$padded")" >/dev/null
before="$(policy)"
aws logs create-log-group --log-group-name /vpn/cli/third
second="$(jq -cn --arg a "$(arn /vpn/cli/third)" '{LogOptions:{CloudWatchLogOptions:{LogEnabled:true,LogGroupArn:$a}}}')"
expect_error "enabling delivery past the limit is refused" InvalidParameterValue \
  aws ec2 modify-vpn-tunnel-options --vpn-connection-id "$vpn" --vpn-tunnel-outside-ip-address "$ip2" --tunnel-options "$second"
grep -q "vendedlogs" "$work/err" || fail "the refusal does not point at /aws/vendedlogs/: $(cat "$work/err")"
[ "$(policy)" = "$before" ] && pass "the refused change left the policy as it was" || fail "the refused change modified the policy"
out="$(aws ec2 describe-vpn-connections --vpn-connection-ids "$vpn")"
expect "the refused change left the tunnel as it was" "$t2 | .LogEnabled == true and .LogGroupArn == \"$(arn /vpn/cli/second)\"" "$out"
expect "...and the connection available" '.VpnConnections[0].State == "available"' "$out"

echo "--- the 11th account-level resource policy"
count="$(aws logs describe-resource-policies | jq '.resourcePolicies | length')"
doc='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}'
for i in $(seq "$((count + 1))" 10); do aws logs put-resource-policy --policy-name "other-$i" --policy-document "$doc" >/dev/null; done
expect "ten policies" '.resourcePolicies | length == 10' "$(aws logs describe-resource-policies)"
AWS_MAX_ATTEMPTS=1 expect_error "the 11th is refused" LimitExceededException \
  aws logs put-resource-policy --policy-name eleventh --policy-document "$doc"

echo "--- log events round trip"
aws logs create-log-stream --log-group-name /vpn/cli/activity --log-stream-name manual
now_ms=$(( $(date +%s) * 1000 ))
aws logs put-log-events --log-group-name /vpn/cli/activity --log-stream-name manual \
  --log-events "timestamp=$now_ms,message=hello sandbox" "timestamp=$((now_ms + 1)),message=second line" >/dev/null
out="$(aws logs get-log-events --log-group-name /vpn/cli/activity --log-stream-name manual --start-from-head)"
expect "get-log-events returns both, in order" '[.events[].message] == ["hello sandbox", "second line"]' "$out"
out="$(aws logs filter-log-events --log-group-name /vpn/cli/activity --log-stream-names manual --filter-pattern second)"
expect "filter-log-events with a term" '[.events[].message] == ["second line"]' "$out"
out="$(aws logs describe-log-streams --log-group-name /vpn/cli/activity)"
expect "the tunnel's own stream exists, named by VPN id and outside IP" \
  "[.logStreams[].logStreamName | select(contains(\"$vpn\") and contains(\"$ip1\"))] | length >= 1" "$out"
out="$(aws logs filter-log-events --log-group-name /vpn/cli/activity --log-stream-name-prefix "$vpn")"
expect "scenario traffic: JSON tunnel-activity events" '[.events[].message | fromjson? | select(has("ike_phase1_state"))] | length > 0' "$out"

echo "--- IAM: who am I, and what may I do"
out="$(aws sts get-caller-identity)"
expect "caller is an assumed-role session" '.Arn | test(":assumed-role/vpnlogs-sandbox/")' "$out"
role="$(aws iam get-role --role-name vpnlogs-sandbox | jq -r .Role.Arn)"
out="$(aws iam simulate-principal-policy --policy-source-arn "$role" --action-names logs:CreateLogDelivery logs:DeleteLogDelivery ec2:ModifyVpnTunnelOptions)"
expect "allowed actions" '[.EvaluationResults[] | select(.EvalDecision == "allowed") | .EvalActionName] | sort == ["ec2:ModifyVpnTunnelOptions", "logs:CreateLogDelivery"]' "$out"
expect "the denied action is an implicit deny" '.EvaluationResults[] | select(.EvalActionName == "logs:DeleteLogDelivery") | .EvalDecision == "implicitDeny"' "$out"
expect_error "a session ARN is not a policy source" InvalidInput \
  aws iam simulate-principal-policy --policy-source-arn "$(aws sts get-caller-identity | jq -r .Arn)" --action-names logs:CreateLogDelivery

echo "--- throttling surfaces as each service's own code"
curl -fsS -X POST "$endpoint/_sandbox/faults" -d '{"throttle_rate":1}' >/dev/null
AWS_MAX_ATTEMPTS=1 expect_error "EC2 throttling" RequestLimitExceeded aws ec2 describe-vpn-connections
AWS_MAX_ATTEMPTS=1 expect_error "CloudWatch Logs throttling" ThrottlingException aws logs describe-log-groups
curl -fsS -X POST "$endpoint/_sandbox/faults" -d '{"throttle_rate":0}' >/dev/null
expect "requests succeed again" '.VpnConnections | length >= 1' "$(aws ec2 describe-vpn-connections)"

echo "--- request counts"
out="$(curl -fsS "$endpoint/_sandbox/stats")"
expect "stats count modifies and throttled calls" '.ec2.ModifyVpnTunnelOptions >= 4 and .ec2.DescribeVpnConnections >= 10 and .logs.DescribeLogGroups >= 2' "$out"

echo "--- stopping the sandbox"
kill -TERM "$sandbox_pid"
wait "$sandbox_pid" && pass "the sandbox stopped cleanly on SIGTERM" || fail "the sandbox exited with $? on SIGTERM"
sandbox_pid=""
echo "sandbox-awscli-test: $steps checks passed"
