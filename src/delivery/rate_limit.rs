//! Rate limits, as Sentry's SDK spec has them
//! (<https://develop.sentry.dev/sdk/expected-features/rate-limiting/>), with @sentry/core's
//! `updateRateLimits` (utils/ratelimit.js) as the reference for what the headers mean:
//!
//! 1. `X-Sentry-Rate-Limits`, on any response: `retry_after:categories:scope:reason_code[:namespaces]`,
//!    comma-separated; empty categories mean all of them. When present, the other headers are
//!    not looked at.
//! 2. Else `Retry-After` (delay-seconds or an HTTP-date): every category.
//! 3. Else a `429`: every category for 60 seconds.
//!
//! Where the two differ, the spec wins: a shorter limit never replaces a longer one ("always
//! keep the maximum"), and a malformed `retry_after` drops its limit instead of defaulting to
//! 60 s. Input is bounded and parsed with checked arithmetic: a header never panics.

use crate::protocol::Timestamp;
use crate::text::split_byte;

/// How long a `429` without usable headers, or an unreadable `Retry-After`, disables sending.
const DEFAULT_RETRY_AFTER_MS: u64 = 60_000;

/// Bytes of a header that are read. Relay writes one entry per active quota, well under this.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// Categories remembered with a deadline. Sentry has about twenty; names beyond this many are
/// not remembered (they could only be unknown ones, which match nothing we send).
const MAX_CATEGORIES: usize = 32;

/// Bytes of a category name. Sentry's longest is `profile_chunk_ui` (16).
const MAX_CATEGORY_BYTES: usize = 64;

/// One entry of an `X-Sentry-Rate-Limits` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaLimit {
    /// How long the limit lasts, in milliseconds (the header's seconds may have a fraction).
    pub retry_after_ms: u64,
    /// The data categories it covers; empty means every category.
    pub categories: Vec<String>,
}

/// The rate limits in force: a deadline per data category and one for all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// Until when (ms since the epoch) every category is limited; 0 when none.
    all: u64,
    /// Per-category deadlines.
    categories: Vec<(String, u64)>,
}

impl RateLimits {
    /// No limits.
    pub fn new() -> Self {
        RateLimits::default()
    }

    /// Takes in one response: its status and its `Retry-After` and `X-Sentry-Rate-Limits`
    /// values (as `Headers.get` gives them: `None` when absent).
    pub fn update(&mut self, now: Timestamp, status: u16, retry_after: Option<&str>, rate_limits: Option<&str>) {
        self.categories.retain(|(_, until)| *until > now.0);
        fn present(h: Option<&str>) -> Option<&str> {
            h.filter(|v| !v.trim_ascii().is_empty())
        }
        if let Some(header) = present(rate_limits) {
            for limit in parse_rate_limits(header) {
                let until = now.0.saturating_add(limit.retry_after_ms).min(Timestamp::MAX.0);
                if limit.categories.is_empty() {
                    self.all = self.all.max(until);
                }
                for category in &limit.categories {
                    self.limit(category, until);
                }
            }
        } else if let Some(value) = present(retry_after) {
            let until = now.0.saturating_add(parse_retry_after(value, now)).min(Timestamp::MAX.0);
            self.all = self.all.max(until);
        } else if status == 429 {
            self.all = self.all.max(now.0.saturating_add(DEFAULT_RETRY_AFTER_MS));
        }
    }

    fn limit(&mut self, category: &str, until: u64) {
        if let Some((_, t)) = self.categories.iter_mut().find(|(c, _)| c == category) {
            *t = (*t).max(until);
        } else if self.categories.len() < MAX_CATEGORIES {
            self.categories.push((category.to_owned(), until));
        }
    }

    /// Until when items of `category` may not be sent: the later of its own limit and the
    /// limit on all categories; `None` when it was never limited (or only in the past, and
    /// forgotten since).
    pub fn disabled_until(&self, category: &str) -> Option<Timestamp> {
        let own = self.categories.iter().find(|(c, _)| c == category).map_or(0, |(_, t)| *t);
        let until = own.max(self.all);
        (until > 0).then_some(Timestamp(until))
    }

