//! Event ids and timestamps: plain values the caller supplies.
//!
//! Nothing here reads a clock or a random source (`SystemTime::now()` panics on
//! `wasm32-unknown-unknown`); the host passes both in, so every test is deterministic.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A 128-bit event id, written as 32 lowercase hex digits (Sentry's `event_id`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EventId(pub [u8; 16]);

impl EventId {
    /// Builds an id from 16 random bytes, marked as a version-4 UUID as Sentry's SDKs do.
    pub fn from_random_bytes(mut bytes: [u8; 16]) -> Self {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        EventId(bytes)
    }

    /// Parses 32 hex digits, with or without the dashes of the UUID form.
    pub fn parse(s: &str) -> Option<Self> {
        let mut out = [0u8; 16];
        let mut n = 0usize;
        let mut high: Option<u8> = None;
        for c in s.bytes() {
            if c == b'-' {
                continue;
            }
            let v = (c as char).to_digit(16)? as u8;
            match high.take() {
                None => high = Some(v),
                Some(h) => {
                    *out.get_mut(n)? = (h << 4) | v;
                    n += 1;
                }
            }
        }
        (n == 16 && high.is_none()).then_some(EventId(out))
    }
}

impl EventId {
    /// The 32 lowercase hex digits (what `Display` prints, without the formatting machinery).
    pub fn to_hex(&self) -> String {
        crate::text::hex(&self.0)
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventId({self})")
    }
}

impl Serialize for EventId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        EventId::parse(&s).ok_or_else(|| serde::de::Error::custom("invalid event id"))
    }
}

/// A point in time in milliseconds since the Unix epoch, written as RFC 3339 in UTC
/// (`2026-11-23T21:27:49.123Z`), which Relay accepts wherever a timestamp goes.
///
/// Written as a string rather than a float so that the wasm build carries no float
/// formatting code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The last instant RFC 3339's four-digit years can write: 9999-12-31T23:59:59.999Z.
    pub const MAX: Timestamp = Timestamp(253_402_300_799_999);

    /// From milliseconds since the epoch, as `Date.now()` gives them. Negative or
    /// non-finite inputs clamp to the epoch, later ones to [`Timestamp::MAX`].
    pub fn from_millis_f64(ms: f64) -> Self {
        if ms.is_finite() && ms > 0.0 {
            Timestamp((ms as u64).min(Self::MAX.0))
        } else {
            Timestamp(0)
        }
    }

    /// From whole seconds, when they are within what RFC 3339 can write.
    fn from_secs(secs: u64) -> Option<Self> {
        secs.checked_mul(1000).map(Timestamp).filter(|t| *t <= Self::MAX)
    }

    /// Whole seconds since the epoch.
    pub fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// Parses the RFC 3339 form this type writes, and the common variants (no fraction,
    /// more fraction digits, `+00:00`). Returns `None` for anything else.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<u64> {
            let part = b.get(r)?;
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            part.iter().try_fold(0u64, |acc, d| acc.checked_mul(10)?.checked_add(u64::from(d - b'0')))
        };
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
            return None;
        }
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if b.get(13) != Some(&b':')
            || b.get(16) != Some(&b':')
            || mo == 0
            || mo > 12
            || d == 0
            || d > 31
            || h > 23
            || mi > 59
            || sec > 60
        {
            return None;
        }
        let mut i = 19;
        let mut millis = 0u64;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                if i - start < 3 {
                    millis = millis * 10 + u64::from(d - b'0');
                }
                i += 1;
            }
            let digits = i - start;
            if digits == 0 {
                return None;
            }
            for _ in digits..3 {
                millis *= 10;
            }
        }
        match b.get(i..) {
            Some(b"Z" | b"z" | b"+00:00" | b"") => {}
            _ => return None,
        }
        let days = days_from_civil(y as i64, mo as u32, d as u32);
        let secs = days.checked_mul(86_400)? + (h * 3600 + mi * 60 + sec) as i64;
        u64::try_from(secs).ok().map(|s| Timestamp(s * 1000 + millis))
    }
}

impl Timestamp {
    /// The calendar parts in UTC: year, month, day, hour, minute, second, millisecond (what
    /// `Display` and the JSON writer print).
    pub(crate) fn parts(self) -> [u64; 7] {
        let secs = self.0 / 1000;
        // Days since the epoch of any u64 of milliseconds fit an i64; the year is positive.
        let (y, m, d) = civil_from_days((secs / 86_400) as i64);
        let rem = secs % 86_400;
        [y as u64, u64::from(m), u64::from(d), rem / 3600, (rem / 60) % 60, rem % 60, self.0 % 1000]
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [y, m, d, h, mi, s, ms] = self.parts();
        write!(f, "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp or seconds since the epoch")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse_rfc3339(v).ok_or_else(|| E::custom("invalid timestamp"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                Timestamp::from_secs(v).ok_or_else(|| E::custom("timestamp after year 9999"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                let secs = u64::try_from(v).map_err(|_| E::custom("timestamp before 1970"))?;
                self.visit_u64(secs)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Timestamp, E> {
                if !(0.0..=Timestamp::MAX.0 as f64 / 1000.0).contains(&v) {
                    return Err(E::custom("timestamp out of range"));
                }
                Ok(Timestamp::from_millis_f64(v * 1000.0))
            }
        }
        d.deserialize_any(V)
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_round_trips_through_rfc3339() {
        for ms in [0u64, 1_795_469_269_123, 951_782_400_000, 4_102_444_799_999] {
            let t = Timestamp(ms);
            assert_eq!(Timestamp::parse_rfc3339(&t.to_string()), Some(t), "{t}");
        }
        assert_eq!(Timestamp(1_795_469_269_123).to_string(), "2026-11-23T21:27:49.123Z");
        assert_eq!(Timestamp(951_782_400_000).to_string(), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn timestamp_parse_rejects_garbage() {
        for s in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-23T21:27:49.Z", "2026-11-23T21:27:49+02:00"] {
            assert_eq!(Timestamp::parse_rfc3339(s), None, "{s}");
        }
        assert_eq!(Timestamp::parse_rfc3339("2026-11-23T21:27:49Z").map(|t| t.0 % 1000), Some(0));
    }

    #[test]
    fn event_id_is_uuid_v4_hex() {
        let id = EventId::from_random_bytes([0xff; 16]);
        let s = id.to_string();
        assert_eq!(s.len(), 32);
        assert_eq!(&s[12..13], "4");
        assert_eq!(EventId::parse(&s), Some(id));
        assert_eq!(
            EventId::parse("fc6d8c0c-43fc-4630-ad85-0b6c6a5a1eb8").map(|i| i.to_string()).as_deref(),
            Some("fc6d8c0c43fc4630ad850b6c6a5a1eb8")
        );
        assert_eq!(EventId::parse("xyz"), None);
        assert_eq!(EventId::parse("fc6d8c0c43fc4630ad850b6c6a5a1eb8aa"), None);
    }
}
