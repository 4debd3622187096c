//! The SDK's exports: configuration, captures and scope, over one [`Client`] per module
//! instance. The host side (callbacks, network) is reached through `js/bridge.js`.

use super::abi::{self, put_out, Args, Val};
use super::classify::{classify, to_value};
use crate::capture::{CaptureContext, CodeRange, WasmModule};
use crate::client::{BeforeSend, Client, ClientOptions, Platform};
use crate::delivery::{Channel, Completion, Delivery, DeliveryConfig, Reason, Reply, Request, StoreOp};
use crate::filter::{Pattern, PatternMatcher};
use crate::protocol::{Breadcrumb, Event, EventId, Level, Map, Timestamp, User, Value, SDK_VERSION};
use crate::stack::ParseOptions;
use std::cell::{Cell, RefCell};

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
        abi::matches(id, text)
    }
}

impl Platform for Js {
    fn now(&self) -> Timestamp {
        abi::now()
    }
    fn random(&mut self) -> f64 {
        abi::random()
    }
    fn random_bytes(&mut self) -> [u8; 16] {
        abi::random_bytes()
    }
    fn before_send(&mut self, event: &Event, json: Vec<u8>) -> BeforeSend {
        // The default variant (crate::OPT_IN) has no beforeSend: its client never asks, and
        // this check keeps the host call out of that module (it stays in the Platform vtable).
        if !crate::OPT_IN || !self.has_before_send {
            return BeforeSend::Send(json);
        }
        // A string: send it; a Promise: answered through `deliver_later`; else a drop.
        match abi::before_send(&json, &event.event_id.0, event.exception.is_some()) {
            Ok(json) => BeforeSend::Send(json.into_bytes()),
            Err(true) => BeforeSend::Later,
            Err(false) => BeforeSend::Drop,
        }
    }
    fn send(&mut self, body: Vec<u8>, small: Option<Vec<u8>>, event_id: Option<EventId>) {
        let now = abi::now();
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
            Some(at) => at.0.saturating_sub(abi::now().0) as f64,
            None => -1.0,
        }
    });
    Work { requests: std::mem::take(&mut js.outbox), store, arm }
}

impl Work {
    fn dispatch(self) {
        for op in self.store {
            match op {
                StoreOp::Put { event_id, body } => abi::store_put(&event_id.0, &body),
                StoreOp::Delete(event_id) => abi::store_delete(&event_id.0),
            }
        }
        for r in self.requests {
            let channel = match r.channel {
                Channel::Keepalive => 0,
                Channel::Fetch => 1,
                Channel::Beacon => 2,
            };
            abi::start(r.id as f64, channel, &r.body);
        }
        if let Some(ms) = self.arm {
            abi::arm(ms);
        }
    }
}

fn with_client<R>(f: impl FnOnce(&mut Client, &mut Js) -> R) -> Option<R> {
    with_state(|s| f(&mut s.client, &mut s.js))
}

// Booleans cross as u32 (0 or not): a wasm `bool` argument other than 0 or 1 would be
// undefined behaviour, and JavaScript can pass anything.

