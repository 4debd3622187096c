//! The binding's tests, run in real engines by wasm-bindgen-test (`scripts/test-wasm.sh`:
//! headless Chromium and Firefox): the classifier against every kind of thrown value,
//! hostile ones included, and the Rust API from capture to the bytes handed to `fetch`.

// With `npm`, the Rust API is not built: its test and helpers stay unused.
#![cfg_attr(feature = "npm", allow(dead_code))]

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function make(kind) {
  switch (kind) {
    case 'chain': {
      function inner() { return new TypeError('inner failed'); }
      const root = inner();
      const e = new Error('outer failed', { cause: root });
      return e;
    }
    case 'custom': {
      class PaymentError extends Error { constructor(m) { super(m); this.name = 'PaymentError'; } }
      return new PaymentError('card declined');
    }
    case 'aggregate':
      return new AggregateError([new RangeError('a'), 'plain string', new SyntaxError('c')], 'several');
    case 'dom':
      try { document.querySelector('!!'); } catch (e) { return e; }
      return null;
    case 'errorEvent':
      return new ErrorEvent('error', { message: 'Script error.', filename: '', lineno: 0, colno: 0 });
    case 'errorEventWithError':
      return new ErrorEvent('error', { message: 'x', error: new Error('inside the event') });
    case 'rejection': {
      const p = Promise.reject(42);
      p.catch(() => {});
      return new PromiseRejectionEvent('unhandledrejection', { promise: p, reason: 'rejected with a string' });
    }
    case 'rejectionLoop': {
      const p = Promise.reject(42);
      p.catch(() => {});
      class Looping extends PromiseRejectionEvent { get reason() { return this; } }
      return new Looping('unhandledrejection', { promise: p, reason: 'never read' });
    }
    case 'string': return 'just a string';
    case 'number': return -0.5;
    case 'nan': return NaN;
    case 'bigint': return 12345678901234567890n;
    case 'symbol': return Symbol('tag');
    case 'true': return true;
    case 'undefined': return undefined;
    case 'null': return null;
    case 'object': return { code: 'E_TIMEOUT', retry: 3, nested: { deep: [1, 2] } };
    case 'classInstance': { class Oops { constructor() { this.reason = 'nope'; } } return new Oops(); }
    case 'function': return function namedThrowable() {};
    case 'proxy': {
      const trap = () => { throw new Error('trap'); };
      return new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap,
        getOwnPropertyDescriptor: trap, apply: trap, construct: trap });
    }
    case 'throwingGetters': {
      const e = new Error('base');
      for (const k of ['message', 'stack', 'name', 'cause']) {
        Object.defineProperty(e, k, { get() { throw new Error('getter ' + k); } });
      }
      return e;
    }
    case 'throwingToString':
      return { toString() { throw new Error('no'); }, valueOf() { throw new Error('no'); } };
    case 'cycle': {
      const a = new Error('a');
      const b = new Error('b', { cause: a });
      a.cause = b;
      return a;
    }
    case 'huge': return new Error('x'.repeat(5 * 1024 * 1024));
    case 'wasmException': {
      if (typeof WebAssembly.Tag !== 'function' || typeof WebAssembly.Exception !== 'function') return null;
      return new WebAssembly.Exception(new WebAssembly.Tag({ parameters: ['i32'] }), [7]);
    }
  }
  throw new Error('unknown kind ' + kind);
}

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
    fn make(kind: &str) -> JsValue;
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

#[cfg(feature = "npm")]
mod classify {
    use super::make;
    use crate::capture::{ErrorLike, Primitive, Thrown};
    use crate::web::classify;
    use crate::web::test_values::val;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::*;

    fn classify(v: &JsValue) -> Thrown {
        classify::classify(val(v.clone()))
    }

    fn to_value(v: &JsValue, depth: usize) -> crate::protocol::Value {
        classify::to_value(val(v.clone()), depth)
    }

    fn error(kind: &str) -> ErrorLike {
        match classify(&make(kind)) {
            Thrown::Error(e) => e,
            other => panic!("{kind}: expected an Error, got {other:?}"),
        }
    }

    #[wasm_bindgen_test]
    fn error_with_cause_keeps_the_chain_and_stacks() {
        let e = error("chain");
        assert_eq!(e.class.as_deref(), Some("Error"));
        assert_eq!(e.message.as_deref(), Some("outer failed"));
        assert!(e.stack.as_deref().is_some_and(|s| !s.is_empty()));
        let Some(Thrown::Error(cause)) = e.cause.as_deref() else { panic!("cause: {:?}", e.cause) };
        assert_eq!(cause.name.as_deref(), Some("TypeError"));
        assert_eq!(cause.message.as_deref(), Some("inner failed"));
        // The cause was created in `inner`: its own stack names it.
        assert!(cause.stack.as_deref().is_some_and(|s| s.contains("inner")), "{:?}", cause.stack);
    }

