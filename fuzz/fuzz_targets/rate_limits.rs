#![no_main]
//! Fuzz target `rate_limits`: see fuzz/checks.rs.
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::rate_limits(data);
});
