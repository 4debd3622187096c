//! The hand-written JSON writer (`src/json.rs`) against serde_json, through the public API.
//!
//! `Envelope::from_event` and `Envelope::from_client_report` write their payloads with the
//! hand-written writer and `Envelope::to_bytes` writes the header lines with it. Each test
//! builds the same envelope the way the serde_json version did (`serde_json::to_vec` of the
//! event, of `EnvelopeHeaders` and of an item header struct) and asserts equal bytes: for every
//! kind of event the capture code builds, every real fixture stack, every field of every
//! protocol type, hostile strings, and random events.
//!
//! The protocol structs are built here with exhaustive struct literals (no `..Default`), so a
//! new field fails to compile until this file sets it and so compares its bytes.

mod common;
use common::*;
use errorbeacon::capture::CaptureContext;
use errorbeacon::envelope::EnvelopeHeaders;
use errorbeacon::protocol::SortedMap;
use errorbeacon::protocol::{
    Addr, Breadcrumb, ClientReport, ClientSdkInfo, ClientSdkPackage, Contexts, DebugImage, DebugMeta, DiscardedEvent,
    LogEntry, Map, Mechanism, Request, SdkSettings, User, Value, Values,
};
use errorbeacon::{
    event_from_thrown, message_event, Dsn, Envelope, ErrorLike, Event, EventId, Exception, Frame, Item, Level,
    Primitive, Stacktrace, Thrown, Timestamp,
};
use proptest::prelude::*;
use serde::Serialize;
use std::path::Path;

/// `2026-11-23T21:27:49.123Z`
const T: Timestamp = Timestamp(1_795_469_269_123);
const SENT_AT: Timestamp = Timestamp(1_795_469_270_000);

/// Strings that exercise every escaping rule: each control character alone and all together,
/// quotes and backslashes (also as escape look-alikes), DEL, U+2028/U+2029 (valid raw in JSON,
/// not in JavaScript source), emoji, NUL, a BOM, and one long string.
fn hostile_strings() -> Vec<String> {
    let mut out: Vec<String> = (0u8..0x20).map(|b| char::from(b).to_string()).collect();
    out.push((0u8..0x20).map(char::from).collect());
    out.extend(
        [
            "",
            "\"",
            "\\",
            "\\\"",
            "\"\\\"\\\\\"",
            "\\u0000 \\n is text, not an escape",
            "\u{0}",
            "a\u{0}b",
            "\u{7f}",
            "line 1\nline 2\r\nline 3\ttab\u{8}\u{c}",
            "\u{2028}\u{2029}",
            "😀👍🏽 family: 👨‍👩‍👧",
            "\u{feff}bom",
            "ünïcödé ∑ 日本語 עברית",
            "</script><script>alert(1)</script>",
            "{\"json\":\"inside\"}",
        ]
        .map(String::from),
    );
    out.push("x\u{1}\"".repeat(5000));
    out
}

fn dsn() -> Dsn {
    "https://0123456789abcdef0123456789abcdef@o1.ingest.example/42".parse().expect("dsn")
}

/// The item header the serde_json version of the writer serialized.
#[derive(Serialize)]
struct ItemHeader<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<&'a str>,
}

/// An envelope as the serde_json version wrote it: header line, then one item per payload.
fn serde_envelope(headers: &EnvelopeHeaders, items: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = serde_json::to_vec(headers).expect("headers");
    out.push(b'\n');
    for (ty, payload) in items {
        let header = ItemHeader { ty, length: payload.len(), content_type: None, filename: None };
        out.extend(serde_json::to_vec(&header).expect("item header"));
        out.push(b'\n');
        out.extend(payload);
        out.push(b'\n');
    }
    out
}

/// Asserts that the event envelope's payload and whole bytes equal the serde_json version's.
fn assert_event_matches(name: &str, event: &Event, dsn: Option<&Dsn>) {
    let env = Envelope::from_event(event, dsn, SENT_AT).expect("envelope");
    let reference = serde_json::to_vec(event).expect("serde_json");
    let [item] = env.items.as_slice() else { panic!("{name}: {} items", env.items.len()) };
    if item.payload != reference {
        panic!(
            "{name}: payload differs\n  ours: {}\nserde: {}",
            String::from_utf8_lossy(&item.payload),
            String::from_utf8_lossy(&reference)
        );
    }
    assert_eq!(item, &Item::json("event", event).expect("item"), "{name}");
    let headers = EnvelopeHeaders {
        event_id: Some(event.event_id),
        sent_at: Some(SENT_AT),
        dsn: dsn.map(ToString::to_string),
        sdk: Some(event.sdk.clone().unwrap_or_else(ClientSdkInfo::errorbeacon)),
    };
    let expected = serde_envelope(&headers, &[("event", reference)]);
    let bytes = env.to_bytes();
    assert_eq!(String::from_utf8_lossy(&bytes), String::from_utf8_lossy(&expected), "{name}");
    assert_eq!(bytes, expected, "{name}");
    let mut written = Vec::new();
    env.write_to(&mut written).expect("write_to");
    assert_eq!(written, bytes, "{name}: write_to");
}

