//! A Rust-wasm app that reports its panics and errors with errorbeacon's Rust API.
//!
//! `start` initializes errorbeacon once; `checkout` panics three calls deep, and the panic
//! arrives as a fatal event with the message, its `file:line:col` and the wasm frames;
//! `validate` reports an error with its `source()` chain. (A wasm-only crate: on other targets
//! it is empty, so that `cargo test --workspace` on the host still builds.)
#![cfg(target_arch = "wasm32")]

use std::fmt;
use wasm_bindgen::prelude::*;

/// Starts errorbeacon; keep the guard for the app's lifetime.
#[wasm_bindgen]
pub fn start(dsn: &str) {
    let guard = errorbeacon::init(errorbeacon::Options {
        dsn: dsn.parse().ok(),
        release: Some("panic-app@1.0.0".into()),
        ..Default::default()
    });
    std::mem::forget(guard);
    errorbeacon::configure_scope(|scope| scope.set_tag("app", "panic-app"));
}

/// Panics three calls deep.
#[wasm_bindgen]
pub fn checkout(items: u32) -> u32 {
    reserve_stock(items)
}

#[inline(never)]
fn reserve_stock(items: u32) -> u32 {
    charge_card(items) + 1
}

#[inline(never)]
fn charge_card(items: u32) -> u32 {
    compute_total(items) + 1
}

#[inline(never)]
fn compute_total(items: u32) -> u32 {
    if items > 3 {
        panic!("cart holds {items} items, more than the 3 allowed");
    }
    items
}

#[derive(Debug)]
struct ValidationError {
    field: &'static str,
    source: ParseFailure,
}

#[derive(Debug)]
struct ParseFailure(String);

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field {} is invalid", self.field)
    }
}

impl std::error::Error for ValidationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not parse {:?}", self.0)
    }
}

impl std::error::Error for ParseFailure {}

/// Reports an error with a `source()` chain; returns its event id.
#[wasm_bindgen]
pub fn validate(input: &str) -> String {
    let err = ValidationError { field: "quantity", source: ParseFailure(input.to_owned()) };
    errorbeacon::capture_error(&err).to_hex()
}

#[wasm_bindgen]
extern "C" {
    /// A JavaScript function handed to the app.
    pub type Callback;
    #[wasm_bindgen(method, catch, js_name = call)]
    fn call(this: &Callback, receiver: &JsValue) -> Result<JsValue, JsValue>;
}

/// Calls `callback` two Rust calls deep; what it throws comes back out through the wasm
/// frames (so its stack holds them).
#[wasm_bindgen]
pub fn run_callback(callback: &Callback) -> Result<(), JsValue> {
    outer_step(callback)
}

#[inline(never)]
fn outer_step(callback: &Callback) -> Result<(), JsValue> {
    inner_step(callback)
}

#[inline(never)]
fn inner_step(callback: &Callback) -> Result<(), JsValue> {
    callback.call(&JsValue::NULL).map(|_| ())
}
