// js/describe.js, the reader of thrown values, on a corpus of every kind of value, hostile ones
// included. Two checks per value:
// - the event the built package sends has in its `exception.values` (type, value, mechanism,
//   frames), `extra` and `tags` what describe() returned, the frames parsed from the stack text
//   it names (errorbeacon's own parseStack), a synthetic stack cut at the SDK's outermost entry
//   frame as the writer cuts it: the wasm writes the description as it is;
// - the description is what the package made of the value before describe() existed
//   (src/web/classify.rs and src/capture/*, deleted with issue 25's switch): the events of that
//   package, recorded in tests/fixtures/described.json (type, value and mechanism of each
//   exception, extra, tags; entries over 2 KB as a SHA-256 of their JSON). Recorded with
//   `EB_DESCRIBED=write node --test tests/node/describe.test.mjs` against that package (commit
//   dad378b); the one known difference is asserted in the last test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as eb from '../../pkg/node.js';
import { describe as describeValue } from '../../js/describe.js';

const PINNED = new URL('../fixtures/described.json', import.meta.url);
const WRITE = process.env.EB_DESCRIBED === 'write';
const pinned = WRITE ? {} : JSON.parse(readFileSync(PINNED, 'utf8'));
const labels = new Map();
after(() => {
  if (WRITE) writeFileSync(PINNED, `{\n${Object.entries(pinned).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`);
});

/** JSON.stringify's replacer for objects with their keys in order: a record does not depend on
 * the order a writer put them in. */
const sorted = (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);

/** What a description says of a value, as recorded: its JSON, or that JSON's SHA-256 when long.
 * Stacks in it name this file by URL, line and column: those are left out. */
function record(exceptions, extra, tags) {
  const json = JSON.stringify({ exceptions: exceptions.map(({ type, value, mechanism }) => ({ type, value, mechanism })), extra, tags }, sorted)
    .replace(/(file:\/\/)?[^\s"()]*\/tests\/node\/describe\.test\.mjs(:\d+:\d+)?/g, 'describe.test.mjs')
    .replace(/\(node:[\w/]+:\d+:\d+\)/g, '(node)');
  return json.length > 2048 ? { sha256: createHash('sha256').update(json).digest('hex'), length: json.length } : JSON.parse(json);
}

/** Compares what `event` says with the record of `label` (or records it, in write mode). Labels
 * repeat across calls (the same value under several options): the n-th use is `label #n`. */
function assertPinned(event, d, label) {
  const n = (labels.get(label) ?? 0) + 1;
  labels.set(label, n);
  const key = n > 1 ? `${label} #${n}` : label;
  if (WRITE) {
    pinned[key] = record(event.exception.values, event.extra, event.tags);
    return;
  }
  assert.ok(key in pinned, `${key}: recorded in tests/fixtures/described.json`);
  assert.deepStrictEqual(record(d.exceptions, d.extra, d.tags), pinned[key], `${key}: as the package described it before`);
}

// The SDK raises the limit to 50 for its synthetic stack; at Infinity both stacks compared
// keep every frame.
Error.stackTraceLimit = Infinity;

// Browser globals the handlers and the classifier look for: an event target for `error` and
// `unhandledrejection`, and the two event classes (ebKind tests `instanceof` against them).
const target = new EventTarget();
globalThis.addEventListener = target.addEventListener.bind(target);
globalThis.removeEventListener = target.removeEventListener.bind(target);
globalThis.ErrorEvent = class ErrorEvent extends Event {
  constructor(type, init = {}) {
    super(type);
    Object.assign(this, init);
  }
};
globalThis.PromiseRejectionEvent = class PromiseRejectionEvent extends Event {
  constructor(type, init = {}) {
    super(type);
    Object.assign(this, init);
  }
};
// console.error(err) is captured (mechanism `console`); the original prints nothing.
console.error = () => {};

const events = [];
async function configure(linkedErrors) {
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async () => ({ status: 200, headers: {} }),
    beforeSend: (event) => {
      events.push(event);
      return null;
    },
    integrations: { dedupe: false, breadcrumbs: false, console: ['error'], linkedErrors },
  });
  eb.lastEventId(); // configures the client now
}

