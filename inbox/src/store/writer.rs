//! The writer thread: the only code that writes to the database.
//!
//! It blocks for the next job, then takes every job already queued (up to
//! [`super::MAX_BATCH_JOBS`]) and runs them in one transaction. Issue counters, hourly and daily
//! buckets and release/environment sets are summed per batch in memory and written once per
//! issue. After `COMMIT` returns, each job is acknowledged. If the batch fails, it is rolled
//! back and its jobs are run again one transaction each, so that one bad job fails alone.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::cell::Cell;
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// What the writer answers for an ingest job: per event, whether it was new.
pub type WriteResult = Result<Vec<bool>, String>;

/// One event, normalized and grouped, ready to store.
#[derive(Clone, Debug)]
pub struct EventRecord {
    /// 32 hex digits.
    pub event_id: String,
    /// When the server received it (ms since the epoch).
    pub received_ms: u64,
    /// The event's own timestamp, or the received time when it had none or a bad one.
    pub timestamp_ms: u64,
    /// `debug`, `info`, `warning`, `error` or `fatal`.
    pub level: String,
    /// The issue title this event would give (`TypeError: x is undefined`).
    pub title: String,
    /// Where it happened (`src/cart.js in total`).
    pub culprit: String,
    /// The last exception's type and value.
    pub exception_type: Option<String>,
    /// See `exception_type`.
    pub exception_value: Option<String>,
    /// The grouping hash (32 hex digits).
    pub hash: String,
    /// Which grouping rule applied.
    pub basis: &'static str,
    /// The grouping components, as a JSON array.
    pub components: String,
    /// The affected user: id, else email, else username, else IP address.
    pub user_key: Option<String>,
    /// `release`.
    pub release: Option<String>,
    /// `environment`.
    pub environment: Option<String>,
    /// The normalization errors as a JSON array, when there were any.
    pub errors: Option<String>,
    /// The event payload as received (after the body's `Content-Encoding` was undone), in
    /// the form `raw_codec` names (see [`super::codec`]).
    pub raw: Vec<u8>,
    /// `None` when `raw` is the payload as received, else its codec.
    pub raw_codec: Option<&'static str>,
}

/// A count of accepted non-event data: items by type, client report discards, session updates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// `item`, `client_report` or `session`.
    pub source: &'static str,
    /// The item type, `reason:category`, or the session status.
    pub key: String,
    /// How many.
    pub quantity: u64,
}

/// Work for the writer.
pub enum WriteJob {
    /// Store the events and outcomes of one request.
    Ingest {
        /// The project they belong to.
        project_id: u64,
        /// The events.
        events: Vec<EventRecord>,
        /// The outcomes.
        outcomes: Vec<Outcome>,
        /// Answered after COMMIT.
        ack: oneshot::Sender<WriteResult>,
    },
    /// Change an issue's status.
    SetStatus {
        /// The issue.
        issue_id: u64,
        /// `unresolved`, `resolved` or `ignored`.
        status: &'static str,
        /// Answered after COMMIT: whether the issue exists.
        ack: oneshot::Sender<Result<bool, String>>,
    },
}

/// Counter changes of one issue within a batch.
#[derive(Default)]
struct Delta {
    events: i64,
    users: i64,
    last_seen_ms: u64,
    level: String,
    title: String,
    culprit: String,
    buckets: HashMap<(&'static str, u64), i64>,
    values: HashMap<(&'static str, String), (i64, u64, u64)>,
}

const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 86_400_000;

/// WAL pages after which the writer finishes a checkpoint itself (64 MiB of 4 KiB pages).
///
/// The checkpoint thread copies WAL frames into the database file while the writer goes on
/// appending, so under steady load its passive checkpoints never catch up with the end of the
/// WAL, and SQLite starts the WAL over only after a checkpoint that did. The WAL then grew
/// without bound (800 MB in 6 s of the bench), and every commit extended the file, which
/// the kernel pays for by zeroing fresh page-cache pages (a fifth of the writer's time). Past
/// this size the writer, between two batches, runs a passive checkpoint of its own: the
/// checkpoint thread has already copied nearly all of it, so this copies the rest and lets the
/// next transaction write the WAL from its start again, over pages that are in the cache.
const WAL_RESTART_PAGES: i32 = 16_384;

thread_local! {
    /// Pages in the WAL after the last commit of this thread's connection (SQLite's WAL hook).
    static WAL_PAGES: Cell<i32> = const { Cell::new(0) };
}

fn note_wal_pages(_: &rusqlite::hooks::Wal, pages: std::ffi::c_int) -> rusqlite::Result<()> {
    WAL_PAGES.with(|p| p.set(pages));
    Ok(())
}

/// Runs the writer's checkpoint when the WAL has grown past [`WAL_RESTART_PAGES`].
fn restart_wal_if_large(conn: &Connection) {
    if WAL_PAGES.with(Cell::get) < WAL_RESTART_PAGES {
        return;
    }
    // PASSIVE: never waits. Busy (the checkpoint thread is copying) or readers still on old
    // frames: it is tried again after the next batch.
    let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    });
    if let Ok((0, log, copied)) = done {
        if log == copied {
            WAL_PAGES.with(|p| p.set(0));
        }
    }
}

