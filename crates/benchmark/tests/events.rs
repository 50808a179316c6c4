//! The benchmark's events stay valid: one cold start of every function (the
//! dev binaries next to the benchmark's) must answer SUCCESS over https.
//! Its figures are not checked: a benchmark prints them, tests don't time.

use std::path::Path;
use std::process::Command;

#[test]
fn every_function_answers_the_benchmarks_event() {
    let benchmark = Path::new(env!("CARGO_BIN_EXE_benchmark"));
    let bin_dir = benchmark.parent().expect("the benchmark's directory");
    let output = Command::new(benchmark)
        .args(["--runs", "1", "--bin-dir"])
        .arg(bin_dir)
        .args(["--sam-build-dir", "/nonexistent"])
        // Zipping seven dev binaries of 35 to 46 MiB was most of this test's
        // CPU; sizes are the benchmark's business.
        .arg("--no-zip")
        .output()
        .expect("run the benchmark");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The benchmark stops at the first function that does not answer
    // SUCCESS; a finished run has a row for each.
    let rows = stdout
        .lines()
        .take_while(|line| !line.is_empty())
        .filter(|line| line.starts_with("| `"))
        .count();
    assert_eq!(rows, 7, "{stdout}");
}
