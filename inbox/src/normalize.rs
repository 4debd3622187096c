//! Lenient normalization of an event payload, field by field, as Relay does: a field of the
//! wrong type or with an invalid value is dropped and recorded in the event's `errors` list
//! (`{"type": "invalid_data", "name": "level", "value": "catastrophic"}`), never the event.
//! Only a payload that is not JSON, or not a JSON object, is rejected.
//!
//! The payload is read once into a struct whose fields are the raw JSON text of each
//! top-level key (`&RawValue`); unknown keys are skipped without building values. Each field
//! we use is then parsed on its own, so a bad one cannot take the others with it. This is the
//! same per-field leniency as walking a `serde_json::Value`, without building a tree of the
//! whole event (contexts, breadcrumbs, `vars`), which is most of its size.

use errorbeacon::group::{self, GroupException, GroupFrame, GroupInput};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::fmt::Display;

/// The most exceptions of a chain read, and frames per stack trace read, for grouping and
/// titles. The payload is kept whole whatever its size (within the event size limit).
const MAX_EXCEPTIONS: usize = 32;
const MAX_FRAMES: usize = 250;
/// Characters of a title (Sentry cuts exception values in titles much the same).
const MAX_TITLE_CHARS: usize = 200;
/// Characters of a stored release or environment (Relay: 200 for release, 64 for environment).
const MAX_VALUE_CHARS: usize = 200;

/// Why a payload is not an event at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAnEvent {
    /// Occurs when the payload is not valid JSON (includes invalid UTF-8).
    InvalidJson(String),
    /// Occurs when the payload is JSON but not an object.
    NotAnObject,
}

impl std::fmt::Display for NotAnEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotAnEvent::InvalidJson(e) => write!(f, "event payload is not valid json: {e}"),
            NotAnEvent::NotAnObject => write!(f, "event payload is json but not an object"),
        }
    }
}

/// A frame: the fields grouping, culprits and the UI use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// `function`.
    pub function: Option<String>,
    /// `module`.
    pub module: Option<String>,
    /// `filename`.
    pub filename: Option<String>,
    /// `abs_path`.
    pub abs_path: Option<String>,
    /// `lineno`.
    pub lineno: Option<u64>,
    /// `colno`.
    pub colno: Option<u64>,
    /// `in_app`.
    pub in_app: Option<bool>,
    /// `instruction_addr`.
    pub instruction_addr: Option<String>,
}

/// An exception.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exception {
    /// `type`.
    pub ty: Option<String>,
    /// `value`.
    pub value: Option<String>,
    /// `stacktrace.frames`, oldest first.
    pub frames: Vec<Frame>,
}

/// The user, reduced to what counts users.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    /// `id`.
    pub id: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `username`.
    pub username: Option<String>,
    /// `ip_address`.
    pub ip_address: Option<String>,
}

impl User {
    /// The key users are counted by: id, else email, else username, else IP address.
    pub fn key(&self) -> Option<String> {
        if let Some(id) = &self.id {
            return Some(["id:", id].concat());
        }
        if let Some(e) = &self.email {
            return Some(["email:", e].concat());
        }
        if let Some(u) = &self.username {
            return Some(["username:", u].concat());
        }
        self.ip_address.as_ref().map(|ip| ["ip:", ip].concat())
    }
}

/// The normalized event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    /// 32 hex digits, when the payload had a valid one.
    pub event_id: Option<String>,
    /// The timestamp in ms, when valid.
    pub timestamp_ms: Option<u64>,
    /// Normalized level; `error` when absent or invalid.
    pub level: String,
    /// `platform`.
    pub platform: Option<String>,
    /// `release`.
    pub release: Option<String>,
    /// `environment`.
    pub environment: Option<String>,
    /// `logentry.formatted`, `logentry.message` or `message`.
    pub message: Option<String>,
    /// `exception.values`.
    pub exceptions: Vec<Exception>,
    /// `user`.
    pub user: User,
    /// `fingerprint`.
    pub fingerprint: Option<Vec<String>>,
    /// `transaction` (web frameworks put the route here; Sentry uses it as the culprit).
    pub transaction: Option<String>,
    /// What was dropped, Relay style.
    pub errors: Vec<Value>,
}

