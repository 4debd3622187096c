//! Drop counts by reason and data category, sent as a `client_report`
//! (<https://develop.sentry.dev/sdk/client-reports/>).
//!
//! "The one who drops an envelope item must record and report it": the SDK counts what it
//! drops itself (rate-limit backoff, a full queue, a send that failed for good), never what the
//! server refused (a 429: the server counts those). Client reports are category `internal`
//! and are never counted, so a lost report cannot beget another.

use crate::protocol::{ClientReport, DiscardedEvent, Timestamp};

/// Why something was dropped: the discard reasons of Sentry's client-report spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// An active rate limit said not to send it.
    RatelimitBackoff,
    /// The transport's queue was full (the oldest pending envelope goes).
    QueueOverflow,
    /// The offline store was full (its oldest envelope goes).
    CacheOverflow,
    /// The network failed on every try, and it was not stored offline.
    NetworkError,
    /// The server refused it for good (4xx other than 429, or 5xx on every try), or it was
    /// too large for any channel: `send_error` is what @sentry/core reports for a 413.
    SendError,
    /// `sampleRate`.
    SampleRate,
    /// `beforeSend` returned null.
    BeforeSend,
    /// An event processor (ignore/deny/allow filters, dedupe) dropped it.
    EventProcessor,
    /// The SDK itself failed (an envelope it could not read back).
    InternalSdkError,
}

impl Reason {
    /// The name Relay accepts.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::RatelimitBackoff => "ratelimit_backoff",
            Reason::QueueOverflow => "queue_overflow",
            Reason::CacheOverflow => "cache_overflow",
            Reason::NetworkError => "network_error",
            Reason::SendError => "send_error",
            Reason::SampleRate => "sample_rate",
            Reason::BeforeSend => "before_send",
            Reason::EventProcessor => "event_processor",
            Reason::InternalSdkError => "internal_sdk_error",
        }
    }

    /// The reason with this name.
    pub fn parse(name: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Every reason, in declaration order (`reason as usize` indexes it).
    pub const ALL: [Reason; 9] = [
        Reason::RatelimitBackoff,
        Reason::QueueOverflow,
        Reason::CacheOverflow,
        Reason::NetworkError,
        Reason::SendError,
        Reason::SampleRate,
        Reason::BeforeSend,
        Reason::EventProcessor,
        Reason::InternalSdkError,
    ];
}

/// Distinct (reason, category) pairs kept between two reports; a page sees a handful.
const MAX_KEYS: usize = 64;

/// Drop counts since the last report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    counts: Vec<(Reason, String, u64)>,
}

impl Outcomes {
    /// No drops.
    pub fn new() -> Self {
        Outcomes::default()
    }

    /// Counts `quantity` items of `category` dropped for `reason`. Client reports themselves
    /// (category `internal`) are not counted.
    pub fn record(&mut self, reason: Reason, category: &str, quantity: u64) {
        if category == "internal" || quantity == 0 {
            return;
        }
        if let Some((_, _, n)) = self.counts.iter_mut().find(|(r, c, _)| *r == reason && c == category) {
            *n = n.saturating_add(quantity);
        } else if self.counts.len() < MAX_KEYS {
            self.counts.push((reason, category.to_owned(), quantity));
        }
    }

    /// Adds the counts of a report made elsewhere (the client's `sample_rate`, `before_send`
    /// and `event_processor` drops), so that one report carries everything. Reasons outside
    /// the spec's list are left out.
    pub fn absorb(&mut self, report: &ClientReport) {
        for d in &report.discarded_events {
            if let Some(reason) = Reason::parse(&d.reason) {
                self.record(reason, &d.category, d.quantity);
            }
        }
    }

    /// The count for one reason and category.
    pub fn get(&self, reason: Reason, category: &str) -> u64 {
        self.counts.iter().find(|(r, c, _)| *r == reason && c == category).map_or(0, |(_, _, n)| *n)
    }

    /// The total of all counts.
    pub fn total(&self) -> u64 {
        self.counts.iter().fold(0u64, |sum, (_, _, n)| sum.saturating_add(*n))
    }

    /// Whether nothing was dropped since the last report.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The counts as a client report made at `now`, and a fresh start; `None` when empty.
    pub fn take(&mut self, now: Timestamp) -> Option<ClientReport> {
        if self.counts.is_empty() {
            return None;
        }
        let mut discarded_events = Vec::with_capacity(self.counts.len());
        for (reason, category, quantity) in self.counts.drain(..) {
            discarded_events.push(DiscardedEvent { reason: reason.as_str().into(), category, quantity });
        }
        Some(ClientReport { timestamp: now, discarded_events })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_reason_and_category() {
        let mut o = Outcomes::new();
        o.record(Reason::QueueOverflow, "error", 2);
        o.record(Reason::QueueOverflow, "error", 1);
        o.record(Reason::QueueOverflow, "default", 1);
        o.record(Reason::RatelimitBackoff, "error", 1);
        o.record(Reason::NetworkError, "internal", 5);
        o.record(Reason::SendError, "error", 0);
        assert_eq!(o.get(Reason::QueueOverflow, "error"), 3);
        assert_eq!(o.total(), 5);
        let report = o.take(Timestamp(7)).expect("report");
        let got: Vec<_> =
            report.discarded_events.iter().map(|d| (d.reason.as_str(), d.category.as_str(), d.quantity)).collect();
        assert_eq!(
            got,
            [("queue_overflow", "error", 3), ("queue_overflow", "default", 1), ("ratelimit_backoff", "error", 1)]
        );
        assert_eq!(report.timestamp, Timestamp(7));
        assert!(o.is_empty());
        assert_eq!(o.take(Timestamp(8)), None);
    }

    #[test]
    fn absorbs_the_clients_report() {
        let mut o = Outcomes::new();
        o.record(Reason::SampleRate, "error", 1);
        let theirs = ClientReport {
            timestamp: Timestamp(1),
            discarded_events: vec![
                DiscardedEvent { reason: "sample_rate".into(), category: "error".into(), quantity: 2 },
                DiscardedEvent { reason: "before_send".into(), category: "default".into(), quantity: 1 },
                DiscardedEvent { reason: "made_up".into(), category: "error".into(), quantity: 9 },
            ],
        };
        o.absorb(&theirs);
        assert_eq!(o.get(Reason::SampleRate, "error"), 3);
        assert_eq!(o.get(Reason::BeforeSend, "default"), 1);
        assert_eq!(o.total(), 4);
    }

    #[test]
    fn reasons_round_trip() {
        for name in [
            "ratelimit_backoff",
            "queue_overflow",
            "cache_overflow",
            "network_error",
            "send_error",
            "sample_rate",
            "before_send",
            "event_processor",
            "internal_sdk_error",
        ] {
            assert_eq!(Reason::parse(name).map(Reason::as_str), Some(name));
        }
        assert_eq!(Reason::parse("too_large"), None);
    }

    #[test]
    fn keys_are_bounded() {
        let mut o = Outcomes::new();
        for i in 0..1000 {
            o.record(Reason::SendError, &["c", &i.to_string()].concat(), 1);
        }
        assert_eq!(o.counts.len(), MAX_KEYS);
    }
}
