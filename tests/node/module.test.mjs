// The package's events and parseStack, pinned to what the package made before issue 25's
// switch to the lean module (commit dad378b, its wasm then built from src/web/sdk.rs and
// src/capture/*): the same thrown values and scope make the same exception values (type,
// value, mechanism, frames), extra, tags, level, user, contexts, breadcrumbs and fingerprint,
// and every fixture stack parses into the same frames. The records are in
// tests/fixtures/module-pinned.json (stacks that name this file by URL, line and column have
// those left out; long entries as a SHA-256 of their JSON), written with
// `EB_PINNED=write node --test tests/node/module.test.mjs` against that package. Every envelope
// passes Relay. Also: the module's linear memory stays flat under a long workload.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as eb from '../../pkg/node.js';
import { relayAll } from '../relay.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SDK = { name: 'errorbeacon.javascript', version: '0.1.0', packages: [{ name: 'npm:errorbeacon', version: '0.1.0' }] };
const DSN = 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42';
const PINNED = new URL('../fixtures/module-pinned.json', import.meta.url);
const WRITE = process.env.EB_PINNED === 'write';
const pinned = WRITE ? {} : JSON.parse(readFileSync(PINNED, 'utf8'));
after(() => {
  if (WRITE) writeFileSync(PINNED, `{\n${Object.entries(pinned).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`);
});

/** JSON.stringify's replacer for objects with their keys in order: a record does not depend on
 * the order a writer put them in. */
const sorted = (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);

/** `x` as recorded: its JSON without this file's URL, line and column, or that JSON's SHA-256
 * when long. */
