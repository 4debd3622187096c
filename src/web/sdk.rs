//! The SDK's exports: configuration, captures and scope, over one [`Client`] per module
//! instance. The host side (callbacks, network) is reached through `js/bridge.js`.

use super::classify::{classify, to_value};
use crate::capture::{CaptureContext, CodeRange, WasmModule};
use crate::client::{BeforeSend, Client, ClientOptions, Platform};
use crate::delivery::{Channel, Completion, Delivery, DeliveryConfig, Reason, Reply, Request, StoreOp};
use crate::filter::{Pattern, PatternMatcher};
use crate::protocol::{Breadcrumb, Event, EventId, Level, Map, Timestamp, User, Value, SDK_VERSION};
use crate::stack::ParseOptions;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

// The glue lands in pkg/wasm/ and is always bundled from there by esbuild (scripts/build-pkg.sh),
// so this relative path is the same js/bridge.js module that api.js imports: one module, one
// `host` object. (`module = "/js/bridge.js"` would make wasm-bindgen ship a second copy.)
#[wasm_bindgen(raw_module = "../../js/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = ebMatch)]
    fn js_match(id: u32, text: &str) -> bool;
    #[wasm_bindgen(js_name = ebBeforeSend)]
    fn js_before_send(json: &str, event_id: &str, is_error: bool) -> JsValue;
    #[wasm_bindgen(js_name = ebSend)]
    fn js_send(url: &str, auth: &str, body: &[u8]);
    #[wasm_bindgen(js_name = ebStart)]
    fn js_start(id: f64, channel: u8, body: &[u8]);
    #[wasm_bindgen(js_name = ebArm)]
    fn js_arm(ms: f64);
    #[wasm_bindgen(js_name = ebStorePut)]
    fn js_store_put(event_id: &str, body: &[u8]);
    #[wasm_bindgen(js_name = ebStoreDelete)]
    fn js_store_delete(event_id: &str);
    #[wasm_bindgen(js_name = ebGetString)]
    fn get_string(v: &JsValue, key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = ebGet)]
    fn get(v: &JsValue, key: &JsValue) -> JsValue;
}

/// The client and what the host side needs, taken out of the cell while a call works, so
/// that a re-entrant call (a capture from inside `beforeSend`) finds it busy and does nothing
/// instead of hitting a `RefCell` borrow panic.
struct State {
    client: Client,
    js: Js,
    parse: ParseOptions,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// The JavaScript host as the core's [`Platform`], with the delivery policy its transport
/// follows.
struct Js {
    has_before_send: bool,
    delivery: Delivery,
    /// Requests to start once the state is back in its cell (so that a transport that calls
    /// back into the SDK synchronously finds it ready).
    outbox: Vec<Request>,
    /// Whether delivery changed during this call (requests, timer, store).
    dirty: bool,
    /// The wake-up time the JS timer is set for.
    armed: Option<Timestamp>,
}

impl Js {
    /// Collects what delivery wants started now.
    fn pump(&mut self, now: Timestamp) {
        let requests = self.delivery.poll(now);
        self.outbox.extend(requests);
        self.dirty = true;
    }
}

impl PatternMatcher for Js {
    fn matches(&self, id: u32, text: &str) -> bool {
        js_match(id, text)
    }
}

impl Platform for Js {
    fn now(&self) -> Timestamp {
        super::host::now()
    }
    fn random(&mut self) -> f64 {
        super::host::random()
    }
    fn random_bytes(&mut self) -> [u8; 16] {
        super::host::random_bytes()
    }
    fn before_send(&mut self, event: &Event, json: Vec<u8>) -> BeforeSend {
        if !self.has_before_send {
            return BeforeSend::Send(json);
        }
        let Ok(text) = String::from_utf8(json) else { return BeforeSend::Drop };
        // A string: send it; `true`: a Promise, answered through `deliverLater`; else a drop.
        let answer = js_before_send(&text, &event.event_id.to_hex(), event.exception.is_some());
        match answer.as_string() {
            Some(json) => BeforeSend::Send(json.into_bytes()),
            None if answer.as_bool() == Some(true) => BeforeSend::Later,
            None => BeforeSend::Drop,
        }
    }
    fn send(&mut self, body: Vec<u8>, small: Option<Vec<u8>>, event_id: Option<EventId>) {
        let now = super::host::now();
        self.delivery.submit(body, small, event_id, now);
        self.pump(now);
    }
}

/// Runs `f` on the state; `None` before `configure` or when re-entered. What `f` asked of the
/// transport (requests, the retry timer, the offline store) is handed to JavaScript after the
/// state is back in its cell.
fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    let mut state = STATE.with(|c| c.try_borrow_mut().ok().and_then(|mut c| c.take()))?;
    let out = f(&mut state);
    let work = state.js.dirty.then(|| take_work(&mut state.js));
    STATE.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            *c = Some(state);
        }
    });
    if let Some(work) = work {
        work.dispatch();
    }
    Some(out)
}

