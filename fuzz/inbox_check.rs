//! The `inbox` target's check, shared with the inbox's stable regression test
//! (inbox/tests/fuzz_regressions.rs): what the inbox reads from anyone on the network, before it
//! stores anything: the body's decoding (gzip, deflate, br: a bomb is refused at the bound,
//! never expanded past it), event normalization, and the key from `X-Sentry-Auth` or the query.
use errorbeacon_inbox::ingest::{auth, body};
use errorbeacon_inbox::limits::MAX_DECOMPRESSED_BYTES;

/// The first byte picks the encoding; the rest is the body.
pub fn inbox(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let encoding = [body::Encoding::Identity, body::Encoding::Gzip, body::Encoding::Deflate, body::Encoding::Brotli]
        [usize::from(first % 4)];
    if let Ok(decoded) = body::decompress(encoding, bytes::Bytes::copy_from_slice(rest)) {
        assert!(decoded.len() <= MAX_DECOMPRESSED_BYTES.max(rest.len()), "{} bytes decoded", decoded.len());
        let _ = errorbeacon_inbox::normalize::normalize(&decoded);
    }
    let _ = errorbeacon_inbox::normalize::normalize(rest);
    let text = String::from_utf8_lossy(rest);
    let _ = auth::key_from_auth(&text);
    let _ = auth::key_from_query(Some(&text));
}
