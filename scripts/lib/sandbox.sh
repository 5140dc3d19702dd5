# Shell helpers shared by scripts/demo.sh and scripts/test-modules.sh (source this file): start and stop the
# sandbox, and point Terraform at a local build of the provider.

# sandbox_start BIN LOG FLAGS...: runs `BIN sandbox` on a free loopback port with FLAGS (later flags override earlier
# ones), waits until it prints its environment, exports that environment, and sets SANDBOX_PID. Fails with the
# sandbox's output on standard error when it does not start within 10 seconds.
sandbox_start() {
  local bin="$1" log="$2"
  shift 2
  "$bin" sandbox --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  SANDBOX_PID=$!
  for _ in $(seq 1 100); do
    grep -q '^export AWS_ENDPOINT_URL=' "$log" 2>/dev/null && break
    sleep 0.1
  done
  if ! grep -q '^export AWS_ENDPOINT_URL=' "$log"; then
    cat "$log" >&2
    echo "the sandbox did not start" >&2
    return 1
  fi
  eval "$(grep '^export ' "$log")"
}

# sandbox_stop: stops the sandbox sandbox_start started, if it runs.
sandbox_stop() {
  if [ -n "${SANDBOX_PID:-}" ]; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
    SANDBOX_PID=""
  fi
}

# use_dev_overrides RCFILE BINDIR: writes a Terraform CLI configuration that takes vpnlogs/vpnlogs from BINDIR and
# exports it as TF_CLI_CONFIG_FILE. With it, plan, apply and test work without `terraform init`, which would ask
# registry.terraform.io for vpnlogs/vpnlogs and fail offline.
use_dev_overrides() {
  cat >"$1" <<RC
provider_installation {
  dev_overrides {
    "vpnlogs/vpnlogs" = "$2"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$1" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
}