/// What the transport has to do after a call.
struct Work {
    requests: Vec<Request>,
    store: Vec<StoreOp>,
    /// A new timer: milliseconds from now, or negative to cancel.
    arm: Option<f64>,
}

fn take_work(js: &mut Js) -> Work {
    js.dirty = false;
    // Empty unless `offline` is on: the policy records store operations only then.
    let store = js.delivery.take_store_ops();
    let wakeup = js.delivery.next_wakeup();
    let arm = (wakeup != js.armed).then(|| {
        js.armed = wakeup;
        match wakeup {
            Some(at) => at.0.saturating_sub(super::host::now().0) as f64,
            None => -1.0,
        }
    });
    Work { requests: std::mem::take(&mut js.outbox), store, arm }
}

impl Work {
    fn dispatch(self) {
        for op in self.store {
            match op {
                StoreOp::Put { event_id, body } => js_store_put(&event_id.to_hex(), &body),
                StoreOp::Delete(event_id) => js_store_delete(&event_id.to_hex()),
            }
        }
        for r in self.requests {
            let channel = match r.channel {
                Channel::Keepalive => 0,
                Channel::Fetch => 1,
                Channel::Beacon => 2,
            };
            js_start(r.id as f64, channel, &r.body);
        }
        if let Some(ms) = self.arm {
            js_arm(ms);
        }
    }
}

fn with_client<R>(f: impl FnOnce(&mut Client, &mut Js) -> R) -> Option<R> {
    with_state(|s| f(&mut s.client, &mut s.js))
}

/// A panic of this module goes out the way its other events do (custom transport, tunnel).
#[cfg(not(panic = "immediate-abort"))]
fn send_panic(url: &str, _beacon: &str, auth: &str, bytes: &[u8]) {
    js_send(url, auth, bytes);
}

