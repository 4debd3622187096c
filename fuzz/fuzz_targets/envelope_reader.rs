#![no_main]
//! Fuzz target `envelope_reader`: see fuzz/checks.rs.
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::envelope_reader(data);
});
