// Chooses the order of the npm module's functions for gzip, as the page downloads it.
//
//   node scripts/wasm-order.mjs <in.wasm> <out.wasm>
//
// deflate finds repeats only within its 32 KiB window, and the module's code is ~110 KiB, so
// which functions sit next to each other changes the compressed size: random orders of the same
// code measured +0.7 to +0.9 KiB gzip against rustc's, this greedy one −0.5 KiB (docs/size.md).
// Starting from the largest function, it appends each time the function that costs least to
// compress after the last ones laid out (gzip of tail + candidate, less gzip of each alone).
//
// wasm-opt does the moving: this script writes a name section in which each function's name is
// its rank (`f000042`), and build-pkg.sh then runs wasm-opt's `--reorder-functions-by-name`,
// which renumbers calls, exports and the table, and drops the names. <in.wasm> is the optimized
// module; its own name section, if any, is replaced. Deterministic: same input, same order.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// How much of what was laid out last a candidate is compressed after: the last 20 functions,
// at most 8 KiB (wider windows, up to deflate's 32 KiB, measured no better and 10x slower).
const TAIL_FUNCTIONS = 20;
const TAIL_BYTES = 8192;

function fail(message) {
  console.error(`wasm-order: ${message}`);
  process.exit(1);
}

/** The module's imported function count and its function bodies, in index order. */
function readModule(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100 || bytes.readUInt32LE(4) !== 1) {
    fail('not a wasm module (version 1)');
  }
  let p = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (p >= bytes.length || shift > 28) fail(`bad LEB128 at byte ${p}`);
      const b = bytes[p++];
      value |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return value >>> 0;
      shift += 7;
    }
  };
  const limits = () => {
    const flags = bytes[p++];
    leb();
    if (flags & 1) leb();
  };
  const sections = [];
  let imported = 0;
  const bodies = [];
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    const start = p;
    const end = start + size;
    if (end > bytes.length) fail(`section ${id} runs past the end`);
    let name = null;
    if (id === 0) {
      const n = leb();
      name = bytes.subarray(p, p + n).toString();
    } else if (id === 2) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < 2; k++) {
          const n = leb(); // module, then field name
          p += n;
        }
        const kind = bytes[p++];
        if (kind === 0) {
          leb();
          imported++;
        } else if (kind === 1) {
          p++; // reference type
          limits();
        } else if (kind === 2) {
          limits();
        } else if (kind === 3) {
          p += 2; // value type, mutability
        } else {
          fail(`import kind ${kind} not understood`);
        }
      }
    } else if (id === 10) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        const n = leb();
        bodies.push(bytes.subarray(p, p + n));
        p += n;
      }
      if (p !== end) fail('code section length mismatch');
    }
    sections.push({ id, start, end, name });
    p = end;
  }
  return { sections, imported, bodies };
}

/** Function indices in the order to lay them out. */
function greedyOrder(bodies) {
  const gz = (buf) => gzipSync(buf, { level: 9 }).length;
  const alone = bodies.map(gz);
  const left = new Set(bodies.keys());
  const order = [];
  let first = 0;
  for (const i of left) if (bodies[i].length > bodies[first].length) first = i;
  order.push(first);
  left.delete(first);
  while (left.size) {
    const tail = Buffer.concat(order.slice(-TAIL_FUNCTIONS).map((i) => bodies[i])).subarray(-TAIL_BYTES);
    const base = gz(tail);
    let best = -1;
    let bestCost = Infinity;
    for (const i of left) {
      const cost = gz(Buffer.concat([tail, bodies[i]])) - base - alone[i];
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    order.push(best);
    left.delete(best);
  }
  return order;
}

function uleb(v) {
  const out = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function name(text) {
  const b = Buffer.from(text);
  return [...uleb(b.length), ...b];
}

/** A name section naming every function by where it should go (imports keep their place). */
function rankNames(imported, order) {
  const rank = new Array(order.length);
  order.forEach((f, k) => (rank[f] = k));
  const entries = [];
  for (let i = 0; i < imported; i++) entries.push(...uleb(i), ...name(`a${String(i).padStart(6, '0')}`));
  rank.forEach((r, i) => entries.push(...uleb(imported + i), ...name(`f${String(r).padStart(6, '0')}`)));
  const functionNames = [...uleb(imported + rank.length), ...entries];
  const payload = [...name('name'), 1, ...uleb(functionNames.length), ...functionNames];
  return Buffer.from([0, ...uleb(payload.length), ...payload]);
}

const [input, output] = process.argv.slice(2);
if (!input || !output) fail('usage: node scripts/wasm-order.mjs <in.wasm> <out.wasm>');
const bytes = readFileSync(input);
const { sections, imported, bodies } = readModule(bytes);
if (bodies.length === 0) fail('no code section');
const parts = [bytes.subarray(0, 8)];
for (const s of sections) {
  if (s.id === 0 && s.name === 'name') continue;
  parts.push(Buffer.from([s.id, ...uleb(s.end - s.start)]), bytes.subarray(s.start, s.end));
}
parts.push(rankNames(imported, greedyOrder(bodies)));
writeFileSync(output, Buffer.concat(parts));