fn assert_report_matches(report: &ClientReport, dsn: Option<&Dsn>) {
    let env = Envelope::from_client_report(report, dsn).expect("envelope");
    let reference = serde_json::to_vec(report).expect("serde_json");
    let headers = EnvelopeHeaders {
        event_id: None,
        sent_at: Some(report.timestamp),
        dsn: dsn.map(ToString::to_string),
        sdk: Some(ClientSdkInfo::errorbeacon()),
    };
    assert_eq!(env.items.first().map(|i| &i.payload), Some(&reference));
    assert_eq!(env.to_bytes(), serde_envelope(&headers, &[("client_report", reference)]));
}

/// An event with every field of every protocol type set to `s`, through exhaustive literals.
fn every_field(s: &str, n: u8) -> Event {
    let some = || Some(s.to_owned());
    let mut map = Map::new();
    map.insert(s.into(), Value::from(s));
    map.insert(format!("{s}float"), Value::Float(s.into()));
    map.insert(format!("{s}array"), Value::Array(vec![Value::from(s), Value::Object(map.clone())]));
    let frame = Frame {
        function: some(),
        raw_function: some(),
        filename: some(),
        abs_path: some(),
        lineno: Some(u32::MAX),
        colno: Some(0),
        in_app: Some(false),
        platform: some(),
        instruction_addr: Some(Addr(u64::MAX)),
        addr_mode: some(),
        function_id: Some(Addr(0)),
    };
    let exception = Exception {
        ty: some(),
        value: some(),
        mechanism: Some(Mechanism {
            ty: s.into(),
            handled: Some(true),
            synthetic: Some(false),
            source: some(),
            exception_id: Some(0),
            parent_id: Some(u32::MAX),
            is_exception_group: Some(true),
            data: map.clone(),
        }),
        stacktrace: Some(Stacktrace { frames: vec![frame.clone(), Frame::default(), frame] }),
    };
    let mut contexts = SortedMap::new();
    contexts.insert(s.to_owned(), map.clone());
    contexts.insert(String::new(), Map::new());
    let mut tags = SortedMap::new();
    tags.insert(s.to_owned(), s.to_owned());
    Event {
        event_id: id(n),
        timestamp: Timestamp(u64::from(n) * 86_400_000 * 366),
        platform: s.into(),
        level: Some(Level::Fatal),
        logger: some(),
        release: some(),
        dist: some(),
        environment: some(),
        logentry: Some(LogEntry { formatted: s.into() }),
        exception: Some(Values { values: vec![exception, Exception::default()] }),
        breadcrumbs: Some(Values {
            values: vec![Breadcrumb {
                timestamp: Timestamp::MAX,
                ty: some(),
                category: some(),
                message: some(),
                level: Some(Level::Debug),
                data: map.clone(),
            }],
        }),
        user: Some(User { id: some(), email: some(), username: some(), ip_address: some(), data: map.clone() }),
        request: Some(Request {
            url: some(),
            method: some(),
            query_string: some(),
            fragment: some(),
            headers: tags.clone(),
        }),
        contexts: Contexts(contexts),
        tags,
        extra: map,
        fingerprint: vec![s.into(), String::new()],
        sdk: Some(ClientSdkInfo {
            name: s.into(),
            version: s.into(),
            integrations: vec![s.into()],
            packages: vec![ClientSdkPackage { name: s.into(), version: s.into() }],
            settings: Some(SdkSettings { infer_ip: s.into() }),
        }),
        debug_meta: Some(DebugMeta {
            images: vec![DebugImage {
                ty: s.into(),
                code_file: s.into(),
                code_id: some(),
                debug_id: some(),
                debug_file: some(),
            }],
        }),
    }
}

