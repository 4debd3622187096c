//! The lean module's delivery exports, over the flat policy ([`crate::delivery::flat`]): the
//! envelopes' bytes stay in JavaScript, keyed by the ticket `d_submit` returns; the wasm
//! decides what goes when, on which channel, and what is counted. After every export that
//! can change something, requests to start go out through `start`, settled tickets through
//! `settle`, and the retry timer through `arm`.

use crate::delivery::flat::{Category, Counts, Flat, Reply, StoreOp, REASON_ORDER};
use crate::delivery::{Channel, Completion};
use crate::write::Out;
use core::cell::RefCell;

#[link(wasm_import_module = "eb")]
extern "C" {
    /// Start request `id` on `channel` (0 keepalive, 1 fetch, 2 beacon) with the bytes of
    /// `ticket` (its keepalive variant when `small`).
    #[link_name = "start"]
    fn js_start(id: f64, channel: u32, ticket: u32, small: u32);
    /// The bytes of `ticket` are no longer needed.
    #[link_name = "settle"]
    fn js_settle(ticket: u32);
    /// Call `d_tick` in `ms` (negative: cancel).
    #[link_name = "arm"]
    fn js_arm(ms: f64);
    #[link_name = "now"]
    fn js_now() -> f64;
    /// The offline store: keep the bytes of `ticket` (`put` 1) or remove (0) under the event
    /// id whose 16 bytes are `a..d` (little-endian words).
    #[link_name = "store"]
    fn js_store(put: u32, ticket: u32, a: u32, b: u32, c: u32, d: u32);
}

fn now() -> u64 {
    // SAFETY: a plain import (Date.now).
    let ms = unsafe { js_now() };
    if ms > 0.0 {
        ms as u64
    } else {
        0
    }
}

struct State {
    flat: Flat,
    armed: Option<u64>,
}

struct Shared(RefCell<State>);
// SAFETY: single-threaded wasm.
unsafe impl Sync for Shared {}
static STATE: Shared = Shared(RefCell::new(State { flat: Flat::new(), armed: None }));

/// Runs `f` on the policy (nothing when re-entered), polls, and hands the host what to do.
fn with(f: impl FnOnce(&mut Flat, u64) -> u32) -> u32 {
    let Ok(mut s) = STATE.0.try_borrow_mut() else { return 0 };
    let now = now();
    let out = f(&mut s.flat, now);
    pump(&mut s, now, false);
    out
}

/// Hands request `r` to the glue.
fn send(r: crate::delivery::flat::Request) {
    let channel = match r.channel {
        Channel::Keepalive => 0,
        Channel::Fetch => 1,
        Channel::Beacon => 2,
    };
    // SAFETY: a plain import; it reads nothing of wasm memory.
    unsafe { js_start(r.id as f64, channel, r.ticket, u32::from(r.small)) };
}

/// Starts what is due (everything, as beacons, when `hidden`), settles, re-arms.
fn pump(s: &mut State, now: u64, hidden: bool) {
    let start = &mut send;
    if hidden {
        s.flat.page_hidden(now, start);
    } else {
        s.flat.poll(now, start);
    }
    s.flat.take_store_ops(&mut |op| {
        let (put, ticket, id) = match op {
            StoreOp::Put { event_id, ticket } => (1, ticket, event_id),
            StoreOp::Delete(id) => (0, 0, id),
        };
        let w = |i: usize| id.get(i..i + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map_or(0, u32::from_le_bytes);
        // SAFETY: a plain import.
        unsafe { js_store(put, ticket, w(0), w(4), w(8), w(12)) };
    });
    // SAFETY: a plain import.
    s.flat.take_settled(&mut |t| unsafe { js_settle(t) });
    let wakeup = s.flat.next_wakeup();
    if wakeup != s.armed {
        s.armed = wakeup;
        let ms = wakeup.map_or(-1.0, |at| at.saturating_sub(now) as f64);
        // SAFETY: a plain import.
        unsafe { js_arm(ms) };
    }
}

/// An event envelope of `full` bytes (and a keepalive variant of `small`, 0: none) whose
/// event id is the input's 32 hex digits (`len`: 0 for none). Returns its ticket (0: not
/// queued; counted).
#[no_mangle]
pub extern "C" fn d_submit(full: u32, small: u32, len: usize) -> u32 {
    let id = hex_id(super::exports::input_bytes(len));
    with(|f, now| f.submit(u64::from(full), u64::from(small), id, now).unwrap_or(0))
}

/// 32 hex digits as 16 bytes.
fn hex_id(hex: &[u8]) -> Option<[u8; 16]> {
    if hex.len() != 32 {
        return None;
    }
    let mut id = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        let (hi, lo) = (digit(*pair.first()?)?, digit(*pair.get(1)?)?);
        *id.get_mut(i)? = (hi * 16 + lo) as u8;
    }
    Some(id)
}

/// A request ended (`kind` 0 HTTP `status`, 1 network error, 2 beacon taken); the input's
/// two fields: `Retry-After` (in seconds; the glue reads HTTP-dates) and
/// `X-Sentry-Rate-Limits`. Returns 1 delivered, 2 retrying, 3 dropped, 0 unknown.
#[no_mangle]
pub extern "C" fn d_done(id: f64, kind: u32, status: u32, len: usize, random: f64) -> u32 {
    let mut fields = super::exports::Fields::of(len);
    let (retry_after, rate_limits) = (fields.text(), fields.text());
    with(|f, now| {
        let reply = match kind {
            0 => Reply::Http { status: status as u16, retry_after, rate_limits },
            2 => Reply::Sent,
            _ => Reply::NetworkError,
        };
        match f.complete(id as u64, reply, now, random) {
            Completion::Delivered => 1,
            Completion::Retry(_) => 2,
            Completion::Dropped | Completion::Stored => 3,
            Completion::Unknown => 0,
        }
    })
}

