// Raw / gzip -9 / brotli -q 11 sizes of the built package, with Node's zlib (no gzip/brotli CLI needed).
//
//   node scripts/sizes.mjs          # table on stdout
//   node scripts/sizes.mjs --json   # the same numbers as JSON
//
//   node scripts/sizes.mjs --check  # also fail when a figure exceeds its limit in size-limits.json
//
// critical JS = pkg/index.js and its static imports; lazy JS = what they load with import();
// wasm = pkg/wasm/errorbeacon_bg.wasm (see browserJs).
// Each file is compressed on its own and the results are summed, because that is how they travel.
import { readFileSync, existsSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The limits the build enforces and the budgets they move toward (size-limits.json). */
export function limits(root = ROOT) {
  return JSON.parse(readFileSync(join(root, "size-limits.json"), "utf8"));
}

const IMPORT_RE = /(?:^|[;\s,(){}])(?:import|export)\s*(?:[\w*{}\s,$]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
const DYNAMIC_RE = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

/** `rel` and every module it imports statically (relative specifiers only), in visit order. */
function staticClosure(root, rel, seen = []) {
  if (seen.includes(rel)) return seen;
  seen.push(rel);
  let src;
  try { src = readFileSync(join(root, rel), "utf8"); } catch { return seen; }
  for (const m of src.matchAll(IMPORT_RE)) staticClosure(root, relative(root, join(root, dirname(rel), m[1])), seen);
  return seen;
}

/** The modules `files` load with `import()` (relative specifiers only). */
function dynamicImports(root, files) {
  const out = [];
  for (const rel of files) {
    let src;
    try { src = readFileSync(join(root, rel), "utf8"); } catch { continue; }
    for (const m of src.matchAll(DYNAMIC_RE)) out.push(relative(root, join(root, dirname(rel), m[1])));
  }
  return out;
}

/**
 * The JS a browser loads, found by reading the import statements (so new modules are counted
 * without editing a list): `critical`, the entry and its static imports (what a page evaluates
 * before its next statement); `lazy`, what those load with `import()`, and their static imports.
 */
export function browserJs(root = ROOT, entry = "pkg/index.js") {
  const critical = staticClosure(root, entry);
  const lazy = [];
  let frontier = critical;
  while (frontier.length) {
    const next = [];
    for (const d of dynamicImports(root, frontier)) {
      for (const f of staticClosure(root, d)) {
        if (!critical.includes(f) && !lazy.includes(f)) { lazy.push(f); next.push(f); }
      }
    }
    frontier = next;
  }
  return { critical, lazy };
}

/** The file groups we report. Paths are relative to the repo root. */
export function groups(root = ROOT) {
  const { critical, lazy } = browserJs(root);
  // Modules fetched only when an option asks for them (size-limits.json's `optional`, e.g. the
  // IndexedDB store of `offline: true`): listed apart, not in what a default `init` fetches.
  const optional = limits(root).optional ?? [];
  return [
    { name: "critical JS", files: critical },
    { name: "lazy JS", files: lazy.filter((f) => !optional.includes(f)) },
    { name: "wasm", files: ["pkg/wasm/errorbeacon_bg.wasm"] },
    { name: "optional JS", files: lazy.filter((f) => optional.includes(f)), optional: true },
  ];
}

/** Sizes of one buffer. */
export function sizesOf(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

/** Summed sizes of the existing files of each group; `missing` lists the files that were not there. */
export function measure(root = ROOT, fileGroups = groups(root)) {
  const rows = fileGroups.map(({ name, files, optional }) => {
    const sum = { raw: 0, gzip: 0, brotli: 0 };
    const missing = [];
    for (const f of files) {
      const p = join(root, f);
      if (!existsSync(p)) { missing.push(f); continue; }
      const s = sizesOf(readFileSync(p));
      for (const k of Object.keys(sum)) sum[k] += s[k];
    }
    return { name, files, missing, optional, ...sum };
  });
  const total = { name: "total", raw: 0, gzip: 0, brotli: 0 };
  for (const r of rows) if (!r.optional) for (const k of ["raw", "gzip", "brotli"]) total[k] += r[k];
  const critical = rows.find((r) => r.name === "critical JS") ?? { gzip: 0 };
  return { rows, total, figures: { browser: total.gzip, criticalPath: critical.gzip } };
}

/** Each figure of `m` against its limit and budget in size-limits.json: lines to print, and
 * whether every figure is within its limit. */
export function check(m, root = ROOT) {
  const l = limits(root);
  const lines = [];
  let ok = true;
  for (const [key, value] of Object.entries(m.figures)) {
    const { limit, budget } = l[key] ?? {};
    if (limit === undefined) { lines.push(`size: no limit for '${key}' in size-limits.json`); ok = false; continue; }
    const over = value > limit;
    if (over) ok = false;
    const room = limit > value * 1.02 ? `; the limit can be lowered to ${Math.ceil(value * 1.02)} (2 % above)` : "";
    lines.push(`size: ${key.padEnd(13)} ${fmt(value).padStart(7)} B gzip, limit ${fmt(limit)}${over ? "  EXCEEDED" : room}` +
      (budget !== undefined ? `, budget ${fmt(budget)}${value <= budget ? " (met)" : ""}` : ""));
  }
  return { ok, lines };
}

const fmt = (n) => n.toLocaleString("en-US");

/** Markdown table of `measure()` output. */
export function markdownTable(m) {
  const lines = [
    "| part | files | raw (B) | gzip -9 (B) | brotli -q 11 (B) |",
    "|---|---|--:|--:|--:|",
  ];
  for (const r of m.rows) {
    const files = r.files.map((f) => "`" + f + "`" + (r.missing.includes(f) ? " (missing)" : "")).join(" + ");
    lines.push(`| ${r.name} | ${files} | ${fmt(r.raw)} | ${fmt(r.gzip)} | ${fmt(r.brotli)} |`);
  }
  const t = m.total;
  lines.push(`| **total** (without optional) | | **${fmt(t.raw)}** | **${fmt(t.gzip)}** | **${fmt(t.brotli)}** |`);
  const l = limits();
  const state = (v, b) => `${fmt(v)} B of ${fmt(b)} B = ${((100 * v) / b).toFixed(1)} % — ${v <= b ? "within budget" : "**OVER BUDGET**"}`;
  lines.push("", `Budgets (issue 25, gzip): everything the page fetches ${state(m.figures.browser, l.browser.budget)}; ` +
    `critical path ${state(m.figures.criticalPath, l.criticalPath.budget)}.`);
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const m = measure();
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(m, null, 2));
  } else {
    const pad = (s, n) => String(s).padStart(n);
    console.log(`sizes (bytes)       ${pad("raw", 9)} ${pad("gzip -9", 9)} ${pad("brotli 11", 9)}`);
    for (const r of [...m.rows.filter((r) => !r.optional), m.total, ...m.rows.filter((r) => r.optional)]) {
      const note = r.missing?.length ? `   (missing: ${r.missing.join(", ")})` : "";
      console.log(`  ${r.name.padEnd(17)} ${pad(fmt(r.raw), 9)} ${pad(fmt(r.gzip), 9)} ${pad(fmt(r.brotli), 9)}${note}`);
    }
    const missing = m.rows.flatMap((r) => r.missing);
    for (const f of missing) console.error(`sizes: ${relative(ROOT, join(ROOT, f))} does not exist`);
    const c = check(m);
    for (const line of c.lines) console.log(line);
    // --check: the build's guard (scripts/build-pkg.sh). A figure over its limit fails it.
    if (process.argv.includes("--check") && (!c.ok || missing.length)) {
      console.error("size: a figure exceeds its limit in size-limits.json (or a file is missing): see docs/size.md before raising one");
      process.exit(1);
    }
  }
}