/// The top-level keys read, each as raw JSON text except `exception`, whose type `X` is a
/// raw value too ([`normalize`]'s careful pass) or the typed tree of [`FastExceptions`] (its
/// single pass).
#[derive(Deserialize)]
struct Top<'a, X> {
    #[serde(borrow)]
    event_id: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow)]
    level: Option<&'a RawValue>,
    #[serde(borrow)]
    platform: Option<&'a RawValue>,
    #[serde(borrow)]
    release: Option<&'a RawValue>,
    #[serde(borrow)]
    environment: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
    #[serde(borrow)]
    logentry: Option<&'a RawValue>,
    #[serde(alias = "sentry.interfaces.Exception")]
    exception: Option<X>,
    #[serde(borrow, alias = "sentry.interfaces.User")]
    user: Option<&'a RawValue>,
    #[serde(borrow)]
    fingerprint: Option<&'a RawValue>,
    #[serde(borrow)]
    transaction: Option<&'a RawValue>,
}

/// A JSON object only: serde's derive would also fill a struct from an array, by position,
/// which the careful pass refuses (`is_object`); so must the single pass.
struct Obj<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a json object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Obj)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// `exception` as SDKs send it: `{"values": [{"type", "value", "stacktrace": {"frames":
/// [{…}]}}]}`, every level an object or a list of objects as the protocol says. Anything else
/// fails this type and takes the careful pass.
#[derive(Deserialize)]
struct FastExceptions<'a> {
    #[serde(borrow)]
    values: Option<Vec<Obj<FastException<'a>>>>,
}

#[derive(Deserialize)]
struct FastException<'a> {
    #[serde(borrow, rename = "type")]
    ty: Option<&'a RawValue>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
    #[serde(borrow)]
    stacktrace: Option<Obj<FastStacktrace<'a>>>,
}

#[derive(Deserialize)]
struct FastStacktrace<'a> {
    #[serde(borrow)]
    frames: Option<Vec<Obj<RawFrame<'a>>>>,
}

#[derive(Deserialize)]
struct RawException<'a> {
    #[serde(borrow, rename = "type")]
    ty: Option<&'a RawValue>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
    #[serde(borrow)]
    stacktrace: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawFrame<'a> {
    #[serde(borrow)]
    function: Option<&'a RawValue>,
    #[serde(borrow)]
    module: Option<&'a RawValue>,
    #[serde(borrow)]
    filename: Option<&'a RawValue>,
    #[serde(borrow)]
    abs_path: Option<&'a RawValue>,
    #[serde(borrow)]
    lineno: Option<&'a RawValue>,
    #[serde(borrow)]
    colno: Option<&'a RawValue>,
    #[serde(borrow)]
    in_app: Option<&'a RawValue>,
    #[serde(borrow)]
    instruction_addr: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawUser<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    email: Option<&'a RawValue>,
    #[serde(borrow)]
    username: Option<&'a RawValue>,
    #[serde(borrow)]
    ip_address: Option<&'a RawValue>,
}

/// Collects errors with their JSON path.
struct Errors(Vec<Value>);

impl Errors {
    fn invalid<N: Display + ?Sized>(&mut self, name: &N, raw: &RawValue, reason: &str) {
        let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
        self.0.push(json!({ "type": "invalid_data", "name": name.to_string(), "value": value, "reason": reason }));
    }
}

/// `{path}.frames.{index}.{field}`, written only when a field is invalid (building the name of
/// every field up front cost more than the rest of the frame's normalization).
struct FrameField<'a>(&'a str, usize, &'static str);

impl Display for FrameField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.frames.{}.{}", self.0, self.1, self.2)
    }
}

/// True when the raw JSON text is an object (serde's derive would also fill a struct from an
/// array, by position).
fn is_object(raw: &RawValue) -> bool {
    raw.get().trim_start().starts_with('{')
}

fn is_null(raw: &RawValue) -> bool {
    raw.get() == "null"
}

/// A string field; `None` with an error when it is not a string.
fn string<N: Display + ?Sized>(errors: &mut Errors, name: &N, raw: Option<&RawValue>) -> Option<String> {
    let raw = raw.filter(|r| !is_null(r))?;
    if let Some(s) = plain_string(raw) {
        return Some(s.to_owned());
    }
    match serde_json::from_str::<String>(raw.get()) {
        Ok(s) => Some(s),
        Err(_) => {
            errors.invalid(name, raw, "expected a string");
            None
        }
    }
}

