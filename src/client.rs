//! The capture pipeline, platform-free: a thrown value or message becomes an event, gets the
//! scope, passes the filters, sampling and `beforeSend`, and leaves as an envelope. Everything
//! the host provides (clock, randomness, ids, `RegExp` patterns, callbacks, the network) comes
//! in through [`Platform`], so the whole pipeline runs in host tests.

use crate::capture::{attach_images, message_event, CaptureContext, Thrown, WasmModule};
use crate::delivery::{envelope_of, event_variants, trim_event, FETCH_MAX_BYTES, KEEPALIVE_BYTES};
use crate::dsn::Dsn;
use crate::envelope::envelope_with;
use crate::filter::{self, Dedupe, Pattern, PatternMatcher};
use crate::json;
use crate::protocol::{
    Breadcrumb, ClientReport, ClientSdkInfo, DiscardedEvent, Event, EventId, Level, SdkSettings, Timestamp,
};
use crate::scope::Scope;

/// `init` options the core acts on, with Sentry's names and meanings.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientOptions {
    /// Where events go; `None` disables sending (captures still return ids).
    pub dsn: Option<Dsn>,
    /// `release`.
    pub release: Option<String>,
    /// `environment`, default `production`.
    pub environment: Option<String>,
    /// `dist`.
    pub dist: Option<String>,
    /// `sampleRate`: share of events kept (exceptions and messages alike).
    pub sample_rate: f64,
    /// `maxBreadcrumbs`.
    pub max_breadcrumbs: usize,
    /// `ignoreErrors`.
    pub ignore_errors: Vec<Pattern>,
    /// `denyUrls`.
    pub deny_urls: Vec<Pattern>,
    /// `allowUrls`.
    pub allow_urls: Vec<Pattern>,
    /// `integrations.dedupe`.
    pub dedupe: bool,
    /// `integrations.linkedErrors.limit`.
    pub linked_limit: usize,
    /// Integration names reported in the event's `sdk`.
    pub integrations: Vec<String>,
    /// `sendDefaultPii`: whether the server may infer the user's IP address (`sdk.settings`).
    pub send_default_pii: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            dsn: None,
            release: None,
            environment: Some("production".into()),
            dist: None,
            sample_rate: 1.0,
            max_breadcrumbs: 100,
            ignore_errors: Vec::new(),
            deny_urls: Vec::new(),
            allow_urls: Vec::new(),
            dedupe: true,
            linked_limit: crate::limits::MAX_LINKED_ERRORS,
            integrations: Vec::new(),
            send_default_pii: false,
        }
    }
}

/// What the host provides.
pub trait Platform: PatternMatcher {
    /// The current time.
    fn now(&self) -> Timestamp;
    /// A uniform random number in `[0, 1)`.
    fn random(&mut self) -> f64;
    /// 16 random bytes for an event id.
    fn random_bytes(&mut self) -> [u8; 16];
    /// `beforeSend`, given the event and its JSON: the JSON to send (the same bytes, or the
    /// host's rewrite of them), a drop, or [`BeforeSend::Later`] when the host's callback
    /// answers asynchronously and will hand its answer to [`Client::send_prepared`]. Working
    /// on the JSON lets a JavaScript host hand the event to a JS callback without the wasm
    /// parsing JSON back.
    fn before_send(&mut self, event: &Event, json: Vec<u8>) -> BeforeSend {
        let _ = event;
        BeforeSend::Send(json)
    }
    /// `beforeBreadcrumb`: the breadcrumb to keep, or `None` to drop it.
    fn before_breadcrumb(&mut self, crumb: Breadcrumb) -> Option<Breadcrumb> {
        Some(crumb)
    }
    /// Hands an event's envelope to delivery (which applies its own policy): the bytes (at
    /// most [`FETCH_MAX_BYTES`]), a variant within [`KEEPALIVE_BYTES`] when the bytes are
    /// larger (for keepalive `fetch` and `sendBeacon`), and the event id.
    fn send(&mut self, body: Vec<u8>, small: Option<Vec<u8>>, event_id: Option<EventId>);
}

/// What `beforeSend` decided about an event.
#[derive(Debug, PartialEq, Eq)]
pub enum BeforeSend {
    /// Send this JSON.
    Send(Vec<u8>),
    /// Drop the event (counted as `before_send`).
    Drop,
    /// The host answers later (a JavaScript `beforeSend` returning a Promise), through
    /// [`Client::send_prepared`]; nothing is sent or counted now.
    Later,
}

