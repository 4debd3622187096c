//! Stack frames and stack traces (Sentry's `stacktrace` interface).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An address in a module, written as `0x…` hex as Sentry expects for
/// `instruction_addr` and `function_id`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Addr(pub u64);

impl Addr {
    /// Parses `0x…` hex (as engines print wasm offsets) or plain decimal.
    pub fn parse(s: &str) -> Option<Addr> {
        match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(hex) if !hex.is_empty() && hex.len() <= 16 => u64::from_str_radix(hex, 16).ok().map(Addr),
            Some(_) => None,
            None => s.parse().ok().map(Addr),
        }
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

impl fmt::Debug for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Addr({self})")
    }
}

impl Serialize for Addr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Addr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Addr::parse(&s).ok_or_else(|| serde::de::Error::custom("invalid address"))
    }
}

/// One stack frame. JavaScript frames carry a source location; WebAssembly frames carry the
/// module URL in `abs_path`, the byte offset in `instruction_addr` and `platform: "native"`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// Function name as Sentry shows it (Rust names demangled, without hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// The name exactly as the engine printed it, when `function` differs from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_function: Option<String>,
    /// A short path for display: the URL's path, or the file path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The script URL or path as printed (for wasm frames: the module URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abs_path: Option<String>,
    /// 1-based line, as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineno: Option<u32>,
    /// 1-based column, as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colno: Option<u32>,
    /// Whether the frame belongs to the application (not a builtin, dependency or the SDK).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_app: Option<bool>,
    /// `"native"` for WebAssembly frames; absent for JavaScript ones (the event's platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Byte offset into the wasm module (`0x…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction_addr: Option<Addr>,
    /// `rel:N`: `instruction_addr` is relative to `debug_meta.images[N]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr_mode: Option<String>,
    /// The wasm function index (`wasm-function[N]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_id: Option<Addr>,
}

impl Frame {
    /// Whether this is a WebAssembly frame.
    pub fn is_wasm(&self) -> bool {
        self.platform.as_deref() == Some("native")
    }
}

/// A stack trace: frames oldest first, crash frame last.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Stacktrace {
    /// The frames, oldest first.
    pub frames: Vec<Frame>,
}
