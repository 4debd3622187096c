//! What other stack parsers assert, run through [`parse_stack`]: the peer corpora in
//! `tests/fixtures/peer/` (see "Peer corpora" in `tests/fixtures/README.md`).
//!
//! * `sentry-javascript-tracekit.json`: `@sentry/browser`'s tracekit tests (frames oldest first;
//!   Sentry's `filename` is the URL, our `abs_path`; `?` is Sentry's "no name") and the wasm
//!   integration's `patchFrames` test.
//! * `error-stack-parser.json`: stacktracejs/error-stack-parser's spec (frames newest first;
//!   `null` = asserted undefined, a missing key = not asserted; some tests assert only the
//!   newest frames plus a total count).
//!
//! Every case lands in exactly one bucket:
//! * **agrees**: function, path, line and column match frame by frame (and the count, where
//!   the peer asserts it);
//! * **deliberate**: listed in [`DELIBERATE`], either with the peer's conventions
//!   ([`Convention`]), each a small transformation with its own predicate, after which the case
//!   must agree; or as out of scope ([`Scope`]), with a predicate on the input;
//! * **known bug**: listed in [`KNOWN_BUGS`] (empty now); the main test leaves these out and
//!   checks they still fail, so a fixed bug must leave the list;
//! * anything else is a **mismatch** and fails the test.
//!
//! Stale entries fail the test too: a listed case that now agrees without its conventions, a
//! convention that changes nothing, a scope whose predicate does not hold, a fixed bug.

use errorbeacon::{parse_stack, Frame};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Corpus {
    SentryJavascript,
    ErrorStackParser,
}

impl Corpus {
    fn name(self) -> &'static str {
        match self {
            Corpus::SentryJavascript => "sentry-javascript",
            Corpus::ErrorStackParser => "error-stack-parser",
        }
    }
}

/// A peer's assertion about one field: `None` = not asserted, `Some(None)` = asserted absent.
type Check<T> = Option<Option<T>>;

/// One frame as the peer asserts it.
#[derive(Debug, Default)]
struct Want {
    function: Check<String>,
    path: Check<String>,
    line: Check<u32>,
    col: Check<u32>,
    /// `instruction_addr` of a wasm frame (`platform: "native"`); asserted by `patchFrames` only.
    wasm_addr: Check<String>,
}

/// What a peer test expects.
enum Expected {
    /// Frames **newest first**; `count` is the total when the peer asserts it.
    Frames { frames: Vec<Want>, count: Option<usize> },
    /// The peer asserts that parsing throws.
    Throws,
}

/// One peer test case, normalized.
struct Case {
    corpus: Corpus,
    /// Engine or browser: the tracekit test file, or the captured error's prefix.
    label: String,
    /// `<label> > <test name>`, unique per corpus.
    key: String,
    input: Value,
    stack: Option<String>,
    expected: Expected,
}

/// One of our frames, with the stack line it came from (when the parse can be mapped back).
#[derive(Clone, Debug)]
struct Got {
    function: Option<String>,
    path: Option<String>,
    line: Option<u32>,
    col: Option<u32>,
    wasm_addr: Option<String>,
    source: Option<String>,
}

impl Got {
    fn new(f: &Frame, source: Option<&str>) -> Got {
        // The printed name: errorbeacon shows demangled wasm names in `function` and keeps the
        // printed text in `raw_function`; the peers compare printed text.
        let function = f.raw_function.clone().or_else(|| f.function.clone());
        Got {
            function,
            path: f.abs_path.clone(),
            line: f.lineno,
            col: f.colno,
            wasm_addr: f.is_wasm().then(|| f.instruction_addr.map(|a| a.to_string())).flatten(),
            source: source.map(str::to_owned),
        }
    }
}

