//! A Lambda Runtime API host: runs a function binary as a real `bootstrap`
//! (a `provided.al2023` custom runtime) and drives it through the Runtime API
//! the way Lambda does.
//!
//! - The server listens on 127.0.0.1 on a free port; the bootstrap gets
//!   `AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port>` and a cleared environment set
//!   like Lambda's (see [`FunctionHost::start`]).
//! - The bootstrap is started lazily by the first [`FunctionHost::invoke`]
//!   (a cold start), and again after a timeout, a crash or an init error.
//! - `GET /2018-06-01/runtime/invocation/next` long-polls until an invocation
//!   is queued (or the process is replaced, or the host is dropped), then
//!   answers the event with `Lambda-Runtime-Aws-Request-Id`,
//!   `Lambda-Runtime-Deadline-Ms`, `Lambda-Runtime-Invoked-Function-Arn` and
//!   `Lambda-Runtime-Trace-Id`.
//! - `POST .../invocation/{id}/response` and `.../{id}/error` answer `202`;
//!   an unknown id gets `400 InvalidRequestID`.
//! - `POST /2018-06-01/runtime/init/error` answers `202`; the open invocation
//!   becomes [`Outcome::Error`] (with `errorType` `Runtime.InitError` unless
//!   the body says otherwise) and the process is killed, as Lambda resets the
//!   execution environment.
//! - If the deadline passes without an answer the host kills the process (its
//!   whole process group) and the outcome is [`Outcome::TimedOut`]; if the
//!   process exits while an invocation is open, [`Outcome::Crashed`].
//!
//! Each execution environment (each process) gets its own log stream name,
//! as in Lambda; [`FunctionHost::log_stream_name`] is the current one.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::sink::{random_hex, utc_parts};

/// Lambda's limit on a synchronous response payload.
pub const MAX_RESPONSE_PAYLOAD: usize = 6 * 1024 * 1024;

/// How long the host waits for a killed process to be reaped.
const REAP_TIMEOUT: Duration = Duration::from_secs(10);
/// After an outcome, log capture is given this long to go quiet...
const LOG_QUIET: Duration = Duration::from_millis(10);
/// ...but never more than this many quiet checks.
const LOG_SETTLE_ROUNDS: u32 = 25;

/// The `PATH` Lambda gives an OS-only runtime.
const LAMBDA_PATH: &str = "/usr/local/bin:/usr/bin/:/bin:/opt/bin";

/// What to run and how Lambda would configure it.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// The bootstrap executable (a function binary, or a script).
    pub binary: PathBuf,
    /// The function name (`AWS_LAMBDA_FUNCTION_NAME`, the ARN, the log group).
    pub function_name: String,
    /// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`.
    pub memory_mb: u32,
    /// Extra environment; wins over the Lambda-like defaults.
    pub env: Vec<(String, String)>,
}

impl FunctionSpec {
    /// A spec with 128 MB and no extra environment.
    pub fn new(binary: impl Into<PathBuf>, function_name: impl Into<String>) -> Self {
        Self {
            binary: binary.into(),
            function_name: function_name.into(),
            memory_mb: 128,
            env: Vec::new(),
        }
    }

    /// Adds one environment variable (builder style).
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }
}

/// How an invocation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The runtime posted to `/response`; the body (a JSON string if the
    /// body was not JSON).
    Response(Value),
    /// The runtime posted to `/error` or `/init/error`; the error document,
    /// with `errorType` filled from the `Lambda-Runtime-Function-Error-Type`
    /// header when the body has none.
    Error(Value),
    /// The deadline passed without an answer; the process was killed.
    TimedOut,
    /// The process exited while the invocation was open (or could not be
    /// started). `status` is its exit code, `None` if it died of a signal.
    Crashed {
        /// The exit code, if the process exited normally.
        status: Option<i32>,
    },
}

/// One finished invocation.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The `Lambda-Runtime-Aws-Request-Id` the runtime was given.
    pub request_id: String,
    /// How it ended.
    pub outcome: Outcome,
    /// From the call to [`FunctionHost::invoke`] to the outcome (cold start
    /// included).
    pub duration: Duration,
}

struct Pending {
    request_id: String,
    event: Vec<u8>,
    deadline_ms: u64,
    trace_id: String,
    generation: u64,
    delivered: bool,
    done: Option<oneshot::Sender<Outcome>>,
}

