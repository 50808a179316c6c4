//! Hooks through which a caller (the soak) injects faults into a run: what
//! befalls each custom-resource event between CloudFormation, Lambda and the
//! ResponseURL, and where the functions' AWS calls go (a fault proxy in front
//! of the emulators). local-stack's own calls stand for CloudFormation's and
//! always reach the emulators.

use crate::aws::Endpoints;
use local_aws::sink::RecordedPut;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Kills the function process handling the current event, as a crashed
/// execution environment.
pub type Crash = Arc<dyn Fn() + Send + Sync>;

/// What befalls one custom-resource event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// The ResponseURL answers the event's response PUTs with these
    /// statuses first (e.g. 503, 500), then accepts; 403 refuses for good
    /// (an expired presigned URL).
    pub response_statuses: Vec<u16>,
    /// Lambda delivers the event a second time once the first delivery
    /// ended (its at-least-once delivery of asynchronous invocations).
    pub duplicate: bool,
    /// This event's deliveries get a deadline shorter than the function's
    /// Timeout: a fault (a workforce held past the deadline) that should
    /// cost seconds, not the deadline every other event gets.
    pub timeout: Option<Duration>,
}

/// Decides what befalls each event.
pub trait EventFaults: Send + Sync {
    /// Called once per event, before it is delivered; `crash` kills the
    /// function handling it (e.g. from a fault proxy, mid-call).
    fn deliver(&self, event: &Value, crash: Crash) -> Delivery;

    /// Called once per event, after its last delivery ended, with every
    /// response PUT the ResponseURL received for it (refused ones too).
    fn delivered(&self, _event: &Value, _responses: &[RecordedPut]) {}
}

/// The fault hooks of a run.
#[derive(Clone)]
pub struct Faults {
    pub events: Arc<dyn EventFaults>,
    /// Where the functions' AWS calls go.
    pub function_endpoints: Endpoints,
    /// Every function's Timeout is capped at this, so that an event that
    /// runs to its deadline costs seconds instead of fifteen minutes.
    pub max_function_timeout: Option<Duration>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults")
            .field("function_endpoints", &self.function_endpoints)
            .field("max_function_timeout", &self.max_function_timeout)
            .finish_non_exhaustive()
    }
}
