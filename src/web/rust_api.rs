//! The Rust API (API.md §2) for Rust apps compiled to wasm, on the npm module's writer: `init`
//! keeps what events are sent with and the app's scope; errors, messages and panics are
//! written straight into their envelope's bytes ([`crate::write::write_envelope`]) and posted
//! with the module's own `fetch` (see `host`). No event tree, no serde, no client: what a Rust
//! app's module carries for its errors is the writer, the stack parser and this file (issue 25:
//! the crate's cost to an app).

use super::host;
use super::panic::install;
use crate::protocol::{Breadcrumb, EventId, Level, Timestamp};
use crate::scope::Scope;
use crate::write::images::Module;
use crate::write::scope::scope_json;
use crate::write::{write_envelope, Capture, Exc, Out};
use crate::Dsn;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

/// Options of [`init`], with Sentry's names and meanings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Where events go; `None` sends nothing.
    pub dsn: Option<Dsn>,
    /// `release`, e.g. `app@1.0.0`.
    pub release: Option<String>,
    /// `environment`, default `production`.
    pub environment: Option<String>,
    /// `dist`.
    pub dist: Option<String>,
    /// Share of error events kept, 0 to 1.
    pub sample_rate: f64,
    /// Breadcrumbs kept (at most 100).
    pub max_breadcrumbs: usize,
    /// Whether panics are reported (the hook is installed).
    pub panics: bool,
    /// `send_default_pii`: whether the server may infer the user's IP address from the
    /// request (`sdk.settings.infer_ip`); off by default, as in Sentry's SDKs.
    pub send_default_pii: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dsn: None,
            release: None,
            environment: None,
            dist: None,
            sample_rate: 1.0,
            max_breadcrumbs: 100,
            panics: true,
            send_default_pii: false,
        }
    }
}

/// Keeps errorbeacon running; returned by [`init`]. Dropping it stops new captures (the
/// requests already started still complete; panics are still reported).
#[must_use = "errorbeacon stops capturing when the guard is dropped"]
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        STATE.with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                *c = None;
            }
        });
    }
}

/// What every event is sent with, worked out once at `init`. The panic hook keeps its own
/// copy, so that a panic while the app's scope is borrowed (inside `configure_scope`) is still
/// reported.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    /// The DSN's text (the envelope header's `dsn`; `host::post` works out the URL and auth).
    dsn: String,
    release: String,
    environment: String,
    dist: String,
    /// The event's `sdk` object.
    sdk: Vec<u8>,
}

impl Target {
    fn new(dsn: &Dsn, o: &Options) -> Target {
        Target {
            dsn: dsn.to_text(),
            release: o.release.clone().unwrap_or_default(),
            environment: o.environment.clone().unwrap_or_else(|| "production".into()),
            dist: o.dist.clone().unwrap_or_default(),
            sdk: crate::write::rust::sdk(o.send_default_pii),
        }
    }
}

/// `sentry_client` of the requests.
const CLIENT: &str = concat!("errorbeacon.rust/", env!("CARGO_PKG_VERSION"));

/// A request being handled (feature `worker`, `super::request`); without the feature there is
/// never one.
#[cfg(feature = "worker")]
pub(crate) use super::request::Req;
#[cfg(not(feature = "worker"))]
pub(crate) enum Req {}
#[cfg(not(feature = "worker"))]
impl Req {
    fn parts(&self) -> (&[u8], &[u8], &JsValue) {
        match *self {}
    }
}

/// What a capture adds to the target and the scope.
pub(crate) struct Event<'a> {
    pub level: &'a str,
    pub message: &'a [u8],
    pub exceptions: &'a [Exc<'a>],
    /// A `panic` context member (`"panic":{…}`; empty: none).
    pub panic: &'a [u8],
    /// The channel's bytes: 64 KiB inside the panic hook (keepalive), 1 MB otherwise.
    pub limit: usize,
}

