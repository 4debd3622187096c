//! The lean composer: a stack's frames written as a JSON array straight into one [`Out`],
//! oldest first, with no frame structs kept past the line that made them.
//!
//! It applies the same rules as [`super::parse_frames`] (one engine per stack, the bounds of
//! [`crate::limits`], errorbeacon's own frames stripped from the crash end, in-app marking,
//! wasm name cleaning) and writes each frame's fields in the order of
//! [`crate::protocol::Frame`]'s serialization, so that the bytes equal serde_json's for the
//! same frames (`tests` below compare them over every fixture). Raw Rust symbols (`_ZN…`,
//! `_R…`) are written as printed: the inbox demangles them when it reads the event
//! (issue 25, decision 5).

use super::line::{self, facts, find, strip, sub, tail, Facts, Loc, Raw, NO_FACTS};
use crate::limits::{MAX_FRAMES, MAX_LINE_BYTES, MAX_STACK_BYTES};
use crate::write::images::Images;
use crate::write::Out;

/// A frame line as read, with what its path says.
#[derive(Clone, Copy)]
struct Seen<'a> {
    raw: Raw<'a>,
    facts: Facts<'a>,
    sdk: bool,
}

/// How much of a stack to write: trimming tightens these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameBounds {
    /// Frames kept; a longer stack keeps its newest half (rounded up: one frame is the crash
    /// frame) and its oldest half of this many.
    pub frames: usize,
    /// Characters of each string field.
    pub chars: usize,
}

impl FrameBounds {
    /// No bounds beyond the parser's own.
    pub const ALL: FrameBounds = FrameBounds { frames: MAX_FRAMES, chars: usize::MAX };
}

/// Writes the frames of `stack` as a JSON array, oldest first; returns how many it wrote.
/// `sdk_prefix`: the URL prefix of errorbeacon's own files as the host loads them (empty:
/// unknown).
pub fn write_frames(out: &mut Out, stack: &[u8], sdk_prefix: &[u8], bounds: FrameBounds) -> usize {
    write_frames_in(out, stack, sdk_prefix, bounds, false, None, None)
}

/// [`write_frames`] for a stack the SDK took itself where it saw a value that had none of its
/// own: its newest frames are the SDK's, and they go through the outermost of the JS
/// package's entry points (a frame named `__errorbeacon…`), so that what remains is where the
/// app handed the value over (its call of `captureException`, `fetch`, `console.error`).
/// Without such a frame, nothing is left when every frame is the SDK's: a page event has no
/// app frame, and the SDK's own frames would name the SDK as the culprit.
pub fn write_synthetic_frames(out: &mut Out, stack: &[u8], sdk_prefix: &[u8], bounds: FrameBounds) -> usize {
    write_frames_in(out, stack, sdk_prefix, bounds, true, None, None)
}

/// [`write_frames`] (or [`write_synthetic_frames`]), with wasm frames pointed into the event's
/// debug `images` when given.
///
/// `rust`: a stack the Rust API took itself (in its panic hook or `capture_error`): its newest
/// frames, down to the app's first in-app one, are the hook's and the panic machinery's and are
/// left out, and the given frame object (the panic's `file:line:col`; empty: none) is written as
/// the crash frame. Only a Rust app's module passes one: the npm module (`feature = "npm"`)
/// compiles the branch out (its code would be dead there).
pub(crate) fn write_frames_in<'a>(
    out: &mut Out,
    stack: &'a [u8],
    sdk_prefix: &[u8],
    bounds: FrameBounds,
    synthetic: bool,
    mut images: Option<&mut Images<'a>>,
    rust: Option<&[u8]>,
) -> usize {
    // In the arena (wasm) a Vec costs a bump; a 250-entry array would be 12 KB to initialize.
    let mut seen = Vec::new();
    read(stack, sdk_prefix, &mut seen);
    let n = seen.len();
    let frames = seen.as_slice();
    // errorbeacon's own frames at the crash end (the newest, first here), unless nothing else is left.
    let own = frames.iter().take_while(|f| f.sdk).count();
    let mut frames = if own < n { frames.get(own..).unwrap_or_default() } else { frames };
    if synthetic {
        // Newest first here: the outermost entry point is the last one.
        match frames.iter().rposition(|f| line::is_sdk_entry(f.raw.function)) {
            Some(i) => frames = frames.get(i + 1..).unwrap_or_default(),
            None if own == n => frames = &[],
            None => {}
        }
    }
    let mut buf = Vec::new();
    let rust = if cfg!(feature = "npm") { None } else { rust };
    if rust.is_some() {
        let app = frames.iter().position(|f| decide(f, &mut buf, None).in_app).unwrap_or(frames.len());
        frames = frames.get(app..).unwrap_or_default();
    }
    let crash = rust.filter(|c| !c.is_empty());
    let total = frames.len();
    // The crash frame given counts as one of the newest kept.
    let keep = bounds.frames.min(total + usize::from(crash.is_some()));
    let (old, new) = (keep / 2, (keep - keep / 2).saturating_sub(usize::from(crash.is_some())));
    out.byte(b'[');
    let mut i = total;
    while i > 0 {
        i -= 1;
        let k = total - 1 - i;
        if k >= old && k < total - new {
            continue;
        }
        if let Some(f) = frames.get(i) {
            out.comma();
            write_frame(out, f, bounds.chars, &mut buf, images.as_deref_mut());
        }
    }
    if let Some(c) = crash {
        out.comma();
        out.raw(c);
    }
    out.byte(b']');
    keep
}

