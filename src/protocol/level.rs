//! Severity levels.

use serde::{Deserialize, Serialize};

/// Event and breadcrumb severity, as Relay accepts it (lower case only).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Diagnostic detail.
    Debug,
    /// Information.
    Info,
    /// Something to look at.
    Warning,
    /// An error (the default for exceptions).
    #[default]
    Error,
    /// The program could not continue (panics).
    Fatal,
}

impl Level {
    /// Reads a level name as SDKs pass it; accepts the aliases Relay maps (`log`, `warn`,
    /// `critical`) and any case. Unknown names give `None`.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s.to_ascii_lowercase().as_str() {
            "debug" | "trace" => Level::Debug,
            "info" | "log" => Level::Info,
            "warning" | "warn" => Level::Warning,
            "error" => Level::Error,
            "fatal" | "critical" => Level::Fatal,
            _ => return None,
        })
    }

    /// The name Relay accepts.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }
}
