//! Durability: clients stream envelopes to the built server; it is killed with SIGKILL in the
//! middle; restarted on the same database, it has every event that was answered 200.

mod common;

use common::server::{request, Server};
use common::{envelope, id, js_event, temp_dir};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn every_acknowledged_event_survives_kill_9() {
    let dir = temp_dir("durability");
    let db = dir.join("inbox.sqlite3");
    let mut server = Server::start(&db, &[]);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicU64::new(1));
    let auth = format!("Sentry sentry_version=7, sentry_key={}", server.key);
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (acked, stop, next, addr, auth) =
            (acked.clone(), stop.clone(), next.clone(), server.addr.clone(), auth.clone());
        clients.push(std::thread::spawn(move || {
            let mut failures = 0;
            while !stop.load(Ordering::SeqCst) && failures < 50 {
                let n = next.fetch_add(1, Ordering::SeqCst);
                let site = format!("site{}", n % 7);
                let ev =
                    js_event(&id(n), "Error", "stream", &[("main", "http://h/app.js"), (&site, "http://h/a.js")], None);
                match request(&addr, "POST", "/api/1/envelope/", &[("X-Sentry-Auth", &auth)], &envelope(&ev)) {
                    Ok((200, _)) => acked.lock().expect("lock").push(id(n)),
                    Ok((status, body)) => panic!("unexpected {status}: {}", String::from_utf8_lossy(&body)),
                    Err(_) => failures += 1,
                }
            }
        }));
    }
    // Let the stream run, then kill the server while requests are in flight.
    let start = std::time::Instant::now();
    while acked.lock().expect("lock").len() < 300 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill9();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().expect("client thread");
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() >= 300, "only {} events acknowledged before the kill", acked.len());

    let server = Server::start(&db, &[]);
    let conn = rusqlite::Connection::open(&db).expect("open db");
    let mut missing = Vec::new();
    for event_id in &acked {
        let n: i64 =
            conn.query_row("SELECT count(*) FROM events WHERE event_id = ?1", [event_id], |r| r.get(0)).expect("query");
        if n != 1 {
            missing.push(event_id.clone());
        }
    }
    assert!(missing.is_empty(), "{} of {} acknowledged events lost: {:?}", missing.len(), acked.len(), missing);
    // The counters agree with the events: they were written in the same transactions.
    let issues = server.get_json("/api/0/projects/1/issues/");
    let counted: u64 =
        issues.as_array().into_iter().flatten().filter_map(|i| i["count"].as_str()?.parse::<u64>().ok()).sum();
    let stored: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).expect("count");
    assert_eq!(counted, stored as u64);
    assert!(stored as usize >= acked.len());
}
