// The second argument of captureException / captureMessage as @sentry/browser takes it: a
// capture context (tags, extra, contexts, user, level, fingerprint, or a function given the
// scope) applies to that one event only; any other hint changes nothing. Every envelope passes
// Sentry's normalizer (tests/oracles/relay_validate.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as eb from '../../pkg/node.js';
import { relayAll } from '../relay.mjs';

test('a capture context applies to its own event only', async () => {
  const sent = [];
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async (req) => {
      sent.push(req.body);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
  });
  eb.setTag('app', 'shop');
  const ids = {
    full: eb.captureException(new Error('with a context'), {
      tags: { section: 'checkout' },
      extra: { cart: 3 },
      contexts: { order: { id: 7 } },
      user: { id: 'u9' },
      level: 'fatal',
      fingerprint: ['checkout-failure'],
    }),
    plain: eb.captureException(new Error('with an event hint'), { data: { any: 1 }, originalException: null }),
    fn: eb.captureException(new Error('with a scope function'), (scope) => {
      scope.setLevel('warning');
      scope.setTag('from', 'callback');
    }),
    message: eb.captureMessage('a message with a context', { level: 'error', tags: { m: 'yes' } }),
    after: eb.captureException(new Error('after')),
  };
  assert.equal(await eb.flush(5000), true);
  const events = new Map(
    sent
      .map((b) => new TextDecoder().decode(b).split('\n'))
      .filter((l) => l[1].includes('"type":"event"'))
      .map((l) => JSON.parse(l[2]))
      .map((e) => [e.event_id, e]),
  );
  // sendDefaultPii is off: the server must not take the user's IP address from the request.
  for (const e of events.values()) assert.deepEqual(e.sdk.settings, { infer_ip: 'never' });
  const full = events.get(ids.full);
  assert.deepEqual(full.tags, { app: 'shop', section: 'checkout' });
  assert.equal(full.extra.cart, 3);
  assert.equal(full.contexts.order.id, 7);
  assert.equal(full.user.id, 'u9');
  assert.equal(full.level, 'fatal');
  assert.deepEqual(full.fingerprint, ['checkout-failure']);

  const plain = events.get(ids.plain);
  assert.deepEqual(plain.tags, { app: 'shop' });
  assert.equal(plain.level, 'error');
  assert.equal(plain.extra, undefined);

  const fn = events.get(ids.fn);
  assert.equal(fn.level, 'warning');
  assert.equal(fn.tags.from, 'callback');

  const message = events.get(ids.message);
  assert.equal(message.level, 'error');
  assert.equal(message.tags.m, 'yes');
  assert.equal(message.logentry.formatted, 'a message with a context');

  const after = events.get(ids.after);
  assert.deepEqual(after.tags, { app: 'shop' }, 'nothing stays on the scope');
  assert.equal(after.level, 'error');
  assert.equal(after.user, undefined);
  assert.equal(after.fingerprint, undefined);

  relayAll(sent);
  await eb.close(1000);
});

test('with sendDefaultPii the server may infer the IP address', async () => {
  const sent = [];
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    sendDefaultPii: true,
    transport: async (req) => {
      sent.push(new TextDecoder().decode(req.body));
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
  });
  eb.captureException(new Error('with pii'));
  assert.equal(await eb.flush(5000), true);
  const event = JSON.parse(sent.find((t) => t.split('\n')[1].includes('"type":"event"')).split('\n')[2]);
  assert.deepEqual(event.sdk.settings, { infer_ip: 'auto' });
  await eb.close(1000);
});

test('hostile hints, contexts and breadcrumbs throw nothing into the app', async () => {
  const trap = () => {
    throw new Error('trap');
  };
  const hostile = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap });
  let sent = 0;
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async () => {
      sent++;
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
    beforeBreadcrumb: (crumb, hint) => (hint.boom ? crumb : crumb),
  });
  assert.match(eb.captureException(new Error('hostile hint'), hostile), /^[0-9a-f]{32}$/);
  assert.match(eb.captureMessage('hostile context', hostile), /^[0-9a-f]{32}$/);
  assert.match(eb.captureException(new Error('throwing scope function'), () => trap()), /^[0-9a-f]{32}$/);
  assert.doesNotThrow(() => eb.addBreadcrumb(hostile, hostile));
  assert.doesNotThrow(() => eb.withScope(() => trap()));
  assert.equal(await eb.flush(5000), true);
  assert.equal(sent, 3);
  await eb.close(1000);
});
