//! One frame line into its parts, for every engine, over bytes: the lean path's line parsers
//! (issue 25). The same rules as [`super::v8`], [`super::gecko`], [`super::jsc`],
//! [`super::location`], [`super::paths`] and [`super::names`] (whose tests are the rules'
//! oracle, and `write`'s tests compare the two over every fixture), written without `str`
//! (no UTF-8 validation or boundary checks), without iterator adaptors or `Option`
//! combinators instantiated per use, and with one search helper: a third of their wasm.

/// Where a frame's code is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loc<'a> {
    /// No location (`at unknown`, `(index 1)`, a bare name).
    None,
    /// A builtin: `<anonymous>`, `native`, `[native code]`.
    Native(&'a [u8]),
    /// A script: path, line, column.
    Source(&'a [u8], Option<u32>, Option<u32>),
    /// A wasm function: the module's path, the function index, the code offset.
    Wasm(&'a [u8], Option<u32>, Option<u64>),
}

/// A frame as its line printed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Raw<'a> {
    /// The function as printed (empty: none).
    pub function: &'a [u8],
    pub loc: Loc<'a>,
}

/// `s[a..b]`, empty when out of range.
#[inline]
pub(crate) fn sub(s: &[u8], a: usize, b: usize) -> &[u8] {
    s.get(a..b).unwrap_or_default()
}

#[inline]
pub(crate) fn tail(s: &[u8], a: usize) -> &[u8] {
    s.get(a..).unwrap_or_default()
}

/// The first `needle` in `s` at or after `from`: its first byte found by a plain scan, the
/// rest compared only there.
pub(crate) fn find(s: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut i = from;
    loop {
        let Some(at) = s.get(i..).and_then(|t| t.iter().position(|&b| b == first)) else {
            scanned(s.len().saturating_sub(i));
            return None;
        };
        scanned(at + needle.len());
        i += at;
        if s.get(i + 1..i + needle.len()) == Some(rest) {
            return Some(i);
        }
        i += 1;
    }
}

#[cfg(any(all(test, not(target_arch = "wasm32")), fuzzing))]
thread_local! {
    /// Bytes the searches looked at, for the linear-work property test (`write::tests`) and
    /// the fuzz targets (`fuzz/`).
    pub(crate) static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `n` bytes looked at (tests only).
#[inline(always)]
fn scanned(n: usize) {
    #[cfg(any(all(test, not(target_arch = "wasm32")), fuzzing))]
    SCANNED.with(|c| c.set(c.get() + n));
    let _ = n;
}

/// The last `b` in `s`.
fn rfind(s: &[u8], b: u8) -> Option<usize> {
    let mut i = s.len();
    while i > 0 {
        i -= 1;
        if s.get(i) == Some(&b) {
            scanned(s.len() - i);
            return Some(i);
        }
    }
    scanned(s.len());
    None
}

/// Whether `s` equals one of `list` (`whole`) or starts with one: one loop out of line, where
/// `matches!` on byte strings and chains of `starts_with` compile to a comparison each.
#[inline(never)]
pub(crate) fn one_of(s: &[u8], list: &[&[u8]], whole: bool) -> bool {
    list.iter().any(|p| s.starts_with(p) && (!whole || s.len() == p.len()))
}

pub(crate) fn trim(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// `s` without `prefix`, if it starts with it.
pub(crate) fn strip<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    s.starts_with(prefix).then(|| tail(s, prefix.len()))
}

/// A V8 line after its `at `.
pub(crate) fn v8(rest: &[u8]) -> Raw<'_> {
    let rest = rest.trim_ascii_end();
    let rest = strip(rest, b"async ").unwrap_or(rest);
    if let Some(inner) = rest.strip_suffix(b")") {
        // The `(` that opens the location: matched from the end, as names and URLs can hold
        // parentheses of their own.
        let mut depth = 1usize;
        let mut i = inner.len();
        while i > 0 {
            i -= 1;
            match inner.get(i) {
                Some(b')') => depth += 1,
                Some(b'(') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        let before = sub(inner, 0, i);
        if depth == 0 && before.len() > 1 && before.last() == Some(&b' ') {
            return Raw { function: sub(before, 0, before.len() - 1), loc: v8_location(tail(inner, i + 1)) };
        }
    }
    Raw { function: b"", loc: location(rest) }
}

/// A V8 location: `index N` (Promise.all), `address at …`, `eval at f (origin), loc`.
fn v8_location(s: &[u8]) -> Loc<'_> {
    if s.starts_with(b"index ") {
        return Loc::None;
    }
    let s = strip(s, b"address at ").unwrap_or(s);
    let Some(origin) = strip(s, b"eval at ") else { return location(s) };
    // The location after the eval origin's parenthesized list: the first `,` at depth 0.
    let mut depth = 0usize;
    for (i, &b) in origin.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => return location(tail(origin, i + 1).trim_ascii_start()),
            _ => {}
        }
    }
    location(b"")
}

