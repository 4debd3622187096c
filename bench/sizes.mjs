// The size section of BENCHMARKS.md: the built package's wasm and JS glue, raw / gzip -9 / brotli -q 11.
// The numbers come from scripts/sizes.mjs (Node's zlib), the same code build-pkg.sh prints with.
//
//   node bench/sizes.mjs    # prints the markdown section
import { fileURLToPath } from "node:url";
import { measure, markdownTable } from "../scripts/sizes.mjs";

/** Markdown for the sizes of the package as it is in pkg/ now. */
export function sizesSection() {
  const m = measure();
  const missing = m.rows.flatMap((r) => r.missing);
  const lines = [
    "## Size",
    "",
    "What a browser downloads: the optimised wasm (rustc `opt-level = 2`, then `wasm-opt -O2`,",
    "binaryen 132) and the JS glue (the browser entry `pkg/index.js`: `js/` and wasm-bindgen's",
    "`--target web` glue bundled and minified by esbuild, plus any module it imports). Each file is",
    "compressed on its own with Node's zlib (gzip level 9, brotli quality 11) and the results are summed.",
    "The budget is 20 KiB gzip for wasm + glue together.",
    "",
    markdownTable(m),
  ];
  if (missing.length) lines.push("", `Missing when measured (counted as 0): ${missing.map((f) => "`" + f + "`").join(", ")}.`);
  return { markdown: lines.join("\n"), data: m };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(sizesSection().markdown);
}
