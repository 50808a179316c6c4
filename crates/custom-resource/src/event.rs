//! The CloudFormation custom-resource request, read leniently.
//!
//! `aws_lambda_events`' request enum is tagged by `RequestType`, so an event
//! with an unknown type, or with properties of the wrong shape, would not
//! deserialize at all, and then there would be nobody to answer it. Here the
//! envelope (where to answer, and what to echo) is read first and on its own,
//! so every event that names a ResponseURL gets a response.

use serde::Deserialize;
use serde_json::Value;

/// What CloudFormation asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestType {
    Create,
    Update,
    Delete,
    /// Anything else: answered FAILED, naming it.
    Unknown(String),
}

impl RequestType {
    fn parse(text: &str) -> Self {
        match text {
            "Create" => Self::Create,
            "Update" => Self::Update,
            "Delete" => Self::Delete,
            other => Self::Unknown(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Create => "Create",
            Self::Update => "Update",
            Self::Delete => "Delete",
            Self::Unknown(other) => other,
        }
    }
}

/// The fields of a custom-resource request, as CloudFormation sends them.
#[derive(Debug, Clone)]
pub struct Request {
    pub request_type: RequestType,
    pub response_url: String,
    pub stack_id: String,
    pub request_id: String,
    pub logical_resource_id: String,
    pub resource_type: String,
    pub physical_resource_id: Option<String>,
    pub resource_properties: Option<Value>,
    pub old_resource_properties: Option<Value>,
}

/// An event that cannot be answered: it does not say where to.
#[derive(Debug, thiserror::Error)]
#[error("not a CloudFormation custom-resource request: {0}")]
pub struct UnanswerableEvent(String);

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    #[serde(default)]
    request_type: Option<Value>,
    #[serde(rename = "ResponseURL")]
    response_url: String,
    #[serde(default)]
    stack_id: Option<Value>,
    #[serde(default)]
    request_id: Option<Value>,
    #[serde(default)]
    logical_resource_id: Option<Value>,
    #[serde(default)]
    resource_type: Option<Value>,
    #[serde(default)]
    physical_resource_id: Option<Value>,
    #[serde(default)]
    resource_properties: Option<Value>,
    #[serde(default)]
    old_resource_properties: Option<Value>,
}

fn text(value: Option<Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl Request {
    /// Reads the envelope. Only a missing or non-string `ResponseURL` makes
    /// an event unanswerable; other missing fields are echoed back empty, and
    /// CloudFormation will say what it thinks of them.
    pub fn from_event(event: Value) -> Result<Self, UnanswerableEvent> {
        if !event.is_object() {
            // serde would read a struct from an array too, by position.
            return Err(UnanswerableEvent(format!(
                "the event must be a JSON object with a ResponseURL, got {}",
                crate::properties::json_kind(&event)
            )));
        }
        let envelope: Envelope = serde_path_to_error::deserialize(event).map_err(|error| {
            // The path names the field (serde's own message does not for a
            // value of the wrong type); neither quotes the URL's value.
            let path = error.path().to_string();
            let inner = error.into_inner();
            UnanswerableEvent(if path == "." || path.is_empty() {
                inner.to_string()
            } else {
                format!("{path}: {inner}")
            })
        })?;
        let physical_resource_id = text(envelope.physical_resource_id).filter(|id| !id.is_empty());
        Ok(Self {
            request_type: RequestType::parse(&text(envelope.request_type).unwrap_or_default()),
            response_url: envelope.response_url,
            stack_id: text(envelope.stack_id).unwrap_or_default(),
            request_id: text(envelope.request_id).unwrap_or_default(),
            logical_resource_id: text(envelope.logical_resource_id).unwrap_or_default(),
            resource_type: text(envelope.resource_type).unwrap_or_default(),
            physical_resource_id,
            resource_properties: envelope.resource_properties,
            old_resource_properties: envelope.old_resource_properties,
        })
    }

    /// The stack's name, parsed from the StackId.
    pub fn stack_name(&self) -> Option<&str> {
        stack_name(&self.stack_id)
    }
}

/// The stack's name, from `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`.
pub(crate) fn stack_name(stack_id: &str) -> Option<&str> {
    stack_id
        .split_once(":stack/")
        .and_then(|(_, rest)| rest.split('/').next())
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_an_update() {
        let request = Request::from_event(json!({
            "RequestType": "Update",
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "ResponseURL": "https://example.invalid/r?X-Amz-Signature=s",
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/guid",
            "RequestId": "r1",
            "LogicalResourceId": "L",
            "ResourceType": "Custom::Thing",
            "PhysicalResourceId": "p1",
            "ResourceProperties": {"A": "1"},
            "OldResourceProperties": {"A": "0"}
        }))
        .unwrap();
        assert_eq!(request.request_type, RequestType::Update);
        assert_eq!(request.physical_resource_id.as_deref(), Some("p1"));
        assert_eq!(request.stack_name(), Some("my-stack"));
        assert_eq!(request.old_resource_properties, Some(json!({"A": "0"})));
    }

    #[test]
    fn keeps_unknown_request_types_and_missing_fields_answerable() {
        let request = Request::from_event(json!({
            "RequestType": "Destroy",
            "ResponseURL": "https://example.invalid/r",
            "PhysicalResourceId": ""
        }))
        .unwrap();
        assert_eq!(request.request_type, RequestType::Unknown("Destroy".into()));
        assert_eq!(request.physical_resource_id, None);
        assert_eq!(request.stack_name(), None);
    }

    #[test]
    fn refuses_events_without_a_response_url() {
        assert!(Request::from_event(json!({"RequestType": "Create"})).is_err());
        assert!(Request::from_event(json!({"ResponseURL": 5})).is_err());
        assert!(Request::from_event(json!("Create")).is_err());
    }

    #[test]
    fn a_response_url_of_the_wrong_type_is_refused_by_name() {
        // serde's own message ("invalid type: integer `5`, expected a
        // string") does not say which field.
        for url in [
            json!(5),
            json!([]),
            json!({"Url": "https://example.invalid"}),
        ] {
            let error = Request::from_event(json!({"RequestType": "Create", "ResponseURL": url}))
                .unwrap_err();
            assert!(error.to_string().contains("ResponseURL"), "{error}");
        }
    }

    #[test]
    fn an_array_is_not_an_event() {
        // serde reads a struct from a sequence by position: this would have
        // been a Create with the ResponseURL "https://example.invalid/r".
        let error =
            Request::from_event(json!(["Create", "https://example.invalid/r"])).unwrap_err();
        assert!(error.to_string().contains("an array"), "{error}");
    }
}
