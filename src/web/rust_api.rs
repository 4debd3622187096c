//! The Rust API (API.md §2) for Rust apps compiled to wasm: `init` installs the panic hook and
//! keeps a client; errors, messages and breadcrumbs go through the same core pipeline as the
//! npm package's, and are posted with the module's own `fetch` (see `host`).

use super::host;
use super::panic::{install, PanicTarget, SendTo};
use crate::capture::{CaptureContext, ErrorLike, Thrown};
use crate::client::{Client, ClientOptions, Platform};
use crate::filter::PatternMatcher;
use crate::protocol::{Breadcrumb, EventId, Level, Timestamp};
use crate::scope::Scope;
use crate::Dsn;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use wasm_bindgen::closure::Closure;

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
/// requests already started still complete).
#[must_use = "errorbeacon stops capturing when the guard is dropped"]
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        CLIENT.with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                *c = None;
            }
        });
    }
}

thread_local! {
    static CLIENT: RefCell<Option<(Client, Host)>> = const { RefCell::new(None) };
}

/// The module's host as the core's [`Platform`]: where envelopes go, worked out once at
/// `init` (envelope URL, beacon URL with query auth, `X-Sentry-Auth`).
struct Host {
    target: Option<SendTo>,
}

impl PatternMatcher for Host {
    fn matches(&self, _: u32, _: &str) -> bool {
        false
    }
}

impl Platform for Host {
    fn now(&self) -> Timestamp {
        host::now()
    }
    fn random(&mut self) -> f64 {
        host::random()
    }
    fn random_bytes(&mut self) -> [u8; 16] {
        host::random_bytes()
    }
    fn send(&mut self, body: Vec<u8>, _small: Option<Vec<u8>>, _event_id: Option<EventId>) {
        if let Some(to) = &self.target {
            host::post(&to.url, &to.beacon, &to.auth, &body);
        }
    }
}

fn send_for_panic(url: &str, beacon: &str, auth: &str, bytes: &[u8]) {
    host::post(url, beacon, auth, bytes);
}

fn with_scope_for_panic(f: &mut dyn FnMut(&Scope)) {
    CLIENT.with(|c| {
        if let Ok(c) = c.try_borrow() {
            if let Some((c, _)) = c.as_ref() {
                f(c.scope());
            }
        }
    });
}

/// Starts errorbeacon in this module: a client for captures, and (with `panics`) the panic
/// hook, chained to any hook installed before.
pub fn init(options: Options) -> Guard {
    let to = options.dsn.as_ref().map(SendTo::new);
    if options.panics {
        install(PanicTarget {
            to: to.clone(),
            release: options.release.clone(),
            environment: options.environment.clone(),
            dist: options.dist.clone(),
            parse: Default::default(),
            send: Some(send_for_panic),
            with_scope: Some(with_scope_for_panic),
            send_default_pii: options.send_default_pii,
        });
    }
    let host = Host { target: to };
    let client = Client::new(ClientOptions {
        dsn: options.dsn,
        release: options.release,
        environment: Some(options.environment.unwrap_or_else(|| "production".into())),
        dist: options.dist,
        sample_rate: options.sample_rate,
        max_breadcrumbs: options.max_breadcrumbs,
        send_default_pii: options.send_default_pii,
        ..Default::default()
    });
    CLIENT.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            *c = Some((client, host));
        }
    });
    Guard(())
}

fn with_client<R>(f: impl FnOnce(&mut Client, &mut Host) -> R) -> Option<R> {
    CLIENT.with(|c| c.try_borrow_mut().ok().and_then(|mut c| c.as_mut().map(|(client, host)| f(client, host))))
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

/// Captures an error and its `source()` chain (each source a linked exception); returns the
/// event id.
pub fn capture_error(err: &dyn std::error::Error) -> EventId {
    let mut chain = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        if chain.len() > crate::limits::MAX_LINKED_ERRORS {
            break;
        }
        chain.push(ErrorLike { name: Some(type_name(e)), message: Some(e.to_string()), ..Default::default() });
        next = e.source();
    }
    let mut thrown = None;
    for mut e in chain.into_iter().rev() {
        e.cause = thrown.map(Box::new);
        thrown = Some(Thrown::Error(e));
    }
    let Some(mut thrown) = thrown else { return EventId::default() };
    if let Thrown::Error(e) = &mut thrown {
        e.stack = Some(host::stack());
    }
    with_client(|c, h| c.capture_thrown(h, &thrown, &CaptureContext::default())).unwrap_or_default()
}

/// Captures a message at a level; returns the event id.
pub fn capture_message(message: &str, level: Level) -> EventId {
    with_client(|c, h| c.capture_message(h, message, level)).unwrap_or_default()
}

/// Changes the scope every later event gets.
pub fn configure_scope(f: impl FnOnce(&mut Scope)) {
    with_client(|c, _| f(c.scope_mut()));
}

/// Adds a breadcrumb (with the current time when its timestamp is 0).
pub fn add_breadcrumb(mut crumb: Breadcrumb) {
    if crumb.timestamp == Timestamp::default() {
        crumb.timestamp = host::now();
    }
    with_client(|c, h| c.add_breadcrumb(h, crumb));
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