/// Why an event was not sent, as client reports name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// `ignoreErrors`, URL filters, dedupe: Sentry's `event_processor`.
    EventProcessor,
    /// `sampleRate`.
    SampleRate,
    /// `beforeSend` returned null.
    BeforeSend,
}

impl Outcome {
    fn reason(self) -> &'static str {
        match self {
            Outcome::EventProcessor => "event_processor",
            Outcome::SampleRate => "sample_rate",
            Outcome::BeforeSend => "before_send",
        }
    }
}

/// The client: options, the scope stack, dedupe state and drop counts.
#[derive(Debug)]
pub struct Client {
    options: ClientOptions,
    global: Scope,
    /// `withScope` forks, innermost last.
    forks: Vec<Scope>,
    dedupe: Dedupe,
    last_event_id: Option<EventId>,
    dropped: Vec<(Outcome, &'static str, u64)>,
    /// wasm modules with a build id.
    modules: Vec<WasmModule>,
}

/// Bytes an event envelope has besides its payload (envelope and item headers), with room to
/// spare: a payload this much under a budget fits it without measuring the envelope.
const ENVELOPE_HEADROOM: usize = 1024;

/// wasm modules remembered for debug images; a page rarely loads more than a few.
const MAX_MODULES: usize = 64;

impl Client {
    /// A client with one (global) scope.
    pub fn new(options: ClientOptions) -> Self {
        let global = Scope::new(options.max_breadcrumbs);
        Client {
            options,
            global,
            forks: Vec::new(),
            dedupe: Dedupe::default(),
            last_event_id: None,
            dropped: Vec::new(),
            modules: Vec::new(),
        }
    }

    /// The options.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The current scope (the innermost `withScope`'s, else the global one).
    pub fn scope_mut(&mut self) -> &mut Scope {
        self.forks.last_mut().unwrap_or(&mut self.global)
    }

    /// The current scope.
    pub fn scope(&self) -> &Scope {
        self.forks.last().unwrap_or(&self.global)
    }

    /// The global scope and every open `withScope`'s, outermost first: for what holds whatever
    /// the scope (the page's contexts, which may arrive inside a `withScope`).
    pub fn scopes_mut(&mut self) -> impl Iterator<Item = &mut Scope> {
        std::iter::once(&mut self.global).chain(self.forks.iter_mut())
    }

    /// Starts a `withScope`: a copy of the current scope becomes current.
    pub fn push_scope(&mut self) {
        let fork = self.scope().clone();
        self.forks.push(fork);
    }

    /// Ends a `withScope`; the global scope is never popped.
    pub fn pop_scope(&mut self) {
        self.forks.pop();
    }

    /// Remembers a wasm module, for the debug images of later events (the newest registration of
    /// a URL wins, a module from bytes loaded twice is kept once; the oldest is forgotten past
    /// [`MAX_MODULES`]).
    pub fn register_module(&mut self, module: WasmModule) {
        self.modules.retain(|m| if module.url.is_empty() { *m != module } else { m.url != module.url });
        if self.modules.len() >= MAX_MODULES {
            self.modules.remove(0);
        }
        self.modules.push(module);
    }

    /// The id of the last captured event.
    pub fn last_event_id(&self) -> Option<EventId> {
        self.last_event_id
    }

    /// Adds a breadcrumb to the current scope, through `beforeBreadcrumb`.
    pub fn add_breadcrumb(&mut self, p: &mut dyn Platform, crumb: Breadcrumb) {
        if let Some(crumb) = p.before_breadcrumb(crumb) {
            self.scope_mut().add_breadcrumb(crumb);
        }
    }

    /// Captures a thrown value; returns its event id, whether or not it is sent.
    pub fn capture_thrown(&mut self, p: &mut dyn Platform, thrown: &Thrown, ctx: &CaptureContext) -> EventId {
        let id = EventId::from_random_bytes(p.random_bytes());
        let now = p.now();
        self.capture_thrown_as(p, thrown, ctx, id, now)
    }

    /// [`Client::capture_thrown`] under an id and time chosen earlier: a capture the JS glue
    /// took (and answered with `id`) while the module was still loading.
    pub fn capture_thrown_as(
        &mut self,
        p: &mut dyn Platform,
        thrown: &Thrown,
        ctx: &CaptureContext,
        id: EventId,
        at: Timestamp,
    ) -> EventId {
        let event = crate::capture::event_linking(thrown, ctx, self.options.linked_limit, id, at);
        self.process(p, event)
    }

