#!/usr/bin/env bash
# Builds the npm package's wasm into pkg/wasm/ and prints its size.
#
#   scripts/build-pkg.sh [--setup]
#
#   1. cargo build --release --target wasm32-unknown-unknown --lib -p errorbeacon --features npm, and again
#      with --features npm,opt-in (the variant a default init does not fetch: Cargo.toml)
#   2. wasm-opt (npm binaryen 132; the level in scripts/wasm-opt-level), then the functions laid out
#      in the order that gzips smallest (scripts/wasm-order.mjs) -> pkg/wasm/errorbeacon_bg.wasm
#      and pkg/wasm/errorbeacon_opt_in_bg.wasm;
#      drops the name section too. No wasm-bindgen: the module's boundary is hand-written
#      (src/web/abi.rs, js/glue.js).
#   3. esbuild bundles and terser minifies the JS: js/index.js (the browsers' and bundlers' entry, which
#      loads pkg/core.js with import() at init), js/core.js and js/node.js (Node/Deno/Bun), the
#      last two with the glue inlined, with source maps: -2.3 KB gzip against shipping the sources as they are
#   4. raw / gzip -9 / brotli -q 11 sizes of the wasm and of the browser glue (pkg/index.js and the
#      modules it imports), via scripts/sizes.mjs
#
# --setup runs scripts/setup.sh first (installs wasm-bindgen-cli, npm devDependencies, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac

for arg in "$@"; do
  case "$arg" in
    --setup) scripts/setup.sh ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "build-pkg: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

# The features rustc 1.95 enables by default for wasm32-unknown-unknown. binaryen 132 also reads them from
# the module's `target_features` section (which rustc writes), so today these flags only restate
# it; they make the build independent of that section (`strip = true` or another tool dropping it).
# Without the section, each of these is needed by our module: memory.copy/fill (bulk-memory-opt),
# multi-value returns (multivalue), call_indirect encodings (reference-types), ...
# More features than rustc's would let wasm-opt emit instructions that rustc's target does not promise.
WASM_FEATURES=(
  --enable-bulk-memory --enable-bulk-memory-opt --enable-call-indirect-overlong --enable-multivalue
  --enable-mutable-globals --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext
)

OUT=pkg/wasm
WASM="$OUT/errorbeacon_bg.wasm"
T0=$(date +%s.%N)
STEP_T0=$T0
step_start() { STEP_T0=$(date +%s.%N); }
step_done() {
  awk -v s="$1" -v a="$STEP_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "build-pkg: %-14s %6.1f s\n", s, b - a }'
}

[ -x node_modules/.bin/wasm-opt ] || { echo "build-pkg: node_modules/.bin/wasm-opt not found; run scripts/setup.sh (or pass --setup)" >&2; exit 1; }

# The npm module is built with a pinned nightly that rebuilds std for it (-Zbuild-std) with
# panic=immediate-abort: std's panic and formatting machinery, which no caller of ours can reach
# but std itself keeps, leaves the module (docs/size.md). The toolchain date lives in
# scripts/wasm-toolchain, which setup.sh installs with rust-src. EB_STABLE=1 builds with the
# stable toolchain and std as shipped instead (for comparison), EB_OPT_LEVEL overrides the opt-level.
TOOLCHAIN=$(cat scripts/wasm-toolchain)
TARGET_DIR=target/pkg
# The third field is the rest of the line: wasm-opt's passes, split into words below.
read -r OPT_LEVEL INLINE WASM_OPT_LEVEL < <(grep -v "^#" scripts/wasm-opt-level)
OPT_LEVEL=${EB_OPT_LEVEL:-$OPT_LEVEL}
INLINE=${EB_INLINE:-$INLINE}
WASM_OPT_LEVEL=${EB_WASM_OPT:-$WASM_OPT_LEVEL}
if [ -z "${EB_STABLE:-}" ]; then
  rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1 \
    || { echo "build-pkg: toolchain $TOOLCHAIN not installed; run scripts/setup.sh (or pass --setup)" >&2; exit 1; }
fi

