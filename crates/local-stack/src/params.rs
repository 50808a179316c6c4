//! Parameter values: the template's declarations, their defaults, the
//! overrides of a samconfig environment and of the command line, checked
//! against the declared constraints as CloudFormation checks them.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why the parameters cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParamError {
    #[error("parameter {0} is not declared in the template (check the spelling of the override)")]
    Unknown(String),
    #[error("parameter {0} has no Default and no value was given; pass --param {0}=VALUE")]
    Missing(String),
    #[error("parameter {name}: {problem}")]
    Invalid { name: String, problem: String },
    #[error("parameter {name} has Type {kind}, which local-stack does not support")]
    UnsupportedType { name: String, kind: String },
    #[error("override {0:?} is not KEY=VALUE")]
    Syntax(String),
    #[error("samconfig: {0}")]
    Samconfig(String),
}

/// Parses `Key=Value` overrides (the value may contain `=` and commas).
pub fn parse_overrides<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<String, String>, ParamError> {
    items
        .into_iter()
        .map(|item| match item.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                Ok((key.trim().to_owned(), value.to_owned()))
            }
            _ => Err(ParamError::Syntax(item.to_owned())),
        })
        .collect()
}

/// What a samconfig environment says about a deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SamConfig {
    pub stack_name: Option<String>,
    pub overrides: BTreeMap<String, String>,
}