impl Pending {
    fn finish(mut self, outcome: Outcome) {
        if let Some(done) = self.done.take() {
            let _ = done.send(outcome);
        }
    }
}

struct Process {
    pid: u32,
    generation: u64,
    /// Sending (or dropping) this kills the process group.
    kill: Option<oneshot::Sender<()>>,
    exited: watch::Receiver<bool>,
}

struct HostState {
    /// Bumped at every spawn; a `/next` from an older process is refused.
    generation: u64,
    process: Option<Process>,
    pending: Option<Pending>,
    cold_starts: u32,
    log_stream: String,
    spawned_once: bool,
    shutdown: bool,
}

struct Shared {
    spec: FunctionSpec,
    arn: String,
    runtime_api: String,
    state: Mutex<HostState>,
    /// Bumped whenever `/next` waiters should look at the state again.
    wake: watch::Sender<u64>,
    logs: Mutex<String>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn wake(&self) {
        self.wake
            .send_modify(|count| *count = count.wrapping_add(1));
    }
}

/// A function running behind a local Lambda Runtime API. Dropping it kills
/// the bootstrap process (our own child, by its process group id) and stops
/// the server.
pub struct FunctionHost {
    shared: Arc<Shared>,
    addr: SocketAddr,
    invoke_lock: tokio::sync::Mutex<()>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl FunctionHost {
    /// Starts the Runtime API server on 127.0.0.1 on a free port. The
    /// bootstrap itself is started by the first [`invoke`](Self::invoke).
    ///
    /// The bootstrap's environment is cleared and set like Lambda's:
    /// `AWS_LAMBDA_RUNTIME_API`, `AWS_LAMBDA_FUNCTION_NAME`,
    /// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, `AWS_LAMBDA_FUNCTION_VERSION=$LATEST`,
    /// `AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/<name>`,
    /// `AWS_LAMBDA_LOG_STREAM_NAME`, `AWS_LAMBDA_INITIALIZATION_TYPE=on-demand`,
    /// `AWS_REGION`/`AWS_DEFAULT_REGION` ([`crate::REGION`]), test credentials
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, all
    /// `testing`), `_HANDLER=bootstrap`, `LAMBDA_TASK_ROOT` and
    /// `LAMBDA_RUNTIME_DIR` (the binary's directory, also the working
    /// directory), `LANG=en_US.UTF-8`, `TZ=:UTC`, `PATH`; then `spec.env`,
    /// which wins.
    pub async fn start(spec: FunctionSpec) -> std::io::Result<Self> {
        if !spec.binary.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("bootstrap {} is not a file", spec.binary.display()),
            ));
        }
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let region = spec
            .env
            .iter()
            .rev()
            .find(|(key, _)| key == "AWS_REGION")
            .map_or(crate::REGION, |(_, value)| value.as_str())
            .to_owned();
        let arn = format!(
            "arn:aws:lambda:{region}:{}:function:{}",
            crate::ACCOUNT_ID,
            spec.function_name
        );
        let (wake, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            spec,
            arn,
            runtime_api: format!("127.0.0.1:{}", addr.port()),
            state: Mutex::new(HostState {
                generation: 0,
                process: None,
                pending: None,
                cold_starts: 0,
                log_stream: new_log_stream_name(),
                spawned_once: false,
                shutdown: false,
            }),
            wake,
            logs: Mutex::new(String::new()),
            tasks: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(invocation_response),
            )
            .route(
                "/2018-06-01/runtime/invocation/{id}/error",
                post(invocation_error),
            )
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .fallback(not_found)
            .with_state(Arc::clone(&shared));
        let (shutdown, server) =
            crate::spawn_server(crate::without_nagle(listener), app, "runtime API server");
        Ok(Self {
            shared,
            addr,
            invoke_lock: tokio::sync::Mutex::new(()),
            shutdown: Some(shutdown),
            server: Some(server),
        })
    }

    /// Invokes the function with `event`, as Lambda would, and waits at most
    /// `timeout` (the function's timeout: the deadline is now + `timeout`,
    /// sent as `Lambda-Runtime-Deadline-Ms`). Invocations are serialised, one
    /// at a time, like one execution environment.
    pub async fn invoke(&self, event: Value, timeout: Duration) -> Invocation {
        let _serial = self.invoke_lock.lock().await;
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + timeout;
        let deadline_ms =
            epoch_ms().saturating_add(u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX));
        let request_id = uuid_v4();
        let body = serde_json::to_vec(&event).unwrap_or_else(|_| b"null".to_vec());
        let (done, mut outcome_rx) = oneshot::channel();

        let generation = {
            let mut state = lock(&self.shared.state);
            let cold = state.process.is_none();
            if cold {
                state.generation += 1;
            }
            let generation = state.generation;
            state.pending = Some(Pending {
                request_id: request_id.clone(),
                event: body,
                deadline_ms,
                trace_id: trace_id(),
                generation,
                delivered: false,
                done: Some(done),
            });
            if cold && let Err(error) = spawn_bootstrap(&self.shared, &mut state) {
                tracing::error!(%error, binary = %self.shared.spec.binary.display(), "cannot start the bootstrap");
                state.pending = None;
                return Invocation {
                    request_id,
                    outcome: Outcome::Crashed { status: None },
                    duration: started.elapsed(),
                };
            }
            generation
        };
        self.shared.wake();

        let outcome = match tokio::time::timeout_at(deadline, &mut outcome_rx).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Outcome::Crashed { status: None },
            Err(_) => {
                let still_open = {
                    let mut state = lock(&self.shared.state);
                    if state
                        .pending
                        .as_ref()
                        .is_some_and(|pending| pending.request_id == request_id)
                    {
                        state.pending.take()
                    } else {
                        None
                    }
                };
                match still_open {
                    Some(_) => {
                        kill_and_wait(&self.shared, generation).await;
                        Outcome::TimedOut
                    }
                    // Answered just as the deadline passed.
                    None => outcome_rx
                        .try_recv()
                        .unwrap_or(Outcome::Crashed { status: None }),
                }
            }
        };
        let duration = started.elapsed();

        // An init error (or anything else) may have doomed the process: make
        // sure it is gone before the next invoke decides on a cold start.
        let doomed = {
            let state = lock(&self.shared.state);
            state
                .process
                .as_ref()
                .is_some_and(|process| process.generation == generation && process.kill.is_none())
        };
        if doomed {
            kill_and_wait(&self.shared, generation).await;
        }
        self.settle_logs().await;

        Invocation {
            request_id,
            outcome,
            duration,
        }
    }

    /// Everything the bootstrap processes wrote to stdout and stderr so far,
    /// line by line, in arrival order.
    pub fn logs(&self) -> String {
        lock(&self.shared.logs).clone()
    }

    /// How many times a bootstrap process was started.
    pub fn cold_starts(&self) -> u32 {
        lock(&self.shared.state).cold_starts
    }

    /// The PID of the running bootstrap, if one is running.
    pub fn pid(&self) -> Option<u32> {
        lock(&self.shared.state)
            .process
            .as_ref()
            .map(|process| process.pid)
    }

    /// Kills the running bootstrap now, as an execution environment that
    /// crashed: an open invocation ends as [`Outcome::Crashed`] and the next
    /// invoke is a cold start. Nothing happens when no process runs.
    pub fn crash(&self) {
        let kill = lock(&self.shared.state)
            .process
            .as_mut()
            .and_then(|process| process.kill.take());
        if let Some(kill) = kill {
            let _ = kill.send(());
        }
    }

    /// `AWS_LAMBDA_LOG_STREAM_NAME` of the current execution environment
    /// (`<yyyy/mm/dd>/[$LATEST]<32 hex>`); before the first invoke, the one
    /// the first process will get. A new process gets a new stream.
    pub fn log_stream_name(&self) -> String {
        lock(&self.shared.state).log_stream.clone()
    }

    /// `AWS_LAMBDA_LOG_GROUP_NAME`: `/aws/lambda/<function name>`.
    pub fn log_group_name(&self) -> String {
        format!("/aws/lambda/{}", self.shared.spec.function_name)
    }

    /// The ARN sent as `Lambda-Runtime-Invoked-Function-Arn`.
    pub fn function_arn(&self) -> String {
        self.shared.arn.clone()
    }

    /// The Runtime API address, `127.0.0.1:<port>` (`AWS_LAMBDA_RUNTIME_API`).
    pub fn runtime_api(&self) -> String {
        self.shared.runtime_api.clone()
    }

    /// The address the Runtime API listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Gives log capture a moment to catch up with what the process wrote
    /// before it answered; bounded.
    async fn settle_logs(&self) {
        let mut seen = lock(&self.shared.logs).len();
        for _ in 0..LOG_SETTLE_ROUNDS {
            tokio::time::sleep(LOG_QUIET).await;
            let now = lock(&self.shared.logs).len();
            if now == seen {
                break;
            }
            seen = now;
        }
    }
}