before(() => configure(undefined));

/** What api.js's syntheticStack passes: nothing for an `instanceof Error`, else a stack. */
function sdkWouldTakeStack(value) {
  try {
    return !(value instanceof Error);
  } catch {
    return true;
  }
}

// Captures `value` with `call` from inside a frame named like the SDK's entry points, and
// takes a stack there: cut at that frame (the outermost `__errorbeacon` one), it holds the
// same frames as the SDK's own synthetic stack, which is taken further down the same call.
const probe = {
  __errorbeacon_probe(call, value) {
    const stack = new Error().stack;
    call(value);
    return stack;
  },
}.__errorbeacon_probe;

function captured(call, value) {
  const start = events.length;
  const stack = probe(call, value);
  assert.equal(events.length, start + 1, 'one event');
  return { event: events[start], stack };
}

/** Strings as they cross into the wasm: lone surrogates become U+FFFD. */
function wellFormed(x) {
  if (typeof x === 'string') return x.toWellFormed();
  if (Array.isArray(x)) return x.map(wellFormed);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k.toWellFormed(), wellFormed(v)]));
  return x;
}

/** The frames the wasm will write for exception `x` of a description. */
function framesOf(x, isRoot) {
  let frames = typeof x.stack === 'string' ? eb.parseStack(x.stack) : [];
  if (frames.length === 0 && isRoot && typeof x.synthetic_stack === 'string') {
    // src/capture/mod.rs synthetic_stacktrace: the parser has dropped the SDK's frames at the
    // newest end already; what is left goes through the outermost entry frame, if any.
    frames = eb.parseStack(x.synthetic_stack);
    const entry = frames.findIndex((f) => typeof f.function === 'string' && f.function.includes('__errorbeacon'));
    if (entry >= 0) frames = frames.slice(0, entry);
  }
  if (frames.length) seenFrames[x.stack !== undefined && frames.length && eb.parseStack(x.stack).length ? 'own' : 'synthetic']++;
  return frames.length ? { frames } : undefined;
}
const seenFrames = { own: 0, synthetic: 0 };

const EVENT_FIELDS_FROM_VALUE = ['exception', 'extra', 'tags', 'logentry', 'message'];

/** Asserts that describe() says what the event has. */
function assertSame(event, d, label, pin = true) {
  assert.equal(event.level, 'error', label);
  const got = event.exception.values;
  assert.equal(got.length, d.exceptions.length, `${label}: exception count`);
  d.exceptions.forEach((x, i) => {
    const isRoot = i === d.exceptions.length - 1;
    const want = { type: x.type, value: x.value, mechanism: x.mechanism };
    const frames = framesOf(x, isRoot);
    if (frames) want.stacktrace = frames;
    assert.deepStrictEqual(got[i], want, `${label}: exception ${i}`);
    assert.deepStrictEqual(Object.keys(x).filter((k) => !['type', 'value', 'mechanism', 'stack', 'synthetic_stack'].includes(k)), [], `${label}: fields`);
    if (!isRoot) assert.equal(x.synthetic_stack, undefined);
  });
  assert.deepStrictEqual(event.extra, d.extra, `${label}: extra`);
  assert.deepStrictEqual(event.tags, d.tags, `${label}: tags`);
  assert.equal(event.logentry, undefined);
  assert.equal(event.message, undefined);
  for (const k of Object.keys(d)) assert.ok(EVENT_FIELDS_FROM_VALUE.includes(k) || k === 'exceptions', `${label}: ${k}`);
  if (pin) assertPinned(event, d, label);
}

/** Captures `value` with captureException and compares. */
function check(label, value, linkedLimit = 5) {
  const { event, stack } = captured((v) => eb.captureException(v), value);
  const d = describeValue(value, 'generic', true, sdkWouldTakeStack(value) ? stack : undefined, linkedLimit);
  assertSame(event, wellFormed(JSON.parse(JSON.stringify(d))), label);
  return d;
}

