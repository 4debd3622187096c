//! Rust panics as events (the wasm panic hook gathers the parts; building the event is here,
//! platform-free).

use super::stacktrace;
use crate::limits::MAX_VALUE_CHARS;
use crate::protocol::{Event, EventId, Exception, Frame, Level, Map, Mechanism, Timestamp, Value, Values};
use crate::stack::{is_library_source, ParseOptions};
use crate::text::truncate_chars;

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
        let mut panic = Map::new();
        panic.insert("file".into(), Value::from(file));
        panic.insert("line".into(), Value::Int(i64::from(line)));
        panic.insert("column".into(), Value::Int(i64::from(column)));
        event.contexts.set("panic", panic);
        trace.get_or_insert_with(Default::default).frames.push(Frame {
            filename: Some(file.to_owned()),
            abs_path: Some(file.to_owned()),
            lineno: Some(line),
            colno: Some(column),
            in_app: Some(!is_library_source(file)),
            ..Default::default()
        });
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

#[cfg(test)]
mod tests {
    use super::*;

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
