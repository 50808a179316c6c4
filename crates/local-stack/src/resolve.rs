//! Conditions and intrinsic functions, resolved against the parameter
//! values and the resources created so far. Pure: no I/O.
//!
//! Supported: `Ref` (parameters, pseudo parameters, resources),
//! `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Split`, `Fn::Select`, `Fn::If`,
//! in conditions and rules `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`
//! and `Condition`, and in rules only `Fn::Contains`, `Fn::EachMemberEquals`
//! and `Fn::EachMemberIn`. (`Fn::ForEach` is expanded before, by
//! cfn-template.) Any other function is refused with its name.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why a fragment could not be resolved.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("the intrinsic function {0} is not supported by local-stack")]
    Unsupported(String),
    #[error("Ref {0}: no parameter, pseudo parameter or resource has that name")]
    UnknownName(String),
    #[error("condition {0} is not defined in Conditions")]
    UnknownCondition(String),
    #[error("condition {0} refers to itself")]
    ConditionCycle(String),
    #[error("{0} is not available (it was not created, or its Condition is false)")]
    NotCreated(String),
    #[error(
        "CustomResource attribute error: Vendor response doesn't contain {attribute} key in object of {resource} (its Data has: {available})"
    )]
    VendorAttribute {
        resource: String,
        attribute: String,
        available: String,
    },
    #[error(
        "Fn::GetAtt {resource}.{attribute}: {resource} has no attribute {attribute} (it has: {available})"
    )]
    Attribute {
        resource: String,
        attribute: String,
        available: String,
    },
    #[error("{function}: {problem}")]
    Shape { function: String, problem: String },
}

fn shape(function: &str, problem: impl Into<String>) -> ResolveError {
    ResolveError::Shape {
        function: function.to_owned(),
        problem: problem.into(),
    }
}

/// What a created resource offers to `Ref` and `Fn::GetAtt`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Offered {
    pub physical_id: String,
    pub attributes: Map<String, Value>,
    /// A custom resource (its attributes are the function's Data).
    pub custom: bool,
}

/// Everything a fragment may refer to.
pub struct Scope<'a> {
    /// Parameters and pseudo parameters.
    pub params: &'a Map<String, Value>,
    pub conditions: &'a BTreeMap<String, bool>,
    pub resources: &'a BTreeMap<String, Offered>,
}

/// The single key of `{"Fn::X": ...}` / `{"Ref": ...}`, if `value` is an
/// intrinsic function call.
fn intrinsic(value: &Map<String, Value>) -> Option<(&str, &Value)> {
    if value.len() != 1 {
        return None;
    }
    let (key, argument) = value.iter().next()?;
    (key == "Ref" || key.starts_with("Fn::")).then_some((key.as_str(), argument))
}

/// Evaluates every condition of the `Conditions` section.
pub fn conditions(
    section: &Map<String, Value>,
    params: &Map<String, Value>,
) -> Result<BTreeMap<String, bool>, ResolveError> {
    let mut done = BTreeMap::new();
    for name in section.keys() {
        condition_named(name, section, params, &mut done, &mut Vec::new())?;
    }
    Ok(done)
}

fn condition_named(
    name: &str,
    section: &Map<String, Value>,
    params: &Map<String, Value>,
    done: &mut BTreeMap<String, bool>,
    visiting: &mut Vec<String>,
) -> Result<bool, ResolveError> {
    if let Some(value) = done.get(name) {
        return Ok(*value);
    }
    if visiting.iter().any(|v| v == name) {
        return Err(ResolveError::ConditionCycle(name.to_owned()));
    }
    let definition = section
        .get(name)
        .ok_or_else(|| ResolveError::UnknownCondition(name.to_owned()))?;
    visiting.push(name.to_owned());
    let value = {
        let mut lookup = |inner: &str| condition_named(inner, section, params, done, visiting);
        evaluate_in(definition, params, &mut lookup, false)?
    };
    visiting.pop();
    done.insert(name.to_owned(), value);
    Ok(value)
}

