//! The local moto behaves like AWS where the project relies on it: updates
//! reset what they leave out (docs/AWS-NOTES.md §2, §7). Each test starts its own
//! server, so they run in parallel.

use aws_sdk_cognitoidentityprovider::Client as Cognito;
use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AnalyticsConfigurationType, DeletionProtectionType,
    ExplicitAuthFlowsType, FeatureType, MessageTemplateType, OAuthFlowType, PasswordPolicyType,
    PreventUserExistenceErrorTypes, RefreshTokenRotationType, SoftwareTokenMfaConfigType,
    TimeUnitsType, TokenValidityUnitsType, UserPoolClientType, UserPoolMfaType, UserPoolPolicyType,
    UserPoolType, UsernameAttributeType, VerifiedAttributeType,
};
use cognito_rules::wire::OmitUnsetValidity;
use local_aws::moto::MotoServer;

async fn cognito(moto: &MotoServer) -> Cognito {
    Cognito::new(&moto.sdk_config().await)
}

async fn describe_client(c: &Cognito, pool: &str, client: &str) -> UserPoolClientType {
    c.describe_user_pool_client()
        .user_pool_id(pool)
        .client_id(client)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
}

async fn describe_pool(c: &Cognito, pool: &str) -> UserPoolType {
    c.describe_user_pool()
        .user_pool_id(pool)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
}

fn without_last_modified(mut client: UserPoolClientType) -> UserPoolClientType {
    client.last_modified_date = None;
    client
}

fn without_identity(mut pool: UserPoolType) -> UserPoolType {
    (
        pool.id,
        pool.arn,
        pool.creation_date,
        pool.last_modified_date,
    ) = (None, None, None, None);
    pool
}

#[tokio::test]
async fn update_user_pool_client_resets_what_it_leaves_out() {
    let moto = MotoServer::start().await.unwrap();
    let c = cognito(&moto).await;
    let pool = c
        .create_user_pool()
        .pool_name("p")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let urls = ["https://a.example.com/cb", "https://b.example.com/cb"];
    let created = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("full")
        .generate_secret(true)
        .refresh_token_validity(10)
        .access_token_validity(30)
        .id_token_validity(2)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .id_token(TimeUnitsType::Hours)
                .refresh_token(TimeUnitsType::Days)
                .build(),
        )
        .read_attributes("email")
        .write_attributes("email")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .supported_identity_providers("COGNITO")
        .callback_urls(urls[0])
        .callback_urls(urls[1])
        .logout_urls("https://a.example.com/logout")
        .default_redirect_uri(urls[1])
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_flows_user_pool_client(true)
        .analytics_configuration(
            AnalyticsConfigurationType::builder()
                .application_id("app")
                .role_arn("arn:aws:iam::123456789012:role/r")
                .build(),
        )
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .enable_token_revocation(false)
        .enable_propagate_additional_user_context_data(true)
        .auth_session_validity(7)
        .refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Enabled)
                .retry_grace_period_seconds(10)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = created.client_id.clone().unwrap();
    let full = describe_client(&c, &pool, &id).await;
    assert_eq!(full, created);

    // Carrying every describe member over (the shared request every
    // function sends) changes nothing but LastModifiedDate.
    let urls = cognito_rules::client_update::NewUrls {
        callback_urls: full.callback_urls().to_vec(),
        logout_urls: full.logout_urls().to_vec(),
    };
    cognito_rules::client_update::update_request(&pool, &id, &full, &urls)
        .send_with(&c)
        .await
        .unwrap();
    let carried = describe_client(&c, &pool, &id).await;
    assert!(carried.last_modified_date >= full.last_modified_date);
    assert_eq!(
        without_last_modified(carried),
        without_last_modified(full.clone())
    );

    // An update with only the name resets everything else to a new client's defaults.
    c.update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .client_name("renamed")
        .send()
        .await
        .unwrap();
    let reset = describe_client(&c, &pool, &id).await;
    let expected = UserPoolClientType::builder()
        .user_pool_id(&pool)
        .client_name("renamed")
        .client_id(&id)
        .set_client_secret(full.client_secret.clone())
        .set_creation_date(full.creation_date)
        .set_last_modified_date(reset.last_modified_date)
        .refresh_token_validity(30)
        .allowed_o_auth_flows_user_pool_client(false)
        .enable_token_revocation(true)
        .enable_propagate_additional_user_context_data(false)
        .auth_session_validity(3)
        .build();
    assert_eq!(reset, expected);

    // ...which is what a client created with only that name describes as.
    let fresh = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("renamed")
        .send()
        .await
        .unwrap();
    let mut fresh = fresh.user_pool_client.unwrap();
    fresh.client_id = reset.client_id.clone();
    (
        fresh.client_secret,
        fresh.creation_date,
        fresh.last_modified_date,
    ) = (
        reset.client_secret.clone(),
        reset.creation_date,
        reset.last_modified_date,
    );
    assert_eq!(fresh, reset);
}

