//! The delivery policy in flat, bounded state (issue 25, decision 4): the same decisions as
//! [`super::Delivery`] — rate limits, retries with backoff, the bounded queue, the keepalive
//! budget, beacons at page hide, client report counts — with the envelopes' bytes left with
//! the host. An entry is its sizes, its category, its event id and a `ticket` the host keys
//! its bytes by; no `Vec`, no `String`, no protocol types, no envelope parsing.
//!
//! The offline store (`offline: true`) is a second list of the same entries: the host mirrors
//! it into IndexedDB from the [`StoreOp`]s it drains. `tests` drive this and
//! [`super::Delivery`] with the same random operations and compare every request, completion,
//! store operation, wake-up and count.

use super::backoff::{classify, Backoff, Verdict};
use super::outcomes::Reason;
use super::rate_limit::seconds_ms;
use super::{Channel, Completion};
use super::{FETCH_MAX_BYTES, KEEPALIVE_BYTES, KEEPALIVE_REQUESTS};

/// Envelopes pending at once (Sentry's browser transport buffers 40).
pub const MAX_QUEUED: usize = 40;
/// Bytes pending at once.
const MAX_QUEUED_BYTES: u64 = 8 * 1024 * 1024;
/// Requests started at once by [`Flat::poll`].
const MAX_IN_FLIGHT: u32 = 10;
/// Envelopes and bytes in the offline store (Sentry's browser offline store keeps 30).
const MAX_STORED: usize = 30;
const MAX_STORED_BYTES: u64 = 4 * 1024 * 1024;
/// The first wait before the offline store is tried again, doubling up to the second.
const OFFLINE_RETRY_MS: u64 = 5_000;
const OFFLINE_RETRY_MAX_MS: u64 = 3_600_000;
/// Store operations kept for the host to drain (it drains after every call).
const MAX_STORE_OPS: usize = 64;
/// Event ids remembered as delivered, to refuse an envelope that comes back.
const RECENT_IDS: usize = 128;
/// Bytes of an `X-Sentry-Rate-Limits` value that are read (as `parse_rate_limits`).
const MAX_HEADER_BYTES: usize = 8 * 1024;
/// `Retry-After` absent on a 429: Sentry's default.
const DEFAULT_RETRY_AFTER_MS: u64 = 60_000;

/// The reasons counted, in [`Reason`]'s order.
pub const REASONS: usize = 9;
/// What an item is for rate limits and counts: an event (`error`), a message dropped before
/// it became one (`default`, counts only), or a client report (`internal`, never counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Error = 0,
    Default = 1,
    Internal = 2,
}

/// Drop counts by reason (in [`Reason`]'s order) and category (error, default); u32, as every
/// entry carries one (a client report's, given back when it is not sent).
pub type Counts = [[u32; 2]; REASONS];

// `Free` first, and every counter kept from zero: a `Flat` at rest is all zero bytes, so its
// static costs the module no data segment (a non-zero field put 8 KB of it there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// An unused slot.
    Free,
    Ready,
    Waiting(u64),
    InFlight {
        request: u64,
        channel: Channel,
        bytes: u64,
    },
    Dead,
    /// Going to the offline store at the end of this pass.
    Park,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    ticket: u32,
    full: u64,
    /// The keepalive-sized variant's bytes (0: none).
    small: u64,
    internal: bool,
    event_id: Option<[u8; 16]>,
    attempts: u32,
    network_failure: bool,
    state: State,
    /// Whether a copy is in the host's offline store.
    stored: bool,
    /// A client report's counts, given back when it cannot be sent.
    report: Counts,
}

/// A change for the host to make in its offline store, keyed by event id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreOp {
    /// Store the bytes of `ticket` under `event_id`.
    Put { event_id: [u8; 16], ticket: u32 },
    /// Remove what is stored under this event id.
    Delete([u8; 16]),
}

const NO_OP: StoreOp = StoreOp::Delete([0; 16]);

