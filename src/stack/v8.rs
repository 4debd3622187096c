//! V8 lines (Chromium, Node, Deno, workerd) and Bun's V8-style lines:
//! `    at [async ][new ]function (location)` or `    at [async ]location`.
//!
//! The location is the parenthesized text at the end of the line; it may itself contain
//! parentheses (eval origins, `data:` URLs), so it is found by balancing from the end.

use super::location::{self, Loc};
use super::RawFrame;
use crate::text::{from, strip, to};

/// Parses one line, given the text after its `at `.
pub(crate) fn parse_line(rest: &str) -> Option<RawFrame<'_>> {
    let rest = rest.trim_ascii_end();
    let (rest, is_async) = match strip(rest, "async ") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    if let Some(inner) = rest.strip_suffix(')') {
        if let Some(open) = matching_open(inner) {
            let before = to(inner, open);
            if let Some(function) = before.strip_suffix(' ').filter(|f| !f.is_empty()) {
                return Some(RawFrame {
                    function: Some(function),
                    loc: parse_location(from(inner, open + 1)),
                    is_async,
                });
            }
        }
    }
    Some(RawFrame { function: None, loc: location::parse(rest), is_async })
}

/// Index of the `(` that balances a `)` just past the end of `s`.
fn matching_open(s: &str) -> Option<usize> {
    let mut depth = 1usize;
    for (i, b) in s.bytes().enumerate().rev() {
        match b {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A V8 location: plain, `address at …` (Node), `index N` (`Promise.all`), or
/// `eval at origin (…), <anonymous>:l:c` whose frame location is the part after the origin.
fn parse_location(s: &str) -> Loc<'_> {
    if strip(s, "index ").is_some() {
        return Loc::None;
    }
    let s = strip(s, "address at ").unwrap_or(s);
    match strip(s, "eval at ") {
        Some(origin) => location::parse(after_eval_origin(origin).unwrap_or("")),
        None => location::parse(s),
    }
}

/// In `f (url:1:2), <anonymous>:3:4` (possibly nested evals) returns `<anonymous>:3:4`: the
/// text after the first comma outside parentheses.
fn after_eval_origin(s: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => return Some(from(s, i + 1).trim_ascii_start()),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(line: &str) -> (Option<&str>, Loc<'_>, bool) {
        let r = parse_line(line.trim_start().strip_prefix("at ").expect("at")).expect("frame");
        (r.function, r.loc, r.is_async)
    }

    #[test]
    fn named_anonymous_async_and_native() {
        assert_eq!(
            f("    at g (http://h/a.js:1:2)"),
            (Some("g"), Loc::Source { path: "http://h/a.js", line: Some(1), col: Some(2) }, false)
        );
        assert_eq!(
            f("    at http://h/a.js:1:2"),
            (None, Loc::Source { path: "http://h/a.js", line: Some(1), col: Some(2) }, false)
        );
        assert_eq!(f("    at async Promise.all (index 1)"), (Some("Promise.all"), Loc::None, true));
        assert_eq!(f("    at new Promise (<anonymous>)"), (Some("new Promise"), Loc::Native("<anonymous>"), false));
        assert_eq!(f("    at Object.f [as run] (/a.js:3:4)").0, Some("Object.f [as run]"));
        assert_eq!(f("    at unknown"), (None, Loc::None, false));
    }

    #[test]
    fn eval_frames_take_the_eval_location() {
        let (func, loc, _) = f("    at discountRule (eval at runDiscountEval (http://h/p.js:41:32), <anonymous>:3:37)");
        assert_eq!(func, Some("discountRule"));
        assert_eq!(loc, Loc::Source { path: "<anonymous>", line: Some(3), col: Some(37) });
        let (_, loc, _) =
            f("    at eval (eval at a (eval at b (http://h/p.js:1:2), <anonymous>:3:4), <anonymous>:5:6)");
        assert_eq!(loc, Loc::Source { path: "<anonymous>", line: Some(5), col: Some(6) });
    }

    #[test]
    fn parentheses_inside_urls_and_names() {
        let (func, loc, _) = f("    at g (data:text/javascript,f(x)%20y(z):2:42)");
        assert_eq!(func, Some("g"));
        assert_eq!(loc, Loc::Source { path: "data:text/javascript,f(x)%20y(z)", line: Some(2), col: Some(42) });
        let (func, _, _) = f("    at m.wasm.<(A, B) as x::T>::f (http://h/m.wasm:wasm-function[3]:0x10)");
        assert_eq!(func, Some("m.wasm.<(A, B) as x::T>::f"));
    }
}