#[tokio::test]
async fn update_user_pool_resets_mfa_and_policies_but_keeps_username_attributes() {
    let moto = MotoServer::start().await.unwrap();
    let c = cognito(&moto).await;
    let policies = UserPoolPolicyType::builder()
        .password_policy(
            PasswordPolicyType::builder()
                .minimum_length(14)
                .require_symbols(false)
                .temporary_password_validity_days(3)
                .build(),
        )
        .build();
    let admin = AdminCreateUserConfigType::builder()
        .allow_admin_create_user_only(true)
        .invite_message_template(
            MessageTemplateType::builder()
                .email_subject("Welcome")
                .email_message("Hello {username}, your code is {####}")
                .build(),
        )
        .build();
    // Policies and AdminCreateUserConfig together: the SDK writes both
    // validities, which Cognito refuses (see the test below).
    let pool = c
        .create_user_pool()
        .pool_name("workers")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .mfa_configuration(UserPoolMfaType::Optional)
        .deletion_protection(DeletionProtectionType::Active)
        .policies(policies.clone())
        .admin_create_user_config(admin.clone())
        .customize()
        .interceptor(OmitUnsetValidity)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    let full = describe_pool(&c, &pool).await;
    assert_eq!(full.mfa_configuration, Some(UserPoolMfaType::On));
    assert_eq!(full.policies, Some(policies));
    assert_eq!(full.admin_create_user_config, Some(admin));

    // Carrying every member UpdateUserPool accepts changes nothing but LastModifiedDate.
    c.update_user_pool()
        .user_pool_id(&pool)
        .set_pool_name(full.name.clone())
        .set_policies(full.policies.clone())
        .set_deletion_protection(full.deletion_protection.clone())
        .set_lambda_config(full.lambda_config.clone())
        .set_auto_verified_attributes(full.auto_verified_attributes.clone())
        .set_sms_verification_message(full.sms_verification_message.clone())
        .set_email_verification_message(full.email_verification_message.clone())
        .set_email_verification_subject(full.email_verification_subject.clone())
        .set_verification_message_template(full.verification_message_template.clone())
        .set_sms_authentication_message(full.sms_authentication_message.clone())
        .set_user_attribute_update_settings(full.user_attribute_update_settings.clone())
        .set_mfa_configuration(full.mfa_configuration.clone())
        .set_device_configuration(full.device_configuration.clone())
        .set_email_configuration(full.email_configuration.clone())
        .set_sms_configuration(full.sms_configuration.clone())
        .set_user_pool_tags(full.user_pool_tags.clone())
        .set_admin_create_user_config(full.admin_create_user_config.clone())
        .set_user_pool_add_ons(full.user_pool_add_ons.clone())
        .set_account_recovery_setting(full.account_recovery_setting.clone())
        .set_user_pool_tier(full.user_pool_tier.clone())
        .customize()
        .interceptor(OmitUnsetValidity)
        .send()
        .await
        .unwrap();
    let mut carried = describe_pool(&c, &pool).await;
    assert!(carried.last_modified_date >= full.last_modified_date);
    carried.last_modified_date = full.last_modified_date;
    assert_eq!(carried, full);

    // An update without them resets MFA, the policies and the rest...
    c.update_user_pool()
        .user_pool_id(&pool)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap();
    let reset = describe_pool(&c, &pool).await;
    assert_eq!(reset.mfa_configuration, Some(UserPoolMfaType::Off));
    assert_eq!(
        reset.deletion_protection,
        Some(DeletionProtectionType::Inactive)
    );
    let password = reset
        .policies
        .as_ref()
        .and_then(|p| p.password_policy.as_ref())
        .unwrap();
    assert_eq!(
        (password.minimum_length, password.require_symbols),
        (Some(8), true)
    );
    assert!(
        !reset
            .admin_create_user_config
            .as_ref()
            .unwrap()
            .allow_admin_create_user_only
    );
    // ...but keeps what an update cannot change.
    assert_eq!(
        reset.username_attributes,
        Some(vec![UsernameAttributeType::Email])
    );
    assert_eq!(
        (&reset.id, &reset.arn, &reset.name),
        (&full.id, &full.arn, &full.name)
    );
    assert_eq!(
        (reset.creation_date, &reset.schema_attributes),
        (full.creation_date, &full.schema_attributes)
    );

    // The whole output is that of a pool created with only what the update gave.
    let fresh = c
        .create_user_pool()
        .pool_name("workers")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(without_identity(reset), without_identity(fresh));
}