/// Sets up the client. Patterns: `ignore`/`deny`/`allow` strings are substrings; `*_regex` are
/// the numbers JS gave its RegExp patterns.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn configure(
    dsn: Option<String>,
    release: Option<String>,
    environment: Option<String>,
    dist: Option<String>,
    sample_rate: f64,
    max_breadcrumbs: u32,
    dedupe: bool,
    linked_limit: u32,
    ignore: Vec<String>,
    ignore_regex: Vec<u32>,
    deny: Vec<String>,
    deny_regex: Vec<u32>,
    allow: Vec<String>,
    allow_regex: Vec<u32>,
    has_before_send: bool,
    sdk_url_prefix: Option<String>,
    offline: bool,
    send_default_pii: bool,
) -> Option<String> {
    let patterns = |s: Vec<String>, r: Vec<u32>| {
        s.into_iter().map(Pattern::Substring).chain(r.into_iter().map(Pattern::External)).collect::<Vec<_>>()
    };
    let (dsn, error) = match dsn.filter(|d| !d.is_empty()).map(|d| d.parse::<crate::Dsn>()) {
        Some(Ok(d)) => (Some(d), None),
        Some(Err(e)) => (None, Some(e.message())),
        None => (None, None),
    };
    let options = ClientOptions {
        dsn,
        release: release.filter(|r| !r.is_empty()),
        environment: Some(environment.filter(|e| !e.is_empty()).unwrap_or_else(|| "production".into())),
        dist: dist.filter(|d| !d.is_empty()),
        sample_rate,
        max_breadcrumbs: max_breadcrumbs as usize,
        ignore_errors: patterns(ignore, ignore_regex),
        deny_urls: patterns(deny, deny_regex),
        allow_urls: patterns(allow, allow_regex),
        dedupe,
        linked_limit: linked_limit as usize,
        integrations: Vec::new(),
        send_default_pii,
    };
    // Built with panic=immediate-abort (scripts/build-pkg.sh), a panic of this module traps at
    // once and runs no hook: installing one would only ship its bytes (3.7 KB gzip).
    #[cfg(not(panic = "immediate-abort"))]
    super::panic::install(super::panic::PanicTarget {
        to: options.dsn.as_ref().map(super::panic::SendTo::new),
        release: options.release.clone(),
        environment: options.environment.clone(),
        dist: options.dist.clone(),
        parse: ParseOptions { sdk_url_prefix: sdk_url_prefix.clone().filter(|s| !s.is_empty()) },
        send: Some(send_panic),
        with_scope: None,
        send_default_pii,
    });
    let delivery = Delivery::new(DeliveryConfig { offline, dsn: options.dsn.clone(), ..Default::default() });
    let state = State {
        client: Client::new(options),
        js: Js { has_before_send, delivery, outbox: Vec::new(), dirty: false, armed: None },
        parse: ParseOptions { sdk_url_prefix: sdk_url_prefix.filter(|s| !s.is_empty()) },
    };
    STATE.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            *c = Some(state);
        }
    });
    error
}

/// Captures any thrown value; returns where the event id is (see [`id_out`]), or null before `configure`. `earlier` is
/// the id and time (ms since the epoch) the glue answered with when the capture was made
/// while the module was loading; `None` for a capture made now.
#[wasm_bindgen(js_name = captureThrown)]
pub fn capture_thrown(
    value: &JsValue,
    mechanism: &str,
    handled: bool,
    synthetic_stack: Option<String>,
    earlier_id: Option<String>,
    earlier_ms: f64,
) -> *const u8 {
    let thrown = classify(value);
    let earlier = stamp(earlier_id, earlier_ms);
    with_state(|s| {
        // Every field spelled out, and the parse options lent, not cloned: no allocation here
        // that the capture does not need.
        let ctx = CaptureContext {
            mechanism: mechanism.to_owned(),
            handled,
            synthetic_stack,
            parse: std::mem::take(&mut s.parse),
            linked_limit: crate::limits::MAX_LINKED_ERRORS,
        };
        let id = match earlier {
            Some((id, at)) => s.client.capture_thrown_as(&mut s.js, &thrown, &ctx, id, at),
            None => s.client.capture_thrown(&mut s.js, &thrown, &ctx),
        };
        s.parse = ctx.parse;
        id
    })
    .map_or(std::ptr::null(), id_out)
}

thread_local! {
    /// The latest capture's id, where the glue reads it (16 bytes, formatted as hex in JS):
    /// returning a `String` cost a `TextDecoder` call and two frees per capture.
    static ID_OUT: Cell<[u8; 16]> = const { Cell::new([0; 16]) };
}

/// Stores `id` for the glue; returns where it is.
fn id_out(id: EventId) -> *const u8 {
    ID_OUT.with(|c| {
        c.set(id.0);
        c.as_ptr().cast::<u8>().cast_const()
    })
}

/// Captures a message at a level (`debug`, `info`, `warning`, `error`, `fatal`); `earlier`
/// as for [`capture_thrown`].
#[wasm_bindgen(js_name = captureMessage)]
pub fn capture_message(message: &str, level: &str, earlier_id: Option<String>, earlier_ms: f64) -> *const u8 {
    let level = Level::parse(level).unwrap_or(Level::Info);
    let earlier = stamp(earlier_id, earlier_ms);
    with_client(|c, js| match earlier {
        Some((id, at)) => c.capture_message_as(js, message, level, id, at),
        None => c.capture_message(js, message, level),
    })
    .map_or(std::ptr::null(), id_out)
}

