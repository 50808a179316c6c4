//! Custom resources (`Custom::*`, `AWS::CloudFormation::CustomResource`):
//! genuine CloudFormation events sent to the function behind ServiceToken
//! through its Runtime API host, answered by the function's response PUT.

use super::{
    Created, Pending, ProviderError, Providers, Resource, ResourceProvider, Support, text,
};
use crate::faults::{Crash, Delivery};
use local_aws::runtime_api::{FunctionHost, Invocation, Outcome};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Duration;

/// How often Lambda retries a failed asynchronous invocation by default
/// (`MaximumRetryAttempts`).
const LAMBDA_ASYNC_RETRIES: usize = 2;

pub(super) const PROVIDERS: &[&dyn ResourceProvider] = &[&CustomResource];

/// Every custom resource type: the function decides what they mean.
struct CustomResource;

impl ResourceProvider for CustomResource {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::CloudFormation::CustomResource"
            || resource_type.starts_with("Custom::")
    }

    fn support(&self) -> Support {
        Support::Custom
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let (physical_id, data) = providers
                .invoke(
                    "Create",
                    resource.logical_id,
                    resource.resource_type,
                    None,
                    props,
                    None,
                )
                .await?;
            Ok(Created {
                physical_id,
                attributes: data,
                note: None,
            })
        })
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        physical_id: &'a str,
        old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let (physical_id, data) = providers
                .invoke(
                    "Update",
                    resource.logical_id,
                    resource.resource_type,
                    Some(physical_id),
                    new,
                    Some(old),
                )
                .await?;
            Ok(Created {
                physical_id,
                attributes: data,
                note: None,
            })
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers
                .invoke(
                    "Delete",
                    resource.logical_id,
                    resource.resource_type,
                    Some(physical_id),
                    props,
                    None,
                )
                .await?;
            Ok(None)
        })
    }
}

/// Invokes the function with `event` as Lambda delivers an asynchronous
/// invocation: one whose environment crashed is retried, twice by default
/// (Lambda also retries timeouts and errors, after minutes; locally only a
/// crash, which costs nothing, is).
async fn deliver(host: &FunctionHost, event: &Value, timeout: Duration) -> Invocation {
    let mut invocation = host.invoke(event.clone(), timeout).await;
    for _ in 0..LAMBDA_ASYNC_RETRIES {
        if !matches!(invocation.outcome, Outcome::Crashed { .. }) {
            break;
        }
        invocation = host.invoke(event.clone(), timeout).await;
    }
    invocation
}

/// CloudFormation hands custom resources every scalar as a string.
pub fn stringify(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(stringify).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), stringify(v))).collect())
        }
        other => other.clone(),
    }
}

impl Providers {
    /// Sends a CloudFormation event to the function behind ServiceToken and
    /// waits for its response PUT: `(PhysicalResourceId, Data)`.
    async fn invoke(
        &self,
        request_type: &str,
        logical_id: &str,
        resource_type: &str,
        physical_id: Option<&str>,
        props: &Value,
        old: Option<&Value>,
    ) -> Result<(String, Map<String, Value>), ProviderError> {
        let failed = |reason: String| ProviderError::Failed {
            reason,
            physical_id: physical_id.map(str::to_owned),
        };
        let token = text(props, "ServiceToken");
        let function = self
            .functions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&token)
            .cloned()
            .ok_or_else(|| {
                failed(format!(
                    "ServiceToken {token:?} is not a function of this stack"
                ))
            })?;
        let request_id = local_aws::harness::new_request_id();
        let mut event = json!({
            "RequestType": request_type,
            "ServiceToken": token,
            "ResponseURL": self.sink.presigned_url(&request_id),
            "StackId": self.stack.id,
            "RequestId": request_id,
            "LogicalResourceId": logical_id,
            "ResourceType": resource_type,
            "ResourceProperties": stringify(props),
        });
        if let Some(physical_id) = physical_id {
            event["PhysicalResourceId"] = Value::String(physical_id.to_owned());
        }
        if let Some(old) = old {
            event["OldResourceProperties"] = stringify(old);
        }
        let host = function
            .host
            .get_or_try_init(|| FunctionHost::start(function.spec.clone()))
            .await
            .map_err(|e| {
                failed(format!(
                    "could not start {}: {e}",
                    function.spec.binary.display()
                ))
            })?;
        self.sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(event.clone());
        let delivery = match &self.faults {
            Some(faults) => {
                let crashing = Arc::clone(&function);
                let crash: Crash = Arc::new(move || {
                    if let Some(host) = crashing.host.get() {
                        host.crash();
                    }
                });
                faults.events.deliver(&event, crash)
            }
            None => Delivery::default(),
        };
        if !delivery.response_statuses.is_empty() {
            self.sink
                .script_for(&request_id, delivery.response_statuses.iter().copied());
        }
        let timeout = delivery
            .timeout
            .map_or(function.timeout, |t| t.min(function.timeout));
        let invocation = deliver(host, &event, timeout).await;
        if delivery.duplicate {
            // The second delivery's answer is recorded by the sink; the
            // first accepted response is the one CloudFormation acts on.
            deliver(host, &event, timeout).await;
        }
        if let Some(faults) = &self.faults {
            faults
                .events
                .delivered(&event, &self.sink.puts_for(&request_id));
        }
        self.save_logs(&function, host);
        let service_timeout = text(props, "ServiceTimeout").parse().unwrap_or(3600u64);
        // The function PUTs before it returns; a short grace covers a PUT
        // still in flight. A function that never answers fails the resource
        // at once instead of after ServiceTimeout, which locally is only slow.
        let grace = Duration::from_secs(service_timeout.min(2));
        let Some(put) = self.sink.wait_for_accepted(&request_id, grace).await else {
            let outcome = match invocation.outcome {
                Outcome::Response(_) => "returned without sending a response".to_owned(),
                Outcome::Error(error) => format!("failed: {error}"),
                Outcome::TimedOut => format!("timed out after {timeout:?}"),
                Outcome::Crashed { status } => format!("crashed (exit status {status:?})"),
            };
            return Err(ProviderError::Failed {
                reason: format!(
                    "CloudFormation did not receive a response from your Custom Resource: the function {outcome}. See the log of {}",
                    function.spec.function_name
                ),
                // A Create it got no answer to gets an id CloudFormation
                // makes up, and the rollback's Delete carries it
                // (docs/AWS-NOTES.md §4): the function may have created
                // something before its answer was lost.
                physical_id: physical_id
                    .map(str::to_owned)
                    .or_else(|| Some(super::generated_name(&self.stack.name, logical_id, 128))),
            });
        };
        let response = put.json();
        let physical = response["PhysicalResourceId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if response["Status"] == "SUCCESS" {
            let data = response["Data"].as_object().cloned().unwrap_or_default();
            return Ok((physical, data));
        }
        Err(ProviderError::Failed {
            reason: format!(
                "Received response status [FAILED] from custom resource. Message returned: {}",
                response["Reason"].as_str().unwrap_or("(no reason)")
            ),
            physical_id: Some(physical)
                .filter(|p| !p.is_empty())
                .or(physical_id.map(str::to_owned)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_resources_get_strings() {
        assert_eq!(
            stringify(&json!({"A": 1, "B": [true, "x"], "C": {"D": 2.5}})),
            json!({"A": "1", "B": ["true", "x"], "C": {"D": "2.5"}})
        );
    }
}
