// The public API of the npm package (API.md §1). Platform-neutral: the entry points decide how
// the wasm is loaded. Nothing here throws into the host: every export catches, and explains
// failures on console.warn only with `debug: true`.

import { ready, wasm } from './wasm-state.js';
import { host } from './host.js';
import { installHandlers } from './handlers.js';
import { createTransport } from './transport.js';
import { hookWasmLoads, noteModule } from './wasm-modules.js';
import { newEventId, syntheticStack, toJson } from './ids.js';
import { scopeRunner } from './with-scope.js';
import { pageContexts, pageRequest } from './page.js';

// Same bound as MAX_STACK_BYTES in src/limits.rs: each UTF-16 unit is at least one byte.
const MAX_UNITS = 256 * 1024;
// Calls and page errors kept while the module loads (more are counted, and reported once it
// has: debug warning and client report).
const PENDING_MAX = 100;

let options = null;
// The instance errorbeacon's URL prefix was given to (another may replace it: js/wasm-state.js).
let prefixed = null;
let uninstall = null;
// After `close()`, captures are no-ops until the next `init`.
let closed = false;
/** Answers of async `beforeSend` callbacks not in yet (flush waits for them). */
const pendingBeforeSend = new Set();
let transport = null;
let ownUrls = [];
let earlyUninstall = null;
// What happened while the module was loading, in order: page errors since the import, API
// calls since `init` (Sentry's `init` is synchronous, so apps call the API without awaiting
// it). Replayed once the module is configured; captures keep the id they were answered with
// and the time they were made.
const pending = [];
// Calls the bound turned away, and of them the captures by category (error, default).
let pendingDropped = 0;
const capturesDropped = { error: 0, default: 0 };
// `init` called and still loading the module (API calls are kept in `pending`)...
let loading = false;
// ...and the module configured (API calls go straight to it).
let configured = false;
// The promise of the latest `init` (flush and close wait for it).
let initDone = null;
// The id of the latest capture kept in `pending` (lastEventId before the module is there).
let pendingLastId;

function debugWarn(...args) {
  try {
    if (options && options.debug) console.warn('[errorbeacon]', ...args);
  } catch {
    // console itself may be hostile; nothing to do.
  }
}

function sdkBase() {
  try {
    return new URL('./', import.meta.url).href;
  } catch {
    // import.meta.url may be opaque in some bundles; the built-in heuristics still apply.
    return '';
  }
}

function glue() {
  if (wasm && prefixed !== wasm) {
    prefixed = wasm;
    const base = sdkBase();
    if (base) wasm.glue.setSdkUrlPrefix(base);
  }
  return wasm;
}

function splitPatterns(list, regexes) {
  const strings = [];
  const ids = [];
  for (const p of Array.isArray(list) ? list : []) {
    if (typeof p === 'string') strings.push(p);
    else if (p instanceof RegExp) {
      ids.push(regexes.length);
      regexes.push(p);
    }
  }
  return [strings, ids];
}

function env(name) {
  if (runtime) return runtime.env(name);
  try {
    return typeof process === 'object' && process.env ? process.env[name] : undefined;
  } catch {
    return undefined;
  }
}

// Node, Deno and Bun (js/runtime.js, given by the node.js entry): their global handlers,
// contexts and environment. Null in browsers, which have the page's.
let runtime = null;

/** The node.js entry's runtime parts: `{ env, contexts, handlers, serverName }`. */
export function setRuntime(r) {
  runtime = r;
}

/** Keeps `run` for when the module is configured; false when the bound is reached. */
function defer(run) {
  if (pending.length >= PENDING_MAX) {
    pendingDropped++;
    return false;
  }
  pending.push(run);
  return true;
}

/** A capture while the module loads: answered now with a fresh id, made once it is there. */
function deferCapture(make, category = 'error') {
  const p = takePreset();
  const id = p?.id || newEventId();
  const at = p?.at || Date.now();
  if (!defer(() => make(id, at))) {
    capturesDropped[category]++;
    return '';
  }
  pendingLastId = id;
  return id;
}

