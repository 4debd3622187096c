// The lean module (issue 25: target/lean/lean.wasm, built by scripts/build-lean.sh, which
// scripts/test.sh runs before these tests) against the shipped package, in V8: the same thrown
// values, captured by both, make the same exception values (type, value, mechanism, frames),
// extra, tags and level; every lean envelope passes Relay; parseStack's lean path gives the
// shipped parseStack's frames. Until the package switches to the lean module, this is what
// holds the two together end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as eb from '../../pkg/node.js';
import { captureEnvelope, parseStackLean } from '../../js/lean-glue.js';
import { relayAll } from '../relay.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LEAN = `${ROOT}target/lean/lean.wasm`;
const SDK = { name: 'errorbeacon.javascript', version: '0.1.0', packages: [{ name: 'npm:errorbeacon', version: '0.1.0' }] };
const DSN = 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42';

/** The shipped SDK, its events kept in `events` by beforeSend (and dropped there). */
async function initShipped(events, options = {}) {
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

function lean() {
  assert.ok(existsSync(LEAN), `${LEAN} is missing: run scripts/build-lean.sh`);
  const imports = { eb: { start() {}, settle() {}, arm() {}, now: Date.now, store() {} } };
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(LEAN)), imports).exports;
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

test('the lean module writes the exception values the shipped SDK writes, for every kind of value', async () => {
  const events = [];
  await initShipped(events, { release: 'shop@1.4.2' });
  const x = lean();
  const corpus = values();
  const envelopes = [];
  for (const [name, value] of Object.entries(corpus)) {
    events.length = 0;
    eb.captureException(value);
    await eb.flush(2000);
    assert.equal(events.length, 1, name);
    const shipped = events[0];
    const bytes = captureEnvelope(x, value, {
      eventId: shipped.event_id,
      at: Date.now(),
      mechanism: 'generic',
      handled: true,
      level: 'error',
      release: 'shop@1.4.2',
      environment: 'production',
      sdk: SDK,
      dsn: DSN,
    }, 1_000_000);
    assert.ok(bytes, name);
    envelopes.push(bytes);
    const [, , payload] = new TextDecoder().decode(bytes).split('\n');
    const ev = JSON.parse(payload);
    const strip = (values) => values.map((v) => {
      // Non-Errors get the SDK's synthetic stack of where they were captured, which differs
      // between the two calls; their frames are compared by presence only.
      const { stacktrace, ...rest } = v;
      return { ...rest, frames: v.mechanism?.synthetic ? undefined : stacktrace?.frames };
    });
    assert.deepEqual(strip(ev.exception.values), strip(shipped.exception.values), name);
    assert.deepEqual(ev.extra ?? {}, shipped.extra ?? {}, `${name}: extra`);
    assert.deepEqual(ev.tags ?? {}, shipped.tags ?? {}, `${name}: tags`);
    assert.equal(ev.level, shipped.level, `${name}: level`);
    assert.equal(ev.release, shipped.release, `${name}: release`);
  }
  await eb.close(1000);
  relayAll(envelopes, 'lean envelope');
});

test('parseStack through the lean module gives the shipped frames, on every fixture stack', async () => {
  await eb.init({ integrations: { globalHandlers: false, console: false } });
  const x = lean();
  let n = 0;
  for (const engine of ['chromium', 'firefox', 'node', 'deno', 'bun', 'workerd', 'webkit']) {
    const dir = `${ROOT}tests/fixtures/stacks/${engine}`;
    for (const f of ['app-a.json', 'app-a.min.json']) {
      if (!existsSync(`${dir}/${f}`)) continue;
      for (const c of JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')).cases) {
        if (typeof c.stack !== 'string') continue;
        assert.deepEqual(parseStackLean(x, c.stack), eb.parseStack(c.stack), `${engine}/${f}: ${c.stack.slice(0, 200)}`);
        n++;
      }
    }
  }
  assert.ok(n > 200, `${n} stacks`);
  // A non-ASCII stack takes the JSON path.
  const s = 'Error: é\n    at fé (http://h/é.js:1:2)\n    at m.wasm.std[a543996e6e7dbf1e]::x (http://h/m.wasm:wasm-function[3]:0x10)';
  assert.deepEqual(parseStackLean(x, s), eb.parseStack(s));
  await eb.close(1000);
});

test('the lean module\'s linear memory stays flat under a churning scope and thousands of captures', (t) => {
  const x = lean();
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
  t.diagnostic(`lean linear memory by round (KiB): ${sizes.map((b) => b >> 10).join(' ')}`);
  // The arena is emptied after every export: memory is the largest single capture's need.
  assert.equal(sizes[sizes.length - 1], sizes[9], `grew after warm-up (${sizes.join(' ')})`);
  assert.ok(sizes[sizes.length - 1] <= 512 * 1024, `${sizes[sizes.length - 1]} bytes: over issue 25's 512 KiB aim`);
});

test('the lean scope makes the user, tags, extra, contexts, breadcrumbs, fingerprint and level the shipped scope makes', async () => {
  const { newScope, setUser, setTag, setExtra, setContext, addBreadcrumb, scopeFields, level } = await import('../../js/lean-scope.js');
  const events = [];
  await initShipped(events, { maxBreadcrumbs: 5 });
  const x = lean();
  const s = newScope(5);
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
    ['setFingerprint', ['{{ default }}', 'checkout']],
    ['setLevel', 'WARN'],
  ];
  for (let i = 0; i < 8; i++) ops.push(['addBreadcrumb', { timestamp: 1796642600 + i + 0.25, category: `c${i}`, message: `m${i}`, level: i % 2 ? 'info' : 'nonsense', type: 'default', data: { i, f: i / 3, s: 'x' } }]);
  for (const [op, ...args] of ops) {
    if (op === 'setUser') { eb.setUser(args[0]); setUser(s, args[0]); }
    if (op === 'setTag') { eb.setTag(...args); setTag(s, ...args); }
    if (op === 'setExtra') { eb.setExtra(...args); setExtra(s, ...args); }
    if (op === 'setContext') { eb.setContext(...args); setContext(s, ...args); }
    if (op === 'addBreadcrumb') { eb.addBreadcrumb(args[0]); addBreadcrumb(s, args[0], Date.now()); }
  }
  s.fingerprint = ['{{ default }}', 'checkout'];
  s.level = level('WARN');
  eb.withScope((scope) => {
    scope.setFingerprint(['{{ default }}', 'checkout']);
    scope.setLevel('WARN');
    eb.captureException(new Error('with a scope'));
  });
  await eb.flush(2000);
  const shipped = events.at(-1);
  const bytes = captureEnvelope(x, new Error('with a scope'), {
    eventId: shipped.event_id, at: Date.now(), mechanism: 'generic', handled: true, level: 'error', sdk: SDK, dsn: DSN, ...scopeFields(s),
  }, 1_000_000);
  const ev = JSON.parse(new TextDecoder().decode(bytes).split('\n')[2]);
  for (const k of ['user', 'tags', 'extra', 'fingerprint', 'level', 'breadcrumbs']) assert.deepEqual(ev[k], shipped[k], k);
  // The shipped scope also holds the page's contexts (none in Node) and the runtime's.
  for (const k of Object.keys(ev.contexts ?? {})) assert.deepEqual(ev.contexts[k], shipped.contexts[k], `contexts.${k}`);
  assert.ok(ev.contexts.app && !ev.contexts.removed);
  await eb.close(1000);
  relayAll([bytes], 'lean envelope with a scope');
});