/// Evaluates a condition expression.
pub fn evaluate(
    expression: &Value,
    params: &Map<String, Value>,
    condition: &mut dyn FnMut(&str) -> Result<bool, ResolveError>,
) -> Result<bool, ResolveError> {
    evaluate_in(expression, params, condition, false)
}

/// Evaluates a Rules assertion or RuleCondition: a condition expression
/// that may also use the rule-specific functions `Fn::Contains`,
/// `Fn::EachMemberEquals` and `Fn::EachMemberIn`.
pub fn evaluate_rule(
    expression: &Value,
    params: &Map<String, Value>,
    condition: &mut dyn FnMut(&str) -> Result<bool, ResolveError>,
) -> Result<bool, ResolveError> {
    evaluate_in(expression, params, condition, true)
}

fn evaluate_in(
    expression: &Value,
    params: &Map<String, Value>,
    condition: &mut dyn FnMut(&str) -> Result<bool, ResolveError>,
    rule: bool,
) -> Result<bool, ResolveError> {
    let Some(object) = expression.as_object() else {
        return match expression {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" || s == "false" => Ok(s == "true"),
            other => Err(shape("condition", format!("{other} is not a condition"))),
        };
    };
    if let Some(Value::String(name)) = object.get("Condition").filter(|_| object.len() == 1) {
        return condition(name);
    }
    let Some((function, argument)) = intrinsic(object) else {
        return Err(shape(
            "condition",
            format!("{expression} is not a condition"),
        ));
    };
    let operands = || {
        argument
            .as_array()
            .ok_or_else(|| shape(function, "takes a list"))
    };
    let empty = BTreeMap::new();
    let no_resources = BTreeMap::new();
    let scope = Scope {
        params,
        conditions: &empty,
        resources: &no_resources,
    };
    // A list operand of a rule function: its items as text.
    let texts = |operand: &Value| -> Result<Vec<String>, ResolveError> {
        let value = resolve(operand, &scope)?.unwrap_or(Value::Null);
        match value {
            Value::Array(items) => Ok(items.iter().map(scalar_text).collect()),
            other => Err(shape(function, format!("{other} is not a list"))),
        }
    };
    let text = |operand: &Value| -> Result<String, ResolveError> {
        Ok(scalar_text(
            &resolve(operand, &scope)?.unwrap_or(Value::Null),
        ))
    };
    match function {
        "Fn::Equals" => match operands()?.as_slice() {
            [a, b] => Ok(text(a)? == text(b)?),
            _ => Err(shape(function, "takes two values")),
        },
        "Fn::Contains" if rule => match operands()?.as_slice() {
            [list, one] => {
                let one = text(one)?;
                Ok(texts(list)?.contains(&one))
            }
            _ => Err(shape(function, "takes [[Values], Value]")),
        },
        "Fn::EachMemberEquals" if rule => match operands()?.as_slice() {
            [list, one] => {
                let one = text(one)?;
                Ok(texts(list)?.iter().all(|item| *item == one))
            }
            _ => Err(shape(function, "takes [[Values], Value]")),
        },
        "Fn::EachMemberIn" if rule => match operands()?.as_slice() {
            [list, allowed] => {
                let allowed = texts(allowed)?;
                Ok(texts(list)?.iter().all(|item| allowed.contains(item)))
            }
            _ => Err(shape(function, "takes [[Values], [Allowed]]")),
        },
        "Fn::And" | "Fn::Or" => {
            let mut results = Vec::new();
            for operand in operands()? {
                results.push(evaluate_in(operand, params, condition, rule)?);
            }
            Ok(if function == "Fn::And" {
                results.iter().all(|r| *r)
            } else {
                results.iter().any(|r| *r)
            })
        }
        "Fn::Not" => match operands()?.as_slice() {
            [one] => Ok(!evaluate_in(one, params, condition, rule)?),
            _ => Err(shape(function, "takes one condition")),
        },
        other => Err(ResolveError::Unsupported(other.to_owned())),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces every `Fn::If` by the branch its condition picks, so that the
/// references of the branch not taken do not count (CloudFormation allows
/// `!If [CreateX, !GetAtt X.Arn, ...]` when X does not exist).
pub fn prune(value: &Value, conditions: &BTreeMap<String, bool>) -> Result<Value, ResolveError> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| prune(item, conditions))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Value::Object(object) => {
            if let Some(("Fn::If", argument)) = intrinsic(object) {
                let (name, then, otherwise) = if_parts(argument)?;
                let taken = *conditions
                    .get(name)
                    .ok_or_else(|| ResolveError::UnknownCondition(name.to_owned()))?;
                return prune(if taken { then } else { otherwise }, conditions);
            }
            object
                .iter()
                .map(|(k, v)| Ok((k.clone(), prune(v, conditions)?)))
                .collect::<Result<Map<_, _>, _>>()
                .map(Value::Object)
        }
        other => Ok(other.clone()),
    }
}

