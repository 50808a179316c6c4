//! The typed, validated `ResourceProperties` of a `Custom::InviteEmail`.
//! Every rule is checked here, before any AWS call, so a violation leaves the
//! pool untouched and the Reason names the property and the rule.

use aws_rules::is_user_pool_id;
use custom_resource::{InvalidProperty, Properties, cfn};
use serde::Deserialize;

/// The placeholders Cognito fills in an invitation: the guide says a custom
/// invitation "must contain the `{username}` and `{####}` placeholders".
pub const PLACEHOLDERS: [&str; 2] = ["{username}", "{####}"];

/// Length limits of `MessageTemplateType` (API model), in characters.
pub const EMAIL_SUBJECT_CHARS: (usize, usize) = (1, 140);
pub const EMAIL_MESSAGE_CHARS: (usize, usize) = (6, 20_000);
pub const SMS_MESSAGE_CHARS: (usize, usize) = (6, 140);

/// `ResourceProperties` of a `Custom::InviteEmail`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InviteEmailProperties {
    /// The user pool whose invitation message is set.
    #[serde(deserialize_with = "cfn::string")]
    pub user_pool_id: String,
    #[serde(deserialize_with = "cfn::string")]
    pub email_subject: String,
    #[serde(deserialize_with = "cfn::string")]
    pub email_message: String,
    /// Empty counts as absent: templates pass optional parameters as "".
    #[serde(default, deserialize_with = "cfn::string")]
    pub sms_message: String,
    /// A trigger, not a setting: the template feeds it every setting that
    /// makes CloudFormation rewrite the pool natively (which puts the
    /// template's invitation back), so that this resource re-runs after
    /// each such rewrite. Accepted and ignored.
    #[serde(default, deserialize_with = "cfn::string_list")]
    pub pool_settings: Vec<String>,
}

impl InviteEmailProperties {
    /// The SMS invitation text to set, `None` to keep the pool's current one.
    pub fn wanted_sms_message(&self) -> Option<&str> {
        Some(self.sms_message.as_str()).filter(|text| !text.is_empty())
    }
}

impl Properties for InviteEmailProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        if let Some(problem) = user_pool_id_problem(&self.user_pool_id) {
            return Err(InvalidProperty::new("UserPoolId", problem));
        }
        if let Some(problem) = length_problem(&self.email_subject, EMAIL_SUBJECT_CHARS) {
            return Err(InvalidProperty::new("EmailSubject", problem));
        }
        if let Some(problem) = message_problem(&self.email_message, EMAIL_MESSAGE_CHARS) {
            return Err(InvalidProperty::new("EmailMessage", problem));
        }
        if let Some(sms) = self.wanted_sms_message()
            && let Some(problem) = message_problem(sms, SMS_MESSAGE_CHARS)
        {
            return Err(InvalidProperty::new(
                "SmsMessage",
                format!("{problem} (leave SmsMessage out to keep the pool's SMS invitation)"),
            ));
        }
        Ok(())
    }
}

fn user_pool_id_problem(id: &str) -> Option<String> {
    let shape = "must be a Cognito user pool id like us-east-1_AbC123xyz (at most 55 characters, \
                 `<region>_<letters and digits>`)";
    (!is_user_pool_id(id)).then(|| format!("{shape} (got {})", shown(id)))
}

fn length_problem(text: &str, (min, max): (usize, usize)) -> Option<String> {
    let chars = text.chars().count();
    (!(min..=max).contains(&chars))
        .then(|| format!("must be {min}-{max} characters long (got {chars})"))
}

fn message_problem(text: &str, limits: (usize, usize)) -> Option<String> {
    if let Some(problem) = length_problem(text, limits) {
        return Some(problem);
    }
    let missing: Vec<&str> = PLACEHOLDERS
        .into_iter()
        .filter(|placeholder| !text.contains(placeholder))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "must contain the placeholders {{username}} and {{####}}, which Cognito replaces with \
             the user name and the temporary password (missing: {})",
            missing.join(" and ")
        )
    })
}

