#![allow(dead_code)]
//! What every fuzz target checks, shared with the stable regression tests
//! (tests/fuzz_regressions.rs runs each kept input through the same function). Each function
//! panics on a violation, which libFuzzer reports as a crash.

use errorbeacon::write::{write_envelope, Capture, Exc, Out};
use errorbeacon::{Envelope, FrameBounds};

/// Bytes of work per byte of input allowed to the stack parser's searches (the linear-work
/// property test in src/stack/write.rs holds the same bound), plus a constant for tiny inputs.
pub const WORK_PER_BYTE: usize = 64;

/// Stack parsing, both outputs: frames as JSON always parse, the table's ranges lie inside
/// the stack (or the table declines), and, where the work counter is compiled in (fuzzing),
/// the searches look at each byte a bounded number of times.
/// The stack is text, as every caller hands it over (JavaScript's `TextEncoder`, a Rust `&str`):
/// arbitrary bytes are read as UTF-8 with replacement first.
pub fn stack(data: &[u8], work: &dyn Fn() -> Option<usize>) {
    let text = String::from_utf8_lossy(data);
    let data = text.as_bytes();
    let _ = work();
    let mut out = Out::new(usize::MAX);
    let n = errorbeacon::write_frames(&mut out, data, b"https://h/errorbeacon/", FrameBounds::ALL);
    let frames: serde_json::Value = serde_json::from_slice(out.bytes()).unwrap_or_else(|e| panic!("frames JSON: {e}"));
    assert_eq!(frames.as_array().map(Vec::len), Some(n), "the count returned is the frames written");
    let mut table = Vec::new();
    let mut side = Vec::new();
    if let Some(m) = errorbeacon::table_frames(&mut table, &mut side, data, b"https://h/errorbeacon/") {
        assert_eq!(table.len(), m * errorbeacon::TABLE_RECORD);
        for rec in table.chunks(errorbeacon::TABLE_RECORD) {
            let flags = rec[10];
            for (i, flag) in [(0, 1u32), (1, 4), (2, 8), (3, 16)] {
                if flags & flag != 0 {
                    let (a, b) = (rec[2 * i] as usize, rec[2 * i + 1] as usize);
                    let within = if i == 0 && flags & 2 != 0 { side.len() } else { data.len() };
                    assert!(a <= b && b <= within, "range {a}..{b} outside {within}");
                }
            }
        }
    }
    if let Some(w) = work() {
        assert!(w <= WORK_PER_BYTE * data.len() + 4096, "{w} bytes looked at for {} bytes", data.len());
    }
}

/// A capture's parts from arbitrary bytes: `data` split at `0xff` bytes into the strings of
/// two exceptions, the message and the fixed-shape JSON parts, under a limit from the first
/// byte. The envelope always fits the limit, reads back as an envelope whose event is JSON,
/// or is refused as too large.
pub fn envelope_writer(data: &[u8]) {
    // Text, as every caller hands it over (see `stack`).
    let text = String::from_utf8_lossy(data).into_owned().replace('\u{fffd}', "\u{ff}");
    let data = text.as_bytes();
    // Split at U+00FF (`ÿ`, bytes C3 BF): every part stays text.
    let mut parts = text.split('\u{ff}').map(str::as_bytes);
    let mut next = || parts.next().unwrap_or_default();
    let limit = match data.first() {
        Some(b) if b % 2 == 0 => 65_536,
        Some(b) if b % 3 == 0 => 2_000,
        _ => 1_000_000,
    };
    let exceptions = [
        Exc { ty: next(), value: next(), stack: next(), mechanism: b"{\"type\":\"chained\"}", ..Exc::default() },
        Exc {
            ty: next(),
            value: next(),
            stack: next(),
            synthetic: next(),
            mechanism: b"{\"type\":\"generic\"}",
            rust: None,
        },
    ];
    let c = Capture {
        event_id: b"0123456789abcdef0123456789abcdef",
        timestamp: b"2026-12-07T18:00:00.000Z",
        sent_at: b"2026-12-07T18:00:00.000Z",
        level: b"error",
        release: next(),
        environment: next(),
        message: next(),
        exceptions: &exceptions,
        breadcrumbs: b"[{\"timestamp\":1796642640.5,\"message\":\"a\"},{\"timestamp\":1796642641,\"message\":\"b\"}]",
        tags: b"{\"a\":\"b\"}",
        extra: b"{\"big\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"n\":1}",
        sdk: b"{\"name\":\"errorbeacon.javascript\",\"version\":\"0.1.0\"}",
        dsn: b"https://k@h/1",
        ..Capture::default()
    };
    let mut out = Out::new(limit);
    let w = write_envelope(&mut out, &c);
    if w.too_large {
        assert!(out.is_empty(), "nothing written when even the minimal event does not fit");
        return;
    }
    let bytes = out.bytes();
    assert!(bytes.len() <= limit, "{} > {limit}", bytes.len());
    let env = Envelope::parse(bytes).unwrap_or_else(|e| panic!("envelope: {e:?}"));
    let item = env.items.first().expect("one item");
    let _: serde_json::Value = serde_json::from_slice(&item.payload).unwrap_or_else(|e| panic!("event JSON: {e}"));
    let _: errorbeacon::Event = serde_json::from_slice(&item.payload).unwrap_or_else(|e| panic!("protocol types: {e}"));
}

