//! What creating, updating and deleting each resource type means on the
//! local emulators. Native types go to moto or the SageMaker emulator
//! (crate::aws); `AWS::Serverless::Function` registers the function's
//! binary with a Lambda Runtime API host; custom resources invoke that host
//! with genuine CloudFormation events and wait for the response PUT.
//!
//! Each resource type is one [`ResourceProvider`] in the file of its
//! service, listed in that file's `PROVIDERS`; this module only finds the
//! provider of a type and applies what is common to all of them (unknown
//! properties, replacement, a resource already gone).

mod cognito;
mod custom;
mod iam;
mod lambda;
mod logs;
mod sagemaker;
mod sns;
mod wafv2;

pub use cognito::SENT_INVITATION;
pub use custom::stringify;
pub use lambda::function_environment;

use crate::aws::{self, AwsError};
use crate::faults::Faults;
use lambda::Function;
use local_aws::sink::ResponseSink;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

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

/// How local-stack handles `resource_type`.
pub fn support(resource_type: &str) -> Support {
    provider(resource_type).map_or(Support::Unsupported, |provider| provider.support())
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

/// A provider's answer: boxed, so that providers can sit behind `dyn`.
type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

/// The resource an operation is for.
#[derive(Debug, Clone, Copy)]
struct Resource<'a> {
    logical_id: &'a str,
    /// The template's type (a provider may handle several, e.g. `Custom::*`).
    resource_type: &'a str,
}

/// Everything local-stack knows about a resource type. A new type is one
/// implementation in its service's file, listed in that file's `PROVIDERS`.
trait ResourceProvider: Sync {
    /// Whether this provider handles `resource_type`.
    fn handles(&self, resource_type: &str) -> bool;

    /// How local-stack handles the type (the plan and the engine ask).
    fn support(&self) -> Support;

    /// The properties the type understands; any other is refused by name
    /// (moto would ignore it silently). `None`: every property is passed on.
    fn properties(&self) -> Option<&'static [&'static str]> {
        None
    }

    /// The properties that force a replacement when they change
    /// (CloudFormation's "Update requires: Replacement").
    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &[]
    }

    /// Creates the resource: its physical id and attributes.
    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        metadata: &'a Value,
    ) -> Pending<'a, Created>;

    /// Updates in place; a change that needs a replacement never gets here.
    /// Without an implementation (every change replaces), it is refused.
    fn update<'a>(
        &'a self,
        _providers: &'a Providers,
        resource: Resource<'a>,
        _physical_id: &'a str,
        _old: &'a Value,
        _new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            Err(ProviderError::Invalid(format!(
                "{} cannot be updated by local-stack",
                resource.resource_type
            )))
        })
    }

    /// Deletes; the answer is a note for the event's reason, if any.
    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>>;
}

/// Every service's providers.
const SERVICES: &[&[&dyn ResourceProvider]] = &[
    cognito::PROVIDERS,
    logs::PROVIDERS,
    iam::PROVIDERS,
    wafv2::PROVIDERS,
    sns::PROVIDERS,
    sagemaker::PROVIDERS,
    lambda::PROVIDERS,
    custom::PROVIDERS,
];

/// The provider of `resource_type`, if local-stack knows it.
fn provider(resource_type: &str) -> Option<&'static dyn ResourceProvider> {
    SERVICES
        .iter()
        .copied()
        .flatten()
        .copied()
        .find(|provider| provider.handles(resource_type))
}

/// A type that is accepted and reported as not emulated: nothing is created.
struct NotEmulated {
    resource_type: &'static str,
    why: &'static str,
}

impl ResourceProvider for NotEmulated {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == self.resource_type
    }

    fn support(&self) -> Support {
        Support::NotEmulated(self.why)
    }

    fn create<'a>(
        &'a self,
        _providers: &'a Providers,
        resource: Resource<'a>,
        _props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        let why = self.why;
        Box::pin(async move {
            Ok(
                Created::new(format!("{}-not-emulated", resource.logical_id))
                    .noted(format!("NOT EMULATED: {why}; nothing was created")),
            )
        })
    }

    fn update<'a>(
        &'a self,
        _providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _old: &'a Value,
        _new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        let why = self.why;
        Box::pin(async move {
            Ok(
                Created::new(physical_id)
                    .noted(format!("NOT EMULATED: {why}; nothing was changed")),
            )
        })
    }

    fn delete<'a>(
        &'a self,
        _providers: &'a Providers,
        _resource: Resource<'a>,
        _physical_id: &'a str,
        _props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        let why = self.why;
        Box::pin(async move { Ok(Some(format!("NOT EMULATED: {why}"))) })
    }
}

pub struct Providers {
    aws: aws::Client,
    stack: StackInfo,
    bin_dir: PathBuf,
    log_dir: Option<PathBuf>,
    functions: Mutex<BTreeMap<String, Arc<Function>>>,
    sink: ResponseSink,
    faults: Option<Faults>,
    /// The events sent to custom resources, for [`Providers::take_sent`].
    sent: Mutex<Vec<Value>>,
}

