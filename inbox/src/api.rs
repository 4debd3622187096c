//! The JSON API of API.md §4, with Sentry's field names (ids and `count` are strings, as in
//! Sentry's API; `userCount` is a number).
//!
//! - `GET /api/0/projects/` → projects with their DSN.
//! - `GET /api/0/projects/{project_id}/issues/?query=&status=&limit=` → issues, newest
//!   `lastSeen` first.
//! - `GET /api/0/issues/{issue_id}/` → one issue with its hourly and daily counts, releases
//!   and environments.
//! - `PUT /api/0/issues/{issue_id}/` with `{"status": "resolved" | "unresolved" | "ignored"}`.
//! - `GET /api/0/issues/{issue_id}/events/?limit=` → the issue's events, newest first, each
//!   the stored event JSON with `errors` from normalization.
//! - `GET /api/0/projects/{project_id}/outcomes/` → counts of client reports, sessions and
//!   items by type.
//!
//! There is no authentication: the server listens on loopback by default, and whoever can
//! reach it there can read the database file too.

use crate::error::ApiError;
use crate::limits::MAX_LIST;
use crate::state::AppState;
use crate::store::read::{self, EventRow, IssueQuery};
use crate::store::IssueRow;
use axum::extract::{Path, Query, State};
use axum::Json;
use errorbeacon::Timestamp;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// RFC 3339 in UTC with milliseconds.
pub fn iso(ms: u64) -> String {
    Timestamp(ms).to_string()
}

fn parse_id(s: &str, what: &str) -> Result<u64, ApiError> {
    s.parse::<u64>().map_err(|_| ApiError::bad_request(format!("{what} {s:?} is not a number")))
}

fn db(e: crate::store::StoreError) -> ApiError {
    ApiError::internal(e.to_string())
}

/// An issue as Sentry's API writes it.
pub fn issue_json(i: &IssueRow) -> Value {
    json!({
        "id": i.id.to_string(),
        "shortId": format!("ISSUE-{}", i.id),
        "title": i.title,
        "culprit": i.culprit,
        "level": i.level,
        "status": i.status,
        "substatus": if i.status == "unresolved" { if i.regressed { "regressed" } else { "ongoing" } } else { i.status.as_str() },
        "count": i.count.to_string(),
        "userCount": i.user_count,
        "firstSeen": iso(i.first_seen_ms),
        "lastSeen": iso(i.last_seen_ms),
        "project": { "id": i.project_id.to_string() },
        "type": if i.exception_type.is_some() { "error" } else { "default" },
        "metadata": { "type": i.exception_type, "value": i.exception_value, "title": i.title },
        "grouping": { "basis": i.basis, "components": serde_json::from_str::<Value>(&i.components).unwrap_or(Value::Null) },
    })
}

