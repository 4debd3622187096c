//! The one boundary: any thrown JavaScript value becomes the core's [`Thrown`] description.
//! Every property is read through the defensive accessors of `js/bridge.js`, so a Proxy whose
//! traps throw, a throwing getter or `toString`, or a cyclic `cause` cannot escape as an
//! exception or recurse without end. Past this module no code sees a JavaScript value.

use crate::capture::{ErrorLike, Primitive, Thrown};
use crate::limits::{MAX_EXTRA_BREADTH, MAX_EXTRA_DEPTH, MAX_LINKED_ERRORS, MAX_STACK_BYTES, MAX_VALUE_CHARS};
use crate::protocol::{Map, Value};
// The values' accessors: the hand-written boundary in the module, a table of `JsValue`s over
// the same js/bridge.js functions in the binding's wasm-bindgen tests.
#[cfg(not(test))]
use super::abi::{self as js, Val};
#[cfg(test)]
use super::test_values::{self as js, Val};
use js::{get, kind};

/// `v[key]` when it is a string.
pub(crate) fn get_string(v: Val, key: &str) -> Option<String> {
    js::text(get(v, key), TEXT_STRING)
}

/// How `js::text` reads a value: must match `text` in js/glue.js.
pub(crate) const TEXT_STRING: u32 = 0;
pub(crate) const TEXT_STRINGIFY: u32 = 1;
pub(crate) const TEXT_TYPEOF: u32 = 2;
pub(crate) const TEXT_CLASS: u32 = 3;

/// What `js::prim` answers: must match `prim` in js/glue.js.
pub(crate) const P_STRING: u32 = 0;
pub(crate) const P_FALSE: u32 = 1;
pub(crate) const P_TRUE: u32 = 2;
pub(crate) const P_NUMBER: u32 = 3;
pub(crate) const P_UNDEFINED: u32 = 4;

// Must match the constants in js/bridge.js.
const K_PRIMITIVE: u32 = 0;
const K_NULL: u32 = 1;
const K_ERROR: u32 = 2;
const K_ERROR_EVENT: u32 = 3;
const K_REJECTION: u32 = 4;
const K_FUNCTION: u32 = 5;
const K_OBJECT: u32 = 6;

/// Classifies a thrown value. `ErrorEvent`s without a usable `.error` keep their own fields;
/// `PromiseRejectionEvent`s are classified by their `reason`.
pub(crate) fn classify(value: Val) -> Thrown {
    let mut seen = Vec::new();
    classify_at(value, &mut seen)
}

/// `PromiseRejectionEvent`s unwrapped (to their `reason`) before the value is given up as
/// unreadable: a real event holds the rejected value, but a subclass's `reason` getter or a
/// Proxy can hand back another event, or itself, without end.
const MAX_NESTED_REJECTIONS: usize = 8;

fn classify_at(mut value: Val, seen: &mut Vec<Val>) -> Thrown {
    let mut k = kind(value);
    let mut unwrapped = 0;
    while k == K_REJECTION {
        if unwrapped == MAX_NESTED_REJECTIONS {
            return Thrown::Unreadable { reason: "rejection events nested too deep".into() };
        }
        value = get(value, "reason");
        k = kind(value);
        unwrapped += 1;
    }
    match k {
        K_NULL => Thrown::Primitive(Primitive::Null),
        K_PRIMITIVE => Thrown::Primitive(primitive(value)),
        K_FUNCTION => Thrown::Function { name: get_string(value, "name").filter(|n| !n.is_empty()) },
        K_ERROR => error(value, seen),
        K_ERROR_EVENT => {
            let inner = get(value, "error");
            if kind(inner) == K_ERROR {
                return error(inner, seen);
            }
            let number = |k: &str| js::num(get(value, k)).filter(|n| n.is_finite() && *n >= 0.0).map(|n| n as u32);
            Thrown::ErrorEvent {
                message: get_string(value, "message").map(bounded),
                filename: get_string(value, "filename").map(bounded),
                lineno: number("lineno"),
                colno: number("colno"),
            }
        }
        K_OBJECT => object(value),
        _ => Thrown::Unreadable { reason: "reading the value threw".into() },
    }
}

/// Long strings are cut before they cross into the core, so a 5 MB message costs one copy of
/// the bound, not of the message.
fn bounded(s: String) -> String {
    if s.len() <= MAX_VALUE_CHARS * 4 {
        return s;
    }
    crate::text::truncate_chars(&s, MAX_VALUE_CHARS)
}

fn primitive(v: Val) -> Primitive {
    let string = || js::text(v, TEXT_STRINGIFY);
    match js::prim(v) {
        P_STRING => Primitive::String(js::text(v, TEXT_STRING).map(bounded).unwrap_or_default()),
        P_FALSE => Primitive::Boolean(false),
        P_TRUE => Primitive::Boolean(true),
        P_UNDEFINED => Primitive::Undefined,
        _ => match js::text(v, TEXT_TYPEOF).as_deref() {
            Some("number") => Primitive::Number(string().unwrap_or_default()),
            Some("bigint") => Primitive::BigInt(string().unwrap_or_default()),
            Some("symbol") => Primitive::Symbol(get_string(v, "description")),
            _ => Primitive::String(string().map(bounded).unwrap_or_default()),
        },
    }
}

/// The header [`error_take`] writes before the texts: four byte lengths, cause flag, errors length.
const TAKE_HEADER: usize = 24;

/// An Error's texts and links, read in two crossings (see `ebErrorLoad` in js/bridge.js).
struct ErrorFields {
    texts: [Option<String>; 4],
    has_cause: bool,
    errors: u32,
}