/// Sets up the client. Strings (js/glue.js `configure`): dsn, release, environment, dist, the
/// URL prefix of errorbeacon's own files, then three pairs of lists, `ignoreErrors`,
/// `denyUrls`, `allowUrls`: their substrings and the numbers the glue gave their RegExps.
/// Returns the length of the DSN's error message (-1: none).
#[no_mangle]
pub extern "C" fn configure(
    sample_rate: f64,
    max_breadcrumbs: u32,
    dedupe: u32,
    linked_limit: u32,
    has_before_send: u32,
    offline: u32,
    send_default_pii: u32,
) -> i32 {
    let (dedupe, has_before_send, offline, send_default_pii) =
        (dedupe != 0, has_before_send != 0, offline != 0, send_default_pii != 0);
    let args = Args::take();
    let (dsn, release, environment, dist, sdk_url_prefix) =
        (args.string(), args.string(), args.string(), args.string(), args.string());
    let patterns = || {
        let mut p = Vec::new();
        for _ in 0..args.count() {
            p.extend(args.str().map(|s| Pattern::Substring(s.to_owned())));
        }
        for _ in 0..args.count() {
            p.push(Pattern::External(args.u32()));
        }
        p
    };
    // Read only where the filters exist (crate::OPT_IN): they are the last arguments.
    let (ignore_errors, deny_urls, allow_urls) =
        if crate::OPT_IN { (patterns(), patterns(), patterns()) } else { Default::default() };
    let (dsn, error) = match dsn.map(|d| d.parse::<crate::Dsn>()) {
        Some(Ok(d)) => (Some(d), None),
        Some(Err(e)) => (None, Some(e.message())),
        None => (None, None),
    };
    let options = ClientOptions {
        dsn,
        release,
        environment: Some(environment.unwrap_or_else(|| "production".into())),
        dist,
        sample_rate,
        max_breadcrumbs: max_breadcrumbs as usize,
        ignore_errors,
        deny_urls,
        allow_urls,
        dedupe,
        linked_limit: linked_limit as usize,
        integrations: Vec::new(),
        send_default_pii,
    };
    // No panic hook: built with panic=immediate-abort (scripts/build-pkg.sh), a panic of this
    // module traps at once and would run none.
    let delivery = Delivery::new(DeliveryConfig {
        offline,
        dsn: options.dsn.as_ref().map(crate::Dsn::to_text),
        ..Default::default()
    });
    let state = State {
        client: Client::new(options),
        js: Js { has_before_send, delivery, outbox: Vec::new(), dirty: false, armed: None },
        parse: ParseOptions { sdk_url_prefix },
    };
    STATE.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            *c = Some(state);
        }
    });
    put_out(error.as_deref())
}

