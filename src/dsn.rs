//! The DSN: where events go and with which key.
//!
//! `{scheme}://{public_key}[:{secret}]@{host}[:{port}]/[{path}/]{project_id}`. Parsed by hand
//! (no URL crate: it would cost the wasm build more than this whole file), with one error per
//! malformed part.

use crate::limits::MAX_DSN_BYTES;
use crate::text::{find_byte, from, rfind_byte, to};
use std::fmt;
use std::str::FromStr;

/// A parsed DSN.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dsn {
    scheme: String,
    public_key: String,
    secret_key: Option<String>,
    host: String,
    port: Option<u16>,
    path: String,
    project_id: String,
}

/// Why a DSN string is not a DSN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DsnError {
    /// Occurs when the string is empty (or only whitespace).
    Empty,
    /// Occurs when the string is longer than any real DSN.
    TooLong(usize),
    /// Occurs when there is no `scheme://`.
    MissingScheme,
    /// Occurs when the scheme is not `http` or `https`.
    UnsupportedScheme(String),
    /// Occurs when there is no `public_key@` before the host.
    MissingPublicKey,
    /// Occurs when there is nothing between `@` and the path.
    MissingHost,
    /// Occurs when the port is not a number from 1 to 65535.
    InvalidPort(String),
    /// Occurs when the path has no last segment to be the project id.
    MissingProjectId,
    /// Occurs when the project id is not a number.
    InvalidProjectId(String),
    /// Occurs when the DSN contains whitespace, a query string or a fragment.
    InvalidCharacter(char),
}

impl DsnError {
    /// The message, built without `format!` (the wasm build reports it through `debug`, and
    /// `Debug` quoting would bring Unicode escaping tables along).
    pub fn message(&self) -> String {
        let quoted = |s: &str| ["\"", s, "\""].concat();
        match self {
            DsnError::Empty => "dsn is empty".into(),
            DsnError::TooLong(n) => [
                "dsn is ",
                &crate::text::decimal(*n as u64),
                " bytes long, more than ",
                &crate::text::decimal(MAX_DSN_BYTES as u64),
            ]
            .concat(),
            DsnError::MissingScheme => "dsn has no scheme (expected https://KEY@HOST/PROJECT_ID)".into(),
            DsnError::UnsupportedScheme(s) => ["dsn scheme ", &quoted(s), " is not http or https"].concat(),
            DsnError::MissingPublicKey => "dsn has no public key before the host (KEY@HOST)".into(),
            DsnError::MissingHost => "dsn has no host".into(),
            DsnError::InvalidPort(p) => ["dsn port ", &quoted(p), " is not a number from 1 to 65535"].concat(),
            DsnError::MissingProjectId => "dsn has no project id at the end of its path".into(),
            DsnError::InvalidProjectId(p) => ["dsn project id ", &quoted(p), " is not a number"].concat(),
            DsnError::InvalidCharacter(c) => {
                let mut buf = [0u8; 4];
                ["dsn contains '", c.encode_utf8(&mut buf), "', which no dsn has"].concat()
            }
        }
    }
}

impl fmt::Display for DsnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for DsnError {}

impl FromStr for Dsn {
    type Err = DsnError;

