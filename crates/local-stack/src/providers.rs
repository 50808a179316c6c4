//! What creating, updating and deleting each resource type means on the
//! local emulators. Native types go to moto or the SageMaker emulator
//! (crate::aws); `AWS::Serverless::Function` registers the function's
//! binary with a Lambda Runtime API host; custom resources invoke that host
//! with genuine CloudFormation events and wait for the response PUT.

use crate::aws::{self, AwsError, COGNITO, LOGS, SAGEMAKER, WAFV2};
use local_aws::runtime_api::{FunctionHost, FunctionSpec, Outcome};
use local_aws::sink::ResponseSink;
use local_aws::triggers::{self, SentEmail};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How local-stack handles a resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Native,
    Function,
    Custom,
    /// Accepted, reported as not emulated, nothing created.
    NotEmulated(&'static str),
    Unsupported,
}

/// The properties each native type understands; anything else is refused
/// by name (moto would ignore it silently).
const NATIVE: &[(&str, &[&str])] = &[
    (
        "AWS::Cognito::UserPool",
        &[
            "UserPoolName",
            "UserPoolTier",
            "DeletionProtection",
            "AdminCreateUserConfig",
            "UsernameConfiguration",
            "UsernameAttributes",
            "AliasAttributes",
            "Schema",
            "AutoVerifiedAttributes",
            "UserAttributeUpdateSettings",
            "AccountRecoverySetting",
            "MfaConfiguration",
            "EnabledMfas",
            "Policies",
            "EmailConfiguration",
            "SmsConfiguration",
            "UserPoolAddOns",
            "UserPoolTags",
            "LambdaConfig",
            "DeviceConfiguration",
            "VerificationMessageTemplate",
            "SmsAuthenticationMessage",
            "EmailVerificationMessage",
            "EmailVerificationSubject",
            "SmsVerificationMessage",
        ],
    ),
    (
        "AWS::Cognito::UserPoolClient",
        &[
            "UserPoolId",
            "ClientName",
            "GenerateSecret",
            "AllowedOAuthFlowsUserPoolClient",
            "AllowedOAuthFlows",
            "AllowedOAuthScopes",
            "SupportedIdentityProviders",
            "ExplicitAuthFlows",
            "PreventUserExistenceErrors",
            "EnableTokenRevocation",
            "CallbackURLs",
            "LogoutURLs",
            "DefaultRedirectURI",
            "AccessTokenValidity",
            "IdTokenValidity",
            "RefreshTokenValidity",
            "TokenValidityUnits",
            "ReadAttributes",
            "WriteAttributes",
            "AuthSessionValidity",
            "EnablePropagateAdditionalUserContextData",
        ],
    ),
    (
        "AWS::Cognito::UserPoolDomain",
        &[
            "UserPoolId",
            "Domain",
            "ManagedLoginVersion",
            "CustomDomainConfig",
        ],
    ),
    (
        "AWS::Cognito::UserPoolGroup",
        &[
            "UserPoolId",
            "GroupName",
            "Description",
            "Precedence",
            "RoleArn",
        ],
    ),
    (
        "AWS::Cognito::UserPoolUser",
        &[
            "UserPoolId",
            "Username",
            "UserAttributes",
            "DesiredDeliveryMediums",
            "MessageAction",
            "ForceAliasCreation",
            "ClientMetadata",
            "ValidationData",
        ],
    ),
    (
        "AWS::Cognito::UserPoolUserToGroupAttachment",
        &["UserPoolId", "GroupName", "Username"],
    ),
    (
        "AWS::Logs::LogGroup",
        &["LogGroupName", "RetentionInDays", "KmsKeyId", "Tags"],
    ),
    (
        "AWS::IAM::Role",
        &[
            "RoleName",
            "AssumeRolePolicyDocument",
            "Policies",
            "ManagedPolicyArns",
            "Path",
            "Description",
            "MaxSessionDuration",
        ],
    ),
    (
        "AWS::WAFv2::WebACL",
        &[
            "Name",
            "Scope",
            "DefaultAction",
            "Description",
            "Rules",
            "VisibilityConfig",
            "CustomResponseBodies",
            "Tags",
        ],
    ),
    (
        "AWS::WAFv2::WebACLAssociation",
        &["ResourceArn", "WebACLArn"],
    ),
    (
        "AWS::SageMaker::Workteam",
        &[
            "WorkteamName",
            "WorkforceName",
            "Description",
            "MemberDefinitions",
            "NotificationConfiguration",
            "Tags",
        ],
    ),
    (
        "AWS::IAM::RolePolicy",
        &["RoleName", "PolicyName", "PolicyDocument"],
    ),
];

pub fn support(resource_type: &str) -> Support {
    if NATIVE.iter().any(|(t, _)| *t == resource_type) {
        return Support::Native;
    }
    match resource_type {
        "AWS::Serverless::Function" => Support::Function,
        "AWS::CloudFormation::CustomResource" => Support::Custom,
        "AWS::Cognito::LogDeliveryConfiguration" => {
            Support::NotEmulated("moto has no Cognito log delivery (SetLogDeliveryConfiguration)")
        }
        "AWS::Lambda::Permission" => Support::NotEmulated(
            "the local Lambda host has no resource-based policies; Cognito's triggers run without one",
        ),
        t if t.starts_with("Custom::") => Support::Custom,
        _ => Support::Unsupported,
    }
}

