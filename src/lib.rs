//! errorbeacon: error capture for JavaScript and Rust-wasm hosts (browsers, Cloudflare
//! Workers, Node, Deno, Bun), delivered as Sentry-protocol events to any Sentry-compatible
//! server.
//!
//! The crate is a platform-free core that runs and is tested on the host, plus one thin
//! binding layer ([`web`](crate) on `wasm32` only) that turns JavaScript values into the
//! core's plain data. The trade-off it is built around: the browser module must stay small
//! (≤ 20 KB gzipped with its glue), so the core avoids heavy dependencies (no regex, no URL
//! parser, no float formatting) and parses in one linear pass.
//!
//! - [`parse_stack`]: `error.stack` from V8, SpiderMonkey and JavaScriptCore into frames.
//! - [`protocol`]: the Sentry event and its parts as serde types.
//! - [`envelope`]: writing and reading Sentry envelopes.
//! - [`Dsn`]: parsing a DSN and deriving ingest URLs and auth.
//! - [`capture`]: an event from any thrown value's description.

pub mod capture;
pub mod delivery;
mod dsn;
pub mod envelope;
pub mod group;
mod json;
pub mod limits;
pub mod protocol;
pub mod scope;
mod stack;
mod text;
#[doc(hidden)]
pub mod write;

#[cfg(target_arch = "wasm32")]
mod web;

pub use capture::{event_from_thrown, message_event, ErrorLike, Primitive, Thrown};
pub use dsn::{Dsn, DsnError};
pub use envelope::{Envelope, EnvelopeError, Item};
pub use protocol::{Breadcrumb, Event, EventId, Exception, Frame, Level, Stacktrace, Timestamp, User};
pub use stack::{parse_stack, parse_stack_with, ParseOptions};
/// Frames written as JSON bytes or as an offsets table: the npm module's parser. Public for the
/// host's tests and benchmarks; not part of the API (`../shared/API.md`).
#[doc(hidden)]
pub use stack::{table, table_frames, write_frames, write_synthetic_frames, FrameBounds, TABLE_RECORD};
/// The bytes the stack parser's searches looked at since the last call (fuzz targets only:
/// their per-input work bound).
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn take_scanned_bytes() -> usize {
    stack::line::SCANNED.with(|c| c.replace(0))
}
#[cfg(all(target_arch = "wasm32", feature = "worker", not(feature = "npm")))]
pub use web::request::{in_request, InRequest};
#[cfg(all(target_arch = "wasm32", not(feature = "npm")))]
pub use web::rust_api::{add_breadcrumb, capture_error, capture_message, configure_scope, flush, init, Guard, Options};
