//! The delivery state machine driven as a browser transport would drive it, with a scripted
//! server and an injected clock: keepalive budget, retries, rate limits, the queue's bounds,
//! exactly-once by event id, the offline store, page hide, client reports and a 500-capture
//! burst in which every event is either delivered or reported.

use errorbeacon::delivery::{
    event_variants, Backoff, Channel, Completion, Delivery, DeliveryConfig, Jitter, Reason, Reply, Request, StoreOp,
};
use errorbeacon::protocol::{Breadcrumb, ClientReport, DiscardedEvent, Exception, Value, Values};
use errorbeacon::{Envelope, Event, EventId, Timestamp};

const OK: Reply<'static> = Reply::Http { status: 200, retry_after: None, rate_limits: None };

fn id(n: u32) -> EventId {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&n.to_le_bytes());
    EventId(b)
}

/// An error event whose envelope is about `pad` bytes bigger than a bare one.
fn event(n: u32, pad: usize) -> Event {
    let mut e = Event::new(id(n), Timestamp(1_700_000_000_000));
    e.exception = Some(Values {
        values: vec![Exception {
            ty: Some("Error".into()),
            value: Some(["boom ", &n.to_string()].concat()),
            ..Default::default()
        }],
    });
    if pad > 0 {
        e.extra.insert("pad".into(), Value::from("x".repeat(pad)));
    }
    e
}

fn message(n: u32) -> Event {
    let mut e = Event::new(id(n), Timestamp(1_700_000_000_000));
    e.logentry = Some(errorbeacon::protocol::LogEntry { formatted: "hello".into() });
    e
}

/// An envelope with one `session` item (category `session`).
fn session() -> Vec<u8> {
    let item = errorbeacon::Item { ty: "session".into(), content_type: None, filename: None, payload: b"{}".to_vec() };
    Envelope { headers: Default::default(), items: vec![item] }.to_bytes()
}

fn bytes(e: &Event) -> Vec<u8> {
    Envelope::from_event(e, None, Timestamp(1)).expect("envelope").to_bytes()
}

fn submit(d: &mut Delivery, n: u32, pad: usize, now: u64) -> bool {
    d.submit(bytes(&event(n, pad)), None, Some(id(n)), Timestamp(now))
}

fn config() -> DeliveryConfig {
    DeliveryConfig { backoff: Backoff { jitter: Jitter::Equal, ..Backoff::default() }, ..DeliveryConfig::default() }
}

/// The counts of a client report, sorted, as (reason, category, quantity).
fn counts(report: &ClientReport) -> Vec<(String, String, u64)> {
    let mut v: Vec<_> =
        report.discarded_events.iter().map(|d| (d.reason.clone(), d.category.clone(), d.quantity)).collect();
    v.sort();
    v
}

fn count(reason: &str, category: &str, quantity: u64) -> (String, String, u64) {
    (reason.into(), category.into(), quantity)
}

fn report(d: &mut Delivery, now: u64) -> Vec<(String, String, u64)> {
    d.take_client_report(Timestamp(now)).map(|r| counts(&r)).unwrap_or_default()
}

fn item_types(body: &[u8]) -> Vec<String> {
    Envelope::parse(body).expect("envelope").items.into_iter().map(|i| i.ty).collect()
}

#[test]
fn keepalive_budget_is_shared_and_released() {
    let mut d = Delivery::new(config());
    for n in 0..3 {
        assert!(submit(&mut d, n, 25_000, 0));
    }
    let reqs = d.poll(Timestamp(0));
    let channels: Vec<_> = reqs.iter().map(|r| r.channel).collect();
    assert_eq!(channels, [Channel::Keepalive, Channel::Keepalive, Channel::Fetch], "50 KB fit in 60,000, 75 KB do not");
    assert!(reqs[0].body.len() + reqs[1].body.len() <= 60_000);
    assert_eq!(d.complete(reqs[0].id, OK, Timestamp(10), 0.0), Completion::Delivered);
    assert!(submit(&mut d, 3, 25_000, 10));
    assert_eq!(d.poll(Timestamp(10)).iter().map(|r| r.channel).collect::<Vec<_>>(), [Channel::Keepalive]);
}

#[test]
fn at_most_fifteen_keepalive_requests() {
    let mut d = Delivery::new(DeliveryConfig { max_in_flight: 40, ..config() });
    for n in 0..20 {
        submit(&mut d, n, 0, 0);
    }
    let reqs = d.poll(Timestamp(0));
    assert_eq!(reqs.len(), 20);
    assert_eq!(reqs.iter().filter(|r| r.channel == Channel::Keepalive).count(), 15);
    assert!(reqs[15..].iter().all(|r| r.channel == Channel::Fetch), "the oldest get keepalive");
}