// ---- the corpus -----------------------------------------------------------------------

const boom = () => {
  throw new Error('hostile');
};
/** A handler whose every trap throws. */
const hostile = new Proxy({}, { get: () => boom });
const revoked = (() => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
})();
const withProps = (e, props) => Object.defineProperties(e, Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { value: v, configurable: true, writable: true }])));
const withGetter = (e, key) => Object.defineProperty(e, key, { get: boom, configurable: true });
class PaymentError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'PaymentError';
  }
}
class Plain extends Error {}
class Cart {
  constructor() {
    this.items = 3;
    this.owner = 'ana';
  }
}
function deep(n) {
  let e = new Error('level 0');
  for (let i = 1; i < n; i++) e = new Error(`level ${i}`, { cause: e });
  return e;
}
function cyclic() {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  a.cause = b;
  return a;
}
const self = () => {
  const e = new Error('self');
  e.cause = e;
  return e;
};
const frames = (n) => 'Error: long\n' + Array.from({ length: n }, (_, i) => `    at f${i} (file:///srv/app/ünï/${i}.js:${i + 1}:7)`).join('\n');
const manyKeys = (n, value = (i) => i) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value(i)]));
const otherRealm = vm.runInNewContext('({ type: new TypeError("from another realm"), chained: new Error("outer", { cause: new RangeError("inner") }) })');

const errors = {
  'Error': () => new Error('boom'),
  'TypeError': () => new TypeError('cart is empty'),
  'RangeError': () => new RangeError('too far'),
  'SyntaxError from eval': () => {
    try {
      eval('{');
    } catch (e) {
      return e;
    }
  },
  'ReferenceError': () => new ReferenceError('x is not defined'),
  'EvalError and URIError': () => new EvalError('e', { cause: new URIError('u') }),
  'subclass with a name': () => new PaymentError('card declined'),
  'subclass without a name': () => new Plain('plain'),
  'empty name: the class': () => withProps(new TypeError('nameless'), { name: '' }),
  'non-string name, message, stack': () => withProps(new Error('x'), { name: 42, message: { m: 1 }, stack: 123 }),
  'throwing name getter': () => withGetter(new RangeError('r'), 'name'),
  'throwing message getter': () => withGetter(new Error('m'), 'message'),
  'throwing stack getter': () => withGetter(new Error('s'), 'stack'),
  'empty stack': () => withProps(new Error('no stack'), { stack: '' }),
  'stack without frames': () => withProps(new Error('odd'), { stack: 'just some text' }),
  'message of 5 MB': () => new Error('m'.repeat(5 << 20)),
  'name of 1 MB': () => withProps(new Error('n'), { name: 'N'.repeat(1 << 20) }),
  'stack of 20,000 frames': () => withProps(new Error('long'), { stack: frames(20000) }),
  'message of 8,192 characters': () => new Error('a'.repeat(8192)),
  'message of 8,193 characters': () => new Error('a'.repeat(8193)),
  'astral character at the cut': () => new Error('a'.repeat(8190) + '😀😀b'),
  'astral characters only': () => new Error('😀'.repeat(9000)),
  'lone surrogates': () => withProps(new Error('\ud800 lone \udc00'), { name: 'Bad\udfffName' }),
  'unicode everywhere': () => withProps(new Error('ошибка 错误 🚨 e\u0301'), { name: 'Ωmega' }),
  'type of 300 astral characters': () => withProps(new Error('t'), { name: '𝔑'.repeat(300) }),
  'frozen Error': () => Object.freeze(new Error('frozen')),
  'toString that throws': () => withProps(new Error('ts'), { toString: boom }),
  'Error in a Proxy whose get throws': () => new Proxy(new Error('p'), { get: boom }),
  'DOMException': () => new DOMException('The operation was aborted.', 'AbortError'),
  'DOMException with code 0': () => new DOMException('plain'),
  'DOMException with a huge code': () => withProps(new DOMException('x', 'SyntaxError'), { code: 1e12 }),
  'WebAssembly.Exception with a stack': () => new WebAssembly.Exception(new WebAssembly.Tag({ parameters: [] }), [], { traceStack: true }),
  'WebAssembly.Exception without one': () => new WebAssembly.Exception(new WebAssembly.Tag({ parameters: ['i32'] }), [7]),
  'Error from another realm': () => otherRealm.type,
  'chain from another realm': () => otherRealm.chained,
  'object tagged Error, no stack': () => ({ [Symbol.toStringTag]: 'Error', name: 'FakeError', message: 'looks like one' }),
  'Error-tagged object with a stack': () => ({ [Symbol.toStringTag]: 'DOMException', message: 'm', stack: new Error('inner').stack }),
};

