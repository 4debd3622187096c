// Delivery end to end in real headless Chromium and Firefox: a page (pages/delivery.js) sends to
// a scriptable ingest on another loopback origin (ingest.mjs) that answers 429s, rate-limit
// headers, 5xx, refuses connections or is down; the test counts what arrived. Nothing may be
// lost or duplicated beyond what the client reports account for, and every envelope that
// arrived passes Relay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSink } from './sink.mjs';
import { startIngest, tally, items } from './ingest.mjs';
import { runChromium, runFirefox, runWebKit, relayAll } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENGINES = { Chromium: runChromium, Firefox: runFirefox, WebKit: runWebKit };

let sink;
before(async () => {
  assert.ok(existsSync(join(ROOT, 'pkg/index.js')), 'pkg/ is not built: run scripts/build-pkg.sh');
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
});

/** Runs `scenario` in `engine` against a fresh ingest set up by `prepare`; returns the page's
 * report and what the ingest received. */
async function run(engine, scenario, prepare = () => {}, during = async () => {}) {
  sink.reset();
  const ingest = await startIngest();
  try {
    await prepare(ingest);
    const url = `${sink.origin}/tests/browser/pages/delivery.html?scenario=${scenario}&dsn=${encodeURIComponent(ingest.dsn)}`;
    const side = during(ingest);
    await ENGINES[engine](url, sink);
    await side;
    const report = JSON.parse(sink.report() || '{}');
    assert.equal(report.error, undefined, `${engine} ${scenario}: the page failed: ${report.error}`);
    // Give requests the page started last (beacons, keepalive) a moment to land.
    await new Promise((r) => setTimeout(r, 300));
    relayAll(ingest.received.filter((r) => r.answered !== 'refused'), `${engine}-${scenario}`);
    return { report, received: ingest.received, t: tally(ingest.received) };
  } finally {
    await ingest.close();
  }
}

/** Resolves when `cond()` holds, or after `ms` (the assertions that follow then say what is missing). */
async function until(cond, ms) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

/** For the pages that navigate to delivery-next.html: it reports once the ingest has stored an
 * event (answered 200), or after 30 s. */
async function releaseWhenStored(ingest) {
  await sink.awaitSignal('arrived', 60_000);
  await until(() => tally(ingest.received).ids.length > 0, 30_000);
  sink.release('arrived');
}

const eventsWith = (received, id) => received.filter((r) => r.body.toString('utf8').includes(`"event_id":"${id}"`)).length;

