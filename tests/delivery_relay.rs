//! What the delivery policy puts on the wire passes Sentry's own normalizer: trimmed events
//! (both channel variants, and the minimal event), envelopes with rate-limited items taken
//! out, and client report envelopes. Run through `tests/oracles/relay_validate.py` exactly as
//! `tests/relay_oracle.rs` does: a missing Python or `sentry-relay` fails, never skips.

mod delivery_fixtures;
mod oracle;

use delivery_fixtures::{five_megabytes, huge_crash_site};
use errorbeacon::delivery::{
    event_variants, Delivery, DeliveryConfig, Reason, Reply, FETCH_MAX_BYTES, KEEPALIVE_BYTES,
};
use errorbeacon::{Dsn, Envelope, Item};
use oracle::{now, temp_dir, validate};

/// Writes each envelope and validates it (strictly, unless its label ends in `~`: then
/// values Relay trims further are allowed); fails with every rejection.
fn check_all(name: &str, envelopes: &[(&str, Vec<u8>)]) {
    let dir = temp_dir(name);
    let mut failures = Vec::new();
    for (label, bytes) in envelopes {
        let path = dir.join(format!("{}.envelope", label.trim_end_matches('~')));
        std::fs::write(&path, bytes).expect("write");
        let strict: &[&str] = if label.ends_with('~') { &["--quiet"] } else { &["--strict", "--quiet"] };
        let (ok, text) = validate(&path, strict);
        if !ok {
            failures.push(format!("{label} ({} bytes):\n{text}", bytes.len()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn dsn() -> Dsn {
    "https://0123456789abcdef0123456789abcdef@o1.ingest.example/42".parse().expect("dsn")
}

#[test]
fn trimmed_events_pass_relay() {
    let t = now();
    let big = event_variants(five_megabytes(t), Some(dsn().to_text().as_str()), t, FETCH_MAX_BYTES, KEEPALIVE_BYTES);
    let huge = event_variants(huge_crash_site(t), Some(dsn().to_text().as_str()), t, FETCH_MAX_BYTES, KEEPALIVE_BYTES);
    let minimal = event_variants(huge_crash_site(t), Some(dsn().to_text().as_str()), t, FETCH_MAX_BYTES, 1_000);
    assert!(minimal.small_trimmed.as_ref().is_some_and(|m| m.fits), "the minimal event fits 1,000 bytes");
    check_all(
        "trimmed",
        &[
            ("five-mb-fetch", big.body),
            ("five-mb-keepalive", big.small.expect("small")),
            // Trimmed to fit, its 8192-character frame function and mechanism data are still
            // longer than Relay keeps (512 and 2048): Relay cuts them further, with a remark.
            ("huge-crash-site~", huge.body),
            ("minimal", minimal.small.expect("minimal")),
        ],
    );
}

#[test]
fn what_delivery_sends_passes_relay() {
    let t = now();
    let mut d = Delivery::new(DeliveryConfig { dsn: Some(dsn().to_text()), ..DeliveryConfig::default() });
    // An envelope with an event and an attachment; attachments then get rate limited.
    let event = &delivery_fixtures::five_megabytes(t);
    let v = event_variants(event.clone(), Some(dsn().to_text().as_str()), t, FETCH_MAX_BYTES, KEEPALIVE_BYTES);
    let mut env = Envelope::parse(&v.body).expect("envelope");
    env.items.push(Item {
        ty: "attachment".into(),
        content_type: Some("text/plain".into()),
        filename: Some("log.txt".into()),
        payload: b"line one\nline two".to_vec(),
    });
    assert!(d.submit(env.to_bytes(), v.small, Some(event.event_id), t));
    let huge = huge_crash_site(t);
    let h = event_variants(huge.clone(), Some(dsn().to_text().as_str()), t, FETCH_MAX_BYTES, KEEPALIVE_BYTES);
    assert!(d.submit(h.body, h.small, Some(huge.event_id), t));
    let first = d.poll(t);
    let limits = Reply::Http { status: 200, retry_after: None, rate_limits: Some("60:attachment:key") };
    d.complete(first[1].id, limits, t, 0.0);
    let mut sent = Vec::new();
    // A retry of the first one goes out without its attachment.
    d.complete(first[0].id, Reply::NetworkError, t, 0.0);
    d.record_dropped(Reason::SampleRate, "error", 3);
    let hidden = d.page_hidden(t);
    assert_eq!(hidden.len(), 2);
    for (i, r) in hidden.into_iter().enumerate() {
        let types: Vec<String> = Envelope::parse(&r.body).expect("envelope").items.into_iter().map(|i| i.ty).collect();
        sent.push((if i == 0 { "event-without-attachment" } else { "client-report" }, r.body, types));
    }
    assert_eq!(sent[0].2, ["event"]);
    assert_eq!(sent[1].2, ["client_report"]);
    check_all("sent", &sent.into_iter().map(|(label, body, _)| (label, body)).collect::<Vec<_>>());
}