const chains = {
  'cause chain of 3': () => new PaymentError('outer', { cause: new TypeError('middle', { cause: new Error('root cause') }) }),
  'cause chain of 20': () => deep(20),
  'cause chain of 6': () => deep(6),
  'cause chain of 7': () => deep(7),
  'cyclic cause': cyclic,
  'cause is itself': self,
  'cause a string': () => new Error('e', { cause: 'because' }),
  'cause null': () => new Error('e', { cause: null }),
  'cause 0': () => new Error('e', { cause: 0 }),
  'cause undefined (own)': () => new Error('e', { cause: undefined }),
  'cause a plain object': () => new Error('e', { cause: { code: 42, detail: 'no stock' } }),
  'cause a function': () => new Error('e', { cause: function retry() {} }),
  'cause a Symbol': () => new Error('e', { cause: Symbol('why') }),
  'cause getter throws': () => withGetter(new Error('e'), 'cause'),
  'cause a hostile Proxy': () => new Error('e', { cause: hostile }),
  'AggregateError': () => new AggregateError([new Error('one'), new TypeError('two')], 'both failed'),
  'nested AggregateError': () => new AggregateError([new AggregateError([new Error('a'), new Error('b')], 'inner'), new Error('c')], 'outer'),
  'AggregateError with 10,000 errors': () => new AggregateError(Array.from({ length: 10000 }, (_, i) => new Error(`e${i}`)), 'many'),
  'AggregateError with the same error twice': () => {
    const e = new Error('twice');
    return new AggregateError([e, e, new Error('other')], 'dup');
  },
  'AggregateError with a hostile errors Proxy': () => withProps(new AggregateError([], 'p'), { errors: new Proxy([1, 2], { get: boom }) }),
  'errors a string': () => withProps(new AggregateError([], 's'), { errors: 'not a list' }),
  'errors getter throws': () => withGetter(new AggregateError([new Error('x')], 'g'), 'errors'),
  'AggregateError with cause and errors': () => new AggregateError([new Error('child')], 'agg', { cause: new Error('why') }),
  'AggregateError of primitives': () => new AggregateError([1, 'two', null, undefined, { k: 1 }], 'prims'),
  'plain Error with errors': () => withProps(new Error('grouped'), { errors: [new Error('x')] }),
  'AggregateError in a cause chain': () => new Error('top', { cause: new AggregateError([deep(3), deep(3)], 'mid') }),
  'AggregateError holding itself': () => {
    const a = new AggregateError([], 'me');
    a.errors.push(a, new Error('other'));
    return a;
  },
  'AggregateError of cyclic causes': () => new AggregateError([cyclic(), self()], 'cycles'),
};

const primitives = {
  'a string': () => 'boom',
  'an empty string': () => '',
  'a string of 3 MB': () => 's'.repeat(3 << 20),
  'a lone surrogate string': () => '\ud83d',
  'a number': () => 42,
  'a float': () => 0.1,
  '-0': () => -0,
  'NaN': () => NaN,
  'Infinity': () => -Infinity,
  '1e21': () => 1e21,
  'a BigInt': () => 10n ** 30n,
  'true': () => true,
  'false': () => false,
  'a Symbol': () => Symbol('s'),
  'a Symbol without description': () => Symbol(),
  'undefined': () => undefined,
  'null': () => null,
};