/// Entries in order, oldest first, bounded by count and bytes.
struct List {
    slots: [Entry; MAX_QUEUED],
    /// Indices into `slots`, oldest first.
    order: [u8; MAX_QUEUED],
    len: usize,
}

impl List {
    const fn new() -> List {
        List { slots: [FREE; MAX_QUEUED], order: [0; MAX_QUEUED], len: 0 }
    }

    fn get(&self, pos: usize) -> Option<&Entry> {
        if pos >= self.len {
            return None;
        }
        let i = *self.order.get(pos)?;
        self.slots.get(usize::from(i)).filter(|e| e.state != State::Free)
    }

    fn get_mut(&mut self, pos: usize) -> Option<&mut Entry> {
        if pos >= self.len {
            return None;
        }
        let i = *self.order.get(pos)?;
        self.slots.get_mut(usize::from(i)).filter(|e| e.state != State::Free)
    }

    fn bytes(&self) -> u64 {
        (0..self.len).filter_map(|p| self.get(p)).map(|e| e.full + e.small).sum()
    }

    fn has_room(&self, size: u64, max: (usize, u64)) -> bool {
        self.len < max.0 && self.bytes().saturating_add(size) <= max.1
    }

    fn position(&self, id: [u8; 16]) -> Option<usize> {
        (0..self.len).find(|&p| self.get(p).is_some_and(|e| e.event_id == Some(id)))
    }

    /// Takes the entry at `pos` out.
    fn remove(&mut self, pos: usize) -> Option<Entry> {
        let i = usize::from(*self.order.get(pos)?);
        let e = core::mem::replace(self.slots.get_mut(i)?, FREE);
        self.order.copy_within(pos + 1..self.len, pos);
        self.len -= 1;
        (e.state != State::Free).then_some(e)
    }

    /// Puts `e` at `pos`; false when every slot is taken.
    fn insert(&mut self, pos: usize, e: Entry) -> bool {
        let Some(free) = self.slots.iter().position(|e| e.state == State::Free) else { return false };
        if pos > self.len {
            return false;
        }
        if let Some(slot) = self.slots.get_mut(free) {
            *slot = e;
        }
        self.order.copy_within(pos..self.len, pos + 1);
        if let Some(o) = self.order.get_mut(pos) {
            *o = free as u8;
        }
        self.len += 1;
        true
    }

    /// Whether an entry of `size` bytes would fit within `max` once every entry not in flight
    /// were evicted, oldest first, as far as needed.
    fn can_fit(&self, size: u64, max: (usize, u64)) -> bool {
        if max.0 == 0 || size > max.1 {
            return false;
        }
        let (mut len, mut bytes) = (self.len, self.bytes());
        for p in 0..self.len {
            if len < max.0 && bytes.saturating_add(size) <= max.1 {
                break;
            }
            if let Some(old) = self.get(p).filter(|e| !matches!(e.state, State::InFlight { .. })) {
                len -= 1;
                bytes -= old.full + old.small;
            }
        }
        len < max.0 && bytes.saturating_add(size) <= max.1
    }

    /// The oldest entry not in flight.
    fn oldest_evictable(&self) -> Option<usize> {
        (0..self.len).find(|&p| self.get(p).is_some_and(|e| !matches!(e.state, State::InFlight { .. })))
    }
}

/// A request for the host to start: the entry's bytes (`small`: its keepalive variant) on
/// `channel`; pass `id` back to [`Flat::complete`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u64,
    pub channel: Channel,
    pub ticket: u32,
    pub small: bool,
    pub bytes: u64,
}

/// How a request ended: as [`super::Reply`], with `Retry-After` in delay-seconds (the host
/// turns HTTP-dates into them: js/transport.js).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply<'a> {
    Http { status: u16, retry_after: Option<&'a str>, rate_limits: Option<&'a str> },
    NetworkError,
    Sent,
}

