//! The Rust API's scope ([`crate::scope::Scope`]) as the JSON fragments [`super::Capture`]
//! splices in (JavaScript's `JSON.stringify` writes the npm package's): written with [`Out`],
//! so that a Rust app's module links neither serde nor a general JSON writer.
//!
//! Fields in the protocol types' serialization order; a host test reads each fragment back
//! into those types (`tests` below), so the two cannot drift.

use super::out::Out;
use crate::protocol::{Breadcrumb, Map, Request, User, Value};
use crate::scope::Scope;

/// A scope's parts, each a JSON fragment (empty: absent), as [`super::Capture`] takes them.
#[derive(Default)]
pub struct ScopeJson {
    pub breadcrumbs: Vec<u8>,
    pub user: Vec<u8>,
    pub request: Vec<u8>,
    pub contexts: Vec<u8>,
    pub tags: Vec<u8>,
    pub extra: Vec<u8>,
    pub fingerprint: Vec<u8>,
    /// `level`, when the scope sets one.
    pub level: &'static str,
}

/// Nesting below which `extra` and context values are written (the scope bounds what it
/// keeps; this only stops a value built by hand from recursing without end).
const MAX_DEPTH: usize = 16;

/// The fragments of `scope`; `first` (`"name":{…}` members, comma-separated; empty: none) is
/// written first in `contexts`, in place of the scope's contexts named in `replaced`.
pub fn scope_json(scope: &Scope, first: &[u8], replaced: &[&str]) -> ScopeJson {
    let mut j = ScopeJson { level: scope.level.map(|l| l.as_str()).unwrap_or(""), ..Default::default() };
    let w = |f: &mut dyn FnMut(&mut Out)| {
        let mut out = Out::new(usize::MAX);
        f(&mut out);
        out.into_bytes()
    };
    if !scope.breadcrumbs.is_empty() {
        j.breadcrumbs = w(&mut |o| {
            o.byte(b'[');
            for c in &scope.breadcrumbs {
                o.comma();
                breadcrumb(o, c);
            }
            o.byte(b']');
        });
    }
    if let Some(u) = &scope.user {
        j.user = w(&mut |o| user(o, u));
    }
    if let Some(r) = &scope.request {
        j.request = w(&mut |o| request(o, r));
    }
    if !first.is_empty() || !scope.contexts.is_empty() {
        j.contexts = w(&mut |o| {
            o.byte(b'{');
            if !first.is_empty() {
                o.raw(first);
            }
            for (k, v) in &scope.contexts {
                if !replaced.contains(&k.as_str()) {
                    name_of(o, k);
                    map(o, v, 0);
                }
            }
            o.byte(b'}');
        });
    }
    if !scope.tags.is_empty() {
        j.tags = w(&mut |o| {
            o.byte(b'{');
            for (k, v) in &scope.tags {
                name_of(o, k);
                o.str(v.as_bytes(), usize::MAX);
            }
            o.byte(b'}');
        });
    }
    if !scope.extra.is_empty() {
        j.extra = w(&mut |o| map(o, &scope.extra, 0));
    }
    if !scope.fingerprint.is_empty() {
        j.fingerprint = w(&mut |o| {
            o.byte(b'[');
            for f in &scope.fingerprint {
                o.comma();
                o.str(f.as_bytes(), usize::MAX);
            }
            o.byte(b']');
        });
    }
    j
}

/// `,"name":` for a key the app chose (escaped, unlike [`Out::key`]'s).
fn name_of(o: &mut Out, name: &str) {
    o.comma();
    o.str(name.as_bytes(), usize::MAX);
    o.byte(b':');
}

fn opt(o: &mut Out, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        o.field(key, v.as_bytes(), usize::MAX);
    }
}

fn breadcrumb(o: &mut Out, c: &Breadcrumb) {
    o.raw(b"{\"timestamp\":");
    o.rfc3339(c.timestamp.0);
    opt(o, "type", &c.ty);
    opt(o, "category", &c.category);
    opt(o, "message", &c.message);
    if let Some(l) = c.level {
        o.field("level", l.as_str().as_bytes(), usize::MAX);
    }
    data(o, "data", &c.data);
    o.byte(b'}');
}

fn user(o: &mut Out, u: &User) {
    o.byte(b'{');
    opt(o, "id", &u.id);
    opt(o, "email", &u.email);
    opt(o, "username", &u.username);
    opt(o, "ip_address", &u.ip_address);
    data(o, "data", &u.data);
    o.byte(b'}');
}

fn request(o: &mut Out, r: &Request) {
    o.byte(b'{');
    opt(o, "url", &r.url);
    opt(o, "method", &r.method);
    opt(o, "query_string", &r.query_string);
    opt(o, "fragment", &r.fragment);
    if !r.headers.is_empty() {
        o.key("headers");
        o.byte(b'{');
        for (k, v) in &r.headers {
            name_of(o, k);
            o.str(v.as_bytes(), usize::MAX);
        }
        o.byte(b'}');
    }
    o.byte(b'}');
}