const BOTH_VALIDITIES: &str = "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays";

fn temporary_days(days: i32) -> UserPoolPolicyType {
    UserPoolPolicyType::builder()
        .password_policy(
            PasswordPolicyType::builder()
                .minimum_length(12)
                .temporary_password_validity_days(days)
                .build(),
        )
        .build()
}

fn admin_only(unused_days: Option<i32>) -> AdminCreateUserConfigType {
    AdminCreateUserConfigType::builder()
        .allow_admin_create_user_only(true)
        .set_unused_account_validity_days(unused_days)
        .build()
}

/// Cognito refuses a pool request carrying both the legacy
/// UnusedAccountValidityDays and PasswordPolicy.TemporaryPasswordValidityDays,
/// whatever the values (an explicit 0, what the SDK writes for "unset", is
/// not shown to count as absent), and accepts either alone.
#[tokio::test]
async fn a_pool_request_with_both_validities_is_refused() {
    let moto = MotoServer::start().await.unwrap();
    let c = cognito(&moto).await;
    let refused = |error: String| {
        assert!(
            error.contains("InvalidParameterException") && error.contains(BOTH_VALIDITIES),
            "{error}"
        );
    };

    // Create: both (the SDK's 0 included) refused, each alone accepted.
    for unused in [Some(0), Some(7)] {
        let error = c
            .create_user_pool()
            .pool_name("both")
            .policies(temporary_days(7))
            .admin_create_user_config(admin_only(unused))
            .send()
            .await
            .unwrap_err();
        refused(DisplayErrorContext(&error).to_string());
    }
    assert_eq!(
        c.list_user_pools()
            .max_results(10)
            .send()
            .await
            .unwrap()
            .user_pools()
            .len(),
        0
    );
    let pool = c
        .create_user_pool()
        .pool_name("temporary-only")
        .policies(temporary_days(3))
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    c.create_user_pool()
        .pool_name("legacy-only")
        .admin_create_user_config(admin_only(Some(30)))
        .send()
        .await
        .unwrap();

    // Update: the same.
    let before = describe_pool(&c, &pool).await;
    for unused in [Some(0), Some(7)] {
        let error = c
            .update_user_pool()
            .user_pool_id(&pool)
            .policies(temporary_days(3))
            .admin_create_user_config(admin_only(unused))
            .send()
            .await
            .unwrap_err();
        refused(DisplayErrorContext(&error).to_string());
    }
    assert_eq!(
        describe_pool(&c, &pool).await,
        before,
        "a refused update changes nothing"
    );
    c.update_user_pool()
        .user_pool_id(&pool)
        .policies(temporary_days(3))
        .send()
        .await
        .unwrap();
    c.update_user_pool()
        .user_pool_id(&pool)
        .admin_create_user_config(admin_only(Some(30)))
        .send()
        .await
        .unwrap();
    // And the pair through the wire rule: only the successor is sent.
    c.update_user_pool()
        .user_pool_id(&pool)
        .policies(temporary_days(5))
        .admin_create_user_config(admin_only(Some(30)))
        .customize()
        .interceptor(OmitUnsetValidity)
        .send()
        .await
        .unwrap();
    let after = describe_pool(&c, &pool).await;
    let password = after.policies.unwrap().password_policy.unwrap();
    assert_eq!(password.temporary_password_validity_days, 5);
    assert_eq!(
        after
            .admin_create_user_config
            .unwrap()
            .unused_account_validity_days,
        0,
        "not sent, so not stored (the SDK reads absent as 0)"
    );
}

#[tokio::test]
async fn ssm_parameter_round_trip() {
    let moto = MotoServer::start().await.unwrap();
    let ssm = aws_sdk_ssm::Client::new(&moto.sdk_config().await);
    ssm.put_parameter()
        .name("/workforce/test/client-id")
        .value("abc123")
        .r#type(aws_sdk_ssm::types::ParameterType::String)
        .send()
        .await
        .unwrap();
    let got = ssm
        .get_parameter()
        .name("/workforce/test/client-id")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.parameter.and_then(|p| p.value).as_deref(),
        Some("abc123")
    );
}