impl Drop for FunctionHost {
    fn drop(&mut self) {
        let (pending, process) = {
            let mut state = lock(&self.shared.state);
            state.shutdown = true;
            (state.pending.take(), state.process.take())
        };
        drop(pending);
        if let Some(process) = process {
            kill_group(process.pid);
            // Dropping the kill sender also tells the monitor to kill and reap.
            drop(process);
        }
        self.shared.wake();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // The server ends by itself after the graceful shutdown (every
        // long-poll returns once it sees `shutdown`). Log readers end at EOF
        // once the group is dead, and monitors once it is reaped; stop them
        // anyway so nothing outlives the host (a dropped monitor drops the
        // child, which `kill_on_drop` kills).
        drop(self.server.take());
        let tasks = std::mem::take(&mut *lock(&self.shared.tasks));
        for task in tasks {
            task.abort();
        }
    }
}

/// Starts a bootstrap process for `state.generation`. Called with the state
/// locked, so the monitor cannot look at the state before the process is in it.
fn spawn_bootstrap(shared: &Arc<Shared>, state: &mut HostState) -> std::io::Result<()> {
    if state.spawned_once {
        state.log_stream = new_log_stream_name();
    }
    state.spawned_once = true;
    let spec = &shared.spec;
    let task_root = spec
        .binary
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let task_root = task_root.canonicalize().unwrap_or(task_root);
    let task_root_text = task_root.to_string_lossy().into_owned();
    let memory = spec.memory_mb.to_string();
    let log_group = format!("/aws/lambda/{}", spec.function_name);

    let mut command = Command::new(&spec.binary);
    command
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", &shared.runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", &spec.function_name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", &memory)
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", &log_group)
        .env("AWS_LAMBDA_LOG_STREAM_NAME", &state.log_stream)
        .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
        .env("AWS_REGION", crate::REGION)
        .env("AWS_DEFAULT_REGION", crate::REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .env("_HANDLER", "bootstrap")
        .env("LAMBDA_TASK_ROOT", &task_root_text)
        .env("LAMBDA_RUNTIME_DIR", &task_root_text)
        .env("LANG", "en_US.UTF-8")
        .env("TZ", ":UTC")
        .env("PATH", LAMBDA_PATH)
        .envs(spec.env.iter().map(|(key, value)| (key, value)))
        .current_dir(&task_root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout kills whatever it started too.
        .process_group(0)
        .kill_on_drop(true);
    let mut child = command.spawn()?;
    let Some(pid) = child.id() else {
        return Err(std::io::Error::other(
            "the bootstrap exited before it had a pid",
        ));
    };
    let generation = state.generation;
    let mut tasks = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        tasks.push(tokio::spawn(capture(Arc::clone(shared), stdout, "stdout")));
    }
    if let Some(stderr) = child.stderr.take() {
        tasks.push(tokio::spawn(capture(Arc::clone(shared), stderr, "stderr")));
    }
    let (kill, kill_rx) = oneshot::channel();
    let (exited_tx, exited) = watch::channel(false);
    state.process = Some(Process {
        pid,
        generation,
        kill: Some(kill),
        exited,
    });
    state.cold_starts += 1;
    tracing::debug!(pid, generation, function = %spec.function_name, "bootstrap started");
    tasks.push(tokio::spawn(monitor(
        Arc::clone(shared),
        child,
        pid,
        generation,
        kill_rx,
        exited_tx,
    )));
    let mut all = lock(&shared.tasks);
    all.retain(|task| !task.is_finished());
    all.extend(tasks);
    Ok(())
}

/// Waits for the process to exit (or to be told to kill it), then settles
/// the state: an invocation still open for this process has crashed.
async fn monitor(
    shared: Arc<Shared>,
    mut child: Child,
    pid: u32,
    generation: u64,
    kill_rx: oneshot::Receiver<()>,
    exited: watch::Sender<bool>,
) {
    let status = tokio::select! {
        status = child.wait() => status.ok(),
        _ = kill_rx => {
            kill_group(pid);
            let _ = child.start_kill();
            match tokio::time::timeout(REAP_TIMEOUT, child.wait()).await {
                Ok(Ok(status)) => Some(status),
                _ => None,
            }
        }
    };
    // Lambda tears the whole environment down: nothing the bootstrap started
    // survives it.
    kill_group(pid);
    let code = status.and_then(|status| status.code());
    tracing::debug!(pid, generation, ?status, "bootstrap exited");
    let crashed = {
        let mut state = lock(&shared.state);
        if state
            .process
            .as_ref()
            .is_some_and(|process| process.generation == generation)
        {
            state.process = None;
        }
        if state
            .pending
            .as_ref()
            .is_some_and(|pending| pending.generation == generation)
        {
            state.pending.take()
        } else {
            None
        }
    };
    if let Some(pending) = crashed {
        pending.finish(Outcome::Crashed { status: code });
    }
    exited.send_replace(true);
    shared.wake();
}

/// Kills the process of `generation` (if it is still the current one) and
/// waits, bounded, until it has been reaped.
async fn kill_and_wait(shared: &Shared, generation: u64) {
    let exited = {
        let mut state = lock(&shared.state);
        match state.process.as_mut() {
            Some(process) if process.generation == generation => {
                if let Some(kill) = process.kill.take() {
                    let _ = kill.send(());
                }
                Some(process.exited.clone())
            }
            _ => None,
        }
    };
    if let Some(mut exited) = exited {
        let reaped = tokio::time::timeout(REAP_TIMEOUT, exited.wait_for(|gone| *gone)).await;
        if reaped.is_err() {
            tracing::warn!(
                generation,
                "bootstrap was not reaped in time; forgetting it"
            );
            let mut state = lock(&shared.state);
            if state
                .process
                .as_ref()
                .is_some_and(|process| process.generation == generation)
            {
                state.process = None;
            }
        }
    }
}

/// Reads one of the process's pipes line by line into the host's log.
async fn capture(shared: Arc<Shared>, pipe: impl AsyncRead + Unpin, stream: &'static str) {
    let mut reader = BufReader::new(pipe);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end_matches(['\n', '\r']);
                tracing::trace!(target: "local_aws::bootstrap", stream, "{text}");
                let mut logs = lock(&shared.logs);
                logs.push_str(text);
                logs.push('\n');
            }
        }
    }
}

