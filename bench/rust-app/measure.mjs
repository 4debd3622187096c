// What errorbeacon adds to a Rust-wasm app (issue 16): three minimal apps that differ only in
// their panic reporting (none, console_error_panic_hook, errorbeacon::init with a DSN), each
// built as a size-conscious app is: opt-level "z", LTO, panic = "abort" (Cargo.toml here),
// wasm-bindgen --target web, wasm-opt -Oz (npm binaryen). Figures: gzip -9 of the wasm and of
// the JS glue (with the snippets the crate ships), each file alone, summed.
//
//   node bench/rust-app/measure.mjs [--check] [--markdown]
//
// --check fails (exit 1) when errorbeacon's addition exceeds `rustApp.limit` in size-limits.json.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HERE = join(ROOT, "bench/rust-app");
const OUT = join(ROOT, "target/rust-app-out");
const APPS = [["none", "nothing"], ["hook", "console_error_panic_hook 0.1.7"], ["errorbeacon", "errorbeacon"]];
const FEATURES = ["--enable-bulk-memory", "--enable-bulk-memory-opt", "--enable-call-indirect-overlong", "--enable-multivalue",
  "--enable-mutable-globals", "--enable-nontrapping-float-to-int", "--enable-reference-types", "--enable-sign-ext"];

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

/** Every file under `dir`, recursively. */
function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

// The apps' own target dir: the same wasm-bindgen and errorbeacon sources as the root build,
// another profile.
run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--workspace",
  "--target-dir", join(ROOT, "target/rust-app")], { cwd: HERE, env: { ...process.env, RUSTFLAGS: "" } });
const sizes = {};
for (const [app] of APPS) {
  const out = join(OUT, app);
  rmSync(out, { recursive: true, force: true });
  const name = `app_${app}`;
  run("wasm-bindgen", [join(ROOT, "target/rust-app/wasm32-unknown-unknown/release", `${name}.wasm`), "--target", "web",
    "--no-typescript", "--out-dir", out]);
  const wasm = join(out, `${name}_bg.wasm`);
  run(join(ROOT, "node_modules/.bin/wasm-opt"), ["-Oz", ...FEATURES, "--strip-debug", "--strip-producers",
    "--strip-target-features", wasm, "-o", wasm]);
  const js = files(out).filter((f) => f.endsWith(".js"));
  sizes[app] = { wasm: gz(wasm), js: js.reduce((n, f) => n + gz(f), 0), jsFiles: js.map((f) => relative(out, f)) };
  sizes[app].total = sizes[app].wasm + sizes[app].js;
}
const added = sizes.errorbeacon.total - sizes.none.total;
const hookAdded = sizes.hook.total - sizes.none.total;
const limits = JSON.parse(readFileSync(join(ROOT, "size-limits.json"), "utf8")).rustApp;
const fmt = (n) => n.toLocaleString("en-US");

if (process.argv.includes("--markdown")) {
  console.log([
    "## What the crate adds to a Rust-wasm app",
    "",
    "Three minimal wasm-bindgen apps in `bench/rust-app/` that differ only in their panic reporting, built",
    "as a size-conscious app is: opt-level \"z\", LTO, `panic = \"abort\"`, stable rustc, wasm-bindgen",
    "`--target web`, `wasm-opt -Oz`. gzip -9 of the wasm and of the JS glue (with the snippets the crate",
    "ships), each file alone, summed. \"Added\": minus the app with nothing.",
    "",
    "| app | wasm gzip (B) | JS gzip (B) | total (B) | added (B) |",
    "|---|--:|--:|--:|--:|",
    ...APPS.map(([app, label]) => `| ${label} | ${fmt(sizes[app].wasm)} | ${fmt(sizes[app].js)} | ${fmt(sizes[app].total)} | ${app === "none" ? "" : fmt(sizes[app].total - sizes.none.total)} |`),
    "",
    `Budget (issue 25): errorbeacon adds ≤ ${fmt(limits.budget)} B (aim ${fmt(limits.aim)}): ${added <= limits.budget ? "met" : "**not met**"}. ` +
      `Command: \`node bench/rust-app/measure.mjs --markdown\`.`,
  ].join("\n"));
} else {
  for (const [app, label] of APPS) console.log(`rust-app: ${label.padEnd(32)} wasm ${fmt(sizes[app].wasm).padStart(7)}  js ${fmt(sizes[app].js).padStart(6)}  total ${fmt(sizes[app].total).padStart(7)} B gzip`);
  console.log(`rust-app: errorbeacon adds ${fmt(added)} B gzip (console_error_panic_hook ${fmt(hookAdded)}); limit ${fmt(limits.limit)}, budget ${fmt(limits.budget)}` +
    (limits.limit > added * 1.02 ? `; the limit can be lowered to ${Math.ceil(added * 1.02)}` : ""));
}
if (process.argv.includes("--check") && added > limits.limit) {
  console.error(`rust-app: errorbeacon adds ${added} B gzip, over its limit ${limits.limit} in size-limits.json`);
  process.exit(1);
}
