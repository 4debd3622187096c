//! SpiderMonkey lines (Firefox): `function@location`, anonymous `@location`, eval locations
//! `url line N > eval:l:c`, and wasm `name@url:wasm-function[N]:0x…`.

use super::location::{self, Loc};
use super::RawFrame;
use crate::text::{find_byte, from, to};

/// Parses a `function@location` line whose location has a line number or is a wasm location.
// Out of line in the npm build, where `parse_frames` inlines what it calls for speed: these
// lines need no speed (docs/size.md).
pub(crate) fn parse_line(line: &str) -> Option<RawFrame<'_>> {
    let line = line.trim_ascii();
    let at = location_at(line)?;
    let loc = location::parse(from(line, at + 1));
    match loc {
        Loc::Source { line: Some(_), .. } | Loc::Wasm { .. } => {}
        _ => return None,
    }
    let function = Some(without_arguments(to(line, at))).filter(|f| !f.is_empty());
    Some(RawFrame { function, loc, is_async: false })
}

/// Firefox before version 14 printed the call's arguments after the name (`bar(1)@…`,
/// `(null)@…`); the name is what comes before them. Later versions print no parentheses.
fn without_arguments(name: &str) -> &str {
    match (name.ends_with(')'), find_byte(name, b'(')) {
        (true, Some(open)) => to(name, open),
        _ => name,
    }
}

/// The `@` that separates the function from the location: the first one followed by
/// something that starts a location (`scheme:`, `/`, `[`, `<`), else the last one (a relative
/// location such as `Scratchpad/1:10:29` has no `@`, a function name such as `obj["@fn"]`
/// may). URLs (`user@host`) can contain `@` too, but always after their scheme.
pub(crate) fn location_at(line: &str) -> Option<usize> {
    let first = find_byte(line, b'@')?;
    let mut start = first;
    while let Some(i) = find_byte(from(line, start), b'@').map(|i| i + start) {
        if starts_location(from(line, i + 1)) {
            return Some(i);
        }
        start = i + 1;
    }
    crate::text::rfind_byte(line, b'@')
}

fn starts_location(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'/' | b'[' | b'<') => true,
        Some(c) if c.is_ascii_alphabetic() => {
            let scheme_end = s.bytes().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')));
            scheme_end.is_some_and(|e| s.as_bytes().get(e) == Some(&b':'))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_and_anonymous_frames() {
        let r = parse_line("convertAll/converted<@http://h/p.js:26:110").expect("frame");
        assert_eq!(r.function, Some("convertAll/converted<"));
        assert_eq!(r.loc, Loc::Source { path: "http://h/p.js", line: Some(26), col: Some(110) });
        assert_eq!(parse_line("@http://h/:10:21").map(|r| r.function), Some(None));
    }

    #[test]
    fn at_signs_in_names_and_urls() {
        let r = parse_line("obj@fn@http://u@h/p.js:1:2").expect("frame");
        assert_eq!(r.function, Some("obj@fn"));
        assert_eq!(r.loc, Loc::Source { path: "http://u@h/p.js", line: Some(1), col: Some(2) });
    }

    #[test]
    fn eval_and_wasm_locations() {
        let r = parse_line("@http://h/p.js line 41 > eval:6:27").expect("frame");
        assert_eq!(r.loc, Loc::Source { path: "http://h/p.js line 41 > eval", line: Some(6), col: Some(27) });
        let r = parse_line("m.wasm.f@http://h/g.js line 221 > WebAssembly.instantiate:wasm-function[70]:0x4668")
            .expect("frame");
        assert_eq!(
            r.loc,
            Loc::Wasm { path: "http://h/g.js line 221 > WebAssembly.instantiate", index: Some(70), addr: Some(0x4668) }
        );
    }

    #[test]
    fn at_in_names_with_relative_locations_and_old_firefox_arguments() {
        let r = parse_line("obj[\"@fn\"]@Scratchpad/1:10:29").expect("frame");
        assert_eq!(
            (r.function, r.loc),
            (Some("obj[\"@fn\"]"), Loc::Source { path: "Scratchpad/1", line: Some(10), col: Some(29) })
        );
        assert_eq!(parse_line("bar(1)@http://h/a.js:13").map(|r| r.function), Some(Some("bar")));
        assert_eq!(parse_line("(null)@http://h/a.js:13").map(|r| r.function), Some(None));
        assert_eq!(parse_line("()@http://h/a.js:13").map(|r| r.function), Some(None));
    }

    #[test]
    fn not_a_frame() {
        assert!(parse_line("Error: boom").is_none());
        assert!(parse_line("f@[native code]").is_none());
    }
}