#[test]
fn every_capture_event_kind_matches_serde_json() {
    let events = capture_events(T);
    assert!(events.len() >= 35, "{}", events.len());
    for (name, event) in &events {
        assert_event_matches(name, event, Some(&dsn()));
        assert_event_matches(name, event, None);
    }
}

#[test]
fn every_real_fixture_stack_matches_serde_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stacks");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flat_map(|engine| std::fs::read_dir(engine.expect("entry").path()).expect("engine dir"))
        .map(|f| f.expect("entry").path())
        .collect();
    files.sort();
    let mut count = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let fixture: serde_json::Value = serde_json::from_str(&text).expect("fixture json");
        let cases = fixture.get("cases").and_then(|c| c.as_array()).expect("cases");
        for case in cases {
            let get = |k: &str| case.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            let thrown = Thrown::Error(ErrorLike {
                name: get("name"),
                message: get("message"),
                stack: get("stack"),
                ..Default::default()
            });
            let event = event_from_thrown(&thrown, &ctx(), id(count as u8), T);
            let name = format!("{} {}", path.display(), get("id").unwrap_or_default());
            assert_event_matches(&name, &event, Some(&dsn()));
            count += 1;
        }
    }
    assert!(count > 100, "only {count} fixture cases");
}

#[test]
fn every_field_with_hostile_strings_matches_serde_json() {
    for (i, s) in hostile_strings().iter().enumerate() {
        let event = every_field(s, i as u8);
        assert_event_matches(&format!("every field = {s:?}"), &event, Some(&dsn()));
        let thrown = Thrown::Error(ErrorLike {
            class: Some(s.clone()),
            name: Some(s.clone()),
            message: Some(s.clone()),
            stack: Some(format!("{s}\n    at {s} (http://h/{s}.js:1:2)\n{s}@http://h/{s}.js:3:4")),
            dom_code: None,
            cause: Some(Box::new(Thrown::Primitive(Primitive::String(s.clone())))),
            errors: vec![Thrown::Unreadable { reason: s.clone() }],
        });
        let captured = event_from_thrown(&thrown, &ctx(), id(i as u8), T);
        assert_event_matches(&format!("thrown {s:?}"), &captured, None);
        assert_event_matches(&format!("message {s:?}"), &message_event(s, Level::Error, id(1), T), None);
    }
}

#[test]
fn events_with_defaults_and_edge_values_match_serde_json() {
    let mut cases = vec![
        ("default", Event::default()),
        ("new", Event::new(id(0), Timestamp(0))),
        ("max time", Event::new(EventId([0xff; 16]), Timestamp::MAX)),
        ("past year 9999", Event::new(EventId([0; 16]), Timestamp(u64::MAX))),
    ];
    let mut empty_parts = Event::new(id(9), T);
    empty_parts.exception = Some(Values { values: Vec::new() });
    empty_parts.breadcrumbs = Some(Values { values: Vec::new() });
    empty_parts.user = Some(User::default());
    empty_parts.request = Some(Request::default());
    empty_parts.logentry = Some(LogEntry::default());
    empty_parts.sdk = Some(ClientSdkInfo::default());
    empty_parts.debug_meta = Some(DebugMeta::default());
    empty_parts.contexts.set("empty", Map::new());
    cases.push(("empty parts", empty_parts));
    for (name, event) in &cases {
        assert_event_matches(name, event, Some(&dsn()));
    }
}

#[test]
fn client_reports_match_serde_json() {
    let mut reports = vec![
        ClientReport::default(),
        ClientReport {
            timestamp: SENT_AT,
            discarded_events: vec![
                DiscardedEvent { reason: "queue_overflow".into(), category: "error".into(), quantity: 3 },
                DiscardedEvent { reason: "sample_rate".into(), category: "error".into(), quantity: u64::MAX },
            ],
        },
    ];
    for s in hostile_strings() {
        reports.push(ClientReport {
            timestamp: T,
            discarded_events: vec![DiscardedEvent { reason: s.clone(), category: s, quantity: 0 }],
        });
    }
    for report in &reports {
        assert_report_matches(report, Some(&dsn()));
        assert_report_matches(report, None);
    }
}

#[test]
fn dsns_in_the_header_match_serde_json() {
    let event = message_event("m", Level::Info, id(5), T);
    for text in
        ["http://pub@localhost:9000/1", "https://k:s3cr3t@sentry.example.com/prefix/a/b/123", "https://k@[::1]/5"]
    {
        let dsn: Dsn = text.parse().expect("dsn");
        assert_event_matches(text, &event, Some(&dsn));
    }
}