fn if_parts(argument: &Value) -> Result<(&str, &Value, &Value), ResolveError> {
    match argument.as_array().map(Vec::as_slice) {
        Some([Value::String(name), then, otherwise]) => Ok((name, then, otherwise)),
        _ => Err(shape(
            "Fn::If",
            "takes [ConditionName, ValueIfTrue, ValueIfFalse]",
        )),
    }
}

/// Resolves a fragment; `None` is `AWS::NoValue` (the property is left out).
pub fn resolve(value: &Value, scope: &Scope<'_>) -> Result<Option<Value>, ResolveError> {
    match value {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Some(resolved) = resolve(item, scope)? {
                    out.push(resolved);
                }
            }
            Ok(Some(Value::Array(out)))
        }
        Value::Object(object) => match intrinsic(object) {
            Some((function, argument)) => call(function, argument, scope),
            None => {
                let mut out = Map::new();
                for (key, inner) in object {
                    if let Some(resolved) = resolve(inner, scope)? {
                        out.insert(key.clone(), resolved);
                    }
                }
                Ok(Some(Value::Object(out)))
            }
        },
        other => Ok(Some(other.clone())),
    }
}

fn call(
    function: &str,
    argument: &Value,
    scope: &Scope<'_>,
) -> Result<Option<Value>, ResolveError> {
    let required = |v: &Value| {
        resolve(v, scope)?.ok_or_else(|| shape(function, "AWS::NoValue cannot be used here"))
    };
    match function {
        "Ref" => {
            let name = argument
                .as_str()
                .ok_or_else(|| shape("Ref", "takes a name"))?;
            if name == "AWS::NoValue" {
                return Ok(None);
            }
            reference(name, scope).map(Some)
        }
        "Fn::GetAtt" => {
            let (resource, attribute) = match argument {
                Value::String(dotted) => dotted
                    .split_once('.')
                    .ok_or_else(|| shape(function, "takes Resource.Attribute"))?,
                Value::Array(parts) => match parts.as_slice() {
                    [Value::String(r), Value::String(a)] => (r.as_str(), a.as_str()),
                    _ => return Err(shape(function, "takes [Resource, Attribute]")),
                },
                _ => return Err(shape(function, "takes [Resource, Attribute]")),
            };
            get_att(resource, attribute, scope).map(Some)
        }
        "Fn::Sub" => {
            let (text, variables) = match argument {
                Value::String(text) => (text.as_str(), Map::new()),
                Value::Array(parts) => match parts.as_slice() {
                    [Value::String(text), Value::Object(variables)] => {
                        let mut resolved = Map::new();
                        for (name, v) in variables {
                            resolved.insert(name.clone(), required(v)?);
                        }
                        (text.as_str(), resolved)
                    }
                    _ => return Err(shape(function, "takes a string or [String, {Variables}]")),
                },
                _ => return Err(shape(function, "takes a string or [String, {Variables}]")),
            };
            substitute(text, &variables, scope).map(|s| Some(Value::String(s)))
        }
        "Fn::Join" => match argument.as_array().map(Vec::as_slice) {
            Some([Value::String(delimiter), list]) => {
                let items = strings(&required(list)?, function)?;
                Ok(Some(Value::String(items.join(delimiter))))
            }
            _ => Err(shape(function, "takes [Delimiter, [Values]]")),
        },
        "Fn::Split" => match argument.as_array().map(Vec::as_slice) {
            Some([Value::String(delimiter), text]) => {
                let text = required(text)?;
                let text = text
                    .as_str()
                    .ok_or_else(|| shape(function, format!("cannot split {text}")))?;
                Ok(Some(Value::Array(
                    text.split(delimiter.as_str())
                        .map(|s| Value::String(s.to_owned()))
                        .collect(),
                )))
            }
            _ => Err(shape(function, "takes [Delimiter, String]")),
        },
        "Fn::Select" => match argument.as_array().map(Vec::as_slice) {
            Some([index, list]) => {
                let index = required(index)?;
                let index = scalar_text(&index)
                    .parse::<usize>()
                    .map_err(|_| shape(function, format!("index {index} is not a number")))?;
                let list = required(list)?;
                let items = list
                    .as_array()
                    .ok_or_else(|| shape(function, format!("{list} is not a list")))?;
                items.get(index).cloned().map(Some).ok_or_else(|| {
                    shape(
                        function,
                        format!(
                            "index {index} is out of bounds (the list has {})",
                            items.len()
                        ),
                    )
                })
            }
            _ => Err(shape(function, "takes [Index, [Values]]")),
        },
        "Fn::If" => {
            let (name, then, otherwise) = if_parts(argument)?;
            let taken = *scope
                .conditions
                .get(name)
                .ok_or_else(|| ResolveError::UnknownCondition(name.to_owned()))?;
            resolve(if taken { then } else { otherwise }, scope)
        }
        other => Err(ResolveError::Unsupported(other.to_owned())),
    }
}

