// Browser capture end to end, in real headless Chromium (playwright-core with Debian's
// chromium), Firefox ESR (a self-driving page: playwright cannot drive stock Firefox) and
// WebKitGTK (Safari's engine, through WebKitWebDriver under Xvfb).
// A page from tests/browser/pages/ runs every scenario against a loopback sink; the test reads
// what arrived and checks each event, and runs every envelope through Relay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSink, events } from './sink.mjs';
import { runChromium, runFirefox, runWebKit, relayAll } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let sink;
before(async () => {
  assert.ok(existsSync(join(ROOT, 'pkg/index.js')), 'pkg/ is not built: run scripts/build-pkg.sh');
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
});

function pageUrl() {
  return `${sink.origin}/tests/browser/pages/capture.html?dsn=${encodeURIComponent(sink.dsn)}`;
}

function byValue(evs) {
  const map = new Map();
  for (const e of evs) {
    const ex = e.exception?.values?.at(-1);
    map.set(ex ? ex.value : e.logentry?.formatted, e);
  }
  return map;
}


/** The culprit the inbox derives (inbox/src/normalize.rs, `culprit`): the newest in-app frame
 * of the last exception, or the newest frame when none is in-app. */
function culprit(e) {
  const fs = e.exception?.values?.at(-1)?.stacktrace?.frames ?? [];
  const anyApp = fs.some((f) => f.in_app === true);
  const f = [...fs].reverse().find((x) => !anyApp || x.in_app === true);
  return f ? `${f.module ?? f.filename ?? f.abs_path ?? '?'}${f.function ? ` in ${f.function}` : ''}` : '';
}

const BROWSER_NAME = { chromium: 'Chrome Headless', firefox: 'Firefox', webkit: 'Safari' };

