//! Which events are sent: `sampleRate`, `ignoreErrors`, `denyUrls`/`allowUrls` and dedupe,
//! with Sentry's meanings. Patterns that are JavaScript `RegExp`s stay in JavaScript: the core
//! refers to them by number and asks a [`PatternMatcher`] (a regex engine would cost the wasm
//! build far more than these few checks).

use crate::protocol::Event;

/// A pattern of `ignoreErrors`, `denyUrls` or `allowUrls`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Matches text that contains it (Sentry's rule for string patterns).
    Substring(String),
    /// A pattern the host evaluates (a JavaScript `RegExp`), by its number.
    External(u32),
}

/// Evaluates [`Pattern::External`] patterns.
pub trait PatternMatcher {
    /// Whether external pattern `id` matches `text`. Errors count as no match.
    fn matches(&self, id: u32, text: &str) -> bool;
}

/// A matcher for hosts without external patterns.
pub struct NoExternalPatterns;

impl PatternMatcher for NoExternalPatterns {
    fn matches(&self, _: u32, _: &str) -> bool {
        false
    }
}

fn any_matches(patterns: &[Pattern], text: &str, m: &dyn PatternMatcher) -> bool {
    patterns.iter().any(|p| match p {
        Pattern::Substring(s) => crate::text::contains(text, s),
        Pattern::External(id) => m.matches(*id, text),
    })
}

/// Whether `ignoreErrors` drops `event`: a pattern matches its message, or its exception's
/// value, or `Type: value` (Sentry's `getPossibleEventMessages`).
pub fn is_ignored(event: &Event, ignore: &[Pattern], m: &dyn PatternMatcher) -> bool {
    if ignore.is_empty() {
        return false;
    }
    if let Some(log) = &event.logentry {
        if any_matches(ignore, &log.formatted, m) {
            return true;
        }
    }
    let Some(ex) = event.main_exception() else { return false };
    let Some(value) = ex.value.as_deref() else { return false };
    if any_matches(ignore, value, m) {
        return true;
    }
    match ex.ty.as_deref() {
        Some(ty) => any_matches(ignore, &[ty, ": ", value].concat(), m),
        None => false,
    }
}

/// The URL Sentry's `denyUrls`/`allowUrls` look at: the crash frame's (the last frame of the
/// thrown exception) `abs_path`, else its `filename`.
fn crash_url(event: &Event) -> Option<&str> {
    let frames = &event.exception.as_ref()?.values.iter().rev().find_map(|e| e.stacktrace.as_ref())?.frames;
    let frame = frames.last()?;
    frame.abs_path.as_deref().or(frame.filename.as_deref())
}

/// Whether the URL filters let `event` through: no `deny` pattern matches the crash frame's
/// URL and, when `allow` is set, one of its patterns does. Events without a URL pass.
pub fn url_allowed(event: &Event, deny: &[Pattern], allow: &[Pattern], m: &dyn PatternMatcher) -> bool {
    let Some(url) = crash_url(event) else { return true };
    !any_matches(deny, url, m) && (allow.is_empty() || any_matches(allow, url, m))
}

/// `sampleRate`: keep the event when `random` (uniform in `[0, 1)`) falls under the rate. A rate
/// that is not a number in `[0, 1]` keeps everything (Sentry warns and sends).
pub fn sampled(rate: f64, random: f64) -> bool {
    if !(0.0..=1.0).contains(&rate) {
        return true;
    }
    random < rate
}

/// Drops an event identical to the one before it (Sentry's `dedupe` integration): same
/// message, or same exception type, value and frames, and same fingerprint. It keeps a hash of
/// the previous event, not the event.
#[derive(Default, Debug)]
pub struct Dedupe {
    last: Option<u64>,
}

impl Dedupe {
    /// Whether `event` repeats the previous one; remembers it either way.
    pub fn is_duplicate(&mut self, event: &Event) -> bool {
        let sig = signature(event);
        let dup = self.last == Some(sig);
        self.last = Some(sig);
        dup
    }
}