#[tokio::test]
async fn reset_forgets_resources_and_keeps_the_patch() {
    let moto = MotoServer::start().await.unwrap();
    let c = cognito(&moto).await;
    c.create_user_pool().pool_name("gone").send().await.unwrap();
    moto.reset().await.unwrap();
    let pools = c.list_user_pools().max_results(10).send().await.unwrap();
    assert_eq!(pools.user_pools.unwrap_or_default(), vec![]);

    let pool = c
        .create_user_pool()
        .pool_name("p")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("c")
        .callback_urls("https://x.example.com")
        .send()
        .await
        .unwrap();
    let id = client.user_pool_client.unwrap().client_id.unwrap();
    c.update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .client_name("c")
        .send()
        .await
        .unwrap();
    assert_eq!(describe_client(&c, &pool, &id).await.callback_urls, None);
}

#[tokio::test]
async fn servers_run_in_parallel_and_stop_on_drop() {
    let (a, b) = tokio::join!(MotoServer::start(), MotoServer::start());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_ne!(a.port(), b.port());
    assert_eq!(a.endpoint_url(), format!("http://127.0.0.1:{}", a.port()));
    for moto in [&a, &b] {
        cognito(moto)
            .await
            .list_user_pools()
            .max_results(1)
            .send()
            .await
            .unwrap();
    }
    // Forked from one warmed process, each still draws its own ids.
    let mut pools = Vec::new();
    for moto in [&a, &b] {
        let created = cognito(moto)
            .await
            .create_user_pool()
            .pool_name("same-name")
            .send()
            .await
            .unwrap();
        pools.push(created.user_pool.unwrap().id.unwrap());
    }
    assert_ne!(pools[0], pools[1]);
    let ports = [a.port(), b.port()];
    drop((a, b));
    for port in ports {
        let err = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::ConnectionRefused,
            "port {port}"
        );
    }
}

/// `local_moto.py --zygote` on a socket of this test's own, with a short
/// idle time; answers the process and its stdout's first line.
async fn zygote(socket: &std::path::Path, idle: &str) -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt;
    let mut child =
        tokio::process::Command::new(local_aws::workspace_root().join(".venv/bin/python"))
            .arg(local_aws::workspace_root().join("tools/local_moto.py"))
            .args(["--idle", idle, "--zygote"])
            .arg(socket)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::io::BufReader::new(stdout).lines().next_line(),
    )
    .await
    .unwrap()
    .unwrap()
    .unwrap();
    (child, line)
}

/// One conversation with a zygote: the server's port.
async fn fork_server(
    socket: &std::path::Path,
    log: &std::path::Path,
) -> (tokio::net::UnixStream, u16) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let mut stream = tokio::net::UnixStream::connect(socket).await.unwrap();
    stream
        .write_all(format!("{}\n", log.display()).as_bytes())
        .await
        .unwrap();
    let mut line = String::new();
    tokio::io::BufReader::new(&mut stream)
        .read_line(&mut line)
        .await
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("LISTENING ")
        .unwrap()
        .parse()
        .unwrap();
    (stream, port)
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("moto-zygote-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn the_zygote_takes_over_a_stale_socket_and_leaves_when_idle() {
    let dir = scratch("stale");
    let socket = dir.join("zygote.sock");
    // What a killed zygote leaves: the file, nobody listening.
    drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
    assert!(socket.exists());
    let (mut zygote, ready) = zygote(&socket, "1").await;
    assert_eq!(ready, "READY");
    let (conversation, port) = fork_server(&socket, &dir.join("server.log")).await;
    tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    // Not idle while a server runs: three idle periods pass.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert!(
        zygote.try_wait().unwrap().is_none(),
        "it left with a server running"
    );
    drop(conversation);
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), zygote.wait())
        .await
        .expect("the zygote leaves once idle")
        .unwrap();
    assert!(status.success(), "{status}");
    assert!(!socket.exists(), "it removes its socket");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_second_zygote_on_a_live_socket_leaves_it_to_the_first() {
    let dir = scratch("second");
    let socket = dir.join("zygote.sock");
    let (_first, ready) = zygote(&socket, "30").await;
    assert_eq!(ready, "READY");
    let (mut second, ready) = zygote(&socket, "30").await;
    assert_eq!(ready, "READY");
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), second.wait())
        .await
        .expect("the second zygote leaves at once")
        .unwrap();
    assert!(status.success(), "{status}");
    // The first still serves.
    let (_conversation, port) = fork_server(&socket, &dir.join("server.log")).await;
    tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
