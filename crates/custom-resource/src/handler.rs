//! One event, from the Runtime API to the response PUT.

use crate::CustomResource;
use crate::event::{Request, RequestType};
use crate::properties::{self, Properties as _};
use crate::response::{self, Answer, Outcome};
use crate::send::{self, Delivery, ResponseUrl};
use futures_util::FutureExt;
use lambda_runtime::LambdaEvent;
use serde_json::{Value, json};
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;
use tracing::Instrument;

/// Prefix of the PhysicalResourceId answered for a Create that created
/// nothing. The colon cannot occur in any id these functions issue (SSM
/// parameter names, workforce names, Cognito ids), so the marker can never
/// pass for a real resource.
const CREATED_NOTHING_PREFIX: &str = "created-nothing:";

/// The PhysicalResourceId for a Create that created nothing.
pub fn created_nothing_id(request_id: &str) -> String {
    format!("{CREATED_NOTHING_PREFIX}{request_id}")
}

/// Whether an id is a [`created_nothing_id`].
pub fn is_created_nothing_id(physical_resource_id: &str) -> bool {
    physical_resource_id.starts_with(CREATED_NOTHING_PREFIX)
}

/// Time kept back from the resource code for sending the response: a tenth
/// of the invocation's time, at least 1.5 s, at most 10 s.
fn response_reserve(remaining: Duration) -> Duration {
    (remaining / 10).clamp(Duration::from_millis(1500), Duration::from_secs(10))
}

/// What resource code knows about the event it serves. The ResponseURL is
/// deliberately not here: only the protocol touches it.
#[derive(Debug)]
pub struct Context {
    pub request_type: RequestType,
    pub stack_id: String,
    pub request_id: String,
    pub logical_resource_id: String,
    pub resource_type: String,
    pub lambda_request_id: String,
    work_deadline: Instant,
    claimed_physical_id: Mutex<Option<String>>,
}

impl Context {
    fn new(request: &Request, lambda_request_id: String, work_deadline: Instant) -> Self {
        Self {
            request_type: request.request_type.clone(),
            stack_id: request.stack_id.clone(),
            request_id: request.request_id.clone(),
            logical_resource_id: request.logical_resource_id.clone(),
            resource_type: request.resource_type.clone(),
            lambda_request_id,
            work_deadline,
            claimed_physical_id: Mutex::new(None),
        }
    }

    /// The stack's name, parsed from the StackId.
    pub fn stack_name(&self) -> Option<&str> {
        crate::event::stack_name(&self.stack_id)
    }

    /// When the resource code must be done. Past it the protocol answers
    /// FAILED ("ran out of time") and drops the work; loops that wait should
    /// stop a little before it and return their own error.
    pub fn work_deadline(&self) -> Instant {
        self.work_deadline
    }

    /// Time left until [`Context::work_deadline`].
    pub fn remaining(&self) -> Duration {
        self.work_deadline.saturating_duration_since(Instant::now())
    }

    /// Records that a real resource now exists under this id, so that a
    /// Create or Update that fails afterwards (error, panic, timeout) answers
    /// with it and CloudFormation's rollback Delete can clean it up.
    pub fn claim_physical_id(&self, physical_resource_id: impl Into<String>) {
        if let Ok(mut claimed) = self.claimed_physical_id.lock() {
            *claimed = Some(physical_resource_id.into());
        }
    }

    fn claimed_physical_id(&self) -> Option<String> {
        self.claimed_physical_id
            .lock()
            .ok()
            .and_then(|claimed| claimed.clone())
    }
}

pub(crate) struct Handler<R> {
    resource: R,
    http: aws_smithy_http_client::Connector,
    log_group: String,
    log_stream: String,
    /// The stack this function serves (see [`crate::stack`]).
    own_stack_id: Option<String>,
}

impl<R: CustomResource> Handler<R> {
    pub(crate) fn new(resource: R) -> Self {
        Self {
            resource,
            http: crate::network::response_connector(Duration::from_secs(5)),
            log_group: std::env::var("AWS_LAMBDA_LOG_GROUP_NAME").unwrap_or_default(),
            log_stream: std::env::var("AWS_LAMBDA_LOG_STREAM_NAME").unwrap_or_default(),
            own_stack_id: crate::stack::own_stack_id_from_env(),
        }
    }

    pub(crate) async fn handle(
        &self,
        event: LambdaEvent<Value>,
    ) -> Result<Value, lambda_runtime::Error> {
        let (payload, lambda_context) = event.into_parts();
        let request = Request::from_event(payload).inspect_err(|error| {
            tracing::error!(lambda_request_id = %lambda_context.request_id, %error, "event ignored: no response can be sent");
        })?;
        let url = ResponseUrl::parse(&request.response_url, ResponseUrl::http_allowed_by_env())
            .inspect_err(|error| {
                tracing::error!(lambda_request_id = %lambda_context.request_id, %error, "event ignored: no response can be sent");
            })?;
        let span = tracing::info_span!(
            "custom_resource",
            request_type = request.request_type.as_str(),
            logical_resource_id = %request.logical_resource_id,
            request_id = %request.request_id,
            lambda_request_id = %lambda_context.request_id,
            resource_type = %request.resource_type,
        );
        self.respond(
            request,
            url,
            lambda_context.request_id,
            lambda_context.deadline,
        )
        .instrument(span)
        .await
    }

