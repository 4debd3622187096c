//! [`Out`]: the one output buffer of the lean path, with the few JSON pieces the event and
//! envelope need (quoted strings cut on a character boundary, decimal and hex numbers).
//!
//! Not a general JSON writer: no trait, no generic value, no `core::fmt`. Every write is
//! bounded by the buffer's `limit`; past it the buffer stops growing and [`Out::over`] says
//! so, and the caller writes again with tighter bounds (that is how trimming works).

/// Bytes written so far, with a hard limit.
pub struct Out {
    pub(crate) buf: Vec<u8>,
    limit: usize,
    over: bool,
}

impl Out {
    /// An empty buffer that refuses to grow past `limit` bytes.
    pub fn new(limit: usize) -> Out {
        Out { buf: Vec::new(), limit, over: false }
    }

    /// Whether a write was refused because it would have passed the limit.
    pub fn over(&self) -> bool {
        self.over
    }

    /// Forgets that a write was refused (before writing again).
    pub fn clear_over(&mut self) {
        self.over = false;
    }

    /// The bytes written.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The buffer, given up.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Forgets what was written after `len` bytes.
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
    }

    /// Appends `b` unless that passes the limit.
    pub fn raw(&mut self, b: &[u8]) {
        if self.buf.len() + b.len() > self.limit {
            self.over = true;
            return;
        }
        self.buf.extend_from_slice(b);
    }

    /// Appends one byte unless that passes the limit.
    pub fn byte(&mut self, b: u8) {
        if self.buf.len() >= self.limit {
            self.over = true;
            return;
        }
        self.buf.push(b);
    }

    /// `,` unless the byte before is `{` or `[` (the first member of an object or array).
    pub fn comma(&mut self) {
        if !matches!(self.buf.last(), Some(b'{' | b'[') | None) {
            self.byte(b',');
        }
    }

    /// `,"key":` (the comma as [`Out::comma`] decides); `key` must need no escaping.
    pub fn key(&mut self, key: &str) {
        self.comma();
        self.byte(b'"');
        self.raw(key.as_bytes());
        self.raw(b"\":");
    }

    /// `s` as a JSON string, cut to `max_chars` characters (the last one then an ellipsis,
    /// as Relay marks a trimmed string).
    pub fn str(&mut self, s: &[u8], max_chars: usize) {
        self.byte(b'"');
        self.escaped(s, max_chars);
        self.byte(b'"');
    }

    /// `"key":"s"`.
    pub fn field(&mut self, key: &str, s: &[u8], max_chars: usize) {
        self.key(key);
        self.str(s, max_chars);
    }

    /// The characters of `s` escaped as inside a JSON string (as serde_json escapes: `"`, `\`
    /// and control characters), at most `max_chars` of them.
    pub fn escaped(&mut self, s: &[u8], max_chars: usize) {
        let cut = cut_chars(s, max_chars);
        let (b, ellipsis) = match cut {
            Some(end) => (s.get(..end).unwrap_or_default(), true),
            None => (s, false),
        };
        let mut start = 0;
        for (i, &c) in b.iter().enumerate() {
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => b"",
                _ => continue,
            };
            self.raw(b.get(start..i).unwrap_or_default());
            if esc.is_empty() {
                self.raw(b"\\u00");
                self.byte(HEX[usize::from(c >> 4)]);
                self.byte(HEX[usize::from(c & 15)]);
            } else {
                self.raw(esc);
            }
            start = i + 1;
        }
        self.raw(b.get(start..).unwrap_or_default());
        if ellipsis {
            self.raw("…".as_bytes());
        }
    }

    /// `n` in decimal.
    pub fn num(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            if let Some(d) = digits.get_mut(i) {
                *d = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        }
        self.raw(digits.get(i..).unwrap_or_default());
    }

    /// `"0x…"`: `n` in lowercase hex without leading zeros, quoted (Sentry's addresses).
    pub fn addr(&mut self, n: u64) {
        self.raw(b"\"0x");
        let mut started = false;
        for shift in (0..16).rev() {
            let d = (n >> (shift * 4)) & 15;
            if d != 0 || started || shift == 0 {
                started = true;
                self.byte(HEX[d as usize]);
            }
        }
        self.byte(b'"');
    }

    /// `bytes` as lowercase hex digits (ids).
    pub fn hex(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(HEX[usize::from(b >> 4)]);
            self.byte(HEX[usize::from(b & 15)]);
        }
    }

    /// `ms` since the epoch as RFC 3339 UTC with milliseconds (`2026-12-07T11:24:06.000Z`).
    pub fn rfc3339(&mut self, ms: u64) {
        let secs = ms / 1000;
        let (y, m, d) = civil(secs / 86_400);
        let t = secs % 86_400;
        self.byte(b'"');
        self.num(y);
        for (sep, v) in [(b'-', m), (b'-', d), (b'T', t / 3600), (b':', t / 60 % 60), (b':', t % 60)] {
            self.byte(sep);
            self.two(v);
        }
        let frac = ms % 1000;
        self.byte(b'.');
        self.byte(b'0' + (frac / 100) as u8);
        self.two(frac % 100);
        self.raw(b"Z\"");
    }

    fn two(&mut self, v: u64) {
        self.byte(b'0' + (v / 10 % 10) as u8);
        self.byte(b'0' + (v % 10) as u8);
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The byte offset where `s` is cut to keep `max` characters, the last one then replaced by an
/// ellipsis; `None` when `s` has at most `max` characters.
pub(crate) fn cut_chars(s: &[u8], max: usize) -> Option<usize> {
    let mut chars = 0usize;
    let mut keep_end = 0;
    for (i, &b) in s.iter().enumerate() {
        if b & 0xc0 != 0x80 {
            if chars + 1 == max {
                keep_end = i;
            }
            if chars == max {
                return Some(if max == 0 { 0 } else { keep_end });
            }
            chars += 1;
        }
    }
    None
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

// Host tests (fixtures from disk, proptest): not in the wasm-bindgen-test build.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Out)) -> String {
        let mut o = Out::new(1 << 20);
        f(&mut o);
        String::from_utf8(o.into_bytes()).expect("utf-8")
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        for t in ["plain", "q\"b\\s", "ctl\u{0}\u{1f}\u{8}\u{c}\n\r\t", "é中😀/</script>", ""] {
            assert_eq!(s(|o| o.str(t.as_bytes(), usize::MAX)), serde_json::to_string(t).expect("json"), "{t:?}");
        }
    }

    #[test]
    fn strings_cut_on_a_character_boundary_like_truncate_chars() {
        for (t, max) in [("abcdef", 3), ("abc", 3), ("ab", 3), ("ééééé", 2), ("😀😀😀", 1), ("x", 0), ("", 0)]
        {
            let want = crate::text::truncate_chars(t, max);
            assert_eq!(s(|o| o.escaped(t.as_bytes(), max)), want, "{t:?} {max}");
        }
    }

    #[test]
    fn numbers_addresses_and_times() {
        assert_eq!(s(|o| o.num(0)), "0");
        assert_eq!(s(|o| o.num(u64::MAX)), u64::MAX.to_string());
        assert_eq!(s(|o| o.addr(0)), "\"0x0\"");
        assert_eq!(s(|o| o.addr(0x3ef4)), "\"0x3ef4\"");
        assert_eq!(s(|o| o.addr(u64::MAX)), "\"0xffffffffffffffff\"");
        for ms in [0, 7, 951_782_400_000, 1_796_642_646_123, 4_102_444_799_999, 253_402_300_799_999] {
            let want = serde_json::to_string(&crate::protocol::Timestamp(ms)).expect("json");
            assert_eq!(s(|o| o.rfc3339(ms)), want, "{ms}");
        }
    }

    #[test]
    fn the_limit_holds() {
        let mut o = Out::new(4);
        o.str(b"abcdef", 100);
        assert!(o.over());
        assert!(o.len() <= 4);
    }
}