/// Reads `[<env>.global.parameters] stack_name` and
/// `[<env>.deploy.parameters] parameter_overrides` (a list of `K=V`
/// strings, or one space-separated string) from samconfig.toml text.
pub fn samconfig(text: &str, env: &str) -> Result<SamConfig, ParamError> {
    let doc: toml::Table =
        toml::from_str(text).map_err(|e| ParamError::Samconfig(e.to_string()))?;
    let Some(environment) = doc.get(env).and_then(toml::Value::as_table) else {
        return Err(ParamError::Samconfig(format!(
            "there is no environment [{env}] (use --config-env with one of: {})",
            doc.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    };
    let section = |command: &str| {
        environment
            .get(command)
            .and_then(|c| c.get("parameters"))
            .and_then(toml::Value::as_table)
    };
    let stack_name = ["deploy", "global"]
        .iter()
        .filter_map(|command| section(command)?.get("stack_name")?.as_str())
        .next()
        .map(str::to_owned);
    let overrides = match section("deploy").and_then(|s| s.get("parameter_overrides")) {
        None => BTreeMap::new(),
        Some(toml::Value::Array(items)) => {
            let items: Vec<&str> = items.iter().filter_map(toml::Value::as_str).collect();
            parse_overrides(items)?
        }
        Some(toml::Value::String(text)) => parse_overrides(text.split_whitespace())?,
        Some(other) => {
            return Err(ParamError::Samconfig(format!(
                "parameter_overrides must be a list of \"K=V\" strings, not {other:?}"
            )));
        }
    };
    Ok(SamConfig {
        stack_name,
        overrides,
    })
}

/// Resolves every declared parameter: the override if given, else the
/// Default. `CommaDelimitedList` values become JSON arrays of strings (an
/// empty value is `[""]`, as CloudFormation hands it over); everything
/// else stays a string.
pub fn resolve(
    declared: &Map<String, Value>,
    overrides: &BTreeMap<String, String>,
) -> Result<Map<String, Value>, ParamError> {
    if let Some(unknown) = overrides.keys().find(|k| !declared.contains_key(*k)) {
        return Err(ParamError::Unknown(unknown.clone()));
    }
    let mut values = Map::new();
    for (name, declaration) in declared {
        let kind = declaration["Type"].as_str().unwrap_or("String");
        let text = match overrides.get(name) {
            Some(value) => value.clone(),
            None => match &declaration["Default"] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(","),
                _ => return Err(ParamError::Missing(name.clone())),
            },
        };
        let invalid = |problem: String| ParamError::Invalid {
            name: name.clone(),
            problem,
        };
        let value = match kind {
            "String" => {
                check(declaration, &text).map_err(invalid)?;
                Value::String(text)
            }
            "Number" => {
                if text.parse::<f64>().is_err() {
                    return Err(invalid(format!("{text:?} is not a number")));
                }
                check(declaration, &text).map_err(invalid)?;
                Value::String(text)
            }
            "CommaDelimitedList" => {
                let items: Vec<String> = text.split(',').map(|s| s.trim().to_owned()).collect();
                for item in &items {
                    check(declaration, item).map_err(invalid)?;
                }
                Value::Array(items.into_iter().map(Value::String).collect())
            }
            other => {
                return Err(ParamError::UnsupportedType {
                    name: name.clone(),
                    kind: other.to_owned(),
                });
            }
        };
        values.insert(name.clone(), value);
    }
    Ok(values)
}

/// AllowedValues, AllowedPattern, Min/MaxLength, Min/MaxValue.
fn check(declaration: &Value, text: &str) -> Result<(), String> {
    let explain = |what: String| match declaration["ConstraintDescription"].as_str() {
        Some(description) => format!("{what}: {description}"),
        None => what,
    };
    if let Some(allowed) = declaration["AllowedValues"].as_array() {
        let allowed: Vec<String> = allowed
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        if !allowed.iter().any(|a| a == text) {
            return Err(format!(
                "{text:?} is not one of the AllowedValues [{}]",
                allowed.join(", ")
            ));
        }
    }
    if let Some(pattern) = declaration["AllowedPattern"].as_str() {
        // CloudFormation matches the whole value.
        let anchored = format!("^(?:{pattern})$");
        let regex = regex_lite::Regex::new(&anchored)
            .map_err(|e| format!("its AllowedPattern {pattern:?} is not a valid regex: {e}"))?;
        if !regex.is_match(text) {
            return Err(explain(format!(
                "{text:?} does not match the AllowedPattern {pattern}"
            )));
        }
    }
    let length = text.chars().count() as u64;
    if let Some(min) = declaration["MinLength"]
        .as_u64()
        .filter(|min| length < *min)
    {
        return Err(explain(format!("{text:?} is shorter than MinLength {min}")));
    }
    if let Some(max) = declaration["MaxLength"]
        .as_u64()
        .filter(|max| length > *max)
    {
        return Err(explain(format!("{text:?} is longer than MaxLength {max}")));
    }
    if let Ok(number) = text.parse::<f64>() {
        if let Some(min) = declaration["MinValue"].as_f64().filter(|min| number < *min) {
            return Err(explain(format!("{text} is less than MinValue {min}")));
        }
        if let Some(max) = declaration["MaxValue"].as_f64().filter(|max| number > *max) {
            return Err(explain(format!("{text} is more than MaxValue {max}")));
        }
    }
    Ok(())
}

/// The pseudo parameters of a local deployment.
pub fn pseudo(stack_name: &str, stack_id: &str) -> Map<String, Value> {
    let mut values = Map::new();
    for (name, value) in [
        ("AWS::AccountId", local_aws::ACCOUNT_ID),
        ("AWS::Region", local_aws::REGION),
        ("AWS::Partition", "aws"),
        ("AWS::URLSuffix", "amazonaws.com"),
        ("AWS::StackName", stack_name),
        ("AWS::StackId", stack_id),
    ] {
        values.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    values.insert("AWS::NotificationARNs".to_owned(), Value::Array(Vec::new()));
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn declared() -> Map<String, Value> {
        json!({
            "Name": {"Type": "String", "Default": "abc", "AllowedPattern": "[a-z]+", "MaxLength": 5},
            "Emails": {"Type": "CommaDelimitedList", "Default": "", "AllowedPattern": "^$|^[^@]+@[^@]+$"},
            "Plan": {"Type": "String", "Default": "B", "AllowedValues": ["A", "B"]},
            "Days": {"Type": "Number", "Default": 30, "AllowedValues": [1, 30]},
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn defaults_lists_and_overrides() {
        let values = resolve(&declared(), &BTreeMap::new()).unwrap();
        assert_eq!(values["Name"], "abc");
        assert_eq!(values["Emails"], json!([""]));
        assert_eq!(values["Days"], "30");
        let overrides = parse_overrides(["Emails=a@x.io, b@y.io", "Plan=A"]).unwrap();
        let values = resolve(&declared(), &overrides).unwrap();
        assert_eq!(values["Emails"], json!(["a@x.io", "b@y.io"]));
        assert_eq!(values["Plan"], "A");
    }

    #[test]
    fn constraints_are_enforced_with_the_parameter_named() {
        let bad = |k: &str, v: &str| {
            let overrides = BTreeMap::from([(k.to_owned(), v.to_owned())]);
            resolve(&declared(), &overrides).unwrap_err().to_string()
        };
        assert!(bad("Name", "ABC").contains("parameter Name"));
        assert!(bad("Name", "abcdef").contains("MaxLength 5"));
        assert!(bad("Plan", "C").contains("AllowedValues"));
        assert!(bad("Days", "x").contains("not a number"));
        assert!(bad("Emails", "a@x.io,nope").contains("\"nope\""));
        assert!(bad("Nope", "1").contains("Nope is not declared"));
        assert!(parse_overrides(["novalue"]).is_err());
    }

    #[test]
    fn reads_a_samconfig_environment() {
        let text = r#"
version = 0.1
[default.global.parameters]
stack_name = "dev-stack"
[default.deploy.parameters]
parameter_overrides = ["A=1", "B=x=y"]
[prod.deploy.parameters]
stack_name = "prod-stack"
parameter_overrides = "A=2 C=3"
"#;
        let dev = samconfig(text, "default").unwrap();
        assert_eq!(dev.stack_name.as_deref(), Some("dev-stack"));
        assert_eq!(dev.overrides["B"], "x=y");
        let prod = samconfig(text, "prod").unwrap();
        assert_eq!(prod.stack_name.as_deref(), Some("prod-stack"));
        assert_eq!(prod.overrides["C"], "3");
        assert!(
            samconfig(text, "qa")
                .unwrap_err()
                .to_string()
                .contains("default, prod")
        );
    }
}
