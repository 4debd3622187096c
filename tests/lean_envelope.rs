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
    }];
    let linked = [
        Exc {
            ty: b"RangeError",
            value: b"inner",
            stack: V8.as_bytes(),
            synthetic: b"",
            mechanism: br#"{"type":"chained","handled":true,"source":"cause","exception_id":1,"parent_id":0}"#,
        },
        Exc {
            ty: b"Error",
            value: b"outer",
            stack: V8.as_bytes(),
            synthetic: b"",
            mechanism: br#"{"type":"generic","handled":true,"exception_id":0}"#,
        },
    ];
    let group = [
        Exc {
            ty: b"Error",
            value: b"b",
            stack: b"",
            synthetic: b"",
            mechanism: br#"{"type":"chained","source":"errors[1]","exception_id":2,"parent_id":0}"#,
        },
        Exc {
            ty: b"Error",
            value: b"a",
            stack: b"",
            synthetic: b"",
            mechanism: br#"{"type":"chained","source":"errors[0]","exception_id":1,"parent_id":0}"#,
        },
        Exc {
            ty: b"AggregateError",
            value: b"two failed",
            stack: V8.as_bytes(),
            synthetic: b"",
            mechanism: br#"{"type":"generic","handled":true,"is_exception_group":true,"exception_id":0}"#,
        },
    ];
    let object = [Exc {
        ty: b"Object",
        value: b"Object captured as exception with keys: code, reason",
        stack: V8.as_bytes(),
        synthetic: b"",
        mechanism: br#"{"type":"onunhandledrejection","handled":false,"synthetic":true}"#,
    }];
    let big_value = "é".repeat(300_000);
    let huge = [Exc {
        ty: b"Error",
        value: big_value.as_bytes(),
        stack: V8.as_bytes(),
        synthetic: b"",
        mechanism: br#"{"type":"generic","handled":true}"#,
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
    let mut failures = Vec::new();
    for (name, c, limit) in &cases {
        let mut out = Out::new(*limit);
        let w = write_envelope(&mut out, c);
        assert!(!w.too_large, "{name}");
        let bytes = out.into_bytes();
        assert!(bytes.len() <= *limit, "{name}: {} > {limit}", bytes.len());
        let env = Envelope::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let payload = &env.items.first().expect("item").payload;
        let _: Event = serde_json::from_slice(payload).unwrap_or_else(|e| panic!("{name}: {e}"));
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
