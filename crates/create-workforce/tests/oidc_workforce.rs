//! `Custom::PrivateWorkforce` for an OIDC workforce, through the real binary
//! and the Lambda Runtime API: the client secret read from Secrets Manager
//! (moto), the workforce and team on the project's SageMaker emulator.

use aws_sdk_secretsmanager::Client as Secrets;
use local_aws::harness::{self, Answered, FunctionUnderTest, Resource};
use local_aws::moto::MotoServer;
use local_aws::sagemaker::{EmulatorOptions, SageMakerEmulator};
use serde_json::{Value, json};

const RESOURCE: Resource =
    Resource::new(create_workforce::CONTRACT.resource_type, "PrivateWorkforce");
const FIRST_SECRET: &str = "first-client-secret-0123456789";
const ROTATED_SECRET: &str = "rotated-client-secret-9876543210";

struct Setup {
    sagemaker: SageMakerEmulator,
    secrets: Secrets,
    function: FunctionUnderTest,
    secret_arn: String,
    moto: MotoServer,
}

async fn setup() -> Setup {
    let moto = MotoServer::start().await.expect("moto starts");
    let sagemaker = SageMakerEmulator::start(EmulatorOptions::default())
        .await
        .expect("emulator starts");
    let secrets = Secrets::new(&moto.sdk_config().await);
    let created = secrets
        .create_secret()
        .name("workforce-oidc")
        .secret_string(FIRST_SECRET)
        .send()
        .await
        .expect("secret created");
    let function = FunctionUnderTest::start(
        env!("CARGO_BIN_EXE_create-workforce"),
        harness::aws_env(Some(&moto), Some(&sagemaker.endpoint_url())),
    )
    .await
    .expect("function host starts");
    Setup {
        sagemaker,
        secrets,
        function,
        secret_arn: created.arn().unwrap_or_default().to_owned(),
        moto,
    }
}

impl Setup {
    /// The events/ fixture's properties (what `sam local invoke -e`
    /// sends), with this run's secret and names.
    fn props(&self) -> Value {
        let mut properties =
            harness::fixture_event("create-workforce-oidc-create.json")["ResourceProperties"]
                .clone();
        properties["OidcClientSecretArn"] = json!(self.secret_arn);
        properties["WorkforceName"] = json!("labelers");
        properties["WorkteamName"] = json!("labelers-team");
        properties
    }

    async fn send(&self, event: Value) -> Answered {
        self.function.send(event).await
    }

    fn workforce(&self) -> Value {
        self.sagemaker
            .workforces()
            .into_iter()
            .find(|workforce| workforce["WorkforceName"] == "labelers")
            .expect("the workforce exists")
    }

    async fn sagemaker(&self) -> aws_sdk_sagemaker::Client {
        let config = local_aws::sdk_config(&self.sagemaker.endpoint_url(), local_aws::REGION).await;
        aws_sdk_sagemaker::Client::new(&config)
    }

    /// The region's teams: (name, ARN, OIDC groups).
    async fn teams(&self) -> Vec<(String, String, Vec<String>)> {
        let listed = self
            .sagemaker()
            .await
            .list_workteams()
            .send()
            .await
            .unwrap();
        listed
            .workteams()
            .iter()
            .map(|team| {
                let groups = team
                    .member_definitions()
                    .iter()
                    .filter_map(|member| member.oidc_member_definition())
                    .flat_map(|oidc| oidc.groups().to_vec())
                    .collect();
                (
                    team.workteam_name().unwrap_or_default().to_owned(),
                    team.workteam_arn().unwrap_or_default().to_owned(),
                    groups,
                )
            })
            .collect()
    }

    fn count(&self, operation: &str) -> usize {
        self.sagemaker
            .calls()
            .iter()
            .filter(|call| *call == operation)
            .count()
    }

    async fn rotate(&self) {
        self.secrets
            .put_secret_value()
            .secret_id(&self.secret_arn)
            .secret_string(ROTATED_SECRET)
            .send()
            .await
            .expect("secret rotated");
    }
}

fn with(mut properties: Value, key: &str, value: Value) -> Value {
    properties[key] = value;
    properties
}

