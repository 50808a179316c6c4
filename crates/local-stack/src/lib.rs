//! The whole stack of template.yaml, created, updated and deleted on the
//! local emulators (moto and the project's SageMaker emulator), with the
//! six function binaries answering genuine CloudFormation events.
//!
//! template model (cfn-template) -> [`params`] and [`resolve`] (pure) ->
//! [`plan`] and [`graph`] (pure) -> [`providers`] (I/O per resource type)
//! -> [`engine`] (create/update/delete/rollback) -> [`progress`].

pub mod aws;
pub mod engine;
pub mod faults;
pub mod graph;
pub mod lifecycle;
pub mod oidc;
pub mod params;
pub mod plan;
pub mod progress;
pub mod providers;
pub mod resolve;

use crate::aws::{COGNITO, Endpoints};
use crate::engine::{Engine, StackError, StackState};
use crate::progress::Progress;
use crate::providers::{Providers, StackInfo};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a run needs to know besides the command.
#[derive(Debug, Clone)]
pub struct Options {
    pub template: PathBuf,
    /// samconfig.toml and the environment to read (none: defaults only).
    pub samconfig: Option<(PathBuf, String)>,
    pub stack_name: Option<String>,
    /// `--param K=V`, applied last.
    pub overrides: BTreeMap<String, String>,
    pub bin_dir: PathBuf,
    /// Where the functions' logs are written.
    pub log_dir: Option<PathBuf>,
    pub quiet: bool,
    /// Injected faults (the soak); none in a normal run.
    pub faults: Option<faults::Faults>,
}