const functions = {
  'a named function': () => function checkout() {},
  'an anonymous arrow': () => (() => () => {})(),
  'a class': () => Cart,
  'a bound function': () => function f() {}.bind(null),
  'a function whose name throws': () => withGetter(function g() {}, 'name'),
  'a callable hostile Proxy': () => new Proxy(function h() {}, { get: () => boom }),
};

const objects = {
  'an empty object': () => ({}),
  'a plain object': () => ({ code: 7, reason: 'out of stock' }),
  'every kind of value': () => ({
    int: 1, float: 1.5, nan: NaN, inf: Infinity, big: 2n ** 64n, sym: Symbol('x'), undef: undefined, nul: null, yes: true,
    fn: function named() {}, anon: () => {}, arr: [1, [2, [3, [4]]]], empty: [], obj: { a: { b: { c: { d: 1 } } } }, none: {},
    err: new TypeError('nested'), date: new Date(0), re: /x/g, map: new Map([[1, 2]]), long: 'l'.repeat(5000), minus: -0, huge: 2 ** 60,
  }),
  '11 keys': () => manyKeys(11),
  '10 keys': () => manyKeys(10),
  '500 keys': () => manyKeys(500),
  'keys that sort by code point': () => ({ b: 1, a: 2, '😀': 3, '！': 4, é: 5, 10: 6, 9: 7, 2: 8, '': 9, B: 10 }),
  'a __proto__ key': () => JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
  'strings over the byte budget': () => manyKeys(40, (i) => String(i % 10).repeat(1000)),
  'objects over the byte budget': () => manyKeys(30, () => ({ s: 'é'.repeat(2000), n: 1 })),
  'a 3 MB value': () => ({ big: 'x'.repeat(3 << 20) }),
  'long keys': () => ({ ['k'.repeat(5000)]: 1, ['é'.repeat(2000)]: 'v' }),
  'throwing getters': () => Object.defineProperties({}, { a: { get: boom, enumerable: true }, b: { value: 2, enumerable: true } }),
  'a throwing constructor getter': () => Object.create({ get constructor() { return boom(); } }, { x: { value: 1, enumerable: true } }),
  'a null prototype': () => Object.assign(Object.create(null), { x: 1 }),
  'a frozen object': () => Object.freeze({ frozen: true }),
  'a class instance': () => new Cart(),
  'an array': () => [1, 'two', { three: 3 }],
  'an empty array': () => [],
  'an array of 1,000': () => Array.from({ length: 1000 }, (_, i) => i),
  'a sparse array': () => [1, , 3], // eslint-disable-line no-sparse-arrays
  'a Date': () => new Date(0),
  'a RegExp': () => /a+b/gi,
  'a Map and its keys': () => Object.assign(new Map([[1, 2]]), { extra: 'prop' }),
  'a Promise': () => Promise.resolve(1),
  'a typed array': () => new Uint8Array([1, 2, 3]),
  'an events-like object': () => ({ type: 'error', error: new Error('inside'), message: 'm' }),
  'toString and toPrimitive that throw': () => ({ toString: boom, [Symbol.toPrimitive]: boom, valueOf: boom, k: 1 }),
  'a thenable': () => ({ then() {} }),
  'symbol keys only': () => ({ [Symbol('a')]: 1 }),
  'a hostile Proxy': () => hostile,
  'a revoked Proxy': () => revoked,
  'hostile values inside': () => ({ p: hostile, r: revoked, nested: { p: hostile } }),
  'a cycle': () => {
    const o = { name: 'loop' };
    o.self = o;
    o.list = [o];
    return o;
  },
  'arguments': function () {
    return arguments;
  }.bind(null, 1, 'b'),
  'an object with 150 nested objects': () => manyKeys(150, (i) => manyKeys(150, (j) => i * j)),
};

