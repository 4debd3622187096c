// One delivery scenario per load (?scenario=…&dsn=…&phase=…), against the scriptable ingest
// of tests/browser/ingest.mjs (another origin). The test plans the ingest's answers; the page
// captures, waits as the scenario needs, and reports /done with what it captured.
import * as eb from '../../../pkg/index.js';

const params = new URLSearchParams(location.search);
const dsn = params.get('dsn');
const scenario = params.get('scenario');
const phase = params.get('phase') || '1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function done(report) {
  await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ ...report, scenario, phase }))}`);
}

/** Envelopes in errorbeacon's IndexedDB offline store. */
function storedCount() {
  return new Promise((resolve) => {
    const req = indexedDB.open('errorbeacon-offline', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('envelopes');
    req.onsuccess = () => {
      try {
        const tx = req.result.transaction('envelopes', 'readonly');
        const c = tx.objectStore('envelopes').count();
        c.onsuccess = () => {
          resolve(c.result);
          req.result.close();
        };
        c.onerror = () => resolve(-1);
      } catch {
        resolve(-1);
      }
    };
    req.onerror = () => resolve(-1);
  });
}

/** Resolves once the first request started after this call has been answered. The page's fetch
 * is wrapped before `init`, so the SDK's request goes through it; the SDK's own response handler
 * is attached after this one and runs in the same microtask checkpoint, before whatever awaits
 * the promise this returns. */
function firstRequestAnswered() {
  const original = window.fetch;
  return new Promise((resolve) => {
    window.fetch = function (...args) {
      const p = original.apply(this, args);
      p.then(resolve, resolve);
      return p;
    };
  });
}

const base = { dsn, release: 'delivery@1.0.0', integrations: { dedupe: false, globalHandlers: false, console: false, breadcrumbs: false, httpErrors: false } };

const scenarios = {
  // 429 with Retry-After: 2 → the next capture is held back (counted), one after the window goes.
  async ratelimit429() {
    await eb.init(base);
    const ids = [eb.captureException(new Error('first, answered 429'))];
    // Once the 429 has been handled (the window starts at its answer), however slow the machine.
    await eb.flush(30000);
    ids.push(eb.captureException(new Error('second, inside the window')));
    await sleep(2500);
    ids.push(eb.captureException(new Error('third, after the window')));
    const flushed = await eb.flush(10000);
    return { ids, flushed };
  },
  // X-Sentry-Rate-Limits for the error category: errors are held back, the client report
  // (category internal) still goes.
  async ratelimitHeader() {
    await eb.init(base);
    const ids = [eb.captureException(new Error('accepted, sets the limit'))];
    await eb.flush(30000);
    ids.push(eb.captureException(new Error('error inside the limit')));
    ids.push(eb.captureException(new Error('another error inside the limit')));
    const flushed = await eb.flush(10000);
    return { ids, flushed };
  },
  // 500, 500, 500, then 200: retried with backoff until delivered.
  async retry500() {
    await eb.init(base);
    const ids = [eb.captureException(new Error('retried until delivered'))];
    const flushed = await eb.flush(20000);
    return { ids, flushed };
  },
  // Connection refused with `offline: true`: kept in IndexedDB, sent after a reload once the
  // ingest is back, exactly once.
  async offline() {
    await eb.init({ ...base, offline: true });
    if (phase === '1') {
      const ids = [eb.captureException(new Error('captured while the server is down'))];
      let stored = 0;
      for (let i = 0; i < 150 && stored < 1; i++) {
        await sleep(200);
        stored = await storedCount();
      }
      // The test brings the ingest back, then the page reloads into phase 2.
      await fetch(`/signal?name=stored&data=${stored}`);
      location.href = `${location.pathname}?scenario=offline&phase=2&dsn=${encodeURIComponent(dsn)}&ids=${ids.join(',')}`;
      return null;
    }
    const ids = (params.get('ids') || '').split(',').filter(Boolean);
    let left = await storedCount();
    for (let i = 0; i < 100 && left > 0; i++) {
      await sleep(200);
      left = await storedCount();
    }
    const flushed = await eb.flush(10000);
    return { ids, flushed, left };
  },
  // A capture right before navigating away: the request survives the navigation.
  async navigate() {
    await eb.init(base);
    const id = eb.captureException(new Error('captured right before navigation'));
    location.href = `/tests/browser/pages/delivery-next.html?id=${id}`;
    return null;
  },
  // Answered 500, so waiting for its retry when the page goes away: page hide sends it with
  // sendBeacon (auth in the query string), and it arrives although the page is gone.
  async hidden() {
    const answered = firstRequestAnswered();
    await eb.init(base);
    const id = eb.captureException(new Error('waiting for a retry at page hide'));
    await answered;
    location.href = `/tests/browser/pages/delivery-next.html?id=${id}`;
    return null;
  },
  // A default init, then one with beforeSend and ignoreErrors: the second applies them from its
  // first capture, on the module the first loaded.
  async reinit() {
    await eb.init(base);
    const ids = [eb.captureException(new Error('before the second init'))];
    await eb.flush(10000);
    await eb.init({
      ...base,
      ignoreErrors: ['dropped by ignoreErrors'],
      beforeSend: (event) => ({ ...event, tags: { ...event.tags, before_send: 'ran' } }),
    });
    ids.push(eb.captureException(new Error('after the second init')));
    ids.push(eb.captureException(new Error('dropped by ignoreErrors, here')));
    const flushed = await eb.flush(10000);
    const wasm = performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('.wasm'));
    return { ids, flushed, wasm };
  },
  // 500 captures in one tick: the bounded queue takes what it can; the client report
  // accounts for every other one.
  async burst() {
    await eb.init(base);
    const ids = [];
    for (let i = 0; i < 500; i++) ids.push(eb.captureException(new Error(`burst ${i}`)));
    const flushed = await eb.flush(30000);
    // Five hundred ids do not fit a URL: the count and whether they were distinct.
    return { count: ids.length, distinct: new Set(ids).size, flushed };
  },
};

(async () => {
  let report;
  try {
    report = await scenarios[scenario]();
  } catch (e) {
    report = { error: String(e && e.stack) };
  }
  if (report) await done(report);
})();
