//! Property tests of `Custom::InviteEmail`'s properties: nothing panics,
//! every refusal names the property, and the length and placeholder rules
//! of Cognito's invitation hold for text in any script.

use custom_resource::fuzz;
use custom_resource::{PropertiesError, parse_properties};
use proptest::prelude::*;
use serde_json::{Value, json};
use update_invite_email::properties::{
    EMAIL_MESSAGE_CHARS, EMAIL_SUBJECT_CHARS, PLACEHOLDERS, SMS_MESSAGE_CHARS,
};
use update_invite_email::{CONTRACT, InviteEmailProperties};

/// The events/ fixture's properties, with an SMS invitation too.
fn valid() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:local-test-function",
        "ServiceTimeout": "300",
        "UserPoolId": "us-east-1_EXAMPLE01",
        "EmailSubject": "You are invited to the labeling portal",
        "EmailMessage": "<p>Hello {username},</p><p>Sign in at https://abcdef1234.labeling.us-east-1.sagemaker.aws with the temporary password {####}.</p>",
        "SmsMessage": "User {username} password {####}",
        "PoolSettings": ["PLUS", "true", "ACTIVE", "", ""]
    })
}

fn parse(raw: &Value) -> Result<InviteEmailProperties, PropertiesError> {
    parse_properties(Some(raw))
}

/// `n` characters of `c`, with both placeholders in the middle when asked.
fn text_of(c: char, n: usize, placeholders: bool) -> String {
    if !placeholders {
        return c.to_string().repeat(n);
    }
    let fixed: usize = PLACEHOLDERS.iter().map(|p| p.chars().count()).sum();
    let fill = n.saturating_sub(fixed);
    format!(
        "{}{}{}{}",
        c.to_string().repeat(fill / 2),
        PLACEHOLDERS[0],
        c.to_string().repeat(fill - fill / 2),
        PLACEHOLDERS[1]
    )
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// The fixture with one property replaced, removed or added: accepted
    /// or refused naming that property.
    #[test]
    fn one_property_changed_is_accepted_or_refused_by_name(change in fuzz::perturbation(CONTRACT.properties)) {
        if let Err(error) = parse(&change.apply(&valid())) {
            prop_assert!(fuzz::names_property(&error, change.property()), "{change:?}: {error}");
        }
    }

    /// Any object over the properties: parsed or refused naming one.
    #[test]
    fn arbitrary_properties_are_parsed_or_refused_by_name(raw in fuzz::object_over(CONTRACT.properties)) {
        if let Err(error) = parse(&raw) {
            let keys = raw.as_object().unwrap().keys().map(String::as_str);
            let named = CONTRACT.properties.iter().copied().chain(keys).any(|p| fuzz::names_property(&error, p));
            prop_assert!(named, "{error}");
        }
    }

    /// Any JSON at all as ResourceProperties: no panic.
    #[test]
    fn arbitrary_json_never_panics(raw in fuzz::json_value()) {
        let _ = parse(&raw);
    }

    /// Cognito's MessageTemplateType limits, in characters of any script:
    /// subject 1-140; email message 6-20,000 and SMS 6-140, both holding
    /// {username} and {####} (an empty SMS message means "keep the pool's").
    #[test]
    fn texts_follow_cognitos_limits_and_placeholders(
        property in prop::sample::select(vec!["EmailSubject", "EmailMessage", "SmsMessage"]),
        c in any::<char>().prop_filter("not part of a placeholder", |c| !"{}#username".contains(*c)),
        // Any length, and each limit and its neighbours often.
        n in prop_oneof![
            0..300usize,
            19_900..20_100usize,
            prop::sample::select(vec![0, 1, 5, 6, 7, 139, 140, 141, 19_999, 20_000, 20_001]),
        ],
        placeholders in any::<bool>(),
    ) {
        let text = text_of(c, n, placeholders && property != "EmailSubject");
        let length = text.chars().count();
        let ((min, max), needs_placeholders) = match property {
            "EmailSubject" => (EMAIL_SUBJECT_CHARS, false),
            "EmailMessage" => (EMAIL_MESSAGE_CHARS, true),
            _ => (SMS_MESSAGE_CHARS, true),
        };
        let has_placeholders = PLACEHOLDERS.iter().all(|p| text.contains(p));
        let takes = (property == "SmsMessage" && text.is_empty())
            || ((min..=max).contains(&length) && (!needs_placeholders || has_placeholders));
        let mut raw = valid();
        raw[property] = json!(text);
        match parse(&raw) {
            Ok(_) => prop_assert!(takes, "{length} characters taken as {property}"),
            Err(error) => {
                prop_assert!(!takes, "{length} characters refused as {property}: {error}");
                prop_assert!(fuzz::names_property(&error, property), "{error}");
            }
        }
    }
}