/// The frame lines of `stack` into `seen`, newest first.
fn read<'a>(stack: &'a [u8], sdk_prefix: &[u8], seen: &mut Vec<Seen<'a>>) {
    // At most MAX_STACK_BYTES, cut on a character boundary.
    let mut end = stack.len().min(MAX_STACK_BYTES);
    while end > 0 && end < stack.len() && stack.get(end).is_some_and(|&b| b & 0xc0 == 0x80) {
        end -= 1;
    }
    let mut rest = sub(stack, 0, end);
    // The first `at ` line decides for the whole stack: it is V8's (or Bun's), and any earlier
    // line that looked like a Firefox frame was part of the message.
    let mut is_v8 = false;
    // The previous frame's path and what it says: frames mostly repeat a file.
    let mut last: (&[u8], Facts<'a>) = (b"", NO_FACTS);
    let mut facts = |path: &'a [u8]| {
        if path != last.0 {
            last = (path, facts(path, sdk_prefix));
        }
        last.1
    };
    while !rest.is_empty() && seen.len() < MAX_FRAMES {
        let nl = find(rest, b"\n", 0).unwrap_or(rest.len());
        let text = sub(rest, 0, nl);
        rest = tail(rest, nl + 1);
        if text.len() > MAX_LINE_BYTES {
            continue;
        }
        let raw = match strip(text.trim_ascii_start(), b"at ") {
            Some(after) => {
                if !is_v8 {
                    is_v8 = true;
                    seen.clear();
                }
                Some(line::v8(after))
            }
            None if is_v8 => continue,
            None => line::gecko(text).or_else(|| line::jsc(text)),
        };
        let Some(raw) = raw else { continue };
        let (facts, sdk) = match raw.loc {
            Loc::Source(path, ..) => {
                let f = facts(path);
                (f, f.sdk || line::is_sdk_entry(raw.function))
            }
            Loc::Wasm(path, ..) => {
                let f = facts(path);
                (f, f.sdk)
            }
            Loc::None | Loc::Native(_) => (NO_FACTS, false),
        };
        seen.push(Seen { raw, facts, sdk });
    }
}

/// A frame's fields, decided: what both writers write.
struct Frame<'a> {
    /// Empty: none.
    function: &'a [u8],
    /// The printed name, when `function` is a cleaned version of it.
    raw_function: Option<&'a [u8]>,
    filename: &'a [u8],
    /// Empty: none (then `filename` is empty too).
    abs_path: &'a [u8],
    lineno: Option<u32>,
    colno: Option<u32>,
    in_app: bool,
    /// A wasm frame's function index and code offset.
    wasm: Option<(Option<u32>, Option<u64>)>,
    /// The debug image its address is relative to.
    image: Option<usize>,
}

