// One JS function describes any thrown value (issue 25, decision 2: "JS reads thrown values"):
// the value, its `cause` chain and `AggregateError` children become plain data, the event's
// `exception.values` in order (and its `extra` and `tags`), which the wasm writes as they are.
// It makes what src/web/classify.rs read and src/capture/{mod,linked,bound}.rs made of a value
// until now, field for field: tests/node/describe.test.mjs compares the two on every kind of
// value. Bounds are src/limits.rs's, written as numbers where they are used (this ships to
// every page): MAX_VALUE_CHARS 8192, MAX_TYPE_CHARS 256, MAX_LINKED_ERRORS 5, MAX_EXTRA_* 3
// deep, 100 wide, 1024 characters, MAX_KEYS_IN_MESSAGE 10, MAX_VALUE_CHARS_IN_MESSAGE 60.
//
// Every read of the value is guarded: a Proxy whose traps throw, a throwing getter or a revoked
// Proxy reads as `undefined` (or as unreadable). Past its getters and traps, nothing of the
// value's is called: no toString, valueOf or toJSON (`String()` of a primitive calls none).

/** `v[k]` (of typeof `type`, if given), or undefined when reading throws. */
function get(v, k, type) {
  try {
    const x = v[k];
    return type && typeof x !== type ? undefined : x;
  } catch {
    return undefined;
  }
}

// What the old boundary's ebKind answered (js/bridge.js, deleted with issue 25's switch): 0 primitive, 1 null, 2 Error (any realm, DOMException,
// WebAssembly.Exception), 3 ErrorEvent, 4 PromiseRejectionEvent, 5 function, 6 object,
// 7 unreadable (reading threw); describe adds 8: rejection events nested too deep.
const ERROR_TAG = /^\[object (Error|DOMException|DOMError|Exception)]$/;
const isA = (v, c) => typeof c === 'function' && v instanceof c;
function kind(v) {
  try {
    const t = typeof v;
    const g = globalThis;
    return v === null ? 1 : t === 'function' ? 5 : t !== 'object' ? 0
      : isA(v, g.ErrorEvent) ? 3 : isA(v, g.PromiseRejectionEvent) ? 4
        : v instanceof Error || ERROR_TAG.test(Object.prototype.toString.call(v)) || isA(v, g.WebAssembly?.Exception) ? 2 : 6;
  } catch {
    return 7;
  }
}

/** Own enumerable keys, at most 100 (MAX_EXTRA_BREADTH); none if listing them throws. */
function keys(v) {
  try {
    const out = [];
    for (const k in v) {
      if (out.length > 99) break;
      if (Object.prototype.hasOwnProperty.call(v, k)) out.push(k);
    }
    return out;
  } catch {
    return [];
  }
}

/** The constructor's name, when there is one. */
function className(v) {
  try {
    const c = Object.getPrototypeOf(v)?.constructor?.name;
    return typeof c === 'string' && c ? c : undefined;
  } catch {
    return undefined;
  }
}

/** Length of an array; 0 for anything else. */
function len(v) {
  try {
    return Array.isArray(v) ? v.length >>> 0 : 0;
  } catch {
    return 0;
  }
}

/** `s` cut to `max` characters (code points, as Rust's `chars`), the last one then `…`
 * (src/text.rs truncate_chars). A lone surrogate counts one: it crosses as one U+FFFD. */
export function cut(s, max) {
  if (s.length <= max) return s;
  let i = 0;
  for (let n = 1; n < max; n++) i += s.codePointAt(i) > 0xffff ? 2 : 1;
  return s.length - i > (s.codePointAt(i) > 0xffff ? 2 : 1) ? s.slice(0, i) + '…' : s;
}

/** Bytes of `s` in UTF-8 (a lone surrogate: 3, as its U+FFFD). */
export function utf8(s) {
  let n = 0;
  for (const c of s) {
    const p = c.codePointAt(0);
    n += p < 0x80 ? 1 : p < 0x800 ? 2 : p > 0xffff ? 4 : 3;
  }
  return n;
}

/** Rust's order of `str`s (by code point; `<` compares UTF-16 units, which differs past
 * U+FFFF): src/protocol/map.rs keeps maps sorted, and a thrown object's message lists its
 * keys sorted. */
function byCodePoint(a, b) {
  for (let i = 0; ; i++) {
    const x = a.codePointAt(i) ?? -1;
    const y = b.codePointAt(i) ?? -1;
    if (x !== y || x < 0) return x - y;
  }
}

/** A finite number ≥ 0 as Rust's `n as u32` makes it; undefined for anything else. */
const u32 = (n) => (typeof n === 'number' && n >= 0 && n < Infinity ? Math.min(Math.floor(n), 4294967295) : undefined);

