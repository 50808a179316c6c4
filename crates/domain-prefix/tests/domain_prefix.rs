//! `Custom::DomainPrefix` through the real binary and the Lambda Runtime API,
//! against moto's SSM.

use aws_sdk_ssm::types::ParameterType;
use local_aws::harness::{self, FunctionUnderTest, Resource};
use local_aws::moto::MotoServer;
use serde_json::{Value, json};

const RESOURCE: Resource = Resource::new(domain_prefix::CONTRACT.resource_type, "DomainPrefix");
const PARAMETER: &str = "/sagemaker-workforce/local-test/domain-prefix";

struct Setup {
    _moto: MotoServer,
    ssm: aws_sdk_ssm::Client,
    function: FunctionUnderTest,
}

async fn setup() -> Setup {
    let moto = MotoServer::start().await.expect("moto starts");
    let ssm = aws_sdk_ssm::Client::new(&moto.sdk_config().await);
    let function = FunctionUnderTest::start(
        env!("CARGO_BIN_EXE_domain-prefix"),
        harness::aws_env(Some(&moto), None),
    )
    .await
    .expect("function host starts");
    Setup {
        _moto: moto,
        ssm,
        function,
    }
}

/// The parameter as SSM describes it (value, version, type, date), or
/// `None` when it does not exist: compared whole to prove nothing changed.
async fn stored(ssm: &aws_sdk_ssm::Client, name: &str) -> Option<String> {
    match ssm.get_parameter().name(name).send().await {
        Ok(output) => Some(format!("{:?}", output.parameter().expect("a parameter"))),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_parameter_not_found()) =>
        {
            None
        }
        Err(error) => panic!("GetParameter {name}: {error:?}"),
    }
}

async fn value(ssm: &aws_sdk_ssm::Client, name: &str) -> Option<String> {
    match ssm.get_parameter().name(name).send().await {
        Ok(output) => output
            .parameter()
            .and_then(|p| p.value())
            .map(str::to_owned),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_parameter_not_found()) =>
        {
            None
        }
        Err(error) => panic!("GetParameter {name}: {error:?}"),
    }
}

async fn put(ssm: &aws_sdk_ssm::Client, name: &str, value: &str) {
    ssm.put_parameter()
        .name(name)
        .value(value)
        .r#type(ParameterType::String)
        .send()
        .await
        .expect("PutParameter");
}

