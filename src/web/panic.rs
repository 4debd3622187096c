//! Rust panics as fatal events. With `panic = "abort"` nothing of the module runs after the
//! hook, so the hook writes the envelope and starts its request itself, synchronously; the
//! request outlives the trap that follows. The hook is installed once and chains to the
//! previous one (console_error_panic_hook's console output is kept).

use super::rust_api::{send, with_scope, Event, Target};
use crate::write::rust::panic_location;
use crate::write::Exc;
use std::cell::RefCell;
use std::panic::PanicHookInfo;
use std::sync::Once;

thread_local! {
    /// Where panic events go (`None` without a DSN), apart from the API's state so that a
    /// panic while that is borrowed is still reported.
    static TARGET: RefCell<Option<Target>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

/// Sets where panic events go and installs the hook (once).
pub(crate) fn install(target: Option<Target>) {
    TARGET.with(|t| {
        if let Ok(mut t) = t.try_borrow_mut() {
            *t = target;
        }
    });
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            previous(info);
        }));
    });
}

/// The fatal event of a panic: `type: "panic"`, the message, mechanism `panic` (unhandled),
/// the JavaScript stack taken here as frames (without the hook's and the panic machinery's),
/// the Rust location as the crash frame and as a `panic` context.
fn report(info: &PanicHookInfo<'_>) {
    TARGET.with(|t| {
        let Ok(t) = t.try_borrow() else { return };
        let Some(target) = t.as_ref() else { return };
        let payload = info.payload();
        let message = match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
            (Some(s), _) => s,
            (_, Some(s)) => s.as_str(),
            _ => "Box<dyn Any>",
        };
        let (frame, context) = match info.location() {
            Some(l) => panic_location(l.file(), l.line(), l.column()),
            None => Default::default(),
        };
        let stack = super::host::stack();
        let exceptions = [Exc {
            ty: b"panic",
            value: message.as_bytes(),
            stack: stack.as_bytes(),
            mechanism: br#"{"type":"panic","handled":false}"#,
            rust: Some(&frame),
            ..Default::default()
        }];
        let event = Event { level: "fatal", message: b"", exceptions: &exceptions, panic: &context, limit: 65_536 };
        with_scope(|scope, req| send(target, scope, req, &event));
    });
}
