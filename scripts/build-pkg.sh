#!/usr/bin/env bash
# Builds the npm package's wasm into pkg/wasm/ and prints its size.
#
#   scripts/build-pkg.sh [--setup]
#
#   1. cargo build --release --target wasm32-unknown-unknown --lib -p errorbeacon --features npm
#   2. wasm-bindgen --target web  -> pkg/wasm/errorbeacon.js, errorbeacon.d.ts, errorbeacon_bg.wasm(.d.ts)
#   3. wasm-opt -O2 (npm binaryen 132) in place on errorbeacon_bg.wasm; drops the name section too.
#      -O2 measured the same size as -Oz on this module (21.5 KB gzip) and ~10% faster parsing.
#   4. esbuild bundles and minifies the JS entry points (js/index.js for browsers and bundlers,
#      js/node.js for Node/Deno/Bun, each with wasm-bindgen's glue inlined) into pkg/index.js and
#      pkg/node.js, with source maps: -2.3 KB gzip against shipping the sources as they are
#   5. raw / gzip -9 / brotli -q 11 sizes of the wasm and of the browser glue (pkg/index.js and the
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
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build-pkg: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

# The features rustc 1.95 enables by default for wasm32-unknown-unknown. binaryen 132 also reads them from
# the module's `target_features` section (which wasm-bindgen keeps), so today these flags only restate
# it; they make the build independent of that section (`strip = true` or another tool dropping it).
# Without the section, each of these is needed by our module: memory.copy/fill (bulk-memory-opt),
# multi-value returns (multivalue), a second table for wasm-bindgen's externrefs (reference-types), ...
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

command -v wasm-bindgen >/dev/null 2>&1 || { echo "build-pkg: wasm-bindgen not found; run scripts/setup.sh (or pass --setup)" >&2; exit 1; }
[ -x node_modules/.bin/wasm-opt ] || { echo "build-pkg: node_modules/.bin/wasm-opt not found; run scripts/setup.sh (or pass --setup)" >&2; exit 1; }

step_start
cargo build --release --target wasm32-unknown-unknown --lib -p errorbeacon --features npm
step_done "cargo build"

step_start
# Remove stale outputs first so that a renamed export cannot survive in an old file.
rm -rf "$OUT"
wasm-bindgen target/wasm32-unknown-unknown/release/errorbeacon.wasm \
  --target web --out-dir "$OUT" --out-name errorbeacon
step_done "wasm-bindgen"

step_start
# Without -g, wasm-opt drops the name section; the producers and target_features sections are
# metadata that no engine reads, so they go too (~260 bytes).
node_modules/.bin/wasm-opt -O2 "${WASM_FEATURES[@]}" --strip-producers --strip-target-features "$WASM" -o "$WASM"
step_done "wasm-opt -O2"

step_start
[ -x node_modules/.bin/esbuild ] || { echo "build-pkg: node_modules/.bin/esbuild not found; run scripts/setup.sh (or pass --setup)" >&2; exit 1; }
node_modules/.bin/esbuild js/index.js --bundle --format=esm --platform=neutral --target=es2020 --minify \
  --sourcemap --log-level=warning --log-override:duplicate-object-key=silent --outfile=pkg/index.js
node_modules/.bin/esbuild js/node.js --bundle --format=esm --platform=node --target=node20 --minify \
  --sourcemap --log-level=warning --log-override:duplicate-object-key=silent --outfile=pkg/node.js
# The glue is inside the bundles now; only the wasm stays beside them. wasm-bindgen lists
# js/bridge.js once per extern block in its import object: same module, so the duplicate-key
# warning is silenced.
rm -rf "$OUT/errorbeacon.js" "$OUT/errorbeacon.d.ts" "$OUT/errorbeacon_bg.wasm.d.ts" "$OUT/snippets"
step_done "esbuild"

node scripts/sizes.mjs