// A call the package's entry (js/index.js) kept while this part loaded, made now: it keeps the
// id it was answered with, the time it was made and, for a non-Error, where it was seen.
let preset = null;

/** The kept call's id, time and stack, once: the capture that uses them clears them. */
function takePreset() {
  const p = preset;
  preset = null;
  return p;
}

/** Makes `call()` as the entry's kept call with id `id`, made at `at` (ms), with `synthetic`
 * as the stack of where a non-Error was seen. */
export function replay(id, at, synthetic, call) {
  preset = { id, at, synthetic };
  try {
    return call();
  } finally {
    preset = null;
  }
}

/** A page error the entry saw before `init` (mechanism `onerror` / `onunhandledrejection`),
 * kept until the module is configured, like the ones this part sees itself. */
export function captureEarly(value, mechanism, synthetic, id, at) {
  replay(id, at, synthetic, () => deferCapture((id2, at2) => capture(value, mechanism, false, synthetic, id2, at2)));
}

/** A value that escaped the app's code (js/wrap.js's handlers): captured as unhandled. */
export function captureUnhandled(value, mechanism) {
  return captureWith(value, mechanism, false);
}

/** The entry's way to remove its early handlers: `init` does, once its own are installed. */
export function adoptEarly(uninstall) {
  earlyUninstall = uninstall;
}

/** Calls (and captures by category) the entry turned away while this part loaded: reported
 * like this part's own (debug warning, client report). */
export function noteDropped(calls, captures) {
  pendingDropped += calls;
  for (const k of ['error', 'default']) capturesDropped[k] += captures[k] || 0;
}

/** A scope call by name (`pushScope`, `popScope`, `setLevel`, …), for the entry's `withScope`. */
export function scopeCall(name, ...args) {
  scoped(name, ...args);
}

/** Buffers errors and rejections that happen before `init` has loaded the module (the Node
 * entry; in browsers the package's entry does this and hands them over, see captureEarly). */
export function startEarlyCapture() {
  if (earlyUninstall || typeof globalThis.addEventListener !== 'function') return;
  const early = (value, mechanism) => {
    const synthetic = syntheticStack(value);
    deferCapture((id, at) => capture(value, mechanism, false, synthetic, id, at));
  };
  const onError = (ev) => early(ev, 'onerror');
  const onRejection = (ev) => early(ev && 'reason' in ev ? ev.reason : ev, 'onunhandledrejection');
  try {
    globalThis.addEventListener('error', onError);
    globalThis.addEventListener('unhandledrejection', onRejection);
    earlyUninstall = () => {
      globalThis.removeEventListener('error', onError);
      globalThis.removeEventListener('unhandledrejection', onRejection);
    };
  } catch {
    earlyUninstall = null;
  }
}

// What is being captured, for `beforeSend`'s hint (`originalException`): the module builds the
// event and calls `beforeSend` before the capture call returns.
let capturing = null;

/** Runs `make` with `value` as the capture `beforeSend` will be told about. */
function capturingValue(value, make) {
  const outer = capturing;
  capturing = { value };
  try {
    return make();
  } finally {
    capturing = outer;
  }
}

function capture(value, mechanism, handled, synthetic, id, at) {
  const w = glue();
  if (!w) return '';
  pageNow();
  return capturingValue(value, () => w.glue.captureThrown(value, mechanism, handled, synthetic, id, at || 0)) || '';
}

function captureWith(value, mechanism, handled, stack) {
  if (closed) return '';
  const synthetic = stack ?? (preset ? preset.synthetic : syntheticStack(value));
  if (isConfigured()) {
    const p = takePreset();
    return capture(value, mechanism, handled, synthetic, p?.id, p?.at);
  }
  if (!loading) return '';
  return deferCapture((id, at) => capture(value, mechanism, handled, synthetic, id, at));
}

