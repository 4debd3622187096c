//! What any wasm module that embeds errorbeacon can call in JavaScript, with no file of ours
//! to import: wasm-bindgen ships these few lines inside the module's own package (a snippet),
//! so Rust apps that depend on the crate get them too. Every call catches: nothing thrown here
//! reaches the app. The snippet ships as it is written (apps' bundlers may not minify it), so
//! its comments are here: `inFlight` counts requests started and not yet settled, and `idle`
//! holds who waits for them (`flush`); a hostile or missing `fetch` loses the event, never the app.
//! At import (which the app's wasm-bindgen glue does before it loads the app's module) the
//! snippet wraps `WebAssembly.instantiateStreaming` and `compileStreaming` to note each module
//! loaded from a URL with a `build_id` (`mods`: URL, build id, name section's module name; at
//! most 32), for the events' debug images (`eb_modules`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
const mods = [];
function note(m, url) {
  try {
    const M = WebAssembly.Module;
    const [s] = M.customSections(m, 'build_id');
    const b = s && new Uint8Array(s);
    if (!b || !b[0] || b[0] > 64 || mods.length >= 32 || typeof url !== 'string' || !url) return;
    const id = Array.from(b.subarray(1, 1 + b[0]), (x) => x.toString(16).padStart(2, '0')).join('');
    let name = '';
    const [ns] = M.customSections(m, 'name');
    const n = ns && new Uint8Array(ns);
    if (n && n[0] === 0) {
      let i = 1;
      while (n[i++] & 128);
      if (n[i] < 128) name = new TextDecoder().decode(n.subarray(i + 1, i + 1 + n[i]));
    }
    mods.push(url + '\t' + id + '\t' + name.replace(/[\t\n]/g, ' '));
  } catch {}
}
try {
  for (const k of ['instantiateStreaming', 'compileStreaming']) {
    const f = WebAssembly[k];
    if (typeof f === 'function') {
      WebAssembly[k] = function (src, ...rest) {
        const r = f.call(this, src, ...rest);
        Promise.all([r, src]).then(([m, res]) => note((m && m.module) || m, res && res.url), () => {});
        return r;
      };
    }
  }
} catch {}
export function eb_modules() {
  return mods.join('\n');
}
let inFlight = 0;
let idle = [];
function settled() {
  inFlight = Math.max(0, inFlight - 1);
  if (inFlight === 0) {
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve(true);
  }
}
export function eb_post(dsn, client, body, ctx) {
  try {
    const bytes = body.slice();
    const u = new URL(dsn);
    const p = u.pathname;
    const i = p.lastIndexOf('/');
    const url = u.protocol + '//' + u.host + p.slice(0, i) + '/api/' + p.slice(i + 1) + '/envelope/';
    const key = decodeURIComponent(u.username);
    if (typeof fetch === 'function') {
      inFlight++;
      try {
        const sent = Promise.resolve(
          fetch(url, {
            method: 'POST',
            body: bytes,
            keepalive: bytes.length <= 60000,
            credentials: 'omit',
            headers: {
              'Content-Type': 'application/x-sentry-envelope',
              'X-Sentry-Auth': 'Sentry sentry_version=7, sentry_client=' + client + ', sentry_key=' + key +
                (u.password ? ', sentry_secret=' + decodeURIComponent(u.password) : ''),
            },
          }),
        ).then(settled, settled);
        if (ctx && typeof ctx.waitUntil === 'function') {
          try {
            ctx.waitUntil(sent);
          } catch {}
        }
      } catch (e) {
        settled();
        throw e;
      }
      return true;
    }
    if (typeof navigator === 'object' && navigator && typeof navigator.sendBeacon === 'function') {
      const q = '?sentry_key=' + encodeURIComponent(key) + '&sentry_version=7&sentry_client=' + encodeURIComponent(client);
      return navigator.sendBeacon(url + q, bytes);
    }
  } catch {
  }
  return false;
}
export function eb_flush(ms, done) {
  let finished = false;
  const once = (ok) => {
    if (finished) return;
    finished = true;
    try {
      done(ok);
    } catch {}
  };
  try {
    if (inFlight === 0) return once(true);
    idle.push(once);
    if (ms >= 0 && typeof setTimeout === 'function') setTimeout(() => once(false), ms);
  } catch {
    once(false);
  }
}
export function eb_stack() {
  let limit;
  try {
    limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 100;
  } catch {}
  try {
    return String(new Error().stack || '');
  } catch {
    return '';
  } finally {
    try {
      Error.stackTraceLimit = limit;
    } catch {}
  }
}
export function eb_now() {
  return Date.now();
}
export function eb_random() {
  try {
    return crypto.getRandomValues(new Uint32Array(1))[0] / 4294967296;
  } catch {
    return Math.random();
  }
}
"#)]
extern "C" {
    /// Starts a POST of an envelope to the ingest URL of `dsn` (a DSN [`crate::Dsn`] has
    /// checked: JavaScript's `URL` reads it), authenticated as `client` (keepalive fetch, else
    /// `sendBeacon` with the auth in the query); returns at once. Started inside a panic hook,
    /// the request survives the trap that follows. (The URL and auth are worked out here, not
    /// in Rust: ~1 KB less of a Rust app's wasm.)
    /// `ctx`: the request's execution context (a Worker's), whose `waitUntil` keeps the
    /// request alive until it settles; `undefined` outside a request.
    #[wasm_bindgen(js_name = eb_post)]
    pub(crate) fn post(dsn: &str, client: &str, body: &[u8], ctx: &JsValue) -> bool;
    /// A JavaScript stack taken here, with the frame limit raised so that the panic machinery's
    /// frames do not use up Chromium's default of 10.
    /// Calls `done(true)` once every request started by [`post`] has settled, or
    /// `done(false)` after `ms` milliseconds.
    #[wasm_bindgen(js_name = eb_flush)]
    pub(crate) fn flush(ms: f64, done: &JsValue);
    #[wasm_bindgen(js_name = eb_stack)]
    pub(crate) fn stack() -> String;
    #[wasm_bindgen(js_name = eb_now)]
    fn now_ms() -> f64;
    /// A number in [0, 1) from `crypto.getRandomValues` (`Math.random` where there is no
    /// `crypto`): the host's, never std's, so that it works inside a panic hook and in Workers.
    #[wasm_bindgen(js_name = eb_random)]
    pub(crate) fn random() -> f64;
    /// The wasm modules loaded from a URL (wasm-bindgen's `init` does, through
    /// `instantiateStreaming`) since the snippet loaded, which is before the app's own module:
    /// `url\tbuild id (hex)\tname section's module name` lines, modules with a `build_id` only.
    /// JavaScriptCore names their frames by the module name: the URL and the debug image are
    /// found from it (`write::images`).
    #[wasm_bindgen(js_name = eb_modules)]
    pub(crate) fn modules() -> String;
}

