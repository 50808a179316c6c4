//! From template.yaml and the parameter values to the stack to build: the
//! transforms applied (Fn::ForEach expanded, SAM functions taken as they
//! are), rules checked, conditions evaluated, resources filtered by their
//! Condition, their dependencies found and ordered. Pure: no I/O.

use crate::graph::{self, Graph, GraphError};
use crate::providers::{self, Support};
use crate::resolve::{self, ResolveError};
use cfn_template::{Reference, Template};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Why the template cannot be deployed.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("Transform {0} is not supported by local-stack")]
    Transform(String),
    #[error(transparent)]
    Params(#[from] crate::params::ParamError),
    #[error("Fn::ForEach: {0}")]
    ForEach(#[from] cfn_template::ForEachError),
    #[error("rule {rule}: {description}")]
    Rule { rule: String, description: String },
    #[error("{at}: {error}")]
    Resolve { at: String, error: ResolveError },
    #[error("resource {logical_id} has Type {resource_type}, which local-stack does not support")]
    UnsupportedType {
        logical_id: String,
        resource_type: String,
    },
    #[error("resource {logical_id}: the attribute {key} is not supported by local-stack")]
    UnsupportedKey { logical_id: String, key: String },
    #[error("{at}: {problem}")]
    Invalid { at: String, problem: String },
    #[error(transparent)]
    Graph(#[from] GraphError),
}

fn at(place: impl Into<String>) -> impl FnOnce(ResolveError) -> PlanError {
    let at = place.into();
    move |error| PlanError::Resolve { at, error }
}

/// One resource to build.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub resource_type: String,
    /// Properties with `Fn::If` already decided; other functions unresolved.
    pub properties: Value,
    pub metadata: Value,
    pub depends_on: BTreeSet<String>,
    /// `Retain` keeps the resource on delete.
    pub retain: bool,
}

/// The stack to build.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Parameters and pseudo parameters.
    pub params: Map<String, Value>,
    pub conditions: BTreeMap<String, bool>,
    pub resources: BTreeMap<String, Planned>,
    pub order: Vec<String>,
    /// Outputs whose Condition holds, `Fn::If` decided.
    pub outputs: Map<String, Value>,
    /// Every `Fn::GetAtt` attribute referred to, per resource (checked when
    /// a custom resource answers, as CloudFormation does).
    pub attributes_used: BTreeMap<String, BTreeSet<String>>,
}

const RESOURCE_KEYS: &[&str] = &[
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "Metadata",
    "DeletionPolicy",
    "UpdateReplacePolicy",
];
const TRANSFORMS: &[&str] = &["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"];

