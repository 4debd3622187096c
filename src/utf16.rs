//! Byte offsets in UTF-8 text to the UTF-16 offsets JavaScript strings use.
//!
//! Only the wasm binding needs these (to hand JavaScript `slice` offsets into the string it
//! passed), but they are plain code, tested here on the host.

/// Number of UTF-16 units in `s` (what JavaScript's `length` says).
#[cfg_attr(eb_speed, optimize(speed))]
pub(crate) fn utf16_len(s: &str) -> usize {
    s.bytes().map(|b| utf16_weight(b) as usize).sum()
}

/// UTF-16 units contributed by one UTF-8 byte: one per character start, two for the start
/// of a 4-byte character, none for continuation bytes.
#[cfg_attr(eb_speed, inline(always))]
#[cfg_attr(not(eb_speed), inline)]
fn utf16_weight(b: u8) -> u32 {
    match b {
        0x80..=0xBF => 0,
        0xF0..=0xFF => 2,
        _ => 1,
    }
}

/// Byte offsets to UTF-16 offsets. ASCII input (the common case) maps one to one; other
/// input uses a checkpoint every [`Self::STEP`] bytes, so each lookup costs at most one step.
pub(crate) struct Utf16Offsets<'a> {
    text: &'a [u8],
    checkpoints: Vec<u32>,
}

impl<'a> Utf16Offsets<'a> {
    const STEP: usize = 256;

    #[cfg_attr(eb_speed, optimize(speed))]
    pub(crate) fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        if text.is_ascii() {
            return Utf16Offsets { text: bytes, checkpoints: Vec::new() };
        }
        let mut checkpoints = Vec::with_capacity(bytes.len() / Self::STEP + 1);
        let mut units = 0u32;
        for chunk in bytes.chunks(Self::STEP) {
            checkpoints.push(units);
            units += chunk.iter().map(|&b| utf16_weight(b)).sum::<u32>();
        }
        Utf16Offsets { text: bytes, checkpoints }
    }

    #[cfg_attr(eb_speed, inline(always))]
    pub(crate) fn at(&self, byte: usize) -> u32 {
        if self.checkpoints.is_empty() {
            return byte as u32;
        }
        let k = byte / Self::STEP;
        let base = self.checkpoints.get(k).copied().unwrap_or(0);
        let from = k * Self::STEP;
        base + self.text.get(from..byte).unwrap_or_default().iter().map(|&b| utf16_weight(b)).sum::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_match_javascript_lengths() {
        for text in ["plain ascii", "é at start", "mixed € and 😀 and more", &"ü😀x".repeat(300)] {
            let map = Utf16Offsets::new(text);
            for (i, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                assert_eq!(map.at(i) as usize, text[..i].encode_utf16().count(), "{text:?} at {i}");
            }
            assert_eq!(utf16_len(text), text.encode_utf16().count());
        }
    }
}