/// A string, or a number or boolean written as one (as Relay's lenient strings accept).
fn lenient_string<N: Display + ?Sized>(errors: &mut Errors, name: &N, raw: Option<&RawValue>) -> Option<String> {
    let raw = raw.filter(|r| !is_null(r))?;
    match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::String(s)) => Some(s),
        Ok(v @ (Value::Number(_) | Value::Bool(_))) => Some(v.to_string()),
        _ => {
            errors.invalid(name, raw, "expected a string");
            None
        }
    }
}

fn unsigned<N: Display + ?Sized>(errors: &mut Errors, name: &N, raw: Option<&RawValue>) -> Option<u64> {
    let raw = raw.filter(|r| !is_null(r))?;
    match serde_json::from_str::<u64>(raw.get()) {
        Ok(n) => Some(n),
        Err(_) => {
            errors.invalid(name, raw, "expected an unsigned integer");
            None
        }
    }
}

fn boolean<N: Display + ?Sized>(errors: &mut Errors, name: &N, raw: Option<&RawValue>) -> Option<bool> {
    let raw = raw.filter(|r| !is_null(r))?;
    match serde_json::from_str::<bool>(raw.get()) {
        Ok(b) => Some(b),
        Err(_) => {
            errors.invalid(name, raw, "expected a boolean");
            None
        }
    }
}

/// The content of a JSON string without escapes, taken as it is. `raw` is valid JSON (the
/// parser checked it), so between its quotes there is neither a quote nor a control character.
fn plain_string(raw: &RawValue) -> Option<&str> {
    let inner = raw.get().strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then_some(inner)
}

fn bounded(s: String, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => s.get(..i).unwrap_or_default().to_owned(),
        None => s,
    }
}

/// Relay's levels, lower case only; `critical` → `fatal`, `log` → `info`.
fn level(errors: &mut Errors, raw: Option<&RawValue>) -> String {
    let Some(raw) = raw.filter(|r| !is_null(r)) else { return "error".to_owned() };
    match serde_json::from_str::<&str>(raw.get()).ok() {
        Some(l @ ("debug" | "info" | "warning" | "error" | "fatal")) => l.to_owned(),
        Some("critical") => "fatal".to_owned(),
        Some("log") => "info".to_owned(),
        _ => {
            errors.invalid("level", raw, "invalid level");
            "error".to_owned()
        }
    }
}

/// Seconds since the epoch (number) or RFC 3339 (string) → ms.
fn timestamp(errors: &mut Errors, raw: Option<&RawValue>) -> Option<u64> {
    let raw = raw.filter(|r| !is_null(r))?;
    let parsed = match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::Number(n)) => n.as_f64().filter(|s| s.is_finite() && *s >= 0.0 && *s < 253_402_300_800.0),
        Ok(Value::String(s)) => errorbeacon::Timestamp::parse_rfc3339(&s).map(|t| t.0 as f64 / 1000.0),
        _ => None,
    };
    match parsed {
        Some(secs) => Some((secs * 1000.0) as u64),
        None => {
            errors.invalid("timestamp", raw, "invalid timestamp");
            None
        }
    }
}

/// The 32 hex digits of an event id (dashed UUIDs accepted).
pub fn event_id(s: &str) -> Option<String> {
    errorbeacon::EventId::parse(s).map(|id| id.to_hex())
}

