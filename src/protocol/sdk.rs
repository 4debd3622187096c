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
    /// What the server may add to the event (the IP address it was sent from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SdkSettings>,
}

/// `sdk.settings`: how Relay treats the event on ingest.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct SdkSettings {
    /// `never` or `auto`: whether the server may take the user's IP address from the request.
    /// Without it Relay keeps its legacy default for `javascript` events, which infers the
    /// address; @sentry/browser sends `never` unless `sendDefaultPii`, and so does errorbeacon.
    pub infer_ip: String,
}

impl SdkSettings {
    /// The settings for an app that did (`auto`) or did not (`never`) allow PII.
    pub fn for_pii(send_default_pii: bool) -> Self {
        SdkSettings { infer_ip: if send_default_pii { "auto" } else { "never" }.into() }
    }
}

impl ClientSdkInfo {
    /// This SDK.
    pub fn errorbeacon() -> Self {
        ClientSdkInfo {
            name: SDK_NAME.into(),
            version: SDK_VERSION.into(),
            integrations: Vec::new(),
            packages: vec![ClientSdkPackage { name: "npm:errorbeacon".into(), version: SDK_VERSION.into() }],
            settings: None,
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
