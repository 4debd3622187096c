//! SQLite storage: one writer thread that owns the only write connection, and a small pool of
//! read connections.
//!
//! # Durability
//! The database runs in WAL mode with `synchronous = NORMAL`. The writer acknowledges a request
//! only after the `COMMIT` of the transaction that holds it has returned, so a committed event
//! is in the WAL file in the operating system's page cache. That survives the server process
//! being killed at any point (`kill -9`, a panic, an OOM kill): SQLite recovers the WAL on the
//! next open. It does **not** survive a power loss or kernel crash before the OS flushes the
//! page cache: in WAL mode with `synchronous = NORMAL` SQLite syncs the WAL only at
//! checkpoints, so the last transactions may be lost then (the database stays consistent).
//! `synchronous = FULL` would close that gap at the price of an fsync per batch.
//!
//! # Throughput
//! Requests hand their events to the writer through a bounded channel and wait for the
//! acknowledgement. The writer takes what is queued (up to [`MAX_BATCH_JOBS`]) into one
//! transaction, so under load one commit covers many requests, and the issue
//! counters are updated once per issue per batch rather than once per event.

pub mod codec;
pub mod read;
mod schema;
mod walbatch;
mod writer;

pub use read::{IssueRow, ReadPool};
pub use schema::{migrate, MIGRATIONS};
pub use writer::{EventRecord, Outcome, WriteJob, WriteResult};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use tokio::sync::{mpsc, oneshot};

/// Requests the writer takes into one transaction at most.
///
/// Small on purpose. A writer that takes everything queued puts every waiting request into
/// the same phase: while it commits one large batch, nothing is left for the request
/// handlers to parse, and while they parse the next requests, it has nothing to write, so
/// both cores idle by turns. With a few batches in flight, handlers parse while the writer
/// writes. Measured with the bench (32 connections): 2,048 → 20.5k events/s, 16 → 22.1k,
/// 8 → 22.6k; a commit costs little beside its events (one WAL write, `walbatch.rs`), so 16
/// keeps most of that and the gain of batching for many more connections.
pub const MAX_BATCH_JOBS: usize = 16;

/// Requests that may wait for the writer before senders wait for room (backpressure).
pub const WRITE_QUEUE: usize = 8192;

/// Opening or using the store failed.
#[derive(Debug)]
pub enum StoreError {
    /// Occurs when SQLite reports an error.
    Sqlite(rusqlite::Error),
    /// Occurs when the writer thread is gone (it stops only when the process does).
    WriterGone,
    /// Occurs when a blocking read task could not run.
    Task(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "database error: {e}"),
            StoreError::WriterGone => write!(f, "database writer has stopped"),
            StoreError::Task(e) => write!(f, "database read task failed: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

/// A project and its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The numeric id, the last segment of the DSN.
    pub id: u64,
    /// A display name.
    pub name: String,
    /// The DSN's public key (32 hex digits).
    pub public_key: String,
}

impl Project {
    /// The DSN for this project at `host` (`127.0.0.1:8765`).
    pub fn dsn(&self, host: &str) -> String {
        format!("http://{}@{}/{}", self.public_key, host, self.id)
    }
}

/// Opens a connection with the settings every connection here uses.
pub fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    configure(Connection::open_with_flags(path, flags)?)
}

