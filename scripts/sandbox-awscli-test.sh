#!/usr/bin/env bash
# Drives the sandbox with the AWS CLI, a client nobody here wrote, and asserts on its parsed JSON output:
# VPN connection lifecycle, tunnel and BGP logging on one tunnel, resource-policy growth and rejection at the
# limit, the 11th account policy, a log events round trip, health --file on the events the CLI saves (the same
# as the live read), IAM simulation with a denied action, and throttling
# surfacing as each service's own error code. Then a second sandbox with --delivery-policy-model log-group:
# delivery creates the log group's own (RESOURCE-scope) policy while the account-level policy is full,
# a group under an account-level wildcard gets none, a group whose own policy is full refuses delivery, and
# expectedRevisionId guards changes to log-group-level policies.
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

# start_sandbox FLAGS...: runs the sandbox with these flags and exports its environment.
start_sandbox() {
  "$BIN" sandbox --listen 127.0.0.1:0 --no-rate-limits --traffic-interval 0 --seed 42 --request-log "${REQUEST_LOG:-/dev/null}" "$@" \
    >"$work/sandbox.out" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 1 100); do grep -q '^export AWS_ENDPOINT_URL=' "$work/sandbox.out" 2>/dev/null && break; sleep 0.1; done
  grep -q '^export AWS_ENDPOINT_URL=' "$work/sandbox.out" || fail "the sandbox did not print its environment"
  eval "$(grep '^export ' "$work/sandbox.out")"
  endpoint="$AWS_ENDPOINT_URL"
  echo "    endpoint $endpoint, $(head -1 "$work/sandbox.out")"
}
stop_sandbox() {
  kill -TERM "$sandbox_pid"
  wait "$sandbox_pid" && pass "the sandbox stopped cleanly on SIGTERM" || fail "the sandbox exited with $? on SIGTERM"
  sandbox_pid=""
}
export AWS_PAGER="" AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=3 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
account=123456789012
arn() { echo "arn:aws:logs:$AWS_REGION:$account:log-group:$1"; }
# new_vpn TAG: a VPN connection with two tunnels, tagged env=TAG; prints the create-vpn-connection output.
new_vpn() {
  local cgw vgw
  cgw="$(aws ec2 create-customer-gateway --type ipsec.1 --public-ip 198.51.100.7 --bgp-asn 65000 | jq -r .CustomerGateway.CustomerGatewayId)"
  vgw="$(aws ec2 create-vpn-gateway --type ipsec.1 | jq -r .VpnGateway.VpnGatewayId)"
  aws ec2 create-vpn-connection --type ipsec.1 --customer-gateway-id "$cgw" --vpn-gateway-id "$vgw" \
    --tag-specifications "ResourceType=vpn-connection,Tags=[{Key=env,Value=$1}]"
}
echo "    $(aws --version 2>&1)"

echo "--- starting the sandbox (account-level delivery policy model)"
start_sandbox --modify-delay 8s --pending-delay 300ms --policy-size-limit 2000 --deny-actions logs:DeleteLogDelivery
grep -q "delivery policy model account" "$work/sandbox.out" && pass "the account model is the default" || fail "the banner does not name the account model"

echo "--- EC2: a VPN connection with two tunnels"
out="$(new_vpn cli)"
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

echo "--- health --file reads what the AWS CLI saves as the live read reads CloudWatch Logs"
# save_pages GROUP: every page filter-log-events prints for the connection's streams (--max-items, --starting-token).
save_pages() {
  local token="" page
  while :; do
    page="$(aws logs filter-log-events --log-group-name "$1" --log-stream-name-prefix "$vpn" --max-items 10 ${token:+--starting-token "$token"})"
    printf '%s\n' "$page"
    token="$(jq -r '.NextToken // empty' <<<"$page")"
    [ -n "$token" ] || break
  done
}
{ save_pages /vpn/cli/activity; save_pages /aws/vendedlogs/vpn/cli-bgp; } >"$work/saved.json"
expect "several pages saved, one after the other" 'length > 2 and all(has("events"))' "$(jq -s . "$work/saved.json")"
live="$("$BIN" health --vpn-connection-id "$vpn" --tunnel "$ip1" --lookback 2h --output json || true)"
saved="$("$BIN" health --file "$work/saved.json" --output json || true)"
# The fields that do not depend on the time the health is as of (the live read's is its own now).
same='{ike_phase1_state, ike_phase2_state, bgp_status, bgp_session_state, flaps, events_read, events_unrecognized, routes,
  issues: [.issues[] | {code, count, first_seen, last_seen, message}]}'
