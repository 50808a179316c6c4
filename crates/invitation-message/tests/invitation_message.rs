//! The trigger through the real binary and the Lambda Runtime API, with
//! Cognito's own `CustomMessage` events, against moto (the user pool) and the
//! project's SageMaker emulator (the workforce).

use aws_sdk_cognitoidentityprovider::types::{AdminCreateUserConfigType, MessageTemplateType};
use aws_sdk_sagemaker::types::CognitoConfig;
use invitation_message::{COGNITO_DEFAULT_MESSAGE, portal_paragraph};
use local_aws::harness::{self, FunctionUnderTest};
use local_aws::moto::MotoServer;
use local_aws::runtime_api::Outcome;
use local_aws::sagemaker::{EmulatorOptions, SageMakerEmulator};
use local_aws::triggers::{ADMIN_CREATE_USER, custom_message_event};
use serde_json::{Map, Value, json};
use std::time::Duration;

const WORKFORCE: &str = "labeling-workforce";
const USER: &str = "alice@example.com";
/// A user attribute that must never reach the log.
const PHONE: &str = "+15555550123";
const GREETING: &str = "Hello,<br><br>Username: {username}<br>Temporary password: {####}<br>";
/// What Cognito gives a trigger: at most 5 seconds.
const COGNITO_TIMEOUT: Duration = Duration::from_secs(5);

struct Setup {
    _moto: MotoServer,
    cognito: aws_sdk_cognitoidentityprovider::Client,
    sagemaker: aws_sdk_sagemaker::Client,
    _emulator: SageMakerEmulator,
    function: FunctionUnderTest,
}

/// moto and the emulator (workforces settle after `settle_after`), and the
/// trigger with `WORKFORCE_NAME` set to `workforce` (unset if `None`).
async fn setup_with(settle_after: Duration, workforce: Option<&str>) -> Setup {
    let moto = MotoServer::start().await.expect("moto starts");
    let emulator = SageMakerEmulator::start(EmulatorOptions {
        settle_after,
        ..Default::default()
    })
    .await
    .expect("emulator starts");
    let mut env = harness::aws_env(Some(&moto), Some(&emulator.endpoint_url()));
    if let Some(name) = workforce {
        env.push(("WORKFORCE_NAME".into(), name.into()));
    }
    let function = FunctionUnderTest::start(env!("CARGO_BIN_EXE_invitation-message"), env)
        .await
        .expect("function host starts");
    let sm_config = local_aws::sdk_config(&emulator.endpoint_url(), local_aws::REGION).await;
    Setup {
        cognito: local_aws::cognito::client(&moto).await,
        _moto: moto,
        sagemaker: aws_sdk_sagemaker::Client::new(&sm_config),
        _emulator: emulator,
        function,
    }
}

async fn setup() -> Setup {
    setup_with(Duration::ZERO, Some(WORKFORCE)).await
}

impl Setup {
    /// A pool whose invitation template is `subject` / `message`.
    async fn pool(&self, subject: &str, message: &str) -> String {
        let template = MessageTemplateType::builder()
            .email_subject(subject)
            .email_message(message)
            .build();
        let config = AdminCreateUserConfigType::builder()
            .allow_admin_create_user_only(true)
            .invite_message_template(template)
            .build();
        local_aws::cognito::create_pool_from(
            self.cognito
                .create_user_pool()
                .pool_name("workforce")
                .admin_create_user_config(config),
        )
        .await
        .expect("CreateUserPool")
    }

    /// Creates the workforce; returns its portal URL.
    async fn workforce(&self, pool: &str) -> String {
        let created = self
            .sagemaker
            .create_workforce()
            .workforce_name(WORKFORCE)
            .cognito_config(
                CognitoConfig::builder()
                    .user_pool(pool)
                    .client_id("1example23456789")
                    .build(),
            )
            .send()
            .await
            .expect("CreateWorkforce");
        assert!(created.workforce_arn().is_some());
        let described = self
            .sagemaker
            .describe_workforce()
            .workforce_name(WORKFORCE)
            .send()
            .await
            .expect("DescribeWorkforce");
        let sub_domain = described
            .workforce()
            .and_then(|w| w.sub_domain())
            .unwrap_or_default();
        format!("https://{sub_domain}")
    }

