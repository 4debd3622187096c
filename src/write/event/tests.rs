use super::*;
use crate::protocol::Event;
use crate::Envelope;

const STACK: &str =
    "TypeError: x is undefined\n    at assertPositive (http://h/src/cart.js:26:40)\n    at http://h/app-a/:10:21";
const SDK: &[u8] =
    br#"{"name":"errorbeacon.javascript","version":"0.1.0","packages":[{"name":"npm:errorbeacon","version":"0.1.0"}]}"#;

fn capture<'a>(exceptions: &'a [Exc<'a>]) -> Capture<'a> {
    Capture {
        event_id: b"abababababababababababababababab",
        timestamp: b"2026-12-07T11:24:06.123Z",
        sent_at: b"2026-12-07T11:24:06.200Z",
        level: b"error",
        release: b"shop@1.4.2",
        environment: b"production",
        server_name: b"",
        exceptions,
        breadcrumbs: br#"[{"timestamp":1796642640.5,"category":"ui.click","message":"button#buy"},{"timestamp":1796642641,"type":"http","data":{"url":"/api","status_code":500}}]"#,
        user: br#"{"id":"42","email":"a@b.c"}"#,
        request: br#"{"url":"http://h/app-a/","headers":{"User-Agent":"UA"}}"#,
        contexts: br#"{"browser":{"name":"Chrome","version":"156"},"os":{"name":"Linux"}}"#,
        tags: br#"{"section":"checkout"}"#,
        extra: br#"{"cart":{"items":3},"note":"x"}"#,
        fingerprint: br#"["{{ default }}","checkout"]"#,
        sdk: SDK,
        dsn: b"https://0123456789abcdef0123456789abcdef@o1.ingest.example/42",
        ..Capture::default()
    }
}

fn exc() -> Exc<'static> {
    Exc {
        ty: b"TypeError",
        value: b"x is undefined",
        stack: STACK.as_bytes(),
        synthetic: b"",
        mechanism: br#"{"type":"onerror","handled":false}"#,
        rust: None,
    }
}

/// The envelope `c` writes under `limit`, read back by the host's envelope reader and event type.
fn read(c: &Capture<'_>, limit: usize) -> (Vec<u8>, Written, Event) {
    let mut out = Out::new(limit);
    let w = write_envelope(&mut out, c);
    let bytes = out.into_bytes();
    assert!(bytes.len() <= limit, "{} > {limit}", bytes.len());
    let env = Envelope::parse(&bytes).unwrap_or_else(|e| panic!("{e:?}: {}", String::from_utf8_lossy(&bytes)));
    let item = env.items.first().expect("one item");
    assert_eq!(item.ty, "event");
    let event: Event = serde_json::from_slice(&item.payload).expect("event json");
    (bytes, w, event)
}

#[test]
fn an_exception_event_reads_back_as_the_host_types() {
    let e = [exc()];
    let (bytes, w, ev) = read(&capture(&e), 1_000_000);
    assert!(!w.trimmed);
    assert_eq!(ev.event_id.0, [0xab; 16]);
    assert_eq!(ev.platform, "javascript");
    assert_eq!(ev.release.as_deref(), Some("shop@1.4.2"));
    let ex = ev.main_exception().expect("exception");
    assert_eq!((ex.ty.as_deref(), ex.value.as_deref()), (Some("TypeError"), Some("x is undefined")));
    assert_eq!(ex.mechanism.as_ref().map(|m| (m.ty.as_str(), m.handled)), Some(("onerror", Some(false))));
    let frames = &ex.stacktrace.as_ref().expect("frames").frames;
    assert_eq!(frames, &crate::parse_stack(STACK));
    assert_eq!(ev.breadcrumbs.as_ref().map(|b| b.values.len()), Some(2));
    assert_eq!(ev.user.as_ref().and_then(|u| u.id.as_deref()), Some("42"));
    assert_eq!(ev.tags.get("section").map(String::as_str), Some("checkout"));
    assert_eq!(ev.fingerprint, ["{{ default }}", "checkout"]);
    assert!(ev.contexts.0.get("browser").is_some());
    // The header line as the host's writer frames it: id, sent_at, dsn, sdk.
    let header = bytes.split(|&b| b == b'\n').next().expect("header");
    let h: serde_json::Value = serde_json::from_slice(header).expect("header json");
    assert_eq!(h["sent_at"], "2026-12-07T11:24:06.200Z");
    assert_eq!(h["event_id"], "ab".repeat(16));
    assert_eq!(bytes.get(EVENT_ID_AT..EVENT_ID_AT + 32), Some("ab".repeat(16).as_bytes()));
}

