// The public API of the npm package (API.md §1). Platform-neutral: the entry points decide
// how the wasm is loaded. Nothing here throws into the host.

import { ready, wasm } from './wasm-state.js';

// Must match src/web/parse_export.rs.
const RECORD = 13;
const HAS_FN = 1, FN_SIDE = 2, HAS_RAW = 4, HAS_ABS = 8, HAS_FILE = 16, HAS_LINE = 32,
  HAS_COL = 64, IN_APP = 128, WASM = 256, HAS_ADDR = 512, HAS_FUNC_ID = 1024;
const SIDE_PRESENT = 0x80000000;
const SOURCE_ANONYMOUS = HAS_ABS | HAS_FILE | HAS_LINE | HAS_COL;
const SOURCE_NAMED = HAS_FN | SOURCE_ANONYMOUS;
// Same bound as MAX_STACK_BYTES in src/limits.rs: each UTF-16 unit is at least one byte.
const MAX_UNITS = 256 * 1024;

const encoder = new TextEncoder();
let options = null;
let sdkPrefixSet = false;

function debugWarn(...args) {
  try {
    if (options && options.debug) console.warn('[errorbeacon]', ...args);
  } catch {
    // console itself may be hostile; nothing to do.
  }
}

function glue() {
  if (wasm && !sdkPrefixSet) {
    sdkPrefixSet = true;
    try {
      wasm.glue.setSdkUrlPrefix(new URL('./', import.meta.url).href);
    } catch {
      // import.meta.url may be opaque in some bundles; the built-in heuristics still apply.
    }
  }
  return wasm;
}

/**
 * Starts errorbeacon. Resolves once the module is loaded; never rejects.
 * @param {object} [opts]
 */
export async function init(opts = {}) {
  try {
    options = opts && typeof opts === 'object' ? { ...opts } : {};
    await ready();
    glue();
  } catch (e) {
    debugWarn('could not load the wasm module:', e);
  }
}

/**
 * Parses an `error.stack` string into Sentry frames, oldest first. Pure; returns [] for
 * anything that is not a stack (or before the module has loaded in a browser).
 * @param {string} stack
 */
export function parseStack(stack) {
  const w = glue();
  if (!w || typeof stack !== 'string' || stack.length === 0) return [];
  try {
    const s = stack.length > MAX_UNITS ? stack.slice(0, MAX_UNITS) : stack;
    const g = w.glue;
    const cap = s.length * 3;
    const ptr = g.inputBuffer(cap);
    if (!ptr) return [];
    const { written } = encoder.encodeInto(s, new Uint8Array(w.exports.memory.buffer, ptr, cap));
    const result = g.parseInput(written) >>> 0;
    const n = result & ~SIDE_PRESENT;
    if (n === 0) return [];
    // sideStrings() may grow memory, so it runs before the table view is made.
    const side = result & SIDE_PRESENT ? g.sideStrings() : '';
    const t = new Uint32Array(w.exports.memory.buffer, g.framesPtr(), n * RECORD);
    const out = new Array(n);
    for (let i = 0, o = 0; i < n; i++, o += RECORD) {
      const f = t[o + 10];
      const shape = f & ~IN_APP;
      let frame;
      // The two shapes most frames have get one object literal each, so that engines see
      // few hidden classes; anything else is built field by field.
      if (shape === SOURCE_NAMED) {
        frame = {
          function: s.slice(t[o], t[o + 1]),
          filename: s.slice(t[o + 6], t[o + 7]),
          abs_path: s.slice(t[o + 4], t[o + 5]),
          lineno: t[o + 8],
          colno: t[o + 9],
          in_app: (f & IN_APP) !== 0,
        };
      } else if (shape === SOURCE_ANONYMOUS) {
        frame = {
          filename: s.slice(t[o + 6], t[o + 7]),
          abs_path: s.slice(t[o + 4], t[o + 5]),
          lineno: t[o + 8],
          colno: t[o + 9],
          in_app: (f & IN_APP) !== 0,
        };
      } else {
        frame = {};
        if (f & HAS_FN) frame.function = (f & FN_SIDE ? side : s).slice(t[o], t[o + 1]);
        if (f & HAS_RAW) frame.raw_function = s.slice(t[o + 2], t[o + 3]);
        if (f & HAS_FILE) frame.filename = s.slice(t[o + 6], t[o + 7]);
        if (f & HAS_ABS) frame.abs_path = s.slice(t[o + 4], t[o + 5]);
        if (f & HAS_LINE) frame.lineno = t[o + 8];
        if (f & HAS_COL) frame.colno = t[o + 9];
        frame.in_app = (f & IN_APP) !== 0;
        if (f & WASM) frame.platform = 'native';
        if (f & HAS_ADDR) frame.instruction_addr = '0x' + t[o + 11].toString(16);
        if (f & HAS_FUNC_ID) frame.function_id = '0x' + t[o + 12].toString(16);
      }
      out[i] = frame;
    }
    return out;
  } catch (e) {
    debugWarn('parseStack failed:', e);
    return [];
  }
}
