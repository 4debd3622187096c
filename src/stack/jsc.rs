//! JavaScriptCore lines (Safari, and Bun's raw format for some errors) that SpiderMonkey's
//! parser does not take: builtins `fn@[native code]` or a bare `[native code]`,
//! `function@url` without line numbers, anonymous frames printed as a bare `url:line:col`
//! (no `@`), and frames with no location printed as a bare name (`baz`, `eval code`) or as a
//! name and an empty location (`discountRule@`, WebKit's frames in eval code).

use super::gecko::location_at;
use super::location::{self, Loc};
use super::RawFrame;
use crate::text::{from, to};

/// Parses a JavaScriptCore line the SpiderMonkey parser rejected.
// Out of line in the npm build, where `parse_frames` inlines what it calls for speed: these
// lines need no speed (docs/size.md).
pub(crate) fn parse_line(line: &str) -> Option<RawFrame<'_>> {
    let line = line.trim_ascii();
    if line == "[native code]" {
        return Some(RawFrame { function: None, loc: Loc::Native(line), is_async: false });
    }
    let Some(at) = location_at(line) else {
        return without_at(line);
    };
    let function = Some(to(line, at)).filter(|f| !f.is_empty());
    let rest = from(line, at + 1);
    let loc = match location::parse(rest) {
        // Frames in eval and `new Function` code: JavaScriptCore prints the name and nothing
        // after the `@` (`discountRule@`, `eval code@`, `anonymous@`).
        Loc::None if rest.is_empty() && function.is_some() => Loc::None,
        Loc::None => return None,
        loc => loc,
    };
    Some(RawFrame { function, loc, is_async: false })
}

/// A line with no `@`: a bare `url:line[:col]` is an anonymous frame; a bare name made of
/// identifier characters (or JavaScriptCore's `eval code` / `global code` / `module code`)
/// is a frame with no location. Anything else (a message line) is not a frame.
fn without_at(line: &str) -> Option<RawFrame<'_>> {
    match location::parse(line) {
        loc @ Loc::Source { line: Some(_), .. } => {
            return Some(RawFrame { function: None, loc, is_async: false });
        }
        Loc::Wasm { .. } => return None,
        _ => {}
    }
    let identifier = |s: &str| {
        let mut b = s.bytes();
        b.next().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_' || c == b'$')
            && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.'))
    };
    let name = matches!(line, "eval code" | "global code" | "module code") || identifier(line);
    name.then_some(RawFrame { function: Some(line), loc: Loc::None, is_async: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_code_and_lineless_frames() {
        let r = parse_line("structuredClone@[native code]").expect("frame");
        assert_eq!((r.function, r.loc), (Some("structuredClone"), Loc::Native("[native code]")));
        let r = parse_line("[native code]").expect("frame");
        assert_eq!(r.loc, Loc::Native("[native code]"));
        let r = parse_line("global code@http://h/a.js").expect("frame");
        assert_eq!(r.loc, Loc::Source { path: "http://h/a.js", line: None, col: None });
        assert!(parse_line("no frame here").is_none());
        assert!(parse_line("Error: boom").is_none());
        let r = parse_line("http://path/to/file.js:48:22").expect("anonymous frame");
        assert_eq!(
            (r.function, r.loc),
            (None, Loc::Source { path: "http://path/to/file.js", line: Some(48), col: Some(22) })
        );
        let r = parse_line("eval code").expect("name-only frame");
        assert_eq!((r.function, r.loc), (Some("eval code"), Loc::None));
        assert_eq!(parse_line("baz").map(|r| r.function), Some(Some("baz")));
        let r = parse_line("discountRule@").expect("eval frame");
        assert_eq!((r.function, r.loc), (Some("discountRule"), Loc::None));
        assert_eq!(parse_line("eval code@").map(|r| r.function), Some(Some("eval code")));
        assert!(parse_line("@").is_none());
        assert!(parse_line("f@unknown").is_none());
    }
}
