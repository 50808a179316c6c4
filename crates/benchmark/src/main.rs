//! `benchmark [--runs N] [--bin-dir DIR] [--sam-build-dir DIR] [--no-zip]`:
//! for each function, the bootstrap's size, its zipped size (what Lambda
//! stores; `--no-zip` leaves it out, for the test on dev binaries), and
//! over N cold starts on the local emulators the median wall time and CPU
//! time from starting the process to its accepted response PUT, and the peak
//! RSS, printed as a Markdown table; then the size of each arm64 bootstrap
//! `sam build` made, if there are any.
//!
//! The PUT goes over https to a server whose certificate the function
//! verifies (a local CA trusted through `SSL_CERT_FILE`), as every
//! CloudFormation ResponseURL is https: the TLS stack's first use is part of
//! every cold start in production.
//!
//! A benchmark, not a test: it prints figures and asserts nothing about
//! them. Run it on release binaries (`scripts/bench`).

use aws_sdk_cognitoidentityprovider::types::{ExplicitAuthFlowsType, OAuthFlowType};
use local_aws::harness::{self, FunctionUnderTest};
use local_aws::moto::MotoServer;
use local_aws::sagemaker::{EmulatorOptions, SageMakerEmulator};
use local_aws::tls::LocalCa;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const PLACEHOLDER: &str = "https://placeholder.invalid/callback";
/// The Cognito group the work team is made of.
const WORKER_GROUP: &str = "workers";

/// The local AWS one cold start runs against.
struct Emulators {
    moto: MotoServer,
    sagemaker: SageMakerEmulator,
    pool_id: String,
    client_id: String,
}

impl Emulators {
    async fn start() -> Result<Self, BoxError> {
        let moto = MotoServer::start().await?;
        let sagemaker = SageMakerEmulator::start(EmulatorOptions {
            settle_after: Duration::ZERO,
            delete_after: Duration::ZERO,
            cognito_endpoint: Some(moto.endpoint_url()),
        })
        .await?;
        // moto loads a service's backend at its first request, and SSM's
        // default parameters at the first GetParameter (about 25 ms); pay
        // that here so that the figures are the function's, not moto's
        // warm-up. The answer (ParameterNotFound) is what is expected.
        let _ = aws_sdk_ssm::Client::new(&moto.sdk_config().await)
            .get_parameter()
            .name("/benchmark/warm-up")
            .send()
            .await;
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&moto.sdk_config().await);
        let pool = cognito.create_user_pool().pool_name("bench").send().await?;
        let pool_id = pool
            .user_pool()
            .and_then(|p| p.id())
            .unwrap_or_default()
            .to_owned();
        cognito
            .create_group()
            .user_pool_id(&pool_id)
            .group_name(WORKER_GROUP)
            .send()
            .await?;
        let client = cognito
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("bench")
            .generate_secret(true)
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_scopes("openid")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .supported_identity_providers("COGNITO")
            .callback_urls(PLACEHOLDER)
            .logout_urls(PLACEHOLDER)
            .send()
            .await?;
        let client_id = client
            .user_pool_client()
            .and_then(|c| c.client_id())
            .unwrap_or_default()
            .to_owned();
        Ok(Self {
            moto,
            sagemaker,
            pool_id,
            client_id,
        })
    }

    async fn create_workforce(&self, name: &str) -> Result<String, BoxError> {
        let config = local_aws::sdk_config(&self.sagemaker.endpoint_url(), local_aws::REGION).await;
        let sagemaker = aws_sdk_sagemaker::Client::new(&config);
        sagemaker
            .create_workforce()
            .workforce_name(name)
            .cognito_config(
                aws_sdk_sagemaker::types::CognitoConfig::builder()
                    .user_pool(&self.pool_id)
                    .client_id(&self.client_id)
                    .build(),
            )
            .send()
            .await?;
        let described = sagemaker
            .describe_workforce()
            .workforce_name(name)
            .send()
            .await?;
        Ok(described
            .workforce()
            .and_then(|w| w.sub_domain())
            .unwrap_or_default()
            .to_owned())
    }
}

