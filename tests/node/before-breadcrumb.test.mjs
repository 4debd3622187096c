// beforeBreadcrumb(breadcrumb, hint) as @sentry/browser runs it: every breadcrumb, manual or
// automatic, goes through it; null drops it, a returned object replaces it; the hint is the
// caller's (manual) or what the breadcrumb came from (console arguments here). Logging inside
// the callback makes no breadcrumb (no recursion), and a throwing callback keeps the
// breadcrumb and throws nothing into the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as eb from '../../pkg/node.js';
import { relayAll } from '../relay.mjs';

test('beforeBreadcrumb filters, rewrites and sees the hint', async () => {
  const sent = [];
  const seen = [];
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async (req) => {
      sent.push(req.body);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: [] },
    beforeBreadcrumb: (crumb, hint) => {
      seen.push([crumb.category, hint]);
      console.log('logged inside beforeBreadcrumb');
      if (crumb.category === 'secret') return null;
      if (crumb.category === 'console') return { ...crumb, message: 'redacted' };
      if (crumb.category === 'boom') throw new Error('callback failed');
      return crumb;
    },
  });
  eb.addBreadcrumb({ category: 'secret', message: 'card number' });
  eb.addBreadcrumb({ category: 'kept', message: 'm' }, { custom: 1 });
  console.warn('user text', 42);
  assert.doesNotThrow(() => eb.addBreadcrumb({ category: 'boom', message: 'still here' }));
  eb.captureMessage('check');
  assert.equal(await eb.flush(5000), true);

  const event = sent
    .map((b) => new TextDecoder().decode(b).split('\n'))
    .filter((l) => l[1].includes('"type":"event"'))
    .map((l) => JSON.parse(l[2]))[0];
  const crumbs = event.breadcrumbs.values;
  assert.deepEqual(
    crumbs.map((c) => [c.category, c.message]),
    [['kept', 'm'], ['console', 'redacted'], ['boom', 'still here']],
  );
  assert.ok(crumbs.every((c) => typeof c.timestamp === 'number' || typeof c.timestamp === 'string'));
  assert.deepEqual(seen.map(([category]) => category), ['secret', 'kept', 'console', 'boom']);
  assert.deepEqual(seen[1][1], { custom: 1 });
  assert.deepEqual(seen[2][1].input, ['user text', 42]);
  assert.equal(seen[2][1].level, 'warning');
  relayAll(sent);
  await eb.close(1000);
});