/// The policy. All state is here, bounded: [`MAX_QUEUED`] entries, [`RECENT_IDS`] ids.
pub struct Flat {
    /// Envelopes to send, waiting for a retry, or in flight.
    queue: List,
    /// Envelopes in the offline store, waiting for the network.
    parked: List,
    /// `offline: true`.
    offline: bool,
    /// When the offline store may be tried next, and the wait after that (0: the first).
    parked_due: u64,
    offline_delay: u64,
    /// Whether the last request failed for the network: the store is then probed one
    /// envelope at a time.
    network_down: bool,
    store_ops: [StoreOp; MAX_STORE_OPS],
    store_len: usize,
    /// Rate limits: until when (ms) everything, events and client reports are limited.
    limits: [u64; 3],
    counts: Counts,
    recent: [[u8; 16]; RECENT_IDS],
    recent_len: usize,
    recent_next: usize,
    /// Requests started (the next one's id is this plus one) and tickets given.
    requests: u64,
    tickets: u32,
    in_flight: u32,
    keepalive_bytes: u64,
    keepalive_requests: u32,
    /// Tickets whose entries are settled since the host last asked: their bytes can go.
    settled: [u32; 2 * MAX_QUEUED],
    settled_len: usize,
}

const FREE: Entry = Entry {
    ticket: 0,
    full: 0,
    small: 0,
    internal: false,
    event_id: None,
    attempts: 0,
    network_failure: false,
    state: State::Free,
    stored: false,
    report: [[0; 2]; REASONS],
};

const QUEUE: (usize, u64) = (MAX_QUEUED, MAX_QUEUED_BYTES);
const STORE: (usize, u64) = (MAX_STORED, MAX_STORED_BYTES);

/// Sentry's browser schedule: 1 s, 2 s, 4 s (up to 30 s), equal jitter, 3 retries.
const BACKOFF: Backoff = Backoff { base_ms: 1000, cap_ms: 30_000, max_retries: 3, jitter: super::Jitter::Equal };

impl Default for Flat {
    fn default() -> Self {
        Flat::new()
    }
}

impl Flat {
    pub const fn new() -> Flat {
        Flat {
            queue: List::new(),
            parked: List::new(),
            offline: false,
            parked_due: 0,
            offline_delay: 0,
            network_down: false,
            store_ops: [NO_OP; MAX_STORE_OPS],
            store_len: 0,
            limits: [0; 3],
            counts: [[0; 2]; REASONS],
            recent: [[0; 16]; RECENT_IDS],
            recent_len: 0,
            recent_next: 0,
            requests: 0,
            tickets: 0,
            in_flight: 0,
            keepalive_bytes: 0,
            keepalive_requests: 0,
            settled: [0; 2 * MAX_QUEUED],
            settled_len: 0,
        }
    }

    fn entry(&self, pos: usize) -> Option<&Entry> {
        self.queue.get(pos)
    }

    fn entry_mut(&mut self, pos: usize) -> Option<&mut Entry> {
        self.queue.get_mut(pos)
    }

    /// Turns the offline store on (`offline: true`).
    pub fn set_offline(&mut self, on: bool) {
        self.offline = on;
    }

    fn delay(&self) -> u64 {
        if self.offline_delay == 0 {
            OFFLINE_RETRY_MS
        } else {
            self.offline_delay
        }
    }

    fn store_op(&mut self, op: StoreOp) {
        if !self.offline {
            return;
        }
        if self.store_len >= MAX_STORE_OPS {
            self.store_ops.copy_within(1.., 0);
            self.store_len -= 1;
        }
        if let Some(slot) = self.store_ops.get_mut(self.store_len) {
            *slot = op;
            self.store_len += 1;
        }
    }

    /// The store operations since the last call, in order.
    pub fn take_store_ops(&mut self, f: &mut dyn FnMut(StoreOp)) {
        for &op in self.store_ops.get(..self.store_len).unwrap_or_default() {
            f(op);
        }
        self.store_len = 0;
    }

    fn limited_until(&self, internal: bool) -> u64 {
        self.limits[0].max(self.limits[if internal { 2 } else { 1 }])
    }

