// The SDK's capture API in Node, through the built package: every kind of thrown value,
// hostile values, scope, filters and beforeSend, with every envelope checked by Sentry's own
// normalizer (tests/oracles/relay_validate.py; the venv comes from scripts/setup.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as eb from '../../pkg/node.js';
import { PYTHON, relayAll } from '../relay.mjs';
const DSN = 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42';
const sent = [];
const originalConsoleError = console.error;

function decode(req) {
  const text = new TextDecoder().decode(req.body);
  const [header, itemHeader, payload] = text.split('\n');
  return { header: JSON.parse(header), item: JSON.parse(itemHeader), event: JSON.parse(payload), bytes: req.body };
}

/** Captures with `fn` and returns the envelopes it produced. */
async function capturing(fn) {
  const start = sent.length;
  fn();
  await eb.flush(2000);
  return sent.slice(start).map(decode);
}

const main = (e) => e.event.exception?.values?.at(-1);

before(async () => {
  assert.ok(existsSync(PYTHON), `no Python with sentry-relay at ${PYTHON}: run scripts/setup.sh`);
  await eb.init({
    dsn: DSN,
    release: 'shop@1.4.2',
    transport: async (req) => {
      sent.push(req);
      return { status: 200, headers: {} };
    },
    ignoreErrors: [/please ignore me/, 'ignored by substring'],
    beforeSend: (event) => (event.tags?.drop === 'yes' ? null : event),
    integrations: { dedupe: false },
  });
});

after(async () => {
  await eb.close(1000);
});

test('an Error keeps its type, value, frames and mechanism', async () => {
  function checkout() {
    throw new TypeError('cart is empty');
  }
  let id;
  const [e] = await capturing(() => {
    try {
      checkout();
    } catch (err) {
      id = eb.captureException(err);
    }
  });
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(e.header.event_id, id);
  assert.equal(e.event.release, 'shop@1.4.2');
  const ex = main(e);
  assert.equal(ex.type, 'TypeError');
  assert.equal(ex.value, 'cart is empty');
  assert.deepEqual(ex.mechanism, { type: 'generic', handled: true });
  const crash = ex.stacktrace.frames.at(-1);
  assert.equal(crash.function, 'checkout');
  assert.ok(crash.abs_path.endsWith('tests/node/capture.test.mjs'), crash.abs_path);
  assert.equal(crash.in_app, true);
  assert.equal(eb.lastEventId(), id);
});

test('primitives keep their value and JS type, and where they were seen', async () => {
  const cases = [['boom', 'boom', 'string'], [42, '42', 'number'], [null, 'null', 'null'], [undefined, 'undefined', 'undefined'],
    [10n, '10n', 'bigint'], [true, 'true', 'boolean'], [Symbol('s'), 'Symbol(s)', 'symbol']];
  for (const [value, text, type] of cases) {
    const [e] = await capturing(() => eb.captureException(value));
    const ex = main(e);
    assert.equal(ex.value, text);
    assert.equal(ex.mechanism.synthetic, true);
    assert.equal(ex.mechanism.data.thrown_type, type);
    const frames = ex.stacktrace.frames;
    assert.ok(frames.at(-1).abs_path.endsWith('capture.test.mjs'), 'the SDK frames are stripped, the caller stays');
  }
});

test('objects, cause chains and AggregateError', async () => {
  const [obj] = await capturing(() => eb.captureException({ code: 7, detail: { nested: [1, 2] } }));
  assert.equal(main(obj).value, 'Object captured as exception with keys: code=7, detail={…}');
  assert.deepEqual(obj.event.extra.__serialized__, { code: 7, detail: { nested: [1, 2] } });

  const [chain] = await capturing(() => eb.captureException(new Error('order failed', { cause: new Error('db down', { cause: 'timeout' }) })));
  const values = chain.event.exception.values;
  assert.deepEqual(values.map((v) => v.value), ['timeout', 'db down', 'order failed']);
  assert.deepEqual(values.map((v) => v.mechanism.exception_id), [2, 1, 0]);

  const [agg] = await capturing(() => eb.captureException(new AggregateError([new Error('a'), new RangeError('b')], 'all failed')));
  const av = agg.event.exception.values;
  assert.equal(av.at(-1).type, 'AggregateError');
  assert.equal(av.at(-1).mechanism.is_exception_group, true);
  assert.deepEqual(av.slice(0, -1).map((v) => v.mechanism.source).sort(), ['errors[0]', 'errors[1]']);
});

