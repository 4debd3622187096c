//! The schema as an embedded list of migrations: plain SQL compiled into the binary, applied in
//! order, each in its own transaction, with the number of the last one applied kept in
//! `schema_version`. A migration is never edited once released; changes append a new one.

use rusqlite::{Connection, OptionalExtension};

/// The migrations, in order. Index + 1 is the schema version after applying it.
pub const MIGRATIONS: &[&str] = &[
    // 1: projects, issues with their counts, events, and the per-issue sets and buckets that
    //    the writer keeps up to date in the same transaction as each event.
    r#"
CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    public_key  TEXT NOT NULL UNIQUE,
    created_ms  INTEGER NOT NULL
);
CREATE TABLE issues (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    hash          TEXT NOT NULL,
    basis         TEXT NOT NULL,
    components    TEXT NOT NULL,
    title         TEXT NOT NULL,
    culprit       TEXT NOT NULL,
    level         TEXT NOT NULL,
    type          TEXT,
    value         TEXT,
    status        TEXT NOT NULL DEFAULT 'unresolved',
    regressed     INTEGER NOT NULL DEFAULT 0,
    event_count   INTEGER NOT NULL DEFAULT 0,
    user_count    INTEGER NOT NULL DEFAULT 0,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms  INTEGER NOT NULL,
    UNIQUE (project_id, hash)
);
CREATE INDEX issues_by_last_seen ON issues (project_id, last_seen_ms DESC);
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL,
    issue_id     INTEGER NOT NULL REFERENCES issues(id),
    event_id     TEXT NOT NULL,
    received_ms  INTEGER NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    level        TEXT NOT NULL,
    title        TEXT NOT NULL,
    user_key     TEXT,
    release      TEXT,
    environment  TEXT,
    errors       TEXT,
    raw          BLOB NOT NULL,
    UNIQUE (project_id, event_id)
);
CREATE INDEX events_by_issue ON events (issue_id, id DESC);
CREATE TABLE issue_users (
    issue_id INTEGER NOT NULL,
    user_key TEXT NOT NULL,
    PRIMARY KEY (issue_id, user_key)
) WITHOUT ROWID;
CREATE TABLE issue_buckets (
    issue_id INTEGER NOT NULL,
    span     TEXT NOT NULL,      -- 'hour' or 'day'
    start_ms INTEGER NOT NULL,   -- UTC start of the hour or day
    count    INTEGER NOT NULL,
    PRIMARY KEY (issue_id, span, start_ms)
) WITHOUT ROWID;
CREATE TABLE issue_values (
    issue_id      INTEGER NOT NULL,
    kind          TEXT NOT NULL, -- 'release' or 'environment'
    value         TEXT NOT NULL,
    count         INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms  INTEGER NOT NULL,
    PRIMARY KEY (issue_id, kind, value)
) WITHOUT ROWID;
CREATE TABLE outcomes (
    project_id INTEGER NOT NULL,
    source     TEXT NOT NULL,    -- 'item' (items by type), 'client_report', 'session'
    key        TEXT NOT NULL,
    quantity   INTEGER NOT NULL,
    PRIMARY KEY (project_id, source, key)
) WITHOUT ROWID;
"#,
    // 2: the form `events.raw` is in: NULL as received, 'lz4' compressed (see store/codec.rs).
    "ALTER TABLE events ADD COLUMN raw_codec TEXT;",
];

/// Brings `conn` to the newest schema. Returns the version it is at.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<usize> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let current: Option<i64> = conn.query_row("SELECT version FROM schema_version", [], |r| r.get(0)).optional()?;
    let mut version = usize::try_from(current.unwrap_or(0)).unwrap_or(0);
    if current.is_none() {
        conn.execute("INSERT INTO schema_version (version) VALUES (0)", [])?;
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute("UPDATE schema_version SET version = ?1", [i as i64 + 1])?;
        tx.commit()?;
        version = i + 1;
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_are_idempotent() -> rusqlite::Result<()> {
        let mut conn = Connection::open_in_memory()?;
        assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
        assert_eq!(migrate(&mut conn)?, MIGRATIONS.len());
        let n: i64 = conn.query_row("SELECT count(*) FROM schema_version", [], |r| r.get(0))?;
        assert_eq!(n, 1);
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('projects', 'issues', 'events')",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(tables, 3);
        Ok(())
    }
}
