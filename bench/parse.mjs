// Stack-parsing throughput: errorbeacon's parseStack (the built wasm, pkg/node.js) against the incumbents,
// on the real captured stacks in tests/fixtures/stacks, all in one Node process.
//
//   node bench/parse.mjs [--rounds N] [--round-ms MS] [--write BENCHMARKS.md]
//
// Parsers:
//   errorbeacon         parseStack(stack) from pkg/node.js (ERRORBEACON_NODE_PKG overrides the path)
//   @sentry/browser     defaultStackParser(stack), imported from the package itself (its ESM build)
//   error-stack-parser  ErrorStackParser.parse({ stack }); it throws on stacks it cannot read, which is
//                       caught and counted (the time spent is still counted)
// Corpora (top-level cases whose `stack` is a non-empty string):
//   V8 stacks     chromium, node, deno and workerd files
//   Gecko stacks  firefox files
// Method: one warm-up round, then N timed rounds. In each round every parser gets its turn on a corpus,
// (interleaved, so that background load hits all of them alike), repeating whole passes over the corpus
// for at least MS milliseconds. Reported: stacks/second, median of the rounds, with min and max.
// Every result's frame count goes into a sink that is printed, so no call can be optimised away.
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { cpus, availableParallelism, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";
import { sizesSection } from "./sizes.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STACKS = join(ROOT, "tests/fixtures/stacks");
const CORPORA = [
  { name: "V8 stacks", engines: ["chromium", "node", "deno", "workerd"] },
  { name: "Gecko stacks", engines: ["firefox"] },
];

function args(argv) {
  const o = { rounds: 5, roundMs: 1000, write: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === "--rounds") { o.rounds = Number(v); i++; }
    else if (a === "--round-ms") { o.roundMs = Number(v); i++; }
    else if (a === "--write") { o.write = v; i++; }
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.rounds >= 1 && o.roundMs > 0)) throw new Error("--rounds must be >= 1 and --round-ms > 0");
  return o;
}

function loadCorpus({ name, engines }) {
  const stacks = [];
  const files = [];
  for (const engine of engines) {
    const dir = join(STACKS, engine);
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
      const data = JSON.parse(readFileSync(join(dir, f), "utf8"));
      let n = 0;
      for (const c of data.cases) {
        if (typeof c.stack === "string" && c.stack.length > 0) { stacks.push(c.stack); n++; }
      }
      files.push(`${engine}/${f} (${n})`);
    }
  }
  const bytes = stacks.reduce((s, x) => s + x.length, 0);
  return { name, engines, stacks, files, bytes };
}

async function loadParsers() {
  const pkgPath = process.env.ERRORBEACON_NODE_PKG ? resolve(process.env.ERRORBEACON_NODE_PKG) : join(ROOT, "pkg/node.js");
  const eb = await import(pathToFileURL(pkgPath).href);
  const { defaultStackParser } = await import("@sentry/browser");
  const esp = (await import("error-stack-parser")).default;
  const sentryVersion = JSON.parse(readFileSync(join(ROOT, "node_modules/@sentry/browser/package.json"), "utf8")).version;
  const espVersion = JSON.parse(readFileSync(join(ROOT, "node_modules/error-stack-parser/package.json"), "utf8")).version;
  let ebVersion = "local build";
  try { ebVersion = JSON.parse(readFileSync(join(ROOT, "pkg/package.json"), "utf8")).version ?? ebVersion; } catch {}
  return [
    { name: "errorbeacon", version: ebVersion, call: "parseStack(stack)", parse: (s) => eb.parseStack(s) },
    { name: "@sentry/browser", version: sentryVersion, call: "defaultStackParser(stack)", parse: (s) => defaultStackParser(s) },
    { name: "error-stack-parser", version: espVersion, call: "ErrorStackParser.parse({ stack })", parse: (s) => esp.parse({ stack: s }) },
  ];
}

let sink = 0;

/** Whole passes over `stacks` for at least `ms`; returns { stacks, ns, frames, throws }. */
function timeRound(parse, stacks, ms) {
  const budget = BigInt(Math.round(ms * 1e6));
  let done = 0, frames = 0, throws = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0n;
  do {
    for (let i = 0; i < stacks.length; i++) {
      try {
        frames += parse(stacks[i]).length;
      } catch {
        throws++;
      }
    }
    done += stacks.length;
    elapsed = process.hrtime.bigint() - t0;
  } while (elapsed < budget);
  sink += frames;
  return { stacks: done, ns: Number(elapsed), frames, throws };
}