/// What a frame line means: names, filename, in-app, debug image. `buf`: room for a cleaned
/// wasm name.
fn decide<'a: 'b, 'b>(f: &Seen<'a>, buf: &'b mut Vec<u8>, images: Option<&mut Images<'a>>) -> Frame<'b> {
    let function = f.raw.function;
    let mut d = Frame {
        function,
        raw_function: None,
        filename: b"",
        abs_path: b"",
        lineno: None,
        colno: None,
        in_app: false,
        wasm: None,
        image: None,
    };
    match f.raw.loc {
        Loc::Wasm(path, index, addr) => {
            d.filename = f.facts.filename;
            d.abs_path = path;
            d.wasm = Some((index, addr));
            d.in_app = !f.facts.sdk;
            if let Some((shown, image)) = images.and_then(|i| i.place(path, index, addr)) {
                if shown.len() != path.len() || shown.as_ptr() != path.as_ptr() {
                    d.abs_path = shown;
                    d.filename = crate::write::images::filename(shown);
                }
                // Without an address there is nothing to relate to the image.
                d.image = addr.and(Some(image));
            }
            // JavaScriptCore prints the function index where it has no name
            // (`302@<?>:wasm-function[302]`): that is no name.
            if function.iter().all(u8::is_ascii_digit) {
                d.function = b"";
            } else {
                let (clean, changed) = clean_wasm_name(function, buf);
                d.function = clean;
                d.raw_function = changed.then_some(function);
                d.in_app &= line::is_app_wasm(clean);
            }
        }
        Loc::Native(path) => {
            d.filename = path;
            d.abs_path = path;
        }
        Loc::Source(path, line, col) => {
            d.filename = f.facts.filename;
            d.abs_path = path;
            d.lineno = line;
            d.colno = col;
            // `f.sdk` holds whether the name is an SDK entry point (`facts.app` excludes the
            // SDK's paths), so the name is not searched again.
            d.in_app = !line::is_js_glue(function) && !f.sdk && f.facts.app;
        }
        Loc::None => {}
    }
    d
}

/// One frame object, fields in [`crate::protocol::Frame`]'s order.
fn write_frame<'a>(out: &mut Out, f: &Seen<'a>, chars: usize, buf: &mut Vec<u8>, images: Option<&mut Images<'a>>) {
    let d = decide(f, buf, images);
    out.byte(b'{');
    if !d.function.is_empty() {
        out.field("function", d.function, chars);
    }
    if let Some(raw) = d.raw_function {
        out.field("raw_function", raw, chars);
    }
    if !d.abs_path.is_empty() {
        out.field("filename", d.filename, chars);
        out.field("abs_path", d.abs_path, chars);
    }
    number("lineno", d.lineno, out);
    number("colno", d.colno, out);
    out.key("in_app");
    out.raw(if d.in_app { b"true" } else { b"false" });
    if let Some((index, addr)) = d.wasm {
        out.field("platform", b"native", usize::MAX);
        if let Some(a) = addr {
            out.key("instruction_addr");
            out.addr(a);
        }
        if let Some(n) = d.image {
            out.raw(b",\"addr_mode\":\"rel:");
            out.num(n as u64);
            out.byte(b'"');
        }
        if let Some(i) = index {
            out.key("function_id");
            out.addr(u64::from(i));
        }
    }
    out.byte(b'}');
}

/// Words per frame in [`table_frames`]' output.
pub const TABLE_RECORD: usize = 13;

/// `TABLE_RECORD` flags: which fields a frame has (must match `parseStack` in the JS).
pub mod table {
    pub const HAS_FN: u32 = 1;
    /// The function's range is of the side strings (a cleaned name), not of the stack.
    pub const FN_SIDE: u32 = 2;
    pub const HAS_RAW: u32 = 4;
    pub const HAS_ABS: u32 = 8;
    pub const HAS_FILE: u32 = 16;
    pub const HAS_LINE: u32 = 32;
    pub const HAS_COL: u32 = 64;
    pub const IN_APP: u32 = 128;
    pub const WASM: u32 = 256;
    pub const HAS_ADDR: u32 = 512;
    pub const HAS_FUNC_ID: u32 = 1024;
}