const events_ = {
  'an ErrorEvent with an Error': () => new ErrorEvent('error', { message: 'Uncaught TypeError: t', error: new TypeError('t') }),
  'an ErrorEvent without an Error': () => new ErrorEvent('error', { message: 'Uncaught oops', filename: 'https://shop.example/app.js', lineno: 12, colno: 34 }),
  'Script error.': () => new ErrorEvent('error', { message: 'Script error.', filename: '', lineno: 0, colno: 0 }),
  'Script error without the dot': () => new ErrorEvent('error', { message: 'Script error', lineno: 3 }),
  'an ErrorEvent with odd numbers': () => new ErrorEvent('error', { message: 1, filename: 'https://a.example/b.js', lineno: 7.9, colno: -3 }),
  'an ErrorEvent with a huge line number': () => new ErrorEvent('error', { message: 'm', filename: 'https://a.example/b.js', lineno: 1e12, colno: NaN }),
  'an ErrorEvent with a long filename': () => new ErrorEvent('error', { message: 'm', filename: 'https://a.example/' + 'f'.repeat(40000) + '.js', lineno: 1, colno: 2 }),
  // Over 32 KiB of UTF-8 within the 32,768 units that cross: cut to 8,192 characters, a line
  // just under MAX_LINE_BYTES.
  'an ErrorEvent with a 40 KB filename': () => new ErrorEvent('error', { message: 'm', filename: 'https://a.example/' + 'é'.repeat(20000), lineno: 1, colno: 2 }),
  'an ErrorEvent with a 12 KiB filename': () => new ErrorEvent('error', { message: 'm', filename: 'https://a.example/' + 'é'.repeat(6000) + '.js', lineno: 1, colno: 2 }),
  'an ErrorEvent whose error is a string': () => new ErrorEvent('error', { message: 'Uncaught s', error: 's', filename: 'https://a.example/c.js', lineno: 1, colno: 1 }),
  'an ErrorEvent with throwing fields': () => Object.defineProperty(new ErrorEvent('error', {}), 'message', { get: boom }),
  'a rejection event with an Error': () => new PromiseRejectionEvent('unhandledrejection', { reason: new RangeError('r') }),
  'a rejection event with a string': () => new PromiseRejectionEvent('unhandledrejection', { reason: 'why' }),
  'rejection events nested 8 deep': () => {
    let ev = 'bottom';
    for (let i = 0; i < 8; i++) ev = new PromiseRejectionEvent('unhandledrejection', { reason: ev });
    return ev;
  },
  'rejection events nested 9 deep': () => {
    let ev = 'bottom';
    for (let i = 0; i < 9; i++) ev = new PromiseRejectionEvent('unhandledrejection', { reason: ev });
    return ev;
  },
  'a rejection event that is its own reason': () => {
    const ev = new PromiseRejectionEvent('unhandledrejection', {});
    ev.reason = ev;
    return ev;
  },
  'an Error whose cause is an ErrorEvent': () => new Error('e', { cause: new ErrorEvent('error', { message: 'Script error.' }) }),
};

const corpus = { ...errors, ...chains, ...primitives, ...functions, ...objects, ...events_ };

test('the corpus has every category', () => {
  assert.ok(Object.keys(corpus).length >= 40, `${Object.keys(corpus).length} values`);
});

for (const [name, make] of Object.entries(corpus)) {
  test(`captureException: ${name}`, () => {
    check(name, make());
  });
}

test('console.error(err): mechanism console', () => {
  for (const make of [errors.TypeError, chains['cause chain of 3'], chains.AggregateError]) {
    const value = make();
    const { event } = captured((v) => console.error('failed:', v), value);
    const d = describeValue(value, 'console', true, undefined, 5);
    assertSame(event, wellFormed(JSON.parse(JSON.stringify(d))), 'console');
  }
});