    /// Whether items of `category` may not be sent at `now`.
    pub fn is_limited(&self, category: &str, now: Timestamp) -> bool {
        self.disabled_until(category).is_some_and(|t| t > now)
    }
}

/// The entries of an `X-Sentry-Rate-Limits` value that can be read; the others are skipped
/// one by one. Spaces anywhere are ignored. A `metric_bucket` category counts only when the
/// entry names no namespaces or names `custom`, as in @sentry/core. An entry whose categories
/// all drop out that way is left out (it must not turn into a limit on everything).
pub fn parse_rate_limits(header: &str) -> Vec<QuotaLimit> {
    let header = crate::text::to(header, floor_boundary(header, MAX_HEADER_BYTES));
    let mut out = Vec::new();
    for entry in split_byte(header, b',') {
        let mut parts = split_byte(entry, b':').map(str::trim_ascii);
        let Some(retry_after_ms) = parts.next().and_then(parse_seconds) else { continue };
        let categories = parts.next().unwrap_or("");
        let (_scope, _reason) = (parts.next(), parts.next());
        let namespaces = parts.next().unwrap_or("");
        if categories.is_empty() {
            out.push(QuotaLimit { retry_after_ms, categories: Vec::new() });
            continue;
        }
        let custom_metrics = namespaces.is_empty() || split_byte(namespaces, b';').any(|n| n.trim_ascii() == "custom");
        let mut names = Vec::new();
        for c in split_byte(categories, b';').map(str::trim_ascii) {
            if !c.is_empty() && c.len() <= MAX_CATEGORY_BYTES && (c != "metric_bucket" || custom_metrics) {
                names.push(c.to_owned());
            }
        }
        if !names.is_empty() {
            out.push(QuotaLimit { retry_after_ms, categories: names });
        }
    }
    out
}

/// A `Retry-After` value as a delay in milliseconds from `now`: delay-seconds, or an
/// HTTP-date (a date in the past is no delay). Anything else is 60 seconds, as in @sentry/core.
pub fn parse_retry_after(value: &str, now: Timestamp) -> u64 {
    let value = crate::text::to(value, floor_boundary(value, 256));
    if let Some(ms) = parse_seconds(value.trim_ascii()) {
        return ms;
    }
    // The npm module's host turns an HTTP-date into seconds before it gets here (`Date.parse`
    // in js/transport.js): the parser below cost that module 1.3 KB gzip (docs/size.md).
    if cfg!(feature = "npm") {
        return DEFAULT_RETRY_AFTER_MS;
    }
    match parse_http_date(value) {
        Some(at) => at.0.saturating_sub(now.0),
        None => DEFAULT_RETRY_AFTER_MS,
    }
}

/// Seconds as `digits[.digits]` to milliseconds, rounding a finer fraction up; saturates
/// instead of overflowing. `None` for anything else (signs and exponents included).
pub(crate) fn parse_seconds(s: &str) -> Option<u64> {
    seconds_ms(s.as_bytes())
}

