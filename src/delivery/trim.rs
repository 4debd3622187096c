//! Size-aware trimming: an event too large for its channel is cut down, in a fixed order,
//! until the bytes that will be sent fit. An event is never lost for being large: the last
//! resort is a minimal event that still says what happened.
//!
//! The order, each step going only as far as needed:
//! 1. breadcrumbs, oldest first;
//! 2. `extra`, then `contexts`, largest entries first;
//! 3. frame variables — none here: [`crate::protocol::Frame`] has no `vars`, `pre_context` or
//!    `post_context`; if it grows them, their step belongs here;
//! 4. middle frames of long stacks, keeping the oldest and the newest [`EDGE_FRAMES`];
//! 5. long strings (exception values, messages, breadcrumb text, tag values, frame paths, …)
//!    cut to 8192, 4096, … 32 characters;
//! 6. a minimal event: ids, time, level, platform, release, environment, SDK, and the thrown
//!    exception's type, shortened value, mechanism and crash frame.
//!
//! Sizes are measured with the writer that produces the payload (`crate::json`), so "fits"
//! means the sent bytes fit. The work stays linear in the event's size: each part is measured
//! once per step and the event is written again only after a step, never per dropped item.

use crate::envelope::envelope_with;
use crate::json::{self, Json, WriteJson};
use crate::protocol::{
    ClientSdkInfo, Event, Exception, Frame, LogEntry, Mechanism, SortedMap, Stacktrace, Timestamp, Value, Values,
};
use crate::text::truncate_chars;

/// Frames kept at each end of a stack by the middle-frames step: the outermost callers say
/// how the code was entered, the innermost where it failed.
pub const EDGE_FRAMES: usize = 5;

/// Characters the long-strings step starts at: Relay trims exception values and messages to
/// 8192 anyway.
const FIRST_STRING_CHARS: usize = 8192;

/// Characters the long-strings step stops at before falling back to the minimal event.
const LAST_STRING_CHARS: usize = 32;

/// Characters of the exception value and message in the minimal event.
const MINIMAL_VALUE_CHARS: usize = 1024;

/// Characters of the exception type in the minimal event (Relay's limit for type names).
const MINIMAL_TYPE_CHARS: usize = 256;

/// Characters of each string of the crash frame in the minimal event.
const MINIMAL_FRAME_CHARS: usize = 512;

/// A trimming step, in the order they are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Breadcrumbs were dropped, oldest first.
    Breadcrumbs,
    /// `extra` and then `contexts` entries were dropped, largest first.
    ExtraAndContexts,
    /// Frames were dropped from the middle of long stacks.
    MiddleFrames,
    /// Long strings were shortened.
    LongStrings,
    /// Only the minimal event is left.
    Minimal,
}

/// What trimming did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trimmed {
    /// The steps that changed the event, in order.
    pub steps: Vec<Step>,
    /// The event's serialized size afterwards, in bytes.
    pub size: usize,
    /// Whether it fits the budget (`false` only when even the minimal event does not).
    pub fits: bool,
}

/// Trims `event` in place until its JSON (as sent) is at most `max_bytes`.
pub fn trim_event(event: &mut Event, max_bytes: usize) -> Trimmed {
    let mut m = Measure(Vec::new());
    let mut size = m.of(event);
    let mut steps = Vec::new();
    let step = |s: Step, steps: &mut Vec<Step>| {
        if steps.last() != Some(&s) {
            steps.push(s);
        }
    };

    while size > max_bytes && drop_breadcrumbs(event, size - max_bytes, &mut m) {
        step(Step::Breadcrumbs, &mut steps);
        size = m.of(event);
    }
    while size > max_bytes && drop_extra_and_contexts(event, size - max_bytes, &mut m) {
        step(Step::ExtraAndContexts, &mut steps);
        size = m.of(event);
    }
    while size > max_bytes && drop_middle_frames(event, size - max_bytes, &mut m) {
        step(Step::MiddleFrames, &mut steps);
        size = m.of(event);
    }
    let mut chars = FIRST_STRING_CHARS;
    while size > max_bytes && chars >= LAST_STRING_CHARS {
        if shorten_strings(event, chars) {
            step(Step::LongStrings, &mut steps);
            size = m.of(event);
        }
        chars /= 2;
    }
    if size > max_bytes {
        *event = minimal(std::mem::take(event));
        step(Step::Minimal, &mut steps);
        size = m.of(event);
        let mut chars = MINIMAL_FRAME_CHARS;
        while size > max_bytes && chars >= LAST_STRING_CHARS / 2 {
            if shorten_strings(event, chars) {
                size = m.of(event);
            }
            chars /= 2;
        }
    }
    Trimmed { steps, size, fits: size <= max_bytes }
}

