//! The web UI through `app(state)`: strict CSP on every page, hostile values escaped.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{envelope, id, TestApp};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

async fn page(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let resp = errorbeacon_inbox::app(app.state.clone())
        .oneshot(Request::get(path).body(Body::empty()).unwrap_or_default())
        .await
        .unwrap_or_default();
    let status = resp.status();
    let csp =
        resp.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    (status, csp, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn pages_escape_event_data_and_carry_a_strict_csp() {
    let app = TestApp::new(None);
    let hostile = "<img src=x onerror=alert(1)>";
    let ev = json!({
        "event_id": id(1), "message": hostile, "tags": { "<b>k</b>": "\"><script>alert(2)</script>" },
        "user": { "id": "<u>" }, "breadcrumbs": [{ "message": "</td><script>x</script>" }]
    });
    assert_eq!(app.post_envelope(envelope(&ev)).await.0, StatusCode::OK);
    for path in ["/", "/issues/1/", "/?query=%3Cimg&status=all"] {
        let (status, csp, body) = page(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(csp.starts_with("default-src 'none'; script-src 'self'; style-src 'self'"), "{path}: {csp}");
        assert!(body.contains("&lt;img src=x onerror=alert(1)&gt;"), "{path}");
        assert!(!body.contains("<img"), "{path}");
        assert!(!body.contains("<script>"), "{path}");
    }
    let (status, _, _) = page(&app, "/issues/999/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