    /// Captures a message; returns its event id.
    pub fn capture_message(&mut self, p: &mut dyn Platform, message: &str, level: Level) -> EventId {
        let id = EventId::from_random_bytes(p.random_bytes());
        let now = p.now();
        self.capture_message_as(p, message, level, id, now)
    }

    /// [`Client::capture_message`] under an id and time chosen earlier (see
    /// [`Client::capture_thrown_as`]).
    pub fn capture_message_as(
        &mut self,
        p: &mut dyn Platform,
        message: &str,
        level: Level,
        id: EventId,
        at: Timestamp,
    ) -> EventId {
        let event = message_event(message, level, id, at);
        self.process(p, event)
    }

    /// Captures an event the caller built; returns its id.
    pub fn capture_event(&mut self, p: &mut dyn Platform, event: Event) -> EventId {
        self.process(p, event)
    }

    fn process(&mut self, p: &mut dyn Platform, mut event: Event) -> EventId {
        let id = event.event_id;
        self.last_event_id = Some(id);
        let o = &self.options;
        event.release = event.release.or_else(|| o.release.clone());
        event.environment = event.environment.or_else(|| o.environment.clone());
        event.dist = event.dist.or_else(|| o.dist.clone());
        let mut sdk = ClientSdkInfo::errorbeacon();
        sdk.integrations = o.integrations.clone();
        sdk.settings = Some(SdkSettings::for_pii(o.send_default_pii));
        event.sdk = Some(sdk);
        self.scope().apply_to(&mut event);
        attach_images(&mut event, &self.modules);
        let filtered = filter::is_ignored(&event, &self.options.ignore_errors, p)
            || !filter::url_allowed(&event, &self.options.deny_urls, &self.options.allow_urls, p)
            || (self.options.dedupe && self.dedupe.is_duplicate(&event));
        if filtered {
            self.record(Outcome::EventProcessor, &event);
            return id;
        }
        // Every error-category event, messages included, as Sentry's SDKs apply `sampleRate`.
        if !filter::sampled(self.options.sample_rate, p.random()) {
            self.record(Outcome::SampleRate, &event);
            return id;
        }
        // Made here, not kept from `new`: a Rust app that only reports panics makes a client
        // but never an event, and should not carry this code (bench/rust-app).
        let dsn_text = self.options.dsn.as_ref().map(Dsn::to_text);
        let dsn = dsn_text.as_deref();
        let now = p.now();
        let mut payload = json::to_vec(&event);
        // An event too big for every channel is trimmed to what a plain `fetch` takes before
        // `beforeSend` sees it; one too big for the keepalive channels (page hide, navigation)
        // also gets a smaller variant, made only when `beforeSend` left it as it was. The
        // common case is written once and not copied.
        let big = payload.len() + ENVELOPE_HEADROOM > KEEPALIVE_BYTES;
        if payload.len() + ENVELOPE_HEADROOM > FETCH_MAX_BYTES {
            trim_event(&mut event, FETCH_MAX_BYTES - ENVELOPE_HEADROOM);
            payload = json::to_vec(&event);
        }
        let kept = big.then(|| payload.clone());
        let payload = match p.before_send(&event, payload) {
            BeforeSend::Send(payload) => payload,
            BeforeSend::Drop => {
                self.record(Outcome::BeforeSend, &event);
                return id;
            }
            BeforeSend::Later => return id,
        };
        if dsn.is_some() {
            if kept.is_some_and(|k| k == payload) {
                let v = event_variants(event, dsn, now, FETCH_MAX_BYTES, KEEPALIVE_BYTES);
                p.send(v.body, v.small, Some(id));
            } else {
                p.send(envelope_of(&event, dsn, now, &payload), None, Some(id));
            }
        }
        id
    }

    /// Sends (or, for `None`, counts as dropped by `beforeSend`) an event whose
    /// `beforeSend` answered after [`Client::process`] returned: `json` is the event as the
    /// callback returned it, `is_error` whether it was an error event (its rate-limit and
    /// client-report category).
    pub fn send_prepared(&mut self, p: &mut dyn Platform, id: EventId, json: Option<Vec<u8>>, is_error: bool) {
        let category = if is_error { "error" } else { "default" };
        let Some(json) = json else {
            self.count(Outcome::BeforeSend, category);
            return;
        };
        let Some(dsn) = self.options.dsn.as_ref().map(Dsn::to_text) else { return };
        let sdk = ClientSdkInfo::errorbeacon();
        p.send(envelope_with(Some(&id), &p.now(), Some(&dsn), &sdk, "event", &json), None, Some(id));
    }

