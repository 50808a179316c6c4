//! A fault-injecting proxy in front of an emulator, for calls in the AWS JSON
//! protocols (Cognito, SSM, SageMaker): each call is forwarded, delayed,
//! refused with an AWS error before it reaches the emulator (throttling, a
//! 5xx), or forwarded with its answer lost (the caller is crashed meanwhile).
//! A [`FaultPolicy`] decides per call.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Largest request body forwarded.
const READ_LIMIT: usize = 8 * 1024 * 1024;

/// One call, as the proxy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The target prefix (`SageMaker`, `AWSCognitoIdentityProviderService`,
    /// `AmazonSSM`) and the operation (`CreateWorkforce`), from
    /// `X-Amz-Target`; empty when the request has none.
    pub service: String,
    pub operation: String,
}

/// What happens to a call.
pub enum Action {
    Forward,
    /// Wait, then forward (a slow answer).
    Delay(Duration),
    /// Answer with an AWS JSON-protocol error without forwarding, e.g.
    /// `400 ThrottlingException` or `500 InternalFailure`.
    Refuse {
        status: u16,
        code: &'static str,
        message: &'static str,
    },
    /// Forward, run `then` once the emulator has answered (the call's effect
    /// happened), and answer the caller `502` instead.
    ForwardThenLose(Box<dyn FnOnce() + Send>),
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Forward => f.write_str("Forward"),
            Action::Delay(d) => write!(f, "Delay({d:?})"),
            Action::Refuse { status, code, .. } => write!(f, "Refuse({status} {code})"),
            Action::ForwardThenLose(_) => f.write_str("ForwardThenLose"),
        }
    }
}

/// Decides what happens to each call.
pub trait FaultPolicy: Send + Sync + 'static {
    fn decide(&self, call: &Call) -> Action;
}

struct Shared {
    upstream: String,
    http: reqwest::Client,
    policy: Arc<dyn FaultPolicy>,
}

/// The proxy; dropping it stops the server.
pub struct FaultProxy {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (`http://127.0.0.1:<port>`) on
    /// 127.0.0.1 on a free port.
    pub async fn start(upstream: &str, policy: Arc<dyn FaultPolicy>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: crate::http_client()?,
            policy,
        });
        let app = Router::new().fallback(handle).with_state(shared);
        let (shutdown, task) =
            crate::spawn_server(crate::without_nagle(listener), app, "fault proxy");
        Ok(Self {
            addr,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_*`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        drop(self.task.take());
    }
}

/// The call named by `X-Amz-Target` (`Service.Operation`).
fn call(headers: &HeaderMap) -> Call {
    let target = headers
        .get("x-amz-target")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let (service, operation) = target.rsplit_once('.').unwrap_or(("", target));
    Call {
        service: service.to_owned(),
        operation: operation.to_owned(),
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let call = call(&headers);
    let lose = match shared.policy.decide(&call) {
        Action::Forward => None,
        Action::Delay(delay) => {
            tokio::time::sleep(delay).await;
            None
        }
        Action::Refuse {
            status,
            code,
            message,
        } => return aws_error(status, code, message),
        Action::ForwardThenLose(then) => Some(then),
    };
    let body = match axum::body::to_bytes(body, READ_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return aws_error(400, "SerializationException", "request body unreadable"),
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = shared
        .http
        .request(method, format!("{}{path}", shared.upstream))
        .body(body);
    for (name, value) in &headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            request = request.header(name, value);
        }
    }
    let answer = request.send().await;
    if let Some(then) = lose {
        then();
        return (StatusCode::BAD_GATEWAY, "answer lost").into_response();
    }
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            tracing::warn!(%error, "fault proxy could not reach the emulator");
            return (StatusCode::BAD_GATEWAY, "emulator unreachable").into_response();
        }
    };
    let status = answer.status();
    let mut out = HeaderMap::new();
    for (name, value) in answer.headers() {
        let hop = [
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
            header::CONNECTION,
        ];
        if !hop.contains(name) {
            out.append(name, value.clone());
        }
    }
    match answer.bytes().await {
        Ok(bytes) => (status, out, bytes).into_response(),
        Err(_) => (StatusCode::BAD_GATEWAY, "emulator answer unreadable").into_response(),
    }
}

/// An error in the AWS JSON protocols (awsJson1_1), as the SDKs classify it.
fn aws_error(status: u16, code: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({"__type": code, "message": message}).to_string();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    if let Ok(code) = HeaderValue::from_str(code) {
        headers.insert("x-amzn-errortype", code);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_comes_from_the_target_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(call(&headers).operation, "");
        headers.insert(
            "x-amz-target",
            HeaderValue::from_static("SageMaker.CreateWorkforce"),
        );
        assert_eq!(
            call(&headers),
            Call {
                service: "SageMaker".into(),
                operation: "CreateWorkforce".into()
            }
        );
    }
}