/// The Create event each function gets, set up on fresh emulators.
async fn create_event(function: &str, emulators: &Emulators) -> Result<Value, BoxError> {
    let pool = emulators.pool_id.as_str();
    let client = emulators.client_id.as_str();
    let (resource_type, properties) = match function {
        "app-client" => (
            "Custom::AppClient",
            json!({"UserPoolId": pool, "ClientName": "bench", "PlaceholderUrl": PLACEHOLDER}),
        ),
        "domain-prefix" => (
            "Custom::DomainPrefix",
            json!({"ParameterName": "/sagemaker-workforce/bench/domain-prefix"}),
        ),
        "create-workforce" => (
            "Custom::PrivateWorkforce",
            json!({"WorkforceName": "bench", "UserPoolId": pool, "ClientId": client,
                   "SourceIpCidrs": ["10.0.0.0/16"], "WorkteamName": "bench-team",
                   "WorkerGroupName": WORKER_GROUP}),
        ),
        "fetch-portal-domain" => {
            emulators.create_workforce("bench").await?;
            ("Custom::PortalDomain", json!({"WorkforceName": "bench"}))
        }
        "update-invite-email" => (
            "Custom::InviteEmail",
            json!({"UserPoolId": pool, "EmailSubject": "Your labeling portal",
                   "EmailMessage": "Hello {username}, your password is {####}. Portal: https://x.labeling.us-east-1.sagemaker.aws"}),
        ),
        "filter-placeholder-callback" => (
            "Custom::PlaceholderFilter",
            json!({"UserPoolId": pool, "ClientId": client, "PlaceholderUrl": PLACEHOLDER,
                   "RequiredCallbackUrl": "https://x.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse"}),
        ),
        "update-client" => (
            "Custom::ClientCallbacks",
            json!({"UserPoolId": pool, "ClientId": client,
                   "CallbackUrls": ["https://x.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse"],
                   "LogoutUrls": ["https://x.labeling.us-east-1.sagemaker.aws/logout"]}),
        ),
        other => return Err(format!("no benchmark event for {other}").into()),
    };
    Ok(harness::create_event(resource_type, "Bench", properties))
}

const FUNCTIONS: [&str; 7] = [
    "app-client",
    "domain-prefix",
    "create-workforce",
    "fetch-portal-domain",
    "update-invite-email",
    "filter-placeholder-callback",
    "update-client",
];

struct Figures {
    function: &'static str,
    size: u64,
    zipped: Option<u64>,
    cold_ms: Vec<f64>,
    cpu_ms: Vec<f64>,
    peak_rss_kb: Vec<u64>,
}

/// What one cold start measured.
struct ColdStart {
    wall_ms: f64,
    cpu_ms: Option<f64>,
    peak_rss_kb: Option<u64>,
}

/// The size of `binary` zipped as `bootstrap`, the way it is deployed.
fn zipped_size(binary: &Path) -> Result<u64, BoxError> {
    let bytes = std::fs::read(binary)?;
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .unix_permissions(0o755);
    archive.start_file("bootstrap", options)?;
    archive.write_all(&bytes)?;
    Ok(archive.finish()?.into_inner().len() as u64)
}

/// Peak resident set size of a live process, from /proc (Linux only).
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU time (user and system) a live process has used so far, from the
/// scheduler's per-thread nanosecond counters (Linux only; the kernel's
/// per-process figure counts in 10 ms ticks, too coarse here).
fn cpu_ms(pid: u32) -> Option<f64> {
    let mut total_ns = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let schedstat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total_ns += schedstat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total_ns as f64 / 1e6)
}

