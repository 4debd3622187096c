//! The pieces of a Rust API event that JavaScript writes for the npm package's: the panic's
//! crash frame and `panic` context, a `source()` chain's mechanisms, the `sdk` object. Pure, so
//! that the host tests write the same envelopes as a Rust app's module and run them through
//! Relay (`tests/lean_envelope.rs`).

use super::out::Out;

/// A panic's `file:line:col` as its crash frame (a frame object; in-app unless the file is the
/// standard library's or a dependency's) and as its `panic` context (a `"panic":{…}` member).
pub fn panic_location(file: &str, line: u32, column: u32) -> (Vec<u8>, Vec<u8>) {
    let in_app = !crate::stack::is_library_source(file);
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
/// Sentry's `linkedErrors` writes them: the captured one of type `ty` (`generic` for
/// `capture_error`, handled; `cloudflare` for what a request's handler returned, unhandled),
/// each source `chained` to the one before.
pub fn chain_mechanism(i: u64, linked: bool, ty: &str, handled: bool) -> Vec<u8> {
    let mut m = Out::new(usize::MAX);
    if i == 0 {
        m.raw(b"{\"type\":");
        m.str(ty.as_bytes(), 64);
        m.raw(if handled { b",\"handled\":true" } else { b",\"handled\":false" });
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_crash_frame_is_the_apps_unless_the_panic_is_in_std_or_a_dependency() {
        let (frame, context) = panic_location("src/lib.rs", 17, 5);
        let f: crate::Frame = serde_json::from_slice(&frame).expect("frame");
        assert_eq!(
            (f.abs_path.as_deref(), f.lineno, f.colno, f.in_app),
            (Some("src/lib.rs"), Some(17), Some(5), Some(true))
        );
        let c: serde_json::Value = serde_json::from_slice(&[b"{", context.as_slice(), b"}"].concat()).expect("context");
        assert_eq!(c, serde_json::json!({ "panic": { "column": 5, "file": "src/lib.rs", "line": 17 } }));
        for lib in [
            "/rustc/59807616e1fa/library/core/src/option.rs",
            "/home/u/.cargo/registry/src/x/lib.rs",
            "library/std/src/io.rs",
        ] {
            let f: crate::Frame = serde_json::from_slice(&panic_location(lib, 1, 1).0).expect("frame");
            assert_eq!(f.in_app, Some(false), "{lib}");
        }
    }

    #[test]
    fn a_source_chain_links_each_error_to_the_one_before() {
        let m: serde_json::Value = serde_json::from_slice(&chain_mechanism(0, false, "generic", true)).expect("json");
        assert_eq!(m, serde_json::json!({ "type": "generic", "handled": true }));
        let m: serde_json::Value =
            serde_json::from_slice(&chain_mechanism(0, true, "cloudflare", false)).expect("json");
        assert_eq!(m, serde_json::json!({ "type": "cloudflare", "handled": false, "exception_id": 0 }));
        let m: serde_json::Value = serde_json::from_slice(&chain_mechanism(2, true, "generic", true)).expect("json");
        assert_eq!(m, serde_json::json!({ "type": "chained", "source": "cause", "parent_id": 1, "exception_id": 2 }));
        let s: serde_json::Value = serde_json::from_slice(&sdk(true)).expect("json");
        assert_eq!(s["settings"]["infer_ip"], "auto");
        assert_eq!(s["name"], "errorbeacon.rust");
    }
}