/// A SpiderMonkey line (`function@location`), whose location has a line or is wasm.
pub(crate) fn gecko(line: &[u8]) -> Option<Raw<'_>> {
    let line = trim(line);
    let at = location_at(line)?;
    let loc = location(tail(line, at + 1));
    if !matches!(loc, Loc::Source(_, Some(_), _) | Loc::Wasm(..)) {
        return None;
    }
    // Firefox before 14 printed the arguments after the name (`bar(1)@…`).
    let mut name = sub(line, 0, at);
    if name.last() == Some(&b')') {
        if let Some(open) = find(name, b"(", 0) {
            name = sub(name, 0, open);
        }
    }
    Some(Raw { function: name, loc })
}

/// A JavaScriptCore line the SpiderMonkey parser rejected: `[native code]`, `fn@url` with no
/// line, a bare `url:line:col`, a bare name, `name@` (eval code).
pub(crate) fn jsc(line: &[u8]) -> Option<Raw<'_>> {
    let line = trim(line);
    if line == b"[native code]" {
        return Some(Raw { function: b"", loc: Loc::Native(line) });
    }
    let Some(at) = location_at(line) else {
        return match location(line) {
            loc @ Loc::Source(_, Some(_), _) => Some(Raw { function: b"", loc }),
            Loc::Wasm(..) => None,
            _ => {
                let named = one_of(line, &[b"eval code", b"global code", b"module code"], true)
                    || (line.first().is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_' || c == b'$')
                        && line.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.')));
                named.then_some(Raw { function: line, loc: Loc::None })
            }
        };
    };
    let function = sub(line, 0, at);
    let rest = tail(line, at + 1);
    let loc = location(rest);
    // Frames in eval and `new Function` code print a name and nothing after the `@`.
    if loc == Loc::None && (function.is_empty() || !rest.is_empty()) {
        return None;
    }
    Some(Raw { function, loc })
}

/// The `@` between function and location: the first one followed by something that starts a
/// location (`scheme:`, `/`, `[`, `<`), else the last one.
fn location_at(line: &[u8]) -> Option<usize> {
    let mut i = find(line, b"@", 0)?;
    loop {
        let s = tail(line, i + 1);
        let starts = match s.first() {
            Some(b'/' | b'[' | b'<') => true,
            Some(c) if c.is_ascii_alphabetic() => {
                let end = s.iter().position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')));
                end.is_some_and(|e| s.get(e) == Some(&b':'))
            }
            _ => false,
        };
        if starts {
            return Some(i);
        }
        match find(line, b"@", i + 1) {
            Some(j) => i = j,
            None => return rfind(line, b'@'),
        }
    }
}

/// Any engine's location text.
pub(crate) fn location(s: &[u8]) -> Loc<'_> {
    let s = trim(s);
    // Only these first bytes can start the special locations.
    if matches!(s.first(), None | Some(b'u' | b'<' | b'n' | b'[')) {
        if one_of(s, &[b"", b"unknown"], true) {
            return Loc::None;
        }
        if one_of(s, &[b"<anonymous>", b"native", b"[native code]"], true) {
            return Loc::Native(s);
        }
    }
    if looks_like_wasm(s) {
        if let Some(i) = find(s, b":wasm-function[", 0).or_else(|| find(s, b".wasm-function[", 0)) {
            let rest = tail(s, i + 15);
            let (index, rest) = match find(rest, b"]", 0) {
                Some(end) => (number(sub(rest, 0, end)), tail(rest, end + 1)),
                None => (None, &b""[..]),
            };
            let addr = strip(rest, b":0x").and_then(hex);
            return Loc::Wasm(sub(s, 0, i), index, addr);
        }
    }
    let slash = rfind(s, b'/');
    // `http://host:8080` ends in a port, not a line.
    let is_port = |colon: usize| match slash {
        Some(i) if i >= 2 && i < colon && sub(s, i - 2, i) == b":/" => !sub(s, i + 1, colon).contains(&b':'),
        _ => false,
    };
    let (path, line, col) = match number_before(s, s.len()) {
        Some((colon, last)) if !is_port(colon) => match number_before(s, colon) {
            Some((c2, line)) if !is_port(c2) => (sub(s, 0, c2), Some(line), Some(last)),
            _ => (sub(s, 0, colon), Some(last), None),
        },
        _ => (s, None, None),
    };
    if path.is_empty() {
        return Loc::None;
    }
    Loc::Source(path, line, col)
}

