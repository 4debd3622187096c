//! Every kind of event the core builds is accepted by Sentry's own normalizer: each envelope
//! is written to a temp dir and run through `tests/oracles/relay_validate.py` (the
//! `sentry-relay` package; `scripts/setup.sh` installs it into `.venv`). A missing Python or
//! package fails the test: it is never skipped.

use errorbeacon::capture::CaptureContext;
use errorbeacon::protocol::{
    Addr, Breadcrumb, ClientReport, DebugImage, DebugMeta, DiscardedEvent, Map, Request, User, Value,
};
use errorbeacon::{
    event_from_thrown, message_event, Dsn, Envelope, ErrorLike, Event, EventId, Level, Primitive, Thrown, Timestamp,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

const CHROMIUM_STACK: &str = "Error: negative amount: -36\n    at assertPositive (http://127.0.0.1:8765/app-a/src/cart.js:26:40)\n    at roundCurrency (http://127.0.0.1:8765/app-a/src/cart.js:20:47)\n    at Object.scenarioNamedChain [as run] (http://127.0.0.1:8765/app-a/src/storefront.js:15:36)\n    at http://127.0.0.1:8765/app-a/:10:21";
const FIREFOX_STACK: &str = "assertPositive@http://127.0.0.1:8766/app-a/src/cart.js:26:40\nrunStorefront@http://127.0.0.1:8766/app-a/src/storefront.js:168:51\n@http://127.0.0.1:8766/app-a/:10:21\n";
const WASM_STACK: &str = "RuntimeError: unreachable\n    at stackfix_wasm.wasm.std[a543996e6e7dbf1e]::panicking::panic_with_hook (http://127.0.0.1:8765/pkg/app_bg.wasm:wasm-function[24]:0x374e)\n    at stackfix_wasm.wasm.stackfix_wasm::alpha_panic_level3::ha1b51f36a762e82b (http://127.0.0.1:8765/pkg/app_bg.wasm:wasm-function[39]:0x3ef4)\n    at alpha_panic (http://127.0.0.1:8765/pkg/app.js:18:22)";

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("ERRORBEACON_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with sentry-relay: run scripts/setup.sh (creates .venv) or set ERRORBEACON_PYTHON"
    );
    venv
}

fn now() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    Timestamp(ms)
}

fn id(n: u8) -> EventId {
    EventId::from_random_bytes([n; 16])
}

fn error(name: &str, message: &str, stack: &str) -> ErrorLike {
    ErrorLike {
        name: Some(name.into()),
        message: Some(message.into()),
        stack: Some(stack.into()),
        ..Default::default()
    }
}

fn ctx() -> CaptureContext {
    CaptureContext { synthetic_stack: Some(CHROMIUM_STACK.into()), ..Default::default() }
}

/// One event of every kind the core can build, named.
fn events() -> Vec<(&'static str, Event)> {
    let t = now();
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
        Primitive::BigInt("10".into()),
        Primitive::Boolean(true),
        Primitive::Symbol(Some("s".into())),
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
    data.insert("nested".into(), Value::Array(vec![Value::Null, Value::Bool(false), Value::from("x")]));
    let object = Thrown::Object {
        class: None,
        keys: vec!["code".into(), "ratio".into(), "nested".into()],
        value: Value::Object(data),
    };
    out.push(("object", thrown(50, object.clone(), &ctx())));
    out.push(("rejection-object", thrown(51, object, &rejection)));
    out.push(("function", thrown(52, Thrown::Function { name: Some("handler".into()) }, &ctx())));
    out.push(("unreadable", thrown(53, Thrown::Unreadable { reason: "proxy trap threw".into() }, &ctx())));
    let cause = Thrown::Error(error("Error", "db down", "Error: db down\n    at query (http://h/db.js:3:9)"));
    let middle =
        Thrown::Error(ErrorLike { cause: Some(Box::new(cause)), ..error("Error", "save failed", CHROMIUM_STACK) });
    out.push((
        "cause-chain",
        thrown(
            60,
            Thrown::Error(ErrorLike {
                cause: Some(Box::new(middle.clone())),
                ..error("Error", "order failed", CHROMIUM_STACK)
            }),
            &ctx(),
        ),
    ));
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
    out.push((
        "script-error",
        thrown(63, script_error, &CaptureContext { mechanism: "onerror".into(), handled: false, ..ctx() }),
    ));

    let mut wasm = thrown(70, Thrown::Error(error("RuntimeError", "unreachable", WASM_STACK)), &ctx());
    if let Some(ex) = wasm.exception.as_mut().and_then(|e| e.values.last_mut()) {
        for f in ex.stacktrace.iter_mut().flat_map(|s| s.frames.iter_mut()).filter(|f| f.is_wasm()) {
            f.addr_mode = Some("rel:0".into());
        }
    }
    wasm.debug_meta = Some(DebugMeta {
        images: vec![DebugImage::wasm(
            "http://127.0.0.1:8765/pkg/app_bg.wasm",
            Some("9f3e2a0c1b4d5e6f7a8b9c0d1e2f3a4b"),
        )],
    });
    out.push(("wasm-frames", wasm));

    let mut full = message_event("checkout finished with warnings", Level::Warning, id(80), t);
    full.release = Some("shop@1.4.2".into());
    full.environment = Some("production".into());
    full.user = Some(User {
        id: Some("42".into()),
        email: Some("a@example.com".into()),
        ip_address: Some("{{auto}}".into()),
        ..Default::default()
    });
    full.tags.insert("page".into(), "checkout".into());
    full.request = Some(Request {
        url: Some("https://shop.example/checkout".into()),
        method: Some("GET".into()),
        ..Default::default()
    });
    full.contexts.set_known("browser", &[("name", Some("Chrome")), ("version", Some("156.0.0"))]);
    full.contexts.set_known("os", &[("name", Some("Linux")), ("version", None)]);
    full.contexts.set_known("culture", &[("locale", Some("en-US")), ("timezone", Some("Europe/Berlin"))]);
    full.breadcrumbs = Some(errorbeacon::protocol::Values {
        values: vec![Breadcrumb {
            timestamp: t,
            category: Some("console".into()),
            message: Some("hi".into()),
            level: Some(Level::Info),
            ..Default::default()
        }],
    });
    full.fingerprint = vec!["{{ default }}".into(), "checkout".into()];
    out.push(("message-full-scope", full));
    out.push(("message-debug", message_event("x", Level::Debug, id(81), t)));
    out.push(("message-fatal", message_event(&"y".repeat(20_000), Level::Fatal, id(82), t)));
    out
}

