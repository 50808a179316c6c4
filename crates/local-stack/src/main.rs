//! `local-stack [demo|create|update|delete|status|stop|env] [options]`
//!
//! `demo` (the default) runs create -> update -> delete in one process on
//! emulators of its own. `create`, `update` and `delete` run one step each
//! on long-lived emulators (`local-stack serve`, started in the background
//! by the first of them and stopped by `stop`); the stack's state is kept
//! in `<state-dir>/stack.json`, the emulators' address in
//! `<state-dir>/emulators.json`. `env` prints the shell settings that point
//! any AWS tool (the AWS CLI, `workforce-doctor`) at those emulators.
//!
//! `--oidc` deploys the OIDC variant (IdentityProvider OIDC) with demo IdP
//! settings and a demo client secret created in the local Secrets Manager;
//! `--rotate-oidc-secret` writes a new value into that secret and sets
//! OidcClientSecretVersion to its version id. The secret's value is never
//! printed or stored (see `local_stack::oidc`).

use local_aws::sagemaker::EmulatorOptions;
use local_stack::aws::{Endpoints, LocalAws};
use local_stack::engine::StackState;
use local_stack::progress::Progress;
use local_stack::{Command, Options, RunError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str =
    "usage: local-stack [demo|create|update|delete|status|stop|env] [--param K=V]... \
[--template template.yaml] [--config-env default | --no-config] [--config-file samconfig.toml] \
[--stack-name NAME] [--bin-dir target/debug] [--state-dir .local] [--quiet] \
[--oidc] [--rotate-oidc-secret] \
[--retain-resources LOGICAL_ID[,...]] (delete of a stack in DELETE_FAILED only)

--oidc: IdentityProvider=OIDC with demo IdP settings and a demo client secret in the \
local Secrets Manager (its value is never shown); --param overrides any of them. \
--rotate-oidc-secret: a new value for that secret, sent to the workforce (update).";

/// The demo's update: another user, a CIDR restriction, tags, task
/// notifications by email, new invitation text.
const DEMO_CREATE: &[&str] = &["InvitedUserEmails=alice@example.com"];
const DEMO_UPDATE: &[&str] = &[
    "InvitedUserEmails=alice@example.com,bob@example.com",
    "SourceIpCidrs=203.0.113.0/24,198.51.100.0/24",
    "Tags=team=labeling,cost-center=42",
    "TaskNotifications=email",
    "InviteEmailMessage=Welcome to the labeling team!<br>Username: {username}<br>Temporary password: {####}<br>",
];
/// The OIDC demo's update (`--oidc`): another IdP group (the team is
/// recreated under the same ARN), the secret rotated, a CIDR restriction,
/// tags.
const DEMO_OIDC_UPDATE: &[&str] = &[
    "OidcGroups=labelers,reviewers",
    "SourceIpCidrs=203.0.113.0/24",
    "Tags=team=labeling,cost-center=42",
];

#[derive(Serialize, Deserialize)]
struct Emulators {
    pid: u32,
    session: String,
    endpoints: Endpoints,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    session: String,
    stack: StackState,
}

struct Args {
    command: String,
    options: Options,
    state_dir: PathBuf,
    /// `delete --retain-resources`.
    retain: Vec<String>,
    /// `--oidc`: the OIDC variant with demo IdP settings and secret.
    oidc: bool,
    /// `--rotate-oidc-secret`.
    rotate_oidc_secret: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1).peekable();
    let command = match args.peek() {
        Some(first) if !first.starts_with('-') => args.next().unwrap_or_default(),
        _ => "demo".to_owned(),
    };
    let mut options = Options {
        template: PathBuf::from("template.yaml"),
        samconfig: None,
        stack_name: None,
        overrides: BTreeMap::new(),
        bin_dir: PathBuf::from("target/debug"),
        log_dir: None,
        quiet: false,
        faults: None,
    };
    let mut state_dir = PathBuf::from(".local");
    let mut config_file = PathBuf::from("samconfig.toml");
    let mut config_env = Some("default".to_owned());
    let mut params = Vec::new();
    let mut retain = Vec::new();
    let mut oidc = false;
    let mut rotate_oidc_secret = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--param" | "--parameter" => params.push(value(&arg)?),
            "--template" => options.template = value(&arg)?.into(),
            "--config-env" => config_env = Some(value(&arg)?),
            "--config-file" => config_file = value(&arg)?.into(),
            "--no-config" => config_env = None,
            "--stack-name" => options.stack_name = Some(value(&arg)?),
            "--bin-dir" => options.bin_dir = value(&arg)?.into(),
            "--state-dir" => state_dir = value(&arg)?.into(),
            "--quiet" => options.quiet = true,
            "--oidc" => oidc = true,
            "--rotate-oidc-secret" => rotate_oidc_secret = true,
            "--retain-resources" => retain.extend(
                value(&arg)?
                    .split(',')
                    .map(|id| id.trim().to_owned())
                    .filter(|id| !id.is_empty()),
            ),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    options.overrides = local_stack::params::parse_overrides(params.iter().map(String::as_str))
        .map_err(|e| e.to_string())?;
    // samconfig is read when it exists, as `sam deploy` does.
    options.samconfig = config_env
        .filter(|_| config_file.is_file())
        .map(|env| (config_file, env));
    options.log_dir = Some(state_dir.join("logs"));
    if !retain.is_empty() && command != "delete" {
        return Err(format!(
            "--retain-resources is an option of delete\n{USAGE}"
        ));
    }
    if oidc && !["demo", "create", "update"].contains(&command.as_str()) {
        return Err(format!(
            "--oidc is an option of demo, create and update\n{USAGE}"
        ));
    }
    if rotate_oidc_secret && command != "update" {
        return Err(format!(
            "--rotate-oidc-secret is an option of update\n{USAGE}"
        ));
    }
    Ok(Args {
        command,
        options,
        state_dir,
        retain,
        oidc,
        rotate_oidc_secret,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let result = match args.command.as_str() {
        "demo" => demo(&args).await,
        "create" => step(&args, Command::Create).await,
        "update" => step(&args, Command::Update).await,
        "delete" if args.retain.is_empty() => step(&args, Command::Delete).await,
        "delete" => step(&args, Command::DeleteRetaining(args.retain.clone())).await,
        "status" => status(&args).await,
        "serve" => serve(&args.state_dir).await,
        "stop" => stop(&args.state_dir),
        "env" => env(&args.state_dir).await,
        other => Err(RunError::Other(format!("unknown command {other}\n{USAGE}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nlocal-stack: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The overrides of `--oidc` / `--rotate-oidc-secret` (none without them).
async fn oidc_overrides(
    endpoints: &Endpoints,
    stack: &str,
    settings: bool,
    rotate: bool,
) -> Result<BTreeMap<String, String>, RunError> {
    let aws = local_stack::aws::Client::new(endpoints.clone())
        .map_err(|e| RunError::Other(format!("cannot build an HTTP client: {e}")))?;
    local_stack::oidc::overrides(&aws, stack, settings, rotate)
        .await
        .map_err(|e| RunError::Other(format!("the demo OIDC client secret: {e}")))
}

async fn start_emulators() -> Result<LocalAws, RunError> {
    LocalAws::start(EmulatorOptions {
        settle_after: Duration::from_secs(1),
        ..Default::default()
    })
    .await
    .map_err(|e| RunError::Other(e.to_string()))
}

fn banner(options: &Options, text: &str) {
    if !options.quiet {
        println!("\n==== {text} ====\n");
    }
}

async fn demo(args: &Args) -> Result<(), RunError> {
    let options = &args.options;
    banner(
        options,
        "starting the local emulators (moto, SageMaker emulator)",
    );
    let local = start_emulators().await?;
    let endpoints = local.endpoints.clone();
    let name = local_stack::stack_name(options)?;
    let mut state = StackState::new(&name);
    let progress = Progress::new(options.quiet);
    let steps: [(Command, &str, &[&str]); 3] = if args.oidc {
        [
            (Command::Create, "create", &[]),
            (Command::Update, "update", DEMO_OIDC_UPDATE),
            (Command::Delete, "delete", &[]),
        ]
    } else {
        [
            (Command::Create, "create", DEMO_CREATE),
            (Command::Update, "update", DEMO_UPDATE),
            (Command::Delete, "delete", &[]),
        ]
    };
    for (command, label, demo_params) in steps {
        let mut step_options = options.clone();
        let mut overrides = local_stack::params::parse_overrides(demo_params.iter().copied())?;
        // The OIDC demo: its settings and secret on create; on update a
        // rotated secret (the other settings are kept from the create).
        let (settings, rotate) = match command {
            Command::Create => (args.oidc, false),
            Command::Update => (false, args.oidc),
            _ => (false, false),
        };
        overrides.extend(oidc_overrides(&endpoints, &name, settings, rotate).await?);
        overrides.extend(options.overrides.clone());
        step_options.overrides = overrides;
        banner(options, &format!("{label} stack {name}"));
        let result =
            local_stack::run(command, &endpoints, &step_options, &mut state, &progress).await;
        if !options.quiet {
            println!("{}", local_stack::summary(&endpoints, &state).await?);
            if !state.parameters.is_empty() && label != "delete" {
                println!(
                    "Parameters:\n  {}",
                    local_stack::describe_parameters(&state.parameters).join("\n  ")
                );
            }
        }
        result?;
    }
    Ok(())
}

/// `export` lines for the running background emulators: endpoints,
/// Region and the emulators' dummy credentials.
async fn env(state_dir: &Path) -> Result<(), RunError> {
    let running = running_emulators(state_dir).await.ok_or_else(|| {
        RunError::Other(
            "no local emulators are running: run `scripts/local-run create` first".to_owned(),
        )
    })?;
    println!("export AWS_ENDPOINT_URL={}", running.endpoints.moto);
    println!(
        "export AWS_ENDPOINT_URL_SAGEMAKER={}",
        running.endpoints.sagemaker
    );
    println!("export AWS_REGION={}", local_aws::REGION);
    println!("export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing");
    Ok(())
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

async fn reachable(url: &str) -> bool {
    let address = url.trim_start_matches("http://");
    tokio::net::TcpStream::connect(address).await.is_ok()
}

/// The background emulators, if they are running.
async fn running_emulators(state_dir: &Path) -> Option<Emulators> {
    let running = read_json::<Emulators>(&state_dir.join("emulators.json"))?;
    (reachable(&running.endpoints.moto).await && reachable(&running.endpoints.sagemaker).await)
        .then_some(running)
}

/// The running background emulators, started if there are none.
async fn emulators(state_dir: &Path) -> Result<Emulators, RunError> {
    let file = state_dir.join("emulators.json");
    if let Some(running) = running_emulators(state_dir).await {
        return Ok(running);
    }
    let _ = std::fs::remove_file(&file);
    std::fs::create_dir_all(state_dir)
        .map_err(|e| RunError::Other(format!("cannot create {}: {e}", state_dir.display())))?;
    let log = std::fs::File::create(state_dir.join("emulators.log"))
        .map_err(|e| RunError::Other(format!("cannot create the emulator log: {e}")))?;
    let exe = std::env::current_exe().map_err(|e| RunError::Other(e.to_string()))?;
    let mut command = std::process::Command::new(exe);
    command.arg("serve").arg("--state-dir").arg(state_dir);
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log);
    // Its own process group: Ctrl-C on this command does not stop it.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command
        .spawn()
        .map_err(|e| RunError::Other(format!("cannot start `local-stack serve`: {e}")))?;
    for _ in 0..600 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Some(running) = read_json::<Emulators>(&file) {
            return Ok(running);
        }
    }
    Err(RunError::Other(format!(
        "the emulators did not start within 2 minutes; see {}",
        state_dir.join("emulators.log").display()
    )))
}

async fn serve(state_dir: &Path) -> Result<(), RunError> {
    let local = start_emulators().await?;
    let emulators = Emulators {
        pid: std::process::id(),
        session: local_aws::harness::new_request_id(),
        endpoints: local.endpoints.clone(),
    };
    let text =
        serde_json::to_string_pretty(&emulators).map_err(|e| RunError::Other(e.to_string()))?;
    std::fs::write(state_dir.join("emulators.json"), text)
        .map_err(|e| RunError::Other(e.to_string()))?;
    local
        .sagemaker
        .serve_forever()
        .await
        .map_err(|e| RunError::Other(e.to_string()))?;
    drop(local.moto);
    Ok(())
}

fn stop(state_dir: &Path) -> Result<(), RunError> {
    let file = state_dir.join("emulators.json");
    let Some(running) = read_json::<Emulators>(&file) else {
        println!("no emulators are running for {}", state_dir.display());
        return Ok(());
    };
    // The PID is the `serve` process this tool started; moto exits with it.
    let _ = std::process::Command::new("kill")
        .arg(running.pid.to_string())
        .status();
    let _ = std::fs::remove_file(&file);
    println!(
        "stopped the emulators (pid {}); their resources are gone",
        running.pid
    );
    Ok(())
}

async fn status(args: &Args) -> Result<(), RunError> {
    let saved: Option<Saved> = read_json(&args.state_dir.join("stack.json"));
    match saved {
        None => println!("no local stack in {}", args.state_dir.display()),
        Some(saved) => {
            let running: Option<Emulators> = read_json(&args.state_dir.join("emulators.json"));
            match running.filter(|r| r.session == saved.session) {
                Some(r) => println!(
                    "{}",
                    local_stack::summary(&r.endpoints, &saved.stack).await?
                ),
                None => println!(
                    "stack {} was {} on emulators that are no longer running",
                    saved.stack.name, saved.stack.status
                ),
            }
        }
    }
    Ok(())
}

async fn step(args: &Args, command: Command) -> Result<(), RunError> {
    let options = &args.options;
    let file = args.state_dir.join("stack.json");
    let saved: Option<Saved> = read_json(&file);
    // A stack whose emulators stopped is gone with them: say so before
    // starting new (empty) ones for anything but a create.
    if let Some(saved) = &saved
        && !matches!(command, Command::Create)
    {
        let running = running_emulators(&args.state_dir).await;
        if running.is_none_or(|r| r.session != saved.session) {
            return Err(RunError::Other(format!(
                "stack {} was {} on emulators that are no longer running, and is gone with them; remove {} and run create again",
                saved.stack.name,
                saved.stack.status,
                file.display()
            )));
        }
    }
    let emulators = emulators(&args.state_dir).await?;
    let stale = saved
        .as_ref()
        .is_some_and(|s| s.session != emulators.session);
    // A stack the stopped emulators held is gone with them: create starts
    // afresh, anything else says so. Otherwise `run` refuses what
    // CloudFormation refuses in the stack's status (a new state is a stack
    // that does not exist).
    let mut state = match (&command, saved) {
        (Command::Create, Some(saved)) if !stale && saved.stack.status != "DELETE_COMPLETE" => {
            saved.stack
        }
        (_, Some(saved)) if !stale => saved.stack,
        _ => StackState::new(&local_stack::stack_name(options)?),
    };
    let progress = Progress::new(options.quiet);
    // Refused commands change nothing, the demo secret included.
    let held: Vec<&str> = state.resources.keys().map(String::as_str).collect();
    local_stack::lifecycle::check(&command, &state.name, &state.id, Some(&state.status), &held)?;
    let mut options = options.clone();
    let mut overrides = oidc_overrides(
        &emulators.endpoints,
        &state.name,
        args.oidc,
        args.rotate_oidc_secret,
    )
    .await?;
    overrides.extend(std::mem::take(&mut options.overrides));
    options.overrides = overrides;
    let options = &options;
    let result = local_stack::run(
        command,
        &emulators.endpoints,
        options,
        &mut state,
        &progress,
    )
    .await;
    if let Err(RunError::Refused(_)) = result {
        // Nothing changed: the state file stays as it was.
        return result;
    }
    let saved = Saved {
        session: emulators.session.clone(),
        stack: state,
    };
    let text = serde_json::to_string_pretty(&saved).map_err(|e| RunError::Other(e.to_string()))?;
    std::fs::write(&file, text)
        .map_err(|e| RunError::Other(format!("cannot write {}: {e}", file.display())))?;
    if !options.quiet {
        println!(
            "{}",
            local_stack::summary(&emulators.endpoints, &saved.stack).await?
        );
    }
    result
}