/// [`parse_seconds`] over bytes (the lean policy reads headers without `str`).
pub(crate) fn seconds_ms(s: &[u8]) -> Option<u64> {
    let (int, frac) = match s.iter().position(|&b| b == b'.') {
        Some(dot) => (s.get(..dot).unwrap_or_default(), s.get(dot + 1..).unwrap_or_default()),
        None => (s, &b""[..]),
    };
    let digits = |t: &[u8]| t.iter().all(u8::is_ascii_digit);
    if int.is_empty() || !digits(int) || !digits(frac) || (s.len() > int.len() && frac.is_empty()) {
        return None;
    }
    let secs = int.iter().fold(0u64, |acc, d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    let mut ms = 0u64;
    let mut scale = 100;
    for (i, d) in frac.iter().enumerate() {
        if i < 3 {
            ms += u64::from(d - b'0') * scale;
            scale /= 10;
        } else if *d != b'0' {
            ms += 1;
            break;
        }
    }
    Some(secs.saturating_mul(1000).saturating_add(ms))
}

/// The largest char boundary of `s` at or below `max`.
fn floor_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// An HTTP-date (RFC 9110 §5.6.7) as a timestamp: the IMF-fixdate every server sends
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), and the obsolete RFC 850
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`) forms that
/// recipients must accept. Dates before 1970 give the epoch. `None` for anything else.
pub fn parse_http_date(s: &str) -> Option<Timestamp> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const FULL_DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    if s.len() > 64 {
        return None;
    }
    let (mut day, mut month, mut year, mut time) = (None, None, None, None);
    for token in s.split([' ', '\t', ',', '-']).filter(|t| !t.is_empty()) {
        let lower = token.to_ascii_lowercase();
        if token.bytes().all(|b| b.is_ascii_digit()) {
            let n = token.bytes().try_fold(0i64, |acc, d| acc.checked_mul(10)?.checked_add(i64::from(d - b'0')))?;
            match (token.len(), day) {
                (1 | 2, None) => day = Some(n),
                // RFC 9110: a two-digit year more than 50 years ahead is in the past century;
                // read as "00–69 → 20xx", the rule every HTTP library uses.
                (2, Some(_)) if year.is_none() => year = Some(if n < 70 { 2000 + n } else { 1900 + n }),
                (4, _) if year.is_none() => year = Some(n),
                _ => return None,
            }
        } else if crate::text::find_byte(token, b':').is_some() {
            let mut hms = split_byte(token, b':').map(|p| {
                (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.bytes().fold(0i64, |a, d| a * 10 + i64::from(d - b'0')))
            });
            let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
            if hms.next().is_some() || time.is_some() || h > 23 || m > 59 || sec > 60 {
                return None;
            }
            time = Some(h * 3600 + m * 60 + sec.min(59));
        } else if let Some(i) = MONTHS.iter().position(|m| *m == lower) {
            if month.is_some() {
                return None;
            }
            month = Some(i as i64 + 1);
        } else if !(DAYS.contains(&lower.as_str()) || FULL_DAYS.contains(&lower.as_str()) || lower == "gmt") {
            return None;
        }
    }
    let (day, month, year, time) = (day?, month?, year?, time?);
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let secs = days_from_civil(year, month, day).checked_mul(86_400)?.checked_add(time)?;
    let ms = u64::try_from(secs).unwrap_or(0).checked_mul(1000)?;
    Some(Timestamp(ms.min(Timestamp::MAX.0)))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The data category of an envelope item type, as @sentry/core's
/// `envelopeItemTypeToDataCategory`: a few types are renamed, the others are their own
/// category (and an unknown one matches only a limit on that very name).
pub fn item_category(item_type: &str) -> &str {
    match item_type {
        "sessions" => "session",
        "event" => "error",
        "client_report" => "internal",
        "user_report" => "default",
        "profile_chunk" => "profile",
        "replay_event" | "replay_recording" => "replay",
        "check_in" => "monitor",
        "raw_security" => "security",
        "log" => "log_item",
        "metric" => "trace_metric",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_000_000);

    fn limits(status: u16, retry_after: Option<&str>, header: Option<&str>) -> RateLimits {
        let mut l = RateLimits::new();
        l.update(NOW, status, retry_after, header);
        l
    }

    fn until(l: &RateLimits, category: &str) -> Option<u64> {
        l.disabled_until(category).map(|t| t.0 - NOW.0)
    }

    #[test]
    fn spec_example_with_categories() {
        // develop.sentry.dev "Rate Limiting", first example (header folded for readability).
        let l = limits(429, Some("2700"), Some("60:transaction:key,\n  2700:default;error;security:organization"));
        assert_eq!(until(&l, "transaction"), Some(60_000));
        for c in ["default", "error", "security"] {
            assert_eq!(until(&l, c), Some(2_700_000), "{c}");
        }
        assert_eq!(until(&l, "session"), None, "Retry-After is ignored when X-Sentry-Rate-Limits is present");
        assert!(l.is_limited("error", Timestamp(NOW.0 + 2_699_999)));
        assert!(!l.is_limited("error", Timestamp(NOW.0 + 2_700_000)));
        assert!(!l.is_limited("transaction", Timestamp(NOW.0 + 60_000)));
    }

    #[test]
    fn spec_example_with_empty_categories() {
        let l = limits(429, Some("2700"), Some("60::organization, 2700::organization"));
        for c in ["error", "default", "internal", "anything"] {
            assert_eq!(until(&l, c), Some(2_700_000), "the longest limit on all categories wins");
        }
    }

    #[test]
    fn spec_example_for_metric_buckets() {
        let l = limits(429, Some("2700"), Some("2700:metric_bucket:organization:quota_exceeded:custom"));
        assert_eq!(until(&l, "metric_bucket"), Some(2_700_000));
        let other = limits(429, None, Some("2700:metric_bucket:organization:quota_exceeded:other;ns"));
        assert_eq!(until(&other, "metric_bucket"), None);
        assert_eq!(until(&other, "error"), None, "a filtered-out entry does not become a limit on all");
        let none = limits(200, None, Some("10:metric_bucket:organization:quota_exceeded"));
        assert_eq!(until(&none, "metric_bucket"), Some(10_000), "no namespaces: all metrics");
    }

    #[test]
    fn rate_limit_header_counts_on_any_status() {
        let l = limits(200, None, Some("30:error:key"));
        assert_eq!(until(&l, "error"), Some(30_000));
        assert_eq!(until(&l, "default"), None);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(until(&limits(429, Some("120"), None), "error"), Some(120_000));
        assert_eq!(until(&limits(429, Some(" 7 "), None), "session"), Some(7_000));
        assert_eq!(until(&limits(503, Some("5"), None), "error"), Some(5_000), "as @sentry/core: any status");
        let at = parse_http_date("Thu, 01 Jan 1970 00:20:00 GMT").map(|t| t.0);
        assert_eq!(at, Some(1_200_000));
        assert_eq!(until(&limits(429, Some("Thu, 01 Jan 1970 00:20:00 GMT"), None), "error"), Some(200_000));
        assert_eq!(parse_retry_after("Thu, 01 Jan 1970 00:00:01 GMT", NOW), 0, "a past date is no delay");
        assert_eq!(parse_retry_after("soon", NOW), 60_000);
        assert_eq!(parse_retry_after("1.5", NOW), 1_500);
    }

    #[test]
    fn bare_429_is_sixty_seconds_for_everything() {
        let l = limits(429, None, None);
        assert_eq!(until(&l, "error"), Some(60_000));
        assert_eq!(until(&l, "internal"), Some(60_000));
        assert_eq!(limits(429, Some(""), Some("  ")), l, "empty headers count as absent");
        assert_eq!(limits(200, None, None), RateLimits::new());
        assert_eq!(limits(500, None, None), RateLimits::new());
    }

    #[test]
    fn longer_limits_are_kept() {
        let mut l = limits(200, None, Some("100:error"));
        l.update(NOW, 200, None, Some("10:error;default"));
        assert_eq!(until(&l, "error"), Some(100_000));
        assert_eq!(until(&l, "default"), Some(10_000));
        l.update(Timestamp(NOW.0 + 50_000), 429, None, None);
        assert_eq!(until(&l, "error"), Some(110_000), "all (50 s + 60 s) outlasts error's own");
    }

    #[test]
    fn unknown_categories_match_only_themselves() {
        let l = limits(429, None, Some("60:future_thing;error:scope"));
        assert_eq!(until(&l, "future_thing"), Some(60_000));
        assert_eq!(until(&l, "error"), Some(60_000));
        assert_eq!(until(&l, "default"), None);
        assert_eq!(until(&limits(429, None, Some("60:unknown_only")), "error"), None);
    }

    #[test]
    fn whitespace_fractions_and_extra_fields() {
        let got = parse_rate_limits(" 1.25 : error ; default : org : reason : ns : more : fields ,\t2:: ");
        assert_eq!(
            got,
            [
                QuotaLimit { retry_after_ms: 1250, categories: vec!["error".into(), "default".into()] },
                QuotaLimit { retry_after_ms: 2000, categories: vec![] },
            ]
        );
        assert_eq!(parse_rate_limits("0.0001:error")[0].retry_after_ms, 1, "fractions round up");
        assert_eq!(parse_rate_limits("5")[0], QuotaLimit { retry_after_ms: 5000, categories: vec![] });
    }

    #[test]
    fn malformed_entries_are_skipped_one_by_one() {
        let header = "abc:error, :error, -5:error, 1e3:error, 5.:error, .5:error, 10:session, ,,, 99999999999999999999999:default";
        let got = parse_rate_limits(header);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], QuotaLimit { retry_after_ms: 10_000, categories: vec!["session".into()] });
        assert_eq!(got[1].retry_after_ms, u64::MAX, "huge values saturate");
        let l = limits(429, Some("30"), Some("garbage"));
        assert_eq!(until(&l, "error"), None, "a present but unreadable header still takes precedence");
        let huge = limits(429, None, Some("99999999999999999999999::"));
        assert_eq!(huge.disabled_until("error"), Some(Timestamp::MAX));
    }

    #[test]
    fn hostile_headers_never_panic() {
        let long = "1:".repeat(100_000);
        let many = (0..1000).map(|i| ["1:c", &i.to_string()].concat()).collect::<Vec<_>>().join(",");
        let inputs =
            ["", ":", "::::", ",", ";;;", "1:;;;", "é:ü", "1:é;ü", "\u{0}", &long, &many, "1:\u{fffd}\u{10ffff}"];
        for h in inputs {
            let mut l = RateLimits::new();
            l.update(NOW, 429, Some(h), Some(h));
            let _ = parse_retry_after(h, NOW);
            let _ = parse_http_date(h);
        }
        let mut l = RateLimits::new();
        l.update(NOW, 200, None, Some(&many));
        assert!(l.categories.len() <= MAX_CATEGORIES);
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        let expect = Some(Timestamp(784_111_777_000));
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expect);
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expect);
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), expect);
        assert_eq!(parse_http_date("Wed, 29 Feb 2028 23:59:59 GMT"), Some(Timestamp(1_835_481_599_000)));
        assert_eq!(parse_http_date("Mon, 01 Jan 2024 00:00:00 GMT"), Some(Timestamp(1_704_067_200_000)));
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(Timestamp(0)));
        assert_eq!(parse_http_date("Tuesday, 01-Jan-30 00:00:00 GMT"), Some(Timestamp(1_893_456_000_000)));
        for bad in [
            "Sun, 31 Feb 2024 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "1994-11-06T08:49:37Z",
            "",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        assert_eq!(parse_http_date("Thu, 01 Jan 1900 00:00:00 GMT"), Some(Timestamp(0)), "before 1970: the epoch");
    }

    #[test]
    fn days_match_a_naive_count() {
        let mut days = 0i64;
        for year in 1970..2100 {
            for month in 1..=12 {
                assert_eq!(days_from_civil(year, month, 1), days, "{year}-{month}");
                days += days_in_month(year, month);
            }
        }
    }

    #[test]
    fn item_types_map_like_sentry_core() {
        let pairs = [
            ("event", "error"),
            ("transaction", "transaction"),
            ("attachment", "attachment"),
            ("session", "session"),
            ("sessions", "session"),
            ("client_report", "internal"),
            ("user_report", "default"),
            ("profile", "profile"),
            ("profile_chunk", "profile"),
            ("replay_event", "replay"),
            ("replay_recording", "replay"),
            ("check_in", "monitor"),
            ("raw_security", "security"),
            ("log", "log_item"),
            ("metric", "trace_metric"),
            ("span", "span"),
            ("feedback", "feedback"),
            ("something_new", "something_new"),
        ];
        for (ty, category) in pairs {
            assert_eq!(item_category(ty), category, "{ty}");
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_header_is_safe(rate_limits in "[0-9a-z:;, .\t\u{e9}-]{0,60}", retry_after in "[0-9A-Za-z:, .-]{0,40}", status in any::<u16>()) {
            let mut l = RateLimits::new();
            l.update(Timestamp(5), status, Some(&retry_after), Some(&rate_limits));
            let _ = parse_http_date(&retry_after);
            prop_assert!(l.categories.len() <= MAX_CATEGORIES);
        }

        /// Every date written in IMF-fixdate reads back to the same second.
        #[test]
        fn imf_fixdates_round_trip(days in 0i64..2_932_896, secs in 0i64..86_400) {
            let ts = Timestamp(((days * 86_400 + secs) * 1000) as u64);
            let [y, mo, d, h, mi, s, _] = ts.parts();
            const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
            let text = format!("Mon, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT", MONTHS[(mo - 1) as usize]);
            prop_assert_eq!(parse_http_date(&text), Some(ts), "{}", text);
        }
    }
}
