//! `error.stack` strings from every engine into Sentry frames, oldest first.
//!
//! One small line parser per engine ([`v8`], [`gecko`], [`jsc`]) and one composer here that
//! applies what they share: the input bounds of [`crate::limits`], header and message lines
//! skipped, the engine chosen once per stack, oldest-first order, in-app marking, Rust name
//! demangling for WebAssembly frames, and errorbeacon's own frames stripped from the crash
//! end. Everything is a single forward pass over the bounded input with no backtracking.

#[cfg(any(feature = "demangle", test))]
mod demangle;
mod gecko;
mod jsc;
pub(crate) mod line;
mod location;
mod names;
mod paths;
mod v8;
mod write;

use crate::limits::{MAX_FRAMES, MAX_LINE_BYTES, MAX_STACK_BYTES};
use crate::protocol::{Addr, Frame};
use location::Loc;
pub(crate) use names::is_sdk_entry;
use std::borrow::Cow;
pub(crate) use write::write_frames_in;
pub use write::{table, table_frames, write_frames, write_synthetic_frames, FrameBounds, TABLE_RECORD};

/// A frame as one line parser read it: slices of the input, nothing decided yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawFrame<'a> {
    pub function: Option<&'a str>,
    pub loc: Loc<'a>,
    pub is_async: bool,
}

/// A finished frame that still borrows from the input, so that the wasm binding can hand
/// JavaScript offsets instead of copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedFrame<'a> {
    pub function: Option<Cow<'a, str>>,
    /// The printed name, when `function` is a cleaned version of it.
    pub raw_function: Option<&'a str>,
    pub abs_path: Option<&'a str>,
    pub filename: Option<&'a str>,
    pub lineno: Option<u32>,
    pub colno: Option<u32>,
    pub in_app: bool,
    pub wasm: bool,
    pub instruction_addr: Option<u64>,
    pub function_index: Option<u32>,
    /// The frame is errorbeacon's own.
    pub sdk: bool,
}

impl ParsedFrame<'_> {
    /// The owned protocol frame.
    pub fn to_frame(&self) -> Frame {
        Frame {
            function: self.function.as_ref().map(|f| f.to_string()),
            raw_function: self.raw_function.map(str::to_owned),
            filename: self.filename.map(str::to_owned),
            abs_path: self.abs_path.map(str::to_owned),
            lineno: self.lineno,
            colno: self.colno,
            in_app: Some(self.in_app),
            platform: self.wasm.then(|| "native".to_owned()),
            instruction_addr: self.instruction_addr.map(Addr),
            addr_mode: None,
            function_id: self.function_index.map(|i| Addr(u64::from(i))),
        }
    }
}

/// How to read a stack.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// URL prefix of errorbeacon's own files as this host loads them (the package's base
    /// URL). Frames under it are not in-app and are stripped from the crash end.
    pub sdk_url_prefix: Option<String>,
}

/// Parses an `error.stack` string from V8 (Chromium, Node, Deno, workerd), SpiderMonkey
/// (Firefox) or JavaScriptCore (Safari, Bun) into Sentry frames, oldest first.
///
/// Never panics; input beyond [`MAX_STACK_BYTES`], lines beyond [`MAX_LINE_BYTES`] and
/// frames beyond [`MAX_FRAMES`] are ignored. Lines that are not frames (the `Name: message`
/// header, message continuation lines) are skipped.
///
/// ```
/// let frames = errorbeacon::parse_stack("Error: x\n    at f (http://h/a.js:1:2)\n    at http://h/:3:4");
/// assert_eq!(frames[1].function.as_deref(), Some("f"));
/// assert_eq!(frames[0].lineno, Some(3));
/// ```
pub fn parse_stack(stack: &str) -> Vec<Frame> {
    parse_stack_with(stack, &ParseOptions::default())
}

/// [`parse_stack`] with options.
pub fn parse_stack_with(stack: &str, options: &ParseOptions) -> Vec<Frame> {
    let mut out = Vec::new();
    parse_frames(stack, options, &mut out);
    out.iter().map(ParsedFrame::to_frame).collect()
}