/// Anything that stops a run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Load(#[from] cfn_template::LoadError),
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    #[error(transparent)]
    Params(#[from] params::ParamError),
    #[error(transparent)]
    Stack(#[from] StackError),
    /// Refused before anything started, as CloudFormation refuses it.
    #[error(transparent)]
    Refused(#[from] lifecycle::Refused),
    #[error("{0}")]
    Other(String),
}

pub enum Command {
    Create,
    Update,
    Delete,
    /// `delete-stack --retain-resources`: only for a stack in DELETE_FAILED;
    /// the named resources are left as they are (DELETE_SKIPPED).
    DeleteRetaining(Vec<String>),
}

/// The stack name the options choose.
pub fn stack_name(options: &Options) -> Result<String, RunError> {
    if let Some(name) = &options.stack_name {
        return Ok(name.clone());
    }
    Ok(samconfig(options)?
        .stack_name
        .unwrap_or_else(|| "local-stack".to_owned()))
}

fn samconfig(options: &Options) -> Result<params::SamConfig, RunError> {
    let Some((path, env)) = &options.samconfig else {
        return Ok(params::SamConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| RunError::Other(format!("cannot read {}: {e}", path.display())))?;
    Ok(params::samconfig(&text, env)?)
}

/// Runs one command on `state` (a new stack for Create). The state is
/// updated whatever happens, so it always says what exists. A command
/// CloudFormation would refuse in the stack's status changes nothing.
pub async fn run(
    command: Command,
    endpoints: &Endpoints,
    options: &Options,
    state: &mut StackState,
    progress: &Progress,
) -> Result<(), RunError> {
    let held: Vec<&str> = state.resources.keys().map(String::as_str).collect();
    lifecycle::check(&command, &state.name, &state.id, Some(&state.status), &held)?;
    let providers = Providers::new(
        endpoints.clone(),
        StackInfo {
            name: state.name.clone(),
            id: state.id.clone(),
        },
        options.bin_dir.clone(),
        options.log_dir.clone(),
        options.faults.clone(),
    )
    .await
    .map_err(|e| RunError::Other(format!("cannot start the response sink: {e}")))?;
    let engine = Engine {
        providers: &providers,
        progress,
    };
    let result = run_engine(command, &engine, options, state).await;
    for request in providers.take_sent() {
        progress.request(request);
    }
    result
}

async fn run_engine(
    command: Command,
    engine: &Engine<'_>,
    options: &Options,
    state: &mut StackState,
) -> Result<(), RunError> {
    engine.load(state)?;
    match command {
        Command::Delete => engine.delete(state, &[]).await?,
        Command::DeleteRetaining(retain) => engine.delete(state, &retain).await?,
        Command::Create | Command::Update => {
            let template = cfn_template::Template::from_path(&options.template)?;
            // Previous values, then samconfig, then the command line (as
            // `sam deploy` keeps parameters that are not overridden).
            let mut overrides: BTreeMap<String, String> = match command {
                Command::Update => state
                    .parameters
                    .iter()
                    .map(|(k, v)| (k.clone(), param_text(v)))
                    .collect(),
                _ => BTreeMap::new(),
            };
            overrides.extend(samconfig(options)?.overrides);
            overrides.extend(options.overrides.clone());
            let declared = params::resolve(template.section("Parameters"), &overrides)?;
            let mut values = declared.clone();
            values.extend(params::pseudo(&state.name, &state.id));
            let plan = plan::plan(&template, values)?;
            if matches!(command, Command::Update) {
                let planned = plan
                    .resources
                    .iter()
                    .map(|(id, p)| (id.as_str(), p.resource_type.as_str()))
                    .collect();
                let deployed = state
                    .resources
                    .iter()
                    .map(|(id, d)| (id.as_str(), d.resource_type.as_str()));
                lifecycle::check_types(deployed, &planned)?;
            }
            plan::check_usernames(&plan, &state.pool_users())?;
            match command {
                Command::Create => engine.create(&plan, state, declared).await?,
                _ => engine.update(&plan, state, declared).await?,
            }
        }
    }
    Ok(())
}

fn param_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(param_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// What the user wants to see after a run: Outputs, each app client's
/// URLs, the invitation email of each invited user, what was not emulated.
pub async fn summary(endpoints: &Endpoints, state: &StackState) -> Result<String, RunError> {
    let aws = aws::Client::new(endpoints.clone())
        .map_err(|e| RunError::Other(format!("cannot build an HTTP client: {e}")))?;
    let mut out = format!("\nStack {} is {}\n", state.name, state.status);
    if !state.outputs.is_empty() {
        out.push_str("\nOutputs:\n");
        for (name, value) in &state.outputs {
            out.push_str(&format!("  {name:<18} {}\n", param_text(value)));
        }
    }
    if !state.retained.is_empty() {
        out.push_str("\nRetained (left in the emulators, no longer part of the stack):\n");
        for kept in &state.retained {
            out.push_str(&format!("  {kept}\n"));
        }
    }
    for (id, d) in &state.resources {
        // The native type, and the template's own (which owns the client).
        if matches!(
            d.resource_type.as_str(),
            "AWS::Cognito::UserPoolClient" | "Custom::AppClient"
        ) {
            let client = aws
                .json(
                    COGNITO,
                    "DescribeUserPoolClient",
                    json!({"UserPoolId": d.properties["UserPoolId"], "ClientId": d.physical_id}),
                )
                .await;
            match client {
                Ok(c) => {
                    let urls = |k: &str| param_text(&c["UserPoolClient"][k]);
                    out.push_str(&format!(
                        "\nApp client {id} ({}):\n  CallbackURLs: {}\n  LogoutURLs:   {}\n",
                        d.physical_id,
                        urls("CallbackURLs"),
                        urls("LogoutURLs")
                    ));
                }
                Err(e) => out.push_str(&format!("\nApp client {id}: {e}\n")),
            }
        }
    }
    for d in state
        .resources
        .values()
        .filter(|d| d.resource_type == "AWS::Cognito::UserPoolUser")
    {
        // What Cognito sent when the user was created (through the pool's
        // CustomMessage trigger, if it has one), not today's template.
        match d.attributes.get(providers::SENT_INVITATION) {
            Some(sent) => out.push_str(&invitation(&d.physical_id, sent)),
            None => out.push_str(&format!(
                "\nNo invitation email was sent to {}.\n",
                d.physical_id
            )),
        }
    }
    let not_emulated: Vec<String> = state
        .resources
        .iter()
        .filter_map(|(id, d)| {
            d.not_emulated
                .as_ref()
                .map(|why| format!("  {id} ({}): {why}", d.resource_type))
        })
        .collect();
    if !not_emulated.is_empty() {
        out.push_str("\nNot emulated:\n");
        out.push_str(&not_emulated.join("\n"));
        out.push('\n');
    }
    Ok(out)
}

/// The invitation email Cognito sent `user`, as local-stack recorded it
/// (`{"Subject", "Message", "ComposedBy"}`), with the placeholders filled in.
pub fn invitation(user: &str, sent: &Value) -> String {
    let body = sent["Message"]
        .as_str()
        .unwrap_or_default()
        .replace("{username}", user)
        .replace("{####}", "<temporary password>")
        .replace("<br>", "\n    ");
    let composed = match sent["ComposedBy"].as_str() {
        Some(function) => format!(" (composed by the CustomMessage trigger {function})"),
        None => String::new(),
    };
    format!(
        "\nInvitation email to {user}{composed}:\n  Subject: {}\n  Body:\n    {body}\n",
        sent["Subject"].as_str().unwrap_or_default()
    )
}

/// The parameters of a StackState as `K=V` lines, for the user.
pub fn describe_parameters(parameters: &Map<String, Value>) -> Vec<String> {
    parameters
        .iter()
        .map(|(k, v)| format!("{k}={}", param_text(v)))
        .collect()
}