    /// Counts a drop made anywhere (`sample_rate`, `before_send`, `event_processor` by the
    /// host; the others here). Client reports are never counted.
    pub fn record(&mut self, reason: Reason, category: Category, quantity: u64) {
        if category == Category::Internal {
            return;
        }
        if let Some(n) = self.counts.get_mut(reason as usize).and_then(|r| r.get_mut(category as usize)) {
            *n = n.saturating_add(u32::try_from(quantity).unwrap_or(u32::MAX));
        }
    }

    fn give_back(&mut self, report: &Counts) {
        for (mine, theirs) in self.counts.iter_mut().zip(report) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m = m.saturating_add(*t);
            }
        }
    }

    fn settle(&mut self, ticket: u32) {
        if let Some(s) = self.settled.get_mut(self.settled_len) {
            *s = ticket;
            self.settled_len += 1;
        }
    }

    /// The tickets settled since the last call (delivered, dropped, refused): the host drops
    /// their bytes.
    pub fn take_settled(&mut self, f: &mut dyn FnMut(u32)) {
        for &t in self.settled.get(..self.settled_len).unwrap_or_default() {
            f(t);
        }
        self.settled_len = 0;
    }

    /// Counts `e`'s item for `reason` (a report's counts go back instead).
    fn count(&mut self, e: &Entry, reason: Reason) {
        if e.internal {
            self.give_back(&e.report);
        } else {
            self.record(reason, Category::Error, 1);
        }
    }

    /// Counts `e` for `reason` and settles it.
    fn drop_entry(&mut self, e: &Entry, reason: Reason) {
        self.count(e, reason);
        self.forget(e);
    }

    /// Settles `e` and removes its stored copy.
    fn forget(&mut self, e: &Entry) {
        if let (true, Some(id)) = (e.stored, e.event_id) {
            self.store_op(StoreOp::Delete(id));
        }
        self.settle(e.ticket);
    }

    /// An event envelope of `full` bytes (and a keepalive variant of `small`, 0: none) to
    /// send; returns its ticket, or `None` when it is not queued (its event pending or
    /// delivered lately, rate limited, too large for every channel, or the queue full of
    /// requests in flight), counted as [`super::Delivery::submit`] counts it.
    pub fn submit(&mut self, full: u64, small: u64, event_id: Option<[u8; 16]>, now: u64) -> Option<u32> {
        if let Some(id) = event_id {
            let recent = self.recent.get(..self.recent_len).unwrap_or_default();
            if recent.contains(&id) || self.queue.position(id).is_some() || self.parked.position(id).is_some() {
                return None;
            }
        }
        if self.limited_until(false) > now {
            self.record(Reason::RatelimitBackoff, Category::Error, 1);
            return None;
        }
        let e = self.new_entry(full, small, false, event_id);
        if full > FETCH_MAX_BYTES as u64 && (small == 0 || small > FETCH_MAX_BYTES as u64) {
            self.drop_entry(&e, Reason::SendError);
            return None;
        }
        self.enqueue(e).then_some(e.ticket)
    }

    fn new_entry(&mut self, full: u64, small: u64, internal: bool, event_id: Option<[u8; 16]>) -> Entry {
        self.tickets = self.tickets.wrapping_add(1);
        let ticket = self.tickets;
        Entry {
            ticket,
            full,
            small,
            internal,
            event_id,
            attempts: 0,
            network_failure: false,
            state: State::Ready,
            stored: false,
            report: [[0; 2]; REASONS],
        }
    }

    fn list(&self, parked: bool) -> &List {
        if parked {
            &self.parked
        } else {
            &self.queue
        }
    }

    /// Adds `e` at the back of the queue (or the offline store: `parked`), evicting its oldest
    /// entries not in flight while it does not fit, each dropped for `reason`; false, with
    /// nothing evicted, when it cannot fit.
    fn push(&mut self, parked: bool, e: Entry, reason: Reason) -> bool {
        let max = if parked { STORE } else { QUEUE };
        let size = e.full + e.small;
        if !self.list(parked).can_fit(size, max) {
            return false;
        }
        while !self.list(parked).has_room(size, max) {
            let Some(p) = self.list(parked).oldest_evictable() else { return false };
            let old = if parked { self.parked.remove(p) } else { self.queue.remove(p) };
            let Some(old) = old else { return false };
            self.drop_entry(&old, reason);
        }
        let list = if parked { &mut self.parked } else { &mut self.queue };
        list.insert(list.len, e)
    }

    /// Queues `e` at the back, evicting the oldest entries not in flight while it does not fit.
    fn enqueue(&mut self, e: Entry) -> bool {
        let pushed = self.push(false, e, Reason::QueueOverflow);
        if !pushed {
            self.drop_entry(&e, Reason::QueueOverflow);
        }
        pushed
    }

    /// The requests to start now, oldest first: as [`super::Delivery::poll`].
    pub fn poll(&mut self, now: u64, start: &mut dyn FnMut(Request)) {
        self.release_parked(now);
        for p in 0..self.queue.len {
            if self.in_flight >= MAX_IN_FLIGHT {
                break;
            }
            let Some(e) = self.entry(p) else { break };
            let due = match e.state {
                State::Ready => true,
                State::Waiting(at) => at <= now,
                _ => false,
            };
            if !due {
                continue;
            }
            if self.limited_until(e.internal) > now {
                let e = *e;
                self.drop_limited(p, &e);
                continue;
            }
            if let Some(r) = self.start(p, false) {
                start(r);
            }
        }
        self.bury(now);
    }

    /// An entry found under a rate limit: counted (a report's counts go back), marked dead
    /// (`bury` settles it).
    fn drop_limited(&mut self, p: usize, e: &Entry) {
        self.count(e, Reason::RatelimitBackoff);
        if let Some(e) = self.entry_mut(p) {
            e.state = State::Dead;
        }
    }

    /// Starts the entry at `p`: the body and channel [`super::Delivery`] would choose.
    fn start(&mut self, p: usize, hidden: bool) -> Option<Request> {
        let room = (KEEPALIVE_BYTES as u64).saturating_sub(self.keepalive_bytes);
        let slots = self.keepalive_requests < KEEPALIVE_REQUESTS as u32;
        let fetch_max = FETCH_MAX_BYTES as u64;
        let id = self.requests + 1;
        let e = *self.entry(p)?;
        let fits = |len: u64| slots && len <= room;
        let keepalive = if hidden { Channel::Beacon } else { Channel::Keepalive };
        let small = (e.small > 0).then_some(e.small);
        let choice = if fits(e.full) {
            Some((false, keepalive))
        } else if !hidden && e.full <= fetch_max {
            Some((false, Channel::Fetch))
        } else if small.is_some_and(fits) {
            Some((true, keepalive))
        } else if e.full <= fetch_max {
            Some((false, Channel::Fetch))
        } else if small.is_some_and(|len| len <= fetch_max) {
            Some((true, Channel::Fetch))
        } else {
            None
        };
        let Some((use_small, channel)) = choice else {
            // Too large for every channel: counted (a report's counts are lost with it, as in
            // `Delivery`), settled by `bury`.
            if !e.internal {
                self.record(Reason::SendError, Category::Error, 1);
            }
            if let Some(x) = self.entry_mut(p) {
                x.state = State::Dead;
            }
            return None;
        };
        let bytes = if use_small { e.small } else { e.full };
        if let Some(x) = self.entry_mut(p) {
            x.state = State::InFlight { request: id, channel, bytes };
        }
        self.requests += 1;
        self.in_flight += 1;
        if channel != Channel::Fetch {
            self.keepalive_bytes += bytes;
            self.keepalive_requests += 1;
        }
        Some(Request { id, channel, ticket: e.ticket, small: use_small, bytes })
    }

    /// Takes out what a pass marked dead (settled where it died), and moves what it marked
    /// for the offline store there.
    fn bury(&mut self, now: u64) {
        let mut p = 0;
        while p < self.queue.len {
            match self.entry(p).map(|e| e.state) {
                Some(State::Dead) => {
                    // Counted where it died.
                    if let Some(e) = self.queue.remove(p) {
                        self.forget(&e);
                    }
                }
                Some(State::Park) => {
                    if let Some(e) = self.queue.remove(p) {
                        self.park(e, now);
                    }
                }
                _ => p += 1,
            }
        }
    }

    /// Moves `e` to the offline store (its oldest envelope out when full, counted
    /// `cache_overflow`); false when it did not fit at all.
    fn park(&mut self, mut e: Entry, now: u64) -> bool {
        let put = if e.stored { None } else { e.event_id };
        e.attempts = 0;
        e.state = State::Ready;
        e.stored = true;
        self.network_down = true;
        self.parked_due = self.parked_due.max(now.saturating_add(self.delay()));
        let pushed = self.push(true, e, Reason::CacheOverflow);
        if pushed {
            if let Some(event_id) = put {
                self.store_op(StoreOp::Put { event_id, ticket: e.ticket });
            }
        } else {
            e.stored = put.is_none();
            self.drop_entry(&e, Reason::CacheOverflow);
        }
        pushed
    }

    /// Moves envelopes from the offline store back into the queue when it is their time:
    /// all that fit when the network works, else one, to probe it.
    fn release_parked(&mut self, now: u64) {
        if self.parked.len == 0 || now < self.parked_due {
            return;
        }
        let mut moved = 0;
        while let Some(size) = self.parked.get(0).map(|e| e.full + e.small) {
            if !self.queue.has_room(size, QUEUE) || (self.network_down && moved == 1) {
                break;
            }
            let Some(e) = self.parked.remove(0) else { break };
            moved += 1;
            if let Some(p) = e.event_id.and_then(|id| self.queue.position(id)) {
                // The same event is pending already: its delivery settles the stored copy.
                if let Some(q) = self.queue.get_mut(p) {
                    q.stored = true;
                }
                self.settle(e.ticket);
                continue;
            }
            if !self.queue.insert(self.queue.len, e) {
                let _ = self.parked.insert(0, e);
                break;
            }
        }
        if self.network_down && moved > 0 {
            self.parked_due = now.saturating_add(self.delay());
            self.offline_delay = self.delay().saturating_mul(2).min(OFFLINE_RETRY_MAX_MS);
        }
    }

    /// How request `id` ended, at `now`: as [`super::Delivery::complete`].
    pub fn complete(&mut self, id: u64, reply: Reply<'_>, now: u64, random: f64) -> Completion {
        let Some(p) = (0..self.queue.len).find(|&p| {
            self.entry(p).is_some_and(|e| matches!(e.state, State::InFlight { request, .. } if request == id))
        }) else {
            return Completion::Unknown;
        };
        let Some(mut e) = self.queue.remove(p) else { return Completion::Unknown };
        if let State::InFlight { channel, bytes, .. } = e.state {
            self.in_flight = self.in_flight.saturating_sub(1);
            if channel != Channel::Fetch {
                self.keepalive_bytes = self.keepalive_bytes.saturating_sub(bytes);
                self.keepalive_requests = self.keepalive_requests.saturating_sub(1);
            }
        }
        let verdict = match reply {
            Reply::Http { status, retry_after, rate_limits } => {
                self.update_limits(now, status, retry_after, rate_limits);
                classify(status)
            }
            Reply::NetworkError => Verdict::Retry,
            Reply::Sent => Verdict::Delivered,
        };
        match verdict {
            Verdict::Delivered => {
                if let Some(id) = e.event_id {
                    if let Some(slot) = self.recent.get_mut(self.recent_next) {
                        *slot = id;
                    }
                    self.recent_next = (self.recent_next + 1) % RECENT_IDS;
                    self.recent_len = (self.recent_len + 1).min(RECENT_IDS);
                }
                self.forget(&e);
                self.network_down = false;
                self.offline_delay = 0;
                self.parked_due = self.parked_due.min(now);
                Completion::Delivered
            }
            Verdict::RateLimited => {
                self.forget(&e);
                Completion::Dropped
            }
            // A refused client report is not put back: the server would refuse it again.
            Verdict::Rejected => {
                e.report = [[0; 2]; REASONS];
                self.drop_entry(&e, Reason::SendError);
                Completion::Dropped
            }
            Verdict::Retry => {
                e.attempts = e.attempts.saturating_add(1);
                e.network_failure = reply == Reply::NetworkError;
                if let Some(delay) = BACKOFF.delay(e.attempts, random) {
                    // No earlier than a rate limit on its item ends.
                    let at = now.saturating_add(delay).max(self.limited_until(e.internal));
                    e.state = State::Waiting(at);
                    let duplicate = e.event_id.is_some_and(|id| self.queue.position(id).is_some());
                    if !duplicate && self.queue.has_room(e.full + e.small, QUEUE) && self.queue.insert(0, e) {
                        Completion::Retry(crate::protocol::Timestamp(at))
                    } else {
                        self.drop_entry(&e, Reason::QueueOverflow);
                        Completion::Dropped
                    }
                } else if self.offline && e.event_id.is_some() && !e.internal {
                    if self.park(e, now) {
                        Completion::Stored
                    } else {
                        Completion::Dropped
                    }
                } else {
                    let reason = if e.network_failure { Reason::NetworkError } else { Reason::SendError };
                    self.drop_entry(&e, reason);
                    Completion::Dropped
                }
            }
        }
    }

    /// Takes in a response's limits: as [`super::RateLimits::update`], for the categories
    /// this SDK sends (`error`, `internal`; others limit nothing it sends).
    fn update_limits(&mut self, now: u64, status: u16, retry_after: Option<&str>, rate_limits: Option<&str>) {
        fn present(h: Option<&str>) -> Option<&str> {
            h.filter(|v| !v.trim_ascii().is_empty())
        }
        if let Some(header) = present(rate_limits) {
            // `X-Sentry-Rate-Limits` read over bytes, as `parse_rate_limits` reads it: entries
            // `seconds:categories:scope:reason:namespaces` split by `,`, categories by `;`, each
            // part trimmed; no categories limits everything; unreadable entries are skipped.
            let header = header.as_bytes();
            let header = header.get(..header.len().min(MAX_HEADER_BYTES)).unwrap_or_default();
            for entry in header.split(|&b| b == b',') {
                let mut parts = entry.split(|&b| b == b':').map(<[u8]>::trim_ascii);
                let Some(ms) = parts.next().and_then(seconds_ms) else { continue };
                let until = now.saturating_add(ms).min(crate::protocol::Timestamp::MAX.0);
                let categories = parts.next().unwrap_or_default();
                if categories.is_empty() {
                    self.limits[0] = self.limits[0].max(until);
                }
                for c in categories.split(|&b| b == b';').map(<[u8]>::trim_ascii) {
                    let k = match c {
                        b"error" => 1,
                        b"internal" => 2,
                        _ => continue,
                    };
                    self.limits[k] = self.limits[k].max(until);
                }
            }
        } else if let Some(value) = present(retry_after) {
            // Delay-seconds; the host turns an HTTP-date into them (js/transport.js).
            let value = value.as_bytes();
            let ms = seconds_ms(value.get(..value.len().min(256)).unwrap_or_default().trim_ascii())
                .unwrap_or(DEFAULT_RETRY_AFTER_MS);
            let until = now.saturating_add(ms).min(crate::protocol::Timestamp::MAX.0);
            self.limits[0] = self.limits[0].max(until);
        } else if status == 429 {
            self.limits[0] = self.limits[0].max(now.saturating_add(DEFAULT_RETRY_AFTER_MS));
        }
    }

    /// The page is being hidden: everything queued or waiting goes out now, as beacons
    /// while the keepalive budget has room: as [`super::Delivery::page_hidden`] (the host
    /// then queues the client report with [`Flat::take_report`] and [`Flat::queue_report`]
    /// and starts it with [`Flat::start_newest`]).
    pub fn page_hidden(&mut self, now: u64, start: &mut dyn FnMut(Request)) {
        for p in 0..self.queue.len {
            let Some(e) = self.entry(p) else { break };
            if !matches!(e.state, State::Ready | State::Waiting(_)) {
                continue;
            }
            if self.limited_until(e.internal) > now {
                let e = *e;
                self.drop_limited(p, &e);
            } else if self.offline && e.attempts > 0 && e.event_id.is_some() {
                // Already failed: kept for later rather than a beacon whose fate is unknown.
                if let Some(e) = self.entry_mut(p) {
                    e.state = State::Park;
                }
            } else if let Some(r) = self.start(p, true) {
                start(r);
            }
        }
        self.bury(now);
    }

    /// Takes back an envelope of `full` bytes from the offline store (page load) under a new
    /// ticket: as [`super::Delivery::restore`] (the host checked it is an envelope).
    pub fn restore(&mut self, full: u64, event_id: [u8; 16], now: u64) -> Option<u32> {
        let recent = self.recent.get(..self.recent_len).unwrap_or_default();
        if recent.contains(&event_id) {
            self.store_op(StoreOp::Delete(event_id));
            return None;
        }
        if self.parked.position(event_id).is_some() {
            return None;
        }
        if let Some(p) = self.queue.position(event_id) {
            if let Some(e) = self.queue.get_mut(p) {
                e.stored = true;
            }
            return None;
        }
        let mut e = self.new_entry(full, 0, false, Some(event_id));
        e.stored = true;
        if full > FETCH_MAX_BYTES as u64 {
            self.drop_entry(&e, Reason::SendError);
            return None;
        }
        self.parked_due = self.parked_due.min(now);
        self.network_down = true;
        if !self.push(true, e, Reason::CacheOverflow) {
            self.drop_entry(&e, Reason::CacheOverflow);
            return None;
        }
        Some(e.ticket)
    }

    /// Tries the offline store now (`online`, `flush`): the next `poll` sends one stored
    /// envelope, and all of them once one gets through.
    pub fn resume(&mut self, now: u64) {
        self.parked_due = now;
        self.offline_delay = 0;
    }

    /// Starts the newest entry at page hide (the client report just queued).
    pub fn start_newest(&mut self) -> Option<Request> {
        self.start(self.queue.len.checked_sub(1)?, true)
    }

    /// The drops counted so far, and a fresh count; `None` when nothing was dropped or while
    /// client reports are rate limited (the counts are kept).
    pub fn take_report(&mut self, now: u64) -> Option<Counts> {
        if self.limited_until(true) > now || self.counts.iter().flatten().all(|&n| n == 0) {
            return None;
        }
        Some(core::mem::replace(&mut self.counts, [[0; 2]; REASONS]))
    }

    /// Queues the client report of `counts`, written by the host in `bytes`; its ticket, or
    /// `None` when the queue has no room (the counts then wait for the next report).
    pub fn queue_report(&mut self, counts: Counts, bytes: u64) -> Option<u32> {
        if !self.queue.has_room(bytes, QUEUE) {
            self.give_back(&counts);
            return None;
        }
        let mut e = self.new_entry(bytes, 0, true, None);
        e.report = counts;
        self.enqueue(e).then_some(e.ticket)
    }

    /// When `poll` should run next: the earliest retry; `None` when only a completion can
    /// make progress.
    pub fn next_wakeup(&self) -> Option<u64> {
        if self.in_flight >= MAX_IN_FLIGHT {
            return None;
        }
        let retries = (0..self.queue.len).filter_map(|p| match self.entry(p)?.state {
            State::Waiting(at) => Some(at),
            _ => None,
        });
        let store =
            self.parked.get(0).filter(|e| self.queue.has_room(e.full + e.small, QUEUE)).map(|_| self.parked_due);
        retries.chain(store).min()
    }

    /// Whether nothing is queued, waiting, in flight or stored: what `flush` waits for.
    pub fn is_idle(&self) -> bool {
        self.queue.len == 0 && self.parked.len == 0
    }
}

/// The reasons in [`Counts`]' order.
pub const REASON_ORDER: [Reason; REASONS] = Reason::ALL;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
