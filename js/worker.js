// Entry for Cloudflare Workers (`errorbeacon/worker`, the `workerd`/`worker` conditions): the
// wasm is imported as a module (workerd, wrangler and esbuild give a `WebAssembly.Module`), so
// nothing is fetched and nothing waits at the top level. `withErrorbeacon` wraps a Worker's
// handlers: one isolate serves many requests at once, so each request gets a scope of its own.
//
// What holds in each configuration (no compatibility flag is needed):
// - `ctx.errorbeacon` (the handler's own calls: setUser, setTag, setTags, setContext, setExtra,
//   addBreadcrumb, captureException, captureMessage) always goes to its request's scope, and
//   what escapes the handler is captured with that scope: exact in every configuration.
// - The global calls (`errorbeacon.setUser(…)`, `captureException(…)`), made while requests run:
//   with `nodejs_als` or `nodejs_compat`, AsyncLocalStorage tells whose call it is, across
//   awaits, and they go to that request's scope. With no flag, nothing can tell concurrent
//   requests' continuations apart: global setters then change nothing that another request's
//   event could carry (they are dropped), and a global capture carries only what was set
//   before the first request. An event may lack data; it never carries another request's.
// Delivery: every request keeps itself alive with `ctx.waitUntil` until its events (and those
// of the promises it gave `ctx.waitUntil`, and of a streamed body still being written) are
// sent, within `flushTimeout` (default 2000 ms), waiting a short quiet time for captures made
// in plain continuations after the response.
import wasmModule from './wasm/errorbeacon_bg.wasm';
import { instantiate } from './client.js';
import { setWasm, wasm } from './wasm-state.js';
import { pageRequest } from './page.js';
import { handlerWrapper } from './wrap.js';
import {
  init, captureException, captureMessage, setUser, setTag, setTags, setContext, setExtra, addBreadcrumb,
  flush, lastEventId, setRuntime, captureUnhandled,
} from './api.js';

const { exports, glue } = instantiate(wasmModule, true);
setWasm(exports, glue, wasmModule, 'errorbeacon_bg.wasm', undefined);
setRuntime({ env: () => undefined, contexts: () => ({ runtime: { name: 'cloudflare' } }), handlers: () => () => {}, serverName: () => undefined });

/** Headers kept in the event; with `sendDefaultPii` also the ones that identify the user. */
const HEADERS = ['accept', 'accept-language', 'content-type', 'content-length', 'host', 'referer', 'user-agent', 'cf-ray'];
const PII_HEADERS = ['cookie', 'authorization', 'cf-connecting-ip', 'x-forwarded-for', 'x-real-ip'];
/** How long after the last capture a finished request still waits for more. */
const QUIET_MS = 100;

let options = null;
let als;
let alsTried = false;
let requestsStarted = false;
// The request scope a `ctx.errorbeacon` call or the wrapper's own capture runs in, for the
// synchronous length of that call.
let forced = null;
// Each invocation's wrapped `ctx` → its request scope (for honoMiddleware, which gets the ctx
// back as Hono's `c.executionCtx`).
const scopeOfCtx = new WeakMap();

/** Where scope calls go (js/client.js `setScopeOf`). */
function scopeOf() {
  if (forced) return forced;
  const store = als && als.getStore();
  if (store) return store;
  // No flag: after the first request, a global setter could be any request's. It writes into
  // a copy nobody reads, and a global capture reads the global scope only.
  if (requestsStarted && !als) return wasm.glue.requestScope(undefined);
  return null;
}

/** AsyncLocalStorage, when the Worker has `nodejs_als` or `nodejs_compat`; tried once. */
async function loadAls() {
  if (alsTried) return;
  alsTried = true;
  try {
    // A computed name: bundlers (wrangler, esbuild) leave it alone, so a Worker without the
    // flags still builds; the import then fails here, at run time.
    const name = ['node', 'async_hooks'].join(':');
    const m = await import(name);
    if (typeof m.AsyncLocalStorage === 'function') als = new m.AsyncLocalStorage();
  } catch {
    // No flag: the per-request scope and the rules above.
  }
}

/** Sends an envelope with the Worker's fetch, consuming the answer's body (an unread body
 * stalls the Worker's other subrequests). */
async function workerTransport(req) {
  const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body });
  try {
    await res.body?.cancel();
  } catch {
    // Already read or closed.
  }
  return { status: res.status, headers: { 'retry-after': res.headers.get('retry-after'), 'x-sentry-rate-limits': res.headers.get('x-sentry-rate-limits') } };
}

