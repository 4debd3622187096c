//! The delivery state machine a transport drives: which envelope goes out when, on which
//! channel, and what becomes of it after the response. It performs no IO and reads no clock:
//! the host passes `now` and random numbers in, starts the [`Request`]s it is given, reports
//! each one's [`Reply`], and mirrors the [`StoreOp`]s into its offline store.
//!
//! Every envelope ends in exactly one of: delivered, refused by the server under a rate
//! limit (the server counts those), dropped and counted in the next client report, or kept
//! in the offline store to be tried again later (with `offline` on).

use super::backoff::{classify, Backoff, Verdict};
use super::framing::Framed;
use super::outcomes::{Outcomes, Reason};
use super::queue::{Pending, Push, Queue, Recent};
use super::rate_limit::RateLimits;
use super::{FETCH_MAX_BYTES, KEEPALIVE_BYTES, KEEPALIVE_REQUESTS};
use crate::envelope::envelope_with;
use crate::protocol::{ClientReport, ClientSdkInfo, EventId, Timestamp};

/// Event ids remembered as delivered, to refuse an envelope that comes back.
const RECENT_IDS: usize = 128;

/// Store operations kept for the host to drain. A host with `offline` on drains them after
/// every call; this bound only matters for one that never does (the oldest op goes first).
const MAX_STORE_OPS: usize = 256;

/// How the policy is tuned. `Default` gives the browser values.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryConfig {
    /// Envelopes pending at once (queued, waiting for a retry or in flight). Sentry's
    /// browser transport buffers 40.
    pub max_queued: usize,
    /// Bytes pending at once.
    pub max_queued_bytes: usize,
    /// Requests started at once by [`Delivery::poll`] (beacons at page hide are not held back).
    pub max_in_flight: usize,
    /// The retry schedule for network errors and 5xx.
    pub backoff: Backoff,
    /// Bytes of keepalive requests (keepalive `fetch` and beacons) in flight at once.
    pub keepalive_bytes: usize,
    /// Keepalive requests in flight at once.
    pub keepalive_requests: usize,
    /// The largest body a plain `fetch` may carry.
    pub fetch_max_bytes: usize,
    /// Keep envelopes that failed every retry in the offline store (Sentry's `offline`
    /// transport), instead of dropping them.
    pub offline: bool,
    /// Envelopes in the offline store. Sentry's browser offline store keeps 30.
    pub max_stored: usize,
    /// Bytes in the offline store.
    pub max_stored_bytes: usize,
    /// The first wait before the offline store is tried again; doubles on every failure
    /// (Sentry's offline transport: 5 s).
    pub offline_retry_ms: u64,
    /// The longest wait before the offline store is tried again (Sentry's: one hour).
    pub offline_retry_max_ms: u64,
    /// The DSN's text, written in client report envelopes' headers (tunnels route by it).
    pub dsn: Option<String>,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            max_queued: 40,
            max_queued_bytes: 8 * 1024 * 1024,
            max_in_flight: 10,
            backoff: Backoff::default(),
            keepalive_bytes: KEEPALIVE_BYTES,
            keepalive_requests: KEEPALIVE_REQUESTS,
            fetch_max_bytes: FETCH_MAX_BYTES,
            offline: false,
            max_stored: 30,
            max_stored_bytes: 4 * 1024 * 1024,
            offline_retry_ms: 5_000,
            offline_retry_max_ms: 3_600_000,
            dsn: None,
        }
    }
}

/// How a request is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// `fetch` with `keepalive: true`: survives navigation, within the keepalive quota.
    Keepalive,
    /// A plain `fetch`: up to [`DeliveryConfig::fetch_max_bytes`], cancelled by navigation.
    Fetch,
    /// `navigator.sendBeacon` (auth in the query string: beacons carry no headers); its
    /// only answer is whether the browser queued it.
    Beacon,
}