/// The bytes of `event`'s envelope (as [`Envelope::from_event`] writes it), trimmed so that
/// the whole envelope, headers included, is at most `max_envelope_bytes`.
pub fn event_envelope(
    event: &Event,
    dsn: Option<&str>,
    sent_at: Timestamp,
    max_envelope_bytes: usize,
) -> (Vec<u8>, Trimmed) {
    let overhead = envelope_overhead(event, dsn, sent_at, max_envelope_bytes);
    let budget = max_envelope_bytes.saturating_sub(overhead);
    let size = Measure(Vec::new()).of(event);
    if size <= budget {
        return (envelope_bytes(event, dsn, sent_at), Trimmed { steps: Vec::new(), size, fits: true });
    }
    let mut trimmed = event.clone();
    let report = trim_event(&mut trimmed, budget);
    (envelope_bytes(&trimmed, dsn, sent_at), report)
}

/// An event's envelope for a plain `fetch`, and a smaller one for the keepalive channels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variants {
    /// The envelope, at most `fetch_max` bytes.
    pub body: Vec<u8>,
    /// What trimming did to it.
    pub trimmed: Trimmed,
    /// When `body` is larger than `small_max`: the envelope trimmed to at most `small_max`
    /// bytes, for keepalive `fetch` and `sendBeacon` (page hide, navigation).
    pub small: Option<Vec<u8>>,
    /// What trimming did to the small one.
    pub small_trimmed: Option<Trimmed>,
}

/// The envelope of `event` within `fetch_max` bytes, and when that is over `small_max`, a
/// second one within `small_max` (trimmed further from the first, so both are consistent).
///
/// Both must carry what `beforeSend` allowed: make them from the event after `beforeSend`
/// (or pass no small variant when `beforeSend` rewrote the JSON).
pub fn event_variants(
    mut event: Event,
    dsn: Option<&str>,
    sent_at: Timestamp,
    fetch_max: usize,
    small_max: usize,
) -> Variants {
    // The event is trimmed in place, first for `fetch`, then further for the small variant:
    // no copy of it is made (an event tree's clone and drop cost the wasm ~4 KB).
    let overhead = envelope_overhead(&event, dsn, sent_at, fetch_max.max(small_max));
    let size = Measure(Vec::new()).of(&event);
    let trimmed = if size.saturating_add(overhead) <= fetch_max {
        Trimmed { steps: Vec::new(), size, fits: true }
    } else {
        trim_event(&mut event, fetch_max.saturating_sub(overhead))
    };
    let body = envelope_bytes(&event, dsn, sent_at);
    let (small, small_trimmed) = if body.len() > small_max {
        let mut t = trim_event(&mut event, small_max.saturating_sub(overhead));
        // Report the steps from the original event, not from the fetch variant.
        let mut steps = trimmed.steps.clone();
        steps.extend(t.steps.iter().filter(|s| !trimmed.steps.contains(s)));
        t.steps = steps;
        (Some(envelope_bytes(&event, dsn, sent_at)), Some(t))
    } else {
        (None, None)
    };
    Variants { body, trimmed, small, small_trimmed }
}

fn envelope_bytes(event: &Event, dsn: Option<&str>, sent_at: Timestamp) -> Vec<u8> {
    envelope_of(event, dsn, sent_at, &json::to_vec(event))
}

