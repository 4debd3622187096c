//! Hostile input never panics, stays bounded and stays fast: `error.stack` strings, envelope
//! bytes and thrown values as an attacker (or a broken page) could make them.
//!
//! Each call runs against [`CALL_BUDGET`]; the property tests keep their case count small so
//! that the whole file runs in seconds.

use errorbeacon::capture::CaptureContext;
use errorbeacon::limits::{MAX_FRAMES, MAX_LINE_BYTES, MAX_LINKED_ERRORS};
use errorbeacon::protocol::{ClientReport, DiscardedEvent, Map, Value};
use errorbeacon::{
    event_from_thrown, parse_stack, Dsn, Envelope, ErrorLike, Event, EventId, Frame, Item, Thrown, Timestamp,
};
use proptest::prelude::*;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// Wall-clock bound for one call. It guards against super-linear blowups (a quadratic rescan,
/// an exponential backtrack), not speed, which `scripts/bench.sh` measures: a debug build
/// parses the largest stack it reads (256 KiB) in a small fraction of this.
const CALL_BUDGET: Duration = Duration::from_secs(15);

/// Sentry's limit for one event; a capture from any thrown value must fit in it.
const MAX_EVENT_JSON_BYTES: usize = 1024 * 1024;

/// Runs `work` on its own thread and fails if it has not finished within [`CALL_BUDGET`], so
/// that a blowup fails fast instead of hanging the suite (the thread is left behind).
fn within_budget<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(work());
    });
    match rx.recv_timeout(CALL_BUDGET) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => panic!("{what}: still running after {CALL_BUDGET:?}"),
        Err(RecvTimeoutError::Disconnected) => panic!("{what}: panicked (message above)"),
    }
}

