//! The location part of a frame, shared by every engine: `url:line:col`, a bare `url`, or a
//! WebAssembly location `url:wasm-function[N]:0xADDR`.

use crate::text::{find, find_byte, from, rfind_byte, to};

/// Where a frame points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loc<'a> {
    /// Nothing printed (`Promise.all (index 1)`, Bun's `unknown`).
    None,
    /// A builtin with no source: `<anonymous>`, `native`, `[native code]`.
    Native(&'a str),
    /// A script location.
    Source { path: &'a str, line: Option<u32>, col: Option<u32> },
    /// A WebAssembly location: module URL (or engine's name for it), function index, offset.
    Wasm { path: &'a str, index: Option<u32>, addr: Option<u64> },
}

const WASM_FUNCTION: &str = ":wasm-function[";

/// Parses a location as engines print it after the function name.
pub(crate) fn parse(s: &str) -> Loc<'_> {
    let s = s.trim_ascii();
    // Builtins first; the first byte rules them out for ordinary paths without a compare.
    if matches!(s.as_bytes().first(), None | Some(b'u' | b'<' | b'n' | b'[')) {
        match s {
            "" | "unknown" => return Loc::None,
            "<anonymous>" | "native" | "[native code]" => return Loc::Native(s),
            _ => {}
        }
    }
    // Every wasm location ends in `]` or in `]:0x…`: test that before searching.
    if looks_like_wasm(s) {
        if let Some(i) = find(s, WASM_FUNCTION) {
            return parse_wasm(s, i);
        }
        // JavaScriptCore prints wasm frames of page modules as `<?>.wasm-function[N]`.
        if let Some(i) = find(s, ".wasm-function[") {
            return parse_wasm(s, i);
        }
    }
    let (path, line, col) = split_line_col(s);
    if path.is_empty() {
        return Loc::None;
    }
    Loc::Source { path, line, col }
}

/// `path:wasm-function[N]:0xADDR` (also without the offset, as JavaScriptCore prints it);
/// `i` is where `:wasm-function[` starts.
fn parse_wasm(s: &str, i: usize) -> Loc<'_> {
    let path = to(s, i);
    let rest = from(s, i + WASM_FUNCTION.len());
    let (index, rest) = match find_byte(rest, b']') {
        Some(end) => (parse_u32(to(rest, end)), from(rest, end + 1)),
        None => (None, ""),
    };
    let addr = rest.strip_prefix(":0x").and_then(parse_hex);
    Loc::Wasm { path, index, addr }
}

/// Splits `path:line:col`, `path:line` or `path`. A number after `scheme://host:` is a port,
/// not a line.
pub(crate) fn split_line_col(s: &str) -> (&str, Option<u32>, Option<u32>) {
    let b = s.as_bytes();
    let Some((colon, last)) = number_suffix(b, b.len()) else {
        return (s, None, None);
    };
    // Only after a bare `scheme://host` can a number be a port: then the last `/` is the
    // second one of `://` and the host has no `:` before the number. Line and column digits
    // hold no `/`, so the last `/` of the whole location is the one that matters.
    let slash = rfind_byte(s, b'/');
    let is_port = |colon: usize| match slash {
        Some(i) if i >= 2 && i < colon && b.get(i - 2..i) == Some(b":/") => {
            b.get(i + 1..colon).is_some_and(|host| !host.contains(&b':'))
        }
        _ => false,
    };
    if is_port(colon) {
        return (s, None, None);
    }
    match number_suffix(b, colon) {
        Some((colon2, line)) if !is_port(colon2) => (to(s, colon2), Some(line), Some(last)),
        _ => (to(s, colon), Some(last), None),
    }
}

/// `…:123` ending at `end`: the index of the `:` and the number (at most 10 digits, checked).
fn number_suffix(b: &[u8], end: usize) -> Option<(usize, u32)> {
    let digits = b.get(..end)?.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let start = end - digits;
    if digits == 0 || digits > 10 || start == 0 || b.get(start - 1) != Some(&b':') {
        return None;
    }
    let n = b.get(start..end)?.iter().try_fold(0u32, |n, &c| n.checked_mul(10)?.checked_add(u32::from(c - b'0')))?;
    Some((start - 1, n))
}

/// Whether `s` ends like a wasm location (`…]` or `…]:0x…`), before a full search.
fn looks_like_wasm(s: &str) -> bool {
    let b = s.as_bytes();
    if b.last() == Some(&b']') {
        return true;
    }
    // Only the tail is looked at: `]:` then the (possibly garbled) `0x…` address.
    let tail = b.iter().rev().take_while(|c| c.is_ascii_alphanumeric()).count();
    let end = b.len() - tail;
    end >= 2 && b.get(end - 2..end) == Some(b"]:") && b.get(end..end + 2) == Some(b"0x")
}

/// Decimal digits only, checked: `None` for anything else or on overflow.
pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u32, |n, b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u32::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Hex digits only (1 to 16), checked.
fn parse_hex(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| Some(n << 4 | u64::from((b as char).to_digit(16)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_line_and_column_but_not_ports() {
        assert_eq!(
            split_line_col("http://127.0.0.1:8765/app-a/:10:21"),
            ("http://127.0.0.1:8765/app-a/", Some(10), Some(21))
        );
        assert_eq!(split_line_col("/srv/a.js:3"), ("/srv/a.js", Some(3), None));
        assert_eq!(split_line_col("http://host:8080"), ("http://host:8080", None, None));
        assert_eq!(split_line_col("http://host:8080:5"), ("http://host:8080", Some(5), None));
        assert_eq!(split_line_col("a.js:99999999999:1"), ("a.js:99999999999", Some(1), None));
    }

    #[test]
    fn parses_wasm_locations() {
        assert_eq!(
            parse("http://h/x_bg.wasm:wasm-function[29]:0x39f8"),
            Loc::Wasm { path: "http://h/x_bg.wasm", index: Some(29), addr: Some(0x39f8) }
        );
        assert_eq!(
            parse("probe.wasm:wasm-function[126]"),
            Loc::Wasm { path: "probe.wasm", index: Some(126), addr: None }
        );
        assert_eq!(parse("<?>.wasm-function[126]"), Loc::Wasm { path: "<?>", index: Some(126), addr: None });
        assert_eq!(parse("x:wasm-function[zz]:0xzz"), Loc::Wasm { path: "x", index: None, addr: None });
        assert_eq!(parse("x:wasm-function[zz]"), Loc::Wasm { path: "x", index: None, addr: None });
    }
}
