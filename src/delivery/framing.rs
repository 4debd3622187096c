//! Envelope bytes split into their items, so that rate-limited items can be taken out of an
//! envelope that is already serialized (a queued one, or one restored from the offline store)
//! without parsing its payloads.
//!
//! Framing follows Relay's reader (`crate::envelope::reader`): a header line; per item a
//! header line, then `length` bytes or, without `length`, the bytes up to the next newline.
//! Only the item headers' `type` and `length` are read, by a small scanner for one flat JSON
//! object, so the wasm build links no JSON parser.

use super::rate_limit::{item_category, RateLimits};
use crate::protocol::Timestamp;

/// An envelope's bytes and where its items are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Framed {
    bytes: Vec<u8>,
    /// End of the envelope header line, its newline included.
    header_end: usize,
    items: Vec<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    category: String,
}

impl Framed {
    /// Splits `bytes`; `None` when they are not an envelope with at least one item.
    pub(crate) fn parse(bytes: Vec<u8>) -> Option<Framed> {
        let header_end = line_end(&bytes, 0)?;
        let mut items = Vec::new();
        let mut at = header_end;
        while at < bytes.len() {
            let header_end = line_end(&bytes, at)?;
            let line = bytes.get(at..header_end)?;
            let (ty, length) = item_header(line)?;
            let end = match length {
                Some(n) => {
                    let payload_end = header_end.checked_add(n).filter(|&e| e <= bytes.len())?;
                    match bytes.get(payload_end) {
                        Some(b'\n') => payload_end + 1,
                        None => payload_end,
                        Some(_) => return None,
                    }
                }
                None => line_end(&bytes, header_end).unwrap_or(bytes.len()),
            };
            items.push(Span { start: at, end, category: item_category(&ty).to_owned() });
            at = end;
        }
        if items.is_empty() {
            return None;
        }
        Some(Framed { bytes, header_end, items })
    }

    /// An envelope this SDK wrote ([`Framed::parse`]: `beforeSend` and the offline store may
    /// have handed back any bytes).
    pub(crate) fn written(bytes: Vec<u8>) -> Option<Framed> {
        Framed::parse(bytes)
    }

    /// The bytes, as they will be sent.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Byte length.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The items' data categories, in order.
    pub(crate) fn categories(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|s| s.category.as_str())
    }

    /// Whether every item is a client report (never counted when dropped, never stored).
    pub(crate) fn is_internal(&self) -> bool {
        self.categories().all(|c| c == "internal")
    }

    /// Takes out the items whose category is limited at `now` and returns their categories.
    /// The envelope header stays as it was, as @sentry/core does when it filters items.
    pub(crate) fn remove_limited(&mut self, limits: &RateLimits, now: Timestamp) -> Vec<String> {
        if !self.items.iter().any(|s| limits.is_limited(&s.category, now)) {
            return Vec::new();
        }
        let mut bytes = self.bytes.get(..self.header_end).map(<[u8]>::to_vec).unwrap_or_default();
        let mut kept = Vec::new();
        let mut removed = Vec::new();
        for span in self.items.drain(..) {
            if limits.is_limited(&span.category, now) {
                removed.push(span.category);
                continue;
            }
            let start = bytes.len();
            bytes.extend_from_slice(self.bytes.get(span.start..span.end).unwrap_or_default());
            if bytes.last() != Some(&b'\n') {
                bytes.push(b'\n');
            }
            kept.push(Span { start, end: bytes.len(), category: span.category });
        }
        self.bytes = bytes;
        self.items = kept;
        removed
    }

    /// Whether no item is left.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The end of the line starting at `from`: past its `\n`, or the end of `bytes`.
fn line_end(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    Some(rest.iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| from + i + 1))
}