expect "the file's tunnel is the one its streams name" ".tunnels | map(.vpn_connection_id + \"/\" + .tunnel_outside_ip_address) == [\"$vpn/$ip1\"]" "$saved"
expect "the same states, counts and issues as the live read" "(.[0].tunnels[0] | $same) == (.[1].tunnels[0] | $same) and .[0].tunnels[0].events_read > 0" \
  "$(jq -s . <<<"$live$saved")"

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
stop_sandbox

echo "--- a second sandbox: log-group-level delivery policies (--delivery-policy-model log-group)"
start_sandbox --delivery-policy-model log-group --modify-delay 300ms --pending-delay 100ms --policy-size-limit 2000
grep -q "delivery policy model log-group" "$work/sandbox.out" && pass "the banner names the log-group model" || fail "the banner does not name the model"
vpn="$(new_vpn lg | jq -r .VpnConnection.VpnConnectionId)"
wait_available "$vpn"
out="$(aws ec2 describe-vpn-connections --vpn-connection-ids "$vpn")"
ip1="$(jq -r '.VpnConnections[0].Options.TunnelOptions[0].OutsideIpAddress' <<<"$out")"
ip2="$(jq -r '.VpnConnections[0].Options.TunnelOptions[1].OutsideIpAddress' <<<"$out")"
for g in /vpn/lg/plain /aws/vendedlogs/vpn/lg-bgp /vpn/lg/crowded; do aws logs create-log-group --log-group-name "$g"; done
# The account level: a full AWSLogDeliveryWrite20150319 (1,990 of 2,000 characters) and the user's own
# wildcard grant for /aws/vendedlogs/*, as AWS advises.
full="$(jq -cn --arg r "$(arn /old/)" '{Version:"2012-10-17",Statement:[{Sid:"AWSLogDeliveryWrite",Effect:"Allow",
  Principal:{Service:"delivery.logs.amazonaws.com"},Action:["logs:CreateLogStream","logs:PutLogEvents"],Resource:[range(0; 40) | "\($r)g\(.):log-stream:*"]}]}')"
while [ "${#full}" -gt 1990 ]; do full="$(jq -c '.Statement[0].Resource |= .[:-1]' <<<"$full")"; done
aws logs put-resource-policy --policy-name AWSLogDeliveryWrite20150319 --policy-document "$full" >/dev/null
aws logs put-resource-policy --policy-name vendedlogs-wildcard --policy-document "$(jq -cn --arg r "$(arn '/aws/vendedlogs/*')" \
  '{Version:"2012-10-17",Statement:[{Effect:"Allow",Principal:{Service:"delivery.logs.amazonaws.com"},Action:["logs:CreateLogStream","logs:PutLogEvents"],Resource:$r}]}')" >/dev/null
account_before="$(aws logs describe-resource-policies | jq -c '.resourcePolicies | sort_by(.policyName) | map({policyName, policyDocument})')"
aws ec2 modify-vpn-tunnel-options --vpn-connection-id "$vpn" --vpn-tunnel-outside-ip-address "$ip1" --tunnel-options \
  "$(jq -cn --arg a "$(arn /vpn/lg/plain)" --arg b "$(arn /aws/vendedlogs/vpn/lg-bgp)" \
  '{LogOptions:{CloudWatchLogOptions:{LogEnabled:true,LogGroupArn:$a,BgpLogEnabled:true,BgpLogGroupArn:$b}}}')" >/dev/null \
  && pass "enabling delivery to a plain group succeeds although the account-level policy is full" \
  || fail "the log-group model refused delivery: $(cat "$work/sandbox.out" | tail -1)"
wait_available "$vpn"
out="$(aws logs describe-resource-policies --policy-scope RESOURCE --resource-arn "$(arn /vpn/lg/plain)")"
expect "the plain group has its own RESOURCE-scope policy, revision 1" \
  ".resourcePolicies | length == 1 and .[0].policyScope == \"RESOURCE\" and .[0].resourceArn == \"$(arn /vpn/lg/plain)\" and .[0].revisionId == \"1\"" "$out"
expect "...granting delivery.logs.amazonaws.com exactly that group" \
  ".resourcePolicies[0].policyDocument | fromjson | .Statement[0] | .Effect == \"Allow\" and .Principal.Service == [\"delivery.logs.amazonaws.com\"] and .Resource == [\"$(arn /vpn/lg/plain):log-stream:*\"]" "$out"