fn is_generated(prefix: &str) -> bool {
    let Some(suffix) = prefix
        .strip_prefix(harness::STACK_NAME)
        .and_then(|rest| rest.strip_prefix('-'))
    else {
        return false;
    };
    suffix.len() == 8
        && suffix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[tokio::test]
async fn create_generates_and_stores_then_every_later_event_reuses_it() {
    let s = setup().await;
    let props = json!({"ParameterName": PARAMETER});

    let created = s.function.send(RESOURCE.create(props.clone())).await;
    created.assert_success();
    assert_eq!(created.physical_id(), PARAMETER);
    let prefix = created.data("Prefix").expect("Data.Prefix").to_owned();
    assert!(is_generated(&prefix), "{prefix}");
    assert_eq!(
        value(&s.ssm, PARAMETER).await.as_deref(),
        Some(prefix.as_str())
    );
    let parameter = s
        .ssm
        .get_parameter()
        .name(PARAMETER)
        .send()
        .await
        .expect("stored");
    assert_eq!(
        parameter.parameter().and_then(|p| p.r#type()),
        Some(&ParameterType::String)
    );
    let snapshot = stored(&s.ssm, PARAMETER).await;

    // A second Create (a re-created stack that kept the parameter), an
    // Update, and an Update naming the stored prefix: all reuse it untouched.
    let again = s
        .function
        .send(RESOURCE.named("Other").create(props.clone()))
        .await;
    again.assert_success();
    assert_eq!(again.data("Prefix"), Some(prefix.as_str()));
    let updated = s
        .function
        .send(RESOURCE.update(PARAMETER, props.clone(), props.clone()))
        .await;
    updated.assert_success();
    assert_eq!(updated.physical_id(), PARAMETER);
    assert_eq!(updated.data("Prefix"), Some(prefix.as_str()));
    let named = json!({"ParameterName": PARAMETER, "Prefix": &prefix});
    let updated = s
        .function
        .send(RESOURCE.update(PARAMETER, named, props))
        .await;
    updated.assert_success();
    assert_eq!(updated.data("Prefix"), Some(prefix.as_str()));
    assert_eq!(
        stored(&s.ssm, PARAMETER).await,
        snapshot,
        "the parameter was rewritten"
    );
}

/// A ResponseURL refused with server errors is retried; the parameter is
/// written by the one run and the one accepted answer carries its value.
#[tokio::test]
async fn a_response_url_answering_500_before_200_gets_one_accepted_put() {
    let s = setup().await;
    s.function.sink().script([500, 503]);
    let answered = s
        .function
        .send(RESOURCE.create(json!({"ParameterName": PARAMETER, "Prefix": "retried-prefix"})))
        .await;
    assert_eq!(
        answered.puts.len(),
        3,
        "{:?}",
        answered.puts.iter().map(|p| p.status).collect::<Vec<_>>()
    );
    answered.assert_success();
    assert!(matches!(
        answered.invocation.outcome,
        local_aws::runtime_api::Outcome::Response(_)
    ));
    assert_eq!(answered.data("Prefix"), Some("retried-prefix"));
    // Every attempt carried the same answer: the work ran once.
    let bodies: Vec<Value> = answered.puts.iter().map(|p| p.json()).collect();
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    let parameter = s
        .ssm
        .get_parameter()
        .name(PARAMETER)
        .send()
        .await
        .expect("stored");
    let parameter = parameter.parameter().expect("a parameter");
    assert_eq!(parameter.value(), Some("retried-prefix"));
    assert_eq!(
        parameter.version(),
        1,
        "the parameter was written more than once"
    );
}

#[tokio::test]
async fn an_explicit_prefix_is_stored_and_a_different_one_fails_changing_nothing() {
    let s = setup().await;
    let props = json!({"ParameterName": PARAMETER, "Prefix": "team-labeling"});
    let created = s.function.send(RESOURCE.create(props.clone())).await;
    created.assert_success();
    assert_eq!(created.data("Prefix"), Some("team-labeling"));
    assert_eq!(
        value(&s.ssm, PARAMETER).await.as_deref(),
        Some("team-labeling")
    );
    let snapshot = stored(&s.ssm, PARAMETER).await;

    let other = json!({"ParameterName": PARAMETER, "Prefix": "other-name"});
    let refused = s
        .function
        .send(RESOURCE.update(PARAMETER, other.clone(), props))
        .await;
    refused.assert_failed();
    assert_eq!(refused.physical_id(), PARAMETER);
    let reason = refused.reason();
    for needle in [
        PARAMETER,
        "\"team-labeling\"",
        "\"other-name\"",
        "cannot be renamed",
        "set Prefix to \"team-labeling\"",
        "delete-parameter",
    ] {
        assert!(reason.contains(needle), "missing {needle:?} in {reason}");
    }

    // A Create with the different prefix (say a new stack reusing the
    // parameter) fails the same way, and answers a marker id so the
    // rollback's Delete leaves the parameter alone.
    let refused = s.function.send(RESOURCE.create(other)).await;
    refused.assert_failed_naming(&["\"team-labeling\""]);
    assert!(
        refused.physical_id().starts_with("created-nothing:"),
        "{}",
        refused.physical_id()
    );
    assert_eq!(
        stored(&s.ssm, PARAMETER).await,
        snapshot,
        "the parameter changed"
    );
}

#[tokio::test]
async fn invalid_values_fail_before_any_ssm_write() {
    let s = setup().await;
    for (props, property) in [
        (
            json!({"ParameterName": PARAMETER, "Prefix": "My_Prefix"}),
            "Prefix",
        ),
        (
            json!({"ParameterName": PARAMETER, "Prefix": "my-aws-team"}),
            "Prefix",
        ),
        (
            json!({"ParameterName": PARAMETER, "Prefix": "x".repeat(64)}),
            "Prefix",
        ),
        (json!({"ParameterName": "/aws/reserved"}), "ParameterName"),
        (json!({"ParameterName": "no spaces"}), "ParameterName"),
    ] {
        let answered = s.function.send(RESOURCE.create(props.clone())).await;
        answered.assert_failed();
        assert!(
            answered
                .reason()
                .contains(&format!("property `{property}`")),
            "{props}: {}",
            answered.reason()
        );
        assert!(answered.physical_id().starts_with("created-nothing:"));
    }
    assert_eq!(
        stored(&s.ssm, PARAMETER).await,
        None,
        "something was stored"
    );

    // The same refusal on Update leaves a stored prefix as it was.
    put(&s.ssm, PARAMETER, "kept-prefix").await;
    let snapshot = stored(&s.ssm, PARAMETER).await;
    let bad = json!({"ParameterName": PARAMETER, "Prefix": "Kept-Prefix"});
    let old = json!({"ParameterName": PARAMETER});
    let answered = s.function.send(RESOURCE.update(PARAMETER, bad, old)).await;
    answered.assert_failed_naming(&["property `Prefix`"]);
    assert_eq!(stored(&s.ssm, PARAMETER).await, snapshot);
}

#[tokio::test]
async fn a_stored_value_that_breaks_the_rules_fails() {
    let s = setup().await;
    put(&s.ssm, PARAMETER, "Bad_Value").await;
    let snapshot = stored(&s.ssm, PARAMETER).await;
    let answered = s
        .function
        .send(RESOURCE.create(json!({"ParameterName": PARAMETER})))
        .await;
    answered.assert_failed();
    let reason = answered.reason();
    assert!(
        reason.contains("\"Bad_Value\"") && reason.contains(PARAMETER),
        "{reason}"
    );
    assert_eq!(stored(&s.ssm, PARAMETER).await, snapshot);
}

#[tokio::test]
async fn delete_retains_by_default_and_deletes_only_when_told_false() {
    let s = setup().await;
    let props = json!({"ParameterName": PARAMETER, "Prefix": "keep-me"});
    s.function
        .send(RESOURCE.create(props.clone()))
        .await
        .assert_success();

    for retained in [
        props.clone(),
        json!({"ParameterName": PARAMETER, "RetainParameter": "true"}),
    ] {
        let deleted = s.function.send(RESOURCE.delete(PARAMETER, retained)).await;
        deleted.assert_success();
        assert_eq!(deleted.physical_id(), PARAMETER);
        assert_eq!(value(&s.ssm, PARAMETER).await.as_deref(), Some("keep-me"));
    }

    // An id these properties do not name is not ours: nothing is deleted.
    let remove = json!({"ParameterName": PARAMETER, "RetainParameter": "false"});
    let foreign = s
        .function
        .send(RESOURCE.delete("/some/other/parameter", remove.clone()))
        .await;
    foreign.assert_success();
    assert_eq!(foreign.physical_id(), "/some/other/parameter");
    assert_eq!(value(&s.ssm, PARAMETER).await.as_deref(), Some("keep-me"));

    let deleted = s
        .function
        .send(RESOURCE.delete(PARAMETER, remove.clone()))
        .await;
    deleted.assert_success();
    assert_eq!(value(&s.ssm, PARAMETER).await, None);

    // Already gone is fine (a repeated Delete).
    let again = s.function.send(RESOURCE.delete(PARAMETER, remove)).await;
    again.assert_success();
}

#[tokio::test]
async fn a_new_parameter_name_is_a_new_physical_id() {
    let s = setup().await;
    let old = json!({"ParameterName": PARAMETER, "RetainParameter": "false"});
    let created = s.function.send(RESOURCE.create(old.clone())).await;
    created.assert_success();
    let first = created.data("Prefix").expect("Prefix").to_owned();

    // Renaming with the prefix given keeps the domain.
    let renamed = "/sagemaker-workforce/local-test/renamed";
    let new = json!({"ParameterName": renamed, "Prefix": &first});
    let updated = s
        .function
        .send(RESOURCE.update(PARAMETER, new, old.clone()))
        .await;
    updated.assert_success();
    assert_eq!(updated.physical_id(), renamed);
    assert_eq!(updated.data("Prefix"), Some(first.as_str()));
    assert_eq!(
        value(&s.ssm, renamed).await.as_deref(),
        Some(first.as_str())
    );

    // CloudFormation's cleanup Delete of the old id, with the old properties.
    let cleanup = s.function.send(RESOURCE.delete(PARAMETER, old)).await;
    cleanup.assert_success();
    assert_eq!(value(&s.ssm, PARAMETER).await, None);
    assert_eq!(
        value(&s.ssm, renamed).await.as_deref(),
        Some(first.as_str())
    );
}

#[tokio::test]
async fn an_unknown_property_fails_naming_it() {
    let s = setup().await;
    let props = json!({"ParameterName": PARAMETER, "Prefx": "typo"});
    let answered = s.function.send(RESOURCE.create(props)).await;
    answered.assert_failed_naming(&["`Prefx`"]);
    assert_eq!(stored(&s.ssm, PARAMETER).await, None);
}

#[tokio::test]
async fn the_fixtures_parse_and_succeed() {
    let s = setup().await;
    let create = harness::fixture_event("domain-prefix-create.json");
    assert_eq!(create["RequestType"], "Create");
    assert!(
        create["ResponseURL"]
            .as_str()
            .is_some_and(|url| url.starts_with("https://"))
    );
    let created = s.function.send(create).await;
    created.assert_success();
    assert_eq!(created.physical_id(), PARAMETER);
    let prefix = created.data("Prefix").expect("Prefix").to_owned();
    assert!(is_generated(&prefix), "{prefix}");

    let update = harness::fixture_event("domain-prefix-update.json");
    assert_eq!(update["PhysicalResourceId"], PARAMETER);
    assert!(update["OldResourceProperties"].is_object());
    let updated = s.function.send(update).await;
    updated.assert_success();
    assert_eq!(updated.data("Prefix"), Some(prefix.as_str()));

    // The fixture retains the parameter.
    let deleted = s
        .function
        .send(harness::fixture_event("domain-prefix-delete.json"))
        .await;
    deleted.assert_success();
    assert_eq!(deleted.physical_id(), PARAMETER);
    assert_eq!(
        value(&s.ssm, PARAMETER).await.as_deref(),
        Some(prefix.as_str())
    );
}

/// CONTRACT rule 9: the global `AWS_ENDPOINT_URL` alone points a function at
/// an emulator too (the harness otherwise sets the per-service variables).
#[tokio::test]
async fn the_global_endpoint_variable_alone_reaches_the_emulator() {
    let moto = MotoServer::start().await.expect("moto starts");
    let ssm = aws_sdk_ssm::Client::new(&moto.sdk_config().await);
    let mut env: Vec<(String, String)> = harness::aws_env(Some(&moto), None)
        .into_iter()
        .filter(|(name, _)| !name.starts_with("AWS_ENDPOINT_URL_"))
        .collect();
    env.push(("AWS_ENDPOINT_URL".to_owned(), moto.endpoint_url()));
    let function = FunctionUnderTest::start(env!("CARGO_BIN_EXE_domain-prefix"), env)
        .await
        .expect("function host starts");

    let created = function
        .send(RESOURCE.create(json!({"ParameterName": PARAMETER})))
        .await;
    created.assert_success();
    let prefix = created.data("Prefix").expect("Data.Prefix").to_owned();
    assert_eq!(
        value(&ssm, PARAMETER).await.as_deref(),
        Some(prefix.as_str())
    );
}
