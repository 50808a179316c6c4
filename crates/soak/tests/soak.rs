//! A short seeded soak, and proof that its invariants see what they are
//! meant to see (an orphan, drift, a missing workforce).

use local_aws::sagemaker::EmulatorOptions;
use local_stack::aws::{COGNITO, Client, LocalAws, SAGEMAKER};
use local_stack::engine::StackState;
use local_stack::progress::Progress;
use local_stack::{Command, Options};
use serde_json::json;
use soak::chaos::Rates;
use std::path::PathBuf;
use std::time::Duration;

/// The function binaries of this profile, next to the soak binary (built by
/// the same `cargo build --workspace --all-targets` as the tests).
fn bin_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_soak"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn template() -> PathBuf {
    local_aws::workspace_root().join("template.yaml")
}

#[tokio::test]
async fn a_short_seeded_soak_keeps_every_invariant() {
    let config = soak::Config {
        seed: 20261201,
        lifecycles: 3,
        max_updates: 3,
        time_limit: Duration::from_secs(600),
        only: None,
        template: template(),
        bin_dir: bin_dir(),
        rates: Rates::default(),
        verbose: false,
    };
    let report = soak::run(&config).await.unwrap();
    println!("{report}");
    assert!(report.violations.is_empty(), "{report}");
    assert_eq!(report.lifecycles, 3);
    assert!(report.events >= 3 * 8, "{report}");
    let injected: u64 = report.faults.values().sum();
    assert!(injected >= 5, "too few faults to mean anything: {report}");
    assert!(
        report.statuses.get("DELETE_COMPLETE") == Some(&3),
        "every lifecycle ends deleted: {report}"
    );
}

/// A stack created without faults passes the checks; each planted fault
/// is then named.
#[tokio::test]
async fn the_invariants_name_orphans_drift_a_stray_tag_and_a_missing_team() {
    let local = LocalAws::start(EmulatorOptions::default()).await.unwrap();
    let endpoints = local.endpoints.clone();
    let options = Options {
        template: template(),
        samconfig: None,
        stack_name: Some("planted".into()),
        overrides: [
            ("DeletionProtection", "INACTIVE"),
            ("InvitedUserEmails", "ana@example.com"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
        bin_dir: bin_dir(),
        log_dir: None,
        quiet: true,
        faults: None,
    };
    let mut state = StackState::new("planted");
    let created = local_stack::run(
        Command::Create,
        &endpoints,
        &options,
        &mut state,
        &Progress::new(true),
    )
    .await;
    assert!(created.is_ok(), "{created:?}");
    let aws = Client::new(endpoints.clone()).unwrap();
    let world = soak::world::World {
        aws: &aws,
        sagemaker: &local.sagemaker,
    };
    let mut memory = soak::world::Memory::default();
    let clean = world.check(&state, false, None, &mut memory).await;
    assert!(clean.is_empty(), "{clean:?}");
    assert!(memory.baseline.is_some());

    let pool = state.outputs["UserPoolId"].as_str().unwrap().to_owned();
    let client = state.outputs["UserPoolClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    aws.json(
        COGNITO,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "left-behind"}),
    )
    .await
    .unwrap();
    let described = aws
        .json(
            COGNITO,
            "DescribeUserPoolClient",
            json!({"UserPoolId": pool, "ClientId": client}),
        )
        .await
        .unwrap();
    let mut drifted = described["UserPoolClient"].clone();
    for key in ["ClientSecret", "CreationDate", "LastModifiedDate"] {
        drifted.as_object_mut().unwrap().remove(key);
    }
    drifted["RefreshTokenValidity"] = json!(7);
    aws.json(COGNITO, "UpdateUserPoolClient", drifted)
        .await
        .unwrap();
    let found = world.check(&state, false, None, &mut memory).await;
    let text = found.join("\n");
    assert!(text.contains("app clients of"), "{text}");
    assert!(text.contains("RefreshTokenValidity"), "{text}");

    aws.query(
        local_stack::aws::SNS,
        "CreateTopic",
        &[("Name", "left-behind".to_owned())],
    )
    .await
    .unwrap();
    let found = world.check(&state, false, None, &mut memory).await;
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("SNS topics") && p.contains("left-behind")),
        "{found:?}"
    );

    let workforce = state.outputs["WorkforceArn"].as_str().unwrap();
    aws.json(
        SAGEMAKER,
        "AddTags",
        json!({"ResourceArn": workforce, "Tags": [{"Key": "planted", "Value": "1"}]}),
    )
    .await
    .unwrap();
    let found = world.check(&state, false, None, &mut memory).await;
    assert!(
        found
            .iter()
            .any(|p| p.contains("is tagged") && p.contains("planted=1")),
        "{found:?}"
    );

    let team = state.outputs["WorkteamArn"].as_str().unwrap();
    let team_name = team.rsplit('/').next().unwrap();
    aws.json(
        SAGEMAKER,
        "DeleteWorkteam",
        json!({"WorkteamName": team_name}),
    )
    .await
    .unwrap();
    let found = world.check(&state, false, None, &mut memory).await;
    assert!(
        found.iter().any(|p| p.starts_with("work teams")),
        "{found:?}"
    );

    state.status = "UPDATE_ROLLBACK_FAILED".into();
    let found = world.check(&state, false, None, &mut memory).await;
    assert!(
        found.iter().any(|p| p.contains("UPDATE_ROLLBACK_FAILED")),
        "{found:?}"
    );
    let forgiven = world.check(&state, true, None, &mut memory).await;
    assert!(
        !forgiven
            .iter()
            .any(|p| p.contains("UPDATE_ROLLBACK_FAILED")),
        "{forgiven:?}"
    );

    // A delete whose answer was refused: the stack may still hold the team
    // the function deleted, but the topic nobody holds is still an orphan.
    state.status = "DELETE_FAILED".into();
    let found = world.check(&state, true, None, &mut memory).await;
    assert!(
        !found.iter().any(|p| p.starts_with("work teams")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("SNS topics") && p.contains("left-behind")),
        "{found:?}"
    );
}
