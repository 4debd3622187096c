//! Breadcrumbs: what happened before an event.

use super::ids::Timestamp;
use super::level::Level;
use super::value::Map;
use serde::{Deserialize, Serialize};

/// One breadcrumb.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Breadcrumb {
    /// When it happened.
    pub timestamp: Timestamp,
    /// `default`, `http`, `navigation`, `ui`, `error`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// `console`, `fetch`, `xhr`, `ui.click`, `navigation`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Human-readable text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Structured details (URL, status code, …).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub data: Map,
}
