//! `Custom::InviteEmail`: puts the labeling portal's URL into a user pool's
//! invitation message and changes nothing else.
//!
//! UpdateUserPool resets every setting it is not given, so the pool is read
//! first (DescribeUserPool) and the update carries every updatable setting
//! over, replacing only `AdminCreateUserConfig.InviteMessageTemplate`; that
//! decision is the pure [`decide::update_request`].
//!
//! - [`properties`]: the typed, validated properties;
//! - [`decide`]: the decisions, without I/O (the invitation, the
//!   UpdateUserPool request and its member table);
//! - [`resource`]: the Cognito calls around them;
//! - [`error`]: why an event failed, worded as its FAILED Reason.

pub mod decide;
pub mod error;
pub mod properties;
pub mod resource;

pub use decide::{MEMBERS, WantedInvite};
pub use error::InviteEmailError;
pub use properties::InviteEmailProperties;
pub use resource::InviteEmail;

use custom_resource::ResourceContract;

/// What `Custom::InviteEmail` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::InviteEmail",
    properties: &[
        "UserPoolId",
        "EmailSubject",
        "EmailMessage",
        "SmsMessage",
        "PoolSettings",
    ],
    required: &["UserPoolId", "EmailSubject", "EmailMessage"],
    data_keys: &["EmailSubject"],
};

const PHYSICAL_ID_SUFFIX: &str = "-invite-email";

/// The PhysicalResourceId for a pool: `<UserPoolId>-invite-email`.
pub fn physical_id(user_pool_id: &str) -> String {
    format!("{user_pool_id}{PHYSICAL_ID_SUFFIX}")
}

/// Whether `id` has the shape of a PhysicalResourceId this function issues.
pub fn is_physical_id(id: &str) -> bool {
    id.strip_suffix(PHYSICAL_ID_SUFFIX)
        .is_some_and(aws_rules::is_user_pool_id)
}

impl From<&InviteEmailProperties> for WantedInvite {
    fn from(properties: &InviteEmailProperties) -> Self {
        Self {
            email_subject: properties.email_subject.clone(),
            email_message: properties.email_message.clone(),
            sms_message: properties.wanted_sms_message().map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custom_resource::Properties;
    use serde_json::{Value, json};

    #[test]
    fn contract_properties_all_parse() {
        let mut object = serde_json::Map::new();
        for property in CONTRACT.properties {
            let value = match *property {
                "UserPoolId" => json!("us-east-1_AbC123xyz"),
                "EmailSubject" => json!("Portal invitation"),
                "EmailMessage" | "SmsMessage" => json!("Hi {username}, password {####}"),
                "PoolSettings" => json!(["PLUS", "true", "ACTIVE", "", ""]),
                other => panic!("no sample value for {other}"),
            };
            object.insert((*property).to_owned(), value);
        }
        let parsed: InviteEmailProperties = serde_json::from_value(Value::Object(object)).unwrap();
        parsed.validate().unwrap();
        assert_eq!(parsed.sms_message, "Hi {username}, password {####}");
        assert_eq!(parsed.pool_settings.len(), 5);
        // The required ones alone parse too; each one missing is refused.
        let required = |skip: Option<&str>| {
            let object: serde_json::Map<String, Value> = CONTRACT
                .required
                .iter()
                .filter(|p| Some(**p) != skip)
                .map(|p| {
                    let sample = json!({
                        "UserPoolId": "us-east-1_AbC123xyz",
                        "EmailSubject": "s",
                        "EmailMessage": "{username} {####}",
                    });
                    ((*p).to_owned(), sample[*p].clone())
                })
                .collect();
            serde_json::from_value::<InviteEmailProperties>(Value::Object(object))
        };
        assert!(required(None).is_ok());
        for missing in CONTRACT.required {
            let error = required(Some(missing)).unwrap_err().to_string();
            assert!(error.contains(missing), "{error}");
        }
        assert!(CONTRACT.data_keys.contains(&"EmailSubject"));
    }

    #[test]
    fn physical_ids() {
        assert_eq!(physical_id("us-east-1_Abc"), "us-east-1_Abc-invite-email");
        assert!(is_physical_id("us-east-1_Abc-invite-email"));
        for other in [
            "us-east-1_Abc",
            "-invite-email",
            "created-nothing:1234",
            "us-east-1_Abc-callbacks",
            "us-east-1_A bc-invite-email",
        ] {
            assert!(!is_physical_id(other), "{other}");
        }
    }
}
