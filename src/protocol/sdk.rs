//! What the SDK says about itself, and the reports of what it dropped.

use super::ids::Timestamp;
use serde::{Deserialize, Serialize};

/// SDK name.
pub const SDK_NAME: &str = "errorbeacon.javascript";
/// SDK version (the crate's).
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `sdk` interface.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientSdkInfo {
    /// SDK name.
    pub name: String,
    /// SDK version.
    pub version: String,
    /// Enabled integrations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrations: Vec<String>,
    /// Packages that make up the SDK.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<ClientSdkPackage>,
}

impl ClientSdkInfo {
    /// This SDK.
    pub fn errorbeacon() -> Self {
        ClientSdkInfo {
            name: SDK_NAME.into(),
            version: SDK_VERSION.into(),
            integrations: Vec::new(),
            packages: vec![ClientSdkPackage { name: "npm:errorbeacon".into(), version: SDK_VERSION.into() }],
        }
    }
}

/// One package of the SDK.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientSdkPackage {
    /// `npm:errorbeacon`, `cargo:errorbeacon`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A `client_report` item: what the SDK dropped and why, since the last report.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientReport {
    /// When the report was made.
    pub timestamp: Timestamp,
    /// Drop counts by reason and category.
    pub discarded_events: Vec<DiscardedEvent>,
}

/// One count in a client report.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct DiscardedEvent {
    /// `ratelimit_backoff`, `queue_overflow`, `network_error`, `sample_rate`, `before_send`,
    /// `event_processor`, `send_error`, …
    pub reason: String,
    /// `error`, `default`, …
    pub category: String,
    /// How many.
    pub quantity: u64,
}
