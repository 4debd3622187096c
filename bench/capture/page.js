// captureException of an Error with a ~25-frame stack, from the call until the envelope is
// handed to the transport, for errorbeacon and @sentry/browser in the same page. Each SDK gets
// a transport that only counts; a batch of captures is timed until the last one arrived, so
// Sentry's asynchronous event pipeline is measured to the same point as errorbeacon's
// synchronous one. Fresh errors every capture (Sentry skips an error object it has seen), their
// `stack` read beforehand (V8 formats it lazily: the same cost for both), dedupe off for both.
import * as eb from '../../pkg/index.js';

const params = new URLSearchParams(location.search);
const ROUNDS = Number(params.get('rounds') || 7);
// Untimed rounds first, for every SDK alike: the first round runs while the engines still compile
// their optimized tiers (errorbeacon's first round: 72 µs in Firefox, 85 in Chromium, then 15-19).
const WARMUP = Number(params.get('warmup') ?? 2);
const BATCH = 20; // well under Sentry's transport buffer of 64, so that nothing is dropped
const BATCHES = Number(params.get('batches') || 50);

Error.stackTraceLimit = 50;
// Not `return depth(n - 1)`: JavaScriptCore's proper tail calls (strict code) would leave only
// the last frame in WebKit's stack.
function depth(n) {
  if (n === 0) return new Error('checkout failed: card declined');
  const e = depth(n - 1);
  return e;
}
function errors(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const e = depth(22);
    void e.stack;
    out.push(e);
  }
  return out;
}

function counter() {
  let n = 0;
  let want = 0;
  let resolve = null;
  return {
    hit() {
      n++;
      if (resolve && n >= want) {
        const r = resolve;
        resolve = null;
        r();
      }
    },
    until(target) {
      want = target;
      return n >= target ? Promise.resolve() : new Promise((r) => (resolve = r));
    },
    get n() {
      return n;
    },
  };
}

/** µs per capture over BATCHES batches: total timed time / captures (browsers coarsen
 * performance.now() to 0.1–1 ms, so single short batches cannot be timed; the sum can). */
async function timeBatches(capture, count) {
  let total = 0;
  for (let b = 0; b < BATCHES; b++) {
    const batch = errors(BATCH);
    const target = count.n + BATCH;
    const t0 = performance.now();
    for (const e of batch) capture(e);
    await count.until(target);
    total += performance.now() - t0;
  }
  return (total * 1000) / (BATCH * BATCHES);
}

async function main() {
  const Sentry = await import('/tmp-bench/sentry.js');
  const dsn = 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/1';
  const ebCount = counter();
  const ebTransport = (req) => {
    ebCount.hit();
    return { status: 200, headers: {} };
  };
  // Both ways (issue 16): errorbeacon with its default integrations, as Sentry's default column,
  // and with none, as Sentry's no-integrations column. Dedupe off in every variant.
  const ebVariants = {
    'default integrations (minus dedupe)': { dedupe: false },
    'no integrations': { dedupe: false, globalHandlers: false, console: false, breadcrumbs: false, httpErrors: false },
  };
  const seCount = counter();
  const makeTransport = (options) => Sentry.createTransport(options, async () => {
    seCount.hit();
    return { statusCode: 200 };
  });
  const variants = {
    'default integrations (minus dedupe)': Sentry.getDefaultIntegrations({}).filter((i) => i.name !== 'Dedupe'),
    'no integrations': [],
  };
  const results = { errorbeacon: {}, sentry: {} };
  for (const name of Object.keys(variants)) results.sentry[name] = [];
  for (const name of Object.keys(ebVariants)) results.errorbeacon[name] = [];
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    const keep = (list, us) => r >= WARMUP && list.push(us);
    for (const [name, integrations] of Object.entries(ebVariants)) {
      await eb.init({ dsn, integrations, transport: ebTransport });
      keep(results.errorbeacon[name], await timeBatches((e) => eb.captureException(e), ebCount));
    }
    for (const [name, integrations] of Object.entries(variants)) {
      Sentry.init({ dsn, transport: makeTransport, defaultIntegrations: false, integrations, sendClientReports: false });
      keep(results.sentry[name], await timeBatches((e) => Sentry.captureException(e), seCount));
    }
  }
  // The frame count the SDKs saw, for the record.
  const probe = eb.parseStack(errors(1)[0].stack).length;
  await fetch('/result', { method: 'POST', body: JSON.stringify({ ...results, frames: probe, ua: navigator.userAgent, isolated: self.crossOriginIsolated }) });
}

main().catch((e) => fetch('/result', { method: 'POST', body: JSON.stringify({ error: String(e && e.stack || e) }) }));
