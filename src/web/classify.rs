//! The one boundary: any thrown JavaScript value becomes the core's [`Thrown`] description.
//! Every property is read through the defensive accessors of `js/bridge.js`, so a Proxy whose
//! traps throw, a throwing getter or `toString`, or a cyclic `cause` cannot escape as an
//! exception or recurse without end. Past this module no code sees a `JsValue`.

use crate::capture::{ErrorLike, Primitive, Thrown};
use crate::limits::{MAX_EXTRA_BREADTH, MAX_EXTRA_DEPTH, MAX_LINKED_ERRORS, MAX_STACK_BYTES, MAX_VALUE_CHARS};
use crate::protocol::{Map, Value};
use wasm_bindgen::prelude::*;

// The glue lands in pkg/wasm/ and is always bundled from there by esbuild (scripts/build-pkg.sh),
// so this relative path is the same js/bridge.js module that api.js imports: one module, one
// `host` object. (`module = "/js/bridge.js"` would make wasm-bindgen ship a second copy.)
#[wasm_bindgen(raw_module = "../../js/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = ebKind)]
    fn kind(v: &JsValue) -> u32;
    #[wasm_bindgen(js_name = ebGet)]
    fn get(v: &JsValue, key: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = ebGetString)]
    fn get_string(v: &JsValue, key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = ebString)]
    fn string(v: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = ebKeys)]
    fn keys(v: &JsValue, max: u32) -> Vec<String>;
    #[wasm_bindgen(js_name = ebClassName)]
    fn class_name(v: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = ebLen)]
    fn len(v: &JsValue) -> u32;
    #[wasm_bindgen(js_name = ebIsArray)]
    fn is_array(v: &JsValue) -> bool;
    #[wasm_bindgen(js_name = ebTypeof)]
    fn type_of(v: &JsValue) -> String;
    #[wasm_bindgen(js_name = ebErrorLoad)]
    fn error_load(v: &JsValue, max_text: u32, max_stack: u32) -> u32;
    #[wasm_bindgen(js_name = ebErrorTake)]
    fn error_take(buf: &mut [u8]);
    #[wasm_bindgen(js_name = ebErrorCause)]
    fn error_cause() -> JsValue;
    #[wasm_bindgen(js_name = ebErrorErrors)]
    fn error_errors() -> JsValue;
}

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
pub(crate) fn classify(value: &JsValue) -> Thrown {
    let mut seen = Vec::new();
    classify_at(value, &mut seen)
}