/// `kill(-pgid, SIGKILL)`: the bootstrap and everything in its process group.
fn kill_group(pid: u32) {
    let Ok(pgid) = libc::pid_t::try_from(pid) else {
        return;
    };
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill(2) has no memory-safety preconditions. The group id is
    // that of a child this host spawned with `process_group(0)`.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

async fn next_invocation(State(shared): State<Arc<Shared>>) -> Response {
    let mut wake = shared.wake.subscribe();
    let generation = lock(&shared.state).generation;
    loop {
        {
            let mut state = lock(&shared.state);
            if state.shutdown {
                return runtime_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "ServiceException",
                    "the runtime API host is shutting down",
                );
            }
            if state.generation != generation {
                return runtime_error(
                    StatusCode::GONE,
                    "StaleRuntime",
                    "this execution environment has been replaced",
                );
            }
            if let Some(pending) = state
                .pending
                .as_mut()
                .filter(|pending| !pending.delivered && pending.generation == generation)
            {
                pending.delivered = true;
                return event_response(&shared, pending);
            }
        }
        // Every state change that matters wakes us; the host's Drop ends it.
        if wake.changed().await.is_err() {
            return runtime_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "ServiceException",
                "the runtime API host is gone",
            );
        }
    }
}

fn event_response(shared: &Shared, pending: &Pending) -> Response {
    let mut response = (StatusCode::OK, pending.event.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let pairs = [
        ("lambda-runtime-aws-request-id", pending.request_id.clone()),
        (
            "lambda-runtime-deadline-ms",
            pending.deadline_ms.to_string(),
        ),
        ("lambda-runtime-invoked-function-arn", shared.arn.clone()),
        ("lambda-runtime-trace-id", pending.trace_id.clone()),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

async fn invocation_response(
    State(shared): State<Arc<Shared>>,
    UrlPath(id): UrlPath<String>,
    body: Body,
) -> Response {
    match axum::body::to_bytes(body, MAX_RESPONSE_PAYLOAD).await {
        Ok(bytes) => {
            let value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
            complete(&shared, &id, Outcome::Response(value))
        }
        Err(_) => {
            let message = format!(
                "Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_PAYLOAD} bytes)."
            );
            let outcome = Outcome::Error(json!({
                "errorType": "Function.ResponseSizeTooLarge",
                "errorMessage": message,
            }));
            let answer = complete(&shared, &id, outcome);
            if answer.status().is_success() {
                runtime_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "RequestEntityTooLarge",
                    &message,
                )
            } else {
                answer
            }
        }
    }
}

async fn invocation_error(
    State(shared): State<Arc<Shared>>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let bytes = axum::body::to_bytes(body, MAX_RESPONSE_PAYLOAD)
        .await
        .unwrap_or_default();
    let document = error_document(&headers, &bytes, "Unhandled");
    complete(&shared, &id, Outcome::Error(document))
}

async fn init_error(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    let bytes = axum::body::to_bytes(body, MAX_RESPONSE_PAYLOAD)
        .await
        .unwrap_or_default();
    let document = error_document(&headers, &bytes, "Runtime.InitError");
    let pending = {
        let mut state = lock(&shared.state);
        // Lambda resets the environment after a failed init.
        if let Some(kill) = state
            .process
            .as_mut()
            .and_then(|process| process.kill.take())
        {
            let _ = kill.send(());
        }
        let current = state.generation;
        if state
            .pending
            .as_ref()
            .is_some_and(|pending| pending.generation == current)
        {
            state.pending.take()
        } else {
            None
        }
    };
    if let Some(pending) = pending {
        pending.finish(Outcome::Error(document));
    }
    accepted()
}

/// The runtime's error body, as JSON, with `errorType` from the
/// `Lambda-Runtime-Function-Error-Type` header if the body has none.
fn error_document(headers: &HeaderMap, body: &[u8], default_type: &str) -> Value {
    let header_type = headers
        .get("lambda-runtime-function-error-type")
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .unwrap_or(default_type)
        .to_owned();
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut map)) => {
            map.entry("errorType")
                .or_insert_with(|| Value::String(header_type));
            Value::Object(map)
        }
        Ok(other) => json!({ "errorType": header_type, "errorMessage": other }),
        Err(_) => json!({
            "errorType": header_type,
            "errorMessage": String::from_utf8_lossy(body),
        }),
    }
}