    fn from_str(s: &str) -> Result<Dsn, DsnError> {
        let s = s.trim_ascii();
        if s.is_empty() {
            return Err(DsnError::Empty);
        }
        if s.len() > MAX_DSN_BYTES {
            return Err(DsnError::TooLong(s.len()));
        }
        if let Some(c) = s.chars().find(|&c| unusable(c)) {
            return Err(DsnError::InvalidCharacter(c));
        }
        let sep = crate::text::find(s, "://").ok_or(DsnError::MissingScheme)?;
        let (scheme, rest) = (crate::text::to(s, sep), crate::text::from(s, sep + 3));
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(DsnError::UnsupportedScheme(scheme));
        }
        // Byte searches, not `char` patterns: std's char searcher would be ~1 KB of a Rust app's
        // wasm for these few lookups (docs/size.md).
        let (authority, path) = match find_byte(rest, b'/') {
            Some(i) => (to(rest, i), from(rest, i)),
            None => (rest, ""),
        };
        let at = rfind_byte(authority, b'@').ok_or(DsnError::MissingPublicKey)?;
        let (userinfo, hostport) = (to(authority, at), from(authority, at + 1));
        let (public_key, secret_key) = match find_byte(userinfo, b':').map(|i| (to(userinfo, i), from(userinfo, i + 1)))
        {
            Some((k, s)) => (k, Some(s.to_owned()).filter(|s| !s.is_empty())),
            None => (userinfo, None),
        };
        if public_key.is_empty() {
            return Err(DsnError::MissingPublicKey);
        }
        let (host, port) = split_port(hostport)?;
        if host.is_empty() {
            return Err(DsnError::MissingHost);
        }
        let path = crate::text::trim_end_byte(path, b'/');
        let (prefix, project_id) = match rfind_byte(path, b'/') {
            Some(i) => (to(path, i), from(path, i + 1)),
            None => ("", path),
        };
        if project_id.is_empty() {
            return Err(DsnError::MissingProjectId);
        }
        if !project_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DsnError::InvalidProjectId(project_id.to_owned()));
        }
        Ok(Dsn {
            scheme,
            public_key: public_key.to_owned(),
            secret_key,
            host: host.to_owned(),
            port,
            path: prefix.to_owned(),
            project_id: project_id.to_owned(),
        })
    }
}

/// A character no DSN has: whitespace (Unicode's White_Space, spelled out: `char::is_whitespace`
/// and `str::trim` bring their lookup tables into the wasm, docs/size.md), a control character,
/// or a query or fragment mark.
fn unusable(c: char) -> bool {
    c.is_ascii_whitespace()
        || c.is_control()
        || matches!(
            c,
            '?' | '#' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
        )
}

/// `host:port`, `[v6]:port`, or a bare host.
fn split_port(hostport: &str) -> Result<(&str, Option<u16>), DsnError> {
    let colon = if hostport.starts_with('[') {
        crate::text::find(hostport, "]:").map(|i| i + 1)
    } else {
        rfind_byte(hostport, b':')
    };
    match colon {
        Some(i) => {
            let port = hostport.get(i + 1..).unwrap_or_default();
            match port.parse::<u16>() {
                Ok(p) if p > 0 && port.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok((hostport.get(..i).unwrap_or_default(), Some(p)))
                }
                _ => Err(DsnError::InvalidPort(port.to_owned())),
            }
        }
        None => Ok((hostport, None)),
    }
}

impl Dsn {
    /// The public key.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The project id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The host (without port).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `scheme://host[:port][/path]`: where the server is. (Strings here are joined without
    /// `format!`, which would bring the formatting machinery into the wasm build.)
    pub fn origin_and_path(&self) -> String {
        let port = self.port.map(|p| [":", &crate::text::decimal(u64::from(p))].concat()).unwrap_or_default();
        [self.scheme.as_str(), "://", &self.host, &port, &self.path].concat()
    }

    /// `…/api/{project_id}/envelope/`, where envelopes are POSTed.
    pub fn envelope_url(&self) -> String {
        [self.origin_and_path().as_str(), "/api/", &self.project_id, "/envelope/"].concat()
    }

    /// `…/api/{project_id}/store/`, the legacy single-event endpoint.
    pub fn store_url(&self) -> String {
        [self.origin_and_path().as_str(), "/api/", &self.project_id, "/store/"].concat()
    }

    /// The DSN as text (what `Display` prints).
    pub fn to_text(&self) -> String {
        let secret = self.secret_key.as_deref().map(|s| [":", s].concat()).unwrap_or_default();
        let port = self.port.map(|p| [":", &crate::text::decimal(u64::from(p))].concat()).unwrap_or_default();
        [
            self.scheme.as_str(),
            "://",
            &self.public_key,
            &secret,
            "@",
            &self.host,
            &port,
            &self.path,
            "/",
            &self.project_id,
        ]
        .concat()
    }

