//! Requests of a Worker (workers-rs) or any server handler (feature `worker`): each runs with
//! its own scope and data on its events, and keeps its envelopes' requests alive with its
//! execution context's `waitUntil` ([`in_request`]).

use super::host;
use super::rust_api::{app_scope, capture_chain};
use crate::scope::Scope;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use wasm_bindgen::JsValue;

/// One request being handled (inside [`in_request`]): its own scope, what it is, and how to
/// keep it alive.
pub(crate) struct Req {
    /// A copy of the app's scope when the request began, changed only by this request.
    pub scope: Scope,
    /// The event's `request` object (JSON; empty: unreadable).
    pub request: String,
    /// The `cloudflare` context (`{"colo":…}`; empty: none).
    pub cloudflare: String,
    /// The request's execution context: its `waitUntil` keeps each envelope's request alive.
    pub ctx: JsValue,
}

impl Req {
    /// Its `request` object, `cloudflare` context and execution context, for its events.
    pub(crate) fn parts(&self) -> (&[u8], &[u8], &JsValue) {
        (self.request.as_bytes(), self.cloudflare.as_bytes(), &self.ctx)
    }
}

/// The request being polled, if any.
pub(crate) fn current() -> Option<Rc<RefCell<Req>>> {
    CURRENT.with(|c| c.try_borrow().ok().and_then(|c| c.clone()))
}

thread_local! {
    /// The request whose handler is being polled: JavaScript runs one poll at a time, so this
    /// is exact across `await`s and concurrent requests alike.
    static CURRENT: RefCell<Option<Rc<RefCell<Req>>>> = const { RefCell::new(None) };
}

/// Runs `handler` (a Worker's `fetch`, `scheduled` or `queue` body, or any server handler's
/// future) as one request. While it runs, across its `await`s and beside other requests
/// handled at once, every call of this API uses the request's own scope (a copy of the app's
/// taken now: what one request sets never reaches another's event), its events carry the
/// request (`request`: method, URL with secrets scrubbed, selected headers; cookies and
/// authorization only with `send_default_pii`; `cf` as the `cloudflare` context) and each
/// envelope's request is kept alive with `ctx.waitUntil`, a panic's too. An `Err` the handler
/// returns is captured (mechanism `cloudflare`, `handled: false`) and returned as it was.
///
/// `request`: the incoming JS `Request` (workers-rs: `req.inner()`); `ctx`: the JS execution
/// context (workers-rs: `ctx.as_ref()`), or `undefined`. Work spawned outside the handler's
/// future (a future given to `wait_until`) runs outside the request: it gets the app's scope.
pub fn in_request<T, E, F>(request: &JsValue, ctx: &JsValue, handler: F) -> InRequest<F>
where
    E: std::error::Error,
    F: Future<Output = Result<T, E>>,
{
    let (scope, pii) = app_scope();
    let text = host::request(request, pii);
    let (request, cloudflare) = match text.split_once('\n') {
        Some((r, cf)) => (r.to_owned(), cf.to_owned()),
        None => (String::new(), String::new()),
    };
    let req = Req { scope, request, cloudflare, ctx: ctx.clone() };
    InRequest { req: Rc::new(RefCell::new(req)), handler: Box::pin(handler) }
}

/// The future [`in_request`] returns.
#[must_use = "a request's handler runs only when its future is awaited"]
pub struct InRequest<F> {
    req: Rc<RefCell<Req>>,
    handler: Pin<Box<F>>,
}

impl<T, E: std::error::Error, F: Future<Output = Result<T, E>>> Future for InRequest<F> {
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let previous = CURRENT.with(|c| c.try_borrow_mut().ok().map(|mut c| c.replace(Rc::clone(&this.req))));
        let polled = this.handler.as_mut().poll(cx);
        if let Poll::Ready(Err(e)) = &polled {
            capture_chain(e, "cloudflare", false);
        }
        CURRENT.with(|c| {
            if let (Ok(mut c), Some(previous)) = (c.try_borrow_mut(), previous) {
                *c = previous;
            }
        });
        polled
    }
}
