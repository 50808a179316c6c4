//! Property tests of the protocol's parsers: the event envelope, and
//! `ResourceProperties` through CloudFormation's string-scalar helpers. None
//! panics; every input is accepted or refused naming the field.

use custom_resource::fuzz;
use custom_resource::{
    InvalidProperty, Properties, PropertiesError, Request, RequestType, cfn, parse_properties,
    parse_properties_unvalidated,
};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

/// One property per helper in `cfn`, as a function's properties use them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[allow(dead_code)]
struct Sample {
    #[serde(deserialize_with = "cfn::string")]
    name: String,
    #[serde(deserialize_with = "cfn::bool")]
    enabled: bool,
    #[serde(default, deserialize_with = "cfn::opt_bool")]
    retain: Option<bool>,
    #[serde(deserialize_with = "cfn::u64")]
    count: u64,
    #[serde(default, deserialize_with = "cfn::opt_u64")]
    limit: Option<u64>,
    #[serde(default, deserialize_with = "cfn::string_list")]
    items: Vec<String>,
}

const SAMPLE_PROPERTIES: &[&str] = &["Name", "Enabled", "Retain", "Count", "Limit", "Items"];

impl Properties for Sample {
    fn validate(&self) -> Result<(), InvalidProperty> {
        if self.name.is_empty() {
            return Err(InvalidProperty::new("Name", "must not be empty"));
        }
        Ok(())
    }
}

fn valid_sample() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "Name": "n", "Enabled": "true", "Retain": "false", "Count": "3", "Limit": "10",
        "Items": ["a", "b"]
    })
}

fn valid_event() -> Value {
    json!({
        "RequestType": "Update",
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "ResponseURL": "https://example.invalid/r?X-Amz-Signature=s",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/guid",
        "RequestId": "r1",
        "LogicalResourceId": "L",
        "ResourceType": "Custom::Thing",
        "PhysicalResourceId": "p1",
        "ResourceProperties": {"A": "1"},
        "OldResourceProperties": {"A": "0"}
    })
}

const ENVELOPE_FIELDS: &[&str] = &[
    "RequestType",
    "ResponseURL",
    "StackId",
    "RequestId",
    "LogicalResourceId",
    "ResourceType",
    "PhysicalResourceId",
    "ResourceProperties",
    "OldResourceProperties",
];

