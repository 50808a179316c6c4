//! The response body PUT to the ResponseURL, and its size rule.

use crate::event::Request;
use aws_lambda_events::event::cloudformation::{
    CloudFormationCustomResourceResponse, CloudFormationCustomResourceResponseStatus,
};
use std::collections::BTreeMap;

/// CloudFormation refuses a response body above this many bytes ("Response
/// object is too long"), and then the Reason is lost too.
pub const MAX_BODY_BYTES: usize = 4096;

/// What a function hands back for a successful Create or Update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub physical_resource_id: String,
    pub data: BTreeMap<String, String>,
    pub no_echo: bool,
}

impl Outcome {
    pub fn new(physical_resource_id: impl Into<String>) -> Self {
        Self {
            physical_resource_id: physical_resource_id.into(),
            data: BTreeMap::new(),
            no_echo: false,
        }
    }

    /// Adds a `Data` key, readable with `Fn::GetAtt`.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.data.insert(key.into(), value.into());
        self
    }
}

/// The final answer for one event, before it is serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Success(Outcome),
    Failed {
        physical_resource_id: String,
        reason: String,
    },
}

impl Answer {
    pub fn status(&self) -> &'static str {
        match self {
            Answer::Success(_) => "SUCCESS",
            Answer::Failed { .. } => "FAILED",
        }
    }

    pub fn physical_resource_id(&self) -> &str {
        match self {
            Answer::Success(outcome) => &outcome.physical_resource_id,
            Answer::Failed {
                physical_resource_id,
                ..
            } => physical_resource_id,
        }
    }
}

fn serialize(request: &Request, answer: &Answer) -> Vec<u8> {
    let mut body = CloudFormationCustomResourceResponse::default();
    body.stack_id = request.stack_id.clone();
    body.request_id = request.request_id.clone();
    body.logical_resource_id = request.logical_resource_id.clone();
    match answer {
        Answer::Success(outcome) => {
            body.status = CloudFormationCustomResourceResponseStatus::Success;
            body.physical_resource_id = outcome.physical_resource_id.clone();
            body.no_echo = outcome.no_echo;
            body.data = outcome
                .data
                .iter()
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
        }
        Answer::Failed {
            physical_resource_id,
            reason,
        } => {
            body.status = CloudFormationCustomResourceResponseStatus::Failed;
            body.physical_resource_id = physical_resource_id.clone();
            body.reason = Some(reason.clone());
        }
    }
    // Serializing plain strings and maps into a Vec cannot fail.
    serde_json::to_vec(&body).unwrap_or_default()
}

/// Serializes the answer, keeping the body within [`MAX_BODY_BYTES`]:
/// a success whose Data would not fit becomes FAILED (Data is never cut), and
/// a FAILED reason is shortened, keeping `reason_suffix` (where the logs are),
/// until it fits. Returns the answer actually sent and its body.
pub fn render(request: &Request, answer: Answer, reason_suffix: &str) -> (Answer, Vec<u8>) {
    let answer = match answer {
        Answer::Success(outcome) => {
            let body = serialize(request, &Answer::Success(outcome.clone()));
            if body.len() <= MAX_BODY_BYTES {
                return (Answer::Success(outcome), body);
            }
            let keys: Vec<&str> = outcome.data.keys().map(String::as_str).collect();
            Answer::Failed {
                physical_resource_id: outcome.physical_resource_id.clone(),
                reason: format!(
                    "the response would be {} bytes, over CloudFormation's {MAX_BODY_BYTES}-byte \
                     limit; Data keys {keys:?} were not cut down, so the request failed instead",
                    body.len()
                ),
            }
        }
        failed => failed,
    };
    let Answer::Failed {
        physical_resource_id,
        reason,
    } = answer
    else {
        unreachable!("successes that fit returned above")
    };
    let mut message = reason;
    loop {
        let answer = Answer::Failed {
            physical_resource_id: physical_resource_id.clone(),
            reason: format!("{message}{reason_suffix}"),
        };
        let body = serialize(request, &answer);
        let excess = body.len().saturating_sub(MAX_BODY_BYTES);
        if excess == 0 || message.is_empty() {
            return (answer, body);
        }
        // JSON escaping can make a character cost more than its UTF-8 bytes,
        // so cut a little more than the excess and measure again.
        let keep = message.len().saturating_sub(excess + 16);
        let mut cut = keep;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        if !message.is_empty() {
            message.push_str("... (shortened)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn request() -> Request {
        Request::from_event(json!({
            "RequestType": "Create",
            "ResponseURL": "https://example.invalid/r",
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid",
            "RequestId": "req-1",
            "LogicalResourceId": "Thing",
        }))
        .unwrap()
    }

    fn parse(body: &[u8]) -> Value {
        serde_json::from_slice(body).unwrap()
    }

    #[test]
    fn success_carries_every_field() {
        let (answer, body) = render(
            &request(),
            Answer::Success(Outcome::new("p").with("K", "v")),
            "",
        );
        assert_eq!(answer.status(), "SUCCESS");
        let body = parse(&body);
        assert_eq!(body["Status"], "SUCCESS");
        assert_eq!(body["PhysicalResourceId"], "p");
        assert_eq!(
            body["StackId"],
            "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid"
        );
        assert_eq!(body["RequestId"], "req-1");
        assert_eq!(body["LogicalResourceId"], "Thing");
        assert_eq!(body["Data"], json!({"K": "v"}));
    }

    #[test]
    fn oversized_data_fails_instead_of_being_cut() {
        let outcome = Outcome::new("p").with("Big", "x".repeat(5000));
        let (answer, body) = render(&request(), Answer::Success(outcome), " See log stream s.");
        assert_eq!(answer.status(), "FAILED");
        assert!(body.len() <= MAX_BODY_BYTES);
        let body = parse(&body);
        assert_eq!(body["PhysicalResourceId"], "p");
        assert_eq!(body["Data"], json!({}));
        let reason = body["Reason"].as_str().unwrap();
        assert!(
            reason.contains("4096") && reason.contains("Big"),
            "{reason}"
        );
        assert!(reason.ends_with(" See log stream s."), "{reason}");
    }

    #[test]
    fn a_huge_reason_is_shortened_but_keeps_the_log_pointer() {
        let failed = Answer::Failed {
            physical_resource_id: "p".into(),
            reason: "\u{1F4A5}\"".repeat(3000),
        };
        let (_, body) = render(&request(), failed, " See log stream s.");
        assert!(body.len() <= MAX_BODY_BYTES, "{}", body.len());
        let reason = parse(&body)["Reason"].as_str().unwrap().to_owned();
        assert!(
            reason.ends_with("(shortened) See log stream s."),
            "{reason}"
        );
    }

    #[test]
    fn a_body_exactly_at_the_limit_is_kept() {
        let base = render(
            &request(),
            Answer::Success(Outcome::new("p").with("K", "")),
            "",
        )
        .1
        .len();
        let fill = "y".repeat(MAX_BODY_BYTES - base);
        let (answer, body) = render(
            &request(),
            Answer::Success(Outcome::new("p").with("K", fill)),
            "",
        );
        assert_eq!(body.len(), MAX_BODY_BYTES);
        assert_eq!(answer.status(), "SUCCESS");
    }
}
