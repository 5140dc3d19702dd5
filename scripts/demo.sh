#!/usr/bin/env bash
# make demo: the product's story on a local sandbox, in eight short acts — permissions checked first, the
# resource-policy wall caught at plan time, logging enabled on a fleet with the vpn-logging module (adopting what
# already logs), each tunnel's health with its root cause, the setup tool's doctor, a drift check, and the cost.
#
# Each act prints its command, the essential output (plans summarised by demo/summarize.sh) and one line on what it
# proved. Plain text unless standard output is a terminal (and NO_COLOR is unset). Needs terraform, jq and curl.
#
# usage: scripts/demo.sh path/to/terraform-provider-vpnlogs
set -euo pipefail

BIN="$(cd "$(dirname "${1:?usage: $0 path/to/terraform-provider-vpnlogs}")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib/sandbox.sh
. "$root/scripts/lib/sandbox.sh"
# shellcheck source=demo/summarize.sh
. "$root/demo/summarize.sh"
for tool in terraform jq curl; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is required on PATH"; exit 1; }
done

work="$root/demo/.work"
rm -rf "$work" && mkdir -p "$work"
# The sandbox starts empty every time, so the configurations start without state.
rm -rf "$root"/demo/{wall,fleet}/{.terraform,terraform.tfstate,terraform.tfstate.backup}
trap sandbox_stop EXIT

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' off=$'\033[0m'; else bold="" off=""; fi
acts=0
act() { acts=$((acts + 1)); printf '\n%s%d. %s%s\n\n' "$bold" "$acts" "$*" "$off"; }
cmd() { printf '%s$ %s\n' "${2:-}" "$1"; }
proved() { printf '\n-> %s\n' "$*"; }
tf() { local dir="$1"; shift; terraform -chdir="$root/demo/$dir" "$@" -no-color 2>&1; }
calls() { sandbox_stats | jq -r --arg s "$1" --arg a "$2" '.[$s][$a] // 0'; }

limit=700 # the account-level policy limit of this sandbox: AWS's 5,120, scaled down so that six log groups hit it
group_arn="arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/demo"
export TF_VAR_resource_policy_size_limit=$limit
use_dev_overrides "$work/dev.tfrc" "$(dirname "$BIN")"

echo "vpnlogs: Site-to-Site VPN tunnel logging to CloudWatch Logs, checked at plan time, with each tunnel's health."

act "A local AWS: the sandbox and its demo fleet"
cmd "terraform-provider-vpnlogs sandbox --seed-demo --policy-size-limit $limit"
sandbox_start "$BIN" "$work/sandbox.log" --seed-demo --policy-size-limit "$limit" --modify-delay 2s
sed -n '/^demo fleet/,/^log groups/p' "$work/sandbox.log" | grep -v -e '^virtual private gateway' -e '^IAM role'
proved "Three connections, six tunnels, none logging yet, behind the real EC2, CloudWatch Logs, STS and IAM APIs."

act "Permissions, checked before anything changes"
curl -fsS -X POST "$AWS_ENDPOINT_URL/_sandbox/deny" -d '{"deny_actions":["logs:CreateLogDelivery"]}' >/dev/null
echo "(The caller loses logs:CreateLogDelivery. demo/fleet enables logging on the whole fleet with the module.)"
cmd "terraform plan" "demo/fleet"
(cd "$root/demo/fleet" && terraform get -no-color >/dev/null) # installs the module; no terraform init
tf fleet plan >"$work/permissions.out" || true
tf_summary "Check block assertion failed" "the module's checks" <"$work/permissions.out"
curl -fsS -X POST "$AWS_ENDPOINT_URL/_sandbox/deny" -d '{"deny_actions":[]}' >/dev/null
proved "The plan failed on the one missing action, with the policy to attach; ModifyVpnTunnelOptions calls: $(calls ec2 ModifyVpnTunnelOptions)."

act "The resource-policy wall, caught at plan time"
echo "(demo/wall gives every tunnel its own log group outside /aws/vendedlogs/: each grows the account-wide policy.)"
cmd "terraform plan" "demo/wall"
tf wall plan >"$work/wall.out" || true
tf_summary <"$work/wall.out"
proved "$(grep -c '^Error:' "$work/wall.out") error for the plan's 6 log groups and 6 tunnels, exact per group, before any change; ModifyVpnTunnelOptions calls: $(calls ec2 ModifyVpnTunnelOptions)."

act "Logging on the fleet with the module; tunnels that already log are adopted"
echo "(Someone enabled logging on the prod connection by hand, with the setup tool.)"
cmd "terraform-provider-vpnlogs enable --vpn-connection-id vpn-0123456789abcdef0 --log-group-arn $group_arn --policy-size-limit $limit --yes"
"$BIN" enable --vpn-connection-id vpn-0123456789abcdef0 --log-group-arn "$group_arn" --policy-size-limit "$limit" --yes 2>/dev/null | grep '^Done'
served="$(sandbox_requests | jq length)"
cmd "terraform apply" "demo/fleet"
tf fleet apply -auto-approve | tf_summary 'Check block assertion failed' "the module's check naming the unhealthy tunnels (act 5)"
apply_calls="$(sandbox_requests | jq --argjson n "$served" '.[$n:]')"
echo "adopted without a change: $(tf fleet output -json adopted_tunnel_ids | jq -r 'join(", ")')"
proved "Six tunnels in the plan, $(jq '[.[] | select(.action == "ModifyVpnTunnelOptions")] | length' <<<"$apply_calls") changed (one per connection at a time); prod's two, already logging, were not interrupted."

act "Each tunnel's health, from its logs, with the root cause"
cmd "terraform output -json tunnel_health | (table)" "demo/fleet"
tf fleet output -json tunnel_health | health_table
proved "The root cause, not the latest symptom: the staging tunnels log timeouts and authentication failures, and the cause is their pre-shared key."

act "The setup tool's doctor on the same fleet"
cmd "terraform-provider-vpnlogs doctor --all --policy-size-limit $limit"
served="$(sandbox_requests | jq length)"
"$BIN" doctor --all --policy-size-limit "$limit" || true
doctor_calls="$(sandbox_requests | jq --argjson n "$served" '.[$n:]')"
proved "Configuration, permissions, the policy budget and every tunnel in one command, unhealthy tunnels grouped by root cause."

act "A drift check: nothing changed, so nothing is planned"
cmd "terraform plan -detailed-exitcode" "demo/fleet"
code=0
tf fleet plan -detailed-exitcode >"$work/drift.out" || code=$?
tf_summary 'Check block assertion failed' "the module's check naming the unhealthy tunnels" <"$work/drift.out"
echo "exit code $code"
proved "Health is read during plan, outside the check block: the plan is empty (exit $code) and the check still warns."

act "What it cost: the AWS calls of act 4's apply, counted by the sandbox"
cmd 'curl -s $AWS_ENDPOINT_URL/_sandbox/requests | (table)'
# Reads of the fleet come before the first tunnel change (the plan's and the apply's); polls after it.
jq -r --argjson tunnels 6 --argjson changing 2 '
  (map(.action == "ModifyVpnTunnelOptions") | index(true) // length) as $first
  | def count($a): [.[] | select(.action == $a)] | length;
  (.[:$first] | count("DescribeVpnConnections")) as $reads | (.[$first:] | count("DescribeVpnConnections")) as $polls
  | ["CALL", "THIS RUN", "PER TUNNEL", "WHAT IT COUNTS (PER TUNNEL: A TOOL THAT READS, CHANGES AND POLLS EACH TUNNEL ON ITS OWN)"],
    ["DescribeVpnConnections", $reads, $tunnels * $reads, "reads of the fleet: 1 per plan and per apply for all \($tunnels) tunnels"],
    ["DescribeVpnConnections", $polls, $polls * $changing, "polls until the connections are available: 1 per tick for the \($changing) changing at once"],
    ["ModifyVpnTunnelOptions", count("ModifyVpnTunnelOptions"), $tunnels, "tunnel changes: the adopted tunnels needed none"],
    ["FilterLogEvents", count("FilterLogEvents"), $tunnels * 2, "health reads: 1 per log group for all its tunnels (per tunnel: 1 per tunnel and log)"]
  | @tsv' <<<"$apply_calls" | awk -F'\t' '{ printf "  %-23s %8s %10s  %s\n", $1, $2, $3, $4 }'
echo
echo "The checks cost the same for any fleet: $(jq -r '[.[] | select(.action == "SimulatePrincipalPolicy" or .action == "DescribeResourcePolicies")] | group_by(.action) | map("\(.[0].action) \(length)") | join(", ")' <<<"$apply_calls") (plan and apply)."
echo "doctor --all (act 6) made $(jq length <<<"$doctor_calls") AWS calls for 6 tunnels, $(jq '[.[] | select(.action == "FilterLogEvents")] | length' <<<"$doctor_calls") of them FilterLogEvents."
proved "Reads and polls are shared by the fleet, health is read once per log group, and adopted tunnels cost no change."

printf '\nDemo complete in %ds. The configurations: demo/fleet, demo/wall; the module: examples/modules/vpn-logging.\n' "$SECONDS"