    fn record(&mut self, outcome: Outcome, event: &Event) {
        self.count(outcome, category(event));
    }

    fn count(&mut self, outcome: Outcome, category: &'static str) {
        match self.dropped.iter_mut().find(|(o, c, _)| *o == outcome && *c == category) {
            Some((_, _, n)) => *n += 1,
            None => self.dropped.push((outcome, category, 1)),
        }
    }

    /// The drops counted since the last report, as a client report (and resets the counts);
    /// `None` when nothing was dropped.
    pub fn take_client_report(&mut self, now: Timestamp) -> Option<ClientReport> {
        if self.dropped.is_empty() {
            return None;
        }
        let mut discarded_events = Vec::with_capacity(self.dropped.len());
        for (o, category, quantity) in self.dropped.drain(..) {
            discarded_events.push(DiscardedEvent { reason: o.reason().into(), category: category.into(), quantity });
        }
        Some(ClientReport { timestamp: now, discarded_events })
    }
}

/// The rate-limit and client-report category of an event: `error` for exceptions, `default`
/// for messages (Sentry's data categories).
fn category(event: &Event) -> &'static str {
    if event.exception.is_some() {
        "error"
    } else {
        "default"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{ErrorLike, Primitive};
    use crate::envelope::Envelope;
    use crate::protocol::User;

    #[derive(Default)]
    struct Fake {
        t: u64,
        rand: Vec<f64>,
        sent: Vec<Envelope>,
        small: Vec<Option<Vec<u8>>>,
        drop_all: bool,
        rewrite: bool,
        later: bool,
        held: Vec<Vec<u8>>,
        crumbs_seen: usize,
    }

    impl PatternMatcher for Fake {
        fn matches(&self, id: u32, text: &str) -> bool {
            id == 1 && text.contains("noise")
        }
    }

    impl Platform for Fake {
        fn now(&self) -> Timestamp {
            Timestamp(self.t)
        }
        fn random(&mut self) -> f64 {
            self.rand.pop().unwrap_or(0.0)
        }
        fn random_bytes(&mut self) -> [u8; 16] {
            self.t += 1;
            [self.t as u8; 16]
        }
        fn before_send(&mut self, _: &Event, mut json: Vec<u8>) -> BeforeSend {
            if self.later {
                self.held.push(json);
                return BeforeSend::Later;
            }
            if self.rewrite {
                json.push(b' ');
            }
            if self.drop_all {
                BeforeSend::Drop
            } else {
                BeforeSend::Send(json)
            }
        }
        fn before_breadcrumb(&mut self, crumb: Breadcrumb) -> Option<Breadcrumb> {
            self.crumbs_seen += 1;
            (crumb.category.as_deref() != Some("secret")).then_some(crumb)
        }
        fn send(&mut self, body: Vec<u8>, small: Option<Vec<u8>>, event_id: Option<EventId>) {
            let envelope = Envelope::parse(&body).expect("the client writes valid envelopes");
            assert_eq!(envelope.headers.event_id, event_id);
            self.sent.push(envelope);
            self.small.push(small);
        }
    }

    fn options() -> ClientOptions {
        ClientOptions { dsn: "https://k@h/1".parse().ok(), release: Some("shop@1.0".into()), ..Default::default() }
    }

    fn err(message: &str) -> Thrown {
        Thrown::Error(ErrorLike { name: Some("Error".into()), message: Some(message.into()), ..Default::default() })
    }

    fn sent_events(p: &Fake) -> Vec<Event> {
        p.sent.iter().filter_map(|e| e.items.first()).filter_map(|i| serde_json::from_slice(&i.payload).ok()).collect()
    }

    #[test]
    fn a_before_send_answering_later_sends_its_answer_or_counts_the_drop() {
        let mut p = Fake { later: true, ..Default::default() };
        let mut c = Client::new(options());
        let error = c.capture_thrown(&mut p, &err("boom"), &CaptureContext::default());
        let message = c.capture_message(&mut p, "hello", Level::Info);
        assert!(p.sent.is_empty(), "nothing leaves before the answers");
        assert_eq!(p.held.len(), 2);
        assert_eq!(c.take_client_report(Timestamp::from_millis_f64(0.0)), None, "nothing counted yet");

        let mut rewritten: Event = serde_json::from_slice(&p.held[0]).expect("event JSON");
        rewritten.user = Some(User { id: Some("scrubbed".into()), ..Default::default() });
        let json = serde_json::to_vec(&rewritten).expect("json");
        c.send_prepared(&mut p, error, Some(json.clone()), true);
        c.send_prepared(&mut p, message, None, false);

        assert_eq!(p.sent.len(), 1);
        assert_eq!(p.sent[0].headers.event_id, Some(error));
        assert!(p.sent[0].headers.dsn.is_some() && p.sent[0].headers.sdk.is_some());
        assert_eq!(p.sent[0].items[0].ty, "event");
        assert_eq!(p.sent[0].items[0].payload, json);
        let report = c.take_client_report(Timestamp::from_millis_f64(0.0)).expect("a report");
        let got: Vec<_> =
            report.discarded_events.iter().map(|d| (d.reason.as_str(), d.category.as_str(), d.quantity)).collect();
        assert_eq!(got, [("before_send", "default", 1)]);
    }

    #[test]
    fn captures_apply_options_scope_and_send() {
        let mut p = Fake::default();
        let mut c = Client::new(options());
        c.scope_mut().set_user(Some(User { id: Some("u1".into()), ..Default::default() }));
        c.add_breadcrumb(&mut p, Breadcrumb { category: Some("ui.click".into()), ..Default::default() });
        c.add_breadcrumb(&mut p, Breadcrumb { category: Some("secret".into()), ..Default::default() });
        let id = c.capture_thrown(&mut p, &err("boom"), &CaptureContext::default());
        assert_eq!(c.last_event_id(), Some(id));
        let events = sent_events(&p);
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(e.event_id, id);
        assert_eq!(e.release.as_deref(), Some("shop@1.0"));
        assert_eq!(e.environment.as_deref(), Some("production"));
        assert_eq!(e.user.as_ref().and_then(|u| u.id.as_deref()), Some("u1"));
        assert_eq!(e.breadcrumbs.as_ref().map(|b| b.values.len()), Some(1));
        assert_eq!(p.crumbs_seen, 2);
        assert_eq!(p.sent[0].headers.event_id, Some(id));
        // Without sendDefaultPii the server must not take the user's IP from the request.
        assert_eq!(e.sdk.as_ref().and_then(|s| s.settings.as_ref()).map(|s| s.infer_ip.as_str()), Some("never"));
        let mut pii = Client::new(ClientOptions { send_default_pii: true, ..options() });
        let mut q = Fake::default();
        pii.capture_message(&mut q, "with pii", Level::Info);
        let e = &sent_events(&q)[0];
        assert_eq!(e.sdk.as_ref().and_then(|s| s.settings.as_ref()).map(|s| s.infer_ip.as_str()), Some("auto"));
    }

    #[test]
    fn a_capture_made_earlier_keeps_its_id_and_time() {
        let mut p = Fake::default();
        let mut c = Client::new(options());
        let (thrown, said) = (EventId([7; 16]), EventId([9; 16]));
        c.capture_thrown_as(&mut p, &err("while loading"), &CaptureContext::default(), thrown, Timestamp(1_000));
        c.capture_message_as(&mut p, "also", Level::Warning, said, Timestamp(2_000));
        assert_eq!(c.last_event_id(), Some(said));
        let events = sent_events(&p);
        let got: Vec<_> = events.iter().map(|e| (e.event_id, e.timestamp, e.level)).collect();
        assert_eq!(
            got,
            [(thrown, Timestamp(1_000), Some(Level::Error)), (said, Timestamp(2_000), Some(Level::Warning))]
        );
        assert_eq!(p.sent[0].headers.event_id, Some(thrown));
    }

    #[test]
    fn with_scope_data_stays_inside() {
        let mut p = Fake::default();
        let mut c = Client::new(options());
        c.push_scope();
        c.scope_mut().set_tag("inner", "1");
        c.capture_message(&mut p, "a", Level::Info);
        c.pop_scope();
        c.pop_scope();
        c.capture_message(&mut p, "b", Level::Info);
        let events = sent_events(&p);
        assert_eq!(events[0].tags.get("inner").map(String::as_str), Some("1"));
        assert!(events[1].tags.is_empty());
    }

    #[test]
    fn what_every_scope_gets_outlives_the_with_scope_it_was_set_in() {
        let mut p = Fake::default();
        let mut c = Client::new(options());
        c.push_scope();
        c.push_scope();
        for scope in c.scopes_mut() {
            scope.set_tag("page", "1");
        }
        c.capture_message(&mut p, "inside", Level::Info);
        c.pop_scope();
        c.pop_scope();
        c.capture_message(&mut p, "after", Level::Info);
        let events = sent_events(&p);
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(|e| e.tags.get("page").map(String::as_str) == Some("1")));
    }