/// Writes the envelope of `e` with `scope` (and the request `req`, when it happened in one)
/// applied and starts its request, kept alive by the request's `waitUntil`; returns the event
/// id (zero when nothing was sent).
pub(crate) fn send(t: &Target, scope: Option<&Scope>, req: Option<&Req>, e: &Event<'_>) -> EventId {
    let random = host::random_bytes();
    let mut id = Out::new(32);
    id.hex(&random);
    let mut now = Out::new(32);
    now.rfc3339(host::now().0);
    let now = now.bytes();
    let now = now.get(1..now.len().saturating_sub(1)).unwrap_or_default();
    let empty = Scope::new(0);
    let mut contexts = e.panic.to_vec();
    let undefined = JsValue::UNDEFINED;
    let (request, cf, ctx) = req.map_or((&b""[..], &b""[..], &undefined), Req::parts);
    if !cf.is_empty() {
        if !contexts.is_empty() {
            contexts.push(b',');
        }
        contexts.extend_from_slice(b"\"cloudflare\":");
        contexts.extend_from_slice(cf);
    }
    let s = scope_json(scope.unwrap_or(&empty), &contexts, &["panic", "cloudflare"]);
    // The request's own data wins over any the scope was given.
    let capture = Capture {
        event_id: id.bytes(),
        timestamp: now,
        sent_at: now,
        level: if s.level.is_empty() { e.level } else { s.level }.as_bytes(),
        release: t.release.as_bytes(),
        dist: t.dist.as_bytes(),
        environment: t.environment.as_bytes(),
        message: e.message,
        exceptions: e.exceptions,
        breadcrumbs: &s.breadcrumbs,
        user: &s.user,
        request: if request.is_empty() { &s.request } else { request },
        contexts: &s.contexts,
        tags: &s.tags,
        extra: &s.extra,
        fingerprint: &s.fingerprint,
        sdk: &t.sdk,
        dsn: t.dsn.as_bytes(),
        ..Default::default()
    };
    let mut out = Out::new(e.limit);
    let listed = host::modules();
    let modules = modules_of(&listed);
    let capture = Capture { modules: &modules, ..capture };
    if write_envelope(&mut out, &capture).too_large {
        return EventId::default();
    }
    host::post(&t.dsn, CLIENT, out.bytes(), ctx);
    EventId(random)
}

/// The modules `host::modules` lists, for debug images.
fn modules_of(listed: &str) -> Vec<Module<'_>> {
    listed
        .lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (url, id, name) = (f.next()?, f.next()?, f.next().unwrap_or(""));
            Some(Module {
                url: url.as_bytes(),
                build_id: id.as_bytes(),
                name: name.as_bytes(),
                functions: (0, 0),
                code: (0, 0),
                own: false,
            })
        })
        .collect()
}

/// The Rust API's state between calls.
struct State {
    target: Option<Target>,
    sample_rate: f64,
    /// Read by `in_request` (feature `worker`).
    #[cfg_attr(not(feature = "worker"), allow(dead_code))]
    send_default_pii: bool,
    scope: Scope,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// A copy of the app's scope, and `send_default_pii` (a request's scope starts as this).
#[cfg(feature = "worker")]
pub(crate) fn app_scope() -> (Scope, bool) {
    STATE.with(|c| {
        c.try_borrow().ok().and_then(|c| c.as_ref().map(|s| (s.scope.clone(), s.send_default_pii))).unwrap_or_default()
    })
}

/// Starts errorbeacon in this module: what events are sent with, the scope, and (with
/// `panics`) the panic hook, chained to any hook installed before.
pub fn init(options: Options) -> Guard {
    let target = options.dsn.as_ref().map(|d| Target::new(d, &options));
    if options.panics {
        install(target.clone());
    }
    let state = State {
        target,
        sample_rate: options.sample_rate,
        send_default_pii: options.send_default_pii,
        scope: Scope::new(options.max_breadcrumbs),
    };
    STATE.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            *c = Some(state);
        }
    });
    Guard(())
}

/// Lends the scope events get now to `f`, with the request it happens in: the current
/// request's own scope inside [`in_request`], else the app's (`None` before `init`, after the
/// guard is dropped, or while it is borrowed).
pub(crate) fn with_scope<R>(f: impl FnOnce(Option<&Scope>, Option<&Req>) -> R) -> R {
    #[cfg(feature = "worker")]
    if let Some(req) = super::request::current() {
        if let Ok(r) = req.try_borrow() {
            return f(Some(&r.scope), Some(&r));
        }
    }
    STATE.with(|c| match c.try_borrow() {
        Ok(c) => f(c.as_ref().map(|s| &s.scope), None),
        Err(_) => f(None, None),
    })
}

