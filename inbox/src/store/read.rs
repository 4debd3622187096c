//! Read connections: a small pool used from blocking tasks. WAL lets them read while the
//! writer writes; each sees the last committed state.

use super::{open_connection, Project, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Idle read connections kept for reuse.
const MAX_IDLE_READERS: usize = 8;

/// A pool of read connections to one database file.
#[derive(Clone)]
pub struct ReadPool {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Connection>>>,
}

/// One row of the issue list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueRow {
    /// Issue id.
    pub id: u64,
    /// Project id.
    pub project_id: u64,
    /// Title.
    pub title: String,
    /// Culprit.
    pub culprit: String,
    /// Level of the latest event.
    pub level: String,
    /// `unresolved`, `resolved` or `ignored`.
    pub status: String,
    /// Whether it reopened after being resolved.
    pub regressed: bool,
    /// Events.
    pub count: u64,
    /// Distinct users.
    pub user_count: u64,
    /// First event received (ms).
    pub first_seen_ms: u64,
    /// Last event received (ms).
    pub last_seen_ms: u64,
    /// The last exception's type and value.
    pub exception_type: Option<String>,
    /// See `exception_type`.
    pub exception_value: Option<String>,
    /// Which grouping rule applied.
    pub basis: String,
    /// Grouping components (JSON array).
    pub components: String,
}

/// One stored event.
#[derive(Clone, Debug)]
pub struct EventRow {
    /// Row id.
    pub id: u64,
    /// Issue id.
    pub issue_id: u64,
    /// 32 hex digits.
    pub event_id: String,
    /// Received (ms).
    pub received_ms: u64,
    /// The event's timestamp (ms).
    pub timestamp_ms: u64,
    /// Normalized level.
    pub level: String,
    /// Title.
    pub title: String,
    /// Normalization errors (JSON array), if any.
    pub errors: Option<String>,
    /// The payload as received.
    pub raw: Vec<u8>,
}

/// Columns 8 and 9 (`raw`, `raw_codec`) as the payload as received.
fn stored_payload(r: &rusqlite::Row<'_>) -> rusqlite::Result<Vec<u8>> {
    let codec: Option<String> = r.get(9)?;
    super::codec::unpack(codec.as_deref(), r.get(8)?)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(8, rusqlite::types::Type::Blob, Box::new(e)))
}

fn issue_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IssueRow> {
    Ok(IssueRow {
        id: r.get::<_, i64>(0)? as u64,
        project_id: r.get::<_, i64>(1)? as u64,
        title: r.get(2)?,
        culprit: r.get(3)?,
        level: r.get(4)?,
        status: r.get(5)?,
        regressed: r.get::<_, i64>(6)? != 0,
        count: r.get::<_, i64>(7)? as u64,
        user_count: r.get::<_, i64>(8)? as u64,
        first_seen_ms: r.get::<_, i64>(9)? as u64,
        last_seen_ms: r.get::<_, i64>(10)? as u64,
        exception_type: r.get(11)?,
        exception_value: r.get(12)?,
        basis: r.get(13)?,
        components: r.get(14)?,
    })
}

const ISSUE_COLUMNS: &str = "id, project_id, title, culprit, level, status, regressed, event_count, user_count,
     first_seen_ms, last_seen_ms, type, value, basis, components";

impl ReadPool {
    /// A pool for the database at `path`.
    pub fn new(path: PathBuf) -> Self {
        ReadPool { path, idle: Arc::new(Mutex::new(Vec::new())) }
    }

    /// Runs `f` with a read connection on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let pool = self.clone();
        tokio::task::spawn_blocking(move || pool.run_blocking(f)).await.map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs `f` with a read connection on this thread.
    pub fn run_blocking<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> rusqlite::Result<T>,
    {
        let conn = match self.idle.lock().ok().and_then(|mut v| v.pop()) {
            Some(c) => c,
            None => {
                let c = open_connection(&self.path)?;
                c.pragma_update(None, "query_only", "ON")?;
                c
            }
        };
        let out = f(&conn);
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
        }
        Ok(out?)
    }
}