fn frames(errors: &mut Errors, path: &str, raw: Option<&RawValue>) -> Vec<Frame> {
    let Some(raw) = raw.filter(|r| !is_null(r)) else { return Vec::new() };
    #[derive(Deserialize)]
    struct RawStacktrace<'a> {
        #[serde(borrow)]
        frames: Option<&'a RawValue>,
    }
    let st = if is_object(raw) { serde_json::from_str::<RawStacktrace<'_>>(raw.get()).ok() } else { None };
    let Some(st) = st else {
        errors.invalid(&path, raw, "expected a stacktrace");
        return Vec::new();
    };
    let Some(list) = st.frames.filter(|r| !is_null(r)) else { return Vec::new() };
    let items: Vec<&RawValue> = match serde_json::from_str(list.get()) {
        Ok(v) => v,
        Err(_) => {
            errors.invalid(&format!("{path}.frames"), list, "expected an array");
            return Vec::new();
        }
    };
    // Keep the newest frames (the end of the list) when there are too many.
    let skip = items.len().saturating_sub(MAX_FRAMES);
    let mut out = Vec::with_capacity(items.len() - skip);
    for (i, item) in items.iter().enumerate().skip(skip) {
        let rf = if is_object(item) { serde_json::from_str::<RawFrame<'_>>(item.get()).ok() } else { None };
        let Some(rf) = rf else {
            errors.invalid(&format!("{path}.frames.{i}"), item, "expected a frame");
            continue;
        };
        out.push(frame(errors, path, i, &rf));
    }
    out
}

fn frame(errors: &mut Errors, path: &str, i: usize, rf: &RawFrame<'_>) -> Frame {
    let name = |field: &'static str| FrameField(path, i, field);
    Frame {
        function: string(errors, &name("function"), rf.function).map(crate::demangle::readable),
        module: string(errors, &name("module"), rf.module),
        filename: string(errors, &name("filename"), rf.filename),
        abs_path: string(errors, &name("abs_path"), rf.abs_path),
        lineno: unsigned(errors, &name("lineno"), rf.lineno),
        colno: unsigned(errors, &name("colno"), rf.colno),
        in_app: boolean(errors, &name("in_app"), rf.in_app),
        instruction_addr: string(errors, &name("instruction_addr"), rf.instruction_addr),
    }
}

/// [`exceptions`] over the single pass's tree: the same fields, limits and error names.
fn fast_exceptions(errors: &mut Errors, container: Option<Obj<FastExceptions<'_>>>) -> Vec<Exception> {
    let Some(items) = container.and_then(|c| c.0.values) else { return Vec::new() };
    let skip = items.len().saturating_sub(MAX_EXCEPTIONS);
    let mut out = Vec::with_capacity(items.len() - skip);
    for (i, Obj(re)) in items.into_iter().enumerate().skip(skip) {
        let path = format!("exception.values.{i}");
        let frames = re.stacktrace.and_then(|st| st.0.frames).unwrap_or_default();
        let path_st = format!("{path}.stacktrace");
        let skip_frames = frames.len().saturating_sub(MAX_FRAMES);
        let frames =
            frames.iter().enumerate().skip(skip_frames).map(|(j, Obj(rf))| frame(errors, &path_st, j, rf)).collect();
        out.push(Exception {
            ty: string(errors, &format!("{path}.type"), re.ty),
            value: lenient_string(errors, &format!("{path}.value"), re.value),
            frames,
        });
    }
    out
}

fn exceptions(errors: &mut Errors, raw: Option<&RawValue>) -> Vec<Exception> {
    let Some(raw) = raw.filter(|r| !is_null(r)) else { return Vec::new() };
    #[derive(Deserialize)]
    struct Container<'a> {
        #[serde(borrow)]
        values: Option<&'a RawValue>,
    }
    // `{"values": [...]}`, or the bare list older SDKs send.
    let list = if is_object(raw) {
        match serde_json::from_str::<Container<'_>>(raw.get()) {
            Ok(c) => c.values.filter(|r| !is_null(r)),
            Err(_) => None,
        }
    } else {
        Some(raw)
    };
    let Some(list) = list else { return Vec::new() };
    let items: Vec<&RawValue> = match serde_json::from_str(list.get()) {
        Ok(v) => v,
        Err(_) => {
            errors.invalid("exception.values", list, "expected an array");
            return Vec::new();
        }
    };
    let skip = items.len().saturating_sub(MAX_EXCEPTIONS);
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate().skip(skip) {
        let path = format!("exception.values.{i}");
        let re = if is_object(item) { serde_json::from_str::<RawException<'_>>(item.get()).ok() } else { None };
        let Some(re) = re else {
            errors.invalid(&path, item, "expected an exception");
            continue;
        };
        out.push(Exception {
            ty: string(errors, &format!("{path}.type"), re.ty),
            value: lenient_string(errors, &format!("{path}.value"), re.value),
            frames: frames(errors, &format!("{path}.stacktrace"), re.stacktrace),
        });
    }
    out
}