/// The current time.
pub(crate) fn now() -> crate::protocol::Timestamp {
    crate::protocol::Timestamp::from_millis_f64(now_ms())
}

/// 16 random bytes (for event ids).
pub(crate) fn random_bytes() -> [u8; 16] {
    super::random_bytes_from(random)
}

// Feature `worker` only: wasm-bindgen ships every snippet of a crate, used or not, and this one
// is ~450 B gzip that an app outside a server does not need.
#[cfg(feature = "worker")]
#[wasm_bindgen(inline_js = r#"
const KEPT = ['accept', 'accept-language', 'content-type', 'content-length', 'host', 'referer', 'user-agent', 'cf-ray'];
const PII = ['cookie', 'authorization', 'cf-connecting-ip', 'x-forwarded-for', 'x-real-ip'];
const SECRET = ['pass', 'secret', 'token', 'auth', 'key', 'session', 'credential', 'signature', 'sig'];
export function eb_request(req, pii) {
  try {
    const u = new URL(String(req.url));
    const r = { method: String(req.method), url: u.origin + u.pathname };
    const q = u.search.slice(1);
    if (q) {
      r.query_string = pii ? q : q.split('&').map((p) => {
        const eq = p.indexOf('=');
        const name = p.slice(0, eq).toLowerCase();
        return eq < 0 || !SECRET.some((s) => name.includes(s)) ? p : p.slice(0, eq) + '=[Filtered]';
      }).join('&');
    }
    const headers = {};
    for (const name of pii ? KEPT.concat(PII) : KEPT) {
      const v = req.headers.get(name);
      if (v !== null) headers[name] = v.slice(0, 1024);
    }
    r.headers = headers;
    let cf = '';
    try {
      if (req.cf) cf = JSON.stringify({ colo: req.cf.colo, country: req.cf.country, city: req.cf.city });
    } catch {}
    return JSON.stringify(r) + '\n' + cf;
  } catch {
    return '';
  }
}
"#)]
extern "C" {
    /// An incoming request's `request` object as JSON (method, URL without query secrets,
    /// kept headers; cookies and auth only with `pii`), a newline, and its `cf` geo as a JSON
    /// object (empty without `cf`); empty when it cannot be read.
    #[wasm_bindgen(js_name = eb_request)]
    pub(crate) fn request(req: &JsValue, pii: bool) -> String;
}
