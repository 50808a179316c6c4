//! The findings as text: one line each, a fix under each problem, and a
//! last line that says whether anything needs fixing.

use crate::diagnose::{Finding, Verdict, healthy};
use std::fmt::Write;

pub fn render(findings: &[Finding]) -> String {
    let mut text = String::new();
    for finding in findings {
        let mark = match finding.verdict {
            Verdict::Ok => "ok     ",
            Verdict::Note => "note   ",
            Verdict::Problem => "PROBLEM",
        };
        let _ = writeln!(text, "{mark}  {:<11} {}", finding.subject, finding.text);
        if let Some(fix) = &finding.fix {
            let _ = writeln!(text, "{:<21}fix: {fix}", "");
        }
    }
    let problems = findings
        .iter()
        .filter(|f| f.verdict == Verdict::Problem)
        .count();
    if healthy(findings) {
        let _ = writeln!(text, "\nhealthy: nothing to fix");
    } else {
        let _ = writeln!(
            text,
            "\n{problems} problem{} to fix (above, each with its fix)",
            if problems == 1 { "" } else { "s" }
        );
    }
    text
}