#[test]
fn a_message_event_has_no_exception() {
    let mut c = capture(&[]);
    c.message = b"checkout \"slow\"";
    c.level = b"warning";
    let (_, _, ev) = read(&c, 1_000_000);
    assert!(ev.exception.is_none());
    assert_eq!(ev.logentry.map(|l| l.formatted).as_deref(), Some("checkout \"slow\""));
}

#[test]
fn breadcrumbs_go_first_oldest_first() {
    let crumbs: String = format!(
        "[{}]",
        (0..100)
            .map(|i| format!(r#"{{"timestamp":{},"message":"{}"}}"#, 1_796_642_600 + i, "m".repeat(1000)))
            .collect::<Vec<_>>()
            .join(",")
    );
    let e = [exc()];
    let mut c = capture(&e);
    c.breadcrumbs = crumbs.as_bytes();
    let (_, w, ev) = read(&c, 64 * 1024);
    assert!(w.trimmed && !w.too_large);
    let kept = ev.breadcrumbs.expect("some kept").values;
    assert!(!kept.is_empty() && kept.len() < 100);
    // The newest are kept.
    assert_eq!(kept.last().map(|b| b.timestamp.0), Some((1_796_642_600 + 99) * 1000));
    assert_eq!(ev.user.and_then(|u| u.id).as_deref(), Some("42"));
}

#[test]
fn the_largest_extra_members_go_before_contexts() {
    let extra = format!(r#"{{"big":"{}","small":1}}"#, "x".repeat(100_000));
    let e = [exc()];
    let mut c = capture(&e);
    c.extra = extra.as_bytes();
    let (_, _, ev) = read(&c, 64 * 1024);
    assert!(ev.extra.get("big").is_none());
    assert!(ev.extra.get("small").is_some());
    assert!(ev.contexts.0.get("browser").is_some());
}

#[test]
fn long_stacks_lose_middle_frames_then_strings_shorten_then_minimal() {
    let stack: String =
        (0..250).map(|i| format!("    at f{i} (http://h/{}.js:{}:1)\n", "p".repeat(300), i + 1)).collect();
    let value = "v".repeat(200_000);
    let e = [Exc {
        ty: b"Error",
        value: value.as_bytes(),
        stack: stack.as_bytes(),
        synthetic: b"",
        mechanism: br#"{"type":"generic","handled":true}"#,
        rust: None,
    }];
    let c = capture(&e);
    let (_, w, ev) = read(&c, 64 * 1024);
    assert!(w.trimmed && !w.too_large);
    let ex = ev.main_exception().expect("exception");
    assert!(ex.value.as_deref().is_some_and(|v| v.chars().count() <= 8192 && v.ends_with('…')));
    let frames = &ex.stacktrace.as_ref().expect("frames").frames;
    assert!(frames.len() <= 50);
    assert_eq!(frames.last().and_then(|f| f.function.as_deref()), Some("f0"), "the crash frame stays");
    // With more than the limit in what only the minimal event leaves out (the user, tags),
    // the minimal event: the crash frame and the cut value.
    let user = format!(r#"{{"id":"{}"}}"#, "u".repeat(5000));
    let mut c = c;
    c.user = user.as_bytes();
    let (_, w, ev) = read(&c, 4 * 1024);
    assert!(w.trimmed && !w.too_large);
    assert!(ev.breadcrumbs.is_none() && ev.user.is_none());
    let ex = ev.main_exception().expect("exception");
    assert_eq!(ex.stacktrace.as_ref().map(|s| s.frames.len()), Some(1));
}

#[test]
fn linked_errors_keep_their_order_and_only_the_main_one_stays_minimal() {
    let e = [
        Exc {
            ty: b"Error",
            value: b"cause",
            stack: b"",
            synthetic: b"",
            mechanism: br#"{"type":"chained","source":"cause","exception_id":1,"parent_id":0}"#,
            rust: None,
        },
        Exc {
            ty: b"TypeError",
            value: b"outer",
            stack: STACK.as_bytes(),
            synthetic: b"",
            mechanism: br#"{"type":"generic","handled":true,"exception_id":0}"#,
            rust: None,
        },
    ];
    let c = capture(&e);
    let (_, _, ev) = read(&c, 1_000_000);
    let values = ev.exception.expect("exceptions").values;
    assert_eq!(values.iter().map(|e| e.value.as_deref().unwrap_or("")).collect::<Vec<_>>(), ["cause", "outer"]);
    assert!(values[0].stacktrace.is_none());
}

#[test]
fn nothing_fits_a_limit_smaller_than_the_headers() {
    let e = [exc()];
    let mut out = Out::new(100);
    let w = write_envelope(&mut out, &capture(&e));
    assert!(w.too_large);
    assert!(out.is_empty());
}

proptest::proptest! {
    /// Any strings in any field, any limit: the envelope reads back and stays within the limit.
    #[test]
    fn any_capture_writes_a_readable_envelope_within_its_limit(
        ty in ".{0,40}", value in ".{0,3000}", stack in "(    at [a-z]{1,8} \\(http://h/[a-z\u{e9}\"\\\\]{1,30}\\.js:[0-9]{1,3}:[0-9]{1,3}\\)\n){0,60}",
        message in ".{0,2000}", limit in 600usize..70_000,
    ) {
        let e = [Exc { ty: ty.as_bytes(), value: value.as_bytes(), stack: stack.as_bytes(), synthetic: b"", mechanism: br#"{"type":"generic"}"#, rust: None }];
        let mut c = capture(&e);
        c.message = message.as_bytes();
        let mut out = Out::new(limit);
        let w = write_envelope(&mut out, &c);
        let bytes = out.into_bytes();
        proptest::prop_assert!(bytes.len() <= limit);
        if !w.too_large {
            let env = Envelope::parse(&bytes);
            proptest::prop_assert!(env.is_ok(), "{:?}", env.err());
            let env = env.expect("checked");
            let payload = &env.items.first().expect("item").payload;
            proptest::prop_assert!(serde_json::from_slice::<Event>(payload).is_ok(), "{}", String::from_utf8_lossy(payload));
        }
    }
}

#[test]
fn a_value_without_a_stack_gets_the_app_frames_of_the_sdk_s_own_stack() {
    // Taken inside the SDK: its frames, through the outermost entry point, go.
    let synthetic = b"Error\n    at syntheticStack (http://h/node_modules/errorbeacon/core.js:1:1)\n    at Object.__errorbeacon_captureException (http://h/node_modules/errorbeacon/index.js:2:2)\n    at checkout (http://h/app.js:3:3)\n    at main (http://h/app.js:4:4)";
    let e = [Exc {
        ty: b"Object",
        value: b"",
        stack: b"",
        synthetic,
        mechanism: br#"{"type":"generic","handled":true,"synthetic":true}"#,
        rust: None,
    }];
    let (_, _, ev) = read(&capture(&e), 1_000_000);
    let ex = ev.main_exception().expect("exception");
    assert_eq!(ex.value.as_deref(), Some(""), "an empty value is sent");
    let names: Vec<_> =
        ex.stacktrace.as_ref().expect("frames").frames.iter().map(|f| f.function.clone().unwrap_or_default()).collect();
    assert_eq!(names, ["main", "checkout"]);
    // Only the SDK's frames: none.
    let only_sdk = b"Error\n    at syntheticStack (http://h/node_modules/errorbeacon/core.js:1:1)\n    at onError (http://h/node_modules/errorbeacon/index.js:2:2)";
    let e = [Exc { synthetic: only_sdk, ..e[0] }];
    let (_, _, ev) = read(&capture(&e), 1_000_000);
    assert!(ev.main_exception().expect("exception").stacktrace.is_none());
    // A stack of its own wins.
    let e = [Exc { stack: STACK.as_bytes(), ..e[0] }];
    let (_, _, ev) = read(&capture(&e), 1_000_000);
    assert_eq!(ev.main_exception().and_then(|x| x.stacktrace.as_ref()).map(|s| s.frames.len()), Some(2));
}

/// Debug images: the lean writer's frames and `debug_meta` equal `attach_images` on the
/// event tree, for every way a module is matched (URL, JavaScriptCore's module name and `<?>`,
/// code ranges of modules from bytes, V8's names for them) and every way none is.
#[test]
fn debug_images_match_attach_images() {
    use crate::capture::{attach_images, event_from_thrown, CaptureContext, CodeRange, ErrorLike, Thrown, WasmModule};
    use crate::protocol::{EventId, Timestamp};
    use crate::write::images::Module;
    type Spec = (&'static str, &'static str, &'static str, (u32, u32), (u64, u64), bool);
    let cases: Vec<(&str, Vec<Spec>)> = vec![
        (
            "Error: x\n    at m.wasm.a (http://h/a_bg.wasm:wasm-function[1]:0x10)\n    at m.wasm.b (http://h/b.wasm:wasm-function[2]:0x20)\n    at m.wasm.c (http://h/a_bg.wasm:wasm-function[3]:0x30)\n    at run (http://h/main.js:1:1)",
            vec![("http://h/unused.wasm", "ffff", "", (0, 0), (0, 0), false), ("http://h/a_bg.wasm", "268FA3EEf0d157dc9def1a1d4e46917d", "", (0, 0), (0, 0), false)],
        ),
        (
            "app::step::h0123456789abcdef@app.wasm:wasm-function[12]\nrun@http://h/main.js:1:1",
            vec![("http://h/other.wasm", "ffff", "", (0, 0), (0, 0), false), ("http://h/pkg/app_bg.wasm", "268fa3ee", "app.wasm", (0, 0), (0, 0), false)],
        ),
        (
            "app::step::h0123456789abcdef@app.wasm:wasm-function[12]\nrun@http://h/main.js:1:1",
            vec![("http://h/a.wasm", "aa", "app.wasm", (0, 0), (0, 0), false), ("http://h/b.wasm", "bb", "app.wasm", (0, 0), (0, 0), false)],
        ),
        (
            "261@<?>:wasm-function[261]\n189@<?>:wasm-function[189]\nrun@http://h/main.js:1:1",
            vec![
                ("http://h/node_modules/errorbeacon/wasm/errorbeacon_bg.wasm", "eeee", "", (0, 0), (0, 0), true),
                ("", "bbbb", "lib.wasm", (3, 50), (0x200, 0x900), false),
                ("http://h/pkg/app_bg.wasm", "268fa3ee", "app.wasm", (0, 0), (0, 0), false),
            ],
        ),
        (
            "261@<?>:wasm-function[261]\nrun@http://h/main.js:1:1",
            vec![
                ("http://h/pkg/app_bg.wasm", "268fa3ee", "app.wasm", (0, 0), (0, 0), false),
                ("", "bbbb", "lib.wasm", (3, 50), (0x200, 0x900), false),
                ("http://h/other.wasm", "ffff", "", (0, 0), (0, 0), false),
            ],
        ),
        (
            "a@http://h/pkg.js line 238 > WebAssembly.instantiate:wasm-function[262]:0x2c1c5\nb@http://h/pkg.js line 238 > WebAssembly.instantiate:wasm-function[7]:0x300\nc@http://h/main.js:1:1\n",
            vec![("", "aaaa", "", (12, 300), (0x1000, 0x30000), false), ("", "bbbb", "", (3, 50), (0x200, 0x900), false)],
        ),
        (
            "a@http://h/pkg.js line 9 > WebAssembly.Module:wasm-function[20]:0x400\n",
            vec![("", "aaaa", "", (12, 300), (0x100, 0x30000), false), ("", "bbbb", "", (3, 50), (0x200, 0x900), false)],
        ),
        (
            "Error: x\n    at m.wasm.a (wasm://wasm/m.wasm-000d167a:wasm-function[20]:0x400)\n    at m.wasm.b (http://h/other.wasm:wasm-function[20]:0x400)",
            vec![("", "bbbb", "", (3, 50), (0x200, 0x900), false), ("wasm://wasm/m.wasm-000d167a", "aaaa", "", (0, 1), (0, 1), false)],
        ),
        (
            "a@http://h/pkg.js line 1 > WebAssembly.instantiate:wasm-function[11]:0x2000\nb@http://h/pkg.js line 1 > WebAssembly.instantiate:wasm-function[20]:0xfff\nc@http://h/pkg.js line 1 > WebAssembly.instantiate:wasm-function[20]:0x30000\nd@http://h/pkg.js line 1 > WebAssembly.instantiate:wasm-function[299]:0x2fffe\n",
            vec![("", "aaaa", "", (12, 300), (0x1000, 0x30000), false)],
        ),
    ];
    for (stack, specs) in cases {
        let old_modules: Vec<WasmModule> = specs
            .iter()
            .map(|&(url, id, name, f, c, own)| WasmModule {
                url: url.into(),
                build_id: id.into(),
                code: (f.0 < f.1 && c.0 < c.1).then_some(CodeRange { functions: f.0..f.1, bytes: c.0..c.1 }),
                name: name.into(),
                own,
            })
            .collect();
        let lean_modules: Vec<Module> = specs
            .iter()
            .map(|&(url, id, name, functions, code, own)| Module {
                url: url.as_bytes(),
                build_id: id.as_bytes(),
                name: name.as_bytes(),
                functions,
                code,
                own,
            })
            .collect();
        let t = Thrown::Error(ErrorLike { message: Some("x".into()), stack: Some(stack.into()), ..Default::default() });
        let mut old = event_from_thrown(&t, &CaptureContext::default(), EventId([1; 16]), Timestamp(0));
        attach_images(&mut old, &old_modules);
        let e = [Exc { ty: b"Error", value: b"x", stack: stack.as_bytes(), ..Exc::default() }];
        let mut c = capture(&e);
        c.modules = &lean_modules;
        let (_, _, ev) = read(&c, 1_000_000);
        let frames = |ev: &Event| ev.main_exception().and_then(|x| x.stacktrace.clone()).map(|s| s.frames);
        assert_eq!(frames(&ev), frames(&old), "{stack}");
        assert_eq!(ev.debug_meta, old.debug_meta, "{stack}");
    }
}
