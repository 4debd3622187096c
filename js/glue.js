// The boundary with the wasm, by hand (src/web/abi.rs has the other side and the protocol).
// wasm-bindgen's generated glue was 4.4 KB gzip of core.js; this is what the module needs:
// - JavaScript values stay here, in `vals`; the wasm holds their indices, valid until the export
//   that received them returns.
// - An export's strings are written into the module's input buffer as fields
//   `[u32 byte length | 0xffffffff for none][bytes]`, a list as its count then its fields;
//   numbers and booleans go as plain arguments.
// - A string the wasm asks for (a property, `beforeSend`'s answer) is encoded and kept in
//   `held`; the import returns its byte length (-1: none) and `take` copies it into the wasm.
// - A string an export returns is left in its output buffer (`out()`), its length returned.
// Every import catches what the host might throw (bridge.js's readers, `guard` for the host's
// callbacks): nothing escapes into the wasm.
import {
  ebKind, ebGet, ebString, ebKeys, ebClassName, ebLen, ebIsArray, ebTypeof, ebErrorLoad, ebErrorTake,
  ebErrorCause, ebErrorErrors, host,
} from './bridge.js';
import { hex16 } from './ids.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Bounds on what crosses, in UTF-16 units, so that a 100 MB string costs a slice, not its copy
// in the wasm. TEXT_UNITS: the wasm cuts a text it asks for to 8,192 characters
// (MAX_VALUE_CHARS) once it is over 32 KiB of UTF-8 (`bounded` in src/web/classify.rs); a
// text over 32,768 units is over that, and its first 32,768 units hold more than 8,192
// characters, so this cut changes nothing the wasm keeps. ARG_UNITS: any string argument (the
// module refuses a call needing over 64 MiB).
const TEXT_UNITS = 32768;
const ARG_UNITS = 8 << 20;
const cut = (s, max) => (typeof s === 'string' && s.length > max ? s.slice(0, max) : s);

/** `f()`, or `fallback` when it throws: a failing callback (a pattern, `beforeSend`, the
 * transport) costs its own result, never the capture. */
const guard = (f, fallback) => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

/** Instantiates `module` (a compiled WebAssembly.Module); returns `{ exports, glue }`, the glue
 * answering with the names the API calls. `sync`: at once (Node, Deno, Bun), else a Promise. */
