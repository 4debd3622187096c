#!/usr/bin/env bash
# Builds examples/panic-app (a Rust-wasm app using errorbeacon's Rust API) for the browser
# tests: tests/browser/pages/panic-app/ gets its wasm-bindgen `--target web` output, name
# section kept so that stack frames carry Rust names.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
command -v wasm-bindgen >/dev/null 2>&1 || { echo "build-example: wasm-bindgen not found; run scripts/setup.sh" >&2; exit 1; }
cargo build --release --target wasm32-unknown-unknown -p panic-app
rm -rf tests/browser/pages/panic-app
wasm-bindgen target/wasm32-unknown-unknown/release/panic_app.wasm --target web --out-dir tests/browser/pages/panic-app --no-typescript
echo "build-example: tests/browser/pages/panic-app/ ($(wc -c < tests/browser/pages/panic-app/panic_app_bg.wasm) bytes of wasm)"