/// Every string field a stack parser fills in.
fn text_fields(f: &Frame) -> [(&'static str, Option<&str>); 4] {
    [
        ("abs_path", f.abs_path.as_deref()),
        ("filename", f.filename.as_deref()),
        ("function", f.function.as_deref()),
        ("raw_function", f.raw_function.as_deref()),
    ]
}

/// Parses `stack` within the budget and checks the bounds every result must keep.
fn parse_bounded(what: &str, stack: String) -> Vec<Frame> {
    let frames = within_budget(what, move || parse_stack(&stack));
    assert!(frames.len() <= MAX_FRAMES, "{what}: {} frames", frames.len());
    for f in &frames {
        for (field, text) in text_fields(f) {
            let len = text.map_or(0, str::len);
            assert!(len <= MAX_LINE_BYTES, "{what}: {field} of {len} bytes");
        }
    }
    frames
}

const V8_LINE: &str = "    at f (http://h/a.js:1:2)\n";

#[test]
fn ten_megabyte_stack_keeps_the_frame_limit() {
    let stack = format!("Error: x\n{}", V8_LINE.repeat(10 * 1024 * 1024 / V8_LINE.len()));
    let frames = parse_bounded("10 MB stack", stack);
    assert_eq!(frames.len(), MAX_FRAMES);
    assert!(frames.iter().all(|f| f.function.as_deref() == Some("f") && f.lineno == Some(1)));
}

#[test]
fn one_megabyte_line_is_skipped_not_cut() {
    let line = |len: usize| format!("    at f (http://h/{}.js:1:2)", "a".repeat(len));
    assert!(parse_bounded("1 MB line", line(1024 * 1024)).is_empty());
    // The frames around a long line survive (within the stack's byte limit).
    let stack = format!("Error\n    at g (http://h/g.js:3:4)\n{}\n    at h (http://h/h.js:5:6)", line(100 * 1024));
    let names: Vec<_> = parse_bounded("100 KB line in a stack", stack).into_iter().map(|f| f.function).collect();
    assert_eq!(names, [Some("h".to_owned()), Some("g".to_owned())]);
}

#[test]
fn hundred_thousand_frames_keep_the_newest() {
    let stack: String = (1..=100_000).map(|i| format!("    at f{i} (http://h/a.js:{i}:1)\n")).collect();
    let frames = parse_bounded("100,000 frames", stack);
    assert_eq!(frames.len(), MAX_FRAMES);
    // Oldest first: the crash site (printed first) is last.
    assert_eq!(frames.last().and_then(|f| f.lineno), Some(1));
    assert_eq!(frames.first().and_then(|f| f.lineno), Some(MAX_FRAMES as u32));
}

#[test]
fn nul_bytes_and_control_characters_are_not_frames() {
    let controls: String = (0u8..0x20).chain([0x7f]).map(char::from).collect();
    assert!(parse_bounded("NULs", "\0".repeat(300_000)).is_empty());
    assert!(parse_bounded("controls", controls.repeat(10_000)).is_empty());
    let mixed = format!("Error\0\n    at f\0 (http://h/\u{1}.js:1:2)\0\n\u{1b}[31m@\u{7}:1:1\n{controls}");
    parse_bounded("controls inside frames", mixed);
}

#[test]
fn lone_carriage_returns_are_not_line_breaks() {
    let frames = parse_bounded("lone CRs", "\r".repeat(300_000));
    assert!(frames.is_empty());
    let cr_only = "Error\r    at f (http://h/a.js:1:2)\r    at g (http://h/b.js:3:4)".repeat(1000);
    parse_bounded("CR-separated stack", cr_only);
    // Windows line ends are still read.
    let crlf = parse_bounded("CRLF stack", "Error\r\n    at f (http://h/a.js:1:2)\r\n".into());
    assert_eq!(crlf.iter().map(|f| (f.lineno, f.colno)).collect::<Vec<_>>(), [(Some(1), Some(2))]);
}

#[test]
fn lines_of_only_frame_punctuation() {
    for piece in ["at ", "@", "(", ")", ":", "    at (", "@:", "):(", " at @ ( ) : "] {
        let line = piece.repeat(MAX_LINE_BYTES / piece.len());
        parse_bounded(piece, format!("{line}\n").repeat(40));
    }
    for short in ["    at ", "    at ()", "@", "@:", "@::", ":1:2", "    at :1:2", "    at (:1:2)", "()"] {
        parse_bounded(short, format!("{short}\n").repeat(10_000));
    }
}

#[test]
fn unbalanced_parentheses() {
    let open = format!("    at f {}", "(".repeat(MAX_LINE_BYTES - 20));
    let close = format!("    at f {}", ")".repeat(MAX_LINE_BYTES - 20));
    let eval = format!("    at f (eval at {}http://h/a.js:1:2)", "g (".repeat(5000));
    for (what, line) in [("open", open), ("close", close), ("eval origins", eval)] {
        parse_bounded(what, format!("{line}\n").repeat(20));
    }
}

#[test]
fn wasm_indexes_and_addresses_out_of_range_are_dropped() {
    let cases = [
        ("http://h/m.wasm:wasm-function[99999999999999999999]:0x1", None, Some(1)),
        ("http://h/m.wasm:wasm-function[4294967296]:0x1", None, Some(1)),
        ("http://h/m.wasm:wasm-function[4294967295]:0xffffffffffffffff", Some(u64::from(u32::MAX)), Some(u64::MAX)),
        ("http://h/m.wasm:wasm-function[abc]:0x10", None, Some(0x10)),
        ("http://h/m.wasm:wasm-function[-1]:0x10", None, Some(0x10)),
        ("http://h/m.wasm:wasm-function[1]:0x1ffffffffffffffff", Some(1), None),
        ("http://h/m.wasm:wasm-function[1]:0xzz", Some(1), None),
    ];
    for (location, index, addr) in cases {
        let frames = parse_bounded(location, format!("Error\n    at m.wasm.f ({location})"));
        let [frame] = frames.as_slice() else { panic!("{location}: {frames:?}") };
        assert!(frame.is_wasm(), "{location}");
        assert_eq!(frame.function_id.map(|a| a.0), index, "{location}");
        assert_eq!(frame.instruction_addr.map(|a| a.0), addr, "{location}");
    }
    // Cut off before its index, a location is not read as wasm at all.
    for frame in parse_bounded("cut wasm location", "    at m.wasm.f (http://h/m.wasm:wasm-function[)".into()) {
        assert_eq!((frame.function_id, frame.instruction_addr), (None, None));
    }
    let long_hex = format!("    at f (http://h/m.wasm:wasm-function[{}]:0x{})\n", "9".repeat(4000), "f".repeat(4000));
    parse_bounded("huge index and address", long_hex.repeat(30));
}

#[test]
fn line_and_column_past_u32_are_not_numbers() {
    let frames = parse_bounded("u32::MAX", "    at f (http://h/a.js:4294967295:4294967295)".into());
    assert_eq!((frames[0].lineno, frames[0].colno), (Some(u32::MAX), Some(u32::MAX)));
    for line in [
        "    at f (http://h/a.js:4294967296:1)",
        "    at f (http://h/a.js:1:4294967296)",
        "    at f (http://h/a.js:99999999999999999999999:99999999999999999999999)",
        "f@http://h/a.js:4294967296:18446744073709551616",
    ] {
        for f in parse_bounded(line, line.into()) {
            for n in [f.lineno, f.colno].into_iter().flatten() {
                assert!(line.contains(&n.to_string()), "{line}: {n}");
            }
        }
    }
}

#[test]
fn replacement_characters_and_emoji_are_kept_whole() {
    // A JS string with lone surrogates reaches Rust as UTF-8 with U+FFFD in their place.
    let frames = parse_bounded(
        "U+FFFD and emoji",
        concat!(
            "Error: \u{fffd}\n",
            "    at \u{fffd}f\u{fffd} (http://h/\u{fffd}.js:1:2)\n",
            "    at 😀.🎉 (http://h/😀/🎉.js:3:4)\n",
            "😀@http://h/😀.js:5:6",
        )
        .into(),
    );
    let seen: Vec<_> = frames.iter().map(|f| (f.function.as_deref(), f.filename.as_deref())).collect();
    assert_eq!(seen, [(Some("😀.🎉"), Some("/😀/🎉.js")), (Some("\u{fffd}f\u{fffd}"), Some("/\u{fffd}.js"))]);
    let wide = format!("    at {} (http://h/{}.js:1:2)\n", "😀".repeat(3000), "\u{fffd}".repeat(1000));
    parse_bounded("long emoji names", wide.repeat(30));
    // Cut points of the byte limits must land inside multi-byte characters somewhere.
    parse_bounded("emoji past the stack limit", "😀".repeat(100_000));
}

#[test]
fn firefox_lines_with_hundreds_of_at_signs() {
    let many_at = format!("f{}http://h/a.js:1:2", "@".repeat(500));
    let frames = parse_bounded("500 @ then url", many_at);
    assert_eq!(frames.len(), 1);
    let pairs = format!("{}@http://u@h/a.js:1:2\n", "a@".repeat(2000));
    parse_bounded("a@ pairs", pairs.repeat(30));
    let schemes = format!("{}\n", "@a:".repeat(5000));
    parse_bounded("@scheme: runs", schemes.repeat(15));
    let only_at = format!("{}\n", "@".repeat(MAX_LINE_BYTES));
    parse_bounded("only @", only_at.repeat(15));
}

#[test]
fn stack_of_every_hostile_line_at_the_byte_limit() {
    let lines = [
        V8_LINE.to_owned(),
        format!("    at {} (http://h/a.js:1:2)\n", "(".repeat(1000)),
        format!("{}@http://h/a.js:1:2\n", "@".repeat(300)),
        format!("    at m.wasm.{} (http://h/m.wasm:wasm-function[1]:0x1)\n", "a[".repeat(3000)),
        format!("    at m.wasm._ZN{} (http://h/m.wasm:wasm-function[1]:0x1)\n", "3abc".repeat(1000)),
        "\u{fffd}\0\r😀\n".to_owned(),
    ];
    let stack: String = lines.iter().cycle().take(2000).map(String::as_str).collect();
    parse_bounded("mixed hostile stack", stack);
}

/// A v0 symbol (`_R…`) in which each level's impl path is skipped and refers back to the level
/// below `branches` times: the skipped paths are walked again at every back-reference.
fn v0_backref_bomb(levels: usize, branches: usize) -> String {
    let mut inner = "MIC1a".repeat(levels);
    inner.push_str("MC1au");
    for level in 1..=levels {
        let target = 5 * (levels - level + 1);
        for _ in 1..branches {
            inner.push_str(&format!("B{}_", base62(target - 1)));
        }
        inner.push_str("Eu");
    }
    format!("_R{inner}")
}

fn base62(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[n % 62]);
        n /= 62;
        if n == 0 {
            break;
        }
    }
    out.iter().rev().map(|&b| char::from(b)).collect()
}

