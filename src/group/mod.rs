//! Grouping: which events are the same problem. One pure function, [`group`], shared by the
//! SDK side and the inbox so that both agree on what an issue is. The algorithm, with
//! examples and the reasons behind it, is in `docs/grouping.md`.
//!
//! In short, the first rule that applies:
//! 1. the client's `fingerprint`, with `{{ default }}` expanded to the default components;
//! 2. for each exception: its type plus its *crash site*, the newest in-app frame (all frames
//!    when none is in-app; code from `eval` never is), as normalized function and module or
//!    path; an anonymous crash frame adds the nearest named caller;
//! 3. exceptions without usable frames: type plus the normalized message;
//! 4. the normalized log message;
//! 5. nothing at all: one issue per project for empty events.
//!
//! Only the crash site counts, not the whole stack, because the same error reaches the server
//! with different stacks from different engines: Chromium cuts stacks at ten frames while
//! Firefox prints 128, and Firefox drops the callers across `await` that Chromium keeps.

mod hash;
mod normalize;

pub use hash::Fnv128;
pub use normalize::{
    exception_type, function_name, message as normalize_message, path as normalize_path, FunctionName,
};

/// A frame as grouping sees it: borrowed fields of an event's frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupFrame<'a> {
    /// `function`.
    pub function: Option<&'a str>,
    /// `module` (Python, Java: the dotted module name; preferred to the path when present).
    pub module: Option<&'a str>,
    /// `filename`.
    pub filename: Option<&'a str>,
    /// `abs_path`.
    pub abs_path: Option<&'a str>,
    /// `in_app`; `None` when the client did not say.
    pub in_app: Option<bool>,
    /// `instruction_addr` as the client wrote it (wasm frames: the module byte offset).
    pub instruction_addr: Option<&'a str>,
}

/// An exception as grouping sees it; frames oldest first, as in the protocol.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupException<'a> {
    /// `type`.
    pub ty: Option<&'a str>,
    /// `value`.
    pub value: Option<&'a str>,
    /// `stacktrace.frames`, oldest first.
    pub frames: Vec<GroupFrame<'a>>,
}

/// What grouping reads from an event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupInput<'a> {
    /// The client's `fingerprint`, when it sent one.
    pub fingerprint: Option<Vec<String>>,
    /// `exception.values`, in the protocol's order (the root cause first).
    pub exceptions: Vec<GroupException<'a>>,
    /// `logentry.formatted` or `message`: the log message.
    pub message: Option<&'a str>,
}

/// Which rule produced a grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The client's fingerprint (possibly with `{{ default }}` expanded).
    Fingerprint,
    /// Exception types and crash sites.
    Stacktrace,
    /// Exception types and messages (no usable frames).
    ExceptionMessage,
    /// The log message.
    Message,
    /// Nothing to group on.
    Empty,
}

impl Basis {
    /// A short lowercase name, for storage and display.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Fingerprint => "fingerprint",
            Basis::Stacktrace => "stacktrace",
            Basis::ExceptionMessage => "exception-message",
            Basis::Message => "message",
            Basis::Empty => "empty",
        }
    }
}

/// The outcome: the hash that names the issue and the components that went into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grouping {
    /// 32 hex digits (FNV-1a 128 of the basis and components).
    pub hash: String,
    /// Which rule applied.
    pub basis: Basis,
    /// The normalized components, for display and debugging.
    pub components: Vec<String>,
}

/// Groups an event.
///
/// ```
/// use errorbeacon::group::{group, GroupException, GroupFrame, GroupInput};
/// let frame = |function, abs_path| GroupFrame { function: Some(function), abs_path: Some(abs_path), in_app: Some(true), ..Default::default() };
/// let v8 = GroupInput { exceptions: vec![GroupException { ty: Some("TypeError"), value: Some("x is undefined"),
///     frames: vec![frame("Object.run [as run]", "http://localhost:5173/src/app.js"), frame("ShoppingCart.total", "http://localhost:5173/src/cart.js")] }], ..Default::default() };
/// let gecko = GroupInput { exceptions: vec![GroupException { ty: Some("TypeError"), value: Some("can't access property"),
///     frames: vec![frame("run", "https://shop.example/src/app.js"), frame("total", "https://shop.example/src/cart.js")] }], ..Default::default() };
/// assert_eq!(group(&v8).hash, group(&gecko).hash);
/// ```
pub fn group(input: &GroupInput<'_>) -> Grouping {
    let (basis, default) = default_components(input);
    match &input.fingerprint {
        Some(fp) if !fp.is_empty() => {
            let mut components = Vec::with_capacity(fp.len());
            for part in fp {
                if is_default_marker(part) {
                    components.push(["{{ default }}:", basis.as_str()].concat());
                    components.extend(default.iter().cloned());
                } else {
                    components.push(part.clone());
                }
            }
            finish(Basis::Fingerprint, components)
        }
        _ => finish(basis, default),
    }
}

/// `{{ default }}`, `{{default}}`, any spacing or case.
fn is_default_marker(part: &str) -> bool {
    let inner = part.trim().strip_prefix("{{").and_then(|p| p.strip_suffix("}}"));
    inner.is_some_and(|i| i.trim().eq_ignore_ascii_case("default"))
}