fn user(errors: &mut Errors, raw: Option<&RawValue>) -> User {
    let Some(raw) = raw.filter(|r| !is_null(r)) else { return User::default() };
    let ru = if is_object(raw) { serde_json::from_str::<RawUser<'_>>(raw.get()).ok() } else { None };
    let Some(ru) = ru else {
        errors.invalid("user", raw, "expected a user");
        return User::default();
    };
    let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
    User {
        id: non_empty(lenient_string(errors, "user.id", ru.id)),
        email: non_empty(string(errors, "user.email", ru.email)),
        username: non_empty(lenient_string(errors, "user.username", ru.username)),
        // `{{auto}}` asks the server to fill in the client's address; it is no user by itself.
        ip_address: non_empty(string(errors, "user.ip_address", ru.ip_address)).filter(|ip| ip != "{{auto}}"),
    }
}

fn message(errors: &mut Errors, logentry: Option<&RawValue>, message: Option<&RawValue>) -> Option<String> {
    #[derive(Deserialize)]
    struct LogEntry<'a> {
        #[serde(borrow)]
        formatted: Option<&'a RawValue>,
        #[serde(borrow)]
        message: Option<&'a RawValue>,
    }
    let from_entry = |errors: &mut Errors, name: &str, raw: Option<&RawValue>| -> Option<String> {
        let raw = raw.filter(|r| !is_null(r))?;
        if raw.get().trim_start().starts_with('"') {
            return string(errors, &name, Some(raw));
        }
        let entry = if is_object(raw) { serde_json::from_str::<LogEntry<'_>>(raw.get()).ok() } else { None };
        let Some(entry) = entry else {
            errors.invalid(&name, raw, "expected a log entry");
            return None;
        };
        string(errors, &format!("{name}.formatted"), entry.formatted)
            .or_else(|| string(errors, &format!("{name}.message"), entry.message))
    };
    let a = from_entry(errors, "logentry", logentry);
    let b = from_entry(errors, "message", message);
    a.or(b).filter(|m| !m.is_empty())
}

fn fingerprint(errors: &mut Errors, raw: Option<&RawValue>) -> Option<Vec<String>> {
    let raw = raw.filter(|r| !is_null(r))?;
    let parts = match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Some(s),
                Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
                _ => None,
            })
            .collect::<Option<Vec<String>>>(),
        _ => None,
    };
    if parts.is_none() {
        errors.invalid("fingerprint", raw, "expected an array of strings");
    }
    parts
}

/// Normalizes an event payload.
pub fn normalize(payload: &[u8]) -> Result<Event, NotAnEvent> {
    let first = payload.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        // Still tell invalid JSON from JSON of the wrong kind.
        return Err(match serde_json::from_slice::<serde::de::IgnoredAny>(payload) {
            Ok(_) => NotAnEvent::NotAnObject,
            Err(e) => NotAnEvent::InvalidJson(e.to_string()),
        });
    }
    // One pass over the payload when `exception` has the shape SDKs send (nearly always);
    // otherwise, or when the payload is not JSON, the careful pass, which finds every field's
    // problem on its own. Both give the same event for the same payload.
    match single_pass(payload) {
        Some(ev) => Ok(ev),
        None => careful(payload),
    }
}

fn single_pass(payload: &[u8]) -> Option<Event> {
    let top = serde_json::from_slice::<Top<'_, Obj<FastExceptions<'_>>>>(payload).ok()?;
    Some(event(top, fast_exceptions))
}

fn careful(payload: &[u8]) -> Result<Event, NotAnEvent> {
    let top: Top<'_, &RawValue> =
        serde_json::from_slice(payload).map_err(|e| NotAnEvent::InvalidJson(e.to_string()))?;
    Ok(event(top, exceptions))
}

fn event<X>(top: Top<'_, X>, exceptions: impl FnOnce(&mut Errors, Option<X>) -> Vec<Exception>) -> Event {
    let mut errors = Errors(Vec::new());
    let event_id = match string(&mut errors, "event_id", top.event_id) {
        Some(s) => {
            let id = event_id(&s);
            if id.is_none() {
                if let Some(raw) = top.event_id {
                    errors.invalid("event_id", raw, "invalid event id");
                }
            }
            id
        }
        None => None,
    };
    let bounded_opt = |s: Option<String>| s.filter(|s| !s.is_empty()).map(|s| bounded(s, MAX_VALUE_CHARS));
    let mut ev = Event {
        event_id,
        timestamp_ms: timestamp(&mut errors, top.timestamp),
        level: level(&mut errors, top.level),
        platform: string(&mut errors, "platform", top.platform),
        release: bounded_opt(lenient_string(&mut errors, "release", top.release)),
        environment: bounded_opt(string(&mut errors, "environment", top.environment)),
        message: None,
        exceptions: exceptions(&mut errors, top.exception),
        user: user(&mut errors, top.user),
        fingerprint: fingerprint(&mut errors, top.fingerprint),
        transaction: string(&mut errors, "transaction", top.transaction),
        errors: Vec::new(),
    };
    ev.message = message(&mut errors, top.logentry, top.message);
    ev.errors = errors.0;
    ev
}

