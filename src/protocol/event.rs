//! The event: what one capture sends.

use super::breadcrumb::Breadcrumb;
use super::context::Contexts;
use super::debug_meta::DebugMeta;
use super::exception::{Exception, Values};
use super::ids::{EventId, Timestamp};
use super::level::Level;
use super::map::SortedMap;
use super::request::Request;
use super::sdk::ClientSdkInfo;
use super::user::User;
use super::value::Map;
use serde::{Deserialize, Serialize};

/// A Sentry event (protocol v7). Optional fields are left out of the JSON when empty.
///
/// There is no `Default` that reads a clock or a random source: `event_id` and `timestamp`
/// are passed in by the caller (see [`Event::new`]).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Event {
    /// Unique id, 32 hex digits.
    pub event_id: EventId,
    /// When it happened.
    pub timestamp: Timestamp,
    /// `javascript` for events from JS hosts, `native` for Rust panics without JS frames.
    pub platform: String,
    /// Severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Name of the logger or integration that made the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logger: Option<String>,
    /// The app release, e.g. `shop@1.4.2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// Distribution within a release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dist: Option<String>,
    /// `production`, `staging`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// A log message (captureMessage), as Sentry's `logentry` interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logentry: Option<LogEntry>,
    /// The exceptions, oldest cause first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<Values<Exception>>,
    /// What happened before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breadcrumbs: Option<Values<Breadcrumb>>,
    /// Who it happened to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The page or request it happened in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    /// Browser, OS, runtime, culture, and user-defined contexts.
    #[serde(default, skip_serializing_if = "Contexts::is_empty")]
    pub contexts: Contexts,
    /// Indexed key/value pairs.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub tags: SortedMap<String>,
    /// Unindexed free-form data.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map,
    /// Overrides the server's grouping (`{{ default }}` stands for the default grouping).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fingerprint: Vec<String>,
    /// The SDK that sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<ClientSdkInfo>,
    /// Debug images (wasm modules) that frames' `addr_mode: rel:N` point into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug_meta: Option<DebugMeta>,
}

impl Event {
    /// An empty event with the id and time the caller chose.
    pub fn new(event_id: EventId, timestamp: Timestamp) -> Self {
        Event { event_id, timestamp, platform: "javascript".into(), ..Default::default() }
    }

    /// The exception that was thrown (the last in `exception.values`).
    pub fn main_exception(&self) -> Option<&Exception> {
        self.exception.as_ref().and_then(|e| e.values.last())
    }
}

/// The `logentry` interface: a message.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct LogEntry {
    /// The message as shown.
    pub formatted: String,
}