fn strings(value: &Value, function: &str) -> Result<Vec<String>, ResolveError> {
    value
        .as_array()
        .ok_or_else(|| shape(function, format!("{value} is not a list")))?
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.clone()),
            Value::Number(_) | Value::Bool(_) => Ok(item.to_string()),
            other => Err(shape(function, format!("{other} is not a string"))),
        })
        .collect()
}

fn reference(name: &str, scope: &Scope<'_>) -> Result<Value, ResolveError> {
    if let Some(value) = scope.params.get(name) {
        return Ok(value.clone());
    }
    if let Some(resource) = scope.resources.get(name) {
        return Ok(Value::String(resource.physical_id.clone()));
    }
    Err(ResolveError::UnknownName(name.to_owned()))
}

fn get_att(resource: &str, attribute: &str, scope: &Scope<'_>) -> Result<Value, ResolveError> {
    let offered = scope
        .resources
        .get(resource)
        .ok_or_else(|| ResolveError::NotCreated(resource.to_owned()))?;
    if let Some(value) = offered.attributes.get(attribute) {
        return Ok(value.clone());
    }
    let available = offered
        .attributes
        .keys()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let (resource, attribute) = (resource.to_owned(), attribute.to_owned());
    Err(if offered.custom {
        ResolveError::VendorAttribute {
            resource,
            attribute,
            available,
        }
    } else {
        ResolveError::Attribute {
            resource,
            attribute,
            available,
        }
    })
}

