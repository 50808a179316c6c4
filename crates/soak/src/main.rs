//! `soak`: random lifecycles of the stack on the local emulators under
//! injected faults; prints the report and exits 1 on any violation.

use soak::Config;
use soak::chaos::Rates;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: soak [--seed N] [--lifecycles N] [--max-updates N] [--time-limit SECONDS] [--only I] [--bin-dir DIR] [--template FILE] [--quiet]

Runs random lifecycles (create, updates, delete) of the template on the
local emulators with faults injected, checks the invariants after every step
and prints a report. Build the function binaries first (`cargo build
--workspace`); --bin-dir says where they are (default: target/debug).";

fn parse() -> Result<Config, String> {
    let mut config = Config {
        seed: 1,
        lifecycles: 20,
        max_updates: 4,
        time_limit: Duration::from_secs(3600),
        only: None,
        template: PathBuf::from("template.yaml"),
        bin_dir: PathBuf::from("target/debug"),
        rates: Rates::default(),
        verbose: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        let number = |name: &str, text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("{name} must be a whole number, got {text:?}"))
        };
        match arg.as_str() {
            "--seed" => config.seed = number(&arg, value(&arg)?)?,
            "--lifecycles" => config.lifecycles = number(&arg, value(&arg)?)?,
            "--max-updates" => config.max_updates = number(&arg, value(&arg)?)?,
            "--time-limit" => config.time_limit = Duration::from_secs(number(&arg, value(&arg)?)?),
            "--only" => config.only = Some(number(&arg, value(&arg)?)?),
            "--bin-dir" => config.bin_dir = value(&arg)?.into(),
            "--template" => config.template = value(&arg)?.into(),
            "--quiet" => config.verbose = false,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match soak::run(&config).await {
        Ok(report) => {
            println!("{report}");
            if report.violations.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("soak: {error}");
            ExitCode::from(2)
        }
    }
}