/// A convention of a peer that errorbeacon does not share, written as the transformation of
/// our frames into the peer's form. Each checks its own precondition and reports whether it
/// changed anything.
#[derive(Clone, Copy, Debug)]
enum Convention {
    /// V8 `at f (eval at g (url:l:c), <anonymous>:l2:c2)`: the peer gives the eval call site
    /// `url:l:c` (innermost origin), we the frame's own position `<anonymous>:l2:c2`, which is
    /// what V8's CallSite API reports (`getFileName`, `getLineNumber`) and what the real
    /// fixtures in `tests/fixtures/stacks/` hold.
    V8EvalCallSite,
    /// SpiderMonkey `url line N > eval:l:c`: the peer gives `url`, line N, no column (and
    /// Sentry names an anonymous frame `eval`); we keep Firefox's eval location and the
    /// frame's own line and column.
    GeckoEvalCallSite { names_anonymous_eval: bool },
    /// Sentry keeps V8's `async ` marker in the name (`async callSomeFunction`); it marks an
    /// await continuation, not part of the function name, so we strip it.
    SentryKeepsAsync,
    /// `f (async url:l:c)`: Sentry strips `async ` inside the location. No V8 prints that
    /// (V8 writes `at async f (url)`, which we parse); the line in the test was written by
    /// hand for sentry-javascript#7128, so we keep the location text as printed.
    AsyncInsideLocation,
    /// Sentry replaces a `data:` URL with `<data:type>` and drops line and column; we keep
    /// the URL and position as printed (the frame's `filename` is shortened to the type).
    DataUrlRedacted,
    /// Sentry cuts every line at 1024 characters, which cuts the `:line:col` off a long URL;
    /// we keep lines up to `errorbeacon::limits::MAX_LINE_BYTES` whole.
    LineCut1024,
    /// Sentry splits `at MyClass::bar(int) const (url)` at the first `(`: the name loses its
    /// C++ signature and the rest lands in `filename` (its wasm integration repairs the path
    /// later, when `path_repaired`). We balance parentheses from the end of the line.
    CppSignatureSplit { path_repaired: bool },
    /// Sentry pops `error.framesToPop` newest frames (a React convention on the error object);
    /// `parse_stack` sees only the string, the capture layer decides about such properties.
    FramesToPop,
    /// error-stack-parser filters JSC's `[native code]` / `eval@[native code]` lines; JSC printed
    /// them as frames (a native caller), we keep them, as Sentry does.
    NativeCodeDropped,
    /// Sentry drops JSC frames printed as a bare name with no location (`eval code`: the code
    /// `eval` ran); JSC printed them as frames, and they are the crash end, so we keep them.
    NameOnlyFramesDropped,
    /// error-stack-parser keeps the parentheses when the location has no `:` (`(native)`);
    /// V8 printed the location `native` (Sentry agrees).
    NativeInParens,
    /// error-stack-parser drops Edge's `eval code` pseudo-file and renames the `eval code`
    /// frame `eval`; Edge printed `eval code` for both, we keep it (Sentry does too).
    EdgeEvalCode,
}

/// Inputs errorbeacon is not meant to parse, each with a predicate on the input.
#[derive(Clone, Copy, Debug)]
enum Scope {
    /// Opera Presto (≤ 12): Carakan is none of V8, SpiderMonkey, JavaScriptCore; its frames are
    /// in `stacktrace` or in the message (Opera 9–10), its `stack` lists arguments; errorbeacon
    /// reads `stack` only.
    OperaPresto,
    /// Not an engine's `error.stack`: Sentry's own raw-stacktrace rendering of already parsed
    /// frames, `  at fn(file:l:c)` without a space and `  at ? (…)` (getsentry/sentry,
    /// `static/app/components/events/interfaces/crashContent/stackTrace/rawContent.tsx`).
    SentryRawView,
}

impl Scope {
    fn applies(self, case: &Case) -> bool {
        match self {
            Scope::OperaPresto => case.input.get("stacktrace").is_some() || case.input.get("opera#sourceloc").is_some(),
            Scope::SentryRawView => case.stack.as_deref().is_some_and(|s| s.lines().any(is_raw_view_line)),
        }
    }
}

/// `at name(location)`: a name without spaces directly followed by `(`, as Sentry's raw view
/// prints named frames. V8 always puts a space before the `(`.
fn is_raw_view_line(line: &str) -> bool {
    let Some(rest) = line.trim().strip_prefix("at ") else { return false };
    match rest.find('(') {
        Some(i) => i > 0 && !rest[..i].contains(' ') && rest.ends_with(')'),
        None => false,
    }
}