/// The writer loop; returns when every sender is gone.
pub fn run(mut conn: Connection, mut rx: mpsc::Receiver<WriteJob>) {
    conn.wal_hook(Some(note_wal_pages));
    // Issue ids by (project, hash): committed issues only, so a rolled-back batch cannot leave
    // ids here that do not exist.
    let mut issues: HashMap<(u64, String), i64> = HashMap::new();
    let mut batch = Vec::with_capacity(64);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < super::MAX_BATCH_JOBS {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let jobs = std::mem::take(&mut batch);
        match run_batch(&mut conn, &jobs, &mut issues) {
            Ok(results) => acknowledge(jobs, results),
            Err(_) => {
                // Run each job alone so that only the one that fails is answered with an error.
                for job in jobs {
                    let one = std::slice::from_ref(&job);
                    match run_batch(&mut conn, one, &mut issues) {
                        Ok(results) => acknowledge(vec![job], results),
                        Err(e) => acknowledge(vec![job], vec![JobResult::Failed(e.to_string())]),
                    }
                }
            }
        }
        restart_wal_if_large(&conn);
    }
}

enum JobResult {
    Ingested(Vec<bool>),
    Status(bool),
    Failed(String),
}

fn acknowledge(jobs: Vec<WriteJob>, results: Vec<JobResult>) {
    for (job, result) in jobs.into_iter().zip(results) {
        // A requester that has gone away (client disconnected) needs no answer.
        match (job, result) {
            (WriteJob::Ingest { ack, .. }, JobResult::Ingested(v)) => {
                let _ = ack.send(Ok(v));
            }
            (WriteJob::Ingest { ack, .. }, JobResult::Failed(e)) => {
                let _ = ack.send(Err(e));
            }
            (WriteJob::SetStatus { ack, .. }, JobResult::Status(found)) => {
                let _ = ack.send(Ok(found));
            }
            (WriteJob::SetStatus { ack, .. }, JobResult::Failed(e)) => {
                let _ = ack.send(Err(e));
            }
            (WriteJob::Ingest { ack, .. }, JobResult::Status(_)) => {
                let _ = ack.send(Err("internal: mismatched writer result".into()));
            }
            (WriteJob::SetStatus { ack, .. }, JobResult::Ingested(_)) => {
                let _ = ack.send(Err("internal: mismatched writer result".into()));
            }
        }
    }
}

fn run_batch(
    conn: &mut Connection,
    jobs: &[WriteJob],
    issues: &mut HashMap<(u64, String), i64>,
) -> rusqlite::Result<Vec<JobResult>> {
    let tx = conn.transaction()?;
    let mut new_issues: HashMap<(u64, String), i64> = HashMap::new();
    let mut deltas: HashMap<i64, Delta> = HashMap::new();
    let mut results = Vec::with_capacity(jobs.len());
    for job in jobs {
        match job {
            WriteJob::Ingest { project_id, events, outcomes, .. } => {
                let mut inserted = Vec::with_capacity(events.len());
                for ev in events {
                    inserted.push(insert_event(&tx, *project_id, ev, issues, &mut new_issues, &mut deltas)?);
                }
                for o in outcomes {
                    tx.prepare_cached(
                        "INSERT INTO outcomes (project_id, source, key, quantity) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (project_id, source, key) DO UPDATE SET quantity = quantity + excluded.quantity",
                    )?
                    .execute(params![*project_id as i64, o.source, o.key, o.quantity as i64])?;
                }
                results.push(JobResult::Ingested(inserted));
            }
            WriteJob::SetStatus { issue_id, status, .. } => {
                // Pending counter changes of this issue must land before a status change, so
                // that a resolve after an event in the same batch is not undone by it.
                if let Some(d) = deltas.remove(&(*issue_id as i64)) {
                    apply_delta(&tx, *issue_id as i64, d)?;
                }
                let n = tx.execute(
                    "UPDATE issues SET status = ?1, regressed = 0 WHERE id = ?2",
                    params![status, *issue_id as i64],
                )?;
                results.push(JobResult::Status(n > 0));
            }
        }
    }
    for (issue_id, d) in deltas {
        apply_delta(&tx, issue_id, d)?;
    }
    tx.commit()?;
    issues.extend(new_issues);
    Ok(results)
}

