//! The state every handler shares: the store, the rate limiter, the clock and the key cache.

use crate::error::ApiError;
use crate::ingest::ratelimit::RateLimiter;
use crate::store::{read, Store};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Milliseconds since the epoch. Injected so that tests control time (rate-limit windows,
/// buckets, first/last seen).
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    })
}

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What [`AppState`] holds.
pub struct Inner {
    /// The database.
    pub store: Store,
    /// The per-project event quota.
    pub rate: RateLimiter,
    clock: Clock,
    keys: RwLock<HashMap<u64, String>>,
    changes: tokio::sync::watch::Sender<u64>,
    public_host: RwLock<String>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// State over an open store, with an events-per-minute quota per project (`None`: none)
    /// and a clock.
    pub fn new(store: Store, rate_limit: Option<u64>, clock: Clock) -> Self {
        let (changes, _) = tokio::sync::watch::channel(0);
        AppState(Arc::new(Inner {
            store,
            rate: RateLimiter::new(rate_limit),
            clock,
            keys: RwLock::new(HashMap::new()),
            changes,
            public_host: RwLock::new("127.0.0.1:8765".to_owned()),
        }))
    }
}

impl Inner {
    /// Now, by the injected clock.
    pub fn now_ms(&self) -> u64 {
        (self.clock)()
    }

    /// A fresh random event id (32 hex digits), for events that came without one.
    pub fn new_event_id(&self) -> String {
        let mut bytes = [0u8; 16];
        // Without OS randomness, fall back to the clock: an id must still be unique enough
        // for one server, and failing the request would lose the event.
        if getrandom::fill(&mut bytes).is_err() {
            bytes[..8].copy_from_slice(&self.now_ms().to_be_bytes());
        }
        errorbeacon::EventId::from_random_bytes(bytes).to_hex()
    }

    /// The public key of a project; cached, since every ingest request asks.
    pub async fn project_key(&self, project_id: u64) -> Result<Option<String>, ApiError> {
        if let Some(k) = self.keys.read().ok().and_then(|m| m.get(&project_id).cloned()) {
            return Ok(Some(k));
        }
        let project = self
            .store
            .reads
            .run(move |c| read::project(c, project_id))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
        let key = project.map(|p| p.public_key);
        if let (Some(k), Ok(mut m)) = (&key, self.keys.write()) {
            m.insert(project_id, k.clone());
        }
        Ok(key)
    }

    /// `host:port` as DSNs name this server.
    pub fn public_host(&self) -> String {
        self.public_host.read().map(|h| h.clone()).unwrap_or_default()
    }

    /// Sets what [`Inner::public_host`] answers (the address the server is bound to).
    pub fn set_public_host(&self, host: String) {
        if let Ok(mut h) = self.public_host.write() {
            *h = host;
        }
    }

    /// Tells live views that data changed.
    pub fn notify(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees every [`Inner::notify`].
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }
}