/** A copy of `v` as data, 3 deep and 100 wide (src/web/classify.rs to_value). Numbers stay
 * numbers: `bound` writes those JSON would not keep whole as strings, as `Value::Float` is.
 * Objects have no prototype, so that a key `__proto__` is a key. */
export function toValue(v, depth) {
  const k = kind(v);
  const t = typeof v;
  if (k < 2) return k ? null : t === 'string' || t === 'number' || t === 'boolean' ? v : v === undefined ? '[undefined]' : String(v);
  if (k === 5) {
    const name = get(v, 'name', 'string');
    return name ? `[Function: ${name}]` : '[Function]';
  }
  if (k > 6) return '[unreadable]';
  if (depth > 2) return '[Object]';
  const m = { __proto__: null };
  if (k === 2) {
    for (const key of ['name', 'message', 'stack']) {
      const s = get(v, key, 'string');
      if (s !== undefined) m[key] = s;
    }
    return m;
  }
  if (Array.isArray(v)) return Array.from({ length: Math.min(len(v), 100) }, (_, i) => toValue(get(v, i), depth + 1));
  for (const key of keys(v)) m[key] = toValue(get(v, key), depth + 1);
  return m;
}

/** `extra.__serialized__` from a toValue copy (src/capture/bound.rs bound_value): strings cut
 * to 1024 characters, then, past 16 KiB of strings and keys (spent in key order), markers.
 * toValue already kept no container deeper or wider than bound_value's other bounds. */
export function bound(x) {
  let budget = 16384;
  const walk = (x) => {
    if (budget <= 0) return '[truncated]';
    if (typeof x === 'string' || (typeof x === 'number' && !Number.isSafeInteger(x))) {
      x = cut(String(x), 1024);
      budget -= utf8(x) + 2;
      return x;
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object') {
      const o = { __proto__: null };
      for (const k of Object.keys(x).sort(byCodePoint)) {
        const key = cut(k, 1024);
        budget -= utf8(key) + 3;
        o[key] = walk(x[k]);
      }
      return o;
    }
    budget -= 8;
    return x;
  };
  return walk(x);
}

/** One value of a thrown object in its message (src/capture/mod.rs render_value); at most 60
 * characters already. */
function render(x) {
  if (x === undefined) return '…';
  if (typeof x === 'string') return `"${cut(x, 58)}"`;
  if (x === null || typeof x !== 'object') return String(x);
  if (Array.isArray(x)) return x.length ? '[…]' : '[]';
  return Object.keys(x).length ? '{…}' : '{}';
}

const UNREADABLE = 'Unreadable value captured as exception: ';

/**
 * Describes a thrown value: the event's exceptions in `exception.values` order (the value's
 * own last), and the `extra` and `tags` it decides (the event's level is `error` whatever it is).
 * @param {*} value what was thrown or rejected, or an ErrorEvent / PromiseRejectionEvent
 * @param {string} mechanism `generic`, `onerror`, `onunhandledrejection`, `console`, …
 * @param {boolean} handled
 * @param {string} [syntheticStack] a stack the SDK took where it saw the value
 * @param {number} linkedLimit linked exceptions kept besides the value's own
 * @returns {{exceptions: object[], extra?: object, tags?: object}}
 */
