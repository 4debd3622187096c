//! How event payloads are kept: LZ4-compressed when that makes them smaller.
//!
//! The payload is most of what the writer puts in the database (10 KB for a browser event with
//! 25 frames and breadcrumbs), and every byte of it is written twice, to the WAL and then to
//! the database file. Event JSON compresses about five times with LZ4 at ~1.7 GB/s, so the
//! request handlers compress it (a few µs per event, on all cores) and the single writer moves
//! a fifth of the bytes. Readers decompress; the bytes they get are the payload exactly as
//! received (after the body's own `Content-Encoding` was undone).
//!
//! The column `events.raw_codec` says which form `events.raw` is in: `NULL` for the payload
//! as received, `lz4` for an LZ4 block preceded by its decompressed length (4 bytes, little
//! endian), as `lz4_flex`'s size-prepended block functions write it.

use crate::limits::MAX_EVENT_BYTES;

/// The `raw_codec` of LZ4-compressed payloads.
pub const LZ4: &str = "lz4";

/// A payload ready to store: the bytes and the codec they are in (`None`: as received).
pub fn pack(payload: &[u8]) -> (Vec<u8>, Option<&'static str>) {
    let packed = lz4_flex::block::compress_prepend_size(payload);
    if packed.len() < payload.len() {
        (packed, Some(LZ4))
    } else {
        (payload.to_vec(), None)
    }
}

/// Why stored bytes could not be turned back into the payload.
#[derive(Debug)]
pub enum UnpackError {
    /// Occurs when `raw_codec` names a codec this version does not know.
    UnknownCodec(String),
    /// Occurs when the stored bytes are not a valid LZ4 block of a payload within the limits.
    Corrupt(String),
}

impl std::fmt::Display for UnpackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnpackError::UnknownCodec(c) => write!(f, "stored payload has unknown codec {c:?}"),
            UnpackError::Corrupt(e) => write!(f, "stored payload is corrupt: {e}"),
        }
    }
}

impl std::error::Error for UnpackError {}

/// The payload as received, from what [`pack`] stored.
pub fn unpack(codec: Option<&str>, stored: Vec<u8>) -> Result<Vec<u8>, UnpackError> {
    match codec {
        None => Ok(stored),
        Some(LZ4) => {
            // The length prefix decides the allocation: refuse one no payload can have.
            let declared = stored.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(u32::from_le_bytes);
            match declared {
                Some(n) if n as usize <= MAX_EVENT_BYTES => {}
                _ => return Err(UnpackError::Corrupt("missing or impossible length prefix".into())),
            }
            lz4_flex::block::decompress_size_prepended(&stored).map_err(|e| UnpackError::Corrupt(e.to_string()))
        }
        Some(other) => Err(UnpackError::UnknownCodec(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_what_does_not_shrink() -> Result<(), UnpackError> {
        let event = br#"{"exception":{"values":[{"type":"TypeError","value":"x"}]},"breadcrumbs":"#.repeat(20);
        let (packed, codec) = pack(&event);
        assert_eq!(codec, Some(LZ4));
        assert!(packed.len() < event.len() / 4);
        assert_eq!(unpack(codec, packed)?, event);
        let tiny = b"{}".to_vec();
        let (packed, codec) = pack(&tiny);
        assert_eq!((packed.as_slice(), codec), (&tiny[..], None));
        assert_eq!(unpack(codec, packed)?, tiny);
        Ok(())
    }

    #[test]
    fn corrupt_or_unknown_is_an_error() {
        assert!(matches!(unpack(Some("lz4"), vec![1]), Err(UnpackError::Corrupt(_))));
        assert!(matches!(unpack(Some("lz4"), vec![0xff, 0xff, 0xff, 0xff, 0]), Err(UnpackError::Corrupt(_))));
        assert!(matches!(unpack(Some("lz4"), vec![10, 0, 0, 0, 0xf0]), Err(UnpackError::Corrupt(_))));
        assert!(matches!(unpack(Some("zstd"), vec![]), Err(UnpackError::UnknownCodec(_))));
    }
}
