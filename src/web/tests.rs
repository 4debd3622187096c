//! The binding's tests, run in real engines by wasm-bindgen-test (`scripts/test-wasm.sh`:
//! headless Chromium and Firefox): the Rust API from capture to the bytes handed to `fetch`,
//! and the stack parser in the engine. (The npm module's boundary is tested from JS.)

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
// Records what the code under test hands to fetch, instead of sending it.
export function recordFetch() {
  const sent = [];
  globalThis.fetch = (url, init) => {
    sent.push({ url: String(url), init });
    return new Promise((resolve) => setTimeout(() => resolve(new Response('{}', { status: 200 })), 5));
  };
  globalThis.__sent = sent;
}
export function sentCount() { return (globalThis.__sent || []).length; }
export function sentBody(i) { return new TextDecoder().decode(globalThis.__sent[i].init.body); }
export function sentUrl(i) { return globalThis.__sent[i].url; }
export function sentAuth(i) { return globalThis.__sent[i].init.headers['X-Sentry-Auth']; }
export function sentKeepalive(i) { return globalThis.__sent[i].init.keepalive === true; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = recordFetch)]
    fn record_fetch();
    #[wasm_bindgen(js_name = sentCount)]
    fn sent_count() -> u32;
    #[wasm_bindgen(js_name = sentBody)]
    fn sent_body(i: u32) -> String;
    #[wasm_bindgen(js_name = sentUrl)]
    fn sent_url(i: u32) -> String;
    #[wasm_bindgen(js_name = sentAuth)]
    fn sent_auth(i: u32) -> String;
    #[wasm_bindgen(js_name = sentKeepalive)]
    fn sent_keepalive(i: u32) -> bool;
}

/// The event JSON of envelope `i` (its third line: envelope header, item header, payload).
fn sent_event(i: u32) -> serde_json::Value {
    let body = sent_body(i);
    let payload = body.splitn(3, '\n').nth(2).unwrap_or_default().trim_end().to_owned();
    serde_json::from_str(&payload).unwrap_or_else(|e| panic!("event JSON: {e}: {payload}"))
}

#[derive(Debug)]
struct Outer(Inner);
#[derive(Debug)]
struct Inner;

impl std::fmt::Display for Outer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("loading the config failed")
    }
}
impl std::fmt::Display for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("file not found")
    }
}
impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
impl std::error::Error for Inner {}

/// The Rust API of API.md §2, from `init` to the envelope handed to `fetch`, and `flush`.
#[wasm_bindgen_test]
async fn rust_api_captures_errors_messages_scope_and_flushes() {
    record_fetch();
    let dsn: crate::Dsn = "https://public@errors.example.com/42".parse().expect("dsn");
    let guard = crate::init(crate::Options {
        dsn: Some(dsn),
        release: Some("app@1.0.0".into()),
        panics: false,
        ..Default::default()
    });
    crate::configure_scope(|s| s.set_tag("area", "checkout"));
    crate::add_breadcrumb(crate::Breadcrumb { message: Some("clicked pay".into()), ..Default::default() });
    let id = crate::capture_error(&Outer(Inner));
    let message_id = crate::capture_message("low disk", crate::Level::Warning);
    assert_eq!(sent_count(), 2);
    assert_eq!(sent_url(0), "https://errors.example.com/api/42/envelope/");
    assert!(sent_auth(0).contains("sentry_key=public"), "{}", sent_auth(0));
    assert!(sent_keepalive(0));

    let e = sent_event(0);
    assert_eq!(e["event_id"], id.to_string());
    assert_eq!(e["release"], "app@1.0.0");
    assert_eq!(e["environment"], "production");
    assert_eq!(e["tags"]["area"], "checkout");
    assert_eq!(e["breadcrumbs"]["values"][0]["message"], "clicked pay");
    let values = e["exception"]["values"].as_array().cloned().unwrap_or_default();
    assert_eq!(values.len(), 2, "{e}");
    assert_eq!(values[0]["type"], "Inner");
    assert_eq!(values[0]["value"], "file not found");
    assert_eq!(values[1]["type"], "Outer");
    assert_eq!(values[1]["value"], "loading the config failed");
    // The outermost error carries the stack where it was captured, taken in this engine.
    let frames = values[1]["stacktrace"]["frames"].as_array().cloned().unwrap_or_default();
    assert!(!frames.is_empty(), "{e}");

    let m = sent_event(1);
    assert_eq!(m["event_id"], message_id.to_string());
    assert_eq!(m["level"], "warning");
    assert_eq!(m["logentry"]["formatted"], "low disk");

    assert!(crate::flush(std::time::Duration::from_secs(5)).await);
    drop(guard);
    // Dropped guard: captures stop.
    crate::capture_message("after the guard", crate::Level::Info);
    assert_eq!(sent_count(), 2);
}

#[wasm_bindgen_test]
fn parse_stack_runs_in_the_engine() {
    let frames = crate::parse_stack("Error: x\n    at inner (http://h/app.js:1:2)\n    at outer (http://h/app.js:3:4)");
    let names: Vec<_> = frames.iter().map(|f| f.function.clone().unwrap_or_default()).collect();
    assert_eq!(names, ["outer", "inner"]);
}