/// An error event: kept with the sample rate, then written and sent with the current scope.
fn capture(e: &Event<'_>) -> EventId {
    // The target is borrowed, not cloned per capture; `with_scope` borrows the state again,
    // shared, which a `RefCell` allows.
    STATE
        .with(|c| {
            let c = c.try_borrow().ok()?;
            let s = c.as_ref()?;
            let target = s.target.as_ref()?;
            // Kept when a draw falls below the rate (NaN keeps nothing, as `sampleRate` in JS).
            let rate = s.sample_rate;
            if rate < 1.0 && host::random() >= rate || rate.is_nan() {
                return None;
            }
            Some(with_scope(|scope, req| send(target, scope, req, e)))
        })
        .unwrap_or_default()
}

/// The error's type name, from its `Debug` text (`ParseIntError { kind: … }` →
/// `ParseIntError`), as sentry-rust does for `&dyn Error`.
fn type_name(err: &dyn std::error::Error) -> String {
    let debug = format!("{err:?}");
    let end = debug.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(debug.len());
    match debug.get(..end) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => "Error".to_owned(),
    }
}

/// Captures an error and its `source()` chain (each source a linked exception, as Sentry's
/// `linkedErrors` lists them: the deepest source first, the error itself last); returns the
/// event id.
pub fn capture_error(err: &dyn std::error::Error) -> EventId {
    capture_chain(err, "generic", true)
}

/// [`capture_error`] with the root's mechanism.
pub(crate) fn capture_chain(err: &dyn std::error::Error, ty: &str, handled: bool) -> EventId {
    let mut chain = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        if chain.len() > crate::limits::MAX_LINKED_ERRORS {
            break;
        }
        let i = chain.len() as u64;
        let mechanism = crate::write::rust::chain_mechanism(i, i > 0 || e.source().is_some(), ty, handled);
        chain.push((type_name(e), e.to_string(), mechanism));
        next = e.source();
    }
    let stack = host::stack();
    let mut exceptions: Vec<Exc<'_>> = chain
        .iter()
        .rev()
        .map(|(ty, value, mechanism)| Exc {
            ty: ty.as_bytes(),
            value: value.as_bytes(),
            mechanism,
            rust: Some(b""),
            ..Default::default()
        })
        .collect();
    // The error itself (last) carries the stack where it was captured.
    if let Some(e) = exceptions.last_mut() {
        e.stack = stack.as_bytes();
    }
    capture(&Event { level: "error", message: b"", exceptions: &exceptions, panic: b"", limit: 1_000_000 })
}

/// Captures a message at a level; returns the event id.
pub fn capture_message(message: &str, level: Level) -> EventId {
    capture(&Event {
        level: level.as_str(),
        message: message.as_bytes(),
        exceptions: &[],
        panic: b"",
        limit: 1_000_000,
    })
}

/// Changes the scope every later event gets: inside [`in_request`], that request's own.
pub fn configure_scope(f: impl FnOnce(&mut Scope)) {
    #[cfg(feature = "worker")]
    if let Some(req) = super::request::current() {
        if let Ok(mut r) = req.try_borrow_mut() {
            f(&mut r.scope);
        }
        return;
    }
    STATE.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            if let Some(s) = c.as_mut() {
                f(&mut s.scope);
            }
        }
    });
}

/// Adds a breadcrumb (with the current time when its timestamp is 0).
pub fn add_breadcrumb(mut crumb: Breadcrumb) {
    if crumb.timestamp == Timestamp::default() {
        crumb.timestamp = host::now();
    }
    configure_scope(|s| s.add_breadcrumb(crumb));
}

/// Resolves to `true` once every envelope sent so far has been handed to the network and its
/// request has settled, or to `false` when `timeout` passes first.
pub fn flush(timeout: Duration) -> impl Future<Output = bool> {
    let state = Rc::new(RefCell::new(FlushState::default()));
    let shared = Rc::clone(&state);
    let done = Closure::once_into_js(move |ok: bool| {
        if let Ok(mut s) = shared.try_borrow_mut() {
            s.result = Some(ok);
            if let Some(w) = s.waker.take() {
                w.wake();
            }
        }
    });
    host::flush(timeout.as_millis().min(u32::MAX as u128) as f64, &done);
    Flush { state }
}

#[derive(Default)]
struct FlushState {
    result: Option<bool>,
    waker: Option<Waker>,
}

struct Flush {
    state: Rc<RefCell<FlushState>>,
}

impl Future for Flush {
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let Ok(mut s) = self.state.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        match s.result {
            Some(ok) => Poll::Ready(ok),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
