// Raw / gzip -9 / brotli -q 11 sizes of the built package, with Node's zlib (no gzip/brotli CLI needed).
//
//   node scripts/sizes.mjs          # table on stdout
//   node scripts/sizes.mjs --json   # the same numbers as JSON
//
// wasm = pkg/wasm/errorbeacon_bg.wasm; glue = pkg/index.js and the JS modules it imports (see browserGlue).
// Each file is compressed on its own and the results are summed, because that is how they travel.
import { readFileSync, existsSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The gzip budget for wasm + glue, in bytes (20 KiB). */
export const GZIP_BUDGET = 20 * 1024;

/**
 * The JS a browser loads: pkg/index.js and every module it imports statically (relative specifiers
 * only), which includes wasm-bindgen's pkg/wasm/errorbeacon.js. Found by reading the import
 * statements, so new helper modules are counted without editing this list.
 */
export function browserGlue(root = ROOT, entry = "pkg/index.js") {
  const seen = [];
  const visit = (rel) => {
    if (seen.includes(rel)) return;
    seen.push(rel);
    let src;
    try { src = readFileSync(join(root, rel), "utf8"); } catch { return; }
    const re = /(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
    for (const m of src.matchAll(re)) visit(relative(root, join(root, dirname(rel), m[1])));
  };
  visit(entry);
  // Entry first, the rest sorted, so the listing is stable.
  return [seen[0], ...seen.slice(1).sort()];
}

/** The file groups we report. Paths are relative to the repo root. */
export function groups(root = ROOT) {
  return [
    { name: "wasm", files: ["pkg/wasm/errorbeacon_bg.wasm"] },
    { name: "glue", files: browserGlue(root) },
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
  const rows = fileGroups.map(({ name, files }) => {
    const sum = { raw: 0, gzip: 0, brotli: 0 };
    const missing = [];
    for (const f of files) {
      const p = join(root, f);
      if (!existsSync(p)) { missing.push(f); continue; }
      const s = sizesOf(readFileSync(p));
      for (const k of Object.keys(sum)) sum[k] += s[k];
    }
    return { name, files, missing, ...sum };
  });
  const total = { name: "total", raw: 0, gzip: 0, brotli: 0 };
  for (const r of rows) for (const k of ["raw", "gzip", "brotli"]) total[k] += r[k];
  return { rows, total, budget: { gzip: GZIP_BUDGET, ok: total.gzip <= GZIP_BUDGET } };
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
  lines.push(`| **total** | | **${fmt(t.raw)}** | **${fmt(t.gzip)}** | **${fmt(t.brotli)}** |`);
  const pct = ((100 * t.gzip) / m.budget.gzip).toFixed(1);
  lines.push("", `gzip budget: ${fmt(t.gzip)} B of ${fmt(m.budget.gzip)} B (20 KiB) = ${pct} % — ${m.budget.ok ? "within budget" : "**OVER BUDGET**"}`);
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const m = measure();
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(m, null, 2));
  } else {
    const pad = (s, n) => String(s).padStart(n);
    console.log(`sizes (bytes)       ${pad("raw", 9)} ${pad("gzip -9", 9)} ${pad("brotli 11", 9)}`);
    for (const r of [...m.rows, m.total]) {
      const note = r.missing?.length ? `   (missing: ${r.missing.join(", ")})` : "";
      console.log(`  ${r.name.padEnd(17)} ${pad(fmt(r.raw), 9)} ${pad(fmt(r.gzip), 9)} ${pad(fmt(r.brotli), 9)}${note}`);
    }
    const pct = ((100 * m.total.gzip) / m.budget.gzip).toFixed(1);
    console.log(`  gzip budget: ${fmt(m.total.gzip)} of ${fmt(m.budget.gzip)} B (${pct} %)${m.budget.ok ? "" : "  OVER BUDGET"}`);
    for (const r of m.rows) for (const f of r.missing) console.error(`sizes: warning: ${relative(ROOT, join(ROOT, f))} does not exist`);
  }
}
