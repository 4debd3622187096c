//! The lean wasm path's writer (issue 25): a capture goes from the description of the thrown
//! value to the envelope's bytes in one pass, into one buffer, with bounds applied while
//! writing. No event tree, no serde, no `core::fmt`, no generic helper per type: the host's
//! protocol types ([`crate::protocol`]) read what it writes in the tests, never the other way.

mod event;
pub mod images;
mod out;
/// The Rust API's scope and event pieces as fragments (the npm package's come from JavaScript).
pub mod rust;
pub mod scope;
mod spans;

pub use event::{write_envelope, Capture, Exc, Written, EVENT_ID_AT};
pub use out::Out;
