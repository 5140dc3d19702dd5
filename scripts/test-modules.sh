#!/usr/bin/env bash
# make test-modules: the `terraform test` files of every module under examples/modules/, each file against a sandbox
# of its own, started with the flags of the file's "# sandbox: FLAGS" line (after fast defaults: a 200ms modify
# delay, 50ms pending delay), with this provider through dev_overrides.
#
# No `terraform init`: dev_overrides supplies the provider, and `terraform get` installs the helper modules the test
# files name (tests/setup/...), looking for no provider. Each module is copied to a temporary directory first, so that
# nothing is written into the repository.
#
# usage: scripts/test-modules.sh path/to/terraform-provider-vpnlogs [examples/modules/NAME ...]
set -euo pipefail

BIN="$(cd "$(dirname "${1:?usage: $0 path/to/terraform-provider-vpnlogs [module-dir ...]}")" && pwd)/$(basename "$1")"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib/sandbox.sh
. "$root/scripts/lib/sandbox.sh"
command -v terraform >/dev/null || { echo "test-modules: terraform is required on PATH"; exit 1; }

if [ $# -eq 0 ]; then
  set -- "$root"/examples/modules/*/
fi

work="$(mktemp -d)"
trap 'sandbox_stop; rm -rf "$work"' EXIT
use_dev_overrides "$work/dev.tfrc" "$(dirname "$BIN")"

failed=0 files=0 start=$SECONDS
for module in "$@"; do
  module="${module%/}"
  name="$(basename "$module")"
  compgen -G "$module/tests/*.tftest.hcl" >/dev/null || { echo "$name: no tests/*.tftest.hcl"; failed=1; continue; }
  cp -r "$module" "$work/$name"
  if ! (cd "$work/$name" && terraform get -no-color >"$work/$name.get.log" 2>&1); then
    cat "$work/$name.get.log"
    failed=1
    continue
  fi
  for file in "$work/$name"/tests/*.tftest.hcl; do
    test="tests/$(basename "$file")"
    files=$((files + 1))
    flags="$(sed -n 's/^# sandbox: //p' "$file" | head -1)"
    # shellcheck disable=SC2086 # the flags are words
    sandbox_start "$BIN" "$work/sandbox.log" --modify-delay 200ms --pending-delay 50ms $flags
    t0=$SECONDS
    if (cd "$work/$name" && terraform test -no-color -filter="$test" >"$work/test.log" 2>&1); then
      printf 'ok    %s %s (%ds; sandbox %s)\n' "$name" "$test" $((SECONDS - t0)) "${flags:-with no flags}"
    else
      printf 'FAIL  %s %s (sandbox %s)\n' "$name" "$test" "${flags:-with no flags}"
      sed 's/^/      /' "$work/test.log"
      failed=1
    fi
    sandbox_stop
  done
done
echo "$files test files in $((SECONDS - start))s"
exit "$failed"
