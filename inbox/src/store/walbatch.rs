//! A VFS that writes each commit's WAL frames to the file in one `write`, for the writer's
//! connection.
//!
//! SQLite's unix VFS writes a WAL frame as two `pwrite`s: its 24-byte header, then the page.
//! A batch of events dirties a few hundred pages, so a commit made hundreds of system calls,
//! each paying the kernel's per-call and per-page bookkeeping (a third of the writer thread's
//! time, measured with `perf`). This VFS wraps the default one and, for WAL files only,
//! gathers contiguous writes in memory and hands them to the wrapped VFS in one call when the
//! commit's last frame has been written.
//!
//! # Why this keeps SQLite's guarantees
//! A commit becomes visible to other connections only when SQLite updates the WAL index in
//! shared memory, after it has written every frame of the commit; the commit frame, whose
//! header carries the database size (bytes 4..8, non-zero only there), is written last. The
//! buffer is written out when that frame's page arrives, inside that `xWrite` call, so a
//! failure is reported to SQLite as the failed write it is, and the commit fails. No reader
//! can see frames that are still in memory. Only appends wait in the buffer: a write anywhere
//! else (SQLite rewriting a frame or the checksums of the open transaction after a cache
//! spill, or starting the log over) writes the buffer out and goes straight through, and so
//! does any other operation on the WAL file (read, size, sync, truncate, lock, close, file
//! control), so SQLite's own reads always see what it wrote. A process killed before
//! the write loses only a commit that had not returned, as without this VFS; what survives a
//! power loss is unchanged too (`synchronous = NORMAL` syncs the WAL at checkpoints, which
//! call `xSync`, which writes the buffer out first).

use rusqlite::ffi;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

/// The name the VFS is registered under.
pub const NAME: &CStr = c"errorbeacon-walbatch";

/// Bytes gathered before they are written even without a commit (a large transaction).
const MAX_BUFFER: usize = 8 * 1024 * 1024;

/// Bytes handed to the wrapped VFS in one call: its unix `xWrite` takes less than 128 KiB
/// at a time (`seekAndWriteFd` masks the length to 17 bits).
const MAX_WRITE: usize = 64 * 1024;

/// The size of a WAL frame header (`WAL_FRAME_HDRSIZE` in SQLite's wal.c).
const FRAME_HEADER: usize = 24;

/// Registers the VFS (once per process); returns its name, or SQLite's error code.
pub fn register() -> Result<&'static CStr, c_int> {
    static REGISTERED: OnceLock<Result<(), c_int>> = OnceLock::new();
    REGISTERED.get_or_init(|| unsafe { register_once() }).map(|()| NAME)
}

unsafe fn register_once() -> Result<(), c_int> {
    // Safety: sqlite3_vfs_find initializes SQLite and returns the default VFS, which lives as
    // long as the process.
    let base = ffi::sqlite3_vfs_find(std::ptr::null());
    if base.is_null() {
        return Err(ffi::SQLITE_ERROR);
    }
    let mut vfs = *base;
    vfs.szOsFile = REAL_OFFSET as c_int + (*base).szOsFile;
    vfs.zName = NAME.as_ptr();
    vfs.pAppData = base.cast();
    vfs.pNext = std::ptr::null_mut();
    vfs.xOpen = Some(x_open);
    // SQLite keeps the pointer for the life of the process.
    let vfs: &'static mut ffi::sqlite3_vfs = Box::leak(Box::new(vfs));
    match ffi::sqlite3_vfs_register(vfs, 0) {
        ffi::SQLITE_OK => Ok(()),
        rc => Err(rc),
    }
}

/// The file object SQLite allocates (`szOsFile` bytes): ours, then the wrapped VFS's.
#[repr(C)]
struct File {
    base: ffi::sqlite3_file,
    /// The write buffer; null for files other than WAL files.
    wal: *mut WalBuffer,
}

/// Where the wrapped VFS's file object starts, aligned for any of its fields.
const REAL_OFFSET: usize = std::mem::size_of::<File>().next_multiple_of(16);