export function describe(value, mechanism, handled, syntheticStack, linkedLimit) {
  const mech = { type: typeof mechanism === 'string' ? cut(mechanism, 256) : '', handled: !!handled };
  try {
    const rejection = mechanism === 'onunhandledrejection';
    const seen = [];
    const exceptions = [];
    const out = { exceptions };

    // `v` as `{ e: its exception, c: [source, value] of its children, g: a group, t: typeof a
    // non-Error, h: a "Script error" }`; undefined for an Error already seen (a cycle, cut).
    const make = (v, root) => {
      let k = kind(v);
      for (let n = 0; k === 4; ) {
        if (n++ > 7) k = 8;
        else k = kind((v = get(v, 'reason')));
      }
      if (k === 3) {
        const error = get(v, 'error');
        if (kind(error) === 2) (v = error), (k = 2);
      }
      const other = rejection && root;
      const nonError = (t, text) => ({ e: { type: other ? 'UnhandledRejection' : 'Error', value: cut(text, 8192) }, c: [], t });
      if (k < 2) {
        const t = k ? 'null' : typeof v;
        const s = t === 'symbol' ? `Symbol(${get(v, 'description', 'string') ?? ''})` : String(v) + (t === 'bigint' ? 'n' : '');
        return nonError(t, other ? 'Non-Error promise rejection captured with value: ' + s : s);
      }
      if (k === 5) return nonError('function', 'Function captured as exception: ' + (get(v, 'name', 'string') || '<anonymous>'));
      if (k > 6) return nonError('unreadable', UNREADABLE + (k > 7 ? 'rejection events nested too deep' : 'reading the value threw'));
      if (k === 6) {
        const listed = keys(v).sort(byCodePoint);
        const data = toValue(v, 0);
        const cls = className(v);
        let names = listed.slice(0, 10).map((key) => key + '=' + render(Array.isArray(data) ? undefined : data[key])).join(', ');
        if (listed.length > 10) names += ', …';
        if (root) out.extra = { __serialized__: bound(data) };
        return nonError('object', `${cls && cls !== 'Object' ? `'${cls}'` : 'Object'} captured as ${other ? 'promise rejection' : 'exception'} with ${names ? 'keys: ' + names : 'no keys'}`);
      }
      if (k === 3) {
        // An ErrorEvent without an Error (a cross-origin "Script error."): its location is the
        // one frame. The filename crossed as at most 32,768 units, and past 32 KiB of UTF-8
        // was cut to 8192 characters (classify.rs `bounded`).
        const message = get(v, 'message', 'string');
        const file = get(v, 'filename', 'string')?.slice(0, 32768);
        const at = `:${u32(get(v, 'lineno')) ?? 0}:${u32(get(v, 'colno')) ?? 0}`;
        const e = { type: 'Error', value: cut(message ?? '', 8192) };
        if (file) e.stack = '    at ' + (utf8(file) > 32768 ? cut(file, 8192) : file) + at;
        return { e, c: [], h: root && /^Script error\.*$/.test(message) };
      }
      if (seen.includes(v)) return undefined;
      seen.push(v);
      const cls = className(v);
      const name = get(v, 'name', 'string');
      const message = get(v, 'message', 'string');
      const stack = get(v, 'stack', 'string');
      const cause = get(v, 'cause');
      const list = get(v, 'errors');
      const n = Math.min(len(list), 6);
      const e = { type: cut(name || cls || 'Error', 256), value: cut(message ?? '', 8192) };
      // MAX_STACK_BYTES in units: the parser cuts the bytes.
      if (stack !== undefined) e.stack = stack.slice(0, 262144);
      if (cls === 'DOMException') {
        const code = u32(get(v, 'code'));
        if (root && code !== undefined) out.tags = { 'DOMException.code': String(code) };
      }
      // Children only while at most 6 Errors were read (classify.rs `error`: MAX_LINKED_ERRORS
      // plus one, counting every Error so far, not this one's depth), at most 6 of `errors`.
      const c = [];
      const more = seen.length < 7;
      if (more && cause !== undefined) c.push(['cause', cause]);
      for (let i = 0; more && i < n; i++) c.push([`errors[${i}]`, get(list, i)]);
      return { e, c, g: more && n > 0 };
    };

    // Depth-first, `cause` before `errors`, at most `limit` besides the root (linked.rs).
    const limit = linkedLimit >= 0 ? linkedLimit : 5;
    const walk = (x, parent) => {
      for (const [source, v] of x.c) {
        if (exceptions.length > limit) return;
        const y = make(v, false);
        if (!y) continue;
        const id = exceptions.length;
        y.e.mechanism = { type: 'chained', source, exception_id: id, parent_id: parent };
        if (y.g) y.e.mechanism.is_exception_group = true;
        exceptions.push(y.e);
        walk(y, id);
      }
    };

    const root = make(value, true);
    exceptions.push(root.e);
    walk(root, 0);
    if (root.t) (mech.synthetic = true), (mech.data = { thrown_type: root.t });
    if (root.h) mech.data = { hint: SCRIPT_ERROR_HINT };
    if (exceptions[1]) {
      mech.exception_id = 0;
      if (root.g) mech.is_exception_group = true;
    }
    root.e.mechanism = mech;
    // The root's frames when its own stack gives none (src/capture/mod.rs): the SDK's frames
    // go, through the outermost `__errorbeacon` one.
    if (typeof syntheticStack === 'string') root.e.synthetic_stack = syntheticStack.slice(0, 262144);
    exceptions.reverse();
    return out;
  } catch {
    // Only the engine gets here (out of stack while capturing a stack overflow).
    mech.synthetic = true;
    mech.data = { thrown_type: 'unreadable' };
    return { exceptions: [{ type: 'Error', value: UNREADABLE + 'reading the value threw', mechanism: mech }] };
  }
}

const SCRIPT_ERROR_HINT = "the browser withheld this error's message and stack: it came from a cross-origin script " +
  '(serve it with Access-Control-Allow-Origin and load it with crossorigin="anonymous"), or, in Safari and other ' +
  'WebKit browsers, from a built-in API that threw inside a timer or event callback';