// The global handlers (mechanism onerror / onunhandledrejection, unhandled): an event
// dispatched on the polyfilled global target reaches the SDK's listener and then ours, which
// takes a stack in a frame named like the SDK's entry points, as the SDK's listener is.
test('onerror and onunhandledrejection', () => {
  let stack;
  const mine = { __errorbeacon_probe() { stack = new Error().stack; } }.__errorbeacon_probe;
  globalThis.addEventListener('error', mine);
  globalThis.addEventListener('unhandledrejection', mine);
  try {
    const dispatch = (ev) => {
      const start = events.length;
      target.dispatchEvent(ev);
      assert.equal(events.length, start + 1, 'one event');
      return events[start];
    };
    const errorEvents = [events_['an ErrorEvent with an Error'], events_['an ErrorEvent without an Error'], events_['Script error.'],
      () => new ErrorEvent('error', { message: 'Uncaught [object Object]', error: { code: 5 } }),
      () => new ErrorEvent('error', { message: 'Uncaught', error: new Error('caused', { cause: 'str' }) })];
    for (const make of errorEvents) {
      const ev = make();
      const event = dispatch(ev);
      const d = describeValue(ev, 'onerror', false, stack, 5);
      assertSame(event, wellFormed(JSON.parse(JSON.stringify(d))), `onerror ${ev.message}`);
    }
    const reasons = ['why', 42, undefined, null, 10n, Symbol('r'), { code: 7 }, [1, 2], new Error('rejected'), function f() {},
      's'.repeat(9000), revoked, hostile, new AggregateError([1], 'a'), new Cart()];
    for (const reason of reasons) {
      const ev = new PromiseRejectionEvent('unhandledrejection', { reason });
      const event = dispatch(ev);
      const d = describeValue(reason, 'onunhandledrejection', false, sdkWouldTakeStack(reason) ? stack : undefined, 5);
      assertSame(event, wellFormed(JSON.parse(JSON.stringify(d))), `onunhandledrejection ${typeof reason}`);
    }
  } finally {
    globalThis.removeEventListener('error', mine);
    globalThis.removeEventListener('unhandledrejection', mine);
  }
});

test('linkedErrors limits 0, 1, 3 and 10', async () => {
  const linked = ['cause chain of 20', 'cause chain of 6', 'cause chain of 7', 'nested AggregateError', 'AggregateError with 10,000 errors',
    'AggregateError in a cause chain', 'AggregateError of cyclic causes', 'AggregateError with cause and errors', 'cause a string'];
  try {
    for (const [option, limit] of [[false, 0], [{ limit: 1 }, 1], [{ limit: 3 }, 3], [{ limit: 10 }, 10]]) {
      await configure(option);
      for (const name of linked) check(`${name} (limit ${limit})`, chains[name](), limit);
    }
  } finally {
    await configure(undefined);
  }
});

test('describe never throws and never calls the value', () => {
  let calls = 0;
  const counted = new Proxy(function () {}, { apply: () => calls++, construct: () => calls++ });
  for (const v of [hostile, revoked, counted, { toJSON: () => calls++ }, Object.create(hostile)]) {
    const d = describeValue(v, 'generic', true, undefined, 5);
    assert.ok(Array.isArray(d.exceptions) && d.exceptions.length >= 1);
  }
  assert.equal(calls, 0);
  // Arguments it does not expect.
  assert.equal(describeValue(new Error('x'), undefined, undefined, 42, NaN).exceptions.length, 1);
});

test('the comparisons saw frames of both kinds', () => {
  assert.ok(seenFrames.own > 50 && seenFrames.synthetic > 50, JSON.stringify(seenFrames));
});

// The package before describe() sent a key into the wasm and back before reading its value: a
// key over 32,768 UTF-16 units came back cut, one with a lone surrogate came back with U+FFFD,
// and either read as a missing property ("[undefined]"). describe() reads the key it listed: the
// one difference from the recorded descriptions, asserted here so that it stays known.
test('known difference: keys that did not survive the crossing are read', () => {
  for (const [key, value] of [['k'.repeat(40000), 1], ['lone\ud800', 'v']]) {
    const object = { [key]: value, plain: 2 };
    const { event, stack } = captured((v) => eb.captureException(v), object);
    const d = wellFormed(JSON.parse(JSON.stringify(describeValue(object, 'generic', true, stack, 5))));
    const wanted = wellFormed(key).length > 1024 ? wellFormed(key).slice(0, 1023) + '…' : wellFormed(key);
    assert.equal(event.extra.__serialized__[wanted], value, 'the value under its key');
    assert.equal(event.extra.__serialized__.plain, 2);
    assertSame(event, d, 'keys that did not survive', false);
  }
});
