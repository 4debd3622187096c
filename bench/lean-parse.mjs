// Stack-parsing speed of the lean module (issue 25: target/lean/lean.wasm from scripts/build-lean.sh)
// beside the shipped parseStack (pkg/node.js) and @sentry/browser's defaultStackParser, on the real
// captured stacks of tests/fixtures/stacks, in one Node process: stacks/second, median of rounds.
// The lean glue is what the package will ship: the stack encoded into the module's input buffer,
// frames returned as a table of offsets into the string (JSON when the table cannot hold them).
//   node bench/lean-parse.mjs [--rounds N] [--round-ms MS]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const argv = process.argv.slice(2);
const opt = (k, d) => (argv.includes(k) ? Number(argv[argv.indexOf(k) + 1]) : d);
const ROUNDS = opt("--rounds", 5);
const ROUND_MS = opt("--round-ms", 500);

const corpus = (engines) => engines.flatMap((e) => readdirSync(join(ROOT, "tests/fixtures/stacks", e))
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => JSON.parse(readFileSync(join(ROOT, "tests/fixtures/stacks", e, f), "utf8")).cases)
  .map((c) => c.stack).filter((s) => typeof s === "string" && s));

const { instance } = await WebAssembly.instantiate(readFileSync(join(ROOT, "target/lean/lean.wasm")), {
  eb: { start() {}, settle() {}, arm() {}, now: Date.now, store() {} },
});
const x = instance.exports;
const enc = new TextEncoder();
const dec = new TextDecoder();
// As js/api.js's parseStack reads a table (ASCII stacks: byte offsets are UTF-16 offsets),
// with the JSON path for what the table cannot hold.
function leanJson(written) {
  const n = x.parse(written, 0);
  return JSON.parse(dec.decode(new Uint8Array(x.memory.buffer, x.out(), n)));
}
function leanParse(s) {
  const cap = s.length * 3;
  const p = x.input(cap);
  const { written } = enc.encodeInto(s, new Uint8Array(x.memory.buffer, p, cap));
  if (written !== s.length) return leanJson(written);
  const n = x.table(written, 0) >>> 0;
  if (n === 0xffffffff) return leanJson(written);
  const t = new Uint32Array(x.memory.buffer, x.out(), n * 13);
  const out = new Array(n);
  for (let i = 0, o = 0; i < n; i++, o += 13) {
    const f = t[o + 10];
    const shape = f & ~128;
    // The two shapes most frames have get one object literal each (as js/api.js does), so that
    // engines see few hidden classes.
    if (shape === (1 | 8 | 16 | 32 | 64)) {
      out[i] = { function: s.slice(t[o], t[o + 1]), filename: s.slice(t[o + 6], t[o + 7]), abs_path: s.slice(t[o + 4], t[o + 5]), lineno: t[o + 8], colno: t[o + 9], in_app: (f & 128) !== 0 };
      continue;
    }
    if (shape === (8 | 16 | 32 | 64)) {
      out[i] = { filename: s.slice(t[o + 6], t[o + 7]), abs_path: s.slice(t[o + 4], t[o + 5]), lineno: t[o + 8], colno: t[o + 9], in_app: (f & 128) !== 0 };
      continue;
    }
    const frame = {};
    if (f & 1) frame.function = s.slice(t[o], t[o + 1]);
    if (f & 4) frame.raw_function = s.slice(t[o + 2], t[o + 3]);
    if (f & 16) frame.filename = s.slice(t[o + 6], t[o + 7]);
    if (f & 8) frame.abs_path = s.slice(t[o + 4], t[o + 5]);
    if (f & 32) frame.lineno = t[o + 8];
    if (f & 64) frame.colno = t[o + 9];
    frame.in_app = (f & 128) !== 0;
    if (f & 256) frame.platform = "native";
    if (f & 512) frame.instruction_addr = "0x" + t[o + 11].toString(16);
    if (f & 1024) frame.function_id = "0x" + t[o + 12].toString(16);
    out[i] = frame;
  }
  return out;
}
const eb = await import(pathToFileURL(join(ROOT, "pkg/node.js")).href);
await eb.init({});
const { defaultStackParser } = await import("@sentry/browser");
const parsers = [
  ["lean", leanParse],
  ["shipped", (s) => eb.parseStack(s)],
  ["@sentry/browser", (s) => defaultStackParser(s)],
];
let sink = 0;
for (const [name, engines] of [["V8", ["chromium", "node", "deno", "workerd"]], ["Gecko", ["firefox"]]]) {
  const stacks = corpus(engines);
  const rates = new Map(parsers.map(([n]) => [n, []]));
  for (let r = 0; r <= ROUNDS; r++) {
    for (const [n, parse] of parsers) {
      const t0 = performance.now();
      let count = 0;
      do {
        for (const s of stacks) sink += parse(s).length;
        count += stacks.length;
      } while (performance.now() - t0 < ROUND_MS);
      if (r > 0) rates.get(n).push(count / ((performance.now() - t0) / 1000));
    }
  }
  const median = (a) => a.sort((p, q) => p - q)[a.length >> 1];
  const sentry = median(rates.get("@sentry/browser"));
  for (const [n] of parsers) {
    const m = median(rates.get(n));
    console.log(`${name.padEnd(6)} ${n.padEnd(16)} ${Math.round(m).toString().padStart(8)} stacks/s  ${(m / sentry).toFixed(2)}x @sentry/browser`);
  }
}
console.log(`(sink ${sink})`);
