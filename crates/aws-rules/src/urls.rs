//! Callback and logout URLs: what Cognito accepts, and what the
//! comma-joined Data value (split again by the template's `!Split`) can carry.

use std::fmt;

/// Longest callback or logout URL Cognito stores (Model: 1-1024 characters).
pub const MAX_URL_CHARS: usize = 1024;
/// Most callback (and logout) URLs an app client may have (Cognito quota).
pub const MAX_URLS: usize = 100;

/// Why a URL is refused; `Display` completes "… <url> …".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    Empty,
    TooLong,
    Whitespace,
    Comma,
    Fragment,
    NotAbsolute,
    NotHttps,
}

impl fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "is empty",
            Self::TooLong => "is longer than 1024 characters, Cognito's limit",
            Self::Whitespace => "contains whitespace or control characters",
            Self::Comma => {
                "contains a comma, which the comma-joined Data value (split by the template's !Split) cannot carry"
            }
            Self::Fragment => "has a fragment (#...), which Cognito refuses in redirect URLs",
            Self::NotAbsolute => "is not an absolute URL (https://host/path)",
            Self::NotHttps => "must use https (plain http is allowed only for http://localhost)",
        })
    }
}

/// Checks one callback or logout URL: absolute, `https://` (or
/// `http://localhost`), no fragment, no comma, at most 1024 characters.
pub fn check_url(url: &str) -> Result<(), UrlProblem> {
    if url.is_empty() {
        return Err(UrlProblem::Empty);
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(UrlProblem::TooLong);
    }
    // The url crate would quietly trim or encode these; Cognito compares the
    // stored text, so refuse rather than guess.
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlProblem::Whitespace);
    }
    if url.contains(',') {
        return Err(UrlProblem::Comma);
    }
    if url.contains('#') {
        return Err(UrlProblem::Fragment);
    }
    let parsed = url::Url::parse(url).map_err(|_| UrlProblem::NotAbsolute)?;
    // Require the literal prefix too: the parser accepts `https:host` and
    // upper-case schemes, which are not the text Cognito will compare.
    let https = url.starts_with("https://") && parsed.scheme() == "https";
    let localhost = url.starts_with("http://") && parsed.host_str() == Some("localhost");
    if !(https || localhost) {
        return Err(if url.contains("://") {
            UrlProblem::NotHttps
        } else {
            UrlProblem::NotAbsolute
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_localhost() {
        for url in [
            "https://abc123.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse",
            "https://127.0.0.1",
            "https://example.com:8443/cb?x=1",
            "http://localhost",
            "http://localhost:3000/callback",
        ] {
            assert_eq!(check_url(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn refuses_each_broken_rule() {
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        for (url, problem) in [
            ("", UrlProblem::Empty),
            (long.as_str(), UrlProblem::TooLong),
            ("https://example.com/a b", UrlProblem::Whitespace),
            (" https://example.com", UrlProblem::Whitespace),
            ("https://example.com/a,b", UrlProblem::Comma),
            ("https://example.com/#top", UrlProblem::Fragment),
            ("example.com/cb", UrlProblem::NotAbsolute),
            ("/oauth2/idpresponse", UrlProblem::NotAbsolute),
            ("https:example.com", UrlProblem::NotAbsolute),
            ("https://", UrlProblem::NotAbsolute),
            ("http://example.com", UrlProblem::NotHttps),
            ("http://localhost.example.com", UrlProblem::NotHttps),
            ("HTTPS://example.com", UrlProblem::NotHttps),
            ("myapp://callback", UrlProblem::NotHttps),
        ] {
            assert_eq!(check_url(url), Err(problem), "{url:?}");
        }
        // 1024 characters is still fine.
        let edge = format!("https://e.com/{}", "a".repeat(MAX_URL_CHARS - 14));
        assert_eq!(edge.len(), MAX_URL_CHARS);
        assert_eq!(check_url(&edge), Ok(()));
    }
}
