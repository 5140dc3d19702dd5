#!/usr/bin/env bash
# make demo: a local sandbox with a demo fleet, this provider through dev_overrides, and the story the product
# exists for — permissions checked first, the resource-policy wall caught at plan time, logging enabled the right
# way, and each tunnel's health read back from its logs.
#
# usage: scripts/demo.sh path/to/terraform-provider-vpnlogs
set -euo pipefail

BIN="$(cd "$(dirname "${1:?usage: $0 path/to/terraform-provider-vpnlogs}")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/demo/.work"
command -v terraform >/dev/null || { echo "demo: terraform is required on PATH"; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cp "$root"/demo/*.tf "$work/"

act() { printf '\n\033[1m=== %s\033[0m\n\n' "$*"; }
sandbox_pid=""
cleanup() { [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

act "The sandbox: a local AWS with a demo fleet of three VPN connections"
# A 700-character policy limit (AWS's is 5,120) lets six per-tunnel groups show the wall that ~60 would hit on AWS.
"$BIN" sandbox --listen 127.0.0.1:0 --seed-demo --policy-size-limit 700 --modify-delay 2s --traffic-interval 10s \
  >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do grep -q '^export AWS_ENDPOINT_URL=' "$work/sandbox.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^export AWS_ENDPOINT_URL=' "$work/sandbox.log" || { cat "$work/sandbox.log"; echo "demo: the sandbox did not start"; exit 1; }
eval "$(grep '^export ' "$work/sandbox.log")"
sed -n '/^demo fleet/,/^log groups/p' "$work/sandbox.log"

cat >"$work/dev.tfrc" <<RC
provider_installation {
  dev_overrides {
    "vpnlogs/vpnlogs" = "$(dirname "$BIN")"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
# The provider checks the plan against this limit; it must match the sandbox's --policy-size-limit.
export TF_VAR_resource_policy_size_limit=700
tf() { (cd "$work" && terraform "$@" -no-color 2>&1 | grep -v -e 'Provider development overrides' -e 'following provider development' -e ' - vpnlogs/vpnlogs in' -e 'behavior may therefore not match' -e 'applying changes may cause' -e 'releases\.$' -e '^configuration:$' -e 'Warning: Provider development'); }
stat() { curl -fsS "$AWS_ENDPOINT_URL/_sandbox/stats" | python3 -c "import json,sys; s=json.load(sys.stdin); print(s.get('$1',{}).get('$2',0))"; }

act "Who may enable logging? The least-privilege policy, and a check of the caller"
"$BIN" policy --pretty
"$BIN" policy check || true

act "The wall: a log group per tunnel outside /aws/vendedlogs/ would overflow the account's resource policy"
echo "\$ terraform plan -var per_tunnel_log_groups=true"
if tf plan -var per_tunnel_log_groups=true; then echo "demo: expected the plan to fail"; exit 1; fi
echo
echo "Caught at plan time: ModifyVpnTunnelOptions calls so far = $(stat ec2 ModifyVpnTunnelOptions); nothing was half-done."

act "The fix: one /aws/vendedlogs/ group — plan and apply (tunnels of a connection change one at a time)"
echo "\$ terraform apply -auto-approve"
tf apply -auto-approve | grep -v -e '^data\.' -e 'Reading\.\.\.' -e 'Read complete'

act "Health of every tunnel, from its logs"
tf output
echo
echo "\$ terraform-provider-vpnlogs health --all"
"$BIN" health --all || true

act "What it cost"
curl -fsS "$AWS_ENDPOINT_URL/_sandbox/stats" | python3 -c '
import json, sys
for service, actions in sorted(json.load(sys.stdin).items()):
    print(f"{service:5} " + ", ".join(f"{a} {n}" for a, n in sorted(actions.items())))'
echo
echo "Demo complete. The working directory is $work; run again with: make demo"
