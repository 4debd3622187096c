//! The flat policy against [`crate::delivery::Delivery`] (offline off): the same random
//! operations on both, every request, completion, wake-up, idle state and count compared.

use super::*;
use crate::delivery::{Delivery, DeliveryConfig, Reply as OldReply};
use crate::envelope::envelope_with;
use crate::protocol::{ClientSdkInfo, EventId, Timestamp};
use proptest::prelude::*;

/// An event envelope of about `size` bytes, as the SDK writes one.
fn envelope(id: [u8; 16], size: usize) -> Vec<u8> {
    let payload =
        format!(r#"{{"event_id":"{}","message":"{}"}}"#, crate::text::hex(&id), "x".repeat(size.saturating_sub(200)));
    envelope_with(Some(&EventId(id)), &Timestamp(0), None, &ClientSdkInfo::errorbeacon(), "event", payload.as_bytes())
}

#[derive(Clone, Debug)]
enum Op {
    /// An event of size class `size` (with a keepalive variant when `small`), event id `id`.
    Submit {
        size: u8,
        small: bool,
        id: u8,
    },
    Poll,
    /// The `k`-th request in flight ends with `reply`.
    Complete {
        k: u8,
        reply: u8,
        header: u8,
        random: u8,
    },
    Hidden,
    Advance(u32),
    Report,
    Record {
        reason: u8,
        default: bool,
        n: u8,
    },
    /// An envelope read back from the offline store (page load).
    Restore {
        size: u8,
        id: u8,
    },
    /// `online`, or `flush`: the offline store is tried now.
    Resume,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..5, any::<bool>(), 0u8..12).prop_map(|(size, small, id)| Op::Submit { size, small, id }),
        3 => Just(Op::Poll),
        5 => (0u8..4, 0u8..7, 0u8..8, any::<u8>()).prop_map(|(k, reply, header, random)| Op::Complete { k, reply, header, random }),
        1 => Just(Op::Hidden),
        2 => (0u32..70_000).prop_map(Op::Advance),
        1 => Just(Op::Report),
        1 => (5u8..8, any::<bool>(), 1u8..4).prop_map(|(reason, default, n)| Op::Record { reason, default, n }),
        1 => (0u8..5, 0u8..12).prop_map(|(size, id)| Op::Restore { size, id }),
        1 => Just(Op::Resume),
    ]
}

const SIZES: [usize; 5] = [600, 20_000, 45_000, 70_000, 1_100_000];
const HEADERS: [(Option<&str>, Option<&str>); 8] = [
    (None, None),
    (Some("3"), None),
    (None, Some("2:error:org, 5::org")),
    (None, Some("7:internal;default:org")),
    (None, Some("nonsense, 1:transaction:org")),
    (Some(" 1.5 "), Some(" ")),
    (Some("soon"), Some(" 4 : error ; metric_bucket :org::ns, 2.25: ;; :org")),
    (None, Some("1:metric_bucket:org::custom,9.0001::")),
];

/// A request as both sides describe it: id, channel, bytes sent.
type Started = (u64, u8, usize);

fn channel(c: Channel) -> u8 {
    c as u8
}

fn counts_of(old: &crate::delivery::Outcomes) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for (i, r) in REASON_ORDER.iter().enumerate() {
        for (j, c) in ["error", "default"].iter().enumerate() {
            let _ = (i, j);
            let n = old.get(*r, c);
            if n > 0 {
                out.push((r.as_str().to_owned(), (*c).to_owned(), n));
            }
        }
    }
    out
}

fn counts_flat(c: &Counts) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for (i, r) in REASON_ORDER.iter().enumerate() {
        for (j, cat) in ["error", "default"].iter().enumerate() {
            let n = u64::from(c[i][j]);
            if n > 0 {
                out.push((r.as_str().to_owned(), (*cat).to_owned(), n));
            }
        }
    }
    out
}

