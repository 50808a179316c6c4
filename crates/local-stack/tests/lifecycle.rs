//! The whole template, created, updated and deleted on the emulators, with
//! the real function binaries; the emulators' state checked at each step.

use aws_sdk_cognitoidentityprovider as cognito;
use local_aws::moto::MotoServer;
use local_aws::sagemaker::{EmulatorOptions, SageMakerEmulator};
use local_stack::aws::Endpoints;
use local_stack::engine::StackState;
use local_stack::progress::Progress;
use local_stack::{Command, Options};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tokio::sync::OnceCell;

/// The function binaries, built in this profile (once per test binary). The
/// same build command as `scripts/test`'s, so after it this is a no-op, as
/// long as the variables cargo sets for this test are not passed on: build
/// scripts that watch them (`CARGO_PKG_*`, ...) would rebuild their crates.
async fn bin_dir() -> PathBuf {
    static BUILT: OnceCell<PathBuf> = OnceCell::const_new();
    BUILT
        .get_or_init(|| async {
            let root = local_aws::workspace_root();
            let mut cargo = tokio::process::Command::new(env!("CARGO"));
            cargo
                .current_dir(&root)
                .args(["build", "--workspace", "--all-targets"]);
            for (key, _) in std::env::vars_os() {
                let key = key.to_string_lossy();
                let set_for_this_crate = ["CARGO_PKG_", "CARGO_BIN_", "CARGO_MANIFEST_"]
                    .iter()
                    .any(|prefix| key.starts_with(prefix))
                    || [
                        "CARGO_CRATE_NAME",
                        "CARGO_PRIMARY_PACKAGE",
                        "CARGO_TARGET_TMPDIR",
                        "OUT_DIR",
                    ]
                    .contains(&key.as_ref());
                if set_for_this_crate {
                    cargo.env_remove(key.as_ref());
                }
            }
            let status = cargo.status().await.unwrap();
            assert!(status.success(), "building the functions failed");
            let exe = PathBuf::from(env!("CARGO_BIN_EXE_local-stack"));
            exe.parent().unwrap().to_path_buf()
        })
        .await
        .clone()
}

async fn options(template: PathBuf, params: &[&str]) -> Options {
    let mut overrides = BTreeMap::from([("DeletionProtection".to_owned(), "INACTIVE".to_owned())]);
    overrides.extend(local_stack::params::parse_overrides(params.iter().copied()).unwrap());
    Options {
        template,
        samconfig: None,
        stack_name: Some("lifecycle-test".into()),
        overrides,
        bin_dir: bin_dir().await,
        log_dir: None,
        quiet: true,
    }
}

struct Emulators {
    moto: MotoServer,
    _sagemaker: SageMakerEmulator,
    endpoints: Endpoints,
}

async fn emulators() -> Emulators {
    let moto = MotoServer::start().await.unwrap();
    let sagemaker = SageMakerEmulator::start(EmulatorOptions {
        cognito_endpoint: Some(moto.endpoint_url()),
        ..Default::default()
    })
    .await
    .unwrap();
    let endpoints = Endpoints {
        moto: moto.endpoint_url(),
        sagemaker: sagemaker.endpoint_url(),
    };
    Emulators {
        moto,
        _sagemaker: sagemaker,
        endpoints,
    }
}

fn template() -> PathBuf {
    local_aws::workspace_root().join("template.yaml")
}

fn output(state: &StackState, name: &str) -> String {
    state.outputs[name].as_str().unwrap().to_owned()
}