/// `parseStack`'s fast path: the frames of `stack`, oldest first, as [`TABLE_RECORD`] words
/// each (function, raw function, abs_path and filename as byte ranges of `stack`, then line,
/// column, flags, the code offset's low 32 bits, the function index), so that JavaScript
/// slices its own string instead of decoding and parsing JSON (three times slower). A name the
/// stack does not hold as it is (a wasm name with its disambiguators removed) goes into `side`,
/// its range there flagged [`table::FN_SIDE`]. `None` when a path is not a range of `stack` or
/// an address does not fit 32 bits: [`write_frames`] then.
pub fn table_frames(out: &mut Vec<u32>, side: &mut Vec<u8>, stack: &[u8], sdk_prefix: &[u8]) -> Option<usize> {
    let mut seen = Vec::new();
    read(stack, sdk_prefix, &mut seen);
    let own = seen.iter().take_while(|f| f.sdk).count();
    let frames = if own < seen.len() { seen.get(own..).unwrap_or_default() } else { seen.as_slice() };
    let base = stack.as_ptr() as usize;
    // A range of `stack`, or `None`.
    let range = |s: &[u8]| {
        let start = (s.as_ptr() as usize).wrapping_sub(base);
        (start <= stack.len() && s.len() <= stack.len() - start).then_some((start as u32, (start + s.len()) as u32))
    };
    let mut buf = Vec::new();
    for f in frames.iter().rev() {
        let d = decide(f, &mut buf, None);
        let mut flags = if d.in_app { table::IN_APP } else { 0 };
        let mut words = [0u32; TABLE_RECORD];
        for (i, (field, flag)) in [
            (Some(d.function).filter(|f| !f.is_empty()), table::HAS_FN),
            (d.raw_function, table::HAS_RAW),
            (Some(d.abs_path).filter(|p| !p.is_empty()), table::HAS_ABS),
            (Some(d.filename).filter(|_| !d.abs_path.is_empty()), table::HAS_FILE),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(text) = field {
                let (a, b) = match range(text) {
                    Some(r) => r,
                    None if i == 0 => {
                        flags |= table::FN_SIDE;
                        push_side(side, text)
                    }
                    None => return None,
                };
                flags |= flag;
                words[2 * i] = a;
                words[2 * i + 1] = b;
            }
        }
        if let Some(n) = d.lineno {
            flags |= table::HAS_LINE;
            words[8] = n;
        }
        if let Some(n) = d.colno {
            flags |= table::HAS_COL;
            words[9] = n;
        }
        if let Some((index, addr)) = d.wasm {
            flags |= table::WASM;
            if let Some(a) = addr {
                flags |= table::HAS_ADDR;
                words[11] = u32::try_from(a).ok()?;
            }
            if let Some(i) = index {
                flags |= table::HAS_FUNC_ID;
                words[12] = i;
            }
        }
        words[10] = flags;
        out.extend_from_slice(&words);
    }
    Some(frames.len())
}

/// Appends `text` to the side strings; its range there.
#[inline(never)]
fn push_side(side: &mut Vec<u8>, text: &[u8]) -> (u32, u32) {
    let start = side.len() as u32;
    side.extend_from_slice(text);
    (start, side.len() as u32)
}

fn number(key: &str, n: Option<u32>, out: &mut Out) {
    if let Some(n) = n {
        out.key(key);
        out.num(u64::from(n));
    }
}

