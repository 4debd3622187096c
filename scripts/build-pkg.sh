#!/usr/bin/env bash
# Builds the npm package: its wasm into pkg/wasm/, its JS into pkg/, and prints their sizes.
#
#   scripts/build-pkg.sh [--setup] [--names]
#
#   1. cargo build --release --target wasm32-unknown-unknown --lib -p errorbeacon --features npm with
#      the pinned nightly (scripts/wasm-toolchain), std rebuilt with panic=immediate-abort, every
#      crate at opt-level 2 with LLVM's inline threshold at 15 (EB_OPT_LEVEL, EB_INLINE override),
#      a 128 KiB stack
#   2. wasm-opt -Oz (EB_WASM_OPT overrides), debug info, producers and target features stripped
#      -> pkg/wasm/errorbeacon_bg.wasm. No wasm-bindgen: the module's boundary is hand-written
#      (src/web/lean.rs, js/boundary.js).
#   3. esbuild bundles and terser minifies the JS: js/index.js (the browsers' and bundlers' entry, which
#      loads pkg/core.js with import() at init), js/core.js, js/node.js (Node/Deno/Bun) and
#      js/worker.js (Cloudflare Workers), with source maps
#   4. raw / gzip -9 / brotli -q 11 sizes of the wasm and of the browser JS (pkg/index.js and the
#      modules it imports), checked against size-limits.json (scripts/sizes.mjs --check)
#
# --setup runs scripts/setup.sh first (installs wasm-bindgen-cli, npm devDependencies, ...).
# --names also writes target/pkg/errorbeacon.names.wasm and lists its largest functions
# (scripts/wasm-funcs.mjs): where the bytes are.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac

NAMES=
for arg in "$@"; do
  case "$arg" in
    --setup) scripts/setup.sh ;;
    --names) NAMES=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "build-pkg: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

# The features rustc enables by default for wasm32-unknown-unknown, restated so that the build
# does not depend on the module's `target_features` section (stripped below). More features than
# rustc's would let wasm-opt emit instructions that rustc's target does not promise.
WASM_FEATURES=(
  --enable-bulk-memory --enable-bulk-memory-opt --enable-call-indirect-overlong --enable-multivalue
  --enable-mutable-globals --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext
)

OUT=pkg/wasm
WASM="$OUT/errorbeacon_bg.wasm"
STEP_T0=$(date +%s.%N)
step_start() { STEP_T0=$(date +%s.%N); }
step_done() {
  awk -v s="$1" -v a="$STEP_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "build-pkg: %-14s %6.1f s\n", s, b - a }'
}

for tool in wasm-opt esbuild; do
  [ -x "node_modules/.bin/$tool" ] || { echo "build-pkg: node_modules/.bin/$tool not found; run scripts/setup.sh (or pass --setup)" >&2; exit 1; }
done

# The pinned nightly rebuilds std (-Zbuild-std) with panic=immediate-abort: std's panic and
# formatting machinery, which nothing of ours reaches but std itself keeps, leaves the module.
TOOLCHAIN=$(cat scripts/wasm-toolchain)
rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1 \
  || { echo "build-pkg: toolchain $TOOLCHAIN not installed; run scripts/setup.sh (or pass --setup)" >&2; exit 1; }
TARGET_DIR=target/pkg
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/errorbeacon.wasm"

step_start
# opt-level 2 for every crate, inline threshold 15, then wasm-opt -Oz: 17,967 B gzip and a
# 25-frame capture's export in 18.7 µs (Node), against 17,843 B and 29.4 µs at "z" (its byte
# loops and copies stay calls), 18,197 / 18.9 at "s", 18,838 / 18.9 at 3, 18,508 / 17.0 with
# inline threshold 50, 20,764 / 13.9 with 100 (docs/size.md). The stack is
# 128 KiB, not rust-lld's 1 MiB: the module has no recursion and keeps its buffers in the arena
# (its deepest frames hold a few KB), and linear memory starts with the stack (docs/size.md).
# RUSTFLAGS replaces .cargo/config.toml's target rustflags, so scripts/wasm-rustflags.mjs restates them.
CARGO_PROFILE_RELEASE_OPT_LEVEL=${EB_OPT_LEVEL:-2} CARGO_PROFILE_RELEASE_PACKAGE__OPT_LEVEL=${EB_OPT_LEVEL:-2} \
RUSTFLAGS="$(node scripts/wasm-rustflags.mjs --inline-threshold "${EB_INLINE:-15}") -Zunstable-options -Cpanic=immediate-abort -Clink-arg=-zstack-size=131072" \
  cargo "+$TOOLCHAIN" build --release --target wasm32-unknown-unknown --lib -p errorbeacon --features npm \
  --target-dir "$TARGET_DIR" -Zbuild-std=std,panic_abort
step_done "cargo build"

step_start
# Remove stale outputs first so that a renamed export cannot survive in an old file.
rm -rf "$OUT"
mkdir -p "$OUT"
# shellcheck disable=SC2086 # EB_WASM_OPT may hold several passes
node_modules/.bin/wasm-opt ${EB_WASM_OPT:--Oz} "${WASM_FEATURES[@]}" --strip-debug --strip-producers \
  --strip-target-features "$RAW" -o "$WASM"
# Custom sections other than the build id would be bytes no engine reads: the build fails rather
# than ships them.
node scripts/wasm-sections.mjs --check "$WASM"
step_done "wasm-opt"
if [ -n "$NAMES" ]; then
  node_modules/.bin/wasm-opt ${EB_WASM_OPT:--Oz} -g "${WASM_FEATURES[@]}" "$RAW" -o "$TARGET_DIR/errorbeacon.names.wasm"
  node scripts/wasm-funcs.mjs "$TARGET_DIR/errorbeacon.names.wasm" 30
fi

step_start
# The browser package is two files: the entry (the page's critical path: handlers, early buffer,
# the API answering at once) and core.js, which the entry imports with `import()` at `init`.
node_modules/.bin/esbuild js/index.js --bundle --format=esm --platform=neutral --target=es2020 \
  --sourcemap --log-level=warning --external:./core.js --outfile=pkg/index.js
node_modules/.bin/esbuild js/core.js --bundle --format=esm --platform=neutral --target=es2020 \
  --sourcemap --log-level=warning --external:./offline-store.js \
  --outfile=pkg/core.js
# The IndexedDB store of `offline: true`, which core.js fetches only when that option is on.
node_modules/.bin/esbuild js/offline-store.js --bundle --format=esm --platform=neutral --target=es2020 \
  --sourcemap --log-level=warning --outfile=pkg/offline-store.js
node_modules/.bin/esbuild js/node.js --bundle --format=esm --platform=node --target=node20 \
  --sourcemap --log-level=warning --outfile=pkg/node.js
# Cloudflare Workers (`errorbeacon/worker`): the wasm stays an import, which workerd, wrangler
# and esbuild give as a `WebAssembly.Module`.
node_modules/.bin/esbuild js/worker.js --bundle --format=esm --platform=neutral --target=es2022 \
  --sourcemap --log-level=warning --external:./wasm/errorbeacon_bg.wasm --outfile=pkg/worker.js
# Minified by terser rather than esbuild's --minify: 0.5 KB gzip smaller (scripts/minify.mjs).
node scripts/minify.mjs pkg/index.js pkg/core.js pkg/offline-store.js pkg/node.js pkg/worker.js
step_done "esbuild"

node scripts/sizes.mjs --check