/// Removes the value at a dotted path (`exception.values.0.stacktrace.frames.3.lineno`).
fn remove_path(v: &mut Value, path: &str) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut cur = v;
    for p in parts {
        let next = match cur {
            Value::Object(m) => m.get_mut(p),
            Value::Array(a) => p.parse::<usize>().ok().and_then(move |i| a.get_mut(i)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match cur {
        Value::Object(m) => {
            m.remove(last);
        }
        // An invalid array element becomes null, so that the indices of the others hold.
        Value::Array(a) => {
            if let Some(slot) = last.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                *slot = Value::Null;
            }
        }
        _ => {}
    }
}

/// The stored event as JSON: the payload as received, minus the fields normalization
/// dropped, plus `errors` and the normalized id, level and times.
pub fn event_json(e: &EventRow) -> Value {
    let mut v: Value = serde_json::from_slice(&e.raw).unwrap_or_else(|_| Value::Object(Map::new()));
    let errors: Vec<Value> = e.errors.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
    for err in &errors {
        if let Some(name) = err.get("name").and_then(Value::as_str) {
            remove_path(&mut v, name);
        }
    }
    if let Value::Object(m) = &mut v {
        m.insert("event_id".into(), json!(e.event_id));
        m.insert("level".into(), json!(e.level));
        m.insert("id".into(), json!(e.event_id));
        m.insert("eventID".into(), json!(e.event_id));
        m.insert("groupID".into(), json!(e.issue_id.to_string()));
        m.insert("title".into(), json!(e.title));
        m.insert("dateCreated".into(), json!(iso(e.timestamp_ms)));
        m.insert("dateReceived".into(), json!(iso(e.received_ms)));
        if !errors.is_empty() {
            m.insert("errors".into(), Value::Array(errors));
        }
    }
    v
}

/// `GET /api/0/projects/`.
pub async fn projects_get(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let projects = state.store.reads.run(read::projects).await.map_err(db)?;
    let host = state.public_host();
    Ok(Json(Value::Array(
        projects
            .iter()
            .map(|p| json!({ "id": p.id.to_string(), "name": p.name, "slug": p.name, "dsn": p.dsn(&host) }))
            .collect(),
    )))
}

/// Query parameters of the issue list.
#[derive(Deserialize, Default)]
pub struct IssueParams {
    /// Substring of title or culprit.
    pub query: Option<String>,
    /// `unresolved`, `resolved`, `ignored`.
    pub status: Option<String>,
    /// At most this many (≤ 100).
    pub limit: Option<u32>,
}

/// `GET /api/0/projects/{project_id}/issues/`.
pub async fn issues_get(
    State(state): State<AppState>,
    Path(project): Path<String>,
    Query(p): Query<IssueParams>,
) -> Result<Json<Value>, ApiError> {
    let project_id = parse_id(&project, "project id")?;
    let q = IssueQuery {
        status: p.status.filter(|s| !s.is_empty()),
        search: p.query.filter(|s| !s.trim().is_empty()),
        limit: p.limit.unwrap_or(MAX_LIST).clamp(1, MAX_LIST),
        ..Default::default()
    };
    let exists = state.store.reads.run(move |c| read::project(c, project_id)).await.map_err(db)?;
    if exists.is_none() {
        return Err(ApiError::not_found(format!("project {project_id} does not exist")));
    }
    let rows = state.store.reads.run(move |c| read::issues(c, project_id, &q)).await.map_err(db)?;
    Ok(Json(Value::Array(rows.iter().map(issue_json).collect())))
}

/// `GET /api/0/issues/{issue_id}/`: the issue, its hourly counts of the last 24 hours and
/// daily counts of the last 30 days, releases and environments.
pub async fn issue_get(State(state): State<AppState>, Path(issue): Path<String>) -> Result<Json<Value>, ApiError> {
    let issue_id = parse_id(&issue, "issue id")?;
    let now = state.now_ms();
    let detail = state
        .store
        .reads
        .run(move |c| {
            let Some(row) = read::issue(c, issue_id)? else { return Ok(None) };
            let hours = read::buckets(c, issue_id, "hour", now.saturating_sub(24 * 3_600_000))?;
            let days = read::buckets(c, issue_id, "day", now.saturating_sub(30 * 86_400_000))?;
            let releases = read::values(c, issue_id, "release")?;
            let environments = read::values(c, issue_id, "environment")?;
            Ok(Some((row, hours, days, releases, environments)))
        })
        .await
        .map_err(db)?;
    let Some((row, hours, days, releases, environments)) = detail else {
        return Err(ApiError::not_found(format!("issue {issue_id} does not exist")));
    };
    let mut v = issue_json(&row);
    if let Value::Object(m) = &mut v {
        let pairs = |b: &[(u64, u64)]| Value::Array(b.iter().map(|(t, n)| json!([t / 1000, n])).collect());
        m.insert("stats".into(), json!({ "24h": pairs(&hours), "30d": pairs(&days) }));
        let vals =
            |b: &[(String, u64)]| Value::Array(b.iter().map(|(v, n)| json!({ "value": v, "count": n })).collect());
        m.insert("releases".into(), vals(&releases));
        m.insert("environments".into(), vals(&environments));
    }
    Ok(Json(v))
}

/// The body of `PUT /api/0/issues/{issue_id}/`.
#[derive(Deserialize)]
pub struct IssueUpdate {
    /// The new status.
    pub status: String,
}

/// `PUT /api/0/issues/{issue_id}/`.
pub async fn issue_put(
    State(state): State<AppState>,
    Path(issue): Path<String>,
    Json(update): Json<IssueUpdate>,
) -> Result<Json<Value>, ApiError> {
    let issue_id = parse_id(&issue, "issue id")?;
    let status: &'static str = match update.status.as_str() {
        "resolved" => "resolved",
        "unresolved" => "unresolved",
        "ignored" => "ignored",
        other => return Err(ApiError::bad_request(format!("status {other:?} is not resolved, unresolved or ignored"))),
    };
    if !state.store.set_status(issue_id, status).await.map_err(ApiError::internal)? {
        return Err(ApiError::not_found(format!("issue {issue_id} does not exist")));
    }
    state.notify();
    Ok(Json(json!({ "status": status })))
}

/// Query parameters of the event list.
#[derive(Deserialize, Default)]
pub struct EventParams {
    /// At most this many (≤ 100).
    pub limit: Option<u32>,
}

/// `GET /api/0/issues/{issue_id}/events/`.
pub async fn events_get(
    State(state): State<AppState>,
    Path(issue): Path<String>,
    Query(p): Query<EventParams>,
) -> Result<Json<Value>, ApiError> {
    let issue_id = parse_id(&issue, "issue id")?;
    let limit = p.limit.unwrap_or(MAX_LIST).clamp(1, MAX_LIST);
    let found = state
        .store
        .reads
        .run(move |c| {
            if read::issue(c, issue_id)?.is_none() {
                return Ok(None);
            }
            read::events(c, issue_id, limit).map(Some)
        })
        .await
        .map_err(db)?;
    let rows = found.ok_or_else(|| ApiError::not_found(format!("issue {issue_id} does not exist")))?;
    Ok(Json(Value::Array(rows.iter().map(event_json).collect())))
}

/// `GET /api/0/projects/{project_id}/outcomes/`.
pub async fn outcomes_get(State(state): State<AppState>, Path(project): Path<String>) -> Result<Json<Value>, ApiError> {
    let project_id = parse_id(&project, "project id")?;
    let rows = state.store.reads.run(move |c| read::outcomes(c, project_id)).await.map_err(db)?;
    Ok(Json(Value::Array(
        rows.iter()
            .map(|(source, key, quantity)| json!({ "source": source, "key": key, "quantity": quantity }))
            .collect(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_path_drops_fields_and_nulls_array_items() {
        let mut v = json!({"level": "x", "exception": {"values": [{"stacktrace": {"frames": [{"lineno": "ten", "f": 1}, "s"]}}]}});
        remove_path(&mut v, "level");
        remove_path(&mut v, "exception.values.0.stacktrace.frames.0.lineno");
        remove_path(&mut v, "exception.values.0.stacktrace.frames.1");
        remove_path(&mut v, "no.such.path");
        assert_eq!(v, json!({"exception": {"values": [{"stacktrace": {"frames": [{"f": 1}, null]}}]}}));
    }
}