function record(x) {
  const json = JSON.stringify(x, sorted).replace(/(file:\/\/)?[^\s"()]*\/tests\/node\/module\.test\.mjs(:\d+:\d+)?/g, 'module.test.mjs')
    .replace(/\(node:[\w/]+:\d+:\d+\)/g, '(node)');
  return json.length > 1024 ? { sha256: createHash('sha256').update(json).digest('hex'), length: json.length } : JSON.parse(json);
}

/** Compares `x` with its record under `key` (or records it, in write mode). */
function assertPinned(key, x) {
  if (WRITE) {
    pinned[key] = record(x);
    return;
  }
  assert.ok(key in pinned, `${key}: recorded in tests/fixtures/module-pinned.json`);
  assert.deepStrictEqual(record(x), pinned[key], `${key}: as the package made it before`);
}

/** The package, its events kept in `events` by beforeSend (and dropped there), the envelopes
 * a second init without beforeSend hands the transport in `bodies`. */
async function init(events, options = {}) {
  await eb.init({
    dsn: DSN,
    transport: async () => ({ status: 200, headers: {} }),
    integrations: { dedupe: false, globalHandlers: false, console: false },
    beforeSend: (event) => {
      events.push(event);
      return null;
    },
    ...options,
  });
}

async function sent(bodies, options = {}) {
  await eb.init({
    dsn: DSN,
    transport: async (req) => {
      bodies.push(typeof req.body === 'string' ? req.body : new TextDecoder().decode(req.body));
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
    ...options,
  });
}

class PaymentError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'PaymentError';
  }
}

function values() {
  const cyclic = new Error('cyclic');
  cyclic.cause = cyclic;
  const hostile = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
  const getter = new Error('getter');
  Object.defineProperty(getter, 'stack', { get() { throw new Error('no stack'); } });
  return {
    error: new Error('boom'),
    typeError: new TypeError('x is not a function'),
    subclass: new PaymentError('card declined'),
    cause: new Error('outer', { cause: new RangeError('inner', { cause: new Error('root') }) }),
    cyclic,
    aggregate: new AggregateError([new Error('a'), new TypeError('b')], 'two failed'),
    huge: new Error('é'.repeat(20_000)),
    unicode: new Error('😀 bad \u0000 "quoted" \\ slash'),
    emptyMessage: new Error(''),
    stackGetterThrows: getter,
    object: { code: 7, reason: 'nope', nested: { deep: { deeper: { deepest: 1 } } } },
    string: 'a plain string',
    number: 42,
    nothing: null,
    undef: undefined,
    symbol: Symbol('s'),
    bigint: 10n,
    fn: function namedThing() {},
    hostile,
    array: [1, 'two', { three: 3 }],
  };
}

test('every kind of thrown value makes the exception values, extra, tags and level it made before', async () => {
  const events = [];
  await init(events, { release: 'shop@1.4.2' });
  for (const [name, value] of Object.entries(values())) {
    events.length = 0;
    eb.captureException(value);
    await eb.flush(2000);
    assert.equal(events.length, 1, name);
    const ev = events[0];
    // Non-Errors get the SDK's synthetic stack of where they were captured (this file, which
    // changes): their frames are left out.
    // Of the others, the frames in this file, without their line and column, which change with it
    // (the parser's fidelity is the fixture stacks' test below).
    const here = (frames) => frames?.filter((f) => f.abs_path?.includes('module.test.mjs')).map(({ lineno, colno, ...f }) => f);
    const exceptions = ev.exception.values.map(({ stacktrace, ...rest }) => ({ ...rest, frames: rest.mechanism?.synthetic ? undefined : here(stacktrace?.frames) }));
    assertPinned(`value: ${name}`, { exceptions, extra: ev.extra ?? {}, tags: ev.tags ?? {}, level: ev.level, release: ev.release });
  }
  const bodies = [];
  await sent(bodies, { release: 'shop@1.4.2' });
  for (const value of Object.values(values())) eb.captureException(value);
  assert.equal(await eb.flush(5000), true);
  assert.equal(bodies.length, Object.keys(values()).length);
  await eb.close(1000);
  relayAll(bodies.map((b) => new TextEncoder().encode(b)), 'envelope');
});

test('parseStack gives the frames it gave before, on every fixture stack', async () => {
  await eb.init({ integrations: { globalHandlers: false, console: false } });
  let n = 0;
  for (const engine of ['chromium', 'firefox', 'node', 'deno', 'bun', 'workerd', 'webkit']) {
    const dir = `${ROOT}tests/fixtures/stacks/${engine}`;
    for (const f of ['app-a.json', 'app-a.min.json']) {
      if (!existsSync(`${dir}/${f}`)) continue;
      JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')).cases.forEach((c, i) => {
        if (typeof c.stack !== 'string') return;
        assertPinned(`stack: ${engine}/${f} #${i}`, eb.parseStack(c.stack));
        n++;
      });
    }
  }
  assert.ok(n > 200, `${n} stacks`);
  // A non-ASCII stack, and wasm frames with a Rust path.
  const s = 'Error: é\n    at fé (http://h/é.js:1:2)\n    at m.wasm.std[a543996e6e7dbf1e]::x (http://h/m.wasm:wasm-function[3]:0x10)';
  assertPinned('stack: non-ASCII', eb.parseStack(s));
  await eb.close(1000);
});

/** The package's wasm, instantiated on its own (the delivery imports do nothing). */
function moduleExports() {
  const imports = { eb: { start() {}, settle() {}, arm() {}, now: Date.now, store() {} } };
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(`${ROOT}pkg/wasm/errorbeacon_bg.wasm`)), imports).exports;
}