/// One cold start: fresh emulators, a fresh process, one Create event whose
/// response goes to an https ResponseURL.
async fn cold_start(function: &str, binary: &Path, ca: &LocalCa) -> Result<ColdStart, BoxError> {
    let emulators = Emulators::start().await?;
    let event = create_event(function, &emulators).await?;
    let env = harness::aws_env(
        Some(&emulators.moto),
        Some(&emulators.sagemaker.endpoint_url()),
    );
    let under_test = FunctionUnderTest::start_https(binary, env, ca).await?;
    let started = tokio::time::Instant::now();
    let answered = under_test.send(event).await;
    if answered.status() != "SUCCESS" {
        return Err(format!(
            "{function} answered {:?}: {} ({:?})\n{}",
            answered.status(),
            answered.reason(),
            answered.invocation.outcome,
            under_test.logs()
        )
        .into());
    }
    let put_at = answered
        .puts
        .iter()
        .find(|put| put.accepted())
        .map(|put| tokio::time::Instant::from_std(put.at))
        .ok_or("no accepted PUT")?;
    let wall_ms = put_at.saturating_duration_since(started).as_secs_f64() * 1000.0;
    let pid = under_test.host().pid();
    Ok(ColdStart {
        wall_ms,
        cpu_ms: pid.and_then(cpu_ms),
        peak_rss_kb: pid.and_then(peak_rss_kb),
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

struct Args {
    runs: usize,
    bin_dir: PathBuf,
    sam_build_dir: PathBuf,
    zip: bool,
}

fn parse_args() -> Result<Args, BoxError> {
    let mut args = Args {
        runs: 7,
        bin_dir: local_aws::workspace_root().join("target/release"),
        sam_build_dir: local_aws::workspace_root().join(".aws-sam/build"),
        zip: true,
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        match arg.as_str() {
            "--runs" => args.runs = given.next().ok_or("--runs needs a number")?.parse()?,
            "--bin-dir" => args.bin_dir = given.next().ok_or("--bin-dir needs a directory")?.into(),
            "--sam-build-dir" => {
                args.sam_build_dir = given
                    .next()
                    .ok_or("--sam-build-dir needs a directory")?
                    .into()
            }
            "--no-zip" => args.zip = false,
            other => {
                return Err(format!(
                    "unknown argument {other:?}; usage: benchmark [--runs N] [--bin-dir DIR] [--sam-build-dir DIR] [--no-zip]"
                )
                .into());
            }
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = parse_args()?;
    // The system's roots and the local CA: a root store as large as
    // production's, which the function loads at every cold start.
    // openssl-probe is where the functions' root store looks for it too.
    let ca = match openssl_probe::probe().cert_file {
        Some(bundle) => LocalCa::with_roots_of(&bundle)?,
        None => {
            eprintln!("no system CA bundle found: measuring with the local CA alone");
            LocalCa::new()?
        }
    };
    let mut table = Vec::new();
    for function in FUNCTIONS {
        let binary = std::path::absolute(args.bin_dir.join(function))?;
        if !binary.is_file() {
            return Err(format!(
                "{} not found: build it first (scripts/bench does)",
                binary.display()
            )
            .into());
        }
        let mut figures = Figures {
            function,
            size: std::fs::metadata(&binary)?.len(),
            zipped: args.zip.then(|| zipped_size(&binary)).transpose()?,
            cold_ms: Vec::new(),
            cpu_ms: Vec::new(),
            peak_rss_kb: Vec::new(),
        };
        for run in 1..=args.runs {
            let cold = cold_start(function, &binary, &ca).await?;
            eprintln!(
                "{function}: cold start {run}/{}: {:.1} ms, CPU {:.1} ms",
                args.runs,
                cold.wall_ms,
                cold.cpu_ms.unwrap_or(f64::NAN)
            );
            figures.cold_ms.push(cold.wall_ms);
            figures.cpu_ms.extend(cold.cpu_ms);
            figures.peak_rss_kb.extend(cold.peak_rss_kb);
        }
        table.push(figures);
    }
    println!(
        "| function (host build) | bootstrap | zipped | cold start to https response PUT (median of {}) | CPU time (median) | peak RSS |",
        args.runs
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for mut figures in table {
        let peak = figures
            .peak_rss_kb
            .iter()
            .max()
            .copied()
            .unwrap_or_default();
        println!(
            "| `{}` | {:.2} MiB | {} | {:.1} ms | {:.1} ms | {:.1} MiB |",
            figures.function,
            mib(figures.size),
            figures
                .zipped
                .map_or("not measured".to_owned(), |zipped| format!(
                    "{:.2} MiB",
                    mib(zipped)
                )),
            median(&mut figures.cold_ms),
            median(&mut figures.cpu_ms),
            peak as f64 / 1024.0
        );
    }
    print_sam_artifacts(&args.sam_build_dir)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

/// The arm64 bootstraps `sam build` made (what users upload), if any.
fn print_sam_artifacts(build_dir: &Path) -> Result<(), BoxError> {
    let Ok(entries) = std::fs::read_dir(build_dir) else {
        println!(
            "\n(no {}: run `sam build` for the arm64 figures)",
            build_dir.display()
        );
        return Ok(());
    };
    let mut bootstraps: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path().join("bootstrap"),
            )
        })
        .filter(|(_, bootstrap)| bootstrap.is_file())
        .collect();
    bootstraps.sort();
    println!("\n| function (arm64, `sam build`) | bootstrap | zipped |");
    println!("|---|---:|---:|");
    for (function, bootstrap) in bootstraps {
        println!(
            "| `{function}` | {:.2} MiB | {:.2} MiB |",
            mib(std::fs::metadata(&bootstrap)?.len()),
            mib(zipped_size(&bootstrap)?)
        );
    }
    Ok(())
}
