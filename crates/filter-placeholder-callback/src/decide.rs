//! The decisions, without I/O: which callback and logout URLs the app
//! client should have once the placeholder is gone, and the physical id.
//! Pure, so every rule is unit-tested.

use aws_rules::sagemaker::with_live_portal;
use aws_rules::shown;

/// An app client's callback and logout URLs, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientUrls {
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
}

impl ClientUrls {
    /// The Data values: comma-joined, for the template's `!Split`.
    pub fn joined(&self) -> (String, String) {
        (self.callback_urls.join(","), self.logout_urls.join(","))
    }
}

/// What the filter needs from the properties.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub placeholder_url: &'a str,
    pub required_callback_url: Option<&'a str>,
    pub required_logout_url: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error(
        "no callback URL is left once the placeholder {placeholder} is removed, and an app client \
         using the code flow needs at least one: set RequiredCallbackUrl (the portal's \
         https://<SubDomain>/oauth2/idpresponse) or give the app client a real callback URL"
    )]
    NoCallbackUrl { placeholder: String },
    #[error(
        "the app client's {list} include {url}, which contains a comma: the comma-joined Data \
         value (split by the template's !Split) cannot carry it; remove that URL from the app \
         client"
    )]
    CommaInClientUrl { list: &'static str, url: String },
}

/// Removes the placeholder from both lists, and, when a list has a required
/// (the current portal's) URL, every other URL on a SageMaker labeling-portal
/// host: those belong to a former portal (a renamed or replaced workforce)
/// that no longer exists. Appends the required URLs that are missing, keeps
/// the client's order and drops repeats. An empty
/// callback list is an error: Cognito refuses it for code-flow clients.
pub fn filter(current: &ClientUrls, wanted: Wanted<'_>) -> Result<ClientUrls, FilterError> {
    let result = ClientUrls {
        callback_urls: clean(
            &current.callback_urls,
            wanted.placeholder_url,
            wanted.required_callback_url,
        ),
        logout_urls: clean(
            &current.logout_urls,
            wanted.placeholder_url,
            wanted.required_logout_url,
        ),
    };
    if result.callback_urls.is_empty() {
        return Err(FilterError::NoCallbackUrl {
            placeholder: shown(wanted.placeholder_url),
        });
    }
    // The client's own URLs were accepted by Cognito (custom schemes
    // included), so only a comma, which would break the Data contract, is
    // refused here.
    for (list, urls) in [
        ("CallbackURLs", &result.callback_urls),
        ("LogoutURLs", &result.logout_urls),
    ] {
        if let Some(url) = urls.iter().find(|url| url.contains(',')) {
            return Err(FilterError::CommaInClientUrl {
                list,
                url: shown(url),
            });
        }
    }
    Ok(result)
}

fn clean(current: &[String], placeholder: &str, required: Option<&str>) -> Vec<String> {
    let current = current
        .iter()
        .map(String::as_str)
        .filter(|url| *url != placeholder);
    match required {
        Some(required) => with_live_portal(current, required),
        None => {
            let mut kept: Vec<String> = Vec::with_capacity(current.size_hint().0);
            for url in current {
                if !kept.iter().any(|k| k == url) {
                    kept.push(url.to_owned());
                }
            }
            kept
        }
    }
}

const PHYSICAL_ID_SUFFIX: &str = "-callbacks";

/// The PhysicalResourceId for an app client: `<ClientId>-callbacks`.
pub fn physical_id(client_id: &str) -> String {
    format!("{client_id}{PHYSICAL_ID_SUFFIX}")
}