proptest! {
    #![proptest_config(fuzz::config())]

    /// The documented rule: only a missing or non-string ResponseURL makes
    /// an event unanswerable, whatever else the event holds.
    #[test]
    fn an_event_is_answerable_exactly_when_it_has_a_string_response_url(event in fuzz::json_value()) {
        let answerable = event.get("ResponseURL").is_some_and(Value::is_string);
        match Request::from_event(event.clone()) {
            Ok(request) => {
                prop_assert!(answerable, "accepted {event}");
                prop_assert_eq!(Some(request.response_url.as_str()), event["ResponseURL"].as_str());
            }
            Err(error) => {
                prop_assert!(!answerable, "refused {event}: {error}");
                if event.is_object() {
                    prop_assert!(error.to_string().contains("ResponseURL"), "{error}");
                }
            }
        }
    }

    /// Any envelope field replaced by any JSON: only ResponseURL can make the
    /// event unanswerable, and then the refusal names it; the other fields are
    /// echoed as text (or left empty) and the request type is read exactly.
    #[test]
    fn one_envelope_field_replaced_is_read_or_refused_by_name(
        change in fuzz::perturbation(ENVELOPE_FIELDS),
    ) {
        let event = change.apply(&valid_event());
        match Request::from_event(event.clone()) {
            Ok(request) => {
                prop_assert!(event["ResponseURL"].is_string());
                // Non-string values are read as their JSON text.
                let expected = match event.get("RequestType") {
                    Some(Value::String(text)) => text.clone(),
                    None | Some(Value::Null) => String::new(),
                    Some(other) => other.to_string(),
                };
                let expected = expected.as_str();
                let known = matches!(
                    request.request_type,
                    RequestType::Create | RequestType::Update | RequestType::Delete
                );
                prop_assert_eq!(request.request_type.as_str(), expected);
                prop_assert_eq!(known, ["Create", "Update", "Delete"].contains(&expected));
                prop_assert!(request.physical_resource_id.as_deref() != Some(""));
                // null is absent, as for any optional field.
                let properties = event.get("ResourceProperties").filter(|value| !value.is_null());
                prop_assert_eq!(request.resource_properties.as_ref(), properties);
            }
            Err(error) => {
                prop_assert_eq!(change.property(), "ResponseURL");
                prop_assert!(error.to_string().contains("ResponseURL"), "{error}");
            }
        }
    }

    /// Whatever the StackId, reading the stack's name from it never panics,
    /// and a name is found exactly where the ARN's `stack/<name>/` says.
    #[test]
    fn the_stack_name_is_the_arns_name_segment(name in "[^/]{0,40}", id in "\\PC{0,20}") {
        let mut event = valid_event();
        event["StackId"] = json!(format!("arn:aws:cloudformation:us-east-1:1:stack/{name}/{id}"));
        let request = Request::from_event(event).unwrap();
        let expected = Some(name.as_str()).filter(|name| !name.is_empty());
        prop_assert_eq!(request.stack_name(), expected);
    }

    /// Any JSON as ResourceProperties: a non-object is refused as such, an
    /// object is parsed or refused naming a property; never a panic.
    #[test]
    fn arbitrary_resource_properties_are_parsed_or_refused(raw in fuzz::json_value()) {
        match parse_properties::<Sample>(Some(&raw)) {
            Ok(_) => prop_assert!(raw.is_object()),
            Err(PropertiesError::NotAnObject(_)) => prop_assert!(!raw.is_object() && !raw.is_null()),
            Err(error) => {
                let named = SAMPLE_PROPERTIES.iter().any(|p| fuzz::names_property(&error, p))
                    || raw.as_object().into_iter().flatten().any(|(key, _)| fuzz::names_property(&error, key));
                prop_assert!(named, "{error}");
            }
        }
    }

    /// Valid properties with one of them replaced, removed or added: parsed
    /// (the new value happened to be valid), or refused naming that one.
    #[test]
    fn one_property_changed_is_accepted_or_refused_by_name(
        change in fuzz::perturbation(SAMPLE_PROPERTIES),
    ) {
        let raw = change.apply(&valid_sample());
        if let Err(error) = parse_properties::<Sample>(Some(&raw)) {
            prop_assert!(fuzz::names_property(&error, change.property()), "{change:?}: {error}");
        }
        // Old properties skip `validate` but not the types.
        if let Err(error) = parse_properties_unvalidated::<Sample>(Some(&raw)) {
            prop_assert!(fuzz::names_property(&error, change.property()), "{change:?}: {error}");
        }
    }

    /// `cfn::bool`: "true" and "false" (or JSON booleans), nothing else.
    #[test]
    fn booleans_are_exactly_true_or_false(value in fuzz::replacement()) {
        let mut raw = valid_sample();
        raw["Enabled"] = value.clone();
        let expected = match &value {
            Value::Bool(flag) => Some(*flag),
            Value::String(text) if text == "true" => Some(true),
            Value::String(text) if text == "false" => Some(false),
            _ => None,
        };
        match parse_properties::<Sample>(Some(&raw)) {
            Ok(sample) => prop_assert_eq!(Some(sample.enabled), expected, "{}", value),
            Err(error) => {
                prop_assert_eq!(expected, None, "{}", error);
                prop_assert!(fuzz::names_property(&error, "Enabled"), "{error}");
            }
        }
    }

    /// `cfn::u64`: a whole number from 0 to 2^64-1, as a JSON number or as
    /// its decimal text (surrounding whitespace allowed); anything larger,
    /// negative or fractional is refused naming the property.
    #[test]
    fn whole_numbers_are_read_in_range_as_text_or_number(
        n in prop_oneof![any::<u64>().prop_map(u128::from), any::<u128>()],
        negative in any::<bool>(),
        as_text in any::<bool>(),
        pad in "[ \\t\\n]{0,2}",
    ) {
        let value = match (as_text, negative) {
            (true, false) => json!(format!("{pad}{n}{pad}")),
            (true, true) => json!(format!("-{n}")),
            (false, _) => match u64::try_from(n) {
                Ok(small) if !negative => json!(small),
                Ok(small) if small <= i64::MAX as u64 => json!(-(small as i64)),
                _ => json!(n as f64),
            },
        };
        let mut raw = valid_sample();
        raw["Count"] = value.clone();
        let expected = match (as_text, negative) {
            // Unsigned text never carries a sign, not even "-0".
            (true, true) => None,
            // A negative JSON integer; zero is zero.
            (false, true) => (n == 0).then_some(0),
            // Beyond 2^64-1 the text does not parse, and the JSON value is a float.
            (_, false) => u64::try_from(n).ok(),
        };
        match parse_properties::<Sample>(Some(&raw)) {
            Ok(sample) => prop_assert_eq!(Some(sample.count), expected, "{}", value),
            Err(error) => {
                prop_assert_eq!(expected, None, "{} refused: {}", value, error);
                prop_assert!(fuzz::names_property(&error, "Count"), "{error}");
            }
        }
    }

    /// `cfn::string_list`: a list of scalars (stringified) or null; any
    /// other shape, or a list holding a list or object, is refused naming
    /// the property.
    #[test]
    fn string_lists_hold_scalars_only(items in prop::collection::vec(fuzz::json_value(), 0..8)) {
        let scalars = items.iter().all(|item| item.is_string() || item.is_number() || item.is_boolean());
        let mut raw = valid_sample();
        raw["Items"] = Value::Array(items.clone());
        match parse_properties::<Sample>(Some(&raw)) {
            Ok(sample) => {
                prop_assert!(scalars);
                prop_assert_eq!(sample.items.len(), items.len());
                for (text, item) in sample.items.iter().zip(&items) {
                    match item {
                        Value::String(original) => prop_assert_eq!(text, original),
                        other => prop_assert_eq!(text, &other.to_string()),
                    }
                }
            }
            Err(error) => {
                prop_assert!(!scalars, "{error}");
                prop_assert!(fuzz::names_property(&error, "Items"), "{error}");
            }
        }
    }
}
