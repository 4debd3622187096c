//! A Sentry event from any thrown value's description, and from a message.
//!
//! The binding describes what was thrown as a [`Thrown`]; everything after that is here and
//! platform-free: exception type and value as Sentry shows them, the mechanism, linked
//! `cause` chains and `AggregateError` children, and every string cut to Sentry's limits.

mod bound;
mod images;
mod linked;
mod thrown;

pub use images::{attach_images, CodeRange, WasmModule};
pub use thrown::{ErrorLike, Primitive, Thrown};

use crate::limits::{MAX_KEYS_IN_MESSAGE, MAX_TYPE_CHARS, MAX_VALUE_CHARS, MAX_VALUE_CHARS_IN_MESSAGE};
use crate::protocol::{Event, EventId, Exception, Level, LogEntry, Mechanism, Stacktrace, Timestamp, Value, Values};
use crate::stack::{parse_frames, ParseOptions};
use crate::text::truncate_chars;
pub(crate) use bound::bound_value;

/// How a value reached the SDK.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptureContext {
    /// Mechanism type: `generic` (captureException), `onerror`, `onunhandledrejection`,
    /// `console`, `http.client`, `panic`, …
    pub mechanism: String,
    /// `false` when the host did not catch it.
    pub handled: bool,
    /// A stack the SDK took where it saw the value (`new Error().stack`), used when the value
    /// has none of its own, so that a thrown string still says where it was seen.
    pub synthetic_stack: Option<String>,
    /// How to read stacks (the SDK's own URL).
    pub parse: ParseOptions,
    /// At most this many linked exceptions besides the root.
    pub linked_limit: usize,
}

impl Default for CaptureContext {
    fn default() -> Self {
        CaptureContext {
            mechanism: "generic".into(),
            handled: true,
            synthetic_stack: None,
            parse: ParseOptions::default(),
            linked_limit: crate::limits::MAX_LINKED_ERRORS,
        }
    }
}

const SCRIPT_ERROR_HINT: &str = "the browser withheld this error's message and stack: it came from a \
    cross-origin script (serve it with Access-Control-Allow-Origin and load it with \
    crossorigin=\"anonymous\"), or, in Safari and other WebKit browsers, from a built-in API \
    that threw inside a timer or event callback";

/// Builds the event for a thrown value.
pub fn event_from_thrown(thrown: &Thrown, ctx: &CaptureContext, event_id: EventId, timestamp: Timestamp) -> Event {
    event_linking(thrown, ctx, ctx.linked_limit, event_id, timestamp)
}

/// [`event_from_thrown`] with at most `linked_limit` linked exceptions (the client's option).
pub(crate) fn event_linking(
    thrown: &Thrown,
    ctx: &CaptureContext,
    linked_limit: usize,
    event_id: EventId,
    timestamp: Timestamp,
) -> Event {
    let mut event = Event::new(event_id, timestamp);
    event.level = Some(Level::Error);
    let mut root = exception_from(thrown, ctx, true);
    let mut mechanism = Mechanism {
        ty: truncate_chars(&ctx.mechanism, MAX_TYPE_CHARS),
        handled: Some(ctx.handled),
        ..Default::default()
    };
    match thrown {
        Thrown::Error(e) => {
            if let Some(code) = e.dom_code {
                event.tags.insert("DOMException.code".into(), crate::text::decimal(u64::from(code)));
            }
        }
        Thrown::ErrorEvent { message, .. } => {
            if message.as_deref().is_some_and(|m| crate::text::trim_end_byte(m, b'.') == "Script error") {
                mechanism.data.insert("hint".into(), Value::from(SCRIPT_ERROR_HINT));
            }
        }
        Thrown::Object { value, .. } => {
            event.extra.insert("__serialized__".into(), bound_value(value));
            mark_synthetic(&mut mechanism, "object");
        }
        Thrown::Primitive(p) => mark_synthetic(&mut mechanism, p.type_name()),
        Thrown::Function { .. } => mark_synthetic(&mut mechanism, "function"),
        Thrown::Unreadable { .. } | Thrown::Circular => mark_synthetic(&mut mechanism, "unreadable"),
    }
    root.mechanism = Some(mechanism);
    let values = linked::link(thrown, root, linked_limit, |t| exception_from(t, ctx, false));
    event.exception = Some(Values { values });
    event
}