/// A request for the host to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Pass it back to [`Delivery::complete`].
    pub id: u64,
    /// How to send it.
    pub channel: Channel,
    /// The envelope bytes.
    pub body: Vec<u8>,
    /// The event it carries, if any.
    pub event_id: Option<EventId>,
}

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply<'a> {
    /// An HTTP response: its status and the `Retry-After` and `X-Sentry-Rate-Limits` values.
    /// An opaque (`no-cors`) response is status 0.
    Http {
        /// The status code.
        status: u16,
        /// `Retry-After`, when present.
        retry_after: Option<&'a str>,
        /// `X-Sentry-Rate-Limits`, when present.
        rate_limits: Option<&'a str>,
    },
    /// `fetch` rejected (offline, DNS, CORS, aborted), or `sendBeacon` returned `false`.
    NetworkError,
    /// `sendBeacon` returned `true`: the browser took it; no response will be seen.
    Sent,
}

/// What became of the envelope after [`Delivery::complete`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    /// No request with that id was in flight.
    Unknown,
    /// The server took it (or the browser took the beacon).
    Delivered,
    /// It will be sent again by `poll` at or after this time.
    Retry(Timestamp),
    /// It is gone: counted for the client report, or (a 429) counted by the server.
    Dropped,
    /// Every retry failed and `offline` is on: it is in the offline store, tried again later.
    Stored,
}

/// A change for the host to make in its offline store (IndexedDB), keyed by event id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreOp {
    /// Store this envelope.
    Put {
        /// The key.
        event_id: EventId,
        /// The envelope bytes.
        body: Vec<u8>,
    },
    /// Remove the stored envelope: it was delivered or dropped.
    Delete(EventId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// To be sent by the next `poll`.
    Ready,
    /// To be sent by a `poll` at or after this time.
    Waiting(Timestamp),
    /// Its request is out.
    InFlight { id: u64, channel: Channel, bytes: usize },
    /// Dropped by this pass; taken out at its end.
    Dead,
    /// Going to the offline store at the end of this pass.
    Park,
}

#[derive(Clone, Debug)]
struct Entry {
    full: Framed,
    /// A smaller variant for the keepalive channels, when the event was trimmed for them.
    small: Option<Framed>,
    event_id: Option<EventId>,
    /// Failed attempts so far.
    attempts: u32,
    /// Whether the last failure was the network's (else the server's 5xx).
    network_failure: bool,
    state: State,
    /// Whether a copy is in the host's offline store.
    stored: bool,
    /// For a client report: its counts, put back when it cannot be sent, so that they go
    /// with the next report instead of being lost.
    report: Option<ClientReport>,
}

impl Pending for Entry {
    fn size(&self) -> usize {
        self.full.len() + self.small.as_ref().map_or(0, Framed::len)
    }
    fn event_id(&self) -> Option<EventId> {
        self.event_id
    }
    fn evictable(&self) -> bool {
        !matches!(self.state, State::InFlight { .. })
    }
}

impl Entry {
    fn new(full: Framed, small: Option<Framed>, event_id: Option<EventId>, stored: bool) -> Self {
        Entry { full, small, event_id, attempts: 0, network_failure: false, state: State::Ready, stored, report: None }
    }

    fn due(&self, now: Timestamp) -> bool {
        match self.state {
            State::Ready => true,
            State::Waiting(at) => at <= now,
            _ => false,
        }
    }

    /// Takes out rate-limited items (counted); `true` when nothing is left.
    fn apply_limits(&mut self, limits: &RateLimits, now: Timestamp, outcomes: &mut Outcomes) -> bool {
        for category in self.full.remove_limited(limits, now) {
            outcomes.record(Reason::RatelimitBackoff, &category, 1);
        }
        if let Some(small) = self.small.as_mut() {
            small.remove_limited(limits, now);
        }
        if !self.full.is_empty() {
            return false;
        }
        if let Some(report) = self.report.take() {
            outcomes.absorb(&report);
        }
        true
    }
}

