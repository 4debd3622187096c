//! The same app with console_error_panic_hook: panics reach the console, nowhere else.
use wasm_bindgen::prelude::*;

/// Starts the app.
#[wasm_bindgen]
pub fn start(_dsn: &str) {
    console_error_panic_hook::set_once();
}

/// Doubles the cart's item count; panics past three items.
#[wasm_bindgen]
pub fn total(items: u32) -> u32 {
    if items > 3 {
        panic!("cart holds {items} items, more than the 3 allowed");
    }
    items * 2
}