async fn group_members(client: &cognito::Client, pool: &str) -> Vec<String> {
    let users = client
        .list_users_in_group()
        .user_pool_id(pool)
        .group_name("workers")
        .send()
        .await
        .unwrap();
    let mut names: Vec<String> = users
        .users()
        .iter()
        .filter_map(|u| u.username().map(str::to_owned))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn create_update_delete_on_the_emulators() {
    let emu = emulators().await;
    let config = emu.moto.sdk_config().await;
    let cognito = cognito::Client::new(&config);
    let ssm = aws_sdk_ssm::Client::new(&config);
    let sm_config = local_aws::sdk_config(&emu.endpoints.sagemaker, local_aws::REGION).await;
    let sagemaker = aws_sdk_sagemaker::Client::new(&sm_config);
    let progress = Progress::new(true);

    // create
    let create = options(template(), &["InvitedUserEmails=alice@example.com"]).await;
    let mut state = StackState::new("lifecycle-test");
    let created = local_stack::run(
        Command::Create,
        &emu.endpoints,
        &create,
        &mut state,
        &progress,
    )
    .await;
    assert!(created.is_ok(), "{created:?}");
    assert_eq!(state.status, "CREATE_COMPLETE");
    let pool = output(&state, "UserPoolId");
    let client_id = output(&state, "UserPoolClientId");
    let portal = output(&state, "PortalUrl");
    let prefix = output(&state, "DomainPrefix");

    let client = cognito
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&client_id)
        .send()
        .await
        .unwrap();
    let client = client.user_pool_client().unwrap();
    assert_eq!(
        client.callback_urls(),
        [format!("{portal}/oauth2/idpresponse")]
    );
    assert_eq!(client.logout_urls(), [format!("{portal}/logout")]);
    assert!(!format!("{client:?}").contains("placeholder.invalid"));
    assert_eq!(client.allowed_o_auth_flows_user_pool_client(), Some(true));

    let described = cognito
        .describe_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let user_pool = described.user_pool().unwrap();
    let invite = user_pool
        .admin_create_user_config()
        .unwrap()
        .invite_message_template()
        .unwrap();
    assert!(invite.email_message().unwrap().contains(&portal));
    assert!(
        invite
            .email_message()
            .unwrap()
            .contains("You have been invited")
    );
    // The rest of the pool's settings survived the invitation update.
    assert_eq!(
        user_pool
            .policies()
            .unwrap()
            .password_policy()
            .unwrap()
            .minimum_length(),
        Some(12)
    );
    assert_eq!(
        user_pool.mfa_configuration().map(|m| m.as_str()),
        Some("ON")
    );
    assert_eq!(user_pool.auto_verified_attributes().len(), 1);
    assert_eq!(
        user_pool.deletion_protection().map(|d| d.as_str()),
        Some("INACTIVE")
    );
    assert!(
        user_pool
            .admin_create_user_config()
            .unwrap()
            .allow_admin_create_user_only()
    );
    assert_eq!(group_members(&cognito, &pool).await, ["alice@example.com"]);

    let teams = sagemaker.list_workteams().send().await.unwrap();
    let names: Vec<&str> = teams
        .workteams()
        .iter()
        .filter_map(|t| t.workteam_name())
        .collect();
    assert_eq!(names, ["labeling-workforce-team"]);
    let stored = ssm
        .get_parameter()
        .name("/sagemaker-workforce/lifecycle-test/domain-prefix")
        .send()
        .await
        .unwrap();
    assert_eq!(stored.parameter().unwrap().value(), Some(prefix.as_str()));
    assert!(
        state.resources["UserPoolLogDelivery"]
            .not_emulated
            .is_some()
    );

    // update: another user, CIDRs, new invitation text
    let update = options(
        template(),
        &[
            "InvitedUserEmails=alice@example.com,bob@example.com",
            "SourceIpCidrs=203.0.113.0/24",
            "InviteEmailMessage=Welcome aboard {username}, password {####}",
        ],
    )
    .await;
    let updated = local_stack::run(
        Command::Update,
        &emu.endpoints,
        &update,
        &mut state,
        &progress,
    )
    .await;
    assert!(updated.is_ok(), "{updated:?}");
    assert_eq!(state.status, "UPDATE_COMPLETE");
    assert_eq!(
        group_members(&cognito, &pool).await,
        ["alice@example.com", "bob@example.com"]
    );
    let described = cognito
        .describe_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let message = described
        .user_pool()
        .unwrap()
        .admin_create_user_config()
        .unwrap()
        .invite_message_template()
        .unwrap()
        .email_message()
        .unwrap()
        .to_owned();
    assert!(
        message.starts_with("Welcome aboard {username}"),
        "{message}"
    );
    assert!(message.contains(&portal), "{message}");
    let workforce = sagemaker
        .describe_workforce()
        .workforce_name("labeling-workforce")
        .send()
        .await
        .unwrap();
    assert_eq!(
        workforce
            .workforce()
            .unwrap()
            .source_ip_config()
            .unwrap()
            .cidrs(),
        ["203.0.113.0/24"]
    );
    let events = progress.events();
    let workforce_update = events
        .iter()
        .any(|e| e.logical_id == "Workforce" && e.status == "UPDATE_COMPLETE");
    assert!(workforce_update, "the workforce got an Update event");

    // delete
    let deleted = local_stack::run(
        Command::Delete,
        &emu.endpoints,
        &update,
        &mut state,
        &progress,
    )
    .await;
    assert!(deleted.is_ok(), "{deleted:?}");
    assert_eq!(state.status, "DELETE_COMPLETE");
    assert!(state.resources.is_empty());
    let pools = cognito
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert!(pools.user_pools().is_empty());
    assert!(
        sagemaker
            .list_workteams()
            .send()
            .await
            .unwrap()
            .workteams()
            .is_empty()
    );
    assert!(
        sagemaker
            .list_workforces()
            .send()
            .await
            .unwrap()
            .workforces()
            .is_empty()
    );
    let kept = ssm
        .get_parameter()
        .name("/sagemaker-workforce/lifecycle-test/domain-prefix")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.parameter().unwrap().value(), Some(prefix.as_str()));

    // the next create reuses the stored prefix
    let mut again = StackState::new("lifecycle-test");
    let recreated = local_stack::run(
        Command::Create,
        &emu.endpoints,
        &create,
        &mut again,
        &progress,
    )
    .await;
    assert!(recreated.is_ok(), "{recreated:?}");
    assert_eq!(output(&again, "DomainPrefix"), prefix);
}