/// The delivery policy for one DSN. See the module docs of [`crate::delivery`] for the calls
/// a host makes and when.
#[derive(Debug)]
pub struct Delivery {
    config: DeliveryConfig,
    limits: RateLimits,
    outcomes: Outcomes,
    /// Envelopes to send, waiting for a retry, or in flight; oldest first.
    queue: Queue<Entry>,
    /// Envelopes in the offline store, waiting for the network.
    parked: Queue<Entry>,
    recent: Recent,
    store_ops: Vec<StoreOp>,
    next_id: u64,
    in_flight: usize,
    keepalive_bytes: usize,
    keepalive_requests: usize,
    /// When the offline store may be tried next.
    parked_due: Timestamp,
    offline_delay: u64,
    /// Whether the last request reached the server; else the offline store is probed with
    /// one envelope at a time.
    network_ok: bool,
}

impl Delivery {
    /// A policy with nothing pending.
    pub fn new(config: DeliveryConfig) -> Self {
        Delivery {
            queue: Queue::new(config.max_queued, config.max_queued_bytes),
            parked: Queue::new(config.max_stored, config.max_stored_bytes),
            offline_delay: config.offline_retry_ms,
            config,
            limits: RateLimits::new(),
            outcomes: Outcomes::new(),
            recent: Recent::new(RECENT_IDS),
            store_ops: Vec::new(),
            next_id: 1,
            in_flight: 0,
            keepalive_bytes: 0,
            keepalive_requests: 0,
            parked_due: Timestamp(0),
            network_ok: true,
        }
    }

    /// Takes an envelope to send: its bytes, a smaller variant within the keepalive budget
    /// when the event was too big for it (see [`super::event_variants`]), and its event id.
    /// Items under a rate limit are dropped (counted `ratelimit_backoff`); a full queue drops
    /// its oldest envelope (counted `queue_overflow`). Returns whether it was queued: not
    /// when its event is already pending or was delivered lately, when nothing of it is left
    /// to send, or when it is too large for every channel (counted `send_error`). In the npm
    /// module's default variant `body` must be an envelope its SDK wrote (`Framed::written`).
    pub fn submit(&mut self, body: Vec<u8>, small: Option<Vec<u8>>, event_id: Option<EventId>, now: Timestamp) -> bool {
        if event_id.is_some_and(|id| self.recent.contains(id) || self.queue.contains(id) || self.parked.contains(id)) {
            return false;
        }
        let Some(full) = Framed::written(body) else {
            self.outcomes.record(Reason::InternalSdkError, "error", 1);
            return false;
        };
        let small = small.and_then(Framed::written);
        let mut entry = Entry::new(full, small, event_id, false);
        if entry.apply_limits(&self.limits, now, &mut self.outcomes) {
            return false;
        }
        let max = self.config.fetch_max_bytes;
        if entry.full.len() > max && entry.small.as_ref().is_none_or(|s| s.len() > max) {
            self.drop_entry(entry, Reason::SendError);
            return false;
        }
        self.enqueue(entry)
    }

    fn enqueue(&mut self, entry: Entry) -> bool {
        match self.queue.push(entry) {
            Push::Queued(evicted) => {
                for old in evicted {
                    self.drop_entry(old, Reason::QueueOverflow);
                }
                true
            }
            Push::Duplicate(_) => false,
            Push::Full(entry) => {
                self.drop_entry(entry, Reason::QueueOverflow);
                false
            }
        }
    }

    /// The requests to start now, oldest envelope first: each due envelope (not waiting for a
    /// retry, not rate limited) as a keepalive `fetch` while the keepalive budget has room for
    /// it, else as a plain `fetch`; at most [`DeliveryConfig::max_in_flight`] at once.
    pub fn poll(&mut self, now: Timestamp) -> Vec<Request> {
        self.release_parked(now);
        let mut requests = Vec::new();
        for i in 0..self.queue.len() {
            if self.in_flight >= self.config.max_in_flight {
                break;
            }
            let Some(e) = self.queue.get_mut(i) else { break };
            if !e.due(now) {
                continue;
            }
            if e.apply_limits(&self.limits, now, &mut self.outcomes) {
                e.state = State::Dead;
                continue;
            }
            requests.extend(self.start(i, false));
        }
        self.bury(now);
        requests
    }

