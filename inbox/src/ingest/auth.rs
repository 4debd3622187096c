//! Where a request's key comes from, as Sentry reads it: `X-Sentry-Auth`
//! (`Sentry sentry_key=…, sentry_version=7, …`), the same in `Authorization`, the
//! `sentry_key` query parameter (what `sendBeacon` and tunnels use), or the envelope header's
//! `dsn`.

use axum::http::HeaderMap;

/// The `sentry_key` of the auth headers, if any.
pub fn key_from_headers(headers: &HeaderMap) -> Option<String> {
    for name in ["x-sentry-auth", "authorization"] {
        let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) else { continue };
        if let Some(key) = key_from_auth(value) {
            return Some(key);
        }
    }
    None
}

/// `Sentry sentry_key=abc, sentry_version=7` → `abc`.
pub fn key_from_auth(value: &str) -> Option<String> {
    let v = value.trim();
    let v = match v.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("sentry ") => v.get(7..).unwrap_or(""),
        _ => v,
    };
    v.split(',').find_map(|pair| {
        let (k, val) = pair.split_once('=')?;
        (k.trim() == "sentry_key").then(|| val.trim().to_owned()).filter(|s| !s.is_empty())
    })
}

/// The `sentry_key` query parameter, if any.
pub fn key_from_query(query: Option<&str>) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "sentry_key").then(|| v.to_owned()).filter(|s| !s.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_auth_values() {
        assert_eq!(key_from_auth("Sentry sentry_key=abc, sentry_version=7").as_deref(), Some("abc"));
        assert_eq!(key_from_auth("sentry sentry_version=7,sentry_client=x/1,sentry_key=k").as_deref(), Some("k"));
        assert_eq!(key_from_auth("Sentry sentry_version=7"), None);
        assert_eq!(key_from_auth("Bearer x"), None);
        assert_eq!(key_from_query(Some("sentry_version=7&sentry_key=q")).as_deref(), Some("q"));
        assert_eq!(key_from_query(Some("sentry_key=")), None);
        assert_eq!(key_from_query(None), None);
    }
}
