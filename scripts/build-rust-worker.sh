#!/usr/bin/env bash
# The example Rust Worker (examples/rust-worker, workers-rs) built by the real worker-build
# (cargo install worker-build, scripts/setup.sh), with the project's own esbuild, wasm-bindgen
# and wasm-opt: worker-build would download them from GitHub, which this machine cannot reach.
# Output: examples/rust-worker/build/ (index.js, the shim, index_bg.wasm), run in workerd by
# tests/worker/rust.test.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
for tool in worker-build wasm-bindgen; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-rust-worker: '$tool' is missing (run scripts/setup.sh)" >&2; exit 1; }
done
[ -x node_modules/.bin/esbuild ] && [ -x node_modules/.bin/wasm-opt ] \
  || { echo "build-rust-worker: node_modules/.bin/esbuild or wasm-opt missing (run scripts/setup.sh)" >&2; exit 1; }
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export WASM_BINDGEN_BIN
WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
cd examples/rust-worker
# Its own workspace and target dir; RUSTFLAGS as a Rust app's own build sees them.
RUSTFLAGS="" CARGO_TARGET_DIR="$ROOT/target/rust-worker" worker-build --release
echo "build-rust-worker: examples/rust-worker/build/ ($(wc -c < build/index_bg.wasm) bytes of wasm)"