fn validate(path: &Path, extra: &[&str]) -> (bool, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracles/relay_validate.py");
    let out = Command::new(python())
        .arg(&script)
        .args(extra)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", python().display()));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errorbeacon-relay-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn every_event_kind_passes_relay() {
    let dsn: Dsn = "https://0123456789abcdef0123456789abcdef@o1.ingest.example/42".parse().expect("dsn");
    let dir = temp_dir("events");
    let mut failures = Vec::new();
    let all = events();
    for (i, (name, event)) in all.iter().enumerate() {
        let env = Envelope::from_event(event, Some(&dsn), now()).expect("envelope");
        let path = dir.join(format!("{i:02}-{name}.envelope"));
        std::fs::write(&path, env.to_bytes()).expect("write");
        let (ok, text) = validate(&path, &["--strict"]);
        if !ok {
            failures.push(format!("{name} ({}):\n{text}", path.display()));
        }
    }
    println!("relay accepted {} of {} envelopes", all.len() - failures.len(), all.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn client_report_envelope_passes_relay_framing() {
    let report = ClientReport {
        timestamp: now(),
        discarded_events: vec![
            DiscardedEvent { reason: "queue_overflow".into(), category: "error".into(), quantity: 3 },
            DiscardedEvent { reason: "sample_rate".into(), category: "error".into(), quantity: 1 },
        ],
    };
    let env = Envelope::from_client_report(&report, None).expect("envelope");
    let dir = temp_dir("report");
    let path = dir.join("report.envelope");
    std::fs::write(&path, env.to_bytes()).expect("write");
    let (ok, text) = validate(&path, &["--strict"]);
    assert!(ok, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The oracle is not a rubber stamp: broken envelopes and events are rejected.
#[test]
fn relay_rejects_broken_envelopes() {
    let dir = temp_dir("broken");
    let good = Envelope::from_event(&events()[0].1, None, now()).expect("envelope").to_bytes();
    let mut trailing_blank = good.clone();
    trailing_blank.push(b'\n');
    let bad_level = String::from_utf8_lossy(&good).replace("\"level\":\"error\"", "\"level\":\"warn\"");
    let bad_frames = String::from_utf8_lossy(&good).replace("\"lineno\":26", "\"lineno\":\"ten\"");
    let cases: [(&str, Vec<u8>); 4] = [
        ("trailing-blank-line", trailing_blank),
        ("not-json", b"{\"event_id\":\"fc6d8c0c43fc4630ad850b6c6a5a1eb8\"}\n{\"type\":\"event\"}\nnot json\n".to_vec()),
        ("bad-level", bad_level.into_bytes()),
        ("bad-lineno", bad_frames.into_bytes()),
    ];
    for (name, bytes) in cases {
        let path = dir.join(format!("{name}.envelope"));
        std::fs::write(&path, bytes).expect("write");
        let (ok, text) = validate(&path, &[]);
        assert!(!ok, "{name} was accepted:\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn frames_keep_wasm_addresses_through_relay() {
    let event = events().into_iter().find(|(n, _)| *n == "wasm-frames").map(|(_, e)| e).expect("wasm event");
    let frames = &event.main_exception().and_then(|e| e.stacktrace.as_ref()).expect("frames").frames;
    let wasm: Vec<_> = frames.iter().filter(|f| f.is_wasm()).collect();
    assert_eq!(wasm.len(), 2);
    assert_eq!(wasm[1].instruction_addr, Some(Addr(0x374e)));
    assert_eq!(wasm[1].function.as_deref(), Some("std::panicking::panic_with_hook"));
    assert_eq!(wasm[1].in_app, Some(false));
    assert_eq!(wasm[0].function.as_deref(), Some("stackfix_wasm::alpha_panic_level3"));
    assert_eq!(wasm[0].in_app, Some(true));
}
