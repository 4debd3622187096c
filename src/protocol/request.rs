//! The page or HTTP request an event happened in.

use super::map::SortedMap;
use serde::{Deserialize, Serialize};

/// Sentry's `request` interface.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// The URL without query string and fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The query string (scrubbed unless the user allowed PII).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_string: Option<String>,
    /// The fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragment: Option<String>,
    /// Selected headers.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub headers: SortedMap<String>,
}
