// What the wasm calls in JavaScript. Reads are defensive: a thrown value can be a Proxy whose
// every trap throws, or have getters that throw, so each access is wrapped and a failure reads
// as `undefined`. The wasm's classifier (src/web/classify.rs) builds on these few primitives.

/** Kinds of values; must match `Kind` in src/web/classify.rs. */
const K_PRIMITIVE = 0, K_NULL = 1, K_ERROR = 2, K_ERROR_EVENT = 3, K_REJECTION = 4, K_FUNCTION = 5,
  K_OBJECT = 6, K_UNREADABLE = 7;

const toStringTag = Object.prototype.toString;
const ERROR_TAGS = new Set(['[object Error]', '[object DOMException]', '[object DOMError]', '[object Exception]']);

export function ebKind(v) {
  try {
    if (v === null) return K_NULL;
    const t = typeof v;
    if (t === 'function') return K_FUNCTION;
    if (t !== 'object') return K_PRIMITIVE;
    if (typeof ErrorEvent === 'function' && v instanceof ErrorEvent) return K_ERROR_EVENT;
    if (typeof PromiseRejectionEvent === 'function' && v instanceof PromiseRejectionEvent) return K_REJECTION;
    if (v instanceof Error || ERROR_TAGS.has(toStringTag.call(v))) return K_ERROR;
    if (typeof WebAssembly === 'object' && typeof WebAssembly.Exception === 'function' && v instanceof WebAssembly.Exception) return K_ERROR;
    return K_OBJECT;
  } catch {
    return K_UNREADABLE;
  }
}

/** `v[k]`, or undefined if reading throws. */
export function ebGet(v, k) {
  try {
    return v[k];
  } catch {
    return undefined;
  }
}

/** `String(v)`, or undefined if that throws (a Symbol in a template, a throwing toString). */
export function ebString(v) {
  try {
    return typeof v === 'string' ? v : String(v);
  } catch {
    return undefined;
  }
}

// An Error's fields cross into the wasm in one go (ebErrorLoad, then ebErrorTake): a crossing
// per field, each decoding its key and encoding its text with a loop in JavaScript, was a
// fifth of a capture. Texts are cut here (in UTF-16 units) so that a 5 MB message is never
// copied whole; the wasm applies the exact byte bounds.
const encoder = new TextEncoder();
let loaded = [];
let loadedCause;
let loadedErrors;

/** Reads class name, name, message, stack, cause and errors of `v` once; returns the UTF-16
 * length of the four texts (the wasm allocates three bytes per unit for ebErrorTake). */
export function ebErrorLoad(v, maxText, maxStack) {
  const text = (k, max) => {
    const x = ebGet(v, k);
    return typeof x === 'string' ? (x.length > max ? x.slice(0, max) : x) : undefined;
  };
  // Everything is read before anything is kept: a getter may capture, and that capture's own
  // ebErrorLoad and ebErrorTake run inside these reads.
  const texts = [ebClassName(v), text('name', maxText), text('message', maxText), text('stack', maxStack)];
  const cause = ebGet(v, 'cause');
  const errors = ebGet(v, 'errors');
  loaded = texts;
  loadedCause = cause;
  loadedErrors = errors;
  let units = 0;
  for (const t of loaded) units += t === undefined ? 0 : t.length;
  return units;
}

/** Writes what ebErrorLoad read into `buf` (a view of the wasm's memory): six little-endian
 * u32s (the byte length of each text, 0xffffffff when absent; whether there is a cause; the
 * length of `errors`, 0 when not an array), then the texts' UTF-8, one after another. */
export function ebErrorTake(buf) {
  try {
    const head = new DataView(buf.buffer, buf.byteOffset, 24);
    let at = 24;
    for (let i = 0; i < 4; i++) {
      const t = loaded[i];
      let n = 0xffffffff;
      if (t !== undefined) {
        n = putText(t, buf, at);
        at += n;
      }
      head.setUint32(i * 4, n, true);
    }
    head.setUint32(16, loadedCause === undefined ? 0 : 1, true);
    head.setUint32(20, ebLen(loadedErrors), true);
  } catch {
    // The buffer stays zeroed: four empty texts, no cause, no errors.
  }
  loaded = [];
}

/** Writes `t` as UTF-8 into `buf` at `at`; returns the byte count. Short ASCII texts (class,
 * name, most messages) are stored unit by unit: each `encodeInto` call costs ~0.6 µs in
 * Chromium whatever the length, several times the loop's cost (docs/speed.md). */
function putText(t, buf, at) {
  const n = t.length;
  if (n <= 64) {
    let k = 0;
    for (; k < n; k++) {
      const c = t.charCodeAt(k);
      if (c > 0x7f) break;
      buf[at + k] = c;
    }
    if (k === n) return n;
  }
  // Not `subarray`: V8's species lookup makes it several times slower than this.
  return encoder.encodeInto(t, new Uint8Array(buf.buffer, buf.byteOffset + at, buf.length - at)).written;
}

/** The `cause` and `errors` ebErrorLoad read (each handed out once). */
export function ebErrorCause() {
  const c = loadedCause;
  loadedCause = undefined;
  return c;
}

export function ebErrorErrors() {
  const e = loadedErrors;
  loadedErrors = undefined;
  return e;
}

/** Own enumerable keys, at most `max` of them; [] if they cannot be read. */
export function ebKeys(v, max) {
  try {
    const out = [];
    for (const k in v) {
      if (out.length >= max) break;
      if (Object.prototype.hasOwnProperty.call(v, k)) out.push(k);
    }
    return out;
  } catch {
    return [];
  }
}

/** The constructor's name, when readable and not plain `Object`. */
export function ebClassName(v) {
  try {
    const c = Object.getPrototypeOf(v)?.constructor?.name;
    return typeof c === 'string' && c ? c : undefined;
  } catch {
    return undefined;
  }
}

/** Length of an array, 0 when `v` is not one. */
export function ebLen(v) {
  try {
    return Array.isArray(v) ? v.length >>> 0 : 0;
  } catch {
    return 0;
  }
}

/** `Array.isArray(v)` (false if a Proxy's trap throws). */
export function ebIsArray(v) {
  try {
    return Array.isArray(v);
  } catch {
    return false;
  }
}

/** `typeof v` (never throws). */
export function ebTypeof(v) {
  return v === null ? 'null' : typeof v;
}

// The host side of the client, filled in by api.js.
export const host = {
  /** (id, text) => boolean: does RegExp pattern `id` match? */
  match: () => false,
  /** (json, eventId, isError) => string | null | true: beforeSend on the event JSON (true: later). */
  beforeSend: (json) => json,
  /** (id, channel, body: Uint8Array) => void: starts a request the delivery policy asked for. */
  start: () => {},
  /** (ms) => void: the delivery retry timer (negative: cancel). */
  arm: () => {},
  /** (eventId, body) / (eventId) => void: the offline store. */
  storePut: () => {},
  storeDelete: () => {},
};
