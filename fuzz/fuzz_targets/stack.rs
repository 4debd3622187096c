#![no_main]
//! Fuzz target `stack`: see fuzz/checks.rs.
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::stack(data, &|| Some(errorbeacon::take_scanned_bytes()));
});
