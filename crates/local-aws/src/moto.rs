//! moto's server for Cognito and SSM, started through `tools/local_moto.py`,
//! which patches moto so that `UpdateUserPool` and `UpdateUserPoolClient`
//! reset every setting the request leaves out, as AWS does (moto merges).
//!
//! The python is `$LOCAL_AWS_PYTHON` if set (it must have `moto[server]`),
//! else the project venv `.venv`, created on first use by `scripts/venv`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::OnceCell;

/// How long the launcher may take to print `LISTENING <port>`.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `scripts/venv` may take (it may have to install moto).
const VENV_TIMEOUT: Duration = Duration::from_secs(900);
const FIX: &str = "run scripts/venv by hand to see why, or set LOCAL_AWS_PYTHON to a python that has moto[server] (see tools/requirements.txt)";

#[derive(Debug, thiserror::Error)]
pub enum MotoError {
    #[error("scripts/venv did not finish: {0}; {FIX}")]
    Venv(String),
    #[error("could not create the moto log file {path}: {source}")]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not start `{python} tools/local_moto.py`: {source}; {FIX}")]
    Spawn {
        python: String,
        source: std::io::Error,
    },
    #[error("moto did not print `LISTENING <port>` ({why}); its stderr ({log}):\n{tail}\n{FIX}")]
    NotListening {
        why: String,
        log: String,
        tail: String,
    },
    #[error("POST {url} failed: {detail}; is the moto server still running?")]
    Reset { url: String, detail: String },
}

/// A running moto server on 127.0.0.1; killed (and reaped) on drop.
pub struct MotoServer {
    child: Child,
    port: u16,
    log: PathBuf,
    // Held open: the launcher exits when its stdin reaches EOF.
    _stdin: ChildStdin,
    _stdout: Lines<BufReader<ChildStdout>>,
}

static VENV_PYTHON: OnceCell<PathBuf> = OnceCell::const_new();
static LOG_SEQ: AtomicU32 = AtomicU32::new(0);

async fn python() -> Result<PathBuf, MotoError> {
    if let Some(python) = std::env::var_os("LOCAL_AWS_PYTHON").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(python));
    }
    let python = VENV_PYTHON
        .get_or_try_init(|| async {
            let root = crate::workspace_root();
            let run = Command::new(root.join("scripts/venv"))
                .stdin(Stdio::null())
                .output();
            let out = tokio::time::timeout(VENV_TIMEOUT, run)
                .await
                .map_err(|_| MotoError::Venv(format!("timed out after {VENV_TIMEOUT:?}")))?
                .map_err(|e| MotoError::Venv(e.to_string()))?;
            if !out.status.success() {
                let stderr = String::from_utf8_lossy(&out.stderr);
                return Err(MotoError::Venv(format!(
                    "{}: {}",
                    out.status,
                    stderr.trim()
                )));
            }
            Ok(root.join(".venv/bin/python"))
        })
        .await?;
    Ok(python.clone())
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

impl MotoServer {
    /// Ensures the venv, starts `tools/local_moto.py` on a free port and
    /// waits (at most 60 s) until it listens.
    pub async fn start() -> Result<MotoServer, MotoError> {
        let python = python().await?;
        let name = format!(
            "local-moto-{}-{}.log",
            std::process::id(),
            LOG_SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let log = std::env::temp_dir().join(name);
        let stderr = std::fs::File::create(&log).map_err(|source| MotoError::Log {
            path: log.clone(),
            source,
        })?;
        let spawn_error = |source| MotoError::Spawn {
            python: python.display().to_string(),
            source,
        };
        let mut child = Command::new(&python)
            .arg(crate::workspace_root().join("tools/local_moto.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .map_err(spawn_error)?;
        let not_listening = |why: String| MotoError::NotListening {
            why,
            log: log.display().to_string(),
            tail: tail(&log),
        };
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(not_listening("no stdio pipes".into()));
        };
        let mut lines = BufReader::new(stdout).lines();
        let port = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await.map_err(|e| e.to_string())? {
                if let Some(port) = line.strip_prefix("LISTENING ") {
                    return port
                        .trim()
                        .parse::<u16>()
                        .map_err(|e| format!("bad line {line:?}: {e}"));
                }
            }
            Err(format!("it exited: {:?}", child.try_wait().ok().flatten()))
        })
        .await
        .map_err(|_| not_listening(format!("timed out after {START_TIMEOUT:?}")))?
        .map_err(not_listening)?;
        Ok(MotoServer {
            child,
            port,
            log,
            _stdin: stdin,
            _stdout: lines,
        })
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// SDK configuration pointing at this server (test credentials, [`crate::REGION`]).
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        crate::sdk_config(&self.endpoint_url(), crate::REGION).await
    }

    /// Forgets every resource in every service (`POST /moto-api/reset`).
    pub async fn reset(&self) -> Result<(), MotoError> {
        let url = format!("{}/moto-api/reset", self.endpoint_url());
        let failed = |detail: String| MotoError::Reset {
            url: url.clone(),
            detail,
        };
        let client = crate::http_client().map_err(|e| failed(e.to_string()))?;
        let response = client
            .post(&url)
            .send()
            .await
            .map_err(|e| failed(e.to_string()))?;
        response
            .error_for_status()
            .map(drop)
            .map_err(|e| failed(e.to_string()))
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        // SIGKILL to our own child's PID, then reap it so the port is closed
        // when drop returns (bounded wait; kill_on_drop is the backstop).
        let _ = self.child.start_kill();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = std::fs::remove_file(&self.log);
    }
}
