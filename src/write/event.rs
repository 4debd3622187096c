//! An event's envelope written straight from a capture's parts, with trimming as bounds
//! applied while writing.
//!
//! [`write_envelope`] writes the whole envelope (header line, item header, event) into one
//! buffer whose limit is the channel's (1 MB for `fetch`, 64 KiB for keepalive and beacons).
//! When the event does not fit, it is written again with tighter bounds, in the order Sentry's
//! SDKs trim (and [`crate::delivery::trim_event`] did on an event tree):
//! 1. breadcrumbs, oldest first (half of them each time);
//! 2. `extra`, then `contexts`, their largest members first (those over a size that halves);
//! 3. middle frames of long stacks (keeping the newest and oldest);
//! 4. long strings written here (exception values, the message, frame fields) cut to 8192,
//!    4096, … 32 characters;
//! 5. a minimal event: ids, time, level, platform, release, environment, SDK, and the main
//!    exception's type, value, mechanism and crash frame.
//!
//! Exception values and messages are always cut to [`MAX_VALUE_CHARS`] (Relay's own bound on
//! them), so that Relay never has to.
//!
//! Each attempt writes at most the limit's bytes, and there are at most a few dozen, so the
//! work stays linear in the channel's size whatever the capture holds.

use super::images::{Images, Module};
use super::out::Out;
use super::spans::{count, each_piece};
use crate::limits::MAX_VALUE_CHARS;
use crate::stack::{write_frames_in, FrameBounds};

/// One exception of the event, as the JS side described it (its `type`, `value` and raw
/// stack text) with its `mechanism` as a JSON object.
#[derive(Clone, Copy, Debug, Default)]
pub struct Exc<'a> {
    pub ty: &'a [u8],
    pub value: &'a [u8],
    pub stack: &'a [u8],
    /// A stack the SDK took where it saw the value, used when `stack` has no frames (the
    /// thrown value only; see [`write_synthetic_frames`]).
    pub synthetic: &'a [u8],
    /// A JSON object (`{"type":"generic","handled":true}`); empty: none.
    pub mechanism: &'a [u8],
    /// The Rust API's: `stack` was taken by the crate itself, with this crash frame (a JSON
    /// object; empty: none). See [`crate::stack::write_frames_in`].
    pub rust: Option<&'a [u8]>,
}

/// Everything an event is written from. Byte strings are empty when absent; the JSON parts
/// (`breadcrumbs` an array, `user`, `request`, `contexts`, `tags`, `extra` objects,
/// `fingerprint` an array, `sdk` an object) are spliced in as they are,
/// and must be well-formed (JavaScript's `JSON.stringify` wrote them, or the Rust scope).
#[derive(Clone, Copy, Debug, Default)]
pub struct Capture<'a> {
    /// 32 lowercase hex digits.
    pub event_id: &'a [u8],
    /// When it happened and when it is sent, as RFC 3339 UTC text (`2026-12-07T11:24:06.123Z`):
    /// JavaScript's `Date.prototype.toISOString` writes it for free, [`Out::rfc3339`] elsewhere.
    pub timestamp: &'a [u8],
    pub sent_at: &'a [u8],
    pub level: &'a [u8],
    pub release: &'a [u8],
    pub dist: &'a [u8],
    pub environment: &'a [u8],
    /// The host's name (servers, with `sendDefaultPii` only); empty: none.
    pub server_name: &'a [u8],
    /// `logentry.formatted`: a captured message.
    pub message: &'a [u8],
    /// In `exception.values` order (the main exception last).
    pub exceptions: &'a [Exc<'a>],
    pub breadcrumbs: &'a [u8],
    pub user: &'a [u8],
    pub request: &'a [u8],
    pub contexts: &'a [u8],
    pub tags: &'a [u8],
    pub extra: &'a [u8],
    pub fingerprint: &'a [u8],
    pub sdk: &'a [u8],
    /// The wasm modules the SDK saw load: the frames that ran in them get debug images.
    pub modules: &'a [Module<'a>],
    /// The DSN, for the envelope header.
    pub dsn: &'a [u8],
    /// The URL prefix of errorbeacon's own files (see [`write_frames`]).
    pub sdk_prefix: &'a [u8],
}

