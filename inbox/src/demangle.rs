//! Raw Rust symbols in frame names, demangled when the inbox reads an event. SDKs send a wasm
//! frame's name as the engine printed it; rust-lld usually writes a Rust module's name section
//! already demangled, but a module linked otherwise shows `_ZN…E` (legacy) or `_R…` (v0)
//! names, and errorbeacon's npm module leaves them as they are (issue 25, decision 5: the
//! demangler is the inbox's weight, not every page's). Grouping and the UI see the readable name.

/// The readable form of `name` when it is a raw Rust symbol, with a short note an engine added
/// after it (` externref shim`) kept; `None` when it is not one (or not a valid one).
pub fn demangled(name: &str) -> Option<String> {
    let (symbol, suffix) = match name.find(' ') {
        Some(i) => name.split_at(i),
        None => (name, ""),
    };
    if !(symbol.starts_with("_ZN") || symbol.starts_with("__ZN") || symbol.starts_with("_R")) || suffix.len() > 64 {
        return None;
    }
    // `{:#}`: without the legacy mangling's hash, as Sentry shows Rust frames.
    let d = rustc_demangle::try_demangle(symbol).ok()?;
    Some(format!("{d:#}{suffix}"))
}

/// `name`, demangled when it is a raw Rust symbol.
pub fn readable(name: String) -> String {
    demangled(&name).unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_and_v0_symbols_read_as_rust_paths() {
        assert_eq!(
            demangled("_ZN4core9panicking5panic17h0123456789abcdefE").as_deref(),
            Some("core::panicking::panic")
        );
        assert_eq!(
            demangled("_ZN3app4main17h0123456789abcdefE externref shim").as_deref(),
            Some("app::main externref shim")
        );
        assert_eq!(demangled("_RINvCsh537bOAIRKx_3lib7genericReKj2_EB2_").as_deref(), Some("lib::generic::<&str, 2>"));
    }

    #[test]
    fn other_names_are_left_alone() {
        for name in ["main", "app::main", "_ZNnot a symbol", "_Rx", "", "Object.<anonymous>", "_ZN"] {
            assert_eq!(demangled(name), None, "{name}");
            assert_eq!(readable(name.to_owned()), name);
        }
    }
}
