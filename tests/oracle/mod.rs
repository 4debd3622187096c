//! Running Sentry's normalizer (tests/oracles/relay_validate.py, from the `.venv` that
//! scripts/setup.sh makes) from integration tests. A missing Python or `sentry-relay` fails the
//! test; it never skips.
#![allow(dead_code)]

use errorbeacon::Timestamp;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// The Python with `sentry-relay`: `$ERRORBEACON_PYTHON`, else the repository's `.venv`.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("ERRORBEACON_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with sentry-relay: run scripts/setup.sh (creates .venv) or set ERRORBEACON_PYTHON"
    );
    venv
}

/// The wall clock (Relay checks event timestamps against it).
pub fn now() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    Timestamp(ms)
}

/// Runs relay_validate.py on `path` with `extra` flags: (accepted, its output).
pub fn validate(path: &Path, extra: &[&str]) -> (bool, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracles/relay_validate.py");
    let out = Command::new(python())
        .arg(&script)
        .args(extra)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", python().display()));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// A fresh directory for this test process's files, `errorbeacon-<name>-<pid>`.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errorbeacon-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
