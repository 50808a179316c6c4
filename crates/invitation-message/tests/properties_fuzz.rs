//! Property tests of the trigger's event parsing: for any event, and for
//! Cognito's own event with one field changed, the trigger answers without
//! panicking, passes other triggers through unchanged, and refuses an
//! unreadable invitation event naming the field.
//!
//! The trigger runs without a usable WORKFORCE_NAME, so every invitation
//! event that parses is refused as misconfigured before any AWS call: the
//! tests reach the parser and nothing after it.

use custom_resource::fuzz::{self, Perturbation};
use invitation_message::ADMIN_CREATE_USER;
use invitation_message::trigger::{Cause, InvitationMessage, Refused};
use lambda_runtime::LambdaEvent;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// The trigger, with clients for an endpoint nobody listens on (they are
/// never called) and no workforce.
fn trigger() -> &'static (Runtime, InvitationMessage) {
    static TRIGGER: OnceLock<(Runtime, InvitationMessage)> = OnceLock::new();
    TRIGGER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let config = runtime.block_on(local_aws::sdk_config("http://127.0.0.1:9", "us-east-1"));
        let trigger = InvitationMessage::new(
            aws_sdk_cognitoidentityprovider::Client::new(&config),
            aws_sdk_sagemaker::Client::new(&config),
            Err("WORKFORCE_NAME is not set".into()),
        );
        (runtime, trigger)
    })
}

fn handle(event: &Value) -> Result<Value, Refused> {
    let (runtime, trigger) = trigger();
    let event = LambdaEvent::new(event.clone(), lambda_runtime::Context::default());
    runtime.block_on(trigger.handle(event))
}

/// events/invitation-message-admin-create-user.json
fn invitation() -> Value {
    serde_json::from_str(include_str!(
        "../../../events/invitation-message-admin-create-user.json"
    ))
    .unwrap()
}

/// The event's own fields, and those of its `request`.
const TOP: &[&str] = &[
    "version",
    "triggerSource",
    "region",
    "userPoolId",
    "userName",
    "callerContext",
    "request",
    "response",
];
const REQUEST: &[&str] = &[
    "userAttributes",
    "codeParameter",
    "linkParameter",
    "usernameParameter",
    "clientMetadata",
];

/// What the trigger must do with `event`: pass it through, or refuse it
/// naming the user, as misconfigured if it parsed and as a bad event
/// otherwise.
fn check_answer(
    event: &Value,
    answer: Result<Value, Refused>,
) -> Result<Option<Cause>, TestCaseError> {
    if event["triggerSource"] != ADMIN_CREATE_USER {
        prop_assert_eq!(
            answer.as_ref().ok(),
            Some(event),
            "not passed through unchanged"
        );
        return Ok(None);
    }
    let refused = match answer {
        Ok(answer) => {
            return Err(TestCaseError::fail(format!(
                "answered {answer} without a workforce"
            )));
        }
        Err(refused) => refused,
    };
    let user = event["userName"].as_str().unwrap_or("(no userName)");
    prop_assert_eq!(&refused.user, user);
    prop_assert!(refused.to_string().contains(user), "{refused}");
    match refused.cause {
        cause @ (Cause::Config(_) | Cause::Event(_)) => Ok(Some(cause)),
        other => Err(TestCaseError::fail(format!("refused for {other}"))),
    }
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// Any JSON as the event, as an invitation or not: no panic.
    #[test]
    fn any_event_is_answered_without_panicking(mut event in fuzz::json_value(), invitation in any::<bool>()) {
        if invitation && let Some(object) = event.as_object_mut() {
            object.insert("triggerSource".into(), json!(ADMIN_CREATE_USER));
        }
        let answer = handle(&event);
        check_answer(&event, answer)?;
    }

    /// Cognito's event with one field replaced, removed or added: read, or
    /// refused as a bad event naming that field.
    #[test]
    fn one_field_changed_is_read_or_refused_by_name(
        change in fuzz::perturbation(TOP),
        nested in any::<bool>(),
        in_request in fuzz::perturbation(REQUEST),
    ) {
        let mut event = invitation();
        let change = if nested {
            event["request"] = in_request.apply(&event["request"]);
            in_request
        } else {
            event = change.apply(&event);
            change
        };
        let answer = handle(&event);
        if let Some(Cause::Event(reason)) = check_answer(&event, answer)? {
            // An added unknown field is ignored, so never the reason.
            prop_assert!(!matches!(change, Perturbation::Added(..)), "{reason}");
            prop_assert!(reason.contains(change.property()), "{change:?}: {reason}");
        }
    }
}
