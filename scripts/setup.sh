#!/usr/bin/env bash
# Installs everything scripts/test.sh, scripts/build-pkg.sh, scripts/run.sh and scripts/bench.sh need,
# skipping what is already present. Idempotent; fails loudly (never skips silently) when an install fails.
#
#   rustup: wasm32-unknown-unknown target, clippy, rustfmt; the pinned nightly (scripts/wasm-toolchain)
#           with rust-src that builds the npm module
#   cargo:  wasm-bindgen-cli at exactly the `wasm-bindgen` version in Cargo.lock
#   npm:    `npm ci` from package-lock.json (binaryen's wasm-opt, benchmark incumbents, TypeScript for the types test)
#   python: .venv with sentry-relay (Relay's normalizer, used by the Rust tests as a validator) and
#           sentry-sdk (the official Python SDK, a real client in the inbox tests)
#   apt:    Debian's chromium, chromium-driver, firefox-esr, webkit2gtk-driver (WebKitGTK's MiniBrowser)
#           and xvfb: the real browsers the browser tests drive
#   cargo:  worker-build (crates.io), for the example Rust Worker
#   cargo:  cargo-fuzz (crates.io), for the fuzz targets
#   cargo:  geckodriver (crates.io), the WebDriver server wasm-bindgen-test drives Firefox with
#
# Why these choices (measured on this machine kind, see the toolchain notes):
# - wasm-bindgen-cli is built with --no-default-features (no TLS: ~20 % less to compile, nothing lost,
#   the test runner only talks plain HTTP to local drivers) and without --locked, because the crates.io
#   mirror lacks a crate version (webpki-roots 1.0.11) that the CLI's own lockfile pins.
# - wasm-opt comes from npm `binaryen@132`: Debian's binaryen 108 and the `wasm-opt` crate (116) cannot
#   parse rustc 1.95 + wasm-bindgen output (`table.fill`).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$CARGO_BIN:"*) ;; *) export PATH="$CARGO_BIN:$PATH" ;; esac

RELAY_VERSION=0.10.1
GECKODRIVER_VERSION=0.37.1
# worker-build, as a Rust Worker's project builds with it (examples/rust-worker, scripts/build-rust-worker.sh).
WORKER_BUILD_VERSION=0.8.7
# cargo-fuzz, for the fuzz targets (fuzz/, scripts/fuzz.sh) on the pinned nightly.
CARGO_FUZZ_VERSION=0.13.2
SENTRY_SDK_VERSION=2.75.0
T0=$(date +%s.%N)
STEP_T0=$T0

die() { echo "setup: ERROR: $*" >&2; exit 1; }
step_start() { STEP_T0=$(date +%s.%N); }
# step_done <step> <what happened>
step_done() {
  local now; now=$(date +%s.%N)
  awk -v s="$1" -v w="$2" -v a="$STEP_T0" -v b="$now" 'BEGIN { printf "setup: %-18s %-44s %6.1f s\n", s, w, b - a }'
}

for tool in rustup cargo node npm python3; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not on PATH; install it first (this script installs only project tooling)"
done

# 1. Rust target and components -------------------------------------------------------------------
step_start
installed_targets=$(rustup target list --installed)
if grep -qx 'wasm32-unknown-unknown' <<<"$installed_targets"; then
  target_state="present"
else
  rustup target add wasm32-unknown-unknown
  target_state="installed"
fi
installed_components=$(rustup component list --installed)
added=()
for comp in clippy rustfmt; do
  if ! grep -q "^$comp" <<<"$installed_components"; then
    rustup component add "$comp"
    added+=("$comp")
  fi
done
step_done "rustup" "wasm32 target $target_state; components ${added[*]:-present}"

