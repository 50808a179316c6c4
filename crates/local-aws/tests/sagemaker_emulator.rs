//! The SageMaker emulator driven by the real aws-sdk-sagemaker client: what
//! the functions' tests rely on it to do like the service. Each test starts
//! its own emulator, so they run in parallel.

use std::time::Duration;

use aws_sdk_cognitoidentityprovider as cognito_idp;
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::config::retry::RetryConfig;
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_sdk_sagemaker::types::{
    CognitoConfig, CognitoMemberDefinition, MemberDefinition, OidcConfig, SourceIpConfig,
    Workforce, WorkforceStatus, WorkforceVpcConfigRequest,
};
use local_aws::moto::MotoServer;
use local_aws::sagemaker::{EmulatorOptions, SageMakerEmulator};

const POOL: &str = "us-east-1_AbCdEf123";
const CLIENT: &str = "3n4b5urk1ft4fl3mg5e62d9ado";

fn fast() -> EmulatorOptions {
    EmulatorOptions {
        settle_after: Duration::from_millis(50),
        delete_after: Duration::from_millis(50),
        cognito_endpoint: None,
    }
}

async fn client_in(emulator: &SageMakerEmulator, region: &str) -> Client {
    Client::new(&local_aws::sdk_config(&emulator.endpoint_url(), region).await)
}

async fn client(emulator: &SageMakerEmulator) -> Client {
    client_in(emulator, local_aws::REGION).await
}

/// A client that retries throttling at most `attempts` times in all, quickly.
async fn client_with_attempts(emulator: &SageMakerEmulator, attempts: u32) -> Client {
    let config = local_aws::sdk_config(&emulator.endpoint_url(), local_aws::REGION).await;
    let retry = if attempts <= 1 {
        RetryConfig::disabled()
    } else {
        RetryConfig::standard()
            .with_max_attempts(attempts)
            .with_initial_backoff(Duration::from_millis(1))
    };
    Client::from_conf(
        aws_sdk_sagemaker::config::Builder::from(&config)
            .retry_config(retry)
            .build(),
    )
}

fn cognito(pool: &str, client: &str) -> CognitoConfig {
    CognitoConfig::builder()
        .user_pool(pool)
        .client_id(client)
        .build()
}

fn error_of<E: ProvideErrorMetadata>(error: &E) -> (String, String) {
    (
        error.code().unwrap_or_default().to_owned(),
        error.message().unwrap_or_default().to_owned(),
    )
}

async fn create(c: &Client, name: &str) -> String {
    c.create_workforce()
        .workforce_name(name)
        .cognito_config(cognito(POOL, CLIENT))
        .send()
        .await
        .unwrap()
        .workforce_arn
        .unwrap()
}

async fn describe(c: &Client, name: &str) -> Workforce {
    c.describe_workforce()
        .workforce_name(name)
        .send()
        .await
        .unwrap()
        .workforce
        .unwrap()
}