fn finish(basis: Basis, components: Vec<String>) -> Grouping {
    let mut h = Fnv128::default();
    h.write(basis.as_str().as_bytes());
    for c in &components {
        // A separator byte that no component contains keeps ["ab","c"] apart from ["a","bc"].
        h.write(&[0]);
        h.write(c.as_bytes());
    }
    Grouping { hash: h.hex(), basis, components }
}

fn default_components(input: &GroupInput<'_>) -> (Basis, Vec<String>) {
    let sites: Vec<Option<String>> = input.exceptions.iter().map(|e| crash_site(&e.frames)).collect();
    if sites.iter().any(Option::is_some) {
        let mut out = Vec::with_capacity(input.exceptions.len() * 2);
        for (e, site) in input.exceptions.iter().zip(sites) {
            out.push(exception_type(e.ty, e.value));
            // An exception of the chain without frames still counts by its type alone: its
            // message is what differs between engines.
            if let Some(site) = site {
                out.push(site);
            }
        }
        return (Basis::Stacktrace, out);
    }
    if !input.exceptions.is_empty() {
        let mut out = Vec::with_capacity(input.exceptions.len() * 2);
        for e in &input.exceptions {
            out.push(exception_type(e.ty, e.value));
            out.push(normalize_message(e.value.unwrap_or("")));
        }
        return (Basis::ExceptionMessage, out);
    }
    match input.message.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => (Basis::Message, vec![normalize_message(m)]),
        None => (Basis::Empty, Vec::new()),
    }
}