#[test]
fn v0_back_references_in_skipped_paths_take_bounded_time() {
    let symbol = v0_backref_bomb(14, 4);
    assert!(symbol.len() < 300, "{}", symbol.len());
    parse_bounded("v0 back-reference bomb", format!("    at {symbol} (wasm://wasm/m.wasm:wasm-function[1]:0x1)"));
}

#[test]
fn demangled_wasm_name_is_no_longer_than_a_line() {
    // `a::b::<T, T, …>` with T a 50-element tuple, each T after the first a back-reference.
    let symbol = format!("_RINvC1a1bT{}E{}E", "u".repeat(50), "B7_".repeat(19));
    let location = " (wasm://wasm/m.wasm:wasm-function[1]:0x1)";
    let pad = MAX_LINE_BYTES - "    at ".len() - symbol.len() - 1 - location.len();
    let line = format!("    at {symbol} {}{location}", "x".repeat(pad));
    assert_eq!(line.len(), MAX_LINE_BYTES);
    parse_bounded("demangled name plus suffix", line);
}

// Thrown values: deep and wide descriptions stay within Sentry's event size and link limit.

fn error(i: usize) -> ErrorLike {
    let stack: String = (0..10).map(|d| format!("    at f{i}_{d} (http://h/app.js:{}:{d})\n", i + 1)).collect();
    ErrorLike {
        name: Some("Error".into()),
        message: Some(format!("failure {i}")),
        stack: Some(format!("Error: failure {i}\n{stack}")),
        ..Default::default()
    }
}