export function instantiate(module, sync) {
  let x;
  const vals = [];
  let held;
  const bytes = (p, n) => new Uint8Array(x.memory.buffer, p, n);
  const text = (p, n) => decoder.decode(bytes(p, n));
  const id = (p) => hex16(bytes(p, 16));
  const val = (v) => vals.push(v) - 1;
  const hold = (s) => {
    if (typeof s !== 'string') return -1;
    held = encoder.encode(s);
    return held.length;
  };
  const imports = {
    eb: {
      kind: (h) => ebKind(vals[h]),
      get: (h, p, n) => val(ebGet(vals[h], text(p, n))),
      at: (h, i) => val(ebGet(vals[h], i)),
      // How (src/web/classify.rs TEXT_*): the string itself, String(v), typeof, class name.
      text: (h, how) => {
        const v = vals[h];
        return hold(cut(how === 0 ? v : how === 1 ? ebString(v) : how === 2 ? ebTypeof(v) : ebClassName(v), TEXT_UNITS));
      },
      // src/web/classify.rs P_*: string, false, true, number, undefined, anything else.
      prim: (h) => {
        const v = vals[h];
        const t = typeof v;
        return t === 'string' ? 0 : t === 'boolean' ? (v ? 2 : 1) : t === 'number' ? 3 : v === undefined ? 4 : 5;
      },
      // NaN for a non-number (the wasm asks `prim` only when it gets a NaN).
      num: (h) => (typeof vals[h] === 'number' ? vals[h] : NaN),
      len: (h) => ebLen(vals[h]),
      is_array: (h) => ebIsArray(vals[h]),
      keys: (h, max) => val(ebKeys(vals[h], max)),
      same: (a, b) => Object.is(vals[a], vals[b]),
      take: (p) => {
        bytes(p, held.length).set(held);
        held = undefined;
      },
      error_load: (h, maxText, maxStack) => ebErrorLoad(vals[h], maxText, maxStack),
      error_take: (p, n) => ebErrorTake(bytes(p, n)),
      error_cause: () => val(ebErrorCause()),
      error_errors: () => val(ebErrorErrors()),
      now: Date.now,
      random: Math.random,
      matches: (i, p, n) => guard(() => host.match(i, text(p, n)) === true, false),
      // beforeSend on the event JSON: a string to send; `true` when the callback returned a
      // Promise (-2: its answer comes through deliverLater); anything else, or a throw, drops
      // the event, as in Sentry.
      before_send: (p, n, e, isError) => {
        const out = guard(() => host.beforeSend(text(p, n), id(e), isError !== 0));
        return out === true ? -2 : hold(out);
      },
      // The body is a view of the wasm's memory: the transport copies what it keeps.
      start: (i, channel, p, n) => guard(() => host.start(i, channel, bytes(p, n))),
      arm: (ms) => guard(() => host.arm(ms)),
      store_put: (e, p, n) => guard(() => host.storePut(id(e), bytes(p, n))),
      store_delete: (e) => guard(() => host.storeDelete(id(e))),
    },
  };

  const size = (f) =>
    typeof f === 'string' ? 4 + f.length * 3
      : f instanceof Uint8Array ? 4 + f.length
        : Array.isArray(f) ? f.reduce((n, e) => n + size(e), 4) : 4;
  /** Writes an export's string arguments; false when the module refuses their size. */
  const args = (...list) => {
    const fields = list.map((f) => (Array.isArray(f) ? f.map((e) => cut(e, ARG_UNITS)) : cut(f, ARG_UNITS)));
    const cap = fields.reduce((n, f) => n + size(f), 0);
    const p = x.input(cap);
    if (!p) return false;
    const b = bytes(p, cap);
    const d = new DataView(b.buffer, p, cap);
    let at = 0;
    const put = (f) => {
      let n = f;
      if (typeof f === 'string') n = encoder.encodeInto(f, b.subarray(at + 4)).written;
      else if (f instanceof Uint8Array) {
        b.set(f, at + 4);
        n = f.length;
      } else if (Array.isArray(f)) n = f.length;
      else if (typeof f !== 'number') n = -1;
      d.setUint32(at, n, true);
      at += 4;
      if (Array.isArray(f)) f.forEach(put);
      else if (typeof f !== 'number' && n > 0) at += n;
    };
    fields.forEach(put);
    return true;
  };
  const out = (n) => (n < 0 ? undefined : text(x.out(), n));
  /** Runs export `f` with `v` in the table, and empties the table of what the call added. */
  const withVal = (v, f) => {
    const base = vals.length;
    try {
      return f(val(v));
    } finally {
      vals.length = base;
    }
  };

  const glue = {
    configure: (dsn, release, environment, dist, sampleRate, maxBreadcrumbs, dedupe, linked, ignore, ignoreRe,
      deny, denyRe, allow, allowRe, hasBeforeSend, prefix, offline, pii) =>
      args(dsn, release, environment, dist, prefix, ignore, ignoreRe, deny, denyRe, allow, allowRe)
        ? out(x.configure(sampleRate, maxBreadcrumbs, dedupe, linked, hasBeforeSend, offline, pii))
        : 'options too large',
    captureThrown: (value, mechanism, handled, synthetic, eventId, at) =>
      withVal(value, (h) => (args(mechanism, synthetic, eventId) ? x.capture(h, handled, at) : 0)),
    // The wasm keeps 8,192 characters of a message: 32,768 units hold them.
    captureMessage: (message, level, eventId, at) => (args(cut(message, TEXT_UNITS), level, eventId) ? x.message(at) : 0),
    countDropped: (category, n) => x.dropped(category === 'default', n),
    setUser: (user) => withVal(user, x.set_user),
    setTag: (key, value) => withVal(value, (h) => args(key) && x.set_tag(h)),
    setLevel: (level) => args(level) && x.set_level(),
    setFingerprint: (parts) => args(parts) && x.set_fingerprint(),
    setExtra: (key, value) => withVal(value, (h) => args(key) && x.set_extra(h)),
    setContext: (name, value) => withVal(value, (h) => args(name) && x.set_context(h)),
    addBreadcrumb: (crumb) => withVal(crumb, x.add_breadcrumb),
    setPage: (url, query, fragment, ua, contexts) =>
      withVal(contexts, (h) => args(url, query, fragment, ua) && x.set_page(h)),
    registerModule: (url, buildId, fnStart, fnEnd, codeStart, codeEnd, name, own) =>
      args(url, buildId, name) && x.register_module(fnStart, fnEnd, codeStart, codeEnd, own),
    pushScope: () => x.push_scope(),
    popScope: () => x.pop_scope(),
    lastEventId: () => {
      const p = x.last_event_id();
      return p ? id(p) : '';
    },
    deliveryTarget: () => out(x.delivery_target())?.split('\n') ?? [],
    deliveryDone: (i, kind, status, retryAfter, rateLimits) =>
      (args(retryAfter, rateLimits) ? x.delivery_done(i, kind, status) : 0),
    deliveryTick: () => x.delivery_tick(),
    deliveryHidden: () => x.delivery_hidden(),
    deliverLater: (eventId, json, isError) => args(eventId, json) && x.deliver_later(isError),
    deliveryRestore: (body, eventId) => args(body, eventId) && x.delivery_restore(),
    deliveryResume: () => x.delivery_resume(),
    deliveryFlush: () => x.delivery_flush() !== 0,
    deliveryIdle: () => x.delivery_idle() !== 0,
    setSdkUrlPrefix: (prefix) => args(prefix) && x.set_sdk_prefix(),
    inputBuffer: (n) => x.parse_buffer(n),
    parseInput: (n) => x.parse(n),
    framesPtr: () => x.frames(),
    sideStrings: () => out(x.side()) ?? '',
  };
  const done = (instance) => {
    x = instance.exports;
    return { exports: x, glue };
  };
  return sync
    ? done(new WebAssembly.Instance(module, imports))
    : WebAssembly.instantiate(module, imports).then(done);
}
