//! Envelopes and DSNs through the public API only: writer output byte for byte, parse after
//! write, Relay's framing rules one error at a time, and DSN parsing into ingest URLs.
//!
//! Expected bytes are written out by hand (lengths counted, not computed) so that a change in
//! field order, number formatting or framing shows up here as a diff.

use errorbeacon::envelope::EnvelopeHeaders;
use errorbeacon::limits::{MAX_DSN_BYTES, MAX_ENVELOPE_HEADER_BYTES};
use errorbeacon::protocol::{ClientReport, ClientSdkInfo, DiscardedEvent, LogEntry, Mechanism, Values};
use std::collections::HashSet;

use errorbeacon::{
    Dsn, DsnError, Envelope, EnvelopeError, Event, EventId, Exception, Frame, Item, Level, Stacktrace, Timestamp,
};

/// `2026-11-23T21:27:49.123Z`
const EVENT_TIME: Timestamp = Timestamp(1_795_469_269_123);
/// `2026-11-23T21:27:50.000Z`: whole seconds still print three fraction digits.
const SENT_AT: Timestamp = Timestamp(1_795_469_270_000);

fn event_id() -> EventId {
    EventId::parse("fc6d8c0c43fc4630ad850b6c6a5a1eb8").expect("event id")
}

fn dsn() -> Dsn {
    "https://abc123@o1.ingest.sentry.io/42".parse().expect("dsn")
}

fn message_event() -> Event {
    let mut event = Event::new(event_id(), EVENT_TIME);
    event.level = Some(Level::Info);
    event.logentry = Some(LogEntry { formatted: "hello world".into() });
    event
}

fn exception_event() -> Event {
    let mut event = Event::new(event_id(), EVENT_TIME);
    event.level = Some(Level::Error);
    event.exception = Some(Values {
        values: vec![Exception {
            ty: Some("TypeError".into()),
            value: Some("x is undefined".into()),
            mechanism: Some(Mechanism { ty: "onerror".into(), handled: Some(false), ..Default::default() }),
            stacktrace: Some(Stacktrace {
                frames: vec![Frame {
                    function: Some("f".into()),
                    filename: Some("/a.js".into()),
                    abs_path: Some("http://h/a.js".into()),
                    lineno: Some(1),
                    colno: Some(2),
                    in_app: Some(true),
                    ..Default::default()
                }],
            }),
        }],
    });
    event
}

fn report() -> ClientReport {
    ClientReport {
        timestamp: SENT_AT,
        discarded_events: vec![DiscardedEvent {
            reason: "queue_overflow".into(),
            category: "error".into(),
            quantity: 3,
        }],
    }
}

/// The envelope header `from_event` writes for [`event_id`], [`SENT_AT`] and [`dsn`], with the
/// SDK's own `sdk` (the crate version is in it: update with `Cargo.toml`).
const HEADER_WITH_DSN: &str = concat!(
    r#"{"event_id":"fc6d8c0c43fc4630ad850b6c6a5a1eb8","sent_at":"2026-11-23T21:27:50.000Z","#,
    r#""dsn":"https://abc123@o1.ingest.sentry.io/42","#,
    r#""sdk":{"name":"errorbeacon.javascript","version":"0.1.0","#,
    r#""packages":[{"name":"npm:errorbeacon","version":"0.1.0"}]}}"#,
    "\n"
);

/// [`message_event`] as JSON: 164 bytes.
const MESSAGE_PAYLOAD: &str = concat!(
    r#"{"event_id":"fc6d8c0c43fc4630ad850b6c6a5a1eb8","timestamp":"2026-11-23T21:27:49.123Z","#,
    r#""platform":"javascript","level":"info","logentry":{"formatted":"hello world"}}"#
);

/// [`report`] as JSON: 121 bytes.
const REPORT_PAYLOAD: &str = concat!(
    r#"{"timestamp":"2026-11-23T21:27:50.000Z","#,
    r#""discarded_events":[{"reason":"queue_overflow","category":"error","quantity":3}]}"#
);

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn message_event_envelope_is_byte_exact() {
    let env = Envelope::from_event(&message_event(), Some(&dsn()), SENT_AT).expect("envelope");
    assert_eq!(MESSAGE_PAYLOAD.len(), 164);
    let expected = format!("{HEADER_WITH_DSN}{{\"type\":\"event\",\"length\":164}}\n{MESSAGE_PAYLOAD}\n");
    assert_eq!(text(&env.to_bytes()), expected);
}