fn substitute(
    text: &str,
    variables: &Map<String, Value>,
    scope: &Scope<'_>,
) -> Result<String, ResolveError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = after[..end].trim();
        if let Some(literal) = name.strip_prefix('!') {
            out.push_str("${");
            out.push_str(literal);
            out.push('}');
        } else {
            let value = match variables.get(name) {
                Some(value) => value.clone(),
                None => match name.split_once('.') {
                    Some((resource, attribute)) if !scope.params.contains_key(name) => {
                        get_att(resource, attribute, scope)?
                    }
                    _ => reference(name, scope)?,
                },
            };
            match value {
                Value::String(s) => out.push_str(&s),
                Value::Number(_) | Value::Bool(_) => out.push_str(&value.to_string()),
                other => {
                    return Err(shape(
                        "Fn::Sub",
                        format!("${{{name}}} is {other}, not a string"),
                    ));
                }
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params() -> Map<String, Value> {
        let mut params = json!({
            "Emails": [""], "Cidrs": ["10.0.0.0/8", "192.168.0.0/16"], "Plan": "PLUS", "Name": "wf",
        })
        .as_object()
        .unwrap()
        .clone();
        params.extend(crate::params::pseudo("st", "arn:stack"));
        params
    }

    #[test]
    fn conditions_of_the_template_shape() {
        let section = json!({
            "HasUsers": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "Emails"}]}, ""]}]},
            "HasCidrs": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "Cidrs"}]}, ""]}]},
            "Plus": {"Fn::And": [{"Fn::Equals": [{"Ref": "Plan"}, "PLUS"]}, {"Condition": "HasCidrs"}]},
            "Either": {"Fn::Or": [{"Condition": "HasUsers"}, {"Condition": "Plus"}]},
        });
        let done = conditions(section.as_object().unwrap(), &params()).unwrap();
        assert!(!done["HasUsers"]);
        assert!(done["HasCidrs"]);
        assert!(done["Plus"]);
        assert!(done["Either"]);
    }

    #[test]
    fn condition_errors_name_the_problem() {
        let cyclic = json!({"A": {"Fn::Not": [{"Condition": "B"}]}, "B": {"Condition": "A"}});
        let error = conditions(cyclic.as_object().unwrap(), &params()).unwrap_err();
        assert!(matches!(error, ResolveError::ConditionCycle(_)), "{error}");
        let missing = json!({"A": {"Condition": "Nope"}});
        let error = conditions(missing.as_object().unwrap(), &params()).unwrap_err();
        assert_eq!(error, ResolveError::UnknownCondition("Nope".into()));
        let unsupported = json!({"A": {"Fn::Contains": [["a"], "a"]}});
        let error = conditions(unsupported.as_object().unwrap(), &params()).unwrap_err();
        assert!(error.to_string().contains("Fn::Contains"), "{error}");
    }

    #[test]
    fn rule_functions_hold_in_rules_only() {
        let params = params();
        let mut none = |name: &str| Err(ResolveError::UnknownCondition(name.to_owned()));
        let rule = |expression: Value, none: &mut dyn FnMut(&str) -> Result<bool, ResolveError>| {
            evaluate_rule(&expression, &params, none)
        };
        // An empty list parameter is [""]: "no empty item" means "given".
        let given = |list: &str| json!({"Fn::Not": [{"Fn::Contains": [{"Ref": list}, ""]}]});
        assert!(!rule(given("Emails"), &mut none).unwrap());
        assert!(rule(given("Cidrs"), &mut none).unwrap());
        assert!(
            rule(
                json!({"Fn::EachMemberIn": [{"Ref": "Cidrs"}, ["10.0.0.0/8", "192.168.0.0/16", "x"]]}),
                &mut none
            )
            .unwrap()
        );
        assert!(
            !rule(
                json!({"Fn::EachMemberEquals": [{"Ref": "Cidrs"}, "10.0.0.0/8"]}),
                &mut none
            )
            .unwrap()
        );
        assert!(
            rule(
                json!({"Fn::And": [{"Fn::Equals": [{"Ref": "Plan"}, "PLUS"]}, {"Fn::Contains": [["a", "b"], "b"]}]}),
                &mut none
            )
            .unwrap()
        );
        let error = rule(json!({"Fn::Contains": ["a", "a"]}), &mut none).unwrap_err();
        assert!(error.to_string().contains("not a list"), "{error}");
        // Not in conditions, as in CloudFormation.
        let error = evaluate(&given("Cidrs"), &params, &mut none).unwrap_err();
        assert_eq!(error, ResolveError::Unsupported("Fn::Contains".into()));
    }

    fn resources() -> BTreeMap<String, Offered> {
        let mut map = BTreeMap::new();
        map.insert(
            "Pool".to_owned(),
            Offered {
                physical_id: "us-east-1_abc".into(),
                attributes: json!({"Arn": "arn:pool"}).as_object().unwrap().clone(),
                custom: false,
            },
        );
        map.insert(
            "Portal".to_owned(),
            Offered {
                physical_id: "x.labeling".into(),
                attributes: json!({"PortalUrl": "https://x", "Urls": "a,b"})
                    .as_object()
                    .unwrap()
                    .clone(),
                custom: true,
            },
        );
        map
    }

    #[test]
    fn resolves_the_functions_the_template_uses() {
        let params = params();
        let conditions = BTreeMap::from([("Yes".to_owned(), true), ("No".to_owned(), false)]);
        let resources = resources();
        let scope = Scope {
            params: &params,
            conditions: &conditions,
            resources: &resources,
        };
        let fragment = json!({
            "Id": {"Ref": "Pool"},
            "Arn": {"Fn::GetAtt": ["Pool", "Arn"]},
            "Sub": {"Fn::Sub": "${AWS::StackName}/${Name}/${Portal.PortalUrl}/${!Literal}"},
            "SubVars": {"Fn::Sub": ["${X}-${AWS::Region}", {"X": {"Ref": "Name"}}]},
            "Split": {"Fn::Split": [",", {"Fn::GetAtt": ["Portal", "Urls"]}]},
            "Select": {"Fn::Select": ["1", {"Ref": "Cidrs"}]},
            "Gone": {"Fn::If": ["No", "x", {"Ref": "AWS::NoValue"}]},
            "Kept": {"Fn::If": ["Yes", {"Fn::Join": ["-", ["a", {"Ref": "Name"}]]}, "x"]},
            "List": ["a", {"Ref": "AWS::NoValue"}, "b"],
        });
        let resolved = resolve(&fragment, &scope).unwrap().unwrap();
        assert_eq!(
            resolved,
            json!({
                "Id": "us-east-1_abc",
                "Arn": "arn:pool",
                "Sub": "st/wf/https://x/${Literal}",
                "SubVars": "wf-us-east-1",
                "Split": ["a", "b"],
                "Select": "192.168.0.0/16",
                "Kept": "a-wf",
                "List": ["a", "b"],
            })
        );
    }

    #[test]
    fn missing_data_keys_and_unknown_functions_are_named() {
        let params = params();
        let conditions = BTreeMap::new();
        let resources = resources();
        let scope = Scope {
            params: &params,
            conditions: &conditions,
            resources: &resources,
        };
        let error = resolve(&json!({"Fn::GetAtt": ["Portal", "PortalUri"]}), &scope).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("Vendor response doesn't contain PortalUri"),
            "{text}"
        );
        assert!(text.contains("PortalUrl, Urls"), "{text}");
        let error = resolve(&json!({"Fn::Sub": "${Pool.Nope}"}), &scope).unwrap_err();
        assert!(error.to_string().contains("no attribute Nope"), "{error}");
        let error = resolve(&json!({"Fn::FindInMap": ["M", "a", "b"]}), &scope).unwrap_err();
        assert_eq!(error, ResolveError::Unsupported("Fn::FindInMap".into()));
        let error = resolve(&json!({"Ref": "Missing"}), &scope).unwrap_err();
        assert!(error.to_string().contains("Missing"));
    }

    #[test]
    fn prune_drops_the_branch_not_taken() {
        let conditions = BTreeMap::from([("Create".to_owned(), false)]);
        let value = json!({"Arn": {"Fn::If": ["Create", {"Fn::GetAtt": ["Acl", "Arn"]}, {"Ref": "AclArn"}]}});
        assert_eq!(
            prune(&value, &conditions).unwrap(),
            json!({"Arn": {"Ref": "AclArn"}})
        );
    }
}