/// Counts `quantity` events of `category` (`error`, `default`) that the glue dropped before
/// they reached the module (its bound on calls kept while the module loaded), as
/// `queue_overflow` in the next client report.
#[wasm_bindgen(js_name = countDropped)]
pub fn count_dropped(category: &str, quantity: u32) {
    let category = if category == "default" { "default" } else { "error" };
    with_state(|s| s.js.delivery.record_dropped(Reason::QueueOverflow, category, u64::from(quantity)));
}

/// The id and time of a capture made before the module loaded; `None` unless both are valid.
fn stamp(id: Option<String>, ms: f64) -> Option<(EventId, Timestamp)> {
    let id = EventId::parse(&id?)?;
    let at = Timestamp::from_millis_f64(ms);
    (at.0 > 0).then_some((id, at))
}

/// `setUser`: an object with `id`, `email`, `username`, `ip_address` (other keys go to
/// `data`), or null to clear.
#[wasm_bindgen(js_name = setUser)]
pub fn set_user(user: &JsValue) {
    let user = match to_value(user, 0) {
        Value::Object(mut m) => {
            let mut take = |k: &str| match m.remove(k) {
                Some(Value::String(s)) => Some(s),
                Some(Value::Int(n)) => Some(crate::text::decimal_i64(n)),
                _ => None,
            };
            let (id, email, username, ip_address) = (take("id"), take("email"), take("username"), take("ip_address"));
            Some(User { id, email, username, ip_address, data: m })
        }
        _ => None,
    };
    with_client(|c, _| c.scope_mut().set_user(user));
}

/// `setTag`.
#[wasm_bindgen(js_name = setTag)]
pub fn set_tag(key: &str, value: &JsValue) {
    let value = match to_value(value, 0) {
        Value::String(s) | Value::Float(s) => s,
        Value::Int(n) => crate::text::decimal_i64(n),
        Value::Bool(b) => if b { "true" } else { "false" }.to_owned(),
        _ => return,
    };
    with_client(|c, _| c.scope_mut().set_tag(key, &value));
}

/// `scope.setLevel` (an unknown level clears it): the level every event of the scope gets.
#[wasm_bindgen(js_name = setLevel)]
pub fn set_level(level: &str) {
    let level = Level::parse(level);
    with_client(|c, _| c.scope_mut().set_level(level));
}

/// `scope.setFingerprint` (empty: the server's own grouping).
#[wasm_bindgen(js_name = setFingerprint)]
pub fn set_fingerprint(parts: Vec<String>) {
    with_client(|c, _| c.scope_mut().set_fingerprint(parts));
}

/// `setExtra` (undefined removes).
#[wasm_bindgen(js_name = setExtra)]
pub fn set_extra(key: &str, value: &JsValue) {
    let value = (!value.is_undefined()).then(|| to_value(value, 0));
    with_client(|c, _| c.scope_mut().set_extra(key, value));
}

/// `setContext` (null removes).
#[wasm_bindgen(js_name = setContext)]
pub fn set_context(name: &str, value: &JsValue) {
    let fields = match to_value(value, 0) {
        Value::Object(m) => Some(m),
        _ => None,
    };
    with_client(|c, _| c.scope_mut().set_context(name, fields));
}

/// `addBreadcrumb({ type, category, message, level, data })`.
#[wasm_bindgen(js_name = addBreadcrumb)]
pub fn add_breadcrumb(crumb: &JsValue) {
    let now = super::host::now();
    let timestamp =
        get(crumb, &"timestamp".into()).as_f64().map(|s| Timestamp::from_millis_f64(s * 1000.0)).unwrap_or(now);
    let data = match to_value(&get(crumb, &"data".into()), 1) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let crumb = Breadcrumb {
        timestamp,
        ty: get_string(crumb, "type"),
        category: get_string(crumb, "category"),
        message: get_string(crumb, "message").map(|m| crate::text::truncate_chars(&m, crate::limits::MAX_VALUE_CHARS)),
        level: get_string(crumb, "level").and_then(|l| Level::parse(&l)),
        data,
    };
    with_client(|c, js| c.add_breadcrumb(js, crumb));
}

