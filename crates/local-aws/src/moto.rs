//! moto's server for Cognito and SSM, started through `tools/local_moto.py`,
//! which patches moto so that `UpdateUserPool` and `UpdateUserPoolClient`
//! reset every setting the request leaves out, as AWS does (moto merges).
//!
//! Servers are forked from a zygote (`local_moto.py --zygote`): importing
//! and warming moto is about 2 s of CPU, and a test run starts some 150
//! servers, so one process per checkout and python does it once and forks a
//! fresh server for each [`MotoServer::start`] in a few milliseconds. The
//! first start spawns the zygote; it exits by itself once no server has run
//! for [`ZYGOTE_IDLE`].
//!
//! The python is `$LOCAL_AWS_PYTHON` if set (it must have `moto[server]`),
//! else the project venv `.venv`, created on first use by `scripts/venv`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::net::Shutdown;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::process::Command;
use tokio::sync::OnceCell;

/// How long the zygote may take to print `READY`, and a forked server
/// `LISTENING <port>`.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `scripts/venv` may take (it may have to install moto).
const VENV_TIMEOUT: Duration = Duration::from_secs(900);
/// The zygote exits after this long with no server running.
pub const ZYGOTE_IDLE: Duration = Duration::from_secs(30);
/// How long a dropped server may take to exit (it closes its port first).
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
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
    #[error("could not start `{python} tools/local_moto.py --zygote`: {source}; {FIX}")]
    Spawn {
        python: String,
        source: std::io::Error,
    },
    #[error("moto's zygote did not print `READY` ({why}); its stderr ({log}):\n{tail}\n{FIX}")]
    ZygoteNotReady {
        why: String,
        log: String,
        tail: String,
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

/// A running moto server on 127.0.0.1, forked for us by the zygote; it
/// exits, port closed, when dropped.
pub struct MotoServer {
    // The server serves until this conversation ends (see `Drop`).
    conversation: std::os::unix::net::UnixStream,
    port: u16,
    log: PathBuf,
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

/// Creates (or empties) the log file at `path`.
fn create_log(path: &Path) -> Result<std::fs::File, MotoError> {
    std::fs::File::create(path).map_err(|source| MotoError::Log {
        path: path.to_owned(),
        source,
    })
}

/// The zygote's socket for this python and these tools: another checkout
/// or a changed `local_moto.py` gets a zygote of its own.
fn zygote_socket(python: &Path) -> PathBuf {
    let mut hasher = DefaultHasher::new();
    python.hash(&mut hasher);
    for tool in ["tools/local_moto.py", "tools/requirements.txt"] {
        std::fs::read(crate::workspace_root().join(tool))
            .unwrap_or_default()
            .hash(&mut hasher);
    }
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    std::env::temp_dir().join(format!("local-moto-{uid}-{:016x}.sock", hasher.finish()))
}

/// Starts a zygote on `socket` and waits for its `READY` (printed too when
/// another live zygote holds the socket already).
async fn spawn_zygote(python: &Path, socket: &Path) -> Result<(), MotoError> {
    let log = socket.with_extension("log");
    let stderr = create_log(&log)?;
    let idle = ZYGOTE_IDLE.as_secs().to_string();
    let mut zygote = Command::new(python)
        .arg(crate::workspace_root().join("tools/local_moto.py"))
        .args(["--idle", &idle, "--zygote"])
        .arg(socket)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        // Its own process group: it outlives the test that spawned it, and
        // a signal to that test's group is not for it.
        .process_group(0)
        .spawn()
        .map_err(|source| MotoError::Spawn {
            python: python.display().to_string(),
            source,
        })?;
    let not_ready = |why: String| MotoError::ZygoteNotReady {
        why,
        log: log.display().to_string(),
        tail: tail(&log),
    };
    let Some(stdout) = zygote.stdout.take() else {
        return Err(not_ready("no stdout pipe".into()));
    };
    let mut lines = BufReader::new(stdout).lines();
    tokio::time::timeout(START_TIMEOUT, async {
        match lines.next_line().await {
            Ok(Some(line)) if line == "READY" => Ok(()),
            Ok(Some(line)) => Err(format!("it printed {line:?}")),
            Ok(None) => Err(format!("it exited: {:?}", zygote.wait().await)),
            Err(error) => Err(error.to_string()),
        }
    })
    .await
    .map_err(|_| not_ready(format!("timed out after {START_TIMEOUT:?}")))?
    .map_err(not_ready)
}

/// Asks the zygote for a server logging to `log`: the conversation and the
/// server's port. Err(None): the zygote was not there, or left before
/// answering (it exits when idle); worth one more try with a new one.
async fn ask_for_server(socket: &Path, log: &Path) -> Result<(UnixStream, u16), Option<String>> {
    let mut stream = UnixStream::connect(socket).await.map_err(|_| None)?;
    let request = format!("{}\n", log.display());
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|_| None)?;
    let mut answer = String::new();
    let read = tokio::time::timeout(
        START_TIMEOUT,
        BufReader::new(&mut stream).read_line(&mut answer),
    )
    .await
    .map_err(|_| Some(format!("timed out after {START_TIMEOUT:?}")))?;
    match read {
        // Nothing logged: the zygote closed without forking (it was going idle).
        Ok(0) | Err(_) if tail(log).is_empty() => Err(None),
        Ok(0) => Err(Some("the forked server exited".into())),
        Err(error) => Err(Some(error.to_string())),
        Ok(_) => match answer.trim_end().strip_prefix("LISTENING ") {
            Some(port) => port
                .parse::<u16>()
                .map(|port| (stream, port))
                .map_err(|e| Some(format!("bad line {answer:?}: {e}"))),
            None => Err(Some(format!("it answered {answer:?}"))),
        },
    }
}

impl MotoServer {
    /// Ensures the venv and the zygote, and has it fork a fresh server on
    /// a free port; waits (at most 60 s each) until it listens.
    pub async fn start() -> Result<MotoServer, MotoError> {
        let python = python().await?;
        let name = format!(
            "local-moto-{}-{}.log",
            std::process::id(),
            LOG_SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let log = std::env::temp_dir().join(name);
        create_log(&log)?;
        let not_listening = |why: String| MotoError::NotListening {
            why,
            log: log.display().to_string(),
            tail: tail(&log),
        };
        let socket = zygote_socket(&python);
        let (stream, port) =
            match ask_for_server(&socket, &log).await {
                Ok(server) => server,
                Err(Some(why)) => return Err(not_listening(why)),
                Err(None) => {
                    spawn_zygote(&python, &socket).await?;
                    ask_for_server(&socket, &log).await.map_err(|why| {
                        not_listening(why.unwrap_or_else(|| {
                            "the zygote it had just started did not answer".into()
                        }))
                    })?
                }
            };
        let conversation = stream
            .into_std()
            .and_then(|stream| stream.set_nonblocking(false).map(|()| stream))
            .map_err(|e| not_listening(e.to_string()))?;
        Ok(MotoServer {
            conversation,
            port,
            log,
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
        // Our end of the conversation closes: the server closes its port,
        // then the conversation, and exits; reading its EOF (bounded) means
        // the port is closed when drop returns.
        let _ = self.conversation.shutdown(Shutdown::Write);
        let _ = self.conversation.set_read_timeout(Some(STOP_TIMEOUT));
        let mut buffer = [0_u8; 64];
        while matches!(self.conversation.read(&mut buffer), Ok(n) if n > 0) {}
        let _ = std::fs::remove_file(&self.log);
    }
}
