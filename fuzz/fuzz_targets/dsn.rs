#![no_main]
//! Fuzz target `dsn`: see fuzz/checks.rs.
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::dsn(data);
});
