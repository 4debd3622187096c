//! What every event from a page says about where it happened: the page URL (with secrets in
//! its query scrubbed unless the app allowed PII), browser and OS from the user agent and, in
//! Chromium-based browsers, its client hints, and the culture (locale, time zone).

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

/// User-Agent Client Hints (`navigator.userAgentData.getHighEntropyValues`), which
/// Chromium-based browsers give instead of details their user agent string no longer has
/// (user-agent reduction): it says `Chrome/156.0.0.0`, `Windows NT 10.0` on Windows 11 and
/// `Mac OS X 10_15_7` on any macOS, and no Android device model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientHints {
    /// `fullVersionList`: (brand, full version), in the browser's order, GREASE included.
    pub brands: Vec<(String, String)>,
    /// `platform`: "Windows", "macOS", "Linux", "Android", "Chrome OS", …
    pub platform: Option<String>,
    /// `platformVersion`: the OS version (on Linux, the kernel's).
    pub platform_version: Option<String>,
    /// `model`: the device model on Android; empty elsewhere.
    pub model: Option<String>,
}

impl ClientHints {
    /// The browser's own brand and version: a product brand (`Google Chrome`, `Microsoft Edge`,
    /// `Opera`, …) before the engine's `Chromium`, never a GREASE brand (`Not A(Brand`, which
    /// browsers add so that nobody matches the list exactly).
    fn browser(&self) -> Option<(&str, &str)> {
        let real = |b: &&(String, String)| !(find(&b.0, "Not").is_some() && find(&b.0, "Brand").is_some());
        let mut brands = self.brands.iter().filter(real);
        let product = brands.clone().find(|b| b.0 != "Chromium");
        let (brand, version) = product.or_else(|| brands.next())?;
        let name = match brand.as_str() {
            "Google Chrome" => "Chrome",
            "Microsoft Edge" => "Edge",
            other => other,
        };
        Some((name, version.as_str()))
    }

    /// The OS version the hints give, as the OS is known by: Windows reports the version of
    /// its UI platform, 13 and above being Windows 11, 1 to 12 Windows 10, and 0.1 to 0.3
    /// Windows 7, 8 and 8.1.
    fn os_version(&self) -> Option<String> {
        let v = self.platform_version.as_deref().filter(|v| !v.is_empty())?;
        if self.platform.as_deref() != Some("Windows") {
            return Some(v.to_owned());
        }
        // "15.0.0": major and minor by hand (`str::parse` costs the wasm ~1 KB).
        let (mut major, mut minor, mut dots) = (0u32, 0u32, 0);
        for b in v.bytes() {
            match (b, dots) {
                (b'.', _) => dots += 1,
                (b'0'..=b'9', 0) => major = major.saturating_mul(10).saturating_add(u32::from(b - b'0')),
                (b'0'..=b'9', 1) => minor = minor.saturating_mul(10).saturating_add(u32::from(b - b'0')),
                (b'0'..=b'9', _) => {}
                _ => return None,
            }
        }
        let name = match (major, minor) {
            (13.., _) => "11",
            (1.., _) => "10",
            (0, 1) => "7",
            (0, 2) => "8",
            (0, 3) => "8.1",
            _ => return None,
        };
        Some(name.to_owned())
    }
}