function checkEvents(engine) {
  const report = JSON.parse(sink.report() || '{}');
  assert.equal(report.alive, true, 'the page kept working');
  assert.equal(report.flushed, true, 'flush resolved true');
  assert.equal(report.restored, true, 'close() put back every function it wrapped');
  const envs = sink.envelopes;
  for (const e of envs) assert.ok(e.body.length < 1_000_000, `${engine}: envelope of ${e.body.length} bytes`);
  assert.ok(envs.every((e) => e.auth && e.auth.includes('sentry_key=0123456789abcdef0123456789abcdef')), 'auth sent');
  const evs = events(envs);
  const got = byValue(evs);
  assert.ok(!evs.some((e) => JSON.stringify(e).includes('after close')), `${engine}: an event was captured after close()`);
  const mech = (e) => e.exception.values.at(-1).mechanism;
  const frames = (e) => e.exception.values.at(-1).stacktrace?.frames ?? [];

  const named = got.get('uncaught from named functions');
  assert.ok(named, `${engine}: uncaught error missing; got ${[...got.keys()].map((k) => String(k).slice(0, 60)).join(' | ')}`);
  assert.deepEqual(mech(named), { type: 'onerror', handled: false });
  const names = frames(named).map((f) => f.function);
  assert.deepEqual(names.slice(-3), ['namedOuter', 'namedMiddle', 'namedInner'], `${engine}: ${JSON.stringify(frames(named))}`);
  const crash = frames(named).at(-1);
  assert.ok(crash.abs_path.endsWith('/tests/browser/pages/capture.js'), crash.abs_path);
  assert.equal(crash.lineno, 16, 'the line of the throw in pages/capture.js');
  assert.equal(crash.in_app, true);
  assert.equal(named.release, 'scenarios@1.0.0');
  assert.ok(named.request.url.endsWith('/tests/browser/pages/capture.html'), named.request.url);
  assert.ok(named.request.query_string.startsWith('dsn='), 'the page query is kept (no secrets in it)');
  assert.ok(named.request.headers['User-Agent']);
  assert.equal(named.contexts.browser.name, BROWSER_NAME[engine]);
  assert.equal(named.contexts.os.name, 'Linux');
  assert.ok(named.contexts.culture.locale && named.contexts.culture.timezone, JSON.stringify(named.contexts.culture));
  assert.ok(named.breadcrumbs === undefined || Array.isArray(named.breadcrumbs.values));

  for (const [value, type] of [['rejected with a string', 'string'], ['42', 'number'], ['null', 'null'], ['undefined', 'undefined']]) {
    const e = got.get(`Non-Error promise rejection captured with value: ${value}`);
    assert.ok(e, `${engine}: rejection of ${type} missing`);
    assert.equal(e.exception.values.at(-1).type, 'UnhandledRejection');
    assert.equal(mech(e).handled, false);
    assert.equal(mech(e).data.thrown_type, type);
  }
  // The object's values are in the exception value, bounded (issue 17).
  const obj = got.get('Object captured as promise rejection with keys: code=7, reason="object rejection"');
  assert.ok(obj, `${engine}: object rejection missing: ${[...got.keys()].filter((k) => /Object/.test(k ?? ''))}`);
  assert.deepEqual(obj.extra.__serialized__, { reason: 'object rejection', code: 7 });

  // No frame of the package at the crash end, wherever the SDK took a stack itself (issue 17):
  // a rejection of a non-Error has no app frame under the SDK's handler, so none at all.
  const ours = (f) => f && (f.abs_path?.includes('/pkg/') || /__errorbeacon/.test(f.function ?? ''));
  for (const value of ['Non-Error promise rejection captured with value: 42', 'Non-Error promise rejection captured with value: null', obj.exception.values.at(-1).value]) {
    const e = got.get(value);
    assert.ok(!ours(frames(e).at(-1)), `${engine}: ${value}: ${JSON.stringify(frames(e).at(-1))}`);
    assert.ok(!frames(e).some(ours), `${engine}: ${value}: the SDK's frames: ${JSON.stringify(frames(e))}`);
    assert.ok(!culprit(e).includes('/pkg/'), `${engine}: ${value}: culprit ${culprit(e)}`);
  }

  const chain = got.get('order failed');
  assert.deepEqual(chain.exception.values.map((v) => v.value), ['card expired', 'payment declined', 'order failed']);
  assert.deepEqual(chain.exception.values.map((v) => v.type), ['TypeError', 'Error', 'Error']);

  const agg = got.get('all warehouses failed');
  assert.equal(agg.exception.values.at(-1).type, 'AggregateError');
  assert.equal(agg.exception.values.length, 3);

  if (engine === 'webkit') {
    // WebKit reports an exception a built-in API throws inside a timer as "Script error." with
    // no error and no location, as it does a cross-origin script's: the event says so in its hint.
    const muted = got.get('Script error.');
    assert.ok(muted, `${engine}: the muted DOMException missing`);
    assert.match(mech(muted).data.hint, /WebKit/);
  } else {
    const dom = [...got.values()].find((e) => e.exception?.values?.at(-1)?.type === 'SyntaxError' && /querySelector|selector/.test(e.exception.values.at(-1).value));
    assert.ok(dom, `${engine}: DOMException missing`);
    assert.ok(dom.tags['DOMException.code'], 'DOMException code tag');
  }

  const consoleEvent = got.get('console error scenario {"cart":3}');
  assert.ok(consoleEvent, `${engine}: console.error event missing`);
  assert.equal(consoleEvent.level, 'error');

  const http = got.get('HTTP Client Error with status code: 500');
  assert.ok(http, `${engine}: fetch 500 event missing`);
  assert.equal(mech(http).type, 'http.client');
  assert.equal(http.contexts.http.status_code, 500);
  // The crash end of a failed fetch is the app's call of fetch (capture.js), not the SDK's wrapper.
  const httpCrash = frames(http).at(-1);
  assert.ok(httpCrash?.abs_path.endsWith('/tests/browser/pages/capture.js') && httpCrash.in_app, `${engine}: ${JSON.stringify(frames(http))}`);
  assert.ok(!frames(http).some(ours), `${engine}: the SDK's frames in the fetch event: ${JSON.stringify(frames(http))}`);
  assert.ok(culprit(http).includes('capture.js'), `${engine}: fetch culprit ${culprit(http)}`);
  assert.ok(!frames(consoleEvent.exception ? consoleEvent : { exception: { values: [{}] } }).some(ours));

  assert.ok(got.get('Unreadable value captured as exception: reading the value threw'), `${engine}: hostile proxy missing`);
  assert.equal(got.get('x'.repeat(8191) + '…')?.exception.values.at(-1).value.length, 8192, `${engine}: 5 MB message not trimmed`);
  assert.deepEqual(got.get('cycle a')?.exception.values.map((v) => v.value), ['cycle b', 'cycle a']);

  assert.ok(got.get('early error before init'), `${engine}: the error thrown before init was lost`);
  // The API used before init resolved: answered at once, sent once the module was there.
  const early = got.get('captured before init resolved');
  assert.ok(early, `${engine}: the capture made before init resolved was lost`);
  assert.match(report.early, /^[0-9a-f]{32}$/);
  assert.equal(early.event_id, report.early, 'sent under the id it was answered with');
  assert.equal(early.tags?.phase, 'loading', 'with the scope it was captured in');
  assert.equal(frames(early).at(-1)?.abs_path.endsWith('/tests/browser/pages/capture.js'), true);
  // The page's contexts are given to the module after init resolves, or before the first
  // capture: the captures made while loading and in init's own task carry them.
  const asResolved = got.get('captured as init resolved');
  for (const [what, e] of [['before init', early], ['as init resolved', asResolved]]) {
    assert.ok(e, `${engine}: capture ${what} missing`);
    assert.equal(e.contexts?.browser?.name, BROWSER_NAME[engine], `${engine}: ${what}: ${JSON.stringify(e.contexts)}`);
    assert.ok(e.request?.url?.endsWith('/tests/browser/pages/capture.html'), `${engine}: ${what}: ${JSON.stringify(e.request)}`);
  }
  const earlyMessage = got.get('said before init resolved');
  assert.equal(earlyMessage?.event_id, report.earlyMessage);
  assert.equal(earlyMessage.tags?.phase, undefined, 'the scope ended with withScope');
  assert.equal(report.earlyLast, report.earlyMessage, 'lastEventId before init resolved');

  const afterClick = got.get('after click');
  assert.equal(afterClick.level, 'warning');
  // Chromium's user agent string says 156.0.0.0; its client hints give the full version (and
  // the kernel's on Linux). Firefox has no client hints: its user agent says it all.
  if (engine === 'chromium') {
    assert.ok(report.hints, 'Chromium has navigator.userAgentData');
    const chromium = report.hints.fullVersionList.find((b) => b.brand === 'Chromium');
    assert.equal(afterClick.contexts.browser.version, chromium.version, JSON.stringify(report.hints));
    assert.notEqual(afterClick.contexts.browser.version, report.ua.match(/Chrome\/([\d.]+)/)[1]);
    assert.equal(afterClick.contexts.browser.name, 'Chrome Headless');
    assert.equal(afterClick.contexts.os.kernel_version, report.hints.platformVersion || undefined);
  } else {
    assert.equal(report.hints, null);
    // Firefox and WebKit have no client hints: the user agent says it all (Safari's version is
    // its `Version/`).
    const version = engine === 'firefox' ? /Firefox\/([\d.]+)/ : /Version\/([\d.]+)/;
    assert.equal(afterClick.contexts.browser.version, report.ua.match(version)[1]);
  }
  const crumbs = afterClick.breadcrumbs.values;
  assert.ok(crumbs.some((b) => b.category === 'ui.click' && b.message === 'button#buy.primary'), `${engine}: ${JSON.stringify(crumbs)}`);
  assert.ok(crumbs.some((b) => b.category === 'ui.click' && b.data?.target_id === 'buy'), `${engine}: beforeBreadcrumb's hint.event`);
  assert.ok(crumbs.some((b) => b.category === 'fetch' && b.data.status_code === 500));
  assert.ok(crumbs.some((b) => b.category === 'console'));

  relayAll(envs, engine);
  return evs.length;
}

