//! The wasm binding: the only code that talks to JavaScript.
//!
//! Today it exports the stack parser. Frames go back to JavaScript as a table of numbers in
//! linear memory: offsets (in UTF-16 units) into the very string JavaScript passed in, plus
//! line, column, address and flags. The JS glue builds frame objects with `slice`, which is
//! much cheaper than crossing the boundary once per string.

mod classify;
mod parse_export;
mod sdk;