/// The envelope reader on anything; what it accepts writes back to bytes it reads the same.
pub fn envelope_reader(data: &[u8]) {
    if let Ok(env) = Envelope::parse(data) {
        let again = Envelope::parse(&env.to_bytes()).unwrap_or_else(|e| panic!("round trip: {e:?}"));
        assert_eq!(again.items.len(), env.items.len());
        for (a, b) in again.items.iter().zip(&env.items) {
            assert_eq!(a.payload, b.payload);
        }
    }
}

/// DSN parsing on any text; a DSN it accepts prints to text that parses to the same DSN, and
/// its URLs and header are built without panicking.
pub fn dsn(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = text.parse::<errorbeacon::Dsn>() {
        let again: errorbeacon::Dsn = d.to_text().parse().unwrap_or_else(|e| panic!("{}: {e:?}", d.to_text()));
        assert_eq!(again.to_text(), d.to_text());
        let _ = (d.envelope_url(), d.auth_header("c/1"), d.envelope_url_with_auth("c/1"));
    }
}

/// A request started: its id is not one already in flight.
fn start(started: &mut Vec<u64>, id: u64) {
    assert!(!started.contains(&id), "request {id} started twice");
    started.push(id);
}

/// The flat delivery policy driven by arbitrary operations, rate-limit headers and statuses:
/// nothing panics, every request it starts is of an envelope it took, and it stays bounded.
pub fn delivery(data: &[u8]) {
    use errorbeacon::delivery::flat::{Flat, Reply};
    let mut flat = Flat::new();
    let mut now = 1_000u64;
    let mut started: Vec<u64> = Vec::new();
    let mut taken = 0u32;
    let mut ops = data.chunks(8);
    while let Some(op) = ops.next() {
        let b = |i: usize| op.get(i).copied().unwrap_or(0);
        now += u64::from(b(1)) * 97;
        match b(0) % 8 {
            0 | 1 => {
                if flat.submit(u64::from(b(2)) * 1000 + 1, u64::from(b(3)) * 100, Some([b(4); 16]), now).is_some() {
                    taken += 1;
                }
            }
            2 => flat.poll(now, &mut |r| start(&mut started, r.id)),
            3 | 4 => {
                let Some(id) = started.pop() else { continue };
                let text = ops.next().map(|t| String::from_utf8_lossy(t).into_owned()).unwrap_or_default();
                let reply = match b(2) % 4 {
                    0 => Reply::NetworkError,
                    1 => Reply::Sent,
                    _ => Reply::Http {
                        status: [200, 429, 500, 503, 413, 400, 0][usize::from(b(3)) % 7],
                        retry_after: (b(4) % 2 == 0).then_some(text.as_str()),
                        rate_limits: (b(5) % 2 == 0).then_some(text.as_str()),
                    },
                };
                let _ = flat.complete(id, reply, now, f64::from(b(6)) / 256.0);
            }
            5 => flat.page_hidden(now, &mut |r| start(&mut started, r.id)),
            6 => flat.set_offline(b(2) % 2 == 0),
            _ => {
                let _ = flat.take_report(now);
                flat.take_settled(&mut |_| {});
                flat.take_store_ops(&mut |_| {});
            }
        }
        assert!(started.len() <= taken as usize, "{} requests started for {taken} envelopes taken", started.len());
        let _ = flat.next_wakeup();
    }
}

/// `X-Sentry-Rate-Limits` and `Retry-After` as the host reads them, on any text: bounded
/// results (a limit the header states is at most its seconds, and never overflows).
pub fn rate_limits(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let limits = errorbeacon::delivery::parse_rate_limits(&text);
    assert!(limits.len() <= text.len() + 1, "{} limits from {} bytes", limits.len(), text.len());
    for l in &limits {
        assert!(l.categories.len() <= text.len(), "categories out of nothing");
    }
    let now = errorbeacon::Timestamp(1_796_642_640_000);
    let _ = errorbeacon::delivery::parse_retry_after(&text, now);
}
