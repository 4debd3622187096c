//! The classifier's accessors in the binding's wasm-bindgen tests: the same js/bridge.js
//! functions the module's glue (js/glue.js) calls, over a table of `JsValue`s indexed as the
//! glue indexes its own, so that src/web/classify.rs runs unchanged in real engines.

use std::cell::RefCell;
use wasm_bindgen::prelude::*;

use super::classify::{P_FALSE, P_NUMBER, P_STRING, P_TRUE, P_UNDEFINED, TEXT_STRING, TEXT_STRINGIFY, TEXT_TYPEOF};

pub(crate) type Val = u32;

/// Any other value (what js/glue.js answers past `P_UNDEFINED`).
const P_OTHER: u32 = 5;

#[wasm_bindgen(raw_module = "../../js/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = ebKind)]
    fn eb_kind(v: &JsValue) -> u32;
    #[wasm_bindgen(js_name = ebGet)]
    fn eb_get(v: &JsValue, key: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = ebString)]
    fn eb_string(v: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = ebKeys)]
    fn eb_keys(v: &JsValue, max: u32) -> Vec<String>;
    #[wasm_bindgen(js_name = ebClassName)]
    fn eb_class_name(v: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = ebLen)]
    fn eb_len(v: &JsValue) -> u32;
    #[wasm_bindgen(js_name = ebIsArray)]
    fn eb_is_array(v: &JsValue) -> bool;
    #[wasm_bindgen(js_name = ebTypeof)]
    fn eb_typeof(v: &JsValue) -> String;
    #[wasm_bindgen(js_name = ebErrorLoad)]
    fn eb_error_load(v: &JsValue, max_text: u32, max_stack: u32) -> u32;
    #[wasm_bindgen(js_name = ebErrorTake)]
    fn eb_error_take(buf: &mut [u8]);
    #[wasm_bindgen(js_name = ebErrorCause)]
    fn eb_error_cause() -> JsValue;
    #[wasm_bindgen(js_name = ebErrorErrors)]
    fn eb_error_errors() -> JsValue;
}

thread_local! {
    static TABLE: RefCell<Vec<JsValue>> = const { RefCell::new(Vec::new()) };
}

/// Puts `v` in the table.
pub(crate) fn val(v: JsValue) -> Val {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        t.push(v);
        (t.len() - 1) as Val
    })
}

fn of(v: Val) -> JsValue {
    TABLE.with(|t| t.borrow().get(v as usize).cloned().unwrap_or(JsValue::UNDEFINED))
}

pub(crate) fn kind(v: Val) -> u32 {
    eb_kind(&of(v))
}

pub(crate) fn get(v: Val, key: &str) -> Val {
    val(eb_get(&of(v), &key.into()))
}

pub(crate) fn at(v: Val, i: u32) -> Val {
    val(eb_get(&of(v), &i.into()))
}

pub(crate) fn text(v: Val, how: u32) -> Option<String> {
    let v = of(v);
    match how {
        TEXT_STRING => v.as_string(),
        TEXT_STRINGIFY => eb_string(&v),
        TEXT_TYPEOF => Some(eb_typeof(&v)),
        _ => eb_class_name(&v),
    }
}

pub(crate) fn prim(v: Val) -> u32 {
    let v = of(v);
    if v.as_string().is_some() {
        P_STRING
    } else if let Some(b) = v.as_bool() {
        if b {
            P_TRUE
        } else {
            P_FALSE
        }
    } else if v.as_f64().is_some() {
        P_NUMBER
    } else if v.is_undefined() {
        P_UNDEFINED
    } else {
        P_OTHER
    }
}

pub(crate) fn num(v: Val) -> Option<f64> {
    of(v).as_f64()
}

pub(crate) fn len(v: Val) -> u32 {
    eb_len(&of(v))
}

pub(crate) fn is_array(v: Val) -> bool {
    eb_is_array(&of(v))
}

pub(crate) fn keys(v: Val, max: u32) -> Vec<String> {
    eb_keys(&of(v), max)
}

pub(crate) fn same(a: Val, b: Val) -> bool {
    of(a) == of(b)
}

pub(crate) fn error_load(v: Val, max_text: u32, max_stack: u32) -> u32 {
    eb_error_load(&of(v), max_text, max_stack)
}

pub(crate) fn error_take(buf: &mut [u8]) {
    eb_error_take(buf)
}

pub(crate) fn error_cause() -> Val {
    val(eb_error_cause())
}

pub(crate) fn error_errors() -> Val {
    val(eb_error_errors())
}
