//! Function names of WebAssembly frames: the module prefix engines add, Rust symbol
//! demangling, and which names are Rust's panic machinery or wasm-bindgen glue.

use crate::text::{contains, find, find_byte, from, rfind, to};
use std::borrow::Cow;

/// The name Sentry should show for a wasm frame's printed function text.
///
/// V8 and SpiderMonkey print `<module name>.<function name>`, and rustc's name section holds
/// names already demangled but with their hash (`alpha::f::h1a2b…`, legacy) or crate
/// disambiguators (`std[a543…]::panicking::f`, v0). Toolchains that keep raw symbols give
/// `_ZN…E` / `_R…`, which are demangled here. Returns a borrowed slice whenever it can.
pub(crate) fn clean_wasm_function(printed: &str) -> Cow<'_, str> {
    let name = match find(printed, ".wasm.") {
        Some(i) => from(printed, i + ".wasm.".len()),
        None => printed,
    };
    // A byte search and checked slices: a panicking `split_at` brings std's panic formatting
    // (~3 KB gzip), a `char` pattern its searcher (~1 KB), into every Rust app (docs/size.md).
    let (symbol, suffix) = match find_byte(name, b' ') {
        Some(i) => (to(name, i), from(name, i)),
        None => (name, ""),
    };
    // Engines add at most a short note after the name (` externref shim`); anything longer is
    // not a symbol worth rewriting, and keeping it borrowed keeps the name within its line.
    if suffix.len() > 64 {
        return Cow::Borrowed(name);
    }
    #[cfg(any(feature = "demangle", test))]
    if symbol.starts_with("_ZN") || symbol.starts_with("__ZN") || symbol.starts_with("_R") {
        if let Some(d) = super::demangle::demangle(symbol) {
            return Cow::Owned(d + suffix);
        }
    }
    let symbol = strip_legacy_hash(symbol);
    if find_byte(symbol, b'[').is_some() {
        let cleaned = strip_disambiguators(symbol);
        if cleaned.len() != symbol.len() {
            return Cow::Owned(cleaned + suffix);
        }
    }
    if suffix.is_empty() {
        Cow::Borrowed(symbol)
    } else if symbol.len() + suffix.len() == name.len() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(symbol.to_owned() + suffix)
    }
}

/// `a::b::h0123456789abcdef` → `a::b` (the legacy mangling's hash component).
fn strip_legacy_hash(s: &str) -> &str {
    match rfind(s, "::h") {
        Some(i) => {
            let hash = from(s, i + 3);
            if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                to(s, i)
            } else {
                s
            }
        }
        None => s,
    }
}

/// `std[a543996e6e7dbf1e]::panicking` → `std::panicking` (v0 crate disambiguators).
fn strip_disambiguators(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = find_byte(rest, b'[') {
        let after = from(rest, open + 1);
        // A disambiguator's `]` is at most 17 bytes on: looked for only there, so that a name of
        // many `[` costs linear time, not quadratic (a thrown value's own `stack` can hold one).
        let close = after.bytes().take(17).position(|b| b == b']');
        let is_hash = close.is_some_and(|c| c > 0 && c <= 16 && to(after, c).bytes().all(|b| b.is_ascii_hexdigit()));
        let prev_is_ident = to(rest, open).bytes().last().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        match close {
            Some(c) if is_hash && prev_is_ident => {
                out.push_str(to(rest, open));
                rest = from(after, c + 1);
            }
            _ => {
                out.push_str(to(rest, open + 1));
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Rust's panic and abort machinery: never the app's fault, so never in-app.
pub(crate) fn is_rust_runtime(name: &str) -> bool {
    const PREFIXES: [&str; 10] = [
        "std::panicking::",
        "std::panic::",
        "std::sys::backtrace::",
        "std::rt::",
        "core::panicking::",
        "core::panic::",
        "core::result::unwrap_failed",
        "core::option::",
        "__rustc::",
        "__rust_",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
        || matches!(name, "rust_begin_unwind" | "rust_panic" | "__rust_start_panic" | "__rust_abort" | "abort")
        || name.starts_with("console_error_panic_hook::")
        || name.starts_with("errorbeacon::")
}

/// What the JS package puts in the names of its entry points (the API's functions, its event
/// handlers and wrappers), as object keys that minifiers keep: a frame so named is the SDK's,
/// and in a stack the SDK took itself it is where the app handed over (see `capture`).
pub(crate) const SDK_ENTRY_MARK: &str = "__errorbeacon";

/// Whether a frame's function is one of the JS package's entry points.
pub(crate) fn is_sdk_entry(name: &str) -> bool {
    contains(name, SDK_ENTRY_MARK)
}

/// wasm-bindgen's generated glue, in JS (`__wbg_call_…`) and in wasm (`… externref shim`).
pub(crate) fn is_wasm_bindgen_glue(name: &str) -> bool {
    is_js_glue(name) || name.ends_with(" shim") || contains(name, "::__wbg_")
}

/// wasm-bindgen's JS glue functions (`__wbg_call_…`, `__wbindgen_…`): the forms a JS frame's
/// name can take.
pub(crate) fn is_js_glue(name: &str) -> bool {
    name.as_bytes().first() == Some(&b'_') && (name.starts_with("__wbg_") || name.starts_with("__wbindgen_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_module_prefix_hash_and_disambiguators() {
        assert_eq!(
            clean_wasm_function("stackfix_wasm.wasm.stackfix_wasm::alpha_inner::hb5ab39174e8490f7"),
            "stackfix_wasm::alpha_inner"
        );
        assert!(matches!(
            clean_wasm_function("m.wasm.alpha_call_js externref shim"),
            Cow::Borrowed("alpha_call_js externref shim")
        ));
        assert_eq!(
            clean_wasm_function(
                "m.wasm.stackfix_wasm::JsCallback::invoke::__wbg_call_7::hf3cac5822aebee6d externref shim"
            ),
            "stackfix_wasm::JsCallback::invoke::__wbg_call_7 externref shim"
        );
        assert_eq!(
            clean_wasm_function("m.wasm.std[a543996e6e7dbf1e]::sys::backtrace::__rust_end_short_backtrace::<std[a543996e6e7dbf1e]::panicking::panic_handler::{closure#0}, !>"),
            "std::sys::backtrace::__rust_end_short_backtrace::<std::panicking::panic_handler::{closure#0}, !>"
        );
        assert_eq!(clean_wasm_function("a[x]::b[0]"), "a[x]::b");
    }

    #[test]
    fn demangles_raw_symbols() {
        assert_eq!(
            clean_wasm_function("_ZN4core9panicking9panic_fmt17h0123456789abcdefE"),
            "core::panicking::panic_fmt"
        );
        assert_eq!(clean_wasm_function("m.wasm._RNvCs1234_7mycrate3foo"), "mycrate::foo");
        assert_eq!(clean_wasm_function("_ZNnot-mangled"), "_ZNnot-mangled");
    }

    #[test]
    fn runtime_and_glue_names() {
        assert!(is_rust_runtime("std::panicking::panic_with_hook"));
        assert!(is_rust_runtime("__rustc::rust_begin_unwind"));
        assert!(!is_rust_runtime("stackfix_wasm::alpha_inner"));
        assert!(is_wasm_bindgen_glue("alpha_call_js externref shim"));
        assert!(is_wasm_bindgen_glue("__wbg_call_756bcfe78b9d6181"));
    }
}
