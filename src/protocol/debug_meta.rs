//! Debug images: the wasm modules that frames point into.

use serde::{Deserialize, Serialize};

/// The `debug_meta` interface.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugMeta {
    /// Images referenced by frames' `addr_mode: "rel:N"` (N is the index here).
    pub images: Vec<DebugImage>,
}

/// A WebAssembly module (`type: "wasm"`), as Sentry's wasm integration describes it.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugImage {
    /// Always `wasm`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The module URL.
    pub code_file: String,
    /// Hex build id from the module's `build_id` custom section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_id: Option<String>,
    /// The build id as a debug id (UUID form), for symbol lookup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug_id: Option<String>,
    /// URL of external debug information, when the module names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug_file: Option<String>,
}

impl DebugImage {
    /// A wasm image for a module URL and its build id (hex, from the module's `build_id`
    /// custom section); `None` unless the build id is hex. Relay requires a `debug_id` for
    /// wasm images, and only a build id gives one that symbol lookup can match, so modules
    /// without a build id get no image (as in Sentry's wasm integration) and their frames keep
    /// absolute addresses.
    pub fn wasm(code_file: &str, build_id: &str) -> Option<Self> {
        Some(DebugImage {
            ty: "wasm".into(),
            code_file: code_file.into(),
            code_id: Some(build_id.to_ascii_lowercase()),
            debug_id: Some(debug_id_from_build_id(build_id)?),
            debug_file: None,
        })
    }
}

/// Sentry's rule for wasm: the debug id is the build id padded with zeros to 16 bytes (and
/// cut to 16), in UUID form.
fn debug_id_from_build_id(hex: &str) -> Option<String> {
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut digits = hex.bytes().map(|b| char::from(b.to_ascii_lowercase()));
    let mut id = String::with_capacity(36);
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            id.push('-');
        }
        id.push(digits.next().unwrap_or('0'));
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_ids_follow_sentrys_padding_rule() {
        let image = DebugImage::wasm("http://h/a.wasm", "9F3E2A0C1B4D5E6F").expect("image");
        assert_eq!(image.debug_id.as_deref(), Some("9f3e2a0c-1b4d-5e6f-0000-000000000000"));
        assert_eq!(image.code_id.as_deref(), Some("9f3e2a0c1b4d5e6f"));
        let long = "9f3e2a0c1b4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";
        assert_eq!(
            DebugImage::wasm("u", long).and_then(|i| i.debug_id).as_deref(),
            Some("9f3e2a0c-1b4d-5e6f-7a8b-9c0d1e2f3a4b")
        );
        assert!(DebugImage::wasm("u", "").is_none());
        assert!(DebugImage::wasm("u", "not hex").is_none());
    }
}
