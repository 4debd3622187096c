// What a capture's body costs to hand over, by where its bytes go: µs per 3.5 KB body (the size
// of the capture bench's envelope) copied out of a buffer standing in for wasm memory. Fresh
// memory (a new ArrayBuffer, or a new part of a slab) against memory already touched (a pool
// reused round robin: what a transport that may keep its body rules out). docs/speed.md.
import { bodyCopier as slabs } from '../../js/transport.js';

const BODY = 3500;
const PER_ROUND = 1000;
const ROUNDS = 15;
const src = new Uint8Array(BODY);
for (let i = 0; i < BODY; i++) src[i] = 32 + (i % 90);

/** Eight 64 KiB slabs reused round robin: touched memory, unsafe for a real transport. */
function pool() {
  const all = Array.from({ length: 8 }, () => new Uint8Array(65536));
  let i = 0;
  let at = 0;
  return (view) => {
    const n = view.length;
    if (at + n > 65536) {
      i = (i + 1) % all.length;
      at = 0;
    }
    const out = new Uint8Array(all[i].buffer, at, n);
    out.set(view);
    at += (n + 7) & ~7;
    return out;
  };
}

const variants = {
  'slab 16 KiB': slabs(16384),
  'slab 64 KiB (shipped)': slabs(65536),
  'slab 256 KiB': slabs(262144),
  'slice (own ArrayBuffer)': (v) => v.slice(),
  'allocation only (no copy)': (v) => new Uint8Array(v.length),
  'touched pool (unsafe)': pool(),
};

// The last 200 bodies stay reachable, as a transport's in-flight requests would.
const kept = [];
function round(copy) {
  const t0 = performance.now();
  for (let i = 0; i < PER_ROUND; i++) {
    kept.push(copy(src));
    if (kept.length > 200) kept.length = 0;
  }
  return ((performance.now() - t0) * 1000) / PER_ROUND;
}

const rounds = {};
for (const k of Object.keys(variants)) rounds[k] = [];
for (let r = 0; r < ROUNDS; r++) for (const [k, f] of Object.entries(variants)) rounds[k].push(round(f));
fetch('/result', { method: 'POST', body: JSON.stringify({ rounds, isolated: self.crossOriginIsolated }) });
