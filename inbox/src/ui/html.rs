//! HTML building: one escaping function that every piece of data goes through, and small
//! helpers. Nothing from an event reaches the page unescaped; the page carries no inline script
//! or style (the Content-Security-Policy forbids them).

use serde_json::Value;
use std::fmt::Write;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query parameter value.
pub fn url_param(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A JSON value as display text: strings as they are, anything else as compact JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A bar chart as inline SVG (no script, no inline style: colors come from app.css).
pub fn bars(counts: &[u64], width: u32, height: u32, class: &str) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let n = counts.len().max(1) as u32;
    let step = width / n;
    let bar = step.saturating_sub(1).max(1);
    let mut out = format!(
        "<svg class=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">",
        esc(class),
        counts.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
    );
    for (i, c) in counts.iter().enumerate() {
        let h = if *c == 0 { 0 } else { ((*c as f64 / max as f64) * f64::from(height - 1)).ceil() as u32 + 1 };
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{h}\"><title>{c}</title></rect>",
            i as u32 * step,
            height.saturating_sub(h)
        );
    }
    out.push_str("</svg>");
    out
}

/// The page around `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · errorbeacon inbox</title><link rel=\"stylesheet\" href=\"/static/app.css\">\
         <script type=\"module\" src=\"/static/app.js\"></script></head>\
         <body><header><a class=\"brand\" href=\"/\">errorbeacon inbox</a></header>{body}</body></html>",
        esc(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_open_markup() {
        assert_eq!(esc("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(esc("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
        assert_eq!(url_param("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(text(&serde_json::json!({"a": 1})), "{\"a\":1}");
    }

    #[test]
    fn bars_scale_to_the_largest() {
        let svg = bars(&[0, 5, 10], 30, 10, "spark");
        assert!(svg.contains("height=\"0\""));
        assert!(svg.contains("height=\"10\""));
        assert!(svg.starts_with("<svg class=\"spark\""));
    }
}