for (const engine of Object.keys(ENGINES)) {
  // Retry-After as delay-seconds, and as an HTTP-date two seconds after the answer
  // (IMF-fixdate, as servers send it; the transport turns it into seconds: js/transport.js
  // retryAfterSeconds): the policy holds the next capture back and lets the one after the
  // window go.
  const retryAfter = {
    'delay-seconds': () => ({ 'retry-after': '2' }),
    'an HTTP-date': () => ({ 'retry-after': new Date(Date.now() + 2000).toUTCString() }),
  };
  for (const [form, headers] of Object.entries(retryAfter)) {
    test(`${engine}: a 429 with Retry-After (${form}) holds captures back for its window, then delivery resumes`, async () => {
      const { report, received, t } = await run(engine, 'ratelimit429', (ingest) => ingest.plan({ status: 429, headers }));
      const [first, second, third] = report.ids;
      assert.equal(report.flushed, true);
      assert.deepEqual(t.ids.filter((id) => report.ids.includes(id)), [third], 'only the capture after the window is stored');
      assert.equal(eventsWith(received, first), 1, 'the first was sent once (and answered 429)');
      assert.equal(eventsWith(received, second), 0, 'the second was never sent');
      // The 429'd envelope is counted by the server that refused it; the client reports the one
      // it held back (Sentry's client-report rules).
      assert.equal(t.dropped['ratelimit_backoff:error'], 1, `client report: ${JSON.stringify(t.dropped)}`);
      assert.equal(t.duplicates, 0);
    });
  }

  test(`${engine}: X-Sentry-Rate-Limits for errors holds errors back; the client report still goes`, async () => {
    const { report, received, t } = await run(engine, 'ratelimitHeader', (ingest) =>
      ingest.plan({ status: 200, headers: { 'x-sentry-rate-limits': '60:error:organization:quota' } }));
    assert.deepEqual(t.ids.filter((id) => report.ids.includes(id)), [report.ids[0]]);
    assert.equal(eventsWith(received, report.ids[1]) + eventsWith(received, report.ids[2]), 0);
    assert.equal(t.dropped['ratelimit_backoff:error'], 2, `client report: ${JSON.stringify(t.dropped)}`);
  });

  test(`${engine}: 500 three times, then 200: retried with backoff, delivered once`, async () => {
    const { report, received, t } = await run(engine, 'retry500', (ingest) => ingest.plan({ status: 500 }, { status: 500 }, { status: 500 }));
    assert.equal(report.flushed, true, 'flush waited for the retries');
    assert.equal(eventsWith(received, report.ids[0]), 4, 'three failures and the delivery');
    assert.deepEqual(t.ids, [report.ids[0]]);
    assert.equal(t.duplicates, 0);
  });

  test(`${engine}: with offline: true, an envelope captured while the server is down is sent after a reload, once`, async () => {
    let stored;
    const { report, t } = await run(engine, 'offline', (ingest) => ingest.down(), async (ingest) => {
      stored = Number(await sink.awaitSignal('stored', 60_000));
      await ingest.up();
      sink.release('stored');
    });
    assert.equal(stored, 1, 'kept in IndexedDB after the retries failed');
    assert.equal(report.phase, '2');
    assert.deepEqual(t.ids, report.ids, 'delivered after the reload');
    assert.equal(t.duplicates, 0);
    assert.equal(report.left, 0, 'removed from the store once delivered');
  });

  test(`${engine}: a capture right before navigating away still arrives`, async () => {
    const { report, t } = await run(engine, 'navigate', (ingest) => ingest.plan({ status: 200, delay: 800 }), releaseWhenStored);
    assert.equal(report.navigated, true);
    assert.deepEqual(t.ids, report.ids);
  });

  test(`${engine}: an envelope waiting for a retry leaves by sendBeacon when the page is hidden`, async () => {
    const { report, received, t } = await run(engine, 'hidden', (ingest) => ingest.plan({ status: 500 }), releaseWhenStored);
    assert.equal(report.navigated, true);
    assert.deepEqual(t.ids, report.ids, `answers: ${received.map((r) => r.answered).join(',')}`);
    const beacon = received.at(-1);
    assert.ok(beacon.query.includes('sentry_key='), 'a beacon carries its auth in the query string');
    assert.equal(beacon.headers['x-sentry-auth'], undefined);
  });

  test(`${engine}: an init with beforeSend and ignoreErrors after a default one applies them, on the one wasm fetched once`, async () => {
    const { report, received, t } = await run(engine, 'reinit');
    assert.equal(report.flushed, true);
    assert.deepEqual(report.wasm, ['/pkg/wasm/errorbeacon_bg.wasm'], 'one module, fetched once');
    assert.deepEqual(t.ids, report.ids.slice(0, 2), 'the ignored error was not sent');
    const tags = new Map();
    for (const r of received) for (const it of items(r.body)) if (it.type === 'event') tags.set(it.payload.event_id, it.payload.tags?.before_send);
    assert.equal(tags.get(report.ids[0]), undefined, 'no beforeSend before the second init');
    assert.equal(tags.get(report.ids[1]), 'ran', 'beforeSend after it');
    assert.deepEqual(t.dropped, { 'event_processor:error': 1 }, 'the ignored error is counted');
  });

  test(`${engine}: a burst of 500 captures: what the bounds allow arrives, the client report accounts for the rest`, async () => {
    const { report, t } = await run(engine, 'burst');
    assert.equal(report.count, 500);
    assert.equal(report.distinct, 500);
    assert.equal(report.flushed, true);
    assert.equal(t.duplicates, 0);
    const dropped = Object.values(t.dropped).reduce((a, b) => a + b, 0);
    assert.ok(t.delivered > 0 && t.delivered < 500, `delivered ${t.delivered}`);
    assert.equal(t.delivered + dropped, 500, `delivered ${t.delivered} + reported ${JSON.stringify(t.dropped)}`);
    console.log(`# ${engine} burst: delivered ${t.delivered}, reported dropped ${JSON.stringify(t.dropped)}`);
  });
}