fn read_error(v: Val) -> ErrorFields {
    // UTF-16 units: a name or message is cut by `bounded` at MAX_VALUE_CHARS characters anyway,
    // and a stack at MAX_STACK_BYTES bytes, which no more units than that can exceed.
    let units = js::error_load(v, (MAX_VALUE_CHARS * 4) as u32 + 1, MAX_STACK_BYTES as u32) as usize;
    let mut buf = vec![0u8; TAKE_HEADER + units.saturating_mul(3)];
    js::error_take(&mut buf);
    let word = |i: usize| {
        let b = buf.get(i * 4..i * 4 + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).unwrap_or_default();
        u32::from_le_bytes(b)
    };
    let mut at = TAKE_HEADER;
    let mut texts: [Option<String>; 4] = Default::default();
    for (i, slot) in texts.iter_mut().enumerate() {
        let n = word(i);
        if n == u32::MAX {
            continue;
        }
        let end = at.saturating_add(n as usize);
        // `encodeInto` writes valid UTF-8 (lone surrogates become U+FFFD): the check never fails
        // but is kept, as in every text the boundary takes (`abi::take`).
        *slot = buf.get(at..end).and_then(|b| String::from_utf8(b.to_vec()).ok());
        at = end;
    }
    ErrorFields { texts, has_cause: word(4) != 0, errors: word(5) }
}

fn error(v: Val, seen: &mut Vec<Val>) -> Thrown {
    if seen.iter().any(|s| js::same(*s, v)) {
        return Thrown::Circular;
    }
    seen.push(v);
    let ErrorFields { texts: [class, name, message, stack], has_cause, errors } = read_error(v);
    // Taken now: classifying the cause reads another error over these.
    let cause = has_cause.then(js::error_cause);
    let errors_value = (errors > 0).then(js::error_errors);
    let mut e = ErrorLike {
        class,
        name: name.map(bounded),
        message: message.map(bounded),
        stack: stack.map(|s| match crate::stack::truncate_at_char_boundary(&s, MAX_STACK_BYTES) {
            t if t.len() == s.len() => s,
            t => t.to_owned(),
        }),
        dom_code: None,
        cause: None,
        errors: Vec::new(),
    };
    if e.class.as_deref() == Some("DOMException") {
        e.dom_code = js::num(get(v, "code")).filter(|c| c.is_finite() && *c >= 0.0).map(|c| c as u32);
    }
    // Only as deep as linked errors are kept (plus one to know there was more).
    if seen.len() <= MAX_LINKED_ERRORS + 1 {
        if let Some(cause) = cause {
            e.cause = Some(Box::new(classify_at(cause, seen)));
        }
        if let Some(list) = errors_value {
            for i in 0..errors.min(MAX_LINKED_ERRORS as u32 + 1) {
                e.errors.push(classify_at(js::at(list, i), seen));
            }
        }
    }
    Thrown::Error(e)
}

fn object(v: Val) -> Thrown {
    let keys = js::keys(v, MAX_EXTRA_BREADTH as u32);
    let value = to_value(v, 0);
    Thrown::Object { class: js::text(v, TEXT_CLASS).filter(|c| c != "Object"), keys, value }
}

/// A bounded copy of a JavaScript value as data (for thrown objects, `setExtra`, `setContext`).
pub(crate) fn to_value(v: Val, depth: usize) -> Value {
    match kind(v) {
        K_NULL => Value::Null,
        K_PRIMITIVE => match js::prim(v) {
            P_STRING => Value::String(js::text(v, TEXT_STRING).map(bounded).unwrap_or_default()),
            P_FALSE => Value::Bool(false),
            P_TRUE => Value::Bool(true),
            P_NUMBER => match js::num(v) {
                Some(n) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => Value::Int(n as i64),
                _ => Value::Float(js::text(v, TEXT_STRINGIFY).unwrap_or_default()),
            },
            P_UNDEFINED => Value::String("[undefined]".into()),
            _ => Value::String(js::text(v, TEXT_STRINGIFY).map(bounded).unwrap_or_default()),
        },
        K_FUNCTION => Value::String(format_function(v)),
        K_ERROR | K_OBJECT | K_ERROR_EVENT | K_REJECTION if depth >= MAX_EXTRA_DEPTH => {
            Value::String("[Object]".into())
        }
        K_ERROR => {
            let mut m = Map::new();
            for k in ["name", "message", "stack"] {
                if let Some(s) = get_string(v, k) {
                    m.insert(k.into(), Value::String(bounded(s)));
                }
            }
            Value::Object(m)
        }
        K_OBJECT | K_ERROR_EVENT | K_REJECTION => {
            if js::is_array(v) {
                let n = js::len(v).min(MAX_EXTRA_BREADTH as u32);
                let mut items = Vec::new();
                for i in 0..n {
                    items.push(to_value(js::at(v, i), depth + 1));
                }
                return Value::Array(items);
            }
            let mut m = Map::new();
            for k in js::keys(v, MAX_EXTRA_BREADTH as u32) {
                let x = get(v, &k);
                m.insert(k, to_value(x, depth + 1));
            }
            Value::Object(m)
        }
        _ => Value::String("[unreadable]".into()),
    }
}

fn format_function(v: Val) -> String {
    match get_string(v, "name").filter(|n| !n.is_empty()) {
        Some(n) => ["[Function: ", &n, "]"].concat(),
        None => "[Function]".into(),
    }
}
