//! Driving a function binary the way CloudFormation does: genuine events with
//! a presigned-style ResponseURL, sent through the Lambda Runtime API, and
//! the response read back from the sink.

use crate::moto::MotoServer;
use crate::runtime_api::{FunctionHost, FunctionSpec, Invocation};
use crate::sink::{RecordedPut, ResponseSink};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The stack every harness event belongs to: the one `sam local invoke`
/// resolves `AWS::StackName` and `AWS::StackId` to, so that the `events/`
/// files belong to the same stack under `sam local invoke` and in the tests.
pub const STACK_NAME: &str = "local";

/// The Lambda timeout the harness gives an invocation unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A fresh id in the shape CloudFormation uses (a UUID).
pub fn new_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let random: u64 = rand::random();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        (random >> 32) as u32,
        (random >> 16) as u16,
        (random & 0xfff) as u16,
        (count & 0xfff) as u16,
        random.rotate_left(7) & 0xffff_ffff_ffff
    )
}

/// The StackId of [`STACK_NAME`] in the local account and region (SAM CLI's
/// default for `AWS::StackId`).
pub fn stack_id() -> String {
    format!(
        "arn:aws:cloudformation:{}:{}:stack/{STACK_NAME}/51af3dc0-da77-11e4-872e-1234567db123",
        crate::REGION,
        crate::ACCOUNT_ID
    )
}

/// The ServiceToken CloudFormation puts at the top level and in the properties.
pub fn service_token() -> String {
    format!(
        "arn:aws:lambda:{}:{}:function:{STACK_NAME}-function",
        crate::REGION,
        crate::ACCOUNT_ID
    )
}

fn base_event(
    request_type: &str,
    resource_type: &str,
    logical_id: &str,
    properties: Value,
) -> Value {
    let mut properties = properties;
    if let Value::Object(map) = &mut properties {
        map.insert("ServiceToken".into(), Value::String(service_token()));
    }
    json!({
        "RequestType": request_type,
        "ServiceToken": service_token(),
        // Replaced by the sink's URL when sent.
        "ResponseURL": "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/placeholder",
        "StackId": stack_id(),
        "RequestId": new_request_id(),
        "LogicalResourceId": logical_id,
        "ResourceType": resource_type,
        "ResourceProperties": properties,
    })
}

/// A Create event.
pub fn create_event(resource_type: &str, logical_id: &str, properties: Value) -> Value {
    base_event("Create", resource_type, logical_id, properties)
}

/// An Update event with the old properties CloudFormation would send.
pub fn update_event(
    resource_type: &str,
    logical_id: &str,
    physical_id: &str,
    properties: Value,
    old_properties: Value,
) -> Value {
    let mut event = base_event("Update", resource_type, logical_id, properties);
    let mut old_properties = old_properties;
    if let Value::Object(map) = &mut old_properties {
        map.insert("ServiceToken".into(), Value::String(service_token()));
    }
    event["PhysicalResourceId"] = Value::String(physical_id.to_owned());
    event["OldResourceProperties"] = old_properties;
    event
}

/// A Delete event.
pub fn delete_event(
    resource_type: &str,
    logical_id: &str,
    physical_id: &str,
    properties: Value,
) -> Value {
    let mut event = base_event("Delete", resource_type, logical_id, properties);
    event["PhysicalResourceId"] = Value::String(physical_id.to_owned());
    event
}

/// One resource of a template, as its events name it: a function's tests
/// build every event for it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    pub resource_type: &'static str,
    pub logical_id: &'static str,
}

impl Resource {
    pub const fn new(resource_type: &'static str, logical_id: &'static str) -> Self {
        Self {
            resource_type,
            logical_id,
        }
    }

    /// The same resource under another logical id (a second resource of
    /// the type in the template).
    pub const fn named(self, logical_id: &'static str) -> Self {
        Self::new(self.resource_type, logical_id)
    }

    /// A Create event for it.
    pub fn create(&self, properties: Value) -> Value {
        create_event(self.resource_type, self.logical_id, properties)
    }

    /// An Update event for it, with the old properties.
    pub fn update(&self, physical_id: &str, properties: Value, old_properties: Value) -> Value {
        update_event(
            self.resource_type,
            self.logical_id,
            physical_id,
            properties,
            old_properties,
        )
    }

    /// A Delete event for it.
    pub fn delete(&self, physical_id: &str, properties: Value) -> Value {
        delete_event(self.resource_type, self.logical_id, physical_id, properties)
    }
}

/// Loads a fixture that must be there: panics naming the file otherwise.
pub fn fixture_event(file_name: &str) -> Value {
    fixture(file_name).unwrap_or_else(|error| panic!("fixture {file_name}: {error}"))
}

/// Loads a fixture from the workspace's `events/` folder, with a fresh RequestId.
pub fn fixture(file_name: &str) -> std::io::Result<Value> {
    let path = crate::workspace_root().join("events").join(file_name);
    let text = std::fs::read_to_string(&path)?;
    let mut event: Value = serde_json::from_str(&text).map_err(std::io::Error::other)?;
    event["RequestId"] = Value::String(new_request_id());
    Ok(event)
}