# 1b. The pinned nightly the npm module is built with (scripts/build-pkg.sh: -Zbuild-std with
#     panic=immediate-abort, docs/size.md), with rust-src for build-std. Its date is in
#     scripts/wasm-toolchain; rustup's dist server is reachable here like the registries.
step_start
WASM_TOOLCHAIN=$(cat scripts/wasm-toolchain)
if rustup run "$WASM_TOOLCHAIN" rustc --version >/dev/null 2>&1 \
  && rustup component list --toolchain "$WASM_TOOLCHAIN" --installed 2>/dev/null | grep -q '^rust-src'; then
  step_done "wasm toolchain" "$WASM_TOOLCHAIN with rust-src present"
else
  rustup toolchain install "$WASM_TOOLCHAIN" --profile minimal --component rust-src \
    || die "could not install $WASM_TOOLCHAIN with rust-src (the npm module's build needs it)"
  rustup run "$WASM_TOOLCHAIN" rustc --version >/dev/null 2>&1 || die "$WASM_TOOLCHAIN does not run after install"
  step_done "wasm toolchain" "$WASM_TOOLCHAIN with rust-src installed"
fi

# 2. wasm-bindgen-cli, same version as the wasm-bindgen crate in Cargo.lock ---------------------------
step_start
if [ ! -f Cargo.lock ]; then
  # Cargo.lock is committed; this only happens mid-development before the first build.
  echo "setup: Cargo.lock is missing, generating it" >&2
  cargo generate-lockfile
