//! When to try a failed request again, and which failures are worth it.
//!
//! Network errors and 5xx are transient: the next try may succeed. A 429 is not retried but
//! becomes a rate limit ([`super::RateLimits`]), and any other 4xx means the server will never
//! take this envelope, so it is dropped at once. Delays grow exponentially up to a cap, with
//! jitter (<https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>) so that
//! many pages hit by the same outage do not retry in step.

/// How the random number spreads a delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// Anywhere in `[0, d)`: the widest spread, but a retry can come at once.
    Full,
    /// In `[d/2, d)`: at least half the delay is always waited.
    Equal,
}

/// An exponential retry schedule: retry `n` (from 1) waits about `base · 2^(n-1)`, at most
/// `cap`, for at most `max_retries` retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first retry's delay before jitter, in milliseconds.
    pub base_ms: u64,
    /// The longest delay, in milliseconds.
    pub cap_ms: u64,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// How the delay is randomized.
    pub jitter: Jitter,
}

impl Default for Backoff {
    /// 1 s, 2 s, 4 s (each between half and all of it), then give up: a page that is still
    /// failing after about seven seconds is offline or its server is down, which the offline
    /// store handles better than more retries.
    fn default() -> Self {
        Backoff { base_ms: 1000, cap_ms: 30_000, max_retries: 3, jitter: Jitter::Equal }
    }
}

impl Backoff {
    /// The delay before retry number `retry` (1 for the first retry), given a uniform random
    /// number in `[0, 1)` (anything else counts as 0); `None` once no retry is left.
    pub fn delay(&self, retry: u32, random: f64) -> Option<u64> {
        if retry == 0 || retry > self.max_retries {
            return None;
        }
        let exp = self.base_ms.saturating_mul(1u64 << (retry - 1).min(32)).min(self.cap_ms);
        let r = if (0.0..1.0).contains(&random) { random } else { 0.0 };
        Some(match self.jitter {
            Jitter::Full => (exp as f64 * r) as u64,
            Jitter::Equal => (exp / 2).saturating_add(((exp - exp / 2) as f64 * r) as u64),
        })
    }
}

/// What a response means for the envelope it answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx, or status 0 (an opaque `no-cors` response: sent, outcome unknown).
    Delivered,
    /// 429: the server refused it under a rate limit (and counted it itself).
    RateLimited,
    /// Any other 1xx–4xx: the server will not take it; retrying cannot help.
    Rejected,
    /// 5xx (and anything past 599): the server failed; try again.
    Retry,
}

/// The verdict on an HTTP status.
pub fn classify(status: u16) -> Verdict {
    match status {
        0 | 200..=299 => Verdict::Delivered,
        429 => Verdict::RateLimited,
        1..=499 => Verdict::Rejected,
        _ => Verdict::Retry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_with_a_fixed_random() {
        let b = Backoff::default();
        let at = |r: f64| (1..=4).map(|n| b.delay(n, r)).collect::<Vec<_>>();
        assert_eq!(at(0.0), [Some(500), Some(1000), Some(2000), None]);
        assert_eq!(at(0.5), [Some(750), Some(1500), Some(3000), None]);
        assert_eq!(at(0.75), [Some(875), Some(1750), Some(3500), None]);
        let full = Backoff { jitter: Jitter::Full, ..b };
        assert_eq!((1..=3).map(|n| full.delay(n, 0.5)).collect::<Vec<_>>(), [Some(500), Some(1000), Some(2000)]);
        assert_eq!(full.delay(1, 0.0), Some(0));
    }

    #[test]
    fn delays_are_capped_and_never_overflow() {
        let b = Backoff { base_ms: 1000, cap_ms: 30_000, max_retries: 100, jitter: Jitter::Equal };
        assert_eq!(b.delay(5, 0.0), Some(8000));
        assert_eq!(b.delay(6, 0.0), Some(15_000));
        assert_eq!(b.delay(7, 0.0), Some(15_000));
        assert_eq!(b.delay(100, 0.999_999), Some(29_999));
        let huge = Backoff { base_ms: u64::MAX, cap_ms: u64::MAX, max_retries: u32::MAX, jitter: Jitter::Full };
        assert!(huge.delay(u32::MAX, 0.5).is_some());
        assert_eq!(b.delay(0, 0.5), None);
    }

    #[test]
    fn bad_random_numbers_count_as_zero() {
        let b = Backoff::default();
        for r in [f64::NAN, -1.0, 1.0, f64::INFINITY] {
            assert_eq!(b.delay(1, r), Some(500));
        }
    }

    #[test]
    fn only_server_errors_are_retried() {
        assert_eq!(classify(200), Verdict::Delivered);
        assert_eq!(classify(204), Verdict::Delivered);
        assert_eq!(classify(0), Verdict::Delivered);
        assert_eq!(classify(429), Verdict::RateLimited);
        for s in [400, 401, 403, 404, 413, 499, 301, 100] {
            assert_eq!(classify(s), Verdict::Rejected, "{s}");
        }
        for s in [500, 502, 503, 504, 599, 600] {
            assert_eq!(classify(s), Verdict::Retry, "{s}");
        }
    }
}