/// Everything the function put on the ResponseURL and wrote to its log.
fn said(s: &Setup, answered: &Answered) -> String {
    let puts: Vec<String> = answered
        .puts
        .iter()
        .map(|put| put.json().to_string())
        .collect();
    format!("{puts:?} {}", s.function.logs())
}

#[tokio::test]
async fn an_oidc_workforce_gets_the_secret_from_secrets_manager_and_an_oidc_team() {
    let s = setup().await;
    let answered = s.send(RESOURCE.create(s.props())).await;
    answered.assert_success().assert_single_put();
    let live = s.workforce();
    assert_eq!(live["OidcConfig"]["ClientId"], "0oa-labeling-portal");
    assert_eq!(live["OidcConfig"]["Issuer"], "https://idp.example.com");
    assert_eq!(
        live["OidcConfig"]["TokenEndpoint"],
        "https://idp.example.com/oauth2/token"
    );
    assert_eq!(live["OidcConfig"]["Scope"], "openid email profile");
    assert!(live.get("CognitoConfig").is_none(), "{live}");
    assert_eq!(
        s.sagemaker.oidc_client_secret("labelers").as_deref(),
        Some(FIRST_SECRET)
    );
    let teams = s.teams().await;
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0].0, "labelers-team");
    assert_eq!(teams[0].2, ["labelers"]);
    assert_eq!(answered.data("WorkteamArn"), Some(teams[0].1.as_str()));
    assert!(
        !said(&s, &answered).contains(FIRST_SECRET),
        "the secret leaked"
    );
}

/// SageMaker takes a new OidcConfig only without teams: the function
/// deletes its own team, updates, and makes the team again under its name.
#[tokio::test]
async fn a_rotated_secret_reaches_sagemaker_and_the_team_keeps_its_arn() {
    let s = setup().await;
    let old = s.props();
    s.send(RESOURCE.create(old.clone())).await.assert_success();
    let team_arn = s.teams().await[0].1.clone();
    s.rotate().await;

    // Same properties: CloudFormation sends no event, and nothing changes.
    let new = with(old.clone(), "OidcClientSecretVersion", json!("2"));
    let new = with(new, "OidcGroups", json!(["labelers", "reviewers"]));
    let answered = s
        .send(RESOURCE.update("labelers", new.clone(), old.clone()))
        .await;
    answered.assert_success().assert_single_put();
    assert_eq!(
        s.sagemaker.oidc_client_secret("labelers").as_deref(),
        Some(ROTATED_SECRET)
    );
    let teams = s.teams().await;
    assert_eq!(teams.len(), 1, "{teams:?}");
    assert_eq!(teams[0].1, team_arn, "the team's ARN is unchanged");
    assert_eq!(teams[0].2, ["labelers", "reviewers"]);
    assert_eq!(s.count("DeleteWorkteam"), 1);
    assert_eq!(s.count("CreateWorkteam"), 2);
    assert!(
        !said(&s, &answered).contains(ROTATED_SECRET),
        "the secret leaked"
    );

    // Only the groups change: an UpdateWorkteam, no OidcConfig, the team stays.
    let regrouped = with(new.clone(), "OidcGroups", json!(["labelers"]));
    s.send(RESOURCE.update("labelers", regrouped, new))
        .await
        .assert_success();
    assert_eq!(s.count("UpdateWorkforce"), 1, "{}", s.function.logs());
    assert_eq!(s.count("DeleteWorkteam"), 1);
    assert_eq!(s.teams().await[0].2, ["labelers"]);
}

