//! JavaScriptCore lines (Safari, and Bun's raw format for some errors) that SpiderMonkey's
//! parser does not take: builtins `fn@[native code]` or a bare `[native code]`, and
//! `function@url` without line numbers.

use super::gecko::location_at;
use super::location::{self, Loc};
use super::RawFrame;
use crate::text::{from, to};

/// Parses a JavaScriptCore line the SpiderMonkey parser rejected.
pub(crate) fn parse_line(line: &str) -> Option<RawFrame<'_>> {
    let line = line.trim_ascii();
    if line == "[native code]" {
        return Some(RawFrame { function: None, loc: Loc::Native(line), is_async: false });
    }
    let at = location_at(line)?;
    let function = Some(to(line, at)).filter(|f| !f.is_empty());
    let loc = match location::parse(from(line, at + 1)) {
        Loc::None => return None,
        loc => loc,
    };
    Some(RawFrame { function, loc, is_async: false })
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
    }
}