/// The project with this id, if any.
pub fn project(conn: &Connection, id: u64) -> rusqlite::Result<Option<Project>> {
    conn.prepare_cached("SELECT id, name, public_key FROM projects WHERE id = ?1")?
        .query_row([id as i64], |r| {
            Ok(Project { id: r.get::<_, i64>(0)? as u64, name: r.get(1)?, public_key: r.get(2)? })
        })
        .optional()
}

/// All projects.
pub fn projects(conn: &Connection) -> rusqlite::Result<Vec<Project>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, public_key FROM projects ORDER BY id")?;
    let rows =
        stmt.query_map([], |r| Ok(Project { id: r.get::<_, i64>(0)? as u64, name: r.get(1)?, public_key: r.get(2)? }))?;
    rows.collect()
}

/// Filters of the issue list.
#[derive(Clone, Debug, Default)]
pub struct IssueQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Substring of title or culprit (case-insensitive, ASCII).
    pub search: Option<String>,
    /// Only issues that saw this release.
    pub release: Option<String>,
    /// Only issues that saw this environment.
    pub environment: Option<String>,
    /// The order.
    pub sort: IssueSort,
    /// At most this many.
    pub limit: u32,
}

/// Orders of the issue list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IssueSort {
    /// Newest `lastSeen` first (the API's order).
    #[default]
    LastSeen,
    /// Newest `firstSeen` first.
    FirstSeen,
    /// Most events first.
    Events,
    /// Most users first.
    Users,
}

impl IssueSort {
    /// From a query parameter (`last`, `first`, `events`, `users`).
    pub fn parse(s: &str) -> Option<IssueSort> {
        match s {
            "last" => Some(IssueSort::LastSeen),
            "first" => Some(IssueSort::FirstSeen),
            "events" => Some(IssueSort::Events),
            "users" => Some(IssueSort::Users),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            IssueSort::LastSeen => "last_seen_ms DESC, id DESC",
            IssueSort::FirstSeen => "first_seen_ms DESC, id DESC",
            IssueSort::Events => "event_count DESC, last_seen_ms DESC",
            IssueSort::Users => "user_count DESC, last_seen_ms DESC",
        }
    }
}

/// A project's issues, newest `lastSeen` first.
pub fn issues(conn: &Connection, project_id: u64, q: &IssueQuery) -> rusqlite::Result<Vec<IssueRow>> {
    let sql = format!(
        "SELECT {ISSUE_COLUMNS} FROM issues
         WHERE project_id = ?1 AND (?2 IS NULL OR status = ?2)
           AND (?3 IS NULL OR instr(lower(title), lower(?3)) > 0 OR instr(lower(culprit), lower(?3)) > 0)
           AND (?5 IS NULL OR EXISTS (SELECT 1 FROM issue_values v
                                      WHERE v.issue_id = issues.id AND v.kind = 'release' AND v.value = ?5))
           AND (?6 IS NULL OR EXISTS (SELECT 1 FROM issue_values v
                                      WHERE v.issue_id = issues.id AND v.kind = 'environment' AND v.value = ?6))
         ORDER BY {} LIMIT ?4",
        q.sort.order_by()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows =
        stmt.query_map(params![project_id as i64, q.status, q.search, q.limit, q.release, q.environment], issue_row)?;
    rows.collect()
}

/// One issue.
pub fn issue(conn: &Connection, issue_id: u64) -> rusqlite::Result<Option<IssueRow>> {
    let sql = format!("SELECT {ISSUE_COLUMNS} FROM issues WHERE id = ?1");
    conn.prepare_cached(&sql)?.query_row([issue_id as i64], issue_row).optional()
}

/// An issue's events, newest first.
pub fn events(conn: &Connection, issue_id: u64, limit: u32) -> rusqlite::Result<Vec<EventRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, issue_id, event_id, received_ms, timestamp_ms, level, title, errors, raw, raw_codec
         FROM events WHERE issue_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![issue_id as i64, limit], |r| {
        Ok(EventRow {
            id: r.get::<_, i64>(0)? as u64,
            issue_id: r.get::<_, i64>(1)? as u64,
            event_id: r.get(2)?,
            received_ms: r.get::<_, i64>(3)? as u64,
            timestamp_ms: r.get::<_, i64>(4)? as u64,
            level: r.get(5)?,
            title: r.get(6)?,
            errors: r.get(7)?,
            raw: stored_payload(r)?,
        })
    })?;
    rows.collect()
}

