//! The built `errorbeacon-inbox` binary as a child process on a free loopback port, stopped by
//! its handle (SIGKILL on drop), and a minimal blocking HTTP/1.1 client for talking to it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The default project's DSN as the server printed it.
    pub dsn: String,
    /// Its public key.
    pub key: String,
}

impl Server {
    /// Starts the server on `--addr 127.0.0.1:0` with the database `db`; waits for its DSN line.
    pub fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_errorbeacon-inbox"))
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .env_remove("ERRORBEACON_INBOX_ADDR")
            .env_remove("ERRORBEACON_INBOX_DB")
            .env_remove("ERRORBEACON_INBOX_RATE_LIMIT")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn errorbeacon-inbox");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let dsn = loop {
            line.clear();
            let n = stdout.read_line(&mut line).expect("read stdout");
            assert!(n > 0, "errorbeacon-inbox exited before printing its DSN: {:?}", child.try_wait());
            if let Some(d) = line.trim().strip_prefix("DSN: ") {
                break d.to_owned();
            }
        };
        let rest = dsn.strip_prefix("http://").expect("http dsn");
        let (key, hostpath) = rest.split_once('@').expect("key@");
        let addr = hostpath.split('/').next().expect("host").to_owned();
        assert!(addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"), "DSN names the real port: {dsn}");
        Server { child, _stdout: stdout, addr, dsn: dsn.clone(), key: key.to_owned() }
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let (status, body) = request(&self.addr, "GET", path, &[], b"").expect("GET");
        assert_eq!(status, 200, "GET {path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).expect("json")
    }

    /// Polls the issue list of project 1 until `done` says so or `timeout` passes.
    pub fn wait_for_issues(
        &self,
        timeout: Duration,
        done: impl Fn(&[serde_json::Value]) -> bool,
    ) -> Vec<serde_json::Value> {
        let start = Instant::now();
        loop {
            let issues = self.get_json("/api/0/projects/1/issues/").as_array().cloned().unwrap_or_default();
            if done(&issues) || start.elapsed() > timeout {
                return issues;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`); returns status and body.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").ok_or(std::io::ErrorKind::InvalidData)?;
    let status_line = String::from_utf8_lossy(out.get(..split).unwrap_or_default()).to_string();
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or(std::io::ErrorKind::InvalidData)?;
    Ok((status, out.get(split + 4..).unwrap_or_default().to_vec()))
}

/// The repository root (the workspace), from this crate's manifest dir.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_owned()
}
