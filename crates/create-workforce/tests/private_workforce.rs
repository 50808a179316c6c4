//! `Custom::PrivateWorkforce` through the real binary and the Lambda Runtime
//! API, against the project's SageMaker emulator.

use local_aws::harness::{self, Answered, FunctionUnderTest, Resource};
use local_aws::moto::MotoServer;
use local_aws::sagemaker::{EmulatorOptions, SageMakerEmulator};
use serde_json::{Value, json};
use std::time::Duration;

const RESOURCE: Resource =
    Resource::new(create_workforce::CONTRACT.resource_type, "PrivateWorkforce");
/// A pool and client that do not exist: for events refused before any call.
const POOL: &str = "us-east-1_TestPool1";
const CLIENT: &str = "testclient1";
/// The client's callback before the workforce exists (as the template's).
const PLACEHOLDER: &str = "https://127.0.0.1";

struct Setup {
    sagemaker: SageMakerEmulator,
    function: FunctionUnderTest,
    cognito: aws_sdk_cognitoidentityprovider::Client,
    /// A real user pool and app client on moto, which SageMaker's
    /// CreateWorkforce (emulated) and the function both work on.
    pool: String,
    client: String,
    _moto: MotoServer,
}

async fn setup() -> Setup {
    let moto = MotoServer::start().await.expect("moto starts");
    let cognito = local_aws::cognito::client(&moto).await;
    let pool = local_aws::cognito::create_pool(&cognito, "workforce-pool")
        .await
        .expect("pool created");
    let client = new_client(&cognito, &pool).await;
    let sagemaker = SageMakerEmulator::start(EmulatorOptions {
        cognito_endpoint: Some(moto.endpoint_url()),
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator starts");
    let function = FunctionUnderTest::start(
        env!("CARGO_BIN_EXE_create-workforce"),
        harness::aws_env(Some(&moto), Some(&sagemaker.endpoint_url())),
    )
    .await
    .expect("function host starts");
    Setup {
        sagemaker,
        function,
        cognito,
        pool,
        client,
        _moto: moto,
    }
}

/// A code-flow app client on `pool` with the placeholder callback.
async fn new_client(cognito: &aws_sdk_cognitoidentityprovider::Client, pool: &str) -> String {
    local_aws::cognito::create_client(local_aws::cognito::code_flow_client(
        cognito,
        pool,
        &[PLACEHOLDER],
        &[],
    ))
    .await
    .expect("client created")
}

/// Properties on the pool and client that do not exist (see [`POOL`]).
fn props(name: &str) -> Value {
    props_on(POOL, CLIENT, name)
}

fn props_on(pool: &str, client: &str, name: &str) -> Value {
    json!({"WorkforceName": name, "UserPoolId": pool, "ClientId": client,
           "WorkteamName": format!("{name}-team"), "WorkerGroupName": "workers"})
}

/// Adds the work-team properties to a literal property set.
fn team_props(mut properties: Value) -> Value {
    let name = properties["WorkforceName"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    properties["WorkteamName"] = json!(format!("{name}-team"));
    properties["WorkerGroupName"] = json!("workers");
    properties
}

fn with(mut properties: Value, key: &str, value: Value) -> Value {
    properties[key] = value;
    properties
}

impl Setup {
    /// Properties on this setup's pool and client.
    fn props(&self, name: &str) -> Value {
        props_on(&self.pool, &self.client, name)
    }

    /// The client's (callback URLs, logout URLs).
    async fn client_urls(&self, client: &str) -> (Vec<String>, Vec<String>) {
        let described = local_aws::cognito::describe_client(&self.cognito, &self.pool, client)
            .await
            .expect("client described");
        (
            described.callback_urls().to_vec(),
            described.logout_urls().to_vec(),
        )
    }

    async fn create(&self, properties: Value) -> Answered {
        self.function.send(RESOURCE.create(properties)).await
    }

    async fn update(&self, physical_id: &str, properties: Value, old: Value) -> Answered {
        self.function
            .send(RESOURCE.update(physical_id, properties, old))
            .await
    }

    async fn delete(&self, physical_id: &str, properties: Value) -> Answered {
        self.function
            .send(RESOURCE.delete(physical_id, properties))
            .await
    }

    /// The emulator's workforces as DescribeWorkforce shows them.
    fn workforce(&self, name: &str) -> Option<Value> {
        self.sagemaker
            .workforces()
            .into_iter()
            .find(|workforce| workforce["WorkforceName"] == name)
    }

    fn names(&self) -> Vec<String> {
        self.sagemaker
            .workforces()
            .iter()
            .filter_map(|workforce| workforce["WorkforceName"].as_str().map(str::to_owned))
            .collect()
    }

    /// The region's work teams: (name, workforce ARN, group).
    async fn teams(&self) -> Vec<(String, String, String)> {
        let config = local_aws::sdk_config(&self.sagemaker.endpoint_url(), local_aws::REGION).await;
        let listed = aws_sdk_sagemaker::Client::new(&config)
            .list_workteams()
            .send()
            .await
            .unwrap();
        listed
            .workteams()
            .iter()
            .map(|team| {
                let group = team.member_definitions()[0]
                    .cognito_member_definition()
                    .and_then(|c| c.user_group())
                    .unwrap_or_default()
                    .to_owned();
                (
                    team.workteam_name().unwrap_or_default().to_owned(),
                    team.workforce_arn().unwrap_or_default().to_owned(),
                    group,
                )
            })
            .collect()
    }

    /// Creates a work team this resource did not make, on `workforce`.
    async fn stranger_team(&self, workforce: &str, team: &str) {
        let config = local_aws::sdk_config(&self.sagemaker.endpoint_url(), local_aws::REGION).await;
        aws_sdk_sagemaker::Client::new(&config)
            .create_workteam()
            .workteam_name(team)
            .workforce_name(workforce)
            .description("made by hand")
            .member_definitions(
                aws_sdk_sagemaker::types::MemberDefinition::builder()
                    .cognito_member_definition(
                        aws_sdk_sagemaker::types::CognitoMemberDefinition::builder()
                            .user_pool(&self.pool)
                            .client_id(&self.client)
                            .user_group("others")
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }

    fn count(&self, operation: &str) -> usize {
        self.sagemaker
            .calls()
            .iter()
            .filter(|call| *call == operation)
            .count()
    }
}

#[tokio::test]
async fn create_waits_for_active_and_answers_with_the_workforce() {
    let s = setup().await;
    let answered = s.create(s.props("labelers")).await;
    answered.assert_success().assert_single_put();
    assert_eq!(answered.physical_id(), "labelers");
    let live = s.workforce("labelers").expect("workforce created");
    assert_eq!(live["Status"], "Active");
    assert_eq!(live["CognitoConfig"]["UserPool"], s.pool.as_str());
    assert_eq!(live["CognitoConfig"]["ClientId"], s.client.as_str());
    assert_eq!(answered.data("WorkforceName"), Some("labelers"));
    assert_eq!(answered.data("WorkforceArn"), live["WorkforceArn"].as_str());
    assert_eq!(answered.data("SubDomain"), live["SubDomain"].as_str());
    assert!(!answered.data("SubDomain").unwrap_or_default().is_empty());
    assert_eq!(s.count("CreateWorkforce"), 1);
    // Without SourceIpCidrs the portal is unrestricted.
    assert_eq!(live["SourceIpConfig"]["Cidrs"], json!([]));
}

/// A ResponseURL refused with server errors is retried with the same
/// answer; the workforce is created once, not once per attempt.
#[tokio::test]
async fn a_response_url_answering_500_before_200_gets_one_accepted_put() {
    let s = setup().await;
    s.function.sink().script([500, 503]);
    let answered = s.create(s.props("labelers")).await;
    assert_eq!(
        answered.puts.len(),
        3,
        "{:?}",
        answered.puts.iter().map(|p| p.status).collect::<Vec<_>>()
    );
    assert_eq!(answered.accepted(), 1, "{:?}", answered.puts);
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert!(matches!(
        answered.invocation.outcome,
        local_aws::runtime_api::Outcome::Response(_)
    ));
    assert_eq!(answered.physical_id(), "labelers");
    let bodies: Vec<_> = answered.puts.iter().map(|p| p.json()).collect();
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_eq!(
        s.count("CreateWorkforce"),
        1,
        "calls: {:?}",
        s.sagemaker.calls()
    );
    assert_eq!(s.names(), vec!["labelers"]);
    let live = s.workforce("labelers").expect("workforce created");
    assert_eq!(live["Status"], "Active");
}

#[tokio::test]
async fn create_sends_cidrs_and_vpc_config() {
    let s = setup().await;
    let properties = team_props(json!({
        "WorkforceName": "labelers", "UserPoolId": s.pool, "ClientId": s.client,
        "SourceIpCidrs": ["203.0.113.0/24"],
        "VpcId": "vpc-0abc", "SubnetIds": ["subnet-0a", "subnet-0b"], "SecurityGroupIds": ["sg-0a"]
    }));
    let answered = s.create(properties).await;
    answered.assert_success().assert_single_put();
    let live = s.workforce("labelers").expect("workforce created");
    assert_eq!(live["SourceIpConfig"]["Cidrs"], json!(["203.0.113.0/24"]));
    assert_eq!(live["WorkforceVpcConfig"]["VpcId"], "vpc-0abc");
    assert_eq!(
        live["WorkforceVpcConfig"]["Subnets"],
        json!(["subnet-0a", "subnet-0b"])
    );
    assert_eq!(
        live["WorkforceVpcConfig"]["SecurityGroupIds"],
        json!(["sg-0a"])
    );
}

#[tokio::test]
async fn a_repeated_create_adopts_its_own_workforce() {
    let s = setup().await;
    let event = RESOURCE.create(s.props("labelers"));
    let first = s.function.send(event.clone()).await;
    first.assert_success().assert_single_put();
    // The same event again, as a duplicate delivery would bring it (its own
    // RequestId so that its PUT is told apart).
    let mut again = event;
    again["RequestId"] = Value::String(harness::new_request_id());
    let second = s.function.send(again).await;
    second.assert_success().assert_single_put();
    assert_eq!(second.physical_id(), "labelers");
    assert_eq!(second.response["Data"], first.response["Data"]);
    assert_eq!(
        s.count("CreateWorkforce"),
        1,
        "calls: {:?}",
        s.sagemaker.calls()
    );
    assert!(s.function.logs().contains("adopting our own workforce"));
}

#[tokio::test]
async fn create_is_failed_when_another_workforce_holds_the_region() {
    let s = setup().await;
    s.create(s.props("first-workforce"))
        .await
        .assert_success()
        .assert_single_put();
    for other in [
        s.props("second-workforce"),
        with(s.props("first-workforce"), "ClientId", json!("otherclient")),
    ] {
        let answered = s.create(other).await;
        answered
            .assert_failed_naming(&["\"first-workforce\""])
            .assert_single_put();
        assert!(
            answered
                .reason()
                .contains("one private workforce per region"),
            "{}",
            answered.reason()
        );
        assert!(
            answered.reason().contains("delete-workforce"),
            "{}",
            answered.reason()
        );
        assert!(
            answered.physical_id().starts_with("created-nothing:"),
            "{}",
            answered.physical_id()
        );
    }
    assert_eq!(s.count("CreateWorkforce"), 1);
    assert_eq!(s.names(), vec!["first-workforce"]);
}

#[tokio::test]
async fn update_replaces_the_source_ip_cidrs_and_can_clear_them() {
    let s = setup().await;
    let old = with(
        s.props("labelers"),
        "SourceIpCidrs",
        json!(["203.0.113.0/24"]),
    );
    s.create(old.clone())
        .await
        .assert_success()
        .assert_single_put();

    let new = with(
        s.props("labelers"),
        "SourceIpCidrs",
        json!(["198.51.100.0/24", "2001:db8::/32"]),
    );
    let answered = s.update("labelers", new.clone(), old).await;
    answered.assert_success().assert_single_put();
    assert_eq!(answered.physical_id(), "labelers");
    let live = s.workforce("labelers").expect("still there");
    assert_eq!(live["Status"], "Active");
    let mut cidrs: Vec<String> =
        serde_json::from_value(live["SourceIpConfig"]["Cidrs"].clone()).unwrap();
    cidrs.sort();
    assert_eq!(cidrs, vec!["198.51.100.0/24", "2001:db8::/32"]);

    // No SourceIpCidrs: the restriction is cleared with an empty list.
    let answered = s.update("labelers", s.props("labelers"), new).await;
    answered.assert_success().assert_single_put();
    assert_eq!(
        s.workforce("labelers").unwrap()["SourceIpConfig"]["Cidrs"],
        json!([])
    );
    assert_eq!(s.count("UpdateWorkforce"), 2);
    assert_eq!(s.count("CreateWorkforce"), 1);
    assert_eq!(s.count("DeleteWorkforce"), 0);
}

#[tokio::test]
async fn update_sets_and_removes_the_vpc_config() {
    let s = setup().await;
    s.create(s.props("labelers"))
        .await
        .assert_success()
        .assert_single_put();
    let vpc = team_props(json!({
        "WorkforceName": "labelers", "UserPoolId": s.pool, "ClientId": s.client,
        "VpcId": "vpc-0abc", "SubnetIds": ["subnet-0a"], "SecurityGroupIds": ["sg-0a"]
    }));
    s.update("labelers", vpc.clone(), s.props("labelers"))
        .await
        .assert_success()
        .assert_single_put();
    assert_eq!(
        s.workforce("labelers").unwrap()["WorkforceVpcConfig"]["VpcId"],
        "vpc-0abc"
    );
    s.update("labelers", s.props("labelers"), vpc)
        .await
        .assert_success()
        .assert_single_put();
    let live = s.workforce("labelers").unwrap();
    assert!(
        live.get("WorkforceVpcConfig")
            .is_none_or(|vpc| vpc.get("VpcId").is_none()),
        "{live}"
    );
}

#[tokio::test]
async fn update_without_changes_makes_no_update_call() {
    let s = setup().await;
    let properties = with(
        s.props("labelers"),
        "SourceIpCidrs",
        json!(["203.0.113.0/24", "10.0.0.0/8"]),
    );
    s.create(properties.clone())
        .await
        .assert_success()
        .assert_single_put();
    // Same CIDRs in another order: nothing to change.
    let reordered = with(
        s.props("labelers"),
        "SourceIpCidrs",
        json!(["10.0.0.0/8", "203.0.113.0/24"]),
    );
    let answered = s.update("labelers", reordered, properties).await;
    answered.assert_success().assert_single_put();
    assert_eq!(s.count("UpdateWorkforce"), 0);
    assert_eq!(
        s.count("ListTags"),
        0,
        "no tags before or after: no tag call"
    );
}

#[tokio::test]
async fn a_new_name_replaces_the_team_and_workforce_deleting_the_old_ones_first() {
    let s = setup().await;
    let created = s.create(s.props("old-workforce")).await;
    created.assert_success().assert_single_put();
    let answered = s
        .update(
            "old-workforce",
            s.props("new-workforce"),
            s.props("old-workforce"),
        )
        .await;
    answered.assert_success().assert_single_put();
    // The id stays: for CloudFormation a rename is an update of this one
    // resource, so a rollback is an Update back, never a Delete of the new.
    assert_eq!(answered.physical_id(), "old-workforce");
    assert_eq!(answered.data("WorkforceName"), Some("new-workforce"));
    assert_eq!(s.names(), vec!["new-workforce"]);
    assert_eq!(s.workforce("new-workforce").unwrap()["Status"], "Active");
    let new_arn = s.workforce("new-workforce").unwrap()["WorkforceArn"].clone();
    assert_eq!(
        s.teams().await,
        [(
            "new-workforce-team".to_owned(),
            new_arn.as_str().unwrap().to_owned(),
            "workers".to_owned()
        )]
    );
    assert_eq!(
        answered.data("WorkteamArn"),
        Some("arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/new-workforce-team")
    );

    let calls = s.sagemaker.calls();
    let position = |operation: &str, nth: usize| {
        calls
            .iter()
            .enumerate()
            .filter(|(_, call)| *call == operation)
            .map(|(index, _)| index)
            .nth(nth)
            .unwrap_or_else(|| panic!("{operation} #{nth}: {calls:?}"))
    };
    assert!(
        position("DeleteWorkteam", 0) < position("DeleteWorkforce", 0),
        "{calls:?}"
    );
    assert!(
        position("DeleteWorkforce", 0) < position("CreateWorkforce", 1),
        "{calls:?}"
    );
    assert!(
        position("CreateWorkforce", 1) < position("CreateWorkteam", 1),
        "{calls:?}"
    );

    // A Delete of the old name (say a cleanup) finds nothing of ours.
    let cleanup = s.delete("old-workforce", s.props("old-workforce")).await;
    cleanup.assert_success().assert_single_put();
    assert_eq!(cleanup.physical_id(), "old-workforce");
    assert_eq!(s.names(), vec!["new-workforce"]);
    assert_eq!(s.count("DeleteWorkforce"), 1);

    // The stack's Delete carries the id and the current properties.
    let deleted = s.delete("old-workforce", s.props("new-workforce")).await;
    deleted.assert_success().assert_single_put();
    assert!(s.names().is_empty(), "{:?}", s.names());
    assert!(s.teams().await.is_empty());
}

#[tokio::test]
async fn a_rename_with_a_strangers_team_on_the_workforce_changes_nothing() {
    let s = setup().await;
    s.create(s.props("old-workforce"))
        .await
        .assert_success()
        .assert_single_put();
    s.stranger_team("old-workforce", "by-hand").await;
    let calls_before = s.sagemaker.calls().len();
    let answered = s
        .update(
            "old-workforce",
            s.props("new-workforce"),
            s.props("old-workforce"),
        )
        .await;
    answered.assert_failed().assert_single_put();
    let reason = answered.reason();
    assert!(reason.contains("by-hand"), "{reason}");
    assert!(reason.contains("before changing anything"), "{reason}");
    assert!(reason.contains("delete-workteam"), "{reason}");
    assert_eq!(s.names(), vec!["old-workforce"]);
    assert_eq!(s.teams().await.len(), 2);
    let changes: Vec<String> = s.sagemaker.calls()[calls_before..]
        .iter()
        .filter(|call| !call.starts_with("Describe") && !call.starts_with("List"))
        .cloned()
        .collect();
    assert!(changes.is_empty(), "{changes:?}");
}

#[tokio::test]
async fn delete_refuses_to_orphan_a_strangers_team() {
    let s = setup().await;
    s.create(s.props("labelers"))
        .await
        .assert_success()
        .assert_single_put();
    s.stranger_team("labelers", "by-hand").await;
    let answered = s.delete("labelers", s.props("labelers")).await;
    answered
        .assert_failed_naming(&["by-hand"])
        .assert_single_put();
    assert_eq!(s.teams().await.len(), 2);
    assert_eq!(s.count("DeleteWorkteam"), 0);
    assert_eq!(s.names(), vec!["labelers"]);
}

#[tokio::test]
async fn a_rename_whose_new_workforce_fails_is_rolled_back_by_the_update_back() {
    let s = setup().await;
    let created = s.create(s.props("old-workforce")).await;
    created.assert_success().assert_single_put();
    let old_workforce_arn = created.data("WorkforceArn").unwrap().to_owned();
    let old_team_arn = created.data("WorkteamArn").unwrap().to_owned();
    s.sagemaker
        .fail_next_workforce("planted: the new workforce fails");
    let forward = s
        .update(
            "old-workforce",
            s.props("new-workforce"),
            s.props("old-workforce"),
        )
        .await;
    forward
        .assert_failed_naming(&["planted"])
        .assert_single_put();
    assert_eq!(forward.physical_id(), "old-workforce");

    // CloudFormation's rollback: the same id, the properties swapped.
    let back = s
        .update(
            "old-workforce",
            s.props("old-workforce"),
            s.props("new-workforce"),
        )
        .await;
    back.assert_success().assert_single_put();
    assert_eq!(back.physical_id(), "old-workforce");
    assert_eq!(s.names(), vec!["old-workforce"]);
    assert_eq!(back.data("WorkforceArn"), Some(old_workforce_arn.as_str()));
    assert_eq!(back.data("WorkteamArn"), Some(old_team_arn.as_str()));
    assert_eq!(
        s.teams().await,
        [(
            "old-workforce-team".to_owned(),
            old_workforce_arn,
            "workers".to_owned()
        )]
    );
}

#[tokio::test]
async fn a_new_client_replaces_the_workforce_under_the_same_name() {
    let s = setup().await;
    s.create(s.props("labelers"))
        .await
        .assert_success()
        .assert_single_put();
    let new_client = new_client(&s.cognito, &s.pool).await;
    let new = with(s.props("labelers"), "ClientId", json!(new_client));
    let answered = s.update("labelers", new, s.props("labelers")).await;
    answered.assert_success().assert_single_put();
    assert_eq!(answered.physical_id(), "labelers");
    assert_eq!(
        s.workforce("labelers").unwrap()["CognitoConfig"]["ClientId"],
        new_client.as_str()
    );
    assert_eq!(s.count("DeleteWorkforce"), 1);
    assert_eq!(s.count("CreateWorkforce"), 2);
}

#[tokio::test]
async fn delete_deletes_our_workforce_and_waits_until_it_is_gone() {
    let s = setup().await;
    s.create(s.props("labelers"))
        .await
        .assert_success()
        .assert_single_put();
    let answered = s.delete("labelers", s.props("labelers")).await;
    answered.assert_success().assert_single_put();
    assert_eq!(answered.physical_id(), "labelers");
    assert!(s.names().is_empty(), "{:?}", s.names());
    assert_eq!(s.count("DeleteWorkforce"), 1);
    // Delivered again: nothing left, still SUCCESS.
    s.delete("labelers", s.props("labelers"))
        .await
        .assert_success()
        .assert_single_put();
    assert_eq!(s.count("DeleteWorkforce"), 1);
}

#[tokio::test]
async fn delete_leaves_missing_and_foreign_workforces_alone() {
    let s = setup().await;
    s.create(s.props("labelers"))
        .await
        .assert_success()
        .assert_single_put();

    // Another app client than the workforce has: not ours.
    let foreign = s
        .delete(
            "labelers",
            with(s.props("labelers"), "ClientId", json!("otherclient")),
        )
        .await;
    foreign.assert_success().assert_single_put();
    // A name the region does not have.
    let missing = s
        .delete("missing-workforce", s.props("missing-workforce"))
        .await;
    missing.assert_success().assert_single_put();
    assert_eq!(missing.physical_id(), "missing-workforce");
    // An id no workforce can have (a failed Create's marker).
    let marker = s.delete("created-nothing:abc", s.props("labelers")).await;
    marker.assert_success().assert_single_put();

    assert_eq!(s.names(), vec!["labelers"]);
    assert_eq!(
        s.count("DeleteWorkforce"),
        0,
        "calls: {:?}",
        s.sagemaker.calls()
    );
    let logs = s.function.logs();
    assert!(logs.contains("not provably this resource's"), "{logs}");
    assert!(logs.contains("no workforce by that name"), "{logs}");
}

#[tokio::test]
async fn a_failed_workforce_is_failed_with_its_reason_and_cleaned_up_by_the_rollback() {
    let s = setup().await;
    s.sagemaker
        .fail_next_workforce("The subnet subnet-0a is not in VPC vpc-0abc");
    let answered = s.create(s.props("labelers")).await;
    answered.assert_failed().assert_single_put();
    assert!(
        answered
            .reason()
            .contains("The subnet subnet-0a is not in VPC vpc-0abc"),
        "{}",
        answered.reason()
    );
    assert_eq!(answered.physical_id(), "labelers");
    assert_eq!(s.workforce("labelers").unwrap()["Status"], "Failed");

    // The rollback's Delete carries that id and removes the Failed workforce.
    let rollback = s.delete("labelers", s.props("labelers")).await;
    rollback.assert_success().assert_single_put();
    assert!(s.names().is_empty(), "{:?}", s.names());
    assert_eq!(s.count("DeleteWorkforce"), 1);
}

#[tokio::test]
async fn a_workforce_that_never_settles_is_failed_before_the_deadline() {
    let s = setup().await;
    s.sagemaker.never_settle(true);
    let event = RESOURCE.create(s.props("labelers"));
    let answered = s
        .function
        .send_with_timeout(event, Duration::from_secs(8))
        .await;
    answered
        .assert_failed_naming(&["ran out of time", "still Initializing"])
        .assert_single_put();
    // Created, so the rollback's Delete must find it under this id.
    assert_eq!(answered.physical_id(), "labelers");
    assert_eq!(s.count("CreateWorkforce"), 1);
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk() {
    let s = setup().await;
    s.sagemaker.throttle_next(2);
    let answered = s.create(s.props("labelers")).await;
    answered.assert_success().assert_single_put();
    assert_eq!(s.workforce("labelers").unwrap()["Status"], "Active");
    // The first ListWorkforces was refused twice, then answered.
    assert!(
        s.count("ListWorkforces") >= 3,
        "calls: {:?}",
        s.sagemaker.calls()
    );
}

#[tokio::test]
async fn the_fixtures_drive_a_whole_lifecycle() {
    let s = setup().await;
    // The fixtures' pool and client are examples: this run's real ones.
    let fixture = |file: &str| {
        let mut event = harness::fixture_event(file);
        for properties in ["ResourceProperties", "OldResourceProperties"] {
            if event.get(properties).is_some() {
                event[properties]["UserPoolId"] = json!(s.pool);
                event[properties]["ClientId"] = json!(s.client);
            }
        }
        event
    };
    let create = s
        .function
        .send(fixture("create-workforce-create.json"))
        .await;
    create.assert_success().assert_single_put();
    let name = create.physical_id().to_owned();
    let update = s
        .function
        .send(fixture("create-workforce-update.json"))
        .await;
    update.assert_success().assert_single_put();
    assert_eq!(update.physical_id(), name);
    assert_eq!(
        s.workforce(&name).unwrap()["SourceIpConfig"]["Cidrs"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let delete = s
        .function
        .send(fixture("create-workforce-delete.json"))
        .await;
    delete.assert_success().assert_single_put();
    assert!(s.names().is_empty());
}

/// One input rule: the Create is FAILED naming `property`, before any call.
async fn refused(properties: Value, property: &str) {
    let s = setup().await;
    let answered = s.create(properties).await;
    answered
        .assert_failed_naming(&[&format!("`{property}`")])
        .assert_single_put();
    assert!(answered.physical_id().starts_with("created-nothing:"));
    assert_eq!(s.sagemaker.calls(), Vec::<String>::new());
}

#[tokio::test]
async fn rule_workforce_name_pattern() {
    refused(props("my_workforce"), "WorkforceName").await;
}

#[tokio::test]
async fn rule_workforce_name_length() {
    refused(props(&"w".repeat(59)), "WorkforceName").await;
}

#[tokio::test]
async fn rule_workforce_name_lowercase() {
    refused(props("Labelers"), "WorkforceName").await;
}

#[tokio::test]
async fn rule_workteam_name_shape() {
    refused(
        with(props("labelers"), "WorkteamName", json!("team-")),
        "WorkteamName",
    )
    .await;
}

#[tokio::test]
async fn rule_worker_group_is_required() {
    let mut properties = props("labelers");
    properties
        .as_object_mut()
        .unwrap()
        .remove("WorkerGroupName");
    refused(properties, "WorkerGroupName").await;
}

#[tokio::test]
async fn rule_user_pool_id_shape() {
    refused(
        with(props("labelers"), "UserPoolId", json!("my-user-pool")),
        "UserPoolId",
    )
    .await;
}

#[tokio::test]
async fn rule_client_id_shape() {
    refused(
        with(props("labelers"), "ClientId", json!("my client")),
        "ClientId",
    )
    .await;
}

#[tokio::test]
async fn rule_at_most_ten_cidrs() {
    let cidrs: Vec<String> = (0..11).map(|i| format!("10.{i}.0.0/16")).collect();
    refused(
        with(props("labelers"), "SourceIpCidrs", json!(cidrs)),
        "SourceIpCidrs",
    )
    .await;
}

#[tokio::test]
async fn rule_cidrs_are_valid() {
    refused(
        with(
            props("labelers"),
            "SourceIpCidrs",
            json!(["10.0.0.0/8", "10.0.0.1"]),
        ),
        "SourceIpCidrs",
    )
    .await;
}

#[tokio::test]
async fn rule_vpc_all_three_or_none() {
    let partial = team_props(
        json!({"WorkforceName": "labelers", "UserPoolId": POOL, "ClientId": CLIENT, "VpcId": "vpc-0abc", "SubnetIds": ["subnet-0a"]}),
    );
    refused(partial, "SecurityGroupIds").await;
}

#[tokio::test]
async fn rule_at_most_sixteen_subnets() {
    let subnets: Vec<String> = (0..17).map(|i| format!("subnet-{i:02}")).collect();
    let properties = team_props(
        json!({"WorkforceName": "labelers", "UserPoolId": POOL, "ClientId": CLIENT, "VpcId": "vpc-0abc", "SubnetIds": subnets, "SecurityGroupIds": ["sg-0a"]}),
    );
    refused(properties, "SubnetIds").await;
}

#[tokio::test]
async fn rule_at_most_five_security_groups() {
    let groups: Vec<String> = (0..6).map(|i| format!("sg-{i:02}")).collect();
    let properties = team_props(
        json!({"WorkforceName": "labelers", "UserPoolId": POOL, "ClientId": CLIENT, "VpcId": "vpc-0abc", "SubnetIds": ["subnet-0a"], "SecurityGroupIds": groups}),
    );
    refused(properties, "SecurityGroupIds").await;
}

#[tokio::test]
async fn rule_vpc_id_shape() {
    let properties = team_props(
        json!({"WorkforceName": "labelers", "UserPoolId": POOL, "ClientId": CLIENT, "VpcId": "my-vpc", "SubnetIds": ["subnet-0a"], "SecurityGroupIds": ["sg-0a"]}),
    );
    refused(properties, "VpcId").await;
}

#[tokio::test]
async fn rule_unknown_properties_are_refused() {
    refused(
        with(props("labelers"), "WorkforceNmae", json!("x")),
        "WorkforceNmae",
    )
    .await;
}

/// Dual-stack at Create, then back to IPv4 in place: one UpdateWorkforce
/// carrying the type and the CIDRs together, never a replacement.
#[tokio::test]
async fn the_ip_address_type_is_set_at_create_and_changed_in_place() {
    let s = setup().await;
    let dual = with(
        with(
            s.props("labelers"),
            "SourceIpCidrs",
            json!(["198.51.100.0/24", "2001:db8::/32"]),
        ),
        "IpAddressType",
        json!("dualstack"),
    );
    s.create(dual.clone()).await.assert_success();
    let live = s.workforce("labelers").unwrap();
    assert_eq!(live["IpAddressType"], "dualstack");

    let ipv4 = with(
        with(
            s.props("labelers"),
            "SourceIpCidrs",
            json!(["198.51.100.0/24"]),
        ),
        "IpAddressType",
        json!("ipv4"),
    );
    s.update("labelers", ipv4.clone(), dual)
        .await
        .assert_success();
    let live = s.workforce("labelers").unwrap();
    assert_eq!(live["IpAddressType"], "ipv4");
    assert_eq!(live["SourceIpConfig"]["Cidrs"], json!(["198.51.100.0/24"]));
    assert_eq!(s.count("UpdateWorkforce"), 1);
    assert_eq!(s.count("CreateWorkforce"), 1);

    // The same type again (the template's default): no call at all.
    s.update("labelers", ipv4.clone(), ipv4)
        .await
        .assert_success();
    assert_eq!(s.count("UpdateWorkforce"), 1);
}

impl Setup {
    /// The tags of the workforce or team `arn`, in key order.
    async fn tags(&self, arn: &str) -> Vec<String> {
        local_aws::sagemaker_tags(&self.sagemaker.endpoint_url(), arn).await
    }

    async fn tag_by_hand(&self, arn: &str, key: &str, value: &str) {
        let config = local_aws::sdk_config(&self.sagemaker.endpoint_url(), local_aws::REGION).await;
        aws_sdk_sagemaker::Client::new(&config)
            .add_tags()
            .resource_arn(arn)
            .tags(
                aws_sdk_sagemaker::types::Tag::builder()
                    .key(key)
                    .value(value)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn tags_go_on_the_workforce_and_team_and_change_without_touching_others() {
    let s = setup().await;
    let tagged = with(
        s.props("labelers"),
        "Tags",
        json!(["team=labeling", "cost-center=42"]),
    );
    let answered = s.create(tagged.clone()).await;
    answered.assert_success();
    let workforce_arn = answered.data("WorkforceArn").unwrap().to_owned();
    let team_arn = answered.data("WorkteamArn").unwrap().to_owned();
    let first = ["cost-center=42", "team=labeling"];
    assert_eq!(s.tags(&workforce_arn).await, first);
    assert_eq!(s.tags(&team_arn).await, first);
    assert_eq!(
        s.count("AddTags"),
        0,
        "sent with CreateWorkforce and CreateWorkteam"
    );

    // Someone else tags the workforce; the stack changes one value, drops
    // one key and adds one: the other tag stays.
    s.tag_by_hand(&workforce_arn, "billing", "finance").await;
    let changed = with(
        s.props("labelers"),
        "Tags",
        json!(["team=vision", "owner=ml@example.com"]),
    );
    s.update("labelers", changed.clone(), tagged)
        .await
        .assert_success();
    assert_eq!(
        s.tags(&workforce_arn).await,
        ["billing=finance", "owner=ml@example.com", "team=vision"]
    );
    assert_eq!(
        s.tags(&team_arn).await,
        ["owner=ml@example.com", "team=vision"]
    );
    assert_eq!(
        s.count("UpdateWorkforce"),
        0,
        "tags are not a workforce update"
    );

    // The same tags again: no tagging call at all.
    let (added, deleted) = (s.count("AddTags"), s.count("DeleteTags"));
    s.update("labelers", changed.clone(), changed.clone())
        .await
        .assert_success();
    assert_eq!(
        (s.count("AddTags"), s.count("DeleteTags")),
        (added, deleted)
    );

    // A rename: the new workforce and team are created with the tags.
    let renamed = with(s.props("labelers-2"), "Tags", changed["Tags"].clone());
    let answered = s.update("labelers", renamed, changed).await;
    answered.assert_success();
    let new_arn = answered.data("WorkforceArn").unwrap().to_owned();
    assert_ne!(new_arn, workforce_arn);
    assert_eq!(
        s.tags(&new_arn).await,
        ["owner=ml@example.com", "team=vision"]
    );
}

#[tokio::test]
async fn rule_tags_are_key_value_pairs() {
    refused(with(props("labelers"), "Tags", json!(["team"])), "Tags").await;
}

#[tokio::test]
async fn rule_tag_keys_are_not_reserved() {
    refused(
        with(props("labelers"), "Tags", json!(["aws:owner=me"])),
        "Tags",
    )
    .await;
}

#[tokio::test]
async fn rule_tag_keys_appear_once() {
    refused(
        with(props("labelers"), "Tags", json!(["team=a", "team=b"])),
        "Tags",
    )
    .await;
}

impl Setup {
    /// The notification topic of the team `name`, as DescribeWorkteam shows it.
    async fn team_topic(&self, name: &str) -> Option<String> {
        let config = local_aws::sdk_config(&self.sagemaker.endpoint_url(), local_aws::REGION).await;
        aws_sdk_sagemaker::Client::new(&config)
            .describe_workteam()
            .workteam_name(name)
            .send()
            .await
            .unwrap()
            .workteam()
            .and_then(|team| team.notification_configuration())
            .and_then(|config| config.notification_topic_arn())
            .map(str::to_owned)
    }
}

#[tokio::test]
async fn task_notifications_are_set_changed_and_turned_off() {
    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:tasks";
    const OTHER: &str = "arn:aws:sns:us-east-1:123456789012:other-tasks";
    let s = setup().await;
    let notified = with(s.props("labelers"), "NotificationTopicArn", json!(TOPIC));
    s.create(notified.clone()).await.assert_success();
    assert_eq!(s.team_topic("labelers-team").await.as_deref(), Some(TOPIC));

    let moved = with(s.props("labelers"), "NotificationTopicArn", json!(OTHER));
    s.update("labelers", moved.clone(), notified)
        .await
        .assert_success();
    assert_eq!(s.team_topic("labelers-team").await.as_deref(), Some(OTHER));
    assert_eq!(s.count("UpdateWorkforce"), 0);

    // Turned off (the parameter back to off): the team publishes nowhere.
    s.update("labelers", s.props("labelers"), moved)
        .await
        .assert_success();
    assert_eq!(s.team_topic("labelers-team").await, None);
    let updates = s.count("UpdateWorkteam");
    s.update("labelers", s.props("labelers"), s.props("labelers"))
        .await
        .assert_success();
    assert_eq!(s.count("UpdateWorkteam"), updates, "nothing to change");
}

#[tokio::test]
async fn rule_notification_topic_is_an_sns_topic_arn() {
    refused(
        with(
            props("labelers"),
            "NotificationTopicArn",
            json!("arn:aws:sqs:us-east-1:123456789012:tasks"),
        ),
        "NotificationTopicArn",
    )
    .await;
}

/// The client's URLs before the filter ran: the placeholder and `portal`'s.
fn placeholder_and(portal: &str) -> (Vec<String>, Vec<String>) {
    (
        vec![
            PLACEHOLDER.to_owned(),
            format!("{portal}/oauth2/idpresponse"),
        ],
        vec![format!("{portal}/logout")],
    )
}

/// A workforce recreated under a new portal (a rename, and the rollback
/// that renames it back): SageMaker adds the new portal's URLs to the app
/// client and leaves the earlier one's; the function leaves the client with
/// the live portal's alone, other URLs untouched, and answers the portal's
/// URLs as Data.
#[tokio::test]
async fn a_recreated_workforce_leaves_the_client_with_only_the_live_portal() {
    let s = setup().await;
    let created = s.create(s.props("labelers")).await;
    created.assert_success().assert_single_put();
    let first = format!("https://{}", created.data("SubDomain").unwrap());
    assert_eq!(created.data("PortalUrl"), Some(first.as_str()));
    assert_eq!(
        created.data("CallbackUrl"),
        Some(format!("{first}/oauth2/idpresponse").as_str())
    );
    assert_eq!(
        created.data("LogoutUrl"),
        Some(format!("{first}/logout").as_str())
    );
    // A first create: the placeholder is for Custom::PlaceholderFilter.
    assert_eq!(s.client_urls(&s.client).await, placeholder_and(&first));

    let renamed = s
        .update("labelers", s.props("renamed"), s.props("labelers"))
        .await;
    renamed.assert_success().assert_single_put();
    let second = format!("https://{}", renamed.data("SubDomain").unwrap());
    assert_ne!(second, first);
    assert_eq!(renamed.data("PortalUrl"), Some(second.as_str()));
    assert_eq!(s.client_urls(&s.client).await, placeholder_and(&second));

    // The rollback's Update back: the old name under a third portal.
    let back = s
        .update("labelers", s.props("labelers"), s.props("renamed"))
        .await;
    back.assert_success().assert_single_put();
    let third = format!("https://{}", back.data("SubDomain").unwrap());
    assert_ne!(third, second);
    assert_eq!(s.client_urls(&s.client).await, placeholder_and(&third));
    // An update that moves no portal leaves the client as it is.
    let before = s.client_urls(&s.client).await;
    s.update("labelers", s.props("labelers"), s.props("labelers"))
        .await
        .assert_success();
    assert_eq!(s.client_urls(&s.client).await, before);
}
