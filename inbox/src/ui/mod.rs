//! The web UI: server-rendered HTML with a little JS (`www/inbox/app.js`) for live updates.
//!
//! - `GET /` — a project's issues: title, culprit, level, events, users, a 24-hour sparkline,
//!   last seen; sort, search, filter by status, release and environment.
//! - `GET /issues/{id}/` — frequency charts, an event (the latest, or `?event=`) with its
//!   exception chain, frames (in-app highlighted, wasm frames with module and address),
//!   breadcrumbs, tags, user, contexts and request; previous/next event.
//! - `GET /ui/stream` — server-sent events, one `change` per write, so pages refresh themselves.
//!
//! Every value is escaped ([`html::esc`]); responses carry a strict Content-Security-Policy
//! (scripts and styles only from this origin, no inline code), so even an escaping bug could
//! not run script.

pub mod html;

use crate::api::{event_json, iso};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::read::{self, IssueQuery, IssueSort};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use html::{bars, esc, page, text};
use serde::Deserialize;
use serde_json::Value;
use std::fmt::Write;

/// The Content-Security-Policy of every UI response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const APP_CSS: &str = include_str!("../../../www/inbox/app.css");
const APP_JS: &str = include_str!("../../../www/inbox/app.js");

/// Adds the security headers to UI responses.
pub async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}

/// `GET /static/app.css`.
pub async fn css_get() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS)
}

/// `GET /static/app.js`.
pub async fn js_get() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], APP_JS)
}

fn db(e: crate::store::StoreError) -> ApiError {
    ApiError::internal(e.to_string())
}

/// How long ago, in words.
fn ago(now: u64, then: u64) -> String {
    let s = now.saturating_sub(then) / 1000;
    match s {
        0..=59 => format!("{s}s ago"),
        60..=3599 => format!("{}m ago", s / 60),
        3600..=86_399 => format!("{}h ago", s / 3600),
        _ => format!("{}d ago", s / 86_400),
    }
}

/// `n` counts of consecutive buckets of `span_ms` ending with the one holding `now`.
fn series(buckets: &[(u64, u64)], now: u64, span_ms: u64, n: u64) -> Vec<u64> {
    let last = now / span_ms * span_ms;
    (0..n)
        .map(|i| {
            let start = last.saturating_sub((n - 1 - i) * span_ms);
            buckets.iter().find(|(t, _)| *t == start).map_or(0, |(_, c)| *c)
        })
        .collect()
}

/// Query parameters of the issue list page.
#[derive(Deserialize, Default)]
pub struct ListParams {
    project: Option<u64>,
    query: Option<String>,
    status: Option<String>,
    release: Option<String>,
    environment: Option<String>,
    sort: Option<String>,
}

