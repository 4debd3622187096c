// Runs every capture scenario once, then reports /done. Each uncaught error happens in its
// own task (setTimeout) so that it reaches the page's `error` / `unhandledrejection` events.
import * as eb from '../../../pkg/index.js';

const params = new URLSearchParams(location.search);
const dsn = params.get('dsn');
const tick = () => new Promise((r) => setTimeout(r, 30));

function namedOuter() {
  namedMiddle();
}
function namedMiddle() {
  namedInner();
}
function namedInner() {
  throw new Error('uncaught from named functions');
}

const scenarios = [
  () => setTimeout(namedOuter),
  () => {
    Promise.reject('rejected with a string');
  },
  () => {
    Promise.reject(42);
  },
  () => {
    Promise.reject({ reason: 'object rejection', code: 7 });
  },
  () => {
    Promise.reject(null);
  },
  () => {
    Promise.reject(undefined);
  },
  () => setTimeout(() => {
    throw new Error('order failed', { cause: new Error('payment declined', { cause: new TypeError('card expired') }) });
  }),
  () => {
    Promise.reject(new AggregateError([new Error('warehouse a'), new RangeError('warehouse b')], 'all warehouses failed'));
  },
  () => setTimeout(() => document.querySelector('div[data-promo=')),
  () => console.error('console error scenario', { cart: 3 }),
  // Awaited: the response must have come (and its breadcrumb been made) before 'after click'.
  () => fetch('/status/500').catch(() => {}),
  () => {
    const trap = () => {
      throw new Error('trap');
    };
    eb.captureException(new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap }));
  },
  () => eb.captureException(new Error('x'.repeat(5_000_000))),
  () => {
    const a = new Error('cycle a');
    a.cause = new Error('cycle b', { cause: a });
    eb.captureException(a);
  },
  () => document.getElementById('buy').click(),
  // 'after click' is where the test reads the client-hint contexts. errorbeacon asked for them a
  // task after init; a request made now is answered after that one (the browser answers them in
  // order), so the SDK has applied its answer before the capture.
  async () => {
    if (navigator.userAgentData) await navigator.userAgentData.getHighEntropyValues(['platformVersion']);
  },
  () => eb.captureMessage('after click', 'warning'),
];

// What the page had before errorbeacon wrapped it: `close()` must put back exactly these.
const originals = () => [window.fetch, XMLHttpRequest.prototype.open, XMLHttpRequest.prototype.send, console.error,
  console.warn, console.log, history.pushState, history.replaceState, window.onerror, window.onunhandledrejection];

async function main() {
  const before = originals();
  // Thrown while the wasm may still be loading: the package entry buffers it until init.
  setTimeout(() => {
    throw new Error('early error before init');
  });
  // Called as apps ported from Sentry (whose init is synchronous) call it: the API is used
  // before init has resolved, while the wasm is still loading.
  const ready = eb.init({
    dsn,
    release: 'scenarios@1.0.0',
    integrations: { dedupe: false },
    // Sentry's hint: the DOM event a click breadcrumb came from.
    beforeBreadcrumb: (crumb, hint) =>
      crumb.category === 'ui.click' ? { ...crumb, data: { target_id: hint.event && hint.event.target && hint.event.target.id } } : crumb,
  });
  const early = eb.withScope((scope) => {
    scope.setTag('phase', 'loading');
    return eb.captureException(new Error('captured before init resolved'));
  });
  const earlyMessage = eb.captureMessage('said before init resolved', 'info');
  const earlyLast = eb.lastEventId();
  await ready;
  // In the task init resolved in: the page's contexts (given to the module in a later task,
  // to keep them out of the cold start) must already be on it.
  eb.captureMessage('captured as init resolved', 'info');
  // A scenario that returns a promise is waited for; rejections are left unhandled on purpose,
  // so those scenarios return nothing.
  for (const run of scenarios) {
    await run();
    await tick();
  }
  await tick();
  const flushed = await eb.flush(30000);
  await eb.close(2000);
  const restored = originals().every((f, i) => f === before[i]);
  // After close, nothing is captured: this uncaught error must not reach the sink.
  setTimeout(() => {
    throw new Error('thrown after close');
  });
  console.error('console.error after close');
  await tick();
  await tick();
  // The page must still work after all of that.
  const alive = [1, 2, 3].map((x) => x * 2).join(',') === '2,4,6';
  // What the browser's client hints say, read here independently of errorbeacon.
  const hints = navigator.userAgentData ? await navigator.userAgentData.getHighEntropyValues(['fullVersionList', 'platformVersion']) : null;
  await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ flushed, alive, restored, early, earlyMessage, earlyLast, hints, ua: navigator.userAgent }))}`);
}

main();