/// Polls (bounded) until the workforce leaves `Initializing`/`Updating`.
async fn settled(c: &Client, name: &str) -> Workforce {
    for _ in 0..500 {
        let workforce = describe(c, name).await;
        match workforce.status() {
            Some(WorkforceStatus::Initializing | WorkforceStatus::Updating) => {}
            _ => return workforce,
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("workforce {name} did not settle");
}

/// Polls (bounded) until DescribeWorkforce says the workforce is gone.
async fn gone(c: &Client, name: &str) -> (String, String) {
    for _ in 0..500 {
        match c.describe_workforce().workforce_name(name).send().await {
            Ok(out) => assert_eq!(
                out.workforce.unwrap().status(),
                Some(&WorkforceStatus::Deleting)
            ),
            Err(e) => return error_of(&e),
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("workforce {name} was not deleted");
}

#[tokio::test]
async fn create_describe_list_update_delete_round_trip() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    let arn = c
        .create_workforce()
        .workforce_name("crowd")
        .cognito_config(cognito(POOL, CLIENT))
        .source_ip_config(SourceIpConfig::builder().cidrs("10.0.0.0/16").build())
        .send()
        .await
        .unwrap()
        .workforce_arn
        .unwrap();
    assert_eq!(
        arn,
        "arn:aws:sagemaker:us-east-1:123456789012:workforce/crowd"
    );

    let first = describe(&c, "crowd").await;
    assert_eq!(first.workforce_name(), Some("crowd"));
    assert_eq!(first.workforce_arn(), Some(arn.as_str()));
    assert_eq!(first.cognito_config(), Some(&cognito(POOL, CLIENT)));
    assert_eq!(
        first.source_ip_config().unwrap().cidrs(),
        ["10.0.0.0/16".to_owned()]
    );
    assert!(first.create_date().is_some() && first.last_updated_date().is_some());
    assert_eq!(first.workforce_vpc_config(), None);
    assert_eq!(first.failure_reason(), None);
    assert_eq!(first.ip_address_type().map(|t| t.as_str()), Some("ipv4"));
    let sub_domain = first.sub_domain().unwrap().to_owned();
    let (host, rest) = sub_domain.split_once('.').unwrap();
    assert_eq!(host.len(), 10);
    assert_eq!(rest, "labeling.us-east-1.sagemaker.aws");
    // Fresh workforces start Initializing (unless the 50 ms already passed).
    assert!(matches!(
        first.status(),
        Some(WorkforceStatus::Initializing | WorkforceStatus::Active)
    ));

    let active = settled(&c, "crowd").await;
    assert_eq!(active.status(), Some(&WorkforceStatus::Active));
    assert_eq!(active.sub_domain(), Some(sub_domain.as_str()));
    assert!(active.last_updated_date() >= first.last_updated_date());

    let listed = c.list_workforces().send().await.unwrap().workforces;
    assert_eq!(listed, Some(vec![active.clone()]));
    let none = c
        .list_workforces()
        .name_contains("other")
        .send()
        .await
        .unwrap()
        .workforces;
    assert_eq!(none, Some(vec![]));

    // Update: new source IPs and a VPC; the answer already says Updating.
    let vpc = WorkforceVpcConfigRequest::builder()
        .vpc_id("vpc-0123abcd")
        .security_group_ids("sg-0123")
        .subnets("subnet-01")
        .subnets("subnet-02")
        .build();
    let updated = c
        .update_workforce()
        .workforce_name("crowd")
        .source_ip_config(
            SourceIpConfig::builder()
                .cidrs("192.168.0.0/24")
                .cidrs("2001:db8::/32")
                .build(),
        )
        .workforce_vpc_config(vpc)
        .send()
        .await
        .unwrap()
        .workforce
        .unwrap();
    assert!(matches!(
        updated.status(),
        Some(WorkforceStatus::Updating | WorkforceStatus::Active)
    ));
    let after = settled(&c, "crowd").await;
    assert_eq!(after.status(), Some(&WorkforceStatus::Active));
    assert_eq!(
        after.source_ip_config().unwrap().cidrs(),
        ["192.168.0.0/24".to_owned(), "2001:db8::/32".to_owned()]
    );
    let vpc = after.workforce_vpc_config().unwrap();
    assert_eq!(vpc.vpc_id(), Some("vpc-0123abcd"));
    assert_eq!(vpc.security_group_ids(), ["sg-0123".to_owned()]);
    assert_eq!(
        vpc.subnets(),
        ["subnet-01".to_owned(), "subnet-02".to_owned()]
    );
    assert!(vpc.vpc_endpoint_id().unwrap().starts_with("vpce-"));
    assert_eq!(after.sub_domain(), Some(sub_domain.as_str()));
    assert_eq!(after.cognito_config(), Some(&cognito(POOL, CLIENT)));

    // `{}` removes the VPC config; the source IPs stay.
    c.update_workforce()
        .workforce_name("crowd")
        .workforce_vpc_config(WorkforceVpcConfigRequest::builder().build())
        .send()
        .await
        .unwrap();
    let after = settled(&c, "crowd").await;
    assert_eq!(after.workforce_vpc_config(), None);
    assert_eq!(after.source_ip_config().unwrap().cidrs().len(), 2);

    c.delete_workforce()
        .workforce_name("crowd")
        .send()
        .await
        .unwrap();
    let (code, message) = gone(&c, "crowd").await;
    assert_eq!(code, "ValidationException");
    assert!(message.contains("No workforce"), "{message}");
    assert_eq!(
        c.list_workforces().send().await.unwrap().workforces,
        Some(vec![])
    );
    assert!(emulator.workforces().is_empty());

    let calls = emulator.calls();
    let first_of = |op: &str| calls.iter().position(|c| c == op).unwrap();
    assert_eq!(calls[0], "CreateWorkforce");
    assert!(first_of("ListWorkforces") < first_of("UpdateWorkforce"));
    assert!(first_of("UpdateWorkforce") < first_of("DeleteWorkforce"));
    assert_eq!(calls.last().map(String::as_str), Some("ListWorkforces"));
}

#[tokio::test]
async fn one_workforce_per_region_and_regions_are_independent() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let east = client(&emulator).await;
    let west = client_in(&emulator, "eu-west-1").await;
    create(&east, "first").await;

    let error = east
        .create_workforce()
        .workforce_name("second")
        .cognito_config(cognito(POOL, CLIENT))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&error);
    assert_eq!(code, "ResourceLimitExceeded");
    assert!(message.contains("'first'"), "{message}");
    assert!(message.contains("us-east-1"), "{message}");
    // Same name again is refused too: the region holds one workforce.
    let again = east
        .create_workforce()
        .workforce_name("first")
        .cognito_config(cognito(POOL, CLIENT))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&again).0, "ResourceLimitExceeded");

    let west_arn = create(&west, "second").await;
    assert_eq!(
        west_arn,
        "arn:aws:sagemaker:eu-west-1:123456789012:workforce/second"
    );
    let west_one = describe(&west, "second").await;
    assert!(
        west_one
            .sub_domain()
            .unwrap()
            .ends_with(".labeling.eu-west-1.sagemaker.aws")
    );
    // Each region sees only its own.
    let (code, message) = error_of(
        &east
            .describe_workforce()
            .workforce_name("second")
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "ValidationException");
    assert!(message.contains("No workforce"), "{message}");
    let names = |list: Option<Vec<Workforce>>| -> Vec<String> {
        list.unwrap_or_default()
            .into_iter()
            .filter_map(|w| w.workforce_name)
            .collect()
    };
    assert_eq!(
        names(east.list_workforces().send().await.unwrap().workforces),
        ["first"]
    );
    assert_eq!(
        names(west.list_workforces().send().await.unwrap().workforces),
        ["second"]
    );

    let mut all: Vec<String> = emulator
        .workforces()
        .iter()
        .map(|w| w["WorkforceArn"].as_str().unwrap().to_owned())
        .collect();
    all.sort();
    assert_eq!(
        all,
        [
            "arn:aws:sagemaker:eu-west-1:123456789012:workforce/second",
            "arn:aws:sagemaker:us-east-1:123456789012:workforce/first",
        ]
    );

    // Once the first is deleted (and gone), the region takes a new one.
    settled(&east, "first").await;
    east.delete_workforce()
        .workforce_name("first")
        .send()
        .await
        .unwrap();
    // Still Deleting: the region is not free yet.
    let while_deleting = east
        .create_workforce()
        .workforce_name("third")
        .cognito_config(cognito(POOL, CLIENT))
        .send()
        .await;
    match while_deleting {
        Err(e) => {
            assert_eq!(error_of(&e).0, "ResourceLimitExceeded");
            gone(&east, "first").await;
            create(&east, "third").await;
        }
        // Only if the delete period had already passed.
        Ok(_) => assert!(
            east.describe_workforce()
                .workforce_name("first")
                .send()
                .await
                .is_err()
        ),
    }
    assert_eq!(
        describe(&east, "third").await.workforce_arn(),
        Some("arn:aws:sagemaker:us-east-1:123456789012:workforce/third")
    );
}