#[test]
fn exception_event_envelope_is_byte_exact() {
    let env = Envelope::from_event(&exception_event(), Some(&dsn()), SENT_AT).expect("envelope");
    let payload = concat!(
        r#"{"event_id":"fc6d8c0c43fc4630ad850b6c6a5a1eb8","timestamp":"2026-11-23T21:27:49.123Z","#,
        r#""platform":"javascript","level":"error","exception":{"values":[{"type":"TypeError","#,
        r#""value":"x is undefined","mechanism":{"type":"onerror","handled":false},"#,
        r#""stacktrace":{"frames":[{"function":"f","filename":"/a.js","abs_path":"http://h/a.js","#,
        r#""lineno":1,"colno":2,"in_app":true}]}}]}}"#
    );
    assert_eq!(payload.len(), 368);
    let expected = format!("{HEADER_WITH_DSN}{{\"type\":\"event\",\"length\":368}}\n{payload}\n");
    assert_eq!(text(&env.to_bytes()), expected);
}

#[test]
fn envelope_without_dsn_leaves_the_key_out_and_uses_the_event_sdk() {
    let mut event = message_event();
    event.sdk = Some(ClientSdkInfo { name: "custom".into(), version: "9".into(), ..Default::default() });
    let env = Envelope::from_event(&event, None, SENT_AT).expect("envelope");
    let header = concat!(
        r#"{"event_id":"fc6d8c0c43fc4630ad850b6c6a5a1eb8","sent_at":"2026-11-23T21:27:50.000Z","#,
        r#""sdk":{"name":"custom","version":"9"}}"#
    );
    let payload = concat!(
        r#"{"event_id":"fc6d8c0c43fc4630ad850b6c6a5a1eb8","timestamp":"2026-11-23T21:27:49.123Z","#,
        r#""platform":"javascript","level":"info","logentry":{"formatted":"hello world"},"#,
        r#""sdk":{"name":"custom","version":"9"}}"#
    );
    assert_eq!(payload.len(), 202);
    let expected = format!("{header}\n{{\"type\":\"event\",\"length\":202}}\n{payload}\n");
    assert_eq!(text(&env.to_bytes()), expected);
}

#[test]
fn client_report_envelope_is_byte_exact() {
    let env = Envelope::from_client_report(&report(), Some(&dsn())).expect("envelope");
    let header = concat!(
        r#"{"sent_at":"2026-11-23T21:27:50.000Z","dsn":"https://abc123@o1.ingest.sentry.io/42","#,
        r#""sdk":{"name":"errorbeacon.javascript","version":"0.1.0","#,
        r#""packages":[{"name":"npm:errorbeacon","version":"0.1.0"}]}}"#,
    );
    assert_eq!(REPORT_PAYLOAD.len(), 121);
    let expected = format!("{header}\n{{\"type\":\"client_report\",\"length\":121}}\n{REPORT_PAYLOAD}\n");
    assert_eq!(text(&env.to_bytes()), expected);
}

#[test]
fn event_and_client_report_items_follow_one_another() {
    let mut env = Envelope::from_event(&message_event(), Some(&dsn()), SENT_AT).expect("envelope");
    env.items.push(Item::json("client_report", &report()).expect("item"));
    let expected = format!(
        "{HEADER_WITH_DSN}{}\n{MESSAGE_PAYLOAD}\n{}\n{REPORT_PAYLOAD}\n",
        r#"{"type":"event","length":164}"#, r#"{"type":"client_report","length":121}"#,
    );
    assert_eq!(text(&env.to_bytes()), expected);
}

#[test]
fn attachment_item_header_carries_content_type_and_filename_after_length() {
    let env = Envelope {
        headers: EnvelopeHeaders::default(),
        items: vec![Item {
            ty: "attachment".into(),
            content_type: Some("text/plain".into()),
            filename: Some("app.log".into()),
            payload: b"line 1\nline 2".to_vec(),
        }],
    };
    let expected = concat!(
        "{}\n",
        r#"{"type":"attachment","length":13,"content_type":"text/plain","filename":"app.log"}"#,
        "\nline 1\nline 2\n"
    );
    assert_eq!(text(&env.to_bytes()), expected);
}

#[test]
fn envelope_without_items_is_its_header_line() {
    assert_eq!(Envelope::default().to_bytes(), b"{}\n");
}

