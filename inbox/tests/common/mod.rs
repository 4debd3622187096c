//! Helpers shared by the inbox tests: a fresh database in a temp dir, an app with a clock the
//! test moves, requests through `tower::ServiceExt::oneshot`.
#![allow(dead_code)]

pub mod server;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use errorbeacon_inbox::store::{self, Project};
use errorbeacon_inbox::{app, AppState};
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

/// 2026-11-23T12:00:00Z: tests start at a fixed time.
pub const T0: u64 = 1_795_435_200_000;

/// A unique empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "errorbeacon-inbox-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub struct TestApp {
    pub state: AppState,
    pub project: Project,
    pub clock: Arc<AtomicU64>,
    pub db: PathBuf,
}

impl TestApp {
    pub fn new(rate_limit: Option<u64>) -> TestApp {
        let db = temp_dir("app").join("inbox.sqlite3");
        let conn = store::open_and_migrate(&db).expect("open db");
        let project = store::default_project(&conn, T0).expect("project");
        drop(conn);
        let clock = Arc::new(AtomicU64::new(T0));
        let c = clock.clone();
        let state = AppState::new(
            store::Store::open(&db).expect("store"),
            rate_limit,
            Arc::new(move || c.load(Ordering::SeqCst)),
        );
        TestApp { state, project, clock, db }
    }

    pub fn advance(&self, ms: u64) {
        self.clock.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn auth(&self) -> String {
        format!("Sentry sentry_version=7, sentry_client=test/1, sentry_key={}", self.project.public_key)
    }

    pub fn envelope_url(&self) -> String {
        format!("/api/{}/envelope/", self.project.id)
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let resp: Response = app(self.state.clone()).oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        (status, headers, json)
    }

    /// POSTs an envelope with X-Sentry-Auth.
    pub async fn post_envelope(&self, body: impl Into<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let req = Request::post(self.envelope_url())
            .header("x-sentry-auth", self.auth())
            .header("content-type", "application/x-sentry-envelope")
            .body(body.into())
            .expect("request");
        self.send(req).await
    }

    pub async fn get(&self, path: &str) -> Value {
        let (status, _, json) = self.send(Request::get(path).body(Body::empty()).expect("request")).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {json}");
        json
    }

    pub async fn issues(&self) -> Vec<Value> {
        self.get(&format!("/api/0/projects/{}/issues/", self.project.id)).await.as_array().cloned().unwrap_or_default()
    }

    pub async fn events(&self, issue_id: &str) -> Vec<Value> {
        self.get(&format!("/api/0/issues/{issue_id}/events/")).await.as_array().cloned().unwrap_or_default()
    }

    /// Events stored, counted in the database itself.
    pub fn stored_events(&self) -> i64 {
        let conn = store::open_connection(&self.db).expect("open");
        conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).expect("count")
    }
}

/// An envelope with one event item (with `length`).
pub fn envelope(event: &Value) -> Vec<u8> {
    let payload = serde_json::to_vec(event).expect("json");
    let mut out = Vec::new();
    let id = event.get("event_id").and_then(Value::as_str);
    match id {
        Some(id) => out.extend_from_slice(format!("{{\"event_id\":\"{id}\"}}\n").as_bytes()),
        None => out.extend_from_slice(b"{}\n"),
    }
    out.extend_from_slice(format!("{{\"type\":\"event\",\"length\":{}}}\n", payload.len()).as_bytes());
    out.extend_from_slice(&payload);
    out.push(b'\n');
    out
}

/// A JS error event with frames (function, url), oldest first.
pub fn js_event(event_id: &str, ty: &str, value: &str, frames: &[(&str, &str)], user: Option<Value>) -> Value {
    let frames: Vec<Value> = frames
        .iter()
        .map(|(f, url)| {
            let mut fr =
                serde_json::json!({ "abs_path": url, "filename": url, "lineno": 10, "colno": 5, "in_app": true });
            if !f.is_empty() {
                fr["function"] = Value::from(*f);
            }
            fr
        })
        .collect();
    let mut ev = serde_json::json!({
        "event_id": event_id,
        "platform": "javascript",
        "level": "error",
        "exception": { "values": [ { "type": ty, "value": value, "stacktrace": { "frames": frames } } ] },
    });
    if let Some(u) = user {
        ev["user"] = u;
    }
    ev
}

/// A distinct 32-hex event id per number.
pub fn id(n: u64) -> String {
    format!("{n:032x}")
}
