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

use aws_config::meta::region::ProvideRegion;
use aws_runtime::env_config::EnvConfigValue;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::HttpConnectorSettings;
use aws_types::os_shim_internal::Env;
use aws_types::sdk_config::{SharedCredentialsProvider, SharedHttpClient};
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
use std::time::Duration;

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
/// [`MAX_ATTEMPTS`] says, this stack's HTTP client, and from the environment
/// only (what Lambda and `sam local invoke` provide): the Region
/// (`AWS_REGION`), the credentials and endpoint overrides
/// ([`EnvironmentEndpoints`]).
///
/// Put together here rather than by `aws_config::defaults(..).load()`: the
/// loader's default chains (profile files, IMDS, ECS, web identity and
/// assume-role through STS) are code in every bootstrap whatever a function
/// sets, and a function never takes those paths (README "One network stack").
pub async fn aws_config() -> aws_config::SdkConfig {
    let region = aws_config::environment::EnvironmentVariableRegionProvider::new()
        .region()
        .await;
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(region)
        .credentials_provider(SharedCredentialsProvider::new(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        ))
        .http_client(https_client())
        .retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(MAX_ATTEMPTS)
                .with_max_backoff(MAX_BACKOFF),
        )
        .service_config(EnvironmentEndpoints::from_env())
        .build()
}

/// `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true: how the SDK's loader reads
/// endpoint overrides from the environment (the local emulators are reached
/// this way), without its profile files.
#[derive(Debug)]
pub struct EnvironmentEndpoints {
    env: Env,
    ignore: bool,
}

impl EnvironmentEndpoints {
    pub fn from_env() -> Self {
        Self::new(Env::real())
    }

    fn new(env: Env) -> Self {
        let ignore = env
            .get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .is_ok_and(|value| value.eq_ignore_ascii_case("true"));
        Self { env, ignore }
    }
}

impl LoadServiceConfig for EnvironmentEndpoints {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        if self.ignore {
            return None;
        }
        EnvConfigValue::new()
            .env(key.env())
            .service_id(key.service_id())
            .load(&self.env, None)
            .map(|(value, _source)| value.into_owned())
    }
}

/// The SDK's HTTP client on this stack (https and http).
fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// The SDK's configuration loader with the HTTP client on this stack (https
/// and http), for callers that set the rest themselves.
pub fn aws_config_loader() -> aws_config::ConfigLoader {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(https_client())
}

/// The connector for the response PUT: the SDK's own (hyper 1, rustls with
/// `ring`), so that a cold start loads and parses the root certificates
/// once, for the SDK's calls and the PUT alike (`rustls-native-certs`:
/// `SSL_CERT_FILE`, or the system's bundle; decoding the PEM of some 150
/// roots costs about 1 ms of CPU on a desktop core, some 14 ms at 128 MB).
pub fn response_connector(connect_timeout: Duration) -> aws_smithy_http_client::Connector {
    aws_smithy_http_client::Connector::builder()
        .connector_settings(
            HttpConnectorSettings::builder()
                .connect_timeout(connect_timeout)
                .build(),
        )
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(vars: &[(&'static str, &'static str)]) -> EnvironmentEndpoints {
        EnvironmentEndpoints::new(Env::from_slice(vars))
    }

    /// The key the generated SSM client asks with (its `config.rs`).
    fn ssm_endpoint_key() -> ServiceConfigKey<'static> {
        ServiceConfigKey::builder()
            .service_id("SSM")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .expect("every field is set")
    }

    fn cognito_endpoint_key() -> ServiceConfigKey<'static> {
        ServiceConfigKey::builder()
            .service_id("Cognito Identity Provider")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .expect("every field is set")
    }

    #[test]
    fn a_service_endpoint_beats_the_global_one() {
        let endpoints = endpoints(&[
            ("AWS_ENDPOINT_URL", "http://global"),
            ("AWS_ENDPOINT_URL_SSM", "http://ssm"),
            (
                "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
                "http://cognito",
            ),
        ]);
        assert_eq!(
            endpoints.load_config(ssm_endpoint_key()).as_deref(),
            Some("http://ssm")
        );
        assert_eq!(
            endpoints.load_config(cognito_endpoint_key()).as_deref(),
            Some("http://cognito")
        );
    }

    #[test]
    fn the_global_endpoint_applies_to_a_service_without_its_own() {
        let endpoints = endpoints(&[
            ("AWS_ENDPOINT_URL", "http://global"),
            ("AWS_ENDPOINT_URL_SSM", "http://ssm"),
        ]);
        assert_eq!(
            endpoints.load_config(cognito_endpoint_key()).as_deref(),
            Some("http://global")
        );
    }

    #[test]
    fn no_override_leaves_the_service_its_own_endpoint() {
        assert_eq!(endpoints(&[]).load_config(ssm_endpoint_key()), None);
    }

    #[test]
    fn ignoring_configured_endpoints_ignores_both() {
        let endpoints = endpoints(&[
            ("AWS_ENDPOINT_URL", "http://global"),
            ("AWS_ENDPOINT_URL_SSM", "http://ssm"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
        ]);
        assert_eq!(endpoints.load_config(ssm_endpoint_key()), None);
        assert_eq!(endpoints.load_config(cognito_endpoint_key()), None);
    }
}