/// Builds the event within the budget and checks its size and exception count.
fn capture_bounded(what: &str, thrown: Thrown) -> Event {
    let event = within_budget(what, move || {
        event_from_thrown(&thrown, &CaptureContext::default(), EventId([7; 16]), Timestamp(1_795_469_269_000))
    });
    let json = serde_json::to_vec(&event).expect("event json");
    assert!(json.len() < MAX_EVENT_JSON_BYTES, "{what}: {} bytes", json.len());
    let count = event.exception.as_ref().map_or(0, |e| e.values.len());
    assert!((1..=1 + MAX_LINKED_ERRORS).contains(&count), "{what}: {count} exceptions");
    event
}

#[test]
fn cause_chain_200_deep_keeps_the_linked_limit() {
    let mut thrown = Thrown::Error(error(199));
    for i in (0..199).rev() {
        thrown = Thrown::Error(ErrorLike { cause: Some(Box::new(thrown)), ..error(i) });
    }
    let event = capture_bounded("cause chain", thrown);
    let values = &event.exception.as_ref().expect("exceptions").values;
    assert_eq!(values.len(), 1 + MAX_LINKED_ERRORS);
    assert_eq!(values.last().and_then(|e| e.value.as_deref()), Some("failure 0"));
}

#[test]
fn aggregate_error_with_10000_children_keeps_the_linked_limit() {
    let children = (0..10_000).map(|i| Thrown::Error(error(i))).collect();
    let thrown = Thrown::Error(ErrorLike { name: Some("AggregateError".into()), errors: children, ..error(10_000) });
    let event = capture_bounded("aggregate", thrown);
    assert_eq!(event.exception.as_ref().map(|e| e.values.len()), Some(1 + MAX_LINKED_ERRORS));
}

