// The boundary with the wasm module (src/web/lean.rs), by hand: each export does one
// whole step over bytes in linear memory. `input(n)` empties the module's arena and returns where
// to write n bytes; an export's text fields go there as `[u32 LE byte length | 0xffffffff for
// none][bytes]`; what an export writes is at `out()`, its length returned.
import { describe } from './describe.js';
import { toJson } from './ids.js';
import { framesFromTable, RECORD } from './frames-table.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Any text crosses bounded (the module cuts exactly): a 100 MB string costs a slice.
const MAX_UNITS = 1 << 20;

/** Writes `fields` (strings, Uint8Arrays, `undefined` for none, or `{ n }` for a plain u32) into
 * the module's input; returns their byte length, or -1 when the module has no room. */
export function putFields(x, fields) {
  const list = fields.map((f) => (typeof f === 'string' && f.length > MAX_UNITS ? f.slice(0, MAX_UNITS) : f));
  let cap = 0;
  for (const f of list) cap += 4 + (typeof f === 'string' ? f.length * 3 : f instanceof Uint8Array ? f.length : 0);
  const p = x.input(cap);
  if (!p) return -1;
  const bytes = new Uint8Array(x.memory.buffer, p, cap);
  const view = new DataView(x.memory.buffer, p, cap);
  let at = 0;
  for (const f of list) {
    let n = 0xffffffff;
    if (typeof f === 'string') n = encoder.encodeInto(f, bytes.subarray(at + 4)).written;
    else if (f instanceof Uint8Array) {
      bytes.set(f, at + 4);
      n = f.length;
    } else if (f && typeof f.n === 'number') n = f.n >>> 0;
    view.setUint32(at, n, true);
    at += 4;
    if (n !== 0xffffffff && (typeof f === 'string' || f instanceof Uint8Array)) at += n;
  }
  return at;
}

/** JSON text of a plain value the SDK made itself (never a value of the app's: those go
 * through describe's bounded readers first), or undefined. */
const json = (v) => (v === undefined ? undefined : toJson(v));

/** What `captureEnvelope` writes `value` from (read once, before any of it is written: a getter
 * of the value may capture too). */
export function describeFor(value, c) {
  return describe(value, c.mechanism, c.handled, c.synthetic, c.linked ?? 5);
}

/**
 * The envelope of one capture, written by the module within `limit` bytes: a copy of its bytes,
 * or null when not even the minimal event fits. `value`: what was thrown; `c`: the capture's
 * context (`eventId` 32 hex digits, `at` ms, `mechanism`, `handled`, `synthetic` stack,
 * `linked` limit) and the event's fields (`release`, `dist`, `environment`, `serverName`, `level`, `message`,
 * `sdk`, `dsn`, `sdkPrefix`; the scope's `breadcrumbs`, `user`, `request`, `contexts`, `tags`,
 * `extra`, `fingerprint` as plain values and `scopeLevel`, which overrides `level`: as
 * js/scope.js `scopeFields` gives them). `described`: `describeFor(value, c)` when already
 * read.
 */
export function captureEnvelope(x, value, c, limit, described) {
  const d = c.message !== undefined ? null : described || describeFor(value, c);
  const time = new Date(c.at).toISOString();
  const exceptions = d ? d.exceptions : [];
  const tags = d && d.tags ? { ...c.tags, ...d.tags } : c.tags;
  const extra = d && d.extra ? { ...c.extra, ...d.extra } : c.extra;
  const fields = [
    c.eventId, time, new Date().toISOString(), c.scopeLevel ?? c.level, c.release, c.dist, c.environment, c.serverName, c.message,
    json(c.breadcrumbs), json(c.user), json(c.request), json(c.contexts), json(tags), json(extra),
    json(c.fingerprint), json(c.sdk), c.dsn, c.sdkPrefix, { n: exceptions.length },
  ];
  for (const e of exceptions) fields.push(e.type, e.value, e.stack, e.synthetic_stack, json(e.mechanism));
  const len = putFields(x, fields);
  if (len < 0) return null;
  const n = x.capture(len, limit);
  return n ? new Uint8Array(x.memory.buffer, x.out(), n).slice() : null;
}

/** Sentry frames of `stack`, oldest first: offsets into the string for an ASCII stack (the
 * fast path), the module's JSON otherwise. `prefix`: the URL of errorbeacon's own files. */
export function parseStackLean(x, stack, prefix = '') {
  const s = stack.length > MAX_UNITS ? stack.slice(0, MAX_UNITS) : stack;
  const cap = (s.length + prefix.length) * 3;
  const p = x.input(cap);
  if (!p) return [];
  const mem = new Uint8Array(x.memory.buffer, p, cap);
  const head = encoder.encodeInto(prefix, mem).written;
  const { written } = encoder.encodeInto(s, mem.subarray(head));
  const n = written === s.length ? x.table(head + written, head) >>> 0 : 0xffffffff;
  if (n === 0xffffffff) {
    const len = x.parse(head + written, head);
    return JSON.parse(decoder.decode(new Uint8Array(x.memory.buffer, x.out(), len)));
  }
  // Names the wasm rewrote (ASCII: the table is for ASCII stacks only).
  const sideLen = x.side_len();
  const side = sideLen ? decoder.decode(new Uint8Array(x.memory.buffer, x.side(), sideLen)) : '';
  return framesFromTable(new Uint32Array(x.memory.buffer, x.out(), n * RECORD), n, s, side);
}
