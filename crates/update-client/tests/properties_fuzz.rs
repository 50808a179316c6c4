//! Property tests of `Custom::ClientCallbacks`'s properties: nothing panics,
//! every refusal names the property, and the URL lists follow their rules.

use aws_rules::{MAX_URLS, check_url};
use custom_resource::fuzz;
use custom_resource::{PropertiesError, parse_properties};
use proptest::prelude::*;
use serde_json::{Value, json};
use update_client::{CONTRACT, ClientCallbacksProperties};

const PLACEHOLDER: &str = "https://placeholder.invalid/callback";

/// The events/ fixture's properties.
fn valid() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:workforce-UpdateClient",
        "UserPoolId": "us-east-1_EXAMPLE1",
        "ClientId": "1example23456789abcdefghij",
        "CallbackUrls": ["https://abcd1234ef.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse"],
        "LogoutUrls": ["https://abcd1234ef.labeling.us-east-1.sagemaker.aws/logout"],
        "PlaceholderUrl": PLACEHOLDER
    })
}

fn parse(raw: &Value) -> Result<ClientCallbacksProperties, PropertiesError> {
    parse_properties(Some(raw))
}

/// URL-ish text: valid https URLs, the placeholder, empty items (what
/// `!Split` gives for an empty value), near misses and anything else.
fn url_like() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "https://[a-z0-9]{1,12}\\.example(/[a-z0-9]{0,8})?",
        1 => Just(PLACEHOLDER.to_owned()),
        1 => Just(String::new()),
        1 => "(http|https|HTTPS|ftp)(://|:)[a-z0-9.]{0,12}(/[a-z,# ]{0,4})?",
        1 => fuzz::text(),
    ]
}

/// Lists of a few URLs, or of more than an app client takes.
fn url_list() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        4 => prop::collection::vec(url_like(), 0..6),
        1 => (MAX_URLS - 2..MAX_URLS + 20).prop_map(|n| (0..n).map(|i| format!("https://a{i}.example")).collect()),
    ]
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

    /// A URL list (empty items dropped) is taken when it holds at most 100
    /// URLs that each pass the URL rule, and CallbackUrls also needs one
    /// that is not the placeholder; otherwise it is refused naming the list
    /// and, for a bad URL, its position among the non-empty items.
    #[test]
    fn url_lists_follow_their_rules(callbacks in url_list(), logouts in url_list(), which in any::<bool>()) {
        let (property, urls) = if which { ("CallbackUrls", &callbacks) } else { ("LogoutUrls", &logouts) };
        let mut raw = valid();
        raw[property] = json!(urls);
        let kept: Vec<&String> = urls.iter().filter(|url| !url.is_empty()).collect();
        let first_bad = kept.iter().position(|url| check_url(url).is_err());
        let needs_real = property == "CallbackUrls";
        let takes = kept.len() <= MAX_URLS
            && first_bad.is_none()
            && (!needs_real || kept.iter().any(|url| *url != PLACEHOLDER));
        match parse(&raw) {
            Ok(parsed) => {
                prop_assert!(takes, "{urls:?} taken as {property}");
                let list = if which { parsed.callback_urls } else { parsed.logout_urls.unwrap() };
                prop_assert_eq!(list, kept.into_iter().cloned().collect::<Vec<_>>());
            }
            Err(error) => {
                prop_assert!(!takes, "{urls:?} refused as {property}: {error}");
                prop_assert!(fuzz::names_property(&error, property), "{error}");
                if let (Some(index), true) = (first_bad, kept.len() <= MAX_URLS) {
                    prop_assert!(error.to_string().contains(&format!("item {index}:")), "{error}");
                }
            }
        }
    }
}