/// The composer: fills `out` (cleared first) with the frames of `stack`, oldest first.
pub(crate) fn parse_frames<'a>(stack: &'a str, options: &ParseOptions, out: &mut Vec<ParsedFrame<'a>>) {
    out.clear();
    out.reserve(16);
    let stack = truncate_at_char_boundary(stack, MAX_STACK_BYTES);
    // The first `at ` line decides for the whole stack: it is V8's (or Bun's), and any earlier
    // line that looked like a Firefox frame was part of the message.
    let mut is_v8 = false;
    for line in Lines(stack) {
        if out.len() >= MAX_FRAMES {
            break;
        }
        if line.len() > MAX_LINE_BYTES {
            continue;
        }
        let raw = match crate::text::strip(line.trim_ascii_start(), "at ") {
            Some(rest) => {
                if !is_v8 {
                    is_v8 = true;
                    out.clear();
                }
                v8::parse_line(rest)
            }
            None if is_v8 => continue,
            None => gecko::parse_line(line).or_else(|| jsc::parse_line(line)),
        };
        if let Some(raw) = raw {
            out.push(finish(raw, options));
        }
    }
    strip_sdk_frames(out);
    out.reverse();
}

/// Lines of a stack (without their `\n`), by a plain byte scan: lines are short, so this
/// beats `str::split`'s searcher.
struct Lines<'a>(&'a str);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.0.is_empty() {
            return None;
        }
        let (line, rest) = match crate::text::find_byte(self.0, b'\n') {
            Some(i) => (crate::text::to(self.0, i), crate::text::from(self.0, i + 1)),
            None => (self.0, ""),
        };
        self.0 = rest;
        Some(line)
    }
}

/// Decides what a raw frame means: names, filename, in-app.
fn finish<'a>(raw: RawFrame<'a>, options: &ParseOptions) -> ParsedFrame<'a> {
    let mut f = ParsedFrame {
        function: raw.function.map(Cow::Borrowed),
        raw_function: None,
        abs_path: None,
        filename: None,
        lineno: None,
        colno: None,
        in_app: false,
        wasm: false,
        instruction_addr: None,
        function_index: None,
        sdk: false,
    };
    match raw.loc {
        Loc::None => {}
        Loc::Native(path) => {
            f.abs_path = Some(path);
            f.filename = Some(path);
        }
        Loc::Source { path, line, col } => {
            let facts = paths::analyze(path, options.sdk_url_prefix.as_deref());
            f.abs_path = Some(path);
            f.filename = Some(facts.filename);
            f.lineno = line;
            f.colno = col;
            let entry = raw.function.is_some_and(names::is_sdk_entry);
            f.sdk = facts.sdk || entry;
            let glue = raw.function.is_some_and(names::is_js_glue);
            f.in_app = !glue && !entry && facts.app;
        }
        Loc::Wasm { path, index, addr } => {
            let facts = paths::analyze(path, options.sdk_url_prefix.as_deref());
            // An empty path (`f@:wasm-function[3]`) is no path, as the byte composer writes it.
            f.abs_path = Some(path).filter(|p| !p.is_empty());
            f.filename = f.abs_path.and(Some(facts.filename));
            f.sdk = facts.sdk;
            f.wasm = true;
            f.instruction_addr = addr;
            f.function_index = index;
            // JavaScriptCore prints the function index where it has no name (`302@<?>:wasm-function[302]`):
            // that is no name.
            let printed = raw.function.filter(|p| !p.bytes().all(|c| c.is_ascii_digit()));
            if printed.is_none() {
                f.function = None;
            }
            if let Some(printed) = printed {
                let clean = names::clean_wasm_function(printed);
                if clean != printed {
                    f.raw_function = Some(printed);
                }
                f.function = Some(clean);
            }
            let name = f.function.as_deref().unwrap_or("");
            f.in_app = !names::is_rust_runtime(name) && !names::is_wasm_bindgen_glue(name) && !facts.sdk;
        }
    }
    f
}