    /// Starts the request for the queue entry at `index`: picks the body and the channel and
    /// books the keepalive budget. The full envelope goes as keepalive when the budget has
    /// room, else as a plain `fetch`; at page hide (`hidden`) keepalive means a beacon, and a
    /// big event's small variant is preferred to a `fetch` that navigation would cancel. An
    /// envelope too large for every channel is marked dead and counted `send_error`.
    fn start(&mut self, index: usize, hidden: bool) -> Option<Request> {
        let room = self.config.keepalive_bytes.saturating_sub(self.keepalive_bytes);
        let slots = self.keepalive_requests < self.config.keepalive_requests;
        let fetch_max = self.config.fetch_max_bytes;
        let id = self.next_id;
        let e = self.queue.get_mut(index)?;
        let fits = |len: usize| slots && len <= room;
        let keepalive = if hidden { Channel::Beacon } else { Channel::Keepalive };
        let (full, small) = (e.full.len(), e.small.as_ref().map(Framed::len));
        let choice = if fits(full) {
            Some((false, keepalive))
        } else if !hidden && full <= fetch_max {
            Some((false, Channel::Fetch))
        } else if small.is_some_and(fits) {
            Some((true, keepalive))
        } else if full <= fetch_max {
            Some((false, Channel::Fetch))
        } else if small.is_some_and(|len| len <= fetch_max) {
            Some((true, Channel::Fetch))
        } else {
            None
        };
        let Some((use_small, channel)) = choice else {
            for category in e.full.categories() {
                self.outcomes.record(Reason::SendError, category, 1);
            }
            e.state = State::Dead;
            return None;
        };
        let body = match (use_small, e.small.as_ref()) {
            (true, Some(small)) => small.bytes().to_vec(),
            _ => e.full.bytes().to_vec(),
        };
        e.state = State::InFlight { id, channel, bytes: body.len() };
        let event_id = e.event_id;
        self.next_id += 1;
        self.in_flight += 1;
        if channel != Channel::Fetch {
            self.keepalive_bytes += body.len();
            self.keepalive_requests += 1;
        }
        Some(Request { id, channel, body, event_id })
    }

    /// Takes out the entries a pass marked dead (their items were counted where they died)
    /// or for the offline store.
    fn bury(&mut self, now: Timestamp) {
        for e in self.queue.take_all(|e| e.state == State::Dead) {
            self.forget(&e);
        }
        // Only the offline store parks entries.
        for e in self.queue.take_all(|e| e.state == State::Park) {
            self.park(e, now);
        }
    }

