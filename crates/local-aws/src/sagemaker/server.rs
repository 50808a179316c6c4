//! The HTTP side: start and stop, the test switches, and routing each
//! request by its `X-Amz-Target` to an operation.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::errors::{ApiError, json_response};
use super::state::{EmulatorState, Shared};
use super::tagging::{add_tags, delete_tags, list_tags};
use super::workforce::{
    Workforce, create_workforce, delete_workforce, describe_workforce, list_workforces,
    update_workforce,
};
use super::workteam::{
    create_workteam, delete_workteam, describe_workteam, list_workteams, update_workteam,
};

const TARGET_PREFIX: &str = "SageMaker.";

/// How the emulator behaves; see [`Default`] for the values tests start from.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// How long a workforce stays `Initializing` or `Updating`.
    pub settle_after: Duration,
    /// How long a workforce stays `Deleting` before it is gone.
    pub delete_after: Duration,
    /// moto's endpoint for Cognito; when set, CreateWorkforce with a
    /// CognitoConfig reads and updates the app client there, as SageMaker does.
    pub cognito_endpoint: Option<String>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            settle_after: Duration::from_millis(300),
            delete_after: Duration::from_millis(200),
            cognito_endpoint: None,
        }
    }
}

/// A running emulator on 127.0.0.1; the server stops when this is dropped.
pub struct SageMakerEmulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SageMakerEmulator {
    /// Starts the emulator on 127.0.0.1 on a free port.
    pub async fn start(options: EmulatorOptions) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), options).await
    }

    /// Starts the emulator on `addr` (for the local stack, which wants a
    /// fixed port).
    pub async fn start_on(addr: SocketAddr, options: EmulatorOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            options,
            state: Mutex::new(EmulatorState::default()),
            cognito_clients: Mutex::default(),
        });
        if let Some(endpoint) = &shared.options.cognito_endpoint {
            // SageMaker's own Cognito client is warm: built here (its
            // configuration, root certificates and a first connection), not
            // inside the first CreateWorkforce, whose caller's time it was.
            let cognito = shared.cognito_client(endpoint, crate::REGION).await;
            let _ = cognito.list_user_pools().max_results(1).send().await;
        }
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let task =
            tokio::spawn(async move { axum::serve(crate::without_nagle(listener), app).await });
        Ok(Self {
            shared,
            addr,
            task: Some(task),
        })
    }

    /// Serves until the server fails (for a binary that embeds the emulator).
    pub async fn serve_forever(mut self) -> std::io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_SAGEMAKER`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next `n` requests (any operation, any region) are answered with
    /// `400 ThrottlingException: Rate exceeded`. The SDK retries these, so
    /// one SDK call may use several of them.
    pub fn throttle_next(&self, n: u32) {
        self.shared.lock().throttle = n;
    }

    /// While on, `Initializing` and `Updating` workforces never settle.
    pub fn never_settle(&self, on: bool) {
        self.shared.lock().never_settle = on;
    }

    /// The next created workforce settles as `Failed` with this
    /// FailureReason instead of `Active`.
    pub fn fail_next_workforce(&self, reason: impl Into<String>) {
        self.shared.lock().fail_next = Some(reason.into());
    }

    /// The operation of every request received, in order, refused and
    /// throttled ones included (an unknown target is recorded as sent).
    pub fn calls(&self) -> Vec<String> {
        self.shared.lock().calls.clone()
    }

    /// The OIDC client secret workforce `name` was last sent (in any
    /// region), which SageMaker never shows: tests check with it that a
    /// rotation arrived.
    pub fn oidc_client_secret(&self, name: &str) -> Option<String> {
        let state = self.shared.lock();
        state
            .regions
            .values()
            .filter_map(|region| region.workforces.get(name))
            .find_map(|workforce| workforce.oidc_client_secret.clone())
    }

    /// Every workforce of every region, as DescribeWorkforce shows it.
    pub fn workforces(&self) -> Vec<Value> {
        let mut state = self.shared.lock();
        state.advance(&self.shared.options, Instant::now());
        state
            .regions
            .values()
            .flat_map(|region| region.workforces.values().map(Workforce::describe))
            .collect()
    }
}

impl Drop for SageMakerEmulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The region of a SigV4 `Authorization` header:
/// `AWS4-HMAC-SHA256 Credential=AKID/20260101/<region>/sagemaker/aws4_request, ...`.
pub fn region_from_authorization(authorization: &str) -> Option<&str> {
    let (_, rest) = authorization.split_once("Credential=")?;
    let credential = rest.split(|c: char| c == ',' || c.is_whitespace()).next()?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [.., _date, region, _service, terminator] = parts.as_slice() else {
        return None;
    };
    let valid = *terminator == "aws4_request"
        && parts.len() >= 5
        && !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    valid.then_some(*region)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let operation = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
    let region = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(region_from_authorization)
        .unwrap_or(crate::REGION)
        .to_owned();
    {
        let mut state = shared.lock();
        state.calls.push(operation.to_owned());
        if state.throttle > 0 {
            state.throttle -= 1;
            return ApiError::new("ThrottlingException", "Rate exceeded").into_response();
        }
    }
    if method != Method::POST || !target.starts_with(TARGET_PREFIX) {
        return unknown_operation(target).into_response();
    }
    match dispatch(&shared, &region, operation, &body).await {
        Ok(out) => json_response(StatusCode::OK, &out),
        Err(error) => error.into_response(),
    }
}

fn unknown_operation(target: &str) -> ApiError {
    ApiError::new(
        "UnknownOperationException",
        format!("The SageMaker emulator does not implement the operation '{target}'"),
    )
}

async fn dispatch(
    shared: &Shared,
    region: &str,
    operation: &str,
    body: &[u8],
) -> Result<Value, ApiError> {
    match operation {
        "CreateWorkforce" => create_workforce(shared, region, parse(body)?).await,
        "DescribeWorkforce" => describe_workforce(shared, region, parse(body)?),
        "UpdateWorkforce" => update_workforce(shared, region, parse(body)?),
        "DeleteWorkforce" => delete_workforce(shared, region, parse(body)?),
        "ListWorkforces" => list_workforces(shared, region, parse(body)?),
        "CreateWorkteam" => create_workteam(shared, region, parse(body)?),
        "DescribeWorkteam" => describe_workteam(shared, region, parse(body)?),
        "UpdateWorkteam" => update_workteam(shared, region, parse(body)?),
        "DeleteWorkteam" => delete_workteam(shared, region, parse(body)?),
        "ListWorkteams" => list_workteams(shared, region, parse(body)?),
        "AddTags" => add_tags(shared, region, parse(body)?),
        "DeleteTags" => delete_tags(shared, region, parse(body)?),
        "ListTags" => list_tags(shared, region, parse(body)?),
        _ => Err(unknown_operation(&format!("{TARGET_PREFIX}{operation}"))),
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new("SerializationException", format!("Malformed JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::new(
            "SerializationException",
            "The request body must be a JSON object",
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::new("SerializationException", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_comes_from_the_credential_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=testing/20260101/eu-west-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(region_from_authorization(header), Some("eu-west-1"));
        let no_space = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/sagemaker/aws4_request,SignedHeaders=host";
        assert_eq!(region_from_authorization(no_space), Some("us-west-2"));
        assert_eq!(region_from_authorization("Bearer token"), None);
        assert_eq!(
            region_from_authorization("AWS4-HMAC-SHA256 Credential=AKID/20260101/sagemaker"),
            None
        );
        assert_eq!(
            region_from_authorization(
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/EU!/s/aws4_request"
            ),
            None
        );
    }
}
