//! Grouping and counting through the app: real Chromium and Firefox stacks of one program land
//! in one issue; different crash sites in different issues; fingerprint overrides; exact counts
//! of events, users, buckets, releases and environments; resolve and regression.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{envelope, id, js_event, TestApp};
use errorbeacon::parse_stack;
use serde_json::{json, Value};

/// An event the way errorbeacon builds it from a fixture case's real stack.
fn fixture_event(path: &str, scenario: &str, event_id: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap_or_default();
    let case = file["cases"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["scenario"] == scenario))
        .unwrap_or_else(|| panic!("{scenario} not in {path}"));
    let frames = parse_stack(case["stack"].as_str().unwrap_or_default());
    json!({
        "event_id": event_id,
        "platform": "javascript",
        "exception": { "values": [ {
            "type": case["name"], "value": case["message"],
            "stacktrace": { "frames": serde_json::to_value(&frames).unwrap_or_default() }
        } ] },
    })
}

const CHROMIUM: &str = "../tests/fixtures/stacks/chromium/app-a.json";
const FIREFOX: &str = "../tests/fixtures/stacks/firefox/app-a.json";

#[tokio::test]
async fn same_error_from_chromium_and_firefox_is_one_issue() {
    let app = TestApp::new(None);
    let scenarios = ["class-method", "async-await", "array-map-callback", "rangeerror-recursion", "named-chain"];
    let mut n = 0;
    for s in scenarios {
        for path in [CHROMIUM, FIREFOX] {
            n += 1;
            let (status, _, json) = app.post_envelope(envelope(&fixture_event(path, s, &id(n)))).await;
            assert_eq!(status, StatusCode::OK, "{s}: {json}");
        }
    }
    let issues = app.issues().await;
    assert_eq!(issues.len(), scenarios.len(), "{:#?}", issues.iter().map(|i| &i["grouping"]).collect::<Vec<_>>());
    assert!(issues.iter().all(|i| i["count"] == "2"));
}

#[tokio::test]
async fn different_crash_sites_with_the_same_message_are_different_issues() {
    let app = TestApp::new(None);
    let a = js_event(&id(1), "Error", "boom", &[("main", "http://h/app.js"), ("save", "http://h/store.js")], None);
    let b = js_event(&id(2), "Error", "boom", &[("main", "http://h/app.js"), ("load", "http://h/store.js")], None);
    // Same site as `a`, other message, other port, a hashed bundle name: the same issue.
    let c = js_event(
        &id(3),
        "Error",
        "boom 42",
        &[("Object.main", "http://h:81/app.js"), ("Store.save", "http://h:81/store.js")],
        None,
    );
    for ev in [&a, &b, &c] {
        assert_eq!(app.post_envelope(envelope(ev)).await.0, StatusCode::OK);
        app.advance(1000);
    }
    let issues = app.issues().await;
    assert_eq!(issues.len(), 2);
    let counts: Vec<&str> = issues.iter().filter_map(|i| i["count"].as_str()).collect();
    // Newest lastSeen first: the issue of `a` and `c` was seen last.
    assert_eq!(counts, ["2", "1"]);
}

#[tokio::test]
async fn fingerprint_overrides() {
    let app = TestApp::new(None);
    let mut n = 0;
    let mut send = |site: &'static str, fp: Value| {
        n += 1;
        let mut ev = js_event(&id(n), "Error", "x", &[(site, "http://h/a.js")], None);
        if !fp.is_null() {
            ev["fingerprint"] = fp;
        }
        ev
    };
    let evs = [
        send("f", json!(["checkout"])),
        send("g", json!(["checkout"])),
        send("f", json!(["{{ default }}", "tenant-1"])),
        send("f", json!(["{{ default }}", "tenant-2"])),
        send("f", json!(["{{ default }}", "tenant-2"])),
        send("f", Value::Null),
    ];
    for ev in &evs {
        assert_eq!(app.post_envelope(envelope(ev)).await.0, StatusCode::OK);
    }
    let mut counts: Vec<String> =
        app.issues().await.iter().filter_map(|i| i["count"].as_str().map(str::to_owned)).collect();
    counts.sort();
    // checkout ×2, tenant-1 ×1, tenant-2 ×2, default ×1.
    assert_eq!(counts, ["1", "1", "2", "2"]);
}