    /// Reports how request `id` ended, at `now`; `random` (uniform in `[0, 1)`) spreads the
    /// retry delay. Rate-limit headers are taken in from every response. 2xx: delivered.
    /// 429: gone (the server counted it). Other 4xx: dropped as `send_error`. Network errors
    /// and 5xx: retried with backoff, no earlier than a rate limit on its items ends; after
    /// the last retry, stored offline (with `offline` on and an event id) or dropped as
    /// `network_error` (`send_error` when the server kept failing).
    pub fn complete(&mut self, id: u64, reply: Reply<'_>, now: Timestamp, random: f64) -> Completion {
        let in_flight = |e: &Entry| matches!(e.state, State::InFlight { id: i, .. } if i == id);
        let Some(mut e) = self.queue.take_first(in_flight) else { return Completion::Unknown };
        if let State::InFlight { channel, bytes, .. } = e.state {
            self.in_flight = self.in_flight.saturating_sub(1);
            if channel != Channel::Fetch {
                self.keepalive_bytes = self.keepalive_bytes.saturating_sub(bytes);
                self.keepalive_requests = self.keepalive_requests.saturating_sub(1);
            }
        }
        let verdict = match reply {
            Reply::Http { status, retry_after, rate_limits } => {
                self.limits.update(now, status, retry_after, rate_limits);
                classify(status)
            }
            Reply::NetworkError => Verdict::Retry,
            Reply::Sent => Verdict::Delivered,
        };
        match verdict {
            Verdict::Delivered => {
                self.delivered(&e, now);
                Completion::Delivered
            }
            Verdict::RateLimited => {
                self.forget(&e);
                Completion::Dropped
            }
            // A refused client report is not put back: the server would refuse it again.
            Verdict::Rejected => {
                e.report = None;
                self.drop_entry(e, Reason::SendError);
                Completion::Dropped
            }
            Verdict::Retry => {
                e.attempts = e.attempts.saturating_add(1);
                e.network_failure = reply == Reply::NetworkError;
                if let Some(delay) = self.config.backoff.delay(e.attempts, random) {
                    // No earlier than a rate limit on any of its items ends.
                    let mut at = Timestamp(now.0.saturating_add(delay));
                    for c in e.full.categories() {
                        at = at.max(self.limits.disabled_until(c).unwrap_or(at));
                    }
                    e.state = State::Waiting(at);
                    match self.queue.push_front(e) {
                        Ok(()) => Completion::Retry(at),
                        Err(e) => {
                            self.drop_entry(e, Reason::QueueOverflow);
                            Completion::Dropped
                        }
                    }
                } else if self.offline() && e.event_id.is_some() && !e.full.is_internal() {
                    if self.park(e, now) {
                        Completion::Stored
                    } else {
                        Completion::Dropped
                    }
                } else {
                    let reason = if e.network_failure { Reason::NetworkError } else { Reason::SendError };
                    self.drop_entry(e, reason);
                    Completion::Dropped
                }
            }
        }
    }

    fn delivered(&mut self, e: &Entry, now: Timestamp) {
        if let Some(id) = e.event_id {
            self.recent.remember(id);
        }
        self.forget(e);
        self.network_ok = true;
        self.offline_delay = self.config.offline_retry_ms;
        self.parked_due = self.parked_due.min(now);
    }

    /// Counts every item of `e` for `reason` and removes its stored copy. A client report is
    /// not counted: its own counts go back for the next report.
    fn drop_entry(&mut self, e: Entry, reason: Reason) {
        for category in e.full.categories() {
            self.outcomes.record(reason, category, 1);
        }
        if let Some(report) = &e.report {
            self.outcomes.absorb(report);
        }
        self.forget(&e);
    }

    /// Removes the stored copy of an envelope that is settled.
    fn forget(&mut self, e: &Entry) {
        if let (true, Some(id)) = (e.stored, e.event_id) {
            self.store_op(StoreOp::Delete(id));
        }
    }

    fn store_op(&mut self, op: StoreOp) {
        if !self.offline() {
            return;
        }
        if self.store_ops.len() >= MAX_STORE_OPS {
            self.store_ops.remove(0);
        }
        self.store_ops.push(op);
    }

    /// Moves `e` to the offline store (oldest stored envelope out when full, counted
    /// `cache_overflow`); `false` when it did not fit at all.
    fn park(&mut self, mut e: Entry, now: Timestamp) -> bool {
        let put = if e.stored { None } else { e.event_id.map(|id| (id, e.full.bytes().to_vec())) };
        e.attempts = 0;
        e.state = State::Ready;
        e.stored = true;
        self.network_ok = false;
        self.parked_due = self.parked_due.max(Timestamp(now.0.saturating_add(self.offline_delay)));
        match self.parked.push(e) {
            Push::Queued(evicted) => {
                if let Some((event_id, body)) = put {
                    self.store_op(StoreOp::Put { event_id, body });
                }
                for old in evicted {
                    self.drop_entry(old, Reason::CacheOverflow);
                }
                true
            }
            Push::Duplicate(mut e) | Push::Full(mut e) => {
                e.stored = put.is_none();
                self.drop_entry(e, Reason::CacheOverflow);
                false
            }
        }
    }