test('the module\'s linear memory stays flat under a churning scope and thousands of captures', async (t) => {
  if (WRITE) return;
  const { captureEnvelope } = await import('../../js/boundary.js');
  const x = moduleExports();
  let seed = 7;
  const text = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 'x'.repeat(1 + (seed % n));
  };
  const nested = (depth, message) => (depth === 0 ? new Error(message) : nested(depth - 1, message));
  const scope = { breadcrumbs: [], tags: {}, extra: {} };
  const sizes = [];
  let written = 0;
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 150; i++) {
      scope.breadcrumbs.push({ timestamp: Date.now() / 1000, category: `c${i % 7}`, message: text(400), data: { a: text(60), b: i } });
      if (scope.breadcrumbs.length > 100) scope.breadcrumbs.shift();
      if (i % 3 === 0) scope.tags[`t${i % 20}`] = text(40);
      if (i % 5 === 0) scope.extra[`e${i % 10}`] = { v: text(300), w: [1, 2, text(30)] };
      const c = { eventId: 'ab'.repeat(16), at: Date.now(), mechanism: 'generic', handled: true, level: 'error', sdk: SDK, dsn: DSN, ...scope };
      if (i % 2 === 0) written += captureEnvelope(x, nested(3 + (i % 25), `boom ${text(80)}`), c, 1_000_000) ? 1 : 0;
      if (i % 9 === 0) written += captureEnvelope(x, undefined, { ...c, message: text(500), level: 'warning' }, 1_000_000) ? 1 : 0;
    }
    sizes.push(x.memory.buffer.byteLength);
  }
  assert.equal(written, 30 * (75 + 17));
  t.diagnostic(`linear memory by round (KiB): ${sizes.map((b) => b >> 10).join(' ')}`);
  // The arena is emptied after every export: memory is the largest single capture's need.
  assert.equal(sizes[sizes.length - 1], sizes[9], `grew after warm-up (${sizes.join(' ')})`);
  assert.ok(sizes[sizes.length - 1] <= 512 * 1024, `${sizes[sizes.length - 1]} bytes: over issue 25's 512 KiB aim`);
});

test('the scope makes the user, tags, extra, contexts, breadcrumbs, fingerprint and level it made before', async () => {
  const events = [];
  await init(events, { maxBreadcrumbs: 5 });
  const hostile = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
  const ops = [
    ['setUser', { id: 42, email: 'a@b.c', username: 'ann', ip_address: '{{auto}}', plan: 'pro', n: 1.5, deep: { a: { b: { c: { d: 1 } } } } }],
    ['setTag', 'section', 'checkout'],
    ['setTag', '  spaced key with a long name beyond thirty-two chars  ', 'line\nbreak'],
    ['setTag', 'n', 12.5],
    ['setTag', 'b', true],
    ['setTag', 'o', { not: 'kept' }],
    ['setTag', 'long', 'v'.repeat(300)],
    ['setExtra', 'cart', { items: [1, 2, { sku: 'x' }], total: 9.99, big: 'é'.repeat(2000) }],
    ['setExtra', 'fn', function handler() {}],
    ['setExtra', 'hostile', hostile],
    ['setExtra', 'gone', 1],
    ['setExtra', 'gone', undefined],
    ['setContext', 'app', { build: '1', nested: { x: NaN, y: Infinity, z: -0 } }],
    ['setContext', 'removed', { a: 1 }],
    ['setContext', 'removed', null],
  ];
  for (let i = 0; i < 8; i++) ops.push(['addBreadcrumb', { timestamp: 1796642600 + i + 0.25, category: `c${i}`, message: `m${i}`, level: i % 2 ? 'info' : 'nonsense', type: 'default', data: { i, f: i / 3, s: 'x' } }]);
  for (const [op, ...args] of ops) eb[op](...args);
  eb.withScope((scope) => {
    scope.setFingerprint(['{{ default }}', 'checkout']);
    scope.setLevel('WARN');
    eb.captureException(new Error('with a scope'));
  });
  await eb.flush(2000);
  const ev = events.at(-1);
  // The runtime's contexts (Node's version) are the machine's: only the app's are pinned.
  const kept = { user: ev.user, tags: ev.tags, extra: ev.extra, fingerprint: ev.fingerprint, level: ev.level, breadcrumbs: ev.breadcrumbs, app: ev.contexts?.app, removed: ev.contexts?.removed ?? null };
  assertPinned('scope', kept);
  const bodies = [];
  await sent(bodies, { maxBreadcrumbs: 5 });
  for (const [op, ...args] of ops) eb[op](...args);
  eb.captureException(new Error('with a scope'));
  assert.equal(await eb.flush(2000), true);
  await eb.close(1000);
  relayAll(bodies.map((b) => new TextEncoder().encode(b)), 'envelope with a scope');
});