/// The environment that points a function's SDK clients at the local
/// emulators, as `AWS_ENDPOINT_URL_<SERVICE>` does in Lambda, plus the switch
/// that lets the protocol answer to the plain-http sink, and the stack the
/// function serves (`CFN_STACK_ID`, as the template sets it): the harness's.
pub fn aws_env(
    moto: Option<&MotoServer>,
    sagemaker_endpoint: Option<&str>,
) -> Vec<(String, String)> {
    let mut env = vec![
        ("CFN_RESPONSE_ALLOW_HTTP".to_owned(), "true".to_owned()),
        ("CFN_STACK_ID".to_owned(), stack_id()),
    ];
    if let Some(moto) = moto {
        for service in ["COGNITO_IDENTITY_PROVIDER", "SSM", "SECRETS_MANAGER"] {
            env.push((format!("AWS_ENDPOINT_URL_{service}"), moto.endpoint_url()));
        }
    }
    if let Some(endpoint) = sagemaker_endpoint {
        env.push(("AWS_ENDPOINT_URL_SAGEMAKER".to_owned(), endpoint.to_owned()));
    }
    env
}

/// A function binary under test, with its own ResponseURL sink.
pub struct FunctionUnderTest {
    host: FunctionHost,
    sink: ResponseSink,
}

/// What came of one event: the invocation as the Runtime API saw it, and
/// every PUT the function made for it.
#[derive(Debug)]
pub struct Answered {
    pub invocation: Invocation,
    pub puts: Vec<RecordedPut>,
    /// The body of the accepted PUT (`Null` when none was accepted).
    pub response: Value,
}

impl Answered {
    fn text(&self, key: &str) -> &str {
        self.response[key].as_str().unwrap_or("")
    }

    /// `SUCCESS`, `FAILED`, or empty when nothing was accepted.
    pub fn status(&self) -> &str {
        self.text("Status")
    }

    pub fn reason(&self) -> &str {
        self.text("Reason")
    }

    pub fn physical_id(&self) -> &str {
        self.text("PhysicalResourceId")
    }

    pub fn data(&self, key: &str) -> Option<&str> {
        self.response["Data"][key].as_str()
    }

    /// The accepted PUTs (the contract allows exactly one).
    pub fn accepted(&self) -> usize {
        self.puts.iter().filter(|put| put.accepted()).count()
    }

    /// Panics unless exactly one PUT was accepted.
    pub fn assert_one_answer(&self) {
        assert_eq!(self.accepted(), 1, "exactly one accepted PUT: {self:?}");
    }

    /// Panics unless exactly one PUT was accepted and it said SUCCESS.
    pub fn assert_success(&self) -> &Self {
        self.assert_one_answer();
        assert_eq!(self.status(), "SUCCESS", "{}", self.reason());
        self
    }

    /// Panics unless exactly one PUT was accepted and it said FAILED.
    pub fn assert_failed(&self) -> &Self {
        self.assert_one_answer();
        assert_eq!(self.status(), "FAILED", "{:?}", self.response);
        self
    }

    /// Panics unless exactly one PUT was accepted, it said FAILED, and its
    /// Reason contains every one of `needles`. The Reason is printed (seen
    /// with `--nocapture`), to read the Reasons as an operator would.
    pub fn assert_failed_naming(&self, needles: &[&str]) -> &Self {
        self.assert_failed();
        eprintln!("Reason: {}", self.reason());
        for needle in needles {
            assert!(
                self.reason().contains(needle),
                "{needle:?} not in {}",
                self.reason()
            );
        }
        self
    }

    /// Panics unless exactly one PUT was made (none retried) and it was
    /// accepted: stricter than [`Answered::assert_one_answer`].
    pub fn assert_single_put(&self) -> &Self {
        assert_eq!(self.puts.len(), 1, "exactly one PUT: {:?}", self.puts);
        self.assert_one_answer();
        self
    }

    /// Panics unless the response's Data is exactly `expected`, no key more.
    pub fn assert_data<K: AsRef<str>, V: AsRef<str>>(&self, expected: &[(K, V)]) {
        for (key, value) in expected {
            let key = key.as_ref();
            assert_eq!(
                self.data(key),
                Some(value.as_ref()),
                "Data {key}: {:?}",
                self.response["Data"]
            );
        }
        let keys = self.response["Data"].as_object().map(|data| data.len());
        assert_eq!(keys, Some(expected.len()), "{:?}", self.response["Data"]);
    }
}

impl FunctionUnderTest {
    /// Starts the Runtime API host for `binary` (the bootstrap is spawned at
    /// the first event) and a sink for its responses.
    pub async fn start(
        binary: impl Into<PathBuf>,
        env: Vec<(String, String)>,
    ) -> std::io::Result<Self> {
        Self::start_with_sink(binary.into(), env, ResponseSink::start().await?).await
    }