impl Event {
    /// The grouping of this event (the shared core's algorithm).
    pub fn grouping(&self) -> group::Grouping {
        let input = GroupInput {
            fingerprint: self.fingerprint.clone(),
            exceptions: self
                .exceptions
                .iter()
                .map(|e| GroupException {
                    ty: e.ty.as_deref(),
                    value: e.value.as_deref(),
                    frames: e
                        .frames
                        .iter()
                        .map(|f| GroupFrame {
                            function: f.function.as_deref(),
                            module: f.module.as_deref(),
                            filename: f.filename.as_deref(),
                            abs_path: f.abs_path.as_deref(),
                            in_app: f.in_app,
                            instruction_addr: f.instruction_addr.as_deref(),
                        })
                        .collect(),
                })
                .collect(),
            message: self.message.as_deref(),
        };
        group::group(&input)
    }

    /// The issue title: `Type: value` of the last exception (the one that was thrown last),
    /// else the first line of the message, else `<unlabeled event>` (Sentry's words).
    pub fn title(&self) -> String {
        let title = match self.exceptions.last() {
            Some(e) => match (e.ty.as_deref(), e.value.as_deref().map(first_line)) {
                (Some(t), Some(v)) if !v.is_empty() => [t, ": ", v].concat(),
                (Some(t), _) => t.to_owned(),
                (None, Some(v)) if !v.is_empty() => v.to_owned(),
                _ => "<unknown error>".to_owned(),
            },
            None => match self.message.as_deref().map(first_line) {
                Some(m) if !m.is_empty() => m.to_owned(),
                _ => "<unlabeled event>".to_owned(),
            },
        };
        bounded(title, MAX_TITLE_CHARS)
    }

    /// Where it happened: `module-or-file in function` of the last exception's crash frame,
    /// else the `transaction`, else empty.
    pub fn culprit(&self) -> String {
        let frame = self.exceptions.last().and_then(|e| {
            let any_app = e.frames.iter().any(|f| f.in_app == Some(true));
            e.frames.iter().rev().find(|f| !any_app || f.in_app == Some(true))
        });
        let from_frame = frame.map(|f| {
            let place = f.module.as_deref().or(f.filename.as_deref()).or(f.abs_path.as_deref()).unwrap_or("?");
            match f.function.as_deref() {
                Some(func) => [place, " in ", func].concat(),
                None => place.to_owned(),
            }
        });
        bounded(from_frame.or_else(|| self.transaction.clone()).unwrap_or_default(), MAX_TITLE_CHARS)
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_fields_are_dropped_and_noted() -> Result<(), NotAnEvent> {
        let ev = normalize(
            br#"{"event_id":"not-a-uuid","level":"catastrophic","timestamp":"yesterday","platform":"javascript",
                 "exception":{"values":[{"type":"TypeError","value":"x","stacktrace":{"frames":[
                    {"function":"f","lineno":"ten","in_app":"yes"},"a string",{"function":"g","lineno":3}]}}]},
                 "user":{"id":42},"fingerprint":{"a":1},"release":"shop@1.0"}"#,
        )?;
        assert_eq!(ev.event_id, None);
        assert_eq!(ev.level, "error");
        assert_eq!(ev.timestamp_ms, None);
        assert_eq!(ev.release.as_deref(), Some("shop@1.0"));
        assert_eq!(ev.user.key().as_deref(), Some("id:42"));
        assert_eq!(ev.fingerprint, None);
        let frames = &ev.exceptions[0].frames;
        assert_eq!(frames.len(), 2);
        assert_eq!((frames[0].function.as_deref(), frames[0].lineno, frames[0].in_app), (Some("f"), None, None));
        assert_eq!(frames[1].lineno, Some(3));
        let names: Vec<&str> = ev.errors.iter().filter_map(|e| e["name"].as_str()).collect();
        assert_eq!(
            names,
            [
                "event_id",
                "timestamp",
                "level",
                "exception.values.0.stacktrace.frames.0.lineno",
                "exception.values.0.stacktrace.frames.0.in_app",
                "exception.values.0.stacktrace.frames.1",
                "fingerprint"
            ]
        );
        assert_eq!(ev.title(), "TypeError: x");
        Ok(())
    }

