//! Cutting strings and free-form data down to Sentry's limits.

use crate::limits::{MAX_EXTRA_BREADTH, MAX_EXTRA_DEPTH, MAX_EXTRA_STRING_CHARS};
use crate::protocol::{Map, Value};
use crate::text::truncate_chars;

/// Total bytes of strings kept in one serialized value; beyond it values become a marker.
pub(crate) const MAX_EXTRA_BYTES: usize = 16 * 1024;

/// A copy of `v` bounded in depth ([`MAX_EXTRA_DEPTH`]), breadth ([`MAX_EXTRA_BREADTH`]),
/// string length ([`MAX_EXTRA_STRING_CHARS`]) and total string bytes ([`MAX_EXTRA_BYTES`]).
/// What is cut is replaced by a marker such as `"[Object]"`, as Sentry's `normalize` does.
pub(crate) fn bound_value(v: &Value) -> Value {
    let mut budget = MAX_EXTRA_BYTES;
    bound(v, 0, &mut budget)
}

fn bound(v: &Value, depth: usize, budget: &mut usize) -> Value {
    if *budget == 0 {
        return Value::from("[truncated]");
    }
    match v {
        Value::String(s) | Value::Float(s) => {
            let t = truncate_chars(s, MAX_EXTRA_STRING_CHARS);
            *budget = budget.saturating_sub(t.len() + 2);
            if matches!(v, Value::Float(_)) {
                Value::Float(t)
            } else {
                Value::String(t)
            }
        }
        Value::Array(a) => {
            if depth >= MAX_EXTRA_DEPTH {
                return Value::from("[Array]");
            }
            let mut out = Vec::new();
            for x in a.iter().take(MAX_EXTRA_BREADTH) {
                out.push(bound(x, depth + 1, budget));
            }
            if a.len() > MAX_EXTRA_BREADTH {
                out.push(Value::from("[MaxProperties ~]"));
            }
            Value::Array(out)
        }
        Value::Object(m) => {
            if depth >= MAX_EXTRA_DEPTH {
                return Value::from("[Object]");
            }
            let mut out = Map::new();
            for (k, x) in m.iter().take(MAX_EXTRA_BREADTH) {
                let key = truncate_chars(k, MAX_EXTRA_STRING_CHARS);
                *budget = budget.saturating_sub(key.len() + 3);
                out.insert(key, bound(x, depth + 1, budget));
            }
            if m.len() > MAX_EXTRA_BREADTH {
                out.insert("[MaxProperties ~]".into(), Value::Null);
            }
            Value::Object(out)
        }
        other => {
            *budget = budget.saturating_sub(8);
            other.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_depth_breadth_and_size() {
        let mut deep = Value::Int(1);
        for _ in 0..10 {
            let mut m = Map::new();
            m.insert("k".into(), deep);
            deep = Value::Object(m);
        }
        let b = serde_json::to_string(&bound_value(&deep)).expect("json");
        assert_eq!(b, r#"{"k":{"k":{"k":"[Object]"}}}"#);
        let wide = Value::Array((0..1000).map(Value::Int).collect());
        let Value::Array(a) = bound_value(&wide) else { panic!("array") };
        assert_eq!(a.len(), MAX_EXTRA_BREADTH + 1);
        let big = Value::Array(vec![Value::from("x".repeat(5000)); 100]);
        let out = serde_json::to_string(&bound_value(&big)).expect("json");
        assert!(out.len() < MAX_EXTRA_BYTES + 4096, "{}", out.len());
    }
}