fn insert_event(
    tx: &Transaction<'_>,
    project_id: u64,
    ev: &EventRecord,
    issues: &HashMap<(u64, String), i64>,
    new_issues: &mut HashMap<(u64, String), i64>,
    deltas: &mut HashMap<i64, Delta>,
) -> rusqlite::Result<bool> {
    let key = (project_id, ev.hash.clone());
    let issue_id = match issues.get(&key).or_else(|| new_issues.get(&key)) {
        Some(id) => *id,
        None => {
            let found: Option<i64> = tx
                .prepare_cached("SELECT id FROM issues WHERE project_id = ?1 AND hash = ?2")?
                .query_row(params![project_id as i64, ev.hash], |r| r.get(0))
                .optional()?;
            let id = match found {
                Some(id) => id,
                None => {
                    tx.prepare_cached(
                        "INSERT INTO issues (project_id, hash, basis, components, title, culprit, level, type, value,
                                             first_seen_ms, last_seen_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                    )?
                    .execute(params![
                        project_id as i64,
                        ev.hash,
                        ev.basis,
                        ev.components,
                        ev.title,
                        ev.culprit,
                        ev.level,
                        ev.exception_type,
                        ev.exception_value,
                        ev.received_ms as i64
                    ])?;
                    tx.last_insert_rowid()
                }
            };
            new_issues.insert(key, id);
            id
        }
    };
    let n = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO events (project_id, issue_id, event_id, received_ms, timestamp_ms, level, title,
                                           user_key, release, environment, errors, raw, raw_codec)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            project_id as i64,
            issue_id,
            ev.event_id,
            ev.received_ms as i64,
            ev.timestamp_ms as i64,
            ev.level,
            ev.title,
            ev.user_key,
            ev.release,
            ev.environment,
            ev.errors,
            ev.raw,
            ev.raw_codec
        ])?;
    if n == 0 {
        // The same event id again (an SDK retrying after a lost answer): stored once, counted once.
        return Ok(false);
    }
    let d = deltas.entry(issue_id).or_default();
    d.events += 1;
    if ev.received_ms >= d.last_seen_ms {
        d.last_seen_ms = ev.received_ms;
        d.level.clone_from(&ev.level);
        d.title.clone_from(&ev.title);
        d.culprit.clone_from(&ev.culprit);
    }
    if let Some(user) = &ev.user_key {
        let added = tx
            .prepare_cached("INSERT OR IGNORE INTO issue_users (issue_id, user_key) VALUES (?1, ?2)")?
            .execute(params![issue_id, user])?;
        d.users += added as i64;
    }
    *d.buckets.entry(("hour", ev.received_ms / HOUR_MS * HOUR_MS)).or_default() += 1;
    *d.buckets.entry(("day", ev.received_ms / DAY_MS * DAY_MS)).or_default() += 1;
    for (kind, value) in [("release", &ev.release), ("environment", &ev.environment)] {
        if let Some(v) = value {
            let e = d.values.entry((kind, v.clone())).or_insert((0, ev.received_ms, ev.received_ms));
            e.0 += 1;
            e.1 = e.1.min(ev.received_ms);
            e.2 = e.2.max(ev.received_ms);
        }
    }
    Ok(true)
}

fn apply_delta(tx: &Transaction<'_>, issue_id: i64, d: Delta) -> rusqlite::Result<()> {
    if d.events == 0 {
        return Ok(());
    }
    // A new event on a resolved issue is a regression: it opens again.
    tx.prepare_cached(
        "UPDATE issues SET event_count = event_count + ?2, user_count = user_count + ?3,
                last_seen_ms = max(last_seen_ms, ?4), level = ?5, title = ?6, culprit = ?7,
                regressed = CASE WHEN status = 'resolved' THEN 1 ELSE regressed END,
                status = CASE WHEN status = 'resolved' THEN 'unresolved' ELSE status END
         WHERE id = ?1",
    )?
    .execute(params![issue_id, d.events, d.users, d.last_seen_ms as i64, d.level, d.title, d.culprit])?;
    for ((span, start), count) in d.buckets {
        tx.prepare_cached(
            "INSERT INTO issue_buckets (issue_id, span, start_ms, count) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (issue_id, span, start_ms) DO UPDATE SET count = count + excluded.count",
        )?
        .execute(params![issue_id, span, start as i64, count])?;
    }
    for ((kind, value), (count, first, last)) in d.values {
        tx.prepare_cached(
            "INSERT INTO issue_values (issue_id, kind, value, count, first_seen_ms, last_seen_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (issue_id, kind, value) DO UPDATE SET count = count + excluded.count,
                 first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
                 last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)",
        )?
        .execute(params![issue_id, kind, value, count, first as i64, last as i64])?;
    }
    Ok(())
}