// Random events: every field drawn, strings from a mix of arbitrary Unicode and the
// characters that need escaping.

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[\\x00-\\x1f\"\\\\/\u{7f}\u{2028}\u{2029}a-z😀é]{0,16}", Just(String::new()),]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        text().prop_map(Value::Float),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn map() -> impl Strategy<Value = Map> {
    prop::collection::btree_map(text(), value(), 0..3).prop_map(|m| m.into_iter().collect())
}

fn strings() -> impl Strategy<Value = SortedMap<String>> {
    prop::collection::btree_map(text(), text(), 0..3).prop_map(|m| m.into_iter().collect())
}

fn level() -> impl Strategy<Value = Level> {
    prop_oneof![Just(Level::Debug), Just(Level::Info), Just(Level::Warning), Just(Level::Error), Just(Level::Fatal)]
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    prop_oneof![(0..=Timestamp::MAX.0).prop_map(Timestamp), any::<u64>().prop_map(Timestamp)]
}

fn addr() -> impl Strategy<Value = Option<Addr>> {
    prop::option::of(any::<u64>().prop_map(Addr))
}

fn frame() -> impl Strategy<Value = Frame> {
    (
        (opt_text(), opt_text(), opt_text(), opt_text()),
        (any::<Option<u32>>(), any::<Option<u32>>(), any::<Option<bool>>(), opt_text()),
        (addr(), opt_text(), addr()),
    )
        .prop_map(
            |(
                (function, raw_function, filename, abs_path),
                (lineno, colno, in_app, platform),
                (instruction_addr, addr_mode, function_id),
            )| Frame {
                function,
                raw_function,
                filename,
                abs_path,
                lineno,
                colno,
                in_app,
                platform,
                instruction_addr,
                addr_mode,
                function_id,
            },
        )
}

fn mechanism() -> impl Strategy<Value = Mechanism> {
    (
        text(),
        any::<Option<bool>>(),
        any::<Option<bool>>(),
        opt_text(),
        any::<Option<u32>>(),
        any::<Option<u32>>(),
        any::<Option<bool>>(),
        map(),
    )
        .prop_map(|(ty, handled, synthetic, source, exception_id, parent_id, is_exception_group, data)| {
            Mechanism { ty, handled, synthetic, source, exception_id, parent_id, is_exception_group, data }
        })
}

fn exception() -> impl Strategy<Value = Exception> {
    let stacktrace = prop::collection::vec(frame(), 0..4).prop_map(|frames| Stacktrace { frames });
    (opt_text(), opt_text(), prop::option::of(mechanism()), prop::option::of(stacktrace))
        .prop_map(|(ty, value, mechanism, stacktrace)| Exception { ty, value, mechanism, stacktrace })
}

fn breadcrumb() -> impl Strategy<Value = Breadcrumb> {
    (timestamp(), opt_text(), opt_text(), opt_text(), prop::option::of(level()), map()).prop_map(
        |(timestamp, ty, category, message, level, data)| Breadcrumb { timestamp, ty, category, message, level, data },
    )
}

fn user() -> impl Strategy<Value = User> {
    (opt_text(), opt_text(), opt_text(), opt_text(), map()).prop_map(|(id, email, username, ip_address, data)| User {
        id,
        email,
        username,
        ip_address,
        data,
    })
}

fn request() -> impl Strategy<Value = Request> {
    (opt_text(), opt_text(), opt_text(), opt_text(), strings()).prop_map(
        |(url, method, query_string, fragment, headers)| Request { url, method, query_string, fragment, headers },
    )
}

fn sdk() -> impl Strategy<Value = ClientSdkInfo> {
    let package = (text(), text()).prop_map(|(name, version)| ClientSdkPackage { name, version });
    let settings = prop::option::of(text().prop_map(|infer_ip| SdkSettings { infer_ip }));
    (text(), text(), prop::collection::vec(text(), 0..3), prop::collection::vec(package, 0..3), settings).prop_map(
        |(name, version, integrations, packages, settings)| ClientSdkInfo {
            name,
            version,
            integrations,
            packages,
            settings,
        },
    )
}

fn debug_meta() -> impl Strategy<Value = DebugMeta> {
    let image = (text(), text(), opt_text(), opt_text(), opt_text()).prop_map(
        |(ty, code_file, code_id, debug_id, debug_file)| DebugImage { ty, code_file, code_id, debug_id, debug_file },
    );
    prop::collection::vec(image, 0..3).prop_map(|images| DebugMeta { images })
}

