//! Property tests of `Custom::AppClient`'s properties: nothing panics, every
//! refusal names the property, and ClientName follows Cognito's rule.

use app_client::{AppClientProperties, CONTRACT, properties::MAX_CLIENT_NAME_CHARS};
use custom_resource::fuzz;
use custom_resource::{PropertiesError, parse_properties};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The events/ fixture's properties.
fn valid() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:local-test-function",
        "UserPoolId": "us-east-1_EXAMPLE1",
        "ClientName": "sagemaker-labeling-portal",
        "PlaceholderUrl": "https://placeholder.invalid/callback"
    })
}

fn parse(raw: &Value) -> Result<AppClientProperties, PropertiesError> {
    parse_properties(Some(raw))
}

/// Cognito's ClientName pattern `[\w\s+=,.@-]+`, said independently.
fn cognito_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c)
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// The fixture with one property replaced or removed, or another added:
    /// accepted or refused naming that property.
    #[test]
    fn one_property_changed_is_accepted_or_refused_by_name(change in fuzz::perturbation(CONTRACT.properties)) {
        if let Err(error) = parse(&change.apply(&valid())) {
            prop_assert!(fuzz::names_property(&error, change.property()), "{change:?}: {error}");
        }
    }

    /// Any JSON at all as ResourceProperties: no panic.
    #[test]
    fn arbitrary_json_never_panics(raw in fuzz::json_value()) {
        let _ = parse(&raw);
    }

    /// Any text as ClientName is taken exactly when Cognito's rule allows it,
    /// and a refusal names ClientName.
    #[test]
    fn client_names_follow_cognitos_rule(name in prop_oneof![fuzz::text(), "[a-z .@=+,_-]{120,135}"]) {
        let mut raw = valid();
        raw["ClientName"] = json!(name);
        let length = name.chars().count();
        let allowed = (1..=MAX_CLIENT_NAME_CHARS).contains(&length) && name.chars().all(cognito_name_char);
        match parse(&raw) {
            Ok(_) => prop_assert!(allowed, "{name:?} was taken"),
            Err(error) => {
                prop_assert!(!allowed, "{name:?} was refused: {error}");
                prop_assert!(fuzz::names_property(&error, "ClientName"), "{error}");
            }
        }
    }
}
