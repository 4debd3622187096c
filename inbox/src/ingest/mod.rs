//! Ingest: `POST /api/<project_id>/envelope/` and `/api/<project_id>/store/`, answered as
//! Sentry answers them.
//!
//! | answer | when |
//! | --- | --- |
//! | 200 `{"id": "<event id>"}` | the envelope's events are committed (`{}` when it had none) |
//! | 400 | malformed: project id, compression, envelope framing, event JSON |
//! | 401 | no key in `X-Sentry-Auth`, `Authorization`, `?sentry_key=` or the envelope's `dsn` |
//! | 403 | a key that is not this project's, or a `dsn` naming another project |
//! | 413 | body, decompressed body or event larger than [`crate::limits`] allows |
//! | 415 | a `Content-Encoding` other than gzip, deflate, br |
//! | 429 | over the project's events-per-minute quota (`Retry-After`, `X-Sentry-Rate-Limits`) |
//!
//! Nothing is stored unless the whole request is accepted.

// Public for the fuzz targets (fuzz/fuzz_targets/inbox.rs).
pub mod auth;
pub mod body;
pub mod ratelimit;

pub use auth::{key_from_auth, key_from_query};

use crate::error::ApiError;
use crate::limits::{MAX_EVENTS_PER_ENVELOPE, MAX_EVENT_BYTES};
use crate::normalize;
use crate::state::AppState;
use crate::store::{codec, EventRecord, Outcome};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use errorbeacon::{Dsn, Envelope};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Adds the CORS headers Sentry's ingest sends, so that pages on any origin can report.
pub async fn cors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let preflight = req.method() == Method::OPTIONS;
    let mut resp = if preflight { StatusCode::OK.into_response() } else { next.run(req).await };
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("x-sentry-error, x-sentry-rate-limits, retry-after"),
    );
    if preflight {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(
                "x-sentry-auth, x-requested-with, origin, accept, content-type, content-encoding, \
                 authentication, authorization, sentry-trace, baggage",
            ),
        );
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("3600"));
    }
    resp
}

fn parse_project_id(s: &str) -> Result<u64, ApiError> {
    s.parse::<u64>().map_err(|_| ApiError::bad_request(format!("project id {s:?} in the url is not a number")))
}

/// Checks that `key` is the project's key.
async fn check_key(state: &AppState, project_id: u64, key: &str) -> Result<(), ApiError> {
    match state.project_key(project_id).await? {
        Some(k) if k == key => Ok(()),
        Some(_) => {
            Err(ApiError::new(StatusCode::FORBIDDEN, format!("sentry_key is not a key of project {project_id}")))
        }
        None => Err(ApiError::new(StatusCode::FORBIDDEN, format!("project {project_id} does not exist"))),
    }
}

fn missing_auth() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "missing authorization: no sentry_key in X-Sentry-Auth, in the query string or in the envelope header's dsn",
    )
}

/// Reads, bounds and decompresses a body.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<bytes::Bytes, ApiError> {
    let encoding = body::encoding(headers)?;
    let raw = body::read(headers, body).await?;
    body::decompress(encoding, raw)
}

/// `POST /api/{project_id}/envelope/`.
pub async fn envelope_post(
    State(state): State<AppState>,
    Path(project): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let project_id = parse_project_id(&project)?;
    let key = auth::key_from_headers(&headers).or_else(|| auth::key_from_query(query.as_deref()));
    if let Some(k) = &key {
        check_key(&state, project_id, k).await?;
    }
    let bytes = read_body(&headers, body).await?;
    let envelope = Envelope::parse(&bytes).map_err(|e| ApiError::bad_request(format!("invalid envelope: {e}")))?;
    if key.is_none() {
        let dsn = envelope.headers.dsn.as_deref().ok_or_else(missing_auth)?;
        let dsn: Dsn = dsn.parse().map_err(|e: errorbeacon::DsnError| {
            ApiError::new(StatusCode::UNAUTHORIZED, format!("envelope header dsn is invalid: {e}"))
        })?;
        if dsn.project_id() != project.as_str() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("envelope header dsn is for project {}, not {project_id}", dsn.project_id()),
            ));
        }
        check_key(&state, project_id, dsn.public_key()).await?;
    }
    let now = state.now_ms();
    let header_id = envelope.headers.event_id.map(|id| id.to_hex());
    let mut events = Vec::new();
    let mut counts: BTreeMap<(&'static str, String), u64> = BTreeMap::new();
    for (i, item) in envelope.items.into_iter().enumerate() {
        *counts.entry(("item", item.ty.clone())).or_default() += 1;
        match item.ty.as_str() {
            "event" => {
                if events.len() >= MAX_EVENTS_PER_ENVELOPE {
                    continue;
                }
                let id_hint = if events.is_empty() { header_id.clone() } else { None };
                events.push(event_record(&state, item.payload, id_hint, now).map_err(|e| e.at_item(i))?);
            }
            "client_report" => client_report(&item.payload, &mut counts),
            "session" => session(&item.payload, &mut counts),
            "sessions" => sessions(&item.payload, &mut counts),
            // transactions, attachments, replays, profiles, check-ins, …: accepted, counted, not kept.
            _ => {}
        }
    }
    let outcomes = counts.into_iter().map(|((source, key), quantity)| Outcome { source, key, quantity }).collect();
    store(&state, project_id, events, outcomes, now).await
}