const sdk = {
  capture: (value, mechanism, handled) => captureWith(value, mechanism, handled),
  message: (text, level) => captureMessage(text, level),
  crumb: (crumb, hint) => addBreadcrumb(crumb, hint),
  /** A failed request; `site` is an Error made where the app called `fetch`/`send`: its
   * stack (the wrapper's frame, then the app's) is the event's, not the Error made here in a
   * later task, which would hold only the SDK's frames. */
  http(method, url, status, site) {
    const err = new Error(status ? `HTTP Client Error with status code: ${status}` : 'HTTP Client Error: network error');
    let where;
    try {
      where = site && site.stack;
      err.stack = '';
    } catch {
      // The Error's own stack stays.
    }
    withScope(() => {
      setContext('http', { method, url, status_code: status || undefined });
      captureWith(err, 'http.client', false, typeof where === 'string' ? where : undefined);
    });
  },
  isOwnRequest: (url) => ownUrls.some((u) => typeof url === 'string' && url.startsWith(u)),
};

/**
 * Starts errorbeacon. Resolves once the module is loaded and the handlers are installed;
 * never rejects. Awaiting it is not required: the API works at once, and what is captured or
 * set while the module loads is made, in order, once it is there.
 * @param {object} [opts]
 */
export function init(opts = {}) {
  try {
    options = opts && typeof opts === 'object' ? { ...opts } : {};
    closed = false;
    if (!configured) loading = true;
  } catch {
    // Options that cannot be copied are read as none.
    options = {};
  }
  let moduleReady;
  const ready = new Promise((resolve) => (moduleReady = resolve));
  const done = start(moduleReady);
  initDone = done;
  return Promise.race([ready, done]);
}

/** A task from now (not a microtask: the caller's continuation after `await init()` runs first). */
function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// Which `init` call is the latest: an earlier one still waiting for the module leaves the
// rest to it (each would otherwise install hooks and lose the other's way to remove them).
let generation = 0;