/// Captures any thrown value; returns where the event id is (see [`id_out`]), or null before
/// `configure`. Strings: the mechanism, a stack taken by the glue for values without one, and
/// the id the glue answered with when the capture was made while the module was loading;
/// `earlier_ms`: that capture's time (ms since the epoch), 0 for a capture made now.
#[no_mangle]
pub extern "C" fn capture(value: Val, handled: u32, earlier_ms: f64) -> *const u8 {
    let args = Args::take();
    let (mechanism, synthetic_stack) = (args.str().unwrap_or_default(), args.string());
    let earlier = stamp(args.str(), earlier_ms);
    let thrown = classify(value);
    with_state(|s| {
        // Every field spelled out, and the parse options lent, not cloned: no allocation here
        // that the capture does not need.
        let ctx = CaptureContext {
            mechanism: mechanism.to_owned(),
            handled: handled != 0,
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
    /// The latest capture's id, where the glue reads it (16 bytes, formatted as hex in JS).
    static ID_OUT: Cell<[u8; 16]> = const { Cell::new([0; 16]) };
}

/// Stores `id` for the glue; returns where it is.
fn id_out(id: EventId) -> *const u8 {
    ID_OUT.with(|c| {
        c.set(id.0);
        c.as_ptr().cast::<u8>().cast_const()
    })
}

/// Captures a message. Strings: the message, its level (`debug`, `info`, `warning`, `error`,
/// `fatal`) and the earlier id, as for [`capture`].
#[no_mangle]
pub extern "C" fn message(earlier_ms: f64) -> *const u8 {
    let args = Args::take();
    let (message, level) = (args.str().unwrap_or_default(), args.str());
    let level = level.and_then(Level::parse).unwrap_or(Level::Info);
    let earlier = stamp(args.str(), earlier_ms);
    with_client(|c, js| match earlier {
        Some((id, at)) => c.capture_message_as(js, message, level, id, at),
        None => c.capture_message(js, message, level),
    })
    .map_or(std::ptr::null(), id_out)
}

/// Counts `quantity` events (`messages`: of the `default` category, else `error`) that the glue
/// dropped before they reached the module (its bound on calls kept while the module loaded),
/// as `queue_overflow` in the next client report.
#[no_mangle]
pub extern "C" fn dropped(messages: u32, quantity: u32) {
    let category = if messages != 0 { "default" } else { "error" };
    with_state(|s| s.js.delivery.record_dropped(Reason::QueueOverflow, category, u64::from(quantity)));
}

/// The id and time of a capture made before the module loaded; `None` unless both are valid.
fn stamp(id: Option<&str>, ms: f64) -> Option<(EventId, Timestamp)> {
    let id = EventId::parse(id?)?;
    let at = Timestamp::from_millis_f64(ms);
    (at.0 > 0).then_some((id, at))
}

/// `setUser`: an object with `id`, `email`, `username`, `ip_address` (other keys go to
/// `data`), or null to clear.
#[no_mangle]
pub extern "C" fn set_user(user: Val) {
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

/// `setTag`; the string: its key.
#[no_mangle]
pub extern "C" fn set_tag(value: Val) {
    let args = Args::take();
    let key = args.str().unwrap_or_default();
    let value = match to_value(value, 0) {
        Value::String(s) | Value::Float(s) => s,
        Value::Int(n) => crate::text::decimal_i64(n),
        Value::Bool(b) => if b { "true" } else { "false" }.to_owned(),
        _ => return,
    };
    with_client(|c, _| c.scope_mut().set_tag(key, &value));
}

/// `scope.setLevel` (an unknown level clears it): the level every event of the scope gets.
#[no_mangle]
pub extern "C" fn set_level() {
    let args = Args::take();
    let level = args.str().and_then(Level::parse);
    with_client(|c, _| c.scope_mut().set_level(level));
}

/// `scope.setFingerprint` (empty: the server's own grouping); the strings: a list.
#[no_mangle]
pub extern "C" fn set_fingerprint() {
    let args = Args::take();
    let mut parts = Vec::new();
    for _ in 0..args.count() {
        parts.extend(args.str().map(str::to_owned));
    }
    with_client(|c, _| c.scope_mut().set_fingerprint(parts));
}

/// `setExtra` (undefined removes); the string: its key.
#[no_mangle]
pub extern "C" fn set_extra(value: Val) {
    let args = Args::take();
    let key = args.str().unwrap_or_default();
    let value = (abi::prim(value) != super::classify::P_UNDEFINED).then(|| to_value(value, 0));
    with_client(|c, _| c.scope_mut().set_extra(key, value));
}

/// `setContext` (null removes); the string: its name.
#[no_mangle]
pub extern "C" fn set_context(value: Val) {
    let args = Args::take();
    let name = args.str().unwrap_or_default();
    let fields = match to_value(value, 0) {
        Value::Object(m) => Some(m),
        _ => None,
    };
    with_client(|c, _| c.scope_mut().set_context(name, fields));
}

/// `addBreadcrumb({ type, category, message, level, data })`.
#[no_mangle]
pub extern "C" fn add_breadcrumb(crumb: Val) {
    let now = abi::now();
    let timestamp =
        abi::num(abi::get(crumb, "timestamp")).map(|s| Timestamp::from_millis_f64(s * 1000.0)).unwrap_or(now);
    let data = match to_value(abi::get(crumb, "data"), 1) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let text = |k: &str| super::classify::get_string(crumb, k);
    let crumb = Breadcrumb {
        timestamp,
        ty: text("type"),
        category: text("category"),
        message: text("message").map(|m| crate::text::truncate_chars(&m, crate::limits::MAX_VALUE_CHARS)),
        level: text("level").and_then(|l| Level::parse(&l)),
        data,
    };
    with_client(|c, js| c.add_breadcrumb(js, crumb));
}

/// The page's `request` interface and its `browser`, `os`, `device` and `culture` contexts
/// (an object), as `js/page.js` read them (the user agent and client hints are parsed there:
/// smaller in JavaScript, docs/size.md). Strings: URL, scrubbed query, fragment, user agent.
#[no_mangle]
pub extern "C" fn set_page(contexts: Val) {
    let args = Args::take();
    let (url, query, fragment, user_agent) = (args.string(), args.string(), args.string(), args.string());
    let request = url.map(|url| {
        let mut headers = crate::protocol::SortedMap::new();
        if let Some(ua) = user_agent {
            headers.insert("User-Agent".to_owned(), ua);
        }
        crate::protocol::Request { url: Some(url), method: None, query_string: query, fragment, headers }
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
/// when unknown): strings URL, build id, name. A module from bytes also gives where its code
/// is: its own functions' indices `fn_start..fn_end` and its code section's bytes
/// `code_start..code_end` (empty for a module fetched by URL). `own`: errorbeacon's own module.
#[no_mangle]
pub extern "C" fn register_module(fn_start: u32, fn_end: u32, code_start: u32, code_end: u32, own: u32) {
    let args = Args::take();
    let text = || args.str().unwrap_or_default().to_owned();
    let (url, build_id, name) = (text(), text(), text());
    let code = (code_start < code_end && fn_start < fn_end)
        .then(|| CodeRange { functions: fn_start..fn_end, bytes: u64::from(code_start)..u64::from(code_end) });
    let module = WasmModule { url, build_id, code, name, own: own != 0 };
    with_client(|c, _| c.register_module(module));
}

/// Starts a `withScope`.
#[no_mangle]
pub extern "C" fn push_scope() {
    with_client(|c, _| c.push_scope());
}

/// Ends a `withScope`.
#[no_mangle]
pub extern "C" fn pop_scope() {
    with_client(|c, _| c.pop_scope());
}

/// Where the last captured event's id is (as [`capture`]), or null.
#[no_mangle]
pub extern "C" fn last_event_id() -> *const u8 {
    with_client(|c, _| c.last_event_id()).flatten().map_or(std::ptr::null(), id_out)
}

/// Where envelopes go for this DSN: the envelope URL, the same with query-string auth (for
/// beacons) and X-Sentry-Auth, one per line; -1 without a DSN.
#[no_mangle]
pub extern "C" fn delivery_target() -> i32 {
    let client = ["errorbeacon.javascript/", SDK_VERSION].concat();
    let lines = with_client(|c, _| {
        c.options()
            .dsn
            .as_ref()
            .map(|d| [d.envelope_url(), d.envelope_url_with_auth(&client), d.auth_header(&client)].join("\n"))
    });
    put_out(lines.flatten().as_deref())
}

/// A request ended. `kind`: 0 an HTTP response (`status`; strings `Retry-After` and
/// `X-Sentry-Rate-Limits`), 1 a network error (or a beacon the browser refused), 2 a beacon
/// the browser took. Returns 1 delivered, 2 retrying, 3 dropped, 4 stored offline, 0 unknown.
#[no_mangle]
pub extern "C" fn delivery_done(id: f64, kind: u32, status: u32) -> u32 {
    let args = Args::take();
    let (retry_after, rate_limits) = (args.str(), args.str());
    with_state(|s| {
        let js = &mut s.js;
        let now = abi::now();
        let reply = match kind {
            0 => Reply::Http { status: status as u16, retry_after, rate_limits },
            2 => Reply::Sent,
            _ => Reply::NetworkError,
        };
        let completion = js.delivery.complete(id as u64, reply, now, abi::random());
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
#[no_mangle]
pub extern "C" fn delivery_tick() {
    with_state(|s| {
        s.js.armed = None;
        s.js.pump(abi::now());
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
#[no_mangle]
pub extern "C" fn delivery_hidden() {
    with_state(|s| {
        let now = abi::now();
        queue_report(s, now);
        let requests = s.js.delivery.page_hidden(now);
        s.js.outbox.extend(requests);
        s.js.dirty = true;
    });
}

/// The answer of a `beforeSend` that returned a Promise. Strings: the event id, and the event
/// JSON to send, or none (null, or the Promise rejected) to count a `before_send` drop.
#[cfg(feature = "opt-in")]
#[no_mangle]
pub extern "C" fn deliver_later(is_error: u32) {
    let args = Args::take();
    let Some(id) = args.str().and_then(EventId::parse) else { return };
    let json = args.bytes().map(<[u8]>::to_vec);
    with_client(|c, js| c.send_prepared(js, id, json, is_error != 0));
}

/// An envelope read back from the offline store: bytes, then its event id.
#[cfg(feature = "opt-in")]
#[no_mangle]
pub extern "C" fn delivery_restore() {
    let args = Args::take();
    let Some(body) = args.bytes().map(<[u8]>::to_vec) else { return };
    let Some(id) = args.str().and_then(EventId::parse) else { return };
    with_state(|s| {
        let now = abi::now();
        s.js.delivery.restore(body, id, now);
        s.js.pump(now);
    });
}

/// The network may be back (`online`): the offline store is tried now.
#[cfg(feature = "opt-in")]
#[no_mangle]
pub extern "C" fn delivery_resume() {
    with_state(|s| {
        let now = abi::now();
        s.js.delivery.resume(now);
        s.js.pump(now);
    });
}

/// `flush`: the client report is queued and the offline store is tried now (retries keep
/// their backoff). Returns whether nothing is left to deliver.
#[no_mangle]
pub extern "C" fn delivery_flush() -> bool {
    with_state(|s| {
        let now = abi::now();
        queue_report(s, now);
        s.js.delivery.resume(now);
        s.js.pump(now);
        s.js.delivery.is_idle()
    })
    .unwrap_or(true)
}

/// Whether nothing is queued, waiting for a retry or in flight.
#[no_mangle]
pub extern "C" fn delivery_idle() -> bool {
    with_client(|_, js| js.delivery.is_idle()).unwrap_or(true)
}