#[test]
fn write_to_and_to_bytes_agree() {
    let env = Envelope::from_event(&exception_event(), Some(&dsn()), SENT_AT).expect("envelope");
    let mut written = Vec::new();
    env.write_to(&mut written).expect("write");
    assert_eq!(written, env.to_bytes());
}

/// Envelopes that exercise every writer path: events, two items, an empty payload, payloads
/// with newlines and non-UTF-8 bytes, and no items at all.
fn round_trip_cases() -> Vec<(&'static str, Envelope)> {
    let binary = Item { ty: "attachment".into(), payload: vec![0, 0xff, b'\n', 0xfe, b'\n'], ..Default::default() };
    let two = {
        let mut e = Envelope::from_event(&message_event(), Some(&dsn()), SENT_AT).expect("envelope");
        e.items.push(Item::json("client_report", &report()).expect("item"));
        e
    };
    vec![
        ("message event", Envelope::from_event(&message_event(), Some(&dsn()), SENT_AT).expect("envelope")),
        ("exception event", Envelope::from_event(&exception_event(), None, SENT_AT).expect("envelope")),
        ("client report", Envelope::from_client_report(&report(), None).expect("envelope")),
        ("event and client report", two),
        ("no items", Envelope::default()),
        (
            "empty payloads",
            Envelope {
                headers: EnvelopeHeaders::default(),
                items: vec![
                    Item { ty: "attachment".into(), ..Default::default() },
                    Item { ty: "session".into(), content_type: Some("application/json".into()), ..Default::default() },
                ],
            },
        ),
        (
            "newlines in payload",
            Envelope {
                headers: EnvelopeHeaders { dsn: Some(dsn().to_string()), ..Default::default() },
                items: vec![
                    Item {
                        ty: "attachment".into(),
                        filename: Some("a.txt".into()),
                        payload: b"\n\n".to_vec(),
                        ..Default::default()
                    },
                    Item { ty: "attachment".into(), payload: b"x\ny\n".to_vec(), ..Default::default() },
                    binary,
                ],
            },
        ),
    ]
}

#[test]
fn parse_gives_back_what_was_written() {
    for (name, env) in round_trip_cases() {
        let parsed = Envelope::parse(&env.to_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.headers, env.headers, "{name}");
        assert_eq!(parsed.items.len(), env.items.len(), "{name}");
        for (got, want) in parsed.items.iter().zip(&env.items) {
            assert_eq!(got.payload, want.payload, "{name}: payload of {}", want.ty);
            assert_eq!(got, want, "{name}");
        }
        assert_eq!(parsed.to_bytes(), env.to_bytes(), "{name}: written again");
    }
}

// Relay's framing rules, one error per rule (see `src/envelope/reader.rs`).

fn parse_err(bytes: &[u8]) -> EnvelopeError {
    match Envelope::parse(bytes) {
        Ok(env) => panic!("{:?} parsed: {env:?}", text(bytes)),
        Err(e) => e,
    }
}