#[tokio::test]
async fn a_new_issuer_with_a_strangers_team_on_the_workforce_changes_nothing() {
    let s = setup().await;
    let old = s.props();
    s.send(RESOURCE.create(old.clone())).await.assert_success();
    s.sagemaker()
        .await
        .create_workteam()
        .workteam_name("by-hand")
        .workforce_name("labelers")
        .description("made by hand")
        .member_definitions(
            aws_sdk_sagemaker::types::MemberDefinition::builder()
                .oidc_member_definition(
                    aws_sdk_sagemaker::types::OidcMemberDefinition::builder()
                        .groups("others")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let new = with(old.clone(), "OidcIssuer", json!("https://idp2.example.com"));
    let answered = s.send(RESOURCE.update("labelers", new, old)).await;
    answered.assert_failed();
    assert!(answered.reason().contains("\"by-hand\"") || answered.reason().contains("by-hand"));
    assert!(
        answered.reason().contains("OidcConfig"),
        "{}",
        answered.reason()
    );
    assert_eq!(s.count("UpdateWorkforce"), 0);
    assert_eq!(s.count("DeleteWorkteam"), 0);
    assert_eq!(
        s.workforce()["OidcConfig"]["Issuer"],
        "https://idp.example.com"
    );
}

#[tokio::test]
async fn an_unreadable_secret_is_failed_by_name_before_anything_changes() {
    let s = setup().await;
    let old = s.props();
    s.send(RESOURCE.create(old.clone())).await.assert_success();
    let missing = s.secret_arn.replace("workforce-oidc", "no-such-secret");
    let new = with(old.clone(), "OidcClientSecretArn", json!(missing));
    let answered = s.send(RESOURCE.update("labelers", new, old)).await;
    answered.assert_failed();
    assert!(
        answered.reason().contains(&missing),
        "{}",
        answered.reason()
    );
    assert_eq!(s.count("DeleteWorkteam"), 0);
    assert_eq!(s.count("UpdateWorkforce"), 0);
    assert_eq!(s.teams().await.len(), 1);
}

#[tokio::test]
async fn cognito_to_oidc_replaces_the_workforce_and_delete_removes_it() {
    let s = setup().await;
    let idp = local_aws::cognito::client(&s.moto).await;
    let pool = local_aws::cognito::create_pool(&idp, "workforce-pool")
        .await
        .unwrap();
    let client = local_aws::cognito::create_client(local_aws::cognito::code_flow_client(
        &idp,
        &pool,
        &["https://127.0.0.1"],
        &[],
    ))
    .await
    .unwrap();
    let cognito = json!({"WorkforceName": "labelers", "WorkteamName": "labelers-team",
        "UserPoolId": pool, "ClientId": client, "WorkerGroupName": "workers"});
    s.send(RESOURCE.create(cognito.clone()))
        .await
        .assert_success();
    let oidc = s.props();
    let answered = s
        .send(RESOURCE.update("labelers", oidc.clone(), cognito))
        .await;
    answered.assert_success();
    let live = s.workforce();
    assert!(live.get("CognitoConfig").is_none(), "{live}");
    assert_eq!(live["OidcConfig"]["ClientId"], "0oa-labeling-portal");
    assert_eq!(s.count("DeleteWorkforce"), 1);
    assert_eq!(s.teams().await[0].2, ["labelers"]);

    s.send(RESOURCE.delete("labelers", oidc))
        .await
        .assert_success();
    assert!(s.sagemaker.workforces().is_empty());
    assert!(s.teams().await.is_empty());
}

async fn refused(properties: Value, property: &str) {
    let s = setup().await;
    let answered = s.send(RESOURCE.create(properties)).await;
    answered.assert_failed();
    assert!(
        answered.reason().contains(property),
        "{property}: {}",
        answered.reason()
    );
    assert!(s.sagemaker.calls().is_empty(), "{:?}", s.sagemaker.calls());
}

#[tokio::test]
async fn rule_oidc_and_cognito_are_exclusive() {
    let s = setup().await;
    refused(
        with(s.props(), "UserPoolId", json!("us-east-1_A")),
        "UserPoolId",
    )
    .await;
}

#[tokio::test]
async fn rule_oidc_endpoints_are_https() {
    let s = setup().await;
    refused(
        with(
            s.props(),
            "OidcTokenEndpoint",
            json!("http://idp.example.com/token"),
        ),
        "OidcTokenEndpoint",
    )
    .await;
}

#[tokio::test]
async fn rule_oidc_needs_groups_and_a_secret_arn() {
    let s = setup().await;
    refused(with(s.props(), "OidcGroups", json!([])), "OidcGroups").await;
    refused(
        with(s.props(), "OidcClientSecretArn", json!("my-secret")),
        "OidcClientSecretArn",
    )
    .await;
}