/// Removes errorbeacon's own frames from the newest end (`frames` is newest first here), as
/// long as some other frame remains.
fn strip_sdk_frames(frames: &mut Vec<ParsedFrame<'_>>) {
    let n = frames.iter().take_while(|f| f.sdk).count();
    if n > 0 && n < frames.len() {
        frames.drain(..n);
    }
}

/// The `filename` a frame at `abs_path` gets (the path of a URL, without query or fragment).
pub(crate) fn filename_of(abs_path: &str) -> &str {
    paths::analyze(abs_path, None).filename
}

/// Rust source paths of the standard library or a dependency (as panic locations give them):
/// not the app's code.
pub(crate) fn is_library_source(path: &str) -> bool {
    path.starts_with("/rustc/")
        || crate::text::contains(path, "/.cargo/registry/")
        || crate::text::contains(path, "/.cargo/git/")
        || path.starts_with("library/")
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub(crate) fn truncate_at_char_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    crate::text::to(s, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_stack_oldest_first_with_header_skipped() {
        let s = "Error: negative amount: -36\n    at assertPositive (http://h/src/cart.js:26:40)\n    at http://h/app-a/:10:21";
        let f = parse_stack(s);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].abs_path.as_deref(), Some("http://h/app-a/"));
        assert_eq!(f[0].function, None);
        assert_eq!(f[1].function.as_deref(), Some("assertPositive"));
        assert_eq!(f[1].filename.as_deref(), Some("/src/cart.js"));
        assert_eq!((f[1].lineno, f[1].colno, f[1].in_app), (Some(26), Some(40), Some(true)));
    }

    #[test]
    fn message_lines_that_look_like_frames_are_not_frames_in_v8_stacks() {
        let s = "Error: mail bob@http://x:1:2\nsecond line\n    at f (/a.js:1:2)";
        assert_eq!(parse_stack(s).len(), 1);
    }

    #[test]
    fn wasm_frames_are_native_with_address_and_clean_names() {
        let s = "RuntimeError: unreachable\n    at m.wasm.std[a543996e6e7dbf1e]::panicking::panic_with_hook (wasm://wasm/m.wasm-0001b9f2:wasm-function[24]:0x374e)\n    at m.wasm.app::level3::ha1b51f36a762e82b (wasm://wasm/m.wasm-0001b9f2:wasm-function[39]:0x3ef4)";
        let f = parse_stack(s);
        assert_eq!(f[0].function.as_deref(), Some("app::level3"));
        assert_eq!(f[0].raw_function.as_deref(), Some("m.wasm.app::level3::ha1b51f36a762e82b"));
        assert_eq!(f[0].platform.as_deref(), Some("native"));
        assert_eq!(f[0].instruction_addr, Some(Addr(0x3ef4)));
        assert_eq!(f[0].function_id, Some(Addr(39)));
        assert_eq!(f[0].in_app, Some(true));
        assert_eq!(f[1].function.as_deref(), Some("std::panicking::panic_with_hook"));
        assert_eq!(f[1].in_app, Some(false));
    }

    #[test]
    fn sdk_frames_are_stripped_from_the_crash_end_only() {
        let s = "Error: x\n    at capture (http://h/node_modules/errorbeacon/index.js:1:1)\n    at app (http://h/app.js:2:2)\n    at cb (http://h/node_modules/errorbeacon/index.js:3:3)\n    at main (http://h/app.js:4:4)";
        let f = parse_stack(s);
        let names: Vec<_> = f.iter().map(|f| f.function.as_deref().unwrap_or("")).collect();
        assert_eq!(names, ["main", "cb", "app"]);
        assert_eq!(f[1].in_app, Some(false));
        let only_sdk = "Error: x\n    at capture (http://h/node_modules/errorbeacon/index.js:1:1)";
        assert_eq!(parse_stack(only_sdk).len(), 1);
        let opts = ParseOptions { sdk_url_prefix: Some("http://h/pkg/".into()) };
        assert_eq!(
            parse_stack_with("Error\n    at a (http://h/pkg/index.js:1:1)\n    at b (http://h/x.js:1:1)", &opts).len(),
            1
        );
    }

    #[test]
    fn bundler_and_virtual_urls() {
        let v8 = "Error: x\n    at f (webpack:///./src/app.js?abcd:3:7)\n    at g (app:///main.js:1:2)\n    at h (blob:http://h/0c1e:4:5)";
        let f = parse_stack(v8);
        let paths: Vec<_> =
            f.iter().map(|f| (f.abs_path.as_deref(), f.filename.as_deref(), f.lineno, f.colno)).collect();
        assert_eq!(
            paths,
            [
                (Some("blob:http://h/0c1e"), Some("blob:http://h/0c1e"), Some(4), Some(5)),
                (Some("app:///main.js"), Some("app:///main.js"), Some(1), Some(2)),
                (Some("webpack:///./src/app.js?abcd"), Some("webpack:///./src/app.js?abcd"), Some(3), Some(7)),
            ]
        );
        let gecko = "f@webpack:///./src/app.js:3:7\n@app:///main.js:1:2\n";
        let f = parse_stack(gecko);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].abs_path.as_deref(), f[0].function.as_deref()), (Some("app:///main.js"), None));
        assert_eq!((f[1].abs_path.as_deref(), f[1].lineno), (Some("webpack:///./src/app.js"), Some(3)));
        assert!(f.iter().all(|f| f.in_app == Some(true)));
    }

    #[test]
    fn javascriptcore_wasm_frames_without_a_name_have_no_function() {
        let frames = parse_stack(
            "302@<?>:wasm-function[302]\napp::f::h0123456789abcdef@app.wasm:wasm-function[7]\nrun@http://h/a.js:1:2",
        );
        let f: Vec<_> = frames.iter().map(|f| (f.function.as_deref(), f.is_wasm())).collect();
        assert_eq!(f, [(Some("run"), false), (Some("app::f"), true), (None, true)]);
        assert_eq!(frames.last().and_then(|f| f.function_id), Some(Addr(302)));
    }

    #[test]
    fn safari_lines() {
        let s = "f@http://h/a.js:10:5\nforEach@[native code]\nglobal code@http://h/a.js:20:3\nm::g@probe.wasm:wasm-function[126]";
        let f = parse_stack(s);
        let got: Vec<_> =
            f.iter().map(|f| (f.function.as_deref(), f.abs_path.as_deref(), f.lineno, f.is_wasm())).collect();
        assert_eq!(
            got,
            [
                (Some("m::g"), Some("probe.wasm"), None, true),
                (Some("global code"), Some("http://h/a.js"), Some(20), false),
                (Some("forEach"), Some("[native code]"), None, false),
                (Some("f"), Some("http://h/a.js"), Some(10), false),
            ]
        );
        assert_eq!(f[2].in_app, Some(false));
    }

    #[test]
    fn builtins_are_not_in_app() {
        let f = parse_stack("Error\n    at JSON.parse (<anonymous>)\n    at async Promise.all (index 1)\n    at process.processTimers (node:internal/timers:512:7)");
        assert!(f.iter().all(|f| f.in_app == Some(false)));
        assert_eq!(f[1].abs_path, None);
    }

    #[test]
    fn bounds_hold_for_huge_inputs() {
        let line = "    at f (http://h/a.js:1:2)\n";
        let big = format!("Error: x\n{}", line.repeat(100_000));
        assert_eq!(parse_stack(&big).len(), MAX_FRAMES);
        let long_line = format!("    at f (http://h/{}.js:1:2)", "a".repeat(MAX_LINE_BYTES));
        assert!(parse_stack(&long_line).is_empty());
        let s = "é".repeat(MAX_STACK_BYTES);
        assert!(truncate_at_char_boundary(&s, MAX_STACK_BYTES + 1).len() <= MAX_STACK_BYTES + 1);
    }
}