/// Whether `physical_id` is one [`physical_id`] could have given.
pub fn is_issued_id(physical_id: &str) -> bool {
    physical_id
        .strip_suffix(PHYSICAL_ID_SUFFIX)
        .is_some_and(aws_rules::is_client_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_rules::sagemaker::is_portal_url;

    const PLACEHOLDER: &str = "https://127.0.0.1";
    const PORTAL_CB: &str = "https://x1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
    const PORTAL_OUT: &str = "https://x1.labeling.us-east-1.sagemaker.aws/logout";

    fn urls(callbacks: &[&str], logouts: &[&str]) -> ClientUrls {
        ClientUrls {
            callback_urls: callbacks.iter().map(|u| u.to_string()).collect(),
            logout_urls: logouts.iter().map(|u| u.to_string()).collect(),
        }
    }

    fn wanted<'a>(callback: Option<&'a str>, logout: Option<&'a str>) -> Wanted<'a> {
        Wanted {
            placeholder_url: PLACEHOLDER,
            required_callback_url: callback,
            required_logout_url: logout,
        }
    }

    #[test]
    fn portal_hosts_are_recognised() {
        for portal in [
            PORTAL_CB,
            PORTAL_OUT,
            "https://abc.LABELING.eu-west-1.sagemaker.aws",
            "https://abc.labeling.us-east-1.sagemaker.aws:443/logout",
        ] {
            assert!(is_portal_url(portal), "{portal}");
        }
        for other in [
            "https://example.com/labeling.us-east-1.sagemaker.aws",
            "https://labeling.us-east-1.sagemaker.aws/logout",
            "https://a.b.labeling.us-east-1.sagemaker.aws/logout",
            "https://abc.labeling.us-east-1.sagemaker.aws.evil.com/",
            "myapp://abc.labeling",
            "not a url",
        ] {
            assert!(!is_portal_url(other), "{other}");
        }
    }

    #[test]
    fn a_former_portals_urls_are_dropped_when_the_current_portal_is_known() {
        const OLD_CB: &str = "https://old9.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
        const OLD_OUT: &str = "https://old9.labeling.us-east-1.sagemaker.aws/logout";
        let current = urls(
            &[OLD_CB, "https://app.example.com/cb", PORTAL_CB],
            &[OLD_OUT, "https://app.example.com/bye"],
        );
        assert_eq!(
            filter(&current, wanted(Some(PORTAL_CB), Some(PORTAL_OUT))).unwrap(),
            urls(
                &["https://app.example.com/cb", PORTAL_CB],
                &["https://app.example.com/bye", PORTAL_OUT]
            )
        );
        // Without a required URL the current portal is unknown: kept.
        assert_eq!(
            filter(&current, wanted(Some(PORTAL_CB), None))
                .unwrap()
                .logout_urls,
            [OLD_OUT, "https://app.example.com/bye"]
        );
    }

    #[test]
    fn drops_the_placeholder_and_keeps_order() {
        let current = urls(
            &[
                "https://b.example.com",
                PLACEHOLDER,
                "https://a.example.com",
            ],
            &[PLACEHOLDER, "https://b.example.com/out"],
        );
        let got = filter(&current, wanted(None, None)).unwrap();
        assert_eq!(
            got,
            urls(
                &["https://b.example.com", "https://a.example.com"],
                &["https://b.example.com/out"]
            )
        );
    }

    #[test]
    fn appends_missing_required_urls_and_dedupes() {
        let current = urls(
            &[
                PLACEHOLDER,
                "https://a.example.com",
                "https://a.example.com",
            ],
            &[PLACEHOLDER],
        );
        let got = filter(&current, wanted(Some(PORTAL_CB), Some(PORTAL_OUT))).unwrap();
        assert_eq!(
            got,
            urls(&["https://a.example.com", PORTAL_CB], &[PORTAL_OUT])
        );
    }

    #[test]
    fn a_required_url_already_present_keeps_its_place() {
        let current = urls(
            &[PORTAL_CB, PLACEHOLDER, "https://a.example.com"],
            &[PORTAL_OUT, PORTAL_OUT],
        );
        let got = filter(&current, wanted(Some(PORTAL_CB), Some(PORTAL_OUT))).unwrap();
        assert_eq!(
            got,
            urls(&[PORTAL_CB, "https://a.example.com"], &[PORTAL_OUT])
        );
    }

    #[test]
    fn only_the_placeholder_left_is_an_error() {
        let current = urls(&[PLACEHOLDER, PLACEHOLDER], &[]);
        let error = filter(&current, wanted(None, Some(PORTAL_OUT))).unwrap_err();
        assert_eq!(
            error,
            FilterError::NoCallbackUrl {
                placeholder: format!("{PLACEHOLDER:?}")
            }
        );
        assert!(error.to_string().contains("RequiredCallbackUrl"), "{error}");
        assert!(filter(&ClientUrls::default(), wanted(None, None)).is_err());
    }

    #[test]
    fn empty_logouts_are_fine() {
        let got = filter(&urls(&[PLACEHOLDER], &[]), wanted(Some(PORTAL_CB), None)).unwrap();
        assert_eq!(got, urls(&[PORTAL_CB], &[]));
        assert_eq!(got.joined(), (PORTAL_CB.to_owned(), String::new()));
    }

    #[test]
    fn a_client_url_with_a_comma_is_refused_by_list() {
        let current = urls(&["https://a.example.com/x,y"], &[]);
        let error = filter(&current, wanted(None, None)).unwrap_err();
        assert!(
            matches!(
                error,
                FilterError::CommaInClientUrl {
                    list: "CallbackURLs",
                    ..
                }
            ),
            "{error:?}"
        );
        let current = urls(&["https://a.example.com"], &["https://a.example.com/o,ut"]);
        let error = filter(&current, wanted(None, None)).unwrap_err();
        assert!(
            matches!(
                error,
                FilterError::CommaInClientUrl {
                    list: "LogoutURLs",
                    ..
                }
            ),
            "{error:?}"
        );
        // A comma in the placeholder itself does not matter: it is removed.
        let current = urls(&["https://a,b", "https://a.example.com"], &[]);
        let got = filter(
            &current,
            Wanted {
                placeholder_url: "https://a,b",
                required_callback_url: None,
                required_logout_url: None,
            },
        )
        .unwrap();
        assert_eq!(got.joined().0, "https://a.example.com");
    }

    #[test]
    fn joins_with_commas() {
        let got = urls(&["https://a", "https://b"], &["https://c", "https://d"]);
        assert_eq!(
            got.joined(),
            (
                "https://a,https://b".to_owned(),
                "https://c,https://d".to_owned()
            )
        );
    }
}