/// `"key":{…}` unless `m` is empty.
fn data(o: &mut Out, key: &str, m: &Map) {
    if !m.is_empty() {
        o.key(key);
        map(o, m, 0);
    }
}

fn map(o: &mut Out, m: &Map, depth: usize) {
    o.byte(b'{');
    for (k, v) in m {
        name_of(o, k);
        value(o, v, depth + 1);
    }
    o.byte(b'}');
}

fn value(o: &mut Out, v: &Value, depth: usize) {
    match v {
        _ if depth > MAX_DEPTH => o.raw(b"null"),
        Value::Null => o.raw(b"null"),
        Value::Bool(b) => o.raw(if *b { b"true" } else { b"false" }),
        Value::Int(n) => {
            if *n < 0 {
                o.byte(b'-');
            }
            o.num(n.unsigned_abs());
        }
        Value::Float(s) | Value::String(s) => o.str(s.as_bytes(), usize::MAX),
        Value::Array(items) => {
            o.byte(b'[');
            for i in items {
                o.comma();
                value(o, i, depth + 1);
            }
            o.byte(b']');
        }
        Value::Object(m) => map(o, m, depth),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::protocol::{Level, Timestamp};

    fn read<T: serde::de::DeserializeOwned>(b: &[u8]) -> T {
        serde_json::from_slice(b).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(b)))
    }

    fn full_scope() -> Scope {
        let mut s = Scope::new(3);
        let mut data = Map::new();
        data.insert("n".into(), Value::Int(-42));
        data.insert("f".into(), Value::Float("1.5".into()));
        data.insert("deep".into(), Value::Array(vec![Value::Null, Value::Bool(true), Value::from("x\"\n")]));
        s.set_user(Some(User {
            id: Some("7".into()),
            email: Some("a@b.c".into()),
            data: data.clone(),
            ..Default::default()
        }));
        s.set_request(Some(Request {
            url: Some("https://h/p".into()),
            method: Some("GET".into()),
            ..Default::default()
        }));
        s.set_tag("area", "checkout");
        s.set_tag("é\"q", "ü\u{1F600}");
        s.set_context("os", Some(data.clone()));
        s.set_context("panic", Some(data.clone()));
        s.set_extra("cart", Some(Value::Object(data.clone())));
        s.set_fingerprint(vec!["{{ default }}".into(), "x".into()]);
        s.set_level(Some(Level::Warning));
        for i in 0..5 {
            s.add_breadcrumb(Breadcrumb {
                timestamp: Timestamp(1_700_000_000_000 + i),
                message: Some(format!("step {i}")),
                level: Some(Level::Info),
                data: data.clone(),
                ..Default::default()
            });
        }
        s
    }

    #[test]
    fn every_fragment_reads_back_as_the_protocol_types_serialize_the_scope() {
        let s = full_scope();
        let j = scope_json(&s, b"", &[]);
        // As JSON: a `Value::Float` is written as the string it holds, and reads back as one.
        let crumbs: serde_json::Value = read(&j.breadcrumbs);
        assert_eq!(crumbs, serde_json::to_value(s.breadcrumbs.iter().collect::<Vec<_>>()).expect("json"));
        assert_eq!(read::<Vec<Breadcrumb>>(&j.breadcrumbs).len(), 3);
        assert_eq!(read::<serde_json::Value>(&j.user), serde_json::to_value(&s.user).expect("json"));
        assert_eq!(Some(read::<Request>(&j.request)), s.request);
        assert_eq!(read::<serde_json::Value>(&j.contexts), serde_json::to_value(&s.contexts).expect("json"));
        assert_eq!(read::<serde_json::Value>(&j.tags), serde_json::to_value(&s.tags).expect("json"));
        assert_eq!(read::<serde_json::Value>(&j.extra), serde_json::to_value(&s.extra).expect("json"));
        assert_eq!(read::<Vec<String>>(&j.fingerprint), s.fingerprint);
        assert_eq!(j.level, "warning");
    }

    #[test]
    fn a_given_context_comes_first_and_replaces_the_scopes_of_that_name() {
        let s = full_scope();
        let j = scope_json(&s, b"\"panic\":{\"line\":3}", &["panic"]);
        let v: serde_json::Value = read(&j.contexts);
        assert_eq!(v["panic"], serde_json::json!({ "line": 3 }));
        assert_eq!(v["os"]["n"], -42);
        assert_eq!(String::from_utf8_lossy(&j.contexts).matches("\"panic\"").count(), 1);
        let empty = scope_json(&Scope::default(), b"\"panic\":{}", &["panic"]);
        assert_eq!(empty.contexts, b"{\"panic\":{}}");
        assert!(
            empty.user.is_empty() && empty.tags.is_empty() && empty.breadcrumbs.is_empty() && empty.level.is_empty()
        );
    }

    #[test]
    fn values_nested_past_the_depth_bound_are_null() {
        let mut v = Value::Int(1);
        for _ in 0..40 {
            v = Value::Array(vec![v]);
        }
        let mut s = Scope::default();
        s.set_extra("deep", Some(v));
        let j = scope_json(&s, b"", &[]);
        let _: serde_json::Value = read(&j.extra);
    }
}