enum How {
    Conventions(&'static [Convention]),
    OutOfScope(Scope),
    /// The peer throws on an error without `stack`; errorbeacon never throws, it returns no
    /// frames (the capture layer then synthesizes one, see `src/capture`).
    NoStack,
}

struct Deliberate {
    corpus: Corpus,
    case: &'static str,
    how: How,
    reason: &'static str,
}

use Convention::*;
use Corpus::{ErrorStackParser as Esp, SentryJavascript as Sentry};

/// Where errorbeacon's parse differs from a peer's on purpose.
const DELIBERATE: &[Deliberate] = &[
    Deliberate {
        corpus: Sentry,
        case: "safari > should parse exceptions with eval frames in Safari 12",
        how: How::Conventions(&[NameOnlyFramesDropped]),
        reason: "JSC's bare `eval code` line is the frame eval ran; Sentry drops it, we keep it",
    },
    Deliberate {
        corpus: Esp,
        case: "safari > should parse nested eval() from Safari 9",
        how: How::Conventions(&[NativeCodeDropped]),
        reason: "error-stack-parser drops `eval@[native code]`, a frame JSC printed; we keep it",
    },
    Deliberate {
        corpus: Sentry,
        case: "safari > should parse Safari 8 eval error",
        how: How::Conventions(&[NameOnlyFramesDropped]),
        reason: "JSC's bare `eval code` line is the frame that threw; Sentry drops it, we keep it",
    },
    Deliberate {
        corpus: Sentry,
        case: "chromium > should parse Chrome error with webpack URLs",
        how: How::OutOfScope(Scope::SentryRawView),
        reason: "`at TESTTESTTEST.eval(webpack:///…)` is Sentry's raw view, not V8 output",
    },
    Deliberate {
        corpus: Sentry,
        case: "chromium > should parse nested eval() from Chrome",
        how: How::Conventions(&[V8EvalCallSite]),
        reason: "Sentry gives the eval call site; we give the frame's own `<anonymous>:l:c`",
    },
    Deliberate {
        corpus: Sentry,
        case: "chromium > should parse exceptions with eval frames in Chrome 73",
        how: How::Conventions(&[V8EvalCallSite]),
        reason: "Sentry gives the eval call site; we give the frame's own `<anonymous>:l:c`",
    },
    Deliberate {
        corpus: Sentry,
        case: "chromium > should parse frames with async urls",
        how: How::Conventions(&[AsyncInsideLocation]),
        reason: "`(async url)` is a hand-written form no V8 prints; we keep the location verbatim",
    },
    Deliberate {
        corpus: Sentry,
        case: "chromium > should parse webpack wrapped exceptions",
        how: How::OutOfScope(Scope::SentryRawView),
        reason: "`at key(…)`, `at ? (…)` are Sentry's raw view; Sentry even takes a message line as a frame",
    },
    Deliberate {
        corpus: Sentry,
        case: "chromium > should truncate frames that are over 1kb",
        how: How::Conventions(&[LineCut1024]),
        reason: "Sentry cuts lines at 1024 chars and loses `:44:7`; we keep the whole line",
    },
    Deliberate {
        corpus: Sentry,
        case: "chromium > should correctly parse a wasm stack trace",
        how: How::Conventions(&[CppSignatureSplit { path_repaired: false }, V8EvalCallSite]),
        reason: "Sentry splits C++ signatures at the first `(` (name cut, path garbled); eval call site",
    },
    Deliberate {
        corpus: Sentry,
        case: "chromium > should correctly parse with data uris",
        how: How::Conventions(&[DataUrlRedacted, SentryKeepsAsync]),
        reason: "Sentry redacts `data:` URLs to `<data:type>` and keeps `async ` in names; we keep both as printed / strip `async `",
    },
    Deliberate {
        corpus: Sentry,
        case: "firefox > should parse Firefox errors with eval URLs",
        how: How::Conventions(&[GeckoEvalCallSite { names_anonymous_eval: true }]),
        reason: "Sentry gives `url` + eval line and names anonymous eval frames `eval`; we keep `url line N > eval:l:c`",
    },
    Deliberate {
        corpus: Sentry,
        case: "firefox > should parse exceptions with eval frames in Firefox 66",
        how: How::Conventions(&[GeckoEvalCallSite { names_anonymous_eval: true }]),
        reason: "Sentry gives `url` + eval line and names anonymous eval frames `eval`; we keep `url line N > eval:l:c`",
    },
    Deliberate {
        corpus: Sentry,
        case: "misc > should parse SecurityError",
        how: How::OutOfScope(Scope::SentryRawView),
        reason: "`at castFn(../node_modules/…)` with source-mapped relative paths is Sentry's raw view",
    },
    Deliberate {
        corpus: Sentry,
        case: "opera > should parse Opera 10 error",
        how: How::OutOfScope(Scope::OperaPresto),
        reason: "Opera 10 has only the Presto `stacktrace` property, which is not `stack`",
    },
    Deliberate {
        corpus: Sentry,
        case: "opera > should parse Opera 11 error",
        how: How::OutOfScope(Scope::OperaPresto),
        reason: "Sentry reads Presto's `stacktrace` (not `stack`) with dedicated Opera parsers",
    },
    Deliberate {
        corpus: Sentry,
        case: "opera > should parse Opera 12 error",
        how: How::OutOfScope(Scope::OperaPresto),
        reason: "Sentry reads Presto's `stacktrace` (not `stack`) with dedicated Opera parsers",
    },
    Deliberate {
        corpus: Sentry,
        case: "react-native > should parse exceptions for react-native-v8",
        how: How::OutOfScope(Scope::SentryRawView),
        reason: "`at Object.onPress(index.android.bundle:…)` without the space V8 prints is Sentry's raw view",
    },
    Deliberate {
        corpus: Sentry,
        case: "react-native > should parse React Native errors on Android",
        how: How::OutOfScope(Scope::SentryRawView),
        reason: "`at render(/home/…)` without the space V8 prints is Sentry's raw view",
    },
    Deliberate {
        corpus: Sentry,
        case: "react > should correctly parse Invariant Violation errors and use framesToPop to drop the invariant frame",
        how: How::Conventions(&[FramesToPop]),
        reason: "Sentry pops `error.framesToPop` frames; the stack string still has them",
    },
    Deliberate {
        corpus: Sentry,
        case: "react > should drop invariant frame for production errors if framesToPop is present",
        how: How::Conventions(&[FramesToPop]),
        reason: "Sentry pops `error.framesToPop` frames; the stack string still has them",
    },
    Deliberate {
        corpus: Sentry,
        case: "safari > should parse exceptions for safari-extension",
        how: How::OutOfScope(Scope::SentryRawView),
        reason: "`at ClipperError@safari-extension:(//…)` is Sentry's raw view of a frame an old parser mis-split",
    },
    Deliberate {
        corpus: Sentry,
        case: "safari > should parse exceptions for safari-web-extension",
        how: How::OutOfScope(Scope::SentryRawView),
        reason: "`at ClipperError@safari-web-extension:(//…)` is Sentry's raw view of a frame an old parser mis-split",
    },
    Deliberate {
        corpus: Sentry,
        case: "wasm > should correctly extract instruction addresses",
        how: How::Conventions(&[CppSignatureSplit { path_repaired: true }]),
        reason: "Sentry's wasm frames keep the name cut at the first `(`; URL, address and platform agree",
    },
    Deliberate {
        corpus: Esp,
        case: "ie > should not parse IE 9 Error",
        how: How::NoStack,
        reason: "error-stack-parser throws without `stack`; errorbeacon never throws, it returns no frames",
    },
    Deliberate {
        corpus: Esp,
        case: "safari > should parse Safari 6 Error.stack",
        how: How::Conventions(&[NativeCodeDropped]),
        reason: "error-stack-parser drops the `[native code]` caller JSC printed; we keep it (as Sentry)",
    },
    Deliberate {
        corpus: Esp,
        case: "firefox > should parse nested eval() from Firefox 43",
        how: How::Conventions(&[GeckoEvalCallSite { names_anonymous_eval: false }]),
        reason: "error-stack-parser gives `url` + eval line; we keep `url line N > eval:l:c`",
    },
    Deliberate {
        corpus: Esp,
        case: "v8 > should parse V8 entries with no location",
        how: How::Conventions(&[NativeInParens]),
        reason: "error-stack-parser keeps the parentheses of `(native)`; the location is `native`",
    },
    Deliberate {
        corpus: Esp,
        case: "chrome > should parse nested eval() from V8",
        how: How::Conventions(&[V8EvalCallSite]),
        reason: "error-stack-parser gives the eval call site; we give the frame's own `<anonymous>:l:c`",
    },
    Deliberate {
        corpus: Esp,
        case: "edge > should parse nested eval() from Edge",
        how: How::Conventions(&[EdgeEvalCode]),
        reason: "error-stack-parser drops Edge's `eval code` file and renames the frame `eval`; we keep what Edge printed",
    },
    Deliberate {
        corpus: Esp,
        case: "opera > should parse Opera 9.27 Error messages",
        how: How::OutOfScope(Scope::OperaPresto),
        reason: "Opera 9 puts its backtrace in the message; there is no `stack`",
    },
    Deliberate {
        corpus: Esp,
        case: "opera > should parse Opera 10 Error messages",
        how: How::OutOfScope(Scope::OperaPresto),
        reason: "Opera 10 has only the Presto `stacktrace` property, which is not `stack`",
    },
    Deliberate {
        corpus: Esp,
        case: "opera > should parse Opera 11 Error messages",
        how: How::OutOfScope(Scope::OperaPresto),
        reason: "Presto's `stack` (`f([arguments not available])@url:l`, `Error created at …`) is not an engine we parse",
    },
    Deliberate {
        corpus: Esp,
        case: "v8 > should handle webpack eval stacks",
        how: How::Conventions(&[V8EvalCallSite]),
        reason: "error-stack-parser gives the eval call site; we give the frame's own `<anonymous>:l:c`",
    },
];

/// A case errorbeacon parses wrongly. `after_fix` are the peer's conventions that will still
/// separate the two once the bug is fixed.
struct KnownBug {
    corpus: Corpus,
    case: &'static str,
    after_fix: &'static [Convention],
    bug: &'static str,
}

/// Cases where errorbeacon's parse is wrong, left out of the main test until fixed. The twelve found
/// when this test was written (JSC bare `url:line:col` and name-only frames, Firefox < 14
/// argument lists, `@` in Firefox names before a relative location) are fixed.
const KNOWN_BUGS: &[KnownBug] = &[];

// ---------------------------------------------------------------------------------------------
// Loading the corpora.

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peer").join(name);
    serde_json::from_slice(&std::fs::read(&path).expect("read peer corpus")).expect("peer corpus is JSON")
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn number(v: &Value) -> Option<u32> {
    v.as_u64().and_then(|n| u32::try_from(n).ok())
}

/// A field of a frame object: absent key = not asserted, `null` = asserted absent.
fn checked<T>(frame: &Value, key: &str, read: fn(&Value) -> Option<T>) -> Check<T> {
    frame.get(key).map(read)
}

/// A field `toEqual` compares: absent and `undefined` are the same.
fn strict<T>(frame: &Value, key: &str, read: fn(&Value) -> Option<T>) -> Check<T> {
    Some(frame.get(key).and_then(read))
}

/// A Sentry frame (oldest first in the file); `?` is Sentry's unknown function.
fn sentry_want(f: &Value, wasm_asserted: bool) -> Want {
    let function = f.get("function").and_then(Value::as_str).filter(|&n| n != "?").map(str::to_owned);
    let native = f.get("platform").and_then(Value::as_str) == Some("native");
    Want {
        function: Some(function),
        path: strict(f, "filename", string),
        line: strict(f, "lineno", number),
        col: strict(f, "colno", number),
        wasm_addr: wasm_asserted.then(|| native.then(|| f.get("instruction_addr").and_then(string)).flatten()),
    }
}

fn sentry_cases(doc: &Value) -> Vec<Case> {
    let mut cases = Vec::new();
    for c in doc["cases"].as_array().expect("cases") {
        let file = c["source_path"].as_str().expect("source_path").rsplit('/').next().unwrap_or("");
        let label = match file.split('.').next().unwrap_or("") {
            "stacktrace-parsing" => "wasm".to_owned(),
            other => other.to_owned(),
        };
        let key = format!("{label} > {}", c["label"].as_str().expect("label"));
        match c["kind"].as_str() {
            Some("exceptionFromError") => {
                let frames = c["expected"]["stacktrace"]["frames"].as_array().expect("frames");
                let frames: Vec<Want> = frames.iter().rev().map(|f| sentry_want(f, false)).collect();
                let count = Some(frames.len());
                let input = c["input"].clone();
                let stack = input.get("stack").and_then(string);
                cases.push(Case {
                    corpus: Sentry,
                    label,
                    key,
                    input,
                    stack,
                    expected: Expected::Frames { frames, count },
                });
            }
            Some("patchFrames") => {
                let input_frames = c["input_frames"].as_array().expect("input_frames");
                let frames: Vec<Want> =
                    c["expected"].as_array().expect("expected").iter().rev().map(|f| sentry_want(f, true)).collect();
                let count = Some(frames.len());
                cases.push(Case {
                    corpus: Sentry,
                    label,
                    key,
                    input: Value::Null,
                    stack: Some(v8_lines_of(input_frames)),
                    expected: Expected::Frames { frames, count },
                });
            }
            other => panic!("{key}: unknown kind {other:?}"),
        }
    }
    cases
}

/// The V8 stack that Sentry's Chrome parser turned into `frames` (oldest first): a
/// `patchFrames` test starts from parsed frames, so the lines are rebuilt from them. Where
/// the parser had split a C++ signature at its first `(` (the rest of the signature then
/// starts `filename`, which holds ` (`), name and path are joined again by that `(`.
fn v8_lines_of(frames: &[Value]) -> String {
    let mut lines = vec!["RuntimeError: memory access out of bounds".to_owned()];
    for f in frames.iter().rev() {
        let function = f.get("function").and_then(Value::as_str).filter(|&n| n != "?");
        let file = f["filename"].as_str().expect("filename");
        let mut location = file.to_owned();
        for key in ["lineno", "colno"] {
            if let Some(n) = f.get(key).and_then(Value::as_u64) {
                location.push_str(&format!(":{n}"));
            }
        }
        lines.push(match function {
            Some(name) if file.contains(" (") => format!("    at {name}({location})"),
            Some(name) => format!("    at {name} ({location})"),
            None => format!("    at {location}"),
        });
    }
    lines.join("\n")
}

fn esp_cases(doc: &Value) -> Vec<Case> {
    let captured = doc["captured_errors"].as_object().expect("captured_errors");
    let mut cases = Vec::new();
    for c in doc["cases"].as_array().expect("cases") {
        let test = c["test"].as_str().expect("test");
        let name = test.strip_prefix("ErrorStackParser > #parse > ").unwrap_or(test);
        let parses = c["parses"].as_array().expect("parses");
        for (i, p) in parses.iter().enumerate() {
            let captured_label = p["captured_label"].as_str();
            let label = match captured_label {
                Some(l) => l.split('_').next().unwrap_or(l).to_ascii_lowercase(),
                // The unlabelled tests ("V8 entries with no location", "newlines in Error stack
                // messages", "webpack eval stacks") are all V8 stacks.
                None => "v8".to_owned(),
            };
            let key = match parses.len() {
                1 => format!("{label} > {name}"),
                _ => format!("{label} > {name} #{i}"),
            };
            let input = p["input"].clone();
            if let Some(l) = captured_label {
                assert_eq!(captured.get(l), Some(&input), "{key}: input differs from captured error {l}");
            }
            let expected = if c.get("expects_throw").is_some_and(|t| !t.is_null()) {
                Expected::Throws
            } else {
                let frames = p["expected_frames_newest_first"].as_array().expect("expected frames");
                let frames = frames
                    .iter()
                    .map(|f| Want {
                        function: checked(f, "functionName", string),
                        path: checked(f, "fileName", string),
                        line: checked(f, "lineNumber", number),
                        col: checked(f, "columnNumber", number),
                        wasm_addr: None,
                    })
                    .collect();
                let count = p["expected_frame_count"].as_u64().and_then(|n| usize::try_from(n).ok());
                Expected::Frames { frames, count }
            };
            let stack = input.get("stack").and_then(string);
            cases.push(Case { corpus: Esp, label, key, input, stack, expected });
        }
    }
    cases
}

// ---------------------------------------------------------------------------------------------
// Parsing and comparing.

/// Our frames, **newest first**, each with the stack line it came from. Lines are mapped by
/// parsing each candidate line alone (the composer treats lines independently); when that
/// does not reproduce the whole parse, frames carry no line and conventions that need one
/// do not apply.
fn parse(stack: Option<&str>) -> Vec<Got> {
    let Some(stack) = stack else { return Vec::new() };
    let frames = parse_stack(stack);
    let v8 = stack.lines().any(|l| l.trim_start().starts_with("at "));
    let mut per_line: Vec<(&str, Frame)> = Vec::new();
    for line in stack.split('\n') {
        if v8 && !line.trim_start().starts_with("at ") {
            continue;
        }
        if let [frame] = parse_stack(line).as_slice() {
            per_line.push((line, frame.clone()));
        }
    }
    // `per_line` is in stack order, newest first.
    let mapped = per_line.len() == frames.len() && per_line.iter().zip(frames.iter().rev()).all(|((_, a), b)| a == b);
    let line = |i: usize| per_line.get(i).map(|(l, _)| *l).filter(|_| mapped);
    frames.iter().rev().enumerate().map(|(i, f)| Got::new(f, line(i))).collect()
}

fn check<T: PartialEq + Debug>(diffs: &mut Vec<String>, i: usize, field: &str, want: &Check<T>, got: &Option<T>) {
    if let Some(want) = want {
        if want != got {
            diffs.push(format!("frame {i} (0 = newest) {field}: peer {want:?}, ours {got:?}"));
        }
    }
}

/// How our frames differ from what the peer asserts (empty = they agree).
fn differences(expected: &Expected, got: &[Got]) -> Vec<String> {
    let (frames, count) = match expected {
        Expected::Throws => return vec![format!("peer expects parsing to throw; we return {} frames", got.len())],
        Expected::Frames { frames, count } => (frames, count),
    };
    let mut diffs = Vec::new();
    let total = count.unwrap_or(frames.len());
    if got.len() != total {
        diffs.push(format!("peer expects {total} frames, we parse {}", got.len()));
    }
    for (i, (w, g)) in frames.iter().zip(got).enumerate() {
        check(&mut diffs, i, "function", &w.function, &g.function);
        check(&mut diffs, i, "path", &w.path, &g.path);
        check(&mut diffs, i, "line", &w.line, &g.line);
        check(&mut diffs, i, "column", &w.col, &g.col);
        check(&mut diffs, i, "wasm instruction_addr", &w.wasm_addr, &g.wasm_addr);
    }
    diffs
}

impl Convention {
    /// Rewrites `got` (newest first) the peer's way; whether anything changed.
    fn apply(self, case: &Case, got: &mut Vec<Got>) -> bool {
        match self {
            FramesToPop => {
                let n = case.input.get("framesToPop").and_then(Value::as_u64).unwrap_or(0);
                let n = usize::try_from(n).unwrap_or(0).min(got.len());
                got.drain(..n);
                n > 0
            }
            NameOnlyFramesDropped => {
                let before = got.len();
                got.retain(|g| g.path.is_some() || g.line.is_some());
                got.len() != before
            }
            NativeCodeDropped => {
                let before = got.len();
                got.retain(|g| {
                    !(g.path.as_deref() == Some("[native code]")
                        && matches!(g.function.as_deref(), None | Some("eval")))
                });
                got.len() != before
            }
            _ => {
                let wants: &[Want] = match &case.expected {
                    Expected::Frames { frames, .. } => frames,
                    Expected::Throws => &[],
                };
                let mut changed = false;
                for (i, g) in got.iter_mut().enumerate() {
                    changed |= self.apply_frame(g, wants.get(i));
                }
                changed
            }
        }
    }