/// The envelope of `event`'s id and SDK around `payload` (the event's JSON, or what
/// `beforeSend` made of it).
pub(crate) fn envelope_of(event: &Event, dsn: Option<&str>, sent_at: Timestamp, payload: &[u8]) -> Vec<u8> {
    let fallback;
    let sdk = match &event.sdk {
        Some(sdk) => sdk,
        None => {
            fallback = ClientSdkInfo::errorbeacon();
            &fallback
        }
    };
    envelope_with(Some(&event.event_id), &sent_at, dsn, sdk, "event", payload)
}

/// Bytes of the envelope around the payload: its header (which depends only on the event id,
/// `sent_at`, the DSN and the SDK), the item header with the widest `length` a payload within
/// `max` can have, and the newlines.
fn envelope_overhead(event: &Event, dsn: Option<&str>, sent_at: Timestamp, max: usize) -> usize {
    // `"length":0` is written with one digit; a payload up to `max` needs up to all of max's.
    envelope_of(event, dsn, sent_at, b"").len() + crate::text::decimal(max as u64).len() - 1
}

/// A reusable buffer for measuring serialized sizes.
struct Measure(Vec<u8>);

impl Measure {
    fn of<T: WriteJson + ?Sized>(&mut self, value: &T) -> usize {
        self.0.clear();
        value.write_json(&mut Json::new(&mut self.0));
        self.0.len()
    }

    /// Bytes one map entry adds: `"key":value` and its comma.
    fn entry<V: WriteJson>(&mut self, key: &str, value: &V) -> usize {
        self.of(key) + 1 + self.of(value) + 1
    }
}

/// Drops the oldest breadcrumbs whose bytes cover `excess`; all of them (and the field) if
/// need be. `false` when there were none.
fn drop_breadcrumbs(event: &mut Event, excess: usize, m: &mut Measure) -> bool {
    let Some(crumbs) = event.breadcrumbs.as_mut() else { return false };
    let mut freed = 0;
    let mut count = 0;
    for crumb in &crumbs.values {
        if freed >= excess {
            break;
        }
        freed += m.of(crumb) + 1;
        count += 1;
    }
    if count >= crumbs.values.len() {
        event.breadcrumbs = None;
    } else {
        crumbs.values.drain(..count);
    }
    true
}

/// Drops `extra` entries, then `contexts` entries, largest first, until `excess` is covered.
fn drop_extra_and_contexts(event: &mut Event, excess: usize, m: &mut Measure) -> bool {
    if !event.extra.is_empty() {
        drop_largest(&mut event.extra, excess, m);
        return true;
    }
    if !event.contexts.is_empty() {
        drop_largest(&mut event.contexts.0, excess, m);
        return true;
    }
    false
}

fn drop_largest<V: WriteJson>(map: &mut SortedMap<V>, excess: usize, m: &mut Measure) {
    let (mut sizes, mut keys) = (Vec::new(), Vec::new());
    for (k, v) in map.iter() {
        sizes.push(m.entry(k, v));
        keys.push(k.clone());
    }
    let mut freed = 0;
    for i in largest_first(&sizes) {
        if freed >= excess {
            break;
        }
        if let Some(key) = keys.get(i) {
            map.remove(key);
        }
        freed += sizes.get(i).copied().unwrap_or(0);
    }
}

/// The indices of `sizes`, largest first. A heapsort written out: std's sorts are ~4 KB of wasm
/// per element type, and trimming is the module's only sorting.
fn largest_first(sizes: &[usize]) -> Vec<usize> {
    let key = |order: &[usize], i: usize| order.get(i).and_then(|&j| sizes.get(j)).copied().unwrap_or(0);
    // A min-heap on size: popping the smallest to the end leaves the largest first.
    let sift = |order: &mut [usize], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && key(order, child + 1) < key(order, child) {
            child += 1;
        }
        if key(order, root) <= key(order, child) {
            break;
        }
        order.swap(root, child);
        root = child;
    };
    let mut order = Vec::with_capacity(sizes.len());
    for i in 0..sizes.len() {
        order.push(i);
    }
    let n = order.len();
    for root in (0..n / 2).rev() {
        sift(&mut order, root, n);
    }
    for end in (1..n).rev() {
        order.swap(0, end);
        sift(&mut order, 0, end);
    }
    order
}

