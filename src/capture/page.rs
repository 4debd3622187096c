//! What every event from a page says about where it happened: the page URL (with secrets in
//! its query scrubbed unless the app allowed PII), browser and OS from the user agent, and the
//! culture (locale, time zone).

use crate::protocol::{Contexts, Request, SortedMap};
use crate::text::{find, find_byte, from, to};

/// Query parameters whose values are replaced (Relay's default data scrubbing list, matched on
/// the lowercased name).
const SECRET_PARAMS: [&str; 9] =
    ["pass", "secret", "token", "auth", "key", "session", "credential", "signature", "sig"];

/// What Sentry puts in place of a scrubbed value.
pub const FILTERED: &str = "[Filtered]";

/// The `request` interface for a page: URL without query and fragment, the query (scrubbed
/// unless `send_default_pii`), and the user agent header.
pub fn page_request(url: &str, user_agent: Option<&str>, send_default_pii: bool) -> Request {
    let (base, fragment) = match find_byte(url, b'#') {
        Some(i) => (to(url, i), Some(from(url, i + 1))),
        None => (url, None),
    };
    let (path, query) = match find_byte(base, b'?') {
        Some(i) => (to(base, i), Some(from(base, i + 1))),
        None => (base, None),
    };
    let mut headers = SortedMap::new();
    if let Some(ua) = user_agent.filter(|u| !u.is_empty()) {
        headers.insert("User-Agent".to_owned(), ua.to_owned());
    }
    Request {
        url: Some(path.to_owned()),
        method: None,
        query_string: query
            .filter(|q| !q.is_empty())
            .map(|q| if send_default_pii { q.to_owned() } else { scrub_query(q) }),
        fragment: fragment.filter(|f| !f.is_empty() && send_default_pii).map(str::to_owned),
        headers,
    }
}

/// `a=1&token=xyz` → `a=1&token=[Filtered]`.
pub fn scrub_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        let (name, value) = match find_byte(pair, b'=') {
            Some(eq) => (to(pair, eq), Some(from(pair, eq + 1))),
            None => (pair, None),
        };
        out.push_str(name);
        if let Some(value) = value {
            out.push('=');
            let lower = name.to_ascii_lowercase();
            let secret = SECRET_PARAMS.iter().any(|s| find(&lower, s).is_some());
            out.push_str(if secret { FILTERED } else { value });
        }
    }
    out
}

/// Sets `browser`, `os` and `culture` contexts from a user agent and the host's locale and
/// time zone; unknown parts are left out.
pub fn set_page_contexts(
    contexts: &mut Contexts,
    user_agent: Option<&str>,
    locale: Option<&str>,
    timezone: Option<&str>,
) {
    if let Some(ua) = user_agent {
        if let Some((name, version)) = browser(ua) {
            contexts.set_known("browser", &[("name", Some(name)), ("version", version)]);
        }
        if let Some((name, version)) = os(ua) {
            contexts.set_known("os", &[("name", Some(name)), ("version", version.as_deref())]);
        }
    }
    if locale.is_some() || timezone.is_some() {
        contexts.set_known("culture", &[("locale", locale), ("timezone", timezone)]);
    }
}

/// The version after `marker` in `ua`: digits and dots.
fn version_after<'a>(ua: &'a str, marker: &str) -> Option<&'a str> {
    let rest = from(ua, find(ua, marker)? + marker.len());
    let end = rest.bytes().position(|b| !(b.is_ascii_digit() || b == b'.')).unwrap_or(rest.len());
    Some(to(rest, end)).filter(|v| !v.is_empty())
}

/// Browser name and version. Order matters: Edge and Opera also say Chrome, Chrome also says
/// Safari.
pub fn browser(ua: &str) -> Option<(&'static str, Option<&str>)> {
    const KNOWN: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Chrome Headless"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome Mobile iOS"),
        ("FxiOS/", "Firefox iOS"),
    ];
    for (marker, name) in KNOWN {
        if find(ua, marker).is_some() {
            return Some((name, version_after(ua, marker)));
        }
    }
    if find(ua, "Safari/").is_some() && find(ua, "Version/").is_some() {
        return Some(("Safari", version_after(ua, "Version/")));
    }
    None
}