/// How much of a capture to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bounds {
    /// The newest breadcrumbs kept.
    crumbs: usize,
    /// Members of `extra` and `contexts` longer than these many bytes are left out.
    extra_member: usize,
    context_member: usize,
    frames: FrameBounds,
    minimal: bool,
}

const ALL: Bounds = Bounds {
    crumbs: usize::MAX,
    extra_member: usize::MAX,
    context_member: usize::MAX,
    frames: FrameBounds::ALL,
    minimal: false,
};

/// Where an envelope [`write_envelope`] wrote has its event id's 32 hex digits: its header line
/// starts `{"event_id":"`.
pub const EVENT_ID_AT: usize = 13;

/// What trimming did, for the client's accounting and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// Whether any bound was tightened.
    pub trimmed: bool,
    /// Whether even the minimal event did not fit (nothing was written then).
    pub too_large: bool,
}

/// Writes the event envelope of `c` into `out` (emptied first), trimmed to fit `out`'s limit.
pub fn write_envelope(out: &mut Out, c: &Capture<'_>) -> Written {
    let mut b = ALL;
    let mut tries = 0u32;
    loop {
        out.truncate(0);
        out.clear_over();
        write_once(out, c, &b);
        if !out.over() {
            return Written { trimmed: tries > 0, too_large: false };
        }
        tries += 1;
        if !tighten(&mut b, c) {
            out.truncate(0);
            return Written { trimmed: true, too_large: true };
        }
    }
}

/// The next bounds in trimming order; false when nothing is left to cut.
fn tighten(b: &mut Bounds, c: &Capture<'_>) -> bool {
    let crumbs = count(c.breadcrumbs);
    if b.crumbs.min(crumbs) > 0 {
        b.crumbs = b.crumbs.min(crumbs) / 2;
    } else if b.extra_member > 0 && !c.extra.is_empty() {
        b.extra_member = if b.extra_member == usize::MAX { 16_384 } else { b.extra_member / 4 };
    } else if b.context_member > 0 && !c.contexts.is_empty() {
        b.context_member = if b.context_member == usize::MAX { 16_384 } else { b.context_member / 4 };
    } else if b.frames.frames > 10 {
        b.frames.frames = if b.frames.frames > 50 { 50 } else { 10 };
    } else if b.frames.chars > 32 && !b.minimal {
        b.frames.chars = if b.frames.chars == usize::MAX { 8192 } else { b.frames.chars / 2 };
    } else if !b.minimal {
        *b = Bounds { minimal: true, frames: FrameBounds { frames: 1, chars: 512 }, ..ALL };
    } else if b.frames.chars > 16 {
        b.frames.chars /= 2;
    } else {
        return false;
    }
    true
}

fn write_once(out: &mut Out, c: &Capture<'_>, b: &Bounds) {
    // Header line, item header with room for the length, payload; then the length is filled
    // in and the payload moved up to it.
    out.raw(b"{\"event_id\":");
    out.str(c.event_id, 32);
    if !c.sent_at.is_empty() {
        out.field("sent_at", c.sent_at, usize::MAX);
    }
    if !c.dsn.is_empty() {
        out.field("dsn", c.dsn, usize::MAX);
    }
    if !c.sdk.is_empty() {
        out.key("sdk");
        out.raw(c.sdk);
    }
    out.raw(b"}\n{\"type\":\"event\",\"length\":");
    let digits_at = out.len();
    out.raw(b"0000000}\n");
    let payload_at = out.len();
    write_event(out, c, b);
    out.byte(b'\n');
    if out.over() {
        return;
    }
    let len = (out.len() - payload_at - 1) as u64;
    let mut digits = Out::new(16);
    digits.num(len);
    let d = digits.bytes();
    let gap = 7 - d.len().min(7);
    if let Some(dst) = out.buf.get_mut(digits_at..digits_at + d.len()) {
        dst.copy_from_slice(d);
    }
    let end = out.len();
    out.buf.copy_within(digits_at + 7..end, digits_at + d.len());
    out.truncate(end - gap);
}

