//! Rust panics as fatal events. With `panic = "abort"` nothing of the module runs after the
//! hook, so the hook builds the event and starts its request itself, synchronously; the
//! request outlives the trap that follows. The hook is installed once and chains to the
//! previous one (console_error_panic_hook's console output is kept).

use crate::capture::panic_event;
use crate::envelope::Envelope;
use crate::protocol::{ClientSdkInfo, Event, EventId, SdkSettings};
use crate::stack::ParseOptions;
use std::cell::RefCell;
use std::panic::PanicHookInfo;
use std::sync::Once;

/// Where a panic event goes and what it carries, kept apart from the client so that a panic
/// that happens while the client is busy still has it.
#[derive(Clone, Debug, Default)]
pub(crate) struct PanicTarget {
    pub dsn: Option<crate::Dsn>,
    pub release: Option<String>,
    pub environment: Option<String>,
    pub dist: Option<String>,
    pub parse: ParseOptions,
    /// Sends the envelope.
    pub send: Option<Send>,
    /// Adds the app's scope to the event, when the scope can be read at that moment.
    pub apply_scope: Option<fn(&mut Event)>,
    /// `sendDefaultPii` (`sdk.settings.infer_ip`).
    pub send_default_pii: bool,
}

/// Sends an envelope: (envelope URL, beacon URL with query auth, `X-Sentry-Auth`, bytes).
pub(crate) type Send = fn(&str, &str, &str, &[u8]);

thread_local! {
    static TARGET: RefCell<Option<PanicTarget>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

/// Sets where panic events go and installs the hook (once).
pub(crate) fn install(target: PanicTarget) {
    TARGET.with(|t| {
        if let Ok(mut t) = t.try_borrow_mut() {
            *t = Some(target);
        }
    });
    INSTALL.call_once(|| {
        // In errorbeacon's own module (the npm build) the previous hook is std's default, which
        // writes to a stderr that wasm32-unknown-unknown does not have: not chaining to it keeps
        // std's printing machinery (thread names, io, formatting) out of the module.
        #[cfg(feature = "npm")]
        std::panic::set_hook(Box::new(report));
        #[cfg(not(feature = "npm"))]
        {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                report(info);
                previous(info);
            }));
        }
    });
}

fn report(info: &PanicHookInfo<'_>) {
    let Some(target) = TARGET.with(|t| t.try_borrow().ok().and_then(|t| t.clone())) else { return };
    let (Some(dsn), Some(send)) = (target.dsn.as_ref(), target.send) else { return };
    let message = match (info.payload().downcast_ref::<&str>(), info.payload().downcast_ref::<String>()) {
        (Some(s), _) => (*s).to_owned(),
        (_, Some(s)) => s.clone(),
        _ => "Box<dyn Any>".to_owned(),
    };
    let id = EventId::from_random_bytes(super::host::random_bytes());
    let location = info.location().map(|l| (l.file(), l.line(), l.column()));
    let mut event = panic_event(&message, location, &super::host::stack(), &target.parse, id, super::host::now());
    event.release.clone_from(&target.release);
    event.environment = target.environment.clone().or_else(|| Some("production".into()));
    event.dist.clone_from(&target.dist);
    event.sdk = Some(ClientSdkInfo {
        settings: Some(SdkSettings::for_pii(target.send_default_pii)),
        ..ClientSdkInfo::errorbeacon()
    });
    if let Some(apply) = target.apply_scope {
        apply(&mut event);
    }
    if let Ok(envelope) = Envelope::from_event(&event, Some(dsn), super::host::now()) {
        let client = ["errorbeacon.rust/", crate::protocol::SDK_VERSION].concat();
        send(
            &dsn.envelope_url(),
            &dsn.envelope_url_with_auth(&client),
            &dsn.auth_header(&client),
            &envelope.to_bytes(),
        );
    }
}