/// The name Sentry shows for a wasm frame's printed function text, written into `buf` when it
/// differs by more than a prefix or suffix: the module prefix engines add (`m.wasm.`), the
/// legacy hash (`::h0123…`) and v0 crate disambiguators (`std[a543…]`) removed, as
/// [`super::names::clean_wasm_function`] does but without demangling raw symbols. Returns the
/// name and whether it differs from `printed`.
pub(crate) fn clean_wasm_name<'b>(printed: &'b [u8], buf: &'b mut Vec<u8>) -> (&'b [u8], bool) {
    let name = match find(printed, b".wasm.", 0) {
        Some(i) => tail(printed, i + 6),
        None => printed,
    };
    let (symbol, suffix) = match find(name, b" ", 0) {
        Some(i) => (sub(name, 0, i), tail(name, i)),
        None => (name, &b""[..]),
    };
    // Engines add at most a short note after the name (` externref shim`); anything longer is
    // not a symbol worth rewriting.
    if suffix.len() > 64 {
        return (name, name.len() != printed.len());
    }
    // `a::b::h0123456789abcdef` → `a::b` (the legacy mangling's hash).
    let symbol = match symbol.len().checked_sub(19) {
        Some(h) if sub(symbol, h, h + 3) == b"::h" && tail(symbol, h + 3).iter().all(u8::is_ascii_hexdigit) => {
            sub(symbol, 0, h)
        }
        _ => symbol,
    };
    // What is kept, as pieces of `printed` copied into `buf`.
    buf.clear();
    let put = |piece: &[u8], buf: &mut Vec<u8>| buf.extend_from_slice(piece);
    let mut rest = symbol;
    let mut removed = false;
    while let Some(open) = find(rest, b"[", 0) {
        let after = tail(rest, open + 1);
        // A disambiguator's `]` is at most 17 bytes on: looked for only there (linear time for
        // a name of many `[`, which a thrown value's own `stack` can hold).
        let close = find(sub(after, 0, after.len().min(17)), b"]", 0);
        let is_hash = close.is_some_and(|c| c > 0 && c <= 16 && sub(after, 0, c).iter().all(u8::is_ascii_hexdigit));
        let prev_is_ident = sub(rest, 0, open).last().is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        match close {
            Some(c) if is_hash && prev_is_ident => {
                put(sub(rest, 0, open), buf);
                rest = tail(after, c + 1);
                removed = true;
            }
            _ => {
                put(sub(rest, 0, open + 1), buf);
                rest = after;
            }
        }
    }
    if !removed {
        // One piece of `printed`: the symbol, or it and its suffix when they are adjacent.
        if suffix.is_empty() {
            return (symbol, symbol.len() != printed.len());
        }
        if symbol.len() + suffix.len() == name.len() {
            return (name, name.len() != printed.len());
        }
    }
    // The pieces so far and `rest` make the symbol without its disambiguators.
    put(rest, buf);
    put(suffix, buf);
    (buf.as_slice(), true)
}

