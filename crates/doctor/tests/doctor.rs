//! `workforce-doctor` against a stack deployed on the local emulators: a
//! healthy one passes (exit 0), and each planted fault is named with its
//! fix (exit 1); a stack it cannot read is exit 2.

use local_aws::sagemaker::EmulatorOptions;
use local_stack::aws::{COGNITO, Client, Endpoints, LocalAws, SAGEMAKER, WAFV2};
use local_stack::engine::StackState;
use local_stack::progress::Progress;
use local_stack::{Command, Options};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const DOCTOR: &str = env!("CARGO_BIN_EXE_workforce-doctor");

/// The function binaries, next to the doctor's (the same workspace build).
fn bin_dir() -> PathBuf {
    Path::new(DOCTOR)
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

struct Doctor {
    code: i32,
    stdout: String,
}

/// Runs the doctor on `outputs` with the emulators as its AWS, and nothing
/// from this machine's AWS configuration.
/// Async: the SageMaker emulator serves from this test's own runtime.
async fn run_doctor(endpoints: &Endpoints, outputs: &Value) -> Doctor {
    let dir = std::env::temp_dir().join(format!("doctor-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("outputs-{}.json", rand_suffix()));
    std::fs::write(&file, outputs.to_string()).unwrap();
    let output = tokio::process::Command::new(DOCTOR)
        .arg("--outputs")
        .arg(&file)
        .env_clear()
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", local_aws::REGION)
        .env("AWS_ENDPOINT_URL", &endpoints.moto)
        .env("AWS_ENDPOINT_URL_SAGEMAKER", &endpoints.sagemaker)
        .env("AWS_CONFIG_FILE", dir.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .await
        .unwrap();
    let _ = std::fs::remove_file(&file);
    Doctor {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The outputs as `sam list stack-outputs --output json` prints them.
fn sam_outputs(state: &StackState) -> Value {
    Value::Array(
        state
            .outputs
            .iter()
            .map(|(key, value)| json!({"OutputKey": key, "OutputValue": value, "Description": ""}))
            .collect(),
    )
}

/// Creates stack `name` from the template on the emulators.
async fn deploy(
    endpoints: &Endpoints,
    name: &str,
    overrides: std::collections::BTreeMap<String, String>,
) -> StackState {
    let options = Options {
        template: local_aws::workspace_root().join("template.yaml"),
        samconfig: None,
        stack_name: Some(name.into()),
        overrides,
        bin_dir: bin_dir(),
        log_dir: None,
        quiet: true,
        faults: None,
    };
    let mut state = StackState::new(name);
    let created = local_stack::run(
        Command::Create,
        endpoints,
        &options,
        &mut state,
        &Progress::new(true),
    )
    .await;
    assert!(created.is_ok(), "{created:?}");
    state
}

#[tokio::test]
async fn a_healthy_stack_passes_and_each_planted_fault_is_named() {
    let local = LocalAws::start(EmulatorOptions::default()).await.unwrap();
    let endpoints = local.endpoints.clone();
    let overrides = [("InvitedUserEmails", "ana@example.com")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let state = deploy(&endpoints, "doctor", overrides).await;
    let outputs = sam_outputs(&state);

    let healthy = run_doctor(&endpoints, &outputs).await;
    println!("{}", healthy.stdout);
    assert_eq!(healthy.code, 0, "{}", healthy.stdout);
    assert!(
        healthy.stdout.contains("healthy: nothing to fix"),
        "{}",
        healthy.stdout
    );
    assert!(
        healthy.stdout.contains("ana@example.com"),
        "{}",
        healthy.stdout
    );
    assert!(
        healthy.stdout.contains("has not signed in yet"),
        "{}",
        healthy.stdout
    );
    assert!(!healthy.stdout.contains("PROBLEM"), "{}", healthy.stdout);

    // Plant faults the way an operator's console clicks would.
    let aws = Client::new(endpoints.clone()).unwrap();
    let output = |key: &str| state.outputs[key].as_str().unwrap().to_owned();
    let (pool, client) = (output("UserPoolId"), output("UserPoolClientId"));
    let described = aws
        .json(
            COGNITO,
            "DescribeUserPoolClient",
            json!({"UserPoolId": pool, "ClientId": client}),
        )
        .await
        .unwrap();
    let mut changed = described["UserPoolClient"].clone();
    for key in ["ClientSecret", "CreationDate", "LastModifiedDate"] {
        changed.as_object_mut().unwrap().remove(key);
    }
    changed["CallbackURLs"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://placeholder.invalid/callback"));
    changed["AllowedOAuthScopes"] = json!(["email", "profile"]);
    aws.json(COGNITO, "UpdateUserPoolClient", changed)
        .await
        .unwrap();
    let pool_arn = aws
        .json(COGNITO, "DescribeUserPool", json!({"UserPoolId": pool}))
        .await
        .unwrap()["UserPool"]["Arn"]
        .as_str()
        .unwrap()
        .to_owned();
    aws.json(
        WAFV2,
        "DisassociateWebACL",
        json!({"ResourceArn": pool_arn}),
    )
    .await
    .unwrap();
    let team = output("WorkteamArn").rsplit('/').next().unwrap().to_owned();
    aws.json(
        SAGEMAKER,
        "UpdateWorkteam",
        json!({"WorkteamName": team, "MemberDefinitions": [{"CognitoMemberDefinition":
            {"UserPool": pool, "ClientId": client, "UserGroup": "others"}}]}),
    )
    .await
    .unwrap();
    aws.json(
        COGNITO,
        "AdminDisableUser",
        json!({"UserPoolId": pool, "Username": "ana@example.com"}),
    )
    .await
    .unwrap();

    let broken = run_doctor(&endpoints, &outputs).await;
    println!("{}", broken.stdout);
    assert_eq!(broken.code, 1, "{}", broken.stdout);
    for named in [
        "callback URLs hold https://placeholder.invalid/callback",
        "scopes lack openid",
        "no AWS WAF web ACL",
        "group(s) [\"others\"]",
        "ana@example.com is disabled",
        "5 problems to fix",
    ] {
        assert!(broken.stdout.contains(named), "{named}:\n{}", broken.stdout);
    }
    assert!(broken.stdout.contains("fix: "), "{}", broken.stdout);
    let secret = described["UserPoolClient"]["ClientSecret"]
        .as_str()
        .unwrap();
    assert!(
        !broken.stdout.contains(secret),
        "the client secret is never shown"
    );

    // Outputs of a stack that is not there: it cannot check, exit 2.
    let mut gone = outputs.clone();
    for item in gone.as_array_mut().unwrap() {
        if item["OutputKey"] == "UserPoolId" {
            item["OutputValue"] = json!("us-east-1_Gone000");
        }
    }
    let unreadable = run_doctor(&endpoints, &gone).await;
    assert_eq!(unreadable.code, 2, "{}", unreadable.stdout);
    assert!(
        unreadable.stdout.contains("DescribeUserPool"),
        "{}",
        unreadable.stdout
    );
}

/// An OIDC stack: nothing of Cognito to read. Healthy, then with the team
/// deleted and the redirect URL output stale.
#[tokio::test]
async fn an_oidc_stack_is_checked_without_a_pool() {
    let local = LocalAws::start(EmulatorOptions::default()).await.unwrap();
    let endpoints = local.endpoints.clone();
    let aws = Client::new(endpoints.clone()).unwrap();
    let overrides = local_stack::oidc::overrides(&aws, "doctor-oidc", true, false)
        .await
        .unwrap();
    let state = deploy(&endpoints, "doctor-oidc", overrides).await;
    let outputs = sam_outputs(&state);

    let healthy = run_doctor(&endpoints, &outputs).await;
    println!("{}", healthy.stdout);
    assert_eq!(healthy.code, 0, "{}", healthy.stdout);
    let redirect = state.outputs["OidcRedirectUrl"].as_str().unwrap();
    for said in [
        "OIDC sign-in",
        "OIDC client local-demo-client",
        redirect,
        "IdP group(s) labelers",
        "healthy: nothing to fix",
    ] {
        assert!(healthy.stdout.contains(said), "{said}:\n{}", healthy.stdout);
    }
    assert!(!healthy.stdout.contains("user pool"), "{}", healthy.stdout);

    let team = state.outputs["WorkteamArn"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    aws.json(SAGEMAKER, "DeleteWorkteam", json!({"WorkteamName": team}))
        .await
        .unwrap();
    let mut stale = outputs.clone();
    for item in stale.as_array_mut().unwrap() {
        if item["OutputKey"] == "OidcRedirectUrl" {
            item["OutputValue"] =
                json!("https://old9.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse");
        }
    }
    let broken = run_doctor(&endpoints, &stale).await;
    println!("{}", broken.stdout);
    assert_eq!(broken.code, 1, "{}", broken.stdout);
    for named in [
        "no work team named",
        "OidcRedirectUrl output is https://old9",
        "2 problems to fix",
    ] {
        assert!(broken.stdout.contains(named), "{named}:\n{}", broken.stdout);
    }
}
