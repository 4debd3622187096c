// The size section of BENCHMARKS.md: what the built package's page fetches, raw / gzip -9 / brotli -q 11.
// The numbers come from scripts/sizes.mjs (Node's zlib), the same code build-pkg.sh prints with.
//
//   node bench/sizes.mjs    # prints the markdown section
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { measure, markdownTable, sizesOf, ROOT } from "../scripts/sizes.mjs";

/** @sentry/browser bundled for bench/size/sentry-app.js: its version and sizes. */
function sentrySizes() {
  const tmp = mkdtempSync(join(tmpdir(), "eb-size-"));
  try {
    const out = join(tmp, "sentry.js");
    execFileSync(join(ROOT, "node_modules/.bin/esbuild"), [join(ROOT, "bench/size/sentry-app.js"), "--bundle", "--format=esm",
      "--minify", `--outfile=${out}`, "--log-level=warning"], { stdio: "inherit" });
    const version = JSON.parse(readFileSync(join(ROOT, "node_modules/@sentry/browser/package.json"), "utf8")).version;
    return { version, ...sizesOf(readFileSync(out)) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Markdown for the sizes of the package as it is in pkg/ now. */
export function sizesSection() {
  const m = measure();
  const missing = m.rows.flatMap((r) => r.missing);
  const ref = sentrySizes();
  const fmt = (n) => n.toLocaleString("en-US");
  const times = (k) => (m.total[k] / ref[k]).toFixed(2) + "×";
  const lines = [
    "## Size",
    "",
    "What a browser fetches for a default `init` and one capture: the entry `pkg/index.js` (the page's",
    "critical path: it installs the handlers, keeps early errors and answers the API), `pkg/core.js`, which",
    "the entry loads with `import()` at `init` (the API, the client, the scope and the reader of thrown",
    "values, bundled by esbuild and minified by terser), and the wasm (the pinned nightly rebuilding std",
    "with panic=immediate-abort, opt-level \"z\", `wasm-opt -Oz` from binaryen 132: scripts/build-pkg.sh).",
    "Each file is compressed on its own with Node's zlib (gzip level 9, brotli quality 11)",
    "and the results are summed. Limits and budgets: size-limits.json (checked by every build).",
    "",
    markdownTable(m),
    "",
    `The reference in the same run: @sentry/browser ${ref.version} as an app imports it for the same API`,
    "(`init`, `captureException`, `captureMessage`, scope setters, `addBreadcrumb`, `withScope`,",
    "`lastEventId`, `flush`, `close`: bench/size/sentry-app.js), bundled and minified by esbuild, one JS file.",
    "",
    "| | raw (B) | gzip -9 (B) | brotli -q 11 (B) |",
    "|---|--:|--:|--:|",
    `| errorbeacon (all it fetches) | ${fmt(m.total.raw)} | ${fmt(m.total.gzip)} | ${fmt(m.total.brotli)} |`,
    `| @sentry/browser ${ref.version} | ${fmt(ref.raw)} | ${fmt(ref.gzip)} | ${fmt(ref.brotli)} |`,
    `| errorbeacon ÷ @sentry/browser | ${times("raw")} | ${times("gzip")} | ${times("brotli")} |`,
  ];
  if (missing.length) lines.push("", `Missing when measured (counted as 0): ${missing.map((f) => "`" + f + "`").join(", ")}.`);
  return { markdown: lines.join("\n"), data: { ...m, reference: ref } };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(sizesSection().markdown);
}
