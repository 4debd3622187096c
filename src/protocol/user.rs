//! The affected user.

use super::value::Map;
use serde::{Deserialize, Serialize};

/// The user an event happened to. Every field is optional; an empty user is left out.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct User {
    /// Application user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// User name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// IP address, or `{{auto}}` to let the server fill it in (only with `sendDefaultPii`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Other user data.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub data: Map,
}
