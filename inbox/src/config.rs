//! Command line and environment.
//!
//! ```text
//! errorbeacon-inbox [--addr 127.0.0.1:8765] [--db PATH] [--rate-limit EVENTS_PER_MINUTE]
//! errorbeacon-inbox project add NAME [--db PATH]
//! ```
//! Flags win over `ERRORBEACON_INBOX_ADDR`, `ERRORBEACON_INBOX_DB` and
//! `ERRORBEACON_INBOX_RATE_LIMIT`, which win over the defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The default listen address: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8765";
/// The default database file, in the working directory.
pub const DEFAULT_DB: &str = "errorbeacon-inbox.sqlite3";

/// Server settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The SQLite file.
    pub db: PathBuf,
    /// Events per minute per project; `None`: no quota.
    pub rate_limit: Option<u64>,
}

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Serve.
    Serve(Config),
    /// Create a project and print its DSN.
    ProjectAdd {
        /// Its name.
        name: String,
        /// The settings (database, and the address its DSN names).
        config: Config,
    },
    /// Print usage.
    Help,
}

/// Usage text.
pub const USAGE: &str = "usage:
  errorbeacon-inbox [--addr 127.0.0.1:8765] [--db PATH] [--rate-limit EVENTS_PER_MINUTE]
  errorbeacon-inbox project add NAME [--db PATH]
env: ERRORBEACON_INBOX_ADDR, ERRORBEACON_INBOX_DB, ERRORBEACON_INBOX_RATE_LIMIT";

/// Parses arguments (without the program name) and an environment lookup.
pub fn parse(args: &[String], env: impl Fn(&str) -> Option<String>) -> Result<Command, String> {
    let mut addr = env("ERRORBEACON_INBOX_ADDR").unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    let mut db = env("ERRORBEACON_INBOX_DB").unwrap_or_else(|| DEFAULT_DB.to_owned());
    let mut rate = env("ERRORBEACON_INBOX_RATE_LIMIT").filter(|s| !s.is_empty());
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value =
            |name: &str| inline.clone().or_else(|| it.next().cloned()).ok_or(format!("{name} needs a value"));
        match flag {
            "--addr" => addr = value("--addr")?,
            "--db" => db = value("--db")?,
            "--rate-limit" => rate = Some(value("--rate-limit")?),
            "-h" | "--help" => return Ok(Command::Help),
            f if f.starts_with('-') => return Err(format!("unknown flag {f}\n{USAGE}")),
            _ => positional.push(arg.clone()),
        }
    }
    let addr: SocketAddr =
        addr.parse().map_err(|_| format!("--addr {addr:?} is not an address like 127.0.0.1:8765"))?;
    let rate_limit = match rate {
        Some(r) => Some(
            r.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("--rate-limit {r:?} is not a positive number of events per minute"))?,
        ),
        None => None,
    };
    let config = Config { addr, db: PathBuf::from(db), rate_limit };
    match positional.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => Ok(Command::Serve(config)),
        ["project", "add", name] => Ok(Command::ProjectAdd { name: (*name).to_owned(), config }),
        _ => Err(format!("unexpected arguments {positional:?}\n{USAGE}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn flags_env_and_defaults() {
        let none = |_: &str| None;
        let Ok(Command::Serve(c)) = parse(&[], none) else { panic!("serve") };
        assert_eq!(
            (c.addr.to_string().as_str(), c.db.to_str(), c.rate_limit),
            ("127.0.0.1:8765", Some(DEFAULT_DB), None)
        );
        let env = |k: &str| (k == "ERRORBEACON_INBOX_RATE_LIMIT").then(|| "60".to_owned());
        let Ok(Command::Serve(c)) = parse(&args(&["--addr", "127.0.0.1:0", "--db=x.db"]), env) else { panic!("serve") };
        assert_eq!((c.addr.port(), c.db.to_str(), c.rate_limit), (0, Some("x.db"), Some(60)));
        let Ok(Command::ProjectAdd { name, config }) = parse(&args(&["project", "add", "shop", "--db", "y"]), none)
        else {
            panic!("project add")
        };
        assert_eq!((name.as_str(), config.db.to_str()), ("shop", Some("y")));
        assert!(parse(&args(&["--rate-limit", "0"]), none).is_err());
        assert!(parse(&args(&["--bogus"]), none).is_err());
        assert!(parse(&args(&["--addr", "nope"]), none).is_err());
        assert!(parse(&args(&["project"]), none).is_err());
    }
}
