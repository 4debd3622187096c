// The package's entry for browsers and bundlers: the page's critical path. It installs the
// error and rejection handlers that keep what happens before the rest is there, answers the API
// at once, and nothing more. `init` loads the rest (js/core.js: the API's implementation, the
// glue and the wasm) with `import()`; what was called meanwhile is handed over in order, each
// capture with the id it was answered with and the time it was made. Nothing here throws into
// the host.
import { newEventId, syntheticStack } from './ids.js';
import { scopeRunner } from './with-scope.js';
import { handlerWrapper } from './wrap.js';

// Calls kept while the rest loads (more are counted, and reported once it has: debug warning
// and client report); the same bound as the API's own while the wasm loads.
const KEEP_MAX = 100;

/** The loaded implementation (js/core.js), or null. */
let core = null;
let loading = null;
// `init` called and the rest not yet there: API calls are kept.
let started = false;
let closed = false;
const kept = [];
let droppedCalls = 0;
const droppedCaptures = { error: 0, default: 0 };
let keptLastId;
let debug = false;

function warn(...args) {
  try {
    if (debug) console.warn('[errorbeacon]', ...args);
  } catch {
    // A hostile console: nothing to do.
  }
}

/** Keeps `run(core)` for when the rest is there; false when the bound is reached. */
function keep(run, always) {
  if (!always && kept.length >= KEEP_MAX) {
    droppedCalls++;
    return false;
  }
  kept.push(run);
  return true;
}

/** A capture kept for later: answered now with a fresh id, made with it once the rest is there. */
function keepCapture(value, make, category = 'error') {
  const id = newEventId();
  const at = Date.now();
  const synthetic = syntheticStack(value);
  if (!keep((c) => c.replay(id, at, synthetic, () => make(c)))) {
    droppedCaptures[category]++;
    return '';
  }
  keptLastId = id;
  return id;
}

// Page errors from the import on, kept until `init` has the rest installed its own handlers.
const g = globalThis;
const early = (value, mechanism) => {
  try {
    if (closed) return;
    const id = newEventId();
    const at = Date.now();
    const synthetic = syntheticStack(value);
    if (core) core.captureEarly(value, mechanism, synthetic, id, at);
    else if (!keep((c) => c.captureEarly(value, mechanism, synthetic, id, at))) droppedCaptures.error++;
  } catch {
    // Never into the page.
  }
};
// Methods whose names carry `__errorbeacon` (see js/handlers.js): frames of the SDK in any bundle.
const { __errorbeacon_onError: onError, __errorbeacon_onRejection: onRejection } = {
  __errorbeacon_onError(ev) {
    early(ev, 'onerror');
  },
  __errorbeacon_onRejection(ev) {
    early(ev && 'reason' in ev ? ev.reason : ev, 'onunhandledrejection');
  },
};
let earlyOn = false;
function earlyOff() {
  if (!earlyOn) return;
  earlyOn = false;
  try {
    g.removeEventListener('error', onError);
    g.removeEventListener('unhandledrejection', onRejection);
  } catch {
    // Nothing to remove.
  }
}
try {
  if (typeof g.addEventListener === 'function') {
    g.addEventListener('error', onError);
    g.addEventListener('unhandledrejection', onRejection);
    earlyOn = true;
  }
} catch {
  earlyOn = false;
}

/** Loads the rest once; hands over what was kept. Resolves to the implementation or null. */
function load() {
  loading ??= import('./core.js').then(
    (c) => {
      core = c;
      c.adoptEarly(earlyOff);
      if (droppedCalls) c.noteDropped(droppedCalls, droppedCaptures);
      for (const run of kept.splice(0)) {
        try {
          run(c);
        } catch (e) {
          warn('a call made while loading failed:', e);
        }
      }
      return c;
    },
    (e) => {
      warn('the module could not be loaded:', e);
      kept.length = 0;
      loading = null;
      return null;
    },
  );
  return loading;
}

/** `c.name(...args)` once the rest is there; kept meanwhile after `init`, a no-op before. */
function route(name, args) {
  if (core) return core[name](...args);
  if (started) keep((c) => c[name](...args));
  return undefined;
}

export function init(opts = {}) {
  try {
    if (core) return core.init(opts);
    debug = !!(opts && opts.debug);
    started = true;
    closed = false;
    return new Promise((resolve) => {
      keep((c) => resolve(c.init(opts)), true);
      load().then((c) => c || resolve(undefined));
    });
  } catch (e) {
    warn('init failed:', e);
    return Promise.resolve(undefined);
  }
}

export const captureException = {
  __errorbeacon_captureException(value, hint) {
    try {
      let id = '';
      if (core) id = core.captureException(value, hint);
      else if (started) id = keepCapture(value, (c) => c.captureException(value, hint));
      return id;
    } catch (e) {
      warn('captureException failed:', e);
      return '';
    }
  },
}.__errorbeacon_captureException;

export function captureMessage(message, level) {
  try {
    if (core) return core.captureMessage(message, level);
    if (!started) return '';
    return keepCapture(undefined, (c) => c.captureMessage(message, level), 'default');
  } catch (e) {
    warn('captureMessage failed:', e);
    return '';
  }
}

export function setUser(...a) {
  route('setUser', a);
}
export function setTag(...a) {
  route('setTag', a);
}
export function setTags(...a) {
  route('setTags', a);
}
export function setContext(...a) {
  route('setContext', a);
}
export function setExtra(...a) {
  route('setExtra', a);
}

export function addBreadcrumb(crumb, hint) {
  try {
    // Stamped when added, not when handed over.
    const c = crumb && typeof crumb === 'object' && crumb.timestamp === undefined ? { ...crumb, timestamp: Date.now() / 1000 } : crumb;
    route('addBreadcrumb', [c, hint]);
  } catch (e) {
    warn('addBreadcrumb failed:', e);
  }
}

const runScope = scopeRunner(
  { setTag, setTags, setContext, setExtra, setUser, addBreadcrumb },
  (name, ...args) => route('scopeCall', [name, ...args]),
  warn,
);

export function withScope(callback) {
  if (core) return core.withScope(callback);
  return runScope(callback);
}

export function lastEventId() {
  if (core) return core.lastEventId();
  return started ? keptLastId : undefined;
}

/** Waits up to `timeout` ms (none or <= 0: no limit) for the rest to load. */
async function loaded(timeout) {
  if (core || !loading) return core;
  let timer;
  const late = new Promise((r) => {
    if (timeout > 0) timer = setTimeout(() => r(null), timeout);
  });
  try {
    return await Promise.race([loading, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function flush(timeout) {
  try {
    const t0 = Date.now();
    const c = await loaded(timeout);
    if (!c) return !started || !loading;
    return await c.flush(timeout > 0 ? Math.max(1, timeout - (Date.now() - t0)) : timeout);
  } catch {
    return false;
  }
}

export async function close(timeout) {
  try {
    const t0 = Date.now();
    const c = await loaded(timeout);
    if (c) return await c.close(timeout > 0 ? Math.max(1, timeout - (Date.now() - t0)) : timeout);
    const flushed = !loading;
    closed = true;
    started = false;
    kept.length = 0;
    earlyOff();
    return flushed;
  } catch {
    return false;
  }
}

export const wrapHandler = handlerWrapper((e) => route('captureUnhandled', [e, 'serverless']), flush);

export function parseStack(stack) {
  try {
    return core ? core.parseStack(stack) : [];
  } catch {
    return [];
  }
}
