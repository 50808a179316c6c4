//! `Custom::InviteEmail` through the real bootstrap, driven by the Lambda
//! Runtime API host, against moto patched to reset on UpdateUserPool as AWS
//! does: a setting the function failed to carry over would show as drift.

use aws_sdk_cognitoidentityprovider::Client as Cognito;
use aws_sdk_cognitoidentityprovider::types::{
    AccountRecoverySettingType, AdminCreateUserConfigType, AdvancedSecurityModeType,
    DefaultEmailOptionType, DeletionProtectionType, DeviceConfigurationType,
    EmailConfigurationType, EmailSendingAccountType, LambdaConfigType, MessageTemplateType,
    PasswordPolicyType, RecoveryOptionNameType, RecoveryOptionType, SmsConfigurationType,
    SoftwareTokenMfaConfigType, UserAttributeUpdateSettingsType, UserPoolAddOnsType,
    UserPoolMfaType, UserPoolPolicyType, UserPoolTierType, UserPoolType,
    VerificationMessageTemplateType, VerifiedAttributeType,
};
use cognito_rules::wire::OmitUnsetValidity;
use local_aws::cognito::{self, CognitoFunction};
use local_aws::fault_proxy::{Action, Call, FaultPolicy, FaultProxy};
use local_aws::harness::{self, Answered, FunctionUnderTest};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const TYPE: &str = "Custom::InviteEmail";
const LOGICAL_ID: &str = "InviteEmail";
const SUBJECT: &str = "You are invited to the labeling portal";
const MESSAGE: &str =
    "Hello {username}, sign in at https://abc.labeling.us-east-1.sagemaker.aws with {####}.";
const OLD_SMS: &str = "Old SMS invite for {username}: {####}";

type Setup = CognitoFunction;

async fn setup() -> Setup {
    CognitoFunction::start(env!("CARGO_BIN_EXE_update-invite-email"))
        .await
        .expect("start moto and the function")
}

/// A pool with as many non-default settings as UpdateUserPool can reset.
async fn configured_pool(cognito: &Cognito) -> String {
    let request = cognito
        .create_user_pool()
        .pool_name("workers")
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(14)
                        .require_uppercase(true)
                        .require_lowercase(true)
                        .require_numbers(false)
                        .require_symbols(false)
                        .temporary_password_validity_days(3)
                        .build(),
                )
                .build(),
        )
        .deletion_protection(DeletionProtectionType::Active)
        .lambda_config(
            LambdaConfigType::builder()
                .pre_sign_up("arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up")
                .custom_message("arn:aws:lambda:us-east-1:123456789012:function:custom-message")
                .build(),
        )
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .verification_message_template(
            VerificationMessageTemplateType::builder()
                .email_message("Your workers code is {####}")
                .email_subject("Workers verification")
                .sms_message("Workers code {####}")
                .default_email_option(DefaultEmailOptionType::ConfirmWithCode)
                .build(),
        )
        .sms_authentication_message("Workers MFA code {####}")
        .user_attribute_update_settings(
            UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .build(),
        )
        .device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(true)
                .device_only_remembered_on_user_prompt(true)
                .build(),
        )
        .email_configuration(
            EmailConfigurationType::builder()
                .email_sending_account(EmailSendingAccountType::Developer)
                .source_arn("arn:aws:ses:us-east-1:123456789012:identity/example.com")
                .from("Workers <no-reply@example.com>")
                .reply_to_email_address("help@example.com")
                .build(),
        )
        .sms_configuration(
            SmsConfigurationType::builder()
                .sns_caller_arn("arn:aws:iam::123456789012:role/cognito-sms")
                .external_id("workers-external-id")
                .sns_region("us-east-1")
                .build(),
        )
        .user_pool_tags("team", "labeling")
        .user_pool_tags("stack", "local-test")
        .admin_create_user_config(
            AdminCreateUserConfigType::builder()
                .allow_admin_create_user_only(true)
                .invite_message_template(
                    MessageTemplateType::builder()
                        .email_subject("Old subject")
                        .email_message("Old invite {username} {####}")
                        .sms_message(OLD_SMS)
                        .build(),
                )
                .build(),
        )
        .user_pool_add_ons(
            UserPoolAddOnsType::builder()
                .advanced_security_mode(AdvancedSecurityModeType::Audit)
                .build()
                .unwrap(),
        )
        .account_recovery_setting(
            AccountRecoverySettingType::builder()
                .recovery_mechanisms(
                    RecoveryOptionType::builder()
                        .priority(1)
                        .name(RecoveryOptionNameType::VerifiedEmail)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .user_pool_tier(UserPoolTierType::Plus);
    // The SDK writes UnusedAccountValidityDays (0) next to the policy's
    // TemporaryPasswordValidityDays, which Cognito (and the local moto)
    // refuses: the same wire rule as the function's.
    let id = request
        .customize()
        .interceptor(OmitUnsetValidity)
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|pool| pool.id)
        .unwrap();
    cognito
        .set_user_pool_mfa_config()
        .user_pool_id(&id)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    id
}

