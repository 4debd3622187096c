#!/usr/bin/env bash
# The bench command: rebuilds pkg/, measures stack-parsing throughput of errorbeacon against
# @sentry/browser and error-stack-parser in one Node process, capture speed and cold start in browsers, the
# Worker bundle and its startup in workerd beside @sentry/cloudflare and toucan-js, and the
# inbox's ingest beside Bugsink (scripts/bench-inbox.sh), and writes BENCHMARKS.md.
#
#   scripts/bench.sh [--setup] [--rounds N] [--round-ms MS]
#
# --setup runs scripts/setup.sh first; the other options go to bench/parse.mjs (defaults: 5 rounds of >= 1000 ms).
set -euo pipefail
cd "$(dirname "$0")/.."

build_args=()
bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --setup) build_args+=(--setup) ;;
    --rounds|--round-ms) [ $# -ge 2 ] || { echo "bench: $1 needs a value" >&2; exit 2; }; bench_args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

scripts/build-pkg.sh "${build_args[@]}"
echo
mkdir -p tmp
node bench/capture.mjs --out tmp/capture-bench.md
echo
node bench/coldstart.mjs --out tmp/coldstart-bench.md
echo
node bench/rust-app/measure.mjs --markdown > tmp/rust-app-bench.md
echo
node bench/worker.mjs --out tmp/worker-bench.md
echo
node bench/parse.mjs "${bench_args[@]}" --write BENCHMARKS.md
# What the crate adds to a Rust-wasm app goes right after the size section's tables.
{ echo; cat tmp/rust-app-bench.md; } >> BENCHMARKS.md
# The capture section (real browsers) goes after the parse section, then the inbox's ingest
# beside Bugsink (scripts/bench-inbox.sh).
cat tmp/capture-bench.md >> BENCHMARKS.md
{ echo; cat tmp/coldstart-bench.md; } >> BENCHMARKS.md
{ echo; cat tmp/worker-bench.md; } >> BENCHMARKS.md
echo
scripts/bench-inbox.sh --out tmp/inbox-bench.md
{ echo; cat tmp/inbox-bench.md; } >> BENCHMARKS.md
