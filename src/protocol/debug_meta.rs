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
    /// A wasm image for a module URL and its optional build id (hex).
    pub fn wasm(code_file: &str, build_id: Option<&str>) -> Self {
        DebugImage {
            ty: "wasm".into(),
            code_file: code_file.into(),
            code_id: build_id.map(Into::into),
            debug_id: build_id.and_then(debug_id_from_build_id),
            debug_file: None,
        }
    }
}

/// Sentry's rule for wasm: the debug id is the first 16 bytes of the build id, in UUID form.
fn debug_id_from_build_id(hex: &str) -> Option<String> {
    let h = hex.get(..32).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    Some([h.get(..8)?, "-", h.get(8..12)?, "-", h.get(12..16)?, "-", h.get(16..20)?, "-", h.get(20..32)?].concat())
}
