//! Property tests of `Custom::PortalDomain`'s properties: nothing panics,
//! every refusal names WorkforceName, and the name rule is SageMaker's.

use aws_rules::sagemaker::MAX_WORKFORCE_NAME_CHARS as MAX_WORKFORCE_NAME_LEN;
use custom_resource::fuzz;
use custom_resource::{PropertiesError, parse_properties};
use fetch_portal_domain::{CONTRACT, PortalDomainProperties, workforce_name_problem};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The events/ fixture's properties.
fn valid() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:local-test-function",
        "WorkforceName": "local-test-workforce"
    })
}

fn parse(raw: &Value) -> Result<PortalDomainProperties, PropertiesError> {
    parse_properties(Some(raw))
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// The fixture with WorkforceName replaced or removed, or another
    /// property added: accepted or refused naming that property.
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

    /// Any text as a workforce name: no panic, and what is taken has
    /// SageMaker's form.
    #[test]
    fn any_text_taken_as_a_name_has_sagemakers_form(name in fuzz::text()) {
        let mut raw = valid();
        raw["WorkforceName"] = json!(name);
        match parse(&raw) {
            Ok(_) => {
                let length = name.chars().count();
                prop_assert!((1..=MAX_WORKFORCE_NAME_LEN).contains(&length));
                prop_assert!(name.chars().all(name_char) && !name.starts_with('-'), "{name:?}");
            }
            Err(error) => prop_assert!(fuzz::names_property(&error, "WorkforceName"), "{error}"),
        }
    }

    /// SageMaker's pattern `[a-zA-Z0-9]([a-zA-Z0-9-]){0,62}`: names drawn
    /// from it are taken, one other character, a leading hyphen or a 64th
    /// character is refused.
    #[test]
    fn workforce_names_follow_sagemakers_pattern(
        name in "[a-zA-Z0-9][a-zA-Z0-9-]{0,62}",
        bad in any::<char>().prop_filter("not a name character", |c| !name_char(*c)),
        at in any::<prop::sample::Index>(),
        extra in "[a-zA-Z0-9-]{1,100}",
    ) {
        prop_assert_eq!(workforce_name_problem(&name), None);
        let mut chars: Vec<char> = name.chars().collect();
        chars.insert(at.index(chars.len() + 1), bad);
        let with_bad: String = chars.into_iter().collect();
        prop_assert!(workforce_name_problem(&with_bad).is_some(), "{:?}", with_bad);
        let leading_hyphen = format!("-{name}");
        prop_assert!(workforce_name_problem(&leading_hyphen).is_some(), "{}", leading_hyphen);
        let long = format!("{name}{extra}");
        prop_assert_eq!(workforce_name_problem(&long).is_some(), long.len() > MAX_WORKFORCE_NAME_LEN);
    }
}
