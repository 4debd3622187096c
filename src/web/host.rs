//! What any wasm module that embeds errorbeacon can call in JavaScript, with no file of ours
//! to import: wasm-bindgen ships these few lines inside the module's own package (a snippet),
//! so Rust apps that depend on the crate get them too. Every call catches: nothing thrown here
//! reaches the app.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function eb_post(url, beaconUrl, auth, body) {
  try {
    const bytes = body.slice();
    if (typeof fetch === 'function') {
      fetch(url, {
        method: 'POST',
        body: bytes,
        keepalive: bytes.length <= 60000,
        credentials: 'omit',
        headers: { 'Content-Type': 'application/x-sentry-envelope', 'X-Sentry-Auth': auth },
      }).catch(() => {});
      return true;
    }
    if (typeof navigator === 'object' && navigator && typeof navigator.sendBeacon === 'function') {
      return navigator.sendBeacon(beaconUrl, bytes);
    }
  } catch {
    // A hostile or missing fetch: the event is lost, the app is not.
  }
  return false;
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
  return Math.random();
}
"#)]
extern "C" {
    /// Starts a POST of an envelope (keepalive fetch, else `sendBeacon`); returns at once.
    /// Started inside a panic hook, the request survives the trap that follows.
    #[wasm_bindgen(js_name = eb_post)]
    pub(crate) fn post(url: &str, beacon_url: &str, auth: &str, body: &[u8]) -> bool;
    /// A JavaScript stack taken here, with the frame limit raised so that the panic machinery's
    /// frames do not use up Chromium's default of 10.
    #[wasm_bindgen(js_name = eb_stack)]
    pub(crate) fn stack() -> String;
    #[wasm_bindgen(js_name = eb_now)]
    fn now_ms() -> f64;
    #[wasm_bindgen(js_name = eb_random)]
    pub(crate) fn random() -> f64;
}

/// The current time.
pub(crate) fn now() -> crate::protocol::Timestamp {
    crate::protocol::Timestamp::from_millis_f64(now_ms())
}

/// 16 random bytes (for event ids).
pub(crate) fn random_bytes() -> [u8; 16] {
    let mut out = [0u8; 16];
    for chunk in out.chunks_mut(4) {
        let n = (random() * 4_294_967_296.0) as u32;
        chunk.copy_from_slice(&n.to_le_bytes());
    }
    out
}