// Host tests (fixtures from disk, proptest): not in the wasm-bindgen-test build.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::stack::{parse_stack_with, ParseOptions};

    /// The old composer's frames, serialized by serde_json, with raw Rust symbols as printed
    /// (it demangles them; the lean path leaves that to the inbox).
    fn old(stack: &str, prefix: Option<&str>) -> String {
        let opts = ParseOptions { sdk_url_prefix: prefix.map(str::to_owned) };
        serde_json::to_string(&parse_stack_with(stack, &opts)).expect("json")
    }

    fn lean(stack: &str, prefix: Option<&str>) -> String {
        let mut out = Out::new(usize::MAX);
        write_frames(&mut out, stack.as_bytes(), prefix.unwrap_or("").as_bytes(), FrameBounds::ALL);
        String::from_utf8(out.into_bytes()).expect("utf-8")
    }

    #[test]
    fn names_clean_as_the_old_cleaner_does_for_rustc_names() {
        for printed in [
            "stackfix_wasm.wasm.stackfix_wasm::alpha_inner::hb5ab39174e8490f7",
            "m.wasm.alpha_call_js externref shim",
            "m.wasm.stackfix_wasm::JsCallback::invoke::__wbg_call_7::hf3cac5822aebee6d externref shim",
            "m.wasm.std[a543996e6e7dbf1e]::sys::backtrace::__rust_end_short_backtrace::<std[a543996e6e7dbf1e]::panicking::panic_handler::{closure#0}, !>",
            "a[x]::b[0]",
            "plain",
            "x.wasm.",
            "a[0123456789abcdef] with a note",
        ] {
            let mut buf = Vec::new();
            let (clean, changed) = clean_wasm_name(printed.as_bytes(), &mut buf);
            let want = crate::stack::names::clean_wasm_function(printed);
            assert_eq!(clean, want.as_bytes(), "{printed}");
            assert_eq!(changed, want != printed, "{printed}");
        }
    }

    #[test]
    fn raw_symbols_are_written_as_printed() {
        let s = "RuntimeError\n    at m.wasm._ZN4core9panicking9panic_fmt17h0123456789abcdefE (http://h/m.wasm:wasm-function[3]:0x10)";
        let got: serde_json::Value = serde_json::from_str(&lean(s, None)).expect("json");
        assert_eq!(got[0]["function"], "_ZN4core9panicking9panic_fmt17h0123456789abcdefE");
        assert_eq!(got[0]["raw_function"], "m.wasm._ZN4core9panicking9panic_fmt17h0123456789abcdefE");
    }

    #[test]
    fn bytes_equal_the_old_composer_on_hand_picked_stacks() {
        for s in [
            "Error: x\n    at f (http://h/a.js:1:2)\n    at http://h/:3:4",
            "Error: mail bob@http://x:1:2\nsecond line\n    at f (/a.js:1:2)",
            "Error: x\n    at capture (http://h/node_modules/errorbeacon/index.js:1:1)\n    at app (http://h/app.js:2:2)\n    at cb (http://h/node_modules/errorbeacon/index.js:3:3)\n    at main (http://h/app.js:4:4)",
            "Error: x\n    at capture (http://h/node_modules/errorbeacon/index.js:1:1)",
            "f@http://h/a.js:10:5\nforEach@[native code]\nglobal code@http://h/a.js:20:3\nm::g@probe.wasm:wasm-function[126]",
            "302@<?>:wasm-function[302]\napp::f::h0123456789abcdef@app.wasm:wasm-function[7]\nrun@http://h/a.js:1:2",
            "Error\n    at JSON.parse (<anonymous>)\n    at async Promise.all (index 1)\n    at process.processTimers (node:internal/timers:512:7)",
            "RuntimeError: unreachable\n    at m.wasm.std[a543996e6e7dbf1e]::panicking::panic_with_hook (wasm://wasm/m.wasm-0001b9f2:wasm-function[24]:0x374e)\n    at m.wasm.app::level3::ha1b51f36a762e82b (wasm://wasm/m.wasm-0001b9f2:wasm-function[39]:0x3ef4)",
            "Error: \"quoted\" \\ \u{1}\n    at f\u{1}\"x (http://h/a\"b.js:1:2)",
            "",
            "no frames at all",
        ] {
            assert_eq!(lean(s, None), old(s, None), "{s}");
        }
        let s = "Error\n    at a (http://h/pkg/index.js:1:1)\n    at b (http://h/x.js:1:1)";
        assert_eq!(lean(s, Some("http://h/pkg/")), old(s, Some("http://h/pkg/")));
    }

    #[test]
    fn bounds_hold_for_huge_inputs() {
        let line = "    at f (http://h/a.js:1:2)\n";
        let big = format!("Error: x\n{}", line.repeat(100_000));
        assert_eq!(lean(&big, None), old(&big, None));
        let long_line = format!("    at f (http://h/{}.js:1:2)", "a".repeat(MAX_LINE_BYTES));
        assert_eq!(lean(&long_line, None), "[]");
    }

    #[test]
    fn middle_frames_are_skipped_keeping_both_ends() {
        let stack: String = (0..20).map(|i| format!("    at f{i} (http://h/a.js:{}:1)\n", i + 1)).collect();
        let mut out = Out::new(usize::MAX);
        let n = write_frames(&mut out, stack.as_bytes(), b"", FrameBounds { frames: 5, chars: usize::MAX });
        assert_eq!(n, 5);
        let v: serde_json::Value = serde_json::from_slice(out.bytes()).expect("json");
        let names: Vec<_> = v.as_array().expect("array").iter().map(|f| f["function"].as_str().unwrap_or("")).collect();
        // Oldest first: f19 is the outermost caller, f0 where it failed.
        assert_eq!(names, ["f19", "f18", "f2", "f1", "f0"]);
    }

    /// Every stack string in the fixtures (real captured stacks of seven engines, the peer
    /// corpora).
    fn fixture_stacks() -> Vec<String> {
        fn stacks(v: &serde_json::Value, key: &str, out: &mut Vec<String>) {
            match v {
                serde_json::Value::String(s) if key.contains("stack") => out.push(s.clone()),
                serde_json::Value::Array(a) => a.iter().for_each(|x| stacks(x, key, out)),
                serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| stacks(x, k, out)),
                _ => {}
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut files = Vec::new();
        for dir in [
            "stacks/bun",
            "stacks/chromium",
            "stacks/deno",
            "stacks/firefox",
            "stacks/node",
            "stacks/webkit",
            "stacks/workerd",
            "peer",
        ] {
            for e in std::fs::read_dir(root.join(dir)).expect("fixture dir") {
                files.push(e.expect("entry").path());
            }
        }
        let mut out = Vec::new();
        for file in files {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
            stacks(&v, "", &mut out);
        }
        out
    }

    /// Every stack string in the fixtures (real captured stacks of seven engines, the peer
    /// corpora): the lean bytes equal the old composer's serde_json bytes, but for raw Rust
    /// symbols, which the old one demangles and the lean one leaves to the inbox.
    #[test]
    fn bytes_equal_the_old_composer_on_every_fixture_stack() {
        let (mut all, mut frames, mut raw_symbols) = (0, 0, 0);
        {
            let file = "fixtures";
            for s in fixture_stacks() {
                all += 1;
                let (l, o) = (lean(&s, None), old(&s, None));
                let (lv, ov): (serde_json::Value, serde_json::Value) =
                    (serde_json::from_str(&l).expect("lean json"), serde_json::from_str(&o).expect("old json"));
                frames += ov.as_array().map_or(0, Vec::len);
                if l == o {
                    continue;
                }
                let (la, oa) = (lv.as_array().expect("array"), ov.as_array().expect("array"));
                assert_eq!(la.len(), oa.len(), "{file}: {s}");
                for (a, b) in la.iter().zip(oa) {
                    if a != b {
                        let f = a["function"].as_str().unwrap_or("");
                        assert!(
                            f.starts_with("_ZN") || f.starts_with("__ZN") || f.starts_with("_R"),
                            "{file}: {a} != {b}"
                        );
                        raw_symbols += 1;
                    }
                }
            }
        }
        assert!(all > 300 && frames > 2000, "{all} stacks, {frames} frames");
        eprintln!("{all} stacks, {frames} frames equal ({raw_symbols} raw symbols left as printed)");
    }

    /// The work of parsing a stack (the bytes its searches look at, counted in `line::find` and
    /// `line::rfind`) against its length, for both outputs.
    fn work_per_byte(stack: &[u8]) -> usize {
        super::line::SCANNED.with(|c| c.set(0));
        let mut out = Out::new(usize::MAX);
        write_frames(&mut out, stack, b"https://h/errorbeacon/", FrameBounds::ALL);
        let mut table = Vec::new();
        let mut side = Vec::new();
        let _ = table_frames(&mut table, &mut side, stack, b"https://h/errorbeacon/");
        super::line::SCANNED.with(|c| c.get()) / stack.len().max(1)
    }

    /// Lines of one piece repeated to the line limit (what a thrown value's own `stack` can
    /// hold): the searches look at each byte a bounded number of times. Before the bound on
    /// `clean_wasm_name`'s `]` search, a name of many `[` made it quadratic (a 256 KB stack of
    /// them took 0.9 s).
    #[test]
    fn parsing_work_is_linear_in_the_stack_on_adversarial_lines() {
        for (prefix, piece, suffix) in [
            ("    at m.wasm.", "a[", " (wasm://wasm/m.wasm-1:wasm-function[1]:0x1)"),
            ("    at m.wasm.", "[", " (wasm://wasm/m.wasm-1:wasm-function[1]:0x1)"),
            ("", "a@", "x@http://h/a.js:1:1"),
            ("", "@", "http://h/a.js:1:1"),
            ("    at ", "(", " (http://h/a.js:1:1)"),
            ("    at f ", ")", "(http://h/a.js:1:1)"),
            ("    at f (http://h/a.js", ":1", ")"),
            ("    at f (http://h/", "/", "a.js:1:1)"),
            ("    at f (", "node_modules/", "a.js:1:1)"),
            ("    at eval (eval at ", "eval at f (", " (http://h/a.js:1:1), <anonymous>:1:1)"),
            ("    at f (", ":wasm-function", "[1]:0x1)"),
            ("    at f (", ".wasm.", "x.wasm:wasm-function[1]:0x1)"),
            ("", "f", "@"),
            ("    at ", "__errorbeacon", " (http://h/a.js:1:1)"),
        ] {
            let n = (crate::limits::MAX_LINE_BYTES - prefix.len() - suffix.len()) / piece.len();
            let line = [prefix, &piece.repeat(n), suffix, "\n"].concat();
            let stack = line.repeat(crate::limits::MAX_STACK_BYTES / line.len());
            let w = work_per_byte(stack.as_bytes());
            assert!(w <= 64, "{piece:?}: {w} bytes looked at per byte of the stack");
        }
    }

    proptest::proptest! {
        /// Any mix of the pieces lines are made of, each repeated many times: linear work.
        #[test]
        fn parsing_work_is_linear_in_the_stack(
            parts in proptest::collection::vec((proptest::sample::select(vec![
                "    at ", "at ", "(", ")", "[", "]", "@", ":", "/", "a", "0", " ", ".wasm.", ":wasm-function[",
                "wasm://wasm/m.wasm-1", "http://h/", "eval at ", ", ", "\n", "::h", "node_modules/", "__wbg_",
            ]), 1..400usize), 1..12),
        ) {
            let stack: String = parts.iter().map(|(p, n)| p.repeat(*n)).collect();
            let w = work_per_byte(stack.as_bytes());
            proptest::prop_assert!(w <= 64, "{} bytes looked at per byte: {:?}", w, &stack.get(..200));
        }
    }

    proptest::proptest! {
        /// Stacks made of the pieces real lines are made of, and arbitrary bytes: the lean
        /// bytes equal the old composer's, and the output is always valid JSON.
        #[test]
        fn equals_the_old_composer_on_generated_stacks(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "    at ", "at ", "async ", "f", "Object.<anonymous>", " (", ")", "(", "@", "http://h:80/a.js", ":1", ":23", ":0x1f",
                "wasm://wasm/m.wasm-1", ":wasm-function[", ".wasm-function[", "]", "[native code]", "<anonymous>", "eval at ",
                ", ", "index ", "\n", " ", "m.wasm.", "a::b::h0123456789abcdef", "std[a543996e6e7dbf1e]::x", " shim",
                "node_modules/errorbeacon/", "data:text/js,", "é", "\"", "\\", "\u{1}", "__errorbeacon_x", "__wbg_y", "global code",
                "99999999999", "file:///", "?q#f", "/", ":", "_ZN3foo", "errorbeacon.wasm",
            ]), 0..40),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let s: String = parts.concat();
            let lean_out = lean(&s, None);
            proptest::prop_assert_eq!(&lean_out, &old(&s, None));
            let mut out = Out::new(usize::MAX);
            write_frames(&mut out, &noise, b"", FrameBounds::ALL);
            let text = String::from_utf8_lossy(out.bytes()).into_owned();
            proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{}", text);
        }
    }

    /// The table, read back as JavaScript's `parseStack` reads it, gives the old composer's
    /// frames for every fixture stack it takes; the rest fall back to JSON.
    #[test]
    fn the_table_reads_back_as_the_old_frames_on_every_fixture_stack() {
        use crate::protocol::{Addr, Frame};
        let (mut taken, mut fallback) = (0, 0);
        for s in fixture_stacks() {
            let b = s.as_bytes();
            let mut t = Vec::new();
            let mut side = Vec::new();
            let Some(n) = table_frames(&mut t, &mut side, b, b"") else {
                fallback += 1;
                continue;
            };
            taken += 1;
            let text =
                |w: &[u32], i: usize| String::from_utf8(b[w[i] as usize..w[i + 1] as usize].to_vec()).expect("utf-8");
            let function = |w: &[u32]| {
                let from: &[u8] = if w[10] & table::FN_SIDE != 0 { &side } else { b };
                String::from_utf8(from[w[0] as usize..w[1] as usize].to_vec()).expect("utf-8")
            };
            let got: Vec<Frame> = t
                .chunks(TABLE_RECORD)
                .map(|w| {
                    let f = w[10];
                    let has = |flag| f & flag != 0;
                    Frame {
                        function: has(table::HAS_FN).then(|| function(w)),
                        raw_function: has(table::HAS_RAW).then(|| text(w, 2)),
                        abs_path: has(table::HAS_ABS).then(|| text(w, 4)),
                        filename: has(table::HAS_FILE).then(|| text(w, 6)),
                        lineno: has(table::HAS_LINE).then_some(w[8]),
                        colno: has(table::HAS_COL).then_some(w[9]),
                        in_app: Some(has(table::IN_APP)),
                        platform: has(table::WASM).then(|| "native".to_owned()),
                        instruction_addr: has(table::HAS_ADDR).then_some(Addr(u64::from(w[11]))),
                        addr_mode: None,
                        function_id: has(table::HAS_FUNC_ID).then_some(Addr(u64::from(w[12]))),
                    }
                })
                .collect();
            assert_eq!(got.len(), n);
            assert_eq!(serde_json::to_string(&got).expect("json"), old(&s, None), "{s}");
        }
        assert!(taken > 500 && fallback < 5, "{taken} taken, {fallback} fell back");
    }
}