    fn apply_frame(self, g: &mut Got, want: Option<&Want>) -> bool {
        match self {
            V8EvalCallSite => {
                let Some(origin) = g.source.as_deref().and_then(innermost_eval_origin) else { return false };
                let (path, line, col) = split_line_col(origin);
                (g.path, g.line, g.col) = (Some(path.to_owned()), line, col);
                true
            }
            GeckoEvalCallSite { names_anonymous_eval } => {
                let Some(path) = g.path.clone() else { return false };
                let Some(at) = path.find(" line ").filter(|_| path.contains(" > eval")) else { return false };
                let digits: String = path[at + " line ".len()..].chars().take_while(char::is_ascii_digit).collect();
                (g.path, g.line, g.col) = (Some(path[..at].to_owned()), digits.parse().ok(), None);
                if names_anonymous_eval && g.function.is_none() {
                    g.function = Some("eval".to_owned());
                }
                true
            }
            SentryKeepsAsync => {
                let is_async = g.source.as_deref().is_some_and(|l| l.trim_start().starts_with("at async "));
                match g.function.as_mut() {
                    Some(f) if is_async => {
                        f.insert_str(0, "async ");
                        true
                    }
                    _ => false,
                }
            }
            AsyncInsideLocation => match g.path.as_deref().and_then(|p| p.strip_prefix("async ")) {
                Some(rest) => {
                    g.path = Some(rest.to_owned());
                    true
                }
                None => false,
            },
            DataUrlRedacted => match g.path.as_deref().and_then(|p| p.strip_prefix("data:")) {
                Some(rest) => {
                    let media_type = rest.split([',', ';']).next().unwrap_or("");
                    (g.path, g.line, g.col) = (Some(format!("<data:{media_type}>")), None, None);
                    true
                }
                None => false,
            },
            LineCut1024 => {
                let (Some(line), Some(path)) = (g.source.as_deref(), g.path.as_deref()) else { return false };
                let Some(start) = line.find(path).filter(|_| line.len() > 1024) else { return false };
                let keep = 1024usize.saturating_sub(start).min(path.len());
                (g.path, g.line, g.col) = (path.get(..keep).map(str::to_owned), None, None);
                true
            }
            CppSignatureSplit { path_repaired } => {
                // Sentry's name must be ours cut just before a `(`; its path the rest of the
                // printed text after that `(`, without the closing `)`.
                let Some(cut) = want.and_then(|w| w.function.as_ref()).and_then(Option::as_ref) else { return false };
                let Some(ours) = g.function.as_deref().filter(|_| g.wasm_addr.is_some()) else { return false };
                let Some(after) = ours.strip_prefix(cut.as_str()) else { return false };
                if !after.trim_start().starts_with('(') {
                    return false;
                }
                if !path_repaired {
                    let payload = g.source.as_deref().map(str::trim).and_then(|l| l.strip_prefix("at "));
                    let rest = payload
                        .and_then(|p| p.strip_suffix(')'))
                        .and_then(|p| p.strip_prefix(cut.as_str()))
                        .and_then(|p| p.trim_start().strip_prefix('('));
                    let Some(rest) = rest else { return false };
                    (g.path, g.line, g.col) = (Some(rest.to_owned()), None, None);
                }
                g.function = Some(cut.clone());
                true
            }
            NativeInParens => match g.path.as_deref() {
                Some(p) if !p.contains(':') => {
                    g.path = Some(format!("({p})"));
                    true
                }
                _ => false,
            },
            EdgeEvalCode => {
                let mut changed = false;
                if g.path.as_deref() == Some("eval code") {
                    g.path = None;
                    changed = true;
                }
                if g.function.as_deref() == Some("eval code") {
                    g.function = Some("eval".to_owned());
                    changed = true;
                }
                changed
            }
            FramesToPop | NativeCodeDropped | NameOnlyFramesDropped => false,
        }
    }
}

/// `url:l:c` of the innermost `eval at f (url:l:c)` in a V8 line, written plainly (this is
/// the peers' rule, not errorbeacon's code).
fn innermost_eval_origin(line: &str) -> Option<&str> {
    let origin = &line[line.rfind("eval at ")? + "eval at ".len()..];
    let open = origin.find(" (")? + 2;
    let close = origin[open..].find(')')? + open;
    Some(&origin[open..close])
}

/// `path[:line[:col]]`, trailing decimal numbers only.
fn split_line_col(location: &str) -> (&str, Option<u32>, Option<u32>) {
    let number = |s: &str| -> Option<(usize, u32)> {
        let (rest, n) = s.rsplit_once(':')?;
        Some((rest.len(), n.parse().ok()?))
    };
    match number(location) {
        Some((end, last)) => match number(&location[..end]) {
            Some((end2, line)) => (&location[..end2], Some(line), Some(last)),
            None => (&location[..end], Some(last), None),
        },
        None => (location, None, None),
    }
}

// ---------------------------------------------------------------------------------------------
// Sorting cases.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Agrees,
    Deliberate,
    KnownBug,
    Mismatch,
}

