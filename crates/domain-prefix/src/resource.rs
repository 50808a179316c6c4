//! The SSM calls of `Custom::DomainPrefix`: read the stored prefix, store
//! the decided one unless someone else was first, delete the parameter
//! when told to.

use crate::decide::{Decision, decision, generate_prefix, outcome, random_suffix};
use crate::{DomainPrefixError, DomainPrefixProperties};
use aws_rules::aws_detail;
use aws_sdk_ssm::types::ParameterType;
use custom_resource::{Context, CustomResource, Outcome};

/// The resource, holding the SSM client built once in `main`.
pub struct DomainPrefix {
    ssm: aws_sdk_ssm::Client,
}

impl DomainPrefix {
    pub fn new(ssm: aws_sdk_ssm::Client) -> Self {
        Self { ssm }
    }

    /// The stored prefix, `None` when the parameter does not exist.
    async fn read(&self, parameter: &str) -> Result<Option<String>, DomainPrefixError> {
        match self.ssm.get_parameter().name(parameter).send().await {
            Ok(output) => output
                .parameter()
                .and_then(|p| p.value())
                .map(|value| Some(value.to_owned()))
                .ok_or_else(|| DomainPrefixError::NoValue {
                    parameter: parameter.to_owned(),
                }),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_parameter_not_found()) =>
            {
                Ok(None)
            }
            Err(error) => Err(DomainPrefixError::Read {
                parameter: parameter.to_owned(),
                detail: aws_detail(&error),
            }),
        }
    }

    /// Stores `prefix` unless the parameter exists. `Ok(false)`: someone
    /// else stored one first (a concurrent or duplicated invocation).
    async fn store(&self, parameter: &str, prefix: &str) -> Result<bool, DomainPrefixError> {
        let put = self
            .ssm
            .put_parameter()
            .name(parameter)
            .value(prefix)
            .r#type(ParameterType::String)
            .overwrite(false)
            .description("Cognito domain prefix, kept across deployments by Custom::DomainPrefix")
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_parameter_already_exists()) =>
            {
                Ok(false)
            }
            Err(error) => Err(DomainPrefixError::Write {
                parameter: parameter.to_owned(),
                detail: aws_detail(&error),
            }),
        }
    }

    /// Create and Update alike: resolve under the current ParameterName.
    async fn resolve(
        &self,
        context: &Context,
        properties: &DomainPrefixProperties,
    ) -> Result<Outcome, DomainPrefixError> {
        let parameter = properties.parameter_name.as_str();
        let wanted = properties.wanted_prefix();
        let stack_name = context.stack_name().unwrap_or_default();
        let generate = || generate_prefix(stack_name, random_suffix);
        let stored = self.read(parameter).await?;
        match decision(parameter, stored.as_deref(), wanted, generate)? {
            Decision::UseStored(prefix) => {
                tracing::info!(parameter, prefix, "using the stored domain prefix");
                Ok(outcome(parameter, &prefix))
            }
            Decision::Store(prefix) => {
                if self.store(parameter, &prefix).await? {
                    context.claim_physical_id(parameter);
                    tracing::info!(
                        parameter,
                        prefix,
                        generated = wanted.is_none(),
                        "stored the domain prefix"
                    );
                    return Ok(outcome(parameter, &prefix));
                }
                // Lost a race: whatever won is now the stored value and wins.
                let Some(stored) = self.read(parameter).await? else {
                    return Err(DomainPrefixError::Vanished {
                        parameter: parameter.to_owned(),
                    });
                };
                tracing::info!(
                    parameter,
                    prefix = stored,
                    "another writer stored the prefix first; using it"
                );
                match decision(parameter, Some(&stored), wanted, generate)? {
                    Decision::UseStored(prefix) | Decision::Store(prefix) => {
                        Ok(outcome(parameter, &prefix))
                    }
                }
            }
        }
    }
}

impl CustomResource for DomainPrefix {
    type Properties = DomainPrefixProperties;
    type Error = DomainPrefixError;

    async fn create(
        &self,
        context: &Context,
        properties: DomainPrefixProperties,
    ) -> Result<Outcome, DomainPrefixError> {
        self.resolve(context, &properties).await
    }

    /// A new ParameterName gives a new physical id; CloudFormation then
    /// deletes the old one, which honours the old RetainParameter.
    async fn update(
        &self,
        context: &Context,
        physical_resource_id: &str,
        properties: DomainPrefixProperties,
        _old: Option<DomainPrefixProperties>,
    ) -> Result<Outcome, DomainPrefixError> {
        if physical_resource_id != properties.parameter_name {
            tracing::info!(
                old = physical_resource_id,
                new = properties.parameter_name,
                "ParameterName changed: the prefix is resolved under the new name"
            );
        }
        self.resolve(context, &properties).await
    }

    async fn delete(
        &self,
        _context: &Context,
        physical_resource_id: &str,
        properties: DomainPrefixProperties,
    ) -> Result<(), DomainPrefixError> {
        if properties.retains_parameter() {
            tracing::info!(
                parameter = physical_resource_id,
                "RetainParameter is not \"false\": parameter kept"
            );
            return Ok(());
        }
        match self
            .ssm
            .delete_parameter()
            .name(physical_resource_id)
            .send()
            .await
        {
            Ok(_) => {
                tracing::info!(parameter = physical_resource_id, "parameter deleted");
                Ok(())
            }
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_parameter_not_found()) =>
            {
                tracing::info!(parameter = physical_resource_id, "parameter already gone");
                Ok(())
            }
            Err(error) => Err(DomainPrefixError::Delete {
                parameter: physical_resource_id.to_owned(),
                detail: aws_detail(&error),
            }),
        }
    }

    /// Only the parameter these properties name is ours to delete.
    fn issued(&self, physical_resource_id: &str, properties: &DomainPrefixProperties) -> bool {
        physical_resource_id == properties.parameter_name
    }
}
