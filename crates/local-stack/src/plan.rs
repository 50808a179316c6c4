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
    /// Two users Cognito would refuse to have side by side.
    #[error("{0}")]
    Usernames(String),
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
    /// `DeletionPolicy: Retain` keeps the resource on delete.
    pub retain: bool,
    /// `UpdateReplacePolicy: Retain` keeps the old resource of a replacement.
    pub retain_on_replace: bool,
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
                retain: policy(logical_id, object, "DeletionPolicy")?,
                retain_on_replace: policy(logical_id, object, "UpdateReplacePolicy")?,
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
        // CloudFormation refuses the template: "Unresolved resource
        // dependencies [X] in the Resources block of the template".
        if let Some(missing) = planned
            .depends_on
            .iter()
            .find(|d| !resources.contains_key(*d))
        {
            let problem = if expanded.section("Resources").contains_key(missing) {
                format!(
                    "DependsOn {missing}, whose Condition is false, so it is not created (Unresolved resource dependencies [{missing}])"
                )
            } else {
                format!("DependsOn {missing}, which is not a resource of the template")
            };
            return Err(PlanError::Invalid {
                at: format!("resource {logical_id}"),
                problem,
            });
        }
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

/// Whether a DeletionPolicy / UpdateReplacePolicy says Retain; the
/// policies local-stack cannot honour are refused by name.
fn policy(logical_id: &str, object: &Map<String, Value>, key: &str) -> Result<bool, PlanError> {
    match object.get(key) {
        None => Ok(false),
        Some(Value::String(p)) if p == "Retain" => Ok(true),
        Some(Value::String(p)) if p == "Delete" => Ok(false),
        Some(other) => Err(PlanError::Invalid {
            at: format!("resource {logical_id}"),
            problem: format!("{key} {other} is not supported by local-stack (Retain or Delete)"),
        }),
    }
}

/// A Cognito user as a template (or a deployed stack) declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolUser {
    pub logical_id: String,
    /// The logical id of the user pool it is in.
    pub pool: String,
    pub username: String,
}

impl Plan {
    /// The `AWS::Cognito::UserPoolUser`s whose pool is a `Ref` to a pool of
    /// this template and whose Username is known before anything is built.
    pub fn pool_users(&self) -> Vec<PoolUser> {
        let scope = resolve::Scope {
            params: &self.params,
            conditions: &self.conditions,
            resources: &BTreeMap::new(),
        };
        self.resources
            .iter()
            .filter(|(_, p)| p.resource_type == "AWS::Cognito::UserPoolUser")
            .filter_map(|(id, p)| {
                let pool = p.properties["UserPoolId"]["Ref"].as_str()?;
                let username = resolve::resolve(&p.properties["Username"], &scope).ok()??;
                Some(PoolUser {
                    logical_id: id.clone(),
                    pool: pool.to_owned(),
                    username: username.as_str()?.to_owned(),
                })
            })
            .collect()
    }

    /// Whether the pool `logical_id` compares usernames ignoring case
    /// (`UsernameConfiguration: {CaseSensitive: false}`).
    fn case_insensitive(&self, logical_id: &str) -> bool {
        self.resources.get(logical_id).is_some_and(|p| {
            let flag = &p.properties["UsernameConfiguration"]["CaseSensitive"];
            flag == &Value::Bool(false) || flag == "false"
        })
    }
}

/// Refuses, before anything is created or changed, users Cognito would
/// refuse: two of the template's users with one username, and a user the
/// update creates while a deployed user of that username still exists
/// (CloudFormation deletes the old one only in the cleanup phase, after
/// every create). In a pool with `CaseSensitive: false` usernames that
/// differ only in case are one username (AdminCreateUser answers
/// UsernameExistsException). `deployed`: the stack's users now.
pub fn check_usernames(plan: &Plan, deployed: &[PoolUser]) -> Result<(), PlanError> {
    let same = |pool: &str, a: &str, b: &str| {
        if plan.case_insensitive(pool) {
            a.to_lowercase() == b.to_lowercase()
        } else {
            a == b
        }
    };
    let rule = |pool: &str| {
        if plan.case_insensitive(pool) {
            format!(
                "usernames in {pool} are not case-sensitive (UsernameConfiguration CaseSensitive false), so Cognito refuses the second one (UsernameExistsException)"
            )
        } else {
            "Cognito refuses the second one (UsernameExistsException)".to_owned()
        }
    };
    let planned = plan.pool_users();
    for (i, a) in planned.iter().enumerate() {
        if let Some(b) = planned[i + 1..]
            .iter()
            .find(|b| b.pool == a.pool && same(&a.pool, &a.username, &b.username))
        {
            return Err(PlanError::Usernames(format!(
                "{} and {} would both create a user in {}: {:?} and {:?}. {}; list each address once, in one spelling",
                a.logical_id,
                b.logical_id,
                a.pool,
                a.username,
                b.username,
                rule(&a.pool)
            )));
        }
    }
    for new in &planned {
        let unchanged = deployed.iter().any(|d| {
            d.logical_id == new.logical_id && d.pool == new.pool && d.username == new.username
        });
        if unchanged {
            continue;
        }
        if let Some(old) = deployed
            .iter()
            .find(|d| d.pool == new.pool && same(&new.pool, &d.username, &new.username))
        {
            return Err(PlanError::Usernames(format!(
                "{} would create the user {:?} in {} while the user {:?} ({}) still exists: CloudFormation deletes a removed or replaced user only after every create, and {}. Nothing was changed. To change how an address is spelled, remove it in one update and add it in the next",
                new.logical_id,
                new.username,
                new.pool,
                old.username,
                old.logical_id,
                rule(&new.pool)
            )));
        }
    }
    Ok(())
}

