//! Request bodies: read with a bound, then decompressed with a bound.
//!
//! The bound is checked against `Content-Length` before reading when there is one, and
//! counted while reading otherwise (chunked bodies: @sentry/node sends them). Decompression
//! reads at most one byte past [`MAX_DECOMPRESSED_BYTES`], so a bomb is answered 413 after a
//! bounded amount of work and memory.

use crate::error::ApiError;
use crate::limits::{MAX_BODY_BYTES, MAX_DECOMPRESSED_BYTES};
use axum::body::Body;
use axum::http::HeaderMap;
use http_body_util::BodyExt;
use std::io::Read;

/// Reads the whole body, answering 413 when it is larger than [`MAX_BODY_BYTES`].
pub async fn read(headers: &HeaderMap, body: Body) -> Result<bytes::Bytes, ApiError> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = declared {
        if n > MAX_BODY_BYTES as u64 {
            return Err(too_large_body(n));
        }
    }
    let limited = http_body_util::Limited::new(body, MAX_BODY_BYTES);
    match limited.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(ApiError::too_large(format!("request body is larger than {MAX_BODY_BYTES} bytes")))
        }
        Err(e) => Err(ApiError::bad_request(format!("cannot read request body: {e}"))),
    }
}

fn too_large_body(n: u64) -> ApiError {
    ApiError::too_large(format!("request body of {n} bytes is larger than {MAX_BODY_BYTES} bytes"))
}

/// The encodings a body can arrive in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// No `Content-Encoding`, or `identity`.
    Identity,
    /// `gzip` / `x-gzip`.
    Gzip,
    /// `deflate`: zlib-wrapped as HTTP says, or raw deflate as some clients send.
    Deflate,
    /// `br`.
    Brotli,
}

/// The body's `Content-Encoding`.
pub fn encoding(headers: &HeaderMap) -> Result<Encoding, ApiError> {
    let Some(v) = headers.get(axum::http::header::CONTENT_ENCODING) else { return Ok(Encoding::Identity) };
    let v = v.to_str().map_err(|_| ApiError::bad_request("content-encoding header is not ascii"))?;
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "identity" => Ok(Encoding::Identity),
        "gzip" | "x-gzip" => Ok(Encoding::Gzip),
        "deflate" => Ok(Encoding::Deflate),
        "br" => Ok(Encoding::Brotli),
        other => Err(ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("unsupported content-encoding {other:?} (supported: gzip, deflate, br)"),
        )),
    }
}

/// Decompresses `body`, bounded by [`MAX_DECOMPRESSED_BYTES`].
pub fn decompress(encoding: Encoding, body: bytes::Bytes) -> Result<bytes::Bytes, ApiError> {
    let name = match encoding {
        Encoding::Identity => return Ok(body),
        Encoding::Gzip => "gzip",
        Encoding::Deflate => "deflate",
        Encoding::Brotli => "br",
    };
    let result = match encoding {
        Encoding::Gzip => bounded_read(flate2::read::MultiGzDecoder::new(&body[..])),
        Encoding::Deflate => {
            bounded_read(flate2::read::ZlibDecoder::new(&body[..])).or_else(|zlib_err| match zlib_err {
                Bounded::TooLarge => Err(Bounded::TooLarge),
                Bounded::Invalid(_) => bounded_read(flate2::read::DeflateDecoder::new(&body[..])),
            })
        }
        _ => bounded_read(brotli_decompressor::Decompressor::new(&body[..], 64 * 1024)),
    };
    match result {
        Ok(v) => Ok(bytes::Bytes::from(v)),
        Err(Bounded::TooLarge) => {
            Err(ApiError::too_large(format!("{name} body decompresses to more than {MAX_DECOMPRESSED_BYTES} bytes")))
        }
        Err(Bounded::Invalid(e)) => Err(ApiError::bad_request(format!("body is not valid {name} data: {e}"))),
    }
}

enum Bounded {
    TooLarge,
    Invalid(std::io::Error),
}

fn bounded_read(reader: impl Read) -> Result<Vec<u8>, Bounded> {
    let mut out = Vec::new();
    reader.take(MAX_DECOMPRESSED_BYTES as u64 + 1).read_to_end(&mut out).map_err(Bounded::Invalid)?;
    if out.len() > MAX_DECOMPRESSED_BYTES {
        return Err(Bounded::TooLarge);
    }
    Ok(out)
}
