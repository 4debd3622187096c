//! The wasm binding: the only code that talks to JavaScript.
//!
//! A Rust app's module (no `npm` feature) gets the Rust API (`rust_api`), the panic hook
//! (`panic`) and the few host calls they need (`host`, shipped inside the app's own package by
//! wasm-bindgen). The npm package's module has no wasm-bindgen: its exports (`exports`: capture,
//! parseStack, the module registry; `delivery`: the flat delivery policy) take and give bytes
//! in linear memory, handed over by js/boundary.js and js/client.js, with memory from a bump
//! arena (`arena`) emptied per call.

#[cfg(not(feature = "npm"))]
mod host;
#[cfg(not(feature = "npm"))]
mod panic;
#[cfg(all(feature = "worker", not(feature = "npm")))]
pub(crate) mod request;
#[cfg(not(feature = "npm"))]
pub(crate) mod rust_api;

#[cfg(all(feature = "npm", not(test)))]
mod arena;
#[cfg(all(feature = "npm", not(test)))]
mod delivery;
#[cfg(all(feature = "npm", not(test)))]
mod exports;

#[cfg(all(test, not(feature = "npm")))]
mod tests;

/// 16 random bytes (for event ids) from `random`, a source like `Math.random()`.
#[cfg(not(feature = "npm"))]
pub(crate) fn random_bytes_from(random: fn() -> f64) -> [u8; 16] {
    let mut out = [0u8; 16];
    for chunk in out.chunks_mut(4) {
        let n = (random() * 4_294_967_296.0) as u32;
        chunk.copy_from_slice(&n.to_le_bytes());
    }
    out
}