/// The page's `request` interface (URL, scrubbed query, fragment, user agent) and its
/// `browser`, `os`, `device` and `culture` contexts, as `js/page.js` read them (the user agent
/// and client hints are parsed there: smaller in JavaScript, docs/size.md).
#[wasm_bindgen(js_name = setPage)]
pub fn set_page(
    url: Option<String>,
    query: Option<String>,
    fragment: Option<String>,
    user_agent: Option<String>,
    contexts: &JsValue,
) {
    let request = url.map(|url| {
        let mut headers = crate::protocol::SortedMap::new();
        if let Some(ua) = user_agent.filter(|u| !u.is_empty()) {
            headers.insert("User-Agent".to_owned(), ua);
        }
        crate::protocol::Request {
            url: Some(url),
            method: None,
            query_string: query.filter(|q| !q.is_empty()),
            fragment: fragment.filter(|f| !f.is_empty()),
            headers,
        }
    });
    let contexts = match to_value(contexts, 0) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    // Every scope: the glue may hand the page over inside a `withScope` (before the first
    // capture), and what it sets must outlive that scope.
    with_client(|c, _| {
        for scope in c.scopes_mut() {
            if request.is_some() {
                scope.set_request(request.clone());
            }
            for (name, fields) in contexts.iter() {
                if let Value::Object(fields) = fields {
                    scope.set_context(name, Some(fields.clone()));
                }
            }
        }
    });
}

/// Remembers a wasm module's build id (hex) under the name engines print for its frames (empty
/// when unknown). A module from bytes also gives where its code is: its own functions'
/// indices `fn_start..fn_end` and its code section's bytes `code_start..code_end` (empty for a
/// module fetched by URL). `own`: errorbeacon's own module.
#[wasm_bindgen(js_name = registerModule)]
#[allow(clippy::too_many_arguments)] // flat scalars: the cheapest shape to cross the boundary
pub fn register_module(
    url: &str,
    build_id: &str,
    fn_start: u32,
    fn_end: u32,
    code_start: u32,
    code_end: u32,
    name: &str,
    own: bool,
) {
    let code = (code_start < code_end && fn_start < fn_end)
        .then(|| CodeRange { functions: fn_start..fn_end, bytes: u64::from(code_start)..u64::from(code_end) });
    let module = WasmModule { url: url.to_owned(), build_id: build_id.to_owned(), code, name: name.to_owned(), own };
    with_client(|c, _| c.register_module(module));
}

/// Starts a `withScope`.
#[wasm_bindgen(js_name = pushScope)]
pub fn push_scope() {
    with_client(|c, _| c.push_scope());
}

/// Ends a `withScope`.
#[wasm_bindgen(js_name = popScope)]
pub fn pop_scope() {
    with_client(|c, _| c.pop_scope());
}

/// The last captured event's id, or "".
#[wasm_bindgen(js_name = lastEventId)]
pub fn last_event_id() -> String {
    with_client(|c, _| c.last_event_id().map(|id| id.to_hex()).unwrap_or_default()).unwrap_or_default()
}

/// Where envelopes go for this DSN: `[envelope URL, the same with query-string auth (for
/// beacons), X-Sentry-Auth]`, or nothing without a DSN.
#[wasm_bindgen(js_name = deliveryTarget)]
pub fn delivery_target() -> Vec<String> {
    let client = ["errorbeacon.javascript/", SDK_VERSION].concat();
    with_client(|c, _| {
        c.options()
            .dsn
            .as_ref()
            .map(|d| vec![d.envelope_url(), d.envelope_url_with_auth(&client), d.auth_header(&client)])
    })
    .flatten()
    .unwrap_or_default()
}

