//! The lean module's delivery exports, over the current policy ([`crate::delivery::Delivery`])
//! until its flat-state rewrite (issue 25, decision 4): the envelopes the lean writer makes go
//! through the same rate limits, backoff, queue, keepalive budget and client reports as
//! today's module's. Same protocol with the glue as `src/web/sdk.rs`'s `delivery_*` exports.

use crate::delivery::{Channel, Completion, Delivery, DeliveryConfig, Reason, Reply, Request};
use crate::protocol::{EventId, Timestamp};
use core::cell::RefCell;

#[link(wasm_import_module = "eb")]
extern "C" {
    #[link_name = "start"]
    fn js_start(id: f64, channel: u32, body: *const u8, len: usize);
    #[link_name = "arm"]
    fn js_arm(ms: f64);
    #[link_name = "now"]
    fn js_now() -> f64;
}

fn now() -> Timestamp {
    // SAFETY: a plain import of js/glue.js (Date.now).
    Timestamp::from_millis_f64(unsafe { js_now() })
}

struct State {
    delivery: Delivery,
    armed: Option<Timestamp>,
}

struct Cell(RefCell<Option<State>>);
// SAFETY: single-threaded wasm.
unsafe impl Sync for Cell {}
static STATE: Cell = Cell(RefCell::new(None));

/// Runs `f` on the policy (nothing before `delivery_init` or when re-entered), then starts
/// what it asked for and sets the retry timer.
fn with(f: impl FnOnce(&mut Delivery, Timestamp) -> u32) -> u32 {
    let Ok(mut cell) = STATE.0.try_borrow_mut() else { return 0 };
    let Some(s) = cell.as_mut() else { return 0 };
    let now = now();
    let out = f(&mut s.delivery, now);
    let requests: Vec<Request> = s.delivery.poll(now);
    let wakeup = s.delivery.next_wakeup();
    let arm = (wakeup != s.armed).then(|| {
        s.armed = wakeup;
        wakeup.map_or(-1.0, |at| at.0.saturating_sub(now.0) as f64)
    });
    drop(cell);
    for r in requests {
        let channel = match r.channel {
            Channel::Keepalive => 0,
            Channel::Fetch => 1,
            Channel::Beacon => 2,
        };
        // SAFETY: the body lives until the import returns; the glue copies what it keeps.
        unsafe { js_start(r.id as f64, channel, r.body.as_ptr(), r.body.len()) };
    }
    if let Some(ms) = arm {
        // SAFETY: a plain import.
        unsafe { js_arm(ms) };
    }
    out
}

/// Starts delivery for the DSN in the input (`len` bytes; empty: none).
#[no_mangle]
pub extern "C" fn delivery_init(len: usize) {
    let dsn = core::str::from_utf8(super::lean::input_bytes(len)).ok().filter(|d| !d.is_empty());
    let delivery = Delivery::new(DeliveryConfig { dsn: dsn.map(str::to_owned), ..Default::default() });
    if let Ok(mut cell) = STATE.0.try_borrow_mut() {
        *cell = Some(State { delivery, armed: None });
    }
}

/// Hands the last output of `capture` (an envelope) to delivery, with a keepalive-sized
/// variant when `small_len` > 0 (the input's first `small_len` bytes), and its event id.
#[no_mangle]
pub extern "C" fn delivery_submit(small_len: usize) -> u32 {
    let body = super::lean::output().to_vec();
    let small = (small_len > 0).then(|| super::lean::input_bytes(small_len).to_vec());
    let at = crate::write::EVENT_ID_AT;
    let id = body.get(at..at + 32).and_then(|h| core::str::from_utf8(h).ok()).and_then(EventId::parse);
    with(|d, now| u32::from(d.submit(body, small, id, now)))
}

/// A request ended (`kind` 0 HTTP `status`, 1 network error, 2 beacon taken); the input: the
/// `Retry-After` seconds then `X-Sentry-Rate-Limits`, as two fields (see `lean::Fields`).
/// Returns 1 delivered, 2 retrying, 3 dropped, 4 stored, 0 unknown.
#[no_mangle]
pub extern "C" fn delivery_done(id: f64, kind: u32, status: u32, len: usize, random: f64) -> u32 {
    let mut f = super::lean::Fields::of(len);
    let (retry_after, rate_limits) = (f.text(), f.text());
    with(|d, now| {
        let reply = match kind {
            0 => Reply::Http { status: status as u16, retry_after, rate_limits },
            2 => Reply::Sent,
            _ => Reply::NetworkError,
        };
        match d.complete(id as u64, reply, now, random) {
            Completion::Unknown => 0,
            Completion::Delivered => 1,
            Completion::Retry(_) => 2,
            Completion::Dropped => 3,
            Completion::Stored => 4,
        }
    })
}

/// The retry timer fired.
#[no_mangle]
pub extern "C" fn delivery_tick() {
    if let Ok(mut cell) = STATE.0.try_borrow_mut() {
        if let Some(s) = cell.as_mut() {
            s.armed = None;
        }
    }
    with(|_, _| 0);
}

/// `quantity` events of `category` (0 error, 1 default) dropped before delivery, for `reason`
/// (0 sample_rate, 1 before_send, 2 event_processor, 3 queue_overflow).
#[no_mangle]
pub extern "C" fn delivery_dropped(reason: u32, category: u32, quantity: u32) {
    let reason = match reason {
        0 => Reason::SampleRate,
        1 => Reason::BeforeSend,
        2 => Reason::EventProcessor,
        _ => Reason::QueueOverflow,
    };
    let category = if category == 1 { "default" } else { "error" };
    with(|d, _| {
        d.record_dropped(reason, category, u64::from(quantity));
        0
    });
}

/// The page is being hidden: everything queued goes out now on keepalive channels (beacons),
/// with the client report.
#[no_mangle]
pub extern "C" fn delivery_hidden() {
    let Ok(mut cell) = STATE.0.try_borrow_mut() else { return };
    let Some(s) = cell.as_mut() else { return };
    let now = now();
    s.delivery.queue_client_report(now);
    let requests = s.delivery.page_hidden(now);
    drop(cell);
    for r in requests {
        // SAFETY: as in `with`.
        unsafe { js_start(r.id as f64, 2, r.body.as_ptr(), r.body.len()) };
    }
}

/// `flush`: the client report queued; returns whether nothing is left to deliver.
#[no_mangle]
pub extern "C" fn delivery_flush() -> u32 {
    with(|d, now| {
        d.queue_client_report(now);
        d.resume(now);
        0
    });
    delivery_idle()
}

/// Whether nothing is queued, waiting for a retry or in flight.
#[no_mangle]
pub extern "C" fn delivery_idle() -> u32 {
    STATE.0.try_borrow().ok().and_then(|c| c.as_ref().map(|s| u32::from(s.delivery.is_idle()))).unwrap_or(1)
}