/// The crash site of a frame list (oldest first): the newest in-app frame, or the newest frame
/// when none is in-app, as `function @ module-or-path`; `None` when there are no frames.
///
/// An anonymous crash frame is named by the nearest named caller (`<anonymous> in convertAll`),
/// because V8 prints no name where SpiderMonkey prints `convertAll/<`. A wasm frame without a
/// name is identified by its code offset, which both engines print alike.
pub fn crash_site(frames: &[GroupFrame<'_>]) -> Option<String> {
    // Code evaluated from strings never counts as in-app: V8 places it at `<anonymous>`, the
    // same location as its builtins, and SpiderMonkey at the page that called `eval`, so the
    // two engines would disagree on whether it is the app's.
    let is_app = |f: &&GroupFrame<'_>| f.in_app == Some(true) && !is_eval(f);
    let any_in_app = frames.iter().any(|f| is_app(&f));
    let mut candidates = frames.iter().rev().filter(|f| !any_in_app || is_app(f));
    let crash = candidates.next()?;
    let location = frame_location(crash);
    match function_name(crash.function) {
        FunctionName::Named(name) if name.contains("::") => Some(name),
        FunctionName::Named(name) => Some([name.as_str(), " @ ", &location].concat()),
        FunctionName::Anonymous => {
            if let Some(addr) = crash.instruction_addr.filter(|_| crash.function.is_none()) {
                return Some(["<wasm> ", addr, " @ ", &location].concat());
            }
            let caller = candidates.find_map(|f| match function_name(f.function) {
                FunctionName::Named(n) => Some(n),
                FunctionName::Anonymous => None,
            });
            Some(match caller {
                Some(c) => ["<anonymous> in ", &c, " @ ", &location].concat(),
                None => ["<anonymous> @ ", &location].concat(),
            })
        }
    }
}

fn is_eval(f: &GroupFrame<'_>) -> bool {
    f.module.is_none() && normalize_path(f.abs_path.or(f.filename).unwrap_or("")) == "<eval>"
}

/// A frame's module, else its path, normalized. Code from `eval` has no stable path.
fn frame_location(f: &GroupFrame<'_>) -> String {
    if let Some(m) = f.module.map(str::trim).filter(|m| !m.is_empty()) {
        return normalize_path(m);
    }
    let path = f.abs_path.or(f.filename).unwrap_or("");
    let p = normalize_path(path);
    if p == "<eval>" {
        return p;
    }
    // A wasm module's URL carries no grouping value: its name changes with the way it was
    // instantiated (`wasm://wasm/<hash>` vs the page URL in Firefox).
    if path.starts_with("wasm://") || path.contains("> WebAssembly.") {
        return "<wasm>".to_owned();
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame<'a>(function: &'a str, path: &'a str) -> GroupFrame<'a> {
        GroupFrame {
            function: (!function.is_empty()).then_some(function),
            abs_path: Some(path),
            in_app: Some(true),
            ..Default::default()
        }
    }

    fn exc<'a>(ty: &'a str, value: &'a str, frames: Vec<GroupFrame<'a>>) -> GroupInput<'a> {
        GroupInput {
            exceptions: vec![GroupException { ty: Some(ty), value: Some(value), frames }],
            ..Default::default()
        }
    }

    #[test]
    fn different_crash_sites_with_one_message_are_two_issues() {
        let a = exc("Error", "boom", vec![frame("main", "http://h/app.js"), frame("a", "http://h/app.js")]);
        let b = exc("Error", "boom", vec![frame("main", "http://h/app.js"), frame("b", "http://h/app.js")]);
        assert_ne!(group(&a).hash, group(&b).hash);
        let c = exc("Error", "boom", vec![frame("main", "http://h/app.js"), frame("a", "http://h/other.js")]);
        assert_ne!(group(&a).hash, group(&c).hash);
    }

    #[test]
    fn line_numbers_messages_and_origins_do_not_split() {
        let a = exc("Error", "user 1", vec![frame("Cart.total", "http://localhost:5173/src/cart.js?t=1")]);
        let b = exc("Error", "user 2", vec![frame("total", "https://shop.example/src/cart.js")]);
        assert_eq!(group(&a).hash, group(&b).hash);
        assert_eq!(group(&a).components, vec!["Error".to_owned(), "total @ src/cart.js".to_owned()]);
    }

    #[test]
    fn anonymous_crash_frames_take_the_callers_name() {
        let v8 = exc("Error", "x", vec![frame("validateEach", "http://h/p.js"), frame("", "http://h/p.js")]);
        let gecko =
            exc("Error", "x", vec![frame("validateEach", "http://h/p.js"), frame("validateEach/<", "http://h/p.js")]);
        assert_eq!(group(&v8).components, group(&gecko).components);
        assert_eq!(group(&v8).components.get(1).map(String::as_str), Some("<anonymous> in validateEach @ p.js"));
    }

    #[test]
    fn no_in_app_frames_falls_back_to_all_frames() {
        let mut a = exc("Error", "x", vec![frame("lib", "http://h/node_modules/x.js")]);
        if let Some(f) = a.exceptions.get_mut(0).and_then(|e| e.frames.get_mut(0)) {
            f.in_app = Some(false);
        }
        assert_eq!(group(&a).components.get(1).map(String::as_str), Some("lib @ node_modules/x.js"));
    }

    #[test]
    fn messages_without_frames() {
        let a = exc("ValueError", "invalid id 1234", vec![]);
        let b = exc("ValueError", "invalid id 99", vec![]);
        let c = exc("KeyError", "invalid id 99", vec![]);
        assert_eq!(group(&a).hash, group(&b).hash);
        assert_ne!(group(&a).hash, group(&c).hash);
        assert_eq!(group(&a).basis, Basis::ExceptionMessage);
        let m1 = GroupInput { message: Some("disk 91% full"), ..Default::default() };
        let m2 = GroupInput { message: Some("disk 97% full"), ..Default::default() };
        assert_eq!(group(&m1).hash, group(&m2).hash);
        assert_eq!(group(&m1).basis, Basis::Message);
        assert_eq!(group(&GroupInput::default()).basis, Basis::Empty);
    }

    #[test]
    fn fingerprints_override_and_expand_default() {
        let a = exc("Error", "x", vec![frame("f", "http://h/a.js")]);
        let b = exc("Error", "x", vec![frame("g", "http://h/b.js")]);
        let fixed = |mut i: GroupInput<'static>, fp: &[&str]| {
            i.fingerprint = Some(fp.iter().map(|s| (*s).to_owned()).collect());
            i
        };
        // A fixed fingerprint merges different sites.
        assert_eq!(group(&fixed(a.clone(), &["checkout"])).hash, group(&fixed(b.clone(), &["checkout"])).hash);
        // {{ default }} keeps them apart, and splits one site by the extra value.
        let ad = group(&fixed(a.clone(), &["{{ default }}", "tenant-1"]));
        assert_ne!(ad.hash, group(&fixed(b.clone(), &["{{default}}", "tenant-1"])).hash);
        assert_ne!(ad.hash, group(&fixed(a.clone(), &["{{ default }}", "tenant-2"])).hash);
        assert_eq!(ad.hash, group(&fixed(a.clone(), &["{{DEFAULT}}", "tenant-1"])).hash);
        assert_eq!(ad.basis, Basis::Fingerprint);
        assert!(ad.components.contains(&"f @ a.js".to_owned()));
        // An empty fingerprint is no fingerprint.
        assert_eq!(group(&fixed(a.clone(), &[])).hash, group(&a).hash);
    }

    #[test]
    fn wasm_frames_group_by_rust_path_or_address() {
        let named = |p| {
            exc(
                "RuntimeError",
                "unreachable",
                vec![GroupFrame {
                    function: Some("stackfix_wasm::alpha_panic_level3"),
                    abs_path: Some(p),
                    in_app: Some(true),
                    ..Default::default()
                }],
            )
        };
        assert_eq!(group(&named("wasm://wasm/app.wasm-0001b9ee")).hash, group(&named("http://h/app_bg.wasm")).hash);
        let unnamed = |addr| {
            exc(
                "RuntimeError",
                "unreachable",
                vec![GroupFrame {
                    abs_path: Some("wasm://wasm/0001b9ee"),
                    instruction_addr: Some(addr),
                    in_app: Some(true),
                    ..Default::default()
                }],
            )
        };
        assert_ne!(group(&unnamed("0x1a2b")).hash, group(&unnamed("0x1a2c")).hash);
    }
}