#[tokio::test]
async fn unknown_names_are_not_found_errors() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    let describe = c
        .describe_workforce()
        .workforce_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_of(&describe),
        (
            "ValidationException".to_owned(),
            "No workforce found with name nope".to_owned()
        )
    );
    let delete = c
        .delete_workforce()
        .workforce_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&delete), error_of(&describe));
    let update = c
        .update_workforce()
        .workforce_name("nope")
        .source_ip_config(SourceIpConfig::builder().cidrs("10.0.0.0/8").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&update), error_of(&describe));

    let team = c
        .describe_workteam()
        .workteam_name("team")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&team);
    assert_eq!(code, "ValidationException");
    assert!(message.contains("The work team"), "{message}");
    let delete_team = c
        .delete_workteam()
        .workteam_name("team")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&delete_team), (code, message));

    // A work team needs its workforce (here the implicit "default").
    let orphan = c
        .create_workteam()
        .workteam_name("team")
        .description("d")
        .member_definitions(member(POOL, CLIENT))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_of(&orphan).1,
        "No workforce found with name default".to_owned()
    );
}

#[tokio::test]
async fn requests_are_validated_like_the_service() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    let create_error =
        |name: &str, source_ip: Option<SourceIpConfig>, vpc: Option<WorkforceVpcConfigRequest>| {
            let request = c
                .create_workforce()
                .workforce_name(name)
                .cognito_config(cognito(POOL, CLIENT))
                .set_source_ip_config(source_ip)
                .set_workforce_vpc_config(vpc);
            async move { error_of(&request.send().await.unwrap_err()) }
        };

    let (code, message) = create_error("bad_name", None, None).await;
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value 'bad_name' at 'workforceName' failed to satisfy \
         constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9]([a-zA-Z0-9\\-]){0,62}$"
    );
    let (_, message) = create_error(&"a".repeat(64), None, None).await;
    assert!(
        message.contains("Member must have length less than or equal to 63"),
        "{message}"
    );

    let cidrs = SourceIpConfig::builder()
        .cidrs("10.0.0.0/8")
        .cidrs("10.0.0.0/33")
        .build();
    let (code, message) = create_error("ok", Some(cidrs), None).await;
    assert_eq!(code, "ValidationException");
    assert!(
        message.starts_with(
            "1 validation error detected: Value '10.0.0.0/33' at 'sourceIpConfig.cidrs.2.member'"
        ),
        "{message}"
    );
    let eleven = SourceIpConfig::builder()
        .set_cidrs(Some((0..11).map(|i| format!("10.0.{i}.0/24")).collect()))
        .build();
    let (_, message) = create_error("ok", Some(eleven), None).await;
    assert!(message.contains("at 'sourceIpConfig.cidrs'"), "{message}");
    assert!(message.contains("less than or equal to 10"), "{message}");

    let vpc = WorkforceVpcConfigRequest::builder()
        .vpc_id("vpc-1")
        .security_group_ids("group-1")
        .set_subnets(Some((0..17).map(|i| format!("subnet-{i}")).collect()))
        .build();
    let (code, message) = create_error("ok", None, Some(vpc)).await;
    assert_eq!(code, "ValidationException");
    assert!(
        message.starts_with("2 validation errors detected"),
        "{message}"
    );
    assert!(
        message.contains("Value 'group-1' at 'workforceVpcConfig.securityGroupIds.1.member'"),
        "{message}"
    );
    assert!(
        message.contains("at 'workforceVpcConfig.subnets' failed to satisfy constraint: Member must have length less than or equal to 16"),
        "{message}"
    );
    let half = WorkforceVpcConfigRequest::builder().vpc_id("vpc-1").build();
    let (_, message) = create_error("ok", None, Some(half)).await;
    assert!(
        message.contains("Value null at 'workforceVpcConfig.securityGroupIds'"),
        "{message}"
    );

    let pool = c
        .create_workforce()
        .workforce_name("ok")
        .cognito_config(cognito("no-underscore", CLIENT))
        .send()
        .await
        .unwrap_err();
    assert!(
        error_of(&pool)
            .1
            .contains("Value 'no-underscore' at 'cognitoConfig.userPool'")
    );

    let oidc = OidcConfig::builder()
        .client_id("id")
        .client_secret("secret")
        .issuer("https://idp.example.com")
        .authorization_endpoint("https://idp.example.com/authorize")
        .token_endpoint("https://idp.example.com/token")
        .user_info_endpoint("https://idp.example.com/userinfo")
        .logout_endpoint("https://idp.example.com/logout")
        .jwks_uri("https://idp.example.com/jwks")
        .build();
    let both = c
        .create_workforce()
        .workforce_name("ok")
        .cognito_config(cognito(POOL, CLIENT))
        .oidc_config(oidc)
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&both);
    assert_eq!(code, "ValidationException");
    assert!(message.contains("mutually exclusive"), "{message}");
    let neither = c
        .create_workforce()
        .workforce_name("ok")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&neither).0, "ValidationException");

    // Nothing was created by any of these.
    assert!(emulator.workforces().is_empty());
}