    /// Like [`FunctionUnderTest::start`], with the ResponseURL https, as
    /// CloudFormation's always is: the sink serves `ca`'s certificate, and
    /// the function trusts `ca` through `SSL_CERT_FILE` as it would trust S3
    /// through its system roots.
    pub async fn start_https(
        binary: impl Into<PathBuf>,
        mut env: Vec<(String, String)>,
        ca: &crate::tls::LocalCa,
    ) -> std::io::Result<Self> {
        env.push((
            "SSL_CERT_FILE".to_owned(),
            ca.ca_file().to_string_lossy().into_owned(),
        ));
        Self::start_with_sink(binary.into(), env, ResponseSink::start_https(ca).await?).await
    }

    /// Like [`FunctionUnderTest::start`], answering to `sink`.
    pub async fn start_with_sink(
        binary: PathBuf,
        env: Vec<(String, String)>,
        sink: ResponseSink,
    ) -> std::io::Result<Self> {
        let function_name = binary
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "function".to_owned());
        let host = FunctionHost::start(FunctionSpec {
            binary,
            function_name,
            memory_mb: 128,
            env,
        })
        .await?;
        Ok(Self { host, sink })
    }

    /// Sends `event` with the [`DEFAULT_TIMEOUT`] as the Lambda deadline.
    pub async fn send(&self, event: Value) -> Answered {
        self.send_with_timeout(event, DEFAULT_TIMEOUT).await
    }

    /// Sends `event` with its ResponseURL pointed at this sink (keyed by the
    /// event's RequestId) and a Lambda deadline of `timeout`.
    pub async fn send_with_timeout(&self, mut event: Value, timeout: Duration) -> Answered {
        let key = match event["RequestId"].as_str() {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => new_request_id(),
        };
        if event.get("ResponseURL").is_some_and(Value::is_string) {
            event["ResponseURL"] = Value::String(self.sink.presigned_url(&key));
        }
        let invocation = self.host.invoke(event, timeout).await;
        let puts = self.sink.puts_for(&key);
        let response = puts
            .iter()
            .find(|put| put.accepted())
            .map(RecordedPut::json)
            .unwrap_or(Value::Null);
        Answered {
            invocation,
            puts,
            response,
        }
    }

    pub fn sink(&self) -> &ResponseSink {
        &self.sink
    }

    pub fn host(&self) -> &FunctionHost {
        &self.host
    }

    /// Everything the function logged so far.
    pub fn logs(&self) -> String {
        self.host.logs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_unique_uuids() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }

    #[test]
    fn events_carry_cloudformations_fields() {
        let event = update_event("Custom::X", "L", "p", json!({"A": "1"}), json!({"A": "0"}));
        for key in [
            "RequestType",
            "ServiceToken",
            "ResponseURL",
            "StackId",
            "RequestId",
            "LogicalResourceId",
            "ResourceType",
            "PhysicalResourceId",
        ] {
            assert!(event[key].is_string(), "{key}");
        }
        assert_eq!(event["ResourceProperties"]["ServiceToken"], service_token());
        assert_eq!(event["OldResourceProperties"]["A"], "0");
    }

    #[test]
    fn a_resource_builds_the_events_of_its_type_and_logical_id() {
        const RESOURCE: Resource = Resource::new("Custom::X", "L");
        let create = RESOURCE.create(json!({"A": "1"}));
        let update = RESOURCE
            .named("M")
            .update("p", json!({"A": "1"}), json!({"A": "0"}));
        let delete = RESOURCE.delete("p", json!({}));
        for (event, request_type, logical_id) in [
            (&create, "Create", "L"),
            (&update, "Update", "M"),
            (&delete, "Delete", "L"),
        ] {
            assert_eq!(event["RequestType"], request_type);
            assert_eq!(event["ResourceType"], "Custom::X");
            assert_eq!(event["LogicalResourceId"], logical_id);
        }
        assert_eq!(update["PhysicalResourceId"], "p");
        assert_eq!(update["OldResourceProperties"]["A"], "0");
        assert_eq!(delete["PhysicalResourceId"], "p");
    }

    #[test]
    fn functions_serve_the_stack_of_the_events() {
        let env = aws_env(None, None);
        let served = env.iter().find(|(key, _)| key == "CFN_STACK_ID");
        let event = create_event("Custom::X", "L", json!({}));
        assert_eq!(served.map(|(_, id)| id.as_str()), event["StackId"].as_str());
    }

    #[test]
    fn every_events_file_belongs_to_the_harness_stack() {
        let dir = crate::workspace_root().join("events");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "json") {
                let event: Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                if event.get("RequestType").is_some() {
                    assert_eq!(event["StackId"], stack_id(), "{}", path.display());
                    seen += 1;
                }
            }
        }
        assert!(seen > 0, "no events in {}", dir.display());
    }
}
