//! The wasm binding: the only code that talks to JavaScript.
//!
//! Every wasm build has the Rust API (`rust_api`), the panic hook (`panic`) and the few host
//! calls they need (`host`, shipped inside the module's own package). The npm package adds,
//! behind the `npm` feature, the JS-facing exports: the boundary that classifies any thrown
//! value (`classify`), the SDK exports (`sdk`) and `parseStack`'s shared buffers
//! (`parse_export`), which reach `js/bridge.js`.

mod host;
mod panic;
pub(crate) mod rust_api;

#[cfg(feature = "npm")]
mod classify;
#[cfg(feature = "npm")]
mod parse_export;
#[cfg(feature = "npm")]
mod sdk;

#[cfg(test)]
mod tests;