expect "...within 51,200 bytes" '.resourcePolicies[0].policyDocument | utf8bytelength <= 51200' "$out"
out="$(aws logs describe-resource-policies --policy-scope RESOURCE --resource-arn "$(arn /aws/vendedlogs/vpn/lg-bgp)")"
expect "the /aws/vendedlogs/ group, covered by the account-level wildcard, gets none" '.resourcePolicies == []' "$out"
out="$(aws logs describe-resource-policies | jq -c '.resourcePolicies | sort_by(.policyName) | map({policyName, policyDocument})')"
[ "$out" = "$account_before" ] && pass "the account-level policies are unchanged" || fail "the account-level policies changed: $out"
out="$(aws ec2 describe-vpn-connections --vpn-connection-ids "$vpn")"
expect "tunnel 1 logs to both groups" "$t1 | .LogEnabled == true and .BgpLogEnabled == true" "$out"

# A group whose own policy leaves less room than delivery's statement needs (entries of equal length).
crowded="$(arn /vpn/lg/crowded)"
empty="$(jq -cn '{Version:"2012-10-17",Statement:[{Sid:"Other",Effect:"Allow",Principal:{Service:"es.amazonaws.com"},Action:"logs:PutLogEvents",Resource:[]}]}')"
suffix=":log-stream:s0000"
entry_len=$(( ${#crowded} + ${#suffix} + 3 ))
doc="$(jq -c --arg r "$crowded" --argjson n $(( (51200 - 100 - ${#empty}) / entry_len )) \
  '.Statement[0].Resource = [range(0; $n) | "\($r):log-stream:s\(. + 10000 | tostring | .[1:])"]' <<<"$empty")"
out="$(aws logs put-resource-policy --resource-arn "$crowded" --policy-document "$doc")"
expect "a 51,0xx-byte log-group-level policy is accepted, revision 1" ".revisionId == \"1\" and (.resourcePolicy.policyDocument | utf8bytelength) > 51000" "$out"
expect_error "enabling delivery to the crowded group is refused" InvalidParameterValue \
  aws ec2 modify-vpn-tunnel-options --vpn-connection-id "$vpn" --vpn-tunnel-outside-ip-address "$ip2" --tunnel-options \
  "$(jq -cn --arg a "$crowded" '{LogOptions:{CloudWatchLogOptions:{LogEnabled:true,LogGroupArn:$a}}}')"
grep -q "51200 bytes" "$work/err" || fail "the refusal does not name the 51,200-byte limit: $(cat "$work/err")"
out="$(aws logs describe-resource-policies --policy-scope RESOURCE --resource-arn "$crowded")"
expect "the refused change left the crowded group's policy at revision 1" '.resourcePolicies[0].revisionId == "1"' "$out"
[ "$(jq -r '.resourcePolicies[0].policyDocument' <<<"$out")" = "$doc" ] && pass "...and its document as it was" || fail "the refused change modified the crowded group's policy"
expect "...and tunnel 2 off" "$t2 | .LogEnabled == false" "$(aws ec2 describe-vpn-connections --vpn-connection-ids "$vpn")"

echo "--- expectedRevisionId guards log-group-level policies"
plain="$(arn /vpn/lg/plain)"
doc="$(aws logs describe-resource-policies --policy-scope RESOURCE --resource-arn "$plain" | jq -r '.resourcePolicies[0].policyDocument')"
AWS_MAX_ATTEMPTS=1 expect_error "replacing it without expectedRevisionId" OperationAbortedException \
  aws logs put-resource-policy --resource-arn "$plain" --policy-document "$doc"
AWS_MAX_ATTEMPTS=1 expect_error "replacing it with a stale revision" OperationAbortedException \
  aws logs put-resource-policy --resource-arn "$plain" --policy-document "$doc" --expected-revision-id 7
out="$(aws logs put-resource-policy --resource-arn "$plain" --policy-document "$doc" --expected-revision-id 1)"
expect "replacing it with the current revision gives revision 2" '.revisionId == "2" and .resourcePolicy.revisionId == "2"' "$out"
AWS_MAX_ATTEMPTS=1 expect_error "deleting it without expectedRevisionId" InvalidParameterException \
  aws logs delete-resource-policy --resource-arn "$plain"
AWS_MAX_ATTEMPTS=1 expect_error "deleting it with a stale revision" OperationAbortedException \
  aws logs delete-resource-policy --resource-arn "$plain" --expected-revision-id 1
aws logs delete-resource-policy --resource-arn "$plain" --expected-revision-id 2
expect "deleted with the current revision" '.resourcePolicies == []' "$(aws logs describe-resource-policies --policy-scope RESOURCE --resource-arn "$plain")"
stop_sandbox

echo "sandbox-awscli-test: $steps checks passed"
