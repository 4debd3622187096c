//! The lean writer's envelopes (issue 25: `errorbeacon::write`) for every kind of event it
//! writes pass Sentry's own normalizer (tests/oracles/relay_validate.py --strict) and read
//! back as the host's protocol types. A missing Python or `sentry-relay` fails the test.

mod oracle;

use errorbeacon::write::images::Module;
use errorbeacon::write::{write_envelope, Capture, Exc, Out};
use errorbeacon::{Envelope, Event};
use oracle::{now, temp_dir, validate};

const SDK: &[u8] =
    br#"{"name":"errorbeacon.javascript","version":"0.1.0","packages":[{"name":"npm:errorbeacon","version":"0.1.0"}]}"#;
const V8: &str = "TypeError: x is undefined\n    at assertPositive (http://h/src/cart.js:26:40)\n    at m.wasm.app::level3::ha1b51f36a762e82b (wasm://wasm/m.wasm-0001b9f2:wasm-function[39]:0x3ef4)\n    at http://h/app-a/:10:21";

/// Now as RFC 3339 text (Relay checks event timestamps against the wall clock).
fn now_text() -> &'static [u8] {
    let mut out = Out::new(64);
    out.rfc3339(now().0);
    let quoted = out.into_bytes();
    quoted.get(1..quoted.len() - 1).expect("quoted").to_vec().leak()
}

/// The module the V8 stack's wasm frame ran in, by V8's name for a module from bytes.
const MODULES: &[Module<'static>] = &[Module {
    url: b"wasm://wasm/m.wasm-0001b9f2",
    build_id: b"268fa3eef0d157dc9def1a1d4e46917d",
    name: b"",
    functions: (0, 0),
    code: (0, 0),
    own: false,
}];

