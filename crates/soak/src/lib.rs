//! The soak: random lifecycles of the whole stack on the local emulators
//! (create with random parameters, random updates, delete), with faults
//! injected into every part a deployment depends on, and the invariants
//! ([`world`], [`chaos::check_responses`]) checked after every step.
//!
//! Seeded and bounded: lifecycle `i` of seed `s` draws everything from
//! `(s, i)`, so a violation is replayed with `--seed s --only i` (up to the
//! timing of polls, which moves later fault draws within an event).

pub mod chaos;
pub mod rng;
pub mod scenario;
pub mod world;

use chaos::{Chaos, Rates};
use local_aws::fault_proxy::FaultProxy;
use local_aws::moto::MotoServer;
use local_aws::sagemaker::{EmulatorOptions, SageMakerEmulator};
use local_stack::aws::Endpoints;
use local_stack::engine::StackState;
use local_stack::faults::Faults;
use local_stack::progress::Progress;
use local_stack::{Command, Options};
use rng::Rng;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    pub lifecycles: u64,
    /// Each lifecycle has 1 to this many updates.
    pub max_updates: u64,
    /// No lifecycle starts after this much time.
    pub time_limit: Duration,
    /// Run only this lifecycle (a replay).
    pub only: Option<u64>,
    pub template: PathBuf,
    pub bin_dir: PathBuf,
    pub rates: Rates,
    /// One line per lifecycle on stderr.
    pub verbose: bool,
}