/// Rules: every assertion must hold (others are refused by name).
fn check_rules(template: &Template, params: &Map<String, Value>) -> Result<(), PlanError> {
    for (rule, body) in template.section("Rules") {
        let mut no_conditions = |name: &str| Err(ResolveError::UnknownCondition(name.to_owned()));
        if let Some(condition) = body.get("RuleCondition") {
            let applies = resolve::evaluate_rule(condition, params, &mut no_conditions)
                .map_err(at(format!("rule {rule}")))?;
            if !applies {
                continue;
            }
        }
        for assertion in body["Assertions"].as_array().into_iter().flatten() {
            let holds = resolve::evaluate_rule(&assertion["Assert"], params, &mut no_conditions)
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

    const USERS: &str = r#"
Transform: AWS::LanguageExtensions
Parameters:
  Emails: {Type: CommaDelimitedList, Default: ""}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    UpdateReplacePolicy: Retain
    DeletionPolicy: Delete
    Properties: {UsernameConfiguration: {CaseSensitive: false}}
  Other: {Type: AWS::Cognito::UserPool, Properties: {}}
  Fixed: {Type: AWS::Cognito::UserPoolUser, Properties: {UserPoolId: !Ref Other, Username: Dan@x.io}}
  Fn::ForEach::Users:
    - Email
    - !Ref Emails
    - User&{Email}:
        Type: AWS::Cognito::UserPoolUser
        Properties: {UserPoolId: !Ref Pool, Username: !Ref Email}
"#;

    fn users_plan(emails: &str) -> Result<Plan, PlanError> {
        let template = Template::from_yaml(USERS).unwrap();
        let overrides = Overrides::from([("Emails".to_owned(), emails.to_owned())]);
        let mut values = params::resolve(template.section("Parameters"), &overrides).unwrap();
        values.extend(params::pseudo("st", "arn:st"));
        plan(&template, values)
    }

    fn user(id: &str, pool: &str, name: &str) -> PoolUser {
        PoolUser {
            logical_id: id.into(),
            pool: pool.into(),
            username: name.into(),
        }
    }

    #[test]
    fn policies_are_read() {
        let planned = users_plan("a@x.io").unwrap();
        assert!(planned.resources["Pool"].retain_on_replace);
        assert!(!planned.resources["Pool"].retain);
        assert!(!planned.resources["Other"].retain_on_replace);
        let template = Template::from_yaml(
            "Resources:\n  A: {Type: AWS::Cognito::UserPool, DeletionPolicy: Snapshot}\n",
        )
        .unwrap();
        let error = plan(&template, params::pseudo("s", "i"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("DeletionPolicy \"Snapshot\""), "{error}");
    }

    #[test]
    fn colliding_addresses_are_refused_naming_both_and_the_rule() {
        let error = users_plan("a.b@x.io,ab@x.io").unwrap_err().to_string();
        assert!(error.contains("\"a.b@x.io\" and \"ab@x.io\""), "{error}");
        assert!(error.contains("only the letters and digits"), "{error}");

        let plan = users_plan("Carol@x.io,bob@x.io,carol@x.io").unwrap();
        let error = check_usernames(&plan, &[]).unwrap_err().to_string();
        assert!(
            error.contains("\"Carol@x.io\" and \"carol@x.io\""),
            "{error}"
        );
        assert!(error.contains("not case-sensitive"), "{error}");
        assert!(error.contains("UsernameExistsException"), "{error}");

        // Distinct addresses pass, in a fresh stack and next to themselves.
        let plan = users_plan("Carol@x.io,bob@x.io").unwrap();
        check_usernames(&plan, &[]).unwrap();
        let deployed = [
            user("UserCarolxio", "Pool", "Carol@x.io"),
            user("Fixed", "Other", "Dan@x.io"),
        ];
        check_usernames(&plan, &deployed).unwrap();
    }

    #[test]
    fn an_address_respelled_in_one_update_is_refused() {
        let deployed = [user("UserCarolxio", "Pool", "Carol@x.io")];
        let plan = users_plan("carol@x.io").unwrap();
        let error = check_usernames(&plan, &deployed).unwrap_err().to_string();
        assert!(
            error.contains("Usercarolxio would create the user \"carol@x.io\""),
            "{error}"
        );
        assert!(
            error.contains("\"Carol@x.io\" (UserCarolxio) still exists"),
            "{error}"
        );
        assert!(
            error.contains("remove it in one update and add it in the next"),
            "{error}"
        );
        // Removing it is fine; so is another pool's user of that name.
        let plan = users_plan("bob@x.io").unwrap();
        check_usernames(&plan, &deployed).unwrap();
        let elsewhere = [user("X", "Other", "carol@x.io")];
        let plan = users_plan("carol@x.io").unwrap();
        check_usernames(&plan, &elsewhere).unwrap();
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
            "Conditions:\n  Never: !Equals [a, b]\nResources:\n  A: {Type: Custom::A, DependsOn: B}\n  B: {Type: Custom::B, Condition: Never}\n",
        )
        .unwrap();
        let error = plan(&template, params::pseudo("s", "i"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("resource A: DependsOn B, whose Condition is false"),
            "{error}"
        );

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
