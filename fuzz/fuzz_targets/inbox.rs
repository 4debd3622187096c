#![no_main]
//! Fuzz target `inbox`: see fuzz/inbox_check.rs.
#[path = "../inbox_check.rs"]
mod inbox_check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    inbox_check::inbox(data);
});