fn member(pool: &str, client: &str) -> MemberDefinition {
    MemberDefinition::builder()
        .cognito_member_definition(
            CognitoMemberDefinition::builder()
                .user_pool(pool)
                .user_group("labelers")
                .client_id(client)
                .build(),
        )
        .build()
}

#[tokio::test]
async fn a_workforce_with_work_teams_is_in_use() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    let workforce_arn = create(&c, "default").await;
    emulator.never_settle(true);
    let early = c
        .create_workteam()
        .workteam_name("labelers")
        .description("Labelers")
        .member_definitions(member(POOL, CLIENT))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&early).0, "ConflictException");
    emulator.never_settle(false);
    let workforce = settled(&c, "default").await;

    let wrong_pool = c
        .create_workteam()
        .workteam_name("labelers")
        .description("Labelers")
        .member_definitions(member("us-east-1_Other1", CLIENT))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&wrong_pool).0, "ValidationException");

    // WorkforceName left out: the work team joins "default".
    let team_arn = c
        .create_workteam()
        .workteam_name("labelers")
        .description("Labelers")
        .member_definitions(member(POOL, CLIENT))
        .send()
        .await
        .unwrap()
        .workteam_arn
        .unwrap();
    assert!(team_arn.starts_with("arn:aws:sagemaker:us-east-1:123456789012:workteam/"));
    assert!(team_arn.ends_with("/labelers"));
    let team = c
        .describe_workteam()
        .workteam_name("labelers")
        .send()
        .await
        .unwrap()
        .workteam
        .unwrap();
    assert_eq!(team.workteam_name(), Some("labelers"));
    assert_eq!(team.workteam_arn(), Some(team_arn.as_str()));
    assert_eq!(team.workforce_arn(), Some(workforce_arn.as_str()));
    assert_eq!(team.description(), Some("Labelers"));
    assert_eq!(team.member_definitions(), [member(POOL, CLIENT)]);
    assert_eq!(team.sub_domain(), workforce.sub_domain());
    assert!(team.create_date().is_some());
    let listed = c.list_workteams().send().await.unwrap().workteams;
    assert_eq!(listed, Some(vec![team]));

    let duplicate = c
        .create_workteam()
        .workteam_name("labelers")
        .description("Labelers")
        .member_definitions(member(POOL, CLIENT))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&duplicate).0, "ResourceInUse");

    let in_use = c
        .delete_workforce()
        .workforce_name("default")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&in_use);
    assert_eq!(code, "ResourceInUse");
    assert!(message.contains("labelers"), "{message}");
    assert_eq!(
        describe(&c, "default").await.status(),
        Some(&WorkforceStatus::Active)
    );

    let deleted = c
        .delete_workteam()
        .workteam_name("labelers")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.success(), Some(true));
    c.delete_workforce()
        .workforce_name("default")
        .send()
        .await
        .unwrap();
    gone(&c, "default").await;
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk_and_surfaces_when_retries_run_out() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client_with_attempts(&emulator, 3).await;

    // Two throttles, three attempts: the call succeeds on the third.
    emulator.throttle_next(2);
    let listed = c.list_workforces().send().await.unwrap();
    assert_eq!(listed.workforces, Some(vec![]));
    assert_eq!(emulator.calls(), ["ListWorkforces"; 3]);

    // Three throttles, three attempts: the error surfaces.
    emulator.throttle_next(3);
    let error = c.list_workforces().send().await.unwrap_err();
    assert_eq!(
        error_of(&error),
        ("ThrottlingException".to_owned(), "Rate exceeded".to_owned())
    );
    assert_eq!(emulator.calls().len(), 6);

    // Without retries a single throttle is the answer; the next call is served.
    let once = client_with_attempts(&emulator, 1).await;
    emulator.throttle_next(1);
    let error = once
        .describe_workforce()
        .workforce_name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&error).0, "ThrottlingException");
    let error = once
        .describe_workforce()
        .workforce_name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&error).0, "ValidationException");
    assert_eq!(emulator.calls().len(), 8);
}

