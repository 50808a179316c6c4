//! Property tests of `Custom::PlaceholderFilter`'s properties: nothing
//! panics, and every refusal names the property that was changed.

use custom_resource::fuzz;
use custom_resource::{PropertiesError, parse_properties};
use filter_placeholder_callback::CONTRACT;
use filter_placeholder_callback::properties::FilterProperties;
use proptest::prelude::*;
use serde_json::{Value, json};

/// The events/ fixture's properties.
fn valid() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:workforce-FilterPlaceholderCallback",
        "UserPoolId": "us-east-1_EXAMPLE1",
        "ClientId": "1example23456789abcdefghij",
        "PlaceholderUrl": "https://127.0.0.1",
        "RequiredCallbackUrl": "https://abcd1234ef.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse",
        "RequiredLogoutUrl": "https://abcd1234ef.labeling.us-east-1.sagemaker.aws/logout"
    })
}

fn parse(raw: &Value) -> Result<FilterProperties, PropertiesError> {
    parse_properties(Some(raw))
}

/// URL-ish text: valid https URLs, near misses and anything else.
fn url_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "https://[a-z0-9.]{1,20}(/[a-z0-9,# ]{0,10})?",
        "(http|https|HTTPS|ftp)(://|:)[a-z0-9.]{0,12}",
        fuzz::text(),
    ]
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// The fixture with one property replaced, removed or added: accepted
    /// or refused naming that property. A required URL replaced by the
    /// placeholder is refused naming the required URL, which is the one
    /// changed.
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

    /// Each URL property takes exactly what the shared URL rule takes (an
    /// empty optional URL counts as absent), and the required URLs never
    /// equal the placeholder.
    #[test]
    fn url_properties_apply_the_url_rule(
        property in prop::sample::select(vec!["PlaceholderUrl", "RequiredCallbackUrl", "RequiredLogoutUrl"]),
        url in url_like(),
    ) {
        let mut raw = valid();
        raw[property] = json!(url);
        let optional = property != "PlaceholderUrl";
        let equals_other = if optional {
            url == raw["PlaceholderUrl"]
        } else {
            url == raw["RequiredCallbackUrl"] || url == raw["RequiredLogoutUrl"]
        };
        let takes = (optional && url.is_empty()) || (aws_rules::check_url(&url).is_ok() && !equals_other);
        match parse(&raw) {
            Ok(_) => prop_assert!(takes, "{url:?} taken as {property}"),
            Err(error) => {
                prop_assert!(!takes, "{url:?} refused as {property}: {error}");
                // The placeholder equal to a required URL is that URL's fault.
                let blamed = if equals_other && !optional {
                    ["RequiredCallbackUrl", "RequiredLogoutUrl"].iter().any(|p| fuzz::names_property(&error, p))
                } else {
                    fuzz::names_property(&error, property)
                };
                prop_assert!(blamed, "{error}");
            }
        }
    }
}
