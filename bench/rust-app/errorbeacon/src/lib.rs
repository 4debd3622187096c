//! The same app with errorbeacon: `init` with a DSN, and its panics become Sentry events.
use wasm_bindgen::prelude::*;

/// Starts the app: errorbeacon reports its panics to `dsn`.
#[wasm_bindgen]
pub fn start(dsn: &str) {
    let guard = errorbeacon::init(errorbeacon::Options { dsn: dsn.parse().ok(), ..Default::default() });
    // Kept for the app's lifetime.
    std::mem::forget(guard);
}

/// Doubles the cart's item count; panics past three items.
#[wasm_bindgen]
pub fn total(items: u32) -> u32 {
    if items > 3 {
        panic!("cart holds {items} items, more than the 3 allowed");
    }
    items * 2
}
