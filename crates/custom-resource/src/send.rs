//! Delivering the response: the presigned ResponseURL, its redaction, and the
//! PUT with retries.

use reqwest::{StatusCode, Url};
use std::time::Duration;
use tokio::time::Instant;

/// Environment variable that lets local tests use a plain-http ResponseURL.
pub const ALLOW_HTTP_ENV: &str = "CFN_RESPONSE_ALLOW_HTTP";

/// The presigned ResponseURL. It is a credential (anyone holding it can
/// answer for the resource), so its `Debug` and `Display` show only the scheme,
/// host and path.
#[derive(Clone)]
pub struct ResponseUrl(Url);

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
        let url = Url::parse(raw).map_err(|_| InvalidResponseUrl::Unparsable)?;
        if url.host_str().is_none() {
            return Err(InvalidResponseUrl::Unparsable);
        }
        match url.scheme() {
            "https" => Ok(Self(url)),
            "http" if allow_http => Ok(Self(url)),
            scheme => {
                let shown = Self(url.clone()).to_string();
                Err(InvalidResponseUrl::Scheme(shown, scheme.to_owned()))
            }
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
        write!(f, "{}://{}", url.scheme(), url.host_str().unwrap_or(""))?;
        if let Some(port) = url.port() {
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
    client: &reqwest::Client,
    url: &ResponseUrl,
    body: Vec<u8>,
    give_up_at: Instant,
) -> Delivery {
    let mut attempts = 0;
    let mut backoff = FIRST_BACKOFF;
    loop {
        attempts += 1;
        let left = give_up_at.saturating_duration_since(Instant::now());
        let attempt = client
            .put(url.0.clone())
            .body(body.clone())
            .timeout(left.min(MAX_ATTEMPT_TIME).max(Duration::from_millis(100)))
            .send()
            .await;
        let last_error = match attempt {
            Ok(answer) if answer.status().is_success() => return Delivery::Delivered { attempts },
            Ok(answer) if answer.status().is_client_error() => {
                return Delivery::Refused {
                    attempts,
                    status: answer.status().as_u16(),
                };
            }
            Ok(answer) => describe_status(answer.status()),
            // reqwest's errors embed the URL; strip it, it is a credential.
            // The sources say why ("invalid peer certificate: UnknownIssuer").
            Err(error) => crate::handler::describe(&error.without_url()),
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

fn describe_status(status: StatusCode) -> String {
    format!("answered HTTP {status}")
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
