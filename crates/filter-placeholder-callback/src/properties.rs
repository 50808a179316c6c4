//! `Custom::PlaceholderFilter` properties, typed and checked before any AWS call.

use aws_rules::{check_app_client_ids, check_url, shown};
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
        .map_err(|problem| InvalidProperty::new(property, format!("{} {problem}", shown(url))))
}

impl Properties for FilterProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        check_app_client_ids(&self.user_pool_id, &self.client_id)?;
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
                        shown(url)
                    ),
                ));
            }
        }
        Ok(())
    }
}