fn base<'a>(exceptions: &'a [Exc<'a>]) -> Capture<'a> {
    let t = now_text();
    Capture {
        event_id: b"0123456789abcdef0123456789abcdef",
        timestamp: t,
        sent_at: t,
        level: b"error",
        release: b"shop@1.4.2",
        environment: b"production",
        server_name: b"",
        exceptions,
        breadcrumbs: br#"[{"timestamp":1796642640.5,"category":"ui.click","message":"button#buy"},{"timestamp":1796642641,"type":"http","category":"fetch","data":{"url":"/api","status_code":500}}]"#,
        user: br#"{"id":"42","email":"a@b.c","ip_address":"{{auto}}"}"#,
        request: br#"{"url":"http://h/app-a/","headers":{"User-Agent":"Mozilla/5.0"}}"#,
        contexts: br#"{"browser":{"name":"Chrome","version":"156.0"},"os":{"name":"Linux"}}"#,
        tags: br#"{"section":"checkout"}"#,
        extra: br#"{"cart":{"items":3}}"#,
        sdk: SDK,
        modules: MODULES,
        dsn: b"https://0123456789abcdef0123456789abcdef@o1.ingest.example/42",
        ..Capture::default()
    }
}

#[test]
fn every_kind_of_lean_envelope_passes_relay() {
    let dir = temp_dir("lean-envelopes");
    let thrown = [Exc {
        ty: b"TypeError",
        value: b"x is undefined",
        stack: V8.as_bytes(),
        synthetic: b"",
        mechanism: br#"{"type":"onerror","handled":false}"#,
        rust: None,
    }];
    let linked = [
        Exc {
            ty: b"RangeError",
            value: b"inner",
            stack: V8.as_bytes(),
            synthetic: b"",
            mechanism: br#"{"type":"chained","handled":true,"source":"cause","exception_id":1,"parent_id":0}"#,
            rust: None,
        },
        Exc {
            ty: b"Error",
            value: b"outer",
            stack: V8.as_bytes(),
            synthetic: b"",
            mechanism: br#"{"type":"generic","handled":true,"exception_id":0}"#,
            rust: None,
        },
    ];
    let group = [
        Exc {
            ty: b"Error",
            value: b"b",
            stack: b"",
            synthetic: b"",
            mechanism: br#"{"type":"chained","source":"errors[1]","exception_id":2,"parent_id":0}"#,
            rust: None,
        },
        Exc {
            ty: b"Error",
            value: b"a",
            stack: b"",
            synthetic: b"",
            mechanism: br#"{"type":"chained","source":"errors[0]","exception_id":1,"parent_id":0}"#,
            rust: None,
        },
        Exc {
            ty: b"AggregateError",
            value: b"two failed",
            stack: V8.as_bytes(),
            synthetic: b"",
            mechanism: br#"{"type":"generic","handled":true,"is_exception_group":true,"exception_id":0}"#,
            rust: None,
        },
    ];
    let object = [Exc {
        ty: b"Object",
        value: b"Object captured as exception with keys: code, reason",
        stack: V8.as_bytes(),
        synthetic: b"",
        mechanism: br#"{"type":"onunhandledrejection","handled":false,"synthetic":true}"#,
        rust: None,
    }];
    let big_value = "é".repeat(300_000);
    let huge = [Exc {
        ty: b"Error",
        value: big_value.as_bytes(),
        stack: V8.as_bytes(),
        synthetic: b"",
        mechanism: br#"{"type":"generic","handled":true}"#,
        rust: None,
    }];
    let big_user = format!(r#"{{"id":"{}"}}"#, "u".repeat(80_000));
    let mut cases: Vec<(&str, Capture<'_>, usize)> = vec![
        ("exception", base(&thrown), 1_000_000),
        ("linked", base(&linked), 1_000_000),
        ("aggregate", base(&group), 1_000_000),
        ("object", base(&object), 1_000_000),
        ("trimmed-64k", base(&huge), 65_536),
        ("trimmed-1m", base(&huge), 1_000_000),
    ];
    let mut message = base(&[]);
    message.message = b"checkout slow";
    message.level = b"warning";
    cases.push(("message", message, 1_000_000));
    let mut minimal = base(&huge);
    minimal.user = big_user.as_bytes();
    cases.push(("minimal", minimal, 65_536));
    // The Rust API's (src/web/rust_api.rs, src/web/panic.rs): a panic with its crash frame and
    // `panic` context, and a `source()` chain, with a scope the Rust way (write::scope).
    let hook_stack = "Error\n    at eb_stack (http://h/snippets/errorbeacon-3da4d1b84533c3cf/inline0.js:12:12)\n    at app.wasm.errorbeacon::web::panic::report::h0123456789abcdef (http://h/app_bg.wasm:wasm-function[40]:0x1000)\n    at app.wasm.std::panicking::rust_panic_with_hook::h0123456789abcdef (http://h/app_bg.wasm:wasm-function[30]:0x900)\n    at app.wasm.app::compute_total::h0123456789abcdef (http://h/app_bg.wasm:wasm-function[20]:0x800)\n    at onClick (http://h/main.js:3:5)";
    let (crash, panic_context) = errorbeacon::write::rust::panic_location("src/lib.rs", 17, 5);
    let mut scope = errorbeacon::scope::Scope::new(10);
    scope.set_tag("app", "panic-app");
    scope.set_user(Some(errorbeacon::User { id: Some("7".into()), ..Default::default() }));
    scope.add_breadcrumb(errorbeacon::Breadcrumb {
        timestamp: now(),
        message: Some("clicked pay".into()),
        ..Default::default()
    });
    let mut os = errorbeacon::protocol::Map::new();
    os.insert("name".into(), "Linux".into());
    scope.set_context("os", Some(os));
    let rust_scope = errorbeacon::write::scope::scope_json(&scope, &panic_context, &["panic"]);
    let rust_sdk = errorbeacon::write::rust::sdk(false);
    let panic = [Exc {
        ty: b"panic",
        value: b"cart holds 4 items, more than the 3 allowed",
        stack: hook_stack.as_bytes(),
        mechanism: br#"{"type":"panic","handled":false}"#,
        rust: Some(&crash),
        ..Exc::default()
    }];
    let (m0, m1) = (
        errorbeacon::write::rust::chain_mechanism(0, true, "cloudflare", false),
        errorbeacon::write::rust::chain_mechanism(1, true, "generic", true),
    );
    let chain = [
        Exc { ty: b"ParseFailure", value: b"could not parse \"x\"", mechanism: &m1, rust: Some(b""), ..Exc::default() },
        Exc {
            ty: b"ValidationError",
            value: b"field quantity is invalid",
            stack: hook_stack.as_bytes(),
            mechanism: &m0,
            rust: Some(b""),
            ..Exc::default()
        },
    ];
    for (name, exceptions, level) in
        [("rust-panic", &panic[..], &b"fatal"[..]), ("rust-error", &chain[..], &b"error"[..])]
    {
        let mut c = base(exceptions);
        c.level = level;
        c.breadcrumbs = &rust_scope.breadcrumbs;
        c.user = &rust_scope.user;
        c.request = b"";
        c.contexts = &rust_scope.contexts;
        c.tags = &rust_scope.tags;
        c.extra = b"";
        c.sdk = &rust_sdk;
        c.modules = &[];
        cases.push((name, c, 65_536));
    }
    let mut failures = Vec::new();
    for (name, c, limit) in &cases {
        let mut out = Out::new(*limit);
        let w = write_envelope(&mut out, c);
        assert!(!w.too_large, "{name}");
        let bytes = out.into_bytes();
        assert!(bytes.len() <= *limit, "{name}: {} > {limit}", bytes.len());
        let env = Envelope::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let payload = &env.items.first().expect("item").payload;
        let event: Event = serde_json::from_slice(payload).unwrap_or_else(|e| panic!("{name}: {e}"));
        if *name == "rust-panic" {
            // The hook's and the panic machinery's frames are gone; the location is the crash frame.
            let frames = &event.main_exception().and_then(|e| e.stacktrace.as_ref()).expect("frames").frames;
            let names: Vec<_> = frames.iter().map(|f| f.function.as_deref().unwrap_or("")).collect();
            assert_eq!(names, ["onClick", "app::compute_total", ""], "{name}");
            let crash = frames.last().expect("crash");
            assert_eq!(
                (crash.abs_path.as_deref(), crash.lineno, crash.colno, crash.in_app),
                (Some("src/lib.rs"), Some(17), Some(5), Some(true))
            );
            assert_eq!(
                event.contexts.0.get("panic").and_then(|p| p.get("line")),
                Some(&errorbeacon::protocol::Value::Int(17))
            );
            assert_eq!(event.tags.get("app").map(String::as_str), Some("panic-app"));
        }
        if *name == "rust-error" {
            let values = &event.exception.as_ref().expect("exception").values;
            assert_eq!(
                values.iter().map(|e| e.ty.as_deref().unwrap_or("")).collect::<Vec<_>>(),
                ["ParseFailure", "ValidationError"]
            );
            assert!(values[0].stacktrace.is_none(), "{name}: a source has no stack of its own");
        }
        let path = dir.join(format!("{name}.envelope"));
        std::fs::write(&path, &bytes).expect("write");
        let (ok, text) = validate(&path, &["--strict"]);
        if !ok {
            failures.push(format!("{name} ({}):\n{text}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}