/// A broken invariant, with what replays it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub seed: u64,
    pub lifecycle: u64,
    pub what: String,
    /// What the stack said about the step (its failed resources' reasons).
    pub context: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lifecycle {} (replay: --seed {} --only {}): {}",
            self.lifecycle, self.seed, self.lifecycle, self.what
        )?;
        for line in &self.context {
            write!(f, "\n        {line}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Default, Clone)]
pub struct Report {
    pub seed: u64,
    pub lifecycles: u64,
    pub steps: u64,
    pub events: u64,
    pub faults: BTreeMap<&'static str, u64>,
    /// How the steps ended.
    pub statuses: BTreeMap<String, u64>,
    pub violations: Vec<Violation>,
    pub wall: Duration,
    pub stopped_by_time: bool,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "soak report (seed {})", self.seed)?;
        writeln!(
            f,
            "  lifecycles {}, steps {}, custom-resource events {}, wall time {:.1} s{}",
            self.lifecycles,
            self.steps,
            self.events,
            self.wall.as_secs_f64(),
            if self.stopped_by_time {
                " (stopped by the time limit)"
            } else {
                ""
            }
        )?;
        writeln!(f, "  faults injected:")?;
        for (kind, n) in &self.faults {
            writeln!(f, "    {n:>6}  {kind}")?;
        }
        writeln!(f, "  steps ended:")?;
        for (status, n) in &self.statuses {
            writeln!(f, "    {n:>6}  {status}")?;
        }
        writeln!(f, "  invariant violations: {}", self.violations.len())?;
        for violation in &self.violations {
            writeln!(f, "    {violation}")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SoakError {
    #[error("cannot start an emulator: {0}")]
    Start(String),
}

/// The emulators of one lifecycle, with fault proxies for the functions.
struct Emulators {
    sagemaker: Arc<SageMakerEmulator>,
    /// The lifecycle's faults, drawn from `seed`; it holds the SageMaker
    /// emulator's workforces short of settling when a fault says so.
    chaos: Arc<Chaos>,
    endpoints: Endpoints,
    function_endpoints: Endpoints,
    _proxies: [FaultProxy; 2],
}

async fn emulators(moto: &MotoServer, seed: u64, rates: Rates) -> Result<Emulators, SoakError> {
    let start = |e: std::io::Error| SoakError::Start(e.to_string());
    let sagemaker = Arc::new(
        SageMakerEmulator::start(EmulatorOptions {
            cognito_endpoint: Some(moto.endpoint_url()),
            ..Default::default()
        })
        .await
        .map_err(start)?,
    );
    let held = Arc::clone(&sagemaker);
    let chaos = Arc::new(Chaos::new(
        seed,
        rates,
        Box::new(move |on| held.never_settle(on)),
    ));
    let endpoints = Endpoints {
        moto: moto.endpoint_url(),
        sagemaker: sagemaker.endpoint_url(),
    };
    let moto_proxy = FaultProxy::start(&endpoints.moto, chaos.clone())
        .await
        .map_err(start)?;
    let sagemaker_proxy = FaultProxy::start(&endpoints.sagemaker, chaos.clone())
        .await
        .map_err(start)?;
    Ok(Emulators {
        function_endpoints: Endpoints {
            moto: moto_proxy.endpoint_url(),
            sagemaker: sagemaker_proxy.endpoint_url(),
        },
        sagemaker,
        chaos,
        endpoints,
        _proxies: [moto_proxy, sagemaker_proxy],
    })
}

/// Every function's Timeout during a soak (the template's are 60 and 900
/// seconds): longer than the functions' retry budget for one AWS call
/// (`custom_resource::network`: eight attempts, backoff up to 5 s, about
/// 13 s), so that throttled calls are retried as they would be in AWS
/// instead of running out of a deadline no real Timeout is as short as.
/// An event whose workforce is held past the deadline gets a shorter one
/// (`chaos::SLOW_WORKFORCE_DEADLINE`), so that fault still costs seconds.
const FUNCTION_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the soak and reports; violations are in the report, not errors.
pub async fn run(config: &Config) -> Result<Report, SoakError> {
    let started = Instant::now();
    let moto = MotoServer::start()
        .await
        .map_err(|e| SoakError::Start(e.to_string()))?;
    let mut report = Report {
        seed: config.seed,
        ..Report::default()
    };
    let lifecycles: Vec<u64> = match config.only {
        Some(only) => vec![only],
        None => (0..config.lifecycles).collect(),
    };
    for i in lifecycles {
        if started.elapsed() >= config.time_limit {
            report.stopped_by_time = true;
            break;
        }
        moto.reset()
            .await
            .map_err(|e| SoakError::Start(e.to_string()))?;
        let lifecycle = Instant::now();
        let before = report.violations.len();
        let statuses = lifecycle_run(config, &moto, i, &mut report).await?;
        report.lifecycles += 1;
        if config.verbose {
            eprintln!(
                "lifecycle {i}: {} ({:.1} s, {} violations)",
                statuses.join(" -> "),
                lifecycle.elapsed().as_secs_f64(),
                report.violations.len() - before
            );
        }
    }
    report.wall = started.elapsed();
    Ok(report)
}

/// One lifecycle: create, 1..=max_updates updates, delete (again without
/// faults if a refused response left it DELETE_FAILED). The statuses reached.
async fn lifecycle_run(
    config: &Config,
    moto: &MotoServer,
    i: u64,
    report: &mut Report,
) -> Result<Vec<String>, SoakError> {
    let seed = Rng::derive(config.seed, &[i]).next_u64();
    let mut rng = Rng::new(seed);
    let emu = emulators(moto, seed, config.rates).await?;
    let chaos = &emu.chaos;
    let aws = local_stack::aws::Client::new(emu.endpoints.clone())
        .map_err(|e| SoakError::Start(e.to_string()))?;
    let name = format!("soak-{i}");
    let mut lifecycle = Lifecycle {
        world: world::World {
            aws: &aws,
            sagemaker: &emu.sagemaker,
        },
        chaos,
        seed: config.seed,
        index: i,
        prefix_parameter: format!("/sagemaker-workforce/{name}/domain-prefix"),
        prefix_created: false,
        memory: world::Memory::default(),
        step: 0,
    };
    let mut parameters = scenario::initial(&mut rng);
    // What an OIDC deployment needs besides the drawn IdentityProvider,
    // OidcGroups and OidcClientSecretVersion: the demo IdP's settings and
    // a client secret in the local Secrets Manager.
    let idp = local_stack::oidc::overrides(&aws, &name, true, false)
        .await
        .map_err(|e| SoakError::Start(e.to_string()))?;
    for (key, value) in idp {
        parameters.entry(key).or_insert(value);
    }
    let mut options = Options {
        template: config.template.clone(),
        samconfig: None,
        stack_name: Some(name.clone()),
        overrides: parameters.clone(),
        bin_dir: config.bin_dir.clone(),
        log_dir: None,
        quiet: true,
        faults: Some(Faults {
            events: chaos.clone(),
            function_endpoints: emu.function_endpoints.clone(),
            max_function_timeout: Some(FUNCTION_TIMEOUT),
        }),
    };
    let mut state = StackState::new(&name);
    let mut statuses = Vec::new();
    let updates = 1 + rng.below(config.max_updates.max(1));
    let mut plan = vec![Command::Create];
    plan.extend((0..updates).map(|_| Command::Update));
    plan.push(Command::Delete);
    for command in plan {
        let updatable = matches!(
            state.status.as_str(),
            "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "UPDATE_ROLLBACK_COMPLETE"
        );
        if matches!(command, Command::Update) {
            if !updatable {
                continue;
            }
            parameters = scenario::update(&mut rng, &parameters);
            options.overrides = parameters.clone();
        }
        let is_delete = matches!(command, Command::Delete);
        chaos.begin_step(lifecycle.step + 1, true);
        let progress = Progress::new(true);
        let outcome =
            local_stack::run(command, &emu.endpoints, &options, &mut state, &progress).await;
        lifecycle.settle(report, &state, &outcome, &progress).await;
        statuses.push(state.status.clone());
        if is_delete && state.status != "DELETE_COMPLETE" {
            // A refused response left the delete unfinished: delete again,
            // as the user would, without faults.
            chaos.begin_step(lifecycle.step + 1, false);
            let progress = Progress::new(true);
            let outcome = local_stack::run(
                Command::Delete,
                &emu.endpoints,
                &options,
                &mut state,
                &progress,
            )
            .await;
            lifecycle.settle(report, &state, &outcome, &progress).await;
            statuses.push(state.status.clone());
        }
    }
    report.events += chaos.events();
    for (kind, n) in chaos.faults() {
        *report.faults.entry(kind).or_default() += n;
    }
    Ok(statuses)
}

/// One lifecycle's bookkeeping between steps.
struct Lifecycle<'a> {
    world: world::World<'a>,
    chaos: &'a Chaos,
    seed: u64,
    index: u64,
    prefix_parameter: String,
    /// Whether the domain prefix parameter was ever created (it must then
    /// outlive the stack).
    prefix_created: bool,
    memory: world::Memory,
    step: u64,
}

impl Lifecycle<'_> {
    /// Checks the invariants after a step and records its outcome.
    async fn settle(
        &mut self,
        report: &mut Report,
        state: &StackState,
        outcome: &Result<(), local_stack::RunError>,
        progress: &Progress,
    ) {
        self.step += 1;
        let step = self.step;
        report.steps += 1;
        *report.statuses.entry(state.status.clone()).or_default() += 1;
        let mut problems = self.chaos.take_violations();
        if let Err(error) = outcome
            && !matches!(error, local_stack::RunError::Stack(_))
        {
            problems.push(format!("step {step}: the run was refused: {error}"));
        }
        self.prefix_created |= state.resources.contains_key("CognitoDomainPrefix");
        let prefix = self
            .prefix_created
            .then_some(self.prefix_parameter.as_str());
        let found = self
            .world
            .check(
                state,
                self.chaos.refused_in_step(),
                prefix,
                &mut self.memory,
            )
            .await;
        problems.extend(
            found
                .into_iter()
                .map(|problem| format!("step {step} ({}): {problem}", state.status)),
        );
        // What the stack reported, to read the problems by (not counted).
        let mut context = Vec::new();
        if !problems.is_empty()
            && let Err(local_stack::RunError::Stack(error)) = outcome
        {
            context.push(format!("the stack reported: {error}"));
            context.extend(
                progress
                    .events()
                    .into_iter()
                    .filter(|e| e.status.ends_with("_FAILED") && !e.reason.is_empty())
                    .map(|e| format!("{} {}: {}", e.logical_id, e.status, e.reason)),
            );
        }
        report
            .violations
            .extend(problems.into_iter().map(|what| Violation {
                seed: self.seed,
                lifecycle: self.index,
                what,
                context: context.clone(),
            }));
    }
}