/// `:N` ending at `end`: the colon's offset and N (at most 10 digits, fitting a u32).
fn number_before(s: &[u8], end: usize) -> Option<(usize, u32)> {
    let mut start = end;
    while start > 0 && s.get(start - 1).is_some_and(u8::is_ascii_digit) {
        start -= 1;
    }
    if start == end || end - start > 10 || start == 0 || s.get(start - 1) != Some(&b':') {
        return None;
    }
    Some((start - 1, number(sub(s, start, end))?))
}

/// Decimal digits as a u32; `None` when empty, not digits or too large.
fn number(s: &[u8]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut n: u32 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some(n)
}

/// 1 to 16 hex digits.
fn hex(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    let mut n = 0u64;
    for &b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        n = n << 4 | u64::from(d);
    }
    Some(n)
}

/// A wasm location ends in `]` or `]:0x…`.
fn looks_like_wasm(s: &[u8]) -> bool {
    if s.last() == Some(&b']') {
        return true;
    }
    let mut end = s.len();
    while end > 0 && s.get(end - 1).is_some_and(u8::is_ascii_alphanumeric) {
        end -= 1;
    }
    end >= 2 && sub(s, end - 2, end) == b"]:" && sub(s, end, end + 2) == b"0x"
}

/// What a path says: the short `filename`, whether it is the app's, whether errorbeacon's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Facts<'a> {
    pub filename: &'a [u8],
    pub app: bool,
    pub sdk: bool,
}

pub(crate) const NO_FACTS: Facts<'static> = Facts { filename: b"", app: false, sdk: false };

/// [`super::paths::analyze`] over bytes.
pub(crate) fn facts<'a>(path: &'a [u8], sdk_prefix: &[u8]) -> Facts<'a> {
    let mut library = false;
    let mut sdk = !sdk_prefix.is_empty() && path.starts_with(sdk_prefix);
    if !matches!(path.first(), Some(b'h' | b'/')) {
        library = one_of(path, &[b"<anonymous>", b"native", b"[native code]", b"unknown", b""], true)
            || one_of(
                path,
                &[
                    b"node:",
                    b"internal/",
                    b"chrome-extension:",
                    b"moz-extension:",
                    b"safari-extension:",
                    b"safari-web-extension:",
                    b"webpack/bootstrap",
                    b"webpack:///webpack/",
                    b"ext:",
                ],
                false,
            );
    }
    sdk |= path.ends_with(b"/errorbeacon_bg.wasm")
        || path.ends_with(b"/errorbeacon.wasm")
        || path.starts_with(b"wasm://wasm/errorbeacon.wasm-");
    // One pass over the `/`s: a dependency (`/node_modules/`, errorbeacon's own under it) and
    // the JS the crate ships inside a Rust app's package (`/snippets/errorbeacon-…/`).
    let mut i = 0;
    while let Some(at) = find(path, b"/", i) {
        let after = tail(path, at + 1);
        if after.starts_with(b"node_modules/") {
            library = true;
            sdk |= tail(after, 13).starts_with(b"errorbeacon/");
        }
        sdk |= after.starts_with(b"snippets/errorbeacon-");
        i = at + 1;
    }
    Facts { filename: filename(path), app: !library && !sdk, sdk }
}

/// The URL's path for `http(s):`/`file:` (no query or fragment), the media type for `data:`,
/// else the path as printed.
fn filename(p: &[u8]) -> &[u8] {
    if let Some(rest) = strip(p, b"data:") {
        let end = rest.iter().position(|&c| c == b',' || c == b';').map_or(p.len(), |i| i + 5);
        return sub(p, 0, end);
    }
    let scheme = if p.starts_with(b"http://") || p.starts_with(b"file://") {
        7
    } else if p.starts_with(b"https://") {
        8
    } else {
        return p;
    };
    let Some(start) = find(p, b"/", scheme) else { return p };
    let path = tail(p, start);
    let end = path.iter().position(|&c| c == b'?' || c == b'#').unwrap_or(path.len());
    match sub(path, 0, end) {
        b"" => p,
        f => f,
    }
}