/// Operating system name and version (versions written with `_` become dotted).
pub fn os(ua: &str) -> Option<(&'static str, Option<String>)> {
    let dotted = |v: Option<&str>| v.map(|v| v.replace('_', "."));
    let underscored = |marker: &str| -> Option<String> {
        let rest = from(ua, find(ua, marker)? + marker.len());
        let end = rest.bytes().position(|b| !(b.is_ascii_digit() || b == b'_' || b == b'.')).unwrap_or(rest.len());
        Some(to(rest, end)).filter(|v| !v.is_empty()).map(str::to_owned)
    };
    if find(ua, "Windows NT ").is_some() {
        return Some(("Windows", dotted(version_after(ua, "Windows NT "))));
    }
    if find(ua, "iPhone OS ").is_some() || find(ua, "iPad").is_some() {
        return Some(("iOS", dotted(underscored("OS ").as_deref())));
    }
    if find(ua, "Mac OS X").is_some() {
        return Some(("macOS", dotted(underscored("Mac OS X ").as_deref())));
    }
    if find(ua, "Android").is_some() {
        return Some(("Android", version_after(ua, "Android ").map(str::to_owned)));
    }
    if find(ua, "CrOS").is_some() {
        return Some(("Chrome OS", None));
    }
    if find(ua, "Linux").is_some() {
        return Some(("Linux", None));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROMIUM: &str =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";
    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0";
    const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
    const EDGE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91";
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";

    #[test]
    fn browsers_and_systems_from_user_agents() {
        assert_eq!(browser(CHROMIUM), Some(("Chrome Headless", Some("156.0.0.0"))));
        assert_eq!(browser(FIREFOX), Some(("Firefox", Some("153.0"))));
        assert_eq!(browser(SAFARI), Some(("Safari", Some("17.4"))));
        assert_eq!(browser(EDGE), Some(("Edge", Some("120.0.2210.91"))));
        assert_eq!(browser("curl/8"), None);
        assert_eq!(os(CHROMIUM), Some(("Linux", None)));
        assert_eq!(os(SAFARI), Some(("macOS", Some("10.15.7".into()))));
        assert_eq!(os(EDGE), Some(("Windows", Some("10.0".into()))));
        assert_eq!(os(IPHONE), Some(("iOS", Some("17.2".into()))));
    }

    #[test]
    fn page_urls_lose_query_secrets_unless_pii_is_allowed() {
        let r = page_request("https://shop.example/checkout?step=2&token=abc&api_key=k#pay", Some(FIREFOX), false);
        assert_eq!(r.url.as_deref(), Some("https://shop.example/checkout"));
        assert_eq!(r.query_string.as_deref(), Some("step=2&token=[Filtered]&api_key=[Filtered]"));
        assert_eq!(r.fragment, None);
        assert_eq!(r.headers.get("User-Agent").map(String::as_str), Some(FIREFOX));
        let pii = page_request("https://shop.example/checkout?token=abc#pay", None, true);
        assert_eq!((pii.query_string.as_deref(), pii.fragment.as_deref()), (Some("token=abc"), Some("pay")));
        assert_eq!(scrub_query("a&b=&Session_Id=1"), "a&b=&Session_Id=[Filtered]");
    }

    #[test]
    fn contexts_are_set_for_what_is_known() {
        let mut c = Contexts::default();
        set_page_contexts(&mut c, Some(CHROMIUM), Some("en-US"), Some("Europe/Berlin"));
        assert!(c.0.get("browser").is_some() && c.0.get("os").is_some());
        assert_eq!(
            c.0.get("culture").and_then(|m| m.get("timezone")),
            Some(&crate::protocol::Value::from("Europe/Berlin"))
        );
        let mut none = Contexts::default();
        set_page_contexts(&mut none, None, None, None);
        assert!(none.is_empty());
    }
}
