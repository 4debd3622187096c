//! What a frame's path says: its short `filename`, whether it is a builtin, a dependency, or
//! errorbeacon's own code.
//!
//! [`analyze`] works all of that out in one pass over the path, comparing bytes only where a
//! marker can start; the straightforward versions of each rule live in the tests as its oracle.

use crate::text::{from, to};

/// What one path says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PathFacts<'a> {
    /// The short name Sentry shows: the URL's path for `http(s):`/`file:` URLs (no query or
    /// fragment), the media type for `data:` URLs, the path as printed otherwise. A slice of
    /// the path.
    pub filename: &'a str,
    /// Neither a builtin, a runtime internal, an extension, a dependency, nor the SDK.
    pub app: bool,
    /// errorbeacon's own file: the npm package in `node_modules`, its wasm module by name, or
    /// anything under `sdk_prefix` (the package's URL as the host loaded it).
    pub sdk: bool,
}

const NODE_MODULES: &[u8] = b"node_modules/";
const SDK_DIR: &[u8] = b"errorbeacon/";

/// Paths whose first byte is neither `h` nor `/` may be one of these builtins or internals.
const SPECIAL: [&str; 5] = ["<anonymous>", "native", "[native code]", "unknown", ""];
const SPECIAL_PREFIXES: [&str; 9] = [
    "node:",
    "internal/",
    "chrome-extension:",
    "moz-extension:",
    "safari-extension:",
    "safari-web-extension:",
    "webpack/bootstrap",
    "webpack:///webpack/",
    "ext:",
];

pub(crate) fn analyze<'a>(path: &'a str, sdk_prefix: Option<&str>) -> PathFacts<'a> {
    let b = path.as_bytes();
    let mut library = false;
    let mut sdk = sdk_prefix.is_some_and(|p| !p.is_empty() && path.starts_with(p));
    if !matches!(b.first(), Some(b'h' | b'/')) {
        library = SPECIAL.contains(&path) || SPECIAL_PREFIXES.iter().any(|p| path.starts_with(p));
    }
    // The wasm module by its file name (only `.wasm` paths need the comparisons).
    if b.last() == Some(&b'm') {
        sdk |= path.ends_with("/errorbeacon_bg.wasm") || path.ends_with("/errorbeacon.wasm");
    }
    sdk |= b.get(..29) == Some(b"wasm://wasm/errorbeacon.wasm-");
    // The JS the crate ships inside a Rust app's package (wasm-bindgen puts a crate's inline
    // JS under `snippets/<crate>-<hash>/`), whatever the app's module is called.
    sdk |= crate::text::contains(path, "/snippets/errorbeacon-");
    // One pass: `/node_modules/` (and errorbeacon's own directory under it) at any `/`.
    for (i, &c) in b.iter().enumerate() {
        if c == b'/' && b.get(i + 1) == Some(&b'n') && b.get(i + 1..i + 1 + NODE_MODULES.len()) == Some(NODE_MODULES) {
            library = true;
            let after = i + 1 + NODE_MODULES.len();
            sdk |= b.get(after..after + SDK_DIR.len()) == Some(SDK_DIR);
        }
    }
    PathFacts { filename: filename(path), app: !library && !sdk, sdk }
}

