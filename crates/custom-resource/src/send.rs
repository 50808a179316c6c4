//! Delivering the response: the presigned ResponseURL, its redaction, and the
//! PUT with retries.

use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use http::Uri;
use std::time::Duration;
use tokio::time::Instant;

/// Environment variable that lets local tests use a plain-http ResponseURL.
pub const ALLOW_HTTP_ENV: &str = "CFN_RESPONSE_ALLOW_HTTP";

/// The presigned ResponseURL. It is a credential (anyone holding it can
/// answer for the resource), so its `Debug` and `Display` show only the scheme,
/// host and path.
#[derive(Clone)]
pub struct ResponseUrl(Uri);

#[derive(Debug, thiserror::Error)]
pub enum InvalidResponseUrl {
    #[error("ResponseURL is not a valid URL")]
    Unparsable,
    #[error(
        "ResponseURL {0} uses {1}, but only https is accepted (set {ALLOW_HTTP_ENV}=true for local tests)"
    )]
    Scheme(String, String),
}

impl ResponseUrl {
    pub fn parse(raw: &str, allow_http: bool) -> Result<Self, InvalidResponseUrl> {
        let url: Uri = raw.parse().map_err(|_| InvalidResponseUrl::Unparsable)?;
        if url.host().is_none_or(str::is_empty) {
            return Err(InvalidResponseUrl::Unparsable);
        }
        let scheme = url
            .scheme_str()
            .ok_or(InvalidResponseUrl::Unparsable)?
            .to_ascii_lowercase();
        match scheme.as_str() {
            "https" => Ok(Self(url)),
            "http" if allow_http => Ok(Self(url)),
            _ => Err(InvalidResponseUrl::Scheme(Self(url).to_string(), scheme)),
        }
    }

    /// Whether plain http is allowed by the environment.
    pub fn http_allowed_by_env() -> bool {
        std::env::var(ALLOW_HTTP_ENV).is_ok_and(|value| value.eq_ignore_ascii_case("true"))
    }
}

impl std::fmt::Display for ResponseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = &self.0;
        let scheme = url.scheme_str().unwrap_or_default();
        write!(f, "{scheme}://{}", url.host().unwrap_or_default())?;
        if let Some(port) = url.port_u16() {
            write!(f, ":{port}")?;
        }
        write!(f, "{}", url.path())
    }
}

impl std::fmt::Debug for ResponseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ResponseUrl({self})")
    }
}

/// How the PUT ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// A 2xx answer.
    Delivered { attempts: u32 },
    /// A 4xx answer: final, since a presigned URL that refuses once refuses again.
    Refused { attempts: u32, status: u16 },
    /// Connection errors or 5xx until the time ran out.
    GaveUp { attempts: u32, last_error: String },
}

const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(4);
const MAX_ATTEMPT_TIME: Duration = Duration::from_secs(10);

/// PUTs `body` with no Content-Type (it is not among the presigned URL's
/// signed headers: any value breaks the signature), retrying connection
/// errors and 5xx with exponential backoff until `give_up_at`.
pub async fn put(
    connector: &Connector,
    url: &ResponseUrl,
    body: Vec<u8>,
    give_up_at: Instant,
) -> Delivery {
    let mut attempts = 0;
    let mut backoff = FIRST_BACKOFF;
    loop {
        attempts += 1;
        let left = give_up_at.saturating_duration_since(Instant::now());
        let limit = left.min(MAX_ATTEMPT_TIME).max(Duration::from_millis(100));
        let last_error = match put_request(url, body.clone()) {
            Err(error) => {
                // Not a network failure: another attempt would fail alike.
                return Delivery::GaveUp {
                    attempts,
                    last_error: format!("the PUT could not be built: {error}"),
                };
            }
            Ok(request) => match tokio::time::timeout(limit, connector.call(request)).await {
                Ok(Ok(answer)) if answer.status().is_success() => {
                    return Delivery::Delivered { attempts };
                }
                Ok(Ok(answer)) if answer.status().is_client_error() => {
                    return Delivery::Refused {
                        attempts,
                        status: answer.status().as_u16(),
                    };
                }
                Ok(Ok(answer)) => describe_status(answer.status().as_u16()),
                // The connector's errors never hold the URL; their sources
                // say why ("invalid peer certificate: UnknownIssuer").
                Ok(Err(error)) => crate::handler::describe(&error),
                Err(_elapsed) => format!("no answer within {} ms", limit.as_millis()),
            },
        };
        tracing::warn!(attempts, error = %last_error, target = %url, "response PUT failed; retrying");
        if Instant::now() + backoff >= give_up_at {
            return Delivery::GaveUp {
                attempts,
                last_error,
            };
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One attempt's request: PUT, the body (its length as Content-Length, which
/// the presigned URL requires), and no other header.
fn put_request(url: &ResponseUrl, body: Vec<u8>) -> Result<HttpRequest, String> {
    let request = http::Request::builder()
        .method(http::Method::PUT)
        .uri(url.0.clone())
        .body(SdkBody::from(body))
        .map_err(|error| error.to_string())?;
    HttpRequest::try_from(request).map_err(|error| error.to_string())
}

/// "answered HTTP 503 Service Unavailable".
fn describe_status(status: u16) -> String {
    let shown = http::StatusCode::from_u16(status).map_or(status.to_string(), |s| s.to_string());
    format!("answered HTTP {shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_query() {
        let url = ResponseUrl::parse(
            "https://cfn.s3.amazonaws.com:8443/arn%3Aaws/stack?X-Amz-Signature=secret&X-Amz-Credential=AKIA",
            false,
        )
        .unwrap();
        let shown = format!("{url} {url:?}");
        assert!(
            !shown.contains("secret") && !shown.contains("AKIA"),
            "{shown}"
        );
        assert!(
            shown.contains("https://cfn.s3.amazonaws.com:8443/arn%3Aaws/stack"),
            "{shown}"
        );
    }

    #[test]
    fn the_put_carries_the_body_and_no_content_type() {
        let raw = "https://cfn.example:8443/arn%3Aaws/stack?X-Amz-Signature=secret";
        let url = ResponseUrl::parse(raw, false).unwrap();
        let request = put_request(&url, br#"{"Status":"SUCCESS"}"#.to_vec()).unwrap();
        assert_eq!(request.method(), "PUT");
        assert_eq!(request.uri(), raw);
        // Not among the presigned URL's signed headers: any value breaks it.
        assert_eq!(request.headers().get("content-type"), None);
        // Known, so it goes out as Content-Length (S3 refuses chunked).
        assert_eq!(request.body().content_length(), Some(20));
    }

    #[test]
    fn accepts_only_https_unless_allowed() {
        assert!(ResponseUrl::parse("https://h/p", false).is_ok());
        let refused = ResponseUrl::parse("http://h/p?X-Amz-Signature=secret", false).unwrap_err();
        assert!(!refused.to_string().contains("secret"));
        assert!(refused.to_string().contains(ALLOW_HTTP_ENV));
        assert!(ResponseUrl::parse("http://h/p", true).is_ok());
        assert!(ResponseUrl::parse("ftp://h/p", true).is_err());
        assert!(ResponseUrl::parse("not a url", true).is_err());
        assert!(ResponseUrl::parse("file:///etc/passwd", true).is_err());
    }
}
