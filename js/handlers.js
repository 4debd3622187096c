// The integrations that hook into the host: global error and rejection events, console, fetch
// and XHR, DOM clicks and key presses, history. Each install returns its uninstall function;
// `close()` runs them all. This is JS because it must be: wrapping `console`, `fetch` and
// `XMLHttpRequest` means replacing JS functions, and it costs less here than through web-sys.
// Wrappers chain to what was there before and never replace a wrapper someone installed
// after us when they are removed.

const g = globalThis;

/** Replaces `obj[name]` by `make(original)`; the undo restores only if ours is still there. */
function wrap(obj, name, make, undo) {
  try {
    const original = obj && obj[name];
    if (typeof original !== 'function') return;
    const wrapper = make(original);
    obj[name] = wrapper;
    undo.push(() => {
      if (obj[name] === wrapper) obj[name] = original;
    });
  } catch {
    // A frozen or exotic object: leave it alone.
  }
}

function listen(target, type, fn, undo, capture) {
  try {
    if (!target || typeof target.addEventListener !== 'function') return;
    target.addEventListener(type, fn, capture);
    undo.push(() => target.removeEventListener(type, fn, capture));
  } catch {
    // Not an event target after all.
  }
}

// Every function of ours that the host calls (listeners, wrappers) is a method whose name
// carries `__errorbeacon`: minifiers keep object keys, so the frame keeps the name in any
// bundle, and the core drops the SDK's frames of a stack it took through the outermost such
// frame (src/capture/mod.rs, synthetic_stacktrace). Not in a tail position anywhere: with
// JavaScriptCore's proper tail calls a tail-calling frame leaves the stack.

export function safe(fn) {
  return {
    __errorbeacon_handler(...args) {
      try {
        fn(...args);
      } catch {
        // A handler of ours must never throw into the page.
      }
    },
  }.__errorbeacon_handler;
}

/** Where the host called into a wrapper of ours (`fetch`, `XMLHttpRequest.send`): an Error
 * made there, its stack read only if a failure is captured. */
function callSite() {
  try {
    return new Error();
  } catch {
    return undefined;
  }
}

const CONSOLE_LEVELS = { debug: 'debug', info: 'info', log: 'info', warn: 'warning', error: 'error', assert: 'error' };

function describeTarget(el) {
  try {
    if (!el || typeof el.tagName !== 'string') return '<unknown>';
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = typeof el.className === 'string' ? el.className.trim() : '';
    if (cls) s += '.' + cls.split(/\s+/).slice(0, 3).join('.');
    const name = el.getAttribute && el.getAttribute('name');
    if (name) s += `[name="${name}"]`;
    return s;
  } catch {
    return '<unknown>';
  }
}

function text(args) {
  try {
    return args.map((a) => (typeof a === 'string' ? a : safeString(a))).join(' ').slice(0, 8192);
  } catch {
    return '';
  }
}

