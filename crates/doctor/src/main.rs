//! `workforce-doctor`: exit 0 when the workforce is healthy, 1 when
//! something needs fixing, 2 when it could not be checked.

use doctor::{Clients, CognitoTarget, SignInTarget, Target, diagnose, healthy, report};
use std::process::ExitCode;

const USAGE: &str = "usage: workforce-doctor --outputs FILE [--region REGION]
       workforce-doctor --user-pool-id ID --client-id ID --workforce-name NAME
                        [--workteam-name NAME] [--group NAME] [--region REGION]
       workforce-doctor --oidc --workforce-name NAME [--workteam-name NAME]
                        [--region REGION]

Reads (never changes) a deployed SageMaker private workforce and says what
to fix. FILE holds the stack's outputs as `sam list stack-outputs --output
json` or `aws cloudformation describe-stacks` print them ('-' reads stdin).
Credentials and Region come from the default AWS chain (environment,
profiles, IAM Identity Center, instance or container roles).
Exit status: 0 healthy, 1 something to fix, 2 could not check.";

struct Args {
    target: Target,
    region: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut outputs: Option<String> = None;
    let mut names = std::collections::BTreeMap::<String, String>::new();
    let mut region = None;
    let mut oidc = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--outputs" => outputs = Some(value()?),
            "--oidc" => oidc = true,
            "--region" => region = Some(value()?),
            "--user-pool-id" | "--client-id" | "--workforce-name" | "--workteam-name"
            | "--group" => {
                let given = value()?;
                names.insert(arg, given);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let mut target = match outputs {
        Some(path) => {
            let text = if path == "-" {
                std::io::read_to_string(std::io::stdin())
            } else {
                std::fs::read_to_string(&path)
            }
            .map_err(|error| format!("cannot read {path}: {error}"))?;
            Target::from_outputs(&text).map_err(|error| error.to_string())?
        }
        None => {
            let name = |flag: &str| {
                names
                    .get(flag)
                    .cloned()
                    .ok_or(format!("{flag} is required without --outputs"))
            };
            let sign_in = if oidc {
                SignInTarget::Oidc {
                    reported_redirect: None,
                }
            } else {
                SignInTarget::Cognito(CognitoTarget {
                    user_pool_id: name("--user-pool-id")?,
                    client_id: name("--client-id")?,
                    group: doctor::target::DEFAULT_GROUP.to_owned(),
                })
            };
            Target {
                workforce_name: name("--workforce-name")?,
                workteam_name: None,
                reported_portal: None,
                task_topic: None,
                sign_in,
            }
        }
    };
    if let Some(team) = names.get("--workteam-name") {
        target.workteam_name = Some(team.clone());
    }
    if let (Some(group), SignInTarget::Cognito(cognito)) =
        (names.get("--group"), &mut target.sign_in)
    {
        cognito.group = group.clone();
    }
    Ok(Args { target, region })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(problem) => {
            if problem.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("workforce-doctor: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut loader = custom_resource::network::aws_config_loader();
    if let Some(region) = args.region {
        loader = loader.region(aws_config::Region::new(region));
    }
    let config = loader.load().await;
    let target = &args.target;
    let sign_in = match &target.sign_in {
        SignInTarget::Cognito(cognito) => format!(
            "user pool {}, app client {}",
            cognito.user_pool_id, cognito.client_id
        ),
        SignInTarget::Oidc { .. } => "OIDC sign-in".to_owned(),
    };
    println!(
        "workforce-doctor: workforce {:?}, {sign_in}, Region {}\n",
        target.workforce_name,
        config
            .region()
            .map_or("(none: set AWS_REGION or --region)", |r| r.as_ref())
    );
    let snapshot = match Clients::new(&config).snapshot(target).await {
        Ok(snapshot) => snapshot,
        Err(error) => {
            eprintln!("workforce-doctor: could not read the workforce's parts: {error}");
            return ExitCode::from(2);
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    let findings = diagnose(target, &snapshot, now);
    print!("{}", report::render(&findings));
    if healthy(&findings) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