/// Why a resource operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// A custom resource answered FAILED (or not at all).
    #[error("{reason}")]
    Failed {
        reason: String,
        physical_id: Option<String>,
    },
    #[error("{0}")]
    Invalid(String),
}

/// A resource as it now exists.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub physical_id: String,
    pub attributes: Map<String, Value>,
    /// Shown as the event's reason (e.g. what was not emulated).
    pub note: Option<String>,
}

impl Created {
    fn new(physical_id: impl Into<String>) -> Self {
        Self {
            physical_id: physical_id.into(),
            attributes: Map::new(),
            note: None,
        }
    }

    fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.attributes
            .insert(key.to_owned(), Value::String(value.into()));
        self
    }

    fn noted(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The stack's identity, for generated names and events.
#[derive(Debug, Clone)]
pub struct StackInfo {
    pub name: String,
    pub id: String,
}

struct Function {
    spec: FunctionSpec,
    timeout: Duration,
    host: tokio::sync::OnceCell<FunctionHost>,
}

pub struct Providers {
    aws: aws::Client,
    stack: StackInfo,
    bin_dir: PathBuf,
    log_dir: Option<PathBuf>,
    functions: Mutex<BTreeMap<String, Arc<Function>>>,
    sink: ResponseSink,
    /// The events sent to custom resources, for [`Providers::take_sent`].
    sent: Mutex<Vec<Value>>,
}

/// The property that forces a replacement when it changes, if any
/// (CloudFormation's "Update requires: Replacement" for these types).
pub fn replacement_reason(resource_type: &str, old: &Value, new: &Value) -> Option<String> {
    let keys: &[&str] = match resource_type {
        "AWS::Cognito::UserPool" => &[
            "UsernameAttributes",
            "AliasAttributes",
            "UsernameConfiguration",
        ],
        "AWS::Cognito::UserPoolClient" => &["UserPoolId", "GenerateSecret"],
        "AWS::Cognito::UserPoolDomain" => &["UserPoolId", "Domain"],
        "AWS::Cognito::UserPoolGroup" => &["UserPoolId", "GroupName"],
        "AWS::Cognito::UserPoolUser" => NATIVE[4].1,
        "AWS::Cognito::UserPoolUserToGroupAttachment" => NATIVE[5].1,
        "AWS::Logs::LogGroup" => &["LogGroupName", "KmsKeyId"],
        "AWS::IAM::Role" => &["RoleName", "Path"],
        "AWS::IAM::RolePolicy" => &["RoleName", "PolicyName"],
        "AWS::WAFv2::WebACL" => &["Name", "Scope"],
        "AWS::WAFv2::WebACLAssociation" => &["ResourceArn"],
        "AWS::SageMaker::Workteam" => &["WorkteamName", "WorkforceName"],
        _ => &[],
    };
    keys.iter()
        .find(|key| old.get(**key) != new.get(**key))
        .map(|key| {
            format!(
                "Requested update requires the creation of a new physical resource ({key} changed)"
            )
        })
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

fn text(props: &Value, key: &str) -> String {
    match &props[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `body` with only the given keys of `props`, renamed `(from, to)`.
fn pick(props: &Value, keys: &[(&str, &str)]) -> Value {
    let mut body = Map::new();
    for (from, to) in keys {
        if let Some(value) = props.get(*from) {
            body.insert((*to).to_owned(), value.clone());
        }
    }
    Value::Object(body)
}

fn same(keys: &[&'static str]) -> Vec<(&'static str, &'static str)> {
    keys.iter().map(|k| (*k, *k)).collect()
}

fn generated_name(stack: &str, logical_id: &str, max: usize) -> String {
    let suffix: String = (0..12)
        .map(|_| {
            let n: u8 = rand::random::<u8>() % 36;
            (if n < 10 { b'0' + n } else { b'A' + n - 10 }) as char
        })
        .collect();
    let mut base = format!("{stack}-{logical_id}");
    base.truncate(max.saturating_sub(13));
    format!("{base}-{suffix}")
}

impl Providers {
    pub async fn new(
        endpoints: aws::Endpoints,
        stack: StackInfo,
        bin_dir: PathBuf,
        log_dir: Option<PathBuf>,
    ) -> std::io::Result<Self> {
        Ok(Self {
            aws: aws::Client::new(endpoints)?,
            stack,
            bin_dir,
            log_dir,
            functions: Mutex::new(BTreeMap::new()),
            sink: ResponseSink::start().await?,
            sent: Mutex::new(Vec::new()),
        })
    }

    /// The events sent to custom resources since the last call, oldest first.
    pub fn take_sent(&self) -> Vec<Value> {
        std::mem::take(
            &mut *self
                .sent
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    pub fn aws(&self) -> &aws::Client {
        &self.aws
    }

    fn check_properties(resource_type: &str, props: &Value) -> Result<(), ProviderError> {
        let Some((_, known)) = NATIVE.iter().find(|(t, _)| *t == resource_type) else {
            return Ok(());
        };
        if let Some(key) = props
            .as_object()
            .into_iter()
            .flat_map(Map::keys)
            .find(|k| !known.contains(&k.as_str()))
        {
            return Err(ProviderError::Invalid(format!(
                "property {key} of {resource_type} is not supported by local-stack"
            )));
        }
        Ok(())
    }

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
        let endpoints = self.aws.endpoints();
        // The template's variables (Globals merged), as Lambda sets them;
        // then the local switches, which point the SDKs at the emulators.
        let mut env = function_environment(logical_id, props)?;
        let local: [(String, String); 5] = [
            ("CFN_RESPONSE_ALLOW_HTTP".into(), "true".into()),
            (
                "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER".into(),
                endpoints.moto.clone(),
            ),
            ("AWS_ENDPOINT_URL_SSM".into(), endpoints.moto.clone()),
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
        let timeout = Duration::from_secs(text(props, "Timeout").parse().unwrap_or(3));
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

    pub async fn create(
        &self,
        logical_id: &str,
        resource_type: &str,
        props: &Value,
        metadata: &Value,
    ) -> Result<Created, ProviderError> {
        match support(resource_type) {
            Support::Function => self.register_function(logical_id, props, metadata, None),
            Support::Custom => {
                let (physical_id, data) = self
                    .invoke("Create", logical_id, resource_type, None, props, None)
                    .await?;
                Ok(Created {
                    physical_id,
                    attributes: data,
                    note: None,
                })
            }
            Support::NotEmulated(why) => Ok(Created::new(format!("{logical_id}-not-emulated"))
                .noted(format!("NOT EMULATED: {why}; nothing was created"))),
            Support::Unsupported => Err(ProviderError::Invalid(format!(
                "{resource_type} is not supported by local-stack"
            ))),
            Support::Native => {
                Self::check_properties(resource_type, props)?;
                self.create_native(logical_id, resource_type, props).await
            }
        }
    }

    /// Updates in place, or replaces (the caller deletes the old one later).
    pub async fn update(
        &self,
        logical_id: &str,
        resource_type: &str,
        physical_id: &str,
        old: &Value,
        new: &Value,
        metadata: &Value,
    ) -> Result<Created, ProviderError> {
        match support(resource_type) {
            Support::Function => {
                self.register_function(logical_id, new, metadata, Some(physical_id))
            }
            Support::Custom => {
                let (physical_id, data) = self
                    .invoke(
                        "Update",
                        logical_id,
                        resource_type,
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
            }
            Support::NotEmulated(why) => Ok(Created::new(physical_id)
                .noted(format!("NOT EMULATED: {why}; nothing was changed"))),
            Support::Unsupported => Err(ProviderError::Invalid(format!(
                "{resource_type} is not supported by local-stack"
            ))),
            Support::Native => {
                Self::check_properties(resource_type, new)?;
                if let Some(reason) = replacement_reason(resource_type, old, new) {
                    let created = self.create_native(logical_id, resource_type, new).await?;
                    return Ok(created.noted(reason));
                }
                self.update_native(resource_type, physical_id, old, new)
                    .await
            }
        }
    }

    pub async fn delete(
        &self,
        logical_id: &str,
        resource_type: &str,
        physical_id: &str,
        props: &Value,
    ) -> Result<Option<String>, ProviderError> {
        match support(resource_type) {
            Support::Function => Ok(None),
            Support::Custom => {
                self.invoke(
                    "Delete",
                    logical_id,
                    resource_type,
                    Some(physical_id),
                    props,
                    None,
                )
                .await?;
                Ok(None)
            }
            Support::NotEmulated(why) => Ok(Some(format!("NOT EMULATED: {why}"))),
            Support::Unsupported => Ok(None),
            Support::Native => match self.delete_native(resource_type, physical_id, props).await {
                Err(ProviderError::Aws(error)) if error.is_not_found() => {
                    Ok(Some(format!("already gone ({error})")))
                }
                other => other.map(|()| None),
            },
        }
    }

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
        let invocation = host.invoke(event, function.timeout).await;
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
                Outcome::TimedOut => format!("timed out after {:?}", function.timeout),
                Outcome::Crashed { status } => format!("crashed (exit status {status:?})"),
            };
            return Err(failed(format!(
                "CloudFormation did not receive a response from your Custom Resource: the function {outcome}. See the log of {}",
                function.spec.function_name
            )));
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

    fn save_logs(&self, function: &Function, host: &FunctionHost) {
        if let Some(dir) = &self.log_dir {
            // Best effort: the logs are a convenience, the run goes on without them.
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::write(
                dir.join(format!("{}.log", function.spec.function_name)),
                host.logs(),
            );
        }
    }

    /// What Cognito does after AdminCreateUser created `user` with `props`:
    /// the invitation email, through the pool's CustomMessage trigger when
    /// it has one (invoked with Cognito's event, within Cognito's 5 seconds).
    /// `None` when no email is sent. A trigger that fails makes
    /// AdminCreateUser fail: the user is removed again and the error is
    /// Cognito's.
    async fn send_invitation(
        &self,
        props: &Value,
        user: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let by_email = props["DesiredDeliveryMediums"]
            .as_array()
            .is_some_and(|media| media.iter().any(|m| m == "EMAIL"));
        if !by_email || props["MessageAction"] == "SUPPRESS" {
            return Ok(None);
        }
        let pool_id = text(props, "UserPoolId");
        let username = user["Username"].as_str().unwrap_or_default().to_owned();
        let described = self
            .aws
            .json(COGNITO, "DescribeUserPool", json!({"UserPoolId": pool_id}))
            .await?;
        let pool = &described["UserPool"];
        let template = &pool["AdminCreateUserConfig"]["InviteMessageTemplate"];
        let Some(trigger) = pool["LambdaConfig"]["CustomMessage"].as_str() else {
            let sent = SentEmail::from_answer(&Value::Null, template);
            return Ok(Some(sent_record(&sent, None)));
        };
        let refused = |code: &str, message: String| {
            ProviderError::Aws(AwsError {
                service: COGNITO.name,
                operation: "AdminCreateUser".into(),
                code: code.into(),
                message,
            })
        };
        let function = self
            .functions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(trigger)
            .cloned();
        let answer = match function {
            None => Err(refused(
                "NotEmulated",
                format!(
                    "the pool's CustomMessage trigger {trigger} is not a function of this stack; local-stack runs only those"
                ),
            )),
            Some(function) => {
                let mut attributes: Map<String, Value> = user["Attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| Some((a["Name"].as_str()?.to_owned(), a["Value"].clone())))
                    .collect();
                attributes.insert("cognito:user_status".into(), user["UserStatus"].clone());
                let metadata = props["ClientMetadata"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default();
                let event = triggers::custom_message_event(
                    triggers::ADMIN_CREATE_USER,
                    &pool_id,
                    &username,
                    &attributes,
                    &metadata,
                );
                self.run_trigger(&function, event).await.map_err(|message| {
                    refused(
                        "UserLambdaValidationException",
                        format!("CustomMessage failed with error {message}."),
                    )
                })
            }
        };
        match answer {
            Ok(answer) => {
                let sent = SentEmail::from_answer(&answer, template);
                Ok(Some(sent_record(&sent, Some(trigger))))
            }
            Err(error) => {
                // Cognito creates no user when the trigger fails.
                self.aws
                    .json(
                        COGNITO,
                        "AdminDeleteUser",
                        json!({"UserPoolId": pool_id, "Username": username}),
                    )
                    .await?;
                Err(error)
            }
        }
    }

    /// Invokes a trigger the way Cognito does: synchronously, waiting at
    /// most 5 seconds; its answer, or why there is none.
    async fn run_trigger(&self, function: &Function, event: Value) -> Result<Value, String> {
        const COGNITO_WAITS: Duration = Duration::from_secs(5);
        let host = function
            .host
            .get_or_try_init(|| FunctionHost::start(function.spec.clone()))
            .await
            .map_err(|e| format!("could not start {}: {e}", function.spec.binary.display()))?;
        let invocation = host
            .invoke(event, function.timeout.min(COGNITO_WAITS))
            .await;
        self.save_logs(function, host);
        match invocation.outcome {
            Outcome::Response(answer) => Ok(answer),
            Outcome::Error(error) => Err(error["errorMessage"]
                .as_str()
                .map_or_else(|| error.to_string(), str::to_owned)),
            Outcome::TimedOut => Err(format!(
                "the function {} timed out",
                function.spec.function_name
            )),
            Outcome::Crashed { status } => Err(format!(
                "the function {} crashed (exit status {status:?})",
                function.spec.function_name
            )),
        }
    }

    async fn create_native(
        &self,
        logical_id: &str,
        resource_type: &str,
        props: &Value,
    ) -> Result<Created, ProviderError> {
        let aws = &self.aws;
        let stack = &self.stack.name;
        match resource_type {
            "AWS::Cognito::UserPool" => {
                let mut body = props.clone();
                if let Some(map) = body.as_object_mut() {
                    if let Some(name) = map.remove("UserPoolName") {
                        map.insert("PoolName".into(), name);
                    }
                    map.remove("EnabledMfas");
                }
                let out = aws.json(COGNITO, "CreateUserPool", body).await?;
                let pool = &out["UserPool"];
                let id = pool["Id"].as_str().unwrap_or_default().to_owned();
                self.set_mfa(&id, props).await?;
                let provider = format!("cognito-idp.{}.amazonaws.com/{id}", local_aws::REGION);
                Ok(Created::new(&id)
                    .with("Arn", pool["Arn"].as_str().unwrap_or_default())
                    .with("ProviderURL", format!("https://{provider}"))
                    .with("ProviderName", provider)
                    .with("UserPoolId", &id))
            }
            "AWS::Cognito::UserPoolClient" => {
                let out = aws
                    .json(COGNITO, "CreateUserPoolClient", props.clone())
                    .await?;
                let client = &out["UserPoolClient"];
                let id = client["ClientId"].as_str().unwrap_or_default();
                Ok(Created::new(id)
                    .with("ClientId", id)
                    .with(
                        "ClientSecret",
                        client["ClientSecret"].as_str().unwrap_or_default(),
                    )
                    .with("Name", client["ClientName"].as_str().unwrap_or_default()))
            }
            "AWS::Cognito::UserPoolDomain" => {
                let out = aws
                    .json(COGNITO, "CreateUserPoolDomain", props.clone())
                    .await?;
                let domain = text(props, "Domain");
                Ok(Created::new(&domain)
                    .with(
                        "CloudFrontDistribution",
                        out["CloudFrontDomain"].as_str().unwrap_or_default(),
                    )
                    .with("ManagedLoginVersion", text(props, "ManagedLoginVersion")))
            }
            "AWS::Cognito::UserPoolGroup" => {
                let mut body = props.clone();
                let name = match props["GroupName"].as_str() {
                    Some(name) => name.to_owned(),
                    None => generated_name(stack, logical_id, 128),
                };
                body["GroupName"] = Value::String(name.clone());
                aws.json(COGNITO, "CreateGroup", body).await?;
                Ok(Created::new(name))
            }
            "AWS::Cognito::UserPoolUser" => {
                let out = aws.json(COGNITO, "AdminCreateUser", props.clone()).await?;
                let sent = self.send_invitation(props, &out["User"]).await?;
                let mut created = Created::new(
                    out["User"]["Username"]
                        .as_str()
                        .unwrap_or(&text(props, "Username")),
                );
                if let Some(sent) = sent {
                    created.attributes.insert(SENT_INVITATION.into(), sent);
                }
                Ok(created)
            }
            "AWS::Cognito::UserPoolUserToGroupAttachment" => {
                aws.json(COGNITO, "AdminAddUserToGroup", props.clone())
                    .await?;
                Ok(Created::new(generated_name(stack, logical_id, 128)))
            }
            "AWS::Logs::LogGroup" => {
                let name = match props["LogGroupName"].as_str() {
                    Some(name) => name.to_owned(),
                    None => generated_name(stack, logical_id, 512),
                };
                let mut body = json!({"logGroupName": name});
                if let Some(key) = props.get("KmsKeyId") {
                    body["kmsKeyId"] = key.clone();
                }
                aws.json(LOGS, "CreateLogGroup", body).await?;
                self.retention(&name, props).await?;
                Ok(Created::new(&name).with(
                    "Arn",
                    format!(
                        "arn:aws:logs:{}:{}:log-group:{name}:*",
                        local_aws::REGION,
                        local_aws::ACCOUNT_ID
                    ),
                ))
            }
            "AWS::IAM::Role" => {
                let name = match props["RoleName"].as_str() {
                    Some(name) => name.to_owned(),
                    None => generated_name(stack, logical_id, 64),
                };
                let mut params = vec![
                    ("RoleName", name.clone()),
                    (
                        "AssumeRolePolicyDocument",
                        props["AssumeRolePolicyDocument"].to_string(),
                    ),
                ];
                for key in ["Path", "Description", "MaxSessionDuration"] {
                    if props.get(key).is_some() {
                        params.push((key, text(props, key)));
                    }
                }
                let xml = aws.iam("CreateRole", &params).await?;
                self.put_role_policies(&name, props).await?;
                Ok(Created::new(&name)
                    .with("Arn", aws::xml_text(&xml, "Arn").unwrap_or_default())
                    .with("RoleId", aws::xml_text(&xml, "RoleId").unwrap_or_default()))
            }
            "AWS::IAM::RolePolicy" => {
                self.put_role_policy(props).await?;
                Ok(Created::new(text(props, "PolicyName")))
            }
            "AWS::WAFv2::WebACL" => {
                let mut body = props.clone();
                let name = match props["Name"].as_str() {
                    Some(name) => name.to_owned(),
                    None => generated_name(stack, logical_id, 128),
                };
                body["Name"] = Value::String(name.clone());
                let out = aws.json(WAFV2, "CreateWebACL", body).await?;
                let summary = &out["Summary"];
                let id = summary["Id"].as_str().unwrap_or_default();
                Ok(
                    Created::new(format!("{name}|{id}|{}", text(props, "Scope")))
                        .with("Arn", summary["ARN"].as_str().unwrap_or_default())
                        .with("Id", id)
                        .with(
                            "LabelNamespace",
                            format!("awswaf:{}:webacl:{name}:", local_aws::ACCOUNT_ID),
                        ),
                )
            }
            "AWS::WAFv2::WebACLAssociation" => {
                aws.json(WAFV2, "AssociateWebACL", props.clone()).await?;
                Ok(Created::new(format!(
                    "{}|{}",
                    text(props, "ResourceArn"),
                    text(props, "WebACLArn")
                )))
            }
            "AWS::SageMaker::Workteam" => {
                let out = aws
                    .json(SAGEMAKER, "CreateWorkteam", workteam_request(props))
                    .await?;
                Ok(
                    Created::new(out["WorkteamArn"].as_str().unwrap_or_default())
                        .with("WorkteamName", text(props, "WorkteamName")),
                )
            }
            other => Err(ProviderError::Invalid(format!(
                "{other} is not supported by local-stack"
            ))),
        }
    }

    async fn update_native(
        &self,
        resource_type: &str,
        physical_id: &str,
        old: &Value,
        new: &Value,
    ) -> Result<Created, ProviderError> {
        let aws = &self.aws;
        match resource_type {
            "AWS::Cognito::UserPool" => {
                // UpdateUserPool takes what CreateUserPool took, minus what
                // cannot change; what it is not given is reset (as in AWS).
                let mut body = new.clone();
                if let Some(map) = body.as_object_mut() {
                    if let Some(name) = map.remove("UserPoolName") {
                        map.insert("PoolName".into(), name);
                    }
                    for key in ["EnabledMfas", "Schema", "UsernameConfiguration", "UsernameAttributes", "AliasAttributes"] {
                        map.remove(key);
                    }
                    map.insert("UserPoolId".into(), Value::String(physical_id.to_owned()));
                }
                aws.json(COGNITO, "UpdateUserPool", body).await?;
                self.set_mfa(physical_id, new).await?;
                let out = aws.json(COGNITO, "DescribeUserPool", json!({"UserPoolId": physical_id})).await?;
                let provider = format!("cognito-idp.{}.amazonaws.com/{physical_id}", local_aws::REGION);
                Ok(Created::new(physical_id)
                    .with("Arn", out["UserPool"]["Arn"].as_str().unwrap_or_default())
                    .with("ProviderURL", format!("https://{provider}"))
                    .with("ProviderName", provider)
                    .with("UserPoolId", physical_id))
            }
            "AWS::Cognito::UserPoolClient" => {
                let mut body = new.clone();
                if let Some(map) = body.as_object_mut() {
                    map.remove("GenerateSecret");
                    map.insert("ClientId".into(), Value::String(physical_id.to_owned()));
                }
                let out = aws.json(COGNITO, "UpdateUserPoolClient", body).await?;
                let client = &out["UserPoolClient"];
                Ok(Created::new(physical_id)
                    .with("ClientId", physical_id)
                    .with("ClientSecret", client["ClientSecret"].as_str().unwrap_or_default())
                    .with("Name", client["ClientName"].as_str().unwrap_or_default()))
            }
            "AWS::Cognito::UserPoolDomain" => {
                let out = aws.json(COGNITO, "UpdateUserPoolDomain", new.clone()).await?;
                Ok(Created::new(physical_id)
                    .with("CloudFrontDistribution", out["CloudFrontDomain"].as_str().unwrap_or_default())
                    .with("ManagedLoginVersion", text(new, "ManagedLoginVersion")))
            }
            "AWS::Cognito::UserPoolGroup" => {
                let mut body = pick(new, &same(&["UserPoolId", "Description", "Precedence", "RoleArn"]));
                body["GroupName"] = Value::String(physical_id.to_owned());
                aws.json(COGNITO, "UpdateGroup", body).await?;
                Ok(Created::new(physical_id))
            }
            "AWS::Logs::LogGroup" => {
                self.retention(physical_id, new).await?;
                Ok(Created::new(physical_id).with(
                    "Arn",
                    format!("arn:aws:logs:{}:{}:log-group:{physical_id}:*", local_aws::REGION, local_aws::ACCOUNT_ID),
                ))
            }
            "AWS::IAM::Role" => {
                aws.iam(
                    "UpdateAssumeRolePolicy",
                    &[("RoleName", physical_id.to_owned()), ("PolicyDocument", new["AssumeRolePolicyDocument"].to_string())],
                )
                .await?;
                self.delete_role_policies(physical_id, old).await?;
                self.put_role_policies(physical_id, new).await?;
                let xml = aws.iam("GetRole", &[("RoleName", physical_id.to_owned())]).await?;
                Ok(Created::new(physical_id)
                    .with("Arn", aws::xml_text(&xml, "Arn").unwrap_or_default())
                    .with("RoleId", aws::xml_text(&xml, "RoleId").unwrap_or_default()))
            }
            "AWS::IAM::RolePolicy" => {
                self.put_role_policy(new).await?;
                Ok(Created::new(physical_id))
            }
            "AWS::WAFv2::WebACL" => {
                let (name, id, scope) = web_acl_parts(physical_id);
                let current = aws.json(WAFV2, "GetWebACL", json!({"Name": name, "Id": id, "Scope": scope})).await?;
                let mut body = pick(new, &same(&["DefaultAction", "Description", "Rules", "VisibilityConfig", "CustomResponseBodies"]));
                body["Name"] = json!(name);
                body["Id"] = json!(id);
                body["Scope"] = json!(scope);
                body["LockToken"] = current["LockToken"].clone();
                aws.json(WAFV2, "UpdateWebACL", body).await?;
                Ok(Created::new(physical_id)
                    .with("Arn", current["WebACL"]["ARN"].as_str().unwrap_or_default())
                    .with("Id", id)
                    .with("LabelNamespace", format!("awswaf:{}:webacl:{name}:", local_aws::ACCOUNT_ID)))
            }
            "AWS::WAFv2::WebACLAssociation" => {
                aws.json(WAFV2, "AssociateWebACL", new.clone()).await?;
                Ok(Created::new(format!("{}|{}", text(new, "ResourceArn"), text(new, "WebACLArn"))))
            }
            "AWS::SageMaker::Workteam" => Ok(Created::new(physical_id)
                .with("WorkteamName", text(new, "WorkteamName"))
                .noted("NOT EMULATED: the SageMaker emulator has no UpdateWorkteam; the change is recorded only")),
            other => Err(ProviderError::Invalid(format!("{other} cannot be updated by local-stack"))),
        }
    }

    async fn delete_native(
        &self,
        resource_type: &str,
        physical_id: &str,
        props: &Value,
    ) -> Result<(), ProviderError> {
        let aws = &self.aws;
        match resource_type {
            "AWS::Cognito::UserPool" => {
                let out = aws
                    .json(
                        COGNITO,
                        "DescribeUserPool",
                        json!({"UserPoolId": physical_id}),
                    )
                    .await?;
                if out["UserPool"]["DeletionProtection"] == "ACTIVE" {
                    // What Cognito answers; moto does not check it.
                    return Err(ProviderError::Invalid(
                        "InvalidParameterException: The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first. (A stack in DELETE_FAILED cannot be updated: delete it with --retain-resources UserPool to keep the pool, or turn the protection off on the pool with UpdateUserPool and delete again.)".into(),
                    ));
                }
                aws.json(
                    COGNITO,
                    "DeleteUserPool",
                    json!({"UserPoolId": physical_id}),
                )
                .await?;
            }
            "AWS::Cognito::UserPoolClient" => {
                aws.json(
                    COGNITO,
                    "DeleteUserPoolClient",
                    json!({"UserPoolId": props["UserPoolId"], "ClientId": physical_id}),
                )
                .await?;
            }
            "AWS::Cognito::UserPoolDomain" => {
                aws.json(
                    COGNITO,
                    "DeleteUserPoolDomain",
                    json!({"UserPoolId": props["UserPoolId"], "Domain": physical_id}),
                )
                .await?;
            }
            "AWS::Cognito::UserPoolGroup" => {
                aws.json(
                    COGNITO,
                    "DeleteGroup",
                    json!({"UserPoolId": props["UserPoolId"], "GroupName": physical_id}),
                )
                .await?;
            }
            "AWS::Cognito::UserPoolUser" => {
                aws.json(
                    COGNITO,
                    "AdminDeleteUser",
                    json!({"UserPoolId": props["UserPoolId"], "Username": physical_id}),
                )
                .await?;
            }
            "AWS::Cognito::UserPoolUserToGroupAttachment" => {
                aws.json(COGNITO, "AdminRemoveUserFromGroup", props.clone())
                    .await?;
            }
            "AWS::Logs::LogGroup" => {
                aws.json(LOGS, "DeleteLogGroup", json!({"logGroupName": physical_id}))
                    .await?;
            }
            "AWS::IAM::Role" => {
                self.delete_role_policies(physical_id, props).await?;
                aws.iam("DeleteRole", &[("RoleName", physical_id.to_owned())])
                    .await?;
            }
            "AWS::IAM::RolePolicy" => {
                aws.iam(
                    "DeleteRolePolicy",
                    &[
                        ("RoleName", text(props, "RoleName")),
                        ("PolicyName", text(props, "PolicyName")),
                    ],
                )
                .await?;
            }
            "AWS::WAFv2::WebACL" => {
                let (name, id, scope) = web_acl_parts(physical_id);
                let current = aws
                    .json(
                        WAFV2,
                        "GetWebACL",
                        json!({"Name": name, "Id": id, "Scope": scope}),
                    )
                    .await?;
                aws.json(
                    WAFV2,
                    "DeleteWebACL",
                    json!({"Name": name, "Id": id, "Scope": scope, "LockToken": current["LockToken"]}),
                )
                .await?;
            }
            "AWS::WAFv2::WebACLAssociation" => {
                aws.json(
                    WAFV2,
                    "DisassociateWebACL",
                    json!({"ResourceArn": props["ResourceArn"]}),
                )
                .await?;
            }
            "AWS::SageMaker::Workteam" => {
                aws.json(
                    SAGEMAKER,
                    "DeleteWorkteam",
                    json!({"WorkteamName": props["WorkteamName"]}),
                )
                .await?;
            }
            other => {
                return Err(ProviderError::Invalid(format!(
                    "{other} cannot be deleted by local-stack"
                )));
            }
        }
        Ok(())
    }

    async fn set_mfa(&self, pool_id: &str, props: &Value) -> Result<(), ProviderError> {
        let Some(enabled) = props["EnabledMfas"].as_array() else {
            return Ok(());
        };
        let has = |name: &str| enabled.iter().any(|m| m == name);
        let mut body =
            json!({"UserPoolId": pool_id, "MfaConfiguration": props["MfaConfiguration"]});
        if has("SOFTWARE_TOKEN_MFA") {
            body["SoftwareTokenMfaConfiguration"] = json!({"Enabled": true});
        }
        if has("SMS_MFA") {
            body["SmsMfaConfiguration"] = json!({"SmsConfiguration": props["SmsConfiguration"]});
        }
        self.aws.json(COGNITO, "SetUserPoolMfaConfig", body).await?;
        Ok(())
    }

    async fn retention(&self, name: &str, props: &Value) -> Result<(), ProviderError> {
        match props.get("RetentionInDays") {
            Some(days) => {
                let days: u64 = text(props, "RetentionInDays").parse().map_err(|_| {
                    ProviderError::Invalid(format!("RetentionInDays {days} is not a number"))
                })?;
                self.aws
                    .json(
                        LOGS,
                        "PutRetentionPolicy",
                        json!({"logGroupName": name, "retentionInDays": days}),
                    )
                    .await?;
            }
            None => {
                self.aws
                    .json(LOGS, "DeleteRetentionPolicy", json!({"logGroupName": name}))
                    .await?;
            }
        }
        Ok(())
    }

    /// An `AWS::IAM::RolePolicy`: one inline policy on one role.
    async fn put_role_policy(&self, props: &Value) -> Result<(), ProviderError> {
        self.aws
            .iam(
                "PutRolePolicy",
                &[
                    ("RoleName", text(props, "RoleName")),
                    ("PolicyName", text(props, "PolicyName")),
                    ("PolicyDocument", props["PolicyDocument"].to_string()),
                ],
            )
            .await?;
        Ok(())
    }

    async fn put_role_policies(&self, role: &str, props: &Value) -> Result<(), ProviderError> {
        for policy in props["Policies"].as_array().into_iter().flatten() {
            self.aws
                .iam(
                    "PutRolePolicy",
                    &[
                        ("RoleName", role.to_owned()),
                        ("PolicyName", text(policy, "PolicyName")),
                        ("PolicyDocument", policy["PolicyDocument"].to_string()),
                    ],
                )
                .await?;
        }
        for arn in props["ManagedPolicyArns"].as_array().into_iter().flatten() {
            let arn = arn.as_str().unwrap_or_default().to_owned();
            self.aws
                .iam(
                    "AttachRolePolicy",
                    &[("RoleName", role.to_owned()), ("PolicyArn", arn)],
                )
                .await?;
        }
        Ok(())
    }

    async fn delete_role_policies(&self, role: &str, props: &Value) -> Result<(), ProviderError> {
        for policy in props["Policies"].as_array().into_iter().flatten() {
            let call = self
                .aws
                .iam(
                    "DeleteRolePolicy",
                    &[
                        ("RoleName", role.to_owned()),
                        ("PolicyName", text(policy, "PolicyName")),
                    ],
                )
                .await;
            match call {
                Err(error) if !error.is_not_found() => return Err(error.into()),
                _ => {}
            }
        }
        for arn in props["ManagedPolicyArns"].as_array().into_iter().flatten() {
            let arn = arn.as_str().unwrap_or_default().to_owned();
            self.aws
                .iam(
                    "DetachRolePolicy",
                    &[("RoleName", role.to_owned()), ("PolicyArn", arn)],
                )
                .await?;
        }
        Ok(())
    }
}

/// The attribute of an `AWS::Cognito::UserPoolUser` under which local-stack
/// records the invitation email Cognito sent (not a CloudFormation
/// attribute: the `local-stack:` prefix keeps it apart from those).
pub const SENT_INVITATION: &str = "local-stack:SentInvitation";

/// What [`SENT_INVITATION`] holds: the email, and the trigger that composed
/// it (null when the pool's template was sent as it is).
fn sent_record(sent: &SentEmail, trigger: Option<&str>) -> Value {
    json!({
        "Subject": sent.subject,
        "Message": sent.message,
        "ComposedBy": if sent.from_trigger { trigger.map(trigger_name) } else { None },
    })
}

/// A function's name from its ARN.
fn trigger_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// CloudFormation's CognitoMemberDefinition says CognitoUserPool,
/// CognitoClientId, CognitoUserGroup; the API says UserPool, ClientId, UserGroup.
fn workteam_request(props: &Value) -> Value {
    let mut body = props.clone();
    if let Some(members) = body
        .get_mut("MemberDefinitions")
        .and_then(Value::as_array_mut)
    {
        for member in members {
            if let Some(cognito) = member.get_mut("CognitoMemberDefinition") {
                *cognito = pick(
                    cognito,
                    &[
                        ("CognitoUserPool", "UserPool"),
                        ("CognitoClientId", "ClientId"),
                        ("CognitoUserGroup", "UserGroup"),
                    ],
                );
            }
        }
    }
    body
}

fn web_acl_parts(physical_id: &str) -> (String, String, String) {
    let mut parts = physical_id.splitn(3, '|').map(str::to_owned);
    (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_names_the_property() {
        let old = json!({"UserPoolId": "p", "GroupName": "workers", "Description": "a"});
        let mut new = old.clone();
        new["Description"] = json!("b");
        assert_eq!(
            replacement_reason("AWS::Cognito::UserPoolGroup", &old, &new),
            None
        );
        new["GroupName"] = json!("others");
        let reason = replacement_reason("AWS::Cognito::UserPoolGroup", &old, &new).unwrap();
        assert!(reason.contains("GroupName changed"), "{reason}");
        let user = json!({"UserPoolId": "p", "Username": "a@x.io"});
        let other = json!({"UserPoolId": "p", "Username": "b@x.io"});
        assert!(replacement_reason("AWS::Cognito::UserPoolUser", &user, &other).is_some());
    }

    #[test]
    fn custom_resources_get_strings_and_types_are_classified() {
        assert_eq!(
            stringify(&json!({"A": 1, "B": [true, "x"], "C": {"D": 2.5}})),
            json!({"A": "1", "B": ["true", "x"], "C": {"D": "2.5"}})
        );
        assert_eq!(support("Custom::PortalDomain"), Support::Custom);
        assert_eq!(support("AWS::Cognito::UserPool"), Support::Native);
        assert!(matches!(
            support("AWS::Cognito::LogDeliveryConfiguration"),
            Support::NotEmulated(_)
        ));
        assert_eq!(support("AWS::S3::Bucket"), Support::Unsupported);
        assert_eq!(
            web_acl_parts("n|i|REGIONAL"),
            ("n".into(), "i".into(), "REGIONAL".into())
        );
        let props = json!({"MemberDefinitions": [{"CognitoMemberDefinition": {"CognitoUserPool": "p", "CognitoClientId": "c", "CognitoUserGroup": "g"}}]});
        assert_eq!(
            workteam_request(&props)["MemberDefinitions"][0]["CognitoMemberDefinition"],
            json!({"UserPool": "p", "ClientId": "c", "UserGroup": "g"})
        );
        assert!(generated_name("stack", "Logical", 64).len() <= 64);
    }

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