/// `POST /api/{project_id}/store/`: one event as the body.
pub async fn store_post(
    State(state): State<AppState>,
    Path(project): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let project_id = parse_project_id(&project)?;
    let key =
        auth::key_from_headers(&headers).or_else(|| auth::key_from_query(query.as_deref())).ok_or_else(missing_auth)?;
    check_key(&state, project_id, &key).await?;
    let bytes = read_body(&headers, body).await?;
    let now = state.now_ms();
    let event = event_record(&state, bytes.to_vec(), None, now).map_err(ItemError::into_api)?;
    let outcomes = vec![Outcome { source: "item", key: "event".into(), quantity: 1 }];
    store(&state, project_id, vec![event], outcomes, now).await
}

async fn store(
    state: &AppState,
    project_id: u64,
    events: Vec<EventRecord>,
    outcomes: Vec<Outcome>,
    now: u64,
) -> Result<Response, ApiError> {
    if let Err(secs) = state.rate.take(project_id, events.len() as u64, now) {
        let limit = state.rate.per_minute().unwrap_or(0);
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("project {project_id} is over its quota of {limit} events per minute"),
        );
        e.retry_after = Some(secs);
        return Err(e);
    }
    let first_id = events.first().map(|e| e.event_id.clone());
    state.store.write(project_id, events, outcomes).await.map_err(ApiError::internal)?;
    state.notify();
    let body = match first_id {
        Some(id) => serde_json::json!({ "id": id }),
        None => serde_json::json!({}),
    };
    Ok(axum::Json(body).into_response())
}

/// Why an event payload was refused.
enum ItemError {
    TooLarge(usize),
    NotAnEvent(normalize::NotAnEvent),
}

impl ItemError {
    fn into_api(self) -> ApiError {
        match self {
            ItemError::TooLarge(n) => {
                ApiError::too_large(format!("event of {n} bytes is larger than {MAX_EVENT_BYTES} bytes"))
            }
            ItemError::NotAnEvent(e) => ApiError::bad_request(e.to_string()),
        }
    }

    fn at_item(self, i: usize) -> ApiError {
        let mut e = self.into_api();
        e.message = format!("item {i}: {}", e.message);
        e
    }
}

fn event_record(
    state: &AppState,
    payload: Vec<u8>,
    id_hint: Option<String>,
    now: u64,
) -> Result<EventRecord, ItemError> {
    if payload.len() > MAX_EVENT_BYTES {
        return Err(ItemError::TooLarge(payload.len()));
    }
    let ev = normalize::normalize(&payload).map_err(ItemError::NotAnEvent)?;
    let (raw, raw_codec) = codec::pack(&payload);
    let grouping = ev.grouping();
    let exception = ev.exceptions.last();
    let errors = (!ev.errors.is_empty()).then(|| serde_json::Value::Array(ev.errors.clone()).to_string());
    Ok(EventRecord {
        event_id: ev.event_id.clone().or(id_hint).unwrap_or_else(|| state.new_event_id()),
        received_ms: now,
        timestamp_ms: ev.timestamp_ms.unwrap_or(now),
        level: ev.level.clone(),
        title: ev.title(),
        culprit: ev.culprit(),
        exception_type: exception.and_then(|e| e.ty.clone()),
        exception_value: exception.and_then(|e| e.value.clone()),
        hash: grouping.hash,
        basis: grouping.basis.as_str(),
        components: serde_json::Value::from(grouping.components).to_string(),
        user_key: ev.user.key(),
        release: ev.release.clone(),
        environment: ev.environment.clone(),
        errors,
        raw,
        raw_codec,
    })
}

#[derive(Deserialize)]
struct ClientReport {
    #[serde(default)]
    discarded_events: Vec<Discarded>,
}

#[derive(Deserialize)]
struct Discarded {
    reason: Option<String>,
    category: Option<String>,
    quantity: Option<u64>,
}

/// Client reports: what the SDK dropped and why, summed by `reason:category`. A malformed
/// report is counted as an item only.
fn client_report(payload: &[u8], counts: &mut BTreeMap<(&'static str, String), u64>) {
    let Ok(report) = serde_json::from_slice::<ClientReport>(payload) else { return };
    for d in report.discarded_events {
        let key =
            format!("{}:{}", d.reason.as_deref().unwrap_or("unknown"), d.category.as_deref().unwrap_or("unknown"));
        let e = counts.entry(("client_report", key)).or_default();
        *e = e.saturating_add(d.quantity.unwrap_or(1));
    }
}

/// A session update, counted by its status.
fn session(payload: &[u8], counts: &mut BTreeMap<(&'static str, String), u64>) {
    #[derive(Deserialize)]
    struct Session {
        status: Option<String>,
    }
    let Ok(s) = serde_json::from_slice::<Session>(payload) else { return };
    *counts.entry(("session", s.status.unwrap_or_else(|| "ok".into()))).or_default() += 1;
}

/// Session aggregates (`sessions` items), counted by status.
fn sessions(payload: &[u8], counts: &mut BTreeMap<(&'static str, String), u64>) {
    #[derive(Deserialize)]
    struct Aggregates {
        #[serde(default)]
        aggregates: Vec<BTreeMap<String, serde_json::Value>>,
    }
    let Ok(a) = serde_json::from_slice::<Aggregates>(payload) else { return };
    for group in a.aggregates {
        for status in ["exited", "errored", "crashed", "abnormal"] {
            if let Some(n) = group.get(status).and_then(serde_json::Value::as_u64).filter(|n| *n > 0) {
                let e = counts.entry(("session", status.to_owned())).or_default();
                *e = e.saturating_add(n);
            }
        }
    }
}
