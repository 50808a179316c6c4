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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::CONTRACT;
    use serde_json::{Value, json};

    fn parse(value: Value) -> Result<FilterProperties, String> {
        let properties: FilterProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    pub(crate) fn full() -> Value {
        json!({
            "UserPoolId": "us-east-1_AbC123",
            "ClientId": "1example23456789abcdefghij",
            "PlaceholderUrl": "https://127.0.0.1",
            "RequiredCallbackUrl": "https://x1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse",
            "RequiredLogoutUrl": "https://x1.labeling.us-east-1.sagemaker.aws/logout",
        })
    }

    #[test]
    fn every_contract_property_parses() {
        let p: FilterProperties = CONTRACT.check_sample(&full()).unwrap();
        assert_eq!(
            p.required_logout_url.as_deref(),
            Some("https://x1.labeling.us-east-1.sagemaker.aws/logout")
        );
    }

    #[test]
    fn empty_optional_urls_are_absent() {
        let mut value = full();
        value["RequiredCallbackUrl"] = json!("");
        assert_eq!(parse(value).unwrap().required_callback_url, None);
    }

    #[test]
    fn each_rule_names_its_property() {
        for (property, bad) in [
            ("UserPoolId", "pool"),
            ("ClientId", "client-id"),
            ("PlaceholderUrl", "127.0.0.1"),
            ("RequiredCallbackUrl", "http://example.com/cb"),
            ("RequiredCallbackUrl", "https://example.com/a,b"),
            ("RequiredCallbackUrl", "https://127.0.0.1"),
            ("RequiredLogoutUrl", "https://example.com/#x"),
        ] {
            let mut value = full();
            value[property] = json!(bad);
            let error = parse(value).unwrap_err();
            assert!(
                error.contains(&format!("`{property}`")),
                "{property}: {error}"
            );
        }
        let mut value = full();
        value["Typo"] = json!("x");
        assert!(parse(value).unwrap_err().contains("Typo"));
    }
}