#[tokio::test]
async fn never_settle_keeps_a_workforce_initializing_and_blocks_changes() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    emulator.never_settle(true);
    create(&c, "stuck").await;
    // Several settle periods pass; it stays Initializing.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stuck = describe(&c, "stuck").await;
    assert_eq!(stuck.status(), Some(&WorkforceStatus::Initializing));
    assert_eq!(emulator.workforces()[0]["Status"], "Initializing");

    let update = c
        .update_workforce()
        .workforce_name("stuck")
        .source_ip_config(SourceIpConfig::builder().cidrs("10.0.0.0/8").build())
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&update);
    assert_eq!(code, "ConflictException");
    assert!(message.contains("Initializing"), "{message}");
    let delete = c
        .delete_workforce()
        .workforce_name("stuck")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&delete);
    assert_eq!(code, "ConflictException");
    assert!(message.contains("Initializing"), "{message}");
    assert!(message.contains("Active or Failed"), "{message}");

    // Updating stays too.
    emulator.never_settle(false);
    assert_eq!(
        settled(&c, "stuck").await.status(),
        Some(&WorkforceStatus::Active)
    );
    emulator.never_settle(true);
    c.update_workforce()
        .workforce_name("stuck")
        .source_ip_config(SourceIpConfig::builder().cidrs("10.0.0.0/8").build())
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        describe(&c, "stuck").await.status(),
        Some(&WorkforceStatus::Updating)
    );
    emulator.never_settle(false);
    assert_eq!(
        settled(&c, "stuck").await.status(),
        Some(&WorkforceStatus::Active)
    );
}

