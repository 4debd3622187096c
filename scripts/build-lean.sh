#!/usr/bin/env bash
# Builds the lean npm module (issue 25: feature `lean`, src/web/lean.rs) beside the shipped one,
# and prints its size: what the new core weighs as it grows, before the binding switches to it.
#
#   scripts/build-lean.sh [--names] [--check]
#
# Same toolchain as scripts/build-pkg.sh (the pinned nightly, -Zbuild-std, panic=immediate-abort),
# every crate at opt-level "z", wasm-opt -Oz. Output: target/lean/lean.wasm (not shipped).
# Its stack is 128 KiB, not rust-lld's 1 MiB: the lean path has no recursion and keeps its
# buffers in the arena (its deepest frames hold a few KB), and linear memory starts with the
# stack: 1,216 -> 320 KiB under tests/node/lean-capture.test.mjs's workload (issue 25's aim: 512).
# --names also writes target/lean/lean.names.wasm and lists its largest functions
# (scripts/wasm-funcs.mjs). --check fails when the gzip size passes `leanWasm.limit` in
# size-limits.json (scripts/test.sh runs it, so CI holds the lean module to its ratchet).
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
[ -x node_modules/.bin/wasm-opt ] || { echo "build-lean: node_modules/.bin/wasm-opt not found; run scripts/setup.sh" >&2; exit 1; }
TOOLCHAIN=$(cat scripts/wasm-toolchain)
FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-call-indirect-overlong --enable-multivalue
  --enable-mutable-globals --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext)
CARGO_PROFILE_RELEASE_OPT_LEVEL=${EB_OPT_LEVEL:-z} CARGO_PROFILE_RELEASE_PACKAGE__OPT_LEVEL=${EB_OPT_LEVEL:-z} \
RUSTFLAGS="$(node scripts/wasm-rustflags.mjs --inline-threshold ${EB_INLINE:-15}) -Zunstable-options -Cpanic=immediate-abort -Clink-arg=-zstack-size=131072" \
  cargo "+$TOOLCHAIN" build -q --release --target wasm32-unknown-unknown --lib -p errorbeacon --features lean \
  --target-dir target/lean -Zbuild-std=std,panic_abort
RAW=target/lean/wasm32-unknown-unknown/release/errorbeacon.wasm
node_modules/.bin/wasm-opt ${EB_WASM_OPT:--Oz} "${FEATURES[@]}" --strip-debug --strip-producers --strip-target-features "$RAW" -o target/lean/lean.wasm
GZ=$(node -e 'process.stdout.write(String(require("zlib").gzipSync(require("fs").readFileSync("target/lean/lean.wasm"), { level: 9 }).length))')
echo "build-lean: target/lean/lean.wasm $(wc -c < target/lean/lean.wasm) B raw, $GZ B gzip -9"
for arg in "$@"; do
  case "$arg" in
    --names)
      node_modules/.bin/wasm-opt -Oz -g "${FEATURES[@]}" "$RAW" -o target/lean/lean.names.wasm
      node scripts/wasm-funcs.mjs target/lean/lean.names.wasm 30
      ;;
    --check)
      LIMIT=$(node -e 'process.stdout.write(String(require("./size-limits.json").leanWasm.limit))')
      if [ "$GZ" -gt "$LIMIT" ]; then
        echo "build-lean: FAIL: $GZ B gzip is over the limit of $LIMIT B (size-limits.json leanWasm)" >&2
        exit 1
      fi
      echo "build-lean: within the limit of $LIMIT B ($((LIMIT - GZ)) B to spare)"
      ;;
    *) echo "build-lean: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