/// FNV-1a over what makes two events the same for `dedupe`.
fn signature(event: &Event) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    if let Some(log) = &event.logentry {
        h.str(&log.formatted);
    }
    for ex in event.exception.as_ref().map_or(&[][..], |e| &e.values) {
        h.str(ex.ty.as_deref().unwrap_or(""));
        h.str(ex.value.as_deref().unwrap_or(""));
        for f in ex.stacktrace.as_ref().map_or(&[][..], |s| &s.frames) {
            h.str(f.function.as_deref().unwrap_or(""));
            h.str(f.abs_path.as_deref().or(f.filename.as_deref()).unwrap_or(""));
            h.u64(u64::from(f.lineno.unwrap_or(0)) << 32 | u64::from(f.colno.unwrap_or(0)));
            h.u64(f.instruction_addr.map_or(0, |a| a.0));
        }
    }
    for part in &event.fingerprint {
        h.str(part);
    }
    h.0
}

struct Fnv(u64);

impl Fnv {
    fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    fn str(&mut self, s: &str) {
        s.bytes().for_each(|b| self.byte(b));
        self.byte(0xff);
    }
    fn u64(&mut self, v: u64) {
        v.to_le_bytes().into_iter().for_each(|b| self.byte(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{event_from_thrown, message_event, CaptureContext, ErrorLike, Thrown};
    use crate::protocol::{EventId, Level, Timestamp};

    fn error(ty: &str, value: &str, stack: &str) -> Event {
        let t = Thrown::Error(ErrorLike {
            name: Some(ty.into()),
            message: Some(value.into()),
            stack: Some(stack.into()),
            ..Default::default()
        });
        event_from_thrown(&t, &CaptureContext::default(), EventId([1; 16]), Timestamp(0))
    }

    struct Regexish;
    impl PatternMatcher for Regexish {
        fn matches(&self, id: u32, text: &str) -> bool {
            id == 7 && text.starts_with("TypeError")
        }
    }

    #[test]
    fn ignore_errors_matches_value_type_and_message() {
        let e = error("TypeError", "x is undefined", "");
        assert!(is_ignored(&e, &[Pattern::Substring("is undefined".into())], &NoExternalPatterns));
        assert!(is_ignored(&e, &[Pattern::Substring("TypeError: x".into())], &NoExternalPatterns));
        assert!(is_ignored(&e, &[Pattern::External(7)], &Regexish));
        assert!(!is_ignored(&e, &[Pattern::External(8), Pattern::Substring(String::new())], &Regexish));
        let m = message_event("hello world", Level::Info, EventId([1; 16]), Timestamp(0));
        assert!(is_ignored(&m, &[Pattern::Substring("world".into())], &NoExternalPatterns));
        assert!(!is_ignored(&m, &[], &NoExternalPatterns));
    }

    #[test]
    fn url_filters_look_at_the_crash_frame() {
        let e = error(
            "Error",
            "x",
            "Error: x\n    at f (https://cdn.ads.example/a.js:1:1)\n    at g (https://app.example/main.js:2:2)",
        );
        let deny = [Pattern::Substring("ads.example".into())];
        assert!(!url_allowed(&e, &deny, &[], &NoExternalPatterns));
        assert!(url_allowed(&e, &[Pattern::Substring("app.example".into())], &[], &NoExternalPatterns));
        assert!(url_allowed(&e, &[], &[Pattern::Substring("ads.example".into())], &NoExternalPatterns));
        assert!(!url_allowed(&e, &[], &[Pattern::Substring("app.example".into())], &NoExternalPatterns));
        let no_frames = error("Error", "x", "");
        assert!(url_allowed(&no_frames, &deny, &[Pattern::Substring("z".into())], &NoExternalPatterns));
    }

    #[test]
    fn sample_rate() {
        assert!(sampled(1.0, 0.999));
        assert!(!sampled(0.0, 0.0));
        assert!(sampled(0.5, 0.49) && !sampled(0.5, 0.5));
        assert!(sampled(f64::NAN, 0.9) && sampled(7.0, 0.9) && sampled(-1.0, 0.9));
    }

    #[test]
    fn dedupe_drops_only_immediate_repeats() {
        let mut d = Dedupe::default();
        let a = error("Error", "a", "Error: a\n    at f (http://h/a.js:1:2)");
        let a_elsewhere = error("Error", "a", "Error: a\n    at f (http://h/a.js:9:2)");
        assert!(!d.is_duplicate(&a));
        assert!(d.is_duplicate(&a));
        assert!(!d.is_duplicate(&a_elsewhere));
        assert!(!d.is_duplicate(&a));
        let mut fp = a.clone();
        fp.fingerprint = vec!["x".into()];
        assert!(!d.is_duplicate(&fp));
    }
}