    #[test]
    fn the_single_pass_and_the_careful_pass_agree() -> Result<(), NotAnEvent> {
        let frames = r#"[{"function":"a","filename":"x.js","lineno":1,"colno":2,"in_app":true},
                         {"function":"b\u00e9\n","module":"m","abs_path":"http://h/x.js","instruction_addr":"0x1"},
                         {"function":null,"lineno":"ten","in_app":"yes","extra":{"k":[1,2]}}]"#;
        let payloads = [
            format!(
                r#"{{"exception":{{"values":[{{"type":"E","value":12,"stacktrace":{{"frames":{frames}}}}}]}},"level":"log"}}"#
            ),
            format!(
                r#"{{"exception":{{"values":[{{"type":"A"}},{{"type":"B","stacktrace":{{"frames":{frames}}}}}]}},"user":{{"id":1}}}}"#
            ),
            r#"{"exception":{"values":null},"message":"m"}"#.to_owned(),
            r#"{"exception":null,"sentry.interfaces.User":{"email":"e@x"}}"#.to_owned(),
            r#"{"exception":{"values":[{"type":"E","stacktrace":null}]}}"#.to_owned(),
            r#"{"exception":{"values":[{"type":"E","stacktrace":{"frames":null}}]},"fingerprint":["a",1]}"#.to_owned(),
            r#"{"sentry.interfaces.Exception":{"values":[{"type":7,"value":"v"}]}}"#.to_owned(),
            r#"{"event_id":"not-an-id","timestamp":"2026-11-23T21:27:49Z","release":"r\"1"}"#.to_owned(),
        ];
        for p in &payloads {
            let single = single_pass(p.as_bytes());
            assert!(single.is_some(), "single pass refused {p}");
            assert_eq!(single, Some(careful(p.as_bytes())?), "{p}");
        }
        // Shapes only the careful pass reads: it takes them, the single pass does not.
        for p in [
            r#"{"exception":[{"type":"E"}]}"#,
            r#"{"exception":{"values":[["E","v"]]}}"#,
            r#"{"exception":{"values":[{"type":"E","stacktrace":{"frames":[["f"],{"function":"g"}]}}]}}"#,
            r#"{"exception":{"values":[{"type":"E","stacktrace":[]}]}}"#,
            r#"{"exception":{"values":{"type":"E"}}}"#,
            r#"{"exception":"boom"}"#,
            r#"{"exception":{"values":[{"type":"E","type":"F"}]}}"#,
        ] {
            assert!(single_pass(p.as_bytes()).is_none(), "{p}");
            assert_eq!(normalize(p.as_bytes())?, careful(p.as_bytes())?, "{p}");
        }
        Ok(())
    }

    #[test]
    fn non_objects_are_not_events() {
        assert!(matches!(normalize(b"[1,2,3]"), Err(NotAnEvent::NotAnObject)));
        assert!(matches!(normalize(b"not json"), Err(NotAnEvent::InvalidJson(_))));
        assert!(matches!(normalize(b"{\"a\":"), Err(NotAnEvent::InvalidJson(_))));
        assert!(matches!(normalize(b"{\"message\":\"\xff\"}"), Err(NotAnEvent::InvalidJson(_))));
    }

    #[test]
    fn messages_titles_and_culprits() -> Result<(), NotAnEvent> {
        let ev =
            normalize(br#"{"logentry":{"formatted":"disk full\nmore"},"level":"warning","timestamp":1795469269.5}"#)?;
        assert_eq!(
            (ev.title().as_str(), ev.level.as_str(), ev.timestamp_ms),
            ("disk full", "warning", Some(1_795_469_269_500))
        );
        let ev = normalize(br#"{"message":"plain","timestamp":"2026-11-23T21:27:49.123Z"}"#)?;
        assert_eq!((ev.title().as_str(), ev.timestamp_ms), ("plain", Some(1_795_469_269_123)));
        let ev = normalize(
            br#"{"exception":{"values":[{"type":"ValueError","value":"bad","module":"m","stacktrace":{"frames":[
                {"function":"view","module":"app.views","in_app":true},{"function":"lib","module":"django.x","in_app":false}]}}]}}"#,
        )?;
        assert_eq!(ev.culprit(), "app.views in view");
        assert_eq!(normalize(b"{}")?.title(), "<unlabeled event>");
        Ok(())
    }
}