/// A flat request, checked against the sizes its ticket's bytes have.
fn take(
    bodies: &std::collections::HashMap<u32, (usize, usize)>,
    r: Request,
    out: &mut Vec<Started>,
) -> Result<(), TestCaseError> {
    let (full, small) = bodies.get(&r.ticket).copied().unwrap_or((0, 0));
    prop_assert_eq!(r.bytes as usize, if r.small { small } else { full });
    out.push((r.id, channel(r.channel), r.bytes as usize));
    Ok(())
}

/// A store operation as both sides describe it: put (event id, bytes) or delete (event id).
type Stored = (bool, u8, usize);

fn run(ops: &[Op], offline: bool) -> Result<(), TestCaseError> {
    let mut old = Delivery::new(DeliveryConfig { offline, ..DeliveryConfig::default() });
    let mut flat = Flat::new();
    flat.set_offline(offline);
    let mut now = 1_000_000u64;
    // Requests in flight, in start order (the same on both sides, checked).
    let mut flying: Vec<Started> = Vec::new();
    // The flat side's bodies by ticket: (full, small) sizes, to check what a request sends.
    let mut bodies: std::collections::HashMap<u32, (usize, usize)> = Default::default();
    for op in ops {
        let mut old_started: Vec<Started> = Vec::new();
        let mut flat_started: Vec<Started> = Vec::new();
        match *op {
            Op::Submit { size, small, id } => {
                let id = [id; 16];
                let full = envelope(id, SIZES[usize::from(size)]);
                let small = small.then(|| envelope(id, 30_000));
                let (fl, sl) = (full.len(), small.as_ref().map_or(0, Vec::len));
                let a = old.submit(full, small, Some(EventId(id)), Timestamp(now));
                let b = flat.submit(fl as u64, sl as u64, Some(id), now);
                prop_assert_eq!(a, b.is_some(), "submit");
                if let Some(t) = b {
                    bodies.insert(t, (fl, sl));
                }
            }
            Op::Poll => {
                for r in old.poll(Timestamp(now)) {
                    old_started.push((r.id, channel(r.channel), r.body.len()));
                }
                let mut got = Vec::new();
                flat.poll(now, &mut |r| got.push(r));
                for r in got {
                    take(&bodies, r, &mut flat_started)?;
                }
            }
            Op::Complete { k, reply, header, random } => {
                if flying.is_empty() {
                    continue;
                }
                let (id, _, _) = flying.remove(usize::from(k) % flying.len());
                let (retry_after, rate_limits) = HEADERS[usize::from(header)];
                let status = [200u16, 429, 413, 500, 503, 0, 0][usize::from(reply)];
                let r = f64::from(random) / 256.0;
                let (a, b) = match reply {
                    5 => (
                        old.complete(id, OldReply::NetworkError, Timestamp(now), r),
                        flat.complete(id, Reply::NetworkError, now, r),
                    ),
                    6 => (old.complete(id, OldReply::Sent, Timestamp(now), r), flat.complete(id, Reply::Sent, now, r)),
                    _ => (
                        old.complete(id, OldReply::Http { status, retry_after, rate_limits }, Timestamp(now), r),
                        flat.complete(id, Reply::Http { status, retry_after, rate_limits }, now, r),
                    ),
                };
                prop_assert_eq!(a, b, "complete");
            }
            Op::Hidden => {
                // The old policy queues and starts the client report inside `page_hidden`; the
                // flat one leaves writing it to the host, then starts it.
                for r in old.page_hidden(Timestamp(now)) {
                    old_started.push((r.id, channel(r.channel), r.body.len()));
                }
                let mut got = Vec::new();
                flat.page_hidden(now, &mut |r| got.push(r));
                if let Some(c) = flat.take_report(now) {
                    let len = report_len(&c);
                    if let Some(t) = flat.queue_report(c, len as u64) {
                        bodies.insert(t, (len, 0));
                        got.extend(flat.start_newest());
                    }
                }
                for r in got {
                    take(&bodies, r, &mut flat_started)?;
                }
            }
            Op::Advance(ms) => now += u64::from(ms),
            Op::Report => {
                let a = old.queue_client_report(Timestamp(now));
                let b = match flat.take_report(now) {
                    Some(c) => {
                        let len = report_len(&c);
                        let t = flat.queue_report(c, len as u64);
                        if let Some(t) = t {
                            bodies.insert(t, (len, 0));
                        }
                        t.is_some()
                    }
                    None => false,
                };
                prop_assert_eq!(a, b, "report queued");
            }
            Op::Restore { size, id } => {
                let id = [id; 16];
                let body = envelope(id, SIZES[usize::from(size)]);
                let len = body.len();
                let a = old.restore(body, EventId(id), Timestamp(now));
                let b = flat.restore(len as u64, id, now);
                prop_assert_eq!(a, b.is_some(), "restore");
                if let Some(t) = b {
                    bodies.insert(t, (len, 0));
                }
            }
            Op::Resume => {
                old.resume(Timestamp(now));
                flat.resume(now);
            }
            Op::Record { reason, default, n } => {
                let r = REASON_ORDER[usize::from(reason)];
                old.record_dropped(r, if default { "default" } else { "error" }, u64::from(n));
                flat.record(r, if default { Category::Default } else { Category::Error }, u64::from(n));
            }
        }
        prop_assert_eq!(&old_started, &flat_started, "requests after {:?}", op);
        flying.extend(old_started);
        prop_assert_eq!(old.next_wakeup().map(|t| t.0), flat.next_wakeup(), "wake-up after {:?}", op);
        prop_assert_eq!(old.is_idle(), flat.is_idle(), "idle after {:?}", op);
        prop_assert_eq!(counts_of(old.outcomes()), counts_flat(&flat.counts), "counts after {:?}", op);
        let old_ops: Vec<Stored> = old
            .take_store_ops()
            .into_iter()
            .map(|op| match op {
                crate::delivery::StoreOp::Put { event_id, body } => (true, event_id.0[0], body.len()),
                crate::delivery::StoreOp::Delete(id) => (false, id.0[0], 0),
            })
            .collect();
        let mut flat_ops: Vec<Stored> = Vec::new();
        flat.take_store_ops(&mut |op| match op {
            StoreOp::Put { event_id, ticket } => {
                flat_ops.push((true, event_id[0], bodies.get(&ticket).map_or(0, |b| b.0)))
            }
            StoreOp::Delete(id) => flat_ops.push((false, id[0], 0)),
        });
        // The same operations; within one call the order may differ (an evicted entry's delete
        // before or after the put that evicted it: IndexedDB keys are distinct).
        let (mut old_ops, mut flat_ops) = (old_ops, flat_ops);
        old_ops.sort();
        flat_ops.sort();
        prop_assert_eq!(old_ops, flat_ops, "store after {:?}", op);
        flat.take_settled(&mut |t| {
            bodies.remove(&t);
        });
    }
    Ok(())
}

/// The length of the client report envelope the old policy writes for `counts`.
fn report_len(c: &Counts) -> usize {
    use crate::protocol::{ClientReport, DiscardedEvent};
    let mut discarded_events = Vec::new();
    for (i, r) in REASON_ORDER.iter().enumerate() {
        for (j, cat) in ["error", "default"].iter().enumerate() {
            if c[i][j] > 0 {
                discarded_events.push(DiscardedEvent {
                    reason: r.as_str().into(),
                    category: (*cat).into(),
                    quantity: u64::from(c[i][j]),
                });
            }
        }
    }
    let report = ClientReport { timestamp: Timestamp(0), discarded_events };
    envelope_with(
        None,
        &report.timestamp,
        None,
        &ClientSdkInfo::errorbeacon(),
        "client_report",
        &crate::json::to_vec(&report),
    )
    .len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn the_flat_policy_decides_as_the_delivery_state_machine(ops in proptest::collection::vec(op(), 1..80), offline: bool) {
        run(&ops, offline)?;
    }
}