struct Sorted {
    outcome: Outcome,
    /// Why a mismatch (or a stale or misapplied entry) is one.
    problems: Vec<String>,
}

fn sort(case: &Case, got: &[Got]) -> Sorted {
    let plain = differences(&case.expected, got);
    let find = |corpus: Corpus, key: &str| corpus == case.corpus && key == case.key;
    if let Some(bug) = KNOWN_BUGS.iter().find(|b| find(b.corpus, b.case)) {
        let (after_fix, _) = with_conventions(case, got, bug.after_fix);
        let problems = match after_fix.is_empty() {
            true => vec![format!("stale known bug, the case now passes: remove it from KNOWN_BUGS ({})", bug.bug)],
            false => Vec::new(),
        };
        let outcome = if problems.is_empty() { Outcome::KnownBug } else { Outcome::Mismatch };
        return Sorted { outcome, problems };
    }
    let Some(entry) = DELIBERATE.iter().find(|d| find(d.corpus, d.case)) else {
        let outcome = if plain.is_empty() { Outcome::Agrees } else { Outcome::Mismatch };
        return Sorted { outcome, problems: plain };
    };
    if plain.is_empty() {
        let stale = format!("stale DELIBERATE entry, the case agrees: remove it ({})", entry.reason);
        return Sorted { outcome: Outcome::Mismatch, problems: vec![stale] };
    }
    let problems = match &entry.how {
        How::Conventions(conventions) => with_conventions(case, got, conventions).0,
        How::OutOfScope(scope) if scope.applies(case) => Vec::new(),
        How::OutOfScope(scope) => vec![format!("the input is not {scope:?}")],
        How::NoStack if case.stack.is_none() && got.is_empty() => Vec::new(),
        How::NoStack => vec!["expected no `stack` and no frames".to_owned()],
    };
    let outcome = if problems.is_empty() { Outcome::Deliberate } else { Outcome::Mismatch };
    Sorted { outcome, problems }
}

