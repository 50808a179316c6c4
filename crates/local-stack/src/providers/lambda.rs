//! Lambda functions: a function's binary registered with a local Lambda
//! Runtime API host (started on first use), and its environment as Lambda
//! sets it.

use super::{
    Created, NotEmulated, Pending, ProviderError, Providers, Resource, ResourceProvider, Support,
    generated_name, text,
};
use local_aws::runtime_api::{FunctionHost, FunctionSpec};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

pub(super) const PROVIDERS: &[&dyn ResourceProvider] = &[
    &ServerlessFunction,
    &NotEmulated {
        resource_type: "AWS::Lambda::Permission",
        why: "the local Lambda host has no resource-based policies; Cognito's triggers run without one",
    },
];

/// A registered function; its host starts on the first invocation.
pub(super) struct Function {
    pub(super) spec: FunctionSpec,
    pub(super) timeout: Duration,
    pub(super) host: tokio::sync::OnceCell<FunctionHost>,
}

/// `AWS::Serverless::Function`: registered, never deployed anywhere, so
/// there is nothing to delete.
struct ServerlessFunction;

impl ResourceProvider for ServerlessFunction {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::Serverless::Function"
    }

    fn support(&self) -> Support {
        Support::Function
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        metadata: &'a Value,
    ) -> Pending<'a, Created> {
        let registered = providers.register_function(resource.logical_id, props, metadata, None);
        Box::pin(async move { registered })
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        physical_id: &'a str,
        _old: &'a Value,
        new: &'a Value,
        metadata: &'a Value,
    ) -> Pending<'a, Created> {
        let registered =
            providers.register_function(resource.logical_id, new, metadata, Some(physical_id));
        Box::pin(async move { registered })
    }

    fn delete<'a>(
        &'a self,
        _providers: &'a Providers,
        _resource: Resource<'a>,
        _physical_id: &'a str,
        _props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move { Ok(None) })
    }
}

/// Keys Lambda reserves for itself: a function that sets one is refused.
const RESERVED_ENV: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT",
];

/// A function's `Environment.Variables` (resolved, Globals merged), as
/// Lambda hands them to the process: scalars as strings; reserved keys and
/// values that are not scalars are refused, as Lambda refuses them.
pub fn function_environment(
    logical_id: &str,
    props: &Value,
) -> Result<Vec<(String, String)>, ProviderError> {
    let variables = match &props["Environment"]["Variables"] {
        Value::Null => return Ok(Vec::new()),
        Value::Object(variables) => variables,
        _ => {
            return Err(ProviderError::Invalid(format!(
                "{logical_id}: Environment.Variables must be a mapping"
            )));
        }
    };
    let reserved: Vec<&str> = variables
        .keys()
        .map(String::as_str)
        .filter(|key| RESERVED_ENV.contains(key))
        .collect();
    if !reserved.is_empty() {
        return Err(ProviderError::Invalid(format!(
            "{logical_id}: Lambda was unable to configure your environment variables because the \
             environment variables you have provided contains reserved keys that are currently \
             not supported for modification. Reserved keys used in this request: {}",
            reserved.join(", ")
        )));
    }
    variables
        .iter()
        .map(|(key, value)| match value {
            Value::String(text) => Ok((key.clone(), text.clone())),
            Value::Number(_) | Value::Bool(_) => Ok((key.clone(), value.to_string())),
            other => Err(ProviderError::Invalid(format!(
                "{logical_id}: Environment.Variables.{key} must be a string, got {other}"
            ))),
        })
        .collect()
}

