//! template.yaml against the functions' contracts: every custom resource
//! passes exactly the properties its function accepts (all required ones
//! present), is served by the function built from the right binary with a
//! ServiceTimeout that outlasts it, and every Fn::GetAtt on it (also
//! `${X.Y}` inside Fn::Sub) reads a Data key the function returns.
//!
//! The contracts are the `CONTRACT` consts of the six function crates, so
//! the template and the code cannot drift apart.

use cfn_template::{Reference, Template, references};
use custom_resource::ResourceContract;
use serde_json::Value;
use std::collections::BTreeSet;

/// Binary (= crate) name and contract of each function.
const FUNCTIONS: [(&str, ResourceContract); 6] = [
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

/// Everything wrong with the template's custom resources, one line each.
fn contract_problems(template: &Template, functions: &[(&str, ResourceContract)]) -> Vec<String> {
    let mut problems = Vec::new();
    let resources = match template.resources() {
        Ok(resources) => resources,
        Err(error) => return vec![error.to_string()],
    };
    let contract_of = |resource_type: &str| {
        functions
            .iter()
            .find(|(_, contract)| contract.resource_type == resource_type)
    };

    let mut used = BTreeSet::new();
    for resource in &resources {
        let Some(resource_type) = resource.resource_type() else {
            continue;
        };
        if !resource_type.starts_with("Custom::") {
            continue;
        }
        let id = resource.key;
        let Some((binary, contract)) = contract_of(resource_type) else {
            problems.push(format!("{id}: no function serves {resource_type}"));
            continue;
        };
        used.insert(resource_type);
        let empty = serde_json::Map::new();
        let properties = resource.properties().unwrap_or(&empty);
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
    for (_, contract) in functions {
        if !used.contains(contract.resource_type) {
            problems.push(format!(
                "no resource of type {} in the template",
                contract.resource_type
            ));
        }
    }

    // Custom resources by logical id, to check what GetAtt reads of them.
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
