//! Every bound errorbeacon applies, in one place, each with the reason for its number.
//!
//! Input from a host is hostile until bounded: a thrown value can carry a 10 MB message or a
//! stack with a million lines. Every parser and builder cuts its input to these sizes *before*
//! it looks at it, so the work per capture is bounded whatever was thrown.

/// Bytes of a `stack` string that the parser reads. Engines print the newest frame first, so
/// cutting the tail keeps the crash site. 256 KiB holds [`MAX_FRAMES`] frames even with long
/// `data:` URLs in them.
pub const MAX_STACK_BYTES: usize = 256 * 1024;

/// Bytes of one stack line. A longer line (a huge `data:` URL, a minified one-liner in an eval
/// origin) is skipped rather than cut, because a cut line would carry a wrong location.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// Frames kept per stack trace. Relay keeps at most 250 frames per stacktrace; Firefox prints
/// up to 128 for a stack overflow, which must survive whole.
pub const MAX_FRAMES: usize = 250;

/// Exceptions in one event: the thrown error plus its `cause` chain and `AggregateError`
/// children. Same default as Sentry's `linkedErrors` integration (`limit: 5`) plus the root.
pub const MAX_LINKED_ERRORS: usize = 5;

/// Characters of an exception value or message. Relay trims `exception.value` and
/// `logentry.formatted` to 8192 characters.
pub const MAX_VALUE_CHARS: usize = 8192;

/// Characters of an exception type. Relay's "symbol" limit for type names is 256.
pub const MAX_TYPE_CHARS: usize = 256;

/// Characters of one string inside serialized extra data (a plain object that was thrown).
pub const MAX_EXTRA_STRING_CHARS: usize = 1024;

/// Nesting depth of serialized extra data; Sentry's `normalizeDepth` default is 3.
pub const MAX_EXTRA_DEPTH: usize = 3;

/// Keys or items per object or array in serialized extra data (Sentry: `normalizeMaxBreadth`
/// is 1000; a thrown object with more keys than this tells nothing more).
pub const MAX_EXTRA_BREADTH: usize = 100;

/// Keys listed in the synthetic message for a thrown plain object ("… with keys: a, b, c").
/// Sentry's `extractExceptionKeysForMessage` cuts at 40 characters; we list whole keys.
pub const MAX_KEYS_IN_MESSAGE: usize = 10;

/// Characters of one value shown beside its key in that message (`code=42, detail="…"`), so
/// that a person sees what to act on while ten keys stay within a line or two; a longer value
/// is cut and ends in `…` (the whole object is in `extra.__serialized__`).
pub const MAX_VALUE_CHARS_IN_MESSAGE: usize = 60;

/// Breadcrumbs kept per scope, whatever `maxBreadcrumbs` says: Sentry's SDKs cap it at 100
/// too, and more would only cost payload.
pub const MAX_BREADCRUMBS: usize = 100;

/// Characters of a tag key: Sentry indexes keys up to 32 characters.
pub const MAX_TAG_KEY_CHARS: usize = 32;

/// Characters of a tag value: Relay trims longer values to 200.
pub const MAX_TAG_VALUE_CHARS: usize = 200;

/// Characters of a header or line read while parsing an envelope item header.
/// Relay rejects envelopes whose header is larger than this.
pub const MAX_ENVELOPE_HEADER_BYTES: usize = 64 * 1024;

/// Characters of a DSN string worth parsing; a real DSN is under 200.
pub const MAX_DSN_BYTES: usize = 2048;