/// An issue's buckets of one span (`hour` or `day`) from `since_ms` on: (start, count).
pub fn buckets(conn: &Connection, issue_id: u64, span: &str, since_ms: u64) -> rusqlite::Result<Vec<(u64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT start_ms, count FROM issue_buckets WHERE issue_id = ?1 AND span = ?2 AND start_ms >= ?3 ORDER BY start_ms",
    )?;
    let rows = stmt.query_map(params![issue_id as i64, span, since_ms as i64], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
    })?;
    rows.collect()
}

/// An issue's releases or environments (`kind`): (value, count), most events first.
pub fn values(conn: &Connection, issue_id: u64, kind: &str) -> rusqlite::Result<Vec<(String, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT value, count FROM issue_values WHERE issue_id = ?1 AND kind = ?2 ORDER BY count DESC, value",
    )?;
    let rows = stmt.query_map(params![issue_id as i64, kind], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
    rows.collect()
}

/// A project's outcome counts: (source, key, quantity).
pub fn outcomes(conn: &Connection, project_id: u64) -> rusqlite::Result<Vec<(String, String, u64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT source, key, quantity FROM outcomes WHERE project_id = ?1 ORDER BY source, key")?;
    let rows = stmt.query_map([project_id as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64)))?;
    rows.collect()
}

/// The releases and environments seen in a project (for filters): (kind, value).
pub fn project_values(conn: &Connection, project_id: u64) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT v.kind, v.value FROM issue_values v JOIN issues i ON i.id = v.issue_id
         WHERE i.project_id = ?1 ORDER BY v.kind, v.value LIMIT 200",
    )?;
    let rows = stmt.query_map([project_id as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// The ids of an issue's events just newer and just older than `event_row` (for previous/next).
pub fn neighbours(conn: &Connection, issue_id: u64, event_row: u64) -> rusqlite::Result<(Option<u64>, Option<u64>)> {
    let newer: Option<i64> = conn
        .prepare_cached("SELECT min(id) FROM events WHERE issue_id = ?1 AND id > ?2")?
        .query_row(params![issue_id as i64, event_row as i64], |r| r.get(0))?;
    let older: Option<i64> = conn
        .prepare_cached("SELECT max(id) FROM events WHERE issue_id = ?1 AND id < ?2")?
        .query_row(params![issue_id as i64, event_row as i64], |r| r.get(0))?;
    Ok((newer.map(|n| n as u64), older.map(|n| n as u64)))
}

/// One event of an issue by row id, or the newest when `event_row` is `None`.
pub fn event(conn: &Connection, issue_id: u64, event_row: Option<u64>) -> rusqlite::Result<Option<EventRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, issue_id, event_id, received_ms, timestamp_ms, level, title, errors, raw, raw_codec
         FROM events WHERE issue_id = ?1 AND (?2 IS NULL OR id = ?2) ORDER BY id DESC LIMIT 1",
    )?;
    stmt.query_row(params![issue_id as i64, event_row.map(|n| n as i64)], |r| {
        Ok(EventRow {
            id: r.get::<_, i64>(0)? as u64,
            issue_id: r.get::<_, i64>(1)? as u64,
            event_id: r.get(2)?,
            received_ms: r.get::<_, i64>(3)? as u64,
            timestamp_ms: r.get::<_, i64>(4)? as u64,
            level: r.get(5)?,
            title: r.get(6)?,
            errors: r.get(7)?,
            raw: stored_payload(r)?,
        })
    })
    .optional()
}
