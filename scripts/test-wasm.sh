#!/usr/bin/env bash
# The binding's own tests (src/web/tests.rs) with wasm-bindgen-test in real engines: headless
# Chromium (Debian's chromedriver) and Firefox ESR (geckodriver from crates.io), as a Rust app's
# module sees the crate (no `npm` feature: the npm module's boundary is tested from JS, in
# tests/node/ and tests/browser/).
# The runner is set in .cargo/config.toml; scripts/setup.sh installs the drivers.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac

for tool in wasm-bindgen-test-runner chromedriver geckodriver; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-wasm: '$tool' is missing (run scripts/setup.sh)" >&2; exit 1; }
done

# The runner picks the browser from whichever driver variable is set: set exactly one per run.
run() {
  local browser=$1; shift
  echo "--- wasm-bindgen-test in $browser: cargo test --target wasm32-unknown-unknown --lib $*"
  case "$browser" in
    chromium) env -u GECKODRIVER CHROMEDRIVER="$(command -v chromedriver)" cargo test --target wasm32-unknown-unknown --lib "$@" ;;
    firefox) env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" cargo test --target wasm32-unknown-unknown --lib "$@" ;;
  esac
}

run chromium
run firefox