/// A value shown for a Reason, cut short so the response stays small.
fn shown(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head:?}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CONTRACT;
    use serde_json::{Value, json};

    #[test]
    fn every_contract_property_parses() {
        let sample = json!({
            "UserPoolId": "us-east-1_AbC123xyz",
            "EmailSubject": "Portal invitation",
            "EmailMessage": "Hi {username}, password {####}",
            "SmsMessage": "Hi {username}, password {####}",
            "PoolSettings": ["PLUS", "true", "ACTIVE", "", ""],
        });
        let parsed: InviteEmailProperties = CONTRACT.check_sample(&sample).unwrap();
        assert_eq!(parsed.sms_message, "Hi {username}, password {####}");
        assert_eq!(parsed.pool_settings.len(), 5);
        assert!(CONTRACT.data_keys.contains(&"EmailSubject"));
    }

    fn valid() -> Value {
        json!({
            "UserPoolId": "us-east-1_AbC123xyz",
            "EmailSubject": "Your labeling portal invitation",
            "EmailMessage": "Hi {username}, your temporary password is {####}.",
            "SmsMessage": "User {username} password {####}",
        })
    }

    fn parse(value: Value) -> Result<InviteEmailProperties, String> {
        let properties: InviteEmailProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    fn with(key: &str, value: Value) -> Value {
        let mut properties = valid();
        properties[key] = value;
        properties
    }

    fn refused(key: &str, value: Value) -> String {
        let error = parse(with(key, value)).unwrap_err();
        assert!(error.contains(&format!("`{key}`")), "{error}");
        error
    }

    #[test]
    fn accepts_valid_properties_and_absent_or_empty_sms() {
        let properties = parse(valid()).unwrap();
        assert_eq!(
            properties.wanted_sms_message(),
            Some("User {username} password {####}")
        );
        let mut without = valid();
        without.as_object_mut().unwrap().remove("SmsMessage");
        assert_eq!(parse(without).unwrap().wanted_sms_message(), None);
        assert_eq!(
            parse(with("SmsMessage", json!("")))
                .unwrap()
                .wanted_sms_message(),
            None
        );
    }

    #[test]
    fn user_pool_id_shape() {
        for good in ["us-east-1_AbC123xyz", "eu-west-2_a", "x_1"] {
            assert!(is_user_pool_id(good), "{good}");
        }
        let too_long = format!("us-east-1_{}", "a".repeat(46));
        for bad in [
            "",
            "us-east-1",
            "_abc",
            "us-east-1_",
            "us-east-1_ab-c",
            "us east-1_abc",
            too_long.as_str(),
        ] {
            assert!(!is_user_pool_id(bad), "{bad}");
            let error = refused("UserPoolId", json!(bad));
            assert!(error.contains("user pool id"), "{error}");
        }
        assert!(is_user_pool_id(&too_long[..too_long.len() - 1]));
    }

    #[test]
    fn email_subject_is_1_to_140_characters() {
        let error = refused("EmailSubject", json!(""));
        assert!(
            error.contains("1-140 characters") && error.contains("got 0"),
            "{error}"
        );
        let error = refused("EmailSubject", json!("s".repeat(141)));
        assert!(error.contains("got 141"), "{error}");
        // Characters, not bytes: 140 two-byte letters are fine.
        assert!(parse(with("EmailSubject", json!("é".repeat(140)))).is_ok());
    }

    #[test]
    fn email_message_length_and_placeholders() {
        let error = refused("EmailMessage", json!("{###}"));
        assert!(
            error.contains("6-20000 characters") && error.contains("got 5"),
            "{error}"
        );
        let long = format!("{{username}} {{####}}{}", "x".repeat(20_000));
        let error = refused("EmailMessage", json!(long));
        assert!(error.contains("6-20000 characters"), "{error}");
        let error = refused("EmailMessage", json!("Hello {username}, welcome"));
        assert!(error.contains("missing: {####}"), "{error}");
        let error = refused("EmailMessage", json!("Your password is {####}"));
        assert!(error.contains("missing: {username}"), "{error}");
        let error = refused("EmailMessage", json!("Welcome to the portal"));
        assert!(error.contains("missing: {username} and {####}"), "{error}");
    }

    #[test]
    fn sms_message_length_and_placeholders() {
        let error = refused("SmsMessage", json!("{####"));
        assert!(error.contains("6-140 characters"), "{error}");
        let long = format!("{{username}} {{####}}{}", "x".repeat(130));
        let error = refused("SmsMessage", json!(long));
        assert!(error.contains("6-140 characters"), "{error}");
        let error = refused("SmsMessage", json!("code {####} only"));
        assert!(error.contains("missing: {username}"), "{error}");
    }

    #[test]
    fn refuses_unknown_and_missing_properties() {
        let error = parse(with("EmailSubjet", json!("x"))).unwrap_err();
        assert!(error.contains("EmailSubjet"), "{error}");
        let mut missing = valid();
        missing.as_object_mut().unwrap().remove("EmailMessage");
        let error = parse(missing).unwrap_err();
        assert!(error.contains("EmailMessage"), "{error}");
    }

    #[test]
    fn long_values_are_shortened_in_reasons() {
        let error = refused("UserPoolId", json!("x".repeat(500)));
        assert!(error.len() < 300, "{error}");
    }
}