test('hostile values never throw into the host and stay bounded', async () => {
  const trap = () => {
    throw new Error('trap');
  };
  const proxy = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap });
  const getters = Object.create(Error.prototype, {
    stack: { get: trap },
    message: { get: trap },
    name: { get: trap },
    toString: { value: trap },
  });
  const valueOf = { valueOf: trap, toString: trap };
  const big = new Error('x'.repeat(5_000_000));
  const cyclic = new Error('a');
  cyclic.cause = new Error('b', { cause: cyclic });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const envelopes = await capturing(() => {
    for (const v of [proxy, getters, valueOf, big, cyclic, revoked.proxy, new Proxy(function f() {}, { get: trap })]) {
      assert.doesNotThrow(() => eb.captureException(v));
    }
  });
  assert.equal(envelopes.length, 7);
  for (const e of envelopes) assert.ok(e.bytes.length < 1_000_000, `${e.bytes.length} bytes`);
  assert.equal(main(envelopes[3]).value.length, 8192);
  assert.deepEqual(envelopes[4].event.exception.values.map((v) => v.value), ['b', 'a']);
});

test('scope, withScope and breadcrumbs', async () => {
  eb.setUser({ id: 'u-1', email: 'a@example.com' });
  eb.setTags({ page: 'checkout', build: 7 });
  eb.setContext('cart', { items: 3 });
  eb.setExtra('note', 'hello');
  eb.addBreadcrumb({ category: 'ui.click', message: 'button#buy', level: 'info' });
  const [inside, outside] = await capturing(() => {
    eb.withScope((scope) => {
      scope.setTag('inner', 'yes');
      eb.captureMessage('in scope', 'warning');
    });
    eb.captureMessage('outside');
  });
  assert.equal(inside.event.level, 'warning');
  assert.equal(inside.event.logentry.formatted, 'in scope');
  assert.equal(inside.event.tags.inner, 'yes');
  assert.equal(outside.event.tags.inner, undefined);
  assert.equal(outside.event.tags.page, 'checkout');
  assert.equal(outside.event.tags.build, '7');
  assert.equal(outside.event.user.id, 'u-1');
  assert.deepEqual(outside.event.contexts.cart, { items: 3 });
  assert.equal(outside.event.extra.note, 'hello');
  assert.ok(outside.event.breadcrumbs.values.some((b) => b.category === 'ui.click'));
  eb.setUser(null);
  const [cleared] = await capturing(() => eb.captureMessage('no user'));
  assert.equal(cleared.event.user, undefined);
});

test('ignoreErrors (RegExp and substring) and beforeSend drop events', async () => {
  const envelopes = await capturing(() => {
    eb.captureException(new Error('please ignore me'));
    eb.captureException(new Error('ignored by substring, really'));
    eb.withScope((s) => {
      s.setTag('drop', 'yes');
      eb.captureException(new Error('dropped by beforeSend'));
    });
    eb.captureException(new Error('kept'));
  });
  const events = envelopes.filter((e) => e.item.type === 'event');
  assert.deepEqual(events.map((e) => main(e).value), ['kept']);
  // flush sent what was dropped, as Sentry's SDKs do, in a client report.
  const reports = envelopes.filter((e) => e.item.type === 'client_report');
  assert.equal(reports.length, 1);
  const counts = Object.fromEntries(reports[0].event.discarded_events.map((d) => [`${d.reason}:${d.category}`, d.quantity]));
  assert.deepEqual(counts, { 'event_processor:error': 2, 'before_send:error': 1 });
});

test('console.error is captured and close() restores console', async () => {
  assert.notEqual(console.error, originalConsoleError, 'console.error is wrapped after init');
  const [e] = await capturing(() => console.error('something', 'went wrong'));
  assert.equal(e.event.logentry.formatted, 'something went wrong');
  assert.equal(e.event.level, 'error');
});

test('every envelope passes Relay', () => {
  assert.ok(sent.length > 20, `${sent.length} envelopes`);
  relayAll(sent);
});

test('close() removes the wrappers it installed', async () => {
  await eb.close(1000);
  assert.equal(console.error, originalConsoleError);
});
