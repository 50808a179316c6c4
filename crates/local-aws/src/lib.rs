//! Local stand-ins for the AWS parts the functions talk to, shared by the
//! tests, the benchmarks and the local stack lifecycle:
//!
//! - [`moto`]: moto's server for Cognito and SSM, patched to reset like AWS;
//! - [`sagemaker`]: the project's own SageMaker workforce emulator;
//! - [`sink`]: a ResponseURL that behaves like CloudFormation's presigned S3 URL
//!   (over http, or https with a certificate from [`tls`]);
//! - [`runtime_api`]: a Lambda Runtime API host that runs a function binary
//!   as a real bootstrap;
//! - [`triggers`]: Cognito's trigger events and what it makes of the answers;
//! - [`fault_proxy`]: throttling, 5xx, slow and lost answers in front of an
//!   emulator.
//!
//! Every server listens on 127.0.0.1 on a free port and stops when its handle
//! is dropped, so tests can run in parallel.

pub mod cognito;
pub mod fault_proxy;
pub mod harness;
pub mod moto;
pub mod runtime_api;
pub mod sagemaker;
pub mod sink;
pub mod tls;
pub mod triggers;

use std::path::PathBuf;

/// Region every local emulator pretends to be in unless told otherwise.
pub const REGION: &str = "us-east-1";
/// Account id moto uses for ARNs.
pub const ACCOUNT_ID: &str = "123456789012";

/// The workspace root (where `Cargo.toml`, `tools/` and `.venv` live).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or(manifest)
}

/// `listener` with TCP_NODELAY on every connection it accepts, as AWS's
/// endpoints answer. Without it a response written in two pieces (head and
/// body, or two TLS records) waits for the client's delayed ACK, 40 ms on
/// Linux: about one https response PUT in eight was answered 42 to 45 ms
/// late, which Lambda would bill and a test's deadline would feel.
pub(crate) fn without_nagle(
    listener: tokio::net::TcpListener,
) -> impl axum::serve::Listener<Io = tokio::net::TcpStream, Addr = std::net::SocketAddr> {
    use axum::serve::ListenerExt;
    listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    })
}

/// Serves `app` on `listener` in a task until the sender is used or
/// dropped; `what` names the server in a warning if it stops with an error.
pub(crate) fn spawn_server<L>(
    listener: L,
    app: axum::Router,
    what: &'static str,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
)
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.await;
            })
            .await;
        if let Err(error) = served {
            tracing::warn!(%error, "{what} stopped with an error");
        }
    });
    (shutdown, task)
}

/// An HTTP client for the local servers, on the functions' TLS stack
/// (rustls with `ring`) and root store, so that the tools link no second
/// one.
pub fn http_client() -> std::io::Result<reqwest::Client> {
    let mut roots = rustls::RootCertStore::empty();
    let (_added, _skipped) =
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(std::io::Error::other)?
    .with_root_certificates(roots)
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .map_err(std::io::Error::other)
}

/// SDK configuration for a local endpoint: fixed test credentials, the given
/// region, the endpoint URL (exactly as a function would get it from
/// `AWS_ENDPOINT_URL` in its environment) and the functions' HTTP client.
pub async fn sdk_config(endpoint_url: &str, region: &str) -> aws_config::SdkConfig {
    custom_resource::network::aws_config_loader()
        .region(aws_config::Region::new(region.to_owned()))
        .credentials_provider(aws_sdk_ssm::config::Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "local-aws",
        ))
        .endpoint_url(endpoint_url)
        .load()
        .await
}

/// The tags of a SageMaker resource as `key=value`, in key order, read
/// through the SDK from the emulator at `sagemaker_endpoint` (what the
/// emulator's, the function's and the lifecycle's tag tests compare).
pub async fn sagemaker_tags(sagemaker_endpoint: &str, arn: &str) -> Vec<String> {
    let config = sdk_config(sagemaker_endpoint, REGION).await;
    let listed = aws_sdk_sagemaker::Client::new(&config)
        .list_tags()
        .resource_arn(arn)
        .send()
        .await;
    let mut tags: Vec<String> = listed
        .map(|output| {
            output
                .tags()
                .iter()
                .map(|tag| {
                    format!(
                        "{}={}",
                        tag.key().unwrap_or_default(),
                        tag.value().unwrap_or_default()
                    )
                })
                .collect()
        })
        .unwrap_or_else(|error| panic!("ListTags {arn}: {error:?}"));
    tags.sort();
    tags
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener;

    #[tokio::test]
    async fn local_servers_answer_without_nagle() {
        let tcp = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = tcp.local_addr().unwrap();
        let mut listener = super::without_nagle(tcp);
        let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (accepted, _) = listener.accept().await;
        assert!(accepted.nodelay().unwrap());
    }
}