/// The property that forces a replacement when it changes, if any
/// (CloudFormation's "Update requires: Replacement" for these types).
pub fn replacement_reason(resource_type: &str, old: &Value, new: &Value) -> Option<String> {
    let keys = provider(resource_type).map_or(&[][..], |provider| provider.replaced_when_changed());
    keys.iter()
        .find(|key| old.get(**key) != new.get(**key))
        .map(|key| {
            format!(
                "Requested update requires the creation of a new physical resource ({key} changed)"
            )
        })
}

/// Refuses a property the type does not understand.
fn check_properties(
    provider: &dyn ResourceProvider,
    resource_type: &str,
    props: &Value,
) -> Result<(), ProviderError> {
    let Some(known) = provider.properties() else {
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

fn unsupported(resource_type: &str) -> ProviderError {
    ProviderError::Invalid(format!("{resource_type} is not supported by local-stack"))
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
        faults: Option<Faults>,
    ) -> std::io::Result<Self> {
        Ok(Self {
            aws: aws::Client::new(endpoints)?,
            stack,
            bin_dir,
            log_dir,
            functions: Mutex::new(BTreeMap::new()),
            sink: ResponseSink::start().await?,
            faults,
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

    pub async fn create(
        &self,
        logical_id: &str,
        resource_type: &str,
        props: &Value,
        metadata: &Value,
    ) -> Result<Created, ProviderError> {
        let provider = provider(resource_type).ok_or_else(|| unsupported(resource_type))?;
        check_properties(provider, resource_type, props)?;
        let resource = Resource {
            logical_id,
            resource_type,
        };
        provider.create(self, resource, props, metadata).await
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
        let provider = provider(resource_type).ok_or_else(|| unsupported(resource_type))?;
        check_properties(provider, resource_type, new)?;
        let resource = Resource {
            logical_id,
            resource_type,
        };
        if let Some(reason) = replacement_reason(resource_type, old, new) {
            let created = provider.create(self, resource, new, metadata).await?;
            return Ok(created.noted(reason));
        }
        provider
            .update(self, resource, physical_id, old, new, metadata)
            .await
    }

    pub async fn delete(
        &self,
        logical_id: &str,
        resource_type: &str,
        physical_id: &str,
        props: &Value,
    ) -> Result<Option<String>, ProviderError> {
        let Some(provider) = provider(resource_type) else {
            return Ok(None);
        };
        let resource = Resource {
            logical_id,
            resource_type,
        };
        // Only the AWS calls of native types can find nothing to delete.
        match provider.delete(self, resource, physical_id, props).await {
            Err(ProviderError::Aws(error)) if error.is_not_found() => {
                Ok(Some(format!("already gone ({error})")))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn types_are_classified() {
        assert_eq!(support("Custom::PortalDomain"), Support::Custom);
        assert_eq!(
            support("AWS::CloudFormation::CustomResource"),
            Support::Custom
        );
        assert_eq!(support("AWS::Serverless::Function"), Support::Function);
        assert_eq!(support("AWS::Cognito::UserPool"), Support::Native);
        assert!(matches!(
            support("AWS::Cognito::LogDeliveryConfiguration"),
            Support::NotEmulated(_)
        ));
        assert_eq!(support("AWS::S3::Bucket"), Support::Unsupported);
        assert!(generated_name("stack", "Logical", 64).len() <= 64);
    }

    #[test]
    fn each_type_has_exactly_one_provider() {
        for resource_type in [
            "AWS::Cognito::UserPool",
            "AWS::Cognito::UserPoolClient",
            "AWS::Cognito::UserPoolDomain",
            "AWS::Cognito::UserPoolGroup",
            "AWS::Cognito::UserPoolUser",
            "AWS::Cognito::UserPoolUserToGroupAttachment",
            "AWS::Cognito::LogDeliveryConfiguration",
            "AWS::Logs::LogGroup",
            "AWS::IAM::Role",
            "AWS::IAM::RolePolicy",
            "AWS::WAFv2::WebACL",
            "AWS::WAFv2::WebACLAssociation",
            "AWS::SageMaker::Workteam",
            "AWS::Serverless::Function",
            "AWS::Lambda::Permission",
            "AWS::CloudFormation::CustomResource",
            "Custom::PortalDomain",
        ] {
            let handling = SERVICES
                .iter()
                .copied()
                .flatten()
                .filter(|provider| provider.handles(resource_type))
                .count();
            assert_eq!(handling, 1, "{resource_type}");
        }
    }

    #[test]
    fn unknown_properties_of_native_types_are_refused() {
        let pool = provider("AWS::Cognito::UserPool").unwrap();
        let error = check_properties(pool, "AWS::Cognito::UserPool", &json!({"Foo": 1}))
            .unwrap_err()
            .to_string();
        assert!(error.contains("property Foo"), "{error}");
        let custom = provider("Custom::PortalDomain").unwrap();
        assert!(check_properties(custom, "Custom::PortalDomain", &json!({"Foo": 1})).is_ok());
    }
}