fn mark_synthetic(m: &mut Mechanism, thrown_type: &str) {
    m.synthetic = Some(true);
    m.data.insert("thrown_type".into(), Value::from(thrown_type));
}

/// A message event (`captureMessage`).
pub fn message_event(message: &str, level: Level, event_id: EventId, timestamp: Timestamp) -> Event {
    let mut event = Event::new(event_id, timestamp);
    event.level = Some(level);
    event.logentry = Some(LogEntry { formatted: truncate_chars(message, MAX_VALUE_CHARS) });
    event
}

/// One exception (without its mechanism): type and value as Sentry shows them, and frames.
/// `is_root`: only the thrown value itself falls back to the SDK's synthetic stack.
fn exception_from(thrown: &Thrown, ctx: &CaptureContext, is_root: bool) -> Exception {
    let rejection = ctx.mechanism == "onunhandledrejection";
    let synthetic = || {
        if is_root {
            synthetic_stacktrace(ctx.synthetic_stack.as_deref(), &ctx.parse)
        } else {
            None
        }
    };
    let (ty, value, stack) = match thrown {
        Thrown::Error(e) => {
            let ty = e.name.as_deref().filter(|n| !n.is_empty()).or(e.class.as_deref()).unwrap_or("Error").to_owned();
            let frames = stacktrace(e.stack.as_deref(), &ctx.parse).or_else(synthetic);
            (ty, e.message.clone().unwrap_or_default(), frames)
        }
        Thrown::ErrorEvent { message, filename, lineno, colno } => {
            let frame = filename.as_deref().filter(|f| !f.is_empty()).map(|f| {
                let (l, c) = (
                    crate::text::decimal(u64::from(lineno.unwrap_or(0))),
                    crate::text::decimal(u64::from(colno.unwrap_or(0))),
                );
                let line = ["    at ", f, ":", &l, ":", &c].concat();
                stacktrace(Some(&line), &ctx.parse)
            });
            ("Error".to_owned(), message.clone().unwrap_or_default(), frame.flatten().or_else(synthetic))
        }
        Thrown::Primitive(p) => {
            let value = if rejection && is_root {
                ["Non-Error promise rejection captured with value: ", &p.display()].concat()
            } else {
                p.display()
            };
            (non_error_type(rejection && is_root), value, synthetic())
        }
        Thrown::Object { class, keys, value: data } => {
            let who = match class.as_deref() {
                Some(c) if c != "Object" => ["'", c, "'"].concat(),
                _ => "Object".to_owned(),
            };
            let what = if rejection && is_root { "promise rejection" } else { "exception" };
            // Sorted as Sentry's message sorts them; an insertion sort, since `sort` costs the
            // wasm build 9 KB and the binding passes at most MAX_EXTRA_BREADTH keys.
            let mut listed: Vec<&str> =
                keys.iter().take(crate::limits::MAX_EXTRA_BREADTH).map(String::as_str).collect();
            for i in 1..listed.len() {
                let mut j = i;
                while j > 0 && listed.get(j - 1) > listed.get(j) {
                    listed.swap(j - 1, j);
                    j -= 1;
                }
            }
            // Each key with its value (`code=42`): the values are what a person acts on.
            // Grouping normalizes numbers and ids in this message (docs/grouping.md), so
            // `retryAfter=30` and `retryAfter=60` stay one issue.
            let fields = match data {
                Value::Object(m) => Some(m),
                _ => None,
            };
            let mut names = String::new();
            for (i, key) in listed.iter().take(MAX_KEYS_IN_MESSAGE).enumerate() {
                if i > 0 {
                    names.push_str(", ");
                }
                names.push_str(key);
                names.push('=');
                render_value(fields.and_then(|m| m.get(key)), &mut names);
            }
            if listed.len() > MAX_KEYS_IN_MESSAGE {
                names.push_str(", …");
            }
            let value = if names.is_empty() {
                [who.as_str(), " captured as ", what, " with no keys"].concat()
            } else {
                [who.as_str(), " captured as ", what, " with keys: ", &names].concat()
            };
            (non_error_type(rejection && is_root), value, synthetic())
        }
        Thrown::Function { name } => {
            let value = ["Function captured as exception: ", name.as_deref().unwrap_or("<anonymous>")].concat();
            (non_error_type(rejection && is_root), value, synthetic())
        }
        Thrown::Unreadable { reason } => (
            non_error_type(rejection && is_root),
            ["Unreadable value captured as exception: ", reason.as_str()].concat(),
            synthetic(),
        ),
        Thrown::Circular => ("Error".to_owned(), "[Circular]".to_owned(), None),
    };
    Exception {
        ty: Some(truncate_chars(&ty, MAX_TYPE_CHARS)),
        value: Some(truncate_chars(&value, MAX_VALUE_CHARS)),
        mechanism: None,
        stacktrace: stack,
    }
}

