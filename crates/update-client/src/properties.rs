//! `Custom::ClientCallbacks` properties, typed and checked before any AWS call.

use aws_rules::{MAX_URLS, check_app_client_ids, check_url, shown};
use custom_resource::{InvalidProperty, Properties, cfn};
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ClientCallbacksProperties {
    #[serde(deserialize_with = "cfn::string")]
    pub user_pool_id: String,
    #[serde(deserialize_with = "cfn::string")]
    pub client_id: String,
    #[serde(deserialize_with = "url_list")]
    pub callback_urls: Vec<String>,
    /// `None`: keep the client's current logout URLs; `Some([])`: none.
    #[serde(default, deserialize_with = "optional_url_list")]
    pub logout_urls: Option<Vec<String>>,
    /// The URL the template creates the client with (its
    /// `PlaceholderCallbackUrl`): never written, and removed from kept
    /// logout URLs. Passing it also makes the resource re-run whenever
    /// CloudFormation rewrites the client with a new placeholder. Empty
    /// counts as absent.
    #[serde(default, deserialize_with = "cfn::string")]
    pub placeholder_url: String,
}

impl ClientCallbacksProperties {
    /// The placeholder to leave out, if one was given.
    pub fn placeholder(&self) -> Option<&str> {
        Some(self.placeholder_url.as_str()).filter(|url| !url.is_empty())
    }
}

/// A list of URLs without empty items: `!Split [",", ""]` (what the
/// template gets from an empty comma-joined Data value) yields `[""]`.
fn url_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let mut urls = cfn::string_list(deserializer)?;
    urls.retain(|url| !url.is_empty());
    Ok(urls)
}

fn optional_url_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    url_list(deserializer).map(Some)
}

fn check_list(property: &str, urls: &[String]) -> Result<(), InvalidProperty> {
    if urls.len() > MAX_URLS {
        return Err(InvalidProperty::new(
            property,
            format!(
                "holds {} URLs; an app client takes at most {MAX_URLS}",
                urls.len()
            ),
        ));
    }
    for (index, url) in urls.iter().enumerate() {
        check_url(url).map_err(|problem| {
            InvalidProperty::new(property, format!("item {index}: {} {problem}", shown(url)))
        })?;
    }
    Ok(())
}

impl Properties for ClientCallbacksProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        check_app_client_ids(&self.user_pool_id, &self.client_id)?;
        if self.callback_urls.is_empty() {
            return Err(InvalidProperty::new(
                "CallbackUrls",
                "must hold at least one URL: an app client using the code flow needs a callback URL",
            ));
        }
        check_list("CallbackUrls", &self.callback_urls)?;
        if let Some(logout_urls) = &self.logout_urls {
            check_list("LogoutUrls", logout_urls)?;
        }
        if let Some(placeholder) = self.placeholder() {
            check_url(placeholder).map_err(|problem| {
                InvalidProperty::new(
                    "PlaceholderUrl",
                    format!("{} {problem}", shown(placeholder)),
                )
            })?;
            if self.callback_urls.iter().all(|url| url == placeholder) {
                return Err(InvalidProperty::new(
                    "CallbackUrls",
                    format!(
                        "holds only the placeholder {}, which is never written: an app client \
                         using the code flow needs a real callback URL",
                        shown(placeholder)
                    ),
                ));
            }
        }
        Ok(())
    }
}
