//! Rust panics as events (the wasm panic hook gathers the parts; building the event is here,
//! platform-free).

use super::stacktrace;
use crate::json::{key, Json, WriteJson};
use crate::limits::MAX_VALUE_CHARS;
use crate::protocol::{
    Breadcrumb, ClientSdkInfo, Event, EventId, Exception, Frame, Level, Map, Mechanism, SortedMap, Stacktrace,
    Timestamp, Value, Values,
};
use crate::scope::Scope;
use crate::stack::{is_library_source, ParseOptions};
use crate::text::truncate_chars;
use std::collections::VecDeque;

/// The fatal event of a panic: `type: "panic"`, the message, mechanism `panic` (unhandled),
/// the JavaScript stack taken in the hook as frames, and the Rust location as the crash frame
/// and as a `panic` context.
///
/// Built directly rather than through [`super::event_from_thrown`]: a panic has no cause
/// chain and nothing to classify, and a Rust app that only wants its panics reported should
/// not carry the classifier and the linked-error walk (issue 16: the crate's cost to an app).
pub fn panic_event(
    message: &str,
    location: Option<(&str, u32, u32)>,
    js_stack: &str,
    parse: &ParseOptions,
    event_id: EventId,
    now: Timestamp,
) -> Event {
    let mut event = Event::new(event_id, now);
    event.level = Some(Level::Fatal);
    let trace = panic_stacktrace(location, js_stack, parse);
    if let Some((file, line, column)) = location {
        let mut panic = Map::new();
        panic.insert("column".into(), Value::Int(i64::from(column)));
        panic.insert("file".into(), Value::from(file));
        panic.insert("line".into(), Value::Int(i64::from(line)));
        event.contexts.set("panic", panic);
    }
    let mechanism = Mechanism { ty: "panic".into(), handled: Some(false), ..Default::default() };
    event.exception = Some(Values {
        values: vec![Exception {
            ty: Some("panic".into()),
            value: Some(truncate_chars(message, MAX_VALUE_CHARS)),
            mechanism: Some(mechanism),
            stacktrace: trace,
        }],
    });
    event
}

/// A panic's frames: the JavaScript stack taken in the hook, without the hook's and the panic
/// machinery's frames at its newest end, then the panic's location as the crash frame.
fn panic_stacktrace(location: Option<(&str, u32, u32)>, js_stack: &str, parse: &ParseOptions) -> Option<Stacktrace> {
    let mut trace = stacktrace(Some(js_stack), parse);
    // The hook's own frames and the panic machinery's sit at the newest end (the crate's JS
    // snippet that took the stack, its wasm-bindgen import, `errorbeacon::…`, `std::panicking`):
    // none is in-app, and the crash end is the app's frame that panicked.
    if let Some(t) = trace.as_mut() {
        while t.frames.last().is_some_and(|f| f.in_app != Some(true)) {
            t.frames.pop();
        }
    }
    trace = trace.filter(|t| !t.frames.is_empty());
    if let Some((file, line, column)) = location {
        trace.get_or_insert_with(Default::default).frames.push(Frame {
            filename: Some(file.to_owned()),
            abs_path: Some(file.to_owned()),
            lineno: Some(line),
            colno: Some(column),
            in_app: Some(!is_library_source(file)),
            ..Default::default()
        });
    }
    trace
}

/// What a panic's event is made of, borrowed from the hook.
pub struct PanicParts<'a> {
    pub message: &'a str,
    /// File, line, column.
    pub location: Option<(&'a str, u32, u32)>,
    /// A JavaScript stack taken in the hook.
    pub js_stack: &'a str,
    pub parse: &'a ParseOptions,
    pub event_id: EventId,
    pub now: Timestamp,
    pub release: Option<&'a str>,
    pub dist: Option<&'a str>,
    pub environment: &'a str,
    pub sdk: &'a ClientSdkInfo,
}

