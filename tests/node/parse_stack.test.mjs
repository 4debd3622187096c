// parseStack (pkg/node.js, the built wasm) against the real captured stacks in tests/fixtures/stacks.
//
// For every record (case, and recursively its `cause` / `errors`) whose `expected_frames` is not null,
// the parsed frames must match the truth frame for frame, oldest first:
//   raw_function ?? function  === expected.function   (null ⇔ absent)
//   abs_path, lineno, colno   === expected             (null ⇔ absent)
//   wasm frames (in_wasm):      instruction_addr === expected, platform === "native"
// and the frame counts must agree. See tests/fixtures/README.md for the fixture schema.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parseStack } from "../../pkg/node.js";

const STACKS = fileURLToPath(new URL("../fixtures/stacks/", import.meta.url));

/** [{ engine, file, data }] for every tests/fixtures/stacks/<engine>/<file>.json, sorted. */
function loadFixtures() {
  const out = [];
  for (const engine of readdirSync(STACKS).sort()) {
    const dir = join(STACKS, engine);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
      out.push({ engine, file: `${engine}/${file}`, data: JSON.parse(readFileSync(join(dir, file), "utf8")) });
    }
  }
  return out;
}

/** The record and its nested `cause` / `errors` records, each with a readable label. */
function* records(record, label) {
  yield { record, label };
  if (record.cause && typeof record.cause === "object") yield* records(record.cause, `${label} > cause`);
  if (Array.isArray(record.errors)) {
    for (const [i, e] of record.errors.entries()) if (e && typeof e === "object") yield* records(e, `${label} > errors[${i}]`);
  }
}

const orNull = (v) => (v === undefined ? null : v);

/** The compared fields of one expected frame. */
function expectedView(f) {
  const v = { function: f.function, abs_path: f.abs_path, lineno: f.lineno, colno: f.colno };
  if (f.in_wasm) Object.assign(v, { instruction_addr: f.instruction_addr, platform: "native" });
  return v;
}

/** The same fields of a parsed frame; `wasm` says whether the expected frame at this index is a wasm one. */
function actualView(f, wasm) {
  if (f === null || typeof f !== "object") return { not_a_frame: f };
  const v = {
    function: orNull(f.raw_function ?? f.function),
    abs_path: orNull(f.abs_path),
    lineno: orNull(f.lineno),
    colno: orNull(f.colno),
  };
  if (wasm) Object.assign(v, { instruction_addr: orNull(f.instruction_addr), platform: orNull(f.platform) });
  return v;
}

const fixtures = loadFixtures();
const tally = new Map(); // engine -> { pass, total, files: Map(file -> {pass, total}) }

test("fixtures are present", () => {
  assert.ok(fixtures.length > 0, `no fixture files under ${STACKS}`);
});

for (const { engine, file, data } of fixtures) {
  describe(file, () => {
    for (const c of data.cases) {
      for (const { record, label } of records(c, c.id)) {
        if (record.expected_frames === null || record.expected_frames === undefined) continue;
        const e = tally.get(engine) ?? { pass: 0, total: 0, files: new Map() };
        tally.set(engine, e);
        const fileCount = e.files.get(file) ?? { pass: 0, total: 0 };
        e.files.set(file, fileCount);
        e.total++;
        fileCount.total++;
        test(label, () => {
          const frames = parseStack(record.stack);
          assert.ok(Array.isArray(frames), "parseStack must return an array");
          const expected = record.expected_frames.map(expectedView);
          const actual = frames.map((f, i) => actualView(f, Boolean(record.expected_frames[i]?.in_wasm)));
          assert.deepStrictEqual(actual, expected, `frames of ${label} differ (stack: ${JSON.stringify(record.stack)})`);
          e.pass++;
          fileCount.pass++;
        });
      }
    }
  });
}

after(() => {
  const lines = ["parseStack vs fixtures (records with expected_frames):"];
  let pass = 0, total = 0;
  for (const [engine, e] of [...tally].sort()) {
    lines.push(`  ${engine.padEnd(9)} ${String(e.pass).padStart(4)} / ${String(e.total).padEnd(4)} passed`);
    for (const [file, f] of e.files) lines.push(`    ${file.padEnd(30)} ${String(f.pass).padStart(4)} / ${f.total}`);
    pass += e.pass;
    total += e.total;
  }
  lines.push(`  ${"all".padEnd(9)} ${String(pass).padStart(4)} / ${total} passed`);
  console.log(lines.join("\n"));
});

describe("parseStack never throws", () => {
  const hostile = [
    ["undefined", undefined],
    ["null", null],
    ["number", 42],
    ["NaN", NaN],
    ["bigint", 42n],
    ["boolean", true],
    ["symbol", Symbol("stack")],
    ["function", () => {}],
    ["plain object", { stack: "Error: x\n    at f (a.js:1:2)" }],
    ["array", ["    at f (a.js:1:2)"]],
    ["Error object", new Error("boom")],
    ["object whose toString throws", { toString() { throw new Error("no"); } }],
    ["Proxy that throws on every trap", new Proxy({}, { get() { throw new Error("trap"); }, has() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } })],
    ["empty string", ""],
    ["lone surrogates", "Error: \ud800\n    at \udfff (a.js:1:2)"],
    ["NUL bytes", "Error\0\n    at f\0 (a.js:1:2)\0"],
    ["numbers overflowing u32/u64", "    at f (a.js:99999999999999999999999:4294967296)\n    at wasm://wasm/x:wasm-function[99999999999999999999]:0xffffffffffffffffffffffff"],
  ];
  for (const [name, value] of hostile) {
    test(name, () => {
      let frames;
      assert.doesNotThrow(() => { frames = parseStack(value); });
      assert.ok(Array.isArray(frames), `returns an array for ${name}`);
    });
  }

  const TEN_MB = 10 * 1024 * 1024;
  const line = "    at Object.someFunction [as run] (http://127.0.0.1:8765/app-a/src/storefront.js:168:51)\n";
  const huge = [
    ["10 MB of V8 frames", "Error: big\n" + line.repeat(Math.ceil(TEN_MB / line.length))],
    ["10 MB of Gecko frames", "someFunction@http://127.0.0.1:8765/a.js:1:2\n".repeat(Math.ceil(TEN_MB / 44))],
    ["one 10 MB line", "Error: " + "x".repeat(TEN_MB)],
    ["10 MB function name", "    at " + "f".repeat(TEN_MB) + " (a.js:1:2)"],
    ["10 MB of newlines", "\n".repeat(TEN_MB)],
  ];
  for (const [name, value] of huge) {
    test(name, { timeout: 60_000 }, () => {
      let frames;
      assert.doesNotThrow(() => { frames = parseStack(value); });
      assert.ok(Array.isArray(frames), `returns an array for ${name}`);
    });
  }
});
