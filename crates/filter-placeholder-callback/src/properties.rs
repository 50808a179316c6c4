//! `Custom::PlaceholderFilter` properties, typed and checked before any AWS call.

use crate::rules::{check_url, is_client_id, is_user_pool_id, quoted};
use custom_resource::{InvalidProperty, Properties, cfn};
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct FilterProperties {
    #[serde(deserialize_with = "cfn::string")]
    pub user_pool_id: String,
    #[serde(deserialize_with = "cfn::string")]
    pub client_id: String,
    #[serde(deserialize_with = "cfn::string")]
    pub placeholder_url: String,
    /// Empty counts as absent, so a template can pass `""` from an `!If`.
    #[serde(default, deserialize_with = "optional_text")]
    pub required_callback_url: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub required_logout_url: Option<String>,
}

fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text = cfn::string(deserializer)?;
    Ok(Some(text).filter(|text| !text.is_empty()))
}

fn check_url_property(property: &str, url: &str) -> Result<(), InvalidProperty> {
    check_url(url)
        .map_err(|problem| InvalidProperty::new(property, format!("{} {problem}", quoted(url))))
}

impl Properties for FilterProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        if !is_user_pool_id(&self.user_pool_id) {
            return Err(InvalidProperty::new(
                "UserPoolId",
                format!(
                    "must be a Cognito user pool id like us-east-1_AbC123 (got {:?})",
                    self.user_pool_id
                ),
            ));
        }
        if !is_client_id(&self.client_id) {
            return Err(InvalidProperty::new(
                "ClientId",
                format!(
                    "must be a Cognito app client id: 1-128 letters, digits, '_' or '+' (got {:?})",
                    self.client_id
                ),
            ));
        }
        check_url_property("PlaceholderUrl", &self.placeholder_url)?;
        for (property, url) in [
            ("RequiredCallbackUrl", &self.required_callback_url),
            ("RequiredLogoutUrl", &self.required_logout_url),
        ] {
            let Some(url) = url else { continue };
            check_url_property(property, url)?;
            if *url == self.placeholder_url {
                return Err(InvalidProperty::new(
                    property,
                    format!(
                        "is the PlaceholderUrl {}: the filter would remove it again; pass the portal's URL",
                        quoted(url)
                    ),
                ));
            }
        }
        Ok(())
    }
}