/// Plans `template` with the parameter values `params` (already resolved,
/// pseudo parameters included).
pub fn plan(template: &Template, params: Map<String, Value>) -> Result<Plan, PlanError> {
    if let Some(other) = template
        .transforms()
        .into_iter()
        .find(|t| !TRANSFORMS.contains(t))
    {
        return Err(PlanError::Transform(other.to_owned()));
    }
    check_rules(template, &params)?;
    let expanded = template.expand_for_each(&mut |collection| {
        let name = collection.get("Ref")?.as_str()?;
        let items = params.get(name)?.as_array()?;
        items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect()
    })?;
    let conditions =
        resolve::conditions(expanded.section("Conditions"), &params).map_err(at("Conditions"))?;
    let globals = expanded
        .section("Globals")
        .get("Function")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));

    let mut resources = BTreeMap::new();
    for (logical_id, definition) in expanded.section("Resources") {
        let Some(object) = definition.as_object() else {
            return Err(PlanError::Invalid {
                at: format!("resource {logical_id}"),
                problem: "must be a mapping".into(),
            });
        };
        if let Some(key) = object.keys().find(|k| !RESOURCE_KEYS.contains(&k.as_str())) {
            return Err(PlanError::UnsupportedKey {
                logical_id: logical_id.clone(),
                key: key.clone(),
            });
        }
        if let Some(condition) = object.get("Condition") {
            let name = condition.as_str().unwrap_or_default();
            let holds = conditions
                .get(name)
                .copied()
                .ok_or_else(|| ResolveError::UnknownCondition(name.to_owned()))
                .map_err(at(format!("resource {logical_id}")))?;
            if !holds {
                continue;
            }
        }
        let resource_type =
            object
                .get("Type")
                .and_then(Value::as_str)
                .ok_or_else(|| PlanError::Invalid {
                    at: format!("resource {logical_id}"),
                    problem: "has no Type".into(),
                })?;
        if providers::support(resource_type) == Support::Unsupported {
            return Err(PlanError::UnsupportedType {
                logical_id: logical_id.clone(),
                resource_type: resource_type.to_owned(),
            });
        }
        let mut properties = object
            .get("Properties")
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        if resource_type == "AWS::Serverless::Function" {
            properties = merge(&globals, &properties);
        }
        let properties = resolve::prune(&properties, &conditions)
            .map_err(at(format!("resource {logical_id}")))?;
        let depends_on = match object.get("DependsOn") {
            Some(Value::String(one)) => BTreeSet::from([one.clone()]),
            Some(Value::Array(many)) => many
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => BTreeSet::new(),
        };
        resources.insert(
            logical_id.clone(),
            Planned {
                resource_type: resource_type.to_owned(),
                properties,
                metadata: object.get("Metadata").cloned().unwrap_or(Value::Null),
                depends_on,
                retain: object.get("DeletionPolicy").and_then(Value::as_str) == Some("Retain"),
            },
        );
    }

    let mut outputs = Map::new();
    for (name, output) in expanded.section("Outputs") {
        if let Some(condition) = output.get("Condition").and_then(Value::as_str)
            && !conditions.get(condition).copied().unwrap_or(false)
        {
            continue;
        }
        let pruned = resolve::prune(output, &conditions).map_err(at(format!("output {name}")))?;
        outputs.insert(name.clone(), pruned);
    }

    let mut graph = Graph::new();
    let mut attributes_used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut check = |from: &str,
                     fragment: &Value,
                     deps: Option<&mut BTreeSet<String>>|
     -> Result<(), PlanError> {
        let mut found = BTreeSet::new();
        for reference in cfn_template::references(fragment) {
            let (name, attribute) = match reference {
                Reference::Ref(name) => (name, None),
                Reference::GetAtt {
                    resource,
                    attribute,
                } => (resource, Some(attribute)),
            };
            if attribute.is_none() && (params.contains_key(&name) || name == "AWS::NoValue") {
                continue;
            }
            if !resources.contains_key(&name) {
                let problem = if expanded.section("Resources").contains_key(&name) {
                    format!("refers to {name}, whose Condition is false, so it is not created")
                } else {
                    format!(
                        "refers to {name}: no parameter, pseudo parameter or resource has that name"
                    )
                };
                return Err(PlanError::Invalid {
                    at: from.to_owned(),
                    problem,
                });
            }
            if let Some(attribute) = attribute {
                attributes_used
                    .entry(name.clone())
                    .or_default()
                    .insert(attribute);
            }
            found.insert(name);
        }
        if let Some(deps) = deps {
            deps.extend(found);
        }
        Ok(())
    };
    for (logical_id, planned) in &resources {
        let mut deps = planned.depends_on.clone();
        check(
            &format!("resource {logical_id}"),
            &planned.properties,
            Some(&mut deps),
        )?;
        graph.insert(logical_id.clone(), deps);
    }
    for (name, output) in &outputs {
        check(&format!("output {name}"), output, None)?;
    }
    let order = graph::creation_order(&graph)?;
    Ok(Plan {
        params,
        conditions,
        resources,
        order,
        outputs,
        attributes_used,
    })
}

impl Plan {
    /// What each resource depends on (references and DependsOn).
    pub fn dependencies(&self, logical_id: &str) -> BTreeSet<String> {
        let Some(planned) = self.resources.get(logical_id) else {
            return BTreeSet::new();
        };
        let mut deps = planned.depends_on.clone();
        for reference in cfn_template::references(&planned.properties) {
            let name = match reference {
                Reference::Ref(name) => name,
                Reference::GetAtt { resource, .. } => resource,
            };
            if self.resources.contains_key(&name) {
                deps.insert(name);
            }
        }
        deps
    }
}