/// An envelope header line of exactly `len` bytes (without its newline).
fn header_of_len(len: usize) -> String {
    let fill = len - r#"{"dsn":""}"#.len();
    format!(r#"{{"dsn":"{}"}}"#, "x".repeat(fill))
}

#[test]
fn empty_input_has_no_header() {
    assert_eq!(parse_err(b""), EnvelopeError::MissingHeader);
    assert_eq!(parse_err(b" \t "), EnvelopeError::MissingHeader);
}

#[test]
fn header_that_is_not_json_is_invalid() {
    assert!(matches!(parse_err(b"not json\n"), EnvelopeError::InvalidHeader(_)));
    assert!(matches!(parse_err(b"{\"event_id\":\n"), EnvelopeError::InvalidHeader(_)));
    assert!(matches!(parse_err(b"{\"event_id\":\"nothex\"}\n"), EnvelopeError::InvalidHeader(_)));
}

#[test]
fn header_must_end_at_a_newline() {
    assert_eq!(parse_err(b"{}x"), EnvelopeError::MissingNewline { item: None, offset: 2 });
    assert_eq!(parse_err(b"{} \n"), EnvelopeError::MissingNewline { item: None, offset: 2 });
}

#[test]
fn item_header_that_is_not_json_is_invalid() {
    assert!(matches!(parse_err(b"{}\n{type}\n"), EnvelopeError::InvalidItemHeader { item: 0, .. }));
    let second = b"{}\n{\"type\":\"a\",\"length\":1}\nx\n\"event\"\n";
    assert!(matches!(parse_err(second), EnvelopeError::InvalidItemHeader { item: 1, .. }));
}

#[test]
fn item_header_must_end_at_a_newline() {
    assert_eq!(parse_err(b"{}\n{\"type\":\"a\"}x\n"), EnvelopeError::MissingNewline { item: Some(0), offset: 15 });
}

#[test]
fn item_without_type_is_rejected() {
    assert_eq!(parse_err(b"{}\n{\"length\":0}\n\n"), EnvelopeError::MissingItemType { item: 0 });
    assert_eq!(parse_err(b"{}\n{\"type\":null}\nabc"), EnvelopeError::MissingItemType { item: 0 });
}

#[test]
fn length_longer_than_the_rest_is_payload_too_short() {
    assert_eq!(
        parse_err(b"{}\n{\"type\":\"a\",\"length\":10}\nabc"),
        EnvelopeError::PayloadTooShort { item: 0, expected: 10, available: 3 }
    );
    // Larger than any usize on 32-bit targets: must not wrap.
    assert_eq!(
        parse_err(b"{}\n{\"type\":\"a\",\"length\":18446744073709551615}\n"),
        EnvelopeError::PayloadTooShort { item: 0, expected: u64::MAX, available: 0 }
    );
}

#[test]
fn explicit_length_must_be_followed_by_newline_or_end() {
    // Header line 3 bytes, item header 23 + newline: the payload is bytes 27..29, byte 29 is `c`.
    assert_eq!(
        parse_err(b"{}\n{\"type\":\"a\",\"length\":2}\nabc\n"),
        EnvelopeError::MissingNewline { item: Some(0), offset: 29 }
    );
}

#[test]
fn trailing_blank_line_is_an_item_that_never_came() {
    assert_eq!(parse_err(b"{}\n{\"type\":\"a\",\"length\":1}\nx\n\n"), EnvelopeError::UnexpectedEof { item: 1 });
    assert_eq!(parse_err(b"{}\n\n"), EnvelopeError::UnexpectedEof { item: 0 });
}

#[test]
fn header_line_longer_than_the_limit_is_too_large() {
    let big = header_of_len(MAX_ENVELOPE_HEADER_BYTES + 1);
    assert_eq!(parse_err(format!("{big}\n").as_bytes()), EnvelopeError::HeaderTooLarge { item: None });
    // Without any newline the reader still stops at the limit.
    assert_eq!(parse_err(big.as_bytes()), EnvelopeError::HeaderTooLarge { item: None });
    let item = format!("{{}}\n{{\"type\":\"a\",\"filename\":\"{}\"}}\n", "f".repeat(MAX_ENVELOPE_HEADER_BYTES));
    assert_eq!(parse_err(item.as_bytes()), EnvelopeError::HeaderTooLarge { item: Some(0) });
}

#[test]
fn header_line_of_exactly_the_limit_is_accepted() {
    let line = header_of_len(MAX_ENVELOPE_HEADER_BYTES);
    let env = Envelope::parse(format!("{line}\n").as_bytes()).expect("envelope");
    assert_eq!(env.headers.dsn.map(|d| d.len()), Some(MAX_ENVELOPE_HEADER_BYTES - 10));
}

#[test]
fn every_framing_error_has_its_own_message() {
    let big = header_of_len(MAX_ENVELOPE_HEADER_BYTES + 1);
    let errors = [
        parse_err(b""),
        parse_err(b"not json\n"),
        parse_err(big.as_bytes()),
        parse_err(format!("{{}}\n{big}\n").as_bytes()),
        parse_err(b"{}x"),
        parse_err(b"{}\n{\"type\":\"a\",\"length\":2}\nabc\n"),
        parse_err(b"{}\n{type}\n"),
        parse_err(b"{}\n{\"length\":0}\n"),
        parse_err(b"{}\n\n"),
        parse_err(b"{}\n{\"type\":\"a\",\"length\":10}\nabc"),
    ];
    let kinds: HashSet<_> = errors.iter().map(std::mem::discriminant).collect();
    assert_eq!(kinds.len(), 8, "every variant is covered: {errors:?}");
    for (i, a) in errors.iter().enumerate() {
        let message = a.to_string();
        assert!(message.chars().next().is_some_and(char::is_lowercase), "{message}");
        for b in &errors[i + 1..] {
            assert_ne!(message, b.to_string(), "{a:?} and {b:?}");
        }
    }
}

#[test]
fn last_item_may_end_without_newline() {
    let env = Envelope::parse(b"{}\n{\"type\":\"a\",\"length\":3}\nabc").expect("envelope");
    assert_eq!(env.items.len(), 1);
    assert_eq!(env.items[0].payload, b"abc");
    let env = Envelope::parse(b"{}\n{\"type\":\"a\"}").expect("envelope");
    assert_eq!(env.items, [Item { ty: "a".into(), ..Default::default() }]);
}

#[test]
fn item_without_length_runs_to_the_next_newline() {
    let env = Envelope::parse(b"{}\n{\"type\":\"a\"}\nhello\n{\"type\":\"b\"}\nworld").expect("envelope");
    let payloads: Vec<_> = env.items.iter().map(|i| (i.ty.as_str(), i.payload.as_slice())).collect();
    assert_eq!(payloads, [("a", &b"hello"[..]), ("b", &b"world"[..])]);
}

#[test]
fn zero_length_payload_is_empty_and_still_needs_its_newline() {
    let env =
        Envelope::parse(b"{}\n{\"type\":\"a\",\"length\":0}\n\n{\"type\":\"b\",\"length\":0}\n").expect("envelope");
    assert_eq!(env.items.iter().map(|i| i.payload.len()).collect::<Vec<_>>(), [0, 0]);
    assert_eq!(env.items[1].ty, "b");
    assert_eq!(
        parse_err(b"{}\n{\"type\":\"a\",\"length\":0}\nx"),
        EnvelopeError::MissingNewline { item: Some(0), offset: 27 }
    );
}

#[test]
fn header_alone_is_an_envelope_without_items() {
    for bytes in [&b"{}"[..], b"{}\n"] {
        let env = Envelope::parse(bytes).expect("envelope");
        assert_eq!(env, Envelope::default(), "{:?}", text(bytes));
    }
    let env = Envelope::parse(HEADER_WITH_DSN.trim_end().as_bytes()).expect("envelope");
    assert_eq!(env.headers.event_id, Some(event_id()));
    assert_eq!(env.headers.sent_at, Some(SENT_AT));
    assert!(env.items.is_empty());
}

#[test]
fn header_takes_dashed_event_ids_epoch_seconds_and_unknown_keys() {
    let env =
        Envelope::parse(b"{\"event_id\":\"fc6d8c0c-43fc-4630-ad85-0b6c6a5a1eb8\",\"sent_at\":1795469270,\"extra\":1}")
            .expect("envelope");
    assert_eq!(env.headers.event_id, Some(event_id()));
    assert_eq!(env.headers.sent_at, Some(SENT_AT));
}

#[test]
/// RFC 3339 writes four-digit years, so a numeric `sent_at` past 9999 cannot be written back:
/// it is rejected when read, and the last writable instant round-trips.
fn sent_at_past_year_9999_is_rejected_and_the_last_instant_round_trips() {
    for header in [&b"{\"sent_at\":253402300800}"[..], b"{\"sent_at\":1e300}", b"{\"sent_at\":-1}"] {
        assert!(matches!(parse_err(header), EnvelopeError::InvalidHeader(_)), "{:?}", text(header));
    }
    let env = Envelope::parse(b"{\"sent_at\":253402300799}").expect("envelope");
    assert_eq!(Envelope::parse(&env.to_bytes()).as_ref(), Ok(&env));
}

#[test]
fn array_is_not_a_header() {
    assert!(matches!(parse_err(b"[]\n"), EnvelopeError::InvalidHeader(_)));
    assert!(matches!(parse_err(b"{}\n[\"event\",0,null,null]\n"), EnvelopeError::InvalidItemHeader { item: 0, .. }));
}

#[test]
fn newlines_before_a_header_are_whitespace_as_in_relay() {
    let blank_line_between_items = b"{}\n{\"type\":\"a\",\"length\":1}\nx\n\n{\"type\":\"b\",\"length\":0}\n";
    assert_eq!(Envelope::parse(blank_line_between_items).map(|e| e.items.len()), Ok(2));
    assert_eq!(Envelope::parse(b"\n{}\n").map(|e| e.items.len()), Ok(0));
}

// DSNs: cases not already in `src/dsn.rs`'s unit tests.

const CLIENT: &str = "errorbeacon/0.1.0";

struct DsnCase {
    dsn: &'static str,
    envelope_url: &'static str,
    store_url: &'static str,
    auth: &'static str,
    envelope_url_with_auth: &'static str,
    /// What `to_string` gives back: the input, normalized.
    written: &'static str,
}

const VALID_DSNS: &[DsnCase] = &[
    DsnCase {
        dsn: "http://pub@localhost:9000/1",
        envelope_url: "http://localhost:9000/api/1/envelope/",
        store_url: "http://localhost:9000/api/1/store/",
        auth: "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=pub",
        envelope_url_with_auth: "http://localhost:9000/api/1/envelope/?sentry_key=pub&sentry_version=7&sentry_client=errorbeacon/0.1.0",
        written: "http://pub@localhost:9000/1",
    },
    DsnCase {
        dsn: "https://k:s3cr3t@sentry.example.com/prefix/a/b/123",
        envelope_url: "https://sentry.example.com/prefix/a/b/api/123/envelope/",
        store_url: "https://sentry.example.com/prefix/a/b/api/123/store/",
        auth: "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=k, sentry_secret=s3cr3t",
        // The secret never goes into a URL.
        envelope_url_with_auth: "https://sentry.example.com/prefix/a/b/api/123/envelope/?sentry_key=k&sentry_version=7&sentry_client=errorbeacon/0.1.0",
        written: "https://k:s3cr3t@sentry.example.com/prefix/a/b/123",
    },
    DsnCase {
        dsn: "https://k@[2001:db8::1]/5",
        envelope_url: "https://[2001:db8::1]/api/5/envelope/",
        store_url: "https://[2001:db8::1]/api/5/store/",
        auth: "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=k",
        envelope_url_with_auth: "https://[2001:db8::1]/api/5/envelope/?sentry_key=k&sentry_version=7&sentry_client=errorbeacon/0.1.0",
        written: "https://k@[2001:db8::1]/5",
    },
    DsnCase {
        dsn: "http://k:s@[::1]:65535/relay/9",
        envelope_url: "http://[::1]:65535/relay/api/9/envelope/",
        store_url: "http://[::1]:65535/relay/api/9/store/",
        auth: "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=k, sentry_secret=s",
        envelope_url_with_auth: "http://[::1]:65535/relay/api/9/envelope/?sentry_key=k&sentry_version=7&sentry_client=errorbeacon/0.1.0",
        written: "http://k:s@[::1]:65535/relay/9",
    },
    DsnCase {
        // An explicit default port is kept as written.
        dsn: "https://k@h.example:443/1",
        envelope_url: "https://h.example:443/api/1/envelope/",
        store_url: "https://h.example:443/api/1/store/",
        auth: "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=k",
        envelope_url_with_auth: "https://h.example:443/api/1/envelope/?sentry_key=k&sentry_version=7&sentry_client=errorbeacon/0.1.0",
        written: "https://k@h.example:443/1",
    },
    DsnCase {
        // Reserved characters in the key are percent-encoded in the query, kept in the header.
        dsn: "https://a+b=c%@h/7",
        envelope_url: "https://h/api/7/envelope/",
        store_url: "https://h/api/7/store/",
        auth: "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=a+b=c%",
        envelope_url_with_auth: "https://h/api/7/envelope/?sentry_key=a%2Bb%3Dc%25&sentry_version=7&sentry_client=errorbeacon/0.1.0",
        written: "https://a+b=c%@h/7",
    },
    DsnCase {
        // The scheme is case-insensitive and written lower case; the host keeps its case.
        dsn: "HTTPS://Key@Sentry.Example/8",
        envelope_url: "https://Sentry.Example/api/8/envelope/",
        store_url: "https://Sentry.Example/api/8/store/",
        auth: "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=Key",
        envelope_url_with_auth: "https://Sentry.Example/api/8/envelope/?sentry_key=Key&sentry_version=7&sentry_client=errorbeacon/0.1.0",
        written: "https://Key@Sentry.Example/8",
    },
    DsnCase {
        // An empty secret (old DSNs end the key with `:`) is no secret; surrounding whitespace
        // (a DSN pasted from an env file) and repeated trailing slashes are dropped.
        dsn: "  https://k:@h/1//\n",
        envelope_url: "https://h/api/1/envelope/",
        store_url: "https://h/api/1/store/",
        auth: "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=k",
        envelope_url_with_auth: "https://h/api/1/envelope/?sentry_key=k&sentry_version=7&sentry_client=errorbeacon/0.1.0",
        written: "https://k@h/1",
    },
];

#[test]
fn valid_dsns_give_their_urls_auth_and_text() {
    for case in VALID_DSNS {
        let d: Dsn = case.dsn.parse().unwrap_or_else(|e| panic!("{:?}: {e}", case.dsn));
        assert_eq!(d.envelope_url(), case.envelope_url, "{:?}", case.dsn);
        assert_eq!(d.store_url(), case.store_url, "{:?}", case.dsn);
        assert_eq!(d.auth_header(CLIENT), case.auth, "{:?}", case.dsn);
        assert_eq!(d.envelope_url_with_auth(CLIENT), case.envelope_url_with_auth, "{:?}", case.dsn);
        assert_eq!(d.to_string(), case.written, "{:?}", case.dsn);
        assert_eq!(case.written.parse::<Dsn>().as_ref(), Ok(&d), "{:?} written and read again", case.dsn);
    }
}

#[test]
fn dsn_of_exactly_the_limit_is_accepted() {
    let prefix = "https://k@h/";
    let at_limit = format!("{prefix}{}", "1".repeat(MAX_DSN_BYTES - prefix.len()));
    assert_eq!(at_limit.parse::<Dsn>().map(|d| d.project_id().len()), Ok(MAX_DSN_BYTES - prefix.len()));
    let over = format!("{at_limit}1");
    assert_eq!(over.parse::<Dsn>(), Err(DsnError::TooLong(MAX_DSN_BYTES + 1)));
}

#[test]
fn invalid_dsns_map_to_their_error() {
    let cases: &[(&str, DsnError)] = &[
        ("  \n", DsnError::Empty),
        ("https:/k@h/1", DsnError::MissingScheme),
        ("://k@h/1", DsnError::UnsupportedScheme(String::new())),
        ("ws://k@h/1", DsnError::UnsupportedScheme("ws".into())),
        ("FTP://k@h/1", DsnError::UnsupportedScheme("ftp".into())),
        ("https://:s@h/1", DsnError::MissingPublicKey),
        ("https://h/k@1", DsnError::MissingPublicKey),
        ("https://k:s@/1", DsnError::MissingHost),
        ("https://k@:80/1", DsnError::MissingHost),
        ("https://k@h:0/1", DsnError::InvalidPort("0".into())),
        ("https://k@h:+80/1", DsnError::InvalidPort("+80".into())),
        ("https://k@h:65536/1", DsnError::InvalidPort("65536".into())),
        ("https://k@h:8o/1", DsnError::InvalidPort("8o".into())),
        ("https://k@[::1]:/1", DsnError::InvalidPort(String::new())),
        ("https://k@h//", DsnError::MissingProjectId),
        ("https://k@h/a/1.5", DsnError::InvalidProjectId("1.5".into())),
        ("https://k@h/-1", DsnError::InvalidProjectId("-1".into())),
        ("https://k@h/1#x", DsnError::InvalidCharacter('#')),
        ("https://k@h/\t1", DsnError::InvalidCharacter('\t')),
        ("https://k@h\u{a0}/1", DsnError::InvalidCharacter('\u{a0}')),
        ("https://k@h/1\u{3000}", DsnError::InvalidCharacter('\u{3000}')),
        ("https://k\u{2028}@h/1", DsnError::InvalidCharacter('\u{2028}')),
        ("https://k@h/\u{1}1", DsnError::InvalidCharacter('\u{1}')),
    ];
    for (s, want) in cases {
        assert_eq!(s.parse::<Dsn>().as_ref(), Err(want), "{s:?}");
    }
}

#[test]
fn every_dsn_error_has_its_own_message() {
    let errors = [
        DsnError::Empty,
        DsnError::TooLong(2049),
        DsnError::MissingScheme,
        DsnError::UnsupportedScheme("ws".into()),
        DsnError::MissingPublicKey,
        DsnError::MissingHost,
        DsnError::InvalidPort("0".into()),
        DsnError::MissingProjectId,
        DsnError::InvalidProjectId("x".into()),
        DsnError::InvalidCharacter('#'),
    ];
    for (i, a) in errors.iter().enumerate() {
        for b in &errors[i + 1..] {
            assert_ne!(a.to_string(), b.to_string());
        }
    }
}