fi
WB_VERSION=$(awk '
  /^\[\[package\]\]/ { name = "" }
  /^name = / { name = $3; gsub(/"/, "", name) }
  /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; exit }
' Cargo.lock)
[ -n "$WB_VERSION" ] || die "no wasm-bindgen package in Cargo.lock"
have_wb=$( (wasm-bindgen --version 2>/dev/null || true) | head -n 1)
if [ "$have_wb" = "wasm-bindgen $WB_VERSION" ]; then
  step_done "wasm-bindgen-cli" "$WB_VERSION present"
else
  echo "setup: installing wasm-bindgen-cli $WB_VERSION (found: '${have_wb:-none}'); building from source (~2 min on an idle 2-core machine, more under load)" >&2
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --no-default-features --force
  have_wb=$(wasm-bindgen --version 2>/dev/null | head -n 1 || true)
  [ "$have_wb" = "wasm-bindgen $WB_VERSION" ] || die "after install, 'wasm-bindgen --version' says '$have_wb', want $WB_VERSION"
  step_done "wasm-bindgen-cli" "$WB_VERSION installed"
fi

# 3. npm devDependencies ------------------------------------------------------------------------------
step_start
[ -f package-lock.json ] || die "package-lock.json is missing"
# npm keeps a copy of the lockfile it installed in node_modules/.package-lock.json. It is the same as
# package-lock.json minus the root ("") entry, so compare everything else; also make sure the root entry
# still matches package.json (otherwise `npm ci` must run, and will fail loudly on a stale lock).
npm_state=$(node -e '
  const fs = require("fs");
  const read = (p) => { try { return JSON.parse(fs.readFileSync(p, "utf8")); } catch { return null; } };
  const lock = read("package-lock.json"), hidden = read("node_modules/.package-lock.json"), pj = read("package.json");
  if (!lock || !hidden || !pj) { console.log("stale"); process.exit(0); }
  const root = lock.packages[""] || {};
  const same = (a, b) => JSON.stringify(a || {}) === JSON.stringify(b || {});
  const pkgs = (l) => Object.fromEntries(Object.entries(l.packages || {}).filter(([k]) => k !== ""));
  const ok = same(root.devDependencies, pj.devDependencies) && same(root.dependencies, pj.dependencies)
    && JSON.stringify(pkgs(lock)) === JSON.stringify(pkgs(hidden));
  console.log(ok ? "fresh" : "stale");
')
if [ "$npm_state" = "fresh" ] && [ -x node_modules/.bin/wasm-opt ]; then
  step_done "npm ci" "node_modules up to date"
else
  npm ci --no-audit --no-fund
  [ -x node_modules/.bin/wasm-opt ] || die "npm ci finished but node_modules/.bin/wasm-opt is missing"
  step_done "npm ci" "installed"
fi

# 4. Python venv with sentry-relay and the official Python SDK (a real client of the inbox tests) ------
step_start
py_check="import sentry_relay, sentry_sdk; assert sentry_sdk.VERSION == '$SENTRY_SDK_VERSION', sentry_sdk.VERSION"
if .venv/bin/python -c "$py_check" >/dev/null 2>&1; then
  step_done "python venv" "sentry-relay, sentry-sdk present"
else
  if ! .venv/bin/python -c 'pass' >/dev/null 2>&1; then
    python3 -m venv --clear .venv
  fi
  .venv/bin/python -m pip install --disable-pip-version-check --quiet \
    "sentry-relay==$RELAY_VERSION" "sentry-sdk==$SENTRY_SDK_VERSION"
  .venv/bin/python -c "$py_check" || die "sentry_relay/sentry_sdk $SENTRY_SDK_VERSION do not import after install"
  step_done "python venv" "sentry-relay $RELAY_VERSION, sentry-sdk $SENTRY_SDK_VERSION installed"
fi

# 5. Browsers (Debian packages: the browser tests run in real headless Chromium and Firefox) -------
step_start
# WebKitGTK (Safari's engine): MiniBrowser driven by WebKitWebDriver, under Xvfb.
MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
browsers_present() {
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && command -v firefox-esr >/dev/null 2>&1 \
    && command -v WebKitWebDriver >/dev/null 2>&1 && command -v Xvfb >/dev/null 2>&1 && [ -x "$MINIBROWSER" ]
}
if browsers_present; then
  step_done "browsers" "chromium, chromedriver, firefox-esr, WebKitGTK present"
else
  command -v apt-get >/dev/null 2>&1 || die "a browser or driver is missing and there is no apt-get to install it"
  [ "$(id -u)" = 0 ] || die "a browser or driver is missing; installing it needs root (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver firefox-esr \
    fonts-dejavu-core webkit2gtk-driver xvfb >/dev/null
  for b in chromium chromedriver firefox-esr WebKitWebDriver Xvfb; do
    command -v "$b" >/dev/null 2>&1 || die "apt-get finished but $b is missing"
  done
  [ -x "$MINIBROWSER" ] || die "apt-get finished but $MINIBROWSER is missing"
  step_done "browsers" "chromium, chromedriver, firefox-esr, WebKitGTK installed"
fi

# 6. geckodriver (crates.io; npm's geckodriver downloads from GitHub at run time and fails here) ----
step_start
if command -v geckodriver >/dev/null 2>&1; then
  step_done "geckodriver" "present"
else
  cargo install geckodriver --locked --version "$GECKODRIVER_VERSION"
  command -v geckodriver >/dev/null 2>&1 || die "cargo install finished but geckodriver is missing"
  step_done "geckodriver" "$GECKODRIVER_VERSION installed"
fi

# 7–8. worker-build and cargo-fuzz (crates.io): the example Rust Worker (told to use the
# wasm-bindgen, esbuild and wasm-opt installed above, scripts/build-rust-worker.sh) and the fuzz
# targets (built on the pinned nightly above). `cargo_tool NAME VERSION VERSION-COMMAND...`
# installs NAME at VERSION unless the command's last word already says it.
cargo_tool() {
  local name=$1 version=$2
  shift 2
  step_start
  if [ "$( ("$@" 2>/dev/null || true) | awk '{print $NF}')" = "$version" ]; then
    step_done "$name" "$version present"
  else
    cargo install "$name" --locked --version "$version"
    command -v "$name" >/dev/null 2>&1 || die "cargo install finished but $name is missing"
    step_done "$name" "$version installed"
  fi
}
cargo_tool worker-build "$WORKER_BUILD_VERSION" worker-build --version
cargo_tool cargo-fuzz "$CARGO_FUZZ_VERSION" cargo fuzz --version

STEP_T0=$T0
step_done "total" ""
