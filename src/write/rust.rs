//! The pieces of a Rust API event that JavaScript writes for the npm package's: the panic's
//! crash frame and `panic` context, a `source()` chain's mechanisms, the `sdk` object. Pure, so
//! that the host tests write the same envelopes as a Rust app's module and run them through
//! Relay (`tests/lean_envelope.rs`).

use super::out::Out;

/// A panic's `file:line:col` as its crash frame (a frame object) and as its `panic` context
/// (a `"panic":{…}` member).
pub fn panic_location(file: &str, line: u32, column: u32, in_app: bool) -> (Vec<u8>, Vec<u8>) {
    let mut frame = Out::new(usize::MAX);
    frame.byte(b'{');
    frame.field("filename", file.as_bytes(), usize::MAX);
    frame.field("abs_path", file.as_bytes(), usize::MAX);
    frame.key("lineno");
    frame.num(line.into());
    frame.key("colno");
    frame.num(column.into());
    frame.key("in_app");
    frame.raw(if in_app { b"true}" } else { b"false}" });
    let mut context = Out::new(usize::MAX);
    context.raw(b"\"panic\":{\"column\":");
    context.num(column.into());
    context.field("file", file.as_bytes(), usize::MAX);
    context.key("line");
    context.num(line.into());
    context.byte(b'}');
    (frame.into_bytes(), context.into_bytes())
}

/// The mechanism of the `i`th error of a `source()` chain (0: the error captured), as
/// Sentry's `linkedErrors` writes them: the captured one `generic` and handled, each source
/// `chained` to the one before.
pub fn chain_mechanism(i: u64, linked: bool) -> Vec<u8> {
    let mut m = Out::new(usize::MAX);
    if i == 0 {
        m.raw(b"{\"type\":\"generic\",\"handled\":true");
    } else {
        m.raw(b"{\"type\":\"chained\",\"source\":\"cause\",\"parent_id\":");
        m.num(i - 1);
    }
    if linked {
        m.raw(b",\"exception_id\":");
        m.num(i);
    }
    m.byte(b'}');
    m.into_bytes()
}

/// The `sdk` object of the Rust API's events.
pub fn sdk(send_default_pii: bool) -> Vec<u8> {
    let version = crate::protocol::SDK_VERSION.as_bytes();
    let mut sdk = Out::new(usize::MAX);
    sdk.raw(b"{\"name\":\"errorbeacon.rust\",\"version\":\"");
    sdk.raw(version);
    sdk.raw(b"\",\"packages\":[{\"name\":\"cargo:errorbeacon\",\"version\":\"");
    sdk.raw(version);
    sdk.raw(b"\"}],\"settings\":{\"infer_ip\":\"");
    sdk.raw(if send_default_pii { b"auto" } else { b"never" });
    sdk.raw(b"\"}}");
    sdk.into_bytes()
}