/// The retry timer fired.
#[no_mangle]
pub extern "C" fn d_tick() {
    if let Ok(mut s) = STATE.0.try_borrow_mut() {
        s.armed = None;
    }
    with(|_, _| 0);
}

/// `quantity` items of `category` (0 error, 1 default) dropped for `reason` (an index of
/// Sentry's discard reasons, [`REASON_ORDER`]) before they reached delivery.
#[no_mangle]
pub extern "C" fn d_dropped(reason: u32, category: u32, quantity: u32) {
    let Some(&reason) = REASON_ORDER.get(reason as usize) else { return };
    let category = if category == 1 { Category::Default } else { Category::Error };
    with(|f, _| {
        f.record(reason, category, u64::from(quantity));
        0
    });
}

/// The page is being hidden: everything queued goes out now, as beacons while the budget
/// has room. The glue then queues the client report (`d_report`, `d_queue_report`).
#[no_mangle]
pub extern "C" fn d_hidden() {
    if let Ok(mut s) = STATE.0.try_borrow_mut() {
        pump(&mut s, now(), true);
    }
}

/// The drops counted so far as a client report's `discarded_events` JSON array at `out()`
/// (the glue wraps it with its timestamp and the envelope), its length returned; 0 when there
/// is nothing to report or reports are rate limited. The counts wait in the glue's hands
/// until `d_queue_report`.
#[no_mangle]
pub extern "C" fn d_report() -> usize {
    let Ok(mut s) = STATE.0.try_borrow_mut() else { return 0 };
    let Some(counts) = s.flat.take_report(now()) else { return 0 };
    PENDING.with_counts(counts);
    let counts = PENDING.0.get().unwrap_or(counts);
    // Its output is all it allocates: nothing of an earlier step is needed any more.
    super::exports::reset_arena();
    let mut out = Out::new(usize::MAX);
    out.byte(b'[');
    for (reason, row) in REASON_ORDER.iter().zip(counts.iter()) {
        for (category, &n) in [&b"error"[..], b"default"].iter().zip(row) {
            if n > 0 {
                out.comma();
                out.raw(b"{\"reason\":");
                out.str(reason.as_str().as_bytes(), usize::MAX);
                out.raw(b",\"category\":");
                out.str(category, usize::MAX);
                out.raw(b",\"quantity\":");
                out.num(u64::from(n));
                out.byte(b'}');
            }
        }
    }
    out.byte(b']');
    super::exports::finish(out)
}

/// The counts `d_report` handed out, until `d_queue_report` queues them (or gives them back).
struct Pending(core::cell::Cell<Option<Counts>>);
// SAFETY: single-threaded wasm.
unsafe impl Sync for Pending {}
static PENDING: Pending = Pending(core::cell::Cell::new(None));

impl Pending {
    /// Keeps `c` for `d_queue_report`, with any counts an earlier `d_report` handed out that
    /// were never queued (they would be lost otherwise).
    fn with_counts(&self, mut c: Counts) {
        if let Some(old) = self.0.take() {
            for (row, old) in c.iter_mut().zip(old.iter()) {
                for (n, o) in row.iter_mut().zip(old.iter()) {
                    *n = n.saturating_add(*o);
                }
            }
        }
        self.0.set(Some(c));
    }
}

/// Queues the client report the glue wrote from `d_report`'s counts (`len` bytes, kept by the
/// glue under the ticket returned; 0: not queued, the counts wait for the next report). At
/// page hide (`hidden`) it is started at once, as a beacon.
#[no_mangle]
pub extern "C" fn d_queue_report(len: u32, hidden: u32) -> u32 {
    let Some(counts) = PENDING.0.take() else { return 0 };
    let Ok(mut s) = STATE.0.try_borrow_mut() else { return 0 };
    let Some(ticket) = s.flat.queue_report(counts, u64::from(len)) else { return 0 };
    if hidden != 0 {
        if let Some(r) = s.flat.start_newest() {
            send(r);
        }
    } else {
        let now = now();
        pump(&mut s, now, false);
    }
    ticket
}

/// Whether nothing is queued, waiting or in flight.
#[no_mangle]
pub extern "C" fn d_idle() -> u32 {
    STATE.0.try_borrow().map_or(1, |s| u32::from(s.flat.is_idle()))
}

/// `offline: true` (or false): envelopes that failed every retry go to the offline store.
#[no_mangle]
pub extern "C" fn d_offline(on: u32) {
    if let Ok(mut s) = STATE.0.try_borrow_mut() {
        s.flat.set_offline(on != 0);
    }
}

/// An envelope of `full` bytes read back from the offline store (page load), its event id the
/// input's 32 hex digits; returns the ticket the glue keeps its bytes under (0: not taken).
#[no_mangle]
pub extern "C" fn d_restore(full: u32, len: usize) -> u32 {
    let Some(id) = hex_id(super::exports::input_bytes(len)) else { return 0 };
    with(|f, now| f.restore(u64::from(full), id, now).unwrap_or(0))
}

/// The network may be back (`online`, `flush`): the offline store is tried now.
#[no_mangle]
pub extern "C" fn d_resume() {
    with(|f, now| {
        f.resume(now);
        0
    });
}