fn complete(shared: &Shared, id: &str, outcome: Outcome) -> Response {
    let pending = {
        let mut state = lock(&shared.state);
        if state
            .pending
            .as_ref()
            .is_some_and(|pending| pending.request_id == id)
        {
            state.pending.take()
        } else {
            None
        }
    };
    match pending {
        Some(pending) => {
            pending.finish(outcome);
            accepted()
        }
        None => runtime_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestID",
            "Invalid request ID",
        ),
    }
}

async fn not_found() -> Response {
    runtime_error(
        StatusCode::NOT_FOUND,
        "InvalidRequest",
        "unknown Runtime API path",
    )
}

fn accepted() -> Response {
    (
        StatusCode::ACCEPTED,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"OK"}"#,
    )
        .into_response()
}

fn runtime_error(status: StatusCode, error_type: &str, message: &str) -> Response {
    let body = json!({ "errorType": error_type, "errorMessage": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn new_log_stream_name() -> String {
    let (year, month, day, ..) = utc_parts(SystemTime::now());
    format!("{year:04}/{month:02}/{day:02}/[$LATEST]{}", random_hex(16))
}

/// An X-Ray trace header like Lambda's.
fn trace_id() -> String {
    let secs = epoch_ms() / 1000;
    format!(
        "Root=1-{secs:08x}-{};Parent={};Sampled=0",
        random_hex(12),
        random_hex(8)
    )
}

/// A random (version 4) UUID, as Lambda's request ids are.
fn uuid_v4() -> String {
    let hex = random_hex(16);
    let variant = ["8", "9", "a", "b"];
    let pick = usize::from(hex.as_bytes()[16] % 4);
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        variant[pick],
        &hex[17..20],
        &hex[20..32]
    )
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_lambda_ids() {
        let id = uuid_v4();
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|part| part.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));

        let stream = new_log_stream_name();
        let (date, rest) = stream.split_once("/[$LATEST]").unwrap_or_default();
        assert_eq!(date.len(), 10);
        assert_eq!(rest.len(), 32);
        assert!(rest.chars().all(|ch| ch.is_ascii_hexdigit()));

        assert!(trace_id().starts_with("Root=1-"));
    }
}
