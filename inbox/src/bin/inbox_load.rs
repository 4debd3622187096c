//! `inbox-load`: the load generator of `scripts/bench-inbox.sh`.
//!
//! Keep-alive HTTP/1.1 connections (hyper), one request in flight per connection, sending
//! realistic envelopes to any Sentry-compatible server: events of 5–20 KB with about 25 frames
//! taken from the real stacks in `tests/fixtures/stacks`, breadcrumbs, contexts and tags, and a
//! few hundred distinct crash sites (so a few hundred issues).
//!
//! ```text
//! inbox-load --dsn DSN [--connections 32] [--seconds 10] [--rate 0] [--issues 300] [--fixtures DIR]
//! ```
//! `--rate 0` sends as fast as the server answers (throughput); `--rate N` schedules N
//! requests per second and measures each latency from its scheduled start, so a slow answer
//! also counts against the requests queued behind it. Prints one JSON line with the results.
//!
//! It runs on a single-threaded runtime so that it leaves the other core to the server.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

// The generator shares the machine with the server it measures: every request clones a
// 5-28 KB envelope, and glibc's malloc spent more on those than the copies did.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    dsn: String,
    connections: usize,
    seconds: f64,
    rate: f64,
    issues: usize,
    envelopes: usize,
    fixtures: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        dsn: String::new(),
        connections: 32,
        seconds: 10.0,
        rate: 0.0,
        issues: 300,
        envelopes: 2000,
        fixtures: PathBuf::from("tests/fixtures/stacks"),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut val = || it.next().cloned().ok_or(format!("{flag} needs a value"));
        let num = |s: String| s.parse::<f64>().map_err(|_| format!("{flag}: {s:?} is not a number"));
        match flag.as_str() {
            "--dsn" => a.dsn = val()?,
            "--connections" => a.connections = num(val()?)? as usize,
            "--seconds" => a.seconds = num(val()?)?,
            "--rate" => a.rate = num(val()?)?,
            "--issues" => a.issues = num(val()?)? as usize,
            "--envelopes" => a.envelopes = num(val()?)? as usize,
            "--fixtures" => a.fixtures = PathBuf::from(val()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.dsn.is_empty() {
        return Err("--dsn is required".into());
    }
    a.connections = a.connections.max(1);
    a.issues = a.issues.max(1);
    a.envelopes = a.envelopes.max(1);
    Ok(a)
}

/// Every parsed stack of the fixtures with at least 3 frames, as protocol frames (JSON).
fn fixture_stacks(dir: &Path) -> Result<Vec<(String, String, Vec<Value>)>, String> {
    let mut out = Vec::new();
    let engines = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = Vec::new();
    for engine in engines.flatten() {
        if let Ok(entries) = std::fs::read_dir(engine.path()) {
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")));
        }
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let file: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        for case in file["cases"].as_array().into_iter().flatten() {
            let Some(stack) = case["stack"].as_str() else { continue };
            let frames = errorbeacon::parse_stack(stack);
            if frames.len() < 3 {
                continue;
            }
            let frames = frames.iter().filter_map(|fr| serde_json::to_value(fr).ok()).collect();
            let ty = case["name"].as_str().unwrap_or("Error").to_owned();
            let msg = case["message"].as_str().unwrap_or("").to_owned();
            out.push((ty, msg, frames));
        }
    }
    if out.is_empty() {
        return Err(format!("no stacks with frames under {}", dir.display()));
    }
    Ok(out)
}

/// A small deterministic generator (xorshift64*), so runs send the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Envelopes: ~25 frames (fixture frames, padded with framework frames), a crash site chosen
/// among `issues`, 10–60 breadcrumbs, so 5–20 KB each.
fn make_envelopes(args: &Args, stacks: &[(String, String, Vec<Value>)]) -> Vec<Template> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    (0..args.envelopes)
        .map(|n| {
            let site = rng.below(args.issues);
            let (ty, msg, base) = &stacks[site % stacks.len()];
            let mut frames: Vec<Value> = (0..25usize.saturating_sub(base.len()))
                .map(|i| {
                    json!({"function": format!("dispatch{i}"), "abs_path": "http://shop.example/node_modules/react-dom/cjs/react-dom.development.js",
                       "filename": "node_modules/react-dom/cjs/react-dom.development.js", "lineno": 3900 + i, "colno": 14, "in_app": false})
                })
                .collect();
            frames.extend(base.iter().cloned());
            // The crash frame (last) gets a site-specific name: `issues` distinct crash sites.
            if let Some(last) = frames.last_mut() {
                last["function"] = json!(format!("handler{site}"));
                last["in_app"] = json!(true);
            }
            let crumbs: Vec<Value> = (0..5 + rng.below(30))
                .map(|i| {
                    json!({"timestamp": now - 60.0 + i as f64, "category": if i % 3 == 0 { "fetch" } else { "ui.click" },
                       "level": "info", "message": format!("button#checkout-{i} > span.label clicked by user {}", rng.below(10_000)),
                       "data": {"url": format!("https://api.shop.example/v1/cart/{}", rng.below(100_000)), "status_code": 200}})
                })
                .collect();
            // A placeholder id, replaced per request: every request is a new event.
            let event_id = format!("{:032x}", n as u128 + 0xfeed_0000_0000_0000_0000_0000_0000_0000u128);
            let event = json!({
                "event_id": event_id, "timestamp": now, "platform": "javascript", "level": "error",
                "release": format!("shop@1.{}.0", site % 5), "environment": "production",
                "sdk": {"name": "errorbeacon.javascript", "version": "0.1.0"},
                "exception": {"values": [{"type": ty, "value": format!("{msg} (order {})", rng.below(1_000_000)),
                    "mechanism": {"type": "onerror", "handled": false}, "stacktrace": {"frames": frames}}]},
                "breadcrumbs": {"values": crumbs},
                "user": {"id": format!("user-{}", rng.below(5000))},
                "tags": {"page": "checkout", "browser": "Chrome 156"},
                "contexts": {"browser": {"name": "Chrome", "version": "156.0.0"}, "os": {"name": "Linux"}},
                "request": {"url": "https://shop.example/checkout?step=2", "headers": {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"}},
            });
            let payload = serde_json::to_vec(&event).unwrap_or_default();
            let mut out = format!(
                "{{\"event_id\":\"{event_id}\",\"sent_at\":\"2026-11-23T00:00:00.000Z\"}}\n{{\"type\":\"event\",\"length\":{}}}\n",
                payload.len()
            )
            .into_bytes();
            out.extend_from_slice(&payload);
            out.push(b'\n');
            let id_offsets = out.windows(32).enumerate().filter(|(_, w)| *w == event_id.as_bytes()).map(|(i, _)| i).collect();
            Template { bytes: out, id_offsets }
        })
        .collect()
}

/// An envelope with the places of its event id, so each request can carry a fresh one.
struct Template {
    bytes: Vec<u8>,
    id_offsets: Vec<usize>,
}

impl Template {
    fn with_id(&self, n: u64, run: u64) -> Bytes {
        let mut out = self.bytes.clone();
        let id = format!("{run:016x}{n:016x}");
        for &o in &self.id_offsets {
            if let Some(slot) = out.get_mut(o..o + 32) {
                slot.copy_from_slice(id.as_bytes());
            }
        }
        Bytes::from(out)
    }
}

struct Target {
    host: String,
    path: String,
    auth: String,
}

fn target(dsn: &str) -> Result<Target, String> {
    let d: errorbeacon::Dsn = dsn.parse().map_err(|e: errorbeacon::DsnError| e.to_string())?;
    let url = d.envelope_url();
    let rest = url.strip_prefix("http://").ok_or("only http:// DSNs")?;
    let (host, path) = rest.split_once('/').ok_or("no path in the envelope url")?;
    Ok(Target {
        host: host.to_owned(),
        path: format!("/{path}"),
        auth: format!("Sentry sentry_version=7, sentry_client=inbox-load/1, sentry_key={}", d.public_key()),
    })
}

#[derive(Default)]
struct Stats {
    /// From the moment the request was sent.
    latencies_us: Vec<u64>,
    /// From the moment it was scheduled (differs when the generator's timer or a busy
    /// connection made it late).
    scheduled_us: Vec<u64>,
    statuses: BTreeMap<u16, u64>,
    errors: u64,
}

async fn connect(t: &Target) -> Result<http1::SendRequest<Full<Bytes>>, String> {
    let stream = tokio::net::TcpStream::connect(&t.host).await.map_err(|e| format!("connect {}: {e}", t.host))?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("handshake: {e}"))?;
    tokio::task::spawn_local(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

async fn worker(
    t: Rc<Target>,
    envelopes: Rc<Vec<Template>>,
    run: u64,
    next: Rc<AtomicU64>,
    start: Instant,
    deadline: Instant,
    rate: f64,
) -> Stats {
    let mut stats = Stats::default();
    let mut sender = None;
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let scheduled = if rate > 0.0 { start + Duration::from_secs_f64(i as f64 / rate) } else { Instant::now() };
        // A server that cannot keep up does not get the backlog sent after the run: what was
        // not sent by then counts as not answered.
        if scheduled >= deadline || Instant::now() >= deadline + Duration::from_secs(2) {
            break;
        }
        if rate > 0.0 {
            tokio::time::sleep_until(scheduled.into()).await;
        }
        if sender.is_none() {
            match connect(&t).await {
                Ok(s) => sender = Some(s),
                Err(_) => {
                    stats.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(s) = sender.as_mut() else { continue };
        let sent = Instant::now();
        let body = envelopes.get(i as usize % envelopes.len()).map(|t| t.with_id(i, run)).unwrap_or_default();
        let req = Request::post(t.path.as_str())
            .header("host", t.host.as_str())
            .header("x-sentry-auth", t.auth.as_str())
            .header("content-type", "application/x-sentry-envelope")
            .body(Full::new(body));
        let Ok(req) = req else { continue };
        if s.ready().await.is_err() {
            // The server closed the idle connection: open another and send on it.
            sender = None;
            match connect(&t).await {
                Ok(new) => sender = Some(new),
                Err(_) => {
                    stats.errors += 1;
                    continue;
                }
            }
        }
        let Some(s) = sender.as_mut() else { continue };
        match s.send_request(req).await {
            Ok(resp) => {
                // Servers without keep-alive (Bugsink's sync gunicorn worker) close after
                // each answer.
                let closes =
                    resp.headers().get("connection").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
                if closes {
                    sender = None;
                }
                let status = resp.status().as_u16();
                let _ = resp.into_body().collect().await;
                stats.latencies_us.push(sent.elapsed().as_micros() as u64);
                stats.scheduled_us.push(scheduled.elapsed().as_micros() as u64);
                *stats.statuses.entry(status).or_default() += 1;
            }
            Err(_) => {
                stats.errors += 1;
                sender = None;
            }
        }
    }
    stats
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(idx).copied().unwrap_or(0) as f64 / 1000.0
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("inbox-load: {e}");
            std::process::exit(2);
        }
    };
    let result = (|| -> Result<Value, String> {
        let t = Rc::new(target(&args.dsn)?);
        let stacks = fixture_stacks(&args.fixtures)?;
        let envelopes = Rc::new(make_envelopes(&args, &stacks));
        let sizes: Vec<usize> = envelopes.iter().map(|t| t.bytes.len()).collect();
        // Distinct ids across runs against the same database.
        let run = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let local = tokio::task::LocalSet::new();
        let stats = local.block_on(&rt, async {
            let next = Rc::new(AtomicU64::new(0));
            let start = Instant::now();
            let deadline = start + Duration::from_secs_f64(args.seconds);
            let handles: Vec<_> = (0..args.connections)
                .map(|_| {
                    tokio::task::spawn_local(worker(
                        t.clone(),
                        envelopes.clone(),
                        run,
                        next.clone(),
                        start,
                        deadline,
                        args.rate,
                    ))
                })
                .collect();
            let mut all = Vec::new();
            for h in handles {
                if let Ok(s) = h.await {
                    all.push(s);
                }
            }
            (all, start.elapsed())
        });
        let (all, elapsed) = stats;
        let mut lat: Vec<u64> = all.iter().flat_map(|s| s.latencies_us.iter().copied()).collect();
        lat.sort_unstable();
        let mut sched: Vec<u64> = all.iter().flat_map(|s| s.scheduled_us.iter().copied()).collect();
        sched.sort_unstable();
        let mut statuses: BTreeMap<u16, u64> = BTreeMap::new();
        for s in &all {
            for (k, v) in &s.statuses {
                *statuses.entry(*k).or_default() += v;
            }
        }
        let errors: u64 = all.iter().map(|s| s.errors).sum();
        let ok = statuses.get(&200).copied().unwrap_or(0);
        let secs = elapsed.as_secs_f64();
        Ok(json!({
            "mode": if args.rate > 0.0 { format!("rate {}/s", args.rate) } else { "max".to_owned() },
            "connections": args.connections,
            "seconds": secs,
            "ok": ok,
            "ok_per_sec": ok as f64 / secs,
            "statuses": statuses.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "errors": errors,
            "p50_ms": percentile(&lat, 0.50),
            "p99_ms": percentile(&lat, 0.99),
            "max_ms": lat.last().copied().unwrap_or(0) as f64 / 1000.0,
            "p99_from_schedule_ms": percentile(&sched, 0.99),
            "envelope_bytes": { "min": sizes.iter().min(), "mean": sizes.iter().sum::<usize>() / sizes.len().max(1), "max": sizes.iter().max() },
            "distinct_sites": args.issues,
        }))
    })();
    match result {
        Ok(v) => println!("{v}"),
        Err(e) => {
            eprintln!("inbox-load: {e}");
            std::process::exit(1);
        }
    }
}
