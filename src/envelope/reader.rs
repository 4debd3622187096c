//! Reading envelopes with Relay's framing rules (`relay-server/src/envelope`): the header is
//! one JSON value followed by `\n` or the end; an item's payload is `length` bytes followed
//! by `\n` or the end, or without `length` runs to the next `\n`; anything after the last
//! item, even a lone newline, must be another item.

use super::{Envelope, EnvelopeHeaders, Item};
use crate::limits::MAX_ENVELOPE_HEADER_BYTES;
use serde::Deserialize;
use std::fmt;

/// Why bytes are not an envelope. Each framing error has its own variant and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvelopeError {
    /// Occurs when the input is empty or only whitespace.
    MissingHeader,
    /// Occurs when the envelope header is not a JSON object of the expected shape.
    InvalidHeader(String),
    /// Occurs when a header line is longer than any envelope header may be.
    HeaderTooLarge {
        /// The item index, or `None` for the envelope header.
        item: Option<usize>,
    },
    /// Occurs when a header or a payload is followed by something other than `\n` or the end.
    MissingNewline {
        /// The item index, or `None` for the envelope header.
        item: Option<usize>,
        /// Byte offset where the newline was expected.
        offset: usize,
    },
    /// Occurs when an item header is not valid JSON, or is not an object.
    InvalidItemHeader {
        /// The item index.
        item: usize,
        /// What the JSON parser said.
        reason: String,
    },
    /// Occurs when an item header has no `type`.
    MissingItemType {
        /// The item index.
        item: usize,
    },
    /// Occurs when input ends where an item header was expected (e.g. a trailing blank line).
    UnexpectedEof {
        /// The item index that was expected.
        item: usize,
    },
    /// Occurs when an item's `length` runs past the end of the input.
    PayloadTooShort {
        /// The item index.
        item: usize,
        /// The declared length.
        expected: u64,
        /// The bytes that were left.
        available: usize,
    },
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = |item: &Option<usize>| match item {
            Some(i) => format!("item {i} header"),
            None => "envelope header".to_owned(),
        };
        match self {
            EnvelopeError::MissingHeader => write!(f, "envelope is empty: no header line"),
            EnvelopeError::InvalidHeader(e) => write!(f, "envelope header is not valid json: {e}"),
            EnvelopeError::HeaderTooLarge { item } => {
                write!(f, "{} is larger than {MAX_ENVELOPE_HEADER_BYTES} bytes", which(item))
            }
            EnvelopeError::MissingNewline { item: None, offset } => {
                write!(f, "envelope header not terminated by newline or end of input at byte {offset}")
            }
            EnvelopeError::MissingNewline { item: Some(i), offset } => {
                write!(f, "item {i} header or payload not terminated by newline or end of input at byte {offset}")
            }
            EnvelopeError::InvalidItemHeader { item, reason } => {
                write!(f, "item {item} header is not valid json: {reason}")
            }
            EnvelopeError::MissingItemType { item } => {
                write!(f, "item {item} header has no \"type\"")
            }
            EnvelopeError::UnexpectedEof { item } => {
                write!(f, "input ended where item {item} header was expected")
            }
            EnvelopeError::PayloadTooShort { item, expected, available } => {
                write!(f, "item {item} declares length {expected} but only {available} bytes follow its header")
            }
        }
    }
}

impl std::error::Error for EnvelopeError {}

#[derive(Deserialize)]
struct ItemHeaderIn {
    #[serde(rename = "type")]
    ty: Option<String>,
    length: Option<u64>,
    content_type: Option<String>,
    filename: Option<String>,
}

/// Reads one JSON value at the start of `bytes`; returns it and where it ended.
fn read_json<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<Result<(T, usize), serde_json::Error>> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    let value = stream.next()?;
    Some(value.map(|v| (v, stream.byte_offset())))
}

/// `Ok` when `offset` is `\n` or the end of `bytes`.
fn require_termination(bytes: &[u8], offset: usize, item: Option<usize>) -> Result<(), EnvelopeError> {
    match bytes.get(offset) {
        Some(b'\n') | None => Ok(()),
        Some(_) => Err(EnvelopeError::MissingNewline { item, offset }),
    }
}

/// The header line at `start`: JSON whitespace before it (newlines included, as Relay's JSON
/// stream skips them) is passed over, and the line is bounded so that a huge garbage body is
/// not handed to the JSON parser whole. Returns the line and where it starts.
fn header_slice(bytes: &[u8], start: usize, item: Option<usize>) -> Result<(&[u8], usize), EnvelopeError> {
    let rest = bytes.get(start..).unwrap_or_default();
    let ws = rest.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).count();
    let rest = rest.get(ws..).unwrap_or_default();
    let limit = rest.len().min(MAX_ENVELOPE_HEADER_BYTES + 1);
    let end = rest.get(..limit).unwrap_or_default().iter().position(|&b| b == b'\n').unwrap_or(limit);
    if end > MAX_ENVELOPE_HEADER_BYTES {
        return Err(EnvelopeError::HeaderTooLarge { item });
    }
    Ok((rest.get(..end).unwrap_or_default(), start + ws))
}

/// Headers are JSON objects; serde's derive would also fill a struct from an array.
fn require_object(line: &[u8]) -> Result<(), String> {
    match line.first() {
        None | Some(b'{') => Ok(()),
        Some(_) => Err("expected a json object".to_owned()),
    }
}

impl Envelope {
    /// Parses an envelope with Relay's framing rules.
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        let (line, line_start) = header_slice(bytes, 0, None)?;
        require_object(line).map_err(EnvelopeError::InvalidHeader)?;
        let (headers, end) = match read_json::<EnvelopeHeaders>(line) {
            None => return Err(EnvelopeError::MissingHeader),
            Some(Err(e)) => return Err(EnvelopeError::InvalidHeader(e.to_string())),
            Some(Ok(v)) => v,
        };
        let end = line_start + end;
        require_termination(bytes, end, None)?;
        let mut offset = end + 1;
        let mut items = Vec::new();
        while offset < bytes.len() {
            let index = items.len();
            let (line, line_start) = header_slice(bytes, offset, Some(index))?;
            require_object(line).map_err(|reason| EnvelopeError::InvalidItemHeader { item: index, reason })?;
            let (header, header_len) = match read_json::<ItemHeaderIn>(line) {
                None => return Err(EnvelopeError::UnexpectedEof { item: index }),
                Some(Err(e)) => return Err(EnvelopeError::InvalidItemHeader { item: index, reason: e.to_string() }),
                Some(Ok(v)) => v,
            };
            let header_end = line_start + header_len;
            require_termination(bytes, header_end, Some(index))?;
            let ty = header.ty.ok_or(EnvelopeError::MissingItemType { item: index })?;
            let payload_start = (header_end + 1).min(bytes.len());
            let payload_end = match header.length {
                Some(len) => {
                    let available = bytes.len() - payload_start;
                    let end = usize::try_from(len).ok().filter(|&l| l <= available).map(|l| payload_start + l);
                    let end = end.ok_or(EnvelopeError::PayloadTooShort { item: index, expected: len, available })?;
                    require_termination(bytes, end, Some(index))?;
                    end
                }
                None => bytes
                    .get(payload_start..)
                    .unwrap_or_default()
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| payload_start + p),
            };
            items.push(Item {
                ty,
                content_type: header.content_type,
                filename: header.filename,
                payload: bytes.get(payload_start..payload_end).unwrap_or_default().to_vec(),
            });
            offset = payload_end + 1;
        }
        Ok(Envelope { headers, items })
    }
}
