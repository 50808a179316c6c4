//! Cognito user pool triggers as Cognito drives them: the event it sends a
//! `CustomMessage` Lambda function, and what it makes of the answer.
//! Shared by the trigger's tests and local-stack (which plays Cognito's part
//! when it creates invited users).

use serde_json::{Map, Value, json};

/// The trigger source of an invitation from AdminCreateUser.
pub const ADMIN_CREATE_USER: &str = "CustomMessage_AdminCreateUser";

/// A `CustomMessage` event as Cognito sends it (version 1): for
/// `CustomMessage_AdminCreateUser` with the `{username}` and `{####}`
/// parameters and no app client; `response` all null (Cognito's template
/// applies unless the function fills it in).
pub fn custom_message_event(
    trigger_source: &str,
    user_pool_id: &str,
    user_name: &str,
    user_attributes: &Map<String, Value>,
    client_metadata: &Map<String, Value>,
) -> Value {
    let invitation = trigger_source == ADMIN_CREATE_USER;
    let region = user_pool_id
        .split_once('_')
        .map_or(crate::REGION, |(region, _)| region);
    json!({
        "version": "1",
        "triggerSource": trigger_source,
        "region": region,
        "userPoolId": user_pool_id,
        "userName": user_name,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": if invitation { "CLIENT_ID_NOT_APPLICABLE" } else { "1example23456789" },
        },
        "request": {
            "userAttributes": user_attributes,
            "codeParameter": "{####}",
            "linkParameter": "{##Click Here##}",
            "usernameParameter": if invitation { Value::from("{username}") } else { Value::Null },
            "clientMetadata": client_metadata,
        },
        "response": {
            "smsMessage": null,
            "emailMessage": null,
            "emailSubject": null,
        },
    })
}

/// The email Cognito sends after a `CustomMessage` answer: the function's
/// subject and message where it gave them, the pool's invitation template
/// (`InviteMessageTemplate` as DescribeUserPool shows it) where it did not,
/// Cognito's default where neither has one. Placeholders are left in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEmail {
    pub subject: String,
    pub message: String,
    /// Whether the message is the function's (not the template's).
    pub from_trigger: bool,
}

impl SentEmail {
    pub fn from_answer(answer: &Value, template: &Value) -> Self {
        let given = |key: &str| {
            answer["response"][key]
                .as_str()
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        let templated = |key: &str, default: &str| {
            template[key]
                .as_str()
                .filter(|text| !text.is_empty())
                .unwrap_or(default)
                .to_owned()
        };
        let message = given("emailMessage");
        Self {
            subject: given("emailSubject")
                .unwrap_or_else(|| templated("EmailSubject", "Your temporary password")),
            from_trigger: message.is_some(),
            message: message.unwrap_or_else(|| {
                templated(
                    "EmailMessage",
                    "Your username is {username} and temporary password is {####}.",
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_event_has_cognitos_shape() {
        let attributes = json!({"email": "a@example.com", "sub": "1"});
        let event = custom_message_event(
            ADMIN_CREATE_USER,
            "us-east-1_AbC123",
            "a@example.com",
            attributes.as_object().unwrap(),
            &Map::new(),
        );
        assert_eq!(event["triggerSource"], ADMIN_CREATE_USER);
        assert_eq!(event["region"], "us-east-1");
        assert_eq!(event["request"]["usernameParameter"], "{username}");
        assert_eq!(event["request"]["codeParameter"], "{####}");
        assert_eq!(event["request"]["userAttributes"]["email"], "a@example.com");
        assert!(event["response"]["emailMessage"].is_null());
        let reset = custom_message_event(
            "CustomMessage_ForgotPassword",
            "us-east-1_AbC123",
            "a@example.com",
            &Map::new(),
            &Map::new(),
        );
        assert!(reset["request"]["usernameParameter"].is_null());
    }

    #[test]
    fn the_answer_wins_over_the_template_which_wins_over_the_default() {
        let template = json!({"EmailSubject": "Hi", "EmailMessage": "T {username} {####}"});
        let unchanged = custom_message_event(
            ADMIN_CREATE_USER,
            "us-east-1_A",
            "u",
            &Map::new(),
            &Map::new(),
        );
        let sent = SentEmail::from_answer(&unchanged, &template);
        assert_eq!(
            (
                sent.subject.as_str(),
                sent.message.as_str(),
                sent.from_trigger
            ),
            ("Hi", "T {username} {####}", false)
        );
        let mut answer = unchanged.clone();
        answer["response"]["emailMessage"] = json!("F {username} {####}");
        let sent = SentEmail::from_answer(&answer, &template);
        assert_eq!((sent.subject.as_str(), sent.from_trigger), ("Hi", true));
        assert_eq!(sent.message, "F {username} {####}");
        let sent = SentEmail::from_answer(&unchanged, &Value::Null);
        assert_eq!(sent.subject, "Your temporary password");
    }
}
