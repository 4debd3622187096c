//! The per-project event quota: at most N events per minute, in fixed windows of one minute of
//! the injected clock. Over quota, requests are answered 429 with the seconds left in the
//! window (`Retry-After`, `X-Sentry-Rate-Limits: <secs>:error;default:project`).

use std::collections::HashMap;
use std::sync::Mutex;

const WINDOW_MS: u64 = 60_000;

/// Fixed-window counters per project.
#[derive(Debug, Default)]
pub struct RateLimiter {
    per_minute: Option<u64>,
    windows: Mutex<HashMap<u64, (u64, u64)>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` events per project and minute (`None`: no limit).
    pub fn new(per_minute: Option<u64>) -> Self {
        RateLimiter { per_minute, windows: Mutex::new(HashMap::new()) }
    }

    /// The limit, if any.
    pub fn per_minute(&self) -> Option<u64> {
        self.per_minute
    }

    /// Takes `events` from the project's quota at `now_ms`; `Err(seconds to wait)` when they
    /// do not fit. A request that does not fit takes nothing.
    pub fn take(&self, project_id: u64, events: u64, now_ms: u64) -> Result<(), u64> {
        let Some(limit) = self.per_minute else { return Ok(()) };
        if events == 0 {
            return Ok(());
        }
        let window = now_ms / WINDOW_MS;
        // A poisoned lock only means another request panicked mid-update; the counters are
        // still usable numbers.
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let entry = windows.entry(project_id).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1.saturating_add(events) > limit {
            let left_ms = (window + 1) * WINDOW_MS - now_ms;
            return Err(left_ms.div_ceil(1000).max(1));
        }
        entry.1 += events;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_per_window() {
        let rl = RateLimiter::new(Some(2));
        assert_eq!(rl.take(1, 1, 60_000), Ok(()));
        assert_eq!(rl.take(1, 1, 60_500), Ok(()));
        assert_eq!(rl.take(1, 1, 61_000), Err(59));
        assert_eq!(rl.take(2, 1, 61_000), Ok(()));
        assert_eq!(rl.take(1, 1, 120_000), Ok(()));
        assert_eq!(RateLimiter::new(None).take(1, 1000, 0), Ok(()));
    }
}
