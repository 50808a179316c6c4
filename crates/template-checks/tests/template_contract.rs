//! template.yaml against the functions' contracts: every custom resource
//! passes exactly the properties its function accepts (all required ones
//! present), is served by the function built from the right binary with a
//! ServiceTimeout that outlasts it, and every Fn::GetAtt on it (also
//! `${X.Y}` inside Fn::Sub) reads a Data key the function returns.
//!
//! The contracts are the `CONTRACT` consts of the seven custom-resource
//! function crates, so the template and the code cannot drift apart.
//!
//! The template builds one of two stacks (`IdentityProvider`: Cognito or
//! OIDC), so each check runs on each variant as CloudFormation would see
//! it: resources whose Condition is false left out, every `Fn::If` decided
//! and `AWS::NoValue` dropped. A property given under `Fn::If` for one kind
//! counts for that kind only.

use cfn_template::{Reference, Template, references};
use custom_resource::ResourceContract;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Binary (= crate) name and contract of each function.
const FUNCTIONS: [(&str, ResourceContract); 7] = [
    ("app-client", app_client::CONTRACT),
    ("domain-prefix", domain_prefix::CONTRACT),
    ("create-workforce", create_workforce::CONTRACT),
    ("fetch-portal-domain", fetch_portal_domain::CONTRACT),
    ("update-invite-email", update_invite_email::CONTRACT),
    (
        "filter-placeholder-callback",
        filter_placeholder_callback::CONTRACT,
    ),
    ("update-client", update_client::CONTRACT),
];

/// Properties CloudFormation itself reads on every custom resource.
const PROTOCOL_PROPERTIES: [&str; 2] = ["ServiceToken", "ServiceTimeout"];

/// CloudFormation's bounds for ServiceTimeout (seconds).
const SERVICE_TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 1..=3600;

fn project_template() -> Template {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml");
    Template::from_path(path).unwrap()
}

// ------------------------------------------------------------ variants

/// Settings of an OIDC stack that the rule OidcSettingsWithOidc requires
/// (samples: the conditions only test that they are given).
const OIDC_SAMPLE: &[(&str, &str)] = &[
    ("IdentityProvider", "OIDC"),
    ("OidcClientId", "portal-client"),
    (
        "OidcClientSecretArn",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:oidc-AbCdEf",
    ),
    ("OidcIssuer", "https://idp.example.com"),
    (
        "OidcAuthorizationEndpoint",
        "https://idp.example.com/authorize",
    ),
    ("OidcTokenEndpoint", "https://idp.example.com/token"),
    ("OidcUserInfoEndpoint", "https://idp.example.com/userinfo"),
    ("OidcLogoutEndpoint", "https://idp.example.com/logout"),
    ("OidcJwksUri", "https://idp.example.com/jwks"),
    ("OidcGroups", "labelers"),
];

/// Invited users, so that the loop over them yields resources.
const SAMPLE_EMAILS: &str = "ana@example.com,bo@example.com";

/// One stack the template can build: its parameter values, its
/// conditions, and its resources and outputs as CloudFormation sees them.
struct Variant {
    /// `IdentityProvider=<kind>`, or empty for a template without kinds.
    label: String,
    params: Map<String, Value>,
    /// Logical id -> the resource without its Condition, `Fn::If` decided.
    resources: BTreeMap<String, Value>,
    /// Name -> the output, for those whose Condition holds.
    outputs: BTreeMap<String, Value>,
}

/// The parameter values: the override, else the Default; a
/// CommaDelimitedList is a list (`[""]` when empty, as CloudFormation has it).
fn parameter_values(template: &Template, overrides: &[(&str, &str)]) -> Map<String, Value> {
    template
        .section("Parameters")
        .iter()
        .map(|(name, declaration)| {
            let given = overrides.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
            let text = match (given, &declaration["Default"]) {
                (Some(value), _) => value.to_owned(),
                (None, Value::String(text)) => text.clone(),
                (None, Value::Null) => String::new(),
                (None, other) => other.to_string(),
            };
            let value = if declaration["Type"] == "CommaDelimitedList" {
                Value::Array(text.split(',').map(|s| Value::from(s.trim())).collect())
            } else {
                Value::String(text)
            };
            (name.clone(), value)
        })
        .collect()
}

/// A value inside a condition: a literal, a parameter, or `Fn::Join`.
fn condition_operand(value: &Value, params: &Map<String, Value>) -> Value {
    if let Some(Value::String(name)) = value.get("Ref") {
        return params.get(name).cloned().unwrap_or(Value::Null);
    }
    if let Some(Value::Array(parts)) = value.get("Fn::Join")
        && let [Value::String(delimiter), list] = parts.as_slice()
    {
        let items = match condition_operand(list, params) {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
        return Value::String(texts.join(delimiter));
    }
    value.clone()
}

/// Evaluates the condition `name` (Fn::Equals, And, Or, Not, Condition).
fn condition_named(
    name: &str,
    template: &Template,
    params: &Map<String, Value>,
    done: &mut BTreeMap<String, bool>,
) -> bool {
    if let Some(value) = done.get(name) {
        return *value;
    }
    let definition = template.section("Conditions").get(name).cloned();
    let value = definition.is_some_and(|d| condition_holds(&d, template, params, done));
    done.insert(name.to_owned(), value);
    value
}

fn condition_holds(
    expression: &Value,
    template: &Template,
    params: &Map<String, Value>,
    done: &mut BTreeMap<String, bool>,
) -> bool {
    let operands = |key: &str| expression.get(key).and_then(Value::as_array).cloned();
    if let Some(Value::String(name)) = expression.get("Condition") {
        return condition_named(name, template, params, done);
    }
    if let Some(items) = operands("Fn::Equals") {
        let texts: Vec<Value> = items.iter().map(|i| condition_operand(i, params)).collect();
        return texts.len() == 2 && texts[0] == texts[1];
    }
    if let Some(items) = operands("Fn::And") {
        return items
            .iter()
            .all(|i| condition_holds(i, template, params, done));
    }
    if let Some(items) = operands("Fn::Or") {
        return items
            .iter()
            .any(|i| condition_holds(i, template, params, done));
    }
    if let Some(items) = operands("Fn::Not") {
        return !items
            .first()
            .is_some_and(|i| condition_holds(i, template, params, done));
    }
    false
}

/// `value` with each `Fn::If` replaced by the branch its condition picks and
/// `AWS::NoValue` left out (`None`: the whole value is left out).
fn decided(value: &Value, conditions: &BTreeMap<String, bool>) -> Option<Value> {
    match value {
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .filter_map(|i| decided(i, conditions))
                .collect(),
        )),
        Value::Object(object) => {
            if object.len() == 1 && object.get("Ref") == Some(&Value::from("AWS::NoValue")) {
                return None;
            }
            if let (1, Some(Value::Array(parts))) = (object.len(), object.get("Fn::If"))
                && let [Value::String(name), then, otherwise] = parts.as_slice()
            {
                let taken = conditions.get(name).copied().unwrap_or(false);
                return decided(if taken { then } else { otherwise }, conditions);
            }
            Some(Value::Object(
                object
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), decided(v, conditions)?)))
                    .collect(),
            ))
        }
        other => Some(other.clone()),
    }
}

