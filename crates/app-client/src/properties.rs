//! `Custom::AppClient` properties, typed and checked before any AWS call.

use aws_rules::{check_url, check_user_pool_id, shown};
use custom_resource::{InvalidProperty, Properties, cfn};
use serde::Deserialize;

/// Cognito's ClientName: 1 to 128 characters (Model `ClientNameType`).
pub const MAX_CLIENT_NAME_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AppClientProperties {
    #[serde(deserialize_with = "cfn::string")]
    pub user_pool_id: String,
    #[serde(deserialize_with = "cfn::string")]
    pub client_name: String,
    /// The callback and logout URL the client holds until the portal's
    /// replace it (a code-flow client needs one; the portal does not exist
    /// yet when the client is created).
    #[serde(deserialize_with = "cfn::string")]
    pub placeholder_url: String,
}

/// Cognito's ClientName pattern `[\w\s+=,.@-]+` (Model `ClientNameType`).
fn is_client_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c)
}

impl Properties for AppClientProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        check_user_pool_id(&self.user_pool_id)?;
        let name_chars = self.client_name.chars().count();
        if name_chars == 0 || name_chars > MAX_CLIENT_NAME_CHARS {
            return Err(InvalidProperty::new(
                "ClientName",
                format!("must be 1 to {MAX_CLIENT_NAME_CHARS} characters, not {name_chars}"),
            ));
        }
        if let Some(bad) = self.client_name.chars().find(|c| !is_client_name_char(*c)) {
            return Err(InvalidProperty::new(
                "ClientName",
                format!(
                    "{} contains {bad:?}; Cognito allows letters, digits, spaces and _+=,.@-",
                    shown(&self.client_name)
                ),
            ));
        }
        check_url(&self.placeholder_url).map_err(|problem| {
            InvalidProperty::new(
                "PlaceholderUrl",
                format!("{} {problem}", shown(&self.placeholder_url)),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CONTRACT;
    use serde_json::json;

    #[test]
    fn every_contract_property_parses() {
        let sample = json!({
            "UserPoolId": "us-east-1_AbC123",
            "ClientName": "labeling portal",
            "PlaceholderUrl": "https://placeholder.invalid/callback",
        });
        let p: AppClientProperties = CONTRACT.check_sample(&sample).unwrap();
        assert_eq!(p.client_name, "labeling portal");
    }
}
