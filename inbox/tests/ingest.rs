//! Ingest through `app(state)` without a socket: every bad input gets its status and stores
//! nothing; good envelopes in every encoding and with every kind of auth are stored; CORS;
//! the per-project quota with an injected clock.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{envelope, id, js_event, TestApp};
use serde_json::json;
use std::io::Write;

fn good_event(n: u64) -> serde_json::Value {
    js_event(&id(n), "TypeError", "x is undefined", &[("main", "http://h/app.js")], None)
}

async fn assert_rejected(app: &TestApp, body: Vec<u8>, want: StatusCode, needle: &str) {
    let (status, headers, json) = app.post_envelope(body).await;
    assert_eq!(status, want, "{json}");
    let detail = json["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(needle), "{detail:?} does not mention {needle:?}");
    assert!(headers.get("x-sentry-error").is_some());
    assert_eq!(app.stored_events(), 0, "nothing may be stored for a rejected request");
}

#[tokio::test]
async fn garbage_bytes_are_400() {
    let app = TestApp::new(None);
    assert_rejected(&app, b"\x00\x01garbage\xff\xfe".to_vec(), StatusCode::BAD_REQUEST, "invalid envelope").await;
    assert_rejected(&app, Vec::new(), StatusCode::BAD_REQUEST, "empty").await;
}

#[tokio::test]
async fn truncated_envelope_and_wrong_length_are_400() {
    let app = TestApp::new(None);
    let full = envelope(&good_event(1));
    let truncated = full.get(..full.len() - 40).unwrap_or_default().to_vec();
    assert_rejected(&app, truncated, StatusCode::BAD_REQUEST, "declares length").await;
    let payload = serde_json::to_vec(&good_event(1)).unwrap_or_default();
    let mut wrong = format!("{{}}\n{{\"type\":\"event\",\"length\":{}}}\n", payload.len() - 5).into_bytes();
    wrong.extend_from_slice(&payload);
    assert_rejected(&app, wrong, StatusCode::BAD_REQUEST, "not terminated by newline").await;
    assert_rejected(&app, b"{}\n{\"type\":\"event\",\"length\":10}\n{}".to_vec(), StatusCode::BAD_REQUEST, "length 10")
        .await;
}

#[tokio::test]
async fn non_json_and_non_object_event_payloads_are_400() {
    let app = TestApp::new(None);
    assert_rejected(
        &app,
        b"{}\n{\"type\":\"event\"}\nnot json at all\n".to_vec(),
        StatusCode::BAD_REQUEST,
        "not valid json",
    )
    .await;
    assert_rejected(&app, b"{}\n{\"type\":\"event\"}\n[1,2,3]\n".to_vec(), StatusCode::BAD_REQUEST, "not an object")
        .await;
}

#[tokio::test]
async fn invalid_utf8_is_400() {
    let app = TestApp::new(None);
    assert_rejected(
        &app,
        b"{}\n{\"type\":\"event\"}\n{\"message\":\"\xff\xfe\"}\n".to_vec(),
        StatusCode::BAD_REQUEST,
        "json",
    )
    .await;
    assert_rejected(&app, b"{\"dsn\":\"\xff\"}\n".to_vec(), StatusCode::BAD_REQUEST, "envelope header").await;
}

#[tokio::test]
async fn wrong_key_is_403_and_no_auth_is_401() {
    let app = TestApp::new(None);
    let body = envelope(&good_event(1));
    let req = Request::post(app.envelope_url())
        .header("x-sentry-auth", "Sentry sentry_key=0123456789abcdef0123456789abcdef, sentry_version=7")
        .body(Body::from(body.clone()))
        .unwrap_or_default();
    let (status, _, json) = app.send(req).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{json}");
    // A project that does not exist, with the right key of another project.
    let req = Request::post("/api/999/envelope/").header("x-sentry-auth", app.auth()).body(Body::from(body.clone()));
    let (status, _, _) = app.send(req.unwrap_or_default()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let req = Request::post(app.envelope_url()).body(Body::from(body.clone())).unwrap_or_default();
    let (status, _, json) = app.send(req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    assert!(json["detail"].as_str().unwrap_or_default().contains("missing authorization"));
    // The store endpoint too.
    let req = Request::post(format!("/api/{}/store/", app.project.id)).body(Body::from("{}")).unwrap_or_default();
    assert_eq!(app.send(req).await.0, StatusCode::UNAUTHORIZED);
    // A DSN in the envelope header for another project.
    let mut other = format!("{{\"dsn\":\"http://{}@127.0.0.1:1/2\"}}\n", app.project.public_key).into_bytes();
    other.extend_from_slice(body.splitn(2, |b| *b == b'\n').nth(1).unwrap_or_default());
    let req = Request::post(app.envelope_url()).body(Body::from(other)).unwrap_or_default();
    assert_eq!(app.send(req).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.stored_events(), 0);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let app = TestApp::new(None);
    let big = vec![b'x'; 50 * 1024 * 1024];
    // With a Content-Length: refused before reading.
    let req = Request::post(app.envelope_url())
        .header("x-sentry-auth", app.auth())
        .header("content-length", big.len().to_string())
        .body(Body::from(big.clone()))
        .unwrap_or_default();
    let (status, _, json) = app.send(req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{json}");
    // Chunked (no length): counted while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = big.chunks(1 << 20).map(|c| Ok(c.to_vec())).collect();
    let req = Request::post(app.envelope_url())
        .header("x-sentry-auth", app.auth())
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap_or_default();
    let (status, _, json) = app.send(req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{json}");
    // An event item over 1 MiB inside an acceptable body.
    let ev = json!({ "message": "x".repeat(1_100_000) });
    assert_rejected(&app, envelope(&ev), StatusCode::PAYLOAD_TOO_LARGE, "larger than 1048576").await;
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

#[tokio::test]
async fn gzip_bomb_is_413_and_corrupt_gzip_is_400() {
    let app = TestApp::new(None);
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        let _ = e.write_all(&zeros);
    }
    let bomb = e.finish().unwrap_or_default();
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    for encoding in ["gzip", "x-gzip"] {
        let req = Request::post(app.envelope_url())
            .header("x-sentry-auth", app.auth())
            .header("content-encoding", encoding)
            .body(Body::from(bomb.clone()))
            .unwrap_or_default();
        let (status, _, json) = app.send(req).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{json}");
        assert!(json["detail"].as_str().unwrap_or_default().contains("decompresses to more than"));
    }
    let req = Request::post(app.envelope_url())
        .header("x-sentry-auth", app.auth())
        .header("content-encoding", "gzip")
        .body(Body::from(b"\x1f\x8b not really gzip".to_vec()))
        .unwrap_or_default();
    let (status, _, json) = app.send(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(json["detail"].as_str().unwrap_or_default().contains("not valid gzip"));
    let req = Request::post(app.envelope_url())
        .header("x-sentry-auth", app.auth())
        .header("content-encoding", "zstd")
        .body(Body::from("x"))
        .unwrap_or_default();
    assert_eq!(app.send(req).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.stored_events(), 0);
}

#[tokio::test]
async fn good_envelopes_in_every_encoding() {
    let app = TestApp::new(None);
    let mut n = 0;
    type Encoder = Box<dyn Fn(&[u8]) -> Vec<u8>>;
    let encodings: Vec<(&str, Encoder)> = vec![
        ("", Box::new(|b: &[u8]| b.to_vec())),
        ("gzip", Box::new(gzip)),
        (
            "deflate",
            Box::new(|b: &[u8]| {
                let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                let _ = e.write_all(b);
                e.finish().unwrap_or_default()
            }),
        ),
        (
            "deflate",
            Box::new(|b: &[u8]| {
                let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                let _ = e.write_all(b);
                e.finish().unwrap_or_default()
            }),
        ),
        (
            "br",
            Box::new(|b: &[u8]| {
                let mut out = Vec::new();
                let _ = brotli::BrotliCompress(&mut &b[..], &mut out, &brotli::enc::BrotliEncoderParams::default());
                out
            }),
        ),
    ];
    for (encoding, encode) in &encodings {
        n += 1;
        let body = encode(&envelope(&good_event(n)));
        let mut req = Request::post(app.envelope_url()).header("x-sentry-auth", app.auth());
        if !encoding.is_empty() {
            req = req.header("content-encoding", *encoding);
        }
        let (status, _, json) = app.send(req.body(Body::from(body)).unwrap_or_default()).await;
        assert_eq!(status, StatusCode::OK, "{encoding}: {json}");
        assert_eq!(json, json!({ "id": id(n) }), "{encoding}");
    }
    assert_eq!(app.stored_events(), n as i64);
    let issues = app.issues().await;
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["count"], json!(n.to_string()));
}

#[tokio::test]
async fn store_endpoint_query_key_and_envelope_dsn() {
    let app = TestApp::new(None);
    // Legacy store endpoint, key in the header.
    let req = Request::post(format!("/api/{}/store/", app.project.id))
        .header("x-sentry-auth", app.auth())
        .body(Body::from(serde_json::to_vec(&good_event(1)).unwrap_or_default()))
        .unwrap_or_default();
    let (status, _, json) = app.send(req).await;
    assert_eq!((status, json), (StatusCode::OK, json!({ "id": id(1) })));
    // sendBeacon style: ?sentry_key=, text/plain.
    let req = Request::post(format!("{}?sentry_key={}&sentry_version=7", app.envelope_url(), app.project.public_key))
        .header("content-type", "text/plain;charset=UTF-8")
        .body(Body::from(envelope(&good_event(2))))
        .unwrap_or_default();
    let (status, _, json) = app.send(req).await;
    assert_eq!((status, json), (StatusCode::OK, json!({ "id": id(2) })));
    // The DSN in the envelope header is the only auth.
    let dsn = app.project.dsn("127.0.0.1:8765");
    let mut body = format!("{{\"event_id\":\"{}\",\"dsn\":\"{dsn}\"}}\n", id(3)).into_bytes();
    let payload = serde_json::to_vec(&good_event(3)).unwrap_or_default();
    body.extend_from_slice(b"{\"type\":\"event\"}\n");
    body.extend_from_slice(&payload);
    let req = Request::post(app.envelope_url()).body(Body::from(body)).unwrap_or_default();
    let (status, _, json) = app.send(req).await;
    assert_eq!((status, json), (StatusCode::OK, json!({ "id": id(3) })));
    assert_eq!(app.stored_events(), 3);
}

#[tokio::test]
async fn cors_preflight_and_headers() {
    let app = TestApp::new(None);
    let req = Request::options(app.envelope_url())
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type, x-sentry-auth")
        .body(Body::empty())
        .unwrap_or_default();
    let (status, h, _) = app.send(req).await;
    assert_eq!(status, StatusCode::OK);
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(get("access-control-allow-origin"), "*");
    assert!(get("access-control-allow-methods").contains("POST"));
    assert!(get("access-control-allow-headers").contains("x-sentry-auth"));
    assert!(get("access-control-allow-headers").contains("content-type"));
    assert!(get("access-control-expose-headers").contains("retry-after"));
    assert!(get("access-control-expose-headers").contains("x-sentry-rate-limits"));
    // Error answers carry CORS too, so that the SDK can read them.
    let req = Request::post(app.envelope_url()).header("origin", "https://x").body(Body::from("x")).unwrap_or_default();
    let (_, h, _) = app.send(req).await;
    assert_eq!(h.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
}

#[tokio::test]
async fn rate_limit_429_then_recovery_after_the_window() {
    let app = TestApp::new(Some(3));
    for n in 1..=3 {
        let (status, _, json) = app.post_envelope(envelope(&good_event(n))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
    }
    app.advance(20_000);
    let (status, h, json) = app.post_envelope(envelope(&good_event(4))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{json}");
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(get("retry-after"), "40");
    assert_eq!(get("x-sentry-rate-limits"), "40:error;default:project");
    assert_eq!(app.stored_events(), 3);
    // A request without events (a session update) is not an event: it passes.
    let (status, _, _) = app.post_envelope(b"{}\n{\"type\":\"session\"}\n{\"status\":\"ok\"}\n".to_vec()).await;
    assert_eq!(status, StatusCode::OK);
    app.advance(40_000);
    let (status, _, json) = app.post_envelope(envelope(&good_event(5))).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(app.stored_events(), 4);
}

#[tokio::test]
async fn non_event_items_are_counted_and_unknown_ones_ignored() {
    let app = TestApp::new(None);
    let body = b"{}\n{\"type\":\"client_report\"}\n{\"timestamp\":1,\"discarded_events\":[{\"reason\":\"queue_overflow\",\"category\":\"error\",\"quantity\":3}]}\n{\"type\":\"session\"}\n{\"sid\":\"x\",\"status\":\"crashed\"}\n{\"type\":\"sessions\"}\n{\"aggregates\":[{\"started\":\"x\",\"exited\":5,\"errored\":2}]}\n{\"type\":\"x-unknown\",\"length\":3}\nabc\n";
    let (status, _, json) = app.post_envelope(body.to_vec()).await;
    assert_eq!((status, json), (StatusCode::OK, json!({})));
    let outcomes = app.get(&format!("/api/0/projects/{}/outcomes/", app.project.id)).await;
    let find = |source: &str, key: &str| {
        outcomes
            .as_array()
            .and_then(|a| a.iter().find(|o| o["source"] == source && o["key"] == key))
            .and_then(|o| o["quantity"].as_u64())
    };
    assert_eq!(find("client_report", "queue_overflow:error"), Some(3));
    assert_eq!(find("session", "crashed"), Some(1));
    assert_eq!(find("session", "exited"), Some(5));
    assert_eq!(find("session", "errored"), Some(2));
    assert_eq!(find("item", "x-unknown"), Some(1));
    assert_eq!(app.stored_events(), 0);
}

#[tokio::test]
async fn bad_fields_are_dropped_not_the_event() {
    let app = TestApp::new(None);
    let ev = json!({
        "event_id": id(7), "level": "catastrophic", "timestamp": "yesterday",
        "exception": { "values": [ { "type": "Error", "value": "boom", "stacktrace": { "frames": [
            { "function": "f", "filename": "a.js", "lineno": "ten", "in_app": true } ] } } ] }
    });
    let (status, _, json) = app.post_envelope(envelope(&ev)).await;
    assert_eq!((status, json), (StatusCode::OK, json!({ "id": id(7) })));
    let issues = app.issues().await;
    let events = app.events(issues[0]["id"].as_str().unwrap_or_default()).await;
    let e = &events[0];
    assert_eq!(e["level"], "error");
    assert!(e.get("timestamp").is_none());
    assert!(e["exception"]["values"][0]["stacktrace"]["frames"][0].get("lineno").is_none());
    assert_eq!(e["exception"]["values"][0]["stacktrace"]["frames"][0]["function"], "f");
    let names: Vec<&str> = e["errors"].as_array().into_iter().flatten().filter_map(|x| x["name"].as_str()).collect();
    assert_eq!(names, ["timestamp", "level", "exception.values.0.stacktrace.frames.0.lineno"]);
}

#[tokio::test]
async fn duplicate_event_ids_are_stored_and_counted_once() {
    let app = TestApp::new(None);
    for _ in 0..3 {
        let (status, _, _) = app.post_envelope(envelope(&good_event(1))).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(app.stored_events(), 1);
    assert_eq!(app.issues().await[0]["count"], "1");
}
