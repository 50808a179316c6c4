//! JSON log lines, whatever `AWS_LAMBDA_LOG_FORMAT` says.

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Targets capped at INFO whatever level is asked for: `lambda_runtime` logs
/// the raw event at TRACE, and the event holds the presigned ResponseURL; the
/// HTTP stacks log URLs at DEBUG/TRACE.
const CAPPED_TARGETS: [&str; 6] = [
    "lambda_runtime",
    "lambda_runtime_api_client",
    "aws_smithy_http_client",
    "hyper",
    "hyper_util",
    "aws_smithy_runtime",
];

/// The level asked for in the environment: Lambda's own knob first (it also
/// drives level filtering for JSON logs), then RUST_LOG, then INFO. Release
/// builds (the bootstraps) have DEBUG and TRACE compiled out (workspace
/// Cargo.toml), so there a finer level logs what INFO does.
fn asked_level() -> String {
    std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_owned())
}

/// `asked` as `target=level` directives like `RUST_LOG` (the plain target
/// filter: no span or field filters, no regex engine linked; a malformed
/// directive makes it INFO), with [`CAPPED_TARGETS`] added last, so they replace any
/// directive the user gave for the same target.
fn filter(asked: &str) -> Targets {
    let asked = asked
        .to_lowercase()
        .parse::<Targets>()
        .unwrap_or_else(|_| Targets::new().with_default(Level::INFO));
    asked.with_targets(CAPPED_TARGETS.map(|target| (target, Level::INFO)))
}

/// Installs the JSON subscriber and a panic hook that logs panics as JSON too.
/// Called by [`crate::run`]; safe to call more than once.
pub fn init() {
    let installed = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_target(true)
        .with_writer(std::io::stdout)
        .finish()
        .with(filter(&asked_level()))
        .try_init()
        .is_ok();
    if installed {
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|at| format!("{}:{}", at.file(), at.line()))
                .unwrap_or_default();
            tracing::error!(panic = %panic_message(info.payload()), %location, "panic");
        }));
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asked_level_applies_except_to_the_capped_targets() {
        for asked in ["TRACE", "trace", "debug,lambda_runtime=trace,hyper=trace"] {
            let filter = filter(asked);
            assert!(filter.would_enable("custom_resource::handler", &Level::DEBUG));
            for target in CAPPED_TARGETS {
                assert!(
                    filter.would_enable(target, &Level::INFO),
                    "{asked}: {target}"
                );
                assert!(
                    !filter.would_enable(target, &Level::DEBUG),
                    "{asked}: {target}"
                );
                assert!(
                    !filter.would_enable(target, &Level::TRACE),
                    "{asked}: {target}"
                );
            }
        }
    }

    #[test]
    fn a_malformed_directive_is_info() {
        let filter = filter("custom_resource=loud");
        assert!(filter.would_enable("custom_resource", &Level::INFO));
        assert!(!filter.would_enable("custom_resource", &Level::DEBUG));
        assert!(!filter.would_enable("lambda_runtime", &Level::DEBUG));
    }
}