async fn describe(cognito: &Cognito, id: &str) -> UserPoolType {
    cognito::describe_pool(cognito, id).await.unwrap()
}

fn invite(pool: &UserPoolType) -> Option<MessageTemplateType> {
    pool.admin_create_user_config
        .as_ref()
        .and_then(|c| c.invite_message_template.clone())
}

/// The pool with the parts this resource may change blanked out.
fn without_invite(mut pool: UserPoolType) -> UserPoolType {
    pool.last_modified_date = None;
    if let Some(config) = pool.admin_create_user_config.as_mut() {
        config.invite_message_template = None;
    }
    pool
}

fn properties(id: &str) -> Value {
    json!({"UserPoolId": id, "EmailSubject": SUBJECT, "EmailMessage": MESSAGE})
}

fn assert_one_answer(answered: &Answered) {
    assert_eq!(answered.puts.len(), 1, "PUTs: {:?}", answered.puts);
    assert_eq!(answered.accepted(), 1);
}

fn expected_invite(subject: &str, message: &str, sms: &str) -> MessageTemplateType {
    MessageTemplateType::builder()
        .email_subject(subject)
        .email_message(message)
        .sms_message(sms)
        .build()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_changes_only_the_invitation() {
    let s = setup().await;
    let id = configured_pool(&s.cognito).await;
    let before = describe(&s.cognito, &id).await;
    // The pool really is far from the defaults an update would reset to.
    assert_eq!(before.mfa_configuration, Some(UserPoolMfaType::On));
    assert_eq!(
        before.deletion_protection,
        Some(DeletionProtectionType::Active)
    );
    assert_eq!(before.user_pool_tier, Some(UserPoolTierType::Plus));

    let answered = s
        .function
        .send(harness::create_event(TYPE, LOGICAL_ID, properties(&id)))
        .await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(answered.physical_id(), format!("{id}-invite-email"));
    assert_eq!(answered.data("EmailSubject"), Some(SUBJECT));

    let after = describe(&s.cognito, &id).await;
    assert_eq!(
        invite(&after),
        Some(expected_invite(SUBJECT, MESSAGE, OLD_SMS)),
        "the SMS invitation is kept when SmsMessage is absent"
    );
    assert!(after.last_modified_date >= before.last_modified_date);
    assert_eq!(without_invite(after), without_invite(before));
}

/// A ResponseURL refused with server errors is retried with the same
/// answer; the pool is updated by the one run, not once per attempt.
#[tokio::test(flavor = "multi_thread")]
async fn a_response_url_answering_500_before_200_gets_one_accepted_put() {
    let s = setup().await;
    let id = configured_pool(&s.cognito).await;
    let before = describe(&s.cognito, &id).await;
    s.function.sink().script([500, 503]);
    let answered = s
        .function
        .send(harness::create_event(TYPE, LOGICAL_ID, properties(&id)))
        .await;
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
    assert_eq!(answered.physical_id(), format!("{id}-invite-email"));
    let bodies: Vec<_> = answered.puts.iter().map(|p| p.json()).collect();
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");

    let after = describe(&s.cognito, &id).await;
    assert_eq!(
        invite(&after),
        Some(expected_invite(SUBJECT, MESSAGE, OLD_SMS))
    );
    assert_eq!(without_invite(after), without_invite(before));
    assert_eq!(
        s.function
            .logs()
            .matches("invitation message updated")
            .count(),
        1,
        "{}",
        s.function.logs()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_changes_the_message_and_nothing_else() {
    let s = setup().await;
    let id = configured_pool(&s.cognito).await;
    let created = s
        .function
        .send(harness::create_event(TYPE, LOGICAL_ID, properties(&id)))
        .await;
    assert_eq!(created.status(), "SUCCESS", "{}", created.reason());
    let before = describe(&s.cognito, &id).await;

    let new_message =
        "Hi {username}! New portal https://xyz.labeling.us-east-1.sagemaker.aws, password {####}";
    let new_sms = "Portal invite {username} {####}";
    let answered = s
        .function
        .send(harness::update_event(
            TYPE,
            LOGICAL_ID,
            created.physical_id(),
            json!({
                "UserPoolId": id, "EmailSubject": "New subject",
                "EmailMessage": new_message, "SmsMessage": new_sms,
            }),
            properties(&id),
        ))
        .await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(answered.physical_id(), created.physical_id());
    assert_eq!(answered.data("EmailSubject"), Some("New subject"));

    let after = describe(&s.cognito, &id).await;
    assert_eq!(
        invite(&after),
        Some(expected_invite("New subject", new_message, new_sms))
    );
    assert_eq!(without_invite(after), without_invite(before));
}

/// Before the wire rule every UpdateUserPool carried the SDK's
/// `UnusedAccountValidityDays: 0` beside the pool's
/// `TemporaryPasswordValidityDays`, a pair Cognito refuses ("Please use
/// TemporaryPasswordValidityDays in PasswordPolicy instead of
/// UnusedAccountValidityDays"); the local moto refuses it the same way.
#[tokio::test(flavor = "multi_thread")]
async fn the_update_sends_one_validity_and_cognito_accepts_it() {
    let s = setup().await;
    for pool in ["plain", "configured"] {
        let id = match pool {
            "plain" => cognito::create_pool(&s.cognito, pool).await.unwrap(),
            _ => configured_pool(&s.cognito).await,
        };
        let temporary = |pool: &UserPoolType| {
            pool.policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref())
                .map(|p| p.temporary_password_validity_days)
        };
        let before = describe(&s.cognito, &id).await;
        let answered = s
            .function
            .send(harness::create_event(TYPE, LOGICAL_ID, properties(&id)))
            .await;
        assert_one_answer(&answered);
        assert_eq!(
            answered.status(),
            "SUCCESS",
            "{pool}: {}",
            answered.reason()
        );
        let after = describe(&s.cognito, &id).await;
        assert_eq!(invite(&after).unwrap().email_message(), Some(MESSAGE));
        assert_eq!(temporary(&after), temporary(&before), "{pool}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_default_pool_keeps_its_defaults() {
    let s = setup().await;
    let id = cognito::create_pool(&s.cognito, "plain").await.unwrap();
    let before = describe(&s.cognito, &id).await;
    let answered = s
        .function
        .send(harness::create_event(TYPE, LOGICAL_ID, properties(&id)))
        .await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    let mut after = describe(&s.cognito, &id).await;
    let old_sms = invite(&before).and_then(|t| t.sms_message).unwrap();
    assert_eq!(
        invite(&after),
        Some(expected_invite(SUBJECT, MESSAGE, &old_sms))
    );
    // A default pool describes both the legacy UnusedAccountValidityDays
    // and PasswordPolicy.TemporaryPasswordValidityDays (7 each); Cognito
    // (and the local moto) refuses the two in one update, so the legacy one
    // is left off the wire and moto then describes none (read as 0). The
    // validity in force is the password policy's, which stays.
    let validity = |pool: &UserPoolType| {
        let temporary = pool
            .policies
            .as_ref()
            .and_then(|p| p.password_policy.as_ref())
            .map(|p| p.temporary_password_validity_days);
        let unused = pool
            .admin_create_user_config
            .as_ref()
            .map(|c| c.unused_account_validity_days);
        (temporary, unused)
    };
    assert_eq!(validity(&before), (Some(7), Some(7)));
    assert_eq!(validity(&after), (Some(7), Some(0)));
    if let Some(config) = after.admin_create_user_config.as_mut() {
        config.unused_account_validity_days = 7;
    }
    assert_eq!(without_invite(after), without_invite(before));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_create_is_harmless() {
    let s = setup().await;
    let id = configured_pool(&s.cognito).await;
    let before = describe(&s.cognito, &id).await;
    for _ in 0..2 {
        let answered = s
            .function
            .send(harness::create_event(TYPE, LOGICAL_ID, properties(&id)))
            .await;
        assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    }
    let after = describe(&s.cognito, &id).await;
    assert_eq!(
        invite(&after),
        Some(expected_invite(SUBJECT, MESSAGE, OLD_SMS))
    );
    assert_eq!(without_invite(after), without_invite(before));
    assert!(
        s.function.logs().contains("already set"),
        "the second Create finds the invitation in place"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_pool_is_failed_by_name() {
    let s = setup().await;
    let missing = "us-east-1_DoesNotExist1";
    let answered = s
        .function
        .send(harness::create_event(TYPE, LOGICAL_ID, properties(missing)))
        .await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    let reason = answered.reason();
    assert!(
        reason.contains(missing) && reason.contains("does not exist"),
        "{reason}"
    );
    assert!(reason.contains("UserPoolId"), "{reason}");
}

/// Counts every call and answers it as Cognito answers for a pool that is
/// gone, an error the SDK does not retry, so a Create fails at once.
struct RefuseAndCount(Arc<AtomicUsize>);

impl FaultPolicy for RefuseAndCount {
    fn decide(&self, _call: &Call) -> Action {
        self.0.fetch_add(1, Ordering::SeqCst);
        Action::Refuse {
            status: 400,
            code: "ResourceNotFoundException",
            message: "User pool does not exist.",
        }
    }
}

/// A stand-in Cognito endpoint that counts calls: Delete must make none.
async fn counting_endpoint() -> (FaultProxy, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    // Never reached: every call is refused.
    let unused_upstream = "http://127.0.0.1:9";
    let proxy = FaultProxy::start(
        unused_upstream,
        Arc::new(RefuseAndCount(Arc::clone(&calls))),
    )
    .await
    .unwrap();
    (proxy, calls)
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_makes_no_call_and_succeeds() {
    let (endpoint, calls) = counting_endpoint().await;
    let mut env = harness::aws_env(None, None);
    env.push((
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER".into(),
        endpoint.endpoint_url(),
    ));
    let function = FunctionUnderTest::start(env!("CARGO_BIN_EXE_update-invite-email"), env)
        .await
        .unwrap();
    let id = "us-east-1_Gone123";
    for physical in [format!("{id}-invite-email"), "not-one-of-ours".to_owned()] {
        let answered = function
            .send(harness::delete_event(
                TYPE,
                LOGICAL_ID,
                &physical,
                properties(id),
            ))
            .await;
        assert_one_answer(&answered);
        assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
        assert_eq!(answered.physical_id(), physical);
    }
    // Proof the endpoint would have seen a call: a Create does reach it.
    let answered = function
        .send(harness::create_event(TYPE, LOGICAL_ID, properties(id)))
        .await;
    assert_eq!(answered.status(), "FAILED");
    assert!(calls.load(Ordering::SeqCst) > 0);
    let after_create = calls.load(Ordering::SeqCst);
    let answered = function
        .send(harness::delete_event(
            TYPE,
            LOGICAL_ID,
            &format!("{id}-invite-email"),
            properties(id),
        ))
        .await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(calls.load(Ordering::SeqCst), after_create);
}

/// Sends a Create whose `key` is `value` against a configured pool and
/// checks it is FAILED naming the property and `rule`, with the pool intact.
async fn refused(key: &str, value: &str, rule: &str) {
    let s = setup().await;
    let id = configured_pool(&s.cognito).await;
    let before = describe(&s.cognito, &id).await;
    let mut props = properties(&id);
    props[key] = Value::String(value.to_owned());
    let answered = s
        .function
        .send(harness::create_event(TYPE, LOGICAL_ID, props))
        .await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    let reason = answered.reason();
    assert!(reason.contains(&format!("`{key}`")), "{reason}");
    assert!(reason.contains(rule), "{reason}");
    assert_eq!(describe(&s.cognito, &id).await, before, "the pool changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_a_malformed_user_pool_id() {
    refused(
        "UserPoolId",
        "workers pool",
        "must be a Cognito user pool id",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_an_empty_email_subject() {
    refused("EmailSubject", "", "must be 1-140 characters long").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_a_long_email_subject() {
    refused(
        "EmailSubject",
        &"s".repeat(141),
        "must be 1-140 characters long",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_a_short_email_message() {
    refused("EmailMessage", "{###}", "must be 6-20000 characters long").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_an_email_message_without_placeholders() {
    refused(
        "EmailMessage",
        "Welcome to the labeling portal, {username}",
        "must contain the placeholders {username} and {####}",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_a_long_sms_message() {
    let long = format!("{{username}} {{####}} {}", "x".repeat(130));
    refused("SmsMessage", &long, "must be 6-140 characters long").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_an_sms_message_without_placeholders() {
    refused(
        "SmsMessage",
        "Your code is {####}",
        "must contain the placeholders {username} and {####}",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_an_unknown_property() {
    refused("EmailBody", "Hello {username} {####}", "unknown field").await;
}

/// Points a fixture at the local pool and sends it.
async fn send_fixture(s: &Setup, name: &str, id: &str) -> Answered {
    let mut event = harness::fixture(name).unwrap();
    assert_eq!(event["ResourceType"], TYPE, "{name}");
    for key in ["ResourceProperties", "OldResourceProperties"] {
        if event[key].is_object() {
            event[key]["UserPoolId"] = Value::String(id.to_owned());
        }
    }
    if event["PhysicalResourceId"].is_string() {
        event["PhysicalResourceId"] = Value::String(format!("{id}-invite-email"));
    }
    s.function.send(event).await
}

#[tokio::test(flavor = "multi_thread")]
async fn fixtures_parse_and_run() {
    let s = setup().await;
    let id = configured_pool(&s.cognito).await;
    let before = describe(&s.cognito, &id).await;
    for name in [
        "update-invite-email-create.json",
        "update-invite-email-update.json",
        "update-invite-email-delete.json",
    ] {
        let fixture = harness::fixture(name).unwrap();
        let answered = send_fixture(&s, name, &id).await;
        assert_one_answer(&answered);
        assert_eq!(
            answered.status(),
            "SUCCESS",
            "{name}: {}",
            answered.reason()
        );
        assert_eq!(answered.physical_id(), format!("{id}-invite-email"));
        let after = describe(&s.cognito, &id).await;
        let props = &fixture["ResourceProperties"];
        let sms = props["SmsMessage"].as_str().unwrap_or(OLD_SMS);
        assert_eq!(
            invite(&after),
            Some(expected_invite(
                props["EmailSubject"].as_str().unwrap(),
                props["EmailMessage"].as_str().unwrap(),
                sms
            )),
            "{name}"
        );
        assert_eq!(without_invite(after), without_invite(before.clone()));
    }
}