/// Sets `browser`, `os`, `device` and `culture` contexts from a user agent, its client hints
/// when the browser has them, and the host's locale and time zone; unknown parts are left out.
/// Hints win over the user agent where they say more; a name the user agent is more precise
/// about (`Chrome Headless` against the hints' `Chromium`) is kept.
pub fn set_page_contexts(
    contexts: &mut Contexts,
    user_agent: Option<&str>,
    hints: Option<&ClientHints>,
    locale: Option<&str>,
    timezone: Option<&str>,
) {
    let from_ua = user_agent.and_then(browser);
    let from_hints = hints.and_then(ClientHints::browser);
    let browser = match (from_ua, from_hints) {
        (Some((ua_name, _)), Some(("Chromium", version))) => Some((ua_name, Some(version))),
        (_, Some((name, version))) => Some((name, Some(version))),
        (ua, None) => ua,
    };
    if let Some((name, version)) = browser {
        contexts.set_known("browser", &[("name", Some(name)), ("version", version)]);
    }
    let ua_os = user_agent.and_then(os);
    let hint_os = hints.and_then(|h| h.platform.as_deref().filter(|p| !p.is_empty()).map(|p| (p, h.os_version())));
    let os = match (hint_os, ua_os) {
        // Linux's platform version is the kernel's, which Sentry's OS context keeps apart.
        (Some(("Linux", kernel)), _) => Some(("Linux", "kernel_version", kernel)),
        (Some((name, version)), ua) => {
            Some((name, "version", version.or_else(|| ua.filter(|(n, _)| *n == name).and_then(|(_, v)| v))))
        }
        (None, ua) => ua.map(|(name, version)| (name, "version", version)),
    };
    if let Some((name, key, version)) = os {
        contexts.set_known("os", &[("name", Some(name)), (key, version.as_deref())]);
    }
    if let Some(model) = hints.and_then(|h| h.model.as_deref()).filter(|m| !m.is_empty()) {
        contexts.set_known("device", &[("model", Some(model))]);
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
        set_page_contexts(&mut c, Some(CHROMIUM), None, Some("en-US"), Some("Europe/Berlin"));
        assert!(c.0.get("browser").is_some() && c.0.get("os").is_some());
        assert_eq!(
            c.0.get("culture").and_then(|m| m.get("timezone")),
            Some(&crate::protocol::Value::from("Europe/Berlin"))
        );
        let mut none = Contexts::default();
        set_page_contexts(&mut none, None, None, None, None);
        assert!(none.is_empty());
    }

    fn hints(brands: &[(&str, &str)], platform: &str, version: &str, model: &str) -> ClientHints {
        ClientHints {
            brands: brands.iter().map(|(b, v)| ((*b).to_owned(), (*v).to_owned())).collect(),
            platform: Some(platform.to_owned()),
            platform_version: Some(version.to_owned()),
            model: Some(model.to_owned()),
        }
    }

    /// The contexts as (context, field) → value, for the fields a test looks at.
    fn field(c: &Contexts, context: &str, name: &str) -> Option<String> {
        match c.0.get(context)?.get(name)? {
            crate::protocol::Value::String(s) => Some(s.clone()),
            _ => None,
        }
    }

    #[test]
    fn client_hints_say_what_reduced_user_agents_no_longer_do() {
        const WIN_CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        const ANDROID: &str = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        const MAC_CHROME: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        let cases: [(&str, ClientHints, [Option<&str>; 5]); 6] = [
            // Windows 11 says "Windows NT 10.0"; the product brand wins over Chromium and GREASE.
            (
                WIN_CHROME,
                hints(
                    &[("Google Chrome", "131.0.6778.86"), ("Chromium", "131.0.6778.86"), ("Not_A Brand", "24.0.0.0")],
                    "Windows",
                    "15.0.0",
                    "",
                ),
                [Some("Chrome"), Some("131.0.6778.86"), Some("Windows"), Some("11"), None],
            ),
            (
                EDGE,
                hints(
                    &[("Not A(Brand", "99.0.0.0"), ("Microsoft Edge", "120.0.2210.91"), ("Chromium", "120.0.6099.130")],
                    "Windows",
                    "10.0.0",
                    "",
                ),
                [Some("Edge"), Some("120.0.2210.91"), Some("Windows"), Some("10"), None],
            ),
            (
                WIN_CHROME,
                hints(&[("Chromium", "109.0.5414.120")], "Windows", "0.3.0", ""),
                [Some("Chrome"), Some("109.0.5414.120"), Some("Windows"), Some("8.1"), None],
            ),
            // Android: the OS version and the device model the user agent hides.
            (
                ANDROID,
                hints(
                    &[("Google Chrome", "131.0.6778.81"), ("Chromium", "131.0.6778.81")],
                    "Android",
                    "14.0.0",
                    "Pixel 7",
                ),
                [Some("Chrome"), Some("131.0.6778.81"), Some("Android"), Some("14.0.0"), Some("Pixel 7")],
            ),
            (
                MAC_CHROME,
                hints(&[("Chromium", "131.0.6778.85"), ("Google Chrome", "131.0.6778.85")], "macOS", "14.6.1", ""),
                [Some("Chrome"), Some("131.0.6778.85"), Some("macOS"), Some("14.6.1"), None],
            ),
            // Headless Chromium: the user agent's name is the precise one, the hints' version.
            (
                CHROMIUM,
                hints(&[("Chromium", "156.0.7633.0"), ("Not-A.Brand", "24.0.0.0")], "Linux", "6.1.0", ""),
                [Some("Chrome Headless"), Some("156.0.7633.0"), Some("Linux"), None, None],
            ),
        ];
        for (ua, h, [name, version, os_name, os_version, model]) in cases {
            let mut c = Contexts::default();
            set_page_contexts(&mut c, Some(ua), Some(&h), None, None);
            let got = [
                field(&c, "browser", "name"),
                field(&c, "browser", "version"),
                field(&c, "os", "name"),
                field(&c, "os", "version"),
                field(&c, "device", "model"),
            ];
            let want = [name, version, os_name, os_version, model].map(|v| v.map(str::to_owned));
            assert_eq!(got, want, "{ua}");
        }
        // Linux's platform version is the kernel's.
        let mut c = Contexts::default();
        set_page_contexts(&mut c, Some(CHROMIUM), Some(&hints(&[], "Linux", "6.1.0", "")), None, None);
        assert_eq!(field(&c, "os", "kernel_version").as_deref(), Some("6.1.0"));
        // Hints with nothing usable leave the user agent's answer.
        let mut c = Contexts::default();
        set_page_contexts(&mut c, Some(SAFARI), Some(&ClientHints::default()), None, None);
        assert_eq!(field(&c, "os", "version").as_deref(), Some("10.15.7"));
        assert_eq!(field(&c, "browser", "name").as_deref(), Some("Safari"));
        // An unknown Windows platform version keeps the user agent's.
        let mut c = Contexts::default();
        set_page_contexts(&mut c, Some(EDGE), Some(&hints(&[], "Windows", "x", "")), None, None);
        assert_eq!(field(&c, "os", "version").as_deref(), Some("10.0"));
    }
}
