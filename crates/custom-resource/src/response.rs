//! The response body PUT to the ResponseURL, and its size rule.

use crate::event::Request;
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

/// The response body as CloudFormation documents it. Every member is a
/// string, an object or a boolean, never null: `Reason` is required for
/// FAILED and documented as a string, and a null Reason is known to leave a
/// stack waiting, so it is left out on SUCCESS; `Data` and `NoEcho` are left
/// out when there is nothing to say.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    physical_resource_id: &'a str,
    stack_id: &'a str,
    request_id: &'a str,
    logical_resource_id: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    no_echo: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a BTreeMap<String, String>>,
}

/// Said when a FAILED answer would otherwise carry no reason at all.
const NO_REASON: &str = "internal error: the function failed without saying why";

fn serialize(request: &Request, answer: &Answer) -> Vec<u8> {
    let body = match answer {
        Answer::Success(outcome) => Body {
            status: "SUCCESS",
            reason: None,
            physical_resource_id: &outcome.physical_resource_id,
            stack_id: &request.stack_id,
            request_id: &request.request_id,
            logical_resource_id: &request.logical_resource_id,
            no_echo: outcome.no_echo,
            data: Some(&outcome.data).filter(|data| !data.is_empty()),
        },
        Answer::Failed {
            physical_resource_id,
            reason,
        } => Body {
            status: "FAILED",
            reason: Some(if reason.trim().is_empty() {
                NO_REASON
            } else {
                reason
            }),
            physical_resource_id,
            stack_id: &request.stack_id,
            request_id: &request.request_id,
            logical_resource_id: &request.logical_resource_id,
            no_echo: false,
            data: None,
        },
    };
    // Serializing plain strings and maps into a Vec cannot fail.
    serde_json::to_vec(&body).unwrap_or_default()
}

/// CloudFormation refuses an empty PhysicalResourceId, so an answer never
/// carries one: a SUCCESS without an id is an internal error, and a FAILED
/// one answers with the marker of a Create that created nothing.
fn with_physical_id(request: &Request, answer: Answer) -> Answer {
    let marker = || crate::handler::created_nothing_id(&request.request_id);
    match answer {
        Answer::Success(outcome) if outcome.physical_resource_id.is_empty() => Answer::Failed {
            physical_resource_id: request.physical_resource_id.clone().unwrap_or_else(marker),
            reason: "internal error: the function answered SUCCESS without a PhysicalResourceId"
                .to_owned(),
        },
        Answer::Failed {
            physical_resource_id,
            reason,
        } if physical_resource_id.is_empty() => Answer::Failed {
            physical_resource_id: request.physical_resource_id.clone().unwrap_or_else(marker),
            reason,
        },
        answer => answer,
    }
}

/// Serializes the answer, keeping the body within [`MAX_BODY_BYTES`]:
/// a success whose Data would not fit becomes FAILED (Data is never cut), and
/// a FAILED reason is shortened, keeping `reason_suffix` (where the logs are),
/// until it fits. Returns the answer actually sent and its body.
pub fn render(request: &Request, answer: Answer, reason_suffix: &str) -> (Answer, Vec<u8>) {
    let answer = match with_physical_id(request, answer) {
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
        let reason = format!("{message}{reason_suffix}");
        let answer = Answer::Failed {
            physical_resource_id: physical_resource_id.clone(),
            reason: if reason.trim().is_empty() {
                NO_REASON.to_owned()
            } else {
                reason
            },
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

    /// Panics at the first null anywhere in `value`.
    fn assert_no_null(value: &Value, at: &str) {
        match value {
            Value::Null => panic!("null at {at}"),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, item)| assert_no_null(item, &format!("{at}[{i}]"))),
            Value::Object(map) => map
                .iter()
                .for_each(|(key, item)| assert_no_null(item, &format!("{at}.{key}"))),
            _ => {}
        }
    }

    #[test]
    fn success_sends_no_null_and_no_reason() {
        let (_, body) = render(&request(), Answer::Success(Outcome::new("p")), " logs");
        let body = parse(&body);
        assert_no_null(&body, "body");
        assert!(body.get("Reason").is_none(), "{body}");
        assert!(body.get("NoEcho").is_none(), "{body}");
        assert!(body.get("Data").is_none(), "{body}");
        let members: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            members,
            [
                "LogicalResourceId",
                "PhysicalResourceId",
                "RequestId",
                "StackId",
                "Status"
            ]
        );

        let mut secret = Outcome::new("p").with("Password", "x");
        secret.no_echo = true;
        let body = parse(&render(&request(), Answer::Success(secret), "").1);
        assert_no_null(&body, "body");
        assert_eq!(body["NoEcho"], json!(true));
        assert_eq!(body["Data"], json!({"Password": "x"}));
    }

    #[test]
    fn failed_always_has_a_non_empty_string_reason_and_no_data() {
        for (reason, suffix) in [("", ""), ("  ", ""), ("boom", ""), ("", " See logs.")] {
            let failed = Answer::Failed {
                physical_resource_id: "p".into(),
                reason: reason.into(),
            };
            let (answer, body) = render(&request(), failed, suffix);
            let body = parse(&body);
            assert_no_null(&body, "body");
            assert_eq!(body["Status"], "FAILED");
            let sent = body["Reason"].as_str().expect("Reason is a string");
            assert!(!sent.trim().is_empty(), "{reason:?}{suffix:?}: {body}");
            assert_eq!(
                answer,
                Answer::Failed {
                    physical_resource_id: "p".into(),
                    reason: sent.to_owned()
                }
            );
            assert!(body.get("Data").is_none() && body.get("NoEcho").is_none());
        }
    }

    #[test]
    fn missing_envelope_fields_are_echoed_as_empty_strings_never_null() {
        let bare = Request::from_event(json!({
            "RequestType": "Create",
            "ResponseURL": "https://example.invalid/r",
            "StackId": null,
        }))
        .unwrap();
        for answer in [
            Answer::Success(Outcome::new("p")),
            Answer::Failed {
                physical_resource_id: "p".into(),
                reason: "r".into(),
            },
        ] {
            let body = parse(&render(&bare, answer, "").1);
            assert_no_null(&body, "body");
            assert_eq!(body["StackId"], "");
        }
    }

    #[test]
    fn an_empty_physical_resource_id_is_never_sent() {
        let (answer, body) = render(&request(), Answer::Success(Outcome::new("")), "");
        assert_eq!(answer.status(), "FAILED");
        let body = parse(&body);
        assert_eq!(body["PhysicalResourceId"], "created-nothing:req-1");
        assert!(
            body["Reason"]
                .as_str()
                .unwrap()
                .contains("without a PhysicalResourceId")
        );

        let failed = Answer::Failed {
            physical_resource_id: String::new(),
            reason: "r".into(),
        };
        let mut update = request();
        update.physical_resource_id = Some("given".into());
        let body = parse(&render(&update, failed, "").1);
        assert_eq!(body["PhysicalResourceId"], "given");
    }

    #[test]
    fn oversized_data_fails_instead_of_being_cut() {
        let outcome = Outcome::new("p").with("Big", "x".repeat(5000));
        let (answer, body) = render(&request(), Answer::Success(outcome), " See log stream s.");
        assert_eq!(answer.status(), "FAILED");
        assert!(body.len() <= MAX_BODY_BYTES);
        let body = parse(&body);
        assert_eq!(body["PhysicalResourceId"], "p");
        assert!(body.get("Data").is_none(), "{body}");
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
