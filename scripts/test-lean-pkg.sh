#!/usr/bin/env bash
# The Node tests against the package built on the lean module (target/lean-pkg/, from
# scripts/build-lean-pkg.mjs), issue 25's switch kept working until it lands. They run in a tree
# of links to this checkout whose pkg/ is target/lean-pkg/ (node --preserve-symlinks, so their
# `../../pkg/node.js` imports find it). Left out: the two files that compare the lean path with
# the shipped one (tests/node/describe.test.mjs, tests/node/lean-capture.test.mjs), which run
# against pkg/ in scripts/test.sh.
#   scripts/test-lean-pkg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/lean-pkg/node.js ] || { echo "test-lean-pkg: target/lean-pkg/ is missing: run node scripts/build-lean-pkg.mjs" >&2; exit 1; }
RUN=tmp/lean-run
rm -rf "$RUN"
mkdir -p "$RUN"
for entry in * .venv; do
  [ "$entry" = pkg ] || [ "$entry" = tmp ] || ln -s "$PWD/$entry" "$RUN/$entry"
done
ln -s "$PWD/target/lean-pkg" "$RUN/pkg"
mapfile -t FILES < <(ls tests/node/*.test.mjs | grep -v -e describe.test.mjs -e lean-capture.test.mjs)
cd "$RUN"
exec node --preserve-symlinks --preserve-symlinks-main --test "${FILES[@]}"
