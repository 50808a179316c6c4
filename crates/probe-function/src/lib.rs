//! A custom resource that does whatever its `Mode` property asks: succeed,
//! fail, panic, run past the deadline, return oversized Data. It exists only
//! so that tests can drive a real bootstrap built on the protocol crate with
//! hostile behaviour and check every promise of the contract from outside.

use custom_resource::{Context, CustomResource, InvalidProperty, Outcome, Properties, cfn};
use serde::Deserialize;
use std::time::Duration;

/// Prefix of every PhysicalResourceId the probe issues.
pub const ID_PREFIX: &str = "probe-";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Answer SUCCESS with the properties echoed in Data.
    Succeed,
    /// Return an error.
    Fail,
    /// Panic inside the resource code.
    Panic,
    /// Sleep `SleepSeconds`, then succeed.
    Sleep,
    /// Return Data larger than CloudFormation accepts.
    BigData,
    /// Claim a physical id as if something was created, then fail.
    ClaimThenFail,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ProbeProperties {
    pub mode: Mode,
    #[serde(default, deserialize_with = "cfn::opt_u64")]
    pub sleep_seconds: Option<u64>,
    #[serde(default, deserialize_with = "cfn::opt_bool")]
    pub flag: Option<bool>,
    #[serde(default, deserialize_with = "cfn::opt_u64")]
    pub count: Option<u64>,
    #[serde(default, deserialize_with = "cfn::string_list")]
    pub names: Vec<String>,
}

impl Properties for ProbeProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        match self.count {
            Some(count) if count > 100 => Err(InvalidProperty::new(
                "Count",
                format!("must be at most 100, got {count}"),
            )),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("the probe was asked to fail (Mode fail)")]
    AskedToFail,
}

pub struct Probe;

impl Probe {
    async fn act(
        &self,
        context: &Context,
        properties: &ProbeProperties,
    ) -> Result<Outcome, ProbeError> {
        let id = format!("{ID_PREFIX}{}", context.logical_resource_id);
        tracing::info!(mode = ?properties.mode, "probe acting");
        match properties.mode {
            Mode::Succeed => {}
            Mode::Fail => return Err(ProbeError::AskedToFail),
            Mode::Panic => panic!("the probe was asked to panic"),
            Mode::Sleep => {
                tokio::time::sleep(Duration::from_secs(
                    properties.sleep_seconds.unwrap_or(3600),
                ))
                .await;
            }
            Mode::BigData => return Ok(Outcome::new(id).with("Big", "x".repeat(5000))),
            Mode::ClaimThenFail => {
                context.claim_physical_id(format!("{id}-claimed"));
                return Err(ProbeError::AskedToFail);
            }
        }
        let mut outcome = Outcome::new(id);
        if let Some(flag) = properties.flag {
            outcome = outcome.with("Flag", flag.to_string());
        }
        if let Some(count) = properties.count {
            outcome = outcome.with("Count", count.to_string());
        }
        Ok(outcome.with("Names", properties.names.join(",")))
    }
}

impl CustomResource for Probe {
    type Properties = ProbeProperties;
    type Error = ProbeError;

    async fn create(
        &self,
        context: &Context,
        properties: ProbeProperties,
    ) -> Result<Outcome, ProbeError> {
        self.act(context, &properties).await
    }

    async fn update(
        &self,
        context: &Context,
        _physical_resource_id: &str,
        properties: ProbeProperties,
        _old_properties: Option<ProbeProperties>,
    ) -> Result<Outcome, ProbeError> {
        self.act(context, &properties).await
    }

    async fn delete(
        &self,
        context: &Context,
        _physical_resource_id: &str,
        properties: ProbeProperties,
    ) -> Result<(), ProbeError> {
        self.act(context, &properties).await.map(|_| ())
    }

    fn issued(&self, physical_resource_id: &str, _properties: &ProbeProperties) -> bool {
        physical_resource_id.starts_with(ID_PREFIX)
    }
}
