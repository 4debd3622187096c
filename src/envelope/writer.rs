//! Writing envelopes, byte for byte as Sentry's SDKs do.
//!
//! Every header line and the event and client-report payloads come from the hand-written
//! writer in `crate::json`, not serde_json, whose serializer would take three quarters of the
//! wasm build's size budget. The bytes are the same as serde_json's for the same value
//! (`tests/json_writer.rs` holds the two side by side).

use super::{Envelope, EnvelopeHeaders, Item};
use crate::dsn::Dsn;
use crate::json::{self, Json, WriteJson};
use crate::protocol::{ClientReport, ClientSdkInfo, Event, EventId, Timestamp};
use std::convert::Infallible;
use std::io::{self, Write};

impl Item {
    /// An item of type `ty` whose payload is `value` written by the hand-written JSON writer.
    fn written(ty: &str, value: &impl WriteJson) -> Item {
        Item { ty: ty.into(), content_type: None, filename: None, payload: json::to_vec(value) }
    }
}

/// The item header line as written: `type` and `length` first, then the optional fields.
fn write_item_header(item: &Item, w: &mut Json<'_>) {
    w.begin_object();
    w.field(crate::json::key!("type"), &item.ty);
    w.field(crate::json::key!("length"), &item.payload.len());
    w.field_opt(crate::json::key!("content_type"), &item.content_type);
    w.field_opt(crate::json::key!("filename"), &item.filename);
    w.end_object();
}

/// The bytes of an envelope with one item of type `ty`: the header line (`event_id` when
/// given, `sent_at`, `dsn` when known, `sdk`), the item header (`type`, `length`) and the
/// payload; what [`Envelope::to_bytes`] writes for the same parts. The SDK's own envelopes are
/// written by this, without building an [`Envelope`] (its tree, clones and drop glue are wasm
/// bytes: docs/size.md).
pub(crate) fn envelope_with(
    event_id: Option<&EventId>,
    sent_at: &Timestamp,
    dsn: Option<&str>,
    sdk: &ClientSdkInfo,
    ty: &str,
    payload: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 512);
    let mut w = Json::new(&mut out);
    w.begin_object();
    if let Some(id) = event_id {
        w.field(json::key!("event_id"), id);
    }
    w.field(json::key!("sent_at"), sent_at);
    if let Some(dsn) = dsn {
        w.field(json::key!("dsn"), dsn);
    }
    w.field(json::key!("sdk"), sdk);
    w.end_object();
    out.push(b'\n');
    let mut w = Json::new(&mut out);
    w.begin_object();
    w.field(json::key!("type"), ty);
    w.field(json::key!("length"), &payload.len());
    w.end_object();
    out.push(b'\n');
    out.extend_from_slice(payload);
    out.push(b'\n');
    out
}

impl Envelope {
    /// An envelope with one `event` item, its header carrying the event id, `sent_at`, the
    /// DSN (when known) and the SDK.
    ///
    /// Never fails; the `Result` is kept for callers written against the serde_json version.
    pub fn from_event(event: &Event, dsn: Option<&Dsn>, sent_at: Timestamp) -> Result<Envelope, serde_json::Error> {
        let sdk = event.sdk.clone().unwrap_or_else(ClientSdkInfo::errorbeacon);
        Ok(Envelope::with_event_json(event.event_id, json::to_vec(event), sdk, dsn, sent_at))
    }

    /// An envelope with one `event` item whose payload is already JSON (what an asynchronous
    /// `beforeSend` answered), with the same header as [`Envelope::from_event`].
    pub fn with_event_json(
        event_id: EventId,
        payload: Vec<u8>,
        sdk: ClientSdkInfo,
        dsn: Option<&Dsn>,
        sent_at: Timestamp,
    ) -> Envelope {
        Envelope {
            headers: EnvelopeHeaders {
                event_id: Some(event_id),
                sent_at: Some(sent_at),
                // The one `core::fmt` use left on this path: `Dsn` has only `Display` for its
                // text (1.4 KB gzip in a wasm build that links no other formatting).
                dsn: dsn.map(Dsn::to_text),
                sdk: Some(sdk),
            },
            items: vec![Item { ty: "event".into(), content_type: None, filename: None, payload }],
        }
    }

    /// An envelope with one `client_report` item.
    ///
    /// Never fails; the `Result` is kept for callers written against the serde_json version.
    pub fn from_client_report(report: &ClientReport, dsn: Option<&Dsn>) -> Result<Envelope, serde_json::Error> {
        Ok(Envelope {
            headers: EnvelopeHeaders {
                event_id: None,
                sent_at: Some(report.timestamp),
                dsn: dsn.map(Dsn::to_text),
                sdk: Some(ClientSdkInfo::errorbeacon()),
            },
            items: vec![Item::written("client_report", report)],
        })
    }

    /// Writes the envelope: header line, then per item a header line with `length`, the
    /// payload and a newline.
    pub fn write_to<W: Write>(&self, mut w: W) -> io::Result<()> {
        self.write_parts(|bytes| w.write_all(bytes))
    }

    /// The envelope as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.items.iter().map(|i| i.payload.len() + 64).sum::<usize>() + 256);
        let Ok(()) = self.write_parts::<Infallible>(|bytes| {
            out.extend_from_slice(bytes);
            Ok(())
        });
        out
    }

    /// Hands the envelope to `put` piece by piece: each header line (built in one buffer), each
    /// payload as it is. Shared by [`Envelope::write_to`] and [`Envelope::to_bytes`], so that
    /// `to_bytes` needs no `io::Write` and its error type.
    fn write_parts<E>(&self, mut put: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        let mut line = Vec::with_capacity(256);
        self.headers.write_json(&mut Json::new(&mut line));
        line.push(b'\n');
        put(&line)?;
        for item in &self.items {
            line.clear();
            write_item_header(item, &mut Json::new(&mut line));
            line.push(b'\n');
            put(&line)?;
            put(&item.payload)?;
            put(b"\n")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    /// The item header as the serde_json version wrote it: the reference for the hand-written one.
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

    #[test]
    fn item_headers_match_serde_json() {
        let names = [None, Some(""), Some("text/plain"), Some("a \"b\"\n\u{0}é")];
        for content_type in names {
            for filename in names {
                for payload in [Vec::new(), vec![b'x'; 1234]] {
                    let item = Item {
                        ty: "attachment\t".into(),
                        content_type: content_type.map(Into::into),
                        filename: filename.map(Into::into),
                        payload,
                    };
                    let mut ours = Vec::new();
                    write_item_header(&item, &mut Json::new(&mut ours));
                    let reference = ItemHeaderOut {
                        ty: &item.ty,
                        length: item.payload.len(),
                        content_type: item.content_type.as_deref(),
                        filename: item.filename.as_deref(),
                    };
                    assert_eq!(ours, serde_json::to_vec(&reference).expect("serde_json"));
                }
            }
        }
    }
}