#[test]
fn requests_in_flight_are_bounded() {
    let mut d = Delivery::new(DeliveryConfig { max_in_flight: 2, ..config() });
    for n in 0..4 {
        submit(&mut d, n, 0, 0);
    }
    let first = d.poll(Timestamp(0));
    assert_eq!(first.len(), 2);
    assert!(d.poll(Timestamp(0)).is_empty());
    assert_eq!(d.next_wakeup(), None, "only a completion can make progress");
    d.complete(first[0].id, OK, Timestamp(1), 0.0);
    let next = d.poll(Timestamp(1));
    assert_eq!(next.iter().map(|r| r.event_id).collect::<Vec<_>>(), [Some(id(2))]);
}

#[test]
fn a_big_event_goes_whole_by_fetch_and_small_by_beacon() {
    let mut big = event(1, 0);
    big.breadcrumbs = Some(Values {
        values: (0..100)
            .map(|i| Breadcrumb { timestamp: Timestamp(i), message: Some("m".repeat(2000)), ..Default::default() })
            .collect(),
    });
    let v = event_variants(big.clone(), None, Timestamp(1), 1_000_000, 60_000);
    let small = v.small.clone().expect("small variant");
    assert!(v.body.len() > 60_000 && small.len() <= 60_000);

    let mut d = Delivery::new(config());
    d.submit(v.body.clone(), Some(small.clone()), Some(id(1)), Timestamp(0));
    let reqs = d.poll(Timestamp(0));
    assert_eq!(reqs.len(), 1);
    assert_eq!((reqs[0].channel, &reqs[0].body), (Channel::Fetch, &v.body), "a live page sends all of it");
    d.complete(reqs[0].id, Reply::NetworkError, Timestamp(1), 0.0);
    let hidden = d.page_hidden(Timestamp(2));
    assert_eq!(hidden.len(), 1);
    assert_eq!((hidden[0].channel, &hidden[0].body), (Channel::Beacon, &small), "a hidden page sends what fits");
    assert_eq!(d.complete(hidden[0].id, Reply::Sent, Timestamp(2), 0.0), Completion::Delivered);
    assert!(d.is_idle());
}