    /// The `X-Sentry-Auth` header value for a client named `client` (`name/version`).
    pub fn auth_header(&self, client: &str) -> String {
        let mut h = ["Sentry sentry_version=7, sentry_client=", client, ", sentry_key=", &self.public_key].concat();
        if let Some(secret) = &self.secret_key {
            h.push_str(", sentry_secret=");
            h.push_str(secret);
        }
        h
    }

    /// The envelope URL with auth in the query string, for `sendBeacon`, which cannot set
    /// headers.
    pub fn envelope_url_with_auth(&self, client: &str) -> String {
        [
            self.envelope_url().as_str(),
            "?sentry_key=",
            &percent_encode(&self.public_key),
            "&sentry_version=7&sentry_client=",
            &percent_encode(client),
        ]
        .concat()
    }
}

impl fmt::Display for Dsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_derives_urls() {
        let d: Dsn = "https://abc123@o1.ingest.sentry.io/42".parse().expect("dsn");
        assert_eq!(d.envelope_url(), "https://o1.ingest.sentry.io/api/42/envelope/");
        assert_eq!(d.store_url(), "https://o1.ingest.sentry.io/api/42/store/");
        assert_eq!(
            d.auth_header("errorbeacon/0.1.0"),
            "Sentry sentry_version=7, sentry_client=errorbeacon/0.1.0, sentry_key=abc123"
        );
        assert_eq!(
            d.envelope_url_with_auth("errorbeacon/0.1.0"),
            "https://o1.ingest.sentry.io/api/42/envelope/?sentry_key=abc123&sentry_version=7&sentry_client=errorbeacon/0.1.0"
        );
        assert_eq!(d.to_string(), "https://abc123@o1.ingest.sentry.io/42");
    }

    #[test]
    fn keeps_port_path_and_secret() {
        let d: Dsn = "http://k:s@127.0.0.1:8765/sub/path/7/".parse().expect("dsn");
        assert_eq!(d.envelope_url(), "http://127.0.0.1:8765/sub/path/api/7/envelope/");
        assert!(d.auth_header("c/1").ends_with("sentry_key=k, sentry_secret=s"));
        assert_eq!(d.to_string(), "http://k:s@127.0.0.1:8765/sub/path/7");
        let v6: Dsn = "http://k@[::1]:9000/3".parse().expect("dsn");
        assert_eq!(v6.envelope_url(), "http://[::1]:9000/api/3/envelope/");
    }

    #[test]
    fn each_malformed_part_has_its_error() {
        let cases: &[(&str, DsnError)] = &[
            ("", DsnError::Empty),
            ("abc@host/1", DsnError::MissingScheme),
            ("ftp://k@host/1", DsnError::UnsupportedScheme("ftp".into())),
            ("https://host/1", DsnError::MissingPublicKey),
            ("https://@host/1", DsnError::MissingPublicKey),
            ("https://k@/1", DsnError::MissingHost),
            ("https://k@host:99999/1", DsnError::InvalidPort("99999".into())),
            ("https://k@host:/1", DsnError::InvalidPort("".into())),
            ("https://k@host", DsnError::MissingProjectId),
            ("https://k@host/", DsnError::MissingProjectId),
            ("https://k@host/abc", DsnError::InvalidProjectId("abc".into())),
            ("https://k@host/1?x=1", DsnError::InvalidCharacter('?')),
            ("https://k@ho st/1", DsnError::InvalidCharacter(' ')),
        ];
        for (s, want) in cases {
            assert_eq!(s.parse::<Dsn>().as_ref(), Err(want), "{s}");
            assert!(!want.to_string().is_empty());
        }
        assert!(matches!("x".repeat(5000).parse::<Dsn>(), Err(DsnError::TooLong(5000))));
    }
}