/// `GET /`: the issue list.
pub async fn index_get(State(state): State<AppState>, Query(p): Query<ListParams>) -> Result<Html<String>, ApiError> {
    let projects = state.store.reads.run(read::projects).await.map_err(db)?;
    let project_id = p.project.or_else(|| projects.first().map(|p| p.id)).unwrap_or(1);
    let status = p.status.clone().unwrap_or_else(|| "unresolved".into());
    let non_empty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    let q = IssueQuery {
        status: (status != "all").then(|| status.clone()),
        search: non_empty(&p.query),
        release: non_empty(&p.release),
        environment: non_empty(&p.environment),
        sort: p.sort.as_deref().and_then(IssueSort::parse).unwrap_or_default(),
        limit: 100,
    };
    let now = state.now_ms();
    let since = now.saturating_sub(24 * 3_600_000);
    let (issues, values) = state
        .store
        .reads
        .run(move |c| {
            let issues = read::issues(c, project_id, &q)?;
            let mut out = Vec::with_capacity(issues.len());
            for i in issues {
                let b = read::buckets(c, i.id, "hour", since)?;
                out.push((i, b));
            }
            Ok((out, read::project_values(c, project_id)?))
        })
        .await
        .map_err(db)?;
    let project = projects.iter().find(|pr| pr.id == project_id);
    let mut body = String::new();
    let _ = write!(
        body,
        "<main id=\"live\" data-live=\"1\"><h1>{}</h1>",
        esc(project.map_or("no such project", |p| p.name.as_str()))
    );
    if let Some(pr) = project {
        let _ = write!(body, "<p class=\"dsn\">DSN <code>{}</code></p>", esc(&pr.dsn(&state.public_host())));
    }
    // The filter form (GET, so every view is a link).
    let _ = write!(body, "<form class=\"filters\" method=\"get\" action=\"/\">");
    let _ = write!(body, "<input type=\"hidden\" name=\"project\" value=\"{project_id}\">");
    let _ = write!(
        body,
        "<input type=\"search\" name=\"query\" placeholder=\"search title or culprit\" value=\"{}\">",
        esc(p.query.as_deref().unwrap_or(""))
    );
    let select = |name: &str, current: &str, options: &[(String, String)]| {
        let mut s = format!("<select name=\"{}\">", esc(name));
        for (value, label) in options {
            let sel = if value == current { " selected" } else { "" };
            let _ = write!(s, "<option value=\"{}\"{sel}>{}</option>", esc(value), esc(label));
        }
        s.push_str("</select>");
        s
    };
    let opt = |v: &str, l: &str| (v.to_owned(), l.to_owned());
    body.push_str(&select(
        "status",
        &status,
        &[opt("unresolved", "unresolved"), opt("resolved", "resolved"), opt("ignored", "ignored"), opt("all", "all")],
    ));
    for kind in ["release", "environment"] {
        let mut options = vec![opt("", &format!("any {kind}"))];
        options.extend(values.iter().filter(|(k, _)| k == kind).map(|(_, v)| opt(v, v)));
        let current = if kind == "release" { p.release.as_deref() } else { p.environment.as_deref() };
        body.push_str(&select(kind, current.unwrap_or(""), &options));
    }
    body.push_str(&select(
        "sort",
        p.sort.as_deref().unwrap_or("last"),
        &[opt("last", "last seen"), opt("first", "first seen"), opt("events", "events"), opt("users", "users")],
    ));
    body.push_str("<button type=\"submit\">apply</button></form>");
    if issues.is_empty() {
        body.push_str("<p class=\"empty\">No issues.</p>");
    } else {
        body.push_str(
            "<table class=\"issues\"><thead><tr><th>issue</th><th>level</th><th>events</th><th>users</th>\
             <th>24 h</th><th>last seen</th></tr></thead><tbody>",
        );
        for (i, b) in &issues {
            let _ = write!(
                body,
                "<tr class=\"issue level-{lvl}\"><td><a class=\"title\" href=\"/issues/{id}/\">{title}</a>\
                 <div class=\"culprit\">{culprit}</div></td><td><span class=\"level\">{lvl}</span></td>\
                 <td class=\"num events\">{count}</td><td class=\"num users\">{users}</td><td>{spark}</td>\
                 <td title=\"{last_iso}\">{last}</td></tr>",
                lvl = esc(&i.level),
                id = i.id,
                title = esc(&i.title),
                culprit = esc(&i.culprit),
                count = i.count,
                users = i.user_count,
                spark = bars(&series(b, now, 3_600_000, 24), 96, 20, "spark"),
                last_iso = esc(&iso(i.last_seen_ms)),
                last = esc(&ago(now, i.last_seen_ms)),
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("</main>");
    Ok(Html(page("Issues", &body)))
}

/// Query parameters of the issue page.
#[derive(Deserialize, Default)]
pub struct IssueParams {
    event: Option<u64>,
}

/// Renders `key: value` rows of an object.
fn kv_table(class: &str, pairs: &[(String, String)]) -> String {
    let mut s = format!("<table class=\"kv {}\"><tbody>", esc(class));
    for (k, v) in pairs {
        let _ = write!(s, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    s.push_str("</tbody></table>");
    s
}

fn object_pairs(v: &Value) -> Vec<(String, String)> {
    match v {
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        // Tags as a list of pairs, as some SDKs send them.
        Value::Array(items) => items
            .iter()
            .filter_map(|p| match p.as_array().map(Vec::as_slice) {
                Some([k, v]) => Some((text(k), text(v))),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `exception.values` (or the bare list), newest (last) first as Sentry shows them.
fn exceptions(ev: &Value) -> Vec<&Value> {
    let list = match ev.get("exception") {
        Some(Value::Array(a)) => Some(a),
        Some(e) => e.get("values").and_then(Value::as_array),
        None => None,
    };
    list.map(|l| l.iter().rev().collect()).unwrap_or_default()
}

fn render_frame(f: &Value) -> String {
    let s = |k: &str| f.get(k).map(text).filter(|v| !v.is_empty());
    let in_app = f.get("in_app").and_then(Value::as_bool) == Some(true);
    let wasm = f.get("instruction_addr").is_some() || s("platform").as_deref() == Some("native");
    let function = s("function").map(crate::demangle::readable).unwrap_or_else(|| "<anonymous>".into());
    let mut out = format!(
        "<li class=\"frame{}{}\"><span class=\"function\">{}</span> ",
        if in_app { " in-app" } else { "" },
        if wasm { " wasm" } else { "" },
        esc(&function)
    );
    if wasm {
        let module = s("abs_path").or_else(|| s("filename")).or_else(|| s("package")).unwrap_or_default();
        let _ = write!(
            out,
            "<span class=\"module\">{}</span> <span class=\"addr\">{}</span>",
            esc(&module),
            esc(&s("instruction_addr").unwrap_or_default())
        );
        if let Some(mode) = s("addr_mode") {
            let _ = write!(out, " <span class=\"addr-mode\">{}</span>", esc(&mode));
        }
    } else {
        let place = s("filename").or_else(|| s("abs_path")).or_else(|| s("module")).unwrap_or_default();
        let line = match (s("lineno"), s("colno")) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            (Some(l), None) => format!(":{l}"),
            _ => String::new(),
        };
        let _ = write!(out, "<span class=\"location\">{}{}</span>", esc(&place), esc(&line));
    }
    if let Some(ctx) = s("context_line") {
        let _ = write!(out, "<pre class=\"context\">{}</pre>", esc(&ctx));
    }
    out.push_str("</li>");
    out
}

fn render_event(ev: &Value) -> String {
    let mut out = String::new();
    let message = ev
        .get("logentry")
        .and_then(|l| l.get("formatted").or_else(|| l.get("message")))
        .or_else(|| ev.get("message").and_then(|m| if m.is_object() { m.get("formatted") } else { Some(m) }))
        .map(text)
        .filter(|m| !m.is_empty());
    if let Some(m) = message {
        let _ = write!(out, "<section class=\"message\"><h2>Message</h2><pre>{}</pre></section>", esc(&m));
    }
    let chain = exceptions(ev);
    if !chain.is_empty() {
        out.push_str("<section class=\"exceptions\"><h2>Exception</h2>");
        for (n, e) in chain.iter().enumerate() {
            let ty = e.get("type").map(text).unwrap_or_default();
            let value = e.get("value").map(text).unwrap_or_default();
            let mech = e.get("mechanism");
            let handled = mech.and_then(|m| m.get("handled")).and_then(Value::as_bool);
            let _ = write!(
                out,
                "<div class=\"exception\">{}<h3><span class=\"type\">{}</span> <span class=\"value\">{}</span></h3>",
                if n > 0 { "<p class=\"caused\">caused</p>" } else { "" },
                esc(&ty),
                esc(&value)
            );
            if let Some(m) = mech {
                let _ = write!(
                    out,
                    "<p class=\"mechanism\">mechanism {} {}</p>",
                    esc(&m.get("type").map(text).unwrap_or_default()),
                    match handled {
                        Some(true) => "handled",
                        Some(false) => "unhandled",
                        None => "",
                    }
                );
            }
            let frames = e.get("stacktrace").and_then(|s| s.get("frames")).and_then(Value::as_array);
            if let Some(frames) = frames {
                out.push_str("<ol class=\"frames\">");
                for f in frames.iter().rev() {
                    out.push_str(&render_frame(f));
                }
                out.push_str("</ol>");
            }
            out.push_str("</div>");
        }
        out.push_str("</section>");
    }
    let crumbs = match ev.get("breadcrumbs") {
        Some(Value::Array(a)) => Some(a),
        Some(b) => b.get("values").and_then(Value::as_array),
        None => None,
    };
    if let Some(crumbs) = crumbs.filter(|c| !c.is_empty()) {
        out.push_str(
            "<section class=\"breadcrumbs\"><h2>Breadcrumbs</h2><table><thead><tr><th>time</th><th>category</th>\
             <th>level</th><th>message</th><th>data</th></tr></thead><tbody>",
        );
        for c in crumbs {
            let f = |k: &str| c.get(k).map(text).unwrap_or_default();
            let _ = write!(
                out,
                "<tr class=\"crumb\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&match c.get("timestamp") {
                    // Seconds since the epoch, as SDKs send them: shown as a date.
                    Some(Value::Number(n)) => n.as_f64().map(|s| iso((s * 1000.0) as u64)).unwrap_or_default(),
                    _ => f("timestamp"),
                }),
                esc(&f("category")),
                esc(&f("level")),
                esc(&f("message")),
                esc(&f("data"))
            );
        }
        out.push_str("</tbody></table></section>");
    }
    for (key, title, class) in [("tags", "Tags", "tags"), ("user", "User", "user"), ("request", "Request", "request")] {
        if let Some(v) = ev.get(key) {
            let pairs = object_pairs(v);
            if !pairs.is_empty() {
                let _ = write!(out, "<section class=\"{class}\"><h2>{title}</h2>{}</section>", kv_table(class, &pairs));
            }
        }
    }
    if let Some(Value::Object(ctx)) = ev.get("contexts") {
        out.push_str("<section class=\"contexts\"><h2>Contexts</h2>");
        for (name, v) in ctx {
            let _ = write!(out, "<h3>{}</h3>{}", esc(name), kv_table("context", &object_pairs(v)));
        }
        out.push_str("</section>");
    }
    let mut facts = Vec::new();
    for k in ["event_id", "level", "platform", "release", "environment", "dateCreated", "dateReceived"] {
        if let Some(v) = ev.get(k).map(text).filter(|v| !v.is_empty()) {
            facts.push((k.to_owned(), v));
        }
    }
    if let Some(sdk) = ev.get("sdk") {
        facts.push((
            "sdk".into(),
            format!(
                "{} {}",
                text(sdk.get("name").unwrap_or(&Value::Null)),
                text(sdk.get("version").unwrap_or(&Value::Null))
            ),
        ));
    }
    let _ = write!(out, "<section class=\"facts\"><h2>Event</h2>{}</section>", kv_table("facts", &facts));
    if let Some(errors) = ev.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty()) {
        out.push_str("<section class=\"errors\"><h2>Dropped while normalizing</h2><ul>");
        for e in errors {
            let _ = write!(out, "<li>{}</li>", esc(&text(e)));
        }
        out.push_str("</ul></section>");
    }
    out
}

/// `GET /issues/{id}/`.
pub async fn issue_get(
    State(state): State<AppState>,
    Path(issue): Path<String>,
    Query(p): Query<IssueParams>,
) -> Result<Response, ApiError> {
    let Ok(issue_id) = issue.parse::<u64>() else {
        return Err(ApiError::not_found(format!("no issue {issue:?}")));
    };
    let now = state.now_ms();
    let found = state
        .store
        .reads
        .run(move |c| {
            let Some(row) = read::issue(c, issue_id)? else { return Ok(None) };
            let hours = read::buckets(c, issue_id, "hour", now.saturating_sub(24 * 3_600_000))?;
            let days = read::buckets(c, issue_id, "day", now.saturating_sub(30 * 86_400_000))?;
            let releases = read::values(c, issue_id, "release")?;
            let environments = read::values(c, issue_id, "environment")?;
            let event = read::event(c, issue_id, p.event)?;
            let neighbours = match &event {
                Some(e) => read::neighbours(c, issue_id, e.id)?,
                None => (None, None),
            };
            Ok(Some((row, hours, days, releases, environments, event, neighbours)))
        })
        .await
        .map_err(db)?;
    let Some((row, hours, days, releases, environments, event, (newer, older))) = found else {
        return Err(ApiError::not_found(format!("no issue {issue_id}")));
    };
    let mut body = String::new();
    let _ = write!(
        body,
        "<main id=\"live\" data-live=\"1\"><p><a href=\"/?project={}\">← issues</a></p>\
         <h1 class=\"level-{lvl}\">{}</h1><p class=\"culprit\">{}</p>\
         <p class=\"stats\"><span class=\"level\">{lvl}</span> <span class=\"status\">{}</span> \
         <span class=\"events\">{} events</span> · <span class=\"users\">{} users</span> · first seen {} · last seen {}</p>",
        row.project_id,
        esc(&row.title),
        esc(&row.culprit),
        esc(&row.status),
        row.count,
        row.user_count,
        esc(&ago(now, row.first_seen_ms)),
        esc(&ago(now, row.last_seen_ms)),
        lvl = esc(&row.level),
    );
    let _ = write!(
        body,
        "<section class=\"charts\"><div><h2>Last 24 hours</h2>{}</div><div><h2>Last 30 days</h2>{}</div></section>",
        bars(&series(&hours, now, 3_600_000, 24), 288, 48, "chart"),
        bars(&series(&days, now, 86_400_000, 30), 300, 48, "chart")
    );
    let list = |vals: &[(String, u64)]| vals.iter().map(|(v, n)| format!("{v} ({n})")).collect::<Vec<_>>().join(", ");
    let _ = write!(
        body,
        "{}",
        kv_table("seen", &[("releases".into(), list(&releases)), ("environments".into(), list(&environments))])
    );
    if let Some(e) = event {
        let nav = |label: &str, target: Option<u64>| match target {
            Some(id) => format!("<a class=\"{label}\" href=\"/issues/{issue_id}/?event={id}\">{label}</a>"),
            None => format!("<span class=\"{label} disabled\">{label}</span>"),
        };
        let _ = write!(
            body,
            "<nav class=\"event-nav\">{} <span>event {}</span> {}</nav>",
            nav("newer", newer),
            esc(&e.event_id),
            nav("older", older)
        );
        body.push_str(&render_event(&event_json(&e)));
    }
    body.push_str("</main>");
    Ok(Html(page(&row.title, &body)).into_response())
}

/// `GET /ui/stream`: a `change` event after every write, and a comment every 15 s so that
/// proxies keep the connection.
pub async fn stream_get(State(state): State<AppState>) -> impl IntoResponse {
    let rx = state.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.changed().await.ok()?;
        let n = *rx.borrow_and_update();
        Some((Ok::<_, std::convert::Infallible>(SseEvent::default().event("change").data(n.to_string())), rx))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15)))
}
