//! Every bound the inbox applies, with Sentry's number beside ours.
//!
//! Sentry documents its envelope limits at develop.sentry.dev (SDK → Envelopes → Size
//! Limits): 200 MiB for a whole compressed envelope request, 1 MiB for an event item
//! (decompressed), 100 sessions per envelope, and larger limits for attachments and replays.
//! A single inbox on one machine keeps events only, so it accepts much less per request: an
//! event is still allowed Sentry's full 1 MiB.

/// Bytes of a request body as received (compressed or not). Sentry: 200 MiB per envelope.
/// A browser or server SDK sends one event per envelope, well under 1 MiB compressed; 20 MiB
/// leaves room for attachments we ignore, and a larger body is answered 413 before it is read.
pub const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;

/// Bytes of a body after decompression. Decompression stops one byte past this and answers
/// 413, so a gzip or brotli bomb costs at most this much memory.
pub const MAX_DECOMPRESSED_BYTES: usize = 20 * 1024 * 1024;

/// Bytes of one event payload (decompressed), Sentry's limit for event items: 1 MiB.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// Event items stored from one envelope. Sentry's protocol allows one; a few more are taken
/// from hand-written envelopes, the rest are ignored.
pub const MAX_EVENTS_PER_ENVELOPE: usize = 16;

/// Issues or events one API call lists (Sentry pages by 100).
pub const MAX_LIST: u32 = 100;
