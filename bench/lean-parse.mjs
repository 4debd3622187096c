// Stack-parsing speed of the lean module (issue 25: target/lean/lean.wasm from scripts/build-lean.sh)
// beside the shipped parseStack (pkg/node.js) and @sentry/browser's defaultStackParser, on the real
// captured stacks of tests/fixtures/stacks, in one Node process: stacks/second, median of rounds.
// The lean glue is what the package will ship: the stack encoded into the module's input buffer,
// frames returned as JSON and read with JSON.parse.
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

const { instance } = await WebAssembly.instantiate(readFileSync(join(ROOT, "target/lean/lean.wasm")), {});
const x = instance.exports;
const enc = new TextEncoder();
const dec = new TextDecoder();
function leanParse(stack) {
  const cap = stack.length * 3;
  const p = x.input(cap);
  const { written } = enc.encodeInto(stack, new Uint8Array(x.memory.buffer, p, cap));
  const n = x.parse(written, 0);
  return JSON.parse(dec.decode(new Uint8Array(x.memory.buffer, x.out(), n)));
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