    #[wasm_bindgen_test]
    fn subclasses_keep_class_and_name() {
        let e = error("custom");
        assert_eq!(e.class.as_deref(), Some("PaymentError"));
        assert_eq!(e.name.as_deref(), Some("PaymentError"));
        assert_eq!(e.message.as_deref(), Some("card declined"));
    }

    #[wasm_bindgen_test]
    fn aggregate_error_children_in_order() {
        let e = error("aggregate");
        assert_eq!(e.class.as_deref(), Some("AggregateError"));
        assert_eq!(e.errors.len(), 3);
        assert!(matches!(&e.errors[0], Thrown::Error(c) if c.name.as_deref() == Some("RangeError")));
        assert_eq!(e.errors[1], Thrown::Primitive(Primitive::String("plain string".into())));
        assert!(matches!(&e.errors[2], Thrown::Error(c) if c.message.as_deref() == Some("c")));
    }

    #[wasm_bindgen_test]
    fn dom_exception_has_its_code() {
        let e = error("dom");
        assert_eq!(e.class.as_deref(), Some("DOMException"));
        assert_eq!(e.name.as_deref(), Some("SyntaxError"));
        assert_eq!(e.dom_code, Some(12));
    }

    #[wasm_bindgen_test]
    fn error_events_use_the_error_or_their_own_fields() {
        match classify(&make("errorEvent")) {
            Thrown::ErrorEvent { message, .. } => assert_eq!(message.as_deref(), Some("Script error.")),
            other => panic!("{other:?}"),
        }
        assert_eq!(error("errorEventWithError").message.as_deref(), Some("inside the event"));
        assert_eq!(classify(&make("rejection")), Thrown::Primitive(Primitive::String("rejected with a string".into())));
        // An event whose `reason` is itself is unwrapped a bounded number of times, not until
        // the wasm's stack runs out.
        assert!(matches!(classify(&make("rejectionLoop")), Thrown::Unreadable { .. }));
    }

    #[wasm_bindgen_test]
    fn every_primitive_keeps_its_type_and_text() {
        let cases: [(&str, Primitive); 8] = [
            ("string", Primitive::String("just a string".into())),
            ("number", Primitive::Number("-0.5".into())),
            ("nan", Primitive::Number("NaN".into())),
            ("bigint", Primitive::BigInt("12345678901234567890".into())),
            ("symbol", Primitive::Symbol(Some("tag".into()))),
            ("true", Primitive::Boolean(true)),
            ("undefined", Primitive::Undefined),
            ("null", Primitive::Null),
        ];
        for (kind, want) in cases {
            assert_eq!(classify(&make(kind)), Thrown::Primitive(want), "{kind}");
        }
    }

    #[wasm_bindgen_test]
    fn objects_and_functions() {
        match classify(&make("object")) {
            Thrown::Object { class, keys, value } => {
                assert_eq!(class, None);
                assert_eq!(keys, ["code", "retry", "nested"]);
                let json = serde_json::to_string(&value).unwrap_or_default();
                assert_eq!(json, r#"{"code":"E_TIMEOUT","nested":{"deep":[1,2]},"retry":3}"#);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(classify(&make("classInstance")), Thrown::Object { class: Some(c), .. } if c == "Oops"));
        assert_eq!(classify(&make("function")), Thrown::Function { name: Some("namedThrowable".into()) });
    }

    #[wasm_bindgen_test]
    fn hostile_values_are_read_without_throwing() {
        // Every trap throws: the value is still described, nothing escapes.
        let proxy = classify(&make("proxy"));
        assert!(matches!(proxy, Thrown::Unreadable { .. } | Thrown::Object { .. }), "{proxy:?}");
        let e = error("throwingGetters");
        assert_eq!((e.message, e.stack, e.name, e.cause), (None, None, None, None));
        assert!(matches!(classify(&make("throwingToString")), Thrown::Object { .. }));
        let _ = to_value(&make("proxy"), 0);
        let _ = to_value(&make("throwingToString"), 0);
    }

    #[wasm_bindgen_test]
    fn cyclic_causes_are_cut() {
        let e = error("cycle");
        let Some(Thrown::Error(b)) = e.cause.as_deref() else { panic!("{:?}", e.cause) };
        assert_eq!(b.message.as_deref(), Some("b"));
        assert_eq!(b.cause.as_deref(), Some(&Thrown::Circular));
    }

    #[wasm_bindgen_test]
    fn a_5_mb_message_is_bounded_before_it_crosses() {
        let e = error("huge");
        let m = e.message.unwrap_or_default();
        assert!(m.len() <= crate::limits::MAX_VALUE_CHARS * 4, "{} bytes", m.len());
        assert!(m.starts_with("xxxx"));
    }

    #[wasm_bindgen_test]
    fn webassembly_exceptions_are_errors() {
        let v = make("wasmException");
        if v.is_null() {
            return; // this engine has no WebAssembly.Exception constructor
        }
        assert!(matches!(classify(&v), Thrown::Error(_)));
    }
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
#[cfg(not(feature = "npm"))]
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
