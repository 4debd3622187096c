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

// The npm build (nightly) compiles the stack parser for speed and the rest for size.
#![cfg_attr(eb_speed, feature(optimize_attribute))]

pub mod capture;
pub mod client;
pub mod delivery;
mod dsn;
pub mod envelope;
pub mod filter;
pub mod group;
mod json;
pub mod limits;
pub mod protocol;
pub mod scope;
mod stack;
mod text;
#[cfg_attr(not(feature = "npm"), allow(dead_code))]
mod utf16;
#[doc(hidden)]
pub mod write;

#[cfg(target_arch = "wasm32")]
mod web;

pub use capture::{event_from_thrown, message_event, ErrorLike, Primitive, Thrown};
pub use dsn::{Dsn, DsnError};
pub use envelope::{Envelope, EnvelopeError, Item};
pub use protocol::{Breadcrumb, Event, EventId, Exception, Frame, Level, Stacktrace, Timestamp, User};
pub use stack::{parse_stack, parse_stack_with, ParseOptions};
/// The lean core (issue 25): frames written as JSON bytes. Public for the host's tests and
/// benchmarks while the npm binding moves to it; not part of the API (`../shared/API.md`).
#[doc(hidden)]
pub use stack::{table, table_frames, write_frames, write_synthetic_frames, FrameBounds, TABLE_RECORD};
#[cfg(all(target_arch = "wasm32", not(any(feature = "npm", feature = "lean"))))]
pub use web::rust_api::{add_breadcrumb, capture_error, capture_message, configure_scope, flush, init, Guard, Options};

/// Whether this build has the parts that only opt-in options reach: `beforeSend`, the offline
/// store (`offline: true`) and the message/URL filters (`ignoreErrors`, `denyUrls`,
/// `allowUrls`). Every build has them but the npm module's default variant (`npm` without
/// `opt-in`), which a default `init` fetches: 1.5 KB gzip smaller (docs/size.md). js/api.js
/// fetches the other variant when `init` is given one of those options.
pub(crate) const OPT_IN: bool = cfg!(any(feature = "opt-in", not(feature = "npm")));

/// Parses `stack` without building owned frames and returns the frame count: what the wasm
/// binding does per call. For profiling (`examples/parse_bench.rs`); not part of the API.
#[doc(hidden)]
pub fn __parse_frame_count(stack: &str) -> usize {
    let mut out = Vec::new();
    stack::parse_frames(stack, &ParseOptions::default(), &mut out);
    out.len()
}

/// errorbeacon's own module (the npm package) allocates with lol_alloc's free list instead of
/// std's dlmalloc or talc: the smallest (docs/size.md); captures are as fast in the benchmarks,
/// ~15 % slower with a full scope of 100 large breadcrumbs. Single-threaded wasm only (hence
/// `AssumeSingleThreaded`); Rust apps that depend on the crate keep their own allocator.
#[cfg(all(feature = "npm", target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
