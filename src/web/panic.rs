//! Rust panics as fatal events. With `panic = "abort"` nothing of the module runs after the
//! hook, so the hook builds the event and starts its request itself, synchronously; the
//! request outlives the trap that follows. The hook is installed once and chains to the
//! previous one (console_error_panic_hook's console output is kept).

use crate::capture::{panic_envelope, PanicParts};
use crate::protocol::{ClientSdkInfo, EventId, SdkSettings};
use crate::scope::Scope;
use crate::stack::ParseOptions;
use std::cell::RefCell;
use std::panic::PanicHookInfo;
use std::sync::Once;

/// Where a panic event goes and what it carries, kept apart from the client so that a panic
/// that happens while the client is busy still has it.
#[derive(Clone, Debug, Default)]
pub(crate) struct PanicTarget {
    /// Where panic events go, worked out once at `init`; `None` without a DSN.
    pub to: Option<SendTo>,
    pub release: Option<String>,
    pub environment: Option<String>,
    pub dist: Option<String>,
    pub parse: ParseOptions,
    /// Sends the envelope.
    pub send: Option<Send>,
    /// Calls its argument with the app's scope, when the scope can be read at that moment.
    pub with_scope: Option<WithScope>,
    /// `sendDefaultPii` (`sdk.settings.infer_ip`).
    pub send_default_pii: bool,
}

/// Where events go, for the panic hook and the Rust API's transport alike: the DSN's text and
/// what a request needs (envelope URL, beacon URL with query auth, `X-Sentry-Auth`).
#[derive(Clone, Debug)]
pub(crate) struct SendTo {
    pub dsn: String,
    pub url: String,
    pub beacon: String,
    pub auth: String,
}

impl SendTo {
    pub(crate) fn new(dsn: &crate::Dsn) -> SendTo {
        let client = ["errorbeacon.rust/", crate::protocol::SDK_VERSION].concat();
        SendTo {
            dsn: dsn.to_text(),
            url: dsn.envelope_url(),
            beacon: dsn.envelope_url_with_auth(&client),
            auth: dsn.auth_header(&client),
        }
    }
}

/// Lends the app's scope to its argument.
pub(crate) type WithScope = fn(&mut dyn FnMut(&Scope));

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
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            previous(info);
        }));
    });
}

fn report(info: &PanicHookInfo<'_>) {
    let Some(target) = TARGET.with(|t| t.try_borrow().ok().and_then(|t| t.clone())) else { return };
    let (Some(to), Some(send)) = (target.to.as_ref(), target.send) else { return };
    let message = match (info.payload().downcast_ref::<&str>(), info.payload().downcast_ref::<String>()) {
        (Some(s), _) => (*s).to_owned(),
        (_, Some(s)) => s.clone(),
        _ => "Box<dyn Any>".to_owned(),
    };
    let now = super::host::now();
    let sdk =
        ClientSdkInfo { settings: Some(SdkSettings::for_pii(target.send_default_pii)), ..ClientSdkInfo::errorbeacon() };
    let stack = super::host::stack();
    let parts = PanicParts {
        message: &message,
        location: info.location().map(|l| (l.file(), l.line(), l.column())),
        js_stack: &stack,
        parse: &target.parse,
        event_id: EventId::from_random_bytes(super::host::random_bytes()),
        now,
        release: target.release.as_deref(),
        dist: target.dist.as_deref(),
        environment: target.environment.as_deref().unwrap_or("production"),
        sdk: &sdk,
    };
    let mut envelope = None;
    if let Some(with_scope) = target.with_scope {
        with_scope(&mut |scope| envelope = Some(panic_envelope(&parts, Some(scope), Some(&to.dsn))));
    }
    let envelope = envelope.unwrap_or_else(|| panic_envelope(&parts, None, Some(&to.dsn)));
    send(&to.url, &to.beacon, &to.auth, &envelope);
}
