//! `Custom::DomainPrefix` properties, typed and checked before any AWS call.

use crate::decide::{parameter_name_problem, prefix_problem};
use custom_resource::{InvalidProperty, Properties, cfn};
use serde::Deserialize;

/// `ResourceProperties` of a `Custom::DomainPrefix`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DomainPrefixProperties {
    /// SSM parameter that stores the prefix.
    #[serde(deserialize_with = "cfn::string")]
    pub parameter_name: String,
    /// The prefix the operator wants; empty means "generate one".
    #[serde(default, deserialize_with = "cfn::string")]
    pub prefix: String,
    /// Keep the parameter when the resource is deleted (default true).
    #[serde(default, deserialize_with = "cfn::opt_bool")]
    pub retain_parameter: Option<bool>,
}

impl DomainPrefixProperties {
    /// Whether Delete keeps the parameter: unless told "false", yes, because
    /// losing it means a new prefix (and a new sign-in URL) next time.
    pub fn retains_parameter(&self) -> bool {
        self.retain_parameter.unwrap_or(true)
    }

    /// The operator's prefix, if any.
    pub fn wanted_prefix(&self) -> Option<&str> {
        Some(self.prefix.as_str()).filter(|prefix| !prefix.is_empty())
    }
}

impl Properties for DomainPrefixProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        if let Some(problem) = parameter_name_problem(&self.parameter_name) {
            return Err(InvalidProperty::new("ParameterName", problem));
        }
        if let Some(prefix) = self.wanted_prefix()
            && let Some(problem) = prefix_problem(prefix)
        {
            return Err(InvalidProperty::new(
                "Prefix",
                format!("{problem} (leave Prefix empty to have one generated)"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CONTRACT;
    use serde_json::{Value, json};

    fn parse(value: Value) -> Result<DomainPrefixProperties, String> {
        let properties: DomainPrefixProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    const PARAMETER: &str = "/sagemaker-workforce/s/domain-prefix";

    #[test]
    fn every_contract_property_parses() {
        let mut object = serde_json::Map::new();
        for property in CONTRACT.properties {
            let value = match *property {
                "ParameterName" => PARAMETER,
                "Prefix" => "my-prefix",
                "RetainParameter" => "false",
                other => panic!("no sample value for {other}"),
            };
            object.insert((*property).to_owned(), json!(value));
        }
        let properties: DomainPrefixProperties =
            CONTRACT.check_sample(&Value::Object(object)).unwrap();
        assert_eq!(properties.wanted_prefix(), Some("my-prefix"));
        assert!(!properties.retains_parameter());
        let data = crate::decide::outcome(PARAMETER, "my-prefix").data;
        let keys: Vec<&str> = data.keys().map(String::as_str).collect();
        assert_eq!(keys, CONTRACT.data_keys);
    }

    #[test]
    fn only_parameter_name_is_required() {
        let properties = parse(json!({"ParameterName": PARAMETER})).unwrap();
        assert_eq!(properties.wanted_prefix(), None);
        assert!(properties.retains_parameter());
        let error = parse(json!({"Prefix": "x"})).unwrap_err();
        assert!(error.contains("ParameterName"), "{error}");
    }

    #[test]
    fn unknown_and_malformed_properties_are_named() {
        let error = parse(json!({"ParameterName": PARAMETER, "Prefx": "x"})).unwrap_err();
        assert!(error.contains("Prefx"), "{error}");
        let error =
            parse(json!({"ParameterName": PARAMETER, "RetainParameter": "no"})).unwrap_err();
        assert!(error.contains("\"true\" or \"false\""), "{error}");
    }

    #[test]
    fn invalid_values_are_refused_by_validate() {
        let error = parse(json!({"ParameterName": PARAMETER, "Prefix": "My-Aws"})).unwrap_err();
        assert!(error.starts_with("property `Prefix`"), "{error}");
        let error = parse(json!({"ParameterName": PARAMETER, "Prefix": "my-aws-x"})).unwrap_err();
        assert!(error.contains("\"aws\""), "{error}");
        let error = parse(json!({"ParameterName": "/aws/x"})).unwrap_err();
        assert!(error.starts_with("property `ParameterName`"), "{error}");
        let error = parse(json!({"ParameterName": "a b"})).unwrap_err();
        assert!(error.starts_with("property `ParameterName`"), "{error}");
    }
}