async function start(moduleReady) {
  const mine = ++generation;
  // A configuration an earlier `init` left for later is replaced by this one's.
  configurePending = null;
  try {
    // The module compiles off the main thread; what does not need it (the patterns, the
    // handlers) is set up meanwhile. Handlers installed now keep what they catch for the
    // module, as the early handlers did (docs/speed.md).
    const loaded = ready();
    const regexes = [];
    const [ignore, ignoreRe] = splitPatterns(options.ignoreErrors, regexes);
    const [deny, denyRe] = splitPatterns(options.denyUrls, regexes);
    const [allow, allowRe] = splitPatterns(options.allowUrls, regexes);
    const match = (id, text) => {
      const re = regexes[id];
      if (!re) return false;
      re.lastIndex = 0;
      return re.test(text);
    };
    const beforeSend = typeof options.beforeSend === 'function' ? options.beforeSend : null;
    const beforeSendHost = (json, eventId, isError) => {
      // Sentry's hint: the event id, and the value captured (the thrown value, or the message).
      const hint = { event_id: eventId };
      if (capturing) hint.originalException = capturing.value;
      const out = beforeSend(JSON.parse(json), hint);
      if (!out || typeof out.then !== 'function') return out == null ? null : toJson(out);
      // An async beforeSend (Sentry allows a Promise): the event waits for its answer, and
      // flush() waits for the answers still pending.
      const answered = Promise.resolve(out)
        .then(
          (event) => (event == null ? undefined : toJson(event)),
          (e) => {
            debugWarn('beforeSend rejected; the event is dropped:', e);
            return undefined;
          },
        )
        .then((text) => call('deliverLater', eventId, text, isError))
        .finally(() => pendingBeforeSend.delete(answered));
      pendingBeforeSend.add(answered);
      return true;
    };
    if (uninstall) uninstall();
    uninstall = null;
    const dsn = options.dsn ?? env('SENTRY_DSN');
    ownUrls = ownRequestUrls(options, dsn);
    const unhandle = installHandlers(options, sdk, runtime && ((s) => runtime.handlers(s, flush)));
    uninstall = unhandle;
    if (earlyUninstall) {
      earlyUninstall();
      earlyUninstall = null;
    }
    await loaded;
    if (mine !== generation) return;
    // Modules the page loads from now on are registered (once the client is configured).
    const register = (...module) => {
      if (isConfigured()) call('registerModule', ...module);
      else defer(() => call('registerModule', ...module));
    };
    const unhook = options.integrations?.panics === false ? () => {} : hookWasmLoads(register);
    uninstall = () => {
      unhandle();
      unhook();
    };
    if (wasm.module) noteModule(register, wasm.module, wasm.url, wasm.bytes, true);
    // `init` resolves here. Configuring the client (the first run of most of the module's
    // setup code: a third of a cold start) is left for the next task, or for the first API
    // call that comes sooner (docs/speed.md).
    configurePending = () => {
      try {
        if (closed) return;
        const w = glue();
        // Given to the module only now: until then a client configured by an earlier `init`
        // keeps its own patterns, beforeSend and transport.
        host.match = match;
        host.beforeSend = beforeSendHost;
        const t = createTransport(options, debugWarn, w.glue);
        transport = t;
        host.start = t.start;
        host.arm = t.arm;
        host.storePut = t.storePut;
        host.storeDelete = t.storeDelete;
        const integrations = options.integrations || {};
        const linked = integrations.linkedErrors === false ? 0 : Number(integrations.linkedErrors?.limit ?? 5);
        const sampleRate = options.sampleRate === undefined ? 1 : Number(options.sampleRate);
        const error = w.glue.configure(
          typeof dsn === 'string' ? dsn : undefined,
          str(options.release ?? env('SENTRY_RELEASE')),
          str(options.environment ?? env('SENTRY_ENVIRONMENT')),
          str(options.dist),
          sampleRate,
          Math.max(0, Math.min(100, Number(options.maxBreadcrumbs ?? 100) | 0)),
          integrations.dedupe !== false,
          Number.isFinite(linked) ? Math.max(0, linked | 0) : 5,
          ignore, ignoreRe, deny, denyRe, allow, allowRe,
          beforeSend !== null,
          sdkBase() || undefined,
          options.offline === true,
          options.sendDefaultPii === true,
        );
        if (error) debugWarn('no events will be sent:', error);
        setPage(options.sendDefaultPii === true);
        if (runtime && options.sendDefaultPii === true) call('setServerName', runtime.serverName());
        const untransport = t.install(call('deliveryTarget'));
        uninstall = () => {
          unhandle();
          unhook();
          untransport();
        };
        configured = true;
        loading = false;
        replayPending();
      } catch (e) {
        failed(e);
      }
    };
    moduleReady();
    await nextTask();
    isConfigured();
  } catch (e) {
    failed(e);
  }
}

/** `init` could not finish: nothing is kept, and what it installed goes. */
function failed(e) {
  debugWarn('init failed:', e);
  loading = false;
  dropPending();
  if (uninstall) uninstall();
  uninstall = null;
}

// The client's configuration, when `init` has left it for later (see start).
let configurePending = null;

/** Whether API calls go straight to the module; configures the client first if `init` left
 * that for later. */
function isConfigured() {
  const run = configurePending;
  configurePending = null;
  if (run) run();
  return configured;
}

/** Forgets what was kept while the module loaded, and its drop counts (close, failed load). */
function dropPending() {
  pending.length = 0;
  pendingDropped = 0;
  capturesDropped.error = 0;
  capturesDropped.default = 0;
}

/** Makes, in order, what was captured and set while the module loaded. */
function replayPending() {
  for (const run of pending.splice(0)) {
    try {
      run();
    } catch (e) {
      debugWarn('a call made while loading failed:', e);
    }
  }
  if (pendingDropped > 0) {
    debugWarn(`${pendingDropped} calls made while the module loaded were dropped (more than ${PENDING_MAX})`);
    for (const category of ['error', 'default']) {
      if (capturesDropped[category]) call('countDropped', category, capturesDropped[category]);
      capturesDropped[category] = 0;
    }
    pendingDropped = 0;
  }
}

