//! Typed `ResourceProperties`: parsing CloudFormation's string-typed values,
//! refusing unknown properties, and the validation errors that name a property
//! and the rule it breaks.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::fmt;

/// Properties CloudFormation adds or allows on every custom resource; they
/// are accepted and ignored.
const IGNORED_PROPERTIES: [&str; 2] = ["ServiceToken", "ServiceTimeout"];

/// A function's typed `ResourceProperties`.
///
/// Derive `Deserialize` with `#[serde(rename_all = "PascalCase",
/// deny_unknown_fields)]` so that a misspelt property is refused by name, and
/// use the helpers in [`cfn`] for CloudFormation's string-typed scalars.
/// `validate` checks the rules that types cannot express; it runs before any
/// resource code, so a violation changes nothing.
pub trait Properties: DeserializeOwned + Send + Sync + 'static {
    fn validate(&self) -> Result<(), InvalidProperty> {
        Ok(())
    }
}

/// A property that breaks a rule: which property, and the rule, in words an
/// operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("property `{property}` {rule}")]
pub struct InvalidProperty {
    pub property: String,
    pub rule: String,
}

impl InvalidProperty {
    pub fn new(property: impl Into<String>, rule: impl fmt::Display) -> Self {
        Self {
            property: property.into(),
            rule: rule.to_string(),
        }
    }
}

/// Why `ResourceProperties` could not be turned into a function's properties.
#[derive(Debug, thiserror::Error)]
pub enum PropertiesError {
    #[error("ResourceProperties must be a JSON object, got {0}")]
    NotAnObject(&'static str),
    #[error("invalid ResourceProperties: {0}")]
    Shape(String),
    #[error("invalid ResourceProperties: {0}")]
    Rule(#[from] InvalidProperty),
}

/// Parses and validates `ResourceProperties` (absent or null means `{}`).
pub fn parse<P: Properties>(raw: Option<&Value>) -> Result<P, PropertiesError> {
    let properties: P = parse_unvalidated(raw)?;
    properties.validate()?;
    Ok(properties)
}

/// Parses without running `validate`: used for `OldResourceProperties`, which
/// CloudFormation already accepted once and which may predate today's rules.
pub fn parse_unvalidated<P: Properties>(raw: Option<&Value>) -> Result<P, PropertiesError> {
    let mut object = match raw {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(object)) => object.clone(),
        Some(other) => return Err(PropertiesError::NotAnObject(json_kind(other))),
    };
    for ignored in IGNORED_PROPERTIES {
        object.remove(ignored);
    }
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner().to_string();
        if path == "." || path.is_empty() {
            PropertiesError::Shape(inner)
        } else {
            PropertiesError::Shape(format!("property `{path}`: {inner}"))
        }
    })
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Deserializers for the way CloudFormation sends values: every scalar as a
/// string ("true", "42"), lists as arrays of strings. Native JSON values are
/// accepted too, so hand-written test events and `sam local invoke` fixtures
/// work either way.
pub mod cfn {
    use serde::Deserialize;
    use serde::de::{self, Deserializer};
    use serde_json::Value;

    fn scalar_text(value: &Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            Value::Bool(flag) => Some(flag.to_string()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    fn parse_bool<E: de::Error>(value: &Value) -> Result<bool, E> {
        match scalar_text(value).as_deref() {
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            _ => Err(E::custom(format!(
                "must be \"true\" or \"false\", got {value}"
            ))),
        }
    }

    /// `"true"` / `"false"` (or a JSON boolean).
    pub fn bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        parse_bool(&Value::deserialize(deserializer)?)
    }

    /// An optional `"true"` / `"false"`; use with `#[serde(default)]`.
    pub fn opt_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(None),
            value => parse_bool(&value).map(Some),
        }
    }

    /// A whole number sent as a string (`"42"`) or a JSON number.
    pub fn u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        let value = Value::deserialize(deserializer)?;
        scalar_text(&value)
            .and_then(|text| text.trim().parse::<u64>().ok())
            .ok_or_else(|| de::Error::custom(format!("must be a whole number, got {value}")))
    }

    /// An optional whole number; use with `#[serde(default)]`.
    pub fn opt_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(None),
            value => scalar_text(&value)
                .and_then(|text| text.trim().parse::<u64>().ok())
                .map(Some)
                .ok_or_else(|| de::Error::custom(format!("must be a whole number, got {value}"))),
        }
    }

    /// A scalar as text: strings as they are, numbers and booleans as
    /// CloudFormation would have stringified them.
    pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        let value = Value::deserialize(deserializer)?;
        scalar_text(&value)
            .ok_or_else(|| de::Error::custom(format!("must be a string, got {value}")))
    }

    /// A list of strings (`["a", "b"]`); scalars inside are stringified.
    pub fn string_list<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<String>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    scalar_text(item).ok_or_else(|| {
                        de::Error::custom(format!("item {index} must be a string, got {item}"))
                    })
                })
                .collect(),
            other => Err(de::Error::custom(format!(
                "must be a list of strings, got {other}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase", deny_unknown_fields)]
    struct Sample {
        name: String,
        #[serde(default, deserialize_with = "cfn::opt_bool")]
        retain: Option<bool>,
        #[serde(default, deserialize_with = "cfn::string_list")]
        items: Vec<String>,
        #[serde(default, deserialize_with = "cfn::u64")]
        count: u64,
    }

    impl Properties for Sample {
        fn validate(&self) -> Result<(), InvalidProperty> {
            if self.name.is_empty() {
                return Err(InvalidProperty::new("Name", "must not be empty"));
            }
            Ok(())
        }
    }

    #[test]
    fn parses_cloudformation_strings() {
        let sample: Sample = parse(Some(&json!({
            "ServiceToken": "arn:aws:lambda:us-east-1:1:function:f",
            "ServiceTimeout": "300",
            "Name": "n", "Retain": "false", "Items": ["a", 2], "Count": "42"
        })))
        .unwrap();
        assert_eq!(sample.name, "n");
        assert_eq!(sample.retain, Some(false));
        assert_eq!(sample.items, vec!["a", "2"]);
        assert_eq!(sample.count, 42);
    }

    #[test]
    fn names_unknown_and_missing_properties() {
        let unknown = parse::<Sample>(Some(&json!({"Name": "n", "Nmae": "x"}))).unwrap_err();
        assert!(
            unknown.to_string().contains("unknown field `Nmae`"),
            "{unknown}"
        );
        let missing = parse::<Sample>(Some(&json!({}))).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `Name`"),
            "{missing}"
        );
    }

    #[test]
    fn names_the_property_with_a_bad_value() {
        let error = parse::<Sample>(Some(&json!({"Name": "n", "Retain": "yes"}))).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("`Retain`") && text.contains("\"true\" or \"false\""),
            "{text}"
        );
        let error = parse::<Sample>(Some(&json!({"Name": "n", "Items": "a,b"}))).unwrap_err();
        assert!(error.to_string().contains("`Items`"), "{error}");
    }

    #[test]
    fn runs_validation_but_not_for_old_properties() {
        let error = parse::<Sample>(Some(&json!({"Name": ""}))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid ResourceProperties: property `Name` must not be empty"
        );
        assert!(parse_unvalidated::<Sample>(Some(&json!({"Name": ""}))).is_ok());
    }

    #[test]
    fn refuses_non_objects() {
        let error = parse::<Sample>(Some(&json!(["Name"]))).unwrap_err();
        assert!(error.to_string().contains("an array"), "{error}");
    }
}