    /// Moves envelopes from the offline store back into the queue when it is their time:
    /// all that fit when the network works, else one, to probe it.
    fn release_parked(&mut self, now: Timestamp) {
        if self.parked.is_empty() || now < self.parked_due {
            return;
        }
        let mut moved = 0;
        loop {
            let Some(size) = self.parked.iter().next().map(Pending::size) else { break };
            if !self.queue.has_room(size) || (!self.network_ok && moved == 1) {
                break;
            }
            let Some(e) = self.parked.pop_front() else { break };
            moved += 1;
            match self.queue.push(e) {
                Push::Queued(evicted) => {
                    for old in evicted {
                        self.drop_entry(old, Reason::QueueOverflow);
                    }
                }
                // The same event is pending already: its delivery settles the stored copy.
                Push::Duplicate(e) => {
                    if let Some(q) = self.queue.iter_mut().find(|q| q.event_id == e.event_id) {
                        q.stored = true;
                    }
                }
                // `has_room` said it fits; keep it stored rather than lose it.
                Push::Full(e) => {
                    let _ = self.parked.push_front(e);
                    break;
                }
            }
        }
        if !self.network_ok && moved > 0 {
            self.parked_due = Timestamp(now.0.saturating_add(self.offline_delay));
            self.offline_delay = self.offline_delay.saturating_mul(2).min(self.config.offline_retry_max_ms);
        }
    }

    /// The page is being hidden (`pagehide`, `visibilitychange` → hidden): everything queued
    /// or waiting for a retry goes out now, as beacons while the keepalive budget has room
    /// (the small variant of a big event), else as a plain `fetch`; a client report of the
    /// drops so far goes with them. With `offline` on, envelopes that already failed go to
    /// the offline store instead of a beacon whose fate would be unknown.
    pub fn page_hidden(&mut self, now: Timestamp) -> Vec<Request> {
        let mut requests = Vec::new();
        let offline = self.offline();
        for i in 0..self.queue.len() {
            let Some(e) = self.queue.get_mut(i) else { break };
            if !matches!(e.state, State::Ready | State::Waiting(_)) {
                continue;
            }
            if e.apply_limits(&self.limits, now, &mut self.outcomes) {
                e.state = State::Dead;
            } else if offline && e.attempts > 0 && e.event_id.is_some() {
                e.state = State::Park;
            } else {
                requests.extend(self.start(i, true));
            }
        }
        self.bury(now);
        if self.queue_client_report(now) {
            let last = self.queue.len().saturating_sub(1);
            requests.extend(self.start(last, true));
        }
        requests
    }

    /// Takes back an envelope from the offline store (page load). The next `poll` sends one
    /// restored envelope to probe the network (they were stored because it failed), and the
    /// others once it gets through. Returns `false` (and asks for its deletion when it is
    /// settled) when its event was delivered lately or is pending already, when the bytes are
    /// not an envelope, or when they are too large to send (counted `send_error`).
    pub fn restore(&mut self, body: Vec<u8>, event_id: EventId, now: Timestamp) -> bool {
        if self.recent.contains(event_id) {
            self.store_op(StoreOp::Delete(event_id));
            return false;
        }
        if self.parked.contains(event_id) {
            return false;
        }
        if let Some(e) = self.queue.iter_mut().find(|e| e.event_id == Some(event_id)) {
            e.stored = true;
            return false;
        }
        let Some(full) = Framed::parse(body) else {
            self.store_op(StoreOp::Delete(event_id));
            return false;
        };
        let e = Entry::new(full, None, Some(event_id), true);
        if e.full.len() > self.config.fetch_max_bytes {
            self.drop_entry(e, Reason::SendError);
            return false;
        }
        self.parked_due = self.parked_due.min(now);
        self.network_ok = false;
        match self.parked.push(e) {
            Push::Queued(evicted) => {
                for old in evicted {
                    self.drop_entry(old, Reason::CacheOverflow);
                }
                true
            }
            Push::Duplicate(_) => false,
            Push::Full(e) => {
                self.drop_entry(e, Reason::CacheOverflow);
                false
            }
        }
    }

