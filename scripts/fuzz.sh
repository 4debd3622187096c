#!/usr/bin/env bash
# Coverage-guided fuzzing (issue 28) with cargo-fuzz on the pinned nightly the build already
# installs: every target in fuzz/fuzz_targets for SECONDS each (default 60; CI runs a bounded
# run through scripts/test.sh), seeded from the fixtures (tools/fuzz-seeds.mjs). A crash or a
# timeout fails the run; its input is copied to tests/fuzz-regressions/<target>/, where
# tests/fuzz_regressions.rs (stable) runs it through the same check (fuzz/checks.rs).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_EACH=${1:-60}
shift || true
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac
command -v cargo-fuzz >/dev/null 2>&1 || { echo "fuzz: cargo-fuzz is missing (run scripts/setup.sh)" >&2; exit 1; }
TOOLCHAIN=$(cat scripts/wasm-toolchain)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || mapfile -t TARGETS < <(cd fuzz/fuzz_targets && ls ./*.rs | sed 's|^\./||; s|\.rs$||')

CORPUS=target/fuzz-corpus
node tools/fuzz-seeds.mjs "$CORPUS"
cd fuzz
cargo "+$TOOLCHAIN" fuzz build -O
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "$ROOT/$CORPUS/$t" "artifacts/$t"
  echo "--- fuzz $t: ${SECONDS_EACH} s"
  # -timeout: no single input may take a second (the work bound per byte is checked inside).
  if ! cargo "+$TOOLCHAIN" fuzz run -O "$t" "$ROOT/$CORPUS/$t" -- -max_total_time="$SECONDS_EACH" -timeout=1 \
      -rss_limit_mb=2048 -print_final_stats=1 2> "$ROOT/target/fuzz-$t.log"; then
    status=1
    tail -40 "$ROOT/target/fuzz-$t.log" >&2
    mkdir -p "$ROOT/tests/fuzz-regressions/$t"
    for f in artifacts/"$t"/*; do
      [ -f "$f" ] && cp "$f" "$ROOT/tests/fuzz-regressions/$t/" && echo "fuzz: kept $f in tests/fuzz-regressions/$t/" >&2
    done
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|cov: " "$ROOT/target/fuzz-$t.log" | tail -3 || true
done
exit $status