function safeString(v) {
  try {
    if (v instanceof Error) return `${v.name}: ${v.message}`;
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch {
    try {
      return String(v);
    } catch {
      return '[unserializable]';
    }
  }
}

/**
 * Installs what `opts.integrations` asks for. `sdk` gives: capture(value, mechanism, handled),
 * message(text, level), crumb(breadcrumb), isOwnRequest(url). `runtimeHandlers(sdk)`: the
 * global handlers of Node, Deno or Bun (js/runtime.js).
 */
export function installHandlers(opts, sdk, runtimeHandlers) {
  const undo = [];
  const integ = opts.integrations || {};
  const crumbs = integ.breadcrumbs === false ? {} : { dom: true, console: true, fetch: true, history: true, ...(integ.breadcrumbs || {}) };

  if (integ.globalHandlers !== false && runtimeHandlers) {
    try {
      undo.push(runtimeHandlers(sdk));
    } catch {
      // A runtime without them.
    }
  }
  // The page's events; in Deno, whose global scope has them too, the runtime's handlers take
  // them instead (Node and Bun have none, unless a DOM shim adds them).
  if (integ.globalHandlers !== false && !(runtimeHandlers && g.Deno)) {
    listen(g, 'error', safe((ev) => {
      // Resource load errors (an <img> that failed) bubble as plain Events: not exceptions.
      if (typeof ErrorEvent === 'function' && !(ev instanceof ErrorEvent)) return;
      sdk.capture(ev, 'onerror', false);
    }), undo);
    listen(g, 'unhandledrejection', safe((ev) => sdk.capture(ev && 'reason' in ev ? ev.reason : ev, 'onunhandledrejection', false)), undo);
  }

  const captureLevels = integ.console === false ? [] : Array.isArray(integ.console) ? integ.console : ['error'];
  if ((crumbs.console || captureLevels.length) && g.console) {
    for (const name of Object.keys(CONSOLE_LEVELS)) {
      wrap(g.console, name, (original) => ({ __errorbeacon_console(...args) {
        safe(() => {
          if (name === 'assert') {
            if (args[0]) return;
            args = args.slice(1);
          }
          const level = CONSOLE_LEVELS[name];
          if (crumbs.console) sdk.crumb({ category: 'console', level, message: text(args), data: { logger: 'console' } }, { input: args, level });
          if (captureLevels.includes(name)) {
            const err = args.find((a) => a instanceof Error);
            if (err) sdk.capture(err, 'console', true);
            else sdk.message(text(args), level);
          }
        })();
        const r = original.apply(this, args);
        return r;
      } }).__errorbeacon_console, undo);
    }
  }

  const httpErrors = integ.httpErrors !== false;
  if ((crumbs.fetch || httpErrors) && typeof g.fetch === 'function') {
    wrap(g, 'fetch', (original) => ({ __errorbeacon_fetch(input, init) {
      const site = httpErrors ? callSite() : undefined;
      let method = 'GET';
      let url = '';
      try {
        url = typeof input === 'string' ? input : input instanceof URL ? input.href : String(input && input.url);
        method = String((init && init.method) || (input && input.method) || 'GET').toUpperCase();
      } catch {
        // An exotic request object: record what we can.
      }
      const own = sdk.isOwnRequest(url);
      const started = Date.now();
      const args = [...arguments];
      const result = original.apply(this, arguments);
      if (own) return result;
      try {
        result.then(
          safe((res) => {
            const data = { method, url, status_code: res.status, duration_ms: Date.now() - started };
            if (crumbs.fetch) {
              const hint = { input: args, response: res, startTimestamp: started, endTimestamp: Date.now() };
              sdk.crumb({ type: 'http', category: 'fetch', level: res.status >= 500 ? 'error' : 'info', data }, hint);
            }
            if (httpErrors && res.status >= 500) sdk.http(method, url, res.status, site);
          }),
          safe((err) => {
            if (crumbs.fetch) {
              const hint = { input: args, error: err, startTimestamp: started, endTimestamp: Date.now() };
              sdk.crumb({ type: 'http', category: 'fetch', level: 'error', data: { method, url, error: safeString(err) } }, hint);
            }
            if (httpErrors) sdk.http(method, url, 0, site);
          }),
        );
      } catch {
        // `result` was not a promise: nothing to observe.
      }
      return result;
    } }).__errorbeacon_fetch, undo);
  }

  if ((crumbs.fetch || httpErrors) && typeof g.XMLHttpRequest === 'function') {
    const proto = g.XMLHttpRequest.prototype;
    const info = new WeakMap();
    wrap(proto, 'open', (original) => function (method, url) {
      safe(() => info.set(this, { method: String(method).toUpperCase(), url: String(url) }))();
      return original.apply(this, arguments);
    }, undo);
    wrap(proto, 'send', (original) => ({ __errorbeacon_xhr(...args) {
      const site = httpErrors ? callSite() : undefined;
      safe(() => {
        const req = info.get(this);
        if (!req || sdk.isOwnRequest(req.url)) return;
        const started = Date.now();
        this.addEventListener('loadend', safe(() => {
          const status = this.status;
          const data = { method: req.method, url: req.url, status_code: status, duration_ms: Date.now() - started };
          if (crumbs.fetch) {
            const hint = { xhr: this, startTimestamp: started, endTimestamp: Date.now() };
            sdk.crumb({ type: 'http', category: 'xhr', level: status >= 500 || status === 0 ? 'error' : 'info', data }, hint);
          }
          if (httpErrors && (status >= 500 || status === 0)) sdk.http(req.method, req.url, status, site);
        }));
      })();
      const r = original.apply(this, args);
      return r;
    } }).__errorbeacon_xhr, undo);
  }

  if (crumbs.dom && g.document) {
    const onUi = (category) => safe((ev) => sdk.crumb({ category, message: describeTarget(ev && ev.target) }, { event: ev, name: ev && ev.type, global: true }));
    listen(g.document, 'click', onUi('ui.click'), undo, true);
    listen(g.document, 'keypress', onUi('ui.input'), undo, true);
  }

  if (crumbs.history && g.history && g.location) {
    let last = String(g.location.href);
    const moved = safe(() => {
      const to = String(g.location.href);
      if (to !== last) sdk.crumb({ category: 'navigation', data: { from: last, to } }, { from: last, to });
      last = to;
    });
    for (const name of ['pushState', 'replaceState']) {
      wrap(g.history, name, (original) => function () {
        const r = original.apply(this, arguments);
        moved();
        return r;
      }, undo);
    }
    listen(g, 'popstate', moved, undo);
  }

  return () => {
    for (const f of undo.reverse()) {
      try {
        f();
      } catch {
        // Keep undoing the rest.
      }
    }
  };
}
