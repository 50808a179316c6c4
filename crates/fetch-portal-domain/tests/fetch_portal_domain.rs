//! `Custom::PortalDomain` through the real binary and the Lambda Runtime API,
//! against the project's SageMaker emulator.

use aws_sdk_sagemaker::types::{CognitoConfig, WorkforceStatus};
use local_aws::harness::{self, FunctionUnderTest, Resource};
use local_aws::sagemaker::{EmulatorOptions, SageMakerEmulator};
use serde_json::json;
use std::time::Duration;

const RESOURCE: Resource =
    Resource::new(fetch_portal_domain::CONTRACT.resource_type, "PortalDomain");
const WORKFORCE: &str = "local-test-workforce";

struct Setup {
    emulator: SageMakerEmulator,
    sagemaker: aws_sdk_sagemaker::Client,
    function: FunctionUnderTest,
}

/// Workforces settle at once unless a test says otherwise.
async fn setup() -> Setup {
    let emulator = SageMakerEmulator::start(EmulatorOptions {
        settle_after: Duration::ZERO,
        ..Default::default()
    })
    .await
    .expect("emulator starts");
    let config = local_aws::sdk_config(&emulator.endpoint_url(), local_aws::REGION).await;
    let function = FunctionUnderTest::start(
        env!("CARGO_BIN_EXE_fetch-portal-domain"),
        harness::aws_env(None, Some(&emulator.endpoint_url())),
    )
    .await
    .expect("function host starts");
    Setup {
        emulator,
        sagemaker: aws_sdk_sagemaker::Client::new(&config),
        function,
    }
}

impl Setup {
    async fn create_workforce(&self, name: &str) {
        let cognito = CognitoConfig::builder()
            .user_pool("us-east-1_AbCdEf123")
            .client_id("1example23456789")
            .build();
        self.sagemaker
            .create_workforce()
            .workforce_name(name)
            .cognito_config(cognito)
            .send()
            .await
            .expect("CreateWorkforce");
    }

    /// (status, sub-domain) as DescribeWorkforce shows them.
    async fn describe(&self, name: &str) -> (Option<WorkforceStatus>, String) {
        let output = self
            .sagemaker
            .describe_workforce()
            .workforce_name(name)
            .send()
            .await
            .expect("DescribeWorkforce");
        let workforce = output.workforce().expect("a workforce");
        (
            workforce.status().cloned(),
            workforce.sub_domain().unwrap_or_default().to_owned(),
        )
    }
}