/// Opens the writer's connection: [`open_connection`]'s settings, through the VFS that
/// writes each commit's WAL frames in one system call (`walbatch.rs`).
fn open_writer_connection(path: &Path) -> Result<Connection, StoreError> {
    let vfs = walbatch::register()
        .map_err(|rc| StoreError::Task(format!("cannot register the WAL-batching VFS: sqlite error {rc}")))?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = configure(Connection::open_with_flags_and_vfs(path, flags, vfs)?)?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn configure(conn: Connection) -> rusqlite::Result<Connection> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // WAL: readers never block the writer and a commit appends to one file. NORMAL: see the
    // module docs for what it covers.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // 16 MiB of page cache and memory-mapped reads: pages of the database file are read
    // through the map, and checkpoints read without a syscall per page. 64 MiB was slower
    // for the writer: SQLite scans the whole page-cache hash table at the end of every
    // write transaction (pcache1TruncateUnsafe, 16% of the writer's own CPU), and its size
    // follows the cache's (bench: 22.1k -> 23.4k events/s in 10 s, 19.9k -> 21.1k in 25 s).
    // (16 KiB pages were tried too: slower, as every random index page a batch touches then
    // costs four times the bytes.)
    conn.pragma_update(None, "cache_size", -16384)?;
    conn.pragma_update(None, "mmap_size", 268_435_456)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Opens the database at `path`, creating and migrating it as needed.
pub fn open_and_migrate(path: &Path) -> rusqlite::Result<Connection> {
    let mut conn = open_connection(path)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// 16 random bytes from the operating system as 32 hex digits: a public key.
pub fn random_key() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Creates a project with a new random key.
pub fn create_project(conn: &Connection, name: &str, now_ms: u64) -> Result<Project, String> {
    let key = random_key().map_err(|e| format!("no randomness from the operating system: {e}"))?;
    conn.execute(
        "INSERT INTO projects (name, public_key, created_ms) VALUES (?1, ?2, ?3)",
        params![name, key, now_ms as i64],
    )
    .map_err(|e| format!("cannot create project: {e}"))?;
    let id = u64::try_from(conn.last_insert_rowid()).map_err(|_| "negative project id".to_owned())?;
    Ok(Project { id, name: name.to_owned(), public_key: key })
}

/// The first project, created as "default" when there is none yet.
pub fn default_project(conn: &Connection, now_ms: u64) -> Result<Project, String> {
    let existing = conn
        .query_row("SELECT id, name, public_key FROM projects ORDER BY id LIMIT 1", [], |r| {
            Ok(Project { id: r.get::<_, i64>(0)? as u64, name: r.get(1)?, public_key: r.get(2)? })
        })
        .optional()
        .map_err(|e| format!("cannot read projects: {e}"))?;
    match existing {
        Some(p) => Ok(p),
        None => create_project(conn, "default", now_ms),
    }
}

/// Copies committed WAL frames into the database file every 100 ms, or every 10 ms while it
/// is behind (PASSIVE: never waits for the writer or readers). Once a checkpoint has copied
/// everything, the writer's next transaction starts the WAL file over; under steady load that
/// takes the writer's help (`writer::WAL_RESTART_PAGES`).
fn checkpoint_loop(conn: Connection) {
    let mut behind = false;
    loop {
        // Behind the writer (it appended while this copied): go on soon, so that the
        // writer's own checkpoint (see `writer::WAL_RESTART_PAGES`) has little left to copy.
        std::thread::sleep(std::time::Duration::from_millis(if behind { 10 } else { 100 }));
        let r =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)));
        behind = matches!(r, Ok((log, copied)) if copied < log);
    }
}

/// The store: the writer's queue and the read pool.
#[derive(Clone)]
pub struct Store {
    writer: mpsc::Sender<WriteJob>,
    /// Read connections.
    pub reads: ReadPool,
    path: PathBuf,
}

impl Store {
    /// Opens (creating and migrating) the database and starts the writer thread.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = open_writer_connection(path)?;
        // Checkpoints run on their own thread, not inside the writer's commits, where they
        // made the slowest answers several times slower (measured: p99 at 1,000 events/s).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let ck = open_connection(path)?;
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(ck))
            .map_err(|e| StoreError::Task(format!("cannot start the checkpoint thread: {e}")))?;
        let (tx, rx) = mpsc::channel(WRITE_QUEUE);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer::run(conn, rx))
            .map_err(|e| StoreError::Task(format!("cannot start the writer thread: {e}")))?;
        Ok(Store { writer: tx, reads: ReadPool::new(path.to_owned()), path: path.to_owned() })
    }

    /// Where the database is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Hands events and outcomes of one request to the writer and waits until they are
    /// committed. Returns, per event, whether it was new (`false`: a duplicate event id).
    pub async fn write(&self, project_id: u64, events: Vec<EventRecord>, outcomes: Vec<Outcome>) -> WriteResult {
        let (ack, done) = oneshot::channel();
        let job = WriteJob::Ingest { project_id, events, outcomes, ack };
        self.writer.send(job).await.map_err(|_| StoreError::WriterGone.to_string())?;
        done.await.map_err(|_| StoreError::WriterGone.to_string())?
    }

    /// Sets an issue's status (`unresolved`, `resolved`, `ignored`); `false` when there is no
    /// such issue.
    pub async fn set_status(&self, issue_id: u64, status: &'static str) -> Result<bool, String> {
        let (ack, done) = oneshot::channel();
        self.writer
            .send(WriteJob::SetStatus { issue_id, status, ack })
            .await
            .map_err(|_| StoreError::WriterGone.to_string())?;
        done.await.map_err(|_| StoreError::WriterGone.to_string())?
    }
}
