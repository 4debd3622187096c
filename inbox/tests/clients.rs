//! Real clients send to the built server: the official Python SDK (`sentry-sdk`, from the
//! repository's `.venv`), `@sentry/browser` (from `node_modules`, run in Node) and
//! `@sentry/node` (from `node_modules`). Their events must show up as issues through the JSON
//! API. A missing tool fails the test: run
//! `scripts/setup.sh` first.

mod common;

use common::server::{repo_root, Server};
use common::temp_dir;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn python() -> PathBuf {
    let p = std::env::var_os("ERRORBEACON_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv/bin/python"));
    let ok = Command::new(&p).args(["-c", "import sentry_sdk"]).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "{} cannot import sentry_sdk: run scripts/setup.sh (it installs sentry-sdk into .venv)", p.display());
    p
}

fn titles(issues: &[Value]) -> Vec<String> {
    issues.iter().filter_map(|i| i["title"].as_str().map(str::to_owned)).collect()
}

fn find<'a>(issues: &'a [Value], prefix: &str) -> &'a Value {
    issues
        .iter()
        .find(|i| i["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no issue titled {prefix:?} in {:?}", titles(issues)))
}

#[test]
fn python_sentry_sdk_events_become_issues() {
    let py = python();
    let dir = temp_dir("python");
    let server = Server::start(&dir.join("inbox.sqlite3"), &[]);
    let script = repo_root().join("inbox/tests/clients/python_sdk.py");
    let out = Command::new(&py).arg(&script).args([&server.dsn, "capture"]).output().expect("run python");
    assert!(out.status.success(), "python capture failed: {}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(&py).arg(&script).args([&server.dsn, "uncaught"]).output().expect("run python");
    // The uncaught exception makes the interpreter exit 1, after the SDK sent it.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let issues = server.wait_for_issues(Duration::from_secs(20), |i| i.len() >= 3);
    assert_eq!(issues.len(), 3, "{:?}", titles(&issues));
    let zero = find(&issues, "ZeroDivisionError: division by zero");
    assert_eq!(zero["level"], "error");
    assert!(zero["culprit"].as_str().unwrap_or_default().contains("divide"), "{}", zero["culprit"]);
    assert_eq!((zero["count"].as_str(), zero["userCount"].as_u64()), (Some("1"), Some(1)));
    let msg = find(&issues, "python says hello to order 4711");
    assert_eq!(msg["level"], "warning");
    let key = find(&issues, "KeyError");
    assert!(key["culprit"].as_str().unwrap_or_default().contains("load_config"), "{}", key["culprit"]);
    // The stored event is the SDK's JSON.
    let events = server.get_json(&format!("/api/0/issues/{}/events/", zero["id"].as_str().unwrap_or_default()));
    let e = &events[0];
    assert_eq!(e["sdk"]["name"], "sentry.python");
    assert_eq!(e["release"], "py-app@1.0.0");
    assert_eq!(e["user"]["id"], "py-user-1");
    assert_eq!(e["tags"]["client"], "sentry-python");
    assert!(e.get("errors").is_none(), "the SDK's event normalizes cleanly: {}", e["errors"]);
}

#[test]
fn sentry_browser_events_become_issues() {
    let module = repo_root().join("node_modules/@sentry/browser/package.json");
    assert!(module.exists(), "{} is missing: run scripts/setup.sh (npm ci)", module.display());
    let dir = temp_dir("sentry-browser");
    let server = Server::start(&dir.join("inbox.sqlite3"), &[]);
    let script = repo_root().join("inbox/tests/clients/sentry_browser.mjs");
    let out = Command::new("node").arg(&script).arg(&server.dsn).output().expect("node must be on PATH");
    assert!(
        out.status.success(),
        "node failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let issues = server.wait_for_issues(Duration::from_secs(20), |i| i.len() >= 2);
    assert_eq!(issues.len(), 2, "{:?}", titles(&issues));
    let err = find(&issues, "TypeError");
    assert!(err["culprit"].as_str().unwrap_or_default().contains("checkout"), "{}", err["culprit"]);
    assert_eq!(err["userCount"], 1);
    let msg = find(&issues, "sentry browser says hello");
    assert_eq!(msg["level"], "info");
    let events = server.get_json(&format!("/api/0/issues/{}/events/", err["id"].as_str().unwrap_or_default()));
    assert_eq!(events[0]["sdk"]["name"], "sentry.javascript.browser");
    assert_eq!(events[0]["release"], "js-app@2.0.0");
}

#[test]
fn sentry_node_events_become_issues() {
    let module = repo_root().join("node_modules/@sentry/node/package.json");
    assert!(module.exists(), "{} is missing: run scripts/setup.sh (npm ci)", module.display());
    let dir = temp_dir("sentry-node");
    let server = Server::start(&dir.join("inbox.sqlite3"), &[]);
    let script = repo_root().join("inbox/tests/clients/sentry_node.mjs");
    let run = |mode: &str| {
        Command::new("node").arg(&script).args([&server.dsn, mode]).output().expect("node must be on PATH")
    };
    let out = run("capture");
    assert!(
        out.status.success(),
        "node capture failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The SDK's uncaught-exception handler sends the error, then exits the process with 1.
    let out = run("uncaught");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let issues = server.wait_for_issues(Duration::from_secs(20), |i| i.len() >= 3);
    assert_eq!(issues.len(), 3, "{:?}", titles(&issues));
    let parse = find(&issues, "TypeError: Cannot read properties of undefined (reading 'id')");
    assert!(parse["culprit"].as_str().unwrap_or_default().contains("parseOrder"), "{}", parse["culprit"]);
    assert_eq!((parse["count"].as_str(), parse["userCount"].as_u64()), (Some("1"), Some(1)));
    let msg = find(&issues, "sentry node says hello to order 4711");
    assert_eq!(msg["level"], "warning");
    let uncaught = find(&issues, "TypeError: Cannot read properties of undefined (reading 'map')");
    assert!(uncaught["culprit"].as_str().unwrap_or_default().contains("loadInventory"), "{}", uncaught["culprit"]);
    assert_eq!(uncaught["level"], "fatal", "the SDK reports uncaught errors as fatal");
    let events = server.get_json(&format!("/api/0/issues/{}/events/", parse["id"].as_str().unwrap_or_default()));
    let e = &events[0];
    assert_eq!(e["sdk"]["name"], "sentry.javascript.node");
    assert_eq!(e["release"], "node-app@3.0.0");
    assert_eq!(e["user"]["id"], "node-user-1");
    assert_eq!(e["tags"]["client"], "sentry-node");
    assert!(e.get("errors").is_none(), "the SDK's event normalizes cleanly: {}", e["errors"]);
    // Besides events, the SDK sends its release-health sessions in envelopes of their own
    // (all its bodies chunked, with the key in the query string): accepted and counted, the
    // uncaught run's session as crashed.
    let outcomes = server.get_json("/api/0/projects/1/outcomes/");
    let count = |source: &str, key: &str| {
        outcomes
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["source"] == source && o["key"] == key)
            .and_then(|o| o["quantity"].as_u64())
            .unwrap_or(0)
    };
    assert_eq!(count("item", "event"), 3, "{outcomes}");
    assert!(count("item", "session") >= 1, "{outcomes}");
    assert_eq!(count("session", "crashed"), 1, "{outcomes}");
}