    async fn invoke(&self, event: Value) -> Outcome {
        self.function
            .host()
            .invoke(event, COGNITO_TIMEOUT)
            .await
            .outcome
    }
}

fn invitation_event(pool: &str) -> Value {
    let attributes = json!({
        "sub": "0c2b7f3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        "email_verified": "true",
        "cognito:user_status": "FORCE_CHANGE_PASSWORD",
        "email": USER,
        "phone_number": PHONE,
    });
    let attributes = attributes.as_object().cloned().unwrap_or_default();
    custom_message_event(ADMIN_CREATE_USER, pool, USER, &attributes, &Map::new())
}

fn answer(outcome: Outcome) -> Value {
    match outcome {
        Outcome::Response(value) => value,
        other => panic!("expected an answer, got {other:?}"),
    }
}

fn error(outcome: Outcome) -> (String, String) {
    match outcome {
        Outcome::Error(document) => (
            document["errorType"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            document["errorMessage"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_template_that_links_the_portal_is_left_to_cognito() {
    let setup = setup().await;
    let pool = setup.pool("Invited", GREETING).await;
    let portal = setup.workforce(&pool).await;
    // What Custom::InviteEmail writes.
    let written = format!("{GREETING}{}", portal_paragraph(&portal));
    setup
        .cognito
        .update_user_pool()
        .user_pool_id(&pool)
        .admin_create_user_config(
            AdminCreateUserConfigType::builder()
                .allow_admin_create_user_only(true)
                .invite_message_template(
                    MessageTemplateType::builder()
                        .email_subject("Invited")
                        .email_message(&written)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("UpdateUserPool");

    let event = invitation_event(&pool);
    let answered = answer(setup.invoke(event.clone()).await);
    assert_eq!(answered, event, "answered unchanged");
    assert!(answered["response"]["emailMessage"].is_null());
}

#[tokio::test]
async fn a_template_without_the_link_is_sent_with_it() {
    let setup = setup().await;
    let pool = setup.pool("You are invited", GREETING).await;
    let portal = setup.workforce(&pool).await;

    let event = invitation_event(&pool);
    let answered = answer(setup.invoke(event.clone()).await);
    let message = answered["response"]["emailMessage"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(message, format!("{GREETING}{}", portal_paragraph(&portal)));
    assert!(message.contains("{username}") && message.contains("{####}"));
    assert_eq!(answered["response"]["emailSubject"], "You are invited");
    assert!(answered["response"]["smsMessage"].is_null());
    // Everything but the response is Cognito's event as it came.
    let mut rest = answered.clone();
    rest["response"] = event["response"].clone();
    assert_eq!(rest, event);

    let logs = setup.function.logs();
    assert!(logs.contains(USER), "the log names the user:\n{logs}");
    assert!(logs.contains(&portal), "the log names the portal:\n{logs}");
    for secret in [PHONE, "0c2b7f3e-1a2b", "{####}"] {
        assert!(!logs.contains(secret), "{secret} in the log:\n{logs}");
    }
}

#[tokio::test]
async fn a_pool_without_a_template_sends_cognitos_default_with_the_link() {
    let setup = setup().await;
    let pool = local_aws::cognito::create_pool(&setup.cognito, "bare")
        .await
        .expect("CreateUserPool");
    let portal = setup.workforce(&pool).await;
    let answered = answer(setup.invoke(invitation_event(&pool)).await);
    // moto describes Cognito's default text as the template (with a
    // trailing space); the trigger keeps it and adds the link.
    let message = answered["response"]["emailMessage"]
        .as_str()
        .unwrap_or_default();
    assert!(message.starts_with(COGNITO_DEFAULT_MESSAGE), "{message}");
    assert!(message.ends_with(&portal_paragraph(&portal)), "{message}");
}

#[tokio::test]
async fn other_messages_are_left_alone_without_any_call() {
    // No workforce and no WORKFORCE_NAME: a password reset must still work.
    let setup = setup_with(Duration::ZERO, None).await;
    let pool = setup.pool("Invited", GREETING).await;
    for source in [
        "CustomMessage_ForgotPassword",
        "CustomMessage_ResendCode",
        "CustomMessage_UpdateUserAttribute",
        "CustomMessage_SomethingNew",
    ] {
        let event = custom_message_event(source, &pool, USER, &Map::new(), &Map::new());
        assert_eq!(answer(setup.invoke(event.clone()).await), event, "{source}");
    }
    // The same function refuses an invitation, saying why.
    let (error_type, message) = error(setup.invoke(invitation_event(&pool)).await);
    assert_eq!(error_type, "InvitationMessage.Config");
    assert!(message.contains("WORKFORCE_NAME is not set"), "{message}");
}

#[tokio::test]
async fn no_workforce_refuses_the_invitation_saying_why() {
    let setup = setup().await;
    let pool = setup.pool("Invited", GREETING).await;
    let (error_type, message) = error(setup.invoke(invitation_event(&pool)).await);
    assert_eq!(error_type, "InvitationMessage.WorkforceNotFound");
    assert!(
        message.starts_with(&format!("no invitation sent to {USER}")),
        "{message}"
    );
    assert!(
        message.contains(&format!("workforce {WORKFORCE} does not exist")),
        "{message}"
    );
    let logs = setup.function.logs();
    assert!(!logs.contains(PHONE), "{logs}");
}

#[tokio::test]
async fn a_workforce_that_is_not_active_refuses_the_invitation() {
    let setup = setup_with(Duration::from_secs(3600), Some(WORKFORCE)).await;
    let pool = setup.pool("Invited", GREETING).await;
    setup.workforce(&pool).await;
    let (error_type, message) = error(setup.invoke(invitation_event(&pool)).await);
    assert_eq!(error_type, "InvitationMessage.PortalUnavailable");
    assert!(message.contains("is Initializing, not Active"), "{message}");
}

#[tokio::test]
async fn a_missing_pool_refuses_the_invitation_naming_it() {
    let setup = setup().await;
    let pool = setup.pool("Invited", GREETING).await;
    setup.workforce(&pool).await;
    let (error_type, message) = error(setup.invoke(invitation_event("us-east-1_Missing1")).await);
    assert_eq!(error_type, "InvitationMessage.UserPoolUnreadable");
    assert!(
        message.contains("user pool us-east-1_Missing1"),
        "{message}"
    );
}

fn fixture(name: &str, pool: &str) -> Value {
    let path = local_aws::workspace_root().join("events").join(name);
    let text = std::fs::read_to_string(&path).expect("the fixture exists");
    let mut event: Value = serde_json::from_str(&text).expect("the fixture is JSON");
    event["userPoolId"] = Value::String(pool.to_owned());
    event
}

#[tokio::test]
async fn the_sam_local_invoke_fixtures_are_events_the_trigger_answers() {
    let setup = setup().await;
    let pool = setup.pool("Invited", GREETING).await;
    let portal = setup.workforce(&pool).await;
    let invitation = fixture("invitation-message-admin-create-user.json", &pool);
    // The fixture is the event Cognito sends, field for field.
    let attributes = invitation["request"]["userAttributes"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        invitation,
        custom_message_event(ADMIN_CREATE_USER, &pool, USER, &attributes, &Map::new())
    );
    let answered = answer(setup.invoke(invitation).await);
    assert_eq!(
        answered["response"]["emailMessage"],
        format!("{GREETING}{}", portal_paragraph(&portal))
    );
    let reset = fixture("invitation-message-forgot-password.json", &pool);
    assert_eq!(answer(setup.invoke(reset.clone()).await), reset);
}