impl Providers {
    /// Registers a function (also when a stack is loaded from its state).
    pub fn register_function(
        &self,
        logical_id: &str,
        props: &Value,
        metadata: &Value,
        function_name: Option<&str>,
    ) -> Result<Created, ProviderError> {
        let binary = metadata["BuildProperties"]["Binary"]
            .as_str()
            .ok_or_else(|| {
                ProviderError::Invalid(format!(
                    "{logical_id}: Metadata.BuildProperties.Binary names no binary"
                ))
            })?;
        // Absolute: the host runs the bootstrap in its own directory.
        let path = std::path::absolute(self.bin_dir.join(binary))
            .unwrap_or_else(|_| self.bin_dir.join(binary));
        if !path.is_file() {
            return Err(ProviderError::Invalid(format!(
                "the function binary {} does not exist; build it with `cargo build --workspace --bins` or pass --bin-dir",
                path.display()
            )));
        }
        let name = match function_name.or(props["FunctionName"].as_str()) {
            Some(name) => name.to_owned(),
            None => generated_name(&self.stack.name, logical_id, 64),
        };
        let arn = format!(
            "arn:aws:lambda:{}:{}:function:{name}",
            local_aws::REGION,
            local_aws::ACCOUNT_ID
        );
        let endpoints = self
            .faults
            .as_ref()
            .map_or_else(|| self.aws.endpoints(), |faults| &faults.function_endpoints);
        // The template's variables (Globals merged), as Lambda sets them;
        // then the local switches, which point the SDKs at the emulators.
        let mut env = function_environment(logical_id, props)?;
        let local: [(String, String); 6] = [
            ("CFN_RESPONSE_ALLOW_HTTP".into(), "true".into()),
            (
                "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER".into(),
                endpoints.moto.clone(),
            ),
            ("AWS_ENDPOINT_URL_SSM".into(), endpoints.moto.clone()),
            // The OIDC client secret (Custom::PrivateWorkforce reads it).
            (
                "AWS_ENDPOINT_URL_SECRETS_MANAGER".into(),
                endpoints.moto.clone(),
            ),
            (
                "AWS_ENDPOINT_URL_SAGEMAKER".into(),
                endpoints.sagemaker.clone(),
            ),
            ("AWS_LAMBDA_LOG_FORMAT".into(), "JSON".into()),
        ];
        env.extend(local);
        let spec = FunctionSpec {
            binary: path,
            function_name: name.clone(),
            memory_mb: props["MemorySize"]
                .as_u64()
                .and_then(|m| u32::try_from(m).ok())
                .unwrap_or(128),
            env,
        };
        let mut timeout = Duration::from_secs(text(props, "Timeout").parse().unwrap_or(3));
        if let Some(cap) = self.faults.as_ref().and_then(|f| f.max_function_timeout) {
            timeout = timeout.min(cap);
        }
        let function = Function {
            spec,
            timeout,
            host: tokio::sync::OnceCell::new(),
        };
        self.functions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(arn.clone(), Arc::new(function));
        Ok(Created::new(name).with("Arn", arn).noted(format!(
            "runs target binary {binary} through the local Lambda Runtime API"
        )))
    }

    /// Keeps the function's log next to the stack's state, when asked to.
    pub(super) fn save_logs(&self, function: &Function, host: &FunctionHost) {
        if let Some(dir) = &self.log_dir {
            // Best effort: the logs are a convenience, the run goes on without them.
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::write(
                dir.join(format!("{}.log", function.spec.function_name)),
                host.logs(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn functions_get_their_environment_as_lambda_sets_it() {
        let props = json!({"Environment": {"Variables": {
            "CFN_STACK_ID": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
            "RETRIES": 3,
            "ON": true
        }}});
        let mut env = function_environment("Fn", &props).unwrap();
        env.sort();
        assert_eq!(
            env,
            [
                (
                    "CFN_STACK_ID".to_owned(),
                    "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1".to_owned()
                ),
                ("ON".to_owned(), "true".to_owned()),
                ("RETRIES".to_owned(), "3".to_owned()),
            ]
        );
        assert!(function_environment("Fn", &json!({})).unwrap().is_empty());

        let reserved = json!({"Environment": {"Variables": {"AWS_REGION": "x", "A": "b"}}});
        let error = function_environment("Fn", &reserved)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("Reserved keys") && error.contains("AWS_REGION"),
            "{error}"
        );
        let unresolved = json!({"Environment": {"Variables": {"A": {"Ref": "X"}}}});
        let error = function_environment("Fn", &unresolved)
            .unwrap_err()
            .to_string();
        assert!(error.contains("Environment.Variables.A"), "{error}");
    }
}