/// The envelope of a panic's event with `scope` applied, written straight from the parts:
/// the same bytes as [`panic_event`]'s event with [`Scope::apply_to`], `release`, `dist`,
/// `environment` and `sdk` set (the tests hold the two side by side), without building that
/// tree, copying the scope into it and dropping both. That is what a Rust app that only wants
/// its panics reported pays for (issue 16).
/// `dsn`: the DSN's text for the envelope header, worked out once at `init`.
/// The header lines are written here too, as `Envelope::to_bytes` writes them.
pub fn panic_envelope(parts: &PanicParts<'_>, scope: Option<&Scope>, dsn: Option<&str>) -> Vec<u8> {
    let event = PanicEvent { parts, scope, trace: panic_stacktrace(parts.location, parts.js_stack, parts.parse) };
    let payload = crate::json::to_vec(&event);
    crate::envelope::envelope_with(Some(&parts.event_id), &parts.now, dsn, parts.sdk, "event", &payload)
}

struct PanicEvent<'a> {
    parts: &'a PanicParts<'a>,
    scope: Option<&'a Scope>,
    trace: Option<Stacktrace>,
}

/// The fields in `Event`'s order (`crate::json`), each as `apply_to` would have left it: the
/// event's own where it has one, the scope's otherwise; the scope's level wins.
impl WriteJson for PanicEvent<'_> {
    fn write_json(&self, w: &mut Json<'_>) {
        let PanicEvent { parts, scope, trace } = self;
        w.begin_object();
        w.field(key!("event_id"), &parts.event_id);
        w.field(key!("timestamp"), &parts.now);
        w.field(key!("platform"), "javascript");
        w.field(key!("level"), &scope.and_then(|s| s.level).unwrap_or(Level::Fatal));
        w.field_opt(key!("release"), &parts.release);
        w.field_opt(key!("dist"), &parts.dist);
        w.field(key!("environment"), parts.environment);
        w.field(key!("exception"), &PanicException { message: parts.message, trace });
        if let Some(s) = scope.filter(|s| !s.breadcrumbs.is_empty()) {
            // The scope's ring never holds more than `max_breadcrumbs`: nothing to cut.
            w.field(key!("breadcrumbs"), &Crumbs(&s.breadcrumbs));
        }
        if let Some(s) = scope {
            w.field_opt(key!("user"), &s.user);
            w.field_opt(key!("request"), &s.request);
        }
        let contexts = PanicContexts { location: parts.location, scope: scope.map(|s| &s.contexts) };
        if parts.location.is_some() || scope.is_some_and(|s| !s.contexts.is_empty()) {
            w.field(key!("contexts"), &contexts);
        }
        if let Some(s) = scope {
            if !s.tags.is_empty() {
                w.field(key!("tags"), &s.tags);
            }
            if !s.extra.is_empty() {
                w.field(key!("extra"), &s.extra);
            }
            if !s.fingerprint.is_empty() {
                w.field(key!("fingerprint"), &s.fingerprint);
            }
        }
        w.field(key!("sdk"), parts.sdk);
        w.end_object();
    }
}

/// `{"values":[{"type":"panic","value":…,"mechanism":{"type":"panic","handled":false},"stacktrace":…}]}`
struct PanicException<'a> {
    message: &'a str,
    trace: &'a Option<Stacktrace>,
}

impl WriteJson for PanicException<'_> {
    fn write_json(&self, w: &mut Json<'_>) {
        w.begin_object();
        w.key("values");
        w.begin_array();
        w.item();
        w.begin_object();
        w.field(key!("type"), "panic");
        w.field(key!("value"), &truncate_chars(self.message, MAX_VALUE_CHARS));
        w.key("mechanism");
        w.begin_object();
        w.field(key!("type"), "panic");
        w.field(key!("handled"), &false);
        w.end_object();
        w.field_opt(key!("stacktrace"), self.trace);
        w.end_object();
        w.end_array();
        w.end_object();
    }
}

/// `{"values":[…]}` of the scope's breadcrumbs.
struct Crumbs<'a>(&'a VecDeque<Breadcrumb>);

impl WriteJson for Crumbs<'_> {
    fn write_json(&self, w: &mut Json<'_>) {
        w.begin_object();
        w.key("values");
        w.begin_array();
        for crumb in self.0 {
            w.item();
            crumb.write_json(w);
        }
        w.end_array();
        w.end_object();
    }
}

