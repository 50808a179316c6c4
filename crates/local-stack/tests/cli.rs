//! The command line: `create`/`update`/`delete`/`status`/`stop` one step at
//! a time on background emulators, refusing what CloudFormation refuses,
//! the deletion-protection path that works once a delete has stopped at
//! the pool, and a stack whose emulators stopped.

use aws_sdk_cognitoidentityprovider as cognito;
use std::path::{Path, PathBuf};
use std::process::Output;
use tokio::sync::OnceCell;

/// The function binaries next to local-stack (built once per test binary,
/// as in tests/lifecycle.rs: without the variables cargo sets for this test).
async fn bin_dir() -> PathBuf {
    static BUILT: OnceCell<PathBuf> = OnceCell::const_new();
    BUILT
        .get_or_init(|| async {
            let mut cargo = tokio::process::Command::new(env!("CARGO"));
            cargo.current_dir(local_aws::workspace_root()).args([
                "build",
                "--workspace",
                "--all-targets",
            ]);
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
            assert!(cargo.status().await.unwrap().success(), "build failed");
            PathBuf::from(env!("CARGO_BIN_EXE_local-stack"))
                .parent()
                .unwrap()
                .to_path_buf()
        })
        .await
        .clone()
}

/// Stops the background emulators whatever happens to the test.
struct Session {
    dir: PathBuf,
    bins: PathBuf,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = std::process::Command::new(env!("CARGO_BIN_EXE_local-stack"))
            .args(["stop", "--state-dir"])
            .arg(self.dir.join("state"))
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Session {
    async fn run(&self, args: &[&str]) -> Output {
        let template = local_aws::workspace_root().join("template.yaml");
        tokio::process::Command::new(env!("CARGO_BIN_EXE_local-stack"))
            .current_dir(&self.dir)
            .args(args)
            .args(["--no-config", "--quiet", "--stack-name", "cli-test"])
            .arg("--template")
            .arg(&template)
            .arg("--bin-dir")
            .arg(&self.bins)
            .arg("--state-dir")
            .arg(self.dir.join("state"))
            .output()
            .await
            .unwrap()
    }

    fn saved(&self) -> serde_json::Value {
        read(&self.dir.join("state/stack.json"))
    }
}

fn read(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[track_caller]
fn succeeded(output: &Output) -> String {
    assert!(output.status.success(), "{}", text(output));
    text(output)
}

#[track_caller]
fn refused(output: &Output, needle: &str) {
    assert!(!output.status.success(), "{}", text(output));
    assert!(
        text(output).contains(needle),
        "missing {needle:?} in {}",
        text(output)
    );
}

#[tokio::test]
async fn commands_refuse_what_cloudformation_refuses() {
    let dir = std::env::temp_dir().join(format!("local-stack-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let s = Session {
        dir,
        bins: bin_dir().await,
    };

    assert!(succeeded(&s.run(&["status"]).await).contains("no local stack"));
    refused(&s.run(&["update"]).await, "Stack [cli-test] does not exist");
    assert!(
        !s.dir.join("state/stack.json").exists(),
        "a refused command saves nothing"
    );

    succeeded(
        &s.run(&[
            "create",
            "--param",
            "DeletionProtection=ACTIVE",
            "--param",
            "InvitedUserEmails=alice@example.com",
        ])
        .await,
    );
    assert_eq!(s.saved()["stack"]["status"], "CREATE_COMPLETE");
    refused(&s.run(&["create"]).await, "Stack [cli-test] already exists");
    let status = succeeded(&s.run(&["status"]).await);
    assert!(
        status.contains("Stack cli-test is CREATE_COMPLETE"),
        "{status}"
    );
    assert!(status.contains("PortalUrl"), "{status}");
    refused(
        &s.run(&["delete", "--retain-resources", "UserPool"]).await,
        "only when deleting a stack in DELETE_FAILED",
    );
    assert_eq!(s.saved()["stack"]["status"], "CREATE_COMPLETE");

    // Deletion protection stops the delete at the pool; no update is
    // possible then. Turning the protection off on the pool (as with `aws
    // cognito-idp update-user-pool`) and deleting again ends the stack.
    refused(&s.run(&["delete"]).await, "DELETE_FAILED");
    let saved = s.saved();
    assert_eq!(saved["stack"]["status"], "DELETE_FAILED");
    let pool = saved["stack"]["resources"]["UserPool"]["physical_id"]
        .as_str()
        .unwrap()
        .to_owned();
    refused(
        &s.run(&["update"]).await,
        "is in DELETE_FAILED state and can not be updated.",
    );
    let emulators = read(&s.dir.join("state/emulators.json"));
    let moto = emulators["endpoints"]["moto"].as_str().unwrap();
    let config = local_aws::sdk_config(moto, local_aws::REGION).await;
    let cognito = cognito::Client::new(&config);
    cognito
        .update_user_pool()
        .user_pool_id(&pool)
        .deletion_protection(cognito::types::DeletionProtectionType::Inactive)
        .send()
        .await
        .unwrap();
    succeeded(&s.run(&["delete"]).await);
    assert_eq!(s.saved()["stack"]["status"], "DELETE_COMPLETE");
    let pools = cognito
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert!(pools.user_pools().is_empty(), "the pool was deleted");
    refused(&s.run(&["update"]).await, "Stack [cli-test] does not exist");

    // Once the emulators stop, the saved stack is gone with them.
    succeeded(&s.run(&["create"]).await);
    assert!(succeeded(&s.run(&["stop"]).await).contains("stopped the emulators"));
    let status = succeeded(&s.run(&["status"]).await);
    assert!(status.contains("no longer running"), "{status}");
    refused(&s.run(&["delete"]).await, "no longer running");
    assert!(
        !s.dir.join("state/emulators.json").exists(),
        "a stale stack starts no emulators"
    );
}
