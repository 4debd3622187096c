#!/usr/bin/env bash
# The main command: install what is missing, build the package, and serve the demo page.
#
#   scripts/run.sh            # serves on http://127.0.0.1:$PORT (default 8080; a free port if taken)
#
# Open the printed URL (www/index.html), paste a stack, see errorbeacon's frames. Ctrl-C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-pkg.sh
echo
exec node tools/serve.mjs --root . --port "${PORT:-8080}" --page www/index.html
