//! The whole template, created, updated and deleted on the emulators, with
//! the real function binaries; the emulators' state checked at each step.

use aws_sdk_cognitoidentityprovider as cognito;
use local_aws::sagemaker::EmulatorOptions;
use local_stack::aws::LocalAws;
use local_stack::engine::StackState;
use local_stack::progress::Progress;
use local_stack::{Command, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
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
        faults: None,
    }
}

type Emulators = LocalAws;

async fn emulators() -> Emulators {
    LocalAws::start(EmulatorOptions::default()).await.unwrap()
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

/// Creates the stack from template.yaml with `from` replaced by `to`
/// (which must occur), expecting the create to fail: its error and the
/// stack state it left.
async fn create_edited(emu: &Emulators, label: &str, from: &str, to: &str) -> (String, StackState) {
    let text = std::fs::read_to_string(template()).unwrap();
    let edited = text.replace(from, to);
    assert_ne!(edited, text, "template.yaml has no {from:?}");
    let dir = std::env::temp_dir().join(format!("local-stack-{label}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("template.yaml");
    std::fs::write(&path, edited).unwrap();
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
    (error, state)
}

#[tokio::test]
async fn broken_wiring_fails_and_rolls_back_with_the_name() {
    let emu = emulators().await;
    let (error, state) = create_edited(
        &emu,
        "broken",
        "!GetAtt PortalDomain.CallbackUrl",
        "!GetAtt PortalDomain.CallbackUri",
    )
    .await;
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

async fn user_exists(client: &cognito::Client, pool: &str, name: &str) -> bool {
    client
        .admin_get_user()
        .user_pool_id(pool)
        .username(name)
        .send()
        .await
        .is_ok()
}

/// Every parameter these steps set: an update keeps the previous values of
/// the others, but `options` would put DeletionProtection back to INACTIVE.
async fn step(
    emu: &Emulators,
    command: Command,
    params: &[&str],
    state: &mut StackState,
    progress: &Progress,
) -> Result<(), local_stack::RunError> {
    let mut all = vec!["DeletionProtection=ACTIVE"];
    all.extend_from_slice(params);
    let opts = options(template(), &all).await;
    local_stack::run(command, &emu.endpoints, &opts, state, progress).await
}

fn requests_of<'a>(
    requests: &'a [serde_json::Value],
    logical_id: &str,
) -> Vec<&'a serde_json::Value> {
    requests
        .iter()
        .filter(|r| r["LogicalResourceId"] == logical_id)
        .collect()
}

#[tokio::test]
async fn workers_rollback_and_deletion_protection() {
    let emu = emulators().await;
    let config = emu.moto.sdk_config().await;
    let cognito = cognito::Client::new(&config);
    let sm_config = local_aws::sdk_config(&emu.endpoints.sagemaker, local_aws::REGION).await;
    let sagemaker = aws_sdk_sagemaker::Client::new(&sm_config);
    let progress = Progress::new(true);
    let mut state = StackState::new("lifecycle-test");

    // create, with deletion protection
    let created = step(
        &emu,
        Command::Create,
        &["InvitedUserEmails=alice@example.com,bob@example.com,a.b@example.com"],
        &mut state,
        &progress,
    )
    .await;
    assert!(created.is_ok(), "{created:?}");
    let pool = output(&state, "UserPoolId");
    assert_eq!(
        group_members(&cognito, &pool).await,
        ["a.b@example.com", "alice@example.com", "bob@example.com"]
    );

    // Colliding addresses are refused before anything changes, naming both
    // addresses and the rule.
    let before = state.clone();
    let events_before = progress.events().len();
    for (emails, needles) in [
        (
            "alice@example.com,Alice@example.com",
            [
                "\"alice@example.com\"",
                "\"Alice@example.com\"",
                "not case-sensitive",
            ],
        ),
        (
            "alice@example.com,a.b@example.com,ab@example.com",
            [
                "\"a.b@example.com\"",
                "\"ab@example.com\"",
                "only the letters and digits",
            ],
        ),
        (
            "alice@example.com,Bob@example.com",
            [
                "\"Bob@example.com\"",
                "\"bob@example.com\"",
                "remove it in one update",
            ],
        ),
    ] {
        let param = format!("InvitedUserEmails={emails}");
        let error = step(&emu, Command::Update, &[&param], &mut state, &progress)
            .await
            .unwrap_err()
            .to_string();
        for needle in needles {
            assert!(error.contains(needle), "missing {needle} in {error}");
        }
        assert_eq!(state, before, "a refused update changes nothing");
        assert_eq!(progress.events().len(), events_before, "and starts nothing");
    }
    assert!(!user_exists(&cognito, &pool, "ab@example.com").await);

    // Remove bob, respell a.b@ as ab@ (same logical id: a replacement). No
    // custom resource's properties change, so none gets an event; the old
    // users go in the cleanup phase, after every create and update.
    let requests_before = progress.requests().len();
    let events_before = progress.events().len();
    let updated = step(
        &emu,
        Command::Update,
        &["InvitedUserEmails=alice@example.com,ab@example.com"],
        &mut state,
        &progress,
    )
    .await;
    assert!(updated.is_ok(), "{updated:?}");
    assert_eq!(state.status, "UPDATE_COMPLETE");
    assert_eq!(
        progress.requests().len(),
        requests_before,
        "no custom resource changed, none got an event: {:?}",
        &progress.requests()[requests_before..]
    );
    assert!(!user_exists(&cognito, &pool, "bob@example.com").await);
    assert!(!user_exists(&cognito, &pool, "a.b@example.com").await);
    assert_eq!(
        group_members(&cognito, &pool).await,
        ["ab@example.com", "alice@example.com"]
    );
    let events = &progress.events()[events_before..];
    let cleanup = events
        .iter()
        .position(|e| e.status == "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        .expect("a cleanup phase");
    let (updates, deletes) = events.split_at(cleanup);
    assert!(
        updates
            .iter()
            .any(|e| e.logical_id == "InvitedUserabexamplecom"
                && e.status == "UPDATE_COMPLETE"
                && e.reason.contains("new physical resource"))
    );
    assert!(updates.iter().all(|e| !e.status.starts_with("DELETE")));
    for gone in [
        "InvitedUserabexamplecom",
        "InvitedUserGroupabexamplecom",
        "InvitedUserbobexamplecom",
        "InvitedUserGroupbobexamplecom",
    ] {
        assert!(
            deletes
                .iter()
                .any(|e| e.logical_id == gone && e.status == "DELETE_COMPLETE"),
            "{gone} deleted in the cleanup phase"
        );
    }

    // An update that fails after custom resources were updated rolls back:
    // each of them gets its old properties back, and the emulators hold
    // the old state. A user made in the console blocks Carol@ (usernames
    // ignore case in this pool, so Cognito refuses the second).
    cognito
        .admin_create_user()
        .user_pool_id(&pool)
        .username("carol@example.com")
        .send()
        .await
        .unwrap();
    let requests_before = progress.requests().len();
    let failed = step(
        &emu,
        Command::Update,
        &[
            "InvitedUserEmails=alice@example.com,ab@example.com,Carol@example.com",
            "SourceIpCidrs=203.0.113.0/24",
            "InviteEmailSubject=Join us",
        ],
        &mut state,
        &progress,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(failed.contains("InvitedUserCarolexamplecom"), "{failed}");
    assert!(failed.contains("UsernameExists"), "{failed}");
    assert_eq!(state.status, "UPDATE_ROLLBACK_COMPLETE");
    let requests = progress.requests()[requests_before..].to_vec();
    for (id, key, new, old) in [
        (
            "Workforce",
            "SourceIpCidrs",
            serde_json::json!(["203.0.113.0/24"]),
            serde_json::Value::Null,
        ),
        (
            "InviteEmail",
            "EmailSubject",
            serde_json::json!("Join us"),
            serde_json::json!("You are invited to a labeling workforce"),
        ),
    ] {
        let sent = requests_of(&requests, id);
        assert_eq!(
            sent.len(),
            2,
            "{id}: the update, then the rollback: {sent:?}"
        );
        assert!(sent.iter().all(|r| r["RequestType"] == "Update"));
        assert_eq!(sent[0]["ResourceProperties"][key], new, "{id}");
        assert_eq!(sent[0]["OldResourceProperties"][key], old, "{id}");
        assert_eq!(sent[1]["ResourceProperties"][key], old, "{id} rolled back");
        assert_eq!(
            sent[1]["OldResourceProperties"][key], new,
            "{id} rolled back"
        );
    }
    let workforce = sagemaker
        .describe_workforce()
        .workforce_name("labeling-workforce")
        .send()
        .await
        .unwrap();
    let cidrs = workforce
        .workforce()
        .unwrap()
        .source_ip_config()
        .map(|c| c.cidrs().to_vec())
        .unwrap_or_default();
    assert!(cidrs.is_empty(), "the CIDRs were rolled back: {cidrs:?}");
    let described = cognito
        .describe_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let invite = described
        .user_pool()
        .unwrap()
        .admin_create_user_config()
        .unwrap()
        .invite_message_template()
        .unwrap()
        .clone();
    assert_eq!(
        invite.email_subject(),
        Some("You are invited to a labeling workforce")
    );
    let portal = output(&state, "PortalUrl");
    assert!(invite.email_message().unwrap().contains(&portal));
    assert!(user_exists(&cognito, &pool, "carol@example.com").await);
    assert_eq!(
        group_members(&cognito, &pool).await,
        ["ab@example.com", "alice@example.com"],
        "the console user was not touched"
    );
    assert_eq!(
        state.parameters["InviteEmailSubject"],
        "You are invited to a labeling workforce"
    );

    // Deletion protection: the delete stops at the pool; the stack cannot
    // be updated then; deleting it again keeping the pool ends it.
    let refused = step(
        &emu,
        Command::DeleteRetaining(vec!["UserPool".into()]),
        &[],
        &mut state,
        &progress,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("only when deleting a stack in DELETE_FAILED"),
        "{refused}"
    );
    assert_eq!(state.status, "UPDATE_ROLLBACK_COMPLETE");
    let stopped = step(&emu, Command::Delete, &[], &mut state, &progress)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        stopped.contains("failed to delete: [UserPool]"),
        "{stopped}"
    );
    let why = progress
        .events()
        .into_iter()
        .rfind(|e| e.logical_id == "UserPool" && e.status == "DELETE_FAILED")
        .unwrap();
    assert!(
        why.reason.contains("deletion protection is activated"),
        "{}",
        why.reason
    );
    assert_eq!(state.status, "DELETE_FAILED");
    // The pool, and what it depends on (its CustomMessage trigger), which
    // CloudFormation does not try to delete while the pool stays.
    assert_eq!(
        state.resources.keys().collect::<Vec<_>>(),
        [
            "InvitationMessageFunction",
            "InvitationMessageLogGroup",
            "InvitationMessageRole",
            "UserPool"
        ]
    );
    assert!(!user_exists(&cognito, &pool, "alice@example.com").await);
    assert!(
        sagemaker
            .list_workforces()
            .send()
            .await
            .unwrap()
            .workforces()
            .is_empty()
    );
    let refused = step(&emu, Command::Update, &[], &mut state, &progress)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("is in DELETE_FAILED state and can not be updated."),
        "{refused}"
    );
    assert_eq!(state.status, "DELETE_FAILED");
    let deleted = step(
        &emu,
        Command::DeleteRetaining(vec!["UserPool".into()]),
        &[],
        &mut state,
        &progress,
    )
    .await;
    assert!(deleted.is_ok(), "{deleted:?}");
    assert_eq!(state.status, "DELETE_COMPLETE");
    assert!(state.resources.is_empty());
    assert!(
        state.retained.iter().any(|r| r.starts_with("UserPool ")),
        "{:?}",
        state.retained
    );
    assert!(
        user_exists(&cognito, &pool, "carol@example.com").await,
        "the pool was kept with its users"
    );
    assert!(
        progress
            .events()
            .iter()
            .any(|e| e.logical_id == "UserPool" && e.status == "DELETE_SKIPPED")
    );
}

/// UpdateReplacePolicy: Retain keeps the old resource of a replacement in
/// the emulators (the template's UserPool has it); without it the old one
/// is deleted in the cleanup phase.
#[tokio::test]
async fn a_replaced_pool_with_update_replace_policy_retain_is_kept() {
    const TEMPLATE: &str = r#"
Parameters:
  Sensitive: {Type: String, Default: "false", AllowedValues: ["true", "false"]}
Conditions:
  IsSensitive: !Equals [!Ref Sensitive, "true"]
Resources:
  Kept:
    Type: AWS::Cognito::UserPool
    UpdateReplacePolicy: Retain
    DeletionPolicy: Delete
    Properties:
      UserPoolName: kept
      UsernameConfiguration: {CaseSensitive: !If [IsSensitive, true, false]}
  Dropped:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: dropped
      UsernameConfiguration: {CaseSensitive: !If [IsSensitive, true, false]}
"#;
    let emu = emulators().await;
    let dir = std::env::temp_dir().join(format!("local-stack-replace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("template.yaml");
    std::fs::write(&path, TEMPLATE).unwrap();
    let config = emu.moto.sdk_config().await;
    let cognito = cognito::Client::new(&config);
    let pool_names = || async {
        let pools = cognito
            .list_user_pools()
            .max_results(10)
            .send()
            .await
            .unwrap();
        let mut names: Vec<(String, String)> = pools
            .user_pools()
            .iter()
            .map(|p| (p.name().unwrap().to_owned(), p.id().unwrap().to_owned()))
            .collect();
        names.sort();
        names
    };
    let progress = Progress::new(true);
    let mut state = StackState::new("replace-test");
    let mut opts = options(path.clone(), &[]).await;
    opts.overrides.clear();
    let created = local_stack::run(
        Command::Create,
        &emu.endpoints,
        &opts,
        &mut state,
        &progress,
    )
    .await;
    assert!(created.is_ok(), "{created:?}");
    let old_kept = state.resources["Kept"].physical_id.clone();

    opts.overrides.insert("Sensitive".into(), "true".into());
    let updated = local_stack::run(
        Command::Update,
        &emu.endpoints,
        &opts,
        &mut state,
        &progress,
    )
    .await;
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(updated.is_ok(), "{updated:?}");
    let new_kept = state.resources["Kept"].physical_id.clone();
    assert_ne!(
        new_kept, old_kept,
        "UsernameConfiguration replaces the pool"
    );
    let names = pool_names().await;
    let ids: Vec<&str> = names.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(
        names.len(),
        3,
        "new Kept, new Dropped and the old Kept: {names:?}"
    );
    assert!(ids.contains(&old_kept.as_str()), "{names:?}");
    assert_eq!(
        state.retained,
        [format!("Kept (AWS::Cognito::UserPool {old_kept})")]
    );
    let skipped = progress
        .events()
        .into_iter()
        .find(|e| e.logical_id == "Kept" && e.status == "DELETE_SKIPPED")
        .unwrap();
    assert!(
        skipped.reason.contains("UpdateReplacePolicy: Retain"),
        "{}",
        skipped.reason
    );
    assert!(
        progress
            .events()
            .iter()
            .any(|e| e.logical_id == "Dropped" && e.status == "DELETE_COMPLETE")
    );

    // Deleting the stack deletes its pools; the retained one is no longer its.
    let deleted = local_stack::run(
        Command::Delete,
        &emu.endpoints,
        &opts,
        &mut state,
        &progress,
    )
    .await;
    assert!(deleted.is_ok(), "{deleted:?}");
    let names = pool_names().await;
    assert_eq!(names.len(), 1, "{names:?}");
    assert_eq!(names[0].1, old_kept);
}

/// The region's work teams as ListWorkteams shows them: (name, ARN,
/// workforce ARN).
async fn teams(sagemaker: &aws_sdk_sagemaker::Client) -> Vec<(String, String, String)> {
    let listed = sagemaker.list_workteams().send().await.unwrap();
    listed
        .workteams()
        .iter()
        .map(|team| {
            (
                team.workteam_name().unwrap_or_default().to_owned(),
                team.workteam_arn().unwrap_or_default().to_owned(),
                team.workforce_arn().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The region's workforces: (name, ARN, status, sub-domain).
async fn workforces(
    sagemaker: &aws_sdk_sagemaker::Client,
) -> Vec<(String, String, String, String)> {
    let listed = sagemaker.list_workforces().send().await.unwrap();
    listed
        .workforces()
        .iter()
        .map(|workforce| {
            (
                workforce.workforce_name().unwrap_or_default().to_owned(),
                workforce.workforce_arn().unwrap_or_default().to_owned(),
                workforce
                    .status()
                    .map(|status| status.as_str().to_owned())
                    .unwrap_or_default(),
                workforce.sub_domain().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A rename with a work team attached (SageMaker refuses to delete a
/// workforce with teams): the workforce resource deletes its team and the
/// old workforce, creates both anew, and the portal URLs that follow from
/// it reach the app client and the invitation.
#[tokio::test]
async fn renaming_the_workforce_moves_the_team_portal_client_and_invitation() {
    let emu = emulators().await;
    let config = emu.moto.sdk_config().await;
    let cognito = cognito::Client::new(&config);
    let sm_config = local_aws::sdk_config(&emu.endpoints.sagemaker, local_aws::REGION).await;
    let sagemaker = aws_sdk_sagemaker::Client::new(&sm_config);
    let progress = Progress::new(true);

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
    let pool = output(&state, "UserPoolId");
    let client_id = output(&state, "UserPoolClientId");
    let old_portal = output(&state, "PortalUrl");
    let old_team_arn = output(&state, "WorkteamArn");
    assert!(
        old_team_arn.ends_with("/labeling-workforce-team"),
        "{old_team_arn}"
    );

    let rename = options(template(), &["WorkforceName=renamed-workforce"]).await;
    let updated = local_stack::run(
        Command::Update,
        &emu.endpoints,
        &rename,
        &mut state,
        &progress,
    )
    .await;
    assert!(updated.is_ok(), "{updated:?}");
    assert_eq!(state.status, "UPDATE_COMPLETE");

    // Exactly one workforce, the new one, with our team on it.
    let live = workforces(&sagemaker).await;
    assert_eq!(live.len(), 1, "{live:?}");
    let (name, arn, status, sub_domain) = &live[0];
    assert_eq!(name, "renamed-workforce");
    assert_eq!(status, "Active");
    let team_arn = format!(
        "arn:aws:sagemaker:{}:{}:workteam/private-crowd/renamed-workforce-team",
        local_aws::REGION,
        local_aws::ACCOUNT_ID
    );
    assert_eq!(
        teams(&sagemaker).await,
        [(
            "renamed-workforce-team".to_owned(),
            team_arn.clone(),
            arn.clone()
        )]
    );
    // The outputs are the new ones.
    let portal = format!("https://{sub_domain}");
    assert_eq!(output(&state, "WorkteamArn"), team_arn);
    assert_eq!(output(&state, "PortalUrl"), portal);
    assert_eq!(output(&state, "WorkforceName"), "renamed-workforce");
    assert_ne!(portal, old_portal);

    // The app client has the new portal's URLs only.
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

    // The invitation carries the new portal URL, not the old.
    let (_, message) = invite_template(&cognito, &pool).await;
    assert!(message.contains(&portal), "{message}");
    assert!(!message.contains(&old_portal), "{message}");
    // The worker is still in the team's group.
    assert_eq!(group_members(&cognito, &pool).await, ["alice@example.com"]);

    // And the renamed stack deletes cleanly.
    let deleted = local_stack::run(
        Command::Delete,
        &emu.endpoints,
        &rename,
        &mut state,
        &progress,
    )
    .await;
    assert!(deleted.is_ok(), "{deleted:?}");
    assert!(workforces(&sagemaker).await.is_empty());
    assert!(teams(&sagemaker).await.is_empty());
}

/// A rename whose new workforce fails: CloudFormation rolls the workforce
/// resource back with an Update to the old properties, which recreates the
/// old workforce and its team; the team's ARN is derived from its name, so
/// it is the one the stack recorded. The recreated workforce has a new
/// portal (SageMaker picks the sub-domain) and the portal, filter and client
/// resources get no event, yet `PortalUrl` and the app client follow it.
#[tokio::test]
async fn a_rename_whose_new_workforce_fails_rolls_back_to_the_old_workforce_and_team() {
    let emu = emulators().await;
    let sm_config = local_aws::sdk_config(&emu.endpoints.sagemaker, local_aws::REGION).await;
    let sagemaker = aws_sdk_sagemaker::Client::new(&sm_config);
    let cognito = cognito::Client::new(&emu.moto.sdk_config().await);
    let progress = Progress::new(true);

    let create = options(template(), &[]).await;
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
    let before = workforces(&sagemaker).await;
    let old_team_arn = output(&state, "WorkteamArn");
    let old_outputs = state.outputs.clone();
    let old_workforce = state.resources["Workforce"].clone();

    emu.sagemaker
        .fail_next_workforce("planted: the renamed workforce cannot be created");
    let rename = options(template(), &["WorkforceName=renamed-workforce"]).await;
    let error = local_stack::run(
        Command::Update,
        &emu.endpoints,
        &rename,
        &mut state,
        &progress,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(error.contains("planted"), "{error}");
    assert_eq!(state.status, "UPDATE_ROLLBACK_COMPLETE");

    // The old workforce (same name and ARN) and the old team are back.
    let after = workforces(&sagemaker).await;
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].0, before[0].0);
    assert_eq!(after[0].1, before[0].1);
    assert_eq!(after[0].2, "Active");
    assert_eq!(
        teams(&sagemaker).await,
        [(
            "labeling-workforce-team".to_owned(),
            old_team_arn.clone(),
            before[0].1.clone()
        )]
    );
    // The stack's record agrees with the services.
    assert_eq!(state.outputs["WorkteamArn"], old_outputs["WorkteamArn"]);
    assert_eq!(state.outputs["WorkforceArn"], old_outputs["WorkforceArn"]);
    assert_eq!(
        state.resources["Workforce"].physical_id,
        old_workforce.physical_id
    );
    assert_eq!(
        state.resources["Workforce"].properties,
        old_workforce.properties
    );
    let events = progress.events();
    assert!(
        events.iter().any(|e| e.logical_id == "Workforce"
            && e.status == "UPDATE_IN_PROGRESS"
            && e.reason.contains("rolling back")),
        "the workforce got its rollback Update"
    );
    let portal = format!("https://{}", after[0].3);
    assert_ne!(
        after[0].3, before[0].3,
        "a recreated workforce has a new portal"
    );
    assert!(
        !events
            .iter()
            .any(|e| e.logical_id == "ClientCallbacks" && e.reason.contains("rolling back")),
        "the client's URLs resource got no rollback event"
    );
    assert_eq!(output(&state, "PortalUrl"), portal);
    assert_eq!(
        client_urls(
            &cognito,
            &output(&state, "UserPoolId"),
            &output(&state, "UserPoolClientId")
        )
        .await,
        portal_urls_on_client(&portal)
    );

    // The stack still deletes cleanly.
    let deleted = local_stack::run(
        Command::Delete,
        &emu.endpoints,
        &create,
        &mut state,
        &progress,
    )
    .await;
    assert!(deleted.is_ok(), "{deleted:?}");
    assert!(workforces(&sagemaker).await.is_empty());
    assert!(teams(&sagemaker).await.is_empty());
}

/// The pool's invitation template as Cognito holds it now.
async fn invite_template(client: &cognito::Client, pool: &str) -> (String, String) {
    let described = client
        .describe_user_pool()
        .user_pool_id(pool)
        .send()
        .await
        .unwrap();
    let template = described
        .user_pool()
        .and_then(|p| p.admin_create_user_config())
        .and_then(|c| c.invite_message_template())
        .unwrap();
    (
        template.email_subject().unwrap_or_default().to_owned(),
        template.email_message().unwrap_or_default().to_owned(),
    )
}

/// The invitation email the summary shows for `user`, from its heading to
/// the next blank line.
fn summary_invitation(summary: &str, user: &str) -> String {
    let heading = format!("Invitation email to {user}");
    let start = summary
        .find(&heading)
        .unwrap_or_else(|| panic!("no {heading:?} in:\n{summary}"));
    let rest = &summary[start..];
    rest[..rest.find("\n\n").unwrap_or(rest.len())].to_owned()
}

#[tokio::test]
async fn a_rolled_back_pool_rewrite_does_not_strip_the_portal_from_invitations() {
    let emu = emulators().await;
    let config = emu.moto.sdk_config().await;
    let cognito = cognito::Client::new(&config);
    let progress = Progress::new(true);

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
    let pool = output(&state, "UserPoolId");
    let portal = output(&state, "PortalUrl");
    assert!(invite_template(&cognito, &pool).await.1.contains(&portal));

    // A new subject rewrites the pool natively; the CIDR then fails at the
    // workforce, and the rollback rewrites the pool once more. InviteEmail,
    // after the workforce, never gets an event.
    rolled_back(
        &emu,
        &progress,
        &mut state,
        &[
            "InvitedUserEmails=alice@example.com",
            "InviteEmailSubject=Join the labeling team",
            "SourceIpCidrs=10.0.0.0/99",
        ],
    )
    .await;
    let events = progress.events();
    let rewritten = |status: &str| {
        events
            .iter()
            .filter(|e| e.logical_id == "UserPool" && e.status == status)
            .count()
    };
    assert_eq!(rewritten("UPDATE_COMPLETE"), 2, "update and rollback");
    assert!(
        !events
            .iter()
            .any(|e| e.logical_id == "InviteEmail" && e.status.starts_with("UPDATE")),
        "InviteEmail was never reached"
    );
    let (_, stripped) = invite_template(&cognito, &pool).await;
    assert!(
        !stripped.contains(&portal),
        "the rollback put the template's invitation back without the link: {stripped}"
    );

    // The next worker is invited after that.
    let add = options(
        template(),
        &["InvitedUserEmails=alice@example.com,bob@example.com"],
    )
    .await;
    let added =
        local_stack::run(Command::Update, &emu.endpoints, &add, &mut state, &progress).await;
    assert!(added.is_ok(), "{added:?}");
    assert_eq!(state.status, "UPDATE_COMPLETE");
    // The pool's template still lacks the link (nothing rewrote it)...
    let (subject, template_message) = invite_template(&cognito, &pool).await;
    assert!(!template_message.contains(&portal), "{template_message}");
    // ...yet the email Cognito sent bob carries it.
    let summary = local_stack::summary(&emu.endpoints, &state).await.unwrap();
    let email = summary_invitation(&summary, "bob@example.com");
    assert!(email.contains(&portal), "bob's invitation: {email}");
    assert!(email.contains(&format!("Subject: {subject}")), "{email}");
    assert!(email.contains("bob@example.com"), "{email}");
    let sent = &state.resources["InvitedUserbobexamplecom"].attributes
        [local_stack::providers::SENT_INVITATION];
    assert_eq!(
        sent["ComposedBy"]
            .as_str()
            .map(|f| f.contains("InvitationMessage")),
        Some(true)
    );
    assert_eq!(
        sent["Message"].as_str().unwrap_or_default(),
        format!(
            "{template_message}{}",
            invitation_message::portal_paragraph(&portal)
        )
    );
}

#[tokio::test]
async fn functions_get_the_templates_environment_and_act_only_for_that_stack() {
    let emu = emulators().await;
    // The template's own stack id reaches the functions through Globals: the
    // create above works only because local-stack passes it. Told another
    // stack, every function must refuse this one before acting.
    let other = "arn:aws:cloudformation:us-east-1:123456789012:stack/other-stack/0f0f0f0f";
    let (error, state) = create_edited(
        &emu,
        "misrouted",
        "CFN_STACK_ID: !Ref AWS::StackId",
        &format!("CFN_STACK_ID: {other}"),
    )
    .await;
    for expected in ["own stack", "other-stack", "lifecycle-test"] {
        assert!(error.contains(expected), "{expected} not in {error}");
    }
    assert_eq!(state.status, "ROLLBACK_COMPLETE");
    assert!(state.resources.is_empty());
    let config = emu.moto.sdk_config().await;
    let parameters = aws_sdk_ssm::Client::new(&config)
        .describe_parameters()
        .send()
        .await
        .unwrap();
    assert!(
        parameters.parameters().is_empty(),
        "a refused function stored {:?}",
        parameters.parameters()
    );
}

/// Creates the stack (no workers) and returns its state.
async fn created(emu: &Emulators, progress: &Progress) -> StackState {
    created_with(emu, progress, &[]).await
}

/// Creates the stack with `params`, which must succeed, and returns its state.
async fn created_with(emu: &Emulators, progress: &Progress, params: &[&str]) -> StackState {
    let mut state = StackState::new("lifecycle-test");
    let create = options(template(), params).await;
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

/// Runs an update with `params` that must fail and roll back.
async fn rolled_back(
    emu: &Emulators,
    progress: &Progress,
    state: &mut StackState,
    params: &[&str],
) {
    let update = options(template(), params).await;
    let failed = local_stack::run(Command::Update, &emu.endpoints, &update, state, progress).await;
    assert!(failed.is_err(), "{params:?} must fail");
    assert_eq!(state.status, "UPDATE_ROLLBACK_COMPLETE");
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

/// (callback URLs, logout URLs) the app client must hold for `portal`: its
/// callback and logout URL, nothing else.
fn portal_urls_on_client(portal: &str) -> (Vec<String>, Vec<String>) {
    (
        vec![format!("{portal}/oauth2/idpresponse")],
        vec![format!("{portal}/logout")],
    )
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

/// A new PlaceholderCallbackUrl reaches the app client (Custom::AppClient),
/// whose update swaps placeholders and keeps the portal's URLs, and
/// Custom::ClientCallbacks, which writes them again. Afterwards the client
/// has exactly the portal's URLs.
#[tokio::test]
async fn a_new_placeholder_leaves_exactly_the_portal_urls_on_the_client() {
    let emu = emulators().await;
    let cognito = cognito::Client::new(&emu.moto.sdk_config().await);
    let progress = Progress::new(true);
    let mut state = created(&emu, &progress).await;
    let pool = output(&state, "UserPoolId");
    let client = output(&state, "UserPoolClientId");
    let portal = output(&state, "PortalUrl");
    let expected = portal_urls_on_client(&portal);
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

/// An update that changes PlaceholderCallbackUrl and then fails (an invalid
/// CIDR, at the workforce) rolls the app client back with the old
/// placeholder, while ClientCallbacks, after the workforce, gets no event at
/// all. The client must still hold exactly the portal's URLs afterwards, or
/// workers cannot sign in.
#[tokio::test]
async fn a_rolled_back_placeholder_change_keeps_the_portal_urls_on_the_client() {
    let emu = emulators().await;
    let cognito = cognito::Client::new(&emu.moto.sdk_config().await);
    let progress = Progress::new(true);
    let mut state = created(&emu, &progress).await;
    let pool = output(&state, "UserPoolId");
    let client = output(&state, "UserPoolClientId");
    let portal = output(&state, "PortalUrl");
    let expected = portal_urls_on_client(&portal);
    assert_eq!(client_urls(&cognito, &pool, &client).await, expected);

    rolled_back(
        &emu,
        &progress,
        &mut state,
        &[
            "PlaceholderCallbackUrl=https://placeholder.invalid/next",
            "SourceIpCidrs=10.0.0.0/99",
        ],
    )
    .await;
    let events = progress.events();
    let client_updates = events
        .iter()
        .filter(|e| e.logical_id == "AppClient" && e.status == "UPDATE_COMPLETE")
        .count();
    assert_eq!(client_updates, 2, "the client is updated, then rolled back");
    assert!(
        !events
            .iter()
            .any(|e| e.logical_id == "ClientCallbacks" && e.status.starts_with("UPDATE")),
        "ClientCallbacks was never reached"
    );
    assert_eq!(
        client_urls(&cognito, &pool, &client).await,
        expected,
        "after the rolled-back update"
    );
    assert_eq!(
        output(&state, "UserPoolClientId"),
        client,
        "the same client"
    );
}

/// template.yaml as it was before the app client became Custom::AppClient:
/// a native client under the logical id UserPoolClient.
fn template_with_native_client() -> String {
    let text = std::fs::read_to_string(template()).unwrap();
    let start = text.find("  # The labeling portal's app client").unwrap();
    let end = text.find("  CognitoDomainPrefix:").unwrap();
    let native = "  UserPoolClient:
    Type: AWS::Cognito::UserPoolClient
    Condition: UseCognito
    Properties:
      UserPoolId: !Ref UserPool
      ClientName: sagemaker-labeling-portal
      GenerateSecret: true
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthFlows: [code]
      AllowedOAuthScopes: [openid, email, profile]
      SupportedIdentityProviders: [COGNITO]
      ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH]
      PreventUserExistenceErrors: ENABLED
      EnableTokenRevocation: true
      CallbackURLs: [!Ref PlaceholderCallbackUrl]
      LogoutURLs: [!Ref PlaceholderCallbackUrl]

";
    let edited = format!("{}{native}{}", &text[..start], &text[end..]);
    edited
        .replace("!Ref AppClient\n", "!Ref UserPoolClient\n")
        .replace("!Ref AppClient,", "!Ref UserPoolClient,")
}

fn write_template(label: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("local-stack-{label}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("template.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A stack deployed with the native client is upgraded to this template:
/// giving the logical id UserPoolClient another type is refused, as
/// CloudFormation refuses it, before anything changes; the template's own
/// upgrade (a new logical id) creates the new client, moves the workforce
/// to it, and deletes the old client in the cleanup phase.
#[tokio::test]
async fn a_stack_with_the_native_app_client_upgrades_to_the_custom_one() {
    let emu = emulators().await;
    let cognito = cognito::Client::new(&emu.moto.sdk_config().await);
    let progress = Progress::new(true);
    let native = template_with_native_client();
    let old = write_template("native-client", &native);
    let mut state = StackState::new("lifecycle-test");
    let create = options(old.clone(), &["InvitedUserEmails=alice@example.com"]).await;
    let created = local_stack::run(
        Command::Create,
        &emu.endpoints,
        &create,
        &mut state,
        &progress,
    )
    .await;
    assert!(created.is_ok(), "{created:?}");
    let pool = output(&state, "UserPoolId");
    let old_client = output(&state, "UserPoolClientId");
    assert_eq!(
        state.resources["UserPoolClient"].resource_type,
        "AWS::Cognito::UserPoolClient"
    );

    // The same logical id with the custom type: refused, nothing changes.
    let retyped = native.replacen(
        "Type: AWS::Cognito::UserPoolClient",
        "Type: Custom::AppClient",
        1,
    );
    let retyped = write_template("retyped-client", &retyped);
    let refused = local_stack::run(
        Command::Update,
        &emu.endpoints,
        &options(retyped.clone(), &[]).await,
        &mut state,
        &progress,
    )
    .await
    .unwrap_err()
    .to_string();
    assert_eq!(
        refused,
        "Update of resource type is not permitted. The new template modifies resource type \
         of the following resources: [UserPoolClient]"
    );
    assert_eq!(state.status, "CREATE_COMPLETE");

    updated(&emu, &progress, &mut state, &[]).await;
    let new_client = output(&state, "UserPoolClientId");
    assert_ne!(new_client, old_client, "a new client");
    assert!(!state.resources.contains_key("UserPoolClient"));
    assert_eq!(state.resources["AppClient"].physical_id, new_client);
    let clients = cognito
        .list_user_pool_clients()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = clients
        .user_pool_clients()
        .iter()
        .filter_map(|c| c.client_id())
        .collect();
    assert_eq!(ids, [new_client.as_str()], "the old client is gone");
    // The workforce is on the new client, whose URLs are its portal's, and
    // the team is there.
    let sm_config = local_aws::sdk_config(&emu.endpoints.sagemaker, local_aws::REGION).await;
    let sagemaker = aws_sdk_sagemaker::Client::new(&sm_config);
    let described = sagemaker
        .describe_workforce()
        .workforce_name(output(&state, "WorkforceName"))
        .send()
        .await
        .unwrap();
    let cognito_config = described.workforce().and_then(|w| w.cognito_config());
    let cognito_config = cognito_config.and_then(|c| c.client_id());
    assert_eq!(cognito_config, Some(new_client.as_str()));
    assert_eq!(teams(&sagemaker).await.len(), 1);
    let portal = output(&state, "PortalUrl");
    assert_eq!(
        client_urls(&cognito, &pool, &new_client).await,
        portal_urls_on_client(&portal)
    );
    for dir in [old, retyped] {
        std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
    }
}

/// `IpAddressType` with IPv6 ranges: deployed dual-stack, then back to
/// IPv4 in place (the same workforce, the portal URL unchanged).
#[tokio::test]
async fn a_dual_stack_workforce_is_deployed_and_changed_back_in_place() {
    let emu = emulators().await;
    let progress = Progress::new(true);
    let mut state = created_with(
        &emu,
        &progress,
        &[
            "IpAddressType=dualstack",
            "SourceIpCidrs=198.51.100.0/24,2001:db8::/32",
        ],
    )
    .await;
    let name = output(&state, "WorkforceName");
    let portal = output(&state, "PortalUrl");
    let live = |emu: &Emulators| {
        emu.sagemaker
            .workforces()
            .into_iter()
            .find(|w| w["WorkforceName"] == name.as_str())
            .unwrap()
    };
    let workforce = live(&emu);
    assert_eq!(workforce["IpAddressType"], "dualstack");
    let mut cidrs: Vec<String> =
        serde_json::from_value(workforce["SourceIpConfig"]["Cidrs"].clone()).unwrap();
    cidrs.sort();
    assert_eq!(cidrs, ["198.51.100.0/24", "2001:db8::/32"]);

    updated(
        &emu,
        &progress,
        &mut state,
        &["IpAddressType=ipv4", "SourceIpCidrs=198.51.100.0/24"],
    )
    .await;
    let workforce = live(&emu);
    assert_eq!(workforce["IpAddressType"], "ipv4");
    assert_eq!(
        workforce["SourceIpConfig"]["Cidrs"],
        serde_json::json!(["198.51.100.0/24"])
    );
    assert_eq!(output(&state, "PortalUrl"), portal, "updated in place");
    assert_eq!(
        emu.sagemaker
            .calls()
            .iter()
            .filter(|c| c.as_str() == "CreateWorkforce")
            .count(),
        1
    );
}

/// The tags of a workforce or team, read the way an operator would.
async fn tags_of(emu: &Emulators, arn: &str) -> Vec<String> {
    local_aws::sagemaker_tags(&emu.sagemaker.endpoint_url(), arn).await
}

#[tokio::test]
async fn tags_reach_the_workforce_and_team_and_change_in_place() {
    let emu = emulators().await;
    let progress = Progress::new(true);
    let mut state = created_with(&emu, &progress, &["Tags=team=labeling,cost-center=42"]).await;
    let workforce = output(&state, "WorkforceArn");
    let team = output(&state, "WorkteamArn");
    let portal = output(&state, "PortalUrl");
    for arn in [&workforce, &team] {
        assert_eq!(
            tags_of(&emu, arn).await,
            ["cost-center=42", "team=labeling"]
        );
    }

    updated(&emu, &progress, &mut state, &["Tags=team=vision"]).await;
    for arn in [&workforce, &team] {
        assert_eq!(tags_of(&emu, arn).await, ["team=vision"]);
    }
    assert_eq!(output(&state, "PortalUrl"), portal, "updated in place");

    // No tags at all: the stack's keys go.
    updated(&emu, &progress, &mut state, &["Tags="]).await;
    for arn in [&workforce, &team] {
        assert!(tags_of(&emu, arn).await.is_empty());
    }
}

/// The SNS topics moto holds, and the email endpoints subscribed to `topic`.
async fn sns_state(emu: &Emulators, topic: &str) -> (Vec<String>, Vec<String>) {
    let aws = local_stack::aws::Client::new(emu.endpoints.clone()).unwrap();
    let topics = aws
        .query(local_stack::aws::SNS, "ListTopics", &[])
        .await
        .unwrap();
    let listed = local_stack::aws::xml_texts;
    let subscriptions = match aws
        .query(
            local_stack::aws::SNS,
            "ListSubscriptionsByTopic",
            &[("TopicArn", topic.to_owned())],
        )
        .await
    {
        Ok(xml) => listed(&xml, "Endpoint"),
        Err(_) => vec![],
    };
    (listed(&topics, "TopicArn"), subscriptions)
}

#[tokio::test]
async fn task_notifications_reach_the_team_and_the_workers_and_go_when_turned_off() {
    let emu = emulators().await;
    let progress = Progress::new(true);
    let mut state = created_with(
        &emu,
        &progress,
        &[
            "TaskNotifications=email",
            "InvitedUserEmails=ana@example.com,bo@example.com",
        ],
    )
    .await;
    let topic = output(&state, "TaskTopicArn");
    let team = output(&state, "WorkteamArn");
    let team_name = team.rsplit('/').next().unwrap().to_owned();
    let config = local_aws::sdk_config(&emu.sagemaker.endpoint_url(), local_aws::REGION).await;
    let sagemaker = aws_sdk_sagemaker::Client::new(&config);
    let team_topic =
        |described: aws_sdk_sagemaker::operation::describe_workteam::DescribeWorkteamOutput| {
            described
                .workteam()
                .and_then(|team| team.notification_configuration())
                .and_then(|config| config.notification_topic_arn())
                .map(str::to_owned)
        };
    let described = sagemaker
        .describe_workteam()
        .workteam_name(&team_name)
        .send()
        .await
        .unwrap();
    assert_eq!(team_topic(described), Some(topic.clone()));
    let (topics, mut subscribed) = sns_state(&emu, &topic).await;
    assert!(topics.contains(&topic), "{topics:?}");
    subscribed.sort();
    assert_eq!(subscribed, ["ana@example.com", "bo@example.com"]);
    let aws = local_stack::aws::Client::new(emu.endpoints.clone()).unwrap();
    let attributes = aws
        .query(
            local_stack::aws::SNS,
            "GetTopicAttributes",
            &[("TopicArn", topic.clone())],
        )
        .await
        .unwrap();
    assert!(
        attributes.contains("sagemaker.amazonaws.com"),
        "SageMaker may publish: {attributes}"
    );

    // Off: the team stops publishing first, then the topic and the
    // subscriptions go in the cleanup phase.
    updated(&emu, &progress, &mut state, &["TaskNotifications=off"]).await;
    let described = sagemaker
        .describe_workteam()
        .workteam_name(&team_name)
        .send()
        .await
        .unwrap();
    assert_eq!(team_topic(described), None);
    let (topics, subscribed) = sns_state(&emu, &topic).await;
    assert!(!topics.contains(&topic), "{topics:?}");
    assert!(subscribed.is_empty(), "{subscribed:?}");
    assert!(!state.outputs.contains_key("TaskTopicArn"));
}

/// An IdP that does not exist: the emulator never calls it.
const OIDC_SETTINGS: &[&str] = &[
    "IdentityProvider=OIDC",
    "OidcClientId=portal-client",
    "OidcIssuer=https://idp.example.com",
    "OidcAuthorizationEndpoint=https://idp.example.com/oauth2/authorize",
    "OidcTokenEndpoint=https://idp.example.com/oauth2/token",
    "OidcUserInfoEndpoint=https://idp.example.com/oauth2/userinfo",
    "OidcLogoutEndpoint=https://idp.example.com/logout",
    "OidcJwksUri=https://idp.example.com/.well-known/jwks.json",
    "OidcGroups=labelers",
];

/// The IdP groups of the work team, as DescribeWorkteam shows them.
async fn oidc_groups(sagemaker: &aws_sdk_sagemaker::Client, team: &str) -> Vec<String> {
    let described = sagemaker
        .describe_workteam()
        .workteam_name(team)
        .send()
        .await
        .unwrap();
    let team = described.workteam().unwrap();
    assert_eq!(team.member_definitions().len(), 1, "{team:?}");
    let member = &team.member_definitions()[0];
    assert!(member.cognito_member_definition().is_none(), "{member:?}");
    let mut groups = member
        .oidc_member_definition()
        .map(|definition| definition.groups().to_vec())
        .unwrap_or_default();
    groups.sort();
    groups
}

/// Every place a run leaves text behind: the stack's state (what
/// `.local/stack.json` holds), its summary, the events and the requests
/// sent to the functions, and the functions' logs.
async fn traces(emu: &Emulators, state: &StackState, progress: &Progress, logs: &Path) -> String {
    let mut all = serde_json::to_string(state).unwrap();
    all.push_str(&local_stack::summary(&emu.endpoints, state).await.unwrap());
    all.push_str(&format!("{:?}", progress.events()));
    all.push_str(&serde_json::to_string(&progress.requests()).unwrap());
    for entry in std::fs::read_dir(logs).unwrap() {
        all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    all
}

/// `IdentityProvider=OIDC`: no Cognito at all; the workforce gets the
/// IdP's OidcConfig with the client secret the function reads from Secrets
/// Manager, the team is made of IdP groups, and the outputs are what the
/// IdP's administrator registers. The secret shows nowhere. A rotated
/// secret (OidcClientSecretVersion) and new groups are changed in place,
/// the team keeping its ARN; the delete leaves nothing.
#[tokio::test]
async fn an_oidc_workforce_has_no_cognito_and_never_shows_its_secret() {
    let emu = emulators().await;
    let aws = local_stack::aws::Client::new(emu.endpoints.clone()).unwrap();
    let secret = local_stack::oidc::random_secret();
    let written = aws
        .put_secret("lifecycle-test/oidc-client-secret", &secret)
        .await
        .unwrap();
    assert!(
        written.arn.starts_with("arn:aws:secretsmanager:"),
        "{written:?}"
    );
    let logs = std::env::temp_dir().join(format!(
        "local-stack-oidc-{}",
        local_aws::harness::new_request_id()
    ));
    let arn_param = format!("OidcClientSecretArn={}", written.arn);
    let with = |extra: &[&str]| {
        let mut params: Vec<&str> = OIDC_SETTINGS.to_vec();
        params.push(&arn_param);
        params.extend_from_slice(extra);
        params.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run_options = |params: Vec<String>| {
        let logs = logs.clone();
        async move {
            let params: Vec<&str> = params.iter().map(String::as_str).collect();
            Options {
                log_dir: Some(logs),
                ..options(template(), &params).await
            }
        }
    };
    let config = emu.moto.sdk_config().await;
    let cognito = cognito::Client::new(&config);
    let sm_config = local_aws::sdk_config(&emu.endpoints.sagemaker, local_aws::REGION).await;
    let sagemaker = aws_sdk_sagemaker::Client::new(&sm_config);
    let progress = Progress::new(true);

    // create
    let mut state = StackState::new("lifecycle-test");
    let create = run_options(with(&[])).await;
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

    let live = emu.sagemaker.workforces();
    assert_eq!(live.len(), 1, "{live:?}");
    let workforce = &live[0];
    assert_eq!(workforce["WorkforceName"], "labeling-workforce");
    assert!(workforce["CognitoConfig"].is_null(), "{workforce}");
    let oidc = &workforce["OidcConfig"];
    assert_eq!(oidc["ClientId"], "portal-client", "{workforce}");
    assert_eq!(oidc["Issuer"], "https://idp.example.com");
    assert_eq!(oidc["LogoutEndpoint"], "https://idp.example.com/logout");
    assert_eq!(oidc["Scope"], "openid email profile");
    assert_eq!(
        emu.sagemaker
            .oidc_client_secret("labeling-workforce")
            .as_deref(),
        Some(secret.as_str())
    );
    let team_arn = output(&state, "WorkteamArn");
    let team_name = team_arn.rsplit('/').next().unwrap().to_owned();
    assert_eq!(team_name, "labeling-workforce-team");
    assert_eq!(oidc_groups(&sagemaker, &team_name).await, ["labelers"]);

    // No Cognito, no domain prefix, no Cognito-only function.
    let pools = cognito
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap();
    assert!(pools.user_pools().is_empty(), "{pools:?}");
    let parameters = aws_sdk_ssm::Client::new(&config)
        .describe_parameters()
        .send()
        .await
        .unwrap();
    assert!(parameters.parameters().is_empty(), "{parameters:?}");
    for (id, deployed) in &state.resources {
        assert!(
            !deployed.resource_type.starts_with("AWS::Cognito::")
                && !deployed.resource_type.starts_with("AWS::WAFv2::"),
            "{id} ({}) is Cognito's",
            deployed.resource_type
        );
    }
    for id in [
        "AppClientFunction",
        "DomainPrefixFunction",
        "InvitationMessageFunction",
    ] {
        assert!(!state.resources.contains_key(id), "{id}");
    }

    // The outputs: the portal, and what the IdP's administrator registers.
    let portal = output(&state, "PortalUrl");
    assert!(portal.starts_with("https://"), "{portal}");
    assert_eq!(
        output(&state, "OidcRedirectUrl"),
        format!("{portal}/oauth2/idpresponse")
    );
    assert!(output(&state, "OidcRedirectUrl").ends_with("/oauth2/idpresponse"));
    assert_eq!(output(&state, "OidcSignOutUrl"), format!("{portal}/logout"));
    for cognito_only in ["UserPoolId", "UserPoolClientId", "LoginUrl", "DomainPrefix"] {
        assert!(
            !state.outputs.contains_key(cognito_only),
            "{cognito_only}: {:?}",
            state.outputs
        );
    }
    let seen = traces(&emu, &state, &progress, &logs).await;
    assert!(seen.contains(&written.arn), "the traces are read");
    assert!(!seen.contains(&secret), "the client secret shows");

    // update: a rotated secret (same ARN, new version) and another group.
    let rotated = local_stack::oidc::random_secret();
    let put = aws.put_secret_value(&written.arn, &rotated).await.unwrap();
    assert_eq!(put.arn, written.arn);
    let update = run_options(with(&[
        "OidcClientSecretVersion=2",
        "OidcGroups=labelers,reviewers",
    ]))
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
        emu.sagemaker
            .oidc_client_secret("labeling-workforce")
            .as_deref(),
        Some(rotated.as_str()),
        "the rotated secret reached the workforce"
    );
    assert_eq!(output(&state, "WorkteamArn"), team_arn, "same team ARN");
    assert_eq!(output(&state, "PortalUrl"), portal, "updated in place");
    let listed = teams(&sagemaker).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].1, team_arn);
    assert_eq!(
        oidc_groups(&sagemaker, &team_name).await,
        ["labelers", "reviewers"]
    );
    let seen = traces(&emu, &state, &progress, &logs).await;
    assert!(!seen.contains(&secret), "the first client secret shows");
    assert!(!seen.contains(&rotated), "the rotated client secret shows");

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
    assert!(emu.sagemaker.workforces().is_empty());
    assert!(teams(&sagemaker).await.is_empty());
    let seen = traces(&emu, &state, &progress, &logs).await;
    assert!(!seen.contains(&secret) && !seen.contains(&rotated));
    std::fs::remove_dir_all(&logs).unwrap();
}

/// With OIDC the rule names every setting it needs, before anything is
/// created; Cognito needs none of them.
#[test]
fn an_oidc_stack_without_its_settings_is_refused_by_the_rule() {
    let template = cfn_template::Template::from_path(template()).unwrap();
    let plan = |params: &[&str]| {
        let overrides = local_stack::params::parse_overrides(params.iter().copied()).unwrap();
        let mut values =
            local_stack::params::resolve(template.section("Parameters"), &overrides).unwrap();
        values.extend(local_stack::params::pseudo("st", "arn:st"));
        local_stack::plan::plan(&template, values)
    };
    let error = plan(&["IdentityProvider=OIDC"]).unwrap_err().to_string();
    assert!(error.contains("rule OidcSettingsWithOidc"), "{error}");
    for name in ["OidcClientId", "OidcClientSecretArn", "OidcJwksUri"] {
        assert!(error.contains(name), "{name}: {error}");
    }
    let arn = "OidcClientSecretArn=arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf";
    let mut params: Vec<&str> = OIDC_SETTINGS
        .iter()
        .copied()
        .filter(|p| !p.starts_with("OidcGroups="))
        .collect();
    params.push(arn);
    let error = plan(&params).unwrap_err().to_string();
    assert!(error.contains("OidcGroups"), "{error}");
    params.push("OidcGroups=labelers");
    let planned = plan(&params).unwrap();
    assert!(!planned.resources.contains_key("UserPool"));
    assert!(planned.resources.contains_key("Workforce"));
    // Cognito (the default) plans without any OIDC setting.
    let planned = plan(&[]).unwrap();
    assert!(planned.resources.contains_key("UserPool"));
    assert!(!planned.outputs.contains_key("OidcRedirectUrl"));
}

/// Switching IdentityProvider replaces the workforce (SageMaker cannot
/// change its kind): Cognito -> OIDC deletes every Cognito resource in the
/// cleanup phase, and back again builds them anew; the team keeps its name
/// and so its ARN throughout.
#[tokio::test]
async fn switching_the_identity_provider_replaces_the_workforce_and_its_kind() {
    let emu = emulators().await;
    let aws = local_stack::aws::Client::new(emu.endpoints.clone()).unwrap();
    let cognito = cognito::Client::new(&emu.moto.sdk_config().await);
    let progress = Progress::new(true);
    let mut state = created_with(&emu, &progress, &["InvitedUserEmails=alice@example.com"]).await;
    let team_arn = output(&state, "WorkteamArn");
    let cognito_portal = output(&state, "PortalUrl");

    let secret = local_stack::oidc::random_secret();
    let written = aws
        .put_secret("lifecycle-test/switch", &secret)
        .await
        .unwrap();
    let arn_param = format!("OidcClientSecretArn={}", written.arn);
    let mut oidc: Vec<&str> = OIDC_SETTINGS.to_vec();
    oidc.push(&arn_param);
    updated(&emu, &progress, &mut state, &oidc).await;
    let live = emu.sagemaker.workforces();
    assert_eq!(live.len(), 1, "{live:?}");
    assert!(live[0]["CognitoConfig"].is_null(), "{live:?}");
    assert_eq!(live[0]["OidcConfig"]["ClientId"], "portal-client");
    assert_eq!(output(&state, "WorkteamArn"), team_arn);
    // The outputs are the new workforce's portal, not the replaced one's.
    let portal = format!("https://{}", live[0]["SubDomain"].as_str().unwrap());
    assert_ne!(portal, cognito_portal);
    assert_eq!(output(&state, "PortalUrl"), portal);
    assert_eq!(
        output(&state, "OidcRedirectUrl"),
        format!("{portal}/oauth2/idpresponse")
    );
    assert!(!state.outputs.contains_key("UserPoolId"));
    let pools = cognito
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap();
    assert!(pools.user_pools().is_empty(), "{pools:?}");
    assert!(
        state
            .resources
            .values()
            .all(|d| !d.resource_type.starts_with("AWS::Cognito::")),
        "{:?}",
        state.resources.keys()
    );

    // And back: a new pool, client and invited user; the same team ARN.
    updated(&emu, &progress, &mut state, &["IdentityProvider=Cognito"]).await;
    let live = emu.sagemaker.workforces();
    assert_eq!(live.len(), 1, "{live:?}");
    assert!(live[0]["OidcConfig"].is_null(), "{live:?}");
    assert_eq!(
        live[0]["CognitoConfig"]["UserPool"],
        output(&state, "UserPoolId").as_str()
    );
    assert_eq!(output(&state, "WorkteamArn"), team_arn);
    assert!(!state.outputs.contains_key("OidcRedirectUrl"));
    let pool = output(&state, "UserPoolId");
    assert_eq!(group_members(&cognito, &pool).await, ["alice@example.com"]);
    // The new portal reaches the outputs, the app client and the invitation.
    let portal = format!("https://{}", live[0]["SubDomain"].as_str().unwrap());
    assert_eq!(output(&state, "PortalUrl"), portal);
    assert_eq!(
        client_urls(&cognito, &pool, &output(&state, "UserPoolClientId")).await,
        portal_urls_on_client(&portal)
    );
    assert!(invitation(&cognito, &pool).await.contains(&portal));

    let delete = options(template(), &[]).await;
    let deleted = local_stack::run(
        Command::Delete,
        &emu.endpoints,
        &delete,
        &mut state,
        &progress,
    )
    .await;
    assert!(deleted.is_ok(), "{deleted:?}");
    assert!(emu.sagemaker.workforces().is_empty());
}

/// Creates the stack from `params` on `emu` with `events` deciding what
/// befalls each custom-resource event; the stack's state and its events.
async fn create_under(
    emu: &Emulators,
    params: &[&str],
    events: impl local_stack::faults::EventFaults + 'static,
) -> (Result<(), local_stack::RunError>, StackState, Progress) {
    let progress = Progress::new(true);
    let mut create = options(template(), params).await;
    create.faults = Some(local_stack::faults::Faults {
        events: std::sync::Arc::new(events),
        function_endpoints: emu.endpoints.clone(),
        max_function_timeout: None,
    });
    let mut state = StackState::new("lifecycle-test");
    let created = local_stack::run(
        Command::Create,
        &emu.endpoints,
        &create,
        &mut state,
        &progress,
    )
    .await;
    (created, state, progress)
}

/// Gives the first event of one resource type `delivery` (what befalls
/// it); every other event is delivered as usual.
struct FirstEventOf {
    resource_type: &'static str,
    delivery: local_stack::faults::Delivery,
    given: std::sync::atomic::AtomicBool,
}

impl FirstEventOf {
    fn new(resource_type: &'static str, delivery: local_stack::faults::Delivery) -> Self {
        Self {
            resource_type,
            delivery,
            given: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The answer to its first event is refused (403, for good):
    /// CloudFormation never hears of what the function made.
    fn answer_refused(resource_type: &'static str) -> Self {
        Self::new(
            resource_type,
            local_stack::faults::Delivery {
                response_statuses: vec![403],
                ..local_stack::faults::Delivery::default()
            },
        )
    }
}

impl local_stack::faults::EventFaults for FirstEventOf {
    fn deliver(
        &self,
        event: &serde_json::Value,
        _crash: local_stack::faults::Crash,
    ) -> local_stack::faults::Delivery {
        let first = event["ResourceType"] == self.resource_type
            && !self.given.swap(true, std::sync::atomic::Ordering::SeqCst);
        if first {
            self.delivery.clone()
        } else {
            local_stack::faults::Delivery::default()
        }
    }
}

/// A Create whose answer is lost fails, and CloudFormation makes up a
/// PhysicalResourceId for it: the rollback's Delete carries that id, and the
/// workforce function, finding its own workforce by the properties, deletes
/// what it made. Nothing is orphaned.
#[tokio::test]
async fn a_create_whose_answer_is_lost_is_rolled_back_without_orphans() {
    let emu = emulators().await;
    let (created, state, _) = create_under(
        &emu,
        &[],
        FirstEventOf::answer_refused("Custom::PrivateWorkforce"),
    )
    .await;
    assert!(created.is_err(), "{created:?}");
    assert_eq!(state.status, "ROLLBACK_COMPLETE");
    let sent = emu.sagemaker.calls();
    assert!(sent.contains(&"CreateWorkforce".to_owned()), "{sent:?}");
    assert!(sent.contains(&"DeleteWorkforce".to_owned()), "{sent:?}");
    assert!(
        emu.sagemaker.workforces().is_empty(),
        "{:?}",
        emu.sagemaker.workforces()
    );
}

/// An event's own deadline (a fault hook's) wins over the function's
/// Timeout: the workforce's Create, given one second where the template
/// gives fifteen minutes, runs out of time and the create rolls back.
#[tokio::test]
async fn an_events_own_deadline_is_shorter_than_the_functions_timeout() {
    let emu = emulators().await;
    let (created, state, progress) = create_under(
        &emu,
        &[],
        FirstEventOf::new(
            "Custom::PrivateWorkforce",
            local_stack::faults::Delivery {
                timeout: Some(std::time::Duration::from_secs(1)),
                ..local_stack::faults::Delivery::default()
            },
        ),
    )
    .await;
    assert!(created.is_err(), "{created:?}");
    assert_eq!(state.status, "ROLLBACK_COMPLETE");
    let events = progress.events();
    let failed = events
        .iter()
        .find(|e| e.logical_id == "Workforce" && e.status == "CREATE_FAILED")
        .expect("the workforce's create failed");
    assert!(failed.reason.contains("time"), "{}", failed.reason);
    assert!(
        emu.sagemaker.workforces().is_empty(),
        "{:?}",
        emu.sagemaker.workforces()
    );
}

/// A create whose workforce properties break a rule (a CIDR SageMaker
/// refuses) and whose FAILED answer is lost: CloudFormation rolls back with
/// a Delete that carries an id it made up and the same properties. That
/// Delete must succeed, or the stack can neither roll back nor be deleted.
#[tokio::test]
async fn a_refused_create_whose_answer_is_lost_rolls_back() {
    let emu = emulators().await;
    let (created, state, progress) = create_under(
        &emu,
        &["SourceIpCidrs=10.1.0.0/33"],
        FirstEventOf::answer_refused("Custom::PrivateWorkforce"),
    )
    .await;
    assert!(created.is_err(), "{created:?}");
    let events = progress.events();
    let deleted = events
        .iter()
        .find(|e| {
            e.logical_id == "Workforce"
                && e.status.starts_with("DELETE_")
                && e.status != "DELETE_IN_PROGRESS"
        })
        .expect("the rollback sent the workforce a Delete");
    assert_eq!(deleted.status, "DELETE_COMPLETE", "{}", deleted.reason);
    assert_eq!(state.status, "ROLLBACK_COMPLETE");
    assert!(
        !emu.sagemaker
            .calls()
            .contains(&"CreateWorkforce".to_owned())
    );
}
