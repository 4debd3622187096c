//! What a frame's path says: its short `filename`, whether it is a builtin, a dependency, or
//! errorbeacon's own code.

use crate::text::{contains, find_byte, from, to};

/// The short name Sentry shows: the URL's path for `http(s):`/`file:` URLs (no query or
/// fragment), the media type for `data:` URLs, the path as printed otherwise. Always a slice
/// of `abs_path`.
pub(crate) fn filename(abs_path: &str) -> &str {
    if let Some(rest) = abs_path.strip_prefix("data:") {
        let end = rest.bytes().position(|b| b == b',' || b == b';').map_or(abs_path.len(), |i| i + "data:".len());
        return to(abs_path, end);
    }
    for scheme in ["http://", "https://", "file://"] {
        if let Some(rest) = abs_path.strip_prefix(scheme) {
            let path_start = find_byte(rest, b'/').map_or(abs_path.len(), |i| i + scheme.len());
            let path = from(abs_path, path_start);
            let end = path.bytes().position(|b| b == b'?' || b == b'#').unwrap_or(path.len());
            return match to(path, end) {
                "" => abs_path,
                p => p,
            };
        }
    }
    abs_path
}

/// Paths that are the engine's own code, a runtime's internals, a browser extension or a
/// dependency: never in-app.
pub(crate) fn is_library_path(path: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "node:",
        "internal/",
        "chrome-extension:",
        "moz-extension:",
        "safari-extension:",
        "safari-web-extension:",
        "webpack/bootstrap",
        "ext:",
    ];
    matches!(path, "<anonymous>" | "native" | "[native code]" | "unknown" | "")
        || PREFIXES.iter().any(|p| path.starts_with(p))
        || contains(path, "/node_modules/")
        || path.starts_with("webpack:///webpack/")
}

/// errorbeacon's own files: the npm package in `node_modules`, or the module's wasm/glue by
/// their file names.
pub(crate) fn is_sdk_path(path: &str) -> bool {
    path.ends_with("/errorbeacon_bg.wasm")
        || path.ends_with("/errorbeacon.wasm")
        || path.starts_with("wasm://wasm/errorbeacon.wasm-")
        || contains(path, "/node_modules/errorbeacon/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames() {
        assert_eq!(filename("http://127.0.0.1:8765/app-a/src/cart.js?v=2#x"), "/app-a/src/cart.js");
        assert_eq!(filename("http://127.0.0.1:8765"), "http://127.0.0.1:8765");
        assert_eq!(filename("file:///srv/app-a/x.mjs"), "/srv/app-a/x.mjs");
        assert_eq!(filename("data:text/javascript,function%20f()"), "data:text/javascript");
        assert_eq!(filename("/srv/app-a/x.js"), "/srv/app-a/x.js");
        assert_eq!(filename("http://h/p.js line 41 > eval"), "/p.js line 41 > eval");
        assert_eq!(filename("wasm://wasm/0001403a"), "wasm://wasm/0001403a");
    }

    #[test]
    fn library_and_sdk_paths() {
        assert!(is_library_path("node:internal/timers"));
        assert!(is_library_path("/app/node_modules/lodash/x.js"));
        assert!(!is_library_path("/srv/app-a/x.js"));
        assert!(is_sdk_path("http://h/node_modules/errorbeacon/index.js"));
        assert!(is_sdk_path("http://h/pkg/wasm/errorbeacon_bg.wasm"));
    }
}
