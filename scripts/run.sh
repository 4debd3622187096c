#!/usr/bin/env bash
# The main command: install what is missing, build the npm package, the Rust-wasm demo app and
# the inbox, then start the inbox and serve the demo page, and print both URLs.
#
#   scripts/run.sh       # inbox on 127.0.0.1:8765 (or a free port), demo on 127.0.0.1:8080 (or free)
#
# Open the demo URL, click the buttons, and watch the issues appear in the inbox. Ctrl-C stops both.
# (www/index.html, the parseStack playground, is served too.)
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac

scripts/setup.sh
scripts/build-pkg.sh
scripts/build-example.sh
# The demo's Rust-panic button loads the example app (examples/panic-app) from www/demo/panic-app.
rm -rf www/demo/panic-app
cp -r tests/browser/pages/panic-app www/demo/panic-app
cargo build --profile inbox -p errorbeacon-inbox
echo
exec node tools/demo.mjs --inbox target/inbox/errorbeacon-inbox --inbox-port "${INBOX_PORT:-8765}" --port "${PORT:-8080}"