#[tokio::test]
async fn broken_wiring_fails_and_rolls_back_with_the_name() {
    let emu = emulators().await;
    let text = std::fs::read_to_string(template()).unwrap();
    let broken = text.replace(
        "!GetAtt PortalDomain.CallbackUrl",
        "!GetAtt PortalDomain.CallbackUri",
    );
    assert_ne!(broken, text, "the template reads PortalDomain.CallbackUrl");
    let dir = std::env::temp_dir().join(format!("local-stack-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("template.yaml");
    std::fs::write(&path, broken).unwrap();

    let progress = Progress::new(true);
    let mut state = StackState::new("lifecycle-test");
    let opts = options(path, &[]).await;
    let error = local_stack::run(
        Command::Create,
        &emu.endpoints,
        &opts,
        &mut state,
        &progress,
    )
    .await
    .unwrap_err()
    .to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(error.contains("CallbackUri"), "{error}");
    assert!(error.contains("PortalDomain"), "{error}");
    assert_eq!(state.status, "ROLLBACK_COMPLETE");
    assert!(state.resources.is_empty());
    let config = emu.moto.sdk_config().await;
    let pools = cognito::Client::new(&config)
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert!(pools.user_pools().is_empty(), "rollback removed the pool");
}

/// Creates the stack (no workers) and returns its state.
async fn created(emu: &Emulators, progress: &Progress) -> StackState {
    let mut state = StackState::new("lifecycle-test");
    let create = options(template(), &[]).await;
    let created = local_stack::run(
        Command::Create,
        &emu.endpoints,
        &create,
        &mut state,
        progress,
    )
    .await;
    assert!(created.is_ok(), "{created:?}");
    assert_eq!(state.status, "CREATE_COMPLETE");
    state
}

async fn updated(emu: &Emulators, progress: &Progress, state: &mut StackState, params: &[&str]) {
    let update = options(template(), params).await;
    let updated = local_stack::run(Command::Update, &emu.endpoints, &update, state, progress).await;
    assert!(updated.is_ok(), "{updated:?}");
    assert_eq!(state.status, "UPDATE_COMPLETE");
}

async fn invitation(cognito: &cognito::Client, pool: &str) -> String {
    let described = cognito
        .describe_user_pool()
        .user_pool_id(pool)
        .send()
        .await
        .unwrap();
    described
        .user_pool()
        .and_then(|p| p.admin_create_user_config())
        .and_then(|c| c.invite_message_template())
        .and_then(|t| t.email_message())
        .unwrap_or_default()
        .to_owned()
}

/// (callback URLs, logout URLs) of the app client.
async fn client_urls(
    cognito: &cognito::Client,
    pool: &str,
    client: &str,
) -> (Vec<String>, Vec<String>) {
    let described = cognito
        .describe_user_pool_client()
        .user_pool_id(pool)
        .client_id(client)
        .send()
        .await
        .unwrap();
    let client = described.user_pool_client().unwrap();
    (
        client.callback_urls().to_vec(),
        client.logout_urls().to_vec(),
    )
}

/// A new FeaturePlan reaches only the user pool among the template's
/// resources; CloudFormation rewrites the pool with the template's
/// invitation (UpdateUserPool resets what it is not given), so
/// Custom::InviteEmail must re-run afterwards to put the portal link back.
#[tokio::test]
async fn a_native_pool_rewrite_keeps_the_portal_in_the_invitation() {
    let emu = emulators().await;
    let cognito = cognito::Client::new(&emu.moto.sdk_config().await);
    let progress = Progress::new(true);
    let mut state = created(&emu, &progress).await;
    let pool = output(&state, "UserPoolId");
    let portal = output(&state, "PortalUrl");
    assert!(invitation(&cognito, &pool).await.contains(&portal));

    for params in [
        &["FeaturePlan=PLUS"][..],
        &["FeaturePlan=PLUS", "DeletionProtection=ACTIVE"],
        &["FeaturePlan=PLUS", "UserActivityLogs=false"],
    ] {
        let pool_updates = || {
            progress
                .events()
                .iter()
                .filter(|e| e.logical_id == "UserPool" && e.status == "UPDATE_COMPLETE")
                .count()
        };
        let before = pool_updates();
        updated(&emu, &progress, &mut state, params).await;
        assert!(
            pool_updates() > before,
            "{params:?}: the pool was not rewritten"
        );
        let message = invitation(&cognito, &pool).await;
        assert!(message.contains(&portal), "{params:?}: {message}");
    }
    let described = cognito
        .describe_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let user_pool = described.user_pool().unwrap();
    assert_eq!(user_pool.user_pool_tier().map(|t| t.as_str()), Some("PLUS"));
    // The last update turned deletion protection back off.
    assert_eq!(
        user_pool.deletion_protection().map(|d| d.as_str()),
        Some("INACTIVE")
    );
}

/// A new PlaceholderCallbackUrl makes CloudFormation rewrite the app client
/// with only that URL; PlaceholderFilter's result (the portal's URLs) does
/// not change, so Custom::ClientCallbacks re-runs only because it is given
/// the placeholder too. Afterwards the client has exactly the portal's URLs.
#[tokio::test]
async fn a_new_placeholder_leaves_exactly_the_portal_urls_on_the_client() {
    let emu = emulators().await;
    let cognito = cognito::Client::new(&emu.moto.sdk_config().await);
    let progress = Progress::new(true);
    let mut state = created(&emu, &progress).await;
    let pool = output(&state, "UserPoolId");
    let client = output(&state, "UserPoolClientId");
    let portal = output(&state, "PortalUrl");
    let expected = (
        vec![format!("{portal}/oauth2/idpresponse")],
        vec![format!("{portal}/logout")],
    );
    assert_eq!(client_urls(&cognito, &pool, &client).await, expected);

    for placeholder in [
        "https://placeholder.invalid/renamed",
        "https://placeholder.invalid/callback",
    ] {
        updated(
            &emu,
            &progress,
            &mut state,
            &[&format!("PlaceholderCallbackUrl={placeholder}")],
        )
        .await;
        assert_eq!(
            client_urls(&cognito, &pool, &client).await,
            expected,
            "after PlaceholderCallbackUrl={placeholder}"
        );
    }
    assert_eq!(
        output(&state, "UserPoolClientId"),
        client,
        "updated in place"
    );
}