/// The JS package's entry points carry this in their names (see `names::SDK_ENTRY_MARK`).
pub(crate) fn is_sdk_entry(name: &[u8]) -> bool {
    find(name, b"__errorbeacon", 0).is_some()
}

/// wasm-bindgen's JS glue (`__wbg_…`, `__wbindgen_…`).
pub(crate) fn is_js_glue(name: &[u8]) -> bool {
    one_of(name, &[b"__wbg_", b"__wbindgen_"], false)
}

/// Whether a wasm function (cleaned name) is the app's: not Rust's panic machinery, not
/// wasm-bindgen's glue.
pub(crate) fn is_app_wasm(name: &[u8]) -> bool {
    let runtime = one_of(
        name,
        &[
            b"std::panicking::",
            b"std::panic::",
            b"std::sys::backtrace::",
            b"std::rt::",
            b"core::panicking::",
            b"core::panic::",
            b"core::result::unwrap_failed",
            b"core::option::",
            b"__rustc::",
            b"__rust_",
            b"console_error_panic_hook::",
            b"errorbeacon::",
        ],
        false,
    ) || one_of(name, &[b"rust_begin_unwind", b"rust_panic", b"abort"], true);
    !runtime && !is_js_glue(name) && !name.ends_with(b" shim") && find(name, b"::__wbg_", 0).is_none()
}

// Host tests (fixtures from disk, proptest): not in the wasm-bindgen-test build.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::stack::location::{self as old, Loc as OldLoc};

    fn same(new: Loc<'_>, old: OldLoc<'_>) -> bool {
        match (new, old) {
            (Loc::None, OldLoc::None) => true,
            (Loc::Native(a), OldLoc::Native(b)) => a == b.as_bytes(),
            (Loc::Source(p, l, c), OldLoc::Source { path, line, col }) => p == path.as_bytes() && l == line && c == col,
            (Loc::Wasm(p, i, a), OldLoc::Wasm { path, index, addr }) => p == path.as_bytes() && i == index && a == addr,
            _ => false,
        }
    }

    #[test]
    fn locations_read_as_the_old_parser_reads_them() {
        for s in [
            "http://127.0.0.1:8765/app-a/:10:21",
            "/srv/a.js:3",
            "http://host:8080",
            "http://host:8080:5",
            "a.js:99999999999:1",
            ":1:2",
            ":5",
            "x:007:08",
            "wasm://wasm/m.wasm-0001b9f2:wasm-function[24]:0x374e",
            "http://h/m.wasm:wasm-function[3]:0x10",
            "m.wasm.wasm-function[3]:0xAB",
            "probe.wasm:wasm-function[126]",
            "<?>:wasm-function[302]",
            "x:wasm-function[",
            "[native code]",
            " unknown ",
            "",
            "data:text/javascript,f(x)%20y(z):2:42",
            "a]:0xzz",
        ] {
            assert!(
                same(location(s.as_bytes()), old::parse(s)),
                "{s}: {:?} vs {:?}",
                location(s.as_bytes()),
                old::parse(s)
            );
        }
    }

    #[test]
    fn path_facts_match_the_old_analysis() {
        for p in [
            "http://h/a.js?x#y",
            "https://h",
            "https://h/",
            "file:///a/b.js",
            "data:text/javascript;base64,AAA",
            "data:x",
            "node:internal/timers",
            "/app/node_modules/errorbeacon/index.js",
            "/app/node_modules/x/index.js",
            "http://h/pkg/wasm/errorbeacon_bg.wasm",
            "wasm://wasm/errorbeacon.wasm-0001",
            "http://h/snippets/errorbeacon-abc/inline0.js",
            "<anonymous>",
            "",
            "webpack:///webpack/bootstrap",
            "http://h/pkg/index.js",
        ] {
            for prefix in [None, Some("http://h/pkg/")] {
                let o = crate::stack::paths::analyze(p, prefix);
                let n = facts(p.as_bytes(), prefix.unwrap_or("").as_bytes());
                assert_eq!((n.filename, n.app, n.sdk), (o.filename.as_bytes(), o.app, o.sdk), "{p} {prefix:?}");
            }
        }
    }
}