/// The Data every answer for a portal's sub-domain carries, and nothing else.
fn portal_data(sub_domain: &str) -> [(&'static str, String); 4] {
    [
        ("SubDomain", sub_domain.to_owned()),
        ("PortalUrl", format!("https://{sub_domain}")),
        (
            "CallbackUrl",
            format!("https://{sub_domain}/oauth2/idpresponse"),
        ),
        ("LogoutUrl", format!("https://{sub_domain}/logout")),
    ]
}

#[tokio::test]
async fn create_and_update_hand_out_the_portal_urls_and_delete_does_nothing() {
    let s = setup().await;
    s.create_workforce(WORKFORCE).await;
    let (status, sub_domain) = s.describe(WORKFORCE).await;
    assert_eq!(status, Some(WorkforceStatus::Active));
    assert!(!sub_domain.is_empty());

    let props = json!({"WorkforceName": WORKFORCE});
    let created = s.function.send(RESOURCE.create(props.clone())).await;
    created.assert_success();
    assert_eq!(created.physical_id(), sub_domain);
    created.assert_data(&portal_data(&sub_domain));

    let updated = s
        .function
        .send(RESOURCE.update(&sub_domain, props.clone(), props.clone()))
        .await;
    updated.assert_success();
    assert_eq!(updated.physical_id(), sub_domain);
    updated.assert_data(&portal_data(&sub_domain));

    let calls_before = s.emulator.calls();
    let deleted = s.function.send(RESOURCE.delete(&sub_domain, props)).await;
    deleted.assert_success();
    assert_eq!(deleted.physical_id(), sub_domain);
    assert_eq!(s.emulator.calls(), calls_before, "Delete called SageMaker");
    assert_eq!(s.describe(WORKFORCE).await.0, Some(WorkforceStatus::Active));
}

/// A ResponseURL refused with server errors is retried with the same
/// answer; SageMaker is asked once, not once per attempt.
#[tokio::test]
async fn a_response_url_answering_500_before_200_gets_one_accepted_put() {
    let s = setup().await;
    s.create_workforce(WORKFORCE).await;
    let (_, sub_domain) = s.describe(WORKFORCE).await;
    let calls_before = s.emulator.calls().len();
    s.function.sink().script([500, 503]);
    let answered = s
        .function
        .send(RESOURCE.create(json!({"WorkforceName": WORKFORCE})))
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
    assert_eq!(answered.physical_id(), sub_domain);
    answered.assert_data(&portal_data(&sub_domain));
    let bodies: Vec<_> = answered.puts.iter().map(|p| p.json()).collect();
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_eq!(
        s.emulator.calls()[calls_before..],
        ["DescribeWorkforce".to_owned()],
        "the function's SageMaker calls"
    );
}

#[tokio::test]
async fn a_missing_workforce_fails_naming_it() {
    let s = setup().await;
    let answered = s
        .function
        .send(RESOURCE.create(json!({"WorkforceName": "no-such-workforce"})))
        .await;
    answered.assert_failed();
    let reason = answered.reason();
    assert!(
        reason.contains("workforce no-such-workforce does not exist"),
        "{reason}"
    );
    assert!(answered.physical_id().starts_with("created-nothing:"));
}

#[tokio::test]
async fn a_workforce_that_is_not_active_fails_saying_its_status() {
    let s = setup().await;
    s.emulator.never_settle(true);
    s.create_workforce(WORKFORCE).await;
    assert_eq!(
        s.describe(WORKFORCE).await.0,
        Some(WorkforceStatus::Initializing)
    );
    let props = json!({"WorkforceName": WORKFORCE});
    let answered = s.function.send(RESOURCE.create(props)).await;
    answered.assert_failed_naming(&["is Initializing, not Active"]);
}

#[tokio::test]
async fn a_failed_workforce_fails_with_its_failure_reason() {
    let s = setup().await;
    s.emulator
        .fail_next_workforce("the app client has no secret");
    s.create_workforce(WORKFORCE).await;
    assert_eq!(s.describe(WORKFORCE).await.0, Some(WorkforceStatus::Failed));
    let props = json!({"WorkforceName": WORKFORCE});
    let answered = s.function.send(RESOURCE.create(props)).await;
    answered.assert_failed();
    let reason = answered.reason();
    assert!(
        reason.contains("is Failed") && reason.contains("the app client has no secret"),
        "{reason}"
    );
}

#[tokio::test]
async fn bad_properties_fail_by_name_before_any_sagemaker_call() {
    let s = setup().await;
    for (props, needle) in [
        (
            json!({"WorkforceName": WORKFORCE, "WorkforceNmae": "x"}),
            "`WorkforceNmae`",
        ),
        (
            json!({"WorkforceName": "bad_name"}),
            "property `WorkforceName`",
        ),
        (json!({}), "`WorkforceName`"),
    ] {
        let answered = s.function.send(RESOURCE.create(props.clone())).await;
        answered.assert_failed_naming(&[needle]);
    }
    assert_eq!(s.emulator.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn the_fixtures_parse_and_succeed() {
    let s = setup().await;
    s.create_workforce(WORKFORCE).await;
    let (_, sub_domain) = s.describe(WORKFORCE).await;

    let create = harness::fixture_event("fetch-portal-domain-create.json");
    assert_eq!(create["ResourceProperties"]["WorkforceName"], WORKFORCE);
    let created = s.function.send(create).await;
    created.assert_success();
    assert_eq!(created.physical_id(), sub_domain);
    created.assert_data(&portal_data(&sub_domain));

    // The fixture's PhysicalResourceId is an example sub-domain; the Update
    // answers with the workforce's real one.
    let update = harness::fixture_event("fetch-portal-domain-update.json");
    assert!(update["OldResourceProperties"].is_object());
    let updated = s.function.send(update).await;
    updated.assert_success();
    assert_eq!(updated.physical_id(), sub_domain);
    updated.assert_data(&portal_data(&sub_domain));

    let delete = harness::fixture_event("fetch-portal-domain-delete.json");
    let given = delete["PhysicalResourceId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let deleted = s.function.send(delete).await;
    deleted.assert_success();
    assert_eq!(deleted.physical_id(), given);
}

/// A burst of throttling longer than the SDK's default three attempts is
/// ridden out (`custom_resource::network::MAX_ATTEMPTS`); one longer than
/// that fails the event with SageMaker's error, as it must.
#[tokio::test]
async fn a_burst_of_throttling_is_ridden_out_and_only_an_endless_one_fails() {
    let s = setup().await;
    s.create_workforce(WORKFORCE).await;
    let attempts = custom_resource::network::MAX_ATTEMPTS;
    s.emulator.throttle_next(attempts - 1);
    let answered = s
        .function
        .send(RESOURCE.create(json!({ "WorkforceName": WORKFORCE })))
        .await;
    answered.assert_success();
    s.emulator.throttle_next(attempts);
    let answered = s
        .function
        .send(RESOURCE.create(json!({ "WorkforceName": WORKFORCE })))
        .await;
    answered.assert_failed_naming(&["ThrottlingException"]);
}