/// The differences left once `conventions` are applied, plus any convention that did
/// nothing (reported as a difference: the entry is stale).
fn with_conventions(case: &Case, got: &[Got], conventions: &[Convention]) -> (Vec<String>, Vec<Got>) {
    let mut adjusted = got.to_vec();
    let mut problems = Vec::new();
    for &c in conventions {
        if !c.apply(case, &mut adjusted) {
            problems.push(format!("convention {c:?} changes nothing here (stale)"));
        }
    }
    problems.extend(differences(&case.expected, &adjusted));
    (problems, adjusted)
}

fn describe(case: &Case, got: &[Got], problems: &[String]) -> String {
    // After a missing frame every later one differs: the first few say enough.
    const SHOWN: usize = 8;
    let mut s = format!("[{}] {}\n", case.corpus.name(), case.key);
    for p in problems.iter().take(SHOWN) {
        s.push_str(&format!("    - {p}\n"));
    }
    if problems.len() > SHOWN {
        s.push_str(&format!("    - … and {} more differences\n", problems.len() - SHOWN));
    }
    s.push_str("    ours (newest first):\n");
    for g in got {
        s.push_str(&format!(
            "      {:?} | {:?} | {:?}:{:?}{}\n",
            g.function,
            g.path,
            g.line,
            g.col,
            g.wasm_addr.as_deref().map(|a| format!(" wasm {a}")).unwrap_or_default()
        ));
    }
    if let Some(stack) = &case.stack {
        s.push_str("    stack:\n");
        for line in stack.lines() {
            s.push_str(&format!("      | {line}\n"));
        }
    }
    s
}