#[tokio::test]
async fn fail_next_workforce_settles_as_failed_and_can_be_deleted() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    emulator.fail_next_workforce("Insufficient capacity to create the labeling portal");
    create(&c, "doomed").await;
    let failed = settled(&c, "doomed").await;
    assert_eq!(failed.status(), Some(&WorkforceStatus::Failed));
    assert_eq!(
        failed.failure_reason(),
        Some("Insufficient capacity to create the labeling portal")
    );
    let update = c
        .update_workforce()
        .workforce_name("doomed")
        .source_ip_config(SourceIpConfig::builder().cidrs("10.0.0.0/8").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&update).0, "ConflictException");
    c.delete_workforce()
        .workforce_name("doomed")
        .send()
        .await
        .unwrap();
    gone(&c, "doomed").await;

    // Only the next one fails.
    create(&c, "fine").await;
    let fine = settled(&c, "fine").await;
    assert_eq!(fine.status(), Some(&WorkforceStatus::Active));
    assert_eq!(fine.failure_reason(), None);
}

#[tokio::test]
async fn unknown_operations_and_the_wire_format() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    let error = c.list_domains().send().await.unwrap_err();
    let (code, message) = error_of(&error);
    assert_eq!(code, "UnknownOperationException");
    assert!(message.contains("SageMaker.ListDomains"), "{message}");

    let http = local_aws::http_client().unwrap();
    let response = http
        .post(emulator.endpoint_url())
        .header("x-amz-target", "SageMaker.DescribeWorkforce")
        .header("content-type", "application/x-amz-json-1.1")
        .body(r#"{"WorkforceName":"missing"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["x-amzn-errortype"],
        "ValidationException"
    );
    assert_eq!(
        response.headers()["content-type"],
        "application/x-amz-json-1.1"
    );
    assert!(response.headers().contains_key("x-amzn-requestid"));
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "__type": "ValidationException",
            "Message": "No workforce found with name missing",
        })
    );

    let malformed = http
        .post(emulator.endpoint_url())
        .header("x-amz-target", "SageMaker.DescribeWorkforce")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        malformed.headers()["x-amzn-errortype"],
        "SerializationException"
    );
    let no_target = http
        .post(emulator.endpoint_url())
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        no_target.headers()["x-amzn-errortype"],
        "UnknownOperationException"
    );
    assert_eq!(
        emulator.calls(),
        ["ListDomains", "DescribeWorkforce", "DescribeWorkforce", ""]
    );
}

// ---------------------------------------------------------------------------
// The Cognito side effect, against the project's moto

async fn cognito_client(moto: &MotoServer) -> cognito_idp::Client {
    cognito_idp::Client::new(&moto.sdk_config().await)
}