// The page's contexts, read at `init` but not yet given to the module: `setPage` (parsing the
// user agent, scrubbing the URL, and the first run of that code) is a tenth of a cold start
// (bench/coldstart.mjs), so it runs in a task after `init` resolves, or before the first
// capture if one comes sooner. The time zone waits for that task in any case: the first
// `Intl.DateTimeFormat` loads ICU's data, 10-15 ms in a fresh Chromium profile, which a first
// capture should not pay.
let pagePending = null;

/** Gives the module the page's contexts now, if they are still waiting. */
function pageNow() {
  const apply = pagePending;
  pagePending = null;
  if (apply) apply();
}

/** Page URL, user agent, locale and time zone, and the user agent's client hints, where the
 * runtime has them. The time zone comes from `Intl.DateTimeFormat().resolvedOptions()`, whose
 * first call loads ICU's data: 10-20 ms in a fresh Chromium page, more than all of `init`
 * otherwise (bench/coldstart.mjs). So `init` takes what is cheap now (`navigator.language` for
 * the locale) and reads `Intl` in a task of its own, once the page has moved on; the client
 * hints (Chromium's full browser version, OS version and device model, which its reduced
 * user agent string no longer says) arrive by a Promise after that. */
function setPage(sendDefaultPii) {
  const g = globalThis;
  let url;
  let ua;
  let locale;
  let timeZone;
  try {
    if (g.location && typeof g.location.href === 'string' && /^https?:/.test(g.location.href)) url = g.location.href;
    if (g.navigator && typeof g.navigator.userAgent === 'string') ua = g.navigator.userAgent;
    if (g.navigator && typeof g.navigator.language === 'string') locale = g.navigator.language;
  } catch {
    // Whatever could be read is used.
  }
  const apply = (hints) => {
    try {
      const r = url ? pageRequest(url, sendDefaultPii) : {};
      call('setPage', r.url, r.query, r.fragment, ua, runtime ? runtime.contexts() : pageContexts(ua, hints, locale, timeZone));
    } catch (e) {
      debugWarn('setPage failed:', e);
    }
  };
  pagePending = () => apply();
  const later = () => {
    pagePending = null;
    if (closed) return;
    try {
      const resolved = Intl.DateTimeFormat().resolvedOptions();
      locale = resolved.locale || locale;
      timeZone = resolved.timeZone;
    } catch {
      // No Intl: the locale from navigator stays, without a time zone.
    }
    apply();
    clientHints(apply);
  };
  const t = setTimeout(later, 0);
  if (t && typeof t.unref === 'function') t.unref();
}

/** Calls `apply` with the user agent's high-entropy client hints, when the browser has them. */
function clientHints(apply) {
  try {
    const data = globalThis.navigator && globalThis.navigator.userAgentData;
    if (!data || typeof data.getHighEntropyValues !== 'function') return;
    Promise.resolve(data.getHighEntropyValues(['platformVersion', 'fullVersionList', 'model'])).then(
      (h) => {
        if (closed || !h) return;
        // Bounded: a page can replace navigator.userAgentData with anything.
        const short = (v) => (typeof v === 'string' && v ? v.slice(0, 100) : undefined);
        const brands = [];
        for (const b of Array.isArray(h.fullVersionList) ? h.fullVersionList.slice(0, 8) : []) {
          if (b && typeof b.brand === 'string' && typeof b.version === 'string') brands.push(short(b.brand) || '', short(b.version) || '');
        }
        apply({ brands, platform: short(h.platform), platformVersion: short(h.platformVersion), model: short(h.model) });
      },
      () => {},
    );
  } catch {
    // No hints: the user agent string is what there is.
  }
}

function str(v) {
  return typeof v === 'string' && v ? v : undefined;
}

/** URLs whose requests are errorbeacon's own, so that the fetch/XHR hooks leave them alone. */
function ownRequestUrls(opts, dsn) {
  const out = [];
  if (typeof opts.tunnel === 'string') out.push(opts.tunnel);
  try {
    if (typeof dsn === 'string' && dsn) {
      const u = new URL(dsn);
      out.push(`${u.protocol}//${u.host}`);
    }
  } catch {
    // An invalid DSN sends nothing anyway.
  }
  return out;
}