    /// Whether envelopes go to the offline store.
    fn offline(&self) -> bool {
        self.config.offline
    }

    /// Tries the offline store now (the `online` event, `flush`, after `restore`): the next
    /// `poll` sends one stored envelope, and all of them once one gets through.
    pub fn resume(&mut self, now: Timestamp) {
        self.parked_due = now;
        self.offline_delay = self.config.offline_retry_ms;
    }

    /// When `poll` should run next without anything else happening: the earliest retry, or
    /// the next try of the offline store. `None` when only a completion can make progress.
    pub fn next_wakeup(&self) -> Option<Timestamp> {
        if self.in_flight >= self.config.max_in_flight {
            return None;
        }
        let mut next: Option<Timestamp> = None;
        let mut consider = |at: Timestamp| next = Some(next.map_or(at, |n| n.min(at)));
        for e in self.queue.iter() {
            if let State::Waiting(at) = e.state {
                consider(at);
            }
        }
        if self.parked.iter().next().is_some_and(|e| self.queue.has_room(e.size())) {
            consider(self.parked_due);
        }
        next
    }

    /// Whether nothing is queued, waiting, in flight or stored: what `flush` waits for.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.parked.is_empty()
    }

    /// Envelopes queued, waiting or in flight.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Envelopes in the offline store.
    pub fn stored(&self) -> usize {
        self.parked.len()
    }

    /// The store operations since the last call, in order.
    pub fn take_store_ops(&mut self) -> Vec<StoreOp> {
        std::mem::take(&mut self.store_ops)
    }

    /// The rate limits in force.
    pub fn rate_limits(&self) -> &RateLimits {
        &self.limits
    }

    /// The drops counted since the last report.
    pub fn outcomes(&self) -> &Outcomes {
        &self.outcomes
    }

    /// Counts a drop made outside the transport (`sample_rate`, `before_send`,
    /// `event_processor`).
    pub fn record_dropped(&mut self, reason: Reason, category: &str, quantity: u64) {
        self.outcomes.record(reason, category, quantity);
    }

    /// Adds a report made elsewhere (the client's) to the counts.
    pub fn absorb_report(&mut self, report: &ClientReport) {
        self.outcomes.absorb(report);
    }

    /// The drops counted so far as a client report, and a fresh count; `None` when nothing
    /// was dropped, or while client reports are rate limited (the counts are kept for later).
    pub fn take_client_report(&mut self, now: Timestamp) -> Option<ClientReport> {
        if self.limits.is_limited("internal", now) {
            return None;
        }
        self.outcomes.take(now)
    }

    /// Queues a client report envelope of the drops so far, to go with the next `poll` (at
    /// flush and close; `page_hidden` does it itself). It never pushes an event out of a full
    /// queue: then the counts wait for the next report. Returns whether one was queued.
    pub fn queue_client_report(&mut self, now: Timestamp) -> bool {
        let Some(report) = self.take_client_report(now) else { return false };
        let bytes = envelope_with(
            None,
            &report.timestamp,
            self.config.dsn.as_deref(),
            &ClientSdkInfo::errorbeacon(),
            "client_report",
            &crate::json::to_vec(&report),
        );
        match Framed::written(bytes) {
            // The entry keeps the counts: a report that cannot be sent gives them back
            // (`drop_entry`), to go with the next one.
            Some(full) if self.queue.has_room(full.len()) => {
                self.enqueue(Entry { report: Some(report), ..Entry::new(full, None, None, false) })
            }
            _ => {
                self.outcomes.absorb(&report);
                false
            }
        }
    }
}