/// The event object.
fn write_event(out: &mut Out, c: &Capture<'_>, b: &Bounds) {
    let chars = b.frames.chars;
    out.raw(b"{\"event_id\":");
    out.str(c.event_id, 32);
    out.raw(b",\"timestamp\":");
    out.str(c.timestamp, usize::MAX);
    out.raw(b",\"platform\":\"javascript\"");
    for (key, v) in [("level", c.level), ("release", c.release), ("dist", c.dist), ("environment", c.environment)] {
        if !v.is_empty() {
            out.field(key, v, usize::MAX);
        }
    }
    if !c.server_name.is_empty() {
        out.field("server_name", c.server_name, 256);
    }
    if !c.message.is_empty() {
        out.raw(b",\"logentry\":{\"formatted\":");
        out.str(c.message, if b.minimal { 1024 } else { chars.min(MAX_VALUE_CHARS) });
        out.byte(b'}');
    }
    let exceptions =
        if b.minimal { c.exceptions.get(c.exceptions.len().saturating_sub(1)..) } else { Some(c.exceptions) };
    // The minimal event has no debug images: its one frame keeps its absolute address.
    let mut images = Images::new(if b.minimal { &[] } else { c.modules });
    if let Some(list @ [_, ..]) = exceptions {
        out.raw(b",\"exception\":{\"values\":[");
        for e in list {
            out.comma();
            write_exception(out, e, c.sdk_prefix, b, &mut images);
        }
        out.raw(b"]}");
    }
    if !b.minimal {
        let total = count(c.breadcrumbs);
        if b.crumbs > 0 && total > 0 {
            out.raw(b",\"breadcrumbs\":{\"values\":[");
            let skip = total.saturating_sub(b.crumbs);
            let mut i = 0;
            each_piece(c.breadcrumbs, &mut |p| {
                if i >= skip {
                    out.comma();
                    out.raw(p);
                }
                i += 1;
            });
            out.raw(b"]}");
        }
        for (key, v) in [("user", c.user), ("request", c.request)] {
            if !v.is_empty() {
                out.key(key);
                out.raw(v);
            }
        }
        members(out, "contexts", c.contexts, b.context_member);
        if !c.tags.is_empty() {
            out.key("tags");
            out.raw(c.tags);
        }
        members(out, "extra", c.extra, b.extra_member);
        if !c.fingerprint.is_empty() {
            out.key("fingerprint");
            out.raw(c.fingerprint);
        }
    }
    if !c.sdk.is_empty() {
        out.key("sdk");
        out.raw(c.sdk);
    }
    images.write(out);
    out.byte(b'}');
}

/// `"key":{…}` with the members of `object` no longer than `max` bytes (none left: omitted).
fn members(out: &mut Out, key: &str, object: &[u8], max: usize) {
    if object.is_empty() {
        return;
    }
    let mark = out.len();
    out.key(key);
    out.byte(b'{');
    let mut any = false;
    each_piece(object, &mut |p| {
        if p.len() <= max {
            out.comma();
            out.raw(p);
            any = true;
        }
    });
    out.byte(b'}');
    if !any {
        out.truncate(mark);
    }
}

fn write_exception<'a>(out: &mut Out, e: &Exc<'a>, sdk_prefix: &[u8], b: &Bounds, images: &mut Images<'a>) {
    let chars = b.frames.chars;
    out.byte(b'{');
    if !e.ty.is_empty() {
        out.field("type", e.ty, if b.minimal { 256 } else { usize::MAX });
    }
    // Always there, empty too: what the thrown value said, as Sentry's SDKs send it.
    out.field("value", e.value, if b.minimal { 1024 } else { chars.min(MAX_VALUE_CHARS) });
    if !e.mechanism.is_empty() {
        out.key("mechanism");
        out.raw(e.mechanism);
    }
    // Relay rejects an empty frame list: no frames, no stacktrace.
    let mark = out.len();
    out.key("stacktrace");
    out.raw(b"{\"frames\":");
    let mut images = Some(images);
    if write_frames_in(out, e.stack, sdk_prefix, b.frames, false, images.as_deref_mut(), e.rust) > 0 {
        out.byte(b'}');
    } else {
        out.truncate(mark);
        out.key("stacktrace");
        out.raw(b"{\"frames\":");
        if write_frames_in(out, e.synthetic, sdk_prefix, b.frames, true, images, None) > 0 {
            out.byte(b'}');
        } else {
            out.truncate(mark);
        }
    }
    out.byte(b'}');
}

// Host tests (proptest, the envelope reader): not in the wasm-bindgen-test build.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
