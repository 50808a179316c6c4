//! The wire side of a failed request: the service's error shape and the
//! awsJson1_1 response both answers share.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const JSON_1_1: &str = "application/x-amz-json-1.1";

/// A service error: always HTTP 400 in this emulator, as AWS answers client
/// errors on awsJson1_1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ApiError {
    pub(super) code: &'static str,
    pub(super) message: String,
}

impl ApiError {
    pub(super) fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub(super) fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }

    pub(super) fn no_workforce(name: &str) -> Self {
        Self::validation(format!("No workforce found with name {name}"))
    }

    pub(super) fn no_workteam(name: &str) -> Self {
        Self::validation(format!("The work team {name} does not exist."))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The SDK reads the code from `x-amzn-ErrorType` (it wins over the
        // body's `__type`) and the message from the body's `Message`.
        let body = json!({ "__type": self.code, "Message": self.message });
        let mut response = json_response(StatusCode::BAD_REQUEST, &body);
        if let Ok(code) = HeaderValue::from_str(self.code) {
            response.headers_mut().insert("x-amzn-ErrorType", code);
        }
        response
    }
}

pub(super) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_1_1));
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

fn request_id() -> String {
    let hex = crate::sink::random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
