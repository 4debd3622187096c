// The hand-written boundary between the API and the wasm (js/boundary.js, src/web/exports.rs), through
// the built package: huge strings cross as bounded slices, and calls that re-enter the SDK
// while the wasm is reading a value (getters that capture) neither throw nor lose an event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as eb from '../../pkg/node.js';

const DSN = 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42';
const sent = [];
let beforeSend = (event) => event;

function decode(req) {
  const text = new TextDecoder().decode(req.body);
  const [, , payload] = text.split('\n');
  return JSON.parse(payload);
}

async function capturing(fn) {
  const start = sent.length;
  const out = fn();
  await eb.flush(2000);
  return { out, events: sent.slice(start).map(decode).filter((e) => e.event_id) };
}

before(async () => {
  await eb.init({
    dsn: DSN,
    transport: async (req) => {
      sent.push(req);
      return { status: 200, headers: {} };
    },
    beforeSend: (event, hint) => beforeSend(event, hint),
    integrations: { dedupe: false },
  });
});

after(async () => {
  await eb.close(1000);
});

test('a 20 MB message, tag, extra and breadcrumb cross bounded, and the event is sent', async () => {
  const huge = 'x'.repeat(20 * 1024 * 1024);
  const { out: id, events } = await capturing(() => {
    eb.setTag('huge', huge);
    eb.setExtra('huge', huge);
    eb.addBreadcrumb({ category: huge, message: huge });
    return eb.captureMessage(huge);
  });
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(events.length, 1);
  const [e] = events;
  assert.equal(e.event_id, id);
  assert.equal(e.logentry.formatted.length, 8192);
  assert.ok(e.tags.huge.length <= 200, `tag ${e.tags.huge.length}`);
  assert.ok(e.extra.huge.length <= 1100, `extra ${e.extra.huge.length}`);
  const crumb = e.breadcrumbs.values.at(-1);
  assert.ok(crumb.message.length <= 8192, `crumb message ${crumb.message.length}`);
  assert.ok(crumb.category.length <= 32768, `crumb category ${crumb.category.length}`);
  eb.setTag('huge', undefined);
  eb.setExtra('huge', undefined);
});

test('a message of astral characters keeps 8,192 of them (the last one the cut mark)', async () => {
  const text = '😀'.repeat(20000); // 40,000 units: cut by the glue, then by the wasm
  const { events } = await capturing(() => eb.captureMessage(text));
  const chars = [...events[0].logentry.formatted];
  assert.equal(chars.length, 8192);
  assert.equal(chars.at(-1), '…');
  assert.ok(chars.slice(0, -1).every((c) => c === '😀'));
});

test('a getter that captures while the wasm reads the thrown value: both events go out', async () => {
  const outer = new Error('outer');
  let innerId;
  Object.defineProperty(outer, 'cause', {
    get() {
      innerId = eb.captureException(new RangeError('inner, from a getter'));
      return undefined;
    },
  });
  const { out: outerId, events } = await capturing(() => eb.captureException(outer));
  assert.match(outerId, /^[0-9a-f]{32}$/);
  assert.match(innerId, /^[0-9a-f]{32}$/);
  assert.notEqual(innerId, outerId);
  const byId = new Map(events.map((e) => [e.event_id, e]));
  assert.equal(byId.get(outerId)?.exception.values.at(-1).value, 'outer');
  assert.equal(byId.get(innerId)?.exception.values.at(-1).value, 'inner, from a getter');
});

test('setContext and setUser objects whose getters capture leave the scope intact', async () => {
  const context = {
    get plan() {
      eb.captureMessage('from a context getter');
      return 'pro';
    },
    seats: 3,
  };
  const { events } = await capturing(() => {
    eb.setContext('billing', context);
    eb.setUser({ id: 7, get email() { eb.addBreadcrumb({ message: 'read email' }); return 'a@b.c'; } });
    return eb.captureMessage('after');
  });
  const after = events.find((e) => e.logentry?.formatted === 'after');
  assert.deepEqual(after.contexts.billing, { plan: 'pro', seats: 3 });
  assert.equal(after.user.id, '7');
  assert.equal(after.user.email, 'a@b.c');
  assert.ok(events.some((e) => e.logentry?.formatted === 'from a context getter'));
  eb.setContext('billing', null);
  eb.setUser(null);
});

// A capture made inside beforeSend finds the client busy and is not made (src/web/sdk.rs,
// `with_state`): it answers '' and throws nothing, and the outer event goes out as rewritten.
test('beforeSend that captures and rewrites: no throw, and the rewrite is sent', async () => {
  let nestedId;
  beforeSend = (event) => {
    if (event.logentry?.formatted === 'outer message') {
      nestedId = eb.captureMessage('nested in beforeSend');
      return { ...event, tags: { ...event.tags, rewritten: 'é✓😀' } };
    }
    return event;
  };
  try {
    const { out: id, events } = await capturing(() => eb.captureMessage('outer message'));
    const outer = events.find((e) => e.event_id === id);
    assert.equal(outer.tags.rewritten, 'é✓😀');
    assert.equal(nestedId, '');
    assert.equal(events.length, 1);
  } finally {
    beforeSend = (event) => event;
  }
});