#[test]
fn network_errors_are_retried_on_schedule_then_dropped() {
    let mut d = Delivery::new(config());
    submit(&mut d, 1, 0, 0);
    let mut now = 0;
    let mut waits = Vec::new();
    loop {
        let reqs = d.poll(Timestamp(now));
        assert_eq!(reqs.len(), 1, "at {now}");
        match d.complete(reqs[0].id, Reply::NetworkError, Timestamp(now), 0.5) {
            Completion::Retry(at) => {
                assert_eq!(d.next_wakeup(), Some(at));
                assert!(d.poll(Timestamp(at.0 - 1)).is_empty(), "nothing before the timer");
                waits.push(at.0 - now);
                now = at.0;
            }
            Completion::Dropped => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(waits, [750, 1500, 3000], "equal jitter at 0.5: 1 s, 2 s, 4 s halved and spread");
    assert_eq!(report(&mut d, now), [count("network_error", "error", 1)]);
    assert!(d.is_idle());
}

#[test]
fn server_errors_are_retried_and_then_delivered() {
    let mut d = Delivery::new(config());
    submit(&mut d, 1, 0, 0);
    let mut now = 0;
    for status in [500, 502, 503] {
        let r = d.poll(Timestamp(now)).pop().expect("request");
        let reply = Reply::Http { status, retry_after: None, rate_limits: None };
        let Completion::Retry(at) = d.complete(r.id, reply, Timestamp(now), 0.0) else { panic!("no retry") };
        now = at.0;
    }
    let r = d.poll(Timestamp(now)).pop().expect("request");
    assert_eq!(d.complete(r.id, OK, Timestamp(now), 0.0), Completion::Delivered);
    assert_eq!(report(&mut d, now), []);
}

#[test]
fn server_errors_on_every_try_are_a_send_error() {
    let mut d = Delivery::new(config());
    submit(&mut d, 1, 0, 0);
    let mut now = 0;
    while let Some(r) = d.poll(Timestamp(now)).pop() {
        match d.complete(r.id, Reply::Http { status: 503, retry_after: None, rate_limits: None }, Timestamp(now), 0.0) {
            Completion::Retry(at) => now = at.0,
            _ => break,
        }
    }
    assert_eq!(report(&mut d, now), [count("send_error", "error", 1)]);
}

#[test]
fn a_retry_waits_for_the_servers_retry_after() {
    let mut d = Delivery::new(config());
    submit(&mut d, 1, 0, 0);
    let r = d.poll(Timestamp(0)).pop().expect("request");
    let reply = Reply::Http { status: 503, retry_after: Some("30"), rate_limits: None };
    assert_eq!(d.complete(r.id, reply, Timestamp(0), 0.0), Completion::Retry(Timestamp(30_000)));
}

#[test]
fn client_errors_are_never_retried() {
    for status in [400, 401, 403, 413] {
        let mut d = Delivery::new(config());
        submit(&mut d, 1, 0, 0);
        let r = d.poll(Timestamp(0)).pop().expect("request");
        let reply = Reply::Http { status, retry_after: None, rate_limits: None };
        assert_eq!(d.complete(r.id, reply, Timestamp(0), 0.0), Completion::Dropped, "{status}");
        assert!(d.is_idle() && d.next_wakeup().is_none());
        assert_eq!(report(&mut d, 0), [count("send_error", "error", 1)], "{status}");
    }
}

#[test]
fn a_429_limits_later_envelopes_but_is_not_counted_twice() {
    let mut d = Delivery::new(config());
    submit(&mut d, 1, 0, 0);
    let r = d.poll(Timestamp(0)).pop().expect("request");
    let reply = Reply::Http { status: 429, retry_after: Some("2700"), rate_limits: Some("60:error:key") };
    assert_eq!(d.complete(r.id, reply, Timestamp(0), 0.0), Completion::Dropped);
    assert_eq!(d.outcomes().total(), 0, "the server counted the one it refused");
    assert!(!submit(&mut d, 2, 0, 1_000), "errors are limited for 60 s");
    assert!(d.submit(session(), None, None, Timestamp(1_000)), "only the error category is limited");
    assert_eq!(d.rate_limits().disabled_until("error"), Some(Timestamp(60_000)));
    assert!(submit(&mut d, 4, 0, 60_000), "and then no longer");
    assert_eq!(report(&mut d, 60_000), [count("ratelimit_backoff", "error", 1)]);
}

#[test]
fn a_bare_429_limits_everything_for_a_minute() {
    let mut d = Delivery::new(config());
    submit(&mut d, 1, 0, 0);
    let r = d.poll(Timestamp(0)).pop().expect("request");
    d.complete(r.id, Reply::Http { status: 429, retry_after: None, rate_limits: None }, Timestamp(0), 0.0);
    assert!(!submit(&mut d, 2, 0, 59_999));
    assert!(d.take_client_report(Timestamp(59_999)).is_none(), "client reports wait for the limit too");
    assert!(submit(&mut d, 3, 0, 60_000));
    assert_eq!(report(&mut d, 60_000), [count("ratelimit_backoff", "error", 1)]);
}

#[test]
fn limits_learned_while_queued_apply_before_sending() {
    let mut d = Delivery::new(DeliveryConfig { max_in_flight: 1, ..config() });
    submit(&mut d, 1, 0, 0);
    submit(&mut d, 2, 0, 0);
    let r = d.poll(Timestamp(0)).pop().expect("request");
    let reply = Reply::Http { status: 200, retry_after: None, rate_limits: Some("60:error:organization") };
    assert_eq!(d.complete(r.id, reply, Timestamp(5), 0.0), Completion::Delivered, "a 200 may carry limits");
    assert!(d.poll(Timestamp(5)).is_empty());
    assert!(d.is_idle());
    assert_eq!(report(&mut d, 5), [count("ratelimit_backoff", "error", 1)]);
}

#[test]
fn a_full_queue_drops_the_oldest_and_counts_it() {
    let mut d = Delivery::new(DeliveryConfig { max_queued: 3, ..config() });
    for n in 1..=5 {
        assert!(submit(&mut d, n, 0, 0));
    }
    let m = message(6);
    d.submit(bytes(&m), None, Some(id(6)), Timestamp(0));
    let sent: Vec<_> = d.poll(Timestamp(0)).into_iter().map(|r| r.event_id).collect();
    assert_eq!(sent, [Some(id(4)), Some(id(5)), Some(id(6))]);
    assert_eq!(report(&mut d, 0), [count("queue_overflow", "error", 3)], "three errors made room");
}

#[test]
fn the_byte_bound_holds_too() {
    let mut d = Delivery::new(DeliveryConfig { max_queued_bytes: 100_000, ..config() });
    for n in 0..5 {
        submit(&mut d, n, 30_000, 0);
    }
    assert_eq!(d.pending(), 3);
    assert_eq!(d.outcomes().get(Reason::QueueOverflow, "error"), 2);
}

#[test]
fn in_flight_envelopes_are_not_evicted_and_a_new_one_is_refused() {
    let mut d = Delivery::new(DeliveryConfig { max_queued: 2, ..config() });
    submit(&mut d, 1, 0, 0);
    submit(&mut d, 2, 0, 0);
    assert_eq!(d.poll(Timestamp(0)).len(), 2);
    assert!(!submit(&mut d, 3, 0, 0));
    assert_eq!(d.outcomes().get(Reason::QueueOverflow, "error"), 1);
}

#[test]
fn each_event_is_delivered_once() {
    let mut d = Delivery::new(DeliveryConfig { offline: true, ..config() });
    assert!(submit(&mut d, 1, 0, 0));
    assert!(!submit(&mut d, 1, 0, 0), "already pending");
    let r = d.poll(Timestamp(0)).pop().expect("request");
    assert_eq!(d.complete(r.id, OK, Timestamp(1), 0.0), Completion::Delivered);
    assert!(!submit(&mut d, 1, 0, 2), "already delivered");
    assert!(!d.restore(bytes(&event(1, 0)), id(1), Timestamp(2)), "the stored copy of a delivered event");
    assert_eq!(d.take_store_ops(), [StoreOp::Delete(id(1))]);
    assert!(d.poll(Timestamp(3)).is_empty());
    assert_eq!(d.outcomes().total(), 0, "a duplicate is not a drop");
}

#[test]
fn offline_store_keeps_what_the_network_lost() {
    let mut d = Delivery::new(DeliveryConfig { offline: true, ..config() });
    submit(&mut d, 1, 0, 0);
    let body = bytes(&event(1, 0));
    let mut now = 0;
    let outcome = loop {
        let r = d.poll(Timestamp(now)).pop().expect("request");
        match d.complete(r.id, Reply::NetworkError, Timestamp(now), 0.0) {
            Completion::Retry(at) => now = at.0,
            other => break other,
        }
    };
    assert_eq!(outcome, Completion::Stored);
    assert_eq!(d.take_store_ops(), [StoreOp::Put { event_id: id(1), body }]);
    assert_eq!((d.pending(), d.stored()), (0, 1));
    assert!(!d.is_idle(), "flush is not done while something waits offline");
    assert_eq!(d.outcomes().total(), 0);

    // The store is probed 5 s later; the network is back.
    let due = d.next_wakeup().expect("a wakeup for the store");
    assert_eq!(due.0, now + 5_000);
    assert!(d.poll(Timestamp(due.0 - 1)).is_empty());
    let r = d.poll(due).pop().expect("probe");
    assert_eq!(d.complete(r.id, OK, due, 0.0), Completion::Delivered);
    assert_eq!(d.take_store_ops(), [StoreOp::Delete(id(1))]);
    assert!(d.is_idle());
}

#[test]
fn the_store_is_probed_one_envelope_at_a_time_with_growing_waits() {
    let mut d = Delivery::new(DeliveryConfig {
        offline: true,
        backoff: Backoff { max_retries: 0, ..Backoff::default() },
        ..config()
    });
    for n in 1..=3 {
        submit(&mut d, n, 0, 0);
    }
    for r in d.poll(Timestamp(0)) {
        assert_eq!(d.complete(r.id, Reply::NetworkError, Timestamp(0), 0.0), Completion::Stored);
    }
    assert_eq!(d.stored(), 3);
    let mut probes = Vec::new();
    let mut now = 0;
    for _ in 0..3 {
        now = d.next_wakeup().expect("wakeup").0;
        let reqs = d.poll(Timestamp(now));
        assert_eq!(reqs.len(), 1, "one probe while offline");
        probes.push(now);
        assert_eq!(d.complete(reqs[0].id, Reply::NetworkError, Timestamp(now), 0.0), Completion::Stored);
    }
    assert_eq!(probes, [5_000, 15_000, 35_000], "5 s, then 10 s, then 20 s");
    d.resume(Timestamp(now + 1));
    let probe = d.poll(Timestamp(now + 1));
    assert_eq!(probe.len(), 1, "`online` probes at once");
    d.complete(probe[0].id, OK, Timestamp(now + 1), 0.0);
    let rest = d.poll(Timestamp(now + 1));
    assert_eq!(rest.len(), 2, "once one gets through, the rest follow");
    for r in rest {
        d.complete(r.id, OK, Timestamp(now + 2), 0.0);
    }
    assert!(d.is_idle());
    let deletes = d.take_store_ops().into_iter().filter(|op| matches!(op, StoreOp::Delete(_))).count();
    assert_eq!(deletes, 3);
}

#[test]
fn restored_envelopes_are_sent_on_page_load_and_bounded() {
    let mut d = Delivery::new(DeliveryConfig { offline: true, max_stored: 2, ..config() });
    for n in 1..=3 {
        assert!(d.restore(bytes(&event(n, 0)), id(n), Timestamp(0)));
    }
    assert!(!d.restore(bytes(&event(3, 0)), id(3), Timestamp(0)), "the same record twice");
    assert!(!d.restore(b"not an envelope".to_vec(), id(9), Timestamp(0)));
    assert_eq!(d.take_store_ops(), [StoreOp::Delete(id(1)), StoreOp::Delete(id(9))]);
    assert_eq!(report(&mut d, 0), [count("cache_overflow", "error", 1)]);
    let probe = d.poll(Timestamp(0));
    assert_eq!(probe.iter().map(|r| r.event_id).collect::<Vec<_>>(), [Some(id(2))], "one probe first");
    assert!(d.poll(Timestamp(0)).is_empty());
    d.complete(probe[0].id, OK, Timestamp(1), 0.0);
    let rest = d.poll(Timestamp(1));
    assert_eq!(rest.iter().map(|r| r.event_id).collect::<Vec<_>>(), [Some(id(3))], "then the rest");
    d.complete(rest[0].id, OK, Timestamp(2), 0.0);
    assert_eq!(d.take_store_ops(), [StoreOp::Delete(id(2)), StoreOp::Delete(id(3))]);
    let huge = Envelope {
        headers: Default::default(),
        items: vec![errorbeacon::Item {
            ty: "event".into(),
            content_type: None,
            filename: None,
            payload: vec![b'x'; 1_100_000],
        }],
    };
    assert!(!d.restore(huge.to_bytes(), id(8), Timestamp(3)), "too large to ever send");
    assert_eq!(d.take_store_ops(), [StoreOp::Delete(id(8))]);
    assert!(d.is_idle());
}

#[test]
fn a_restored_copy_of_a_pending_event_is_settled_with_it() {
    let mut d = Delivery::new(DeliveryConfig { offline: true, ..config() });
    submit(&mut d, 1, 0, 0);
    assert!(!d.restore(bytes(&event(1, 0)), id(1), Timestamp(0)));
    let r = d.poll(Timestamp(0)).pop().expect("request");
    d.complete(r.id, OK, Timestamp(1), 0.0);
    assert_eq!(d.take_store_ops(), [StoreOp::Delete(id(1))]);
}

#[test]
fn page_hide_sends_everything_pending_at_once() {
    let mut d = Delivery::new(DeliveryConfig { max_in_flight: 1, ..config() });
    for n in 1..=3 {
        submit(&mut d, n, 0, 0);
    }
    let first = d.poll(Timestamp(0)).pop().expect("request");
    assert_eq!(first.channel, Channel::Keepalive);
    let second = d.poll(Timestamp(0));
    assert!(second.is_empty());
    d.record_dropped(Reason::SampleRate, "error", 2);
    let hidden = d.page_hidden(Timestamp(1));
    let summary: Vec<_> = hidden.iter().map(|r| (r.channel, r.event_id, item_types(&r.body))).collect();
    assert_eq!(
        summary,
        [
            (Channel::Beacon, Some(id(2)), vec!["event".to_owned()]),
            (Channel::Beacon, Some(id(3)), vec!["event".to_owned()]),
            (Channel::Beacon, None, vec!["client_report".to_owned()]),
        ],
        "the request in flight stays as it is"
    );
    for r in &hidden {
        assert_eq!(d.complete(r.id, Reply::Sent, Timestamp(1), 0.0), Completion::Delivered);
    }
    d.complete(first.id, OK, Timestamp(2), 0.0);
    assert!(d.is_idle());
}

#[test]
fn page_hide_respects_the_keepalive_quota() {
    let mut d = Delivery::new(config());
    for n in 1..=3 {
        submit(&mut d, n, 25_000, 0);
    }
    let hidden = d.page_hidden(Timestamp(0));
    let channels: Vec<_> = hidden.iter().map(|r| r.channel).collect();
    assert_eq!(channels, [Channel::Beacon, Channel::Beacon, Channel::Fetch]);
    let refused = d.complete(hidden[1].id, Reply::NetworkError, Timestamp(0), 0.0);
    assert!(matches!(refused, Completion::Retry(_)), "a refused beacon is retried like a network error");
}

#[test]
fn with_offline_on_page_hide_stores_what_already_failed() {
    let mut d = Delivery::new(DeliveryConfig { offline: true, ..config() });
    submit(&mut d, 1, 0, 0);
    submit(&mut d, 2, 0, 0);
    let reqs = d.poll(Timestamp(0));
    d.complete(reqs[0].id, Reply::NetworkError, Timestamp(0), 0.0);
    d.complete(reqs[1].id, OK, Timestamp(0), 0.0);
    submit(&mut d, 3, 0, 0);
    let hidden = d.page_hidden(Timestamp(1));
    assert_eq!(hidden.iter().map(|r| r.event_id).collect::<Vec<_>>(), [Some(id(3))]);
    assert!(matches!(d.take_store_ops().as_slice(), [StoreOp::Put { event_id, .. }] if *event_id == id(1)));
}

/// Sends `n` through every retry with the network down.
fn fail(d: &mut Delivery, body: Vec<u8>, event_id: Option<EventId>) -> Completion {
    d.submit(body, None, event_id, Timestamp(0));
    let mut now = 0;
    while let Some(r) = d.poll(Timestamp(now)).pop() {
        match d.complete(r.id, Reply::NetworkError, Timestamp(now), 0.0) {
            Completion::Retry(at) => now = at.0,
            other => return other,
        }
    }
    Completion::Unknown
}

#[test]
fn the_client_report_names_every_drop_kind() {
    let mut d = Delivery::new(DeliveryConfig { max_queued: 1, offline: true, max_stored: 1, ..config() });
    // queue_overflow: a second envelope in a queue of one.
    submit(&mut d, 1, 0, 0);
    submit(&mut d, 2, 0, 0);
    // send_error: a 400.
    let r = d.poll(Timestamp(0)).pop().expect("request");
    d.complete(r.id, Reply::Http { status: 400, retry_after: None, rate_limits: None }, Timestamp(0), 0.0);
    // cache_overflow: two events stored in a store of one.
    assert_eq!(fail(&mut d, bytes(&event(3, 0)), Some(id(3))), Completion::Stored);
    assert_eq!(fail(&mut d, bytes(&event(4, 0)), Some(id(4))), Completion::Stored);
    // network_error: an envelope without event id cannot be stored.
    assert_eq!(fail(&mut d, session(), None), Completion::Dropped);
    // ratelimit_backoff: a 200 that announces a limit on errors, then an error.
    submit(&mut d, 5, 0, 0);
    let r = d.poll(Timestamp(0)).pop().expect("request");
    d.complete(r.id, Reply::Http { status: 200, retry_after: None, rate_limits: Some("60:error") }, Timestamp(0), 0.0);
    assert!(!submit(&mut d, 6, 0, 1));
    // The client's own drops.
    d.absorb_report(&ClientReport {
        timestamp: Timestamp(0),
        discarded_events: ["sample_rate", "before_send", "event_processor"]
            .into_iter()
            .map(|reason| DiscardedEvent { reason: reason.into(), category: "error".into(), quantity: 1 })
            .collect(),
    });

    assert!(d.queue_client_report(Timestamp(100_000)));
    let r = d.poll(Timestamp(100_000)).pop().expect("the report goes out");
    let env = Envelope::parse(&r.body).expect("envelope");
    assert_eq!(env.items.len(), 1);
    assert_eq!(env.items[0].ty, "client_report");
    let sent: ClientReport = serde_json::from_slice(&env.items[0].payload).expect("report json");
    assert_eq!(
        counts(&sent),
        [
            count("before_send", "error", 1),
            count("cache_overflow", "error", 1),
            count("event_processor", "error", 1),
            count("network_error", "session", 1),
            count("queue_overflow", "error", 1),
            count("ratelimit_backoff", "error", 1),
            count("sample_rate", "error", 1),
            count("send_error", "error", 1),
        ]
    );
    assert_eq!(sent.timestamp, Timestamp(100_000));
    // A lost client report is never counted, nor stored offline.
    d.complete(r.id, Reply::Http { status: 400, retry_after: None, rate_limits: None }, Timestamp(100_000), 0.0);
    assert_eq!(d.outcomes().total(), 0);
    assert!(d
        .take_store_ops()
        .iter()
        .all(|op| !matches!(op, StoreOp::Put { event_id, .. } if *event_id != id(3) && *event_id != id(4))));
}

#[test]
fn a_report_never_pushes_an_event_out() {
    let mut d = Delivery::new(DeliveryConfig { max_queued: 1, ..config() });
    submit(&mut d, 1, 0, 0);
    d.record_dropped(Reason::BeforeSend, "error", 1);
    assert!(!d.queue_client_report(Timestamp(0)));
    assert_eq!(d.outcomes().get(Reason::BeforeSend, "error"), 1, "the counts wait for the next report");
    assert_eq!(d.pending(), 1);
}

#[test]
fn hostile_inputs_are_refused_without_panics() {
    let mut d = Delivery::new(config());
    assert!(!d.submit(Vec::new(), None, None, Timestamp(0)));
    assert!(!d.submit(b"{}\n{\"type\":\"event\",\"length\":999}\n{}".to_vec(), None, None, Timestamp(0)));
    assert_eq!(d.outcomes().get(Reason::InternalSdkError, "error"), 2);
    assert_eq!(d.complete(42, OK, Timestamp(0), 0.0), Completion::Unknown);
    let huge = vec![b'x'; 2_000_000];
    let env = Envelope {
        headers: Default::default(),
        items: vec![errorbeacon::Item { ty: "attachment".into(), content_type: None, filename: None, payload: huge }],
    };
    assert!(!d.submit(env.to_bytes(), None, None, Timestamp(0)), "too large for any channel");
    assert_eq!(d.outcomes().get(Reason::SendError, "attachment"), 1);
}

/// A burst of 500 captures in one tick, a server that fails some requests, and a page that
/// is hidden halfway: every event ends delivered, refused by the server (429), or reported.
#[test]
fn a_burst_of_500_is_delivered_or_reported() {
    let mut d = Delivery::new(config());
    let mut delivered = std::collections::HashSet::new();
    let mut refused = 0u64;
    let mut reported = 0u64;
    let mut in_flight: Vec<Request> = Vec::new();
    let mut now = 0u64;
    let mut replies = 0u64;
    // The sink fails every third and seventh request in ten and rate-limits the 20th; it
    // takes every client report (a lost report would lose its counts: best effort, by spec).
    let mut reply_for = |r: &Request| {
        if r.event_id.is_none() {
            return OK;
        }
        replies += 1;
        match replies % 10 {
            3 => Reply::Http { status: 503, retry_after: None, rate_limits: None },
            7 => Reply::NetworkError,
            _ if replies == 20 => Reply::Http { status: 429, retry_after: Some("1"), rate_limits: None },
            _ => OK,
        }
    };
    for n in 0..500 {
        assert!(d.submit(bytes(&event(n, 200)), None, Some(id(n)), Timestamp(now)));
        in_flight.extend(d.poll(Timestamp(now)));
    }
    // The server answers in the next ticks; the page is hidden once, halfway.
    let mut hidden = false;
    let mut rounds = 0;
    while !d.is_idle() || !in_flight.is_empty() {
        rounds += 1;
        assert!(rounds < 10_000, "stuck");
        now += 100;
        for r in std::mem::take(&mut in_flight) {
            let reply = if r.channel == Channel::Beacon { Reply::Sent } else { reply_for(&r) };
            match d.complete(r.id, reply, Timestamp(now), 0.25) {
                Completion::Delivered => {
                    if let Some(e) = r.event_id {
                        assert!(delivered.insert(e), "delivered twice");
                    } else {
                        reported += sum_report(&r.body);
                    }
                }
                Completion::Dropped if matches!(reply, Reply::Http { status: 429, .. }) => refused += 1,
                _ => {}
            }
        }
        if !hidden && delivered.len() > 20 {
            hidden = true;
            in_flight.extend(d.page_hidden(Timestamp(now)));
        }
        d.queue_client_report(Timestamp(now));
        in_flight.extend(d.poll(Timestamp(now)));
        if in_flight.is_empty() {
            if let Some(t) = d.next_wakeup() {
                now = now.max(t.0);
                in_flight.extend(d.poll(Timestamp(now)));
            }
        }
    }
    reported += d.outcomes().total();
    let delivered = delivered.len() as u64;
    println!("500 captured: {delivered} delivered, {refused} refused by the server (429), {reported} reported dropped");
    assert_eq!(delivered + refused + reported, 500);
    // Ten went out at once; the 429's one-second limit on everything then dropped what was
    // queued (reported as ratelimit_backoff), and the hidden page's beacons took the rest.
    assert!(delivered >= 10 && refused == 1, "{delivered} {refused}");
}

fn sum_report(body: &[u8]) -> u64 {
    let env = Envelope::parse(body).expect("envelope");
    env.items
        .iter()
        .filter(|i| i.ty == "client_report")
        .filter_map(|i| serde_json::from_slice::<ClientReport>(&i.payload).ok())
        .flat_map(|r| r.discarded_events)
        .map(|d| d.quantity)
        .sum()
}

/// The same burst against a healthy server: what the queue holds gets through, the rest is
/// reported as `queue_overflow`, oldest first.
#[test]
fn a_burst_of_500_against_a_healthy_server() {
    let mut d = Delivery::new(config());
    let mut in_flight = Vec::new();
    for n in 0..500 {
        d.submit(bytes(&event(n, 200)), None, Some(id(n)), Timestamp(0));
        in_flight.extend(d.poll(Timestamp(0)));
    }
    let mut delivered = Vec::new();
    while !in_flight.is_empty() {
        for r in std::mem::take(&mut in_flight) {
            assert_eq!(d.complete(r.id, OK, Timestamp(1), 0.0), Completion::Delivered);
            delivered.extend(r.event_id);
        }
        in_flight.extend(d.poll(Timestamp(1)));
    }
    assert_eq!(delivered.len(), 40);
    assert_eq!(delivered[..10], (0..10).map(id).collect::<Vec<_>>()[..], "the first ten were in flight");
    assert_eq!(delivered[10..], (470..500).map(id).collect::<Vec<_>>()[..], "then the newest thirty");
    assert_eq!(report(&mut d, 1), [count("queue_overflow", "error", 460)]);
}

mod accounting {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[derive(Clone, Debug)]
    enum Op {
        Submit(usize),
        Poll,
        /// Completes the in-flight request at this index (modulo) with a reply of this kind.
        Complete(usize, u8),
        PageHidden,
        Wait(u64),
        Resume,
        Report,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0usize..40_000).prop_map(Op::Submit),
            3 => Just(Op::Poll),
            5 => (any::<usize>(), 0u8..8).prop_map(|(i, k)| Op::Complete(i, k)),
            1 => Just(Op::PageHidden),
            2 => (0u64..20_000).prop_map(Op::Wait),
            1 => Just(Op::Resume),
            1 => Just(Op::Report),
        ]
    }

    /// The server's answer of kind `k`. Client reports are only ever taken or lost on the
    /// network (a report the server refuses loses its counts, by design of the spec).
    fn reply(k: u8, r: &Request) -> Reply<'static> {
        if r.channel == Channel::Beacon {
            return if k == 7 { Reply::NetworkError } else { Reply::Sent };
        }
        match (k, r.event_id) {
            (0 | 1, _) => OK,
            (2, _) => Reply::NetworkError,
            (3, Some(_)) => Reply::Http { status: 503, retry_after: None, rate_limits: None },
            (4, Some(_)) => Reply::Http { status: 429, retry_after: Some("2"), rate_limits: None },
            (5, Some(_)) => Reply::Http { status: 400, retry_after: None, rate_limits: None },
            (6, _) => Reply::Http { status: 200, retry_after: None, rate_limits: Some("3:error:key") },
            _ => OK,
        }
    }

    #[derive(Default)]
    struct Tally {
        delivered: HashSet<EventId>,
        refused: u64,
        reported: u64,
    }

    impl Tally {
        fn settle(&mut self, r: &Request, reply: Reply<'_>, c: Completion) {
            match (c, r.event_id) {
                (Completion::Delivered, Some(e)) => assert!(self.delivered.insert(e), "delivered twice"),
                (Completion::Delivered, None) => self.reported += sum_report(&r.body),
                (Completion::Dropped, Some(_)) if matches!(reply, Reply::Http { status: 429, .. }) => self.refused += 1,
                _ => {}
            }
        }
    }

    /// Applies store operations to a model of the offline store: a key is put only when
    /// absent and deleted only when present.
    fn mirror(store: &mut HashSet<EventId>, ops: Vec<StoreOp>) -> Result<(), TestCaseError> {
        for op in ops {
            match op {
                StoreOp::Put { event_id, .. } => prop_assert!(store.insert(event_id), "put twice"),
                StoreOp::Delete(event_id) => prop_assert!(store.remove(&event_id), "deleted an absent copy"),
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever happens, memory stays bounded, every submitted event ends up exactly once
        /// as delivered, refused by the server (429) or counted in a client report, and the
        /// offline store is left empty once everything is settled.
        #[test]
        fn every_event_is_accounted_for(ops in proptest::collection::vec(op(), 1..120), offline in any::<bool>()) {
            let backoff = Backoff { max_retries: 1, ..Backoff::default() };
            let cfg = DeliveryConfig { max_queued: 6, max_in_flight: 3, max_stored: 3, offline, backoff, ..config() };
            let mut d = Delivery::new(cfg);
            let mut now = 0u64;
            let mut next = 0u32;
            let mut in_flight: Vec<Request> = Vec::new();
            let mut t = Tally::default();
            let mut store = HashSet::new();
            for op in ops {
                match op {
                    Op::Submit(pad) => {
                        d.submit(bytes(&event(next, pad)), None, Some(id(next)), Timestamp(now));
                        next += 1;
                    }
                    Op::Poll => in_flight.extend(d.poll(Timestamp(now))),
                    Op::Complete(i, k) if !in_flight.is_empty() => {
                        let r = in_flight.remove(i % in_flight.len());
                        let rep = reply(k, &r);
                        let c = d.complete(r.id, rep, Timestamp(now), 0.5);
                        t.settle(&r, rep, c);
                    }
                    Op::Complete(..) => {}
                    Op::PageHidden => in_flight.extend(d.page_hidden(Timestamp(now))),
                    Op::Wait(ms) => now += ms,
                    Op::Resume => d.resume(Timestamp(now)),
                    Op::Report => {
                        d.queue_client_report(Timestamp(now));
                    }
                }
                prop_assert!(d.pending() <= 6 && d.stored() <= 3);
                mirror(&mut store, d.take_store_ops())?;
            }
            // Then the network heals: everything pending ends.
            let mut rounds = 0;
            loop {
                for r in std::mem::take(&mut in_flight) {
                    let c = d.complete(r.id, OK, Timestamp(now), 0.5);
                    t.settle(&r, OK, c);
                }
                d.resume(Timestamp(now));
                d.queue_client_report(Timestamp(now));
                in_flight.extend(d.poll(Timestamp(now)));
                if in_flight.is_empty() && d.is_idle() {
                    break;
                }
                now += 1_000;
                rounds += 1;
                prop_assert!(rounds < 1_000, "stuck: {} pending, {} stored", d.pending(), d.stored());
            }
            mirror(&mut store, d.take_store_ops())?;
            prop_assert!(store.is_empty(), "stored copies left behind: {}", store.len());
            let reported = t.reported + d.outcomes().total();
            prop_assert_eq!(t.delivered.len() as u64 + t.refused + reported, u64::from(next));
        }
    }
}

/// Regression: the report's counts were taken out of its entry on its first pass through the
/// rate-limit filter, so a report evicted after one failed try lost them.
#[test]
fn a_report_evicted_after_a_failed_try_puts_its_counts_back() {
    let mut d = Delivery::new(DeliveryConfig { max_queued: 2, ..config() });
    d.record_dropped(Reason::BeforeSend, "error", 4);
    assert!(d.queue_client_report(Timestamp(0)));
    let r = d.poll(Timestamp(0)).pop().expect("report");
    assert!(matches!(d.complete(r.id, Reply::NetworkError, Timestamp(0), 0.0), Completion::Retry(_)));
    submit(&mut d, 1, 0, 0);
    submit(&mut d, 2, 0, 0);
    assert_eq!(d.outcomes().get(Reason::BeforeSend, "error"), 4);
}
