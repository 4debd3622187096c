//! Every kind of event the core builds is accepted by Sentry's own normalizer: each envelope
//! is written to a temp dir and run through `tests/oracles/relay_validate.py` (the
//! `sentry-relay` package; `scripts/setup.sh` installs it into `.venv`). The events are the
//! shared corpus of `tests/common`, which the JSON writer test uses too. A missing Python or
//! package fails the test: it is never skipped.

mod common;
mod oracle;

use common::capture_events;
use errorbeacon::protocol::{Addr, ClientReport, DiscardedEvent};
use errorbeacon::{Dsn, Envelope};
use oracle::{now, temp_dir, validate};

#[test]
fn every_event_kind_passes_relay() {
    let dsn: Dsn = "https://0123456789abcdef0123456789abcdef@o1.ingest.example/42".parse().expect("dsn");
    let dir = temp_dir("relay-events");
    let mut failures = Vec::new();
    let all = capture_events(now());
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
    let dir = temp_dir("relay-report");
    let path = dir.join("report.envelope");
    std::fs::write(&path, env.to_bytes()).expect("write");
    let (ok, text) = validate(&path, &["--strict"]);
    assert!(ok, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The oracle is not a rubber stamp: broken envelopes and events are rejected.
#[test]
fn relay_rejects_broken_envelopes() {
    let dir = temp_dir("relay-broken");
    let good = Envelope::from_event(&capture_events(now())[0].1, None, now()).expect("envelope").to_bytes();
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
    let event =
        capture_events(now()).into_iter().find(|(n, _)| *n == "wasm-frames").map(|(_, e)| e).expect("wasm event");
    let frames = &event.main_exception().and_then(|e| e.stacktrace.as_ref()).expect("frames").frames;
    let wasm: Vec<_> = frames.iter().filter(|f| f.is_wasm()).collect();
    assert_eq!(wasm.len(), 2);
    assert_eq!(wasm[1].instruction_addr, Some(Addr(0x374e)));
    assert_eq!(wasm[1].function.as_deref(), Some("std::panicking::panic_with_hook"));
    assert_eq!(wasm[1].in_app, Some(false));
    assert_eq!(wasm[0].function.as_deref(), Some("stackfix_wasm::alpha_panic_level3"));
    assert_eq!(wasm[0].in_app, Some(true));
}
