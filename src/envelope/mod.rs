//! Sentry envelopes: a JSON header line, then items, each a JSON header line and a payload.
//!
//! [`Envelope::write_to`] writes to any [`std::io::Write`] and does no IO of its own;
//! [`Envelope::parse`] reads with Relay's framing rules (the inbox uses it to take envelopes).

mod reader;
mod writer;

use crate::protocol::{ClientSdkInfo, EventId, Timestamp};
use serde::{Deserialize, Serialize};

pub use reader::EnvelopeError;
pub(crate) use writer::envelope_with;

/// An envelope: header and items.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Envelope {
    /// The envelope header.
    pub headers: EnvelopeHeaders,
    /// The items, in order.
    pub items: Vec<Item>,
}

/// The envelope header line.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct EnvelopeHeaders {
    /// The id of the event item, when there is one (servers require it then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<EventId>,
    /// When the envelope was sent (servers correct client clock drift with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Timestamp>,
    /// The DSN it is meant for (lets tunnels and `sendBeacon` carry auth).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsn: Option<String>,
    /// The SDK that sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<ClientSdkInfo>,
}

/// One item: its type, optional content type and file name, and the payload bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    /// `event`, `client_report`, `session`, `attachment`, …
    pub ty: String,
    /// The payload's content type, when the item header names one.
    pub content_type: Option<String>,
    /// An attachment's file name.
    pub filename: Option<String>,
    /// The payload.
    pub payload: Vec<u8>,
}

impl Item {
    /// An item whose payload is `value` as JSON.
    pub fn json<T: Serialize>(ty: &str, value: &T) -> Result<Item, serde_json::Error> {
        Ok(Item { ty: ty.into(), content_type: None, filename: None, payload: serde_json::to_vec(value)? })
    }
}