struct WalBuffer {
    bytes: Vec<u8>,
    /// The file offset of `bytes[0]`.
    start: i64,
    /// Where the last write ended: a write there appends to the log.
    next: i64,
    /// The last write was the header of a commit frame: the next one ends the commit.
    commit_next: bool,
}

unsafe fn real(file: *mut ffi::sqlite3_file) -> *mut ffi::sqlite3_file {
    file.cast::<u8>().add(REAL_OFFSET).cast()
}

unsafe fn real_methods(file: *mut ffi::sqlite3_file) -> Option<&'static ffi::sqlite3_io_methods> {
    (*real(file)).pMethods.as_ref()
}

unsafe extern "C" fn x_open(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let f = file.cast::<File>();
    (*f).base.pMethods = std::ptr::null();
    (*f).wal = std::ptr::null_mut();
    let base = (*vfs).pAppData.cast::<ffi::sqlite3_vfs>();
    let Some(open) = base.as_ref().and_then(|b| b.xOpen) else { return ffi::SQLITE_ERROR };
    let rc = open(base, name, real(file), flags, out_flags);
    // SQLite calls xClose whenever pMethods is set, even after a failed open: mirror the
    // wrapped file.
    if !(*real(file)).pMethods.is_null() {
        (*f).base.pMethods = &METHODS;
        if rc == ffi::SQLITE_OK && flags & ffi::SQLITE_OPEN_WAL != 0 {
            (*f).wal = Box::into_raw(Box::new(WalBuffer { bytes: Vec::new(), start: 0, next: 0, commit_next: false }));
        }
    }
    rc
}

/// Writes the buffer out (nothing for other files or an empty buffer).
unsafe fn flush(file: *mut ffi::sqlite3_file) -> c_int {
    let f = file.cast::<File>();
    let Some(w) = (*f).wal.as_mut() else { return ffi::SQLITE_OK };
    w.commit_next = false;
    if w.bytes.is_empty() {
        return ffi::SQLITE_OK;
    }
    let Some(write) = real_methods(file).and_then(|m| m.xWrite) else { return ffi::SQLITE_IOERR_WRITE };
    let mut rc = ffi::SQLITE_OK;
    let mut offset = w.start;
    for chunk in w.bytes.chunks(MAX_WRITE) {
        // MAX_WRITE fits an int.
        rc = write(real(file), chunk.as_ptr().cast(), chunk.len() as c_int, offset);
        if rc != ffi::SQLITE_OK {
            break;
        }
        offset += chunk.len() as i64;
    }
    w.bytes.clear();
    rc
}