// Global scope calls made before the first invocation (at the module's top level, where `env`
// and so the options are not known yet): kept, and made once the client is configured.
const early = [];
const keep = (f) => (...args) => {
  if (options) return f(...args);
  if (early.length < 100) early.push(() => f(...args));
  return undefined;
};
const setUserKept = keep(setUser);
const setTagKept = keep(setTag);
const setTagsKept = keep(setTags);
const setContextKept = keep(setContext);
const setExtraKept = keep(setExtra);
const addBreadcrumbKept = keep(addBreadcrumb);

/** Configures the client once per isolate, from the first invocation's `env`. */
async function ready(optionsFn, env) {
  await loadAls();
  if (options) return;
  let o = {};
  try {
    o = (typeof optionsFn === 'function' ? optionsFn(env) : optionsFn) || {};
  } catch {
    // No options: nothing is sent (init explains that with `debug`, which it cannot have here).
  }
  options = { transport: workerTransport, ...o, integrations: { globalHandlers: false, ...(o.integrations || {}) } };
  await init(options);
  wasm.glue.setScopeOf(scopeOf);
  for (const f of early.splice(0)) f();
}

/** The `request` interface of an incoming request: method, URL without secrets, kept headers. */
function requestData(request) {
  try {
    const pii = options && options.sendDefaultPii === true;
    const r = pageRequest(String(request.url), pii);
    const headers = {};
    for (const name of pii ? [...HEADERS, ...PII_HEADERS] : HEADERS) {
      const v = request.headers.get(name);
      if (v !== null) headers[name] = v.slice(0, 1024);
    }
    return { method: String(request.method), url: r.url, ...(r.query ? { query_string: r.query } : {}), headers };
  } catch {
    return undefined;
  }
}

/** Runs `f` with `scope` as where every scope call and capture goes. */
function inScope(scope, f) {
  const outer = forced;
  forced = scope;
  try {
    return f();
  } finally {
    forced = outer;
  }
}

/** The handler's own calls, bound to its request's scope. */
function scopedApi(scope) {
  const bind = (f) => (...args) => inScope(scope, () => f(...args));
  return {
    setUser: bind(setUser), setTag: bind(setTag), setTags: bind(setTags), setContext: bind(setContext),
    setExtra: bind(setExtra), addBreadcrumb: bind(addBreadcrumb), captureException: bind(captureException),
    captureMessage: bind(captureMessage),
  };
}

/** Waits until the events captured so far are sent and nothing new was captured for a while,
 * within `ms`. */
async function drain(ms) {
  const end = Date.now() + ms;
  for (;;) {
    const seen = lastEventId();
    await flush(Math.max(1, end - Date.now()));
    await new Promise((r) => setTimeout(r, Math.min(QUIET_MS, Math.max(0, end - Date.now()))));
    if (lastEventId() === seen || Date.now() >= end) return;
  }
}

/**
 * One invocation: `run(api, wctx)` is the handler's call with the request's scope API and the
 * wrapped `ctx`. What escapes is captured with the request's scope and re-thrown.
 */