/// Appends a short rendering of one value of a thrown object: strings quoted, numbers and
/// booleans as they are, nested arrays and objects as `[…]` / `{…}` (their data is in
/// `extra`); anything cut ends in `…`, and a value the bounds left out reads `…`.
fn render_value(value: Option<&Value>, out: &mut String) {
    let text = match value {
        None => "…".to_owned(),
        Some(Value::Null) => "null".to_owned(),
        Some(Value::Bool(b)) => if *b { "true" } else { "false" }.to_owned(),
        Some(Value::Int(n)) => crate::text::decimal_i64(*n),
        Some(Value::Float(f)) => f.clone(),
        Some(Value::String(s)) => {
            let cut = truncate_chars(s, MAX_VALUE_CHARS_IN_MESSAGE.saturating_sub(2));
            ["\"", &cut, "\""].concat()
        }
        Some(Value::Array(a)) => if a.is_empty() { "[]" } else { "[…]" }.to_owned(),
        Some(Value::Object(m)) => if m.is_empty() { "{}" } else { "{…}" }.to_owned(),
    };
    out.push_str(&truncate_chars(&text, MAX_VALUE_CHARS_IN_MESSAGE));
}

/// Sentry's type for non-Error values: `UnhandledRejection` for rejections, else `Error`.
fn non_error_type(rejection: bool) -> String {
    if rejection { "UnhandledRejection" } else { "Error" }.to_owned()
}

/// Frames of a stack string, or `None` when it has none (Relay rejects empty frame lists).
fn stacktrace(stack: Option<&str>, options: &ParseOptions) -> Option<Stacktrace> {
    let mut parsed = Vec::new();
    parse_frames(stack?, options, &mut parsed);
    frames_of(&parsed)
}

/// The frames as a stacktrace, or `None` when there are none (Relay rejects empty frame lists).
fn frames_of(parsed: &[crate::stack::ParsedFrame<'_>]) -> Option<Stacktrace> {
    if parsed.is_empty() {
        return None;
    }
    let mut frames = Vec::with_capacity(parsed.len());
    for f in parsed {
        frames.push(f.to_frame());
    }
    Some(Stacktrace { frames })
}

/// Frames of a stack the SDK took itself where it saw a value (the value had none of its own).
/// Its newest frames are the SDK's: they go, through the outermost of the JS package's entry
/// points (a frame whose name carries `__errorbeacon`, see `stack::names`), so that what remains is where
/// the app handed the value over: its call of `captureException`, of `fetch`, of
/// `console.error`. A stack without such a frame loses its SDK frames (by URL) at the newest end.
/// `None` when nothing of the app is left: a page event has no app frame, and showing the SDK's
/// own frames would name the SDK as the culprit.
fn synthetic_stacktrace(stack: Option<&str>, options: &ParseOptions) -> Option<Stacktrace> {
    let mut parsed = Vec::new();
    parse_frames(stack?, options, &mut parsed);
    match parsed.iter().position(|f| f.function.as_deref().is_some_and(crate::stack::is_sdk_entry)) {
        Some(outermost) => parsed.truncate(outermost),
        None => {
            while parsed.last().is_some_and(|f| f.sdk) {
                parsed.pop();
            }
        }
    }
    frames_of(&parsed)
}

#[cfg(test)]
mod tests;