#[tokio::test]
async fn a_cognito_workforce_adds_the_portal_urls_and_keeps_every_client_setting() {
    use cognito_idp::types::{
        ExplicitAuthFlowsType, OAuthFlowType, PreventUserExistenceErrorTypes, TimeUnitsType,
        TokenValidityUnitsType,
    };
    let moto = MotoServer::start().await.unwrap();
    let idp = cognito_client(&moto).await;
    let pool = idp
        .create_user_pool()
        .pool_name("workers")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let created = idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("portal")
        .generate_secret(true)
        .refresh_token_validity(7)
        .access_token_validity(30)
        .id_token_validity(45)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .id_token(TimeUnitsType::Minutes)
                .refresh_token(TimeUnitsType::Days)
                .build(),
        )
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .supported_identity_providers("COGNITO")
        .callback_urls("https://127.0.0.1")
        .logout_urls("https://127.0.0.1/logout")
        .default_redirect_uri("https://127.0.0.1")
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_flows(OAuthFlowType::Implicit)
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("profile")
        .allowed_o_auth_flows_user_pool_client(true)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .enable_token_revocation(false)
        .auth_session_validity(10)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = created.client_id.clone().unwrap();
    let before = idp
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();

    let emulator = SageMakerEmulator::start(EmulatorOptions {
        cognito_endpoint: Some(moto.endpoint_url()),
        ..fast()
    })
    .await
    .unwrap();
    let c = client(&emulator).await;
    c.create_workforce()
        .workforce_name("portal")
        .cognito_config(cognito(&pool, &client_id))
        .send()
        .await
        .unwrap();
    let sub_domain = describe(&c, "portal").await.sub_domain.unwrap();

    let after = idp
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let mut expected = before.clone();
    expected.callback_urls = Some(vec![
        "https://127.0.0.1".to_owned(),
        format!("https://{sub_domain}/oauth2/idpresponse"),
    ]);
    expected.logout_urls = Some(vec![
        "https://127.0.0.1/logout".to_owned(),
        format!("https://{sub_domain}/logout"),
    ]);
    expected.last_modified_date = after.last_modified_date;
    assert_eq!(after, expected);
    assert!(after.last_modified_date >= before.last_modified_date);

    // A client that does not exist fails the create, naming it; nothing is created.
    let other = SageMakerEmulator::start(EmulatorOptions {
        cognito_endpoint: Some(moto.endpoint_url()),
        ..fast()
    })
    .await
    .unwrap();
    let missing = client(&other)
        .await
        .create_workforce()
        .workforce_name("portal")
        .cognito_config(cognito(&pool, "nosuchclient123"))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&missing);
    assert_eq!(code, "ValidationException");
    assert!(message.contains("nosuchclient123"), "{message}");
    assert!(message.contains(&pool), "{message}");
    assert!(other.workforces().is_empty());
}

#[tokio::test]
async fn update_workteam_replaces_what_it_is_given_and_answers_the_team() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    let workforce_arn = create(&c, "wf").await;
    settled(&c, "wf").await;
    c.create_workteam()
        .workteam_name("wf-team")
        .workforce_name("wf")
        .description("Labelers")
        .member_definitions(member(POOL, CLIENT))
        .send()
        .await
        .unwrap();
    let regrouped = MemberDefinition::builder()
        .cognito_member_definition(
            CognitoMemberDefinition::builder()
                .user_pool(POOL)
                .user_group("reviewers")
                .client_id(CLIENT)
                .build(),
        )
        .build();
    let updated = c
        .update_workteam()
        .workteam_name("wf-team")
        .member_definitions(regrouped.clone())
        .description("Reviewers")
        .send()
        .await
        .unwrap()
        .workteam
        .unwrap();
    assert_eq!(
        updated.member_definitions(),
        std::slice::from_ref(&regrouped)
    );
    assert_eq!(updated.description(), Some("Reviewers"));
    assert_eq!(updated.workforce_arn(), Some(workforce_arn.as_str()));
    // Only the description: the members stay.
    let described = c
        .update_workteam()
        .workteam_name("wf-team")
        .description("Reviewers too")
        .send()
        .await
        .unwrap()
        .workteam
        .unwrap();
    assert_eq!(described.member_definitions(), [regrouped]);
    // ListWorkteams says which workforce each team is on.
    let listed = c.list_workteams().send().await.unwrap();
    assert_eq!(
        listed.workteams()[0].workforce_arn(),
        Some(workforce_arn.as_str())
    );
    assert_eq!(listed.workteams()[0].description(), Some("Reviewers too"));

    // Another pool or client than the workforce's is refused, as on create.
    let foreign = c
        .update_workteam()
        .workteam_name("wf-team")
        .member_definitions(member("us-east-1_Other1", CLIENT))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&foreign).0, "ValidationException");
    let missing = c
        .update_workteam()
        .workteam_name("nobody")
        .description("x")
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&missing);
    assert_eq!(code, "ValidationException");
    assert!(message.contains("does not exist"), "{message}");
    let bad = c
        .update_workteam()
        .workteam_name("wf-team")
        .description("")
        .send()
        .await
        .unwrap_err();
    assert!(
        error_of(&bad).1.contains("description"),
        "{:?}",
        error_of(&bad)
    );
}