/// Drops frames from the middle of the longest stacks outward until `excess` is covered,
/// keeping [`EDGE_FRAMES`] at each end. `false` when no stack is longer than that.
fn drop_middle_frames(event: &mut Event, excess: usize, m: &mut Measure) -> bool {
    let Some(exceptions) = event.exception.as_mut() else { return false };
    let mut stacks: Vec<&mut Vec<Frame>> = Vec::new();
    let mut lengths = Vec::new();
    for e in exceptions.values.iter_mut() {
        if let Some(s) = e.stacktrace.as_mut() {
            lengths.push(s.frames.len());
            stacks.push(&mut s.frames);
        }
    }
    let mut freed = 0;
    let mut changed = false;
    // `largest_first` names each stack once.
    for i in largest_first(&lengths) {
        let Some(frames) = stacks.get_mut(i) else { continue };
        let n = frames.len();
        if freed >= excess || n <= 2 * EDGE_FRAMES {
            continue;
        }
        let mut sizes = Vec::with_capacity(n);
        for f in frames.iter() {
            sizes.push(m.of(f) + 1);
        }
        let (low, high) = (EDGE_FRAMES, n - EDGE_FRAMES);
        let (mut a, mut b) = (n / 2, n / 2);
        while freed < excess && (a > low || b < high) {
            if b < high {
                freed += sizes.get(b).copied().unwrap_or(0);
                b += 1;
            }
            if freed < excess && a > low {
                a -= 1;
                freed += sizes.get(a).copied().unwrap_or(0);
            }
        }
        if a < b {
            frames.drain(a..b);
            changed = true;
        }
    }
    changed
}

/// Cuts every free-text string of the event to `max` characters. Ids, release, environment,
/// SDK and debug images are left whole: they identify the event and symbolicate it.
fn shorten_strings(event: &mut Event, max: usize) -> bool {
    let Event {
        event_id: _,
        timestamp: _,
        platform: _,
        level: _,
        logger,
        release: _,
        dist: _,
        environment: _,
        logentry,
        exception,
        breadcrumbs,
        user,
        request,
        contexts,
        tags,
        extra,
        fingerprint,
        sdk: _,
        debug_meta: _,
    } = event;
    let mut changed = cut_opt(logger, max);
    if let Some(l) = logentry {
        changed |= cut(&mut l.formatted, max);
    }
    for e in exception.as_mut().map_or(&mut [][..], |x| &mut x.values) {
        changed |= cut_opt(&mut e.ty, max.max(MINIMAL_TYPE_CHARS)) | cut_opt(&mut e.value, max);
        if let Some(mech) = e.mechanism.as_mut() {
            changed |= cut_map(&mut mech.data, max, cut_value);
        }
        for f in e.stacktrace.as_mut().map_or(&mut [][..], |s| &mut s.frames) {
            changed |= cut_frame(f, max);
        }
    }
    for b in breadcrumbs.as_mut().map_or(&mut [][..], |b| &mut b.values) {
        changed |= cut_opt(&mut b.message, max) | cut_opt(&mut b.category, max) | cut_map(&mut b.data, max, cut_value);
    }
    if let Some(u) = user {
        changed |= cut_opt(&mut u.id, max) | cut_opt(&mut u.email, max) | cut_opt(&mut u.username, max);
        changed |= cut_map(&mut u.data, max, cut_value);
    }
    if let Some(r) = request {
        changed |= cut_opt(&mut r.url, max) | cut_opt(&mut r.query_string, max) | cut_opt(&mut r.fragment, max);
        changed |= cut_map(&mut r.headers, max, cut);
    }
    changed |= cut_map(&mut contexts.0, max, |m, max| cut_map(m, max, cut_value));
    changed |= cut_map(tags, max, cut);
    changed |= cut_map(extra, max, cut_value);
    for f in fingerprint.iter_mut() {
        changed |= cut(f, max);
    }
    changed
}

fn cut_frame(f: &mut Frame, max: usize) -> bool {
    cut_opt(&mut f.function, max)
        | cut_opt(&mut f.raw_function, max)
        | cut_opt(&mut f.filename, max)
        | cut_opt(&mut f.abs_path, max)
}

