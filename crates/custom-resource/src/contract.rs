//! What a custom resource type offers the template, and the one check that
//! a function's [`Properties`] accept what its contract lists.

use crate::{Properties, parse_properties};
use serde_json::{Map, Value};

/// What a custom resource type offers the template: its type name, the
/// properties it accepts (besides ServiceToken and ServiceTimeout), which of
/// them are required, and the Data keys its responses carry. Each function
/// crate publishes one, and the template checks hold `template.yaml` to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceContract {
    pub resource_type: &'static str,
    pub properties: &'static [&'static str],
    pub required: &'static [&'static str],
    pub data_keys: &'static [&'static str],
}

impl ResourceContract {
    /// Holds `P` to this contract with `sample`, a valid value for every
    /// listed property: the sample lists exactly the contract's properties,
    /// parses and validates; without any one required property it is
    /// refused naming that property; with only the required ones it parses.
    /// Returns the parsed sample, for checks of its own; the error says which
    /// promise failed. Each function crate calls it from one unit test.
    pub fn check_sample<P: Properties>(&self, sample: &Value) -> Result<P, String> {
        let object = sample
            .as_object()
            .ok_or_else(|| format!("the sample is not an object: {sample}"))?;
        let mut given: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut listed = self.properties.to_vec();
        given.sort_unstable();
        listed.sort_unstable();
        if given != listed {
            return Err(format!(
                "the sample has {given:?}, the contract lists {listed:?}"
            ));
        }
        if let Some(stray) = self.required.iter().find(|r| !self.properties.contains(r)) {
            return Err(format!("required {stray} is not a listed property"));
        }
        let parsed = parse_properties::<P>(Some(sample))
            .map_err(|error| format!("the full sample is refused: {error}"))?;
        for required in self.required {
            let mut without = object.clone();
            without.remove(*required);
            match parse_properties::<P>(Some(&Value::Object(without))) {
                Ok(_) => return Err(format!("{required} is required but can be left out")),
                Err(error) if !error.to_string().contains(required) => {
                    return Err(format!("without {required}: {error} (does not name it)"));
                }
                Err(_) => {}
            }
        }
        let only_required: Map<String, Value> = object
            .iter()
            .filter(|(key, _)| self.required.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        parse_properties::<P>(Some(&Value::Object(only_required)))
            .map_err(|error| format!("the required properties alone are refused: {error}"))?;
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InvalidProperty;
    use serde_json::json;

    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase", deny_unknown_fields)]
    struct Sample {
        #[allow(dead_code)]
        name: String,
        size: Option<u64>,
    }

    impl Properties for Sample {
        fn validate(&self) -> Result<(), InvalidProperty> {
            match self.size {
                Some(0) => Err(InvalidProperty::new("Size", "must be positive")),
                _ => Ok(()),
            }
        }
    }

    const CONTRACT: ResourceContract = ResourceContract {
        resource_type: "Custom::Sample",
        properties: &["Name", "Size"],
        required: &["Name"],
        data_keys: &[],
    };

    #[test]
    fn a_sample_that_keeps_the_contract_passes() {
        let parsed: Sample = CONTRACT
            .check_sample(&json!({"Name": "a", "Size": 2}))
            .unwrap();
        assert_eq!(parsed.size, Some(2));
    }

    #[test]
    fn each_broken_promise_is_named() {
        for (contract, sample, expected) in [
            (CONTRACT, json!({"Name": "a"}), "the contract lists"),
            (CONTRACT, json!({"Name": "a", "Size": 0}), "`Size`"),
            (
                ResourceContract {
                    required: &["Name", "Size"],
                    ..CONTRACT
                },
                json!({"Name": "a", "Size": 2}),
                "Size is required but can be left out",
            ),
            (
                ResourceContract {
                    required: &["Colour"],
                    ..CONTRACT
                },
                json!({"Name": "a", "Size": 2}),
                "Colour is not a listed property",
            ),
        ] {
            let error = contract.check_sample::<Sample>(&sample).err().unwrap();
            assert!(error.contains(expected), "{expected}: {error}");
        }
    }
}