fn tag(key: &str, value: &str) -> aws_sdk_sagemaker::types::Tag {
    aws_sdk_sagemaker::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
}

#[tokio::test]
async fn tags_come_with_create_change_by_arn_and_go_with_the_resource() {
    let emulator = SageMakerEmulator::start(fast()).await.unwrap();
    let c = client(&emulator).await;
    let workforce_arn = c
        .create_workforce()
        .workforce_name("default")
        .cognito_config(cognito(POOL, CLIENT))
        .tags(tag("team", "labeling"))
        .tags(tag("cost-center", "42"))
        .send()
        .await
        .unwrap()
        .workforce_arn
        .unwrap();
    assert_eq!(
        local_aws::sagemaker_tags(&emulator.endpoint_url(), &workforce_arn).await,
        ["cost-center=42", "team=labeling"]
    );
    settled(&c, "default").await;
    let team_arn = c
        .create_workteam()
        .workteam_name("labelers")
        .description("Labelers")
        .member_definitions(member(POOL, CLIENT))
        .tags(tag("team", "labeling"))
        .send()
        .await
        .unwrap()
        .workteam_arn
        .unwrap();
    assert_eq!(
        local_aws::sagemaker_tags(&emulator.endpoint_url(), &team_arn).await,
        ["team=labeling"]
    );

    // AddTags overwrites a key's value and adds new keys; DeleteTags removes
    // keys, an absent one silently; the team's tags are its own.
    c.add_tags()
        .resource_arn(&workforce_arn)
        .tags(tag("team", "vision"))
        .tags(tag("owner", "ml@example.com"))
        .send()
        .await
        .unwrap();
    c.delete_tags()
        .resource_arn(&workforce_arn)
        .tag_keys("cost-center")
        .tag_keys("never-there")
        .send()
        .await
        .unwrap();
    assert_eq!(
        local_aws::sagemaker_tags(&emulator.endpoint_url(), &workforce_arn).await,
        ["owner=ml@example.com", "team=vision"]
    );
    assert_eq!(
        local_aws::sagemaker_tags(&emulator.endpoint_url(), &team_arn).await,
        ["team=labeling"]
    );

    // The service's rules: reserved prefix, pattern, 50 per resource.
    let reserved = c
        .add_tags()
        .resource_arn(&workforce_arn)
        .tags(tag("aws:created-by", "me"))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&reserved);
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains("'aws:created-by' at 'tags.1.member.key'"),
        "{message}"
    );
    let pattern = c
        .add_tags()
        .resource_arn(&workforce_arn)
        .tags(tag("a,b", "c"))
        .send()
        .await
        .unwrap_err();
    assert!(error_of(&pattern).1.contains("regular expression pattern"));
    let mut many = c.add_tags().resource_arn(&workforce_arn);
    for i in 0..49 {
        many = many.tags(tag(&format!("k{i}"), "v"));
    }
    let over = many.send().await.unwrap_err();
    assert_eq!(error_of(&over).0, "ResourceLimitExceeded");
    assert_eq!(
        local_aws::sagemaker_tags(&emulator.endpoint_url(), &workforce_arn)
            .await
            .len(),
        2,
        "nothing added"
    );

    // Gone with the resource: a recreated workforce of the same name starts
    // with its own Create's tags.
    c.delete_workteam()
        .workteam_name("labelers")
        .send()
        .await
        .unwrap();
    let unknown = c
        .list_tags()
        .resource_arn(&team_arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&unknown).0, "ValidationException");
    c.delete_workforce()
        .workforce_name("default")
        .send()
        .await
        .unwrap();
    gone(&c, "default").await;
    let again = create(&c, "default").await;
    assert_eq!(again, workforce_arn);
    assert!(
        local_aws::sagemaker_tags(&emulator.endpoint_url(), &again)
            .await
            .is_empty()
    );
}