#[test]
fn object_nested_1000_deep_and_10000_wide_is_bounded() {
    let mut deep = Value::from("bottom");
    for _ in 0..1000 {
        deep = Value::Object(Map::from([("k".to_owned(), deep)]));
    }
    let mut wide: Map = (0..10_000).map(|i| (format!("key{i:05}"), Value::from("v".repeat(100)))).collect();
    wide.insert("deep".into(), deep);
    wide.insert("list".into(), Value::Array((0..10_000).map(Value::from).collect()));
    let keys = wide.keys().cloned().collect();
    let thrown = Thrown::Object { class: Some("Payload".into()), keys, value: Value::Object(wide) };
    let event = capture_bounded("object", thrown);
    assert!(event.extra.contains_key("__serialized__"));
}

// Properties.

/// Text that looks like stacks: engine syntax in random order, numbers that may overflow,
/// and random Unicode.
fn stack_like() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        8 => prop::sample::select(vec![
            "    at ", "async ", "new ", " (", ")", ":", "@", "http://h/", "wasm-function[", "]", ":0x", "eval at ",
            ", ", "\n", "<anonymous>", " line 3 > eval", "m.wasm.", "::h0123456789abcdef", "[a543996e6e7dbf1e]",
            "_ZN3abc", "_RNvC", "[native code]", "data:text/javascript,", "/node_modules/", " ",
        ])
        .prop_map(str::to_owned),
        3 => "[0-9]{1,12}",
        1 => "[0-9a-f]{1,20}",
        2 => any::<char>().prop_map(String::from),
        1 => "\\PC{1,8}",
    ];
    prop::collection::vec(fragment, 0..600).prop_map(|parts| parts.concat())
}

/// Bytes biased towards what envelope framing reacts to.
fn envelope_byte() -> impl Strategy<Value = u8> {
    prop_oneof![3 => any::<u8>(), 2 => prop::sample::select(b"\n{}[]\":, 0123456789".to_vec())]
}

/// One item as a writer might get it almost right: a type or none, a `length` that is right,
/// absent or one off, a payload that may hold newlines, and a newline or something else after.
fn rough_item() -> impl Strategy<Value = Vec<u8>> {
    let ty = prop::option::weighted(0.9, prop::sample::select(vec!["a", "event", "attachment"]));
    let payload = prop::collection::vec(envelope_byte(), 0..12);
    let end = prop::sample::select(vec!["\n", "\n", "\n", "", "x", "\n\n"]);
    (ty, 0u8..4, payload, end).prop_map(|(ty, length, payload, end)| {
        let mut header = serde_json::Map::new();
        if let Some(ty) = ty {
            header.insert("type".into(), ty.into());
        }
        match length {
            0 => {}
            3 => drop(header.insert("length".into(), (payload.len() + 1).into())),
            _ => drop(header.insert("length".into(), payload.len().into())),
        }
        let mut out = serde_json::to_vec(&header).expect("json");
        out.push(b'\n');
        out.extend(payload);
        out.extend(end.as_bytes());
        out
    })
}

/// An envelope header (or none), then rough items: gets past the header far more often than
/// random bytes do.
fn rough_envelope() -> impl Strategy<Value = Vec<u8>> {
    let header = prop::sample::select(vec!["{}\n", "{\"event_id\":\"fc6d8c0c43fc4630ad850b6c6a5a1eb8\"}\n", "{}", ""]);
    (header, prop::collection::vec(rough_item(), 0..6))
        .prop_map(|(h, items)| h.bytes().chain(items.into_iter().flatten()).collect())
}