/// A request ended. `kind`: 0 an HTTP response (`status`, `Retry-After`,
/// `X-Sentry-Rate-Limits`), 1 a network error (or a beacon the browser refused), 2 a beacon
/// the browser took. Returns 1 delivered, 2 retrying, 3 dropped, 4 stored offline, 0 unknown.
#[wasm_bindgen(js_name = deliveryDone)]
pub fn delivery_done(id: f64, kind: u8, status: u16, retry_after: Option<String>, rate_limits: Option<String>) -> u8 {
    with_state(|s| {
        let js = &mut s.js;
        let now = super::host::now();
        let reply = match kind {
            0 => Reply::Http { status, retry_after: retry_after.as_deref(), rate_limits: rate_limits.as_deref() },
            2 => Reply::Sent,
            _ => Reply::NetworkError,
        };
        let completion = js.delivery.complete(id as u64, reply, now, super::host::random());
        js.pump(now);
        match completion {
            Completion::Unknown => 0,
            Completion::Delivered => 1,
            Completion::Retry(_) => 2,
            Completion::Dropped => 3,
            Completion::Stored => 4,
        }
    })
    .unwrap_or_default()
}

/// The retry timer fired.
#[wasm_bindgen(js_name = deliveryTick)]
pub fn delivery_tick() {
    with_state(|s| {
        s.js.armed = None;
        s.js.pump(super::host::now());
    });
}

/// Moves the drops the client counted into delivery's counts and queues a client report
/// when there is anything to report.
fn queue_report(s: &mut State, now: Timestamp) {
    if let Some(report) = s.client.take_client_report(now) {
        s.js.delivery.absorb_report(&report);
    }
    s.js.delivery.queue_client_report(now);
}

/// The page is being hidden (`pagehide`, `visibilitychange` → hidden): everything queued goes
/// out now on keepalive channels, with the client report.
#[wasm_bindgen(js_name = deliveryHidden)]
pub fn delivery_hidden() {
    with_state(|s| {
        let now = super::host::now();
        queue_report(s, now);
        let requests = s.js.delivery.page_hidden(now);
        s.js.outbox.extend(requests);
        s.js.dirty = true;
    });
}

/// The answer of a `beforeSend` that returned a Promise: the event JSON to send, or nothing
/// (null, or the Promise rejected) to count a `before_send` drop.
#[wasm_bindgen(js_name = deliverLater)]
pub fn deliver_later(event_id: &str, json: Option<String>, is_error: bool) {
    let Some(id) = EventId::parse(event_id) else { return };
    with_client(|c, js| c.send_prepared(js, id, json.map(String::into_bytes), is_error));
}

/// An envelope read back from the offline store.
#[wasm_bindgen(js_name = deliveryRestore)]
pub fn delivery_restore(body: Vec<u8>, event_id: &str) {
    let Some(id) = EventId::parse(event_id) else { return };
    with_state(|s| {
        let now = super::host::now();
        s.js.delivery.restore(body, id, now);
        s.js.pump(now);
    });
}

/// The network may be back (`online`): the offline store is tried now.
#[wasm_bindgen(js_name = deliveryResume)]
pub fn delivery_resume() {
    with_state(|s| {
        let now = super::host::now();
        s.js.delivery.resume(now);
        s.js.pump(now);
    });
}

/// `flush`: the client report is queued and the offline store is tried now (retries keep
/// their backoff). Returns whether nothing is left to deliver.
#[wasm_bindgen(js_name = deliveryFlush)]
pub fn delivery_flush() -> bool {
    with_state(|s| {
        let now = super::host::now();
        queue_report(s, now);
        s.js.delivery.resume(now);
        s.js.pump(now);
        s.js.delivery.is_idle()
    })
    .unwrap_or(true)
}

/// Whether nothing is queued, waiting for a retry or in flight.
#[wasm_bindgen(js_name = deliveryIdle)]
pub fn delivery_idle() -> bool {
    with_client(|_, js| js.delivery.is_idle()).unwrap_or(true)
}
