//! The wasm binding: the only code that talks to JavaScript.
//!
//! A Rust app's module (no `npm` feature) gets the Rust API (`rust_api`), the panic hook
//! (`panic`) and the few host calls they need (`host`, shipped inside the app's own package by
//! wasm-bindgen). The npm package's module has no wasm-bindgen: its exports and imports are the
//! hand-written boundary of `abi` with js/glue.js, which carries the classifier of thrown
//! values (`classify`), the SDK exports (`sdk`) and `parseStack`'s shared buffers
//! (`parse_export`). Its wasm-bindgen tests run the classifier over `test_values` instead.

#[cfg(not(any(feature = "npm", feature = "lean")))]
mod host;
#[cfg(not(any(feature = "npm", feature = "lean")))]
mod panic;
#[cfg(not(any(feature = "npm", feature = "lean")))]
pub(crate) mod rust_api;

// The lean npm module (issue 25), built beside the current one until it replaces it.
#[cfg(all(feature = "lean", not(test)))]
mod arena;
#[cfg(all(feature = "lean", not(test)))]
mod lean;
#[cfg(all(feature = "lean", not(test)))]
mod lean_delivery;

#[cfg(all(feature = "npm", not(test)))]
mod abi;
#[cfg(feature = "npm")]
mod classify;
#[cfg(all(feature = "npm", not(test)))]
mod parse_export;
#[cfg(all(feature = "npm", not(test)))]
mod sdk;
#[cfg(all(feature = "npm", test))]
mod test_values;

#[cfg(test)]
mod tests;

/// 16 random bytes (for event ids) from `random`, a source like `Math.random()`. (Unused by the
/// npm module's wasm-bindgen tests, which build neither `abi` nor `host`.)
#[cfg_attr(any(all(feature = "npm", test), feature = "lean"), allow(dead_code))]
pub(crate) fn random_bytes_from(random: fn() -> f64) -> [u8; 16] {
    let mut out = [0u8; 16];
    for chunk in out.chunks_mut(4) {
        let n = (random() * 4_294_967_296.0) as u32;
        chunk.copy_from_slice(&n.to_le_bytes());
    }
    out
}
