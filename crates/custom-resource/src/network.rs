//! The one network stack every function links: hyper 1 and rustls 0.23 with
//! the `ring` crypto provider and the system's root certificates, shared by
//! the AWS SDK's HTTP client and the response PUT.
//!
//! Why `ring` and not the SDK's default `aws-lc-rs`: AWS-LC seeds its random
//! generator from CPU jitter entropy at first use, which cost about 30 ms of
//! CPU in the first TLS handshake of a process (profiled: `jent_*`
//! functions); `ring` reads the kernel's `getrandom`, and the same https PUT
//! took under 5 ms of CPU. A 128 MB Lambda function has about a fourteenth
//! of a vCPU, so that was most of a cold start. See README "One network
//! stack".

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use std::sync::Arc;

/// Attempts per AWS call, the first included. The SDK's standard mode retries
/// throttling, 5xx answers and transient network errors with jittered
/// exponential backoff; its default of three attempts gives up on a short
/// burst that CloudFormation's own handlers ride out, and a stack ends FAILED
/// (the soak saw a stack delete fail on three throttled ListWorkteams in a
/// row). Eight attempts with the backoff capped at 5 s wait about 13 s on
/// average and 27 s at most, inside every function's deadline, which the
/// protocol's own deadline guards anyway.
pub const MAX_ATTEMPTS: u32 = 8;
pub const MAX_BACKOFF: std::time::Duration = std::time::Duration::from_secs(5);

/// Configuration for the AWS SDK clients of a Lambda function: retries as
/// [`MAX_ATTEMPTS`] says, region and endpoint overrides from the environment
/// as usual (`AWS_REGION`, `AWS_ENDPOINT_URL_<SERVICE>`), credentials from
/// the environment only (what Lambda and `sam local invoke` provide), and
/// this stack's HTTP client.
pub async fn aws_config() -> aws_config::SdkConfig {
    aws_config_loader()
        .retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(MAX_ATTEMPTS)
                .with_max_backoff(MAX_BACKOFF),
        )
        .credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        )
        .load()
        .await
}

/// The SDK's configuration loader with the HTTP client on this stack (https
/// and http), for callers that set the rest themselves.
pub fn aws_config_loader() -> aws_config::ConfigLoader {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(
        aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https(),
    )
}

/// An HTTP client builder on this stack, for the response PUT (and for the
/// local tools, so that they link no second one): the same provider and root
/// store as the SDK's client (the roots `rustls-native-certs` finds:
/// `SSL_CERT_FILE`, or the system's bundle).
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable or unparsable certificates are skipped, as the SDK's client
    // does; with no usable root at all every https request fails
    // verification, which the caller reports.
    let (_added, _skipped) =
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(reqwest::Client::builder().tls_backend_preconfigured(tls))
}