fn classify_at(value: &JsValue, seen: &mut Vec<JsValue>) -> Thrown {
    match kind(value) {
        K_NULL => Thrown::Primitive(Primitive::Null),
        K_PRIMITIVE => Thrown::Primitive(primitive(value)),
        K_FUNCTION => Thrown::Function { name: get_string(value, "name").filter(|n| !n.is_empty()) },
        K_ERROR => error(value, seen),
        K_ERROR_EVENT => {
            let inner = get(value, &"error".into());
            if kind(&inner) == K_ERROR {
                return error(&inner, seen);
            }
            let number =
                |k: &str| get(value, &k.into()).as_f64().filter(|n| n.is_finite() && *n >= 0.0).map(|n| n as u32);
            Thrown::ErrorEvent {
                message: get_string(value, "message").map(bounded),
                filename: get_string(value, "filename").map(bounded),
                lineno: number("lineno"),
                colno: number("colno"),
            }
        }
        K_REJECTION => classify_at(&get(value, &"reason".into()), seen),
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

fn primitive(v: &JsValue) -> Primitive {
    if let Some(s) = v.as_string() {
        return Primitive::String(bounded(s));
    }
    if let Some(b) = v.as_bool() {
        return Primitive::Boolean(b);
    }
    if v.is_undefined() {
        return Primitive::Undefined;
    }
    match type_of(v).as_str() {
        "number" => Primitive::Number(string(v).unwrap_or_default()),
        "bigint" => Primitive::BigInt(string(v).unwrap_or_default()),
        "symbol" => Primitive::Symbol(get_string(v, "description")),
        _ => Primitive::String(string(v).map(bounded).unwrap_or_default()),
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

fn read_error(v: &JsValue) -> ErrorFields {
    // UTF-16 units: a name or message is cut by `bounded` at MAX_VALUE_CHARS characters anyway,
    // and a stack at MAX_STACK_BYTES bytes, which no more units than that can exceed.
    let units = error_load(v, (MAX_VALUE_CHARS * 4) as u32 + 1, MAX_STACK_BYTES as u32) as usize;
    let mut buf = vec![0u8; TAKE_HEADER + units.saturating_mul(3)];
    error_take(&mut buf);
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
        // `encodeInto` writes valid UTF-8: the checked conversion is the fast one.
        *slot = buf.get(at..end).map(|b| {
            String::from_utf8(b.to_vec()).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        });
        at = end;
    }
    ErrorFields { texts, has_cause: word(4) != 0, errors: word(5) }
}

fn error(v: &JsValue, seen: &mut Vec<JsValue>) -> Thrown {
    if seen.iter().any(|s| s == v) {
        return Thrown::Circular;
    }
    seen.push(v.clone());
    let ErrorFields { texts: [class, name, message, stack], has_cause, errors } = read_error(v);
    // Taken now: classifying the cause reads another error over these.
    let cause = if has_cause { error_cause() } else { JsValue::UNDEFINED };
    let errors_value = if errors > 0 { error_errors() } else { JsValue::UNDEFINED };
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
        e.dom_code = get(v, &"code".into()).as_f64().filter(|c| c.is_finite() && *c >= 0.0).map(|c| c as u32);
    }
    // Only as deep as linked errors are kept (plus one to know there was more).
    if seen.len() <= MAX_LINKED_ERRORS + 1 {
        if has_cause {
            e.cause = Some(Box::new(classify_at(&cause, seen)));
        }
        let n = errors.min(MAX_LINKED_ERRORS as u32 + 1);
        for i in 0..n {
            e.errors.push(classify_at(&get(&errors_value, &JsValue::from(i)), seen));
        }
    }
    Thrown::Error(e)
}

fn object(v: &JsValue) -> Thrown {
    let keys = keys(v, MAX_EXTRA_BREADTH as u32);
    let value = to_value(v, 0);
    Thrown::Object { class: class_name(v).filter(|c| c != "Object"), keys, value }
}

/// A bounded copy of a JavaScript value as data (for thrown objects, `setExtra`, `setContext`).
pub(crate) fn to_value(v: &JsValue, depth: usize) -> Value {
    match kind(v) {
        K_NULL => Value::Null,
        K_PRIMITIVE => {
            if let Some(s) = v.as_string() {
                return Value::String(bounded(s));
            }
            if let Some(b) = v.as_bool() {
                return Value::Bool(b);
            }
            if let Some(n) = v.as_f64() {
                if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
                    return Value::Int(n as i64);
                }
                return Value::Float(string(v).unwrap_or_default());
            }
            if v.is_undefined() {
                return Value::String("[undefined]".into());
            }
            Value::String(string(v).map(bounded).unwrap_or_default())
        }
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
            if is_array(v) {
                let n = len(v).min(MAX_EXTRA_BREADTH as u32);
                return Value::Array((0..n).map(|i| to_value(&get(v, &JsValue::from(i)), depth + 1)).collect());
            }
            let mut m = Map::new();
            for k in keys(v, MAX_EXTRA_BREADTH as u32) {
                let x = get(v, &JsValue::from(k.as_str()));
                m.insert(k, to_value(&x, depth + 1));
            }
            Value::Object(m)
        }
        _ => Value::String("[unreadable]".into()),
    }
}

fn format_function(v: &JsValue) -> String {
    match get_string(v, "name").filter(|n| !n.is_empty()) {
        Some(n) => ["[Function: ", &n, "]"].concat(),
        None => "[Function]".into(),
    }
}
