// `init` without `await` (Sentry's `init` is synchronous, so apps ported from it call the API
// straight after): what is captured and set while the module loads is kept and made, in order,
// once it is configured. Captures answer at once with the id their event is sent under, and
// keep the time they were made; more than the bound are counted in the client report. Every
// envelope passes Sentry's normalizer (tests/oracles/relay_validate.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as eb from '../../pkg/node.js';
import { relayAll } from '../relay.mjs';
const decode = (b) => new TextDecoder().decode(b);
const items = (bodies, type) =>
  bodies.map(decode).filter((t) => t.split('\n')[1].includes(`"type":"${type}"`)).map((t) => JSON.parse(t.split('\n')[2]));


test('calls made before init resolves are made once it has, with their ids and times', async () => {
  const sent = [];
  const started = Date.now();
  const ready = eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    release: 'shop@1.0.0',
    transport: async (req) => {
      sent.push(req.body);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
  });
  assert.equal(typeof ready.then, 'function');
  eb.setUser({ id: 'u-1' });
  eb.setTag('phase', 'loading');
  eb.addBreadcrumb({ category: 'app', message: 'booting' });
  const thrown = eb.captureException(new Error('thrown while loading'));
  const scoped = [];
  eb.withScope((scope) => {
    scope.setTag('inner', 'yes');
    scoped.push(eb.captureException('a string, inside a scope'));
  });
  const message = eb.captureMessage('said while loading', 'warning');
  for (const id of [thrown, ...scoped, message]) assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(new Set([thrown, ...scoped, message]).size, 3);
  assert.equal(eb.lastEventId(), message);
  assert.equal(sent.length, 0, 'nothing is made before the module is there');

  await ready;
  assert.equal(eb.lastEventId(), message);
  const after = eb.captureException(new Error('after init'));
  assert.equal(await eb.flush(5000), true);
  const events = items(sent, 'event');
  assert.deepEqual(events.map((e) => e.event_id), [thrown, ...scoped, message, after]);
  const [first, second, third] = events;
  assert.equal(first.exception.values.at(-1).value, 'thrown while loading');
  assert.equal(first.user.id, 'u-1');
  assert.equal(first.tags.phase, 'loading');
  assert.equal(first.release, 'shop@1.0.0');
  assert.deepEqual(first.breadcrumbs.values.map((b) => b.message), ['booting']);
  assert.equal(second.tags.inner, 'yes', 'withScope kept its own scope');
  assert.equal(second.exception.values.at(-1).value, 'a string, inside a scope');
  assert.ok(second.exception.values.at(-1).stacktrace.frames.length > 0, 'a string keeps where it was captured');
  assert.equal(third.tags.inner, undefined, 'and the scope ended with it');
  assert.equal(third.level, 'warning');
  assert.equal(third.logentry.formatted, 'said while loading');
  for (const e of events.slice(0, 3)) {
    const at = Date.parse(e.timestamp);
    assert.ok(at >= started - 1 && at <= Date.now(), `${e.timestamp} is when it was captured`);
  }
  relayAll(sent);
  await eb.close(1000);
});

test('beyond the bound, captures made while loading are counted, not kept', async () => {
  const sent = [];
  const ready = eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async (req) => {
      sent.push(req.body);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
  });
  const ids = [];
  for (let i = 0; i < 120; i++) ids.push(eb.captureException(new Error(`burst ${i}`)));
  const kept = ids.filter((id) => id !== '');
  assert.equal(kept.length, 100);
  assert.deepEqual(ids.slice(100), Array(20).fill(''), 'a dropped capture has no id');
  await ready;
  assert.equal(await eb.flush(5000), true);
  const events = items(sent, 'event');
  // The delivery queue has its own bound (40 waiting): the rest is counted there.
  const discarded = items(sent, 'client_report').flatMap((r) => r.discarded_events);
  const overflow = discarded.filter((d) => d.reason === 'queue_overflow' && d.category === 'error').reduce((n, d) => n + d.quantity, 0);
  assert.equal(events.length + overflow, 120, JSON.stringify(discarded));
  assert.ok(events.every((e) => kept.includes(e.event_id)));
  relayAll(sent);
  await eb.close(1000);
});