/// The scope's contexts with the `panic` context (file, line, column) in its sorted place,
/// in place of any the scope has under that name.
struct PanicContexts<'a> {
    location: Option<(&'a str, u32, u32)>,
    scope: Option<&'a SortedMap<Map>>,
}

impl WriteJson for PanicContexts<'_> {
    fn write_json(&self, w: &mut Json<'_>) {
        let panic = |w: &mut Json<'_>, (file, line, column): (&str, u32, u32)| {
            w.key("panic");
            w.begin_object();
            w.field(key!("column"), &column);
            w.field(key!("file"), file);
            w.field(key!("line"), &line);
            w.end_object();
        };
        let mut pending = self.location;
        w.begin_object();
        for (name, fields) in self.scope.into_iter().flatten() {
            if let Some(location) = pending.filter(|_| name.as_str() >= "panic") {
                panic(w, location);
                pending = None;
                if name == "panic" {
                    continue;
                }
            }
            w.entry(name, fields);
        }
        if let Some(location) = pending {
            panic(w, location);
        }
        w.end_object();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Envelope;

    const HOOK_STACK: &str = "Error\n    at eb_stack (http://h/snippets/errorbeacon-3da4d1b84533c3cf/inline0.js:12:12)\n    at app.wasm.__wbg_eb_stack_52a83e2db96397ba (http://h/app_bg.wasm:wasm-function[41]:0x1100)\n    at app.wasm.errorbeacon::web::panic::report::h0123456789abcdef (http://h/app_bg.wasm:wasm-function[40]:0x1000)\n    at app.wasm.std::panicking::rust_panic_with_hook::h0123456789abcdef (http://h/app_bg.wasm:wasm-function[30]:0x900)\n    at app.wasm.app::compute_total::h0123456789abcdef (http://h/app_bg.wasm:wasm-function[20]:0x800)\n    at app.wasm.app::checkout::h0123456789abcdef (http://h/app_bg.wasm:wasm-function[10]:0x700)\n    at onClick (http://h/main.js:3:5)";

    #[test]
    fn a_panic_is_a_fatal_unhandled_panic_with_its_location() {
        let e = panic_event(
            "boom 3",
            Some(("src/lib.rs", 17, 5)),
            HOOK_STACK,
            &ParseOptions::default(),
            EventId([2; 16]),
            Timestamp(1),
        );
        assert_eq!(e.level, Some(Level::Fatal));
        let ex = e.main_exception().expect("exception");
        assert_eq!((ex.ty.as_deref(), ex.value.as_deref()), (Some("panic"), Some("boom 3")));
        let m = ex.mechanism.as_ref().expect("mechanism");
        assert_eq!((m.ty.as_str(), m.handled), ("panic", Some(false)));
        let frames = &ex.stacktrace.as_ref().expect("frames").frames;
        let crash = frames.last().expect("crash frame");
        assert_eq!(
            (crash.abs_path.as_deref(), crash.lineno, crash.colno, crash.in_app),
            (Some("src/lib.rs"), Some(17), Some(5), Some(true))
        );
        let names: Vec<_> = frames.iter().map(|f| (f.function.as_deref().unwrap_or(""), f.in_app)).collect();
        // The hook's frames, its JS snippet and the panic machinery are gone from the crash end:
        // the frame before the panic's location is the app's that panicked.
        assert_eq!(
            names,
            [
                ("onClick", Some(true)),
                ("app::checkout", Some(true)),
                ("app::compute_total", Some(true)),
                ("", Some(true))
            ],
            "{frames:?}"
        );
        assert_eq!(e.contexts.0.get("panic").and_then(|p| p.get("line")), Some(&Value::Int(17)));
    }

    /// The envelope the hook wrote before it wrote one straight from the parts: the tree of
    /// [`panic_event`], the scope applied to it, then the envelope writer.
    fn through_the_tree(parts: &PanicParts<'_>, scope: Option<&Scope>, dsn: &crate::Dsn) -> Vec<u8> {
        let mut e = panic_event(parts.message, parts.location, parts.js_stack, parts.parse, parts.event_id, parts.now);
        e.release = parts.release.map(Into::into);
        e.dist = parts.dist.map(Into::into);
        e.environment = Some(parts.environment.into());
        e.sdk = Some(parts.sdk.clone());
        if let Some(s) = scope {
            s.apply_to(&mut e);
        }
        Envelope::from_event(&e, Some(dsn), parts.now).expect("envelope").to_bytes()
    }

    fn scopes() -> Vec<Scope> {
        let mut full = Scope::new(3);
        full.set_user(Some(crate::protocol::User { id: Some("42".into()), ..Default::default() }));
        full.set_request(Some(crate::protocol::Request { url: Some("http://h/cart".into()), ..Default::default() }));
        full.set_tag("shop", "eu");
        full.set_tag("a\"b", "q\nz");
        full.set_extra("cart", Some(Value::Int(3)));
        full.set_fingerprint(vec!["{{ default }}".into(), "cart".into()]);
        full.set_level(Some(Level::Warning));
        for (name, key) in [("app", "v"), ("zone", "id"), ("os", "name"), ("pan", "x"), ("panicky", "y")] {
            let mut m = Map::new();
            m.insert(key.into(), Value::from("1"));
            full.set_context(name, Some(m));
        }
        for n in 0..5u64 {
            full.add_breadcrumb(crate::protocol::Breadcrumb {
                timestamp: Timestamp(n),
                message: Some(n.to_string()),
                ..Default::default()
            });
        }
        // A context of the app's own named `panic`: the event's wins, as in `apply_to`.
        let mut clash = full.clone();
        let mut m = Map::new();
        m.insert("mine".into(), Value::Bool(true));
        clash.set_context("panic", Some(m));
        let mut late = Scope::new(100);
        let mut m = Map::new();
        m.insert("k".into(), Value::Null);
        late.set_context("zzz", Some(m));
        vec![Scope::new(100), full, clash, late]
    }

    #[test]
    fn the_envelope_written_from_the_parts_is_the_one_the_event_tree_gives() {
        let dsn: crate::Dsn = "https://key@o1.ingest.sentry.io/42".parse().expect("dsn");
        let text = dsn.to_text();
        let sdk = ClientSdkInfo::errorbeacon();
        let long = "x".repeat(MAX_VALUE_CHARS + 10);
        let parse = ParseOptions::default();
        for (message, location, stack, release, dist) in [
            ("boom 3", Some(("src/lib.rs", 17, 5)), HOOK_STACK, Some("app@1"), Some("7")),
            ("quote \" and \u{1}", None, HOOK_STACK, None, None),
            (long.as_str(), Some(("/rustc/abc/library/core/src/option.rs", 1, 1)), "", Some("r"), None),
            ("", None, "", None, None),
        ] {
            let parts = PanicParts {
                message,
                location,
                js_stack: stack,
                parse: &parse,
                event_id: EventId([7; 16]),
                now: Timestamp(1_700_000_000_123),
                release,
                dist,
                environment: "staging",
                sdk: &sdk,
            };
            let none = panic_envelope(&parts, None, Some(&text));
            assert_eq!(String::from_utf8_lossy(&none), String::from_utf8_lossy(&through_the_tree(&parts, None, &dsn)));
            for scope in scopes() {
                let got = panic_envelope(&parts, Some(&scope), Some(&text));
                let want = through_the_tree(&parts, Some(&scope), &dsn);
                assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&want),
                    "{message:?} {location:?} {scope:?}"
                );
            }
        }
    }

    #[test]
    fn std_locations_are_not_in_app() {
        let e = panic_event(
            "x",
            Some(("/rustc/abc/library/core/src/option.rs", 1, 1)),
            "",
            &ParseOptions::default(),
            EventId([2; 16]),
            Timestamp(1),
        );
        let frames = &e.main_exception().and_then(|x| x.stacktrace.as_ref()).expect("frames").frames;
        assert_eq!(frames.last().and_then(|f| f.in_app), Some(false));
    }
}