fn cut(s: &mut String, max: usize) -> bool {
    // A string of at most `max` bytes has at most `max` characters: most need no count.
    if s.len() <= max || s.chars().nth(max).is_none() {
        return false;
    }
    *s = truncate_chars(s, max);
    true
}

fn cut_opt(s: &mut Option<String>, max: usize) -> bool {
    s.as_mut().is_some_and(|s| cut(s, max))
}

fn cut_value(v: &mut Value, max: usize) -> bool {
    match v {
        Value::String(s) => cut(s, max),
        Value::Array(a) => a.iter_mut().fold(false, |changed, x| cut_value(x, max) | changed),
        Value::Object(m) => cut_map(m, max, cut_value),
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => false,
    }
}

/// Applies `f` to every value of `map`.
fn cut_map<V>(map: &mut SortedMap<V>, max: usize, f: fn(&mut V, usize) -> bool) -> bool {
    map.values_mut().fold(false, |changed, v| f(v, max) | changed)
}

/// What is left when nothing else fits: the event's identity and the thrown exception's type,
/// value (shortened), mechanism and crash frame, or the message. Built from the event's own
/// parts, moved rather than cloned (clone glue for the SDK info and frames is wasm bytes).
fn minimal(e: Event) -> Event {
    let mut m = Event::new(e.event_id, e.timestamp);
    m.platform = e.platform;
    m.level = e.level;
    m.release = e.release;
    m.dist = e.dist;
    m.environment = e.environment;
    m.sdk = e.sdk;
    m.logentry = e.logentry.map(|l| LogEntry { formatted: truncate_chars(&l.formatted, MINIMAL_VALUE_CHARS) });
    if let Some(x) = e.exception.and_then(|mut x| x.values.pop()) {
        let frame = x.stacktrace.and_then(|mut s| s.frames.pop()).map(|mut f| {
            cut_frame(&mut f, MINIMAL_FRAME_CHARS);
            f
        });
        // A wasm frame's `addr_mode: rel:N` points into the debug images.
        if frame.as_ref().is_some_and(|f| f.addr_mode.is_some()) {
            m.debug_meta = e.debug_meta;
        }
        m.exception = Some(Values {
            values: vec![Exception {
                ty: x.ty.as_deref().map(|t| truncate_chars(t, MINIMAL_TYPE_CHARS)),
                value: x.value.as_deref().map(|v| truncate_chars(v, MINIMAL_VALUE_CHARS)),
                mechanism: x.mechanism.map(|mech| Mechanism {
                    ty: mech.ty,
                    handled: mech.handled,
                    synthetic: mech.synthetic,
                    ..Mechanism::default()
                }),
                stacktrace: frame.map(|f| Stacktrace { frames: vec![f] }),
            }],
        });
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsn::Dsn;
    use crate::envelope::Envelope;
    use crate::protocol::{Breadcrumb, EventId, Level, Map, Request};

    fn size(e: &Event) -> usize {
        Measure(Vec::new()).of(e)
    }

    fn frame(i: usize) -> Frame {
        Frame {
            function: Some(["fn_", &i.to_string()].concat()),
            abs_path: Some("http://app.example/static/js/main.js".into()),
            lineno: Some(i as u32 + 1),
            colno: Some(7),
            in_app: Some(true),
            ..Frame::default()
        }
    }

    fn base() -> Event {
        let mut e = Event::new(EventId([7; 16]), Timestamp(1_700_000_000_000));
        e.level = Some(Level::Error);
        e.release = Some("shop@1.0".into());
        e.environment = Some("production".into());
        e.sdk = Some(ClientSdkInfo::errorbeacon());
        e.exception = Some(Values {
            values: vec![Exception {
                ty: Some("TypeError".into()),
                value: Some("x is undefined".into()),
                mechanism: Some(Mechanism { ty: "onerror".into(), handled: Some(false), ..Mechanism::default() }),
                stacktrace: Some(Stacktrace { frames: (0..40).map(frame).collect() }),
            }],
        });
        e
    }

    fn crumbs(n: usize, len: usize) -> Values<Breadcrumb> {
        Values {
            values: (0..n)
                .map(|i| Breadcrumb {
                    timestamp: Timestamp(i as u64),
                    message: Some(["#", &i.to_string(), " ", &"m".repeat(len)].concat()),
                    ..Breadcrumb::default()
                })
                .collect(),
        }
    }

    fn main(e: &mut Event) -> &mut Exception {
        e.exception.as_mut().and_then(|x| x.values.last_mut()).expect("exception")
    }

    fn frames(e: &Event) -> Vec<String> {
        let st = e.main_exception().and_then(|x| x.stacktrace.as_ref());
        st.map(|s| s.frames.iter().filter_map(|f| f.function.clone()).collect()).unwrap_or_default()
    }

    #[test]
    fn a_small_event_is_untouched() {
        let mut e = base();
        let before = e.clone();
        let t = trim_event(&mut e, 100_000);
        assert_eq!(t, Trimmed { steps: vec![], size: size(&before), fits: true });
        assert_eq!(e, before);
    }

    #[test]
    fn breadcrumbs_go_first_oldest_first_and_only_as_many_as_needed() {
        let mut e = base();
        e.breadcrumbs = Some(crumbs(100, 1000));
        e.extra.insert("k".into(), Value::from("v".repeat(100)));
        let full = size(&e);
        let t = trim_event(&mut e, full - 10_000);
        assert_eq!(t.steps, [Step::Breadcrumbs]);
        assert!(t.fits && t.size <= full - 10_000 && t.size > full - 12_000, "{} of {}", t.size, full);
        let left = &e.breadcrumbs.as_ref().expect("crumbs").values;
        assert_eq!(left.len(), 90);
        assert_eq!(left[0].timestamp, Timestamp(10), "the oldest went");
        assert_eq!(e.extra.len(), 1, "later steps did not run");
    }

    #[test]
    fn extra_then_contexts_largest_first() {
        let mut e = base();
        e.breadcrumbs = Some(crumbs(3, 10));
        e.extra.insert("small".into(), Value::from("s"));
        e.extra.insert("big".into(), Value::from("b".repeat(5000)));
        let mut ctx = Map::new();
        ctx.insert("blob".into(), Value::from("c".repeat(5000)));
        e.contexts.set("app", ctx);
        e.contexts.set_known("browser", &[("name", Some("Firefox"))]);
        let full = size(&e);
        let t = trim_event(&mut e, full - 4000);
        assert_eq!(t.steps, [Step::Breadcrumbs, Step::ExtraAndContexts]);
        assert!(e.breadcrumbs.is_none());
        assert_eq!(e.extra.keys().collect::<Vec<_>>(), ["small"]);
        assert_eq!(e.contexts.0.len(), 2, "contexts untouched while extra was enough");
        let budget = size(&e) - 4000;
        let t = trim_event(&mut e, budget);
        assert_eq!(t.steps, [Step::ExtraAndContexts]);
        assert!(e.extra.is_empty());
        assert_eq!(e.contexts.0.keys().collect::<Vec<_>>(), ["browser"]);
    }

    #[test]
    fn middle_frames_go_before_strings_and_the_ends_stay() {
        let mut e = base();
        let full = size(&e);
        let t = trim_event(&mut e, full - 2000);
        assert_eq!(t.steps, [Step::MiddleFrames]);
        let names = frames(&e);
        assert!(names.len() < 40 && names.len() >= 2 * EDGE_FRAMES);
        assert_eq!(names[..5], ["fn_0", "fn_1", "fn_2", "fn_3", "fn_4"]);
        assert_eq!(names[names.len() - 5..], ["fn_35", "fn_36", "fn_37", "fn_38", "fn_39"]);
        let t = trim_event(&mut e, 1);
        assert_eq!(t.steps, [Step::MiddleFrames, Step::LongStrings, Step::Minimal]);
        assert_eq!(frames(&e), ["fn_39"], "the crash frame survives");
    }

    #[test]
    fn long_strings_are_halved_until_they_fit() {
        let mut e = base();
        main(&mut e).value = Some("v".repeat(50_000));
        e.tags.insert("t".into(), "x".repeat(3000));
        main(&mut e).stacktrace.as_mut().expect("stack").frames.truncate(8);
        let t = trim_event(&mut e, 20_000);
        assert_eq!(t.steps, [Step::LongStrings]);
        assert!(t.fits);
        let value = e.main_exception().and_then(|x| x.value.clone()).unwrap_or_default();
        assert_eq!(value.chars().count(), 8192, "8192 characters were enough");
        assert!(value.ends_with('…'));
        assert_eq!(e.tags.get("t").map(String::len), Some(3000), "short enough strings are kept");
    }

    #[test]
    fn the_minimal_event_still_says_what_happened() {
        let mut e = base();
        e.breadcrumbs = Some(crumbs(10, 10));
        e.user = Some(crate::protocol::User { id: Some("u".into()), ..Default::default() });
        e.request = Some(Request { url: Some("http://x/".into()), ..Default::default() });
        main(&mut e).value = Some("é".repeat(5000));
        let t = trim_event(&mut e, 600);
        assert_eq!(t.steps.last(), Some(&Step::Minimal));
        assert!(t.fits, "{}", t.size);
        let x = e.main_exception().expect("exception");
        assert_eq!(x.ty.as_deref(), Some("TypeError"));
        assert!(x.value.as_deref().is_some_and(|v| v.starts_with("éé")));
        assert_eq!(x.mechanism.as_ref().map(|m| m.ty.as_str()), Some("onerror"));
        assert_eq!(frames(&e), ["fn_39"]);
        assert_eq!(e.event_id, EventId([7; 16]));
        assert_eq!(e.release.as_deref(), Some("shop@1.0"));
        assert!(e.sdk.is_some() && e.user.is_none() && e.request.is_none() && e.breadcrumbs.is_none());
    }

    #[test]
    fn an_impossible_budget_reports_not_fitting() {
        let mut e = base();
        let t = trim_event(&mut e, 10);
        assert!(!t.fits);
        assert_eq!(t.size, size(&e));
        assert_eq!(e.main_exception().and_then(|x| x.ty.as_deref()), Some("TypeError"));
    }

    #[test]
    fn envelopes_fit_their_budget_headers_included() {
        let dsn: Dsn = "https://key@o1.ingest.example/42".parse().expect("dsn");
        let mut e = base();
        e.breadcrumbs = Some(crumbs(100, 2000));
        for max in [1_000, 5_000, 60_000, 150_000] {
            let (bytes, t) = event_envelope(&e, Some(&dsn.to_text()), Timestamp(5), max);
            assert!(bytes.len() <= max, "{} > {max}", bytes.len());
            assert!(t.fits);
            let parsed = Envelope::parse(&bytes).expect("envelope");
            assert_eq!(parsed.items.len(), 1);
            assert_eq!(parsed.items[0].payload.len(), t.size);
        }
        let (bytes, t) = event_envelope(&e, Some(&dsn.to_text()), Timestamp(5), 1_000_000);
        assert!(t.steps.is_empty());
        assert_eq!(bytes, Envelope::from_event(&e, Some(&dsn), Timestamp(5)).expect("envelope").to_bytes());
    }

    #[test]
    fn variants_only_when_needed() {
        let e = base();
        let v = event_variants(e.clone(), None, Timestamp(5), 1_000_000, 60_000);
        assert!(v.small.is_none() && v.trimmed.steps.is_empty());
        let mut big = base();
        big.breadcrumbs = Some(crumbs(100, 2000));
        let v = event_variants(big.clone(), None, Timestamp(5), 1_000_000, 60_000);
        assert!(v.body.len() > 60_000 && v.trimmed.steps.is_empty());
        let small = v.small.expect("small");
        assert!(small.len() <= 60_000);
        assert_eq!(v.small_trimmed.map(|t| t.steps), Some(vec![Step::Breadcrumbs]));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn largest_first_orders_indices_by_size_descending() {
        use proptest::prelude::*;
        proptest!(|(sizes in proptest::collection::vec(0usize..50, 0..40))| {
            let order = largest_first(&sizes);
            let mut seen = order.clone();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..sizes.len()).collect::<Vec<_>>());
            let got: Vec<usize> = order.iter().map(|&i| sizes[i]).collect();
            let mut want = sizes.clone();
            want.sort_unstable_by(|a, b| b.cmp(a));
            prop_assert_eq!(got, want);
        });
    }
}