    #[test]
    fn sample_rate_zero_sends_no_exception_and_no_message_and_counts_both() {
        let mut p = Fake { rand: vec![0.0, 0.0], ..Default::default() };
        let mut c = Client::new(ClientOptions { sample_rate: 0.0, ..options() });
        c.capture_thrown(&mut p, &err("sampled out"), &CaptureContext::default());
        c.capture_message(&mut p, "also sampled out", Level::Warning);
        assert!(sent_events(&p).is_empty());
        let report = c.take_client_report(Timestamp(9)).expect("report");
        let mut got: Vec<_> =
            report.discarded_events.iter().map(|d| (d.reason.as_str(), d.category.as_str(), d.quantity)).collect();
        got.sort();
        assert_eq!(got, [("sample_rate", "default", 1), ("sample_rate", "error", 1)]);
    }

    #[test]
    fn drops_are_counted_by_reason_and_category() {
        let mut p = Fake { rand: vec![0.9], ..Default::default() };
        let mut c =
            Client::new(ClientOptions { ignore_errors: vec![Pattern::External(1)], sample_rate: 0.5, ..options() });
        c.capture_thrown(&mut p, &err("noise here"), &CaptureContext::default());
        c.capture_thrown(&mut p, &err("sampled out"), &CaptureContext::default());
        c.capture_thrown(&mut p, &err("kept"), &CaptureContext::default());
        c.capture_thrown(&mut p, &err("kept"), &CaptureContext::default());
        p.drop_all = true;
        c.capture_message(&mut p, "dropped by beforeSend", Level::Info);
        assert_eq!(sent_events(&p).len(), 1);
        let report = c.take_client_report(Timestamp(9)).expect("report");
        let mut got: Vec<_> =
            report.discarded_events.iter().map(|d| (d.reason.as_str(), d.category.as_str(), d.quantity)).collect();
        got.sort();
        assert_eq!(got, [("before_send", "default", 1), ("event_processor", "error", 2), ("sample_rate", "error", 1)]);
        assert!(c.take_client_report(Timestamp(10)).is_none());
    }