unsafe extern "C" fn x_write(file: *mut ffi::sqlite3_file, data: *const c_void, amt: c_int, offset: i64) -> c_int {
    let f = file.cast::<File>();
    let (Some(w), Ok(len)) = ((*f).wal.as_mut(), usize::try_from(amt)) else {
        return match real_methods(file).and_then(|m| m.xWrite) {
            Some(write) => write(real(file), data, amt, offset),
            None => ffi::SQLITE_IOERR_WRITE,
        };
    };
    let end = offset.saturating_add(len as i64);
    if offset != w.next {
        // Not an append: SQLite rewriting a frame of the open transaction, or its checksums,
        // or starting the log over. Written through at once, after what is buffered, so that
        // nothing but appends waits for the commit frame.
        w.next = end;
        let rc = flush(file);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        return match real_methods(file).and_then(|m| m.xWrite) {
            Some(write) => write(real(file), data, amt, offset),
            None => ffi::SQLITE_IOERR_WRITE,
        };
    }
    let data = std::slice::from_raw_parts(data.cast::<u8>(), len);
    if w.bytes.is_empty() {
        w.start = offset;
    }
    w.next = end;
    w.bytes.extend_from_slice(data);
    let ends_commit = w.commit_next;
    w.commit_next = len == FRAME_HEADER && data.get(4..8).is_some_and(|size| size != [0; 4]);
    if ends_commit || w.bytes.len() >= MAX_BUFFER {
        return flush(file);
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    let f = file.cast::<File>();
    let flushed = flush(file);
    if !(*f).wal.is_null() {
        drop(Box::from_raw((*f).wal));
        (*f).wal = std::ptr::null_mut();
    }
    let rc = match real_methods(file).and_then(|m| m.xClose) {
        Some(close) => close(real(file)),
        None => ffi::SQLITE_OK,
    };
    if flushed != ffi::SQLITE_OK {
        flushed
    } else {
        rc
    }
}

/// A method that writes the buffer out, then calls the wrapped one.
macro_rules! flushing {
    ($name:ident, $field:ident, $err:expr, ($($arg:ident: $ty:ty),*)) => {
        unsafe extern "C" fn $name(file: *mut ffi::sqlite3_file $(, $arg: $ty)*) -> c_int {
            let rc = flush(file);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
            match real_methods(file).and_then(|m| m.$field) {
                Some(method) => method(real(file) $(, $arg)*),
                None => $err,
            }
        }
    };
}

/// A method that only calls the wrapped one.
macro_rules! forwarding {
    ($name:ident, $field:ident, $ret:ty, $err:expr, ($($arg:ident: $ty:ty),*)) => {
        unsafe extern "C" fn $name(file: *mut ffi::sqlite3_file $(, $arg: $ty)*) -> $ret {
            match real_methods(file).and_then(|m| m.$field) {
                Some(method) => method(real(file) $(, $arg)*),
                None => $err,
            }
        }
    };
}

flushing!(x_read, xRead, ffi::SQLITE_IOERR_READ, (buf: *mut c_void, amt: c_int, offset: i64));
flushing!(x_truncate, xTruncate, ffi::SQLITE_IOERR_TRUNCATE, (size: i64));
flushing!(x_sync, xSync, ffi::SQLITE_IOERR_FSYNC, (flags: c_int));
flushing!(x_file_size, xFileSize, ffi::SQLITE_IOERR_FSTAT, (size: *mut i64));
flushing!(x_lock, xLock, ffi::SQLITE_IOERR_LOCK, (level: c_int));
flushing!(x_unlock, xUnlock, ffi::SQLITE_IOERR_UNLOCK, (level: c_int));
flushing!(x_check_reserved_lock, xCheckReservedLock, ffi::SQLITE_IOERR_CHECKRESERVEDLOCK, (out: *mut c_int));
flushing!(x_file_control, xFileControl, ffi::SQLITE_NOTFOUND, (op: c_int, arg: *mut c_void));
forwarding!(x_sector_size, xSectorSize, c_int, 4096, ());
forwarding!(x_device_characteristics, xDeviceCharacteristics, c_int, 0, ());
forwarding!(x_shm_map, xShmMap, c_int, ffi::SQLITE_IOERR_SHMMAP, (page: c_int, size: c_int, extend: c_int, out: *mut *mut c_void));
forwarding!(x_shm_lock, xShmLock, c_int, ffi::SQLITE_IOERR_SHMLOCK, (offset: c_int, n: c_int, flags: c_int));
forwarding!(x_shm_unmap, xShmUnmap, c_int, ffi::SQLITE_OK, (delete: c_int));
forwarding!(x_unfetch, xUnfetch, c_int, ffi::SQLITE_OK, (offset: i64, p: *mut c_void));

unsafe extern "C" fn x_fetch(file: *mut ffi::sqlite3_file, offset: i64, amt: c_int, out: *mut *mut c_void) -> c_int {
    let rc = flush(file);
    if rc != ffi::SQLITE_OK {
        return rc;
    }
    match real_methods(file).and_then(|m| m.xFetch) {
        Some(fetch) => fetch(real(file), offset, amt, out),
        None => {
            // No memory map: SQLite reads the page instead.
            *out = std::ptr::null_mut();
            ffi::SQLITE_OK
        }
    }
}

unsafe extern "C" fn x_shm_barrier(file: *mut ffi::sqlite3_file) {
    if let Some(barrier) = real_methods(file).and_then(|m| m.xShmBarrier) {
        barrier(real(file));
    }
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: Some(x_fetch),
    xUnfetch: Some(x_unfetch),
};

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, OpenFlags};

    /// What a process opening the files would find now: the database and WAL files copied
    /// (not the shared-memory index, so SQLite rebuilds it from the WAL file on disk).
    fn count_on_disk(path: &std::path::Path, copy: &std::path::Path) -> rusqlite::Result<i64> {
        let wal = |p: &std::path::Path| std::path::PathBuf::from(format!("{}-wal", p.display()));
        for p in [copy.to_owned(), wal(copy), std::path::PathBuf::from(format!("{}-shm", copy.display()))] {
            let _ = std::fs::remove_file(p);
        }
        let io = |e: std::io::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
        std::fs::copy(path, copy).map_err(io)?;
        std::fs::copy(wal(path), wal(copy)).map_err(io)?;
        let c = Connection::open(copy)?;
        let n = c.query_row("SELECT count(*) FROM t", [], |row| row.get(0))?;
        let ok: String = c.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        assert_eq!(ok, "ok");
        Ok(n)
    }

    #[test]
    fn every_commit_is_in_the_files_when_it_returns() -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("eb-walbatch-disk-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("t.sqlite3");
        let vfs = register().map_err(|rc| format!("register: {rc}"))?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let mut w = Connection::open_with_flags_and_vfs(&path, flags, vfs)?;
        w.pragma_update(None, "journal_mode", "WAL")?;
        w.pragma_update(None, "synchronous", "NORMAL")?;
        w.pragma_update(None, "wal_autocheckpoint", 0)?;
        // A cache of a few pages: transactions spill pages to the WAL and write some of them
        // again before they commit, which makes SQLite rewrite frames and checksums.
        w.pragma_update(None, "cache_size", 8)?;
        w.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v BLOB)")?;
        let mut expected = 0i64;
        for round in 0..12i64 {
            let tx = w.transaction()?;
            for i in 0..200 {
                tx.execute(
                    "INSERT INTO t (k, v) VALUES (?1, zeroblob(700))",
                    [format!("{:x}", (round * 7919 + i) * 104_729)],
                )?;
            }
            tx.execute("UPDATE t SET v = zeroblob(900) WHERE id % 7 = ?1", [round % 7])?;
            tx.commit()?;
            expected += 200;
            assert_eq!(count_on_disk(&path, &dir.join("copy.sqlite3"))?, expected, "round {round}");
        }
        drop(w);
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    fn open(path: &std::path::Path, vfs: Option<&CStr>) -> rusqlite::Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let conn = match vfs {
            Some(v) => Connection::open_with_flags_and_vfs(path, flags, v)?,
            None => Connection::open_with_flags(path, flags)?,
        };
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(conn)
    }

    #[test]
    fn commits_are_visible_to_other_connections_and_survive_reopening() -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("eb-walbatch-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("t.sqlite3");
        let vfs = register().map_err(|rc| format!("register: {rc}"))?;
        let mut w = open(&path, Some(vfs))?;
        w.pragma_update(None, "wal_autocheckpoint", 0)?;
        let r = open(&path, None)?;
        w.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v BLOB)")?;
        let mut expected = 0i64;
        for round in 0..40 {
            let tx = w.transaction()?;
            // Some transactions are larger than the buffer; all dirty random index pages.
            let n = if round % 10 == 9 { 3000 } else { 50 };
            for i in 0..n {
                tx.execute(
                    "INSERT INTO t (k, v) VALUES (?1, zeroblob(3000))",
                    [format!("{:x}", (round * 7919 + i) * 104_729)],
                )?;
            }
            tx.commit()?;
            expected += n;
            let seen: i64 = r.query_row("SELECT count(*) FROM t", [], |row| row.get(0))?;
            assert_eq!(seen, expected);
            if round % 7 == 6 {
                // A checkpoint that completes lets the next commit start the WAL over.
                w.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            }
        }
        drop(r);
        drop(w);
        let again = open(&path, None)?;
        let n: i64 = again.query_row("SELECT count(*) FROM t", [], |row| row.get(0))?;
        assert_eq!(n, expected);
        let ok: String = again.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        assert_eq!(ok, "ok");
        drop(again);
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
