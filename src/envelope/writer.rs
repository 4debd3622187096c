//! Writing envelopes, byte for byte as Sentry's SDKs do.

use super::{Envelope, EnvelopeHeaders, Item};
use crate::dsn::Dsn;
use crate::protocol::{ClientReport, ClientSdkInfo, Event, Timestamp};
use serde::Serialize;
use std::io::{self, Write};

/// An item header as written: `type` and `length` first, then the optional fields.
#[derive(Serialize)]
struct ItemHeaderOut<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<&'a str>,
}

impl Envelope {
    /// An envelope with one `event` item, its header carrying the event id, `sent_at`, the
    /// DSN (when known) and the SDK.
    pub fn from_event(event: &Event, dsn: Option<&Dsn>, sent_at: Timestamp) -> Result<Envelope, serde_json::Error> {
        Ok(Envelope {
            headers: EnvelopeHeaders {
                event_id: Some(event.event_id),
                sent_at: Some(sent_at),
                dsn: dsn.map(ToString::to_string),
                sdk: Some(event.sdk.clone().unwrap_or_else(ClientSdkInfo::errorbeacon)),
            },
            items: vec![Item::json("event", event)?],
        })
    }

    /// An envelope with one `client_report` item.
    pub fn from_client_report(report: &ClientReport, dsn: Option<&Dsn>) -> Result<Envelope, serde_json::Error> {
        Ok(Envelope {
            headers: EnvelopeHeaders {
                event_id: None,
                sent_at: Some(report.timestamp),
                dsn: dsn.map(ToString::to_string),
                sdk: Some(ClientSdkInfo::errorbeacon()),
            },
            items: vec![Item::json("client_report", report)?],
        })
    }

    /// Writes the envelope: header line, then per item a header line with `length`, the
    /// payload and a newline.
    pub fn write_to<W: Write>(&self, mut w: W) -> io::Result<()> {
        serde_json::to_writer(&mut w, &self.headers)?;
        w.write_all(b"\n")?;
        for item in &self.items {
            let header = ItemHeaderOut {
                ty: &item.ty,
                length: item.payload.len(),
                content_type: item.content_type.as_deref(),
                filename: item.filename.as_deref(),
            };
            serde_json::to_writer(&mut w, &header)?;
            w.write_all(b"\n")?;
            w.write_all(&item.payload)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }

    /// The envelope as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.items.iter().map(|i| i.payload.len() + 64).sum::<usize>() + 256);
        // Writing to a Vec cannot fail, and our types always serialize.
        let _ = self.write_to(&mut out);
        out
    }
}