async function invoke(optionsFn, env, ctx, request, contexts, run) {
  await ready(optionsFn, env);
  requestsStarted = true;
  const scope = wasm.glue.requestScope(request ? requestData(request) : undefined);
  for (const [name, value] of Object.entries(contexts)) inScope(scope, () => setContext(name, value));
  const timeout = typeof options.flushTimeout === 'number' ? options.flushTimeout : 2000;
  const keepAlive = (p) => {
    try {
      ctx.waitUntil(Promise.resolve(p).then(() => drain(timeout), () => drain(timeout)));
    } catch {
      // A context without waitUntil (a test harness): nothing to keep alive.
    }
  };
  // The handler's `ctx`: its own `waitUntil` and `errorbeacon`; the rest is the real one's
  // (methods called on it, as the runtime requires).
  const api = scopedApi(scope);
  const wctx = !ctx || typeof ctx !== 'object' ? ctx : new Proxy(ctx, {
    get(target, key) {
      if (key === 'waitUntil') return keepAlive;
      if (key === 'errorbeacon') return api;
      const v = Reflect.get(target, key);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  if (wctx && typeof wctx === 'object') scopeOfCtx.set(wctx, scope);
  const call = () => run(wctx);
  let result;
  try {
    result = await (als ? als.run(scope, call) : call());
  } catch (e) {
    inScope(scope, () => captureUnhandled(e, 'cloudflare'));
    keepAlive(undefined);
    throw e;
  }
  // A streamed body: kept alive until it is written.
  if (result instanceof Response && result.body && result.status !== 101 && !result.webSocket) {
    const { readable, writable } = new TransformStream();
    const piped = result.body.pipeTo(writable).catch(() => {});
    keepAlive(piped);
    return new Response(readable, result);
  }
  keepAlive(undefined);
  return result;
}

const cfContexts = (request) => {
  try {
    const cf = request.cf;
    return cf ? { cloudflare: { colo: cf.colo, country: cf.country, city: cf.city } } : {};
  } catch {
    return {};
  }
};

/** `withErrorbeacon(optionsFn, handler)` (API.md §1): the handler's `fetch`, `scheduled`,
 * `queue`, `email` and `tail`, each wrapped. */
export function withErrorbeacon(optionsFn, handler) {
  const h = handler || {};
  const out = { ...h };
  if (typeof h.fetch === 'function') {
    out.fetch = (request, env, ctx) => invoke(optionsFn, env, ctx, request, cfContexts(request), (wctx) => h.fetch.call(h, request, env, wctx));
  }
  if (typeof h.scheduled === 'function') {
    out.scheduled = (controller, env, ctx) => invoke(optionsFn, env, ctx, undefined,
      { cron: { cron: String(controller?.cron ?? ''), scheduled_time: Number(controller?.scheduledTime) || undefined } },
      (wctx) => h.scheduled.call(h, controller, env, wctx));
  }
  if (typeof h.queue === 'function') {
    out.queue = (batch, env, ctx) => invoke(optionsFn, env, ctx, undefined,
      { queue: { name: String(batch?.queue ?? ''), batch_size: Number(batch?.messages?.length) || 0 } },
      (wctx) => h.queue.call(h, batch, env, wctx));
  }
  for (const name of ['email', 'tail']) {
    if (typeof h[name] === 'function') {
      out[name] = (event, env, ctx) => invoke(optionsFn, env, ctx, undefined, {}, (wctx) => h[name].call(h, event, env, wctx));
    }
  }
  return out;
}

/** The methods a Durable Object class has (its own and inherited, not Object's). */
function methodsOf(Class) {
  const names = new Set();
  for (let p = Class.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (name !== 'constructor' && d && typeof d.value === 'function') names.add(name);
    }
  }
  return names;
}

/**
 * `instrumentDurableObject(Class, optionsFn)` (API.md §1): a subclass whose every method
 * (`fetch`, `alarm`, `webSocketMessage`/`webSocketClose`/`webSocketError`, RPC methods) runs
 * as a wrapped handler does: what escapes is captured with that call's own scope and re-thrown;
 * what one call sets (through AsyncLocalStorage, or the wrapper's capture) never reaches another
 * call's event.
 */
export function instrumentDurableObject(Class, optionsFn) {
  if (typeof Class !== 'function') return Class;
  class Instrumented extends Class {
    constructor(state, env, ...rest) {
      super(state, env, ...rest);
      Object.defineProperty(this, '__errorbeacon', { value: { state, env } });
    }
  }
  for (const name of methodsOf(Class)) {
    const original = Class.prototype[name];
    Object.defineProperty(Instrumented.prototype, name, {
      configurable: true,
      writable: true,
      value: {
        [name](...args) {
          const { state, env } = this.__errorbeacon || {};
          const request = name === 'fetch' && args[0] instanceof Request ? args[0] : undefined;
          const contexts = { durable_object: { class: String(Class.name), method: name } };
          return invoke(optionsFn, env, state, request, contexts, () => original.apply(this, args));
        },
      }[name],
    });
  }
  Object.defineProperty(Instrumented, 'name', { value: Class.name });
  return Instrumented;
}

/**
 * Hono's middleware for the errors its `onError` handles (Hono catches what a route throws, so
 * it never escapes `fetch`): `app.use(honoMiddleware())`. Each such error is captured
 * (`handled: false`) with its request's scope; the response stays the app's.
 */
export function honoMiddleware() {
  return async function errorbeaconHono(c, next) {
    await next();
    let error;
    let scope;
    try {
      error = c.error;
      scope = scopeOfCtx.get(c.executionCtx);
    } catch {
      // Hono without an execution context (outside a Worker): the global scope.
    }
    if (error !== undefined) inScope(scope || null, () => captureUnhandled(error, 'hono'));
  };
}

/** `wrapHandler` (API.md §1), as in the other entries. */
export const wrapHandler = handlerWrapper((e) => captureUnhandled(e, 'serverless'), flush);

export {
  setUserKept as setUser, setTagKept as setTag, setTagsKept as setTags, setContextKept as setContext,
  setExtraKept as setExtra, addBreadcrumbKept as addBreadcrumb,
};
export { init, captureException, captureMessage, withScope, flush, close, lastEventId, parseStack } from './api.js';
