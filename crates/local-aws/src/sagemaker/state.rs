//! What the emulator remembers, per region, and its lazy clock.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::server::EmulatorOptions;
use super::workforce::{Phase, Workforce};
use super::workteam::Workteam;

pub(super) struct Shared {
    pub(super) options: EmulatorOptions,
    pub(super) state: Mutex<EmulatorState>,
    /// Cognito's clients, one per region, kept: a client built per
    /// CreateWorkforce loaded its configuration and root certificates and
    /// opened its connection inside the caller's time, each time.
    pub(super) cognito_clients: Mutex<BTreeMap<String, aws_sdk_cognitoidentityprovider::Client>>,
}

impl Shared {
    /// The Cognito client for `region`, on the endpoint the options name.
    pub(super) async fn cognito_client(
        &self,
        endpoint: &str,
        region: &str,
    ) -> aws_sdk_cognitoidentityprovider::Client {
        let cached = self.clients().get(region).cloned();
        if let Some(client) = cached {
            return client;
        }
        let client = aws_sdk_cognitoidentityprovider::Client::new(
            &crate::sdk_config(endpoint, region).await,
        );
        self.clients()
            .entry(region.to_owned())
            .or_insert(client)
            .clone()
    }

    fn clients(&self) -> MutexGuard<'_, BTreeMap<String, aws_sdk_cognitoidentityprovider::Client>> {
        self.cognito_clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, EmulatorState> {
        // A panic elsewhere leaves consistent data (every change is one
        // assignment), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Default)]
pub(super) struct EmulatorState {
    pub(super) regions: BTreeMap<String, RegionState>,
    pub(super) calls: Vec<String>,
    pub(super) throttle: u32,
    pub(super) never_settle: bool,
    pub(super) fail_next: Option<String>,
}

#[derive(Default)]
pub(super) struct RegionState {
    pub(super) workforces: BTreeMap<String, Workforce>,
    pub(super) workteams: BTreeMap<String, Workteam>,
}

impl EmulatorState {
    /// Applies every transition whose time has come (the lazy clock).
    pub(super) fn advance(&mut self, options: &EmulatorOptions, now: Instant) {
        let never_settle = self.never_settle;
        for region in self.regions.values_mut() {
            region
                .workforces
                .retain(|_, workforce| match &workforce.phase {
                    Phase::Deleting { since } => now.duration_since(*since) < options.delete_after,
                    _ => true,
                });
            for workforce in region.workforces.values_mut() {
                workforce.settle(options.settle_after, never_settle, now);
            }
        }
    }

    pub(super) fn region(&mut self, region: &str) -> &mut RegionState {
        self.regions.entry(region.to_owned()).or_default()
    }
}

/// A timestamp as awsJson1_1 sends it: seconds since the epoch.
pub(super) fn epoch_seconds(time: SystemTime) -> f64 {
    let millis = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    millis as f64 / 1000.0
}