    async fn respond(
        &self,
        request: Request,
        url: ResponseUrl,
        lambda_request_id: String,
        deadline_epoch_ms: u64,
    ) -> Result<Value, lambda_runtime::Error> {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|now| now.as_millis() as u64)
            .unwrap_or_default();
        let remaining = Duration::from_millis(deadline_epoch_ms.saturating_sub(now_ms));
        let deadline = Instant::now() + remaining;
        let reserve = response_reserve(remaining);
        let work_deadline = deadline.checked_sub(reserve).unwrap_or_else(Instant::now);
        let give_up_at = deadline.checked_sub(reserve / 6).unwrap_or(deadline);
        tracing::info!(
            physical_resource_id = request.physical_resource_id.as_deref().unwrap_or(""),
            response_target = %url,
            remaining_ms = remaining.as_millis() as u64,
            "request received"
        );

        let context = Context::new(&request, lambda_request_id, work_deadline);
        let answer = self.answer(&request, &context).await;
        let (answer, body) = response::render(&request, answer, &self.log_pointer());
        match &answer {
            Answer::Success(outcome) => tracing::info!(
                status = "SUCCESS",
                physical_resource_id = %outcome.physical_resource_id,
                data_keys = ?outcome.data.keys().collect::<Vec<_>>(),
                "sending response"
            ),
            Answer::Failed {
                physical_resource_id,
                reason,
            } => tracing::error!(
                status = "FAILED",
                %physical_resource_id,
                %reason,
                "sending response"
            ),
        }
        let delivery = send::put(&self.http, &url, body, give_up_at).await;
        let summary = json!({
            "Status": answer.status(),
            "PhysicalResourceId": answer.physical_resource_id(),
        });
        match delivery {
            Delivery::Delivered { attempts } => {
                tracing::info!(attempts, target = %url, "response delivered");
                Ok(summary)
            }
            Delivery::Refused { attempts, status } => {
                // Final: retrying the invocation would not make the URL
                // accept it, and would repeat the work.
                tracing::error!(attempts, status, target = %url, "response refused by the ResponseURL");
                Ok(summary)
            }
            Delivery::GaveUp {
                attempts,
                last_error,
            } => {
                tracing::error!(attempts, error = %last_error, target = %url, "response not delivered before the deadline");
                Err(
                    format!("response not delivered after {attempts} attempts: {last_error}")
                        .into(),
                )
            }
        }
    }

    fn log_pointer(&self) -> String {
        format!(
            " (CloudWatch Logs: log group {}, log stream {})",
            or_unknown(&self.log_group),
            or_unknown(&self.log_stream)
        )
    }

    /// Decides the answer: the parts the protocol settles itself, then the
    /// resource code, guarded against panics and the deadline.
    async fn answer(&self, request: &Request, context: &Context) -> Answer {
        let given_id = request.physical_resource_id.clone();
        let fallback_id = given_id
            .clone()
            .unwrap_or_else(|| created_nothing_id(&request.request_id));
        match (&request.request_type, given_id.as_deref()) {
            (RequestType::Unknown(other), _) => {
                return Answer::Failed {
                    physical_resource_id: fallback_id,
                    reason: format!(
                        "unknown RequestType {other:?}: expected Create, Update or Delete"
                    ),
                };
            }
            (RequestType::Delete, None) => {
                tracing::warn!("Delete without a PhysicalResourceId: nothing of ours to delete");
                return Answer::Success(Outcome::new(fallback_id));
            }
            (RequestType::Delete, Some(id)) if is_created_nothing_id(id) => {
                tracing::info!(
                    physical_resource_id = id,
                    "Delete of a Create that created nothing: done, nothing to delete"
                );
                return Answer::Success(Outcome::new(id));
            }
            _ => {}
        }
        // After the Deletes settled above, which touch nothing: the rollback
        // of a refused Create must succeed, or the other stack is stuck.
        if let Some(reason) = crate::stack::refusal(self.own_stack_id.as_deref(), request) {
            tracing::warn!(event_stack_id = %request.stack_id, %reason, "event refused: not for this function's stack");
            return Answer::Failed {
                physical_resource_id: fallback_id,
                reason,
            };
        }
        if request.request_type == RequestType::Update && given_id.is_none() {
            return Answer::Failed {
                physical_resource_id: fallback_id,
                reason: "Update without a PhysicalResourceId".to_owned(),
            };
        }

        // Boxed: SDK futures are deep, and keeping them off this frame spares
        // every function crate a `recursion_limit` attribute.
        let work = AssertUnwindSafe(Box::pin(self.dispatch(request, context))).catch_unwind();
        let failed_id = || match request.request_type {
            RequestType::Delete => fallback_id.clone(),
            _ => context
                .claimed_physical_id()
                .unwrap_or_else(|| fallback_id.clone()),
        };
        match tokio::time::timeout_at(context.work_deadline(), work).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(panic)) => Answer::Failed {
                physical_resource_id: failed_id(),
                reason: format!(
                    "internal error: the function panicked ({}); nothing after that point was done",
                    crate::logging::panic_message(panic.as_ref())
                ),
            },
            Err(_elapsed) => Answer::Failed {
                physical_resource_id: failed_id(),
                reason: format!(
                    "timed out: {} did not finish before the Lambda function's deadline, so it was \
                     answered FAILED early; raise the function's Timeout (and the resource's \
                     ServiceTimeout) or look for what it was waiting on",
                    request.request_type.as_str()
                ),
            },
        }
    }

    async fn dispatch(&self, request: &Request, context: &Context) -> Answer {
        let raw = request.resource_properties.as_ref();
        match (
            &request.request_type,
            request.physical_resource_id.as_deref(),
        ) {
            (RequestType::Create, _) => {
                let nothing = || {
                    context
                        .claimed_physical_id()
                        .unwrap_or_else(|| created_nothing_id(&request.request_id))
                };
                let properties = match properties::parse::<R::Properties>(raw) {
                    Ok(properties) => properties,
                    Err(error) => return failed(nothing(), &error),
                };
                match self.resource.create(context, properties).await {
                    Ok(outcome) if outcome.physical_resource_id.is_empty() => Answer::Failed {
                        physical_resource_id: nothing(),
                        reason: "internal error: Create produced an empty PhysicalResourceId"
                            .into(),
                    },
                    Ok(outcome) => Answer::Success(outcome),
                    Err(error) => failed(nothing(), &error),
                }
            }
            (RequestType::Update, Some(id)) => {
                let properties = match properties::parse::<R::Properties>(raw) {
                    Ok(properties) => properties,
                    Err(error) => return failed(id.to_owned(), &error),
                };
                let old = request.old_resource_properties.as_ref().and_then(|old| {
                    properties::parse_unvalidated::<R::Properties>(Some(old))
                        .inspect_err(
                            |error| tracing::warn!(%error, "OldResourceProperties ignored"),
                        )
                        .ok()
                });
                match self.resource.update(context, id, properties, old).await {
                    Ok(outcome) if outcome.physical_resource_id.is_empty() => {
                        Answer::Success(Outcome {
                            physical_resource_id: id.to_owned(),
                            ..outcome
                        })
                    }
                    Ok(outcome) => Answer::Success(outcome),
                    Err(error) => failed(
                        context
                            .claimed_physical_id()
                            .unwrap_or_else(|| id.to_owned()),
                        &error,
                    ),
                }
            }
            (RequestType::Delete, Some(id)) => {
                // The shape only, not the rules: what these properties name
                // was made under the rules of its day, or never made (a
                // refused Create whose answer was lost, which CloudFormation
                // rolls back with an id it invents). Refusing the Delete
                // would leave the stack unable to roll back or be deleted;
                // the resource's own checks of what exists decide.
                let properties = match properties::parse_unvalidated::<R::Properties>(raw) {
                    Ok(properties) => properties,
                    Err(error) => return failed(id.to_owned(), &error),
                };
                if let Err(broken) = properties.validate() {
                    tracing::warn!(
                        rule = %broken,
                        "Delete with properties that break a rule: deleting what they name all the same"
                    );
                }
                if !self.resource.issued(id, &properties) {
                    tracing::info!(
                        physical_resource_id = id,
                        "Delete of an id this function did not issue: done, nothing deleted"
                    );
                    return Answer::Success(Outcome::new(id));
                }
                match self.resource.delete(context, id, properties).await {
                    Ok(()) => Answer::Success(Outcome::new(id)),
                    Err(error) => failed(id.to_owned(), &error),
                }
            }
            // Settled in `answer` before dispatch.
            (RequestType::Update | RequestType::Delete, None) | (RequestType::Unknown(_), _) => {
                Answer::Failed {
                    physical_resource_id: created_nothing_id(&request.request_id),
                    reason: "internal error: unexpected request".into(),
                }
            }
        }
    }
}

fn or_unknown(text: &str) -> &str {
    if text.is_empty() { "(unknown)" } else { text }
}

/// An error and its sources, as one sentence: "a: b: c".
pub(crate) fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn failed(physical_resource_id: String, error: &(dyn std::error::Error + 'static)) -> Answer {
    Answer::Failed {
        physical_resource_id,
        reason: describe(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_scales_with_the_time_left() {
        assert_eq!(
            response_reserve(Duration::from_secs(3)),
            Duration::from_millis(1500)
        );
        assert_eq!(
            response_reserve(Duration::from_secs(60)),
            Duration::from_secs(6)
        );
        assert_eq!(
            response_reserve(Duration::from_secs(900)),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn created_nothing_ids_are_recognised() {
        let id = created_nothing_id("5f1c");
        assert!(is_created_nothing_id(&id));
        assert!(!is_created_nothing_id("my-workforce"));
        assert!(!is_created_nothing_id(
            "/sagemaker-workforce/s/domain-prefix"
        ));
    }

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn describes_the_source_chain() {
        let error = Outer(std::io::Error::other("inner"));
        assert_eq!(describe(&error), "outer: inner");
    }
}