fn event() -> impl Strategy<Value = Event> {
    let head = (
        any::<[u8; 16]>().prop_map(EventId),
        timestamp(),
        text(),
        prop::option::of(level()),
        (opt_text(), opt_text(), opt_text(), opt_text()),
        prop::option::of(text().prop_map(|formatted| LogEntry { formatted })),
        prop::option::of(prop::collection::vec(exception(), 0..3).prop_map(|values| Values { values })),
        prop::option::of(prop::collection::vec(breadcrumb(), 0..3).prop_map(|values| Values { values })),
    );
    let tail = (
        prop::option::of(user()),
        prop::option::of(request()),
        prop::collection::btree_map(text(), map(), 0..3).prop_map(|m| Contexts(m.into_iter().collect())),
        strings(),
        map(),
        prop::collection::vec(text(), 0..3),
        prop::option::of(sdk()),
        prop::option::of(debug_meta()),
    );
    (head, tail).prop_map(
        |(
            (
                event_id,
                timestamp,
                platform,
                level,
                (logger, release, dist, environment),
                logentry,
                exception,
                breadcrumbs,
            ),
            (user, request, contexts, tags, extra, fingerprint, sdk, debug_meta),
        )| Event {
            event_id,
            timestamp,
            platform,
            level,
            logger,
            release,
            dist,
            environment,
            logentry,
            exception,
            breadcrumbs,
            user,
            request,
            contexts,
            tags,
            extra,
            fingerprint,
            sdk,
            debug_meta,
        },
    )
}

fn report() -> impl Strategy<Value = ClientReport> {
    let discarded = (text(), text(), any::<u64>()).prop_map(|(reason, category, quantity)| DiscardedEvent {
        reason,
        category,
        quantity,
    });
    (timestamp(), prop::collection::vec(discarded, 0..4))
        .prop_map(|(timestamp, discarded_events)| ClientReport { timestamp, discarded_events })
}

/// A thrown value for the capture pipeline: errors with random stacks built from real-looking
/// lines and random text, causes, aggregates, primitives and objects.
fn thrown() -> impl Strategy<Value = Thrown> {
    let line = prop_oneof![
        text().prop_map(|s| format!("    at {s} (http://h/{s}.js:1:2)")),
        text().prop_map(|s| format!("{s}@http://h/a.js:3:4")),
        (text(), any::<u32>(), any::<u32>())
            .prop_map(|(s, f, a)| format!("    at {s} (http://h/m.wasm:wasm-function[{f}]:{a:#x})")),
        text(),
    ];
    let stack = prop::collection::vec(line, 0..6).prop_map(|lines| lines.join("\n"));
    let leaf =
        prop_oneof![
            (opt_text(), opt_text(), prop::option::of(stack), any::<Option<u32>>()).prop_map(
                |(name, message, stack, dom_code)| Thrown::Error(ErrorLike {
                    name,
                    message,
                    stack,
                    dom_code,
                    ..Default::default()
                })
            ),
            text().prop_map(|s| Thrown::Primitive(Primitive::String(s))),
            text().prop_map(|s| Thrown::Primitive(Primitive::Number(s))),
            (opt_text(), prop::collection::vec(text(), 0..12), value())
                .prop_map(|(class, keys, value)| Thrown::Object { class, keys, value }),
            opt_text().prop_map(|name| Thrown::Function { name }),
            text().prop_map(|reason| Thrown::Unreadable { reason }),
            Just(Thrown::Circular),
        ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        (opt_text(), prop::option::of(inner.clone()), prop::collection::vec(inner, 0..3)).prop_map(
            |(message, cause, errors)| {
                Thrown::Error(ErrorLike {
                    name: Some("AggregateError".into()),
                    message,
                    stack: Some(CHROMIUM_STACK.into()),
                    cause: cause.map(Box::new),
                    errors,
                    ..Default::default()
                })
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_events_match_serde_json(event in event()) {
        assert_event_matches("random event", &event, Some(&dsn()));
    }

    #[test]
    fn random_client_reports_match_serde_json(report in report()) {
        assert_report_matches(&report, None);
    }

    #[test]
    fn random_captures_match_serde_json(
        thrown in thrown(),
        mechanism in text(),
        handled in any::<bool>(),
        time in timestamp(),
    ) {
        let ctx = CaptureContext { mechanism, handled, ..ctx() };
        let event = event_from_thrown(&thrown, &ctx, id(7), time);
        assert_event_matches("random capture", &event, None);
    }
}