test('close before init resolves waits for it, then removes everything', async () => {
  const sent = [];
  eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async (req) => {
      sent.push(req.body);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
  });
  const id = eb.captureException(new Error('last words'));
  assert.equal(await eb.close(5000), true);
  assert.deepEqual(items(sent, 'event').map((e) => e.event_id), [id]);
  assert.equal(eb.captureException(new Error('after close')), '');
});

test('after init resolves, the first call configures the client at once: nothing waits in the loading bound', async () => {
  const sent = [];
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: (req) => {
      sent.push(req.body);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
  });
  // init left configuring for the next task; this capture comes first and must not wait.
  eb.setTag('stage', 'configured');
  const first = eb.captureException(new Error('right after init'));
  assert.equal(items(sent, 'event').length, 1, 'handed to the transport within the call');
  const [event] = items(sent, 'event');
  assert.equal(event.event_id, first);
  assert.equal(event.tags.stage, 'configured', 'the tag set before it, in the same task');
  // More captures in the same task than the loading bound (100): none is refused an id.
  const ids = [];
  for (let i = 0; i < 150; i++) ids.push(eb.captureException(new Error(`burst ${i}`)));
  assert.ok(ids.every((id) => /^[0-9a-f]{32}$/.test(id)));
  assert.equal(await eb.flush(5000), true);
  // Every capture reached the client: sent, or counted by the delivery queue's own bound.
  const discarded = items(sent, 'client_report').flatMap((r) => r.discarded_events);
  const overflow = discarded.filter((d) => d.reason === 'queue_overflow' && d.category === 'error').reduce((n, d) => n + d.quantity, 0);
  assert.equal(items(sent, 'event').length + overflow, 151, JSON.stringify(discarded));
  relayAll(sent);
  await eb.close(1000);
});

test('init called again before the first resolved: the latest options, one set of hooks, all removed by close', async () => {
  const W = globalThis.WebAssembly;
  const names = ['instantiate', 'compile', 'Module', 'instantiateStreaming', 'compileStreaming'];
  const before = names.map((n) => W[n]);
  const sent = [];
  const options = (release) => ({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    release,
    transport: (req) => {
      sent.push(req.body);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
  });
  const first = eb.init(options('first@1'));
  const second = eb.init(options('second@1'));
  await Promise.all([first, second]);
  eb.captureException(new Error('after both'));
  assert.equal(await eb.flush(5000), true);
  const events = items(sent, 'event');
  assert.equal(events.length, 1);
  assert.equal(events[0].release, 'second@1');
  await eb.close(1000);
  assert.deepEqual(names.filter((n, i) => W[n] !== before[i]), [], 'every WebAssembly entry point is the original again');
});

test('init again while configured: a capture made before the new init resolves goes out to the envelope URL', async () => {
  const requests = [];
  const options = (release) => ({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    release,
    transport: (req) => {
      requests.push(req);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
  });
  await eb.init(options('a@1'));
  const one = eb.captureException(new Error('one'));
  const again = eb.init(options('b@1'));
  const between = eb.captureException(new Error('between the two'));
  await again;
  const after = eb.captureException(new Error('after the second'));
  assert.equal(await eb.flush(5000), true);
  const events = items(requests.map((r) => r.body), 'event');
  assert.deepEqual(events.map((e) => e.event_id), [one, between, after]);
  assert.equal(events.at(-1).release, 'b@1');
  for (const r of requests) assert.equal(r.url, 'https://o1.ingest.example/api/42/envelope/', 'every envelope to the DSN');
  await eb.close(1000);
});
