//! Test data shared by the integration tests: real stacks, and one event of every kind the
//! capture code builds (used by the Relay oracle test and the JSON writer test alike).
#![allow(dead_code)]

use errorbeacon::capture::CaptureContext;
use errorbeacon::protocol::*;
use errorbeacon::{event_from_thrown, message_event, ErrorLike, Primitive, Thrown};

pub const CHROMIUM_STACK: &str = "Error: negative amount: -36\n    at assertPositive (http://127.0.0.1:8765/app-a/src/cart.js:26:40)\n    at roundCurrency (http://127.0.0.1:8765/app-a/src/cart.js:20:47)\n    at Object.scenarioNamedChain [as run] (http://127.0.0.1:8765/app-a/src/storefront.js:15:36)\n    at http://127.0.0.1:8765/app-a/:10:21";
pub const FIREFOX_STACK: &str = "assertPositive@http://127.0.0.1:8766/app-a/src/cart.js:26:40\nrunStorefront@http://127.0.0.1:8766/app-a/src/storefront.js:168:51\n@http://127.0.0.1:8766/app-a/:10:21\n";
pub const WASM_STACK: &str = "RuntimeError: unreachable\n    at stackfix_wasm.wasm.std[a543996e6e7dbf1e]::panicking::panic_with_hook (http://127.0.0.1:8765/pkg/app_bg.wasm:wasm-function[24]:0x374e)\n    at stackfix_wasm.wasm.stackfix_wasm::alpha_panic_level3::ha1b51f36a762e82b (http://127.0.0.1:8765/pkg/app_bg.wasm:wasm-function[39]:0x3ef4)\n    at alpha_panic (http://127.0.0.1:8765/pkg/app.js:18:22)";

pub fn id(n: u8) -> EventId {
    EventId::from_random_bytes([n; 16])
}

pub fn error(name: &str, message: &str, stack: &str) -> ErrorLike {
    ErrorLike {
        name: Some(name.into()),
        message: Some(message.into()),
        stack: Some(stack.into()),
        ..Default::default()
    }
}

pub fn ctx() -> CaptureContext {
    CaptureContext { synthetic_stack: Some(CHROMIUM_STACK.into()), ..Default::default() }
}

/// Every kind of event the capture code builds, at time `t`.
pub fn capture_events(t: Timestamp) -> Vec<(&'static str, Event)> {
    let thrown = |n: u8, value: Thrown, c: &CaptureContext| event_from_thrown(&value, c, id(n), t);
    let rejection = CaptureContext { mechanism: "onunhandledrejection".into(), handled: false, ..ctx() };
    let mut out = vec![
        ("error-chromium", thrown(1, Thrown::Error(error("Error", "negative amount: -36", CHROMIUM_STACK)), &ctx())),
        ("error-firefox", thrown(2, Thrown::Error(error("Error", "negative amount: -36", FIREFOX_STACK)), &ctx())),
        (
            "error-no-stack",
            thrown(3, Thrown::Error(ErrorLike { name: Some("TypeError".into()), ..Default::default() }), &ctx()),
        ),
    ];
    let primitives = [
        Primitive::String("boom".into()),
        Primitive::Number("42".into()),
        Primitive::Number("NaN".into()),
        Primitive::Number("-0".into()),
        Primitive::BigInt("10".into()),
        Primitive::Boolean(true),
        Primitive::Symbol(Some("s".into())),
        Primitive::Symbol(None),
        Primitive::Undefined,
        Primitive::Null,
    ];
    for (i, p) in primitives.into_iter().enumerate() {
        out.push(("primitive", thrown(10 + i as u8, Thrown::Primitive(p.clone()), &ctx())));
        out.push(("rejection-primitive", thrown(30 + i as u8, Thrown::Primitive(p), &rejection)));
    }
    let mut data = Map::new();
    data.insert("code".into(), Value::Int(7));
    data.insert("ratio".into(), Value::Float("0.5".into()));
    data.insert("big".into(), Value::Float("1e+21".into()));
    data.insert("min".into(), Value::Int(i64::MIN));
    data.insert("nested".into(), Value::Array(vec![Value::Null, Value::Bool(false), Value::from("x")]));
    let object = Thrown::Object {
        class: None,
        keys: vec!["code".into(), "ratio".into(), "big".into(), "min".into(), "nested".into()],
        value: Value::Object(data),
    };
    out.push(("object", thrown(50, object.clone(), &ctx())));
    out.push(("rejection-object", thrown(51, object, &rejection)));
    let classed = Thrown::Object { class: Some("Response".into()), keys: Vec::new(), value: Value::Object(Map::new()) };
    out.push(("object-class", thrown(54, classed, &ctx())));
    out.push(("function", thrown(52, Thrown::Function { name: Some("handler".into()) }, &ctx())));
    out.push(("function-anonymous", thrown(55, Thrown::Function { name: None }, &ctx())));
    out.push(("unreadable", thrown(53, Thrown::Unreadable { reason: "proxy trap threw".into() }, &ctx())));
    let cause = Thrown::Error(error("Error", "db down", "Error: db down\n    at query (http://h/db.js:3:9)"));
    let middle =
        Thrown::Error(ErrorLike { cause: Some(Box::new(cause)), ..error("Error", "save failed", CHROMIUM_STACK) });
    let chain = ErrorLike { cause: Some(Box::new(middle.clone())), ..error("Error", "order failed", CHROMIUM_STACK) };
    out.push(("cause-chain", thrown(60, Thrown::Error(chain), &ctx())));
    let aggregate = ErrorLike {
        errors: vec![middle, Thrown::Primitive(Primitive::String("plain".into())), Thrown::Circular],
        ..error("AggregateError", "all warehouses failed", CHROMIUM_STACK)
    };
    out.push(("aggregate", thrown(61, Thrown::Error(aggregate), &ctx())));
    let dom = ErrorLike {
        class: Some("DOMException".into()),
        dom_code: Some(25),
        ..error("DataCloneError", "could not be cloned", CHROMIUM_STACK)
    };
    out.push(("dom-exception", thrown(62, Thrown::Error(dom), &ctx())));
    let script_error = Thrown::ErrorEvent {
        message: Some("Script error.".into()),
        filename: Some("https://cdn.example/x.js".into()),
        lineno: Some(0),
        colno: Some(0),
    };
    let onerror = CaptureContext { mechanism: "onerror".into(), handled: false, ..ctx() };
    out.push(("script-error", thrown(63, script_error, &onerror)));

    let mut wasm = thrown(70, Thrown::Error(error("RuntimeError", "unreachable", WASM_STACK)), &ctx());
    if let Some(ex) = wasm.exception.as_mut().and_then(|e| e.values.last_mut()) {
        for f in ex.stacktrace.iter_mut().flat_map(|s| s.frames.iter_mut()).filter(|f| f.is_wasm()) {
            f.addr_mode = Some("rel:0".into());
        }
    }
    wasm.debug_meta = Some(DebugMeta {
        images: [
            DebugImage::wasm("http://127.0.0.1:8765/pkg/app_bg.wasm", "9f3e2a0c1b4d5e6f7a8b9c0d1e2f3a4b"),
            DebugImage::wasm("http://127.0.0.1:8765/pkg/other.wasm", "0123abcd"),
        ]
        .into_iter()
        .flatten()
        .collect(),
    });
    out.push(("wasm-frames", wasm));
    out.push(("full-scope", full_scope(message_event("checkout finished", Level::Warning, id(80), t))));
    out.push(("message-debug", message_event("x", Level::Debug, id(81), t)));
    out.push(("message-info", message_event("", Level::Info, id(83), t)));
    out.push(("message-fatal-long", message_event(&"y".repeat(20_000), Level::Fatal, id(82), t)));
    out
}