/// `type` and `length` of an item header: one flat JSON object. Other fields are skipped
/// whatever their value; a header that is not an object, or has no string `type`, is `None`.
fn item_header(line: &[u8]) -> Option<(String, Option<usize>)> {
    let mut c = Cursor { b: line, i: 0 };
    c.eat(b'{')?;
    let (mut ty, mut length) = (None, None);
    if c.peek() == Some(b'}') {
        return None;
    }
    loop {
        let key = c.string()?;
        c.eat(b':')?;
        match key {
            b"type" => ty = Some(std::str::from_utf8(c.string()?).ok()?.to_owned()),
            b"length" => length = Some(c.number()?),
            _ => c.skip_value()?,
        }
        match c.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    Some((ty?, length))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn skip_ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    fn eat(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    /// A string's raw bytes between its quotes (escapes left as they are).
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
        let s = self.b.get(start..self.i)?;
        self.i += 1;
        Some(s)
    }

    fn number(&mut self) -> Option<usize> {
        self.skip_ws();
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        let digits = self.b.get(start..self.i).filter(|d| !d.is_empty())?;
        digits.iter().try_fold(0usize, |n, d| n.checked_mul(10)?.checked_add(usize::from(d - b'0')))
    }

    /// Skips a value: a string, an object or array (balanced, strings respected), or a scalar.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' if depth == 0 => return None,
                _ => self.i += 1,
            }
            if depth == 0 && matches!(self.peek(), Some(b',' | b'}')) {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{Envelope, Item};

    fn item(ty: &str, payload: &[u8]) -> Item {
        Item { ty: ty.into(), content_type: None, filename: None, payload: payload.to_vec() }
    }

    fn envelope(items: Vec<Item>) -> Vec<u8> {
        Envelope { headers: Default::default(), items }.to_bytes()
    }

    #[test]
    fn splits_what_the_writer_writes() {
        let bytes = envelope(vec![
            item("event", b"{\"a\":\"x\\ny\"}"),
            Item {
                content_type: Some("text/plain".into()),
                filename: Some("a \"b\".txt".into()),
                ..item("attachment", b"line1\nline2")
            },
            item("client_report", b"{}"),
        ]);
        let f = Framed::parse(bytes.clone()).expect("framed");
        assert_eq!(f.categories().collect::<Vec<_>>(), ["error", "attachment", "internal"]);
        assert_eq!(f.bytes(), bytes.as_slice());
        assert!(!f.is_internal());
    }

    #[test]
    fn removes_limited_items_and_keeps_the_rest_byte_for_byte() {
        let bytes = envelope(vec![item("event", b"{}"), item("attachment", b"abc"), item("session", b"{}")]);
        let mut f = Framed::parse(bytes).expect("framed");
        let mut limits = RateLimits::new();
        limits.update(Timestamp(0), 200, None, Some("60:attachment"));
        assert_eq!(f.remove_limited(&limits, Timestamp(1)), ["attachment"]);
        let expected = envelope(vec![item("event", b"{}"), item("session", b"{}")]);
        assert_eq!(f.bytes(), expected.as_slice());
        assert_eq!(Framed::parse(expected).map(|g| g.items), Some(f.items.clone()));
        assert!(f.remove_limited(&limits, Timestamp(1)).is_empty());
        limits.update(Timestamp(0), 429, None, None);
        assert_eq!(f.remove_limited(&limits, Timestamp(1)), ["error", "session"]);
        assert!(f.is_empty());
    }

    #[test]
    fn items_without_length_and_a_missing_final_newline() {
        let raw = b"{}\n{\"type\":\"event\"}\n{\"x\":1}\n{\"length\":2,\"type\":\"attachment\",\"meta\":{\"a\":[1,\"}\"]}}\nab".to_vec();
        let f = Framed::parse(raw).expect("framed");
        assert_eq!(f.categories().collect::<Vec<_>>(), ["error", "attachment"]);
    }

    #[test]
    fn broken_framing_is_rejected_not_panicked_on() {
        let cases: [&[u8]; 10] = [
            b"",
            b"{}",
            b"{}\n",
            b"{}\nnot json\n{}",
            b"{}\n{\"type\":\"event\",\"length\":99}\n{}\n",
            b"{}\n{\"type\":\"event\",\"length\":2}\nabc\n",
            b"{}\n{\"length\":2}\nab\n",
            b"{}\n{\"type\":1}\n{}\n",
            b"{}\n{\"type\":\"event\",\"length\":99999999999999999999999}\n",
            b"{}\n{\"type\":\"ev\\",
        ];
        for bytes in cases {
            assert_eq!(Framed::parse(bytes.to_vec()), None, "{:?}", String::from_utf8_lossy(bytes));
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any bytes: no panic, and what parses keeps its bytes.
        #[test]
        fn any_bytes_are_safe(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Some(f) = Framed::parse(bytes.clone()) {
                prop_assert_eq!(f.bytes(), bytes.as_slice());
            }
        }

        /// Envelope-shaped text with random item headers and payloads: no panic, and a limit
        /// on everything empties whatever parsed.
        #[test]
        fn envelope_like_text_is_safe(
            headers in proptest::collection::vec("\\{(\"[a-z\\\\\"]{0,6}\":(\"[a-z{}\\[\\],\\\\\"]{0,8}\"|[0-9]{1,3}|\\{\\}|\\[1,\\{\\}\\])[,]?){0,4}\\}", 1..4),
            payload in "[a-z\n{}]{0,12}",
        ) {
            let mut text = String::from("{}\n");
            for h in &headers {
                text.push_str(h);
                text.push('\n');
                text.push_str(&payload);
                text.push('\n');
            }
            if let Some(mut f) = Framed::parse(text.clone().into_bytes()) {
                let mut limits = RateLimits::new();
                limits.update(Timestamp(0), 429, None, None);
                f.remove_limited(&limits, Timestamp(1));
                prop_assert!(f.is_empty());
            }
        }
    }
}