    #[test]
    fn without_dsn_nothing_is_sent_but_ids_are_returned() {
        let mut p = Fake::default();
        let mut c = Client::new(ClientOptions::default());
        let id = c.capture_thrown(&mut p, &Thrown::Primitive(Primitive::Null), &CaptureContext::default());
        assert_eq!(id.to_string().len(), 32);
        assert!(p.sent.is_empty());
    }

    #[test]
    fn big_events_are_trimmed_with_a_keepalive_variant_unless_before_send_rewrote_them() {
        let mut c = Client::new(options());
        let mut p = Fake::default();
        for i in 0..100 {
            let crumb = Breadcrumb { message: Some(format!("crumb {i} {}", "y".repeat(2000))), ..Default::default() };
            c.add_breadcrumb(&mut p, crumb);
        }
        let huge = "x".repeat(5_000_000);
        c.capture_thrown(&mut p, &err(&huge), &CaptureContext::default());
        let body = p.sent[0].to_bytes();
        assert!(body.len() <= FETCH_MAX_BYTES && body.len() > KEEPALIVE_BYTES, "{}", body.len());
        let small = p.small[0].clone().expect("a keepalive variant");
        assert!(small.len() <= KEEPALIVE_BYTES, "{}", small.len());
        let e: Event = serde_json::from_slice(&Envelope::parse(&small).expect("small").items[0].payload).expect("json");
        assert_eq!(e.exception.as_ref().map(|x| x.values[0].ty.as_deref()), Some(Some("Error")));

        // Small events: one envelope, no variant.
        let mut fresh = Client::new(options());
        fresh.capture_message(&mut p, "small", Level::Info);
        assert!(p.small[1].is_none());

        // beforeSend changed the big event: sent as it came back, without a variant.
        let mut p = Fake { rewrite: true, ..Default::default() };
        c.capture_thrown(&mut p, &err(&["another ", &huge].concat()), &CaptureContext::default());
        assert!(p.small[0].is_none());
        assert!(p.sent[0].to_bytes().len() <= FETCH_MAX_BYTES + 1);
    }
}