# cargo build with the crate features "$1" (comma-separated); the module is left in $RAW.
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/errorbeacon.wasm"
cargo_build() {
  if [ -n "${EB_STABLE:-}" ]; then
    CARGO_PROFILE_RELEASE_OPT_LEVEL=$OPT_LEVEL cargo build --release --target wasm32-unknown-unknown --lib \
      -p errorbeacon --features "$1" --target-dir "$TARGET_DIR"
  else
    # RUSTFLAGS replaces .cargo/config.toml's target rustflags, so they are restated here.
    CARGO_PROFILE_RELEASE_OPT_LEVEL=$OPT_LEVEL \
    RUSTFLAGS="$(node scripts/wasm-rustflags.mjs --inline-threshold "$INLINE") -Zunstable-options -Cpanic=immediate-abort --cfg eb_speed" \
      cargo "+$TOOLCHAIN" build --release --target wasm32-unknown-unknown --lib -p errorbeacon --features "$1" \
      --target-dir "$TARGET_DIR" -Zbuild-std=std,panic_abort
  fi
}

# $RAW optimized into "$1". The module has no wasm-bindgen (its boundary is js/glue.js and
# src/web/abi.rs): it goes straight to wasm-opt, run with its names kept (-g) for
# scripts/wasm-order.mjs, which picks the order of the functions that gzips smallest and writes
# it into the name section; a second wasm-opt moves them there (renumbering calls, exports and
# the table), repeats the StackIR optimizations the optimizing run applied on writing, and drops
# the names. The producers and target_features sections are metadata that no engine reads, so
# they go too (~260 bytes).
optimize() {
  local ordered="$TARGET_DIR/errorbeacon.ordered.wasm"
  # shellcheck disable=SC2086 # several passes
  node_modules/.bin/wasm-opt $WASM_OPT_LEVEL -g --strip-dwarf "${WASM_FEATURES[@]}" "$RAW" -o "$ordered"
  node scripts/wasm-order.mjs "$ordered" "$ordered"
  node_modules/.bin/wasm-opt --reorder-functions-by-name --optimize-level=3 --shrink-level=0 \
    --generate-stack-ir --optimize-stack-ir "${WASM_FEATURES[@]}" --strip-producers --strip-target-features \
    "$ordered" -o "$1"
  # Custom sections other than these would be bytes no engine reads (wasm-bindgen's
  # descriptors, were any left): the build fails rather than ships them.
  node scripts/wasm-sections.mjs --check "$1"
}

# Remove stale outputs first so that a renamed export cannot survive in an old file.
rm -rf "$OUT"
mkdir -p "$OUT"
# Two variants (Cargo.toml's `opt-in`): the module a default `init` fetches, and the one with the
# parts only opt-in options reach (beforeSend, offline, ignoreErrors/denyUrls/allowUrls), which
# js/core.js fetches instead when init is given one of them, and js/node.js always loads.
# The crate is compiled again for each (a few seconds: std and the dependencies are shared).
# rustc's output of each is kept beside (target/pkg/errorbeacon.{default,opt-in}.raw.wasm): what
# docs/size.md's profiling starts from.
step_start
cargo_build npm
cp "$RAW" "$TARGET_DIR/errorbeacon.default.raw.wasm"
step_done "cargo build"
step_start
optimize "$WASM"
step_done "wasm-opt $WASM_OPT_LEVEL"
step_start
cargo_build npm,opt-in
cp "$RAW" "$TARGET_DIR/errorbeacon.opt-in.raw.wasm"
step_done "cargo build (opt-in)"
step_start
optimize "$OUT/errorbeacon_opt_in_bg.wasm"
step_done "wasm-opt (opt-in)"

step_start
[ -x node_modules/.bin/esbuild ] || { echo "build-pkg: node_modules/.bin/esbuild not found; run scripts/setup.sh (or pass --setup)" >&2; exit 1; }
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
# Minified by terser rather than esbuild's --minify: 0.5 KB gzip smaller (scripts/minify.mjs).
node scripts/minify.mjs pkg/index.js pkg/core.js pkg/offline-store.js pkg/node.js
step_done "esbuild"

node scripts/sizes.mjs --check