/// The variant built with `overrides`.
fn variant(template: &Template, label: &str, overrides: &[(&str, &str)]) -> Variant {
    let mut overrides = overrides.to_vec();
    if !overrides.iter().any(|(k, _)| *k == "InvitedUserEmails") {
        overrides.push(("InvitedUserEmails", SAMPLE_EMAILS));
    }
    let params = parameter_values(template, &overrides);
    let mut conditions = BTreeMap::new();
    for name in template.section("Conditions").keys() {
        condition_named(name, template, &params, &mut conditions);
    }
    let expanded = template
        .expand_for_each(&mut |collection| {
            let name = collection.get("Ref")?.as_str()?;
            let items = params.get(name)?.as_array()?;
            items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_else(|_| template.clone());
    let holds = |entry: &Value| {
        entry
            .get("Condition")
            .and_then(Value::as_str)
            .is_none_or(|name| conditions.get(name).copied().unwrap_or(false))
    };
    let keep = |section: &str| -> BTreeMap<String, Value> {
        expanded
            .section(section)
            .iter()
            .filter(|(_, entry)| holds(entry))
            .filter_map(|(id, entry)| Some((id.clone(), decided(entry, &conditions)?)))
            .collect()
    };
    let (resources, outputs) = (keep("Resources"), keep("Outputs"));
    Variant {
        label: label.to_owned(),
        params,
        resources,
        outputs,
    }
}

/// The stacks the template builds: one per IdentityProvider (OIDC with
/// the settings its rule requires), or one with the defaults.
fn variants(template: &Template) -> Vec<Variant> {
    let kinds = template.section("Parameters").get("IdentityProvider");
    match kinds.and_then(|k| k["AllowedValues"].as_array()) {
        None => vec![variant(template, "", &[])],
        Some(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .map(|kind| {
                let label = format!("IdentityProvider={kind}");
                if kind == "OIDC" {
                    variant(template, &label, OIDC_SAMPLE)
                } else {
                    variant(template, &label, &[("IdentityProvider", kind)])
                }
            })
            .collect(),
    }
}

/// Problems found in each variant: those of every variant as they are,
/// the others prefixed with the variant's label.
fn merged(per_variant: Vec<(String, Vec<String>)>) -> Vec<String> {
    let everywhere = |problem: &String| per_variant.iter().all(|(_, ps)| ps.contains(problem));
    let mut out: Vec<String> = Vec::new();
    for (label, problems) in &per_variant {
        for problem in problems {
            let line = if everywhere(problem) || label.is_empty() {
                problem.clone()
            } else {
                format!("[{label}] {problem}")
            };
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

// ------------------------------------------------------------ contracts

/// Everything wrong with the template's custom resources, one line each
/// (in one variant only: prefixed with it).
fn contract_problems(template: &Template, functions: &[(&str, ResourceContract)]) -> Vec<String> {
    let contract_of = |resource_type: &str| {
        functions
            .iter()
            .find(|(_, contract)| contract.resource_type == resource_type)
    };
    let mut used = BTreeSet::new();
    let mut per_variant = Vec::new();
    for variant in variants(template) {
        let mut problems = Vec::new();
        for (id, resource) in &variant.resources {
            let Some(resource_type) = resource["Type"].as_str() else {
                continue;
            };
            if !resource_type.starts_with("Custom::") {
                continue;
            }
            let Some((binary, contract)) = contract_of(resource_type) else {
                problems.push(format!("{id}: no function serves {resource_type}"));
                continue;
            };
            used.insert(contract.resource_type);
            let empty = Map::new();
            let properties = resource["Properties"].as_object().unwrap_or(&empty);
            for name in properties.keys() {
                if !contract.properties.contains(&name.as_str())
                    && !PROTOCOL_PROPERTIES.contains(&name.as_str())
                {
                    problems.push(format!(
                        "{id}: {resource_type} does not accept property {name}"
                    ));
                }
            }
            for required in contract.required {
                if !properties.contains_key(*required) {
                    problems.push(format!("{id}: required property {required} is missing"));
                }
            }
            problems.extend(
                service_problems(template, id, binary, properties)
                    .into_iter()
                    .map(|problem| format!("{id}: {problem}")),
            );
        }
        per_variant.push((variant.label.clone(), problems));
    }
    let mut problems = merged(per_variant);
    for (_, contract) in functions {
        if !used.contains(contract.resource_type) {
            problems.push(format!(
                "no resource of type {} in the template",
                contract.resource_type
            ));
        }
    }

    // Custom resources by logical id, to check what GetAtt reads of them.
    let resources = match template.resources() {
        Ok(resources) => resources,
        Err(error) => return vec![error.to_string()],
    };
    let custom: Vec<(&str, &ResourceContract)> = resources
        .iter()
        .filter_map(|r| Some((r.key, &contract_of(r.resource_type()?)?.1)))
        .collect();
    for reference in references(template.as_value()) {
        let Reference::GetAtt {
            resource,
            attribute,
        } = reference
        else {
            continue;
        };
        if let Some((_, contract)) = custom.iter().find(|(id, _)| *id == resource)
            && !contract.data_keys.contains(&attribute.as_str())
        {
            problems.push(format!(
                "GetAtt {resource}.{attribute}: {} returns no Data key {attribute} (it returns {:?})",
                contract.resource_type, contract.data_keys
            ));
        }
    }
    problems
}

/// ServiceToken is `!GetAtt <Function>.Arn` of a function built from
/// `binary`, and ServiceTimeout lets that function run to its own timeout.
fn service_problems(
    template: &Template,
    id: &str,
    binary: &str,
    properties: &serde_json::Map<String, Value>,
) -> Vec<String> {
    let Some(token) = properties.get("ServiceToken") else {
        return vec!["ServiceToken is missing".into()];
    };
    let Some(Reference::GetAtt {
        resource: function,
        attribute,
    }) = references(token)
        .into_iter()
        .next()
        .filter(|_| token.get("Fn::GetAtt").is_some())
    else {
        return vec![format!(
            "ServiceToken {token} is not a GetAtt of a function"
        )];
    };
    let mut problems = Vec::new();
    if attribute != "Arn" {
        problems.push(format!(
            "ServiceToken reads {function}.{attribute}, not {function}.Arn"
        ));
    }
    let Some(definition) = template.resource(&function) else {
        return vec![format!(
            "ServiceToken names {function}, which is not a resource"
        )];
    };
    let built_from = definition
        .pointer("/Metadata/BuildProperties/Binary")
        .and_then(Value::as_str);
    if built_from != Some(binary) {
        problems.push(format!(
            "{function} is built from {built_from:?}, not {binary:?} ({id} needs it)"
        ));
    }
    let function_timeout = definition
        .pointer("/Properties/Timeout")
        .or_else(|| template.as_value().pointer("/Globals/Function/Timeout"))
        .and_then(Value::as_u64)
        .unwrap_or(3); // Lambda's default
    match properties.get("ServiceTimeout").and_then(Value::as_u64) {
        None => problems.push(format!(
            "ServiceTimeout is missing or not a number (the default, an hour, is far too long for a {function_timeout}s function)"
        )),
        Some(timeout) if !SERVICE_TIMEOUT_RANGE.contains(&timeout) => {
            problems.push(format!("ServiceTimeout {timeout} is outside {SERVICE_TIMEOUT_RANGE:?}"))
        }
        Some(timeout) if timeout <= function_timeout => problems.push(format!(
            "ServiceTimeout {timeout}s ends before {function} may answer (timeout {function_timeout}s)"
        )),
        Some(_) => {}
    }
    problems
}

#[test]
fn template_matches_the_function_contracts() {
    let problems = contract_problems(&project_template(), &FUNCTIONS);
    assert!(
        problems.is_empty(),
        "template.yaml breaks the contracts:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_sees_getatts_inside_sub_strings() {
    // The invitation email is the one place a custom resource's Data is read
    // inside !Sub: the check must see it, or it would pass vacuously.
    let template = project_template();
    let message = &template.resource("InviteEmail").unwrap()["Properties"]["EmailMessage"];
    assert!(references(message).contains(&Reference::GetAtt {
        resource: "PortalDomain".into(),
        attribute: "PortalUrl".into(),
    }));
}

/// A template with one of each mistake the check exists to catch.
const BROKEN: &str = r#"
Globals:
  Function:
    Timeout: 60
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata: {BuildProperties: {Binary: domain-prefix}}
  Wrong:
    Type: AWS::Serverless::Function
    Metadata: {BuildProperties: {Binary: update-client}}
  Prefix:
    Type: Custom::DomainPrefix
    Properties:
      ServiceToken: !GetAtt Fn.Arn
      ServiceTimeout: 30
      Prefixx: typo
  Other:
    Type: Custom::DomainPrefix
    Properties:
      ServiceToken: !GetAtt Wrong.Arn
      ServiceTimeout: 120
      ParameterName: /x
  Unknown:
    Type: Custom::Nothing
Outputs:
  A: {Value: !GetAtt Prefix.Value}
  B: {Value: !Sub "${Other.Prefix}-${Other.Nope}"}
"#;

#[test]
fn the_check_reports_each_kind_of_mistake() {
    let template = Template::from_yaml(BROKEN).unwrap();
    let functions = [
        ("domain-prefix", domain_prefix::CONTRACT),
        ("update-client", update_client::CONTRACT),
    ];
    let problems = contract_problems(&template, &functions);
    let expect = [
        "Prefix: Custom::DomainPrefix does not accept property Prefixx",
        "Prefix: required property ParameterName is missing",
        "Prefix: ServiceTimeout 30s ends before Fn may answer (timeout 60s)",
        "Other: Wrong is built from Some(\"update-client\"), not \"domain-prefix\"",
        "Unknown: no function serves Custom::Nothing",
        "no resource of type Custom::ClientCallbacks in the template",
        "GetAtt Prefix.Value: Custom::DomainPrefix returns no Data key Value",
        "GetAtt Other.Nope: Custom::DomainPrefix returns no Data key Nope",
    ];
    for expected in expect {
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "missing {expected:?} in:\n{}",
            problems.join("\n")
        );
    }
    assert_eq!(problems.len(), expect.len(), "{}", problems.join("\n"));
}

/// The WorkforceName parameter and Custom::PrivateWorkforce's validation
/// are one rule with one message: lowercase (so ARN-scoped IAM statements
/// match), at most 58 characters (room for the team's "-team" suffix).
#[test]
fn the_workforce_name_parameter_is_the_functions_rule() {
    use create_workforce::properties::{
        MAX_WORKFORCE_NAME_LEN, WORKFORCE_NAME_RULE, property_workforce_name_problem,
    };
    let template = project_template();
    let parameter = &template.section("Parameters")["WorkforceName"];
    assert_eq!(parameter["AllowedPattern"], "^[a-z0-9][a-z0-9-]*$");
    assert_eq!(parameter["MinLength"], 1);
    assert_eq!(parameter["MaxLength"], MAX_WORKFORCE_NAME_LEN as u64);
    assert_eq!(parameter["ConstraintDescription"], WORKFORCE_NAME_RULE);
    // What the pattern and lengths accept, the function accepts.
    let template_accepts = |name: &str| {
        let mut chars = name.chars();
        (1..=MAX_WORKFORCE_NAME_LEN).contains(&name.len())
            && chars
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    for name in [
        "labeling-workforce",
        "a",
        "0-",
        "Labeling",
        "-a",
        "a_b",
        &"a".repeat(58),
        &"a".repeat(59),
        "",
    ] {
        assert_eq!(
            template_accepts(name),
            property_workforce_name_problem(name).is_none(),
            "{name}"
        );
    }
    // The team the template names stays a valid team name at the limit.
    let team = template.resource("Workforce").unwrap()["Properties"]["WorkteamName"].clone();
    assert_eq!(
        team,
        serde_json::json!({"Fn::Sub": "${WorkforceName}-team"})
    );
    assert!(
        create_workforce::properties::workteam_name_problem(&format!("{}-team", "a".repeat(58)))
            .is_none()
    );
}

/// Native resources that CloudFormation rewrites in place, each with the
/// custom resource whose work such a rewrite undoes: UpdateUserPool puts the
/// template's invitation back (without the portal link). A custom resource
/// re-runs only when its own properties change, so every parameter that can
/// rewrite the native resource must reach the custom resource's properties
/// too. (A rollback rewrites it again without telling the custom resource:
/// the invitation trigger covers that.) The app client is no native
/// resource for the same reason: see [`the_app_client_is_no_native_resource`].
const REWRITTEN_BENEATH: [(&str, &str); 1] = [("UserPool", "InviteEmail")];

/// The condition names a fragment uses: `Fn::If`'s first item, and
/// `{"Condition": name}` (inside condition definitions, and a resource's
/// own `Condition`).
fn condition_names(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| condition_names(item, found)),
        Value::Object(object) => {
            if let Some(Value::Array(parts)) = object.get("Fn::If")
                && let Some(Value::String(name)) = parts.first()
            {
                found.push(name.clone());
            }
            if let Some(Value::String(name)) = object.get("Condition") {
                found.push(name.clone());
            }
            object
                .values()
                .for_each(|inner| condition_names(inner, found));
        }
        _ => {}
    }
}

/// The template parameters that reach a resource's properties: `Ref` and
/// `${Name}` of a parameter, directly or through the conditions its
/// `Fn::If`s (and its own `Condition`) test, condition by condition.
fn parameters_reaching(template: &Template, logical_id: &str) -> BTreeSet<String> {
    let parameters = template.section("Parameters");
    let conditions = template.section("Conditions");
    let Some(resource) = template.resource(logical_id) else {
        return BTreeSet::new();
    };
    let mut found = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let own = serde_json::json!({
        "Properties": resource.get("Properties"),
        "Condition": resource.get("Condition"),
    });
    let mut pending = vec![&own];
    while let Some(fragment) = pending.pop() {
        for reference in references(fragment) {
            if let Reference::Ref(name) = reference
                && parameters.contains_key(&name)
            {
                found.insert(name);
            }
        }
        let mut names = Vec::new();
        condition_names(fragment, &mut names);
        for name in names {
            if let Some(definition) = conditions.get(&name)
                && seen.insert(name)
            {
                pending.push(definition);
            }
        }
    }
    found
}

/// For each (native, custom) pair, the parameters that rewrite the native
/// resource but leave the custom resource's properties as they are.
fn rewrite_problems(template: &Template, pairs: &[(&str, &str)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (native, custom) in pairs {
        let rewriting = parameters_reaching(template, native);
        if rewriting.is_empty() {
            problems.push(format!(
                "{native}: no parameter reaches it (is it still in the template?)"
            ));
        }
        let triggering = parameters_reaching(template, custom);
        for parameter in rewriting.difference(&triggering) {
            problems.push(format!(
                "{parameter} rewrites {native} natively but does not reach {custom}'s properties, \
                 so {custom} would not re-run after that rewrite"
            ));
        }
    }
    problems
}

// ------------------------------------------------------------ the trigger

/// The binary of the Cognito CustomMessage trigger: a function Cognito runs
/// for each message it sends, not a custom resource.
const TRIGGER_BINARY: &str = "invitation-message";

/// Cognito waits at most this long for a trigger (seconds).
const COGNITO_TRIGGER_WAIT: u64 = 5;

fn get_att(value: &Value) -> Option<(&str, &str)> {
    match value.get("Fn::GetAtt")?.as_array()?.as_slice() {
        [resource, attribute] => Some((resource.as_str()?, attribute.as_str()?)),
        _ => None,
    }
}

fn is_ref_to(value: &Value, name: &str) -> bool {
    value.get("Ref").and_then(Value::as_str) == Some(name)
}

/// Every `AWS::Serverless::Function` is built from a binary of this
/// workspace that serves a custom resource or is the trigger.
fn function_problems(template: &Template, functions: &[(&str, ResourceContract)]) -> Vec<String> {
    let Ok(resources) = template.resources() else {
        return vec!["the resources cannot be listed".into()];
    };
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut problems = Vec::new();
    for resource in resources
        .iter()
        .filter(|r| r.resource_type() == Some("AWS::Serverless::Function"))
    {
        let id = resource.key;
        let Some(binary) = resource
            .value
            .pointer("/Metadata/BuildProperties/Binary")
            .and_then(Value::as_str)
        else {
            problems.push(format!("{id}: Metadata.BuildProperties.Binary is missing"));
            continue;
        };
        if binary != TRIGGER_BINARY && !functions.iter().any(|(b, _)| *b == binary) {
            problems.push(format!(
                "{id}: {binary} serves no custom resource and is not the trigger"
            ));
        }
        let main = format!("{workspace}/crates/{binary}/src/main.rs");
        if !std::path::Path::new(&main).is_file() {
            problems.push(format!("{id}: no crate builds the binary {binary}"));
        }
    }
    problems
}

/// The user pool's CustomMessage trigger: the function built from
/// [`TRIGGER_BINARY`], answering within Cognito's wait, told the workforce,
/// allowed to be invoked by this pool only, allowed to read this pool, and
/// in place before any user is invited.
fn trigger_problems(template: &Template) -> Vec<String> {
    let Ok(resources) = template.resources() else {
        return vec!["the resources cannot be listed".into()];
    };
    let of_type = |t: &str| {
        resources
            .iter()
            .filter(|r| r.resource_type() == Some(t))
            .collect::<Vec<_>>()
    };
    let mut problems = Vec::new();
    for pool in of_type("AWS::Cognito::UserPool") {
        let pool_id = pool.key;
        let Some(trigger) = pool.value.pointer("/Properties/LambdaConfig/CustomMessage") else {
            problems.push(format!("{pool_id}: LambdaConfig.CustomMessage is not set"));
            continue;
        };
        let Some((function, "Arn")) = get_att(trigger) else {
            problems.push(format!(
                "{pool_id}: LambdaConfig.CustomMessage {trigger} is not a GetAtt of a function's Arn"
            ));
            continue;
        };
        let Some(definition) = template.resource(function) else {
            problems.push(format!(
                "{pool_id}: the trigger {function} is not a resource"
            ));
            continue;
        };
        let built_from = definition
            .pointer("/Metadata/BuildProperties/Binary")
            .and_then(Value::as_str);
        if built_from != Some(TRIGGER_BINARY) {
            problems.push(format!(
                "{function} is built from {built_from:?}, not {TRIGGER_BINARY:?}"
            ));
        }
        let timeout = definition
            .pointer("/Properties/Timeout")
            .or_else(|| template.as_value().pointer("/Globals/Function/Timeout"))
            .and_then(Value::as_u64)
            .unwrap_or(3);
        if timeout > COGNITO_TRIGGER_WAIT {
            problems.push(format!(
                "{function}: Timeout {timeout}s is longer than Cognito waits for a trigger ({COGNITO_TRIGGER_WAIT}s)"
            ));
        }
        let workforce = definition.pointer("/Properties/Environment/Variables/WORKFORCE_NAME");
        if !workforce.is_some_and(|v| is_ref_to(v, "WorkforceName")) {
            problems.push(format!(
                "{function}: Environment.Variables.WORKFORCE_NAME is not !Ref WorkforceName"
            ));
        }
        let names_pool = |v: Option<&Value>| v.and_then(get_att) == Some((pool_id, "Arn"));
        let names_function = |v: Option<&Value>| {
            v.is_some_and(|v| get_att(v) == Some((function, "Arn")) || is_ref_to(v, function))
        };

        let permissions: Vec<&str> = of_type("AWS::Lambda::Permission")
            .into_iter()
            .filter(|p| {
                let props = p.value.get("Properties");
                let prop = |k: &str| props.and_then(|p| p.get(k));
                names_function(prop("FunctionName"))
                    && prop("Principal") == Some(&Value::from("cognito-idp.amazonaws.com"))
                    && prop("Action") == Some(&Value::from("lambda:InvokeFunction"))
                    && names_pool(prop("SourceArn"))
                    && prop("SourceAccount").is_some_and(|a| is_ref_to(a, "AWS::AccountId"))
            })
            .map(|p| p.key)
            .collect();
        if permissions.is_empty() {
            problems.push(format!(
                "{function}: no AWS::Lambda::Permission lets cognito-idp.amazonaws.com invoke it with SourceArn {pool_id}.Arn and SourceAccount"
            ));
        }

        let role = definition
            .pointer("/Properties/Role")
            .and_then(get_att)
            .map(|(role, _)| role);
        let grants_describe = |document: Option<&Value>| {
            document
                .and_then(|d| d.get("Statement"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|statement| {
                    let actions = statement.get("Action");
                    let describe = actions == Some(&Value::from("cognito-idp:DescribeUserPool"))
                        || actions.and_then(Value::as_array).is_some_and(|a| {
                            a.contains(&Value::from("cognito-idp:DescribeUserPool"))
                        });
                    describe && names_pool(statement.get("Resource"))
                })
        };
        let policies: Vec<&str> = of_type("AWS::IAM::RolePolicy")
            .into_iter()
            .chain(of_type("AWS::IAM::Policy"))
            .filter(|p| {
                let props = p.value.get("Properties");
                let on_role = |v: &Value| role.is_some_and(|r| is_ref_to(v, r));
                let attached = props.and_then(|p| p.get("RoleName")).is_some_and(on_role)
                    || props
                        .and_then(|p| p.get("Roles"))
                        .and_then(Value::as_array)
                        .is_some_and(|roles| roles.iter().any(on_role));
                attached && grants_describe(props.and_then(|p| p.get("PolicyDocument")))
            })
            .map(|p| p.key)
            .collect();
        if policies.is_empty() {
            problems.push(format!(
                "{function}: no IAM policy on its role {role:?} allows cognito-idp:DescribeUserPool on {pool_id}.Arn"
            ));
        }

        for user in of_type("AWS::Cognito::UserPoolUser") {
            let on_pool = user
                .value
                .pointer("/Properties/UserPoolId")
                .is_some_and(|v| is_ref_to(v, pool_id));
            if !on_pool {
                continue;
            }
            let waits = user.depends_on();
            for needed in permissions.iter().take(1).chain(policies.iter().take(1)) {
                if !waits.contains(needed) {
                    problems.push(format!(
                        "{}: DependsOn lacks {needed}: Cognito could invite it before the trigger may run",
                        user.key
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn every_native_rewrite_re_runs_the_custom_resource_beneath() {
    let template = project_template();
    let problems = rewrite_problems(&template, &REWRITTEN_BENEATH);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The derivation sees through conditions and !If: the pool's activity
    // logs and SES settings reach it only that way.
    let pool = parameters_reaching(&template, "UserPool");
    for parameter in [
        "FeaturePlan",
        "UserActivityLogs",
        "DeletionProtection",
        "SesFromAddress",
        "SesIdentityArn",
        "InviteEmailSubject",
        "InviteEmailMessage",
    ] {
        assert!(pool.contains(parameter), "{parameter}: {pool:?}");
    }
}

/// A native app client is rewritten with the template's URLs (the
/// placeholder) on every change and on a rollback, which drops the portal's
/// URLs that Custom::ClientCallbacks wrote; Custom::AppClient keeps them.
#[test]
fn the_app_client_is_no_native_resource() {
    let template = project_template();
    let resources = template.resources().unwrap();
    let native: Vec<&str> = resources
        .iter()
        .filter(|entry| entry.value["Type"] == "AWS::Cognito::UserPoolClient")
        .map(|entry| entry.key)
        .collect();
    assert!(native.is_empty(), "native app clients: {native:?}");
    assert_eq!(
        template.resource("AppClient").unwrap()["Type"],
        app_client::CONTRACT.resource_type
    );
}

/// A template where each way a parameter reaches a native resource is
/// missing from the custom resource above it.
const UNTRIGGERED: &str = r#"
Parameters:
  Direct: {Type: String}
  InSub: {Type: String}
  InCondition: {Type: String}
  ViaNested: {Type: String}
  Covered: {Type: String}
  Unrelated: {Type: String}
Conditions:
  Inner: !Equals [!Ref ViaNested, "x"]
  Outer: !And [!Equals [!Ref InCondition, "y"], !Condition Inner]
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      A: !Ref Direct
      B: !Sub "${InSub}-${AWS::StackName}"
      C: !If [Outer, yes, !Ref AWS::NoValue]
      D: !Ref Covered
  Custom:
    Type: Custom::InviteEmail
    Properties:
      E: !Ref Covered
      F: !Ref Unrelated
"#;

#[test]
fn the_rewrite_check_reports_each_untriggered_parameter() {
    let template = Template::from_yaml(UNTRIGGERED).unwrap();
    let problems = rewrite_problems(&template, &[("Pool", "Custom"), ("Gone", "Custom")]);
    let named: Vec<&str> = problems
        .iter()
        .map(|p| p.split_once(' ').unwrap().0)
        .collect();
    assert_eq!(
        named,
        ["Direct", "InCondition", "InSub", "ViaNested", "Gone:"],
        "{}",
        problems.join("\n")
    );
}

#[test]
fn every_function_is_a_workspace_binary_and_the_trigger_is_wired() {
    let template = project_template();
    let mut problems = function_problems(&template, &FUNCTIONS);
    problems.extend(trigger_problems(&template));
    assert!(
        problems.is_empty(),
        "template.yaml's functions:\n{}",
        problems.join("\n")
    );
}

/// `sam build` builds each function with the Makefile: its `build-<id>`
/// target must copy the bootstrap of the binary its
/// `Metadata.BuildProperties.Binary` names, and the one cargo build must
/// build that binary's package.
fn makefile_problems(template: &Template, makefile: &str) -> Vec<String> {
    let Ok(resources) = template.resources() else {
        return vec!["the resources cannot be listed".into()];
    };
    let built: Vec<&str> = makefile
        .split("BINARIES :=")
        .nth(1)
        .map(|rest| {
            rest.lines()
                .take_while(|line| !line.trim().is_empty())
                .flat_map(|line| line.split_whitespace())
                .filter(|word| *word != "\\")
                .collect()
        })
        .unwrap_or_default();
    let mut problems = Vec::new();
    for resource in resources
        .iter()
        .filter(|r| r.resource_type() == Some("AWS::Serverless::Function"))
    {
        let id = resource.key;
        if resource.value.pointer("/Metadata/BuildMethod") != Some(&Value::from("makefile")) {
            problems.push(format!("{id}: Metadata.BuildMethod is not makefile"));
        }
        let binary = resource
            .value
            .pointer("/Metadata/BuildProperties/Binary")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let target = format!("build-{id}:");
        let recipe = makefile
            .lines()
            .skip_while(|line| line.trim() != target)
            .nth(1)
            .map(str::trim);
        let wanted = format!("$(call bootstrap,{binary})");
        if recipe != Some(wanted.as_str()) {
            problems.push(format!(
                "{id}: the Makefile's {target} runs {recipe:?}, not {wanted:?}"
            ));
        }
        if !built.contains(&binary) {
            problems.push(format!(
                "{id}: the Makefile's BINARIES does not build {binary}"
            ));
        }
    }
    problems
}

#[test]
fn the_makefile_builds_and_copies_each_functions_binary() {
    let makefile =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Makefile")).unwrap();
    let template = project_template();
    let problems = makefile_problems(&template, &makefile);
    assert!(problems.is_empty(), "Makefile:\n{}", problems.join("\n"));

    let swapped = makefile.replacen(
        "$(call bootstrap,domain-prefix)",
        "$(call bootstrap,update-client)",
        1,
    );
    let problems = makefile_problems(&template, &swapped);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("DomainPrefixFunction") && p.contains("update-client")),
        "{problems:?}"
    );
    let unbuilt = makefile.replacen(" invitation-message", "", 1);
    let problems = makefile_problems(&template, &unbuilt);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("BINARIES does not build invitation-message")),
        "{problems:?}"
    );
}

#[test]
fn the_trigger_check_reports_each_kind_of_mistake() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml"))
        .unwrap();
    let breakages = [
        (
            "DependsOn: [InviteEmail, InvitationMessagePermission, InvitationMessagePoolPolicy]",
            "DependsOn: InviteEmail",
            "InvitedUser&{Email}: DependsOn lacks InvitationMessagePermission",
        ),
        (
            "      # Cognito waits at most 5 seconds for a trigger.\n      Timeout: 5",
            "      Timeout: 6",
            "InvitationMessageFunction: Timeout 6s is longer than Cognito waits",
        ),
        (
            "WORKFORCE_NAME: !Ref WorkforceName",
            "WORKFORCE_NAME: labeling-workforce",
            "InvitationMessageFunction: Environment.Variables.WORKFORCE_NAME",
        ),
        (
            "      Principal: cognito-idp.amazonaws.com\n      SourceArn: !GetAtt UserPool.Arn",
            "      Principal: cognito-idp.amazonaws.com\n      SourceArn: !GetAtt WebAcl.Arn",
            "InvitationMessageFunction: no AWS::Lambda::Permission",
        ),
        (
            "            Action: cognito-idp:DescribeUserPool",
            "            Action: cognito-idp:ListUsers",
            "InvitationMessageFunction: no IAM policy on its role",
        ),
        (
            "BuildProperties: { Binary: invitation-message }",
            "BuildProperties: { Binary: invitation-mesage }",
            "InvitationMessageFunction: no crate builds the binary invitation-mesage",
        ),
        (
            "        CustomMessage: !GetAtt InvitationMessageFunction.Arn\n",
            "",
            "UserPool: LambdaConfig.CustomMessage is not set",
        ),
    ];
    for (from, to, expected) in breakages {
        assert!(text.contains(from), "template.yaml has {from:?}");
        let broken = Template::from_yaml(&text.replace(from, to)).unwrap();
        let mut problems = function_problems(&broken, &FUNCTIONS);
        problems.extend(trigger_problems(&broken));
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "missing {expected:?} in:\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn the_invite_email_appends_exactly_the_triggers_paragraph() {
    // One text, in the trigger's crate: what InviteEmail writes into the
    // pool's template and what the trigger adds when a rewrite lost it.
    let template = project_template();
    let message = template
        .resource("InviteEmail")
        .and_then(|r| r.pointer("/Properties/EmailMessage/Fn::Sub"))
        .and_then(Value::as_str)
        .unwrap();
    assert_eq!(
        message,
        format!(
            "${{InviteEmailMessage}}{}",
            invitation_message::portal_paragraph("${PortalDomain.PortalUrl}")
        )
    );
}

#[test]
fn every_function_is_told_its_own_stack() {
    let template = project_template();
    let value = template.as_value();
    let variable = format!(
        "/Globals/Function/Environment/Variables/{}",
        custom_resource::STACK_ID_ENV
    );
    assert_eq!(
        value.pointer(&variable),
        Some(&serde_json::json!({"Ref": "AWS::StackId"})),
        "the functions refuse every event without it"
    );
    let functions = value["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, resource)| resource["Type"] == "AWS::Serverless::Function");
    let mut seen = 0;
    for (logical_id, function) in functions {
        seen += 1;
        assert!(
            function
                .pointer(&format!(
                    "/Properties{}",
                    &variable["/Globals/Function".len()..]
                ))
                .is_none(),
            "{logical_id} overrides {}",
            custom_resource::STACK_ID_ENV
        );
    }
    assert!(seen >= 6, "{seen} functions");
}

// ------------------------------------------------------------ the two kinds

// What Custom::PrivateWorkforce needs of each kind (docs/CONTRACT.md: the
// "Cognito" and "OIDC" rows): given for that kind, absent for the other.
use create_workforce::{COGNITO_REQUIRED, OIDC_REQUIRED};

/// Each variant's workforce has exactly the properties of its kind, and
/// the Cognito resources exist only with Cognito.
fn kind_problems(template: &Template) -> Vec<String> {
    let mut problems = Vec::new();
    for variant in variants(template) {
        let label = &variant.label;
        let oidc = variant.params.get("IdentityProvider") == Some(&Value::from("OIDC"));
        let workforces: Vec<(&String, &Value)> = variant
            .resources
            .iter()
            .filter(|(_, r)| r["Type"] == create_workforce::CONTRACT.resource_type)
            .collect();
        if workforces.len() != 1 {
            problems.push(format!(
                "[{label}] {} workforce resources",
                workforces.len()
            ));
        }
        for (id, workforce) in workforces {
            let given = |name: &str| workforce["Properties"].get(name).is_some();
            let (needed, foreign): (Vec<&str>, Vec<&str>) = if oidc {
                (OIDC_REQUIRED.to_vec(), COGNITO_REQUIRED.to_vec())
            } else {
                (COGNITO_REQUIRED.to_vec(), OIDC_REQUIRED.to_vec())
            };
            for name in needed.into_iter().filter(|n| !given(n)) {
                problems.push(format!("[{label}] {id}: {name} is missing"));
            }
            for name in foreign.into_iter().filter(|n| given(n)) {
                problems.push(format!(
                    "[{label}] {id}: {name} is given (it belongs to the other kind)"
                ));
            }
            if !oidc {
                let stray: Vec<&String> = workforce["Properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                    .filter(|k| k.starts_with("Oidc"))
                    .collect();
                if !stray.is_empty() {
                    problems.push(format!("[{label}] {id}: OIDC properties {stray:?}"));
                }
            }
        }
        let cognito: Vec<&String> = variant
            .resources
            .iter()
            .filter(|(_, r)| {
                r["Type"].as_str().is_some_and(|t| {
                    t.starts_with("AWS::Cognito::") || t.starts_with("AWS::WAFv2::")
                })
            })
            .map(|(id, _)| id)
            .collect();
        if oidc && !cognito.is_empty() {
            problems.push(format!("[{label}] Cognito resources: {cognito:?}"));
        }
        if !oidc && cognito.is_empty() {
            problems.push(format!("[{label}] no Cognito resources"));
        }
    }
    problems
}

#[test]
fn each_kind_gives_the_workforce_exactly_its_properties() {
    let template = project_template();
    let problems = kind_problems(&template);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let kinds: Vec<String> = variants(&template).into_iter().map(|v| v.label).collect();
    assert_eq!(kinds, ["IdentityProvider=Cognito", "IdentityProvider=OIDC"]);

    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml"))
        .unwrap();
    let breakages = [
        (
            "      UserPoolId: !If [UseCognito, !Ref UserPool, !Ref AWS::NoValue]",
            "      UserPoolId: !Ref UserPool",
            "[IdentityProvider=OIDC] Workforce: UserPoolId is given",
        ),
        (
            "      OidcGroups: !If [UseOidc, !Ref OidcGroups, !Ref AWS::NoValue]\n",
            "",
            "[IdentityProvider=OIDC] Workforce: OidcGroups is missing",
        ),
        (
            "      OidcIssuer: !If [UseOidc, !Ref OidcIssuer, !Ref AWS::NoValue]",
            "      OidcIssuer: !Ref OidcIssuer",
            "[IdentityProvider=Cognito] Workforce: OidcIssuer is given",
        ),
        (
            "  UserPoolDomain:\n    Type: AWS::Cognito::UserPoolDomain\n    Condition: UseCognito\n",
            "  UserPoolDomain:\n    Type: AWS::Cognito::UserPoolDomain\n",
            "[IdentityProvider=OIDC] Cognito resources: [\"UserPoolDomain\"]",
        ),
    ];
    for (from, to, expected) in breakages {
        assert!(text.contains(from), "template.yaml has {from:?}");
        let broken = Template::from_yaml(&text.replace(from, to)).unwrap();
        let problems = kind_problems(&broken);
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "missing {expected:?} in:\n{}",
            problems.join("\n")
        );
    }
}

/// Each variant refers only to what it creates: a `Ref`, `Fn::GetAtt` or
/// `DependsOn` naming a resource whose Condition is false in that variant
/// is a template CloudFormation refuses ("Unresolved resource
/// dependencies"), and so is an output reading one.
fn reference_problems(template: &Template) -> Vec<String> {
    let mut per_variant = Vec::new();
    for variant in variants(template) {
        let mut problems = Vec::new();
        let known = |name: &str| {
            name.starts_with("AWS::")
                || variant.params.contains_key(name)
                || variant.resources.contains_key(name)
        };
        let check = |from: String, fragment: &Value, problems: &mut Vec<String>| {
            for reference in references(fragment) {
                let name = match reference {
                    Reference::Ref(name) => name,
                    Reference::GetAtt { resource, .. } => resource,
                };
                if !known(&name) {
                    problems.push(format!("{from} refers to {name}, which is not created"));
                }
            }
        };
        for (id, resource) in &variant.resources {
            check(id.clone(), &resource["Properties"], &mut problems);
            let depends_on: Vec<Value> = match &resource["DependsOn"] {
                Value::String(one) => vec![Value::from(one.as_str())],
                Value::Array(many) => many.clone(),
                _ => Vec::new(),
            };
            for dependency in depends_on.iter().filter_map(Value::as_str) {
                if !variant.resources.contains_key(dependency) {
                    problems.push(format!("{id} DependsOn {dependency}, which is not created"));
                }
            }
        }
        for (name, output) in &variant.outputs {
            check(format!("output {name}"), &output["Value"], &mut problems);
        }
        per_variant.push((variant.label.clone(), problems));
    }
    merged(per_variant)
}

#[test]
fn each_kind_refers_only_to_what_it_creates() {
    let template = project_template();
    let problems = reference_problems(&template);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The OIDC stack's outputs are what the IdP's administrator registers;
    // the Cognito ones are not there.
    let oidc = variants(&template).pop().unwrap();
    assert_eq!(oidc.label, "IdentityProvider=OIDC");
    let outputs: Vec<&str> = oidc.outputs.keys().map(String::as_str).collect();
    for name in [
        "PortalUrl",
        "OidcRedirectUrl",
        "OidcSignOutUrl",
        "WorkteamArn",
    ] {
        assert!(outputs.contains(&name), "{name}: {outputs:?}");
    }
    for name in ["LoginUrl", "UserPoolId", "UserPoolClientId", "DomainPrefix"] {
        assert!(!outputs.contains(&name), "{name}: {outputs:?}");
    }
    assert_eq!(
        oidc.outputs["OidcRedirectUrl"]["Value"],
        serde_json::json!({"Fn::GetAtt": ["Workforce", "CallbackUrl"]})
    );
    assert_eq!(
        oidc.outputs["OidcSignOutUrl"]["Value"],
        serde_json::json!({"Fn::GetAtt": ["Workforce", "LogoutUrl"]})
    );
    // Every portal output comes from the workforce resource, which answers
    // each recreation of the workforce (a rollback's too, when the portal
    // resources get no event); no output reads a Custom::PortalDomain.
    for variant in variants(&template) {
        assert_eq!(
            variant.outputs["PortalUrl"]["Value"],
            serde_json::json!({"Fn::GetAtt": ["Workforce", "PortalUrl"]}),
            "{}",
            variant.label
        );
        for (name, output) in &variant.outputs {
            for reference in references(&output["Value"]) {
                if let Reference::GetAtt { resource: read, .. } = reference {
                    let portal = template
                        .resource(&read)
                        .is_some_and(|r| r["Type"] == "Custom::PortalDomain");
                    assert!(!portal, "{}: output {name} reads {read}", variant.label);
                }
            }
        }
    }
    // The Cognito stack reads its portal once, for the invitation and the
    // client; the OIDC stack has nothing that would read it.
    let cognito = variants(&template).remove(0);
    assert_eq!(cognito.label, "IdentityProvider=Cognito");
    let portals = |variant: &Variant| -> usize {
        variant
            .resources
            .values()
            .filter(|r| r["Type"] == "Custom::PortalDomain")
            .count()
    };
    assert_eq!(portals(&cognito), 1);
    assert_eq!(portals(&oidc), 0);

    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml"))
        .unwrap();
    let breakages = [
        (
            "    DependsOn: UserPoolDomain\n",
            "    DependsOn: UserPoolDomain\n  Spare:\n    Type: AWS::SNS::Topic\n    DependsOn: UserPoolDomain\n",
            "[IdentityProvider=OIDC] Spare DependsOn UserPoolDomain, which is not created",
        ),
        (
            "  UserPoolId:\n    Condition: UseCognito\n",
            "  UserPoolId:\n",
            "[IdentityProvider=OIDC] output UserPoolId refers to UserPool",
        ),
        (
            "  AppClientFunction:\n    Type: AWS::Serverless::Function\n    Condition: UseCognito\n",
            "  AppClientFunction:\n    Type: AWS::Serverless::Function\n",
            "[IdentityProvider=OIDC] AppClientFunction refers to AppClientRole",
        ),
    ];
    for (from, to, expected) in breakages {
        assert!(text.contains(from), "template.yaml has {from:?}");
        let broken = Template::from_yaml(&text.replacen(from, to, 1)).unwrap();
        let problems = reference_problems(&broken);
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "missing {expected:?} in:\n{}",
            problems.join("\n")
        );
    }
}

/// The IAM statements of every role and policy of a variant, with the
/// logical id they belong to.
fn statements(variant: &Variant) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for (id, resource) in &variant.resources {
        let props = &resource["Properties"];
        let documents: Vec<&Value> = match resource["Type"].as_str() {
            Some("AWS::IAM::Role") => props["Policies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| &p["PolicyDocument"])
                .collect(),
            Some("AWS::IAM::RolePolicy" | "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy") => {
                vec![&props["PolicyDocument"]]
            }
            _ => Vec::new(),
        };
        for document in documents {
            for statement in document["Statement"].as_array().into_iter().flatten() {
                found.push((id.clone(), statement.clone()));
            }
        }
    }
    found
}

fn actions(statement: &Value) -> Vec<String> {
    match &statement["Action"] {
        Value::String(one) => vec![one.clone()],
        Value::Array(many) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The OIDC client secret: no parameter holds it (only its ARN and a
/// version label), no output names it, and only the workforce function's
/// role may read it: GetSecretValue on exactly the `OidcClientSecretArn`
/// parameter, with OIDC only. With Cognito no role touches Secrets Manager,
/// and only then may the workforce role touch the user pool.
fn secret_problems(template: &Template) -> Vec<String> {
    let mut problems = Vec::new();
    for name in template.section("Parameters").keys() {
        if name.contains("Secret")
            && !name.ends_with("SecretArn")
            && !name.ends_with("SecretVersion")
        {
            problems.push(format!("parameter {name} looks like a secret"));
        }
    }
    let workforce_role = template
        .resources()
        .unwrap_or_default()
        .iter()
        .find(|r| {
            r.value.pointer("/Metadata/BuildProperties/Binary")
                == Some(&Value::from("create-workforce"))
        })
        .and_then(|f| f.value.pointer("/Properties/Role"))
        .and_then(get_att)
        .map(|(role, _)| role.to_owned());
    let Some(workforce_role) = workforce_role else {
        return vec!["no role for the create-workforce function".into()];
    };
    for variant in variants(template) {
        let label = &variant.label;
        let oidc = variant.params.get("IdentityProvider") == Some(&Value::from("OIDC"));
        for (name, output) in &variant.outputs {
            for reference in references(&output["Value"]) {
                if let Reference::Ref(param) = reference
                    && param.contains("Secret")
                {
                    problems.push(format!("[{label}] output {name} shows {param}"));
                }
            }
        }
        let mut readers = Vec::new();
        for (id, statement) in statements(&variant) {
            let acts = actions(&statement);
            if acts
                .iter()
                .any(|a| a.starts_with("secretsmanager:") || a == "*")
            {
                readers.push((id.clone(), statement.clone()));
            }
            let cognito = acts.iter().any(|a| a.starts_with("cognito-idp:"));
            if id == workforce_role && cognito && oidc {
                problems.push(format!("[{label}] {id} may call Cognito: {statement}"));
            }
        }
        let wanted = serde_json::json!({
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": {"Ref": "OidcClientSecretArn"},
        });
        match (oidc, readers.as_slice()) {
            (false, []) => {}
            (true, [(id, statement)]) if *id == workforce_role && *statement == wanted => {}
            (_, readers) => problems.push(format!(
                "[{label}] Secrets Manager statements {readers:?}; wanted {}",
                if oidc {
                    format!("exactly {wanted} in {workforce_role}")
                } else {
                    "none".to_owned()
                }
            )),
        }
    }
    problems
}

#[test]
fn only_the_workforce_function_reads_the_oidc_secret_and_only_with_oidc() {
    let template = project_template();
    let problems = secret_problems(&template);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml"))
        .unwrap();
    let breakages = [
        (
            "                  Action: secretsmanager:GetSecretValue\n                  Resource: !Ref OidcClientSecretArn",
            "                  Action: secretsmanager:GetSecretValue\n                  Resource: \"*\"",
            "[IdentityProvider=OIDC] Secrets Manager statements",
        ),
        (
            "                - ReadOidcClientSecret\n",
            "                - NotifyTasks\n",
            "[IdentityProvider=OIDC] Secrets Manager statements []",
        ),
        (
            "              - !If\n                - UseCognito\n                - Effect: Allow\n                  Action:\n                    - cognito-idp:DescribeUserPool",
            "              - !If\n                - UseOidc\n                - Effect: Allow\n                  Action:\n                    - cognito-idp:DescribeUserPool",
            "[IdentityProvider=OIDC] CreateWorkforceRole may call Cognito",
        ),
        (
            "  OidcClientSecretVersion:\n",
            "  OidcClientSecret:\n    Type: String\n  OidcClientSecretVersion:\n",
            "parameter OidcClientSecret looks like a secret",
        ),
    ];
    for (from, to, expected) in breakages {
        assert!(text.contains(from), "template.yaml has {from:?}");
        let broken = Template::from_yaml(&text.replacen(from, to, 1)).unwrap();
        let problems = secret_problems(&broken);
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "missing {expected:?} in:\n{}",
            problems.join("\n")
        );
    }
}