#[tokio::test]
async fn counts_of_events_and_users_are_exact() {
    let app = TestApp::new(None);
    let users = [
        Some(json!({ "id": "u1", "email": "a@x" })),
        Some(json!({ "id": "u1" })),
        Some(json!({ "email": "a@x" })), // no id: counted by email, a different key than u1
        Some(json!({ "username": "bob" })),
        Some(json!({ "ip_address": "10.0.0.1" })),
        Some(json!({ "ip_address": "{{auto}}" })), // no user
        None,
        Some(json!({ "id": 42 })),
        Some(json!({ "id": "42" })), // the same user as the number 42
    ];
    for (i, u) in users.iter().enumerate() {
        let mut ev = js_event(&id(i as u64 + 1), "Error", "x", &[("f", "http://h/a.js")], u.clone());
        ev["release"] = json!(if i < 4 { "shop@1.0" } else { "shop@1.1" });
        ev["environment"] = json!("production");
        assert_eq!(app.post_envelope(envelope(&ev)).await.0, StatusCode::OK);
        app.advance(30 * 60 * 1000); // half an hour between events
    }
    let issues = app.issues().await;
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(issue["count"], "9");
    assert_eq!(issue["userCount"], 5);
    assert_eq!(issue["firstSeen"], "2026-11-23T12:00:00.000Z");
    assert_eq!(issue["lastSeen"], "2026-11-23T16:00:00.000Z");
    let detail = app.get(&format!("/api/0/issues/{}/", issue["id"].as_str().unwrap_or_default())).await;
    assert_eq!(detail["releases"], json!([{ "value": "shop@1.1", "count": 5 }, { "value": "shop@1.0", "count": 4 }]));
    assert_eq!(detail["environments"], json!([{ "value": "production", "count": 9 }]));
    let hours: Vec<u64> =
        detail["stats"]["24h"].as_array().into_iter().flatten().filter_map(|p| p[1].as_u64()).collect();
    assert_eq!(hours, [2, 2, 2, 2, 1]);
    let days: Vec<u64> =
        detail["stats"]["30d"].as_array().into_iter().flatten().filter_map(|p| p[1].as_u64()).collect();
    assert_eq!(days, [9]);
    let events = app.events(issue["id"].as_str().unwrap_or_default()).await;
    assert_eq!(events.len(), 9);
    assert_eq!(events[0]["event_id"], id(9), "newest first");
}

#[tokio::test]
async fn resolved_issue_reopens_on_a_new_event() {
    let app = TestApp::new(None);
    let ev = |n| js_event(&id(n), "Error", "x", &[("f", "http://h/a.js")], None);
    assert_eq!(app.post_envelope(envelope(&ev(1))).await.0, StatusCode::OK);
    let issue_id = app.issues().await[0]["id"].as_str().unwrap_or_default().to_owned();
    let put = |status: &str| {
        Request::put(format!("/api/0/issues/{issue_id}/"))
            .header("content-type", "application/json")
            .body(Body::from(json!({ "status": status }).to_string()))
            .unwrap_or_default()
    };
    assert_eq!(app.send(put("resolved")).await.0, StatusCode::OK);
    assert_eq!(app.issues().await[0]["status"], "resolved");
    assert_eq!(app.send(put("bogus")).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(app.post_envelope(envelope(&ev(2))).await.0, StatusCode::OK);
    let issue = &app.issues().await[0];
    assert_eq!((issue["status"].as_str(), issue["substatus"].as_str()), (Some("unresolved"), Some("regressed")));
    assert_eq!(issue["count"], "2");
    // Ignored stays ignored.
    assert_eq!(app.send(put("ignored")).await.0, StatusCode::OK);
    assert_eq!(app.post_envelope(envelope(&ev(3))).await.0, StatusCode::OK);
    assert_eq!(app.issues().await[0]["status"], "ignored");
}

#[tokio::test]
async fn messages_group_by_normalized_text_and_api_filters() {
    let app = TestApp::new(None);
    for (n, msg) in [(1, "disk 91% full on /dev/sda1"), (2, "disk 97% full on /dev/sda1"), (3, "cannot connect")] {
        let ev = json!({ "event_id": id(n), "message": msg, "level": "warning" });
        assert_eq!(app.post_envelope(envelope(&ev)).await.0, StatusCode::OK);
    }
    let issues = app.issues().await;
    assert_eq!(issues.len(), 2);
    let found = app.get(&format!("/api/0/projects/{}/issues/?query=DISK", app.project.id)).await;
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["level"], "warning");
    assert_eq!(found[0]["count"], "2");
    let none = app.get(&format!("/api/0/projects/{}/issues/?status=resolved", app.project.id)).await;
    assert_eq!(none, json!([]));
    let (status, _, _) =
        app.send(Request::get("/api/0/projects/999/issues/").body(Body::empty()).unwrap_or_default()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) =
        app.send(Request::get("/api/0/issues/999/events/").body(Body::empty()).unwrap_or_default()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Raw Rust symbols (issue 25, decision 5: the npm module sends them as the engine printed
/// them) are demangled when the inbox reads the event: two builds of one function, whose legacy
/// hashes differ, are one issue, named by its Rust path.
#[tokio::test]
async fn raw_rust_symbols_group_and_show_demangled() {
    let app = TestApp::new(None);
    for (n, hash) in [(1, "0123456789abcdef"), (2, "fedcba9876543210")] {
        let symbol = format!("_ZN3app8checkout5total17h{hash}E");
        let ev = js_event(
            &id(n),
            "RuntimeError",
            "unreachable",
            &[("main", "http://h/app.js"), (&symbol, "http://h/app.wasm")],
            None,
        );
        assert_eq!(app.post_envelope(envelope(&ev)).await.0, StatusCode::OK);
    }
    let issues = app.issues().await;
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0]["count"], "2");
    let culprit = issues[0]["culprit"].as_str().unwrap_or_default();
    assert!(culprit.contains("app::checkout::total") && !culprit.contains("_ZN"), "{culprit}");
}
