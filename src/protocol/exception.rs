//! Exceptions and their mechanism (Sentry's `exception` interface).

use super::frame::Stacktrace;
use super::value::Map;
use serde::{Deserialize, Serialize};

/// One exception. An event's `exception.values` lists linked exceptions oldest cause first,
/// the one that was thrown last.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Exception {
    /// The error's type (`TypeError`, `panic`, …).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// The error's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// How it was caught.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<Mechanism>,
    /// Where it was thrown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stacktrace: Option<Stacktrace>,
}

/// How an exception reached the SDK.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Mechanism {
    /// `generic`, `onerror`, `onunhandledrejection`, `chained`, `panic`, …
    #[serde(rename = "type")]
    pub ty: String,
    /// `false` when the host did not catch it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled: Option<bool>,
    /// `true` when the exception was made up by the SDK (a non-Error was thrown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synthetic: Option<bool>,
    /// Where a linked exception hangs off its parent: `cause`, `errors[0]`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// This exception's id within the event, for `parent_id` links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception_id: Option<u32>,
    /// The `exception_id` of the exception this one is linked from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<u32>,
    /// `true` for an `AggregateError`, whose children are listed as linked exceptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_exception_group: Option<bool>,
    /// Extra facts about the capture (e.g. the JS type of a non-Error value).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub data: Map,
}

/// The `exception` interface: a list of exceptions.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Values<T> {
    /// The entries.
    pub values: Vec<T>,
}
