//! Panic-free string helpers.
//!
//! Indexing a `str` (`&s[i..]`) compiles to a bounds and char-boundary check whose failure
//! path formats the offending string with `Debug`, pulling Unicode tables and the formatting
//! machinery into the wasm build (about 5 KB). `str::find(&str)` brings the Two-Way searcher
//! (about 3 KB). These helpers do the same jobs with checks that cannot panic, so the browser
//! module stays small; every index here comes from a search for an ASCII byte, so the checks
//! never fail in practice.

/// `s[start..end]`, or `""` when the range is not valid.
#[cfg(any(feature = "demangle", test))]
#[inline]
pub(crate) fn sub(s: &str, start: usize, end: usize) -> &str {
    s.get(start..end).unwrap_or_default()
}

/// `s[start..]`, or `""` when `start` is not valid.
#[inline]
pub(crate) fn from(s: &str, start: usize) -> &str {
    s.get(start..).unwrap_or_default()
}

/// `s[..end]`, or `""` when `end` is not valid.
#[inline]
pub(crate) fn to(s: &str, end: usize) -> &str {
    s.get(..end).unwrap_or_default()
}

/// Byte offset of the first occurrence of `needle` (a short ASCII marker) in `hay`. A plain
/// byte loop: the strings searched are short (one frame's location), where `str::find`'s
/// searcher setup costs more than the scan.
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let (&first, rest) = n.split_first()?;
    let last_start = h.len().checked_sub(n.len())?;
    let starts = h.get(..=last_start)?;
    starts.iter().enumerate().find(|&(i, &b)| b == first && h.get(i + 1..i + n.len()) == Some(rest)).map(|(i, _)| i)
}

/// Byte offset of the last occurrence of `needle` in `hay`.
pub(crate) fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let last_start = h.len().checked_sub(n.len())?;
    (0..=last_start).rev().find(|&i| h.get(i..i + n.len()) == Some(n))
}

/// `s` without `prefix`. Compares inline: in wasm, `strip_prefix`'s `memcmp` is a call to a
/// byte loop, which costs more than these few-byte prefixes.
#[inline]
pub(crate) fn strip<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let (b, p) = (s.as_bytes(), prefix.as_bytes());
    if b.len() < p.len() || !p.iter().enumerate().all(|(i, c)| b.get(i) == Some(c)) {
        return None;
    }
    s.get(p.len()..)
}

/// Byte offset of the first `b` in `s`: a plain loop, cheaper than `str::find(char)`'s
/// searcher on the short strings searched here.
#[inline]
pub(crate) fn find_byte(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|x| x == b)
}

/// Byte offset of the last `b` in `s`.
#[inline]
pub(crate) fn rfind_byte(s: &str, b: u8) -> Option<usize> {
    s.bytes().rposition(|x| x == b)
}

/// `s` without the `b`s (an ASCII byte) at its end: std's `trim_end_matches` is a pattern
/// searcher's worth of wasm for this.
pub(crate) fn trim_end_byte(s: &str, b: u8) -> &str {
    let mut n = s.len();
    while n > 0 && s.as_bytes().get(n - 1) == Some(&b) {
        n -= 1;
    }
    to(s, n)
}

/// `s.split(b as char)` for an ASCII `b`, by a plain byte scan: std's `char` patterns bring
/// their searcher into the wasm (docs/size.md).
pub(crate) fn split_byte(s: &str, b: u8) -> SplitByte<'_> {
    SplitByte { rest: Some(s), b }
}

/// The iterator of [`split_byte`].
pub(crate) struct SplitByte<'a> {
    rest: Option<&'a str>,
    b: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match find_byte(s, self.b) {
            Some(i) => {
                self.rest = Some(from(s, i + 1));
                Some(to(s, i))
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

/// Whether `hay` contains `needle`.
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `s` cut to at most `max` characters, ending in `…` when cut.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some(_) => {
            let keep = max.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            // Not `format!`: it would bring the formatting machinery into every Rust app.
            [s.get(..end).unwrap_or_default(), "…"].concat()
        }
    }
}

/// `v` in decimal, without the formatting machinery (`format!` costs the wasm build ~2 KB).
pub(crate) fn decimal(mut v: u64) -> String {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    digits.get(i..).map(|d| d.iter().map(|&b| char::from(b)).collect()).unwrap_or_default()
}

/// `v` in decimal, signed (the wasm binding's tags and user ids).
pub(crate) fn decimal_i64(v: i64) -> String {
    let digits = decimal(v.unsigned_abs());
    if v < 0 {
        ["-", &digits].concat()
    } else {
        digits
    }
}

/// Bytes as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_agrees_with_std() {
        let hays = ["", "a", "abcabc", "::h::h0123", "x.wasm.y.wasm.z", "ééé:wasm-function[1]"];
        let needles = ["a", "bc", "::h", ".wasm.", ":wasm-function[", "zz", "abcabcabc"];
        for h in hays {
            for n in needles {
                assert_eq!(find(h, n), h.find(n), "{h:?} {n:?}");
                assert_eq!(rfind(h, n), h.rfind(n), "{h:?} {n:?}");
            }
        }
        assert_eq!(find("abc", ""), None);
    }

    #[test]
    fn numbers_without_core_fmt() {
        for v in [0u64, 7, 10, 99, 1234567890, u64::MAX] {
            assert_eq!(decimal(v), v.to_string());
        }
        for v in [0i64, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(decimal_i64(v), v.to_string());
        }
        assert_eq!(hex(&[0, 0xab, 0x0f]), "00ab0f");
    }

    #[test]
    fn truncates_by_characters() {
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abcd", 3), "ab…");
        assert_eq!(truncate_chars("ééé€", 2), "é…");
    }

    #[test]
    fn split_byte_splits_as_str_split() {
        for s in ["", ",", "a", "a,b", ",a,,b,", "é,ü,,ß", "60:error;transaction:org"] {
            let want: Vec<&str> = s.split(',').collect();
            assert_eq!(split_byte(s, b',').collect::<Vec<_>>(), want, "{s:?}");
        }
    }

    #[test]
    fn slicing_never_panics() {
        assert_eq!(sub("héllo", 1, 2), "");
        assert_eq!(from("abc", 10), "");
        assert_eq!(to("abc", 2), "ab");
    }
}
