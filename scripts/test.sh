#!/usr/bin/env bash
# The test command: installs what is missing, then runs every check and prints a summary.
#
#   scripts/test.sh
#
# Steps: setup.sh, cargo fmt --check, cargo clippy (-D warnings), cargo test (host, the inbox's
# tests included), the binding's wasm-bindgen-tests in Chromium and Firefox, a bounded fuzz run of
# every target (scripts/fuzz.sh 30), the inbox UI in
# Chromium (node --test tests/inbox/), the Rust-wasm app size check (bench/rust-app), build-pkg.sh
# (which checks the package's sizes against size-limits.json), the example app (build-example.sh,
# used by the Node and browser tests), node --test tests/node/ (Node, and Deno and Bun as child
# processes), tests/worker/ (errorbeacon/worker and the Rust Worker in workerd), the browser tests.
# A failing step does not stop the independent ones after it (so one run shows
# every problem), but steps that need its output are skipped. Exit status is non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
# The Rust tests validate events with Relay's normalizer from this venv (installed by setup.sh).
export ERRORBEACON_PYTHON="$PWD/.venv/bin/python"

SUMMARY=()
FAILED=0
T0=$(date +%s.%N)

# run_step <name> <command...>: runs the command, records PASS/FAIL and its time; returns its status.
run_step() {
  local name=$1; shift
  local t0 rc
  echo
  echo "=== $name: $*"
  t0=$(date +%s.%N)
  set +e
  "$@"
  rc=$?
  set -e
  local secs; secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if [ "$rc" -eq 0 ]; then
    SUMMARY+=("$(printf 'PASS  %-22s %7s s' "$name" "$secs")")
  else
    SUMMARY+=("$(printf 'FAIL  %-22s %7s s  (exit %d)' "$name" "$secs" "$rc")")
    FAILED=1
  fi
  return "$rc"
}
skip_step() { SUMMARY+=("$(printf 'SKIP  %-22s %9s  (%s)' "$1" "" "$2")"); }

print_summary() {
  local total; total=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  echo
  echo "=== summary"
  printf '%s\n' "${SUMMARY[@]}"
  if [ "$FAILED" -eq 0 ]; then
    echo "ALL PASSED in $total s"
  else
    echo "FAILED (total $total s)"
  fi
}

if ! run_step "setup" scripts/setup.sh; then
  skip_step "everything else" "setup failed"
  print_summary
  exit 1
fi

run_step "cargo fmt --check" cargo fmt --all --check || true
run_step "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings || true
run_step "cargo clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings || true
run_step "cargo clippy (wasm32, npm)" cargo clippy --target wasm32-unknown-unknown --lib --features npm -- -D warnings || true
run_step "cargo clippy (wasm32, worker)" cargo clippy --target wasm32-unknown-unknown --lib --features worker -- -D warnings || true
run_step "cargo test (host)" cargo test --workspace --features demangle || true
run_step "wasm-bindgen-test" scripts/test-wasm.sh || true
# A bounded coverage-guided run of every fuzz target (fuzz/, issue 28); a crash fails CI and is
# kept under tests/fuzz-regressions/ for `cargo test`.
run_step "fuzz (30 s per target)" scripts/fuzz.sh 30 || true
# The inbox's web UI in headless Chromium, against the debug binary cargo test built.
if run_step "build inbox" cargo build -p errorbeacon-inbox; then
  run_step "inbox UI (Chromium)" node --test tests/inbox/ || true
else
  skip_step "inbox UI (Chromium)" "build inbox failed"
fi
# The example Rust-wasm app (examples/panic-app) is used by Node and browser tests alike.
# What the crate adds to a minimal Rust-wasm app, against its limit in size-limits.json.
run_step "size: Rust-wasm app" node bench/rust-app/measure.mjs --check || true
if run_step "build-pkg" scripts/build-pkg.sh; then
  if run_step "build example app" scripts/build-example.sh; then
    run_step "node --test" node --test tests/node/ || true
    # errorbeacon/worker in workerd (no flag, nodejs_als, nodejs_compat).
    run_step "workerd" node --test tests/worker/ || true
    run_step "browsers (Chromium, Firefox, WebKit)" node --test tests/browser/ || true
  else
    skip_step "node --test" "build-example failed"
    skip_step "workerd" "build-example failed"
    skip_step "browsers (Chromium, Firefox, WebKit)" "build-example failed"
  fi
else
  skip_step "build example app" "build-pkg failed"
  skip_step "node --test" "build-pkg failed"
  skip_step "workerd" "build-pkg failed"
  skip_step "browsers (Chromium, Firefox, WebKit)" "build-pkg failed"
fi

print_summary
exit "$FAILED"
