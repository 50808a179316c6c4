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