fn filename(abs_path: &str) -> &str {
    let b = abs_path.as_bytes();
    let scheme_len = match b.first() {
        Some(b'h') if abs_path.starts_with("http://") => 7,
        Some(b'h') if abs_path.starts_with("https://") => 8,
        Some(b'f') if abs_path.starts_with("file://") => 7,
        Some(b'd') if abs_path.starts_with("data:") => {
            let end = b.iter().skip(5).position(|&c| c == b',' || c == b';').map_or(b.len(), |i| i + 5);
            return to(abs_path, end);
        }
        _ => return abs_path,
    };
    let Some(start) = b.iter().skip(scheme_len).position(|&c| c == b'/').map(|i| i + scheme_len) else {
        return abs_path;
    };
    let path = from(abs_path, start);
    let end = path.bytes().position(|c| c == b'?' || c == b'#').unwrap_or(path.len());
    match to(path, end) {
        "" => abs_path,
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{contains, find_byte};

    // The rules written plainly: the oracle `analyze` is checked against.

    fn naive_filename(abs_path: &str) -> &str {
        if let Some(rest) = abs_path.strip_prefix("data:") {
            let end = rest.find([',', ';']).map_or(abs_path.len(), |i| i + "data:".len());
            return &abs_path[..end];
        }
        for scheme in ["http://", "https://", "file://"] {
            if let Some(rest) = abs_path.strip_prefix(scheme) {
                let path_start = find_byte(rest, b'/').map_or(abs_path.len(), |i| i + scheme.len());
                let path = &abs_path[path_start..];
                let end = path.find(['?', '#']).unwrap_or(path.len());
                return if end == 0 { abs_path } else { &path[..end] };
            }
        }
        abs_path
    }

    fn naive_is_library(path: &str) -> bool {
        SPECIAL.contains(&path)
            || SPECIAL_PREFIXES.iter().any(|p| path.starts_with(p))
            || contains(path, "/node_modules/")
    }

    fn naive_is_sdk(path: &str, prefix: Option<&str>) -> bool {
        path.ends_with("/errorbeacon_bg.wasm")
            || path.ends_with("/errorbeacon.wasm")
            || path.starts_with("wasm://wasm/errorbeacon.wasm-")
            || contains(path, "/node_modules/errorbeacon/")
            || prefix.is_some_and(|p| !p.is_empty() && path.starts_with(p))
    }

    const PATHS: &[&str] = &[
        "http://127.0.0.1:8765/app-a/src/cart.js?v=2#x",
        "http://127.0.0.1:8765",
        "https://h/",
        "file:///srv/app-a/x.mjs",
        "data:text/javascript,function%20f()",
        "data:",
        "/srv/app-a/x.js",
        "http://h/p.js line 41 > eval",
        "wasm://wasm/0001403a",
        "wasm://wasm/errorbeacon.wasm-0001b9f2",
        "node:internal/timers",
        "internal/process/task_queues",
        "/app/node_modules/lodash/x.js",
        "/app/node_modules/errorbeacon/index.js",
        "http://h/node_modules/errorbeacon/index.js",
        "http://h/pkg/wasm/errorbeacon_bg.wasm",
        "http://h/pkg/index.js",
        "chrome-extension://abc/x.js",
        "webpack:///webpack/bootstrap",
        "webpack:///./src/x.js",
        "<anonymous>",
        "native",
        "[native code]",
        "unknown",
        "",
        "app:///main.js",
        "blob:http://h/1234",
        "/node_modules",
        "/x/node_modules",
        "é/node_modules/é",
    ];

    #[test]
    fn one_pass_analysis_agrees_with_the_plain_rules() {
        for prefix in [None, Some("http://h/pkg/"), Some("")] {
            for &path in PATHS {
                let facts = analyze(path, prefix);
                let sdk = naive_is_sdk(path, prefix);
                let want = PathFacts { filename: naive_filename(path), app: !sdk && !naive_is_library(path), sdk };
                assert_eq!(facts, want, "{path:?} with prefix {prefix:?}");
            }
        }
    }

    #[test]
    fn filenames() {
        let f = |p| analyze(p, None).filename;
        assert_eq!(f("http://127.0.0.1:8765/app-a/src/cart.js?v=2#x"), "/app-a/src/cart.js");
        assert_eq!(f("http://127.0.0.1:8765"), "http://127.0.0.1:8765");
        assert_eq!(f("file:///srv/app-a/x.mjs"), "/srv/app-a/x.mjs");
        assert_eq!(f("data:text/javascript,function%20f()"), "data:text/javascript");
        assert_eq!(f("http://h/p.js line 41 > eval"), "/p.js line 41 > eval");
        assert_eq!(f("wasm://wasm/0001403a"), "wasm://wasm/0001403a");
    }

    #[test]
    fn library_and_sdk_paths() {
        assert!(!analyze("node:internal/timers", None).app);
        assert!(!analyze("/app/node_modules/lodash/x.js", None).app);
        assert!(analyze("/srv/app-a/x.js", None).app);
        assert!(analyze("http://h/node_modules/errorbeacon/index.js", None).sdk);
        assert!(analyze("http://h/pkg/wasm/errorbeacon_bg.wasm", None).sdk);
        assert!(analyze("http://h/pkg/index.js", Some("http://h/pkg/")).sdk);
    }
}