fn all_cases() -> Vec<Case> {
    let mut cases = sentry_cases(&load("sentry-javascript-tracekit.json"));
    cases.extend(esp_cases(&load("error-stack-parser.json")));
    cases
}

#[derive(Default)]
struct Tally {
    agrees: usize,
    deliberate: usize,
    bug: usize,
    mismatch: usize,
}

impl Tally {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Agrees => self.agrees += 1,
            Outcome::Deliberate => self.deliberate += 1,
            Outcome::KnownBug => self.bug += 1,
            Outcome::Mismatch => self.mismatch += 1,
        }
    }
}

#[test]
fn peer_corpora_agree_or_differ_deliberately() {
    let started = Instant::now();
    let cases = all_cases();
    assert_eq!(cases.len(), 59 + 25, "the README counts 59 tracekit and 25 error-stack-parser cases");

    let mut keys = BTreeSet::new();
    for c in &cases {
        assert!(keys.insert((c.corpus, c.key.as_str())), "duplicate case key {}", c.key);
    }
    let listed = DELIBERATE.iter().map(|d| (d.corpus, d.case)).chain(KNOWN_BUGS.iter().map(|b| (b.corpus, b.case)));
    let mut seen = BTreeSet::new();
    for entry in listed {
        assert!(keys.contains(&entry), "listed case {entry:?} is not in the corpora");
        assert!(seen.insert(entry), "case {entry:?} is listed twice");
    }

    let mut parse_time = Duration::ZERO;
    let mut tallies: BTreeMap<(Corpus, String), Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        let t = Instant::now();
        let got = parse(case.stack.as_deref());
        parse_time += t.elapsed();
        let sorted = sort(case, &got);
        tallies.entry((case.corpus, case.label.clone())).or_default().add(sorted.outcome);
        if sorted.outcome == Outcome::Mismatch {
            failures.push(describe(case, &got, &sorted.problems));
        }
    }

    println!("{:<20} {:<14} {:>6} {:>10} {:>4} {:>8}", "corpus", "label", "agrees", "deliberate", "bug", "mismatch");
    let mut corpus_totals: BTreeMap<Corpus, Tally> = BTreeMap::new();
    for ((corpus, label), t) in &tallies {
        println!(
            "{:<20} {label:<14} {:>6} {:>10} {:>4} {:>8}",
            corpus.name(),
            t.agrees,
            t.deliberate,
            t.bug,
            t.mismatch
        );
        let total = corpus_totals.entry(*corpus).or_default();
        total.agrees += t.agrees;
        total.deliberate += t.deliberate;
        total.bug += t.bug;
        total.mismatch += t.mismatch;
    }
    for (corpus, t) in &corpus_totals {
        println!(
            "{:<20} {:<14} {:>6} {:>10} {:>4} {:>8}",
            corpus.name(),
            "(total)",
            t.agrees,
            t.deliberate,
            t.bug,
            t.mismatch
        );
    }
    println!(
        "{} cases, parsed in {:.2} ms, whole test {:.2} ms",
        cases.len(),
        parse_time.as_secs_f64() * 1e3,
        started.elapsed().as_secs_f64() * 1e3
    );
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// Captured errors no test asserts anything about still parse, into no more frames than
/// they have lines.
#[test]
fn unasserted_captured_errors_still_parse() {
    let doc = load("error-stack-parser.json");
    let used: BTreeSet<&str> = doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .flat_map(|c| c["parses"].as_array().into_iter().flatten())
        .filter_map(|p| p["captured_label"].as_str())
        .collect();
    let mut unasserted = 0;
    for (label, error) in doc["captured_errors"].as_object().expect("captured_errors") {
        if used.contains(label.as_str()) {
            continue;
        }
        unasserted += 1;
        if let Some(stack) = error.get("stack").and_then(Value::as_str) {
            let frames = parse_stack(stack);
            assert!(frames.len() <= stack.lines().count(), "{label}: {} frames", frames.len());
        }
    }
    assert!(unasserted > 0, "every captured error is asserted: drop this test");
}
