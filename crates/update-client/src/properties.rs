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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::CONTRACT;
    use serde_json::{Value, json};

    fn parse(value: Value) -> Result<ClientCallbacksProperties, String> {
        let properties: ClientCallbacksProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    pub(crate) fn full() -> Value {
        json!({
            "UserPoolId": "us-east-1_AbC123",
            "ClientId": "1example23456789abcdefghij",
            "CallbackUrls": ["https://x1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse", "http://localhost:3000/cb"],
            "LogoutUrls": ["https://x1.labeling.us-east-1.sagemaker.aws/logout"],
            "PlaceholderUrl": "https://placeholder.invalid/callback",
        })
    }

    #[test]
    fn every_contract_property_parses() {
        let p: ClientCallbacksProperties = CONTRACT.check_sample(&full()).unwrap();
        assert_eq!(p.callback_urls.len(), 2);
        assert_eq!(p.logout_urls.as_ref().map(Vec::len), Some(1));
    }

    #[test]
    fn logout_urls_absent_empty_or_split_from_nothing() {
        let mut value = full();
        value.as_object_mut().unwrap().remove("LogoutUrls");
        assert_eq!(parse(value.clone()).unwrap().logout_urls, None);
        value["LogoutUrls"] = json!([]);
        assert_eq!(parse(value.clone()).unwrap().logout_urls, Some(vec![]));
        // `!Split [",", ""]` gives [""]: no URLs.
        value["LogoutUrls"] = json!([""]);
        assert_eq!(parse(value).unwrap().logout_urls, Some(vec![]));
    }

    #[test]
    fn each_rule_names_its_property() {
        let many: Vec<String> = (0..101).map(|i| format!("https://e.com/{i}")).collect();
        for (property, bad) in [
            ("UserPoolId", json!("pool")),
            ("ClientId", json!("not-a-client")),
            ("CallbackUrls", json!([])),
            ("CallbackUrls", json!([""])),
            ("CallbackUrls", json!(many)),
            (
                "CallbackUrls",
                json!(["https://ok.example.com", "http://example.com"]),
            ),
            ("CallbackUrls", json!(["https://example.com/a,b"])),
            ("CallbackUrls", json!(["https://example.com/#f"])),
            ("CallbackUrls", json!(["example.com"])),
            (
                "CallbackUrls",
                json!([format!("https://e.com/{}", "a".repeat(1024))]),
            ),
            ("LogoutUrls", json!(["http://example.com/out"])),
            ("LogoutUrls", json!(many)),
            ("PlaceholderUrl", json!("http://placeholder.invalid/cb")),
            (
                "CallbackUrls",
                json!(["https://placeholder.invalid/callback"]),
            ),
        ] {
            let mut value = full();
            value[property] = bad.clone();
            let error = parse(value).unwrap_err();
            assert!(
                error.contains(&format!("`{property}`")),
                "{property} {bad}: {error}"
            );
        }
        let mut value = full();
        value["Typo"] = json!("x");
        assert!(parse(value).unwrap_err().contains("Typo"));
    }
}