/// `event` with every optional part of the scope set, in the order `Event` declares them.
pub fn full_scope(mut event: Event) -> Event {
    let t = event.timestamp;
    event.logger = Some("console".into());
    event.release = Some("shop@1.4.2".into());
    event.dist = Some("7".into());
    event.environment = Some("production".into());
    let mut user_data = Map::new();
    user_data.insert("plan".into(), Value::from("pro"));
    user_data.insert("seats".into(), Value::Int(12));
    event.user = Some(User {
        id: Some("42".into()),
        email: Some("a@example.com".into()),
        username: Some("ada".into()),
        ip_address: Some("{{auto}}".into()),
        data: user_data,
    });
    event.tags.insert("page".into(), "checkout".into());
    event.tags.insert("DOMException.code".into(), "25".into());
    let mut headers = SortedMap::new();
    headers.insert("User-Agent".into(), "Mozilla/5.0".into());
    headers.insert("Referer".into(), "https://shop.example/cart".into());
    event.request = Some(Request {
        url: Some("https://shop.example/checkout".into()),
        method: Some("GET".into()),
        query_string: Some("step=2&coupon=%5B%5D".into()),
        fragment: Some("pay".into()),
        headers,
    });
    event.contexts.set_known("browser", &[("name", Some("Chrome")), ("version", Some("156.0.0"))]);
    event.contexts.set_known("os", &[("name", Some("Linux")), ("version", None)]);
    event.contexts.set_known("culture", &[("locale", Some("en-US")), ("timezone", Some("Europe/Berlin"))]);
    let mut app = Map::new();
    app.insert("build".into(), Value::Int(-3));
    app.insert("memory".into(), Value::Float("1.5e-7".into()));
    event.contexts.set("app", app);
    let mut crumb_data = Map::new();
    crumb_data.insert("url".into(), Value::from("/api/cart"));
    crumb_data.insert("status_code".into(), Value::Int(500));
    event.breadcrumbs = Some(Values {
        values: vec![
            Breadcrumb {
                timestamp: t,
                ty: None,
                category: Some("console".into()),
                message: Some("hi".into()),
                level: Some(Level::Info),
                data: Map::new(),
            },
            Breadcrumb {
                timestamp: Timestamp(t.0.saturating_sub(1)),
                ty: Some("http".into()),
                category: Some("fetch".into()),
                message: None,
                level: Some(Level::Error),
                data: crumb_data,
            },
            Breadcrumb::default(),
        ],
    });
    event.fingerprint = vec!["{{ default }}".into(), "checkout".into()];
    let mut nested = Map::new();
    nested.insert("deep".into(), Value::Array(vec![Value::Object(Map::new()), Value::Array(Vec::new())]));
    nested.insert("pi".into(), Value::Float("3.141592653589793".into()));
    nested.insert("nan".into(), Value::Float("NaN".into()));
    nested.insert("inf".into(), Value::Float("-Infinity".into()));
    event.extra.insert("nested".into(), Value::Object(nested));
    event.extra.insert("count".into(), Value::Int(i64::MAX));
    event.extra.insert("none".into(), Value::Null);
    event.extra.insert("yes".into(), Value::Bool(true));
    event.sdk = Some(ClientSdkInfo {
        name: "errorbeacon.javascript".into(),
        version: "0.1.0".into(),
        integrations: vec!["globalHandlers".into(), "linkedErrors".into()],
        packages: vec![
            ClientSdkPackage { name: "npm:errorbeacon".into(), version: "0.1.0".into() },
            ClientSdkPackage { name: "cargo:errorbeacon".into(), version: "0.1.0".into() },
        ],
        settings: Some(SdkSettings::for_pii(false)),
    });
    event.debug_meta = Some(DebugMeta { images: Vec::new() });
    event
}