// The keys that make a second argument a capture context rather than an event hint
// (@sentry/core's `captureContextKeys`): `captureException(e, { tags: { a: 'b' } })`.
const CAPTURE_CONTEXT_KEYS = ['user', 'level', 'extra', 'contexts', 'tags', 'fingerprint'];

/** Runs `capture` in a scope of its own with what a capture context sets (Sentry's
 * `hint`/`captureContext`: an object with those keys, or a function given the scope); any
 * other hint changes nothing. */
function withCaptureContext(context, capture) {
  let isContext = false;
  try {
    isContext = typeof context === 'function'
      || (context !== null && typeof context === 'object' && CAPTURE_CONTEXT_KEYS.some((k) => k in context));
  } catch {
    isContext = false;
  }
  if (!isContext) return capture();
  let id = '';
  withScope((scope) => {
    try {
      if (typeof context === 'function') context(scope);
      else {
        const { user, level, extra, contexts, tags, fingerprint } = context;
        if (user !== undefined) scope.setUser(user);
        if (level !== undefined) scope.setLevel(level);
        if (tags && typeof tags === 'object') scope.setTags(tags);
        if (extra && typeof extra === 'object') for (const k of Object.keys(extra)) scope.setExtra(k, extra[k]);
        if (contexts && typeof contexts === 'object') for (const k of Object.keys(contexts)) scope.setContext(k, contexts[k]);
        if (Array.isArray(fingerprint)) scope.setFingerprint(fingerprint);
      }
    } catch (e) {
      debugWarn('the capture context could not be read:', e);
    }
    id = capture();
  });
  return id;
}

/** Captures any thrown value; returns the event id. `hint` may be a capture context (tags,
 * extra, contexts, user, level, fingerprint, or a function given the scope), as in Sentry. */
// A method whose name carries `__errorbeacon` (see js/handlers.js): the app's call is the
// frame under it in a stack taken for a non-Error.
export const captureException = {
  __errorbeacon_captureException(value, hint) {
    try {
      const id = withCaptureContext(hint, () => captureWith(value, 'generic', true));
      return id;
    } catch (e) {
      debugWarn('captureException failed:', e);
      return '';
    }
  },
}.__errorbeacon_captureException;

/** Captures a message at `level` (debug, info, warning, error, fatal), or with a capture
 * context as `captureException` takes it; returns the event id. */
export function captureMessage(message, level = 'info') {
  try {
    if (level !== null && (typeof level === 'object' || typeof level === 'function')) {
      return withCaptureContext(level, () => captureMessage(message, 'info'));
    }
    if (closed) return '';
    const text = String(message);
    const lvl = String(level);
    const make = (id, at) => {
      pageNow();
      const w = glue();
      return w ? capturingValue(text, () => call('captureMessage', text, lvl, id, at)) || '' : '';
    };
    if (isConfigured()) {
      const p = takePreset();
      return make(p?.id, p?.at || 0);
    }
    if (!loading) return '';
    return deferCapture(make, 'default');
  } catch (e) {
    debugWarn('captureMessage failed:', e);
    return '';
  }
}

function call(name, ...args) {
  try {
    const w = glue();
    if (w) return w.glue[name](...args);
  } catch (e) {
    debugWarn(`${name} failed:`, e);
  }
  return undefined;
}

/** A call that changes the scope: made now, or kept in order while the module loads. */
function scoped(name, ...args) {
  if (isConfigured() || !loading) call(name, ...args);
  else defer(() => call(name, ...args));
}

export function setUser(user) {
  scoped('setUser', user ?? null);
}

export function setTag(key, value) {
  scoped('setTag', String(key), value);
}

export function setTags(tags) {
  try {
    for (const k of Object.keys(tags || {})) setTag(k, tags[k]);
  } catch (e) {
    debugWarn('setTags failed:', e);
  }
}

export function setContext(name, context) {
  scoped('setContext', String(name), context ?? null);
}

export function setExtra(key, value) {
  scoped('setExtra', String(key), value);
}