test('Chromium: every capture source and thrown-value kind arrives as the right event', async () => {
  sink.reset();
  const pageErrors = await runChromium(pageUrl(), sink);
  const n = checkEvents('chromium');
  assert.ok(n >= 15, `${n} events`);
  // Uncaught errors are the page's own and still reach the console; nothing of ours escapes.
  assert.ok(pageErrors.every((e) => !/errorbeacon|wasm/i.test(e)), pageErrors.join('\n'));
});

test('Firefox: every capture source and thrown-value kind arrives as the right event', async () => {
  sink.reset();
  await runFirefox(pageUrl(), sink);
  const n = checkEvents('firefox');
  assert.ok(n >= 15, `${n} events`);
});

test('WebKit: every capture source and thrown-value kind arrives as the right event', async () => {
  sink.reset();
  await runWebKit(pageUrl(), sink);
  const n = checkEvents('webkit');
  assert.ok(n >= 15, `${n} events`);
});

// sampleRate applies to messages as to exceptions (issue 17): at 0 nothing is sent, and the
// client report counts both, by category, with reason sample_rate.
for (const [engine, run] of [['Chromium', runChromium], ['Firefox', runFirefox], ['WebKit', runWebKit]]) {
  test(`${engine}: sampleRate 0 sends no exception and no message; the client report counts them`, async () => {
    sink.reset();
    await run(`${sink.origin}/tests/browser/pages/sampling.html?dsn=${encodeURIComponent(sink.dsn)}`, sink);
    const report = JSON.parse(sink.report() || '{}');
    assert.match(report.error, /^[0-9a-f]{32}$/, 'captureException still answers with an id');
    assert.match(report.message, /^[0-9a-f]{32}$/);
    const items = sink.envelopes.flatMap(({ body }) => {
      const lines = body.toString('utf8').split('\n');
      const out = [];
      for (let i = 1; i + 1 < lines.length; i += 2) out.push({ type: JSON.parse(lines[i]).type, payload: JSON.parse(lines[i + 1]) });
      return out;
    });
    assert.deepEqual(items.filter((it) => it.type === 'event'), [], `${engine}: an event was sent at sampleRate 0`);
    const discarded = items.filter((it) => it.type === 'client_report').flatMap((it) => it.payload.discarded_events);
    const count = (category) => discarded.filter((d) => d.reason === 'sample_rate' && d.category === category).reduce((n, d) => n + d.quantity, 0);
    assert.equal(count('error'), 1, `${engine}: ${JSON.stringify(discarded)}`);
    assert.equal(count('default'), 1, `${engine}: ${JSON.stringify(discarded)}`);
    relayAll(sink.envelopes, `${engine.toLowerCase()}-sampling`);
  });
}