/// Rules: every assertion must hold (others are refused by name).
fn check_rules(template: &Template, params: &Map<String, Value>) -> Result<(), PlanError> {
    for (rule, body) in template.section("Rules") {
        let mut no_conditions = |name: &str| Err(ResolveError::UnknownCondition(name.to_owned()));
        if let Some(condition) = body.get("RuleCondition") {
            let applies = resolve::evaluate(condition, params, &mut no_conditions)
                .map_err(at(format!("rule {rule}")))?;
            if !applies {
                continue;
            }
        }
        for assertion in body["Assertions"].as_array().into_iter().flatten() {
            let holds = resolve::evaluate(&assertion["Assert"], params, &mut no_conditions)
                .map_err(at(format!("rule {rule}")))?;
            if !holds {
                return Err(PlanError::Rule {
                    rule: rule.clone(),
                    description: assertion["AssertDescription"]
                        .as_str()
                        .unwrap_or("an assertion does not hold")
                        .to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// SAM Globals: the function's own settings win; mappings merge.
fn merge(globals: &Value, own: &Value) -> Value {
    match (globals, own) {
        (Value::Object(g), Value::Object(o)) => {
            let mut out = g.clone();
            for (key, value) in o {
                let merged = match g.get(key) {
                    Some(base) => merge(base, value),
                    None => value.clone(),
                };
                out.insert(key.clone(), merged);
            }
            Value::Object(out)
        }
        (_, own) => own.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params;
    use std::collections::BTreeMap as Overrides;

    const TEMPLATE: &str = r#"
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Emails: {Type: CommaDelimitedList, Default: ""}
  AclArn: {Type: String, Default: ""}
Rules:
  NoBob:
    Assertions:
      - Assert: !Not [!Equals [!Join ["", !Ref Emails], "bob@x.io"]]
        AssertDescription: Bob may not join.
Conditions:
  HasUsers: !Not [!Equals [!Join ["", !Ref Emails], ""]]
  CreateAcl: !Equals [!Ref AclArn, ""]
Globals:
  Function: {Timeout: 60, LoggingConfig: {LogFormat: JSON}}
Resources:
  Pool: {Type: AWS::Cognito::UserPool, Properties: {UserPoolName: !Sub "${AWS::StackName}-p"}}
  Acl: {Type: AWS::WAFv2::WebACL, Condition: CreateAcl, Properties: {Scope: REGIONAL}}
  Assoc:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !GetAtt Pool.Arn
      WebACLArn: !If [CreateAcl, !GetAtt Acl.Arn, !Ref AclArn]
  Fn:
    Type: AWS::Serverless::Function
    Metadata: {BuildProperties: {Binary: f}}
    Properties: {LoggingConfig: {LogGroup: g}}
  Custom:
    Type: Custom::Thing
    DependsOn: Assoc
    Properties: {ServiceToken: !GetAtt Fn.Arn, PoolId: !Ref Pool}
  Fn::ForEach::Users:
    - Email
    - !Ref Emails
    - User&{Email}:
        Type: AWS::Cognito::UserPoolUser
        Condition: HasUsers
        DependsOn: Custom
        Properties: {UserPoolId: !Ref Pool, Username: !Ref Email}
Outputs:
  Url: {Value: !GetAtt Custom.Url}
"#;

    fn plan_with(overrides: &[&str]) -> Result<Plan, PlanError> {
        let template = Template::from_yaml(TEMPLATE).unwrap();
        let overrides: Overrides<String, String> =
            params::parse_overrides(overrides.iter().copied()).unwrap();
        let mut values = params::resolve(template.section("Parameters"), &overrides).unwrap();
        values.extend(params::pseudo("st", "arn:st"));
        plan(&template, values)
    }

    #[test]
    fn plans_conditions_loops_globals_and_order() {
        let plan = plan_with(&[]).unwrap();
        assert_eq!(plan.order, ["Acl", "Fn", "Pool", "Assoc", "Custom"]);
        assert_eq!(plan.resources["Fn"].properties["Timeout"], 60);
        assert_eq!(
            plan.resources["Fn"].properties["LoggingConfig"]["LogGroup"],
            "g"
        );
        assert_eq!(
            plan.resources["Fn"].properties["LoggingConfig"]["LogFormat"],
            "JSON"
        );
        assert!(plan.attributes_used["Custom"].contains("Url"));

        let plan = plan_with(&["Emails=a@x.io,b@y.io", "AclArn=arn:aws:wafv2:acl"]).unwrap();
        assert!(!plan.resources.contains_key("Acl"));
        assert_eq!(
            plan.resources["Assoc"].properties["WebACLArn"],
            serde_json::json!({"Ref": "AclArn"})
        );
        assert_eq!(
            plan.dependencies("Assoc"),
            BTreeSet::from(["Pool".to_owned()])
        );
        assert_eq!(
            &plan.order[plan.order.len() - 2..],
            ["Useraxio", "Userbyio"]
        );
    }

    #[test]
    fn refuses_what_it_cannot_do_by_name() {
        let error = plan_with(&["Emails=bob@x.io"]).unwrap_err().to_string();
        assert!(error.contains("rule NoBob: Bob may not join."), "{error}");

        let template = Template::from_yaml("Resources:\n  Q: {Type: AWS::SQS::Queue}\n").unwrap();
        let error = plan(&template, params::pseudo("s", "i"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("AWS::SQS::Queue"), "{error}");

        let template = Template::from_yaml("Transform: AWS::Include\nResources: {}\n").unwrap();
        let error = plan(&template, params::pseudo("s", "i"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("AWS::Include"), "{error}");

        let template = Template::from_yaml(
            "Resources:\n  A: {Type: Custom::A, Properties: {B: !GetAtt B.X}}\n  B: {Type: Custom::B, Properties: {A: !Ref A}}\n",
        )
        .unwrap();
        let error = plan(&template, params::pseudo("s", "i"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("A -> B -> A"), "{error}");

        let template = Template::from_yaml(
            "Resources:\n  A: {Type: Custom::A, Properties: {B: !Ref Ghost}}\n",
        )
        .unwrap();
        let error = plan(&template, params::pseudo("s", "i"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("Ghost"), "{error}");
    }
}