/** Frames and throws for one pass over the corpus. */
function onePass(parse, stacks) {
  let frames = 0, throws = 0;
  for (const s of stacks) {
    try { frames += parse(s).length; } catch { throws++; }
  }
  sink += frames;
  return { frames, throws };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runBench({ rounds = 5, roundMs = 1000 } = {}) {
  const corpora = CORPORA.map(loadCorpus);
  const parsers = await loadParsers();
  const results = [];
  for (const corpus of corpora) {
    for (const p of parsers) {
      results.push({ corpus: corpus.name, parser: p.name, ...onePass(p.parse, corpus.stacks), rates: [] });
    }
  }
  const find = (c, p) => results.find((r) => r.corpus === c && r.parser === p);
  // Warm-up: the same work as a round (JIT tiers, wasm compilation, caches), not recorded.
  for (const corpus of corpora) for (const p of parsers) timeRound(p.parse, corpus.stacks, roundMs / 2);
  for (let r = 0; r < rounds; r++) {
    for (const corpus of corpora) {
      for (const p of parsers) {
        const t = timeRound(p.parse, corpus.stacks, roundMs);
        find(corpus.name, p.name).rates.push(t.stacks / (t.ns / 1e9));
      }
    }
    process.stderr.write(`bench: round ${r + 1}/${rounds} done\n`);
  }
  for (const r of results) Object.assign(r, { median: median(r.rates), min: Math.min(...r.rates), max: Math.max(...r.rates) });
  return { corpora, parsers, results, rounds, roundMs, sink };
}

const fmtRate = (x) => Math.round(x).toLocaleString("en-US");

function throughputTable(run) {
  const lines = [];
  for (const c of run.corpora) {
    lines.push(`### ${c.name}: ${c.stacks.length} stacks, ${c.bytes.toLocaleString("en-US")} characters`, "");
    lines.push(`Files (stacks used): ${c.files.join(", ")}.`, "");
    lines.push("| parser | stacks/s (median) | min | max | frames per pass | throws per pass |", "|---|--:|--:|--:|--:|--:|");
    const rows = run.results.filter((r) => r.corpus === c.name);
    for (const r of rows) {
      lines.push(`| ${r.parser} | **${fmtRate(r.median)}** | ${fmtRate(r.min)} | ${fmtRate(r.max)} | ${r.frames} | ${r.throws} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function sideBySide(run) {
  const names = run.parsers.map((p) => p.name);
  const lines = [
    `| corpus | ${names.map((n) => `${n} (stacks/s)`).join(" | ")} | errorbeacon ÷ @sentry/browser |`,
    `|---|${names.map(() => "--:").join("|")}|--:|`,
  ];
  for (const c of run.corpora) {
    const get = (p) => run.results.find((r) => r.corpus === c.name && r.parser === p);
    const cells = names.map((n) => fmtRate(get(n).median));
    const ratio = (get("errorbeacon").median / get("@sentry/browser").median).toFixed(2);
    lines.push(`| ${c.name} | ${cells.join(" | ")} | ${ratio}× |`);
  }
  return lines.join("\n");
}

function machineLine() {
  let model = cpus()[0]?.model ?? "unknown CPU";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) model = m[1].trim();
  } catch {}
  const load = loadavg().map((x) => x.toFixed(2)).join(" ");
  return `${availableParallelism()} CPUs (nproc), ${model}; Node ${process.version}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; load average at start ${load}`;
}

/** "commit abc1234" (+ " with uncommitted changes"), or "not a git checkout". Read-only git calls. */
function codeVersion() {
  try {
    const git = (...a) => execFileSync("git", ["-C", ROOT, ...a], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const head = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src", "pkg", "Cargo.toml", "Cargo.lock") !== "";
    return `commit ${head}${dirty ? " with uncommitted changes to src/ or pkg/" : ""}`;
  } catch {
    return "not a git checkout";
  }
}

function markdown(run, machine) {
  const parsers = run.parsers.map((p) => `- **${p.name}** ${p.version}: \`${p.call}\``).join("\n");
  return `# Benchmarks

Generated by \`scripts/bench.sh\` (which rebuilds \`pkg/\` with \`scripts/build-pkg.sh\`, then runs
\`node bench/parse.mjs --write BENCHMARKS.md\`). Do not edit by hand; rerun the command.

Machine: ${machine}.

Code measured: ${codeVersion()}.

${sizesSection().markdown}

## Stack parsing throughput

All three parsers run in one Node process on the same strings: the real captured stacks in
\`tests/fixtures/stacks\` (top-level cases whose \`stack\` is a non-empty string; nested \`cause\`/\`errors\`
stacks are not used, and Bun's file is in neither corpus: its JavaScriptCore format is neither V8 nor Gecko).

${parsers}

\`@sentry/browser\` is imported in Node as it is (its ESM build); \`defaultStackParser\` is
\`createStackParser(chromeStackLineParser, geckoStackLineParser)\` from \`@sentry/core\`, so this measures
exactly what the browser SDK runs. \`error-stack-parser\` takes an Error-like object and throws on stacks
it does not recognise; throws are caught and counted, and their time is included.

Method: one warm-up round, then ${run.rounds} rounds; in every round each parser (in turn, interleaved)
makes whole passes over the corpus for at least ${run.roundMs} ms. Stacks per second: median of the
rounds, with the slowest and fastest round. The frame counts of all results are summed into a sink
(${run.sink}) so that no call can be optimised away. "frames per pass" differs between parsers because
they disagree on what a frame is (e.g. \`@sentry/browser\` keeps at most 50 frames, error-stack-parser
skips lines it cannot read).

${sideBySide(run)}

Floors (issue 25): errorbeacon at least 2× @sentry/browser on V8 stacks and 5× on Gecko stacks.

${throughputTable(run)}
## Command

\`\`\`sh
scripts/bench.sh
\`\`\`
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const opts = args(process.argv.slice(2));
  const machine = machineLine();
  const run = await runBench(opts);
  console.log(sideBySide(run));
  console.log();
  console.log(throughputTable(run));
  console.log(`sink: ${run.sink}`);
  if (opts.write) {
    writeFileSync(resolve(ROOT, opts.write), markdown(run, machine));
    console.log(`wrote ${opts.write}`);
  }
}