/// Valid envelopes to mutate.
fn seed_envelopes() -> Vec<Vec<u8>> {
    let dsn: Dsn = "https://k@h/1".parse().expect("dsn");
    let time = Timestamp(1_795_469_269_123);
    let thrown = Thrown::Error(error(1));
    let event = event_from_thrown(&thrown, &CaptureContext::default(), EventId([1; 16]), time);
    let mut with_items = Envelope::from_event(&event, Some(&dsn), time).expect("envelope");
    let report = ClientReport {
        timestamp: time,
        discarded_events: vec![DiscardedEvent { reason: "sample_rate".into(), category: "error".into(), quantity: 2 }],
    };
    with_items.items.push(Item::json("client_report", &report).expect("item"));
    with_items.items.push(Item {
        ty: "attachment".into(),
        content_type: Some("text/plain".into()),
        filename: Some("a.log".into()),
        payload: b"one\ntwo\n".to_vec(),
    });
    with_items.items.push(Item { ty: "attachment".into(), ..Default::default() });
    vec![with_items.to_bytes(), b"{}\n{\"type\":\"a\"}\nabc\n{\"type\":\"b\",\"length\":0}\n".to_vec()]
}

#[derive(Clone, Debug)]
enum Edit {
    Set(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Remove(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<prop::sample::Index>();
    prop_oneof![
        4 => (at.clone(), envelope_byte()).prop_map(|(i, b)| Edit::Set(i, b)),
        4 => (at.clone(), envelope_byte()).prop_map(|(i, b)| Edit::Insert(i, b)),
        3 => at.clone().prop_map(Edit::Remove),
        1 => at.prop_map(Edit::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len();
        match e {
            Edit::Set(i, b) if len > 0 => bytes[i.index(len)] = *b,
            Edit::Insert(i, b) => bytes.insert(i.index(len + 1), *b),
            Edit::Remove(i) if len > 0 => {
                bytes.remove(i.index(len));
            }
            Edit::Truncate(i) => bytes.truncate(i.index(len + 1)),
            _ => {}
        }
    }
    bytes
}

/// What an accepted envelope must satisfy: written out, it parses to itself.
fn check_reparse(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(parsed) = Envelope::parse(bytes) {
        let written = parsed.to_bytes();
        let again = Envelope::parse(&written);
        prop_assert!(
            again.is_ok(),
            "{:?} written as {:?}: {:?}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&written),
            again
        );
        let again = again.expect("checked");
        prop_assert_eq!(&again.items, &parsed.items);
        prop_assert_eq!(&again.headers, &parsed.headers);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn stack_like_text_gives_bounded_frames_sliced_from_it(input in stack_like()) {
        let frames = parse_stack(&input);
        prop_assert!(frames.len() <= MAX_FRAMES);
        for f in &frames {
            let sliced = [("abs_path", &f.abs_path), ("filename", &f.filename), ("raw_function", &f.raw_function)];
            for (field, text) in sliced {
                if let Some(text) = text {
                    prop_assert!(input.contains(text.as_str()), "{} {:?} is not in the input", field, text);
                }
            }
            // `function` is the printed name unless a cleaned one was kept beside it.
            if let (Some(function), None) = (&f.function, &f.raw_function) {
                prop_assert!(input.contains(function.as_str()), "function {:?} is not in the input", function);
            }
            for n in [f.lineno, f.colno].into_iter().flatten() {
                prop_assert!(input.contains(&n.to_string()), "{} is not in the input", n);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_parse_or_fail_and_what_parses_reparses(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_reparse(&bytes)?;
    }

    #[test]
    fn rough_envelopes_parse_or_fail_and_what_parses_reparses(bytes in rough_envelope()) {
        check_reparse(&bytes)?;
    }

    #[test]
    fn edited_envelopes_parse_or_fail_and_what_parses_reparses(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        let seeds = seed_envelopes();
        let bytes = apply(seed.get(&seeds).clone(), &edits);
        check_reparse(&bytes)?;
    }
}
