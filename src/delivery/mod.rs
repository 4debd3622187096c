//! Delivery policy, platform-free: rate limits, retries with backoff, size-aware trimming,
//! the keepalive budget, the bounded queue and the drop counts behind client reports. The
//! browser transport (js/transport.js through src/web/) only performs the requests this
//! policy asks for and reports their outcome; the clock and randomness are passed in.
//!
//! The parts, each usable on its own:
//! - [`RateLimits`]: `X-Sentry-Rate-Limits`, `Retry-After` and bare `429`s, per data category,
//!   as <https://develop.sentry.dev/sdk/expected-features/rate-limiting/> specifies them.
//! - [`Backoff`]: when to try a failed request again, and [`classify`] for which responses
//!   are worth another try (network errors and 5xx, never another 4xx).
//! - [`trim_event`] and [`event_variants`]: an event cut down in a fixed order until its
//!   envelope fits a channel's byte budget, measured with the bytes that will be sent.
//! - [`Queue`]: pending envelopes bounded by count and bytes, oldest dropped first, one per
//!   event id.
//! - [`Outcomes`]: drop counts by reason and category, turned into a `client_report`.
//! - [`Delivery`]: the state machine a transport drives with `submit`, `poll`, `complete`,
//!   `page_hidden`, `restore` and `resume`, which ties the others together.
//!
//! # Driving a [`Delivery`]
//!
//! Everything is synchronous and returns what the host should do; nothing here waits.
//! 1. Capture: [`event_variants`] gives the envelope bytes (≤ 1 MB) and, for a big event, a
//!    variant that fits the keepalive quota. Hand both to [`Delivery::submit`].
//! 2. Call [`Delivery::poll`] and start every [`Request`] it returns on its [`Channel`]:
//!    `fetch(url, {keepalive})` or `navigator.sendBeacon(url_with_auth, body)`.
//! 3. When a request settles, call [`Delivery::complete`] with its [`Reply`] (status and the
//!    `Retry-After` and `X-Sentry-Rate-Limits` headers, a network error, or the beacon's
//!    `true`). The [`Completion`] says what became of the envelope.
//! 4. After every call, drain [`Delivery::take_store_ops`] into the offline store (IndexedDB)
//!    when `offline` is on, call `poll` again, and arm one timer for
//!    [`Delivery::next_wakeup`], which calls `poll` when it fires.
//! 5. On `pagehide` / `visibilitychange` → hidden: [`Delivery::page_hidden`] and send what it
//!    returns at once (beacons first; report each beacon's result to `complete`).
//! 6. On page load: [`Delivery::restore`] each stored envelope; on `online` and at `flush`:
//!    [`Delivery::resume`]. `flush` resolves `true` once [`Delivery::is_idle`].

mod backoff;
pub mod flat;
mod framing;
mod outcomes;
mod queue;
mod rate_limit;
mod transport;
mod trim;

pub use backoff::{classify, Backoff, Jitter, Verdict};
pub use outcomes::{Outcomes, Reason};
pub use queue::{Pending, Push, Queue, Recent};
pub use rate_limit::{item_category, parse_http_date, parse_rate_limits, parse_retry_after, QuotaLimit, RateLimits};
pub use transport::{Channel, Completion, Delivery, DeliveryConfig, Reply, Request, StoreOp};
pub use trim::{event_envelope, event_variants, trim_event, Step, Trimmed, Variants};

/// Bytes of keepalive requests (keepalive `fetch` and `sendBeacon`) in flight at once. The
/// Fetch standard fails a keepalive request once the in-flight keepalive bodies would pass
/// 64 KiB (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>), and `sendBeacon`
/// draws on the same quota; Sentry's browser transport stays at or under 60,000 bytes
/// (getsentry/sentry-javascript#7553), leaving room for what the page itself sends.
pub const KEEPALIVE_BYTES: usize = 60_000;

/// Keepalive requests in flight at once: Chromium limits the pending keepalive requests per
/// page, and Sentry's browser transport stays under 15 (getsentry/sentry-javascript#7553).
pub const KEEPALIVE_REQUESTS: usize = 15;

/// Bytes of a plain `fetch` body. Relay drops an event item over its `max_event_size` (1 MiB by
/// default); an envelope of at most 1,000,000 bytes keeps the event under that, headers and all.
pub const FETCH_MAX_BYTES: usize = 1_000_000;