// Set while `beforeBreadcrumb` runs: breadcrumbs its own work makes (a console.log in it) are
// not recorded, as Sentry's console sandbox does, so that it cannot recurse.
let inBeforeBreadcrumb = false;

/** Adds a breadcrumb, through `beforeBreadcrumb(breadcrumb, hint)` (null drops it). The hint
 * of an automatic breadcrumb is Sentry's: `{ input, level }` for console, `{ event, name }`
 * for DOM, `{ input, response | error, startTimestamp, endTimestamp }` for fetch, `{ xhr, … }`
 * for XHR. */
export function addBreadcrumb(crumb, hint) {
  if (inBeforeBreadcrumb) return;
  let c = crumb ?? {};
  try {
    // Stamped when added (also when it is kept for later, while the module loads).
    if (typeof c === 'object' && c.timestamp === undefined) c = { ...c, timestamp: Date.now() / 1000 };
  } catch {
    // A hostile crumb is passed on as it is (the module reads it defensively).
  }
  const filter = options && typeof options.beforeBreadcrumb === 'function' ? options.beforeBreadcrumb : null;
  if (filter) {
    inBeforeBreadcrumb = true;
    try {
      const out = filter(c, hint ?? {});
      if (out === null) return;
      if (out !== undefined) c = out;
    } catch (e) {
      debugWarn('beforeBreadcrumb threw; the breadcrumb is kept as it was:', e);
    } finally {
      inBeforeBreadcrumb = false;
    }
  }
  scoped('addBreadcrumb', c);
}

/** Runs `callback(scope)` with a scope of its own: what it sets stays inside. */
export const withScope = scopeRunner({ setTag, setTags, setContext, setExtra, setUser, addBreadcrumb }, scoped, debugWarn);

export function lastEventId() {
  if (!isConfigured()) return loading ? pendingLastId : undefined;
  return call('lastEventId') || undefined;
}

/** Resolves true when `promise` settles within `timeout` ms (none or <= 0: no limit). */
function within(promise, timeout) {
  let timer;
  const late = new Promise((r) => {
    if (timeout > 0) timer = setTimeout(() => r(false), timeout);
  });
  return Promise.race([promise.then(() => true, () => true), late]).finally(() => clearTimeout(timer));
}

/** Resolves true when everything captured so far was handed to the network. */
export async function flush(timeout) {
  try {
    isConfigured();
    const started = Date.now();
    const left = () => (timeout > 0 ? Math.max(1, timeout - (Date.now() - started)) : timeout);
    // A module still loading has the captures made meanwhile: they are made once it is there.
    if (loading && initDone && !(await within(initDone, left()))) return false;
    if (pendingBeforeSend.size) {
      // Answers of async beforeSend callbacks first: they may still have events to send.
      if (!(await within(Promise.allSettled([...pendingBeforeSend]), left()))) return false;
    }
    return transport ? await transport.flush(left()) : true;
  } catch {
    return false;
  }
}

/** Flushes, then removes every handler and wrapper errorbeacon installed. */
export async function close(timeout) {
  const flushed = await flush(timeout);
  try {
    if (uninstall) uninstall();
    uninstall = null;
    closed = true;
    configured = false;
    loading = false;
    pagePending = null;
    configurePending = null;
    dropPending();
    if (earlyUninstall) earlyUninstall();
    earlyUninstall = null;
  } catch (e) {
    debugWarn('close failed:', e);
  }
  return flushed;
}

/**
 * Parses an `error.stack` string into Sentry frames, oldest first. Pure; returns [] for
 * anything that is not a stack (or before the module has loaded in a browser).
 * @param {string} stack
 */
export function parseStack(stack) {
  const w = glue();
  if (!w || typeof stack !== 'string' || stack.length === 0) return [];
  try {
    const s = stack.length > MAX_UNITS ? stack.slice(0, MAX_UNITS) : stack;
    return w.glue.parseStack(s);
  } catch (e) {
    debugWarn('parseStack failed:', e);
    return [];
  }
}
